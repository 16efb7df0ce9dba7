"""taospy 2.8.10's statement (v1), statement2 and schemaless APIs over OUR libtaos.so: parameterised
queries and their results, raw schemaless payloads with req_id/ttl, and error codes."""
import pytest
import taos

from checks import TS0, epoch_ms


def fill(conn, db):
    """db.st with child d1 (tag 7) holding three rows (one NULL row), written with SQL."""
    conn.execute(f"DROP DATABASE IF EXISTS {db}")
    conn.execute(f"CREATE DATABASE {db}")
    conn.select_db(db)
    conn.execute("CREATE STABLE st (ts TIMESTAMP, v INT, s VARCHAR(20)) TAGS (g INT)")
    conn.execute(
        f"INSERT INTO d1 USING st TAGS (7) VALUES ({TS0}, 1, 'a') ({TS0 + 1}, NULL, NULL) ({TS0 + 2}, 3, 'ccc')"
    )


def test_statement2_query_with_params(conn):
    """statement2 SELECT … WHERE ts >= ? AND v > ?: taos_stmt2_exec + taos_stmt2_result."""
    fill(conn, "cnpy_s2q")
    stmt = conn.statement2("SELECT ts, v, s FROM st WHERE ts >= ? AND v > ? ORDER BY ts")
    stmt.bind_param(None, None, [[[TS0], [0]]])
    stmt.execute()
    rows = [(epoch_ms(r[0]), r[1], r[2]) for r in stmt.result().fetch_all()]
    assert rows == [(TS0, 1, "a"), (TS0 + 2, 3, "ccc")]
    # Re-bind and re-execute the same statement.
    stmt.bind_param(None, None, [[[TS0 + 1], [2]]])
    stmt.execute()
    assert [(epoch_ms(r[0]), r[1]) for r in stmt.result().fetch_all()] == [(TS0 + 2, 3)]
    stmt.close()


def test_statement_v1_query_with_params(conn):
    """statement (v1) SELECT with bind_param + execute + use_result."""
    fill(conn, "cnpy_s1q")
    stmt = conn.statement("SELECT v, s FROM st WHERE v >= ? ORDER BY ts")
    params = taos.new_bind_params(1)
    params[0].int(3)
    stmt.bind_param(params, add_batch=False)
    stmt.execute()
    assert stmt.use_result().fetch_all() == [(3, "ccc")]
    stmt.close()


def test_statement2_insert_into_existing_table_then_wrong_prepare(conn):
    fill(conn, "cnpy_s2e")
    stmt = conn.statement2("INSERT INTO d1 VALUES (?, ?, ?)")
    stmt.bind_param(None, None, [[[TS0 + 10, TS0 + 11], [10, None], ["x", None]]])
    assert stmt.execute() == 2
    stmt.close()
    assert conn.query("SELECT COUNT(*) FROM st").fetch_all() == [(5,)]
    with pytest.raises(taos.Error):
        conn.statement2("INSERT INTO cnpy_no_such_db.t VALUES (?, ?)")


def test_schemaless_raw_with_req_id_and_ttl(conn):
    """schemaless_insert_raw (taos_schemaless_insert_raw_ttl_with_reqid): one payload, two lines."""
    conn.execute("DROP DATABASE IF EXISTS cnpy_sml_raw")
    conn.execute("CREATE DATABASE cnpy_sml_raw")
    conn.select_db("cnpy_sml_raw")
    payload = "m1,host=a v=1.5,n=2i 1700000000000\nm1,host=b v=2.5,n=3i 1700000000001"
    n = conn.schemaless_insert_raw(
        payload, taos.SmlProtocol.LINE_PROTOCOL, taos.SmlPrecision.MILLI_SECONDS, req_id=77, ttl=10
    )
    assert n == 2
    rows = [(epoch_ms(r[0]), r[1], r[2], r[3]) for r in conn.query("SELECT _ts, v, n, host FROM m1 ORDER BY _ts").fetch_all()]
    assert rows == [(TS0, 1.5, 2, "a"), (TS0 + 1, 2.5, 3, "b")]


def test_schemaless_error_code(conn):
    conn.execute("DROP DATABASE IF EXISTS cnpy_sml_err")
    conn.execute("CREATE DATABASE cnpy_sml_err")
    conn.select_db("cnpy_sml_err")
    with pytest.raises(taos.Error) as e:
        conn.schemaless_insert(["not a line"], taos.SmlProtocol.LINE_PROTOCOL, taos.SmlPrecision.MILLI_SECONDS)
    # The dev server's (TDengine's) code and text pass through unchanged; taospy's errno is signed.
    assert e.value.errno & 0xFFFF == 0x021F
    assert "line 1" in e.value.msg


def test_statement2_supertable_insert_with_tbname_column(conn):
    """statement2 `INSERT INTO st (tbname, ts, v, s, g) VALUES (?, ?, ?, ?, ?)`: table name and tag
    bound like columns (taospy's createSuperBindV path); child tables are created on the fly."""
    fill(conn, "cnpy_s2stb")
    stmt = conn.statement2("INSERT INTO st (tbname, ts, v, s, g) VALUES (?, ?, ?, ?, ?)")
    stmt.bind_param(
        ["d2", "d3"],
        [[20], [None]],
        [[[TS0 + 20, TS0 + 21], [20, None], ["x", "yy"]], [[TS0 + 30], [30], [None]]],
    )
    assert stmt.execute() == 3
    stmt.close()
    got = conn.query("SELECT tbname, v, s, g FROM st WHERE tbname IN ('d2', 'd3') ORDER BY tbname, ts").fetch_all()
    assert got == [("d2", 20, "x", 20), ("d2", None, "yy", 20), ("d3", 30, None, None)]
