//! The `/rest/tmq` socket (ws-stmt-sml-tmq.md §4): one consumer per socket, created by the
//! first successful `subscribe`; poll with the single-message cache and its resend rule;
//! the fetch paths A (`fetch` + `fetch_block`), B (`fetch_raw`) and C (`fetch_raw_data`);
//! commit / committed / position / seek / assignment / list_topics / unsubscribe.
//!
//! Threads: the socket's reader answers every action except `poll`; polls go to a per-socket
//! worker (one running, one queued, a newer poll replacing the queued one without a reply),
//! as taosAdapter serializes them. `blocking_time` is capped at 30 s.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::net::TcpStream;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use serde_json::Value as JsonValue;
use taos_wire::error::{codes, TaosError};
use taos_wire::json::tmq::*;
use taos_wire::tmq::{
    encode_fetch_raw_data, encode_fetch_raw_data_error, encode_tmq_fetch_block,
    encode_tmq_fetch_raw,
};

use super::envelope;
use super::frame::{self, opcode, FrameError, Incoming, WsWriter};
use super::reply::{elapsed_ns, Json, Out};
use crate::engine::SERVER_VERSION;
use crate::server::ServerState;
use crate::tmq::{ConsumerConfig, Message, Reset};

/// Longest a single `poll` may block the socket.
const MAX_BLOCKING: Duration = Duration::from_secs(30);

/// Native keys `tmq_conf_set` accepts (§4.2).
const KNOWN_KEYS: &[&str] = &[
    "group.id",
    "client.id",
    "enable.auto.commit",
    "enable.wal.marker",
    "auto.commit.interval.ms",
    "session.timeout.ms",
    "heartbeat.interval.ms",
    "max.poll.interval.ms",
    "auto.offset.reset",
    "msg.with.table.name",
    "experimental.snapshot.enable",
    "td.connect.ip",
    "td.connect.user",
    "td.connect.pass",
    "td.connect.token",
    "td.connect.port",
    "td.connect.db",
    "enable.replay",
    "msg.consume.excluded",
    "msg.consume.rawdata",
    "fetch.max.wait.ms",
    "min.poll.rows",
    "msg.enable.batchmeta",
];

/// The message a poll handed out, with the block cursor of path A.
struct Cached {
    id: u64,
    msg: Message,
    /// Next block `fetch` returns.
    cursor: usize,
    /// Block index and `req_id` of the last `fetch` that returned a block.
    fetched: Option<(usize, u64)>,
}

/// Per-socket TMQ state.
pub struct TmqSession {
    shared: Arc<ServerState>,
    peer_ip: String,
    consumer: Option<i64>,
    subscribed: bool,
    last_id: u64,
    cached: Option<Cached>,
    /// Adapter-side auto-commit: interval and next due time.
    auto_commit: Option<(Duration, Instant)>,
}

impl Drop for TmqSession {
    fn drop(&mut self) {
        // Closing the socket unsubscribes and closes the consumer.
        if let Some(id) = self.consumer {
            self.shared.engine.tmq().close_consumer(id);
        }
    }
}

fn err_json(e: &TaosError, action: &str, req_id: u64, start: Instant) -> Json {
    Json::common(e.wire_code(), &e.message, action, req_id, elapsed_ns(start))
}

fn adapter(msg: &str) -> TaosError {
    TaosError::adapter(msg)
}

/// Go's `strconv.ParseBool`.
fn go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn non_empty(o: &Option<String>) -> Option<&str> {
    o.as_deref().filter(|s| !s.is_empty())
}

impl TmqSession {
    /// A session for a new socket.
    pub fn new(shared: Arc<ServerState>, peer_ip: String) -> Self {
        TmqSession {
            shared,
            peer_ip,
            consumer: None,
            subscribed: false,
            last_id: 0,
            cached: None,
            auto_commit: None,
        }
    }

    /// Handles one text frame; malformed frames and unknown actions get no reply. A `poll`
    /// is not run here: it is returned for the socket's poll worker.
    pub fn on_text(&mut self, data: &[u8]) -> Step {
        let start = Instant::now();
        let Ok(env) = envelope::parse(data) else {
            return Step::Reply(None);
        };
        let args = env.args.as_ref();
        let action = env.action.as_str();
        let out = match action {
            "version" => {
                let req_id = envelope::lenient_req_id(args);
                Some(
                    Json::common(0, "", "version", req_id, elapsed_ns(start))
                        .field("version", SERVER_VERSION)
                        .out(),
                )
            }
            "subscribe" => {
                envelope::decode::<TmqSubscribeArgs>(args).map(|a| self.subscribe(&a, start))
            }
            "poll" => {
                return match envelope::decode::<TmqPollArgs>(args) {
                    Some(a) => Step::Poll(a, start),
                    None => Step::Reply(None),
                }
            }
            _ => {
                let known = matches!(
                    action,
                    "fetch"
                        | "fetch_block"
                        | "fetch_raw"
                        | "fetch_raw_data"
                        | "fetch_json_meta"
                        | "commit"
                        | "commit_offset"
                        | "committed"
                        | "position"
                        | "seek"
                        | "assignment"
                        | "list_topics"
                        | "unsubscribe"
                );
                if !known || args.is_none() {
                    return Step::Reply(None);
                }
                match self.consumer {
                    None => Some(self.not_init(action, args, start)),
                    Some(id) => self.action(id, action, args, start),
                }
            }
        };
        Step::Reply(out)
    }

    fn not_init(&self, action: &str, args: Option<&JsonValue>, start: Instant) -> Out {
        let req_id = envelope::lenient_req_id(args);
        if action == "fetch_raw_data" {
            let mid = args
                .and_then(|a| a.get("message_id"))
                .and_then(JsonValue::as_u64)
                .unwrap_or(0);
            return Out::Binary(encode_fetch_raw_data_error(
                elapsed_ns(start),
                req_id,
                mid,
                &adapter("tmq not init"),
            ));
        }
        Json::common(0xffff, "tmq not init", action, req_id, elapsed_ns(start)).out()
    }

    fn action(
        &mut self,
        id: i64,
        action: &str,
        args: Option<&JsonValue>,
        start: Instant,
    ) -> Option<Out> {
        match action {
            "fetch" | "fetch_block" | "fetch_raw" | "fetch_raw_data" | "fetch_json_meta" => {
                let a = envelope::decode::<TmqMessageArgs>(args)?;
                Some(self.fetch(action, &a, start))
            }
            "commit" => {
                let a = envelope::decode::<TmqMessageArgs>(args)?;
                Some(match self.shared.engine.tmq().commit_all(id) {
                    Ok(()) => Json::common(0, "", "commit", a.req_id, elapsed_ns(start))
                        .field("message_id", a.message_id)
                        .out(),
                    Err(e) => err_json(&e, "commit", a.req_id, start).out(),
                })
            }
            "commit_offset" | "seek" => {
                let a = envelope::decode::<TmqOffsetArgs>(args)?;
                let b = self.shared.engine.tmq();
                let r = if action == "seek" {
                    b.seek(id, &a.topic, a.vgroup_id, a.offset)
                } else {
                    b.commit_offset(id, &a.topic, a.vgroup_id, a.offset)
                };
                Some(match r {
                    Ok(()) if action == "seek" => {
                        Json::common(0, "", action, a.req_id, elapsed_ns(start)).out()
                    }
                    Ok(()) => Json::common(0, "", action, a.req_id, elapsed_ns(start))
                        .field("topic", &a.topic)
                        .field("vgroup_id", a.vgroup_id)
                        .field("offset", a.offset)
                        .out(),
                    Err(e) => err_json(&e, action, a.req_id, start).out(),
                })
            }
            "committed" | "position" => {
                let a = envelope::decode::<TmqTopicVgroupArgs>(args)?;
                let b = self.shared.engine.tmq();
                let r: Result<Vec<i64>, TaosError> = a
                    .topic_vgroup_ids
                    .iter()
                    .map(|p| {
                        if action == "committed" {
                            b.committed(id, &p.topic, p.vgroup_id)
                        } else {
                            b.position(id, &p.topic, p.vgroup_id)
                        }
                    })
                    .collect();
                Some(match r {
                    Ok(v) => Json::common(0, "", action, a.req_id, elapsed_ns(start))
                        .field(action, v)
                        .out(),
                    Err(e) => err_json(&e, action, a.req_id, start).out(),
                })
            }
            "assignment" => {
                let a = envelope::decode::<TmqTopicArgs>(args)?;
                Some(match self.shared.engine.tmq().assignment(id, &a.topic) {
                    Ok(v) => {
                        let list: Vec<TmqAssignment> = v
                            .into_iter()
                            .map(|x| TmqAssignment {
                                vgroup_id: x.vgroup_id,
                                offset: x.offset,
                                begin: x.begin,
                                end: x.end,
                            })
                            .collect();
                        Json::common(0, "", action, a.req_id, elapsed_ns(start))
                            .field("assignment", list)
                            .out()
                    }
                    Err(e) => err_json(&e, action, a.req_id, start).out(),
                })
            }
            "list_topics" => {
                let req_id = envelope::lenient_req_id(args);
                let topics = self.shared.engine.tmq().topics_of(id);
                Some(
                    Json::common(0, "", action, req_id, elapsed_ns(start))
                        .field("topics", topics)
                        .out(),
                )
            }
            "unsubscribe" => {
                let req_id = envelope::lenient_req_id(args);
                self.shared.engine.tmq().unsubscribe(id);
                self.subscribed = false;
                self.cached = None;
                Some(Json::common(0, "", action, req_id, elapsed_ns(start)).out())
            }
            _ => None,
        }
    }

    /// Builds the native configuration and validates it (§4.2); errors are replies.
    fn consumer_config(
        &self,
        a: &TmqSubscribeArgs,
    ) -> Result<(ConsumerConfig, Option<Duration>), TaosError> {
        let mut conf: BTreeMap<String, String> = BTreeMap::new();
        let mut set = |k: &str, v: Option<&str>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                conf.insert(k.to_string(), v.to_string());
            }
        };
        set("group.id", Some(&a.group_id));
        set("client.id", a.client_id.as_deref());
        set(
            "auto.offset.reset",
            non_empty(&a.offset_reset).or(non_empty(&a.offset_rest)),
        );
        set("experimental.snapshot.enable", a.snapshot_enable.as_deref());
        set("msg.with.table.name", a.with_table_name.as_deref());
        set("msg.enable.batchmeta", a.enable_batch_meta.as_deref());
        set("msg.consume.excluded", a.msg_consume_excluded.as_deref());
        set("msg.consume.rawdata", a.msg_consume_rawdata.as_deref());
        set("session.timeout.ms", a.session_timeout_ms.as_deref());
        set("max.poll.interval.ms", a.max_poll_interval_ms.as_deref());
        for (k, v) in a.config.iter().flatten() {
            if !matches!(
                k.as_str(),
                "td.connect.user" | "td.connect.pass" | "td.connect.ip" | "td.connect.port"
            ) {
                set(k, Some(v));
            }
        }
        let bad_value = |k: &str, v: &str| {
            TaosError::new(
                codes::TSDB_CODE_INVALID_PARA,
                format!("invalid value for key '{k}': {v}"),
            )
        };
        let in_range =
            |v: &str, lo: i64, hi: i64| v.parse::<i64>().is_ok_and(|n| n >= lo && n <= hi);
        for (k, v) in &conf {
            if !KNOWN_KEYS.contains(&k.as_str()) {
                return Err(TaosError::new(
                    codes::TSDB_CODE_INVALID_PARA,
                    format!("unknown configuration key: {k}"),
                ));
            }
            let ok = match k.as_str() {
                "auto.offset.reset" => Reset::parse(v).is_some(),
                "session.timeout.ms" => in_range(v, 6000, 1_800_000),
                "max.poll.interval.ms" => in_range(v, 1000, i64::from(i32::MAX)),
                "auto.commit.interval.ms" => in_range(v, 0, i64::from(i32::MAX)),
                "enable.auto.commit"
                | "msg.with.table.name"
                | "experimental.snapshot.enable"
                | "enable.replay" => matches!(v.to_ascii_lowercase().as_str(), "true" | "false"),
                _ => true,
            };
            if !ok {
                return Err(bad_value(k, v));
            }
        }
        let group = conf.get("group.id").cloned().unwrap_or_default();
        if group.is_empty() || group.contains(':') {
            return Err(adapter(&format!("invalid group id: '{group}'")));
        }
        let reset = conf
            .get("auto.offset.reset")
            .and_then(|v| Reset::parse(v))
            .unwrap_or_default();
        // Adapter-side auto-commit (§4.5.3).
        let auto = match non_empty(&a.auto_commit) {
            None => false,
            Some(v) => go_bool(v).ok_or_else(|| {
                adapter(&format!(
                    "strconv.ParseBool: parsing \"{v}\": invalid syntax"
                ))
            })?,
        };
        let interval = match non_empty(&a.auto_commit_interval_ms) {
            None => 5000,
            Some(v) => v.parse::<i64>().map_err(|_| {
                adapter(&format!(
                    "strconv.ParseInt: parsing \"{v}\": invalid syntax"
                ))
            })?,
        };
        let parameters = conf
            .iter()
            .map(|(k, v)| format!("{k}:{v}"))
            .collect::<Vec<_>>()
            .join(",");
        let cfg = ConsumerConfig {
            group,
            client_id: conf.get("client.id").cloned().unwrap_or_default(),
            user: a.user.clone(),
            fqdn: non_empty(&a.ip).unwrap_or(&self.peer_ip).to_string(),
            reset,
            parameters,
        };
        let auto = auto.then(|| Duration::from_millis(interval.max(0) as u64));
        Ok((cfg, auto))
    }

    fn subscribe(&mut self, a: &TmqSubscribeArgs, start: Instant) -> Out {
        let fail = |e: &TaosError| err_json(e, "subscribe", a.req_id, start).out();
        if self.subscribed {
            return fail(&adapter("tmq should have unsubscribed first"));
        }
        let broker = self.shared.engine.tmq();
        match self.consumer {
            // After unsubscribe: the existing consumer takes the new topic list.
            Some(id) => {
                if let Err(e) = broker.subscribe(id, &a.topics) {
                    return fail(&e);
                }
            }
            None => {
                let (cfg, auto) = match self.consumer_config(a) {
                    Ok(x) => x,
                    Err(e) => return fail(&e),
                };
                if !self.shared.check_user(&a.user, &a.password) {
                    return fail(&adapter("Authentication failure"));
                }
                match broker.create_consumer(cfg, &a.topics) {
                    Ok(id) => self.consumer = Some(id),
                    Err(e) => return fail(&e),
                }
                self.auto_commit = auto.map(|d| (d, Instant::now() + d));
            }
        }
        self.subscribed = true;
        let mut reply = Json::common(0, "", "subscribe", a.req_id, elapsed_ns(start))
            .field("version", SERVER_VERSION);
        if a.list_instances == Some(true) {
            reply = reply.field("list_instances", Vec::<String>::new());
        }
        reply.out()
    }

    fn poll_reply(&self, req_id: u64, start: Instant) -> Out {
        let j = Json::common(0, "", "poll", req_id, elapsed_ns(start));
        match &self.cached {
            Some(c) => j
                .field("have_message", true)
                .field("topic", &c.msg.topic)
                .field("database", &c.msg.db)
                .field("vgroup_id", c.msg.vgroup_id)
                .field("message_type", c.msg.kind)
                .field("message_id", c.id)
                .field("offset", c.msg.offset)
                .out(),
            None => j.out(),
        }
    }

    fn empty_poll(req_id: u64, start: Instant) -> Out {
        Json::common(0, "", "poll", req_id, elapsed_ns(start))
            .field("have_message", false)
            .field("topic", "")
            .field("database", "")
            .field("vgroup_id", 0)
            .field("message_type", 0)
            .field("message_id", 0)
            .field("offset", 0)
            .out()
    }

    /// First half of a poll, under the session lock: the resend rule and auto-commit.
    /// `Err` is an immediate reply; `Ok` is what to wait for without the lock.
    fn poll_begin(&mut self, a: &TmqPollArgs, start: Instant) -> Result<(i64, Duration), Out> {
        let Some(id) = self.consumer else {
            return Err(Self::empty_poll(a.req_id, start));
        };
        // Lost-response protection (§4.4): re-send the cached message.
        if let (Some(mid), Some(c)) = (a.message_id, &self.cached) {
            if mid != c.id {
                return Err(self.poll_reply(a.req_id, start));
            }
        }
        if !self.subscribed {
            return Err(Self::empty_poll(a.req_id, start));
        }
        if let Some((every, next)) = self.auto_commit {
            if Instant::now() >= next {
                // Errors are only logged by the adapter.
                let _ = self.shared.engine.tmq().commit_all(id);
                self.auto_commit = Some((every, Instant::now() + every));
            }
        }
        let wait = Duration::from_millis(a.blocking_time.max(0) as u64).min(MAX_BLOCKING);
        Ok((id, wait))
    }

    /// Second half of a poll, under the session lock: cache the message and reply.
    fn poll_end(
        &mut self,
        a: &TmqPollArgs,
        r: Result<Option<Message>, TaosError>,
        start: Instant,
    ) -> Out {
        match r {
            Ok(Some(msg)) => {
                self.last_id += 1;
                self.cached = Some(Cached {
                    id: self.last_id,
                    msg,
                    cursor: 0,
                    fetched: None,
                });
                self.poll_reply(a.req_id, start)
            }
            Ok(None) => Self::empty_poll(a.req_id, start),
            Err(e) => err_json(&e, "poll", a.req_id, start).out(),
        }
    }

    /// Whether a queued poll may run (a consumer exists).
    fn can_poll(&self) -> bool {
        self.consumer.is_some()
    }

    fn fetch(&mut self, action: &str, a: &TmqMessageArgs, start: Instant) -> Out {
        let fail = |msg: &str| {
            let e = adapter(msg);
            if action == "fetch_raw_data" {
                Out::Binary(encode_fetch_raw_data_error(
                    elapsed_ns(start),
                    a.req_id,
                    a.message_id,
                    &e,
                ))
            } else {
                err_json(&e, action, a.req_id, start)
                    .field("message_id", a.message_id)
                    .out()
            }
        };
        let Some(c) = self.cached.as_mut() else {
            return fail("message has been freed");
        };
        if c.id != a.message_id {
            return fail(match action {
                "fetch" => "message ID are not equal",
                "fetch_block" => "message is nil",
                _ => "message ID is not equal",
            });
        }
        let is_data = matches!(c.msg.kind, TMQ_MESSAGE_DATA | TMQ_MESSAGE_METADATA);
        match action {
            "fetch" | "fetch_block" if !is_data => fail("message type is not data"),
            "fetch_json_meta" if c.msg.kind == TMQ_MESSAGE_DATA => fail(&format!(
                "message type can not get meta, type: {}",
                c.msg.kind
            )),
            "fetch" => {
                let j = Json::common(0, "", "fetch", a.req_id, elapsed_ns(start))
                    .field("message_id", c.id);
                let Some(b) = c.msg.blocks.get(c.cursor) else {
                    c.fetched = None;
                    return j
                        .field("completed", true)
                        .field("table_name", "")
                        .field("rows", 0)
                        .field("fields_count", 0)
                        .field("fields_names", JsonValue::Null)
                        .field("fields_types", JsonValue::Null)
                        .field("fields_lengths", JsonValue::Null)
                        .field("precision", 0)
                        .out();
                };
                c.fetched = Some((c.cursor, a.req_id));
                c.cursor += 1;
                let f = b.rs.fields();
                j.field("completed", false)
                    .field("table_name", &b.table)
                    .field("rows", b.rs.num_rows())
                    .field("fields_count", f.len())
                    .field(
                        "fields_names",
                        f.iter().map(|x| &x.name).collect::<Vec<_>>(),
                    )
                    .field("fields_types", f.iter().map(|x| x.ty).collect::<Vec<_>>())
                    .field(
                        "fields_lengths",
                        f.iter().map(|x| x.bytes).collect::<Vec<_>>(),
                    )
                    .field("precision", b.rs.precision())
                    .out()
            }
            "fetch_block" => {
                let Some((i, fetch_req)) = c.fetched else {
                    return fail("no fetch data");
                };
                let Some(b) = c.msg.blocks.get(i) else {
                    return fail("no fetch data");
                };
                let block = b.rs.encode_block(0, b.rs.num_rows());
                Out::Binary(encode_tmq_fetch_block(
                    elapsed_ns(start),
                    fetch_req,
                    c.id,
                    &block,
                ))
            }
            // tmq-raw: a meta message's raw payload is its JSON meta under the dev server's
            // own raw type (TDengine sends its binary DDL request), which `write_raw`
            // replays as DDL (ws/tmq_write/meta.rs), so tmq_get_raw + tmq_write_raw copy
            // schema changes too.
            "fetch_raw" | "fetch_raw_data" if !is_data => {
                let meta = serde_json::to_vec(c.msg.meta.as_ref().unwrap_or(&JsonValue::Null))
                    .unwrap_or_default();
                let ty = super::tmq_write::RAW_TYPE_JSON_META;
                Out::Binary(if action == "fetch_raw" {
                    encode_tmq_fetch_raw(elapsed_ns(start), a.req_id, c.id, ty, &meta)
                } else {
                    encode_fetch_raw_data(elapsed_ns(start), a.req_id, c.id, ty, &meta)
                })
            }
            "fetch_raw" => Out::Binary(encode_tmq_fetch_raw(
                elapsed_ns(start),
                a.req_id,
                c.id,
                c.msg.raw_type(),
                &c.msg.raw_data(),
            )),
            "fetch_raw_data" => Out::Binary(encode_fetch_raw_data(
                elapsed_ns(start),
                a.req_id,
                c.id,
                c.msg.raw_type(),
                &c.msg.raw_data(),
            )),
            _ => Json::common(0, "", action, a.req_id, elapsed_ns(start))
                .field("message_id", c.id)
                .field("data", c.msg.meta.clone().unwrap_or(JsonValue::Null))
                .out(),
        }
    }
}

/// What the reader thread does with a text frame.
pub enum Step {
    /// Send this reply (or nothing).
    Reply(Option<Out>),
    /// Hand this poll to the poll worker.
    Poll(TmqPollArgs, Instant),
}

/// The one-request poll queue shared by the reader and the poll worker.
#[derive(Default)]
struct PollQueue {
    pending: Option<(TmqPollArgs, Instant)>,
    closed: bool,
}

type Queue = Arc<(Mutex<PollQueue>, Condvar)>;

fn send(writer: &WsWriter, out: Out) -> bool {
    match out {
        Out::Text(t) => writer.text(&t),
        Out::Binary(b) => writer.binary(&b),
    }
    .is_ok()
}

/// Runs queued polls one at a time; a poll waits until the socket has a consumer.
fn poll_worker(session: Arc<Mutex<TmqSession>>, queue: Queue, writer: Arc<WsWriter>) {
    let (lock, cv) = &*queue;
    loop {
        let (a, start) = {
            let mut q = lock.lock();
            loop {
                if q.closed {
                    return;
                }
                if q.pending.is_some() && session.lock().can_poll() {
                    break;
                }
                cv.wait(&mut q);
            }
            match q.pending.take() {
                Some(p) => p,
                None => continue,
            }
        };
        let run = || {
            let begun = session.lock().poll_begin(&a, start);
            match begun {
                Err(out) => out,
                Ok((id, wait)) => {
                    let broker = session.lock().shared.engine.clone();
                    let r = broker.tmq().poll(id, wait);
                    session.lock().poll_end(&a, r, start)
                }
            }
        };
        let out = catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|_| {
            err_json(&adapter("internal error"), "poll", a.req_id, start).out()
        });
        if !send(&writer, out) {
            return;
        }
    }
}

/// Runs one upgraded `/rest/tmq` connection until it closes. Polls run on a worker thread
/// (one at a time, one queued; a newer poll replaces a queued one without a reply, §4.1);
/// every other action runs on this thread.
pub fn serve(
    mut reader: BufReader<TcpStream>,
    writer: Arc<WsWriter>,
    deflate: bool,
    shared: Arc<ServerState>,
    peer_ip: String,
) {
    let session = Arc::new(Mutex::new(TmqSession::new(shared, peer_ip)));
    let queue: Queue = Arc::default();
    let worker = {
        let (session, queue, writer) = (session.clone(), queue.clone(), writer.clone());
        std::thread::Builder::new()
            .name("tmq-poll".into())
            .spawn(move || poll_worker(session, queue, writer))
            .ok()
    };
    let mut frames = frame::MessageReader::new(deflate);
    loop {
        let out = match frames.read(&mut reader) {
            Ok(Incoming::Text(t)) => {
                // A bug must not take the socket down: a panicking action gets no reply,
                // like any request /rest/tmq cannot handle.
                let step = catch_unwind(AssertUnwindSafe(|| session.lock().on_text(&t)))
                    .unwrap_or(Step::Reply(None));
                let (lock, cv) = &*queue;
                match step {
                    Step::Reply(out) => {
                        if let Some(out) = out {
                            if !send(&writer, out) {
                                break;
                            }
                        }
                        // A subscribe may have released a queued poll: its reply goes first.
                        cv.notify_all();
                        None
                    }
                    Step::Poll(a, start) => {
                        lock.lock().pending = Some((a, start));
                        cv.notify_all();
                        None
                    }
                }
            }
            // Nothing is sent to /rest/tmq as binary; such frames are ignored.
            Ok(Incoming::Binary(_)) | Ok(Incoming::Pong) => None,
            Ok(Incoming::Ping(p)) => {
                let _ = writer.send(opcode::PONG, &p);
                None
            }
            Ok(Incoming::Close(p)) => {
                let _ = writer.send(opcode::CLOSE, p.get(..2).unwrap_or(&[]));
                break;
            }
            Err(FrameError::Protocol(code, why)) => {
                writer.close(code, why);
                break;
            }
            Err(FrameError::Io(_)) => break,
        };
        if let Some(out) = out {
            if !send(&writer, out) {
                break;
            }
        }
    }
    {
        let (lock, cv) = &*queue;
        lock.lock().closed = true;
        cv.notify_all();
    }
    // Closing the consumer now also ends a poll the worker is blocked in.
    let (engine, id) = {
        let mut s = session.lock();
        (s.shared.engine.clone(), s.consumer.take())
    };
    if let Some(id) = id {
        engine.tmq().close_consumer(id);
    }
    writer.shutdown();
    if let Some(w) = worker {
        let _ = w.join();
    }
}
