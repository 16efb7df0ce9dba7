#!/bin/sh
# Checks that a built libtaos.so exports every name TDengine's 3.4 dispatcher loads from its
# driver library (c-tests/driver_symbols.txt, from consumers.md §2.3) and every function
# declared in include/taos.h and include/taoserror.h, and that its SONAME is libtaos.so.1.
#
# usage: c-tests/check_symbols.sh [path/to/libtaos.so]   (default: target/release/libtaos.so)
# Prints one line per missing name, then "N passed, N failed"; exits 1 if anything failed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
lib=${1:-"${CARGO_TARGET_DIR:-$root/target}/release/libtaos.so"}
header="$root/include/taos.h"
list="$here/driver_symbols.txt"

if [ ! -f "$lib" ]; then
    echo "check_symbols: no library at $lib (build it first, or pass its path)" >&2
    exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Exported (defined, dynamic) function names of the library.
nm -D --defined-only "$lib" | awk '$2 == "T" || $2 == "W" || $2 == "i" { print $3 }' |
    sed 's/@.*//' | sort -u >"$tmp/exported"

# Driver list: one name per line, '#' comments.
grep -v '^[[:space:]]*#' "$list" | tr -s ' \t' '\n\n' | grep -v '^$' | sort -u >"$tmp/driver"

# Functions declared in the header: comments and preprocessor lines removed, the text split
# at ';', then the identifier right before the first '(' of each declaration that is not a
# typedef (cbindgen writes one prototype per declaration, possibly wrapped over lines).
cat "$header" "$root/include/taoserror.h" |
    perl -0777 -pe 's{/\*.*?\*/}{}gs; s{^[ \t]*#.*$}{}mg; s{extern "C" \{|\}[ \t]*//.*$}{}mg' |
    tr '\n' ' ' | tr ';' '\n' | grep -v 'typedef' | grep '(' |
    sed -E 's/\(.*//; s/[[:space:]]+$//; s/.*[^A-Za-z0-9_]([A-Za-z_][A-Za-z0-9_]*)$/\1/' |
    grep -E '^[A-Za-z_][A-Za-z0-9_]*$' | sort -u >"$tmp/declared"

passed=0
failed=0
check_list() { # $1 = file of names, $2 = label
    while read -r name; do
        if grep -qx "$name" "$tmp/exported"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "MISSING ($2): $name"
        fi
    done <"$1"
}
check_list "$tmp/driver" "driver list"
check_list "$tmp/declared" "headers"

soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
if [ "$soname" = "libtaos.so.1" ]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "WRONG SONAME: '${soname}' (expected libtaos.so.1)"
fi

echo "driver list: $(wc -l <"$tmp/driver") names; headers: $(wc -l <"$tmp/declared") functions"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
