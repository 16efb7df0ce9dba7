/* The raw/meta half of TMQ against the suite's dev server, as a replication tool (taosX)
 * uses it:
 *  1. a topic AS DATABASE over db1 (supertable with tags, child tables, every column type,
 *     NULLs): each message is taken with tmq_get_raw and written with tmq_write_raw into db2
 *     (same schema pre-created), then SELECT tbname, * of both databases is compared cell by
 *     cell; the same payload written into db3, where the child tables do not exist, fails
 *     with PAR_TABLE_NOT_EXIST (data messages name their tables but do not create them; in
 *     TDengine the meta messages of a WITH META topic create them) and writes nothing;
 *  2. tmq_get_json_meta on a WITH META topic for CREATE STABLE / CREATE TABLE (child and
 *     normal) / ALTER / DROP TABLE, each JSON parsed and its fields checked against what
 *     TDengine emits (clientRawBlockWrite.c); NULL for data messages; tmq_free_json_meta;
 *     and every message of that topic, meta included, copied with tmq_get_raw /
 *     tmq_write_raw into an empty database, which ends up with the same tables, schemas,
 *     tags and rows;
 *  3. argument errors of tmq_get_raw / tmq_write_raw / tmq_free_raw / tmq_get_json_meta;
 *  4. a WITH META topic where INSERT ... USING creates the child tables: those arrive as
 *     meta+data messages (TMQ_RES_METADATA, raw type 4: blocks plus the create-table list);
 *     every message copied with tmq_get_raw / tmq_write_raw into an empty database creates
 *     the children with their tags before writing, so tables, tags and rows match. */
#include <ctype.h>

#include "testutil.h"

#define PAR_TABLE_NOT_EXIST ((int)0x80002603)

/* ---- a small JSON reader (enough to check meta JSON field by field) ---------------- */

enum jkind { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct jv {
  enum jkind kind;
  int b;
  double num;
  char *str;         /* J_STR */
  int n;             /* items of J_ARR / J_OBJ */
  char **keys;       /* J_OBJ */
  struct jv **items; /* J_ARR / J_OBJ */
} jv;

static void jv_free(jv *v) {
  if (v == NULL) return;
  for (int i = 0; i < v->n; i++) {
    if (v->keys) free(v->keys[i]);
    jv_free(v->items[i]);
  }
  free(v->keys);
  free(v->items);
  free(v->str);
  free(v);
}

static void skip_ws(const char **p) {
  while (isspace((unsigned char)**p)) (*p)++;
}

static char *parse_str(const char **p) {
  if (**p != '"') return NULL;
  (*p)++;
  size_t cap = 16, len = 0;
  char *out = malloc(cap);
  while (**p && **p != '"') {
    char c = **p;
    if (c == '\\') {
      (*p)++;
      switch (**p) {
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case 'u': c = '?'; *p += 4; break; /* not needed by these tests */
        default: c = **p; break;
      }
    }
    if (len + 2 > cap) out = realloc(out, cap *= 2);
    out[len++] = c;
    (*p)++;
  }
  if (**p != '"') {
    free(out);
    return NULL;
  }
  (*p)++;
  out[len] = 0;
  return out;
}

static jv *parse_value(const char **p);

static int push_item(jv *v, char *key, jv *item) {
  v->items = realloc(v->items, sizeof(jv *) * (size_t)(v->n + 1));
  if (v->kind == J_OBJ) v->keys = realloc(v->keys, sizeof(char *) * (size_t)(v->n + 1));
  if (v->kind == J_OBJ) v->keys[v->n] = key;
  v->items[v->n++] = item;
  return 0;
}

static jv *parse_value(const char **p) {
  skip_ws(p);
  jv *v = calloc(1, sizeof(jv));
  char c = **p;
  if (c == '{' || c == '[') {
    v->kind = c == '{' ? J_OBJ : J_ARR;
    char close = c == '{' ? '}' : ']';
    (*p)++;
    skip_ws(p);
    if (**p == close) {
      (*p)++;
      return v;
    }
    for (;;) {
      char *key = NULL;
      if (v->kind == J_OBJ) {
        skip_ws(p);
        key = parse_str(p);
        skip_ws(p);
        if (key == NULL || **p != ':') {
          free(key);
          jv_free(v);
          return NULL;
        }
        (*p)++;
      }
      jv *item = parse_value(p);
      if (item == NULL) {
        free(key);
        jv_free(v);
        return NULL;
      }
      push_item(v, key, item);
      skip_ws(p);
      if (**p == ',') {
        (*p)++;
        continue;
      }
      if (**p == close) {
        (*p)++;
        return v;
      }
      jv_free(v);
      return NULL;
    }
  }
  if (c == '"') {
    v->kind = J_STR;
    v->str = parse_str(p);
    if (v->str == NULL) {
      jv_free(v);
      return NULL;
    }
    return v;
  }
  if (strncmp(*p, "true", 4) == 0 || strncmp(*p, "false", 5) == 0) {
    v->kind = J_BOOL;
    v->b = c == 't';
    *p += v->b ? 4 : 5;
    return v;
  }
  if (strncmp(*p, "null", 4) == 0) {
    v->kind = J_NULL;
    *p += 4;
    return v;
  }
  char *end = NULL;
  v->num = strtod(*p, &end);
  if (end == *p) {
    jv_free(v);
    return NULL;
  }
  v->kind = J_NUM;
  *p = end;
  return v;
}

/* Parses a whole document; NULL when it is not valid JSON. */
static jv *jv_parse(const char *text) {
  const char *p = text;
  jv *v = parse_value(&p);
  skip_ws(&p);
  if (v != NULL && *p != 0) {
    jv_free(v);
    return NULL;
  }
  return v;
}

static const jv *jv_get(const jv *o, const char *key) {
  if (o == NULL || o->kind != J_OBJ) return NULL;
  for (int i = 0; i < o->n; i++)
    if (strcmp(o->keys[i], key) == 0) return o->items[i];
  return NULL;
}

static const jv *jv_at(const jv *a, int i) { return (a && a->kind == J_ARR && i >= 0 && i < a->n) ? a->items[i] : NULL; }
static int jv_len(const jv *a) { return (a && (a->kind == J_ARR || a->kind == J_OBJ)) ? a->n : -1; }
static const char *jv_str(const jv *v) { return (v && v->kind == J_STR) ? v->str : NULL; }
static double jv_num(const jv *v) { return (v && v->kind == J_NUM) ? v->num : -999999; }

/* Checks a column/tag entry {name, type[, length][, value]}: exactly these keys. */
static void check_col(const jv *c, const char *name, int type, int length) {
  CHECK_STR_EQ(jv_str(jv_get(c, "name")), name);
  CHECK_DBL_EQ(jv_num(jv_get(c, "type")), type);
  if (length >= 0) CHECK_DBL_EQ(jv_num(jv_get(c, "length")), length);
  else CHECK_MSG(jv_get(c, "length") == NULL, "%s: unexpected length", name);
}

/* ---- helpers -------------------------------------------------------------------------- */

/* Compares two SELECTs cell by cell (same fields, rows, NULLs, bytes); returns the rows. */
static int compare_queries(TAOS *taos, const char *sel_a, const char *sel_b) {
  TAOS_RES *ra = taos_query(taos, sel_a);
  TAOS_RES *rb = taos_query(taos, sel_b);
  CHECK_MSG(taos_errno(ra) == 0, "%s: %s", sel_a, taos_errstr(ra));
  CHECK_MSG(taos_errno(rb) == 0, "%s: %s", sel_b, taos_errstr(rb));
  int rows = 0;
  if (taos_errno(ra) == 0 && taos_errno(rb) == 0) {
    int n = taos_num_fields(ra);
    CHECK_INT_EQ(taos_num_fields(rb), n);
    TAOS_FIELD *fa = taos_fetch_fields(ra);
    for (;;) {
      TAOS_ROW a = taos_fetch_row(ra);
      TAOS_ROW b = taos_fetch_row(rb);
      if (a == NULL || b == NULL) {
        CHECK_MSG(a == NULL && b == NULL, "%s: %s has more rows (after %d)", sel_b, a ? "source" : "copy", rows);
        break;
      }
      int *la = taos_fetch_lengths(ra), *lb = taos_fetch_lengths(rb);
      for (int c = 0; c < n && la && lb; c++) {
        if (a[c] == NULL || b[c] == NULL) {
          CHECK_MSG(a[c] == NULL && b[c] == NULL, "row %d col %s: NULL in only one (%s)", rows, fa[c].name,
                    a[c] ? "copy" : "source");
          continue;
        }
        int len = tu_is_var(fa[c].type) ? la[c] : tu_fixed_size(fa[c].type);
        CHECK_MSG(la[c] == lb[c] && memcmp(a[c], b[c], (size_t)len) == 0, "row %d col %s: values differ", rows,
                  fa[c].name);
      }
      rows++;
    }
  }
  taos_free_result(ra);
  taos_free_result(rb);
  return rows;
}

static tmq_t *new_consumer(const char *group) {
  char port[16];
  snprintf(port, sizeof port, "%u", test_port());
  tmq_conf_t *conf = tmq_conf_new();
  tmq_conf_set(conf, "td.connect.ip", test_host());
  tmq_conf_set(conf, "td.connect.port", port);
  tmq_conf_set(conf, "td.connect.user", "root");
  tmq_conf_set(conf, "td.connect.pass", "taosdata");
  tmq_conf_set(conf, "group.id", group);
  tmq_conf_set(conf, "auto.offset.reset", "earliest");
  tmq_conf_set(conf, "enable.auto.commit", "false");
  tmq_conf_set(conf, "msg.with.table.name", "true");
  char errstr[256] = "";
  tmq_t *tmq = tmq_consumer_new(conf, errstr, sizeof errstr);
  CHECK_MSG(tmq != NULL, "tmq_consumer_new: %s", errstr);
  tmq_conf_destroy(conf);
  return tmq;
}

static int subscribe(tmq_t *tmq, const char *topic) {
  tmq_list_t *list = tmq_list_new();
  tmq_list_append(list, topic);
  int rc = tmq_subscribe(tmq, list);
  tmq_list_destroy(list);
  return rc;
}

/* Drops a topic; the server forgets a closed consumer when its socket has closed, which
 * may take a moment after tmq_consumer_close returns. */
static void drop_topic(TAOS *taos, const char *topic) {
  char sql[160];
  snprintf(sql, sizeof sql, "DROP TOPIC %s", topic);
  int code = -1;
  for (int i = 0; i < 100 && code != 0; i++) {
    TAOS_RES *res = taos_query(taos, sql);
    code = taos_errno(res);
    taos_free_result(res);
    if (code != 0) usleep(20000);
  }
  CHECK_MSG(code == 0, "%s: 0x%08x", sql, (unsigned)code);
}

static TAOS *connect_db(const char *db) {
  TAOS *t = test_connect(db);
  CHECK_NOT_NULL(t);
  return t;
}

#define COLS                                                                                         \
  "(ts TIMESTAMP, c_bool BOOL, c_ti TINYINT, c_si SMALLINT, c_int INT, c_bi BIGINT, "                  \
  "c_uti TINYINT UNSIGNED, c_usi SMALLINT UNSIGNED, c_ui INT UNSIGNED, c_ubi BIGINT UNSIGNED, "        \
  "c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(20), c_nc NCHAR(10), c_vb VARBINARY(16), c_geo GEOMETRY(64))"
#define TAGS "TAGS (t_int INT, t_vc VARCHAR(16), t_nc NCHAR(8), t_bool BOOL)"

static void create_schema(TAOS *taos, const char *db, int with_children) {
  char sql[1024];
  snprintf(sql, sizeof sql, "CREATE DATABASE %s WAL_RETENTION_PERIOD 86400", db);
  EXEC_OK(taos, sql);
  snprintf(sql, sizeof sql, "CREATE STABLE %s.st " COLS " " TAGS, db);
  EXEC_OK(taos, sql);
  if (!with_children) return;
  snprintf(sql, sizeof sql, "CREATE TABLE %s.c0 USING %s.st TAGS (1, 'one', '\xe4\xb8\x80', true)", db, db);
  EXEC_OK(taos, sql);
  snprintf(sql, sizeof sql, "CREATE TABLE %s.c1 USING %s.st TAGS (NULL, NULL, NULL, NULL)", db, db);
  EXEC_OK(taos, sql);
  snprintf(sql, sizeof sql, "CREATE TABLE %s.c2 USING %s.st TAGS (-3, 'three', 'x', false)", db, db);
  EXEC_OK(taos, sql);
}

/* Rows of every type into db1's child tables, with NULL rows and NULL cells. */
static long insert_rows(TAOS *taos, const char *db) {
  char sql[4096];
  long total = 0;
  for (int t = 0; t < 3; t++) {
    int o = snprintf(sql, sizeof sql, "INSERT INTO %s.c%d VALUES", db, t);
    for (int i = 0; i < 6; i++) {
      long long ts = 1700000000000LL + i * 10 + t;
      if (i == 2) {
        o += snprintf(sql + o, sizeof sql - (size_t)o,
                      " (%lld, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                      "NULL)",
                      ts);
      } else {
        o += snprintf(sql + o, sizeof sql - (size_t)o,
                      " (%lld, %s, %d, %d, %d, %lld, %d, %d, %u, %llu, %d.5, %d.25, %s, '\xe4\xb8\xad%d', "
                      "'\\x%02x%02x', %s)",
                      ts, i % 2 ? "true" : "false", -100 + i, 30000 - i, t * 1000 + i, (long long)t << 40, 200 + i,
                      60000 + i, 4000000000u + (unsigned)i, 18000000000000000000ULL + (unsigned long long)i, i, t,
                      i == 4 ? "NULL" : "'v\"al''ue'", i, t, i, i == 3 ? "NULL" : "'POINT(1 2)'");
      }
      total++;
    }
    EXEC_OK(taos, sql);
  }
  return total;
}

/* Part 1: tmq_get_raw from db1 written with tmq_write_raw into db2 (and db3). */
static void raw_copy(TAOS *taos, const char *db1, const char *db2, const char *db3) {
  create_schema(taos, db1, 1);
  create_schema(taos, db2, 1);
  create_schema(taos, db3, 0);
  long rows = insert_rows(taos, db1);
  char topic[96], sql[512];
  snprintf(topic, sizeof topic, "%s_all", db1);
  snprintf(sql, sizeof sql, "CREATE TOPIC %s AS DATABASE %s", topic, db1);
  EXEC_OK(taos, sql);

  TAOS *to2 = connect_db(db2);
  TAOS *to3 = connect_db(db3);
  tmq_t *tmq = new_consumer("raw_copy");
  if (tmq == NULL || to2 == NULL || to3 == NULL) goto out;
  CHECK_INT_EQ(subscribe(tmq, topic), 0);
  int msgs = 0, failed_db3 = 0;
  for (;;) {
    TAOS_RES *msg = tmq_consumer_poll(tmq, 1000);
    if (msg == NULL) {
      CHECK_INT_EQ(taos_errno(NULL), 0);
      break;
    }
    msgs++;
    CHECK_INT_EQ(tmq_get_res_type(msg), TMQ_RES_DATA);
    CHECK_NULL(tmq_get_json_meta(msg));
    tmq_raw_data raw;
    memset(&raw, 0x5a, sizeof raw);
    CHECK_INT_EQ(tmq_get_raw(msg, &raw), 0);
    CHECK(raw.raw != NULL && raw.raw_len > 0);
    CHECK_INT_EQ(raw.raw_type, 2); /* RES_TYPE__TMQ */
    CHECK_MSG(tmq_write_raw(to2, raw) == 0, "tmq_write_raw into %s: %s", db2, taos_errstr(NULL));
    /* db3 has the supertable but not the child tables the blocks name. */
    int rc = tmq_write_raw(to3, raw);
    CHECK_INT_EQ(rc, PAR_TABLE_NOT_EXIST);
    CHECK_INT_EQ(taos_errno(NULL), PAR_TABLE_NOT_EXIST);
    failed_db3 += rc != 0;
    /* The payload stays valid until tmq_free_raw, also after the next poll. */
    tmq_free_raw(raw);
    CHECK_INT_EQ(tmq_commit_sync(tmq, msg), 0);
    taos_free_result(msg);
  }
  CHECK(msgs > 0);
  CHECK_INT_EQ(failed_db3, msgs);
  char sa[256], sb[256];
  snprintf(sa, sizeof sa, "SELECT tbname, * FROM %s.st ORDER BY tbname, ts", db1);
  snprintf(sb, sizeof sb, "SELECT tbname, * FROM %s.st ORDER BY tbname, ts", db2);
  CHECK_INT_EQ(compare_queries(taos, sa, sb), rows);
  /* Tags were not part of the data, so db2's tags are its own (pre-created) ones. */
  snprintf(sa, sizeof sa, "SELECT COUNT(*) FROM %s.st", db3);
  TAOS_RES *res = taos_query(taos, sa);
  TAOS_ROW row = taos_fetch_row(res);
  int64_t n3 = -1;
  if (row && row[0]) memcpy(&n3, row[0], 8);
  CHECK_MSG(n3 == 0 || row == NULL, "db3 got %lld rows from failed writes", (long long)n3);
  taos_free_result(res);

  /* Argument errors. */
  tmq_raw_data raw = {0};
  CHECK_INT_EQ(tmq_write_raw(NULL, raw), (int32_t)0x80000118 /* TSDB_CODE_INVALID_PARA */);
  CHECK(tmq_get_raw(NULL, &raw) != 0);
  raw.raw_type = 2;
  raw.raw_len = 10;
  CHECK(tmq_write_raw(to2, raw) != 0); /* NULL data with a length */
  char junk[40] = {7, 7, 7};
  raw.raw = junk;
  raw.raw_len = sizeof junk;
  CHECK(tmq_write_raw(to2, raw) != 0); /* not a TMQ payload */
  raw.raw_type = 999;
  CHECK(tmq_write_raw(to2, raw) != 0); /* unknown raw type */
  tmq_raw_data empty = {0};
  tmq_free_raw(empty); /* no-op */
  CHECK_NULL(tmq_get_json_meta(NULL));
  tmq_free_json_meta(NULL);

out:
  if (tmq) CHECK_INT_EQ(tmq_consumer_close(tmq), 0);
  if (to2) taos_close(to2);
  if (to3) taos_close(to3);
  drop_topic(taos, topic);
}

/* Creates database `db` (with WAL retention) and an empty `copy`, and the topic
 * "<db>_<suffix>" WITH META over `db` (its name into `topic`); returns a connection to
 * `copy`, or NULL (the failure is already counted). */
static TAOS *meta_copy_setup(TAOS *taos, const char *db, const char *copy, const char *suffix, char *topic,
                             size_t topic_size) {
  char sql[256];
  snprintf(sql, sizeof sql, "CREATE DATABASE %s WAL_RETENTION_PERIOD 86400", db);
  EXEC_OK(taos, sql);
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", copy);
  EXEC_OK(taos, sql);
  TAOS *to_copy = connect_db(copy);
  if (to_copy == NULL) return NULL;
  snprintf(topic, topic_size, "%s_%s", db, suffix);
  snprintf(sql, sizeof sql, "CREATE TOPIC %s WITH META AS DATABASE %s", topic, db);
  EXEC_OK(taos, sql);
  return to_copy;
}

/* Part 2: tmq_get_json_meta on a WITH META topic. */
#define MAX_METAS 64

static void json_meta(TAOS *taos, const char *db, const char *copy) {
  char sql[512];
  char topic[96];
  TAOS *to_copy = meta_copy_setup(taos, db, copy, "meta", topic, sizeof topic);
  if (to_copy == NULL) return;
  const char *ddl[] = {
      "CREATE STABLE %s.mst (ts TIMESTAMP, v INT, s VARCHAR(10), n NCHAR(4)) TAGS (g INT, tv VARCHAR(8), tb BOOL, "
      "tj NCHAR(3))",
      "CREATE TABLE %s.mc1 USING %s.mst TAGS (7, 'abc', true, NULL)",
      "CREATE TABLE %s.mc2 USING %s.mst TAGS (NULL, NULL, NULL, NULL)",
      "CREATE TABLE %s.mn (ts TIMESTAMP, x DOUBLE, b BINARY(5))",
      "INSERT INTO %s.mc1 VALUES (1700000000000, 1, 'a', 'b')",
      "ALTER STABLE %s.mst ADD COLUMN w DOUBLE",
      "ALTER TABLE %s.mn ADD COLUMN y NCHAR(3)",
      "ALTER TABLE %s.mc1 SET TAG g = 9",
      "ALTER TABLE %s.mc1 SET TAG tv = 'xyz'",
      "DROP TABLE %s.mc2",
  };
  for (size_t i = 0; i < sizeof ddl / sizeof ddl[0]; i++) {
    snprintf(sql, sizeof sql, ddl[i], db, db);
    EXEC_OK(taos, sql);
  }

  tmq_t *tmq = new_consumer("json_meta");
  if (tmq == NULL) {
    taos_close(to_copy);
    return;
  }
  CHECK_INT_EQ(subscribe(tmq, topic), 0);
  jv *metas[MAX_METAS];
  int nmeta = 0, ndata = 0;
  for (;;) {
    TAOS_RES *msg = tmq_consumer_poll(tmq, 1000);
    if (msg == NULL) {
      CHECK_INT_EQ(taos_errno(NULL), 0);
      break;
    }
    tmq_res_t t = tmq_get_res_type(msg);
    char *json = tmq_get_json_meta(msg);
    if (t == TMQ_RES_DATA) {
      ndata++;
      CHECK_NULL(json);
    } else {
      CHECK_INT_EQ(t, TMQ_RES_TABLE_META);
      CHECK_NOT_NULL(json);
      if (json) {
        jv *v = jv_parse(json);
        CHECK_MSG(v != NULL, "meta is not JSON: %s", json);
        if (v && nmeta < MAX_METAS) metas[nmeta++] = v;
        else jv_free(v);
      }
    }
    tmq_free_json_meta(json);
    /* Every message, meta or data, replayed into the empty database `copy`. */
    tmq_raw_data raw = {0};
    CHECK_INT_EQ(tmq_get_raw(msg, &raw), 0);
    CHECK(raw.raw != NULL && raw.raw_len > 0);
    if (t == TMQ_RES_DATA) CHECK_INT_EQ(raw.raw_type, 2);
    else CHECK(raw.raw_type != 2);
    CHECK_MSG(tmq_write_raw(to_copy, raw) == 0, "tmq_write_raw of a type %d message: %s", t, taos_errstr(NULL));
    tmq_free_raw(raw);
    taos_free_result(msg);
  }
  CHECK_INT_EQ(ndata, 1);
  taos_close(to_copy);

  /* The copy has the same tables, schemas, tags and rows. */
  char sa[256], sb[256];
  snprintf(sa, sizeof sa, "SELECT tbname, ts, v, s, n, w, g, tv, tb, tj FROM %s.mst ORDER BY tbname, ts", db);
  snprintf(sb, sizeof sb, "SELECT tbname, ts, v, s, n, w, g, tv, tb, tj FROM %s.mst ORDER BY tbname, ts", copy);
  CHECK_INT_EQ(compare_queries(taos, sa, sb), 1);
  snprintf(sa, sizeof sa, "DESCRIBE %s.mst", db);
  snprintf(sb, sizeof sb, "DESCRIBE %s.mst", copy);
  CHECK_INT_EQ(compare_queries(taos, sa, sb), 9);
  snprintf(sa, sizeof sa, "DESCRIBE %s.mn", db);
  snprintf(sb, sizeof sb, "DESCRIBE %s.mn", copy);
  CHECK_INT_EQ(compare_queries(taos, sa, sb), 4);
  snprintf(sb, sizeof sb, "SELECT * FROM %s.mc2", copy);
  EXEC_FAILS(taos, sb, PAR_TABLE_NOT_EXIST);
  CHECK_INT_EQ(tmq_consumer_close(tmq), 0);

  /* Find each expected meta by (type, tableType?, tableName / list). */
  const jv *stb = NULL, *mc1 = NULL, *mc2 = NULL, *mn = NULL, *alt_stb = NULL, *alt_mn = NULL, *set_g = NULL,
           *set_tv = NULL, *drop = NULL;
  for (int i = 0; i < nmeta; i++) {
    const jv *m = metas[i];
    const char *type = jv_str(jv_get(m, "type")), *tt = jv_str(jv_get(m, "tableType"));
    const char *name = jv_str(jv_get(m, "tableName"));
    if (type == NULL) continue;
    if (strcmp(type, "create") == 0 && tt && name) {
      if (strcmp(name, "mst") == 0 && strcmp(tt, "super") == 0) stb = m;
      if (strcmp(name, "mc1") == 0) mc1 = m;
      if (strcmp(name, "mc2") == 0) mc2 = m;
      if (strcmp(name, "mn") == 0) mn = m;
    } else if (strcmp(type, "alter") == 0 && name) {
      const char *col = jv_str(jv_get(m, "colName"));
      if (strcmp(name, "mst") == 0) alt_stb = m;
      if (strcmp(name, "mn") == 0) alt_mn = m;
      if (strcmp(name, "mc1") == 0 && col && strcmp(col, "g") == 0) set_g = m;
      if (strcmp(name, "mc1") == 0 && col && strcmp(col, "tv") == 0) set_tv = m;
    } else if (strcmp(type, "drop") == 0) {
      drop = m;
    }
  }

  /* CREATE STABLE: {"type":"create","tableType":"super","tableName":"mst","columns":[...],
   * "tags":[...]}; length only for VARCHAR/VARBINARY/GEOMETRY (declared) and NCHAR (chars). */
  CHECK_NOT_NULL(stb);
  if (stb) {
    const jv *cols = jv_get(stb, "columns"), *tags = jv_get(stb, "tags");
    CHECK_INT_EQ(jv_len(cols), 4);
    CHECK_INT_EQ(jv_len(tags), 4);
    if (jv_len(cols) == 4 && jv_len(tags) == 4) {
      check_col(jv_at(cols, 0), "ts", 9, -1);
      check_col(jv_at(cols, 1), "v", 4, -1);
      check_col(jv_at(cols, 2), "s", 8, 10);
      check_col(jv_at(cols, 3), "n", 10, 4);
      check_col(jv_at(tags, 0), "g", 4, -1);
      check_col(jv_at(tags, 1), "tv", 8, 8);
      check_col(jv_at(tags, 2), "tb", 1, -1);
      check_col(jv_at(tags, 3), "tj", 10, 3);
      /* TDengine 3.3: columns carry isPrimarykey and their compression options (the
       * type's defaults here); tags do not. */
      const char *enc[4] = {"delta-i", "simple8b", "disabled", "disabled"};
      const char *cmp[4] = {"lz4", "lz4", "zstd", "zstd"};
      for (int i = 0; i < 4; i++) {
        const jv *pk = jv_get(jv_at(cols, i), "isPrimarykey");
        CHECK(pk != NULL && pk->kind == J_BOOL && pk->b == 0);
        CHECK_STR_EQ(jv_str(jv_get(jv_at(cols, i), "encode")), enc[i]);
        CHECK_STR_EQ(jv_str(jv_get(jv_at(cols, i), "compress")), cmp[i]);
        CHECK_STR_EQ(jv_str(jv_get(jv_at(cols, i), "level")), "medium");
        CHECK_NULL(jv_get(jv_at(tags, i), "isPrimarykey"));
        CHECK_NULL(jv_get(jv_at(tags, i), "encode"));
      }
    }
  }
  /* CREATE TABLE ... USING: child with using, tagNum, tags {name, type, value} (text
   * values in double quotes, BOOL as 1, NULL tags left out), createList []. */
  CHECK_NOT_NULL(mc1);
  if (mc1) {
    CHECK_STR_EQ(jv_str(jv_get(mc1, "tableType")), "child");
    CHECK_STR_EQ(jv_str(jv_get(mc1, "using")), "mst");
    CHECK_DBL_EQ(jv_num(jv_get(mc1, "tagNum")), 4);
    CHECK_INT_EQ(jv_len(jv_get(mc1, "createList")), 0);
    const jv *tags = jv_get(mc1, "tags");
    CHECK_INT_EQ(jv_len(tags), 3);
    if (jv_len(tags) == 3) {
      CHECK_STR_EQ(jv_str(jv_get(jv_at(tags, 0), "name")), "g");
      CHECK_DBL_EQ(jv_num(jv_get(jv_at(tags, 0), "type")), 4);
      CHECK_DBL_EQ(jv_num(jv_get(jv_at(tags, 0), "value")), 7);
      CHECK_STR_EQ(jv_str(jv_get(jv_at(tags, 1), "name")), "tv");
      CHECK_STR_EQ(jv_str(jv_get(jv_at(tags, 1), "value")), "\"abc\"");
      CHECK_STR_EQ(jv_str(jv_get(jv_at(tags, 2), "name")), "tb");
      CHECK_DBL_EQ(jv_num(jv_get(jv_at(tags, 2), "value")), 1);
      CHECK_NULL(jv_get(jv_at(tags, 0), "length"));
    }
  }
  CHECK_NOT_NULL(mc2);
  if (mc2) {
    CHECK_STR_EQ(jv_str(jv_get(mc2, "using")), "mst");
    CHECK_INT_EQ(jv_len(jv_get(mc2, "tags")), 0);
  }
  /* CREATE TABLE (normal): columns, empty tags. */
  CHECK_NOT_NULL(mn);
  if (mn) {
    CHECK_STR_EQ(jv_str(jv_get(mn, "tableType")), "normal");
    const jv *cols = jv_get(mn, "columns");
    CHECK_INT_EQ(jv_len(cols), 3);
    if (jv_len(cols) == 3) {
      check_col(jv_at(cols, 0), "ts", 9, -1);
      check_col(jv_at(cols, 1), "x", 7, -1);
      check_col(jv_at(cols, 2), "b", 8, 5);
    }
    CHECK_INT_EQ(jv_len(jv_get(mn, "tags")), 0);
  }
  /* ALTER: alterType 5 (add column) with colName/colType[/colLength]; 4 (set tag value)
   * with colName, colValue as text, colValueNull. */
  CHECK_NOT_NULL(alt_stb);
  if (alt_stb) {
    CHECK_STR_EQ(jv_str(jv_get(alt_stb, "tableType")), "super");
    CHECK_DBL_EQ(jv_num(jv_get(alt_stb, "alterType")), 5);
    CHECK_STR_EQ(jv_str(jv_get(alt_stb, "colName")), "w");
    CHECK_DBL_EQ(jv_num(jv_get(alt_stb, "colType")), 7);
    CHECK_NULL(jv_get(alt_stb, "colLength"));
  }
  CHECK_NOT_NULL(alt_mn);
  if (alt_mn) {
    CHECK_STR_EQ(jv_str(jv_get(alt_mn, "tableType")), "normal");
    CHECK_DBL_EQ(jv_num(jv_get(alt_mn, "alterType")), 5);
    CHECK_STR_EQ(jv_str(jv_get(alt_mn, "colName")), "y");
    CHECK_DBL_EQ(jv_num(jv_get(alt_mn, "colType")), 10);
    CHECK_DBL_EQ(jv_num(jv_get(alt_mn, "colLength")), 3);
  }
  CHECK_NOT_NULL(set_g);
  if (set_g) {
    CHECK_STR_EQ(jv_str(jv_get(set_g, "tableType")), "child");
    CHECK_DBL_EQ(jv_num(jv_get(set_g, "alterType")), 4);
    CHECK_STR_EQ(jv_str(jv_get(set_g, "colValue")), "9");
    const jv *isnull = jv_get(set_g, "colValueNull");
    CHECK(isnull != NULL && isnull->kind == J_BOOL && isnull->b == 0);
  }
  CHECK_NOT_NULL(set_tv);
  if (set_tv) CHECK_STR_EQ(jv_str(jv_get(set_tv, "colValue")), "\"xyz\"");
  /* DROP TABLE: {"type":"drop","tableNameList":["mc2"]}. */
  CHECK_NOT_NULL(drop);
  if (drop) {
    const jv *list = jv_get(drop, "tableNameList");
    CHECK_INT_EQ(jv_len(list), 1);
    CHECK_STR_EQ(jv_str(jv_at(list, 0)), "mc2");
  }
  for (int i = 0; i < nmeta; i++) jv_free(metas[i]);
  drop_topic(taos, topic);
}

/* Part 4: INSERT ... USING on a WITH META topic, copied into an empty database. */
static void auto_create_copy(TAOS *taos, const char *db, const char *copy) {
  char sql[1024];
  char topic[96];
  TAOS *to_copy = meta_copy_setup(taos, db, copy, "ac", topic, sizeof topic);
  if (to_copy == NULL) return;
  const char *stmts[] = {
      "CREATE STABLE %s.ast (ts TIMESTAMP, v INT, s VARCHAR(10)) " TAGS,
      /* Three children created by one INSERT (one with NULL tags, one naming some tags). */
      "INSERT INTO %s.a0 USING %s.ast TAGS (1, 'one', '\xe4\xb8\x80', true) VALUES (1700000000000, 1, 'x') "
      "(1700000000001, 2, NULL) %s.a1 USING %s.ast TAGS (NULL, NULL, NULL, NULL) VALUES (1700000000000, 3, 'y') "
      "%s.a2 USING %s.ast (t_int, t_vc) TAGS (5, 'five') VALUES (1700000000002, NULL, 'z')",
      /* USING on a table that exists creates nothing; a plain insert after it. */
      "INSERT INTO %s.a0 USING %s.ast TAGS (1, 'one', '\xe4\xb8\x80', true) VALUES (1700000000005, 4, 'w')",
      "INSERT INTO %s.a3 USING %s.ast TAGS (-7, 'seven', 'n', false) VALUES (1700000000009, 9, 'q')",
      "INSERT INTO %s.a1 VALUES (1700000000010, 10, 'r')",
  };
  for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
    snprintf(sql, sizeof sql, stmts[i], db, db, db, db, db, db);
    EXEC_OK(taos, sql);
  }

  tmq_t *tmq = new_consumer("auto_create");
  if (tmq == NULL) {
    taos_close(to_copy);
    return;
  }
  CHECK_INT_EQ(subscribe(tmq, topic), 0);
  int nmetadata = 0, nmeta = 0;
  for (;;) {
    TAOS_RES *msg = tmq_consumer_poll(tmq, 1000);
    if (msg == NULL) {
      CHECK_INT_EQ(taos_errno(NULL), 0);
      break;
    }
    tmq_res_t t = tmq_get_res_type(msg);
    tmq_raw_data raw = {0};
    CHECK_INT_EQ(tmq_get_raw(msg, &raw), 0);
    if (t == TMQ_RES_METADATA) {
      nmetadata++;
      CHECK_INT_EQ(raw.raw_type, 4);
      /* Its rows are readable like a data message's. */
      CHECK_INT_EQ(taos_num_fields(msg), 3);
    } else if (t == TMQ_RES_TABLE_META) {
      nmeta++;
    }
    CHECK_MSG(tmq_write_raw(to_copy, raw) == 0, "tmq_write_raw of a type %d message: %s", t, taos_errstr(NULL));
    tmq_free_raw(raw);
    taos_free_result(msg);
  }
  CHECK(nmetadata >= 1);
  CHECK(nmeta >= 1);
  CHECK_INT_EQ(tmq_consumer_close(tmq), 0);
  taos_close(to_copy);

  /* Same tables with the same tags and rows. */
  char sa[256], sb[256];
  snprintf(sa, sizeof sa, "SELECT tbname, ts, v, s, t_int, t_vc, t_nc, t_bool FROM %s.ast ORDER BY tbname, ts", db);
  snprintf(sb, sizeof sb, "SELECT tbname, ts, v, s, t_int, t_vc, t_nc, t_bool FROM %s.ast ORDER BY tbname, ts", copy);
  CHECK_INT_EQ(compare_queries(taos, sa, sb), 7);
  const char *tables = "SELECT table_name, stable_name FROM information_schema.ins_tables WHERE db_name = '%s' "
                       "ORDER BY table_name";
  snprintf(sa, sizeof sa, tables, db);
  snprintf(sb, sizeof sb, tables, copy);
  CHECK_INT_EQ(compare_queries(taos, sa, sb), 4);
  drop_topic(taos, topic);
}

int main(void) {
  TAOS *taos = test_connect(NULL);
  CHECK_NOT_NULL(taos);
  if (taos == NULL) return test_finish("tmq_raw");
  char db1[64], db2[64], db3[64], db4[64], db5[64], db6[64], db7[64];
  test_db_name(db1, sizeof db1, "tmqraw_src");
  test_db_name(db2, sizeof db2, "tmqraw_dst");
  test_db_name(db3, sizeof db3, "tmqraw_empty");
  test_db_name(db4, sizeof db4, "tmqraw_meta");
  test_db_name(db5, sizeof db5, "tmqraw_metacopy");
  test_db_name(db6, sizeof db6, "tmqraw_auto");
  test_db_name(db7, sizeof db7, "tmqraw_autocopy");

  raw_copy(taos, db1, db2, db3);
  json_meta(taos, db4, db5);
  auto_create_copy(taos, db6, db7);

  const char *dbs[] = {db1, db2, db3, db4, db5, db6, db7};
  for (int i = 0; i < 7; i++) {
    char sql[128];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", dbs[i]);
    EXEC_OK(taos, sql);
  }
  taos_close(taos);
  return test_finish("tmq_raw");
}
