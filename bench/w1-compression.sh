#!/usr/bin/env bash
# W1 with and without permessage-deflate: REPS (2) pairs of gamestate runs, off then on, each on a
# fresh warmed server (server.compression and NettyLoad --compression alike). Prints per run the
# events received, the bytes the loopback interface carried (both directions, headers included) and
# the server's CPU (utime + stime). Loopback bytes count every process on the machine: run it alone.
# Usage: bench/w1-compression.sh [--rate 500] [--subscribers 1000] [--warm 15] [--warmup 3] [--duration 10] [--reps 2]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RATE=500 SUBSCRIBERS=1000 WARM=15 WARMUP=3 DURATION=10 REPS=2
parse_options RATE SUBSCRIBERS WARM WARMUP DURATION -- "$@"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

build_if_stale
log "bench: $(date -u '+%F %T') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for ((rep = 1; rep <= REPS; rep++)); do
  for mode in off on; do
    log "bench: round $rep/$REPS, compression $mode"
    if [[ $mode == on ]]; then export GAMESTATE_SERVER_COMPRESSION=true; else unset GAMESTATE_SERVER_COMPRESSION; fi
    start_target gamestate
    warm_server gamestate "$rep"
    t0=$(ticks "$SERVER_PID") b0=$(cat /sys/class/net/lo/statistics/tx_bytes)
    run_load "gamestate-$mode" "$rep" --compression "$mode" --rooms 1 --subscribers-per-room "$SUBSCRIBERS" \
      --publishers 1 --rate "$RATE" --warmup "${WARMUP}s" --duration "${DURATION}s"
    t1=$(ticks "$SERVER_PID") b1=$(cat /sys/class/net/lo/statistics/tx_bytes)
    f="$RESULTS/gamestate-$mode-$rep"
    printf 'compression=%s deliveries_per_s=%s loopback_bytes=%s server_cpu_ticks=%s delivery_p50_ms=%s delivery_p99_ms=%s gaps=%s duplicates=%s\n' \
      "$mode" "$(field "$f" deliveries)" "$((b1 - b0))" "$((t1 - t0))" "$(field "$f" delivery_p50_ms)" \
      "$(field "$f" delivery_p99_ms)" "$(field "$f" gaps)" "$(field "$f" dups)"
    stop_all
  done
done
