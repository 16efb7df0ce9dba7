/* TMQ consumer through the C API against the suite's dev server: topic made with SQL,
 * tmq_conf_* / tmq_list_*, tmq_consumer_new (errstr), subscribe, poll with a bounded
 * timeout, rows read with taos_fetch_row / taos_fetch_block, message accessors,
 * commit sync/async (callback once, on another thread), committed / position /
 * assignment / seek, unsubscribe, close; bad handles are refused. */
#include <pthread.h>

#include "testutil.h"

#define ROWS_PER_TABLE 40

static volatile int cb_calls = 0;
static volatile int cb_code = -12345;
static pthread_t main_thread;
static volatile int cb_other_thread = 0;

static void commit_cb(tmq_t *tmq, int32_t code, void *param) {
  (void)tmq;
  cb_code = code;
  cb_other_thread = !pthread_equal(pthread_self(), main_thread);
  *(int *)param += 1;
  __sync_fetch_and_add(&cb_calls, 1);
}

static tmq_t *new_consumer(const char *group) {
  char port[16];
  snprintf(port, sizeof port, "%u", test_port());
  tmq_conf_t *conf = tmq_conf_new();
  CHECK_INT_EQ(tmq_conf_set(conf, "td.connect.ip", test_host()), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(conf, "td.connect.port", port), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(conf, "td.connect.user", "root"), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(conf, "td.connect.pass", "taosdata"), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(conf, "group.id", group), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(conf, "auto.offset.reset", "earliest"), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(conf, "enable.auto.commit", "false"), TMQ_CONF_OK);
  char errstr[256] = "unchanged";
  tmq_t *tmq = tmq_consumer_new(conf, errstr, sizeof errstr);
  CHECK_MSG(tmq != NULL, "tmq_consumer_new: %s", errstr);
  tmq_conf_destroy(conf);
  return tmq;
}

static int subscribe(tmq_t *tmq, const char *topic) {
  tmq_list_t *list = tmq_list_new();
  CHECK_INT_EQ(tmq_list_append(list, topic), 0);
  int rc = tmq_subscribe(tmq, list);
  tmq_list_destroy(list);
  return rc;
}

int main(void) {
  main_thread = pthread_self();
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("tmq_basic");
  char db[64];
  test_db_name(db, sizeof db, "tmqc");
  char sql[4096];
  snprintf(sql, sizeof sql, "create database %s wal_retention_period 86400", db);
  EXEC_OK(taos, sql);
  snprintf(sql, sizeof sql, "create stable %s.st (ts timestamp, v int, s binary(10)) tags (t int)", db);
  EXEC_OK(taos, sql);
  long expect_sum = 0;
  for (int t = 0; t < 2; t++) {
    snprintf(sql, sizeof sql, "create table %s.c%d using %s.st tags (%d)", db, t, db, t);
    EXEC_OK(taos, sql);
    int o = snprintf(sql, sizeof sql, "insert into %s.c%d values", db, t);
    for (int i = 0; i < ROWS_PER_TABLE; i++) {
      o += snprintf(sql + o, sizeof sql - (size_t)o, " (%lld, %d, 'r%d')", 1700000000000LL + i, t * 1000 + i, i);
      expect_sum += t * 1000 + i;
    }
    EXEC_OK(taos, sql);
  }
  char topic[96];
  snprintf(topic, sizeof topic, "%s_topic", db);
  snprintf(sql, sizeof sql, "create topic %s as select ts, v, s from %s.st", topic, db);
  EXEC_OK(taos, sql);

  /* Unreachable server: NULL and a reason in errstr; NULL errstr is allowed. */
  tmq_conf_t *bad = tmq_conf_new();
  tmq_conf_set(bad, "td.connect.ip", "127.0.0.1");
  tmq_conf_set(bad, "td.connect.port", "1");
  tmq_conf_set(bad, "group.id", "g");
  char errstr[128] = "";
  CHECK_NULL(tmq_consumer_new(bad, errstr, sizeof errstr));
  CHECK(errstr[0] != 0);
  CHECK_NULL(tmq_consumer_new(bad, NULL, 0));
  tmq_conf_destroy(bad);

  tmq_t *tmq = new_consumer("cg1");
  if (tmq == NULL) return test_finish("tmq_basic");
  CHECK(subscribe(tmq, "no_such_topic_x") != 0);
  CHECK_INT_EQ(subscribe(tmq, topic), 0);
  tmq_list_t *subs = NULL;
  CHECK_INT_EQ(tmq_subscription(tmq, &subs), 0);
  CHECK_INT_EQ(tmq_list_get_size(subs), 1);
  CHECK_STR_EQ(tmq_list_to_c_array(subs)[0], topic);
  tmq_list_destroy(subs);

  long rows = 0, sum = 0;
  int vg = -1, msgs = 0;
  for (;;) {
    TAOS_RES *msg = tmq_consumer_poll(tmq, 1000);
    if (msg == NULL) {
      CHECK_INT_EQ(taos_errno(NULL), 0);
      break;
    }
    msgs++;
    CHECK_INT_EQ(tmq_get_res_type(msg), TMQ_RES_DATA);
    CHECK_STR_EQ(tmq_get_topic_name(msg), topic);
    CHECK_STR_EQ(tmq_get_db_name(msg), db);
    CHECK(tmq_get_vgroup_id(msg) > 0);
    CHECK(tmq_get_vgroup_offset(msg) >= 0);
    vg = tmq_get_vgroup_id(msg);
    CHECK_NOT_NULL(tmq_get_table_name(msg));
    /* The raw payload (what taosX / Go af/tmq read) is available and freed by tmq_free_raw. */
    tmq_raw_data raw = {0};
    CHECK_INT_EQ(tmq_get_raw(msg, &raw), 0);
    CHECK(raw.raw != NULL && raw.raw_len > 16);
    CHECK_INT_EQ(raw.raw_type, 2);
    tmq_free_raw(raw);
    CHECK_INT_EQ(taos_num_fields(msg), 3);
    TAOS_FIELD *f = taos_fetch_fields(msg);
    CHECK_STR_EQ(f[1].name, "v");
    CHECK_INT_EQ(f[2].type, TSDB_DATA_TYPE_BINARY);
    CHECK_INT_EQ(f[2].bytes, 10);
    if (msgs == 1) {
      /* Block API on the first message. */
      TAOS_ROW cols;
      int n;
      while ((n = taos_fetch_block(msg, &cols)) > 0) {
        for (int r = 0; r < n; r++) sum += ((int32_t *)cols[1])[r];
        rows += n;
      }
    } else {
      TAOS_ROW row;
      while ((row = taos_fetch_row(msg)) != NULL) {
        sum += *(int32_t *)row[1];
        CHECK(test_var_len(row[2]) >= 2);
        rows++;
      }
    }
    CHECK_INT_EQ(tmq_commit_sync(tmq, msg), 0);
    taos_free_result(msg);
  }
  CHECK_INT_EQ(rows, 2 * ROWS_PER_TABLE);
  CHECK_INT_EQ(sum, expect_sum);

  /* Nothing left: a bounded poll returns NULL after about the timeout. */
  double t0 = test_now_sec();
  CHECK_NULL(tmq_consumer_poll(tmq, 300));
  double el = test_now_sec() - t0;
  CHECK_MSG(el >= 0.25 && el < 3.0, "poll(300) took %.3f s", el);

  int64_t committed = tmq_committed(tmq, topic, vg);
  CHECK_MSG(committed >= 0, "committed %lld", (long long)committed);
  CHECK_INT_EQ(tmq_position(tmq, topic, vg), committed);

  tmq_topic_assignment *as = NULL;
  int32_t n_as = 0;
  CHECK_INT_EQ(tmq_get_topic_assignment(tmq, topic, &as, &n_as), 0);
  CHECK(n_as >= 1 && as != NULL);
  if (n_as >= 1 && as != NULL) {
    CHECK(as[0].begin <= as[0].currentOffset && as[0].currentOffset <= as[0].end);
    CHECK_INT_EQ(tmq_offset_seek(tmq, topic, as[0].vgId, as[0].begin), 0);
  }
  tmq_free_assignment(as);

  int calls = 0;
  tmq_commit_async(tmq, NULL, commit_cb, &calls);
  tmq_commit_offset_async(tmq, topic, vg, committed, commit_cb, &calls);
  for (int i = 0; i < 500 && cb_calls < 2; i++) usleep(10000);
  usleep(100000);
  CHECK_INT_EQ(cb_calls, 2);
  CHECK_INT_EQ(calls, 2);
  CHECK_INT_EQ(cb_code, 0);
  CHECK(cb_other_thread);

  CHECK_INT_EQ(tmq_unsubscribe(tmq), 0);
  CHECK_INT_EQ(tmq_consumer_close(tmq), 0);

  /* Bad handles are refused, not crashed on. */
  CHECK_NULL(tmq_consumer_poll(NULL, 0));
  CHECK(taos_errno(NULL) != 0);
  CHECK(tmq_subscribe(NULL, NULL) != 0);
  CHECK_INT_EQ(tmq_get_res_type(NULL), TMQ_RES_INVALID);
  CHECK_NULL(tmq_get_topic_name(NULL));
  CHECK(tmq_position(NULL, topic, 1) < 0);

  snprintf(sql, sizeof sql, "drop topic %s", topic);
  EXEC_OK(taos, sql);
  snprintf(sql, sizeof sql, "drop database %s", db);
  EXEC_OK(taos, sql);
  taos_close(taos);
  return test_finish("tmq_basic");
}
