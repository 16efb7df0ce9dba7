//! `/ws` protocol behaviour that does not depend on SQL: handshake, exact error replies of
//! ws-query.md §7.2, connection state rules, ping/pong/close, and that errors keep the
//! connection usable.

mod netutil;

use netutil::{fetch_raw_block, parse_raw_reply, sql_frame, Client};
use tungstenite::Message;

const VERSION_REPLY: &str =
    r#"{"code":0,"message":"","action":"version","req_id":7,"timing":0,"version":"3.3.6.0"}"#;

#[test]
fn version_works_before_conn_with_and_without_args() {
    let srv = netutil::start(4096);
    let mut c = Client::open(srv.addr(), "/ws");
    assert_eq!(
        c.ask(r#"{"action":"version","args":{"req_id":7}}"#),
        VERSION_REPLY
    );
    assert_eq!(
        c.ask(r#"{"action":"version"}"#),
        r#"{"code":0,"message":"","action":"version","req_id":0,"timing":0,"version":"3.3.6.0"}"#
    );
    assert_eq!(
        c.ask(r#"{"action":"version","args":{"req_id":"x"}}"#),
        r#"{"code":65535,"message":"unmarshal version request error","action":"version","req_id":0,"timing":0}"#
    );
    srv.stop();
}

#[test]
fn conn_rules_and_exact_replies() {
    let srv = netutil::start(4096);
    let mut c = Client::open(srv.addr(), "/ws");
    // Before conn.
    assert_eq!(
        c.ask(r#"{"action":"query","args":{"req_id":3,"sql":"show databases"}}"#),
        r#"{"code":65535,"message":"server not connected","action":"query","req_id":3,"timing":0}"#
    );
    assert_eq!(
        c.ask(r#"{"action":"bogus","args":{"req_id":4}}"#),
        r#"{"code":65535,"message":"server not connected","action":"bogus","req_id":4,"timing":0}"#
    );
    c.binary(fetch_raw_block(9, 1));
    assert_eq!(
        c.recv_text(),
        r#"{"code":65535,"message":"server not connected","action":"fetch_raw_block","req_id":9,"timing":0}"#
    );
    // Args missing.
    assert_eq!(
        c.ask(r#"{"action":"conn"}"#),
        r#"{"code":65535,"message":"unmarshal connect request error","action":"conn","req_id":0,"timing":0}"#
    );
    // Wrong password, then unknown user.
    assert_eq!(
        c.ask(r#"{"action":"conn","args":{"req_id":1,"user":"root","password":"nope"}}"#),
        r#"{"code":855,"message":"Authentication failure","action":"conn","req_id":1,"timing":0}"#
    );
    assert_eq!(
        c.ask(r#"{"action":"conn","args":{"req_id":2,"user":"nobody","password":"taosdata"}}"#),
        r#"{"code":855,"message":"Authentication failure","action":"conn","req_id":2,"timing":0}"#
    );
    // Missing database.
    assert_eq!(
        c.ask(r#"{"action":"conn","args":{"req_id":5,"user":"root","password":"taosdata","db":"no_such_db"}}"#),
        r#"{"code":904,"message":"Database not exist","action":"conn","req_id":5,"timing":0}"#
    );
    assert_eq!(
        c.ask(
            r#"{"action":"conn","args":{"req_id":6,"user":"root","password":"taosdata","mode":1}}"#
        ),
        r#"{"code":65535,"message":"unexpected mode:1","action":"conn","req_id":6,"timing":0}"#
    );
    // Success, then duplicate.
    assert_eq!(
        c.ask(r#"{"action":"conn","args":{"req_id":18446744073709551615,"user":"root","password":"taosdata","db":"","connector":"test"}}"#),
        r#"{"code":0,"message":"","action":"conn","req_id":18446744073709551615,"timing":0,"version":"3.3.6.0"}"#
    );
    assert_eq!(
        c.ask(r#"{"action":"conn","args":{"req_id":8,"user":"root","password":"taosdata"}}"#),
        r#"{"code":65535,"message":"duplicate connections","action":"conn","req_id":8,"timing":0}"#
    );
    srv.stop();
}

#[test]
fn malformed_messages_get_the_documented_errors_and_the_connection_survives() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    let cases: &[(&str, &str)] = &[
        (
            "not json",
            r#"{"code":65535,"message":"unmarshal request error","action":"","req_id":0,"timing":0}"#,
        ),
        (
            "[1,2]",
            r#"{"code":65535,"message":"unmarshal request error","action":"","req_id":0,"timing":0}"#,
        ),
        (
            r#"{"action":5}"#,
            r#"{"code":65535,"message":"unmarshal request error","action":"","req_id":0,"timing":0}"#,
        ),
        (
            r#"{"args":{"req_id":12}}"#,
            r#"{"code":65535,"message":"request no action","action":"","req_id":12,"timing":0}"#,
        ),
        (
            r#"{"action":"nope","args":{"req_id":13}}"#,
            r#"{"code":65535,"message":"unknown action nope","action":"nope","req_id":13,"timing":0}"#,
        ),
        (
            r#"{"action":"query"}"#,
            r#"{"code":65535,"message":"unmarshal query request error","action":"query","req_id":0,"timing":0}"#,
        ),
        (
            r#"{"action":"query","args":{"req_id":14,"sql":5}}"#,
            r#"{"code":65535,"message":"unmarshal query request error","action":"query","req_id":14,"timing":0}"#,
        ),
        (
            r#"{"action":"fetch","args":{"req_id":15,"id":"x"}}"#,
            r#"{"code":65535,"message":"unmarshal fetch request error","action":"fetch","req_id":15,"timing":0}"#,
        ),
        (
            r#"{"action":"fetch_block","args":3}"#,
            r#"{"code":65535,"message":"unmarshal fetch block request error","action":"fetch_block","req_id":0,"timing":0}"#,
        ),
        (
            r#"{"action":"free_result","args":{"id":-1,"req_id":16}}"#,
            r#"{"code":65535,"message":"unmarshal free result request error","action":"free_result","req_id":16,"timing":0}"#,
        ),
        (
            r#"{"action":"num_fields","args":{"req_id":17,"result_id":99}}"#,
            r#"{"code":65535,"message":"result is nil","action":"num_fields","req_id":17,"timing":0}"#,
        ),
        (
            r#"{"action":"fetch","args":{"req_id":18,"id":99}}"#,
            r#"{"code":65535,"message":"result is nil","action":"fetch","req_id":18,"timing":0}"#,
        ),
        (
            r#"{"action":"fetch_block","args":{"req_id":19,"id":99}}"#,
            r#"{"code":65535,"message":"result is nil","action":"fetch_block","req_id":19,"timing":0}"#,
        ),
    ];
    for (input, want) in cases {
        assert_eq!(c.ask(input), *want, "input {input}");
    }
    // free_result of an unknown id: no reply at all; the next reply is the version's.
    c.text(r#"{"action":"free_result","args":{"req_id":20,"id":12345}}"#);
    assert_eq!(
        c.ask(r#"{"action":"version","args":{"req_id":7}}"#),
        VERSION_REPLY
    );
    srv.stop();
}

#[test]
fn malformed_binary_frames_get_the_documented_errors() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    // Empty and truncated frames.
    c.binary(Vec::new());
    assert_eq!(
        c.recv_text(),
        r#"{"code":65535,"message":"message length is too short","action":"","req_id":0,"timing":0}"#
    );
    c.binary(vec![5, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]);
    assert_eq!(
        c.recv_text(),
        r#"{"code":65535,"message":"message length is too short","action":"","req_id":5,"timing":0}"#
    );
    // Unknown binary action.
    let mut f = vec![0u8; 24];
    f[0] = 21;
    f[16] = 99;
    c.binary(f);
    assert_eq!(
        c.recv_text(),
        r#"{"code":65535,"message":"unknown binary action 99","action":"unknown","req_id":21,"timing":0}"#
    );
    // binary_query validation.
    let mut short = sql_frame(22, 6, "x");
    short.truncate(30);
    c.binary(short);
    assert_eq!(
        c.recv_text(),
        r#"{"code":65535,"message":"message length is too short","action":"binary_query","req_id":22,"timing":0}"#
    );
    let mut v2 = sql_frame(23, 6, "select 1");
    v2[24] = 2;
    c.binary(v2);
    assert_eq!(
        c.recv_text(),
        r#"{"code":65535,"message":"unknown binary query version:2","action":"binary_query","req_id":23,"timing":0}"#
    );
    let mut trunc = sql_frame(24, 10, "select 1");
    trunc.truncate(33);
    c.binary(trunc);
    assert_eq!(
        c.recv_text(),
        r#"{"code":65535,"message":"uncompleted message, sql length:8, remainMessageLength:3","action":"validate_sql","req_id":24,"timing":0}"#
    );
    // fetch_raw_block errors are binary frames.
    c.binary(fetch_raw_block(25, 9));
    let r = parse_raw_reply(&c.recv_bin());
    assert_eq!(
        (r.req_id, r.code, r.message.as_str(), r.id, r.finished),
        (25, 0xffff, "result is nil", 9, true)
    );
    let mut badver = fetch_raw_block(26, 9);
    badver[24] = 3;
    c.binary(badver);
    let r = parse_raw_reply(&c.recv_bin());
    assert_eq!(
        (r.req_id, r.message.as_str(), r.finished),
        (26, "unknown fetch raw block version", true)
    );
    let mut short7 = fetch_raw_block(27, 9);
    short7.truncate(25);
    c.binary(short7);
    let r = parse_raw_reply(&c.recv_bin());
    assert_eq!(
        (r.req_id, r.message.as_str()),
        (27, "message length is too short")
    );
    // Still alive.
    assert_eq!(
        c.ask(r#"{"action":"version","args":{"req_id":7}}"#),
        VERSION_REPLY
    );
    srv.stop();
}

#[test]
fn fetch_raw_block_error_frame_matches_the_worked_example_bytes() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    c.binary(fetch_raw_block(4, 9));
    let mut f = c.recv_bin();
    // Timing (offset 18) varies; pin it to the worked example's 1500 ns.
    f[18..26].copy_from_slice(&1500u64.to_le_bytes());
    let want: Vec<u8> = "ff ff ff ff ff ff ff ff 07 00 00 00 00 00 00 00
        01 00 dc 05 00 00 00 00 00 00 04 00 00 00 00 00
        00 00 ff ff 00 00 0d 00 00 00 72 65 73 75 6c 74
        20 69 73 20 6e 69 6c 09 00 00 00 00 00 00 00 01"
        .split_whitespace()
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect();
    assert_eq!(f, want);
    srv.stop();
}

#[test]
fn misc_actions_after_conn() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    assert_eq!(
        c.ask(r#"{"action":"get_current_db","args":{"req_id":2}}"#),
        r#"{"code":0,"message":"","action":"get_current_db","req_id":2,"timing":0,"db":""}"#
    );
    assert_eq!(
        c.ask(r#"{"action":"get_server_info","args":{"req_id":3}}"#),
        r#"{"code":0,"message":"","action":"get_server_info","req_id":3,"timing":0,"info":"ver:3.3.6.0\nbuild:taos-devserver 0.1.0\ngitinfo:none"}"#
    );
    assert_eq!(
        c.ask(r#"{"action":"options_connection","args":{"req_id":4,"options":[{"option":1,"value":"UTC"},{"option":3,"value":"app"},{"option":2,"value":null}]}}"#),
        r#"{"code":0,"message":"","action":"options_connection","req_id":4,"timing":0}"#
    );
    assert_eq!(
        c.ask(r#"{"action":"options_connection","args":{"req_id":5,"options":[{"option":77,"value":"x"}]}}"#),
        r#"{"code":280,"message":"Invalid parameters","action":"options_connection","req_id":5,"timing":0}"#
    );
    assert_eq!(
        c.ask(r#"{"action":"check_server_status","args":{"req_id":6,"fqdn":null,"port":0}}"#),
        r#"{"code":0,"message":"","action":"check_server_status","req_id":6,"timing":0,"status":2,"details":""}"#
    );
    assert_eq!(
        c.ask(r#"{"action":"get_connection_info","args":{"req_id":7,"info":0}}"#),
        r#"{"code":0,"message":"","action":"get_connection_info","req_id":7,"timing":0,"info":"root"}"#
    );
    srv.stop();
}

#[test]
fn check_server_status_needs_no_conn() {
    let srv = netutil::start(4096);
    let mut c = Client::open(srv.addr(), "/ws");
    assert_eq!(
        c.ask(r#"{"action":"check_server_status","args":{"req_id":6}}"#),
        r#"{"code":0,"message":"","action":"check_server_status","req_id":6,"timing":0,"status":2,"details":""}"#
    );
    srv.stop();
}

#[test]
fn ping_pong_and_close_handshake() {
    let srv = netutil::start(4096);
    let mut c = Client::open(srv.addr(), "/ws");
    c.ws.send(Message::Ping(b"TAOS".to_vec().into())).unwrap();
    match c.ws.read().unwrap() {
        Message::Pong(p) => assert_eq!(&p[..], b"TAOS"),
        other => panic!("expected pong, got {other:?}"),
    }
    c.ws.close(None).unwrap();
    // The server answers the close; tungstenite then reports the closed connection.
    loop {
        match c.ws.read() {
            Ok(Message::Close(_)) => continue,
            Ok(other) => panic!("unexpected {other:?}"),
            Err(tungstenite::Error::ConnectionClosed) => break,
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    srv.stop();
}

#[test]
fn legacy_endpoint_differences() {
    let srv = netutil::start(4096);
    let mut c = Client::open(srv.addr(), "/rest/ws");
    assert_eq!(
        c.ask(r#"{"action":"version","args":{"req_id":7}}"#),
        r#"{"code":0,"message":"","action":"version","version":"3.3.6.0"}"#
    );
    // Malformed JSON and unknown actions are ignored silently.
    c.text("garbage");
    c.text(r#"{"action":"get_server_info","args":{"req_id":1}}"#);
    assert_eq!(
        c.ask(r#"{"action":"conn","args":{"req_id":3,"user":"root","password":"taosdata"}}"#),
        r#"{"code":0,"message":"","action":"conn","req_id":3,"timing":0}"#
    );
    srv.stop();
}

#[test]
fn upgrade_errors_and_unknown_paths() {
    use std::net::TcpStream;
    let srv = netutil::start(4096);
    let mut s = TcpStream::connect(srv.addr()).unwrap();
    let (status, _, body) = netutil::http(
        &mut s,
        "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n",
    );
    assert_eq!(status, 400);
    assert!(String::from_utf8(body)
        .unwrap()
        .contains("'upgrade' token not found"));
    // Same socket (keep-alive): unknown path.
    let (status, _, body) = netutil::http(&mut s, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!((status, body.as_slice()), (404, &b"404 page not found"[..]));
    let (status, _, _) = netutil::http(
        &mut s,
        "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    );
    assert_eq!(status, 400);
    // A valid upgrade on the same keep-alive socket still works.
    let (status, headers, _) = netutil::http(
        &mut s,
        "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    );
    assert_eq!(status, 101);
    assert!(headers
        .iter()
        .any(|(k, v)| k == "sec-websocket-accept" && v == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    srv.stop();
}

#[test]
fn stop_closes_live_connections() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    srv.stop();
    // The server shut the socket down: the client sees the end of the stream.
    assert!(c.ws.read().is_err());
}

/// Reads one unmasked server frame: (first header byte, payload).
fn read_server_frame(s: &mut std::net::TcpStream) -> (u8, Vec<u8>) {
    use std::io::Read;
    let mut h = [0u8; 2];
    s.read_exact(&mut h).unwrap();
    let len = match h[1] & 0x7f {
        126 => {
            let mut b = [0u8; 2];
            s.read_exact(&mut b).unwrap();
            u16::from_be_bytes(b) as usize
        }
        127 => {
            let mut b = [0u8; 8];
            s.read_exact(&mut b).unwrap();
            u64::from_be_bytes(b) as usize
        }
        n => n as usize,
    };
    let mut p = vec![0u8; len];
    s.read_exact(&mut p).unwrap();
    (h[0], p)
}

#[test]
fn permessage_deflate_is_negotiated_and_used_both_ways() {
    use std::io::Write;
    use taos_devserver::ws::deflate;
    let srv = netutil::start(4096);
    let mut s = std::net::TcpStream::connect(srv.addr()).unwrap();
    let (status, headers, _) = netutil::http(
        &mut s,
        "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n",
    );
    assert_eq!(status, 101);
    assert!(headers.iter().any(|(k, v)| k == "sec-websocket-extensions"
        && v == "permessage-deflate; server_no_context_takeover; client_no_context_takeover"));
    // A compressed, masked text frame (FIN | RSV1 | text).
    for _ in 0..2 {
        let body = deflate::compress(br#"{"action":"version","args":{"req_id":7}}"#);
        let mask = [9u8, 8, 7, 6];
        let mut f = vec![0xC1, 0x80 | body.len() as u8];
        f.extend_from_slice(&mask);
        f.extend(body.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        s.write_all(&f).unwrap();
        let (b0, payload) = read_server_frame(&mut s);
        assert_eq!(b0, 0xC1, "server frames are compressed too");
        let text = deflate::decompress(&payload, 1 << 20).unwrap();
        assert_eq!(
            netutil::mask_timing(std::str::from_utf8(&text).unwrap()),
            VERSION_REPLY
        );
    }
    srv.stop();
}
