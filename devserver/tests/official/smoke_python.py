"""Smoke test of the dev server with the official Python clients.

    pip install taos-ws-py taospy
    taos-devserver --listen 127.0.0.1:0 --block-rows 3   # prints ADDR:PORT
    python smoke_python.py ADDR:PORT

Exercises taosws (the official Rust WebSocket client underneath; plain and
compression=true) and taosrest (REST). Exits non-zero on the first mismatch.
"""
import sys

import taosrest
import taosws

ADDR = sys.argv[1]
ROWS = [
    (1700000000000, 42, "abc", "ab", 1.5),
    (1700000001000, None, None, "中", None),
    (1700000002000, 7, "", "xyz", -2.25),
    (1700000003000, 8, "q", "w", 0.0),
]


def check(cond, what):
    if not cond:
        raise SystemExit(f"FAILED: {what}")


for dsn in (f"ws://root:taosdata@{ADDR}", f"ws://root:taosdata@{ADDR}?compression=true"):
    conn = taosws.connect(dsn)
    conn.execute("create database if not exists smoke")
    conn.execute("use smoke")
    conn.execute("create table if not exists t (ts timestamp, i int, s varchar(10), n nchar(5), d double)")
    values = " ".join(
        "({}, {}, {}, {}, {})".format(
            ts,
            "NULL" if i is None else i,
            "NULL" if s is None else f"'{s}'",
            f"'{n}'",
            "NULL" if d is None else d,
        )
        for ts, i, s, n, d in ROWS
    )
    check(conn.execute(f"insert into t values {values}") == 4, "insert count")
    got = [tuple(row)[1:] for row in conn.query("select * from t")]
    check(got == [r[1:] for r in ROWS], f"rows {got}")
    try:
        conn.query("select * from no_such_table")
        check(False, "error expected")
    except Exception as e:  # noqa: BLE001 - the client raises its own error types
        check("0x2603" in str(e), f"error text {e}")
    conn.execute("drop database smoke")
    conn.close()

rest = taosrest.connect(url=f"http://{ADDR}", user="root", password="taosdata", timezone="UTC")
rest.execute("create database if not exists rsmoke")
rest.execute("create table if not exists rsmoke.t (ts timestamp, i int, s varchar(10))")
check(rest.execute("insert into rsmoke.t values (1700000000000, 42, 'abc') (1700000001000, NULL, NULL)") == 2, "rest insert")
r = rest.query("select i, s from rsmoke.t")
check([list(x) for x in r] == [[42, "abc"], [None, None]], "rest rows")
try:
    taosrest.connect(url=f"http://{ADDR}", user="root", password="bad").query("show databases")
    check(False, "auth error expected")
except Exception as e:  # noqa: BLE001
    check(getattr(e, "errno", None) == 855, f"auth errno {e}")
print("ok")
