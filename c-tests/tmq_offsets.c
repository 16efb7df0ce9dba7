/* TMQ offsets through the C API against the suite's dev server: tmq_get_topic_assignment
 * (begin / end / current per vgroup), tmq_committed / tmq_position before and after reading,
 * tmq_offset_seek back (the vgroup's rows come again, exactly once) and to the end,
 * tmq_commit_offset_sync / _async and what a reopened consumer then reads, the error codes
 * of bad seeks (TDengine's: VERSION_OUT_OF_RANGE, INVALID_VGID, INVALID_TOPIC), and
 * auto.offset.reset=none (TDengine 3.3: nothing is read from a vgroup without a committed
 * offset, the poll is not an error; a commit starts it). */
#include "tmq_util.h"

#define TABLES 4
#define ERR_VERSION_OUT_OF_RANGE ((int32_t)0x80004007)
#define ERR_INVALID_VGID ((int32_t)0x80004008)
#define ERR_INVALID_TOPIC ((int32_t)0x80004009)

static TAOS *g_taos;
static char g_db[64], g_topic[96];
static int R;

static volatile int g_cb_calls = 0, g_cb_code = -1;
static void offset_cb(tmq_t *tmq, int32_t code, void *param) {
  (void)tmq;
  (void)param;
  g_cb_code = code;
  __sync_fetch_and_add(&g_cb_calls, 1);
}

/* Index of vgroup `vg` in as[0..n), or -1. */
static int find_vg(const tmq_topic_assignment *as, int n, int vg) {
  for (int k = 0; k < n; k++)
    if (as[k].vgId == vg) return k;
  return -1;
}

/* Number of rows the tables of vgroup `vg` hold (tables learnt in `tr`). */
static long rows_of_vg(const tmq_tracker *tr, int vg) {
  long n = 0;
  for (int t = 0; t < TABLES; t++)
    if (tr->vg_of[t] == vg) n += R;
  return n;
}

static void seek_and_commit(void) {
  static tmq_tracker tr, again;
  tmq_opts o = {.group = "go", .reset = "earliest"};
  tmq_t *c = tmq_new(&o);
  if (c == NULL) return;
  CHECK_INT_EQ(tmq_sub1(c, g_topic), 0);

  /* Before reading: every vgroup at its beginning, nothing committed. */
  tmq_topic_assignment as[8];
  int n = tmq_assign(c, g_topic, as, 8);
  CHECK_INT_EQ(n, 2);
  if (n != 2) return;
  for (int k = 0; k < n; k++) {
    CHECK(as[k].vgId > 0);
    CHECK(as[k].begin >= 0);
    CHECK_INT_EQ(as[k].currentOffset, as[k].begin);
    CHECK(as[k].end > as[k].begin);
    CHECK_INT_EQ(tmq_committed(c, g_topic, as[k].vgId), TMQ_NO_COMMITTED);
    CHECK_INT_EQ(tmq_position(c, g_topic, as[k].vgId), as[k].begin);
  }
  CHECK(as[0].vgId != as[1].vgId);

  tmq_tracker_init(&tr, TABLES, 2048);
  tmq_drain(c, &tr, 300, 60);
  CHECK_INT_EQ(tr.rows, (long)TABLES * R);
  CHECK_INT_EQ(tr.bad, 0);
  tmq_expect(&tr, 0, TABLES, 0, R, 1, "first read");
  int x = tr.vg_of[0];
  int kx = find_vg(as, n, x), ky = 1 - kx;
  CHECK(kx >= 0);
  if (kx < 0) return;
  int y = as[ky].vgId;
  CHECK_INT_EQ(rows_of_vg(&tr, x) + rows_of_vg(&tr, y), (long)TABLES * R);

  /* After reading: positions at the end; the assignment agrees. */
  tmq_topic_assignment now[8];
  CHECK_INT_EQ(tmq_assign(c, g_topic, now, 8), 2);
  for (int k = 0; k < 2; k++) {
    int j = find_vg(as, n, now[k].vgId);
    CHECK(j >= 0);
    if (j < 0) continue;
    CHECK_INT_EQ(now[k].begin, as[j].begin);
    CHECK_INT_EQ(now[k].end, as[j].end);
    CHECK_INT_EQ(now[k].currentOffset, as[j].end);
    CHECK_INT_EQ(tmq_position(c, g_topic, now[k].vgId), as[j].end);
  }

  /* Seek x back to its beginning: exactly x's rows come again, first message at begin. */
  CHECK_INT_EQ(tmq_offset_seek(c, g_topic, x, as[kx].begin), 0);
  CHECK_INT_EQ(tmq_position(c, g_topic, x), as[kx].begin);
  CHECK_INT_EQ(tmq_position(c, g_topic, y), as[ky].end);
  tmq_tracker_init(&again, TABLES, 2048);
  TAOS_RES *m = tmq_consumer_poll(c, 1000);
  CHECK_NOT_NULL(m);
  if (m) {
    CHECK_INT_EQ(tmq_get_vgroup_id(m), x);
    CHECK_INT_EQ(tmq_get_vgroup_offset(m), as[kx].begin);
    tmq_take(&again, m);
    taos_free_result(m);
  }
  tmq_drain(c, &again, 300, 60);
  CHECK_INT_EQ(again.bad, 0);
  CHECK_INT_EQ(again.rows, rows_of_vg(&tr, x));
  for (int t = 0; t < TABLES; t++) tmq_expect(&again, t, t + 1, 0, R, tr.vg_of[t] == x ? 1 : 0, "after seek");
  CHECK_INT_EQ(tmq_position(c, g_topic, x), as[kx].end);

  /* Seek to the end: nothing comes. */
  CHECK_INT_EQ(tmq_offset_seek(c, g_topic, y, as[ky].end), 0);
  CHECK_INT_EQ(tmq_position(c, g_topic, y), as[ky].end);
  CHECK_NULL(tmq_consumer_poll(c, 200));

  /* Bad seeks: TDengine's codes. */
  CHECK_INT_EQ(tmq_offset_seek(c, g_topic, x, as[kx].end + 1), ERR_VERSION_OUT_OF_RANGE);
  CHECK_INT_EQ(tmq_offset_seek(c, g_topic, x, -5), ERR_VERSION_OUT_OF_RANGE);
  CHECK_INT_EQ(tmq_offset_seek(c, g_topic, 999, 0), ERR_INVALID_VGID);
  CHECK_INT_EQ(tmq_offset_seek(c, "no_such_topic_o", x, 0), ERR_INVALID_TOPIC);
  CHECK_INT_EQ(tmq_position(c, g_topic, 999), ERR_INVALID_VGID);
  CHECK_INT_EQ(tmq_committed(c, g_topic, 999), ERR_INVALID_VGID);
  CHECK_INT_EQ(tmq_committed(c, "no_such_topic_o", x), ERR_INVALID_TOPIC);
  CHECK_INT_EQ(tmq_commit_offset_sync(c, g_topic, x, as[kx].end + 1), ERR_VERSION_OUT_OF_RANGE);
  CHECK_INT_EQ(tmq_commit_offset_sync(c, g_topic, 999, 0), ERR_INVALID_VGID);
  tmq_topic_assignment *bad = (tmq_topic_assignment *)8;
  int32_t nbad = 7;
  CHECK_INT_EQ(tmq_get_topic_assignment(c, "no_such_topic_o", &bad, &nbad), ERR_INVALID_TOPIC);
  CHECK_NULL(bad);
  CHECK_INT_EQ(nbad, 0);
  /* The failed calls left the positions alone. */
  CHECK_INT_EQ(tmq_position(c, g_topic, x), as[kx].end);

  /* commit_offset: x at its beginning (sync), then at its end (async, callback once). */
  CHECK_INT_EQ(tmq_commit_offset_sync(c, g_topic, x, as[kx].begin), 0);
  CHECK_INT_EQ(tmq_committed(c, g_topic, x), as[kx].begin);
  CHECK_INT_EQ(tmq_committed(c, g_topic, y), TMQ_NO_COMMITTED);
  tmq_commit_offset_async(c, g_topic, x, as[kx].end, offset_cb, NULL);
  for (int i = 0; i < 300 && g_cb_calls == 0; i++) usleep(10000);
  usleep(50000);
  CHECK_INT_EQ(g_cb_calls, 1);
  CHECK_INT_EQ(g_cb_code, 0);
  CHECK_INT_EQ(tmq_committed(c, g_topic, x), as[kx].end);
  CHECK_INT_EQ(tmq_consumer_close(c), 0);

  /* Reopen: x resumes at its committed end (nothing), y has no commit and starts at the
   * earliest (all its rows). */
  tmq_t *d = tmq_new(&o);
  if (d == NULL) return;
  CHECK_INT_EQ(tmq_sub1(d, g_topic), 0);
  CHECK_INT_EQ(tmq_committed(d, g_topic, x), as[kx].end);
  CHECK_INT_EQ(tmq_committed(d, g_topic, y), TMQ_NO_COMMITTED);
  CHECK_INT_EQ(tmq_position(d, g_topic, x), as[kx].end);
  tmq_tracker_init(&again, TABLES, 2048);
  tmq_drain(d, &again, 300, 60);
  CHECK_INT_EQ(again.bad, 0);
  CHECK_INT_EQ(again.rows, rows_of_vg(&tr, y));
  for (int t = 0; t < TABLES; t++) tmq_expect(&again, t, t + 1, 0, R, tr.vg_of[t] == y ? 1 : 0, "after reopen");
  CHECK_INT_EQ(tmq_consumer_close(d), 0);
}

/* auto.offset.reset=none: a vgroup without a committed offset is not read; no error. */
static void reset_none(void) {
  static tmq_tracker tr;
  tmq_opts o = {.group = "gnone", .reset = "none"};
  tmq_t *c = tmq_new(&o);
  if (c == NULL) return;
  CHECK_INT_EQ(tmq_sub1(c, g_topic), 0);
  CHECK_NULL(tmq_consumer_poll(c, 300));
  CHECK_INT_EQ(taos_errno(NULL), 0);
  tmq_topic_assignment as[8];
  int n = tmq_assign(c, g_topic, as, 8);
  CHECK_INT_EQ(n, 2);
  for (int k = 0; k < n; k++) {
    CHECK_INT_EQ(as[k].currentOffset, TMQ_NO_COMMITTED);
    CHECK_INT_EQ(tmq_position(c, g_topic, as[k].vgId), TMQ_NO_COMMITTED);
    CHECK_INT_EQ(tmq_committed(c, g_topic, as[k].vgId), TMQ_NO_COMMITTED);
  }
  if (n != 2) return;
  /* Committing the first vgroup's beginning starts that vgroup only. */
  CHECK_INT_EQ(tmq_commit_offset_sync(c, g_topic, as[0].vgId, as[0].begin), 0);
  tmq_tracker_init(&tr, TABLES, 2048);
  tmq_drain(c, &tr, 300, 60);
  CHECK_INT_EQ(tr.bad, 0);
  CHECK(tr.rows > 0);
  long expect = 0;
  for (int t = 0; t < TABLES; t++) {
    if (tr.vg_of[t] != 0) {
      CHECK_INT_EQ(tr.vg_of[t], as[0].vgId);
      expect += R;
      tmq_expect(&tr, t, t + 1, 0, R, 1, "reset=none after commit");
    }
  }
  CHECK_INT_EQ(tr.rows, expect);
  CHECK_INT_EQ(tmq_position(c, g_topic, as[1].vgId), TMQ_NO_COMMITTED);
  CHECK_INT_EQ(tmq_consumer_close(c), 0);
}

int main(void) {
  R = (int)test_scaled(300, 30);
  g_taos = test_connect(NULL);
  CHECK_NOT_NULL(g_taos);
  if (g_taos == NULL) return test_finish("tmq_offsets");
  test_db_name(g_db, sizeof g_db, "tmqo");
  tmq_setup(g_taos, g_db, TABLES, g_topic, sizeof g_topic);
  tmq_insert(g_taos, g_db, 0, TABLES, 0, R);

  seek_and_commit();
  reset_none();

  tmq_teardown(g_taos, g_db, g_topic);
  taos_close(g_taos);
  return test_finish("tmq_offsets");
}
