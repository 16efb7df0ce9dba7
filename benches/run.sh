#!/usr/bin/env bash
# `make bench`: builds the library and the dev server (release), builds benches/bench.c
# with -O2 against the library, starts the dev server on a free port and runs the
# benchmark against it. BENCH_ROWS (default 1000000) sets the size of the big result.
# See benches/README.md for what is measured and the figures recorded.
set -u
. "$(dirname "$0")/../c-tests/devserver.sh"

build_release || exit 1
BIN="$TARGET_DIR/benches"
mkdir -p "$BIN"
gcc -std=gnu11 -O2 -Wall -Wextra -I"$ROOT/include" -o "$BIN/bench" "$ROOT/benches/bench.c" \
  -L"$LIB_DIR" -ltaos -lpthread -Wl,-rpath,"$LIB_DIR" || exit 1

devserver_start --block-rows "${BENCH_BLOCK_ROWS:-4096}" || exit 1
trap devserver_stop EXIT
echo "machine: $(nproc) cores, $(uname -m); dev server $DEVSERVER_ADDR, block rows ${BENCH_BLOCK_ROWS:-4096}"
"$BIN/bench" "$DEVSERVER_HOST" "$DEVSERVER_PORT"
