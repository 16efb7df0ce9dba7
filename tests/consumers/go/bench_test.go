package consumers

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"

	_ "github.com/taosdata/driver-go/v3/taosWS"
)

// benchRows is the table size of the SELECT benchmarks (run with -bench; not part of the suite).
const benchRows = 200_000

// benchTable fills cngo_bench.t once (6 columns) through db.
func benchTable(b *testing.B, db *sql.DB) {
	b.Helper()
	var n int64
	if err := db.QueryRow("SELECT COUNT(*) FROM cngo_bench.t").Scan(&n); err == nil && n == benchRows {
		return
	}
	for _, s := range []string{"DROP DATABASE IF EXISTS cngo_bench", "CREATE DATABASE cngo_bench",
		"CREATE TABLE cngo_bench.t (ts TIMESTAMP, a INT, b BIGINT, c DOUBLE, d VARCHAR(16), e NCHAR(8))"} {
		if _, err := db.Exec(s); err != nil {
			b.Fatal(err)
		}
	}
	for start := 0; start < benchRows; start += 5000 {
		var sb strings.Builder
		sb.WriteString("INSERT INTO cngo_bench.t VALUES")
		for i := start; i < start+5000; i++ {
			fmt.Fprintf(&sb, " (%d, %d, %d, %f, 'v%d', 'n%d')", ts0+int64(i), i, i*7, float64(i)/3, i, i%100)
		}
		if _, err := db.Exec(sb.String()); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSelect(b *testing.B, driver, dsn string) {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchTable(b, db)
	b.ResetTimer()
	for k := 0; k < b.N; k++ {
		rows, err := db.Query("SELECT * FROM cngo_bench.t")
		if err != nil {
			b.Fatal(err)
		}
		vals := make([]interface{}, 6)
		ptrs := make([]interface{}, 6)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
			n++
		}
		rows.Close()
		if n != benchRows {
			b.Fatalf("%d rows", n)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkTaosSQLSelect reads benchRows rows through driver-go's cgo driver over our libtaos.so.
func BenchmarkTaosSQLSelect(b *testing.B) {
	host, port := devServer(b)
	benchSelect(b, "taosSql", fmt.Sprintf("root:taosdata@tcp(%s:%d)/", host, port))
}

// BenchmarkTaosWSSelect reads the same rows through driver-go's pure-Go WebSocket driver, for
// comparison (no libtaos involved).
func BenchmarkTaosWSSelect(b *testing.B) {
	benchSelect(b, "taosWS", fmt.Sprintf("root:taosdata@ws(%s)/", os.Getenv("TAOS_DEVSERVER_ADDR")))
}
