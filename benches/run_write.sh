#!/usr/bin/env bash
# `make bench-write`: builds the library and the dev server (release), builds
# benches/bench_sml.c and benches/bench_stmt.c with -O2 against the library, starts one
# dev server on a free port and runs both against it. BENCH_ROWS (default 1000000) sets
# the number of rows each part writes (BENCH_ROWS=20000 is a smoke run of seconds). The
# benchmarks get the dev server's pid (BENCH_SERVER_PID) to report its CPU time per row.
# See benches/README.md for what is measured and the figures recorded.
set -u
. "$(dirname "$0")/bench_env.sh"

bench_build bench_sml bench_stmt || exit 1
bench_server || exit 1
echo "machine: $(nproc) cores, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg); dev server $DEVSERVER_ADDR"
rc=0
BENCH_SERVER_PID="$DEVSERVER_PID" "$BIN/bench_sml" "$DEVSERVER_HOST" "$DEVSERVER_PORT" || rc=1
BENCH_SERVER_PID="$DEVSERVER_PID" "$BIN/bench_stmt" "$DEVSERVER_HOST" "$DEVSERVER_PORT" || rc=1
exit $rc
