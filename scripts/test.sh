#!/usr/bin/env bash
# The whole test suite: unit tests and black-box tests against real redis-server
# processes (standalone, password, ACL, TLS, 3-primary cluster) that the tests
# start on free loopback ports and stop again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-redis.sh
cargo test --locked "$@"
