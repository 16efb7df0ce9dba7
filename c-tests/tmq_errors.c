/* TMQ error paths through the C API, with TDengine's codes (clientTmq.c / mnode):
 * configuration keys and values (TMQ_CONF_UNKNOWN / TMQ_CONF_INVALID), consumer creation
 * without a conf or a group, topic lists, poll before subscribe (TMQ_INVALID_STATUS),
 * unknown topic (MND_TOPIC_NOT_EXIST), subscribing again (same list: success, nothing
 * changes; new list: replaced, kept topics resume where they were; failing list: the old
 * subscription stays), poll after unsubscribe (waits, no error), commit of a result that is
 * not a TMQ message (TMQ_INVALID_MSG), NULL for every handle (INVALID_PARA, callbacks
 * still called once), and taos_errno/taos_errstr of a meta message after a failed
 * tmq_get_raw (the thread's last error, as native). */
#include "tmq_util.h"

#define TABLES 3
#define ERR_INVALID_PARA ((int32_t)0x80000118)
#define ERR_TOPIC_NOT_EXIST ((int32_t)0x800003E1)
#define ERR_TMQ_INVALID_MSG ((int32_t)0x80004000)
#define ERR_TMQ_INVALID_STATUS ((int32_t)0x80004017)

static TAOS *g_taos;
static char g_db[64], g_topic[96], g_topic2[112];
static int R;

static void conf_errors(void) {
  tmq_conf_t *conf = tmq_conf_new();
  CHECK_NOT_NULL(conf);
  CHECK_INT_EQ(tmq_conf_set(conf, "no.such.key", "1"), TMQ_CONF_UNKNOWN);
  CHECK_INT_EQ(tmq_conf_set(conf, "group.idx", "g"), TMQ_CONF_UNKNOWN);
  CHECK_INT_EQ(tmq_conf_set(conf, "enable.auto.commit", "yes"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "enable.auto.commit", "TRUE"), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(conf, "auto.offset.reset", "first"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "auto.offset.reset", "None"), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(conf, "auto.commit.interval.ms", "-1"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "auto.commit.interval.ms", "abc"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "session.timeout.ms", "5999"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "session.timeout.ms", "1800001"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "heartbeat.interval.ms", "999"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "max.poll.interval.ms", "999"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "td.connect.port", "0"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "td.connect.port", "65536"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "msg.with.table.name", "1"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "experimental.snapshot.enable", "maybe"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "enable.replay", "x"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "fetch.max.wait.ms", "0"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "min.poll.rows", "0"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "msg.consume.excluded", "whatever"), TMQ_CONF_OK);
  CHECK_INT_EQ(tmq_conf_set(NULL, "group.id", "g"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, NULL, "g"), TMQ_CONF_INVALID);
  CHECK_INT_EQ(tmq_conf_set(conf, "group.id", NULL), TMQ_CONF_INVALID);
  tmq_conf_set_auto_commit_cb(NULL, NULL, NULL);

  /* No group: refused at creation, with a reason; NULL conf likewise; NULL errstr is fine. */
  char errstr[128] = "";
  CHECK_NULL(tmq_consumer_new(conf, errstr, sizeof errstr));
  CHECK(errstr[0] != 0);
  errstr[0] = 0;
  CHECK_NULL(tmq_consumer_new(NULL, errstr, sizeof errstr));
  CHECK(errstr[0] != 0);
  CHECK_NULL(tmq_consumer_new(NULL, NULL, 0));
  tmq_conf_destroy(conf);
  tmq_conf_destroy(NULL);

  tmq_list_t *l = tmq_list_new();
  CHECK_INT_EQ(tmq_list_append(NULL, "x"), ERR_INVALID_PARA);
  CHECK_INT_EQ(tmq_list_append(l, NULL), ERR_INVALID_PARA);
  CHECK_INT_EQ(tmq_list_append(l, ""), ERR_INVALID_PARA);
  CHECK_INT_EQ(tmq_list_get_size(l), 0);
  CHECK_INT_EQ(tmq_list_get_size(NULL), -1); /* abi.md; newest native: INVALID_PARA */
  CHECK_NULL(tmq_list_to_c_array(NULL));
  tmq_list_destroy(l);
  tmq_list_destroy(NULL);
}

static volatile int g_cb_calls = 0, g_cb_code = 0;
static void count_cb(tmq_t *tmq, int32_t code, void *param) {
  (void)tmq;
  *(int *)param += 1;
  g_cb_code = code;
  __sync_fetch_and_add(&g_cb_calls, 1);
}

static void null_everywhere(void) {
  tmq_list_t *l = tmq_list_new();
  tmq_list_append(l, g_topic);
  CHECK_INT_EQ(tmq_subscribe(NULL, l), ERR_INVALID_PARA);
  tmq_list_destroy(l);
  CHECK_INT_EQ(tmq_unsubscribe(NULL), ERR_INVALID_PARA);
  tmq_list_t *out = NULL;
  CHECK_INT_EQ(tmq_subscription(NULL, &out), ERR_INVALID_PARA);
  CHECK_NULL(out);
  CHECK_NULL(tmq_consumer_poll(NULL, 10));
  CHECK_INT_EQ(taos_errno(NULL), ERR_INVALID_PARA);
  CHECK_INT_EQ(tmq_commit_sync(NULL, NULL), ERR_INVALID_PARA);
  CHECK_INT_EQ(tmq_commit_offset_sync(NULL, g_topic, 2, 0), ERR_INVALID_PARA);
  CHECK_INT_EQ(tmq_committed(NULL, g_topic, 2), ERR_INVALID_PARA);
  CHECK_INT_EQ(tmq_position(NULL, g_topic, 2), ERR_INVALID_PARA);
  CHECK_INT_EQ(tmq_offset_seek(NULL, g_topic, 2, 0), ERR_INVALID_PARA);
  tmq_topic_assignment *as = NULL;
  int32_t n = 0;
  CHECK_INT_EQ(tmq_get_topic_assignment(NULL, g_topic, &as, &n), ERR_INVALID_PARA);
  tmq_free_assignment(NULL);
  CHECK_INT_EQ(tmq_consumer_close(NULL), ERR_INVALID_PARA);
  CHECK_NULL(tmq_get_connect(NULL));

  /* Async commits on no consumer: the callback still runs, once, with the error. */
  int calls = 0;
  tmq_commit_async(NULL, NULL, count_cb, &calls);
  tmq_commit_offset_async(NULL, g_topic, 2, 0, count_cb, &calls);
  for (int i = 0; i < 300 && g_cb_calls < 2; i++) usleep(10000);
  usleep(50000);
  CHECK_INT_EQ(g_cb_calls, 2);
  CHECK_INT_EQ(calls, 2);
  CHECK_INT_EQ(g_cb_code, ERR_INVALID_PARA);
  tmq_commit_async(NULL, NULL, NULL, NULL); /* no callback: nothing to call */

  /* Message accessors on NULL. */
  CHECK_INT_EQ(tmq_get_res_type(NULL), TMQ_RES_INVALID);
  CHECK_NULL(tmq_get_topic_name(NULL));
  CHECK_NULL(tmq_get_db_name(NULL));
  CHECK_NULL(tmq_get_table_name(NULL));
  CHECK_INT_EQ(tmq_get_vgroup_id(NULL), ERR_INVALID_PARA);
  CHECK_INT_EQ(tmq_get_vgroup_offset(NULL), ERR_INVALID_PARA);
  tmq_raw_data raw = {0};
  CHECK_INT_EQ(tmq_get_raw(NULL, &raw), ERR_INVALID_PARA);
  CHECK_NULL(raw.raw);
  tmq_free_raw(raw);
  CHECK_NULL(tmq_get_json_meta(NULL));
  tmq_free_json_meta(NULL);
  CHECK_STR_EQ(tmq_err2str(0), "success");
  CHECK_STR_EQ(tmq_err2str(-1), "fail");
  const char *s = tmq_err2str(ERR_TOPIC_NOT_EXIST);
  CHECK(s != NULL && s[0] != 0);
}

static void subscribe_rules(void) {
  static tmq_tracker tr;
  tmq_opts o = {.group = "ge", .reset = "earliest"};
  tmq_t *c = tmq_new(&o);
  if (c == NULL) return;

  /* Unsubscribe before any subscribe: nothing to do, success (native). */
  CHECK_INT_EQ(tmq_unsubscribe(c), 0);
  /* Poll before any subscribe: refused at once with TMQ_INVALID_STATUS. */
  double t0 = test_now_sec();
  CHECK_NULL(tmq_consumer_poll(c, 1000));
  CHECK_INT_EQ(taos_errno(NULL), ERR_TMQ_INVALID_STATUS);
  CHECK(test_now_sec() - t0 < 0.5);

  /* Unknown topic: MND_TOPIC_NOT_EXIST; still not subscribed afterwards. */
  int rc = tmq_sub1(c, "no_such_topic_e");
  CHECK_INT_EQ(rc, ERR_TOPIC_NOT_EXIST);
  const char *s = tmq_err2str(rc);
  CHECK(s != NULL && s[0] != 0 && strcmp(s, "success") != 0);
  CHECK_NULL(tmq_consumer_poll(c, 100));
  CHECK_INT_EQ(taos_errno(NULL), ERR_TMQ_INVALID_STATUS);
  CHECK_INT_EQ(tmq_subscribe(c, NULL), ERR_INVALID_PARA);
  CHECK_INT_EQ(tmq_subscription(c, NULL), ERR_INVALID_PARA);
  CHECK_INT_EQ(tmq_committed(c, NULL, 2), ERR_INVALID_PARA);
  CHECK_INT_EQ(tmq_position(c, NULL, 2), ERR_INVALID_PARA);
  CHECK_INT_EQ(tmq_offset_seek(c, NULL, 2, 0), ERR_INVALID_PARA);
  CHECK_INT_EQ(tmq_commit_offset_sync(c, NULL, 2, 0), ERR_INVALID_PARA);
  int32_t n = 0;
  CHECK_INT_EQ(tmq_get_topic_assignment(c, g_topic, NULL, &n), ERR_INVALID_PARA);

  /* Subscribe, then the same list again: success and nothing changes. */
  CHECK_INT_EQ(tmq_sub1(c, g_topic), 0);
  CHECK_INT_EQ(tmq_sub1(c, g_topic), 0);
  tmq_list_t *subs = NULL;
  CHECK_INT_EQ(tmq_subscription(c, &subs), 0);
  CHECK_INT_EQ(tmq_list_get_size(subs), 1);
  tmq_list_destroy(subs);
  tmq_tracker_init(&tr, TABLES, 2048);
  tmq_drain(c, &tr, 300, 60);
  CHECK_INT_EQ(tr.rows, (long)TABLES * R);
  tmq_expect(&tr, 0, TABLES, 0, R, 1, "first topic");

  /* A result that is not a TMQ message cannot be committed, nor read as one. */
  TAOS_RES *q = taos_query(g_taos, "select server_version()");
  CHECK_INT_EQ(taos_errno(q), 0);
  CHECK_INT_EQ(tmq_commit_sync(c, q), ERR_TMQ_INVALID_MSG);
  CHECK_INT_EQ(tmq_get_res_type(q), TMQ_RES_INVALID);
  CHECK_NULL(tmq_get_topic_name(q));
  CHECK_INT_EQ(tmq_get_vgroup_id(q), ERR_INVALID_PARA);
  taos_free_result(q);

  /* A new list replaces the subscription; the kept topic resumes where it was. */
  tmq_list_t *two = tmq_list_new();
  tmq_list_append(two, g_topic);
  tmq_list_append(two, g_topic2);
  CHECK_INT_EQ(tmq_subscribe(c, two), 0);
  tmq_list_destroy(two);
  subs = NULL;
  CHECK_INT_EQ(tmq_subscription(c, &subs), 0);
  CHECK_INT_EQ(tmq_list_get_size(subs), 2);
  tmq_list_destroy(subs);
  long rows1 = 0, rows2 = 0;
  for (;;) {
    TAOS_RES *m = tmq_consumer_poll(c, 300);
    if (m == NULL) break;
    long k = 0;
    while (taos_fetch_row(m) != NULL) k++;
    if (strcmp(tmq_get_topic_name(m), g_topic2) == 0) {
      rows2 += k;
    } else {
      CHECK_STR_EQ(tmq_get_topic_name(m), g_topic);
      rows1 += k;
    }
    taos_free_result(m);
  }
  CHECK_INT_EQ(rows1, 0);
  CHECK_INT_EQ(rows2, R); /* topic2 is table c0 only */

  /* A failing new list leaves the old subscription (and positions) in place. */
  tmq_list_t *bad = tmq_list_new();
  tmq_list_append(bad, "no_such_topic_e");
  CHECK_INT_EQ(tmq_subscribe(c, bad), ERR_TOPIC_NOT_EXIST);
  tmq_list_destroy(bad);
  subs = NULL;
  CHECK_INT_EQ(tmq_subscription(c, &subs), 0);
  CHECK_INT_EQ(tmq_list_get_size(subs), 2);
  tmq_list_destroy(subs);
  tmq_insert(g_taos, g_db, 1, 2, R, R + 1);
  tmq_tracker_init(&tr, TABLES, 2048);
  tmq_drain(c, &tr, 300, 60);
  CHECK_INT_EQ(tr.rows, 1);
  tmq_expect(&tr, 1, 2, R, R + 1, 1, "new row after failed resubscribe");

  /* After unsubscribe a poll waits its timeout and returns nothing, without an error. */
  CHECK_INT_EQ(tmq_unsubscribe(c), 0);
  CHECK_INT_EQ(tmq_unsubscribe(c), 0); /* again: nothing to do */
  t0 = test_now_sec();
  CHECK_NULL(tmq_consumer_poll(c, 200));
  double el = test_now_sec() - t0;
  CHECK_INT_EQ(taos_errno(NULL), 0);
  CHECK_MSG(el >= 0.15 && el < 2.0, "poll(200) after unsubscribe took %.3f s", el);
  subs = NULL;
  CHECK_INT_EQ(tmq_subscription(c, &subs), 0);
  CHECK_INT_EQ(tmq_list_get_size(subs), 0);
  tmq_list_destroy(subs);
  CHECK_INT_EQ(tmq_consumer_close(c), 0);
}

/* taos_errno/taos_errstr of a TMQ meta message answer the thread's last error (native
 * clientMain.c); a data message always reports success. */
static void meta_message_errstr(void) {
  char topic[128], sql[256];
  snprintf(topic, sizeof topic, "%s_meta", g_db);
  snprintf(sql, sizeof sql, "create topic %s with meta as database %s", topic, g_db);
  EXEC_OK(g_taos, sql);
  tmq_opts o = {.group = "gm", .reset = "earliest"};
  tmq_t *c = tmq_new(&o);
  if (c == NULL) return;
  CHECK_INT_EQ(tmq_sub1(c, topic), 0);
  int metas = 0, datas = 0;
  for (int i = 0; i < 200 && (metas == 0 || datas == 0); i++) {
    TAOS_RES *m = tmq_consumer_poll(c, 300);
    if (m == NULL) break;
    tmq_res_t ty = tmq_get_res_type(m);
    CHECK_INT_EQ(tmq_get_raw(m, NULL), ERR_INVALID_PARA);
    CHECK_INT_EQ(taos_errno(NULL), ERR_INVALID_PARA);
    if (ty == TMQ_RES_TABLE_META) {
      metas++;
      CHECK_INT_EQ(taos_errno(m), ERR_INVALID_PARA);
      const char *e = taos_errstr(m);
      CHECK(e != NULL && strcmp(e, "success") != 0);
      CHECK_STR_EQ(e, taos_errstr(NULL));
    } else {
      datas++;
      CHECK_INT_EQ(taos_errno(m), 0);
      CHECK_STR_EQ(taos_errstr(m), "success");
    }
    taos_free_result(m);
  }
  CHECK_MSG(metas > 0 && datas > 0, "meta messages %d, data messages %d", metas, datas);
  CHECK_INT_EQ(tmq_consumer_close(c), 0);
  snprintf(sql, sizeof sql, "drop topic %s", topic);
  EXEC_OK(g_taos, sql);
}

int main(void) {
  R = (int)test_scaled(100, 10);
  g_taos = test_connect(NULL);
  CHECK_NOT_NULL(g_taos);
  if (g_taos == NULL) return test_finish("tmq_errors");
  test_db_name(g_db, sizeof g_db, "tmqe");
  tmq_setup(g_taos, g_db, TABLES, g_topic, sizeof g_topic);
  snprintf(g_topic2, sizeof g_topic2, "%s_c0", g_db);
  char sql[256];
  snprintf(sql, sizeof sql, "create topic %s as select ts, v from %s.c0", g_topic2, g_db);
  EXEC_OK(g_taos, sql);
  tmq_insert(g_taos, g_db, 0, TABLES, 0, R);

  conf_errors();
  null_everywhere();
  subscribe_rules();
  meta_message_errstr();

  snprintf(sql, sizeof sql, "drop topic %s", g_topic2);
  EXEC_OK(g_taos, sql);
  tmq_teardown(g_taos, g_db, g_topic);
  taos_close(g_taos);
  return test_finish("tmq_errors");
}
