#!/usr/bin/env bash
# `make bench`: builds the library and the dev server (release), builds benches/bench.c
# with -O2 against the library, starts the dev server on a free port and runs the
# benchmark against it. BENCH_ROWS (default 1000000) sets the size of the big result.
# See benches/README.md for what is measured and the figures recorded.
set -u
. "$(dirname "$0")/bench_env.sh"

bench_build bench || exit 1
bench_server --block-rows "${BENCH_BLOCK_ROWS:-4096}" || exit 1
echo "machine: $(nproc) cores, $(uname -m); dev server $DEVSERVER_ADDR, block rows ${BENCH_BLOCK_ROWS:-4096}"
"$BIN/bench" "$DEVSERVER_HOST" "$DEVSERVER_PORT"
