//! RFC 6455 framing, server side: reading (masked) client frames into whole messages and
//! writing unmasked frames, one frame at a time under a lock so worker threads can reply.
//!
//! Written here rather than through tungstenite's `WebSocket` because that type needs `&mut`
//! for both directions; the server reads on one thread while replies and pings are written
//! from others.

use std::io::{self, BufRead, Read, Write};
use std::net::{Shutdown, TcpStream};

use parking_lot::Mutex;

use super::deflate;

/// Largest message accepted from a client (taosAdapter has no limit; this only bounds memory).
pub const MAX_MESSAGE: usize = 512 * 1024 * 1024;

/// WebSocket opcodes.
pub mod opcode {
    /// Continuation frame.
    pub const CONTINUATION: u8 = 0x0;
    /// Text frame.
    pub const TEXT: u8 = 0x1;
    /// Binary frame.
    pub const BINARY: u8 = 0x2;
    /// Close frame.
    pub const CLOSE: u8 = 0x8;
    /// Ping frame.
    pub const PING: u8 = 0x9;
    /// Pong frame.
    pub const PONG: u8 = 0xA;
}

/// One complete event read from the client.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming {
    /// A whole text message (bytes as sent; UTF-8 is checked by the JSON decoder).
    Text(Vec<u8>),
    /// A whole binary message.
    Binary(Vec<u8>),
    /// A ping with its payload.
    Ping(Vec<u8>),
    /// A pong.
    Pong,
    /// A close frame with its payload (status code + reason, possibly empty).
    Close(Vec<u8>),
}

/// A framing violation: the connection must be closed with this status code.
#[derive(Debug)]
pub enum FrameError {
    /// Socket error or EOF.
    Io(io::Error),
    /// Protocol error: close with the given status (1002 protocol error, 1009 too big).
    Protocol(u16, &'static str),
}

impl From<io::Error> for FrameError {
    fn from(e: io::Error) -> Self {
        FrameError::Io(e)
    }
}

/// Reassembles messages from frames; keeps a fragmented message across interleaved
/// control frames.
#[derive(Default)]
pub struct MessageReader {
    /// (opcode, data so far, compressed) of a fragmented message.
    partial: Option<(u8, Vec<u8>, bool)>,
    /// permessage-deflate was negotiated: RSV1 marks compressed messages.
    deflate: bool,
}

impl MessageReader {
    /// A reader; `deflate` when permessage-deflate was negotiated.
    pub fn new(deflate: bool) -> Self {
        MessageReader {
            partial: None,
            deflate,
        }
    }

    /// Reads frames from `r` until one complete message or control frame is available.
    pub fn read<R: BufRead>(&mut self, r: &mut R) -> Result<Incoming, FrameError> {
        read_message(r, &mut self.partial, self.deflate)
    }
}

fn read_message<R: BufRead>(
    r: &mut R,
    partial: &mut Option<(u8, Vec<u8>, bool)>,
    deflate: bool,
) -> Result<Incoming, FrameError> {
    loop {
        let (fin, rsv1, op, payload) = read_frame(r)?;
        // RSV1 is the "compressed" bit, allowed only on the first frame of a data message.
        if rsv1 && !(deflate && (op == opcode::TEXT || op == opcode::BINARY)) {
            return Err(FrameError::Protocol(1002, "reserved bits set"));
        }
        match op {
            opcode::PING => return Ok(Incoming::Ping(payload)),
            opcode::PONG => return Ok(Incoming::Pong),
            opcode::CLOSE => return Ok(Incoming::Close(payload)),
            opcode::TEXT | opcode::BINARY => {
                if partial.is_some() {
                    return Err(FrameError::Protocol(1002, "expected continuation frame"));
                }
                if fin {
                    return finish(op, payload, rsv1);
                }
                *partial = Some((op, payload, rsv1));
            }
            opcode::CONTINUATION => {
                let Some((first, mut data, compressed)) = partial.take() else {
                    return Err(FrameError::Protocol(1002, "unexpected continuation frame"));
                };
                if data.len() + payload.len() > MAX_MESSAGE {
                    return Err(FrameError::Protocol(1009, "message too big"));
                }
                data.extend_from_slice(&payload);
                if fin {
                    return finish(first, data, compressed);
                }
                *partial = Some((first, data, compressed));
            }
            _ => return Err(FrameError::Protocol(1002, "reserved opcode")),
        }
    }
}

fn finish(op: u8, data: Vec<u8>, compressed: bool) -> Result<Incoming, FrameError> {
    let data = if compressed {
        deflate::decompress(&data, MAX_MESSAGE)
            .ok_or(FrameError::Protocol(1007, "invalid compressed message"))?
    } else {
        data
    };
    Ok(if op == opcode::TEXT {
        Incoming::Text(data)
    } else {
        Incoming::Binary(data)
    })
}

/// Reads one frame: (fin, rsv1, opcode, unmasked payload).
fn read_frame<R: BufRead>(r: &mut R) -> Result<(bool, bool, u8, Vec<u8>), FrameError> {
    let mut h = [0u8; 2];
    r.read_exact(&mut h)?;
    let fin = h[0] & 0x80 != 0;
    let rsv1 = h[0] & 0x40 != 0;
    if h[0] & 0x30 != 0 {
        return Err(FrameError::Protocol(1002, "reserved bits set"));
    }
    let op = h[0] & 0x0F;
    if h[1] & 0x80 == 0 {
        return Err(FrameError::Protocol(1002, "client frame not masked"));
    }
    let len = match h[1] & 0x7F {
        126 => {
            let mut b = [0u8; 2];
            r.read_exact(&mut b)?;
            u16::from_be_bytes(b) as u64
        }
        127 => {
            let mut b = [0u8; 8];
            r.read_exact(&mut b)?;
            u64::from_be_bytes(b)
        }
        n => n as u64,
    };
    if op >= 0x8 && (len > 125 || !fin) {
        return Err(FrameError::Protocol(1002, "invalid control frame"));
    }
    if len > MAX_MESSAGE as u64 {
        return Err(FrameError::Protocol(1009, "message too big"));
    }
    let mut mask = [0u8; 4];
    r.read_exact(&mut mask)?;
    let mut payload = Vec::new();
    r.by_ref().take(len).read_to_end(&mut payload)?;
    if payload.len() as u64 != len {
        return Err(FrameError::Io(io::ErrorKind::UnexpectedEof.into()));
    }
    unmask(&mut payload, mask);
    Ok((fin, rsv1, op, payload))
}

/// XORs the payload with the 4-byte mask (word at a time for speed).
fn unmask(buf: &mut [u8], mask: [u8; 4]) {
    let m = u32::from_ne_bytes(mask);
    let m64 = (m as u64) | ((m as u64) << 32);
    let mut chunks = buf.chunks_exact_mut(8);
    for c in &mut chunks {
        let v = u64::from_ne_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) ^ m64;
        c.copy_from_slice(&v.to_ne_bytes());
    }
    for (i, b) in chunks.into_remainder().iter_mut().enumerate() {
        *b ^= mask[i % 4];
    }
}

/// Server frame header for a payload of `len` bytes.
pub fn frame_header(op: u8, len: usize) -> ([u8; 10], usize) {
    let mut h = [0u8; 10];
    h[0] = 0x80 | op;
    if len < 126 {
        h[1] = len as u8;
        (h, 2)
    } else if len <= u16::MAX as usize {
        h[1] = 126;
        h[2..4].copy_from_slice(&(len as u16).to_be_bytes());
        (h, 4)
    } else {
        h[1] = 127;
        h[2..10].copy_from_slice(&(len as u64).to_be_bytes());
        (h, 10)
    }
}

/// The write half of a WebSocket: one frame at a time, from any thread.
pub struct WsWriter {
    stream: Mutex<TcpStream>,
    closed: Mutex<bool>,
    deflate: bool,
}

impl WsWriter {
    /// Wraps the connection's socket; `deflate` compresses every data frame.
    pub fn new(stream: TcpStream, deflate: bool) -> Self {
        WsWriter {
            stream: Mutex::new(stream),
            closed: Mutex::new(false),
            deflate,
        }
    }

    /// Sends one unfragmented frame. After a close frame was sent, data frames are dropped.
    pub fn send(&self, op: u8, payload: &[u8]) -> io::Result<()> {
        let mut closed = self.closed.lock();
        if *closed {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        if op == opcode::CLOSE {
            *closed = true;
        }
        let compressed;
        let (payload, rsv1) = if self.deflate && (op == opcode::TEXT || op == opcode::BINARY) {
            compressed = deflate::compress(payload);
            (compressed.as_slice(), 0x40)
        } else {
            (payload, 0)
        };
        let (mut h, n) = frame_header(op, payload.len());
        h[0] |= rsv1;
        let mut s = self.stream.lock();
        if payload.len() <= 16 * 1024 {
            // One write for small frames: avoids a separate TCP segment for the header.
            let mut buf = Vec::with_capacity(n + payload.len());
            buf.extend_from_slice(&h[..n]);
            buf.extend_from_slice(payload);
            s.write_all(&buf)
        } else {
            s.write_all(&h[..n])?;
            s.write_all(payload)
        }
    }

    /// Sends a text frame.
    pub fn text(&self, payload: &[u8]) -> io::Result<()> {
        self.send(opcode::TEXT, payload)
    }

    /// Sends a binary frame.
    pub fn binary(&self, payload: &[u8]) -> io::Result<()> {
        self.send(opcode::BINARY, payload)
    }

    /// Sends a close frame with a status code (best effort).
    pub fn close(&self, status: u16, reason: &str) {
        let mut p = status.to_be_bytes().to_vec();
        p.extend_from_slice(&reason.as_bytes()[..reason.len().min(120)]);
        let _ = self.send(opcode::CLOSE, &p);
    }

    /// Shuts the socket down in both directions (unblocks the reader).
    pub fn shutdown(&self) {
        let _ = self.stream.lock().shutdown(Shutdown::Both);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn client_frame(fin: bool, op: u8, payload: &[u8]) -> Vec<u8> {
        let mask = [1u8, 2, 3, 4];
        let (h, n) = frame_header(op, payload.len());
        let mut f = h[..n].to_vec();
        if !fin {
            f[0] &= 0x7F;
        }
        f[1] |= 0x80;
        f.extend_from_slice(&mask);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        f
    }

    #[test]
    fn reads_masked_and_fragmented_messages() {
        let big = vec![7u8; 70_000];
        let mut bytes = client_frame(true, opcode::TEXT, b"{\"action\":\"version\"}");
        bytes.extend(client_frame(false, opcode::BINARY, b"ab"));
        bytes.extend(client_frame(true, opcode::PING, b"TAOS"));
        bytes.extend(client_frame(true, opcode::CONTINUATION, b"cd"));
        bytes.extend(client_frame(true, opcode::BINARY, &big));
        let mut c = Cursor::new(bytes);
        let mut m = MessageReader::default();
        assert_eq!(
            m.read(&mut c).unwrap(),
            Incoming::Text(b"{\"action\":\"version\"}".to_vec())
        );
        assert_eq!(m.read(&mut c).unwrap(), Incoming::Ping(b"TAOS".to_vec()));
        assert_eq!(m.read(&mut c).unwrap(), Incoming::Binary(b"abcd".to_vec()));
        assert_eq!(m.read(&mut c).unwrap(), Incoming::Binary(big));
        assert!(matches!(m.read(&mut c), Err(FrameError::Io(_))));
    }

    #[test]
    fn rejects_unmasked_and_bad_control_frames() {
        let (h, n) = frame_header(opcode::TEXT, 1);
        let mut f = h[..n].to_vec();
        f.push(b'x');
        assert!(matches!(
            MessageReader::default().read(&mut Cursor::new(f)),
            Err(FrameError::Protocol(1002, _))
        ));
        let f = client_frame(false, opcode::PING, b"");
        assert!(matches!(
            MessageReader::default().read(&mut Cursor::new(f)),
            Err(FrameError::Protocol(1002, _))
        ));
        let f = client_frame(true, opcode::CONTINUATION, b"x");
        assert!(matches!(
            MessageReader::default().read(&mut Cursor::new(f)),
            Err(FrameError::Protocol(1002, _))
        ));
    }

    #[test]
    fn compressed_messages_need_negotiation() {
        let body = deflate::compress(b"{\"action\":\"version\"}");
        let mut f = client_frame(true, opcode::TEXT, &body);
        f[0] |= 0x40;
        assert_eq!(
            MessageReader::new(true)
                .read(&mut Cursor::new(f.clone()))
                .unwrap(),
            Incoming::Text(b"{\"action\":\"version\"}".to_vec())
        );
        assert!(matches!(
            MessageReader::new(false).read(&mut Cursor::new(f)),
            Err(FrameError::Protocol(1002, _))
        ));
        let mut bad = client_frame(true, opcode::BINARY, &[0xff, 0xff, 0xff]);
        bad[0] |= 0x40;
        assert!(matches!(
            MessageReader::new(true).read(&mut Cursor::new(bad)),
            Err(FrameError::Protocol(1007, _))
        ));
    }

    #[test]
    fn header_lengths() {
        assert_eq!(frame_header(2, 125).1, 2);
        assert_eq!(frame_header(2, 126).1, 4);
        assert_eq!(frame_header(2, 65_536).1, 10);
    }
}
