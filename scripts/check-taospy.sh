#!/bin/sh
# Imports taospy 2.8.10 (PyPI) against the release libtaos.so (consumers.md §1.1): the import
# must succeed, select the v3 code path (client version "3.x"), and find every optional C
# function except the 2.x subscribe API (taos_subscribe/taos_consume/taos_unsubscribe), which
# a 3.x client does not export. Needs python3 with venv and PyPI; no server.
#
# usage: scripts/check-taospy.sh      (after: cargo build --release -p libtaos)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
lib="${CARGO_TARGET_DIR:-$root/target}/release"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir "$work/lib"
cp "$lib/libtaos.so" "$work/lib/libtaos.so"
ln -s libtaos.so "$work/lib/libtaos.so.1"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "taospy==2.8.10"

LD_LIBRARY_PATH="$work/lib" "$work/venv/bin/python" - <<'PY'
import taos
from taos import cinterface as c

assert c.IS_V3, "taospy did not select its v3 code path"
unsupported = set(getattr(c, "_UNSUPPORTED", {}) or {})
legacy = {"taos_subscribe", "taos_consume", "taos_unsubscribe"}
extra = sorted(unsupported - legacy)
print("taospy", taos.__version__ if hasattr(taos, "__version__") else "", "client", c.taos_get_client_info())
print("missing optional functions:", extra or "none (only the 2.x subscribe API)")
assert not extra, extra
PY
echo "taospy check passed"
