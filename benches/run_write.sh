#!/usr/bin/env bash
# `make bench-write`: builds the library and the dev server (release), builds
# benches/bench_sml.c and benches/bench_stmt.c with -O2 against the library, starts one
# dev server on a free port and runs both against it. BENCH_ROWS (default 1000000) sets
# the number of rows each part writes (BENCH_ROWS=20000 is a smoke run of seconds). The
# benchmarks get the dev server's pid (BENCH_SERVER_PID) to report its CPU time per row.
# See benches/README.md for what is measured and the figures recorded.
set -u
. "$(dirname "$0")/../c-tests/devserver.sh"

build_release || exit 1
BIN="$TARGET_DIR/benches"
mkdir -p "$BIN"
for b in bench_sml bench_stmt; do
  gcc -std=gnu11 -O2 -Wall -Wextra -I"$ROOT/include" -o "$BIN/$b" "$ROOT/benches/$b.c" \
    -L"$LIB_DIR" -ltaos -lpthread -Wl,-rpath,"$LIB_DIR" || exit 1
done

devserver_start || exit 1
trap devserver_stop EXIT
echo "machine: $(nproc) cores, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg); dev server $DEVSERVER_ADDR"
rc=0
BENCH_SERVER_PID="$DEVSERVER_PID" "$BIN/bench_sml" "$DEVSERVER_HOST" "$DEVSERVER_PORT" || rc=1
BENCH_SERVER_PID="$DEVSERVER_PID" "$BIN/bench_stmt" "$DEVSERVER_HOST" "$DEVSERVER_PORT" || rc=1
exit $rc
