//! The `#[repr(C)]` structs, typedefs and constants of `taos.h` (abi.md §2, §3).
//!
//! cbindgen turns this file into the type part of `include/taos.h`. Names are the C names
//! verbatim. C enums are modelled as `c_int` typedefs plus constants: a C caller may pass any
//! `int`, and a Rust enum receiving an unknown value would be undefined behaviour (abi.md §4.2).
//! Every layout is pinned by a compile-time size/offset check at the end of the file.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

use std::ffi::{c_char, c_int, c_void};

// ---------------------------------------------------------------------------------------------
// Opaque handles and scalar typedefs (abi.md §2.1)

/// Connection handle (`TAOS *`), returned by `taos_connect*`, released by `taos_close`.
pub type TAOS = c_void;
/// Result handle (`TAOS_RES *`) of a query, schemaless insert, stmt execution or TMQ message.
pub type TAOS_RES = c_void;
/// Parameter-binding statement handle (stmt v1).
pub type TAOS_STMT = c_void;
/// Parameter-binding statement handle (stmt2).
pub type TAOS_STMT2 = c_void;
/// Left-over 2.x subscription handle; no 3.x function uses it.
pub type TAOS_SUB = c_void;
/// One row: an array of `num_fields` cell pointers (NULL cell = SQL NULL).
pub type TAOS_ROW = *mut *mut c_void;

/// TMQ consumer (opaque; C sees `typedef struct tmq_t tmq_t;`).
pub struct tmq_t {
    _opaque: [u8; 0],
}
/// TMQ consumer configuration (opaque; C sees `typedef struct tmq_conf_t tmq_conf_t;`).
pub struct tmq_conf_t {
    _opaque: [u8; 0],
}
/// TMQ topic list (opaque; C sees `typedef struct tmq_list_t tmq_list_t;`).
pub struct tmq_list_t {
    _opaque: [u8; 0],
}

/// Stand-in for the C *function type* `tmq_commit_cb`; parameters are declared
/// `tmq_commit_cb *cb`. The header spells the typedef by hand (cbindgen.toml), because
/// cgo code casts to `*C.tmq_commit_cb` and needs a function type, not a pointer type.
/// Convert with [`tmq_commit_cb_fn`].
pub struct tmq_commit_cb {
    _opaque: [u8; 0],
}

/// The callable behind a `tmq_commit_cb *`: `cb(tmq, code, param)`.
pub type TmqCommitFn = unsafe extern "C" fn(tmq: *mut tmq_t, code: i32, param: *mut c_void);

/// Turn a C `tmq_commit_cb *` into a callable (None for NULL).
///
/// # Safety
/// `cb` must be NULL or point to a C function with the `tmq_commit_cb` signature.
pub unsafe fn tmq_commit_cb_fn(cb: *mut tmq_commit_cb) -> Option<TmqCommitFn> {
    if cb.is_null() {
        None
    } else {
        // SAFETY: per the contract `cb` is such a function; function and data pointers have
        // the same size on supported targets.
        Some(unsafe { std::mem::transmute::<*mut tmq_commit_cb, TmqCommitFn>(cb) })
    }
}

/// C `_Bool` as read from caller memory: any non-zero byte is true. The header prints it as
/// `bool` (cbindgen.toml renames it); Rust reads a `u8` so a stray value is never UB.
pub type CBool = u8;

// ---------------------------------------------------------------------------------------------
// Callback types (abi.md §2.2)

/// Async query/fetch callback: `(param, res, code)`; for fetches the third argument is the
/// row count (>0), 0 at end, negative on error.
pub type __taos_async_fn_t =
    Option<unsafe extern "C" fn(param: *mut c_void, res: *mut TAOS_RES, code: c_int)>;
/// Notification callback `(param, ext, type)` for `taos_set_notify_cb`; `type` is `TAOS_NOTIFY_*`.
pub type __taos_notify_fn_t =
    Option<unsafe extern "C" fn(param: *mut c_void, ext: *mut c_void, r#type: c_int)>;
/// IPv4 whitelist callback: entries packed into `uint64_t` values.
pub type __taos_async_whitelist_fn_t = Option<
    unsafe extern "C" fn(
        param: *mut c_void,
        code: c_int,
        taos: *mut TAOS,
        numOfWhiteLists: c_int,
        pWhiteLists: *mut u64,
    ),
>;
/// Dual-stack whitelist callback: entries are strings `"+ cidr"` / `"- cidr"`.
pub type __taos_async_whitelist_dual_stack_fn_t = Option<
    unsafe extern "C" fn(
        param: *mut c_void,
        code: c_int,
        taos: *mut TAOS,
        numOfWhiteLists: c_int,
        pWhiteLists: *mut *mut c_char,
    ),
>;
/// IP whitelist callback (string entries).
pub type __taos_async_ip_whitelist_fn_t = Option<
    unsafe extern "C" fn(
        param: *mut c_void,
        code: c_int,
        taos: *mut TAOS,
        numOfWhiteLists: c_int,
        pWhiteLists: *mut *mut c_char,
    ),
>;
/// Date-time whitelist callback (string entries).
pub type __taos_async_datetime_whitelist_fn_t = Option<
    unsafe extern "C" fn(
        param: *mut c_void,
        code: c_int,
        taos: *mut TAOS,
        numOfWhiteLists: c_int,
        pWhiteLists: *mut *mut c_char,
    ),
>;

// ---------------------------------------------------------------------------------------------
// Data types and other macros (abi.md §3.1)

/// Type code: NULL.
pub const TSDB_DATA_TYPE_NULL: c_int = 0;
/// Type code: BOOL (1 byte).
pub const TSDB_DATA_TYPE_BOOL: c_int = 1;
/// Type code: TINYINT (int8).
pub const TSDB_DATA_TYPE_TINYINT: c_int = 2;
/// Type code: SMALLINT (int16).
pub const TSDB_DATA_TYPE_SMALLINT: c_int = 3;
/// Type code: INT (int32).
pub const TSDB_DATA_TYPE_INT: c_int = 4;
/// Type code: BIGINT (int64).
pub const TSDB_DATA_TYPE_BIGINT: c_int = 5;
/// Type code: FLOAT.
pub const TSDB_DATA_TYPE_FLOAT: c_int = 6;
/// Type code: DOUBLE.
pub const TSDB_DATA_TYPE_DOUBLE: c_int = 7;
/// Type code: VARCHAR (alias BINARY).
pub const TSDB_DATA_TYPE_VARCHAR: c_int = 8;
/// Type code: BINARY, an alias of VARCHAR.
pub const TSDB_DATA_TYPE_BINARY: c_int = TSDB_DATA_TYPE_VARCHAR;
/// Type code: TIMESTAMP (int64 in the result precision).
pub const TSDB_DATA_TYPE_TIMESTAMP: c_int = 9;
/// Type code: NCHAR (UTF-8 in row/block APIs).
pub const TSDB_DATA_TYPE_NCHAR: c_int = 10;
/// Type code: TINYINT UNSIGNED.
pub const TSDB_DATA_TYPE_UTINYINT: c_int = 11;
/// Type code: SMALLINT UNSIGNED.
pub const TSDB_DATA_TYPE_USMALLINT: c_int = 12;
/// Type code: INT UNSIGNED.
pub const TSDB_DATA_TYPE_UINT: c_int = 13;
/// Type code: BIGINT UNSIGNED.
pub const TSDB_DATA_TYPE_UBIGINT: c_int = 14;
/// Type code: JSON (tags only).
pub const TSDB_DATA_TYPE_JSON: c_int = 15;
/// Type code: VARBINARY.
pub const TSDB_DATA_TYPE_VARBINARY: c_int = 16;
/// Type code: DECIMAL (128-bit).
pub const TSDB_DATA_TYPE_DECIMAL: c_int = 17;
/// Type code: BLOB (uint32 length prefix).
pub const TSDB_DATA_TYPE_BLOB: c_int = 18;
/// Type code: MEDIUMBLOB (reserved).
pub const TSDB_DATA_TYPE_MEDIUMBLOB: c_int = 19;
/// Type code: GEOMETRY (WKB).
pub const TSDB_DATA_TYPE_GEOMETRY: c_int = 20;
/// Type code: DECIMAL64 (3.3.6.0+).
pub const TSDB_DATA_TYPE_DECIMAL64: c_int = 21;
/// One past the largest type code.
pub const TSDB_DATA_TYPE_MAX: c_int = 22;

/// Millisecond result precision (`taos_result_precision`).
pub const TSDB_TIME_PRECISION_MILLI: c_int = 0;
/// Microsecond result precision.
pub const TSDB_TIME_PRECISION_MICRO: c_int = 1;
/// Nanosecond result precision.
pub const TSDB_TIME_PRECISION_NANO: c_int = 2;

/// Capacity of `setConfRet.retMsg`.
pub const RET_MSG_LENGTH: usize = 1024;
/// Length of the name buffers in the field structs, including the NUL.
pub const TSDB_COL_NAME_LEN: usize = 65;
/// Maximum number of key/value pairs in `OPTIONS`.
pub const TSDB_MAX_OPTIONS_ITEMS: usize = 256;

// ---------------------------------------------------------------------------------------------
// Enums (abi.md §2.4), as `int` typedefs plus constants

/// Global option for `taos_options`.
pub type TSDB_OPTION = c_int;
/// Locale.
pub const TSDB_OPTION_LOCALE: TSDB_OPTION = 0;
/// Client charset.
pub const TSDB_OPTION_CHARSET: TSDB_OPTION = 1;
/// Time zone.
pub const TSDB_OPTION_TIMEZONE: TSDB_OPTION = 2;
/// Directory of taos.cfg.
pub const TSDB_OPTION_CONFIGDIR: TSDB_OPTION = 3;
/// Shell activity timer.
pub const TSDB_OPTION_SHELL_ACTIVITY_TIMER: TSDB_OPTION = 4;
/// Use taosAdapter.
pub const TSDB_OPTION_USE_ADAPTER: TSDB_OPTION = 5;
/// Driver selection ("native" / "websocket"), 3.3.6+.
pub const TSDB_OPTION_DRIVER: TSDB_OPTION = 6;
/// Number of global options.
pub const TSDB_MAX_OPTIONS: TSDB_OPTION = 7;

/// Per-connection option for `taos_options_connection`.
pub type TSDB_OPTION_CONNECTION = c_int;
/// Reset every connection option.
pub const TSDB_OPTION_CONNECTION_CLEAR: TSDB_OPTION_CONNECTION = -1;
/// Connection charset.
pub const TSDB_OPTION_CONNECTION_CHARSET: TSDB_OPTION_CONNECTION = 0;
/// Connection time zone.
pub const TSDB_OPTION_CONNECTION_TIMEZONE: TSDB_OPTION_CONNECTION = 1;
/// Reported user IP.
pub const TSDB_OPTION_CONNECTION_USER_IP: TSDB_OPTION_CONNECTION = 2;
/// Reported application name.
pub const TSDB_OPTION_CONNECTION_USER_APP: TSDB_OPTION_CONNECTION = 3;
/// Reported connector information (3.4.0.0+).
pub const TSDB_OPTION_CONNECTION_CONNECTOR_INFO: TSDB_OPTION_CONNECTION = 4;
/// Number of connection options.
pub const TSDB_MAX_OPTIONS_CONNECTION: TSDB_OPTION_CONNECTION = 5;

/// Connection information item for `taos_get_connection_info`.
pub type TSDB_CONNECTION_INFO = c_int;
/// The connected user name.
pub const TSDB_CONNECTION_INFO_USER: TSDB_CONNECTION_INFO = 0;
/// The token used to connect.
pub const TSDB_CONNECTION_INFO_TOKEN: TSDB_CONNECTION_INFO = 1;
/// Number of connection information items.
pub const TSDB_MAX_CONNECTION_INFO: TSDB_CONNECTION_INFO = 2;

/// Schemaless protocol.
pub type TSDB_SML_PROTOCOL_TYPE = c_int;
/// Unknown protocol.
pub const TSDB_SML_UNKNOWN_PROTOCOL: TSDB_SML_PROTOCOL_TYPE = 0;
/// InfluxDB line protocol.
pub const TSDB_SML_LINE_PROTOCOL: TSDB_SML_PROTOCOL_TYPE = 1;
/// OpenTSDB telnet protocol.
pub const TSDB_SML_TELNET_PROTOCOL: TSDB_SML_PROTOCOL_TYPE = 2;
/// OpenTSDB JSON protocol.
pub const TSDB_SML_JSON_PROTOCOL: TSDB_SML_PROTOCOL_TYPE = 3;

/// Schemaless timestamp precision.
pub type TSDB_SML_TIMESTAMP_TYPE = c_int;
/// Not configured (protocol default).
pub const TSDB_SML_TIMESTAMP_NOT_CONFIGURED: TSDB_SML_TIMESTAMP_TYPE = 0;
/// Hours.
pub const TSDB_SML_TIMESTAMP_HOURS: TSDB_SML_TIMESTAMP_TYPE = 1;
/// Minutes.
pub const TSDB_SML_TIMESTAMP_MINUTES: TSDB_SML_TIMESTAMP_TYPE = 2;
/// Seconds.
pub const TSDB_SML_TIMESTAMP_SECONDS: TSDB_SML_TIMESTAMP_TYPE = 3;
/// Milliseconds.
pub const TSDB_SML_TIMESTAMP_MILLI_SECONDS: TSDB_SML_TIMESTAMP_TYPE = 4;
/// Microseconds.
pub const TSDB_SML_TIMESTAMP_MICRO_SECONDS: TSDB_SML_TIMESTAMP_TYPE = 5;
/// Nanoseconds.
pub const TSDB_SML_TIMESTAMP_NANO_SECONDS: TSDB_SML_TIMESTAMP_TYPE = 6;

/// Kind of a stmt2 field (`TAOS_FIELD_ALL.field_type`).
pub type TAOS_FIELD_T = c_int;
/// A column.
pub const TAOS_FIELD_COL: TAOS_FIELD_T = 1;
/// A tag.
pub const TAOS_FIELD_TAG: TAOS_FIELD_T = 2;
/// A query parameter.
pub const TAOS_FIELD_QUERY: TAOS_FIELD_T = 3;
/// The table name.
pub const TAOS_FIELD_TBNAME: TAOS_FIELD_T = 4;

/// Result code of `taos_set_config`.
pub type SET_CONF_RET_CODE = c_int;
/// Success.
pub const SET_CONF_RET_SUCC: SET_CONF_RET_CODE = 0;
/// Partly applied.
pub const SET_CONF_RET_ERR_PART: SET_CONF_RET_CODE = -1;
/// Internal error.
pub const SET_CONF_RET_ERR_INNER: SET_CONF_RET_CODE = -2;
/// Not a valid JSON document.
pub const SET_CONF_RET_ERR_JSON_INVALID: SET_CONF_RET_CODE = -3;
/// JSON parse error.
pub const SET_CONF_RET_ERR_JSON_PARSE: SET_CONF_RET_CODE = -4;
/// May be set only once.
pub const SET_CONF_RET_ERR_ONLY_ONCE: SET_CONF_RET_CODE = -5;
/// Value too long.
pub const SET_CONF_RET_ERR_TOO_LONG: SET_CONF_RET_CODE = -6;

/// Notification type for `taos_set_notify_cb`.
pub type TAOS_NOTIFY_TYPE = c_int;
/// Password version changed (ext = int32 version).
pub const TAOS_NOTIFY_PASSVER: TAOS_NOTIFY_TYPE = 0;
/// Whitelist version changed.
pub const TAOS_NOTIFY_WHITELIST_VER: TAOS_NOTIFY_TYPE = 1;
/// The user was dropped.
pub const TAOS_NOTIFY_USER_DROPPED: TAOS_NOTIFY_TYPE = 2;

/// Connection mode for `taos_set_conn_mode`.
pub type TAOS_CONN_MODE = c_int;
/// BI mode.
pub const TAOS_CONN_MODE_BI: TAOS_CONN_MODE = 0;

/// Result of `tmq_conf_set`.
pub type tmq_conf_res_t = c_int;
/// Unknown key.
pub const TMQ_CONF_UNKNOWN: tmq_conf_res_t = -2;
/// Invalid value.
pub const TMQ_CONF_INVALID: tmq_conf_res_t = -1;
/// Accepted.
pub const TMQ_CONF_OK: tmq_conf_res_t = 0;

/// Kind of a TMQ message (`tmq_get_res_type`).
pub type tmq_res_t = c_int;
/// Not a TMQ message.
pub const TMQ_RES_INVALID: tmq_res_t = -1;
/// Data rows.
pub const TMQ_RES_DATA: tmq_res_t = 1;
/// Table metadata.
pub const TMQ_RES_TABLE_META: tmq_res_t = 2;
/// Metadata and data.
pub const TMQ_RES_METADATA: tmq_res_t = 3;
/// Raw data (3.3.6+).
pub const TMQ_RES_RAWDATA: tmq_res_t = 4;

/// Result of `taos_check_server_status`.
pub type TSDB_SERVER_STATUS = c_int;
/// Unreachable.
pub const TSDB_SRV_STATUS_UNAVAILABLE: TSDB_SERVER_STATUS = 0;
/// Network reachable.
pub const TSDB_SRV_STATUS_NETWORK_OK: TSDB_SERVER_STATUS = 1;
/// Service OK.
pub const TSDB_SRV_STATUS_SERVICE_OK: TSDB_SERVER_STATUS = 2;
/// Service degraded.
pub const TSDB_SRV_STATUS_SERVICE_DEGRADED: TSDB_SERVER_STATUS = 3;
/// Exiting.
pub const TSDB_SRV_STATUS_EXTING: TSDB_SERVER_STATUS = 4;

// ---------------------------------------------------------------------------------------------
// Structs (abi.md §2.3)

/// Column description of a result (`TAOS_FIELD`, tag `struct taosField`), 72 bytes.
/// `bytes` excludes the 2-byte length header; NCHAR/JSON count characters.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct taosField {
    /// NUL-terminated column name.
    pub name: [c_char; 65],
    /// `TSDB_DATA_TYPE_*`.
    pub r#type: i8,
    /// Declared width.
    pub bytes: i32,
}
/// `TAOS_FIELD` is `struct taosField`.
pub type TAOS_FIELD = taosField;

/// Column description with precision and scale (`struct TAOS_FIELD_E`), 72 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TAOS_FIELD_E {
    /// NUL-terminated name.
    pub name: [c_char; 65],
    /// `TSDB_DATA_TYPE_*`.
    pub r#type: i8,
    /// Decimal precision (or timestamp precision for stmt fields).
    pub precision: u8,
    /// Decimal scale.
    pub scale: u8,
    /// Declared width.
    pub bytes: i32,
}

/// stmt2 field description (`struct TAOS_FIELD_ALL`), 76 bytes. `field_type` is a
/// `TAOS_FIELD_T` value; the library always zeroes the 3 tail-padding bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TAOS_FIELD_ALL {
    /// NUL-terminated name.
    pub name: [c_char; 65],
    /// `TSDB_DATA_TYPE_*`.
    pub r#type: i8,
    /// Precision.
    pub precision: u8,
    /// Scale.
    pub scale: u8,
    /// Declared width.
    pub bytes: i32,
    /// `TAOS_FIELD_COL` / `TAOS_FIELD_TAG` / `TAOS_FIELD_QUERY` / `TAOS_FIELD_TBNAME`.
    pub field_type: u8,
}

/// stmt v1 bind (`TAOS_MULTI_BIND`), 48 bytes. `buffer` holds `num` values at stride
/// `buffer_length`; `length` (may be NULL for fixed types) and `is_null` (may be NULL) have
/// `num` entries.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TAOS_MULTI_BIND {
    /// `TSDB_DATA_TYPE_*`.
    pub buffer_type: c_int,
    /// Values.
    pub buffer: *mut c_void,
    /// Stride of one value in `buffer`.
    pub buffer_length: usize,
    /// Per-row byte lengths.
    pub length: *mut i32,
    /// Per-row NULL flags (1 = NULL).
    pub is_null: *mut c_char,
    /// Number of rows.
    pub num: c_int,
}

/// Options of `taos_stmt_init_with_options` (`TAOS_STMT_OPTIONS`), 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TAOS_STMT_OPTIONS {
    /// Request id.
    pub reqId: i64,
    /// All rows go to one super table.
    pub singleStbInsert: CBool,
    /// Each table is bound once.
    pub singleTableBindOnce: CBool,
}

/// Options of `taos_stmt2_init` (`TAOS_STMT2_OPTION`), 32 bytes. A non-NULL `asyncExecFn`
/// makes `taos_stmt2_exec` asynchronous; it is called as `(userdata, res, code)`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TAOS_STMT2_OPTION {
    /// Request id.
    pub reqid: i64,
    /// All rows go to one super table.
    pub singleStbInsert: CBool,
    /// Each table is bound once.
    pub singleTableBindOnce: CBool,
    /// Asynchronous execution callback (NULL = synchronous).
    pub asyncExecFn: __taos_async_fn_t,
    /// Passed through to `asyncExecFn`.
    pub userdata: *mut c_void,
}

/// stmt2 bind of one column or tag (`TAOS_STMT2_BIND`), 40 bytes. Variable-length values are
/// packed back to back (no stride field).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TAOS_STMT2_BIND {
    /// `TSDB_DATA_TYPE_*`.
    pub buffer_type: c_int,
    /// Values.
    pub buffer: *mut c_void,
    /// Per-row byte lengths (required for variable types).
    pub length: *mut i32,
    /// Per-row NULL flags (may be NULL).
    pub is_null: *mut c_char,
    /// Number of rows.
    pub num: c_int,
}

/// stmt2 binds for `count` tables (`TAOS_STMT2_BINDV`), 32 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TAOS_STMT2_BINDV {
    /// Number of tables.
    pub count: c_int,
    /// `count` table names (NULL when the SQL names the table).
    pub tbnames: *mut *mut c_char,
    /// `count` arrays of tag binds.
    pub tags: *mut *mut TAOS_STMT2_BIND,
    /// `count` arrays of column binds.
    pub bind_cols: *mut *mut TAOS_STMT2_BIND,
}

/// Result of `taos_set_config`, returned by value (`struct setConfRet`), 1028 bytes.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct setConfRet {
    /// `SET_CONF_RET_*`.
    pub retCode: SET_CONF_RET_CODE,
    /// NUL-terminated message.
    pub retMsg: [c_char; RET_MSG_LENGTH],
}

/// One vgroup's hash range (`TAOS_VGROUP_HASH_INFO`), 12 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TAOS_VGROUP_HASH_INFO {
    /// Vgroup id.
    pub vgId: i32,
    /// First hash value.
    pub hashBegin: u32,
    /// Last hash value.
    pub hashEnd: u32,
}

/// Routing information of a database (`TAOS_DB_ROUTE_INFO`), 24 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TAOS_DB_ROUTE_INFO {
    /// Route version.
    pub routeVersion: i32,
    /// Table-name hash prefix length.
    pub hashPrefix: i16,
    /// Table-name hash suffix length.
    pub hashSuffix: i16,
    /// Hash method.
    pub hashMethod: i8,
    /// Number of vgroups.
    pub vgNum: i32,
    /// `vgNum` hash ranges (library memory).
    pub vgHash: *mut TAOS_VGROUP_HASH_INFO,
}

/// One vgroup's offsets of a topic (`tmq_topic_assignment`), 32 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct tmq_topic_assignment {
    /// Vgroup id.
    pub vgId: i32,
    /// Current position.
    pub currentOffset: i64,
    /// Earliest offset.
    pub begin: i64,
    /// Latest offset.
    pub end: i64,
}

/// Raw TMQ data (`struct tmq_raw_data`), 16 bytes, passed by value to `tmq_write_raw` and
/// `tmq_free_raw`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tmq_raw_data {
    /// Raw bytes (library memory).
    pub raw: *mut c_void,
    /// Length of `raw`.
    pub raw_len: u32,
    /// Raw message type.
    pub raw_type: u16,
}

/// Key/value options for `taos_connect_with` (`OPTIONS`), 4104 bytes; zero-initialise and fill
/// with `taos_set_option`. Only the pointers are stored: the strings must outlive the connect.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct OPTIONS {
    /// Option names.
    pub keys: [*const c_char; TSDB_MAX_OPTIONS_ITEMS],
    /// Option values.
    pub values: [*const c_char; TSDB_MAX_OPTIONS_ITEMS],
    /// Number of pairs in use.
    pub count: u16,
}

// ---------------------------------------------------------------------------------------------
// Layout checks (abi.md §2.3, Checklist 4)

macro_rules! assert_layout {
    ($t:ty, $size:expr) => {
        const _: () = assert!(std::mem::size_of::<$t>() == $size);
    };
    ($t:ty, $field:ident @ $off:expr) => {
        const _: () = assert!(std::mem::offset_of!($t, $field) == $off);
    };
}

assert_layout!(TAOS_FIELD, 72);
assert_layout!(TAOS_FIELD, bytes @ 68);
assert_layout!(TAOS_FIELD_E, 72);
assert_layout!(TAOS_FIELD_E, scale @ 67);
assert_layout!(TAOS_FIELD_E, bytes @ 68);
assert_layout!(TAOS_FIELD_ALL, 76);
assert_layout!(TAOS_FIELD_ALL, field_type @ 72);
assert_layout!(TAOS_MULTI_BIND, 48);
assert_layout!(TAOS_MULTI_BIND, num @ 40);
assert_layout!(TAOS_STMT_OPTIONS, 16);
assert_layout!(TAOS_STMT_OPTIONS, singleTableBindOnce @ 9);
assert_layout!(TAOS_STMT2_OPTION, 32);
assert_layout!(TAOS_STMT2_OPTION, asyncExecFn @ 16);
assert_layout!(TAOS_STMT2_OPTION, userdata @ 24);
assert_layout!(TAOS_STMT2_BIND, 40);
assert_layout!(TAOS_STMT2_BIND, num @ 32);
assert_layout!(TAOS_STMT2_BINDV, 32);
assert_layout!(setConfRet, 1028);
assert_layout!(setConfRet, retMsg @ 4);
assert_layout!(TAOS_VGROUP_HASH_INFO, 12);
assert_layout!(TAOS_DB_ROUTE_INFO, 24);
assert_layout!(TAOS_DB_ROUTE_INFO, vgNum @ 12);
assert_layout!(TAOS_DB_ROUTE_INFO, vgHash @ 16);
assert_layout!(tmq_topic_assignment, 32);
assert_layout!(tmq_topic_assignment, currentOffset @ 8);
assert_layout!(tmq_raw_data, 16);
assert_layout!(tmq_raw_data, raw_type @ 12);
assert_layout!(OPTIONS, 4104);
assert_layout!(OPTIONS, count @ 4096);
assert_layout!(__taos_async_fn_t, 8);

// The C type codes must equal taos-wire's (the numbers on the wire).
macro_rules! same_as_wire {
    ($($name:ident),*) => {
        $(const _: () = assert!($name == taos_wire::types::$name as c_int);)*
    };
}
same_as_wire!(
    TSDB_DATA_TYPE_NULL,
    TSDB_DATA_TYPE_BOOL,
    TSDB_DATA_TYPE_TINYINT,
    TSDB_DATA_TYPE_SMALLINT,
    TSDB_DATA_TYPE_INT,
    TSDB_DATA_TYPE_BIGINT,
    TSDB_DATA_TYPE_FLOAT,
    TSDB_DATA_TYPE_DOUBLE,
    TSDB_DATA_TYPE_VARCHAR,
    TSDB_DATA_TYPE_BINARY,
    TSDB_DATA_TYPE_TIMESTAMP,
    TSDB_DATA_TYPE_NCHAR,
    TSDB_DATA_TYPE_UTINYINT,
    TSDB_DATA_TYPE_USMALLINT,
    TSDB_DATA_TYPE_UINT,
    TSDB_DATA_TYPE_UBIGINT,
    TSDB_DATA_TYPE_JSON,
    TSDB_DATA_TYPE_VARBINARY,
    TSDB_DATA_TYPE_DECIMAL,
    TSDB_DATA_TYPE_BLOB,
    TSDB_DATA_TYPE_MEDIUMBLOB,
    TSDB_DATA_TYPE_GEOMETRY,
    TSDB_DATA_TYPE_DECIMAL64,
    TSDB_DATA_TYPE_MAX
);
