//! TMQ (data subscription): configuration, topic lists, consumer, commit, offsets, message
//! accessors and the taosX raw-data functions (abi.md §1 H1–H5, I).
//!
//! `tmq_conf_*` / `tmq_list_*` are client-side data structures (with native's key
//! validation). The consumer is [`crate::client::tmq::Consumer`] (one `/rest/tmq` socket);
//! a polled message is a `TAOS_RES` of kind Tmq whose rows are read with the ordinary fetch
//! API (a [`Cursor`] over the message's blocks). Commit callbacks run once on a library
//! thread. `tmq_write_raw` and [`write_raw_block_from_c`] (the body of `taos_write_raw_block*`)
//! send the `/ws` binary actions 3, 4 and 5.
// Parameter names are the C names of taos.h (they appear in the generated header).
#![allow(non_snake_case)]
// Exports take C pointers whose validity is the C caller's contract (documented per
// function), like native.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use std::collections::BTreeMap;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use taos_wire::error::codes::{default_message, TSDB_CODE_INVALID_PARA};
use taos_wire::error::TaosError;

use crate::capi::boundary::{
    clear_last_error, copy_to_c_buf, cstr_arg, err, ffi_boundary, invalid_para, last_error,
    set_error, to_cstring,
};
use crate::capi::fetch::{BlockData, BlockResult, BlockSource, Cursor};
use crate::capi::handles::{
    conn_from_raw, conn_into_raw, conn_ref, res_into_raw, res_ref, ConnHandle, ResHandle, ResKind,
};
use crate::capi::misc::{call_back_on_library_thread, put, static_cstr, SendPtr};
use crate::capi::types::{
    tmq_commit_cb, tmq_commit_cb_fn, tmq_conf_res_t, tmq_conf_t, tmq_list_t, tmq_raw_data,
    tmq_res_t, tmq_t, tmq_topic_assignment, TmqCommitFn, TAOS, TAOS_FIELD, TAOS_RES,
    TMQ_CONF_INVALID, TMQ_CONF_OK, TMQ_CONF_UNKNOWN, TMQ_RES_DATA, TMQ_RES_INVALID,
    TMQ_RES_METADATA, TMQ_RES_RAWDATA, TMQ_RES_TABLE_META,
};
use crate::client::tmq::{
    message_type, write_raw, write_raw_block, AutoCommitHook, Consumer, ConsumerConfig, Message,
};
use crate::client::{Connection, FieldInfo};

// ---------------------------------------------------------------------------------------------
// Handles behind tmq_conf_t / tmq_list_t

const CONF_MAGIC: u64 = 0x544d_5143_4f4e_4621; // "TMQCONF!"
const LIST_MAGIC: u64 = 0x544d_514c_4953_5421; // "TMQLIST!"
const FREED_MAGIC: u64 = 0xdead_beef_dead_beef;

/// What lives behind a `tmq_conf_t *`: validated key/value pairs and the auto-commit
/// callback. A consumer copies what it needs, so the conf may be destroyed right after
/// `tmq_consumer_new`.
pub struct TmqConf {
    magic: u64,
    entries: BTreeMap<String, String>,
    /// `tmq_conf_set_auto_commit_cb`: the callback and its `param` (as an address).
    pub auto_commit_cb: Option<(TmqCommitFn, usize)>,
}

impl TmqConf {
    fn new() -> Self {
        TmqConf {
            magic: CONF_MAGIC,
            entries: BTreeMap::new(),
            auto_commit_cb: None,
        }
    }

    /// The value set for `key` (lower case), if any.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    /// Every key/value pair set, sorted by key.
    pub fn entries(&self) -> &BTreeMap<String, String> {
        &self.entries
    }

    /// Validates and stores one pair (native `tmq_conf_set` rules); keys are stored in
    /// lower case.
    pub fn set(&mut self, key: &str, value: &str) -> tmq_conf_res_t {
        let session_ms = self
            .get("session.timeout.ms")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(DEFAULT_SESSION_TIMEOUT_MS);
        let key = key.to_ascii_lowercase();
        let (rc, stored) = check_conf(&key, value, session_ms);
        if rc == TMQ_CONF_OK {
            self.entries.insert(key, stored.to_string());
        }
        rc
    }
}

/// Default of `session.timeout.ms` (TDengine), bounds `heartbeat.interval.ms`.
const DEFAULT_SESSION_TIMEOUT_MS: i64 = 12_000;
/// Longest stored group id / client id in bytes (TSDB_CGROUP_LEN / TSDB_CLIENT_ID_LEN - 1).
const MAX_GROUP_ID: usize = 192;
const MAX_CLIENT_ID: usize = 255;

fn is_bool(v: &str) -> bool {
    v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")
}

fn int_in(v: &str, lo: i64, hi: i64) -> bool {
    v.trim()
        .parse::<i64>()
        .is_ok_and(|n| (lo..=hi).contains(&n))
}

/// `v` cut to at most `max` bytes on a character boundary (native copies with a fixed size).
fn truncated(v: &str, max: usize) -> &str {
    if v.len() <= max {
        return v;
    }
    let mut end = max;
    while !v.is_char_boundary(end) {
        end -= 1;
    }
    &v[..end]
}

/// Native `tmq_conf_set` rules (TDengine's clientTmq.c): keys are case-insensitive;
/// `TMQ_CONF_UNKNOWN` for a key the consumer does not know, `TMQ_CONF_INVALID` for a value
/// it rejects. Returns the result and, when OK, the value to store.
fn check_conf<'v>(key: &str, v: &'v str, session_ms: i64) -> (tmq_conf_res_t, &'v str) {
    const MAX: i64 = i32::MAX as i64;
    let ok = match key {
        // ':' separates group and topic in the server's subscription keys.
        "group.id" => {
            return if v.contains(':') {
                (TMQ_CONF_INVALID, v)
            } else {
                (TMQ_CONF_OK, truncated(v, MAX_GROUP_ID))
            }
        }
        "client.id" => return (TMQ_CONF_OK, truncated(v, MAX_CLIENT_ID)),
        "td.connect.ip" | "td.connect.user" | "td.connect.pass" | "td.connect.token"
        | "td.connect.db" => true,
        "enable.auto.commit"
        | "msg.with.table.name"
        | "experimental.snapshot.enable"
        | "enable.replay"
        | "enable.wal.marker" => is_bool(v),
        "auto.commit.interval.ms" => int_in(v, 0, MAX),
        "session.timeout.ms" => int_in(v, 6_000, 1_800_000),
        "heartbeat.interval.ms" => int_in(v, 1_000, session_ms - 1),
        "max.poll.interval.ms" => int_in(v, 1_000, MAX),
        "auto.offset.reset" => ["none", "earliest", "latest"]
            .iter()
            .any(|x| v.eq_ignore_ascii_case(x)),
        "td.connect.port" => int_in(v, 1, 65_535),
        // Native reads these as integers (non-zero = on) and never rejects them.
        "msg.consume.excluded" | "msg.consume.rawdata" | "msg.enable.batchmeta" => true,
        "fetch.max.wait.ms" | "min.poll.rows" => int_in(v, 1, MAX),
        _ => return (TMQ_CONF_UNKNOWN, v),
    };
    if ok {
        (TMQ_CONF_OK, v)
    } else {
        (TMQ_CONF_INVALID, v)
    }
}

/// What lives behind a `tmq_list_t *`: topic names plus a NULL-terminated array of pointers
/// to them for `tmq_list_to_c_array`.
pub struct TmqList {
    magic: u64,
    items: Vec<CString>,
    ptrs: Vec<*mut c_char>,
}

impl TmqList {
    fn new() -> Self {
        TmqList {
            magic: LIST_MAGIC,
            items: Vec::new(),
            ptrs: vec![std::ptr::null_mut()],
        }
    }

    /// The topics, in insertion order (lossy UTF-8).
    pub fn topics(&self) -> Vec<String> {
        self.items
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect()
    }

    fn push(&mut self, topic: CString) {
        self.items.push(topic);
        // CString data lives on the heap: pointers stay valid when `items` reallocates.
        self.ptrs = self
            .items
            .iter()
            .map(|c| c.as_ptr() as *mut c_char)
            .collect();
        self.ptrs.push(std::ptr::null_mut());
    }
}

/// Borrows the configuration behind a `tmq_conf_t *` (NULL / not a conf: INVALID_PARA).
pub fn conf_mut<'a>(ptr: *mut tmq_conf_t) -> Result<&'a mut TmqConf, TaosError> {
    if ptr.is_null() || !ptr.cast::<TmqConf>().is_aligned() {
        return Err(err(TSDB_CODE_INVALID_PARA, "Invalid tmq_conf_t handle"));
    }
    // SAFETY: C contract: the pointer came from tmq_conf_new; the magic catches most misuse.
    let c = unsafe { &mut *(ptr as *mut TmqConf) };
    if c.magic != CONF_MAGIC {
        return Err(err(
            TSDB_CODE_INVALID_PARA,
            "Invalid tmq_conf_t handle (destroyed?)",
        ));
    }
    Ok(c)
}

/// Borrows the list behind a `tmq_list_t *` (NULL / not a list: INVALID_PARA).
pub fn list_mut<'a>(ptr: *mut tmq_list_t) -> Result<&'a mut TmqList, TaosError> {
    if ptr.is_null() || !ptr.cast::<TmqList>().is_aligned() {
        return Err(err(TSDB_CODE_INVALID_PARA, "Invalid tmq_list_t handle"));
    }
    // SAFETY: C contract: the pointer came from tmq_list_new; the magic catches most misuse.
    let l = unsafe { &mut *(ptr as *mut TmqList) };
    if l.magic != LIST_MAGIC {
        return Err(err(
            TSDB_CODE_INVALID_PARA,
            "Invalid tmq_list_t handle (destroyed?)",
        ));
    }
    Ok(l)
}

// ---------------------------------------------------------------------------------------------
// H1. configuration and topic list

/// Creates an empty consumer configuration; release with `tmq_conf_destroy`.
#[no_mangle]
pub extern "C" fn tmq_conf_new() -> *mut tmq_conf_t {
    ffi_boundary!("tmq_conf_new", {
        Ok(Box::into_raw(Box::new(TmqConf::new())) as *mut tmq_conf_t)
    })
}

/// Sets `key` (case-insensitive) to `value`. Returns `TMQ_CONF_OK`, `TMQ_CONF_INVALID`
/// (bad value, NULL argument or invalid conf) or `TMQ_CONF_UNKNOWN` (key the consumer does
/// not know). Known keys: group.id, client.id, enable.auto.commit, auto.commit.interval.ms,
/// auto.offset.reset, session.timeout.ms, heartbeat.interval.ms, max.poll.interval.ms,
/// msg.with.table.name, experimental.snapshot.enable, enable.replay, enable.wal.marker,
/// msg.consume.excluded, msg.consume.rawdata, msg.enable.batchmeta, fetch.max.wait.ms,
/// min.poll.rows, td.connect.{ip,port,user,pass,token,db}.
///
/// # Safety
/// `key` / `value` must be NULL or NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn tmq_conf_set(
    conf: *mut tmq_conf_t,
    key: *const c_char,
    value: *const c_char,
) -> tmq_conf_res_t {
    ffi_boundary!("tmq_conf_set", {
        let Ok(c) = conf_mut(conf) else {
            return Ok(TMQ_CONF_INVALID);
        };
        if key.is_null() || value.is_null() {
            return Ok(TMQ_CONF_INVALID);
        }
        // SAFETY: non-NULL, NUL-terminated per the caller's contract.
        let (k, v) = unsafe { (CStr::from_ptr(key), CStr::from_ptr(value)) };
        let Ok(k) = k.to_str() else {
            return Ok(TMQ_CONF_UNKNOWN);
        };
        let Ok(v) = v.to_str() else {
            return Ok(TMQ_CONF_INVALID);
        };
        Ok(c.set(k, v))
    })
}

/// Destroys a configuration (NULL is a no-op). Safe right after `tmq_consumer_new`.
#[no_mangle]
pub extern "C" fn tmq_conf_destroy(conf: *mut tmq_conf_t) {
    ffi_boundary!("tmq_conf_destroy", {
        if let Ok(c) = conf_mut(conf) {
            c.magic = FREED_MAGIC;
            // SAFETY: checked above that conf is a live Box<TmqConf>.
            drop(unsafe { Box::from_raw(conf as *mut TmqConf) });
        }
        Ok(())
    })
}

/// Sets the callback run after each automatic commit, as `cb(tmq, code, param)` on a
/// library thread. NULL `cb` removes it.
///
/// # Safety
/// `cb` must be NULL or a function of the `tmq_commit_cb` type.
#[no_mangle]
pub unsafe extern "C" fn tmq_conf_set_auto_commit_cb(
    conf: *mut tmq_conf_t,
    cb: *mut tmq_commit_cb,
    param: *mut c_void,
) {
    ffi_boundary!("tmq_conf_set_auto_commit_cb", {
        let c = conf_mut(conf)?;
        // SAFETY: `cb` is NULL or a C function of the tmq_commit_cb type (C contract).
        c.auto_commit_cb = unsafe { tmq_commit_cb_fn(cb) }.map(|f| (f, param as usize));
        Ok(())
    })
}

/// Creates an empty topic list; release with `tmq_list_destroy`.
#[no_mangle]
pub extern "C" fn tmq_list_new() -> *mut tmq_list_t {
    ffi_boundary!("tmq_list_new", {
        Ok(Box::into_raw(Box::new(TmqList::new())) as *mut tmq_list_t)
    })
}

/// Appends a copy of the topic name `src`. Returns 0, or `TSDB_CODE_INVALID_PARA` for a
/// NULL/invalid list or a NULL/empty name.
///
/// # Safety
/// `src` must be NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn tmq_list_append(list: *mut tmq_list_t, src: *const c_char) -> i32 {
    ffi_boundary!("tmq_list_append", {
        let l = list_mut(list)?;
        if src.is_null() {
            return Err(err(TSDB_CODE_INVALID_PARA, "topic name is NULL"));
        }
        // SAFETY: non-NULL, NUL-terminated per the caller's contract.
        let name = unsafe { CStr::from_ptr(src) };
        if name.is_empty() {
            return Err(err(TSDB_CODE_INVALID_PARA, "topic name is empty"));
        }
        l.push(name.to_owned());
        Ok(0)
    })
}

/// Destroys a topic list (NULL is a no-op); arrays from `tmq_list_to_c_array` die with it.
#[no_mangle]
pub extern "C" fn tmq_list_destroy(list: *mut tmq_list_t) {
    ffi_boundary!("tmq_list_destroy", {
        if let Ok(l) = list_mut(list) {
            l.magic = FREED_MAGIC;
            // SAFETY: checked above that list is a live Box<TmqList>.
            drop(unsafe { Box::from_raw(list as *mut TmqList) });
        }
        Ok(())
    })
}

/// Number of topics in the list; -1 for a NULL or invalid list (abi.md, and TDengine 3.2–3.3;
/// the newest clientTmq.c returns `TSDB_CODE_INVALID_PARA` instead). The thread's last error
/// is then `TSDB_CODE_INVALID_PARA`.
#[no_mangle]
pub extern "C" fn tmq_list_get_size(list: *const tmq_list_t) -> i32 {
    ffi_boundary!("tmq_list_get_size", {
        match list_mut(list as *mut tmq_list_t) {
            Ok(l) => Ok(i32::try_from(l.items.len()).unwrap_or(i32::MAX)),
            Err(e) => {
                set_error(&e);
                Ok(-1)
            }
        }
    })
}

/// The topic names as an array of `tmq_list_get_size` C strings (followed by a NULL entry).
/// Owned by the list: do not free; invalidated by `tmq_list_append` and `tmq_list_destroy`.
/// NULL for a NULL or invalid list.
#[no_mangle]
pub extern "C" fn tmq_list_to_c_array(list: *const tmq_list_t) -> *mut *mut c_char {
    ffi_boundary!("tmq_list_to_c_array", {
        let l = list_mut(list as *mut tmq_list_t)?;
        Ok(l.ptrs.as_mut_ptr())
    })
}

// ---------------------------------------------------------------------------------------------
// Consumer and message handles

const CONSUMER_MAGIC: u64 = 0x544d_5143_4f4e_5355; // "TMQCONSU"

/// What lives behind a `tmq_t *`: the client consumer and the lazily opened connection of
/// `tmq_get_connect`.
pub struct ConsumerHandle {
    magic: u64,
    consumer: Arc<Consumer>,
    /// `tmq_get_connect`'s borrowed `TAOS *` (as an address), closed with the consumer.
    conn: Mutex<usize>,
}

/// Borrows the consumer behind a `tmq_t *` (NULL / not a consumer: INVALID_PARA).
fn consumer_ref<'a>(ptr: *mut tmq_t) -> Result<&'a ConsumerHandle, TaosError> {
    if ptr.is_null() || !ptr.cast::<ConsumerHandle>().is_aligned() {
        return Err(err(TSDB_CODE_INVALID_PARA, "Invalid tmq_t handle"));
    }
    // SAFETY: C contract: the pointer came from tmq_consumer_new; the magic catches most misuse.
    let c = unsafe { &*(ptr as *const ConsumerHandle) };
    if c.magic != CONSUMER_MAGIC {
        return Err(err(
            TSDB_CODE_INVALID_PARA,
            "Invalid tmq_t handle (closed?)",
        ));
    }
    Ok(c)
}

/// TMQ details of a `TAOS_RES` from `tmq_consumer_poll` (stored in `ResHandle::ext`).
struct TmqMsg {
    msg: Message,
    topic: CString,
    db: CString,
    /// Table names of the blocks, shared with the fetch cursor's source.
    tables: Arc<TableNames>,
}

/// Table names of a message's blocks: every name handed out so far (kept, so pointers from
/// `tmq_get_table_name` stay valid as long as the message) and the current one.
struct TableNames {
    names: Mutex<(Vec<CString>, usize)>,
}

impl TableNames {
    fn new(first: &str) -> Self {
        TableNames {
            names: Mutex::new((vec![to_cstring(first)], 0)),
        }
    }

    /// Makes `name` the current block's table name.
    fn advance(&self, name: &str) {
        let mut g = self.names.lock();
        let (v, cur) = &mut *g;
        if v.get(*cur).is_some_and(|c| c.as_bytes() == name.as_bytes()) && *cur + 1 >= v.len() {
            return;
        }
        v.push(to_cstring(name));
        *cur = v.len() - 1;
    }

    /// The current name (NULL when empty).
    fn current(&self) -> *const c_char {
        let g = self.names.lock();
        match g.0.get(g.1) {
            Some(c) if !c.is_empty() => c.as_ptr(),
            _ => std::ptr::null(),
        }
    }
}

/// The message behind a TMQ `TAOS_RES` (NULL / other results: INVALID_PARA).
fn msg_ref<'a>(res: *mut TAOS_RES) -> Result<&'a TmqMsg, TaosError> {
    let h = res_ref(res)?;
    if h.kind != ResKind::Tmq {
        return Err(err(TSDB_CODE_INVALID_PARA, "not a TMQ message"));
    }
    h.ext
        .as_ref()
        .and_then(|e| e.downcast_ref::<TmqMsg>())
        .ok_or_else(|| err(TSDB_CODE_INVALID_PARA, "not a TMQ message"))
}

/// Whether `taos_errno`/`taos_errstr` of this result answer the calling thread's last error:
/// native does so for TMQ meta messages (e.g. after a failed `tmq_get_raw` on one), while
/// data messages always report success.
pub(crate) fn reports_thread_error(h: &ResHandle) -> bool {
    h.kind == ResKind::Tmq
        && h.ext
            .as_ref()
            .and_then(|e| e.downcast_ref::<TmqMsg>())
            .is_some_and(|m| m.msg.message_type == message_type::META)
}

/// Blocks of a message for the fetch API (`taos_fetch_row` & co); tracks the table name of
/// the block being read (native `tmq_get_table_name` follows the fetch position).
struct MsgSource {
    msg: Message,
    tables: Arc<TableNames>,
    /// Columns of the last block handed out, and a pending change for the cursor.
    schema: Mutex<SchemaTrack>,
}

/// (columns of the last block, change not yet taken by the cursor).
type SchemaTrack = (Vec<FieldInfo>, Option<(Vec<FieldInfo>, u8)>);

impl BlockSource for MsgSource {
    fn next_block(&self) -> BlockResult {
        let b = self.msg.next_block()?;
        Ok(b.map(|b| {
            self.tables.advance(&b.table_name);
            let mut s = self.schema.lock();
            if !b.fields.is_empty() && b.fields != s.0 {
                s.0 = b.fields.clone();
                s.1 = Some((b.fields, b.precision));
            }
            BlockData::Bytes(b.bytes)
        }))
    }

    fn take_schema_change(&self) -> Option<(Vec<FieldInfo>, u8)> {
        self.schema.lock().1.take()
    }
}

/// A topic name argument (NULL / non UTF-8: INVALID_PARA).
fn topic_arg<'a>(p: *const c_char) -> Result<&'a str, TaosError> {
    // SAFETY: C contract: NULL or a NUL-terminated string.
    unsafe { cstr_arg(p, "pTopicName") }
}

/// Calls `cb(tmq, code, param)` once on a library thread (NULL `cb`: nothing).
fn call_commit_cb(tmq: *mut tmq_t, cb: Option<TmqCommitFn>, code: i32, param: *mut c_void) {
    if let Some(f) = cb {
        let (t, p) = (SendPtr(tmq as *mut c_void), SendPtr(param));
        call_back_on_library_thread(move || {
            // SAFETY: C callback with the documented arguments.
            unsafe { f(t.get() as *mut tmq_t, code, p.get()) }
        });
    }
}

/// Runs `work` on a new library thread, then `cb` with its code (0 on success).
fn commit_in_background(
    tmq: *mut tmq_t,
    cb: *mut tmq_commit_cb,
    param: *mut c_void,
    work: impl FnOnce() -> Result<(), TaosError> + Send + 'static,
) {
    // SAFETY: `cb` is NULL or a C function of the tmq_commit_cb type (C contract).
    let f = unsafe { tmq_commit_cb_fn(cb) };
    let (t, p) = (SendPtr(tmq as *mut c_void), SendPtr(param));
    let spawned = std::thread::Builder::new()
        .name("tmq-commit".into())
        .spawn(move || {
            let code = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
                Ok(Ok(())) => 0,
                Ok(Err(e)) => e.code,
                Err(_) => taos_wire::error::codes::TSDB_CODE_INTERNAL_ERROR,
            };
            if let Some(f) = f {
                // SAFETY: C callback with the documented arguments.
                let _ =
                    std::panic::catch_unwind(|| unsafe { f(t.get() as *mut tmq_t, code, p.get()) });
            }
        });
    if spawned.is_err() {
        call_commit_cb(
            tmq,
            f,
            taos_wire::error::codes::TSDB_CODE_OUT_OF_MEMORY,
            param,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// H2. consumer lifecycle

/// Creates a consumer from `conf` (copied: the conf may be destroyed afterwards) and opens its
/// WebSocket. On failure returns NULL and writes a NUL-terminated reason into `errstr` (at
/// most `errstrLen` bytes; `errstr` may be NULL); the error is also the thread's last error.
///
/// # Safety
/// `errstr` must be NULL or writable for `errstrLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn tmq_consumer_new(
    conf: *mut tmq_conf_t,
    errstr: *mut c_char,
    errstrLen: i32,
) -> *mut tmq_t {
    ffi_boundary!("tmq_consumer_new", {
        let r = (|| -> Result<*mut tmq_t, TaosError> {
            let c = conf_mut(conf)?;
            let cfg = ConsumerConfig::from_entries(c.entries())?;
            // The hook needs the tmq_t address, known only once the handle is boxed.
            let slot = Arc::new(AtomicUsize::new(0));
            let hook: Option<AutoCommitHook> = c.auto_commit_cb.map(|(f, param)| {
                let slot = slot.clone();
                Box::new(move |r: Result<(), TaosError>| {
                    let code = r.err().map_or(0, |e| e.code);
                    let t = slot.load(Ordering::Acquire) as *mut tmq_t;
                    call_commit_cb(t, Some(f), code, param as *mut c_void);
                }) as AutoCommitHook
            });
            let consumer = Consumer::new(cfg, hook)?;
            let h = Box::into_raw(Box::new(ConsumerHandle {
                magic: CONSUMER_MAGIC,
                consumer: Arc::new(consumer),
                conn: Mutex::new(0),
            }));
            slot.store(h as usize, Ordering::Release);
            Ok(h as *mut tmq_t)
        })();
        if let Err(e) = &r {
            let cap = usize::try_from(errstrLen).unwrap_or(0);
            // SAFETY: caller contract: errstr has errstrLen bytes.
            unsafe { copy_to_c_buf(e.message.as_bytes(), errstr, cap) };
        }
        r
    })
}

/// Subscribes to the topics of `topic_list` (the server checks credentials and topics here).
#[no_mangle]
pub extern "C" fn tmq_subscribe(tmq: *mut tmq_t, topic_list: *const tmq_list_t) -> i32 {
    ffi_boundary!("tmq_subscribe", {
        let c = consumer_ref(tmq)?;
        let topics = list_mut(topic_list as *mut tmq_list_t)?.topics();
        c.consumer.subscribe(&topics)?;
        Ok(0)
    })
}

/// Unsubscribes from every topic.
#[no_mangle]
pub extern "C" fn tmq_unsubscribe(tmq: *mut tmq_t) -> i32 {
    ffi_boundary!("tmq_unsubscribe", {
        consumer_ref(tmq)?.consumer.unsubscribe()?;
        Ok(0)
    })
}

/// Appends the subscribed topics to `*topics` (a new list when `*topics` is NULL; the caller
/// destroys it).
#[no_mangle]
pub extern "C" fn tmq_subscription(tmq: *mut tmq_t, topics: *mut *mut tmq_list_t) -> i32 {
    ffi_boundary!("tmq_subscription", {
        let c = consumer_ref(tmq)?;
        if topics.is_null() {
            return Err(invalid_para("topics is NULL"));
        }
        // SAFETY: non-NULL out-pointer (C contract: readable and writable).
        let mut list = unsafe { *topics };
        let fresh = list.is_null();
        if fresh {
            list = Box::into_raw(Box::new(TmqList::new())) as *mut tmq_list_t;
        }
        let l = list_mut(list)?;
        for t in c.consumer.subscription() {
            l.push(to_cstring(&t));
        }
        if fresh {
            // SAFETY: as above.
            unsafe { *topics = list };
        }
        Ok(0)
    })
}

/// Waits up to `timeout` ms (negative: without limit, 0: one immediate poll) for the next
/// message; free it with `taos_free_result`. Its rows are read with `taos_fetch_row` /
/// `taos_fetch_block` / `taos_fetch_raw_block`. NULL means no message or an error
/// (`taos_errno(NULL)` tells which: 0 for no message).
#[no_mangle]
pub extern "C" fn tmq_consumer_poll(tmq: *mut tmq_t, timeout: i64) -> *mut TAOS_RES {
    ffi_boundary!("tmq_consumer_poll", {
        let c = consumer_ref(tmq)?;
        let Some(msg) = c.consumer.poll(timeout)? else {
            clear_last_error();
            return Ok(std::ptr::null_mut());
        };
        let tables = Arc::new(TableNames::new(&msg.table_name));
        let mut h = if msg.has_data() {
            let src: Arc<dyn BlockSource> = Arc::new(MsgSource {
                msg: msg.clone(),
                tables: tables.clone(),
                schema: Mutex::new((msg.fields.clone(), None)),
            });
            ResHandle::with_cursor(
                ResKind::Tmq,
                Cursor::new(msg.fields.clone(), msg.precision, src),
            )
        } else {
            ResHandle::empty(ResKind::Tmq)
        };
        h.ext = Some(Box::new(TmqMsg {
            topic: to_cstring(&msg.topic),
            db: to_cstring(&msg.database),
            tables,
            msg,
        }));
        Ok(res_into_raw(h))
    })
}

/// Closes a consumer: closes its socket (the server unsubscribes) and frees the handle and
/// the connection from `tmq_get_connect`. Messages already polled stay valid to free.
#[no_mangle]
pub extern "C" fn tmq_consumer_close(tmq: *mut tmq_t) -> i32 {
    ffi_boundary!("tmq_consumer_close", {
        consumer_ref(tmq)?;
        // SAFETY: checked above that tmq is a live Box<ConsumerHandle>.
        let mut h = unsafe { Box::from_raw(tmq as *mut ConsumerHandle) };
        h.magic = FREED_MAGIC;
        h.consumer.close();
        let conn = std::mem::take(&mut *h.conn.lock());
        if conn != 0 {
            // SAFETY: made by conn_into_raw in tmq_get_connect, never handed to taos_close
            // as owned (it is marked borrowed).
            if let Some(c) = unsafe { conn_from_raw(conn as *mut TAOS) } {
                c.close();
            }
        }
        Ok(0)
    })
}

// ---------------------------------------------------------------------------------------------
// H3. commit

/// The message `msg` names (`None` for NULL: commit every consumed position). A result
/// that is not a TMQ message is `TSDB_CODE_TMQ_INVALID_MSG`, as native.
fn commit_target(msg: *const TAOS_RES) -> Result<Option<Message>, TaosError> {
    if msg.is_null() {
        return Ok(None);
    }
    if res_ref(msg as *mut TAOS_RES)?.kind != ResKind::Tmq {
        return Err(err(
            taos_wire::error::codes::TSDB_CODE_TMQ_INVALID_MSG,
            "not a TMQ message: only results of tmq_consumer_poll can be committed",
        ));
    }
    Ok(Some(msg_ref(msg as *mut TAOS_RES)?.msg.clone()))
}

/// Native commit semantics: a message commits only its own (topic, vgroup) at the position
/// right after it; no message commits every consumed position.
fn commit_to(consumer: &Consumer, target: Option<&Message>) -> Result<(), TaosError> {
    match target {
        Some(m) => consumer.commit_message(m),
        None => consumer.commit(0),
    }
}

/// Commits `msg`'s vgroup up to the end of `msg` (`msg` NULL: all current positions).
#[no_mangle]
pub extern "C" fn tmq_commit_sync(tmq: *mut tmq_t, msg: *const TAOS_RES) -> i32 {
    ffi_boundary!("tmq_commit_sync", {
        let c = consumer_ref(tmq)?;
        commit_to(&c.consumer, commit_target(msg)?.as_ref())?;
        Ok(0)
    })
}

/// Asynchronous `tmq_commit_sync`; `cb(tmq, code, param)` runs once on a library thread.
#[no_mangle]
pub extern "C" fn tmq_commit_async(
    tmq: *mut tmq_t,
    msg: *const TAOS_RES,
    cb: *mut tmq_commit_cb,
    param: *mut c_void,
) {
    ffi_boundary!("tmq_commit_async", {
        let prep = consumer_ref(tmq).and_then(|c| Ok((c.consumer.clone(), commit_target(msg)?)));
        match prep {
            Ok((consumer, target)) => commit_in_background(tmq, cb, param, move || {
                commit_to(&consumer, target.as_ref())
            }),
            Err(e) => {
                // SAFETY: `cb` is NULL or a C function of the tmq_commit_cb type.
                call_commit_cb(tmq, unsafe { tmq_commit_cb_fn(cb) }, e.code, param);
            }
        }
        Ok(())
    })
}

/// Commits `offset` for one vgroup of a topic.
#[no_mangle]
pub extern "C" fn tmq_commit_offset_sync(
    tmq: *mut tmq_t,
    pTopicName: *const c_char,
    vgId: i32,
    offset: i64,
) -> i32 {
    ffi_boundary!("tmq_commit_offset_sync", {
        let c = consumer_ref(tmq)?;
        c.consumer
            .commit_offset(topic_arg(pTopicName)?, vgId, offset)?;
        Ok(0)
    })
}

/// Asynchronous `tmq_commit_offset_sync`; `cb(tmq, code, param)` runs once on a library
/// thread.
#[no_mangle]
pub extern "C" fn tmq_commit_offset_async(
    tmq: *mut tmq_t,
    pTopicName: *const c_char,
    vgId: i32,
    offset: i64,
    cb: *mut tmq_commit_cb,
    param: *mut c_void,
) {
    ffi_boundary!("tmq_commit_offset_async", {
        let prep = consumer_ref(tmq)
            .and_then(|c| Ok((c.consumer.clone(), topic_arg(pTopicName)?.to_string())));
        match prep {
            Ok((consumer, topic)) => commit_in_background(tmq, cb, param, move || {
                consumer.commit_offset(&topic, vgId, offset)
            }),
            Err(e) => {
                // SAFETY: `cb` is NULL or a C function of the tmq_commit_cb type.
                call_commit_cb(tmq, unsafe { tmq_commit_cb_fn(cb) }, e.code, param);
            }
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// H4. assignment, seek, position

/// The vgroups of a topic with their offsets: `*assignment` is a new array of
/// `*numOfAssignment` entries (NULL when empty); free it with `tmq_free_assignment`.
///
/// # Safety
/// `assignment` / `numOfAssignment` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tmq_get_topic_assignment(
    tmq: *mut tmq_t,
    pTopicName: *const c_char,
    assignment: *mut *mut tmq_topic_assignment,
    numOfAssignment: *mut i32,
) -> i32 {
    ffi_boundary!("tmq_get_topic_assignment", {
        // SAFETY: caller contract.
        unsafe {
            put(assignment, std::ptr::null_mut());
            put(numOfAssignment, 0);
        }
        if assignment.is_null() || numOfAssignment.is_null() {
            return Err(invalid_para("assignment / numOfAssignment is NULL"));
        }
        let c = consumer_ref(tmq)?;
        let list = c.consumer.assignment(topic_arg(pTopicName)?)?;
        if list.is_empty() {
            return Ok(0);
        }
        let n = list.len();
        // malloc'd so tmq_free_assignment needs no length.
        // SAFETY: plain allocation; checked for NULL below.
        let p = unsafe { libc::malloc(n * std::mem::size_of::<tmq_topic_assignment>()) }
            as *mut tmq_topic_assignment;
        if p.is_null() {
            return Err(err(
                taos_wire::error::codes::TSDB_CODE_OUT_OF_MEMORY,
                "out of memory",
            ));
        }
        for (i, a) in list.iter().enumerate() {
            let v = tmq_topic_assignment {
                vgId: a.vgroup_id,
                currentOffset: a.offset,
                begin: a.begin,
                end: a.end,
            };
            // SAFETY: i < n, inside the allocation.
            unsafe { p.add(i).write(v) };
        }
        // SAFETY: checked non-NULL above.
        unsafe {
            *assignment = p;
            *numOfAssignment = n as i32;
        }
        Ok(0)
    })
}

/// Frees an array from `tmq_get_topic_assignment` (NULL: no-op).
#[no_mangle]
pub extern "C" fn tmq_free_assignment(pAssignment: *mut tmq_topic_assignment) {
    ffi_boundary!("tmq_free_assignment", {
        if !pAssignment.is_null() {
            // SAFETY: C contract: allocated by tmq_get_topic_assignment (malloc).
            unsafe { libc::free(pAssignment as *mut c_void) };
        }
        Ok(())
    })
}

/// Moves the consumer's position for one vgroup.
#[no_mangle]
pub extern "C" fn tmq_offset_seek(
    tmq: *mut tmq_t,
    pTopicName: *const c_char,
    vgId: i32,
    offset: i64,
) -> i32 {
    ffi_boundary!("tmq_offset_seek", {
        consumer_ref(tmq)?
            .consumer
            .seek(topic_arg(pTopicName)?, vgId, offset)?;
        Ok(0)
    })
}

/// Current position (next offset to consume) of one vgroup; negative = error code.
#[no_mangle]
pub extern "C" fn tmq_position(tmq: *mut tmq_t, pTopicName: *const c_char, vgId: i32) -> i64 {
    ffi_boundary!("tmq_position", {
        consumer_ref(tmq)?
            .consumer
            .position(topic_arg(pTopicName)?, vgId)
    })
}

/// Committed offset of one vgroup; negative = error code (`TSDB_CODE_TMQ_NO_COMMITTED`
/// when nothing is committed).
#[no_mangle]
pub extern "C" fn tmq_committed(tmq: *mut tmq_t, pTopicName: *const c_char, vgId: i32) -> i64 {
    ffi_boundary!("tmq_committed", {
        consumer_ref(tmq)?
            .consumer
            .committed(topic_arg(pTopicName)?, vgId)
    })
}

// ---------------------------------------------------------------------------------------------
// H5. message accessors

/// A connection to the consumer's server with its credentials, opened on first use and
/// owned by the consumer (do not `taos_close` it; it closes with the consumer).
#[no_mangle]
pub extern "C" fn tmq_get_connect(tmq: *mut tmq_t) -> *mut TAOS {
    ffi_boundary!("tmq_get_connect", {
        let c = consumer_ref(tmq)?;
        let mut slot = c.conn.lock();
        if *slot == 0 {
            let opts = c.consumer.config().opts.clone();
            let conn = Connection::connect(&opts)?;
            let mut h = ConnHandle::new(conn, opts);
            h.owned = false;
            *slot = conn_into_raw(h) as usize;
        }
        Ok(*slot as *mut TAOS)
    })
}

/// Table name of the block being read (the first block before any fetch); owned by the
/// message. NULL when the message has none or `res` is not a TMQ message.
#[no_mangle]
pub extern "C" fn tmq_get_table_name(res: *mut TAOS_RES) -> *const c_char {
    ffi_boundary!("tmq_get_table_name", { Ok(msg_ref(res)?.tables.current()) })
}

/// Kind of a TMQ message (`TMQ_RES_DATA`, `TMQ_RES_TABLE_META`, `TMQ_RES_METADATA`,
/// `TMQ_RES_RAWDATA`); `TMQ_RES_INVALID` for NULL and other results.
#[no_mangle]
pub extern "C" fn tmq_get_res_type(res: *mut TAOS_RES) -> tmq_res_t {
    ffi_boundary!("tmq_get_res_type", {
        Ok(match msg_ref(res) {
            Ok(m) => match m.msg.message_type {
                message_type::DATA => TMQ_RES_DATA,
                message_type::META => TMQ_RES_TABLE_META,
                message_type::METADATA => TMQ_RES_METADATA,
                message_type::RAWDATA => TMQ_RES_RAWDATA,
                _ => TMQ_RES_INVALID,
            },
            Err(_) => TMQ_RES_INVALID,
        })
    })
}

/// Topic of a TMQ message (owned by the message); NULL for other results.
#[no_mangle]
pub extern "C" fn tmq_get_topic_name(res: *mut TAOS_RES) -> *const c_char {
    ffi_boundary!("tmq_get_topic_name", { Ok(msg_ref(res)?.topic.as_ptr()) })
}

/// Database of a TMQ message (owned by the message); NULL for other results.
#[no_mangle]
pub extern "C" fn tmq_get_db_name(res: *mut TAOS_RES) -> *const c_char {
    ffi_boundary!("tmq_get_db_name", { Ok(msg_ref(res)?.db.as_ptr()) })
}

/// Vgroup id of a TMQ message; negative = error code.
#[no_mangle]
pub extern "C" fn tmq_get_vgroup_id(res: *mut TAOS_RES) -> i32 {
    ffi_boundary!("tmq_get_vgroup_id", { Ok(msg_ref(res)?.msg.vgroup_id) })
}

/// Offset of a TMQ message; negative = error code.
#[no_mangle]
pub extern "C" fn tmq_get_vgroup_offset(res: *mut TAOS_RES) -> i64 {
    ffi_boundary!("tmq_get_vgroup_offset", { Ok(msg_ref(res)?.msg.offset) })
}

thread_local! {
    /// Last `tmq_err2str` text built from the thread's last error (valid until the next call).
    static ERR2STR: std::cell::RefCell<CString> = std::cell::RefCell::new(CString::default());
}

/// Text for an error code: "success" for 0, "fail" for -1 (as native); the calling thread's last error message when
/// `code` is that error's code (it carries the server's text); else TDengine's standard
/// text. Never NULL; not to be freed.
#[no_mangle]
pub extern "C" fn tmq_err2str(code: i32) -> *const c_char {
    ffi_boundary!("tmq_err2str", {
        match code {
            0 => return Ok(static_cstr("success")),
            -1 => return Ok(static_cstr("fail")),
            _ => {}
        }
        let (last_code, msg) = last_error();
        if last_code == code && !msg.is_empty() {
            let ptr = ERR2STR.try_with(|s| {
                let mut s = s.borrow_mut();
                *s = to_cstring(&msg);
                s.as_ptr()
            });
            if let Ok(p) = ptr {
                return Ok(p);
            }
        }
        Ok(static_cstr(default_message(code)))
    })
}

// ---------------------------------------------------------------------------------------------
// I. raw data and JSON meta (taosX)

/// Copies `bytes` into a `malloc` block (NULL for empty input).
fn malloc_copy(bytes: &[u8], nul: bool) -> Result<*mut c_void, TaosError> {
    let n = bytes.len() + usize::from(nul);
    if n == 0 {
        return Ok(std::ptr::null_mut());
    }
    // SAFETY: plain allocation, checked for NULL; then `bytes.len()` (+ NUL) bytes written.
    unsafe {
        let p = libc::malloc(n) as *mut u8;
        if p.is_null() {
            return Err(err(
                taos_wire::error::codes::TSDB_CODE_OUT_OF_MEMORY,
                "out of memory",
            ));
        }
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
        if nul {
            *p.add(bytes.len()) = 0;
        }
        Ok(p as *mut c_void)
    }
}

/// Fills `*raw` with the raw data of a TMQ message (release with `tmq_free_raw`); on error
/// `*raw` is zeroed.
///
/// # Safety
/// `raw` must be NULL or point to a writable `tmq_raw_data`.
#[no_mangle]
pub unsafe extern "C" fn tmq_get_raw(res: *mut TAOS_RES, raw: *mut tmq_raw_data) -> i32 {
    ffi_boundary!("tmq_get_raw", {
        let empty = tmq_raw_data {
            raw: std::ptr::null_mut(),
            raw_len: 0,
            raw_type: 0,
        };
        // SAFETY: caller contract.
        unsafe { put(raw, empty) };
        if raw.is_null() {
            return Err(invalid_para("raw is NULL"));
        }
        let (ty, bytes) = msg_ref(res)?.msg.raw()?;
        let len = u32::try_from(bytes.len())
            .map_err(|_| err(TSDB_CODE_INVALID_PARA, "raw data larger than 4 GiB"))?;
        let p = malloc_copy(&bytes, false)?;
        // SAFETY: checked non-NULL above.
        unsafe {
            raw.write(tmq_raw_data {
                raw: p,
                raw_len: len,
                raw_type: ty,
            })
        };
        Ok(0)
    })
}

/// Writes raw TMQ data (passed by value, e.g. from `tmq_get_raw`) through the connection
/// (`write_raw` on `/ws`).
#[no_mangle]
pub extern "C" fn tmq_write_raw(taos: *mut TAOS, raw: tmq_raw_data) -> i32 {
    ffi_boundary!("tmq_write_raw", {
        // Native answers INVALID_PARA (not INVALID_CONNECTION) for a NULL connection here.
        if taos.is_null() {
            return Err(invalid_para("taos is NULL"));
        }
        let c = conn_ref(taos)?;
        if raw.raw.is_null() && raw.raw_len != 0 {
            return Err(invalid_para("raw data is NULL"));
        }
        let data: &[u8] = if raw.raw_len == 0 {
            &[]
        } else {
            // SAFETY: C contract: `raw.raw` holds `raw_len` readable bytes.
            unsafe { std::slice::from_raw_parts(raw.raw as *const u8, raw.raw_len as usize) }
        };
        write_raw(&c.conn(), raw.raw_type, data)?;
        Ok(0)
    })
}

/// Size of the fixed raw-block header (version, length, rows, cols, flag, group id).
const RAW_BLOCK_HEADER: usize = 28;
/// Largest raw block accepted from C (the length field is an i32).
const RAW_BLOCK_MAX: usize = i32::MAX as usize;

/// The body of `taos_write_raw_block*` (exported from `misc.rs`): validates the C
/// arguments, reads the block length from the block header and sends `write_raw_block`
/// (or `write_raw_block_with_fields` when `fields` is given). Returns 0 or the error.
pub fn write_raw_block_from_c(
    taos: *mut TAOS,
    rows: c_int,
    pData: *const c_char,
    tbname: *const c_char,
    fields: *const TAOS_FIELD,
    numFields: c_int,
    reqid: i64,
) -> Result<i32, TaosError> {
    let c = conn_ref(taos)?;
    // SAFETY: C contract: NULL or a NUL-terminated string.
    let table = unsafe { cstr_arg(tbname, "tbname") }?;
    if pData.is_null() {
        return Err(invalid_para("pData is NULL"));
    }
    // SAFETY: C contract: pData points to a raw block, whose header holds its length.
    let len = unsafe { (pData.add(4) as *const i32).read_unaligned() };
    let len = usize::try_from(len)
        .ok()
        .filter(|&l| (RAW_BLOCK_HEADER..=RAW_BLOCK_MAX).contains(&l))
        .ok_or_else(|| invalid_para(format!("invalid raw block length {len}")))?;
    // SAFETY: as above, `len` bytes.
    let block = unsafe { std::slice::from_raw_parts(pData as *const u8, len) };
    let fields = if fields.is_null() {
        None
    } else {
        let n = usize::try_from(numFields)
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| invalid_para(format!("invalid numFields {numFields}")))?;
        // SAFETY: C contract: `fields` has `numFields` entries.
        Some(unsafe {
            std::slice::from_raw_parts(fields as *const u8, n * std::mem::size_of::<TAOS_FIELD>())
        })
    };
    write_raw_block(&c.conn(), rows, table, block, fields, reqid as u64)?;
    Ok(0)
}

/// Releases data from `tmq_get_raw` (passed by value; NULL data: no-op).
#[no_mangle]
pub extern "C" fn tmq_free_raw(raw: tmq_raw_data) {
    ffi_boundary!("tmq_free_raw", {
        if !raw.raw.is_null() {
            // SAFETY: C contract: `raw` came from tmq_get_raw (malloc).
            unsafe { libc::free(raw.raw) };
        }
        Ok(())
    })
}

/// JSON description of a meta message (release with `tmq_free_json_meta`); NULL on error
/// (e.g. a data message: the server refuses).
#[no_mangle]
pub extern "C" fn tmq_get_json_meta(res: *mut TAOS_RES) -> *mut c_char {
    ffi_boundary!("tmq_get_json_meta", {
        let text = msg_ref(res)?.msg.json_meta()?;
        Ok(malloc_copy(text.as_bytes(), true)? as *mut c_char)
    })
}

/// Releases a string from `tmq_get_json_meta` (NULL: no-op).
#[no_mangle]
pub extern "C" fn tmq_free_json_meta(jsonMeta: *mut c_char) {
    ffi_boundary!("tmq_free_json_meta", {
        if !jsonMeta.is_null() {
            // SAFETY: C contract: came from tmq_get_json_meta (malloc).
            unsafe { libc::free(jsonMeta as *mut c_void) };
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::boundary::{last_error_code, set_last_error};
    use std::sync::mpsc;

    fn set(conf: *mut tmq_conf_t, k: &CStr, v: &CStr) -> tmq_conf_res_t {
        unsafe { tmq_conf_set(conf, k.as_ptr(), v.as_ptr()) }
    }

    #[test]
    fn conf_validates_like_native() {
        let conf = tmq_conf_new();
        assert_eq!(set(conf, c"group.id", c"g1"), TMQ_CONF_OK);
        assert_eq!(set(conf, c"group.id", c"a:b"), TMQ_CONF_INVALID);
        assert_eq!(set(conf, c"enable.auto.commit", c"TRUE"), TMQ_CONF_OK);
        assert_eq!(set(conf, c"enable.auto.commit", c"yes"), TMQ_CONF_INVALID);
        assert_eq!(set(conf, c"auto.offset.reset", c"earliest"), TMQ_CONF_OK);
        assert_eq!(set(conf, c"auto.offset.reset", c"first"), TMQ_CONF_INVALID);
        assert_eq!(set(conf, c"session.timeout.ms", c"5999"), TMQ_CONF_INVALID);
        assert_eq!(set(conf, c"session.timeout.ms", c"8000"), TMQ_CONF_OK);
        // heartbeat must stay below the session timeout just set
        assert_eq!(set(conf, c"heartbeat.interval.ms", c"7999"), TMQ_CONF_OK);
        assert_eq!(
            set(conf, c"heartbeat.interval.ms", c"8000"),
            TMQ_CONF_INVALID
        );
        assert_eq!(set(conf, c"max.poll.interval.ms", c"999"), TMQ_CONF_INVALID);
        assert_eq!(set(conf, c"td.connect.port", c"6041"), TMQ_CONF_OK);
        assert_eq!(set(conf, c"td.connect.port", c"70000"), TMQ_CONF_INVALID);
        assert_eq!(set(conf, c"td.connect.port", c"0"), TMQ_CONF_INVALID);
        assert_eq!(set(conf, c"AUTO.OFFSET.RESET", c"Latest"), TMQ_CONF_OK);
        assert_eq!(set(conf, c"msg.consume.rawdata", c"1"), TMQ_CONF_OK);
        assert_eq!(
            set(conf, c"client.id", &CString::new("c".repeat(300)).unwrap()),
            TMQ_CONF_OK
        );
        assert_eq!(set(conf, c"no.such.key", c"1"), TMQ_CONF_UNKNOWN);
        assert_eq!(
            unsafe { tmq_conf_set(conf, c"group.id".as_ptr(), std::ptr::null()) },
            TMQ_CONF_INVALID
        );
        let c = conf_mut(conf).unwrap();
        assert_eq!(c.get("group.id"), Some("g1"));
        assert_eq!(c.get("enable.auto.commit"), Some("TRUE"));
        assert_eq!(c.get("session.timeout.ms"), Some("8000"));
        assert_eq!(c.get("no.such.key"), None);
        assert_eq!(c.get("auto.offset.reset"), Some("Latest"));
        assert_eq!(c.get("client.id").map(str::len), Some(255));
        tmq_conf_destroy(conf);
        tmq_conf_destroy(std::ptr::null_mut());
        assert_eq!(
            set(std::ptr::null_mut(), c"group.id", c"g"),
            TMQ_CONF_INVALID
        );
    }

    unsafe extern "C" fn commit_cb(tmq: *mut tmq_t, code: i32, param: *mut c_void) {
        let tx = unsafe { &*(param as *const mpsc::Sender<(usize, i32)>) };
        let _ = tx.send((tmq as usize, code));
    }

    #[test]
    fn auto_commit_cb_is_stored_and_commit_async_calls_back_once() {
        let conf = tmq_conf_new();
        let cb = commit_cb as TmqCommitFn as *mut tmq_commit_cb;
        unsafe { tmq_conf_set_auto_commit_cb(conf, cb, 42 as *mut c_void) };
        let (f, p) = conf_mut(conf).unwrap().auto_commit_cb.unwrap();
        assert_eq!((f as usize, p), (commit_cb as TmqCommitFn as usize, 42));
        tmq_conf_destroy(conf);

        let (tx, rx) = mpsc::channel::<(usize, i32)>();
        let tx = Box::new(tx);
        // No consumer: the callback still runs once, with the error.
        tmq_commit_async(
            std::ptr::null_mut(),
            std::ptr::null(),
            cb,
            &*tx as *const _ as *mut c_void,
        );
        let got = rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap();
        assert_eq!(got, (0, TSDB_CODE_INVALID_PARA));
        assert!(rx
            .recv_timeout(std::time::Duration::from_millis(200))
            .is_err());
    }

    #[test]
    fn list_keeps_order_and_c_array() {
        let list = tmq_list_new();
        assert_eq!(tmq_list_get_size(list), 0);
        assert_eq!(unsafe { tmq_list_append(list, c"t1".as_ptr()) }, 0);
        assert_eq!(unsafe { tmq_list_append(list, c"topic_2".as_ptr()) }, 0);
        assert_eq!(
            unsafe { tmq_list_append(list, c"".as_ptr()) },
            TSDB_CODE_INVALID_PARA
        );
        assert_eq!(
            unsafe { tmq_list_append(list, std::ptr::null()) },
            TSDB_CODE_INVALID_PARA
        );
        assert_eq!(tmq_list_get_size(list), 2);
        let arr = tmq_list_to_c_array(list);
        let names: Vec<String> = (0..2)
            .map(|i| {
                unsafe { CStr::from_ptr(*arr.add(i)) }
                    .to_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["t1", "topic_2"]);
        assert!(unsafe { *arr.add(2) }.is_null());
        tmq_list_destroy(list);
        assert_eq!(tmq_list_get_size(std::ptr::null()), -1);
        assert_eq!(last_error_code(), TSDB_CODE_INVALID_PARA);
        assert!(tmq_list_to_c_array(std::ptr::null()).is_null());
    }

    #[test]
    fn consumer_new_reports_into_errstr() {
        let mut buf = [b'x' as c_char; 16];
        let t = unsafe { tmq_consumer_new(std::ptr::null_mut(), buf.as_mut_ptr(), 16) };
        assert!(t.is_null());
        let s = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap();
        assert_eq!(s, "Invalid tmq_con"); // truncated to 15 bytes + NUL
        assert_eq!(last_error_code(), TSDB_CODE_INVALID_PARA);
        assert!(
            unsafe { tmq_consumer_new(std::ptr::null_mut(), std::ptr::null_mut(), 0) }.is_null()
        );
    }

    #[test]
    fn err2str_texts() {
        let s = |c| {
            unsafe { CStr::from_ptr(tmq_err2str(c)) }
                .to_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(s(0), "success");
        assert_eq!(s(-1), "fail");
        set_last_error(-2147418113, "server said no");
        assert_eq!(s(-2147418113), "server said no");
        assert_eq!(
            s(TSDB_CODE_INVALID_PARA),
            default_message(TSDB_CODE_INVALID_PARA)
        );
    }

    #[test]
    fn message_accessors_fail_honestly() {
        assert_eq!(tmq_get_res_type(std::ptr::null_mut()), TMQ_RES_INVALID);
        assert_eq!(
            tmq_position(std::ptr::null_mut(), std::ptr::null(), 0),
            TSDB_CODE_INVALID_PARA as i64
        );
        let mut raw = tmq_raw_data {
            raw: 8 as *mut c_void,
            raw_len: 3,
            raw_type: 1,
        };
        assert_eq!(
            unsafe { tmq_get_raw(std::ptr::null_mut(), &mut raw) },
            TSDB_CODE_INVALID_PARA
        );
        assert!(raw.raw.is_null());
        assert_eq!((raw.raw_len, raw.raw_type), (0, 0));
        let (mut a, mut n) = (
            std::ptr::NonNull::<tmq_topic_assignment>::dangling().as_ptr(),
            3,
        );
        let rc = unsafe {
            tmq_get_topic_assignment(std::ptr::null_mut(), std::ptr::null(), &mut a, &mut n)
        };
        assert_eq!((rc, n), (TSDB_CODE_INVALID_PARA, 0));
        assert!(a.is_null());
    }
}
