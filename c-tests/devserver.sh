# shellcheck shell=bash
# Shared shell helpers for the scripts that need the project's dev server and the built
# library (c-tests/run.sh, examples/run-quickstart.sh, benches/run.sh). Source it; it
# defines no commands of its own.
#
#   ROOT        repository root (set by this file)
#   TARGET_DIR  cargo's target dir: $CARGO_TARGET_DIR, else $ROOT/target
#   LIB_DIR     $TARGET_DIR/release: libtaos.so (+ the libtaos.so.1 link) and taos-devserver
#
#   build_release            cargo build --release of the library and the dev server
#   devserver_start [args]   starts taos-devserver on 127.0.0.1:0 (a free port) with extra
#                            args; sets DEVSERVER_PID, DEVSERVER_ADDR, DEVSERVER_HOST,
#                            DEVSERVER_PORT, DEVSERVER_LOG; returns non-zero if it fails
#   devserver_stop           stops the server started above (only that process)
#   cc_taos OUT SRC...       compiles C sources against include/ and the built library

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
LIB_DIR="$TARGET_DIR/release"
DEVSERVER_PID=""

build_release() {
  (cd "$ROOT" && cargo build --release -p libtaos -p taos-devserver) || return 1
  link_soname
}

# Programs linked with -ltaos record NEEDED libtaos.so.1 (the library's SONAME), so the
# build directory needs that name too, as an installed client has it.
link_soname() {
  if [ -f "$LIB_DIR/libtaos.so" ]; then
    ln -sf libtaos.so "$LIB_DIR/libtaos.so.1"
  else
    echo "missing $LIB_DIR/libtaos.so (run: cargo build --release)" >&2
    return 1
  fi
}

devserver_start() {
  local bin="$LIB_DIR/taos-devserver"
  if [ ! -x "$bin" ]; then
    echo "missing $bin (run: cargo build --release -p taos-devserver)" >&2
    return 1
  fi
  DEVSERVER_LOG="$(mktemp "${TMPDIR:-/tmp}/taos-devserver.XXXXXX")"
  local out="$DEVSERVER_LOG.out"
  "$bin" --listen 127.0.0.1:0 "$@" >"$out" 2>"$DEVSERVER_LOG" &
  DEVSERVER_PID=$!
  # The first stdout line is the bound address; wait up to 10 s for it.
  local i
  for i in $(seq 1 100); do
    if [ -s "$out" ] && head -n1 "$out" | grep -q ':[0-9][0-9]*$'; then break; fi
    if ! kill -0 "$DEVSERVER_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  DEVSERVER_ADDR="$(head -n1 "$out" 2>/dev/null | tr -d '\r')"
  if ! printf '%s' "$DEVSERVER_ADDR" | grep -q ':[0-9][0-9]*$'; then
    echo "dev server did not report its address; log:" >&2
    cat "$DEVSERVER_LOG" >&2
    devserver_stop
    return 1
  fi
  DEVSERVER_HOST="${DEVSERVER_ADDR%:*}"
  DEVSERVER_PORT="${DEVSERVER_ADDR##*:}"
  return 0
}

devserver_stop() {
  if [ -n "$DEVSERVER_PID" ]; then
    kill "$DEVSERVER_PID" 2>/dev/null
    wait "$DEVSERVER_PID" 2>/dev/null
    DEVSERVER_PID=""
  fi
  if [ -n "${DEVSERVER_LOG:-}" ]; then rm -f "$DEVSERVER_LOG.out"; fi
}

# cc_taos OUT SRC... [extra gcc args]: a C program linked like a user's (-ltaos), with an
# rpath so it finds the library in the build directory.
cc_taos() {
  local out="$1"
  shift
  gcc -std=gnu11 -g -O1 -Wall -Wextra -Werror=implicit-function-declaration \
    -I"$ROOT/include" -I"$ROOT/c-tests" -o "$out" "$@" \
    -L"$LIB_DIR" -ltaos -lpthread -Wl,-rpath,"$LIB_DIR"
}
