//! Parameter binding, stmt v1 (abi.md §1 E) over [`crate::client::stmt::Stmt`].
//!
//! As in the official WebSocket libtaos (ws-stmt-sml-tmq.md §1.8), a `TAOS_STMT` is a stmt2
//! on the connection's socket; table names, tags and columns are buffered client-side and
//! sent as one stmt2 bind at `taos_stmt_execute` (reasons in `client/stmt.rs`).
//!
//! A `TAOS_STMT *` is a `Box<StmtHandle>` registered in a [`Registry`], so NULL, garbage and
//! closed handles are refused with `TSDB_CODE_INVALID_PARA`. Errors are
//! recorded as the thread's last error and as the statement's text (`taos_stmt_errstr`).
//! `TAOS_MULTI_BIND` buffers are copied during the call (variable types strided by
//! `buffer_length`, fixed types dense). `taos_stmt_use_result` returns a new result owned by
//! the caller (release with `taos_free_result`).
// Parameter names are the C names of taos.h (they appear in the generated header).
#![allow(non_snake_case)]
// Exports take C pointers whose validity is the C caller's contract (documented per
// function); they cannot be `unsafe fn` and still be called from C like native ones.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_ulong, CString};
use std::sync::OnceLock;

use parking_lot::Mutex;
use taos_wire::error::codes::TSDB_CODE_TSC_STMT_API_ERROR;
use taos_wire::error::TaosError;
use taos_wire::json::stmt2::{Stmt2FieldInfo, BIND_TYPE_COL, BIND_TYPE_TAG};
use taos_wire::stmt2::Stmt2Field;

use crate::capi::boundary::{
    cstr_arg, err, ffi_boundary, invalid_para, last_error_str, to_cstring,
};
use crate::capi::fetch::Cursor;
use crate::capi::handles::{conn_ref, res_into_raw, Registry, ResHandle, ResKind};
use crate::capi::misc::put;
use crate::capi::stmt2::{c_name65, field_from_raw, sql_arg, RawBind, Target, VarLayout};
use crate::capi::types::{
    TAOS, TAOS_FIELD_E, TAOS_MULTI_BIND, TAOS_RES, TAOS_STMT, TAOS_STMT_OPTIONS,
};
use crate::client::stmt::Stmt;
use crate::client::stmt2::Stmt2Options;

/// What lives behind a `TAOS_STMT *`.
pub struct StmtHandle {
    stmt: Mutex<Stmt>,
    /// Text of the statement's last error (`taos_stmt_errstr`).
    error: Mutex<CString>,
}

/// The live `TAOS_STMT` handles: a closed or foreign pointer is refused without being
/// read (calls after close get `TSDB_CODE_INVALID_PARA`, never a use-after-free).
static LIVE: Registry<StmtHandle> = Registry::new("stmt", "TAOS_STMT");

fn handle<'a>(ptr: *mut TAOS_STMT) -> Result<&'a StmtHandle, TaosError> {
    LIVE.get(ptr)
}

/// Runs `f` on a live, locked statement; errors are also stored as the statement's text.
fn with_stmt<R>(
    ptr: *mut TAOS_STMT,
    f: impl FnOnce(&mut Stmt) -> Result<R, TaosError>,
) -> Result<R, TaosError> {
    let h = handle(ptr)?;
    let r = f(&mut h.stmt.lock());
    if let Err(e) = &r {
        *h.error.lock() = to_cstring(&e.message);
    }
    r
}

/// Copies one `TAOS_MULTI_BIND`: `num` rows, variable values at stride `buffer_length`
/// with `length[i]` bytes each, fixed values dense.
///
/// # Safety
/// `b` must point to a valid bind whose buffers match its `num`/`buffer_length`/`length`.
unsafe fn field_from_multi(
    b: *const TAOS_MULTI_BIND,
    t: Target,
    what: &str,
) -> Result<Stmt2Field<'static>, TaosError> {
    if b.is_null() {
        return Err(invalid_para(format!("{what} is NULL")));
    }
    // SAFETY: caller contract.
    let b = unsafe { &*b };
    let raw = RawBind {
        buffer_type: b.buffer_type,
        buffer: b.buffer,
        length: b.length,
        is_null: b.is_null,
        num: b.num,
        var_layout: VarLayout::Strided(b.buffer_length),
    };
    // SAFETY: caller contract.
    unsafe { field_from_raw(&raw, t, what) }
}

/// Copies one `TAOS_MULTI_BIND` per target, consecutive in memory.
///
/// # Safety
/// `b` must be NULL or valid for `targets.len()` binds.
unsafe fn fields_from_multi(
    b: *const TAOS_MULTI_BIND,
    targets: &[Target],
    what: &str,
) -> Result<Vec<Stmt2Field<'static>>, TaosError> {
    if b.is_null() {
        return Err(invalid_para(format!("{what} is NULL")));
    }
    (0..targets.len())
        // SAFETY: caller contract: one bind per target.
        .map(|i| unsafe { field_from_multi(b.add(i), targets[i], &format!("{what}[{i}]")) })
        .collect()
}

// ---- field arrays ----------------------------------------------------------------------

fn field_arrays() -> &'static Mutex<HashMap<usize, usize>> {
    static M: OnceLock<Mutex<HashMap<usize, usize>>> = OnceLock::new();
    M.get_or_init(Default::default)
}

fn alloc_fields_e<'a>(
    fields: impl Iterator<Item = &'a Stmt2FieldInfo>,
) -> (*mut TAOS_FIELD_E, usize) {
    let v: Vec<TAOS_FIELD_E> = fields
        .map(|f| TAOS_FIELD_E {
            name: c_name65(&f.name),
            r#type: f.field_type,
            precision: f.precision,
            scale: f.scale,
            bytes: f.bytes,
        })
        .collect();
    let len = v.len();
    if len == 0 {
        return (std::ptr::null_mut(), 0);
    }
    let ptr = Box::into_raw(v.into_boxed_slice()) as *mut TAOS_FIELD_E;
    field_arrays().lock().insert(ptr as usize, len);
    (ptr, len)
}

fn get_fields(
    stmt: *mut TAOS_STMT,
    bind_type: i8,
    fieldNum: *mut c_int,
    fields: *mut *mut TAOS_FIELD_E,
) -> Result<c_int, TaosError> {
    // SAFETY: out-pointers per contract (NULL skipped).
    unsafe {
        put(fieldNum, 0);
        put(fields, std::ptr::null_mut());
    }
    with_stmt(stmt, |s| {
        if fieldNum.is_null() || fields.is_null() {
            return Err(invalid_para("fieldNum / fields is NULL"));
        }
        if !s.prepared()?.is_insert {
            return Err(err(
                TSDB_CODE_TSC_STMT_API_ERROR,
                "Stmt API usage error: fields are only described for an insert",
            ));
        }
        let all = s.fields()?;
        let (ptr, n) = alloc_fields_e(all.iter().filter(|f| f.bind_type == bind_type));
        // SAFETY: non-NULL out-pointers checked above.
        unsafe {
            put(fieldNum, n as c_int);
            put(fields, ptr);
        }
        Ok(0)
    })
}

// ---- exports ---------------------------------------------------------------------------

fn init(taos: *mut TAOS, opts: Stmt2Options) -> Result<*mut TAOS_STMT, TaosError> {
    let conn = conn_ref(taos)?;
    let stmt = Stmt::init(&conn.conn(), &opts)?;
    let h = StmtHandle {
        stmt: Mutex::new(stmt),
        error: Mutex::new(CString::default()),
    };
    Ok(LIVE.insert(h) as *mut TAOS_STMT)
}

/// Creates a stmt handle on `taos`. Returns NULL on failure (`taos_errno(NULL)` /
/// `taos_stmt_errstr(NULL)` tell why). Release with `taos_stmt_close`.
#[no_mangle]
pub extern "C" fn taos_stmt_init(taos: *mut TAOS) -> *mut TAOS_STMT {
    ffi_boundary!("taos_stmt_init", { init(taos, Stmt2Options::default()) })
}

/// As `taos_stmt_init` with a request id (propagated to server logs).
#[no_mangle]
pub extern "C" fn taos_stmt_init_with_reqid(taos: *mut TAOS, reqid: i64) -> *mut TAOS_STMT {
    ffi_boundary!("taos_stmt_init_with_reqid", {
        init(
            taos,
            Stmt2Options {
                req_id: reqid as u64,
                ..Default::default()
            },
        )
    })
}

/// As `taos_stmt_init` with options (may be NULL: defaults).
#[no_mangle]
pub extern "C" fn taos_stmt_init_with_options(
    taos: *mut TAOS,
    options: *mut TAOS_STMT_OPTIONS,
) -> *mut TAOS_STMT {
    ffi_boundary!("taos_stmt_init_with_options", {
        let opts = if options.is_null() {
            Stmt2Options::default()
        } else {
            // SAFETY: non-NULL options point to TAOS_STMT_OPTIONS per contract.
            let o = unsafe { &*options };
            Stmt2Options {
                req_id: o.reqId as u64,
                single_stb_insert: o.singleStbInsert != 0,
                single_table_bind_once: o.singleTableBindOnce != 0,
            }
        };
        init(taos, opts)
    })
}

/// Prepares `sql` (`length` 0 = `strlen(sql)`). Returns 0 or an error code.
#[no_mangle]
pub extern "C" fn taos_stmt_prepare(
    stmt: *mut TAOS_STMT,
    sql: *const c_char,
    length: c_ulong,
) -> c_int {
    ffi_boundary!("taos_stmt_prepare", {
        with_stmt(stmt, |s| {
            // SAFETY: caller contract.
            let sql = unsafe { sql_arg(sql, length) }?;
            s.prepare(&sql)?;
            Ok(0)
        })
    })
}

fn set_tags_impl(s: &mut Stmt, tags: *mut TAOS_MULTI_BIND) -> Result<(), TaosError> {
    let targets: Vec<Target> = s
        .prepared()?
        .of_type(BIND_TYPE_TAG)
        .map(|f| Target::tag(f.field_type))
        .collect();
    if targets.is_empty() && tags.is_null() {
        return Ok(());
    }
    // SAFETY: caller contract: one bind per tag.
    let f = unsafe { fields_from_multi(tags, &targets, "tags") }?;
    s.set_tags(f)
}

/// Sets the table name and binds the tags (one `TAOS_MULTI_BIND` per tag, `num` = 1) for the
/// next `taos_stmt_add_batch`. Returns 0 or an error code.
#[no_mangle]
pub extern "C" fn taos_stmt_set_tbname_tags(
    stmt: *mut TAOS_STMT,
    name: *const c_char,
    tags: *mut TAOS_MULTI_BIND,
) -> c_int {
    ffi_boundary!("taos_stmt_set_tbname_tags", {
        with_stmt(stmt, |s| {
            // SAFETY: NULL or a C string per contract.
            let name = unsafe { cstr_arg(name, "name") }?;
            s.set_tbname(name)?;
            set_tags_impl(s, tags)?;
            Ok(0)
        })
    })
}

/// Sets the table name for the next `taos_stmt_add_batch`. Returns 0 or an error code.
#[no_mangle]
pub extern "C" fn taos_stmt_set_tbname(stmt: *mut TAOS_STMT, name: *const c_char) -> c_int {
    ffi_boundary!("taos_stmt_set_tbname", {
        with_stmt(stmt, |s| {
            // SAFETY: NULL or a C string per contract.
            let name = unsafe { cstr_arg(name, "name") }?;
            s.set_tbname(name)?;
            Ok(0)
        })
    })
}

/// Binds the tags (one `TAOS_MULTI_BIND` per tag, `num` = 1). Returns 0 or an error code.
#[no_mangle]
pub extern "C" fn taos_stmt_set_tags(stmt: *mut TAOS_STMT, tags: *mut TAOS_MULTI_BIND) -> c_int {
    ffi_boundary!("taos_stmt_set_tags", {
        with_stmt(stmt, |s| set_tags_impl(s, tags).map(|_| 0))
    })
}

/// Sets the sub-table name (same as `taos_stmt_set_tbname`).
#[no_mangle]
pub extern "C" fn taos_stmt_set_sub_tbname(stmt: *mut TAOS_STMT, name: *const c_char) -> c_int {
    taos_stmt_set_tbname(stmt, name)
}

/// Describes the tag placeholders of the prepared insert: `*fieldNum` entries in `*fields`
/// (NULL when there are none), released with `taos_stmt_reclaim_fields`. Returns 0 or an
/// error code (then `*fieldNum` = 0 and `*fields` = NULL).
#[no_mangle]
pub extern "C" fn taos_stmt_get_tag_fields(
    stmt: *mut TAOS_STMT,
    fieldNum: *mut c_int,
    fields: *mut *mut TAOS_FIELD_E,
) -> c_int {
    ffi_boundary!("taos_stmt_get_tag_fields", {
        get_fields(stmt, BIND_TYPE_TAG, fieldNum, fields)
    })
}

/// Describes the column placeholders of the prepared insert (see
/// `taos_stmt_get_tag_fields`).
#[no_mangle]
pub extern "C" fn taos_stmt_get_col_fields(
    stmt: *mut TAOS_STMT,
    fieldNum: *mut c_int,
    fields: *mut *mut TAOS_FIELD_E,
) -> c_int {
    ffi_boundary!("taos_stmt_get_col_fields", {
        get_fields(stmt, BIND_TYPE_COL, fieldNum, fields)
    })
}

/// Frees an array from `taos_stmt_get_tag_fields` / `taos_stmt_get_col_fields`. NULL and
/// unknown pointers are ignored.
#[no_mangle]
pub extern "C" fn taos_stmt_reclaim_fields(stmt: *mut TAOS_STMT, fields: *mut TAOS_FIELD_E) {
    let _ = stmt;
    ffi_boundary!("taos_stmt_reclaim_fields", {
        if let Some(len) = field_arrays().lock().remove(&(fields as usize)) {
            // SAFETY: allocated by alloc_fields_e with this length; removed once.
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(fields, len)) });
        }
        Ok(())
    })
}

/// `*insert` = 1 for an INSERT, 0 otherwise. Returns 0 or an error code.
#[no_mangle]
pub extern "C" fn taos_stmt_is_insert(stmt: *mut TAOS_STMT, insert: *mut c_int) -> c_int {
    ffi_boundary!("taos_stmt_is_insert", {
        with_stmt(stmt, |s| {
            if insert.is_null() {
                return Err(invalid_para("insert is NULL"));
            }
            let v = s.prepared()?.is_insert as c_int;
            // SAFETY: non-NULL out-pointer.
            unsafe { put(insert, v) };
            Ok(0)
        })
    })
}

/// Number of parameters `taos_stmt_bind_param` takes, as native: for an insert the column
/// placeholders (the table name and tags are set with their own calls; driver-go's
/// `BindRow` checks its row length against this), for a query every `?`. Returns 0 or an
/// error code.
#[no_mangle]
pub extern "C" fn taos_stmt_num_params(stmt: *mut TAOS_STMT, nums: *mut c_int) -> c_int {
    ffi_boundary!("taos_stmt_num_params", {
        with_stmt(stmt, |s| {
            if nums.is_null() {
                return Err(invalid_para("nums is NULL"));
            }
            let p = s.prepared()?;
            let n = if p.is_insert {
                p.of_type(BIND_TYPE_COL).count() as c_int
            } else {
                p.fields_count
            };
            // SAFETY: non-NULL out-pointer.
            unsafe { put(nums, n) };
            Ok(0)
        })
    })
}

/// Type and declared width of column placeholder `idx` (inserts only). Returns 0 or an
/// error code (`TSDB_CODE_INVALID_PARA` for an index out of range).
#[no_mangle]
pub extern "C" fn taos_stmt_get_param(
    stmt: *mut TAOS_STMT,
    idx: c_int,
    r#type: *mut c_int,
    bytes: *mut c_int,
) -> c_int {
    ffi_boundary!("taos_stmt_get_param", {
        with_stmt(stmt, |s| {
            if r#type.is_null() || bytes.is_null() {
                return Err(invalid_para("type / bytes is NULL"));
            }
            if !s.prepared()?.is_insert {
                return Err(err(
                    TSDB_CODE_TSC_STMT_API_ERROR,
                    "Stmt API usage error: get_param is only for an insert",
                ));
            }
            let all = s.fields()?;
            let f = usize::try_from(idx)
                .ok()
                .and_then(|i| all.iter().filter(|f| f.bind_type == BIND_TYPE_COL).nth(i))
                .ok_or_else(|| invalid_para(format!("param index {idx} out of range")))?;
            // SAFETY: non-NULL out-pointers.
            unsafe {
                put(r#type, f.field_type as c_int);
                put(bytes, f.bytes);
            }
            Ok(0)
        })
    })
}

/// One target per column placeholder (query parameters: unknown types).
fn col_targets(s: &Stmt) -> Result<Vec<Target>, TaosError> {
    let p = s.prepared()?;
    Ok(if p.is_insert {
        s.col_placeholders()?
            .iter()
            .map(|f| Target::col(f.field_type))
            .collect()
    } else {
        vec![Target::ANY; s.col_count()?]
    })
}

fn bind_all(stmt: *mut TAOS_STMT, bind: *mut TAOS_MULTI_BIND) -> Result<c_int, TaosError> {
    with_stmt(stmt, |s| {
        let targets = col_targets(s)?;
        // SAFETY: caller contract: one bind per column placeholder.
        let f = unsafe { fields_from_multi(bind, &targets, "bind") }?;
        s.bind_columns(f)?;
        Ok(0)
    })
}

/// Binds the column values (one `TAOS_MULTI_BIND` per column placeholder, usually
/// `num` = 1). Returns 0 or an error code.
#[no_mangle]
pub extern "C" fn taos_stmt_bind_param(stmt: *mut TAOS_STMT, bind: *mut TAOS_MULTI_BIND) -> c_int {
    ffi_boundary!("taos_stmt_bind_param", { bind_all(stmt, bind) })
}

/// Binds `num` rows column-wise (one `TAOS_MULTI_BIND` per column placeholder).
#[no_mangle]
pub extern "C" fn taos_stmt_bind_param_batch(
    stmt: *mut TAOS_STMT,
    bind: *mut TAOS_MULTI_BIND,
) -> c_int {
    ffi_boundary!("taos_stmt_bind_param_batch", { bind_all(stmt, bind) })
}

/// Binds column `colIdx` only, as native: columns in order 0, 1, ... with the same row
/// count and (inserts) exactly the declared type; the set is complete when the last column
/// is bound, and must be before `taos_stmt_add_batch` / `taos_stmt_execute`.
#[no_mangle]
pub extern "C" fn taos_stmt_bind_single_param_batch(
    stmt: *mut TAOS_STMT,
    bind: *mut TAOS_MULTI_BIND,
    colIdx: c_int,
) -> c_int {
    ffi_boundary!("taos_stmt_bind_single_param_batch", {
        with_stmt(stmt, |s| {
            let idx = usize::try_from(colIdx)
                .map_err(|_| invalid_para(format!("colIdx {colIdx} out of range")))?;
            // Single-column binds are strictly typed (no NULL shortcut), as native.
            // SAFETY: caller contract: one bind.
            let f = unsafe { field_from_multi(bind, Target::ANY, "bind") }?;
            s.bind_column(idx, f)?;
            Ok(0)
        })
    })
}

/// Closes the current (table, tags, rows) entry of the batch (inserts only).
#[no_mangle]
pub extern "C" fn taos_stmt_add_batch(stmt: *mut TAOS_STMT) -> c_int {
    ffi_boundary!("taos_stmt_add_batch", {
        with_stmt(stmt, |s| s.add_batch().map(|_| 0))
    })
}

/// Executes the batch (insert) or the query. Returns 0 or an error code.
#[no_mangle]
pub extern "C" fn taos_stmt_execute(stmt: *mut TAOS_STMT) -> c_int {
    ffi_boundary!("taos_stmt_execute", {
        with_stmt(stmt, |s| s.execute().map(|_| 0))
    })
}

/// The result of an executed query: a new result owned by the caller (release with
/// `taos_free_result`). NULL on error (see `taos_stmt_errstr`).
#[no_mangle]
pub extern "C" fn taos_stmt_use_result(stmt: *mut TAOS_STMT) -> *mut TAOS_RES {
    ffi_boundary!("taos_stmt_use_result", {
        with_stmt(stmt, |s| {
            let q = s.result()?;
            Ok(res_into_raw(ResHandle::with_cursor(
                ResKind::Stmt,
                Cursor::for_query(&q),
            )))
        })
    })
}

/// Closes and frees the statement. Returns 0, or an error code for a NULL/invalid handle.
#[no_mangle]
pub extern "C" fn taos_stmt_close(stmt: *mut TAOS_STMT) -> c_int {
    ffi_boundary!("taos_stmt_close", {
        let b = LIVE.remove(stmt)?;
        // A server-side close failure (e.g. connection gone) does not keep the handle.
        let _ = b.stmt.lock().close();
        Ok(0)
    })
}

/// Text of the statement's last error ("" when none); NULL or an invalid handle gives the
/// calling thread's last error (e.g. why `taos_stmt_init` returned NULL). Never NULL; not
/// to be freed.
#[no_mangle]
pub extern "C" fn taos_stmt_errstr(stmt: *mut TAOS_STMT) -> *mut c_char {
    ffi_boundary!("taos_stmt_errstr", {
        Ok(match handle(stmt) {
            Ok(h) => h.error.lock().as_ptr() as *mut c_char,
            Err(_) => last_error_str() as *mut c_char,
        })
    })
}

/// Rows inserted by all executions of the statement (0 for NULL/invalid handles, with the
/// reason as the thread's last error).
#[no_mangle]
pub extern "C" fn taos_stmt_affected_rows(stmt: *mut TAOS_STMT) -> c_int {
    ffi_boundary!("taos_stmt_affected_rows", {
        let h = handle(stmt).inspect_err(crate::capi::boundary::set_error);
        Ok(h.map_or(0, |h| clamp(h.stmt.lock().affected_rows())))
    })
}

/// Rows inserted by the last execution (0 for NULL/invalid handles).
#[no_mangle]
pub extern "C" fn taos_stmt_affected_rows_once(stmt: *mut TAOS_STMT) -> c_int {
    ffi_boundary!("taos_stmt_affected_rows_once", {
        let h = handle(stmt).inspect_err(crate::capi::boundary::set_error);
        Ok(h.map_or(0, |h| clamp(h.stmt.lock().affected_rows_once())))
    })
}

fn clamp(n: i64) -> c_int {
    n.clamp(0, c_int::MAX as i64) as c_int
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::boundary::last_error_code;
    use std::ffi::CStr;
    use taos_wire::error::codes::TSDB_CODE_INVALID_PARA;

    #[test]
    fn null_and_garbage_handles_are_refused() {
        assert!(taos_stmt_init(std::ptr::null_mut()).is_null());
        assert_ne!(last_error_code(), 0);
        let msg = unsafe { CStr::from_ptr(taos_stmt_errstr(std::ptr::null_mut())) };
        assert!(!msg.to_bytes().is_empty());
        let bogus = [0u64; 8];
        let p = bogus.as_ptr() as *mut std::ffi::c_void;
        assert_eq!(taos_stmt_execute(p), TSDB_CODE_INVALID_PARA);
        assert_eq!(
            taos_stmt_add_batch(std::ptr::null_mut()),
            TSDB_CODE_INVALID_PARA
        );
        assert_eq!(taos_stmt_close(p), TSDB_CODE_INVALID_PARA);
        let (mut n, mut f) = (5, std::ptr::NonNull::<TAOS_FIELD_E>::dangling().as_ptr());
        assert_eq!(
            taos_stmt_get_col_fields(p, &mut n, &mut f),
            TSDB_CODE_INVALID_PARA
        );
        assert_eq!(n, 0);
        assert!(f.is_null());
        assert_eq!(taos_stmt_affected_rows(std::ptr::null_mut()), 0);
        assert_eq!(last_error_code(), TSDB_CODE_INVALID_PARA);
        assert!(taos_stmt_use_result(p).is_null());
        taos_stmt_reclaim_fields(p, std::ptr::null_mut());
    }

    #[test]
    fn multi_bind_var_values_use_the_stride() {
        // Two rows of VARCHAR in 8-byte slots: "ab" and NULL; then a fixed INT column.
        let mut buf = *b"ab______xyz_____";
        let mut lens = [2i32, 3];
        let mut nulls = [0 as c_char, 1];
        let nptr = nulls.as_mut_ptr();
        let b = TAOS_MULTI_BIND {
            buffer_type: 8,
            buffer: buf.as_mut_ptr() as *mut _,
            buffer_length: 8,
            length: lens.as_mut_ptr(),
            is_null: nptr,
            num: 2,
        };
        let f = unsafe { field_from_multi(&b, Target::ANY, "c") }.unwrap();
        assert_eq!(f.cells().unwrap(), vec![Some(&b"ab"[..]), None]);
        unsafe { *nptr.add(1) = 0 };
        let f = unsafe { field_from_multi(&b, Target::ANY, "c") }.unwrap();
        assert_eq!(f.cells().unwrap()[1], Some(&b"xyz"[..]));
        let mut ints = [7i32, 8];
        let i = TAOS_MULTI_BIND {
            buffer_type: 4,
            buffer: ints.as_mut_ptr() as *mut _,
            buffer_length: 0,
            length: std::ptr::null_mut(),
            is_null: std::ptr::null_mut(),
            num: 2,
        };
        let f = unsafe { field_from_multi(&i, Target::ANY, "i") }.unwrap();
        assert_eq!(f.cells().unwrap()[1], Some(&8i32.to_le_bytes()[..]));
        // Bad input.
        let mut bad = b;
        bad.length = std::ptr::null_mut();
        assert!(unsafe { field_from_multi(&bad, Target::ANY, "c") }.is_err());
        bad = b;
        bad.buffer_type = 0;
        assert!(unsafe { field_from_multi(&bad, Target::ANY, "c") }.is_err());
        bad = b;
        bad.num = -1;
        assert!(unsafe { field_from_multi(&bad, Target::ANY, "c") }.is_err());
        assert!(unsafe { field_from_multi(std::ptr::null(), Target::ANY, "c") }.is_err());
    }
}
