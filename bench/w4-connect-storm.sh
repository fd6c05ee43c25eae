#!/usr/bin/env bash
# W4, connect storm: CLIENTS (10,000) clients connect with at most CONCURRENCY (500) handshakes in
# flight and subscribe, PER_ROOM (100) to a room: time until all are subscribed, and the connects that
# failed or were refused (by code, e.g. handshake_503), against the bare-Netty ceiling and gamestate.
# A subscribe refused with `unavailable` is retried after its retryAfterMs until SETUP_TIMEOUT (60 s).
# Usage: bench/w4-connect-storm.sh [--clients 10000] [--concurrency 500] [--per-room 100] [--setup-timeout 60] [--reps 3]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLIENTS=10000 CONCURRENCY=500 PER_ROOM=100 SETUP_TIMEOUT=60
parse_options CLIENTS CONCURRENCY PER_ROOM SETUP_TIMEOUT -- "$@"
((CLIENTS % PER_ROOM == 0)) || die "--clients must be a multiple of --per-room"

w4_round() { # w4_round TARGET REP
  run_load "$1" "$2" --rooms $((CLIENTS / PER_ROOM)) --subscribers-per-room "$PER_ROOM" --publishers 0 \
    --connect-concurrency "$CONCURRENCY" --source-addresses $((CLIENTS / 20000 + 2)) --setup-timeout "${SETUP_TIMEOUT}s"
}

repeat_workload w4_round
printf '\nW4: %s clients, at most %s handshakes at once, %s per room, %s rounds\n' \
  "$CLIENTS" "$CONCURRENCY" "$PER_ROOM" "$REPS"
print_table "all subscribed (or given up) after ms=setup_ms" "connected=connected" "subscribed=subscribed" \
  "not subscribed=failed" "subscribe retries (unavailable)=subscribe_retries"
