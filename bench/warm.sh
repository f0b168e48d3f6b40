#!/usr/bin/env bash
# Usage: bench/warm.sh >results.md
#   Benchmarks `cachectl warm` against the load anchor of SPEC.md "Performance"
#   (`redis-cli --pipe` of a pre-made RESP file), on throwaway redis-servers
#   bound to 127.0.0.1 (free ports below the ephemeral range). Data, generated
#   once and outside the timings: N JSON lines
#     {"key":"bench:w:I","value":"<32 bytes>","ttl":3600}
#   and the same N keys as RESP `SET key value EX 3600`. Every run gets new,
#   empty servers; RUNS rounds, each round runs a, b, c, (cl, clp) in turn:
#     a    redis-cli --pipe <RESP file                         (one server)
#     b    cachectl warm FILE --json   (whole file validated, then written)
#     c    cachectl warm FILE --skip-invalid --json  (one pass: validate while writing)
#     cl   cachectl warm FILE --json into a 3-primary cluster (seed URL)
#     clp  reference, not a product row: the RESP pre-split by hash slot, one
#          redis-cli --pipe per primary, all three in parallel (the ceiling of
#          this machine for a 3-node load; redis-cli cannot --pipe a cluster)
#     big  once, after the rounds: cachectl warm of a BIG-line file (default
#          and --skip-invalid) for peak RSS against the N-line file
#   Per run: wall, keys/s, peak RSS of the client (GNU time %M), server busy
#   time (INFO commandstats usec of SET, after CONFIG RESETSTAT) and server
#   main-thread CPU delta (used_cpu_{user,sys}_main_thread), both summed over
#   the nodes of a cluster; client CPU (GNU time %U + %S) and "CPU busy" =
#   (server main-thread CPU + client CPU) / (vCPUs x wall), how much of the
#   machine the load used. Verifies DBSIZE (summed over the nodes) == the
#   line count, a TTL in (3500, 3600], and for cachectl that its JSON summary
#   says read = written = lines, invalid = 0.
#   Markdown table (medians of RUNS) on stdout, progress on stderr, load
#   average at start and end. Every server started here is shut down on exit.
#   ~3 min with the defaults (the BIG file alone: ~40 s to generate and load).
#   Env: CACHECTL (default target/release/cachectl, built if unset and missing)
#        RUNS=3 N=1000000 BIG=4000000 (0 skips the big-file rows)
#        SKIP_CLUSTER=0 SKIP_CLUSTER_PIPE=0 REDIS_SERVER REDIS_CLI
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-3}
N=${N:-1000000}
BIG=${BIG:-4000000}
SKIP_CLUSTER=${SKIP_CLUSTER:-0}
SKIP_CLUSTER_PIPE=${SKIP_CLUSTER_PIPE:-0}
RSRV=${REDIS_SERVER:-redis-server}
RCLI=${REDIS_CLI:-redis-cli}
GTIME=/usr/bin/time
TTL=3600
LOAD_START=$(uptime)

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

[[ -x $GTIME ]] || die "GNU time ($GTIME) is needed for peak RSS"
command -v python3 >/dev/null || die "python3 is needed to generate the data"
command -v jq >/dev/null || die "jq is needed to read cachectl's JSON"
if [[ -z ${CACHECTL:-} ]]; then
  CACHECTL=$ROOT/target/release/cachectl
  [[ -x $CACHECTL ]] || { log "building cachectl"; (cd "$ROOT" && cargo build --release >&2); }
fi
[[ -x $CACHECTL ]] || die "no cachectl binary at $CACHECTL"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-warm.XXXXXX")
declare -A SRV=()     # pid -> port of every redis-server started here
declare -A TAKEN=()   # ports handed out by free_port

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

start_server() {   # CLUSTER(0|1): sets PORT to a new, empty server
  local cl=$1 port dir pid args
  for _ in 1 2 3 4 5; do
    free_port; port=$PORT; dir=$WORK/srv-$port; pid=""; args=()
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
cleanup() { stop_all; rm -rf -- "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

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

# ------------------------------------------------------------ data
# gen_jsonl OUT LINES: the JSON lines input of cachectl warm.
gen_jsonl() {
  python3 - "$1" "$2" "$TTL" <<'PY'
import sys
out, n, ttl = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
val = "v" * 32
with open(out, "w", buffering=1 << 20) as f:
    for i in range(n):
        f.write('{"key":"bench:w:%d","value":"%s","ttl":%d}\n' % (i, val, ttl))
PY
}
# gen_resp OUT LINES SPEC...: the same keys as RESP SET key value EX TTL, one
# file OUT.SPEC.resp per SPEC ("lo-hi[,lo-hi]" hash slots) holding the keys
# whose slot falls in SPEC. Keys here contain no "{", so the slot is
# crc16(key) mod 16384 (binascii.crc_hqx is the CRC16-XMODEM of Redis Cluster).
gen_resp() {
  python3 - "$@" "$TTL" <<'PY'
import binascii, sys
out, n, specs, ttl = sys.argv[1], int(sys.argv[2]), sys.argv[3:-1], sys.argv[-1].encode()
owner = bytearray(16384)
files = []
for idx, spec in enumerate(specs):
    for r in spec.split(","):
        lo, _, hi = r.partition("-")
        for s in range(int(lo), int(hi or lo) + 1):
            owner[s] = idx
    files.append(open(f"{out}.{spec}.resp", "wb", buffering=1 << 20))
tail = b"$32\r\n" + b"v" * 32 + b"\r\n$2\r\nEX\r\n$%d\r\n%s\r\n" % (len(ttl), ttl)
one = len(files) == 1
for i in range(n):
    k = b"bench:w:%d" % i
    f = files[0] if one else files[owner[binascii.crc_hqx(k, 0) & 16383]]
    f.write(b"*5\r\n$3\r\nSET\r\n$%d\r\n%s\r\n%s" % (len(k), k, tail))
for f in files:
    f.close()
PY
}

# ------------------------------------------------------------ measuring
dbsize_sum() { local t=0 p; for p in "$@"; do t=$(( t + $(cli "$p" dbsize) )); done; echo "$t"; }
set_usec() {   # PORT: INFO commandstats usec of SET
  cli "$1" info commandstats | tr -d '\r' | awk -F'[:,=]' '$1 == "cmdstat_set" { print $5; f = 1 } END { if (!f) print 0 }'
}
other_usec() {   # PORT: usec of every command but SET and the harness's INFO/CONFIG/DBSIZE/TTL
  cli "$1" info commandstats | tr -d '\r' | awk -F'[:,=]' '
    /^cmdstat_/ && $1 !~ /^cmdstat_(set|info|config[|].*|dbsize|ttl|ping)$/ { t += $5 } END { printf "%.0f\n", t }'
}
cpu_main() {   # PORT: main-thread user+sys CPU seconds so far
  cli "$1" info cpu | tr -d '\r' | awk -F: '$1 ~ /^used_cpu_(user|sys)_main_thread$/ { t += $2 } END { printf "%.6f\n", t }'
}
reset_stats() { local p; for p in "$@"; do cli "$p" config resetstat >/dev/null; done; }
tic() { T0=$EPOCHREALTIME; }
toc() { awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }
rec() { printf '%s\t%s\t%s\n' "$@" >>"$WORK/res.tsv"; }   # ID METRIC VALUE
: >"$WORK/res.tsv"

declare -A CPU0=()
before() { local p; reset_stats "$@"; for p in "$@"; do CPU0[$p]=$(cpu_main "$p"); done; tic; }
after() {   # ID LINES PORT...: wall, server SET usec and CPU (sum, busiest node), DBSIZE check
  local id=$1 lines=$2 w p u c cc su=0 sumax=0 cs=0 cmax=0 oth=0 db ttl; shift 2
  w=$(toc)
  for p in "$@"; do
    u=$(set_usec "$p"); su=$(( su + u )); (( u > sumax )) && sumax=$u
    oth=$(( oth + $(other_usec "$p") ))
    c=$(awk -v a="${CPU0[$p]}" -v b="$(cpu_main "$p")" 'BEGIN { printf "%.3f", b - a }')
    cs=$(awk -v a="$cs" -v b="$c" 'BEGIN { printf "%.3f", a + b }')
    cmax=$(awk -v a="$cmax" -v b="$c" 'BEGIN { print (b > a ? b : a) }')
  done
  rec "$id" wall "$w"; rec "$id" kps "$(awk -v n="$lines" -v w="$w" 'BEGIN { printf "%.0f", n / w }')"
  rec "$id" su "$su"; rec "$id" su_max "$sumax"; rec "$id" cpu "$cs"; rec "$id" cpu_max "$cmax"; rec "$id" other "$oth"
  # $WORK/rss: "peak-RSS-KB user-s sys-s" lines of GNU time, one per client process
  rec "$id" rss "$(awk '$1 > m { m = $1 } END { print m + 0 }' "$WORK/rss")"
  cc=$(awk '{ t += $2 + $3 } END { printf "%.2f", t }' "$WORK/rss")
  rec "$id" ccpu "$cc"
  rec "$id" busy "$(awk -v c="$cc" -v s="$cs" -v w="$w" -v n="$(nproc)" 'BEGIN { printf "%.3f", (c + s) / (n * w) }')"
  db=$(dbsize_sum "$@")
  [[ $db == "$lines" ]] || die "$id: DBSIZE $db after the load, want $lines"
  ttl=$(cli "$1" -c ttl "bench:w:$(( lines - 1 ))")
  if ! [[ $ttl =~ ^[0-9]+$ ]] || (( ttl <= 3500 || ttl > TTL )); then die "$id: TTL of bench:w:$(( lines - 1 )) is '$ttl'"; fi
}

run_pipe() {   # ID PORT RESP
  before "$2"
  "$GTIME" -f '%M %U %S' -o "$WORK/rss" "$RCLI" -h 127.0.0.1 -p "$2" --pipe <"$3" >"$WORK/pipe.out" 2>&1 \
    || die "$1: redis-cli --pipe: $(tail -n 3 "$WORK/pipe.out")"
  grep -q "errors: 0, replies: $N\$" "$WORK/pipe.out" || die "$1: $(tail -n 3 "$WORK/pipe.out")"
  after "$1" "$N" "$2"
}

run_warm() {   # ID FILE LINES FLAGS-WORD PORT...: cachectl warm, seed URL = first port
  local id=$1 file=$2 lines=$3 flags=() s; shift 3
  read -r -a flags <<<"$1"; shift
  before "$@"
  "$GTIME" -f '%M %U %S' -o "$WORK/rss" "$CACHECTL" -u "redis://127.0.0.1:$1" --no-progress warm "$file" "${flags[@]}" --json \
    </dev/null >"$WORK/warm.json" 2>"$WORK/warm.err" || die "$id: cachectl: $(tail -n 5 "$WORK/warm.err")"
  s=$(jq -r '[.read, .written, .invalid, .skipped, .elapsed_ms] | @tsv' "$WORK/warm.json") \
    || die "$id: cachectl printed no JSON summary: $(head -c 400 "$WORK/warm.json")"
  [[ $s == "$lines"$'\t'"$lines"$'\t0\t0\t'* ]] \
    || die "$id: summary read/written/invalid/skipped = $(cut -f1-4 <<<"$s" | tr '\t' /), want $lines/$lines/0/0"
  rec "$id" self_s "$(awk -v ms="$(cut -f5 <<<"$s")" 'BEGIN { printf "%.3f", ms / 1000 }')"
  after "$id" "$lines" "$@"
}

run_cluster_pipe() {   # ID: per-node RESP files, one --pipe per primary, in parallel
  local i pids=() ok=1
  before "${CPORTS[@]}"
  for i in 0 1 2; do
    "$GTIME" -f '%M %U %S' -o "$WORK/rss.$i" "$RCLI" -h 127.0.0.1 -p "${CPORTS[i]}" --pipe \
      <"$WORK/cl.${SPECS[i]}.resp" >"$WORK/pipe.$i.out" 2>&1 &
    pids+=("$!")
  done
  for i in 0 1 2; do wait "${pids[i]}" || ok=0; done
  (( ok )) || die "$1: a per-node --pipe failed: $(tail -q -n 2 "$WORK"/pipe.?.out)"
  # the last line of each is "errors: E, replies: R"
  [[ $(tail -q -n 1 "$WORK"/pipe.?.out | awk '{ e += $2; r += $4 } END { print e + 0, r + 0 }') == "0 $N" ]] \
    || die "$1: $(tail -q -n 1 "$WORK"/pipe.?.out)"
  cat "$WORK"/rss.? >"$WORK/rss"
  after "$1" "$N" "${CPORTS[@]}"
}

load1() { cut -d' ' -f1 /proc/loadavg; }

# ------------------------------------------------------------ runs
log "cachectl: $CACHECTL ($("$CACHECTL" --version 2>/dev/null || echo '?')); work dir $WORK"
log "load at start: $LOAD_START"
log "generating $N JSON lines and the same keys as RESP"
gen_jsonl "$WORK/w.jsonl" "$N"
gen_resp "$WORK/w" "$N" 0-16383
JSONL_MB=$(du -m "$WORK/w.jsonl" | cut -f1)

for (( r = 1; r <= RUNS; r++ )); do
  rec round load1 "$(load1)"
  log "run $r/$RUNS a: redis-cli --pipe (load1 $(load1))"
  start_server 0; run_pipe a "$PORT" "$WORK/w.0-16383.resp"; stop_port "$PORT"

  log "run $r/$RUNS b: cachectl warm (validate, then write)"
  start_server 0; run_warm b "$WORK/w.jsonl" "$N" "" "$PORT"; stop_port "$PORT"

  log "run $r/$RUNS c: cachectl warm --skip-invalid (one pass)"
  start_server 0; run_warm c "$WORK/w.jsonl" "$N" "--skip-invalid" "$PORT"; stop_port "$PORT"

  if [[ $SKIP_CLUSTER != 1 ]]; then
    log "run $r/$RUNS cl: cachectl warm into a 3-primary cluster"
    start_cluster; run_warm cl "$WORK/w.jsonl" "$N" "" "${CPORTS[@]}"; stop_cluster
    if [[ $SKIP_CLUSTER_PIPE != 1 ]]; then
      log "run $r/$RUNS clp: pre-split RESP, 3 parallel redis-cli --pipe (reference)"
      start_cluster
      [[ -s $WORK/cl.${SPECS[2]}.resp ]] || { log "splitting the RESP by slot: ${SPECS[*]}"; gen_resp "$WORK/cl" "$N" "${SPECS[@]}"; }
      run_cluster_pipe clp; stop_cluster
    fi
  fi
done
rec round load1 "$(load1)"

if (( BIG > 0 )); then
  log "big: generating $BIG JSON lines"
  gen_jsonl "$WORK/big.jsonl" "$BIG"
  BIG_MB=$(du -m "$WORK/big.jsonl" | cut -f1)
  log "big: cachectl warm, $BIG lines (validate, then write)"
  start_server 0; run_warm big "$WORK/big.jsonl" "$BIG" "" "$PORT"; stop_port "$PORT"
  log "big: cachectl warm --skip-invalid, $BIG lines"
  start_server 0; run_warm big_si "$WORK/big.jsonl" "$BIG" "--skip-invalid" "$PORT"; stop_port "$PORT"
  rm -f -- "$WORK/big.jsonl"
fi

# ------------------------------------------------------------ table
vals() { awk -F'\t' -v i="$1" -v m="$2" '$1 == i && $2 == m { print $3 }' "$WORK/res.tsv"; }
med() {
  vals "$1" "$2" | sort -g | awk '{ v[NR] = $1 }
    END { if (!NR) { print "-"; exit } printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }   # FORMAT EXPR
sec() { calc %.3f "$(med "$1" "$2") / 1e6"; }
int() { med "$1" "$2" | cut -d. -f1; }
has() { [[ -n $(vals "$1" wall) ]]; }
spread() { vals "$1" wall | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f", (lo > 0 ? hi / lo : 0) }'; }
row() {   # ID OPERATION NOTES
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(med "$1" wall)" \
    "$(vals "$1" wall | paste -sd' ' -)" "$(int "$1" kps)" "$(sec "$1" su)" "$(med "$1" cpu)" \
    "$(calc %.2f "$(med "$1" ccpu)")" "$(calc %.0f%% "100 * $(med "$1" busy)")" "$(int "$1" rss)" "$3"
}
self() { if has "$1" && [[ $(med "$1" self_s) != - ]]; then printf 'self-reported %ss' "$(med "$1" self_s)"; fi; }

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
LOAD_END=$(uptime)
echo "cachectl $("$CACHECTL" --version | awk '{ print $2 }') ($CACHECTL), redis-server $("$RSRV" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p'), $(nproc) vCPU ($cpu), $(uname -sr), $(date -u '+%Y-%m-%d %H:%M UTC'); RUNS=$RUNS, N=$N keys (${JSONL_MB} MB of JSON lines), 32-byte values, TTL ${TTL}s, 127.0.0.1, new servers for every run"
echo
echo "- load at start: \`${LOAD_START# }\`"
echo "- load at end:   \`${LOAD_END# }\`"
echo "- load1 before each round (and after the last): $(vals round load1 | paste -sd' ' -)"
echo
echo "| id | operation | wall s (median) | runs | keys/s | server SET s | server CPU s | client CPU s | CPU busy | RSS KB | notes |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
row a "redis-cli --pipe < RESP file (SET k v EX 3600)" "RSS = redis-cli; anchor of SPEC.md: 1.9 s, 525k keys/s"
row b "cachectl warm FILE --json" "validate whole file, then write; $(self b); other cmds $(sec b other)s"
row c "cachectl warm FILE --skip-invalid --json" "one pass; $(self c); other cmds $(sec c other)s"
if has cl; then
  row cl "cachectl warm FILE --json, 3-primary cluster" \
    "server s / CPU = sum of 3 nodes, busiest node SET $(sec cl su_max)s / CPU $(med cl cpu_max)s; $(self cl)"
fi
if has clp; then
  row clp "reference: RESP pre-split by slot, 3 x redis-cli --pipe in parallel" \
    "not a product path; sum of 3 nodes, busiest node CPU $(med clp cpu_max)s; RSS = largest redis-cli"
fi
if has big; then
  row big "cachectl warm, $BIG-line file (${BIG_MB} MB), one run" "RSS vs $N lines: $(int b rss) KB; $(self big)"
  row big_si "cachectl warm --skip-invalid, $BIG-line file, one run" "RSS vs $N lines: $(int c rss) KB; $(self big_si)"
fi
echo
ka=$(med a kps)
echo "Targets (SPEC.md Performance), medians:"
echo "- b (validated) / redis-cli --pipe throughput: $(calc %.2f "$(med b kps) / $ka")x (target >= 1.0x)"
echo "- c (--skip-invalid) / redis-cli --pipe throughput: $(calc %.2f "$(med c kps) / $ka")x (target >= 1.0x)"
if has cl; then
  echo "- cluster / one node (cl / b): $(int cl kps) vs $(int b kps) keys/s = $(calc %.2f "$(med cl kps) / $(med b kps)")x (target >= 2x; $(nproc) vCPUs shared by 3 servers + the client)"
fi
if has clp; then
  echo "- reference ceiling on this machine, 3 parallel --pipe / one --pipe (clp / a): $(calc %.2f "$(med clp kps) / $ka")x; cl / clp: $(calc %.2f "$(med cl kps) / $(med clp kps)")x"
fi
echo "- peak RSS, $N lines: b $(calc %.1f "$(med b rss) / 1024") MB, c $(calc %.1f "$(med c rss) / 1024") MB$(has cl && printf ', cl %s MB' "$(calc %.1f "$(med cl rss) / 1024")") (target <= 30 MB)"
if has big; then
  echo "- peak RSS, $BIG vs $N lines: default $(int big rss) vs $(int b rss) KB ($(calc %.2f "$(med big rss) / $(med b rss)")x), --skip-invalid $(int big_si rss) vs $(int c rss) KB ($(calc %.2f "$(med big_si rss) / $(med c rss)")x) (target: flat)"
fi
for id in a b c; do
  s=$(spread "$id")
  if awk -v s="$s" 'BEGIN { exit !(s > 1.30) }'; then
    echo "- WARNING: $id wall spread max/min = ${s}x (> 1.30): the run looks disturbed (shared machine), compare with care"
  fi
done
log "load at end: $LOAD_END"
log "done in ${SECONDS}s"
