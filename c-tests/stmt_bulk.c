/* One 100,000-row batch through stmt2 (taos_stmt2_bind_param + exec) and through stmt v1
 * (taos_stmt_bind_param_batch + add_batch + execute), each read back completely: COUNT,
 * SUM of two columns, and every row compared value by value (with NULLs every 7th row
 * and variable-length strings). TAOS_TEST_SCALE divides the row count (valgrind). */
#include "testutil.h"

#define TS0 1700000000000LL
#define SLEN 12

static long g_rows;

/* Row r: ts = TS0 + r, i = r * 3 - 7, b = r * 1000003, d = r / 4.0, s = "r<r>" (NULL
 * when r % 7 == 3). */
static int s_null(long r) { return r % 7 == 3; }
static int s_text(long r, char *out) { return snprintf(out, SLEN, "r%ld", r); }

struct data {
  int64_t *ts, *b;
  int32_t *i, *slen;
  double *d;
  char *s_packed, *s_strided, *snull;
};

static void make_data(struct data *x) {
  long n = g_rows;
  x->ts = malloc(sizeof(int64_t) * n);
  x->b = malloc(sizeof(int64_t) * n);
  x->i = malloc(sizeof(int32_t) * n);
  x->slen = malloc(sizeof(int32_t) * n);
  x->d = malloc(sizeof(double) * n);
  x->s_packed = malloc((size_t)SLEN * n);
  x->s_strided = calloc((size_t)n, SLEN);
  x->snull = malloc((size_t)n);
  long at = 0;
  for (long r = 0; r < n; r++) {
    x->ts[r] = TS0 + r;
    x->i[r] = (int32_t)(r * 3 - 7);
    x->b[r] = (int64_t)r * 1000003;
    x->d[r] = (double)r / 4.0;
    x->snull[r] = (char)s_null(r);
    x->slen[r] = 0;
    if (!s_null(r)) {
      x->slen[r] = s_text(r, x->s_strided + r * SLEN);
      memcpy(x->s_packed + at, x->s_strided + r * SLEN, (size_t)x->slen[r]);
      at += x->slen[r];
    }
  }
}

static void free_data(struct data *x) {
  free(x->ts); free(x->b); free(x->i); free(x->slen); free(x->d);
  free(x->s_packed); free(x->s_strided); free(x->snull);
}

/* COUNT, SUMs and every row of `tb`. */
static void verify(TAOS *taos, const char *tb) {
  char sql[160];
  snprintf(sql, sizeof sql, "SELECT COUNT(*), SUM(i), SUM(b), COUNT(s) FROM %s", tb);
  TAOS_RES *res = taos_query(taos, sql);
  CHECK_MSG(taos_errno(res) == 0, "%s: %s", sql, taos_errstr(res));
  TAOS_ROW row = taos_fetch_row(res);
  CHECK_NOT_NULL(row);
  long long sum_i = 0, sum_b = 0, non_null = 0;
  for (long r = 0; r < g_rows; r++) {
    sum_i += r * 3 - 7;
    sum_b += (long long)r * 1000003;
    non_null += !s_null(r);
  }
  if (row) {
    int64_t cnt, si, sb, cs;
    memcpy(&cnt, row[0], 8);
    memcpy(&si, row[1], 8);
    memcpy(&sb, row[2], 8);
    memcpy(&cs, row[3], 8);
    CHECK_INT_EQ(cnt, g_rows);
    CHECK_INT_EQ(si, sum_i);
    CHECK_INT_EQ(sb, sum_b);
    CHECK_INT_EQ(cs, non_null);
  }
  taos_free_result(res);

  snprintf(sql, sizeof sql, "SELECT ts, i, b, d, s FROM %s ORDER BY ts", tb);
  res = taos_query(taos, sql);
  CHECK_MSG(taos_errno(res) == 0, "%s: %s", sql, taos_errstr(res));
  long r = 0, bad = 0;
  char want[SLEN];
  while ((row = taos_fetch_row(res)) != NULL) {
    int *lens = taos_fetch_lengths(res);
    int64_t ts, b;
    int32_t i;
    double d;
    memcpy(&ts, row[0], 8);
    memcpy(&i, row[1], 4);
    memcpy(&b, row[2], 8);
    memcpy(&d, row[3], 8);
    int ok = ts == TS0 + r && i == (int32_t)(r * 3 - 7) && b == (int64_t)r * 1000003 && d == (double)r / 4.0;
    if (s_null(r)) ok = ok && row[4] == NULL;
    else {
      int wl = s_text(r, want);
      ok = ok && row[4] != NULL && lens[4] == wl && memcmp(row[4], want, (size_t)wl) == 0;
    }
    if (!ok && bad++ < 5) CHECK_MSG(0, "%s row %ld differs (ts %lld i %d)", tb, r, (long long)ts, i);
    r++;
  }
  CHECK_INT_EQ(bad, 0);
  CHECK_INT_EQ(r, g_rows);
  taos_free_result(res);
}

static void bulk_stmt2(TAOS *taos, struct data *x) {
  EXEC_OK(taos, "CREATE TABLE big2 (ts TIMESTAMP, i INT, b BIGINT, d DOUBLE, s VARCHAR(12))");
  TAOS_STMT2 *stmt = taos_stmt2_init(taos, NULL);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt2_prepare(stmt, "INSERT INTO big2 VALUES(?, ?, ?, ?, ?)", 0), 0);
  int n = (int)g_rows;
  TAOS_STMT2_BIND c[5] = {{TSDB_DATA_TYPE_TIMESTAMP, x->ts, NULL, NULL, n},
                          {TSDB_DATA_TYPE_INT, x->i, NULL, NULL, n},
                          {TSDB_DATA_TYPE_BIGINT, x->b, NULL, NULL, n},
                          {TSDB_DATA_TYPE_DOUBLE, x->d, NULL, NULL, n},
                          {TSDB_DATA_TYPE_VARCHAR, x->s_packed, x->slen, x->snull, n}};
  TAOS_STMT2_BIND *cp[1] = {c};
  TAOS_STMT2_BINDV bv = {1, NULL, NULL, cp};
  double t0 = test_now_sec();
  int rc = taos_stmt2_bind_param(stmt, &bv, -1);
  CHECK_MSG(rc == 0, "bind: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  int affected = -1;
  rc = taos_stmt2_exec(stmt, &affected);
  CHECK_MSG(rc == 0, "exec: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  CHECK_INT_EQ(affected, g_rows);
  printf("stmt2: %ld rows in %.3f s\n", g_rows, test_now_sec() - t0);
  CHECK_INT_EQ(taos_stmt2_close(stmt), 0);
  verify(taos, "big2");
}

static void bulk_v1(TAOS *taos, struct data *x) {
  EXEC_OK(taos, "CREATE TABLE big1 (ts TIMESTAMP, i INT, b BIGINT, d DOUBLE, s VARCHAR(12))");
  TAOS_STMT *stmt = taos_stmt_init(taos);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt_prepare(stmt, "INSERT INTO big1 VALUES(?, ?, ?, ?, ?)", 0), 0);
  int n = (int)g_rows;
  TAOS_MULTI_BIND b[5];
  memset(b, 0, sizeof b);
  b[0].buffer_type = TSDB_DATA_TYPE_TIMESTAMP; b[0].buffer = x->ts; b[0].buffer_length = 8;
  b[1].buffer_type = TSDB_DATA_TYPE_INT; b[1].buffer = x->i; b[1].buffer_length = 4;
  b[2].buffer_type = TSDB_DATA_TYPE_BIGINT; b[2].buffer = x->b; b[2].buffer_length = 8;
  b[3].buffer_type = TSDB_DATA_TYPE_DOUBLE; b[3].buffer = x->d; b[3].buffer_length = 8;
  b[4].buffer_type = TSDB_DATA_TYPE_VARCHAR; b[4].buffer = x->s_strided; b[4].buffer_length = SLEN;
  b[4].length = x->slen; b[4].is_null = x->snull;
  for (int k = 0; k < 5; k++) b[k].num = n;
  double t0 = test_now_sec();
  int rc = taos_stmt_bind_param_batch(stmt, b);
  CHECK_MSG(rc == 0, "bind: 0x%08x %s", (unsigned)rc, taos_stmt_errstr(stmt));
  CHECK_INT_EQ(taos_stmt_add_batch(stmt), 0);
  rc = taos_stmt_execute(stmt);
  CHECK_MSG(rc == 0, "execute: 0x%08x %s", (unsigned)rc, taos_stmt_errstr(stmt));
  CHECK_INT_EQ(taos_stmt_affected_rows(stmt), g_rows);
  printf("stmt v1: %ld rows in %.3f s\n", g_rows, test_now_sec() - t0);
  CHECK_INT_EQ(taos_stmt_close(stmt), 0);
  verify(taos, "big1");
}

int main(void) {
  g_rows = test_scaled(100000, 1000);
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (!taos) return test_finish("stmt_bulk");
  char db[64];
  test_fresh_db(taos, test_db_name(db, sizeof db, "stmt_bulk"));
  struct data x;
  make_data(&x);
  bulk_stmt2(taos, &x);
  bulk_v1(taos, &x);
  free_data(&x);
  char sql[100];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("stmt_bulk");
}
