/*
 * bench_stmt.c: parameter-binding write throughput of libtaos-rs through its C API,
 * against the dev server.
 *
 *   1. rows/s inserting BENCH_ROWS (default 1,000,000) rows x 10 columns into 100 child
 *      tables with stmt2: `INSERT INTO ? USING stb TAGS(?) VALUES(?,...)`, one
 *      taos_stmt2_bind_param of a 100-table TAOS_STMT2_BINDV (10,000 rows) + one
 *      taos_stmt2_exec per batch
 *   2. the same with stmt v1: per table taos_stmt_set_tbname_tags +
 *      taos_stmt_bind_param_batch + taos_stmt_add_batch, one taos_stmt_execute per
 *      10,000 rows
 *   3. reference measured in the same run: the same rows as multi-table SQL INSERT
 *      statements of 10,000 rows through taos_query, so the figures read as ratios
 *   4. WebSocket messages per batch, observed: a short extra run of each API through a
 *      counting TCP relay between the library and the dev server (not timed). Every
 *      request the library sends is answered by one reply, so messages sent = round trips.
 *
 * Only the bind/exec calls are timed (filling the column buffers is not). Every part is
 * checked with SELECT COUNT(*) and SUM(c2): a run that loses rows or changes values exits
 * non-zero. A call failing with TSDB_CODE_OPS_NOT_SUPPORT (0x80000100) is reported and
 * that part skipped. Each figure also shows the process CPU time per row of this program
 * (library included) and of the dev server (BENCH_SERVER_PID).
 *
 * usage: bench_stmt HOST PORT   (benches/run_write.sh starts the dev server and passes them)
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <taos.h>

enum { TABLES = 100, BATCH = 10000, PER_TABLE = BATCH / TABLES, NCOL = 10, VC = 16, NC = 8 };
#define OPS_NOT_SUPPORT ((int)0x80000100)
static const int64_t TS0 = 1700000000000LL;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this whole process (the benchmark plus the library's threads): compared with
 * the wall time of the same calls it tells how much of a write is spent client-side. */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Process CPU seconds spent inside the timed calls of the last measured part. */
static double last_cpu;

/* CPU seconds (user + system) of the dev server process named by BENCH_SERVER_PID (set by
 * benches/run_write.sh), from /proc; -1 when unknown. Resolution: one clock tick. */
static double server_cpu(void) {
  const char *pid = getenv("BENCH_SERVER_PID");
  if (pid == NULL) return -1;
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  FILE *f = fopen(path, "r");
  if (f == NULL) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  /* Fields after the ")" closing the command name: state is field 3, utime 14, stime 15. */
  char *p = strrchr(buf, ')');
  unsigned long ut = 0, st = 0;
  if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2) return -1;
  return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Dev server CPU seconds during the timed calls of the last measured part (< 0: unknown). */
static double last_srv;

/* One figure: rate, plus the process CPU of the timed calls per row and as a share of
 * their wall time (the rest is waiting for the dev server). */
static void report(const char *label, double rate, long rows, const char *unit, const char *note) {
  double wall = rows / rate;
  printf("  %-48s %10.0f %s  client CPU %5.2f us/row (%3.0f%% of wall)", label, rate, unit, last_cpu / rows * 1e6,
         100.0 * last_cpu / wall);
  if (last_srv >= 0) printf(", server CPU %5.2f us/row", last_srv / rows * 1e6);
  printf("%s\n", note);
}

static void die(const char *what, TAOS_RES *res) {
  fprintf(stderr, "bench_stmt: %s: 0x%08x %s\n", what, (unsigned)taos_errno(res), taos_errstr(res));
  exit(1);
}

static void exec(TAOS *taos, const char *sql) {
  TAOS_RES *res = taos_query(taos, sql);
  if (taos_errno(res) != 0) die(sql, res);
  taos_free_result(res);
}

static long count_rows(TAOS *taos, const char *table) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
  TAOS_RES *res = taos_query(taos, sql);
  if (taos_errno(res) != 0) die(sql, res);
  TAOS_ROW row = taos_fetch_row(res);
  int64_t n = -1;
  if (row && row[0]) memcpy(&n, row[0], sizeof n); /* cells may be unaligned */
  long got = (long)n;
  taos_free_result(res);
  return got;
}

static void check_count(TAOS *taos, const char *table, long want) {
  long got = count_rows(taos, table);
  if (got != want) {
    fprintf(stderr, "bench_stmt: %s has %ld rows, expected %ld: rows were lost\n", table, got, want);
    exit(1);
  }
}

/* SELECT SUM(`col`) FROM `table` must be `want`: catches rows that arrived with wrong
 * values (columns swapped, rows of one batch repeated), not only missing ones. */
static void check_sum(TAOS *taos, const char *table, const char *col, int64_t want) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT SUM(%s) FROM %s", col, table);
  TAOS_RES *res = taos_query(taos, sql);
  if (taos_errno(res) != 0) die(sql, res);
  TAOS_ROW row = taos_fetch_row(res);
  TAOS_FIELD *f = taos_fetch_fields(res);
  int64_t got = -1;
  if (row && row[0] && f) {
    /* memcpy: cells of a row may be unaligned. */
    if (f[0].type == TSDB_DATA_TYPE_DOUBLE) {
      double d;
      memcpy(&d, row[0], sizeof d);
      got = (int64_t)d;
    } else {
      memcpy(&got, row[0], sizeof got);
    }
  }
  taos_free_result(res);
  if (got != want) {
    fprintf(stderr, "%s: %s is %" PRId64 ", expected %" PRId64 ": wrong values\n", sql, col, got, want);
    exit(1);
  }
}

static void create_stable(TAOS *taos, const char *name) {
  char sql[512];
  snprintf(sql, sizeof sql,
           "CREATE STABLE %s (ts TIMESTAMP, c1 INT, c2 BIGINT, c3 FLOAT, c4 DOUBLE, c5 SMALLINT, c6 TINYINT, "
           "c7 BOOL, c8 VARCHAR(16), c9 NCHAR(8)) TAGS (t1 INT)",
           name);
  exec(taos, sql);
}

/* ---- column buffers: one table's PER_TABLE rows, refilled per batch ---- */

static const int COL_TYPE[NCOL] = {TSDB_DATA_TYPE_TIMESTAMP, TSDB_DATA_TYPE_INT,      TSDB_DATA_TYPE_BIGINT,
                                   TSDB_DATA_TYPE_FLOAT,     TSDB_DATA_TYPE_DOUBLE,   TSDB_DATA_TYPE_SMALLINT,
                                   TSDB_DATA_TYPE_TINYINT,   TSDB_DATA_TYPE_BOOL,     TSDB_DATA_TYPE_VARCHAR,
                                   TSDB_DATA_TYPE_NCHAR};

struct table_cols {
  int64_t ts[PER_TABLE];
  int32_t c1[PER_TABLE];
  int64_t c2[PER_TABLE];
  float c3[PER_TABLE];
  double c4[PER_TABLE];
  int16_t c5[PER_TABLE];
  int8_t c6[PER_TABLE];
  int8_t c7[PER_TABLE];
  char c8[PER_TABLE * VC]; /* stmt2: packed; v1: stride VC */
  char c9[PER_TABLE * NC];
  int32_t len8[PER_TABLE], len9[PER_TABLE];
  int32_t tag;
  int32_t tag_len;
};

/* Row r of table t in the batch starting at row `s`: global row k = s + r * TABLES + t, so
 * every row of the run is inserted once and timestamps never repeat within a table. When
 * `packed`, VARCHAR/NCHAR values are back to back (stmt2); else at a fixed stride (v1). */
static int fill_table(struct table_cols *c, long s, int t, long rows, int packed) {
  int n = 0;
  size_t o8 = 0, o9 = 0;
  for (int r = 0; r < PER_TABLE; r++) {
    long k = s + (long)r * TABLES + t;
    if (k >= rows) break;
    c->ts[r] = TS0 + k / TABLES;
    c->c1[r] = (int32_t)k;
    c->c2[r] = (int64_t)k * 7;
    c->c3[r] = (float)(k % 1000) + 0.5f;
    c->c4[r] = (double)k + 0.25;
    c->c5[r] = (int16_t)(k % 30000);
    c->c6[r] = (int8_t)(k % 100);
    c->c7[r] = (int8_t)(k & 1);
    char *p8 = c->c8 + (packed ? o8 : (size_t)r * VC), *p9 = c->c9 + (packed ? o9 : (size_t)r * NC);
    c->len8[r] = snprintf(p8, VC, "v%ld", k);
    c->len9[r] = snprintf(p9, NC, "n%ld", k % 100000);
    o8 += (size_t)c->len8[r];
    o9 += (size_t)c->len9[r];
    n++;
  }
  c->tag = t;
  c->tag_len = 4;
  return n;
}

static void *col_buf(struct table_cols *c, int i) {
  void *p[NCOL] = {c->ts, c->c1, c->c2, c->c3, c->c4, c->c5, c->c6, c->c7, c->c8, c->c9};
  return p[i];
}

static int col_size(int i) {
  const int s[NCOL] = {8, 4, 8, 4, 8, 2, 1, 1, VC, NC};
  return s[i];
}

/* ---- reference: SQL ---- */

static double sql_insert(TAOS *taos, long rows) {
  create_stable(taos, "sql_stb");
  char *sql = malloc((size_t)BATCH * 128 + 64);
  if (!sql) { fprintf(stderr, "bench_stmt: out of memory\n"); exit(1); }
  double spent = 0, cpu = 0, srv = 0;
  for (long s = 0; s < rows; s += BATCH) {
    size_t o = (size_t)sprintf(sql, "INSERT INTO");
    for (int t = 0; t < TABLES && s + t < rows; t++) {
      o += (size_t)sprintf(sql + o, " q%d USING sql_stb TAGS (%d) VALUES", t, t);
      for (long k = s + t; k < s + BATCH && k < rows; k += TABLES)
        o += (size_t)sprintf(sql + o, " (%" PRId64 ",%ld,%ld,%ld.5,%ld.25,%ld,%ld,%s,'v%ld','n%ld')", TS0 + k / TABLES,
                             k, k * 7, k % 1000, k, k % 30000, k % 100, (k & 1) ? "true" : "false", k, k % 100000);
    }
    double t0 = now(), c0 = cpu_now(), v0 = server_cpu();
    exec(taos, sql);
    spent += now() - t0;
    cpu += cpu_now() - c0;
    srv += server_cpu() - v0;
  }
  free(sql);
  last_cpu = cpu;
  last_srv = getenv("BENCH_SERVER_PID") && server_cpu() >= 0 ? srv : -1;
  return rows / spent;
}

/* ---- stmt2 ---- */

/* Inserts `rows` rows (from row `from`, in BATCH-row batches) into child tables `prefix`N
 * of `stb` on a fresh stmt2. Returns rows/s, 0 when skipped (not supported), exits on
 * other errors. `batches_out` (may be NULL) gets the number of exec calls. */
static double run_stmt2(TAOS *taos, const char *stb, const char *prefix, long from, long rows) {
  TAOS_STMT2_OPTION opt = {0, true, false, NULL, NULL};
  TAOS_STMT2 *stmt = taos_stmt2_init(taos, &opt);
  if (stmt == NULL) {
    if (taos_errno(NULL) == OPS_NOT_SUPPORT) {
      printf("  stmt2: taos_stmt2_init: not supported (0x80000100), skipped\n");
      return 0;
    }
    die("taos_stmt2_init", NULL);
  }
  char sql[256];
  snprintf(sql, sizeof sql, "INSERT INTO ? USING %s TAGS(?) VALUES(?,?,?,?,?,?,?,?,?,?)", stb);
  int rc = taos_stmt2_prepare(stmt, sql, 0);
  if (rc != 0) {
    printf("  stmt2: taos_stmt2_prepare: 0x%08x %s%s\n", (unsigned)rc, taos_stmt2_error(stmt),
           rc == OPS_NOT_SUPPORT ? ", skipped" : "");
    taos_stmt2_close(stmt);
    if (rc == OPS_NOT_SUPPORT) return 0;
    exit(1);
  }
  static struct table_cols cols[TABLES];
  static TAOS_STMT2_BIND colb[TABLES][NCOL], tagb[TABLES][1];
  static char names[TABLES][32];
  char *namep[TABLES];
  TAOS_STMT2_BIND *colp[TABLES], *tagp[TABLES];
  double spent = 0, cpu = 0, srv = 0;
  for (long s = from; s < from + rows; s += BATCH) {
    int ntab = 0;
    for (int t = 0; t < TABLES && s + t < from + rows; t++, ntab++) {
      struct table_cols *c = &cols[t];
      int n = fill_table(c, s - from, t, rows, 1);
      for (int i = 0; i < NCOL; i++) {
        colb[t][i] = (TAOS_STMT2_BIND){COL_TYPE[i], col_buf(c, i), i == 8 ? c->len8 : i == 9 ? c->len9 : NULL,
                                       NULL, n};
      }
      tagb[t][0] = (TAOS_STMT2_BIND){TSDB_DATA_TYPE_INT, &c->tag, &c->tag_len, NULL, 1};
      snprintf(names[t], sizeof names[t], "%s%d", prefix, t);
      namep[t] = names[t];
      colp[t] = colb[t];
      tagp[t] = tagb[t];
    }
    TAOS_STMT2_BINDV bv = {ntab, namep, tagp, colp};
    double t0 = now(), c0 = cpu_now(), v0 = server_cpu();
    rc = taos_stmt2_bind_param(stmt, &bv, -1);
    int affected = 0;
    if (rc == 0) rc = taos_stmt2_exec(stmt, &affected);
    spent += now() - t0;
    cpu += cpu_now() - c0;
    srv += server_cpu() - v0;
    if (rc != 0) {
      printf("  stmt2: bind/exec: 0x%08x %s%s\n", (unsigned)rc, taos_stmt2_error(stmt),
             rc == OPS_NOT_SUPPORT ? ", skipped" : "");
      taos_stmt2_close(stmt);
      if (rc == OPS_NOT_SUPPORT) return 0;
      exit(1);
    }
    long want = (from + rows - s) < BATCH ? (from + rows - s) : BATCH;
    if (affected != want) fprintf(stderr, "bench_stmt: stmt2 exec affected %d, expected %ld\n", affected, want);
  }
  taos_stmt2_close(stmt);
  last_cpu = cpu;
  last_srv = getenv("BENCH_SERVER_PID") && server_cpu() >= 0 ? srv : -1;
  return rows / spent;
}

/* ---- stmt v1 ---- */

static double run_stmt1(TAOS *taos, const char *stb, const char *prefix, long from, long rows) {
  TAOS_STMT *stmt = taos_stmt_init(taos);
  if (stmt == NULL) {
    if (taos_errno(NULL) == OPS_NOT_SUPPORT) {
      printf("  stmt v1: taos_stmt_init: not supported (0x80000100), skipped\n");
      return 0;
    }
    die("taos_stmt_init", NULL);
  }
  char sql[256];
  snprintf(sql, sizeof sql, "INSERT INTO ? USING %s TAGS(?) VALUES(?,?,?,?,?,?,?,?,?,?)", stb);
  int rc = taos_stmt_prepare(stmt, sql, 0);
  const char *step = "taos_stmt_prepare";
  static struct table_cols c;
  double spent = 0, cpu = 0, srv = 0;
  for (long s = from; rc == 0 && s < from + rows; s += BATCH) {
    double t0 = now(), c0 = cpu_now(), v0 = server_cpu();
    double fill = 0;
    for (int t = 0; rc == 0 && t < TABLES && s + t < from + rows; t++) {
      double f0 = now();
      int n = fill_table(&c, s - from, t, rows, 0);
      TAOS_MULTI_BIND cb[NCOL], tb[1];
      for (int i = 0; i < NCOL; i++)
        cb[i] = (TAOS_MULTI_BIND){COL_TYPE[i], col_buf(&c, i), (uintptr_t)col_size(i),
                                  i == 8 ? c.len8 : i == 9 ? c.len9 : NULL, NULL, n};
      tb[0] = (TAOS_MULTI_BIND){TSDB_DATA_TYPE_INT, &c.tag, sizeof c.tag, &c.tag_len, NULL, 1};
      char name[32];
      snprintf(name, sizeof name, "%s%d", prefix, t);
      fill += now() - f0;
      step = "taos_stmt_set_tbname_tags";
      rc = taos_stmt_set_tbname_tags(stmt, name, tb);
      if (rc == 0) { step = "taos_stmt_bind_param_batch"; rc = taos_stmt_bind_param_batch(stmt, cb); }
      if (rc == 0) { step = "taos_stmt_add_batch"; rc = taos_stmt_add_batch(stmt); }
    }
    if (rc == 0) { step = "taos_stmt_execute"; rc = taos_stmt_execute(stmt); }
    spent += now() - t0 - fill;
    cpu += cpu_now() - c0 - fill;
    srv += server_cpu() - v0;
    if (rc == 0) {
      long want = (from + rows - s) < BATCH ? (from + rows - s) : BATCH;
      int affected = taos_stmt_affected_rows_once(stmt);
      if (affected != want) fprintf(stderr, "bench_stmt: stmt v1 execute affected %d, expected %ld\n", affected, want);
    }
  }
  if (rc != 0) {
    printf("  stmt v1: %s: 0x%08x %s%s\n", step, (unsigned)rc, taos_stmt_errstr(stmt),
           rc == OPS_NOT_SUPPORT ? ", skipped" : "");
    taos_stmt_close(stmt);
    if (rc == OPS_NOT_SUPPORT) return 0;
    exit(1);
  }
  taos_stmt_close(stmt);
  last_cpu = cpu;
  last_srv = getenv("BENCH_SERVER_PID") && server_cpu() >= 0 ? srv : -1;
  return rows / spent;
}

/* ---- counting relay: WebSocket messages from the library to the server ---- */

struct relay {
  int lfd;
  struct sockaddr_storage up;
  socklen_t uplen;
  atomic_long sent;     /* data messages (text/binary) library -> server */
  atomic_long received; /* data messages server -> library */
};

/* Incremental WebSocket frame scanner for one direction of one connection. */
struct scan {
  int http_done;
  unsigned char tail[4]; /* last bytes of the HTTP head, to find \r\n\r\n across reads */
  unsigned char hdr[14];
  int have, need;
  uint64_t skip; /* payload bytes still to skip */
};

static void scan_bytes(struct scan *sc, const unsigned char *p, size_t n, atomic_long *counter) {
  size_t i = 0;
  while (i < n && !sc->http_done) {
    memmove(sc->tail, sc->tail + 1, 3);
    sc->tail[3] = p[i++];
    if (memcmp(sc->tail, "\r\n\r\n", 4) == 0) { sc->http_done = 1; sc->have = 0; sc->need = 2; }
  }
  while (i < n) {
    if (sc->skip > 0) {
      size_t k = (size_t)((uint64_t)(n - i) < sc->skip ? (uint64_t)(n - i) : sc->skip);
      sc->skip -= k;
      i += k;
      continue;
    }
    sc->hdr[sc->have++] = p[i++];
    if (sc->have < sc->need) continue;
    if (sc->have == 2) {
      int len7 = sc->hdr[1] & 0x7f, masked = sc->hdr[1] >> 7;
      sc->need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
      if (sc->have < sc->need) continue;
    }
    /* Whole header: count data frames (text 1, binary 2; continuations are not new
     * messages), then skip the payload. */
    int op = sc->hdr[0] & 0x0f, len7 = sc->hdr[1] & 0x7f;
    uint64_t len = (uint64_t)len7;
    if (len7 == 126) len = ((uint64_t)sc->hdr[2] << 8) | sc->hdr[3];
    if (len7 == 127) {
      len = 0;
      for (int b = 0; b < 8; b++) len = (len << 8) | sc->hdr[2 + b];
    }
    if (op == 1 || op == 2) atomic_fetch_add(counter, 1);
    sc->skip = len;
    sc->have = 0;
    sc->need = 2;
  }
}

struct pipe_args {
  struct relay *r;
  int cfd;
};

static void *relay_conn(void *arg) {
  struct pipe_args *a = arg;
  struct relay *r = a->r;
  int cfd = a->cfd;
  free(a);
  int ufd = socket(r->up.ss_family, SOCK_STREAM, 0);
  if (ufd < 0 || connect(ufd, (struct sockaddr *)&r->up, r->uplen) != 0) {
    close(cfd);
    if (ufd >= 0) close(ufd);
    return NULL;
  }
  struct scan up = {0}, down = {0};
  unsigned char buf[65536];
  struct pollfd pf[2] = {{cfd, POLLIN, 0}, {ufd, POLLIN, 0}};
  for (;;) {
    if (poll(pf, 2, -1) < 0) break;
    int done = 0;
    for (int d = 0; d < 2 && !done; d++) {
      if (!(pf[d].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(pf[d].fd, buf, sizeof buf);
      if (n <= 0) { done = 1; break; }
      scan_bytes(d == 0 ? &up : &down, buf, (size_t)n, d == 0 ? &r->sent : &r->received);
      int out = d == 0 ? ufd : cfd;
      for (ssize_t o = 0; o < n;) {
        ssize_t w = write(out, buf + o, (size_t)(n - o));
        if (w <= 0) { done = 1; break; }
        o += w;
      }
    }
    if (done) break;
  }
  close(cfd);
  close(ufd);
  return NULL;
}

static void *relay_accept(void *arg) {
  struct relay *r = arg;
  for (;;) {
    int cfd = accept(r->lfd, NULL, NULL);
    if (cfd < 0) return NULL;
    struct pipe_args *a = malloc(sizeof *a);
    if (!a) { close(cfd); continue; }
    a->r = r;
    a->cfd = cfd;
    pthread_t th;
    if (pthread_create(&th, NULL, relay_conn, a) != 0) { close(cfd); free(a); continue; }
    pthread_detach(th);
  }
}

/* Starts a relay on 127.0.0.1:0 to host:port; returns its port, 0 on failure. */
static int relay_start(struct relay *r, const char *host, const char *port) {
  struct addrinfo hints = {0}, *ai = NULL;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, port, &hints, &ai) != 0) return 0;
  memcpy(&r->up, ai->ai_addr, ai->ai_addrlen);
  r->uplen = ai->ai_addrlen;
  freeaddrinfo(ai);
  atomic_init(&r->sent, 0);
  atomic_init(&r->received, 0);
  r->lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t sl = sizeof sa;
  if (r->lfd < 0 || bind(r->lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(r->lfd, 16) != 0 ||
      getsockname(r->lfd, (struct sockaddr *)&sa, &sl) != 0)
    return 0;
  pthread_t th;
  if (pthread_create(&th, NULL, relay_accept, r) != 0) return 0;
  pthread_detach(th);
  return ntohs(sa.sin_port);
}

typedef double (*run_fn)(TAOS *, const char *, const char *, long, long);

/* Messages the library sends for `batches` batches of `fn`, per batch (setup, i.e.
 * init + prepare + close, measured separately with a zero-row run and subtracted). */
static void count_messages(struct relay *r, TAOS *taos, const char *what, run_fn fn, const char *stb) {
  enum { N = 3 };
  long s0 = atomic_load(&r->sent);
  fn(taos, stb, "rt_", 0, 0); /* init + prepare + close only */
  long setup = atomic_load(&r->sent) - s0;
  s0 = atomic_load(&r->sent);
  long g0 = atomic_load(&r->received);
  double ok = fn(taos, stb, "rt_", 0, (long)N * BATCH);
  long sent = atomic_load(&r->sent) - s0, got = atomic_load(&r->received) - g0;
  if (ok <= 0) return;
  printf("  %-8s WebSocket messages per %d-row batch: %.1f sent, %.1f received  (statement setup+close: %ld)\n",
         what, BATCH, (double)(sent - setup) / N, (double)(got - setup) / N, setup);
}

int main(int argc, char *argv[]) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
    return 2;
  }
  long rows = getenv("BENCH_ROWS") ? atol(getenv("BENCH_ROWS")) : 1000000;
  if (rows <= 0) rows = 1000000;
  TAOS *taos = taos_connect(argv[1], "root", "taosdata", NULL, (uint16_t)atoi(argv[2]));
  if (taos == NULL) die("connect", NULL);
  exec(taos, "DROP DATABASE IF EXISTS bench_stmt");
  exec(taos, "CREATE DATABASE bench_stmt");
  exec(taos, "USE bench_stmt");
  create_stable(taos, "stb2");
  create_stable(taos, "stb1");

  int64_t sum = (int64_t)rows * (rows - 1) / 2; /* c2 of row k is 7k */
  printf("stmt, %ld rows x %d columns into %d child tables, %d rows per exec:\n", rows, NCOL, TABLES, BATCH);
  double s2 = run_stmt2(taos, "stb2", "s2_", 0, rows);
  if (s2 > 0) {
    check_count(taos, "stb2", rows);
    check_sum(taos, "stb2", "c2", sum * 7);
    report("stmt2 (bind_param of 100 tables + exec):", s2, rows, "rows/s", "");
  }
  double s1 = run_stmt1(taos, "stb1", "s1_", 0, rows);
  if (s1 > 0) {
    check_count(taos, "stb1", rows);
    check_sum(taos, "stb1", "c2", sum * 7);
    report("stmt v1 (set_tbname_tags+bind_batch+add_batch):", s1, rows, "rows/s", "");
  }
  double sql = sql_insert(taos, rows);
  check_count(taos, "sql_stb", rows);
  check_sum(taos, "sql_stb", "c2", sum * 7);
  report("reference, same rows as SQL INSERT:", sql, rows, "rows/s", "  (multi-table INSERT)");
  if (s2 > 0 || s1 > 0)
    printf("ratios: stmt2/SQL %.2f, stmt v1/SQL %.2f  (row counts and sums verified)\n", s2 / sql,
           s1 / sql);

  /* Round trips, through the counting relay on a second connection. */
  struct relay r;
  memset(&r, 0, sizeof r);
  int rport = relay_start(&r, argv[1], argv[2]);
  TAOS *rt = rport ? taos_connect("127.0.0.1", "root", "taosdata", "bench_stmt", (uint16_t)rport) : NULL;
  if (rt == NULL) {
    printf("  (message count skipped: relay or connection failed)\n");
  } else {
    create_stable(rt, "rt2");
    create_stable(rt, "rt1");
    count_messages(&r, rt, "stmt2", run_stmt2, "rt2");
    count_messages(&r, rt, "stmt v1", run_stmt1, "rt1");
    taos_close(rt);
  }

  exec(taos, "DROP DATABASE bench_stmt");
  taos_close(taos);
  return 0;
}
