//! TDengine error codes and message texts the engine produces.
//!
//! Codes come from `taos_wire::error::codes`; the few it does not define yet are declared here
//! with their taoserror.h values (TODO: move to taos-wire once helper "wire" adds them).

use taos_wire::error::{codes, TaosError};

/// TSDB_CODE_TDB_TABLE_ALREADY_EXIST (0x0603).
pub const TDB_TABLE_ALREADY_EXIST: i32 = codes::TSDB_CODE_TDB_TABLE_ALREADY_EXIST;
/// TSDB_CODE_PAR_NOT_SINGLE_GROUP (0x260C).
pub const PAR_NOT_SINGLE_GROUP: i32 = codes::TSDB_CODE_PAR_NOT_SINGLE_GROUP;
/// TSDB_CODE_PAR_TAGS_NOT_MATCHED (0x260D).
pub const PAR_TAGS_NOT_MATCHED: i32 = codes::TSDB_CODE_PAR_TAGS_NOT_MATCHED;
/// TSDB_CODE_PAR_INVALID_TAG_NAME (0x260E).
pub const PAR_INVALID_TAG_NAME: i32 = codes::TSDB_CODE_PAR_INVALID_TAG_NAME;
/// TSDB_CODE_PAR_INVALID_FIRST_COLUMN (0x2641).
pub const PAR_INVALID_FIRST_COLUMN: i32 = codes::TSDB_CODE_PAR_INVALID_FIRST_COLUMN;
/// TSDB_CODE_PAR_INVALID_VAR_COLUMN_LEN (0x2642).
pub const PAR_INVALID_VAR_COLUMN_LEN: i32 = codes::TSDB_CODE_PAR_INVALID_VAR_COLUMN_LEN;
/// TSDB_CODE_PAR_INVALID_COLUMNS_NUM (0x263F).
pub const PAR_INVALID_COLUMNS_NUM: i32 = codes::TSDB_CODE_PAR_INVALID_COLUMNS_NUM;
/// TSDB_CODE_PAR_INVALID_TAGS_LENGTH (0x263D).
pub const PAR_INVALID_TAGS_LENGTH: i32 = codes::TSDB_CODE_PAR_INVALID_TAGS_LENGTH;
/// TSDB_CODE_PAR_INVALID_ROW_LENGTH (0x263E).
pub const PAR_INVALID_ROW_LENGTH: i32 = codes::TSDB_CODE_PAR_INVALID_ROW_LENGTH;
/// TSDB_CODE_PAR_INVALID_ALTER_TABLE (0x2649).
pub const PAR_INVALID_ALTER_TABLE: i32 = codes::TSDB_CODE_PAR_INVALID_ALTER_TABLE;
/// TSDB_CODE_PAR_INVALID_MODIFY_COL (0x264B).
pub const PAR_INVALID_MODIFY_COL: i32 = 0x8000_264B_u32 as i32;
/// TSDB_CODE_FUNC_FUNTION_PARA_NUM (0x2801).
pub const FUNC_FUNTION_PARA_NUM: i32 = codes::TSDB_CODE_FUNC_FUNTION_PARA_NUM;
/// TSDB_CODE_FUNC_FUNTION_PARA_TYPE (0x2802).
pub const FUNC_FUNTION_PARA_TYPE: i32 = codes::TSDB_CODE_FUNC_FUNTION_PARA_TYPE;

// Codes taos-wire does not define yet, with their taoserror.h values.
// TODO(wire): move these to taos_wire::error::codes.

/// TSDB_CODE_PAR_ILLEGAL_USE_AGG_FUNCTION (0x2608).
pub const PAR_ILLEGAL_USE_AGG_FUNCTION: i32 = 0x8000_2608_u32 as i32;
/// TSDB_CODE_PAR_WRONG_NUMBER_OF_SELECT (0x2609).
pub const PAR_WRONG_NUMBER_OF_SELECT: i32 = 0x8000_2609_u32 as i32;
/// TSDB_CODE_PAR_INTER_VALUE_TOO_SMALL (0x2615).
pub const PAR_INTER_VALUE_TOO_SMALL: i32 = 0x8000_2615_u32 as i32;
/// TSDB_CODE_PAR_CORRESPONDING_STABLE_ERR (0x2618).
pub const PAR_CORRESPONDING_STABLE_ERR: i32 = 0x8000_2618_u32 as i32;
/// TSDB_CODE_PAR_AGG_FUNC_NESTING (0x2627).
pub const PAR_AGG_FUNC_NESTING: i32 = 0x8000_2627_u32 as i32;
/// TSDB_CODE_PAR_ONLY_ONE_JSON_TAG (0x2633).
pub const PAR_ONLY_ONE_JSON_TAG: i32 = 0x8000_2633_u32 as i32;
/// TSDB_CODE_PAR_INVALID_INTERNAL_PK (0x2646): `_wstart` and friends outside a window query.
pub const PAR_INVALID_INTERNAL_PK: i32 = 0x8000_2646_u32 as i32;
/// TSDB_CODE_PAR_INVALID_COL_JSON (0x2652).
pub const PAR_INVALID_COL_JSON: i32 = 0x8000_2652_u32 as i32;
/// TSDB_CODE_PAR_ORDERBY_UNKNOWN_EXPR (0x2675).
pub const PAR_ORDERBY_UNKNOWN_EXPR: i32 = 0x8000_2675_u32 as i32;
/// TSDB_CODE_PAR_INVALID_DELETE_WHERE (0x2655).
pub const PAR_INVALID_DELETE_WHERE: i32 = 0x8000_2655_u32 as i32;
/// TSDB_CODE_PAR_PRIMARY_KEY_IS_NULL (0x267B).
pub const PAR_PRIMARY_KEY_IS_NULL: i32 = 0x8000_267B_u32 as i32;

/// 0x0388 Database not exist.
pub fn db_not_exist(db: &str) -> TaosError {
    let _ = db;
    TaosError::new(codes::TSDB_CODE_MND_DB_NOT_EXIST, "Database not exist")
}

/// 0x2616 Database not specified.
pub fn db_not_specified() -> TaosError {
    TaosError::new(
        codes::TSDB_CODE_PAR_DB_NOT_SPECIFIED,
        "Database not specified",
    )
}

/// 0x2603 Table does not exist.
pub fn table_not_exist(name: &str) -> TaosError {
    TaosError::new(
        codes::TSDB_CODE_PAR_TABLE_NOT_EXIST,
        format!("Table does not exist: {name}"),
    )
}

/// 0x2602 Invalid column name.
pub fn invalid_column(name: &str) -> TaosError {
    TaosError::new(
        codes::TSDB_CODE_PAR_INVALID_COLUMN,
        format!("Invalid column name: {name}"),
    )
}

/// 0x2653 Value too long for column/tag.
pub fn value_too_long(name: &str) -> TaosError {
    TaosError::new(
        codes::TSDB_CODE_PAR_VALUE_TOO_LONG,
        format!("Value too long for column/tag: {name}"),
    )
}

/// The insert parser's value errors: code 0x0216 with `syntax error near '<text>' (<info>)`.
pub fn value_error(text: &str, info: &str) -> TaosError {
    let mut cut = text.len().min(63);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    TaosError::new(
        codes::TSDB_CODE_TSC_SQL_SYNTAX_ERROR,
        format!("syntax error near '{}' ({info})", &text[..cut]),
    )
}

/// An error with an explicit code and message.
pub fn err(code: i32, msg: impl Into<String>) -> TaosError {
    TaosError::new(code, msg)
}
