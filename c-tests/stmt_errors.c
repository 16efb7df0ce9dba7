/* Bad input to taos_stmt_* and taos_stmt2_* never crashes and always gives a clear error
 * code plus a message (taos_stmt_errstr / taos_stmt2_error): NULL statement, NULL bind
 * arrays, num <= 0, buffer_type out of range, NULL length for a variable type, a missing
 * table name, wrong call order, bad SQL, and calls on a closed statement. */
#include "stmt_common.inc"

#define INVALID_PARA ((int)0x80000118)
#define STMT_API_ERROR ((int)0x8000022A)
#define STMT_TBNAME_ERROR ((int)0x8000022B)
#define OPS_NOT_SUPPORT ((int)0x80000100)
#define INVALID_OPERATION ((int)0x80000200)

#define CHECK_CODE(call, code, msgfn)                                                                  \
  do {                                                                                                \
    int rc_ = (call);                                                                                 \
    const char *m_ = (msgfn);                                                                         \
    CHECK_MSG(rc_ == (code), "%s: got 0x%08x (%s), expected 0x%08x", #call, (unsigned)rc_, m_ ? m_ : "(null)", \
              (unsigned)(code));                                                                      \
    CHECK_MSG(m_ != NULL && m_[0] != 0, "%s: empty error message", #call);                            \
  } while (0)

static void null_handles(void) {
  int n = 5, t = 5, b = 5;
  TAOS_FIELD_E *fe = (TAOS_FIELD_E *)8;
  TAOS_FIELD_ALL *fa = (TAOS_FIELD_ALL *)8;
  CHECK_NULL(taos_stmt_init(NULL));
  CHECK_NULL(taos_stmt2_init(NULL, NULL));
  CHECK_CODE(taos_stmt_prepare(NULL, "select 1", 0), INVALID_PARA, taos_stmt_errstr(NULL));
  CHECK_CODE(taos_stmt_set_tbname(NULL, "t"), INVALID_PARA, taos_stmt_errstr(NULL));
  CHECK_CODE(taos_stmt_set_tbname_tags(NULL, "t", NULL), INVALID_PARA, taos_stmt_errstr(NULL));
  CHECK_CODE(taos_stmt_set_sub_tbname(NULL, "t"), INVALID_PARA, taos_stmt_errstr(NULL));
  CHECK_CODE(taos_stmt_set_tags(NULL, NULL), INVALID_PARA, taos_stmt_errstr(NULL));
  CHECK_CODE(taos_stmt_get_tag_fields(NULL, &n, &fe), INVALID_PARA, taos_stmt_errstr(NULL));
  CHECK_INT_EQ(n, 0);
  CHECK_NULL(fe);
  CHECK_CODE(taos_stmt_get_col_fields(NULL, &n, &fe), INVALID_PARA, taos_stmt_errstr(NULL));
  taos_stmt_reclaim_fields(NULL, NULL);
  CHECK_CODE(taos_stmt_is_insert(NULL, &n), INVALID_PARA, taos_stmt_errstr(NULL));
  CHECK_CODE(taos_stmt_num_params(NULL, &n), INVALID_PARA, taos_stmt_errstr(NULL));
  CHECK_CODE(taos_stmt_get_param(NULL, 0, &t, &b), INVALID_PARA, taos_stmt_errstr(NULL));
  CHECK_CODE(taos_stmt_bind_param(NULL, NULL), INVALID_PARA, taos_stmt_errstr(NULL));
  CHECK_CODE(taos_stmt_bind_param_batch(NULL, NULL), INVALID_PARA, taos_stmt_errstr(NULL));
  CHECK_CODE(taos_stmt_bind_single_param_batch(NULL, NULL, 0), INVALID_PARA, taos_stmt_errstr(NULL));
  CHECK_CODE(taos_stmt_add_batch(NULL), INVALID_PARA, taos_stmt_errstr(NULL));
  CHECK_CODE(taos_stmt_execute(NULL), INVALID_PARA, taos_stmt_errstr(NULL));
  CHECK_NULL(taos_stmt_use_result(NULL));
  CHECK_INT_EQ(taos_stmt_affected_rows(NULL), 0);
  CHECK_INT_EQ(taos_stmt_affected_rows_once(NULL), 0);
  CHECK_CODE(taos_stmt_close(NULL), INVALID_PARA, taos_stmt_errstr(NULL));

  CHECK_CODE(taos_stmt2_prepare(NULL, "select 1", 0), INVALID_PARA, taos_stmt2_error(NULL));
  CHECK_CODE(taos_stmt2_bind_param(NULL, NULL, -1), INVALID_PARA, taos_stmt2_error(NULL));
  CHECK_CODE(taos_stmt2_exec(NULL, &n), INVALID_PARA, taos_stmt2_error(NULL));
  CHECK_INT_EQ(n, 0);
  CHECK_CODE(taos_stmt2_is_insert(NULL, &n), INVALID_PARA, taos_stmt2_error(NULL));
  CHECK_CODE(taos_stmt2_get_fields(NULL, &n, &fa), INVALID_PARA, taos_stmt2_error(NULL));
  taos_stmt2_free_fields(NULL, NULL);
  CHECK_NULL(taos_stmt2_result(NULL));
  CHECK_CODE(taos_stmt2_close(NULL), INVALID_PARA, taos_stmt2_error(NULL));
}

static void stmt2_errors(TAOS *taos) {
  TAOS_STMT2 *stmt = taos_stmt2_init(taos, NULL);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  int64_t ts = TS0;
  int32_t v = 1, len = 1;
  TAOS_STMT2_BIND c[2] = {{TSDB_DATA_TYPE_TIMESTAMP, &ts, NULL, NULL, 1}, {TSDB_DATA_TYPE_INT, &v, NULL, NULL, 1}};
  TAOS_STMT2_BIND *cp[1] = {c};
  TAOS_STMT2_BINDV bv = {1, NULL, NULL, cp};

  /* wrong order: bind / exec / fields before prepare */
  CHECK_CODE(taos_stmt2_bind_param(stmt, &bv, -1), STMT_API_ERROR, taos_stmt2_error(stmt));
  int count = 0;
  TAOS_FIELD_ALL *f = NULL;
  CHECK_CODE(taos_stmt2_get_fields(stmt, &count, &f), STMT_API_ERROR, taos_stmt2_error(stmt));
  /* bad SQL: the server's code, and a message */
  int rc = taos_stmt2_prepare(stmt, "INSERT INTO no_such_table VALUES(?, ?)", 0);
  CHECK_MSG(rc != 0, "prepare of a missing table succeeded");
  CHECK_MSG(taos_stmt2_error(stmt)[0] != 0, "no message for a failed prepare");
  CHECK_CODE(taos_stmt2_prepare(stmt, NULL, 0), INVALID_PARA, taos_stmt2_error(stmt));

  CHECK_INT_EQ(taos_stmt2_prepare(stmt, "INSERT INTO nt VALUES(?, ?)", 0), 0);
  CHECK_CODE(taos_stmt2_bind_param(stmt, NULL, -1), INVALID_PARA, taos_stmt2_error(stmt));
  /* single-column binds start at column 0; row binding (-2) is not supported */
  CHECK_CODE(taos_stmt2_bind_param(stmt, &bv, 1), STMT_API_ERROR, taos_stmt2_error(stmt));
  CHECK_CODE(taos_stmt2_bind_param(stmt, &bv, -2), OPS_NOT_SUPPORT, taos_stmt2_error(stmt));
  bv.count = 0;
  CHECK_CODE(taos_stmt2_bind_param(stmt, &bv, -1), INVALID_PARA, taos_stmt2_error(stmt));
  bv.count = 1;
  bv.bind_cols = NULL;
  CHECK_CODE(taos_stmt2_bind_param(stmt, &bv, -1), INVALID_PARA, taos_stmt2_error(stmt));
  bv.bind_cols = cp;
  c[1].num = 0;
  CHECK_CODE(taos_stmt2_bind_param(stmt, &bv, -1), INVALID_PARA, taos_stmt2_error(stmt));
  c[1].num = -3;
  CHECK_CODE(taos_stmt2_bind_param(stmt, &bv, -1), INVALID_PARA, taos_stmt2_error(stmt));
  c[1].num = 1;
  c[1].buffer_type = 99;
  CHECK_CODE(taos_stmt2_bind_param(stmt, &bv, -1), INVALID_PARA, taos_stmt2_error(stmt));
  c[1].buffer_type = -1;
  CHECK_CODE(taos_stmt2_bind_param(stmt, &bv, -1), INVALID_PARA, taos_stmt2_error(stmt));
  c[1].buffer_type = TSDB_DATA_TYPE_VARCHAR; /* variable type without lengths */
  CHECK_CODE(taos_stmt2_bind_param(stmt, &bv, -1), INVALID_PARA, taos_stmt2_error(stmt));
  c[1].length = &len;
  c[1].buffer = NULL; /* a value but no buffer */
  CHECK_CODE(taos_stmt2_bind_param(stmt, &bv, -1), INVALID_PARA, taos_stmt2_error(stmt));
  c[1].buffer_type = TSDB_DATA_TYPE_INT;
  c[1].buffer = &v;
  c[1].length = NULL;
  CHECK_NULL(taos_stmt2_result(stmt)); /* an insert has no result set */
  CHECK_MSG(taos_stmt2_error(stmt)[0] != 0, "no message for stmt2_result on an insert");
  /* Still usable after all that. */
  CHECK_INT_EQ(taos_stmt2_bind_param(stmt, &bv, -1), 0);
  int affected = -1;
  CHECK_INT_EQ(taos_stmt2_exec(stmt, &affected), 0);
  CHECK_INT_EQ(affected, 1);

  /* A super table insert needs a table name per table. */
  CHECK_INT_EQ(taos_stmt2_prepare(stmt, "INSERT INTO ? USING st2 TAGS(?) VALUES(?, ?)", 0), 0);
  int32_t tag = 1;
  TAOS_STMT2_BIND tg[1] = {{TSDB_DATA_TYPE_INT, &tag, NULL, NULL, 1}};
  TAOS_STMT2_BIND *tp[1] = {tg};
  char *names[1] = {NULL};
  TAOS_STMT2_BINDV sv = {1, names, tp, cp};
  CHECK_CODE(taos_stmt2_bind_param(stmt, &sv, -1), STMT_TBNAME_ERROR, taos_stmt2_error(stmt));
  sv.tbnames = NULL;
  CHECK_CODE(taos_stmt2_bind_param(stmt, &sv, -1), STMT_TBNAME_ERROR, taos_stmt2_error(stmt));
  sv.tags = NULL;
  names[0] = "s1";
  sv.tbnames = names;
  CHECK_CODE(taos_stmt2_bind_param(stmt, &sv, -1), INVALID_PARA, taos_stmt2_error(stmt));

  CHECK_INT_EQ(taos_stmt2_close(stmt), 0);
  /* A closed statement is refused, not used. */
  CHECK_CODE(taos_stmt2_bind_param(stmt, &bv, -1), INVALID_PARA, taos_stmt2_error(stmt));
  CHECK_CODE(taos_stmt2_exec(stmt, &affected), INVALID_PARA, taos_stmt2_error(stmt));
  CHECK_CODE(taos_stmt2_close(stmt), INVALID_PARA, taos_stmt2_error(stmt));
}

static void stmt_errors(TAOS *taos) {
  TAOS_STMT *stmt = taos_stmt_init(taos);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  int64_t ts = TS0 + 100;
  int32_t v = 1, tag = 1;
  TAOS_MULTI_BIND c[2];
  memset(c, 0, sizeof c);
  c[0].buffer_type = TSDB_DATA_TYPE_TIMESTAMP; c[0].buffer = &ts; c[0].buffer_length = 8; c[0].num = 1;
  c[1].buffer_type = TSDB_DATA_TYPE_INT; c[1].buffer = &v; c[1].buffer_length = 4; c[1].num = 1;
  TAOS_MULTI_BIND tg;
  memset(&tg, 0, sizeof tg);
  tg.buffer_type = TSDB_DATA_TYPE_INT; tg.buffer = &tag; tg.buffer_length = 4; tg.num = 1;

  CHECK_CODE(taos_stmt_bind_param(stmt, c), STMT_API_ERROR, taos_stmt_errstr(stmt)); /* not prepared */
  CHECK_CODE(taos_stmt_execute(stmt), STMT_API_ERROR, taos_stmt_errstr(stmt));
  CHECK_CODE(taos_stmt_prepare(stmt, NULL, 0), INVALID_PARA, taos_stmt_errstr(stmt));
  CHECK_INT_EQ(taos_stmt_prepare(stmt, "INSERT INTO ? USING st2 TAGS(?) VALUES(?, ?)", 0), 0);

  /* columns before a table name: add_batch refuses */
  CHECK_INT_EQ(taos_stmt_bind_param(stmt, c), 0);
  CHECK_CODE(taos_stmt_add_batch(stmt), STMT_TBNAME_ERROR, taos_stmt_errstr(stmt));
  CHECK_CODE(taos_stmt_set_tbname(stmt, NULL), INVALID_PARA, taos_stmt_errstr(stmt));
  CHECK_CODE(taos_stmt_set_tbname_tags(stmt, "s2", NULL), INVALID_PARA, taos_stmt_errstr(stmt));
  CHECK_CODE(taos_stmt_set_tags(stmt, NULL), INVALID_PARA, taos_stmt_errstr(stmt));
  CHECK_CODE(taos_stmt_bind_param(stmt, NULL), INVALID_PARA, taos_stmt_errstr(stmt));
  CHECK_CODE(taos_stmt_bind_param_batch(stmt, NULL), INVALID_PARA, taos_stmt_errstr(stmt));
  CHECK_CODE(taos_stmt_bind_single_param_batch(stmt, c, 2), INVALID_OPERATION, taos_stmt_errstr(stmt));
  CHECK_CODE(taos_stmt_bind_single_param_batch(stmt, c, -1), INVALID_PARA, taos_stmt_errstr(stmt));
  c[1].num = 0;
  CHECK_CODE(taos_stmt_bind_param(stmt, c), INVALID_PARA, taos_stmt_errstr(stmt));
  c[1].num = 1;
  c[1].buffer_type = 42;
  CHECK_CODE(taos_stmt_bind_param(stmt, c), INVALID_PARA, taos_stmt_errstr(stmt));
  c[1].buffer_type = TSDB_DATA_TYPE_NCHAR; /* variable type, NULL length */
  CHECK_CODE(taos_stmt_bind_param(stmt, c), INVALID_PARA, taos_stmt_errstr(stmt));
  c[1].buffer_type = TSDB_DATA_TYPE_INT;
  int type = 0, bytes = 0;
  CHECK_CODE(taos_stmt_get_param(stmt, 2, &type, &bytes), INVALID_PARA, taos_stmt_errstr(stmt));
  CHECK_NULL(taos_stmt_use_result(stmt)); /* insert */

  /* A correct batch still works afterwards (prepare again: it forgets the row bound above). */
  CHECK_INT_EQ(taos_stmt_prepare(stmt, "INSERT INTO ? USING st2 TAGS(?) VALUES(?, ?)", 0), 0);
  CHECK_INT_EQ(taos_stmt_set_tbname_tags(stmt, "s2", &tg), 0);
  CHECK_INT_EQ(taos_stmt_bind_param(stmt, c), 0);
  CHECK_INT_EQ(taos_stmt_add_batch(stmt), 0);
  CHECK_INT_EQ(taos_stmt_execute(stmt), 0);
  CHECK_INT_EQ(taos_stmt_affected_rows(stmt), 1);
  CHECK_CODE(taos_stmt_execute(stmt), STMT_API_ERROR, taos_stmt_errstr(stmt)); /* nothing bound */

  CHECK_INT_EQ(taos_stmt_close(stmt), 0);
  CHECK_CODE(taos_stmt_bind_param(stmt, c), INVALID_PARA, taos_stmt_errstr(stmt));
  CHECK_CODE(taos_stmt_add_batch(stmt), INVALID_PARA, taos_stmt_errstr(stmt));
  CHECK_CODE(taos_stmt_close(stmt), INVALID_PARA, taos_stmt_errstr(stmt));
}

int main(void) {
  null_handles();
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (!taos) return test_finish("stmt_errors");
  char db[64];
  test_fresh_db(taos, test_db_name(db, sizeof db, "stmt_errors"));
  TAOS_STMT2 *probe = taos_stmt2_init(taos, NULL);
  if (probe == NULL && stmt2_missing_on_server(taos_errno(NULL), taos_errstr(NULL))) {
    taos_close(taos);
    return test_finish("stmt_errors"); /* the offline checks above still count */
  }
  taos_stmt2_close(probe);
  EXEC_OK(taos, "CREATE TABLE nt (ts TIMESTAMP, v INT)");
  EXEC_OK(taos, "CREATE STABLE st2 (ts TIMESTAMP, v INT) TAGS (t INT)");
  stmt2_errors(taos);
  stmt_errors(taos);
  char sql[100];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("stmt_errors");
}
