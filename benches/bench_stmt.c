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
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>

#define BENCH_NAME "bench_stmt"
#include "bench_util.h"

enum { TABLES = BENCH_TABLES, BATCH = 10000, PER_TABLE = BATCH / TABLES, NCOL = 10, VC = 16, NC = 8 };
#define OPS_NOT_SUPPORT ((int)0x80000100)

/* The timed calls of the last measured part (bench_report shows their CPU). */
static struct bench_meter last;

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
    c->ts[r] = BENCH_TS0 + k / TABLES;
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
  bench_create_stable(taos, "sql_stb");
  char *sql = bench_alloc(bench_stable_sql_cap(BATCH));
  struct bench_meter m = bench_meter_new();
  for (long s = 0; s < rows; s += BATCH) {
    bench_stable_insert_sql(sql, "sql_stb", "q", s, BATCH, rows);
    bench_meter_start(&m);
    bench_exec(taos, sql);
    bench_meter_stop(&m);
  }
  free(sql);
  last = m;
  return rows / m.wall;
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
    bench_die("taos_stmt2_init", NULL);
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
  struct bench_meter m = bench_meter_new();
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
    bench_meter_start(&m);
    rc = taos_stmt2_bind_param(stmt, &bv, -1);
    int affected = 0;
    if (rc == 0) rc = taos_stmt2_exec(stmt, &affected);
    bench_meter_stop(&m);
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
  last = m;
  return rows / m.wall;
}

/* ---- stmt v1 ---- */

static double run_stmt1(TAOS *taos, const char *stb, const char *prefix, long from, long rows) {
  TAOS_STMT *stmt = taos_stmt_init(taos);
  if (stmt == NULL) {
    if (taos_errno(NULL) == OPS_NOT_SUPPORT) {
      printf("  stmt v1: taos_stmt_init: not supported (0x80000100), skipped\n");
      return 0;
    }
    bench_die("taos_stmt_init", NULL);
  }
  char sql[256];
  snprintf(sql, sizeof sql, "INSERT INTO ? USING %s TAGS(?) VALUES(?,?,?,?,?,?,?,?,?,?)", stb);
  int rc = taos_stmt_prepare(stmt, sql, 0);
  const char *step = "taos_stmt_prepare";
  static struct table_cols c;
  struct bench_meter m = bench_meter_new();
  for (long s = from; rc == 0 && s < from + rows; s += BATCH) {
    bench_meter_start(&m);
    double fill = 0;
    for (int t = 0; rc == 0 && t < TABLES && s + t < from + rows; t++) {
      double f0 = bench_now();
      int n = fill_table(&c, s - from, t, rows, 0);
      TAOS_MULTI_BIND cb[NCOL], tb[1];
      for (int i = 0; i < NCOL; i++)
        cb[i] = (TAOS_MULTI_BIND){COL_TYPE[i], col_buf(&c, i), (uintptr_t)col_size(i),
                                  i == 8 ? c.len8 : i == 9 ? c.len9 : NULL, NULL, n};
      tb[0] = (TAOS_MULTI_BIND){TSDB_DATA_TYPE_INT, &c.tag, sizeof c.tag, &c.tag_len, NULL, 1};
      char name[32];
      snprintf(name, sizeof name, "%s%d", prefix, t);
      fill += bench_now() - f0;
      step = "taos_stmt_set_tbname_tags";
      rc = taos_stmt_set_tbname_tags(stmt, name, tb);
      if (rc == 0) { step = "taos_stmt_bind_param_batch"; rc = taos_stmt_bind_param_batch(stmt, cb); }
      if (rc == 0) { step = "taos_stmt_add_batch"; rc = taos_stmt_add_batch(stmt); }
    }
    if (rc == 0) { step = "taos_stmt_execute"; rc = taos_stmt_execute(stmt); }
    bench_meter_stop(&m);
    bench_meter_exclude(&m, fill);
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
  last = m;
  return rows / m.wall;
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
  long rows = bench_rows(1000000);
  TAOS *taos = bench_connect(argc, argv);
  bench_fresh_db(taos, "bench_stmt");
  bench_create_stable(taos, "stb2");
  bench_create_stable(taos, "stb1");

  int64_t sum = (int64_t)rows * (rows - 1) / 2; /* c2 of row k is 7k */
  printf("stmt, %ld rows x %d columns into %d child tables, %d rows per exec:\n", rows, NCOL, TABLES, BATCH);
  double s2 = run_stmt2(taos, "stb2", "s2_", 0, rows);
  if (s2 > 0) {
    bench_check_count(taos, "stb2", rows);
    bench_check_sum(taos, "stb2", "c2", sum * 7);
    bench_report("stmt2 (bind_param of 100 tables + exec):", s2, rows, "rows/s", "", &last);
  }
  double s1 = run_stmt1(taos, "stb1", "s1_", 0, rows);
  if (s1 > 0) {
    bench_check_count(taos, "stb1", rows);
    bench_check_sum(taos, "stb1", "c2", sum * 7);
    bench_report("stmt v1 (set_tbname_tags+bind_batch+add_batch):", s1, rows, "rows/s", "", &last);
  }
  double sql = sql_insert(taos, rows);
  bench_check_count(taos, "sql_stb", rows);
  bench_check_sum(taos, "sql_stb", "c2", sum * 7);
  bench_report("reference, same rows as SQL INSERT:", sql, rows, "rows/s", "  (multi-table INSERT)", &last);
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
    bench_create_stable(rt, "rt2");
    bench_create_stable(rt, "rt1");
    count_messages(&r, rt, "stmt2", run_stmt2, "rt2");
    count_messages(&r, rt, "stmt v1", run_stmt1, "rt1");
    taos_close(rt);
  }

  bench_exec(taos, "DROP DATABASE bench_stmt");
  taos_close(taos);
  return 0;
}
