#!/usr/bin/env bash
# W1, fan-out: one room of SUBSCRIBERS (1000) and one publisher at a fixed RATE (500 broadcasts/s):
# deliveries/s and delivery latency, against the bare-Netty ceiling and gamestate, REPS (3) rounds.
# Usage: bench/w1-one-room-fanout.sh [--rate 500] [--subscribers 1000] [--warm 15] [--warmup 3] [--duration 10] [--reps 3]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RATE=500 SUBSCRIBERS=1000 WARM=15 WARMUP=3 DURATION=10
parse_options RATE SUBSCRIBERS WARM WARMUP DURATION -- "$@"

w1_round() { # w1_round TARGET REP
  run_load "$1" "$2" --rooms 1 --subscribers-per-room "$SUBSCRIBERS" --publishers 1 --rate "$RATE" \
    --warmup "${WARMUP}s" --duration "${DURATION}s"
}

repeat_workload w1_round
printf '\nW1: 1 room × %s subscribers, 1 publisher at %s/s, %s s measured after %s s warm-up, %s rounds\n' \
  "$SUBSCRIBERS" "$RATE" "$DURATION" "$WARMUP" "$REPS"
print_table "offered broadcasts/s=offered" "acked broadcasts/s=acked" "deliveries/s=deliveries" \
  "delivery p50 ms=delivery_p50_ms" "delivery p99 ms=delivery_p99_ms" "delivery max ms=delivery_max_ms" \
  "ack p50 ms=ack_p50_ms" "ack p99 ms=ack_p99_ms" "gaps=gaps" "duplicates=dups" "out of order=out_of_order" \
  "snapshots=snapshots" "behind at end=behind"
