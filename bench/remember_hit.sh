#!/usr/bin/env bash
# Usage: bench/remember_hit.sh >table.md
#   `cachectl remember` on a hit, as a whole process, against `redis-cli GET` of
#   the same key (SPEC target: within 1.3x), on a throwaway redis-server bound to
#   127.0.0.1. hyperfine runs both commands alternately (RUNS rounds of WARMUP +
#   ITER each); the table gives the medians of the per-round medians.
#   Env: CACHECTL (default target/release/cachectl) RUNS=3 ITER=300 WARMUP=30
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-3}; ITER=${ITER:-300}; WARMUP=${WARMUP:-30}
CACHECTL=${CACHECTL:-$ROOT/target/release/cachectl}
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
[[ -x $CACHECTL ]] || (cd "$ROOT" && cargo build --release >&2)

port=""
for _ in $(seq 1 100); do
  p=$(( 20000 + RANDOM % 10000 ))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[[ -n $port ]] || { echo "no free port" >&2; exit 1; }
work=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --logfile "$work/redis.log" --daemonize yes --pidfile "$work/redis.pid"
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
redis-cli -p "$port" set bench:hit "$(head -c 32 /dev/zero | tr '\0' v)" EX 3600 >/dev/null

cli_cmd="redis-cli -h 127.0.0.1 -p $port GET bench:hit"
ours="$CACHECTL -h 127.0.0.1 -p $port remember bench:hit --ttl 1h -- false"
# The hit must not run CMD (false would exit 1).
$ours >/dev/null

cli_meds=(); ours_meds=()
for r in $(seq 1 "$RUNS"); do
  hyperfine -N --warmup "$WARMUP" --runs "$ITER" --export-json "$work/r$r.json" "$cli_cmd" "$ours" >/dev/null 2>&1
  read -r a b < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(*["%.3f" % (r["median"] * 1000) for r in d["results"]])' "$work/r$r.json")
  cli_meds+=("$a"); ours_meds+=("$b")
  echo "round $r: redis-cli GET ${a} ms, cachectl remember ${b} ms" >&2
done
med() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
mc=$(med "${cli_meds[@]}"); mo=$(med "${ours_meds[@]}")
echo "remember on a hit vs redis-cli GET, $(redis-server --version | awk '{print $3}'), $(nproc) vCPU, $(date -u +%F)"
echo
echo "| command | median ms per process | rounds (medians) |"
echo "|---|---|---|"
echo "| redis-cli GET | $(printf %.3f "$mc") | ${cli_meds[*]} |"
echo "| cachectl remember (hit) | $(printf %.3f "$mo") | ${ours_meds[*]} |"
echo
echo "ratio: $(python3 -c "print(f'{$mo/$mc:.2f}')")x (target <= 1.3x)"
