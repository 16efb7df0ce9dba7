/* Documented-style TDengine C program (connect, create, insert, query, async, stmt, stmt2 sync
 * and async, schemaless), built with plain `gcc doc_basic.c -ltaos` against the installed
 * layout. Prints "ok <step>" per step (a failed check prints "FAIL file:line: ..." and the step's
 * ok line still follows) and exits non-zero if any check failed.
 * Env: TAOS_DEVSERVER_ADDR=host:port. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <taos.h>

static int failures = 0;
#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (!(cond)) {                                         \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fprintf(stderr, "\n");                               \
      failures++;                                          \
    }                                                      \
  } while (0)

static void exec_sql(TAOS *taos, const char *sql) {
  TAOS_RES *res = taos_query(taos, sql);
  CHECK(taos_errno(res) == 0, "%s: %s", sql, taos_errstr(res));
  taos_free_result(res);
}

/* Async query re-armed from its own callback, as TDengine's asyncdemo does. */
typedef struct {
  int rows;
  volatile int done;
} async_state;

static void fetch_cb(void *param, TAOS_RES *res, int num_rows) {
  async_state *st = param;
  if (num_rows > 0) {
    for (int i = 0; i < num_rows; i++) {
      TAOS_ROW row = taos_fetch_row(res);
      if (row) st->rows++;
    }
    taos_fetch_rows_a(res, fetch_cb, param); /* re-arm */
    return;
  }
  taos_free_result(res);
  st->done = 1;
}

static void query_cb(void *param, TAOS_RES *res, int code) {
  async_state *st = param;
  if (code != 0) {
    fprintf(stderr, "async query failed: %s\n", taos_errstr(res));
    taos_free_result(res);
    st->rows = -1;
    st->done = 1;
    return;
  }
  taos_fetch_rows_a(res, fetch_cb, param);
}

/* stmt2 with asyncExecFn: affected rows are read inside the callback (as driver-go does). */
typedef struct {
  int code;
  int affected;
  volatile int done;
} stmt2_async_state;

static void stmt2_exec_cb(void *param, TAOS_RES *res, int code) {
  stmt2_async_state *st = param;
  st->code = code;
  st->affected = taos_affected_rows(res);
  st->done = 1;
}

static void wait_flag(volatile int *flag) {
  for (int i = 0; i < 1000 && !*flag; i++) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
}

int main(void) {
  const char *addr = getenv("TAOS_DEVSERVER_ADDR");
  char host[128] = "localhost";
  uint16_t port = 0;
  if (addr) {
    const char *colon = strrchr(addr, ':');
    if (colon && (size_t)(colon - addr) < sizeof host) {
      memcpy(host, addr, (size_t)(colon - addr));
      host[colon - addr] = 0;
      port = (uint16_t)atoi(colon + 1);
    }
  }
  TAOS *taos = taos_connect(host, "root", "taosdata", NULL, port);
  if (!taos) {
    fprintf(stderr, "connect failed: %s\n", taos_errstr(NULL));
    return 1;
  }
  printf("ok connect (server %s, client %s)\n", taos_get_server_info(taos), taos_get_client_info());

  exec_sql(taos, "DROP DATABASE IF EXISTS cdoc");
  exec_sql(taos, "CREATE DATABASE cdoc");
  exec_sql(taos, "USE cdoc");
  exec_sql(taos, "CREATE STABLE st (ts TIMESTAMP, v INT, s VARCHAR(300)) TAGS (g INT)");
  printf("ok create\n");

  /* Insert: one long string (> 255 bytes) so the row length is read from two bytes. */
  char longs[301];
  memset(longs, 'x', 300);
  longs[300] = 0;
  char sql[1024];
  snprintf(sql, sizeof sql,
           "INSERT INTO d1 USING st TAGS (1) VALUES (1700000000000, 1, 'a') (1700000000001, NULL, '%s') "
           "(1700000000002, 3, NULL)",
           longs);
  TAOS_RES *res = taos_query(taos, sql);
  CHECK(taos_errno(res) == 0 && taos_affected_rows(res) == 3, "insert: %s", taos_errstr(res));
  taos_free_result(res);
  printf("ok insert\n");

  /* Query: a VARCHAR cell's length is the uint16 just before row[i] (documented layout). */
  res = taos_query(taos, "SELECT ts, v, s FROM d1 ORDER BY ts");
  CHECK(taos_errno(res) == 0, "select: %s", taos_errstr(res));
  int nfields = taos_num_fields(res);
  TAOS_FIELD *fields = taos_fetch_fields(res);
  CHECK(nfields == 3 && fields && fields[2].type == TSDB_DATA_TYPE_VARCHAR, "fields");
  const int want_len[3] = {1, 300, -1};
  const int want_v[3] = {1, -1, 3};
  TAOS_ROW row;
  int n = 0;
  while ((row = taos_fetch_row(res)) != NULL && n < 3) {
    int64_t ts = *(int64_t *)row[0];
    CHECK(ts == 1700000000000LL + n, "ts row %d", n);
    if (want_v[n] < 0) CHECK(row[1] == NULL, "v NULL row %d", n);
    else CHECK(row[1] && *(int32_t *)row[1] == want_v[n], "v row %d", n);
    if (want_len[n] < 0) {
      CHECK(row[2] == NULL, "s NULL row %d", n);
    } else {
      uint16_t len = *((uint16_t *)row[2] - 1);
      CHECK(len == want_len[n], "s length row %d: %u", n, len);
      CHECK(((char *)row[2])[0] == (n == 0 ? 'a' : 'x'), "s value row %d", n);
    }
    n++;
  }
  CHECK(n == 3, "rows: %d", n);
  taos_free_result(res);
  printf("ok query\n");

  /* Async query, fetch re-armed from its callback. */
  async_state st = {0, 0};
  taos_query_a(taos, "SELECT * FROM st", query_cb, &st);
  wait_flag(&st.done);
  CHECK(st.done && st.rows == 3, "async rows %d (done %d)", st.rows, st.done);
  printf("ok async\n");

  /* stmt (v1): insert 2 rows into an auto-created child table. */
  TAOS_STMT *stmt = taos_stmt_init(taos);
  const char *ins = "INSERT INTO ? USING st TAGS (?) VALUES (?, ?, ?)";
  CHECK(stmt && taos_stmt_prepare(stmt, ins, 0) == 0, "stmt prepare: %s", taos_stmt_errstr(stmt));
  int32_t g = 2;
  TAOS_MULTI_BIND tag = {TSDB_DATA_TYPE_INT, &g, sizeof g, NULL, NULL, 1};
  CHECK(taos_stmt_set_tbname_tags(stmt, "d2", &tag) == 0, "set tbname tags: %s", taos_stmt_errstr(stmt));
  int64_t tss[2] = {1700000000010LL, 1700000000011LL};
  int32_t vs[2] = {10, 0};
  char isnull[2] = {0, 1};
  char strs[2][4] = {"ab", "cd"};
  int32_t lens[2] = {2, 2};
  TAOS_MULTI_BIND cols[3] = {
      {TSDB_DATA_TYPE_TIMESTAMP, tss, sizeof(int64_t), NULL, NULL, 2},
      {TSDB_DATA_TYPE_INT, vs, sizeof(int32_t), NULL, isnull, 2},
      {TSDB_DATA_TYPE_VARCHAR, strs, 4, lens, NULL, 2},
  };
  CHECK(taos_stmt_bind_param_batch(stmt, cols) == 0, "bind: %s", taos_stmt_errstr(stmt));
  CHECK(taos_stmt_add_batch(stmt) == 0, "add batch: %s", taos_stmt_errstr(stmt));
  CHECK(taos_stmt_execute(stmt) == 0, "execute: %s", taos_stmt_errstr(stmt));
  CHECK(taos_stmt_affected_rows(stmt) == 2, "stmt affected %d", taos_stmt_affected_rows(stmt));
  taos_stmt_close(stmt);
  printf("ok stmt\n");

  /* stmt2: one child table d3, 2 rows. */
  TAOS_STMT2_OPTION opt = {0, true, true, NULL, NULL};
  TAOS_STMT2 *s2 = taos_stmt2_init(taos, &opt);
  CHECK(s2 && taos_stmt2_prepare(s2, ins, 0) == 0, "stmt2 prepare: %s", taos_stmt2_error(s2));
  int32_t g3 = 3;
  TAOS_STMT2_BIND tag2 = {TSDB_DATA_TYPE_INT, &g3, NULL, NULL, 1};
  TAOS_STMT2_BIND *tagv = &tag2;
  int64_t tss2[2] = {1700000000020LL, 1700000000021LL};
  int32_t vs2[2] = {20, 21};
  char buf2[] = "pqrst";
  int32_t lens2[2] = {2, 3};
  TAOS_STMT2_BIND cols2[3] = {
      {TSDB_DATA_TYPE_TIMESTAMP, tss2, NULL, NULL, 2},
      {TSDB_DATA_TYPE_INT, vs2, NULL, NULL, 2},
      {TSDB_DATA_TYPE_VARCHAR, buf2, lens2, NULL, 2},
  };
  TAOS_STMT2_BIND *colv = cols2;
  char *tbn[1] = {"d3"};
  TAOS_STMT2_BINDV bv = {1, tbn, &tagv, &colv};
  CHECK(taos_stmt2_bind_param(s2, &bv, -1) == 0, "stmt2 bind: %s", taos_stmt2_error(s2));
  int affected = 0;
  CHECK(taos_stmt2_exec(s2, &affected) == 0 && affected == 2, "stmt2 exec %d: %s", affected, taos_stmt2_error(s2));
  taos_stmt2_close(s2);
  res = taos_query(taos, "SELECT s FROM d3 ORDER BY ts");
  row = taos_fetch_row(res);
  CHECK(row && row[0] && *((uint16_t *)row[0] - 1) == 2 && memcmp(row[0], "pq", 2) == 0, "stmt2 row 0");
  row = taos_fetch_row(res);
  CHECK(row && row[0] && *((uint16_t *)row[0] - 1) == 3 && memcmp(row[0], "rst", 3) == 0, "stmt2 row 1");
  taos_free_result(res);
  printf("ok stmt2\n");

  /* stmt2, asynchronous exec: one row into d4 (tag 4). */
  stmt2_async_state ast = {-1, -1, 0};
  TAOS_STMT2_OPTION aopt = {0, true, true, stmt2_exec_cb, &ast};
  TAOS_STMT2 *as2 = taos_stmt2_init(taos, &aopt);
  CHECK(as2 && taos_stmt2_prepare(as2, ins, 0) == 0, "async stmt2 prepare: %s", taos_stmt2_error(as2));
  int32_t g4 = 4;
  TAOS_STMT2_BIND tag4 = {TSDB_DATA_TYPE_INT, &g4, NULL, NULL, 1};
  TAOS_STMT2_BIND *tag4v = &tag4;
  int64_t ts4 = 1700000000040LL;
  int32_t v4 = 40;
  char s4[] = "z";
  int32_t len4 = 1;
  TAOS_STMT2_BIND cols4[3] = {
      {TSDB_DATA_TYPE_TIMESTAMP, &ts4, NULL, NULL, 1},
      {TSDB_DATA_TYPE_INT, &v4, NULL, NULL, 1},
      {TSDB_DATA_TYPE_VARCHAR, s4, &len4, NULL, 1},
  };
  TAOS_STMT2_BIND *cols4v = cols4;
  char *tbn4[1] = {"d4"};
  TAOS_STMT2_BINDV bv4 = {1, tbn4, &tag4v, &cols4v};
  CHECK(taos_stmt2_bind_param(as2, &bv4, -1) == 0, "async stmt2 bind: %s", taos_stmt2_error(as2));
  CHECK(taos_stmt2_exec(as2, NULL) == 0, "async stmt2 exec: %s", taos_stmt2_error(as2));
  wait_flag(&ast.done);
  CHECK(ast.done && ast.code == 0 && ast.affected == 1, "async stmt2: done %d code %d affected %d", ast.done,
        ast.code, ast.affected);
  taos_stmt2_close(as2);
  printf("ok stmt2 async\n");

  /* Schemaless (line protocol). */
  char *lines[] = {"sml_m,host=h1 v=1.5,n=2i 1700000000000", "sml_m,host=h2 v=2.5,n=3i 1700000000001"};
  res = taos_schemaless_insert(taos, lines, 2, TSDB_SML_LINE_PROTOCOL, TSDB_SML_TIMESTAMP_MILLI_SECONDS);
  CHECK(taos_errno(res) == 0 && taos_affected_rows(res) == 2, "schemaless: %s", taos_errstr(res));
  taos_free_result(res);
  res = taos_query(taos, "SELECT COUNT(*) FROM sml_m");
  row = taos_fetch_row(res);
  CHECK(row && *(int64_t *)row[0] == 2, "schemaless count");
  taos_free_result(res);
  printf("ok schemaless\n");

  res = taos_query(taos, "SELECT COUNT(*) FROM st");
  row = taos_fetch_row(res);
  CHECK(row && *(int64_t *)row[0] == 8, "total rows");
  taos_free_result(res);

  taos_close(taos);
  taos_cleanup();
  printf("%s\n", failures ? "FAILED" : "ALL OK");
  return failures ? 1 : 0;
}
