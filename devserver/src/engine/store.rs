//! The catalog and the rows: databases, supertables, tables.
//!
//! Locking: the engine's database map has one RwLock; each database has one RwLock over its
//! catalog and rows. Statements take a database's lock once, for reading (SELECT, SHOW,
//! DESCRIBE) or writing (INSERT, CREATE/DROP TABLE), so a statement sees a consistent state.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::RwLock;

use super::column::Column;
use super::Value;
use crate::sql::ast::ColumnDef;

/// A supertable: schema of its children.
#[derive(Debug)]
pub struct STable {
    /// Name.
    pub name: String,
    /// Data columns (first is the TIMESTAMP key).
    pub columns: Arc<Vec<ColumnDef>>,
    /// Tags.
    pub tags: Arc<Vec<ColumnDef>>,
}

/// A normal or child table with its rows sorted by timestamp (unique).
#[derive(Debug)]
pub struct Table {
    /// Name.
    pub name: String,
    /// Supertable of a child table.
    pub stable: Option<String>,
    /// Data columns.
    pub schema: Arc<Vec<ColumnDef>>,
    /// Tag values of a child table (in the supertable's tag order).
    pub tags: Vec<Value>,
    /// One column store per schema column; `cols[0]` is the timestamp.
    pub cols: Vec<Column>,
}

impl Table {
    /// A table without rows.
    pub fn new(
        name: String,
        stable: Option<String>,
        schema: Arc<Vec<ColumnDef>>,
        tags: Vec<Value>,
    ) -> Self {
        let cols = schema
            .iter()
            .map(|c| Column::new(c.ty).with_scale(c.scale))
            .collect();
        Table {
            name,
            stable,
            schema,
            tags,
            cols,
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.cols.first().map_or(0, |c| c.len())
    }

    /// Timestamp of row `i`.
    pub fn ts(&self, i: usize) -> i64 {
        self.cols.first().map_or(0, |c| c.i64_at(i))
    }

    /// Writes one row. `row[c]` is `Some(value)` for columns given in the statement and `None`
    /// for the others: a new row gets NULL there, an existing row (same timestamp) keeps its
    /// old value, as TDengine merges rows with equal keys.
    pub fn upsert(&mut self, ts: i64, row: &[Option<Value>]) {
        let n = self.rows();
        let ts_val = Value::Timestamp(ts);
        if n == 0 || ts > self.ts(n - 1) {
            self.cols[0].push(&ts_val);
            for (c, v) in self.cols.iter_mut().zip(row.iter()).skip(1) {
                c.push(v.as_ref().unwrap_or(&Value::Null));
            }
            return;
        }
        // Binary search over the sorted key column.
        let (mut lo, mut hi) = (0usize, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.ts(mid) < ts {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo < n && self.ts(lo) == ts {
            for (c, v) in self.cols.iter_mut().zip(row.iter()).skip(1) {
                if let Some(v) = v {
                    c.set(lo, v);
                }
            }
        } else {
            self.cols[0].insert(lo, &ts_val);
            for (c, v) in self.cols.iter_mut().zip(row.iter()).skip(1) {
                c.insert(lo, v.as_ref().unwrap_or(&Value::Null));
            }
        }
    }
}

/// Catalog and rows of one database.
#[derive(Debug, Default)]
pub struct DbData {
    /// Supertables by name.
    pub stables: BTreeMap<String, STable>,
    /// Normal and child tables by name.
    pub tables: BTreeMap<String, Table>,
}

/// One database.
#[derive(Debug)]
pub struct Database {
    /// Name.
    pub name: String,
    /// Timestamp precision: 0 ms, 1 µs, 2 ns.
    pub precision: u8,
    /// Creation time (ms).
    pub created: i64,
    /// KEEP in days: rows older than `now - keep` are refused, as TDengine does.
    pub keep_days: i64,
    /// Catalog and rows.
    pub data: RwLock<DbData>,
}

/// TDengine's default KEEP (days).
pub const DEFAULT_KEEP_DAYS: i64 = 3650;

/// Precision code from its SQL name.
pub fn precision_code(p: &str) -> Option<u8> {
    match p {
        "ms" => Some(0),
        "us" => Some(1),
        "ns" => Some(2),
        _ => None,
    }
}

/// Precision name from its code.
pub fn precision_name(p: u8) -> &'static str {
    match p {
        1 => "us",
        2 => "ns",
        _ => "ms",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use taos_wire::types::*;

    fn schema() -> Arc<Vec<ColumnDef>> {
        Arc::new(vec![
            ColumnDef {
                name: "ts".into(),
                ty: TSDB_DATA_TYPE_TIMESTAMP,
                bytes: 8,
                precision: 0,
                scale: 0,
            },
            ColumnDef {
                name: "v".into(),
                ty: TSDB_DATA_TYPE_INT,
                bytes: 4,
                precision: 0,
                scale: 0,
            },
            ColumnDef {
                name: "s".into(),
                ty: TSDB_DATA_TYPE_VARCHAR,
                bytes: 10,
                precision: 0,
                scale: 0,
            },
        ])
    }

    #[test]
    fn upsert_keeps_order_and_merges() {
        let mut t = Table::new("t".into(), None, schema(), vec![]);
        let row = |v: i64, s: &str| vec![None, Some(Value::Int(v)), Some(Value::Bytes(s.into()))];
        t.upsert(10, &row(1, "a"));
        t.upsert(30, &row(3, "c"));
        t.upsert(20, &row(2, "b"));
        // Same key: given column replaced, missing column kept.
        t.upsert(30, &[None, Some(Value::Int(33)), None]);
        assert_eq!(t.rows(), 3);
        assert_eq!((t.ts(0), t.ts(1), t.ts(2)), (10, 20, 30));
        assert_eq!(t.cols[1].get(1), Value::Int(2));
        assert_eq!(t.cols[1].get(2), Value::Int(33));
        assert_eq!(t.cols[2].get(2), Value::Bytes(b"c".to_vec()));
        t.upsert(5, &[None, None, Some(Value::Null)]);
        assert_eq!(t.cols[1].get(0), Value::Null);
        assert_eq!(t.ts(0), 5);
    }
}
