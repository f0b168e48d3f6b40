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
#   Servers, ports, INFO readers, medians and cleanup come from bench/lib.sh.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUNS=${RUNS:-3}
E_RUNS=${E_RUNS:-1}
N=${N:-1000000}
SAMPLE=${SAMPLE:-10000}
TOTAL=$(( 2 * N ))

need_gtime
need python3 "to generate the data"
need jq "to read cachectl's JSON"
find_cachectl
bench_init stats

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
measure() {   # ID CMD...: run CMD (stdout to $WORK/ID.out) under GNU time, record the metrics
  local id=$1 c0; shift
  cli "$PORT" config resetstat >/dev/null
  c0=$(cpu_main "$PORT"); rec "$id" load1 "$(load1)"; tic
  "$GTIME" -f '%M %U %S' -o "$WORK/rss" "$@" </dev/null >"$WORK/$id.out" 2>"$WORK/$id.err" \
    || die "$id: $* failed: $(tail -n 5 "$WORK/$id.err")"
  rec "$id" wall "$(toc)"
  rec "$id" su "$(usec_but "$PORT" info config)"   # all but the harness's INFO and CONFIG
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
log "generating the RESP dataset ($N keys with TTL + $N without)"
gen_resp "$WORK/data.resp"
start_server 0
log "loading it into 127.0.0.1:$PORT"
pipe_load "$PORT" "$WORK/data.resp" "$TOTAL"
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
cmds() { cat "$WORK/$1.cmds"; }
row() {   # ID OPERATION NOTES
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(med "$1" wall)" \
    "$(vals "$1" wall | paste -sd' ' -)" "$(calc %.3f "$(med "$1" su) / 1e6")" "$(med "$1" cpu)" \
    "$(calc %.2f "$(med "$1" ccpu)")" "$(int "$1" rss)" "$3"
}

echo "$(env_line); RUNS=$RUNS (memkeys/bigkeys: E_RUNS=$E_RUNS), $TOTAL keys ($N bench:a:* with EX 3600 + $N bench:b:* without TTL), 32-byte values, used_memory ${USED_MB} MB, 127.0.0.1, one server for all runs"
echo
load_lines
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
echo "- cachectl stats --scan wall / the server's main-thread CPU in that time: $(calc %.2f "$w / $(med scan cpu)")x (1.00: the server never waited for cachectl)"
if has memkeys; then
  # No client can finish before the server has run the commands it sends:
  # memkeys' own SCAN + TYPE + MEMORY USAGE time bounds the reachable ratio.
  echo "- ceiling on this machine: redis-cli --memkeys wall / the server's time for its own commands: $(calc %.1f "$(med memkeys wall) / ($(med memkeys su) / 1e6)")x (a tool sending the same commands, with no round trips at all, can't be faster than that)"
fi
echo "- peak RSS: --scan $(calc %.1f "$(med scan rss) / 1024") MB, --sample $(calc %.1f "$(med sample rss) / 1024") MB (target <= 30 MB)"
if has memkeys; then
  d=$(calc %.4f "($(med scan mem) - $(med memkeys mem)) / $(med memkeys mem)")
  echo "- memory total, --scan vs --memkeys: $(int scan mem) vs $(int memkeys mem) bytes ($(calc %+.2f "$d * 100")%)"
fi
spread_warnings scan sample
bench_done
