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

use std::borrow::Cow;
use std::ffi::{c_char, c_int, CStr};

use taos_wire::error::TaosError;

use crate::capi::boundary::{ffi_boundary, invalid_para, opt_cstr_arg, set_error};
use crate::capi::handles::{conn_ref, res_into_raw, ResHandle, ResKind};
use crate::capi::misc::put;
use crate::capi::types::{TAOS, TAOS_RES, TSDB_SML_JSON_PROTOCOL};
use crate::client::sml::{self, SmlInsert};

/// Where the payload comes from.
#[derive(Clone, Copy)]
enum Payload {
    /// `char *lines[]`, `numLines`.
    Lines(*mut *mut c_char, c_int),
    /// `char *lines`, `len`, `int32_t *totalRows`.
    Raw(*mut c_char, c_int, *mut i32),
}

/// The options of one call: each of the ten exports maps its C arguments onto this and
/// hands it to [`schemaless_insert`]. Variants without a TTL, request id or `tbnameKey`
/// keep the defaults of [`SmlArgs::lines`] / [`SmlArgs::raw`] (0, 0 = generated, NULL).
#[derive(Clone, Copy)]
struct SmlArgs {
    taos: *mut TAOS,
    payload: Payload,
    protocol: c_int,
    precision: c_int,
    ttl: i32,
    reqid: i64,
    tbname_key: *mut c_char,
}

impl SmlArgs {
    /// An array-variant call (`lines[]`, `numLines`) with the defaults.
    fn lines(
        taos: *mut TAOS,
        lines: *mut *mut c_char,
        num_lines: c_int,
        protocol: c_int,
        precision: c_int,
    ) -> Self {
        Self::new(taos, Payload::Lines(lines, num_lines), protocol, precision)
    }

    /// A raw-variant call (`lines`, `len`, `*totalRows`) with the defaults.
    fn raw(
        taos: *mut TAOS,
        lines: *mut c_char,
        len: c_int,
        total_rows: *mut i32,
        protocol: c_int,
        precision: c_int,
    ) -> Self {
        Self::new(
            taos,
            Payload::Raw(lines, len, total_rows),
            protocol,
            precision,
        )
    }

    /// A call with no TTL, a generated request id and TDengine's default table naming.
    fn new(taos: *mut TAOS, payload: Payload, protocol: c_int, precision: c_int) -> Self {
        Self {
            taos,
            payload,
            protocol,
            precision,
            ttl: 0,
            reqid: 0,
            tbname_key: std::ptr::null_mut(),
        }
    }
}

/// The one body behind all ten exports: the panic boundary (`name` is the export's name,
/// used in the panic message), the marshalling, the insert and the result handle.
///
/// # Safety
/// The pointers in `args` follow the C contract of the export that built them.
unsafe fn schemaless_insert(name: &'static str, args: SmlArgs) -> *mut TAOS_RES {
    ffi_boundary!(name, { Ok(run(args)) })
}

/// Runs one call and wraps the outcome (or error) in a schemaless result.
fn run(args: SmlArgs) -> *mut TAOS_RES {
    if let Payload::Raw(_, _, total) = args.payload {
        // SAFETY: NULL or writable per the C contract; overwritten once lines are counted.
        unsafe { put(total, 0) };
    }
    let h = match insert(args) {
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

/// Checks and converts the C arguments, then sends the insert. For raw calls `*totalRows`
/// gets the local line count as soon as the buffer is readable, then the server's count.
fn insert(args: SmlArgs) -> Result<sml::SmlOutcome, TaosError> {
    let conn = conn_ref(args.taos)?;
    let data: Cow<'_, str> = match args.payload {
        // SAFETY: forwarded C contract (array of numLines C strings).
        Payload::Lines(lines, n) => Cow::Owned(unsafe { join_lines(lines, n, args.protocol) }?),
        Payload::Raw(ptr, len, total) => {
            // SAFETY: forwarded C contract (len readable bytes).
            let bytes = unsafe { raw_bytes(ptr, len) }?;
            // SAFETY: NULL or writable per the C contract.
            unsafe { put(total, sml::count_raw_lines(bytes, args.protocol)) };
            // Borrowed: the buffer stays valid for the whole (synchronous) call.
            Cow::Borrowed(std::str::from_utf8(bytes).map_err(|e| {
                invalid_para(format!(
                    "lines are not valid UTF-8 (byte {})",
                    e.valid_up_to()
                ))
            })?)
        }
    };
    // SAFETY: NULL or a C string per the C contract.
    let key = unsafe { opt_cstr_arg(args.tbname_key, "tbnameKey") }?.filter(|k| !k.is_empty());
    let req = SmlInsert {
        protocol: args.protocol,
        precision: args.precision,
        data: &data,
        ttl: args.ttl,
        req_id: args.reqid as u64,
        table_name_key: key,
    };
    let outcome = sml::insert(&conn.conn(), &req)?;
    if let Payload::Raw(_, _, total) = args.payload {
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
    let args = SmlArgs::lines(taos, lines, numLines, protocol, precision);
    unsafe { schemaless_insert("taos_schemaless_insert", args) }
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
    let args = SmlArgs::lines(taos, lines, numLines, protocol, precision);
    let args = SmlArgs { reqid, ..args };
    unsafe { schemaless_insert("taos_schemaless_insert_with_reqid", args) }
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
    let args = SmlArgs::raw(taos, lines, len, totalRows, protocol, precision);
    unsafe { schemaless_insert("taos_schemaless_insert_raw", args) }
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
    let args = SmlArgs::raw(taos, lines, len, totalRows, protocol, precision);
    let args = SmlArgs { reqid, ..args };
    unsafe { schemaless_insert("taos_schemaless_insert_raw_with_reqid", args) }
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
    let args = SmlArgs::lines(taos, lines, numLines, protocol, precision);
    let args = SmlArgs { ttl, ..args };
    unsafe { schemaless_insert("taos_schemaless_insert_ttl", args) }
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
    let args = SmlArgs::lines(taos, lines, numLines, protocol, precision);
    let args = SmlArgs { ttl, reqid, ..args };
    unsafe { schemaless_insert("taos_schemaless_insert_ttl_with_reqid", args) }
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
    let args = SmlArgs::raw(taos, lines, len, totalRows, protocol, precision);
    let args = SmlArgs { ttl, ..args };
    unsafe { schemaless_insert("taos_schemaless_insert_raw_ttl", args) }
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
    let args = SmlArgs::raw(taos, lines, len, totalRows, protocol, precision);
    let args = SmlArgs { ttl, reqid, ..args };
    unsafe { schemaless_insert("taos_schemaless_insert_raw_ttl_with_reqid", args) }
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
    let args = SmlArgs::raw(taos, lines, len, totalRows, protocol, precision);
    let args = SmlArgs {
        ttl,
        reqid,
        tbname_key: tbnameKey,
        ..args
    };
    unsafe { schemaless_insert("taos_schemaless_insert_raw_ttl_with_reqid_tbname_key", args) }
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
    let args = SmlArgs::lines(taos, lines, numLines, protocol, precision);
    let args = SmlArgs {
        ttl,
        reqid,
        tbname_key: tbnameKey,
        ..args
    };
    unsafe { schemaless_insert("taos_schemaless_insert_ttl_with_reqid_tbname_key", args) }
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
    fn raw_buffers_are_checked() {
        let e = unsafe { raw_bytes(std::ptr::null_mut(), 3) }.unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (TSDB_CODE_INVALID_PARA, "lines is NULL")
        );
        let mut buf = *b"x";
        let e = unsafe { raw_bytes(buf.as_mut_ptr() as *mut c_char, 0) }.unwrap_err();
        assert_eq!(e.code, TSDB_CODE_INVALID_PARA);
        let got = unsafe { raw_bytes(buf.as_mut_ptr() as *mut c_char, 1) }.unwrap();
        assert_eq!(got, b"x");
    }

    #[test]
    fn variants_fill_in_the_defaults_they_do_not_take() {
        let line = CString::new("a b=1").unwrap();
        let mut ptrs = [line.as_ptr() as *mut c_char];
        let a = SmlArgs::lines(std::ptr::null_mut(), ptrs.as_mut_ptr(), 1, 1, 4);
        assert!(matches!(a.payload, Payload::Lines(_, 1)));
        assert_eq!((a.protocol, a.precision, a.ttl, a.reqid), (1, 4, 0, 0));
        assert!(a.tbname_key.is_null());
        let mut total = 0;
        let r = SmlArgs::raw(std::ptr::null_mut(), ptrs[0], 5, &mut total, 2, 0);
        assert!(matches!(r.payload, Payload::Raw(_, 5, t) if std::ptr::eq(t, &total)));
        assert_eq!((r.protocol, r.ttl, r.reqid), (2, 0, 0));
    }

    /// Every export goes through the shared body: a NULL connection gives a result carrying
    /// INVALID_CONNECTION, and the raw ones zero `*totalRows`.
    #[test]
    fn all_ten_exports_share_the_same_error_handling() {
        let line = CString::new("a b=1").unwrap();
        let mut ptrs = [line.as_ptr() as *mut c_char];
        let (l, raw) = (ptrs.as_mut_ptr(), ptrs[0]);
        let null = std::ptr::null_mut();
        let no_key: *mut c_char = std::ptr::null_mut();
        let mut t = [7i32; 5];
        let results = unsafe {
            [
                taos_schemaless_insert(null, l, 1, 1, 4),
                taos_schemaless_insert_with_reqid(null, l, 1, 1, 4, 9),
                taos_schemaless_insert_ttl(null, l, 1, 1, 4, 3),
                taos_schemaless_insert_ttl_with_reqid(null, l, 1, 1, 4, 3, 9),
                taos_schemaless_insert_ttl_with_reqid_tbname_key(null, l, 1, 1, 4, 3, 9, no_key),
                taos_schemaless_insert_raw(null, raw, 5, &mut t[0], 1, 4),
                taos_schemaless_insert_raw_with_reqid(null, raw, 5, &mut t[1], 1, 4, 9),
                taos_schemaless_insert_raw_ttl(null, raw, 5, &mut t[2], 1, 4, 3),
                taos_schemaless_insert_raw_ttl_with_reqid(null, raw, 5, &mut t[3], 1, 4, 3, 9),
                taos_schemaless_insert_raw_ttl_with_reqid_tbname_key(
                    null, raw, 5, &mut t[4], 1, 4, 3, 9, no_key,
                ),
            ]
        };
        for res in results {
            assert_eq!(code_of(res), TSDB_CODE_TSC_INVALID_CONNECTION);
        }
        assert_eq!(t, [0; 5]);
    }
}
