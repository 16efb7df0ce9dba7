//! Query results: fields, prefetched blocks, async fetch.
//!
//! A row result keeps up to [`PREFETCH`] blocks ahead of the caller: the first fetch is sent
//! from the socket reader thread the moment the query reply arrives, and each time the
//! caller takes a block the next fetch goes out, so `next_block` rarely waits a round trip.
//! One fetch per result is in flight at a time (the protocol requires it for legacy fetches).
use super::{executor, Error, Result};
use crate::transport::{Link, Outgoing, Reply};
use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::sync::Arc;
use taos_wire::binary::{self, RawBlockReplyBody};
use taos_wire::error::codes;
use taos_wire::json::{self, Envelope, FetchArgs, FetchReply};
use taos_wire::RawBlock;

/// Blocks kept ready ahead of the caller.
pub const PREFETCH: usize = 2;

/// One column of a result set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldInfo {
    /// Column name.
    pub name: String,
    /// TDengine type code (`TSDB_DATA_TYPE_*`).
    pub ty: u8,
    /// Declared byte width (user-visible, `TAOS_FIELD.bytes`).
    pub bytes: i64,
    /// DECIMAL precision (0 for other types).
    pub precision: u8,
    /// DECIMAL scale (0 for other types).
    pub scale: u8,
}

/// One owned raw block (§4 of ws-query.md), validated on creation.
///
/// The bytes stay inside the received WebSocket frame: no copy is made.
#[derive(Debug)]
pub struct Block {
    frame: Vec<u8>,
    start: usize,
    end: usize,
    rows: usize,
}

impl Block {
    /// Wraps `frame[start..start + len]` after validating it as a raw block.
    pub fn from_frame(frame: Vec<u8>, start: usize, len: usize) -> Result<Block> {
        let end = start
            .checked_add(len)
            .filter(|&e| e <= frame.len())
            .ok_or_else(|| {
                Error::new(codes::TSDB_CODE_INVALID_MSG, "raw block exceeds its frame")
            })?;
        let rows = RawBlock::parse(&frame[start..end])?.rows();
        Ok(Block {
            frame,
            start,
            end,
            rows,
        })
    }

    /// Wraps a standalone raw block.
    pub fn from_vec(bytes: Vec<u8>) -> Result<Block> {
        let len = bytes.len();
        Block::from_frame(bytes, 0, len)
    }

    /// The raw block bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.frame[self.start..self.end]
    }

    /// A zero-copy view of the block (parses the column directory; call once per block).
    pub fn view(&self) -> RawBlock<'_> {
        match RawBlock::parse(self.bytes()) {
            Ok(v) => v,
            // Unreachable: the same bytes were validated in `from_frame`. Stay panic-free.
            Err(_) => unreachable_view(),
        }
    }

    /// Number of rows in the block.
    pub fn rows(&self) -> usize {
        self.rows
    }
}

#[cold]
fn unreachable_view() -> RawBlock<'static> {
    // A minimal valid block of 1 row and 0 columns.
    static EMPTY: [u8; 28] = [
        1, 0, 0, 0, 28, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    RawBlock::parse(&EMPTY).unwrap_or_else(|_| unreachable!("static block is valid"))
}

type BlockCallback = Box<dyn FnOnce(Result<Option<Block>>) + Send>;

#[derive(Default)]
struct FetchState {
    ready: VecDeque<Block>,
    in_flight: bool,
    /// End of the stream: `Ok` = end of data, `Err` = fetch error. Kept after delivery.
    end: Option<std::result::Result<(), Error>>,
    /// The server no longer holds the result (end, error or free_result sent).
    server_freed: bool,
    stopped: bool,
    waiter: Option<BlockCallback>,
}

struct Inner {
    link: Link,
    id: u64,
    req_id: u64,
    legacy: bool,
    is_update: bool,
    affected_rows: i64,
    fields: Vec<FieldInfo>,
    precision: u8,
    state: Mutex<FetchState>,
    cond: Condvar,
}

/// A query's result: affected rows, or fields plus a stream of blocks. Cheap to clone;
/// clones share the stream.
#[derive(Clone)]
pub struct QueryResult {
    inner: Arc<Inner>,
}

/// What the server said about a statement, as needed to build a [`QueryResult`].
#[derive(Debug, Clone, Default)]
pub struct ResultMeta {
    /// Result id (0 when `is_update`).
    pub id: u64,
    /// The statement produced no columns.
    pub is_update: bool,
    /// Rows written.
    pub affected_rows: i64,
    /// Columns.
    pub fields: Vec<FieldInfo>,
    /// Timestamp precision.
    pub precision: u8,
}

impl ResultMeta {
    /// Builds the metadata from a `query`/`binary_query` success reply. Inconsistent array
    /// lengths are an `INVALID_MSG` error.
    pub fn from_reply(r: &json::QueryReply) -> Result<ResultMeta> {
        let mut fields = Vec::new();
        if !r.is_update {
            let names = r.fields_names.as_deref().unwrap_or(&[]);
            let types = r.fields_types.as_deref().unwrap_or(&[]);
            let lens = r.fields_lengths.as_deref().unwrap_or(&[]);
            let n = names.len();
            if types.len() != n
                || lens.len() != n
                || (r.fields_count >= 0 && r.fields_count as usize != n)
            {
                return Err(Error::new(
                    codes::TSDB_CODE_INVALID_MSG,
                    "query reply: inconsistent field arrays",
                ));
            }
            let precs = r.fields_precisions.as_deref().unwrap_or(&[]);
            let scales = r.fields_scales.as_deref().unwrap_or(&[]);
            fields.reserve(n);
            for i in 0..n {
                fields.push(FieldInfo {
                    name: names[i].clone(),
                    ty: types[i],
                    bytes: lens[i],
                    precision: precs.get(i).copied().unwrap_or(0).clamp(0, 255) as u8,
                    scale: scales.get(i).copied().unwrap_or(0).clamp(0, 255) as u8,
                });
            }
        }
        Ok(ResultMeta {
            id: r.id,
            is_update: r.is_update,
            affected_rows: r.affected_rows,
            fields,
            precision: r.precision.clamp(0, 255) as u8,
        })
    }
}

impl std::fmt::Debug for QueryResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryResult")
            .field("id", &self.inner.id)
            .field("is_update", &self.inner.is_update)
            .field("affected_rows", &self.inner.affected_rows)
            .field("fields", &self.inner.fields)
            .finish()
    }
}

impl QueryResult {
    /// Wraps a result the server holds under `meta.id` on `link` and starts prefetching.
    /// `legacy` selects `fetch`+`fetch_block` instead of `fetch_raw_block`; `req_id` is the
    /// statement's id (reused for `free_result`). Usable for stmt/stmt2 results too.
    pub fn start(link: Link, meta: ResultMeta, req_id: u64, legacy: bool) -> QueryResult {
        let has_rows = !meta.is_update && meta.id != 0;
        let qr = QueryResult {
            inner: Arc::new(Inner {
                link,
                id: meta.id,
                req_id,
                legacy,
                is_update: meta.is_update,
                affected_rows: meta.affected_rows,
                fields: meta.fields,
                precision: meta.precision,
                state: Mutex::new(FetchState {
                    end: (!has_rows).then_some(Ok(())),
                    server_freed: !has_rows,
                    ..Default::default()
                }),
                cond: Condvar::new(),
            }),
        };
        if has_rows {
            maybe_fetch(&qr.inner);
        }
        qr
    }

    /// True for statements without a result set (insert, DDL).
    pub fn is_update(&self) -> bool {
        self.inner.is_update
    }
    /// Rows affected (0 for row results).
    pub fn affected_rows(&self) -> i64 {
        self.inner.affected_rows
    }
    /// Result columns.
    pub fn fields(&self) -> &[FieldInfo] {
        &self.inner.fields
    }
    /// Result timestamp precision (0 ms, 1 us, 2 ns).
    pub fn precision(&self) -> u8 {
        self.inner.precision
    }
    /// The server-side result id (0 for update results).
    pub fn result_id(&self) -> u64 {
        self.inner.id
    }

    /// The next block, `None` at end of data. Blocking; the block is usually prefetched.
    /// After an error every later call returns the same error.
    pub fn next_block(&self) -> Result<Option<Block>> {
        let inner = &self.inner;
        let mut st = inner.state.lock();
        loop {
            if let Some(b) = st.ready.pop_front() {
                drop(st);
                maybe_fetch(inner);
                return Ok(Some(b));
            }
            if let Some(end) = &st.end {
                return end.clone().map(|_| None);
            }
            if st.stopped {
                return Ok(None);
            }
            if !st.in_flight {
                drop(st);
                maybe_fetch(inner);
                st = inner.state.lock();
                continue;
            }
            // The in-flight fetch always completes: reply, request timeout or connection loss.
            inner.cond.wait(&mut st);
        }
    }

    /// Like [`QueryResult::next_block`] but runs `cb` once on the library's callback thread.
    /// Only one async fetch may be pending per result.
    pub fn next_block_async(&self, cb: Box<dyn FnOnce(Result<Option<Block>>) + Send>) {
        let inner = &self.inner;
        let mut st = inner.state.lock();
        let now = if let Some(b) = st.ready.pop_front() {
            Some(Ok(Some(b)))
        } else if let Some(end) = &st.end {
            Some(end.clone().map(|_| None))
        } else if st.stopped {
            Some(Ok(None))
        } else if st.waiter.is_some() {
            Some(Err(Error::new(
                codes::TSDB_CODE_TSC_ACTION_IN_PROGRESS,
                "another async fetch is pending on this result",
            )))
        } else {
            st.waiter = Some(cb);
            drop(st);
            maybe_fetch(inner);
            return;
        };
        drop(st);
        if let Some(v) = now {
            executor::spawn(Box::new(move || cb(v)));
        }
        maybe_fetch(inner);
    }

    /// Stops reading: drops buffered blocks and frees the result on the server (fire and
    /// forget) unless the server already freed it. Later `next_block` calls return `None`.
    pub fn stop(&self) {
        let inner = &self.inner;
        let (free, waiter) = {
            let mut st = inner.state.lock();
            st.stopped = true;
            st.ready.clear();
            let free = !st.server_freed;
            st.server_freed = true;
            (free, st.waiter.take())
        };
        inner.cond.notify_all();
        if let Some(cb) = waiter {
            executor::spawn(Box::new(move || cb(Ok(None))));
        }
        if free {
            send_free(inner);
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if !self.state.get_mut().server_freed {
            send_free(self);
        }
    }
}

fn send_free(inner: &Inner) {
    let args = FetchArgs {
        req_id: inner.req_id,
        id: inner.id,
    };
    let text = Envelope::new("free_result", args).to_json();
    // No reply exists for free_result; a dead connection freed everything anyway.
    let _ = inner.link.send_oneway(Outgoing::Text(text.into_bytes()));
}

/// Sends the next fetch if none is in flight, the stream is not finished and fewer than
/// PREFETCH blocks are buffered (or an async waiter needs one).
fn maybe_fetch(inner: &Arc<Inner>) {
    {
        let mut st = inner.state.lock();
        let want = st.ready.len() < PREFETCH || st.waiter.is_some();
        if st.in_flight || st.end.is_some() || st.stopped || !want {
            return;
        }
        st.in_flight = true;
    }
    // Lock released: a dead link calls the waiter inline, which takes the lock again.
    let target = inner.clone();
    if inner.legacy {
        let build = |rid| {
            Outgoing::Text(
                Envelope::new(
                    "fetch",
                    FetchArgs {
                        req_id: rid,
                        id: inner.id,
                    },
                )
                .to_json()
                .into_bytes(),
            )
        };
        inner.link.request(
            0,
            None,
            None,
            Box::new(move |r| on_legacy_fetch(target, r)),
            build,
        );
    } else {
        let id = inner.id;
        inner.link.request(
            0,
            None,
            None,
            Box::new(move |r| deliver(&target, parse_raw_reply(r))),
            |rid| Outgoing::Binary(binary::encode_fetch_raw_block(rid, id)),
        );
    }
}

fn text_error(t: &[u8]) -> Error {
    match std::str::from_utf8(t)
        .map_err(|_| ())
        .and_then(|s| json::parse_reply::<json::ErrorReply>(s).map_err(|_| ()))
    {
        Ok(r) => r.error().unwrap_or_else(|| {
            Error::new(
                codes::TSDB_CODE_INVALID_MSG,
                "unexpected text reply to a fetch",
            )
        }),
        Err(_) => Error::new(codes::TSDB_CODE_INVALID_MSG, "malformed reply to a fetch"),
    }
}

fn parse_raw_reply(r: std::result::Result<Reply, Error>) -> Result<Option<Block>> {
    let frame = match r? {
        Reply::Binary(f) => f,
        Reply::Text(t) => return Err(text_error(&t)),
    };
    let (start, len) = {
        let reply = binary::parse_raw_block_reply(&frame)?;
        match reply.body {
            RawBlockReplyBody::Block(b) => (b.as_ptr() as usize - frame.as_ptr() as usize, b.len()),
            RawBlockReplyBody::End => return Ok(None),
            RawBlockReplyBody::Error { code, message } => {
                return Err(Error::from_wire(code, message.to_string()))
            }
        }
    };
    Block::from_frame(frame, start, len).map(Some)
}

fn on_legacy_fetch(inner: Arc<Inner>, r: std::result::Result<Reply, Error>) {
    let reply = match r {
        Ok(Reply::Text(t)) => std::str::from_utf8(&t)
            .map_err(|_| Error::new(codes::TSDB_CODE_INVALID_MSG, "fetch reply is not UTF-8"))
            .and_then(json::parse_reply::<FetchReply>),
        Ok(Reply::Binary(_)) => Err(Error::new(
            codes::TSDB_CODE_INVALID_MSG,
            "unexpected binary reply to fetch",
        )),
        Err(e) => Err(e),
    };
    let reply = match reply {
        Ok(r) => r,
        Err(e) => return deliver(&inner, Err(e)),
    };
    if let Some(e) = reply.error() {
        return deliver(&inner, Err(e));
    }
    if reply.completed {
        return deliver(&inner, Ok(None));
    }
    let id = inner.id;
    let target = inner.clone();
    inner.link.request(
        0,
        Some(id),
        None,
        Box::new(move |r| {
            let out = match r {
                Ok(Reply::Binary(frame)) => match binary::parse_fetch_block(&frame) {
                    Ok(fb) => {
                        let (start, len) = (
                            fb.block.as_ptr() as usize - frame.as_ptr() as usize,
                            fb.block.len(),
                        );
                        Block::from_frame(frame, start, len).map(Some)
                    }
                    Err(e) => Err(e),
                },
                Ok(Reply::Text(t)) => Err(text_error(&t)),
                Err(e) => Err(e),
            };
            deliver(&target, out);
        }),
        |rid| {
            Outgoing::Text(
                Envelope::new("fetch_block", FetchArgs { req_id: rid, id })
                    .to_json()
                    .into_bytes(),
            )
        },
    );
}

/// Stores a fetch outcome (runs on the reader thread) and wakes whoever waits.
fn deliver(inner: &Arc<Inner>, out: Result<Option<Block>>) {
    let handoff = {
        let mut st = inner.state.lock();
        st.in_flight = false;
        if !st.stopped {
            match out {
                Ok(Some(b)) => st.ready.push_back(b),
                Ok(None) => {
                    st.end = Some(Ok(()));
                    st.server_freed = true;
                }
                Err(e) => {
                    // The server frees a result after a fetch error; a lost connection
                    // freed it too.
                    st.end = Some(Err(e));
                    st.server_freed = true;
                }
            }
        }
        let value = if let Some(b) = st.ready.pop_front() {
            if st.waiter.is_some() {
                Some(Ok(Some(b)))
            } else {
                st.ready.push_front(b);
                None
            }
        } else if st.waiter.is_some() {
            st.end.clone().map(|e| e.map(|_| None))
        } else {
            None
        };
        value.and_then(|v| st.waiter.take().map(|cb| (cb, v)))
    };
    inner.cond.notify_all();
    if let Some((cb, v)) = handoff {
        executor::spawn(Box::new(move || cb(v)));
    }
    maybe_fetch(inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_view_is_valid() {
        let v = unreachable_view();
        assert_eq!((v.rows(), v.cols()), (1, 0));
    }

    #[test]
    fn block_from_frame_validates() {
        let mut b = taos_wire::BlockBuilder::new(vec![taos_wire::ColumnSchema::new(4, 4)]);
        b.push_i32(0, 7);
        let raw = b.finish(1, 0);
        let mut frame = vec![9u8; 10];
        frame.extend_from_slice(&raw);
        let blk = Block::from_frame(frame.clone(), 10, raw.len()).unwrap();
        assert_eq!(blk.rows(), 1);
        assert_eq!(blk.bytes(), &raw[..]);
        assert_eq!(blk.view().fixed_cell(0, 0), &7i32.to_le_bytes());
        assert!(Block::from_frame(frame.clone(), 10, raw.len() + 1).is_err());
        assert!(Block::from_frame(frame, 0, 10).is_err());
        assert!(Block::from_vec(vec![0xff; 40]).is_err());
    }
}
