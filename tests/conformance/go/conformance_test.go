// Package conformance drives the dev server (address in TAOS_DEVSERVER_ADDR, started by
// ../run.sh) with driver-go's pure-Go clients of taosAdapter: `taosWS` (WebSocket) and
// `taosRestful` (REST /rest/sql). No libtaos involved: the official client decides what the
// dev server must send.
package conformance

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	taosErrors "github.com/taosdata/driver-go/v3/errors"
	_ "github.com/taosdata/driver-go/v3/taosRestful"
	_ "github.com/taosdata/driver-go/v3/taosWS"
)

const ts0 = int64(1_700_000_000_000)

var point12 = []byte{0x01, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40}

// drivers are the two official pure-Go transports, with their DSN forms.
var drivers = []struct{ name, dsnFmt string }{
	{"taosWS", "root:taosdata@ws(%s)/%s"},
	{"taosRestful", "root:taosdata@http(%s)/%s"},
}

func open(t *testing.T, driver, dsnFmt, db string) *sql.DB {
	t.Helper()
	addr := os.Getenv("TAOS_DEVSERVER_ADDR")
	if addr == "" {
		t.Fatal("TAOS_DEVSERVER_ADDR is not set: run tests/conformance/run.sh")
	}
	conn, err := sql.Open(driver, fmt.Sprintf(dsnFmt, addr, db))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func mustExec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func scanAll(t *testing.T, rows *sql.Rows) [][]interface{} {
	t.Helper()
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]interface{}
	for rows.Next() {
		vals := make([]interface{}, len(cols))
		ptrs := make([]interface{}, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func same(got, want interface{}) bool {
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

func checkRows(t *testing.T, got, want [][]interface{}) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d", len(got), len(want))
	}
	for r := range want {
		if len(got[r]) != len(want[r]) {
			t.Fatalf("row %d: %d columns, want %d", r, len(got[r]), len(want[r]))
		}
		for c := range want[r] {
			if !same(got[r][c], want[r][c]) {
				t.Errorf("row %d col %d: got %#v (%T), want %#v (%T)", r, c, got[r][c], got[r][c], want[r][c], want[r][c])
			}
		}
	}
}

func TestEveryTypeWithNulls(t *testing.T) {
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			db := open(t, d.name, d.dsnFmt, "")
			name := "cfgo_types_" + strings.ToLower(d.name)
			mustExec(t, db,
				"DROP DATABASE IF EXISTS "+name,
				"CREATE DATABASE "+name,
				"CREATE STABLE "+name+".st (ts TIMESTAMP, c_bool BOOL, c_ti TINYINT, c_si SMALLINT, c_int INT, "+
					"c_bi BIGINT, c_uti TINYINT UNSIGNED, c_usi SMALLINT UNSIGNED, c_ui INT UNSIGNED, "+
					"c_ubi BIGINT UNSIGNED, c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(20), c_nc NCHAR(10), "+
					"c_vb VARBINARY(16), c_geo GEOMETRY(64)) TAGS (t_int INT, t_nc NCHAR(8))",
				fmt.Sprintf("INSERT INTO %[1]s.d1 USING %[1]s.st TAGS (7, '标签') VALUES "+
					"(%[2]d, true, 127, 32767, 2147483647, 9223372036854775807, 255, 65535, 4294967295, "+
					"18446744073709551615, 3.5, -2.25, 'hello', '中文ñ😀', '\\x0102ff', 'POINT(1 2)') "+
					"(%[3]d, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) "+
					"(%[4]d, false, -128, -32768, -2147483648, -9223372036854775808, 0, 0, 0, 0, -0.125, 1e300, "+
					"'', '', '\\x00', 'POINT(1 2)')", name, ts0, ts0+1, ts0+2),
			)
			rows, err := db.Query("SELECT * FROM " + name + ".st ORDER BY ts")
			if err != nil {
				t.Fatal(err)
			}
			tags := []interface{}{int32(7), "标签"}
			r0 := []interface{}{time.UnixMilli(ts0), true, int8(127), int16(32767), int32(math.MaxInt32), int64(math.MaxInt64),
				uint8(255), uint16(65535), uint32(math.MaxUint32), uint64(math.MaxUint64), float32(3.5), float64(-2.25),
				"hello", "中文ñ😀", []byte{1, 2, 0xff}, point12}
			r1 := []interface{}{time.UnixMilli(ts0 + 1)}
			for i := 0; i < 15; i++ {
				r1 = append(r1, nil)
			}
			r2 := []interface{}{time.UnixMilli(ts0 + 2), false, int8(-128), int16(-32768), int32(math.MinInt32), int64(math.MinInt64),
				uint8(0), uint16(0), uint32(0), uint64(0), float32(-0.125), float64(1e300), "", "", []byte{0}, point12}
			want := [][]interface{}{append(r0, tags...), append(r1, tags...), append(r2, tags...)}
			checkRows(t, scanAll(t, rows), want)
		})
	}
}

func TestMultiBlockSelect(t *testing.T) {
	const n = 1_200
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			db := open(t, d.name, d.dsnFmt, "")
			name := "cfgo_many_" + strings.ToLower(d.name)
			mustExec(t, db, "DROP DATABASE IF EXISTS "+name, "CREATE DATABASE "+name,
				"CREATE TABLE "+name+".t (ts TIMESTAMP, i INT, s VARCHAR(16))")
			total := int64(0)
			for start := 0; start < n; start += 300 {
				var b strings.Builder
				fmt.Fprintf(&b, "INSERT INTO %s.t VALUES", name)
				for i := start; i < start+300 && i < n; i++ {
					if i%8 == 3 {
						fmt.Fprintf(&b, " (%d, NULL, NULL)", ts0+int64(i))
					} else {
						fmt.Fprintf(&b, " (%d, %d, 's%d')", ts0+int64(i), i-600, i)
					}
				}
				res, err := db.Exec(b.String())
				if err != nil {
					t.Fatal(err)
				}
				k, _ := res.RowsAffected()
				total += k
			}
			if total != n {
				t.Fatalf("affected rows %d, want %d", total, n)
			}
			rows, err := db.Query("SELECT * FROM " + name + ".t")
			if err != nil {
				t.Fatal(err)
			}
			want := make([][]interface{}, n)
			for i := range want {
				if i%8 == 3 {
					want[i] = []interface{}{time.UnixMilli(ts0 + int64(i)), nil, nil}
				} else {
					want[i] = []interface{}{time.UnixMilli(ts0 + int64(i)), int32(i - 600), fmt.Sprintf("s%d", i)}
				}
			}
			checkRows(t, scanAll(t, rows), want)
		})
	}
}

func TestErrorCodes(t *testing.T) {
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			db := open(t, d.name, d.dsnFmt, "")
			mustExec(t, db, "CREATE DATABASE IF NOT EXISTS cfgo_err",
				"CREATE TABLE IF NOT EXISTS cfgo_err.t (ts TIMESTAMP, v INT)")
			cases := []struct {
				sql  string
				code int32
			}{
				{"SELEC * FROM x", 0x2600},
				{"SELECT * FROM", 0x2601},
				{"SELECT * FROM cfgo_err.no_such_table", 0x2603},
				{"SELECT * FROM cfgo_no_db.t", 0x0388},
				{"SELECT * FROM t", 0x2616},
				{"SELECT nope FROM cfgo_err.t", 0x2602},
				{fmt.Sprintf("INSERT INTO cfgo_err.t VALUES (%d, 2147483648)", ts0), 0x0216},
			}
			for _, c := range cases {
				rows, err := db.Query(c.sql)
				if err == nil {
					rows.Close()
					t.Errorf("%s: no error", c.sql)
					continue
				}
				var te *taosErrors.TaosError
				if !errors.As(err, &te) {
					t.Errorf("%s: %T %v is not a *errors.TaosError", c.sql, err, err)
					continue
				}
				if te.Code != c.code {
					t.Errorf("%s: code 0x%x (%s), want 0x%x", c.sql, te.Code, te.ErrStr, c.code)
				}
			}
		})
	}
}

func TestDatabaseInDSNAndWrongPassword(t *testing.T) {
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			root := open(t, d.name, d.dsnFmt, "")
			name := "cfgo_dsn_" + strings.ToLower(d.name)
			mustExec(t, root, "DROP DATABASE IF EXISTS "+name, "CREATE DATABASE "+name,
				"CREATE TABLE "+name+".t (ts TIMESTAMP, v INT)",
				fmt.Sprintf("INSERT INTO %s.t VALUES (%d, 42)", name, ts0))
			db := open(t, d.name, d.dsnFmt, name)
			var v int32
			if err := db.QueryRow("SELECT v FROM t").Scan(&v); err != nil || v != 42 {
				t.Fatalf("v = %d, %v", v, err)
			}
			addr := os.Getenv("TAOS_DEVSERVER_ADDR")
			bad, err := sql.Open(d.name, strings.Replace(fmt.Sprintf(d.dsnFmt, addr, ""), "taosdata", "wrong", 1))
			if err != nil {
				t.Fatal(err)
			}
			defer bad.Close()
			_, err = bad.Exec("SELECT server_version()")
			// taosWS wraps connect failures in its BadConnError (no Unwrap), which prints the code.
			var te *taosErrors.TaosError
			ok := errors.As(err, &te) && te.Code == 0x0357
			if !ok && (err == nil || !strings.Contains(err.Error(), "[0x357] Authentication failure")) {
				t.Fatalf("wrong password: %T %v, want code 0x357", err, err)
			}
		})
	}
}

func TestPrecisionsAndJSONTag(t *testing.T) {
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			db := open(t, d.name, d.dsnFmt, "")
			suffix := strings.ToLower(d.name)
			for _, p := range []struct {
				prec string
				ts   int64
				unit time.Duration
			}{
				{"ms", 1_700_000_000_123, time.Millisecond},
				{"us", 1_700_000_000_123_456, time.Microsecond},
				{"ns", 1_700_000_000_123_456_789, time.Nanosecond},
			} {
				name := fmt.Sprintf("cfgo_prec_%s_%s", p.prec, suffix)
				mustExec(t, db, "DROP DATABASE IF EXISTS "+name,
					fmt.Sprintf("CREATE DATABASE %s PRECISION '%s'", name, p.prec),
					"CREATE STABLE "+name+".sj (ts TIMESTAMP, v BIGINT) TAGS (info JSON)",
					fmt.Sprintf(`INSERT INTO %[1]s.j1 USING %[1]s.sj TAGS ('{"k":"v","n":1}') VALUES (%[2]d, %[2]d)`, name, p.ts))
				rows, err := db.Query("SELECT ts, v, info FROM " + name + ".sj")
				if err != nil {
					t.Fatal(err)
				}
				got := scanAll(t, rows)
				if len(got) != 1 {
					t.Fatalf("%s: %d rows", p.prec, len(got))
				}
				ts, ok := got[0][0].(time.Time)
				if !ok || ts.UnixNano() != p.ts*int64(p.unit) {
					t.Errorf("%s: ts %#v, want %d %v", p.prec, got[0][0], p.ts, p.unit)
				}
				if got[0][1] != p.ts {
					t.Errorf("%s: v %#v", p.prec, got[0][1])
				}
				js, ok := got[0][2].([]byte)
				if !ok {
					t.Fatalf("%s: JSON tag %#v (%T)", p.prec, got[0][2], got[0][2])
				}
				var m map[string]interface{}
				if err := json.Unmarshal(js, &m); err != nil || m["k"] != "v" || m["n"] != float64(1) {
					t.Errorf("%s: JSON tag %s (%v)", p.prec, js, err)
				}
			}
		})
	}
}

func TestShowAndDescribe(t *testing.T) {
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			db := open(t, d.name, d.dsnFmt, "")
			name := "cfgo_show_" + strings.ToLower(d.name)
			mustExec(t, db, "DROP DATABASE IF EXISTS "+name, "CREATE DATABASE "+name,
				"CREATE STABLE "+name+".st (ts TIMESTAMP, v INT, s NCHAR(5)) TAGS (g INT)",
				"CREATE TABLE "+name+".a USING "+name+".st TAGS (1) "+name+".b USING "+name+".st TAGS (2)",
				"CREATE TABLE "+name+".n (ts TIMESTAMP, x DOUBLE)")
			rows, err := db.Query("SHOW " + name + ".TABLES")
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			var tables []string
			for _, r := range scanAll(t, rows) {
				tables = append(tables, fmt.Sprint(r[0]))
			}
			sort.Strings(tables)
			if cols[0] != "table_name" || strings.Join(tables, ",") != "a,b,n" {
				t.Errorf("SHOW TABLES: columns %v, tables %v", cols, tables)
			}
			rows, err = db.Query("SHOW " + name + ".STABLES")
			if err != nil {
				t.Fatal(err)
			}
			cols, _ = rows.Columns()
			st := scanAll(t, rows)
			if cols[0] != "stable_name" || len(st) != 1 || fmt.Sprint(st[0][0]) != "st" {
				t.Errorf("SHOW STABLES: columns %v rows %v", cols, st)
			}
			rows, err = db.Query("DESCRIBE " + name + ".st")
			if err != nil {
				t.Fatal(err)
			}
			cols, _ = rows.Columns()
			desc := scanAll(t, rows)
			if len(cols) < 4 || cols[0] != "field" || cols[1] != "type" || cols[2] != "length" || cols[3] != "note" {
				t.Fatalf("DESCRIBE columns %v", cols)
			}
			want := [][]interface{}{
				{"ts", "TIMESTAMP", int32(8), ""},
				{"v", "INT", int32(4), ""},
				{"s", "NCHAR", int32(5), ""},
				{"g", "INT", int32(4), "TAG"},
			}
			if len(desc) != len(want) {
				t.Fatalf("DESCRIBE rows %v", desc)
			}
			for i := range want {
				checkRows(t, [][]interface{}{desc[i][:4]}, [][]interface{}{want[i]})
			}
		})
	}
}

// TestWSCompressionOffer: taosWS with enableCompression offers permessage-deflate; the server may
// accept or decline it, but the session must work either way.
func TestWSCompressionOffer(t *testing.T) {
	db := open(t, "taosWS", "root:taosdata@ws(%s)/%s?enableCompression=true", "")
	mustExec(t, db, "DROP DATABASE IF EXISTS cfgo_deflate", "CREATE DATABASE cfgo_deflate",
		"CREATE TABLE cfgo_deflate.t (ts TIMESTAMP, s VARCHAR(200))")
	long := strings.Repeat("compressible ", 15)
	var b strings.Builder
	b.WriteString("INSERT INTO cfgo_deflate.t VALUES")
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&b, " (%d, '%s%d')", ts0+int64(i), long, i)
	}
	mustExec(t, db, b.String())
	rows, err := db.Query("SELECT s FROM cfgo_deflate.t")
	if err != nil {
		t.Fatal(err)
	}
	got := scanAll(t, rows)
	if len(got) != 500 || got[499][0] != fmt.Sprintf("%s%d", long, 499) {
		t.Fatalf("%d rows, last %v", len(got), got[len(got)-1])
	}
}

// TestRestDatabaseInURL: taosRestful with a database in the DSN posts to /rest/sql/<db>.
func TestRestDatabaseInURL(t *testing.T) {
	root := open(t, "taosRestful", "root:taosdata@http(%s)/%s", "")
	mustExec(t, root, "DROP DATABASE IF EXISTS cfgo_restdb", "CREATE DATABASE cfgo_restdb",
		"CREATE TABLE cfgo_restdb.t (ts TIMESTAMP, v INT)",
		fmt.Sprintf("INSERT INTO cfgo_restdb.t VALUES (%d, 5)", ts0))
	db := open(t, "taosRestful", "root:taosdata@http(%s)/%s", "cfgo_restdb")
	var v int32
	if err := db.QueryRow("SELECT v FROM t").Scan(&v); err != nil || v != 5 {
		t.Fatalf("v = %d, %v", v, err)
	}
}
