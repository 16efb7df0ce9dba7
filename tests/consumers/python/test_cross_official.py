"""Both directions between the official WebSocket client (taos-ws-py, module `taosws`, talking to
the dev server directly) and taospy over OUR libtaos.so: what one writes through stmt2 / stmt /
schemaless, the other reads back identically."""
import pytest
import taos

from checks import TS0, cell, normalise

taosws = pytest.importorskip("taosws")

SCHEMA = (
    "(ts TIMESTAMP, c_bool BOOL, c_ti TINYINT, c_si SMALLINT, c_int INT, c_bi BIGINT, "
    "c_uti TINYINT UNSIGNED, c_usi SMALLINT UNSIGNED, c_ui INT UNSIGNED, c_ubi BIGINT UNSIGNED, "
    "c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(20), c_nc NCHAR(10), c_vb VARBINARY(16)) "
    "TAGS (t_int INT, t_nc NCHAR(8))"
)
INSERT = "INSERT INTO ? USING st TAGS (?, ?) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
# Per table: columns (one list per column, 3 rows: maxima, all NULL, minima) and tags.
COLS = [
    [TS0, TS0 + 1, TS0 + 2],
    [True, None, False],
    [127, None, -128],
    [32767, None, -32768],
    [2**31 - 1, None, -(2**31)],
    [2**63 - 1, None, -(2**63)],
    [255, None, 0],
    [65535, None, 0],
    [2**32 - 1, None, 0],
    [2**64 - 1, None, 0],
    [3.5, None, -0.125],
    [-2.25, None, 1e300],
    ["hello", None, ""],
    ["中文ñ", None, ""],
    [b"\x01\x02\xff", None, b"\x00"],
]
TABLES = {"d1": [7, "标签"], "d2": [None, None]}


def expected_rows():
    """(tbname, ts, c_bool … c_vb, t_int, t_nc) ordered by tbname, ts."""
    out = []
    for name, tags in sorted(TABLES.items()):
        for i in range(3):
            out.append((name,) + tuple(col[i] for col in COLS) + tuple(tags))
    return out


SELECT = "SELECT tbname, * FROM {db}.st ORDER BY tbname, ts"


def ours_rows(conn, sql):
    return [normalise(r) for r in conn.query(sql).fetch_all()]


def official_rows(ws, sql):
    cur = ws.cursor()  # a fresh cursor per query (taosws keeps its in-block position)
    cur.execute(sql)
    return [normalise(tuple(r)) for r in cur.fetchall()]


@pytest.fixture
def ws(addr):
    c = taosws.connect(f"ws://root:taosdata@{addr[0]}:{addr[1]}")
    yield c
    c.close()


def fresh_db(ws, db):
    ws.execute(f"DROP DATABASE IF EXISTS {db}")
    ws.execute(f"CREATE DATABASE {db}")
    ws.execute(f"CREATE STABLE {db}.st {SCHEMA}")


def ws_column_views():
    return [
        taosws.millis_timestamps_to_column(COLS[0]),
        taosws.bools_to_column(COLS[1]),
        taosws.tiny_ints_to_column(COLS[2]),
        taosws.small_ints_to_column(COLS[3]),
        taosws.ints_to_column(COLS[4]),
        taosws.big_ints_to_column(COLS[5]),
        taosws.unsigned_tiny_ints_to_column(COLS[6]),
        taosws.unsigned_small_ints_to_column(COLS[7]),
        taosws.unsigned_ints_to_column(COLS[8]),
        taosws.unsigned_big_ints_to_column(COLS[9]),
        taosws.floats_to_column(COLS[10]),
        taosws.doubles_to_column(COLS[11]),
        taosws.varchar_to_column(COLS[12]),
        taosws.nchar_to_column(COLS[13]),
        taosws.varbinary_to_column(COLS[14]),
    ]


def test_official_stmt2_insert_our_library_reads(ws, conn):
    """taosws stmt2 → auto-created child tables (one with NULL tags); taospy/our lib reads them."""
    fresh_db(ws, "cx_ws_stmt2")
    ws.execute("USE cx_ws_stmt2")
    stmt = ws.stmt2_statement()
    stmt.prepare(INSERT)
    params = [
        taosws.stmt2_bind_param_view(
            name,
            [taosws.int_to_tag(tags[0]), taosws.nchar_to_tag(tags[1])],
            ws_column_views(),
        )
        for name, tags in TABLES.items()
    ]
    stmt.bind(params)
    stmt.execute()
    assert stmt.affect_rows() == 6
    stmt.close()
    sql = SELECT.format(db="cx_ws_stmt2")
    assert ours_rows(conn, sql) == expected_rows()
    assert official_rows(ws, sql) == expected_rows()


def test_our_stmt2_insert_official_reads(ws, conn):
    """taospy statement2 (taos_stmt2_* of our lib) → the official client reads identically."""
    fresh_db(ws, "cx_our_stmt2")
    conn.select_db("cx_our_stmt2")
    stmt = conn.statement2(INSERT)
    names = list(TABLES)
    stmt.bind_param(names, [TABLES[n] for n in names], [COLS for _ in names])
    assert stmt.execute() == 6
    stmt.close()
    sql = SELECT.format(db="cx_our_stmt2")
    assert official_rows(ws, sql) == expected_rows()
    assert ours_rows(conn, sql) == expected_rows()


def test_our_stmt_v1_insert_official_reads(ws, conn):
    """taospy statement (taos_stmt_* v1: set_tbname_tags + bind_param_batch) → official reads."""
    fresh_db(ws, "cx_our_stmt1")
    conn.select_db("cx_our_stmt1")
    stmt = conn.statement(INSERT)
    setters = [
        "timestamp", "bool", "tinyint", "smallint", "int", "bigint", "tinyint_unsigned",
        "smallint_unsigned", "int_unsigned", "bigint_unsigned", "float", "double", "binary",
        "nchar", "varbinary",
    ]
    for name, tags in TABLES.items():
        tag_binds = taos.new_multi_binds(2)  # v3 taos_stmt_set_tbname_tags takes TAOS_MULTI_BIND
        tag_binds[0].int([tags[0]])
        tag_binds[1].nchar([tags[1]])
        stmt.set_tbname_tags(name, tag_binds)
        binds = taos.new_multi_binds(len(COLS))
        for b, setter, values in zip(binds, setters, COLS):
            getattr(b, setter)(values)
        stmt.bind_param_batch(binds)  # also adds the batch
    stmt.execute()
    assert stmt.affected_rows == 6
    stmt.close()
    sql = SELECT.format(db="cx_our_stmt1")
    assert official_rows(ws, sql) == expected_rows()


LINE = [
    "meters,location=California.SanFrancisco,groupid=2 current=10.3,voltage=219i32,phase=0.31f64,"
    "on=t,note=\"ok\" 1700000000000",
    "meters,location=California.LosAngeles,groupid=3 current=12.6,voltage=218i32,phase=0.33f64 "
    "1700000000001",
    "meters,location=California.SanFrancisco,groupid=2 current=11.1,voltage=221i32,phase=0.35f64,"
    "note=\"中文\" 1700000000002",
]
TELNET = [
    "metric_t 1700000000 32.5 host=web01 dc=east",
    "metric_t 1700000001 33 host=web02 dc=west",
    "metric_t 1700000002 -1.25 host=web01 dc=east",
]
JSON = [
    '[{"metric": "metric_j", "timestamp": 1700000000, "value": 10.5, '
    '"tags": {"host": "a", "n": 3}}, '
    '{"metric": "metric_j", "timestamp": 1700000001, "value": 11.25, '
    '"tags": {"host": "b", "n": 4}}]'
]


def official_sml(ws, lines, protocol, precision):
    ws.schemaless_insert(lines=lines, protocol=protocol, precision=precision, ttl=0, req_id=1)


def table_snapshot(read, db):
    """SHOW TABLES names, DESCRIBE of each stable, and every row, through one client."""
    tables = sorted(r[0] for r in read(f"SHOW {db}.TABLES"))
    stables = sorted(r[0] for r in read(f"SHOW {db}.STABLES"))
    desc = {s: [tuple(r[:4]) for r in read(f"DESCRIBE {db}.`{s}`")] for s in stables}
    rows = {
        s: sorted(read(f"SELECT tbname, * FROM {db}.`{s}`"), key=lambda r: (r[0], r[1]))
        for s in stables
    }
    return tables, stables, desc, rows


@pytest.mark.parametrize(
    "lines, ws_proto, our_proto, ws_prec, our_prec",
    [
        (LINE, "Line", taos.SmlProtocol.LINE_PROTOCOL, "Millisecond", taos.SmlPrecision.MILLI_SECONDS),
        (TELNET, "Telnet", taos.SmlProtocol.TELNET_PROTOCOL, "Second", taos.SmlPrecision.SECONDS),
        (JSON, "Json", taos.SmlProtocol.JSON_PROTOCOL, "Second", taos.SmlPrecision.SECONDS),
    ],
    ids=["line", "telnet", "json"],
)
def test_schemaless_same_tables_as_official(ws, conn, lines, ws_proto, our_proto, ws_prec, our_prec):
    """The same lines through taosws and through our library give the same tables and rows."""
    dbs = {"official": f"cx_sml_ws_{ws_proto.lower()}", "ours": f"cx_sml_our_{ws_proto.lower()}"}
    for db in dbs.values():
        ws.execute(f"DROP DATABASE IF EXISTS {db}")
        ws.execute(f"CREATE DATABASE {db}")
    ws.execute(f"USE {dbs['official']}")
    official_sml(ws, lines, getattr(taosws.PySchemalessProtocol, ws_proto),
                 getattr(taosws.PySchemalessPrecision, ws_prec))
    conn.select_db(dbs["ours"])
    conn.schemaless_insert(lines, our_proto, our_prec)

    def read(sql):
        return official_rows_raw(ws, sql)

    official = table_snapshot(read, dbs["official"])
    ours = table_snapshot(read, dbs["ours"])
    assert official[1], "no supertable created"
    assert ours == official
    # Our library reads its own tables the same way the official client does.
    ours_own = table_snapshot(lambda sql: [tuple(cell(v) for v in r)
                                           for r in conn.query(sql).fetch_all()], dbs["ours"])
    assert ours_own == ours


def official_rows_raw(ws, sql):
    cur = ws.cursor()
    cur.execute(sql)
    return [tuple(cell(v) for v in r) for r in cur.fetchall()]
