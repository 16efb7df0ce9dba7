/*
 * tmq_util.h: helpers shared by the TMQ C tests (tmq_group.c, tmq_offsets.c).
 *
 * Data model: supertable st (ts TIMESTAMP, v INT) TAGS (t INT) with child tables c0..cN-1.
 * Row i of table t has v = t * TMQ_ROW_SPAN + i and ts = TMQ_TS0 + i, so every received row
 * names its table and index; a tracker counts each (table, index), checks per-table
 * timestamp order, that a table always comes from one vgroup, that tmq_get_table_name
 * matches, and that message offsets grow per vgroup.
 */
#ifndef LIBTAOS_RS_TMQ_UTIL_H
#define LIBTAOS_RS_TMQ_UTIL_H

#include "testutil.h"

#define TMQ_ROW_SPAN 100000
#define TMQ_TS0 1700000000000LL
#define TMQ_MAX_TABLES 16
#define TMQ_MAX_VG 64
/* tmq_committed's value when nothing is committed (TSDB_CODE_TMQ_NO_COMMITTED). */
#define TMQ_NO_COMMITTED ((int64_t)(int32_t)0x80004011)

/* Consumer settings for tmq_new. */
typedef struct {
  const char *group;
  const char *reset;       /* auto.offset.reset, NULL = default */
  const char *auto_commit; /* "true"/"false" */
  const char *interval_ms; /* auto.commit.interval.ms, NULL = default */
  tmq_commit_cb *cb;       /* tmq_conf_set_auto_commit_cb */
  void *cb_param;
} tmq_opts;

static inline tmq_t *tmq_new(const tmq_opts *o) {
  char port[16];
  snprintf(port, sizeof port, "%u", test_port());
  tmq_conf_t *conf = tmq_conf_new();
  CHECK_INT_EQ(tmq_conf_set(conf, "td.connect.ip", test_host()), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(conf, "td.connect.port", port), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(conf, "td.connect.user", "root"), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(conf, "td.connect.pass", "taosdata"), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(conf, "group.id", o->group), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(conf, "client.id", "ctest"), TMQ_CONF_OK);
  if (o->reset) CHECK_INT_EQ(tmq_conf_set(conf, "auto.offset.reset", o->reset), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(conf, "enable.auto.commit", o->auto_commit ? o->auto_commit : "false"), TMQ_CONF_OK);
  if (o->interval_ms) CHECK_INT_EQ(tmq_conf_set(conf, "auto.commit.interval.ms", o->interval_ms), TMQ_CONF_OK);
  if (o->cb) tmq_conf_set_auto_commit_cb(conf, o->cb, o->cb_param);
  char errstr[256] = "";
  tmq_t *tmq = tmq_consumer_new(conf, errstr, sizeof errstr);
  CHECK_MSG(tmq != NULL, "tmq_consumer_new: %s", errstr);
  tmq_conf_destroy(conf);
  return tmq;
}

static inline int tmq_sub1(tmq_t *tmq, const char *topic) {
  tmq_list_t *list = tmq_list_new();
  CHECK_INT_EQ(tmq_list_append(list, topic), 0);
  int rc = tmq_subscribe(tmq, list);
  tmq_list_destroy(list);
  return rc;
}

/* Inserts rows [from, to) into each table c<t> for t in [t0, t1), 200 rows a statement. */
static inline void tmq_insert(TAOS *taos, const char *db, int t0, int t1, int from, int to) {
  static char sql[16384];
  for (int t = t0; t < t1; t++) {
    for (int i = from; i < to;) {
      int o = snprintf(sql, sizeof sql, "insert into %s.c%d values", db, t);
      for (int k = 0; k < 200 && i < to; k++, i++)
        o += snprintf(sql + o, sizeof sql - (size_t)o, " (%lld, %d)", TMQ_TS0 + i, t * TMQ_ROW_SPAN + i);
      EXEC_OK(taos, sql);
    }
  }
}

/* Database db (wal kept), supertable st, tables c0..c<ntables-1>, topic <db>_t. */
static inline void tmq_setup(TAOS *taos, const char *db, int ntables, char *topic, size_t topic_cap) {
  char sql[512];
  snprintf(sql, sizeof sql, "drop topic if exists %s_t", db);
  EXEC_OK(taos, sql);
  snprintf(sql, sizeof sql, "drop database if exists %s", db);
  EXEC_OK(taos, sql);
  snprintf(sql, sizeof sql, "create database %s wal_retention_period 86400", db);
  EXEC_OK(taos, sql);
  snprintf(sql, sizeof sql, "create stable %s.st (ts timestamp, v int) tags (t int)", db);
  EXEC_OK(taos, sql);
  for (int t = 0; t < ntables; t++) {
    snprintf(sql, sizeof sql, "create table %s.c%d using %s.st tags (%d)", db, t, db, t);
    EXEC_OK(taos, sql);
  }
  snprintf(topic, topic_cap, "%s_t", db);
  snprintf(sql, sizeof sql, "create topic %s as select ts, v from %s.st", topic, db);
  EXEC_OK(taos, sql);
}

static inline void tmq_teardown(TAOS *taos, const char *db, const char *topic) {
  char sql[256];
  snprintf(sql, sizeof sql, "drop topic %s", topic);
  EXEC_OK(taos, sql);
  snprintf(sql, sizeof sql, "drop database %s", db);
  EXEC_OK(taos, sql);
}

/* What a consumer received. */
typedef struct {
  int ntables, maxrows;
  int seen[TMQ_MAX_TABLES][2048]; /* times each (table, row) arrived */
  int64_t last_ts[TMQ_MAX_TABLES];
  int vg_of[TMQ_MAX_TABLES];      /* vgroup a table came from (0 = not yet) */
  int64_t last_off[TMQ_MAX_VG];   /* last message offset per vgroup (-1 = none) */
  long rows, msgs;
  int bad; /* rows that broke a rule (each also reported by a CHECK) */
} tmq_tracker;

static inline void tmq_tracker_init(tmq_tracker *tr, int ntables, int maxrows) {
  memset(tr, 0, sizeof *tr);
  tr->ntables = ntables;
  tr->maxrows = maxrows;
  for (int t = 0; t < TMQ_MAX_TABLES; t++) tr->last_ts[t] = -1;
  for (int v = 0; v < TMQ_MAX_VG; v++) tr->last_off[v] = -1;
}

/* Forgets the order state (after a seek the same rows come again). */
static inline void tmq_tracker_rewind(tmq_tracker *tr) {
  for (int t = 0; t < TMQ_MAX_TABLES; t++) tr->last_ts[t] = -1;
  for (int v = 0; v < TMQ_MAX_VG; v++) tr->last_off[v] = -1;
}

/* Reads every row of a data message into the tracker. */
static inline void tmq_take(tmq_tracker *tr, TAOS_RES *msg) {
  tr->msgs++;
  CHECK_INT_EQ(tmq_get_res_type(msg), TMQ_RES_DATA);
  int vg = tmq_get_vgroup_id(msg);
  int64_t off = tmq_get_vgroup_offset(msg);
  CHECK_MSG(vg > 0 && vg < TMQ_MAX_VG, "vgroup id %d", vg);
  if (vg <= 0 || vg >= TMQ_MAX_VG) return;
  CHECK_MSG(off > tr->last_off[vg], "vgroup %d offset %lld after %lld", vg, (long long)off, (long long)tr->last_off[vg]);
  tr->last_off[vg] = off;
  CHECK_INT_EQ(taos_num_fields(msg), 2);
  TAOS_ROW row;
  while ((row = taos_fetch_row(msg)) != NULL) {
    int64_t ts = *(int64_t *)row[0];
    int32_t v = *(int32_t *)row[1];
    int t = v / TMQ_ROW_SPAN, i = v % TMQ_ROW_SPAN;
    tr->rows++;
    if (t < 0 || t >= tr->ntables || i < 0 || i >= tr->maxrows) {
      tr->bad++;
      CHECK_MSG(0, "unexpected row v=%d", v);
      continue;
    }
    char name[32];
    snprintf(name, sizeof name, "c%d", t);
    const char *tn = tmq_get_table_name(msg);
    if (tn == NULL || strcmp(tn, name) != 0) {
      tr->bad++;
      CHECK_STR_EQ(tn, name);
    }
    if (ts != TMQ_TS0 + i) {
      tr->bad++;
      CHECK_INT_EQ(ts, TMQ_TS0 + i);
    }
    if (ts <= tr->last_ts[t]) {
      tr->bad++;
      CHECK_MSG(0, "table c%d: ts %lld after %lld (out of order)", t, (long long)ts, (long long)tr->last_ts[t]);
    }
    tr->last_ts[t] = ts;
    if (tr->vg_of[t] == 0) tr->vg_of[t] = vg;
    if (tr->vg_of[t] != vg) {
      tr->bad++;
      CHECK_MSG(0, "table c%d came from vgroups %d and %d", t, tr->vg_of[t], vg);
    }
    tr->seen[t][i]++;
  }
}

/* Polls (each poll waits up to poll_ms) until a poll brings nothing; at most max_sec. */
static inline void tmq_drain(tmq_t *tmq, tmq_tracker *tr, int poll_ms, double max_sec) {
  double t0 = test_now_sec();
  for (;;) {
    TAOS_RES *msg = tmq_consumer_poll(tmq, poll_ms);
    if (msg == NULL) {
      CHECK_INT_EQ(taos_errno(NULL), 0);
      break;
    }
    tmq_take(tr, msg);
    taos_free_result(msg);
    if (test_now_sec() - t0 > max_sec) {
      CHECK_MSG(0, "still receiving after %.0f s", max_sec);
      break;
    }
  }
}

/* Checks that rows [from, to) of tables [t0, t1) arrived exactly `times` times. */
static inline void tmq_expect(const tmq_tracker *tr, int t0, int t1, int from, int to, int times, const char *what) {
  int wrong = 0;
  for (int t = t0; t < t1; t++)
    for (int i = from; i < to; i++)
      if (tr->seen[t][i] != times) {
        if (wrong++ < 5) fprintf(stderr, "  %s: c%d row %d seen %d times, expected %d\n", what, t, i, tr->seen[t][i], times);
      }
  CHECK_MSG(wrong == 0, "%s: %d rows not received exactly %d time(s)", what, wrong, times);
}

/* The assignment of a topic, checked to be well formed; returns the count (<= cap). */
static inline int tmq_assign(tmq_t *tmq, const char *topic, tmq_topic_assignment *out, int cap) {
  tmq_topic_assignment *as = NULL;
  int32_t n = -1;
  CHECK_INT_EQ(tmq_get_topic_assignment(tmq, topic, &as, &n), 0);
  if (n < 0) n = 0;
  if (n > cap) n = cap;
  for (int k = 0; k < n; k++) {
    out[k] = as[k];
    CHECK_MSG(as[k].begin <= as[k].end, "vg %d: begin %lld > end %lld", as[k].vgId, (long long)as[k].begin,
              (long long)as[k].end);
  }
  tmq_free_assignment(as);
  return n;
}

#endif
