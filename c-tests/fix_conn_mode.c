/*
 * fix_conn_mode: taos_set_conn_mode(TAOS_CONN_MODE_BI, 0/1) reopens the session in the
 * requested mode and keeps the connection usable: same current database, results
 * obtained before the switch still readable, taos_reset_current_db afterwards works.
 * Bad mode/value/handle give the documented error codes.
 */
#include "testutil.h"

#define INVALID_PARA ((int)0x80000118)
#define INVALID_CONNECTION ((int)0x8000020B)

/* SELECT COUNT(*) FROM <table> on the connection; -1 on error (after a failed CHECK). */
static long long count_rows(TAOS *taos, const char *table) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
  TAOS_RES *res = taos_query(taos, sql);
  CHECK_MSG(taos_errno(res) == 0, "%s: 0x%08x %s", sql, (unsigned)taos_errno(res), taos_errstr(res));
  long long n = -1;
  TAOS_ROW row = taos_errno(res) == 0 ? taos_fetch_row(res) : NULL;
  if (row != NULL && row[0] != NULL) n = *(int64_t *)row[0];
  taos_free_result(res);
  return n;
}

static void check_current_db(TAOS *taos, const char *want) {
  char buf[64] = {0};
  int required = 0;
  CHECK_INT_EQ(taos_get_current_db(taos, buf, (int)sizeof buf, &required), 0);
  CHECK_STR_EQ(buf, want);
}

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("fix_conn_mode");

  char db[64];
  test_db_name(db, sizeof db, "fix_cm");
  test_fresh_db(taos, db);
  EXEC_OK(taos, "CREATE TABLE t (ts TIMESTAMP, v INT)");
  CHECK_INT_EQ(EXEC_OK(taos, "INSERT INTO t VALUES (1700000000000, 1) (1700000000001, 2) (1700000000002, 3)"), 3);

  /* A result opened before the switch must stay readable after it. */
  TAOS_RES *before = taos_query(taos, "SELECT v FROM t ORDER BY ts");
  CHECK_INT_EQ(taos_errno(before), 0);

  /* BI mode on: a new session, same database (bare table names still resolve). */
  CHECK_INT_EQ(taos_set_conn_mode(taos, TAOS_CONN_MODE_BI, 1), 0);
  CHECK_INT_EQ(taos_connect_is_alive(taos), 1);
  check_current_db(taos, db);
  CHECK_INT_EQ(count_rows(taos, "t"), 3);
  EXEC_OK(taos, "INSERT INTO t VALUES (1700000000003, 4)");
  CHECK_INT_EQ(count_rows(taos, "t"), 4);

  int seen = 0, sum = 0;
  TAOS_ROW row;
  while (before != NULL && (row = taos_fetch_row(before)) != NULL) {
    seen++;
    if (row[0] != NULL) sum += *(int32_t *)row[0];
  }
  CHECK_INT_EQ(taos_errno(before), 0);
  CHECK_INT_EQ(seen, 3);
  CHECK_INT_EQ(sum, 6);
  taos_free_result(before);

  /* Same mode again: nothing to do, still fine. */
  CHECK_INT_EQ(taos_set_conn_mode(taos, TAOS_CONN_MODE_BI, 1), 0);
  CHECK_INT_EQ(count_rows(taos, "t"), 4);

  /* Reset the database while in BI mode: the session keeps working without a db. */
  taos_reset_current_db(taos);
  check_current_db(taos, "");
  char full[128];
  snprintf(full, sizeof full, "%s.t", db);
  CHECK_INT_EQ(count_rows(taos, full), 4);

  /* Back to normal mode, after selecting the database again. */
  CHECK_INT_EQ(taos_select_db(taos, db), 0);
  CHECK_INT_EQ(taos_set_conn_mode(taos, TAOS_CONN_MODE_BI, 0), 0);
  check_current_db(taos, db);
  CHECK_INT_EQ(count_rows(taos, "t"), 4);

  /* Errors: unknown mode, value not 0/1, no connection. The connection is unchanged. */
  CHECK_INT_EQ(taos_set_conn_mode(taos, 1, 1), INVALID_PARA);
  CHECK_INT_EQ(taos_errno(NULL), INVALID_PARA);
  CHECK_MSG(strstr(taos_errstr(NULL), "mode") != NULL, "errstr: %s", taos_errstr(NULL));
  CHECK_INT_EQ(taos_set_conn_mode(taos, -1, 0), INVALID_PARA);
  CHECK_INT_EQ(taos_set_conn_mode(taos, TAOS_CONN_MODE_BI, 2), INVALID_PARA);
  CHECK_INT_EQ(taos_set_conn_mode(NULL, TAOS_CONN_MODE_BI, 1), INVALID_CONNECTION);
  CHECK_INT_EQ(count_rows(taos, "t"), 4);

  char sql[128];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("fix_conn_mode");
}
