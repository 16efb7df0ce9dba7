//! The per-vgroup write-ahead sequence: every committed insert is appended, as one entry per
//! table, to the log of the vgroup its table hashes to. An entry's version is its index.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::engine::Value;
use crate::sql::ast::ColumnDef;

/// Vgroups of a database created without `VGROUPS n`.
pub const VGROUPS: i32 = 2;
/// Largest `VGROUPS n` accepted (TDengine's TSDB_MAX_VNODES_PER_DB).
pub const MAX_VGROUPS: i32 = 1024;
/// Id of a database's first vgroup (TDengine numbers vgroups from 2).
pub const FIRST_VGROUP: i32 = 2;

/// The vgroup a table belongs to in a database of `n` vgroups (stable FNV-1a hash of its
/// name). The one place a table is mapped to a vgroup: the TMQ logs and
/// `information_schema.ins_tables.vgroup_id` both use it.
pub fn vgroup_of(n: i32, table: &str) -> i32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in table.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    FIRST_VGROUP + (h % n.max(1) as u64) as i32
}

/// The vgroup ids of a database of `n` vgroups.
pub fn vgroup_ids(n: i32) -> Vec<i32> {
    (FIRST_VGROUP..FIRST_VGROUP + n.max(1)).collect()
}

/// Rows written to one table by one statement.
#[derive(Debug, Clone)]
pub struct InsertEntry {
    /// Table name.
    pub table: String,
    /// Supertable of a child table.
    pub stable: Option<String>,
    /// Data columns at write time.
    pub cols: Arc<Vec<ColumnDef>>,
    /// Tag definitions (empty for normal tables).
    pub tag_defs: Arc<Vec<ColumnDef>>,
    /// Tag values.
    pub tags: Vec<Value>,
    /// `(timestamp, row)` in statement order (`row[0]` unused, `None` = NULL).
    pub rows: Vec<(i64, Vec<Option<Value>>)>,
    /// Database precision.
    pub precision: u8,
}

/// A table DDL (CREATE/DROP/ALTER) as `tmq_get_json_meta` describes it.
#[derive(Debug, Clone)]
pub struct MetaEntry {
    /// The supertable concerned (the table itself for supertable DDL, the parent for a
    /// child table), for STABLE topics.
    pub stable: Option<String>,
    /// The JSON meta document.
    pub json: serde_json::Value,
    /// A child table created by an INSERT: delivered together with the data after it
    /// (message type 3) rather than as a meta message of its own.
    pub auto_create: bool,
}

/// One log entry.
#[derive(Debug, Clone)]
pub enum Entry {
    /// An insert.
    Insert(InsertEntry),
    /// A table DDL.
    Meta(MetaEntry),
}

/// Most cells (rows x columns) one vgroup log keeps; older entries are trimmed, as WAL
/// retention trims TDengine's WAL, so a write-heavy benchmark cannot exhaust memory.
pub const MAX_VGROUP_CELLS: usize = 8_000_000;

fn cells(e: &Entry) -> usize {
    match e {
        Entry::Insert(i) => i.rows.len().saturating_mul(i.cols.len()).max(1),
        Entry::Meta(_) => 1,
    }
}

/// One vgroup's log: versions `begin..end`.
#[derive(Debug, Default)]
pub struct VgLog {
    begin: i64,
    entries: std::collections::VecDeque<Entry>,
    cells: usize,
}

impl VgLog {
    /// First version still kept.
    pub fn begin(&self) -> i64 {
        self.begin
    }

    /// Next version to be written.
    pub fn end(&self) -> i64 {
        self.begin + self.entries.len() as i64
    }

    /// The entry of a version, if still kept.
    pub fn get(&self, version: i64) -> Option<&Entry> {
        let i = usize::try_from(version.checked_sub(self.begin)?).ok()?;
        self.entries.get(i)
    }

    fn push(&mut self, e: Entry) {
        self.cells = self.cells.saturating_add(cells(&e));
        self.entries.push_back(e);
        while self.cells > MAX_VGROUP_CELLS && self.entries.len() > 1 {
            if let Some(old) = self.entries.pop_front() {
                self.cells = self.cells.saturating_sub(cells(&old));
                self.begin += 1;
            }
        }
    }
}

/// The logs of one database, by vgroup id.
#[derive(Debug)]
pub struct DbLog {
    /// Number of vgroups of the database (`VGROUPS n`).
    pub n: i32,
    /// Log per vgroup.
    pub vgroups: BTreeMap<i32, VgLog>,
}

impl Default for DbLog {
    fn default() -> Self {
        DbLog::new(VGROUPS)
    }
}

impl DbLog {
    /// Empty logs of a database of `n` vgroups.
    pub fn new(n: i32) -> Self {
        DbLog {
            n: n.max(1),
            vgroups: vgroup_ids(n)
                .into_iter()
                .map(|v| (v, VgLog::default()))
                .collect(),
        }
    }

    /// The vgroup a table of this database belongs to.
    pub fn vgroup_of(&self, table: &str) -> i32 {
        vgroup_of(self.n, table)
    }

    /// The database's vgroup ids, in order.
    pub fn ids(&self) -> Vec<i32> {
        vgroup_ids(self.n)
    }

    /// Next version of a vgroup.
    pub fn end(&self, vg: i32) -> i64 {
        self.vgroups.get(&vg).map_or(0, VgLog::end)
    }

    /// First kept version of a vgroup.
    pub fn begin(&self, vg: i32) -> i64 {
        self.vgroups.get(&vg).map_or(0, VgLog::begin)
    }

    /// Appends a DDL: to the table's vgroup, or to every vgroup when `table` is `None`
    /// (supertable DDL reaches every vnode).
    pub fn append_meta(&mut self, table: Option<&str>, e: MetaEntry) {
        match table {
            Some(t) => self
                .vgroups
                .entry(vgroup_of(self.n, t))
                .or_default()
                .push(Entry::Meta(e)),
            None => {
                for v in self.vgroups.values_mut() {
                    v.push(Entry::Meta(e.clone()));
                }
            }
        }
    }

    /// Appends an insert to its table's vgroup.
    pub fn append(&mut self, e: InsertEntry) {
        let vg = vgroup_of(self.n, &e.table);
        self.vgroups.entry(vg).or_default().push(Entry::Insert(e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(table: &str, rows: usize, cols: usize) -> InsertEntry {
        let def = ColumnDef {
            name: "c".into(),
            ty: taos_wire::types::TSDB_DATA_TYPE_INT,
            bytes: 4,
            precision: 0,
            scale: 0,
        };
        InsertEntry {
            table: table.into(),
            stable: None,
            cols: Arc::new(vec![def; cols]),
            tag_defs: Arc::new(Vec::new()),
            tags: Vec::new(),
            rows: (0..rows).map(|i| (i as i64, Vec::new())).collect(),
            precision: 0,
        }
    }

    #[test]
    fn versions_and_retention_trim() {
        let mut log = DbLog::default();
        let vg = log.vgroup_of("t");
        assert_eq!((log.begin(vg), log.end(vg)), (0, 0));
        log.append(entry("t", 2, 3));
        log.append(entry("t", 1, 3));
        assert_eq!((log.begin(vg), log.end(vg)), (0, 2));
        let v = &log.vgroups[&vg];
        assert!(matches!(v.get(1), Some(Entry::Insert(e)) if e.rows.len() == 1));
        assert!(v.get(2).is_none() && v.get(-1).is_none());
        // Two entries of 4.1M cells exceed the cap: the oldest ones go, versions stay.
        log.append(entry("t", 4100, 1000));
        log.append(entry("t", 4100, 1000));
        assert_eq!((log.begin(vg), log.end(vg)), (3, 4));
        let v = &log.vgroups[&vg];
        assert!(v.get(2).is_none());
        assert!(v.get(3).is_some());
    }
}
