/*
 * sml_errors.c: every schemaless error case returns a non-NULL result carrying
 * TDengine's code and a message (also the thread's last error), and a failing batch writes
 * none of its lines, as TDengine's smlProcess parses every line before writing any.
 */
#include "sml_util.h"

#define INVALID_PARA ((int)0x80000118)
#define INVALID_CONNECTION ((int)0x8000020B)
#define DB_NOT_SPECIFIED ((int)0x80002616)
#define SML_INVALID_PROTOCOL ((int)0x80003000)
#define SML_INVALID_PRECISION ((int)0x80003001)
#define SML_INVALID_DATA ((int)0x80003002)
#define SML_NOT_SAME_TYPE ((int)0x80003004)

static char out[4096];

static void bad_arguments(TAOS *taos) {
  char *ok[] = {"a,t=1 v=1i32 1626006833000"};
  char *with_null[] = {"a,t=1 v=1i32 1626006833000", NULL};
  int32_t total = 99;

  SML_FAILS(taos_schemaless_insert(taos, NULL, 1, TSDB_SML_LINE_PROTOCOL, 4), INVALID_PARA, "lines is NULL");
  SML_FAILS(taos_schemaless_insert(taos, with_null, 2, TSDB_SML_LINE_PROTOCOL, 4), INVALID_PARA, "lines[1] is NULL");
  SML_FAILS(taos_schemaless_insert(taos, ok, 0, TSDB_SML_LINE_PROTOCOL, 4), INVALID_PARA, "numLines");
  SML_FAILS(taos_schemaless_insert(taos, ok, -3, TSDB_SML_LINE_PROTOCOL, 4), INVALID_PARA, "numLines");
  SML_FAILS(taos_schemaless_insert(NULL, ok, 1, TSDB_SML_LINE_PROTOCOL, 4), INVALID_CONNECTION, NULL);
  char *empty[] = {""};
  SML_FAILS(taos_schemaless_insert(taos, empty, 1, TSDB_SML_LINE_PROTOCOL, 4), INVALID_PARA, "empty");

  SML_FAILS(taos_schemaless_insert_raw(taos, NULL, 10, &total, TSDB_SML_LINE_PROTOCOL, 4), INVALID_PARA, NULL);
  CHECK_INT_EQ(total, 0);
  total = 99;
  SML_FAILS(taos_schemaless_insert_raw(taos, "x", 0, &total, TSDB_SML_LINE_PROTOCOL, 4), INVALID_PARA, "len");
  CHECK_INT_EQ(total, 0);
  SML_FAILS(taos_schemaless_insert_raw(taos, "\xff\xfe bad", 6, NULL, TSDB_SML_LINE_PROTOCOL, 4), INVALID_PARA,
            "UTF-8");

  SML_FAILS(taos_schemaless_insert(taos, ok, 1, 0, 4), SML_INVALID_PROTOCOL, NULL);
  SML_FAILS(taos_schemaless_insert(taos, ok, 1, 9, 4), SML_INVALID_PROTOCOL, NULL);
  SML_FAILS(taos_schemaless_insert(taos, ok, 1, TSDB_SML_LINE_PROTOCOL, 7), SML_INVALID_PRECISION, NULL);
  SML_FAILS(taos_schemaless_insert(taos, ok, 1, TSDB_SML_LINE_PROTOCOL, -1), SML_INVALID_PRECISION, NULL);
  /* Nothing above wrote anything. */
  CHECK_INT_EQ(sml_rows(taos, "show stables", out, sizeof out), 0);
}

static void no_database(void) {
  TAOS *t = test_connect(NULL);
  CHECK_NOT_NULL(t);
  if (t == NULL) return;
  char *ok[] = {"a,t=1 v=1i32 1626006833000"};
  SML_FAILS(taos_schemaless_insert(t, ok, 1, TSDB_SML_LINE_PROTOCOL, 4), DB_NOT_SPECIFIED, "Database not specified");
  taos_close(t);
}

static void bad_data(TAOS *taos) {
  char *first[] = {"e,t=1 v=1i64 1626006833000"};
  SML_OK(taos_schemaless_insert(taos, first, 1, TSDB_SML_LINE_PROTOCOL, 4), 1);

  /* Line 3 is malformed: lines 1 and 2 are not written either. */
  char *batch[] = {"e,t=1 v=2i64 1626006833001", "e,t=2 v=3i64 1626006833002", "e,t=3 v=oops 1626006833003"};
  TAOS_RES *res = taos_schemaless_insert(taos, batch, 3, TSDB_SML_LINE_PROTOCOL, 4);
  CHECK_NOT_NULL(res);
  CHECK(taos_errno(res) != 0);
  CHECK_MSG(strstr(taos_errstr(res), "line 3") != NULL && strstr(taos_errstr(res), "v=oops") != NULL,
            "message names the failing line: %s", taos_errstr(res));
  CHECK_INT_EQ(taos_affected_rows(res), 0);
  taos_free_result(res);
  sml_rows(taos, "select count(*) from e", out, sizeof out);
  CHECK_STR_EQ(out, "1\n");

  /* Same in a raw buffer: *totalRows still counts the lines. */
  const char *raw = "e,t=1 v=4i64 1626006833004\ne,t=1 v=5i64 bad_ts\n";
  int32_t total = 0;
  res = taos_schemaless_insert_raw(taos, (char *)raw, (int)strlen(raw), &total, TSDB_SML_LINE_PROTOCOL, 4);
  CHECK(taos_errno(res) != 0);
  CHECK_MSG(strstr(taos_errstr(res), "line 2") != NULL, "%s", taos_errstr(res));
  CHECK_INT_EQ(total, 2);
  taos_free_result(res);
  sml_rows(taos, "select count(*) from e", out, sizeof out);
  CHECK_STR_EQ(out, "1\n");

  /* Type conflicts: with the existing column (0x3002), inside one batch (0x3004). */
  char *mismatch[] = {"e,t=1 v=9i64 1626006833005", "e,t=1 w=1i32 1626006833006", "e,t=1 v=\"str\" 1626006833007"};
  SML_FAILS(taos_schemaless_insert(taos, mismatch, 3, TSDB_SML_LINE_PROTOCOL, 4), SML_NOT_SAME_TYPE, "line 3");
  SML_FAILS(taos_schemaless_insert(taos, &mismatch[2], 1, TSDB_SML_LINE_PROTOCOL, 4), SML_INVALID_DATA, "mismatch");
  sml_rows(taos, "select count(*) from e", out, sizeof out);
  CHECK_STR_EQ(out, "1\n");
  /* The failed batches added no column. */
  CHECK_INT_EQ(sml_rows(taos, "describe e", out, sizeof out), 3);

  /* Telnet without tags, malformed JSON, JSON with a wrong key set. */
  char *telnet[] = {"metric 1626006833 1"};
  res = taos_schemaless_insert(taos, telnet, 1, TSDB_SML_TELNET_PROTOCOL, 0);
  CHECK(res != NULL && taos_errno(res) != 0);
  taos_free_result(res);
  char *bad_json[] = {"{\"metric\": \"m\", "};
  res = taos_schemaless_insert(taos, bad_json, 1, TSDB_SML_JSON_PROTOCOL, 0);
  CHECK(res != NULL && taos_errno(res) != 0 && taos_errstr(res)[0] != 0);
  taos_free_result(res);
  char *three_keys[] = {"{\"metric\":\"m\",\"timestamp\":1626006833,\"value\":1}"};
  res = taos_schemaless_insert(taos, three_keys, 1, TSDB_SML_JSON_PROTOCOL, 0);
  CHECK(res != NULL && taos_errno(res) != 0);
  taos_free_result(res);
  CHECK_INT_EQ(sml_rows(taos, "show stables", out, sizeof out), 1);
}

int main(void) {
  no_database();
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("sml_errors");
  char db[64];
  test_fresh_db(taos, test_db_name(db, sizeof db, "sml_err"));
  bad_arguments(taos);
  bad_data(taos);
  taos_close(taos);
  return test_finish("sml_errors");
}
