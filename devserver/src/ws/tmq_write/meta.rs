//! `write_raw` of a meta message. TDengine's raw payload of a meta message is its binary DDL
//! request; the dev server's is the message's JSON meta (the `tmq_get_json_meta` shapes of
//! ws-stmt-sml-tmq.md §4.7.3) under a private raw type, replayed here as the equivalent DDL
//! in the session's database. Like TDengine's replay it is idempotent (a supertable's
//! metas reach every vgroup, so a consumer sees them once per vgroup): creates use
//! IF NOT EXISTS, drops IF EXISTS, an ALTER of a table that is gone is ignored, and so is
//! adding a column that is there or widening one to the width it has.

use serde_json::Value as J;
use taos_wire::error::{codes, TaosError};
use taos_wire::types::*;

use crate::engine::{Engine, Session};

/// `raw_type` of the dev server's meta payloads (JSON text). Not a TDengine value: TDengine
/// uses the DDL's message type there, with a binary request as the payload.
pub const RAW_TYPE_JSON_META: u16 = 0xFF01;

fn bad(what: impl std::fmt::Display) -> TaosError {
    TaosError::new(
        codes::TSDB_CODE_INVALID_PARA,
        format!("invalid raw meta: {what}"),
    )
}

/// Runs the DDL that `raw` (a JSON meta, single or batch) describes.
pub fn replay(e: &Engine, s: &Session, raw: &[u8]) -> Result<(), TaosError> {
    let j: J = serde_json::from_slice(raw).map_err(|err| bad(format!("not JSON: {err}")))?;
    let mut stmts = Vec::new();
    statements(&j, &mut stmts)?;
    for (sql, tolerated) in stmts {
        let mut sess = s.clone();
        match e.execute(&mut sess, &sql) {
            Ok(_) => {}
            Err(err) if tolerated.contains(&err.code) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// Errors a replayed statement may meet because it already took effect.
type Tolerated = &'static [i32];
const NONE: Tolerated = &[];
const MISSING: Tolerated = &[codes::TSDB_CODE_PAR_TABLE_NOT_EXIST];
const ADDED: Tolerated = &[
    codes::TSDB_CODE_PAR_TABLE_NOT_EXIST,
    codes::TSDB_CODE_PAR_DUPLICATED_COLUMN,
];
const WIDENED: Tolerated = &[
    codes::TSDB_CODE_PAR_TABLE_NOT_EXIST,
    crate::engine::errors::PAR_INVALID_MODIFY_COL,
];

fn str_of<'a>(j: &'a J, key: &str) -> Result<&'a str, TaosError> {
    j.get(key)
        .and_then(J::as_str)
        .ok_or_else(|| bad(format!("missing \"{key}\"")))
}

fn int_of(j: &J, key: &str) -> Result<i64, TaosError> {
    j.get(key)
        .and_then(J::as_i64)
        .ok_or_else(|| bad(format!("missing \"{key}\"")))
}

/// A backquoted identifier.
fn ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// The SQL type of a column/tag entry (`type`, and `length` / `colLength` for var types).
fn sql_type(ty: i64, len: Option<i64>) -> Result<String, TaosError> {
    let ty = u8::try_from(ty).map_err(|_| bad(format!("type {ty}")))?;
    let sized = |name: &str| {
        len.map(|n| format!("{name}({n})"))
            .ok_or_else(|| bad(format!("{name} without a length")))
    };
    Ok(match ty {
        TSDB_DATA_TYPE_BOOL => "BOOL".into(),
        TSDB_DATA_TYPE_TINYINT => "TINYINT".into(),
        TSDB_DATA_TYPE_SMALLINT => "SMALLINT".into(),
        TSDB_DATA_TYPE_INT => "INT".into(),
        TSDB_DATA_TYPE_BIGINT => "BIGINT".into(),
        TSDB_DATA_TYPE_FLOAT => "FLOAT".into(),
        TSDB_DATA_TYPE_DOUBLE => "DOUBLE".into(),
        TSDB_DATA_TYPE_TIMESTAMP => "TIMESTAMP".into(),
        TSDB_DATA_TYPE_UTINYINT => "TINYINT UNSIGNED".into(),
        TSDB_DATA_TYPE_USMALLINT => "SMALLINT UNSIGNED".into(),
        TSDB_DATA_TYPE_UINT => "INT UNSIGNED".into(),
        TSDB_DATA_TYPE_UBIGINT => "BIGINT UNSIGNED".into(),
        TSDB_DATA_TYPE_JSON => "JSON".into(),
        TSDB_DATA_TYPE_VARCHAR => sized("VARCHAR")?,
        TSDB_DATA_TYPE_NCHAR => sized("NCHAR")?,
        TSDB_DATA_TYPE_VARBINARY => sized("VARBINARY")?,
        TSDB_DATA_TYPE_GEOMETRY => sized("GEOMETRY")?,
        other => return Err(bad(format!("type {}", type_name(other)))),
    })
}

/// `name type` for each entry of a `columns` / `tags` array.
fn column_list(j: &J, key: &str) -> Result<Vec<String>, TaosError> {
    let Some(items) = j.get(key).and_then(J::as_array) else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .map(|c| {
            let len = c.get("length").and_then(J::as_i64);
            Ok(format!(
                "{} {}",
                ident(str_of(c, "name")?),
                sql_type(int_of(c, "type")?, len)?
            ))
        })
        .collect()
}

/// A SQL string literal.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A tag value of the meta JSON as a SQL literal: numbers as they are (BOOL 1/0 as
/// true/false); text comes in double quotes (`"\"abc\""`), which are replaced by SQL quoting;
/// a JSON tag is its text.
fn tag_literal(ty: i64, v: &J) -> Result<String, TaosError> {
    Ok(match v {
        J::Null => "NULL".into(),
        J::Bool(b) => b.to_string(),
        J::Number(n) if ty == i64::from(TSDB_DATA_TYPE_BOOL) => {
            (n.as_f64() != Some(0.0)).to_string()
        }
        J::Number(n) => n.to_string(),
        J::String(t) if ty == i64::from(TSDB_DATA_TYPE_JSON) => quote(t),
        J::String(t) => {
            let inner = t
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .unwrap_or(t);
            // Numbers and bools set with ALTER ... SET TAG come as bare text.
            if ty != i64::from(TSDB_DATA_TYPE_VARCHAR)
                && ty != i64::from(TSDB_DATA_TYPE_NCHAR)
                && ty != i64::from(TSDB_DATA_TYPE_VARBINARY)
                && ty != i64::from(TSDB_DATA_TYPE_GEOMETRY)
                && inner.len() == t.len()
            {
                inner.to_string()
            } else {
                quote(inner)
            }
        }
        other => return Err(bad(format!("tag value {other}"))),
    })
}

/// `CREATE TABLE ... USING` for one child entry (`tableName`, `using`, `tagNum`, `tags`).
fn create_child(c: &J) -> Result<String, TaosError> {
    let name = ident(str_of(c, "tableName")?);
    let stb = ident(str_of(c, "using")?);
    let tags = c
        .get("tags")
        .and_then(J::as_array)
        .cloned()
        .unwrap_or_default();
    if tags.is_empty() {
        // Every tag NULL (TDengine leaves NULL tags out).
        let n = usize::try_from(int_of(c, "tagNum")?).map_err(|_| bad("tagNum"))?;
        let nulls = vec!["NULL"; n.max(1)].join(", ");
        return Ok(format!(
            "CREATE TABLE IF NOT EXISTS {name} USING {stb} TAGS ({nulls})"
        ));
    }
    let mut names = Vec::with_capacity(tags.len());
    let mut values = Vec::with_capacity(tags.len());
    for t in &tags {
        names.push(ident(str_of(t, "name")?));
        values.push(tag_literal(
            int_of(t, "type")?,
            t.get("value").unwrap_or(&J::Null),
        )?);
    }
    Ok(format!(
        "CREATE TABLE IF NOT EXISTS {name} USING {stb} ({}) TAGS ({})",
        names.join(", "),
        values.join(", ")
    ))
}

/// The statements of one meta, each with the errors its replay tolerates.
fn statements(j: &J, out: &mut Vec<(String, Tolerated)>) -> Result<(), TaosError> {
    if let Some(metas) = j.get("metas").and_then(J::as_array) {
        for m in metas {
            statements(m, out)?;
        }
        return Ok(());
    }
    let kind = str_of(j, "type")?;
    let table_type = j.get("tableType").and_then(J::as_str).unwrap_or("");
    match kind {
        "create" if table_type == "child" => match j.get("createList").and_then(J::as_array) {
            Some(list) if !list.is_empty() => {
                for c in list {
                    out.push((create_child(c)?, NONE));
                }
            }
            _ => out.push((create_child(j)?, NONE)),
        },
        "create" => {
            let name = ident(str_of(j, "tableName")?);
            let cols = column_list(j, "columns")?.join(", ");
            let sql = if table_type == "super" {
                let tags = column_list(j, "tags")?.join(", ");
                format!("CREATE STABLE IF NOT EXISTS {name} ({cols}) TAGS ({tags})")
            } else {
                format!("CREATE TABLE IF NOT EXISTS {name} ({cols})")
            };
            out.push((sql, NONE));
        }
        "drop" => {
            if let Some(list) = j.get("tableNameList").and_then(J::as_array) {
                for t in list {
                    let t = t.as_str().ok_or_else(|| bad("tableNameList"))?;
                    out.push((format!("DROP TABLE IF EXISTS {}", ident(t)), NONE));
                }
            } else {
                let name = ident(str_of(j, "tableName")?);
                out.push((format!("DROP STABLE IF EXISTS {name}"), NONE));
            }
        }
        "alter" => {
            if let Some(stmt) = alter(j, table_type)? {
                out.push(stmt);
            }
        }
        "delete" => out.push((str_of(j, "sql")?.to_string(), MISSING)),
        other => return Err(bad(format!("meta type {other:?}"))),
    }
    Ok(())
}

/// The ALTER of an `alter` meta (TDengine's `alterType` numbers); `None` for one that
/// changes nothing the dev server keeps (table options).
fn alter(j: &J, table_type: &str) -> Result<Option<(String, Tolerated)>, TaosError> {
    let what = if table_type == "super" {
        "STABLE"
    } else {
        "TABLE"
    };
    let table = ident(str_of(j, "tableName")?);
    let col = || str_of(j, "colName").map(ident);
    let col_type = || {
        sql_type(
            int_of(j, "colType")?,
            j.get("colLength").and_then(J::as_i64),
        )
    };
    let new_name = || str_of(j, "colNewName").map(ident);
    let head = format!("ALTER {what} {table}");
    Ok(Some(match int_of(j, "alterType")? {
        1 => (format!("{head} ADD TAG {} {}", col()?, col_type()?), ADDED),
        2 => (format!("{head} DROP TAG {}", col()?), MISSING),
        3 => (
            format!("{head} RENAME TAG {} {}", col()?, new_name()?),
            MISSING,
        ),
        4 => {
            let null = j.get("colValueNull").and_then(J::as_bool).unwrap_or(false);
            let value = match j.get("colValue") {
                Some(J::String(v)) if !null => tag_literal(-1, &J::String(v.clone()))?,
                _ => "NULL".into(),
            };
            (format!("{head} SET TAG {} = {value}", col()?), MISSING)
        }
        5 => (
            format!("{head} ADD COLUMN {} {}", col()?, col_type()?),
            ADDED,
        ),
        6 => (format!("{head} DROP COLUMN {}", col()?), MISSING),
        7 => (
            format!("{head} MODIFY COLUMN {} {}", col()?, col_type()?),
            WIDENED,
        ),
        8 => (
            format!("{head} MODIFY TAG {} {}", col()?, col_type()?),
            WIDENED,
        ),
        9 => return Ok(None),
        10 => (
            format!("{head} RENAME COLUMN {} {}", col()?, new_name()?),
            MISSING,
        ),
        other => return Err(bad(format!("alterType {other}"))),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sqls(j: J) -> Vec<String> {
        let mut out = Vec::new();
        statements(&j, &mut out).unwrap();
        out.into_iter().map(|(s, _)| s).collect()
    }

    #[test]
    fn metas_become_ddl() {
        assert_eq!(
            sqls(json!({"type":"create","tableType":"super","tableName":"st",
                "columns":[{"name":"ts","type":9},{"name":"s","type":8,"length":10}],
                "tags":[{"name":"g","type":4},{"name":"n","type":10,"length":3}]})),
            ["CREATE STABLE IF NOT EXISTS `st` (`ts` TIMESTAMP, `s` VARCHAR(10)) TAGS (`g` INT, `n` NCHAR(3))"]
        );
        assert_eq!(
            sqls(
                json!({"type":"create","tableType":"child","tableName":"c","using":"st",
                "tagNum":3,"tags":[{"name":"g","type":4,"value":7},
                {"name":"s","type":8,"value":"\"it's\""},{"name":"b","type":1,"value":1}],
                "createList":[]})
            ),
            ["CREATE TABLE IF NOT EXISTS `c` USING `st` (`g`, `s`, `b`) TAGS (7, 'it''s', true)"]
        );
        assert_eq!(
            sqls(
                json!({"type":"create","tableType":"child","tableName":"c","using":"st",
                "tagNum":2,"tags":[],"createList":[]})
            ),
            ["CREATE TABLE IF NOT EXISTS `c` USING `st` TAGS (NULL, NULL)"]
        );
        assert_eq!(
            sqls(
                json!({"type":"alter","tableType":"child","tableName":"c","alterType":4,
                "colName":"g","colValue":"9","colValueNull":false})
            ),
            ["ALTER TABLE `c` SET TAG `g` = 9"]
        );
        assert_eq!(
            sqls(
                json!({"type":"alter","tableType":"child","tableName":"c","alterType":4,
                "colName":"s","colValue":"\"x\"","colValueNull":false})
            ),
            ["ALTER TABLE `c` SET TAG `s` = 'x'"]
        );
        assert_eq!(
            sqls(
                json!({"type":"alter","tableType":"normal","tableName":"n","alterType":5,
                "colName":"y","colType":10,"colLength":3})
            ),
            ["ALTER TABLE `n` ADD COLUMN `y` NCHAR(3)"]
        );
        assert_eq!(
            sqls(json!({"type":"drop","tableNameList":["a","b"]})),
            ["DROP TABLE IF EXISTS `a`", "DROP TABLE IF EXISTS `b`"]
        );
        assert_eq!(
            sqls(json!({"tmq_meta_version":"1.0","metas":[
                {"type":"drop","tableType":"super","tableName":"st"}]})),
            ["DROP STABLE IF EXISTS `st`"]
        );
        let mut out = Vec::new();
        for bad in [
            json!({"type":"create","tableType":"super"}),
            json!({"type":"alter","tableType":"normal","tableName":"n","alterType":99}),
            json!({"type":"nope"}),
            json!([1]),
        ] {
            assert!(statements(&bad, &mut out).is_err(), "{bad}");
        }
    }
}
