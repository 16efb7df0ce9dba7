/* `INSERT INTO ? VALUES (...)` without USING: the columns are those of the table named
 * later (taos_stmt_set_tbname / the tbnames of a stmt2 bind), a normal table or an existing
 * child table, as native TDengine does (tests/consumers/FINDINGS.md D1).
 *  - stmt v1: prepare returns 0, is_insert 1; get_col_fields fails with
 *    TSC_STMT_TBNAME_ERROR before a table is set and describes the table after; an unknown
 *    table fails at set_tbname; rows of two tables in one execute, read back cell by cell;
 *    a one-row NULL bound with another buffer_type is a NULL (native ignores the type);
 *  - stmt2: get_fields fails before a table is bound and then describes the table bound last
 *    (tbname first, as TDengine); two tables in one bind; a bind naming only a table; an
 *    unknown table fails;
 *  - `INSERT INTO ? USING st TAGS(?) VALUES(?,?,?)`: a bind with a table name and tags but
 *    no columns (bind_cols NULL) creates the child table, alone and next to a table with
 *    rows in the same bind. */
#include <limits.h>

#include "testutil.h"

#define TS0 1700000000000LL
#define TBNAME_ERROR ((int)0x8000022B)
#define TABLE_NOT_EXIST ((int)0x80002603)
#define VNULL INT_MIN

/* Checks the rows of `sql` (SELECT ts, v, s ...): `n` rows of (ts, v or VNULL, s or NULL). */
static void check_rows(TAOS *taos, const char *sql, int n, const int64_t *ts, const int *v, const char *const *s) {
  TAOS_RES *res = taos_query(taos, sql);
  CHECK_MSG(taos_errno(res) == 0, "%s: %s", sql, taos_errstr(res));
  if (taos_errno(res) != 0) {
    taos_free_result(res);
    return;
  }
  int r = 0;
  TAOS_ROW row;
  while ((row = taos_fetch_row(res)) != NULL) {
    int *lens = taos_fetch_lengths(res);
    if (r < n) {
      CHECK_MSG(row[0] && *(int64_t *)row[0] == ts[r], "%s row %d: ts", sql, r);
      if (v[r] == VNULL) {
        CHECK_MSG(row[1] == NULL, "%s row %d: v should be NULL", sql, r);
      } else {
        CHECK_MSG(row[1] && *(int32_t *)row[1] == v[r], "%s row %d: v should be %d", sql, r, v[r]);
      }
      if (s[r] == NULL) {
        CHECK_MSG(row[2] == NULL, "%s row %d: s should be NULL", sql, r);
      } else {
        CHECK_MSG(row[2] != NULL, "%s row %d: s is NULL", sql, r);
        if (row[2]) CHECK_MEM_EQ(row[2], lens[2], s[r], (long)strlen(s[r]));
      }
    }
    r++;
  }
  CHECK_MSG(r == n, "%s: %d rows, expected %d", sql, r, n);
  taos_free_result(res);
}

static int64_t count_of(TAOS *taos, const char *sql) {
  TAOS_RES *res = taos_query(taos, sql);
  int64_t n = -1;
  TAOS_ROW row = taos_errno(res) == 0 ? taos_fetch_row(res) : NULL;
  CHECK_MSG(row != NULL && row[0] != NULL, "%s: %s", sql, taos_errstr(res));
  if (row && row[0]) n = *(int64_t *)row[0];
  taos_free_result(res);
  return n;
}

/* ---- stmt v1 ------------------------------------------------------------------- */

static void check_col_fields_v1(TAOS_STMT *stmt) {
  int n = -1;
  TAOS_FIELD_E *f = NULL;
  CHECK_INT_EQ(taos_stmt_get_col_fields(stmt, &n, &f), 0);
  CHECK_INT_EQ(n, 3);
  if (f && n == 3) {
    CHECK_STR_EQ(f[0].name, "ts");
    CHECK_INT_EQ(f[0].type, TSDB_DATA_TYPE_TIMESTAMP);
    CHECK_STR_EQ(f[1].name, "v");
    CHECK_INT_EQ(f[1].type, TSDB_DATA_TYPE_INT);
    CHECK_STR_EQ(f[2].name, "s");
    CHECK_INT_EQ(f[2].type, TSDB_DATA_TYPE_VARCHAR);
    CHECK_INT_EQ(f[2].bytes, 10);
  }
  taos_stmt_reclaim_fields(stmt, f);
  n = -1;
  f = NULL;
  CHECK_INT_EQ(taos_stmt_get_tag_fields(stmt, &n, &f), 0); /* no TAGS clause: none */
  CHECK_INT_EQ(n, 0);
  CHECK_NULL(f);
}

static void v1_insert(TAOS *taos) {
  TAOS_STMT *stmt = taos_stmt_init(taos);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt_prepare(stmt, "INSERT INTO ? VALUES(?,?,?)", 0), 0);
  int is_insert = -1, nums = -1;
  CHECK_INT_EQ(taos_stmt_is_insert(stmt, &is_insert), 0);
  CHECK_INT_EQ(is_insert, 1);
  CHECK_INT_EQ(taos_stmt_num_params(stmt, &nums), 0);
  CHECK_INT_EQ(nums, 3); /* the columns' `?` (native counts them once the table is set) */

  /* Before a table name: nothing to describe. */
  int n = 7;
  TAOS_FIELD_E *f = (TAOS_FIELD_E *)&n;
  CHECK_INT_EQ(taos_stmt_get_col_fields(stmt, &n, &f), TBNAME_ERROR);
  CHECK_INT_EQ(n, 0);
  CHECK_NULL(f);
  CHECK_MSG(strlen(taos_stmt_errstr(stmt)) > 0, "empty errstr");
  int type = 0, bytes = 0;
  CHECK_INT_EQ(taos_stmt_get_param(stmt, 0, &type, &bytes), TBNAME_ERROR);

  /* Unknown table: refused at set_tbname, as native. */
  CHECK_INT_EQ(taos_stmt_set_tbname(stmt, "no_such_table"), TABLE_NOT_EXIST);
  CHECK_MSG(strstr(taos_stmt_errstr(stmt), "no_such_table") != NULL, "errstr: %s", taos_stmt_errstr(stmt));

  /* Normal table n: two rows in one bind, then one row whose NULL has another type. */
  CHECK_INT_EQ(taos_stmt_set_tbname(stmt, "n"), 0);
  check_col_fields_v1(stmt);
  CHECK_INT_EQ(taos_stmt_num_params(stmt, &nums), 0);
  CHECK_INT_EQ(nums, 3);
  CHECK_INT_EQ(taos_stmt_get_param(stmt, 2, &type, &bytes), 0);
  CHECK_INT_EQ(type, TSDB_DATA_TYPE_VARCHAR);
  CHECK_INT_EQ(bytes, 10);
  int64_t ts[2] = {TS0, TS0 + 1};
  int32_t v[2] = {11, 0};
  char vnull[2] = {0, 1};
  char s[2][8] = {"ab", "xyz"};
  int32_t slen[2] = {2, 3};
  TAOS_MULTI_BIND b[3] = {
      {TSDB_DATA_TYPE_TIMESTAMP, ts, sizeof(int64_t), NULL, NULL, 2},
      {TSDB_DATA_TYPE_INT, v, sizeof(int32_t), NULL, vnull, 2},
      {TSDB_DATA_TYPE_VARCHAR, s, 8, slen, NULL, 2},
  };
  CHECK_INT_EQ(taos_stmt_bind_param_batch(stmt, b), 0);
  CHECK_INT_EQ(taos_stmt_add_batch(stmt), 0);
  int64_t ts3 = TS0 + 2;
  char one_null = 1;
  int8_t dummy = 0;
  TAOS_MULTI_BIND b1[3] = {
      {TSDB_DATA_TYPE_TIMESTAMP, &ts3, sizeof(int64_t), NULL, NULL, 1},
      {TSDB_DATA_TYPE_BOOL, &dummy, 1, NULL, &one_null, 1}, /* NULL INT bound as BOOL (driver-go) */
      {TSDB_DATA_TYPE_VARCHAR, s[0], 8, slen, NULL, 1},
  };
  CHECK_INT_EQ(taos_stmt_bind_param(stmt, b1), 0);
  CHECK_INT_EQ(taos_stmt_add_batch(stmt), 0);

  /* An existing child table in the same batch (its columns; no tags bound). */
  CHECK_INT_EQ(taos_stmt_set_tbname(stmt, "d1"), 0);
  check_col_fields_v1(stmt);
  int64_t ts4 = TS0 + 3;
  int32_t v4 = 44;
  TAOS_MULTI_BIND b4[3] = {
      {TSDB_DATA_TYPE_TIMESTAMP, &ts4, sizeof(int64_t), NULL, NULL, 1},
      {TSDB_DATA_TYPE_INT, &v4, sizeof(int32_t), NULL, NULL, 1},
      {TSDB_DATA_TYPE_VARCHAR, s[1], 8, &slen[1], NULL, 1},
  };
  CHECK_INT_EQ(taos_stmt_bind_param(stmt, b4), 0);
  CHECK_INT_EQ(taos_stmt_add_batch(stmt), 0);
  int rc = taos_stmt_execute(stmt);
  CHECK_MSG(rc == 0, "execute: 0x%08x %s", (unsigned)rc, taos_stmt_errstr(stmt));
  CHECK_INT_EQ(taos_stmt_affected_rows(stmt), 4);

  /* A column of the wrong type for the table is refused (here at bind time). */
  CHECK_INT_EQ(taos_stmt_set_tbname(stmt, "n"), 0);
  TAOS_MULTI_BIND bad[3] = {
      {TSDB_DATA_TYPE_TIMESTAMP, &ts4, sizeof(int64_t), NULL, NULL, 1},
      {TSDB_DATA_TYPE_VARCHAR, s[0], 8, slen, NULL, 1},
      {TSDB_DATA_TYPE_VARCHAR, s[0], 8, slen, NULL, 1},
  };
  CHECK_INT_EQ(taos_stmt_bind_single_param_batch(stmt, &bad[0], 0), 0);
  CHECK_MSG(taos_stmt_bind_single_param_batch(stmt, &bad[1], 1) != 0, "VARCHAR into INT column accepted");
  CHECK_INT_EQ(taos_stmt_close(stmt), 0);

  const int64_t nts[3] = {TS0, TS0 + 1, TS0 + 2};
  const int nv[3] = {11, VNULL, VNULL};
  const char *const ns[3] = {"ab", "xyz", "ab"};
  check_rows(taos, "SELECT ts, v, s FROM n ORDER BY ts", 3, nts, nv, ns);
  const int64_t dts[1] = {TS0 + 3};
  const int dv[1] = {44};
  const char *const ds[1] = {"xyz"};
  check_rows(taos, "SELECT ts, v, s FROM st WHERE g = 7 ORDER BY ts", 1, dts, dv, ds);
}

/* ---- stmt2 ---------------------------------------------------------------------- */

static void check_fields_stmt2(TAOS_STMT2 *stmt) {
  int n = -1;
  TAOS_FIELD_ALL *f = NULL;
  int rc = taos_stmt2_get_fields(stmt, &n, &f);
  CHECK_MSG(rc == 0, "get_fields: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  CHECK_INT_EQ(n, 4);
  if (f && n == 4) {
    CHECK_STR_EQ(f[0].name, "tbname");
    CHECK_INT_EQ(f[0].field_type, TAOS_FIELD_TBNAME);
    CHECK_INT_EQ(f[0].type, TSDB_DATA_TYPE_BINARY);
    CHECK_INT_EQ(f[0].bytes, 271);
    CHECK_STR_EQ(f[1].name, "ts");
    CHECK_INT_EQ(f[1].field_type, TAOS_FIELD_COL);
    CHECK_INT_EQ(f[1].type, TSDB_DATA_TYPE_TIMESTAMP);
    CHECK_STR_EQ(f[3].name, "s");
    CHECK_INT_EQ(f[3].type, TSDB_DATA_TYPE_VARCHAR);
  }
  taos_stmt2_free_fields(stmt, f);
}

static void stmt2_insert(TAOS *taos) {
  TAOS_STMT2_OPTION opt = {0, false, false, NULL, NULL};
  TAOS_STMT2 *stmt = taos_stmt2_init(taos, &opt);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt2_prepare(stmt, "INSERT INTO ? VALUES(?,?,?)", 0), 0);
  int is_insert = -1;
  CHECK_INT_EQ(taos_stmt2_is_insert(stmt, &is_insert), 0);
  CHECK_INT_EQ(is_insert, 1);
  int n = -1;
  TAOS_FIELD_ALL *f = NULL;
  CHECK_INT_EQ(taos_stmt2_get_fields(stmt, &n, &f), TBNAME_ERROR);
  CHECK_NULL(f);
  CHECK_MSG(strlen(taos_stmt2_error(stmt)) > 0, "empty error text");

  /* Two tables in one bind: the normal table n (2 rows) and the child table d1 (1 row). */
  int64_t ts_n[2] = {TS0 + 10, TS0 + 11}, ts_d[1] = {TS0 + 12};
  int32_t v_n[2] = {5, 0}, v_d[1] = {6};
  char nulls[2] = {0, 1};
  char s_n[] = "pqrs", s_d[] = "z";
  int32_t l_n[2] = {1, 3}, l_d[1] = {1}, l8[2] = {8, 8}, l4[2] = {4, 4};
  TAOS_STMT2_BIND cn[3] = {{TSDB_DATA_TYPE_TIMESTAMP, ts_n, l8, NULL, 2},
                           {TSDB_DATA_TYPE_INT, v_n, l4, nulls, 2},
                           {TSDB_DATA_TYPE_VARCHAR, s_n, l_n, NULL, 2}};
  TAOS_STMT2_BIND cd[3] = {{TSDB_DATA_TYPE_TIMESTAMP, ts_d, l8, NULL, 1},
                           {TSDB_DATA_TYPE_INT, v_d, l4, NULL, 1},
                           {TSDB_DATA_TYPE_VARCHAR, s_d, l_d, NULL, 1}};
  char *names[2] = {"n", "d1"};
  TAOS_STMT2_BIND *cols[2] = {cn, cd};
  TAOS_STMT2_BINDV bv = {2, names, NULL, cols};
  int rc = taos_stmt2_bind_param(stmt, &bv, -1);
  CHECK_MSG(rc == 0, "bind: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  check_fields_stmt2(stmt); /* the table bound last: d1 */
  int affected = -1;
  rc = taos_stmt2_exec(stmt, &affected);
  CHECK_MSG(rc == 0, "exec: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  CHECK_INT_EQ(affected, 3);
  check_fields_stmt2(stmt); /* still described after exec */

  /* A bind that only names a table (bind_cols NULL): no rows, the table is described. */
  char *only[1] = {"n"};
  TAOS_STMT2_BINDV name_only = {1, only, NULL, NULL};
  CHECK_INT_EQ(taos_stmt2_bind_param(stmt, &name_only, -1), 0);
  check_fields_stmt2(stmt);
  CHECK_INT_EQ(taos_stmt2_exec(stmt, &affected), 0);
  CHECK_INT_EQ(affected, 0);

  /* Unknown table. */
  char *missing[1] = {"no_such_table"};
  TAOS_STMT2_BIND *cm[1] = {cd};
  TAOS_STMT2_BINDV bad = {1, missing, NULL, cm};
  rc = taos_stmt2_bind_param(stmt, &bad, -1);
  if (rc == 0) rc = taos_stmt2_exec(stmt, &affected);
  CHECK_INT_EQ(rc, TABLE_NOT_EXIST);
  CHECK_MSG(strstr(taos_stmt2_error(stmt), "no_such_table") != NULL, "error: %s", taos_stmt2_error(stmt));
  CHECK_INT_EQ(taos_stmt2_close(stmt), 0);

  const int64_t nts[2] = {TS0 + 10, TS0 + 11};
  const int nv[2] = {5, VNULL};
  const char *const ns[2] = {"p", "qrs"};
  check_rows(taos, "SELECT ts, v, s FROM n WHERE ts >= 1700000000010 ORDER BY ts", 2, nts, nv, ns);
  const int64_t dts[1] = {TS0 + 12};
  const int dv[1] = {6};
  const char *const ds[1] = {"z"};
  check_rows(taos, "SELECT ts, v, s FROM d1 WHERE ts >= 1700000000010 ORDER BY ts", 1, dts, dv, ds);
}

/* ---- USING with a bind of table name + tags only -------------------------------- */

static void tags_without_columns(TAOS *taos) {
  TAOS_STMT2_OPTION opt = {0, false, false, NULL, NULL};
  TAOS_STMT2 *stmt = taos_stmt2_init(taos, &opt);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt2_prepare(stmt, "INSERT INTO ? USING st TAGS(?) VALUES(?,?,?)", 0), 0);
  int32_t g5 = 5, g6 = 6, g7 = 8;
  int32_t l4 = 4;
  TAOS_STMT2_BIND t5 = {TSDB_DATA_TYPE_INT, &g5, &l4, NULL, 1};
  TAOS_STMT2_BIND t6 = {TSDB_DATA_TYPE_INT, &g6, &l4, NULL, 1};
  TAOS_STMT2_BIND t7 = {TSDB_DATA_TYPE_INT, &g7, &l4, NULL, 1};
  /* Alone: creates d5, no rows. */
  char *n5[1] = {"d5"};
  TAOS_STMT2_BIND *tg5[1] = {&t5};
  TAOS_STMT2_BINDV bv5 = {1, n5, tg5, NULL};
  int rc = taos_stmt2_bind_param(stmt, &bv5, -1);
  CHECK_MSG(rc == 0, "bind: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  int affected = -1;
  CHECK_INT_EQ(taos_stmt2_exec(stmt, &affected), 0);
  CHECK_INT_EQ(affected, 0);
  CHECK_INT_EQ(count_of(taos, "SELECT COUNT(*) FROM information_schema.ins_tables WHERE table_name = 'd5'"), 1);

  /* Next to tables with rows in one bind: d6 (tags only) between d7 and d8 (rows). */
  int64_t ts[1] = {TS0 + 20};
  int32_t v[1] = {77}, l8 = 8, l1 = 1;
  char s[] = "q";
  TAOS_STMT2_BIND c[3] = {{TSDB_DATA_TYPE_TIMESTAMP, ts, &l8, NULL, 1},
                          {TSDB_DATA_TYPE_INT, v, &l4, NULL, 1},
                          {TSDB_DATA_TYPE_VARCHAR, s, &l1, NULL, 1}};
  char *names[3] = {"d7", "d6", "d8"};
  TAOS_STMT2_BIND *tags[3] = {&t7, &t6, &t7};
  TAOS_STMT2_BIND *cols[3] = {c, NULL, c};
  TAOS_STMT2_BINDV bv = {3, names, tags, cols};
  rc = taos_stmt2_bind_param(stmt, &bv, -1);
  CHECK_MSG(rc == 0, "bind: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  CHECK_INT_EQ(taos_stmt2_exec(stmt, &affected), 0);
  CHECK_INT_EQ(affected, 2);
  CHECK_INT_EQ(count_of(taos, "SELECT COUNT(*) FROM information_schema.ins_tables WHERE table_name = 'd6'"), 1);
  CHECK_INT_EQ(count_of(taos, "SELECT COUNT(*) FROM st WHERE g = 8 AND v = 77"), 2);

  /* Then an ordinary bind with columns on the same statement still works. */
  int64_t ts2[1] = {TS0 + 21};
  c[0].buffer = ts2;
  TAOS_STMT2_BIND *cols1[1] = {c};
  TAOS_STMT2_BIND *tg6[1] = {&t6};
  char *n6[1] = {"d6"};
  TAOS_STMT2_BINDV bv6 = {1, n6, tg6, cols1};
  CHECK_INT_EQ(taos_stmt2_bind_param(stmt, &bv6, -1), 0);
  CHECK_INT_EQ(taos_stmt2_exec(stmt, &affected), 0);
  CHECK_INT_EQ(affected, 1);
  CHECK_INT_EQ(count_of(taos, "SELECT COUNT(*) FROM d6"), 1);

  /* Without a table name (nor columns) a table cannot be bound. */
  TAOS_STMT2_BINDV none = {1, NULL, tg5, NULL};
  CHECK_MSG(taos_stmt2_bind_param(stmt, &none, -1) != 0, "bind without a table name accepted");
  CHECK_INT_EQ(taos_stmt2_close(stmt), 0);
}

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (!taos) return test_finish("stmt_tbname_later");
  char db[64];
  test_fresh_db(taos, test_db_name(db, sizeof db, "stmt_tbl"));
  EXEC_OK(taos, "CREATE TABLE n (ts TIMESTAMP, v INT, s VARCHAR(8))");
  EXEC_OK(taos, "CREATE STABLE st (ts TIMESTAMP, v INT, s VARCHAR(8)) TAGS (g INT)");
  EXEC_OK(taos, "CREATE TABLE d1 USING st TAGS (7)");

  v1_insert(taos);
  stmt2_insert(taos);
  tags_without_columns(taos);

  char sql[100];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("stmt_tbname_later");
}
