#!/usr/bin/env bash
# The integration suite against every server build of the matrix that can be
# had here (scripts/fetch-servers.sh): Redis 6.0, 6.2, 8.x, Valkey 8 and 9.
# The system's redis-server (7.0 on Debian 12) is what scripts/test.sh uses.
# A build that cannot be fetched or run is named as skipped, never left out
# silently. Extra arguments go to cargo test (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-redis.sh
cargo test --locked --test it --no-run
servers=$(scripts/fetch-servers.sh)
failed=()
while read -r name bin; do
  [[ -n "$name" && "$name" != redis-system ]] || continue
  echo "=== $name: $("$bin" --version)"
  if ! REDIS_SERVER_BIN="$bin" cargo test --locked --test it "$@"; then
    failed+=("$name")
  fi
done <<<"$servers"
for want in redis-6.0 redis-6.2 redis-8 valkey-8 valkey-9; do
  grep -q "^$want " <<<"$servers" || echo "test-matrix: NOTICE: $want was skipped (not available here)" >&2
done
if ((${#failed[@]})); then
  echo "test-matrix: failed on ${failed[*]}" >&2
  exit 1
fi
echo "test-matrix: passed on $(awk '$1 != "redis-system" {printf "%s ", $1}' <<<"$servers")"
