//! JSON text frames of the query path (ws-query.md §2): request envelopes and args, replies.
//!
//! Every reply type carries the five common fields (`code`, `message`, `action`, `req_id`,
//! `timing`) first, in the adapter's order, followed by its action-specific fields. On
//! deserialization every field defaults, so an error reply (common fields only) parses into any
//! reply type: check `code` first. u64 ids are plain serde integers (never routed through f64).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::TaosError;

/// A request: `{"action": "<name>", "args": {...}}`. `args` is omitted when `None` (only
/// `version` may do that).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<A = serde_json::Value> {
    /// Action name, e.g. `"query"`.
    pub action: String,
    /// Action arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<A>,
}

impl<A: Serialize> Envelope<A> {
    /// A request envelope with arguments.
    pub fn new(action: &str, args: A) -> Self {
        Envelope {
            action: action.to_string(),
            args: Some(args),
        }
    }

    /// Serializes the envelope to a compact JSON string.
    pub fn to_json(&self) -> String {
        // Serializing plain structs with string keys cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Decodes JSON `null` as the type's default, as Go's decoder (the adapter's) leaves a field
/// at its zero value for `null`.
pub fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Arguments made of a `req_id` only (`version`, `get_current_db`, `get_server_info`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReqIdArgs {
    /// Request id echoed in the reply.
    #[serde(default)]
    pub req_id: u64,
}

/// `version` request args (optional).
pub type VersionArgs = ReqIdArgs;
/// `get_current_db` request args.
pub type GetCurrentDbArgs = ReqIdArgs;
/// `get_server_info` request args.
pub type GetServerInfoArgs = ReqIdArgs;

/// `conn` request args (§2.4.2). Optional fields are omitted when `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// User name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user: String,
    /// Password.
    #[serde(default, deserialize_with = "null_as_default")]
    pub password: String,
    /// Default database; `""` means none.
    #[serde(default, deserialize_with = "null_as_default")]
    pub db: String,
    /// Connection mode; only `0` (BI mode) is accepted, omit for normal mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<i32>,
    /// IANA timezone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
    /// Application name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Client IP to record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// Connector identification string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector: Option<String>,
    /// TOTP code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_code: Option<String>,
    /// Bearer token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer_token: Option<String>,
    /// Ask for the adapter instance list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_instances: Option<bool>,
}

/// `query` request args (§2.4.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// SQL text.
    #[serde(default, deserialize_with = "null_as_default")]
    pub sql: String,
}

/// `fetch`, `fetch_block` and `free_result` request args (§2.4.4–§2.4.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Result id.
    #[serde(default)]
    pub id: u64,
}

/// `fetch_block` request args.
pub type FetchBlockArgs = FetchArgs;
/// `free_result` request args.
pub type FreeResultArgs = FetchArgs;

/// `num_fields` request args (note `result_id`, not `id`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumFieldsArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Result id.
    #[serde(default)]
    pub result_id: u64,
}

/// One entry of `options_connection.options`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionOption {
    /// Option number (-1 CLEAR, 0 CHARSET, 1 TIMEZONE, 2 USER_IP, 3 USER_APP, 4 CONNECTOR_INFO).
    #[serde(default)]
    pub option: i32,
    /// New value; `null` resets the option.
    #[serde(default)]
    pub value: Option<String>,
}

/// `options_connection` request args (§2.4.10).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionsConnectionArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Options, applied in order.
    #[serde(default)]
    pub options: Vec<ConnectionOption>,
}

/// `check_server_status` request args (§2.4.11).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckServerStatusArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Server FQDN, `null` for the adapter's own.
    #[serde(default)]
    pub fqdn: Option<String>,
    /// Server port, 0 for the default.
    #[serde(default)]
    pub port: i32,
}

/// `get_connection_info` request args (§2.4.12).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetConnectionInfoArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Which information (0 = current user name).
    #[serde(default)]
    pub info: i32,
}

/// Defines a reply struct: the five common fields, then the given action-specific fields.
macro_rules! reply {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $f:ident : $t:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            /// 0 on success, else the error code masked to 16 bits.
            #[serde(default)]
            pub code: u32,
            /// `""` on success, else the error text.
            #[serde(default)]
            pub message: String,
            /// The request's action name.
            #[serde(default)]
            pub action: String,
            /// Echo of the request's `req_id`.
            #[serde(default)]
            pub req_id: u64,
            /// Server-side handling time in nanoseconds.
            #[serde(default)]
            pub timing: i64,
            $($(#[$fm])* #[serde(default)] pub $f: $t,)*
        }

        impl $name {
            /// The error carried by this reply, if `code` is non-zero.
            pub fn error(&self) -> Option<$crate::error::TaosError> {
                (self.code != 0).then(|| $crate::error::TaosError::from_wire(self.code, self.message.clone()))
            }
        }
    };
}

pub mod schemaless;
pub mod stmt;
pub mod stmt2;
pub mod tmq;

reply!(
    /// A reply made of the five common fields only: every error reply, and the
    /// `options_connection` success reply.
    ErrorReply {}
);

/// The five common fields only (`options_connection` success reply).
pub type CommonReply = ErrorReply;
/// `options_connection` success reply.
pub type OptionsConnectionReply = ErrorReply;

reply!(
    /// `version` reply (§2.4.1).
    VersionReply {
        /// Server (libtaos) version, e.g. `"3.3.6.0"`.
        version: String,
    }
);

reply!(
    /// `conn` reply (§2.4.2).
    ConnReply {
        /// Server version.
        version: String,
        /// Adapter instances, only when requested.
        #[serde(skip_serializing_if = "Option::is_none")]
        list_instances: Option<Vec<String>>,
    }
);

reply!(
    /// `query` / `binary_query` reply (§2.4.3).
    QueryReply {
        /// Result id (0 when `is_update`).
        id: u64,
        /// True when the statement produced no columns.
        is_update: bool,
        /// Rows written.
        affected_rows: i64,
        /// Number of result columns.
        fields_count: i64,
        /// Column names (`null` when `is_update`).
        fields_names: Option<Vec<String>>,
        /// Column type codes.
        fields_types: Option<Vec<u8>>,
        /// User-visible column widths.
        fields_lengths: Option<Vec<i64>>,
        /// Timestamp precision: 0 ms, 1 µs, 2 ns.
        precision: i32,
        /// DECIMAL precision per column.
        fields_precisions: Option<Vec<i64>>,
        /// DECIMAL scale per column.
        fields_scales: Option<Vec<i64>>,
    }
);

reply!(
    /// `fetch` reply (§2.4.4).
    FetchReply {
        /// Result id.
        id: u64,
        /// True at end of data (the result is already freed).
        completed: bool,
        /// Per-column lengths (`null` when completed).
        lengths: Option<Vec<i32>>,
        /// Rows in the pending block.
        rows: i64,
    }
);

reply!(
    /// `num_fields` reply (§2.4.7).
    NumFieldsReply {
        /// Number of columns.
        num_fields: i32,
    }
);

reply!(
    /// `get_current_db` reply (§2.4.8).
    GetCurrentDbReply {
        /// Current database name.
        db: String,
    }
);

reply!(
    /// `get_server_info` reply (§2.4.9).
    GetServerInfoReply {
        /// Server info string.
        info: String,
    }
);

reply!(
    /// `check_server_status` reply (§2.4.11).
    CheckServerStatusReply {
        /// 0 unavailable, 1 network ok, 2 service ok, 3 degraded, 4 exiting.
        status: i32,
        /// Details text.
        details: String,
    }
);

reply!(
    /// `get_connection_info` reply (§2.4.12).
    GetConnectionInfoReply {
        /// The requested information.
        info: String,
    }
);

reply!(
    /// `validate_sql` reply (§2.4.13).
    ValidateSqlReply {
        /// Raw libtaos return value (0 valid, else the full signed error code, unmasked).
        result_code: i64,
    }
);

impl ErrorReply {
    /// The error reply for `err` to a request with `action` and `req_id`.
    pub fn new(action: &str, req_id: u64, err: &TaosError, timing: i64) -> Self {
        ErrorReply {
            code: err.wire_code(),
            message: err.message.clone(),
            action: action.to_string(),
            req_id,
            timing: timing.max(0),
        }
    }
}

impl QueryReply {
    /// Success reply of a statement without columns (INSERT, DDL, USE...).
    pub fn update(action: &str, req_id: u64, timing: i64, affected_rows: i64) -> Self {
        QueryReply {
            action: action.to_string(),
            req_id,
            timing: timing.max(0),
            is_update: true,
            affected_rows,
            ..Default::default()
        }
    }
}

/// Serializes any reply to compact JSON (no HTML escaping, no trailing newline).
pub fn to_json<T: Serialize>(reply: &T) -> String {
    // Our reply types hold only strings, numbers, bools and vectors: serialization cannot fail.
    serde_json::to_string(reply).unwrap_or_default()
}

/// JSON text of an error reply (§7.1).
pub fn error_reply_json(action: &str, req_id: u64, err: &TaosError, timing: i64) -> String {
    to_json(&ErrorReply::new(action, req_id, err, timing))
}

/// Leniently extracts `args.req_id` from a request text (0 when absent, malformed or not a u64).
pub fn extract_req_id(text: &str) -> u64 {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        args: Option<serde_json::Value>,
    }
    serde_json::from_str::<Probe>(text)
        .ok()
        .and_then(|p| p.args)
        .and_then(|a| a.get("req_id").and_then(|v| v.as_u64()))
        .unwrap_or(0)
}

/// Leniently extracts the `action` string of a request (`""` when absent or malformed).
pub fn extract_action(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("action").and_then(|a| a.as_str()).map(str::to_string))
        .unwrap_or_default()
}

/// The adapter's message for args that fail to decode: `"unmarshal <action words> request error"`,
/// with the action's underscores turned into spaces (e.g. `fetch_block` → `fetch block`);
/// `conn` reads `connect`, as in the adapter.
pub fn unmarshal_error_message(action: &str) -> String {
    let words = match action {
        "conn" => "connect".to_string(),
        other => other.replace('_', " "),
    };
    format!("unmarshal {words} request error")
}

/// A decoded request envelope: the action name and its still-undecoded args.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Action name.
    pub action: String,
    /// `args.req_id` read leniently (0 when absent).
    pub req_id: u64,
    /// Raw args object, `None` when absent.
    pub args: Option<serde_json::Value>,
}

/// Parses a request text frame with the adapter's pre-dispatch rules (§7.2).
///
/// On failure returns the error reply to send: `unmarshal request error` (action `""`, req_id 0)
/// for a non-envelope text, `request no action` for a missing/empty action.
pub fn parse_request(text: &str) -> Result<Request, ErrorReply> {
    let env: Envelope<serde_json::Value> = match serde_json::from_str(text) {
        Ok(e) => e,
        Err(_) => {
            let req_id = extract_req_id(text);
            if serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text).is_ok() {
                // An object without a string action.
                let err = TaosError::adapter("request no action");
                return Err(ErrorReply::new("", req_id, &err, 0));
            }
            let err = TaosError::adapter("unmarshal request error");
            return Err(ErrorReply::new("", 0, &err, 0));
        }
    };
    let req_id = env
        .args
        .as_ref()
        .and_then(|a| a.get("req_id"))
        .and_then(|v| v.as_u64())
        .unwrap_or(0);
    if env.action.is_empty() {
        let err = TaosError::adapter("request no action");
        return Err(ErrorReply::new("", req_id, &err, 0));
    }
    Ok(Request {
        action: env.action,
        req_id,
        args: env.args,
    })
}

impl Request {
    /// Decodes the args into `T`; on failure the adapter's `unmarshal <action> request error`.
    pub fn decode_args<T: DeserializeOwned>(&self) -> Result<T, TaosError> {
        let args = match &self.args {
            Some(a) if a.is_object() => a.clone(),
            _ => return Err(TaosError::adapter(unmarshal_error_message(&self.action))),
        };
        serde_json::from_value(args)
            .map_err(|_| TaosError::adapter(unmarshal_error_message(&self.action)))
    }
}

/// Parses a reply text into `T` (any reply type of this module); a malformed reply is a
/// `TSDB_CODE_INVALID_JSON_FORMAT` error.
pub fn parse_reply<T: DeserializeOwned>(text: &str) -> Result<T, TaosError> {
    serde_json::from_str(text).map_err(|e| {
        TaosError::new(
            crate::error::codes::TSDB_CODE_INVALID_JSON_FORMAT,
            format!("invalid reply from server: {e}"),
        )
    })
}
