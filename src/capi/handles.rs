//! The opaque C handle types and their ownership, declared once.
//!
//! | C type       | Rust object behind the pointer | Created by                  | Freed by          |
//! |--------------|--------------------------------|-----------------------------|-------------------|
//! | `TAOS *`     | `Box<ConnHandle>`              | `taos_connect*`             | `taos_close`      |
//! | `TAOS_RES *` | `Box<ResHandle>` (tagged)      | `taos_query*`, sml, stmt, tmq | `taos_free_result` |
//!
//! Every handle starts with a magic number: a garbage or already freed pointer is
//! (best effort) refused with `TSDB_CODE_INVALID_PARA` / `TSC_INVALID_CONNECTION`
//! instead of being used. All `as` casts between C pointers and Rust objects live here.
//!
//! Other handles (`TAOS_STMT`, `TAOS_STMT2`, `tmq_t`, ...) are plain boxes made with
//! [`box_into_raw`] and read back with [`box_mut`] / [`box_from_raw`]. A result with rows
//! carries a [`Cursor`] over any [`BlockSource`] (query, stmt, TMQ message), so every
//! fetch function works on every kind of result.
//!
//! Handles that must refuse a closed pointer without reading it (`TAOS_STMT`, `TAOS_STMT2`)
//! live in a [`Registry`]: a per-kind set of the addresses currently handed out.

use std::any::Any;
use std::collections::HashSet;
use std::ffi::{c_void, CString};
use std::marker::PhantomData;
use std::sync::{Arc, OnceLock, Weak};

use parking_lot::{Mutex, RwLock};

use taos_wire::error::codes::{
    TSDB_CODE_INVALID_PARA, TSDB_CODE_TSC_INVALID_CONNECTION, TSDB_CODE_TSC_INVALID_QHANDLE,
};
use taos_wire::error::TaosError;

use crate::capi::boundary::{err, to_cstring};
use crate::capi::fetch::{BlockSource, Cursor};
use crate::capi::types::TSDB_OPTION_CONNECTION_CLEAR;
use crate::client::{ConnectOptions, Connection};

pub use crate::capi::types::{TAOS, TAOS_RES, TAOS_ROW};

const CONN_MAGIC: u64 = 0x5441_4f53_434f_4e4e; // "TAOSCONN"
const RES_MAGIC: u64 = 0x5441_4f53_5245_5355; // "TAOSRESU"
const FREED_MAGIC: u64 = 0xdead_beef_dead_beef;

/// What lives behind a `TAOS *`.
pub struct ConnHandle {
    magic: u64,
    /// The safe client connection; replaced by `taos_reset_current_db` (see [`conn`]).
    ///
    /// [`conn`]: ConnHandle::conn
    conn: RwLock<Connection>,
    /// Connections replaced by a reset; kept open until `taos_close` because results
    /// obtained from them may still be read.
    retired: Mutex<Vec<Connection>>,
    /// `taos_options_connection` settings in effect, replayed on a replacement connection.
    conn_options: Mutex<Vec<(i32, Option<String>)>>,
    /// The options the connection was opened with (user, token, ... for connection info).
    pub opts: ConnectOptions,
    /// `taos_get_server_info` text, lives as long as the connection.
    pub server_info: CString,
    /// Whether `taos_close` frees this handle (false for `tmq_get_connect`'s borrowed one).
    pub owned: bool,
    /// Results opened on this connection, for `taos_kill_query` (weak: results own them).
    active: Mutex<Vec<Weak<dyn BlockSource>>>,
}

impl ConnHandle {
    /// Wraps an open connection.
    pub fn new(conn: Connection, opts: ConnectOptions) -> Self {
        let server_info = to_cstring(conn.server_version());
        ConnHandle {
            magic: CONN_MAGIC,
            conn: RwLock::new(conn),
            retired: Mutex::new(Vec::new()),
            conn_options: Mutex::new(Vec::new()),
            opts,
            server_info,
            owned: true,
            active: Mutex::new(Vec::new()),
        }
    }

    /// The connection to send requests on (a cheap clone sharing the socket).
    pub fn conn(&self) -> Connection {
        self.conn.read().clone()
    }

    /// Applies a `taos_options_connection` setting and remembers it for replacements.
    pub fn set_connection_option(&self, option: i32, value: Option<&str>) -> Result<(), TaosError> {
        self.conn().set_connection_option(option, value)?;
        let mut o = self.conn_options.lock();
        if option == TSDB_OPTION_CONNECTION_CLEAR {
            o.clear();
        } else {
            o.retain(|(k, _)| *k != option);
            if value.is_some() {
                o.push((option, value.map(str::to_string)));
            }
        }
        Ok(())
    }

    /// Replaces the connection by `new` (same server and options, no current database),
    /// replaying the connection options; the old one stays open until [`close`].
    ///
    /// [`close`]: ConnHandle::close
    pub fn replace_connection(&self, new: Connection) -> Result<(), TaosError> {
        for (k, v) in self.conn_options.lock().iter() {
            new.set_connection_option(*k, v.as_deref())?;
        }
        let old = std::mem::replace(&mut *self.conn.write(), new);
        self.retired.lock().push(old);
        Ok(())
    }

    /// Closes the connection and every retired one.
    pub fn close(&self) {
        self.conn.read().close();
        for c in self.retired.lock().drain(..) {
            c.close();
        }
    }

    /// Remembers a result's block source so `taos_kill_query` can stop it.
    pub fn register(&self, src: &Arc<dyn BlockSource>) {
        let mut a = self.active.lock();
        a.retain(|w| w.strong_count() > 0);
        a.push(Arc::downgrade(src));
    }

    /// Stops every result of this connection that is still alive.
    pub fn stop_all(&self) {
        let live: Vec<_> = self
            .active
            .lock()
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        for s in live {
            s.stop();
        }
    }
}

/// Which API produced a `TAOS_RES`; decides how `taos_errno`, `taos_free_result` & co act.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResKind {
    /// `taos_query*` / `taos_query_a*`.
    Query,
    /// `taos_schemaless_insert*`.
    Schemaless,
    /// `taos_stmt_use_result` / `taos_stmt2_result` / stmt2 async exec.
    Stmt,
    /// A TMQ message from `tmq_consumer_poll`.
    Tmq,
}

/// An error carried by a result (`taos_errno(res)` / `taos_errstr(res)`).
pub struct ResError {
    /// Negative TDengine code.
    pub code: i32,
    /// Message, returned by `taos_errstr(res)`; lives as long as the result.
    pub msg: CString,
}

/// What lives behind a `TAOS_RES *`.
pub struct ResHandle {
    magic: u64,
    /// Producer of the result.
    pub kind: ResKind,
    /// The error the result carries (`None` = success).
    pub error: Option<ResError>,
    /// Row-fetch state when the result has columns (fields, current block, C buffers).
    pub cursor: Option<Cursor>,
    /// Rows affected (DML, schemaless, stmt).
    pub affected_rows: i64,
    /// When true `taos_free_result` does nothing: the object belongs to a stmt/consumer.
    pub borrowed: bool,
    /// Area-specific data (TMQ message details, schemaless counters...), owned by the area.
    pub ext: Option<Box<dyn Any + Send>>,
}

impl ResHandle {
    /// A result without rows and without error.
    pub fn empty(kind: ResKind) -> Self {
        ResHandle {
            magic: RES_MAGIC,
            kind,
            error: None,
            cursor: None,
            affected_rows: 0,
            borrowed: false,
            ext: None,
        }
    }

    /// A result that carries `e` (what native `taos_query` returns on failure).
    pub fn failed(kind: ResKind, e: &TaosError) -> Self {
        let mut r = Self::empty(kind);
        r.set_error(e);
        r
    }

    /// A result with rows read through `cursor`.
    pub fn with_cursor(kind: ResKind, cursor: Cursor) -> Self {
        let mut r = Self::empty(kind);
        r.cursor = Some(cursor);
        r
    }

    /// Records `e` as this result's error.
    pub fn set_error(&mut self, e: &TaosError) {
        self.error = Some(ResError {
            code: e.code,
            msg: to_cstring(&e.message),
        });
    }

    /// The result's error code (0 = success).
    pub fn code(&self) -> i32 {
        self.error.as_ref().map_or(0, |e| e.code)
    }
}

/// Moves a connection to the heap and hands its pointer to C.
pub fn conn_into_raw(h: ConnHandle) -> *mut TAOS {
    Box::into_raw(Box::new(h)) as *mut TAOS
}

/// Takes a connection back from C (for `taos_close`). Returns `None` for NULL or a
/// pointer that is not a live connection.
///
/// # Safety
/// `ptr` must be NULL or a pointer returned by [`conn_into_raw`] not yet taken back.
pub unsafe fn conn_from_raw(ptr: *mut TAOS) -> Option<Box<ConnHandle>> {
    let h = conn_check(ptr).ok()?;
    // Mark first so a second close is detected (best effort) instead of a double free.
    h.magic = FREED_MAGIC;
    // SAFETY: checked above that ptr is a live Box<ConnHandle>.
    Some(unsafe { Box::from_raw(ptr as *mut ConnHandle) })
}

fn conn_check<'a>(ptr: *mut TAOS) -> Result<&'a mut ConnHandle, TaosError> {
    if ptr.is_null() {
        return Err(err(
            TSDB_CODE_TSC_INVALID_CONNECTION,
            "Invalid connection: NULL",
        ));
    }
    if !(ptr as usize).is_multiple_of(std::mem::align_of::<ConnHandle>()) {
        return Err(err(TSDB_CODE_TSC_INVALID_CONNECTION, "Invalid connection"));
    }
    // SAFETY: C contract: ptr came from conn_into_raw; the magic check catches most misuse.
    let h = unsafe { &mut *(ptr as *mut ConnHandle) };
    if h.magic != CONN_MAGIC {
        return Err(err(
            TSDB_CODE_TSC_INVALID_CONNECTION,
            "Invalid connection (closed or not a TAOS handle)",
        ));
    }
    Ok(h)
}

/// Borrows the connection behind a `TAOS *`. NULL / invalid gives
/// `TSDB_CODE_TSC_INVALID_CONNECTION`.
pub fn conn_ref<'a>(ptr: *mut TAOS) -> Result<&'a ConnHandle, TaosError> {
    conn_check(ptr).map(|h| &*h)
}

/// Moves a result to the heap and hands its pointer to C.
pub fn res_into_raw(h: ResHandle) -> *mut TAOS_RES {
    Box::into_raw(Box::new(h)) as *mut TAOS_RES
}

/// Takes a result back from C (for `taos_free_result`). Returns `None` for NULL or a
/// pointer that is not a live result.
///
/// # Safety
/// `ptr` must be NULL or a pointer returned by [`res_into_raw`] not yet taken back.
pub unsafe fn res_from_raw(ptr: *mut TAOS_RES) -> Option<Box<ResHandle>> {
    let h = res_mut(ptr).ok()?;
    h.magic = FREED_MAGIC;
    // SAFETY: checked above that ptr is a live Box<ResHandle>.
    Some(unsafe { Box::from_raw(ptr as *mut ResHandle) })
}

/// Borrows the result behind a `TAOS_RES *` mutably. NULL or a pointer that is not a
/// live result gives `TSDB_CODE_INVALID_PARA` / `TSC_INVALID_QHANDLE`.
pub fn res_mut<'a>(ptr: *mut TAOS_RES) -> Result<&'a mut ResHandle, TaosError> {
    if ptr.is_null() {
        return Err(err(TSDB_CODE_INVALID_PARA, "Invalid result: NULL"));
    }
    if !(ptr as usize).is_multiple_of(std::mem::align_of::<ResHandle>()) {
        return Err(err(TSDB_CODE_TSC_INVALID_QHANDLE, "Invalid result handle"));
    }
    // SAFETY: C contract: ptr came from res_into_raw; the magic check catches most misuse.
    let h = unsafe { &mut *(ptr as *mut ResHandle) };
    if h.magic != RES_MAGIC {
        return Err(err(
            TSDB_CODE_TSC_INVALID_QHANDLE,
            "Invalid result handle (freed or not a TAOS_RES)",
        ));
    }
    Ok(h)
}

/// Borrows the result behind a `TAOS_RES *` shared.
pub fn res_ref<'a>(ptr: *mut TAOS_RES) -> Result<&'a ResHandle, TaosError> {
    res_mut(ptr).map(|h| &*h)
}

/// Moves any other handle (stmt, stmt2, tmq...) to the heap for C.
pub fn box_into_raw<T>(v: T) -> *mut c_void {
    Box::into_raw(Box::new(v)) as *mut c_void
}

/// Borrows a handle made by [`box_into_raw`]; NULL gives `TSDB_CODE_INVALID_PARA`.
///
/// # Safety
/// `ptr` must be NULL or come from `box_into_raw::<T>` and not be freed.
pub unsafe fn box_mut<'a, T>(ptr: *mut c_void, what: &str) -> Result<&'a mut T, TaosError> {
    if ptr.is_null() {
        return Err(err(TSDB_CODE_INVALID_PARA, format!("{what} is NULL")));
    }
    // SAFETY: forwarded contract.
    Ok(unsafe { &mut *(ptr as *mut T) })
}

/// Takes back a handle made by [`box_into_raw`]; NULL gives `None`.
///
/// # Safety
/// As [`box_mut`]; the pointer must not be used afterwards.
pub unsafe fn box_from_raw<T>(ptr: *mut c_void) -> Option<Box<T>> {
    if ptr.is_null() {
        None
    } else {
        // SAFETY: forwarded contract.
        Some(unsafe { Box::from_raw(ptr as *mut T) })
    }
}

/// The live handles of one kind `T`, by address. A pointer is used only while it is
/// registered, so NULL, foreign and closed pointers (calls after close, double close) get
/// `TSDB_CODE_INVALID_PARA` instead of a use-after-free. Meant for a `static`.
pub struct Registry<T> {
    live: OnceLock<Mutex<HashSet<usize>>>,
    /// Short name used in error messages (e.g. `stmt`).
    noun: &'static str,
    /// C type name used in error messages (e.g. `TAOS_STMT2`).
    what: &'static str,
    // fn() -> T: the registry holds addresses, not T values (Send + Sync whatever T is).
    _t: PhantomData<fn() -> T>,
}

impl<T> Registry<T> {
    /// An empty registry; `noun` (e.g. "stmt") and `what` (the C type, e.g. "TAOS_STMT")
    /// appear in error messages.
    pub const fn new(noun: &'static str, what: &'static str) -> Self {
        Registry {
            live: OnceLock::new(),
            noun,
            what,
            _t: PhantomData,
        }
    }

    fn set(&self) -> &Mutex<HashSet<usize>> {
        self.live.get_or_init(Default::default)
    }

    /// Moves `v` to the heap, registers it and hands its pointer to C.
    pub fn insert(&self, v: T) -> *mut c_void {
        let p = Box::into_raw(Box::new(v));
        self.set().lock().insert(p as usize);
        p as *mut c_void
    }

    /// True while `ptr` is a registered handle.
    pub fn contains(&self, ptr: *const c_void) -> bool {
        self.set().lock().contains(&(ptr as usize))
    }

    /// Borrows the handle behind `ptr`: NULL gives "<noun> is NULL", an unregistered
    /// pointer "invalid <noun> handle (closed or not a <what>)", both
    /// `TSDB_CODE_INVALID_PARA`.
    ///
    /// The borrow must not outlive the handle: C callers must not close a handle while
    /// another call on it runs (the native library has the same rule).
    pub fn get<'a>(&self, ptr: *mut c_void) -> Result<&'a T, TaosError> {
        if ptr.is_null() {
            return Err(err(
                TSDB_CODE_INVALID_PARA,
                format!("{} is NULL", self.noun),
            ));
        }
        if !self.contains(ptr) {
            return Err(err(
                TSDB_CODE_INVALID_PARA,
                format!(
                    "invalid {} handle (closed or not a {})",
                    self.noun, self.what
                ),
            ));
        }
        // SAFETY: registered addresses come from `insert` (a live Box<T>) and are removed
        // before the box is freed.
        Ok(unsafe { &*(ptr as *const T) })
    }

    /// Unregisters the handle behind `ptr` and gives its box back (for close). A second
    /// close, NULL or a foreign pointer is an error and frees nothing.
    pub fn remove(&self, ptr: *mut c_void) -> Result<Box<T>, TaosError> {
        self.get(ptr)?;
        // Removing first makes a concurrent or repeated close fail instead of freeing twice.
        if !self.set().lock().remove(&(ptr as usize)) {
            return Err(err(
                TSDB_CODE_INVALID_PARA,
                format!("invalid {} handle (already closed)", self.noun),
            ));
        }
        // SAFETY: it was registered (a live Box<T> from `insert`) and is now unregistered:
        // this call owns the box.
        Ok(unsafe { Box::from_raw(ptr as *mut T) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_refuses_null_foreign_and_closed_pointers() {
        static R: Registry<String> = Registry::new("thing", "THING");
        let p = R.insert("x".to_string());
        assert_eq!(R.get(p).unwrap(), "x");
        assert!(R
            .get(std::ptr::null_mut())
            .unwrap_err()
            .message
            .contains("NULL"));
        let bogus = [0u64; 4];
        let e = R.get(bogus.as_ptr() as *mut c_void).unwrap_err();
        assert_eq!(e.code, TSDB_CODE_INVALID_PARA);
        assert!(e.message.contains("THING"), "{}", e.message);
        assert_eq!(*R.remove(p).unwrap(), "x");
        assert!(R.get(p).is_err());
        assert!(R.remove(p).is_err());
    }

    #[test]
    fn result_handles_round_trip_and_detect_free() {
        let p = res_into_raw(ResHandle::empty(ResKind::Query));
        assert_eq!(res_ref(p).unwrap().kind, ResKind::Query);
        assert!(res_mut(std::ptr::null_mut()).is_err());
        let b = unsafe { res_from_raw(p) }.unwrap();
        drop(b);
        let bogus = [0u64; 16];
        assert!(res_ref(bogus.as_ptr() as *mut c_void).is_err());
    }
}
