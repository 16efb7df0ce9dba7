/* stmt / stmt2 behaviours the official clients rely on (tests/consumers/FINDINGS.md 5-8):
 *  - async_result_outlives_callback: the TAOS_RES given to asyncExecFn stays valid after
 *    the callback (read with fetch_fields / fetch_row / taos_fetch_raw_block_a), until the
 *    next exec or close;
 *  - unaligned_lengths_*: `length` arrays at an odd address (driver-go packs is_null and
 *    length into one allocation);
 *  - null_typed_*: a tag, or a one-row column, bound with buffer_type 0 and is_null[0] = 1
 *    is a NULL (the official `taos` crate binds NULL tags so); more rows with type 0 fail;
 *  - empty_prepare: taos_stmt2_prepare(stmt, "", 0) returns 0 and is_insert says 0 (as
 *    native 3.3.6); bind / exec / get_fields then fail with PAR_INCOMPLETE_SQL. */
#include <pthread.h>
#include <semaphore.h>

#include "testutil.h"

#define TS0 1700000000000LL
#define TSDB_CODE_PAR_INCOMPLETE_SQL ((int)0x80002601)

/* ---- finding 5 ----------------------------------------------------------------- */

struct kept {
  sem_t done;
  TAOS_RES *res;
  int code;
};

static void keep_res(void *param, TAOS_RES *res, int code) {
  struct kept *k = param;
  k->res = res; /* only stored: used after the callback returned, as driver-go does */
  k->code = code;
  sem_post(&k->done);
}

struct raw_fetch {
  sem_t done;
  int rows;
};

static void raw_cb(void *param, TAOS_RES *res, int n) {
  (void)res;
  struct raw_fetch *f = param;
  f->rows = n;
  sem_post(&f->done);
}

static int wait_sem(sem_t *s) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  t.tv_sec += 20;
  return sem_timedwait(s, &t);
}

/* Runs the prepared query with v > gt asynchronously; returns the kept result. */
static TAOS_RES *exec_async(TAOS_STMT2 *stmt, struct kept *k, int32_t gt) {
  TAOS_STMT2_BIND q[1] = {{TSDB_DATA_TYPE_INT, &gt, NULL, NULL, 1}};
  TAOS_STMT2_BIND *qp[1] = {q};
  TAOS_STMT2_BINDV qv = {1, NULL, NULL, qp};
  CHECK_INT_EQ(taos_stmt2_bind_param(stmt, &qv, -1), 0);
  k->res = NULL;
  k->code = -1;
  CHECK_INT_EQ(taos_stmt2_exec(stmt, NULL), 0);
  CHECK_INT_EQ(wait_sem(&k->done), 0);
  CHECK_INT_EQ(k->code, 0);
  usleep(20000); /* the callback has returned */
  return k->res;
}

static void async_result_outlives_callback(TAOS *taos) {
  EXEC_OK(taos, "CREATE TABLE ka (ts TIMESTAMP, v INT)");
  EXEC_OK(taos, "INSERT INTO ka VALUES (1700000000000, 1) (1700000000001, 2) (1700000000002, 3) (1700000000003, 4)");
  struct kept k;
  memset(&k, 0, sizeof k);
  sem_init(&k.done, 0, 0);
  TAOS_STMT2_OPTION opt = {0, false, false, keep_res, &k};
  TAOS_STMT2 *stmt = taos_stmt2_init(taos, &opt);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt2_prepare(stmt, "SELECT v FROM ka WHERE v > ? ORDER BY ts", 0), 0);

  /* 1: row API after the callback. */
  TAOS_RES *res = exec_async(stmt, &k, 1);
  CHECK_NOT_NULL(res);
  if (res) {
    CHECK_INT_EQ(taos_errno(res), 0);
    CHECK_INT_EQ(taos_num_fields(res), 1);
    TAOS_FIELD *f = taos_fetch_fields(res);
    CHECK_NOT_NULL(f);
    if (f) {
      CHECK_STR_EQ(f[0].name, "v");
      CHECK_INT_EQ(f[0].type, TSDB_DATA_TYPE_INT);
    }
    CHECK_INT_EQ(taos_result_precision(res), 0);
    CHECK(taos_stmt2_result(stmt) == res);
    int n = 0;
    TAOS_ROW row;
    while ((row = taos_fetch_row(res)) != NULL) {
      int32_t v;
      memcpy(&v, row[0], 4);
      CHECK_INT_EQ(v, 2 + n);
      n++;
    }
    CHECK_INT_EQ(n, 3);
    taos_free_result(res); /* statement-owned: a no-op */
  }

  /* 2: the raw block API after the callback (driver-go's path), on a second exec. */
  res = exec_async(stmt, &k, 2);
  CHECK_NOT_NULL(res);
  if (res) {
    CHECK_INT_EQ(taos_num_fields(res), 1);
    struct raw_fetch rf;
    memset(&rf, 0, sizeof rf);
    sem_init(&rf.done, 0, 0);
    taos_fetch_raw_block_a(res, raw_cb, &rf);
    CHECK_INT_EQ(wait_sem(&rf.done), 0);
    CHECK_INT_EQ(rf.rows, 2);
    const unsigned char *blk = taos_get_raw_block(res);
    CHECK_NOT_NULL(blk);
    if (blk && rf.rows == 2) {
      int32_t rows, cols;
      memcpy(&rows, blk + 8, 4);
      memcpy(&cols, blk + 12, 4);
      CHECK_INT_EQ(rows, 2);
      CHECK_INT_EQ(cols, 1);
      /* header 28, schema 5, column length 4, null bitmap 1, then the INT values */
      int32_t v[2];
      memcpy(v, blk + 28 + 5 + 4 + 1, 8);
      CHECK_INT_EQ(v[0], 3);
      CHECK_INT_EQ(v[1], 4);
    }
    rf.rows = -1;
    taos_fetch_raw_block_a(res, raw_cb, &rf);
    CHECK_INT_EQ(wait_sem(&rf.done), 0);
    CHECK_INT_EQ(rf.rows, 0);
    sem_destroy(&rf.done);
  }
  /* A result left unread is freed by close (valgrind checks it). */
  res = exec_async(stmt, &k, 0);
  CHECK_NOT_NULL(res);
  CHECK_INT_EQ(taos_stmt2_close(stmt), 0);
  sem_destroy(&k.done);
}

/* ---- finding 6 ----------------------------------------------------------------- */

/* Reads nt_ua back: rows (ts, s) with s = exp[i] (NULL when exp[i] is NULL). */
static void check_strings(TAOS *taos, const char *tb, const char **exp, int n) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT ts, s FROM %s ORDER BY ts", tb);
  TAOS_RES *res = taos_query(taos, sql);
  CHECK_INT_EQ(taos_errno(res), 0);
  int r = 0;
  TAOS_ROW row;
  while ((row = taos_fetch_row(res)) != NULL) {
    int *lens = taos_fetch_lengths(res);
    if (r < n) {
      if (exp[r] == NULL) CHECK_MSG(row[1] == NULL, "%s row %d: expected NULL", tb, r);
      else CHECK_MEM_EQ(row[1], row[1] ? lens[1] : 0, exp[r], (long)strlen(exp[r]));
    }
    r++;
  }
  CHECK_INT_EQ(r, n);
  taos_free_result(res);
}

static void unaligned_lengths_stmt2(TAOS *taos) {
  EXEC_OK(taos, "CREATE STABLE ua (ts TIMESTAMP, s VARCHAR(16)) TAGS (tn VARCHAR(8))");
  TAOS_STMT2 *stmt = taos_stmt2_init(taos, NULL);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt2_prepare(stmt, "INSERT INTO ? USING ua TAGS(?) VALUES(?, ?)", 0), 0);
  /* One allocation as driver-go builds it: 3 is_null bytes, then the lengths (odd address). */
  _Alignas(8) char packed[64];
  char *isnull = packed + 2;
  int32_t *len = (int32_t *)(packed + 2 + 3); /* packed is 8-aligned: len is not 4-aligned */
  CHECK(((uintptr_t)len & 3) != 0);
  isnull[0] = 0; isnull[1] = 1; isnull[2] = 0;
  int32_t l[3] = {3, 0, 5};
  memcpy(len, l, sizeof l);
  char vals[] = "abcdefgh";
  int64_t ts[3] = {TS0, TS0 + 1, TS0 + 2};
  TAOS_STMT2_BIND cols[2] = {{TSDB_DATA_TYPE_TIMESTAMP, ts, NULL, NULL, 3},
                             {TSDB_DATA_TYPE_VARCHAR, vals, len, isnull, 3}};
  /* The tag's length at an odd address too. */
  char tagbuf[8];
  int32_t *taglen = (int32_t *)(tagbuf + 3);
  int32_t tl = 2;
  memcpy(taglen, &tl, 4);
  TAOS_STMT2_BIND tag = {TSDB_DATA_TYPE_VARCHAR, "tg", taglen, NULL, 1};
  TAOS_STMT2_BIND *tp[1] = {&tag}, *cp[1] = {cols};
  char *names[1] = {"ua1"};
  TAOS_STMT2_BINDV bv = {1, names, tp, cp};
  int rc = taos_stmt2_bind_param(stmt, &bv, -1);
  CHECK_MSG(rc == 0, "bind: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  int affected = -1;
  CHECK_INT_EQ(taos_stmt2_exec(stmt, &affected), 0);
  CHECK_INT_EQ(affected, 3);
  CHECK_INT_EQ(taos_stmt2_close(stmt), 0);
  const char *exp[3] = {"abc", NULL, "defgh"};
  check_strings(taos, "ua1", exp, 3);
  TAOS_RES *res = taos_query(taos, "SELECT tn FROM ua1");
  CHECK_INT_EQ(taos_errno(res), 0);
  TAOS_ROW row = taos_fetch_row(res);
  CHECK_NOT_NULL(row);
  if (row) CHECK_MEM_EQ(row[0], taos_fetch_lengths(res)[0], "tg", 2);
  taos_free_result(res);
}

static void unaligned_lengths_v1(TAOS *taos) {
  EXEC_OK(taos, "CREATE TABLE ua_v1 (ts TIMESTAMP, s VARCHAR(16))");
  TAOS_STMT *stmt = taos_stmt_init(taos);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt_prepare(stmt, "INSERT INTO ua_v1 VALUES(?, ?)", 0), 0);
  _Alignas(8) char packed[32];
  int32_t *len = (int32_t *)(packed + 2);
  int32_t l[2] = {2, 4};
  memcpy(len, l, sizeof l);
  char vals[16] = "xy______wxyz____"; /* strided by buffer_length 8 */
  int64_t ts[2] = {TS0, TS0 + 1};
  TAOS_MULTI_BIND b[2];
  memset(b, 0, sizeof b);
  b[0].buffer_type = TSDB_DATA_TYPE_TIMESTAMP; b[0].buffer = ts; b[0].buffer_length = 8; b[0].num = 2;
  b[1].buffer_type = TSDB_DATA_TYPE_VARCHAR; b[1].buffer = vals; b[1].buffer_length = 8;
  b[1].length = len; b[1].num = 2;
  int rc = taos_stmt_bind_param_batch(stmt, b);
  CHECK_MSG(rc == 0, "bind: 0x%08x %s", (unsigned)rc, taos_stmt_errstr(stmt));
  CHECK_INT_EQ(taos_stmt_add_batch(stmt), 0);
  CHECK_INT_EQ(taos_stmt_execute(stmt), 0);
  CHECK_INT_EQ(taos_stmt_affected_rows(stmt), 2);
  CHECK_INT_EQ(taos_stmt_close(stmt), 0);
  const char *exp[2] = {"xy", "wxyz"};
  check_strings(taos, "ua_v1", exp, 2);
}

/* ---- finding 8 ----------------------------------------------------------------- */

/* Table `tb` of stable nn holds one row (ts, v) and tags (t1, t2); checks NULLs. */
static void check_null_row(TAOS *taos, const char *tb, int64_t ts, int v_null, int t1_null, int32_t t1) {
  char sql[160];
  snprintf(sql, sizeof sql, "SELECT ts, v, t1, t2 FROM %s", tb);
  TAOS_RES *res = taos_query(taos, sql);
  CHECK_INT_EQ(taos_errno(res), 0);
  TAOS_ROW row = taos_fetch_row(res);
  CHECK_MSG(row != NULL, "%s: no row", tb);
  if (row) {
    int64_t t;
    memcpy(&t, row[0], 8);
    CHECK_INT_EQ(t, ts);
    if (v_null) CHECK_MSG(row[1] == NULL, "%s: v expected NULL", tb);
    else CHECK_MSG(row[1] != NULL, "%s: v unexpectedly NULL", tb);
    if (t1_null) CHECK_MSG(row[2] == NULL, "%s: t1 expected NULL", tb);
    else if (row[2] == NULL) CHECK_MSG(0, "%s: t1 unexpectedly NULL", tb);
    else { int32_t x; memcpy(&x, row[2], 4); CHECK_INT_EQ(x, t1); }
    CHECK_MSG(row[3] == NULL, "%s: t2 expected NULL", tb);
    CHECK(taos_fetch_row(res) == NULL);
  }
  taos_free_result(res);
}

static void null_typed_tags_and_cols_v1(TAOS *taos) {
  TAOS_STMT *stmt = taos_stmt_init(taos);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt_prepare(stmt, "INSERT INTO ? USING nn TAGS(?, ?) VALUES(?, ?)", 0), 0);
  char one = 1;
  int32_t t1 = 42;
  /* As taos-optin's TaosMultiBind::null(): buffer_type 0, buffer/length NULL, is_null 1. */
  TAOS_MULTI_BIND tags[2];
  memset(tags, 0, sizeof tags);
  tags[0].buffer_type = TSDB_DATA_TYPE_INT; tags[0].buffer = &t1; tags[0].buffer_length = 4; tags[0].num = 1;
  tags[1].buffer_type = TSDB_DATA_TYPE_NULL; tags[1].is_null = &one; tags[1].num = 1;
  int rc = taos_stmt_set_tbname_tags(stmt, "nn_v1a", tags);
  CHECK_MSG(rc == 0, "set_tbname_tags: 0x%08x %s", (unsigned)rc, taos_stmt_errstr(stmt));
  int64_t ts = TS0;
  TAOS_MULTI_BIND cols[2];
  memset(cols, 0, sizeof cols);
  cols[0].buffer_type = TSDB_DATA_TYPE_TIMESTAMP; cols[0].buffer = &ts; cols[0].buffer_length = 8; cols[0].num = 1;
  cols[1].buffer_type = TSDB_DATA_TYPE_NULL; cols[1].is_null = &one; cols[1].num = 1; /* one-row NULL column */
  rc = taos_stmt_bind_param(stmt, cols);
  CHECK_MSG(rc == 0, "bind: 0x%08x %s", (unsigned)rc, taos_stmt_errstr(stmt));
  CHECK_INT_EQ(taos_stmt_add_batch(stmt), 0);
  /* Second table: both tags NULL through taos_stmt_set_tbname + taos_stmt_set_tags. */
  TAOS_MULTI_BIND nt[2];
  memset(nt, 0, sizeof nt);
  nt[0].buffer_type = TSDB_DATA_TYPE_NULL; nt[0].is_null = &one; nt[0].num = 1;
  nt[1] = nt[0];
  CHECK_INT_EQ(taos_stmt_set_tbname(stmt, "nn_v1b"), 0);
  rc = taos_stmt_set_tags(stmt, nt);
  CHECK_MSG(rc == 0, "set_tags: 0x%08x %s", (unsigned)rc, taos_stmt_errstr(stmt));
  int32_t v = 7;
  cols[1].buffer_type = TSDB_DATA_TYPE_INT; cols[1].buffer = &v; cols[1].buffer_length = 4; cols[1].is_null = NULL;
  CHECK_INT_EQ(taos_stmt_bind_param(stmt, cols), 0);
  CHECK_INT_EQ(taos_stmt_add_batch(stmt), 0);
  rc = taos_stmt_execute(stmt);
  CHECK_MSG(rc == 0, "execute: 0x%08x %s", (unsigned)rc, taos_stmt_errstr(stmt));
  CHECK_INT_EQ(taos_stmt_affected_rows(stmt), 2);

  /* Two rows with buffer_type 0 is not the shortcut: an error, not a crash. */
  CHECK_INT_EQ(taos_stmt_set_tbname_tags(stmt, "nn_v1a", tags), 0);
  char two[2] = {1, 1};
  int64_t ts2[2] = {TS0 + 5, TS0 + 6};
  TAOS_MULTI_BIND c2[2];
  memset(c2, 0, sizeof c2);
  c2[0].buffer_type = TSDB_DATA_TYPE_TIMESTAMP; c2[0].buffer = ts2; c2[0].buffer_length = 8; c2[0].num = 2;
  c2[1].buffer_type = TSDB_DATA_TYPE_NULL; c2[1].is_null = two; c2[1].num = 2;
  CHECK_INT_EQ(taos_stmt_bind_param_batch(stmt, c2), (int)0x80000118);
  CHECK_INT_EQ(taos_stmt_close(stmt), 0);
  check_null_row(taos, "nn_v1a", TS0, 1, 0, 42);
  check_null_row(taos, "nn_v1b", TS0, 0, 1, 0);
}

static void null_typed_tags_and_cols_stmt2(TAOS *taos) {
  TAOS_STMT2 *stmt = taos_stmt2_init(taos, NULL);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt2_prepare(stmt, "INSERT INTO ? USING nn TAGS(?, ?) VALUES(?, ?)", 0), 0);
  char one = 1;
  TAOS_STMT2_BIND tags[2] = {{TSDB_DATA_TYPE_NULL, NULL, NULL, &one, 1}, {TSDB_DATA_TYPE_NULL, NULL, NULL, &one, 1}};
  int64_t ts = TS0 + 1;
  TAOS_STMT2_BIND cols[2] = {{TSDB_DATA_TYPE_TIMESTAMP, &ts, NULL, NULL, 1}, {TSDB_DATA_TYPE_NULL, NULL, NULL, &one, 1}};
  TAOS_STMT2_BIND *tp[1] = {tags}, *cp[1] = {cols};
  char *names[1] = {"nn_v2"};
  TAOS_STMT2_BINDV bv = {1, names, tp, cp};
  int rc = taos_stmt2_bind_param(stmt, &bv, -1);
  CHECK_MSG(rc == 0, "bind: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  int affected = -1;
  rc = taos_stmt2_exec(stmt, &affected);
  CHECK_MSG(rc == 0, "exec: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  CHECK_INT_EQ(affected, 1);
  CHECK_INT_EQ(taos_stmt2_close(stmt), 0);
  check_null_row(taos, "nn_v2", TS0 + 1, 1, 1, 0);
}

/* ---- finding 7 ----------------------------------------------------------------- */

static void empty_prepare(TAOS *taos) {
  (void)taos;
  TAOS_STMT2 *stmt = taos_stmt2_init(taos, NULL);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt2_prepare(stmt, "", 0), 0);
  int64_t ts = TS0;
  TAOS_STMT2_BIND c[1] = {{TSDB_DATA_TYPE_TIMESTAMP, &ts, NULL, NULL, 1}};
  TAOS_STMT2_BIND *cp[1] = {c};
  TAOS_STMT2_BINDV bv = {1, NULL, NULL, cp};
  CHECK_INT_EQ(taos_stmt2_bind_param(stmt, &bv, -1), TSDB_CODE_PAR_INCOMPLETE_SQL);
  CHECK_MSG(strstr(taos_stmt2_error(stmt), "empty") != NULL, "error text: %s", taos_stmt2_error(stmt));
  CHECK_INT_EQ(taos_stmt2_exec(stmt, NULL), TSDB_CODE_PAR_INCOMPLETE_SQL);
  int ins = -1;
  CHECK_INT_EQ(taos_stmt2_is_insert(stmt, &ins), 0); /* driver-go asks right after prepare */
  CHECK_INT_EQ(ins, 0);
  int count = -1;
  TAOS_FIELD_ALL *f = NULL;
  CHECK_INT_EQ(taos_stmt2_get_fields(stmt, &count, &f), TSDB_CODE_PAR_INCOMPLETE_SQL);
  /* The statement is still usable after a real prepare. */
  CHECK_INT_EQ(taos_stmt2_prepare(stmt, "INSERT INTO ua_v1 VALUES(?, ?)", 0), 0);
  CHECK_INT_EQ(taos_stmt2_is_insert(stmt, &ins), 0);
  CHECK_INT_EQ(ins, 1);
  CHECK_INT_EQ(taos_stmt2_close(stmt), 0);
}

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (!taos) return test_finish("stmt_fixes");
  char db[64];
  test_fresh_db(taos, test_db_name(db, sizeof db, "stmt_fixes"));
  EXEC_OK(taos, "CREATE STABLE nn (ts TIMESTAMP, v INT) TAGS (t1 INT, t2 VARCHAR(8))");

  async_result_outlives_callback(taos);
  unaligned_lengths_stmt2(taos);
  unaligned_lengths_v1(taos);
  null_typed_tags_and_cols_v1(taos);
  null_typed_tags_and_cols_stmt2(taos);
  empty_prepare(taos);

  char sql[100];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("stmt_fixes");
}
