#!/usr/bin/env bash
# Drop-in proof: the official TDengine clients, unmodified from their registries, load OUR
# libtaos.so (and compile against OUR include/taos.h) and talk to the dev server through it.
#   python  taospy (PyPI, ctypes)            tests/consumers/python
#   go      driver-go v3 (Go proxy, cgo)      tests/consumers/go
#   rust    `taos` crate, native mode (optin) tests/consumers/rust-native
#   c       documented-style C programs built with plain gcc against the INSTALLED layout
#           (scripts/install.sh), the NEEDED entry, dlopen as libtaosws.so   tests/consumers/c
#
# Usage: tests/consumers/run.sh [python] [go] [go-upstream] [rust] [c]     (default: all)
# Env:   CARGO_TARGET_DIR (default <repo>/target); the library is $CARGO_TARGET_DIR/release/libtaos.so.
# Ends with "N passed, N failed" and exits non-zero if anything failed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET" in /*) ;; *) TARGET=$PWD/$TARGET ;; esac  # the suites cd around
export CARGO_TARGET_DIR=$TARGET
LIB=$TARGET/release
INC=$ROOT/include
# Pinned consumer versions (driver-go's is pinned in go/go.mod + go.sum, the crate's in Cargo.lock).
TAOSPY_VERSION=2.8.10
PYTEST_VERSION=8.3.5
TAOS_WS_PY_VERSION=0.7.0   # official WebSocket client, the other side of python/test_cross_official.py

SUITES=("$@")
[ ${#SUITES[@]} -eq 0 ] && SUITES=(python go go-upstream rust c)
want() { local s; for s in "${SUITES[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

# Toolchains installed outside a non-login PATH (the Go tarball, rustup).
for d in /usr/local/go/bin "${HOME:-/root}/go/bin" "${HOME:-/root}/.cargo/bin"; do
    case ":$PATH:" in *":$d:"*) ;; *) [ -d "$d" ] && PATH=$PATH:$d ;; esac
done
export PATH

PASSED=0
FAILED=0
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
note() { echo "== consumers: $*"; }
fail_suite() { note "FAILED: $*"; FAILED=$((FAILED + 1)); }

# 1. Our library and the dev server.
if [ ! -f "$LIB/libtaos.so" ] || [ ! -x "$LIB/taos-devserver" ]; then
    note "building libtaos.so and taos-devserver (release)"
    (cd "$ROOT" && cargo build --release -p libtaos -p taos-devserver) || { echo "0 passed, 1 failed"; exit 1; }
fi
# Real installs ship libtaos.so.1 (the SONAME) next to libtaos.so.
[ -e "$LIB/libtaos.so.1" ] || ln -sf libtaos.so "$LIB/libtaos.so.1"
export LD_LIBRARY_PATH=$LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

"$LIB/taos-devserver" --listen 127.0.0.1:0 --block-rows 100 >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
ADDR=""
for _ in $(seq 1 300); do
    ADDR=$(head -n1 "$WORK/server.out" 2>/dev/null | tr -d '\r\n')
    [ -n "$ADDR" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$ADDR" ]; then
    echo "dev server did not print its address"; cat "$WORK/server.err"; echo "0 passed, 1 failed"; exit 1
fi
export TAOS_DEVSERVER_ADDR=$ADDR
note "dev server at $ADDR (pid $SERVER_PID)"

# 2. Our library's configuration, so that connects with no host/port (taos.connect(),
#    TaosConnect("", ..., 0)) reach the dev server: a taos.cfg as real installs have one.
mkdir -p "$WORK/cfg"
cat >"$WORK/cfg/taos.cfg" <<EOF
# written by tests/consumers/run.sh
firstEp      localhost:6030
adapterList  $ADDR
EOF
export TAOS_CONFIG_DIR=$WORK/cfg

# 3. Python: taospy from PyPI in a venv under the target dir.
if want python; then
    VENV=$TARGET/consumers-venv
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    if "$VENV/bin/pip" install -q "taospy==$TAOSPY_VERSION" "taos-ws-py==$TAOS_WS_PY_VERSION" "pytest==$PYTEST_VERSION"; then
        note "Python taospy $TAOSPY_VERSION"
        # TZ=UTC: taospy renders TIMESTAMP as naive local datetimes.
        (cd "$HERE/python" && TZ=UTC "$VENV/bin/python" -m pytest -q -p no:cacheprovider .) 2>&1 | tee "$WORK/py.log"
        last=$(grep -E '[0-9]+ (passed|failed|errors?)' "$WORK/py.log" | tail -n1)
        p=$(echo "$last" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
        f=$(echo "$last" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
        e=$(echo "$last" | grep -oE '[0-9]+ errors?' | grep -oE '[0-9]+')
        PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0} + ${e:-0}))
        [ -z "$last" ] && fail_suite "pytest produced no summary (import of taos failed?)"
    else
        fail_suite "pip install taospy==$TAOSPY_VERSION"
    fi
fi

# 4. Go: driver-go v3 via the Go module proxy, cgo against our header and library.
if want go; then
    note "Go driver-go (cgo, taosSql / af / wrapper)"
    export CGO_ENABLED=1 CGO_CFLAGS="-I$INC" CGO_LDFLAGS="-L$LIB" GOTOOLCHAIN=local GOFLAGS=-mod=readonly
    (
        cd "$HERE/go" || exit 1
        # Compile the test binary first: every wrapped C function must exist in taos.h with the
        # right types (cgo type-checks) and in libtaos.so (the link resolves all of them).
        go test -c -o "$WORK/consumers.test" . 2>&1 | tee "$WORK/go-build.log"
        [ "${PIPESTATUS[0]}" -eq 0 ] || exit 2
        # Symbols the binary needs from libtaos that our library does not define.
        nm -D --undefined-only "$WORK/consumers.test" | awk '{print $2}' | grep -E '^(taos|tmq)_' | sort -u >"$WORK/go-needs.txt"
        nm -D --defined-only "$LIB/libtaos.so" | awk '{print $3}' | sort -u >"$WORK/lib-has.txt"
        missing=$(comm -23 "$WORK/go-needs.txt" "$WORK/lib-has.txt")
        echo "driver-go binary needs $(wc -l <"$WORK/go-needs.txt") taos_/tmq_ symbols; missing from libtaos.so: ${missing:-none}"
        "$WORK/consumers.test" -test.v -test.count=1 -test.timeout=300s 2>&1
    ) | tee "$WORK/go.log"
    p=$(grep -cE '^--- PASS' "$WORK/go.log"); f=$(grep -cE '^--- FAIL' "$WORK/go.log")
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
    if ! grep -qE '^(PASS|FAIL)$' "$WORK/go.log"; then fail_suite "Go test binary did not build or crashed (see above)"; fi
fi

# 4b. driver-go's OWN tests (shipped in the module), built against our header and library: the
#     packages that need no server, plus the server-backed tests of the query path that the
#     dev server can serve, incl. stmt/stmt2/schemaless and TMQ (DECIMAL/BLOB, SHOW USERS/GRANTS,
#     perf_connections are dev-server gaps; see FINDINGS.md).
if want go-upstream; then
    note "driver-go v3 upstream tests"
    export CGO_ENABLED=1 CGO_CFLAGS="-I$INC" CGO_LDFLAGS="-L$LIB" GOTOOLCHAIN=local GOFLAGS=-mod=readonly
    UP=$WORK/driver-go
    (
        set -e
        (cd "$HERE/go" && go mod download github.com/taosdata/driver-go/v3)
        src=$(cd "$HERE/go" && go list -m -f '{{.Dir}}' github.com/taosdata/driver-go/v3)
        [ -n "$src" ] && [ -d "$src" ]
        cp -r "$src" "$UP" && chmod -R u+w "$UP"
        cd "$UP"
        go test -count=1 -v ./common ./common/param ./common/pointer ./common/serializer ./common/stmt \
            ./common/tdversion ./common/tmq ./errors ./types ./af/locker ./af/async ./wrapper/cgo \
            ./wrapper/handler ./wrapper/thread
        export TD_3360_TEST=1
        go test -count=1 -v -timeout 300s ./wrapper -run '^(TestReadBlock_3360|TestFetchLengths|TestRowsHeader_TypeDatabaseName|TestRowsHeader_ScanType|TestFetchRowJSON|TestTaosQueryA|TestError|TestAffectedRows|TestTaosGetClientInfo|TestTaosGetCurrentDB|TestTaosGetServerInfo|TestSetConfig|TestTaosResetCurrentDB|TestTaosLoadTableInfo|TestTaosSetConnMode)$'
        # stmt / stmt2 / schemaless through the wrapper (the failing ones are listed in FINDINGS.md).
        go test -count=1 -v -timeout 300s ./wrapper -run '^(TestSchemalessTelnet|TestSchemalessInfluxDB|TestSchemalessRawTelnet|TestSchemalessRawInfluxDB|TestTaosSchemalessInsertRawWithReqID|TestTaosSchemalessInsertWithReqID|TestTaosSchemalessInsertTTL|TestTaosSchemalessInsertTTLWithReqID|TestTaosSchemalessInsertRawTTL|TestTaosSchemalessInsertRawTTLWithReqID|TestTaosSchemalessInsertRawTTLWithReqIDTBNameKey|TestStmt2BindData|TestStmt2BindMultiTables|TestTaosStmt2GetStbFields|TestWrongParseStmt2StbFields|TestStmt2BindError|TestStmt|TestStmtExec|TestStmtQuery|TestTaosStmtGetParam)$'
        # Re-enabled after FINDINGS.md 5, 6, D1, D2 were fixed (2026-11-24).
        go test -count=1 -v -timeout 300s ./wrapper -run '^(TestStmt2Query|TestStmt2QueryBytes|TestStmt2QueryAllType|TestStmt2QueryAllTypeBytes|TestStmt2BindBinary|TestStmt2BindTbnameAsValue|TestStmt2AllType|TestStmt2AllTypeBytes|TestTaosStmt2BindBinaryParse|TestTaosStmtSetTags|TestStmtJson|TestStmt2Json)$'
        # TMQ: the consumer tests that do not hardcode td.connect.ip/port 127.0.0.1:6030 and do not
        # need a `vgroups 1` database (FINDINGS.md, TMQ section).
        go test -count=1 -v -timeout 120s ./af/tmq -run '^(TestConfig|TestList|Test_tmqError|TestTimezone)$'
        go test -count=1 -v -timeout 300s ./wrapper -run '^(TestTMQ|TestTMQList|TestTMQDB|TestTMQDBMultiTable|TestTMQDBMultiInsert|TestTMQAutoCreateTable|TestTMQModify)$'
        # Re-enabled after D3 (VGROUPS n) and finding 4 (taos_get_tables_vgId) were fixed (2026-11-24).
        go test -count=1 -v -timeout 300s ./wrapper -run '^(TestTaosGetTablesVgID|TestTMQGetTopicAssignment|TestTMQPosition|TestTMQCommitOffset|TestTMQCommitOffsetAsync|TestTMQCommitAsyncCallback)$'
        # Alone: it points the process at /etc/taos, after which host-less connects cannot find the dev server.
        go test -count=1 -v -timeout 60s ./wrapper -run '^TestTaosOptions$'
        go test -count=1 -v -timeout 300s ./taosSql -run '^(TestTaosConn_ExecContext|TestWrongReqID|TestTimezone|TestEmptyQuery|TestErrorQuery)$'
        go test -count=1 -v -timeout 300s ./af -run '^(TestOpen|TestQuery|TestConnector_ExecWithReqID|TestConnector_QueryWithReqID|TestNewConnector|TestSelectDB|TestOpenTSDBInsertJsonPayloadWrong|TestStmtExec|TestFastInsert|TestFastInsertWithSetTableNameTag|TestInfluxDBInsertLines|TestOpenTSDBInsertTelnetLines|TestOpenTSDBInsertJsonPayload|TestConnector_StmtExecuteWithReqID|TestConnector_InsertStmtWithReqID|TestInfluxDBInsertLinesWithReqID|TestOpenTSDBInsertTelnetLinesWithReqID|TestOpenTSDBInsertJsonPayloadWithReqID|TestNewStmt2|TestStmt2CallBackCallerPool|TestStmt2_3360|TestStmt2Timezone|TestNewStmt|TestFastInsertWithSetTableName|TestFastInsertWithSetSubTableName)$'
    ) 2>&1 | tee "$WORK/go-up.log"
    p=$(grep -cE '^--- PASS' "$WORK/go-up.log"); f=$(grep -cE '^--- FAIL' "$WORK/go-up.log")
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
    if grep -qE '^(FAIL|panic:)' "$WORK/go-up.log" && [ "$f" -eq 0 ]; then fail_suite "driver-go upstream tests did not build or crashed"; fi
fi

# 5. Rust: the official `taos` crate in native mode, dlopening our libtaos.so.
if want rust; then
    note "Rust taos crate (native, taos-optin)"
    (cd "$HERE/rust-native" && TAOS_LIBRARY_PATH=$LIB/libtaos.so cargo test --locked --no-fail-fast -- --test-threads=4) 2>&1 | tee "$WORK/rust.log"
    p=$(grep -E '^test result:' "$WORK/rust.log" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s+=$1} END {print s+0}')
    f=$(grep -E '^test result:' "$WORK/rust.log" | sed -E 's/.* ([0-9]+) failed.*/\1/' | awk '{s+=$1} END {print s+0}')
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
    grep -qE '^test result:' "$WORK/rust.log" || fail_suite "Rust native tests did not build or crashed"
fi

# 6. C: what a C developer does with an installed client: `gcc prog.c -ltaos` against
#    <prefix>/include + <prefix>/lib (scripts/install.sh), run against the installed library; and
#    the library loaded under the name libtaosws.so with every dispatcher entry point resolved.
if want c; then
    note "C programs against the installed layout"
    PREFIX=$WORK/prefix
    c_ok() { note "PASS: $*"; PASSED=$((PASSED + 1)); }
    if TARGET_DIR=$TARGET sh "$ROOT/scripts/install.sh" "$PREFIX" >"$WORK/install.log" 2>&1; then
        c_ok "scripts/install.sh $PREFIX"
        if gcc -Wall -Werror -I"$PREFIX/include" "$HERE/c/doc_basic.c" -L"$PREFIX/lib" -ltaos -o "$WORK/doc_basic"; then
            c_ok "gcc doc_basic.c -ltaos"
            # (outputs go to files first: `grep -q` closing a pipe early trips pipefail)
            readelf -d "$WORK/doc_basic" >"$WORK/readelf.txt" 2>&1
            if grep -q 'NEEDED.*\[libtaos\.so\.1\]' "$WORK/readelf.txt"; then
                c_ok "doc_basic records libtaos.so.1 in NEEDED"
            else
                fail_suite "doc_basic does not record libtaos.so.1 in NEEDED"; cat "$WORK/readelf.txt"
            fi
            # Only the installed directory on the loader path: the binary must run from the install.
            LD_LIBRARY_PATH=$PREFIX/lib timeout 120 "$WORK/doc_basic" >"$WORK/doc.log" 2>&1
            rc=$?
            cat "$WORK/doc.log"
            LD_LIBRARY_PATH=$PREFIX/lib ldd "$WORK/doc_basic" >"$WORK/ldd.txt" 2>&1
            if grep -q "libtaos.so.1 => $PREFIX/lib/" "$WORK/ldd.txt"; then
                c_ok "doc_basic resolves libtaos.so.1 from the install prefix"
            else
                fail_suite "doc_basic does not load the installed libtaos.so.1"; cat "$WORK/ldd.txt"
            fi
            # One pass per completed step; every failed check (a "FAIL file:line" line) counts.
            PASSED=$((PASSED + $(grep -c '^ok ' "$WORK/doc.log")))
            FAILED=$((FAILED + $(grep -c '^FAIL ' "$WORK/doc.log")))
            [ "$rc" -eq 0 ] || fail_suite "doc_basic exited $rc"
        else
            fail_suite "gcc doc_basic.c against the installed layout"
        fi
    else
        cat "$WORK/install.log"; fail_suite "scripts/install.sh"
    fi
    mkdir -p "$WORK/wsname"
    cp "$LIB/libtaos.so" "$WORK/wsname/libtaosws.so"
    if gcc -Wall -Werror "$HERE/c/dlopen_taosws.c" -ldl -o "$WORK/dlopen_taosws" &&
        "$WORK/dlopen_taosws" "$WORK/wsname/libtaosws.so" "$ROOT/c-tests/driver_symbols.txt"; then
        c_ok "dlopen libtaosws.so + dlsym of every name in c-tests/driver_symbols.txt"
    else
        fail_suite "dlopen libtaosws.so / dlsym of c-tests/driver_symbols.txt"
    fi
fi

if [ -s "$WORK/server.err" ]; then note "dev server stderr (tail):"; tail -n 20 "$WORK/server.err"; fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
