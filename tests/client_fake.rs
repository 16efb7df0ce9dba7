//! Client against a scripted in-test adapter that serves blocks by both protocols:
//! binary `fetch_raw_block` (server ≥ 3.3.2.0) and legacy `fetch` + `fetch_block`.
use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use taos::client::{ConnectOptions, Connection, QueryResult};
use taos_wire::binary;
use taos_wire::{BlockBuilder, ColumnSchema};
use tungstenite::Message;

const BASE_TS: i64 = 1_700_000_000_000;

/// Rows 0..n: ts = BASE_TS + i, v = i (NULL when i % 10 == 9).
fn block(start: usize, n: usize) -> Vec<u8> {
    let mut b = BlockBuilder::new(vec![ColumnSchema::new(9, 8), ColumnSchema::new(4, 4)]);
    for i in start..start + n {
        b.push_timestamp(0, BASE_TS + i as i64);
        if i % 10 == 9 {
            b.push_null(1);
        } else {
            b.push_i32(1, i as i32);
        }
    }
    b.finish(n, 0)
}

#[derive(Default)]
struct Seen {
    actions: Vec<String>,
}

fn query_reply(action: &str, rid: u64, id: u64) -> String {
    format!(
        r#"{{"code":0,"message":"","action":"{action}","req_id":{rid},"timing":1,"id":{id},"is_update":false,"affected_rows":0,"fields_count":2,"fields_names":["ts","v"],"fields_types":[9,4],"fields_lengths":[8,4],"precision":0,"fields_precisions":[0,0],"fields_scales":[0,0]}}"#
    )
}

/// Serves connections forever; each query's result has `rows` rows in `per_block` blocks.
fn fake(version: &'static str, rows: usize, per_block: usize) -> (u16, Arc<Mutex<Seen>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(s) = s else { return };
            let seen = seen2.clone();
            std::thread::spawn(move || {
                let mut ws = tungstenite::accept(s).unwrap();
                let mut next_id = 1u64;
                let mut cursor: HashMap<u64, usize> = HashMap::new();
                while let Ok(msg) = ws.read() {
                    let reply = match msg {
                        Message::Text(t) => {
                            let v: serde_json::Value = serde_json::from_str(t.as_str()).unwrap();
                            let action = v["action"].as_str().unwrap().to_string();
                            let rid = v["args"]["req_id"].as_u64().unwrap_or(0);
                            let id = v["args"]["id"].as_u64().unwrap_or(0);
                            seen.lock().unwrap().actions.push(action.clone());
                            match action.as_str() {
                                "version" | "conn" => {
                                    if action == "conn" && v["args"]["password"] != "taosdata" {
                                        Message::text(format!(
                                            r#"{{"code":855,"message":"Authentication failure","action":"conn","req_id":{rid},"timing":1}}"#
                                        ))
                                    } else {
                                        Message::text(format!(
                                            r#"{{"code":0,"message":"","action":"{action}","req_id":{rid},"timing":1,"version":"{version}"}}"#
                                        ))
                                    }
                                }
                                "query" => {
                                    cursor.insert(next_id, 0);
                                    next_id += 1;
                                    Message::text(query_reply("query", rid, next_id - 1))
                                }
                                "fetch" => {
                                    let c = cursor.get(&id).copied().unwrap_or(rows);
                                    if c >= rows {
                                        cursor.remove(&id);
                                        Message::text(format!(
                                            r#"{{"code":0,"message":"","action":"fetch","req_id":{rid},"timing":1,"id":{id},"completed":true,"lengths":null,"rows":0}}"#
                                        ))
                                    } else {
                                        let n = per_block.min(rows - c);
                                        Message::text(format!(
                                            r#"{{"code":0,"message":"","action":"fetch","req_id":{rid},"timing":1,"id":{id},"completed":false,"lengths":[8,4],"rows":{n}}}"#
                                        ))
                                    }
                                }
                                "fetch_block" => {
                                    let c = cursor[&id];
                                    let n = per_block.min(rows - c);
                                    cursor.insert(id, c + n);
                                    Message::binary(binary::encode_fetch_block(1, id, &block(c, n)))
                                }
                                "free_result" => continue,
                                _ => Message::text(format!(
                                    r#"{{"code":65535,"message":"unknown action {action}","action":"{action}","req_id":{rid},"timing":1}}"#
                                )),
                            }
                        }
                        Message::Binary(b) => {
                            let rid = u64::from_le_bytes(b[0..8].try_into().unwrap());
                            let id = u64::from_le_bytes(b[8..16].try_into().unwrap());
                            let action = u64::from_le_bytes(b[16..24].try_into().unwrap());
                            seen.lock()
                                .unwrap()
                                .actions
                                .push(binary::action_name(action).to_string());
                            match action {
                                6 => {
                                    cursor.insert(next_id, 0);
                                    next_id += 1;
                                    Message::text(query_reply("binary_query", rid, next_id - 1))
                                }
                                7 => match cursor.get(&id).copied() {
                                    Some(c) if c < rows => {
                                        let n = per_block.min(rows - c);
                                        cursor.insert(id, c + n);
                                        Message::binary(binary::encode_raw_block_data(
                                            1,
                                            rid,
                                            id,
                                            &block(c, n),
                                        ))
                                    }
                                    Some(_) => {
                                        cursor.remove(&id);
                                        Message::binary(binary::encode_raw_block_end(1, rid, id))
                                    }
                                    None => Message::binary(binary::encode_raw_block_error(
                                        1,
                                        rid,
                                        id,
                                        &taos_wire::TaosError::adapter("result is nil"),
                                    )),
                                },
                                _ => continue,
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
    (port, seen)
}

fn connect(port: u16) -> Connection {
    let mut o = ConnectOptions::from_dsn(&format!("ws://root:taosdata@127.0.0.1:{port}")).unwrap();
    o.read_timeout = Duration::from_secs(5);
    Connection::connect(&o).unwrap()
}

/// (rows, sum of non-null v, nulls, ts of last row)
fn drain(r: &QueryResult) -> (usize, i64, usize, i64) {
    let (mut rows, mut sum, mut nulls, mut last) = (0, 0, 0, 0);
    while let Some(b) = r.next_block().unwrap() {
        let v = b.view();
        for i in 0..b.rows() {
            last = i64::from_le_bytes(v.fixed_cell(0, i).try_into().unwrap());
            if v.is_null(1, i) {
                nulls += 1;
            } else {
                sum += i32::from_le_bytes(v.fixed_cell(1, i).try_into().unwrap()) as i64;
            }
        }
        rows += b.rows();
    }
    (rows, sum, nulls, last)
}

fn expected(rows: usize) -> (usize, i64, usize, i64) {
    let sum = (0..rows as i64).filter(|i| i % 10 != 9).sum();
    (rows, sum, rows / 10, BASE_TS + rows as i64 - 1)
}

#[test]
fn binary_protocol_blocks_and_values() {
    let (port, seen) = fake("3.3.6.0", 1234, 100);
    let c = connect(port);
    assert!(!c.is_legacy());
    let r = c.query("select ts, v from t", 0).unwrap();
    assert_eq!(r.fields().len(), 2);
    assert_eq!(drain(&r), expected(1234));
    let a = &seen.lock().unwrap().actions;
    assert!(a.contains(&"binary_query".to_string()));
    assert_eq!(a.iter().filter(|x| *x == "fetch_raw_block").count(), 13 + 1);
    assert!(!a.contains(&"fetch".to_string()));
}

#[test]
fn legacy_protocol_blocks_and_values() {
    let (port, seen) = fake("3.3.0.0", 555, 64);
    let c = connect(port);
    assert!(c.is_legacy());
    let r = c.query("select ts, v from t", 0).unwrap();
    assert_eq!(drain(&r), expected(555));
    let r = c.query("select ts, v from t", 0).unwrap();
    assert_eq!(drain(&r), expected(555));
    let a = &seen.lock().unwrap().actions;
    assert!(a.contains(&"query".to_string()));
    assert_eq!(a.iter().filter(|x| *x == "fetch_block").count(), 2 * 9);
    assert!(!a
        .iter()
        .any(|x| x == "binary_query" || x == "fetch_raw_block"));
}

#[test]
fn bad_password_code() {
    let (port, _) = fake("3.3.6.0", 1, 1);
    let o = ConnectOptions::from_dsn(&format!("ws://root:nope@127.0.0.1:{port}")).unwrap();
    let e = Connection::connect(&o).unwrap_err();
    assert_eq!(e.code as u32, 0x8000_0357);
    assert_eq!(e.message, "Authentication failure");
}

#[test]
fn prefetch_stays_bounded_and_stop_frees() {
    let (port, seen) = fake("3.3.6.0", 10_000, 10);
    let c = connect(port);
    let r = c.query("select ts, v from t", 0).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // Nobody reads: only the first PREFETCH blocks are requested.
    let fetches = |s: &Mutex<Seen>| {
        s.lock()
            .unwrap()
            .actions
            .iter()
            .filter(|x| *x == "fetch_raw_block")
            .count()
    };
    assert_eq!(fetches(&seen), taos::client::result::PREFETCH);
    let b = r.next_block().unwrap().unwrap();
    assert_eq!(b.rows(), 10);
    r.stop();
    std::thread::sleep(Duration::from_millis(200));
    assert!(seen
        .lock()
        .unwrap()
        .actions
        .contains(&"free_result".to_string()));
    assert!(r.next_block().unwrap().is_none());
}

#[test]
fn many_threads_many_results() {
    let (port, _) = fake("3.3.6.0", 2000, 128);
    let c = connect(port);
    let hs: Vec<_> = (0..8)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || {
                for _ in 0..5 {
                    let r = c.query("select ts, v from t", 0).unwrap();
                    assert_eq!(drain(&r), expected(2000));
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
}

/// Throughput of the fetch path (client side): a server that answers every
/// `fetch_raw_block` with one pre-built 4096-row block. Run with
/// `cargo test --release --test client_fake bench -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark"]
fn bench_fetch_throughput() {
    const BLOCKS: usize = 2000;
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut ws = tungstenite::accept(s).unwrap();
        let blk = block(0, 4096);
        let mut sent = 0;
        while let Ok(msg) = ws.read() {
            let reply = match msg {
                Message::Text(t) => {
                    let v: serde_json::Value = serde_json::from_str(t.as_str()).unwrap();
                    let rid = v["args"]["req_id"].as_u64().unwrap_or(0);
                    let action = v["action"].as_str().unwrap().to_string();
                    if action == "free_result" {
                        continue;
                    }
                    Message::text(format!(
                        r#"{{"code":0,"message":"","action":"{action}","req_id":{rid},"timing":1,"version":"3.3.6.0"}}"#
                    ))
                }
                Message::Binary(b) => {
                    let rid = u64::from_le_bytes(b[0..8].try_into().unwrap());
                    match u64::from_le_bytes(b[16..24].try_into().unwrap()) {
                        6 => Message::text(query_reply("binary_query", rid, 1)),
                        _ if sent < BLOCKS => {
                            sent += 1;
                            Message::binary(binary::encode_raw_block_data(1, rid, 1, &blk))
                        }
                        _ => Message::binary(binary::encode_raw_block_end(1, rid, 1)),
                    }
                }
                _ => continue,
            };
            if ws.send(reply).is_err() {
                return;
            }
        }
    });
    let c = connect(port);
    let t = std::time::Instant::now();
    let r = c.query("select ts, v from t", 0).unwrap();
    let (mut rows, mut bytes) = (0usize, 0usize);
    while let Some(b) = r.next_block().unwrap() {
        rows += b.rows();
        bytes += b.bytes().len();
    }
    let el = t.elapsed().as_secs_f64();
    assert_eq!(rows, BLOCKS * 4096);
    println!(
        "fetched {rows} rows / {} MB in {el:.3}s: {:.1} Mrows/s, {:.0} MB/s, {:.1} us/block",
        bytes >> 20,
        rows as f64 / el / 1e6,
        bytes as f64 / el / 1e6,
        el * 1e6 / BLOCKS as f64
    );
}

#[test]
fn fails_over_to_the_next_endpoint() {
    let (port, _) = fake("3.3.6.0", 5, 5);
    let mut o = ConnectOptions::from_dsn(&format!("ws://127.0.0.1:1,127.0.0.1:{port}")).unwrap();
    o.connect_timeout = Duration::from_secs(3);
    let c = Connection::connect(&o).unwrap();
    let r = c.query("select ts, v from t", 0).unwrap();
    assert_eq!(drain(&r), expected(5));
}
