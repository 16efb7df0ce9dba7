#!/usr/bin/env bash
# Dev server fidelity: the official TDengine clients (Rust `taos` crate in WebSocket mode, Go
# driver-go taosWS/taosRestful, Python `taos-ws-py`) drive our dev server. Where they disagree,
# the dev server is wrong.
#
# Usage: tests/conformance/run.sh          (from anywhere; builds what is missing)
# Env:   CARGO_TARGET_DIR (default <repo>/target); SKIP_PYTHON=1 / SKIP_GO=1 skip those suites.
# Ends with "N passed, N failed" and exits non-zero if anything failed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET" in /*) ;; *) TARGET=$PWD/$TARGET ;; esac  # the suites cd around
export CARGO_TARGET_DIR=$TARGET
# Pinned versions of the official clients (see README.md).
TAOS_WS_PY_VERSION=0.7.0
TAOSPY_VERSION=2.8.10   # for its `taosrest` module (REST client, no libtaos needed)
PYTEST_VERSION=8.3.5

# Toolchains installed outside a non-login PATH (the Go tarball, rustup).
for d in /usr/local/go/bin "${HOME:-/root}/go/bin" "${HOME:-/root}/.cargo/bin"; do
    case ":$PATH:" in *":$d:"*) ;; *) [ -d "$d" ] && PATH=$PATH:$d ;; esac
done
export PATH

PASSED=0
FAILED=0
LOG_DIR=$(mktemp -d)
SERVER_PID=""

cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
    rm -rf "$LOG_DIR"
}
trap cleanup EXIT

note() { echo "== conformance: $*"; }

# Adds the pass/fail counts of one runner's log to the totals.
count_cargo() {  # cargo test: "test result: ok. 7 passed; 1 failed; ..."
    local p f
    p=$(grep -E '^test result:' "$1" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s+=$1} END {print s+0}')
    f=$(grep -E '^test result:' "$1" | sed -E 's/.* ([0-9]+) failed.*/\1/' | awk '{s+=$1} END {print s+0}')
    PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0}))
}
count_pytest() {  # pytest: "=== 5 passed, 1 failed in 0.3s ===" (also "error")
    local last p f e
    last=$(grep -E '[0-9]+ (passed|failed|error)' "$1" | tail -n1)
    p=$(echo "$last" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
    f=$(echo "$last" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
    e=$(echo "$last" | grep -oE '[0-9]+ errors?' | grep -oE '[0-9]+')
    PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0} + ${e:-0}))
}

# 1. The dev server binary.
DEVSERVER=$TARGET/release/taos-devserver
if [ ! -x "$DEVSERVER" ]; then
    note "building taos-devserver"
    (cd "$ROOT" && cargo build --release -p taos-devserver) || { echo "0 passed, 1 failed"; exit 1; }
fi

# 2. Start it on a free port with small blocks, so every multi-row query spans several blocks.
"$DEVSERVER" --listen 127.0.0.1:0 --block-rows 100 >"$LOG_DIR/server.out" 2>"$LOG_DIR/server.err" &
SERVER_PID=$!
ADDR=""
for _ in $(seq 1 300); do
    ADDR=$(head -n1 "$LOG_DIR/server.out" 2>/dev/null | tr -d '\r\n')
    [ -n "$ADDR" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$ADDR" ]; then
    echo "dev server did not print its address"; cat "$LOG_DIR/server.err"
    echo "0 passed, 1 failed"; exit 1
fi
export TAOS_DEVSERVER_ADDR=$ADDR
note "dev server at $ADDR (pid $SERVER_PID)"

# 3. Rust: the official `taos` crate (WebSocket feature), separate cargo project with its own Cargo.lock.
note "Rust taos crate (ws)"
(cd "$HERE/rust" && cargo test --locked --no-fail-fast -- --test-threads=4) 2>&1 | tee "$LOG_DIR/rust.log"
if ! grep -qE '^test result:' "$LOG_DIR/rust.log"; then FAILED=$((FAILED + 1)); fi
count_cargo "$LOG_DIR/rust.log"

# 4. Go: driver-go's pure-Go clients of taosAdapter (taosWS over WebSocket, taosRestful over
#    REST), pinned in go/go.mod + go.sum, no cgo.
if [ "${SKIP_GO:-0}" != 1 ]; then
    note "Go driver-go taosWS + taosRestful"
    (cd "$HERE/go" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly go test -count=1 -v -timeout 300s .) 2>&1 | tee "$LOG_DIR/go.log"
    p=$(grep -cE '^--- PASS' "$LOG_DIR/go.log"); f=$(grep -cE '^--- FAIL' "$LOG_DIR/go.log")
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
    grep -qE '^(ok|FAIL|PASS)' "$LOG_DIR/go.log" || FAILED=$((FAILED + 1))
fi

# 5. Python: taos-ws-py (module taosws) in a venv under the target dir.
if [ "${SKIP_PYTHON:-0}" != 1 ]; then
    VENV=$TARGET/conformance-venv
    if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
    if "$VENV/bin/pip" install -q "taos-ws-py==$TAOS_WS_PY_VERSION" "taospy==$TAOSPY_VERSION" "pytest==$PYTEST_VERSION"; then
        note "Python taos-ws-py $TAOS_WS_PY_VERSION (WebSocket) + taosrest from taospy $TAOSPY_VERSION (REST)"
        (cd "$HERE/python" && "$VENV/bin/python" -m pytest -q -p no:cacheprovider .) 2>&1 | tee "$LOG_DIR/py.log"
        count_pytest "$LOG_DIR/py.log"
    else
        # Optional by design: the Rust and Go suites still decide.
        note "SKIPPED: taos-ws-py $TAOS_WS_PY_VERSION / taospy $TAOSPY_VERSION did not install from PyPI"
    fi
fi

if [ -s "$LOG_DIR/server.err" ]; then note "dev server stderr (tail):"; tail -n 20 "$LOG_DIR/server.err"; fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
