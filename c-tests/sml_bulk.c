/*
 * sml_bulk.c: 100,000 lines in ONE schemaless call, read back with COUNT and SUM:
 * a raw buffer (line protocol, 100 child tables) and a 100,000-entry line array
 * (telnet). Prints the time of each call. Under valgrind (TAOS_TEST_SCALE) the line
 * count is scaled down.
 */
#include "sml_util.h"

static long LINES = 100000;

static char out[1024];

static void raw_line_protocol(TAOS *taos) {
  size_t cap = (size_t)LINES * 96;
  char *buf = malloc(cap);
  CHECK_NOT_NULL(buf);
  if (buf == NULL) return;
  size_t o = 0;
  for (long i = 0; i < LINES; i++) {
    o += (size_t)snprintf(buf + o, cap - o, "meters,groupid=%ld,location=CA current=%ld.5,voltage=%ldi32 %lld\n",
                          i % 100, i % 37, 200 + i % 20, 1626006833639LL + i);
  }
  int32_t total = 0;
  double t0 = test_now_sec();
  TAOS_RES *res = taos_schemaless_insert_raw(taos, buf, (int)o, &total, TSDB_SML_LINE_PROTOCOL,
                                             TSDB_SML_TIMESTAMP_MILLI_SECONDS);
  printf("sml_bulk: raw %ld lines (%zu bytes) in %.2fs\n", LINES, o, test_now_sec() - t0);
  CHECK_INT_EQ(taos_errno(res), 0);
  CHECK_INT_EQ(taos_affected_rows(res), LINES);
  CHECK_INT_EQ(total, LINES);
  taos_free_result(res);
  free(buf);

  char w[64];
  snprintf(w, sizeof w, "%ld\n", LINES);
  sml_rows(taos, "select count(*) from meters", out, sizeof out);
  CHECK_STR_EQ(out, w);
  /* groupid 7: rows i = 7, 107, ... (1000 of them); voltage = 200 + i % 20. */
  long long want = 0;
  for (long i = 7; i < LINES; i += 100) want += 200 + i % 20;
  snprintf(w, sizeof w, "%ld|%lld\n", (LINES - 7 + 99) / 100, want);
  sml_rows(taos, "select count(*), sum(voltage) from meters where groupid = '7'", out, sizeof out);
  CHECK_STR_EQ(out, w);
  CHECK_INT_EQ(sml_rows(taos, "show tables", out, sizeof out), 100);
}

static void array_telnet(TAOS *taos) {
  char **lines = calloc(LINES, sizeof(char *));
  CHECK_NOT_NULL(lines);
  if (lines == NULL) return;
  for (long i = 0; i < LINES; i++) {
    lines[i] = malloc(80);
    if (lines[i]) snprintf(lines[i], 80, "cpu.load %lld %ld host=h%ld", 1626006833000LL + i, i, i % 10);
  }
  double t0 = test_now_sec();
  TAOS_RES *res = taos_schemaless_insert(taos, lines, (int)LINES, TSDB_SML_TELNET_PROTOCOL, 0);
  printf("sml_bulk: array of %ld telnet lines in %.2fs\n", LINES, test_now_sec() - t0);
  CHECK_INT_EQ(taos_errno(res), 0);
  CHECK_INT_EQ(taos_affected_rows(res), LINES);
  taos_free_result(res);
  for (long i = 0; i < LINES; i++) free(lines[i]);
  free(lines);
  char w[64];
  snprintf(w, sizeof w, "%ld|%lld\n", LINES, (long long)LINES * (LINES - 1) / 2);
  sml_rows(taos, "select count(*), sum(_value) from cpu_load", out, sizeof out);
  CHECK_STR_EQ(out, w);
}

int main(void) {
  LINES = test_scaled(100000, 1000);
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("sml_bulk");
  char db[64];
  test_fresh_db(taos, test_db_name(db, sizeof db, "sml_bulk"));
  raw_line_protocol(taos);
  array_telnet(taos);
  taos_close(taos);
  return test_finish("sml_bulk");
}
