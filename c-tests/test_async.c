/* Asynchronous API: taos_query_a, then taos_fetch_rows_a re-armed from inside its
 * own callback until it reports 0 rows, reading the rows with taos_fetch_row
 * inside the callback as TDengine's async demos do. Rows and callback invocations
 * are counted exactly; values are checked; callbacks run on a library thread with
 * `param` passed through. Also: async errors, async inserts, taos_fetch_raw_block_a,
 * and several async queries in flight at once. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>

#include "testutil.h"

#define TS0 1650000000000LL

static long g_rows;
static int g_block;
static pthread_t g_main;

struct job {
  int magic;
  sem_t done;
  int query_calls;
  int fetch_calls;
  int zero_calls;
  int query_code;
  int last_code;
  long rows;
  long bad_values;
  int on_main_thread;
  int raw; /* use taos_fetch_raw_block_a instead of taos_fetch_rows_a */
};

#define JOB_MAGIC 0x5eed

static void job_init(struct job *j, int raw) {
  memset(j, 0, sizeof *j);
  j->magic = JOB_MAGIC;
  j->raw = raw;
  sem_init(&j->done, 0, 0);
}

static int wait_done(struct job *j, int seconds) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += seconds;
  while (sem_timedwait(&j->done, &ts) != 0) {
    if (errno != EINTR) return -1;
  }
  return 0;
}

static void fetch_cb(void *param, TAOS_RES *res, int num);

static void rearm(struct job *j, TAOS_RES *res) {
  if (j->raw) taos_fetch_raw_block_a(res, fetch_cb, j);
  else taos_fetch_rows_a(res, fetch_cb, j);
}

static void fetch_cb(void *param, TAOS_RES *res, int num) {
  struct job *j = (struct job *)param;
  if (j->magic != JOB_MAGIC) { /* param not passed through: count and stop */
    fprintf(stderr, "fetch callback got a foreign param %p\n", param);
    return;
  }
  if (pthread_equal(pthread_self(), g_main)) j->on_main_thread++;
  j->fetch_calls++;
  j->last_code = num;
  if (num < 0) {
    taos_free_result(res);
    sem_post(&j->done);
    return;
  }
  if (num == 0) {
    j->zero_calls++;
    taos_free_result(res);
    sem_post(&j->done);
    return;
  }
  if (j->raw) {
    /* The block just fetched: its header's row count equals num. */
    const unsigned char *blk = (const unsigned char *)taos_get_raw_block(res);
    int32_t blk_rows = -1;
    if (blk) memcpy(&blk_rows, blk + 8, 4);
    if (blk_rows != num) j->bad_values++;
    j->rows += num;
  } else {
    for (int i = 0; i < num; i++) {
      TAOS_ROW row = taos_fetch_row(res);
      if (row == NULL) {
        j->bad_values++;
        break;
      }
      long k = j->rows;
      if (row[0] == NULL || *(int64_t *)row[0] != TS0 + k || row[1] == NULL || *(int32_t *)row[1] != (int32_t)k)
        j->bad_values++;
      j->rows++;
    }
  }
  rearm(j, res);
}

static void query_cb(void *param, TAOS_RES *res, int code) {
  struct job *j = (struct job *)param;
  if (j->magic != JOB_MAGIC) {
    fprintf(stderr, "query callback got a foreign param %p\n", param);
    return;
  }
  if (pthread_equal(pthread_self(), g_main)) j->on_main_thread++;
  j->query_calls++;
  j->query_code = code;
  if (code != 0 || taos_errno(res) != 0) {
    taos_free_result(res);
    sem_post(&j->done);
    return;
  }
  rearm(j, res);
}

static void check_job(struct job *j, const char *what) {
  long blocks = (g_rows + g_block - 1) / g_block;
  CHECK_MSG(j->query_calls == 1, "%s: query callback called %d times", what, j->query_calls);
  CHECK_MSG(j->query_code == 0, "%s: query code 0x%08x", what, (unsigned)j->query_code);
  CHECK_MSG(j->rows == g_rows, "%s: %ld rows, expected %ld", what, j->rows, g_rows);
  CHECK_MSG(j->fetch_calls == blocks + 1, "%s: %d fetch callbacks, expected %ld blocks + 1", what, j->fetch_calls,
            blocks);
  CHECK_MSG(j->zero_calls == 1, "%s: %d end-of-data callbacks", what, j->zero_calls);
  CHECK_MSG(j->bad_values == 0, "%s: %ld wrong values", what, j->bad_values);
  CHECK_MSG(j->on_main_thread == 0, "%s: %d callbacks ran on the caller's thread", what, j->on_main_thread);
}

static void run_one(TAOS *taos, int raw) {
  struct job j;
  job_init(&j, raw);
  taos_query_a(taos, "SELECT ts, v FROM at ORDER BY ts", query_cb, &j);
  CHECK_MSG(wait_done(&j, 120) == 0, "async query did not finish in 120 s");
  usleep(100 * 1000); /* a spurious extra callback would show up now */
  check_job(&j, raw ? "fetch_raw_block_a" : "fetch_rows_a");
  sem_destroy(&j.done);
}

static void async_error(TAOS *taos) {
  struct job j;
  job_init(&j, 0);
  taos_query_a(taos, "SELEKT nonsense", query_cb, &j);
  CHECK_MSG(wait_done(&j, 30) == 0, "async error did not call back");
  usleep(100 * 1000);
  CHECK_INT_EQ(j.query_calls, 1);
  CHECK_INT_EQ(j.query_code, (int)0x80002600);
  CHECK_INT_EQ(j.fetch_calls, 0);
  sem_destroy(&j.done);
}

struct insert_job {
  sem_t done;
  int calls;
  int code;
  int affected;
};

static void insert_cb(void *param, TAOS_RES *res, int code) {
  struct insert_job *j = (struct insert_job *)param;
  j->calls++;
  j->code = code;
  j->affected = taos_affected_rows(res);
  taos_free_result(res);
  sem_post(&j->done);
}

static void async_insert(TAOS *taos) {
  struct insert_job j = {.calls = 0};
  sem_init(&j.done, 0, 0);
  taos_query_a(taos, "INSERT INTO other VALUES (1700000000001, 1) (1700000000002, 2) (1700000000003, 3)", insert_cb, &j);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += 30;
  CHECK(sem_timedwait(&j.done, &ts) == 0);
  usleep(50 * 1000);
  CHECK_INT_EQ(j.calls, 1);
  CHECK_INT_EQ(j.code, 0);
  CHECK_INT_EQ(j.affected, 3);
  sem_destroy(&j.done);
}

/* Several async queries in flight on one connection at the same time. */
static void in_flight(TAOS *taos) {
  enum { N = 6 };
  struct job jobs[N];
  for (int i = 0; i < N; i++) {
    job_init(&jobs[i], i % 2);
    taos_query_a(taos, "SELECT ts, v FROM at ORDER BY ts", query_cb, &jobs[i]);
  }
  for (int i = 0; i < N; i++) {
    CHECK_MSG(wait_done(&jobs[i], 180) == 0, "in-flight job %d did not finish", i);
  }
  usleep(100 * 1000);
  for (int i = 0; i < N; i++) {
    check_job(&jobs[i], "in-flight");
    sem_destroy(&jobs[i].done);
  }
}

int main(void) {
  g_main = pthread_self();
  g_rows = test_scaled(20000, 5000);
  g_block = test_block_rows();
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("test_async");
  char dbbuf[64];
  const char *db = test_db_name(dbbuf, sizeof dbbuf, "ct_async");
  test_fresh_db(taos, db);
  EXEC_OK(taos, "CREATE TABLE at (ts TIMESTAMP, v INT)");
  EXEC_OK(taos, "CREATE TABLE other (ts TIMESTAMP, v INT)");
  char *sql = malloc(64 * 2000 + 64);
  for (long s = 0; s < g_rows; s += 2000) {
    size_t o = (size_t)sprintf(sql, "INSERT INTO at VALUES");
    for (long k = s; k < s + 2000 && k < g_rows; k++) o += (size_t)sprintf(sql + o, " (%lld, %ld)", TS0 + k, k);
    EXEC_OK(taos, sql);
  }
  free(sql);

  run_one(taos, 0);
  run_one(taos, 1);
  async_error(taos);
  async_insert(taos);
  in_flight(taos);

  char drop[128];
  snprintf(drop, sizeof drop, "DROP DATABASE %s", db);
  EXEC_OK(taos, drop);
  taos_close(taos);
  return test_finish("test_async");
}
