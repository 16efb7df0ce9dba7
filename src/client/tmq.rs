//! TMQ consumer over `/rest/tmq` (ws-stmt-sml-tmq.md §4): one WebSocket per consumer,
//! `subscribe` / `poll` / fetch / commit / offsets, client-side auto-commit.
//!
//! Data messages are read through path C (`fetch_raw_data`, whole message in one frame)
//! when the server is ≥ 3.3.2.0, else path A (`fetch` + `fetch_block` per block); either
//! way the whole message is fetched at poll time.
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use taos_wire::error::codes;
use taos_wire::json::tmq::TmqAssignment;
use taos_wire::json::{self, Envelope};
use taos_wire::tmq::{
    parse_fetch_raw_data, parse_tmq_fetch_block, parse_tmq_fetch_raw, FetchRawData,
};
use taos_wire::tmq_raw::{parse_tmq_raw_data, parse_tmq_raw_offsets};
use taos_wire::types as wt;

use super::config::{self, ConnectOptions};
use super::connection::parse_version;
use super::{err, Error, FieldInfo, Result};
use crate::transport::{Link, Outgoing, Reply, TlsOptions, WsTransport, WsTransportOptions};

/// Message type codes of a poll reply (§4.3).
pub mod message_type {
    /// Data.
    pub const DATA: i32 = 1;
    /// Table meta.
    pub const META: i32 = 2;
    /// Meta + data.
    pub const METADATA: i32 = 3;
    /// Raw data (`msg.consume.rawdata`).
    pub const RAWDATA: i32 = 4;
}

/// First server version serving `fetch_raw_data` (what the official client gates on).
const RAW_DATA_SINCE: [u32; 4] = [3, 3, 2, 0];
/// Default `auto.commit.interval.ms`.
const DEFAULT_AUTO_COMMIT_MS: u64 = 5000;
/// Longest single `poll` request when waiting without limit (keeps requests bounded).
const POLL_SLICE_MS: i64 = 1000;

/// Called with the result of each automatic commit (on the thread that polls).
pub type AutoCommitHook = Box<dyn Fn(Result<()>) + Send + Sync>;

/// Consumer settings, built from `tmq_conf_t` key/value pairs (native key names).
#[derive(Debug, Clone, Default)]
pub struct ConsumerConfig {
    /// Where and as whom to connect (`td.connect.*`, plus configuration defaults).
    pub opts: ConnectOptions,
    /// `group.id`.
    pub group_id: String,
    /// `client.id`.
    pub client_id: Option<String>,
    /// `auto.offset.reset`.
    pub offset_reset: Option<String>,
    /// `enable.auto.commit` (default true, as native).
    pub auto_commit: bool,
    /// `auto.commit.interval.ms`.
    pub auto_commit_interval: Duration,
    /// `experimental.snapshot.enable`.
    pub snapshot_enable: Option<String>,
    /// `msg.with.table.name`.
    pub with_table_name: Option<String>,
    /// `msg.enable.batchmeta`.
    pub enable_batch_meta: Option<String>,
    /// `msg.consume.excluded`.
    pub msg_consume_excluded: Option<String>,
    /// `msg.consume.rawdata`.
    pub msg_consume_rawdata: Option<String>,
    /// Every other dotted key (sent in `config`).
    pub extra: BTreeMap<String, String>,
}

impl ConsumerConfig {
    /// Builds the settings from validated native keys (lower case).
    pub fn from_entries(entries: &BTreeMap<String, String>) -> Result<Self> {
        let mut opts = ConnectOptions::default();
        let mut c = ConsumerConfig {
            auto_commit: true,
            auto_commit_interval: Duration::from_millis(DEFAULT_AUTO_COMMIT_MS),
            ..Default::default()
        };
        for (k, v) in entries {
            let v = v.clone();
            match k.as_str() {
                "td.connect.ip" => opts.host = v.clone(),
                "td.connect.port" => {
                    opts.port = v.trim().parse().map_err(|_| {
                        err(
                            codes::TSDB_CODE_INVALID_PARA,
                            format!("invalid td.connect.port: {v}"),
                        )
                    })?
                }
                "td.connect.user" => opts.user = v.clone(),
                "td.connect.pass" => opts.password = v.clone(),
                "td.connect.db" => opts.db = Some(v.clone()).filter(|s| !s.is_empty()),
                "td.connect.token" => opts.cloud_token = Some(v.clone()),
                "group.id" => c.group_id = v.clone(),
                "client.id" => c.client_id = Some(v.clone()),
                "auto.offset.reset" => c.offset_reset = Some(v.to_ascii_lowercase()),
                "enable.auto.commit" => c.auto_commit = v.eq_ignore_ascii_case("true"),
                "auto.commit.interval.ms" => {
                    let ms: u64 = v.trim().parse().unwrap_or(DEFAULT_AUTO_COMMIT_MS);
                    c.auto_commit_interval = Duration::from_millis(ms);
                }
                "experimental.snapshot.enable" => c.snapshot_enable = Some(v.clone()),
                "msg.with.table.name" => c.with_table_name = Some(v.clone()),
                "msg.enable.batchmeta" => c.enable_batch_meta = Some(v.clone()),
                "msg.consume.excluded" => c.msg_consume_excluded = Some(v.clone()),
                "msg.consume.rawdata" => c.msg_consume_rawdata = Some(v.clone()),
                _ => {}
            }
            // Dotted keys also travel in `config` (the adapter ignores the credentials there).
            if !matches!(
                k.as_str(),
                "group.id"
                    | "client.id"
                    | "auto.offset.reset"
                    | "enable.auto.commit"
                    | "auto.commit.interval.ms"
                    | "experimental.snapshot.enable"
                    | "msg.with.table.name"
                    | "msg.enable.batchmeta"
                    | "msg.consume.excluded"
                    | "msg.consume.rawdata"
                    | "td.connect.db"
                    | "td.connect.token"
            ) {
                c.extra.insert(k.clone(), v);
            }
        }
        // Native refuses a consumer without a group at creation.
        if c.group_id.is_empty() {
            return Err(err(
                codes::TSDB_CODE_INVALID_PARA,
                "group.id is not set: a consumer needs a consumer group",
            ));
        }
        if opts.user.is_empty() {
            opts.user = "root".into();
        }
        if opts.password.is_empty() && !entries.contains_key("td.connect.pass") {
            opts.password = "taosdata".into();
        }
        c.opts = opts;
        Ok(c)
    }
}

/// A topic list as a sorted set (native sorts and de-duplicates subscribe lists).
fn topic_set(topics: &[String]) -> std::collections::BTreeSet<&str> {
    topics.iter().map(String::as_str).collect()
}

/// One `assignment` entry (§4.5.1).
pub type Assignment = TmqAssignment;

/// Reply of `poll` (§4.3).
#[derive(Debug, Clone, Default, Deserialize)]
struct PollReply {
    #[serde(default)]
    have_message: bool,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    database: String,
    #[serde(default)]
    vgroup_id: i32,
    #[serde(default)]
    message_type: i32,
    #[serde(default)]
    message_id: u64,
    #[serde(default)]
    offset: i64,
}

/// Reply of `fetch` (path A, §4.6.1).
#[derive(Debug, Clone, Default, Deserialize)]
struct FetchReply {
    #[serde(default)]
    completed: bool,
    #[serde(default)]
    table_name: String,
    #[serde(default)]
    fields_names: Vec<String>,
    #[serde(default)]
    fields_types: Vec<u8>,
    #[serde(default)]
    fields_lengths: Vec<i64>,
    #[serde(default)]
    precision: u8,
}

/// The common head of every JSON reply.
#[derive(Deserialize)]
struct Head {
    #[serde(default)]
    code: u32,
    #[serde(default)]
    message: String,
}

/// One block of a data message with its schema.
#[derive(Debug, Clone)]
pub struct MessageBlock {
    /// Raw block bytes (query format).
    pub bytes: Vec<u8>,
    /// Columns of this block.
    pub fields: Vec<FieldInfo>,
    /// Timestamp precision.
    pub precision: u8,
    /// Child-table name (`""` when unknown).
    pub table_name: String,
}

/// Connection state shared by a consumer and its messages.
struct Shared {
    transport: WsTransport,
    raw_path: bool,
    /// Generous timeout for requests other than poll.
    timeout: Duration,
}

impl Shared {
    fn link(&self) -> &Link {
        self.transport.link()
    }

    /// Sends a JSON action and waits for its reply; a non-zero `code` is the error.
    fn call_text<T: DeserializeOwned>(
        &self,
        action: &str,
        timeout: Option<Duration>,
        args: impl FnOnce(u64) -> Value,
    ) -> Result<T> {
        let r = self.link().call(0, timeout.or(Some(self.timeout)), |rid| {
            Outgoing::Text(Envelope::new(action, args(rid)).to_json().into_bytes())
        })?;
        decode_text(r)
    }
}

fn decode_text<T: DeserializeOwned>(r: Reply) -> Result<T> {
    match r {
        Reply::Text(t) => {
            let s = std::str::from_utf8(&t)
                .map_err(|_| err(codes::TSDB_CODE_INVALID_MSG, "server reply is not UTF-8"))?;
            let head: Head = json::parse_reply(s)?;
            if head.code != 0 {
                return Err(Error::from_wire(head.code, head.message));
            }
            json::parse_reply(s)
        }
        Reply::Binary(_) => Err(err(codes::TSDB_CODE_INVALID_MSG, "unexpected binary reply")),
    }
}

/// TDengine schema width → the width `taos_fetch_fields` reports (native strips the
/// VARSTR header and counts NCHAR in characters).
fn user_width(ty: u8, bytes: i32) -> i64 {
    let b = bytes as i64;
    if ty == wt::TSDB_DATA_TYPE_NCHAR {
        ((b - 2) / 4).max(0)
    } else if wt::is_var(ty) && ty != wt::TSDB_DATA_TYPE_JSON {
        (b - 2).max(0)
    } else {
        b
    }
}

/// A polled message. Cheap to clone; blocks are consumed once, in order.
#[derive(Clone)]
pub struct Message {
    shared: Arc<Shared>,
    /// Server-assigned id (§4.4).
    pub message_id: u64,
    /// Topic name.
    pub topic: String,
    /// Database name.
    pub database: String,
    /// Vgroup id.
    pub vgroup_id: i32,
    /// Message type (see [`message_type`]).
    pub message_type: i32,
    /// `tmq_get_vgroup_offset` value.
    pub offset: i64,
    /// The vgroup's position right after this message (native `rspOffset`): what committing
    /// this message commits. `None` when the server could not tell (then
    /// [`Consumer::commit_message`] falls back to committing every consumed position).
    pub end_offset: Option<i64>,
    /// Columns of the first block (empty for meta messages).
    pub fields: Vec<FieldInfo>,
    /// Precision of the first block.
    pub precision: u8,
    /// Table name of the first block.
    pub table_name: String,
    /// Blocks not yet handed out (the whole message is fetched at poll time, so it stays
    /// readable after the next poll replaces the server's cached message).
    blocks: Arc<Mutex<VecDeque<MessageBlock>>>,
    /// The raw payload when it came with the message (path C): `raw()` needs no request.
    raw: Option<Arc<(u16, Vec<u8>)>>,
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Message")
            .field("message_id", &self.message_id)
            .field("topic", &self.topic)
            .field("message_type", &self.message_type)
            .finish()
    }
}

impl Message {
    /// True for messages with rows (data and meta+data).
    pub fn has_data(&self) -> bool {
        matches!(
            self.message_type,
            message_type::DATA | message_type::METADATA
        )
    }

    /// The next block of the message, `None` after the last one.
    pub fn next_block(&self) -> Result<Option<MessageBlock>> {
        Ok(self.blocks.lock().pop_front())
    }

    /// The message's raw payload (`tmq_get_raw`): (raw type, bytes), by `fetch_raw_data` or,
    /// on servers before 3.3.2.0, `fetch_raw`.
    pub fn raw(&self) -> Result<(u16, Vec<u8>)> {
        if let Some(r) = &self.raw {
            return Ok((r.0, r.1.clone()));
        }
        if self.shared.raw_path {
            fetch_raw_data(&self.shared, self.message_id)
        } else {
            fetch_raw_old(&self.shared, self.message_id)
        }
    }

    /// The JSON meta of a meta message (`fetch_json_meta`): the server's `data` value as it
    /// was sent (key order kept).
    pub fn json_meta(&self) -> Result<String> {
        let id = self.message_id;
        let r = self
            .shared
            .link()
            .call(0, Some(self.shared.timeout), |rid| {
                Outgoing::Text(
                    Envelope::new("fetch_json_meta", json!({"req_id": rid, "message_id": id}))
                        .to_json()
                        .into_bytes(),
                )
            })?;
        let text = match &r {
            Reply::Text(t) => String::from_utf8_lossy(t).into_owned(),
            Reply::Binary(_) => String::new(),
        };
        // Errors (and a non-text reply) are reported by the ordinary decoder.
        let _: Value = decode_text(r)?;
        Ok(raw_member(&text, "data").unwrap_or("null").to_string())
    }
}

/// The text of member `key` of the top-level JSON object `text` (None when absent).
fn raw_member<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    use serde::de::IgnoredAny;
    fn ws(text: &str, mut pos: usize) -> usize {
        while text
            .as_bytes()
            .get(pos)
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            pos += 1;
        }
        pos
    }
    // Length of the JSON value of type T at the start of `s`.
    fn span<T: serde::de::DeserializeOwned>(s: &str) -> Option<(T, usize)> {
        let mut it = serde_json::Deserializer::from_str(s).into_iter::<T>();
        let v = it.next()?.ok()?;
        Some((v, it.byte_offset()))
    }
    let mut pos = ws(text, 0);
    if text.as_bytes().get(pos) != Some(&b'{') {
        return None;
    }
    pos += 1;
    loop {
        pos = ws(text, pos);
        let (k, n) = span::<String>(text.get(pos..)?)?;
        pos = ws(text, pos + n);
        if text.as_bytes().get(pos) != Some(&b':') {
            return None;
        }
        pos = ws(text, pos + 1);
        let (_, n) = span::<IgnoredAny>(text.get(pos..)?)?;
        if k == key {
            return text.get(pos..pos + n);
        }
        pos = ws(text, pos + n);
        match text.as_bytes().get(pos) {
            Some(b',') => pos += 1,
            _ => return None,
        }
    }
}

/// Path C: the whole message in one binary frame.
fn fetch_raw_data(shared: &Shared, message_id: u64) -> Result<(u16, Vec<u8>)> {
    let r = shared.link().call(0, Some(shared.timeout), |rid| {
        Outgoing::Text(
            Envelope::new(
                "fetch_raw_data",
                json!({"req_id": rid, "message_id": message_id}),
            )
            .to_json()
            .into_bytes(),
        )
    })?;
    match r {
        Reply::Binary(b) => match parse_fetch_raw_data(&b)? {
            FetchRawData::Data(f) => Ok((f.raw_type, f.raw.to_vec())),
            FetchRawData::Error { code, message, .. } => {
                Err(Error::from_wire(code, message.into_owned()))
            }
        },
        // Errors of other kinds come back as JSON.
        r => decode_text::<Value>(r).and_then(|_| {
            Err(err(
                codes::TSDB_CODE_INVALID_MSG,
                "fetch_raw_data answered with text",
            ))
        }),
    }
}

/// Path B: `fetch_raw`, answered in the old framing (req_id at offset 8).
fn fetch_raw_old(shared: &Shared, message_id: u64) -> Result<(u16, Vec<u8>)> {
    let link = shared.link();
    let rid = link.next_req_id();
    let (tx, rx) = crossbeam_channel::bounded(1);
    link.request(
        rid,
        Some(rid),
        Some(shared.timeout),
        Box::new(move |r| {
            let _ = tx.send(r);
        }),
        |id| {
            Outgoing::Text(
                Envelope::new("fetch_raw", json!({"req_id": id, "message_id": message_id}))
                    .to_json()
                    .into_bytes(),
            )
        },
    );
    let reply = rx
        .recv_timeout(shared.timeout.saturating_add(Duration::from_secs(5)))
        .unwrap_or_else(|_| Err(err(codes::TSDB_CODE_TIMEOUT_ERROR, "no reply to fetch_raw")))?;
    match reply {
        Reply::Binary(b) => {
            let f = parse_tmq_fetch_raw(&b)?;
            Ok((f.raw_type, f.raw.to_vec()))
        }
        r => {
            decode_text::<Value>(r)?;
            Err(err(
                codes::TSDB_CODE_INVALID_MSG,
                "fetch_raw answered with text",
            ))
        }
    }
}

/// The message's end (native commits a message there: TDengine's `rspOffset`) from a raw
/// payload's offsets header: `None` unless it is a log version past the message's start
/// `start` (a message with rows always advances), so a payload that repeats the start or
/// carries a snapshot offset leaves the end to the `position` request.
fn end_from_raw(raw: &[u8], start: i64) -> Option<i64> {
    let rsp = parse_tmq_raw_offsets(raw).ok()?.rsp?;
    (rsp > start.max(-1)).then_some(rsp)
}

/// Splits a raw payload into owned blocks with their schemas.
pub fn blocks_from_raw(raw: &[u8]) -> Result<VecDeque<MessageBlock>> {
    Ok(parse_tmq_raw_data(raw)?
        .into_iter()
        .map(|b| MessageBlock {
            bytes: b.block.to_vec(),
            fields: b
                .columns
                .iter()
                .map(|c| FieldInfo {
                    name: c.name.clone(),
                    ty: c.ty,
                    bytes: user_width(c.ty, c.bytes),
                    precision: if c.ty == wt::TSDB_DATA_TYPE_TIMESTAMP {
                        b.precision
                    } else {
                        0
                    },
                    scale: 0,
                })
                .collect(),
            precision: b.precision,
            table_name: b.table_name.unwrap_or_default(),
        })
        .collect())
}

/// Path A: `fetch` then `fetch_block` with the same req_id; `None` when completed.
fn fetch_block_a(shared: &Shared, message_id: u64) -> Result<Option<MessageBlock>> {
    let link = shared.link();
    let rid = link.next_req_id();
    let r = link.call(rid, Some(shared.timeout), |id| {
        Outgoing::Text(
            Envelope::new("fetch", json!({"req_id": id, "message_id": message_id}))
                .to_json()
                .into_bytes(),
        )
    })?;
    let f: FetchReply = decode_text(r)?;
    if f.completed {
        return Ok(None);
    }
    let (tx, rx) = crossbeam_channel::bounded(1);
    // The binary reply echoes the fetch's req_id at offset 8 (§4.6.2).
    link.request(
        rid,
        Some(rid),
        Some(shared.timeout),
        Box::new(move |r| {
            let _ = tx.send(r);
        }),
        |id| {
            Outgoing::Text(
                Envelope::new(
                    "fetch_block",
                    json!({"req_id": id, "message_id": message_id}),
                )
                .to_json()
                .into_bytes(),
            )
        },
    );
    let reply = rx
        .recv_timeout(shared.timeout.saturating_add(Duration::from_secs(5)))
        .unwrap_or_else(|_| {
            Err(err(
                codes::TSDB_CODE_TIMEOUT_ERROR,
                "no reply to fetch_block",
            ))
        })?;
    let bytes = match reply {
        Reply::Binary(b) => parse_tmq_fetch_block(&b)?.block.to_vec(),
        r => {
            decode_text::<Value>(r)?;
            return Err(err(
                codes::TSDB_CODE_INVALID_MSG,
                "fetch_block answered with text",
            ));
        }
    };
    let fields = f
        .fields_names
        .iter()
        .zip(&f.fields_types)
        .zip(&f.fields_lengths)
        .map(|((n, &ty), &len)| FieldInfo {
            name: n.clone(),
            ty,
            bytes: len,
            precision: if ty == wt::TSDB_DATA_TYPE_TIMESTAMP {
                f.precision
            } else {
                0
            },
            scale: 0,
        })
        .collect();
    Ok(Some(MessageBlock {
        bytes,
        fields,
        precision: f.precision,
        table_name: f.table_name,
    }))
}

#[derive(Default)]
struct State {
    topics: Vec<String>,
    subscribed: bool,
    /// A subscribe succeeded once (native status READY: polls are no longer refused).
    ever_subscribed: bool,
    /// Last message id received (sent with each poll, committed by auto-commit).
    last_id: u64,
    last_commit: Option<Instant>,
}

/// A TMQ consumer: one `/rest/tmq` socket. Send + Sync.
pub struct Consumer {
    shared: Arc<Shared>,
    cfg: ConsumerConfig,
    server_version: String,
    state: Mutex<State>,
    /// Serialises polls (the server keeps one message per socket).
    poll_lock: Mutex<()>,
    auto_commit_hook: Option<AutoCommitHook>,
}

impl std::fmt::Debug for Consumer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Consumer")
            .field("server_version", &self.server_version)
            .finish()
    }
}

fn open(opts: &ConnectOptions) -> Result<WsTransport> {
    let mut last = None;
    for (host, port) in
        std::iter::once((opts.host.clone(), opts.port)).chain(opts.fallback.iter().cloned())
    {
        let t = WsTransportOptions {
            host,
            port,
            path: "/rest/tmq".into(),
            connect_timeout: opts.connect_timeout,
            read_timeout: opts.read_timeout,
            tls: opts.tls.then(|| TlsOptions {
                mode: opts.tls_mode,
                ca_file: opts.tls_ca.clone(),
            }),
        };
        match WsTransport::connect(&t) {
            Ok(tr) => return Ok(tr),
            Err(e) if e.code == codes::TSDB_CODE_RPC_NETWORK_UNAVAIL => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| err(codes::TSDB_CODE_RPC_NETWORK_UNAVAIL, "no endpoint")))
}

impl Consumer {
    /// Opens `/rest/tmq` and asks for the server version. Credentials are checked by the
    /// server at [`Consumer::subscribe`].
    pub fn new(cfg: ConsumerConfig, auto_commit_hook: Option<AutoCommitHook>) -> Result<Self> {
        let mut cfg = cfg;
        cfg.opts = cfg.opts.clone().resolved();
        config::log(
            2,
            format_args!("tmq: connecting to {}:{}", cfg.opts.host, cfg.opts.port),
        );
        let transport = open(&cfg.opts)?;
        let timeout = cfg.opts.read_timeout.max(Duration::from_secs(1));
        #[derive(Deserialize)]
        struct VersionReply {
            #[serde(default)]
            version: String,
        }
        let shared = Shared {
            transport,
            raw_path: false,
            timeout,
        };
        let v: VersionReply = shared.call_text(
            "version",
            Some(cfg.opts.connect_timeout),
            |rid| json!({ "req_id": rid }),
        )?;
        let raw_path = v.version.starts_with("3.x")
            || (!v.version.starts_with('2') && parse_version(&v.version) >= RAW_DATA_SINCE);
        Ok(Consumer {
            shared: Arc::new(Shared { raw_path, ..shared }),
            cfg,
            server_version: v.version,
            state: Mutex::new(State::default()),
            poll_lock: Mutex::new(()),
            auto_commit_hook,
        })
    }

    /// The server version reported by `version`.
    pub fn server_version(&self) -> &str {
        &self.server_version
    }

    /// The settings the consumer was built with.
    pub fn config(&self) -> &ConsumerConfig {
        &self.cfg
    }

    /// True when data messages are read with `fetch_raw_data` (path C).
    pub fn uses_raw_path(&self) -> bool {
        self.shared.raw_path
    }

    /// Subscribes to `topics` with the consumer's settings. Like native TDengine, a consumer
    /// that is already subscribed may subscribe again: to the same topics it is a no-op; to a
    /// different list the subscription is replaced and the vgroups of topics kept resume
    /// from their current positions (over `/rest/tmq`: `unsubscribe`, `subscribe`, `seek`).
    pub fn subscribe(&self, topics: &[String]) -> Result<()> {
        let (subscribed, current) = {
            let s = self.state.lock();
            (s.subscribed, s.topics.clone())
        };
        if !subscribed {
            return self.subscribe_wire(topics);
        }
        if topic_set(&current) == topic_set(topics) {
            // Native: the mnode answers TMQ_NO_NEED_REBALANCE, returned as success.
            return Ok(());
        }
        self.resubscribe(&current, topics)
    }

    /// Replaces the subscription `old` with `new`, keeping the positions of the vgroups of
    /// topics in both; on failure the old subscription is restored and the error returned.
    fn resubscribe(&self, old: &[String], new: &[String]) -> Result<()> {
        let _g = self.poll_lock.lock();
        let mut saved = Vec::new();
        for t in old {
            // A topic the server no longer knows has no positions worth keeping.
            for a in self.assignment(t).unwrap_or_default() {
                saved.push((t.clone(), a.vgroup_id, a.offset));
            }
        }
        let _: Value =
            self.shared
                .call_text("unsubscribe", None, |rid| json!({ "req_id": rid }))?;
        self.state.lock().subscribed = false;
        let (result, now) = match self.subscribe_wire(new) {
            Ok(()) => (Ok(()), new),
            Err(e) => (self.subscribe_wire(old).and(Err(e)), old),
        };
        for (t, vg, off) in saved {
            // A vgroup no longer assigned to this consumer refuses the seek: nothing to keep.
            if off >= 0 && now.contains(&t) {
                let _ = self.seek(&t, vg, off);
            }
        }
        result
    }

    /// The `subscribe` action itself.
    fn subscribe_wire(&self, topics: &[String]) -> Result<()> {
        #[derive(Serialize)]
        struct Args<'a> {
            req_id: u64,
            user: &'a str,
            password: &'a str,
            db: &'a str,
            group_id: &'a str,
            client_id: Option<&'a str>,
            offset_rest: Option<&'a str>,
            snapshot_enable: &'a str,
            with_table_name: &'a str,
            auto_commit: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            enable_batch_meta: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            msg_consume_excluded: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            msg_consume_rawdata: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            connector: Option<&'a str>,
            config: &'a BTreeMap<String, String>,
            topics: &'a [String],
        }
        let c = &self.cfg;
        let r: Result<Value> = self.shared.call_text("subscribe", None, |rid| {
            serde_json::to_value(Args {
                req_id: rid,
                user: &c.opts.user,
                password: &c.opts.password,
                db: c.opts.db.as_deref().unwrap_or(""),
                group_id: &c.group_id,
                client_id: c.client_id.as_deref(),
                offset_rest: c.offset_reset.as_deref(),
                snapshot_enable: c.snapshot_enable.as_deref().unwrap_or("false"),
                with_table_name: c.with_table_name.as_deref().unwrap_or("true"),
                // Auto-commit is done here, client side (§4.5.3).
                auto_commit: "false",
                enable_batch_meta: c.enable_batch_meta.as_deref(),
                msg_consume_excluded: c.msg_consume_excluded.as_deref(),
                msg_consume_rawdata: c.msg_consume_rawdata.as_deref(),
                connector: c.opts.connector.as_deref(),
                config: &c.extra,
                topics,
            })
            .unwrap_or(Value::Null)
        });
        r?;
        let mut s = self.state.lock();
        s.topics = topics.to_vec();
        s.subscribed = true;
        s.ever_subscribed = true;
        s.last_commit = Some(Instant::now());
        Ok(())
    }

    /// `unsubscribe` (frees the server's cached message).
    pub fn unsubscribe(&self) -> Result<()> {
        // Native: nothing to do (code 0) before a subscribe or when already unsubscribed.
        if !self.state.lock().subscribed {
            return Ok(());
        }
        self.final_commit();
        let _: Value =
            self.shared
                .call_text("unsubscribe", None, |rid| json!({ "req_id": rid }))?;
        let mut s = self.state.lock();
        s.topics.clear();
        s.subscribed = false;
        Ok(())
    }

    /// The topics of the current subscription (local copy).
    pub fn subscription(&self) -> Vec<String> {
        self.state.lock().topics.clone()
    }

    /// Commits all consumed positions before a poll when auto-commit is due.
    fn maybe_auto_commit(&self) {
        if !self.cfg.auto_commit {
            return;
        }
        let id = {
            let s = self.state.lock();
            let due = s
                .last_commit
                .is_none_or(|t| t.elapsed() >= self.cfg.auto_commit_interval);
            if !due || s.last_id == 0 {
                return;
            }
            s.last_id
        };
        let r = self.commit(id);
        self.state.lock().last_commit = Some(Instant::now());
        if let Some(h) = &self.auto_commit_hook {
            h(r);
        }
    }

    /// Waits up to `timeout_ms` (negative: without limit, 0: one immediate poll) for a
    /// message. Data messages come back with their first block already fetched.
    pub fn poll(&self, timeout_ms: i64) -> Result<Option<Message>> {
        let _g = self.poll_lock.lock();
        let (subscribed, ever) = {
            let s = self.state.lock();
            (s.subscribed, s.ever_subscribed)
        };
        if !ever {
            // Native refuses a poll before the first subscribe with this code.
            return Err(err(
                codes::TSDB_CODE_TMQ_INVALID_STATUS,
                "Invalid status, please subscribe topic first",
            ));
        }
        if !subscribed {
            // Native after unsubscribe: no topics, the poll waits out its timeout empty (a
            // negative timeout, which natively never returns, waits 1 s here).
            let ms = if timeout_ms < 0 { 1000 } else { timeout_ms };
            std::thread::sleep(Duration::from_millis(ms.unsigned_abs()));
            return Ok(None);
        }
        self.maybe_auto_commit();
        // A timeout too large for `Instant` waits without limit, like a negative one.
        let deadline = u64::try_from(timeout_ms)
            .ok()
            .and_then(|ms| Instant::now().checked_add(Duration::from_millis(ms)));
        loop {
            let wait = match deadline {
                None => POLL_SLICE_MS,
                // Long waits go out as several bounded polls.
                Some(d) => d
                    .saturating_duration_since(Instant::now())
                    .as_millis()
                    .min(60_000) as i64,
            };
            let last = self.state.lock().last_id;
            let req_timeout = self
                .shared
                .timeout
                .saturating_add(Duration::from_millis(wait as u64));
            let p: PollReply = self.shared.call_text(
                "poll",
                Some(req_timeout),
                |rid| json!({"req_id": rid, "blocking_time": wait, "message_id": last}),
            )?;
            if p.have_message {
                self.state.lock().last_id = p.message_id;
                let (topic, vgroup_id) = (p.topic.clone(), p.vgroup_id);
                let mut m = self.build_message(p)?;
                if m.end_offset.is_none() {
                    // No raw payload (path A, meta messages) or no log offset in it: the
                    // server reports the message's end as `position` until the next poll of
                    // this socket.
                    m.end_offset = self.position(&topic, vgroup_id).ok().filter(|&o| o >= 0);
                }
                return Ok(Some(m));
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(None);
            }
        }
    }

    fn build_message(&self, p: PollReply) -> Result<Message> {
        let mut m = Message {
            shared: self.shared.clone(),
            message_id: p.message_id,
            topic: p.topic,
            database: p.database,
            vgroup_id: p.vgroup_id,
            message_type: p.message_type,
            offset: p.offset,
            end_offset: None,
            fields: Vec::new(),
            precision: 0,
            table_name: String::new(),
            blocks: Arc::new(Mutex::new(VecDeque::new())),
            raw: None,
        };
        if !m.has_data() {
            return Ok(m);
        }
        let blocks = if self.shared.raw_path {
            let (ty, raw) = fetch_raw_data(&self.shared, m.message_id)?;
            let blocks = blocks_from_raw(&raw)?;
            m.end_offset = end_from_raw(&raw, m.offset);
            m.raw = Some(Arc::new((ty, raw)));
            blocks
        } else {
            let mut q = VecDeque::new();
            while let Some(b) = fetch_block_a(&self.shared, m.message_id)? {
                q.push_back(b);
            }
            q
        };
        if let Some(b) = blocks.front() {
            m.fields = b.fields.clone();
            m.precision = b.precision;
            m.table_name = b.table_name.clone();
        }
        m.blocks = Arc::new(Mutex::new(blocks));
        Ok(m)
    }

    /// Commits one message as native `tmq_commit_sync(tmq, msg)` does: only that message's
    /// (topic, vgroup), at the position right after it (`commit_offset`), so progress on
    /// other vgroups polled later is not committed with it.
    pub fn commit_message(&self, m: &Message) -> Result<()> {
        match m.end_offset {
            Some(end) => self.commit_offset(&m.topic, m.vgroup_id, end),
            None => self.commit(m.message_id),
        }
    }

    /// `commit` (the server commits every consumed position of the consumer), as native
    /// `tmq_commit_sync(tmq, NULL)`.
    pub fn commit(&self, message_id: u64) -> Result<()> {
        let _: Value = self.shared.call_text(
            "commit",
            None,
            |rid| json!({"req_id": rid, "message_id": message_id}),
        )?;
        Ok(())
    }

    /// `commit_offset` for one vgroup.
    pub fn commit_offset(&self, topic: &str, vgroup_id: i32, offset: i64) -> Result<()> {
        let _: Value = self.shared.call_text(
            "commit_offset",
            None,
            |rid| json!({"req_id": rid, "topic": topic, "vgroup_id": vgroup_id, "offset": offset}),
        )?;
        Ok(())
    }

    fn offsets(&self, action: &str, topic: &str, vgroup_id: i32) -> Result<i64> {
        let v: Value = self.shared.call_text(action, None, |rid| {
            json!({"req_id": rid, "topic_vgroup_ids": [{"topic": topic, "vgroup_id": vgroup_id}]})
        })?;
        v.get(action)
            .and_then(|a| a.get(0))
            .and_then(Value::as_i64)
            .ok_or_else(|| {
                err(
                    codes::TSDB_CODE_INVALID_MSG,
                    format!("{action} reply has no value"),
                )
            })
    }

    /// `committed` offset of one vgroup (TSDB_CODE_TMQ_NO_COMMITTED as a value when none).
    pub fn committed(&self, topic: &str, vgroup_id: i32) -> Result<i64> {
        self.offsets("committed", topic, vgroup_id)
    }

    /// `position` (next offset to consume) of one vgroup.
    pub fn position(&self, topic: &str, vgroup_id: i32) -> Result<i64> {
        self.offsets("position", topic, vgroup_id)
    }

    /// `seek` one vgroup to `offset`.
    pub fn seek(&self, topic: &str, vgroup_id: i32, offset: i64) -> Result<()> {
        let _: Value = self.shared.call_text(
            "seek",
            None,
            |rid| json!({"req_id": rid, "topic": topic, "vgroup_id": vgroup_id, "offset": offset}),
        )?;
        Ok(())
    }

    /// `assignment` of one topic: its vgroups with offsets.
    pub fn assignment(&self, topic: &str) -> Result<Vec<Assignment>> {
        #[derive(Deserialize)]
        struct R {
            #[serde(default)]
            assignment: Vec<Assignment>,
        }
        let r: R = self.shared.call_text(
            "assignment",
            None,
            |rid| json!({"req_id": rid, "topic": topic}),
        )?;
        Ok(r.assignment)
    }

    /// With auto-commit on, commits what was consumed (as native does on unsubscribe and
    /// close); errors only go to the auto-commit hook.
    fn final_commit(&self) {
        let id = self.state.lock().last_id;
        if self.cfg.auto_commit && id != 0 && self.shared.link().is_alive() {
            let r = self.commit(id);
            if let Some(h) = &self.auto_commit_hook {
                h(r);
            }
        }
    }

    /// Closes the consumer: the final auto-commit, then `unsubscribe` (native unsubscribes
    /// synchronously in close, so the group rebalances and the topic can be dropped as soon
    /// as this returns; closing the socket alone would leave that to the server's timing),
    /// then the socket.
    pub fn close(&self) {
        if self.state.lock().subscribed {
            self.final_commit();
            if self.shared.link().is_alive() {
                let _: Result<Value> =
                    self.shared
                        .call_text("unsubscribe", None, |rid| json!({ "req_id": rid }));
            }
            self.state.lock().subscribed = false;
        }
        self.shared.transport.close();
    }
}

// ---------------------------------------------------------------------------------------------
// Raw writes on `/ws` (taosX): binary actions 3, 4, 5 after the 24-byte client header
// (req_id, 0, action); the server answers with a JSON reply matched by req_id.

fn binary_call(
    conn: &super::Connection,
    req_id: u64,
    body: impl FnOnce(&mut Vec<u8>),
    action: u64,
) -> Result<()> {
    let mut payload = Vec::new();
    body(&mut payload);
    let r = conn.link().call(req_id, None, move |rid| {
        let mut out = Vec::with_capacity(24 + payload.len());
        out.extend_from_slice(&rid.to_le_bytes());
        out.extend_from_slice(&0u64.to_le_bytes());
        out.extend_from_slice(&action.to_le_bytes());
        out.extend_from_slice(&payload);
        Outgoing::Binary(out)
    })?;
    let _: Value = decode_text(r)?;
    Ok(())
}

/// `write_raw` (action 3): writes TMQ raw data (`tmq_get_raw` output) of type `raw_type`.
pub fn write_raw(conn: &super::Connection, raw_type: u16, data: &[u8]) -> Result<()> {
    let len = u32::try_from(data.len())
        .map_err(|_| err(codes::TSDB_CODE_INVALID_PARA, "raw data larger than 4 GiB"))?;
    binary_call(
        conn,
        0,
        |out| {
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&raw_type.to_le_bytes());
            out.extend_from_slice(data);
        },
        taos_wire::binary::ACTION_WRITE_RAW,
    )
}

/// `write_raw_block` (action 4) or, with `fields` (the C `TAOS_FIELD` array bytes),
/// `write_raw_block_with_fields` (action 5): writes `rows` rows of a raw block into `table`.
pub fn write_raw_block(
    conn: &super::Connection,
    rows: i32,
    table: &str,
    block: &[u8],
    fields: Option<&[u8]>,
    req_id: u64,
) -> Result<()> {
    let name_len = u16::try_from(table.len())
        .map_err(|_| err(codes::TSDB_CODE_INVALID_PARA, "table name too long"))?;
    let action = if fields.is_some() {
        taos_wire::binary::ACTION_WRITE_RAW_BLOCK_WITH_FIELDS
    } else {
        taos_wire::binary::ACTION_WRITE_RAW_BLOCK
    };
    binary_call(
        conn,
        req_id,
        |out| {
            out.extend_from_slice(&rows.to_le_bytes());
            out.extend_from_slice(&name_len.to_le_bytes());
            out.extend_from_slice(table.as_bytes());
            out.extend_from_slice(block);
            if let Some(f) = fields {
                out.extend_from_slice(f);
            }
        },
        action,
    )
}

#[cfg(test)]
mod tests {
    use super::{end_from_raw, raw_member};
    use taos_wire::tmq_raw::{encode_tmq_raw_data, encode_tmq_raw_data_span};

    #[test]
    fn end_comes_from_a_log_response_offset_past_the_start() {
        assert_eq!(
            end_from_raw(&encode_tmq_raw_data_span(5, 9, &[]), 5),
            Some(9)
        );
        assert_eq!(
            end_from_raw(&encode_tmq_raw_data_span(0, 1, &[]), 0),
            Some(1)
        );
        // Start repeated, end before the start, snapshot or skipped header, bad payload:
        // left to the `position` request.
        assert_eq!(end_from_raw(&encode_tmq_raw_data(5, &[]), 5), None);
        assert_eq!(end_from_raw(&encode_tmq_raw_data_span(5, 3, &[]), 5), None);
        assert_eq!(
            end_from_raw(&encode_tmq_raw_data_span(5, -1, &[]), -7),
            None
        );
        let mut snap = vec![1u8];
        snap.extend_from_slice(&5i64.to_le_bytes());
        snap.push(2);
        snap.extend_from_slice(&[9; 16]);
        snap.extend_from_slice(&0i32.to_le_bytes());
        assert_eq!(end_from_raw(&snap, 5), None);
        assert_eq!(end_from_raw(&[100, 1, 0, 0, 0, 9, 0, 0, 0, 0], 5), None);
        assert_eq!(end_from_raw(&[1, 2, 3], 0), None);
        assert_eq!(end_from_raw(&[], 0), None);
    }

    #[test]
    fn raw_member_keeps_the_value_text() {
        let t = r#" {"code":0, "message":"a \"data\": x","data" : {"z":1,"a":[1,2,{"b":null}]} ,"n":5}"#;
        assert_eq!(
            raw_member(t, "data"),
            Some(r#"{"z":1,"a":[1,2,{"b":null}]}"#)
        );
        assert_eq!(raw_member(t, "n"), Some("5"));
        assert_eq!(raw_member(t, "code"), Some("0"));
        assert_eq!(raw_member(t, "missing"), None);
        assert_eq!(raw_member(r#"{"data":null}"#, "data"), Some("null"));
        assert_eq!(raw_member("[1]", "data"), None);
        assert_eq!(raw_member(r#"{"data":"#, "data"), None);
    }
}
