//! Parameter binding, stmt v1 (abi.md §1 E).
//!
//! Not supported yet: `taos_stmt_init*` return NULL with `TSDB_CODE_OPS_NOT_SUPPORT` as the
//! calling thread's last error, so no `TAOS_STMT` exists; every other function returns
//! `TSDB_CODE_OPS_NOT_SUPPORT` (or NULL) and sets its out-parameters to defined empty values.
//! `taos_stmt_errstr` works: it returns the calling thread's last error text.
// Parameter names are the C names of taos.h (they appear in the generated header).
#![allow(non_snake_case)]

use std::ffi::{c_char, c_int, c_ulong};

use crate::capi::boundary::{
    ffi_boundary, invalid_para, last_error_str, not_supported_err, set_error,
};
use crate::capi::misc::{put, unsupported};
use crate::capi::types::{
    TAOS, TAOS_FIELD_E, TAOS_MULTI_BIND, TAOS_RES, TAOS_STMT, TAOS_STMT_OPTIONS,
};

/// Creates a stmt v1 handle. Not supported yet: returns NULL; `taos_errno(NULL)` then
/// gives `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt_init(taos: *mut TAOS) -> *mut TAOS_STMT {
    let _ = taos;
    unsupported!("taos_stmt_init")
}

/// As `taos_stmt_init` with a request id. Not supported yet: returns NULL (see there).
#[no_mangle]
pub extern "C" fn taos_stmt_init_with_reqid(taos: *mut TAOS, reqid: i64) -> *mut TAOS_STMT {
    let _ = (taos, reqid);
    unsupported!("taos_stmt_init_with_reqid")
}

/// As `taos_stmt_init` with options (may be NULL). Not supported yet: returns NULL.
#[no_mangle]
pub extern "C" fn taos_stmt_init_with_options(
    taos: *mut TAOS,
    options: *mut TAOS_STMT_OPTIONS,
) -> *mut TAOS_STMT {
    let _ = (taos, options);
    unsupported!("taos_stmt_init_with_options")
}

/// Prepares `sql` (`length` 0 = `strlen(sql)`). Not supported yet: returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt_prepare(
    stmt: *mut TAOS_STMT,
    sql: *const c_char,
    length: c_ulong,
) -> c_int {
    let _ = (stmt, sql, length);
    unsupported!("taos_stmt_prepare")
}

/// Sets the table name and binds the tags (one `TAOS_MULTI_BIND` per tag, `num` = 1). Not
/// supported yet: returns `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt_set_tbname_tags(
    stmt: *mut TAOS_STMT,
    name: *const c_char,
    tags: *mut TAOS_MULTI_BIND,
) -> c_int {
    let _ = (stmt, name, tags);
    unsupported!("taos_stmt_set_tbname_tags")
}

/// Sets the table name. Not supported yet: returns `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt_set_tbname(stmt: *mut TAOS_STMT, name: *const c_char) -> c_int {
    let _ = (stmt, name);
    unsupported!("taos_stmt_set_tbname")
}

/// Binds the tags. Not supported yet: returns `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt_set_tags(stmt: *mut TAOS_STMT, tags: *mut TAOS_MULTI_BIND) -> c_int {
    let _ = (stmt, tags);
    unsupported!("taos_stmt_set_tags")
}

/// Sets the sub-table name (alias of `taos_stmt_set_tbname`). Not supported yet: returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt_set_sub_tbname(stmt: *mut TAOS_STMT, name: *const c_char) -> c_int {
    let _ = (stmt, name);
    unsupported!("taos_stmt_set_sub_tbname")
}

/// Describes the tags of the prepared insert; the array is released with
/// `taos_stmt_reclaim_fields`. Not supported yet: sets `*fieldNum = 0`, `*fields = NULL`
/// (when non-NULL) and returns `TSDB_CODE_OPS_NOT_SUPPORT`.
///
/// # Safety
/// `fieldNum` / `fields` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_stmt_get_tag_fields(
    stmt: *mut TAOS_STMT,
    fieldNum: *mut c_int,
    fields: *mut *mut TAOS_FIELD_E,
) -> c_int {
    let _ = stmt;
    ffi_boundary!("taos_stmt_get_tag_fields", {
        // SAFETY: caller contract.
        unsafe {
            put(fieldNum, 0);
            put(fields, std::ptr::null_mut());
        }
        Err(not_supported_err("taos_stmt_get_tag_fields"))
    })
}

/// Describes the columns of the prepared insert; the array is released with
/// `taos_stmt_reclaim_fields`. Not supported yet: sets `*fieldNum = 0`, `*fields = NULL`
/// (when non-NULL) and returns `TSDB_CODE_OPS_NOT_SUPPORT`.
///
/// # Safety
/// `fieldNum` / `fields` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_stmt_get_col_fields(
    stmt: *mut TAOS_STMT,
    fieldNum: *mut c_int,
    fields: *mut *mut TAOS_FIELD_E,
) -> c_int {
    let _ = stmt;
    ffi_boundary!("taos_stmt_get_col_fields", {
        // SAFETY: caller contract.
        unsafe {
            put(fieldNum, 0);
            put(fields, std::ptr::null_mut());
        }
        Err(not_supported_err("taos_stmt_get_col_fields"))
    })
}

/// Frees an array from `taos_stmt_get_tag_fields` / `taos_stmt_get_col_fields`. Those never
/// return an array yet, so there is nothing to free: no-op (also for NULL).
#[no_mangle]
pub extern "C" fn taos_stmt_reclaim_fields(stmt: *mut TAOS_STMT, fields: *mut TAOS_FIELD_E) {
    let _ = (stmt, fields);
    ffi_boundary!("taos_stmt_reclaim_fields", { Ok(()) })
}

/// Tells whether the prepared statement is an insert (`*insert` = 1/0). Not supported yet:
/// sets `*insert = 0` (when non-NULL) and returns `TSDB_CODE_OPS_NOT_SUPPORT`.
///
/// # Safety
/// `insert` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_stmt_is_insert(stmt: *mut TAOS_STMT, insert: *mut c_int) -> c_int {
    let _ = stmt;
    ffi_boundary!("taos_stmt_is_insert", {
        // SAFETY: caller contract.
        unsafe { put(insert, 0) };
        Err(not_supported_err("taos_stmt_is_insert"))
    })
}

/// Number of `?` parameters. Not supported yet: sets `*nums = 0` (when non-NULL) and returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
///
/// # Safety
/// `nums` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_stmt_num_params(stmt: *mut TAOS_STMT, nums: *mut c_int) -> c_int {
    let _ = stmt;
    ffi_boundary!("taos_stmt_num_params", {
        // SAFETY: caller contract.
        unsafe { put(nums, 0) };
        Err(not_supported_err("taos_stmt_num_params"))
    })
}

/// Type and width of column parameter `idx` (inserts only). Not supported yet: sets
/// `*type = 0`, `*bytes = 0` (when non-NULL) and returns `TSDB_CODE_OPS_NOT_SUPPORT`.
///
/// # Safety
/// `type` / `bytes` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_stmt_get_param(
    stmt: *mut TAOS_STMT,
    idx: c_int,
    r#type: *mut c_int,
    bytes: *mut c_int,
) -> c_int {
    let _ = (stmt, idx);
    ffi_boundary!("taos_stmt_get_param", {
        // SAFETY: caller contract.
        unsafe {
            put(r#type, 0);
            put(bytes, 0);
        }
        Err(not_supported_err("taos_stmt_get_param"))
    })
}

/// Binds one row (`num` = 1 per column). Not supported yet: returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt_bind_param(stmt: *mut TAOS_STMT, bind: *mut TAOS_MULTI_BIND) -> c_int {
    let _ = (stmt, bind);
    unsupported!("taos_stmt_bind_param")
}

/// Binds `num` rows column-wise. Not supported yet: returns `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt_bind_param_batch(
    stmt: *mut TAOS_STMT,
    bind: *mut TAOS_MULTI_BIND,
) -> c_int {
    let _ = (stmt, bind);
    unsupported!("taos_stmt_bind_param_batch")
}

/// Binds column `colIdx` only. Not supported yet: returns `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt_bind_single_param_batch(
    stmt: *mut TAOS_STMT,
    bind: *mut TAOS_MULTI_BIND,
    colIdx: c_int,
) -> c_int {
    let _ = (stmt, bind, colIdx);
    unsupported!("taos_stmt_bind_single_param_batch")
}

/// Ends the current batch of binds (inserts only). Not supported yet: returns
/// `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt_add_batch(stmt: *mut TAOS_STMT) -> c_int {
    let _ = stmt;
    unsupported!("taos_stmt_add_batch")
}

/// Executes the bound batches. Not supported yet: returns `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt_execute(stmt: *mut TAOS_STMT) -> c_int {
    let _ = stmt;
    unsupported!("taos_stmt_execute")
}

/// Result of an executed query statement. Not supported yet: returns NULL with
/// `TSDB_CODE_OPS_NOT_SUPPORT` as the thread's last error.
#[no_mangle]
pub extern "C" fn taos_stmt_use_result(stmt: *mut TAOS_STMT) -> *mut TAOS_RES {
    let _ = stmt;
    unsupported!("taos_stmt_use_result")
}

/// Closes a statement. No statement can exist yet: returns `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_stmt_close(stmt: *mut TAOS_STMT) -> c_int {
    let _ = stmt;
    unsupported!("taos_stmt_close")
}

/// Text of the last stmt error. Never NULL; not to be freed. No statement can exist yet, so
/// this is the calling thread's last error (e.g. why `taos_stmt_init` returned NULL).
#[no_mangle]
pub extern "C" fn taos_stmt_errstr(stmt: *mut TAOS_STMT) -> *mut c_char {
    let _ = stmt;
    ffi_boundary!("taos_stmt_errstr", { Ok(last_error_str() as *mut c_char) })
}

/// Rows inserted by all executions. Not supported yet: returns 0 (no rows), with
/// `TSDB_CODE_INVALID_PARA` (NULL `stmt`, as native) or `TSDB_CODE_OPS_NOT_SUPPORT` as the
/// thread's last error.
#[no_mangle]
pub extern "C" fn taos_stmt_affected_rows(stmt: *mut TAOS_STMT) -> c_int {
    ffi_boundary!("taos_stmt_affected_rows", {
        Ok(no_rows(stmt, "taos_stmt_affected_rows"))
    })
}

/// Rows inserted by the last execution. Not supported yet: returns 0 (no rows),
/// with `TSDB_CODE_INVALID_PARA` (NULL `stmt`) or `TSDB_CODE_OPS_NOT_SUPPORT` as the thread's
/// last error.
#[no_mangle]
pub extern "C" fn taos_stmt_affected_rows_once(stmt: *mut TAOS_STMT) -> c_int {
    ffi_boundary!("taos_stmt_affected_rows_once", {
        Ok(no_rows(stmt, "taos_stmt_affected_rows_once"))
    })
}

/// The row count the affected-rows getters report while stmt is not supported: 0, like
/// native on error, with the reason recorded as the thread's last error.
fn no_rows(stmt: *mut TAOS_STMT, name: &str) -> c_int {
    let e = if stmt.is_null() {
        invalid_para(format!("{name}: stmt is NULL"))
    } else {
        not_supported_err(name)
    };
    set_error(&e);
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::boundary::last_error_code;
    use std::ffi::CStr;
    use taos_wire::error::codes::TSDB_CODE_OPS_NOT_SUPPORT;

    #[test]
    fn init_fails_with_not_supported_and_errstr_explains() {
        assert!(taos_stmt_init(std::ptr::null_mut()).is_null());
        assert_eq!(last_error_code(), TSDB_CODE_OPS_NOT_SUPPORT);
        let msg = unsafe { CStr::from_ptr(taos_stmt_errstr(std::ptr::null_mut())) };
        assert!(msg.to_str().unwrap().contains("taos_stmt_init"));
    }

    #[test]
    fn outputs_are_defined() {
        let (mut n, mut f) = (5, std::ptr::NonNull::<TAOS_FIELD_E>::dangling().as_ptr());
        let rc = unsafe { taos_stmt_get_col_fields(std::ptr::null_mut(), &mut n, &mut f) };
        assert_eq!((rc, n), (TSDB_CODE_OPS_NOT_SUPPORT, 0));
        assert!(f.is_null());
        let (mut t, mut b) = (3, 4);
        let rc = unsafe { taos_stmt_get_param(std::ptr::null_mut(), 0, &mut t, &mut b) };
        assert_eq!((rc, t, b), (TSDB_CODE_OPS_NOT_SUPPORT, 0, 0));
        assert_eq!(
            taos_stmt_execute(std::ptr::null_mut()),
            TSDB_CODE_OPS_NOT_SUPPORT
        );
        assert_eq!(taos_stmt_affected_rows(std::ptr::null_mut()), 0);
        assert_eq!(
            last_error_code(),
            taos_wire::error::codes::TSDB_CODE_INVALID_PARA
        );
        assert_eq!(taos_stmt_affected_rows_once(8 as *mut TAOS_STMT), 0);
        assert_eq!(last_error_code(), TSDB_CODE_OPS_NOT_SUPPORT);
    }
}
