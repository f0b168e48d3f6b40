#!/usr/bin/env bash
# Usage: bench/impact.sh >bench/results-impact.md
#   What a neighbour client feels while cachectl works. A neighbour (the
#   `neighbour` example: one GET per millisecond on its own connection, as an
#   application's request handler would) runs through each run and reports
#   its GET latency p50 / p99 / p99.9; the table puts that beside the wall
#   time and the client's CPU per key.
#   Dataset, loaded fresh before every run: N bench:del:i + N bench:keep:i
#   string keys (32-byte values); the deletes remove the N bench:del keys.
#     idle       the neighbour alone, for IDLE_S seconds
#     full       scan-delete --max-latency 0 (full speed)
#     default    scan-delete with its defaults
#     ml1/2/5    scan-delete --max-latency 1ms / 2ms / 5ms
#     rate-R     scan-delete --max-latency 0 --rate R, for R in RATES (the
#                sweep: the best fixed rate keeping the 2ms budget's p99)
#     xargs      redis-cli --scan --pattern P | xargs -n 1000 redis-cli unlink
#     stats      stats --scan --max-latency 0, and stats-ml2 with 2ms
#   Medians of RUNS. Every server started here is shut down on exit.
#   Env: CACHECTL NEIGHBOUR RUNS=3 N=1000000 IDLE_S=5 RATES="50000 100000 200000 400000"
#        SKIP_XARGS=0 REDIS_SERVER REDIS_CLI
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUNS=${RUNS:-3}
N=${N:-1000000}
IDLE_S=${IDLE_S:-5}
RATES=${RATES:-"50000 100000 200000 400000"}
SKIP_XARGS=${SKIP_XARGS:-0}
PAT='bench:del:*'

need_gtime
need python3 "to generate the data"
find_cachectl
NEIGHBOUR=${NEIGHBOUR:-$ROOT/target/release/examples/neighbour}
[[ -x $NEIGHBOUR ]] || { log "building the neighbour client"; (cd "$ROOT" && cargo build --release --example neighbour >&2); }
bench_init impact

python3 - "$N" "$WORK/data.resp" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
val = b"$32\r\n" + b"v" * 32 + b"\r\n"
with open(out, "wb", buffering=1 << 20) as f:
    for prefix in (b"bench:del:", b"bench:keep:"):
        for i in range(n):
            k = prefix + b"%d" % i
            f.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n%s" % (len(k), k, val))
PY

fresh() {   # PORT: a new server holding the 2N keys
  start_server 0
  pipe_load "$PORT" "$WORK/data.resp"
  [[ $(cli "$PORT" dbsize) == $(( 2 * N )) ]] || die "load: dbsize $(cli "$PORT" dbsize)"
}

# measure ID CMD...: runs CMD (with {PORT} replaced) beside the neighbour.
measure() {
  local id=$1; shift
  local stop=$WORK/stop.$id args=() a
  rm -f "$stop"
  fresh
  for a in "$@"; do args+=("${a//\{PORT\}/$PORT}"); done
  "$NEIGHBOUR" "$PORT" "$stop" >"$WORK/nb.$id" &
  local nb=$!
  sleep 0.5   # the neighbour's first GETs are in before the run starts
  tic
  "$GTIME" -f '%M %U %S' -o "$WORK/time" "${args[@]}" >/dev/null 2>"$WORK/err.$id" || die "$id: $(tail -n 3 "$WORK/err.$id")"
  rec "$id" wall "$(toc)"
  touch "$stop"; wait "$nb" || die "$id: the neighbour client failed"
  read -r count p50 p99 p999 max <"$WORK/nb.$id"
  rec "$id" p50 "$p50"; rec "$id" p99 "$p99"; rec "$id" p999 "$p999"; rec "$id" gets "$count"
  read -r rss usr sys <"$WORK/time"
  rec "$id" cpu_us_per_key "$(calc %.3f "($usr + $sys) * 1e6 / $N")"
  [[ $id == stats* || $id == idle ]] || [[ $(cli "$PORT" dbsize) == "$N" ]] || die "$id: $(cli "$PORT" dbsize) keys left, want $N"
  stop_port "$PORT"
}

SD=("$CACHECTL" -u "redis://127.0.0.1:{PORT}" scan-delete "$PAT" --yes -o plain)
for run in $(seq "$RUNS"); do
  log "round $run/$RUNS"
  measure idle sleep "$IDLE_S"
  measure full "${SD[@]}" --max-latency 0
  measure default "${SD[@]}"
  measure ml1 "${SD[@]}" --max-latency 1ms
  measure ml2 "${SD[@]}" --max-latency 2ms
  measure ml5 "${SD[@]}" --max-latency 5ms
  for r in $RATES; do measure "rate-$r" "${SD[@]}" --max-latency 0 --rate "$r"; done
  if [[ $SKIP_XARGS == 0 ]]; then
    measure xargs bash -c "'$RCLI' -h 127.0.0.1 -p {PORT} --scan --pattern '$PAT' | xargs -n 1000 '$RCLI' -h 127.0.0.1 -p {PORT} unlink >/dev/null"
  fi
  measure stats "$CACHECTL" -u "redis://127.0.0.1:{PORT}" stats --scan --max-latency 0 -o plain
  measure stats-ml2 "$CACHECTL" -u "redis://127.0.0.1:{PORT}" stats --scan --max-latency 2ms -o plain
done

# The best fixed rate: the fastest whose p99 is at most the 2ms budget's.
best=""; best_wall=""
ml2_p99=$(med ml2 p99)
for r in $RATES; do
  p=$(med "rate-$r" p99); w=$(med "rate-$r" wall)
  if awk -v p="$p" -v b="$ml2_p99" 'BEGIN { exit !(p <= b) }'; then
    if [[ -z $best_wall ]] || awk -v w="$w" -v b="$best_wall" 'BEGIN { exit !(w < b) }'; then best=$r; best_wall=$w; fi
  fi
done

echo "# What a neighbour feels: scan-delete and stats --scan beside one GET per millisecond"
echo
echo "$(env_line); N=$N deleted of $(( 2 * N )) keys; medians of $RUNS."
echo "Reproduce: \`RUNS=$RUNS N=$N bench/impact.sh > bench/results-impact.md\`"
echo
echo "| run | wall | neighbour GET p50 | p99 | p99.9 | client CPU per key |"
echo "|---|---|---|---|---|---|"
row() {   # ID LABEL
  has "$1" || return 0
  local wall; wall=$(med "$1" wall)
  [[ $1 == idle ]] && wall=""
  printf '| %s | %s | %s ms | %s ms | %s ms | %s |\n' "$2" "${wall:+$wall s}" "$(med "$1" p50)" "$(med "$1" p99)" "$(med "$1" p999)" \
    "$([[ $1 == idle ]] && echo "" || echo "$(med "$1" cpu_us_per_key) µs")"
}
row idle "idle server"
row full "\`scan-delete --max-latency 0\` (full speed)"
row default "\`scan-delete\` (defaults)"
row ml1 "\`scan-delete --max-latency 1ms\`"
row ml2 "\`scan-delete --max-latency 2ms\`"
row ml5 "\`scan-delete --max-latency 5ms\`"
for r in $RATES; do row "rate-$r" "\`scan-delete --max-latency 0 --rate $r\`"; done
row xargs "xargs recipe (\`--scan \\| xargs -n 1000 unlink\`)"
row stats "\`stats --scan --max-latency 0\`"
row stats-ml2 "\`stats --scan --max-latency 2ms\`"
echo
if [[ -n $best ]]; then
  echo "- best fixed rate keeping the 2ms budget's p99 ($ml2_p99 ms): --rate $best, $best_wall s;" \
    "the 2ms budget took $(med ml2 wall) s = $(calc %.2f "$(med ml2 wall) / $best_wall")x of it" \
    "and $(calc %.2f "$(med ml2 wall) / $(med full wall)")x of full speed"
else
  echo "- no fixed rate of the sweep ($RATES) kept the 2ms budget's p99 ($ml2_p99 ms)"
fi
spread_warnings full default ml2
load_lines
bench_done
