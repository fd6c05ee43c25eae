#!/usr/bin/env bash
# W3, idle capacity: CLIENTS (10,000; try 50000) idle clients connect and subscribe, PER_ROOM (100) to a
# room; the server's resident memory per connection (VmRSS after a full GC via jcmd, with the clients
# connected and subscribed, minus the same before they came, divided by the clients connected),
# against the bare-Netty ceiling and gamestate. A subscribe refused with `unavailable` is retried
# until SETUP_TIMEOUT (60 s).
# Usage: bench/w3-idle-capacity.sh [--clients 10000] [--per-room 100] [--concurrency 500] [--setup-timeout 60] [--reps 3]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLIENTS=10000 PER_ROOM=100 CONCURRENCY=500 SETUP_TIMEOUT=60
parse_options CLIENTS PER_ROOM CONCURRENCY SETUP_TIMEOUT -- "$@"
((CLIENTS % PER_ROOM == 0)) || die "--clients must be a multiple of --per-room"

w3_round() { # w3_round TARGET REP
  run_held_load "$1" "$2" --rooms $((CLIENTS / PER_ROOM)) --subscribers-per-room "$PER_ROOM" --publishers 0 \
    --connect-concurrency "$CONCURRENCY" --source-addresses $((CLIENTS / 20000 + 2)) \
    --setup-timeout "${SETUP_TIMEOUT}s" --duration 300s
}

repeat_workload w3_round
printf '\nW3: %s idle clients, %s per room, at most %s handshakes at once, %s rounds\n' \
  "$CLIENTS" "$PER_ROOM" "$CONCURRENCY" "$REPS"
print_table "connected=connected" "subscribed=subscribed" "not subscribed=failed" \
  "subscribe retries (unavailable)=subscribe_retries" "connect+subscribe ms=setup_ms" \
  "server RSS before MiB=rss_before_mib" "server RSS with clients MiB=rss_after_mib" \
  "RSS per connection KiB=rss_per_client_kib"
