/* TMQ delivery guarantees through the C API against the suite's dev server:
 *  1. N rows across child tables arrive exactly once, each table in timestamp order, from
 *     one vgroup, with growing message offsets;
 *  2. commit, close, reopen in the same group: only the newer rows arrive;
 *  3. two consumers of one group share the vgroups without overlap; after one closes, the
 *     other takes its vgroup from the committed offset (uncommitted rows come again);
 *  4. auto-commit (enable.auto.commit, small auto.commit.interval.ms): the callback runs on
 *     a library thread with code 0 and the offsets end up committed (checked by tmq_committed
 *     and by reopening). */
#include <pthread.h>

#include "tmq_util.h"

#define TABLES 6

static TAOS *g_taos;
static char g_db[64], g_topic[96];
static int R; /* rows per table in the first batch */

/* 1 + 2: exactly once, then commit / close / reopen. */
static void exactly_once_and_reopen(void) {
  static tmq_tracker tr;
  tmq_opts o = {.group = "g1", .reset = "earliest"};
  tmq_t *a = tmq_new(&o);
  if (a == NULL) return;
  CHECK_INT_EQ(tmq_sub1(a, g_topic), 0);
  tmq_tracker_init(&tr, TABLES, 2048);
  tmq_drain(a, &tr, 500, 60);
  CHECK_INT_EQ(tr.rows, (long)TABLES * R);
  CHECK_INT_EQ(tr.bad, 0);
  tmq_expect(&tr, 0, TABLES, 0, R, 1, "first read");
  /* Both vgroups carried data, and the assignment knows them. */
  tmq_topic_assignment as[8];
  int n = tmq_assign(a, g_topic, as, 8);
  CHECK_INT_EQ(n, 2);
  for (int k = 0; k < n; k++) {
    CHECK(tr.last_off[as[k].vgId] >= as[k].begin);
    /* Everything read: the position is the end of the vgroup. */
    CHECK_INT_EQ(as[k].currentOffset, as[k].end);
    CHECK_INT_EQ(tmq_position(a, g_topic, as[k].vgId), as[k].end);
    CHECK_INT_EQ(tmq_committed(a, g_topic, as[k].vgId), TMQ_NO_COMMITTED);
  }
  CHECK_INT_EQ(tmq_commit_sync(a, NULL), 0);
  for (int k = 0; k < n; k++) CHECK_INT_EQ(tmq_committed(a, g_topic, as[k].vgId), as[k].end);

  /* Newer rows for half of the tables while the consumer is closed. */
  CHECK_INT_EQ(tmq_consumer_close(a), 0);
  int R2 = R / 2;
  tmq_insert(g_taos, g_db, 0, TABLES / 2, R, R + R2);
  tmq_t *b = tmq_new(&o);
  if (b == NULL) return;
  CHECK_INT_EQ(tmq_sub1(b, g_topic), 0);
  for (int k = 0; k < n; k++) CHECK_INT_EQ(tmq_committed(b, g_topic, as[k].vgId), as[k].end);
  tmq_tracker_init(&tr, TABLES, 2048);
  tmq_drain(b, &tr, 500, 60);
  CHECK_INT_EQ(tr.rows, (long)(TABLES / 2) * R2);
  CHECK_INT_EQ(tr.bad, 0);
  tmq_expect(&tr, 0, TABLES / 2, R, R + R2, 1, "after reopen");
  tmq_expect(&tr, 0, TABLES, 0, R, 0, "old rows after reopen");
  CHECK_INT_EQ(tmq_commit_sync(b, NULL), 0);
  CHECK_INT_EQ(tmq_consumer_close(b), 0);
}

/* 3: two consumers of one group (interleaved polls in this thread). */
static void two_consumers_share(void) {
  static tmq_tracker ta, tb, all;
  tmq_opts o = {.group = "g2", .reset = "earliest"};
  tmq_t *a = tmq_new(&o), *b = tmq_new(&o);
  if (a == NULL || b == NULL) return;
  CHECK_INT_EQ(tmq_sub1(a, g_topic), 0);
  CHECK_INT_EQ(tmq_sub1(b, g_topic), 0);
  tmq_topic_assignment asa[8], asb[8];
  int na = tmq_assign(a, g_topic, asa, 8), nb = tmq_assign(b, g_topic, asb, 8);
  CHECK_INT_EQ(na, 1);
  CHECK_INT_EQ(nb, 1);
  if (na != 1 || nb != 1) return;
  int vga = asa[0].vgId, vgb = asb[0].vgId;
  CHECK(vga != vgb);
  tmq_tracker_init(&ta, TABLES, 2048);
  tmq_tracker_init(&tb, TABLES, 2048);
  int idle = 0;
  double t0 = test_now_sec();
  while (idle < 2 && test_now_sec() - t0 < 60) {
    int got = 0;
    TAOS_RES *m = tmq_consumer_poll(a, 200);
    if (m) {
      CHECK_INT_EQ(tmq_get_vgroup_id(m), vga);
      tmq_take(&ta, m);
      taos_free_result(m);
      got = 1;
    }
    m = tmq_consumer_poll(b, 200);
    if (m) {
      CHECK_INT_EQ(tmq_get_vgroup_id(m), vgb);
      tmq_take(&tb, m);
      taos_free_result(m);
      got = 1;
    }
    idle = got ? 0 : idle + 1;
  }
  CHECK_INT_EQ(ta.bad + tb.bad, 0);
  int rows_all = R + R / 2; /* what tables 0..TABLES/2-1 hold now */
  /* Union: every row exactly once; no table read by both. */
  tmq_tracker_init(&all, TABLES, 2048);
  int a_tables = 0;
  for (int t = 0; t < TABLES; t++) {
    CHECK_MSG(!(ta.vg_of[t] && tb.vg_of[t]), "table c%d read by both consumers", t);
    if (ta.vg_of[t]) a_tables++;
    for (int i = 0; i < 2048; i++) all.seen[t][i] = ta.seen[t][i] + tb.seen[t][i];
  }
  CHECK(a_tables > 0 && a_tables < TABLES);
  tmq_expect(&all, 0, TABLES / 2, 0, rows_all, 1, "group union (long tables)");
  tmq_expect(&all, TABLES / 2, TABLES, 0, R, 1, "group union (short tables)");
  CHECK_INT_EQ(ta.rows + tb.rows, (long)(TABLES / 2) * rows_all + (long)(TABLES - TABLES / 2) * R);

  /* a commits, then reads newer rows without committing them, and closes: b must take a's
   * vgroup from a's committed offset, so those rows come again (once), older ones do not. */
  CHECK_INT_EQ(tmq_commit_sync(a, NULL), 0);
  CHECK_INT_EQ(tmq_committed(a, g_topic, vga), tmq_position(a, g_topic, vga));
  int from = 1000, to = 1000 + R / 4 + 1;
  tmq_insert(g_taos, g_db, 0, TABLES, from, to);
  tmq_tracker_init(&ta, TABLES, 2048);
  tmq_drain(a, &ta, 300, 60);
  long a_new = ta.rows;
  CHECK_INT_EQ(a_new, (long)a_tables * (to - from));
  CHECK_INT_EQ(tmq_consumer_close(a), 0);
  /* The server hands a's vgroup to b once it has noticed the close. */
  int nb2 = 0;
  for (int i = 0; i < 100 && nb2 != 2; i++) {
    nb2 = tmq_assign(b, g_topic, asb, 8);
    if (nb2 != 2) usleep(20000);
  }
  CHECK_INT_EQ(nb2, 2);
  CHECK_INT_EQ(tmq_committed(b, g_topic, vga), tmq_position(b, g_topic, vga));
  tmq_tracker_init(&tb, TABLES, 2048);
  tmq_drain(b, &tb, 300, 60);
  CHECK_INT_EQ(tb.bad, 0);
  CHECK_INT_EQ(tb.rows, (long)TABLES * (to - from));
  tmq_expect(&tb, 0, TABLES, from, to, 1, "b after a closed");
  tmq_expect(&tb, 0, TABLES, 0, rows_all, 0, "b re-reading committed rows");
  CHECK_INT_EQ(tmq_consumer_close(b), 0);
}

/* 4: auto-commit with its callback. */
static pthread_t g_main_thread;
static volatile int g_cb_calls, g_cb_bad_code, g_cb_on_main, g_cb_bad_tmq;
static tmq_t *volatile g_auto_tmq;

static void auto_cb(tmq_t *tmq, int32_t code, void *param) {
  if (code != 0) g_cb_bad_code = code;
  if (pthread_equal(pthread_self(), g_main_thread)) g_cb_on_main = 1;
  if (tmq != g_auto_tmq || param != (void *)&g_cb_calls) g_cb_bad_tmq = 1;
  __sync_fetch_and_add(&g_cb_calls, 1);
}

static void auto_commit(void) {
  static tmq_tracker tr;
  tmq_opts o = {.group = "g3", .reset = "earliest", .auto_commit = "true", .interval_ms = "100", .cb = auto_cb,
                .cb_param = (void *)&g_cb_calls};
  tmq_t *a = tmq_new(&o);
  if (a == NULL) return;
  g_auto_tmq = a;
  CHECK_INT_EQ(tmq_sub1(a, g_topic), 0);
  tmq_tracker_init(&tr, TABLES, 2048);
  tmq_drain(a, &tr, 300, 60);
  CHECK_INT_EQ(tr.bad, 0);
  CHECK(tr.rows > 0);
  tmq_topic_assignment as[8];
  int n = tmq_assign(a, g_topic, as, 8);
  CHECK_INT_EQ(n, 2);
  /* The interval has passed: the next poll commits first (native: the commit timer's task
   * runs inside poll). */
  usleep(250000);
  CHECK_NULL(tmq_consumer_poll(a, 100));
  for (int i = 0; i < 200 && g_cb_calls == 0; i++) usleep(10000);
  CHECK_MSG(g_cb_calls >= 1, "auto-commit callback calls: %d", g_cb_calls);
  CHECK_INT_EQ(g_cb_bad_code, 0);
  CHECK_INT_EQ(g_cb_on_main, 0);
  CHECK_INT_EQ(g_cb_bad_tmq, 0);
  for (int k = 0; k < n; k++) CHECK_INT_EQ(tmq_committed(a, g_topic, as[k].vgId), as[k].end);
  CHECK_INT_EQ(tmq_consumer_close(a), 0);
  usleep(100000);
  g_auto_tmq = NULL;

  /* Reopen in the same group: everything was committed, nothing comes again. */
  tmq_opts o2 = {.group = "g3", .reset = "earliest"};
  tmq_t *b = tmq_new(&o2);
  if (b == NULL) return;
  CHECK_INT_EQ(tmq_sub1(b, g_topic), 0);
  tmq_tracker_init(&tr, TABLES, 2048);
  tmq_drain(b, &tr, 300, 10);
  CHECK_INT_EQ(tr.rows, 0);
  CHECK_INT_EQ(tmq_consumer_close(b), 0);
}

int main(void) {
  g_main_thread = pthread_self();
  R = (int)test_scaled(400, 40);
  g_taos = test_connect(NULL);
  CHECK_NOT_NULL(g_taos);
  if (g_taos == NULL) return test_finish("tmq_group");
  test_db_name(g_db, sizeof g_db, "tmqg");
  tmq_setup(g_taos, g_db, TABLES, g_topic, sizeof g_topic);
  tmq_insert(g_taos, g_db, 0, TABLES, 0, R);

  exactly_once_and_reopen();
  two_consumers_share();
  auto_commit();

  tmq_teardown(g_taos, g_db, g_topic);
  taos_close(g_taos);
  return test_finish("tmq_group");
}
