//! JSON text frames of stmt2 (ws-stmt-sml-tmq.md §2.1). Replies carry `stmt_id` right after the
//! five common fields, also on errors ([`Stmt2IdReply`]).

use serde::{Deserialize, Serialize};

use crate::error::TaosError;

/// `stmt2_init` request args.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stmt2InitArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// All bound tables belong to one super table.
    #[serde(default)]
    pub single_stb_insert: bool,
    /// Each table is bound at most once per exec.
    #[serde(default)]
    pub single_table_bind_once: bool,
}

/// `stmt2_prepare` request args.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stmt2PrepareArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Stmt id.
    #[serde(default)]
    pub stmt_id: u64,
    /// SQL with `?` placeholders.
    #[serde(default)]
    pub sql: String,
    /// Return field metadata (official clients always send true).
    #[serde(default)]
    pub get_fields: bool,
}

/// Args of `stmt2_exec`, `stmt2_result` and `stmt2_close`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stmt2IdArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Stmt id.
    #[serde(default)]
    pub stmt_id: u64,
}

/// One placeholder's metadata in a `stmt2_prepare` reply (§2.1.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stmt2FieldInfo {
    /// Column/tag name (`tbname` for the table-name placeholder).
    #[serde(default)]
    pub name: String,
    /// Type code.
    #[serde(default)]
    pub field_type: i8,
    /// Timestamp precision, or DECIMAL precision.
    #[serde(default)]
    pub precision: u8,
    /// DECIMAL scale.
    #[serde(default)]
    pub scale: u8,
    /// Declared width (including the var header).
    #[serde(default)]
    pub bytes: i32,
    /// 1 column, 2 tag, 3 query parameter, 4 table name.
    #[serde(default)]
    pub bind_type: i8,
}

/// `bind_type` of a column placeholder.
pub const BIND_TYPE_COL: i8 = 1;
/// `bind_type` of a tag placeholder.
pub const BIND_TYPE_TAG: i8 = 2;
/// `bind_type` of a query parameter.
pub const BIND_TYPE_QUERY: i8 = 3;
/// `bind_type` of the table-name placeholder.
pub const BIND_TYPE_TBNAME: i8 = 4;

reply!(
    /// A reply with only `stmt_id` after the common fields: every stmt2 error reply, and the
    /// `stmt2_init`, `stmt2_bind` and `stmt2_close` success replies.
    Stmt2IdReply {
        /// Stmt id (new id for `stmt2_init`, echo otherwise).
        stmt_id: u64,
    }
);

/// `stmt2_init` success reply.
pub type Stmt2InitReply = Stmt2IdReply;
/// `stmt2_bind` success reply (`action` = `"stmt2_bind"`).
pub type Stmt2BindReply = Stmt2IdReply;
/// `stmt2_close` success reply.
pub type Stmt2CloseReply = Stmt2IdReply;

reply!(
    /// `stmt2_prepare` reply.
    Stmt2PrepareReply {
        /// Stmt id.
        stmt_id: u64,
        /// True for INSERT statements.
        is_insert: bool,
        /// Placeholders in `?` order (`null` for queries or without `get_fields`).
        fields: Option<Vec<Stmt2FieldInfo>>,
        /// Number of placeholders (0 without `get_fields`).
        fields_count: i32,
    }
);

reply!(
    /// `stmt2_exec` / `stmt2_bind_exec` reply.
    Stmt2ExecReply {
        /// Stmt id.
        stmt_id: u64,
        /// Rows written.
        affected: i64,
    }
);

reply!(
    /// `stmt2_result` reply: a result set readable with the query fetch actions.
    Stmt2ResultReply {
        /// Stmt id.
        stmt_id: u64,
        /// Result id (note: `id`, not `result_id`).
        id: u64,
        /// Number of result columns.
        fields_count: i64,
        /// Column names.
        fields_names: Option<Vec<String>>,
        /// Column type codes.
        fields_types: Option<Vec<u8>>,
        /// User-visible column widths.
        fields_lengths: Option<Vec<i64>>,
        /// Timestamp precision.
        precision: i32,
        /// DECIMAL precision per column.
        fields_precisions: Option<Vec<i64>>,
        /// DECIMAL scale per column.
        fields_scales: Option<Vec<i64>>,
    }
);

impl Stmt2IdReply {
    /// The error reply for a stmt2 action (common fields + `stmt_id`).
    pub fn error_for(
        action: &str,
        req_id: u64,
        stmt_id: u64,
        err: &TaosError,
        timing: i64,
    ) -> Self {
        Stmt2IdReply {
            code: err.wire_code(),
            message: err.message.clone(),
            action: action.to_string(),
            req_id,
            timing: timing.max(0),
            stmt_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{parse_reply, to_json};

    #[test]
    fn prepare_reply_shape() {
        let r = Stmt2PrepareReply {
            action: "stmt2_prepare".into(),
            req_id: 2,
            stmt_id: 1,
            is_insert: true,
            fields: Some(vec![Stmt2FieldInfo {
                name: "ts".into(),
                field_type: 9,
                bytes: 8,
                bind_type: BIND_TYPE_COL,
                ..Default::default()
            }]),
            fields_count: 1,
            ..Default::default()
        };
        let text = to_json(&r);
        assert_eq!(
            text,
            r#"{"code":0,"message":"","action":"stmt2_prepare","req_id":2,"timing":0,"stmt_id":1,"is_insert":true,"fields":[{"name":"ts","field_type":9,"precision":0,"scale":0,"bytes":8,"bind_type":1}],"fields_count":1}"#
        );
        assert_eq!(parse_reply::<Stmt2PrepareReply>(&text).unwrap(), r);
    }

    #[test]
    fn error_carries_stmt_id() {
        let e = TaosError::adapter("stmt2 is nil");
        let r = Stmt2IdReply::error_for("stmt2_exec", 3, 9, &e, 10);
        assert_eq!(
            to_json(&r),
            r#"{"code":65535,"message":"stmt2 is nil","action":"stmt2_exec","req_id":3,"timing":10,"stmt_id":9}"#
        );
        let exec: Stmt2ExecReply = parse_reply(&to_json(&r)).unwrap();
        assert_eq!(
            (exec.stmt_id, exec.error().unwrap().message.as_str()),
            (9, "stmt2 is nil")
        );
    }
}
