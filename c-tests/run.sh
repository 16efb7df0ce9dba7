#!/usr/bin/env bash
# The C test suite: compiles every c-tests/*.c (test_*.c, core_*.c, ...) against include/
# and the built library, starts one dev server for the suite (--block-rows 4096), runs
# each program with TAOS_TEST_HOST / TAOS_TEST_PORT, then runs c-tests/check_symbols.sh if
# present. Ends with "N passed, N failed"; exits non-zero on any failure.
#
# usage: c-tests/run.sh [--valgrind] [--no-build] [name ...]
#   --valgrind   run each program under valgrind (definite leaks and invalid accesses
#                fail the test; row counts scaled down with TAOS_TEST_SCALE)
#   --no-build   do not run cargo build first
#   name         run only these tests (e.g. test_types)
set -u
. "$(dirname "$0")/devserver.sh"

VALGRIND=0
BUILD=1
ONLY=()
for a in "$@"; do
  case "$a" in
    --valgrind) VALGRIND=1 ;;
    --no-build) BUILD=0 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) ONLY+=("${a%.c}") ;;
  esac
done

BLOCK_ROWS=4096
if [ "$VALGRIND" = 1 ]; then
  LABEL="C suite (valgrind)"
  TIMEOUT=900
  export TAOS_TEST_SCALE="${TAOS_TEST_SCALE:-2}"
else
  LABEL="C suite"
  TIMEOUT=300
fi

if [ "$BUILD" = 1 ]; then
  build_release || { echo "$LABEL: build failed"; echo "0 passed, 1 failed"; exit 1; }
else
  link_soname || { echo "0 passed, 1 failed"; exit 1; }
fi

BIN_DIR="$TARGET_DIR/c-tests"
mkdir -p "$BIN_DIR"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/c-tests.XXXXXX")"
PASSED=0
FAILED=0
FAILED_NAMES=()

pass() { PASSED=$((PASSED + 1)); printf 'PASS %-28s %s\n' "$1" "$2"; }
fail() {
  FAILED=$((FAILED + 1))
  FAILED_NAMES+=("$1")
  printf 'FAIL %-28s %s\n' "$1" "$2"
  if [ -n "${3:-}" ] && [ -f "$3" ]; then sed 's/^/    | /' "$3" | tail -n 60; fi
}

selected() {
  [ "${#ONLY[@]}" -eq 0 ] && return 0
  local n
  for n in "${ONLY[@]}"; do [ "$n" = "$1" ] && return 0; done
  return 1
}

cleanup() { devserver_stop; rm -rf "$LOG_DIR"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! devserver_start --block-rows "$BLOCK_ROWS"; then
  echo "$LABEL: cannot start the dev server"
  echo "0 passed, 1 failed"
  exit 1
fi
export TAOS_TEST_HOST="$DEVSERVER_HOST" TAOS_TEST_PORT="$DEVSERVER_PORT" TAOS_TEST_BLOCK_ROWS="$BLOCK_ROWS"
# Tests that need a server of their own (e.g. to kill it) start this binary.
export TAOS_TEST_DEVSERVER="$LIB_DIR/taos-devserver"
echo "$LABEL: dev server at $DEVSERVER_ADDR (pid $DEVSERVER_PID), library $LIB_DIR/libtaos.so"

VG=()
if [ "$VALGRIND" = 1 ]; then
  command -v valgrind >/dev/null || { echo "valgrind not installed"; echo "0 passed, 1 failed"; exit 1; }
  VG=(valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
      --show-leak-kinds=definite --suppressions="$ROOT/c-tests/valgrind.supp" --num-callers=30)
fi

for src in "$ROOT"/c-tests/*.c; do
  name="$(basename "$src" .c)"
  selected "$name" || continue
  log="$LOG_DIR/$name.log"
  if ! cc_taos "$BIN_DIR/$name" "$src" >"$log" 2>&1; then
    fail "$name" "(does not compile)" "$log"
    continue
  fi
  start=$(date +%s.%N)
  timeout --kill-after=10 "$TIMEOUT" "${VG[@]}" "$BIN_DIR/$name" >"$log" 2>&1
  rc=$?
  secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1fs", e - s }')
  if [ "$rc" = 0 ]; then
    pass "$name" "($secs)"
  elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    fail "$name" "(timed out after ${TIMEOUT}s)" "$log"
  elif [ "$rc" = 99 ]; then
    fail "$name" "(valgrind errors, $secs)" "$log"
  else
    fail "$name" "(exit $rc, $secs)" "$log"
  fi
  if ! kill -0 "$DEVSERVER_PID" 2>/dev/null; then
    echo "dev server died during $name; its log:"
    tail -n 40 "$DEVSERVER_LOG"
    devserver_start --block-rows "$BLOCK_ROWS" || break
    export TAOS_TEST_HOST="$DEVSERVER_HOST" TAOS_TEST_PORT="$DEVSERVER_PORT"
  fi
done

# The export check needs no server and is the same with or without valgrind.
if [ "$VALGRIND" = 0 ] && [ -f "$ROOT/c-tests/check_symbols.sh" ] && selected check_symbols; then
  log="$LOG_DIR/check_symbols.log"
  if (cd "$ROOT" && LIB_DIR="$LIB_DIR" TARGET_DIR="$TARGET_DIR" bash c-tests/check_symbols.sh "$LIB_DIR/libtaos.so") >"$log" 2>&1; then
    pass check_symbols.sh "$(tail -n1 "$log")"
  else
    fail check_symbols.sh "" "$log"
  fi
fi

echo "$LABEL: $PASSED passed, $FAILED failed${FAILED_NAMES[*]:+ (${FAILED_NAMES[*]})}"
[ "$FAILED" = 0 ]
