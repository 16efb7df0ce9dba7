//! Applying a parsed schemaless batch to the engine, in TDengine's order (clientSml.c
//! `smlProcess`): every line is parsed first, then the super-table schemas are created or
//! changed, then the rows are inserted. A line that fails to parse, or a batch whose schema
//! conflicts with an existing table, therefore writes **no** row of the batch.
//!
//! Everything goes through [`Engine::execute`] with generated SQL, so the engine's own checks
//! (limits, value conversion) apply exactly as for a SQL client.

use taos_wire::error::{codes, TaosError};
use taos_wire::types::{TSDB_DATA_TYPE_GEOMETRY, TSDB_TIME_PRECISION_MILLI};

use crate::engine::{sql_type_name, Engine, Outcome, Session, Value};
use crate::sml::types::{
    bytes_for_width, declared_width, is_var_type, plan_against_existing, ColumnDef, SchemaChange,
    SmlValue,
};
use crate::sml::{self, SmlBatch, SmlOptions, SmlTable};

/// One `insert` request as the applier needs it.
#[derive(Debug, Clone, Copy)]
pub struct SmlRequest<'a> {
    /// `TSDB_SML_*_PROTOCOL`.
    pub protocol: i32,
    /// `TSDB_SML_TIMESTAMP_*` (already mapped from the wire string).
    pub precision: i32,
    /// TTL in days for auto-created child tables (0 = none).
    pub ttl: i32,
    /// The payload.
    pub data: &'a str,
    /// Tag whose value names the child table (`None` = MD5 rule).
    pub table_name_key: Option<&'a str>,
}

/// What a successful batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Rows written (`affected_rows`).
    pub affected_rows: i64,
    /// Lines counted by TDengine's raw splitter (`total_rows`).
    pub total_rows: i32,
}

/// Most rows put into one generated INSERT statement (keeps each SQL text a few MB).
const ROWS_PER_INSERT: usize = 5000;

/// Parses `req.data` and applies it to the session's current database.
pub fn apply(
    engine: &Engine,
    session: &mut Session,
    req: &SmlRequest,
) -> Result<Applied, TaosError> {
    let db = match session.current_db.clone() {
        Some(db) => db,
        None => {
            return Err(TaosError::new(
                codes::TSDB_CODE_PAR_DB_NOT_SPECIFIED,
                "Database not specified",
            ))
        }
    };
    let options = SmlOptions {
        table_name_key: req
            .table_name_key
            .filter(|k| !k.is_empty())
            .map(str::to_string),
        ttl: req.ttl,
        db_precision: db_precision(engine, session, &db)?,
        ..SmlOptions::default()
    };
    let mut batch = sml::parse(req.protocol, req.precision, req.data, &options)
        .map_err(|e| TaosError::new(e.code, e.message))?;
    for t in &mut batch.tables {
        widen_geometry(t);
    }
    check_values(&batch)?;

    // Schema phase: plan every table first, so a conflict anywhere changes nothing.
    let mut ddl = Vec::new();
    let mut ts_names = Vec::with_capacity(batch.tables.len());
    for t in &batch.tables {
        check_names(t)?;
        match existing_schema(engine, session, &db, &t.name)? {
            None => {
                ddl.push(create_stable_sql(&db, t));
                ts_names.push(t.columns[0].name.clone());
            }
            Some((cols, tags)) => {
                let changes =
                    plan_against_existing(&cols, &tags, &t.columns, &t.tags).map_err(|e| {
                        TaosError::new(e.code, format!("{}; super table {}", e.detail, t.name))
                    })?;
                ddl.extend(changes.iter().map(|c| alter_sql(&db, &t.name, c)));
                // Rows go to the existing timestamp column, whatever its name.
                ts_names.push(
                    cols.first()
                        .map_or_else(|| t.columns[0].name.clone(), |c| c.name.clone()),
                );
            }
        }
    }
    for sql in &ddl {
        engine.execute(session, sql)?;
    }

    // Insert phase.
    let mut affected = 0i64;
    for (t, ts_name) in batch.tables.iter().zip(&ts_names) {
        for sql in insert_sql(&db, t, ts_name, batch.ttl) {
            if let Outcome::Affected(n) = engine.execute(session, &sql)? {
                affected += n;
            }
        }
    }
    Ok(Applied {
        affected_rows: affected,
        total_rows: batch.total_rows,
    })
}

/// Precision of `db` (0 ms, 1 µs, 2 ns) read from `SHOW DATABASES`.
fn db_precision(engine: &Engine, session: &mut Session, db: &str) -> Result<u8, TaosError> {
    let Outcome::Rows(rs) = engine.execute(session, "SHOW DATABASES")? else {
        return Ok(TSDB_TIME_PRECISION_MILLI);
    };
    let col = |name: &str| rs.fields().iter().position(|f| f.name == name);
    let (Some(name_col), Some(prec_col)) = (col("name"), col("precision")) else {
        return Ok(TSDB_TIME_PRECISION_MILLI);
    };
    for r in 0..rs.num_rows() {
        if text(&rs.value(r, name_col)).as_deref() == Some(db) {
            return Ok(match text(&rs.value(r, prec_col)).as_deref() {
                Some("us") => 1,
                Some("ns") => 2,
                _ => TSDB_TIME_PRECISION_MILLI,
            });
        }
    }
    Err(TaosError::new(
        codes::TSDB_CODE_MND_DB_NOT_EXIST,
        format!("Database not exist: {db}"),
    ))
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Bytes(b) | Value::Json(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::NChar(s) => Some(s.clone()),
        _ => None,
    }
}

/// Columns and tags of an existing table.
type Schema = (Vec<ColumnDef>, Vec<ColumnDef>);

/// The columns and tags of `name` when it exists (from DESCRIBE), `None` when it does not.
fn existing_schema(
    engine: &Engine,
    session: &mut Session,
    db: &str,
    name: &str,
) -> Result<Option<Schema>, TaosError> {
    let rs = match engine.execute(session, &format!("DESCRIBE {}", qualified(db, name))) {
        Ok(Outcome::Rows(rs)) => rs,
        Ok(Outcome::Affected(_)) => return Ok(None),
        Err(e) if is_not_found(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let (mut cols, mut tags) = (Vec::new(), Vec::new());
    for r in 0..rs.num_rows() {
        let name = text(&rs.value(r, 0)).unwrap_or_default();
        let ty = type_code(&text(&rs.value(r, 1)).unwrap_or_default());
        let length = match rs.value(r, 2) {
            Value::Int(n) => n,
            Value::UInt(n) => i64::try_from(n).unwrap_or(i64::MAX),
            _ => 0,
        };
        let width = u32::try_from(length.max(0)).unwrap_or(u32::MAX);
        let def = ColumnDef {
            name,
            ty,
            bytes: bytes_for_width(ty, width),
        };
        if text(&rs.value(r, 3)).as_deref() == Some("TAG") {
            tags.push(def);
        } else {
            cols.push(def);
        }
    }
    Ok(Some((cols, tags)))
}

fn is_not_found(e: &TaosError) -> bool {
    e.code == codes::TSDB_CODE_PAR_TABLE_NOT_EXIST || e.code == codes::TSDB_CODE_MND_STB_NOT_EXIST
}

/// The type code whose DESCRIBE spelling is `name` (0 for spellings schemaless never makes).
fn type_code(name: &str) -> u8 {
    (1..=21u8)
        .find(|&ty| sql_type_name(ty, 0, 0) == name)
        .unwrap_or(0)
}

/// GEOMETRY values are stored as WKB, which is longer than the WKT text the parser sized
/// the column by; grow the width to an upper bound of the WKB size of every value.
fn widen_geometry(t: &mut SmlTable) {
    let grow = |defs: &mut [ColumnDef], pick: &dyn Fn(&sml::SmlRow) -> &[Option<SmlValue>]| {
        for (i, def) in defs.iter_mut().enumerate() {
            if def.ty != TSDB_DATA_TYPE_GEOMETRY {
                continue;
            }
            let longest = t
                .rows
                .iter()
                .filter_map(|r| match pick(r).get(i) {
                    Some(Some(SmlValue::Geometry(wkt))) => Some(wkb_upper_bound(wkt)),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            let bytes = bytes_for_width(def.ty, declared_width(def.ty, longest));
            def.bytes = def.bytes.max(bytes);
        }
    };
    grow(&mut t.columns[1..], &|r| &r.values);
    grow(&mut t.tags, &|r| &r.tags);
}

/// An upper bound of the WKB size of a WKT text: a 9-byte header (order, type, count) per
/// parenthesis group plus 8 bytes per number.
fn wkb_upper_bound(wkt: &str) -> usize {
    let groups = wkt.matches('(').count() + 1;
    let numbers = wkt
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| w.parse::<f64>().is_ok())
        .count();
    9 * groups + 8 * numbers
}

/// TDengine refuses non-finite floats; catch them before anything is written.
fn check_values(batch: &SmlBatch) -> Result<(), TaosError> {
    for t in &batch.tables {
        for r in &t.rows {
            let bad = r.values.iter().chain(&r.tags).flatten().any(|v| match v {
                SmlValue::Float(f) => !f.is_finite(),
                SmlValue::Double(f) => !f.is_finite(),
                _ => false,
            });
            if bad {
                return Err(TaosError::new(
                    codes::TSDB_CODE_SML_INVALID_DATA,
                    format!("float value is not finite; line {}", r.line),
                ));
            }
        }
    }
    Ok(())
}

/// Names are written back-quoted; a back quote inside one cannot be expressed.
fn check_names(t: &SmlTable) -> Result<(), TaosError> {
    let names = std::iter::once(t.name.as_str())
        .chain(t.columns.iter().chain(&t.tags).map(|c| c.name.as_str()))
        .chain(t.rows.iter().map(|r| r.child_table.as_str()));
    for n in names {
        if n.contains('`') {
            return Err(TaosError::new(
                codes::TSDB_CODE_PAR_INVALID_IDENTIFIER_NAME,
                format!("Invalid identifier name: {n}"),
            ));
        }
    }
    Ok(())
}

fn ident(name: &str) -> String {
    format!("`{name}`")
}

fn qualified(db: &str, name: &str) -> String {
    format!("`{db}`.`{name}`")
}

fn def_list(defs: &[ColumnDef]) -> String {
    defs.iter()
        .map(|d| format!("{} {}", ident(&d.name), sql_type(d)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// SQL type text; var types carry their declared width.
fn sql_type(d: &ColumnDef) -> String {
    if is_var_type(d.ty) {
        d.sql_type()
    } else {
        sql_type_name(d.ty, 0, 0)
    }
}

fn create_stable_sql(db: &str, t: &SmlTable) -> String {
    format!(
        "CREATE STABLE IF NOT EXISTS {} ({}) TAGS ({})",
        qualified(db, &t.name),
        def_list(&t.columns),
        def_list(&t.tags)
    )
}

fn alter_sql(db: &str, stable: &str, c: &SchemaChange) -> String {
    let (verb, d) = match c {
        SchemaChange::AddColumn(d) => ("ADD COLUMN", d),
        SchemaChange::AddTag(d) => ("ADD TAG", d),
        SchemaChange::WidenColumn(d) => ("MODIFY COLUMN", d),
        SchemaChange::WidenTag(d) => ("MODIFY TAG", d),
    };
    format!(
        "ALTER STABLE {} {verb} {} {}",
        qualified(db, stable),
        ident(&d.name),
        sql_type(d)
    )
}

/// SQL literal of one value.
fn literal(v: &Option<SmlValue>) -> String {
    let Some(v) = v else {
        return "NULL".into();
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
        // `{:?}` is the shortest text that reads back to the same bits.
        SmlValue::Float(x) => format!("{x:?}"),
        SmlValue::Double(x) => format!("{x:?}"),
        SmlValue::VarChar(s) | SmlValue::NChar(s) | SmlValue::Geometry(s) => quote(s),
        SmlValue::VarBinary(b) => {
            let mut s = String::with_capacity(4 + 2 * b.len());
            s.push_str("'\\x");
            for byte in b {
                s.push_str(&format!("{byte:02x}"));
            }
            s.push('\'');
            s
        }
    }
}

/// A single-quoted SQL string with `\` and `'` escaped.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// INSERT statements for every row of `t`, each child table's rows together, auto-creating
/// child tables with their first row's tags.
fn insert_sql(db: &str, t: &SmlTable, ts_name: &str, ttl: i32) -> Vec<String> {
    let tag_names = t
        .tags
        .iter()
        .map(|d| ident(&d.name))
        .collect::<Vec<_>>()
        .join(",");
    let col_names = std::iter::once(ident(ts_name))
        .chain(t.columns[1..].iter().map(|d| ident(&d.name)))
        .collect::<Vec<_>>()
        .join(",");
    let ttl = if ttl > 0 {
        format!(" TTL {ttl}")
    } else {
        String::new()
    };

    // Row indexes per child table, children in first-seen order.
    let mut order: Vec<&str> = Vec::new();
    let mut by_child: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, r) in t.rows.iter().enumerate() {
        by_child
            .entry(r.child_table.as_str())
            .or_insert_with(|| {
                order.push(r.child_table.as_str());
                Vec::new()
            })
            .push(i);
    }

    let mut out = Vec::new();
    let mut sql = String::new();
    let mut rows_in_sql = 0usize;
    for child in order {
        let rows = by_child.get(child).map(Vec::as_slice).unwrap_or(&[]);
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            if rows_in_sql > 0 && rows_in_sql + chunk.len() > ROWS_PER_INSERT {
                out.push(std::mem::take(&mut sql));
                rows_in_sql = 0;
            }
            if sql.is_empty() {
                sql.push_str("INSERT INTO");
            }
            let first = &t.rows[chunk[0]];
            let tags = first.tags.iter().map(literal).collect::<Vec<_>>().join(",");
            sql.push_str(&format!(
                " {} USING {} ({tag_names}) TAGS ({tags}){ttl} ({col_names}) VALUES",
                qualified(db, child),
                qualified(db, &t.name)
            ));
            for &i in chunk {
                let r = &t.rows[i];
                sql.push_str(" (");
                sql.push_str(&r.ts.to_string());
                for v in &r.values {
                    sql.push(',');
                    sql.push_str(&literal(v));
                }
                sql.push(')');
            }
            rows_in_sql += chunk.len();
        }
    }
    if !sql.is_empty() {
        out.push(sql);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_read_back_exactly() {
        assert_eq!(literal(&None), "NULL");
        assert_eq!(literal(&Some(SmlValue::Float(0.1))), "0.1");
        assert_eq!(literal(&Some(SmlValue::Double(-2.5e300))), "-2.5e300");
        assert_eq!(
            literal(&Some(SmlValue::VarChar("a'b\\c".into()))),
            r"'a\'b\\c'"
        );
        assert_eq!(
            literal(&Some(SmlValue::VarBinary(vec![0x98, 0xf4]))),
            r"'\x98f4'"
        );
        assert_eq!(
            literal(&Some(SmlValue::UBigInt(u64::MAX))),
            "18446744073709551615"
        );
    }

    #[test]
    fn geometry_bound_covers_wkb() {
        // POINT WKB is 21 bytes; LINESTRING of 2 points 41.
        assert!(wkb_upper_bound("POINT(1 2)") >= 21);
        assert!(wkb_upper_bound("LINESTRING(1 2, 3 4)") >= 41);
    }

    #[test]
    fn type_names_map_back() {
        assert_eq!(
            type_code("BIGINT UNSIGNED"),
            taos_wire::types::TSDB_DATA_TYPE_UBIGINT
        );
        assert_eq!(type_code("NCHAR"), taos_wire::types::TSDB_DATA_TYPE_NCHAR);
        assert_eq!(type_code("nonsense"), 0);
    }
}
