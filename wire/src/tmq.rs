//! Binary frames of TMQ on `/rest/tmq` (ws-stmt-sml-tmq.md §4.6.2, §4.7): the `fetch_block`
//! frame, the old `fetch_raw` framing and the new `fetch_raw_data` framing (action 8).
//! The raw payload carried by the last two is in [`crate::tmq_raw`].

use std::borrow::Cow;

use crate::binary::{read_u16, read_u32, read_u64};
use crate::error::TaosError;

/// First u64 of a `fetch_raw_data` frame.
pub const FETCH_RAW_DATA_MARKER: u64 = u64::MAX;
/// Action code in a `fetch_raw_data` frame.
pub const ACTION_FETCH_RAW_DATA: u64 = 8;
/// Message kind u64 of an old-framing `fetch_raw` frame.
pub const FETCH_RAW_KIND: u64 = 3;

fn bad(what: &str) -> TaosError {
    TaosError::invalid_msg(format!("invalid TMQ frame: {what}"))
}

/// A TMQ `fetch_block` frame (path A): the block fetched by the preceding `fetch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TmqFetchBlockFrame<'a> {
    /// Server time (ns).
    pub timing: u64,
    /// The `req_id` of the `fetch` that produced the block.
    pub req_id: u64,
    /// Message id.
    pub message_id: u64,
    /// The raw block (rest of the frame).
    pub block: &'a [u8],
}

/// Encodes a TMQ `fetch_block` frame.
pub fn encode_tmq_fetch_block(
    timing: u64,
    fetch_req_id: u64,
    message_id: u64,
    block: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(24 + block.len());
    // A timing of u64::MAX would read as the new framing's marker.
    out.extend_from_slice(&timing.min(u64::MAX - 1).to_le_bytes());
    out.extend_from_slice(&fetch_req_id.to_le_bytes());
    out.extend_from_slice(&message_id.to_le_bytes());
    out.extend_from_slice(block);
    out
}

/// Parses a TMQ `fetch_block` frame.
pub fn parse_tmq_fetch_block(frame: &[u8]) -> Result<TmqFetchBlockFrame<'_>, TaosError> {
    match (read_u64(frame, 0), read_u64(frame, 8), read_u64(frame, 16)) {
        (Some(timing), Some(req_id), Some(message_id)) if timing != FETCH_RAW_DATA_MARKER => {
            Ok(TmqFetchBlockFrame {
                timing,
                req_id,
                message_id,
                block: &frame[24..],
            })
        }
        _ => Err(bad("fetch_block frame")),
    }
}

/// A whole TMQ message in raw form (`tmq_raw_data`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TmqRawFrame<'a> {
    /// Server time (ns).
    pub timing: u64,
    /// Request id.
    pub req_id: u64,
    /// Message id.
    pub message_id: u64,
    /// `tmq_raw_data.raw_type`.
    pub raw_type: u16,
    /// `tmq_raw_data.raw` (see [`crate::tmq_raw`]).
    pub raw: &'a [u8],
}

/// Encodes an old-framing `fetch_raw` response (§4.7.1).
pub fn encode_tmq_fetch_raw(
    timing: u64,
    req_id: u64,
    message_id: u64,
    raw_type: u16,
    raw: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(38 + raw.len());
    out.extend_from_slice(&timing.min(u64::MAX - 1).to_le_bytes());
    out.extend_from_slice(&req_id.to_le_bytes());
    out.extend_from_slice(&message_id.to_le_bytes());
    out.extend_from_slice(&FETCH_RAW_KIND.to_le_bytes());
    out.extend_from_slice(&u32::try_from(raw.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(&raw_type.to_le_bytes());
    out.extend_from_slice(raw);
    out
}

/// Parses an old-framing `fetch_raw` response.
pub fn parse_tmq_fetch_raw(frame: &[u8]) -> Result<TmqRawFrame<'_>, TaosError> {
    let timing = read_u64(frame, 0).ok_or_else(|| bad("too short"))?;
    if timing == FETCH_RAW_DATA_MARKER || read_u64(frame, 24) != Some(FETCH_RAW_KIND) {
        return Err(bad("not a fetch_raw frame"));
    }
    let len = read_u32(frame, 32).ok_or_else(|| bad("too short"))? as usize;
    let raw_type = read_u16(frame, 36).ok_or_else(|| bad("too short"))?;
    let raw = frame
        .get(38..38usize.saturating_add(len))
        .ok_or_else(|| bad("raw length exceeds frame"))?;
    Ok(TmqRawFrame {
        timing,
        req_id: read_u64(frame, 8).unwrap_or(0),
        message_id: read_u64(frame, 16).unwrap_or(0),
        raw_type,
        raw,
    })
}

fn raw_data_prefix(out: &mut Vec<u8>, timing: u64, req_id: u64, code: u32, message: &[u8]) {
    out.extend_from_slice(&FETCH_RAW_DATA_MARKER.to_le_bytes());
    out.extend_from_slice(&ACTION_FETCH_RAW_DATA.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&timing.to_le_bytes());
    out.extend_from_slice(&req_id.to_le_bytes());
    out.extend_from_slice(&code.to_le_bytes());
    out.extend_from_slice(
        &u32::try_from(message.len())
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    out.extend_from_slice(message);
}

/// Encodes a successful `fetch_raw_data` response (§4.7.2).
pub fn encode_fetch_raw_data(
    timing: u64,
    req_id: u64,
    message_id: u64,
    raw_type: u16,
    raw: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(56 + raw.len());
    raw_data_prefix(&mut out, timing, req_id, 0, &[]);
    out.extend_from_slice(&message_id.to_le_bytes());
    out.extend_from_slice(&raw_type.to_le_bytes());
    out.extend_from_slice(&u32::try_from(raw.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(raw);
    out
}

/// Encodes a `fetch_raw_data` error (binary, code masked to 16 bits, nothing after the id).
pub fn encode_fetch_raw_data_error(
    timing: u64,
    req_id: u64,
    message_id: u64,
    err: &TaosError,
) -> Vec<u8> {
    let msg = err.message.as_bytes();
    let mut out = Vec::with_capacity(50 + msg.len());
    raw_data_prefix(&mut out, timing, req_id, err.wire_code(), msg);
    out.extend_from_slice(&message_id.to_le_bytes());
    out
}

/// A parsed `fetch_raw_data` response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchRawData<'a> {
    /// The message's raw data.
    Data(TmqRawFrame<'a>),
    /// An error (wire code masked to 16 bits).
    Error {
        /// Request id.
        req_id: u64,
        /// Message id.
        message_id: u64,
        /// Wire code.
        code: u32,
        /// Error text.
        message: Cow<'a, str>,
    },
}

/// Parses a `fetch_raw_data` response (code first, as the official client reads it).
pub fn parse_fetch_raw_data(frame: &[u8]) -> Result<FetchRawData<'_>, TaosError> {
    if read_u64(frame, 0) != Some(FETCH_RAW_DATA_MARKER) {
        return Err(bad("missing fetch_raw_data marker"));
    }
    let timing = read_u64(frame, 18).ok_or_else(|| bad("too short"))?;
    let req_id = read_u64(frame, 26).ok_or_else(|| bad("too short"))?;
    let code = read_u32(frame, 34).ok_or_else(|| bad("too short"))?;
    let mlen = read_u32(frame, 38).ok_or_else(|| bad("too short"))? as usize;
    let mend = 42usize
        .checked_add(mlen)
        .filter(|&e| e <= frame.len())
        .ok_or_else(|| bad("message length exceeds frame"))?;
    let message_id = read_u64(frame, mend).ok_or_else(|| bad("too short"))?;
    if code != 0 {
        return Ok(FetchRawData::Error {
            req_id,
            message_id,
            code,
            message: String::from_utf8_lossy(&frame[42..mend]),
        });
    }
    let raw_type = read_u16(frame, mend + 8).ok_or_else(|| bad("too short"))?;
    let len = read_u32(frame, mend + 10).ok_or_else(|| bad("too short"))? as usize;
    let start = mend + 14;
    let raw = frame
        .get(start..start.saturating_add(len))
        .ok_or_else(|| bad("raw length exceeds frame"))?;
    Ok(FetchRawData::Data(TmqRawFrame {
        timing,
        req_id,
        message_id,
        raw_type,
        raw,
    }))
}

/// Correlation key of a binary frame received on `/rest/tmq`: every TMQ binary frame is
/// matched by its `req_id` (offset 26 in the new framing, offset 8 in the old ones).
pub fn tmq_binary_req_id(frame: &[u8]) -> Result<u64, TaosError> {
    let first = read_u64(frame, 0).ok_or_else(|| bad("shorter than 8 bytes"))?;
    let at = if first == FETCH_RAW_DATA_MARKER {
        26
    } else {
        8
    };
    read_u64(frame, at).ok_or_else(|| bad("too short"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_raw_data_round_trip() {
        let f = encode_fetch_raw_data(5, 6, 7, 2, b"raw!");
        assert_eq!(&f[..8], [0xFF; 8]);
        assert_eq!(f.len(), 60);
        assert_eq!(tmq_binary_req_id(&f).unwrap(), 6);
        match parse_fetch_raw_data(&f).unwrap() {
            FetchRawData::Data(d) => {
                assert_eq!(
                    (d.timing, d.req_id, d.message_id, d.raw_type, d.raw),
                    (5, 6, 7, 2, &b"raw!"[..])
                )
            }
            other => panic!("{other:?}"),
        }
        let e =
            encode_fetch_raw_data_error(1, 2, 3, &TaosError::adapter("message ID is not equal"));
        assert_eq!(e.len(), 50 + 23);
        assert_eq!(
            parse_fetch_raw_data(&e).unwrap(),
            FetchRawData::Error {
                req_id: 2,
                message_id: 3,
                code: 0xFFFF,
                message: "message ID is not equal".into()
            }
        );
        for cut in [0, 10, 41, 49, 55, 59] {
            assert!(parse_fetch_raw_data(&f[..cut]).is_err(), "cut {cut}");
        }
    }

    #[test]
    fn old_framings() {
        let f = encode_tmq_fetch_raw(1, 2, 3, 2, b"abc");
        assert_eq!(tmq_binary_req_id(&f).unwrap(), 2);
        let p = parse_tmq_fetch_raw(&f).unwrap();
        assert_eq!((p.message_id, p.raw_type, p.raw), (3, 2, &b"abc"[..]));
        assert!(parse_tmq_fetch_raw(&f[..40]).is_err());
        let b = encode_tmq_fetch_block(u64::MAX, 9, 4, b"blk");
        let p = parse_tmq_fetch_block(&b).unwrap();
        assert_eq!(
            (p.timing, p.req_id, p.message_id, p.block),
            (u64::MAX - 1, 9, 4, &b"blk"[..])
        );
        assert_eq!(tmq_binary_req_id(&b).unwrap(), 9);
        assert!(parse_tmq_fetch_block(&b[..23]).is_err());
    }
}
