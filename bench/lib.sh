# Shared by the scale workload scripts (bench/w*.sh); sourced, not run.
# Builds if needed, starts the bare-Netty ceiling server or gamestate (with its own etcd in a temporary
# directory, on free ports), runs the Netty load generator against it, and prints a table of medians
# with the ratio gamestate/ceiling. Stops only the processes it started, by pid.

set -euo pipefail
shopt -s nullglob

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$BENCH_ROOT"

export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
JCMD="$JAVA_HOME/bin/jcmd"
ETCD_BIN="${ETCD_BIN:-$(command -v etcd || echo /usr/bin/etcd)}"
BENCH_CP="gamestate-server/target/test-classes:gamestate-server/target/classes:gamestate-server/target/lib/*"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/gamestate-bench.XXXXXX")"
RESULTS="$WORK/results"
mkdir -p "$RESULTS"
STARTED_PIDS=() # everything this script started and has not stopped yet, in start order
SERVER_PID=""   # the server under test (ceiling or gamestate)
SERVER_URL=""
ETCD_URL=""    # the etcd of the gamestate under test
REPS=3
# The JVM flags `./gamestate run` starts the server with (MEMORY_JAVA_OPTS there): measure what users run.
GAMESTATE_MEMORY_JAVA_OPTS=(-XX:+UseCompactObjectHeaders -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20)

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: $*"; exit 1; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
is_running() { [[ -e /proc/$1 ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# Sockets: each client and each server connection is a file descriptor. Raising the hard limit needs
# CAP_SYS_RESOURCE; without it, go as far as the hard limit allows.
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

require_fds() { # require_fds N: the generator and the server each hold N sockets
  (($(ulimit -n) >= $1)) || die "$1 file descriptors per process needed, but ulimit -n is $(ulimit -n) \
(hard limit $(ulimit -Hn)); raise the hard limit (limits.conf, systemd LimitNOFILE, or as a privileged user)"
}

stop_pid() { # stop_pid PID: SIGTERM, SIGKILL after 20 s; only pids this script started
  local pid=$1 tries
  [[ " ${STARTED_PIDS[*]} " == *" $pid "* ]] || return 0
  if is_running "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((tries = 0; tries < 200; tries++)); do
      is_running "$pid" || break
      sleep 0.1
    done
    if is_running "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  wait "$pid" 2>/dev/null || true
  forget_pid "$pid"
}

forget_pid() { # forget_pid PID: PID has ended; take it off the list
  local kept=() p
  for p in "${STARTED_PIDS[@]}"; do [[ $p == "$1" ]] || kept+=("$p"); done
  STARTED_PIDS=("${kept[@]}")
}

run_generator() { # run_generator OUT: LOAD_CMD in the background (a trapped signal then stops it), waited for
  local pid rc=0
  "${LOAD_CMD[@]}" >"$1" 2>&1 &
  pid=$!
  STARTED_PIDS+=("$pid")
  wait "$pid" || rc=$?
  forget_pid "$pid"
  return "$rc"
}

stop_all() { # newest first: the server before its etcd
  local i
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${STARTED_PIDS[i]}"; done
}

on_exit() {
  trap - INT TERM
  stop_all
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "bench: logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_bg() { # start_bg LOG COMMAND...: in its own session, so a terminal's Ctrl-C reaches only us
  if command -v setsid >/dev/null; then setsid "${@:2}" </dev/null >>"$1" 2>&1 & else "${@:2}" </dev/null >>"$1" 2>&1 & fi
  STARTED_PIDS+=("$!")
}

free_port() { # free_port FIRST: the first port from FIRST on that nobody listens on
  local port=$1
  while port_in_use "$port"; do port=$((port + 1)); done
  printf '%s\n' "$port"
}

await_ready() { # await_ready PID PORT PATH EXPECTED SECONDS LOG: until a GET answer contains EXPECTED
  local tries response         # (PATH "-" only waits for the port to accept)
  for ((tries = 0; tries < $5 * 10; tries++)); do
    is_running "$1" || break
    if [[ $3 == - ]]; then
      port_in_use "$2" && return 0
    else
      response="$( (exec 3<>"/dev/tcp/127.0.0.1/$2" &&
        printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$3" >&3 && timeout 2 cat <&3) 2>/dev/null || true)"
      [[ $response == *"$4"* ]] && return 0
    fi
    sleep 0.1
  done
  log "bench: 127.0.0.1:$2 not ready within $5 s; end of $6:"
  tail -n 30 "$6" >&2 || true
  exit 1
}

build_if_stale() {
  local stamp=gamestate-server/target/test-classes/dev/gamestate/bench/NettyLoad.class
  # The jar for the server's sources, the stamp for the generator's: \`mvn test\` alone refreshes only the stamp.
  if [[ -f gamestate-server/target/gamestate.jar && -f $stamp && ! gamestate-server/pom.xml -nt $stamp && ! gamestate-server/pom.xml -nt gamestate-server/target/gamestate.jar ]] &&
    [[ -z "$(find gamestate-server/src/main -newer gamestate-server/target/gamestate.jar -print -quit)" ]] &&
    [[ -z "$(find gamestate-server/src/test/java/dev/gamestate/bench -newer "$stamp" -print -quit)" ]]; then
    return
  fi
  log "bench: building (mvn package)"
  mvn -B -q -o -DskipTests -pl gamestate-server -am package >&2 || mvn -B -q -DskipTests -pl gamestate-server -am package >&2 || die "build failed"
}

start_ceiling() { # start_ceiling: the bare-Netty ceiling server on a free port
  local port log="$WORK/ceiling-$RANDOM.log"
  port="$(free_port 18200)"
  start_bg "$log" "$JAVA" --enable-native-access=ALL-UNNAMED ${BENCH_SERVER_JAVA_OPTS:-} -cp "$BENCH_CP" \
    dev.gamestate.bench.CeilingServer --port "$port"
  SERVER_PID="${STARTED_PIDS[-1]}"
  await_ready "$SERVER_PID" "$port" - "" 30 "$log"
  SERVER_URL="ws://127.0.0.1:$port/core/game/v1/real-time/public"
}

start_gamestate() { # start_gamestate: a fresh one-member etcd, then gamestate against it
  local dir="$WORK/gs-$RANDOM" client peer port
  mkdir -p "$dir"
  client="$(free_port 23900)"
  peer="$(free_port $((client + 1)))"
  start_bg "$dir/etcd.log" "$ETCD_BIN" --name bench --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "bench=http://127.0.0.1:$peer" --initial-cluster-state new
  await_ready "${STARTED_PIDS[-1]}" "$client" /health '"health":"true"' 30 "$dir/etcd.log"
  ETCD_URL="http://127.0.0.1:$client"
  port="$(free_port 18300)"
  # High per-connection rate limits: publishers send far over the default 50/s. Any GAMESTATE_*
  # variable in the caller's environment passes through and overrides these.
  start_bg "$dir/server.log" env \
    GAMESTATE_ETCD_ENDPOINTS="http://127.0.0.1:$client" \
    GAMESTATE_SERVER_HOST=127.0.0.1 GAMESTATE_SERVER_PORT="$port" \
    GAMESTATE_AUTH_JWT_HMAC_SECRET="$(head -c 48 /dev/urandom | base64 -w0)" \
    GAMESTATE_AUTH_GUEST_TOKEN_SECRET="$(head -c 48 /dev/urandom | base64 -w0)" \
    GAMESTATE_NAMESPACES_GUEST_ALLOW_BROADCAST="${GAMESTATE_NAMESPACES_GUEST_ALLOW_BROADCAST:-true}" \
    GAMESTATE_LIMITS_MESSAGES_PER_SECOND="${GAMESTATE_LIMITS_MESSAGES_PER_SECOND:-100000}" \
    GAMESTATE_LIMITS_MAX_VIOLATIONS="${GAMESTATE_LIMITS_MAX_VIOLATIONS:-1000000}" \
    GAMESTATE_LOG_LEVEL="${GAMESTATE_LOG_LEVEL:-WARN}" \
    "$JAVA" --enable-native-access=ALL-UNNAMED "${GAMESTATE_MEMORY_JAVA_OPTS[@]}" ${BENCH_SERVER_JAVA_OPTS:-} \
    -cp "gamestate-server/target/gamestate.jar:gamestate-server/target/lib/*" dev.gamestate.app.Main
  SERVER_PID="${STARTED_PIDS[-1]}"
  await_ready "$SERVER_PID" "$port" /readyz '"ready"' 60 "$dir/server.log"
  SERVER_URL="ws://127.0.0.1:$port/core/game/v1/real-time/public"
}

start_target() { # start_target ceiling|gamestate
  case $1 in
    ceiling) start_ceiling ;;
    gamestate) start_gamestate ;;
    *) die "unknown target $1" ;;
  esac
}

load_command() { # load_command ARGS...: the generator's command line against SERVER_URL
  LOAD_CMD=("$JAVA" --enable-native-access=ALL-UNNAMED ${BENCH_LOAD_JAVA_OPTS:-} -cp "$BENCH_CP"
    dev.gamestate.bench.NettyLoad --url "$SERVER_URL" "$@")
}

run_load() { # run_load TARGET REP ARGS...: one generator run; keeps its result line in $RESULTS
  local target=$1 rep=$2 out="$WORK/load-$1-$2.log" rc=0
  shift 2
  load_command "$@"
  run_generator "$out" || rc=$?
  sed 's/^/    /' "$out" | grep -v '^    WARNING' >&2 || true
  grep '^result' "$out" | tail -n 1 >"$RESULTS/$target-$rep" || die "no result from the generator (exit $rc)"
  ((rc <= 1)) || die "the generator failed (exit $rc)"
}

field() { # field FILE KEY: the value of KEY in a result line
  tr '\t' '\n' <"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'
}

stats() { # stats TARGET KEY: "median [min–max]" over the repetitions
  local f
  for f in "$RESULTS/$1"-*; do field "$f" "$2"; done | sort -g |
    awk 'function show(x) { return (x >= 1000 || x <= -1000) ? sprintf("%.0f", x) : sprintf("%g", x) }
      { v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%s\t%s [%s–%s]\n", m, show(m), show(v[1]), show(v[NR]) }'
}

print_table() { # print_table "LABEL=KEY"...: medians per target and the ratio gamestate/ceiling
  local row label key c g ratio
  printf '\n| metric | ceiling median [min–max] | gamestate median [min–max] | gamestate/ceiling |\n'
  printf '| --- | ---: | ---: | ---: |\n'
  for row in "$@"; do
    label=${row%%=*}
    key=${row#*=}
    c="$(stats ceiling "$key")"
    g="$(stats gamestate "$key")"
    ratio="$(awk -v a="${c%%$'\t'*}" -v b="${g%%$'\t'*}" \
      'BEGIN { if (a == "-" || b == "-" || a + 0 == 0) print "–"; else printf "%.3g×", b / a }')"
    printf '| %s | %s | %s | %s |\n' "$label" "${c#*$'\t'}" "${g#*$'\t'}" "$ratio"
  done
  printf '\nerrors by run:\n'
  local f
  for f in "$RESULTS"/*; do printf '  %s: %s\n' "${f##*/}" "$(field "$f" errors)"; done
}

parse_options() { # parse_options NAME... -- ARGS...: --some-name V sets SOME_NAME=V for the NAMEs given
  local -a allowed=()
  while [[ $1 != -- ]]; do allowed+=("$1") && shift; done
  shift
  while (($#)); do
    local name=${1#--}
    name=${name//-/_}
    name=${name^^}
    [[ $1 == --* && " ${allowed[*]} REPS " == *" $name "* && $# -ge 2 ]] ||
      die "unknown option $1 (options: $(printf -- '--%s ' "${allowed[@],,}" | tr _ -)--reps)"
    printf -v "$name" '%s' "$2"
    shift 2
  done
}

repeat_workload() { # repeat_workload FUNCTION: REPS rounds of ceiling then gamestate, fresh servers each
  local rep target
  build_if_stale
  log "bench: $(date -u '+%F %T') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  for ((rep = 1; rep <= REPS; rep++)); do
    for target in ceiling gamestate; do
      log "bench: round $rep/$REPS, $target"
      start_target "$target"
      warm_server "$target" "$rep"
      "$1" "$target" "$rep"
      stop_all
    done
  done
}

warm_server() { # warm_server TARGET REP: WARM seconds (when the script sets it) of busy load first
  # A fresh JVM interprets, then compiles, the paths the workload uses: gamestate's (Netty, gRPC,
  # protobuf, Jackson) keep its JIT busy for tens of seconds, the ceiling's few classes for a few.
  # Measured on a running server, not on the compiler: 2,000 broadcasts/s over 10 rooms × 10, as W0.
  ((${WARM:-0} > 0)) || return 0
  run_load "warm-$1" "$2" --rooms 10 --subscribers-per-room 10 --publishers 10 --rate 2000 --warmup 1s \
    --duration "${WARM}s" 2>/dev/null
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

gc_then_rss_kb() { # gc_then_rss_kb PID: a full GC in PID (jcmd GC.run), then its resident set in KiB
  local previous current tries
  "$JCMD" "$1" GC.run >/dev/null 2>&1 || log "bench: jcmd $1 GC.run failed; RSS read without it"
  # G1 hands freed heap back to the OS on a thread of its own, after GC.run returned: read until two
  # readings half a second apart agree within 1 MiB (at most 10 s).
  current="$(rss_kb "$1")"
  for ((tries = 0; tries < 20; tries++)); do
    sleep 0.5
    previous=$current
    current="$(rss_kb "$1")"
    ((previous - current < 1024 && current - previous < 1024)) && break
  done
  printf '%s\n' "$current"
}

run_held_load() { # run_held_load TARGET REP ARGS...: the server's RSS before the clients and with them
  local target=$1 rep=$2 out="$WORK/load-$1-$2.log" fifo="$WORK/hold-$1-$2" before after load_pid hold rc=0
  shift 2
  before="$(gc_then_rss_kb "$SERVER_PID")"
  mkfifo "$fifo"
  load_command --hold stdin "$@"
  "${LOAD_CMD[@]}" <"$fifo" >"$out" 2>&1 &
  load_pid=$!
  STARTED_PIDS+=("$load_pid")
  exec {hold}>"$fifo" # the generator holds its clients until this closes
  until grep -q '^ready' "$out" || ! is_running "$load_pid"; do sleep 0.2; done
  after="$(gc_then_rss_kb "$SERVER_PID")"
  exec {hold}>&-
  wait "$load_pid" || rc=$?
  forget_pid "$load_pid"
  sed 's/^/    /' "$out" | grep -v '^    WARNING' >&2 || true
  grep '^result' "$out" | tail -n 1 >"$RESULTS/$target-$rep" || die "no result from the generator (exit $rc)"
  local connected
  connected="$(field "$RESULTS/$target-$rep" connected)"
  printf '%s\trss_before_mib=%s\trss_after_mib=%s\trss_per_client_kib=%s\n' "$(cat "$RESULTS/$target-$rep")" \
    "$(awk -v k="$before" 'BEGIN { printf "%.1f", k / 1024 }')" "$(awk -v k="$after" 'BEGIN { printf "%.1f", k / 1024 }')" \
    "$(awk -v a="$after" -v b="$before" -v n="$connected" 'BEGIN { printf "%.2f", (n > 0 ? (a - b) / n : 0) }')" \
    >"$RESULTS/$target-$rep.tmp"
  mv "$RESULTS/$target-$rep.tmp" "$RESULTS/$target-$rep"
  log "    server RSS: $((before / 1024)) MiB before, $((after / 1024)) MiB with $connected clients connected"
}
