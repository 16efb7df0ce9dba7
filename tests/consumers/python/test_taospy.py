"""taospy (PyPI) through its own API over our libtaos.so and the dev server.

Every test reads values back and compares them with what was written; error tests compare
TDengine's codes (taos_errno, i.e. 0x8000_0000 | code)."""
import datetime
import json
import threading
from ctypes import c_void_p

import pytest
import taos
from taos.cinterface import taos_fetch_rows_a, taos_free_result, taos_errstr
from taos.result import TaosResult

from checks import POINT_1_2, TS0, epoch_ms, full_code, normalise


def fresh_db(conn, name):
    conn.execute(f"DROP DATABASE IF EXISTS {name}")
    conn.execute(f"CREATE DATABASE {name}")


# -- the seed's example, verbatim API -------------------------------------------------------


def test_seed_example(addr):
    conn = taos.connect(host="localhost", user="root", password="taosdata", port=addr[1])
    try:
        assert conn.server_info == "3.3.6.0"
        assert conn.client_info.startswith("3.")
        conn.execute("DROP DATABASE IF EXISTS test")
        conn.execute("CREATE DATABASE test")
        names = [r[0] for r in conn.query("SHOW DATABASES").fetch_all()]
        assert "test" in names
    finally:
        conn.close()


def test_import_is_v3_mode():
    # taospy picks its v3 layouts only when taos_get_client_info() starts with "3".
    assert taos.cinterface.IS_V3 is True
    assert taos.cinterface.taos_get_client_info().startswith("3.")


def test_connect_without_host_uses_our_configuration():
    conn = taos.connect()
    try:
        assert conn.server_info == "3.3.6.0"
        assert conn.query("SELECT server_version()").fetch_all() == [("3.3.6.0",)]
    finally:
        conn.close()


def test_wrong_password_raises_with_code(addr):
    with pytest.raises(taos.Error) as info:
        taos.connect(host=addr[0], user="root", password="wrong", port=addr[1])
    assert full_code(info.value) == 0x80000357, str(info.value)


# -- execute / query / cursor ---------------------------------------------------------------


def test_execute_returns_affected_rows(conn):
    fresh_db(conn, "cnpy_exec")
    assert conn.execute("CREATE TABLE cnpy_exec.t (ts TIMESTAMP, v INT)") == 0
    n = conn.execute(f"INSERT INTO cnpy_exec.t VALUES ({TS0}, 1) ({TS0 + 1}, 2) ({TS0 + 2}, 3)")
    assert n == 3
    assert conn.query("SELECT SUM(v) FROM cnpy_exec.t").fetch_all() == [(6,)]


def test_select_db_then_unqualified_names(conn):
    fresh_db(conn, "cnpy_use")
    conn.select_db("cnpy_use")
    conn.execute("CREATE TABLE t (ts TIMESTAMP, v INT)")
    conn.execute(f"INSERT INTO t VALUES ({TS0}, 11)")
    assert conn.query("SELECT v FROM t").fetch_all() == [(11,)]
    assert conn.query("SELECT database()").fetch_all() == [("cnpy_use",)]


def make_all_types(conn, db):
    fresh_db(conn, db)
    conn.execute(
        f"CREATE STABLE {db}.st (ts TIMESTAMP, c_bool BOOL, c_ti TINYINT, c_si SMALLINT, "
        "c_int INT, c_bi BIGINT, c_uti TINYINT UNSIGNED, c_usi SMALLINT UNSIGNED, "
        "c_ui INT UNSIGNED, c_ubi BIGINT UNSIGNED, c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(20), "
        "c_nc NCHAR(10), c_vb VARBINARY(16), c_geo GEOMETRY(64)) TAGS (t_int INT, t_nc NCHAR(8))"
    )
    n = conn.execute(
        f"INSERT INTO {db}.d1 USING {db}.st TAGS (7, '标签') VALUES "
        f"({TS0}, true, 127, 32767, 2147483647, 9223372036854775807, 255, 65535, 4294967295, "
        "18446744073709551615, 3.5, -2.25, 'hello', '中文ñ', '\\x0102ff', 'POINT(1 2)') "
        f"({TS0 + 1}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) "
        f"({TS0 + 2}, false, -128, -32768, -2147483648, -9223372036854775808, 0, 0, 0, 0, -0.125, 1e300, "
        "'', '', '\\x00', 'POINT(1 2)')"
    )
    assert n == 3


EXPECTED = [
    (TS0, True, 127, 32767, 2**31 - 1, 2**63 - 1, 255, 65535, 2**32 - 1, 2**64 - 1, 3.5, -2.25,
     "hello", "中文ñ", b"\x01\x02\xff", POINT_1_2, 7, "标签"),
    (TS0 + 1,) + (None,) * 15 + (7, "标签"),
    (TS0 + 2, False, -128, -32768, -(2**31), -(2**63), 0, 0, 0, 0, -0.125, 1e300,
     "", "", b"\x00", POINT_1_2, 7, "标签"),
]


def row_path_expected():
    """taospy's row path reads VARBINARY/GEOMETRY cells as `(c_char * len).value`, which stops at
    the first NUL byte (a taospy limitation, the same over the real libtaos)."""
    return [tuple(v.split(b"\0")[0] if isinstance(v, bytes) else v for v in row) for row in EXPECTED]


def test_every_type_block_path(conn):
    """fetch_all → taos_fetch_block + taos_get_column_data_offset + taos_is_null."""
    make_all_types(conn, "cnpy_types_block")
    result = conn.query("SELECT * FROM cnpy_types_block.st ORDER BY ts")
    assert result.field_count == 18
    assert [f.name for f in result.fields] == [
        "ts", "c_bool", "c_ti", "c_si", "c_int", "c_bi", "c_uti", "c_usi", "c_ui", "c_ubi",
        "c_f", "c_d", "c_vc", "c_nc", "c_vb", "c_geo", "t_int", "t_nc",
    ]
    assert [f.type for f in result.fields] == [9, 1, 2, 3, 4, 5, 11, 12, 13, 14, 6, 7, 8, 10, 16, 20, 4, 10]
    assert result.precision == 0
    rows = [normalise(r) for r in result.fetch_all()]
    assert rows == EXPECTED


def test_every_type_row_path(conn):
    """Cursor iteration / fetchone → taos_fetch_row + taos_fetch_lengths."""
    make_all_types(conn, "cnpy_types_row")
    cur = conn.cursor()
    cur.execute("SELECT * FROM cnpy_types_row.st ORDER BY ts")
    assert [d[0] for d in cur.description][:3] == ["ts", "c_bool", "c_ti"]
    first = cur.fetchone()
    rest = list(cur)
    rows = [normalise(r) for r in [first] + rest]
    assert rows == row_path_expected()
    cur.close()


def test_every_type_taos_row_objects(conn):
    """TaosResult.rows_iter → TaosRow.as_tuple (raw taos_fetch_row pointers)."""
    make_all_types(conn, "cnpy_types_rowobj")
    result = conn.query("SELECT * FROM cnpy_types_rowobj.st ORDER BY ts")
    rows = [normalise(r.as_tuple()) for r in result.rows_iter()]
    assert rows == row_path_expected()
    assert result.row_count == 3


def test_json_tag(conn):
    fresh_db(conn, "cnpy_json")
    conn.execute("CREATE STABLE cnpy_json.sj (ts TIMESTAMP, v INT) TAGS (info JSON)")
    conn.execute(
        "INSERT INTO cnpy_json.j1 USING cnpy_json.sj TAGS ('{\"k\":\"v\",\"n\":1}') "
        f"VALUES ({TS0}, 1)"
    )
    result = conn.query("SELECT v, info FROM cnpy_json.sj")
    assert result.fields[1].type == 15
    rows = result.fetch_all()
    assert len(rows) == 1 and rows[0][0] == 1
    assert json.loads(rows[0][1]) == {"k": "v", "n": 1}


def fill_many(conn, db, n):
    fresh_db(conn, db)
    conn.execute(f"CREATE TABLE {db}.t (ts TIMESTAMP, i INT, s VARCHAR(16), u NCHAR(6))")
    total = 0
    for start in range(0, n, 400):
        values = " ".join(
            f"({TS0 + i}, NULL, NULL, NULL)" if i % 6 == 1 else f"({TS0 + i}, {i * 2 - 99}, 's{i}', 'ü{i % 1000}')"
            for i in range(start, min(start + 400, n))
        )
        total += conn.execute(f"INSERT INTO {db}.t VALUES {values}")
    assert total == n


def expected_many(i):
    if i % 6 == 1:
        return (TS0 + i, None, None, None)
    return (TS0 + i, i * 2 - 99, f"s{i}", f"ü{i % 1000}")


def test_multi_block_result_blocks_iter(conn):
    n = 1_234
    fill_many(conn, "cnpy_blocks", n)
    result = conn.query("SELECT * FROM cnpy_blocks.t")
    rows = []
    blocks = 0
    for block, length in result.blocks_iter():
        assert 0 < length <= 100, length  # dev server runs with --block-rows 100
        assert len(block) == length
        rows.extend(block)
        blocks += 1
    assert blocks >= 13
    assert [normalise(r) for r in rows] == [expected_many(i) for i in range(n)]


def test_multi_block_cursor_fetchall_and_iteration(conn):
    n = 1_050
    fill_many(conn, "cnpy_cursor", n)
    cur = conn.cursor()
    cur.execute("SELECT * FROM cnpy_cursor.t")
    assert [normalise(r) for r in cur.fetchall()] == [expected_many(i) for i in range(n)]
    assert cur.rowcount == n
    cur.execute("SELECT * FROM cnpy_cursor.t WHERE ts >= %d" % (TS0 + 1000))
    assert [normalise(r) for r in cur] == [expected_many(i) for i in range(1000, n)]
    # TaosResult iteration (block path, row by row).
    got = [normalise(r) for r in conn.query("SELECT * FROM cnpy_cursor.t LIMIT 250")]
    assert got == [expected_many(i) for i in range(250)]


@pytest.mark.parametrize(
    "sql, code",
    [
        ("SELEC * FROM x", 0x80002600),
        ("SELECT * FROM cnpy_err.no_such_table", 0x80002603),
        ("SELECT * FROM cnpy_no_db.t", 0x80000388),
        ("SELECT * FROM t", 0x80002616),
        ("SELECT nope FROM cnpy_err.t", 0x80002602),
    ],
)
def test_errors_raise_taos_error_with_code(conn, sql, code):
    conn.execute("CREATE DATABASE IF NOT EXISTS cnpy_err")
    conn.execute("CREATE TABLE IF NOT EXISTS cnpy_err.t (ts TIMESTAMP, v INT)")
    with pytest.raises(taos.Error) as info:
        conn.query(sql)
    assert full_code(info.value) == code, str(info.value)
    assert str(info.value).startswith("[0x%04x]" % (code & 0xFFFF))
    # Same through a cursor.
    cur = conn.cursor()
    with pytest.raises(taos.Error) as info:
        cur.execute(sql)
    assert full_code(info.value) == code
    # The connection is still usable.
    assert conn.query("SELECT COUNT(*) FROM cnpy_err.t").fetch_all() == [(0,)]


def test_select_db_missing_raises(conn):
    with pytest.raises(taos.Error) as info:
        conn.execute("USE cnpy_no_such_db")
    assert full_code(info.value) == 0x80000388


# -- async: taos_query_a + taos_fetch_rows_a + taos_fetch_row inside the callback ------------


def run_query_a(conn, sql):
    """Runs sql with query_a and re-armed fetch_rows_a; returns (code, rows, callbacks seen)."""
    done = threading.Event()
    state = {"rows": [], "code": None, "calls": 0, "error": None}

    def fetch_cb(p_param, p_result, num_of_rows):
        state["calls"] += 1
        try:
            if num_of_rows > 0:
                result = TaosResult(p_result)
                state["rows"].extend(r.as_tuple() for r in result.rows_iter(num_of_rows))
                taos_fetch_rows_a(p_result, fetch_cb, p_param)
                return
            if num_of_rows < 0:
                state["code"] = num_of_rows
            taos_free_result(p_result)
        except Exception as e:  # noqa: BLE001 - recorded and re-raised in the test thread
            state["error"] = e
        done.set()

    def query_cb(p_param, p_result, code):
        state["calls"] += 1
        try:
            state["code"] = code
            if code != 0:
                # taospy declares taos_errstr's argtypes as `argstype` (typo), so a bare int
                # would be passed as a 32-bit C int: wrap the pointer.
                state["errstr"] = taos_errstr(c_void_p(p_result))
                taos_free_result(p_result)
                done.set()
                return
            taos_fetch_rows_a(p_result, fetch_cb, p_param)
        except Exception as e:  # noqa: BLE001
            state["error"] = e
            done.set()

    conn.query_a(sql, query_cb, None)
    assert done.wait(30), "async query did not complete within 30 s"
    if state["error"] is not None:
        raise state["error"]
    return state


def test_query_a_multi_block(conn):
    n = 432
    fill_many(conn, "cnpy_async", n)
    state = run_query_a(conn, "SELECT * FROM cnpy_async.t")
    assert state["code"] == 0
    assert [normalise(r) for r in state["rows"]] == [expected_many(i) for i in range(n)]
    # one query callback + one per block (>= 5 blocks of <= 100 rows) + the final 0
    assert state["calls"] >= 1 + 5 + 1


def test_query_a_error_code(conn):
    state = run_query_a(conn, "SELECT * FROM cnpy_async_no_db.t")
    assert state["code"] & 0xFFFFFFFF == 0x80000388
    assert state["rows"] == []
    assert state["calls"] == 1
    assert "not exist" in state["errstr"], state["errstr"]


def test_query_with_req_id_and_config_dir(addr):
    """`config=` makes taospy call taos_options(TSDB_OPTION_CONFIGDIR, dir) before connecting;
    `req_id` goes through taos_query_with_reqid."""
    import os

    conn = taos.connect(config=os.environ["TAOS_CONFIG_DIR"])
    try:
        assert conn.query("SELECT server_version()", req_id=12345).fetch_all() == [("3.3.6.0",)]
        assert conn.execute("CREATE DATABASE IF NOT EXISTS cnpy_reqid", req_id=7) == 0
    finally:
        conn.close()


def test_connect_with_database(addr, conn):
    fresh_db(conn, "cnpy_conndb")
    conn.execute("CREATE TABLE cnpy_conndb.t (ts TIMESTAMP, v NCHAR(4))")
    conn.execute(f"INSERT INTO cnpy_conndb.t VALUES ({TS0}, 'ab')")
    c2 = taos.connect(host=addr[0], port=addr[1], database="cnpy_conndb")
    try:
        assert c2.query("SELECT v FROM t").fetch_all() == [("ab",)]
    finally:
        c2.close()


def test_long_var_cells_and_null_tags(conn):
    """Cells longer than 255 bytes through both taospy paths, a NULL tag, an all-NULL row."""
    fresh_db(conn, "cnpy_long")
    conn.execute(
        "CREATE STABLE cnpy_long.st (ts TIMESTAMP, s VARCHAR(5000), n NCHAR(1000), b VARBINARY(3000)) "
        "TAGS (tg VARCHAR(300), ti INT)"
    )
    s = "".join(chr(ord("a") + i % 26) for i in range(4000))
    n = "é中😀x" * 250
    b = bytes((i % 250) + 1 for i in range(3000))  # no NUL: the row path stops at NUL (taospy)
    tag = "t" * 300
    conn.execute(
        f"INSERT INTO cnpy_long.c1 USING cnpy_long.st TAGS ('{tag}', NULL) "
        f"VALUES ({TS0}, '{s}', '{n}', '\\x{b.hex()}') ({TS0 + 1}, NULL, NULL, NULL)"
    )
    want = [(TS0, s, n, b, tag, None), (TS0 + 1, None, None, None, tag, None)]
    block = [normalise(r) for r in conn.query("SELECT * FROM cnpy_long.st ORDER BY ts").fetch_all()]
    assert block == want
    cur = conn.cursor()
    cur.execute("SELECT * FROM cnpy_long.st ORDER BY ts")
    assert [normalise(r) for r in cur] == want
    assert conn.query("SELECT COUNT(*) FROM cnpy_long.st WHERE ti IS NULL").fetch_all() == [(2,)]


@pytest.mark.parametrize("prec, code", [("ms", 0), ("us", 1), ("ns", 2)])
def test_precisions(conn, prec, code):
    """taos_result_precision drives taospy's timestamp conversion (ns stays an int)."""
    db = f"cnpy_prec_{prec}"
    ts = {"ms": 1_700_000_000_123, "us": 1_700_000_000_123_456, "ns": 1_700_000_000_123_456_789}[prec]
    conn.execute(f"DROP DATABASE IF EXISTS {db}")
    conn.execute(f"CREATE DATABASE {db} PRECISION '{prec}'")
    conn.execute(f"CREATE TABLE {db}.t (ts TIMESTAMP, v BIGINT)")
    conn.execute(f"INSERT INTO {db}.t VALUES ({ts}, {ts})")
    result = conn.query(f"SELECT ts, v FROM {db}.t")
    assert result.precision == code
    (got_ts, v), = result.fetch_all()
    assert v == ts
    if prec == "ns":
        assert got_ts == ts
    else:
        unit = 1_000 if prec == "ms" else 1_000_000
        expect = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=ts // unit, microseconds=(ts % unit) * (1_000_000 // unit))
        assert got_ts == expect, (got_ts, expect)


def test_query_a_many_in_flight(conn):
    """Eight async queries in flight on one connection; each callback chain completes once."""
    n = 300
    fill_many(conn, "cnpy_async_many", n)
    done = threading.Barrier(9, timeout=30)
    results = {}

    def start(k):
        state = {"rows": [], "code": None}
        results[k] = state

        def fetch_cb(p_param, p_result, num_of_rows):
            if num_of_rows > 0:
                state["rows"].extend(r.as_tuple() for r in TaosResult(p_result).rows_iter(num_of_rows))
                taos_fetch_rows_a(p_result, fetch_cb, p_param)
                return
            state["code"] = num_of_rows
            taos_free_result(p_result)
            done.wait()

        def query_cb(p_param, p_result, code):
            state["code"] = code
            if code != 0:
                taos_free_result(c_void_p(p_result))
                done.wait()
                return
            taos_fetch_rows_a(p_result, fetch_cb, p_param)

        conn.query_a(f"SELECT * FROM cnpy_async_many.t WHERE ts >= {TS0 + k * 10}", query_cb, None)

    for k in range(8):
        start(k)
    done.wait()
    for k in range(8):
        assert results[k]["code"] == 0, (k, results[k]["code"])
        got = [normalise(r) for r in results[k]["rows"]]
        assert got == [expected_many(i) for i in range(k * 10, n)], k


def test_zz_timezone_option(addr):
    """`timezone=` makes taospy call taos_options(TSDB_OPTION_TIMEZONE, tz) before connecting; the
    library sends it with `conn`, so zone-less timestamp literals are read in that zone.
    (Named zz_ to run last: the option is process-wide.)"""
    conn = taos.connect(host=addr[0], port=addr[1], timezone="Asia/Shanghai")
    try:
        fresh_db(conn, "cnpy_tz")
        conn.execute("CREATE TABLE cnpy_tz.t (ts TIMESTAMP, v INT)")
        # 2023-11-15 06:13:20.123 +08:00 == 1700000000123 ms
        conn.execute("INSERT INTO cnpy_tz.t VALUES ('2023-11-15 06:13:20.123', 1)")
        (ts, v), = conn.query("SELECT ts, v FROM cnpy_tz.t").fetch_all()
        assert v == 1 and epoch_ms(ts) == 1_700_000_000_123, ts
    finally:
        conn.close()
