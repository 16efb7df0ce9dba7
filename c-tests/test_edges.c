/* Edge cases of results: zero rows; exactly one block and one row past it; long
 * variable-length values (near-limit VARCHAR, multi-byte NCHAR); a wide table of 200
 * columns; fetching again after the end keeps returning "no more". */
#include "testutil.h"

#define TS0 1700000000000LL

static void empty_result(TAOS *taos) {
  TAOS_RES *res = taos_query(taos, "SELECT * FROM nums WHERE v < 0");
  CHECK_INT_EQ(taos_errno(res), 0);
  CHECK_INT_EQ(taos_num_fields(res), 2);
  CHECK(!taos_is_update_query(res));
  CHECK_NULL(taos_fetch_row(res));
  CHECK_NULL(taos_fetch_row(res));
  TAOS_ROW cols = NULL;
  CHECK_INT_EQ(taos_fetch_block(res, &cols), 0);
  int n = -1;
  void *raw = &n;
  CHECK_INT_EQ(taos_fetch_raw_block(res, &n, &raw), 0);
  CHECK_INT_EQ(n, 0);
  CHECK_INT_EQ(taos_errno(res), 0);
  taos_free_result(res);

  res = taos_query(taos, "SELECT COUNT(*) FROM nums WHERE v < 0");
  CHECK_INT_EQ(taos_errno(res), 0);
  TAOS_ROW row = taos_fetch_row(res);
  CHECK(row != NULL && row[0] != NULL && *(int64_t *)row[0] == 0);
  taos_free_result(res);
}

/* `SELECT ... LIMIT n` for n = block, block + 1: block count and sizes exact. */
static void block_boundaries(TAOS *taos, int block) {
  int sizes[3] = {block, block + 1, 1};
  for (int i = 0; i < 3; i++) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT ts, v FROM nums ORDER BY ts LIMIT %d", sizes[i]);
    TAOS_RES *res = taos_query(taos, sql);
    CHECK_INT_EQ(taos_errno(res), 0);
    TAOS_ROW cols;
    int n, blocks = 0;
    long total = 0;
    while ((n = taos_fetch_block(res, &cols)) > 0) {
      for (int r = 0; r < n; r++) {
        int32_t v;
        memcpy(&v, (char *)cols[1] + 4 * r, 4);
        if (v != total + r) {
          CHECK_MSG(0, "LIMIT %d: row %ld has v %d", sizes[i], total + r, v);
          break;
        }
      }
      total += n;
      blocks++;
    }
    CHECK_INT_EQ(total, sizes[i]);
    CHECK_INT_EQ(blocks, (sizes[i] + block - 1) / block);
    /* After the end: still the end. */
    CHECK_INT_EQ(taos_fetch_block(res, &cols), 0);
    CHECK_NULL(taos_fetch_row(res));
    taos_free_result(res);
  }
}

static void long_values(TAOS *taos) {
  EXEC_OK(taos, "CREATE TABLE lv (ts TIMESTAMP, s VARCHAR(16000), n NCHAR(1000))");
  /* 16000 ASCII bytes; 1000 CJK characters = 3000 UTF-8 bytes (4000 as UCS-4). */
  static char s[16001], n[3001];
  for (int i = 0; i < 16000; i++) s[i] = (char)('a' + i % 26);
  s[16000] = 0;
  for (int i = 0; i < 1000; i++) memcpy(n + 3 * i, "\xe6\x97\xa5", 3); /* U+65E5 */
  n[3000] = 0;
  size_t cap = sizeof s + sizeof n + 128;
  char *sql = malloc(cap);
  snprintf(sql, cap, "INSERT INTO lv VALUES (%lld, '%s', '%s')", TS0, s, n);
  CHECK_INT_EQ(EXEC_OK(taos, sql), 1);
  free(sql);

  TAOS_RES *res = taos_query(taos, "SELECT s, n FROM lv");
  CHECK_INT_EQ(taos_errno(res), 0);
  TAOS_FIELD *f = taos_fetch_fields(res);
  if (f) {
    CHECK_INT_EQ(f[0].bytes, 16000);
    CHECK_INT_EQ(f[1].bytes, 1000);
  }
  TAOS_ROW row = taos_fetch_row(res);
  CHECK_NOT_NULL(row);
  if (row && row[0] && row[1]) {
    int *len = taos_fetch_lengths(res);
    CHECK_INT_EQ(len[0], 16000);
    CHECK_INT_EQ(test_var_len(row[0]), 16000);
    CHECK_MEM_EQ(row[0], 16000, s, 16000);
    CHECK(((char *)row[0])[16000] == 0);
    CHECK_INT_EQ(len[1], 3000);
    CHECK_INT_EQ(test_var_len(row[1]), 3000);
    CHECK_MEM_EQ(row[1], 3000, n, 3000);
    CHECK(((char *)row[1])[3000] == 0);
  }
  taos_free_result(res);
}

/* 200 columns: the row pointer array, lengths and print_row cover all of them. */
static void wide_table(TAOS *taos) {
  enum { W = 200 };
  char *sql = malloc(16 * W + 128);
  size_t o = (size_t)sprintf(sql, "CREATE TABLE wide (ts TIMESTAMP");
  for (int c = 1; c < W; c++) o += (size_t)sprintf(sql + o, ", c%d INT", c);
  sprintf(sql + o, ")");
  EXEC_OK(taos, sql);
  o = (size_t)sprintf(sql, "INSERT INTO wide VALUES (%lld", TS0);
  for (int c = 1; c < W; c++) {
    if (c % 10 == 0) o += (size_t)sprintf(sql + o, ", NULL");
    else o += (size_t)sprintf(sql + o, ", %d", c * 3);
  }
  sprintf(sql + o, ")");
  CHECK_INT_EQ(EXEC_OK(taos, sql), 1);
  free(sql);

  TAOS_RES *res = taos_query(taos, "SELECT * FROM wide");
  CHECK_INT_EQ(taos_errno(res), 0);
  CHECK_INT_EQ(taos_num_fields(res), W);
  TAOS_ROW row = taos_fetch_row(res);
  CHECK_NOT_NULL(row);
  if (row) {
    int *len = taos_fetch_lengths(res);
    for (int c = 1; c < W; c++) {
      if (c % 10 == 0) {
        CHECK_MSG(row[c] == NULL && len[c] == 0, "wide c%d should be NULL", c);
      } else {
        CHECK_MSG(row[c] != NULL && *(int32_t *)row[c] == c * 3 && len[c] == 4, "wide c%d wrong", c);
      }
    }
    char *line = malloc(8192);
    int n = taos_print_row(line, row, taos_fetch_fields(res), W);
    CHECK_INT_EQ(n, (int)strlen(line));
    CHECK_MSG(strstr(line, " 597") != NULL && strstr(line, " NULL 33 ") != NULL, "wide print_row: %.200s", line);
    free(line);
  }
  CHECK_NULL(taos_fetch_row(res));
  taos_free_result(res);
}

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("test_edges");
  char dbbuf[64];
  const char *db = test_db_name(dbbuf, sizeof dbbuf, "ct_edges");
  test_fresh_db(taos, db);
  int block = test_block_rows();

  EXEC_OK(taos, "CREATE TABLE nums (ts TIMESTAMP, v INT)");
  long rows = block + 1;
  char *sql = malloc((size_t)rows * 32 + 64);
  size_t o = (size_t)sprintf(sql, "INSERT INTO nums VALUES");
  for (long k = 0; k < rows; k++) o += (size_t)sprintf(sql + o, " (%lld, %ld)", TS0 + k, k);
  CHECK_INT_EQ(EXEC_OK(taos, sql), rows);
  free(sql);

  empty_result(taos);
  block_boundaries(taos, block);
  long_values(taos);
  wide_table(taos);

  char drop[128];
  snprintf(drop, sizeof drop, "DROP DATABASE %s", db);
  EXEC_OK(taos, drop);
  taos_close(taos);
  return test_finish("test_edges");
}
