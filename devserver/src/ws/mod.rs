//! WebSocket endpoints `/ws` and `/rest/ws`: the upgrade, the per-socket read loop with
//! ping/pong/close and keep-alive, and dispatch into the per-area action tables
//! (`query.rs`; stmt, stmt2, schemaless and raw writes get their own files later).

pub mod bind;
pub mod deflate;
pub mod envelope;
pub mod frame;
pub mod query;
pub mod reply;
pub mod session;
pub mod sml;
pub mod stmt;
pub mod stmt2;
pub mod tmq;
pub mod tmq_write;

use std::io::BufReader;
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::http::{Request, Response};
use crate::server::ServerState;
use frame::{opcode, FrameError, Incoming, WsWriter};
use reply::Out;
use session::WsSession;
use taos_wire::binary::ClientHeader;

/// Server ping period (taosAdapter: 90 % of 60 s).
const PING_PERIOD: Duration = Duration::from_secs(54);
/// Silence after which the connection is dropped (pong wait + ping period).
const READ_DEADLINE: Duration = Duration::from_secs(114);

/// The 24-byte header of a client binary frame, `None` when the frame is shorter (§3.2).
pub fn binary_header(data: &[u8]) -> Option<ClientHeader> {
    ClientHeader::parse(data).ok()
}

/// Checks an upgrade request and returns the `101` response and whether permessage-deflate
/// was negotiated, or the error response (texts as gorilla/websocket words them).
pub fn upgrade_response(req: &Request) -> Result<(Response, bool), Response> {
    let bad = |m: &str| Err(Response::text(400, &format!("{m}\n")));
    if !req.header_has_token("connection", "upgrade") {
        return bad("websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header");
    }
    if !req.header_has_token("upgrade", "websocket") {
        return bad("websocket: the client is not using the websocket protocol: 'websocket' token not found in 'Upgrade' header");
    }
    if !req.header_has_token("sec-websocket-version", "13") {
        let mut r = Response::text(
            400,
            "websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header\n",
        );
        r.headers
            .push(("Sec-WebSocket-Version".into(), "13".into()));
        return Err(r);
    }
    let key = req.header("sec-websocket-key").unwrap_or("");
    if !valid_key(key) {
        return bad("websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte in length");
    }
    let mut headers = vec![
        ("Upgrade".into(), "websocket".into()),
        ("Connection".into(), "Upgrade".into()),
        (
            "Sec-WebSocket-Accept".into(),
            tungstenite::handshake::derive_accept_key(key.as_bytes()),
        ),
    ];
    let deflate = req
        .headers
        .iter()
        .any(|(n, v)| n == "sec-websocket-extensions" && deflate::offered(v));
    if deflate {
        headers.push(("Sec-WebSocket-Extensions".into(), deflate::RESPONSE.into()));
    }
    let resp = Response {
        status: 101,
        headers,
        body: Vec::new(),
    };
    Ok((resp, deflate))
}

/// A key must be the base64 of 16 bytes: 22 alphabet chars + `==`.
fn valid_key(key: &str) -> bool {
    let b = key.as_bytes();
    b.len() == 24
        && b[22..] == *b"=="
        && b[..22]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
}

/// Runs one upgraded connection until it closes. `reader` still holds any bytes the client
/// sent after the upgrade request.
pub fn serve(
    mut reader: BufReader<TcpStream>,
    writer: Arc<WsWriter>,
    deflate: bool,
    shared: Arc<ServerState>,
    legacy: bool,
    peer_ip: String,
) {
    let epoch = Instant::now();
    let last_seen = Arc::new(AtomicU64::new(0));
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let keepalive = {
        let writer = writer.clone();
        let last_seen = last_seen.clone();
        std::thread::Builder::new()
            .name("ws-keepalive".into())
            .spawn(move || keepalive_loop(&writer, &last_seen, epoch, &stop_rx))
            .ok()
    };
    let mut session = WsSession::new(shared, legacy, peer_ip);
    let mut frames = frame::MessageReader::new(deflate);
    loop {
        let msg = frames.read(&mut reader);
        last_seen.store(epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
        let out = match msg {
            Ok(Incoming::Text(t)) => session.on_text(&t),
            Ok(Incoming::Binary(b)) => session.on_binary(&b),
            Ok(Incoming::Ping(p)) => {
                let _ = writer.send(opcode::PONG, &p);
                None
            }
            Ok(Incoming::Pong) => None,
            Ok(Incoming::Close(p)) => {
                // Echo the status code (RFC 6455 §5.5.1), then end.
                let _ = writer.send(opcode::CLOSE, p.get(..2).unwrap_or(&[]));
                break;
            }
            Err(FrameError::Protocol(code, why)) => {
                writer.close(code, why);
                break;
            }
            Err(FrameError::Io(_)) => break,
        };
        let sent = match out {
            Some(Out::Text(t)) => writer.text(&t),
            Some(Out::Binary(b)) => writer.binary(&b),
            None => Ok(()),
        };
        if sent.is_err() {
            break;
        }
    }
    drop(stop_tx);
    writer.shutdown();
    if let Some(k) = keepalive {
        let _ = k.join();
    }
}

fn keepalive_loop(
    writer: &WsWriter,
    last_seen: &AtomicU64,
    epoch: Instant,
    stop: &mpsc::Receiver<()>,
) {
    let mut next_ping = PING_PERIOD;
    loop {
        match stop.recv_timeout(Duration::from_secs(1)) {
            Err(RecvTimeoutError::Timeout) => {}
            _ => return,
        }
        let now = epoch.elapsed();
        let seen = Duration::from_millis(last_seen.load(Ordering::Relaxed));
        if now.saturating_sub(seen) > READ_DEADLINE {
            writer.shutdown();
            return;
        }
        if now >= next_ping {
            if writer.send(opcode::PING, &[]).is_err() {
                return;
            }
            next_ping = now + PING_PERIOD;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_key_checks() {
        assert_eq!(binary_header(&[0; 23]), None);
        let mut f = vec![0u8; 24];
        f[0] = 5;
        f[8] = 6;
        f[16] = 7;
        assert_eq!(
            binary_header(&f),
            Some(ClientHeader {
                req_id: 5,
                id: 6,
                action: 7
            })
        );
        assert!(valid_key("dGhlIHNhbXBsZSBub25jZQ=="));
        assert!(!valid_key("dGhlIHNhbXBsZSBub25jZQ="));
        assert!(!valid_key(""));
    }
}
