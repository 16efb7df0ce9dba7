#!/bin/sh
# Installs the release build into a temporary prefix with scripts/install.sh, then builds and
# runs a small C program with `pkg-config --cflags --libs taos` (shared) and once against
# libtaos.a (static). No server needed: the program only checks library-local behaviour.
#
# usage: scripts/test-install.sh        (after: cargo build --release -p libtaos)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

"$root/scripts/install.sh" "$prefix" >/dev/null
for f in lib/libtaos.so lib/libtaos.so.1 lib/libtaosws.so lib/libtaos.a include/taos.h \
    include/taoserror.h lib/pkgconfig/taos.pc; do
    [ -e "$prefix/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done

cat >"$work/hello.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <taos.h>
#include <taoserror.h>
int main(void) {
  const char *v = taos_get_client_info();
  if (v == NULL || strncmp(v, "3.", 2) != 0) { printf("bad client info\n"); return 1; }
  if (taos_stmt_init(NULL) != NULL || taos_errno(NULL) == 0) {
    printf("taos_stmt_init(NULL) should fail with an error code\n"); return 1;
  }
  tmq_conf_t *c = tmq_conf_new();
  int ok = tmq_conf_set(c, "group.id", "g1") == TMQ_CONF_OK &&
           tmq_conf_set(c, "no.such.key", "1") == TMQ_CONF_UNKNOWN;
  tmq_conf_destroy(c);
  if (!ok) { printf("tmq_conf_set results wrong\n"); return 1; }
  printf("ok %s\n", v);
  return 0;
}
C

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046
cc "$work/hello.c" $(pkg-config --cflags --libs taos) -o "$work/hello"
readelf -d "$work/hello" | grep -q 'NEEDED.*\[libtaos.so.1\]' || { echo "FAIL: NEEDED is not libtaos.so.1"; exit 1; }
LD_LIBRARY_PATH="$prefix/lib" "$work/hello"

# shellcheck disable=SC2046
cc "$work/hello.c" $(pkg-config --cflags taos) "$prefix/lib/libtaos.a" \
    $(pkg-config --static --libs-only-l taos | sed 's/-ltaos//') -o "$work/hello_static"
"$work/hello_static"
echo "install test passed"
