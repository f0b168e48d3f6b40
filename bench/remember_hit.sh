#!/usr/bin/env bash
# Usage: bench/remember_hit.sh >table.md
#   `cachectl remember` on a hit, as a whole process, against `redis-cli GET` of
#   the same key (SPEC target: within 1.3x), on a throwaway redis-server bound to
#   127.0.0.1. hyperfine runs both commands alternately (RUNS rounds of WARMUP +
#   ITER each); the table gives the medians of the per-round medians.
#   Env: CACHECTL (default target/release/cachectl, built if unset and missing)
#        RUNS=3 ITER=300 WARMUP=30 REDIS_SERVER REDIS_CLI
#   Servers, ports, INFO readers, medians and cleanup come from bench/lib.sh.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUNS=${RUNS:-3}; ITER=${ITER:-300}; WARMUP=${WARMUP:-30}

need hyperfine "(apt-get install hyperfine)"
need python3 "to read hyperfine's JSON"
find_cachectl
bench_init remember-hit

start_server 0
cli "$PORT" set bench:hit "$(head -c 32 /dev/zero | tr '\0' v)" EX 3600 >/dev/null

cli_cmd=("$RCLI" -h 127.0.0.1 -p "$PORT" GET bench:hit)
ours=("$CACHECTL" -h 127.0.0.1 -p "$PORT" remember bench:hit --ttl 1h -- false)
# The hit must not run CMD (false would exit 1).
"${ours[@]}" >/dev/null || die "cachectl remember on a hit failed (did it run CMD?)"

for (( r = 1; r <= RUNS; r++ )); do
  hyperfine -N --warmup "$WARMUP" --runs "$ITER" --export-json "$WORK/r$r.json" "${cli_cmd[*]}" "${ours[*]}" \
    >"$WORK/hyperfine.out" 2>&1 || die "hyperfine: $(tail -n 5 "$WORK/hyperfine.out")"
  read -r a b < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(*["%.3f" % (r["median"] * 1000) for r in d["results"]])' "$WORK/r$r.json")
  rec cli med "$a"; rec ours med "$b"
  log "round $r: redis-cli GET ${a} ms, cachectl remember ${b} ms"
done
mc=$(med cli med); mo=$(med ours med)
echo "remember on a hit vs redis-cli GET, $("$RSRV" --version | awk '{print $3}'), $(nproc) vCPU, $(date -u +%F)"
echo
echo "| command | median ms per process | rounds (medians) |"
echo "|---|---|---|"
echo "| redis-cli GET | $mc | $(vals cli med | paste -sd' ' -) |"
echo "| cachectl remember (hit) | $mo | $(vals ours med | paste -sd' ' -) |"
echo
echo "ratio: $(calc %.2f "$mo / $mc")x (target <= 1.3x)"
bench_done
