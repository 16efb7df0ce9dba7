#!/bin/sh
# Installs a release build of libtaos-rs under PREFIX (default /usr/local):
#   lib/libtaos.so.<version>, lib/libtaos.so.1 -> it, lib/libtaos.so -> libtaos.so.1,
#   lib/libtaosws.so (the same library, the name TDengine 3.3.6+'s dispatcher dlopens),
#   lib/libtaos.a, include/taos.h, include/taoserror.h, lib/pkgconfig/taos.pc.
#
# usage: scripts/install.sh [PREFIX]
# env:   TARGET_DIR  build output holding release/ (default: $CARGO_TARGET_DIR or ./target)
#        VERSION     version in the file name and taos.pc (default: the crate's version)
#        DESTDIR     staging root prepended to PREFIX (for packaging)
# Build first: cargo build --release -p libtaos
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${1:-/usr/local}
target=${TARGET_DIR:-${CARGO_TARGET_DIR:-$root/target}}
release="$target/release"
version=${VERSION:-$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)}
dest="${DESTDIR:-}$prefix"

for f in "$release/libtaos.so" "$release/libtaos.a" "$root/include/taos.h" "$root/include/taoserror.h"; do
    if [ ! -f "$f" ]; then
        echo "install.sh: missing $f (run: cargo build --release -p libtaos)" >&2
        exit 1
    fi
done
if [ -z "$version" ]; then
    echo "install.sh: cannot read the version from Cargo.toml; set VERSION" >&2
    exit 1
fi

install -d "$dest/lib" "$dest/lib/pkgconfig" "$dest/include"

install -m 0755 "$release/libtaos.so" "$dest/lib/libtaos.so.$version"
ln -sf "libtaos.so.$version" "$dest/lib/libtaos.so.1"
ln -sf "libtaos.so.1" "$dest/lib/libtaos.so"
# A separate file (not a link): the official dispatcher libtaos.so may own the libtaos names
# in the same directory while loading this library as libtaosws.so.
install -m 0755 "$release/libtaos.so" "$dest/lib/libtaosws.so"
install -m 0644 "$release/libtaos.a" "$dest/lib/libtaos.a"

install -m 0644 "$root/include/taos.h" "$dest/include/taos.h"
install -m 0644 "$root/include/taoserror.h" "$dest/include/taoserror.h"

sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" "$root/taos.pc.in" >"$dest/lib/pkgconfig/taos.pc"
chmod 0644 "$dest/lib/pkgconfig/taos.pc"

echo "installed libtaos $version into $dest"
