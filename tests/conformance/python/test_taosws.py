"""The official Python WebSocket client (taos-ws-py, module `taosws`) against the dev server."""
import datetime
import re

import pytest
import taosws

TS0 = 1_700_000_000_000
ROWS = 1_111

# WKB of POINT(1 2), little-endian.
POINT_1_2 = bytes.fromhex("0101000000000000000000f03f0000000000000040")


def error_code(exc):
    """TDengine code carried in a taosws error message ("[0x2600] ...")."""
    m = re.search(r"\[0x([0-9a-fA-F]+)\]", str(exc))
    assert m, f"no [0x....] code in error message: {exc!r}"
    return int(m.group(1), 16) & 0xFFFF


def epoch_ms(value):
    """Milliseconds since the epoch of a TIMESTAMP cell as taosws returns it."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return round(value.timestamp() * 1000)
    if isinstance(value, str):
        # taosws renders TIMESTAMP cells of Connection.query rows as "YYYY-mm-dd HH:MM:SS.fff +hh:mm".
        return epoch_ms(datetime.datetime.fromisoformat(value.replace(" +", "+").replace(" -", "-")))
    return int(value)


def fresh_db(conn, name):
    conn.execute(f"DROP DATABASE IF EXISTS {name}")
    conn.execute(f"CREATE DATABASE {name}")


def test_execute_reports_affected_rows(conn):
    fresh_db(conn, "cfpy_exec")
    conn.execute("CREATE TABLE cfpy_exec.t (ts TIMESTAMP, v INT)")
    n = conn.execute(f"INSERT INTO cfpy_exec.t VALUES ({TS0}, 1) ({TS0 + 1}, 2) ({TS0 + 2}, NULL)")
    assert n == 3


def test_server_version_query(conn):
    rows = list(conn.query("SELECT server_version()"))
    assert rows == [("3.3.6.0",)]


def test_all_types_with_nulls(conn):
    fresh_db(conn, "cfpy_types")
    conn.execute(
        "CREATE STABLE cfpy_types.st (ts TIMESTAMP, c_bool BOOL, c_ti TINYINT, c_si SMALLINT, "
        "c_int INT, c_bi BIGINT, c_uti TINYINT UNSIGNED, c_usi SMALLINT UNSIGNED, "
        "c_ui INT UNSIGNED, c_ubi BIGINT UNSIGNED, c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(20), "
        "c_nc NCHAR(10), c_vb VARBINARY(16), c_geo GEOMETRY(64)) TAGS (t_int INT, t_nc NCHAR(8))"
    )
    n = conn.execute(
        "INSERT INTO cfpy_types.d1 USING cfpy_types.st TAGS (7, '标签') VALUES "
        f"({TS0}, true, 127, 32767, 2147483647, 9223372036854775807, 255, 65535, 4294967295, "
        "18446744073709551615, 3.5, -2.25, 'hello', '中文ñ', '\\x0102ff', 'POINT(1 2)') "
        f"({TS0 + 1}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) "
        f"({TS0 + 2}, false, -128, -32768, -2147483648, -9223372036854775808, 0, 0, 0, 0, -0.125, 1e300, "
        "'', '', '\\x00', 'POINT(1 2)')"
    )
    assert n == 3
    result = conn.query("SELECT * FROM cfpy_types.st ORDER BY ts")
    names = [f.name() if callable(f.name) else f.name for f in result.fields]
    assert names == [
        "ts", "c_bool", "c_ti", "c_si", "c_int", "c_bi", "c_uti", "c_usi", "c_ui", "c_ubi",
        "c_f", "c_d", "c_vc", "c_nc", "c_vb", "c_geo", "t_int", "t_nc",
    ]
    assert result.field_count == 18
    rows = list(result)
    assert len(rows) == 3
    r0, r1, r2 = rows
    assert epoch_ms(r0[0]) == TS0
    assert list(r0[1:12]) == [True, 127, 32767, 2**31 - 1, 2**63 - 1, 255, 65535, 2**32 - 1, 2**64 - 1, 3.5, -2.25]
    assert r0[12] == "hello"
    assert r0[13] == "中文ñ"
    assert bytes(r0[14]) == b"\x01\x02\xff"
    assert bytes(r0[15]) == POINT_1_2
    assert list(r0[16:]) == [7, "标签"]

    assert epoch_ms(r1[0]) == TS0 + 1
    assert list(r1[1:16]) == [None] * 15
    assert list(r1[16:]) == [7, "标签"]

    assert epoch_ms(r2[0]) == TS0 + 2
    assert list(r2[1:12]) == [False, -128, -32768, -(2**31), -(2**63), 0, 0, 0, 0, -0.125, 1e300]
    assert r2[12] == "" and r2[13] == ""
    assert bytes(r2[14]) == b"\x00"


def test_multi_block_cursor(conn):
    fresh_db(conn, "cfpy_blocks")
    conn.execute("CREATE TABLE cfpy_blocks.t (ts TIMESTAMP, i INT, s VARCHAR(16))")
    total = 0
    for start in range(0, ROWS, 250):
        values = " ".join(
            f"({TS0 + i}, NULL, NULL)" if i % 5 == 2 else f"({TS0 + i}, {i - 300}, 'r{i}')"
            for i in range(start, min(start + 250, ROWS))
        )
        total += conn.execute(f"INSERT INTO cfpy_blocks.t VALUES {values}")
    assert total == ROWS

    cur = conn.cursor()
    cur.execute("SELECT * FROM cfpy_blocks.t")
    first = cur.fetchone()
    assert epoch_ms(first[0]) == TS0 and first[1] == -300 and first[2] == "r0"
    cur.close()
    # taosws's Cursor keeps its in-block position across fetchone/fetchall and across execute
    # (fetchall after a fetchone returns nothing whatever the server sends), so read everything
    # through a fresh cursor.
    cur = conn.cursor()
    cur.execute("SELECT * FROM cfpy_blocks.t")
    rows = list(cur.fetchall())
    assert len(rows) == ROWS
    for i, row in enumerate(rows):
        assert epoch_ms(row[0]) == TS0 + i
        if i % 5 == 2:
            assert row[1] is None and row[2] is None, i
        else:
            assert row[1] == i - 300 and row[2] == f"r{i}", i
    cur.close()

    count = list(conn.query("SELECT COUNT(*), COUNT(i), SUM(i) FROM cfpy_blocks.t"))
    kept = [i for i in range(ROWS) if i % 5 != 2]
    assert count == [(ROWS, len(kept), sum(i - 300 for i in kept))]


def test_cursor_description_and_rowcount(conn):
    fresh_db(conn, "cfpy_desc")
    cur = conn.cursor()
    cur.execute("CREATE TABLE cfpy_desc.t (ts TIMESTAMP, v DOUBLE, name NCHAR(4))")
    cur.execute(f"INSERT INTO cfpy_desc.t VALUES ({TS0}, 1.5, 'ab') ({TS0 + 5}, 2.5, 'cd')")
    assert cur.row_count == 2
    cur.execute("SELECT v, name FROM cfpy_desc.t WHERE v > 2")
    assert [d[0] for d in cur.description] == ["v", "name"]
    assert cur.fetchall() == [(2.5, "cd")]


@pytest.mark.parametrize(
    "sql, code",
    [
        ("SELEC * FROM x", 0x2600),
        ("SELECT * FROM cfpy_err.no_such_table", 0x2603),
        ("SELECT * FROM cfpy_no_db.t", 0x0388),
        ("USE cfpy_no_db", 0x0388),
        ("SELECT * FROM t", 0x2616),
        ("SELECT nope FROM cfpy_err.t", 0x2602),
    ],
)
def test_error_codes(conn, sql, code):
    conn.execute("CREATE DATABASE IF NOT EXISTS cfpy_err")
    conn.execute("CREATE TABLE IF NOT EXISTS cfpy_err.t (ts TIMESTAMP, v INT)")
    with pytest.raises(taosws.Error) as info:
        conn.query(sql)
    assert error_code(info.value) == code, str(info.value)
    # The connection is still usable.
    assert list(conn.query("SELECT COUNT(*) FROM cfpy_err.t")) == [(0,)]


def test_wrong_password(addr):
    with pytest.raises(taosws.Error) as info:
        taosws.connect(f"ws://root:wrong@{addr}")
    assert error_code(info.value) == 0x0357, str(info.value)


def test_dsn_database(addr, conn):
    fresh_db(conn, "cfpy_dsn")
    conn.execute("CREATE TABLE cfpy_dsn.t (ts TIMESTAMP, v INT)")
    conn.execute(f"INSERT INTO cfpy_dsn.t VALUES ({TS0}, 9)")
    c2 = taosws.connect(f"ws://root:taosdata@{addr}/cfpy_dsn")
    try:
        assert list(c2.query("SELECT v FROM t")) == [(9,)]
        assert list(c2.query("SELECT database()")) == [("cfpy_dsn",)]
    finally:
        c2.close()
