//! Schemaless insert: InfluxDB line, OpenTSDB telnet and JSON protocols (abi.md §1 G).
//!
//! Not supported yet. Like native, every variant returns a non-NULL `TAOS_RES` that carries
//! the error (`taos_errno(res)` = `TSDB_CODE_OPS_NOT_SUPPORT`, `taos_errstr(res)` says which
//! function) and must be released with `taos_free_result`; the same error is also the calling
//! thread's last error, and `*totalRows` (when given) is set to 0.
// Parameter names are the C names of taos.h (they appear in the generated header).
#![allow(non_snake_case)]
// The signatures are fixed by taos.h.
#![allow(clippy::too_many_arguments)]

use std::ffi::{c_char, c_int};

use crate::capi::boundary::{ffi_boundary, not_supported_err, set_error};
use crate::capi::handles::{res_into_raw, ResHandle, ResKind};
use crate::capi::misc::put;
use crate::capi::types::{TAOS, TAOS_RES};

/// A schemaless result carrying `TSDB_CODE_OPS_NOT_SUPPORT` for `name`.
fn not_supported_result(name: &str) -> *mut TAOS_RES {
    let e = not_supported_err(name);
    set_error(&e);
    res_into_raw(ResHandle::failed(ResKind::Schemaless, &e))
}

/// Inserts `numLines` lines in `protocol` (`TSDB_SML_*_PROTOCOL`) with timestamp
/// `precision` (`TSDB_SML_TIMESTAMP_*`). Returns a result to check with `taos_errno` and free
/// with `taos_free_result`. Not supported yet: the result carries `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_schemaless_insert(
    taos: *mut TAOS,
    lines: *mut *mut c_char,
    numLines: c_int,
    protocol: c_int,
    precision: c_int,
) -> *mut TAOS_RES {
    let _ = (taos, lines, numLines, protocol, precision);
    ffi_boundary!("taos_schemaless_insert", {
        Ok(not_supported_result("taos_schemaless_insert"))
    })
}

/// `taos_schemaless_insert` with a request id. Not supported yet (see there).
#[no_mangle]
pub extern "C" fn taos_schemaless_insert_with_reqid(
    taos: *mut TAOS,
    lines: *mut *mut c_char,
    numLines: c_int,
    protocol: c_int,
    precision: c_int,
    reqid: i64,
) -> *mut TAOS_RES {
    let _ = (taos, lines, numLines, protocol, precision, reqid);
    ffi_boundary!("taos_schemaless_insert_with_reqid", {
        Ok(not_supported_result("taos_schemaless_insert_with_reqid"))
    })
}

/// Inserts the `len` bytes of `lines` (one buffer, lines separated by newlines);
/// `*totalRows` receives the rows parsed. Not supported yet: sets `*totalRows = 0` and
/// returns a result carrying `TSDB_CODE_OPS_NOT_SUPPORT`.
///
/// # Safety
/// `totalRows` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_schemaless_insert_raw(
    taos: *mut TAOS,
    lines: *mut c_char,
    len: c_int,
    totalRows: *mut i32,
    protocol: c_int,
    precision: c_int,
) -> *mut TAOS_RES {
    let _ = (taos, lines, len, protocol, precision);
    ffi_boundary!("taos_schemaless_insert_raw", {
        // SAFETY: caller contract.
        unsafe { put(totalRows, 0) };
        Ok(not_supported_result("taos_schemaless_insert_raw"))
    })
}

/// `taos_schemaless_insert_raw` with a request id. Not supported yet (see there).
///
/// # Safety
/// `totalRows` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_schemaless_insert_raw_with_reqid(
    taos: *mut TAOS,
    lines: *mut c_char,
    len: c_int,
    totalRows: *mut i32,
    protocol: c_int,
    precision: c_int,
    reqid: i64,
) -> *mut TAOS_RES {
    let _ = (taos, lines, len, protocol, precision, reqid);
    ffi_boundary!("taos_schemaless_insert_raw_with_reqid", {
        // SAFETY: caller contract.
        unsafe { put(totalRows, 0) };
        Ok(not_supported_result(
            "taos_schemaless_insert_raw_with_reqid",
        ))
    })
}

/// `taos_schemaless_insert` with a TTL in days for auto-created tables. Not supported yet.
#[no_mangle]
pub extern "C" fn taos_schemaless_insert_ttl(
    taos: *mut TAOS,
    lines: *mut *mut c_char,
    numLines: c_int,
    protocol: c_int,
    precision: c_int,
    ttl: i32,
) -> *mut TAOS_RES {
    let _ = (taos, lines, numLines, protocol, precision, ttl);
    ffi_boundary!("taos_schemaless_insert_ttl", {
        Ok(not_supported_result("taos_schemaless_insert_ttl"))
    })
}

/// `taos_schemaless_insert_ttl` with a request id. Not supported yet.
#[no_mangle]
pub extern "C" fn taos_schemaless_insert_ttl_with_reqid(
    taos: *mut TAOS,
    lines: *mut *mut c_char,
    numLines: c_int,
    protocol: c_int,
    precision: c_int,
    ttl: i32,
    reqid: i64,
) -> *mut TAOS_RES {
    let _ = (taos, lines, numLines, protocol, precision, ttl, reqid);
    ffi_boundary!("taos_schemaless_insert_ttl_with_reqid", {
        Ok(not_supported_result(
            "taos_schemaless_insert_ttl_with_reqid",
        ))
    })
}

/// `taos_schemaless_insert_raw` with a TTL. Not supported yet: sets `*totalRows = 0`.
///
/// # Safety
/// `totalRows` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_schemaless_insert_raw_ttl(
    taos: *mut TAOS,
    lines: *mut c_char,
    len: c_int,
    totalRows: *mut i32,
    protocol: c_int,
    precision: c_int,
    ttl: i32,
) -> *mut TAOS_RES {
    let _ = (taos, lines, len, protocol, precision, ttl);
    ffi_boundary!("taos_schemaless_insert_raw_ttl", {
        // SAFETY: caller contract.
        unsafe { put(totalRows, 0) };
        Ok(not_supported_result("taos_schemaless_insert_raw_ttl"))
    })
}

/// `taos_schemaless_insert_raw_ttl` with a request id. Not supported yet: sets
/// `*totalRows = 0`.
///
/// # Safety
/// `totalRows` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_schemaless_insert_raw_ttl_with_reqid(
    taos: *mut TAOS,
    lines: *mut c_char,
    len: c_int,
    totalRows: *mut i32,
    protocol: c_int,
    precision: c_int,
    ttl: i32,
    reqid: i64,
) -> *mut TAOS_RES {
    let _ = (taos, lines, len, protocol, precision, ttl, reqid);
    ffi_boundary!("taos_schemaless_insert_raw_ttl_with_reqid", {
        // SAFETY: caller contract.
        unsafe { put(totalRows, 0) };
        Ok(not_supported_result(
            "taos_schemaless_insert_raw_ttl_with_reqid",
        ))
    })
}

/// `taos_schemaless_insert_raw_ttl_with_reqid` where `tbnameKey` names the tag whose value
/// becomes the child-table name (NULL = default). Not supported yet: sets `*totalRows = 0`.
///
/// # Safety
/// `totalRows` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_schemaless_insert_raw_ttl_with_reqid_tbname_key(
    taos: *mut TAOS,
    lines: *mut c_char,
    len: c_int,
    totalRows: *mut i32,
    protocol: c_int,
    precision: c_int,
    ttl: i32,
    reqid: i64,
    tbnameKey: *mut c_char,
) -> *mut TAOS_RES {
    let _ = (taos, lines, len, protocol, precision, ttl, reqid, tbnameKey);
    ffi_boundary!("taos_schemaless_insert_raw_ttl_with_reqid_tbname_key", {
        // SAFETY: caller contract.
        unsafe { put(totalRows, 0) };
        Ok(not_supported_result(
            "taos_schemaless_insert_raw_ttl_with_reqid_tbname_key",
        ))
    })
}

/// `taos_schemaless_insert_ttl_with_reqid` with a `tbnameKey` (see the raw variant). Not
/// supported yet.
#[no_mangle]
pub extern "C" fn taos_schemaless_insert_ttl_with_reqid_tbname_key(
    taos: *mut TAOS,
    lines: *mut *mut c_char,
    numLines: c_int,
    protocol: c_int,
    precision: c_int,
    ttl: i32,
    reqid: i64,
    tbnameKey: *mut c_char,
) -> *mut TAOS_RES {
    let _ = (
        taos, lines, numLines, protocol, precision, ttl, reqid, tbnameKey,
    );
    ffi_boundary!("taos_schemaless_insert_ttl_with_reqid_tbname_key", {
        Ok(not_supported_result(
            "taos_schemaless_insert_ttl_with_reqid_tbname_key",
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::boundary::last_error_code;
    use crate::capi::handles::{res_from_raw, res_ref};
    use taos_wire::error::codes::TSDB_CODE_OPS_NOT_SUPPORT;

    #[test]
    fn returns_a_result_carrying_the_error() {
        let mut rows = 12;
        let res = unsafe {
            taos_schemaless_insert_raw(
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                0,
                &mut rows,
                1,
                0,
            )
        };
        assert!(!res.is_null());
        assert_eq!(rows, 0);
        let h = res_ref(res).unwrap();
        assert_eq!(h.kind, ResKind::Schemaless);
        assert_eq!(h.code(), TSDB_CODE_OPS_NOT_SUPPORT);
        assert_eq!(last_error_code(), TSDB_CODE_OPS_NOT_SUPPORT);
        drop(unsafe { res_from_raw(res) });
    }
}
