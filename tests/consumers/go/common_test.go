// Package consumers runs the official Go driver (driver-go v3, cgo) over our libtaos.so and
// include/taos.h against the dev server started by ../run.sh (address in TAOS_DEVSERVER_ADDR).
package consumers

import (
	"bytes"
	"fmt"
	"math"
	"net"
	"os"
	"strconv"
	"testing"
	"time"
)

// ts0 is the first timestamp (ms) every test writes.
const ts0 = int64(1_700_000_000_000)

// point12 is the WKB of POINT(1 2), little-endian.
var point12 = []byte{0x01, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40}

// devServer returns the dev server's host and port.
func devServer(t testing.TB) (string, int) {
	t.Helper()
	addr := os.Getenv("TAOS_DEVSERVER_ADDR")
	if addr == "" {
		t.Fatal("TAOS_DEVSERVER_ADDR is not set: run tests/consumers/run.sh")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("bad TAOS_DEVSERVER_ADDR %q: %v", addr, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatalf("bad port in %q", addr)
	}
	return host, p
}

// allTypesDDL creates database db with a supertable of every supported type and child d1 with
// three rows (max values, all NULL, min values).
func allTypesSQL(db string) []string {
	return []string{
		"DROP DATABASE IF EXISTS " + db,
		"CREATE DATABASE " + db,
		"CREATE STABLE " + db + ".st (ts TIMESTAMP, c_bool BOOL, c_ti TINYINT, c_si SMALLINT, c_int INT, " +
			"c_bi BIGINT, c_uti TINYINT UNSIGNED, c_usi SMALLINT UNSIGNED, c_ui INT UNSIGNED, " +
			"c_ubi BIGINT UNSIGNED, c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(20), c_nc NCHAR(10), " +
			"c_vb VARBINARY(16), c_geo GEOMETRY(64)) TAGS (t_int INT, t_nc NCHAR(8))",
		fmt.Sprintf("INSERT INTO %[1]s.d1 USING %[1]s.st TAGS (7, '标签') VALUES "+
			"(%[2]d, true, 127, 32767, 2147483647, 9223372036854775807, 255, 65535, 4294967295, "+
			"18446744073709551615, 3.5, -2.25, 'hello', '中文ñ', '\\x0102ff', 'POINT(1 2)') "+
			"(%[3]d, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) "+
			"(%[4]d, false, -128, -32768, -2147483648, -9223372036854775808, 0, 0, 0, 0, -0.125, 1e300, "+
			"'', '', '\\x00', 'POINT(1 2)')", db, ts0, ts0+1, ts0+2),
	}
}

// expectedAllTypes are the rows of allTypesSQL as driver-go converts them (SELECT * FROM st ORDER BY ts).
func expectedAllTypes() [][]interface{} {
	tags := []interface{}{int32(7), "标签"}
	r0 := []interface{}{time.UnixMilli(ts0), true, int8(127), int16(32767), int32(math.MaxInt32), int64(math.MaxInt64),
		uint8(255), uint16(65535), uint32(math.MaxUint32), uint64(math.MaxUint64), float32(3.5), float64(-2.25),
		"hello", "中文ñ", []byte{1, 2, 0xff}, point12}
	r1 := []interface{}{time.UnixMilli(ts0 + 1)}
	for i := 0; i < 15; i++ {
		r1 = append(r1, nil)
	}
	r2 := []interface{}{time.UnixMilli(ts0 + 2), false, int8(-128), int16(-32768), int32(math.MinInt32), int64(math.MinInt64),
		uint8(0), uint16(0), uint32(0), uint64(0), float32(-0.125), float64(1e300),
		"", "", []byte{0}, point12}
	return [][]interface{}{append(r0, tags...), append(r1, tags...), append(r2, tags...)}
}

// sameValue compares one cell as driver-go returns it with the expected value.
func sameValue(got, want interface{}) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case time.Time:
		g, ok := got.(time.Time)
		return ok && g.UnixMilli() == w.UnixMilli()
	case []byte:
		g, ok := got.([]byte)
		return ok && bytes.Equal(g, w)
	default:
		return got == want
	}
}

// checkRows reports every cell that differs.
func checkRows(t *testing.T, got [][]interface{}, want [][]interface{}) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d: %v", len(got), len(want), got)
	}
	for r := range want {
		if len(got[r]) != len(want[r]) {
			t.Fatalf("row %d has %d columns, want %d", r, len(got[r]), len(want[r]))
		}
		for c := range want[r] {
			if !sameValue(got[r][c], want[r][c]) {
				t.Errorf("row %d col %d: got %#v (%T), want %#v (%T)", r, c, got[r][c], got[r][c], want[r][c], want[r][c])
			}
		}
	}
}

// manySQL fills db.t with n rows of (ts, int, varchar, nchar), every 7th row NULL.
func manySQL(db string, n int) []string {
	out := []string{
		"DROP DATABASE IF EXISTS " + db,
		"CREATE DATABASE " + db,
		"CREATE TABLE " + db + ".t (ts TIMESTAMP, i INT, s VARCHAR(16), u NCHAR(6))",
	}
	for start := 0; start < n; start += 400 {
		var b bytes.Buffer
		fmt.Fprintf(&b, "INSERT INTO %s.t VALUES", db)
		for i := start; i < n && i < start+400; i++ {
			if i%7 == 5 {
				fmt.Fprintf(&b, " (%d, NULL, NULL, NULL)", ts0+int64(i))
			} else {
				fmt.Fprintf(&b, " (%d, %d, 's%d', 'ü%d')", ts0+int64(i), i*3-1000, i, i%1000)
			}
		}
		out = append(out, b.String())
	}
	return out
}

// expectedMany is row i of manySQL.
func expectedMany(i int) []interface{} {
	if i%7 == 5 {
		return []interface{}{time.UnixMilli(ts0 + int64(i)), nil, nil, nil}
	}
	return []interface{}{time.UnixMilli(ts0 + int64(i)), int32(i*3 - 1000), fmt.Sprintf("s%d", i), fmt.Sprintf("ü%d", i%1000)}
}
