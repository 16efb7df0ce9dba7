//! Parameter binding, stmt2 (abi.md §1 F and the released 3-argument `taos_stmt2_get_fields`
//! of §1 L) over [`crate::client::stmt2::Stmt2`].
//!
//! A `TAOS_STMT2 *` is a `Box<Stmt2Handle>` registered in a [`Registry`], so NULL, garbage
//! and closed handles are refused with `TSDB_CODE_INVALID_PARA`. Every error is
//! recorded both as the thread's last error and as the statement's own text
//! (`taos_stmt2_error`). Bind buffers are copied during `taos_stmt2_bind_param`.
//!
//! Results: `taos_stmt2_result` returns a result owned by the statement (as native): it stays
//! valid until the next exec or close, and `taos_free_result` on it is a harmless no-op. In
//! async mode (`asyncExecFn`) the result handed to the callback follows the same rule: it
//! may be kept and read after the callback returns (driver-go does), until the next exec or
//! close.
// Parameter names are the C names of taos.h (they appear in the generated header).
#![allow(non_snake_case)]
// Exports take C pointers whose validity is the C caller's contract (documented per
// function); they cannot be `unsafe fn` and still be called from C like native ones.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_ulong, c_void, CStr, CString};
use std::sync::{Arc, OnceLock};

use parking_lot::{Condvar, Mutex};
use taos_wire::error::codes::{
    TSDB_CODE_OPS_NOT_SUPPORT, TSDB_CODE_TSC_STMT_API_ERROR, TSDB_CODE_TSC_STMT_TBNAME_ERROR,
};
use taos_wire::error::TaosError;
use taos_wire::json::stmt2::{Stmt2FieldInfo, BIND_TYPE_COL, BIND_TYPE_TAG};
use taos_wire::stmt2::{fixed_bind_size, is_var_bind_type, Stmt2Bind, Stmt2Field};
use taos_wire::types::{TSDB_DATA_TYPE_MAX, TSDB_DATA_TYPE_NULL};

use crate::capi::boundary::{err, ffi_boundary, invalid_para, last_error_str, to_cstring};
use crate::capi::fetch::Cursor;
use crate::capi::handles::{conn_ref, res_from_raw, res_into_raw, Registry, ResHandle, ResKind};
use crate::capi::misc::put;
use crate::capi::types::{
    __taos_async_fn_t, TAOS, TAOS_FIELD_ALL, TAOS_RES, TAOS_STMT2, TAOS_STMT2_BIND,
    TAOS_STMT2_BINDV, TAOS_STMT2_OPTION,
};
use crate::client::stmt2::{Prepared, SingleColumn, Stmt2, Stmt2Options};
use crate::client::{executor, QueryResult};

/// State shared with the async exec job.
struct Shared {
    stmt: Mutex<Stmt2>,
    /// Text of the statement's last error (`taos_stmt2_error`).
    error: Mutex<CString>,
    /// The statement-owned result (a `*mut TAOS_RES` as usize, 0 = none).
    result: Mutex<usize>,
    /// `taos_stmt2_bind_param_a` binds not yet applied; other calls wait for them so the
    /// statement sees binds in call order.
    binds_in_flight: Mutex<usize>,
    binds_done: Condvar,
}

/// What lives behind a `TAOS_STMT2 *`.
pub struct Stmt2Handle {
    shared: Arc<Shared>,
    async_fn: __taos_async_fn_t,
    userdata: usize,
}

impl Shared {
    /// Blocks until every asynchronous bind has been applied.
    fn wait_binds(&self) {
        let mut n = self.binds_in_flight.lock();
        while *n > 0 {
            self.binds_done.wait(&mut n);
        }
    }

    fn record(&self, e: &TaosError) {
        *self.error.lock() = to_cstring(&e.message);
    }

    /// Frees the statement-owned result, if any.
    fn drop_result(&self) {
        let p = std::mem::take(&mut *self.result.lock());
        free_owned_result(p as *mut TAOS_RES);
    }
}

impl Drop for Shared {
    // An async exec still running at close stores its result after close freed the slot;
    // the last owner of the shared state frees it.
    fn drop(&mut self) {
        free_owned_result(std::mem::take(self.result.get_mut()) as *mut TAOS_RES);
    }
}

/// Frees a result the library owns (stmt result): stops its stream first.
pub(crate) fn free_owned_result(p: *mut TAOS_RES) {
    if p.is_null() {
        return;
    }
    // SAFETY: `p` came from res_into_raw and only its owner (the caller) frees it.
    if let Some(h) = unsafe { res_from_raw(p) } {
        if let Some(c) = &h.cursor {
            if !c.is_done() {
                c.source().stop();
            }
        }
    }
}

/// A result handle over a stmt query result, owned by the library (`borrowed`).
pub(crate) fn stmt_result_handle(q: &QueryResult, borrowed: bool) -> *mut TAOS_RES {
    let mut h = ResHandle::with_cursor(ResKind::Stmt, Cursor::for_query(q));
    h.borrowed = borrowed;
    res_into_raw(h)
}

/// The live `TAOS_STMT2` handles: a closed or foreign pointer is refused without being
/// read (calls after close get `TSDB_CODE_INVALID_PARA`, never a use-after-free).
static LIVE: Registry<Stmt2Handle> = Registry::new("stmt", "TAOS_STMT2");

fn handle<'a>(ptr: *mut TAOS_STMT2) -> Result<&'a Stmt2Handle, TaosError> {
    LIVE.get(ptr)
}

/// Runs `f` on a live statement; errors are also stored as the statement's error text.
fn with_stmt<R>(
    ptr: *mut TAOS_STMT2,
    f: impl FnOnce(&Stmt2Handle) -> Result<R, TaosError>,
) -> Result<R, TaosError> {
    let h = handle(ptr)?;
    h.shared.wait_binds();
    f(h).inspect_err(|e| h.shared.record(e))
}

// ---- C bind conversion (shared with stmt v1) -------------------------------------------

/// Checks a bind's `buffer_type` and `num`.
pub(crate) fn check_type_num(ty: c_int, num: c_int, what: &str) -> Result<usize, TaosError> {
    if ty <= TSDB_DATA_TYPE_NULL as c_int || ty >= TSDB_DATA_TYPE_MAX as c_int {
        return Err(invalid_para(format!(
            "{what}: buffer_type {ty} out of range"
        )));
    }
    if num <= 0 {
        return Err(invalid_para(format!("{what}: num must be > 0, got {num}")));
    }
    Ok(num as usize)
}

/// Reads the optional per-row NULL flags.
///
/// # Safety
/// `is_null` must be NULL or valid for `n` bytes.
pub(crate) unsafe fn read_nulls(is_null: *const c_char, n: usize) -> Vec<bool> {
    if is_null.is_null() {
        return vec![false; n];
    }
    // SAFETY: caller contract.
    unsafe { std::slice::from_raw_parts(is_null as *const u8, n) }
        .iter()
        .map(|&b| b != 0)
        .collect()
}

/// Reads `n` `int32_t` lengths. The array need not be 4-byte aligned: driver-go packs each
/// column's `is_null` bytes and lengths into one allocation, and native TDengine reads them
/// with plain loads.
///
/// # Safety
/// `length` must be non-NULL and valid for `4 * n` bytes.
pub(crate) unsafe fn read_lengths(length: *const i32, n: usize) -> Vec<i32> {
    // SAFETY: caller contract; read_unaligned needs no alignment.
    (0..n)
        .map(|i| unsafe { length.add(i).read_unaligned() })
        .collect()
}

/// The placeholder a bind is for: what native's NULL shortcut needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Target {
    /// Declared type of the placeholder (`None` for query parameters: unknown).
    pub declared: Option<i32>,
    /// A tag (else a column or query parameter).
    pub is_tag: bool,
}

impl Target {
    /// A column or query parameter of unknown type.
    pub const ANY: Target = Target {
        declared: None,
        is_tag: false,
    };

    /// A column of type `ty` (0: not known yet, as `ANY`).
    pub fn col(ty: i8) -> Target {
        Target {
            declared: (ty != 0).then_some(ty as i32),
            is_tag: false,
        }
    }

    /// A tag of type `ty` (0: not known yet).
    pub fn tag(ty: i8) -> Target {
        Target {
            declared: (ty != 0).then_some(ty as i32),
            is_tag: true,
        }
    }
}

/// Native TDengine reads neither `buffer_type` nor `buffer` of a tag whose `is_null[0]` is
/// set (`qBindStmtTagsValue*`), nor of a one-row column whose `is_null[0]` is set ("for
/// rowNum == 1, connector may not set buffer_type", `qBindStmtColsValue*`). Such a bind is
/// one NULL of the placeholder's declared type; the official `taos` crate binds NULL tags
/// with `buffer_type` 0 (TSDB_DATA_TYPE_NULL). `None` when the shortcut does not apply.
///
/// # Safety
/// `is_null` must be NULL or valid for 1 byte when `num` >= 1.
pub(crate) unsafe fn null_shortcut(
    t: Target,
    num: c_int,
    is_null: *const c_char,
    what: &str,
) -> Option<Result<Stmt2Field<'static>, TaosError>> {
    let ty = t.declared?;
    if is_null.is_null() || num < 1 || (!t.is_tag && num != 1) {
        return None;
    }
    // SAFETY: caller contract: at least one flag.
    if unsafe { *is_null } == 0 {
        return None;
    }
    Some(make_field(ty, &[None], what))
}

/// Builds an owned field from per-row values (`None` = NULL).
pub(crate) fn make_field(
    ty: c_int,
    values: &[Option<&[u8]>],
    what: &str,
) -> Result<Stmt2Field<'static>, TaosError> {
    match fixed_bind_size(ty) {
        Some(size) if !is_var_bind_type(ty) => Stmt2Field::fixed(ty, size, values)
            .map_err(|e| invalid_para(format!("{what}: {}", e.message))),
        _ => Ok(Stmt2Field::var(ty, values)),
    }
}

/// Copies one `TAOS_STMT2_BIND` (packed variable values, dense fixed values) bound to `t`.
///
/// # Safety
/// `b` must point to a valid bind whose buffers match its `num`/`length`.
pub(crate) unsafe fn field_from_bind2(
    b: *const TAOS_STMT2_BIND,
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
        var_layout: VarLayout::Packed,
    };
    // SAFETY: caller contract.
    unsafe { field_from_raw(&raw, t, what) }
}

/// Where a bind keeps the values of a variable-length column.
#[derive(Clone, Copy)]
pub(crate) enum VarLayout {
    /// `TAOS_STMT2_BIND`: one after another, `length[r]` bytes each.
    Packed,
    /// `TAOS_MULTI_BIND`: row `r` at `r * buffer_length`, each at most `buffer_length`
    /// bytes when there is more than one row.
    Strided(usize),
}

/// The fields `TAOS_MULTI_BIND` and `TAOS_STMT2_BIND` share, with their variable layout.
pub(crate) struct RawBind {
    pub buffer_type: c_int,
    pub buffer: *mut c_void,
    pub length: *mut i32,
    pub is_null: *mut c_char,
    pub num: c_int,
    pub var_layout: VarLayout,
}

/// Copies one bind (either API) bound to `t` into an owned field: NULL shortcut, type and
/// count checks, then the values (variable ones as `var_layout` says, fixed ones dense).
///
/// # Safety
/// The pointers of `b` must match its `num`/`length`/`var_layout`.
pub(crate) unsafe fn field_from_raw(
    b: &RawBind,
    t: Target,
    what: &str,
) -> Result<Stmt2Field<'static>, TaosError> {
    // SAFETY: caller contract (is_null holds `num` flags).
    if let Some(f) = unsafe { null_shortcut(t, b.num, b.is_null, what) } {
        return f;
    }
    let n = check_type_num(b.buffer_type, b.num, what)?;
    // SAFETY: caller contract.
    let nulls = unsafe { read_nulls(b.is_null, n) };
    let mut values: Vec<Option<&[u8]>> = Vec::with_capacity(n);
    if is_var_bind_type(b.buffer_type) {
        if b.length.is_null() {
            return Err(invalid_para(format!(
                "{what}: length is NULL for a variable-length type"
            )));
        }
        // SAFETY: caller contract (non-NULL, `num` entries, any alignment).
        let lens = unsafe { read_lengths(b.length, n) };
        let mut at = 0usize;
        for (r, (&null, &len)) in nulls.iter().zip(&lens).enumerate() {
            if null {
                values.push(None);
                continue;
            }
            let len = usize::try_from(len)
                .map_err(|_| invalid_para(format!("{what}: negative length at row {r}")))?;
            let start = match b.var_layout {
                VarLayout::Packed => at,
                VarLayout::Strided(stride) => {
                    if n > 1 && len > stride {
                        return Err(invalid_para(format!(
                            "{what}: length {len} at row {r} exceeds buffer_length {stride}"
                        )));
                    }
                    r * stride
                }
            };
            if len > 0 && b.buffer.is_null() {
                return Err(invalid_para(format!("{what}: buffer is NULL")));
            }
            values.push(Some(if len == 0 {
                &[][..]
            } else {
                // SAFETY: caller contract: the value lies at `start` in the caller's buffer.
                unsafe { std::slice::from_raw_parts((b.buffer as *const u8).add(start), len) }
            }));
            at += len;
        }
    } else {
        let size = fixed_bind_size(b.buffer_type)
            .ok_or_else(|| invalid_para(format!("{what}: unsupported buffer_type")))?;
        if !nulls.iter().all(|&x| x) && b.buffer.is_null() {
            return Err(invalid_para(format!("{what}: buffer is NULL")));
        }
        for (r, &null) in nulls.iter().enumerate() {
            values.push((!null).then(|| {
                // SAFETY: dense array of `num` values of `size` bytes.
                unsafe { std::slice::from_raw_parts((b.buffer as *const u8).add(r * size), size) }
            }));
        }
    }
    make_field(b.buffer_type, &values, what)
}

/// Reads `count` pointers from a C array that may be NULL.
///
/// # Safety
/// `p` must be NULL or valid for `count` reads.
unsafe fn ptr_at<T>(p: *mut *mut T, i: usize) -> *mut T {
    if p.is_null() {
        std::ptr::null_mut()
    } else {
        // SAFETY: caller contract.
        unsafe { *p.add(i) }
    }
}

/// Copies a `TAOS_STMT2_BINDV` into an owned bind, checked against the prepared fields.
///
/// # Safety
/// `bindv` must be NULL or point to a valid `TAOS_STMT2_BINDV` whose arrays hold `count`
/// entries of the sizes the prepared statement implies.
unsafe fn bind_from_bindv(
    p: &Prepared,
    bindv: *const TAOS_STMT2_BINDV,
) -> Result<Stmt2Bind<'static>, TaosError> {
    if bindv.is_null() {
        return Err(invalid_para("bindv is NULL"));
    }
    // SAFETY: caller contract.
    let bv = unsafe { &*bindv };
    if bv.count <= 0 {
        return Err(invalid_para(format!(
            "bindv count must be > 0, got {}",
            bv.count
        )));
    }
    let count = bv.count as usize;
    let (n_tags, n_cols, has_tb) = if p.is_insert {
        (
            p.of_type(BIND_TYPE_TAG).count(),
            p.of_type(BIND_TYPE_COL).count(),
            p.has_tbname(),
        )
    } else {
        if count != 1 {
            return Err(invalid_para("a query binds exactly one set of parameters"));
        }
        // SAFETY: caller contract.
        if !bv.tbnames.is_null() && !unsafe { ptr_at(bv.tbnames, 0) }.is_null() {
            return Err(err(
                TSDB_CODE_TSC_STMT_API_ERROR,
                "Stmt API usage error: a query has no table name to bind",
            ));
        }
        (0, p.fields_count.max(0) as usize, false)
    };
    let tag_types: Vec<i8> = p.of_type(BIND_TYPE_TAG).map(|f| f.field_type).collect();
    let col_types: Vec<i8> = p.of_type(BIND_TYPE_COL).map(|f| f.field_type).collect();
    let mut out = Stmt2Bind::default();
    for t in 0..count {
        if has_tb {
            // SAFETY: caller contract.
            let name = unsafe { ptr_at(bv.tbnames, t) };
            if name.is_null() {
                return Err(err(
                    TSDB_CODE_TSC_STMT_TBNAME_ERROR,
                    format!("Stmt table name not set (table {t})"),
                ));
            }
            // SAFETY: NUL-terminated per contract.
            let name = unsafe { CStr::from_ptr(name) }.to_bytes();
            if name.is_empty() {
                return Err(err(
                    TSDB_CODE_TSC_STMT_TBNAME_ERROR,
                    format!("Stmt table name is empty (table {t})"),
                ));
            }
            out.table_names.push(std::borrow::Cow::Owned(name.to_vec()));
        }
        if n_tags > 0 {
            // SAFETY: caller contract.
            let tags = unsafe { ptr_at(bv.tags, t) };
            if tags.is_null() {
                return Err(invalid_para(format!("tags of table {t} are NULL")));
            }
            let mut v = Vec::with_capacity(n_tags);
            for (j, &ty) in tag_types.iter().enumerate() {
                let what = format!("tag {j} of table {t}");
                let tgt = Target::tag(ty);
                // SAFETY: n_tags binds per table per contract.
                let f = unsafe { field_from_bind2(tags.add(j), tgt, &what) }?;
                if f.num != 1 {
                    return Err(invalid_para(format!("{what}: num must be 1")));
                }
                v.push(f);
            }
            out.tags.push(v);
        }
        if n_cols > 0 {
            // SAFETY: caller contract.
            let cols = unsafe { ptr_at(bv.bind_cols, t) };
            if cols.is_null() && p.is_insert && (has_tb || n_tags > 0) {
                // As TDengine: a table without columns only names the table and binds its
                // tags (creating a child table); no rows.
                out.cols.push(Vec::new());
                continue;
            }
            if cols.is_null() {
                return Err(invalid_para(format!("columns of table {t} are NULL")));
            }
            let mut v: Vec<Stmt2Field<'static>> = Vec::with_capacity(n_cols);
            for j in 0..n_cols {
                let what = format!("column {j} of table {t}");
                let tgt = col_types.get(j).map_or(Target::ANY, |&ty| Target::col(ty));
                // SAFETY: n_cols binds per table per contract.
                let f = unsafe { field_from_bind2(cols.add(j), tgt, &what) }?;
                if v.first().is_some_and(|c| c.num != f.num) {
                    return Err(invalid_para(format!(
                        "table {t}: row number in each bind param should be the same"
                    )));
                }
                v.push(f);
            }
            out.cols.push(v);
        }
    }
    if out.count() == 0 {
        return Err(invalid_para(
            "nothing to bind: the statement has no placeholders",
        ));
    }
    Ok(out)
}

// ---- field arrays ----------------------------------------------------------------------

/// Arrays handed out by `taos_stmt2_get_fields`, by address, with their length, so any of
/// them can be freed (also after the statement is closed).
fn field_arrays() -> &'static Mutex<HashMap<usize, usize>> {
    static M: OnceLock<Mutex<HashMap<usize, usize>>> = OnceLock::new();
    M.get_or_init(Default::default)
}

pub(crate) fn c_name65(name: &str) -> [c_char; 65] {
    let mut out = [0 as c_char; 65];
    for (d, s) in out.iter_mut().zip(name.bytes().take(64)) {
        *d = s as c_char;
    }
    out
}

fn alloc_fields_all(fields: &[Stmt2FieldInfo]) -> *mut TAOS_FIELD_ALL {
    let v: Vec<TAOS_FIELD_ALL> = fields
        .iter()
        .map(|f| {
            // Zeroed first so the 3 tail padding bytes after field_type are 0 (abi.md §2.3).
            // SAFETY: TAOS_FIELD_ALL is plain old data; all-zero is a valid value.
            let mut x: TAOS_FIELD_ALL = unsafe { std::mem::zeroed() };
            x.name = c_name65(&f.name);
            x.r#type = f.field_type;
            x.precision = f.precision;
            x.scale = f.scale;
            x.bytes = f.bytes;
            x.field_type = f.bind_type.max(0) as u8;
            x
        })
        .collect();
    let len = v.len();
    let ptr = Box::into_raw(v.into_boxed_slice()) as *mut TAOS_FIELD_ALL;
    field_arrays().lock().insert(ptr as usize, len);
    ptr
}

// ---- exports ---------------------------------------------------------------------------

/// Creates a stmt2 handle on `taos`; `option` may be NULL (request id generated, both
/// hints false, synchronous exec). A non-NULL `asyncExecFn` makes `taos_stmt2_exec` return
/// at once and call `asyncExecFn(userdata, res, code)` once on a library thread. Returns
/// NULL on failure (`taos_errno(NULL)` / `taos_stmt2_error(NULL)` tell why). Release with
/// `taos_stmt2_close`.
#[no_mangle]
pub extern "C" fn taos_stmt2_init(
    taos: *mut TAOS,
    option: *mut TAOS_STMT2_OPTION,
) -> *mut TAOS_STMT2 {
    ffi_boundary!("taos_stmt2_init", {
        let conn = conn_ref(taos)?;
        let (opts, async_fn, userdata) = if option.is_null() {
            (Stmt2Options::default(), None, 0usize)
        } else {
            // SAFETY: non-NULL option points to a TAOS_STMT2_OPTION per contract.
            let o = unsafe { &*option };
            (
                Stmt2Options {
                    req_id: o.reqid as u64,
                    single_stb_insert: o.singleStbInsert != 0,
                    single_table_bind_once: o.singleTableBindOnce != 0,
                },
                o.asyncExecFn,
                o.userdata as usize,
            )
        };
        let stmt = Stmt2::init(&conn.conn(), &opts)?;
        let h = Stmt2Handle {
            shared: Arc::new(Shared {
                stmt: Mutex::new(stmt),
                error: Mutex::new(CString::default()),
                result: Mutex::new(0),
                binds_in_flight: Mutex::new(0),
                binds_done: Condvar::new(),
            }),
            async_fn,
            userdata,
        };
        Ok(LIVE.insert(h) as *mut TAOS_STMT2)
    })
}

/// Reads the SQL argument of the prepare functions (`length` 0 = `strlen(sql)`).
///
/// # Safety
/// `sql` must be NULL or valid for `length` bytes (NUL-terminated when `length` is 0).
pub(crate) unsafe fn sql_arg(sql: *const c_char, length: c_ulong) -> Result<String, TaosError> {
    if sql.is_null() {
        return Err(invalid_para("sql is NULL"));
    }
    let bytes = if length == 0 {
        // SAFETY: NUL-terminated per contract.
        unsafe { CStr::from_ptr(sql) }.to_bytes()
    } else {
        // SAFETY: caller contract: `length` readable bytes.
        unsafe { std::slice::from_raw_parts(sql as *const u8, length as usize) }
    };
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|_| invalid_para("sql is not valid UTF-8"))
}

/// Prepares `sql` (`length` 0 = `strlen(sql)`); forgets binds not yet executed. Returns 0
/// or an error code (text in `taos_stmt2_error(stmt)`). An empty SQL returns 0 as native
/// 3.3.6 does; the following bind/exec fail with `TSDB_CODE_PAR_INCOMPLETE_SQL`.
#[no_mangle]
pub extern "C" fn taos_stmt2_prepare(
    stmt: *mut TAOS_STMT2,
    sql: *const c_char,
    length: c_ulong,
) -> c_int {
    ffi_boundary!("taos_stmt2_prepare", {
        with_stmt(stmt, |h| {
            // SAFETY: caller contract.
            let sql = unsafe { sql_arg(sql, length) }?;
            h.shared.drop_result();
            let mut s = h.shared.stmt.lock();
            if sql.trim().is_empty() {
                // Native 3.3.6 accepts it and fails at bind/exec (parsing is deferred).
                s.prepare_empty()?;
            } else {
                s.prepare(&sql)?;
            }
            Ok(0)
        })
    })
}

/// Binds `bindv->count` tables (names, tags, columns) for the next exec. A NULL
/// `bind_cols` (or entry) on an insert names the table and binds its tags only, as
/// TDengine (a child table is created, no rows). `col_idx` -1 binds every column;
/// `col_idx` >= 0 binds that column only, with `bind_cols[t]` pointing to its one bind, in
/// order 0, 1, ... as native (see `Stmt2::bind_single`); row binding (-2) fails with
/// `TSDB_CODE_OPS_NOT_SUPPORT`. Buffers are copied: the caller may reuse them at once.
#[no_mangle]
pub extern "C" fn taos_stmt2_bind_param(
    stmt: *mut TAOS_STMT2,
    bindv: *mut TAOS_STMT2_BINDV,
    col_idx: i32,
) -> c_int {
    ffi_boundary!("taos_stmt2_bind_param", {
        with_stmt(stmt, |h| {
            let bind = checked_bind(h, bindv, col_idx)?;
            bind.apply(&mut h.shared.stmt.lock())?;
            Ok(0)
        })
    })
}

/// A checked copy of a `TAOS_STMT2_BINDV`, ready to apply to the statement.
enum Bound {
    /// Every column of every table (`col_idx` -1).
    All(Stmt2Bind<'static>),
    /// Column `col_idx` of each table, in table order.
    Single(Vec<SingleColumn>, usize),
}

impl Bound {
    fn apply(self, s: &mut Stmt2) -> Result<(), TaosError> {
        match self {
            Bound::All(b) => s.bind(b, -1),
            Bound::Single(tables, col_idx) => tables
                .into_iter()
                .try_for_each(|one| s.bind_single(one, col_idx)),
        }
    }
}

/// Copies `bindv` for the prepared statement (shared by the sync and async binds).
fn checked_bind(
    h: &Stmt2Handle,
    bindv: *mut TAOS_STMT2_BINDV,
    col_idx: i32,
) -> Result<Bound, TaosError> {
    if col_idx < -1 {
        return Err(err(
            TSDB_CODE_OPS_NOT_SUPPORT,
            format!("taos_stmt2_bind_param: col_idx {col_idx} (row binding) is not supported"),
        ));
    }
    let p = {
        let s = h.shared.stmt.lock();
        s.prepared()
            .cloned()
            .ok_or_else(|| s.not_prepared("bind"))?
    };
    if col_idx == -1 {
        // SAFETY: caller contract.
        return unsafe { bind_from_bindv(&p, bindv) }.map(Bound::All);
    }
    // SAFETY: caller contract.
    unsafe { single_from_bindv(&p, bindv) }.map(|v| Bound::Single(v, col_idx as usize))
}

/// Copies a `TAOS_STMT2_BINDV` of a single-column bind: per table an optional name and
/// tags, and `bind_cols[t]` pointing to the one bind of the column (as native reads it).
///
/// # Safety
/// As [`bind_from_bindv`], with one column bind per table.
unsafe fn single_from_bindv(
    p: &Prepared,
    bindv: *const TAOS_STMT2_BINDV,
) -> Result<Vec<SingleColumn>, TaosError> {
    if bindv.is_null() {
        return Err(invalid_para("bindv is NULL"));
    }
    // SAFETY: caller contract.
    let bv = unsafe { &*bindv };
    if bv.count <= 0 {
        return Err(invalid_para(format!(
            "bindv count must be > 0, got {}",
            bv.count
        )));
    }
    let tag_types: Vec<i8> = p.of_type(BIND_TYPE_TAG).map(|f| f.field_type).collect();
    let mut out = Vec::with_capacity(bv.count as usize);
    for t in 0..bv.count as usize {
        // SAFETY: caller contract: `count` entries in each non-NULL array.
        let (name, tags, col) = unsafe {
            (
                ptr_at(bv.tbnames, t),
                ptr_at(bv.tags, t),
                ptr_at(bv.bind_cols, t),
            )
        };
        let table_name = if name.is_null() || !p.is_insert {
            None
        } else {
            // SAFETY: NUL-terminated per contract.
            Some(unsafe { CStr::from_ptr(name) }.to_bytes().to_vec())
        };
        let tags = if tags.is_null() || tag_types.is_empty() {
            None
        } else {
            let mut v = Vec::with_capacity(tag_types.len());
            for (j, &ty) in tag_types.iter().enumerate() {
                let what = format!("tag {j} of table {t}");
                // SAFETY: one bind per tag per contract.
                v.push(unsafe { field_from_bind2(tags.add(j), Target::tag(ty), &what) }?);
            }
            Some(v)
        };
        if col.is_null() {
            return Err(invalid_para(format!("column bind of table {t} is NULL")));
        }
        // Single-column binds are strictly typed (no NULL shortcut), as native.
        // SAFETY: one bind per contract.
        let col = unsafe { field_from_bind2(col, Target::ANY, &format!("column of table {t}")) }?;
        out.push(SingleColumn {
            table_name,
            tags,
            col,
        });
    }
    Ok(out)
}

/// Asynchronous `taos_stmt2_bind_param`: the buffers are checked and copied at once (an
/// error is returned without calling `fp`); the bind is then applied on a library thread,
/// which calls `fp(param, NULL, code)` exactly once. Later calls on the statement wait for
/// it, so binds and execs keep their order.
#[no_mangle]
pub extern "C" fn taos_stmt2_bind_param_a(
    stmt: *mut TAOS_STMT2,
    bindv: *mut TAOS_STMT2_BINDV,
    col_idx: i32,
    fp: __taos_async_fn_t,
    param: *mut c_void,
) -> c_int {
    ffi_boundary!("taos_stmt2_bind_param_a", {
        with_stmt(stmt, |h| {
            let bind = checked_bind(h, bindv, col_idx)?;
            let shared = h.shared.clone();
            let param = param as usize;
            *shared.binds_in_flight.lock() += 1;
            executor::spawn(Box::new(move || {
                let code = match bind.apply(&mut shared.stmt.lock()) {
                    Ok(()) => 0,
                    Err(e) => {
                        shared.record(&e);
                        e.code
                    }
                };
                {
                    let mut n = shared.binds_in_flight.lock();
                    *n = n.saturating_sub(1);
                }
                shared.binds_done.notify_all();
                if let Some(fp) = fp {
                    // SAFETY: user callback with the user's own pointer, per the C contract.
                    unsafe { fp(param as *mut c_void, std::ptr::null_mut(), code) };
                }
            }));
            Ok(0)
        })
    })
}

/// Runs exec (and for queries the result) for the async path; returns the callback's
/// result handle (owned by the job) and code.
fn async_exec_job(shared: &Shared) -> (*mut TAOS_RES, c_int) {
    let r = (|| {
        let mut s = shared.stmt.lock();
        let n = s.exec()?;
        let is_insert = s.prepared().is_some_and(|p| p.is_insert);
        if is_insert {
            let mut h = ResHandle::empty(ResKind::Stmt);
            h.affected_rows = n;
            h.borrowed = true;
            Ok(res_into_raw(h))
        } else {
            let q = s.result()?;
            Ok(stmt_result_handle(&q, true))
        }
    })();
    match r {
        Ok(res) => (res, 0),
        Err(e) => {
            shared.record(&e);
            let mut h = ResHandle::failed(ResKind::Stmt, &e);
            h.borrowed = true;
            (res_into_raw(h), e.code)
        }
    }
}

/// Executes what was bound. Synchronous: `*affected_rows` (when non-NULL) receives the rows
/// written; returns 0 or an error code. Asynchronous (`asyncExecFn` set): returns 0 at once
/// and calls `asyncExecFn(userdata, res, code)` exactly once on a library thread; `res`
/// (also returned by `taos_stmt2_result`) stays valid after the callback, until the next
/// exec or close of the statement; `taos_free_result` on it does nothing.
#[no_mangle]
pub extern "C" fn taos_stmt2_exec(stmt: *mut TAOS_STMT2, affected_rows: *mut c_int) -> c_int {
    ffi_boundary!("taos_stmt2_exec", {
        // SAFETY: caller contract.
        unsafe { put(affected_rows, 0) };
        with_stmt(stmt, |h| {
            h.shared.drop_result();
            if let Some(cb) = h.async_fn {
                let shared = h.shared.clone();
                let userdata = h.userdata;
                executor::spawn(Box::new(move || {
                    let (res, code) = async_exec_job(&shared);
                    // The statement owns the result until the next exec or close (as native);
                    // a result an earlier, still running exec stored is freed here.
                    let old = std::mem::replace(&mut *shared.result.lock(), res as usize);
                    free_owned_result(old as *mut TAOS_RES);
                    // SAFETY: user callback with the user's own pointer, per the C contract.
                    unsafe { cb(userdata as *mut c_void, res, code) };
                }));
                return Ok(0);
            }
            let n = h.shared.stmt.lock().exec()?;
            // SAFETY: caller contract.
            unsafe { put(affected_rows, n.clamp(0, i32::MAX as i64) as c_int) };
            Ok(0)
        })
    })
}

/// Closes the statement and frees it with its result. Returns 0, or an error code for a
/// NULL/invalid handle (the handle is freed anyway when it was valid).
#[no_mangle]
pub extern "C" fn taos_stmt2_close(stmt: *mut TAOS_STMT2) -> c_int {
    ffi_boundary!("taos_stmt2_close", {
        let b = LIVE.remove(stmt)?;
        b.shared.wait_binds();
        b.shared.drop_result();
        // A server-side close failure (e.g. connection gone) does not keep the handle.
        let _ = b.shared.stmt.lock().close();
        Ok(0)
    })
}

/// `*insert` = 1 for an INSERT, 0 otherwise (after prepare). Returns 0 or an error code.
#[no_mangle]
pub extern "C" fn taos_stmt2_is_insert(stmt: *mut TAOS_STMT2, insert: *mut c_int) -> c_int {
    ffi_boundary!("taos_stmt2_is_insert", {
        with_stmt(stmt, |h| {
            if insert.is_null() {
                return Err(invalid_para("insert is NULL"));
            }
            let s = h.shared.stmt.lock();
            // An empty SQL is not an insert (native answers 0 without parsing).
            let is_insert = match s.prepared() {
                Some(p) => p.is_insert,
                None if s.prepared_empty() => false,
                None => return Err(s.not_prepared("is_insert")),
            };
            // SAFETY: non-NULL out-pointer per contract.
            unsafe { put(insert, is_insert as c_int) };
            Ok(0)
        })
    })
}

/// Describes the `?` placeholders. Insert: `*count` entries in `?` order, `*fields` an
/// array released with `taos_stmt2_free_fields`, `field_type` telling COL/TAG/TBNAME; for
/// `INSERT INTO ? VALUES (...)` without USING, `tbname` and the columns of the table bound
/// last (`TSDB_CODE_TSC_STMT_TBNAME_ERROR` before any table is bound, as TDengine).
/// Query: only `*count` (number of `?`) is set and `*fields` is NULL.
#[no_mangle]
pub extern "C" fn taos_stmt2_get_fields(
    stmt: *mut TAOS_STMT2,
    count: *mut c_int,
    fields: *mut *mut TAOS_FIELD_ALL,
) -> c_int {
    ffi_boundary!("taos_stmt2_get_fields", {
        with_stmt(stmt, |h| {
            if count.is_null() {
                return Err(invalid_para("count is NULL"));
            }
            // SAFETY: out-pointers per contract (fields may be NULL).
            unsafe { put(fields, std::ptr::null_mut()) };
            let mut s = h.shared.stmt.lock();
            let p = s.prepared().ok_or_else(|| s.not_prepared("get_fields"))?;
            if !p.is_insert {
                // SAFETY: non-NULL out-pointer (checked above).
                unsafe { put(count, p.fields_count) };
                return Ok(0);
            }
            // A late-table insert describes the table bound last (an error before any).
            let all = s.describe()?;
            // SAFETY: out-pointers per contract (fields may be NULL).
            unsafe {
                put(count, all.len() as c_int);
                if !fields.is_null() {
                    put(fields, alloc_fields_all(&all));
                }
            }
            Ok(0)
        })
    })
}

/// Frees an array from `taos_stmt2_get_fields`. NULL and unknown pointers are ignored.
#[no_mangle]
pub extern "C" fn taos_stmt2_free_fields(stmt: *mut TAOS_STMT2, fields: *mut TAOS_FIELD_ALL) {
    let _ = stmt;
    ffi_boundary!("taos_stmt2_free_fields", {
        if let Some(len) = field_arrays().lock().remove(&(fields as usize)) {
            // SAFETY: allocated by alloc_fields_all with this length; removed once.
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(fields, len)) });
        }
        Ok(())
    })
}

/// The result set of an executed query, owned by the statement: valid until the next
/// exec, prepare or close; `taos_free_result` on it does nothing. Calling it again for the
/// same exec returns the same handle. NULL on error (insert statement, nothing executed;
/// see `taos_stmt2_error`).
#[no_mangle]
pub extern "C" fn taos_stmt2_result(stmt: *mut TAOS_STMT2) -> *mut TAOS_RES {
    ffi_boundary!("taos_stmt2_result", {
        with_stmt(stmt, |h| {
            let cur = *h.shared.result.lock();
            if cur != 0 {
                return Ok(cur as *mut TAOS_RES);
            }
            let mut s = h.shared.stmt.lock();
            if s.prepared().is_some_and(|p| p.is_insert) {
                return Err(err(
                    TSDB_CODE_TSC_STMT_API_ERROR,
                    "Stmt API usage error: an insert has no result set",
                ));
            }
            let q = s.result()?;
            let res = stmt_result_handle(&q, true);
            *h.shared.result.lock() = res as usize;
            Ok(res)
        })
    })
}

/// Text of the statement's last error ("" when none). NULL or an invalid handle gives the
/// calling thread's last error. Never NULL; owned by the library.
#[no_mangle]
pub extern "C" fn taos_stmt2_error(stmt: *mut TAOS_STMT2) -> *mut c_char {
    ffi_boundary!("taos_stmt2_error", {
        Ok(match handle(stmt) {
            // The CString lives in the statement until its next error.
            Ok(h) => h.shared.error.lock().as_ptr() as *mut c_char,
            Err(_) => last_error_str() as *mut c_char,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::boundary::last_error_code;
    use taos_wire::error::codes::TSDB_CODE_INVALID_PARA;
    use taos_wire::json::stmt2::BIND_TYPE_TBNAME;

    #[test]
    fn null_and_garbage_handles_are_refused() {
        assert!(taos_stmt2_init(std::ptr::null_mut(), std::ptr::null_mut()).is_null());
        assert_ne!(last_error_code(), 0);
        let rc = taos_stmt2_prepare(std::ptr::null_mut(), c"select 1".as_ptr(), 0);
        assert_eq!(rc, TSDB_CODE_INVALID_PARA);
        let bogus = [0u64; 8];
        let p = bogus.as_ptr() as *mut c_void;
        assert_eq!(
            taos_stmt2_exec(p, std::ptr::null_mut()),
            TSDB_CODE_INVALID_PARA
        );
        assert_eq!(taos_stmt2_close(p), TSDB_CODE_INVALID_PARA);
        let mut n = 7;
        let mut f = std::ptr::NonNull::<TAOS_FIELD_ALL>::dangling().as_ptr();
        assert_eq!(
            taos_stmt2_get_fields(p, &mut n, &mut f),
            TSDB_CODE_INVALID_PARA
        );
        assert!(taos_stmt2_result(p).is_null());
        let msg = unsafe { CStr::from_ptr(taos_stmt2_error(std::ptr::null_mut())) };
        assert!(msg.to_str().unwrap().contains("stmt"));
        taos_stmt2_free_fields(std::ptr::null_mut(), std::ptr::null_mut());
    }

    fn insert_prepared() -> Prepared {
        let f = |name: &str, ty: i8, bt: i8| Stmt2FieldInfo {
            name: name.into(),
            field_type: ty,
            bind_type: bt,
            bytes: 8,
            ..Default::default()
        };
        Prepared {
            is_insert: true,
            fields: vec![
                f("tbname", 8, BIND_TYPE_TBNAME),
                f("gid", 4, BIND_TYPE_TAG),
                f("ts", 9, BIND_TYPE_COL),
                f("s", 8, BIND_TYPE_COL),
            ],
            fields_count: 4,
            late_table: None,
        }
    }

    #[test]
    fn bindv_is_copied_with_packed_var_values() {
        let p = insert_prepared();
        let mut ts = [10i64, 11];
        let mut s = *b"abcd";
        let mut lens = [1i32, 0, 3];
        let mut nulls = [0 as c_char, 1];
        let mut gid = 5i32;
        let mut tag = TAOS_STMT2_BIND {
            buffer_type: 4,
            buffer: &mut gid as *mut i32 as *mut c_void,
            length: std::ptr::null_mut(),
            is_null: std::ptr::null_mut(),
            num: 1,
        };
        let mut cols = [
            TAOS_STMT2_BIND {
                buffer_type: 9,
                buffer: ts.as_mut_ptr() as *mut c_void,
                length: std::ptr::null_mut(),
                is_null: std::ptr::null_mut(),
                num: 2,
            },
            TAOS_STMT2_BIND {
                buffer_type: 8,
                buffer: s.as_mut_ptr() as *mut c_void,
                length: lens.as_mut_ptr(),
                is_null: nulls.as_mut_ptr(),
                num: 2,
            },
        ];
        let mut name = *b"d1\0";
        let mut names = [name.as_mut_ptr() as *mut c_char];
        let np = names.as_mut_ptr();
        let mut tags = [&mut tag as *mut TAOS_STMT2_BIND];
        let cp = cols.as_mut_ptr();
        let mut colp = [cp];
        let bv = TAOS_STMT2_BINDV {
            count: 1,
            tbnames: np,
            tags: tags.as_mut_ptr(),
            bind_cols: colp.as_mut_ptr(),
        };
        let b = unsafe { bind_from_bindv(&p, &bv) }.unwrap();
        assert_eq!(&*b.table_names[0], b"d1");
        assert_eq!(
            b.tags[0][0].cells().unwrap(),
            vec![Some(&5i32.to_le_bytes()[..])]
        );
        assert_eq!(b.cols[0][1].cells().unwrap(), vec![Some(&b"a"[..]), None]);
        assert_eq!(
            b.cols[0][0].cells().unwrap()[1],
            Some(&11i64.to_le_bytes()[..])
        );

        // Bad input: NULL length for a var type, type out of range, num <= 0, NULL name.
        // (Changed through the same raw pointers the bindv holds.)
        unsafe {
            (*cp.add(1)).length = std::ptr::null_mut();
            let e = bind_from_bindv(&p, &bv).unwrap_err();
            assert!(e.message.contains("length is NULL"), "{}", e.message);
            (*cp.add(1)).length = lens.as_mut_ptr();
            (*cp).buffer_type = 99;
            let e = bind_from_bindv(&p, &bv).unwrap_err();
            assert!(e.message.contains("out of range"), "{}", e.message);
            (*cp).buffer_type = 9;
            (*cp).num = 0;
            assert_eq!(
                bind_from_bindv(&p, &bv).unwrap_err().code,
                TSDB_CODE_INVALID_PARA
            );
            (*cp).num = 2;
            *np = std::ptr::null_mut();
            assert_eq!(
                bind_from_bindv(&p, &bv).unwrap_err().code,
                TSDB_CODE_TSC_STMT_TBNAME_ERROR
            );
            assert!(bind_from_bindv(&p, std::ptr::null()).is_err());
        }
    }

    #[test]
    fn unaligned_lengths_are_read() {
        // Lengths at an odd address inside one buffer, as driver-go packs them.
        let mut packed = [0u8; 16];
        packed[1..5].copy_from_slice(&2i32.to_le_bytes());
        packed[5..9].copy_from_slice(&1i32.to_le_bytes());
        let lens = unsafe { packed.as_mut_ptr().add(1) } as *mut i32;
        let mut s = *b"abc";
        let b = TAOS_STMT2_BIND {
            buffer_type: 8,
            buffer: s.as_mut_ptr() as *mut c_void,
            length: lens,
            is_null: std::ptr::null_mut(),
            num: 2,
        };
        let f = unsafe { field_from_bind2(&b, Target::ANY, "c") }.unwrap();
        assert_eq!(f.cells().unwrap(), vec![Some(&b"ab"[..]), Some(&b"c"[..])]);
    }

    #[test]
    fn null_typed_binds_follow_native() {
        let mut one = [1 as c_char];
        let flag = one.as_mut_ptr();
        let mut b = TAOS_STMT2_BIND {
            buffer_type: TSDB_DATA_TYPE_NULL as c_int,
            buffer: std::ptr::null_mut(),
            length: std::ptr::null_mut(),
            is_null: flag,
            num: 1,
        };
        // A tag or one-row column: NULL of the declared type, buffer_type not read.
        let f = unsafe { field_from_bind2(&b, Target::tag(10), "t") }.unwrap();
        assert_eq!(
            (f.buffer_type, f.num, f.cells().unwrap()),
            (10, 1, vec![None])
        );
        let f = unsafe { field_from_bind2(&b, Target::col(4), "c") }.unwrap();
        assert_eq!((f.buffer_type, f.cells().unwrap()), (4, vec![None]));
        // Unknown type (query parameter), not NULL, or more rows: validated as usual.
        assert!(unsafe { field_from_bind2(&b, Target::ANY, "q") }.is_err());
        unsafe { *flag = 0 };
        assert!(unsafe { field_from_bind2(&b, Target::col(4), "c") }.is_err());
        let mut two = [1 as c_char, 1];
        b.is_null = two.as_mut_ptr();
        b.num = 2;
        assert!(unsafe { field_from_bind2(&b, Target::col(4), "c") }.is_err());
    }

    #[test]
    fn field_arrays_are_zero_padded_and_freed() {
        let p = insert_prepared();
        let a = alloc_fields_all(&p.fields);
        let all = unsafe { std::slice::from_raw_parts(a, 4) };
        assert_eq!(all[1].field_type, BIND_TYPE_TAG as u8);
        assert_eq!(all[3].r#type, 8);
        let raw = unsafe { std::slice::from_raw_parts(a as *const u8, 4 * 76) };
        assert_eq!(&raw[73..76], &[0, 0, 0]);
        taos_stmt2_free_fields(std::ptr::null_mut(), a);
        assert!(!field_arrays().lock().contains_key(&(a as usize)));
    }
}
