#!/bin/sh
# Builds TDengine's Go driver (driver-go v3, cgo) against include/taos.h and the release
# libtaos.so (consumers.md §3): the header must declare, and the library export, every
# function driver-go links (118). Then runs driver-go's offline package tests. Needs Go and
# the Go module proxy; no server.
#
# usage: scripts/check-driver-go.sh      (after: cargo build --release -p libtaos)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
lib="${CARGO_TARGET_DIR:-$root/target}/release"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir "$work/lib"
cp "$lib/libtaos.so" "$work/lib/libtaos.so"
ln -s libtaos.so "$work/lib/libtaos.so.1"

export GOFLAGS=-mod=mod CGO_ENABLED=1 CGO_CFLAGS="-I$root/include" CGO_LDFLAGS="-L$work/lib"
export LD_LIBRARY_PATH="$work/lib"
cd "$work"
go mod init example.com/gocheck >/dev/null 2>&1
cat >main.go <<'GO'
package main

import (
	"database/sql"
	"fmt"

	_ "github.com/taosdata/driver-go/v3/af"
	_ "github.com/taosdata/driver-go/v3/af/tmq"
	_ "github.com/taosdata/driver-go/v3/taosSql"
)

func main() { fmt.Println(sql.Drivers()) }
GO
go get github.com/taosdata/driver-go/v3@v3.7.8 >/dev/null 2>&1
go mod tidy >/dev/null 2>&1
go build -o gocheck .
n=$(nm -D --undefined-only ./gocheck | grep -c -E ' (taos|tmq)_')
echo "driver-go links $n taos_/tmq_ functions (expected 118)"
[ "$n" -eq 118 ]
./gocheck

dir=$(go list -m -f '{{.Dir}}' github.com/taosdata/driver-go/v3)
cp -r "$dir" "$work/driver-go" && chmod -R u+w "$work/driver-go" && cd "$work/driver-go"
go build ./...
go test -count=1 -c -o /dev/null ./wrapper
go test -count=1 ./common ./common/param ./common/pointer ./common/serializer ./common/stmt \
    ./common/tdversion ./common/tmq ./errors ./types ./af/locker ./af/async ./wrapper/cgo \
    ./wrapper/handler ./wrapper/thread
echo "driver-go check passed"
