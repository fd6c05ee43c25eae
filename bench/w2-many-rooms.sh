#!/usr/bin/env bash
# W2, many rooms: ROOMS (100) rooms of SUBSCRIBERS (10) each, one publisher per room, RATE (10,000)
# broadcasts/s in all: deliveries/s and delivery latency, against the bare-Netty ceiling and gamestate.
# Usage: bench/w2-many-rooms.sh [--rate 10000] [--rooms 100] [--subscribers 10] [--warm 15] [--warmup 3] [--duration 10] [--reps 3]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RATE=10000 ROOMS=100 SUBSCRIBERS=10 WARM=15 WARMUP=3 DURATION=10
parse_options RATE ROOMS SUBSCRIBERS WARM WARMUP DURATION -- "$@"

w2_round() { # w2_round TARGET REP
  run_load "$1" "$2" --rooms "$ROOMS" --subscribers-per-room "$SUBSCRIBERS" --publishers "$ROOMS" --rate "$RATE" \
    --warmup "${WARMUP}s" --duration "${DURATION}s"
}

repeat_workload w2_round
printf '\nW2: %s rooms × %s subscribers, %s publishers (one per room) at %s/s in all, %s s measured after %s s warm-up, %s rounds\n' \
  "$ROOMS" "$SUBSCRIBERS" "$ROOMS" "$RATE" "$DURATION" "$WARMUP" "$REPS"
print_table "offered broadcasts/s=offered" "acked broadcasts/s=acked" "deliveries/s=deliveries" \
  "delivery p50 ms=delivery_p50_ms" "delivery p99 ms=delivery_p99_ms" "delivery max ms=delivery_max_ms" \
  "ack p50 ms=ack_p50_ms" "ack p99 ms=ack_p99_ms" "gaps=gaps" "duplicates=dups" "out of order=out_of_order" \
  "snapshots=snapshots" "behind at end=behind"
