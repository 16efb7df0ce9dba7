package consumers

import (
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"

	taosErrors "github.com/taosdata/driver-go/v3/errors"
	_ "github.com/taosdata/driver-go/v3/taosSql"
)

// openSQL opens database/sql with driver-go's cgo driver `taosSql` (taos_query_a +
// taos_fetch_raw_block_a + taos_get_raw_block underneath).
func openSQL(t *testing.T, db string) *sql.DB {
	t.Helper()
	host, port := devServer(t)
	conn, err := sql.Open("taosSql", fmt.Sprintf("root:taosdata@tcp(%s:%d)/%s", host, port, db))
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

// scanAll reads every row as driver values.
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

func TestTaosSQLEveryType(t *testing.T) {
	db := openSQL(t, "")
	mustExec(t, db, allTypesSQL("cngo_sql_types")...)
	rows, err := db.Query("SELECT * FROM cngo_sql_types.st ORDER BY ts")
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	if len(cols) != 18 || cols[0] != "ts" || cols[13] != "c_nc" || cols[17] != "t_nc" {
		t.Errorf("columns %v", cols)
	}
	types, _ := rows.ColumnTypes()
	if types[13].DatabaseTypeName() != "NCHAR" || types[15].DatabaseTypeName() != "GEOMETRY" {
		t.Errorf("type names %s %s", types[13].DatabaseTypeName(), types[15].DatabaseTypeName())
	}
	checkRows(t, scanAll(t, rows), expectedAllTypes())
}

func TestTaosSQLExecAffectedRows(t *testing.T) {
	db := openSQL(t, "")
	mustExec(t, db, "DROP DATABASE IF EXISTS cngo_sql_exec", "CREATE DATABASE cngo_sql_exec",
		"CREATE TABLE cngo_sql_exec.t (ts TIMESTAMP, v INT)")
	res, err := db.Exec(fmt.Sprintf("INSERT INTO cngo_sql_exec.t VALUES (%d, 1) (%d, 2) (%d, 3)", ts0, ts0+1, ts0+2))
	if err != nil {
		t.Fatal(err)
	}
	n, err := res.RowsAffected()
	if err != nil || n != 3 {
		t.Fatalf("RowsAffected = %d, %v; want 3", n, err)
	}
	var sum int64
	if err := db.QueryRow("SELECT SUM(v) FROM cngo_sql_exec.t").Scan(&sum); err != nil || sum != 6 {
		t.Fatalf("sum = %d, %v", sum, err)
	}
}

func TestTaosSQLMultiBlock(t *testing.T) {
	const n = 1_234
	db := openSQL(t, "")
	mustExec(t, db, manySQL("cngo_sql_many", n)...)
	rows, err := db.Query("SELECT * FROM cngo_sql_many.t")
	if err != nil {
		t.Fatal(err)
	}
	want := make([][]interface{}, n)
	for i := range want {
		want[i] = expectedMany(i)
	}
	checkRows(t, scanAll(t, rows), want)
}

func TestTaosSQLDatabaseInDSN(t *testing.T) {
	root := openSQL(t, "")
	mustExec(t, root, "DROP DATABASE IF EXISTS cngo_sql_dsn", "CREATE DATABASE cngo_sql_dsn",
		"CREATE TABLE cngo_sql_dsn.t (ts TIMESTAMP, v INT)",
		fmt.Sprintf("INSERT INTO cngo_sql_dsn.t VALUES (%d, 77)", ts0))
	db := openSQL(t, "cngo_sql_dsn")
	var v int32
	if err := db.QueryRow("SELECT v FROM t").Scan(&v); err != nil || v != 77 {
		t.Fatalf("v = %d, %v", v, err)
	}
}

func TestTaosSQLErrors(t *testing.T) {
	db := openSQL(t, "")
	mustExec(t, db, "CREATE DATABASE IF NOT EXISTS cngo_sql_err",
		"CREATE TABLE IF NOT EXISTS cngo_sql_err.t (ts TIMESTAMP, v INT)")
	cases := []struct {
		sql  string
		code int32
	}{
		{"SELEC * FROM x", 0x2600},
		{"SELECT * FROM cngo_sql_err.no_such_table", 0x2603},
		{"SELECT * FROM cngo_no_db.t", 0x0388},
		{"SELECT * FROM t", 0x2616},
		{"SELECT nope FROM cngo_sql_err.t", 0x2602},
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
			t.Errorf("%s: error %T %v is not a *errors.TaosError", c.sql, err, err)
			continue
		}
		if te.Code != c.code {
			t.Errorf("%s: code 0x%x, want 0x%x (%s)", c.sql, te.Code, c.code, te.ErrStr)
		}
	}
	_, err := db.Exec("USE cngo_no_db")
	var te *taosErrors.TaosError
	if !errors.As(err, &te) || te.Code != 0x0388 {
		t.Errorf("USE missing db: %v", err)
	}
}

// TestTaosSQLDSNParams: a DSN with parameters makes driver-go call
// taos_set_config("debugFlag 135asyncLog 0") (not JSON) before connecting; TDengine 3's
// taos_set_config returns SUCC for any input, so the connection must work.
func TestTaosSQLDSNParams(t *testing.T) {
	host, port := devServer(t)
	db, err := sql.Open("taosSql", fmt.Sprintf("root:taosdata@tcp(%s:%d)/?debugFlag=135&asyncLog=0", host, port))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRow("SELECT server_version()").Scan(&v); err != nil || v != "3.3.6.0" {
		t.Fatalf("server_version() = %q, %v", v, err)
	}
}

// TestTaosSQLConcurrent: database/sql's pool runs queries from 8 goroutines at once; each goes
// through taos_query_a / taos_fetch_raw_block_a callbacks arriving on library threads.
func TestTaosSQLConcurrent(t *testing.T) {
	db := openSQL(t, "")
	db.SetMaxOpenConns(4)
	mustExec(t, db, manySQL("cngo_sql_conc", 500)...)
	var wg sync.WaitGroup
	errs := make(chan error, 8*20)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := 0; k < 20; k++ {
				lo := (g*20 + k) % 400
				var count, sum int64
				err := db.QueryRow(fmt.Sprintf("SELECT COUNT(*), SUM(i) FROM cngo_sql_conc.t WHERE ts >= %d", ts0+int64(lo))).Scan(&count, &sum)
				if err != nil {
					errs <- err
					return
				}
				wantCount, wantSum := int64(0), int64(0)
				for i := lo; i < 500; i++ {
					wantCount++
					if i%7 != 5 {
						wantSum += int64(i*3 - 1000)
					}
				}
				if count != wantCount || sum != wantSum {
					errs <- fmt.Errorf("lo %d: count %d sum %d, want %d %d", lo, count, sum, wantCount, wantSum)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
