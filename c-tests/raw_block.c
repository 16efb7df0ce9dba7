/* taos_write_raw_block, _with_reqid, _with_fields, _with_fields_with_reqid against the
 * suite's dev server. Table a gets rows of every column type (with NULL rows); its block,
 * read with taos_fetch_raw_block, is written into tables of the same schema with each of
 * the four functions, and each copy is compared with a cell by cell. Also: columns mapped
 * by name (_with_fields, any order, missing columns NULL), the ignored row-count argument
 * (TDengine's client reads the block's own count), and the errors: NULL taos / pData /
 * tbname, unknown table, no current database, type mismatch, value too long, unknown
 * field name, numFields not matching the block, a corrupt block; a failed write writes
 * nothing. */
#include "testutil.h"

#define INVALID_MSG ((int)0x80000115)
#define INVALID_PARA ((int)0x80000118)
#define PAR_INVALID_COLUMN ((int)0x80002602)
#define PAR_TABLE_NOT_EXIST ((int)0x80002603)
#define PAR_DB_NOT_SPECIFIED ((int)0x80002616)
#define PAR_VALUE_TOO_LONG ((int)0x80002653)

#define NROWS 5

static const char *SCHEMA =
    "(ts TIMESTAMP, c_bool BOOL, c_ti TINYINT, c_si SMALLINT, c_int INT, c_bi BIGINT, "
    "c_uti TINYINT UNSIGNED, c_usi SMALLINT UNSIGNED, c_ui INT UNSIGNED, c_ubi BIGINT UNSIGNED, "
    "c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(20), c_bin BINARY(12), c_nc NCHAR(10), c_vb VARBINARY(16), "
    "c_geo GEOMETRY(64))";
#define NCOLS 17

static void create_table(TAOS *taos, const char *name) {
  char sql[512];
  snprintf(sql, sizeof sql, "CREATE TABLE %s %s", name, SCHEMA);
  EXEC_OK(taos, sql);
}

static int64_t count_rows(TAOS *taos, const char *table) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
  TAOS_RES *res = taos_query(taos, sql);
  int64_t n = -1;
  TAOS_ROW row = taos_errno(res) == 0 ? taos_fetch_row(res) : NULL;
  if (row && row[0]) memcpy(&n, row[0], 8);
  CHECK_MSG(n >= 0, "count of %s failed: %s", table, taos_errstr(res));
  taos_free_result(res);
  return n;
}

/* Compares `sel_a` and `sel_b` (two SELECTs) cell by cell: same fields, same rows, same
 * NULLs, same bytes. Returns the rows compared. */
static int compare_queries(TAOS *taos, const char *sel_a, const char *sel_b) {
  TAOS_RES *ra = taos_query(taos, sel_a);
  TAOS_RES *rb = taos_query(taos, sel_b);
  CHECK_MSG(taos_errno(ra) == 0, "%s: %s", sel_a, taos_errstr(ra));
  CHECK_MSG(taos_errno(rb) == 0, "%s: %s", sel_b, taos_errstr(rb));
  int rows = 0;
  if (taos_errno(ra) == 0 && taos_errno(rb) == 0) {
    int n = taos_num_fields(ra);
    CHECK_INT_EQ(taos_num_fields(rb), n);
    TAOS_FIELD *fa = taos_fetch_fields(ra), *fb = taos_fetch_fields(rb);
    for (int c = 0; c < n && c < taos_num_fields(rb); c++) {
      CHECK_MSG(fa[c].type == fb[c].type, "%s: column %d type %d vs %d", sel_b, c, fa[c].type, fb[c].type);
    }
    for (;;) {
      TAOS_ROW a = taos_fetch_row(ra);
      TAOS_ROW b = taos_fetch_row(rb);
      if (a == NULL || b == NULL) {
        CHECK_MSG(a == NULL && b == NULL, "%s: %s has more rows (after %d)", sel_b, a ? "source" : "copy", rows);
        break;
      }
      int *la = taos_fetch_lengths(ra), *lb = taos_fetch_lengths(rb);
      for (int c = 0; c < n && la && lb; c++) {
        if (a[c] == NULL || b[c] == NULL) {
          CHECK_MSG(a[c] == NULL && b[c] == NULL, "%s row %d col %s: NULL in only one (%s)", sel_b, rows, fa[c].name,
                    a[c] ? "copy" : "source");
          continue;
        }
        int len = tu_is_var(fa[c].type) ? la[c] : tu_fixed_size(fa[c].type);
        CHECK_MSG(la[c] == lb[c], "%s row %d col %s: length %d vs %d", sel_b, rows, fa[c].name, la[c], lb[c]);
        CHECK_MSG(la[c] == lb[c] && memcmp(a[c], b[c], (size_t)len) == 0, "%s row %d col %s: values differ", sel_b,
                  rows, fa[c].name);
      }
      rows++;
    }
  }
  taos_free_result(ra);
  taos_free_result(rb);
  return rows;
}

static void compare_tables(TAOS *taos, const char *a, const char *b) {
  char sa[128], sb[128];
  snprintf(sa, sizeof sa, "SELECT * FROM %s ORDER BY ts", a);
  snprintf(sb, sizeof sb, "SELECT * FROM %s ORDER BY ts", b);
  CHECK_INT_EQ(compare_queries(taos, sa, sb), NROWS);
}

enum fn { F_PLAIN, F_REQID, F_FIELDS, F_FIELDS_REQID };

/* Runs `sel`, takes its first raw block and writes it into `dst` with function `f`
 * (`rows` given as the row-count argument; -1: the block's count). Returns the code. */
static int write_from(TAOS *taos, const char *sel, const char *dst, enum fn f, int rows) {
  TAOS_RES *res = taos_query(taos, sel);
  CHECK_MSG(taos_errno(res) == 0, "%s: %s", sel, taos_errstr(res));
  int n = 0;
  void *data = NULL;
  CHECK_INT_EQ(taos_fetch_raw_block(res, &n, &data), 0);
  CHECK(data != NULL && n > 0);
  int code = -1;
  if (data != NULL) {
    int r = rows < 0 ? n : rows;
    TAOS_FIELD *fields = taos_fetch_fields(res);
    int nf = taos_num_fields(res);
    switch (f) {
      case F_PLAIN: code = taos_write_raw_block(taos, r, (char *)data, dst); break;
      case F_REQID: code = taos_write_raw_block_with_reqid(taos, r, (char *)data, dst, 0x1234567); break;
      case F_FIELDS: code = taos_write_raw_block_with_fields(taos, r, (char *)data, dst, fields, nf); break;
      case F_FIELDS_REQID:
        code = taos_write_raw_block_with_fields_with_reqid(taos, r, (char *)data, dst, fields, nf, 0x7654321);
        break;
    }
  }
  taos_free_result(res);
  return code;
}

/* The same with an explicit fields array (for the field-name error cases). */
static int write_with_fields(TAOS *taos, const char *sel, const char *dst, TAOS_FIELD *fields, int nf) {
  TAOS_RES *res = taos_query(taos, sel);
  int n = 0;
  void *data = NULL;
  CHECK_INT_EQ(taos_fetch_raw_block(res, &n, &data), 0);
  int code = data ? taos_write_raw_block_with_fields(taos, n, (char *)data, dst, fields, nf) : -1;
  taos_free_result(res);
  return code;
}

#define CHECK_CODE(expr, want)                                                                       \
  do {                                                                                               \
    int rc_ = (expr);                                                                                \
    CHECK_MSG(rc_ == (want), "%s: got 0x%08x, expected 0x%08x (%s)", #expr, (unsigned)rc_, (unsigned)(want), \
              taos_errstr(NULL));                                                                    \
    if (rc_ != 0) {                                                                                  \
      CHECK_INT_EQ(taos_errno(NULL), rc_);                                                           \
      const char *m_ = taos_errstr(NULL);                                                            \
      CHECK_MSG(m_ != NULL && m_[0] != 0 && strcmp(m_, "success") != 0, "%s: empty error text", #expr); \
    }                                                                                                \
  } while (0)

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("raw_block");
  char dbbuf[64];
  const char *db = test_db_name(dbbuf, sizeof dbbuf, "rawblk");
  test_fresh_db(taos, db);

  const char *copies[] = {"a", "b_plain", "b_reqid", "b_fields", "b_fields_reqid", "b_rows0", "b_rowsneg",
                          "b_named", "b_reordered", "b_mismatch", "b_nullfields"};
  for (size_t i = 0; i < sizeof copies / sizeof copies[0]; i++) create_table(taos, copies[i]);
  EXEC_OK(taos, "CREATE TABLE b_short (ts TIMESTAMP, c_vc VARCHAR(2))");
  EXEC_OK(taos, "CREATE TABLE b_int (ts TIMESTAMP, c_bi INT)");
  int64_t n = EXEC_OK(taos,
                      "INSERT INTO a VALUES "
                      "(1700000000000, true, -128, -32768, -2147483648, -9223372036854775808, 0, 0, 0, 0, -1.5, -2.25, "
                      "'', 'bin0', 'h\xc3\xa9llo \xe4\xb8\x96', '\\x00ff10', 'POINT(1 2)') "
                      "(1700000000001, false, 127, 32767, 2147483647, 9223372036854775807, 255, 65535, 4294967295, "
                      "18446744073709551615, 3.25, 123456.789, 'abc', 'bin_1', '\xe4\xb8\xad\xe6\x96\x87', '\\x0102', "
                      "'POINT(-1.5 3)') "
                      "(1700000000002, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                      "NULL, NULL, NULL) "
                      "(1700000000003, NULL, 1, NULL, 7, NULL, 2, NULL, 3, NULL, 0.5, NULL, 'x', NULL, 'y', NULL, NULL) "
                      "(1700000000004, true, NULL, 5, NULL, 6, NULL, 7, NULL, 8, NULL, 9.75, NULL, 'b', NULL, '\\x7f', "
                      "'POINT(0 0)')");
  CHECK_INT_EQ(n, NROWS);

  /* The four functions, each into its own copy, compared cell by cell. */
  CHECK_CODE(write_from(taos, "SELECT * FROM a", "b_plain", F_PLAIN, -1), 0);
  CHECK_CODE(write_from(taos, "SELECT * FROM a", "b_reqid", F_REQID, -1), 0);
  CHECK_CODE(write_from(taos, "SELECT * FROM a", "b_fields", F_FIELDS, -1), 0);
  CHECK_CODE(write_from(taos, "SELECT * FROM a", "b_fields_reqid", F_FIELDS_REQID, -1), 0);
  compare_tables(taos, "a", "b_plain");
  compare_tables(taos, "a", "b_reqid");
  compare_tables(taos, "a", "b_fields");
  compare_tables(taos, "a", "b_fields_reqid");

  /* A value a broken copy would change, read back directly. */
  TAOS_RES *res = taos_query(taos, "SELECT c_bi, c_ubi, c_nc FROM b_plain WHERE ts = 1700000000001");
  TAOS_ROW row = taos_fetch_row(res);
  CHECK_NOT_NULL(row);
  if (row) {
    int64_t bi;
    uint64_t ubi;
    memcpy(&bi, row[0], 8);
    memcpy(&ubi, row[1], 8);
    CHECK_INT_EQ(bi, INT64_MAX);
    CHECK_UINT_EQ(ubi, UINT64_MAX);
    CHECK_MEM_EQ(row[2], test_var_len(row[2]), "\xe4\xb8\xad\xe6\x96\x87", 6);
  }
  taos_free_result(res);

  /* The row-count argument is not used (TDengine's client reads the block's own count). */
  CHECK_CODE(write_from(taos, "SELECT * FROM a", "b_rows0", F_PLAIN, 0), 0);
  CHECK_CODE(write_from(taos, "SELECT * FROM a", "b_rowsneg", F_FIELDS, -7), 0);
  compare_tables(taos, "a", "b_rows0");
  compare_tables(taos, "a", "b_rowsneg");

  /* _with_fields maps by name: a subset, in any order; the other columns are NULL. */
  CHECK_CODE(write_from(taos, "SELECT ts, c_int, c_nc FROM a", "b_named", F_FIELDS, -1), 0);
  CHECK_INT_EQ(compare_queries(taos, "SELECT ts, c_int, c_nc FROM a ORDER BY ts",
                               "SELECT ts, c_int, c_nc FROM b_named ORDER BY ts"),
               NROWS);
  CHECK_INT_EQ(count_rows(taos, "b_named WHERE c_bi IS NOT NULL OR c_vc IS NOT NULL"), 0);
  CHECK_CODE(write_from(taos, "SELECT c_vc, c_d, ts FROM a", "b_reordered", F_FIELDS_REQID, -1), 0);
  CHECK_INT_EQ(compare_queries(taos, "SELECT ts, c_vc, c_d FROM a ORDER BY ts",
                               "SELECT ts, c_vc, c_d FROM b_reordered ORDER BY ts"),
               NROWS);
  CHECK_INT_EQ(count_rows(taos, "b_reordered WHERE c_int IS NOT NULL"), 0);

  /* Errors. */
  res = taos_query(taos, "SELECT * FROM a");
  int rows = 0;
  void *data = NULL;
  CHECK_INT_EQ(taos_fetch_raw_block(res, &rows, &data), 0);
  TAOS_FIELD *fields = taos_fetch_fields(res);
  CHECK_CODE(taos_write_raw_block(NULL, rows, (char *)data, "b_mismatch"), INVALID_PARA);
  CHECK_CODE(taos_write_raw_block_with_reqid(NULL, rows, (char *)data, "b_mismatch", 1), INVALID_PARA);
  CHECK_CODE(taos_write_raw_block_with_fields(NULL, rows, (char *)data, "b_mismatch", fields, NCOLS), INVALID_PARA);
  CHECK_CODE(taos_write_raw_block_with_fields_with_reqid(NULL, rows, (char *)data, "b_mismatch", fields, NCOLS, 1),
             INVALID_PARA);
  CHECK_CODE(taos_write_raw_block(taos, rows, NULL, "b_mismatch"), INVALID_PARA);
  CHECK_CODE(taos_write_raw_block_with_fields(taos, rows, NULL, "b_mismatch", fields, NCOLS), INVALID_PARA);
  CHECK_CODE(taos_write_raw_block(taos, rows, (char *)data, NULL), INVALID_PARA);
  CHECK_CODE(taos_write_raw_block_with_reqid(taos, rows, (char *)data, NULL, 1), INVALID_PARA);
  CHECK_CODE(taos_write_raw_block(taos, rows, (char *)data, "no_such_table"), PAR_TABLE_NOT_EXIST);
  CHECK_CODE(taos_write_raw_block_with_fields(taos, rows, (char *)data, "no_such_table", fields, NCOLS),
             PAR_TABLE_NOT_EXIST);
  /* numFields must match the block's columns; a non-NULL fields array needs numFields > 0. */
  CHECK_CODE(taos_write_raw_block_with_fields(taos, rows, (char *)data, "b_mismatch", fields, NCOLS - 1), INVALID_PARA);
  CHECK_CODE(taos_write_raw_block_with_fields(taos, rows, (char *)data, "b_mismatch", fields, 0), INVALID_PARA);
  CHECK_CODE(taos_write_raw_block_with_fields(taos, rows, (char *)data, "b_mismatch", fields, -3), INVALID_PARA);
  /* A block whose length field is too small, or whose row count does not fit its data. */
  if (data != NULL) {
    int32_t len;
    memcpy(&len, (char *)data + 4, 4);
    char *copy = malloc((size_t)len);
    memcpy(copy, data, (size_t)len);
    int32_t bad_len = 10, bad_rows = 1000000;
    memcpy(copy + 4, &bad_len, 4);
    CHECK_CODE(taos_write_raw_block(taos, rows, copy, "b_mismatch"), INVALID_PARA);
    memcpy(copy + 4, &len, 4);
    memcpy(copy + 8, &bad_rows, 4);
    CHECK_CODE(taos_write_raw_block(taos, rows, copy, "b_mismatch"), INVALID_MSG);
    free(copy);
  }
  /* NULL fields: by position, like taos_write_raw_block. */
  CHECK_CODE(taos_write_raw_block_with_fields(taos, rows, (char *)data, "b_nullfields", NULL, 0), 0);
  compare_tables(taos, "a", "b_nullfields");

  /* A field name the table does not have, or a name given twice. */
  TAOS_FIELD bad[NCOLS];
  memcpy(bad, fields, sizeof bad);
  snprintf(bad[4].name, sizeof bad[4].name, "no_such_col");
  CHECK_CODE(write_with_fields(taos, "SELECT * FROM a", "b_mismatch", bad, NCOLS), PAR_INVALID_COLUMN);
  memcpy(bad, fields, sizeof bad);
  snprintf(bad[5].name, sizeof bad[5].name, "%s", fields[4].name);
  CHECK_CODE(write_with_fields(taos, "SELECT * FROM a", "b_mismatch", bad, NCOLS), PAR_INVALID_COLUMN);
  /* Without the timestamp column. */
  CHECK_CODE(write_from(taos, "SELECT c_int FROM a", "b_mismatch", F_FIELDS, -1), PAR_INVALID_COLUMN);
  CHECK_INT_EQ(count_rows(taos, "b_mismatch"), 0);
  taos_free_result(res);

  /* Type mismatch (BIGINT block column into an INT column) and a value too long. */
  CHECK_CODE(write_from(taos, "SELECT ts, c_bi FROM a", "b_int", F_PLAIN, -1), INVALID_PARA);
  CHECK_CODE(write_from(taos, "SELECT ts, c_bi FROM a", "b_int", F_FIELDS, -1), INVALID_PARA);
  CHECK_INT_EQ(count_rows(taos, "b_int"), 0);
  CHECK_CODE(write_from(taos, "SELECT ts, c_vc FROM a", "b_short", F_PLAIN, -1), PAR_VALUE_TOO_LONG);
  CHECK_INT_EQ(count_rows(taos, "b_short"), 0);
  /* More block columns than the table has. */
  CHECK(write_from(taos, "SELECT * FROM a", "b_short", F_PLAIN, -1) != 0);

  /* No current database: the table name alone cannot be resolved. */
  TAOS *nodb = test_connect(NULL);
  CHECK_NOT_NULL(nodb);
  if (nodb) {
    char sel[128];
    snprintf(sel, sizeof sel, "SELECT * FROM %s.a", db);
    res = taos_query(nodb, sel);
    CHECK_INT_EQ(taos_fetch_raw_block(res, &rows, &data), 0);
    CHECK_CODE(taos_write_raw_block(nodb, rows, (char *)data, "b_mismatch"), PAR_DB_NOT_SPECIFIED);
    taos_free_result(res);
    taos_close(nodb);
  }
  CHECK_INT_EQ(count_rows(taos, "b_mismatch"), 0);

  char sql[128];
  snprintf(sql, sizeof sql, "DROP DATABASE %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("raw_block");
}
