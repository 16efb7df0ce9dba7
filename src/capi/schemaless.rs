//! Schemaless insert: InfluxDB line, OpenTSDB telnet and JSON protocols (abi.md §1 G,
//! ws-stmt-sml-tmq.md §3.2).
//!
//! Every variant sends the whole batch as ONE `insert` action: array variants join their
//! lines with `\n` (JSON protocol: only `lines[0]`), raw variants send exactly `len` bytes.
//! Like native libtaos, every call returns a non-NULL `TAOS_RES` to check with
//! `taos_errno(res)` / `taos_errstr(res)` and release with `taos_free_result`; on failure the
//! same error is also the calling thread's last error. `taos_affected_rows(res)` is the
//! number of rows written. Raw variants set `*totalRows` (when not NULL) to the number of
//! lines, counted as TDengine does (line protocol: `#` comment lines excluded), also when
//! the insert then fails; it is 0 when the arguments are rejected.
// Parameter names are the C names of taos.h (they appear in the generated header).
#![allow(non_snake_case)]
// The signatures are fixed by taos.h.
#![allow(clippy::too_many_arguments)]

use std::ffi::{c_char, c_int, CStr};

use taos_wire::error::TaosError;

use crate::capi::boundary::{ffi_boundary, invalid_para, opt_cstr_arg, set_error};
use crate::capi::handles::{conn_ref, res_into_raw, ResHandle, ResKind};
use crate::capi::misc::put;
use crate::capi::types::{TAOS, TAOS_RES, TSDB_SML_JSON_PROTOCOL, TSDB_SML_LINE_PROTOCOL};
use crate::client::sml::{self, SmlInsert};

/// Where the payload comes from.
#[derive(Clone, Copy)]
enum Payload {
    /// `char *lines[]`, `numLines`.
    Lines(*mut *mut c_char, c_int),
    /// `char *lines`, `len`, `int32_t *totalRows`.
    Raw(*mut c_char, c_int, *mut i32),
}

/// The arguments every variant shares.
#[derive(Clone, Copy)]
struct Call {
    taos: *mut TAOS,
    payload: Payload,
    protocol: c_int,
    precision: c_int,
    ttl: i32,
    reqid: i64,
    tbname_key: *mut c_char,
}

/// Runs one call and wraps the outcome (or error) in a schemaless result.
fn run(call: Call) -> *mut TAOS_RES {
    if let Payload::Raw(_, _, total) = call.payload {
        // SAFETY: NULL or writable per the C contract; overwritten once lines are counted.
        unsafe { put(total, 0) };
    }
    let h = match insert(call) {
        Ok(outcome) => {
            let mut h = ResHandle::empty(ResKind::Schemaless);
            h.affected_rows = outcome.affected_rows;
            h
        }
        Err(e) => {
            set_error(&e);
            ResHandle::failed(ResKind::Schemaless, &e)
        }
    };
    res_into_raw(h)
}

fn insert(call: Call) -> Result<sml::SmlOutcome, TaosError> {
    let conn = conn_ref(call.taos)?;
    let data = match call.payload {
        // SAFETY: forwarded C contract (array of numLines C strings).
        Payload::Lines(lines, n) => unsafe { join_lines(lines, n, call.protocol) }?,
        // SAFETY: forwarded C contract (len readable bytes).
        Payload::Raw(ptr, len, total) => {
            let bytes = unsafe { raw_bytes(ptr, len) }?;
            // SAFETY: NULL or writable per the C contract.
            unsafe { put(total, count_lines(bytes, call.protocol)) };
            std::str::from_utf8(bytes)
                .map_err(|e| {
                    invalid_para(format!(
                        "lines are not valid UTF-8 (byte {})",
                        e.valid_up_to()
                    ))
                })?
                .to_string()
        }
    };
    // SAFETY: NULL or a C string per the C contract.
    let key = unsafe { opt_cstr_arg(call.tbname_key, "tbnameKey") }?.filter(|k| !k.is_empty());
    let req = SmlInsert {
        protocol: call.protocol,
        precision: call.precision,
        data: &data,
        ttl: call.ttl,
        req_id: call.reqid as u64,
        table_name_key: key,
    };
    let outcome = sml::insert(&conn.conn(), &req)?;
    if let Payload::Raw(_, _, total) = call.payload {
        // SAFETY: NULL or writable per the C contract.
        unsafe { put(total, outcome.total_rows) };
    }
    Ok(outcome)
}

/// The lines of an array variant joined with `\n` (JSON protocol: `lines[0]` only).
///
/// # Safety
/// `lines` must be NULL or point to `n` pointers, each NULL or a C string.
unsafe fn join_lines(
    lines: *mut *mut c_char,
    n: c_int,
    protocol: c_int,
) -> Result<String, TaosError> {
    if lines.is_null() {
        return Err(invalid_para("lines is NULL"));
    }
    if n <= 0 {
        return Err(invalid_para(format!("numLines must be positive, got {n}")));
    }
    let n = usize::try_from(n).unwrap_or(0);
    // SAFETY: caller contract: n readable pointers.
    let ptrs = unsafe { std::slice::from_raw_parts(lines, n) };
    if let Some(i) = ptrs.iter().position(|p| p.is_null()) {
        return Err(invalid_para(format!("lines[{i}] is NULL")));
    }
    let take = if protocol == TSDB_SML_JSON_PROTOCOL {
        1
    } else {
        n
    };
    let mut out = String::new();
    for (i, &p) in ptrs.iter().take(take).enumerate() {
        // SAFETY: non-NULL C string per the caller contract.
        let line = unsafe { CStr::from_ptr(p) }
            .to_str()
            .map_err(|_| invalid_para(format!("lines[{i}] is not valid UTF-8")))?;
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
    }
    Ok(out)
}

/// The `len` bytes of a raw variant.
///
/// # Safety
/// `ptr` must be NULL or readable for `len` bytes.
unsafe fn raw_bytes<'a>(ptr: *mut c_char, len: c_int) -> Result<&'a [u8], TaosError> {
    if ptr.is_null() {
        return Err(invalid_para("lines is NULL"));
    }
    if len <= 0 {
        return Err(invalid_para(format!("len must be positive, got {len}")));
    }
    let len = usize::try_from(len).unwrap_or(0);
    // SAFETY: caller contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr as *const u8, len) })
}

/// TDengine's raw line count: a line ends at `\n` or at the end of the buffer; for the line
/// protocol a line starting with `#` is a comment and not counted.
fn count_lines(bytes: &[u8], protocol: c_int) -> i32 {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let n = body
        .split(|&b| b == b'\n')
        .filter(|l| protocol != TSDB_SML_LINE_PROTOCOL || l.first() != Some(&b'#'))
        .count();
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Inserts `numLines` lines in `protocol` (`TSDB_SML_*_PROTOCOL`) with timestamp
/// `precision` (`TSDB_SML_TIMESTAMP_*`, line protocol only) in one request. Returns a result
/// to check with `taos_errno` and free with `taos_free_result` (see the module doc).
///
/// # Safety
/// `lines` must be NULL or point to `numLines` pointers, each NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn taos_schemaless_insert(
    taos: *mut TAOS,
    lines: *mut *mut c_char,
    numLines: c_int,
    protocol: c_int,
    precision: c_int,
) -> *mut TAOS_RES {
    let call = Call {
        taos,
        payload: Payload::Lines(lines, numLines),
        protocol,
        precision,
        ttl: 0,
        reqid: 0,
        tbname_key: std::ptr::null_mut(),
    };
    ffi_boundary!("taos_schemaless_insert", { Ok(run(call)) })
}

/// `taos_schemaless_insert` with a request id (0 = generated).
///
/// # Safety
/// `lines` must be NULL or point to `numLines` pointers, each NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn taos_schemaless_insert_with_reqid(
    taos: *mut TAOS,
    lines: *mut *mut c_char,
    numLines: c_int,
    protocol: c_int,
    precision: c_int,
    reqid: i64,
) -> *mut TAOS_RES {
    let call = Call {
        taos,
        payload: Payload::Lines(lines, numLines),
        protocol,
        precision,
        ttl: 0,
        reqid,
        tbname_key: std::ptr::null_mut(),
    };
    ffi_boundary!("taos_schemaless_insert_with_reqid", { Ok(run(call)) })
}

/// Inserts the `len` bytes of `lines` (lines separated by `\n`) in one request; `*totalRows`
/// receives the number of lines.
///
/// # Safety
/// `lines` must be NULL or readable for `len` bytes; `totalRows` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_schemaless_insert_raw(
    taos: *mut TAOS,
    lines: *mut c_char,
    len: c_int,
    totalRows: *mut i32,
    protocol: c_int,
    precision: c_int,
) -> *mut TAOS_RES {
    let call = Call {
        taos,
        payload: Payload::Raw(lines, len, totalRows),
        protocol,
        precision,
        ttl: 0,
        reqid: 0,
        tbname_key: std::ptr::null_mut(),
    };
    ffi_boundary!("taos_schemaless_insert_raw", { Ok(run(call)) })
}

/// `taos_schemaless_insert_raw` with a request id (0 = generated).
///
/// # Safety
/// `lines` must be NULL or readable for `len` bytes; `totalRows` NULL or writable.
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
    let call = Call {
        taos,
        payload: Payload::Raw(lines, len, totalRows),
        protocol,
        precision,
        ttl: 0,
        reqid,
        tbname_key: std::ptr::null_mut(),
    };
    ffi_boundary!("taos_schemaless_insert_raw_with_reqid", { Ok(run(call)) })
}

/// `taos_schemaless_insert` with a TTL in days for auto-created child tables.
///
/// # Safety
/// `lines` must be NULL or point to `numLines` pointers, each NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn taos_schemaless_insert_ttl(
    taos: *mut TAOS,
    lines: *mut *mut c_char,
    numLines: c_int,
    protocol: c_int,
    precision: c_int,
    ttl: i32,
) -> *mut TAOS_RES {
    let call = Call {
        taos,
        payload: Payload::Lines(lines, numLines),
        protocol,
        precision,
        ttl,
        reqid: 0,
        tbname_key: std::ptr::null_mut(),
    };
    ffi_boundary!("taos_schemaless_insert_ttl", { Ok(run(call)) })
}

/// `taos_schemaless_insert_ttl` with a request id (0 = generated).
///
/// # Safety
/// `lines` must be NULL or point to `numLines` pointers, each NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn taos_schemaless_insert_ttl_with_reqid(
    taos: *mut TAOS,
    lines: *mut *mut c_char,
    numLines: c_int,
    protocol: c_int,
    precision: c_int,
    ttl: i32,
    reqid: i64,
) -> *mut TAOS_RES {
    let call = Call {
        taos,
        payload: Payload::Lines(lines, numLines),
        protocol,
        precision,
        ttl,
        reqid,
        tbname_key: std::ptr::null_mut(),
    };
    ffi_boundary!("taos_schemaless_insert_ttl_with_reqid", { Ok(run(call)) })
}

/// `taos_schemaless_insert_raw` with a TTL in days for auto-created child tables.
///
/// # Safety
/// `lines` must be NULL or readable for `len` bytes; `totalRows` NULL or writable.
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
    let call = Call {
        taos,
        payload: Payload::Raw(lines, len, totalRows),
        protocol,
        precision,
        ttl,
        reqid: 0,
        tbname_key: std::ptr::null_mut(),
    };
    ffi_boundary!("taos_schemaless_insert_raw_ttl", { Ok(run(call)) })
}

/// `taos_schemaless_insert_raw_ttl` with a request id (0 = generated).
///
/// # Safety
/// `lines` must be NULL or readable for `len` bytes; `totalRows` NULL or writable.
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
    let call = Call {
        taos,
        payload: Payload::Raw(lines, len, totalRows),
        protocol,
        precision,
        ttl,
        reqid,
        tbname_key: std::ptr::null_mut(),
    };
    ffi_boundary!("taos_schemaless_insert_raw_ttl_with_reqid", {
        Ok(run(call))
    })
}

/// `taos_schemaless_insert_raw_ttl_with_reqid` where `tbnameKey` names the tag whose value
/// becomes the child-table name (NULL or empty = TDengine's default naming).
///
/// # Safety
/// `lines` must be NULL or readable for `len` bytes; `totalRows` NULL or writable; `tbnameKey`
/// NULL or a C string.
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
    let call = Call {
        taos,
        payload: Payload::Raw(lines, len, totalRows),
        protocol,
        precision,
        ttl,
        reqid,
        tbname_key: tbnameKey,
    };
    ffi_boundary!("taos_schemaless_insert_raw_ttl_with_reqid_tbname_key", {
        Ok(run(call))
    })
}

/// `taos_schemaless_insert_ttl_with_reqid` with a `tbnameKey` (see the raw variant).
///
/// # Safety
/// `lines` must be NULL or point to `numLines` pointers, each NULL or a C string; `tbnameKey`
/// NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn taos_schemaless_insert_ttl_with_reqid_tbname_key(
    taos: *mut TAOS,
    lines: *mut *mut c_char,
    numLines: c_int,
    protocol: c_int,
    precision: c_int,
    ttl: i32,
    reqid: i64,
    tbnameKey: *mut c_char,
) -> *mut TAOS_RES {
    let call = Call {
        taos,
        payload: Payload::Lines(lines, numLines),
        protocol,
        precision,
        ttl,
        reqid,
        tbname_key: tbnameKey,
    };
    ffi_boundary!("taos_schemaless_insert_ttl_with_reqid_tbname_key", {
        Ok(run(call))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::boundary::last_error_code;
    use crate::capi::handles::{res_from_raw, res_ref};
    use std::ffi::CString;
    use taos_wire::error::codes::{TSDB_CODE_INVALID_PARA, TSDB_CODE_TSC_INVALID_CONNECTION};

    fn code_of(res: *mut TAOS_RES) -> i32 {
        assert!(!res.is_null());
        let h = res_ref(res).unwrap();
        assert_eq!(h.kind, ResKind::Schemaless);
        let c = h.code();
        drop(unsafe { res_from_raw(res) });
        c
    }

    #[test]
    fn bad_arguments_give_a_result_carrying_the_error() {
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
        assert_eq!(rows, 0);
        assert_eq!(code_of(res), TSDB_CODE_TSC_INVALID_CONNECTION);
        assert_eq!(last_error_code(), TSDB_CODE_TSC_INVALID_CONNECTION);
    }

    #[test]
    fn line_arrays_are_checked_and_joined() {
        let a = CString::new("a b=1").unwrap();
        let b = CString::new("c d=2").unwrap();
        let mut ptrs = [a.as_ptr() as *mut c_char, b.as_ptr() as *mut c_char];
        let joined = unsafe { join_lines(ptrs.as_mut_ptr(), 2, 1) }.unwrap();
        assert_eq!(joined, "a b=1\nc d=2");
        assert_eq!(
            unsafe { join_lines(ptrs.as_mut_ptr(), 2, 3) }.unwrap(),
            "a b=1"
        );
        let e = unsafe { join_lines(std::ptr::null_mut(), 2, 1) }.unwrap_err();
        assert_eq!(e.code, TSDB_CODE_INVALID_PARA);
        let e = unsafe { join_lines(ptrs.as_mut_ptr(), 0, 1) }.unwrap_err();
        assert_eq!(e.code, TSDB_CODE_INVALID_PARA);
        ptrs[1] = std::ptr::null_mut();
        let e = unsafe { join_lines(ptrs.as_mut_ptr(), 2, 1) }.unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (TSDB_CODE_INVALID_PARA, "lines[1] is NULL")
        );
    }

    #[test]
    fn raw_lines_are_counted_like_tdengine() {
        assert_eq!(count_lines(b"a", 1), 1);
        assert_eq!(count_lines(b"a\n", 1), 1);
        assert_eq!(count_lines(b"a\n\nb\n", 1), 3);
        assert_eq!(count_lines(b"#c\na\n#d", 1), 1);
        assert_eq!(count_lines(b"#c\na", 2), 2);
        let e = unsafe { raw_bytes(std::ptr::null_mut(), 3) }.unwrap_err();
        assert_eq!(e.code, TSDB_CODE_INVALID_PARA);
        let mut buf = *b"x";
        let e = unsafe { raw_bytes(buf.as_mut_ptr() as *mut c_char, 0) }.unwrap_err();
        assert_eq!(e.code, TSDB_CODE_INVALID_PARA);
    }
}
