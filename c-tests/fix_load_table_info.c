/*
 * fix_load_table_info: taos_load_table_info succeeds when every listed table exists
 * (bare names in the current database, db.tb, backquoted parts, spaces, normal and super
 * tables) and fails with the server's "table does not exist" code otherwise.
 */
#include "testutil.h"

#define INVALID_PARA ((int)0x80000118)
#define INVALID_CONNECTION ((int)0x8000020B)
#define TABLE_NOT_EXIST ((int)0x80002603)

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("fix_load_table_info");

  char db[64], list[256];
  test_db_name(db, sizeof db, "fix_lti");
  test_fresh_db(taos, db);
  EXEC_OK(taos, "CREATE TABLE t1 (ts TIMESTAMP, v INT)");
  EXEC_OK(taos, "CREATE TABLE t2 (ts TIMESTAMP, s VARCHAR(8))");
  EXEC_OK(taos, "CREATE STABLE st (ts TIMESTAMP, v INT) TAGS (g INT)");
  EXEC_OK(taos, "CREATE TABLE c1 USING st TAGS (1)");

  /* All exist. */
  CHECK_INT_EQ(taos_load_table_info(taos, "t1"), 0);
  CHECK_INT_EQ(taos_load_table_info(taos, "t1,t2,st,c1"), 0);
  snprintf(list, sizeof list, " t1 , %s.t2,`%s`.`c1`,", db, db);
  CHECK_INT_EQ(taos_load_table_info(taos, list), 0);
  /* NULL and empty lists: nothing to load (as native). */
  CHECK_INT_EQ(taos_load_table_info(taos, NULL), 0);
  CHECK_INT_EQ(taos_load_table_info(taos, ""), 0);

  /* One missing table fails the call with the server's code and message. */
  CHECK_INT_EQ(taos_load_table_info(taos, "t1,nosuch,t2"), TABLE_NOT_EXIST);
  CHECK_INT_EQ(taos_errno(NULL), TABLE_NOT_EXIST);
  CHECK_MSG(taos_errstr(NULL) != NULL && taos_errstr(NULL)[0] != 0, "empty errstr");
  snprintf(list, sizeof list, "%s.t1,%s.gone", db, db);
  CHECK_INT_EQ(taos_load_table_info(taos, list), TABLE_NOT_EXIST);

  /* Without a current database, qualified names still work. */
  TAOS *bare = test_connect(NULL);
  CHECK_NOT_NULL(bare);
  if (bare != NULL) {
    snprintf(list, sizeof list, "%s.t1,%s.st", db, db);
    CHECK_INT_EQ(taos_load_table_info(bare, list), 0);
    CHECK(taos_load_table_info(bare, "t1") != 0);
    taos_close(bare);
  }

  /* Malformed names never reach the server as SQL. */
  CHECK_INT_EQ(taos_load_table_info(taos, "t1; DROP DATABASE x"), INVALID_PARA);
  CHECK_INT_EQ(taos_load_table_info(taos, "a.b.c"), INVALID_PARA);
  CHECK_INT_EQ(taos_load_table_info(taos, "`open"), INVALID_PARA);
  CHECK_INT_EQ(taos_load_table_info(NULL, "t1"), INVALID_CONNECTION);
  /* The tables are still there. */
  CHECK_INT_EQ(taos_load_table_info(taos, "t1,t2"), 0);

  snprintf(list, sizeof list, "DROP DATABASE IF EXISTS %s", db);
  EXEC_OK(taos, list);
  taos_close(taos);
  return test_finish("fix_load_table_info");
}
