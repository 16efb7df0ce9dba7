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
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <taos.h>

enum { TABLES = 100, BATCH = 10000, LINE_MAX = 160 };
static const int64_t TS0 = 1700000000000LL;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this whole process (the benchmark plus the library's threads): compared with
 * the wall time of the same calls it tells how much of a write is spent client-side. */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Process CPU seconds spent inside the timed calls of the last measured part. */
static double last_cpu;

/* CPU seconds (user + system) of the dev server process named by BENCH_SERVER_PID (set by
 * benches/run_write.sh), from /proc; -1 when unknown. Resolution: one clock tick. */
static double server_cpu(void) {
  const char *pid = getenv("BENCH_SERVER_PID");
  if (pid == NULL) return -1;
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  FILE *f = fopen(path, "r");
  if (f == NULL) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  /* Fields after the ")" closing the command name: state is field 3, utime 14, stime 15. */
  char *p = strrchr(buf, ')');
  unsigned long ut = 0, st = 0;
  if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2) return -1;
  return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Dev server CPU seconds during the timed calls of the last measured part (< 0: unknown). */
static double last_srv;

/* One figure: rate, plus the process CPU of the timed calls per row and as a share of
 * their wall time (the rest is waiting for the dev server). */
static void report(const char *label, double rate, long rows, const char *unit, const char *note) {
  double wall = rows / rate;
  printf("  %-48s %10.0f %s  client CPU %5.2f us/row (%3.0f%% of wall)", label, rate, unit, last_cpu / rows * 1e6,
         100.0 * last_cpu / wall);
  if (last_srv >= 0) printf(", server CPU %5.2f us/row", last_srv / rows * 1e6);
  printf("%s\n", note);
}

static void die(const char *what, TAOS_RES *res) {
  fprintf(stderr, "bench_sml: %s: 0x%08x %s\n", what, (unsigned)taos_errno(res), taos_errstr(res));
  exit(1);
}

static void exec(TAOS *taos, const char *sql) {
  TAOS_RES *res = taos_query(taos, sql);
  if (taos_errno(res) != 0) die(sql, res);
  taos_free_result(res);
}

/* SELECT COUNT(*) FROM `table`; exits when it differs from `want`. */
static void check_count(TAOS *taos, const char *table, long want) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
  TAOS_RES *res = taos_query(taos, sql);
  if (taos_errno(res) != 0) die(sql, res);
  TAOS_ROW row = taos_fetch_row(res);
  int64_t n = -1;
  if (row && row[0]) memcpy(&n, row[0], sizeof n); /* cells may be unaligned */
  long got = (long)n;
  taos_free_result(res);
  if (got != want) {
    fprintf(stderr, "bench_sml: %s has %ld rows, expected %ld: rows were lost\n", table, got, want);
    exit(1);
  }
}

/* SELECT SUM(`col`) FROM `table` must be `want`: catches rows that arrived with wrong
 * values (columns swapped, rows of one batch repeated), not only missing ones. */
static void check_sum(TAOS *taos, const char *table, const char *col, int64_t want) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT SUM(%s) FROM %s", col, table);
  TAOS_RES *res = taos_query(taos, sql);
  if (taos_errno(res) != 0) die(sql, res);
  TAOS_ROW row = taos_fetch_row(res);
  TAOS_FIELD *f = taos_fetch_fields(res);
  int64_t got = -1;
  if (row && row[0] && f) {
    /* memcpy: cells of a row may be unaligned. */
    if (f[0].type == TSDB_DATA_TYPE_DOUBLE) {
      double d;
      memcpy(&d, row[0], sizeof d);
      got = (int64_t)d;
    } else {
      memcpy(&got, row[0], sizeof got);
    }
  }
  taos_free_result(res);
  if (got != want) {
    fprintf(stderr, "%s: %s is %" PRId64 ", expected %" PRId64 ": wrong values\n", sql, col, got, want);
    exit(1);
  }
}

/* Row k goes to child table k % TABLES at TS0 + k / TABLES ms: timestamps never repeat
 * within a table, so no row overwrites another. */
static int line_row(char *out, size_t cap, const char *stb, long k) {
  int t = (int)(k % TABLES);
  return snprintf(out, cap, "%s,t1=d%d,t2=g%d f1=%ldi64,f2=%ld.5,f3=%ldi32,f4=\"s%ld\",f5=%s %" PRId64, stb, t,
                  t % 10, k, k % 1000, k % 100000, k % 1000, (k & 1) ? "true" : "false", TS0 + k / TABLES);
}

static int telnet_row(char *out, size_t cap, const char *metric, long k) {
  int t = (int)(k % TABLES);
  return snprintf(out, cap, "%s %" PRId64 " %ld.5 t1=d%d t2=g%d", metric, TS0 + k / TABLES, k % 100000, t, t % 10);
}

/* Array form: taos_schemaless_insert with `BATCH` lines per call. Returns lines/s. */
static double sml_array(TAOS *taos, long rows, int protocol, int precision, const char *stb) {
  char *text = malloc((size_t)BATCH * LINE_MAX);
  char **lines = malloc(sizeof(char *) * BATCH);
  if (!text || !lines) { fprintf(stderr, "bench_sml: out of memory\n"); exit(1); }
  double spent = 0, cpu = 0, srv = 0;
  for (long s = 0; s < rows; s += BATCH) {
    int n = 0;
    for (long k = s; k < s + BATCH && k < rows; k++, n++) {
      lines[n] = text + (size_t)n * LINE_MAX;
      if (protocol == TSDB_SML_LINE_PROTOCOL) line_row(lines[n], LINE_MAX, stb, k);
      else telnet_row(lines[n], LINE_MAX, stb, k);
    }
    double t0 = now(), c0 = cpu_now(), v0 = server_cpu();
    TAOS_RES *res = taos_schemaless_insert(taos, lines, n, protocol, precision);
    spent += now() - t0;
    cpu += cpu_now() - c0;
    srv += server_cpu() - v0;
    if (taos_errno(res) != 0) die("taos_schemaless_insert", res);
    if (taos_affected_rows(res) != n)
      fprintf(stderr, "bench_sml: affected %d of %d lines\n", taos_affected_rows(res), n);
    taos_free_result(res);
  }
  free(text);
  free(lines);
  last_cpu = cpu;
  last_srv = getenv("BENCH_SERVER_PID") && server_cpu() >= 0 ? srv : -1;
  return rows / spent;
}

/* Raw form: one newline-separated buffer of `BATCH` lines per taos_schemaless_insert_raw. */
static double sml_raw(TAOS *taos, long rows, const char *stb) {
  char *buf = malloc((size_t)BATCH * LINE_MAX);
  if (!buf) { fprintf(stderr, "bench_sml: out of memory\n"); exit(1); }
  double spent = 0, cpu = 0, srv = 0;
  for (long s = 0; s < rows; s += BATCH) {
    size_t o = 0;
    int n = 0;
    for (long k = s; k < s + BATCH && k < rows; k++, n++) {
      o += (size_t)line_row(buf + o, LINE_MAX, stb, k);
      buf[o++] = '\n';
    }
    int32_t total = 0;
    double t0 = now(), c0 = cpu_now(), v0 = server_cpu();
    TAOS_RES *res = taos_schemaless_insert_raw(taos, buf, (int)o, &total, TSDB_SML_LINE_PROTOCOL,
                                               TSDB_SML_TIMESTAMP_MILLI_SECONDS);
    spent += now() - t0;
    cpu += cpu_now() - c0;
    srv += server_cpu() - v0;
    if (taos_errno(res) != 0) die("taos_schemaless_insert_raw", res);
    if (total != n) fprintf(stderr, "bench_sml: raw call reported %d of %d lines\n", (int)total, n);
    taos_free_result(res);
  }
  free(buf);
  last_cpu = cpu;
  last_srv = getenv("BENCH_SERVER_PID") && server_cpu() >= 0 ? srv : -1;
  return rows / spent;
}

/* Reference: the same rows as SQL, one multi-table INSERT of `BATCH` rows per taos_query. */
static double sql_insert(TAOS *taos, long rows) {
  exec(taos,
       "CREATE STABLE sql_meters (ts TIMESTAMP, f1 BIGINT, f2 DOUBLE, f3 INT, f4 VARCHAR(16), f5 BOOL) "
       "TAGS (t1 NCHAR(8), t2 NCHAR(8))");
  char *sql = malloc((size_t)BATCH * LINE_MAX + 64);
  if (!sql) { fprintf(stderr, "bench_sml: out of memory\n"); exit(1); }
  double spent = 0, cpu = 0, srv = 0;
  for (long s = 0; s < rows; s += BATCH) {
    size_t o = (size_t)sprintf(sql, "INSERT INTO");
    /* Group the batch by table: one `USING ... VALUES` clause per table. */
    for (int t = 0; t < TABLES; t++) {
      long first = s + ((t - s % TABLES) % TABLES + TABLES) % TABLES;
      if (first >= s + BATCH || first >= rows) continue;
      o += (size_t)sprintf(sql + o, " q%d USING sql_meters TAGS ('d%d','g%d') VALUES", t, t, t % 10);
      for (long k = first; k < s + BATCH && k < rows; k += TABLES)
        o += (size_t)sprintf(sql + o, " (%" PRId64 ",%ld,%ld.5,%ld,'s%ld',%s)", TS0 + k / TABLES, k, k % 1000,
                             k % 100000, k % 1000, (k & 1) ? "true" : "false");
    }
    double t0 = now(), c0 = cpu_now(), v0 = server_cpu();
    exec(taos, sql);
    spent += now() - t0;
    cpu += cpu_now() - c0;
    srv += server_cpu() - v0;
  }
  free(sql);
  last_cpu = cpu;
  last_srv = getenv("BENCH_SERVER_PID") && server_cpu() >= 0 ? srv : -1;
  return rows / spent;
}

int main(int argc, char *argv[]) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
    return 2;
  }
  long rows = getenv("BENCH_ROWS") ? atol(getenv("BENCH_ROWS")) : 1000000;
  if (rows <= 0) rows = 1000000;
  TAOS *taos = taos_connect(argv[1], "root", "taosdata", NULL, (uint16_t)atoi(argv[2]));
  if (taos == NULL) die("connect", NULL);
  exec(taos, "DROP DATABASE IF EXISTS bench_sml");
  exec(taos, "CREATE DATABASE bench_sml");
  exec(taos, "USE bench_sml");

  int64_t sum = (int64_t)rows * (rows - 1) / 2; /* f1 of row k is k */
  printf("schemaless, %ld rows into %d child tables, %d lines per call:\n", rows, TABLES, BATCH);
  double line = sml_array(taos, rows, TSDB_SML_LINE_PROTOCOL, TSDB_SML_TIMESTAMP_MILLI_SECONDS, "sml_line");
  check_count(taos, "sml_line", rows);
  check_sum(taos, "sml_line", "f1", sum);
  report("line protocol, taos_schemaless_insert:", line, rows, "lines/s", "");
  double raw = sml_raw(taos, rows, "sml_raw");
  check_count(taos, "sml_raw", rows);
  check_sum(taos, "sml_raw", "f1", sum);
  report("line protocol, taos_schemaless_insert_raw:", raw, rows, "lines/s", "");
  double tn = sml_array(taos, rows, TSDB_SML_TELNET_PROTOCOL, TSDB_SML_TIMESTAMP_NOT_CONFIGURED, "sml_tn");
  check_count(taos, "sml_tn", rows);
  report("telnet protocol, taos_schemaless_insert:", tn, rows, "lines/s", "  (1 value per line)");
  double sql = sql_insert(taos, rows);
  check_count(taos, "sql_meters", rows);
  check_sum(taos, "sql_meters", "f1", sum);
  report("reference, same rows as SQL INSERT:", sql, rows, "rows/s ", "  (multi-table INSERT)");
  printf("ratios: line/SQL %.2f, raw/SQL %.2f, telnet/SQL %.2f  (row counts and sums verified)\n",
         line / sql, raw / sql, tn / sql);

  exec(taos, "DROP DATABASE bench_sml");
  taos_close(taos);
  return 0;
}
