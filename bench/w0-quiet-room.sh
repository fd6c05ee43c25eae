#!/usr/bin/env bash
# W0, a quiet room: one publisher broadcasting RATE (20) times a second into a room with one
# subscriber: gamestate's ack latency beside raw jetcd's latency, in the same run against the same
# etcd, for one put and for a transaction shaped like a room append (EtcdWriteLatency). REPS (3)
# rounds, each with a fresh etcd and server. Before each round the server is warmed by WARM (15)
# seconds of busy load (2,000 broadcasts/s over 10 rooms): a quiet room on a running server, not the
# first requests a fresh JVM interprets (cold, the same run measures ~7 ms instead of ~3.5).
# Usage: bench/w0-quiet-room.sh [--rate 20] [--warm 15] [--warmup 3] [--duration 20] [--reps 3]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RATE=20 WARM=15 WARMUP=3 DURATION=20
parse_options RATE WARM WARMUP DURATION -- "$@"

build_if_stale
log "bench: $(date -u '+%F %T') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for ((rep = 1; rep <= REPS; rep++)); do
  log "bench: round $rep/$REPS"
  start_target gamestate
  if ((WARM > 0)); then
    run_load warm "$rep" --rooms 10 --subscribers-per-room 10 --publishers 10 --rate 2000 --warmup 1s \
      --duration "${WARM}s" 2>/dev/null
  fi
  "$JAVA" -cp "$BENCH_CP" dev.gamestate.bench.EtcdWriteLatency "$ETCD_URL" $((RATE * DURATION)) "$RATE" \
    >"$WORK/etcd-$rep.log" 2>&1 || die "EtcdWriteLatency failed: $(tail -n 5 "$WORK/etcd-$rep.log")"
  grep $'^result\twhat=put\t' "$WORK/etcd-$rep.log" >"$RESULTS/etcdput-$rep"
  grep $'^result\twhat=append_txn\t' "$WORK/etcd-$rep.log" >"$RESULTS/etcdtxn-$rep"
  run_load gamestate "$rep" --rooms 1 --subscribers-per-room 1 --publishers 1 --rate "$RATE" \
    --warmup "${WARMUP}s" --duration "${DURATION}s"
  stop_all
done

printf '\nW0: 1 room × 1 subscriber, 1 publisher at %s/s; raw jetcd on the same etcd at the same rate, %s rounds\n' \
  "$RATE" "$REPS"
printf '\n| latency | median [min–max] ms |\n| --- | ---: |\n'
printf '| jetcd put p50 | %s |\n' "$(stats etcdput p50_ms | cut -f2)"
printf '| jetcd append-shaped txn p50 | %s |\n' "$(stats etcdtxn p50_ms | cut -f2)"
printf '| gamestate broadcast ack p50 | %s |\n' "$(stats gamestate ack_p50_ms | cut -f2)"
printf '| jetcd put p99 | %s |\n' "$(stats etcdput p99_ms | cut -f2)"
printf '| gamestate broadcast ack p99 | %s |\n' "$(stats gamestate ack_p99_ms | cut -f2)"
put="$(stats etcdput p50_ms | cut -f1)"
ack="$(stats gamestate ack_p50_ms | cut -f1)"
printf '\nack p50 − put p50 (medians): %s ms\n' "$(awk -v a="$ack" -v p="$put" 'BEGIN { printf "%.3f", a - p }')"
