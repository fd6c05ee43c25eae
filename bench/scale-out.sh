#!/usr/bin/env bash
# Scale-out (issue 13): one 3-member etcd cluster on loopback and N gamestate nodes on it, for each N
# in --nodes. A FIXED TOTAL load (ROOMS rooms × SUBSCRIBERS subscribers, one publisher per room, RATE
# broadcasts/s in all) is spread over the nodes the way a game routes matches: room i and all its
# clients go to node i mod N. One NettyLoad per node drives that node's rooms (a disjoint set, by
# --room-prefix) and checks delivery (no gap, duplicate or reordering; every subscriber caught up).
#
# Per node, over a measured window (after every generator is publishing and WARMUP s have passed,
# DURATION s long): watch events received (gamestate_watch_events_total by kind), room events the node
# committed and its transactions (gamestate_rooms_events_total, _txns_total), frames written to
# sockets (gamestate_frames_out_total), CPU seconds (utime + stime from /proc/PID/stat). For etcd,
# summed over the members (each member's client URL /metrics): events sent to watchers
# (etcd_debugging_mvcc_events_total), watchers and watch streams at the end of the window
# (etcd_debugging_mvcc_watcher_total, _watch_stream_total), raft proposals committed (the highest
# member's), CPU seconds. A fresh etcd cluster and fresh nodes for every N.
#
# Usage: bench/scale-out.sh [--nodes "1 2 4"] [--rooms 100] [--subscribers 10] [--rate 2000]
#                           [--warmup 5] [--duration 15] [--reps 1]
# Exits 1 when any generator run was not clean (the tables are printed first).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODES="1 2 4" ROOMS=100 SUBSCRIBERS=10 RATE=2000 WARMUP=5 DURATION=15 REPS=1
parse_options NODES ROOMS SUBSCRIBERS RATE WARMUP DURATION -- "$@"

SLACK=12 # each generator publishes this much longer than the window, to cover their different start times
         # (on a busy machine, setting up 4 × 275 clients took up to 6 s longer for one generator than another)
CLK_TCK="$(getconf CLK_TCK)"
PICKED=" "   # ports handed out in this run, so two members never get the same one before they listen
UNCLEAN=0
SUMMARY="$WORK/summary"

for n in $NODES; do
  [[ $n =~ ^[1-9][0-9]?$ ]] || die "--nodes takes counts from 1 to 99: $n"
  ((n <= ROOMS)) || die "--nodes $n: more nodes than rooms ($ROOMS)"
done
[[ $ROOMS =~ ^[1-9][0-9]*$ && $SUBSCRIBERS =~ ^[0-9]+$ && $RATE =~ ^[1-9][0-9]*$ ]] ||
  die "--rooms, --subscribers and --rate take whole numbers"
require_fds $((ROOMS * (SUBSCRIBERS + 1) + 1000))

pick_port() { # pick_port FIRST: sets PORT to a free port from FIRST on that this run has not handed out
  PORT=$1
  while [[ $PICKED == *" $PORT "* ]] || port_in_use "$PORT"; do PORT=$((PORT + 1)); done
  PICKED+="$PORT "
}

cpu_ticks() { # cpu_ticks PID: utime + stime in clock ticks (fields 14 and 15; the name may hold spaces)
  sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

metric() { # metric FILE NAME [LABEL]: the sum of NAME's samples (those containing LABEL, e.g. kind="room")
  awk -v name="$2" -v label="${3:-}" '
    $1 !~ /^#/ { n = $1; sub(/\{.*/, "", n) }
    $1 !~ /^#/ && n == name && (label == "" || index($1, label) > 0) { s += $NF }
    END { printf "%.0f\n", s }' "$1"
}

start_etcd_cluster() { # start_etcd_cluster DIR: three fresh members; sets ETCD_PIDS, ETCD_PORTS, ETCD_ENDPOINTS
  local dir=$1 i initial="" token="scale-out-$$-$RANDOM"
  local -a peers=()
  ETCD_PIDS=() ETCD_PORTS=()
  for i in 0 1 2; do
    pick_port 24100 && ETCD_PORTS+=("$PORT")
    pick_port 24100 && peers+=("$PORT")
    initial+="${initial:+,}etcd-$((i + 1))=http://127.0.0.1:${peers[i]}"
  done
  for i in 0 1 2; do
    mkdir -p "$dir/etcd-$((i + 1))"
    start_bg "$dir/etcd-$((i + 1)).log" "$ETCD_BIN" --name "etcd-$((i + 1))" --data-dir "$dir/etcd-$((i + 1))/data" \
      --listen-client-urls "http://127.0.0.1:${ETCD_PORTS[i]}" \
      --advertise-client-urls "http://127.0.0.1:${ETCD_PORTS[i]}" \
      --listen-peer-urls "http://127.0.0.1:${peers[i]}" --initial-advertise-peer-urls "http://127.0.0.1:${peers[i]}" \
      --initial-cluster "$initial" --initial-cluster-state new --initial-cluster-token "$token"
    ETCD_PIDS+=("${STARTED_PIDS[-1]}")
  done
  for i in 0 1 2; do
    await_ready "${ETCD_PIDS[i]}" "${ETCD_PORTS[i]}" /health '"health":"true"' 30 "$dir/etcd-$((i + 1)).log"
  done
  ETCD_ENDPOINTS="$(printf 'http://127.0.0.1:%s,' "${ETCD_PORTS[@]}")"
  ETCD_ENDPOINTS="${ETCD_ENDPOINTS%,}"
}

start_nodes() { # start_nodes DIR N: N gamestate nodes on the cluster; sets NODE_PIDS, NODE_PORTS
  local dir=$1 n=$2 k jwt guest
  NODE_PIDS=() NODE_PORTS=()
  jwt="$(head -c 48 /dev/urandom | base64 -w0)"   # one cluster: the same secrets on every node
  guest="$(head -c 48 /dev/urandom | base64 -w0)"
  for ((k = 0; k < n; k++)); do
    pick_port 18400 && NODE_PORTS+=("$PORT")
    # As in lib.sh's start_gamestate; any GAMESTATE_* variable of the caller passes through and wins.
    start_bg "$dir/node$k.log" env \
      GAMESTATE_ETCD_ENDPOINTS="$ETCD_ENDPOINTS" GAMESTATE_SERVER_NODE_ID="node$k" \
      GAMESTATE_SERVER_HOST=127.0.0.1 GAMESTATE_SERVER_PORT="$PORT" \
      GAMESTATE_AUTH_JWT_HMAC_SECRET="$jwt" GAMESTATE_AUTH_GUEST_TOKEN_SECRET="$guest" \
      GAMESTATE_NAMESPACES_GUEST_ALLOW_BROADCAST="${GAMESTATE_NAMESPACES_GUEST_ALLOW_BROADCAST:-true}" \
      GAMESTATE_LIMITS_MESSAGES_PER_SECOND="${GAMESTATE_LIMITS_MESSAGES_PER_SECOND:-100000}" \
      GAMESTATE_LIMITS_MAX_VIOLATIONS="${GAMESTATE_LIMITS_MAX_VIOLATIONS:-1000000}" \
      GAMESTATE_LOG_LEVEL="${GAMESTATE_LOG_LEVEL:-WARN}" \
      "$JAVA" --enable-native-access=ALL-UNNAMED ${BENCH_SERVER_JAVA_OPTS:-} \
      -cp "gamestate-server/target/gamestate.jar:gamestate-server/target/lib/*" dev.gamestate.app.Main
    NODE_PIDS+=("${STARTED_PIDS[-1]}")
  done
  for ((k = 0; k < n; k++)); do
    await_ready "${NODE_PIDS[k]}" "${NODE_PORTS[k]}" /readyz '"ready"' 90 "$dir/node$k.log"
  done
}

snapshot() { # snapshot DIR TAG N: every node's and member's /metrics (all at once) and CPU ticks
  local dir=$1 tag=$2 n=$3 k i
  local -a curls=()
  date +%s.%N >"$dir/$tag.time"
  # In parallel: one after the other, the scrapes took seconds on a busy machine, so the nodes' and
  # etcd's windows did not match.
  for ((k = 0; k < n; k++)); do
    curl -sS --max-time 10 -o "$dir/node$k.$tag.prom" "http://127.0.0.1:${NODE_PORTS[k]}/metrics" &
    curls+=("$!")
  done
  for i in 0 1 2; do
    curl -sS --max-time 10 -o "$dir/etcd$i.$tag.prom" "http://127.0.0.1:${ETCD_PORTS[i]}/metrics" &
    curls+=("$!")
  done
  for ((k = 0; k < n; k++)); do
    cpu_ticks "${NODE_PIDS[k]}" >"$dir/node$k.$tag.cpu"
    rss_kb "${NODE_PIDS[k]}" >"$dir/node$k.$tag.rss"
  done
  for i in 0 1 2; do
    cpu_ticks "${ETCD_PIDS[i]}" >"$dir/etcd$i.$tag.cpu"
    rss_kb "${ETCD_PIDS[i]}" >"$dir/etcd$i.$tag.rss"
  done
  for k in "${curls[@]}"; do wait "$k" || die "cannot read a /metrics ($tag snapshot)"; done
}

delta() { # delta DIR WHO NAME [LABEL]: NAME's growth over the window for WHO (node0, etcd1, …)
  echo $(($(metric "$1/$2.after.prom" "$3" "${4:-}") - $(metric "$1/$2.before.prom" "$3" "${4:-}")))
}

cpu_delta() { # cpu_delta DIR WHO: CPU seconds over the window
  awk -v a="$(cat "$1/$2.after.cpu")" -v b="$(cat "$1/$2.before.cpu")" -v t="$CLK_TCK" \
    'BEGIN { printf "%.1f\n", (a - b) / t }'
}

rooms_of() { # rooms_of K N: how many of the ROOMS rooms i have i mod N == K
  echo $(((ROOMS - $1 + $2 - 1) / $2))
}

run_round() { # run_round N REP: fresh cluster and nodes, the load, the tables for this N
  local n=$1 rep=$2 dir="$WORK/n$1-r$2" k i rooms rate all_published started pid rc ready_at first last
  local -a gen_pids=() gen_logs=() started=()
  mkdir -p "$dir"
  log "bench: N=$n, round $rep/$REPS: etcd cluster, $n node(s) ($(date -u +%T) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg))"
  start_etcd_cluster "$dir"
  start_nodes "$dir" "$n"
  for ((k = 0; k < n; k++)); do
    rooms="$(rooms_of "$k" "$n")"
    rate=$(((RATE * rooms + ROOMS / 2) / ROOMS))
    ((rate > 0)) || rate=1
    gen_logs+=("$dir/load$k.log")
    "$JAVA" --enable-native-access=ALL-UNNAMED ${BENCH_LOAD_JAVA_OPTS:-} -cp "$BENCH_CP" dev.gamestate.bench.NettyLoad \
      --url "ws://127.0.0.1:${NODE_PORTS[k]}/core/game/v1/real-time/public" --rooms "$rooms" \
      --subscribers-per-room "$SUBSCRIBERS" --publishers "$rooms" --rate "$rate" --threads 1 \
      --warmup "${WARMUP}s" --duration "$((DURATION + SLACK))s" --setup-timeout 60s \
      --room-prefix "n$n-r$rep-node$k-room" >"$dir/load$k.log" 2>&1 &
    gen_pids+=("$!")
    STARTED_PIDS+=("$!")
  done
  # The window opens WARMUP s after the last generator started publishing and must close before the
  # first one stops: their start times may differ by at most SLACK.
  first="" last=""
  started=()
  for ((k = 0; k < n; k++)); do started+=(0); done
  while :; do
    all_published=1
    for ((k = 0; k < n; k++)); do
      ((started[k])) && continue
      if grep -qs '^publishing' "${gen_logs[k]}"; then
        started[k]=1
        last="$(date +%s.%N)"
        first="${first:-$last}"
      elif ! is_running "${gen_pids[k]}"; then
        sed 's/^/    /' "${gen_logs[k]}" | grep -v '^    WARNING' >&2 || true
        die "the generator of node$k stopped before publishing"
      else
        all_published=0
      fi
    done
    ((all_published)) && break
    sleep 0.1
  done
  ready_at="$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%.1f", b - a }')"
  awk -v s="$ready_at" -v m="$SLACK" 'BEGIN { exit !(s + 1 > m) }' &&
    log "bench: WARNING the generators started publishing $ready_at s apart (slack $SLACK s): the window may miss load"
  sleep "$WARMUP"
  snapshot "$dir" before "$n"
  sleep "$DURATION"
  snapshot "$dir" after "$n"
  for ((k = 0; k < n; k++)); do
    rc=0
    wait "${gen_pids[k]}" || rc=$?
    forget_pid "${gen_pids[k]}"
    grep '^result' "${gen_logs[k]}" | tail -n 1 >"$dir/result$k" || true
    if ((rc != 0)) || [[ ! -s $dir/result$k ]]; then
      UNCLEAN=1
      log "bench: N=$n node$k: the generator exited $rc (not clean); its output:"
      sed 's/^/    /' "${gen_logs[k]}" | grep -v '^    WARNING' >&2 || true
    fi
  done
  report_round "$dir" "$n" "$rep"
  stop_all
}

report_round() { # report_round DIR N REP: the per-node table and one summary line
  local dir=$1 n=$2 rep=$3 k i secs
  local tot_acked=0 tot_deliv=0 tot_room=0 tot_user=0 tot_inbox=0 tot_committed=0 tot_txns=0 tot_frames=0
  local tot_cpu=0 max_room=0 tot_watches=0 clean="clean" errors=""
  local acked deliv room user inbox committed txns frames cpu watches res
  local e_events=0 e_watchers=0 e_streams=0 e_proposals=0 e_cpu=0 e_rss=0 e_db=0 e_grew=0 p
  secs="$(awk -v a="$(cat "$dir/after.time")" -v b="$(cat "$dir/before.time")" 'BEGIN { printf "%.1f", a - b }')"
  printf '\n### N = %s (round %s): %s s window, load average %s\n\n' "$n" "$rep" "$secs" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '| node | rooms | clients | acked/s (generator) | room events committed | txns | watch events received room / user / inbox | share of all room events | frames out | frames out/s | CPU s | CPU %% of a core | RSS MiB | watches held | delivery p50 / p99 ms | check |\n'
  printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n'
  for ((k = 0; k < n; k++)); do
    committed="$(delta "$dir" "node$k" gamestate_rooms_events_total)"
    tot_committed=$((tot_committed + committed))
  done
  for ((k = 0; k < n; k++)); do
    res="$dir/result$k"
    acked="$(field "$res" acked)"
    deliv="$(field "$res" deliveries)"
    room="$(delta "$dir" "node$k" gamestate_watch_events_total 'kind="room"')"
    user="$(delta "$dir" "node$k" gamestate_watch_events_total 'kind="user"')"
    inbox="$(delta "$dir" "node$k" gamestate_watch_events_total 'kind="inbox"')"
    committed="$(delta "$dir" "node$k" gamestate_rooms_events_total)"
    txns="$(delta "$dir" "node$k" gamestate_rooms_txns_total)"
    frames="$(delta "$dir" "node$k" gamestate_frames_out_total)"
    watches="$(metric "$dir/node$k.after.prom" gamestate_watches)"
    cpu="$(cpu_delta "$dir" "node$k")"
    local check="clean"
    if [[ ! -s $res || $(field "$res" gaps) != 0 || $(field "$res" dups) != 0 || $(field "$res" out_of_order) != 0 ||
      $(field "$res" behind) != 0 || $(field "$res" unanswered) != 0 ]]; then check="NOT CLEAN" clean="NOT CLEAN"; fi
    [[ -s $res && $(field "$res" errors) != - ]] && errors+=" node$k: $(field "$res" errors)"
    printf '| node%s | %s | %s | %s | %s | %s | %s / %s / %s | %s | %s | %.0f | %s | %.0f %% | %s | %s | %s / %s | %s |\n' \
      "$k" "$(rooms_of "$k" "$n")" "$(($(rooms_of "$k" "$n") * (SUBSCRIBERS + 1)))" "${acked:--}" "$committed" "$txns" \
      "$room" "$user" "$inbox" \
      "$(awk -v a="$room" -v b="$tot_committed" 'BEGIN { printf (b ? "%.0f %%" : "-"), 100 * a / b }')" \
      "$frames" "$(awk -v f="$frames" -v s="$secs" 'BEGIN { print f / s }')" "$cpu" \
      "$(awk -v c="$cpu" -v s="$secs" 'BEGIN { print 100 * c / s }')" "$(($(cat "$dir/node$k.after.rss") / 1024))" \
      "$watches" "$(field "$res" delivery_p50_ms)" "$(field "$res" delivery_p99_ms)" "$check"
    tot_acked="$(awk -v a="$tot_acked" -v b="${acked:-0}" 'BEGIN { print a + b }')"
    tot_deliv="$(awk -v a="$tot_deliv" -v b="${deliv:-0}" 'BEGIN { print a + b }')"
    tot_room=$((tot_room + room)) tot_user=$((tot_user + user)) tot_inbox=$((tot_inbox + inbox))
    tot_txns=$((tot_txns + txns)) tot_frames=$((tot_frames + frames)) tot_watches=$((tot_watches + watches))
    ((room > max_room)) && max_room=$room
    tot_cpu="$(awk -v a="$tot_cpu" -v b="$cpu" 'BEGIN { print a + b }')"
  done
  for i in 0 1 2; do
    e_events=$((e_events + $(delta "$dir" "etcd$i" etcd_debugging_mvcc_events_total)))
    e_watchers=$((e_watchers + $(metric "$dir/etcd$i.after.prom" etcd_debugging_mvcc_watcher_total)))
    e_streams=$((e_streams + $(metric "$dir/etcd$i.after.prom" etcd_debugging_mvcc_watch_stream_total)))
    p="$(delta "$dir" "etcd$i" etcd_server_proposals_committed_total)"
    ((p > e_proposals)) && e_proposals=$p
    p="$(metric "$dir/etcd$i.after.prom" etcd_mvcc_db_total_size_in_bytes)"
    ((p > e_db)) && e_db=$p
    p="$(delta "$dir" "etcd$i" etcd_mvcc_db_total_size_in_use_in_bytes)"
    ((p > e_grew)) && e_grew=$p
    e_rss=$((e_rss + $(cat "$dir/etcd$i.after.rss")))
    e_cpu="$(awk -v a="$e_cpu" -v b="$(cpu_delta "$dir" "etcd$i")" 'BEGIN { print a + b }')"
  done
  printf '| all nodes | %s | %s | %.0f | %s | %s | %s / %s / %s | | %s | %.0f | %s | %.0f %% | | %s | | %s |\n' \
    "$ROOMS" "$((ROOMS * (SUBSCRIBERS + 1)))" "$tot_acked" "$tot_committed" "$tot_txns" "$tot_room" "$tot_user" \
    "$tot_inbox" "$tot_frames" "$(awk -v f="$tot_frames" -v s="$secs" 'BEGIN { print f / s }')" "$tot_cpu" \
    "$(awk -v c="$tot_cpu" -v s="$secs" 'BEGIN { print 100 * c / s }')" "$tot_watches" "$clean"
  printf '\netcd, 3 members summed: %s events sent to watchers (%.0f/s), %s watchers and %s watch streams at the end,\n' \
    "$e_events" "$(awk -v e="$e_events" -v s="$secs" 'BEGIN { print e / s }')" "$e_watchers" "$e_streams"
  printf '%s raft proposals committed (%.0f/s), %s CPU s, %s MiB resident in all, db %.1f MiB (largest member).\n' \
    "$e_proposals" "$(awk -v e="$e_proposals" -v s="$secs" 'BEGIN { print e / s }')" "$e_cpu" "$((e_rss / 1024))" \
    "$(awk -v b="$e_db" 'BEGIN { print b / 1048576 }')"
  printf 'The db in use grew by %s bytes over the window (largest member): %s bytes per room event committed.\n' \
    "$e_grew" "$(awk -v g="$e_grew" -v e="$tot_committed" 'BEGIN { printf (e ? "%.0f" : "-"), g / e }')"
  printf 'A node-wide watch (every node receiving every room event) would have sent N × committed = %s;' \
    "$((n * tot_committed))"
  printf ' the nodes received %s room events in all. Errors:%s\n' "$tot_room" "${errors:- none}"
  printf '%s\t%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\n' "$n" "$rep" "$secs" "$tot_acked" \
    "$tot_committed" "$tot_txns" "$tot_room" "$max_room" "$((n * tot_committed))" "$e_events" "$e_watchers" \
    "$(awk -v f="$tot_frames" -v s="$secs" 'BEGIN { print f / s }')" "$tot_cpu" "$e_cpu" "$e_proposals" \
    "$e_streams" "$clean" >>"$SUMMARY"
}

build_if_stale
log "bench: scale-out $(date -u '+%F %T') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
log "bench: nodes \"$NODES\", $ROOMS rooms × $SUBSCRIBERS subscribers + 1 publisher each, $RATE broadcasts/s in all, \
${WARMUP} s warm-up, ${DURATION} s window, $REPS round(s)"
for ((rep = 1; rep <= REPS; rep++)); do
  for n in $NODES; do run_round "$n" "$rep"; done
done

printf '\n### Summary: %s rooms × %s subscribers + 1 publisher each, %s broadcasts/s offered in all\n\n' \
  "$ROOMS" "$SUBSCRIBERS" "$RATE"
printf 'Rates per second of the window; CPU in cores (CPU seconds / window seconds).\n\n'
printf '| N | round | window s | acked/s | room events committed/s | events per txn | room events received/s, all nodes | most on one node | node-wide watch would receive (N × committed) | etcd events sent/s | etcd watchers | frames out/s, all nodes | gamestate CPU, all nodes | etcd CPU, 3 members | raft proposals/s | check |\n'
printf '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n'
awk -F'\t' '{ s = $3; printf "| %s | %s | %s | %s | %.0f | %.1f | %.0f | %.0f | %.0f | %.0f | %s | %s | %.2f | %.2f | %.0f | %s |\n",
  $1, $2, s, $4, $5 / s, ($6 ? $5 / $6 : 0), $7 / s, $8 / s, $9 / s, $10 / s, $11, $12, $13 / s, $14 / s, $15 / s, $17 }' \
  "$SUMMARY"
log "bench: done $(date -u '+%F %T') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
((UNCLEAN == 0)) || die "some generator runs were not clean (see above)"
