/*
 * sml_util.h: helpers shared by the schemaless C tests (c-tests/sml_*.c).
 *
 *   sml_md5_name(input, out)   "t_" + MD5 hex of input, computed by the system's md5sum
 *                              (independent of the library and the server)
 *   sml_rows(taos, sql, out)   runs a query and renders every row as "a|b|c" lines
 *   SML_OK(res, n)             the result succeeded with n affected rows; frees it
 *   SML_FAILS(res, code)       the result carries code with a message; frees it
 */
#ifndef LIBTAOS_RS_SML_UTIL_H
#define LIBTAOS_RS_SML_UTIL_H

#include "testutil.h"

/* out must hold 35 bytes. Returns 0 on success. */
static inline int sml_md5_name(const char *input, char *out) {
  char path[] = "/tmp/sml_md5_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  size_t n = strlen(input);
  if (write(fd, input, n) != (ssize_t)n) {
    close(fd);
    unlink(path);
    return -1;
  }
  close(fd);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "md5sum %s", path);
  FILE *p = popen(cmd, "r");
  char hex[64] = {0};
  int ok = p != NULL && fgets(hex, sizeof hex, p) != NULL && strlen(hex) >= 32;
  if (p) pclose(p);
  unlink(path);
  if (!ok) return -1;
  snprintf(out, 35, "t_%.32s", hex);
  return 0;
}

/* Renders one cell of the current row into buf (NULL as "NULL"). */
static inline void sml_cell(TAOS_FIELD *f, void *cell, int len, char *buf, size_t cap) {
  if (cell == NULL) {
    snprintf(buf, cap, "NULL");
    return;
  }
  switch (f->type) {
    case TSDB_DATA_TYPE_BOOL: snprintf(buf, cap, "%s", *(int8_t *)cell ? "true" : "false"); break;
    case TSDB_DATA_TYPE_TINYINT: snprintf(buf, cap, "%d", *(int8_t *)cell); break;
    case TSDB_DATA_TYPE_SMALLINT: snprintf(buf, cap, "%d", *(int16_t *)cell); break;
    case TSDB_DATA_TYPE_INT: snprintf(buf, cap, "%d", *(int32_t *)cell); break;
    case TSDB_DATA_TYPE_BIGINT:
    case TSDB_DATA_TYPE_TIMESTAMP: snprintf(buf, cap, "%" PRId64, *(int64_t *)cell); break;
    case TSDB_DATA_TYPE_UTINYINT: snprintf(buf, cap, "%u", *(uint8_t *)cell); break;
    case TSDB_DATA_TYPE_USMALLINT: snprintf(buf, cap, "%u", *(uint16_t *)cell); break;
    case TSDB_DATA_TYPE_UINT: snprintf(buf, cap, "%u", *(uint32_t *)cell); break;
    case TSDB_DATA_TYPE_UBIGINT: snprintf(buf, cap, "%" PRIu64, *(uint64_t *)cell); break;
    case TSDB_DATA_TYPE_FLOAT: snprintf(buf, cap, "%.7g", *(float *)cell); break;
    case TSDB_DATA_TYPE_DOUBLE: snprintf(buf, cap, "%.15g", *(double *)cell); break;
    default: snprintf(buf, cap, "%.*s", len, (const char *)cell); break;
  }
}

/* Runs sql and writes every row as "c1|c2|...\n" into out; returns the row count or -1. */
static inline int sml_rows(TAOS *taos, const char *sql, char *out, size_t cap) {
  out[0] = 0;
  TAOS_RES *res = taos_query(taos, sql);
  if (taos_errno(res) != 0) {
    fprintf(stderr, "query failed: 0x%08x %s\n  sql: %s\n", (unsigned)taos_errno(res), taos_errstr(res), sql);
    taos_free_result(res);
    return -1;
  }
  int nf = taos_num_fields(res);
  TAOS_FIELD *fields = taos_fetch_fields(res);
  int rows = 0;
  size_t o = 0;
  TAOS_ROW row;
  while ((row = taos_fetch_row(res)) != NULL) {
    int *lens = taos_fetch_lengths(res);
    for (int i = 0; i < nf; i++) {
      char cell[512];
      sml_cell(&fields[i], row[i], lens ? lens[i] : 0, cell, sizeof cell);
      o += (size_t)snprintf(out + o, o < cap ? cap - o : 0, "%s%s", i ? "|" : "", cell);
    }
    o += (size_t)snprintf(out + o, o < cap ? cap - o : 0, "\n");
    rows++;
  }
  taos_free_result(res);
  return rows;
}

#define SML_OK(res, n) sml_ok(__FILE__, __LINE__, (res), (n))
static inline void sml_ok(const char *file, int line, TAOS_RES *res, int want) {
  tu_checks++;
  if (res == NULL) {
    tu_fail(file, line, "schemaless insert returned NULL: 0x%08x %s", (unsigned)taos_errno(NULL), taos_errstr(NULL));
    return;
  }
  if (taos_errno(res) != 0) {
    tu_fail(file, line, "schemaless insert failed: 0x%08x %s", (unsigned)taos_errno(res), taos_errstr(res));
  } else if (taos_affected_rows(res) != want) {
    tu_fail(file, line, "affected rows %d, expected %d", taos_affected_rows(res), want);
  }
  taos_free_result(res);
}

/* The result must be non-NULL, carry `want` with a non-empty message, and the thread's
 * last error must be the same. If `needle` is not NULL the message must contain it. */
#define SML_FAILS(res, want, needle) sml_fails(__FILE__, __LINE__, (res), (int)(want), (needle))
static inline void sml_fails(const char *file, int line, TAOS_RES *res, int want, const char *needle) {
  tu_checks++;
  if (res == NULL) {
    tu_fail(file, line, "schemaless insert returned NULL (errno 0x%08x)", (unsigned)taos_errno(NULL));
    return;
  }
  int code = taos_errno(res);
  const char *msg = taos_errstr(res);
  if (code != want) {
    tu_fail(file, line, "expected 0x%08x, got 0x%08x (%s)", (unsigned)want, (unsigned)code, msg ? msg : "(null)");
  } else if (msg == NULL || msg[0] == 0) {
    tu_fail(file, line, "error 0x%08x has an empty message", (unsigned)code);
  } else if (needle != NULL && strstr(msg, needle) == NULL) {
    tu_fail(file, line, "message \"%s\" does not contain \"%s\"", msg, needle);
  } else if (taos_errno(NULL) != want) {
    tu_fail(file, line, "thread last error 0x%08x, expected 0x%08x", (unsigned)taos_errno(NULL), (unsigned)want);
  }
  taos_free_result(res);
}

#endif
