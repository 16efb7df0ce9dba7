#!/usr/bin/env bash
# `make quickstart`: builds the library and the dev server (release), starts the dev
# server on a free port, builds examples/quickstart.c with -ltaos and runs it against
# that server, then stops the server. Exit status is the program's.
set -u
. "$(dirname "$0")/../c-tests/devserver.sh"

build_release || exit 1
BIN="$TARGET_DIR/examples"
mkdir -p "$BIN"
cc_taos "$BIN/quickstart" "$ROOT/examples/quickstart.c" || exit 1

devserver_start || exit 1
trap devserver_stop EXIT
echo "dev server listening on $DEVSERVER_ADDR"
"$BIN/quickstart" "$DEVSERVER_HOST" "$DEVSERVER_PORT"
