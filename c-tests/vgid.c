/* taos_get_table_vgId / taos_get_tables_vgId: in a VGROUPS 1 and a VGROUPS 4 database the
 * vgroup of every table equals the vgroup tmq_get_vgroup_id reports for messages of that
 * table; the batch form agrees with the single form (duplicates included); errors: unknown
 * table or database (PAR_TABLE_NOT_EXIST, batch slots untouched), NULL connection
 * (TSC_DISCONNECTED), NULL arguments or tableNum <= 0 (TSC_INVALID_INPUT), as native. */
#include "tmq_util.h"

#define NT 8 /* child tables c0..c7, plus normal table n0 */
#define ERR_TABLE_NOT_EXIST ((int32_t)0x80002603)
#define ERR_DISCONNECTED ((int32_t)0x80000213)
#define ERR_INVALID_INPUT ((int32_t)0x80000229)

static TAOS *g_taos;

/* Creates db with `vgroups` vgroups, st + c0..c7 + n0, a topic on st; one row per table. */
static void setup(const char *db, int vgroups, char *topic, size_t cap) {
  char sql[256];
  snprintf(sql, sizeof sql, "drop topic if exists %s_t", db);
  EXEC_OK(g_taos, sql);
  snprintf(sql, sizeof sql, "drop database if exists %s", db);
  EXEC_OK(g_taos, sql);
  snprintf(sql, sizeof sql, "create database %s vgroups %d wal_retention_period 86400", db, vgroups);
  EXEC_OK(g_taos, sql);
  snprintf(sql, sizeof sql, "create stable %s.st (ts timestamp, v int) tags (t int)", db);
  EXEC_OK(g_taos, sql);
  for (int t = 0; t < NT; t++) {
    snprintf(sql, sizeof sql, "create table %s.c%d using %s.st tags (%d)", db, t, db, t);
    EXEC_OK(g_taos, sql);
  }
  snprintf(sql, sizeof sql, "create table %s.n0 (ts timestamp, v int)", db);
  EXEC_OK(g_taos, sql);
  snprintf(topic, cap, "%s_t", db);
  snprintf(sql, sizeof sql, "create topic %s as select ts, v from %s.st", topic, db);
  EXEC_OK(g_taos, sql);
  tmq_insert(g_taos, db, 0, NT, 0, 1);
}

static void check_db(const char *db, int vgroups) {
  char topic[96], names[NT + 1][16];
  const char *list[NT + 2];
  int vg[NT + 1];
  setup(db, vgroups, topic, sizeof topic);

  /* Single form: every table has a vgroup; the database has at most `vgroups` of them. */
  int distinct[NT + 1], nd = 0;
  for (int t = 0; t <= NT; t++) {
    if (t < NT)
      snprintf(names[t], sizeof names[t], "c%d", t);
    else
      snprintf(names[t], sizeof names[t], "n0");
    list[t] = names[t];
    vg[t] = -1;
    CHECK_INT_EQ(taos_get_table_vgId(g_taos, db, names[t], &vg[t]), 0);
    CHECK_MSG(vg[t] > 0, "%s.%s vgroup %d", db, names[t], vg[t]);
    int seen = 0;
    for (int k = 0; k < nd; k++) seen |= distinct[k] == vg[t];
    if (!seen) distinct[nd++] = vg[t];
  }
  CHECK_MSG(nd >= 1 && nd <= vgroups, "%s: %d distinct vgroups, database has %d", db, nd, vgroups);
  if (vgroups == 1) CHECK_INT_EQ(nd, 1);
  if (vgroups == 4) CHECK_MSG(nd >= 2, "%s: 9 tables all in one of 4 vgroups", db);

  /* Batch form, one duplicate at the end: same ids, in order. */
  list[NT + 1] = names[0];
  int batch[NT + 2];
  for (int t = 0; t < NT + 2; t++) batch[t] = -1;
  CHECK_INT_EQ(taos_get_tables_vgId(g_taos, db, list, NT + 2, batch), 0);
  for (int t = 0; t <= NT; t++) CHECK_INT_EQ(batch[t], vg[t]);
  CHECK_INT_EQ(batch[NT + 1], vg[0]);

  /* Messages of table c<t> carry vg[t]. */
  tmq_opts o = {.group = "gvg", .reset = "earliest"};
  tmq_t *c = tmq_new(&o);
  if (c != NULL) {
    CHECK_INT_EQ(tmq_sub1(c, topic), 0);
    int got[NT] = {0};
    long rows = 0;
    for (int i = 0; i < 100 && rows < NT; i++) {
      TAOS_RES *m = tmq_consumer_poll(c, 300);
      if (m == NULL) continue;
      int mvg = tmq_get_vgroup_id(m);
      while (taos_fetch_row(m) != NULL) {
        const char *tn = tmq_get_table_name(m);
        int t = -1;
        if (tn != NULL && sscanf(tn, "c%d", &t) == 1 && t >= 0 && t < NT) {
          CHECK_MSG(mvg == vg[t], "%s.%s: message vgroup %d, taos_get_table_vgId %d", db, tn, mvg, vg[t]);
          got[t]++;
        } else {
          CHECK_MSG(0, "unexpected table %s", tn ? tn : "(null)");
        }
        rows++;
      }
      taos_free_result(m);
    }
    CHECK_INT_EQ(rows, NT);
    for (int t = 0; t < NT; t++) CHECK_INT_EQ(got[t], 1);
    CHECK_INT_EQ(tmq_consumer_close(c), 0);
  }

  /* Unknown table: single and batch fail, batch slots untouched. */
  int one = -7;
  CHECK_INT_EQ(taos_get_table_vgId(g_taos, db, "no_such_table", &one), ERR_TABLE_NOT_EXIST);
  CHECK_INT_EQ(taos_errno(NULL), ERR_TABLE_NOT_EXIST);
  CHECK_INT_EQ(one, -7);
  const char *mixed[2] = {"c0", "no_such_table"};
  int two[2] = {-7, -7};
  CHECK_INT_EQ(taos_get_tables_vgId(g_taos, db, mixed, 2, two), ERR_TABLE_NOT_EXIST);
  CHECK_INT_EQ(two[0], -7);
  CHECK_INT_EQ(two[1], -7);
  /* Names are literal values: a quote cannot break out of the query. */
  CHECK_INT_EQ(taos_get_table_vgId(g_taos, db, "c0' or '1'='1", &one), ERR_TABLE_NOT_EXIST);
  CHECK_INT_EQ(taos_get_table_vgId(g_taos, db, "c0\\", &one), ERR_TABLE_NOT_EXIST);

  char sql[128];
  snprintf(sql, sizeof sql, "drop topic %s", topic);
  EXEC_OK(g_taos, sql);
  snprintf(sql, sizeof sql, "drop database %s", db);
  EXEC_OK(g_taos, sql);
}

static void null_args(void) {
  int v = -7;
  const char *list[1] = {"c0"};
  CHECK_INT_EQ(taos_get_table_vgId(NULL, "db", "c0", &v), ERR_DISCONNECTED);
  CHECK_INT_EQ(taos_get_table_vgId(g_taos, NULL, "c0", &v), ERR_INVALID_INPUT);
  CHECK_INT_EQ(taos_get_table_vgId(g_taos, "db", NULL, &v), ERR_INVALID_INPUT);
  CHECK_INT_EQ(taos_get_table_vgId(g_taos, "db", "c0", NULL), ERR_INVALID_INPUT);
  CHECK_INT_EQ(taos_errno(NULL), ERR_INVALID_INPUT);
  CHECK_INT_EQ(v, -7);
  CHECK_INT_EQ(taos_get_tables_vgId(NULL, "db", list, 1, &v), ERR_DISCONNECTED);
  CHECK_INT_EQ(taos_get_tables_vgId(g_taos, NULL, list, 1, &v), ERR_INVALID_INPUT);
  CHECK_INT_EQ(taos_get_tables_vgId(g_taos, "db", NULL, 1, &v), ERR_INVALID_INPUT);
  CHECK_INT_EQ(taos_get_tables_vgId(g_taos, "db", list, 1, NULL), ERR_INVALID_INPUT);
  CHECK_INT_EQ(taos_get_tables_vgId(g_taos, "db", list, 0, &v), ERR_INVALID_INPUT);
  CHECK_INT_EQ(taos_get_tables_vgId(g_taos, "db", list, -1, &v), ERR_INVALID_INPUT);
  const char *with_null[2] = {"c0", NULL};
  int two[2] = {-7, -7};
  CHECK_INT_EQ(taos_get_tables_vgId(g_taos, "db", with_null, 2, two), ERR_INVALID_INPUT);
  CHECK_INT_EQ(two[0], -7);
  CHECK_INT_EQ(v, -7);
  /* Unknown database: nothing to look up. */
  CHECK_INT_EQ(taos_get_table_vgId(g_taos, "no_such_db_vgid", "c0", &v), ERR_TABLE_NOT_EXIST);
}

int main(void) {
  g_taos = test_connect(NULL);
  CHECK_NOT_NULL(g_taos);
  if (g_taos == NULL) return test_finish("vgid");
  char db1[64], db4[64];
  test_db_name(db1, sizeof db1, "vgid1");
  test_db_name(db4, sizeof db4, "vgid4");
  check_db(db1, 1);
  check_db(db4, 4);
  null_args();
  taos_close(g_taos);
  return test_finish("vgid");
}
