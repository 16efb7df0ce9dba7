/* A result of many blocks (100,000 rows by default; the server runs with
 * --block-rows 4096) read three ways: taos_fetch_row, taos_fetch_block and
 * taos_fetch_raw_block. Every cell of every row is compared with the value the
 * row number determines, so all three APIs must agree with each other and with
 * what was inserted. Block sizes and the block count are checked exactly. */
#include "testutil.h"

#define NCOLS 7
#define TS0 1600000000000LL
#define BATCH 2000

static long g_rows;
static int g_block;

/* ---- the value every cell must have ------------------------------------------------ */

static int i_null(long k) { return k % 11 == 5; }
static int s_null(long k) { return k % 7 == 3; }
static int32_t i_val(long k) { return (int32_t)(k * 3 - 1000); }
static int64_t b_val(long k) { return (int64_t)k * 1000003LL - 7; }
static double d_val(long k) { return (double)k * 0.5; }
static int s_val(long k, char *out) { return sprintf(out, "s%ld", k); }
/* NCHAR: U+00F1 ("ñ", 2 UTF-8 bytes) followed by the decimal digits of k. */
static int n_val(long k, char *out) { return sprintf(out, "\xc3\xb1%ld", k % 100000); }
static int f_val(long k) { return k % 3 == 0; }

static int g_mismatches; /* report only the first few mismatching cells in detail */
#define CELL_FAIL(...)                                          \
  do {                                                          \
    if (g_mismatches++ < 20) CHECK_MSG(0, __VA_ARGS__);         \
    else tu_failures++;                                         \
  } while (0)

static void insert_rows(TAOS *taos) {
  size_t cap = (size_t)BATCH * 96 + 64;
  char *sql = malloc(cap);
  for (long start = 0; start < g_rows; start += BATCH) {
    size_t o = (size_t)sprintf(sql, "INSERT INTO mb VALUES");
    long end = start + BATCH < g_rows ? start + BATCH : g_rows;
    for (long k = start; k < end; k++) {
      char s[32], n[32], ibuf[16], sbuf[40];
      s_val(k, s);
      n_val(k, n);
      if (i_null(k)) strcpy(ibuf, "NULL"); else sprintf(ibuf, "%d", i_val(k));
      if (s_null(k)) strcpy(sbuf, "NULL"); else sprintf(sbuf, "'%s'", s);
      o += (size_t)sprintf(sql + o, " (%lld, %s, %" PRId64 ", %.1f, %s, '%s', %s)", TS0 + k, ibuf, b_val(k), d_val(k),
                           sbuf, n, f_val(k) ? "true" : "false");
    }
    CHECK_INT_EQ(EXEC_OK(taos, sql), end - start);
  }
  free(sql);
}

/* ---- 1. taos_fetch_row ------------------------------------------------------------------ */

static void via_fetch_row(TAOS *taos) {
  double t0 = test_now_sec();
  TAOS_RES *res = taos_query(taos, "SELECT * FROM mb ORDER BY ts");
  CHECK_INT_EQ(taos_errno(res), 0);
  CHECK_INT_EQ(taos_num_fields(res), NCOLS);
  long k = 0;
  TAOS_ROW row;
  while ((row = taos_fetch_row(res)) != NULL) {
    char s[32], n[32];
    int sl = s_val(k, s), nl = n_val(k, n);
    int *len = taos_fetch_lengths(res);
    if (row[0] == NULL || *(int64_t *)row[0] != TS0 + k) CELL_FAIL("fetch_row %ld: ts", k);
    if (i_null(k) ? row[1] != NULL : (row[1] == NULL || *(int32_t *)row[1] != i_val(k))) CELL_FAIL("fetch_row %ld: i", k);
    if (row[2] == NULL || *(int64_t *)row[2] != b_val(k)) CELL_FAIL("fetch_row %ld: b", k);
    if (row[3] == NULL || *(double *)row[3] != d_val(k)) CELL_FAIL("fetch_row %ld: d", k);
    if (s_null(k)) {
      if (row[4] != NULL || len[4] != 0) CELL_FAIL("fetch_row %ld: s should be NULL", k);
    } else if (row[4] == NULL || len[4] != sl || test_var_len(row[4]) != sl || memcmp(row[4], s, (size_t)sl) != 0 ||
               ((char *)row[4])[sl] != 0) {
      CELL_FAIL("fetch_row %ld: s = \"%.*s\" (len %d), expected \"%s\"", k, row[4] ? len[4] : 0,
                row[4] ? (char *)row[4] : "", row[4] ? len[4] : -1, s);
    }
    if (row[5] == NULL || len[5] != nl || test_var_len(row[5]) != nl || memcmp(row[5], n, (size_t)nl) != 0 ||
        ((char *)row[5])[nl] != 0)
      CELL_FAIL("fetch_row %ld: n", k);
    if (row[6] == NULL || *(int8_t *)row[6] != f_val(k)) CELL_FAIL("fetch_row %ld: f", k);
    k++;
  }
  CHECK_INT_EQ(taos_errno(res), 0);
  CHECK_INT_EQ(k, g_rows);
  taos_free_result(res);
  printf("fetch_row: %ld rows in %.3f s\n", k, test_now_sec() - t0);
}

/* ---- 2. taos_fetch_block ---------------------------------------------------------------- */

static void via_fetch_block(TAOS *taos) {
  double t0 = test_now_sec();
  TAOS_RES *res = taos_query(taos, "SELECT * FROM mb ORDER BY ts");
  CHECK_INT_EQ(taos_errno(res), 0);
  long k = 0, blocks = 0;
  TAOS_ROW cols;
  int n;
  while ((n = taos_fetch_block(res, &cols)) > 0) {
    long expect = g_rows - k < g_block ? g_rows - k : g_block;
    CHECK_MSG(n == expect, "block %ld has %d rows, expected %ld", blocks, n, expect);
    if (blocks == 0) {
      /* After a block fetch the lengths are the internal widths (bytes + header). */
      int *len = taos_fetch_lengths(res);
      static const int widths[NCOLS] = {8, 4, 8, 8, 26, 34, 1};
      for (int c = 0; c < NCOLS && len; c++)
        CHECK_MSG(len[c] == widths[c], "block lengths[%d] = %d, expected %d", c, len[c], widths[c]);
    }
    int *soff = taos_get_column_data_offset(res, 4);
    int *noff = taos_get_column_data_offset(res, 5);
    CHECK(soff != NULL && noff != NULL);
    if (soff == NULL || noff == NULL) break;
    for (int r = 0; r < n; r++, k++) {
      char s[32], nc[32];
      int sl = s_val(k, s), nl = n_val(k, nc);
      int64_t ts, b;
      int32_t i;
      double d;
      memcpy(&ts, (char *)cols[0] + 8 * r, 8);
      memcpy(&i, (char *)cols[1] + 4 * r, 4);
      memcpy(&b, (char *)cols[2] + 8 * r, 8);
      memcpy(&d, (char *)cols[3] + 8 * r, 8);
      if (ts != TS0 + k) CELL_FAIL("fetch_block %ld: ts %" PRId64, k, ts);
      if (taos_is_null(res, r, 1) != i_null(k)) CELL_FAIL("fetch_block %ld: is_null(i)", k);
      if (!i_null(k) && i != i_val(k)) CELL_FAIL("fetch_block %ld: i %d", k, i);
      if (b != b_val(k)) CELL_FAIL("fetch_block %ld: b", k);
      if (d != d_val(k)) CELL_FAIL("fetch_block %ld: d", k);
      if (s_null(k)) {
        if (soff[r] != -1) CELL_FAIL("fetch_block %ld: s offset %d, expected -1", k, soff[r]);
      } else {
        const unsigned char *p = (const unsigned char *)cols[4] + soff[r];
        if (soff[r] < 0 || (p[0] | (p[1] << 8)) != sl || memcmp(p + 2, s, (size_t)sl) != 0)
          CELL_FAIL("fetch_block %ld: s", k);
      }
      const unsigned char *q = (const unsigned char *)cols[5] + noff[r];
      if (noff[r] < 0 || (q[0] | (q[1] << 8)) != nl || memcmp(q + 2, nc, (size_t)nl) != 0)
        CELL_FAIL("fetch_block %ld: n", k);
      if (*((int8_t *)cols[6] + r) != f_val(k)) CELL_FAIL("fetch_block %ld: f", k);
    }
    blocks++;
  }
  CHECK_INT_EQ(n, 0);
  CHECK_INT_EQ(taos_errno(res), 0);
  CHECK_INT_EQ(k, g_rows);
  CHECK_INT_EQ(blocks, (g_rows + g_block - 1) / g_block);
  taos_free_result(res);
  printf("fetch_block: %ld rows in %ld blocks in %.3f s\n", k, blocks, test_now_sec() - t0);
}

/* ---- 3. taos_fetch_raw_block ------------------------------------------------------------ */

static int32_t rd32(const unsigned char *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* Column lengths are little-endian in the blocks the spec documents; accept the
 * big-endian variant of block version 1 too (abi.md §4.5), whichever fits. */
static int32_t col_len(const unsigned char *p, int32_t total) {
  int32_t le = rd32(p);
  if (le >= 0 && le <= total) return le;
  return (int32_t)(((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]);
}

static int ucs4_of_utf8(const char *s, int n, unsigned char *out) {
  int o = 0;
  for (int i = 0; i < n;) {
    unsigned c = (unsigned char)s[i];
    uint32_t cp;
    if (c < 0x80) { cp = c; i += 1; }
    else if (c < 0xe0) { cp = ((c & 0x1f) << 6) | ((unsigned char)s[i + 1] & 0x3f); i += 2; }
    else { cp = ((c & 0x0f) << 12) | (((unsigned char)s[i + 1] & 0x3f) << 6) | ((unsigned char)s[i + 2] & 0x3f); i += 3; }
    memcpy(out + o, &cp, 4);
    o += 4;
  }
  return o;
}

static void check_raw_block(const unsigned char *blk, int nrows, long k0) {
  static const int types[NCOLS] = {TSDB_DATA_TYPE_TIMESTAMP, TSDB_DATA_TYPE_INT,     TSDB_DATA_TYPE_BIGINT,
                                   TSDB_DATA_TYPE_DOUBLE,    TSDB_DATA_TYPE_VARCHAR, TSDB_DATA_TYPE_NCHAR,
                                   TSDB_DATA_TYPE_BOOL};
  static const int widths[NCOLS] = {8, 4, 8, 8, 26, 34, 1};
  int32_t total = rd32(blk + 4);
  CHECK_INT_EQ(rd32(blk + 8), nrows);
  CHECK_INT_EQ(rd32(blk + 12), NCOLS);
  for (int c = 0; c < NCOLS; c++) {
    CHECK_MSG(blk[28 + 5 * c] == types[c], "raw col %d type %d", c, blk[28 + 5 * c]);
    CHECK_MSG(rd32(blk + 29 + 5 * c) == widths[c], "raw col %d width %d", c, rd32(blk + 29 + 5 * c));
  }
  const unsigned char *p = blk + 28 + 9 * NCOLS;
  const unsigned char *end = blk + total;
  for (int c = 0; c < NCOLS; c++) {
    int32_t dlen = col_len(blk + 28 + 5 * NCOLS + 4 * c, total);
    int var = types[c] == TSDB_DATA_TYPE_VARCHAR || types[c] == TSDB_DATA_TYPE_NCHAR;
    const unsigned char *head = p;
    const unsigned char *data = p + (var ? 4 * nrows : (nrows + 7) / 8);
    if (data + dlen > end) {
      CHECK_MSG(0, "raw col %d: data of %d bytes runs past the block end", c, dlen);
      return;
    }
    for (int r = 0; r < nrows; r++) {
      long k = k0 + r;
      if (var) {
        int32_t off = rd32(head + 4 * r);
        int is_null = (c == 4 && s_null(k));
        if (is_null) {
          if (off != -1) CELL_FAIL("raw %ld col %d: offset %d for NULL", k, c, off);
          continue;
        }
        if (off < 0 || off + 2 > dlen) {
          CELL_FAIL("raw %ld col %d: offset %d", k, c, off);
          continue;
        }
        char txt[32];
        unsigned char want[128];
        int wl;
        if (c == 4) {
          wl = s_val(k, txt);
          memcpy(want, txt, (size_t)wl);
        } else {
          wl = ucs4_of_utf8(txt, n_val(k, txt), want); /* NCHAR stays UCS-4 in raw blocks */
        }
        int got = data[off] | (data[off + 1] << 8);
        if (got != wl || memcmp(data + off + 2, want, (size_t)wl) != 0) CELL_FAIL("raw %ld col %d value", k, c);
      } else {
        int null_bit = (head[r / 8] & (0x80 >> (r % 8))) != 0;
        int want_null = (c == 1 && i_null(k));
        if (null_bit != want_null) CELL_FAIL("raw %ld col %d: null bit %d", k, c, null_bit);
        if (want_null) continue;
        const unsigned char *v = data + (size_t)r * (size_t)widths[c];
        int64_t i64;
        int32_t i32;
        double d;
        switch (c) {
          case 0: memcpy(&i64, v, 8); if (i64 != TS0 + k) CELL_FAIL("raw %ld ts", k); break;
          case 1: memcpy(&i32, v, 4); if (i32 != i_val(k)) CELL_FAIL("raw %ld i", k); break;
          case 2: memcpy(&i64, v, 8); if (i64 != b_val(k)) CELL_FAIL("raw %ld b", k); break;
          case 3: memcpy(&d, v, 8); if (d != d_val(k)) CELL_FAIL("raw %ld d", k); break;
          case 6: if ((int)v[0] != f_val(k)) CELL_FAIL("raw %ld f", k); break;
        }
      }
    }
    p = data + dlen;
  }
}

static void via_fetch_raw_block(TAOS *taos) {
  double t0 = test_now_sec();
  TAOS_RES *res = taos_query(taos, "SELECT * FROM mb ORDER BY ts");
  CHECK_INT_EQ(taos_errno(res), 0);
  long k = 0, blocks = 0;
  int n = 0;
  void *data = NULL;
  for (;;) {
    int code = taos_fetch_raw_block(res, &n, &data);
    CHECK_INT_EQ(code, 0);
    if (code != 0 || n == 0) break;
    CHECK_NOT_NULL(data);
    if (data == NULL) break;
    long expect = g_rows - k < g_block ? g_rows - k : g_block;
    CHECK_MSG(n == expect, "raw block %ld has %d rows, expected %ld", blocks, n, expect);
    check_raw_block((const unsigned char *)data, n, k);
    k += n;
    blocks++;
  }
  CHECK_INT_EQ(n, 0);
  CHECK_INT_EQ(k, g_rows);
  CHECK_INT_EQ(blocks, (g_rows + g_block - 1) / g_block);
  taos_free_result(res);
  printf("fetch_raw_block: %ld rows in %ld blocks in %.3f s\n", k, blocks, test_now_sec() - t0);
}

/* Freeing a result in the middle of a multi-block read is clean (no leak, no hang),
 * and the connection keeps working. */
static void early_free(TAOS *taos) {
  TAOS_RES *res = taos_query(taos, "SELECT * FROM mb");
  CHECK_INT_EQ(taos_errno(res), 0);
  for (int r = 0; r < 10; r++) CHECK_NOT_NULL(taos_fetch_row(res));
  taos_free_result(res);
  /* taos_stop_query in the middle, then free: returns promptly. */
  res = taos_query(taos, "SELECT * FROM mb");
  CHECK_INT_EQ(taos_errno(res), 0);
  CHECK_NOT_NULL(taos_fetch_row(res));
  double t0 = test_now_sec();
  taos_stop_query(res);
  long after = 0;
  while (after <= g_rows && taos_fetch_row(res) != NULL) after++;
  CHECK_MSG(after < g_rows, "%ld rows still arrived after taos_stop_query", after);
  taos_free_result(res);
  CHECK_MSG(test_now_sec() - t0 < 10.0, "stop + free took %.1f s", test_now_sec() - t0);
  res = taos_query(taos, "SELECT COUNT(*) FROM mb");
  CHECK_INT_EQ(taos_errno(res), 0);
  TAOS_ROW row = taos_fetch_row(res);
  CHECK(row != NULL && row[0] != NULL);
  if (row && row[0]) CHECK_INT_EQ(*(int64_t *)row[0], g_rows);
  taos_free_result(res);
}

int main(void) {
  g_rows = test_scaled(100000, 10000);
  g_block = test_block_rows();
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("test_multiblock");
  char dbbuf[64];
  const char *db = test_db_name(dbbuf, sizeof dbbuf, "ct_multiblock");
  test_fresh_db(taos, db);
  EXEC_OK(taos, "CREATE TABLE mb (ts TIMESTAMP, i INT, b BIGINT, d DOUBLE, s VARCHAR(24), n NCHAR(8), f BOOL)");
  double t0 = test_now_sec();
  insert_rows(taos);
  printf("inserted %ld rows in %.3f s (block size %d)\n", g_rows, test_now_sec() - t0, g_block);

  via_fetch_row(taos);
  via_fetch_block(taos);
  via_fetch_raw_block(taos);
  early_free(taos);

  char sql[128];
  snprintf(sql, sizeof sql, "DROP DATABASE %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("test_multiblock");
}
