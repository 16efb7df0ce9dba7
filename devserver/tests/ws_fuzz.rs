//! Property tests: random text and binary frames into the `/ws` dispatcher, random bytes into
//! the HTTP request parser and the WebSocket frame reader. Never a panic (a caught handler
//! panic would show up as an "internal error" reply, which is checked for), always one of the
//! documented replies. Run with `--nocapture` to see the input counts.

use std::io::{BufReader, Cursor};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use proptest::prelude::*;
use taos_devserver::engine::Engine;
use taos_devserver::ws::reply::Out;
use taos_devserver::ws::session::WsSession;
use taos_devserver::{Config, ServerState};
use taos_wire::binary::{parse_raw_block_reply, RawBlockReplyBody};

static TEXT_INPUTS: AtomicU64 = AtomicU64::new(0);
static JSON_INPUTS: AtomicU64 = AtomicU64::new(0);
static BINARY_INPUTS: AtomicU64 = AtomicU64::new(0);
static HTTP_INPUTS: AtomicU64 = AtomicU64::new(0);
static FRAME_INPUTS: AtomicU64 = AtomicU64::new(0);
static DEFLATE_INPUTS: AtomicU64 = AtomicU64::new(0);
static LIVE_INPUTS: AtomicU64 = AtomicU64::new(0);

/// One live server shared by the socket-level property test.
fn live_addr() -> std::net::SocketAddr {
    static SERVER: std::sync::OnceLock<taos_devserver::DevServerHandle> =
        std::sync::OnceLock::new();
    SERVER
        .get_or_init(|| {
            taos_devserver::DevServer::start(Config {
                block_rows: 2,
                ..Config::default()
            })
            .expect("start server")
        })
        .addr()
}

/// Sends `frame` on a fresh, logged-in socket, then a `version` probe; every reply before the
/// probe's must be a documented reply, and the probe must be answered (the socket survived).
fn live_exchange(frame: tungstenite::Message) {
    use tungstenite::Message;
    let stream = std::net::TcpStream::connect(live_addr()).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let url = format!("ws://{}/ws", live_addr());
    let (mut ws, _) = tungstenite::client::client(url, stream).unwrap();
    ws.send(Message::text(
        r#"{"action":"conn","args":{"user":"root","password":"taosdata"}}"#,
    ))
    .unwrap();
    let _ = ws.read().unwrap();
    ws.send(frame).unwrap();
    ws.send(Message::text(
        r#"{"action":"version","args":{"req_id":424242}}"#,
    ))
    .unwrap();
    loop {
        match ws.read().expect("server keeps the connection") {
            Message::Text(t) => {
                let v = check_text_reply(t.as_bytes());
                if v["action"] == "version" && v["req_id"] == 424242 {
                    break;
                }
            }
            Message::Binary(b) => check_reply(Some(Out::Binary(b.to_vec()))),
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

const CASES: u32 = 4000;

fn session(connected: bool, legacy: bool) -> WsSession {
    let shared = Arc::new(ServerState {
        engine: Arc::new(Engine::new()),
        config: Config {
            block_rows: 2,
            ..Config::default()
        },
    });
    let mut s = WsSession::new(shared, legacy, "127.0.0.1".into());
    if connected {
        let r = s.on_text(br#"{"action":"conn","args":{"user":"root","password":"taosdata"}}"#);
        assert!(matches!(r, Some(Out::Text(ref t)) if t.starts_with(br#"{"code":0,"#)));
        // A result set to hit with random fetches, if the engine can produce one.
        let _ = s.on_text(br#"{"action":"query","args":{"sql":"select server_version()"}}"#);
    }
    s
}

/// A text reply must be a JSON object with the five common fields and no caught panic.
fn check_text_reply(t: &[u8]) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(t).expect("reply is JSON");
    let o = v.as_object().expect("reply is an object");
    assert!(o.contains_key("code") && o.contains_key("message") && o.contains_key("action"));
    assert_ne!(v["message"], "internal error", "a handler panicked");
    v
}

fn check_reply(out: Option<Out>) {
    match out {
        None => {}
        Some(Out::Text(t)) => {
            let v = check_text_reply(&t);
            // Only the legacy `/rest/ws` version reply lacks req_id and timing.
            let legacy_version =
                v["action"] == "version" && v.as_object().is_some_and(|o| o.len() == 4);
            assert!(legacy_version || (v.get("req_id").is_some() && v.get("timing").is_some()));
        }
        Some(Out::Binary(b)) => {
            if b.first() == Some(&0xff) {
                let r = parse_raw_block_reply(&b).expect("valid fetch_raw_block reply");
                if let RawBlockReplyBody::Error { message, .. } = r.body {
                    assert_ne!(message, "internal error");
                }
            } else {
                // Legacy fetch_block frame: timing, id, block.
                assert!(b.len() >= 16);
            }
        }
    }
}

fn action() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("version".to_string()),
        Just("conn".to_string()),
        Just("query".to_string()),
        Just("fetch".to_string()),
        Just("fetch_block".to_string()),
        Just("free_result".to_string()),
        Just("num_fields".to_string()),
        Just("get_current_db".to_string()),
        Just("get_server_info".to_string()),
        Just("options_connection".to_string()),
        Just("check_server_status".to_string()),
        Just("get_connection_info".to_string()),
        "[a-z_]{0,12}",
    ]
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        "[ -~]{0,16}".prop_map(serde_json::Value::from),
        (0u64..4).prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("req_id".to_string()),
                        Just("id".to_string()),
                        Just("result_id".to_string()),
                        Just("sql".to_string()),
                        Just("user".to_string()),
                        Just("password".to_string()),
                        Just("options".to_string()),
                        Just("option".to_string()),
                        Just("value".to_string()),
                        Just("info".to_string()),
                        Just("mode".to_string()),
                        "[a-z]{1,6}",
                    ],
                    inner
                ),
                0..5
            )
            .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn binary_frame() -> impl Strategy<Value = Vec<u8>> {
    let random = prop::collection::vec(any::<u8>(), 0..80);
    let structured = (
        any::<u64>(),
        prop_oneof![Just(0u64), Just(1), Just(2), any::<u64>()],
        prop_oneof![(0u64..13), any::<u64>()],
        prop_oneof![Just(1u16), any::<u16>()],
        prop_oneof![(0u32..40), any::<u32>()],
        prop::collection::vec(any::<u8>(), 0..40),
        0usize..100,
    )
        .prop_map(|(req_id, id, action, ver, len, tail, cut)| {
            let mut f = Vec::new();
            f.extend_from_slice(&req_id.to_le_bytes());
            f.extend_from_slice(&id.to_le_bytes());
            f.extend_from_slice(&action.to_le_bytes());
            f.extend_from_slice(&ver.to_le_bytes());
            f.extend_from_slice(&len.to_le_bytes());
            f.extend_from_slice(&tail);
            f.truncate(cut.max(1).min(f.len()));
            f
        });
    prop_oneof![random, structured]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(data in prop::collection::vec(any::<u8>(), 0..120), connected: bool, legacy: bool) {
        TEXT_INPUTS.fetch_add(1, Ordering::Relaxed);
        let mut s = session(connected, legacy);
        check_reply(s.on_text(&data));
        // The session still answers afterwards.
        check_reply(s.on_text(br#"{"action":"version"}"#));
    }

    #[test]
    fn random_json_requests_get_documented_replies(a in action(), args in prop::option::of(json_value()), connected: bool) {
        JSON_INPUTS.fetch_add(1, Ordering::Relaxed);
        let mut s = session(connected, false);
        let mut env = serde_json::Map::new();
        env.insert("action".into(), serde_json::Value::from(a.clone()));
        if let Some(args) = args {
            env.insert("args".into(), args);
        }
        let text = serde_json::Value::Object(env).to_string();
        let out = s.on_text(text.as_bytes());
        if let Some(Out::Text(t)) = &out {
            let v = check_text_reply(t);
            prop_assert_eq!(v["action"].as_str(), Some(a.as_str()));
            let known = ["version", "conn", "check_server_status"].contains(&a.as_str());
            if a.is_empty() {
                prop_assert_eq!(v["message"].as_str(), Some("request no action"));
            } else if !connected && !known {
                prop_assert_eq!(v["message"].as_str(), Some("server not connected"));
            }
        }
        check_reply(out);
    }

    #[test]
    fn random_binary_frames_get_documented_replies(frame in binary_frame(), connected: bool) {
        BINARY_INPUTS.fetch_add(1, Ordering::Relaxed);
        let mut s = session(connected, false);
        let out = s.on_binary(&frame);
        prop_assert!(out.is_some(), "every binary frame gets a reply");
        if frame.len() < 24 {
            let Some(Out::Text(t)) = &out else { panic!("short frame must get JSON") };
            let v = check_text_reply(t);
            prop_assert_eq!(v["message"].as_str(), Some("message length is too short"));
        } else if !connected {
            let Some(Out::Text(t)) = &out else { panic!("unconnected must get JSON") };
            let v = check_text_reply(t);
            prop_assert_eq!(v["message"].as_str(), Some("server not connected"));
        }
        check_reply(out);
    }

    #[test]
    fn random_http_requests_never_panic(data in prop::collection::vec(any::<u8>(), 0..300)) {
        HTTP_INPUTS.fetch_add(1, Ordering::Relaxed);
        let mut r = BufReader::new(Cursor::new(data));
        let _ = taos_devserver::http::read_request(&mut r);
    }

    #[test]
    fn random_websocket_frames_never_panic(data in prop::collection::vec(any::<u8>(), 0..300), deflate: bool) {
        FRAME_INPUTS.fetch_add(1, Ordering::Relaxed);
        let mut c = Cursor::new(data);
        let mut m = taos_devserver::ws::frame::MessageReader::new(deflate);
        for _ in 0..8 {
            if m.read(&mut c).is_err() {
                break;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn live_socket_survives_random_frames(frame in binary_frame(), text in prop::collection::vec(any::<u8>(), 0..60), as_text: bool) {
        LIVE_INPUTS.fetch_add(1, Ordering::Relaxed);
        let msg = if as_text {
            // Text frames must be UTF-8 at the WebSocket layer; lossy keeps the garbage.
            tungstenite::Message::text(String::from_utf8_lossy(&text).into_owned())
        } else {
            tungstenite::Message::binary(frame)
        };
        live_exchange(msg);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn random_deflate_payloads_never_panic(data in prop::collection::vec(any::<u8>(), 0..200)) {
        DEFLATE_INPUTS.fetch_add(1, Ordering::Relaxed);
        if let Some(out) = taos_devserver::ws::deflate::decompress(&data, 4096) {
            prop_assert!(out.len() <= 4096);
        }
    }
}

#[test]
fn zz_report_counts() {
    // Informational only: counts are complete when this runs last (single-threaded run).
    eprintln!(
        "fuzz inputs so far: text {}, json {}, binary {}, http {}, ws-frames {}, deflate {}, live {}",
        TEXT_INPUTS.load(Ordering::Relaxed),
        JSON_INPUTS.load(Ordering::Relaxed),
        BINARY_INPUTS.load(Ordering::Relaxed),
        HTTP_INPUTS.load(Ordering::Relaxed),
        FRAME_INPUTS.load(Ordering::Relaxed),
        DEFLATE_INPUTS.load(Ordering::Relaxed),
        LIVE_INPUTS.load(Ordering::Relaxed),
    );
}
