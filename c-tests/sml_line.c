/*
 * sml_line.c: InfluxDB line protocol through every taos_schemaless_insert* variant:
 * tables and values read back with SELECT, child-table names against MD5 computed here
 * (md5sum), precision, raw buffers (len, comments, *totalRows), TTL, tbnameKey and
 * schema growth (new columns/tags, wider VARCHAR/NCHAR).
 */
#include "sml_util.h"

static char out[8192];

static void basic_array_insert(TAOS *taos) {
  char *lines[] = {
      "st,t1=3,t2=4,t3=t3 c1=3i64,c3=\"passit\",c2=false,c4=4f64,c5=7u8,c6=-2i16,c7=1.5f32 1626006833639",
      "st,t1=4,t3=t4 c1=5i64,c4=2.5 1626006833640",
  };
  SML_OK(taos_schemaless_insert(taos, lines, 2, TSDB_SML_LINE_PROTOCOL, TSDB_SML_TIMESTAMP_MILLI_SECONDS), 2);

  char n1[35], n2[35], want[1024];
  CHECK(sml_md5_name("st,t1=3,t2=4,t3=t3", n1) == 0);
  CHECK(sml_md5_name("st,t1=4,t3=t4", n2) == 0);
  snprintf(want, sizeof want,
           "%s|1626006833639|3|passit|false|4|7|-2|1.5|3|4|t3\n"
           "%s|1626006833640|5|NULL|NULL|2.5|NULL|NULL|NULL|4|NULL|t4\n",
           n1, n2);
  CHECK_INT_EQ(sml_rows(taos, "select tbname, _ts, c1, c3, c2, c4, c5, c6, c7, t1, t2, t3 from st order by _ts", out,
                        sizeof out),
               2);
  CHECK_STR_EQ(out, want);

  CHECK_INT_EQ(sml_rows(taos, "describe st", out, sizeof out), 11);
  CHECK_STR_EQ(out,
               "_ts|TIMESTAMP|8|\nc1|BIGINT|8|\nc3|VARCHAR|8|\nc2|BOOL|1|\nc4|DOUBLE|8|\nc5|TINYINT UNSIGNED|1|\n"
               "c6|SMALLINT|2|\nc7|FLOAT|4|\nt1|NCHAR|2|TAG\nt2|NCHAR|2|TAG\nt3|NCHAR|4|TAG\n");

  /* Escapes in names and string values; dots in the measurement become underscores. */
  char *esc[] = {"my.meas,tag\\ key=a\\,b s=\"q\\\"uote\",n=L\"中文\" 1626006833641"};
  SML_OK(taos_schemaless_insert(taos, esc, 1, TSDB_SML_LINE_PROTOCOL, TSDB_SML_TIMESTAMP_MILLI_SECONDS), 1);
  char n3[35];
  CHECK(sml_md5_name("my_meas,tag key=a,b", n3) == 0);
  snprintf(want, sizeof want, "%s|q\"uote|中文|a,b\n", n3);
  sml_rows(taos, "select tbname, s, n, `tag key` from my_meas", out, sizeof out);
  CHECK_STR_EQ(out, want);
}

static void raw_variants(TAOS *taos) {
  /* A comment line is not counted; a trailing newline does not start a line. */
  const char *buf = "st,t1=3,t2=4,t3=t3 c1=6i64 1626006833641\n#comment\nst,t1=3,t2=4,t3=t3 c1=7i64 1626006833642\n";
  int32_t total = -1;
  SML_OK(taos_schemaless_insert_raw(taos, (char *)buf, (int)strlen(buf), &total, TSDB_SML_LINE_PROTOCOL,
                                    TSDB_SML_TIMESTAMP_MILLI_SECONDS),
         2);
  CHECK_INT_EQ(total, 2);
  char n1[35], sql[256];
  CHECK(sml_md5_name("st,t1=3,t2=4,t3=t3", n1) == 0);
  snprintf(sql, sizeof sql, "select c1 from `%s` order by _ts", n1);
  CHECK_INT_EQ(sml_rows(taos, sql, out, sizeof out), 3);
  CHECK_STR_EQ(out, "3\n6\n7\n");

  /* Only len bytes are sent: the second line is cut off entirely. */
  const char *two = "r,k=a v=1i32 1626006833000\nr,k=a v=2i32 1626006833001";
  total = -1;
  SML_OK(taos_schemaless_insert_raw(taos, (char *)two, 26, &total, TSDB_SML_LINE_PROTOCOL,
                                    TSDB_SML_TIMESTAMP_MILLI_SECONDS),
         1);
  CHECK_INT_EQ(total, 1);
  sml_rows(taos, "select v from r", out, sizeof out);
  CHECK_STR_EQ(out, "1\n");

  /* Every other variant, each with its own precision; totalRows may be NULL. */
  const char *l_ns = "v,k=a x=1i64 1626006833000000001";
  SML_OK(taos_schemaless_insert_raw_with_reqid(taos, (char *)l_ns, (int)strlen(l_ns), NULL, TSDB_SML_LINE_PROTOCOL,
                                               TSDB_SML_TIMESTAMP_NANO_SECONDS, 1001),
         1);
  const char *l_us = "v,k=a x=2i64 1626006833001000";
  total = 0;
  SML_OK(taos_schemaless_insert_raw_ttl(taos, (char *)l_us, (int)strlen(l_us), &total, TSDB_SML_LINE_PROTOCOL,
                                        TSDB_SML_TIMESTAMP_MICRO_SECONDS, 10),
         1);
  CHECK_INT_EQ(total, 1);
  const char *l_s = "v,k=a x=3i64 1626006834";
  SML_OK(taos_schemaless_insert_raw_ttl_with_reqid(taos, (char *)l_s, (int)strlen(l_s), &total, TSDB_SML_LINE_PROTOCOL,
                                                   TSDB_SML_TIMESTAMP_SECONDS, 5, 1002),
         1);
  char *a1[] = {"v,k=a x=4i64 1626006835000"};
  SML_OK(taos_schemaless_insert_with_reqid(taos, a1, 1, TSDB_SML_LINE_PROTOCOL, TSDB_SML_TIMESTAMP_MILLI_SECONDS, 1003),
         1);
  char *a2[] = {"v,k=a x=5i64 1626006836000000000"};
  SML_OK(taos_schemaless_insert_ttl(taos, a2, 1, TSDB_SML_LINE_PROTOCOL, TSDB_SML_TIMESTAMP_NOT_CONFIGURED, 7), 1);
  char *a3[] = {"v,k=a x=6i64 1626006837000", "v,k=a x=7i64 1626006838000"};
  SML_OK(taos_schemaless_insert_ttl_with_reqid(taos, a3, 2, TSDB_SML_LINE_PROTOCOL, TSDB_SML_TIMESTAMP_MILLI_SECONDS,
                                               3, 1004),
         2);
  /* Hours and minutes scale to the database's milliseconds. */
  char *a4[] = {"v,k=a x=8i64 451668"};
  SML_OK(taos_schemaless_insert(taos, a4, 1, TSDB_SML_LINE_PROTOCOL, TSDB_SML_TIMESTAMP_HOURS), 1);
  CHECK_INT_EQ(sml_rows(taos, "select _ts, x from v order by _ts", out, sizeof out), 8);
  CHECK_STR_EQ(out,
               "1626004800000|8\n1626006833000|1\n1626006833001|2\n1626006834000|3\n1626006835000|4\n"
               "1626006836000|5\n1626006837000|6\n1626006838000|7\n");
}

static void tbname_key(TAOS *taos) {
  const char *buf = "k,id=dev.1,loc=x v=1i32 1626006833000\nk,id=dev2,loc=y v=2i32 1626006833001";
  int32_t total = 0;
  SML_OK(taos_schemaless_insert_raw_ttl_with_reqid_tbname_key(taos, (char *)buf, (int)strlen(buf), &total,
                                                              TSDB_SML_LINE_PROTOCOL,
                                                              TSDB_SML_TIMESTAMP_MILLI_SECONDS, 0, 2001, "id"),
         2);
  CHECK_INT_EQ(total, 2);
  char *lines[] = {"k,id=dev3,loc=z v=3i32 1626006833002"};
  SML_OK(taos_schemaless_insert_ttl_with_reqid_tbname_key(taos, lines, 1, TSDB_SML_LINE_PROTOCOL,
                                                          TSDB_SML_TIMESTAMP_MILLI_SECONDS, 0, 2002, "id"),
         1);
  /* Dots become underscores; the key tag is not stored as a tag. */
  sml_rows(taos, "select tbname, v, loc from k order by _ts", out, sizeof out);
  CHECK_STR_EQ(out, "dev_1|1|x\ndev2|2|y\ndev3|3|z\n");
  sml_rows(taos, "describe k", out, sizeof out);
  CHECK_MSG(strstr(out, "id|") == NULL, "id must not be a tag: %s", out);
  /* NULL key = default MD5 naming. */
  char *md[] = {"k2,id=x v=1i32 1626006833000"};
  SML_OK(taos_schemaless_insert_ttl_with_reqid_tbname_key(taos, md, 1, TSDB_SML_LINE_PROTOCOL,
                                                          TSDB_SML_TIMESTAMP_MILLI_SECONDS, 0, 0, NULL),
         1);
  char n[35], want[64];
  CHECK(sml_md5_name("k2,id=x", n) == 0);
  snprintf(want, sizeof want, "%s\n", n);
  sml_rows(taos, "select tbname from k2", out, sizeof out);
  CHECK_STR_EQ(out, want);
}

static void schema_growth(TAOS *taos) {
  char *a[] = {"g,t=a s=\"abc\",n=L\"x\" 1626006833000"};
  SML_OK(taos_schemaless_insert(taos, a, 1, TSDB_SML_LINE_PROTOCOL, TSDB_SML_TIMESTAMP_MILLI_SECONDS), 1);
  /* New column and tag, longer VARCHAR and NCHAR values and tag. */
  char *b[] = {"g,t=a_longer_tag_value,u=new s=\"0123456789abcdefg\",n=L\"0123456789\",extra=1i8 1626006833001"};
  SML_OK(taos_schemaless_insert(taos, b, 1, TSDB_SML_LINE_PROTOCOL, TSDB_SML_TIMESTAMP_MILLI_SECONDS), 1);
  sml_rows(taos, "describe g", out, sizeof out);
  CHECK_STR_EQ(out, "_ts|TIMESTAMP|8|\ns|VARCHAR|32|\nn|NCHAR|16|\nextra|TINYINT|1|\nt|NCHAR|32|TAG\nu|NCHAR|4|TAG\n");
  sml_rows(taos, "select s, n, extra, t, u from g order by _ts", out, sizeof out);
  /* The first row's child table keeps its tags; the second line made a new child table. */
  CHECK_STR_EQ(out, "abc|x|NULL|a|NULL\n0123456789abcdefg|0123456789|1|a_longer_tag_value|new\n");
}

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("sml_line");
  char db[64];
  test_fresh_db(taos, test_db_name(db, sizeof db, "sml_line"));
  basic_array_insert(taos);
  raw_variants(taos);
  tbname_key(taos);
  schema_growth(taos);
  taos_close(taos);
  return test_finish("sml_line");
}
