//! Store and execution: the in-memory time-series engine behind the dev server.
//!
//! `sql` parses a statement; this module resolves names against the catalog, stores rows and
//! evaluates queries. The network half only sees [`Engine`], [`Session`], [`Outcome`] and
//! [`ResultSet`].
//!
//! Layout: `store` (catalog and rows, one RwLock per database), `column` (typed columnar
//! storage), `convert` (SQL literal → typed value with TDengine's checks), `ddl`, `insert`,
//! `delete`, `query` + `expr` + `aggregate` (SELECT), `system` (`information_schema`),
//! `result` (ResultSet and raw-block encoding), `time` + `tz` (timestamps and zones),
//! `decimal`, `geometry` (WKT → WKB), `errors` (codes and messages).

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::RwLock;
use taos_wire::error::TaosError;

mod aggregate;
mod column;
mod convert;
mod ddl;
mod decimal;
mod delete;
pub mod errors;
mod expr;
mod geometry;
mod insert;
mod query;
mod result;
mod store;
mod system;
pub mod time;
pub mod topic;
pub mod tz;

pub use result::sql_type_name;

use crate::sql::ast::{Statement, TableName};
use store::Database;

/// Server version reported by `SELECT SERVER_VERSION()` and the `version` action.
pub const SERVER_VERSION: &str = "3.3.6.0";

/// The whole in-memory server state. `Send + Sync`; share it as `Arc<Engine>`.
#[derive(Default)]
pub struct Engine {
    dbs: RwLock<BTreeMap<String, Arc<Database>>>,
    /// TMQ topics, per-vgroup logs and consumers.
    pub(crate) tmq: crate::tmq::Broker,
}

/// System databases listed by SHOW DATABASES; they hold no user tables here.
pub(crate) const SYSTEM_DBS: [&str; 2] = ["information_schema", "performance_schema"];

/// Per-connection state the engine reads and updates.
#[derive(Clone, Debug, Default)]
pub struct Session {
    /// Database selected by `USE` (or the connection's `db`).
    pub current_db: Option<String>,
    /// Time zone used for timestamp strings without an explicit offset (`None` = UTC).
    pub timezone: Option<String>,
}

/// The result of one statement.
#[derive(Debug)]
pub enum Outcome {
    /// A statement without a result set (DDL, INSERT); the count of rows written.
    Affected(i64),
    /// A statement producing rows.
    Rows(ResultSet),
}

/// One result column's description as reported to clients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Column name (alias or expression text).
    pub name: String,
    /// TDengine type code (`taos_wire::types::TSDB_DATA_TYPE_*`).
    pub ty: u8,
    /// User width: fixed size, or the declared length of var types.
    pub bytes: i64,
    /// DECIMAL precision (0 for other types).
    pub precision: u8,
    /// DECIMAL scale (0 for other types).
    pub scale: u8,
}

/// One cell value, as the REST formatter needs it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// BOOL.
    Bool(bool),
    /// Any signed integer type.
    Int(i64),
    /// Any unsigned integer type.
    UInt(u64),
    /// FLOAT.
    Float(f32),
    /// DOUBLE.
    Double(f64),
    /// TIMESTAMP in the result precision.
    Timestamp(i64),
    /// VARCHAR, VARBINARY, GEOMETRY (WKB) bytes.
    Bytes(Vec<u8>),
    /// NCHAR text.
    NChar(String),
    /// JSON text.
    Json(Vec<u8>),
    /// DECIMAL rendered as text.
    Decimal(String),
}

/// A materialised query result.
#[derive(Debug, Default)]
pub struct ResultSet {
    fields: Vec<Field>,
    precision: u8,
    rows: usize,
    columns: Vec<column::Column>,
}

impl Engine {
    /// An empty engine (only the system databases exist).
    pub fn new() -> Self {
        Engine::default()
    }

    /// Executes one SQL statement for a session.
    pub fn execute(&self, s: &mut Session, sql: &str) -> Result<Outcome, TaosError> {
        // Topic statements belong to the TMQ broker.
        if let Some(r) = crate::tmq::sql::try_execute(self, s, sql) {
            return r;
        }
        let st = crate::sql::parse(sql)?;
        if topic::is_table_ddl(&st) {
            // TMQ meta messages need the catalog before and after the change.
            let before = topic::ddl_before(self, s, &st);
            let out = self.run_statement(s, st.clone());
            if out.is_ok() {
                topic::record_ddl_meta(self, s, &st, &before);
            }
            return out;
        }
        self.run_statement(s, st)
    }

    /// Executes one parsed statement.
    fn run_statement(&self, s: &mut Session, st: Statement) -> Result<Outcome, TaosError> {
        match st {
            Statement::CreateDatabase {
                name,
                if_not_exists,
                precision,
                keep_days,
                vgroups,
            } => ddl::create_database(
                self,
                &name,
                if_not_exists,
                precision.as_deref(),
                keep_days.unwrap_or(store::DEFAULT_KEEP_DAYS),
                vgroups,
            ),
            Statement::DropDatabase { name, if_exists } => {
                ddl::drop_database(self, s, &name, if_exists)
            }
            Statement::Use(db) => {
                if !self.database_exists(&db) {
                    return Err(errors::db_not_exist(&db));
                }
                s.current_db = Some(db);
                Ok(Outcome::Affected(0))
            }
            Statement::ShowDatabases => Ok(Outcome::Rows(ddl::show_databases(self))),
            Statement::ShowTables { db, stables, like } => {
                let db = self.db_for(s, db.as_deref())?;
                Ok(Outcome::Rows(ddl::show_tables(
                    &db,
                    stables,
                    like.as_deref(),
                )))
            }
            Statement::CreateStable {
                name,
                if_not_exists,
                columns,
                tags,
            } => {
                let db = self.db_for(s, name.db.as_deref())?;
                ddl::create_stable(&db, &name.name, if_not_exists, columns, tags)
            }
            Statement::CreateTable {
                name,
                if_not_exists,
                columns,
            } => {
                let db = self.db_for(s, name.db.as_deref())?;
                ddl::create_table(&db, &name.name, if_not_exists, columns)
            }
            Statement::CreateChildTables(defs) => ddl::create_child_tables(self, s, &defs),
            Statement::DropTables(names) => ddl::drop_tables(self, s, &names),
            Statement::DropStable { if_exists, name } => {
                let db = self.db_for(s, name.db.as_deref())?;
                ddl::drop_stable(&db, &name.name, if_exists)
            }
            Statement::Describe(name) => {
                let db = self.db_for(s, name.db.as_deref())?;
                Ok(Outcome::Rows(ddl::describe(&db, &name.name)?))
            }
            Statement::Insert(clauses) => insert::insert(self, s, &clauses),
            Statement::Select(sel) => Ok(Outcome::Rows(query::select(self, s, &sel)?)),
            Statement::Alter {
                table,
                stable,
                action,
            } => {
                let db = self.db_for(s, table.db.as_deref())?;
                let tz = ddl::session_tz(s)?;
                ddl::alter(&db, &table.name, stable, action, &tz)
            }
            Statement::Delete { table, filter } => delete::delete(self, s, &table, filter.as_ref()),
        }
    }

    /// Parses and checks a statement without executing it (syntax and name resolution of the
    /// database; tables are checked when the statement runs).
    pub fn validate(&self, s: &Session, sql: &str) -> Result<(), TaosError> {
        if crate::tmq::sql::is_topic_statement(sql) {
            return Ok(());
        }
        let st = crate::sql::parse(sql)?;
        // The table (or supertable) must exist, as TDengine's catalog check requires.
        let table_of = |t: &TableName| -> Result<(), TaosError> {
            let db = self.db_for(s, t.db.as_deref())?;
            let data = db.data.read();
            if data.tables.contains_key(&t.name) || data.stables.contains_key(&t.name) {
                Ok(())
            } else {
                Err(errors::table_not_exist(&t.name))
            }
        };
        match &st {
            Statement::Use(db) if !self.database_exists(db) => Err(errors::db_not_exist(db)),
            Statement::Describe(t) => table_of(t),
            Statement::Select(sel) => match &sel.from {
                Some(t) if system::is_system(t, s) => {
                    system::system_table(self, &t.name).map(|_| ())
                }
                Some(t) => table_of(t),
                None => Ok(()),
            },
            Statement::Insert(cl) => cl.iter().try_for_each(|c| match &c.using {
                Some(u) => table_of(&u.stable),
                None => table_of(&c.table),
            }),
            _ => Ok(()),
        }
    }

    /// The TMQ broker (topics, per-vgroup logs, consumers).
    pub fn tmq(&self) -> &crate::tmq::Broker {
        &self.tmq
    }

    /// Whether a database of that name exists (system databases included).
    pub fn database_exists(&self, db: &str) -> bool {
        SYSTEM_DBS.contains(&db) || self.dbs.read().contains_key(db)
    }

    /// The database a statement addresses: the explicit qualifier or the session's.
    pub(crate) fn db_for(
        &self,
        s: &Session,
        explicit: Option<&str>,
    ) -> Result<Arc<Database>, TaosError> {
        let name = match explicit.or(s.current_db.as_deref()) {
            Some(n) => n,
            None => return Err(errors::db_not_specified()),
        };
        if SYSTEM_DBS.contains(&name) {
            return Err(crate::sql::parser::unsupported(&format!(
                "tables of {name}"
            )));
        }
        self.dbs
            .read()
            .get(name)
            .cloned()
            .ok_or_else(|| errors::db_not_exist(name))
    }
}

impl ResultSet {
    /// Result columns.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }
    /// Timestamp precision of the result: 0 ms, 1 µs, 2 ns.
    pub fn precision(&self) -> u8 {
        self.precision
    }
    /// Number of rows.
    pub fn num_rows(&self) -> usize {
        self.rows
    }
    /// Raw block (ws-query.md §4) of rows `[start, start + max_rows)`; empty if no row is in
    /// range.
    pub fn encode_block(&self, start: usize, max_rows: usize) -> Vec<u8> {
        self.encode(start, max_rows)
    }
    /// Internal widths of the columns (legacy fetch reply `lengths`).
    pub fn internal_widths(&self) -> Vec<i32> {
        self.fields
            .iter()
            .map(|f| {
                if taos_wire::types::is_decimal(f.ty) {
                    taos_wire::types::decimal_schema_width(f.ty, f.precision, f.scale)
                } else {
                    taos_wire::types::internal_width(f.ty, f.bytes)
                }
            })
            .collect()
    }
    /// One cell (REST JSON formatting); `Null` out of range.
    pub fn value(&self, row: usize, col: usize) -> Value {
        self.cell(row, col)
    }
}
