"""The official Python REST client (`taosrest`, shipped in taospy; needs no libtaos) against the
dev server's /rest/sql: value formatting of every type, NULLs, affected rows, error codes."""
import datetime

import pytest
import taosrest

TS0 = 1_700_000_000_123


@pytest.fixture
def rest(addr):
    conn = taosrest.connect(url=f"http://{addr}", user="root", password="taosdata", timezone="UTC")
    yield conn
    conn.close()


def utc_ms(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)


def test_server_info(rest):
    assert rest.server_info == "3.3.6.0"


def test_every_type_rest_values(rest):
    cur = rest.cursor()
    cur.execute("DROP DATABASE IF EXISTS cfrest_types")
    cur.execute("CREATE DATABASE cfrest_types")
    cur.execute(
        "CREATE STABLE cfrest_types.st (ts TIMESTAMP, c_bool BOOL, c_ti TINYINT, c_si SMALLINT, "
        "c_int INT, c_bi BIGINT, c_uti TINYINT UNSIGNED, c_usi SMALLINT UNSIGNED, c_ui INT UNSIGNED, "
        "c_ubi BIGINT UNSIGNED, c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(20), c_nc NCHAR(10), "
        "c_vb VARBINARY(16), c_geo GEOMETRY(64)) TAGS (t_js JSON)"
    )
    cur.execute(
        "INSERT INTO cfrest_types.d1 USING cfrest_types.st TAGS ('{\"k\":\"v\"}') VALUES "
        f"({TS0}, true, 127, 32767, 2147483647, 9223372036854775807, 255, 65535, 4294967295, "
        "18446744073709551615, 10.3, -2.25, 'he\"l\\\\lo', '中文ñ😀', '\\x0102ff', 'POINT(1 2)') "
        f"({TS0 + 1}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"
    )
    assert cur.rowcount == 2
    cur.execute("SELECT * FROM cfrest_types.st ORDER BY ts")
    assert [d[0] for d in cur.description] == [
        "ts", "c_bool", "c_ti", "c_si", "c_int", "c_bi", "c_uti", "c_usi", "c_ui", "c_ubi",
        "c_f", "c_d", "c_vc", "c_nc", "c_vb", "c_geo", "t_js",
    ]
    assert [d[1] for d in cur.description][12:17] == ["VARCHAR", "NCHAR", "VARBINARY", "GEOMETRY", "JSON"]
    rows = cur.fetchall()
    assert rows[0] == [
        utc_ms(TS0), True, 127, 32767, 2**31 - 1, 2**63 - 1, 255, 65535, 2**32 - 1, 2**64 - 1,
        10.3,  # FLOAT printed as its shortest float32 form, so JSON reads back 10.3
        -2.25, 'he"l\\lo', "中文ñ😀", "0102ff",
        "0101000000000000000000f03f0000000000000040",  # VARBINARY/GEOMETRY: lowercase hex
        {"k": "v"},  # JSON embedded unquoted
    ]
    assert rows[1] == [utc_ms(TS0 + 1)] + [None] * 15 + [{"k": "v"}]


def test_rest_errors(rest):
    cur = rest.cursor()
    for sql, code in [
        ("SELEC 1", 0x2600),
        ("SELECT * FROM cfrest_no_db.t", 0x0388),
        ("SELECT * FROM t", 0x2616),
    ]:
        with pytest.raises(taosrest.Error) as info:
            cur.execute(sql)
        assert info.value.errno & 0xFFFF == code, str(info.value)


def test_rest_wrong_password(addr):
    with pytest.raises(taosrest.Error) as info:
        conn = taosrest.connect(url=f"http://{addr}", user="root", password="wrong")
        conn.cursor().execute("SELECT server_version()")
    # taosAdapter answers a wrong password on /rest/sql with HTTP 200 and code 0x0357.
    assert info.value.errno & 0xFFFF == 0x0357, str(info.value)
