//! The `information_schema` tables the dev server can answer: `ins_databases`, `ins_tables`,
//! `ins_stables`, with a subset of TDengine's columns (named columns only; `SELECT *` is
//! refused because TDengine's tables have more columns).

use std::sync::Arc;

use taos_wire::error::TaosError;
use taos_wire::types::*;

use super::column::Column;
use super::errors::table_not_exist;
use super::store::{precision_name, Table};
use super::{Engine, Session, Value, SYSTEM_DBS};
use crate::sql::ast::{ColumnDef, TableName};

/// Whether a FROM names a table of `information_schema`.
pub fn is_system(from: &TableName, s: &Session) -> bool {
    from.db.as_deref().or(s.current_db.as_deref()) == Some("information_schema")
}

fn def(name: &str, ty: u8, bytes: i64) -> ColumnDef {
    ColumnDef {
        name: name.to_string(),
        ty,
        bytes,
        precision: 0,
        scale: 0,
    }
}

fn text(s: &str) -> Value {
    Value::Bytes(s.as_bytes().to_vec())
}

/// Materialises a system table as an ordinary table (no timestamp key).
fn make(name: &str, defs: Vec<ColumnDef>, rows: Vec<Vec<Value>>) -> Table {
    let mut t = Table::new(name.to_string(), None, Arc::new(defs), Vec::new());
    for r in &rows {
        for (c, v) in t.cols.iter_mut().zip(r) {
            c.push(v);
        }
    }
    // A table with no column would have no row count; every system table has columns.
    debug_assert!(t.cols.iter().all(|c: &Column| c.len() == rows.len()));
    t
}

/// Builds the named system table from the current catalog.
pub fn system_table(e: &Engine, name: &str) -> Result<Table, TaosError> {
    let dbs = e.dbs.read();
    match name {
        "ins_databases" => {
            let defs = vec![
                def("name", TSDB_DATA_TYPE_VARCHAR, 64),
                def("create_time", TSDB_DATA_TYPE_TIMESTAMP, 8),
                def("vgroups", TSDB_DATA_TYPE_SMALLINT, 2),
                def("ntables", TSDB_DATA_TYPE_BIGINT, 8),
                def("replica", TSDB_DATA_TYPE_TINYINT, 1),
                def("precision", TSDB_DATA_TYPE_VARCHAR, 2),
                def("status", TSDB_DATA_TYPE_VARCHAR, 10),
            ];
            let mut rows: Vec<Vec<Value>> = SYSTEM_DBS
                .iter()
                .map(|n| {
                    let mut r = vec![text(n)];
                    r.extend([
                        Value::Null,
                        Value::Null,
                        Value::Null,
                        Value::Null,
                        Value::Null,
                    ]);
                    r.push(text("ready"));
                    r
                })
                .collect();
            for db in dbs.values() {
                let ntables = db.data.read().tables.len() as i64;
                rows.push(vec![
                    text(&db.name),
                    Value::Timestamp(db.created),
                    Value::Int(i64::from(e.tmq.vgroups_of(&db.name))),
                    Value::Int(ntables),
                    Value::Int(1),
                    text(precision_name(db.precision)),
                    text("ready"),
                ]);
            }
            Ok(make(name, defs, rows))
        }
        "ins_tables" => {
            let defs = vec![
                def("table_name", TSDB_DATA_TYPE_VARCHAR, 192),
                def("db_name", TSDB_DATA_TYPE_VARCHAR, 64),
                def("columns", TSDB_DATA_TYPE_INT, 4),
                def("stable_name", TSDB_DATA_TYPE_VARCHAR, 192),
                def("vgroup_id", TSDB_DATA_TYPE_INT, 4),
                def("type", TSDB_DATA_TYPE_VARCHAR, 21),
            ];
            let mut rows = Vec::new();
            for db in dbs.values() {
                // The vgroup TMQ messages of the table carry (one hash, crate::tmq::log).
                let n = e.tmq.vgroups_of(&db.name);
                for t in db.data.read().tables.values() {
                    rows.push(vec![
                        text(&t.name),
                        text(&db.name),
                        Value::Int(t.schema.len() as i64),
                        t.stable.as_deref().map_or(Value::Null, text),
                        Value::Int(i64::from(crate::tmq::log::vgroup_of(n, &t.name))),
                        text(if t.stable.is_some() {
                            "CHILD_TABLE"
                        } else {
                            "NORMAL_TABLE"
                        }),
                    ]);
                }
            }
            Ok(make(name, defs, rows))
        }
        "ins_stables" => {
            let defs = vec![
                def("stable_name", TSDB_DATA_TYPE_VARCHAR, 192),
                def("db_name", TSDB_DATA_TYPE_VARCHAR, 64),
                def("columns", TSDB_DATA_TYPE_INT, 4),
                def("tags", TSDB_DATA_TYPE_INT, 4),
            ];
            let mut rows = Vec::new();
            for db in dbs.values() {
                for st in db.data.read().stables.values() {
                    rows.push(vec![
                        text(&st.name),
                        text(&db.name),
                        Value::Int(st.columns.len() as i64),
                        Value::Int(st.tags.len() as i64),
                    ]);
                }
            }
            Ok(make(name, defs, rows))
        }
        // TMQ's tables live in the broker.
        "ins_topics" | "ins_consumers" | "ins_subscriptions" => {
            let (fields, rows) = crate::tmq::sql::system_table(e, name).unwrap_or_default();
            let defs = fields.iter().map(|f| def(&f.name, f.ty, f.bytes)).collect();
            Ok(make(name, defs, rows))
        }
        other if other.starts_with("ins_") || other.starts_with("perf_") => Err(
            crate::sql::parser::unsupported(&format!("information_schema.{other}")),
        ),
        other => Err(table_not_exist(other)),
    }
}
