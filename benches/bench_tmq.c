/*
 * bench_tmq.c: subscription (TMQ) read throughput of libtaos-rs through its C API, against
 * the dev server.
 *
 *   1. setup (timed, printed, not the figure): BENCH_ROWS (default 1,000,000) rows x 10
 *      columns into a supertable with 100 child tables, as multi-table SQL INSERTs of
 *      10,000 rows; then CREATE TOPIC ... AS STABLE
 *   2. messages/s and rows/s of one consumer (a new group.id, auto.offset.reset earliest,
 *      auto commit off) calling tmq_consumer_poll until every row was read, each message
 *      read with taos_fetch_block; rows per message, empty polls, the poll timeout used
 *   3. reference measured in the same run: the same rows read with SELECT * FROM stb via
 *      taos_fetch_block, so the figure reads as a ratio against the library's query path.
 *
 * Both reads are checked: row count, SUM(c1), SUM(c1 * c1) and SUM(c2) over what was read
 * must equal the inserted data (a lost, repeated or altered row changes them); otherwise
 * it exits non-zero. Each figure also shows the CPU time per row of this program (library
 * included) and of the dev server (BENCH_SERVER_PID).
 *
 * usage: bench_tmq HOST PORT   (benches/run_tmq.sh starts the dev server and passes them)
 * environment: BENCH_ROWS, BENCH_POLL_MS (poll timeout, default 500)
 */
#include <taos.h>

#define BENCH_NAME "bench_tmq"
#include "bench_util.h"

enum { BATCH = 10000 };

/* A consumer that sees no row for this long gives up (the check then fails). */
static const double IDLE_LIMIT_S = 10.0;

/* What a read saw: checked against the inserted rows. */
struct tally {
  long rows;
  uint64_t sum_c1, sum_c1_sq, sum_c2; /* wrap-around sums: exact comparison, no overflow */
};

/* The tally of rows 0 .. rows-1 as bench_stable_insert_sql writes them (c1 = k, c2 = 7k). */
static struct tally expected(long rows) {
  struct tally t = {rows, 0, 0, 0};
  for (long k = 0; k < rows; k++) {
    t.sum_c1 += (uint64_t)k;
    t.sum_c1_sq += (uint64_t)k * (uint64_t)k;
    t.sum_c2 += (uint64_t)k * 7;
  }
  return t;
}

/* Exits when `got` differs from `want`. */
static void check_tally(const char *what, struct tally got, struct tally want) {
  fflush(stdout); /* the figures first, then the error */
  if (got.rows != want.rows || got.sum_c1 != want.sum_c1 || got.sum_c1_sq != want.sum_c1_sq ||
      got.sum_c2 != want.sum_c2) {
    fprintf(stderr,
            BENCH_NAME ": %s: read %ld rows (sum c1 %" PRIu64 ", sum c1^2 %" PRIu64 ", sum c2 %" PRIu64
                       "), expected %ld (%" PRIu64 ", %" PRIu64 ", %" PRIu64 "): rows lost, repeated or altered\n",
            what, got.rows, got.sum_c1, got.sum_c1_sq, got.sum_c2, want.rows, want.sum_c1, want.sum_c1_sq,
            want.sum_c2);
    exit(1);
  }
}

/* Index of the column named `name` in `res`, -1 if absent. */
static int column_index(TAOS_RES *res, const char *name) {
  int n = taos_num_fields(res);
  TAOS_FIELD *f = taos_fetch_fields(res);
  for (int i = 0; f != NULL && i < n; i++)
    if (strcmp(f[i].name, name) == 0) return i;
  return -1;
}

/* Reads every block of `res` with taos_fetch_block into `t`; returns the rows read. */
static long read_blocks(TAOS_RES *res, struct tally *t, const char *what) {
  int i1 = column_index(res, "c1"), i2 = column_index(res, "c2");
  if (i1 < 0 || i2 < 0) {
    fprintf(stderr, BENCH_NAME ": %s: result has no column c1 or c2\n", what);
    exit(1);
  }
  long n = 0;
  TAOS_ROW cols;
  int num;
  while ((num = taos_fetch_block(res, &cols)) > 0) {
    const char *c1 = cols[i1], *c2 = cols[i2];
    for (int r = 0; r < num; r++) {
      /* memcpy: column data follows a null bitmap of (rows + 7) / 8 bytes, so it need not
       * be aligned (as with TDengine's own client). */
      int32_t v1;
      int64_t v2;
      memcpy(&v1, c1 + (size_t)r * sizeof v1, sizeof v1);
      memcpy(&v2, c2 + (size_t)r * sizeof v2, sizeof v2);
      uint64_t v = (uint64_t)(int64_t)v1;
      t->sum_c1 += v;
      t->sum_c1_sq += v * v;
      t->sum_c2 += (uint64_t)v2;
    }
    n += num;
  }
  if (taos_errno(res) != 0) bench_die(what, res);
  t->rows += n;
  return n;
}

/* Setup: the supertable `stb` with `rows` rows in BENCH_TABLES child tables. */
static void insert_rows(TAOS *taos, long rows) {
  bench_create_stable(taos, "stb");
  char *sql = bench_alloc(bench_stable_sql_cap(BATCH));
  double t0 = bench_now();
  for (long s = 0; s < rows; s += BATCH) {
    bench_stable_insert_sql(sql, "stb", "d", s, BATCH, rows);
    bench_exec(taos, sql);
  }
  double t = bench_now() - t0;
  free(sql);
  printf("  %-48s %10.0f rows/s  (%ld rows in %.2f s)\n", "insert via SQL (setup, not the figure):", rows / t, rows, t);
}

static tmq_t *new_consumer(const char *host, const char *port, const char *group) {
  tmq_conf_t *conf = tmq_conf_new();
  const char *kv[][2] = {{"td.connect.ip", host},     {"td.connect.port", port},
                         {"td.connect.user", "root"}, {"td.connect.pass", "taosdata"},
                         {"group.id", group},         {"auto.offset.reset", "earliest"},
                         {"enable.auto.commit", "false"}};
  for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
    if (tmq_conf_set(conf, kv[i][0], kv[i][1]) != TMQ_CONF_OK) {
      fprintf(stderr, BENCH_NAME ": tmq_conf_set %s=%s refused\n", kv[i][0], kv[i][1]);
      exit(1);
    }
  }
  char errstr[512] = "";
  tmq_t *tmq = tmq_consumer_new(conf, errstr, sizeof errstr);
  tmq_conf_destroy(conf);
  if (tmq == NULL) {
    fprintf(stderr, BENCH_NAME ": tmq_consumer_new: %s\n", errstr);
    exit(1);
  }
  return tmq;
}

/* Prints the topic's vgroup offsets: on a short read they tell whether the server's log
 * no longer held the first rows (begin > 0) or the consumer stopped early. */
static void print_assignment(tmq_t *tmq, const char *topic) {
  fflush(stdout);
  tmq_topic_assignment *a = NULL;
  int32_t n = 0;
  int32_t rc = tmq_get_topic_assignment(tmq, topic, &a, &n);
  if (rc != 0) {
    fprintf(stderr, "  (tmq_get_topic_assignment: 0x%08x %s)\n", (unsigned)rc, tmq_err2str(rc));
    return;
  }
  int trimmed = 0;
  for (int32_t i = 0; i < n; i++) {
    fprintf(stderr, "  vgroup %d: begin %" PRId64 ", end %" PRId64 ", position %" PRId64 "\n", a[i].vgId, a[i].begin,
            a[i].end, a[i].currentOffset);
    trimmed |= a[i].begin > 0;
  }
  if (trimmed) fprintf(stderr, "  (begin > 0: the server's log retention dropped the first writes before the read)\n");
  tmq_free_assignment(a);
}

/* Consumes the topic until `rows` rows were read (or nothing came for IDLE_LIMIT_S).
 * Prints the figures; returns rows/s. */
static double consume(const char *host, const char *port, const char *topic, long rows, long poll_ms,
                      struct tally *t) {
  char group[64];
  snprintf(group, sizeof group, "bench_%ld_%ld", (long)getpid(), (long)time(NULL));
  double s0 = bench_now();
  tmq_t *tmq = new_consumer(host, port, group);
  tmq_list_t *list = tmq_list_new();
  if (tmq_list_append(list, topic) != 0) bench_fail("tmq_list_append failed");
  int32_t rc = tmq_subscribe(tmq, list);
  tmq_list_destroy(list);
  if (rc != 0) {
    fprintf(stderr, BENCH_NAME ": tmq_subscribe: 0x%08x %s\n", (unsigned)rc, tmq_err2str(rc));
    exit(1);
  }
  double setup = bench_now() - s0;

  long msgs = 0, empty = 0;
  struct bench_meter m = bench_meter_new();
  bench_meter_start(&m);
  double idle_since = bench_now(), idle = 0;
  while (t->rows < rows) {
    TAOS_RES *msg = tmq_consumer_poll(tmq, poll_ms);
    if (msg == NULL) {
      empty++;
      idle = bench_now() - idle_since;
      if (idle > IDLE_LIMIT_S) break; /* gave up: the wait is not counted below */
      continue;
    }
    idle = 0;
    if (tmq_get_res_type(msg) != TMQ_RES_DATA) {
      fprintf(stderr, BENCH_NAME ": message %ld is not a data message (type %d)\n", msgs, (int)tmq_get_res_type(msg));
      exit(1);
    }
    read_blocks(msg, t, "tmq message");
    taos_free_result(msg);
    msgs++;
    idle_since = bench_now();
  }
  bench_meter_stop(&m);
  m.wall -= idle;
  if (t->rows != rows) print_assignment(tmq, topic);

  double c0 = bench_now();
  rc = tmq_unsubscribe(tmq);
  if (rc != 0) fprintf(stderr, BENCH_NAME ": tmq_unsubscribe: 0x%08x %s\n", (unsigned)rc, tmq_err2str(rc));
  rc = tmq_consumer_close(tmq);
  if (rc != 0) fprintf(stderr, BENCH_NAME ": tmq_consumer_close: 0x%08x %s\n", (unsigned)rc, tmq_err2str(rc));
  double teardown = bench_now() - c0;

  double rate = t->rows / m.wall;
  printf("  consumer new + subscribe %.3f s, unsubscribe + close %.3f s (not timed)\n", setup, teardown);
  printf("  %-48s %10.0f msgs/s  (%ld messages, %.0f rows per message, %ld empty polls)\n",
         "tmq_consumer_poll + taos_fetch_block:", msgs / m.wall, msgs, msgs ? (double)t->rows / msgs : 0.0, empty);
  bench_report("tmq_consumer_poll + taos_fetch_block:", rate, t->rows ? t->rows : 1, "rows/s", "", &m);
  printf("  total %.2f s for %ld rows, poll timeout %ld ms\n", m.wall, t->rows, poll_ms);
  return rate;
}

/* Reference: SELECT * FROM stb read with taos_fetch_block. Returns rows/s. */
static double select_all(TAOS *taos, struct tally *t) {
  struct bench_meter m = bench_meter_new();
  bench_meter_start(&m);
  TAOS_RES *res = taos_query(taos, "SELECT * FROM stb");
  if (taos_errno(res) != 0) bench_die("SELECT * FROM stb", res);
  read_blocks(res, t, "SELECT * FROM stb");
  taos_free_result(res);
  bench_meter_stop(&m);
  double rate = t->rows / m.wall;
  bench_report("reference, SELECT * FROM stb + fetch_block:", rate, t->rows ? t->rows : 1, "rows/s",
               "  (query included)", &m);
  return rate;
}

int main(int argc, char *argv[]) {
  long rows = bench_rows(1000000);
  long poll_ms = getenv("BENCH_POLL_MS") ? atol(getenv("BENCH_POLL_MS")) : 500;
  if (poll_ms <= 0) poll_ms = 500;
  TAOS *taos = bench_connect(argc, argv);
  const char *topic = "bench_tmq_topic";
  bench_exec(taos, "DROP TOPIC IF EXISTS bench_tmq_topic"); /* TDengine refuses to drop a database a topic reads */
  bench_fresh_db(taos, "bench_tmq");

  printf("tmq, %ld rows x 10 columns from %d child tables, topic AS STABLE, poll timeout %ld ms:\n", rows,
         BENCH_TABLES, poll_ms);
  insert_rows(taos, rows);
  bench_check_count(taos, "stb", rows);
  bench_exec(taos, "CREATE TOPIC bench_tmq_topic AS STABLE stb");
  struct tally want = expected(rows);

  struct tally got = {0, 0, 0, 0};
  double tmq = consume(argv[1], argv[2], topic, rows, poll_ms, &got);
  check_tally("tmq", got, want);

  struct tally ref = {0, 0, 0, 0};
  double sel = select_all(taos, &ref);
  check_tally("SELECT", ref, want);
  printf("ratio: tmq/SELECT %.2f  (row counts and checksums verified)\n", tmq / sel);

  bench_exec(taos, "DROP TOPIC bench_tmq_topic");
  bench_exec(taos, "DROP DATABASE bench_tmq");
  taos_close(taos);
  return 0;
}
