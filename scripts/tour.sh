#!/usr/bin/env bash
# A short tour of cachectl against a throwaway local Redis: installs
# redis-server if missing, builds cachectl, starts a server on a free loopback
# port, loads sample data, runs a few commands, and stops the server again.
# Each command is shown as you would type it, so it can be pasted.
#
# TOUR_BIN=path/to/cachectl   use this binary instead of building one
# TOUR_URL=redis://host:port  use this empty, throwaway server instead of
#                             starting one (the tour writes and deletes keys)

# quote_word WORD: WORD as a POSIX shell reads it back: as it is when it is
# made of characters no shell treats specially, else in single quotes.
quote_word() {
  local w=$1
  if [[ -n "$w" && "$w" =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
    printf '%s' "$w"
  else
    printf "'%s'" "${w//\'/\'\\\'\'}"
  fi
}

# show_cmd WORD...: the command line, each word quoted as needed.
show_cmd() {
  local line="" w
  for w in "$@"; do
    line+="${line:+ }$(quote_word "$w")"
  done
  printf '%s\n' "$line"
}

# Sourced (the tests check the quoting this way): only the functions above.
# `return` works only in a sourced file.
if (return 0 2>/dev/null); then
  return 0
fi

set -euo pipefail
cd "$(dirname "$0")/.."

bold="" plain=""
if [[ -t 1 ]]; then bold=$'\033[1m' plain=$'\033[0m'; fi
note() { printf '\n%s\n' "$*"; }
step() {
  printf '\n%s$ %s%s\n' "$bold" "$(show_cmd "$@")" "$plain"
  "$@" || echo "(exit $?)"
}

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  scripts/ensure-redis.sh
fi

if [[ -n "${TOUR_BIN:-}" ]]; then
  bin_dir=$(cd "$(dirname "$TOUR_BIN")" && pwd)
else
  echo "Building cachectl (release; the first build takes a few minutes)..."
  cargo build --release --locked
  bin_dir=$PWD/target/release
fi
# The commands below read as typed: `cachectl …`.
export PATH="$bin_dir:$PATH"

dir=$(mktemp -d)
if [[ -n "${TOUR_URL:-}" ]]; then
  url=$TOUR_URL
  cleanup() { rm -rf "$dir"; }
else
  port=""
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
  done
  [[ -n "$port" ]] || { echo "tour: no free port found" >&2; exit 1; }
  url="redis://127.0.0.1:$port"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$dir" --logfile "$dir/redis.log" --daemonize yes --pidfile "$dir/redis.pid"
  cleanup() { redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"; }
fi
trap cleanup EXIT
rcli() { redis-cli -u "$url" "$@"; }
for _ in $(seq 1 100); do rcli ping >/dev/null 2>&1 && break; sleep 0.05; done
rcli ping >/dev/null 2>&1 || { echo "tour: no Redis answers at $url" >&2; exit 1; }
if [[ "$(rcli dbsize)" != 0 ]]; then
  echo "tour: the server at $url is not empty; the tour needs a throwaway one" >&2
  exit 1
fi

export REDIS_URL=$url
for i in $(seq 1 1000); do
  printf 'SET price:amazon:%d "{\\"eur\\":%d}" EX 21600\r\nSET price:ebay:%d "{\\"eur\\":%d}"\r\n' "$i" "$i" "$i" "$i"
done | rcli >/dev/null
rcli hset user:42 name Ada plan pro >/dev/null
rcli set session:abc token EX 90 >/dev/null
# Say what is there only once the server holds it.
keys=$(rcli dbsize)
if [[ "$keys" != 2002 ]]; then
  echo "tour: loading the sample data failed ($keys keys instead of 2002)" >&2
  exit 1
fi
echo "Sample data on $url ($keys keys): price:amazon:1..1000 (6h TTL),"
echo "price:ebay:1..1000 (no TTL), the hash user:42 and session:abc (90s TTL)."
echo "Every command below runs with REDIS_URL=$url."

step cachectl -o table get price:amazon:7 user:42 session:abc
step cachectl set greeting "hello from cachectl" --ttl 10m
step cachectl get greeting
step cachectl -o table ttl --pattern 'price:*'
step cachectl -o table ttl --pattern 'price:*' --only-persistent --set 1d --yes
step cachectl --json ttl price:ebay:1 price:amazon:1
note "Two products, each added to the tag set tag:products as it is written:"
step cachectl set product:1 '{"eur":9}' --ttl 1h --tag products
step cachectl set product:2 '{"eur":12}' --ttl 2h --tag products
step cachectl -o table tag-invalidate products --dry-run
step cachectl -o table tag-invalidate products --yes
step cachectl -o table scan-delete 'price:ebay:*' --dry-run --sample 3
step cachectl -o table scan-delete 'price:ebay:*' --yes
step cachectl -o table flush-prefix 'price:' --yes
printf '{"key":"config:app","value":{"theme":"dark","beta":true},"ttl":"1h"}\n{"key":"config:flags","type":"hash","value":{"search":"on"}}\n' > "$dir/seed.jsonl"
note "Two keys to load, as JSON lines in $dir/seed.jsonl:"
cat "$dir/seed.jsonl"
step cachectl -o table warm "$dir/seed.jsonl"
step cachectl remember report:daily --ttl 10m -- sh -c 'sleep 0.5; echo "expensive report, computed once"'
step cachectl remember report:daily --ttl 10m -- sh -c 'echo "not run: cached"'
step cachectl lock run nightly-import --ttl 5s -- sh -c 'echo "holding the lock with token $CACHECTL_LOCK_TOKEN (fencing $CACHECTL_FENCING_TOKEN)"'
step cachectl -o table ratelimit-test ratelimit:api:demo --algo sliding-log --limit 5 --window 10s --requests 8
step cachectl -o table ratelimit-test ratelimit:api:demo --inspect
step cachectl -o table stats --scan --top 3
step cachectl get no-such-key
cleanup
trap - EXIT
echo
if [[ -n "${TOUR_URL:-}" ]]; then
  echo "tour: done"
else
  echo "tour: done (the server on port $port is stopped)"
fi
