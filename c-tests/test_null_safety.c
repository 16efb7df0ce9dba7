/* NULL-safety of every export that takes a handle: no crash, and the documented
 * result (abi.md §4.7): no-ops for close/free/stop, NULL/0/true where the native
 * client gives them, an error code (and for callbacks, exactly one call with a
 * negative code) where a replacement must refuse instead of crashing. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>

#include "testutil.h"

#define CODE_INVALID_PARA ((int)0x80000118)

/* A query given a NULL handle or NULL SQL fails: either NULL with the thread's
 * error set, or a result carrying the error. */
#define CHECK_QUERY_FAILS(expr)                                                                          \
  do {                                                                                                   \
    TAOS_RES *q_res = (expr);                                                                            \
    if (q_res == NULL) {                                                                                 \
      CHECK_MSG(taos_errno(NULL) < 0, "%s: NULL result but taos_errno(NULL) = %d", #expr, taos_errno(NULL)); \
    } else {                                                                                             \
      CHECK_MSG(taos_errno(q_res) < 0, "%s: result without an error", #expr);                            \
      taos_free_result(q_res);                                                                           \
    }                                                                                                    \
  } while (0)

static void result_functions(void) {
  taos_free_result(NULL);
  taos_stop_query(NULL);
  CHECK(taos_errstr(NULL) != NULL);
  (void)taos_errno(NULL);
  CHECK_NULL(taos_fetch_row(NULL));
  CHECK_INT_EQ(taos_num_fields(NULL), 0);
  CHECK_INT_EQ(taos_field_count(NULL), 0);
  CHECK_NULL(taos_fetch_fields(NULL));
  CHECK_INT_EQ(taos_affected_rows(NULL), 0);
  CHECK_INT_EQ(taos_affected_rows64(NULL), 0);
  CHECK_INT_EQ(taos_result_precision(NULL), 0);
  CHECK(taos_is_null(NULL, 0, 0));
  CHECK_NULL(taos_fetch_lengths(NULL));
  CHECK_NULL(taos_get_column_data_offset(NULL, 0));
  CHECK_NULL(taos_result_block(NULL));
  CHECK_NULL(taos_get_raw_block(NULL));
  (void)taos_is_update_query(NULL);

  TAOS_ROW rows = NULL;
  CHECK_INT_EQ(taos_fetch_block(NULL, &rows), 0);
  int n = 0;
  (void)taos_fetch_block_s(NULL, &n, &rows);
  CHECK_INT_EQ(n, 0);

  int raw_rows = 12345;
  void *raw = (void *)&raw_rows;
  (void)taos_fetch_raw_block(NULL, &raw_rows, &raw);
  CHECK_INT_EQ(raw_rows, 0);
  CHECK_NULL(raw);

  bool nulls[4];
  int cnt = 4;
  CHECK_INT_EQ(taos_is_null_by_column(NULL, 0, nulls, &cnt), CODE_INVALID_PARA);

}

static void connection_functions(void) {
  taos_close(NULL);
  taos_kill_query(NULL);
  taos_reset_current_db(NULL);
  (void)taos_get_server_info(NULL);
  CHECK_QUERY_FAILS(taos_query(NULL, "SELECT 1"));
  CHECK_QUERY_FAILS(taos_query_with_reqid(NULL, "SELECT 1", 7));
  CHECK_MSG(taos_select_db(NULL, "x") != 0, "taos_select_db(NULL) succeeded");
  char db[32];
  int required = 0;
  CHECK_MSG(taos_get_current_db(NULL, db, sizeof db, &required) != 0, "taos_get_current_db(NULL) succeeded");
  CHECK_MSG(taos_validate_sql(NULL, "SELECT 1") != 0, "taos_validate_sql(NULL) succeeded");

  /* NULL SQL on a good connection. */
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos) {
    CHECK_QUERY_FAILS(taos_query(taos, NULL));
    CHECK_MSG(taos_select_db(taos, NULL) != 0, "taos_select_db(taos, NULL) succeeded");
    CHECK_MSG(taos_validate_sql(taos, NULL) != 0, "taos_validate_sql(taos, NULL) succeeded");
    /* Still usable afterwards. */
    EXEC_OK(taos, "SHOW DATABASES");
    taos_close(taos);
  }
}

/* ---- callbacks given NULL handles fire exactly once with an error ---------------- */

struct cb_state {
  sem_t done;
  int calls;
  int code;
};

static void on_cb(void *param, TAOS_RES *res, int code) {
  struct cb_state *st = (struct cb_state *)param;
  (void)res;
  __atomic_add_fetch(&st->calls, 1, __ATOMIC_SEQ_CST);
  st->code = code;
  sem_post(&st->done);
}

static int wait_sem(sem_t *s, int seconds) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += seconds;
  while (sem_timedwait(s, &ts) != 0) {
    if (errno != EINTR) return -1;
  }
  return 0;
}

static void async_functions(void) {
  struct {
    const char *name;
    int which;
  } cases[3] = {{"taos_query_a(NULL)", 0}, {"taos_fetch_rows_a(NULL)", 1}, {"taos_fetch_raw_block_a(NULL)", 2}};
  for (int i = 0; i < 3; i++) {
    struct cb_state st;
    sem_init(&st.done, 0, 0);
    st.calls = 0;
    st.code = 0;
    if (cases[i].which == 0) taos_query_a(NULL, "SELECT 1", on_cb, &st);
    if (cases[i].which == 1) taos_fetch_rows_a(NULL, on_cb, &st);
    if (cases[i].which == 2) taos_fetch_raw_block_a(NULL, on_cb, &st);
    int got = wait_sem(&st.done, 10) == 0;
    CHECK_MSG(got, "%s: callback never called", cases[i].name);
    if (got) {
      usleep(100 * 1000); /* a second call would arrive now */
      CHECK_MSG(__atomic_load_n(&st.calls, __ATOMIC_SEQ_CST) == 1, "%s: callback called %d times", cases[i].name,
                st.calls);
      CHECK_MSG(st.code < 0, "%s: callback code %d, expected an error", cases[i].name, st.code);
    }
    sem_destroy(&st.done);
  }
}

/* ---- the other areas (stmt, stmt2, schemaless, TMQ) ------------------------------- */

static void other_areas(void) {
  CHECK_NULL(taos_stmt_init(NULL));
  CHECK(taos_stmt_errstr(NULL) != NULL);
  CHECK_MSG(taos_stmt_prepare(NULL, "INSERT INTO t VALUES(?, ?)", 0) != 0, "taos_stmt_prepare(NULL) succeeded");
  CHECK_MSG(taos_stmt_execute(NULL) != 0, "taos_stmt_execute(NULL) succeeded");
  CHECK_MSG(taos_stmt_add_batch(NULL) != 0, "taos_stmt_add_batch(NULL) succeeded");
  CHECK_INT_EQ(taos_stmt_affected_rows(NULL), 0);
  (void)taos_stmt_close(NULL);
  taos_stmt_reclaim_fields(NULL, NULL);

  CHECK_NULL(taos_stmt2_init(NULL, NULL));
  CHECK(taos_stmt2_error(NULL) != NULL);
  CHECK_MSG(taos_stmt2_prepare(NULL, "INSERT INTO t VALUES(?, ?)", 0) != 0, "taos_stmt2_prepare(NULL) succeeded");
  int affected = 0;
  CHECK_MSG(taos_stmt2_exec(NULL, &affected) != 0, "taos_stmt2_exec(NULL) succeeded");
  (void)taos_stmt2_close(NULL);
  taos_stmt2_free_fields(NULL, NULL);

  char *lines[1] = {"m,t=1 v=1i 1700000000000"};
  CHECK_QUERY_FAILS(taos_schemaless_insert(NULL, lines, 1, 1, 4));

  tmq_conf_destroy(NULL);
  tmq_list_destroy(NULL);
  CHECK_INT_EQ(tmq_list_get_size(NULL), -1);
  CHECK_NULL(tmq_consumer_poll(NULL, 0));
  CHECK_MSG(tmq_consumer_close(NULL) != 0, "tmq_consumer_close(NULL) succeeded");
  CHECK_MSG(tmq_subscribe(NULL, NULL) != 0, "tmq_subscribe(NULL) succeeded");
  CHECK_MSG(tmq_commit_sync(NULL, NULL) != 0, "tmq_commit_sync(NULL) succeeded");
  CHECK_NULL(tmq_get_topic_name(NULL));
  CHECK_NULL(tmq_get_db_name(NULL));
  CHECK_NULL(tmq_get_table_name(NULL));
  CHECK_MSG(tmq_get_vgroup_id(NULL) < 0, "tmq_get_vgroup_id(NULL) = %d", tmq_get_vgroup_id(NULL));
  CHECK_STR_EQ(tmq_err2str(0), "success");
  CHECK(tmq_err2str(CODE_INVALID_PARA) != NULL);
}

int main(void) {
  result_functions();
  connection_functions();
  async_functions();
  other_areas();
  return test_finish("test_null_safety");
}
