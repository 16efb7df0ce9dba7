/*
 * bench.c: throughput of libtaos-rs through its C API, against the dev server.
 *
 *   1. query round trips/s: taos_query + taos_fetch_row + taos_free_result of a one-row SELECT
 *   2. rows/s reading a BENCH_ROWS-row (default 1,000,000), 10-column SELECT * via
 *      taos_fetch_raw_block (no conversion), taos_fetch_block and taos_fetch_row
 *      (each cell touched)
 *   3. references measured in the same run, so the figures above read as ratios, not
 *      absolute claims: the same one-row SELECT as a REST request (POST /rest/sql on one
 *      keep-alive HTTP connection, no library involved: the dev server's own round trip),
 *      and a memcpy of the same raw-block bytes, in rows/s.
 *
 * usage: bench HOST PORT   (benches/run.sh starts the dev server and passes them)
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <taos.h>

#define BENCH_NAME "bench"
#include "bench_util.h"

static volatile uint64_t sink; /* keeps the reads from being optimised away */

static void round_trips(TAOS *taos) {
  bench_exec(taos, "CREATE TABLE one (ts TIMESTAMP, v INT)");
  bench_exec(taos, "INSERT INTO one VALUES (1700000000000, 42)");
  double t0 = bench_now(), t;
  long n = 0;
  do {
    for (int i = 0; i < 100; i++, n++) {
      TAOS_RES *res = taos_query(taos, "SELECT v FROM one");
      if (taos_errno(res) != 0) bench_die("round trip", res);
      TAOS_ROW row = taos_fetch_row(res);
      if (row == NULL || row[0] == NULL) bench_die("round trip row", res);
      int32_t v;
      memcpy(&v, row[0], sizeof v); /* cells of a row may be unaligned */
      sink += (uint64_t)v;
      taos_free_result(res);
    }
    t = bench_now() - t0;
  } while (t < 3.0);
  printf("one-row SELECT round trips:      %10.0f queries/s  (%ld in %.2f s, %.1f us each)\n", n / t, n, t,
         t / n * 1e6);
}

/* Reference round trip: the same SELECT through the dev server's REST endpoint on one
 * keep-alive connection, with a minimal HTTP/1.1 client (no libtaos involved). */
static void rest_round_trips(const char *host, const char *port) {
  struct addrinfo hints = {0}, *ai = NULL;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, port, &hints, &ai) != 0) return;
  int fd = socket(ai->ai_family, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    freeaddrinfo(ai);
    if (fd >= 0) close(fd);
    printf("REST reference: cannot connect\n");
    return;
  }
  freeaddrinfo(ai);
  const char *body = "SELECT v FROM bench.one";
  char req[512];
  /* cm9vdDp0YW9zZGF0YQ== is base64("root:taosdata"). */
  int reqlen = snprintf(req, sizeof req,
                        "POST /rest/sql HTTP/1.1\r\nHost: %s:%s\r\nAuthorization: Basic cm9vdDp0YW9zZGF0YQ==\r\n"
                        "Content-Length: %zu\r\n\r\n%s",
                        host, port, strlen(body), body);
  char buf[8192];
  double t0 = bench_now(), t;
  long n = 0;
  do {
    if (write(fd, req, (size_t)reqlen) != reqlen) break;
    /* Read headers, then Content-Length bytes of body. */
    size_t have = 0;
    long need = -1;
    for (;;) {
      ssize_t r = read(fd, buf + have, sizeof buf - 1 - have);
      if (r <= 0) { close(fd); printf("REST reference: connection closed\n"); return; }
      have += (size_t)r;
      buf[have] = 0;
      char *hdr_end = strstr(buf, "\r\n\r\n");
      if (hdr_end == NULL) continue;
      if (need < 0) {
        char *cl = strcasestr(buf, "content-length:");
        need = (long)(hdr_end + 4 - buf) + (cl ? atol(cl + 15) : 0);
      }
      if ((long)have >= need) break;
    }
    if (strstr(buf, "\"code\":0") == NULL) { printf("REST reference: unexpected reply %.200s\n", buf); break; }
    n++;
    t = bench_now() - t0;
  } while (t < 3.0);
  t = bench_now() - t0;
  close(fd);
  printf("reference, same SELECT over REST: %9.0f queries/s  (%ld in %.2f s, %.1f us each)\n", n / t, n, t,
         t / n * 1e6);
}

static void insert_rows(TAOS *taos, long rows) {
  bench_exec(taos,
       "CREATE TABLE big (ts TIMESTAMP, c1 INT, c2 BIGINT, c3 FLOAT, c4 DOUBLE, c5 SMALLINT, c6 TINYINT, c7 BOOL, "
       "c8 VARCHAR(16), c9 NCHAR(8))");
  enum { BATCH = 5000 };
  char *sql = bench_alloc((size_t)BATCH * 128 + 64);
  double t0 = bench_now();
  for (long s = 0; s < rows; s += BATCH) {
    size_t o = (size_t)sprintf(sql, "INSERT INTO big VALUES");
    for (long k = s; k < s + BATCH && k < rows; k++)
      o += (size_t)sprintf(sql + o, " (%" PRId64 ",%ld,%ld,%ld.5,%ld.25,%ld,%ld,%s,'v%ld','n%ld')",
                           (int64_t)1600000000000LL + k, k, k * 7, k % 1000, k, k % 30000, k % 100,
                           k % 2 ? "true" : "false", k, k % 100000);
    bench_exec(taos, sql);
  }
  free(sql);
  double t = bench_now() - t0;
  printf("insert via SQL (setup):          %10.0f rows/s     (%ld rows in %.2f s)\n", rows / t, rows, t);
}

/* Returns rows/s; also reports the raw bytes seen (for the memcpy reference). */
static double read_raw(TAOS *taos, long rows, size_t *bytes_out, size_t *max_block) {
  TAOS_RES *res = taos_query(taos, "SELECT * FROM big");
  if (taos_errno(res) != 0) bench_die("select raw", res);
  double t0 = bench_now();
  long n = 0;
  size_t bytes = 0, maxb = 0;
  for (;;) {
    int num = 0;
    void *data = NULL;
    if (taos_fetch_raw_block(res, &num, &data) != 0) bench_die("fetch_raw_block", res);
    if (num == 0) break;
    int32_t len;
    memcpy(&len, (char *)data + 4, 4);
    bytes += (size_t)len;
    if ((size_t)len > maxb) maxb = (size_t)len;
    n += num;
  }
  double t = bench_now() - t0;
  taos_free_result(res);
  if (n != rows) fprintf(stderr, "bench: raw read %ld rows, expected %ld\n", n, rows);
  *bytes_out = bytes;
  *max_block = maxb;
  return n / t;
}

static double read_block(TAOS *taos, long rows) {
  TAOS_RES *res = taos_query(taos, "SELECT * FROM big");
  if (taos_errno(res) != 0) bench_die("select block", res);
  double t0 = bench_now();
  long n = 0;
  TAOS_ROW cols;
  int num;
  uint64_t acc = 0;
  while ((num = taos_fetch_block(res, &cols)) > 0) {
    const char *c1 = cols[1]; /* may be unaligned (it follows a null bitmap): memcpy */
    int *off8 = taos_get_column_data_offset(res, 8);
    for (int r = 0; r < num; r++) {
      int32_t v;
      memcpy(&v, c1 + (size_t)r * sizeof v, sizeof v);
      acc += (uint64_t)v + (uint64_t)(off8 ? off8[r] : 0);
    }
    n += num;
  }
  double t = bench_now() - t0;
  if (taos_errno(res) != 0) bench_die("fetch_block", res);
  taos_free_result(res);
  sink += acc;
  if (n != rows) fprintf(stderr, "bench: block read %ld rows, expected %ld\n", n, rows);
  return n / t;
}

static double read_rows(TAOS *taos, long rows) {
  TAOS_RES *res = taos_query(taos, "SELECT * FROM big");
  if (taos_errno(res) != 0) bench_die("select row", res);
  int nf = taos_num_fields(res);
  double t0 = bench_now();
  long n = 0;
  TAOS_ROW row;
  uint64_t acc = 0;
  while ((row = taos_fetch_row(res)) != NULL) {
    for (int c = 0; c < nf; c++) acc += row[c] ? *(const uint8_t *)row[c] : 1;
    n++;
  }
  double t = bench_now() - t0;
  if (taos_errno(res) != 0) bench_die("fetch_row", res);
  taos_free_result(res);
  sink += acc;
  if (n != rows) fprintf(stderr, "bench: row read %ld rows, expected %ld\n", n, rows);
  return n / t;
}

/* memcpy of `bytes` in chunks of one block: what moving the result costs at memory speed. */
static double memcpy_reference(long rows, size_t bytes, size_t block) {
  if (block == 0) return 0;
  char *src = malloc(block), *dst = malloc(block);
  memset(src, 7, block);
  double t0 = bench_now();
  for (size_t done = 0; done < bytes; done += block) {
    memcpy(dst, src, block);
    sink += (uint8_t)dst[done % block];
  }
  double t = bench_now() - t0;
  free(src);
  free(dst);
  return t > 0 ? rows / t : 0;
}

int main(int argc, char *argv[]) {
  long rows = bench_rows(1000000);
  TAOS *taos = bench_connect(argc, argv);
  bench_fresh_db(taos, "bench");

  round_trips(taos);
  rest_round_trips(argv[1], argv[2]);
  insert_rows(taos, rows);

  size_t bytes = 0, block = 0;
  read_raw(taos, rows, &bytes, &block); /* warm-up */
  double raw = read_raw(taos, rows, &bytes, &block);
  double blk = read_block(taos, rows);
  double row = read_rows(taos, rows);
  double mem = memcpy_reference(rows, bytes, block);

  printf("SELECT * (%ld rows x 10 cols, %.1f MB of raw blocks):\n", rows, bytes / 1e6);
  printf("  taos_fetch_raw_block:          %10.0f rows/s\n", raw);
  printf("  taos_fetch_block:              %10.0f rows/s\n", blk);
  printf("  taos_fetch_row:                %10.0f rows/s\n", row);
  printf("  reference, memcpy of the blocks:%9.0f rows/s  (%.2f GB/s)\n", mem, mem * ((double)bytes / rows) / 1e9);
  printf("ratios: fetch_block/raw %.2f, fetch_row/raw %.2f, raw/memcpy %.4f\n", blk / raw, row / raw, raw / mem);

  bench_exec(taos, "DROP DATABASE bench");
  taos_close(taos);
  return 0;
}
