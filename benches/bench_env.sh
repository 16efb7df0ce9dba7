# shellcheck shell=bash
# Shared by the benchmark scripts (benches/run.sh, run_write.sh, run_tmq.sh): builds the
# library, the dev server and the C benchmarks, and starts the dev server. Source it; it
# defines no commands of its own. On top of c-tests/devserver.sh (ROOT, TARGET_DIR,
# LIB_DIR, devserver_start, devserver_stop):
#
#   BIN                      $TARGET_DIR/benches: where the benchmark programs are built
#   bench_build NAME...      release build of the library and the dev server, then each
#                            benches/NAME.c (with bench_util.h) -O2 -ltaos into $BIN/NAME
#   bench_server [args]      starts the dev server on a free port with extra args and
#                            stops it when the script exits; returns non-zero on failure
. "$(dirname "${BASH_SOURCE[0]}")/../c-tests/devserver.sh"

BIN="$TARGET_DIR/benches"

bench_build() {
  build_release || return 1
  mkdir -p "$BIN"
  local b
  for b in "$@"; do
    gcc -std=gnu11 -O2 -Wall -Wextra -I"$ROOT/include" -o "$BIN/$b" "$ROOT/benches/$b.c" \
      -L"$LIB_DIR" -ltaos -lpthread -Wl,-rpath,"$LIB_DIR" || return 1
  done
}

bench_server() {
  devserver_start "$@" || return 1
  trap devserver_stop EXIT
}
