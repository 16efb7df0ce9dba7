/*
 * sml_telnet_json.c: OpenTSDB telnet and JSON protocols through the array and raw
 * variants: super/child tables (MD5 names computed here with md5sum), `_value` and tag
 * values read back with SELECT, 10/13-digit timestamps, and "only lines[0] is used" for
 * JSON arrays.
 */
#include "sml_util.h"

static char out[8192];

static void telnet(TAOS *taos) {
  char *lines[] = {
      "sys.cpu 1626006833 1.5 host=web01 dc=lga",
      "sys.cpu 1626006833500 2.5 host=web01 dc=lga",
      "sys.cpu 1626006834 7i32 host=web02 dc=lga",
  };
  /* The precision argument is ignored for telnet. */
  SML_OK(taos_schemaless_insert(taos, lines, 2, TSDB_SML_TELNET_PROTOCOL, TSDB_SML_TIMESTAMP_NANO_SECONDS), 2);
  char n1[35], want[512];
  CHECK(sml_md5_name("sys_cpu,dc=lga,host=web01", n1) == 0);
  snprintf(want, sizeof want, "%s|1626006833000|1.5|web01|lga\n%s|1626006833500|2.5|web01|lga\n", n1, n1);
  CHECK_INT_EQ(sml_rows(taos, "select tbname, _ts, _value, host, dc from sys_cpu order by _ts", out, sizeof out), 2);
  CHECK_STR_EQ(out, want);

  /* Raw: a different value type for _value in the same super table is a mismatch. */
  int32_t total = 0;
  const char *raw = "sys.mem 1626006835 10 host=web02\nsys.mem 1626006836 20 host=web02\n";
  SML_OK(taos_schemaless_insert_raw(taos, (char *)raw, (int)strlen(raw), &total, TSDB_SML_TELNET_PROTOCOL, 0), 2);
  CHECK_INT_EQ(total, 2);
  sml_rows(taos, "select sum(_value) from sys_mem", out, sizeof out);
  CHECK_STR_EQ(out, "30\n");
  SML_FAILS(taos_schemaless_insert(taos, &lines[2], 1, TSDB_SML_TELNET_PROTOCOL, 0), (int)0x80003002, "mismatch");
}

static void json(TAOS *taos) {
  char *doc[] = {
      "[{\"metric\":\"meters.current\",\"timestamp\":1648432611249,\"value\":10.3,"
      "\"tags\":{\"location\":\"California.SanFrancisco\",\"groupid\":2}},"
      "{\"metric\":\"meters.current\",\"timestamp\":{\"value\":1648432612,\"type\":\"s\"},\"value\":12.6,"
      "\"tags\":{\"location\":\"California.SanFrancisco\",\"groupid\":2}}]",
      "this second entry is ignored for the JSON protocol",
  };
  SML_OK(taos_schemaless_insert(taos, doc, 2, TSDB_SML_JSON_PROTOCOL, TSDB_SML_TIMESTAMP_NOT_CONFIGURED), 2);
  CHECK_INT_EQ(sml_rows(taos, "select _ts, _value, location from meters_current order by _ts", out, sizeof out), 2);
  CHECK_STR_EQ(out, "1648432611249|10.3|California.SanFrancisco\n1648432612000|12.6|California.SanFrancisco\n");

  /* Raw JSON, one object with a typed value. */
  const char *one = "{\"metric\":\"j2\",\"timestamp\":1648432613000,\"value\":{\"value\":42,\"type\":\"bigint\"},"
                    "\"tags\":{\"k\":\"v\"}}";
  int32_t total = 0;
  SML_OK(taos_schemaless_insert_raw_with_reqid(taos, (char *)one, (int)strlen(one), &total, TSDB_SML_JSON_PROTOCOL, 0, 77),
         1);
  CHECK_INT_EQ(total, 1);
  sml_rows(taos, "select _ts, _value, k from j2", out, sizeof out);
  CHECK_STR_EQ(out, "1648432613000|42|v\n");
}

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("sml_telnet_json");
  char db[64];
  test_fresh_db(taos, test_db_name(db, sizeof db, "sml_tj"));
  telnet(taos);
  json(taos);
  taos_close(taos);
  return test_finish("sml_telnet_json");
}
