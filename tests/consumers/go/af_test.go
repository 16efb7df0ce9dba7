package consumers

import (
	"database/sql/driver"
	"errors"
	"io"
	"testing"

	"github.com/taosdata/driver-go/v3/af"
	taosErrors "github.com/taosdata/driver-go/v3/errors"
)

func openAF(t *testing.T, db string) *af.Connector {
	t.Helper()
	host, port := devServer(t)
	conn, err := af.Open(host, "root", "taosdata", db, port)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func afExec(t *testing.T, conn *af.Connector, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := conn.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func afRows(t *testing.T, rows driver.Rows) [][]interface{} {
	t.Helper()
	defer rows.Close()
	var out [][]interface{}
	for {
		dest := make([]driver.Value, len(rows.Columns()))
		err := rows.Next(dest)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		row := make([]interface{}, len(dest))
		for i, v := range dest {
			row[i] = v
		}
		out = append(out, row)
	}
}

func TestAFEveryType(t *testing.T) {
	conn := openAF(t, "")
	afExec(t, conn, allTypesSQL("cngo_af_types")...)
	rows, err := conn.Query("SELECT * FROM cngo_af_types.st ORDER BY ts")
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, afRows(t, rows), expectedAllTypes())
}

func TestAFExecAndMultiBlock(t *testing.T) {
	const n = 1_001
	conn := openAF(t, "")
	stmts := manySQL("cngo_af_many", n)
	afExec(t, conn, stmts[:3]...)
	total := int64(0)
	for _, s := range stmts[3:] {
		res, err := conn.Exec(s)
		if err != nil {
			t.Fatal(err)
		}
		k, _ := res.RowsAffected()
		total += k
	}
	if total != n {
		t.Fatalf("affected rows %d, want %d", total, n)
	}
	if err := conn.SelectDB("cngo_af_many"); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query("SELECT * FROM t")
	if err != nil {
		t.Fatal(err)
	}
	want := make([][]interface{}, n)
	for i := range want {
		want[i] = expectedMany(i)
	}
	checkRows(t, afRows(t, rows), want)
}

func TestAFErrors(t *testing.T) {
	conn := openAF(t, "")
	_, err := conn.Query("SELECT * FROM cngo_af_no_db.t")
	var te *taosErrors.TaosError
	if !errors.As(err, &te) || te.Code != 0x0388 {
		t.Fatalf("query on missing db: %v", err)
	}
	_, err = conn.Exec("SELEC 1")
	if !errors.As(err, &te) || te.Code != 0x2600 {
		t.Fatalf("syntax error: %v", err)
	}
	host, port := devServer(t)
	_, err = af.Open(host, "root", "wrong", "", port)
	if !errors.As(err, &te) || te.Code != 0x0357 {
		t.Fatalf("wrong password: %v", err)
	}
}
