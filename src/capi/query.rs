//! Synchronous queries, errors and result metadata: `taos_query*`, `taos_free_result`,
//! `taos_errno`/`taos_errstr`, field counts and descriptions, affected rows,
//! `taos_validate_sql`, `taos_stop_query`/`taos_kill_query`, `taos_data_type`.

// Exports take C pointers whose validity is the C caller's contract (documented per
// function); they cannot be `unsafe fn` and still be called from C like native ones.
#![allow(clippy::not_unsafe_ptr_arg_deref)]
// Parameter names follow taos.h (cbindgen copies them into the header).
#![allow(non_snake_case)]

use std::ffi::{c_char, c_int, CStr, CString};
use std::sync::OnceLock;

use taos_wire::error::default_message;
use taos_wire::error::TaosError;

use crate::capi::boundary::{
    cstr_arg, ffi_boundary, last_error_code, last_error_str, set_error, set_last_error,
};
use crate::capi::fetch::Cursor;
use crate::capi::handles::{
    conn_ref, res_from_raw, res_into_raw, res_ref, ConnHandle, ResHandle, ResKind, TAOS, TAOS_RES,
};
use crate::capi::types::{TAOS_FIELD, TAOS_FIELD_E};
use crate::client::QueryResult;

/// Wraps a finished query (or its error) in a result handle; errors are also recorded
/// as the calling thread's last error, as native `terrno` is.
pub fn query_result_handle(conn: &ConnHandle, r: Result<QueryResult, TaosError>) -> ResHandle {
    match r {
        Ok(q) => {
            let mut h = if q.is_update() {
                ResHandle::empty(ResKind::Query)
            } else {
                let c = Cursor::for_query(&q);
                conn.register(&c.source());
                ResHandle::with_cursor(ResKind::Query, c)
            };
            h.affected_rows = q.affected_rows();
            h
        }
        Err(e) => {
            set_error(&e);
            ResHandle::failed(ResKind::Query, &e)
        }
    }
}

fn query_impl(
    taos: *mut TAOS,
    sql: *const c_char,
    req_id: i64,
) -> Result<*mut TAOS_RES, TaosError> {
    let conn = conn_ref(taos)?;
    // SAFETY: NULL or a C string per contract.
    let sql = unsafe { cstr_arg(sql, "sql") }?;
    let r = conn.conn().query(sql, req_id as u64);
    Ok(res_into_raw(query_result_handle(conn, r)))
}

/// Runs one SQL statement. Returns a result owned by the caller (release with
/// `taos_free_result`) — also when the statement fails: check `taos_errno(res)` and
/// `taos_errstr(res)`. Returns NULL only for a NULL/invalid `taos` or NULL/non-UTF-8
/// `sql` (reason in `taos_errno(NULL)`).
#[no_mangle]
pub extern "C" fn taos_query(taos: *mut TAOS, sql: *const c_char) -> *mut TAOS_RES {
    ffi_boundary!("taos_query", { query_impl(taos, sql, 0) })
}

/// `taos_query` with a caller-chosen request id (0 = generated), propagated to server
/// logs. Same ownership and error rules as `taos_query`.
#[no_mangle]
pub extern "C" fn taos_query_with_reqid(
    taos: *mut TAOS,
    sql: *const c_char,
    reqId: i64,
) -> *mut TAOS_RES {
    ffi_boundary!("taos_query_with_reqid", { query_impl(taos, sql, reqId) })
}

/// Frees a result of any kind (query, schemaless, stmt, TMQ message) and everything it
/// handed out (rows, fields, blocks). NULL, an already freed result and a result owned by
/// a stmt/consumer are no-ops. Stops a query that still has data on the server.
#[no_mangle]
pub extern "C" fn taos_free_result(res: *mut TAOS_RES) {
    ffi_boundary!("taos_free_result", {
        match res_ref(res) {
            Ok(h) if h.borrowed => return Ok(()),
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
        // SAFETY: live result checked above.
        if let Some(h) = unsafe { res_from_raw(res) } {
            if let Some(c) = &h.cursor {
                if !c.is_done() {
                    c.source().stop();
                }
            }
        }
        Ok(())
    })
}

/// The error code of a result (0 = success). NULL `res` or a TMQ meta message gives the
/// calling thread's last error code (e.g. after a failed `taos_connect`), as native.
#[no_mangle]
pub extern "C" fn taos_errno(res: *mut TAOS_RES) -> c_int {
    ffi_boundary!("taos_errno", {
        if res.is_null() {
            return Ok(last_error_code());
        }
        Ok(match res_ref(res) {
            Ok(h) if crate::capi::tmq::reports_thread_error(h) => last_error_code(),
            Ok(h) => h.code(),
            Err(e) => e.code,
        })
    })
}

static SUCCESS: &CStr = c"success";

/// The error message of a result ("success" when none). NULL `res` or a TMQ meta message
/// gives the calling thread's last error message, as native. Never NULL; owned by the result (or the thread), not to
/// be freed, valid until the result is freed (or the thread's next error).
#[no_mangle]
pub extern "C" fn taos_errstr(res: *mut TAOS_RES) -> *const c_char {
    let p = ffi_boundary!("taos_errstr", {
        if res.is_null() {
            return Ok(last_error_str());
        }
        Ok(match res_ref(res) {
            Ok(h) if crate::capi::tmq::reports_thread_error(h) => last_error_str(),
            Ok(h) => h
                .error
                .as_ref()
                .map_or(SUCCESS.as_ptr(), |e| e.msg.as_ptr()),
            Err(_) => c"Invalid result handle".as_ptr(),
        })
    });
    if p.is_null() {
        last_error_str()
    } else {
        p
    }
}

fn field_count(res: *mut TAOS_RES) -> c_int {
    match res_ref(res) {
        Ok(h) => h.cursor.as_ref().map_or(0, |c| c.num_fields() as c_int),
        Err(_) => 0,
    }
}

/// Number of result columns; 0 for statements without a result set, NULL or invalid `res`.
#[no_mangle]
pub extern "C" fn taos_field_count(res: *mut TAOS_RES) -> c_int {
    ffi_boundary!("taos_field_count", { Ok(field_count(res)) })
}

/// Alias of `taos_field_count`.
#[no_mangle]
pub extern "C" fn taos_num_fields(res: *mut TAOS_RES) -> c_int {
    ffi_boundary!("taos_num_fields", { Ok(field_count(res)) })
}

/// Rows affected by an INSERT/DELETE (truncated to int); 0 for queries, TMQ messages,
/// NULL or invalid `res`.
#[no_mangle]
pub extern "C" fn taos_affected_rows(res: *mut TAOS_RES) -> c_int {
    ffi_boundary!("taos_affected_rows", {
        Ok(match res_ref(res) {
            Ok(h) if h.kind != ResKind::Tmq => h.affected_rows as c_int,
            _ => 0,
        })
    })
}

/// 64-bit `taos_affected_rows`.
#[no_mangle]
pub extern "C" fn taos_affected_rows64(res: *mut TAOS_RES) -> i64 {
    ffi_boundary!("taos_affected_rows64", {
        Ok(match res_ref(res) {
            Ok(h) if h.kind != ResKind::Tmq => h.affected_rows,
            _ => 0,
        })
    })
}

/// `TAOS_FIELD[taos_num_fields(res)]` describing the columns (bytes excludes the length
/// header; NCHAR/JSON count characters). Owned by the result, valid until
/// `taos_free_result`. NULL for results without columns and NULL/invalid `res`.
#[no_mangle]
pub extern "C" fn taos_fetch_fields(res: *mut TAOS_RES) -> *mut TAOS_FIELD {
    ffi_boundary!("taos_fetch_fields", {
        Ok(match res_ref(res) {
            Ok(h) => h
                .cursor
                .as_ref()
                .filter(|c| c.num_fields() > 0)
                .map_or(std::ptr::null_mut(), |c| {
                    c.c_fields().as_ptr() as *mut TAOS_FIELD
                }),
            Err(_) => std::ptr::null_mut(),
        })
    })
}

/// Like `taos_fetch_fields` with decimal precision/scale (`TAOS_FIELD_E`). Same
/// ownership and NULL rules.
#[no_mangle]
pub extern "C" fn taos_fetch_fields_e(res: *mut TAOS_RES) -> *mut TAOS_FIELD_E {
    ffi_boundary!("taos_fetch_fields_e", {
        Ok(match res_ref(res) {
            Ok(h) => h
                .cursor
                .as_ref()
                .filter(|c| c.num_fields() > 0)
                .map_or(std::ptr::null_mut(), |c| {
                    c.c_fields_e().as_ptr() as *mut TAOS_FIELD_E
                }),
            Err(_) => std::ptr::null_mut(),
        })
    })
}

/// Timestamp precision of the result: 0 ms, 1 µs, 2 ns; 0 for NULL/invalid `res`.
#[no_mangle]
pub extern "C" fn taos_result_precision(res: *mut TAOS_RES) -> c_int {
    ffi_boundary!("taos_result_precision", {
        Ok(match res_ref(res) {
            Ok(h) => h.cursor.as_ref().map_or(0, |c| c.precision() as c_int),
            Err(_) => 0,
        })
    })
}

/// True when the result has no columns (INSERT, DDL...); also true for NULL `res`.
#[no_mangle]
pub extern "C" fn taos_is_update_query(res: *mut TAOS_RES) -> bool {
    ffi_boundary!("taos_is_update_query", { Ok(field_count(res) == 0) })
}

/// Checks SQL on the server without executing it. Returns 0 when valid, otherwise the
/// negative error code (message in `taos_errstr(NULL)`). NULL `taos`/`sql` give an error
/// code.
#[no_mangle]
pub extern "C" fn taos_validate_sql(taos: *mut TAOS, sql: *const c_char) -> c_int {
    ffi_boundary!("taos_validate_sql", {
        let conn = conn_ref(taos)?;
        // SAFETY: NULL or a C string.
        let sql = unsafe { cstr_arg(sql, "sql") }?;
        let code = conn.conn().validate_sql(sql)?;
        if code != 0 {
            set_last_error(code, default_message(code));
        }
        Ok(code)
    })
}

/// Stops the query behind `res` (its remaining data is discarded on the server; later
/// fetches end the data or report the cancellation). May be called from another thread.
/// NULL, TMQ results and results without rows are no-ops.
#[no_mangle]
pub extern "C" fn taos_stop_query(res: *mut TAOS_RES) {
    ffi_boundary!("taos_stop_query", {
        if let Ok(h) = res_ref(res) {
            if h.kind != ResKind::Tmq {
                if let Some(c) = &h.cursor {
                    c.source().stop();
                }
            }
        }
        Ok(())
    })
}

/// Stops every result still open on the connection (see `taos_stop_query`). May be
/// called from another thread (e.g. a signal-handling thread). NULL is a no-op.
#[no_mangle]
pub extern "C" fn taos_kill_query(taos: *mut TAOS) {
    ffi_boundary!("taos_kill_query", {
        if let Ok(c) = conn_ref(taos) {
            c.stop_all();
        }
        Ok(())
    })
}

/// The name of a type code, e.g. "TSDB_DATA_TYPE_INT"; "UNKNOWN" for unknown codes.
/// Static string, never NULL, not to be freed.
#[no_mangle]
pub extern "C" fn taos_data_type(r#type: c_int) -> *const c_char {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        (0..=255u8)
            .map(|t| CString::new(taos_wire::types::type_name(t)).unwrap_or_default())
            .collect()
    });
    match u8::try_from(r#type) {
        Ok(t) => names[t as usize].as_ptr(),
        Err(_) => c"UNKNOWN".as_ptr(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use taos_wire::error::codes::TSDB_CODE_TSC_INVALID_CONNECTION;

    #[test]
    fn null_results_are_safe() {
        assert!(taos_query(std::ptr::null_mut(), c"select 1".as_ptr()).is_null());
        assert_eq!(
            taos_errno(std::ptr::null_mut()),
            TSDB_CODE_TSC_INVALID_CONNECTION
        );
        let s = unsafe { CStr::from_ptr(taos_errstr(std::ptr::null_mut())) };
        assert!(!s.to_bytes().is_empty());
        taos_free_result(std::ptr::null_mut());
        assert_eq!(taos_field_count(std::ptr::null_mut()), 0);
        assert!(taos_fetch_fields(std::ptr::null_mut()).is_null());
        assert_eq!(taos_affected_rows(std::ptr::null_mut()), 0);
        assert_eq!(taos_result_precision(std::ptr::null_mut()), 0);
        assert!(taos_is_update_query(std::ptr::null_mut()));
        taos_stop_query(std::ptr::null_mut());
        taos_kill_query(std::ptr::null_mut());
    }

    #[test]
    fn failed_result_carries_error() {
        let e = TaosError::new(0x8000_2600u32 as i32, "syntax error near x");
        let p = res_into_raw(ResHandle::failed(ResKind::Query, &e));
        assert_eq!(taos_errno(p), e.code);
        let s = unsafe { CStr::from_ptr(taos_errstr(p)) };
        assert_eq!(s.to_str().unwrap(), "syntax error near x");
        assert!(crate::capi::fetch::taos_fetch_row(p).is_null());
        taos_free_result(p);
    }

    #[test]
    fn data_type_names() {
        let s = unsafe { CStr::from_ptr(taos_data_type(4)) };
        assert_eq!(s.to_str().unwrap(), "TSDB_DATA_TYPE_INT");
        let s = unsafe { CStr::from_ptr(taos_data_type(-3)) };
        assert_eq!(s.to_str().unwrap(), "UNKNOWN");
        let s = unsafe { CStr::from_ptr(taos_data_type(99)) };
        assert_eq!(s.to_str().unwrap(), "UNKNOWN");
    }
}
