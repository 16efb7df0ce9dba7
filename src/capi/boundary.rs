//! The panic boundary and the thread-local last error shared by every export.
//!
//! # Writing a new export
//!
//! ```ignore
//! /// Doc comment: what it returns, who owns returned pointers, NULL handling.
//! #[no_mangle]
//! pub extern "C" fn taos_something(taos: *mut TAOS, sql: *const c_char) -> c_int {
//!     ffi_boundary!("taos_something", {
//!         let conn = conn_ref(taos)?;            // NULL / freed handle -> error code
//!         let sql = cstr_arg(sql, "sql")?;       // NULL / bad UTF-8   -> error code
//!         conn.conn.do_it(sql)?;                 // TaosError          -> error code
//!         Ok(0)
//!     })
//! }
//! ```
//!
//! * The body is a closure returning `Result<R, TaosError>` where `R` is the C return
//!   type. `?` works on anything that is a `TaosError`.
//! * `Err(e)` records `e` as the calling thread's last error and returns
//!   [`CReturn::on_error`] for `R`: the error code for `c_int`/`i32`/`i64`, NULL for
//!   pointers, `false`, `()`, 0 for unsigned counts.
//! * A panic inside the body is caught, recorded as
//!   `TSDB_CODE_INTERNAL_ERROR` "internal error: panic in <fn>", and turned into the
//!   same per-type default. Nothing ever unwinds into C.
//! * Functions that are exported but not implemented return `Err(not_supported_err(name))`
//!   (or call [`not_supported`] directly for `int`-returning functions).
//!
//! `ffi_boundary!` never clears the last error on success: native `terrno` is also only
//! written on failure paths, and apps read it only after a failure.

use std::cell::RefCell;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int};

use taos_wire::error::codes::{
    TSDB_CODE_INTERNAL_ERROR, TSDB_CODE_INVALID_PARA, TSDB_CODE_OPS_NOT_SUPPORT,
};
use taos_wire::error::TaosError;

/// The calling thread's last error: code (negative, 0 = none) and its message.
struct LastError {
    code: i32,
    msg: CString,
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError {
        code: 0,
        msg: CString::new("success").expect("literal has no NUL"),
    });
}

/// Turns any text into a `CString`, dropping interior NUL bytes rather than failing.
pub fn to_cstring(s: &str) -> CString {
    match CString::new(s) {
        Ok(c) => c,
        Err(_) => CString::new(s.replace('\0', "")).unwrap_or_default(),
    }
}

/// Records `code`/`msg` as the calling thread's last error (`taos_errno(NULL)`).
pub fn set_last_error(code: i32, msg: &str) {
    let msg = if code == 0 && msg.is_empty() {
        "success"
    } else {
        msg
    };
    let c = to_cstring(msg);
    let _ = LAST_ERROR.try_with(|e| {
        if let Ok(mut e) = e.try_borrow_mut() {
            e.code = code;
            e.msg = c;
        }
    });
}

/// Records a [`TaosError`] as the calling thread's last error.
pub fn set_error(err: &TaosError) {
    set_last_error(err.code, &err.message);
}

/// Resets the calling thread's last error to 0 / "success".
pub fn clear_last_error() {
    set_last_error(0, "success");
}

/// The calling thread's last error code (0 when none).
pub fn last_error_code() -> i32 {
    LAST_ERROR
        .try_with(|e| e.try_borrow().map(|e| e.code).unwrap_or(0))
        .unwrap_or(0)
}

/// The calling thread's last error message as an owned string ("success" when none).
pub fn last_error() -> (i32, String) {
    LAST_ERROR
        .try_with(|e| {
            e.try_borrow()
                .map(|e| (e.code, e.msg.to_string_lossy().into_owned()))
                .unwrap_or((0, String::new()))
        })
        .unwrap_or((0, String::new()))
}

static SUCCESS: &CStr = c"success";

/// The calling thread's last error message as a C string. Never NULL ("success" when
/// there is none). The pointer stays valid until the next error is recorded on this
/// thread; callers must not free it.
pub fn last_error_str() -> *const c_char {
    LAST_ERROR
        .try_with(|e| {
            e.try_borrow()
                .map(|e| e.msg.as_ptr())
                .unwrap_or(SUCCESS.as_ptr())
        })
        .unwrap_or(SUCCESS.as_ptr())
}

/// What a C return type becomes when the export fails (error or panic).
pub trait CReturn {
    /// The value returned to C for `err` (the error is already recorded).
    fn on_error(err: &TaosError) -> Self;
}

impl CReturn for i32 {
    fn on_error(err: &TaosError) -> Self {
        if err.code == 0 {
            TSDB_CODE_INTERNAL_ERROR
        } else {
            err.code
        }
    }
}
impl CReturn for i64 {
    fn on_error(err: &TaosError) -> Self {
        i32::on_error(err) as i64
    }
}
impl CReturn for u32 {
    fn on_error(_: &TaosError) -> Self {
        0
    }
}
impl CReturn for u16 {
    fn on_error(_: &TaosError) -> Self {
        0
    }
}
impl CReturn for bool {
    fn on_error(_: &TaosError) -> Self {
        false
    }
}
impl CReturn for () {
    fn on_error(_: &TaosError) -> Self {}
}
impl<T> CReturn for *mut T {
    fn on_error(_: &TaosError) -> Self {
        std::ptr::null_mut()
    }
}
impl<T> CReturn for *const T {
    fn on_error(_: &TaosError) -> Self {
        std::ptr::null()
    }
}

/// Converts a body's result into the C return convention, recording the error.
pub fn c_result<R: CReturn>(r: Result<R, TaosError>) -> R {
    match r {
        Ok(v) => v,
        Err(e) => {
            set_error(&e);
            R::on_error(&e)
        }
    }
}

/// The error recorded when an export panics.
pub fn panic_error(fn_name: &str) -> TaosError {
    TaosError {
        code: TSDB_CODE_INTERNAL_ERROR,
        message: format!("internal error: panic in {fn_name}"),
    }
}

/// Builds a `TaosError` from a code and message.
pub fn err(code: i32, message: impl Into<String>) -> TaosError {
    TaosError {
        code,
        message: message.into(),
    }
}

/// `TSDB_CODE_INVALID_PARA` with `message`.
pub fn invalid_para(message: impl Into<String>) -> TaosError {
    err(TSDB_CODE_INVALID_PARA, message)
}

/// Wraps an export body: catches panics, converts `Result<R, TaosError>` to the C
/// convention (see the module doc). `$name` is the exported function's name.
#[macro_export]
macro_rules! ffi_boundary {
    ($name:expr, $body:block) => {{
        let r = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> ::std::result::Result<_, ::taos_wire::error::TaosError> { $body },
        ));
        match r {
            Ok(r) => $crate::capi::boundary::c_result(r),
            Err(_) => {
                $crate::capi::boundary::c_result(Err($crate::capi::boundary::panic_error($name)))
            }
        }
    }};
}
pub use ffi_boundary;

/// Reads a required C string argument: NULL or invalid UTF-8 gives `TSDB_CODE_INVALID_PARA`.
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that outlives `'a`.
pub unsafe fn cstr_arg<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, TaosError> {
    if ptr.is_null() {
        return Err(invalid_para(format!("{name} is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    let c = unsafe { CStr::from_ptr(ptr) };
    c.to_str()
        .map_err(|_| invalid_para(format!("{name} is not valid UTF-8")))
}

/// Reads an optional C string argument: NULL gives `None`, invalid UTF-8 an error.
///
/// # Safety
/// As [`cstr_arg`].
pub unsafe fn opt_cstr_arg<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, TaosError> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { cstr_arg(ptr, name) }.map(Some)
    }
}

/// The error an unimplemented export reports.
pub fn not_supported_err(fn_name: &str) -> TaosError {
    err(
        TSDB_CODE_OPS_NOT_SUPPORT,
        format!("{fn_name} is not supported yet by libtaos-rs"),
    )
}

/// Records `TSDB_CODE_OPS_NOT_SUPPORT` for `fn_name` and returns the code.
pub fn not_supported(fn_name: &str) -> c_int {
    let e = not_supported_err(fn_name);
    set_error(&e);
    e.code
}

/// Copies `s` into a caller buffer of `cap` bytes, always NUL-terminating when `cap > 0`.
/// Returns the number of bytes copied (without the NUL).
///
/// # Safety
/// `buf` must be NULL or valid for `cap` bytes of writes.
pub unsafe fn copy_to_c_buf(s: &[u8], buf: *mut c_char, cap: usize) -> usize {
    if buf.is_null() || cap == 0 {
        return 0;
    }
    let n = s.len().min(cap - 1);
    // SAFETY: buf is valid for cap >= n + 1 bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(s.as_ptr(), buf as *mut u8, n);
        *buf.add(n) = 0;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_error_defaults_to_success() {
        std::thread::spawn(|| {
            assert_eq!(last_error_code(), 0);
            let s = unsafe { CStr::from_ptr(last_error_str()) };
            assert_eq!(s.to_str().unwrap(), "success");
            set_last_error(TSDB_CODE_INVALID_PARA, "bad");
            assert_eq!(last_error_code(), TSDB_CODE_INVALID_PARA);
            let s = unsafe { CStr::from_ptr(last_error_str()) };
            assert_eq!(s.to_str().unwrap(), "bad");
            clear_last_error();
            assert_eq!(last_error(), (0, "success".to_string()));
        })
        .join()
        .unwrap();
    }

    #[test]
    fn boundary_catches_panic_and_maps_errors() {
        fn boom() -> c_int {
            ffi_boundary!("boom", {
                if last_error_code() != 12345 {
                    panic!("expected");
                }
                Ok(0)
            })
        }
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let rc = boom();
        std::panic::set_hook(prev);
        assert_eq!(rc, TSDB_CODE_INTERNAL_ERROR);
        assert_eq!(last_error().1, "internal error: panic in boom");

        fn ptr_fail() -> *mut u8 {
            ffi_boundary!("ptr_fail", { Err(invalid_para("x is NULL")) })
        }
        assert!(ptr_fail().is_null());
        assert_eq!(last_error_code(), TSDB_CODE_INVALID_PARA);
        assert_eq!(not_supported("taos_x"), TSDB_CODE_OPS_NOT_SUPPORT);
        assert_eq!(last_error().1, "taos_x is not supported yet by libtaos-rs");
    }

    #[test]
    fn cstr_arg_checks() {
        assert!(unsafe { cstr_arg(std::ptr::null(), "sql") }.is_err());
        let bad = [0xffu8, 0];
        assert!(unsafe { cstr_arg(bad.as_ptr() as *const c_char, "sql") }.is_err());
        assert_eq!(unsafe { cstr_arg(c"ok".as_ptr(), "sql") }.unwrap(), "ok");
        assert_eq!(
            unsafe { opt_cstr_arg(std::ptr::null(), "db") }.unwrap(),
            None
        );
    }

    #[test]
    fn copy_to_c_buf_truncates() {
        let mut buf = [1 as c_char; 4];
        assert_eq!(unsafe { copy_to_c_buf(b"hello", buf.as_mut_ptr(), 4) }, 3);
        assert_eq!(buf[3], 0);
    }
}
