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
#   time (INFO commandstats usec of SET, SETEX and PSETEX, after CONFIG RESETSTAT) and server
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
#   Servers, ports, INFO readers, medians and cleanup come from bench/lib.sh.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUNS=${RUNS:-3}
N=${N:-1000000}
BIG=${BIG:-4000000}
SKIP_CLUSTER=${SKIP_CLUSTER:-0}
SKIP_CLUSTER_PIPE=${SKIP_CLUSTER_PIPE:-0}
TTL=3600

need_gtime
need python3 "to generate the data"
need jq "to read cachectl's JSON"
find_cachectl
bench_init warm

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
declare -A CPU0=()
before() { local p; reset_stats "$@"; for p in "$@"; do CPU0[$p]=$(cpu_main "$p"); done; tic; }
after() {   # ID LINES PORT...: wall, server SET usec and CPU (sum, busiest node), DBSIZE check
  local id=$1 lines=$2 w p u c cc su=0 sumax=0 cs=0 cmax=0 oth=0 db ttl; shift 2
  w=$(toc)
  for p in "$@"; do
    u=$(stat_of usec "$p" set setex psetex); su=$(( su + u )); (( u > sumax )) && sumax=$u
    oth=$(( oth + $(usec_but "$p" set setex psetex info config dbsize ttl ping) ))   # not the writes nor the harness's commands
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

# ------------------------------------------------------------ runs
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
row() {   # ID OPERATION NOTES
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(med "$1" wall)" \
    "$(vals "$1" wall | paste -sd' ' -)" "$(int "$1" kps)" "$(sec "$1" su)" "$(med "$1" cpu)" \
    "$(calc %.2f "$(med "$1" ccpu)")" "$(calc %.0f%% "100 * $(med "$1" busy)")" "$(int "$1" rss)" "$3"
}
self() { if has "$1" && [[ $(med "$1" self_s) != - ]]; then printf 'self-reported %ss' "$(med "$1" self_s)"; fi; }

echo "$(env_line); RUNS=$RUNS, N=$N keys (${JSONL_MB} MB of JSON lines), 32-byte values, TTL ${TTL}s, 127.0.0.1, new servers for every run"
echo
load_lines
echo "- load1 before each round (and after the last): $(vals round load1 | paste -sd' ' -)"
echo
echo "| id | operation | wall s (median) | runs | keys/s | server SET(EX) s | server CPU s | client CPU s | CPU busy | RSS KB | notes |"
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
spread_warnings a b c
bench_done
