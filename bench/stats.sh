#!/usr/bin/env bash
# Usage: bench/stats.sh >results.md
#   Benchmarks `cachectl stats` keyspace reports against the anchors of SPEC.md
#   "Performance" (`redis-cli --memkeys` / `--bigkeys`, ~58 s on 2M keys), on
#   one throwaway redis-server bound to 127.0.0.1 (a free port below the
#   ephemeral range). Dataset, loaded once with redis-cli --pipe of a
#   pre-generated RESP file (outside the timings; all the work below is
#   read-only): N bench:a:I 32-byte strings with EX 3600 + N bench:b:I 32-byte
#   strings without TTL. Rounds, each running in turn:
#     scan     cachectl stats --scan --json                 (RUNS times)
#     sample   cachectl stats --sample SAMPLE --json        (RUNS times)
#     memkeys  redis-cli --memkeys                          (E_RUNS times)
#     bigkeys  redis-cli --bigkeys                          (E_RUNS times)
#   Per run: wall, peak RSS of the client (GNU time %M), server busy time (INFO
#   commandstats usec of every command but INFO and CONFIG, after CONFIG
#   RESETSTAT; per-command breakdown of the last run in the notes) and server
#   main-thread CPU delta (used_cpu_{user,sys}_main_thread), client CPU (GNU
#   time %U + %S).
#   Checks: scan JSON keyspace.keys == 2N, by_prefix "bench:" (depth 1) has 2N
#   keys and N without TTL, keyspace.no_ttl == N; sample JSON sampled == SAMPLE;
#   redis-cli reports "Sampled 2N keys". The memory total of --scan is compared
#   with --memkeys' (both sum MEMORY USAGE).
#   Markdown table (medians) on stdout, progress on stderr, load average at
#   start and end. The server started here is shut down on exit.
#   ~3 min with E_RUNS=1 (memkeys and bigkeys take ~60 s each here).
#   Env: CACHECTL (default target/release/cachectl, built if unset and missing)
#        RUNS=3 E_RUNS=1 (memkeys/bigkeys runs; 0 skips them) N=1000000
#        SAMPLE=10000 REDIS_SERVER REDIS_CLI
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-3}
E_RUNS=${E_RUNS:-1}
N=${N:-1000000}
SAMPLE=${SAMPLE:-10000}
RSRV=${REDIS_SERVER:-redis-server}
RCLI=${REDIS_CLI:-redis-cli}
GTIME=/usr/bin/time
LOAD_START=$(uptime)
TOTAL=$(( 2 * N ))

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

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-stats.XXXXXX")
declare -A SRV=()     # pid -> port of every redis-server started here
declare -A TAKEN=()   # ports handed out by free_port

# ------------------------------------------------------------ server
cli() { local p=$1; shift; "$RCLI" -h 127.0.0.1 -p "$p" "$@"; }

# Ports come from below the kernel's ephemeral range, where no client
# connection can be holding them as its local port.
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

start_server() {   # sets PORT to a new, empty server
  local port dir pid
  for _ in 1 2 3 4 5; do
    free_port; port=$PORT; dir=$WORK/srv-$port; pid=""
    mkdir -p "$dir"
    "$RSRV" --port "$port" --bind 127.0.0.1 --protected-mode yes --daemonize yes \
      --save '' --appendonly no --dir "$dir" --pidfile "$dir/pid" --logfile "$dir/log" \
      || die "redis-server on $port did not start"
    for _ in {1..200}; do
      if [[ -z $pid && -s $dir/pid ]]; then pid=$(<"$dir/pid"); SRV[$pid]=$port; fi
      if [[ -n $pid ]] && [[ $(cli "$port" ping 2>/dev/null) == PONG ]]; then PORT=$port; return; fi
      grep -q 'aborting' "$dir/log" 2>/dev/null && break
      sleep 0.05
    done
    grep -q 'Address already in use' "$dir/log" 2>/dev/null || break
    log "port $port was taken meanwhile, retrying on another"
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
stop_all() { local pid; for pid in "${!SRV[@]}"; do stop_server "$pid"; done; }
cleanup() { stop_all; rm -rf -- "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ data
# gen_resp OUT: RESP SETs of N bench:a:I (EX 3600) and N bench:b:I (no TTL)
gen_resp() {
  python3 - "$1" "$N" <<'PY'
import sys
out, n = sys.argv[1], int(sys.argv[2])
val = b"$32\r\n" + b"v" * 32 + b"\r\n"
with open(out, "wb", buffering=1 << 20) as f:
    for i in range(n):
        k = b"bench:a:%d" % i
        f.write(b"*5\r\n$3\r\nSET\r\n$%d\r\n%s\r\n%s$2\r\nEX\r\n$4\r\n3600\r\n" % (len(k), k, val))
    for i in range(n):
        k = b"bench:b:%d" % i
        f.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n%s" % (len(k), k, val))
PY
}

# ------------------------------------------------------------ measuring
server_usec() {   # PORT: usec of every command but the harness's INFO and CONFIG
  cli "$1" info commandstats | tr -d '\r' | awk -F'[:,=]' '
    /^cmdstat_/ && $1 !~ /^cmdstat_(info|config[|].*)$/ { t += $5 } END { printf "%.0f\n", t }'
}
cpu_main() {   # PORT: main-thread user+sys CPU seconds so far
  cli "$1" info cpu | tr -d '\r' | awk -F: '$1 ~ /^used_cpu_(user|sys)_main_thread$/ { t += $2 } END { printf "%.6f\n", t }'
}
tic() { T0=$EPOCHREALTIME; }
toc() { awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }
rec() { printf '%s\t%s\t%s\n' "$@" >>"$WORK/res.tsv"; }   # ID METRIC VALUE
: >"$WORK/res.tsv"
load1() { cut -d' ' -f1 /proc/loadavg; }

measure() {   # ID CMD...: run CMD (stdout to $WORK/ID.out) under GNU time, record the metrics
  local id=$1 c0; shift
  cli "$PORT" config resetstat >/dev/null
  c0=$(cpu_main "$PORT"); rec "$id" load1 "$(load1)"; tic
  "$GTIME" -f '%M %U %S' -o "$WORK/rss" "$@" </dev/null >"$WORK/$id.out" 2>"$WORK/$id.err" \
    || die "$id: $* failed: $(tail -n 5 "$WORK/$id.err")"
  rec "$id" wall "$(toc)"
  rec "$id" su "$(server_usec "$PORT")"
  rec "$id" cpu "$(awk -v a="$c0" -v b="$(cpu_main "$PORT")" 'BEGIN { printf "%.3f", b - a }')"
  rec "$id" rss "$(tail -n 1 "$WORK/rss" | cut -d' ' -f1)"
  rec "$id" ccpu "$(tail -n 1 "$WORK/rss" | awk '{ printf "%.2f", $2 + $3 }')"
  breakdown "$PORT" >"$WORK/$id.cmds"   # of the last run
}
breakdown() {   # PORT: "cmd usec_s/calls, ..." by server time, the harness's INFO/CONFIG left out
  cli "$1" info commandstats | tr -d '\r' | awk -F'[:,=]' '
    /^cmdstat_/ && $1 !~ /^cmdstat_(info|config[|].*)$/ { printf "%s\t%s\t%s\n", $5, substr($1, 9), $3 }' \
    | sort -t$'\t' -k1,1gr | awk -F'\t' '{ n = $2; gsub(/[|]/, "\\|", n); printf "%s%s %.3fs/%d", (NR > 1 ? ", " : ""), n, $1 / 1e6, $3 }'
}   # ("|" escaped for the markdown table)

jget() { jq -r "$1" "$WORK/$2.out"; }   # FILTER ID

run_scan() {
  local got
  measure scan "$CACHECTL" -u "redis://127.0.0.1:$PORT" --no-progress stats --scan --json
  got=$(jget '[.keyspace.keys, .keyspace.no_ttl,
               ([.keyspace.by_prefix[] | select(.prefix == "bench:")] | if length == 1 then .[0].keys, .[0].no_ttl else "none", "none" end),
               (.keyspace.by_prefix | length)] | @tsv' scan) || die "scan: no JSON: $(head -c 400 "$WORK/scan.out")"
  [[ $got == "$TOTAL"$'\t'"$N"$'\t'"$TOTAL"$'\t'"$N"$'\t1' ]] \
    || die "scan: keys/no_ttl/bench:.keys/bench:.no_ttl/prefixes = $(tr '\t' / <<<"$got"), want $TOTAL/$N/$TOTAL/$N/1"
  rec scan mem "$(jget .keyspace.memory_bytes scan)"
}

run_sample() {
  local got
  measure sample "$CACHECTL" -u "redis://127.0.0.1:$PORT" --no-progress stats --sample "$SAMPLE" --json
  got=$(jget '[.keyspace.sampled, .keyspace.keys, ([.keyspace.by_prefix[] | select(.prefix == "bench:")] | length)] | @tsv' sample) \
    || die "sample: no JSON: $(head -c 400 "$WORK/sample.out")"
  [[ $got == "$SAMPLE"$'\t'"$TOTAL"$'\t1' ]] \
    || die "sample: sampled/keys/bench:-rows = $(tr '\t' / <<<"$got"), want $SAMPLE/$TOTAL/1"
  rec sample share "$(jget .keyspace.no_ttl_share sample)"
  rec sample mem "$(jget .keyspace.memory_bytes sample)"
}

run_redis_cli() {   # memkeys|bigkeys
  measure "$1" "$RCLI" -h 127.0.0.1 -p "$PORT" "--$1"
  grep -q "^Sampled $TOTAL keys in the keyspace" "$WORK/$1.out" \
    || die "$1: $(grep -m 1 '^Sampled' "$WORK/$1.out" || tail -n 3 "$WORK/$1.out")"
  if [[ $1 == memkeys ]]; then   # "<n> <type>s with <bytes> bytes (...)": the total of MEMORY USAGE
    rec memkeys mem "$(awk '$3 == "with" && $5 == "bytes" { t += $4 } END { printf "%.0f", t }' "$WORK/memkeys.out")"
  fi
}

# ------------------------------------------------------------ runs
log "cachectl: $CACHECTL ($("$CACHECTL" --version 2>/dev/null || echo '?')); work dir $WORK"
log "load at start: $LOAD_START"
log "generating the RESP dataset ($N keys with TTL + $N without)"
gen_resp "$WORK/data.resp"
start_server
log "loading it into 127.0.0.1:$PORT"
out=$(cli "$PORT" --pipe <"$WORK/data.resp" 2>&1) || die "--pipe: $out"
[[ $out == *"errors: 0, replies: $TOTAL"* ]] || die "--pipe: $out"
rm -f -- "$WORK/data.resp"
ks=$(cli "$PORT" info keyspace | tr -d '\r' | sed -n 's/^db0:keys=\([0-9]*\),expires=\([0-9]*\),.*/\1 \2/p')
[[ $ks == "$TOTAL $N" ]] || die "after the load: keys/expires = '$ks', want '$TOTAL $N'"
USED_MB=$(cli "$PORT" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { printf "%.0f", $2 / 1048576 }')

rounds=$(( RUNS > E_RUNS ? RUNS : E_RUNS ))
for (( r = 1; r <= rounds; r++ )); do
  if (( r <= RUNS )); then
    log "run $r/$RUNS scan: cachectl stats --scan (load1 $(load1))"; run_scan
    log "run $r/$RUNS sample: cachectl stats --sample $SAMPLE"; run_sample
  fi
  if (( r <= E_RUNS )); then
    log "run $r/$E_RUNS memkeys: redis-cli --memkeys (load1 $(load1))"; run_redis_cli memkeys
    log "run $r/$E_RUNS bigkeys: redis-cli --bigkeys (load1 $(load1))"; run_redis_cli bigkeys
  fi
done

# ------------------------------------------------------------ table
vals() { awk -F'\t' -v i="$1" -v m="$2" '$1 == i && $2 == m { print $3 }' "$WORK/res.tsv"; }
med() {
  vals "$1" "$2" | sort -g | awk '{ v[NR] = $1 }
    END { if (!NR) { print "-"; exit } printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }   # FORMAT EXPR
int() { med "$1" "$2" | cut -d. -f1; }
has() { [[ -n $(vals "$1" wall) ]]; }
cmds() { cat "$WORK/$1.cmds"; }
row() {   # ID OPERATION NOTES
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(med "$1" wall)" \
    "$(vals "$1" wall | paste -sd' ' -)" "$(calc %.3f "$(med "$1" su) / 1e6")" "$(med "$1" cpu)" \
    "$(calc %.2f "$(med "$1" ccpu)")" "$(int "$1" rss)" "$3"
}

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
LOAD_END=$(uptime)
echo "cachectl $("$CACHECTL" --version | awk '{ print $2 }') ($CACHECTL), redis-server $("$RSRV" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p'), $(nproc) vCPU ($cpu), $(uname -sr), $(date -u '+%Y-%m-%d %H:%M UTC'); RUNS=$RUNS (memkeys/bigkeys: E_RUNS=$E_RUNS), $TOTAL keys ($N bench:a:* with EX 3600 + $N bench:b:* without TTL), 32-byte values, used_memory ${USED_MB} MB, 127.0.0.1, one server for all runs"
echo
echo "- load at start: \`${LOAD_START# }\`"
echo "- load at end:   \`${LOAD_END# }\`"
for id in scan sample memkeys bigkeys; do
  if has "$id"; then echo "- load1 before each $id run: $(vals "$id" load1 | paste -sd' ' -)"; fi
done
echo
echo "| id | operation | wall s (median) | runs | server cmd s | server CPU s | client CPU s | RSS KB | notes |"
echo "|---|---|---|---|---|---|---|---|---|"
row scan "cachectl stats --scan --json" \
  "checked keys $TOTAL, no_ttl $N, by_prefix bench: $TOTAL; memory_bytes $(int scan mem)$(has memkeys && printf ' (memkeys total %s)' "$(int memkeys mem)"); server s/calls (last run): $(cmds scan)"
row sample "cachectl stats --sample $SAMPLE --json" \
  "estimate: no_ttl share $(calc %.3f "$(med sample share)") (true 0.500), memory_bytes $(int sample mem); server s/calls (last run): $(cmds sample)"
if has memkeys; then row memkeys "redis-cli --memkeys" "RSS = redis-cli; server s/calls: $(cmds memkeys)"; fi
if has bigkeys; then row bigkeys "redis-cli --bigkeys" "RSS = redis-cli; server s/calls: $(cmds bigkeys)"; fi
echo
w=$(med scan wall)
echo "Targets (SPEC.md Performance), medians:"
if has memkeys; then echo "- redis-cli --memkeys / cachectl stats --scan wall: $(calc %.1f "$(med memkeys wall) / $w")x (target >= 10x)"; fi
if has bigkeys; then echo "- redis-cli --bigkeys / cachectl stats --scan wall: $(calc %.1f "$(med bigkeys wall) / $w")x (target >= 10x)"; fi
echo "- cachectl stats --scan wall / its server busy time: $(calc %.2f "$w / ($(med scan su) / 1e6)")x"
echo "- peak RSS: --scan $(calc %.1f "$(med scan rss) / 1024") MB, --sample $(calc %.1f "$(med sample rss) / 1024") MB (target <= 30 MB)"
if has memkeys; then
  d=$(calc %.4f "($(med scan mem) - $(med memkeys mem)) / $(med memkeys mem)")
  echo "- memory total, --scan vs --memkeys: $(int scan mem) vs $(int memkeys mem) bytes ($(calc %+.2f "$d * 100")%)"
fi
for id in scan sample; do
  s=$(vals "$id" wall | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f", (lo > 0 ? hi / lo : 0) }')
  if awk -v s="$s" 'BEGIN { exit !(s > 1.30) }'; then
    echo "- WARNING: $id wall spread max/min = ${s}x (> 1.30): the run looks disturbed (shared machine), compare with care"
  fi
done
log "load at end: $LOAD_END"
log "done in ${SECONDS}s"
