# shellcheck shell=bash
# bench/lib.sh: the helpers shared by the bench/*.sh scripts. Not run on its
# own; each script sources it after `set -euo pipefail`:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Sourcing only sets variables and defines functions:
#   ROOT (the repository), RSRV/RCLI (env REDIS_SERVER / REDIS_CLI, default
#   redis-server / redis-cli), GTIME (GNU time, for peak RSS), LOAD_START
#   (uptime when the script began).
# Then, in this order: `need`/`need_gtime` for the tools the script uses,
# `find_cachectl` (sets CACHECTL), `bench_init NAME` (makes the work dir WORK
# with an empty WORK/res.tsv and installs the traps that stop every server
# started here on exit, Ctrl-C or TERM).
# Servers are throwaway redis-servers bound to 127.0.0.1 only, on free ports
# below the kernel's ephemeral range.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RSRV=${REDIS_SERVER:-redis-server}
RCLI=${REDIS_CLI:-redis-cli}
GTIME=/usr/bin/time
LOAD_START=$(uptime)
WORK=""
declare -A SRV=()     # pid -> port of every redis-server started here
declare -A TAKEN=()   # ports handed out by free_port
CPORTS=()             # ports of the cluster primaries (start_cluster)
SPECS=()              # their hash slot ranges, e.g. "0-5460", in CPORTS order

# ------------------------------------------------------------ setup
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

need() { command -v "$1" >/dev/null || die "$1 is needed $2"; }   # CMD WHY
need_gtime() { [[ -x $GTIME ]] || die "GNU time ($GTIME) is needed for peak RSS"; }

find_cachectl() {   # sets CACHECTL: env CACHECTL, else target/release/cachectl (built if missing)
  if [[ -z ${CACHECTL:-} ]]; then
    CACHECTL=$ROOT/target/release/cachectl
    [[ -x $CACHECTL ]] || { log "building cachectl"; (cd "$ROOT" && cargo build --release >&2); }
  fi
  [[ -x $CACHECTL ]] || die "no cachectl binary at $CACHECTL"
}

bench_init() {   # NAME: WORK=$TMPDIR/bench-NAME.XXXXXX, empty res.tsv, cleanup traps
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-$1.XXXXXX")
  : >"$WORK/res.tsv"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  log "cachectl: $CACHECTL ($("$CACHECTL" --version 2>/dev/null || echo '?')); work dir $WORK"
  log "load at start: ${LOAD_START# }"
}

bench_done() {   # last line of every script: load at end (LOAD_END, set by load_lines) and run time
  local e; e=${LOAD_END:-$(uptime)}; log "load at end: ${e# }"
  log "done in ${SECONDS}s"
}

# ------------------------------------------------------------ servers
cli() { local p=$1; shift; "$RCLI" -h 127.0.0.1 -p "$p" "$@"; }

# Ports come from below the kernel's ephemeral range: a port that some client
# connection (e.g. a cluster bus link) holds as its local port cannot be bound.
read -r EPH_LO _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || EPH_LO=32768
(( EPH_LO > 12000 )) || EPH_LO=32768
free_port() {   # sets PORT to an unused loopback port
  local p
  for _ in {1..200}; do
    p=$(( 10000 + RANDOM % (EPH_LO - 10000) ))
    [[ -n ${TAKEN[$p]:-} ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then TAKEN[$p]=1; PORT=$p; return; fi
  done
  die "no free loopback port found"
}

start_server() {   # CLUSTER(0|1) [extra redis-server args...]: sets PORT to a new, empty server
  local cl=$1 port dir pid args; shift
  for _ in 1 2 3 4 5; do
    free_port; port=$PORT; dir=$WORK/srv-$port; pid=""; args=("$@")
    if (( cl )); then
      free_port
      args+=(--cluster-enabled yes --cluster-config-file nodes.conf --cluster-port "$PORT" --cluster-node-timeout 5000)
    fi
    mkdir -p "$dir"
    "$RSRV" --port "$port" --bind 127.0.0.1 --protected-mode yes --daemonize yes \
      --save '' --appendonly no --dir "$dir" --pidfile "$dir/pid" --logfile "$dir/log" "${args[@]}" \
      || die "redis-server on $port did not start"
    for _ in {1..200}; do
      if [[ -z $pid && -s $dir/pid ]]; then pid=$(<"$dir/pid"); SRV[$pid]=$port; fi
      if [[ -n $pid ]] && [[ $(cli "$port" ping 2>/dev/null) == PONG ]]; then PORT=$port; return; fi
      grep -q 'aborting' "$dir/log" 2>/dev/null && break
      sleep 0.05
    done
    grep -q 'Address already in use' "$dir/log" 2>/dev/null || break
    log "port $port or its bus port was taken meanwhile, retrying on others"
    if [[ -n $pid ]]; then unset "SRV[$pid]"; fi
  done
  die "redis-server did not come up: $(tail -n 3 "$dir/log" 2>/dev/null)"
}

stop_server() {   # PID: SHUTDOWN NOSAVE, wait for the process to go, kill it if it won't
  local pid=$1 port=${SRV[$1]}
  cli "$port" shutdown nosave >/dev/null 2>&1 || true
  for _ in {1..200}; do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then log "pid $pid (port $port) ignored SHUTDOWN, killing"; kill "$pid" || true; fi
  unset "SRV[$pid]"
  rm -rf -- "${WORK:?}/srv-$port"
}
stop_port() { local pid; for pid in "${!SRV[@]}"; do [[ ${SRV[$pid]} == "$1" ]] && stop_server "$pid"; done; return 0; }
stop_all() { local pid; for pid in "${!SRV[@]}"; do stop_server "$pid"; done; }
cleanup() { stop_all; if [[ -n $WORK ]]; then rm -rf -- "$WORK"; fi; }

start_cluster() {   # sets CPORTS to 3 new, empty cluster primaries and SPECS to their slot ranges
  local p info ok
  CPORTS=(); SPECS=()
  for _ in 1 2 3; do start_server 1; CPORTS+=("$PORT"); done
  "$RCLI" --cluster create "${CPORTS[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes \
    >"$WORK/create.log" 2>&1 || die "cluster create: $(tail -n 5 "$WORK/create.log")"
  for p in "${CPORTS[@]}"; do
    ok=0
    for _ in {1..300}; do
      info=$(cli "$p" cluster info | tr -d '\r')
      if [[ $info == *cluster_state:ok* && $info == *cluster_slots_ok:16384* && $info == *cluster_known_nodes:3* ]]; then ok=1; break; fi
      sleep 0.1
    done
    (( ok )) || die "cluster node $p not ok after 30s"
  done
  for p in "${CPORTS[@]}"; do   # e.g. "0-5460", in CPORTS order
    SPECS+=("$(cli "$p" cluster nodes | awk '$3 ~ /myself/ { s = $9; for (i = 10; i <= NF; i++) s = s "," $i; print s }')")
  done
}
stop_cluster() { local p; for p in "${CPORTS[@]}"; do stop_port "$p"; done; }

pipe_load() {   # PORT FILE [REPLIES]: redis-cli --pipe FILE into PORT, fail on any error (or other reply count)
  local out
  out=$(cli "$1" --pipe <"$2" 2>&1) || die "--pipe into $1 failed: $out"
  [[ $out == *"errors: 0, replies: ${3:-}"* ]] || die "--pipe into $1: $out"
}

dbsize_sum() { local t=0 p; for p in "$@"; do t=$(( t + $(cli "$p" dbsize) )); done; echo "$t"; }

# ------------------------------------------------------------ measuring
stat_of() {   # FIELD(usec|calls) PORT CMD...: summed field of INFO commandstats
  local field=$1 port=$2; shift 2
  cli "$port" info commandstats | tr -d '\r' | awk -F'[:,=]' -v f="$field" -v want=" $* " '
    /^cmdstat_/ && index(want, " " substr($1, 9) " ") { for (i = 2; i < NF; i += 2) if ($i == f) t += $(i + 1) }
    END { printf "%.0f\n", t }'
}
usec_but() {   # PORT CMD...: INFO commandstats usec of every command but CMD... (config|resetstat counts as config)
  local port=$1; shift
  cli "$port" info commandstats | tr -d '\r' | awk -F'[:,=]' -v skip=" $* " '
    /^cmdstat_/ { c = substr($1, 9); sub(/[|].*/, "", c); if (!index(skip, " " c " ")) t += $5 }
    END { printf "%.0f\n", t }'
}
cpu_main() {   # PORT: main-thread user+sys CPU seconds so far
  cli "$1" info cpu | tr -d '\r' | awk -F: '$1 ~ /^used_cpu_(user|sys)_main_thread$/ { t += $2 } END { printf "%.6f\n", t }'
}
reset_stats() { local p; for p in "$@"; do cli "$p" config resetstat >/dev/null; done; }
load1() { cut -d' ' -f1 /proc/loadavg; }
tic() { T0=$EPOCHREALTIME; }
toc() { awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }
rec() { printf '%s\t%s\t%s\n' "$@" >>"$WORK/res.tsv"; }   # ID METRIC VALUE

# ------------------------------------------------------------ table
vals() { awk -F'\t' -v i="$1" -v m="$2" '$1 == i && $2 == m { print $3 }' "$WORK/res.tsv"; }   # ID METRIC
median() {   # of the numbers on stdin, "%.3f" ("-" if none)
  sort -g | awk '{ v[NR] = $1 }
    END { if (!NR) { print "-"; exit } printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
med() { vals "$1" "$2" | median; }   # ID METRIC
calc() { awk "BEGIN { printf \"$1\", $2 }"; }   # FORMAT EXPR
sec() { calc %.3f "$(med "$1" "$2") / 1e6"; }   # ID METRIC(usec)
int() { med "$1" "$2" | cut -d. -f1; }
has() { [[ -n $(vals "$1" wall) ]]; }
spread() { vals "$1" wall | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f", (lo > 0 ? hi / lo : 0) }'; }
spread_warnings() {   # ID...: a WARNING line for each whose wall spread max/min is above 1.30
  local id s
  for id in "$@"; do
    s=$(spread "$id")
    if awk -v s="$s" 'BEGIN { exit !(s > 1.30) }'; then
      echo "- WARNING: $id wall spread max/min = ${s}x (> 1.30): the run looks disturbed (shared machine), compare with care"
    fi
  done
}

env_line() {   # "cachectl V (PATH), redis-server V, N vCPU (CPU), kernel, date", the start of a table's header
  printf 'cachectl %s (%s), redis-server %s, %s vCPU (%s), %s, %s' \
    "$("$CACHECTL" --version | awk '{ print $2 }')" "$CACHECTL" \
    "$("$RSRV" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')" "$(nproc)" \
    "$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)" "$(uname -sr)" "$(date -u '+%Y-%m-%d %H:%M UTC')"
}
load_lines() {   # sets LOAD_END; the "load at start/end" lines of the markdown
  LOAD_END=$(uptime)
  echo "- load at start: \`${LOAD_START# }\`"
  echo "- load at end:   \`${LOAD_END# }\`"
}
