//! INSERT: value conversion, auto-creation of child tables, upsert by timestamp.

use taos_wire::error::TaosError;

use super::convert::{literal_to_value, Ctx};
use super::ddl::{child_db, ensure_child, session_tz};
use super::errors::*;
use super::store::{DbData, Table};
use super::{Engine, Outcome, Session, Value};
use crate::sql::ast::{InsertClause, Literal};
use crate::sql::lexer::unescape;
use crate::sql::parser::unsupported;
use crate::tmq::log::InsertEntry;

/// Executes an INSERT of one or more table clauses; affected rows = rows written.
pub fn insert(e: &Engine, s: &Session, clauses: &[InsertClause]) -> Result<Outcome, TaosError> {
    let tz = session_tz(s)?;
    let mut affected = 0i64;
    for cl in clauses {
        let db = match &cl.using {
            Some(def) => child_db(e, s, def)?,
            None => e.db_for(s, cl.table.db.as_deref())?,
        };
        let mut data = db.data.write();
        if let Some(def) = &cl.using {
            if ensure_child(&mut data, db.precision, &tz, def)? {
                super::topic::record_auto_create(e, &db.name, &data, &def.name.name);
            }
        }
        let name = &cl.table.name;
        if !data.tables.contains_key(name) && data.stables.contains_key(name) {
            let ctx = Ctx {
                precision: db.precision,
                tz: &tz,
            };
            let min_ts = min_timestamp(db.precision, db.keep_days);
            let log = (db.name.as_str(), db.precision, &e.tmq);
            affected += insert_into_stable(&mut data, name, cl, &ctx, min_ts, log)?;
            continue;
        }
        let Some(table) = data.tables.get_mut(name) else {
            return Err(table_not_exist(name));
        };
        let schema = table.schema.clone();
        // Position in the row of each given value.
        let targets: Vec<usize> = match &cl.columns {
            Some(cols) => {
                let mut v = Vec::with_capacity(cols.len());
                for c in cols {
                    if c == "tbname" {
                        return Err(unsupported("tbname in an INSERT into a non-super table"));
                    }
                    let i = schema
                        .iter()
                        .position(|d| &d.name == c)
                        .ok_or_else(|| invalid_column(c))?;
                    if v.contains(&i) {
                        return Err(err(
                            taos_wire::error::codes::TSDB_CODE_PAR_DUPLICATED_COLUMN,
                            "Duplicated column names",
                        ));
                    }
                    v.push(i);
                }
                if !v.contains(&0) {
                    return Err(err(
                        PAR_PRIMARY_KEY_IS_NULL,
                        "Primary timestamp column should not be null",
                    ));
                }
                v
            }
            None => (0..schema.len()).collect(),
        };
        let ctx = Ctx {
            precision: db.precision,
            tz: &tz,
        };
        let min_ts = min_timestamp(db.precision, db.keep_days);
        // Convert every row before writing any, so a bad value leaves the table unchanged.
        let mut rows: Vec<(i64, Vec<Option<Value>>)> = Vec::with_capacity(cl.rows.len());
        for lits in &cl.rows {
            if lits.len() != targets.len() {
                return Err(err(PAR_INVALID_COLUMNS_NUM, "Illegal number of columns"));
            }
            let mut row: Vec<Option<Value>> = vec![None; schema.len()];
            for (lit, &i) in lits.iter().zip(&targets) {
                row[i] = Some(literal_to_value(lit, &schema[i], &ctx)?);
            }
            let ts = match row[0].take() {
                Some(Value::Timestamp(t)) => t,
                _ => {
                    return Err(err(
                        PAR_PRIMARY_KEY_IS_NULL,
                        "Primary timestamp column should not be null",
                    ))
                }
            };
            check_range(ts, min_ts)?;
            rows.push((ts, row));
        }
        for (ts, row) in &rows {
            table.upsert(*ts, row);
        }
        affected += rows.len() as i64;
        // Every committed write goes to its vgroup's log (TMQ).
        log_insert((&db.name, db.precision, &e.tmq), &data, name, schema, rows);
    }
    Ok(Outcome::Affected(affected))
}

/// Appends a committed write of `rows` into `table` to its vgroup's log (TMQ), with the
/// table's supertable, tag definitions and tag values as they are now.
pub(super) fn log_insert(
    log: (&str, u8, &crate::tmq::Broker),
    data: &DbData,
    table: &str,
    schema: std::sync::Arc<Vec<crate::sql::ast::ColumnDef>>,
    rows: Vec<(i64, Vec<Option<Value>>)>,
) {
    let (db_name, precision, broker) = log;
    let Some(t) = data.tables.get(table) else {
        return;
    };
    let tag_defs = t
        .stable
        .as_ref()
        .and_then(|st| data.stables.get(st))
        .map(|st| st.tags.clone())
        .unwrap_or_default();
    broker.record_insert(
        db_name,
        InsertEntry {
            table: table.to_string(),
            stable: t.stable.clone(),
            cols: schema,
            tag_defs,
            tags: t.tags.clone(),
            rows,
            precision,
        },
    );
}

/// Oldest timestamp a database accepts: rows older than its KEEP are refused, as TDengine does.
fn min_timestamp(precision: u8, keep_days: i64) -> i64 {
    let tps = super::time::ticks_per_sec(precision);
    super::time::now(precision).saturating_sub(keep_days.saturating_mul(86_400).saturating_mul(tps))
}

fn check_range(ts: i64, min_ts: i64) -> Result<(), TaosError> {
    if ts < min_ts {
        return Err(err(
            taos_wire::error::codes::TSDB_CODE_TDB_TIMESTAMP_OUT_OF_RANGE,
            "Timestamp data out of range",
        ));
    }
    Ok(())
}

/// One converted row of a supertable INSERT.
struct StableRow {
    tbname: String,
    tags: Vec<Value>,
    ts: i64,
    row: Vec<Option<Value>>,
}

/// Where a value of a supertable INSERT goes.
#[derive(Clone, Copy, PartialEq)]
enum Target {
    Tbname,
    Col(usize),
    Tag(usize),
}

/// `INSERT INTO st (tbname, cols..., tags...) VALUES ...`: each row names its child table,
/// created with the row's tag values when missing.
fn insert_into_stable(
    data: &mut DbData,
    stable: &str,
    cl: &InsertClause,
    ctx: &Ctx,
    min_ts: i64,
    log: (&str, u8, &crate::tmq::Broker),
) -> Result<i64, TaosError> {
    let Some(st) = data.stables.get(stable) else {
        return Err(table_not_exist(stable));
    };
    let (cols, tags) = (st.columns.clone(), st.tags.clone());
    let Some(names) = &cl.columns else {
        return Err(err(
            taos_wire::error::codes::TSDB_CODE_PAR_TBNAME_ERROR,
            "tbname must be given when inserting into a supertable",
        ));
    };
    let mut targets = Vec::with_capacity(names.len());
    for n in names {
        let t = if n == "tbname" {
            Target::Tbname
        } else if let Some(i) = cols.iter().position(|d| &d.name == n) {
            Target::Col(i)
        } else if let Some(i) = tags.iter().position(|d| &d.name == n) {
            Target::Tag(i)
        } else {
            return Err(invalid_column(n));
        };
        if targets.contains(&t) {
            return Err(err(
                taos_wire::error::codes::TSDB_CODE_PAR_DUPLICATED_COLUMN,
                "Duplicated column names",
            ));
        }
        targets.push(t);
    }
    if !targets.contains(&Target::Tbname) {
        return Err(err(
            taos_wire::error::codes::TSDB_CODE_PAR_TBNAME_ERROR,
            "tbname must be given when inserting into a supertable",
        ));
    }
    if !targets.contains(&Target::Col(0)) {
        return Err(err(
            PAR_PRIMARY_KEY_IS_NULL,
            "Primary timestamp column should not be null",
        ));
    }
    // Convert everything first so a bad row leaves the database unchanged.
    let mut rows: Vec<StableRow> = Vec::new();
    for lits in &cl.rows {
        if lits.len() != targets.len() {
            return Err(err(PAR_INVALID_COLUMNS_NUM, "Illegal number of columns"));
        }
        let mut tbname = None;
        let mut tag_vals = vec![Value::Null; tags.len()];
        let mut row: Vec<Option<Value>> = vec![None; cols.len()];
        for (lit, t) in lits.iter().zip(&targets) {
            match *t {
                Target::Tbname => {
                    tbname = match lit {
                        Literal::Str(x) => Some(unescape(x)),
                        Literal::Number(x) => Some(x.clone()),
                        _ => None,
                    }
                }
                Target::Col(i) => row[i] = Some(literal_to_value(lit, &cols[i], ctx)?),
                Target::Tag(i) => tag_vals[i] = literal_to_value(lit, &tags[i], ctx)?,
            }
        }
        let tbname = tbname.filter(|n| !n.is_empty()).ok_or_else(|| {
            err(
                taos_wire::error::codes::TSDB_CODE_PAR_TBNAME_ERROR,
                "tbname must be a non-empty string",
            )
        })?;
        let ts = match row[0].take() {
            Some(Value::Timestamp(t)) => t,
            _ => {
                return Err(err(
                    PAR_PRIMARY_KEY_IS_NULL,
                    "Primary timestamp column should not be null",
                ))
            }
        };
        check_range(ts, min_ts)?;
        if let Some(t) = data.tables.get(&tbname) {
            if t.stable.as_deref() != Some(stable) {
                return Err(err(TDB_TABLE_ALREADY_EXIST, "Table already exists"));
            }
        } else if data.stables.contains_key(&tbname) {
            return Err(err(
                taos_wire::error::codes::TSDB_CODE_MND_STB_ALREADY_EXIST,
                "STable already exists",
            ));
        }
        rows.push(StableRow {
            tbname,
            tags: tag_vals,
            ts,
            row,
        });
    }
    for StableRow {
        tbname,
        tags: tag_vals,
        ts,
        row,
    } in &rows
    {
        let t = data.tables.entry(tbname.clone()).or_insert_with(|| {
            Table::new(
                tbname.clone(),
                Some(stable.to_string()),
                cols.clone(),
                tag_vals.clone(),
            )
        });
        t.upsert(*ts, row);
    }
    // One log entry per child table, in first-appearance order (TMQ).
    let (db_name, precision, broker) = log;
    let mut order: Vec<&str> = Vec::new();
    for r in &rows {
        if !order.contains(&r.tbname.as_str()) {
            order.push(&r.tbname);
        }
    }
    for tb in order {
        let Some(t) = data.tables.get(tb) else {
            continue;
        };
        broker.record_insert(
            db_name,
            InsertEntry {
                table: tb.to_string(),
                stable: Some(stable.to_string()),
                cols: cols.clone(),
                tag_defs: tags.clone(),
                tags: t.tags.clone(),
                rows: rows
                    .iter()
                    .filter(|r| r.tbname == tb)
                    .map(|r| (r.ts, r.row.clone()))
                    .collect(),
                precision,
            },
        );
    }
    Ok(rows.len() as i64)
}
