//! TMQ consumer against a scripted in-test `/rest/tmq` server: the Rust client and the C API
//! (called from Rust), over both data paths (`fetch_raw_data` for servers ≥ 3.3.2.0,
//! `fetch` + `fetch_block` before).
use std::collections::BTreeMap;
use std::ffi::{c_void, CStr};
use std::net::TcpListener;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use taos::capi::fetch::{taos_fetch_block, taos_fetch_row};
use taos::capi::query::{taos_fetch_fields, taos_free_result, taos_num_fields};
use taos::capi::tmq::*;
use taos::capi::types::{
    tmq_commit_cb, tmq_raw_data, tmq_t, tmq_topic_assignment, TmqCommitFn, TMQ_RES_DATA,
    TMQ_RES_INVALID, TMQ_RES_TABLE_META,
};
use taos::client::tmq::{Consumer, ConsumerConfig};
use taos_wire::tmq::{encode_fetch_raw_data, encode_tmq_fetch_block, encode_tmq_fetch_raw};
use taos_wire::tmq_raw::{encode_tmq_raw_data, parse_tmq_raw_data, TmqRawBlock, TmqRawColumn};
use taos_wire::{BlockBuilder, ColumnSchema};
use tungstenite::Message as WsMsg;

const BASE_TS: i64 = 1_700_000_000_000;
const META_JSON: &str = r#"{"type":"create","tableType":"normal","tableName":"n1"}"#;

/// Block of `n` rows for table number `t`: ts, v = t*100 + i (NULL when i == 1), name.
fn block(t: i32, n: usize) -> Vec<u8> {
    let mut b = BlockBuilder::new(vec![
        ColumnSchema::new(9, 8),
        ColumnSchema::new(4, 4),
        ColumnSchema::new(8, 18),
    ]);
    for i in 0..n {
        b.push_timestamp(0, BASE_TS + i as i64);
        if i == 1 {
            b.push_null(1);
        } else {
            b.push_i32(1, t * 100 + i as i32);
        }
        b.push_str(2, &format!("n{t}_{i}"));
    }
    b.finish(n, 0)
}

/// Table tb_b with an extra BIGINT column w = 7 (2 rows).
fn wide_block() -> Vec<u8> {
    let mut b = BlockBuilder::new(vec![
        ColumnSchema::new(9, 8),
        ColumnSchema::new(4, 4),
        ColumnSchema::new(8, 18),
        ColumnSchema::new(5, 8),
    ]);
    for i in 0..2i32 {
        b.push_timestamp(0, BASE_TS + i as i64);
        b.push_i32(1, 200 + i);
        b.push_str(2, &format!("n2_{i}"));
        b.push_i64(3, 7);
    }
    b.finish(2, 0)
}

fn columns() -> Vec<TmqRawColumn> {
    [("ts", 9u8, 8), ("v", 4, 4), ("name", 8, 18)]
        .iter()
        .enumerate()
        .map(|(i, &(n, ty, bytes))| TmqRawColumn {
            ty,
            flags: 0,
            bytes,
            col_id: i as i32 + 1,
            name: n.into(),
        })
        .collect()
}

/// The data message: table tb_a with 3 rows, tb_b with 2 rows.
fn blocks() -> Vec<(String, Vec<u8>)> {
    vec![("tb_a".into(), block(1, 3)), ("tb_b".into(), block(2, 2))]
}

#[derive(Default)]
struct Log {
    /// Every request received: (action, args).
    reqs: Vec<(String, Value)>,
}

impl Log {
    fn actions(&self) -> Vec<String> {
        self.reqs.iter().map(|r| r.0.clone()).collect()
    }
    fn args(&self, action: &str) -> Vec<Value> {
        self.reqs
            .iter()
            .filter(|r| r.0 == action)
            .map(|r| r.1.clone())
            .collect()
    }
}

fn ok(action: &str, rid: u64, extra: Value) -> WsMsg {
    let mut v = json!({"code":0,"message":"","action":action,"req_id":rid,"timing":1});
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in e {
            o.insert(k.clone(), x.clone());
        }
    }
    WsMsg::text(v.to_string())
}

fn fail(action: &str, rid: u64, code: u32, msg: &str) -> WsMsg {
    WsMsg::text(
        json!({"code":code,"message":msg,"action":action,"req_id":rid,"timing":1}).to_string(),
    )
}

/// Serves `/rest/tmq` connections. Each connection delivers: message 1 (data, 2 blocks),
/// message 2 (meta), then nothing (a poll sleeps `blocking_time`, capped at 2 s).
fn fake(version: &'static str) -> (u16, Arc<Mutex<Log>>) {
    fake_mode(version, false)
}

/// As [`fake`]; with `mixed` the second block of the data message has an extra BIGINT
/// column `w` (tables of different schemas in one message; raw path only).
fn fake_mode(version: &'static str, mixed: bool) -> (u16, Arc<Mutex<Log>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let log = Arc::new(Mutex::new(Log::default()));
    let log2 = log.clone();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(s) = s else { return };
            let log = log2.clone();
            std::thread::spawn(move || serve(s, version, mixed, log));
        }
    });
    (port, log)
}

fn serve(s: std::net::TcpStream, version: &str, mixed: bool, log: Arc<Mutex<Log>>) {
    let mut ws = tungstenite::accept(s).unwrap();
    let mut polled = 0u64;
    let mut block_idx = 0usize;
    let mut pending_block: Option<(u64, Vec<u8>)> = None;
    let mut subscribed = false;
    while let Ok(msg) = ws.read() {
        let WsMsg::Text(t) = msg else { continue };
        let v: Value = serde_json::from_str(t.as_str()).unwrap();
        let action = v["action"].as_str().unwrap_or("").to_string();
        let args = v["args"].clone();
        let rid = args["req_id"].as_u64().unwrap_or(0);
        let mid = args["message_id"].as_u64().unwrap_or(0);
        log.lock()
            .unwrap()
            .reqs
            .push((action.clone(), args.clone()));
        let reply = match action.as_str() {
            "version" => ok("version", rid, json!({"version": version})),
            "subscribe" => {
                if args["password"] != "taosdata" {
                    fail("subscribe", rid, 0xffff, "Authentication failure")
                } else if args["topics"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|t| t == "missing"))
                {
                    fail("subscribe", rid, 0x03E1, "Topic not exist")
                } else {
                    subscribed = true;
                    ok("subscribe", rid, json!({}))
                }
            }
            "poll" => {
                assert!(subscribed, "poll before subscribe");
                polled += 1;
                match polled {
                    1 => ok(
                        "poll",
                        rid,
                        json!({"have_message":true,"topic":"t1","database":"db1","vgroup_id":3,
                               "message_type":1,"message_id":1,"offset":10}),
                    ),
                    2 => ok(
                        "poll",
                        rid,
                        json!({"have_message":true,"topic":"t1","database":"db1","vgroup_id":4,
                               "message_type":2,"message_id":2,"offset":11}),
                    ),
                    _ => {
                        let ms = args["blocking_time"].as_i64().unwrap_or(0).clamp(0, 2000);
                        std::thread::sleep(Duration::from_millis(ms as u64));
                        ok(
                            "poll",
                            rid,
                            json!({"have_message":false,"topic":"","database":"","vgroup_id":0,
                                   "message_type":0,"message_id":0,"offset":0}),
                        )
                    }
                }
            }
            "fetch_raw_data" | "fetch_raw" => {
                let mut bl = blocks();
                let mut cols = vec![columns(), columns()];
                if mixed {
                    bl[1].1 = wide_block();
                    cols[1].push(TmqRawColumn {
                        ty: 5,
                        flags: 0,
                        bytes: 8,
                        col_id: 4,
                        name: "w".into(),
                    });
                }
                let raw_blocks: Vec<TmqRawBlock> = bl
                    .iter()
                    .zip(cols)
                    .map(|((n, b), columns)| TmqRawBlock {
                        block: b,
                        precision: 0,
                        sversion: 1,
                        columns,
                        table_name: Some(n.clone()),
                    })
                    .collect();
                let raw = encode_tmq_raw_data(10, &raw_blocks);
                if action == "fetch_raw" {
                    WsMsg::binary(encode_tmq_fetch_raw(1, rid, mid, 2, &raw))
                } else {
                    WsMsg::binary(encode_fetch_raw_data(1, rid, mid, 2, &raw))
                }
            }
            "fetch" => {
                let bl = blocks();
                if let Some((name, b)) = bl.get(block_idx) {
                    block_idx += 1;
                    pending_block = Some((rid, b.clone()));
                    ok(
                        "fetch",
                        rid,
                        json!({"message_id":mid,"completed":false,"table_name":name,"rows":0,
                               "fields_count":3,"fields_names":["ts","v","name"],
                               "fields_types":[9,4,8],"fields_lengths":[8,4,16],"precision":0}),
                    )
                } else {
                    ok("fetch", rid, json!({"message_id":mid,"completed":true}))
                }
            }
            "fetch_block" => match pending_block.take() {
                Some((fetch_rid, b)) => {
                    WsMsg::binary(encode_tmq_fetch_block(1, fetch_rid, mid, &b))
                }
                None => fail("fetch_block", rid, 0xffff, "no fetch data"),
            },
            "fetch_json_meta" => {
                if mid == 2 {
                    // Raw text, so the key order the client returns can be checked.
                    WsMsg::text(format!(
                        r#"{{"code":0,"message":"","action":"fetch_json_meta","req_id":{rid},"timing":1,"message_id":{mid},"data":{META_JSON}}}"#
                    ))
                } else {
                    fail(
                        "fetch_json_meta",
                        rid,
                        0xffff,
                        "message type can not get meta, type: 1",
                    )
                }
            }
            "commit" => ok("commit", rid, json!({"message_id": mid})),
            "commit_offset" => ok("commit_offset", rid, json!({})),
            "committed" => ok("committed", rid, json!({"committed":[-2147467247i64]})),
            "position" => ok("position", rid, json!({"position":[12]})),
            "seek" => ok("seek", rid, json!({})),
            "assignment" => ok(
                "assignment",
                rid,
                json!({"assignment":[{"vgroup_id":3,"offset":12,"begin":0,"end":20},
                                     {"vgroup_id":4,"offset":5,"begin":1,"end":6}]}),
            ),
            "unsubscribe" => {
                subscribed = false;
                ok("unsubscribe", rid, json!({}))
            }
            _ => continue,
        };
        if ws.send(reply).is_err() {
            return;
        }
    }
}

fn config(port: u16, extra: &[(&str, &str)]) -> ConsumerConfig {
    let mut m = BTreeMap::new();
    for (k, v) in [
        ("td.connect.ip", "127.0.0.1"),
        ("td.connect.user", "root"),
        ("td.connect.pass", "taosdata"),
        ("group.id", "g1"),
        ("auto.offset.reset", "earliest"),
        ("enable.auto.commit", "false"),
    ] {
        m.insert(k.to_string(), v.to_string());
    }
    m.insert("td.connect.port".into(), port.to_string());
    for (k, v) in extra {
        m.insert(k.to_string(), v.to_string());
    }
    ConsumerConfig::from_entries(&m).unwrap()
}

/// Rows of a message as (table, ts, v, name) using the client API.
fn client_rows(c: &Consumer) -> Vec<(String, usize)> {
    let m = c.poll(1000).unwrap().expect("a message");
    assert_eq!(
        (m.topic.as_str(), m.database.as_str(), m.vgroup_id, m.offset),
        ("t1", "db1", 3, 10)
    );
    let names: Vec<_> = m
        .fields
        .iter()
        .map(|f| (f.name.clone(), f.ty, f.bytes))
        .collect();
    assert_eq!(
        names,
        [
            ("ts".into(), 9, 8),
            ("v".into(), 4, 4),
            ("name".into(), 8, 16)
        ]
    );
    assert_eq!(m.table_name, "tb_a");
    let mut out = Vec::new();
    while let Some(b) = m.next_block().unwrap() {
        let rb = taos_wire::RawBlock::parse(&b.bytes).unwrap();
        out.push((b.table_name.clone(), rb.rows()));
    }
    out
}

#[test]
fn client_reads_data_by_raw_path_and_legacy_path() {
    for (version, raw) in [("3.3.6.0", true), ("3.3.0.0", false)] {
        let (port, log) = fake(version);
        let c = Consumer::new(config(port, &[]), None).unwrap();
        assert_eq!(c.uses_raw_path(), raw);
        c.subscribe(&["t1".to_string()]).unwrap();
        assert_eq!(c.subscription(), ["t1"]);
        assert_eq!(
            client_rows(&c),
            [("tb_a".to_string(), 3), ("tb_b".to_string(), 2)]
        );
        let actions = log.lock().unwrap().actions();
        if raw {
            assert!(actions.contains(&"fetch_raw_data".to_string()));
        } else {
            // fetch/fetch_block per block, then one fetch answering completed.
            assert_eq!(actions.iter().filter(|a| *a == "fetch").count(), 3);
            assert_eq!(actions.iter().filter(|a| *a == "fetch_block").count(), 2);
        }
        let sub = &log.lock().unwrap().args("subscribe")[0];
        assert_eq!(sub["group_id"], "g1");
        assert_eq!(sub["offset_rest"], "earliest");
        assert_eq!(sub["auto_commit"], "false");
        assert_eq!(sub["topics"], json!(["t1"]));
        c.close();
    }
}

#[test]
fn client_errors_timeouts_and_offsets() {
    let (port, log) = fake("3.3.6.0");
    let bad = Consumer::new(config(port, &[("td.connect.pass", "nope")]), None).unwrap();
    let e = bad.subscribe(&["t1".to_string()]).unwrap_err();
    assert_eq!(e.code, 0x8000_FFFFu32 as i32);
    assert_eq!(e.message, "Authentication failure");
    // Native: a poll before the first successful subscribe is TMQ_INVALID_STATUS.
    let e = bad.poll(10).unwrap_err();
    assert_eq!(e.code, 0x8000_4017u32 as i32, "{e}");
    assert!(e.message.contains("subscribe"), "{e}");

    let c = Consumer::new(config(port, &[]), None).unwrap();
    let e = c.subscribe(&["missing".to_string()]).unwrap_err();
    assert_eq!(e.code, 0x8000_03E1u32 as i32);
    c.subscribe(&["t1".to_string()]).unwrap();
    // Huge and negative timeouts wait without limit (here: a message is ready).
    let m1 = c.poll(i64::MAX).unwrap().unwrap();
    let m2 = c.poll(-1).unwrap().unwrap();
    assert_eq!((m2.message_type, m2.vgroup_id), (2, 4));
    assert!(!m2.has_data());
    assert_eq!(m2.json_meta().unwrap(), META_JSON);
    assert!(m1.json_meta().is_err());
    // Nothing more: poll waits about the timeout, then returns None.
    let t = Instant::now();
    assert!(c.poll(300).unwrap().is_none());
    let el = t.elapsed();
    assert!(
        el >= Duration::from_millis(280) && el < Duration::from_secs(2),
        "{el:?}"
    );
    // The poll sends the last message id (lost-reply protection).
    let polls = log.lock().unwrap().args("poll");
    assert_eq!(polls.last().unwrap()["message_id"], 2);

    c.commit(m1.message_id).unwrap();
    c.commit_offset("t1", 3, 7).unwrap();
    assert_eq!(c.committed("t1", 3).unwrap(), -2147467247);
    assert_eq!(c.position("t1", 3).unwrap(), 12);
    c.seek("t1", 3, 0).unwrap();
    let a = c.assignment("t1").unwrap();
    assert_eq!(a.len(), 2);
    assert_eq!(
        (a[1].vgroup_id, a[1].offset, a[1].begin, a[1].end),
        (4, 5, 1, 6)
    );
    let (ty, raw) = m1.raw().unwrap();
    assert_eq!(ty, 2);
    assert_eq!(parse_tmq_raw_data(&raw).unwrap().len(), 2);
    c.unsubscribe().unwrap();
    assert!(c.subscription().is_empty());
    let l = log.lock().unwrap();
    let co = &l.args("commit_offset")[0];
    assert_eq!(
        (
            co["topic"].as_str(),
            co["vgroup_id"].as_i64(),
            co["offset"].as_i64()
        ),
        (Some("t1"), Some(3), Some(7))
    );
    assert_eq!(l.args("seek")[0]["offset"], 0);
}

// ------------------------------------------------------------------------------------------
// C API

fn c_consumer(port: u16, extra: &[(&CStr, &CStr)]) -> *mut tmq_t {
    let conf = tmq_conf_new();
    let port = std::ffi::CString::new(port.to_string()).unwrap();
    let set = |k: &CStr, v: &CStr| unsafe {
        assert_eq!(tmq_conf_set(conf, k.as_ptr(), v.as_ptr()), 0, "{k:?}");
    };
    set(c"td.connect.ip", c"127.0.0.1");
    set(c"td.connect.port", &port);
    set(c"td.connect.user", c"root");
    set(c"td.connect.pass", c"taosdata");
    set(c"group.id", c"g1");
    for (k, v) in extra {
        set(k, v);
    }
    let mut errbuf = [0 as std::ffi::c_char; 128];
    let t = unsafe { tmq_consumer_new(conf, errbuf.as_mut_ptr(), 128) };
    tmq_conf_destroy(conf);
    assert!(!t.is_null());
    t
}

fn subscribe(t: *mut tmq_t, topic: &CStr) -> i32 {
    let list = tmq_list_new();
    unsafe { tmq_list_append(list, topic.as_ptr()) };
    let rc = tmq_subscribe(t, list);
    tmq_list_destroy(list);
    rc
}

fn cstr(p: *const std::ffi::c_char) -> String {
    assert!(!p.is_null());
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string()
}

/// All rows of a message through taos_fetch_row: (v or -1 for NULL, name).
fn c_rows(res: *mut taos::capi::types::TAOS_RES) -> Vec<(i32, String)> {
    let mut out = Vec::new();
    loop {
        let row = taos_fetch_row(res);
        if row.is_null() {
            break;
        }
        let cells = unsafe { std::slice::from_raw_parts(row, 3) };
        let v = if cells[1].is_null() {
            -1
        } else {
            unsafe { (cells[1] as *const i32).read_unaligned() }
        };
        let name = unsafe {
            let p = cells[2] as *const u8;
            let len = (p.sub(2) as *const u16).read_unaligned() as usize;
            String::from_utf8(std::slice::from_raw_parts(p, len).to_vec()).unwrap()
        };
        out.push((v, name));
    }
    out
}

#[test]
fn c_api_poll_fetch_and_accessors() {
    for version in ["3.3.6.0", "3.3.0.0"] {
        let (port, _log) = fake(version);
        let t = c_consumer(port, &[]);
        assert_eq!(subscribe(t, c"t1"), 0);
        let mut list = std::ptr::null_mut();
        assert_eq!(tmq_subscription(t, &mut list), 0);
        assert_eq!(tmq_list_get_size(list), 1);
        tmq_list_destroy(list);

        let res = tmq_consumer_poll(t, 1000);
        assert!(!res.is_null());
        assert_eq!(tmq_get_res_type(res), TMQ_RES_DATA);
        assert_eq!(cstr(tmq_get_topic_name(res)), "t1");
        assert_eq!(cstr(tmq_get_db_name(res)), "db1");
        assert_eq!(cstr(tmq_get_table_name(res)), "tb_a");
        assert_eq!(tmq_get_vgroup_id(res), 3);
        assert_eq!(tmq_get_vgroup_offset(res), 10);
        assert_eq!(taos_num_fields(res), 3);
        let f = unsafe { std::slice::from_raw_parts(taos_fetch_fields(res), 3) };
        assert_eq!((f[2].r#type, f[2].bytes), (8, 16));
        let rows = c_rows(res);
        assert_eq!(
            rows,
            [
                (100, "n1_0".to_string()),
                (-1, "n1_1".into()),
                (102, "n1_2".into()),
                (200, "n2_0".into()),
                (-1, "n2_1".into()),
            ]
        );
        assert_eq!(tmq_commit_sync(t, res), 0);
        taos_free_result(res);

        let meta = tmq_consumer_poll(t, 1000);
        assert_eq!(tmq_get_res_type(meta), TMQ_RES_TABLE_META);
        assert!(taos_fetch_row(meta).is_null());
        let j = tmq_get_json_meta(meta);
        assert_eq!(cstr(j), META_JSON);
        tmq_free_json_meta(j);
        taos_free_result(meta);

        let start = Instant::now();
        assert!(tmq_consumer_poll(t, 200).is_null());
        assert!(start.elapsed() >= Duration::from_millis(180));
        assert_eq!(taos::capi::boundary::last_error_code(), 0);
        assert_eq!(tmq_unsubscribe(t), 0);
        assert_eq!(tmq_consumer_close(t), 0);
    }
}

#[test]
fn c_api_block_fetch_raw_and_offsets() {
    let (port, log) = fake("3.3.6.0");
    let t = c_consumer(port, &[]);
    assert_eq!(subscribe(t, c"t1"), 0);
    let res = tmq_consumer_poll(t, 1000);
    let mut rows_ptr = std::ptr::null_mut();
    // The table name follows the block being read.
    assert_eq!(cstr(tmq_get_table_name(res)), "tb_a");
    let n1 = taos_fetch_block(res, &mut rows_ptr);
    let first_name = tmq_get_table_name(res);
    assert_eq!(cstr(first_name), "tb_a");
    let n2 = taos_fetch_block(res, &mut rows_ptr);
    assert_eq!(cstr(tmq_get_table_name(res)), "tb_b");
    // Earlier pointers stay valid while the message lives.
    assert_eq!(cstr(first_name), "tb_a");
    let n3 = taos_fetch_block(res, &mut rows_ptr);
    assert_eq!((n1, n2, n3), (3, 2, 0));

    let mut raw = tmq_raw_data {
        raw: std::ptr::null_mut(),
        raw_len: 0,
        raw_type: 0,
    };
    assert_eq!(unsafe { tmq_get_raw(res, &mut raw) }, 0);
    assert_eq!(raw.raw_type, 2);
    let bytes = unsafe { std::slice::from_raw_parts(raw.raw as *const u8, raw.raw_len as usize) };
    let parsed = parse_tmq_raw_data(bytes).unwrap();
    assert_eq!(parsed[1].table_name.as_deref(), Some("tb_b"));
    tmq_free_raw(raw);
    taos_free_result(res);

    let (mut a, mut n): (*mut tmq_topic_assignment, i32) = (std::ptr::null_mut(), 0);
    assert_eq!(
        unsafe { tmq_get_topic_assignment(t, c"t1".as_ptr(), &mut a, &mut n) },
        0
    );
    assert_eq!(n, 2);
    let s = unsafe { std::slice::from_raw_parts(a, 2) };
    assert_eq!((s[0].vgId, s[0].currentOffset, s[0].end), (3, 12, 20));
    tmq_free_assignment(a);
    assert_eq!(tmq_position(t, c"t1".as_ptr(), 3), 12);
    assert_eq!(tmq_committed(t, c"t1".as_ptr(), 3), -2147467247);
    assert_eq!(tmq_offset_seek(t, c"t1".as_ptr(), 3, 1), 0);
    assert_eq!(tmq_commit_offset_sync(t, c"t1".as_ptr(), 3, 9), 0);
    assert!(tmq_position(t, std::ptr::null(), 3) < 0);

    // Async commits call back once each, on another thread.
    let (tx, rx) = mpsc::channel::<(usize, i32, std::thread::ThreadId)>();
    let tx = Box::new(tx);
    let p = &*tx as *const _ as *mut c_void;
    let cb = commit_cb as TmqCommitFn as *mut tmq_commit_cb;
    tmq_commit_async(t, std::ptr::null(), cb, p);
    tmq_commit_offset_async(t, c"t1".as_ptr(), 4, 3, cb, p);
    for _ in 0..2 {
        let (tp, code, th) = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!((tp, code), (t as usize, 0));
        assert_ne!(th, std::thread::current().id());
    }
    assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());
    let acts = log.lock().unwrap().actions();
    assert_eq!(acts.iter().filter(|a| *a == "commit_offset").count(), 2);
    assert_eq!(tmq_consumer_close(t), 0);
    // Bad handles are refused, not crashed on.
    assert!(tmq_consumer_poll(std::ptr::null_mut(), 0).is_null());
    assert_eq!(tmq_get_res_type(std::ptr::null_mut()), TMQ_RES_INVALID);
    assert!(tmq_get_topic_name(std::ptr::null_mut()).is_null());
}

unsafe extern "C" fn commit_cb(tmq: *mut tmq_t, code: i32, param: *mut c_void) {
    let tx = unsafe { &*(param as *const mpsc::Sender<(usize, i32, std::thread::ThreadId)>) };
    let _ = tx.send((tmq as usize, code, std::thread::current().id()));
}

#[test]
fn c_api_errors_and_auto_commit() {
    let (port, log) = fake("3.3.6.0");
    // Unreachable server: NULL with the reason in errstr.
    let conf = tmq_conf_new();
    unsafe {
        tmq_conf_set(conf, c"td.connect.ip".as_ptr(), c"127.0.0.1".as_ptr());
        tmq_conf_set(conf, c"td.connect.port".as_ptr(), c"1".as_ptr());
    }
    // No group: refused before connecting.
    let mut errbuf = [0 as std::ffi::c_char; 256];
    assert!(unsafe { tmq_consumer_new(conf, errbuf.as_mut_ptr(), 256) }.is_null());
    assert!(cstr(errbuf.as_ptr()).contains("group.id"));
    unsafe { tmq_conf_set(conf, c"group.id".as_ptr(), c"g".as_ptr()) };
    let mut errbuf = [0 as std::ffi::c_char; 256];
    let t = unsafe { tmq_consumer_new(conf, errbuf.as_mut_ptr(), 256) };
    assert!(t.is_null());
    let msg = cstr(errbuf.as_ptr());
    assert!(!msg.is_empty() && !msg.contains("group.id"), "{msg}");
    assert!(unsafe { tmq_consumer_new(conf, std::ptr::null_mut(), 0) }.is_null());
    tmq_conf_destroy(conf);

    let t = c_consumer(port, &[]);
    assert_eq!(subscribe(t, c"missing"), 0x8000_03E1u32 as i32);
    assert_eq!(cstr(tmq_err2str(0x8000_03E1u32 as i32)), "Topic not exist");
    assert_eq!(tmq_consumer_close(t), 0);

    // Auto-commit: interval 0 → commit before every poll after the first message.
    let (tx, rx) = mpsc::channel::<(usize, i32, std::thread::ThreadId)>();
    let tx = Box::new(tx);
    let conf_extra: [(&CStr, &CStr); 2] = [
        (c"enable.auto.commit", c"true"),
        (c"auto.commit.interval.ms", c"0"),
    ];
    let conf = tmq_conf_new();
    unsafe {
        tmq_conf_set_auto_commit_cb(
            conf,
            commit_cb as TmqCommitFn as *mut tmq_commit_cb,
            &*tx as *const _ as *mut c_void,
        )
    };
    let port_s = std::ffi::CString::new(port.to_string()).unwrap();
    for (k, v) in [
        (c"td.connect.ip", c"127.0.0.1"),
        (c"td.connect.port", port_s.as_c_str()),
        (c"group.id", c"g2"),
    ]
    .into_iter()
    .chain(conf_extra)
    {
        assert_eq!(unsafe { tmq_conf_set(conf, k.as_ptr(), v.as_ptr()) }, 0);
    }
    let t = unsafe { tmq_consumer_new(conf, std::ptr::null_mut(), 0) };
    tmq_conf_destroy(conf);
    assert!(!t.is_null());
    assert_eq!(subscribe(t, c"t1"), 0);
    let r1 = tmq_consumer_poll(t, 1000);
    taos_free_result(r1);
    let r2 = tmq_consumer_poll(t, 1000);
    taos_free_result(r2);
    let (tp, code, th) = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!((tp, code), (t as usize, 0));
    assert_ne!(th, std::thread::current().id());
    let commits = log.lock().unwrap().args("commit");
    assert_eq!(commits[0]["message_id"], 1);
    // Close commits once more (auto-commit on) and reports it through the callback.
    assert_eq!(tmq_consumer_close(t), 0);
    let (_, code, _) = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(code, 0);
    let commits = log.lock().unwrap().args("commit");
    assert_eq!(commits.len(), 2);
    assert_eq!(commits[1]["message_id"], 2);
    assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());
}

#[test]
fn message_stays_readable_after_the_next_poll() {
    for version in ["3.3.6.0", "3.3.0.0"] {
        let (port, _log) = fake(version);
        let c = Consumer::new(config(port, &[]), None).unwrap();
        c.subscribe(&["t1".to_string()]).unwrap();
        let m1 = c.poll(1000).unwrap().unwrap();
        let raw_before = m1.raw().unwrap();
        let m2 = c.poll(1000).unwrap().unwrap();
        assert_eq!(m2.message_id, 2);
        let mut rows = 0;
        while let Some(b) = m1.next_block().unwrap() {
            rows += taos_wire::RawBlock::parse(&b.bytes).unwrap().rows();
        }
        assert_eq!(rows, 5, "{version}");
        // tmq_get_raw's data: fetch_raw_data (kept from the poll), or fetch_raw on old servers.
        let fetches = _log
            .lock()
            .unwrap()
            .actions()
            .iter()
            .filter(|a| a.starts_with("fetch_raw"))
            .count();
        // Raw path: the poll's own fetch_raw_data (raw() reuses it); old path: one fetch_raw.
        assert_eq!(fetches, 1);
        let (ty, raw) = raw_before;
        assert_eq!(ty, 2);
        let blocks = parse_tmq_raw_data(&raw).unwrap();
        assert_eq!(blocks[0].table_name.as_deref(), Some("tb_a"));
        c.close();
    }
}

// ------------------------------------------------------------------------------------------
// Raw writes on /ws

/// A `/ws` server answering `version` / `conn` and recording binary frames; a binary frame
/// whose table name is "bad" gets an error reply.
fn fake_ws() -> (u16, Arc<Mutex<Vec<Vec<u8>>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let frames = Arc::new(Mutex::new(Vec::new()));
    let f2 = frames.clone();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(s) = s else { return };
            let frames = f2.clone();
            std::thread::spawn(move || {
                let mut ws = tungstenite::accept(s).unwrap();
                while let Ok(msg) = ws.read() {
                    let reply = match msg {
                        WsMsg::Text(t) => {
                            let v: Value = serde_json::from_str(t.as_str()).unwrap();
                            let action = v["action"].as_str().unwrap_or("").to_string();
                            let rid = v["args"]["req_id"].as_u64().unwrap_or(0);
                            ok(&action, rid, json!({"version": "3.3.6.0"}))
                        }
                        WsMsg::Binary(b) => {
                            let rid = u64::from_le_bytes(b[..8].try_into().unwrap());
                            let action = u64::from_le_bytes(b[16..24].try_into().unwrap());
                            let name = [
                                "write_raw",
                                "write_raw_block",
                                "write_raw_block_with_fields",
                            ][(action - 3) as usize];
                            frames.lock().unwrap().push(b.to_vec());
                            if b.windows(3).any(|w| w == b"bad") {
                                fail(name, rid, 0x2603, "Table does not exist")
                            } else {
                                ok(name, rid, json!({}))
                            }
                        }
                        _ => continue,
                    };
                    if ws.send(reply).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, frames)
}

#[test]
fn raw_writes_send_binary_actions_3_4_5() {
    use taos::capi::connect::{taos_close, taos_connect};
    use taos::capi::types::TAOS_FIELD;
    let (port, frames) = fake_ws();
    let taos = taos_connect(
        c"127.0.0.1".as_ptr(),
        c"root".as_ptr(),
        c"taosdata".as_ptr(),
        std::ptr::null(),
        port,
    );
    assert!(!taos.is_null());
    let mut data = *b"rawbytes";
    let raw = tmq_raw_data {
        raw: data.as_mut_ptr() as *mut c_void,
        raw_len: 8,
        raw_type: 2,
    };
    assert_eq!(tmq_write_raw(taos, raw), 0);
    let blk = block(1, 3);
    let rc = write_raw_block_from_c(
        taos,
        3,
        blk.as_ptr() as *const std::ffi::c_char,
        c"tb_a".as_ptr(),
        std::ptr::null(),
        0,
        77,
    );
    assert_eq!(rc, Ok(0));
    let mut fields: Vec<TAOS_FIELD> = (0..3).map(|_| unsafe { std::mem::zeroed() }).collect();
    fields[1].r#type = 4;
    fields[1].bytes = 4;
    let rc = write_raw_block_from_c(
        taos,
        3,
        blk.as_ptr() as *const std::ffi::c_char,
        c"tb_a".as_ptr(),
        fields.as_ptr(),
        3,
        0,
    );
    assert_eq!(rc, Ok(0));
    // Server error → its code; bad arguments refused without sending.
    let e = write_raw_block_from_c(
        taos,
        3,
        blk.as_ptr() as *const std::ffi::c_char,
        c"bad".as_ptr(),
        std::ptr::null(),
        0,
        0,
    )
    .unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (0x8000_2603u32 as i32, "Table does not exist")
    );
    let mut junk = [0u8; 32];
    junk[4] = 3; // length 3 < header
    assert!(write_raw_block_from_c(
        taos,
        1,
        junk.as_ptr() as *const std::ffi::c_char,
        c"t".as_ptr(),
        std::ptr::null(),
        0,
        0
    )
    .is_err());
    assert!(tmq_write_raw(std::ptr::null_mut(), raw) != 0);
    taos_close(taos);

    let f = frames.lock().unwrap();
    assert_eq!(f.len(), 4);
    // write_raw: header, u32 len, u16 type, data
    assert_eq!(u64::from_le_bytes(f[0][16..24].try_into().unwrap()), 3);
    assert_eq!(&f[0][24..28], &8u32.to_le_bytes());
    assert_eq!(&f[0][28..30], &2u16.to_le_bytes());
    assert_eq!(&f[0][30..], b"rawbytes");
    // write_raw_block: req_id kept, i32 rows, u16 name len, name, block
    assert_eq!(u64::from_le_bytes(f[1][..8].try_into().unwrap()), 77);
    assert_eq!(u64::from_le_bytes(f[1][16..24].try_into().unwrap()), 4);
    assert_eq!(&f[1][24..28], &3i32.to_le_bytes());
    assert_eq!(&f[1][28..30], &4u16.to_le_bytes());
    assert_eq!(&f[1][30..34], b"tb_a");
    assert_eq!(&f[1][34..], &blk[..]);
    // with fields: block followed by 3 x 72-byte TAOS_FIELD
    assert_eq!(u64::from_le_bytes(f[2][16..24].try_into().unwrap()), 5);
    assert_eq!(f[2].len(), 34 + blk.len() + 3 * 72);
    assert_eq!(f[2][34 + blk.len() + 72 + 65], 4);
}

#[test]
fn c_api_follows_a_schema_change_inside_a_message() {
    let (port, _log) = fake_mode("3.3.6.0", true);
    let t = c_consumer(port, &[]);
    assert_eq!(subscribe(t, c"t1"), 0);
    let res = tmq_consumer_poll(t, 1000);
    assert!(!res.is_null());
    assert_eq!(taos_num_fields(res), 3);
    let mut seen = Vec::new();
    loop {
        let row = taos_fetch_row(res);
        if row.is_null() {
            break;
        }
        let n = taos_num_fields(res);
        let cells = unsafe { std::slice::from_raw_parts(row, n as usize) };
        let w = (n == 4).then(|| unsafe { (cells[3] as *const i64).read_unaligned() });
        seen.push((cstr(tmq_get_table_name(res)), n, w));
    }
    assert_eq!(
        seen,
        [
            ("tb_a".to_string(), 3, None),
            ("tb_a".into(), 3, None),
            ("tb_a".into(), 3, None),
            ("tb_b".into(), 4, Some(7)),
            ("tb_b".into(), 4, Some(7)),
        ]
    );
    let f = unsafe { std::slice::from_raw_parts(taos_fetch_fields(res), 4) };
    assert_eq!(f[3].r#type, 5);
    assert_eq!(taos::capi::boundary::last_error_code(), 0);
    taos_free_result(res);
    assert_eq!(tmq_consumer_close(t), 0);
}
