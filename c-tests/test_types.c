/* Every data type in and out, with NULLs, checked cell by cell through the row API
 * (taos_fetch_row + taos_fetch_lengths + the uint16 length before a var-length cell
 * and the NUL after it) and through the block API (taos_fetch_block +
 * taos_get_column_data_offset + taos_is_null). Also: field metadata and the
 * timestamp precision of ms / us / ns databases. */
#include "testutil.h"

#define NCOLS 18 /* 17 columns + the JSON tag of the supertable */
#define NROWS 4

enum kind { K_NULL, K_INT, K_UINT, K_DBL, K_BYTES };

struct cell {
  enum kind kind;
  long long i;
  unsigned long long u;
  double d;
  const char *bytes;
  int len;
};

#define NUL_ {K_NULL, 0, 0, 0, NULL, 0}
#define I_(v) {K_INT, (long long)(v), 0, 0, NULL, 0}
#define U_(v) {K_UINT, 0, (unsigned long long)(v), 0, NULL, 0}
#define D_(v) {K_DBL, 0, 0, (double)(v), NULL, 0}
#define S_(s) {K_BYTES, 0, 0, 0, (s), (int)sizeof(s) - 1}

static const char *NAMES[NCOLS] = {"ts",     "c_bool", "c_ti",  "c_si",   "c_int", "c_bi",  "c_uti", "c_usi", "c_ui",
                                   "c_ubi",  "c_f",    "c_d",   "c_vc",   "c_bin", "c_nc",  "c_vb",  "c_geo", "info"};
static const int TYPES[NCOLS] = {
    TSDB_DATA_TYPE_TIMESTAMP, TSDB_DATA_TYPE_BOOL,    TSDB_DATA_TYPE_TINYINT,   TSDB_DATA_TYPE_SMALLINT,
    TSDB_DATA_TYPE_INT,       TSDB_DATA_TYPE_BIGINT,  TSDB_DATA_TYPE_UTINYINT,  TSDB_DATA_TYPE_USMALLINT,
    TSDB_DATA_TYPE_UINT,      TSDB_DATA_TYPE_UBIGINT, TSDB_DATA_TYPE_FLOAT,     TSDB_DATA_TYPE_DOUBLE,
    TSDB_DATA_TYPE_VARCHAR,   TSDB_DATA_TYPE_BINARY,  TSDB_DATA_TYPE_NCHAR,     TSDB_DATA_TYPE_VARBINARY,
    TSDB_DATA_TYPE_GEOMETRY,  TSDB_DATA_TYPE_JSON};
/* User-visible TAOS_FIELD.bytes: type size, declared length, NCHAR in characters.
 * -1: not checked (the JSON tag's width is server-defined). */
static const int BYTES[NCOLS] = {8, 1, 1, 2, 4, 8, 1, 2, 4, 8, 4, 8, 20, 12, 10, 16, 64, -1};

/* WKB (little-endian) of POINT(1 2) and POINT(-1.5 3). */
#define WKB_1_2 "\x01\x01\x00\x00\x00" "\x00\x00\x00\x00\x00\x00\xf0\x3f" "\x00\x00\x00\x00\x00\x00\x00\x40"
#define WKB_M15_3 "\x01\x01\x00\x00\x00" "\x00\x00\x00\x00\x00\x00\xf8\xbf" "\x00\x00\x00\x00\x00\x00\x08\x40"
#define JSON_TAG "{\"k\":\"v\"}"
#define NCHAR_0 "\xc4\xa5\xc3\xa9llo \xe4\xb8\x96\xe7\x95\x8c" /* "ĥéllo 世界", 8 characters */
#define NCHAR_1 "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97\xe7\xac\xa6" /* "中文字符" */

static const struct cell EXPECTED[NROWS][NCOLS] = {
    {I_(1700000000000LL), I_(1), I_(-128), I_(-32768), I_(-2147483647 - 1), I_(INT64_MIN), U_(0), U_(0), U_(0), U_(0),
     D_(-1.5), D_(-2.25), S_(""), S_("bin0"), S_(NCHAR_0), S_("\x00\xff\x10"), S_(WKB_1_2), S_(JSON_TAG)},
    {I_(1700000000001LL), I_(0), I_(127), I_(32767), I_(2147483647), I_(INT64_MAX), U_(255), U_(65535),
     U_(4294967295U), U_(UINT64_MAX), D_(3.25), D_(123456.789), S_("abc"), S_("bin_1"), S_(NCHAR_1), S_("\x01\x02"),
     S_(WKB_M15_3), S_(JSON_TAG)},
    {I_(1700000000002LL), NUL_, NUL_, NUL_, NUL_, NUL_, NUL_, NUL_, NUL_, NUL_, NUL_, NUL_, NUL_, NUL_, NUL_, NUL_, NUL_,
     S_(JSON_TAG)},
    {I_(1700000000003LL), NUL_, NUL_, NUL_, I_(7), NUL_, NUL_, NUL_, NUL_, NUL_, NUL_, NUL_, S_("x"), NUL_, NUL_, NUL_,
     NUL_, NUL_},
};

/* Compares one fixed-width value (read unaligned) with the expectation. */
static void check_fixed(int r, int c, const void *p) {
  const struct cell *e = &EXPECTED[r][c];
  long long i = 0;
  unsigned long long u = 0;
  double d = 0;
  switch (TYPES[c]) {
    case TSDB_DATA_TYPE_BOOL: case TSDB_DATA_TYPE_TINYINT: { int8_t v; memcpy(&v, p, 1); i = v; break; }
    case TSDB_DATA_TYPE_SMALLINT: { int16_t v; memcpy(&v, p, 2); i = v; break; }
    case TSDB_DATA_TYPE_INT: { int32_t v; memcpy(&v, p, 4); i = v; break; }
    case TSDB_DATA_TYPE_BIGINT: case TSDB_DATA_TYPE_TIMESTAMP: { int64_t v; memcpy(&v, p, 8); i = v; break; }
    case TSDB_DATA_TYPE_UTINYINT: { uint8_t v; memcpy(&v, p, 1); u = v; break; }
    case TSDB_DATA_TYPE_USMALLINT: { uint16_t v; memcpy(&v, p, 2); u = v; break; }
    case TSDB_DATA_TYPE_UINT: { uint32_t v; memcpy(&v, p, 4); u = v; break; }
    case TSDB_DATA_TYPE_UBIGINT: { uint64_t v; memcpy(&v, p, 8); u = v; break; }
    case TSDB_DATA_TYPE_FLOAT: { float v; memcpy(&v, p, 4); d = v; break; }
    case TSDB_DATA_TYPE_DOUBLE: { double v; memcpy(&v, p, 8); d = v; break; }
  }
  if (e->kind == K_INT) CHECK_MSG(i == e->i, "row %d %s: got %lld, expected %lld", r, NAMES[c], i, e->i);
  if (e->kind == K_UINT) CHECK_MSG(u == e->u, "row %d %s: got %llu, expected %llu", r, NAMES[c], u, e->u);
  if (e->kind == K_DBL) CHECK_MSG(d == e->d, "row %d %s: got %.17g, expected %.17g", r, NAMES[c], d, e->d);
}

static void check_fields(TAOS_RES *res) {
  CHECK_INT_EQ(taos_num_fields(res), NCOLS);
  CHECK_INT_EQ(taos_field_count(res), NCOLS);
  CHECK(!taos_is_update_query(res));
  CHECK_INT_EQ(taos_result_precision(res), 0);
  TAOS_FIELD *f = taos_fetch_fields(res);
  CHECK_NOT_NULL(f);
  if (f == NULL || taos_num_fields(res) != NCOLS) return;
  for (int c = 0; c < NCOLS; c++) {
    CHECK_STR_EQ(f[c].name, NAMES[c]);
    CHECK_MSG(f[c].type == TYPES[c], "field %s: type %d, expected %d", NAMES[c], f[c].type, TYPES[c]);
    if (BYTES[c] >= 0)
      CHECK_MSG(f[c].bytes == BYTES[c], "field %s: bytes %d, expected %d", NAMES[c], f[c].bytes, BYTES[c]);
  }
}

static void row_api(TAOS *taos) {
  TAOS_RES *res = taos_query(taos, "SELECT * FROM st ORDER BY ts");
  CHECK_INT_EQ(taos_errno(res), 0);
  check_fields(res);
  int r = 0;
  TAOS_ROW row;
  while ((row = taos_fetch_row(res)) != NULL) {
    CHECK_MSG(r < NROWS, "more rows than the %d inserted", NROWS);
    if (r >= NROWS) break;
    int *lengths = taos_fetch_lengths(res);
    CHECK_NOT_NULL(lengths);
    for (int c = 0; c < NCOLS && lengths; c++) {
      const struct cell *e = &EXPECTED[r][c];
      if (e->kind == K_NULL) {
        CHECK_MSG(row[c] == NULL, "row %d %s: expected NULL", r, NAMES[c]);
        CHECK_MSG(lengths[c] == 0, "row %d %s: NULL length %d", r, NAMES[c], lengths[c]);
        CHECK_MSG(taos_is_null(res, r, c), "row %d %s: taos_is_null false for NULL", r, NAMES[c]);
        continue;
      }
      CHECK_MSG(row[c] != NULL, "row %d %s: unexpected NULL", r, NAMES[c]);
      if (row[c] == NULL) continue;
      CHECK_MSG(!taos_is_null(res, r, c), "row %d %s: taos_is_null true for a value", r, NAMES[c]);
      if (tu_is_var(TYPES[c])) {
        int len = test_var_len(row[c]);
        CHECK_MSG(len == e->len, "row %d %s: uint16 before the cell = %d, expected %d", r, NAMES[c], len, e->len);
        CHECK_MSG(lengths[c] == e->len, "row %d %s: taos_fetch_lengths = %d, expected %d", r, NAMES[c], lengths[c],
                  e->len);
        CHECK_MEM_EQ(row[c], e->len, e->bytes, e->len);
        CHECK_MSG(((const char *)row[c])[e->len] == 0, "row %d %s: no NUL after the cell", r, NAMES[c]);
      } else {
        CHECK_MSG(lengths[c] == tu_fixed_size(TYPES[c]), "row %d %s: length %d, expected %d", r, NAMES[c], lengths[c],
                  tu_fixed_size(TYPES[c]));
        check_fixed(r, c, row[c]);
      }
    }
    r++;
  }
  CHECK_INT_EQ(r, NROWS);
  CHECK_INT_EQ(taos_errno(res), 0);
  taos_free_result(res);
}

static void block_api(TAOS *taos) {
  TAOS_RES *res = taos_query(taos, "SELECT * FROM st ORDER BY ts");
  CHECK_INT_EQ(taos_errno(res), 0);
  TAOS_ROW cols = NULL;
  int n = taos_fetch_block(res, &cols);
  CHECK_INT_EQ(n, NROWS);
  CHECK_NOT_NULL(cols);
  if (n != NROWS || cols == NULL) {
    taos_free_result(res);
    return;
  }
  for (int c = 0; c < NCOLS; c++) {
    int *offsets = taos_get_column_data_offset(res, c);
    if (tu_is_var(TYPES[c])) CHECK_MSG(offsets != NULL, "%s: no offsets for a var column", NAMES[c]);
    else CHECK_MSG(offsets == NULL, "%s: offsets for a fixed column", NAMES[c]);
    bool nulls[NROWS];
    int rows = NROWS;
    CHECK_INT_EQ(taos_is_null_by_column(res, c, nulls, &rows), 0);
    CHECK_INT_EQ(rows, NROWS);
    for (int r = 0; r < NROWS; r++) {
      const struct cell *e = &EXPECTED[r][c];
      CHECK_MSG(taos_is_null(res, r, c) == (e->kind == K_NULL), "block row %d %s: taos_is_null wrong", r, NAMES[c]);
      CHECK_MSG(nulls[r] == (e->kind == K_NULL), "block row %d %s: taos_is_null_by_column wrong", r, NAMES[c]);
      if (tu_is_var(TYPES[c])) {
        if (offsets == NULL) continue;
        if (e->kind == K_NULL) {
          CHECK_MSG(offsets[r] == -1, "block row %d %s: offset %d for NULL", r, NAMES[c], offsets[r]);
          continue;
        }
        CHECK_MSG(offsets[r] >= 0, "block row %d %s: offset %d", r, NAMES[c], offsets[r]);
        if (offsets[r] < 0) continue;
        const unsigned char *p = (const unsigned char *)cols[c] + offsets[r];
        int len = p[0] | (p[1] << 8);
        CHECK_MSG(len == e->len, "block row %d %s: length %d, expected %d", r, NAMES[c], len, e->len);
        CHECK_MEM_EQ(p + 2, len, e->bytes, e->len);
      } else if (e->kind != K_NULL) {
        check_fixed(r, c, (const char *)cols[c] + (size_t)r * (size_t)tu_fixed_size(TYPES[c]));
      }
    }
  }
  /* Out of range is "NULL" rather than a crash. */
  CHECK(taos_is_null(res, NROWS, 0));
  CHECK(taos_is_null(res, 0, NCOLS));
  CHECK(taos_is_null(res, -1, 0));
  /* End of data, through the _s variant: code 0 and no rows. */
  int rows_left = -1;
  CHECK_INT_EQ(taos_fetch_block_s(res, &rows_left, &cols), 0);
  CHECK_INT_EQ(rows_left, 0);
  taos_free_result(res);
}

/* A column subset through a child table: projection order and the tag via tbname. */
static void projection(TAOS *taos) {
  TAOS_RES *res = taos_query(taos, "SELECT c_nc, c_int, tbname FROM st WHERE c_int = 7");
  CHECK_INT_EQ(taos_errno(res), 0);
  CHECK_INT_EQ(taos_num_fields(res), 3);
  TAOS_ROW row = taos_fetch_row(res);
  CHECK_NOT_NULL(row);
  if (row) {
    CHECK_NULL(row[0]);
    CHECK(row[1] != NULL && *(int32_t *)row[1] == 7);
    CHECK(row[2] != NULL && test_var_len(row[2]) == 2 && memcmp(row[2], "t2", 2) == 0);
  }
  CHECK_NULL(taos_fetch_row(res));
  taos_free_result(res);
}

/* Timestamps come back in the database precision, and taos_result_precision says which. */
static void precisions(TAOS *taos) {
  static const char *names[3] = {"ms", "us", "ns"};
  static const long long vals[3] = {1700000000123LL, 1700000000123456LL, 1700000000123456789LL};
  for (int p = 0; p < 3; p++) {
    char sql[200];
    char dbbuf[64], prefix[32];
    snprintf(prefix, sizeof prefix, "ct_prec_%s", names[p]);
    const char *db = test_db_name(dbbuf, sizeof dbbuf, prefix);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s PRECISION '%s'", db, names[p]);
    EXEC_OK(taos, sql);
    snprintf(sql, sizeof sql, "CREATE TABLE %s.tp (ts TIMESTAMP, v INT)", db);
    EXEC_OK(taos, sql);
    snprintf(sql, sizeof sql, "INSERT INTO %s.tp VALUES (%lld, 1)", db, vals[p]);
    CHECK_INT_EQ(EXEC_OK(taos, sql), 1);
    snprintf(sql, sizeof sql, "SELECT ts FROM %s.tp", db);
    TAOS_RES *res = taos_query(taos, sql);
    CHECK_INT_EQ(taos_errno(res), 0);
    CHECK_INT_EQ(taos_result_precision(res), p);
    TAOS_ROW row = taos_fetch_row(res);
    CHECK(row != NULL && row[0] != NULL);
    if (row && row[0]) CHECK_INT_EQ(*(int64_t *)row[0], vals[p]);
    taos_free_result(res);
    snprintf(sql, sizeof sql, "DROP DATABASE %s", db);
    EXEC_OK(taos, sql);
  }
}

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("test_types");
  char dbbuf[64];
  const char *db = test_db_name(dbbuf, sizeof dbbuf, "ct_types");
  test_fresh_db(taos, db);

  EXEC_OK(taos,
          "CREATE STABLE st (ts TIMESTAMP, c_bool BOOL, c_ti TINYINT, c_si SMALLINT, c_int INT, c_bi BIGINT, "
          "c_uti TINYINT UNSIGNED, c_usi SMALLINT UNSIGNED, c_ui INT UNSIGNED, c_ubi BIGINT UNSIGNED, "
          "c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(20), c_bin BINARY(12), c_nc NCHAR(10), c_vb VARBINARY(16), "
          "c_geo GEOMETRY(64)) TAGS (info JSON)");
  EXEC_OK(taos, "CREATE TABLE t1 USING st TAGS ('{\"k\":\"v\"}')");
  EXEC_OK(taos, "CREATE TABLE t2 USING st TAGS (NULL)");
  int64_t n = EXEC_OK(taos,
                      "INSERT INTO t1 VALUES "
                      "(1700000000000, true, -128, -32768, -2147483648, -9223372036854775808, 0, 0, 0, 0, -1.5, -2.25, "
                      "'', 'bin0', '" NCHAR_0 "', '\\x00ff10', 'POINT(1 2)') "
                      "(1700000000001, false, 127, 32767, 2147483647, 9223372036854775807, 255, 65535, 4294967295, "
                      "18446744073709551615, 3.25, 123456.789, 'abc', 'bin_1', '" NCHAR_1 "', '\\x0102', "
                      "'POINT(-1.5 3)') "
                      "(1700000000002, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                      "NULL, NULL, NULL)");
  CHECK_INT_EQ(n, 3);
  n = EXEC_OK(taos, "INSERT INTO t2 (ts, c_int, c_vc) VALUES (1700000000003, 7, 'x')");
  CHECK_INT_EQ(n, 1);

  row_api(taos);
  block_api(taos);
  projection(taos);
  precisions(taos);

  char sql[128];
  snprintf(sql, sizeof sql, "DROP DATABASE %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("test_types");
}
