//! Asynchronous query and fetch: `taos_query_a*`, `taos_fetch_rows_a`,
//! `taos_fetch_raw_block_a`, and the library-owned callback thread.
//!
//! Contract (abi.md §4.6): every call invokes its callback exactly once, on a library
//! thread (never the caller's), with `param` passed through untouched. Inputs (the SQL)
//! are copied before the call returns. Callbacks may call back into the library: fetch
//! rows, re-arm `taos_fetch_rows_a`, free the result, start another query.

// Exports take C pointers whose validity is the C caller's contract (documented per
// function); they cannot be `unsafe fn` and still be called from C like native ones.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use std::ffi::{c_char, c_int, c_void};
use std::sync::Arc;
use taos_wire::error::TaosError;

use crate::capi::boundary::{cstr_arg, ffi_boundary, set_error};
use crate::capi::fetch::{BlockResult, BlockSource};
use crate::capi::handles::{conn_ref, res_into_raw, res_mut, TAOS, TAOS_RES};
use crate::capi::query::query_result_handle;
use crate::capi::types::__taos_async_fn_t;

type Job = Box<dyn FnOnce() + Send>;

/// Runs `f` on the library's callback executor (the client's pool, shared with query and
/// fetch completions, so every callback comes from the same kind of thread). Used for
/// callbacks that complete without waiting on the server (errors, end of data).
pub fn spawn_callback(f: Job) {
    crate::client::executor::spawn(f);
}

/// A C pointer carried to another thread; the C side guarantees it stays valid.
#[derive(Clone, Copy)]
struct CPtr(usize);

impl CPtr {
    fn of<T>(p: *mut T) -> Self {
        CPtr(p as usize)
    }
    fn get<T>(self) -> *mut T {
        self.0 as *mut T
    }
}

type AsyncFn = unsafe extern "C" fn(*mut c_void, *mut TAOS_RES, c_int);

/// Calls the user's callback, never letting a panic or unwinding escape.
///
/// The call goes through a `C-unwind` pointer and is not wrapped in `catch_unwind`: a C
/// callback cannot panic, but its thread may be ended by a forced unwind (`pthread_exit`,
/// e.g. Python's interpreter shutting down while a callback waits for the GIL); that
/// unwind must pass through as it does through native libtaos's C frames.
fn invoke(fp: AsyncFn, param: CPtr, res: CPtr, code: c_int) {
    type UnwindFn = unsafe extern "C-unwind" fn(*mut c_void, *mut TAOS_RES, c_int);
    // SAFETY: same signature; only the unwind attribute of the call differs.
    let f = unsafe { std::mem::transmute::<AsyncFn, UnwindFn>(fp) };
    // SAFETY: fp is the caller's callback of the documented signature.
    unsafe { f(param.get(), res.get(), code) }
}

fn query_a_impl(
    taos: *mut TAOS,
    sql: *const c_char,
    fp: __taos_async_fn_t,
    param: *mut c_void,
    req_id: i64,
) -> Result<(), TaosError> {
    let Some(fp) = fp else {
        return Err(crate::capi::boundary::invalid_para("callback fp is NULL"));
    };
    let param = CPtr::of(param);
    let start = (|| {
        let conn = conn_ref(taos)?;
        // SAFETY: NULL or a C string; copied below before returning.
        let sql = unsafe { cstr_arg(sql, "sql") }?.to_string();
        Ok::<_, TaosError>((conn, sql))
    })();
    let (conn, sql) = match start {
        Ok(v) => v,
        Err(e) => {
            set_error(&e);
            // No request exists for a bad handle or SQL: the callback gets a NULL result
            // (nothing to free) and finds the error in taos_errno(NULL) on its thread.
            spawn_callback(Box::new(move || {
                set_error(&e);
                invoke(fp, param, CPtr(0), e.code)
            }));
            return Ok(());
        }
    };
    let taos_addr = CPtr::of(taos);
    conn.conn().query_async(
        &sql,
        req_id as u64,
        Box::new(move |r| {
            let code = r.as_ref().err().map_or(0, |e| e.code);
            // The connection handle outlives its queries per the C contract.
            let h = match conn_ref(taos_addr.get()) {
                Ok(conn) => query_result_handle(conn, r),
                Err(e) => crate::capi::handles::ResHandle::failed(
                    crate::capi::handles::ResKind::Query,
                    &r.err().unwrap_or(e),
                ),
            };
            if let Some(e) = &h.error {
                set_last_error_from(e.code, &e.msg.to_string_lossy());
            }
            let res = CPtr::of(res_into_raw(h));
            invoke(fp, param, res, code);
        }),
    );
    Ok(())
}

fn set_last_error_from(code: i32, msg: &str) {
    crate::capi::boundary::set_last_error(code, msg);
}

/// Runs `sql` asynchronously. `fp(param, res, code)` is called exactly once on a library
/// thread: `code` 0 with a result to read/free, or a negative code with a result carrying
/// the error (free it too). `sql` is copied before returning. NULL `fp` records
/// `TSDB_CODE_INVALID_PARA` and runs nothing; a NULL/invalid `taos` or `sql` is reported
/// through the callback with a NULL `res` (error also in `taos_errno(NULL)` there).
#[no_mangle]
pub extern "C" fn taos_query_a(
    taos: *mut TAOS,
    sql: *const c_char,
    fp: __taos_async_fn_t,
    param: *mut c_void,
) {
    ffi_boundary!("taos_query_a", { query_a_impl(taos, sql, fp, param, 0) })
}

/// `taos_query_a` with a caller-chosen request id (0 = generated).
#[no_mangle]
pub extern "C" fn taos_query_a_with_reqid(
    taos: *mut TAOS,
    sql: *const c_char,
    fp: __taos_async_fn_t,
    param: *mut c_void,
    reqid: i64,
) {
    ffi_boundary!("taos_query_a_with_reqid", {
        query_a_impl(taos, sql, fp, param, reqid)
    })
}

/// Installs a fetched block into the result at `res` and returns the callback code:
/// rows (> 0), 0 at end, or a negative error. `None` means "empty block, fetch again".
fn install(res: CPtr, r: BlockResult, raw: bool) -> Option<c_int> {
    let h = match res_mut(res.get()) {
        Ok(h) => h,
        Err(e) => return Some(e.code),
    };
    let Some(c) = h.cursor.as_mut() else {
        return Some(0);
    };
    match c.install(r) {
        Ok(0) if !c.is_done() => None,
        Ok(n) => {
            if raw {
                c.consume_block();
            }
            Some(n as c_int)
        }
        Err(e) => {
            set_error(&e);
            h.set_error(&e);
            Some(e.code)
        }
    }
}

/// Fetches the next block of `res` asynchronously and reports it to `fp`.
fn fetch_async(res: CPtr, fp: AsyncFn, param: CPtr, raw: bool) {
    // Decide with a short borrow of the result; it must end before the fetch starts,
    // since the completion may run on another thread at once and borrow it again.
    let next: Result<Arc<dyn BlockSource>, TaosError> = match res_mut(res.get()) {
        Err(e) => Err(e),
        Ok(h) => match (&h.error, h.cursor.as_ref()) {
            (Some(e), _) => Err(TaosError::new(e.code, e.msg.to_string_lossy())),
            (None, Some(c)) if !c.is_done() => Ok(c.source()),
            // No rows (statement without result set) or already at the end.
            (None, _) => Err(TaosError::new(0, "success")),
        },
    };
    match next {
        Ok(src) => src.next_block_async(Box::new(move |r| match install(res, r, raw) {
            Some(code) => invoke(fp, param, res, code),
            None => fetch_async(res, fp, param, raw),
        })),
        Err(e) => spawn_callback(Box::new(move || {
            // Errors are also readable with taos_errno(NULL) on the callback's thread.
            if e.code < 0 {
                set_error(&e);
            }
            invoke(fp, param, res, e.code)
        })),
    }
}

/// Fetches the next block asynchronously for the row API. `fp(param, res, n)` is called
/// exactly once on a library thread with the block's row count (> 0; then read exactly
/// those rows with `taos_fetch_row`), 0 at end of data, or a negative error code. `res`
/// is always passed back. NULL `fp` records `TSDB_CODE_INVALID_PARA` and does nothing.
#[no_mangle]
pub extern "C" fn taos_fetch_rows_a(res: *mut TAOS_RES, fp: __taos_async_fn_t, param: *mut c_void) {
    ffi_boundary!("taos_fetch_rows_a", {
        let Some(fp) = fp else {
            return Err(crate::capi::boundary::invalid_para("callback fp is NULL"));
        };
        fetch_async(CPtr::of(res), fp, CPtr::of(param), false);
        Ok(())
    })
}

/// Fetches the next raw block asynchronously. `fp(param, res, n)` is called exactly once
/// on a library thread with the row count (> 0), 0 at end, or a negative error code;
/// then `taos_get_raw_block(res)` returns the block (server format, owned by the result
/// until the next fetch or free). NULL `fp` records `TSDB_CODE_INVALID_PARA`.
#[no_mangle]
pub extern "C" fn taos_fetch_raw_block_a(
    res: *mut TAOS_RES,
    fp: __taos_async_fn_t,
    param: *mut c_void,
) {
    ffi_boundary!("taos_fetch_raw_block_a", {
        let Some(fp) = fp else {
            return Err(crate::capi::boundary::invalid_para("callback fp is NULL"));
        };
        fetch_async(CPtr::of(res), fp, CPtr::of(param), true);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    unsafe extern "C" fn cb(param: *mut c_void, res: *mut TAOS_RES, code: c_int) {
        let tx = unsafe { &*(param as *const mpsc::Sender<(usize, c_int, String)>) };
        let name = std::thread::current().name().unwrap_or("").to_string();
        // The error must also be visible through taos_errno(NULL) on the callback thread.
        let code = if crate::capi::query::taos_errno(std::ptr::null_mut()) == code {
            code
        } else {
            i32::MAX
        };
        let _ = tx.send((res as usize, code, name));
    }

    #[test]
    fn errors_reach_the_callback_on_a_library_thread() {
        let (tx, rx) = mpsc::channel::<(usize, c_int, String)>();
        // Leaked on purpose: the callback thread may still be inside `send` when `recv`
        // returns here, so the sender must outlive the test.
        let tx: &'static mpsc::Sender<_> = Box::leak(Box::new(tx));
        let param = tx as *const _ as *mut c_void;
        taos_query_a(std::ptr::null_mut(), c"select 1".as_ptr(), Some(cb), param);
        let (res, code, thread) = rx.recv().unwrap();
        assert_eq!(
            code,
            taos_wire::error::codes::TSDB_CODE_TSC_INVALID_CONNECTION
        );
        assert_eq!(res, 0);
        assert!(thread.starts_with("taos-callback"), "{thread}");

        taos_fetch_rows_a(std::ptr::null_mut(), Some(cb), param);
        let (_, code, _) = rx.recv().unwrap();
        assert!(code < 0);
        assert!(rx.try_recv().is_err());
    }
}
