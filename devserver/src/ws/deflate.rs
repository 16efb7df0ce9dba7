//! permessage-deflate (RFC 7692) with no context takeover in either direction, the only
//! parameters taosAdapter negotiates (ws-query.md §1.3, §8.5): every message is compressed
//! on its own with raw DEFLATE, sync-flushed, the trailing `00 00 ff ff` removed.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// The extension answer taosAdapter sends, whatever window parameters the client offered.
pub const RESPONSE: &str =
    "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// Whether a `Sec-WebSocket-Extensions` header value offers permessage-deflate.
pub fn offered(header: &str) -> bool {
    header.split(',').any(|ext| {
        ext.split(';')
            .next()
            .is_some_and(|name| name.trim().eq_ignore_ascii_case("permessage-deflate"))
    })
}

/// Compresses one message payload.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut c = Compress::new(Compression::fast(), false);
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    loop {
        if out.len() == out.capacity() {
            out.reserve(out.capacity().max(1024));
        }
        let consumed = c.total_in() as usize;
        // Compressing into a Vec cannot fail for valid state; an error would leave `out` as is.
        if c.compress_vec(&data[consumed..], &mut out, FlushCompress::Sync)
            .is_err()
        {
            break;
        }
        if c.total_in() as usize == data.len() && out.len() < out.capacity() {
            break;
        }
    }
    if out.ends_with(&TAIL) {
        out.truncate(out.len() - TAIL.len());
    }
    out
}

/// Decompresses one message payload; `None` when the data is invalid or the result would
/// exceed `limit` bytes.
pub fn decompress(data: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut input = Vec::with_capacity(data.len() + TAIL.len());
    input.extend_from_slice(data);
    input.extend_from_slice(&TAIL);
    let mut d = Decompress::new(false);
    let mut out: Vec<u8> = Vec::with_capacity((data.len() * 4).clamp(64, limit.max(64)));
    loop {
        if out.len() == out.capacity() {
            if out.len() >= limit {
                return None;
            }
            out.reserve(out.capacity().min(limit - out.len()).max(64));
        }
        let (in_before, out_before) = (d.total_in(), d.total_out());
        let consumed = in_before as usize;
        let status = d
            .decompress_vec(&input[consumed..], &mut out, FlushDecompress::Sync)
            .ok()?;
        let done_in = d.total_in() as usize == input.len();
        if status == Status::StreamEnd || (done_in && out.len() < out.capacity()) {
            break;
        }
        if d.total_in() == in_before && d.total_out() == out_before && out.len() < out.capacity() {
            // No progress with room to spare: truncated or corrupt input.
            return None;
        }
    }
    if out.len() > limit {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        for data in [
            Vec::new(),
            b"{\"action\":\"version\"}".to_vec(),
            (0..200_000u32).map(|i| (i % 251) as u8).collect(),
        ] {
            let c = compress(&data);
            assert!(!c.ends_with(&TAIL) || data.is_empty());
            assert_eq!(decompress(&c, usize::MAX / 2).unwrap(), data);
        }
        // RFC 7692 §7.2.3.1 example: "Hello" compressed without context takeover.
        assert_eq!(
            decompress(&[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], 100).unwrap(),
            b"Hello"
        );
        assert_eq!(decompress(&[0xff, 0xff, 0xff], 100), None);
        let big = compress(&vec![0u8; 10_000]);
        assert_eq!(decompress(&big, 1000), None);
        assert!(offered("permessage-deflate; client_max_window_bits"));
        assert!(offered("x-foo, permessage-deflate"));
        assert!(!offered("x-webkit-deflate-frame"));
    }
}
