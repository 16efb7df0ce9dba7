//! Library init and connections: `taos_init`, `taos_connect*`, `taos_close`, current
//! database, server/client info, connection info, liveness, server status.

// Exports take C pointers whose validity is the C caller's contract (documented per
// function); they cannot be `unsafe fn` and still be called from C like native ones.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use std::ffi::{c_char, c_int, CStr};
use std::sync::Once;

use parking_lot::Mutex;

use taos_wire::error::codes::{
    TSDB_CODE_OPS_NOT_SUPPORT, TSDB_CODE_TSC_INVALID_CONNECTION, TSDB_CODE_TSC_INVALID_INPUT,
};
use taos_wire::error::TaosError;

use crate::capi::boundary::{
    copy_to_c_buf, cstr_arg, err, ffi_boundary, invalid_para, opt_cstr_arg,
};
use crate::capi::handles::{conn_from_raw, conn_into_raw, conn_ref, ConnHandle, TAOS};
use crate::capi::options::{apply_option_pairs, options_pairs};
use crate::capi::types::{
    OPTIONS, TSDB_CONNECTION_INFO, TSDB_CONNECTION_INFO_TOKEN, TSDB_CONNECTION_INFO_USER,
    TSDB_SERVER_STATUS, TSDB_SRV_STATUS_UNAVAILABLE,
};
use crate::client::{check_server_status, ConnectOptions, Connection};

/// The version `taos_get_client_info` reports; taospy needs it to start with "3.".
pub const CLIENT_VERSION: &CStr = c"3.3.6.0";

const DEFAULT_USER: &str = "root";
const DEFAULT_PASS: &str = "taosdata";

static INIT: Once = Once::new();

/// Idempotent library initialisation (also run by every connect). Returns 0.
#[no_mangle]
pub extern "C" fn taos_init() -> c_int {
    ffi_boundary!("taos_init", {
        INIT.call_once(|| {
            // Nothing global to set up beyond reading the configuration lazily; touching it
            // here surfaces a broken taos.cfg early in the same way for every entry point.
            let _ = ConnectOptions::default().resolved();
        });
        Ok(0)
    })
}

/// Releases process-wide resources. Connections still open keep working until closed;
/// calling it twice or without `taos_init` is harmless.
#[no_mangle]
pub extern "C" fn taos_cleanup() {
    ffi_boundary!("taos_cleanup", { Ok(()) })
}

/// Builds connect options from the classic `taos_connect` arguments.
///
/// # Safety
/// Pointers are NULL or C strings.
unsafe fn classic_options(
    ip: *const c_char,
    user: *const c_char,
    pass: *const c_char,
    db: *const c_char,
    port: u16,
) -> Result<ConnectOptions, TaosError> {
    // SAFETY: forwarded contract.
    let (ip, user, pass, db) = unsafe {
        (
            opt_cstr_arg(ip, "ip")?,
            opt_cstr_arg(user, "user")?,
            opt_cstr_arg(pass, "pass")?,
            opt_cstr_arg(db, "db")?,
        )
    };
    Ok(ConnectOptions {
        host: ip.unwrap_or("").to_string(),
        port,
        user: user.unwrap_or(DEFAULT_USER).to_string(),
        password: pass.unwrap_or(DEFAULT_PASS).to_string(),
        db: db.filter(|d| !d.is_empty()).map(str::to_string),
        ..ConnectOptions::default()
    })
}

/// Opens a connection and wraps it in a handle.
fn open(opts: ConnectOptions) -> Result<ConnHandle, TaosError> {
    taos_init();
    let opts = opts.resolved();
    let conn = Connection::connect(&opts)?;
    Ok(ConnHandle::new(conn, opts))
}

fn open_raw(opts: Result<ConnectOptions, TaosError>) -> Result<*mut TAOS, TaosError> {
    Ok(conn_into_raw(open(opts?)?))
}

/// Connects to taosAdapter. `ip` NULL/"" = configured host (taos.cfg / env) or localhost;
/// `user`/`pass` NULL = "root"/"taosdata"; `db` NULL = no default database; `port` 0 =
/// default (6041; 6030 is mapped to 6041). Returns a connection owned by the caller
/// (release with `taos_close`), or NULL with the reason in `taos_errno(NULL)` /
/// `taos_errstr(NULL)` on the calling thread.
#[no_mangle]
pub extern "C" fn taos_connect(
    ip: *const c_char,
    user: *const c_char,
    pass: *const c_char,
    db: *const c_char,
    port: u16,
) -> *mut TAOS {
    ffi_boundary!("taos_connect", {
        // SAFETY: C strings or NULL per contract.
        open_raw(unsafe { classic_options(ip, user, pass, db, port) })
    })
}

/// Like `taos_connect` with a one-time TOTP code (`totp` NULL = plain connect).
/// Returns a caller-owned connection or NULL (error in `taos_errno(NULL)`).
#[no_mangle]
pub extern "C" fn taos_connect_totp(
    ip: *const c_char,
    user: *const c_char,
    pass: *const c_char,
    totp: *const c_char,
    db: *const c_char,
    port: u16,
) -> *mut TAOS {
    ffi_boundary!("taos_connect_totp", {
        // SAFETY: C strings or NULL per contract.
        let mut o = unsafe { classic_options(ip, user, pass, db, port) }?;
        o.totp_code = unsafe { opt_cstr_arg(totp, "totp") }?
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        open_raw(Ok(o))
    })
}

/// Connects, then closes at once: a credentials/reachability test. Returns 0 or the
/// negative error code (also in `taos_errno(NULL)`).
#[no_mangle]
pub extern "C" fn taos_connect_test(
    ip: *const c_char,
    user: *const c_char,
    pass: *const c_char,
    totp: *const c_char,
    db: *const c_char,
    port: u16,
) -> c_int {
    ffi_boundary!("taos_connect_test", {
        // SAFETY: C strings or NULL per contract.
        let mut o = unsafe { classic_options(ip, user, pass, db, port) }?;
        o.totp_code = unsafe { opt_cstr_arg(totp, "totp") }?
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let h = open(o)?;
        h.close();
        Ok(0)
    })
}

/// Connects with a bearer token instead of user/password (taosAdapter 3.4+).
/// `token` must not be NULL. Returns a caller-owned connection or NULL (error in
/// `taos_errno(NULL)`).
#[no_mangle]
pub extern "C" fn taos_connect_token(
    ip: *const c_char,
    token: *const c_char,
    db: *const c_char,
    port: u16,
) -> *mut TAOS {
    ffi_boundary!("taos_connect_token", {
        // SAFETY: C strings or NULL per contract.
        let mut o = unsafe { classic_options(ip, std::ptr::null(), std::ptr::null(), db, port) }?;
        o.bearer_token = Some(unsafe { cstr_arg(token, "token") }?.to_string());
        open_raw(Ok(o))
    })
}

/// Not available over WebSocket: taosAdapter cannot log in with an MD5 password digest.
/// Always returns NULL with `TSDB_CODE_OPS_NOT_SUPPORT` in `taos_errno(NULL)`.
#[no_mangle]
pub extern "C" fn taos_connect_auth(
    ip: *const c_char,
    user: *const c_char,
    auth: *const c_char,
    db: *const c_char,
    port: u16,
) -> *mut TAOS {
    let _ = (ip, user, auth, db, port);
    ffi_boundary!("taos_connect_auth", {
        Err(err(
            TSDB_CODE_OPS_NOT_SUPPORT,
            "taos_connect_auth is not supported by libtaos-rs: taosAdapter cannot log in with an \
             MD5 password digest; use taos_connect with the password",
        ))
    })
}

/// Connects with the key/value pairs of an `OPTIONS` table (see `taos_set_option`);
/// NULL `options` = all defaults. Keys: ip, user, pass, db, port, charset (UTF-8 only),
/// timezone, userIp, userApp, connectorInfo, token, adapterList (failover list),
/// wsTlsMode; tuning keys libtaos-rs has no equivalent for are ignored. Returns a
/// caller-owned connection or NULL (error in `taos_errno(NULL)`).
#[no_mangle]
pub extern "C" fn taos_connect_with(options: *const OPTIONS) -> *mut TAOS {
    ffi_boundary!("taos_connect_with", {
        // SAFETY: NULL or a valid OPTIONS per contract.
        let pairs = unsafe { options_pairs(options) }?;
        let mut o = ConnectOptions {
            user: DEFAULT_USER.to_string(),
            password: DEFAULT_PASS.to_string(),
            ..ConnectOptions::default()
        };
        apply_option_pairs(&pairs, &mut o)?;
        open_raw(Ok(o))
    })
}

/// Connects with a DSN such as `ws://root:taosdata@localhost:6041/db?timezone=UTC`
/// (also `wss://`, `taos+ws://`); NULL = `ws://localhost:6041`. Returns a caller-owned
/// connection or NULL (error in `taos_errno(NULL)`).
#[no_mangle]
pub extern "C" fn taos_connect_with_dsn(dsn: *const c_char) -> *mut TAOS {
    ffi_boundary!("taos_connect_with_dsn", {
        // SAFETY: NULL or a C string.
        let dsn = unsafe { opt_cstr_arg(dsn, "dsn") }?.unwrap_or("ws://localhost:6041");
        open_raw(ConnectOptions::from_dsn(dsn))
    })
}

/// Closes a connection and frees the handle. NULL, an already closed handle or a
/// borrowed connection (`tmq_get_connect`) is a no-op. Results obtained from it must be
/// freed before; they stop working after close.
#[no_mangle]
pub extern "C" fn taos_close(taos: *mut TAOS) {
    ffi_boundary!("taos_close", {
        if let Ok(h) = conn_ref(taos) {
            if !h.owned {
                return Ok(());
            }
        }
        // SAFETY: pointer came from conn_into_raw (checked by magic inside).
        if let Some(h) = unsafe { conn_from_raw(taos) } {
            forget_mode(&h.conn());
            h.close();
        }
        Ok(())
    })
}

/// Makes `db` the connection's current database (`USE db`). Returns 0 or a negative
/// error code; NULL `taos` gives `TSDB_CODE_TSC_INVALID_CONNECTION`, NULL `db`
/// `TSDB_CODE_INVALID_PARA`.
#[no_mangle]
pub extern "C" fn taos_select_db(taos: *mut TAOS, db: *const c_char) -> c_int {
    ffi_boundary!("taos_select_db", {
        let h = conn_ref(taos)?;
        // SAFETY: C string or NULL.
        let db = unsafe { cstr_arg(db, "db") }?;
        if db.is_empty() {
            return Err(err(TSDB_CODE_TSC_INVALID_INPUT, "database name is empty"));
        }
        let r = h.conn().query(&format!("use {db}"), 0)?;
        r.stop();
        Ok(0)
    })
}

/// Writes the current database name into `database` (NUL-terminated, `len` bytes
/// available). Returns 0; when `len` is too small writes a truncated name, sets
/// `*required` = name length + 1 and returns `TSDB_CODE_INVALID_PARA`. NULL `taos`,
/// `database` or `len <= 0` give an error code.
#[no_mangle]
pub extern "C" fn taos_get_current_db(
    taos: *mut TAOS,
    database: *mut c_char,
    len: c_int,
    required: *mut c_int,
) -> c_int {
    ffi_boundary!("taos_get_current_db", {
        let h = conn_ref(taos)?;
        let db = h.conn().current_db()?;
        let need = db.len() + 1;
        if database.is_null() || len <= 0 {
            if !required.is_null() {
                // SAFETY: non-NULL out-parameter.
                unsafe { *required = need as c_int };
            }
            return Err(invalid_para("database is NULL or len <= 0"));
        }
        // SAFETY: database is valid for len bytes per contract.
        unsafe { copy_to_c_buf(db.as_bytes(), database, len as usize) };
        if need > len as usize {
            if !required.is_null() {
                // SAFETY: non-NULL out-parameter.
                unsafe { *required = need as c_int };
            }
            return Err(invalid_para(format!(
                "database buffer too small: {need} bytes required"
            )));
        }
        Ok(0)
    })
}

/// Forgets the connection's current database, as after connecting without one. The
/// database lives in the taosAdapter session, which has no "unuse": the library opens a
/// fresh session with the same options (no database, same `taos_set_conn_mode` mode),
/// replays the `taos_options_connection` settings, and keeps the old session open until
/// `taos_close` so results already obtained stay readable. NULL is a no-op; on failure (e.g. a
/// one-time TOTP login cannot be repeated) the connection is unchanged and the reason is
/// in `taos_errno(NULL)`.
#[no_mangle]
pub extern "C" fn taos_reset_current_db(taos: *mut TAOS) {
    ffi_boundary!("taos_reset_current_db", {
        if taos.is_null() {
            return Ok(());
        }
        let h = conn_ref(taos)?;
        reopen_session(h, None, bi_mode_of(h))
    })
}

/// Sessions reopened in a connection mode other than the one the handle was opened with
/// (`taos_set_conn_mode`), with that mode. An entry counts only while its connection is
/// still the handle's current one; holding the clone keeps its address from being reused.
/// Entries are dropped by [`reopen_session`] and `taos_close`.
static CONN_MODES: Mutex<Vec<(Connection, bool)>> = Mutex::new(Vec::new());

/// True when `a` and `b` are the same session (clones share one link).
fn same_session(a: &Connection, b: &Connection) -> bool {
    std::ptr::eq(a.link(), b.link())
}

/// Whether the handle's current session is in BI mode (`TAOS_CONN_MODE_BI`).
pub(crate) fn bi_mode_of(h: &ConnHandle) -> bool {
    let cur = h.conn();
    CONN_MODES
        .lock()
        .iter()
        .find(|(c, _)| same_session(c, &cur))
        .map_or(h.opts.bi_mode, |(_, bi)| *bi)
}

/// Forgets the recorded mode of `conn`'s session.
fn forget_mode(conn: &Connection) {
    CONN_MODES.lock().retain(|(c, _)| !same_session(c, conn));
}

/// Opens a fresh taosAdapter session for `h` with the handle's options, current database
/// `db` and BI mode `bi`, replays the `taos_options_connection` settings and makes it the
/// handle's connection (the old one stays open until `taos_close`, see
/// `ConnHandle::replace_connection`). On failure the handle is unchanged.
pub(crate) fn reopen_session(
    h: &ConnHandle,
    db: Option<String>,
    bi: bool,
) -> Result<(), TaosError> {
    let mut o = h.opts.clone();
    o.db = db;
    o.bi_mode = bi;
    let old = h.conn();
    let new = Connection::connect(&o)?;
    if let Err(e) = h.replace_connection(new.clone()) {
        new.close();
        return Err(e);
    }
    forget_mode(&old);
    if bi != h.opts.bi_mode {
        CONN_MODES.lock().push((new, bi));
    }
    Ok(())
}

/// The server version string, owned by the connection (valid until `taos_close`).
/// NULL or invalid `taos` returns NULL.
#[no_mangle]
pub extern "C" fn taos_get_server_info(taos: *mut TAOS) -> *const c_char {
    ffi_boundary!("taos_get_server_info", {
        Ok(conn_ref(taos)?.server_info.as_ptr())
    })
}

/// The client version ("3.3.6.0"): a static string, never NULL, never to be freed.
#[no_mangle]
pub extern "C" fn taos_get_client_info() -> *const c_char {
    CLIENT_VERSION.as_ptr()
}

/// Copies connection information into `buffer` (NOT NUL-terminated): `info` 0
/// (`TSDB_CONNECTION_INFO_USER`) = user name, 1 (`_TOKEN`) = the bearer/cloud token
/// ("" when none). `*len` is the capacity on input and the bytes written on output.
/// Returns 0; `TSDB_CODE_INVALID_PARA` for NULL arguments, an unknown `info`, or a too
/// small buffer (then `*len` = bytes required and nothing is written).
#[no_mangle]
pub extern "C" fn taos_get_connection_info(
    taos: *mut TAOS,
    info: TSDB_CONNECTION_INFO,
    buffer: *mut c_char,
    len: *mut c_int,
) -> c_int {
    ffi_boundary!("taos_get_connection_info", {
        let h = conn_ref(taos)?;
        if buffer.is_null() || len.is_null() {
            return Err(invalid_para("buffer or len is NULL"));
        }
        let value: &str = match info {
            TSDB_CONNECTION_INFO_USER => &h.opts.user,
            TSDB_CONNECTION_INFO_TOKEN => h
                .opts
                .bearer_token
                .as_deref()
                .or(h.opts.cloud_token.as_deref())
                .unwrap_or(""),
            _ => return Err(invalid_para(format!("invalid connection info {info}"))),
        };
        // SAFETY: len is non-NULL.
        let cap = unsafe { *len };
        if cap < 0 || (cap as usize) < value.len() {
            // SAFETY: as above.
            unsafe { *len = value.len() as c_int };
            return Err(invalid_para(format!(
                "buffer too small: {} bytes required",
                value.len()
            )));
        }
        // SAFETY: buffer valid for cap >= value.len() bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(value.as_ptr(), buffer as *mut u8, value.len());
            *len = value.len() as c_int;
        }
        Ok(0)
    })
}

/// 1 while the connection's socket is up, 0 when closed/broken or `taos` is NULL/invalid.
#[no_mangle]
pub extern "C" fn taos_connect_is_alive(taos: *mut TAOS) -> i32 {
    ffi_boundary!("taos_connect_is_alive", {
        match conn_ref(taos) {
            Ok(h) => Ok(h.conn().is_alive() as i32),
            Err(_) => Ok(0),
        }
    })
}

/// Checks that `taos` is a live connection. Returns 0 when it is; otherwise
/// `TSDB_CODE_TSC_INVALID_CONNECTION` and, when `str`/`len` are given, the reason copied
/// into `str` (NUL-terminated, `*len` = capacity in, message length out).
#[no_mangle]
pub extern "C" fn taos_validate_connection(
    taos: *mut TAOS,
    str: *mut c_char,
    len: *mut i32,
) -> i32 {
    ffi_boundary!("taos_validate_connection", {
        let reason = match conn_ref(taos) {
            Ok(h) if h.conn().is_alive() => {
                if !len.is_null() {
                    // SAFETY: non-NULL out-parameter.
                    unsafe { *len = 0 };
                }
                return Ok(0);
            }
            Ok(_) => "connection is closed".to_string(),
            Err(e) => e.message,
        };
        if !str.is_null() && !len.is_null() {
            // SAFETY: str valid for *len bytes per contract.
            let cap = unsafe { *len };
            let n = unsafe { copy_to_c_buf(reason.as_bytes(), str, cap.max(0) as usize) };
            unsafe { *len = n as i32 };
        }
        Err(err(TSDB_CODE_TSC_INVALID_CONNECTION, reason))
    })
}

/// Probes a server: returns a `TSDB_SRV_STATUS_*` value and writes details into
/// `details` (at most `maxlen` bytes, always NUL-terminated when `maxlen > 0`).
/// `fqdn` NULL / `port` 0 = configured defaults. Never fails: problems give
/// `TSDB_SRV_STATUS_UNAVAILABLE` with the reason in `details`.
#[no_mangle]
pub extern "C" fn taos_check_server_status(
    fqdn: *const c_char,
    port: c_int,
    details: *mut c_char,
    maxlen: c_int,
) -> TSDB_SERVER_STATUS {
    let r = std::panic::catch_unwind(|| {
        // SAFETY: NULL or a C string.
        let fqdn = match unsafe { opt_cstr_arg(fqdn, "fqdn") } {
            Ok(f) => f,
            Err(e) => return (TSDB_SRV_STATUS_UNAVAILABLE, e.message),
        };
        let o = ConnectOptions {
            user: DEFAULT_USER.to_string(),
            password: DEFAULT_PASS.to_string(),
            ..ConnectOptions::default()
        }
        .resolved();
        check_server_status(&o, fqdn.filter(|f| !f.is_empty()), port)
    });
    let (status, text) = r.unwrap_or((
        TSDB_SRV_STATUS_UNAVAILABLE,
        "internal error: panic in taos_check_server_status".to_string(),
    ));
    // SAFETY: details valid for maxlen bytes per contract.
    unsafe { copy_to_c_buf(text.as_bytes(), details, maxlen.max(0) as usize) };
    status
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::boundary::last_error;
    use taos_wire::error::codes::TSDB_CODE_INVALID_PARA;

    #[test]
    fn null_handles_are_refused() {
        assert!(taos_get_server_info(std::ptr::null_mut()).is_null());
        assert_eq!(
            taos_select_db(std::ptr::null_mut(), c"x".as_ptr()),
            TSDB_CODE_TSC_INVALID_CONNECTION
        );
        taos_close(std::ptr::null_mut());
        assert_eq!(taos_connect_is_alive(std::ptr::null_mut()), 0);
        assert!(taos_connect_auth(
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            0
        )
        .is_null());
        assert_eq!(last_error().0, TSDB_CODE_OPS_NOT_SUPPORT);
        let _ = TSDB_CODE_INVALID_PARA;
    }

    #[test]
    fn conn_mode_survives_a_database_reset() {
        use crate::capi::misc::taos_set_conn_mode;
        use crate::capi::types::TAOS_CONN_MODE_BI;
        let srv = taos_devserver::DevServer::start(taos_devserver::Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            ..taos_devserver::Config::default()
        })
        .unwrap();
        let host = std::ffi::CString::new("127.0.0.1").unwrap();
        let t = taos_connect(
            host.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            srv.addr().port(),
        );
        assert!(!t.is_null(), "{:?}", last_error());
        let mode = || bi_mode_of(conn_ref(t).unwrap());
        assert!(!mode());
        let first = conn_ref(t).unwrap().conn();
        assert_eq!(taos_set_conn_mode(t, TAOS_CONN_MODE_BI, 1), 0);
        assert!(mode());
        // A new session was opened; the old one is kept for results already obtained.
        assert!(!same_session(&first, &conn_ref(t).unwrap().conn()));
        taos_reset_current_db(t);
        assert!(mode(), "taos_reset_current_db dropped BI mode");
        let before = conn_ref(t).unwrap().conn();
        assert_eq!(taos_set_conn_mode(t, TAOS_CONN_MODE_BI, 1), 0);
        assert!(
            same_session(&before, &conn_ref(t).unwrap().conn()),
            "no-op reopened"
        );
        assert_eq!(taos_set_conn_mode(t, TAOS_CONN_MODE_BI, 0), 0);
        assert!(!mode());
        assert_eq!(taos_set_conn_mode(t, TAOS_CONN_MODE_BI, 1), 0);
        let cur = conn_ref(t).unwrap().conn();
        taos_close(t);
        assert!(!CONN_MODES.lock().iter().any(|(c, _)| same_session(c, &cur)));
        srv.stop();
    }

    #[test]
    fn client_info_starts_with_3() {
        let s = unsafe { CStr::from_ptr(taos_get_client_info()) };
        assert!(s.to_str().unwrap().starts_with("3."));
    }
}
