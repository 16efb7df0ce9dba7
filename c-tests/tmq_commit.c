/* Native commit semantics of tmq_commit_sync / tmq_commit_async with a message: only that
 * message's vgroup is committed, at the position right after the message (TDengine's
 * asyncCommitFromResult commits the message's rspOffset for its topic/vgroup). Progress on
 * other vgroups polled later is not committed; a NULL message commits every position.
 *  1. poll A (vgroup X) then B (vgroup Y), commit A only: committed(X) = position after A,
 *     Y stays uncommitted; reopen in the group: B's rows (and the rest) come again, A's not;
 *  2. the same with tmq_commit_async on B (callback once, code 0): only Y is committed;
 *  3. commit A after polling a later message of the same vgroup: committed = end of A;
 *     then NULL commits every position. */

#include "tmq_util.h"

#define TABLES 6

static TAOS *g_taos;
static char g_db[64], g_topic[96];
static int R; /* rows per table */

/* The rows a message carried: seen[t][i] marks (table t, row i). */
typedef struct {
  tmq_tracker tr;
  int vg;
  int64_t pos_after; /* tmq_position of its vgroup right after the poll */
} polled;

/* Polls until a data message arrives; its rows go to p->tr. Returns the message (kept). */
static TAOS_RES *poll_one(tmq_t *tmq, polled *p) {
  tmq_tracker_init(&p->tr, TABLES, 2048);
  TAOS_RES *msg = NULL;
  for (int tries = 0; tries < 20 && msg == NULL; tries++) msg = tmq_consumer_poll(tmq, 500);
  CHECK_NOT_NULL(msg);
  if (msg == NULL) return NULL;
  p->vg = tmq_get_vgroup_id(msg);
  p->pos_after = tmq_position(tmq, g_topic, p->vg);
  CHECK_MSG(p->pos_after > tmq_get_vgroup_offset(msg), "position %lld after a message at %lld",
            (long long)p->pos_after, (long long)tmq_get_vgroup_offset(msg));
  tmq_take(&p->tr, msg);
  CHECK(p->tr.rows > 0);
  return msg;
}

/* Polls messages into `first` until one comes from a vgroup other than first->vg. */
static TAOS_RES *poll_other_vgroup(tmq_t *tmq, const polled *first, polled *other) {
  for (int k = 0; k < 50; k++) {
    TAOS_RES *m = poll_one(tmq, other);
    if (m == NULL) return NULL;
    if (other->vg != first->vg) return m;
    taos_free_result(m);
  }
  CHECK_MSG(0, "no message from a second vgroup");
  return NULL;
}

/* Reopens in `group`, drains, and checks every row arrives once except those of `skip`. */
static void expect_after_reopen(const char *group, const polled *skip, const char *what) {
  static tmq_tracker tr;
  tmq_opts o = {.group = group, .reset = "earliest"};
  tmq_t *b = tmq_new(&o);
  if (b == NULL) return;
  CHECK_INT_EQ(tmq_sub1(b, g_topic), 0);
  tmq_tracker_init(&tr, TABLES, 2048);
  tmq_drain(b, &tr, 500, 60);
  CHECK_INT_EQ(tr.bad, 0);
  CHECK_INT_EQ(tr.rows, (long)TABLES * R - skip->tr.rows);
  int wrong = 0;
  for (int t = 0; t < TABLES; t++)
    for (int i = 0; i < R; i++) {
      int want = skip->tr.seen[t][i] ? 0 : 1;
      if (tr.seen[t][i] != want && wrong++ < 5)
        fprintf(stderr, "  %s: c%d row %d seen %d times, expected %d\n", what, t, i, tr.seen[t][i], want);
    }
  CHECK_MSG(wrong == 0, "%s: %d rows wrong", what, wrong);
  CHECK_INT_EQ(tmq_consumer_close(b), 0);
}

/* 1: commit the first of two messages from different vgroups. */
static void commit_first_only(void) {
  static polled a, b;
  tmq_opts o = {.group = "gc1", .reset = "earliest"};
  tmq_t *c = tmq_new(&o);
  if (c == NULL) return;
  CHECK_INT_EQ(tmq_sub1(c, g_topic), 0);
  TAOS_RES *ma = poll_one(c, &a);
  TAOS_RES *mb = ma ? poll_other_vgroup(c, &a, &b) : NULL;
  if (ma == NULL || mb == NULL) {
    taos_free_result(ma);
    taos_free_result(mb);
    tmq_consumer_close(c);
    return;
  }
  CHECK_INT_EQ(tmq_commit_sync(c, ma), 0);
  CHECK_INT_EQ(tmq_committed(c, g_topic, a.vg), a.pos_after);
  CHECK_INT_EQ(tmq_committed(c, g_topic, b.vg), TMQ_NO_COMMITTED);
  /* Committing the same message again is fine (native: same committed value = success). */
  CHECK_INT_EQ(tmq_commit_sync(c, ma), 0);
  CHECK_INT_EQ(tmq_committed(c, g_topic, b.vg), TMQ_NO_COMMITTED);
  taos_free_result(ma);
  taos_free_result(mb);
  CHECK_INT_EQ(tmq_consumer_close(c), 0);
  expect_after_reopen("gc1", &a, "after committing A only");
}

static void count_cb(tmq_t *tmq, int32_t code, void *param) {
  (void)tmq;
  int *p = param;
  p[0]++;
  p[1] = code;
}

/* 2: async commit of the second message: only its vgroup. */
static void commit_async_second_only(void) {
  static polled a, b;
  tmq_opts o = {.group = "gc2", .reset = "earliest"};
  tmq_t *c = tmq_new(&o);
  if (c == NULL) return;
  CHECK_INT_EQ(tmq_sub1(c, g_topic), 0);
  TAOS_RES *ma = poll_one(c, &a);
  TAOS_RES *mb = ma ? poll_other_vgroup(c, &a, &b) : NULL;
  if (ma == NULL || mb == NULL) {
    taos_free_result(ma);
    taos_free_result(mb);
    tmq_consumer_close(c);
    return;
  }
  static int calls[2];
  calls[0] = 0;
  calls[1] = -1;
  tmq_commit_async(c, mb, count_cb, calls);
  double t0 = test_now_sec();
  while (__atomic_load_n(&calls[0], __ATOMIC_SEQ_CST) == 0 && test_now_sec() - t0 < 10) usleep(10000);
  usleep(100000);
  CHECK_INT_EQ(__atomic_load_n(&calls[0], __ATOMIC_SEQ_CST), 1);
  CHECK_INT_EQ(calls[1], 0);
  CHECK_INT_EQ(tmq_committed(c, g_topic, b.vg), b.pos_after);
  CHECK_INT_EQ(tmq_committed(c, g_topic, a.vg), TMQ_NO_COMMITTED);
  taos_free_result(ma);
  taos_free_result(mb);
  CHECK_INT_EQ(tmq_consumer_close(c), 0);
  expect_after_reopen("gc2", &b, "after committing B only");
}

/* 3: two messages of one vgroup; committing the first commits up to its end, not further. */
static void commit_earlier_of_same_vgroup(void) {
  static polled a, x;
  tmq_opts o = {.group = "gc3", .reset = "earliest"};
  tmq_t *c = tmq_new(&o);
  if (c == NULL) return;
  CHECK_INT_EQ(tmq_sub1(c, g_topic), 0);
  TAOS_RES *ma = poll_one(c, &a);
  if (ma == NULL) {
    tmq_consumer_close(c);
    return;
  }
  /* Newer rows, then read on until this vgroup has moved past A. */
  tmq_insert(g_taos, g_db, 0, TABLES, R, R + 10);
  tmq_tracker_init(&x.tr, TABLES, 2048);
  for (int k = 0; k < 50 && tmq_position(c, g_topic, a.vg) == a.pos_after; k++) {
    TAOS_RES *m = tmq_consumer_poll(c, 300);
    if (m == NULL) break;
    tmq_take(&x.tr, m);
    taos_free_result(m);
  }
  CHECK_MSG(tmq_position(c, g_topic, a.vg) > a.pos_after, "vgroup %d did not move past A", a.vg);
  CHECK_INT_EQ(tmq_commit_sync(c, ma), 0);
  CHECK_INT_EQ(tmq_committed(c, g_topic, a.vg), a.pos_after);
  /* NULL commits every consumed position. */
  CHECK_INT_EQ(tmq_commit_sync(c, NULL), 0);
  CHECK_INT_EQ(tmq_committed(c, g_topic, a.vg), tmq_position(c, g_topic, a.vg));
  taos_free_result(ma);
  CHECK_INT_EQ(tmq_consumer_close(c), 0);
}

int main(void) {
  R = (int)test_scaled(400, 40);
  g_taos = test_connect(NULL);
  CHECK_NOT_NULL(g_taos);
  if (g_taos == NULL) return test_finish("tmq_commit");
  test_db_name(g_db, sizeof g_db, "tmqc");
  tmq_setup(g_taos, g_db, TABLES, g_topic, sizeof g_topic);
  tmq_insert(g_taos, g_db, 0, TABLES, 0, R);

  commit_first_only();
  commit_async_second_only();
  commit_earlier_of_same_vgroup();

  tmq_teardown(g_taos, g_db, g_topic);
  taos_close(g_taos);
  return test_finish("tmq_commit");
}
