//! Binary frames of the query path (ws-query.md §3): the 24-byte client header,
//! `binary_query` / `validate_sql` / `fetch_raw_block` requests, the `fetch_raw_block` reply,
//! the legacy `fetch_block` frame, and classification of server binary frames.
//!
//! All integers little-endian. Parsers take `&[u8]`, return `Result`, and never panic.

use std::borrow::Cow;

use crate::error::TaosError;

/// Binary action: stmt v1 `set_tags`.
pub const ACTION_SET_TAGS: u64 = 1;
/// Binary action: stmt v1 `bind`.
pub const ACTION_BIND: u64 = 2;
/// Binary action: TMQ `write_raw`.
pub const ACTION_WRITE_RAW: u64 = 3;
/// Binary action: `write_raw_block`.
pub const ACTION_WRITE_RAW_BLOCK: u64 = 4;
/// Binary action: `write_raw_block_with_fields`.
pub const ACTION_WRITE_RAW_BLOCK_WITH_FIELDS: u64 = 5;
/// Binary action: `binary_query`.
pub const ACTION_BINARY_QUERY: u64 = 6;
/// Binary action: `fetch_raw_block`.
pub const ACTION_FETCH_RAW_BLOCK: u64 = 7;
/// Binary action: `stmt2_bind`.
pub const ACTION_STMT2_BIND: u64 = 9;
/// Binary action: `validate_sql`.
pub const ACTION_VALIDATE_SQL: u64 = 10;
/// Binary action: `stmt2_bind_exec`.
pub const ACTION_STMT2_BIND_EXEC: u64 = 11;

/// The only binary message format version.
pub const BINARY_VERSION: u16 = 1;
/// Length of the common client binary header.
pub const CLIENT_HEADER_LEN: usize = 24;
/// Length of a `fetch_raw_block` request.
pub const FETCH_RAW_BLOCK_REQ_LEN: usize = 26;
/// Offset of the SQL text in a `binary_query` / `validate_sql` request.
pub const SQL_OFFSET: usize = 30;
/// First u64 of a `fetch_raw_block` reply.
pub const RAW_BLOCK_REPLY_MARKER: u64 = u64::MAX;
/// Length of a `fetch_raw_block` reply without message and block (the end-of-data shape).
pub const RAW_BLOCK_REPLY_MIN_LEN: usize = 51;
/// Length of the legacy `fetch_block` frame header (timing + result id).
pub const FETCH_BLOCK_HEADER_LEN: usize = 16;

/// The action name used in JSON replies for a binary action code (`"unknown"` otherwise).
pub fn action_name(action: u64) -> &'static str {
    match action {
        ACTION_SET_TAGS => "set_tags",
        ACTION_BIND => "bind",
        ACTION_WRITE_RAW => "write_raw",
        ACTION_WRITE_RAW_BLOCK => "write_raw_block",
        ACTION_WRITE_RAW_BLOCK_WITH_FIELDS => "write_raw_block_with_fields",
        ACTION_BINARY_QUERY => "binary_query",
        ACTION_FETCH_RAW_BLOCK => "fetch_raw_block",
        ACTION_STMT2_BIND => "stmt2_bind",
        ACTION_VALIDATE_SQL => "validate_sql",
        ACTION_STMT2_BIND_EXEC => "stmt2_bind_exec",
        _ => "unknown",
    }
}

/// Little-endian readers that return `None` instead of panicking.
pub(crate) fn read_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}
/// Reads a little-endian u32 at `at`.
pub(crate) fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}
/// Reads a little-endian i32 at `at`.
pub(crate) fn read_i32(b: &[u8], at: usize) -> Option<i32> {
    read_u32(b, at).map(|v| v as i32)
}
/// Reads a little-endian u64 at `at`.
pub(crate) fn read_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

fn too_short() -> TaosError {
    TaosError::adapter("message length is too short")
}

/// The common 24-byte header of every client binary frame (§3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientHeader {
    /// Request id.
    pub req_id: u64,
    /// Resource id: result id, stmt id, or 0.
    pub id: u64,
    /// Action code (§3.1).
    pub action: u64,
}

impl ClientHeader {
    /// Appends the 24 header bytes to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.req_id.to_le_bytes());
        out.extend_from_slice(&self.id.to_le_bytes());
        out.extend_from_slice(&self.action.to_le_bytes());
    }

    /// Reads the header; frames shorter than 24 bytes fail with "message length is too short".
    pub fn parse(frame: &[u8]) -> Result<ClientHeader, TaosError> {
        match (read_u64(frame, 0), read_u64(frame, 8), read_u64(frame, 16)) {
            (Some(req_id), Some(id), Some(action)) => Ok(ClientHeader { req_id, id, action }),
            _ => Err(too_short()),
        }
    }
}

fn encode_sql_request(action: u64, req_id: u64, sql: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(SQL_OFFSET + sql.len());
    ClientHeader {
        req_id,
        id: 0,
        action,
    }
    .encode(&mut out);
    out.extend_from_slice(&BINARY_VERSION.to_le_bytes());
    // SQL longer than 4 GiB cannot be expressed; the length saturates and the server
    // reports the mismatch.
    out.extend_from_slice(&u32::try_from(sql.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(sql.as_bytes());
    out
}

/// Encodes a `binary_query` request (action 6, §3.3).
pub fn encode_binary_query(req_id: u64, sql: &str) -> Vec<u8> {
    encode_sql_request(ACTION_BINARY_QUERY, req_id, sql)
}

/// Encodes a `validate_sql` request (action 10, §3.5).
pub fn encode_validate_sql(req_id: u64, sql: &str) -> Vec<u8> {
    encode_sql_request(ACTION_VALIDATE_SQL, req_id, sql)
}

/// A parsed `binary_query` / `validate_sql` request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqlRequest<'a> {
    /// Request id.
    pub req_id: u64,
    /// Action code (6 or 10, as found in the header).
    pub action: u64,
    /// SQL bytes (UTF-8 expected, not checked).
    pub sql: &'a [u8],
}

impl<'a> SqlRequest<'a> {
    /// The SQL as text; invalid UTF-8 is replaced lossily.
    pub fn sql_str(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.sql)
    }
}

/// Parses a `binary_query` / `validate_sql` request with the adapter's validation (§3.3):
/// length < 31 → `message length is too short`; version ≠ 1 → `unknown binary query version:<v>`;
/// short SQL → `uncompleted message, sql length:<L>, remainMessageLength:<n>`. All errors use
/// code 0xFFFF. Bytes after the SQL are ignored.
pub fn parse_sql_request(frame: &[u8]) -> Result<SqlRequest<'_>, TaosError> {
    if frame.len() < SQL_OFFSET + 1 {
        return Err(too_short());
    }
    let header = ClientHeader::parse(frame)?;
    let version = read_u16(frame, 24).ok_or_else(too_short)?;
    if version != BINARY_VERSION {
        return Err(TaosError::adapter(format!(
            "unknown binary query version:{version}"
        )));
    }
    let len = read_u32(frame, 26).ok_or_else(too_short)? as usize;
    let remain = frame.len() - SQL_OFFSET;
    if remain < len {
        return Err(TaosError::adapter(format!(
            "uncompleted message, sql length:{len}, remainMessageLength:{remain}"
        )));
    }
    Ok(SqlRequest {
        req_id: header.req_id,
        action: header.action,
        sql: &frame[SQL_OFFSET..SQL_OFFSET + len],
    })
}

/// Encodes a 26-byte `fetch_raw_block` request (action 7, §3.4).
pub fn encode_fetch_raw_block(req_id: u64, result_id: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(FETCH_RAW_BLOCK_REQ_LEN);
    ClientHeader {
        req_id,
        id: result_id,
        action: ACTION_FETCH_RAW_BLOCK,
    }
    .encode(&mut out);
    out.extend_from_slice(&BINARY_VERSION.to_le_bytes());
    out
}

/// A parsed `fetch_raw_block` request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchRawBlockRequest {
    /// Request id.
    pub req_id: u64,
    /// Result id.
    pub result_id: u64,
}

/// Parses a `fetch_raw_block` request: < 26 bytes → `message length is too short`,
/// version ≠ 1 → `unknown fetch raw block version` (code 0xFFFF).
pub fn parse_fetch_raw_block(frame: &[u8]) -> Result<FetchRawBlockRequest, TaosError> {
    if frame.len() < FETCH_RAW_BLOCK_REQ_LEN {
        return Err(too_short());
    }
    let header = ClientHeader::parse(frame)?;
    if read_u16(frame, 24) != Some(BINARY_VERSION) {
        return Err(TaosError::adapter("unknown fetch raw block version"));
    }
    Ok(FetchRawBlockRequest {
        req_id: header.req_id,
        result_id: header.id,
    })
}

/// The body of a `fetch_raw_block` reply: one of the three shapes of §3.4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawBlockReplyBody<'a> {
    /// A raw block follows (code 0, finished 0).
    Block(&'a [u8]),
    /// End of data (code 0, finished 1); the server already freed the result.
    End,
    /// An error (code ≠ 0, finished 1); `code` is the 16-bit wire code.
    Error {
        /// Wire code (masked to 16 bits).
        code: u32,
        /// Error text.
        message: Cow<'a, str>,
    },
}

/// A `fetch_raw_block` reply (§3.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBlockReply<'a> {
    /// Server handling time (ns).
    pub timing: u64,
    /// Echo of the request's req_id.
    pub req_id: u64,
    /// Echo of the request's result id.
    pub result_id: u64,
    /// Data, end or error.
    pub body: RawBlockReplyBody<'a>,
}

impl RawBlockReply<'_> {
    /// The reply's error as a [`TaosError`], if it is the error shape.
    pub fn error(&self) -> Option<TaosError> {
        match &self.body {
            RawBlockReplyBody::Error { code, message } => {
                Some(TaosError::from_wire(*code, message.to_string()))
            }
            _ => None,
        }
    }
}

fn raw_reply_prefix(out: &mut Vec<u8>, timing: u64, req_id: u64, code: u32, message: &[u8]) {
    out.extend_from_slice(&RAW_BLOCK_REPLY_MARKER.to_le_bytes());
    out.extend_from_slice(&ACTION_FETCH_RAW_BLOCK.to_le_bytes());
    out.extend_from_slice(&BINARY_VERSION.to_le_bytes());
    out.extend_from_slice(&timing.to_le_bytes());
    out.extend_from_slice(&req_id.to_le_bytes());
    out.extend_from_slice(&code.to_le_bytes());
    out.extend_from_slice(&(message.len() as u32).to_le_bytes());
    out.extend_from_slice(message);
}

/// Appends the 55-byte header of a data reply whose `block_len`-byte block the caller appends
/// next (lets a server encode the block straight into the same buffer).
pub fn write_raw_block_data_header(
    out: &mut Vec<u8>,
    timing: u64,
    req_id: u64,
    result_id: u64,
    block_len: usize,
) {
    raw_reply_prefix(out, timing, req_id, 0, &[]);
    out.extend_from_slice(&result_id.to_le_bytes());
    out.push(0);
    out.extend_from_slice(&u32::try_from(block_len).unwrap_or(u32::MAX).to_le_bytes());
}

/// Encodes a data reply: 55 bytes + the raw block.
pub fn encode_raw_block_data(timing: u64, req_id: u64, result_id: u64, block: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(55 + block.len());
    write_raw_block_data_header(&mut out, timing, req_id, result_id, block.len());
    out.extend_from_slice(block);
    out
}

/// Encodes an end-of-data reply (exactly 51 bytes).
pub fn encode_raw_block_end(timing: u64, req_id: u64, result_id: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(RAW_BLOCK_REPLY_MIN_LEN);
    raw_reply_prefix(&mut out, timing, req_id, 0, &[]);
    out.extend_from_slice(&result_id.to_le_bytes());
    out.push(1);
    out
}

/// Encodes an error reply (51 + message bytes); the code is masked to 16 bits.
pub fn encode_raw_block_error(
    timing: u64,
    req_id: u64,
    result_id: u64,
    err: &TaosError,
) -> Vec<u8> {
    let msg = err.message.as_bytes();
    let mut out = Vec::with_capacity(RAW_BLOCK_REPLY_MIN_LEN + msg.len());
    raw_reply_prefix(&mut out, timing, req_id, err.wire_code(), msg);
    out.extend_from_slice(&result_id.to_le_bytes());
    out.push(1);
    out
}

/// Parses a `fetch_raw_block` reply. Code is tested first, then `finished` (§3.4).
pub fn parse_raw_block_reply(frame: &[u8]) -> Result<RawBlockReply<'_>, TaosError> {
    let bad = |what: &str| TaosError::invalid_msg(format!("invalid fetch_raw_block reply: {what}"));
    if frame.len() < RAW_BLOCK_REPLY_MIN_LEN {
        return Err(bad("too short"));
    }
    if read_u64(frame, 0) != Some(RAW_BLOCK_REPLY_MARKER) {
        return Err(bad("missing marker"));
    }
    let timing = read_u64(frame, 18).ok_or_else(|| bad("too short"))?;
    let req_id = read_u64(frame, 26).ok_or_else(|| bad("too short"))?;
    let code = read_u32(frame, 34).ok_or_else(|| bad("too short"))?;
    let msg_len = read_u32(frame, 38).ok_or_else(|| bad("too short"))? as usize;
    let msg_end = 42usize
        .checked_add(msg_len)
        .filter(|&e| e <= frame.len())
        .ok_or_else(|| bad("message length exceeds frame"))?;
    let message = String::from_utf8_lossy(&frame[42..msg_end]);
    let result_id = read_u64(frame, msg_end).ok_or_else(|| bad("too short"))?;
    let finished = *frame.get(msg_end + 8).ok_or_else(|| bad("too short"))?;
    let body = if code != 0 {
        RawBlockReplyBody::Error { code, message }
    } else if finished != 0 {
        RawBlockReplyBody::End
    } else {
        let block_len = read_u32(frame, msg_end + 9).ok_or_else(|| bad("too short"))? as usize;
        let start = msg_end + 13;
        let end = start
            .checked_add(block_len)
            .filter(|&e| e <= frame.len())
            .ok_or_else(|| bad("block length exceeds frame"))?;
        RawBlockReplyBody::Block(&frame[start..end])
    };
    Ok(RawBlockReply {
        timing,
        req_id,
        result_id,
        body,
    })
}

/// A legacy `fetch_block` reply frame (§2.4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchBlockFrame<'a> {
    /// Server handling time (ns).
    pub timing: u64,
    /// Result id (the only correlation key).
    pub result_id: u64,
    /// The raw block, cut to its header's length field.
    pub block: &'a [u8],
}

/// Encodes a legacy `fetch_block` frame: timing, result id, block.
pub fn encode_fetch_block(timing: u64, result_id: u64, block: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(FETCH_BLOCK_HEADER_LEN + block.len());
    out.extend_from_slice(&timing.to_le_bytes());
    out.extend_from_slice(&result_id.to_le_bytes());
    out.extend_from_slice(block);
    out
}

/// Parses a legacy `fetch_block` frame; the block's length comes from its own header
/// (offset 4), which must fit in the frame.
pub fn parse_fetch_block(frame: &[u8]) -> Result<FetchBlockFrame<'_>, TaosError> {
    let bad = |what: &str| TaosError::invalid_msg(format!("invalid fetch_block frame: {what}"));
    let timing = read_u64(frame, 0).ok_or_else(|| bad("too short"))?;
    let result_id = read_u64(frame, 8).ok_or_else(|| bad("too short"))?;
    let len = read_i32(frame, FETCH_BLOCK_HEADER_LEN + 4).ok_or_else(|| bad("too short"))?;
    let len = usize::try_from(len).map_err(|_| bad("negative block length"))?;
    let end = FETCH_BLOCK_HEADER_LEN
        .checked_add(len)
        .filter(|&e| e <= frame.len())
        .ok_or_else(|| bad("block length exceeds frame"))?;
    Ok(FetchBlockFrame {
        timing,
        result_id,
        block: &frame[FETCH_BLOCK_HEADER_LEN..end],
    })
}

/// What kind of server binary frame this is, and its correlation key (§3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerBinaryKind {
    /// A `fetch_raw_block` reply: match by `req_id` (offset 26).
    FetchRawBlock {
        /// Request id echo.
        req_id: u64,
    },
    /// A legacy `fetch_block` reply: match by result id (offset 8).
    FetchBlock {
        /// Result id.
        result_id: u64,
    },
}

/// Classifies a server binary frame by its first u64 (§3.7).
pub fn classify_server_binary(frame: &[u8]) -> Result<ServerBinaryKind, TaosError> {
    let first = read_u64(frame, 0)
        .ok_or_else(|| TaosError::invalid_msg("binary frame shorter than 8 bytes"))?;
    if first == RAW_BLOCK_REPLY_MARKER {
        let req_id = read_u64(frame, 26)
            .ok_or_else(|| TaosError::invalid_msg("fetch_raw_block reply too short"))?;
        Ok(ServerBinaryKind::FetchRawBlock { req_id })
    } else {
        let result_id = read_u64(frame, 8)
            .ok_or_else(|| TaosError::invalid_msg("fetch_block frame too short"))?;
        Ok(ServerBinaryKind::FetchBlock { result_id })
    }
}
