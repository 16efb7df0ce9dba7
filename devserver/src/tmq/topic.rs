//! Topic definitions: what a topic reads (a query on a table or supertable, a supertable, or
//! a whole database) and how it turns one logged write into a data block.

use taos_wire::error::TaosError;

use super::log::{InsertEntry, MetaEntry};
use crate::engine::topic::{eval_select, WrittenRows};
use crate::engine::ResultSet;
use crate::sql::ast::Select;

/// What a topic subscribes to.
#[derive(Debug, Clone, PartialEq)]
pub enum TopicSource {
    /// `AS SELECT ... FROM <from>`; `is_stable` when `from` is a supertable.
    Query {
        /// Table or supertable name.
        from: String,
        /// Whether `from` is a supertable.
        is_stable: bool,
    },
    /// `AS STABLE <name> [WHERE ...]`.
    Stable(String),
    /// `AS DATABASE <db>`.
    Database,
}

/// A topic.
#[derive(Debug, Clone)]
pub struct Topic {
    /// Topic name.
    pub name: String,
    /// Database it reads.
    pub db: String,
    /// Source kind.
    pub source: TopicSource,
    /// The select evaluated on each write (for STABLE/DATABASE topics `SELECT *` plus the
    /// topic's WHERE; `*` then gives data columns only).
    pub sel: Select,
    /// Whether meta messages are produced (`WITH META`).
    pub with_meta: bool,
    /// The CREATE TOPIC text as given.
    pub sql: String,
    /// Creation time (ms).
    pub created: i64,
}

impl Topic {
    /// Whether a write to this table feeds the topic.
    pub fn matches(&self, e: &InsertEntry) -> bool {
        match &self.source {
            TopicSource::Query { from, .. } => {
                &e.table == from || e.stable.as_deref() == Some(from.as_str())
            }
            TopicSource::Stable(st) => e.stable.as_deref() == Some(st.as_str()),
            TopicSource::Database => true,
        }
    }

    /// Whether a DDL is delivered as a meta message of this topic.
    pub fn matches_meta(&self, m: &MetaEntry) -> bool {
        self.with_meta
            && match &self.source {
                TopicSource::Query { .. } => false,
                TopicSource::Stable(st) => m.stable.as_deref() == Some(st.as_str()),
                TopicSource::Database => true,
            }
    }

    /// `SHOW TOPICS` `type` column.
    pub fn type_name(&self) -> &'static str {
        match self.source {
            TopicSource::Query { .. } => "column",
            TopicSource::Stable(_) => "stable",
            TopicSource::Database => "db",
        }
    }

    /// The block this topic makes of one write (may have zero rows after WHERE).
    pub fn block_of(&self, e: &InsertEntry) -> Result<ResultSet, TaosError> {
        let star_tags = matches!(
            self.source,
            TopicSource::Query {
                is_stable: true,
                ..
            }
        );
        let w = WrittenRows {
            table: &e.table,
            cols: &e.cols,
            tag_defs: &e.tag_defs,
            tags: &e.tags,
            rows: &e.rows,
            precision: e.precision,
        };
        eval_select(&self.sel, &w, star_tags)
    }
}
