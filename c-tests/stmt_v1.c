/* stmt v1 end to end: every bindable type with NULLs through TAOS_MULTI_BIND (variable
 * values strided by buffer_length) into two auto-created child tables, with
 * set_tbname_tags / set_tbname + set_tags, bind_param_batch, repeated bind_param before one
 * add_batch, bind_single_param_batch, the field descriptions, affected-row counters, and a
 * parameterised query read back through taos_stmt_use_result. Values are checked cell by
 * cell with SELECT. */
#include "stmt_common.inc"

#define NROW 4

/* Owns the buffers of the column binds for rows r0..r0+n-1 of table k. */
struct mcols {
  TAOS_MULTI_BIND b[NCOL];
  unsigned char buf[NCOL][NROW * VBUF];
  int32_t len[NCOL][NROW];
  char isnull[NCOL][NROW];
};

static void fill_mcols(struct mcols *s, int k, int r0, int n) {
  memset(s, 0, sizeof *s);
  for (int c = 0; c < NCOL; c++) {
    int size = type_size(CTYPE[c]);
    for (int i = 0; i < n; i++) {
      val_t v = expect_val(k, r0 + i, c);
      s->isnull[c][i] = (char)v.null;
      s->len[c][i] = v.len;
      if (v.null) continue;
      /* fixed: dense at the type size; variable: one VBUF-byte slot per row */
      memcpy(s->buf[c] + i * (size > 0 ? size : VBUF), v.b, (size_t)v.len);
    }
    s->b[c].buffer_type = CTYPE[c];
    s->b[c].buffer = s->buf[c];
    s->b[c].buffer_length = size > 0 ? (uintptr_t)size : VBUF;
    s->b[c].length = s->len[c];
    s->b[c].is_null = s->isnull[c];
    s->b[c].num = n;
  }
}

struct mtags {
  TAOS_MULTI_BIND b[2];
  unsigned char buf[2][VBUF];
  int32_t len[2];
  char isnull[2];
};

static void fill_mtags(struct mtags *s, int k) {
  memset(s, 0, sizeof *s);
  const int tt[2] = {TSDB_DATA_TYPE_INT, TSDB_DATA_TYPE_NCHAR};
  for (int t = 0; t < 2; t++) {
    val_t v = expect_tag(k, t);
    memcpy(s->buf[t], v.b, (size_t)v.len);
    s->len[t] = v.len;
    s->isnull[t] = (char)v.null;
    s->b[t].buffer_type = tt[t];
    s->b[t].buffer = s->buf[t];
    s->b[t].buffer_length = VBUF;
    s->b[t].length = &s->len[t];
    s->b[t].is_null = &s->isnull[t];
    s->b[t].num = 1;
  }
}

#define STMT_OK(stmt, call)                                                                              \
  do {                                                                                                  \
    int rc_ = (call);                                                                                   \
    CHECK_MSG(rc_ == 0, "%s: 0x%08x %s", #call, (unsigned)rc_, taos_stmt_errstr(stmt));                 \
  } while (0)

static void test_fields(TAOS_STMT *stmt) {
  int ins = -1, n = -1;
  STMT_OK(stmt, taos_stmt_is_insert(stmt, &ins));
  CHECK_INT_EQ(ins, 1);
  STMT_OK(stmt, taos_stmt_num_params(stmt, &n));
  CHECK_INT_EQ(n, NCOL); /* as native: the columns (table name and tags have their own calls) */
  TAOS_FIELD_E *tf = NULL, *cf = NULL;
  int tn = 0, cn = 0;
  STMT_OK(stmt, taos_stmt_get_tag_fields(stmt, &tn, &tf));
  CHECK_INT_EQ(tn, 2);
  if (tf && tn == 2) {
    CHECK_STR_EQ(tf[0].name, "t_int");
    CHECK_INT_EQ(tf[0].type, TSDB_DATA_TYPE_INT);
    CHECK_STR_EQ(tf[1].name, "t_nc");
    CHECK_INT_EQ(tf[1].type, TSDB_DATA_TYPE_NCHAR);
  }
  STMT_OK(stmt, taos_stmt_get_col_fields(stmt, &cn, &cf));
  CHECK_INT_EQ(cn, NCOL);
  if (cf && cn == NCOL) {
    for (int c = 0; c < NCOL; c++) CHECK_INT_EQ(cf[c].type, CTYPE[c]);
    CHECK_STR_EQ(cf[12].name, "c_vc");
  }
  taos_stmt_reclaim_fields(stmt, tf);
  taos_stmt_reclaim_fields(stmt, cf);
  int type = -1, bytes = -1;
  STMT_OK(stmt, taos_stmt_get_param(stmt, 0, &type, &bytes));
  CHECK_INT_EQ(type, TSDB_DATA_TYPE_TIMESTAMP);
  CHECK_INT_EQ(bytes, 8);
  STMT_OK(stmt, taos_stmt_get_param(stmt, 4, &type, &bytes));
  CHECK_INT_EQ(type, TSDB_DATA_TYPE_INT);
  CHECK_INT_EQ(bytes, 4);
}

static void test_insert(TAOS *taos) {
  TAOS_STMT *stmt = taos_stmt_init(taos);
  CHECK_MSG(stmt != NULL, "stmt_init: %s", taos_stmt_errstr(NULL));
  if (!stmt) return;
  STMT_OK(stmt, taos_stmt_prepare(stmt, INSERT_SQL, 0));
  test_fields(stmt);

  static struct mcols cols;
  static struct mtags tags;
  /* d0: rows 0..2 in one batch bind. */
  fill_mtags(&tags, 0);
  STMT_OK(stmt, taos_stmt_set_tbname_tags(stmt, "d0", tags.b));
  fill_mcols(&cols, 0, 0, 3);
  STMT_OK(stmt, taos_stmt_bind_param_batch(stmt, cols.b));
  STMT_OK(stmt, taos_stmt_add_batch(stmt));
  /* d1: set_tbname + set_tags, then one row per bind_param (two binds before one add). */
  fill_mtags(&tags, 1);
  STMT_OK(stmt, taos_stmt_set_tbname(stmt, "d1"));
  STMT_OK(stmt, taos_stmt_set_tags(stmt, tags.b));
  fill_mcols(&cols, 1, 0, 1);
  STMT_OK(stmt, taos_stmt_bind_param(stmt, cols.b));
  STMT_OK(stmt, taos_stmt_add_batch(stmt));
  fill_mcols(&cols, 1, 1, 1);
  STMT_OK(stmt, taos_stmt_bind_param(stmt, cols.b));
  fill_mcols(&cols, 1, 2, 1);
  STMT_OK(stmt, taos_stmt_bind_param(stmt, cols.b));
  STMT_OK(stmt, taos_stmt_add_batch(stmt));
  memset(&cols, 0x5a, sizeof cols); /* buffers were copied */
  STMT_OK(stmt, taos_stmt_execute(stmt));
  CHECK_INT_EQ(taos_stmt_affected_rows_once(stmt), 6);
  CHECK_INT_EQ(taos_stmt_affected_rows(stmt), 6);

  /* d0 row 3, one column at a time. */
  fill_mtags(&tags, 0);
  STMT_OK(stmt, taos_stmt_set_tbname_tags(stmt, "d0", tags.b));
  fill_mcols(&cols, 0, 3, 1);
  for (int c = 0; c < NCOL; c++) STMT_OK(stmt, taos_stmt_bind_single_param_batch(stmt, &cols.b[c], c));
  STMT_OK(stmt, taos_stmt_add_batch(stmt));
  STMT_OK(stmt, taos_stmt_execute(stmt));
  CHECK_INT_EQ(taos_stmt_affected_rows_once(stmt), 1);
  CHECK_INT_EQ(taos_stmt_affected_rows(stmt), 7);
  CHECK_INT_EQ(taos_stmt_close(stmt), 0);

  verify_table(taos, "d0", 0, 4);
  verify_table(taos, "d1", 1, 3);
}

static void test_query(TAOS *taos) {
  TAOS_STMT *stmt = taos_stmt_init_with_reqid(taos, 0x1234);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  const char *sql = "SELECT ts, c_int, c_vc FROM st WHERE c_int >= ? AND c_vc <> ? ORDER BY ts";
  STMT_OK(stmt, taos_stmt_prepare(stmt, sql, 0));
  int ins = -1, n = -1;
  STMT_OK(stmt, taos_stmt_is_insert(stmt, &ins));
  CHECK_INT_EQ(ins, 0);
  STMT_OK(stmt, taos_stmt_num_params(stmt, &n));
  CHECK_INT_EQ(n, 2);
  int32_t min = 3000, nelen = 4;
  char ne[] = "vc13";
  TAOS_MULTI_BIND p[2];
  memset(p, 0, sizeof p);
  p[0].buffer_type = TSDB_DATA_TYPE_INT; p[0].buffer = &min; p[0].buffer_length = 4; p[0].num = 1;
  p[1].buffer_type = TSDB_DATA_TYPE_VARCHAR; p[1].buffer = ne; p[1].buffer_length = 4; p[1].length = &nelen;
  p[1].num = 1;
  STMT_OK(stmt, taos_stmt_bind_param(stmt, p));
  /* As native: after a bind, add_batch of a query is accepted and keeps the parameters
   * (driver-go's af Stmt calls it before execute). */
  CHECK_INT_EQ(taos_stmt_add_batch(stmt), 0);
  STMT_OK(stmt, taos_stmt_execute(stmt));
  TAOS_RES *res = taos_stmt_use_result(stmt);
  CHECK_MSG(res != NULL, "use_result: %s", taos_stmt_errstr(stmt));
  if (res) {
    const int want[][2] = {{0, 2}, {0, 3}, {1, 0}};
    int rows = 0;
    TAOS_ROW row;
    while ((row = taos_fetch_row(res)) != NULL) {
      int *lens = taos_fetch_lengths(res);
      if (rows < 3) {
        int k = want[rows][0], r = want[rows][1];
        val_t ts = expect_val(k, r, 0), vi = expect_val(k, r, 4), vs = expect_val(k, r, 12);
        CHECK_CELL(row[0], lens[0], TSDB_DATA_TYPE_TIMESTAMP, &ts, k, r, 0);
        CHECK_CELL(row[1], lens[1], TSDB_DATA_TYPE_INT, &vi, k, r, 4);
        CHECK_CELL(row[2], lens[2], TSDB_DATA_TYPE_VARCHAR, &vs, k, r, 12);
      }
      rows++;
    }
    CHECK_INT_EQ(rows, 3);
    taos_free_result(res);
  }
  CHECK_INT_EQ(taos_stmt_close(stmt), 0);
}

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (!taos) return test_finish("stmt_v1");
  char db[64];
  test_fresh_db(taos, test_db_name(db, sizeof db, "stmt_v1"));

  TAOS_STMT *probe = taos_stmt_init(taos);
  if (probe == NULL && stmt2_missing_on_server(taos_errno(NULL), taos_errstr(NULL))) {
    taos_close(taos);
    return 0;
  }
  CHECK_MSG(probe != NULL, "stmt_init: 0x%08x %s", (unsigned)taos_errno(NULL), taos_errstr(NULL));
  taos_stmt_close(probe);

  EXEC_OK(taos, STB_SQL);
  test_insert(taos);
  test_query(taos);

  char sql[100];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("stmt_v1");
}
