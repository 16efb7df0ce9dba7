//! TMQ (data subscription): configuration, topic lists, consumer, commit, offsets, message
//! accessors and the taosX raw-data functions (abi.md §1 H1–H5, I).
//!
//! Implemented: `tmq_conf_*` and `tmq_list_*` (client-side data structures, with native's
//! key validation) and `tmq_err2str`. Not supported yet: the consumer itself.
//! `tmq_consumer_new` returns NULL and writes the reason into the caller's `errstr`, so no
//! `tmq_t` and no TMQ message exist; the other consumer and message functions fail with
//! `TSDB_CODE_OPS_NOT_SUPPORT` (as a code, a negative `int64_t`, or NULL with the thread's
//! last error) and set their out-parameters to defined empty values. Async commits call their
//! callback exactly once, on a library thread, with that code.
// Parameter names are the C names of taos.h (they appear in the generated header).
#![allow(non_snake_case)]

use std::collections::BTreeMap;
use std::ffi::{c_char, c_void, CStr, CString};

use taos_wire::error::codes::{default_message, TSDB_CODE_INVALID_PARA, TSDB_CODE_OPS_NOT_SUPPORT};
use taos_wire::error::TaosError;

use crate::capi::boundary::{
    copy_to_c_buf, err, ffi_boundary, last_error, not_supported_err, set_error, to_cstring,
};
use crate::capi::misc::{call_back_on_library_thread, put, static_cstr, unsupported, SendPtr};
use crate::capi::types::{
    tmq_commit_cb, tmq_commit_cb_fn, tmq_conf_res_t, tmq_conf_t, tmq_list_t, tmq_raw_data,
    tmq_res_t, tmq_t, tmq_topic_assignment, TmqCommitFn, TAOS, TAOS_RES, TMQ_CONF_INVALID,
    TMQ_CONF_OK, TMQ_CONF_UNKNOWN, TMQ_RES_INVALID,
};

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

/// Calls a commit callback once, on a library thread, with `TSDB_CODE_OPS_NOT_SUPPORT`.
fn commit_cb_not_supported(tmq: *mut tmq_t, cb: *mut tmq_commit_cb, param: *mut c_void) {
    // SAFETY: `cb` is NULL or a C function of the tmq_commit_cb type (C contract).
    if let Some(f) = unsafe { tmq_commit_cb_fn(cb) } {
        let (t, p) = (SendPtr(tmq as *mut c_void), SendPtr(param));
        call_back_on_library_thread(move || {
            // SAFETY: C callback with the documented arguments.
            unsafe { f(t.get() as *mut tmq_t, TSDB_CODE_OPS_NOT_SUPPORT, p.get()) }
        });
    }
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

/// Number of topics in the list; -1 for a NULL or invalid list (as documented; the thread's
/// last error is then `TSDB_CODE_INVALID_PARA`).
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
// H2. consumer lifecycle

/// Creates a consumer from `conf`. Not supported yet: returns NULL, writes a NUL-terminated
/// reason into `errstr` (at most `errstrLen` bytes; `errstr` may be NULL) and sets
/// `TSDB_CODE_OPS_NOT_SUPPORT` as the thread's last error.
///
/// # Safety
/// `errstr` must be NULL or writable for `errstrLen` bytes.
#[no_mangle]
pub unsafe extern "C" fn tmq_consumer_new(
    conf: *mut tmq_conf_t,
    errstr: *mut c_char,
    errstrLen: i32,
) -> *mut tmq_t {
    let _ = conf;
    ffi_boundary!("tmq_consumer_new", {
        let e = not_supported_err("tmq_consumer_new");
        let cap = usize::try_from(errstrLen).unwrap_or(0);
        // SAFETY: caller contract: errstr has errstrLen bytes.
        unsafe { copy_to_c_buf(e.message.as_bytes(), errstr, cap) };
        Err(e)
    })
}

/// Subscribes to the topics of `topic_list`. Not supported yet: returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn tmq_subscribe(tmq: *mut tmq_t, topic_list: *const tmq_list_t) -> i32 {
    let _ = (tmq, topic_list);
    unsupported!("tmq_subscribe")
}

/// Unsubscribes from every topic. Not supported yet: returns `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn tmq_unsubscribe(tmq: *mut tmq_t) -> i32 {
    let _ = tmq;
    unsupported!("tmq_unsubscribe")
}

/// Lists the subscribed topics into `*topics` (a new list when `*topics` is NULL). Not
/// supported yet: returns `TSDB_CODE_OPS_NOT_SUPPORT` and leaves `*topics` as it was (no
/// list is allocated).
#[no_mangle]
pub extern "C" fn tmq_subscription(tmq: *mut tmq_t, topics: *mut *mut tmq_list_t) -> i32 {
    let _ = (tmq, topics);
    unsupported!("tmq_subscription")
}

/// Waits up to `timeout` ms (negative: without limit) for the next message; free it with
/// `taos_free_result`. NULL means no message or an error (`taos_errno(NULL)`). Not
/// supported yet: returns NULL with `TSDB_CODE_OPS_NOT_SUPPORT` as the thread's last error.
#[no_mangle]
pub extern "C" fn tmq_consumer_poll(tmq: *mut tmq_t, timeout: i64) -> *mut TAOS_RES {
    let _ = (tmq, timeout);
    unsupported!("tmq_consumer_poll")
}

/// Closes a consumer. No consumer can exist yet: returns `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn tmq_consumer_close(tmq: *mut tmq_t) -> i32 {
    let _ = tmq;
    unsupported!("tmq_consumer_close")
}

// ---------------------------------------------------------------------------------------------
// H3. commit

/// Commits the offsets of `msg` (NULL: all current positions). Not supported yet: returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn tmq_commit_sync(tmq: *mut tmq_t, msg: *const TAOS_RES) -> i32 {
    let _ = (tmq, msg);
    unsupported!("tmq_commit_sync")
}

/// Asynchronous `tmq_commit_sync`; `cb(tmq, code, param)` runs once on a library thread.
/// Not supported yet: `cb` is called with `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn tmq_commit_async(
    tmq: *mut tmq_t,
    msg: *const TAOS_RES,
    cb: *mut tmq_commit_cb,
    param: *mut c_void,
) {
    let _ = msg;
    ffi_boundary!("tmq_commit_async", {
        commit_cb_not_supported(tmq, cb, param);
        Ok(())
    })
}

/// Commits `offset` for one vgroup of a topic. Not supported yet: returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn tmq_commit_offset_sync(
    tmq: *mut tmq_t,
    pTopicName: *const c_char,
    vgId: i32,
    offset: i64,
) -> i32 {
    let _ = (tmq, pTopicName, vgId, offset);
    unsupported!("tmq_commit_offset_sync")
}

/// Asynchronous `tmq_commit_offset_sync`; `cb(tmq, code, param)` runs once on a library
/// thread. Not supported yet: `cb` is called with `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn tmq_commit_offset_async(
    tmq: *mut tmq_t,
    pTopicName: *const c_char,
    vgId: i32,
    offset: i64,
    cb: *mut tmq_commit_cb,
    param: *mut c_void,
) {
    let _ = (pTopicName, vgId, offset);
    ffi_boundary!("tmq_commit_offset_async", {
        commit_cb_not_supported(tmq, cb, param);
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// H4. assignment, seek, position

/// The vgroups of a topic with their offsets; free `*assignment` with
/// `tmq_free_assignment`. Not supported yet: sets `*assignment = NULL`,
/// `*numOfAssignment = 0` (when non-NULL) and returns `TSDB_CODE_OPS_NOT_SUPPORT`.
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
    let _ = (tmq, pTopicName);
    ffi_boundary!("tmq_get_topic_assignment", {
        // SAFETY: caller contract.
        unsafe {
            put(assignment, std::ptr::null_mut());
            put(numOfAssignment, 0);
        }
        Err(not_supported_err("tmq_get_topic_assignment"))
    })
}

/// Frees an array from `tmq_get_topic_assignment`. That never returns an array yet, so there
/// is nothing to free: no-op (also for NULL).
#[no_mangle]
pub extern "C" fn tmq_free_assignment(pAssignment: *mut tmq_topic_assignment) {
    let _ = pAssignment;
    ffi_boundary!("tmq_free_assignment", { Ok(()) })
}

/// Moves the consumer's position for one vgroup. Not supported yet: returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn tmq_offset_seek(
    tmq: *mut tmq_t,
    pTopicName: *const c_char,
    vgId: i32,
    offset: i64,
) -> i32 {
    let _ = (tmq, pTopicName, vgId, offset);
    unsupported!("tmq_offset_seek")
}

/// Current position (last consumed + 1) of one vgroup; negative = error code. Not supported
/// yet: returns `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn tmq_position(tmq: *mut tmq_t, pTopicName: *const c_char, vgId: i32) -> i64 {
    let _ = (tmq, pTopicName, vgId);
    unsupported!("tmq_position")
}

/// Committed offset of one vgroup; negative = error code. Not supported yet: returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn tmq_committed(tmq: *mut tmq_t, pTopicName: *const c_char, vgId: i32) -> i64 {
    let _ = (tmq, pTopicName, vgId);
    unsupported!("tmq_committed")
}

// ---------------------------------------------------------------------------------------------
// H5. message accessors

/// The consumer's connection (borrowed: do not close). Not supported yet: returns NULL with
/// `TSDB_CODE_OPS_NOT_SUPPORT` as the thread's last error.
#[no_mangle]
pub extern "C" fn tmq_get_connect(tmq: *mut tmq_t) -> *mut TAOS {
    let _ = tmq;
    unsupported!("tmq_get_connect")
}

/// Table name of a TMQ message (owned by the message). No TMQ message can exist yet:
/// returns NULL with `TSDB_CODE_OPS_NOT_SUPPORT` as the thread's last error.
#[no_mangle]
pub extern "C" fn tmq_get_table_name(res: *mut TAOS_RES) -> *const c_char {
    let _ = res;
    unsupported!("tmq_get_table_name")
}

/// Kind of a TMQ message (`TMQ_RES_DATA`, `TMQ_RES_TABLE_META`, `TMQ_RES_METADATA`,
/// `TMQ_RES_RAWDATA`). No TMQ message can exist yet, so every result (and NULL) gives
/// `TMQ_RES_INVALID`.
#[no_mangle]
pub extern "C" fn tmq_get_res_type(res: *mut TAOS_RES) -> tmq_res_t {
    let _ = res;
    ffi_boundary!("tmq_get_res_type", { Ok(TMQ_RES_INVALID) })
}

/// Topic of a TMQ message (owned by the message). No TMQ message can exist yet: returns
/// NULL with `TSDB_CODE_OPS_NOT_SUPPORT` as the thread's last error.
#[no_mangle]
pub extern "C" fn tmq_get_topic_name(res: *mut TAOS_RES) -> *const c_char {
    let _ = res;
    unsupported!("tmq_get_topic_name")
}

/// Database of a TMQ message (owned by the message). No TMQ message can exist yet: returns
/// NULL with `TSDB_CODE_OPS_NOT_SUPPORT` as the thread's last error.
#[no_mangle]
pub extern "C" fn tmq_get_db_name(res: *mut TAOS_RES) -> *const c_char {
    let _ = res;
    unsupported!("tmq_get_db_name")
}

/// Vgroup id of a TMQ message; negative = error code. No TMQ message can exist yet: returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn tmq_get_vgroup_id(res: *mut TAOS_RES) -> i32 {
    let _ = res;
    unsupported!("tmq_get_vgroup_id")
}

/// Offset of a TMQ message; negative = error code. No TMQ message can exist yet: returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn tmq_get_vgroup_offset(res: *mut TAOS_RES) -> i64 {
    let _ = res;
    unsupported!("tmq_get_vgroup_offset")
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

/// Fills `*raw` with the raw data of a TMQ message (release with `tmq_free_raw`). No TMQ
/// message can exist yet: zeroes `*raw` (when non-NULL) and returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
///
/// # Safety
/// `raw` must be NULL or point to a writable `tmq_raw_data`.
#[no_mangle]
pub unsafe extern "C" fn tmq_get_raw(res: *mut TAOS_RES, raw: *mut tmq_raw_data) -> i32 {
    let _ = res;
    ffi_boundary!("tmq_get_raw", {
        let empty = tmq_raw_data {
            raw: std::ptr::null_mut(),
            raw_len: 0,
            raw_type: 0,
        };
        // SAFETY: caller contract.
        unsafe { put(raw, empty) };
        Err(not_supported_err("tmq_get_raw"))
    })
}

/// Writes raw TMQ data (passed by value) into the connection's database. Not supported yet:
/// returns `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn tmq_write_raw(taos: *mut TAOS, raw: tmq_raw_data) -> i32 {
    let _ = (taos, raw);
    unsupported!("tmq_write_raw")
}

/// Releases data from `tmq_get_raw` (passed by value). That never hands out data yet, so
/// there is nothing to free: no-op.
#[no_mangle]
pub extern "C" fn tmq_free_raw(raw: tmq_raw_data) {
    let _ = raw;
    ffi_boundary!("tmq_free_raw", { Ok(()) })
}

/// JSON description of a meta message (release with `tmq_free_json_meta`). No TMQ message
/// can exist yet: returns NULL with `TSDB_CODE_OPS_NOT_SUPPORT` as the thread's last error.
#[no_mangle]
pub extern "C" fn tmq_get_json_meta(res: *mut TAOS_RES) -> *mut c_char {
    let _ = res;
    unsupported!("tmq_get_json_meta")
}

/// Releases a string from `tmq_get_json_meta`. That never returns a string yet, so there is
/// nothing to free: no-op (also for NULL).
#[no_mangle]
pub extern "C" fn tmq_free_json_meta(jsonMeta: *mut c_char) {
    let _ = jsonMeta;
    ffi_boundary!("tmq_free_json_meta", { Ok(()) })
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
        tmq_commit_async(
            0x10 as *mut tmq_t,
            std::ptr::null(),
            cb,
            &*tx as *const _ as *mut c_void,
        );
        let got = rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap();
        assert_eq!(got, (0x10, TSDB_CODE_OPS_NOT_SUPPORT));
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
        assert_eq!(s, "tmq_consumer_ne"); // truncated to 15 bytes + NUL
        assert_eq!(last_error_code(), TSDB_CODE_OPS_NOT_SUPPORT);
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
            TSDB_CODE_OPS_NOT_SUPPORT as i64
        );
        let mut raw = tmq_raw_data {
            raw: 8 as *mut c_void,
            raw_len: 3,
            raw_type: 1,
        };
        assert_eq!(
            unsafe { tmq_get_raw(std::ptr::null_mut(), &mut raw) },
            TSDB_CODE_OPS_NOT_SUPPORT
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
        assert_eq!((rc, n), (TSDB_CODE_OPS_NOT_SUPPORT, 0));
        assert!(a.is_null());
    }
}
