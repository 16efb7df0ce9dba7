/* Threads: many threads each with their own connection (insert + read back), and
 * many threads sharing one connection (concurrent queries and inserts pipelined on
 * one socket). Every thread checks the values it reads. */
#include <pthread.h>

#include "testutil.h"

#define NTHREADS 8
#define TS0 1690000000000LL

static char g_db[64];
static long g_rows;    /* rows per table */
static long g_queries; /* queries per thread on the shared connection */

struct worker {
  int id;
  TAOS *shared; /* NULL: open an own connection */
  long failures;
  long rows_read;
};

/* Value of row k in table of thread t. */
static int64_t val(int t, long k) { return (int64_t)t * 1000000 + k; }

/* Reads table tb<t> and returns the number of wrong or missing rows. */
static long read_table(TAOS *taos, int t, long expect_rows, long *rows_read) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT ts, v FROM %s.tb%d ORDER BY ts", g_db, t);
  TAOS_RES *res = taos_query(taos, sql);
  long bad = 0, k = 0;
  if (taos_errno(res) != 0) {
    fprintf(stderr, "thread %d: %s: 0x%08x %s\n", t, sql, (unsigned)taos_errno(res), taos_errstr(res));
    taos_free_result(res);
    return 1;
  }
  TAOS_ROW row;
  while ((row = taos_fetch_row(res)) != NULL) {
    if (row[0] == NULL || row[1] == NULL || *(int64_t *)row[0] != TS0 + k || *(int64_t *)row[1] != val(t, k)) bad++;
    k++;
  }
  if (taos_errno(res) != 0) bad++;
  taos_free_result(res);
  if (k != expect_rows) {
    fprintf(stderr, "thread %d: read %ld rows, expected %ld\n", t, k, expect_rows);
    bad++;
  }
  *rows_read += k;
  return bad;
}

static long insert_table(TAOS *taos, int t) {
  char sql[160];
  snprintf(sql, sizeof sql, "CREATE TABLE %s.tb%d (ts TIMESTAMP, v BIGINT)", g_db, t);
  TAOS_RES *res = taos_query(taos, sql);
  long bad = taos_errno(res) != 0;
  if (bad) fprintf(stderr, "thread %d: %s: %s\n", t, sql, taos_errstr(res));
  taos_free_result(res);
  char *ins = malloc(64 * 500 + 128);
  for (long s = 0; s < g_rows; s += 500) {
    size_t o = (size_t)sprintf(ins, "INSERT INTO %s.tb%d VALUES", g_db, t);
    long n = 0;
    for (long k = s; k < s + 500 && k < g_rows; k++, n++)
      o += (size_t)sprintf(ins + o, " (%lld, %" PRId64 ")", TS0 + k, val(t, k));
    res = taos_query(taos, ins);
    if (taos_errno(res) != 0 || taos_affected_rows(res) != n) {
      fprintf(stderr, "thread %d: insert: 0x%08x %s, affected %d of %ld\n", t, (unsigned)taos_errno(res),
              taos_errstr(res), taos_affected_rows(res), n);
      bad++;
    }
    taos_free_result(res);
  }
  free(ins);
  return bad;
}

/* Phase 1: own connection per thread: create, insert, read back. */
static void *own_connection(void *arg) {
  struct worker *w = (struct worker *)arg;
  TAOS *taos = test_connect(NULL);
  if (taos == NULL) {
    w->failures++;
    return NULL;
  }
  w->failures += insert_table(taos, w->id);
  w->failures += read_table(taos, w->id, g_rows, &w->rows_read);
  taos_close(taos);
  return NULL;
}

/* Phase 2: shared connection: each thread reads every table repeatedly, and odd
 * threads also insert into a table of their own meanwhile. */
static void *shared_connection(void *arg) {
  struct worker *w = (struct worker *)arg;
  for (long q = 0; q < g_queries; q++) {
    int t = (int)((w->id + q) % NTHREADS);
    w->failures += read_table(w->shared, t, g_rows, &w->rows_read);
    if (w->id % 2 == 1) {
      char sql[160];
      snprintf(sql, sizeof sql, "INSERT INTO %s.sh%d VALUES (%lld, %ld)", g_db, w->id, TS0 + q, q);
      TAOS_RES *res = taos_query(w->shared, sql);
      if (taos_errno(res) != 0 || taos_affected_rows(res) != 1) w->failures++;
      taos_free_result(res);
    }
  }
  return NULL;
}

static void run_phase(void *(*fn)(void *), TAOS *shared, const char *name) {
  pthread_t th[NTHREADS];
  struct worker w[NTHREADS];
  double t0 = test_now_sec();
  for (int i = 0; i < NTHREADS; i++) {
    w[i].id = i;
    w[i].shared = shared;
    w[i].failures = 0;
    w[i].rows_read = 0;
    CHECK_INT_EQ(pthread_create(&th[i], NULL, fn, &w[i]), 0);
  }
  long rows = 0;
  for (int i = 0; i < NTHREADS; i++) {
    pthread_join(th[i], NULL);
    CHECK_MSG(w[i].failures == 0, "%s: thread %d saw %ld failures", name, i, w[i].failures);
    rows += w[i].rows_read;
  }
  printf("%s: %d threads read %ld rows in %.3f s\n", name, NTHREADS, rows, test_now_sec() - t0);
}

int main(void) {
  g_rows = test_scaled(2000, 200);
  g_queries = test_scaled(20, 3);
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("test_threads");
  test_db_name(g_db, sizeof g_db, "ct_threads");
  test_fresh_db(taos, g_db);
  for (int i = 1; i < NTHREADS; i += 2) {
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE TABLE %s.sh%d (ts TIMESTAMP, v BIGINT)", g_db, i);
    EXEC_OK(taos, sql);
  }

  run_phase(own_connection, NULL, "own connections");
  run_phase(shared_connection, taos, "shared connection");

  /* The shared-connection inserts all landed. */
  for (int i = 1; i < NTHREADS; i += 2) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*), SUM(v) FROM %s.sh%d", g_db, i);
    TAOS_RES *res = taos_query(taos, sql);
    CHECK_INT_EQ(taos_errno(res), 0);
    TAOS_ROW row = taos_fetch_row(res);
    CHECK(row != NULL && row[0] != NULL && row[1] != NULL);
    if (row && row[0] && row[1]) {
      CHECK_INT_EQ(*(int64_t *)row[0], g_queries);
      CHECK_INT_EQ(*(int64_t *)row[1], g_queries * (g_queries - 1) / 2);
    }
    taos_free_result(res);
  }

  char sql[128];
  snprintf(sql, sizeof sql, "DROP DATABASE %s", g_db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("test_threads");
}
