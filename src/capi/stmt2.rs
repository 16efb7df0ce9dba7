//! Parameter binding, stmt2 (abi.md §1 F and the released 3-argument `taos_stmt2_get_fields`
//! of §1 L).
//!
//! Not supported yet: `taos_stmt2_init` returns NULL with `TSDB_CODE_OPS_NOT_SUPPORT` as the
//! calling thread's last error, so no `TAOS_STMT2` exists; every other function returns
//! `TSDB_CODE_OPS_NOT_SUPPORT` (or NULL) and sets its out-parameters to defined empty values.
//! `taos_stmt2_error` works: it returns the calling thread's last error text.
// Parameter names are the C names of taos.h (they appear in the generated header).
#![allow(non_snake_case)]

use std::ffi::{c_char, c_int, c_ulong, c_void};

use crate::capi::boundary::{ffi_boundary, last_error_str, not_supported_err};
use crate::capi::misc::{put, unsupported};
use crate::capi::types::{
    __taos_async_fn_t, TAOS, TAOS_FIELD_ALL, TAOS_RES, TAOS_STMT2, TAOS_STMT2_BINDV,
    TAOS_STMT2_OPTION,
};

/// Creates a stmt2 handle; `option` may be NULL, a non-NULL `asyncExecFn` makes
/// `taos_stmt2_exec` asynchronous. Not supported yet: returns NULL; `taos_errno(NULL)` then
/// gives `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt2_init(
    taos: *mut TAOS,
    option: *mut TAOS_STMT2_OPTION,
) -> *mut TAOS_STMT2 {
    let _ = (taos, option);
    unsupported!("taos_stmt2_init")
}

/// Prepares `sql` (`length` 0 = `strlen(sql)`). Not supported yet: returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt2_prepare(
    stmt: *mut TAOS_STMT2,
    sql: *const c_char,
    length: c_ulong,
) -> c_int {
    let _ = (stmt, sql, length);
    unsupported!("taos_stmt2_prepare")
}

/// Binds tables, tags and columns (`col_idx` -1 = all columns). Not supported yet: returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt2_bind_param(
    stmt: *mut TAOS_STMT2,
    bindv: *mut TAOS_STMT2_BINDV,
    col_idx: i32,
) -> c_int {
    let _ = (stmt, bindv, col_idx);
    unsupported!("taos_stmt2_bind_param")
}

/// Asynchronous `taos_stmt2_bind_param`. Not supported yet: returns
/// `TSDB_CODE_OPS_NOT_SUPPORT` at once and does not call `fp` (nothing was started).
#[no_mangle]
pub extern "C" fn taos_stmt2_bind_param_a(
    stmt: *mut TAOS_STMT2,
    bindv: *mut TAOS_STMT2_BINDV,
    col_idx: i32,
    fp: __taos_async_fn_t,
    param: *mut c_void,
) -> c_int {
    let _ = (stmt, bindv, col_idx, fp, param);
    unsupported!("taos_stmt2_bind_param_a")
}

/// Executes the bound data; `*affected_rows` receives the inserted rows. Not supported yet:
/// sets `*affected_rows = 0` (when non-NULL) and returns `TSDB_CODE_OPS_NOT_SUPPORT`.
///
/// # Safety
/// `affected_rows` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_stmt2_exec(
    stmt: *mut TAOS_STMT2,
    affected_rows: *mut c_int,
) -> c_int {
    let _ = stmt;
    ffi_boundary!("taos_stmt2_exec", {
        // SAFETY: caller contract.
        unsafe { put(affected_rows, 0) };
        Err(not_supported_err("taos_stmt2_exec"))
    })
}

/// Closes a statement. No statement can exist yet: returns `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt2_close(stmt: *mut TAOS_STMT2) -> c_int {
    let _ = stmt;
    unsupported!("taos_stmt2_close")
}

/// Tells whether the prepared statement is an insert (`*insert` = 1/0). Not supported yet:
/// sets `*insert = 0` (when non-NULL) and returns `TSDB_CODE_OPS_NOT_SUPPORT`.
///
/// # Safety
/// `insert` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_stmt2_is_insert(stmt: *mut TAOS_STMT2, insert: *mut c_int) -> c_int {
    let _ = stmt;
    ffi_boundary!("taos_stmt2_is_insert", {
        // SAFETY: caller contract.
        unsafe { put(insert, 0) };
        Err(not_supported_err("taos_stmt2_is_insert"))
    })
}

/// Describes the `?` placeholders (one `TAOS_FIELD_ALL` per placeholder; release with
/// `taos_stmt2_free_fields`). Not supported yet: sets `*count = 0`, `*fields = NULL` (when
/// non-NULL) and returns `TSDB_CODE_OPS_NOT_SUPPORT`.
///
/// # Safety
/// `count` / `fields` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_stmt2_get_fields(
    stmt: *mut TAOS_STMT2,
    count: *mut c_int,
    fields: *mut *mut TAOS_FIELD_ALL,
) -> c_int {
    let _ = stmt;
    ffi_boundary!("taos_stmt2_get_fields", {
        // SAFETY: caller contract.
        unsafe {
            put(count, 0);
            put(fields, std::ptr::null_mut());
        }
        Err(not_supported_err("taos_stmt2_get_fields"))
    })
}

/// Frees an array from `taos_stmt2_get_fields`. That never returns an array yet, so there
/// is nothing to free: no-op (also for NULL).
#[no_mangle]
pub extern "C" fn taos_stmt2_free_fields(stmt: *mut TAOS_STMT2, fields: *mut TAOS_FIELD_ALL) {
    let _ = (stmt, fields);
    ffi_boundary!("taos_stmt2_free_fields", { Ok(()) })
}

/// Result of an executed query statement (owned by the statement). Not supported yet:
/// returns NULL with `TSDB_CODE_OPS_NOT_SUPPORT` as the thread's last error.
#[no_mangle]
pub extern "C" fn taos_stmt2_result(stmt: *mut TAOS_STMT2) -> *mut TAOS_RES {
    let _ = stmt;
    unsupported!("taos_stmt2_result")
}

/// Text of the last stmt2 error. Never NULL; not to be freed. No statement can exist yet,
/// so this is the calling thread's last error (e.g. why `taos_stmt2_init` returned NULL).
#[no_mangle]
pub extern "C" fn taos_stmt2_error(stmt: *mut TAOS_STMT2) -> *mut c_char {
    let _ = stmt;
    ffi_boundary!("taos_stmt2_error", { Ok(last_error_str() as *mut c_char) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::boundary::last_error_code;
    use std::ffi::CStr;
    use taos_wire::error::codes::TSDB_CODE_OPS_NOT_SUPPORT;

    #[test]
    fn init_fails_and_get_fields_defines_outputs() {
        assert!(taos_stmt2_init(std::ptr::null_mut(), std::ptr::null_mut()).is_null());
        assert_eq!(last_error_code(), TSDB_CODE_OPS_NOT_SUPPORT);
        let msg = unsafe { CStr::from_ptr(taos_stmt2_error(std::ptr::null_mut())) };
        assert!(msg.to_str().unwrap().contains("taos_stmt2_init"));
        let mut n = 7;
        let mut f = std::ptr::NonNull::<TAOS_FIELD_ALL>::dangling().as_ptr();
        let rc = unsafe { taos_stmt2_get_fields(std::ptr::null_mut(), &mut n, &mut f) };
        assert_eq!((rc, n), (TSDB_CODE_OPS_NOT_SUPPORT, 0));
        assert!(f.is_null());
        let mut rows = 9;
        let rc = unsafe { taos_stmt2_exec(std::ptr::null_mut(), &mut rows) };
        assert_eq!((rc, rows), (TSDB_CODE_OPS_NOT_SUPPORT, 0));
    }
}
