#!/usr/bin/env bash
# W3 memory probe: what each idle connection costs the server, split by kind. Starts gamestate (or,
# with TARGET=ceiling, the bare-Netty ceiling) through bench/lib.sh (unchanged), holds CLIENTS idle
# clients (100 per room, 500 handshakes at once) and writes to /tmp/w3-probe/TAG/:
#   summary.txt   RSS per connection read right after `jcmd GC.run` (as bench/w3-idle-capacity.sh
#                 does), 2 s later (after G1's concurrent uncommit), and after a second full GC
#   histo-*.txt   class histograms before and with the clients (tools/w3-histogram-diff.py diffs them)
#   threads.txt   live threads by name; metrics.txt the server's /metrics with the clients connected
#   samples.txt   pending handshakes, queued session writes and etcd Txns every 0.5 s during setup
# With BENCH_SERVER_JAVA_OPTS="-XX:NativeMemoryTracking=summary" also nmt-diff.txt (heap vs native).
# Usage: [TARGET=ceiling] [BENCH_SERVER_JAVA_OPTS=...] tools/w3-memory-probe.sh TAG [CLIENTS]
TAG=$1 N=${2:-10000} TARGET=${TARGET:-gamestate}
OUTD=/tmp/w3-probe/$TAG
mkdir -p "$OUTD"
source "$(dirname "${BASH_SOURCE[0]}")/../bench/lib.sh"

metrics() { # metrics PORT: the server's /metrics text
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n' >&3 && timeout 3 cat <&3) 2>/dev/null || true
}

build_if_stale
start_target "$TARGET"
port=${SERVER_URL#ws://127.0.0.1:} port=${port%%/*}
sleep 2
"$JCMD" "$SERVER_PID" GC.class_histogram >"$OUTD/histo-before.txt" 2>&1
before="$(gc_then_rss_kb "$SERVER_PID")"
"$JCMD" "$SERVER_PID" VM.native_memory baseline >/dev/null 2>&1 || true
fifo="$WORK/hold" out="$OUTD/load.log"
mkfifo "$fifo"
load_command --hold stdin --rooms $((N / 100)) --subscribers-per-room 100 --publishers 0 \
  --connect-concurrency 500 --source-addresses 2 --setup-timeout 60s --duration 300s
"${LOAD_CMD[@]}" <"$fifo" >"$out" 2>&1 &
load_pid=$!
STARTED_PIDS+=("$load_pid")
exec {hold}>"$fifo"
if [[ $TARGET == gamestate ]]; then
  (while is_running "$load_pid" && ! grep -q '^ready' "$out"; do
    metrics "$port" | grep -E '^gamestate_(handshakes_pending|handshakes_refused_total|etcd_batch_queued|etcd_txns_total)' |
      sed 's/{[^}]*writer="\([a-z]*\)"[^}]*}/_\1/;s/{[^}]*}//' | tr '\n' ' ' || true
    echo " t=$(date +%s.%N | cut -c1-14)"
    sleep 0.5
  done >"$OUTD/samples.txt") &
fi
until grep -q '^ready' "$out" || ! is_running "$load_pid"; do sleep 0.2; done
after="$(gc_then_rss_kb "$SERVER_PID")"
sleep 2
settled="$(rss_kb "$SERVER_PID")"
"$JCMD" "$SERVER_PID" Thread.print | grep '^"' | cut -d'"' -f2 | sed 's/[0-9]\+/N/g' | sort | uniq -c | sort -rn >"$OUTD/threads.txt"
[[ $TARGET != gamestate ]] || metrics "$port" >"$OUTD/metrics.txt"
"$JCMD" "$SERVER_PID" GC.class_histogram >"$OUTD/histo-after.txt" 2>&1
"$JCMD" "$SERVER_PID" VM.native_memory summary.diff >"$OUTD/nmt-diff.txt" 2>&1 || true
"$JCMD" "$SERVER_PID" GC.heap_info >"$OUTD/heap-after.txt" 2>&1
second="$(gc_then_rss_kb "$SERVER_PID")"
exec {hold}>&-
wait "$load_pid" || true
STARTED_PIDS=("${STARTED_PIDS[@]/$load_pid/}")
grep -E '^(setup|errors)' "$out"
conn="$(grep -oP 'setup: \K\d+' "$out")"
per() { awk -v a="$1" -v b="$before" -v n="$conn" 'BEGIN { printf "%.2f", (a - b) / n }'; }
echo "$TAG: connected=$conn rss_before_kib=$before KiB per connection: right after GC $(per "$after")," \
  "2 s later $(per "$settled"), after a second GC $(per "$second")" | tee "$OUTD/summary.txt"
