"""taospy's TMQ consumer (`taos.tmq.Consumer`, PyPI 2.8.10) over our libtaos.so and the dev server.

taospy drives the whole tmq_* API: conf/list handling, subscribe, poll, and it reads each polled
message like a query result (taos_fetch_block + offsets + is_null_by_column), so every type and
NULL must come through exactly. Offsets, assignment, seek, commit and the error paths raise
`TmqError` with the library's code."""
import time

import pytest
from taos.cinterface import tmq_get_vgroup_id
from taos.error import TmqError
from taos.tmq import Consumer, TopicPartition

from checks import POINT_1_2, TS0, full_code, normalise

# The dev server spreads each database over two vgroups with these ids.
VGROUPS = {2, 3}

SCHEMA = (
    "(ts TIMESTAMP, c_bool BOOL, c_ti TINYINT, c_si SMALLINT, c_int INT, c_bi BIGINT, "
    "c_uti TINYINT UNSIGNED, c_usi SMALLINT UNSIGNED, c_ui INT UNSIGNED, c_ubi BIGINT UNSIGNED, "
    "c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(20), c_nc NCHAR(10), c_vb VARBINARY(16), c_geo GEOMETRY(64)) "
    "TAGS (t_int INT, t_nc NCHAR(8))"
)
COLUMNS = ["ts", "c_bool", "c_ti", "c_si", "c_int", "c_bi", "c_uti", "c_usi", "c_ui", "c_ubi",
           "c_f", "c_d", "c_vc", "c_nc", "c_vb", "c_geo"]
TYPES = [9, 1, 2, 3, 4, 5, 11, 12, 13, 14, 6, 7, 8, 10, 16, 20]


def values_sql(ts):
    """The three rows (max values, all NULL, min values) starting at ts, as VALUES text."""
    return (
        f"({ts}, true, 127, 32767, 2147483647, 9223372036854775807, 255, 65535, 4294967295, "
        "18446744073709551615, 3.5, -2.25, 'hello', '中文ñ', '\\x0102ff', 'POINT(1 2)') "
        f"({ts + 1}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) "
        f"({ts + 2}, false, -128, -32768, -2147483648, -9223372036854775808, 0, 0, 0, 0, -0.125, 1e300, "
        "'', '', '\\x00', 'POINT(1 2)')"
    )


def expected_rows(ts):
    """values_sql(ts) as taospy returns it (timestamps as epoch ms, see normalise)."""
    return [
        (ts, True, 127, 32767, 2**31 - 1, 2**63 - 1, 255, 65535, 2**32 - 1, 2**64 - 1, 3.5, -2.25,
         "hello", "中文ñ", b"\x01\x02\xff", POINT_1_2),
        (ts + 1,) + (None,) * 15,
        (ts + 2, False, -128, -32768, -(2**31), -(2**63), 0, 0, 0, 0, -0.125, 1e300,
         "", "", b"\x00", POINT_1_2),
    ]


class Got:
    """One polled data message, read completely (the Message is kept: commit needs it)."""

    def __init__(self, msg):
        assert msg.error() is None, msg.error()
        self.msg = msg
        self.topic = msg.topic()
        self.db = msg.database()
        self.vgroup = tmq_get_vgroup_id(msg.msg)
        self.offset = msg.offset()
        self.blocks = msg.value()
        self.tables = [b.table() for b in self.blocks]
        self.rows = [(b.table(), normalise(r)) for b in self.blocks for r in b.fetchall()]


def drain(consumer, want_rows, timeout=20.0):
    """Polls until want_rows rows arrived, then checks that nothing more comes."""
    got = []
    deadline = time.monotonic() + timeout
    while sum(len(g.rows) for g in got) < want_rows:
        assert time.monotonic() < deadline, f"only {sum(len(g.rows) for g in got)} of {want_rows} rows"
        msg = consumer.poll(0.5)
        if msg is not None:
            got.append(Got(msg))
    assert sum(len(g.rows) for g in got) == want_rows
    assert consumer.poll(0.3) is None, "a message beyond the expected rows"
    return got


def conf(addr, group, **extra):
    c = {
        "group.id": group,
        "client.id": "taospy-" + group,
        "td.connect.ip": addr[0],
        "td.connect.port": str(addr[1]),
        "td.connect.user": "root",
        "td.connect.pass": "taosdata",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": "false",
    }
    c.update(extra)
    return c


@pytest.fixture
def consumers():
    """Consumers made by a test, closed at its end even when it fails."""
    made = []
    yield made
    for c in made:
        c.close()


def new_consumer(consumers, addr, group, **extra):
    c = Consumer(conf(addr, group, **extra))
    consumers.append(c)
    return c


def fresh(conn, db, *topics):
    for t in topics:
        conn.execute(f"DROP TOPIC IF EXISTS {t}")
    conn.execute(f"DROP DATABASE IF EXISTS {db}")
    conn.execute(f"CREATE DATABASE {db} WAL_RETENTION_PERIOD 86400")
    conn.execute(f"CREATE STABLE {db}.st {SCHEMA}")


# -- every type, NULLs, accessors ------------------------------------------------------------


def test_stable_topic_every_type_and_accessors(conn, addr, consumers):
    """A topic AS STABLE: rows inserted after subscribe arrive with exact values (data columns
    only), with topic, database, table and vgroup accessors filled in."""
    db, topic = "cntmq_types", "cntmq_types_t"
    fresh(conn, db, topic)
    conn.execute(f"CREATE TOPIC {topic} AS STABLE {db}.st")
    c = new_consumer(consumers, addr, "g_types")
    c.subscribe([topic])
    assert c.list_topics() == [topic]
    conn.execute(f"INSERT INTO {db}.d1 USING {db}.st TAGS (7, '标签') VALUES {values_sql(TS0)}")
    conn.execute(f"INSERT INTO {db}.d2 USING {db}.st TAGS (NULL, NULL) VALUES {values_sql(TS0 + 10)}")
    got = drain(c, 6)
    for g in got:
        assert (g.topic, g.db) == (topic, db)
        assert g.vgroup in VGROUPS
        for b in g.blocks:
            assert [f.name for f in b.fields()] == COLUMNS
            assert [f.type for f in b.fields()] == TYPES
            assert (b.ncols(), b.nrows()) == (16, len(b.fetchall()))
    by_table = {}
    for g in got:
        for table, row in g.rows:
            by_table.setdefault(table, []).append(row)
    assert by_table == {"d1": expected_rows(TS0), "d2": expected_rows(TS0 + 10)}
    # A table's rows all come from its vgroup; the assignment lists the same vgroups.
    vg_of = {t: g.vgroup for g in got for t in g.tables}
    assignment = c.assignment()
    assert {p.partition for p in assignment} == VGROUPS
    assert set(vg_of.values()) <= VGROUPS


def test_query_topic_with_tags_and_where(conn, addr, consumers):
    """A topic AS SELECT on the supertable: chosen columns and tags, rows filtered by WHERE."""
    db, topic = "cntmq_sel", "cntmq_sel_t"
    fresh(conn, db, topic)
    conn.execute(f"CREATE TOPIC {topic} AS SELECT ts, c_int, c_nc, c_vb, t_int, t_nc FROM {db}.st WHERE c_int IS NULL OR c_int < 0")
    c = new_consumer(consumers, addr, "g_sel")
    c.subscribe([topic])
    conn.execute(f"INSERT INTO {db}.d1 USING {db}.st TAGS (7, '标签') VALUES {values_sql(TS0)}")
    conn.execute(f"INSERT INTO {db}.d2 USING {db}.st TAGS (NULL, NULL) VALUES {values_sql(TS0 + 10)}")
    got = drain(c, 4)
    for g in got:
        for b in g.blocks:
            assert [f.name for f in b.fields()] == ["ts", "c_int", "c_nc", "c_vb", "t_int", "t_nc"]
    assert sorted(r for _, r in (x for g in got for x in g.rows)) == sorted([
        (TS0 + 1, None, None, None, 7, "标签"),
        (TS0 + 2, -(2**31), "", b"\x00", 7, "标签"),
        (TS0 + 11, None, None, None, None, None),
        (TS0 + 12, -(2**31), "", b"\x00", None, None),
    ])


def test_message_value_blocks_and_many_rows(conn, addr, consumers):
    """message.value() gives MessageBlocks (table, fields, nrows/ncols, fetchall, iteration);
    a large insert is delivered completely, in order per table."""
    db, topic = "cntmq_blocks", "cntmq_blocks_t"
    fresh(conn, db, topic)
    conn.execute(f"CREATE TABLE {db}.plain (ts TIMESTAMP, v INT, s VARCHAR(12))")
    conn.execute(f"CREATE TOPIC {topic} AS SELECT * FROM {db}.plain")
    c = new_consumer(consumers, addr, "g_blocks")
    c.subscribe([topic])
    n = 1_234
    for start in range(0, n, 500):
        values = " ".join(
            f"({TS0 + i}, NULL, NULL)" if i % 9 == 4 else f"({TS0 + i}, {i * 7 - 3000}, 'r{i}')"
            for i in range(start, min(start + 500, n))
        )
        conn.execute(f"INSERT INTO {db}.plain VALUES {values}")
    got = drain(c, n)
    rows = []
    for g in got:
        assert g.tables and set(g.tables) == {"plain"}
        for b in g.blocks:
            assert b.table() == "plain" and b.ncols() == 3
            assert [f.name for f in b.fields()] == ["ts", "v", "s"]
            assert len(list(b)) == b.nrows() > 0
            rows.extend(normalise(r) for r in b)
    assert rows == [
        (TS0 + i, None, None) if i % 9 == 4 else (TS0 + i, i * 7 - 3000, f"r{i}") for i in range(n)
    ]


# -- commit, close, reopen; committed / position ---------------------------------------------


def test_commit_close_reopen_gets_only_newer_rows(conn, addr, consumers):
    db, topic = "cntmq_commit", "cntmq_commit_t"
    fresh(conn, db, topic)
    conn.execute(f"CREATE TOPIC {topic} AS STABLE {db}.st")
    conn.execute(f"INSERT INTO {db}.d1 USING {db}.st TAGS (1, 'a') VALUES {values_sql(TS0)}")
    conn.execute(f"INSERT INTO {db}.d2 USING {db}.st TAGS (2, 'b') VALUES {values_sql(TS0 + 10)}")
    c = new_consumer(consumers, addr, "g_commit")
    c.subscribe([topic])
    first = drain(c, 6)
    # Commit every message (commit(message) → tmq_commit_sync(tmq, msg)); then committed()
    # equals position() for each vgroup that delivered.
    for g in first:
        c.commit(g.msg)
    parts = [TopicPartition(topic, vg, 0) for vg in sorted(VGROUPS)]
    committed = {p.partition: p.offset for p in c.committed(parts)}
    position = {p.partition: p.offset for p in c.position([TopicPartition(topic, vg, 0) for vg in sorted(VGROUPS)])}
    for g in first:
        assert committed[g.vgroup] == position[g.vgroup] > g.offset, (committed, position, g.offset)
    c.unsubscribe()
    c.close()
    consumers.remove(c)

    conn.execute(f"INSERT INTO {db}.d1 VALUES ({TS0 + 100}, true, 1, 2, 3, 4, 5, 6, 7, 8, 9.5, 10.5, 'new', '新', '\\x09', 'POINT(1 2)')")
    conn.execute(f"INSERT INTO {db}.d3 USING {db}.st TAGS (3, 'c') VALUES ({TS0 + 200}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)")
    again = new_consumer(consumers, addr, "g_commit")
    again.subscribe([topic])
    newer = drain(again, 2)
    assert sorted(r for g in newer for r in g.rows) == [
        ("d1", (TS0 + 100, True, 1, 2, 3, 4, 5, 6, 7, 8, 9.5, 10.5, "new", "新", b"\x09", POINT_1_2)),
        ("d3", (TS0 + 200,) + (None,) * 15),
    ]
    # commit() with no message commits the current position of every vgroup.
    again.commit()
    for p in again.committed([TopicPartition(topic, vg, 0) for vg in sorted(VGROUPS)]):
        pos = again.position([TopicPartition(topic, p.partition, 0)])[0].offset
        assert p.offset == pos, (p.partition, p.offset, pos)
    # A different group starts from the beginning (earliest) and sees all 8 rows.
    other = new_consumer(consumers, addr, "g_commit_other")
    other.subscribe([topic])
    assert len([r for g in drain(other, 8) for r in g.rows]) == 8


def test_commit_offsets_then_reopen(conn, addr, consumers):
    """commit(offsets=[TopicPartition]) → tmq_commit_offset_sync: a reopened consumer of the
    group starts at the committed offsets."""
    db, topic = "cntmq_commitoff", "cntmq_commitoff_t"
    fresh(conn, db, topic)
    conn.execute(f"CREATE TOPIC {topic} AS STABLE {db}.st")
    conn.execute(f"INSERT INTO {db}.d1 USING {db}.st TAGS (1, 'a') VALUES {values_sql(TS0)}")
    c = new_consumer(consumers, addr, "g_commitoff")
    c.subscribe([topic])
    got = drain(c, 3)
    ends = {p.partition: p.end for p in c.assignment()}
    c.commit(offsets=[TopicPartition(topic, vg, end) for vg, end in ends.items()])
    assert {p.partition: p.offset for p in c.committed([TopicPartition(topic, vg, 0) for vg in ends])} == ends
    assert got[0].vgroup in ends
    c.close()
    consumers.remove(c)
    again = new_consumer(consumers, addr, "g_commitoff")
    again.subscribe([topic])
    assert again.poll(0.5) is None
    conn.execute(f"INSERT INTO {db}.d1 VALUES ({TS0 + 50}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'late', NULL, NULL, NULL)")
    (late,) = drain(again, 1)
    assert late.rows == [("d1", (TS0 + 50,) + (None,) * 11 + ("late", None, None, None))]


# -- assignment and seek ---------------------------------------------------------------------


def test_assignment_and_seek(conn, addr, consumers):
    db, topic = "cntmq_seek", "cntmq_seek_t"
    fresh(conn, db, topic)
    conn.execute(f"CREATE TOPIC {topic} AS STABLE {db}.st")
    for k in range(4):
        conn.execute(f"INSERT INTO {db}.d{k} USING {db}.st TAGS ({k}, 'x') VALUES {values_sql(TS0 + 10 * k)}")
    c = new_consumer(consumers, addr, "g_seek")
    c.subscribe([topic])
    before = c.assignment()
    assert sorted(p.partition for p in before) == sorted(VGROUPS)
    for p in before:
        assert p.topic == topic
        assert p.begin <= p.offset <= p.end, str(p)
    first = drain(c, 12)
    after = {p.partition: p for p in c.assignment()}
    for p in after.values():
        assert p.offset == p.end, str(p)  # everything read
    # Seek every vgroup back to its beginning: the same rows come again.
    for p in after.values():
        c.seek(TopicPartition(topic, p.partition, p.begin))
    assert {p.partition: p.offset for p in c.assignment()} == {vg: p.begin for vg, p in after.items()}
    second = drain(c, 12)
    assert sorted(r for g in second for r in g.rows) == sorted(r for g in first for r in g.rows)
    # Seek one vgroup to the offset of its last message: only that message comes again.
    last = max((g for g in first), key=lambda g: g.offset)
    c.seek(TopicPartition(topic, last.vgroup, last.offset))
    (again,) = drain(c, len(last.rows))
    assert (again.vgroup, again.rows) == (last.vgroup, last.rows)


# -- errors ----------------------------------------------------------------------------------


def test_subscribe_unknown_topic_raises_tmq_error(addr, consumers):
    c = new_consumer(consumers, addr, "g_err")
    with pytest.raises(TmqError) as info:
        c.subscribe(["cntmq_no_such_topic"])
    assert full_code(info.value) == 0x800003E1, str(info.value)  # TSDB_CODE_MND_TOPIC_NOT_EXIST


@pytest.mark.parametrize(
    "key, value, code",
    [
        ("enable.auto.commit", "maybe", -1),      # TMQ_CONF_INVALID
        ("auto.offset.reset", "sometimes", -1),
        ("td.connect.port", "70000", -1),
        ("group.id", "a:b", -1),
        ("no.such.key", "1", -2),                 # TMQ_CONF_UNKNOWN
    ],
)
def test_bad_config_raises_tmq_error(addr, key, value, code):
    with pytest.raises(TmqError) as info:
        Consumer(conf(addr, "g_badconf", **{key: value}))
    assert info.value.errno == code, str(info.value)
    assert key in str(info.value)


# taospy's Consumer.__del__ trips over its own early `raise` (no `_tmq` yet): not ours.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_consumer_errors_without_group_or_server(addr):
    with pytest.raises(TmqError, match="group.id"):
        Consumer({"td.connect.ip": addr[0], "td.connect.port": str(addr[1])})
    # Nothing listens on port 1: tmq_consumer_new returns NULL and fills errstr.
    with pytest.raises(TmqError, match="tmq_consumer_new"):
        Consumer(conf(("127.0.0.1", 1), "g_noserver"))


def test_poll_before_subscribe_and_wrong_password(conn, addr, consumers):
    c = new_consumer(consumers, addr, "g_nosub")
    with pytest.raises(TmqError, match="unsubscribe"):
        c.poll(0.1)  # taospy refuses before calling the library
    # Over WebSocket the credentials are checked when subscribing (as with libtaosws), and
    # taosAdapter reports its failed tmq_consumer_new as 0xffff + the message (native checks
    # them in tmq_consumer_new, which gives no code either).
    conn.execute("CREATE DATABASE IF NOT EXISTS cntmq_pass")
    conn.execute("CREATE TABLE IF NOT EXISTS cntmq_pass.t (ts TIMESTAMP, v INT)")
    conn.execute("CREATE TOPIC IF NOT EXISTS cntmq_pass_t AS SELECT * FROM cntmq_pass.t")
    with pytest.raises(TmqError) as info:
        bad = new_consumer(consumers, addr, "g_badpass", **{"td.connect.pass": "wrong"})
        bad.subscribe(["cntmq_pass_t"])
    assert full_code(info.value) == 0x8000FFFF, str(info.value)
    assert "Authentication failure" in str(info.value)


def test_unsubscribe_then_subscribe_again(conn, addr, consumers):
    """unsubscribe clears the subscription; a second subscribe on the same consumer works."""
    db, topic = "cntmq_resub", "cntmq_resub_t"
    fresh(conn, db, topic)
    conn.execute(f"CREATE TOPIC {topic} AS STABLE {db}.st")
    conn.execute(f"INSERT INTO {db}.d1 USING {db}.st TAGS (1, 'a') VALUES {values_sql(TS0)}")
    c = new_consumer(consumers, addr, "g_resub")
    c.subscribe([topic])
    assert len(drain(c, 3)) >= 1
    c.unsubscribe()
    assert c.list_topics() == []
    c.subscribe([topic])
    assert c.list_topics() == [topic]
    # Nothing was committed: the group restarts from earliest.
    assert sorted(r for g in drain(c, 3) for _, r in g.rows) == expected_rows(TS0)
