/* Core C surface details (helper capi-core): NUL after variable-length row cells,
 * taos_fetch_lengths after row and block fetches, taos_result_block, the block API's
 * variable-column layout with NCHAR as UTF-8, the raw block keeping NCHAR as UCS-4,
 * taos_get_current_db with a short buffer, options/config entry points, OPTIONS +
 * taos_connect_with, connection info, re-arming taos_fetch_rows_a from inside the
 * taos_query_a callback, and taos_fetch_row throughput on many rows. */
#include <semaphore.h>

#include "testutil.h"

#define TS0 1700000000000LL

static void setup(TAOS *taos, const char *db) {
  test_fresh_db(taos, db);
  EXEC_OK(taos, "CREATE TABLE t (ts TIMESTAMP, v INT, s VARCHAR(16), n NCHAR(8))");
  CHECK_INT_EQ(EXEC_OK(taos, "INSERT INTO t VALUES (1700000000000, 7, 'abc', 'h\xc3\xa9llo') "
                             "(1700000000001, NULL, NULL, NULL) (1700000000002, -1, '', 'z')"),
               3);
}

static void row_api(TAOS *taos) {
  TAOS_RES *res = taos_query(taos, "SELECT ts, v, s, n FROM t ORDER BY ts");
  CHECK_INT_EQ(taos_errno(res), 0);
  CHECK_NOT_NULL(taos_result_block(res));
  TAOS_ROW row = taos_fetch_row(res);
  CHECK_NOT_NULL(row);
  if (row) {
    int *len = taos_fetch_lengths(res);
    CHECK_INT_EQ(len[0], 8);
    CHECK_INT_EQ(len[1], 4);
    CHECK_INT_EQ(len[2], 3);
    CHECK_INT_EQ(len[3], 6);
    CHECK_INT_EQ(*(int64_t *)row[0], TS0);
    CHECK_INT_EQ(*(int32_t *)row[1], 7);
    /* NUL-terminated var cells: strlen works, as the taos shell assumes. */
    CHECK_STR_EQ((char *)row[2], "abc");
    CHECK_STR_EQ((char *)row[3], "h\xc3\xa9llo");
    CHECK_INT_EQ(test_var_len(row[3]), 6);
    CHECK(*taos_result_block(res) == row);
  }
  row = taos_fetch_row(res);
  CHECK_NOT_NULL(row);
  if (row) {
    CHECK_NULL(row[1]);
    CHECK_NULL(row[2]);
    CHECK_NULL(row[3]);
    int *len = taos_fetch_lengths(res);
    CHECK_INT_EQ(len[1], 0);
    CHECK_INT_EQ(len[3], 0);
  }
  row = taos_fetch_row(res);
  CHECK_NOT_NULL(row);
  if (row) {
    CHECK_STR_EQ((char *)row[2], "");
    CHECK_INT_EQ(taos_fetch_lengths(res)[2], 0);
  }
  CHECK_NULL(taos_fetch_row(res));
  CHECK_INT_EQ(taos_errno(res), 0);
  taos_free_result(res);
}

static void block_api(TAOS *taos) {
  TAOS_RES *res = taos_query(taos, "SELECT ts, v, s, n FROM t ORDER BY ts");
  TAOS_ROW cols = NULL;
  int n = taos_fetch_block(res, &cols);
  CHECK_INT_EQ(n, 3);
  if (n == 3 && cols) {
    CHECK_INT_EQ(((int64_t *)cols[0])[2], TS0 + 2);
    CHECK_INT_EQ(((int32_t *)cols[1])[2], -1);
    CHECK(taos_is_null(res, 1, 1));
    CHECK(!taos_is_null(res, 0, 1));
    CHECK_NULL(taos_get_column_data_offset(res, 1));
    int *off = taos_get_column_data_offset(res, 3);
    CHECK_NOT_NULL(off);
    if (off) {
      CHECK_INT_EQ(off[1], -1);
      const char *cell = (const char *)cols[3] + off[0];
      uint16_t l;
      memcpy(&l, cell, 2);
      CHECK_MEM_EQ(cell + 2, l, "h\xc3\xa9llo", 6);
    }
    int *len = taos_fetch_lengths(res);
    CHECK_INT_EQ(len[2], 16 + 2);
    CHECK_INT_EQ(len[3], 8 * 4 + 2);
    bool nulls[8];
    int cnt = 8;
    CHECK_INT_EQ(taos_is_null_by_column(res, 3, nulls, &cnt), 0);
    CHECK_INT_EQ(cnt, 3);
    CHECK(!nulls[0] && nulls[1] && !nulls[2]);
  }
  CHECK_INT_EQ(taos_fetch_block(res, &cols), 0);
  taos_free_result(res);

  /* Raw block: NCHAR stays UCS-4 (5 characters = 20 bytes for "héllo"). */
  res = taos_query(taos, "SELECT n FROM t ORDER BY ts");
  int rows = -1;
  void *data = NULL;
  CHECK_INT_EQ(taos_fetch_raw_block(res, &rows, &data), 0);
  CHECK_INT_EQ(rows, 3);
  if (data && rows == 3) {
    const unsigned char *b = data;
    int32_t cols_n;
    memcpy(&cols_n, b + 12, 4);
    CHECK_INT_EQ(cols_n, 1);
    /* header 28 + schema 5 + lengths 4, then offsets[3], then data */
    int32_t off0;
    memcpy(&off0, b + 37, 4);
    const unsigned char *cell = b + 37 + 12 + off0;
    uint16_t l;
    memcpy(&l, cell, 2);
    CHECK_INT_EQ(l, 20);
    CHECK_INT_EQ(cell[2], 'h');
    CHECK_INT_EQ(cell[3], 0);
    CHECK(taos_get_raw_block(res) == data);
  }
  CHECK_INT_EQ(taos_fetch_raw_block(res, &rows, &data), 0);
  CHECK_INT_EQ(rows, 0);
  taos_free_result(res);
}

/* taos_stop_query mid-result ends the fetch loop (no hang) and the result still frees. */
static void stop_query(TAOS *taos) {
  TAOS_RES *res = taos_query(taos, "SELECT ts FROM big");
  CHECK_INT_EQ(taos_errno(res), 0);
  long n = 0;
  while (taos_fetch_row(res) != NULL) {
    if (++n == 10) taos_stop_query(res);
  }
  CHECK_MSG(n >= 10 && n < test_scaled(1000000, 20000), "read %ld rows after stop", n);
  taos_free_result(res);
}

/* taos_reset_current_db: afterwards no database is selected, results opened before
 * still read, and taos_select_db works again. */
static void reset_db(TAOS *taos, const char *db) {
  TAOS_RES *before = taos_query(taos, "SELECT v FROM t ORDER BY ts");
  CHECK_INT_EQ(taos_errno(before), 0);
  taos_reset_current_db(taos);
  TAOS_RES *res = taos_query(taos, "SELECT v FROM t");
  CHECK_MSG(taos_errno(res) != 0, "table found without a current database");
  taos_free_result(res);
  TAOS_ROW row = taos_fetch_row(before);
  CHECK_NOT_NULL(row);
  if (row) CHECK_INT_EQ(*(int32_t *)row[0], 7);
  taos_free_result(before);
  CHECK_INT_EQ(taos_select_db(taos, db), 0);
  char buf[64];
  CHECK_INT_EQ(taos_get_current_db(taos, buf, sizeof buf, NULL), 0);
  CHECK_STR_EQ(buf, db);
}

static void current_db(TAOS *taos, const char *db) {
  char buf[64];
  int required = 0;
  CHECK_INT_EQ(taos_get_current_db(taos, buf, sizeof buf, &required), 0);
  CHECK_STR_EQ(buf, db);
  char small[4];
  memset(small, 'Z', sizeof small);
  int rc = taos_get_current_db(taos, small, sizeof small, &required);
  CHECK_MSG(rc != 0, "short buffer accepted");
  CHECK_INT_EQ(required, (int)strlen(db) + 1);
  CHECK_INT_EQ(small[3], 0);
  CHECK_MSG(strncmp(small, db, 3) == 0, "truncated name %s", small);
}

static void options_and_info(void) {
  CHECK_INT_EQ(taos_options(TSDB_OPTION_DRIVER, "websocket"), 0);
  CHECK_INT_EQ(taos_options(TSDB_OPTION_DRIVER, "native"), -1);
  CHECK(taos_errno(NULL) < 0);
  CHECK_INT_EQ(taos_options(TSDB_OPTION_CHARSET, "UTF-8"), 0);
  setConfRet r = taos_set_config("{\"locale\":\"C\"}");
  CHECK_INT_EQ(r.retCode, SET_CONF_RET_SUCC);
  /* As TDengine 3.x: text that is not JSON (driver-go sends "key value...") is ignored. */
  r = taos_set_config("debugFlag 135");
  CHECK_INT_EQ(r.retCode, SET_CONF_RET_SUCC);
  r = taos_set_config("{\"charset\":\"GBK\"}");
  CHECK_INT_EQ(r.retCode, SET_CONF_RET_ERR_PART);
  CHECK(r.retMsg[0] != 0);
  CHECK(strncmp(taos_get_client_info(), "3.", 2) == 0);

  char port[16];
  snprintf(port, sizeof port, "%u", test_port());
  OPTIONS opt;
  memset(&opt, 0, sizeof opt);
  taos_set_option(&opt, "ip", test_host());
  taos_set_option(&opt, "port", port);
  taos_set_option(&opt, "user", "root");
  taos_set_option(&opt, "pass", "taosdata");
  taos_set_option(&opt, "userApp", "core_rowapi");
  CHECK_INT_EQ(opt.count, 5);
  TAOS *t = taos_connect_with(&opt);
  CHECK_NOT_NULL(t);
  if (t) {
    char user[32];
    int len = sizeof user;
    CHECK_INT_EQ(taos_get_connection_info(t, TSDB_CONNECTION_INFO_USER, user, &len), 0);
    CHECK_INT_EQ(len, 4);
    CHECK(memcmp(user, "root", 4) == 0);
    CHECK_INT_EQ(taos_connect_is_alive(t), 1);
    CHECK_NOT_NULL(taos_get_server_info(t));
    taos_close(t);
  }
  char dsn[160];
  snprintf(dsn, sizeof dsn, "ws://root:taosdata@%s:%u", test_host(), test_port());
  t = taos_connect_with_dsn(dsn);
  CHECK_NOT_NULL(t);
  if (t) {
    CHECK_INT_EQ(taos_validate_sql(t, "SELECT 1"), 0);
    CHECK(taos_validate_sql(t, "SELEC 1") < 0);
    CHECK(strlen(taos_errstr(NULL)) > 0);
    taos_close(t);
  }
  CHECK_NULL(taos_connect_with_dsn("bogus://x"));
  CHECK(taos_errno(NULL) < 0);
  CHECK_NULL(taos_connect_auth(test_host(), "root", "0123456789abcdef0123456789abcdef", NULL, test_port()));
  CHECK_INT_EQ(taos_errno(NULL), (int)0x80000100);
  CHECK_NULL(taos_connect(test_host(), "root", "wrong-password", NULL, test_port()));
  CHECK(taos_errno(NULL) < 0);
  CHECK(strlen(taos_errstr(NULL)) > 0);
  CHECK_INT_EQ(taos_connect_test(test_host(), "root", "taosdata", NULL, NULL, test_port()), 0);
}

/* ---- async: re-arm from inside the query callback --------------------------- */

struct job {
  sem_t done;
  long rows;
  int calls;
  int code;
};

static void fetch_cb(void *param, TAOS_RES *res, int n) {
  struct job *j = param;
  j->calls++;
  if (n > 0) {
    for (int i = 0; i < n; i++) {
      TAOS_ROW row = taos_fetch_row(res);
      if (row && row[0]) j->rows++;
    }
    taos_fetch_rows_a(res, fetch_cb, j);
    return;
  }
  j->code = n;
  taos_free_result(res);
  sem_post(&j->done);
}

static void query_cb(void *param, TAOS_RES *res, int code) {
  struct job *j = param;
  if (code != 0) {
    j->code = code;
    taos_free_result(res);
    sem_post(&j->done);
    return;
  }
  taos_fetch_rows_a(res, fetch_cb, j);
}

static void async_rearm(TAOS *taos) {
  struct job j = {0};
  sem_init(&j.done, 0, 0);
  taos_query_a(taos, "SELECT ts FROM t", query_cb, &j);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += 20;
  CHECK_INT_EQ(sem_timedwait(&j.done, &ts), 0);
  CHECK_INT_EQ(j.code, 0);
  CHECK_INT_EQ(j.rows, 3);
  CHECK_INT_EQ(j.calls, 2);
  sem_destroy(&j.done);
}

/* ---- throughput -------------------------------------------------------------- */

static void many_rows(TAOS *taos) {
  long total = test_scaled(1000000, 20000);
  EXEC_OK(taos, "CREATE TABLE big (ts TIMESTAMP, v INT, s VARCHAR(12))");
  const long batch = 5000;
  char *sql = malloc((size_t)batch * 48 + 64);
  for (long start = 0; start < total; start += batch) {
    size_t o = (size_t)sprintf(sql, "INSERT INTO big VALUES");
    for (long k = start; k < start + batch && k < total; k++)
      o += (size_t)sprintf(sql + o, " (%lld, %ld, 'r%ld')", TS0 + k, k, k % 1000);
    EXEC_OK(taos, sql);
  }
  free(sql);
  double t0 = test_now_sec();
  TAOS_RES *res = taos_query(taos, "SELECT ts, v, s FROM big");
  CHECK_INT_EQ(taos_errno(res), 0);
  long n = 0, sum_ok = 0;
  TAOS_ROW row;
  while ((row = taos_fetch_row(res)) != NULL) {
    if (row[1] && *(int32_t *)row[1] == (int32_t)(*(int64_t *)row[0] - TS0)) sum_ok++;
    n++;
  }
  double dt = test_now_sec() - t0;
  CHECK_INT_EQ(taos_errno(res), 0);
  CHECK_INT_EQ(n, total);
  CHECK_INT_EQ(sum_ok, total);
  taos_free_result(res);
  printf("core_rowapi: fetched %ld rows with taos_fetch_row in %.3f s (%.0f rows/s)\n", n, dt, n / (dt > 0 ? dt : 1e-9));
}

int main(void) {
  char db[64];
  test_db_name(db, sizeof db, "core_rowapi");
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("core_rowapi");
  setup(taos, db);
  row_api(taos);
  block_api(taos);
  current_db(taos, db);
  reset_db(taos, db);
  async_rearm(taos);
  options_and_info();
  many_rows(taos);
  stop_query(taos);
  char sql[128];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("core_rowapi");
}
