/* DDL through the C API: databases, supertables, child and normal tables; what
 * SHOW / DESCRIBE return; taos_select_db and taos_get_current_db; DDL results have
 * no fields; inserts report affected rows; dropped objects are gone. */
#include "testutil.h"

#define CODE_INVALID_PARA ((int)0x80000118)
#define CODE_PAR_TABLE_NOT_EXIST ((int)0x80002603)
#define CODE_MND_DB_NOT_EXIST ((int)0x80000388)

/* Collects the first column (a string) of every row of `sql`, joined by ',' in
 * result order. */
static void first_column(TAOS *taos, const char *sql, char *out, size_t cap) {
  out[0] = 0;
  TAOS_RES *res = taos_query(taos, sql);
  CHECK_MSG(taos_errno(res) == 0, "%s: 0x%08x %s", sql, (unsigned)taos_errno(res), taos_errstr(res));
  TAOS_ROW row;
  size_t o = 0;
  while ((row = taos_fetch_row(res)) != NULL) {
    int len = row[0] ? taos_fetch_lengths(res)[0] : 4;
    o += (size_t)snprintf(out + o, cap - o, "%s%.*s", o ? "," : "", len, row[0] ? (char *)row[0] : "NULL");
    if (o >= cap) break;
  }
  taos_free_result(res);
}

static int list_has(const char *list, const char *item) {
  size_t n = strlen(item);
  for (const char *p = list; (p = strstr(p, item)) != NULL; p += n) {
    if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == 0)) return 1;
  }
  return 0;
}

static void ddl_results(TAOS *taos) {
  TAOS_RES *res = taos_query(taos, "CREATE TABLE IF NOT EXISTS n1 (ts TIMESTAMP, v INT, s VARCHAR(8))");
  CHECK_INT_EQ(taos_errno(res), 0);
  CHECK(taos_is_update_query(res));
  CHECK_INT_EQ(taos_num_fields(res), 0);
  CHECK_NULL(taos_fetch_row(res));
  taos_free_result(res);
}

static void tables(TAOS *taos, const char *db) {
  EXEC_OK(taos, "CREATE STABLE st (ts TIMESTAMP, v DOUBLE) TAGS (site INT, name VARCHAR(16))");
  EXEC_OK(taos, "CREATE STABLE IF NOT EXISTS st (ts TIMESTAMP, v DOUBLE) TAGS (site INT, name VARCHAR(16))");
  /* Several child tables in one statement. */
  EXEC_OK(taos, "CREATE TABLE c1 USING st TAGS (1, 'one') c2 USING st TAGS (2, 'two')");
  /* Auto-create on insert. */
  CHECK_INT_EQ(EXEC_OK(taos, "INSERT INTO c3 USING st TAGS (3, 'three') VALUES (1700000000000, 3.5)"), 1);
  CHECK_INT_EQ(EXEC_OK(taos, "INSERT INTO c1 VALUES (1700000000000, 1.5) (1700000001000, 2.5) "
                             "c2 VALUES (1700000000000, 9.0)"),
               3);

  char list[512];
  first_column(taos, "SHOW STABLES", list, sizeof list);
  CHECK_MSG(list_has(list, "st"), "SHOW STABLES = [%s]", list);
  first_column(taos, "SHOW TABLES", list, sizeof list);
  CHECK_MSG(list_has(list, "c1") && list_has(list, "c2") && list_has(list, "c3") && list_has(list, "n1"),
            "SHOW TABLES = [%s]", list);
  CHECK_MSG(!list_has(list, "st"), "SHOW TABLES lists the supertable: [%s]", list);

  first_column(taos, "DESCRIBE st", list, sizeof list);
  CHECK_STR_EQ(list, "ts,v,site,name");

  char sql[160];
  first_column(taos, "SHOW DATABASES", list, sizeof list);
  CHECK_MSG(list_has(list, db), "SHOW DATABASES = [%s] lacks %s", list, db);
  CHECK_MSG(list_has(list, "information_schema"), "SHOW DATABASES = [%s] lacks information_schema", list);

  /* Supertable query sees all children; tags are selectable. */
  TAOS_RES *res = taos_query(taos, "SELECT COUNT(*) FROM st");
  CHECK_INT_EQ(taos_errno(res), 0);
  TAOS_ROW row = taos_fetch_row(res);
  CHECK(row != NULL && row[0] != NULL && *(int64_t *)row[0] == 4);
  taos_free_result(res);
  first_column(taos, "SELECT name FROM st WHERE site = 2", list, sizeof list);
  CHECK_STR_EQ(list, "two");

  EXEC_OK(taos, "DROP TABLE c2");
  EXEC_FAILS(taos, "SELECT * FROM c2", CODE_PAR_TABLE_NOT_EXIST);
  EXEC_OK(taos, "DROP TABLE IF EXISTS c2");
  first_column(taos, "SHOW TABLES", list, sizeof list);
  CHECK_MSG(!list_has(list, "c2"), "dropped c2 still listed: [%s]", list);
  snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s.st", db);
  res = taos_query(taos, sql);
  row = taos_fetch_row(res);
  CHECK(row != NULL && row[0] != NULL && *(int64_t *)row[0] == 3);
  taos_free_result(res);
}

static void current_db(TAOS *taos, const char *db) {
  char buf[128];
  int required = 0;
  memset(buf, 'x', sizeof buf);
  CHECK_INT_EQ(taos_get_current_db(taos, buf, sizeof buf, &required), 0);
  CHECK_STR_EQ(buf, db);

  /* Too small: truncated, NUL-terminated, INVALID_PARA, *required = strlen + 1. */
  char small[4];
  required = 0;
  CHECK_INT_EQ(taos_get_current_db(taos, small, sizeof small, &required), CODE_INVALID_PARA);
  CHECK_INT_EQ(required, (int)strlen(db) + 1);
  CHECK_MSG(memchr(small, 0, sizeof small) != NULL, "truncated name not NUL-terminated");

  /* taos_select_db switches; a missing database is refused with its code. */
  TAOS *other = test_connect(NULL);
  CHECK_NOT_NULL(other);
  if (other == NULL) return;
  CHECK_INT_EQ(taos_select_db(other, db), 0);
  memset(buf, 0, sizeof buf);
  CHECK_INT_EQ(taos_get_current_db(other, buf, sizeof buf, &required), 0);
  CHECK_STR_EQ(buf, db);
  CHECK_INT_EQ(EXEC_OK(other, "INSERT INTO n1 VALUES (1700000000000, 1, 'a')"), 1);
  CHECK_INT_EQ(taos_select_db(other, "no_such_db_z"), CODE_MND_DB_NOT_EXIST);
  taos_close(other);

  /* Connecting with a database selects it. */
  other = test_connect(db);
  CHECK_NOT_NULL(other);
  if (other) {
    memset(buf, 0, sizeof buf);
    CHECK_INT_EQ(taos_get_current_db(other, buf, sizeof buf, &required), 0);
    CHECK_STR_EQ(buf, db);
    CHECK_INT_EQ(EXEC_OK(other, "SELECT * FROM n1"), 0);
    taos_close(other);
  }
}

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("test_ddl");
  char dbbuf[64];
  const char *db = test_db_name(dbbuf, sizeof dbbuf, "ct_ddl");
  test_fresh_db(taos, db);

  ddl_results(taos);
  tables(taos, db);
  current_db(taos, db);

  char sql[128];
  snprintf(sql, sizeof sql, "DROP DATABASE %s", db);
  EXEC_OK(taos, sql);
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
  EXEC_OK(taos, sql);
  snprintf(sql, sizeof sql, "SELECT * FROM %s.n1", db);
  EXEC_FAILS(taos, sql, CODE_MND_DB_NOT_EXIST);
  taos_close(taos);
  return test_finish("test_ddl");
}
