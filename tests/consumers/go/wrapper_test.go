package consumers

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/taosdata/driver-go/v3/common/parser"
	taosErrors "github.com/taosdata/driver-go/v3/errors"
	"github.com/taosdata/driver-go/v3/wrapper"
)

func wrapConnect(t *testing.T) unsafe.Pointer {
	t.Helper()
	host, port := devServer(t)
	conn, err := wrapper.TaosConnect(host, "root", "taosdata", "", port)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wrapper.TaosClose(conn) })
	return conn
}

func wrapExec(t *testing.T, conn unsafe.Pointer, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		res := wrapper.TaosQuery(conn, s)
		if code := wrapper.TaosError(res); code != 0 {
			msg := wrapper.TaosErrorStr(res)
			wrapper.TaosFreeResult(res)
			t.Fatalf("%s: 0x%x %s", s, uint32(code), msg)
		}
		wrapper.TaosFreeResult(res)
	}
}

func wrapQuery(t *testing.T, conn unsafe.Pointer, sql string) unsafe.Pointer {
	t.Helper()
	res := wrapper.TaosQuery(conn, sql)
	if code := wrapper.TaosError(res); code != 0 {
		msg := wrapper.TaosErrorStr(res)
		wrapper.TaosFreeResult(res)
		t.Fatalf("%s: 0x%x %s", sql, uint32(code), msg)
	}
	return res
}

// TestWrapperFetchRow: taos_fetch_fields_e, taos_fetch_row, taos_fetch_lengths, taos_result_precision.
func TestWrapperFetchRow(t *testing.T) {
	conn := wrapConnect(t)
	wrapExec(t, conn, allTypesSQL("cngo_wr_row")...)
	res := wrapQuery(t, conn, "SELECT * FROM cngo_wr_row.st ORDER BY ts")
	defer wrapper.TaosFreeResult(res)
	n := wrapper.TaosFieldCount(res)
	if n != 18 || wrapper.TaosNumFields(res) != 18 {
		t.Fatalf("field count %d / num fields %d", n, wrapper.TaosNumFields(res))
	}
	if wrapper.TaosIsUpdateQuery(res) {
		t.Error("SELECT reported as update query")
	}
	header, err := wrapper.ReadColumn(res, n)
	if err != nil {
		t.Fatal(err)
	}
	wantTypes := []uint8{9, 1, 2, 3, 4, 5, 11, 12, 13, 14, 6, 7, 8, 10, 16, 20, 4, 10}
	wantBytes := []int64{8, 1, 1, 2, 4, 8, 1, 2, 4, 8, 4, 8, 20, 10, 16, 64, 4, 8}
	for i := range wantTypes {
		if header.ColTypes[i] != wantTypes[i] || header.ColLength[i] != wantBytes[i] {
			t.Errorf("field %d %s: type %d bytes %d, want %d %d", i, header.ColNames[i],
				header.ColTypes[i], header.ColLength[i], wantTypes[i], wantBytes[i])
		}
	}
	if header.ColNames[12] != "c_vc" || header.ColNames[17] != "t_nc" {
		t.Errorf("names %v", header.ColNames)
	}
	precision := wrapper.TaosResultPrecision(res)
	if precision != 0 {
		t.Errorf("precision %d", precision)
	}
	var got [][]interface{}
	var lens [][]int
	for {
		row := wrapper.TaosFetchRow(res)
		if row == nil {
			break
		}
		lengths := wrapper.FetchLengths(res, n)
		lens = append(lens, lengths)
		vals := make([]interface{}, n)
		for j := 0; j < n; j++ {
			vals[j] = wrapper.FetchRow(row, j, header.ColTypes[j], lengths[j], precision)
		}
		got = append(got, vals)
	}
	checkRows(t, got, expectedAllTypes())
	if len(lens) == 3 {
		// Byte lengths of the first row's variable-width cells, NCHAR as UTF-8.
		if lens[0][12] != 5 || lens[0][13] != len("中文ñ") || lens[0][14] != 3 || lens[0][15] != len(point12) || lens[0][17] != len("标签") {
			t.Errorf("lengths of row 0: %v", lens[0])
		}
		if lens[0][4] != 4 || lens[0][5] != 8 {
			t.Errorf("fixed-width lengths of row 0: %v", lens[0])
		}
	}
}

// TestWrapperFetchBlock: taos_fetch_block column pointers over a multi-block result.
func TestWrapperFetchBlock(t *testing.T) {
	const n = 777
	conn := wrapConnect(t)
	wrapExec(t, conn, manySQL("cngo_wr_block", n)...)
	res := wrapQuery(t, conn, "SELECT ts, i FROM cngo_wr_block.t")
	defer wrapper.TaosFreeResult(res)
	seen := 0
	blocks := 0
	for {
		rows, block := wrapper.TaosFetchBlock(res)
		if rows == 0 {
			break
		}
		if rows < 0 || rows > 100 {
			t.Fatalf("block of %d rows (dev server --block-rows 100)", rows)
		}
		blocks++
		cols := *(*unsafe.Pointer)(block)
		tsCol := *(*unsafe.Pointer)(cols)
		iCol := *(*unsafe.Pointer)(unsafe.Add(cols, unsafe.Sizeof(uintptr(0))))
		for r := 0; r < rows; r++ {
			i := seen + r
			ts := *(*int64)(unsafe.Add(tsCol, 8*r))
			if ts != ts0+int64(i) {
				t.Fatalf("row %d ts %d", i, ts)
			}
			if i%7 != 5 {
				if v := *(*int32)(unsafe.Add(iCol, 4*r)); v != int32(i*3-1000) {
					t.Fatalf("row %d i %d", i, v)
				}
			}
		}
		seen += rows
	}
	if seen != n || blocks < 8 {
		t.Fatalf("%d rows in %d blocks, want %d rows in >= 8 blocks", seen, blocks, n)
	}
}

// TestWrapperRawBlock: taos_fetch_raw_block parsed by driver-go's own raw-block parser.
func TestWrapperRawBlock(t *testing.T) {
	conn := wrapConnect(t)
	wrapExec(t, conn, allTypesSQL("cngo_wr_raw")...)
	res := wrapQuery(t, conn, "SELECT * FROM cngo_wr_raw.st ORDER BY ts")
	defer wrapper.TaosFreeResult(res)
	n := wrapper.TaosNumFields(res)
	header, err := wrapper.ReadColumn(res, n)
	if err != nil {
		t.Fatal(err)
	}
	precision := wrapper.TaosResultPrecision(res)
	var got [][]interface{}
	for {
		rows, code, block := wrapper.TaosFetchRawBlock(res)
		if code != 0 {
			t.Fatalf("fetch_raw_block: 0x%x %s", uint32(code), wrapper.TaosErrorStr(res))
		}
		if rows == 0 {
			break
		}
		data, err := parser.ReadBlock(block, rows, header.ColTypes, precision)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range data {
			got = append(got, toIface(r))
		}
	}
	checkRows(t, got, expectedAllTypes())
}

func toIface(r []driver.Value) []interface{} {
	out := make([]interface{}, len(r))
	for i, v := range r {
		out[i] = v
	}
	return out
}

// TestWrapperDefaultEndpoint: host "" and port 0, as driver-go's own tests connect; our library
// must route that to the dev server through its configuration (run.sh sets it up).
func TestWrapperDefaultEndpoint(t *testing.T) {
	conn, err := wrapper.TaosConnect("", "root", "taosdata", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer wrapper.TaosClose(conn)
	if v := wrapper.TaosGetServerInfo(conn); v != "3.3.6.0" {
		t.Errorf("server info %q", v)
	}
	if v := wrapper.TaosGetClientInfo(); !strings.HasPrefix(v, "3.") {
		t.Errorf("client info %q", v)
	}
}

// TestWrapperErrors: taos_errno carries TDengine's full code (0x8000_0000 | code).
func TestWrapperErrors(t *testing.T) {
	conn := wrapConnect(t)
	cases := map[string]uint32{
		"SELEC 1":                           0x80002600,
		"SELECT * FROM cngo_wr_no_db.t":     0x80000388,
		"SELECT * FROM no_db_selected_here": 0x80002616,
	}
	for sql, want := range cases {
		res := wrapper.TaosQuery(conn, sql)
		code := uint32(int32(wrapper.TaosError(res)))
		msg := wrapper.TaosErrorStr(res)
		wrapper.TaosFreeResult(res)
		if code != want || msg == "" {
			t.Errorf("%s: code 0x%x %q, want 0x%x", sql, code, msg, want)
		}
	}
	if code := wrapper.TaosSelectDB(conn, "cngo_wr_no_db"); uint32(int32(code)) != 0x80000388 {
		t.Errorf("select_db missing: 0x%x", uint32(int32(code)))
	}
	host, port := devServer(t)
	_, err := wrapper.TaosConnect(host, "root", "bad-password", "", port)
	var te *taosErrors.TaosError
	if !errors.As(err, &te) || te.Code != 0x0357 {
		t.Errorf("wrong password: %v, want code 0x357", err)
	}
}

// TestWrapperLongCells: taos_fetch_lengths and the row pointers for cells longer than 255 bytes
// (VARCHAR, NCHAR as UTF-8 with 4-byte characters, VARBINARY).
func TestWrapperLongCells(t *testing.T) {
	conn := wrapConnect(t)
	s := strings.Repeat("abcdefghij", 400)
	n := strings.Repeat("é中😀x", 250)
	b := make([]byte, 3000)
	for i := range b {
		b[i] = byte(i%251 + 1)
	}
	wrapExec(t, conn, "DROP DATABASE IF EXISTS cngo_wr_long", "CREATE DATABASE cngo_wr_long",
		"CREATE TABLE cngo_wr_long.t (ts TIMESTAMP, s VARCHAR(5000), n NCHAR(1000), b VARBINARY(3000))",
		fmt.Sprintf("INSERT INTO cngo_wr_long.t VALUES (%d, '%s', '%s', '\\x%x')", ts0, s, n, b))
	res := wrapQuery(t, conn, "SELECT * FROM cngo_wr_long.t")
	defer wrapper.TaosFreeResult(res)
	header, err := wrapper.ReadColumn(res, 4)
	if err != nil {
		t.Fatal(err)
	}
	row := wrapper.TaosFetchRow(res)
	if row == nil {
		t.Fatal("no row")
	}
	lengths := wrapper.FetchLengths(res, 4)
	if lengths[1] != len(s) || lengths[2] != len(n) || lengths[3] != len(b) {
		t.Errorf("lengths %v, want [8 %d %d %d]", lengths, len(s), len(n), len(b))
	}
	got := make([]interface{}, 4)
	for j := range got {
		got[j] = wrapper.FetchRow(row, j, header.ColTypes[j], lengths[j], 0)
	}
	checkRows(t, [][]interface{}{got}, [][]interface{}{{time.UnixMilli(ts0), s, n, b}})
	if wrapper.TaosFetchRow(res) != nil {
		t.Error("more than one row")
	}
}
