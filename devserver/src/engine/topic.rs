//! The engine side of TMQ topics: evaluating a topic's select over the rows of one write,
//! catalog look-ups for CREATE TOPIC, and result builders for the SHOW statements.
//! `crate::tmq` owns topics, logs and consumers; this file only exposes engine internals.

use std::sync::Arc;

use taos_wire::error::TaosError;

use super::convert::Ctx;
use super::ddl::session_tz;
use super::query::{run, Source};
use super::store::{DbData, Table};
use super::{Engine, Field, ResultSet, Session, Value};
use crate::sql::ast::{AlterAction, ColumnDef, Select, Statement, TableName};
use crate::tmq::log::MetaEntry;

/// The rows of one write to one table, as the per-vgroup log keeps them.
#[derive(Debug, Clone)]
pub struct WrittenRows<'a> {
    /// Table name.
    pub table: &'a str,
    /// Data columns of the table at write time.
    pub cols: &'a Arc<Vec<ColumnDef>>,
    /// Tag definitions (empty for a normal table).
    pub tag_defs: &'a [ColumnDef],
    /// Tag values (in `tag_defs` order).
    pub tags: &'a [Value],
    /// `(timestamp, row)`; `row[0]` is ignored, `None` cells are NULL.
    pub rows: &'a [(i64, Vec<Option<Value>>)],
    /// Database precision.
    pub precision: u8,
}

/// Runs `sel` (projection and WHERE only) over one write. Rows come out in timestamp order,
/// one per timestamp (later rows of the write win, as an INSERT merges them).
/// `star_tags` makes `*` expand to columns plus tags (a query topic on a supertable).
pub fn eval_select(sel: &Select, w: &WrittenRows, star_tags: bool) -> Result<ResultSet, TaosError> {
    let mut t = Table::new(w.table.to_string(), None, w.cols.clone(), w.tags.to_vec());
    for (ts, row) in w.rows {
        t.upsert(*ts, row);
    }
    let s = Session::default();
    let tz = session_tz(&s)?;
    let ctx = Ctx {
        precision: w.precision,
        tz: &tz,
    };
    let src = Source::single(&t, w.cols.to_vec(), w.tag_defs.to_vec(), star_tags);
    run(sel, &src, &ctx, &s, w.precision)
}

/// What a topic's source table is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    /// Database holding the table.
    pub db: String,
    /// Whether it is a supertable.
    pub is_stable: bool,
}

/// Resolves `[db.]name` for CREATE TOPIC (error when the database or table is missing).
pub fn lookup_table(e: &Engine, s: &Session, t: &TableName) -> Result<TableInfo, TaosError> {
    let db = e.db_for(s, t.db.as_deref())?;
    let data = db.data.read();
    let is_stable = if data.stables.contains_key(&t.name) {
        true
    } else if data.tables.contains_key(&t.name) {
        false
    } else {
        return Err(super::errors::table_not_exist(&t.name));
    };
    Ok(TableInfo {
        db: db.name.clone(),
        is_stable,
    })
}

/// The database a statement addresses (explicit or the session's); error when missing.
pub fn resolve_db(e: &Engine, s: &Session, explicit: Option<&str>) -> Result<String, TaosError> {
    e.db_for(s, explicit).map(|d| d.name.clone())
}

/// A result column.
pub fn field(name: &str, ty: u8, bytes: i64) -> Field {
    super::result::field(name, ty, bytes)
}

/// A small result from rows of values.
pub fn rows_result(fields: Vec<Field>, rows: &[Vec<Value>], precision: u8) -> ResultSet {
    super::result::from_rows(fields, rows, precision)
}

/// A DDL's effect noted before it runs: tables that already existed (a CREATE of them
/// changes nothing) and the parents of tables about to be dropped.
#[derive(Debug, Default)]
pub struct DdlBefore {
    existed: Vec<String>,
    parents: Vec<(String, Option<String>)>,
}

/// Whether a statement changes table definitions (and may yield TMQ meta messages).
pub fn is_table_ddl(st: &Statement) -> bool {
    matches!(
        st,
        Statement::CreateStable { .. }
            | Statement::CreateTable { .. }
            | Statement::CreateChildTables(_)
            | Statement::DropTables(_)
            | Statement::DropStable { .. }
            | Statement::Alter { .. }
    )
}

fn names_of(st: &Statement) -> Vec<&TableName> {
    match st {
        Statement::CreateStable { name, .. }
        | Statement::CreateTable { name, .. }
        | Statement::DropStable { name, .. } => vec![name],
        Statement::CreateChildTables(defs) => defs.iter().map(|d| &d.name).collect(),
        Statement::DropTables(names) => names.iter().map(|(n, _)| n).collect(),
        _ => Vec::new(),
    }
}

/// Notes what [`record_ddl_meta`] needs from the catalog before the DDL runs.
pub fn ddl_before(e: &Engine, s: &Session, st: &Statement) -> DdlBefore {
    let mut b = DdlBefore::default();
    for n in names_of(st) {
        let Ok(db) = e.db_for(s, n.db.as_deref()) else {
            continue;
        };
        let data = db.data.read();
        if let Some(t) = data.tables.get(&n.name) {
            b.existed.push(n.name.clone());
            b.parents.push((n.name.clone(), t.stable.clone()));
        } else if data.stables.contains_key(&n.name) {
            b.existed.push(n.name.clone());
        }
    }
    b
}

/// Whether TDengine's meta JSON gives a `length` (`colLength`) for this type: the declared
/// length of BINARY/VARCHAR, VARBINARY and GEOMETRY, the characters of NCHAR; JSON has none.
fn has_json_length(ty: u8) -> bool {
    use taos_wire::types::*;
    matches!(
        ty,
        TSDB_DATA_TYPE_VARCHAR
            | TSDB_DATA_TYPE_VARBINARY
            | TSDB_DATA_TYPE_GEOMETRY
            | TSDB_DATA_TYPE_NCHAR
    )
}

/// A tag of a `create` meta: `name`, `type`, and `length` where TDengine gives one.
fn col_json(d: &ColumnDef) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("name".into(), d.name.clone().into());
    m.insert("type".into(), d.ty.into());
    if has_json_length(d.ty) {
        m.insert("length".into(), d.bytes.into());
    }
    serde_json::Value::Object(m)
}

/// A column of a `create` meta as TDengine 3.3 writes it (clientRawBlockWrite.c
/// `buildCreateTableJson`): the tag fields, then `isPrimarykey` (the dev server has no
/// composite keys: false) and the column's compression `encode` / `compress` / `level`,
/// which are the type's defaults here (the dev server does not keep per-column options).
fn column_json(d: &ColumnDef) -> serde_json::Value {
    let mut j = col_json(d);
    let (encode, compress, level) = default_compression(d.ty);
    if let Some(m) = j.as_object_mut() {
        m.insert("isPrimarykey".into(), false.into());
        m.insert("encode".into(), encode.into());
        m.insert("compress".into(), compress.into());
        m.insert("level".into(), level.into());
    }
    j
}

/// TDengine 3.3's default column compression per type (encode, compress, level), as its
/// CI expectations for `tmq_get_json_meta` show them (e.g. TIMESTAMP delta-i/lz4, INT
/// simple8b/lz4, FLOAT delta-d/lz4, VARCHAR disabled/zstd, all medium). The BOOL and small
/// integer entries follow TDengine's documented defaults table (UNCONFIRMED against a 3.3.6
/// server: newer sources use lz4 for every type).
fn default_compression(ty: u8) -> (&'static str, &'static str, &'static str) {
    use taos_wire::types::*;
    match ty {
        TSDB_DATA_TYPE_BOOL => ("bit-packing", "zstd", "medium"),
        TSDB_DATA_TYPE_TINYINT
        | TSDB_DATA_TYPE_SMALLINT
        | TSDB_DATA_TYPE_UTINYINT
        | TSDB_DATA_TYPE_USMALLINT => ("simple8b", "zlib", "medium"),
        TSDB_DATA_TYPE_INT | TSDB_DATA_TYPE_UINT => ("simple8b", "lz4", "medium"),
        TSDB_DATA_TYPE_BIGINT | TSDB_DATA_TYPE_UBIGINT | TSDB_DATA_TYPE_TIMESTAMP => {
            ("delta-i", "lz4", "medium")
        }
        TSDB_DATA_TYPE_FLOAT
        | TSDB_DATA_TYPE_DOUBLE
        | TSDB_DATA_TYPE_DECIMAL64
        | TSDB_DATA_TYPE_DECIMAL => ("delta-d", "lz4", "medium"),
        _ => ("disabled", "zstd", "medium"),
    }
}

/// A tag value as TDengine's meta JSON writes it in a child table's `tags`: numbers
/// (BOOL as 1/0, TIMESTAMP as its integer) as JSON numbers; text in double quotes inside
/// the string (`"\"abc\""`); VARBINARY as `"\"\\x3F89\""` (upper-case hex); a JSON tag as its
/// text without quotes. `None` for NULL: TDengine leaves NULL tags out.
fn tag_value_json(ty: u8, v: &Value) -> Option<serde_json::Value> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => u8::from(*b).into(),
        Value::Int(i) | Value::Timestamp(i) => (*i).into(),
        Value::UInt(u) => (*u).into(),
        Value::Float(f) => f64::from(*f).into(),
        Value::Double(f) => (*f).into(),
        Value::Json(b) => String::from_utf8_lossy(b).into_owned().into(),
        other => tag_value_text(ty, other)?.into(),
    })
}

/// A tag value as the text TDengine's `dataConverToStr` makes (the `colValue` of an ALTER
/// ... SET TAG meta): numbers as decimal text, text quoted, VARBINARY as quoted `\x` hex.
fn tag_value_text(ty: u8, v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => u8::from(*b).to_string(),
        Value::Int(i) | Value::Timestamp(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Double(f) => f.to_string(),
        Value::Json(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Bytes(b)
            if ty != taos_wire::types::TSDB_DATA_TYPE_VARBINARY
                && ty != taos_wire::types::TSDB_DATA_TYPE_GEOMETRY =>
        {
            format!("\"{}\"", String::from_utf8_lossy(b))
        }
        Value::Bytes(b) => {
            let hex: String = b.iter().map(|x| format!("{x:02X}")).collect();
            format!("\"\\x{hex}\"")
        }
        Value::NChar(s) | Value::Decimal(s) => format!("\"{s}\""),
    })
}

/// The `create child` meta JSON of an existing child table, with its supertable.
fn child_create_json(data: &DbData, name: &str) -> Option<(String, serde_json::Value)> {
    let t = data.tables.get(name)?;
    let stb = t.stable.as_ref().and_then(|n| data.stables.get(n))?;
    let tags: Vec<_> = stb
        .tags
        .iter()
        .zip(&t.tags)
        .filter_map(|(c, v)| {
            let value = tag_value_json(c.ty, v)?;
            Some(serde_json::json!({"name": c.name, "type": c.ty, "value": value}))
        })
        .collect();
    let j = serde_json::json!({"type":"create","tableType":"child","tableName":name,
        "using":stb.name,"tagNum":stb.tags.len(),"tags":tags,"createList":[]});
    Some((stb.name.clone(), j))
}

/// Logs a child table created by `INSERT ... USING`: TMQ delivers it with the data that
/// follows as a meta+data message (type 3) on topics WITH META.
pub(crate) fn record_auto_create(e: &Engine, db: &str, data: &DbData, name: &str) {
    if let Some((stable, json)) = child_create_json(data, name) {
        e.tmq.record_meta(
            db,
            Some(name),
            MetaEntry {
                stable: Some(stable),
                json,
                auto_create: true,
            },
        );
    }
}

/// Appends the TMQ meta entries of a DDL that succeeded (`tmq_get_json_meta` shapes).
pub fn record_ddl_meta(e: &Engine, s: &Session, st: &Statement, before: &DdlBefore) {
    use serde_json::json;
    let fresh = |n: &TableName| !before.existed.contains(&n.name);
    let mut out: Vec<(String, Option<String>, MetaEntry)> = Vec::new();
    let mut push = |db: &str, table: Option<&str>, stable: Option<&str>, j: serde_json::Value| {
        out.push((
            db.to_string(),
            table.map(str::to_string),
            MetaEntry {
                stable: stable.map(str::to_string),
                json: j,
                auto_create: false,
            },
        ))
    };
    let db_of = |n: &TableName| e.db_for(s, n.db.as_deref()).ok();
    match st {
        Statement::CreateStable { name, .. } if fresh(name) => {
            if let Some(db) = db_of(name) {
                let data = db.data.read();
                if let Some(stb) = data.stables.get(&name.name) {
                    let cols: Vec<_> = stb.columns.iter().map(column_json).collect();
                    let tags: Vec<_> = stb.tags.iter().map(col_json).collect();
                    push(
                        &db.name,
                        None,
                        Some(&name.name),
                        json!({"type":"create","tableType":"super",
                        "tableName":name.name,"columns":cols,"tags":tags}),
                    );
                }
            }
        }
        Statement::CreateTable { name, .. } if fresh(name) => {
            if let Some(db) = db_of(name) {
                let data = db.data.read();
                if let Some(t) = data.tables.get(&name.name) {
                    let cols: Vec<_> = t.schema.iter().map(column_json).collect();
                    push(
                        &db.name,
                        Some(&name.name),
                        None,
                        json!({"type":"create","tableType":"normal",
                        "tableName":name.name,"columns":cols,"tags":[]}),
                    );
                }
            }
        }
        Statement::CreateChildTables(defs) => {
            for d in defs.iter().filter(|d| fresh(&d.name)) {
                let Some(db) = db_of(&d.name) else { continue };
                let data = db.data.read();
                if let Some((stable, j)) = child_create_json(&data, &d.name.name) {
                    push(&db.name, Some(&d.name.name), Some(&stable), j);
                }
            }
        }
        Statement::DropTables(names) => {
            for (n, _) in names {
                let Some(parent) = before.parents.iter().find(|(t, _)| t == &n.name) else {
                    continue;
                };
                let Some(db) = db_of(n) else { continue };
                push(
                    &db.name,
                    Some(&n.name),
                    parent.1.as_deref(),
                    json!({"type":"drop","tableNameList":[n.name]}),
                );
            }
        }
        Statement::DropStable { name, .. } if !fresh(name) => {
            if let Some(db) = db_of(name) {
                push(
                    &db.name,
                    None,
                    Some(&name.name),
                    json!({"type":"drop","tableType":"super","tableName":name.name}),
                );
            }
        }
        Statement::Alter { table, action, .. } => {
            let Some(db) = db_of(table) else { return };
            let data = db.data.read();
            let (kind, stable) = match data.tables.get(&table.name) {
                Some(t) if t.stable.is_some() => ("child", t.stable.clone()),
                Some(_) => ("normal", None),
                None => ("super", Some(table.name.clone())),
            };
            let mut j = json!({"type":"alter","tableType":kind,"tableName":table.name});
            // TDengine's alter types: 1 add tag, 4 set tag value, 5 add column,
            // 7 column length, 8 tag length.
            let (alter, def) = match action {
                AlterAction::AddTag(d) => (1, Some(d)),
                AlterAction::AddColumn(d) => (5, Some(d)),
                AlterAction::ModifyColumn(d) => (7, Some(d)),
                AlterAction::ModifyTag(d) => (8, Some(d)),
                AlterAction::SetTag(..) => (4, None),
            };
            j["alterType"] = alter.into();
            if let Some(d) = def {
                j["colName"] = d.name.clone().into();
                j["colType"] = d.ty.into();
                if has_json_length(d.ty) {
                    j["colLength"] = d.bytes.into();
                }
            }
            if let AlterAction::SetTag(name, _) = action {
                let t = data.tables.get(&table.name);
                let stb = stable.as_ref().and_then(|s| data.stables.get(s));
                let idx = stb.and_then(|st| st.tags.iter().position(|c| &c.name == name));
                let tag_ty = stb
                    .zip(idx)
                    .and_then(|(st, i)| st.tags.get(i))
                    .map_or(0, |c| c.ty);
                let v = t
                    .zip(idx)
                    .and_then(|(t, i)| t.tags.get(i))
                    .cloned()
                    .unwrap_or(Value::Null);
                j["colName"] = name.clone().into();
                // TDengine writes the value as text (absent when NULL).
                if let Some(text) = tag_value_text(tag_ty, &v) {
                    j["colValue"] = text.into();
                }
                j["colValueNull"] = matches!(v, Value::Null).into();
            }
            let vg_table = (kind != "super").then_some(table.name.as_str());
            push(&db.name, vg_table, stable.as_deref(), j);
        }
        _ => {}
    }
    for (db, table, entry) in out {
        e.tmq.record_meta(&db, table.as_deref(), entry);
    }
}

/// Writes typed rows into an existing table (`taos_write_raw_block*`, `tmq_write_raw`):
/// [`prepare_rows`] then [`PreparedWrite::apply`]. Returns the rows written.
pub fn write_rows(
    e: &Engine,
    s: &Session,
    table: &str,
    names: Option<&[String]>,
    types: &[u8],
    rows: Vec<Vec<Value>>,
) -> Result<i64, TaosError> {
    prepare_rows(e, s, table, names, types, rows)?.apply(e)
}

/// Rows checked against their table by [`prepare_rows`], not yet written.
#[derive(Debug)]
pub struct PreparedWrite {
    db: Arc<super::store::Database>,
    table: String,
    /// The schema the rows were checked against.
    schema: Arc<Vec<ColumnDef>>,
    rows: Vec<(i64, Vec<Option<Value>>)>,
}

/// Checks typed rows against an existing table without writing them, so a write of several
/// blocks (`tmq_write_raw`) can fail before any block is written, as TDengine's single
/// submit does. `table` may be `db.table`; otherwise the session's database is used.
/// `names` maps the row cells to columns by name (each at most once, the timestamp column
/// among them; table columns not named stay NULL), else cells map by position. Cell types
/// must equal the column types; a variable-length value must fit the column.
pub fn prepare_rows(
    e: &Engine,
    s: &Session,
    table: &str,
    names: Option<&[String]>,
    types: &[u8],
    rows: Vec<Vec<Value>>,
) -> Result<PreparedWrite, TaosError> {
    use taos_wire::error::codes;
    let (db_name, name) = match table.split_once('.') {
        Some((d, t)) => (Some(d), t),
        None => (None, table),
    };
    let db = e.db_for(s, db_name)?;
    let schema = {
        let data = db.data.read();
        let Some(t) = data.tables.get(name) else {
            return Err(super::errors::table_not_exist(name));
        };
        t.schema.clone()
    };
    let targets: Vec<usize> = match names {
        Some(ns) => {
            let mut used = vec![false; schema.len()];
            let mut targets = Vec::with_capacity(ns.len());
            for n in ns {
                let i = schema.iter().position(|d| &d.name == n).ok_or_else(|| {
                    TaosError::new(
                        codes::TSDB_CODE_PAR_INVALID_COLUMN,
                        format!("Invalid column name: {n}"),
                    )
                })?;
                if std::mem::replace(&mut used[i], true) {
                    return Err(TaosError::new(
                        codes::TSDB_CODE_PAR_INVALID_COLUMN,
                        format!("duplicated column name: {n}"),
                    ));
                }
                targets.push(i);
            }
            targets
        }
        None if types.len() <= schema.len() => (0..types.len()).collect(),
        None => {
            return Err(TaosError::new(
                codes::TSDB_CODE_PAR_INVALID_COLUMNS_NUM,
                format!(
                    "Illegal number of columns: the block has {}, table {name} has {}",
                    types.len(),
                    schema.len()
                ),
            ))
        }
    };
    if !targets.contains(&0) {
        return Err(TaosError::new(
            codes::TSDB_CODE_PAR_INVALID_COLUMN,
            "primary timestamp column can not be null",
        ));
    }
    if targets.len() != types.len() {
        return Err(TaosError::new(
            codes::TSDB_CODE_INVALID_PARA,
            format!(
                "{} column names for a block of {} columns",
                targets.len(),
                types.len()
            ),
        ));
    }
    for (&i, &ty) in targets.iter().zip(types) {
        let d = &schema[i];
        if d.ty != ty {
            // TDengine's client answers a type mismatch with TSDB_CODE_INVALID_PARA.
            return Err(TaosError::new(
                codes::TSDB_CODE_INVALID_PARA,
                format!(
                    "column {} is {} but the block has {}",
                    d.name,
                    taos_wire::types::type_name(d.ty),
                    taos_wire::types::type_name(ty)
                ),
            ));
        }
    }
    let mut out: Vec<(i64, Vec<Option<Value>>)> = Vec::with_capacity(rows.len());
    for cells in rows {
        let mut row: Vec<Option<Value>> = vec![None; schema.len()];
        let mut ts = None;
        for (v, &i) in cells.into_iter().zip(&targets) {
            let len = match &v {
                Value::Bytes(b) | Value::Json(b) => b.len(),
                Value::NChar(x) => x.chars().count(),
                _ => 0,
            };
            if taos_wire::types::is_var(schema[i].ty) && len as i64 > schema[i].bytes {
                return Err(TaosError::new(
                    codes::TSDB_CODE_PAR_VALUE_TOO_LONG,
                    format!("Value too long for column/tag: {}", schema[i].name),
                ));
            }
            if i == 0 {
                ts = match v {
                    Value::Timestamp(t) => Some(t),
                    _ => None,
                };
            } else {
                row[i] = Some(v);
            }
        }
        let Some(ts) = ts else {
            return Err(TaosError::new(
                super::errors::PAR_PRIMARY_KEY_IS_NULL,
                "Primary timestamp column should not be null",
            ));
        };
        out.push((ts, row));
    }
    Ok(PreparedWrite {
        db,
        table: name.to_string(),
        schema,
        rows: out,
    })
}

impl PreparedWrite {
    /// Writes the rows (the table must still exist) and logs the write for TMQ like an
    /// INSERT. Returns the rows written.
    pub fn apply(self, e: &Engine) -> Result<i64, TaosError> {
        let PreparedWrite {
            db,
            table,
            schema,
            rows,
        } = self;
        let mut data = db.data.write();
        let Some(t) = data.tables.get_mut(&table) else {
            return Err(super::errors::table_not_exist(&table));
        };
        // An ALTER between prepare and apply: the rows no longer fit the table.
        if t.schema != schema {
            return Err(TaosError::new(
                taos_wire::error::codes::TSDB_CODE_INVALID_PARA,
                format!("table {table} changed during the write"),
            ));
        }
        for (ts, row) in &rows {
            t.upsert(*ts, row);
        }
        let n = rows.len() as i64;
        super::insert::log_insert(
            (&db.name, db.precision, &e.tmq),
            &data,
            &table,
            schema,
            rows,
        );
        Ok(n)
    }
}
