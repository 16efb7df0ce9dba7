/* stmt2 end to end: every bindable type with NULLs into two auto-created child tables in
 * one bind (checked cell by cell with SELECT), taos_stmt2_get_fields / is_insert, a
 * parameterised query read back through taos_stmt2_result, and the async exec callback
 * (insert and query). */
#include "stmt_common.inc"

#define NTAB 2
#define NROW 3

/* Owns the buffers of one table's column or tag binds. */
struct cols {
  TAOS_STMT2_BIND b[NCOL];
  unsigned char buf[NCOL][NROW * VBUF];
  int32_t len[NCOL][NROW];
  char isnull[NCOL][NROW];
};

/* Columns of table k, rows r0..r0+nrow-1 (nrow <= NROW): fixed values dense, variable
 * values packed. */
static void fill_cols(struct cols *s, int k, int r0, int nrow) {
  memset(s, 0, sizeof *s);
  for (int c = 0; c < NCOL; c++) {
    int size = type_size(CTYPE[c]), at = 0;
    for (int r = 0; r < nrow; r++) {
      val_t v = expect_val(k, r0 + r, c);
      s->isnull[c][r] = (char)v.null;
      s->len[c][r] = v.null ? 0 : v.len;
      if (v.null) continue;
      if (size > 0) memcpy(s->buf[c] + r * size, v.b, (size_t)size);
      else { memcpy(s->buf[c] + at, v.b, (size_t)v.len); at += v.len; }
    }
    s->b[c].buffer_type = CTYPE[c];
    s->b[c].buffer = s->buf[c];
    s->b[c].length = s->len[c];
    s->b[c].is_null = s->isnull[c];
    s->b[c].num = nrow;
  }
}

struct tags {
  TAOS_STMT2_BIND b[2];
  unsigned char buf[2][VBUF];
  int32_t len[2];
  char isnull[2];
};

static void fill_tags(struct tags *s, int k) {
  memset(s, 0, sizeof *s);
  const int tt[2] = {TSDB_DATA_TYPE_INT, TSDB_DATA_TYPE_NCHAR};
  for (int t = 0; t < 2; t++) {
    val_t v = expect_tag(k, t);
    memcpy(s->buf[t], v.b, (size_t)v.len);
    s->len[t] = v.null ? 0 : v.len;
    s->isnull[t] = (char)v.null;
    s->b[t].buffer_type = tt[t];
    s->b[t].buffer = s->buf[t];
    s->b[t].length = &s->len[t];
    s->b[t].is_null = &s->isnull[t];
    s->b[t].num = 1;
  }
}

static void test_insert_all_types(TAOS *taos) {
  TAOS_STMT2_OPTION opt = {0, true, false, NULL, NULL};
  TAOS_STMT2 *stmt = taos_stmt2_init(taos, &opt);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt2_prepare(stmt, INSERT_SQL, 0), 0);

  int ins = -1;
  CHECK_INT_EQ(taos_stmt2_is_insert(stmt, &ins), 0);
  CHECK_INT_EQ(ins, 1);
  int count = 0;
  TAOS_FIELD_ALL *f = NULL;
  CHECK_INT_EQ(taos_stmt2_get_fields(stmt, &count, &f), 0);
  CHECK_INT_EQ(count, 1 + 2 + NCOL);
  CHECK_NOT_NULL(f);
  if (f && count == 1 + 2 + NCOL) {
    CHECK_INT_EQ(f[0].field_type, TAOS_FIELD_TBNAME);
    CHECK_INT_EQ(f[1].field_type, TAOS_FIELD_TAG);
    CHECK_STR_EQ(f[1].name, "t_int");
    CHECK_INT_EQ(f[1].type, TSDB_DATA_TYPE_INT);
    CHECK_INT_EQ(f[2].type, TSDB_DATA_TYPE_NCHAR);
    for (int c = 0; c < NCOL; c++) {
      CHECK_INT_EQ(f[3 + c].field_type, TAOS_FIELD_COL);
      CHECK_INT_EQ(f[3 + c].type, CTYPE[c]);
    }
    CHECK_STR_EQ(f[3].name, "ts");
    CHECK_INT_EQ(f[3].bytes, 8);
    /* The 3 padding bytes after field_type are zero (readers of a 4-byte enum see 1). */
    const unsigned char *raw = (const unsigned char *)&f[3];
    CHECK(raw[73] == 0 && raw[74] == 0 && raw[75] == 0);
  }
  taos_stmt2_free_fields(stmt, f);

  static struct cols cols[NTAB];
  static struct tags tags[NTAB];
  char *names[NTAB] = {"d0", "d1"};
  TAOS_STMT2_BIND *tagp[NTAB], *colp[NTAB];
  for (int k = 0; k < NTAB; k++) {
    fill_cols(&cols[k], k, 0, NROW);
    fill_tags(&tags[k], k);
    tagp[k] = tags[k].b;
    colp[k] = cols[k].b;
  }
  TAOS_STMT2_BINDV bv = {NTAB, names, tagp, colp};
  int rc = taos_stmt2_bind_param(stmt, &bv, -1);
  CHECK_MSG(rc == 0, "bind: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  /* The buffers are copied: scribbling over them now must not change what is inserted. */
  memset(cols, 0x5a, sizeof cols);
  int affected = -1;
  rc = taos_stmt2_exec(stmt, &affected);
  CHECK_MSG(rc == 0, "exec: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  CHECK_INT_EQ(affected, NTAB * NROW);

  /* A second exec of the same statement: one more row into d0 (row 3, like row 0's rule). */
  {
    static struct cols one;
    fill_cols(&one, 0, 3, 1);
    TAOS_STMT2_BIND *cp[1] = {one.b};
    TAOS_STMT2_BIND *tp[1] = {tags[0].b};
    fill_tags(&tags[0], 0);
    char *nm[1] = {"d0"};
    TAOS_STMT2_BINDV bv1 = {1, nm, tp, cp};
    CHECK_INT_EQ(taos_stmt2_bind_param(stmt, &bv1, -1), 0);
    affected = -1;
    CHECK_INT_EQ(taos_stmt2_exec(stmt, &affected), 0);
    CHECK_INT_EQ(affected, 1);
  }
  CHECK_INT_EQ(taos_stmt2_close(stmt), 0);

  verify_table(taos, "d0", 0, NROW + 1);
  verify_table(taos, "d1", 1, NROW);
}

static void test_query(TAOS *taos) {
  TAOS_STMT2 *stmt = taos_stmt2_init(taos, NULL);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  const char *sql = "SELECT ts, c_int, c_vc FROM st WHERE c_int >= ? AND c_vc <> ? ORDER BY ts";
  int rc = taos_stmt2_prepare(stmt, sql, (unsigned long)strlen(sql));
  CHECK_MSG(rc == 0, "prepare query: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  int ins = -1, count = -1;
  TAOS_FIELD_ALL *f = (TAOS_FIELD_ALL *)1;
  CHECK_INT_EQ(taos_stmt2_is_insert(stmt, &ins), 0);
  CHECK_INT_EQ(ins, 0);
  CHECK_INT_EQ(taos_stmt2_get_fields(stmt, &count, &f), 0);
  CHECK_INT_EQ(count, 2);
  CHECK_NULL(f);

  int32_t min = 3000;
  char ne[] = "vc13";
  int32_t nelen = 4;
  TAOS_STMT2_BIND p[2] = {{TSDB_DATA_TYPE_INT, &min, NULL, NULL, 1},
                          {TSDB_DATA_TYPE_VARCHAR, ne, &nelen, NULL, 1}};
  TAOS_STMT2_BIND *pp[1] = {p};
  TAOS_STMT2_BINDV bv = {1, NULL, NULL, pp};
  rc = taos_stmt2_bind_param(stmt, &bv, -1);
  CHECK_MSG(rc == 0, "bind query: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  int affected = -1;
  rc = taos_stmt2_exec(stmt, &affected);
  CHECK_MSG(rc == 0, "exec query: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  TAOS_RES *res = taos_stmt2_result(stmt);
  CHECK_MSG(res != NULL, "stmt2_result: %s", taos_stmt2_error(stmt));
  if (res) {
    CHECK(taos_stmt2_result(stmt) == res); /* statement-owned: the same object again */
    CHECK_INT_EQ(taos_num_fields(res), 3);
    /* Matching rows: table 0 row 2 (3000, "vc3"), table 0 row 3 (4000, "vc4") and table 1
     * row 0 (11000, "vc11"); table 1 row 2 is "vc13" and excluded. */
    const int want[][2] = {{0, 2}, {0, 3}, {1, 0}};
    int n = 0;
    TAOS_ROW row;
    while ((row = taos_fetch_row(res)) != NULL) {
      int *lens = taos_fetch_lengths(res);
      if (n < 3) {
        int k = want[n][0], r = want[n][1];
        val_t ts = expect_val(k, r, 0), vi = expect_val(k, r, 4), vs = expect_val(k, r, 12);
        CHECK_CELL(row[0], lens[0], TSDB_DATA_TYPE_TIMESTAMP, &ts, k, r, 0);
        CHECK_CELL(row[1], lens[1], TSDB_DATA_TYPE_INT, &vi, k, r, 4);
        CHECK_CELL(row[2], lens[2], TSDB_DATA_TYPE_VARCHAR, &vs, k, r, 12);
      }
      n++;
    }
    CHECK_INT_EQ(n, 3);
    taos_free_result(res); /* a no-op on a statement-owned result; must not crash */
  }
  CHECK_INT_EQ(taos_stmt2_close(stmt), 0);
}

struct async_state {
  TAOS_STMT2 *stmt;
  volatile int calls;
  int code;
  int affected;
  int rows;
  int same_result;
};

static void on_exec(void *param, TAOS_RES *res, int code) {
  struct async_state *s = param;
  s->code = code;
  s->affected = taos_affected_rows(res);
  if (code == 0 && taos_num_fields(res) > 0) {
    s->same_result = taos_stmt2_result(s->stmt) == res;
    while (taos_fetch_row(res) != NULL) s->rows++;
  }
  __sync_synchronize();
  s->calls++;
}

static int wait_calls(struct async_state *s, int n) {
  for (int i = 0; i < 1000 && s->calls < n; i++) usleep(10000);
  usleep(50000); /* a second (wrong) call would show up here */
  return s->calls;
}

static void test_async(TAOS *taos) {
  EXEC_OK(taos, "CREATE TABLE nt (ts TIMESTAMP, v INT)");
  struct async_state s;
  memset(&s, 0, sizeof s);
  TAOS_STMT2_OPTION opt = {7, false, false, on_exec, &s};
  s.stmt = taos_stmt2_init(taos, &opt);
  CHECK_NOT_NULL(s.stmt);
  if (!s.stmt) return;
  CHECK_INT_EQ(taos_stmt2_prepare(s.stmt, "INSERT INTO nt VALUES(?, ?)", 0), 0);
  int64_t ts[4] = {TS0, TS0 + 1, TS0 + 2, TS0 + 3};
  int32_t v[4] = {1, 2, 3, 4};
  TAOS_STMT2_BIND c[2] = {{TSDB_DATA_TYPE_TIMESTAMP, ts, NULL, NULL, 4}, {TSDB_DATA_TYPE_INT, v, NULL, NULL, 4}};
  TAOS_STMT2_BIND *cp[1] = {c};
  TAOS_STMT2_BINDV bv = {1, NULL, NULL, cp};
  CHECK_INT_EQ(taos_stmt2_bind_param(s.stmt, &bv, -1), 0);
  int affected = -1;
  CHECK_INT_EQ(taos_stmt2_exec(s.stmt, &affected), 0);
  CHECK_INT_EQ(wait_calls(&s, 1), 1);
  CHECK_INT_EQ(s.code, 0);
  CHECK_INT_EQ(s.affected, 4);

  memset((char *)&s + sizeof s.stmt, 0, sizeof s - sizeof s.stmt);
  CHECK_INT_EQ(taos_stmt2_prepare(s.stmt, "SELECT v FROM nt WHERE v > ?", 0), 0);
  int32_t gt = 2;
  TAOS_STMT2_BIND q[1] = {{TSDB_DATA_TYPE_INT, &gt, NULL, NULL, 1}};
  TAOS_STMT2_BIND *qp[1] = {q};
  TAOS_STMT2_BINDV qv = {1, NULL, NULL, qp};
  CHECK_INT_EQ(taos_stmt2_bind_param(s.stmt, &qv, -1), 0);
  CHECK_INT_EQ(taos_stmt2_exec(s.stmt, NULL), 0);
  CHECK_INT_EQ(wait_calls(&s, 1), 1);
  CHECK_INT_EQ(s.code, 0);
  CHECK_INT_EQ(s.rows, 2);
  CHECK_INT_EQ(s.same_result, 1);
  CHECK_INT_EQ(taos_stmt2_close(s.stmt), 0);
}

static volatile int bind_cb_calls = 0;
static volatile int bind_cb_code = -1;
static void on_bind(void *param, TAOS_RES *res, int code) {
  (void)res;
  bind_cb_code = code;
  __sync_synchronize();
  bind_cb_calls += *(int *)param;
}

/* taos_stmt2_bind_param_a: applied in order before the exec that follows, callback once. */
static void test_bind_async(TAOS *taos) {
  EXEC_OK(taos, "CREATE TABLE nt2 (ts TIMESTAMP, v INT)");
  TAOS_STMT2 *stmt = taos_stmt2_init(taos, NULL);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt2_prepare(stmt, "INSERT INTO nt2 VALUES(?, ?)", 0), 0);
  int one = 1;
  int64_t ts[2] = {TS0, TS0 + 1};
  int32_t v[2] = {5, 6};
  TAOS_STMT2_BIND c[2] = {{TSDB_DATA_TYPE_TIMESTAMP, ts, NULL, NULL, 2}, {TSDB_DATA_TYPE_INT, v, NULL, NULL, 2}};
  TAOS_STMT2_BIND *cp[1] = {c};
  TAOS_STMT2_BINDV bv = {1, NULL, NULL, cp};
  CHECK_INT_EQ(taos_stmt2_bind_param_a(stmt, NULL, -1, on_bind, &one), (int)0x80000118);
  CHECK_INT_EQ(taos_stmt2_bind_param_a(stmt, &bv, -1, on_bind, &one), 0);
  memset(ts, 0, sizeof ts); /* copied during the call */
  int affected = -1;
  CHECK_INT_EQ(taos_stmt2_exec(stmt, &affected), 0);
  CHECK_INT_EQ(affected, 2);
  for (int i = 0; i < 500 && bind_cb_calls < 1; i++) usleep(10000);
  usleep(50000);
  CHECK_INT_EQ(bind_cb_calls, 1);
  CHECK_INT_EQ(bind_cb_code, 0);
  CHECK_INT_EQ(taos_stmt2_close(stmt), 0);
  TAOS_RES *res = taos_query(taos, "SELECT ts, v FROM nt2 ORDER BY ts");
  CHECK_INT_EQ(taos_errno(res), 0);
  int n = 0;
  TAOS_ROW row;
  while ((row = taos_fetch_row(res)) != NULL) {
    int64_t t;
    int32_t x;
    memcpy(&t, row[0], 8);
    memcpy(&x, row[1], 4);
    CHECK_INT_EQ(t, TS0 + n);
    CHECK_INT_EQ(x, 5 + n);
    n++;
  }
  CHECK_INT_EQ(n, 2);
  taos_free_result(res);
}

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (!taos) return test_finish("stmt_v2");
  char db[64];
  test_fresh_db(taos, test_db_name(db, sizeof db, "stmt_v2"));

  TAOS_STMT2 *probe = taos_stmt2_init(taos, NULL);
  if (probe == NULL && stmt2_missing_on_server(taos_errno(NULL), taos_errstr(NULL))) {
    taos_close(taos);
    return 0;
  }
  CHECK_MSG(probe != NULL, "stmt2_init: 0x%08x %s", (unsigned)taos_errno(NULL), taos_errstr(NULL));
  taos_stmt2_close(probe);

  EXEC_OK(taos, STB_SQL);
  test_insert_all_types(taos);
  test_query(taos);
  test_async(taos);
  test_bind_async(taos);

  char sql[100];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("stmt_v2");
}
