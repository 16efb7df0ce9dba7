//! A minimal WebSocket / HTTP test client for the dev server's protocol tests.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use taos_devserver::{Config, DevServer, DevServerHandle};
use tungstenite::{Message, WebSocket};

/// Starts a server on a free port with `block_rows`.
pub fn start(block_rows: usize) -> DevServerHandle {
    DevServer::start(Config {
        block_rows,
        ..Config::default()
    })
    .expect("start dev server")
}

/// Replaces every `"timing":<digits>` with `"timing":0` so replies compare exactly.
pub fn mask_timing(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("\"timing\":") {
        out.push_str(&rest[..i + 9]);
        let after = &rest[i + 9..];
        let end = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        out.push('0');
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// One WebSocket connection.
pub struct Client {
    pub ws: WebSocket<TcpStream>,
}

impl Client {
    /// Opens `ws://addr<path>`.
    pub fn open(addr: SocketAddr, path: &str) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let (ws, resp) = tungstenite::client::client(format!("ws://{addr}{path}"), stream)
            .expect("websocket handshake");
        assert_eq!(resp.status().as_u16(), 101);
        Client { ws }
    }

    /// Opens `/ws` and logs in as root.
    pub fn connected(addr: SocketAddr) -> Client {
        let mut c = Client::open(addr, "/ws");
        c.text(
            r#"{"action":"conn","args":{"req_id":1,"user":"root","password":"taosdata","db":""}}"#,
        );
        let r = c.recv_text();
        assert!(r.contains("\"code\":0"), "conn failed: {r}");
        c
    }

    pub fn text(&mut self, s: &str) {
        self.ws.send(Message::text(s)).unwrap();
    }

    pub fn binary(&mut self, b: Vec<u8>) {
        self.ws.send(Message::binary(b)).unwrap();
    }

    /// Next data message (pings are answered by tungstenite and skipped).
    pub fn recv(&mut self) -> Message {
        loop {
            match self.ws.read().expect("read reply") {
                Message::Ping(_) | Message::Pong(_) => continue,
                m => return m,
            }
        }
    }

    /// Next reply, which must be text; timing masked.
    pub fn recv_text(&mut self) -> String {
        match self.recv() {
            Message::Text(t) => mask_timing(t.as_str()),
            other => panic!("expected text, got {other:?}"),
        }
    }

    /// Next reply as JSON.
    pub fn recv_json(&mut self) -> serde_json::Value {
        serde_json::from_str(&self.recv_text()).unwrap()
    }

    /// Next reply, which must be binary.
    pub fn recv_bin(&mut self) -> Vec<u8> {
        match self.recv() {
            Message::Binary(b) => b.to_vec(),
            other => panic!("expected binary, got {other:?}"),
        }
    }

    /// Sends text and returns the masked text reply.
    pub fn ask(&mut self, s: &str) -> String {
        self.text(s);
        self.recv_text()
    }

    /// Runs SQL through JSON `query`, returning the reply JSON.
    pub fn query(&mut self, req_id: u64, sql: &str) -> serde_json::Value {
        let msg = serde_json::json!({"action":"query","args":{"req_id":req_id,"sql":sql}});
        self.text(&msg.to_string());
        self.recv_json()
    }

    /// Runs SQL that must succeed.
    pub fn exec(&mut self, sql: &str) -> serde_json::Value {
        let r = self.query(0, sql);
        assert_eq!(r["code"], 0, "{sql}: {r}");
        r
    }
}

/// A `binary_query` (action 6) frame.
pub fn binary_query(req_id: u64, sql: &str) -> Vec<u8> {
    sql_frame(req_id, 6, sql)
}

/// A `binary_query`-layout frame with any action code.
pub fn sql_frame(req_id: u64, action: u64, sql: &str) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&req_id.to_le_bytes());
    f.extend_from_slice(&0u64.to_le_bytes());
    f.extend_from_slice(&action.to_le_bytes());
    f.extend_from_slice(&1u16.to_le_bytes());
    f.extend_from_slice(&(sql.len() as u32).to_le_bytes());
    f.extend_from_slice(sql.as_bytes());
    f
}

/// A `fetch_raw_block` (action 7) frame.
pub fn fetch_raw_block(req_id: u64, id: u64) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&req_id.to_le_bytes());
    f.extend_from_slice(&id.to_le_bytes());
    f.extend_from_slice(&7u64.to_le_bytes());
    f.extend_from_slice(&1u16.to_le_bytes());
    f
}

/// Fields of a `fetch_raw_block` reply frame.
#[derive(Debug)]
pub struct RawReply {
    pub timing: u64,
    pub req_id: u64,
    pub code: u32,
    pub message: String,
    pub id: u64,
    pub finished: bool,
    pub block: Vec<u8>,
}

/// Parses a `fetch_raw_block` reply, checking the fixed parts.
pub fn parse_raw_reply(f: &[u8]) -> RawReply {
    let u64_at = |o: usize| u64::from_le_bytes(f[o..o + 8].try_into().unwrap());
    let u32_at = |o: usize| u32::from_le_bytes(f[o..o + 4].try_into().unwrap());
    assert_eq!(u64_at(0), u64::MAX);
    assert_eq!(u64_at(8), 7);
    assert_eq!(&f[16..18], &[1, 0]);
    let m = u32_at(38) as usize;
    let message = String::from_utf8(f[42..42 + m].to_vec()).unwrap();
    let finished = f[50 + m] == 1;
    let block = if finished {
        assert_eq!(f.len(), 51 + m);
        Vec::new()
    } else {
        let b = u32_at(51 + m) as usize;
        assert_eq!(f.len(), 55 + m + b);
        f[55 + m..].to_vec()
    };
    RawReply {
        timing: u64_at(18),
        req_id: u64_at(26),
        code: u32_at(34),
        message,
        id: u64_at(42 + m),
        finished,
        block,
    }
}

/// Raw HTTP/1.1 exchange on an existing stream: sends `req`, reads one response.
/// Returns (status, headers lower-cased, body).
pub fn http(stream: &mut TcpStream, req: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    stream.write_all(req.as_bytes()).unwrap();
    read_response(stream)
}

/// Reads one Content-Length-framed HTTP response.
pub fn read_response(stream: &mut TcpStream) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).unwrap();
        assert_eq!(n, 1, "connection closed in response head");
        head.push(byte[0]);
    }
    let text = String::from_utf8(head).unwrap();
    let mut lines = text.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once(':').unwrap();
            (k.trim().to_ascii_lowercase(), v.trim().to_string())
        })
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).unwrap();
    (status, headers, body)
}
