//! Shared machinery of stmt v1 (`stmt.rs`) and stmt2 (`stmt2.rs`): the per-socket statement
//! table, the analysis of a prepared SQL text (`prepare`), typed bound values (`cell`), and
//! execution by rewriting bound rows into SQL literals run through the engine (`exec`).

pub mod cell;
pub mod exec;
pub mod prepare;
pub mod wkb;

use std::collections::HashMap;

use cell::Cell;
pub use prepare::{Param, Prepared};

/// Rows bound for one table (one stmt2 bind entry, or one stmt v1 `add_batch`).
#[derive(Debug, Clone, Default)]
pub struct TableRows {
    /// Table name bound for a `?` table placeholder.
    pub name: Option<String>,
    /// One value per tag placeholder.
    pub tags: Vec<Cell>,
    /// Column-major: one vector of rows per column placeholder.
    pub cols: Vec<Vec<Cell>>,
}

impl TableRows {
    /// Rows in this entry (0 without columns).
    pub fn rows(&self) -> usize {
        self.cols.first().map_or(0, Vec::len)
    }
}

/// One statement of a socket (v1 or stmt2).
#[derive(Debug, Default)]
pub struct Stmt {
    /// Created by `stmt2_init` (else `init`).
    pub is_stmt2: bool,
    /// The prepared statement (`None` before `prepare`).
    pub prepared: Option<Prepared>,
    /// Bound entries waiting for exec.
    pub batch: Vec<TableRows>,
    /// Stmt v1: the entry being built (`set_table_name` / `set_tags` / `bind`).
    pub current: TableRows,
    /// Stmt v1: whether `bind` was called for `current`.
    pub current_bound: bool,
    /// Stmt v1: whether `set_tags` was called for `current`.
    pub current_tagged: bool,
    /// Result of the last query exec, until `use_result` / `stmt2_result` takes it.
    pub result: Option<crate::engine::ResultSet>,
}

/// The statements of one socket; ids shared by v1 and stmt2, starting at 1 (§1.1).
#[derive(Debug, Default)]
pub struct StmtTable {
    last_id: u64,
    stmts: HashMap<u64, Stmt>,
}

impl StmtTable {
    /// Creates a statement and returns its id.
    pub fn create(&mut self, is_stmt2: bool) -> u64 {
        self.last_id += 1;
        self.stmts.insert(
            self.last_id,
            Stmt {
                is_stmt2,
                ..Stmt::default()
            },
        );
        self.last_id
    }

    /// The statement `id` if it exists and is of the requested kind.
    pub fn get_mut(&mut self, id: u64, is_stmt2: bool) -> Option<&mut Stmt> {
        self.stmts.get_mut(&id).filter(|s| s.is_stmt2 == is_stmt2)
    }

    /// Whether `id` exists, and its kind.
    pub fn kind(&self, id: u64) -> Option<bool> {
        self.stmts.get(&id).map(|s| s.is_stmt2)
    }

    /// Removes a statement.
    pub fn remove(&mut self, id: u64) -> Option<Stmt> {
        self.stmts.remove(&id)
    }
}
