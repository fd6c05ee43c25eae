#!/usr/bin/env bash
# W5, hot room: PUBLISHERS (10) publishers into one room of SUBSCRIBERS (100), each sending as fast as
# acks allow with WINDOW (32) broadcasts unanswered: acked broadcasts/s and ack latency, against the
# bare-Netty ceiling and gamestate. (gamestate sheds writes past rooms.maxPendingWrites per room with
# `unavailable`; they show under errors, and do not count as acked.)
# Usage: bench/w5-hot-room.sh [--publishers 10] [--window 32] [--subscribers 100] [--warm 15] [--warmup 3] [--duration 10] [--reps 3]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PUBLISHERS=10 WINDOW=32 SUBSCRIBERS=100 WARM=15 WARMUP=3 DURATION=10
parse_options PUBLISHERS WINDOW SUBSCRIBERS WARM WARMUP DURATION -- "$@"

w5_round() { # w5_round TARGET REP
  run_load "$1" "$2" --rooms 1 --subscribers-per-room "$SUBSCRIBERS" --publishers "$PUBLISHERS" --window "$WINDOW" \
    --warmup "${WARMUP}s" --duration "${DURATION}s"
}

repeat_workload w5_round
printf '\nW5: 1 room × %s subscribers, %s publishers with %s unanswered each, %s s measured after %s s warm-up, %s rounds\n' \
  "$SUBSCRIBERS" "$PUBLISHERS" "$WINDOW" "$DURATION" "$WARMUP" "$REPS"
print_table "sent broadcasts/s=offered" "acked broadcasts/s=acked" "ack p50 ms=ack_p50_ms" "ack p99 ms=ack_p99_ms" \
  "deliveries/s=deliveries" "delivery p50 ms=delivery_p50_ms" "delivery p99 ms=delivery_p99_ms" "gaps=gaps" \
  "duplicates=dups" "out of order=out_of_order" "snapshots=snapshots" "behind at end=behind"
