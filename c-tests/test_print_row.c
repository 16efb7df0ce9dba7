/* taos_print_row / taos_print_row_with_size on known rows, in the native client's
 * format: integers in decimal, BOOL as 0/1, FLOAT/DOUBLE with %f, strings as
 * their bytes, VARBINARY as \x + upper-case hex, NULL as "NULL", one space between. */
#include "testutil.h"

static const char *EXPECTED[3] = {
    "1700000000000 1 -42 -7 250 4000000000 -9000000000 18000000000000000000 1.500000 -0.250000 hello n\xc3\xa9 "
    "\\x0AFF",
    "1700000000001 0 0 0 0 0 0 0 0.000000 100.125000  a \\x",
    "1700000000002 NULL NULL NULL NULL NULL NULL NULL NULL NULL NULL NULL NULL",
};

static void print_rows(TAOS *taos) {
  TAOS_RES *res = taos_query(taos, "SELECT * FROM pr ORDER BY ts");
  CHECK_INT_EQ(taos_errno(res), 0);
  int nf = taos_num_fields(res);
  TAOS_FIELD *fields = taos_fetch_fields(res);
  CHECK_INT_EQ(nf, 13);
  TAOS_ROW row;
  int r = 0;
  while ((row = taos_fetch_row(res)) != NULL && r < 3) {
    char buf[1024];
    memset(buf, 'Z', sizeof buf);
    int n = taos_print_row(buf, row, fields, nf);
    CHECK_STR_EQ(buf, EXPECTED[r]);
    CHECK_INT_EQ(n, (int)strlen(EXPECTED[r]));

    /* Bounded: the output is cut to size-1 characters plus NUL; nothing written past size. */
    const uint32_t sizes[3] = {1, 10, 20};
    for (int s = 0; s < 3; s++) {
      uint32_t size = sizes[s];
      memset(buf, 'Z', sizeof buf);
      taos_print_row_with_size(buf, size, row, fields, nf);
      size_t len = strnlen(buf, size);
      CHECK_MSG(len == size - 1, "row %d size %u: printed %zu characters, expected %u", r, size, len, size - 1);
      CHECK_MSG(strncmp(buf, EXPECTED[r], len) == 0, "row %d size %u: \"%.*s\" is no prefix of the full row", r, size,
                (int)len, buf);
      CHECK_MSG(buf[size] == 'Z', "row %d size %u: wrote past the buffer", r, size);
    }
    /* Large enough: same as taos_print_row. */
    memset(buf, 'Z', sizeof buf);
    int m = taos_print_row_with_size(buf, sizeof buf, row, fields, nf);
    CHECK_STR_EQ(buf, EXPECTED[r]);
    CHECK_INT_EQ(m, (int)strlen(EXPECTED[r]));
    r++;
  }
  CHECK_INT_EQ(r, 3);
  taos_free_result(res);
}

/* taos_data_type names every type, and says "UNKNOWN" (never NULL) for others. */
static void data_type_names(void) {
  CHECK_STR_EQ(taos_data_type(TSDB_DATA_TYPE_INT), "TSDB_DATA_TYPE_INT");
  CHECK_STR_EQ(taos_data_type(TSDB_DATA_TYPE_TIMESTAMP), "TSDB_DATA_TYPE_TIMESTAMP");
  CHECK_STR_EQ(taos_data_type(TSDB_DATA_TYPE_VARCHAR), "TSDB_DATA_TYPE_VARCHAR");
  CHECK_STR_EQ(taos_data_type(TSDB_DATA_TYPE_NCHAR), "TSDB_DATA_TYPE_NCHAR");
  CHECK_STR_EQ(taos_data_type(TSDB_DATA_TYPE_UBIGINT), "TSDB_DATA_TYPE_UBIGINT");
  CHECK_STR_EQ(taos_data_type(TSDB_DATA_TYPE_GEOMETRY), "TSDB_DATA_TYPE_GEOMETRY");
  CHECK_STR_EQ(taos_data_type(-1), "UNKNOWN");
  CHECK_STR_EQ(taos_data_type(1000), "UNKNOWN");
}

int main(void) {
  data_type_names();
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("test_print_row");
  char dbbuf[64];
  const char *db = test_db_name(dbbuf, sizeof dbbuf, "ct_print");
  test_fresh_db(taos, db);
  EXEC_OK(taos,
          "CREATE TABLE pr (ts TIMESTAMP, b BOOL, i INT, ti TINYINT, uti TINYINT UNSIGNED, u INT UNSIGNED, "
          "bi BIGINT, ubi BIGINT UNSIGNED, f FLOAT, d DOUBLE, s VARCHAR(10), n NCHAR(5), vb VARBINARY(8))");
  CHECK_INT_EQ(EXEC_OK(taos,
                       "INSERT INTO pr VALUES "
                       "(1700000000000, true, -42, -7, 250, 4000000000, -9000000000, 18000000000000000000, 1.5, "
                       "-0.25, 'hello', 'n\xc3\xa9', '\\x0aff') "
                       "(1700000000001, false, 0, 0, 0, 0, 0, 0, 0, 100.125, '', 'a', '') "
                       "(1700000000002, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"),
               3);
  print_rows(taos);
  char sql[128];
  snprintf(sql, sizeof sql, "DROP DATABASE %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("test_print_row");
}
