/*
 * testutil.h: the small shared harness of the C test suite (c-tests/).
 *
 * Each test is one C program written against include/taos.h exactly as a user of
 * TDengine's official client would write it. It links with -ltaos, connects to the
 * dev server the runner (c-tests/run.sh) started, and returns 0 from main only if
 * every CHECK passed. A failed CHECK prints file:line, the expression and the
 * values involved, and the test carries on so one run shows every failure.
 *
 * Environment (set by the runner):
 *   TAOS_TEST_HOST, TAOS_TEST_PORT   where the dev server listens
 *   TAOS_TEST_BLOCK_ROWS             the server's --block-rows (rows per block)
 *   TAOS_TEST_SCALE                  divisor for row/query counts (valgrind runs
 *                                    use a larger one to stay fast)
 *   TAOS_TEST_DEVSERVER              the taos-devserver binary, for tests that need a
 *                                    server of their own (test_server_loss kills it)
 */
#ifndef LIBTAOS_RS_TESTUTIL_H
#define LIBTAOS_RS_TESTUTIL_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "taos.h"

/* Counters of this test program (one translation unit per test). */
static int tu_checks = 0;
static int tu_failures = 0;

static inline void tu_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline void tu_fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  tu_failures++;
  fprintf(stderr, "FAIL %s:%d: ", file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fflush(stderr);
}

/* CHECK(cond): a plain condition. */
#define CHECK(cond)                                            \
  do {                                                         \
    tu_checks++;                                               \
    if (!(cond)) tu_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
  } while (0)

/* CHECK_MSG(cond, fmt, ...): a condition with a formatted explanation. */
#define CHECK_MSG(cond, ...)                                   \
  do {                                                         \
    tu_checks++;                                               \
    if (!(cond)) tu_fail(__FILE__, __LINE__, __VA_ARGS__);     \
  } while (0)

/* Signed integers (any width up to 64 bits). */
#define CHECK_INT_EQ(a, b)                                                                          \
  do {                                                                                              \
    long long tu_a = (long long)(a), tu_b = (long long)(b);                                         \
    tu_checks++;                                                                                    \
    if (tu_a != tu_b)                                                                               \
      tu_fail(__FILE__, __LINE__, "%s == %s: got %lld (0x%llx), expected %lld (0x%llx)", #a, #b, tu_a, \
              (unsigned long long)tu_a, tu_b, (unsigned long long)tu_b);                            \
  } while (0)

/* Unsigned integers. */
#define CHECK_UINT_EQ(a, b)                                                                      \
  do {                                                                                           \
    unsigned long long tu_a = (unsigned long long)(a), tu_b = (unsigned long long)(b);           \
    tu_checks++;                                                                                 \
    if (tu_a != tu_b) tu_fail(__FILE__, __LINE__, "%s == %s: got %llu, expected %llu", #a, #b, tu_a, tu_b); \
  } while (0)

/* Exact floating-point equality (values used by the tests are exactly representable). */
#define CHECK_DBL_EQ(a, b)                                                                            \
  do {                                                                                                \
    double tu_a = (double)(a), tu_b = (double)(b);                                                    \
    tu_checks++;                                                                                      \
    if (tu_a != tu_b) tu_fail(__FILE__, __LINE__, "%s == %s: got %.17g, expected %.17g", #a, #b, tu_a, tu_b); \
  } while (0)

/* NUL-terminated strings; NULL is reported, never dereferenced. */
#define CHECK_STR_EQ(a, b)                                                                          \
  do {                                                                                              \
    const char *tu_a = (a), *tu_b = (b);                                                            \
    tu_checks++;                                                                                    \
    if (tu_a == NULL || tu_b == NULL || strcmp(tu_a, tu_b) != 0)                                    \
      tu_fail(__FILE__, __LINE__, "%s == %s: got \"%s\", expected \"%s\"", #a, #b, tu_a ? tu_a : "(null)", \
              tu_b ? tu_b : "(null)");                                                              \
  } while (0)

/* A byte range of known length against expected bytes; the dump shows what differed. */
#define CHECK_MEM_EQ(p, n, exp, exp_n) tu_check_mem(__FILE__, __LINE__, #p, (const void *)(p), (long)(n), (const void *)(exp), (long)(exp_n))

static inline void tu_hex(char *out, size_t cap, const unsigned char *p, long n) {
  size_t o = 0;
  out[0] = 0;
  for (long i = 0; i < n && o + 4 < cap; i++) o += (size_t)snprintf(out + o, cap - o, "%02x", p[i]);
  if (n > 0 && o + 4 >= cap && cap > 4) snprintf(out + cap - 4, 4, "...");
}

static inline void tu_check_mem(const char *file, int line, const char *what, const void *p, long n, const void *exp, long exp_n) {
  tu_checks++;
  if (p == NULL || n != exp_n || memcmp(p, exp, (size_t)n) != 0) {
    char got[200], want[200];
    if (p != NULL) tu_hex(got, sizeof got, (const unsigned char *)p, n); else snprintf(got, sizeof got, "(null)");
    tu_hex(want, sizeof want, (const unsigned char *)exp, exp_n);
    tu_fail(file, line, "%s: got %ld bytes [%s], expected %ld bytes [%s]", what, n, got, exp_n, want);
  }
}

#define CHECK_NOT_NULL(p) CHECK_MSG((p) != NULL, "%s is NULL", #p)
#define CHECK_NULL(p) CHECK_MSG((p) == NULL, "%s is %p, expected NULL", #p, (const void *)(p))

/* Prints the summary line of this program and gives main's return value. */
static inline int test_finish(const char *name) {
  printf("%s: %d checks, %d failed\n", name, tu_checks, tu_failures);
  fflush(stdout);
  return tu_failures == 0 ? 0 : 1;
}

/* ---- environment ---------------------------------------------------------------- */

static inline const char *test_host(void) {
  const char *h = getenv("TAOS_TEST_HOST");
  return (h && *h) ? h : "127.0.0.1";
}

static inline uint16_t test_port(void) {
  const char *p = getenv("TAOS_TEST_PORT");
  return (uint16_t)((p && *p) ? atoi(p) : 6041);
}

/* Rows per server block (the runner starts the server with --block-rows 4096). */
static inline int test_block_rows(void) {
  const char *p = getenv("TAOS_TEST_BLOCK_ROWS");
  return (p && *p) ? atoi(p) : 4096;
}

/* `full` scaled down by TAOS_TEST_SCALE (valgrind), never below `min`. */
static inline long test_scaled(long full, long min) {
  const char *p = getenv("TAOS_TEST_SCALE");
  long s = (p && *p) ? atol(p) : 1;
  long v = s > 1 ? full / s : full;
  return v < min ? min : v;
}

static inline double test_now_sec(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- connection and SQL helpers ----------------------------------------------- */

/* Connects as root/taosdata to the suite's dev server; `db` may be NULL.
 * Prints the error and returns NULL on failure (the caller's CHECK counts it). */
static inline TAOS *test_connect(const char *db) {
  TAOS *t = taos_connect(test_host(), "root", "taosdata", db, test_port());
  if (t == NULL) {
    fprintf(stderr, "taos_connect(%s:%u, db=%s) failed: 0x%08x %s\n", test_host(), test_port(), db ? db : "(null)",
            (unsigned)taos_errno(NULL), taos_errstr(NULL));
  }
  return t;
}

/* Runs a statement that must succeed; returns affected rows, or -1 (after recording
 * a failure at the caller's line) when it failed. */
#define EXEC_OK(taos, sql) tu_exec_ok(__FILE__, __LINE__, (taos), (sql))
static inline int64_t tu_exec_ok(const char *file, int line, TAOS *taos, const char *sql) {
  TAOS_RES *res = taos_query(taos, sql);
  int code = taos_errno(res);
  int64_t n = -1;
  tu_checks++;
  if (res == NULL || code != 0) {
    tu_fail(file, line, "query failed: 0x%08x %s\n  sql: %.300s", (unsigned)code, taos_errstr(res), sql);
  } else {
    n = taos_affected_rows64(res);
  }
  taos_free_result(res);
  return n;
}

/* Runs a statement that must fail with `code`; checks the message is not empty. */
#define EXEC_FAILS(taos, sql, code) tu_exec_fails(__FILE__, __LINE__, (taos), (sql), (int)(code))
static inline void tu_exec_fails(const char *file, int line, TAOS *taos, const char *sql, int want) {
  TAOS_RES *res = taos_query(taos, sql);
  int code = taos_errno(res);
  const char *msg = taos_errstr(res);
  tu_checks++;
  if (code != want) {
    tu_fail(file, line, "expected error 0x%08x, got 0x%08x (%s)\n  sql: %.300s", (unsigned)want, (unsigned)code,
            msg ? msg : "(null)", sql);
  } else if (msg == NULL || msg[0] == 0) {
    tu_fail(file, line, "error 0x%08x carries an empty message\n  sql: %.300s", (unsigned)code, sql);
  }
  taos_free_result(res);
}

/* Writes into buf a database name unique to this process ("<prefix>_<pid>"), so
 * tests never collide on one server; returns buf. */
static inline const char *test_db_name(char *buf, size_t cap, const char *prefix) {
  snprintf(buf, cap, "%s_%ld", prefix, (long)getpid());
  return buf;
}

/* Creates (after dropping) database `db` and selects it on `taos`. */
static inline void test_fresh_db(TAOS *taos, const char *db) {
  char sql[160];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
  EXEC_OK(taos, sql);
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
  EXEC_OK(taos, sql);
  snprintf(sql, sizeof sql, "USE %s", db);
  EXEC_OK(taos, sql);
}

/* Length of a variable-length cell, read the way TDengine's docs do: the
 * little-endian uint16 just before the pointer. */
static inline int test_var_len(const void *cell) {
  const unsigned char *p = (const unsigned char *)cell;
  return (int)p[-2] | ((int)p[-1] << 8);
}

/* Whether a column type is variable-length (2-byte length prefix in row/block results). */
static inline int tu_is_var(int type) {
  return type == TSDB_DATA_TYPE_VARCHAR || type == TSDB_DATA_TYPE_NCHAR || type == TSDB_DATA_TYPE_VARBINARY ||
         type == TSDB_DATA_TYPE_GEOMETRY || type == TSDB_DATA_TYPE_JSON;
}

/* Bytes of one value of a fixed-size column type. */
static inline int tu_fixed_size(int type) {
  switch (type) {
    case TSDB_DATA_TYPE_BOOL: case TSDB_DATA_TYPE_TINYINT: case TSDB_DATA_TYPE_UTINYINT: return 1;
    case TSDB_DATA_TYPE_SMALLINT: case TSDB_DATA_TYPE_USMALLINT: return 2;
    case TSDB_DATA_TYPE_INT: case TSDB_DATA_TYPE_UINT: case TSDB_DATA_TYPE_FLOAT: return 4;
    default: return 8;
  }
}

#endif
