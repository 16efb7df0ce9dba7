//! The connection core: writer lock, pending-request map, reader thread.
use super::frame::{opcode, FrameReader, FrameWriter, Incoming};
use super::{handshake, tcp};
use crossbeam_channel::bounded;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};
use taos_wire::error::codes;
use taos_wire::TaosError;

/// A reply frame routed to its request.
#[derive(Debug)]
pub enum Reply {
    /// A JSON text reply (bytes of the text frame).
    Text(Vec<u8>),
    /// A binary reply (`fetch_raw_block` reply or legacy `fetch_block` frame).
    Binary(Vec<u8>),
}

/// A request frame to send.
#[derive(Debug)]
pub enum Outgoing {
    /// JSON text frame.
    Text(Vec<u8>),
    /// Binary frame.
    Binary(Vec<u8>),
}

/// Receives the reply (or the error that replaced it) exactly once.
///
/// Waiters run on the socket reader thread (or on the thread that found the connection
/// dead): they must be short and must never block on another reply. User callbacks are
/// never run here; the client posts them to its callback executor.
pub type Waiter = Box<dyn FnOnce(Result<Reply, TaosError>) + Send>;

/// Where and how to open the WebSocket.
#[derive(Debug, Clone)]
pub struct WsTransportOptions {
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Request path including any query string, e.g. `/ws` or `/ws?token=...`.
    pub path: String,
    /// Budget for TCP connect plus the HTTP upgrade.
    pub connect_timeout: Duration,
    /// Default per-request reply timeout.
    pub read_timeout: Duration,
    /// `Some` for `wss://`.
    pub tls: Option<super::tls::TlsOptions>,
}

/// The write side of the socket: plain TCP or TLS.
type BoxWrite = Box<dyn Write + Send>;

/// What the reader thread reads from.
enum ReadSide {
    Plain(TcpStream),
    Tls(super::tls::Session, TcpStream),
}

struct Entry {
    waiter: Waiter,
    deadline: Instant,
    result_key: Option<u64>,
}

#[derive(Default)]
struct Pending {
    /// Set once the connection is unusable; every later request fails with it.
    dead: Option<TaosError>,
    by_req: HashMap<u64, Entry>,
    /// Legacy `fetch_block` replies carry only the result id: result id → req_id.
    by_result: HashMap<u64, u64>,
}

struct Shared {
    writer: Mutex<FrameWriter<BoxWrite>>,
    /// Frames queued by the reader thread while another thread held the writer (see
    /// `Link::write`).
    deferred: Mutex<Vec<(u8, Vec<u8>)>>,
    pending: Mutex<Pending>,
    /// A clone of the socket used only to shut it down.
    sock: TcpStream,
    closing: AtomicBool,
    next_id: AtomicU64,
    read_timeout: Duration,
    peer: String,
}

/// A cheap, clonable handle for sending requests on one connection. Does not keep the
/// connection open: when the owning [`WsTransport`] is closed, requests fail.
#[derive(Clone)]
pub struct Link(Arc<Shared>);

/// The owner of one WebSocket connection and its reader thread. Closing (explicitly or on
/// drop) sends a close frame, shuts the socket down and joins the reader thread.
pub struct WsTransport {
    link: Link,
    reader: Mutex<Option<JoinHandle<()>>>,
    reader_id: ThreadId,
}

/// How often the reader thread wakes up to expire timed-out requests.
const TICK: Duration = Duration::from_millis(250);

/// `now + d`, capped (a huge configured timeout must not overflow `Instant`).
pub(crate) fn deadline_after(d: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(d)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86400))
}

fn lost(msg: impl Into<String>) -> TaosError {
    TaosError::new(codes::TSDB_CODE_RPC_NETWORK_UNAVAIL, msg)
}

impl WsTransport {
    /// Connects TCP, upgrades to WebSocket and starts the reader thread.
    pub fn connect(opts: &WsTransportOptions) -> Result<WsTransport, TaosError> {
        let deadline = deadline_after(opts.connect_timeout);
        let addr = format!("{}:{}", opts.host, opts.port);
        let unable = |what: String| {
            TaosError::new(
                codes::TSDB_CODE_RPC_NETWORK_UNAVAIL,
                format!("Unable to establish connection: {what}"),
            )
        };
        let mut stream = tcp::connect(&opts.host, opts.port, opts.connect_timeout)
            .map_err(|e| unable(format!("connect to {addr} failed: {e}")))?;
        let left = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(10));
        let setup = |s: &TcpStream, rt: Option<Duration>, wt: Option<Duration>| -> io::Result<()> {
            s.set_read_timeout(rt)?;
            s.set_write_timeout(wt)
        };
        setup(&stream, Some(left), Some(left))
            .map_err(|e| unable(format!("socket setup failed: {e}")))?;
        let host_header = if opts.host.contains(':') && !opts.host.starts_with('[') {
            format!("[{}]:{}", opts.host, opts.port)
        } else {
            addr.clone()
        };
        let mut tls_sess = match &opts.tls {
            Some(t) => Some(super::tls::handshake(&mut stream, &opts.host, t)?),
            None => None,
        };
        let upgraded = match tls_sess.as_mut() {
            Some(sess) => handshake::upgrade(
                &mut super::tls::UpgradeStream {
                    sess,
                    tcp: &mut stream,
                },
                &host_header,
                &opts.path,
            ),
            None => handshake::upgrade(&mut stream, &host_header, &opts.path),
        };
        let leftover = match upgraded {
            Ok(l) => l,
            Err(handshake::UpgradeError::Status(401, body)) => {
                return Err(TaosError::new(
                    codes::TSDB_CODE_MND_AUTH_FAILURE,
                    format!(
                        "WebSocket upgrade on {addr}{} unauthorized (HTTP 401): {body}",
                        opts.path
                    ),
                ))
            }
            Err(handshake::UpgradeError::Status(code, body)) => {
                return Err(unable(format!(
                    "WebSocket upgrade on {addr}{} failed with HTTP {code}: {body}",
                    opts.path
                )))
            }
            Err(handshake::UpgradeError::Io(e)) => {
                return Err(unable(format!(
                    "WebSocket handshake with {addr} failed: {e}"
                )))
            }
        };
        // The reader wakes up every TICK to expire requests; writes may block up to the
        // request timeout before the connection is declared broken.
        setup(
            &stream,
            Some(TICK),
            Some(opts.read_timeout.max(Duration::from_secs(1))),
        )
        .map_err(|e| unable(format!("socket setup failed: {e}")))?;
        let clone = |s: &TcpStream| {
            s.try_clone()
                .map_err(|e| unable(format!("socket clone failed: {e}")))
        };
        let sock = clone(&stream)?;
        let (read_side, write_side): (ReadSide, BoxWrite) = match tls_sess {
            Some(sess) => {
                let sess = Arc::new(Mutex::new(sess));
                let writer = super::tls::TlsWriter {
                    sess: sess.clone(),
                    tcp: clone(&stream)?,
                    out: Vec::new(),
                };
                (ReadSide::Tls(sess, stream), Box::new(writer))
            }
            None => (ReadSide::Plain(clone(&stream)?), Box::new(stream)),
        };
        let seed = id_seed();
        let shared = Arc::new(Shared {
            writer: Mutex::new(FrameWriter::new(write_side)),
            deferred: Mutex::new(Vec::new()),
            pending: Mutex::new(Pending::default()),
            sock,
            closing: AtomicBool::new(false),
            next_id: AtomicU64::new(seed),
            read_timeout: opts.read_timeout,
            peer: addr,
        });
        let reader_shared = shared.clone();
        let handle = std::thread::Builder::new()
            .name("taos-ws-reader".into())
            .spawn(move || reader_loop(reader_shared, read_side, leftover))
            .map_err(|e| {
                TaosError::new(
                    codes::TSDB_CODE_OUT_OF_MEMORY,
                    format!("cannot start reader thread: {e}"),
                )
            })?;
        let reader_id = handle.thread().id();
        Ok(WsTransport {
            link: Link(shared),
            reader: Mutex::new(Some(handle)),
            reader_id,
        })
    }

    /// A handle for sending requests.
    pub fn link(&self) -> &Link {
        &self.link
    }

    /// Closes the connection (idempotent): close frame, socket shutdown, reader joined,
    /// pending requests failed.
    pub fn close(&self) {
        let s = &self.link.0;
        if !s.closing.swap(true, Ordering::SeqCst) {
            if let Some(mut w) = s.writer.try_lock_for(Duration::from_millis(200)) {
                // Status 1000 (normal closure).
                let _ = w.write_frame(opcode::CLOSE, &[&1000u16.to_be_bytes()]);
            }
            let _ = s.sock.shutdown(Shutdown::Both);
        }
        // Never join ourselves (a waiter dropping the last owner on the reader thread).
        if std::thread::current().id() != self.reader_id {
            if let Some(h) = self.reader.lock().take() {
                let _ = h.join();
            }
        }
        s.fail_all(lost("connection closed"));
    }
}

impl Drop for WsTransport {
    fn drop(&mut self) {
        self.close();
    }
}

fn id_seed() -> u64 {
    // High bits from pid and clock so ids differ between processes and connections; the
    // low 32 bits count. Never 0.
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let pid = std::process::id() as u64;
    let mix = (t ^ (pid << 40) ^ (pid >> 3)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mix & 0xFFFF_FFFF_0000_0000) | 1
}

impl Link {
    /// True while the socket is up and not closed.
    pub fn is_alive(&self) -> bool {
        !self.0.closing.load(Ordering::Relaxed) && self.0.pending.lock().dead.is_none()
    }

    /// The configured default request timeout.
    pub fn read_timeout(&self) -> Duration {
        self.0.read_timeout
    }

    /// A fresh non-zero request id.
    pub fn next_req_id(&self) -> u64 {
        loop {
            let id = self.0.next_id.fetch_add(1, Ordering::Relaxed);
            if id != 0 {
                return id;
            }
        }
    }

    /// Registers `waiter`, builds the frame with the chosen req_id and sends it.
    ///
    /// `req_id` 0, or one already in flight on this connection, is replaced by a generated
    /// id (replies are matched by it). `result_key` also registers the waiter for a binary
    /// reply whose first u64 is not the `u64::MAX` marker, matched by the u64 at offset 8:
    /// the result id of a legacy query `fetch_block`, or the `fetch` req_id that a TMQ
    /// `fetch_block`/`fetch_raw` reply echoes there. Returns the req_id used. On failure the
    /// waiter gets the error (on the calling thread).
    pub fn request(
        &self,
        req_id: u64,
        result_key: Option<u64>,
        timeout: Option<Duration>,
        waiter: Waiter,
        build: impl FnOnce(u64) -> Outgoing,
    ) -> u64 {
        let s = &self.0;
        let deadline = deadline_after(timeout.unwrap_or(s.read_timeout));
        let id;
        {
            let mut p = s.pending.lock();
            if let Some(e) = &p.dead {
                let e = e.clone();
                drop(p);
                waiter(Err(e));
                return req_id;
            }
            let mut rid = req_id;
            while rid == 0 || p.by_req.contains_key(&rid) {
                rid = self.next_req_id();
            }
            if let Some(k) = result_key {
                if p.by_result.contains_key(&k) {
                    drop(p);
                    waiter(Err(TaosError::new(
                        codes::TSDB_CODE_TSC_ACTION_IN_PROGRESS,
                        "a fetch for this result is already in flight",
                    )));
                    return rid;
                }
                p.by_result.insert(k, rid);
            }
            p.by_req.insert(
                rid,
                Entry {
                    waiter,
                    deadline,
                    result_key,
                },
            );
            id = rid;
        }
        let out = build(id);
        if let Err(e) = self.write(out) {
            let entry = {
                let mut p = s.pending.lock();
                let entry = p.by_req.remove(&id);
                if let Some(k) = result_key {
                    p.by_result.remove(&k);
                }
                entry
            };
            if let Some(entry) = entry {
                (entry.waiter)(Err(e));
            }
        }
        id
    }

    /// Sends a request and blocks for its reply (bounded by the request timeout).
    pub fn call(
        &self,
        req_id: u64,
        timeout: Option<Duration>,
        build: impl FnOnce(u64) -> Outgoing,
    ) -> Result<Reply, TaosError> {
        let (tx, rx) = bounded(1);
        self.request(
            req_id,
            None,
            timeout,
            Box::new(move |r| {
                let _ = tx.send(r);
            }),
            build,
        );
        // The reader thread expires the request at its deadline and fails everything when
        // the socket dies, so this always returns; the extra margin is only a safety net.
        let limit = timeout
            .unwrap_or(self.0.read_timeout)
            .saturating_add(Duration::from_secs(5));
        match rx.recv_timeout(limit) {
            Ok(r) => r,
            Err(_) => Err(TaosError::new(
                codes::TSDB_CODE_TIMEOUT_ERROR,
                "request timed out waiting for the server",
            )),
        }
    }

    /// Sends a frame that gets no reply (e.g. `free_result`). Errors are returned but the
    /// caller may ignore them.
    pub fn send_oneway(&self, out: Outgoing) -> Result<(), TaosError> {
        if let Some(e) = &self.0.pending.lock().dead {
            return Err(e.clone());
        }
        self.write(out)
    }

    fn write(&self, out: Outgoing) -> Result<(), TaosError> {
        let s = &self.0;
        let (op, bytes) = match out {
            Outgoing::Text(b) => (opcode::TEXT, b),
            Outgoing::Binary(b) => (opcode::BINARY, b),
        };
        if IN_READER.with(|f| f.get()) {
            // The reader thread must never block on the writer: a writer stuck on a full
            // send buffer may be waiting for the peer, which may be waiting for us to read.
            s.deferred.lock().push((op, bytes));
            s.flush_deferred();
            return Ok(());
        }
        let r = {
            let mut w = s.writer.lock();
            let r = w.write_frame(op, &[&bytes]);
            s.drain_deferred(&mut w);
            r
        };
        s.flush_deferred();
        r.map_err(|e| s.broken(e))
    }
}

thread_local! {
    /// Set on socket reader threads.
    static IN_READER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Shared {
    /// A failed or timed-out write leaves the stream in an unknown state: kill the socket so
    /// the reader fails every pending request too.
    fn broken(&self, e: io::Error) -> TaosError {
        let _ = self.sock.shutdown(Shutdown::Both);
        lost(format!(
            "connection to {} lost while sending: {e}",
            self.peer
        ))
    }

    fn drain_deferred(&self, w: &mut FrameWriter<BoxWrite>) {
        let frames = std::mem::take(&mut *self.deferred.lock());
        for (op, b) in frames {
            if let Err(e) = w.write_frame(op, &[&b]) {
                self.broken(e);
                return;
            }
        }
    }

    /// Writes queued frames if the writer is free; otherwise its holder will. Checked again
    /// after every release so no frame is stranded.
    fn flush_deferred(&self) {
        while !self.deferred.lock().is_empty() {
            match self.writer.try_lock() {
                Some(mut w) => self.drain_deferred(&mut w),
                None => return,
            }
        }
    }
}

impl Shared {
    fn fail_all(&self, err: TaosError) {
        let entries: Vec<Entry> = {
            let mut p = self.pending.lock();
            if p.dead.is_none() {
                p.dead = Some(err.clone());
            }
            p.by_result.clear();
            p.by_req.drain().map(|(_, e)| e).collect()
        };
        for e in entries {
            (e.waiter)(Err(err.clone()));
        }
    }

    fn expire(&self) {
        let now = Instant::now();
        let expired: Vec<Entry> = {
            let mut p = self.pending.lock();
            if p.by_req.is_empty() {
                return;
            }
            let ids: Vec<u64> = p
                .by_req
                .iter()
                .filter(|(_, e)| e.deadline <= now)
                .map(|(k, _)| *k)
                .collect();
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(e) = p.by_req.remove(&id) {
                    if let Some(k) = e.result_key {
                        p.by_result.remove(&k);
                    }
                    out.push(e);
                }
            }
            out
        };
        for e in expired {
            (e.waiter)(Err(TaosError::new(
                codes::TSDB_CODE_TIMEOUT_ERROR,
                "request timed out waiting for the server",
            )));
        }
    }

    fn take_by_req(&self, req_id: u64) -> Option<Entry> {
        let mut p = self.pending.lock();
        let e = p.by_req.remove(&req_id)?;
        if let Some(k) = e.result_key {
            p.by_result.remove(&k);
        }
        Some(e)
    }

    fn take_by_result(&self, result_id: u64) -> Option<Entry> {
        let mut p = self.pending.lock();
        let rid = p.by_result.remove(&result_id)?;
        p.by_req.remove(&rid)
    }

    fn route(&self, msg: Incoming) -> bool {
        match msg {
            Incoming::Text(t) => {
                let Some(req_id) = json_req_id(&t) else {
                    return true;
                };
                if let Some(e) = self.take_by_req(req_id) {
                    (e.waiter)(Ok(Reply::Text(t)));
                }
            }
            Incoming::Binary(b) => {
                if b.len() < 16 {
                    return true;
                }
                let first = u64_le(&b, 0);
                let entry = if first == u64::MAX {
                    // fetch_raw_block reply: req_id at offset 26.
                    if b.len() < 34 {
                        return true;
                    }
                    self.take_by_req(u64_le(&b, 26))
                } else {
                    // Legacy fetch_block: timing, result id, block.
                    self.take_by_result(u64_le(&b, 8))
                };
                if let Some(e) = entry {
                    (e.waiter)(Ok(Reply::Binary(b)));
                }
            }
            Incoming::Ping(p) => {
                self.deferred.lock().push((opcode::PONG, p));
                self.flush_deferred();
            }
            Incoming::Pong => {}
            Incoming::Close(_) => {
                if !self.closing.swap(true, Ordering::SeqCst) {
                    self.deferred.lock().push((opcode::CLOSE, Vec::new()));
                    self.flush_deferred();
                }
                self.fail_all(lost(format!(
                    "connection lost: server {} closed the connection",
                    self.peer
                )));
                return false;
            }
        }
        true
    }
}

fn u64_le(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

/// Extracts `req_id` from a JSON reply without building the whole value.
fn json_req_id(t: &[u8]) -> Option<u64> {
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(default)]
        req_id: u64,
    }
    serde_json::from_slice::<Head>(t).ok().map(|h| h.req_id)
}

/// The reader's view of the socket: read timeouts are ticks (expire requests, check for
/// shutdown), never errors, so a frame is never abandoned half-read.
struct TickingRead {
    stream: TcpStream,
    shared: Arc<Shared>,
}

impl Read for TickingRead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.stream.read(buf) {
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    if self.shared.closing.load(Ordering::Relaxed) {
                        return Err(io::Error::new(
                            io::ErrorKind::ConnectionAborted,
                            "connection closed",
                        ));
                    }
                    self.shared.expire();
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                r => return r,
            }
        }
    }
}

fn reader_loop(shared: Arc<Shared>, side: ReadSide, leftover: Vec<u8>) {
    IN_READER.with(|f| f.set(true));
    let src: Box<dyn Read> = match side {
        ReadSide::Plain(stream) => Box::new(TickingRead {
            stream,
            shared: shared.clone(),
        }),
        ReadSide::Tls(sess, stream) => Box::new(super::tls::TlsReader::new(
            sess,
            TickingRead {
                stream,
                shared: shared.clone(),
            },
        )),
    };
    let mut reader = FrameReader::new(src, leftover);
    let mut last_expire = Instant::now();
    loop {
        match reader.read_message() {
            Ok(msg) => {
                if !shared.route(msg) {
                    break;
                }
                // Busy connections never hit a read timeout: expire on a clock too.
                if last_expire.elapsed() >= TICK {
                    shared.expire();
                    last_expire = Instant::now();
                }
            }
            Err(e) => {
                let err = if shared.closing.load(Ordering::Relaxed) {
                    lost("connection closed")
                } else {
                    lost(format!(
                        "connection lost: connection to {} failed: {e}",
                        shared.peer
                    ))
                };
                shared.fail_all(err);
                break;
            }
        }
    }
    let _ = shared.sock.shutdown(Shutdown::Both);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn req_id_extraction() {
        assert_eq!(json_req_id(br#"{"code":0,"message":"","action":"query","req_id":18446744073709551615,"timing":1}"#), Some(u64::MAX));
        assert_eq!(
            json_req_id(br#"{"code":1,"message":"x","action":""}"#),
            Some(0)
        );
        assert_eq!(json_req_id(b"garbage"), None);
    }

    #[test]
    fn id_seed_nonzero() {
        assert_ne!(id_seed(), 0);
    }
}
