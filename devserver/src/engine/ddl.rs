//! Catalog statements: databases, supertables, tables, SHOW and DESCRIBE.

use std::collections::HashSet;
use std::sync::Arc;

use parking_lot::RwLock;
use taos_wire::error::{codes, TaosError};
use taos_wire::types::*;

use super::convert::{literal_to_value, Ctx};
use super::errors::*;
use super::expr::like_match;
use super::result::{field, from_rows, sql_type_name};
use super::store::{precision_code, precision_name, Database, DbData, STable, Table};
use super::time::now;
use super::tz::TimeZone;
use super::{Engine, Outcome, ResultSet, Session, Value, SYSTEM_DBS};
use crate::sql::ast::{AlterAction, ChildTableDef, ColumnDef, TableName};
use crate::sql::parser::unsupported;
use crate::tmq::log;

/// Longest table/database/column names TDengine accepts.
const MAX_TABLE_NAME: usize = 192;
const MAX_DB_NAME: usize = 64;
const MAX_COL_NAME: usize = 64;

fn check_name(name: &str, max: usize) -> Result<(), TaosError> {
    if name.is_empty() || name.len() > max {
        return Err(err(
            codes::TSDB_CODE_PAR_INVALID_IDENTIFIER_NAME,
            format!("Invalid identifier name: {name}"),
        ));
    }
    Ok(())
}

/// CREATE DATABASE.
pub fn create_database(
    e: &Engine,
    name: &str,
    if_not_exists: bool,
    precision: Option<&str>,
    keep_days: i64,
    vgroups: Option<i64>,
) -> Result<Outcome, TaosError> {
    check_name(name, MAX_DB_NAME)?;
    let vgroups = check_vgroups(vgroups)?;
    let p = match precision {
        None => 0,
        Some(p) => precision_code(p).ok_or_else(|| {
            err(
                codes::TSDB_CODE_PAR_INVALID_DB_OPTION,
                format!("Invalid option precision: {p}, only ms, us, ns are supported"),
            )
        })?,
    };
    let mut dbs = e.dbs.write();
    if dbs.contains_key(name) || SYSTEM_DBS.contains(&name) {
        if if_not_exists {
            return Ok(Outcome::Affected(0));
        }
        return Err(err(
            codes::TSDB_CODE_MND_DB_ALREADY_EXIST,
            "Database already exists",
        ));
    }
    dbs.insert(
        name.to_string(),
        Arc::new(Database {
            name: name.to_string(),
            precision: p,
            created: now(0),
            keep_days,
            data: RwLock::new(DbData::default()),
        }),
    );
    // Still under the database write lock (order: database lock → broker lock), so no insert
    // into the new database can reach the broker before its vgroup count is known.
    e.tmq.create_database(name, vgroups);
    Ok(Outcome::Affected(0))
}

/// The `VGROUPS n` option: default 2, else 1..=1024 (TDengine's message for out of range).
fn check_vgroups(v: Option<i64>) -> Result<i32, TaosError> {
    let Some(v) = v else {
        return Ok(log::VGROUPS);
    };
    match i32::try_from(v) {
        Ok(n) if (1..=log::MAX_VGROUPS).contains(&n) => Ok(n),
        _ => Err(err(
            codes::TSDB_CODE_PAR_INVALID_DB_OPTION,
            format!(
                "Invalid option vgroups: {v} valid range: [1, {}]",
                log::MAX_VGROUPS
            ),
        )),
    }
}

/// DROP DATABASE.
pub fn drop_database(
    e: &Engine,
    _s: &mut Session,
    name: &str,
    if_exists: bool,
) -> Result<Outcome, TaosError> {
    if SYSTEM_DBS.contains(&name) {
        return Err(err(
            codes::TSDB_CODE_PAR_PERMISSION_DENIED,
            "Permission denied: cannot drop a system database",
        ));
    }
    if e.dbs.write().remove(name).is_none() && !if_exists {
        return Err(db_not_exist(name));
    }
    e.tmq.drop_database(name);
    Ok(Outcome::Affected(0))
}

/// SHOW DATABASES (a subset of `information_schema.ins_databases`, `name` first).
pub fn show_databases(e: &Engine) -> ResultSet {
    let fields = vec![
        field("name", TSDB_DATA_TYPE_VARCHAR, 64),
        field("create_time", TSDB_DATA_TYPE_TIMESTAMP, 8),
        field("vgroups", TSDB_DATA_TYPE_SMALLINT, 2),
        field("ntables", TSDB_DATA_TYPE_BIGINT, 8),
        field("replica", TSDB_DATA_TYPE_TINYINT, 1),
        field("precision", TSDB_DATA_TYPE_VARCHAR, 2),
        field("status", TSDB_DATA_TYPE_VARCHAR, 10),
    ];
    let mut rows: Vec<Vec<Value>> = SYSTEM_DBS
        .iter()
        .map(|n| {
            vec![
                Value::Bytes(n.as_bytes().to_vec()),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Bytes(b"ready".to_vec()),
            ]
        })
        .collect();
    for db in e.dbs.read().values() {
        let ntables = db.data.read().tables.len() as i64;
        rows.push(vec![
            Value::Bytes(db.name.as_bytes().to_vec()),
            Value::Timestamp(db.created),
            Value::Int(i64::from(e.tmq.vgroups_of(&db.name))),
            Value::Int(ntables),
            Value::Int(1),
            Value::Bytes(precision_name(db.precision).as_bytes().to_vec()),
            Value::Bytes(b"ready".to_vec()),
        ]);
    }
    from_rows(fields, &rows, 0)
}

/// SHOW TABLES / SHOW STABLES.
pub fn show_tables(db: &Database, stables: bool, like: Option<&str>) -> ResultSet {
    let data = db.data.read();
    let names: Vec<&String> = if stables {
        data.stables.keys().collect()
    } else {
        data.tables.keys().collect()
    };
    let rows: Vec<Vec<Value>> = names
        .into_iter()
        .filter(|n| like.is_none_or(|p| like_match(p.as_bytes(), n.as_bytes())))
        .map(|n| vec![Value::Bytes(n.as_bytes().to_vec())])
        .collect();
    let name = if stables { "stable_name" } else { "table_name" };
    from_rows(
        vec![field(name, TSDB_DATA_TYPE_VARCHAR, MAX_TABLE_NAME as i64)],
        &rows,
        0,
    )
}

/// Checks a column/tag list: names, var lengths, JSON placement, DECIMAL.
fn check_defs(columns: &[ColumnDef], tags: &[ColumnDef]) -> Result<(), TaosError> {
    if columns.first().map(|c| c.ty) != Some(TSDB_DATA_TYPE_TIMESTAMP) {
        return Err(err(
            PAR_INVALID_FIRST_COLUMN,
            "First column must be timestamp",
        ));
    }
    if columns.len() < 2 {
        return Err(err(PAR_INVALID_COLUMNS_NUM, "Illegal number of columns"));
    }
    let mut seen = HashSet::new();
    for d in columns.iter().chain(tags) {
        check_name(&d.name, MAX_COL_NAME)?;
        if !seen.insert(d.name.as_str()) {
            return Err(err(
                codes::TSDB_CODE_PAR_DUPLICATED_COLUMN,
                "Duplicated column names",
            ));
        }
        let max = match d.ty {
            TSDB_DATA_TYPE_VARCHAR | TSDB_DATA_TYPE_VARBINARY | TSDB_DATA_TYPE_GEOMETRY => 65_517,
            TSDB_DATA_TYPE_NCHAR => 16_379,
            _ => i64::MAX,
        };
        if d.bytes < 1 || d.bytes > max {
            return Err(err(
                PAR_INVALID_VAR_COLUMN_LEN,
                "Invalid binary/nchar column/tag length",
            ));
        }
        if is_decimal(d.ty) {
            let max_p = if d.ty == TSDB_DATA_TYPE_DECIMAL {
                38
            } else {
                18
            };
            if d.precision < 1 || d.precision > max_p || d.scale > d.precision {
                return Err(err(
                    codes::TSDB_CODE_PAR_SYNTAX_ERROR,
                    format!(
                        "Invalid column type DECIMAL({},{}): precision 1..38, scale <= precision",
                        d.precision, d.scale
                    ),
                ));
            }
        }
    }
    // TDengine's limits: a row of at most 65531 bytes, tags of at most 16384 bytes in total
    // (internal widths: var types carry a 2-byte length, NCHAR 4 bytes per character).
    let width = |d: &ColumnDef| {
        if is_decimal(d.ty) {
            if d.ty == TSDB_DATA_TYPE_DECIMAL {
                16
            } else {
                8
            }
        } else {
            internal_width(d.ty, d.bytes) as i64
        }
    };
    if columns.iter().map(width).sum::<i64>() > 65_531 {
        return Err(err(
            PAR_INVALID_ROW_LENGTH,
            "Row length exceeds max length 65531",
        ));
    }
    if tags.iter().map(width).sum::<i64>() > 16_384 {
        return Err(err(
            PAR_INVALID_TAGS_LENGTH,
            "Tags length exceeds max length 16384",
        ));
    }
    if tags.iter().any(|t| is_decimal(t.ty)) {
        return Err(unsupported("DECIMAL tags"));
    }
    if columns.iter().any(|c| c.ty == TSDB_DATA_TYPE_JSON) {
        return Err(err(PAR_INVALID_COL_JSON, "Only tag can be json type"));
    }
    if tags.iter().any(|t| t.ty == TSDB_DATA_TYPE_JSON) && tags.len() > 1 {
        return Err(err(
            PAR_ONLY_ONE_JSON_TAG,
            "Only one tag if there is a json tag",
        ));
    }
    Ok(())
}

fn already_exists(data: &DbData, name: &str) -> Option<TaosError> {
    if data.stables.contains_key(name) {
        Some(err(
            codes::TSDB_CODE_MND_STB_ALREADY_EXIST,
            "STable already exists",
        ))
    } else if data.tables.contains_key(name) {
        Some(err(TDB_TABLE_ALREADY_EXIST, "Table already exists"))
    } else {
        None
    }
}

/// CREATE STABLE.
pub fn create_stable(
    db: &Database,
    name: &str,
    if_not_exists: bool,
    columns: Vec<ColumnDef>,
    tags: Vec<ColumnDef>,
) -> Result<Outcome, TaosError> {
    check_name(name, MAX_TABLE_NAME)?;
    check_defs(&columns, &tags)?;
    let mut data = db.data.write();
    if let Some(e) = already_exists(&data, name) {
        return if if_not_exists {
            Ok(Outcome::Affected(0))
        } else {
            Err(e)
        };
    }
    data.stables.insert(
        name.to_string(),
        STable {
            name: name.to_string(),
            columns: Arc::new(columns),
            tags: Arc::new(tags),
        },
    );
    Ok(Outcome::Affected(0))
}

/// CREATE TABLE of a normal table.
pub fn create_table(
    db: &Database,
    name: &str,
    if_not_exists: bool,
    columns: Vec<ColumnDef>,
) -> Result<Outcome, TaosError> {
    check_name(name, MAX_TABLE_NAME)?;
    check_defs(&columns, &[])?;
    let mut data = db.data.write();
    if let Some(e) = already_exists(&data, name) {
        return if if_not_exists {
            Ok(Outcome::Affected(0))
        } else {
            Err(e)
        };
    }
    data.tables.insert(
        name.to_string(),
        Table::new(name.to_string(), None, Arc::new(columns), Vec::new()),
    );
    Ok(Outcome::Affected(0))
}

/// The session's zone (UTC when unset). An unresolvable name gives a zone with unknown
/// offsets, so only statements that need local time fail (with "invalid timestamp").
pub(crate) fn session_tz(s: &Session) -> Result<Arc<TimeZone>, TaosError> {
    let name = s.timezone.as_deref().unwrap_or("UTC");
    Ok(TimeZone::parse(name).unwrap_or_else(|_| Arc::new(TimeZone::unknown())))
}

/// Creates child table `def` in `data` unless it exists. `Ok(true)` when created. Errors when it
/// exists and `def.if_not_exists` is false.
pub(crate) fn ensure_child(
    data: &mut DbData,
    precision: u8,
    tz: &TimeZone,
    def: &ChildTableDef,
) -> Result<bool, TaosError> {
    let name = def.name.name.as_str();
    if data.tables.contains_key(name) {
        if def.if_not_exists {
            return Ok(false);
        }
        return Err(err(TDB_TABLE_ALREADY_EXIST, "Table already exists"));
    }
    if data.stables.contains_key(name) {
        return Err(err(
            codes::TSDB_CODE_MND_STB_ALREADY_EXIST,
            "STable already exists",
        ));
    }
    check_name(name, MAX_TABLE_NAME)?;
    let st = data
        .stables
        .get(&def.stable.name)
        .ok_or_else(|| table_not_exist(&def.stable.name))?;
    let ctx = Ctx { precision, tz };
    let mut tags = vec![Value::Null; st.tags.len()];
    match &def.tag_names {
        Some(names) => {
            if names.len() != def.tags.len() {
                return Err(err(PAR_TAGS_NOT_MATCHED, "Tags number not matched"));
            }
            for (n, lit) in names.iter().zip(&def.tags) {
                let i =
                    st.tags.iter().position(|t| &t.name == n).ok_or_else(|| {
                        err(PAR_INVALID_TAG_NAME, format!("Invalid tag name: {n}"))
                    })?;
                tags[i] = literal_to_value(lit, &st.tags[i], &ctx)?;
            }
        }
        None => {
            if def.tags.len() != st.tags.len() {
                return Err(err(PAR_TAGS_NOT_MATCHED, "Tags number not matched"));
            }
            for (i, lit) in def.tags.iter().enumerate() {
                tags[i] = literal_to_value(lit, &st.tags[i], &ctx)?;
            }
        }
    }
    let table = Table::new(
        name.to_string(),
        Some(st.name.clone()),
        st.columns.clone(),
        tags,
    );
    data.tables.insert(name.to_string(), table);
    Ok(true)
}

/// Resolves the database of a child definition and checks the supertable lives there.
pub(crate) fn child_db(
    e: &Engine,
    s: &Session,
    def: &ChildTableDef,
) -> Result<Arc<Database>, TaosError> {
    let db = e.db_for(s, def.name.db.as_deref())?;
    let st_db = def
        .stable
        .db
        .as_deref()
        .or(def.name.db.as_deref())
        .or(s.current_db.as_deref());
    if st_db != Some(db.name.as_str()) {
        return Err(err(
            PAR_CORRESPONDING_STABLE_ERR,
            "Corresponding super table not in this db",
        ));
    }
    Ok(db)
}

/// CREATE TABLE ... USING ... (one or more).
pub fn create_child_tables(
    e: &Engine,
    s: &Session,
    defs: &[ChildTableDef],
) -> Result<Outcome, TaosError> {
    let tz = session_tz(s)?;
    for def in defs {
        let db = child_db(e, s, def)?;
        let mut data = db.data.write();
        ensure_child(&mut data, db.precision, &tz, def)?;
    }
    Ok(Outcome::Affected(0))
}

/// DROP TABLE (several names, each with its own IF EXISTS).
pub fn drop_tables(
    e: &Engine,
    s: &Session,
    names: &[(TableName, bool)],
) -> Result<Outcome, TaosError> {
    // Check every name first so a failing batch drops nothing.
    for (name, if_exists) in names {
        let db = e.db_for(s, name.db.as_deref())?;
        let data = db.data.read();
        if !*if_exists
            && !data.tables.contains_key(&name.name)
            && !data.stables.contains_key(&name.name)
        {
            return Err(table_not_exist(&name.name));
        }
    }
    for (name, if_exists) in names {
        let db = e.db_for(s, name.db.as_deref())?;
        let mut data = db.data.write();
        if data.tables.remove(&name.name).is_none() {
            if data.stables.contains_key(&name.name) && names.len() == 1 {
                drop_stable_locked(&mut data, &name.name);
            } else if !if_exists {
                return Err(table_not_exist(&name.name));
            }
        }
    }
    Ok(Outcome::Affected(0))
}

fn drop_stable_locked(data: &mut DbData, name: &str) {
    data.stables.remove(name);
    data.tables.retain(|_, t| t.stable.as_deref() != Some(name));
}

/// DROP STABLE (and its child tables).
pub fn drop_stable(db: &Database, name: &str, if_exists: bool) -> Result<Outcome, TaosError> {
    let mut data = db.data.write();
    if !data.stables.contains_key(name) {
        if if_exists {
            return Ok(Outcome::Affected(0));
        }
        return Err(err(codes::TSDB_CODE_MND_STB_NOT_EXIST, "STable not exist"));
    }
    drop_stable_locked(&mut data, name);
    Ok(Outcome::Affected(0))
}

/// DESCRIBE: field, type, length, note.
pub fn describe(db: &Database, name: &str) -> Result<ResultSet, TaosError> {
    let data = db.data.read();
    let (cols, tags) = if let Some(st) = data.stables.get(name) {
        (st.columns.clone(), Some(st.tags.clone()))
    } else if let Some(t) = data.tables.get(name) {
        let tags = t
            .stable
            .as_ref()
            .and_then(|s| data.stables.get(s))
            .map(|st| st.tags.clone());
        (t.schema.clone(), tags)
    } else {
        return Err(table_not_exist(name));
    };
    let row = |d: &ColumnDef, note: &str| {
        vec![
            Value::Bytes(d.name.as_bytes().to_vec()),
            Value::Bytes(sql_type_name(d.ty, d.precision, d.scale).into_bytes()),
            Value::Int(d.bytes),
            Value::Bytes(note.as_bytes().to_vec()),
        ]
    };
    let mut rows: Vec<Vec<Value>> = cols.iter().map(|d| row(d, "")).collect();
    if let Some(tags) = tags {
        rows.extend(tags.iter().map(|d| row(d, "TAG")));
    }
    Ok(from_rows(
        vec![
            field("field", TSDB_DATA_TYPE_VARCHAR, 64),
            field("type", TSDB_DATA_TYPE_VARCHAR, 20),
            field("length", TSDB_DATA_TYPE_INT, 4),
            field("note", TSDB_DATA_TYPE_VARCHAR, 16),
        ],
        &rows,
        0,
    ))
}

/// ALTER TABLE/STABLE: ADD COLUMN, ADD TAG, SET TAG. Existing rows read NULL in a new column.
pub fn alter(
    db: &Database,
    name: &str,
    stable: bool,
    action: AlterAction,
    tz: &TimeZone,
) -> Result<Outcome, TaosError> {
    let mut data = db.data.write();
    let is_stable = data.stables.contains_key(name);
    if !is_stable && !data.tables.contains_key(name) {
        return Err(table_not_exist(name));
    }
    if stable && !is_stable {
        return Err(err(codes::TSDB_CODE_MND_STB_NOT_EXIST, "STable not exist"));
    }
    let invalid = |m: &str| {
        err(
            PAR_INVALID_ALTER_TABLE,
            format!("Invalid alter table statement: {m}"),
        )
    };
    let action_kind = match &action {
        AlterAction::ModifyTag(_) => ActionKind::Tag,
        _ => ActionKind::Column,
    };
    match action {
        AlterAction::AddColumn(def) => {
            let (cols, tags) = match data.stables.get(name) {
                Some(st) => (st.columns.to_vec(), st.tags.to_vec()),
                None => match data.tables.get(name) {
                    Some(t) if t.stable.is_some() => {
                        return Err(invalid("columns of a child table are its supertable's"))
                    }
                    Some(t) => (t.schema.to_vec(), Vec::new()),
                    None => return Err(table_not_exist(name)),
                },
            };
            let mut new_cols = cols;
            new_cols.push(def.clone());
            check_defs(&new_cols, &tags)?;
            let schema = Arc::new(new_cols);
            if let Some(st) = data.stables.get_mut(name) {
                st.columns = schema.clone();
            }
            for t in data.tables.values_mut() {
                let hit = if is_stable {
                    t.stable.as_deref() == Some(name)
                } else {
                    t.name == name
                };
                if hit {
                    let mut c = super::column::Column::new(def.ty).with_scale(def.scale);
                    for _ in 0..t.rows() {
                        c.push(&Value::Null);
                    }
                    t.cols.push(c);
                    t.schema = schema.clone();
                }
            }
            Ok(Outcome::Affected(0))
        }
        AlterAction::AddTag(def) => {
            let Some(st) = data.stables.get_mut(name) else {
                return Err(invalid("only a supertable has tags"));
            };
            let mut new_tags = st.tags.to_vec();
            new_tags.push(def);
            check_defs(&st.columns, &new_tags)?;
            st.tags = Arc::new(new_tags);
            for t in data.tables.values_mut() {
                if t.stable.as_deref() == Some(name) {
                    t.tags.push(Value::Null);
                }
            }
            Ok(Outcome::Affected(0))
        }
        AlterAction::ModifyColumn(def) | AlterAction::ModifyTag(def) => {
            let is_tag = matches!(action_kind, ActionKind::Tag);
            modify(&mut data, name, is_stable, is_tag, def)
        }
        AlterAction::SetTag(tag, lit) => {
            let st_name = match data.tables.get(name) {
                Some(t) => t.stable.clone(),
                None => None,
            };
            let Some(st_name) = st_name else {
                return Err(invalid("SET TAG applies to a child table"));
            };
            let Some(st) = data.stables.get(&st_name) else {
                return Err(table_not_exist(&st_name));
            };
            let i = st
                .tags
                .iter()
                .position(|d| d.name == tag)
                .ok_or_else(|| err(PAR_INVALID_TAG_NAME, format!("Invalid tag name: {tag}")))?;
            let ctx = Ctx {
                precision: db.precision,
                tz,
            };
            let v = literal_to_value(&lit, &st.tags[i], &ctx)?;
            if let Some(t) = data.tables.get_mut(name) {
                if let Some(slot) = t.tags.get_mut(i) {
                    *slot = v;
                }
            }
            Ok(Outcome::Affected(0))
        }
    }
}

/// Whether an ALTER targets a column or a tag.
enum ActionKind {
    Column,
    Tag,
}

/// MODIFY COLUMN/TAG: only a longer length of the same BINARY/VARCHAR/NCHAR/VARBINARY/GEOMETRY
/// type is allowed (TDengine 0x264B otherwise); stored values are unchanged.
fn modify(
    data: &mut DbData,
    name: &str,
    is_stable: bool,
    is_tag: bool,
    def: ColumnDef,
) -> Result<Outcome, TaosError> {
    let bad = || {
        err(
            PAR_INVALID_MODIFY_COL,
            "Only varbinary/binary/nchar/geometry column length could be modified, and the length can only be increased, not decreased",
        )
    };
    if is_tag && !is_stable {
        return Err(err(
            PAR_INVALID_ALTER_TABLE,
            "Invalid alter table statement: only a supertable has tags",
        ));
    }
    let (cols, tags) =
        match data.stables.get(name) {
            Some(st) => (st.columns.to_vec(), st.tags.to_vec()),
            None => match data.tables.get(name) {
                Some(t) if t.stable.is_none() => (t.schema.to_vec(), Vec::new()),
                Some(_) => return Err(err(
                    PAR_INVALID_ALTER_TABLE,
                    "Invalid alter table statement: columns of a child table are its supertable's",
                )),
                None => return Err(table_not_exist(name)),
            },
        };
    let (mut new_cols, mut new_tags) = (cols, tags);
    let list = if is_tag { &mut new_tags } else { &mut new_cols };
    let slot = list
        .iter_mut()
        .find(|d| d.name == def.name)
        .ok_or_else(|| invalid_column(&def.name))?;
    let var = matches!(
        slot.ty,
        TSDB_DATA_TYPE_VARCHAR
            | TSDB_DATA_TYPE_NCHAR
            | TSDB_DATA_TYPE_VARBINARY
            | TSDB_DATA_TYPE_GEOMETRY
    );
    if !var || slot.ty != def.ty || def.bytes <= slot.bytes {
        return Err(bad());
    }
    slot.bytes = def.bytes;
    check_defs(&new_cols, &new_tags)?;
    let cols = Arc::new(new_cols);
    let tags = Arc::new(new_tags);
    if let Some(st) = data.stables.get_mut(name) {
        st.columns = cols.clone();
        st.tags = tags;
    }
    for t in data.tables.values_mut() {
        let hit = if is_stable {
            t.stable.as_deref() == Some(name)
        } else {
            t.name == name
        };
        if hit {
            t.schema = cols.clone();
        }
    }
    Ok(Outcome::Affected(0))
}
