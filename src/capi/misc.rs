//! Routing/meta-cache, notify, whitelist, build info, raw-block writes and other exports of
//! taos.h that belong to no bigger area (abi.md §1 A, I, J, K, L), plus small helpers the
//! not-yet-implemented exports of `stmt`, `stmt2`, `schemaless` and `tmq` share.
//!
//! `taos_set_conn_mode` (reopens the session in the new mode), `taos_load_table_info`
//! (checks each table with `DESCRIBE`) and the raw-block writes (`/ws` binary actions 4 and 5)
//! work. Not supported yet (they fail with `TSDB_CODE_OPS_NOT_SUPPORT`): taosAdapter exposes
//! no WebSocket action for routing information (vgroup ids: only a REST route,
//! `/rest/sql/<db>/vgid`, which this WebSocket-only library does not speak), notifications
//! or whitelists in the protocol the project implements today.
// Parameter names are the C names of taos.h (they appear in the generated header).
#![allow(non_snake_case)]

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CString};
use std::sync::{Mutex, OnceLock};

use crate::capi::boundary::{
    err, ffi_boundary, invalid_para, not_supported_err, opt_cstr_arg, to_cstring,
};
use crate::capi::connect::{bi_mode_of, reopen_session};
use crate::capi::handles::conn_ref;
use crate::capi::types::{
    __taos_async_datetime_whitelist_fn_t, __taos_async_ip_whitelist_fn_t,
    __taos_async_whitelist_dual_stack_fn_t, __taos_async_whitelist_fn_t, __taos_notify_fn_t, TAOS,
    TAOS_CONN_MODE_BI, TAOS_DB_ROUTE_INFO, TAOS_FIELD,
};
use taos_wire::error::codes::{
    default_message, TSDB_CODE_OPS_NOT_SUPPORT, TSDB_CODE_TSC_INVALID_OPERATION,
};

// ---------------------------------------------------------------------------------------------
// Helpers shared by the area files

/// Writes `v` through a caller out-pointer; NULL is skipped.
///
/// # Safety
/// `p` must be NULL or valid for a write of `T`.
pub(crate) unsafe fn put<T>(p: *mut T, v: T) {
    if !p.is_null() {
        // SAFETY: non-NULL and valid per the caller's contract.
        unsafe { p.write(v) };
    }
}

/// A C pointer moved to a library thread. C owns what it points to; the API contract says
/// it stays valid until the callback has run.
pub(crate) struct SendPtr(pub *mut c_void);
// SAFETY: the pointer is only handed back to the C callback, never dereferenced in Rust.
unsafe impl Send for SendPtr {}
impl SendPtr {
    /// The raw pointer (a method, so closures capture the whole `Send` wrapper).
    pub(crate) fn get(&self) -> *mut c_void {
        self.0
    }
}

/// Runs `f` once on the library's callback executor (the thread kind every async callback
/// of this library uses: never the caller's thread, free to call back into the library).
pub(crate) fn call_back_on_library_thread(f: impl FnOnce() + Send + 'static) {
    crate::capi::async_query::spawn_callback(Box::new(move || {
        // A panicking callback must not take the executor thread down with it.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    }));
}

/// A NUL-terminated copy of a static message that lives for the rest of the process, so
/// functions returning `const char *` texts can hand out pointers that never dangle
/// (memory is bounded by the number of distinct messages).
pub(crate) fn static_cstr(msg: &'static str) -> *const c_char {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, CString>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    // CString keeps its bytes on the heap: the pointer survives rehashing of the map.
    map.entry(msg).or_insert_with(|| to_cstring(msg)).as_ptr()
}

/// Static text of this build, NUL-terminated.
static BUILD_INFO: &str = concat!(
    "libtaos-rs ",
    env!("CARGO_PKG_VERSION"),
    " (Rust WebSocket client for taosAdapter)\0"
);

// ---------------------------------------------------------------------------------------------
// A. connection-level switches

/// Sets a connection mode: `mode` `TAOS_CONN_MODE_BI` (0) with `value` 1 (on) or 0 (off).
/// Over WebSocket BI mode is chosen when the taosAdapter session is opened (`conn` with
/// `mode: 0`), so a change opens a fresh session in the new mode with the same options and
/// current database and replays the `taos_options_connection` settings; the old session
/// stays open until `taos_close` so results already obtained stay readable. Setting the
/// mode the connection already has does nothing. Returns 0; `TSDB_CODE_INVALID_PARA` for
/// another `mode` or a `value` other than 0/1, `TSDB_CODE_TSC_INVALID_CONNECTION` for a
/// NULL/invalid `taos`, or the error of the new session (the connection is then unchanged).
#[no_mangle]
pub extern "C" fn taos_set_conn_mode(taos: *mut TAOS, mode: c_int, value: c_int) -> c_int {
    ffi_boundary!("taos_set_conn_mode", {
        let h = conn_ref(taos)?;
        if mode != TAOS_CONN_MODE_BI {
            return Err(invalid_para(format!(
                "invalid connection mode {mode}: only TAOS_CONN_MODE_BI (0) exists"
            )));
        }
        let bi = match value {
            0 => false,
            1 => true,
            _ => {
                return Err(invalid_para(format!(
                    "invalid value {value} for TAOS_CONN_MODE_BI: expected 0 or 1"
                )))
            }
        };
        if bi_mode_of(h) == bi {
            return Ok(0);
        }
        let db = h.conn().current_db()?;
        reopen_session(h, Some(db).filter(|d| !d.is_empty()), bi)?;
        Ok(0)
    })
}

/// Chooses how the native heartbeat thread quits. This library has no heartbeat thread
/// (taosAdapter keeps the server session alive), so there is nothing to configure: no-op.
#[no_mangle]
pub extern "C" fn taos_set_hb_quit(quitByKill: i8) {
    let _ = quitByKill;
    ffi_boundary!("taos_set_hb_quit", { Ok(()) })
}

// ---------------------------------------------------------------------------------------------
// J. routing / meta cache

/// Fills `dbInfo` with the database's vgroup routing. Not supported yet: zeroes `*dbInfo`
/// (when non-NULL) and returns `TSDB_CODE_OPS_NOT_SUPPORT`.
///
/// # Safety
/// `dbInfo` must be NULL or point to a writable `TAOS_DB_ROUTE_INFO`.
#[no_mangle]
pub unsafe extern "C" fn taos_get_db_route_info(
    taos: *mut TAOS,
    db: *const c_char,
    dbInfo: *mut TAOS_DB_ROUTE_INFO,
) -> c_int {
    let _ = (taos, db);
    ffi_boundary!("taos_get_db_route_info", {
        // SAFETY: caller contract; an all-zero TAOS_DB_ROUTE_INFO is valid (NULL vgHash).
        unsafe { put(dbInfo, std::mem::zeroed()) };
        Err(not_supported_err("taos_get_db_route_info"))
    })
}

/// Looks up the vgroup of one table of `db`: asks the server's
/// `information_schema.ins_tables.vgroup_id` (the WebSocket API has no catalog route) and
/// writes it to `*vgId`. Errors: `TSDB_CODE_TSC_DISCONNECTED` for a NULL `taos` and
/// `TSDB_CODE_TSC_INVALID_INPUT` for a NULL `db`/`table`/`vgId` (native codes),
/// `TSDB_CODE_TSC_INVALID_CONNECTION` for an invalid `taos`, `TSDB_CODE_PAR_TABLE_NOT_EXIST`
/// when `db` has no such table (native hashes the name without checking it exists; a
/// client without the vgroup hash ranges cannot), or the query's error.
///
/// # Safety
/// `db` and `table` must be NULL or NUL-terminated; `vgId` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_get_table_vgId(
    taos: *mut TAOS,
    db: *const c_char,
    table: *const c_char,
    vgId: *mut c_int,
) -> c_int {
    ffi_boundary!("taos_get_table_vgId", {
        if taos.is_null() {
            return Err(vgid::disconnected());
        }
        if db.is_null() || table.is_null() || vgId.is_null() {
            return Err(vgid::invalid_input("db, table or vgId is NULL"));
        }
        let h = conn_ref(taos)?;
        // SAFETY: non-NULL, NUL-terminated per contract.
        let (db, table) = unsafe { (vgid::c_name(db, "db")?, vgid::c_name(table, "table")?) };
        let ids = vgid::lookup(&h.conn(), db, &[table])?;
        // SAFETY: checked non-NULL; writable per contract.
        unsafe { vgId.write(ids[0]) };
        Ok(0)
    })
}

/// Looks up the vgroups of `tableNum` tables of `db` with one query (as
/// `taos_get_table_vgId`) and writes them, in order, to `vgId[0..tableNum]`. Errors as
/// `taos_get_table_vgId`, plus `TSDB_CODE_TSC_INVALID_INPUT` for `tableNum <= 0` or a NULL
/// name; on error no slot is written.
///
/// # Safety
/// `db` NULL or NUL-terminated; `table` NULL or `tableNum` NULL-or-NUL-terminated names;
/// `vgId` NULL or `tableNum` writable `int` slots.
#[no_mangle]
pub unsafe extern "C" fn taos_get_tables_vgId(
    taos: *mut TAOS,
    db: *const c_char,
    table: *mut *const c_char,
    tableNum: c_int,
    vgId: *mut c_int,
) -> c_int {
    ffi_boundary!("taos_get_tables_vgId", {
        if taos.is_null() {
            return Err(vgid::disconnected());
        }
        if db.is_null() || table.is_null() || vgId.is_null() || tableNum <= 0 {
            return Err(vgid::invalid_input(format!(
                "invalid input: db, table or vgId is NULL or tableNum {tableNum} <= 0"
            )));
        }
        let h = conn_ref(taos)?;
        let n = tableNum as usize;
        // SAFETY: non-NULL; `tableNum` entries per contract.
        let ptrs = unsafe { std::slice::from_raw_parts(table as *const *const c_char, n) };
        // SAFETY: non-NULL checked by c_name; NUL-terminated per contract.
        let db = unsafe { vgid::c_name(db, "db")? };
        let mut names = Vec::with_capacity(n);
        for (i, p) in ptrs.iter().enumerate() {
            if p.is_null() {
                return Err(vgid::invalid_input(format!("table[{i}] is NULL")));
            }
            // SAFETY: non-NULL, NUL-terminated per contract.
            names.push(unsafe { vgid::c_name(*p, "table")? });
        }
        let ids = vgid::lookup(&h.conn(), db, &names)?;
        // SAFETY: checked non-NULL; `tableNum` writable slots per contract.
        let out = unsafe { std::slice::from_raw_parts_mut(vgId, n) };
        out.copy_from_slice(&ids);
        Ok(0)
    })
}

/// Table → vgroup lookups over `information_schema.ins_tables`.
mod vgid {
    use std::collections::HashMap;
    use std::ffi::{c_char, c_int, CStr};

    use taos_wire::error::codes::{
        TSDB_CODE_PAR_TABLE_NOT_EXIST, TSDB_CODE_TSC_DISCONNECTED, TSDB_CODE_TSC_INVALID_INPUT,
    };
    use taos_wire::error::TaosError;
    use taos_wire::types::{TSDB_DATA_TYPE_INT, TSDB_DATA_TYPE_VARCHAR};

    use crate::capi::boundary::err;
    use crate::client::Connection;

    /// Longest SQL text of one lookup; longer name lists are split over several queries.
    const MAX_SQL: usize = 512 * 1024;

    /// Native's error for a NULL connection here.
    pub(super) fn disconnected() -> TaosError {
        err(TSDB_CODE_TSC_DISCONNECTED, "Disconnected from service")
    }

    /// Native's error for a NULL argument here.
    pub(super) fn invalid_input(msg: impl Into<String>) -> TaosError {
        err(TSDB_CODE_TSC_INVALID_INPUT, msg)
    }

    /// A non-NULL C name as UTF-8.
    ///
    /// # Safety
    /// `p` must be non-NULL and NUL-terminated.
    pub(super) unsafe fn c_name<'a>(p: *const c_char, what: &str) -> Result<&'a str, TaosError> {
        // SAFETY: forwarded contract.
        unsafe { CStr::from_ptr(p) }
            .to_str()
            .map_err(|_| invalid_input(format!("{what} is not valid UTF-8")))
    }

    /// `s` as a single-quoted SQL string literal (backslash and quote escaped).
    fn literal(s: &str) -> String {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('\'');
        for c in s.chars() {
            if c == '\'' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('\'');
        out
    }

    /// The vgroup id of each of `tables` (in order) in database `db`.
    pub(super) fn lookup(
        conn: &Connection,
        db: &str,
        tables: &[&str],
    ) -> Result<Vec<c_int>, TaosError> {
        let mut found: HashMap<String, c_int> = HashMap::new();
        let mut unique: Vec<&str> = tables.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let head = format!(
            "SELECT table_name, vgroup_id FROM information_schema.ins_tables \
             WHERE db_name = {} AND table_name IN (",
            literal(db)
        );
        let mut rest = &unique[..];
        while !rest.is_empty() {
            let mut sql = head.clone();
            let mut k = 0;
            while k < rest.len() && (k == 0 || sql.len() + rest[k].len() + 4 < MAX_SQL) {
                if k > 0 {
                    sql.push(',');
                }
                sql.push_str(&literal(rest[k]));
                k += 1;
            }
            sql.push(')');
            rest = &rest[k..];
            query_into(conn, &sql, &mut found)?;
        }
        tables
            .iter()
            .map(|t| {
                found.get(*t).copied().ok_or_else(|| {
                    err(
                        TSDB_CODE_PAR_TABLE_NOT_EXIST,
                        format!("Table does not exist: {db}.{t}"),
                    )
                })
            })
            .collect()
    }

    /// Runs one lookup query and adds its (table_name, vgroup_id) rows to `found`.
    fn query_into(
        conn: &Connection,
        sql: &str,
        found: &mut HashMap<String, c_int>,
    ) -> Result<(), TaosError> {
        let r = conn.query(sql, 0)?;
        let f = r.fields();
        let shape_ok =
            f.len() == 2 && f[0].ty == TSDB_DATA_TYPE_VARCHAR && f[1].ty == TSDB_DATA_TYPE_INT;
        if !shape_ok {
            r.stop();
            return Err(err(
                taos_wire::error::codes::TSDB_CODE_TSC_INTERNAL_ERROR,
                "unexpected ins_tables result columns",
            ));
        }
        while let Some(b) = r.next_block()? {
            let v = b.view();
            for row in 0..v.rows() {
                let (Some(name), cell) = (v.var_cell(0, row), v.fixed_cell(1, row)) else {
                    continue;
                };
                let Ok(bytes) = <[u8; 4]>::try_from(cell) else {
                    continue;
                };
                if v.is_null(1, row) {
                    continue;
                }
                found.insert(
                    String::from_utf8_lossy(name).into_owned(),
                    i32::from_le_bytes(bytes),
                );
            }
        }
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::literal;

        #[test]
        fn literal_escapes_quote_and_backslash() {
            assert_eq!(literal("a'b\\c"), "'a\\'b\\\\c'");
            assert_eq!(literal("plain"), "'plain'");
        }
    }
}

/// Loads the metadata of the tables in `tableNameList` (comma-separated, each `tb` or
/// `db.tb`, parts optionally in backquotes; a bare name uses the current database).
/// Native libtaos fills its meta cache; this library keeps none, so it does the observable
/// part: asks the server to describe each table (`DESCRIBE`) and fails with the server's
/// error (e.g. `TSDB_CODE_PAR_TABLE_NOT_EXIST`) at the first one that cannot be loaded.
/// Returns 0 when every table exists, also for a NULL or empty list (as native);
/// `TSDB_CODE_TSC_INVALID_CONNECTION` for a NULL/invalid `taos`;
/// `TSDB_CODE_TSC_INVALID_OPERATION` for a list over 12 MiB; `TSDB_CODE_INVALID_PARA` for
/// a malformed name.
// `tableNameList` is a C string by the caller's contract (as in every export taking one).
#[allow(clippy::not_unsafe_ptr_arg_deref)]
#[no_mangle]
pub extern "C" fn taos_load_table_info(taos: *mut TAOS, tableNameList: *const c_char) -> c_int {
    ffi_boundary!("taos_load_table_info", {
        let h = conn_ref(taos)?;
        // SAFETY: NULL or a C string per contract.
        let list = match unsafe { opt_cstr_arg(tableNameList, "tableNameList") }? {
            None => return Ok(0),
            Some(l) => l,
        };
        if list.len() > MAX_TABLE_NAME_LIST {
            return Err(err(
                TSDB_CODE_TSC_INVALID_OPERATION,
                format!(
                    "tableNameList too long: {} bytes, at most {MAX_TABLE_NAME_LIST}",
                    list.len()
                ),
            ));
        }
        let names = table_names::parse_list(list)?;
        let conn = h.conn();
        for name in &names {
            let r = conn.query(&format!("DESCRIBE {name}"), 0)?;
            r.stop();
        }
        Ok(0)
    })
}

/// Longest `taos_load_table_info` list native libtaos accepts (12 MiB).
const MAX_TABLE_NAME_LIST: usize = 12 * 1024 * 1024;

/// Parsing the table list of `taos_load_table_info` into names safe to put into SQL.
mod table_names {
    use taos_wire::error::TaosError;

    use crate::capi::boundary::invalid_para;

    /// One name part: backquoted (kept with its quotes, no backquote inside) or a plain
    /// identifier (letters, digits, `_`).
    fn check_part(part: &str, whole: &str) -> Result<(), TaosError> {
        let ok = if let Some(inner) = part.strip_prefix('`') {
            match inner.strip_suffix('`') {
                Some(i) => !i.is_empty() && !i.contains('`'),
                None => false,
            }
        } else {
            !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_')
        };
        if ok {
            Ok(())
        } else {
            Err(invalid_para(format!("invalid table name {whole:?}")))
        }
    }

    /// Splits `s` at `sep` outside backquotes.
    fn split_outside_quotes(s: &str, sep: char) -> Vec<&str> {
        let mut out = Vec::new();
        let mut quoted = false;
        let mut start = 0;
        for (i, c) in s.char_indices() {
            if c == '`' {
                quoted = !quoted;
            } else if c == sep && !quoted {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
        }
        out.push(&s[start..]);
        out
    }

    /// The names of a comma-separated list (`tb`, `db.tb`, `` `db`.`tb` ``), trimmed and
    /// validated; empty entries (`"a,,b"`, a trailing comma) are skipped.
    pub(super) fn parse_list(list: &str) -> Result<Vec<String>, TaosError> {
        let mut names = Vec::new();
        for entry in split_outside_quotes(list, ',') {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let parts = split_outside_quotes(entry, '.');
            if parts.len() > 2 {
                return Err(invalid_para(format!("invalid table name {entry:?}")));
            }
            for p in &parts {
                check_part(p, entry)?;
            }
            names.push(entry.to_string());
        }
        Ok(names)
    }

    #[cfg(test)]
    mod tests {
        use super::parse_list;

        #[test]
        fn lists_are_split_and_checked() {
            assert_eq!(
                parse_list(" t1, db.t2 ,`db x`.`t,3`,,").unwrap(),
                vec!["t1", "db.t2", "`db x`.`t,3`"]
            );
            assert!(parse_list("").unwrap().is_empty());
            for bad in [
                "t1; drop database x",
                "a.b.c",
                "`open",
                "db.",
                ".t",
                "t 1",
                "``",
            ] {
                assert!(parse_list(bad).is_err(), "{bad}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// I. raw block writes (taosX)

/// Shared body of the four `taos_write_raw_block*` exports. A NULL `taos`, `pData` or
/// `tbname` gives `TSDB_CODE_INVALID_PARA`, as in TDengine's client.
fn raw_block_write(
    taos: *mut TAOS,
    rows: c_int,
    pData: *const c_char,
    tbname: *const c_char,
    fields: *const TAOS_FIELD,
    numFields: c_int,
    reqid: i64,
) -> Result<c_int, taos_wire::error::TaosError> {
    // Native checks the three pointers first, with one code for all of them.
    if taos.is_null() {
        return Err(invalid_para("taos is NULL"));
    }
    let clean = clean_fields(fields, numFields);
    let fields = clean
        .as_ref()
        .map_or(fields, |c| c.as_ptr() as *const TAOS_FIELD);
    crate::capi::tmq::write_raw_block_from_c(taos, rows, pData, tbname, fields, numFields, reqid)
}

/// Size of one C `TAOS_FIELD` in `u32` units (72 bytes: name[65], type, 2 pad, bytes).
const FIELD_WORDS: usize = std::mem::size_of::<TAOS_FIELD>() / 4;

/// A copy of the caller's `TAOS_FIELD` array that is sent as bytes: each name up to its NUL,
/// then zeros (the padding and the bytes after the NUL are often uninitialised memory,
/// which must not go on the wire). `None` when there is nothing to copy (NULL, or a count
/// the write refuses anyway).
fn clean_fields(fields: *const TAOS_FIELD, n: c_int) -> Option<Vec<u32>> {
    let n = usize::try_from(n).ok().filter(|&n| n > 0)?;
    if fields.is_null() {
        return None;
    }
    let mut out = vec![0u32; n.checked_mul(FIELD_WORDS)?];
    let bytes = out.as_mut_ptr() as *mut u8;
    for i in 0..n {
        let at = i * FIELD_WORDS * 4;
        // SAFETY: C contract: `fields` has `n` entries. Only initialised parts are read (the
        // name up to its NUL, the type, the width) through raw pointers; the writes stay
        // inside entry `i` of `out` (name @0, type @65, bytes @68, as in TAOS_FIELD).
        unsafe {
            let f = fields.add(i);
            let name = std::ptr::addr_of!((*f).name) as *const u8;
            for k in 0..65 {
                let c = name.add(k).read();
                if c == 0 {
                    break;
                }
                *bytes.add(at + k) = c;
            }
            *bytes.add(at + 65) = std::ptr::addr_of!((*f).r#type).read() as u8;
            let width = std::ptr::addr_of!((*f).bytes).read_unaligned();
            std::ptr::copy_nonoverlapping(width.to_le_bytes().as_ptr(), bytes.add(at + 68), 4);
        }
    }
    Some(out)
}

/// Writes a raw block into the existing table `tbname` of the connection's current database.
/// `pData` is a whole raw block exactly as `taos_fetch_raw_block` returns it (version and
/// length header included; its length field bounds what is read); its columns map to the
/// table's columns by position (missing trailing columns are NULL). `numOfRows` is not
/// used: as in TDengine's client, the block's own row count is written. The block is
/// written whole or not at all. Returns 0 or an error code: `TSDB_CODE_INVALID_PARA` for a
/// NULL argument, a bad length field or a column type other than the table's,
/// `TSDB_CODE_INVALID_MSG` for a block whose contents do not fit its length,
/// `TSDB_CODE_PAR_DB_NOT_SPECIFIED` without a current database,
/// `TSDB_CODE_PAR_TABLE_NOT_EXIST` for an unknown table, `TSDB_CODE_PAR_VALUE_TOO_LONG`
/// for a value longer than its column.
#[no_mangle]
pub extern "C" fn taos_write_raw_block(
    taos: *mut TAOS,
    numOfRows: c_int,
    pData: *mut c_char,
    tbname: *const c_char,
) -> c_int {
    ffi_boundary!("taos_write_raw_block", {
        raw_block_write(taos, numOfRows, pData, tbname, std::ptr::null(), 0, 0)
    })
}

/// As `taos_write_raw_block`, sent with the request id `reqid`.
#[no_mangle]
pub extern "C" fn taos_write_raw_block_with_reqid(
    taos: *mut TAOS,
    numOfRows: c_int,
    pData: *mut c_char,
    tbname: *const c_char,
    reqid: i64,
) -> c_int {
    ffi_boundary!("taos_write_raw_block_with_reqid", {
        raw_block_write(taos, numOfRows, pData, tbname, std::ptr::null(), 0, reqid)
    })
}

/// As `taos_write_raw_block`, but the block's columns are named by `fields` (`numFields`
/// entries, one per block column, e.g. from `taos_fetch_fields`) and map to the table's
/// columns by name: table columns not named are NULL, the timestamp column must be named,
/// an unknown or repeated name fails with `TSDB_CODE_PAR_INVALID_COLUMN`, a `numFields`
/// other than the block's column count with `TSDB_CODE_INVALID_PARA`. NULL `fields` maps
/// by position, like `taos_write_raw_block`.
#[no_mangle]
pub extern "C" fn taos_write_raw_block_with_fields(
    taos: *mut TAOS,
    rows: c_int,
    pData: *mut c_char,
    tbname: *const c_char,
    fields: *mut TAOS_FIELD,
    numFields: c_int,
) -> c_int {
    ffi_boundary!("taos_write_raw_block_with_fields", {
        raw_block_write(taos, rows, pData, tbname, fields, numFields, 0)
    })
}

/// As `taos_write_raw_block_with_fields`, sent with the request id `reqid`.
#[no_mangle]
pub extern "C" fn taos_write_raw_block_with_fields_with_reqid(
    taos: *mut TAOS,
    rows: c_int,
    pData: *mut c_char,
    tbname: *const c_char,
    fields: *mut TAOS_FIELD,
    numFields: c_int,
    reqid: i64,
) -> c_int {
    ffi_boundary!("taos_write_raw_block_with_fields_with_reqid", {
        raw_block_write(taos, rows, pData, tbname, fields, numFields, reqid)
    })
}

// ---------------------------------------------------------------------------------------------
// K. notify, whitelist, build info

/// Registers a notification callback (`TAOS_NOTIFY_*`). Not supported yet: nothing is
/// registered, the callback is never called, returns `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_set_notify_cb(
    taos: *mut TAOS,
    fp: __taos_notify_fn_t,
    param: *mut c_void,
    r#type: c_int,
) -> c_int {
    let _ = (taos, fp, param, r#type);
    ffi_boundary!("taos_set_notify_cb", {
        Err(not_supported_err("taos_set_notify_cb"))
    })
}

/// Fetches the user's IPv4 whitelist. Not supported yet: `fp` is called exactly once, on a
/// library thread, as `fp(param, TSDB_CODE_OPS_NOT_SUPPORT, taos, 0, NULL)`.
#[no_mangle]
pub extern "C" fn taos_fetch_whitelist_a(
    taos: *mut TAOS,
    fp: __taos_async_whitelist_fn_t,
    param: *mut c_void,
) {
    ffi_boundary!("taos_fetch_whitelist_a", {
        if let Some(f) = fp {
            let (p, t) = (SendPtr(param), SendPtr(taos));
            call_back_on_library_thread(move || {
                // SAFETY: C callback with the documented arguments.
                unsafe {
                    f(
                        p.get(),
                        TSDB_CODE_OPS_NOT_SUPPORT,
                        t.get(),
                        0,
                        std::ptr::null_mut(),
                    )
                }
            });
        }
        Ok(())
    })
}

/// Calls a string-list whitelist callback once with `TSDB_CODE_OPS_NOT_SUPPORT`.
type StrListCb = unsafe extern "C" fn(*mut c_void, c_int, *mut TAOS, c_int, *mut *mut c_char);
fn whitelist_not_supported(fp: Option<StrListCb>, taos: *mut TAOS, param: *mut c_void) {
    if let Some(f) = fp {
        let (p, t) = (SendPtr(param), SendPtr(taos));
        call_back_on_library_thread(move || {
            // SAFETY: C callback with the documented arguments.
            unsafe {
                f(
                    p.get(),
                    TSDB_CODE_OPS_NOT_SUPPORT,
                    t.get(),
                    0,
                    std::ptr::null_mut(),
                )
            }
        });
    }
}

/// Fetches the user's IPv4/IPv6 whitelist as `"+ cidr"`/`"- cidr"` strings. Not supported
/// yet: `fp` is called exactly once, on a library thread, as
/// `fp(param, TSDB_CODE_OPS_NOT_SUPPORT, taos, 0, NULL)`.
#[no_mangle]
pub extern "C" fn taos_fetch_whitelist_dual_stack_a(
    taos: *mut TAOS,
    fp: __taos_async_whitelist_dual_stack_fn_t,
    param: *mut c_void,
) {
    ffi_boundary!("taos_fetch_whitelist_dual_stack_a", {
        whitelist_not_supported(fp, taos, param);
        Ok(())
    })
}

/// Fetches the user's IP whitelist. Not supported yet: `fp` is called exactly once, on a
/// library thread, as `fp(param, TSDB_CODE_OPS_NOT_SUPPORT, taos, 0, NULL)`.
#[no_mangle]
pub extern "C" fn taos_fetch_ip_whitelist_a(
    taos: *mut TAOS,
    fp: __taos_async_ip_whitelist_fn_t,
    param: *mut c_void,
) {
    ffi_boundary!("taos_fetch_ip_whitelist_a", {
        whitelist_not_supported(fp, taos, param);
        Ok(())
    })
}

/// Fetches the user's date-time whitelist. Not supported yet: `fp` is called exactly once,
/// on a library thread, as `fp(param, TSDB_CODE_OPS_NOT_SUPPORT, taos, 0, NULL)`.
#[no_mangle]
pub extern "C" fn taos_fetch_datetime_whitelist_a(
    taos: *mut TAOS,
    fp: __taos_async_datetime_whitelist_fn_t,
    param: *mut c_void,
) {
    ffi_boundary!("taos_fetch_datetime_whitelist_a", {
        whitelist_not_supported(fp, taos, param);
        Ok(())
    })
}

/// Static, NUL-terminated description of this build; never NULL, never to be freed.
#[no_mangle]
pub extern "C" fn getBuildInfo() -> *mut c_char {
    ffi_boundary!("getBuildInfo", { Ok(BUILD_INFO.as_ptr() as *mut c_char) })
}

/// TDengine's standard text for an error code ("success" for 0). Declared in taoserror.h.
/// Never NULL; not to be freed.
#[no_mangle]
pub extern "C" fn tstrerror(err: i32) -> *const c_char {
    ffi_boundary!("tstrerror", {
        Ok(static_cstr(if err == 0 {
            "success"
        } else {
            default_message(err)
        }))
    })
}

/// Crash-report hook the official dispatcher calls from its signal handlers. This library
/// writes no crash files, so it does nothing (it must exist: the dispatcher loads it).
#[no_mangle]
pub extern "C" fn taos_write_crashinfo(signum: c_int, sigInfo: *mut c_void, context: *mut c_void) {
    // No boundary macro on purpose: nothing here can panic, and a signal handler must not
    // touch thread-locals or allocate.
    let _ = (signum, sigInfo, context);
}

// ---------------------------------------------------------------------------------------------
// L. taosAdapter instance registry (3.4.0.0, used by taosAdapter itself)

/// Registers a taosAdapter instance. Not supported: returns `TSDB_CODE_OPS_NOT_SUPPORT`.
#[no_mangle]
pub extern "C" fn taos_register_instance(
    id: *const c_char,
    r#type: *const c_char,
    desc: *const c_char,
    expire: i32,
) -> i32 {
    let _ = (id, r#type, desc, expire);
    ffi_boundary!("taos_register_instance", {
        Err(not_supported_err("taos_register_instance"))
    })
}

/// Lists registered instances. Not supported: sets `*pList = NULL`, `*pCount = 0` (when
/// non-NULL) and returns `TSDB_CODE_OPS_NOT_SUPPORT`.
///
/// # Safety
/// `pList` / `pCount` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn taos_list_instances(
    filter_type: *const c_char,
    pList: *mut *mut *mut c_char,
    pCount: *mut i32,
) -> i32 {
    let _ = filter_type;
    ffi_boundary!("taos_list_instances", {
        // SAFETY: caller contract.
        unsafe {
            put(pList, std::ptr::null_mut());
            put(pCount, 0);
        }
        Err(not_supported_err("taos_list_instances"))
    })
}

/// Frees a list from `taos_list_instances`. That function never returns a list yet, so
/// there is nothing to free: no-op (also for NULL).
#[no_mangle]
pub extern "C" fn taos_free_instances(pList: *mut *mut *mut c_char, count: i32) {
    let _ = (pList, count);
    ffi_boundary!("taos_free_instances", { Ok(()) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::boundary::last_error_code;
    use std::ffi::CStr;
    use std::sync::mpsc;

    #[test]
    fn routing_stubs_fail_and_define_outputs() {
        use taos_wire::error::codes::{TSDB_CODE_TSC_DISCONNECTED, TSDB_CODE_TSC_INVALID_INPUT};
        // The vgId lookups check their arguments before any I/O (native codes); outputs stay.
        let mut vg = [7 as c_int; 3];
        let rc = unsafe {
            taos_get_tables_vgId(
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null_mut(),
                3,
                vg.as_mut_ptr(),
            )
        };
        assert_eq!(rc, TSDB_CODE_TSC_DISCONNECTED);
        assert_eq!(vg, [7, 7, 7]);
        assert_eq!(last_error_code(), TSDB_CODE_TSC_DISCONNECTED);
        let mut one = 9;
        let rc = unsafe {
            taos_get_table_vgId(
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
                &mut one,
            )
        };
        assert_eq!((rc, one), (TSDB_CODE_TSC_DISCONNECTED, 9));
        let fake = std::ptr::NonNull::<TAOS>::dangling().as_ptr();
        let rc = unsafe { taos_get_table_vgId(fake, std::ptr::null(), c"t".as_ptr(), &mut one) };
        assert_eq!((rc, one), (TSDB_CODE_TSC_INVALID_INPUT, 9));
        let rc = unsafe {
            taos_get_tables_vgId(
                fake,
                c"db".as_ptr(),
                std::ptr::null_mut(),
                0,
                vg.as_mut_ptr(),
            )
        };
        assert_eq!(rc, TSDB_CODE_TSC_INVALID_INPUT);
        let mut info: TAOS_DB_ROUTE_INFO = unsafe { std::mem::zeroed() };
        info.vgNum = 5;
        let rc =
            unsafe { taos_get_db_route_info(std::ptr::null_mut(), std::ptr::null(), &mut info) };
        assert_eq!((rc, info.vgNum), (TSDB_CODE_OPS_NOT_SUPPORT, 0));
        assert!(info.vgHash.is_null());
    }

    /// (code, count, list is NULL, thread the callback ran on)
    type WlCall = (c_int, c_int, bool, std::thread::ThreadId);

    unsafe extern "C" fn wl_cb(
        param: *mut c_void,
        code: c_int,
        _t: *mut TAOS,
        n: c_int,
        list: *mut *mut c_char,
    ) {
        let tx = unsafe { &*(param as *const mpsc::Sender<WlCall>) };
        let _ = tx.send((code, n, list.is_null(), std::thread::current().id()));
    }

    #[test]
    fn whitelist_callback_fires_once_on_a_library_thread() {
        let (tx, rx) = mpsc::channel::<WlCall>();
        let tx = Box::new(tx);
        taos_fetch_ip_whitelist_a(
            std::ptr::null_mut(),
            Some(wl_cb),
            &*tx as *const _ as *mut c_void,
        );
        let (code, n, list_null, thread) =
            rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap();
        assert_eq!((code, n, list_null), (TSDB_CODE_OPS_NOT_SUPPORT, 0, true));
        assert_ne!(
            thread,
            std::thread::current().id(),
            "callback ran on the caller's thread"
        );
        assert!(rx
            .recv_timeout(std::time::Duration::from_millis(200))
            .is_err());
    }

    #[test]
    fn tstrerror_gives_standard_texts() {
        let s = |c| {
            unsafe { CStr::from_ptr(tstrerror(c)) }
                .to_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(s(0), "success");
        assert_eq!(
            s(TSDB_CODE_OPS_NOT_SUPPORT),
            default_message(TSDB_CODE_OPS_NOT_SUPPORT)
        );
        assert_eq!(tstrerror(-1), tstrerror(-1)); // same interned pointer every time
    }

    #[test]
    fn build_info_is_static_text() {
        let s = unsafe { CStr::from_ptr(getBuildInfo()) }.to_str().unwrap();
        assert!(s.starts_with("libtaos-rs "));
    }
}

#[cfg(test)]
mod raw_block_tests {
    use super::*;
    use crate::capi::boundary::last_error_code;
    use taos_wire::error::codes::TSDB_CODE_INVALID_PARA;

    #[test]
    fn fields_are_copied_without_stray_bytes() {
        // Fill with 0xAA so padding and the bytes after each name's NUL are not zero.
        let mut f: [TAOS_FIELD; 2] = unsafe { std::mem::transmute([0xAAu8; 144]) };
        f[0].name[..3].copy_from_slice(&[b't' as c_char, b's' as c_char, 0]);
        f[0].r#type = 9;
        f[0].bytes = 8;
        f[1].name = [b'x' as c_char; 65]; // no NUL: all 65 bytes are the name
        f[1].r#type = 8;
        f[1].bytes = 0x0102_0304;
        let words = clean_fields(f.as_ptr(), 2).unwrap();
        let b: Vec<u8> = words.iter().flat_map(|w| w.to_ne_bytes()).collect();
        assert_eq!(b.len(), 144);
        let mut want = vec![0u8; 144];
        want[..2].copy_from_slice(b"ts");
        want[65] = 9;
        want[68..72].copy_from_slice(&8i32.to_le_bytes());
        want[72..137].fill(b'x');
        want[137] = 8;
        want[140..144].copy_from_slice(&0x0102_0304i32.to_le_bytes());
        assert_eq!(b, want);
        assert!(clean_fields(f.as_ptr(), 0).is_none());
        assert!(clean_fields(f.as_ptr(), -1).is_none());
        assert!(clean_fields(std::ptr::null(), 2).is_none());
    }

    #[test]
    fn null_arguments_are_invalid_para() {
        let rc = taos_write_raw_block(
            std::ptr::null_mut(),
            1,
            std::ptr::null_mut(),
            std::ptr::null(),
        );
        assert_eq!(rc, TSDB_CODE_INVALID_PARA);
        assert_eq!(last_error_code(), TSDB_CODE_INVALID_PARA);
        let rc = taos_write_raw_block_with_fields_with_reqid(
            std::ptr::null_mut(),
            1,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null_mut(),
            0,
            7,
        );
        assert_eq!(rc, TSDB_CODE_INVALID_PARA);
    }
}
