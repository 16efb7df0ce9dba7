//! JSON text frames of stmt v1 (ws-stmt-sml-tmq.md §1.2). Replies carry `stmt_id` after the
//! five common fields.

use serde::{Deserialize, Serialize};

use crate::error::TaosError;

/// Args of `prepare`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StmtPrepareArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Stmt id.
    #[serde(default)]
    pub stmt_id: u64,
    /// SQL with `?` placeholders.
    #[serde(default)]
    pub sql: String,
}

/// Args of `add_batch`, `exec`, `close`, `get_tag_fields`, `get_col_fields`, `use_result`,
/// `stmt_num_params`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StmtIdArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Stmt id.
    #[serde(default)]
    pub stmt_id: u64,
}

/// Args of `set_table_name`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StmtSetTableNameArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Stmt id.
    #[serde(default)]
    pub stmt_id: u64,
    /// Table name (may be `db.tb`).
    #[serde(default)]
    pub name: String,
}

/// Args of `set_tags` (one JSON value per tag, §1.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StmtSetTagsArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Stmt id.
    #[serde(default)]
    pub stmt_id: u64,
    /// Tag values.
    #[serde(default)]
    pub tags: Vec<serde_json::Value>,
}

/// Args of `bind` (column-major: one array of row values per column, §1.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StmtBindArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Stmt id.
    #[serde(default)]
    pub stmt_id: u64,
    /// Columns of row values.
    #[serde(default)]
    pub columns: Vec<Vec<serde_json::Value>>,
}

/// Args of `stmt_get_param`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StmtGetParamArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Stmt id.
    #[serde(default)]
    pub stmt_id: u64,
    /// Parameter index.
    #[serde(default)]
    pub index: i32,
}

/// A field object of `get_tag_fields` / `get_col_fields`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StmtFieldInfo {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Type code.
    #[serde(default)]
    pub field_type: i8,
    /// Timestamp precision or decimal precision.
    #[serde(default)]
    pub precision: u8,
    /// Decimal scale.
    #[serde(default)]
    pub scale: u8,
    /// Declared byte width.
    #[serde(default)]
    pub bytes: i32,
}

reply!(
    /// Reply with only `stmt_id` after the common fields: errors of stmt actions and the
    /// `init`, `set_table_name`, `set_tags`, `bind`, `add_batch` success replies.
    StmtIdReply {
        /// Stmt id.
        stmt_id: u64,
    }
);

reply!(
    /// `prepare` reply.
    StmtPrepareReply {
        /// Stmt id.
        stmt_id: u64,
        /// True for INSERT statements.
        is_insert: bool,
    }
);

reply!(
    /// `exec` reply.
    StmtExecReply {
        /// Stmt id.
        stmt_id: u64,
        /// Rows affected by this execution.
        affected: i64,
    }
);

reply!(
    /// `get_tag_fields` / `get_col_fields` reply. `fields: None` omits the key, as
    /// `get_tag_fields` does for a statement without tags; `get_col_fields` without columns
    /// sends `null` instead (serialize with [`StmtFieldsReply::col_fields_json`]).
    StmtFieldsReply {
        /// Stmt id.
        stmt_id: u64,
        /// Field objects.
        #[serde(skip_serializing_if = "Option::is_none")]
        fields: Option<Vec<StmtFieldInfo>>,
    }
);

reply!(
    /// `use_result` reply.
    StmtUseResultReply {
        /// Stmt id.
        stmt_id: u64,
        /// Result id (readable with the query fetch actions).
        result_id: u64,
        /// Number of result columns.
        fields_count: i64,
        /// Column names.
        fields_names: Option<Vec<String>>,
        /// Column type codes.
        fields_types: Option<Vec<u8>>,
        /// User-visible widths.
        fields_lengths: Option<Vec<i64>>,
        /// Timestamp precision.
        precision: i32,
        /// DECIMAL precisions.
        fields_precisions: Option<Vec<i64>>,
        /// DECIMAL scales.
        fields_scales: Option<Vec<i64>>,
    }
);

reply!(
    /// `stmt_num_params` reply.
    StmtNumParamsReply {
        /// Stmt id.
        stmt_id: u64,
        /// Number of `?`.
        num_params: i32,
    }
);

reply!(
    /// `stmt_get_param` reply.
    StmtGetParamReply {
        /// Stmt id.
        stmt_id: u64,
        /// Parameter index.
        index: i32,
        /// Type code.
        data_type: i32,
        /// Declared width.
        length: i32,
    }
);

impl StmtIdReply {
    /// The error reply for a stmt action (common fields + `stmt_id`).
    pub fn error_for(
        action: &str,
        req_id: u64,
        stmt_id: u64,
        err: &TaosError,
        timing: i64,
    ) -> Self {
        StmtIdReply {
            code: err.wire_code(),
            message: err.message.clone(),
            action: action.to_string(),
            req_id,
            timing: timing.max(0),
            stmt_id,
        }
    }
}

impl StmtFieldsReply {
    /// JSON of a `get_col_fields` reply, which sends `"fields":null` when there are no
    /// columns (where `get_tag_fields` omits the key).
    pub fn col_fields_json(&self) -> String {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(obj) = v.as_object_mut() {
            obj.entry("fields").or_insert(serde_json::Value::Null);
        }
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{parse_reply, to_json};

    #[test]
    fn bind_args_and_replies() {
        let a: StmtBindArgs = serde_json::from_str(
            r#"{"req_id":4,"stmt_id":1,"columns":[[1700000000000,"2023-11-14T22:13:20.001Z"],[7,null],["ab",null]]}"#,
        )
        .unwrap();
        assert_eq!(a.columns.len(), 3);
        assert!(a.columns[1][1].is_null());
        let r = StmtExecReply {
            action: "exec".into(),
            req_id: 6,
            stmt_id: 1,
            affected: 2,
            ..Default::default()
        };
        assert_eq!(
            to_json(&r),
            r#"{"code":0,"message":"","action":"exec","req_id":6,"timing":0,"stmt_id":1,"affected":2}"#
        );
        let tags = StmtFieldsReply {
            action: "get_tag_fields".into(),
            stmt_id: 1,
            ..Default::default()
        };
        assert!(!to_json(&tags).contains(r#""fields":"#));
        assert!(tags.col_fields_json().contains(r#""fields":null"#));
        let back: StmtFieldsReply = parse_reply(&tags.col_fields_json()).unwrap();
        assert_eq!(back.fields, None);
    }
}
