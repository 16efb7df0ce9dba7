//! Renders a parsed batch as the TDengine SQL the engine executes: `CREATE STABLE`, the
//! `ALTER STABLE` changes from [`plan_against_existing`](super::types::plan_against_existing),
//! and `INSERT … USING … TAGS … VALUES` grouped per child table.
//!
//! Names are wrapped in backquotes (they may hold spaces, commas, `=` …); a name containing a
//! backquote cannot be written in TDengine SQL and is rejected with
//! `TSDB_CODE_SML_INVALID_DATA`.

use std::fmt::Write;

use taos_wire::error::codes;

use super::types::{ColumnDef, SchemaChange, SmlValue};
use super::{SmlError, SmlTable};

/// Default cap on one INSERT statement (TDengine's default `maxSQLLength` is 1 MB).
pub const DEFAULT_MAX_SQL_LEN: usize = 1024 * 1024;

/// `` `name` ``, or an error for a name containing a backquote.
pub fn quote_ident(name: &str) -> Result<String, SmlError> {
    if name.contains('`') {
        return Err(SmlError {
            code: codes::TSDB_CODE_SML_INVALID_DATA,
            message: format!("name contains a backquote: {name}"),
            line: None,
        });
    }
    Ok(format!("`{name}`"))
}

fn quote_str(s: &str) -> String {
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

/// SQL literal for one cell (`NULL` for a missing value; VARBINARY as `'\x..'`).
pub fn literal(value: Option<&SmlValue>) -> String {
    let Some(v) = value else {
        return "NULL".to_string();
    };
    match v {
        SmlValue::Bool(b) => b.to_string(),
        SmlValue::TinyInt(x) => x.to_string(),
        SmlValue::SmallInt(x) => x.to_string(),
        SmlValue::Int(x) => x.to_string(),
        SmlValue::BigInt(x) => x.to_string(),
        SmlValue::UTinyInt(x) => x.to_string(),
        SmlValue::USmallInt(x) => x.to_string(),
        SmlValue::UInt(x) => x.to_string(),
        SmlValue::UBigInt(x) => x.to_string(),
        // Debug gives the shortest round-trip text, with an exponent for extreme values.
        SmlValue::Float(x) if x.is_finite() => format!("{x:?}"),
        SmlValue::Double(x) if x.is_finite() => format!("{x:?}"),
        // SQL has no literal for NaN/±inf; quote the text so the engine decides.
        SmlValue::Float(x) => quote_str(&x.to_string()),
        SmlValue::Double(x) => quote_str(&x.to_string()),
        SmlValue::VarChar(s) | SmlValue::NChar(s) | SmlValue::Geometry(s) => quote_str(s),
        SmlValue::VarBinary(b) => {
            let mut s = String::from("'\\x");
            for byte in b {
                let _ = write!(s, "{byte:02x}");
            }
            s.push('\'');
            s
        }
    }
}

fn column_list(defs: &[ColumnDef]) -> Result<String, SmlError> {
    let parts: Result<Vec<String>, SmlError> = defs
        .iter()
        .map(|d| Ok(format!("{} {}", quote_ident(&d.name)?, d.sql_type())))
        .collect();
    Ok(parts?.join(", "))
}

/// `CREATE STABLE IF NOT EXISTS` for the batch schema of `table`.
pub fn create_stable_sql(table: &SmlTable) -> Result<String, SmlError> {
    Ok(format!(
        "CREATE STABLE IF NOT EXISTS {} ({}) TAGS ({})",
        quote_ident(&table.name)?,
        column_list(&table.columns)?,
        column_list(&table.tags)?
    ))
}

/// `ALTER STABLE` statement for one schema change.
pub fn alter_sql(stable: &str, change: &SchemaChange) -> Result<String, SmlError> {
    let (verb, def) = match change {
        SchemaChange::AddColumn(d) => ("ADD COLUMN", d),
        SchemaChange::AddTag(d) => ("ADD TAG", d),
        SchemaChange::WidenColumn(d) => ("MODIFY COLUMN", d),
        SchemaChange::WidenTag(d) => ("MODIFY TAG", d),
    };
    Ok(format!(
        "ALTER STABLE {} {verb} {} {}",
        quote_ident(stable)?,
        quote_ident(&def.name)?,
        def.sql_type()
    ))
}

/// INSERT statements for every row of `table`: one clause per child table (first-seen
/// order) that auto-creates it with its tags and `TTL ttl`, all columns listed. A statement
/// grows until `max_len` bytes; a single row longer than that still gets its own statement.
pub fn insert_sqls(table: &SmlTable, ttl: i32, max_len: usize) -> Result<Vec<String>, SmlError> {
    let stable = quote_ident(&table.name)?;
    let cols: Result<Vec<String>, SmlError> =
        table.columns.iter().map(|c| quote_ident(&c.name)).collect();
    let cols = cols?.join(",");
    let ttl_part = if ttl > 0 {
        format!(" TTL {ttl}")
    } else {
        String::new()
    };

    // Rows grouped by child table, keeping first-seen order.
    let mut order: Vec<&str> = Vec::new();
    let mut groups: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, r) in table.rows.iter().enumerate() {
        groups
            .entry(r.child_table.as_str())
            .or_insert_with(|| {
                order.push(r.child_table.as_str());
                Vec::new()
            })
            .push(i);
    }

    let mut out = Vec::new();
    let mut stmt = String::new();
    for child in order {
        let rows = &groups[child];
        let first = &table.rows[rows[0]];
        let tags: Vec<String> = first.tags.iter().map(|t| literal(t.as_ref())).collect();
        let head = format!(
            " {} USING {stable} TAGS ({}){ttl_part} ({cols}) VALUES",
            quote_ident(child)?,
            tags.join(",")
        );
        let mut clause_open = false;
        for &ri in rows {
            let r = &table.rows[ri];
            let mut tuple = format!(" ({}", r.ts);
            for v in &r.values {
                tuple.push(',');
                tuple.push_str(&literal(v.as_ref()));
            }
            tuple.push(')');
            let extra = if clause_open { 0 } else { head.len() };
            if !stmt.is_empty() && stmt.len() + extra + tuple.len() > max_len {
                out.push(std::mem::take(&mut stmt));
                clause_open = false;
            }
            if stmt.is_empty() {
                stmt.push_str("INSERT INTO");
            }
            if !clause_open {
                stmt.push_str(&head);
                clause_open = true;
            }
            stmt.push_str(&tuple);
        }
    }
    if !stmt.is_empty() {
        out.push(stmt);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::opts;
    use super::super::types::plan_against_existing;
    use super::super::{parse, TSDB_SML_LINE_PROTOCOL as LINE};
    use super::*;
    use crate::engine::{Engine, Outcome, Session, Value};

    #[test]
    fn literals() {
        assert_eq!(literal(None), "NULL");
        assert_eq!(literal(Some(&SmlValue::Bool(true))), "true");
        assert_eq!(
            literal(Some(&SmlValue::BigInt(i64::MIN))),
            "-9223372036854775808"
        );
        assert_eq!(literal(Some(&SmlValue::Double(1e300))), "1e300");
        assert_eq!(literal(Some(&SmlValue::Float(1.5))), "1.5");
        assert_eq!(
            literal(Some(&SmlValue::VarChar("it's a \\ test".into()))),
            r"'it\'s a \\ test'"
        );
        assert_eq!(
            literal(Some(&SmlValue::VarBinary(vec![0x98, 0x0f]))),
            r"'\x980f'"
        );
        assert!(quote_ident("a`b").is_err());
        assert_eq!(quote_ident("a b,c").unwrap(), "`a b,c`");
    }

    #[test]
    fn statements_for_a_batch() {
        let data = "st,t1=a c1=1i32,s=\"x'y\" 1000\nst,t1=b c2=true 2000\nst,t1=a c1=2i32 3000";
        let batch = parse(LINE, 4, data, &opts()).unwrap();
        let t = &batch.tables[0];
        assert_eq!(
            create_stable_sql(t).unwrap(),
            "CREATE STABLE IF NOT EXISTS `st` (`_ts` TIMESTAMP, `c1` INT, `s` VARCHAR(4), \
             `c2` BOOL) TAGS (`t1` NCHAR(2))"
        );
        let a = &t.rows[0].child_table;
        let b = &t.rows[1].child_table;
        let sqls = insert_sqls(t, 3, DEFAULT_MAX_SQL_LEN).unwrap();
        assert_eq!(
            sqls,
            vec![format!(
                "INSERT INTO `{a}` USING `st` TAGS ('a') TTL 3 (`_ts`,`c1`,`s`,`c2`) VALUES \
                 (1000,1,'x\\'y',NULL) (3000,2,NULL,NULL) `{b}` USING `st` TAGS ('b') TTL 3 \
                 (`_ts`,`c1`,`s`,`c2`) VALUES (2000,NULL,NULL,true)"
            )]
        );
        // A tiny limit splits into one statement per row, each self-contained.
        let split = insert_sqls(t, 0, 10).unwrap();
        assert_eq!(split.len(), 3);
        assert!(split
            .iter()
            .all(|s| s.starts_with("INSERT INTO `t_") && s.contains("VALUES (")));
        let change = SchemaChange::WidenColumn(t.columns[2].clone());
        assert_eq!(
            alter_sql("st", &change).unwrap(),
            "ALTER STABLE `st` MODIFY COLUMN `s` VARCHAR(4)"
        );
    }

    fn run(engine: &Engine, s: &mut Session, sql: &str) -> Outcome {
        engine
            .execute(s, sql)
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"))
    }

    /// End to end against the dev engine: create, insert, evolve the schema, read back.
    #[test]
    fn statements_execute_on_the_dev_engine() {
        let engine = Engine::new();
        let mut s = Session::default();
        run(&engine, &mut s, "CREATE DATABASE smltest");
        run(&engine, &mut s, "USE smltest");
        let first = parse(
            LINE,
            4,
            "m.x,loc=a\\ b c=1.5,s=\"hi\" 1626006833639",
            &opts(),
        )
        .unwrap();
        let t = &first.tables[0];
        run(&engine, &mut s, &create_stable_sql(t).unwrap());
        for sql in insert_sqls(t, 0, DEFAULT_MAX_SQL_LEN).unwrap() {
            run(&engine, &mut s, &sql);
        }
        // A second batch widens `s` and adds a column and a tag.
        let second = parse(
            LINE,
            4,
            "m.x,loc=a\\ b,dc=x c=2.5,s=\"a longer text\",n=7i8 1626006833640",
            &opts(),
        )
        .unwrap();
        let t2 = &second.tables[0];
        let plan = plan_against_existing(&t.columns, &t.tags, &t2.columns, &t2.tags).unwrap();
        assert_eq!(plan.len(), 3, "{plan:?}");
        for change in &plan {
            run(&engine, &mut s, &alter_sql(&t2.name, change).unwrap());
        }
        for sql in insert_sqls(t2, 0, DEFAULT_MAX_SQL_LEN).unwrap() {
            run(&engine, &mut s, &sql);
        }
        let out = run(
            &engine,
            &mut s,
            "SELECT _ts, c, s, n, loc, tbname FROM m_x ORDER BY _ts",
        );
        let Outcome::Rows(rs) = out else {
            panic!("expected rows")
        };
        assert_eq!(rs.num_rows(), 2);
        assert!(matches!(rs.value(0, 0), Value::Timestamp(1626006833639)));
        assert!(matches!(rs.value(1, 1), Value::Double(d) if d == 2.5));
        assert!(matches!(rs.value(1, 2), Value::Bytes(ref b) if b == b"a longer text"));
        assert!(matches!(rs.value(0, 3), Value::Null));
        assert!(matches!(rs.value(1, 3), Value::Int(7)));
        assert!(matches!(rs.value(0, 4), Value::NChar(ref l) if l == "a b"));
        let child = &t.rows[0].child_table;
        let tb = rs.value(0, 5);
        assert!(
            matches!(&tb, Value::Bytes(b) if b == child.as_bytes())
                || matches!(&tb, Value::NChar(n) if n == child),
            "{tb:?}"
        );
    }
}
