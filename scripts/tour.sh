#!/usr/bin/env bash
# A short tour of cachectl against a throwaway local Redis: installs
# redis-server if missing, builds cachectl, starts a server on a free loopback
# port, loads sample data, runs a few commands, and stops the server again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-redis.sh
cargo build --release --locked -q
BIN=$PWD/target/release/cachectl

port=""
for _ in $(seq 1 50); do
  p=$(( 20000 + RANDOM % 30000 ))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[[ -n "$port" ]] || { echo "tour: no free port found" >&2; exit 1; }
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$dir" --logfile "$dir/redis.log" --daemonize yes --pidfile "$dir/redis.pid"
cleanup() { redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done

export REDIS_URL="redis://127.0.0.1:$port"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@" || echo "(exit $?)"; }

echo "Sample data: 2,000 price keys (half without TTL), sessions, a hash, a tag set..."
for i in $(seq 1 1000); do
  printf 'SET price:amazon:%d "{\\"eur\\":%d}" EX 21600\r\nSET price:ebay:%d "{\\"eur\\":%d}"\r\n' "$i" "$i" "$i" "$i"
done | redis-cli -p "$port" >/dev/null
redis-cli -p "$port" hset user:42 name Ada plan pro >/dev/null
redis-cli -p "$port" set session:abc token EX 90 >/dev/null

step "$BIN" -o table get price:amazon:7 user:42 session:abc
step "$BIN" set greeting "hello from cachectl" --ttl 10m
step "$BIN" get greeting
step "$BIN" -o table ttl --pattern 'price:*'
step "$BIN" -o table ttl --pattern 'price:*' --only-persistent --set 1d --yes
step "$BIN" --json ttl price:ebay:1 price:amazon:1
step "$BIN" set product:1 '{"eur":9}' --ttl 1h --tag products
step "$BIN" set product:2 '{"eur":12}' --ttl 2h --tag products
step "$BIN" -o table tag-invalidate products --dry-run
step "$BIN" -o table tag-invalidate products --yes
step "$BIN" -o table scan-delete 'price:ebay:*' --dry-run --sample 3
step "$BIN" -o table scan-delete 'price:ebay:*' --yes
step "$BIN" -o table flush-prefix 'price:' --yes
printf '{"key":"config:app","value":{"theme":"dark","beta":true},"ttl":"1h"}\n{"key":"config:flags","type":"hash","value":{"search":"on"}}\n' > "$dir/seed.jsonl"
step "$BIN" -o table warm "$dir/seed.jsonl"
step "$BIN" remember report:daily --ttl 10m -- sh -c 'sleep 0.5; echo "expensive report, computed once"'
step "$BIN" remember report:daily --ttl 10m -- sh -c 'echo "not run: cached"'
step "$BIN" lock run nightly-import --ttl 5s -- sh -c 'echo "holding the lock with token $CACHECTL_LOCK_TOKEN (fencing $CACHECTL_FENCING_TOKEN)"'
step "$BIN" -o table ratelimit-test ratelimit:api:demo --algo sliding-log --limit 5 --window 10s --requests 8
step "$BIN" -o table ratelimit-test ratelimit:api:demo --inspect
step "$BIN" -o table stats --scan --top 3
step "$BIN" get no-such-key
echo
echo "tour: done (server on port $port stopped)"
