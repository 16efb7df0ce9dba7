//! Stmt v1 on top of stmt2 (ws-stmt-sml-tmq.md §1.8).
//!
//! Like the official WebSocket libtaos, the v1 API does not use the stmt-v1 actions: the
//! statement is a stmt2 on the shared socket and the v1 calls are buffered client-side.
//! Why: the v1 actions need either JSON values (no DECIMAL/BLOB, lossy for some types) or a
//! raw block per bind, and one round trip per `set_table_name`/`set_tags`/`bind`/`add_batch`;
//! buffering sends a whole batch in one `stmt2_bind` (or `stmt2_bind_exec`) at execute
//! time, and prepare returns every placeholder's type for the get_*_fields calls.
use super::stmt2::{Prepared, Stmt2, Stmt2Options};
use super::{err, Connection, QueryResult, Result};
use std::borrow::Cow;
use taos_wire::error::codes;
use taos_wire::json::stmt2::{Stmt2FieldInfo, BIND_TYPE_COL, BIND_TYPE_TAG, BIND_TYPE_TBNAME};
use taos_wire::stmt2::{Stmt2Bind, Stmt2Field};

/// A stmt v1 statement: a stmt2 plus the table/tags/columns of the batch being built.
#[derive(Debug)]
pub struct Stmt {
    inner: Stmt2,
    /// Table name set for the next `add_batch`.
    tbname: Option<Vec<u8>>,
    /// Tags set for the next `add_batch` (one field each, num 1).
    tags: Option<Vec<Stmt2Field<'static>>>,
    /// Columns bound since the last `add_batch` (None = column not bound yet).
    cols: Vec<Option<Stmt2Field<'static>>>,
    /// Columns 0.. bound one at a time (`bind_column`) since the last complete set.
    single: Vec<Stmt2Field<'static>>,
    /// Finished (table, tags, columns) entries waiting for `execute`.
    batch: Stmt2Bind<'static>,
    affected_total: i64,
    affected_once: i64,
}

fn usage(msg: &str) -> super::Error {
    err(
        codes::TSDB_CODE_TSC_STMT_API_ERROR,
        format!("Stmt API usage error: {msg}"),
    )
}

impl Stmt {
    /// Creates the underlying stmt2.
    pub fn init(conn: &Connection, opts: &Stmt2Options) -> Result<Stmt> {
        Ok(Stmt {
            inner: Stmt2::init(conn, opts)?,
            tbname: None,
            tags: None,
            cols: Vec::new(),
            single: Vec::new(),
            batch: Stmt2Bind::default(),
            affected_total: 0,
            affected_once: 0,
        })
    }

    /// Prepares `sql`; forgets everything bound before.
    pub fn prepare(&mut self, sql: &str) -> Result<()> {
        self.reset_batch();
        self.inner.prepare(sql)?;
        Ok(())
    }

    fn reset_batch(&mut self) {
        self.tbname = None;
        self.tags = None;
        self.cols.clear();
        self.single.clear();
        self.batch = Stmt2Bind::default();
    }

    /// The prepare result (usage error before prepare).
    pub fn prepared(&self) -> Result<&Prepared> {
        self.inner
            .prepared()
            .ok_or_else(|| usage("statement not prepared"))
    }

    /// Number of column placeholders (query: number of `?`).
    pub fn col_count(&self) -> Result<usize> {
        let p = self.prepared()?;
        Ok(if p.is_insert {
            p.of_type(BIND_TYPE_COL).count()
        } else {
            p.fields_count.max(0) as usize
        })
    }

    /// Sets the table name of the next batch entry.
    pub fn set_tbname(&mut self, name: &str) -> Result<()> {
        let p = self.prepared()?;
        if !p.is_insert {
            return Err(usage("table name can only be set for an insert"));
        }
        if name.is_empty() {
            return Err(err(
                codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
                "Stmt table name is empty",
            ));
        }
        if !p.has_tbname() {
            // The SQL names the table already: nothing to send (native accepts this too).
            return Ok(());
        }
        if p.is_late() {
            // INSERT INTO ? VALUES: the table's columns are learnt now, as native parses the
            // SQL with the name at this call (an unknown table fails here, not at execute).
            self.inner.table_fields(name.as_bytes())?;
        }
        self.tbname = Some(name.as_bytes().to_vec());
        Ok(())
    }

    /// The placeholders as `taos_stmt_get_*_fields` describe them: the prepared ones, or
    /// for `INSERT INTO ? VALUES` those of the table set by `set_tbname`
    /// (`TSDB_CODE_TSC_STMT_TBNAME_ERROR` before, as native).
    pub fn fields(&mut self) -> Result<Vec<Stmt2FieldInfo>> {
        let p = self.prepared()?;
        if !p.is_late() {
            return Ok(p.fields.clone());
        }
        match self.tbname.clone() {
            Some(name) => self.inner.table_fields(&name),
            None => Err(err(
                codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
                "Stmt table name not set: the columns of INSERT INTO ? VALUES are those of \
                 the table set with taos_stmt_set_tbname",
            )),
        }
    }

    /// The column placeholders binds are read against, without a round trip: for
    /// `INSERT INTO ? VALUES` those of the current table when known, else placeholders of
    /// unknown type (`field_type` 0).
    pub fn col_placeholders(&self) -> Result<Vec<Stmt2FieldInfo>> {
        let p = self.prepared()?;
        let known = self
            .tbname
            .as_deref()
            .filter(|_| p.is_late())
            .and_then(|n| self.inner.known_table_fields(n));
        let all = known.unwrap_or(&p.fields);
        Ok(all
            .iter()
            .filter(|f| f.bind_type == BIND_TYPE_COL)
            .cloned()
            .collect())
    }

    /// Sets the tags of the next batch entry (one field per tag, num 1 each).
    pub fn set_tags(&mut self, tags: Vec<Stmt2Field<'static>>) -> Result<()> {
        let p = self.prepared()?;
        let want = p.of_type(BIND_TYPE_TAG).count();
        if tags.len() != want {
            return Err(err(
                codes::TSDB_CODE_INVALID_PARA,
                format!("{} tags given, the statement has {want}", tags.len()),
            ));
        }
        if tags.iter().any(|t| t.num != 1) {
            return Err(err(
                codes::TSDB_CODE_INVALID_PARA,
                "each tag must be bound with num = 1",
            ));
        }
        self.tags = Some(tags);
        Ok(())
    }

    /// Binds every column (one field per column placeholder). Rows bound again before
    /// `add_batch` are appended, as native stmt does for repeated `taos_stmt_bind_param`.
    pub fn bind_columns(&mut self, cols: Vec<Stmt2Field<'static>>) -> Result<()> {
        let n = self.col_count()?;
        if cols.len() != n {
            return Err(err(
                codes::TSDB_CODE_INVALID_PARA,
                format!("{} columns given, the statement has {n}", cols.len()),
            ));
        }
        let p = self.prepared()?;
        if p.is_insert && self.cols.len() == n && self.cols.iter().all(Option::is_some) {
            let old = std::mem::take(&mut self.cols);
            let mut merged = Vec::with_capacity(n);
            for (a, b) in old.into_iter().flatten().zip(cols) {
                merged.push(Some(concat(&a, &b)?));
            }
            self.cols = merged;
            return Ok(());
        }
        self.cols = cols.into_iter().map(Some).collect();
        Ok(())
    }

    /// Binds column `idx` only (`taos_stmt_bind_single_param_batch`), with native
    /// TDengine's rules: columns in order 0, 1, ... (0 starts a new set of rows), each with
    /// column 0's row count and, for inserts, exactly the declared type. When the last
    /// column arrives the set is added as by [`Stmt::bind_columns`].
    pub fn bind_column(&mut self, idx: usize, col: Stmt2Field<'static>) -> Result<()> {
        let n = self.col_count()?;
        let invalid_op = |m: String| err(codes::TSDB_CODE_TSC_INVALID_OPERATION, m);
        if idx >= n {
            return Err(invalid_op(format!(
                "column index {idx} exceeds the number of columns ({n})"
            )));
        }
        if idx != 0 && idx != self.single.len() {
            return Err(usage(&format!(
                "bind column index not in sequence: got {idx}, expected {}",
                self.single.len()
            )));
        }
        if idx == 0 {
            self.single.clear();
        } else if self.single.first().is_some_and(|f| f.num != col.num) {
            return Err(invalid_op(
                "row number in each bind param should be the same".into(),
            ));
        }
        let declared = self.col_placeholders()?.get(idx).map(|f| f.field_type);
        // Type 0: not known before the server checks it (INSERT INTO ? VALUES, no table).
        if let Some(ty) = declared.filter(|&t| t != 0) {
            if col.buffer_type != ty as i32 {
                return Err(invalid_op("column type mis-match with buffer type".into()));
            }
        }
        self.single.push(col);
        if self.single.len() == n {
            let cols = std::mem::take(&mut self.single);
            self.bind_columns(cols)?;
        }
        Ok(())
    }

    /// Error when columns bound one at a time do not form a complete set (cleared then).
    fn check_single_complete(&mut self) -> Result<()> {
        if self.single.is_empty() {
            return Ok(());
        }
        let k = self.single.len();
        self.single.clear();
        Err(usage(&format!(
            "not every column is bound: columns 0..{k} bound with bind_single_param_batch"
        )))
    }

    fn take_columns(&mut self) -> Result<Vec<Stmt2Field<'static>>> {
        let n = self.col_count()?;
        if self.cols.len() != n || self.cols.iter().any(Option::is_none) {
            return Err(usage("not every column is bound"));
        }
        let cols: Vec<_> = std::mem::take(&mut self.cols)
            .into_iter()
            .flatten()
            .collect();
        if let Some(first) = cols.first() {
            if cols.iter().any(|c| c.num != first.num) {
                return Err(err(
                    codes::TSDB_CODE_TSC_INVALID_OPERATION,
                    "row number in each bind param should be the same",
                ));
            }
        }
        Ok(cols)
    }

    /// Closes the current (table, tags, columns) entry (inserts only).
    pub fn add_batch(&mut self) -> Result<()> {
        let p = self.prepared()?;
        if !p.is_insert {
            // As native: after a bind, add_batch of a query is accepted and changes nothing
            // (the parameters stay for execute); driver-go's af Stmt calls it so.
            if self.cols.iter().any(Option::is_some) || p.fields_count == 0 {
                return Ok(());
            }
            return Err(usage(
                "add_batch of a query before its parameters are bound",
            ));
        }
        let has_tb = p.has_tbname();
        let n_tags = p.of_type(BIND_TYPE_TAG).count();
        if has_tb && self.tbname.is_none() {
            return Err(err(
                codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
                "Stmt table name not set",
            ));
        }
        if n_tags > 0 && self.tags.is_none() {
            return Err(usage("tags not set"));
        }
        self.check_single_complete()?;
        let cols = self.take_columns()?;
        if has_tb {
            let name = self.tbname.clone().unwrap_or_default();
            self.batch.table_names.push(Cow::Owned(name));
        }
        if n_tags > 0 {
            self.batch.tags.push(self.tags.clone().unwrap_or_default());
        }
        self.batch.cols.push(cols);
        Ok(())
    }

    /// Executes: inserts send the batch (plus a bound but not added entry), queries their
    /// parameters. Returns the rows written by this execution.
    pub fn execute(&mut self) -> Result<i64> {
        let p = self.prepared()?.clone();
        if let Err(e) = self.check_single_complete() {
            self.batch = Stmt2Bind::default();
            self.cols.clear();
            return Err(e);
        }
        let bind = if p.is_insert {
            if self.cols.iter().any(Option::is_some) {
                self.add_batch()?;
            }
            let b = std::mem::take(&mut self.batch);
            if b.count() == 0 {
                return Err(usage("no data bound before execute"));
            }
            Some(b)
        } else if p.fields_count > 0 {
            let cols = self.take_columns()?;
            Some(Stmt2Bind {
                table_names: Vec::new(),
                tags: Vec::new(),
                cols: vec![cols],
            })
        } else {
            None
        };
        let r = (|| {
            if let Some(b) = bind {
                self.inner.bind(b, -1)?;
            }
            self.inner.exec()
        })();
        // A failed batch is not retried with the next execute.
        self.batch = Stmt2Bind::default();
        self.cols.clear();
        let n = r?;
        self.affected_once = n;
        self.affected_total += n;
        Ok(n)
    }

    /// Rows written by all executions.
    pub fn affected_rows(&self) -> i64 {
        self.affected_total
    }

    /// Rows written by the last execution.
    pub fn affected_rows_once(&self) -> i64 {
        self.affected_once
    }

    /// The result of an executed query.
    pub fn result(&mut self) -> Result<QueryResult> {
        let p = self.prepared()?;
        if p.is_insert {
            return Err(usage("use_result is only for query statements"));
        }
        self.inner.result()
    }

    /// Closes the statement on the server.
    pub fn close(&mut self) -> Result<()> {
        self.inner.close()
    }

    /// The underlying stmt2 (field metadata).
    pub fn stmt2(&self) -> &Stmt2 {
        &self.inner
    }

    /// True when the SQL has a table-name placeholder.
    pub fn has_tbname(&self) -> bool {
        self.inner
            .prepared()
            .is_some_and(|p| p.fields.iter().any(|f| f.bind_type == BIND_TYPE_TBNAME))
    }
}

/// Appends the rows of `b` to `a` (same buffer type).
pub fn concat(a: &Stmt2Field<'_>, b: &Stmt2Field<'_>) -> Result<Stmt2Field<'static>> {
    if a.buffer_type != b.buffer_type {
        return Err(err(
            codes::TSDB_CODE_TSC_INVALID_OPERATION,
            "column type mis-match with buffer type",
        ));
    }
    let mut cells = a.cells()?;
    cells.extend(b.cells()?);
    match taos_wire::stmt2::fixed_bind_size(a.buffer_type) {
        Some(size) if a.lengths.is_none() => Stmt2Field::fixed(a.buffer_type, size, &cells),
        _ => Ok(Stmt2Field::var(a.buffer_type, &cells)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_appends_rows() {
        let a = Stmt2Field::fixed(4, 4, &[Some(&1i32.to_le_bytes()[..])]).unwrap();
        let b = Stmt2Field::fixed(4, 4, &[None, Some(&2i32.to_le_bytes()[..])]).unwrap();
        let c = concat(&a, &b).unwrap();
        assert_eq!(c.num, 3);
        assert_eq!(
            c.cells().unwrap(),
            vec![
                Some(&1i32.to_le_bytes()[..]),
                None,
                Some(&2i32.to_le_bytes()[..])
            ]
        );
        let v = concat(
            &Stmt2Field::var(8, &[Some(b"x")]),
            &Stmt2Field::var(8, &[None]),
        )
        .unwrap();
        assert_eq!(v.cells().unwrap(), vec![Some(&b"x"[..]), None]);
        assert!(concat(&a, &Stmt2Field::var(8, &[None])).is_err());
    }
}
