//! Raw writes on `/ws` over a real socket: binary actions 3 (`write_raw`, a TMQ raw payload
//! taken from `fetch_raw_data`), 4 (`write_raw_block`) and 5 (`write_raw_block_with_fields`);
//! values read back with SQL, the writes appear in TMQ, and the error replies.

mod netutil;

use netutil::Client;
use serde_json::{json, Value};
use taos_devserver::engine::{Outcome, ResultSet, Session, Value as V};
use taos_devserver::DevServerHandle;
use taos_wire::tmq::{parse_fetch_raw_data, FetchRawData};
use taos_wire::types::*;
use taos_wire::{BlockBuilder, ColumnSchema};

fn ok(h: &DevServerHandle, s: &str) {
    let mut sess = Session::default();
    if let Err(e) = h.engine().execute(&mut sess, s) {
        panic!("{s}: {e:?}");
    }
}

fn select(h: &DevServerHandle, s: &str) -> ResultSet {
    let mut sess = Session::default();
    match h.engine().execute(&mut sess, s) {
        Ok(Outcome::Rows(rs)) => rs,
        other => panic!("{s}: {other:?}"),
    }
}

fn header(req_id: u64, action: u64) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&req_id.to_le_bytes());
    f.extend_from_slice(&0u64.to_le_bytes());
    f.extend_from_slice(&action.to_le_bytes());
    f
}

fn block_frame(req_id: u64, action: u64, rows: i32, table: &str, block: &[u8]) -> Vec<u8> {
    let mut f = header(req_id, action);
    f.extend_from_slice(&rows.to_le_bytes());
    f.extend_from_slice(&(table.len() as u16).to_le_bytes());
    f.extend_from_slice(table.as_bytes());
    f.extend_from_slice(block);
    f
}

/// A C `TAOS_FIELD` (name[65], type, 2 pad bytes, bytes i32).
fn taos_field(name: &str, ty: u8, bytes: i32) -> Vec<u8> {
    let mut f = vec![0u8; 72];
    f[..name.len()].copy_from_slice(name.as_bytes());
    f[65] = ty;
    f[68..72].copy_from_slice(&bytes.to_le_bytes());
    f
}

/// Block `(ts, v INT, s VARCHAR(10), n NCHAR(4))` with rows i = 0..n.
fn sample_block(n: usize) -> Vec<u8> {
    let mut b = BlockBuilder::new(vec![
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_TIMESTAMP, 8),
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_INT, 4),
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_VARCHAR, 10),
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_NCHAR, 4),
    ]);
    for i in 0..n {
        b.push_timestamp(0, 1_700_000_000_000 + i as i64);
        if i == 1 {
            b.push_null(1);
        } else {
            b.push_i32(1, i as i32 * 10);
        }
        b.push_str(2, &format!("s{i}"));
        b.push_nchar(3, "数据");
    }
    b.finish(n, 0)
}

fn reply(c: &mut Client) -> Value {
    c.recv_json()
}

#[test]
fn write_raw_block_and_with_fields() {
    let h = netutil::start(4096);
    ok(&h, "create database db");
    ok(
        &h,
        "create table db.t (ts timestamp, v int, s varchar(10), n nchar(4))",
    );
    ok(&h, "create topic tp as select * from db.t");
    let mut c = Client::connected(h.addr());
    c.exec("use db");
    c.binary(block_frame(7, 4, 3, "t", &sample_block(3)));
    let r = reply(&mut c);
    assert_eq!(
        r,
        json!({"code":0,"message":"","action":"write_raw_block","req_id":7,"timing":0})
    );
    let rs = select(&h, "select ts, v, s, n from db.t");
    assert_eq!(rs.num_rows(), 3);
    assert_eq!(rs.value(0, 0), V::Timestamp(1_700_000_000_000));
    assert_eq!(rs.value(2, 1), V::Int(20));
    assert_eq!(rs.value(1, 1), V::Null);
    assert_eq!(rs.value(1, 2), V::Bytes(b"s1".to_vec()));
    assert_eq!(rs.value(2, 3), V::NChar("数据".into()));

    // With fields: columns by name (ts, s); v and n stay NULL for the new row.
    let mut b = BlockBuilder::new(vec![
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_TIMESTAMP, 8),
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_VARCHAR, 10),
    ]);
    b.push_timestamp(0, 1_700_000_000_100);
    b.push_str(1, "named");
    let mut payload = b.finish(1, 0);
    payload.extend(taos_field("ts", TSDB_DATA_TYPE_TIMESTAMP, 8));
    payload.extend(taos_field("s", TSDB_DATA_TYPE_VARCHAR, 10));
    c.binary(block_frame(8, 5, 1, "t", &payload));
    let r = reply(&mut c);
    assert_eq!(
        (r["code"].as_i64(), r["action"].as_str()),
        (Some(0), Some("write_raw_block_with_fields")),
        "{r}"
    );
    let rs = select(&h, "select v, s from db.t where ts = 1700000000100");
    assert_eq!(
        (rs.value(0, 0), rs.value(0, 1)),
        (V::Null, V::Bytes(b"named".to_vec()))
    );

    // Errors: missing table, type mismatch (INVALID_PARA, as TDengine's client), short frame.
    c.binary(block_frame(9, 4, 3, "nope", &sample_block(3)));
    let r = reply(&mut c);
    assert_eq!(
        (r["code"].as_i64(), r["req_id"].as_u64()),
        (Some(0x2603), Some(9))
    );
    let mut b = BlockBuilder::new(vec![
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_TIMESTAMP, 8),
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_BIGINT, 8),
    ]);
    b.push_timestamp(0, 1);
    b.push_i64(1, 1);
    c.binary(block_frame(10, 4, 1, "t", &b.finish(1, 0)));
    let r = reply(&mut c);
    assert_eq!(r["code"], 0x0118, "{r}");
    // numFields must equal the block's columns; names must be table columns, each once.
    let mut payload = sample_block(1);
    payload.extend(taos_field("ts", TSDB_DATA_TYPE_TIMESTAMP, 8));
    c.binary(block_frame(13, 5, 1, "t", &payload));
    let r = reply(&mut c);
    assert_eq!(r["code"], 0x0118, "{r}");
    assert_eq!(r["message"], "numFields:1 != numOfCols:4");
    let mut payload = sample_block(1);
    for (n, ty, w) in [
        ("ts", TSDB_DATA_TYPE_TIMESTAMP, 8),
        ("v", TSDB_DATA_TYPE_INT, 4),
        ("v", TSDB_DATA_TYPE_VARCHAR, 10),
        ("n", TSDB_DATA_TYPE_NCHAR, 4),
    ] {
        payload.extend(taos_field(n, ty, w));
    }
    c.binary(block_frame(14, 5, 1, "t", &payload));
    assert_eq!(reply(&mut c)["code"], 0x2602);
    // The rows field is not used (TDengine's client reads the block's count): the 3 rows
    // are written again (same timestamps, so the table still has 4 rows).
    c.binary(block_frame(11, 4, 0, "t", &sample_block(3)));
    assert_eq!(reply(&mut c)["code"], 0);
    let mut f = header(12, 4);
    f.extend_from_slice(&[1, 0]);
    c.binary(f);
    assert_eq!(reply(&mut c)["message"], "raw block message too short");
    assert_eq!(
        select(&h, "select * from db.t").num_rows(),
        4,
        "failed writes change nothing"
    );
    // No current database: the name cannot be resolved.
    let mut nodb = Client::connected(h.addr());
    nodb.binary(block_frame(15, 4, 3, "t", &sample_block(3)));
    assert_eq!(reply(&mut nodb)["code"], 0x2616);

    // The writes are in the topic's log.
    let mut t = Client::open(h.addr(), "/rest/tmq");
    t.text(
        &json!({"action":"subscribe","args":{"req_id":1,"user":"root","password":"taosdata",
        "group_id":"g","offset_rest":"earliest","topics":["tp"]}})
        .to_string(),
    );
    assert_eq!(t.recv_json()["code"], 0);
    let mut rows = 0;
    loop {
        t.text(r#"{"action":"poll","args":{"req_id":2,"blocking_time":100}}"#);
        let p = t.recv_json();
        if p["have_message"] != true {
            break;
        }
        loop {
            t.text(
                &json!({"action":"fetch","args":{"req_id":3,"message_id":p["message_id"]}})
                    .to_string(),
            );
            let f = t.recv_json();
            if f["completed"] == true {
                break;
            }
            rows += f["rows"].as_i64().unwrap();
        }
    }
    assert_eq!(rows, 7);
    h.stop();
}

#[test]
fn write_raw_replicates_a_tmq_message() {
    let h = netutil::start(4096);
    for db in ["src", "dst"] {
        ok(&h, &format!("create database {db}"));
        ok(
            &h,
            &format!("create stable {db}.st (ts timestamp, v int, s varchar(10)) tags (g int)"),
        );
        ok(&h, &format!("create table {db}.a using {db}.st tags (1)"));
    }
    ok(&h, "create topic tsrc as stable src.st");
    ok(
        &h,
        "insert into src.a values (1700000000000, 1, 'x') (1700000000001, NULL, 'y')",
    );
    let mut t = Client::open(h.addr(), "/rest/tmq");
    t.text(
        &json!({"action":"subscribe","args":{"req_id":1,"user":"root","password":"taosdata",
        "group_id":"g","offset_rest":"earliest","topics":["tsrc"]}})
        .to_string(),
    );
    assert_eq!(t.recv_json()["code"], 0);
    t.text(r#"{"action":"poll","args":{"req_id":2,"blocking_time":200}}"#);
    let p = t.recv_json();
    assert_eq!(p["have_message"], true);
    t.text(
        &json!({"action":"fetch_raw_data","args":{"req_id":3,"message_id":p["message_id"]}})
            .to_string(),
    );
    let f = t.recv_bin();
    let FetchRawData::Data(d) = parse_fetch_raw_data(&f).unwrap() else {
        panic!("fetch_raw_data failed")
    };
    let mut c = Client::connected(h.addr());
    c.exec("use dst");
    let mut frame = header(5, 3);
    frame.extend_from_slice(&(d.raw.len() as u32).to_le_bytes());
    frame.extend_from_slice(&d.raw_type.to_le_bytes());
    frame.extend_from_slice(d.raw);
    c.binary(frame);
    let r = reply(&mut c);
    assert_eq!(
        r,
        json!({"code":0,"message":"","action":"write_raw","req_id":5,"timing":0})
    );
    let rs = select(&h, "select ts, v, s from dst.a");
    assert_eq!(rs.num_rows(), 2);
    assert_eq!(rs.value(0, 1), V::Int(1));
    assert_eq!(rs.value(1, 1), V::Null);
    assert_eq!(rs.value(1, 2), V::Bytes(b"y".to_vec()));
    // A meta raw type is refused with a clear message.
    let mut frame = header(6, 3);
    frame.extend_from_slice(&0u32.to_le_bytes());
    frame.extend_from_slice(&5u16.to_le_bytes());
    c.binary(frame);
    let r = reply(&mut c);
    assert_eq!(r["code"], 65535);
    assert!(r["message"].as_str().unwrap().contains("raw type 5"), "{r}");
    h.stop();
}

/// Garbage on `/rest/tmq` never kills the socket or the server: malformed frames get no
/// reply, and `version` still answers afterwards.
#[test]
fn tmq_socket_survives_garbage() {
    let h = netutil::start(4096);
    ok(&h, "create database db");
    ok(&h, "create stable db.st (ts timestamp, v int) tags (g int)");
    ok(&h, "create topic tp as stable db.st");
    ok(&h, "create table db.a using db.st tags (1)");
    ok(&h, "insert into db.a values (1700000000000, 1)");
    let mut t = Client::open(h.addr(), "/rest/tmq");
    // Half the garbage goes to a subscribed consumer with a cached message.
    t.text(
        &json!({"action":"subscribe","args":{"req_id":1,"user":"root","password":"taosdata",
        "group_id":"g","offset_rest":"earliest","topics":["tp"]}})
        .to_string(),
    );
    assert_eq!(t.recv_json()["code"], 0);
    t.text(r#"{"action":"poll","args":{"req_id":2,"blocking_time":200}}"#);
    assert_eq!(t.recv_json()["have_message"], true);
    let actions = [
        "subscribe",
        "poll",
        "fetch",
        "fetch_block",
        "fetch_raw",
        "fetch_raw_data",
        "fetch_json_meta",
        "commit",
        "commit_offset",
        "committed",
        "position",
        "seek",
        "assignment",
        "list_topics",
        "unsubscribe",
        "nope",
    ];
    let args = [
        json!(null),
        json!({}),
        json!({"req_id": "x"}),
        json!({"req_id": -1, "message_id": -5}),
        json!({"topics": [1, 2], "group_id": 7}),
        json!({"topic_vgroup_ids": [{"topic": null, "vgroup_id": 1e30}]}),
        json!({"topic": "tp", "vgroup_id": -2147483648i64, "offset": i64::MIN}),
        json!({"blocking_time": i64::MAX, "message_id": u64::MAX}),
        json!([1, 2, 3]),
        json!("str"),
    ];
    let mut seed = 7u64;
    for i in 0..400 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let a = actions[(seed >> 33) as usize % actions.len()];
        let g = &args[(seed >> 17) as usize % args.len()];
        if i % 50 == 0 {
            t.binary(vec![1, 2, 3]);
            t.text("{\"action\":");
        }
        // Polls could block for long; keep them short by never sending a valid one here.
        if a == "poll" {
            continue;
        }
        t.text(&json!({"action": a, "args": g}).to_string());
    }
    // Drain whatever replies came, then check the socket still answers.
    t.text(r#"{"action":"version","args":{"req_id":424242}}"#);
    loop {
        let r = t.recv();
        if let tungstenite::Message::Text(x) = r {
            if x.contains("424242") {
                break;
            }
        }
    }
    let mut c = Client::connected(h.addr());
    assert_eq!(c.exec("show topics")["code"], 0);
    h.stop();
}

/// `write_raw` of a message whose second block names a missing table writes nothing, and a
/// block whose column names are not the table's fails with PAR_INVALID_COLUMN.
#[test]
fn write_raw_is_all_or_nothing() {
    use taos_wire::tmq_raw::{encode_tmq_raw_data, TmqRawBlock, TmqRawColumn};
    let h = netutil::start(4096);
    ok(&h, "create database dst");
    ok(&h, "create table dst.a (ts timestamp, v int)");
    let mut b = BlockBuilder::new(vec![
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_TIMESTAMP, 8),
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_INT, 4),
    ]);
    b.push_timestamp(0, 1_700_000_000_000);
    b.push_i32(1, 5);
    let block = b.finish(1, 0);
    let cols = |v: &str| {
        vec![
            TmqRawColumn {
                ty: TSDB_DATA_TYPE_TIMESTAMP,
                bytes: 8,
                col_id: 1,
                name: "ts".into(),
                ..Default::default()
            },
            TmqRawColumn {
                ty: TSDB_DATA_TYPE_INT,
                bytes: 4,
                col_id: 2,
                name: v.into(),
                ..Default::default()
            },
        ]
    };
    let raw_block = |table: &str, v: &str| TmqRawBlock {
        block: &block,
        precision: 0,
        sversion: 1,
        columns: cols(v),
        table_name: Some(table.into()),
    };
    let send = |c: &mut Client, req: u64, raw: Vec<u8>| {
        let mut frame = header(req, 3);
        frame.extend_from_slice(&(raw.len() as u32).to_le_bytes());
        frame.extend_from_slice(&2u16.to_le_bytes());
        frame.extend_from_slice(&raw);
        c.binary(frame);
        reply(c)
    };
    let mut c = Client::connected(h.addr());
    c.exec("use dst");
    let r = send(
        &mut c,
        1,
        encode_tmq_raw_data(0, &[raw_block("a", "v"), raw_block("missing", "v")]),
    );
    assert_eq!(r["code"], 0x2603, "{r}");
    assert_eq!(select(&h, "select * from dst.a").num_rows(), 0);
    let r = send(&mut c, 2, encode_tmq_raw_data(0, &[raw_block("a", "w")]));
    assert_eq!(r["code"], 0x2602, "{r}");
    let r = send(&mut c, 3, encode_tmq_raw_data(0, &[raw_block("a", "v")]));
    assert_eq!(r["code"], 0, "{r}");
    let rs = select(&h, "select v from dst.a");
    assert_eq!((rs.num_rows(), rs.value(0, 0)), (1, V::Int(5)));
    h.stop();
}

/// `write_raw` of the dev server's meta payload (`fetch_raw_data` of a meta message) replays
/// the DDL in the session's database, idempotently; bad meta fails with INVALID_PARA.
#[test]
fn write_raw_replays_meta() {
    let h = netutil::start(4096);
    ok(&h, "create database src");
    ok(&h, "create database dst");
    ok(&h, "create topic tm with meta as database src");
    ok(
        &h,
        "create stable src.st (ts timestamp, v int, s varchar(8)) tags (g int, n nchar(4))",
    );
    ok(&h, "create table src.c1 using src.st tags (5, 'ab')");
    ok(&h, "alter stable src.st add column w double");
    let mut t = Client::open(h.addr(), "/rest/tmq");
    t.text(
        &json!({"action":"subscribe","args":{"req_id":1,"user":"root","password":"taosdata",
        "group_id":"g","offset_rest":"earliest","topics":["tm"]}})
        .to_string(),
    );
    assert_eq!(t.recv_json()["code"], 0);
    let mut c = Client::connected(h.addr());
    c.exec("use dst");
    let mut metas = 0;
    for req in 0..20u64 {
        t.text(r#"{"action":"poll","args":{"req_id":2,"blocking_time":100}}"#);
        let p = t.recv_json();
        if p["have_message"] != true {
            break;
        }
        assert_eq!(p["message_type"], 2, "{p}");
        t.text(
            &json!({"action":"fetch_raw_data","args":{"req_id":3,"message_id":p["message_id"]}})
                .to_string(),
        );
        let f = t.recv_bin();
        let FetchRawData::Data(d) = parse_fetch_raw_data(&f).unwrap() else {
            panic!("fetch_raw_data of a meta message failed")
        };
        assert_eq!(d.raw_type, 0xFF01);
        let mut frame = header(100 + req, 3);
        frame.extend_from_slice(&(d.raw.len() as u32).to_le_bytes());
        frame.extend_from_slice(&d.raw_type.to_le_bytes());
        frame.extend_from_slice(d.raw);
        c.binary(frame);
        let r = reply(&mut c);
        assert_eq!(r["code"], 0, "{r}");
        metas += 1;
    }
    // create stable and alter reach both vgroups; the child's create its own.
    assert_eq!(metas, 5);
    let rs = select(&h, "describe dst.st");
    let names: Vec<V> = (0..rs.num_rows()).map(|r| rs.value(r, 0)).collect();
    assert_eq!(
        names,
        ["ts", "v", "s", "w", "g", "n"]
            .iter()
            .map(|n| V::Bytes(n.as_bytes().to_vec()))
            .collect::<Vec<_>>()
    );
    let rs = select(&h, "select tbname, g, n from dst.st");
    assert_eq!(rs.num_rows(), 0, "no rows, but the child exists");
    let rs = select(&h, "select g, n from dst.c1");
    assert_eq!(rs.num_rows(), 0);
    ok(&h, "insert into dst.c1 values (1700000000000, 1, 'x', 0.5)");
    let rs = select(&h, "select g, n from dst.c1");
    assert_eq!(
        (rs.value(0, 0), rs.value(0, 1)),
        (V::Int(5), V::NChar("ab".into()))
    );
    // Malformed meta.
    for (i, raw) in [
        &b"{not json"[..],
        br#"{"type":"create"}"#,
        br#"{"type":"nope"}"#,
    ]
    .into_iter()
    .enumerate()
    {
        let mut frame = header(200 + i as u64, 3);
        frame.extend_from_slice(&(raw.len() as u32).to_le_bytes());
        frame.extend_from_slice(&0xFF01u16.to_le_bytes());
        frame.extend_from_slice(raw);
        c.binary(frame);
        assert_eq!(reply(&mut c)["code"], 0x0118);
    }
    h.stop();
}
