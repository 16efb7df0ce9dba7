//! TMQ over `/rest/tmq` on a real socket (ws-stmt-sml-tmq.md §4): topic SQL, subscribe,
//! poll, the three fetch paths, offsets (commit / committed / position / seek /
//! assignment), consumer groups, exactly-once delivery across commit/close/reopen, and the
//! error texts of §4.9.

mod netutil;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;

use netutil::Client;
use serde_json::{json, Value};
use taos_devserver::engine::{Outcome, Session};
use taos_devserver::tmq::log::{vgroup_of, VGROUPS};
use taos_devserver::DevServerHandle;
use taos_wire::block::RawBlock;
use taos_wire::tmq::{
    parse_fetch_raw_data, parse_tmq_fetch_block, parse_tmq_fetch_raw, FetchRawData,
};
use taos_wire::tmq_raw::{parse_tmq_raw_data, parse_tmq_raw_offsets};

/// `committed` when nothing is committed.
const NO_COMMITTED: i64 = -2147467247;

fn sql(h: &DevServerHandle, s: &str) -> Result<Outcome, taos_wire::TaosError> {
    let mut sess = Session::default();
    h.engine().execute(&mut sess, s)
}

fn ok(h: &DevServerHandle, s: &str) {
    if let Err(e) = sql(h, s) {
        panic!("{s}: {e:?}");
    }
}

/// Database `db` with supertable `st (ts, v INT, s VARCHAR(10)) TAGS (g INT)` and child
/// tables `d0..d3` (tag g = index).
fn setup(h: &DevServerHandle) {
    ok(h, "create database db wal_retention_period 86400");
    ok(
        h,
        "create stable db.st (ts timestamp, v int, s varchar(10)) tags (g int)",
    );
    for i in 0..4 {
        ok(h, &format!("create table db.d{i} using db.st tags ({i})"));
    }
}

/// Inserts rows `v` = `from..to` into `table` at ts = 1_700_000_000_000 + v.
fn insert(h: &DevServerHandle, table: &str, from: i32, to: i32) {
    let vals: Vec<String> = (from..to)
        .map(|v| format!("({}, {v}, 's{v}')", 1_700_000_000_000i64 + i64::from(v)))
        .collect();
    ok(
        h,
        &format!("insert into db.{table} values {}", vals.join(" ")),
    );
}

/// One received row: (table, ts, v).
type Row = (String, i64, i32);

struct Tmq {
    c: Client,
    req: u64,
    last_id: u64,
}

impl Tmq {
    fn open(addr: SocketAddr) -> Tmq {
        Tmq {
            c: Client::open(addr, "/rest/tmq"),
            req: 100,
            last_id: 0,
        }
    }

    fn next_req(&mut self) -> u64 {
        self.req += 1;
        self.req
    }

    fn send(&mut self, action: &str, mut args: Value) -> u64 {
        let req = self.next_req();
        args["req_id"] = json!(req);
        self.c
            .text(&json!({"action": action, "args": args}).to_string());
        req
    }

    fn ask(&mut self, action: &str, args: Value) -> Value {
        let req = self.send(action, args);
        let r = self.c.recv_json();
        assert_eq!(r["req_id"], req, "{r}");
        assert_eq!(r["action"], action, "{r}");
        r
    }

    fn subscribe(&mut self, group: &str, topics: &[&str], reset: &str) -> Value {
        self.ask(
            "subscribe",
            json!({"user":"root","password":"taosdata","db":"","group_id":group,
                   "client_id":"c1","offset_rest":reset,"auto_commit":"false",
                   "with_table_name":"true","enable_batch_meta":"1",
                   "config":{"td.connect.ip":"127.0.0.1","td.connect.port":"6041"},
                   "topics":topics}),
        )
    }

    fn poll(&mut self, ms: i64) -> Value {
        let r = self.ask(
            "poll",
            json!({"blocking_time": ms, "message_id": self.last_id}),
        );
        assert_eq!(r["code"], 0, "{r}");
        if r["have_message"] == true {
            self.last_id = r["message_id"].as_u64().unwrap();
        }
        r
    }

    /// Path A: `fetch` + `fetch_block` until completed.
    fn fetch_a(&mut self) -> Vec<Row> {
        let mut rows = Vec::new();
        loop {
            let r = self.ask("fetch", json!({"message_id": self.last_id}));
            assert_eq!(r["code"], 0, "{r}");
            if r["completed"] == true {
                return rows;
            }
            assert_eq!(r["fields_names"], json!(["ts", "v", "s"]));
            assert_eq!(r["fields_types"], json!([9, 4, 8]));
            assert_eq!(r["fields_lengths"], json!([8, 4, 10]));
            let fetch_req = r["req_id"].as_u64().unwrap();
            let table = r["table_name"].as_str().unwrap().to_string();
            let n = r["rows"].as_u64().unwrap() as usize;
            self.send("fetch_block", json!({"message_id": self.last_id}));
            let f = self.c.recv_bin();
            let fb = parse_tmq_fetch_block(&f).unwrap();
            assert_eq!(
                fb.req_id, fetch_req,
                "fetch_block echoes the fetch's req_id"
            );
            assert_eq!(fb.message_id, self.last_id);
            let b = RawBlock::parse(fb.block).unwrap();
            assert_eq!(b.rows(), n);
            rows.extend(decode(&table, &b));
        }
    }

    /// Polls and reads (path A) until a poll of `ms` brings nothing.
    fn drain(&mut self, ms: i64) -> Vec<Row> {
        let mut rows = Vec::new();
        while self.poll(ms)["have_message"] == true {
            rows.extend(self.fetch_a());
        }
        rows
    }
}

fn decode(table: &str, b: &RawBlock) -> Vec<Row> {
    (0..b.rows())
        .map(|r| {
            let ts = i64::from_le_bytes(b.fixed_cell(0, r).try_into().unwrap());
            let v = i32::from_le_bytes(b.fixed_cell(1, r).try_into().unwrap());
            let s = b.var_cell(2, r).unwrap();
            assert_eq!(s, format!("s{v}").as_bytes());
            (table.to_string(), ts, v)
        })
        .collect()
}

/// Checks every expected (table, v) arrives exactly once and per-table in ts order.
fn check_exactly_once(rows: &[Row], expect: &[(&str, i32, i32)]) {
    let mut per: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for (t, ts, v) in rows {
        assert_eq!(*ts, 1_700_000_000_000 + i64::from(*v));
        per.entry(t.as_str()).or_default().push(*ts);
    }
    for (t, from, to) in expect {
        let got = per.remove(t).unwrap_or_default();
        let want: Vec<i64> = (*from..*to)
            .map(|v| 1_700_000_000_000 + i64::from(v))
            .collect();
        assert_eq!(got, want, "rows of {t}");
    }
    assert!(per.is_empty(), "unexpected tables {per:?}");
}

#[test]
fn topic_sql_statements() {
    let h = netutil::start(4096);
    setup(&h);
    ok(&h, "create topic t1 as select * from db.st");
    ok(&h, "create topic if not exists t1 as select ts from db.st");
    let e = sql(&h, "create topic t1 as select * from db.st").unwrap_err();
    assert_eq!(
        (e.code as u32, e.message.as_str()),
        (0x800003E0, "Topic already exists")
    );
    ok(&h, "create topic t2 with meta as stable db.st where g > 1");
    ok(&h, "create topic t3 with meta as database db");
    let e = sql(&h, "create topic t4 as select count(*) from db.st").unwrap_err();
    assert_eq!(e.code as u32, 0x800003E4);
    let e = sql(&h, "create topic t4 as select * from db.nope").unwrap_err();
    assert_eq!(e.code as u32, 0x80002603, "{e:?}");
    let e = sql(&h, "drop topic nope").unwrap_err();
    assert_eq!(
        (e.code as u32, e.message.as_str()),
        (0x800003E1, "Topic not exist")
    );
    ok(&h, "drop topic if exists nope");

    // SHOW TOPICS through the ordinary /ws query path.
    let mut c = Client::connected(h.addr());
    let r = c.exec("show topics");
    assert_eq!(r["fields_names"][0], "topic_name");
    let id = r["id"].as_u64().unwrap();
    c.binary(netutil::fetch_raw_block(9, id));
    let reply = netutil::parse_raw_reply(&c.recv_bin());
    let b = RawBlock::parse(&reply.block).unwrap();
    let names: Vec<&[u8]> = (0..b.rows()).map(|r| b.var_cell(0, r).unwrap()).collect();
    assert_eq!(names, vec![&b"t1"[..], b"t2", b"t3"]);
    let types: Vec<&[u8]> = (0..b.rows()).map(|r| b.var_cell(5, r).unwrap()).collect();
    assert_eq!(types, vec![&b"column"[..], b"stable", b"db"]);

    // A subscribed topic cannot be dropped without FORCE.
    let mut t = Tmq::open(h.addr());
    assert_eq!(t.subscribe("g", &["t1"], "earliest")["code"], 0);
    let e = sql(&h, "drop topic t1").unwrap_err();
    assert_eq!(e.code as u32, 0x800003EB);
    let Outcome::Rows(rs) = sql(&h, "show consumers").unwrap() else {
        panic!()
    };
    assert_eq!(rs.num_rows(), 1);
    let Outcome::Rows(rs) = sql(&h, "show subscriptions").unwrap() else {
        panic!()
    };
    assert_eq!(rs.num_rows(), 2, "one row per vgroup");
    let Outcome::Rows(rs) = sql(
        &h,
        "select topic_name, consumer_group, vgroup_id from information_schema.ins_subscriptions",
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(rs.num_rows(), 2);
    let Outcome::Rows(rs) = sql(
        &h,
        "select topic_name, type from information_schema.ins_topics where type = 'db'",
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(rs.num_rows(), 1);
    let Outcome::Rows(rs) = sql(
        &h,
        "select consumer_group from information_schema.ins_consumers",
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(
        rs.value(0, 0),
        taos_devserver::engine::Value::Bytes(b"g".to_vec())
    );
    let e = sql(&h, "drop consumer group g on t1").unwrap_err();
    assert_eq!(e.code as u32, 0x800003EC);
    ok(&h, "drop topic force t1");
    ok(&h, "drop topic t2");
    h.stop();
}

#[test]
fn path_a_values_offsets_and_order() {
    let h = netutil::start(4096);
    setup(&h);
    assert_ne!(
        vgroup_of(VGROUPS, "d0"),
        vgroup_of(VGROUPS, "d1"),
        "test wants two vgroups"
    );
    ok(&h, "create topic tp as stable db.st");
    insert(&h, "d0", 0, 5);
    // Out-of-order rows within one statement arrive in timestamp order.
    ok(
        &h,
        "insert into db.d1 values (1700000000003, 3, 's3') (1700000000001, 1, 's1') (1700000000002, 2, 's2')",
    );
    let mut t = Tmq::open(h.addr());
    let v = t.ask("version", json!({}));
    assert_eq!(v["version"], "3.3.6.0");
    let r = t.subscribe("g1", &["tp"], "earliest");
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(r["version"], "3.3.6.0");
    let mut all = Vec::new();
    let mut vgroups = BTreeSet::new();
    let mut ids = Vec::new();
    loop {
        let p = t.poll(100);
        if p["have_message"] != true {
            assert_eq!(p["topic"], "");
            assert_eq!(p["message_id"], 0);
            break;
        }
        assert_eq!(
            (p["topic"].as_str(), p["database"].as_str()),
            (Some("tp"), Some("db"))
        );
        assert_eq!(p["message_type"], 1);
        assert_eq!(
            p["offset"], 0,
            "first message of each vgroup starts at version 0"
        );
        vgroups.insert(p["vgroup_id"].as_i64().unwrap());
        ids.push(p["message_id"].as_u64().unwrap());
        all.extend(t.fetch_a());
    }
    assert_eq!(ids, vec![1, 2], "message ids count from 1 per socket");
    assert_eq!(vgroups.len(), 2);
    check_exactly_once(&all, &[("d0", 0, 5), ("d1", 1, 4)]);

    // Each vgroup's log: CREATE STABLE, its child tables' CREATEs, one insert (d0 or d1).
    let end = |vg: i32| {
        let children = (0..4)
            .filter(|i| vgroup_of(VGROUPS, &format!("d{i}")) == vg)
            .count();
        2 + children as i64
    };
    let (e2, e3) = (end(2), end(3));
    // Positions moved past the end of each vgroup; nothing committed yet.
    let pairs: Vec<Value> = [2, 3]
        .iter()
        .map(|vg| json!({"topic":"tp","vgroup_id":vg}))
        .collect();
    let r = t.ask("position", json!({"topic_vgroup_ids": pairs}));
    assert_eq!(r["position"], json!([e2, e3]));
    let r = t.ask("committed", json!({"topic_vgroup_ids": pairs}));
    assert_eq!(r["committed"], json!([NO_COMMITTED, NO_COMMITTED]));
    let r = t.ask("commit", json!({"message_id": t.last_id}));
    assert_eq!(
        (r["code"].as_i64(), r["message_id"].as_u64()),
        (Some(0), Some(2))
    );
    let r = t.ask("committed", json!({"topic_vgroup_ids": pairs}));
    assert_eq!(r["committed"], json!([e2, e3]));
    let r = t.ask("assignment", json!({"topic":"tp"}));
    assert_eq!(
        r["assignment"],
        json!([{"vgroup_id":2,"offset":e2,"begin":0,"end":e2},{"vgroup_id":3,"offset":e3,"begin":0,"end":e3}])
    );
    let r = t.ask("list_topics", json!({}));
    assert_eq!(r["topics"], json!(["tp"]));

    // New rows arrive at the next offset; seek back replays.
    insert(&h, "d0", 5, 7);
    let p = t.poll(500);
    assert_eq!(
        (p["have_message"].as_bool(), p["offset"].as_i64()),
        (Some(true), Some(end(vgroup_of(VGROUPS, "d0"))))
    );
    check_exactly_once(&t.fetch_a(), &[("d0", 5, 7)]);
    let vg0 = i64::from(vgroup_of(VGROUPS, "d0").abs());
    let r = t.ask("seek", json!({"topic":"tp","vgroup_id":vg0,"offset":0}));
    assert_eq!(r["code"], 0, "{r}");
    let again = t.drain(100);
    check_exactly_once(&again, &[("d0", 0, 7)]);
    let r = t.ask("unsubscribe", json!({}));
    assert_eq!(r["code"], 0);
    h.stop();
}

#[test]
fn exactly_once_across_commit_close_reopen() {
    let h = netutil::start(4096);
    setup(&h);
    ok(&h, "create topic tp as select ts, v, s from db.st");
    for i in 0..4 {
        insert(&h, &format!("d{i}"), 0, 3);
    }
    let mut got = Vec::new();
    {
        let mut t = Tmq::open(h.addr());
        assert_eq!(t.subscribe("g", &["tp"], "earliest")["code"], 0);
        // One message, committed; a second one read but not committed.
        assert_eq!(t.poll(200)["have_message"], true);
        let first = t.fetch_a();
        assert!(!first.is_empty());
        got.extend(first);
        let _ = t.ask("commit", json!({"message_id": t.last_id}));
        assert_eq!(t.poll(200)["have_message"], true);
        let _ = t.fetch_a(); // lost: not committed before close
    }
    // The server removes the closed consumer asynchronously; wait for it.
    for _ in 0..200 {
        match sql(&h, "show consumers") {
            Ok(Outcome::Rows(rs)) if rs.num_rows() == 0 => break,
            _ => std::thread::sleep(std::time::Duration::from_millis(10)),
        }
    }
    // More rows while no consumer is up.
    insert(&h, "d0", 3, 6);
    let mut t = Tmq::open(h.addr());
    assert_eq!(t.subscribe("g", &["tp"], "earliest")["code"], 0);
    got.extend(t.drain(200));
    check_exactly_once(
        &got,
        &[("d0", 0, 6), ("d1", 0, 3), ("d2", 0, 3), ("d3", 0, 3)],
    );
    h.stop();
}

/// `auto.offset.reset=none` (TDengine 3.3): a vgroup without a committed offset yields
/// nothing and the poll is not an error (the vnode's TQ_NO_COMMITTED_OFFSET is dropped by the
/// client); position / assignment report NO_COMMITTED there. A commit or a seek starts it.
#[test]
fn reset_none_reads_only_from_committed_offsets() {
    let h = netutil::start(4096);
    setup(&h);
    ok(&h, "create topic tp as select ts, v, s from db.st");
    for i in 0..4 {
        insert(&h, &format!("d{i}"), 0, 5);
    }
    let vg0 = vgroup_of(VGROUPS, "d0");
    let mut t = Tmq::open(h.addr());
    assert_eq!(t.subscribe("gn", &["tp"], "none")["code"], 0);
    let r = t.poll(100);
    assert_eq!(
        (r["code"].as_i64(), r["have_message"].as_bool()),
        (Some(0), Some(false)),
        "{r}"
    );
    let a = t.ask("assignment", json!({"topic":"tp"}));
    let list = a["assignment"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{a}");
    for x in list {
        assert_eq!(x["offset"].as_i64(), Some(NO_COMMITTED), "{a}");
        assert_eq!(x["begin"].as_i64(), Some(0), "{a}");
    }
    let p = t.ask(
        "position",
        json!({"topic_vgroup_ids":[{"topic":"tp","vgroup_id":vg0}]}),
    );
    assert_eq!(p["position"], json!([NO_COMMITTED]), "{p}");
    // New rows do not help: nothing is committed.
    insert(&h, "d0", 5, 6);
    assert_eq!(t.poll(100)["have_message"], false);
    // Committing offset 0 for d0's vgroup starts that vgroup (only) from the beginning.
    let c = t.ask(
        "commit_offset",
        json!({"topic":"tp","vgroup_id":vg0,"offset":0}),
    );
    assert_eq!(c["code"], 0, "{c}");
    let rows = t.drain(100);
    let tables: Vec<String> = (0..4)
        .map(|i| format!("d{i}"))
        .filter(|n| vgroup_of(VGROUPS, n) == vg0)
        .collect();
    let expect: Vec<(&str, i32, i32)> = tables
        .iter()
        .map(|n| (n.as_str(), 0, if n == "d0" { 6 } else { 5 }))
        .collect();
    check_exactly_once(&rows, &expect);
    // A seek starts the other vgroup.
    let other = if vg0 == 2 { 3 } else { 2 };
    let s = t.ask("seek", json!({"topic":"tp","vgroup_id":other,"offset":0}));
    assert_eq!(s["code"], 0, "{s}");
    let rows = t.drain(100);
    let tables: Vec<String> = (0..4)
        .map(|i| format!("d{i}"))
        .filter(|n| vgroup_of(VGROUPS, n) == other)
        .collect();
    let expect: Vec<(&str, i32, i32)> = tables.iter().map(|n| (n.as_str(), 0, 5)).collect();
    check_exactly_once(&rows, &expect);
    h.stop();
}

#[test]
fn consumer_group_shares_vgroups() {
    let h = netutil::start(4096);
    setup(&h);
    ok(&h, "create topic tp as stable db.st");
    for i in 0..4 {
        insert(&h, &format!("d{i}"), 0, 10);
    }
    let mut a = Tmq::open(h.addr());
    let mut b = Tmq::open(h.addr());
    assert_eq!(a.subscribe("grp", &["tp"], "earliest")["code"], 0);
    assert_eq!(b.subscribe("grp", &["tp"], "earliest")["code"], 0);
    let aa = a.ask("assignment", json!({"topic":"tp"}));
    let ba = b.ask("assignment", json!({"topic":"tp"}));
    let va: Vec<i64> = aa["assignment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["vgroup_id"].as_i64().unwrap())
        .collect();
    let vb: Vec<i64> = ba["assignment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["vgroup_id"].as_i64().unwrap())
        .collect();
    assert_eq!((va.len(), vb.len()), (1, 1));
    assert_ne!(va, vb);
    let ra = a.drain(100);
    let rb = b.drain(100);
    let ta: BTreeSet<&str> = ra.iter().map(|r| r.0.as_str()).collect();
    let tb: BTreeSet<&str> = rb.iter().map(|r| r.0.as_str()).collect();
    assert!(ta.is_disjoint(&tb), "{ta:?} {tb:?}");
    let mut all = ra.clone();
    all.extend(rb);
    check_exactly_once(
        &all,
        &[("d0", 0, 10), ("d1", 0, 10), ("d2", 0, 10), ("d3", 0, 10)],
    );
    // Another group sees everything again.
    let mut c = Tmq::open(h.addr());
    assert_eq!(c.subscribe("other", &["tp"], "earliest")["code"], 0);
    check_exactly_once(
        &c.drain(100),
        &[("d0", 0, 10), ("d1", 0, 10), ("d2", 0, 10), ("d3", 0, 10)],
    );
    // `latest` (the default) starts after the current end.
    let mut l = Tmq::open(h.addr());
    assert_eq!(l.subscribe("late", &["tp"], "")["code"], 0);
    assert_eq!(l.poll(50)["have_message"], false);
    insert(&h, "d2", 10, 12);
    check_exactly_once(&l.drain(200), &[("d2", 10, 12)]);
    h.stop();
}

#[test]
fn raw_paths_b_and_c() {
    let h = netutil::start(4096);
    setup(&h);
    ok(
        &h,
        "create topic tq as select ts, v, s from db.st where v >= 2 and g = 0",
    );
    insert(&h, "d0", 0, 5);
    insert(&h, "d1", 0, 5); // g = 1: filtered out
    let mut t = Tmq::open(h.addr());
    assert_eq!(t.subscribe("g", &["tq"], "earliest")["code"], 0);
    let p = t.poll(200);
    assert_eq!(p["have_message"], true);
    let req = t.send("fetch_raw_data", json!({"message_id": t.last_id}));
    let f = t.c.recv_bin();
    let FetchRawData::Data(d) = parse_fetch_raw_data(&f).unwrap() else {
        panic!("error frame")
    };
    assert_eq!((d.req_id, d.message_id, d.raw_type), (req, t.last_id, 2));
    let blocks = parse_tmq_raw_data(d.raw).unwrap();
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].table_name.as_deref(), Some("d0"));
    // The offsets header: where the message starts (the poll's offset) and where the
    // consumer stands after it (its position).
    let offs = parse_tmq_raw_offsets(d.raw).unwrap();
    let vg = p["vgroup_id"].as_i64().unwrap();
    let pos = t.ask(
        "position",
        json!({"topic_vgroup_ids": [{"topic": "tq", "vgroup_id": vg}]}),
    );
    assert_eq!(
        (offs.req, offs.rsp),
        (p["offset"].as_i64(), pos["position"][0].as_i64())
    );
    assert!(offs.rsp > offs.req, "{offs:?}");
    let names: Vec<&str> = blocks[0].columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["ts", "v", "s"]);
    let b = RawBlock::parse(blocks[0].block).unwrap();
    check_exactly_once(&decode("d0", &b), &[("d0", 2, 5)]);
    // Old framing of the same message.
    let req = t.send("fetch_raw", json!({"message_id": t.last_id}));
    let f = t.c.recv_bin();
    let raw = parse_tmq_fetch_raw(&f).unwrap();
    assert_eq!((raw.req_id, raw.raw_type), (req, 2));
    assert_eq!(parse_tmq_raw_data(raw.raw).unwrap().len(), 1);
    // Wrong id: binary error for fetch_raw_data, JSON for fetch_raw.
    t.send("fetch_raw_data", json!({"message_id": 99}));
    match parse_fetch_raw_data(&t.c.recv_bin()).unwrap() {
        FetchRawData::Error { code, message, .. } => {
            assert_eq!(
                (code, message.as_ref()),
                (0xffff, "message ID is not equal")
            )
        }
        _ => panic!("expected error"),
    }
    let r = t.ask("fetch_raw", json!({"message_id": 99}));
    assert_eq!(
        (r["code"].as_i64(), r["message"].as_str()),
        (Some(65535), Some("message ID is not equal"))
    );
    assert_eq!(
        t.poll(50)["have_message"],
        false,
        "d1 rows are filtered out"
    );
    h.stop();
}

#[test]
fn errors_and_cache_rules() {
    let h = netutil::start(4096);
    setup(&h);
    ok(&h, "create topic tp as stable db.st");
    let mut t = Tmq::open(h.addr());
    // Before subscribe.
    let r = t.ask("commit", json!({"message_id": 0}));
    assert_eq!(
        (r["code"].as_i64(), r["message"].as_str()),
        (Some(65535), Some("tmq not init"))
    );
    // Missing topic, bad config, bad credentials, bad auto_commit.
    let r = t.subscribe("g", &["nope"], "earliest");
    assert_eq!(
        (r["code"].as_i64(), r["message"].as_str()),
        (Some(0x03E1), Some("Topic not exist"))
    );
    let r = t.ask(
        "subscribe",
        json!({"user":"root","password":"taosdata","group_id":"g","topics":["tp"],"config":{"x.y":"1"}}),
    );
    assert_eq!(
        (r["code"].as_i64(), r["message"].as_str()),
        (Some(0x0118), Some("unknown configuration key: x.y"))
    );
    let r = t.ask(
        "subscribe",
        json!({"user":"root","password":"taosdata","group_id":"g","topics":["tp"],"offset_reset":"sometimes"}),
    );
    assert_eq!(
        r["message"],
        "invalid value for key 'auto.offset.reset': sometimes"
    );
    let r = t.ask(
        "subscribe",
        json!({"user":"root","password":"bad","group_id":"g","topics":["tp"]}),
    );
    assert_eq!(r["code"], 65535);
    let r = t.ask(
        "subscribe",
        json!({"user":"root","password":"taosdata","group_id":"g","topics":["tp"],"auto_commit":"maybe"}),
    );
    assert_eq!(
        r["message"],
        "strconv.ParseBool: parsing \"maybe\": invalid syntax"
    );
    // Malformed JSON and unknown actions get no reply: the next reply answers the version.
    t.c.text("{not json");
    t.c.text(r#"{"action":"nope","args":{"req_id":5}}"#);
    // A poll before subscribe is queued and answered after the subscribe succeeds.
    insert(&h, "d0", 0, 2);
    let poll_req = t.send("poll", json!({"blocking_time": 100}));
    let sub = t.subscribe("g", &["tp"], "earliest");
    assert_eq!(sub["code"], 0, "{sub}");
    let p = t.c.recv_json();
    assert_eq!(
        (p["req_id"].as_u64(), p["have_message"].as_bool()),
        (Some(poll_req), Some(true))
    );
    t.last_id = p["message_id"].as_u64().unwrap();
    let r = t.subscribe("g", &["tp"], "earliest");
    assert_eq!(r["message"], "tmq should have unsubscribed first");
    // fetch_block before fetch; wrong ids.
    let r = t.ask("fetch_block", json!({"message_id": t.last_id}));
    assert_eq!(
        (r["message"].as_str(), r["message_id"].as_u64()),
        (Some("no fetch data"), Some(1))
    );
    let r = t.ask("fetch", json!({"message_id": 7}));
    assert_eq!(
        (r["message"].as_str(), r["message_id"].as_u64()),
        (Some("message ID are not equal"), Some(7))
    );
    let r = t.ask("fetch_block", json!({"message_id": 7}));
    assert_eq!(r["message"], "message is nil");
    let r = t.ask("fetch_json_meta", json!({"message_id": 1}));
    assert_eq!(r["message"], "message type can not get meta, type: 1");
    // Lost-response protection: a poll naming another id re-sends the cached message.
    let r = t.ask("poll", json!({"blocking_time": 10, "message_id": 0}));
    assert_eq!(
        (r["have_message"].as_bool(), r["message_id"].as_u64()),
        (Some(true), Some(1))
    );
    // Unassigned vgroup.
    let r = t.ask("seek", json!({"topic":"tp","vgroup_id":77,"offset":0}));
    assert_eq!(r["code"].as_i64(), Some(0x4008));
    // Unsubscribe frees the cached message; resubscribe reuses the consumer.
    assert_eq!(t.ask("unsubscribe", json!({}))["code"], 0);
    let r = t.ask("fetch", json!({"message_id": 1}));
    assert_eq!(r["message"], "message has been freed");
    assert_eq!(t.subscribe("g", &["tp"], "earliest")["code"], 0);
    let p = t.poll(200);
    assert_eq!(p["message_id"], 2, "ids survive resubscribe");
    h.stop();
}

#[test]
fn meta_messages_for_with_meta_topics() {
    let h = netutil::start(4096);
    setup(&h);
    ok(&h, "create topic tm with meta as database db");
    ok(&h, "create topic tq as select ts, v, s from db.st");
    insert(&h, "d0", 0, 2);
    ok(&h, "alter stable db.st add column w double");
    ok(&h, "drop table db.d3");
    // A child table created by INSERT travels with its data (meta+data, type 3).
    ok(
        &h,
        "insert into db.d9 using db.st tags (9) values (1700000000001, 1, 's1', 0.5)",
    );
    let mut t = Tmq::open(h.addr());
    assert_eq!(t.subscribe("g", &["tm"], "earliest")["code"], 0);
    let mut metas: Vec<(i64, Value)> = Vec::new();
    let mut data = 0;
    let mut metadata = 0;
    while t.poll(100)["have_message"] == true {
        let p = t.ask("poll", json!({"blocking_time": 0, "message_id": 0}));
        let vg = p["vgroup_id"].as_i64().unwrap();
        match p["message_type"].as_i64() {
            Some(2) => {
                let r = t.ask("fetch", json!({"message_id": t.last_id}));
                assert_eq!(r["message"], "message type is not data");
                let r = t.ask("fetch_json_meta", json!({"message_id": t.last_id}));
                assert_eq!(r["code"], 0, "{r}");
                metas.push((vg, r["data"].clone()));
            }
            Some(1) => {
                data += 1;
                check_exactly_once(&t.fetch_a(), &[("d0", 0, 2)]);
            }
            Some(3) => {
                let r = t.ask("fetch_json_meta", json!({"message_id": t.last_id}));
                assert_eq!(r["data"]["tableName"], "d9", "{r}");
                assert_eq!(r["data"]["tags"], json!([{"name":"g","type":4,"value":9}]));
                let r = t.ask("fetch", json!({"message_id": t.last_id}));
                assert_eq!(
                    (r["table_name"].as_str(), r["rows"].as_i64()),
                    (Some("d9"), Some(1))
                );
                assert_eq!(r["fields_names"], json!(["ts", "v", "s", "w"]));
                metadata += 1;
            }
            other => panic!("unexpected type {other:?}"),
        }
    }
    assert_eq!((data, metadata), (1, 1));
    // The supertable's create and alter reach both vgroups.
    let supers: Vec<&Value> = metas
        .iter()
        .map(|m| &m.1)
        .filter(|j| j["tableType"] == "super" && j["type"] == "create")
        .collect();
    assert_eq!(supers.len(), 2);
    assert_eq!(
        supers[0]["columns"],
        json!([
            {"name":"ts","type":9,"isPrimarykey":false,"encode":"delta-i","compress":"lz4","level":"medium"},
            {"name":"v","type":4,"isPrimarykey":false,"encode":"simple8b","compress":"lz4","level":"medium"},
            {"name":"s","type":8,"length":10,"isPrimarykey":false,"encode":"disabled","compress":"zstd",
             "level":"medium"}
        ])
    );
    assert_eq!(supers[0]["tags"], json!([{"name":"g","type":4}]));
    let children: BTreeSet<String> = metas
        .iter()
        .filter(|m| m.1["tableType"] == "child")
        .map(|m| {
            assert_eq!(
                m.0,
                i64::from(vgroup_of(VGROUPS, m.1["tableName"].as_str().unwrap()))
            );
            m.1["tableName"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(children.len(), 4);
    let d2 = metas.iter().find(|m| m.1["tableName"] == "d2").unwrap();
    assert_eq!(
        d2.1,
        json!({"type":"create","tableType":"child","tableName":"d2","using":"st","tagNum":1,
               "tags":[{"name":"g","type":4,"value":2}],"createList":[]})
    );
    let alters = metas.iter().filter(|m| m.1["type"] == "alter").count();
    assert_eq!(alters, 2);
    let alter = metas.iter().find(|m| m.1["type"] == "alter").unwrap();
    assert_eq!(
        alter.1,
        json!({"type":"alter","tableType":"super","tableName":"st","alterType":5,"colName":"w","colType":7})
    );
    let drops: Vec<&Value> = metas
        .iter()
        .map(|m| &m.1)
        .filter(|j| j["type"] == "drop")
        .collect();
    assert_eq!(drops, vec![&json!({"type":"drop","tableNameList":["d3"]})]);
    // A query topic carries no meta.
    let mut q = Tmq::open(h.addr());
    assert_eq!(q.subscribe("g2", &["tq"], "earliest")["code"], 0);
    let p = q.poll(100);
    assert_eq!(p["message_type"], 1);
    let p = q.poll(100);
    assert_eq!(
        p["message_type"], 1,
        "the auto-created table's data is plain data here"
    );
    h.stop();
}

#[test]
fn poll_worker_queue_and_concurrency() {
    let h = netutil::start(4096);
    setup(&h);
    ok(&h, "create topic tp as stable db.st");
    let mut t = Tmq::open(h.addr());
    // Two polls before subscribe: the first is dropped without a reply.
    let first = t.send("poll", json!({"blocking_time": 50}));
    let second = t.send("poll", json!({"blocking_time": 50}));
    let sub = t.subscribe("g", &["tp"], "earliest");
    assert_eq!(sub["code"], 0);
    let p = t.c.recv_json();
    assert_eq!(p["action"], "poll");
    assert_eq!(p["req_id"], second, "poll {first} was replaced");
    let v = t.ask("version", json!({}));
    assert_eq!(v["code"], 0, "no late reply for the dropped poll");
    // Other actions are answered while a poll blocks; an insert wakes the poll.
    let started = std::time::Instant::now();
    let poll = t.send("poll", json!({"blocking_time": 5000, "message_id": 0}));
    let r = t.ask("list_topics", json!({}));
    assert_eq!(r["topics"], json!(["tp"]));
    insert(&h, "d1", 0, 3);
    let p = t.c.recv_json();
    assert_eq!(
        (p["req_id"].as_u64(), p["have_message"].as_bool()),
        (Some(poll), Some(true))
    );
    assert!(started.elapsed() < std::time::Duration::from_millis(2500));
    t.last_id = p["message_id"].as_u64().unwrap();
    check_exactly_once(&t.fetch_a(), &[("d1", 0, 3)]);
    // Closing the socket during a long poll does not hold the server up.
    t.send(
        "poll",
        json!({"blocking_time": 20000, "message_id": t.last_id}),
    );
    drop(t);
    let stopping = std::time::Instant::now();
    h.stop();
    assert!(stopping.elapsed() < std::time::Duration::from_secs(5));
}
