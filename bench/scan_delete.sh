#!/usr/bin/env bash
# Usage: bench/scan_delete.sh >table.md
#   Benchmarks `cachectl scan-delete` against the shell anchors of SPEC.md
#   "Performance", on throwaway redis-servers bound to 127.0.0.1 (free ports).
#   Dataset, loaded fresh (new server, --pipe of pre-generated RESP) before
#   every run: N bench:del:i + N bench:keep:i string keys, 32-byte values.
#     sd  cachectl scan-delete 'bench:del:*' --yes -o plain      (one server)
#     xa  redis-cli --scan --pattern 'bench:del:*' | xargs -n 1000 redis-cli unlink
#     pp  SCAN ... COUNT 10000 loop | awk (RESP UNLINK x1000) | redis-cli --pipe
#     cl  cachectl scan-delete against a 3-primary cluster (seed URL)
#   Per run: wall, server busy time (INFO commandstats usec of SCAN + UNLINK,
#   after CONFIG RESETSTAT; summed over the nodes of the cluster), peak RSS
#   (GNU time %M); verifies N keys remain and cachectl reported deleted=N.
#   Markdown table (medians of RUNS) on stdout, progress on stderr. Every
#   server started here is shut down on exit. ~3-5 min with the defaults.
#   Env: CACHECTL (default target/release/cachectl, built if unset and missing)
#        RUNS=3 N=1000000 SKIP_CLUSTER=0 SKIP_XARGS=0 REDIS_SERVER REDIS_CLI
#   Servers, ports, INFO readers, medians and cleanup come from bench/lib.sh.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUNS=${RUNS:-3}
N=${N:-1000000}
SKIP_CLUSTER=${SKIP_CLUSTER:-0}
SKIP_XARGS=${SKIP_XARGS:-0}
PAT='bench:del:*'

need_gtime
need python3 "to generate the data"
find_cachectl
bench_init scan-delete

# ------------------------------------------------------------ data
# gen OUT SPEC...: writes OUT.SPEC.resp per SPEC ("lo-hi[,lo-hi]" hash slots)
# with the RESP SETs of the keys whose CRC16 slot falls in SPEC. Keys here
# contain no "{", so the slot is crc16(key) mod 16384 (binascii.crc_hqx is
# the CRC16-XMODEM Redis Cluster uses).
gen() {
  python3 - "$N" "$@" <<'PY'
import binascii, sys
n, out, specs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
owner = bytearray(16384)
files = []
for idx, spec in enumerate(specs):
    for r in spec.split(","):
        lo, _, hi = r.partition("-")
        for s in range(int(lo), int(hi or lo) + 1):
            owner[s] = idx
    files.append(open(f"{out}.{spec}.resp", "wb", buffering=1 << 20))
val = b"$32\r\n" + b"v" * 32 + b"\r\n"
for prefix in (b"bench:del:", b"bench:keep:"):
    for i in range(n):
        k = prefix + b"%d" % i
        files[owner[binascii.crc_hqx(k, 0) & 16383]].write(
            b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n%s" % (len(k), k, val))
for f in files:
    f.close()
PY
}

fresh_single() {   # sets PORT to a new server holding the 2N-key dataset
  start_server 0
  pipe_load "$PORT" "$WORK/data.0-16383.resp"
  [[ $(cli "$PORT" dbsize) == $(( 2 * N )) ]] || die "load: dbsize $(cli "$PORT" dbsize), want $(( 2 * N ))"
}

fresh_cluster() {   # sets CPORTS to 3 new cluster primaries holding the dataset
  local i
  start_cluster
  for i in 0 1 2; do [[ -s $WORK/cl.${SPECS[i]}.resp ]] || { log "generating per-node RESP for slots ${SPECS[*]}"; gen "$WORK/cl" "${SPECS[@]}"; break; }; done
  for i in 0 1 2; do pipe_load "${CPORTS[i]}" "$WORK/cl.${SPECS[i]}.resp" & done
  wait   # (a failed load exits its subshell only; the DBSIZE check catches it)
  [[ $(dbsize_sum "${CPORTS[@]}") == $(( 2 * N )) ]] || die "cluster load: $(dbsize_sum "${CPORTS[@]}") keys, want $(( 2 * N ))"
}

# ------------------------------------------------------------ measuring
# server-side record for ID over PORTS: su (sum scan+unlink usec), su_max
# (busiest node), scan/unlink usec and calls, other (usec of all other commands)
rec_server() {
  local id=$1 p u max=0 tot=0 s=0 ul=0 sc=0 uc=0 all=0; shift
  for p in "$@"; do
    u=$(stat_of usec "$p" scan unlink); tot=$(( tot + u )); (( u > max )) && max=$u
    s=$(( s + $(stat_of usec "$p" scan) )); ul=$(( ul + $(stat_of usec "$p" unlink) ))
    sc=$(( sc + $(stat_of calls "$p" scan) )); uc=$(( uc + $(stat_of calls "$p" unlink) ))
    all=$(( all + $(usec_but "$p" info config) ))
  done
  rec "$id" su "$tot"; rec "$id" su_max "$max"; rec "$id" su_scan "$s"; rec "$id" su_unlink "$ul"
  rec "$id" scan_calls "$sc"; rec "$id" unlink_calls "$uc"; rec "$id" other $(( all - tot ))
}

run_cachectl() {   # ID PORT...: scan-delete via the first port's URL, verify
  local id=$1 deleted left; shift
  reset_stats "$@"; tic
  "$GTIME" -f %M -o "$WORK/rss" "$CACHECTL" -u "redis://127.0.0.1:$1" scan-delete "$PAT" --yes -o plain \
    </dev/null >"$WORK/sd.out" 2>"$WORK/sd.err" || die "cachectl: $(tail -n 5 "$WORK/sd.err")"
  rec "$id" wall "$(toc)"
  rec_server "$id" "$@"
  rec "$id" rss "$(tail -n 1 "$WORK/rss")"
  deleted=$(awk -F'\t' '$1 == "deleted" { print $2 }' "$WORK/sd.out")
  left=$(dbsize_sum "$@")
  [[ $deleted == "$N" && $left == "$N" ]] \
    || die "$id: cachectl reported deleted=$deleted, DBSIZE now $left (want $N and $N); output: $(head -c 400 "$WORK/sd.out")"
}

scan_pages() {   # PORT: every key matching PAT, one SCAN ... COUNT 10000 per redis-cli call
  local cur=0
  while :; do
    cli "$1" scan "$cur" match "$PAT" count 10000 >"$WORK/page"
    read -r cur <"$WORK/page"
    [[ $cur =~ ^[0-9]+$ ]] || die "SCAN reply: $(head -c 200 "$WORK/page")"
    tail -n +2 "$WORK/page"
    [[ $cur == 0 ]] && return
  done
}

# ------------------------------------------------------------ runs
log "generating the RESP dataset (2 x $N keys)"
gen "$WORK/data" 0-16383

for (( r = 1; r <= RUNS; r++ )); do
  log "run $r/$RUNS sd: cachectl scan-delete, one server"
  fresh_single; run_cachectl sd "$PORT"; stop_port "$PORT"

  if [[ $SKIP_XARGS != 1 ]]; then
    log "run $r/$RUNS xa: redis-cli --scan | xargs -n 1000 redis-cli unlink"
    fresh_single; reset_stats "$PORT"; tic
    "$GTIME" -f %M -o "$WORK/rss" "$RCLI" -h 127.0.0.1 -p "$PORT" --scan --pattern "$PAT" \
      | xargs -n 1000 "$RCLI" -h 127.0.0.1 -p "$PORT" unlink >"$WORK/xa.out"
    rec xa wall "$(toc)"; rec_server xa "$PORT"; rec xa rss "$(tail -n 1 "$WORK/rss")"
    n=$(awk '{ s += $1 } END { print s + 0 }' "$WORK/xa.out")
    [[ $n == "$N" && $(cli "$PORT" dbsize) == "$N" ]] || die "xa: unlinked $n, dbsize $(cli "$PORT" dbsize)"
    stop_port "$PORT"
  fi

  log "run $r/$RUNS pp: SCAN COUNT 10000 loop | awk | redis-cli --pipe"
  fresh_single; reset_stats "$PORT"; tic
  scan_pages "$PORT" | LC_ALL=C awk -v b=1000 '
    function flush(  i) {
      printf "*%d\r\n$6\r\nUNLINK\r\n", n + 1
      for (i = 1; i <= n; i++) printf "$%d\r\n%s\r\n", length(k[i]), k[i]
      n = 0
    }
    NF { k[++n] = $0; if (n == b) flush() }
    END { if (n) flush() }' \
    | "$GTIME" -f %M -o "$WORK/rss" "$RCLI" -h 127.0.0.1 -p "$PORT" --pipe >"$WORK/pp.out" 2>&1
  rec pp wall "$(toc)"; rec_server pp "$PORT"; rec pp rss "$(tail -n 1 "$WORK/rss")"
  grep -q 'errors: 0,' "$WORK/pp.out" || die "pp: $(cat "$WORK/pp.out")"
  [[ $(cli "$PORT" dbsize) == "$N" ]] || die "pp: dbsize $(cli "$PORT" dbsize), want $N"
  stop_port "$PORT"

  if [[ $SKIP_CLUSTER != 1 ]]; then
    log "run $r/$RUNS cl: cachectl scan-delete, 3-primary cluster"
    fresh_cluster; run_cachectl cl "${CPORTS[@]}"; stop_cluster
  fi
done

# ------------------------------------------------------------ table
row() {   # ID OPERATION NOTES [RSS]
  local w s
  w=$(med "$1" wall); s=$(sec "$1" su)
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$w" "$(vals "$1" wall | paste -sd' ' -)" \
    "$s" "$(calc %.2fx "$w / $s")" "$(med "$1" rss | cut -d. -f1)" "$3"
}
split_note() {   # ID: scan/unlink breakdown
  printf 'scan %ss (%s calls) + unlink %ss (%s calls)' "$(sec "$1" su_scan)" "$(med "$1" scan_calls | cut -d. -f1)" \
    "$(sec "$1" su_unlink)" "$(med "$1" unlink_calls | cut -d. -f1)"
}
kps() { calc %.0f "$N / $(med "$1" wall)"; }

echo "$(env_line); RUNS=$RUNS, N=$N deleted of $(( 2 * N )) keys, 32-byte values, 127.0.0.1"
echo
echo "| id | operation | wall s (median) | runs | server s | wall/server | RSS KB | notes |"
echo "|---|---|---|---|---|---|---|---|"
row sd "cachectl scan-delete 'bench:del:*' --yes -o plain" \
  "$(split_note sd); $(kps sd) keys/s; other cmds $(sec sd other)s; RSS = cachectl"
if has xa; then
  row xa "redis-cli --scan --pattern \| xargs -n 1000 redis-cli unlink" "$(split_note xa); $(kps xa) keys/s; RSS = redis-cli --scan"
fi
row pp "SCAN COUNT 10000 loop \| awk RESP UNLINK x1000 \| redis-cli --pipe" "$(split_note pp); $(kps pp) keys/s; RSS = redis-cli --pipe"
if has cl; then
  row cl "cachectl scan-delete, 3-primary cluster (seed URL)" \
    "server s = sum of 3 nodes, busiest node $(sec cl su_max)s; $(split_note cl); $(kps cl) keys/s"
fi
echo
w=$(med sd wall)
echo "Targets (SPEC.md Performance), medians:"
echo "- sd wall/server: $(calc %.2f "$w / $(sec sd su)") (target <= 1.5)"
if has xa; then echo "- sd vs xargs recipe: $(calc %.2f "$(med xa wall) / $w")x faster (target >= 3x)"; fi
echo "- sd vs best shell pipeline: $(calc %.2f "$(med pp wall) / $w")x faster (target > 1x)"
echo "- sd peak RSS: $(calc %.1f "$(med sd rss) / 1024") MB (target <= 30 MB)"
if has cl; then
  echo "- cluster vs one node: $(kps cl) vs $(kps sd) keys/s = $(calc %.2f "$(med sd wall) / $(med cl wall)")x (target >= 2x); cl peak RSS $(calc %.1f "$(med cl rss) / 1024") MB"
fi
bench_done
