/*
 * bench_util.h: the harness shared by the C benchmarks in benches/ (bench.c, bench_sml.c,
 * bench_stmt.c, bench_tmq.c): command line and connection, BENCH_ROWS, timing (wall,
 * process CPU and dev server CPU), error exits, and the COUNT/SUM checks. Everything is
 * `static inline` so each benchmark stays one translation unit built by one gcc call.
 *
 * Define BENCH_NAME (the program name used in error messages) before including it.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#ifndef BENCH_NAME
#error "define BENCH_NAME before including bench_util.h"
#endif

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <taos.h>

/* First timestamp (ms) of the rows the write and subscription benchmarks generate. */
static const int64_t BENCH_TS0 = 1700000000000LL;

/* Wall clock, seconds (monotonic). */
static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this whole process (the benchmark plus the library's threads): compared with
 * the wall time of the same calls it tells how much of a call is spent client-side. */
static inline double bench_cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) of the dev server process named by BENCH_SERVER_PID (set by
 * the run scripts), from /proc; -1 when unknown. Resolution: one clock tick. */
static inline double bench_server_cpu(void) {
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

/* Time spent inside the timed calls of one measured part, summed over its intervals:
 * wall, this process's CPU and the dev server's CPU (srv < 0: unknown). */
struct bench_meter {
  double wall, cpu, srv;
  double t0, c0, v0; /* start of the open interval */
};

/* A meter at zero; srv is unknown (-1) unless BENCH_SERVER_PID names a readable process. */
static inline struct bench_meter bench_meter_new(void) {
  struct bench_meter m = {0, 0, 0, 0, 0, 0};
  if (bench_server_cpu() < 0) m.srv = -1;
  return m;
}

/* Opens an interval. */
static inline void bench_meter_start(struct bench_meter *m) {
  m->t0 = bench_now();
  m->c0 = bench_cpu_now();
  m->v0 = bench_server_cpu();
}

/* Closes the interval opened by bench_meter_start and adds it. */
static inline void bench_meter_stop(struct bench_meter *m) {
  m->wall += bench_now() - m->t0;
  m->cpu += bench_cpu_now() - m->c0;
  if (m->srv >= 0) m->srv += bench_server_cpu() - m->v0;
}

/* Removes `secs` of untimed work (done inside an interval) from wall and CPU time. */
static inline void bench_meter_exclude(struct bench_meter *m, double secs) {
  m->wall -= secs;
  m->cpu -= secs;
}

/* One figure: rate, plus the process CPU of the timed calls per row and as a share of
 * their wall time (the rest is waiting for the dev server), and the dev server's CPU per
 * row when known. */
static inline void bench_report(const char *label, double rate, long rows, const char *unit, const char *note,
                                const struct bench_meter *m) {
  double wall = rows / rate;
  printf("  %-48s %10.0f %s  client CPU %5.2f us/row (%3.0f%% of wall)", label, rate, unit, m->cpu / rows * 1e6,
         100.0 * m->cpu / wall);
  if (m->srv >= 0) printf(", server CPU %5.2f us/row", m->srv / rows * 1e6);
  printf("%s\n", note);
}

/* Prints the failed step with the error of `res` (NULL: the last error) and exits 1. */
static inline void bench_die(const char *what, TAOS_RES *res) {
  fflush(stdout);
  fprintf(stderr, BENCH_NAME ": %s: 0x%08x %s\n", what, (unsigned)taos_errno(res), taos_errstr(res));
  exit(1);
}

/* Prints a message and exits 1. */
static inline void bench_fail(const char *msg) {
  fflush(stdout);
  fprintf(stderr, BENCH_NAME ": %s\n", msg);
  exit(1);
}

/* malloc that exits on failure. */
static inline void *bench_alloc(size_t n) {
  void *p = malloc(n);
  if (p == NULL) bench_fail("out of memory");
  return p;
}

/* Runs a statement that returns no rows; exits on error. */
static inline void bench_exec(TAOS *taos, const char *sql) {
  TAOS_RES *res = taos_query(taos, sql);
  if (taos_errno(res) != 0) bench_die(sql, res);
  taos_free_result(res);
}

/* BENCH_ROWS from the environment; `dflt` when unset or not a positive number. */
static inline long bench_rows(long dflt) {
  long rows = getenv("BENCH_ROWS") ? atol(getenv("BENCH_ROWS")) : dflt;
  return rows > 0 ? rows : dflt;
}

/* `prog HOST PORT`: connects as root (exits on failure; usage error: exit 2). */
static inline TAOS *bench_connect(int argc, char *argv[]) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
    exit(2);
  }
  TAOS *taos = taos_connect(argv[1], "root", "taosdata", NULL, (uint16_t)atoi(argv[2]));
  if (taos == NULL) bench_die("connect", NULL);
  return taos;
}

/* DROP DATABASE IF EXISTS, CREATE DATABASE, USE: a fresh database for one run. */
static inline void bench_fresh_db(TAOS *taos, const char *db) {
  char sql[256];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
  bench_exec(taos, sql);
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
  bench_exec(taos, sql);
  snprintf(sql, sizeof sql, "USE %s", db);
  bench_exec(taos, sql);
}

/* SELECT COUNT(*) FROM `table`. */
static inline long bench_count_rows(TAOS *taos, const char *table) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
  TAOS_RES *res = taos_query(taos, sql);
  if (taos_errno(res) != 0) bench_die(sql, res);
  TAOS_ROW row = taos_fetch_row(res);
  int64_t n = -1;
  if (row && row[0]) memcpy(&n, row[0], sizeof n); /* cells may be unaligned */
  taos_free_result(res);
  return (long)n;
}

/* SELECT COUNT(*) FROM `table` must be `want`; exits otherwise. */
static inline void bench_check_count(TAOS *taos, const char *table, long want) {
  long got = bench_count_rows(taos, table);
  if (got != want) {
    fprintf(stderr, BENCH_NAME ": %s has %ld rows, expected %ld: rows were lost\n", table, got, want);
    exit(1);
  }
}

/* SELECT SUM(`col`) FROM `table` must be `want`: catches rows that arrived with wrong
 * values (columns swapped, rows of one batch repeated), not only missing ones. */
static inline void bench_check_sum(TAOS *taos, const char *table, const char *col, int64_t want) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT SUM(%s) FROM %s", col, table);
  TAOS_RES *res = taos_query(taos, sql);
  if (taos_errno(res) != 0) bench_die(sql, res);
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

/* ---- the 10-column supertable of bench_stmt and bench_tmq ---- */

/* Child tables of the supertable; row k goes to table k % BENCH_TABLES. */
enum { BENCH_TABLES = 100 };

/* CREATE STABLE `name` (ts, c1 INT, c2 BIGINT, c3 FLOAT, c4 DOUBLE, c5 SMALLINT, c6 TINYINT,
 * c7 BOOL, c8 VARCHAR(16), c9 NCHAR(8)) TAGS (t1 INT). */
static inline void bench_create_stable(TAOS *taos, const char *name) {
  char sql[512];
  snprintf(sql, sizeof sql,
           "CREATE STABLE %s (ts TIMESTAMP, c1 INT, c2 BIGINT, c3 FLOAT, c4 DOUBLE, c5 SMALLINT, c6 TINYINT, "
           "c7 BOOL, c8 VARCHAR(16), c9 NCHAR(8)) TAGS (t1 INT)",
           name);
  bench_exec(taos, sql);
}

/* Bytes bench_stable_insert_sql needs for a batch of `batch` rows. */
static inline size_t bench_stable_sql_cap(long batch) { return (size_t)batch * 128 + 64; }

/* Writes into `sql` one multi-table INSERT of rows s .. s+batch-1 (fewer at the end of
 * `rows`), one `USING stb TAGS (t) VALUES` clause per child table `prefix`t. Row k: table
 * k % BENCH_TABLES, ts BENCH_TS0 + k / BENCH_TABLES, c1 k, c2 7k, c3 k%1000+.5, c4 k+.25,
 * c5 k%30000, c6 k%100, c7 k odd, c8 'v<k>', c9 'n<k%100000>'. `s` must be a multiple of
 * BENCH_TABLES and `batch` too, so each batch has at most batch/BENCH_TABLES rows per table. */
static inline void bench_stable_insert_sql(char *sql, const char *stb, const char *prefix, long s, long batch,
                                           long rows) {
  size_t o = (size_t)sprintf(sql, "INSERT INTO");
  for (int t = 0; t < BENCH_TABLES && s + t < rows; t++) {
    o += (size_t)sprintf(sql + o, " %s%d USING %s TAGS (%d) VALUES", prefix, t, stb, t);
    for (long k = s + t; k < s + batch && k < rows; k += BENCH_TABLES)
      o += (size_t)sprintf(sql + o, " (%" PRId64 ",%ld,%ld,%ld.5,%ld.25,%ld,%ld,%s,'v%ld','n%ld')",
                           BENCH_TS0 + k / BENCH_TABLES, k, k * 7, k % 1000, k, k % 30000, k % 100,
                           (k & 1) ? "true" : "false", k, k % 100000);
  }
}

#endif /* BENCH_UTIL_H */
