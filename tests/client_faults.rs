//! Client against a scripted fake adapter: dropped sockets and silent servers must turn
//! into errors, never hangs.
use std::net::TcpListener;
use std::time::{Duration, Instant};
use taos::client::{ConnectOptions, Connection};
use taos_wire::error::codes;
use tungstenite::Message;

#[derive(Clone, Copy, PartialEq)]
enum Fault {
    /// Close the TCP socket when the query arrives.
    DropOnQuery,
    /// Answer the query, then close the socket on the first fetch.
    DropOnFetch,
    /// Never answer the query.
    Silent,
}

fn req_id_of(text: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["args"]["req_id"].as_u64().unwrap_or(0)
}

/// Serves one connection with the given fault; returns the port.
fn fake_server(fault: Fault) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut ws = tungstenite::accept(s).unwrap();
        loop {
            let msg = match ws.read() {
                Ok(m) => m,
                Err(_) => return,
            };
            match msg {
                Message::Text(t) => {
                    let v: serde_json::Value = serde_json::from_str(t.as_str()).unwrap();
                    let action = v["action"].as_str().unwrap_or("").to_string();
                    let rid = req_id_of(t.as_str());
                    let reply = format!(
                        r#"{{"code":0,"message":"","action":"{action}","req_id":{rid},"timing":1,"version":"3.3.6.0"}}"#
                    );
                    ws.send(Message::text(reply)).unwrap();
                }
                Message::Binary(b) => {
                    let rid = u64::from_le_bytes(b[0..8].try_into().unwrap());
                    let action = u64::from_le_bytes(b[16..24].try_into().unwrap());
                    match (fault, action) {
                        (Fault::DropOnQuery, 6) => return,
                        (Fault::Silent, 6) => {
                            std::thread::sleep(Duration::from_secs(5));
                            return;
                        }
                        (Fault::DropOnFetch, 6) => {
                            let reply = format!(
                                r#"{{"code":0,"message":"","action":"binary_query","req_id":{rid},"timing":1,"id":1,"is_update":false,"affected_rows":0,"fields_count":1,"fields_names":["v"],"fields_types":[4],"fields_lengths":[4],"precision":0}}"#
                            );
                            ws.send(Message::text(reply)).unwrap();
                        }
                        (Fault::DropOnFetch, 7) => return,
                        _ => return,
                    }
                }
                _ => {}
            }
        }
    });
    port
}

fn connect(port: u16) -> Connection {
    let mut o = ConnectOptions::from_dsn(&format!("ws://127.0.0.1:{port}")).unwrap();
    o.read_timeout = Duration::from_secs(1);
    Connection::connect(&o).unwrap()
}

#[test]
fn dropped_socket_during_query_fails_pending_and_later_requests() {
    let c = connect(fake_server(Fault::DropOnQuery));
    let t = Instant::now();
    let e = c.query("select 1", 0).expect_err("must fail");
    assert_eq!(e.code, codes::TSDB_CODE_RPC_NETWORK_UNAVAIL, "{e}");
    assert!(e.message.contains("connection"), "{e}");
    assert!(t.elapsed() < Duration::from_secs(3));
    assert!(!c.is_alive());
    let e = c.query("select 1", 0).expect_err("later requests fail too");
    assert_eq!(e.code, codes::TSDB_CODE_RPC_NETWORK_UNAVAIL);
    // Async requests on a dead connection still get their callback, once.
    let (tx, rx) = crossbeam_channel::unbounded();
    c.query_async(
        "select 1",
        0,
        Box::new(move |r| tx.send(r.is_err()).unwrap()),
    );
    assert_eq!(rx.recv_timeout(Duration::from_secs(3)), Ok(true));
}

#[test]
fn dropped_socket_during_fetch_is_an_error() {
    let c = connect(fake_server(Fault::DropOnFetch));
    let r = c.query("select v from t", 0).unwrap();
    assert_eq!(r.fields()[0].name, "v");
    let t = Instant::now();
    let e = r.next_block().expect_err("fetch must fail");
    assert_eq!(e.code, codes::TSDB_CODE_RPC_NETWORK_UNAVAIL, "{e}");
    assert!(t.elapsed() < Duration::from_secs(3));
    // Sticky.
    assert!(r.next_block().is_err());
    let (tx, rx) = crossbeam_channel::unbounded();
    r.next_block_async(Box::new(move |b| tx.send(b.is_err()).unwrap()));
    assert_eq!(rx.recv_timeout(Duration::from_secs(3)), Ok(true));
}

#[test]
fn silent_server_times_out() {
    let c = connect(fake_server(Fault::Silent));
    let t = Instant::now();
    let e = c.query("select 1", 0).expect_err("must time out");
    assert_eq!(e.code, codes::TSDB_CODE_TIMEOUT_ERROR, "{e}");
    let el = t.elapsed();
    assert!(
        el >= Duration::from_millis(900) && el < Duration::from_secs(3),
        "{el:?}"
    );
    // The connection itself is still up: only that request failed.
    assert!(c.is_alive());
}

#[test]
fn answers_pings_and_sends_close() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let (pong, close) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicBool::new(false)),
    );
    let (pong2, close2) = (pong.clone(), close.clone());
    let srv = std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut ws = tungstenite::accept(s).unwrap();
        ws.send(Message::Ping("hello".into())).unwrap();
        while let Ok(m) = ws.read() {
            match m {
                Message::Pong(p) if p.as_ref() == b"hello" => pong2.store(true, Ordering::SeqCst),
                Message::Close(_) => close2.store(true, Ordering::SeqCst),
                Message::Text(t) => {
                    let v: serde_json::Value = serde_json::from_str(t.as_str()).unwrap();
                    let action = v["action"].as_str().unwrap_or("").to_string();
                    let rid = req_id_of(t.as_str());
                    let reply = format!(
                        r#"{{"code":0,"message":"","action":"{action}","req_id":{rid},"timing":1,"version":"3.3.6.0","db":"x"}}"#
                    );
                    ws.send(Message::text(reply)).unwrap();
                }
                _ => {}
            }
        }
    });
    let c = connect(port);
    // A round trip after the ping guarantees the pong (sent first) has arrived.
    assert_eq!(c.current_db().unwrap(), "x");
    assert!(
        pong.load(Ordering::SeqCst),
        "ping answered with the same payload"
    );
    c.close();
    srv.join().unwrap();
    assert!(close.load(Ordering::SeqCst), "close frame sent on shutdown");
}
