#!/usr/bin/env bash
# `make bench-tmq`: builds the library and the dev server (release), builds
# benches/bench_tmq.c with -O2 against the library, starts the dev server on a free port
# and runs the subscription benchmark against it. BENCH_ROWS (default 1000000) sets the
# number of rows pre-inserted and consumed (BENCH_ROWS=20000 is a smoke run of seconds);
# BENCH_POLL_MS the poll timeout (default 500); BENCH_BLOCK_ROWS the dev server's
# --block-rows (default 4096, as benches/run.sh). The benchmark gets the dev server's pid
# (BENCH_SERVER_PID) to report its CPU time per row.
# See benches/README.md for what is measured and the figures recorded.
set -u
. "$(dirname "$0")/bench_env.sh"

bench_build bench_tmq || exit 1
bench_server --block-rows "${BENCH_BLOCK_ROWS:-4096}" || exit 1
echo "machine: $(nproc) cores, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg); dev server $DEVSERVER_ADDR, block rows ${BENCH_BLOCK_ROWS:-4096}"
BENCH_SERVER_PID="$DEVSERVER_PID" "$BIN/bench_tmq" "$DEVSERVER_HOST" "$DEVSERVER_PORT"
