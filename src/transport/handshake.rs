//! The client side of the RFC 6455 opening handshake (HTTP/1.1 upgrade).
//!
//! Written by hand (with tungstenite's key helpers) so that the socket is handed back
//! untouched: bytes the server sent right after the 101 response stay with the caller.
use std::io::{self, Read, Write};

/// Outcome of a failed upgrade that the caller may want to react to (e.g. retry elsewhere).
#[derive(Debug)]
pub enum UpgradeError {
    /// The server answered with an HTTP status other than 101.
    Status(u16, String),
    /// I/O failure or a malformed response.
    Io(io::Error),
}

impl From<io::Error> for UpgradeError {
    fn from(e: io::Error) -> Self {
        UpgradeError::Io(e)
    }
}

/// Sends the upgrade request for `path` (including any query string) and checks the reply.
/// Returns the bytes received after the response head (start of the first frames).
pub fn upgrade<S: Read + Write>(
    stream: &mut S,
    host_header: &str,
    path: &str,
) -> Result<Vec<u8>, UpgradeError> {
    let key = tungstenite::handshake::client::generate_key();
    // `Connection: Upgrade` with this exact capitalisation (the adapter's gzip middleware
    // matches it case-sensitively), no Accept-Encoding, no extensions.
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {host_header}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nUser-Agent: libtaos-rs\r\n\r\n"
    );
    stream.write_all(req.as_bytes())?;

    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let head_end = loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed during WebSocket handshake",
            )
            .into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = find(&buf, b"\r\n\r\n") {
            break p + 4;
        }
        if buf.len() > 64 * 1024 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "WebSocket handshake response too large",
            )
            .into());
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    let status: u16 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    if !version.starts_with("HTTP/1.") || status == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not an HTTP response: {status_line:?}"),
        )
        .into());
    }
    if status != 101 {
        let body = String::from_utf8_lossy(&buf[head_end..]).trim().to_string();
        return Err(UpgradeError::Status(status, body));
    }
    let expected = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let accept_ok = lines.filter_map(|l| l.split_once(':')).any(|(k, v)| {
        k.trim().eq_ignore_ascii_case("sec-websocket-accept") && v.trim() == expected
    });
    if !accept_ok {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "bad or missing Sec-WebSocket-Accept",
        )
        .into());
    }
    Ok(buf.split_off(head_end))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
