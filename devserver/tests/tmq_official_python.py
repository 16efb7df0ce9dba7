"""TMQ smoke test of the dev server with the official Python WebSocket client (taosws).

    pip install taos-ws-py
    taos-devserver --listen 127.0.0.1:0      # prints ADDR:PORT
    python devserver/tests/tmq_official_python.py ADDR:PORT
"""
import sys

import taosws

ADDR = sys.argv[1]
HOST, PORT = ADDR.rsplit(":", 1)


def check(cond, what):
    if not cond:
        raise SystemExit(f"FAILED: {what}")


conn = taosws.connect(f"ws://root:taosdata@{ADDR}")
conn.execute("create database if not exists pydb wal_retention_period 86400")
conn.execute("create stable if not exists pydb.st (ts timestamp, v int, s varchar(8)) tags (g int)")
for i in range(3):
    conn.execute(f"create table if not exists pydb.c{i} using pydb.st tags ({i})")
    conn.execute(
        "insert into pydb.c%d values %s"
        % (i, " ".join(f"({1700000000000 + k}, {i * 100 + k}, 's{k}')" for k in range(5)))
    )
conn.execute("create topic if not exists pytopic as select ts, v, s from pydb.st")


def consumer(group):
    c = taosws.Consumer(conf={
        "td.connect.websocket.scheme": "ws", "td.connect.ip": HOST, "td.connect.port": PORT,
        "td.connect.user": "root", "td.connect.pass": "taosdata",
        "group.id": group, "client.id": "py", "auto.offset.reset": "earliest",
        "enable.auto.commit": "false",
    })
    c.subscribe(["pytopic"])
    return c


def drain(c, commit_first=False):
    rows = []
    while True:
        msg = c.poll(timeout=0.5)
        if msg is None:
            return rows
        check(msg.topic() == "pytopic", f"topic {msg.topic()}")
        check(msg.database() == "pydb", f"database {msg.database()}")
        for block in msg:
            rows.extend(block.fetchall())
        if commit_first:
            c.commit(msg)
            return rows


c = consumer("g1")
rows = drain(c)
check(len(rows) == 15, f"15 rows, got {len(rows)}: {rows}")
check(sorted(r[1] for r in rows) == sorted(i * 100 + k for i in range(3) for k in range(5)), "values")
c.commit_offset("pytopic", 2, 0)
a = c.assignment()
print("assignment", [(t.topic(), [(x.vg_id(), x.offset(), x.begin(), x.end()) for x in t.assignments()]) for t in a] if a else a)
print("committed", c.committed("pytopic", 2), "position", c.position("pytopic", 2))
c.unsubscribe()
c.close()

# Commit one message, close, reopen: the committed part is not delivered again.
c = consumer("g2")
first = drain(c, commit_first=True)
c.close()
c = consumer("g2")
rest = drain(c)
c.close()
check(len(first) + len(rest) == 15, f"exactly once: {len(first)} + {len(rest)}")
check(sorted(first + rest, key=lambda r: r[1]) == sorted(rows, key=lambda r: r[1]), "same rows")
print("tmq_python: all checks passed")
