//! Minimal RFC 6455 frame codec for the client side.
//!
//! Why not tungstenite's `WebSocket`: it owns one stream for both directions, so a reader
//! thread blocked in `read()` would hold it while other threads need to write. We split the
//! `TcpStream` (`try_clone`): the reader thread owns a [`FrameReader`], writers share one
//! [`FrameWriter`] behind a mutex. Client frames are masked; server frames are not
//! (a masked server frame is still accepted and unmasked). No extensions are negotiated.
use std::io::{self, Read, Write};

/// WebSocket opcodes used here.
pub mod opcode {
    /// Continuation of a fragmented message.
    pub const CONT: u8 = 0x0;
    /// UTF-8 text message.
    pub const TEXT: u8 = 0x1;
    /// Binary message.
    pub const BINARY: u8 = 0x2;
    /// Close control frame.
    pub const CLOSE: u8 = 0x8;
    /// Ping control frame.
    pub const PING: u8 = 0x9;
    /// Pong control frame.
    pub const PONG: u8 = 0xA;
}

/// One complete message or control frame read from the server.
#[derive(Debug)]
pub enum Incoming {
    /// A text message (bytes, UTF-8 not yet validated).
    Text(Vec<u8>),
    /// A binary message.
    Binary(Vec<u8>),
    /// A ping with its payload (must be answered with a pong).
    Ping(Vec<u8>),
    /// A pong.
    Pong,
    /// A close frame (status code, if any).
    Close(Option<u16>),
}

/// Largest message accepted from the server (the adapter has no cap; this only guards
/// against a corrupt length field allocating absurd amounts of memory).
const MAX_MESSAGE: u64 = 1 << 33;

/// Reads frames from a byte stream, reassembling fragmented messages.
pub struct FrameReader<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    /// A fragmented data message being reassembled (control frames may interleave).
    partial: Option<(u8, Vec<u8>)>,
}

impl<R: Read> FrameReader<R> {
    /// Wraps `inner`; `initial` holds bytes already read past the handshake.
    pub fn new(inner: R, initial: Vec<u8>) -> Self {
        let mut buf = vec![0u8; 64 * 1024];
        let len = initial.len();
        if len > buf.len() {
            buf = initial;
        } else {
            buf[..len].copy_from_slice(&initial);
        }
        FrameReader {
            inner,
            buf,
            pos: 0,
            len,
            partial: None,
        }
    }

    /// Mutable access to the wrapped reader.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.pos == self.len {
            self.pos = 0;
            self.len = 0;
        } else if self.pos > 0 && self.buf.len() - self.len < 16 {
            self.buf.copy_within(self.pos..self.len, 0);
            self.len -= self.pos;
            self.pos = 0;
        }
        let n = self.inner.read(&mut self.buf[self.len..])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed by peer",
            ));
        }
        self.len += n;
        Ok(())
    }

    fn need(&mut self, n: usize) -> io::Result<()> {
        while self.len - self.pos < n {
            self.fill()?;
        }
        Ok(())
    }

    /// Appends exactly `n` payload bytes to `out`, reading large payloads straight into
    /// `out` (no intermediate copy). Memory grows with the bytes actually received, so a
    /// corrupt length cannot trigger a huge up-front allocation.
    fn read_payload(&mut self, n: usize, out: &mut Vec<u8>) -> io::Result<()> {
        const STEP: usize = 64 << 20;
        let from_buf = n.min(self.len - self.pos);
        out.reserve_exact(n.min(STEP).max(from_buf));
        out.extend_from_slice(&self.buf[self.pos..self.pos + from_buf]);
        self.pos += from_buf;
        let mut left = n - from_buf;
        while left > 0 {
            let chunk = left.min(STEP);
            let at = out.len();
            out.resize(at + chunk, 0);
            let mut filled = 0;
            while filled < chunk {
                let got = self.inner.read(&mut out[at + filled..at + chunk])?;
                if got == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "connection closed by peer",
                    ));
                }
                filled += got;
            }
            left -= chunk;
        }
        Ok(())
    }

    /// Reads the next message or control frame. Any I/O error is final for this reader:
    /// `inner` must handle read timeouts itself (retry) rather than return them mid-frame.
    pub fn read_message(&mut self) -> io::Result<Incoming> {
        loop {
            self.need(2)?;
            let b0 = self.buf[self.pos];
            let b1 = self.buf[self.pos + 1];
            let fin = b0 & 0x80 != 0;
            let op = b0 & 0x0f;
            let masked = b1 & 0x80 != 0;
            let len7 = (b1 & 0x7f) as usize;
            let ext = match len7 {
                126 => 2,
                127 => 8,
                _ => 0,
            };
            let mask_len = if masked { 4 } else { 0 };
            self.need(2 + ext + mask_len)?;
            let p = self.pos + 2;
            let plen: u64 = match ext {
                0 => len7 as u64,
                2 => u16::from_be_bytes([self.buf[p], self.buf[p + 1]]) as u64,
                _ => {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(&self.buf[p..p + 8]);
                    u64::from_be_bytes(b)
                }
            };
            let mut mask = [0u8; 4];
            if masked {
                mask.copy_from_slice(&self.buf[p + ext..p + ext + 4]);
            }
            self.pos += 2 + ext + mask_len;
            if plen > MAX_MESSAGE {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "WebSocket frame too large",
                ));
            }
            let plen = plen as usize;
            if op >= 0x8 {
                // Control frame: never fragmented, payload ≤ 125.
                let mut payload = Vec::with_capacity(plen);
                self.read_payload(plen, &mut payload)?;
                if masked {
                    apply_mask(&mut payload, mask);
                }
                match op {
                    opcode::PING => return Ok(Incoming::Ping(payload)),
                    opcode::PONG => return Ok(Incoming::Pong),
                    opcode::CLOSE => {
                        let code = (payload.len() >= 2)
                            .then(|| u16::from_be_bytes([payload[0], payload[1]]));
                        return Ok(Incoming::Close(code));
                    }
                    _ => {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            "unknown WebSocket control opcode",
                        ))
                    }
                }
            }
            let (data_op, mut v) = match (self.partial.take(), op) {
                (None, opcode::TEXT | opcode::BINARY) => (op, Vec::new()),
                (Some((first_op, v)), opcode::CONT) => (first_op, v),
                _ => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "unexpected WebSocket opcode",
                    ))
                }
            };
            let start = v.len();
            if (start + plen) as u64 > MAX_MESSAGE {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "WebSocket message too large",
                ));
            }
            // An error here is final for the connection, so losing `v` does not matter.
            self.read_payload(plen, &mut v)?;
            if masked {
                apply_mask(&mut v[start..], mask);
            }
            self.partial = Some((data_op, v));
            if fin {
                if let Some((op, v)) = self.partial.take() {
                    return Ok(if op == opcode::TEXT {
                        Incoming::Text(v)
                    } else {
                        Incoming::Binary(v)
                    });
                }
            }
        }
    }
}

/// XORs `data` with the 4-byte mask (RFC 6455 §5.3), 8 bytes at a time.
pub fn apply_mask(data: &mut [u8], mask: [u8; 4]) {
    let m8 = u64::from_ne_bytes([
        mask[0], mask[1], mask[2], mask[3], mask[0], mask[1], mask[2], mask[3],
    ]);
    let mut chunks = data.chunks_exact_mut(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let v = u64::from_ne_bytes(w) ^ m8;
        c.copy_from_slice(&v.to_ne_bytes());
    }
    // Chunks of 8 keep the mask phase aligned, so the tail starts at phase 0.
    for (i, b) in chunks.into_remainder().iter_mut().enumerate() {
        *b ^= mask[i & 3];
    }
}

/// Writes masked client frames. Not thread-safe by itself: share it behind a mutex.
pub struct FrameWriter<W> {
    inner: W,
    buf: Vec<u8>,
    seed: u64,
}

impl<W: Write> FrameWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15)
            | 1;
        FrameWriter {
            inner,
            buf: Vec::with_capacity(4096),
            seed,
        }
    }

    /// Mutable access to the wrapped writer.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    fn next_mask(&mut self) -> [u8; 4] {
        // xorshift64: masking keys only need to be unpredictable to intermediaries.
        let mut x = self.seed;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.seed = x;
        (x as u32).to_ne_bytes()
    }

    /// Writes one complete (FIN) frame whose payload is the concatenation of `parts`.
    pub fn write_frame(&mut self, op: u8, parts: &[&[u8]]) -> io::Result<()> {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        let mask = self.next_mask();
        self.buf.clear();
        self.buf.push(0x80 | op);
        if len < 126 {
            self.buf.push(0x80 | len as u8);
        } else if len <= u16::MAX as usize {
            self.buf.push(0x80 | 126);
            self.buf.extend_from_slice(&(len as u16).to_be_bytes());
        } else {
            self.buf.push(0x80 | 127);
            self.buf.extend_from_slice(&(len as u64).to_be_bytes());
        }
        self.buf.extend_from_slice(&mask);
        let start = self.buf.len();
        for p in parts {
            self.buf.extend_from_slice(p);
        }
        apply_mask(&mut self.buf[start..], mask);
        self.inner.write_all(&self.buf)?;
        if self.buf.capacity() > 1 << 20 {
            // Do not keep a huge buffer alive after one big insert.
            self.buf = Vec::with_capacity(4096);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server_frame(op: u8, fin: bool, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![if fin { 0x80 } else { 0 } | op];
        if payload.len() < 126 {
            v.push(payload.len() as u8);
        } else if payload.len() <= 65535 {
            v.push(126);
            v.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        } else {
            v.push(127);
            v.extend_from_slice(&(payload.len() as u64).to_be_bytes());
        }
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn mask_roundtrip_odd_lengths() {
        for n in 0..40 {
            let orig: Vec<u8> = (0..n as u8).collect();
            let mut d = orig.clone();
            apply_mask(&mut d, [1, 2, 3, 4]);
            for (i, b) in d.iter().enumerate() {
                assert_eq!(*b, orig[i] ^ [1, 2, 3, 4][i % 4]);
            }
            apply_mask(&mut d, [1, 2, 3, 4]);
            assert_eq!(d, orig);
        }
    }

    #[test]
    fn writer_masks_and_sizes() {
        let mut w = FrameWriter::new(Vec::new());
        let payload = vec![7u8; 300];
        w.write_frame(opcode::BINARY, &[&payload[..100], &payload[100..]])
            .unwrap();
        let out = w.get_mut().clone();
        assert_eq!(out[0], 0x82);
        assert_eq!(out[1], 0x80 | 126);
        assert_eq!(u16::from_be_bytes([out[2], out[3]]), 300);
        let mask = [out[4], out[5], out[6], out[7]];
        let mut body = out[8..].to_vec();
        apply_mask(&mut body, mask);
        assert_eq!(body, payload);
    }

    #[test]
    fn reader_reassembles_fragments_and_controls() {
        let big = vec![5u8; 70_000];
        let mut wire = server_frame(opcode::TEXT, false, b"{\"a\":");
        wire.extend(server_frame(opcode::PING, true, b"hi"));
        wire.extend(server_frame(opcode::CONT, true, b"1}"));
        wire.extend(server_frame(opcode::BINARY, true, &big));
        wire.extend(server_frame(opcode::CLOSE, true, &1000u16.to_be_bytes()));
        // Feed part of it as "initial" bytes to exercise the handshake leftover path.
        let (a, b) = wire.split_at(3);
        let mut r = FrameReader::new(std::io::Cursor::new(b.to_vec()), a.to_vec());
        assert!(matches!(r.read_message().unwrap(), Incoming::Ping(p) if p == b"hi"));
        assert!(matches!(r.read_message().unwrap(), Incoming::Text(t) if t == b"{\"a\":1}"));
        assert!(matches!(r.read_message().unwrap(), Incoming::Binary(v) if v == big));
        assert!(matches!(
            r.read_message().unwrap(),
            Incoming::Close(Some(1000))
        ));
        assert_eq!(
            r.read_message().unwrap_err().kind(),
            std::io::ErrorKind::UnexpectedEof
        );
    }

    #[test]
    fn reader_rejects_garbage_without_panic() {
        let wire = vec![0x83u8, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        let mut r = FrameReader::new(std::io::Cursor::new(wire), Vec::new());
        assert!(r.read_message().is_err());
    }
}
