//! Process-wide and per-connection options: `taos_options`, `taos_set_config`,
//! `taos_options_connection`, `taos_set_option` and the `OPTIONS` key table used by
//! `taos_connect_with`.

// Exports take C pointers whose validity is the C caller's contract (documented per
// function); they cannot be `unsafe fn` and still be called from C like native ones.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use std::ffi::{c_char, c_int, c_void, CStr};

use parking_lot::Mutex;
use taos_wire::error::codes::{
    TSDB_CODE_INVALID_CFG_VALUE, TSDB_CODE_INVALID_OPTION, TSDB_CODE_INVALID_PARA,
    TSDB_CODE_OPS_NOT_SUPPORT,
};
use taos_wire::error::TaosError;

use crate::capi::boundary::{cstr_arg, err, ffi_boundary, opt_cstr_arg, set_error};
use crate::capi::handles::{conn_ref, TAOS};
use crate::capi::types::{
    setConfRet, OPTIONS, RET_MSG_LENGTH, SET_CONF_RET_ERR_INNER, SET_CONF_RET_ERR_JSON_INVALID,
    SET_CONF_RET_ERR_PART, SET_CONF_RET_SUCC, TSDB_MAX_OPTIONS_ITEMS, TSDB_OPTION,
    TSDB_OPTION_CHARSET, TSDB_OPTION_CONFIGDIR, TSDB_OPTION_CONNECTION,
    TSDB_OPTION_CONNECTION_CHARSET, TSDB_OPTION_CONNECTION_CLEAR,
    TSDB_OPTION_CONNECTION_CONNECTOR_INFO, TSDB_OPTION_CONNECTION_USER_APP, TSDB_OPTION_DRIVER,
    TSDB_OPTION_LOCALE, TSDB_OPTION_SHELL_ACTIVITY_TIMER, TSDB_OPTION_TIMEZONE,
    TSDB_OPTION_USE_ADAPTER,
};
use crate::client::{config, ConnectOptions};

/// `TSDB_OPTION_LOCALE` as last set (reported only: text is always UTF-8).
static LOCALE: Mutex<Option<String>> = Mutex::new(None);

/// The locale last set with `taos_options(TSDB_OPTION_LOCALE)`.
pub fn locale() -> Option<String> {
    LOCALE.lock().clone()
}

/// True for the charsets the library can deliver (it always speaks UTF-8).
pub fn is_utf8_charset(s: &str) -> bool {
    let s = s.trim().to_ascii_lowercase().replace(['-', '_'], "");
    s == "utf8"
}

fn set_global_option(option: c_int, arg: Option<&str>) -> Result<(), TaosError> {
    match option {
        TSDB_OPTION_CONFIGDIR => match arg {
            Some(dir) => config::set_config_dir(dir),
            None => Err(err(TSDB_CODE_INVALID_PARA, "config dir is NULL")),
        },
        TSDB_OPTION_TIMEZONE => {
            config::set_timezone(arg.unwrap_or(""));
            Ok(())
        }
        TSDB_OPTION_LOCALE => {
            *LOCALE.lock() = arg.map(str::to_string);
            Ok(())
        }
        TSDB_OPTION_CHARSET => match arg {
            None => Ok(()),
            Some(cs) if is_utf8_charset(cs) => Ok(()),
            Some(cs) => Err(err(
                TSDB_CODE_INVALID_CFG_VALUE,
                format!("charset {cs} is not supported: libtaos-rs only speaks UTF-8"),
            )),
        },
        TSDB_OPTION_DRIVER => match arg {
            Some(d) if d.eq_ignore_ascii_case("websocket") => Ok(()),
            Some(d) if d.eq_ignore_ascii_case("native") => Err(err(
                TSDB_CODE_OPS_NOT_SUPPORT,
                "driver native is not available: libtaos-rs only implements the websocket driver",
            )),
            other => Err(err(
                TSDB_CODE_INVALID_OPTION,
                format!("invalid driver {other:?}: expected \"websocket\""),
            )),
        },
        TSDB_OPTION_SHELL_ACTIVITY_TIMER | TSDB_OPTION_USE_ADAPTER => Err(err(
            TSDB_CODE_OPS_NOT_SUPPORT,
            format!("taos_options option {option} is not supported yet by libtaos-rs"),
        )),
        _ => Err(err(
            TSDB_CODE_INVALID_OPTION,
            format!("invalid option {option}"),
        )),
    }
}

/// Sets a process-wide option before connecting: `TSDB_OPTION_CONFIGDIR` (folder of
/// taos.cfg; as natively it is read once, by `taos_init` / the first connect, and a later
/// call succeeds but changes nothing), `TSDB_OPTION_TIMEZONE` (session timezone of later connections),
/// `TSDB_OPTION_LOCALE`, `TSDB_OPTION_CHARSET` (only UTF-8 is accepted) and
/// `TSDB_OPTION_DRIVER` ("websocket" accepted, "native" fails). `arg` is a C string and
/// is copied. Declared variadic in C; extra arguments are ignored.
/// Returns 0 on success, -1 on failure with the reason in `taos_errno(NULL)`/`taos_errstr(NULL)`.
#[no_mangle]
pub extern "C" fn taos_options(option: TSDB_OPTION, arg: *const c_void) -> c_int {
    ffi_boundary!("taos_options", {
        // SAFETY: arg is NULL or a C string per the taos_options contract.
        let arg = unsafe { opt_cstr_arg(arg as *const c_char, "arg") }?;
        match set_global_option(option, arg) {
            Ok(()) => Ok(0),
            Err(e) => {
                set_error(&e);
                Ok(-1)
            }
        }
    })
}

fn conf_ret(code: c_int, msg: &str) -> setConfRet {
    let mut r = setConfRet {
        retCode: code,
        retMsg: [0; RET_MSG_LENGTH],
    };
    for (d, s) in r
        .retMsg
        .iter_mut()
        .zip(msg.bytes().take(RET_MSG_LENGTH - 1))
    {
        *d = s as c_char;
    }
    r
}

/// Applies `{"key": "value", ...}` configuration; returns (code, message).
///
/// TDengine 3.x's native `taos_set_config` ignores its input and always reports success
/// (drivers such as driver-go pass text that is not JSON and accept only success), so
/// text that is not a JSON object and keys the library has no equivalent for are ignored
/// with `SET_CONF_RET_SUCC` and named in the message; only a known key with a bad value
/// fails (`SET_CONF_RET_ERR_PART`).
fn set_config_json(json: &str) -> (c_int, String) {
    let map = match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => {
            return (
                SET_CONF_RET_SUCC,
                "ignored: config is not a JSON object".to_string(),
            )
        }
    };
    let mut ignored = Vec::new();
    let mut failed = Vec::new();
    for (k, v) in &map {
        let val = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let opt = match k.to_ascii_lowercase().as_str() {
            "timezone" => Some(TSDB_OPTION_TIMEZONE),
            "locale" => Some(TSDB_OPTION_LOCALE),
            "charset" => Some(TSDB_OPTION_CHARSET),
            "configdir" => Some(TSDB_OPTION_CONFIGDIR),
            _ => None,
        };
        match opt {
            Some(o) => {
                if let Err(e) = set_global_option(o, Some(&val)) {
                    failed.push(format!("{k}: {}", e.message));
                }
            }
            None => ignored.push(k.as_str()),
        }
    }
    if !failed.is_empty() {
        (
            SET_CONF_RET_ERR_PART,
            format!("part error|{}", failed.join("|")),
        )
    } else if ignored.is_empty() {
        (SET_CONF_RET_SUCC, String::new())
    } else {
        (
            SET_CONF_RET_SUCC,
            format!("ignored: {}", ignored.join(", ")),
        )
    }
}

/// Applies a JSON object of configuration items (`{"timezone":"UTC"}`). Applied keys:
/// timezone, locale, charset (UTF-8 only), configDir. As in TDengine 3.x, other keys and
/// text that is not a JSON object are ignored and still give `SET_CONF_RET_SUCC` (the
/// ignored keys are named in `retMsg`); a bad value for an applied key gives
/// `SET_CONF_RET_ERR_PART`. Returns the 1028-byte `setConfRet` by value; `retMsg` is
/// NUL-terminated. NULL `config` gives `SET_CONF_RET_ERR_JSON_INVALID`.
#[no_mangle]
pub extern "C" fn taos_set_config(config: *const c_char) -> setConfRet {
    let r = std::panic::catch_unwind(|| {
        // SAFETY: NULL or a C string per contract.
        match unsafe { cstr_arg(config, "config") } {
            Ok(s) => set_config_json(s),
            Err(e) => (SET_CONF_RET_ERR_JSON_INVALID, e.message),
        }
    });
    match r {
        Ok((code, msg)) => conf_ret(code, &msg),
        Err(_) => conf_ret(
            SET_CONF_RET_ERR_INNER,
            "internal error: panic in taos_set_config",
        ),
    }
}

/// Truncates `s` to at most `max` bytes on a char boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Sets a per-connection option after connect: `TSDB_OPTION_CONNECTION_CHARSET` (UTF-8
/// only), `_TIMEZONE`, `_USER_IP`, `_USER_APP` (truncated to 23 bytes),
/// `_CONNECTOR_INFO` (truncated to 255 bytes), or `_CLEAR` (resets all). `arg` NULL
/// resets the option. Declared variadic in C; extra arguments are ignored. Returns 0 or a
/// negative error code (also readable with `taos_errstr(NULL)`); NULL `taos` gives
/// `TSDB_CODE_TSC_INVALID_CONNECTION`.
#[no_mangle]
pub extern "C" fn taos_options_connection(
    taos: *mut TAOS,
    option: TSDB_OPTION_CONNECTION,
    arg: *const c_void,
) -> c_int {
    ffi_boundary!("taos_options_connection", {
        let conn = conn_ref(taos)?;
        // SAFETY: arg is NULL or a C string per contract.
        let arg = unsafe { opt_cstr_arg(arg as *const c_char, "arg") }?;
        if !(TSDB_OPTION_CONNECTION_CLEAR..=TSDB_OPTION_CONNECTION_CONNECTOR_INFO).contains(&option)
        {
            return Err(err(
                TSDB_CODE_INVALID_PARA,
                format!("invalid connection option {option}"),
            ));
        }
        let arg = match option {
            TSDB_OPTION_CONNECTION_CHARSET => {
                if let Some(cs) = arg {
                    if !is_utf8_charset(cs) {
                        return Err(err(
                            TSDB_CODE_INVALID_PARA,
                            format!("charset {cs} is not supported: only UTF-8"),
                        ));
                    }
                }
                // Nothing to tell the server: text is UTF-8 end to end.
                return Ok(0);
            }
            TSDB_OPTION_CONNECTION_USER_APP => arg.map(|s| truncate(s, 23)),
            TSDB_OPTION_CONNECTION_CONNECTOR_INFO => arg.map(|s| truncate(s, 255)),
            _ => arg,
        };
        conn.set_connection_option(option, arg)?;
        Ok(0)
    })
}

/// Appends a key/value pair to a caller-owned `OPTIONS` (zero-initialised by the caller).
/// Only the pointers are stored: the strings must stay valid until `taos_connect_with`.
/// NULL `options`/`key`, or a full table (256 pairs), records `TSDB_CODE_INVALID_PARA` in
/// `taos_errno(NULL)` and changes nothing.
#[no_mangle]
pub extern "C" fn taos_set_option(options: *mut OPTIONS, key: *const c_char, value: *const c_char) {
    ffi_boundary!("taos_set_option", {
        if options.is_null() || key.is_null() {
            return Err(err(TSDB_CODE_INVALID_PARA, "options or key is NULL"));
        }
        // SAFETY: caller passes a valid OPTIONS.
        let o = unsafe { &mut *options };
        let n = o.count as usize;
        if n >= TSDB_MAX_OPTIONS_ITEMS {
            return Err(err(
                TSDB_CODE_INVALID_PARA,
                format!("too many options (max {TSDB_MAX_OPTIONS_ITEMS})"),
            ));
        }
        o.keys[n] = key;
        o.values[n] = value;
        o.count += 1;
        Ok(())
    })
}

/// Reads an `OPTIONS` table into (key, value) pairs; later duplicates win when applied in
/// order. NULL values are skipped.
///
/// # Safety
/// `options` must be NULL or a valid `OPTIONS` whose strings are live.
pub unsafe fn options_pairs(options: *const OPTIONS) -> Result<Vec<(String, String)>, TaosError> {
    if options.is_null() {
        return Ok(Vec::new());
    }
    // SAFETY: per contract.
    let o = unsafe { &*options };
    let n = (o.count as usize).min(TSDB_MAX_OPTIONS_ITEMS);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if o.keys[i].is_null() || o.values[i].is_null() {
            continue;
        }
        // SAFETY: non-NULL C strings per contract.
        let k = unsafe { CStr::from_ptr(o.keys[i]) }
            .to_string_lossy()
            .into_owned();
        let v = unsafe { CStr::from_ptr(o.values[i]) }
            .to_string_lossy()
            .into_owned();
        out.push((k, v));
    }
    Ok(out)
}

/// Applies `OPTIONS` keys to connect options. Keys are case-sensitive; unknown keys and
/// pure tuning knobs the library does not have (compression, connRetries, retryBackoff*,
/// adapterHa, wsTlsVersion, wsTlsCa) are ignored.
pub fn apply_option_pairs(
    pairs: &[(String, String)],
    opts: &mut ConnectOptions,
) -> Result<(), TaosError> {
    for (k, v) in pairs {
        match k.as_str() {
            "ip" => opts.host = v.clone(),
            "user" => opts.user = v.clone(),
            "pass" => opts.password = v.clone(),
            "db" => opts.db = Some(v.clone()).filter(|s| !s.is_empty()),
            "port" => {
                opts.port = v
                    .trim()
                    .parse()
                    .map_err(|_| err(TSDB_CODE_INVALID_PARA, format!("invalid port {v:?}")))?
            }
            "charset" if !is_utf8_charset(v) => {
                return Err(err(
                    TSDB_CODE_INVALID_PARA,
                    format!("charset {v} is not supported: only UTF-8"),
                ));
            }
            "timezone" => opts.timezone = Some(v.clone()),
            "userIp" => opts.ip = Some(v.clone()),
            "userApp" => opts.app = Some(truncate(v, 23).to_string()),
            "connectorInfo" => opts.connector = Some(truncate(v, 255).to_string()),
            "token" => opts.bearer_token = Some(v.clone()).filter(|s| !s.is_empty()),
            "adapterList" => {
                // First address is the primary endpoint, the rest are failover endpoints.
                let mut addrs = Vec::new();
                for a in v.split(',').map(str::trim).filter(|a| !a.is_empty()) {
                    addrs.push(config::parse_host_port(a, 0).ok_or_else(|| {
                        err(
                            TSDB_CODE_INVALID_PARA,
                            format!("invalid adapterList entry {a:?}"),
                        )
                    })?);
                }
                let mut it = addrs.into_iter();
                if let Some((h, p)) = it.next() {
                    opts.host = h;
                    opts.port = p;
                    opts.fallback = it.collect();
                }
            }
            "wsTlsMode" => opts.tls = !matches!(v.trim(), "" | "0" | "disabled" | "false"),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_config_applies_known_keys_and_ignores_the_rest() {
        assert_eq!(
            set_config_json("{\"locale\":\"C\"}"),
            (SET_CONF_RET_SUCC, String::new())
        );
        assert_eq!(locale().as_deref(), Some("C"));
        let (c, m) = set_config_json("{\"debugFlag\":\"131\"}");
        assert_eq!(c, SET_CONF_RET_SUCC);
        assert_eq!(m, "ignored: debugFlag");
        let (c, m) = set_config_json("{\"charset\":\"GBK\"}");
        assert_eq!(c, SET_CONF_RET_ERR_PART);
        assert!(m.starts_with("part error|charset"), "{m}");
        assert_eq!(set_config_json("debugFlag 135").0, SET_CONF_RET_SUCC);
    }

    #[test]
    fn option_pairs_map_to_connect_options() {
        let mut o = ConnectOptions::default();
        let pairs = vec![
            ("ip".to_string(), "h1".to_string()),
            ("port".to_string(), "6041".to_string()),
            ("user".to_string(), "u".to_string()),
            ("userApp".to_string(), "a".repeat(40)),
            ("adapterList".to_string(), "h2:7000,h3:7001".to_string()),
            ("token".to_string(), "tok".to_string()),
        ];
        apply_option_pairs(&pairs, &mut o).unwrap();
        assert_eq!(o.host, "h2");
        assert_eq!(o.port, 7000);
        assert_eq!(o.fallback, vec![("h3".to_string(), 7001)]);
        assert_eq!(o.user, "u");
        assert_eq!(o.app.as_deref().map(str::len), Some(23));
        assert_eq!(o.bearer_token.as_deref(), Some("tok"));
        assert!(apply_option_pairs(&[("port".into(), "x".into())], &mut o).is_err());
        assert!(apply_option_pairs(&[("charset".into(), "GBK".into())], &mut o).is_err());
    }

    #[test]
    fn driver_option() {
        assert!(set_global_option(TSDB_OPTION_DRIVER, Some("websocket")).is_ok());
        let e = set_global_option(TSDB_OPTION_DRIVER, Some("native")).unwrap_err();
        assert_eq!(e.code, TSDB_CODE_OPS_NOT_SUPPORT);
        assert!(is_utf8_charset("UTF-8"));
        assert!(!is_utf8_charset("GBK"));
    }
}
