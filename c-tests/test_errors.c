/* Error codes and messages: taos_query returns a non-NULL result carrying the
 * error (as the native client does); taos_errno gives TDengine's negative code,
 * taos_errstr a non-empty message; the connection keeps working afterwards. */
#include "testutil.h"

#define CODE_PAR_SYNTAX_ERROR ((int)0x80002600)
#define CODE_PAR_TABLE_NOT_EXIST ((int)0x80002603)
#define CODE_PAR_INVALID_COLUMN ((int)0x80002602)
#define CODE_PAR_DB_NOT_SPECIFIED ((int)0x80002616)
#define CODE_MND_DB_NOT_EXIST ((int)0x80000388)
#define CODE_MND_DB_ALREADY_EXIST ((int)0x80000381)

static void syntax_error(TAOS *taos) {
  TAOS_RES *res = taos_query(taos, "SELEKT * FROM nothing");
  CHECK_NOT_NULL(res); /* the error travels in the result */
  CHECK_INT_EQ(taos_errno(res), CODE_PAR_SYNTAX_ERROR);
  const char *msg = taos_errstr(res);
  CHECK_NOT_NULL(msg);
  if (msg) {
    CHECK_MSG(strstr(msg, "syntax error") != NULL, "syntax error message: \"%s\"", msg);
    printf("syntax error -> \"%s\"\n", msg);
  }
  /* An error result has no rows and no fields. */
  CHECK_NULL(taos_fetch_row(res));
  CHECK_INT_EQ(taos_num_fields(res), 0);
  taos_free_result(res);
}

static void missing_objects(TAOS *taos) {
  EXEC_FAILS(taos, "SELECT * FROM no_such_table", CODE_PAR_TABLE_NOT_EXIST);
  EXEC_FAILS(taos, "SELECT * FROM no_such_db_x.t", CODE_MND_DB_NOT_EXIST);
  EXEC_FAILS(taos, "USE no_such_db_y", CODE_MND_DB_NOT_EXIST);
  EXEC_FAILS(taos, "INSERT INTO no_such_table VALUES (now, 1)", CODE_PAR_TABLE_NOT_EXIST);
  EXEC_FAILS(taos, "SELECT nope FROM et", CODE_PAR_INVALID_COLUMN);

  /* The message names the problem. */
  TAOS_RES *res = taos_query(taos, "SELECT * FROM no_such_table");
  const char *msg = taos_errstr(res);
  CHECK_MSG(msg && strstr(msg, "not exist") != NULL, "table-not-exist message: \"%s\"", msg ? msg : "(null)");
  printf("table not exist -> 0x%08x \"%s\"\n", (unsigned)taos_errno(res), msg ? msg : "(null)");
  taos_free_result(res);
}

static void no_database_selected(void) {
  TAOS *t = test_connect(NULL);
  CHECK_NOT_NULL(t);
  if (t == NULL) return;
  EXEC_FAILS(t, "SELECT * FROM et", CODE_PAR_DB_NOT_SPECIFIED);
  EXEC_FAILS(t, "CREATE TABLE x (ts TIMESTAMP, v INT)", CODE_PAR_DB_NOT_SPECIFIED);
  taos_close(t);
}

static void already_exists(TAOS *taos, const char *db) {
  char sql[128];
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
  EXEC_FAILS(taos, sql, CODE_MND_DB_ALREADY_EXIST);
  snprintf(sql, sizeof sql, "CREATE DATABASE IF NOT EXISTS %s", db);
  EXEC_OK(taos, sql);
}

/* Errors do not poison the connection or later results. */
static void keeps_working(TAOS *taos) {
  for (int i = 0; i < 3; i++) EXEC_FAILS(taos, "SELEKT 1", CODE_PAR_SYNTAX_ERROR);
  TAOS_RES *res = taos_query(taos, "SELECT v FROM et");
  CHECK_INT_EQ(taos_errno(res), 0);
  CHECK_STR_EQ(taos_errstr(res), "success");
  TAOS_ROW row = taos_fetch_row(res);
  CHECK(row != NULL && row[0] != NULL && *(int32_t *)row[0] == 5);
  taos_free_result(res);
  /* The reqid variant behaves the same. */
  res = taos_query_with_reqid(taos, "SELECT v FROM et", 0x1234567);
  CHECK_INT_EQ(taos_errno(res), 0);
  row = taos_fetch_row(res);
  CHECK(row != NULL && row[0] != NULL && *(int32_t *)row[0] == 5);
  taos_free_result(res);
  res = taos_query_with_reqid(taos, "SELEKT 1", 0x1234568);
  CHECK_INT_EQ(taos_errno(res), CODE_PAR_SYNTAX_ERROR);
  taos_free_result(res);
}

/* taos_validate_sql parses without executing. */
static void validate(TAOS *taos) {
  CHECK_INT_EQ(taos_validate_sql(taos, "SELECT * FROM et"), 0);
  CHECK_INT_EQ(taos_validate_sql(taos, "SELEKT * FROM et"), CODE_PAR_SYNTAX_ERROR);
}

/* The result's error stays with the result, independent of later calls. */
static void error_belongs_to_result(TAOS *taos) {
  TAOS_RES *bad = taos_query(taos, "SELECT * FROM no_such_table");
  TAOS_RES *good = taos_query(taos, "SELECT * FROM et");
  CHECK_INT_EQ(taos_errno(bad), CODE_PAR_TABLE_NOT_EXIST);
  CHECK_INT_EQ(taos_errno(good), 0);
  taos_free_result(good);
  CHECK_INT_EQ(taos_errno(bad), CODE_PAR_TABLE_NOT_EXIST);
  taos_free_result(bad);
}

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("test_errors");
  char dbbuf[64];
  const char *db = test_db_name(dbbuf, sizeof dbbuf, "ct_errors");
  test_fresh_db(taos, db);
  EXEC_OK(taos, "CREATE TABLE et (ts TIMESTAMP, v INT)");
  EXEC_OK(taos, "INSERT INTO et VALUES (1700000000000, 5)");

  syntax_error(taos);
  missing_objects(taos);
  no_database_selected();
  already_exists(taos, db);
  keeps_working(taos);
  validate(taos);
  error_belongs_to_result(taos);

  char sql[128];
  snprintf(sql, sizeof sql, "DROP DATABASE %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("test_errors");
}
