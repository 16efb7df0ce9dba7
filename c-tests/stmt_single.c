/* Single-column binds, as native TDengine does them: taos_stmt2_bind_param(stmt, bindv,
 * col_idx >= 0) with bind_cols[t] pointing to the one column's bind, and
 * taos_stmt_bind_single_param_batch(stmt, bind, colIdx). Columns go in order 0, 1, ...;
 * each has column 0's row count and the declared type; exec/add_batch with a set that is
 * not complete fails. Values are read back with SELECT. */
#include "testutil.h"

#define TS0 1700000000000LL
#define INVALID_OPERATION ((int)0x80000200)
#define STMT_API_ERROR ((int)0x8000022A)
#define NROW 3

/* The rows of table k: ts = TS0 + 10k + r, v = 100k + r, s = "s<k><r>" (row 1 NULL). */
struct cols {
  int64_t ts[NROW];
  int32_t v[NROW];
  char s[NROW * 8];
  int32_t slen[NROW];
  char snull[NROW];
  TAOS_STMT2_BIND b[3];
};

static void fill(struct cols *c, int k) {
  memset(c, 0, sizeof *c);
  int at = 0;
  for (int r = 0; r < NROW; r++) {
    c->ts[r] = TS0 + 10 * k + r;
    c->v[r] = 100 * k + r;
    c->snull[r] = r == 1;
    if (r != 1) {
      c->slen[r] = snprintf(c->s + at, 8, "s%d%d", k, r);
      at += c->slen[r];
    }
  }
  TAOS_STMT2_BIND b[3] = {{TSDB_DATA_TYPE_TIMESTAMP, c->ts, NULL, NULL, NROW},
                          {TSDB_DATA_TYPE_INT, c->v, NULL, NULL, NROW},
                          {TSDB_DATA_TYPE_VARCHAR, c->s, c->slen, c->snull, NROW}};
  memcpy(c->b, b, sizeof b);
}

/* Checks table `tb` (index k) holds rows r0..r0+n-1 of fill(k) and tag g = k + 1. */
static void verify(TAOS *taos, const char *tb, int k, int n) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT ts, v, s, g FROM %s ORDER BY ts", tb);
  TAOS_RES *res = taos_query(taos, sql);
  CHECK_INT_EQ(taos_errno(res), 0);
  int r = 0;
  TAOS_ROW row;
  while ((row = taos_fetch_row(res)) != NULL) {
    int *lens = taos_fetch_lengths(res);
    int rr = r % NROW; /* stmt v1 binds the same rows twice with ts shifted by 100 */
    int64_t ts;
    int32_t v, g;
    memcpy(&ts, row[0], 8);
    memcpy(&v, row[1], 4);
    memcpy(&g, row[3], 4);
    CHECK_INT_EQ(ts, TS0 + 10 * k + rr + (r / NROW) * 100);
    CHECK_INT_EQ(v, 100 * k + rr);
    CHECK_INT_EQ(g, k + 1);
    if (rr == 1) CHECK_MSG(row[2] == NULL, "%s row %d: s not NULL", tb, r);
    else {
      char want[8];
      int wl = snprintf(want, sizeof want, "s%d%d", k, rr);
      CHECK_MEM_EQ(row[2], row[2] ? lens[2] : 0, want, wl);
    }
    r++;
  }
  CHECK_INT_EQ(r, n);
  taos_free_result(res);
}

static void stmt2_single(TAOS *taos) {
  TAOS_STMT2 *stmt = taos_stmt2_init(taos, NULL);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt2_prepare(stmt, "INSERT INTO ? USING sc TAGS(?) VALUES(?, ?, ?)", 0), 0);
  static struct cols c[2];
  char *names[2] = {"sc0", "sc1"};
  for (int k = 0; k < 2; k++) {
    fill(&c[k], k);
    int32_t g = k + 1;
    TAOS_STMT2_BIND tag = {TSDB_DATA_TYPE_INT, &g, NULL, NULL, 1};
    TAOS_STMT2_BIND *tp[1] = {&tag};
    for (int col = 0; col < 3; col++) {
      TAOS_STMT2_BIND *cp[1] = {&c[k].b[col]};
      /* Name and tags with column 0 only; later columns keep them. */
      TAOS_STMT2_BINDV bv = {1, col == 0 ? &names[k] : NULL, col == 0 ? tp : NULL, cp};
      int rc = taos_stmt2_bind_param(stmt, &bv, col);
      CHECK_MSG(rc == 0, "table %d col %d: 0x%08x %s", k, col, (unsigned)rc, taos_stmt2_error(stmt));
    }
  }
  int affected = -1;
  int rc = taos_stmt2_exec(stmt, &affected);
  CHECK_MSG(rc == 0, "exec: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  CHECK_INT_EQ(affected, 2 * NROW);
  verify(taos, "sc0", 0, NROW);
  verify(taos, "sc1", 1, NROW);

  /* Error cases: out of sequence, wrong type, other row count, exec while incomplete. */
  TAOS_STMT2_BIND *cp[1] = {&c[0].b[1]};
  TAOS_STMT2_BINDV bv = {1, &names[0], NULL, cp};
  CHECK_INT_EQ(taos_stmt2_bind_param(stmt, &bv, 1), STMT_API_ERROR);
  CHECK_MSG(strstr(taos_stmt2_error(stmt), "sequence") != NULL, "%s", taos_stmt2_error(stmt));
  CHECK_INT_EQ(taos_stmt2_bind_param(stmt, &bv, 0), INVALID_OPERATION); /* INT for TIMESTAMP */
  CHECK_MSG(strstr(taos_stmt2_error(stmt), "mis-match") != NULL, "%s", taos_stmt2_error(stmt));
  CHECK_INT_EQ(taos_stmt2_bind_param(stmt, &bv, 3), INVALID_OPERATION); /* no 4th column */
  int32_t g = 1;
  TAOS_STMT2_BIND tag = {TSDB_DATA_TYPE_INT, &g, NULL, NULL, 1};
  TAOS_STMT2_BIND *tp[1] = {&tag};
  TAOS_STMT2_BINDV ok = {1, &names[0], tp, (TAOS_STMT2_BIND *[]){&c[0].b[0]}};
  CHECK_INT_EQ(taos_stmt2_bind_param(stmt, &ok, 0), 0);
  TAOS_STMT2_BIND short_v = c[0].b[1];
  short_v.num = 2;
  TAOS_STMT2_BINDV bad = {1, NULL, NULL, (TAOS_STMT2_BIND *[]){&short_v}};
  CHECK_INT_EQ(taos_stmt2_bind_param(stmt, &bad, 1), INVALID_OPERATION);
  CHECK_INT_EQ(taos_stmt2_exec(stmt, &affected), STMT_API_ERROR); /* columns 1, 2 missing */
  CHECK_MSG(strstr(taos_stmt2_error(stmt), "not every column") != NULL, "%s", taos_stmt2_error(stmt));
  CHECK_INT_EQ(taos_stmt2_close(stmt), 0);
  verify(taos, "sc0", 0, NROW); /* nothing more was written */

  /* singleStbInsert: native refuses single-column binds for `?` table inserts. */
  TAOS_STMT2_OPTION opt = {0, true, false, NULL, NULL};
  stmt = taos_stmt2_init(taos, &opt);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt2_prepare(stmt, "INSERT INTO ? USING sc TAGS(?) VALUES(?, ?, ?)", 0), 0);
  CHECK_INT_EQ(taos_stmt2_bind_param(stmt, &ok, 0), STMT_API_ERROR);
  CHECK_INT_EQ(taos_stmt2_close(stmt), 0);
}

static void stmt2_single_query(TAOS *taos) {
  TAOS_STMT2 *stmt = taos_stmt2_init(taos, NULL);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt2_prepare(stmt, "SELECT v FROM sc WHERE v >= ? AND v < ? ORDER BY v", 0), 0);
  int32_t lo = 1, hi = 102;
  TAOS_STMT2_BIND p0 = {TSDB_DATA_TYPE_INT, &lo, NULL, NULL, 1};
  TAOS_STMT2_BIND p1 = {TSDB_DATA_TYPE_INT, &hi, NULL, NULL, 1};
  TAOS_STMT2_BINDV b0 = {1, NULL, NULL, (TAOS_STMT2_BIND *[]){&p0}};
  TAOS_STMT2_BINDV b1 = {1, NULL, NULL, (TAOS_STMT2_BIND *[]){&p1}};
  CHECK_INT_EQ(taos_stmt2_bind_param(stmt, &b0, 0), 0);
  CHECK_INT_EQ(taos_stmt2_bind_param(stmt, &b1, 1), 0);
  int rc = taos_stmt2_exec(stmt, NULL);
  CHECK_MSG(rc == 0, "exec: 0x%08x %s", (unsigned)rc, taos_stmt2_error(stmt));
  TAOS_RES *res = taos_stmt2_result(stmt);
  CHECK_NOT_NULL(res);
  const int32_t want[] = {1, 2, 100, 101};
  int n = 0;
  TAOS_ROW row;
  while (res && (row = taos_fetch_row(res)) != NULL) {
    int32_t v;
    memcpy(&v, row[0], 4);
    if (n < 4) CHECK_INT_EQ(v, want[n]);
    n++;
  }
  CHECK_INT_EQ(n, 4);
  CHECK_INT_EQ(taos_stmt2_close(stmt), 0);
}

static void v1_single(TAOS *taos) {
  TAOS_STMT *stmt = taos_stmt_init(taos);
  CHECK_NOT_NULL(stmt);
  if (!stmt) return;
  CHECK_INT_EQ(taos_stmt_prepare(stmt, "INSERT INTO ? USING sc TAGS(?) VALUES(?, ?, ?)", 0), 0);
  int32_t g = 3;
  TAOS_MULTI_BIND tag;
  memset(&tag, 0, sizeof tag);
  tag.buffer_type = TSDB_DATA_TYPE_INT; tag.buffer = &g; tag.buffer_length = 4; tag.num = 1;
  CHECK_INT_EQ(taos_stmt_set_tbname_tags(stmt, "sc2", &tag), 0);
  /* Two complete sets of rows, each bound one column at a time (ts of set 2 + 100). */
  static struct cols c;
  fill(&c, 2);
  char sv[NROW][8];
  for (int set = 0; set < 2; set++) {
    int64_t ts[NROW];
    for (int r = 0; r < NROW; r++) ts[r] = c.ts[r] + 100 * set;
    int at = 0;
    for (int r = 0; r < NROW; r++) { memcpy(sv[r], c.s + at, (size_t)c.slen[r]); at += c.slen[r]; }
    TAOS_MULTI_BIND b[3];
    memset(b, 0, sizeof b);
    b[0].buffer_type = TSDB_DATA_TYPE_TIMESTAMP; b[0].buffer = ts; b[0].buffer_length = 8; b[0].num = NROW;
    b[1].buffer_type = TSDB_DATA_TYPE_INT; b[1].buffer = c.v; b[1].buffer_length = 4; b[1].num = NROW;
    b[2].buffer_type = TSDB_DATA_TYPE_VARCHAR; b[2].buffer = sv; b[2].buffer_length = 8;
    b[2].length = c.slen; b[2].is_null = c.snull; b[2].num = NROW;
    if (set == 1) {
      CHECK_INT_EQ(taos_stmt_bind_single_param_batch(stmt, &b[1], 1), STMT_API_ERROR); /* not in sequence */
      CHECK_INT_EQ(taos_stmt_bind_single_param_batch(stmt, &b[1], 0), INVALID_OPERATION); /* INT for TIMESTAMP */
    }
    for (int col = 0; col < 3; col++) {
      int rc = taos_stmt_bind_single_param_batch(stmt, &b[col], col);
      CHECK_MSG(rc == 0, "set %d col %d: 0x%08x %s", set, col, (unsigned)rc, taos_stmt_errstr(stmt));
    }
  }
  CHECK_INT_EQ(taos_stmt_add_batch(stmt), 0);
  int rc = taos_stmt_execute(stmt);
  CHECK_MSG(rc == 0, "execute: 0x%08x %s", (unsigned)rc, taos_stmt_errstr(stmt));
  CHECK_INT_EQ(taos_stmt_affected_rows(stmt), 2 * NROW);
  verify(taos, "sc2", 2, 2 * NROW);

  /* An incomplete set: add_batch refuses. */
  CHECK_INT_EQ(taos_stmt_set_tbname_tags(stmt, "sc2", &tag), 0);
  TAOS_MULTI_BIND t0;
  memset(&t0, 0, sizeof t0);
  int64_t ts = TS0 + 999;
  t0.buffer_type = TSDB_DATA_TYPE_TIMESTAMP; t0.buffer = &ts; t0.buffer_length = 8; t0.num = 1;
  CHECK_INT_EQ(taos_stmt_bind_single_param_batch(stmt, &t0, 0), 0);
  CHECK_INT_EQ(taos_stmt_add_batch(stmt), STMT_API_ERROR);
  CHECK_MSG(strstr(taos_stmt_errstr(stmt), "not every column") != NULL, "%s", taos_stmt_errstr(stmt));
  CHECK_INT_EQ(taos_stmt_close(stmt), 0);
}

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (!taos) return test_finish("stmt_single");
  char db[64];
  test_fresh_db(taos, test_db_name(db, sizeof db, "stmt_single"));
  EXEC_OK(taos, "CREATE STABLE sc (ts TIMESTAMP, v INT, s VARCHAR(8)) TAGS (g INT)");
  stmt2_single(taos);
  stmt2_single_query(taos);
  v1_single(taos);
  char sql[100];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("stmt_single");
}
