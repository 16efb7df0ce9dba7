/*
 * bench_sml.c: schemaless write throughput of libtaos-rs through its C API, against the
 * dev server.
 *
 *   1. lines/s of BENCH_ROWS (default 1,000,000) InfluxDB line-protocol lines (100 child
 *      tables, 2 tags, 5 fields) in batches of 10,000 lines per taos_schemaless_insert
 *      call (array of lines), then the same through taos_schemaless_insert_raw (one
 *      newline-separated buffer per call)
 *   2. the same volume through the OpenTSDB telnet protocol (array of lines)
 *   3. reference measured in the same run: the same rows (same schema, 100 child tables)
 *      as multi-table SQL INSERT statements of 10,000 rows each through taos_query, so the
 *      figures read as ratios against the library's plain SQL write path.
 *
 * Only the insert calls are timed (building the text of a batch is not). Every part is
 * checked afterwards with SELECT COUNT(*) (and SUM(f1) where exact): a run that loses
 * rows or changes values exits non-zero. Each figure also shows the process CPU time per
 * row of this program (library included) and of the dev server (BENCH_SERVER_PID).
 *
 * usage: bench_sml HOST PORT   (benches/run_write.sh starts the dev server and passes them)
 */
#define BENCH_NAME "bench_sml"
#include "bench_util.h"

enum { TABLES = BENCH_TABLES, BATCH = 10000, LINE_MAX = 160 };

/* The timed calls of the last measured part (bench_report shows their CPU). */
static struct bench_meter last;

/* Row k goes to child table k % TABLES at BENCH_TS0 + k / TABLES ms: timestamps never
 * repeat within a table, so no row overwrites another. */
static int line_row(char *out, size_t cap, const char *stb, long k) {
  int t = (int)(k % TABLES);
  return snprintf(out, cap, "%s,t1=d%d,t2=g%d f1=%ldi64,f2=%ld.5,f3=%ldi32,f4=\"s%ld\",f5=%s %" PRId64, stb, t,
                  t % 10, k, k % 1000, k % 100000, k % 1000, (k & 1) ? "true" : "false", BENCH_TS0 + k / TABLES);
}

static int telnet_row(char *out, size_t cap, const char *metric, long k) {
  int t = (int)(k % TABLES);
  return snprintf(out, cap, "%s %" PRId64 " %ld.5 t1=d%d t2=g%d", metric, BENCH_TS0 + k / TABLES, k % 100000, t,
                  t % 10);
}

/* Array form: taos_schemaless_insert with `BATCH` lines per call. Returns lines/s. */
static double sml_array(TAOS *taos, long rows, int protocol, int precision, const char *stb) {
  char *text = bench_alloc((size_t)BATCH * LINE_MAX);
  char **lines = bench_alloc(sizeof(char *) * BATCH);
  struct bench_meter m = bench_meter_new();
  for (long s = 0; s < rows; s += BATCH) {
    int n = 0;
    for (long k = s; k < s + BATCH && k < rows; k++, n++) {
      lines[n] = text + (size_t)n * LINE_MAX;
      if (protocol == TSDB_SML_LINE_PROTOCOL) line_row(lines[n], LINE_MAX, stb, k);
      else telnet_row(lines[n], LINE_MAX, stb, k);
    }
    bench_meter_start(&m);
    TAOS_RES *res = taos_schemaless_insert(taos, lines, n, protocol, precision);
    bench_meter_stop(&m);
    if (taos_errno(res) != 0) bench_die("taos_schemaless_insert", res);
    if (taos_affected_rows(res) != n)
      fprintf(stderr, "bench_sml: affected %d of %d lines\n", taos_affected_rows(res), n);
    taos_free_result(res);
  }
  free(text);
  free(lines);
  last = m;
  return rows / m.wall;
}

/* Raw form: one newline-separated buffer of `BATCH` lines per taos_schemaless_insert_raw. */
static double sml_raw(TAOS *taos, long rows, const char *stb) {
  char *buf = bench_alloc((size_t)BATCH * LINE_MAX);
  struct bench_meter m = bench_meter_new();
  for (long s = 0; s < rows; s += BATCH) {
    size_t o = 0;
    int n = 0;
    for (long k = s; k < s + BATCH && k < rows; k++, n++) {
      o += (size_t)line_row(buf + o, LINE_MAX, stb, k);
      buf[o++] = '\n';
    }
    int32_t total = 0;
    bench_meter_start(&m);
    TAOS_RES *res = taos_schemaless_insert_raw(taos, buf, (int)o, &total, TSDB_SML_LINE_PROTOCOL,
                                               TSDB_SML_TIMESTAMP_MILLI_SECONDS);
    bench_meter_stop(&m);
    if (taos_errno(res) != 0) bench_die("taos_schemaless_insert_raw", res);
    if (total != n) fprintf(stderr, "bench_sml: raw call reported %d of %d lines\n", (int)total, n);
    taos_free_result(res);
  }
  free(buf);
  last = m;
  return rows / m.wall;
}

/* Reference: the same rows as SQL, one multi-table INSERT of `BATCH` rows per taos_query. */
static double sql_insert(TAOS *taos, long rows) {
  bench_exec(taos,
       "CREATE STABLE sql_meters (ts TIMESTAMP, f1 BIGINT, f2 DOUBLE, f3 INT, f4 VARCHAR(16), f5 BOOL) "
       "TAGS (t1 NCHAR(8), t2 NCHAR(8))");
  char *sql = bench_alloc((size_t)BATCH * LINE_MAX + 64);
  struct bench_meter m = bench_meter_new();
  for (long s = 0; s < rows; s += BATCH) {
    size_t o = (size_t)sprintf(sql, "INSERT INTO");
    /* Group the batch by table: one `USING ... VALUES` clause per table. */
    for (int t = 0; t < TABLES; t++) {
      long first = s + ((t - s % TABLES) % TABLES + TABLES) % TABLES;
      if (first >= s + BATCH || first >= rows) continue;
      o += (size_t)sprintf(sql + o, " q%d USING sql_meters TAGS ('d%d','g%d') VALUES", t, t, t % 10);
      for (long k = first; k < s + BATCH && k < rows; k += TABLES)
        o += (size_t)sprintf(sql + o, " (%" PRId64 ",%ld,%ld.5,%ld,'s%ld',%s)", BENCH_TS0 + k / TABLES, k, k % 1000,
                             k % 100000, k % 1000, (k & 1) ? "true" : "false");
    }
    bench_meter_start(&m);
    bench_exec(taos, sql);
    bench_meter_stop(&m);
  }
  free(sql);
  last = m;
  return rows / m.wall;
}

int main(int argc, char *argv[]) {
  long rows = bench_rows(1000000);
  TAOS *taos = bench_connect(argc, argv);
  bench_fresh_db(taos, "bench_sml");

  int64_t sum = (int64_t)rows * (rows - 1) / 2; /* f1 of row k is k */
  printf("schemaless, %ld rows into %d child tables, %d lines per call:\n", rows, TABLES, BATCH);
  double line = sml_array(taos, rows, TSDB_SML_LINE_PROTOCOL, TSDB_SML_TIMESTAMP_MILLI_SECONDS, "sml_line");
  bench_check_count(taos, "sml_line", rows);
  bench_check_sum(taos, "sml_line", "f1", sum);
  bench_report("line protocol, taos_schemaless_insert:", line, rows, "lines/s", "", &last);
  double raw = sml_raw(taos, rows, "sml_raw");
  bench_check_count(taos, "sml_raw", rows);
  bench_check_sum(taos, "sml_raw", "f1", sum);
  bench_report("line protocol, taos_schemaless_insert_raw:", raw, rows, "lines/s", "", &last);
  double tn = sml_array(taos, rows, TSDB_SML_TELNET_PROTOCOL, TSDB_SML_TIMESTAMP_NOT_CONFIGURED, "sml_tn");
  bench_check_count(taos, "sml_tn", rows);
  bench_report("telnet protocol, taos_schemaless_insert:", tn, rows, "lines/s", "  (1 value per line)", &last);
  double sql = sql_insert(taos, rows);
  bench_check_count(taos, "sql_meters", rows);
  bench_check_sum(taos, "sql_meters", "f1", sum);
  bench_report("reference, same rows as SQL INSERT:", sql, rows, "rows/s ", "  (multi-table INSERT)", &last);
  printf("ratios: line/SQL %.2f, raw/SQL %.2f, telnet/SQL %.2f  (row counts and sums verified)\n",
         line / sql, raw / sql, tn / sql);

  bench_exec(taos, "DROP DATABASE bench_sml");
  taos_close(taos);
  return 0;
}
