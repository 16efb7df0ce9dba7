//! Stmt2 over the shared `/ws` socket (ws-stmt-sml-tmq.md §2): init, prepare, bind, exec,
//! result, close.
//!
//! Binds go out as `stmt2_bind` frames (binary action 9) followed by `stmt2_exec`, as the
//! official client does. On servers from [`BIND_EXEC_SINCE`] on, whole-column inserts are
//! instead kept client-side until exec and sent as one `stmt2_bind_exec` frame (action 11,
//! §2.6): one round trip per batch instead of two. A server that turns action 11 down as
//! unknown/unsupported makes the statement fall back to 9 + exec for good.
//!
//! `INSERT INTO ? VALUES (...)` without `USING` has no columns until a table is named: the
//! server cannot describe it at prepare (`TSC_STMT_TBNAME_ERROR`), so it is prepared without
//! fields, bound with the caller's own types (counted from its `?`), always sent as action
//! 9, and each bound table is described on request by preparing the SQL with the name in
//! place on a second statement ([`Stmt2::table_fields`]).
use super::connection::parse_version;
use super::result::ResultMeta;
use super::{err, Connection, Error, FieldInfo, QueryResult, Result};
use crate::transport::{Outgoing, Reply};
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use std::collections::HashMap;
use taos_wire::error::codes;
use taos_wire::json::stmt2::{
    Stmt2ExecReply, Stmt2FieldInfo, Stmt2IdReply, Stmt2PrepareReply, Stmt2ResultReply,
    BIND_TYPE_COL, BIND_TYPE_TAG, BIND_TYPE_TBNAME,
};
use taos_wire::json::{self, ErrorReply};
use taos_wire::stmt2::{encode_stmt2_bind, encode_stmt2_bind_exec, Stmt2Bind, Stmt2Field};
use taos_wire::types::TSDB_DATA_TYPE_VARCHAR;

/// First server version on which `stmt2_bind_exec` (action 11) is tried. How clients should
/// detect support is not documented (ws-stmt-sml-tmq.md §2.6); 3.3.6.0 is the version of the
/// adapters this library targets, and a server that answers "unknown binary action" (or
/// "not supported") makes the statement fall back to 9 + exec, so a too-low gate costs one
/// extra round trip per statement, never a failure.
pub const BIND_EXEC_SINCE: [u32; 4] = [3, 3, 6, 0];

/// Options of `stmt2_init` (`TAOS_STMT2_OPTION` without the async callback).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stmt2Options {
    /// Request id of `stmt2_init` (0 = generated).
    pub req_id: u64,
    /// All bound tables belong to one super table.
    pub single_stb_insert: bool,
    /// Each table is bound at most once per exec.
    pub single_table_bind_once: bool,
}

/// What `stmt2_prepare` said about the statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prepared {
    /// True for INSERT statements.
    pub is_insert: bool,
    /// Placeholders in `?` order (empty for queries). For a [`LateTable`] insert: the table
    /// name, then one column placeholder of unknown type (`field_type` 0) per `?`.
    pub fields: Vec<Stmt2FieldInfo>,
    /// Number of placeholders.
    pub fields_count: i32,
    /// Set for `INSERT INTO ? VALUES (...)` without `USING`: its columns are those of the
    /// table bound, unknown until then.
    pub late_table: Option<LateTable>,
}

/// The SQL of an `INSERT INTO ? VALUES (...)` around its table placeholder, to describe the
/// columns of a bound table with `before + name + after`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LateTable {
    /// SQL text before the table's `?`.
    pub before: String,
    /// SQL text after the table's `?`.
    pub after: String,
}

impl Prepared {
    /// Placeholders of one bind type (`BIND_TYPE_*`), in order.
    pub fn of_type(&self, bind_type: i8) -> impl Iterator<Item = &Stmt2FieldInfo> {
        self.fields.iter().filter(move |f| f.bind_type == bind_type)
    }

    /// True when the SQL has a `?` for the table name.
    pub fn has_tbname(&self) -> bool {
        self.of_type(BIND_TYPE_TBNAME).next().is_some()
    }

    /// True for `INSERT INTO ? VALUES (...)` without `USING` (see [`LateTable`]).
    pub fn is_late(&self) -> bool {
        self.late_table.is_some()
    }
}

/// The placeholder of the table name as TDengine describes it (`TAOS_FIELD_TBNAME`).
pub fn tbname_field() -> Stmt2FieldInfo {
    Stmt2FieldInfo {
        name: "tbname".into(),
        field_type: TSDB_DATA_TYPE_VARCHAR as i8,
        bytes: 271,
        bind_type: BIND_TYPE_TBNAME,
        ..Default::default()
    }
}

/// Splits `sql` at its first `?` outside quotes (the table placeholder of an
/// `INSERT INTO ? VALUES`) and counts every `?` outside quotes. `None` without any `?`.
pub fn split_table_mark(sql: &str) -> Option<(LateTable, usize)> {
    let mut first = None;
    let mut marks = 0usize;
    let mut quote: Option<char> = None;
    let mut chars = sql.char_indices();
    while let Some((i, c)) = chars.next() {
        match quote {
            // A backslash escapes the next character inside '...' and "..." strings.
            Some(q) if c == '\\' && q != '`' => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '\'' | '"' | '`') => quote = Some(c),
            None if c == '?' => {
                marks += 1;
                first.get_or_insert(i);
            }
            None => {}
        }
    }
    let at = first?;
    let late = LateTable {
        before: sql[..at].to_string(),
        after: sql[at + 1..].to_string(),
    };
    Some((late, marks))
}

/// A stmt2 statement on a connection. Not thread-safe by itself (the C handle wraps it in
/// a mutex). Dropping it closes the statement on the server without waiting.
pub struct Stmt2 {
    conn: Connection,
    id: u64,
    prepared: Option<Prepared>,
    /// Whole-column insert binds kept for one `stmt2_bind_exec` (bind-exec mode only).
    pending: Vec<Stmt2Bind<'static>>,
    bind_exec: bool,
    closed: bool,
    /// Columns bound one at a time (`col_idx` >= 0) for the table being built.
    partial: Option<Partial>,
    /// `single_stb_insert` of the options (native refuses single-column binds then).
    single_stb: bool,
    /// The last prepare had an empty SQL text (accepted, as native; binds then fail).
    empty_sql: bool,
    /// Late-table inserts: fields (table name first) of each table described so far.
    tables: HashMap<Vec<u8>, Vec<Stmt2FieldInfo>>,
    /// The table named by the last successful bind (what `get_fields` describes).
    last_table: Option<Vec<u8>>,
    /// Server id of the statement used to describe late-table inserts' tables.
    scratch: Option<u64>,
}

/// One table's columns bound one at a time, until the last column completes it.
#[derive(Debug, Default)]
struct Partial {
    table_name: Option<Vec<u8>>,
    tags: Option<Vec<Stmt2Field<'static>>>,
    cols: Vec<Stmt2Field<'static>>,
}

/// One table of a single-column bind (`taos_stmt2_bind_param` with `col_idx` >= 0).
#[derive(Debug, Clone)]
pub struct SingleColumn {
    /// Table name (inserts with a `?` table name; `None` keeps the one set before).
    pub table_name: Option<Vec<u8>>,
    /// Tags (`None` keeps the ones set before).
    pub tags: Option<Vec<Stmt2Field<'static>>>,
    /// The values of the bound column.
    pub col: Stmt2Field<'static>,
}

impl std::fmt::Debug for Stmt2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stmt2")
            .field("id", &self.id)
            .field("prepared", &self.prepared)
            .finish()
    }
}

fn usage(msg: &str) -> Error {
    err(
        codes::TSDB_CODE_TSC_STMT_API_ERROR,
        format!("Stmt API usage error: {msg}"),
    )
}

/// Decodes a JSON reply frame, turning a non-zero `code` into the error.
fn decode_text<T: DeserializeOwned>(r: std::result::Result<Reply, Error>) -> Result<T> {
    let bytes = match r? {
        Reply::Text(t) => t,
        Reply::Binary(_) => {
            return Err(err(codes::TSDB_CODE_INVALID_MSG, "unexpected binary reply"));
        }
    };
    let s = std::str::from_utf8(&bytes)
        .map_err(|_| err(codes::TSDB_CODE_INVALID_MSG, "server reply is not UTF-8"))?;
    let common: ErrorReply = json::parse_reply(s)?;
    if let Some(e) = common.error() {
        return Err(e);
    }
    json::parse_reply(s)
}

/// True when the server refused action 11 itself (old adapter or TDengine client).
fn bind_exec_unsupported(e: &Error) -> bool {
    let m = e.message.to_ascii_lowercase();
    m.contains("unknown binary action")
        || m.contains("not supported")
        || m.contains("not available")
}

impl Stmt2 {
    /// `stmt2_init` on `conn`.
    pub fn init(conn: &Connection, opts: &Stmt2Options) -> Result<Stmt2> {
        let o = *opts;
        let r: Stmt2IdReply = conn.call_json("stmt2_init", o.req_id, move |rid| {
            serde_json::json!({
                "req_id": rid,
                "single_stb_insert": o.single_stb_insert,
                "single_table_bind_once": o.single_table_bind_once,
            })
        })?;
        Ok(Stmt2 {
            conn: conn.clone(),
            id: r.stmt_id,
            prepared: None,
            pending: Vec::new(),
            bind_exec: parse_version(conn.server_version()) >= BIND_EXEC_SINCE,
            closed: false,
            partial: None,
            single_stb: o.single_stb_insert,
            empty_sql: false,
            tables: HashMap::new(),
            last_table: None,
            scratch: None,
        })
    }

    /// The server's statement id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The connection the statement lives on.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Turns the `stmt2_bind_exec` path on or off (tests; falls back automatically).
    pub fn set_bind_exec(&mut self, on: bool) {
        self.bind_exec = on;
    }

    /// True while binds of whole-column inserts go out as `stmt2_bind_exec`.
    pub fn bind_exec_enabled(&self) -> bool {
        self.bind_exec
    }

    fn check_open(&self) -> Result<()> {
        if self.closed {
            return Err(usage("statement is closed"));
        }
        Ok(())
    }

    /// `stmt2_prepare` of `sql` on statement `id`.
    fn prepare_on(&self, id: u64, sql: &str, get_fields: bool) -> Result<Stmt2PrepareReply> {
        let sql = sql.to_string();
        self.conn.call_json("stmt2_prepare", 0, move |rid| {
            serde_json::json!({ "req_id": rid, "stmt_id": id, "sql": sql, "get_fields": get_fields })
        })
    }

    /// `stmt2_prepare` with `get_fields: true`; forgets binds not yet executed.
    ///
    /// `INSERT INTO ? VALUES (...)` without `USING` cannot be described before a table is
    /// bound: the server answers `TSDB_CODE_TSC_STMT_TBNAME_ERROR` (TDengine's
    /// `taos_stmt2_get_fields` does the same). The SQL is then prepared again without
    /// fields, and the statement takes its columns from each bound table ([`LateTable`]).
    pub fn prepare(&mut self, sql: &str) -> Result<&Prepared> {
        self.check_open()?;
        self.pending.clear();
        self.partial = None;
        self.prepared = None;
        self.empty_sql = false;
        self.tables.clear();
        self.last_table = None;
        let p = match self.prepare_on(self.id, sql, true) {
            Ok(r) => Prepared {
                is_insert: r.is_insert,
                fields: r.fields.unwrap_or_default(),
                fields_count: r.fields_count,
                late_table: None,
            },
            Err(e) if e.code == codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR => {
                self.prepare_late(sql).ok_or(e)??
            }
            Err(e) => return Err(e),
        };
        Ok(self.prepared.insert(p))
    }

    /// The prepare of a late-table insert (`None`: not one; the original error stands).
    fn prepare_late(&self, sql: &str) -> Option<Result<Prepared>> {
        let (late, marks) = split_table_mark(sql)?;
        let r = match self.prepare_on(self.id, sql, false) {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        if !r.is_insert {
            return None;
        }
        let unknown_col = Stmt2FieldInfo {
            bind_type: BIND_TYPE_COL,
            ..Default::default()
        };
        let mut fields = vec![tbname_field()];
        fields.extend(std::iter::repeat_n(unknown_col, marks - 1));
        Some(Ok(Prepared {
            is_insert: true,
            fields_count: marks as i32,
            fields,
            late_table: Some(late),
        }))
    }

    /// The placeholders of the prepared statement as bound for table `name`: for a
    /// late-table insert the table name and the table's columns, learnt once per table by
    /// preparing the SQL with the name in place on a second statement (an unknown table
    /// fails here, e.g. `TSDB_CODE_PAR_TABLE_NOT_EXIST`); otherwise the prepared fields.
    pub fn table_fields(&mut self, name: &[u8]) -> Result<Vec<Stmt2FieldInfo>> {
        self.check_open()?;
        let p = self
            .prepared
            .as_ref()
            .ok_or_else(|| self.not_prepared("describe"))?;
        let Some(late) = p.late_table.as_ref() else {
            return Ok(p.fields.clone());
        };
        if let Some(f) = self.tables.get(name) {
            return Ok(f.clone());
        }
        let table = std::str::from_utf8(name).map_err(|_| {
            err(
                codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
                "Stmt table name is not valid UTF-8",
            )
        })?;
        let sql = format!("{}{table}{}", late.before, late.after);
        let scratch = match self.scratch {
            Some(id) => id,
            None => {
                let opts = Stmt2Options::default();
                let r: Stmt2IdReply = self.conn.call_json("stmt2_init", 0, move |rid| {
                    serde_json::json!({ "req_id": rid, "single_stb_insert": opts.single_stb_insert,
                        "single_table_bind_once": opts.single_table_bind_once })
                })?;
                *self.scratch.insert(r.stmt_id)
            }
        };
        let r = self.prepare_on(scratch, &sql, true)?;
        let mut fields = vec![tbname_field()];
        fields.extend(r.fields.unwrap_or_default());
        self.tables.insert(name.to_vec(), fields.clone());
        Ok(fields)
    }

    /// Fields of `name` if already described ([`Stmt2::table_fields`]), without a round trip.
    pub fn known_table_fields(&self, name: &[u8]) -> Option<&[Stmt2FieldInfo]> {
        self.tables.get(name).map(Vec::as_slice)
    }

    /// What `taos_stmt2_get_fields` describes: the prepared placeholders, or for a
    /// late-table insert those of the table bound last (`TSDB_CODE_TSC_STMT_TBNAME_ERROR`
    /// before any, as TDengine).
    pub fn describe(&mut self) -> Result<Vec<Stmt2FieldInfo>> {
        let p = self
            .prepared
            .as_ref()
            .ok_or_else(|| self.not_prepared("get_fields"))?;
        if !p.is_late() {
            return Ok(p.fields.clone());
        }
        let Some(name) = self.last_table.clone() else {
            return Err(err(
                codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
                "Stmt table name not set: the columns of INSERT INTO ? VALUES are those of \
                 the table bound, and none is bound yet",
            ));
        };
        self.table_fields(&name)
    }

    /// What the last successful prepare returned.
    pub fn prepared(&self) -> Option<&Prepared> {
        self.prepared.as_ref()
    }

    /// Accepts an empty SQL text as native 3.3.6 does (`taos_stmt2_prepare(stmt, "", 0)`
    /// returns 0, nothing is sent); every later call that needs a statement fails with
    /// [`Stmt2::not_prepared`].
    pub fn prepare_empty(&mut self) -> Result<()> {
        self.check_open()?;
        self.pending.clear();
        self.partial = None;
        self.prepared = None;
        self.empty_sql = true;
        Ok(())
    }

    /// True when the last prepare was of an empty SQL text ([`Stmt2::prepare_empty`]).
    pub fn prepared_empty(&self) -> bool {
        self.empty_sql
    }

    /// The error for a call that needs a prepared statement (`what`, e.g. "bind").
    pub fn not_prepared(&self, what: &str) -> Error {
        if self.empty_sql {
            err(
                codes::TSDB_CODE_PAR_INCOMPLETE_SQL,
                format!("Incomplete SQL statement: {what} after preparing an empty SQL"),
            )
        } else {
            usage(&format!("{what} before prepare"))
        }
    }

    fn send_bind(&self, bind: &Stmt2Bind<'_>, col_idx: i32) -> Result<()> {
        let frame = encode_stmt2_bind(0, self.id, col_idx, bind)?;
        decode_text::<Stmt2IdReply>(self.send_binary(frame)).map(|_| ())
    }

    /// Sends a binary request encoded with req_id 0; the link's id is patched in.
    fn send_binary(&self, mut frame: Vec<u8>) -> std::result::Result<Reply, Error> {
        self.conn.link().call(0, None, move |rid| {
            if let Some(h) = frame.get_mut(0..8) {
                h.copy_from_slice(&rid.to_le_bytes());
            }
            Outgoing::Binary(frame)
        })
    }

    /// Binds tables/tags/columns (`col_idx` -1 = every column, else that column only).
    pub fn bind(&mut self, bind: Stmt2Bind<'static>, col_idx: i32) -> Result<()> {
        self.check_open()?;
        let p = self
            .prepared
            .as_ref()
            .ok_or_else(|| self.not_prepared("bind"))?;
        if bind.count() == 0 {
            return Err(err(codes::TSDB_CODE_INVALID_PARA, "stmt2 bind of 0 tables"));
        }
        let last = bind.table_names.last().map(|n| n.to_vec());
        // Tables without columns (name and tags only) and late-table inserts (columns of
        // each table's own types) have no row-flattened form: they go out as action 9.
        let columnar = !p.is_late() && (0..bind.count()).all(|t| has_columns(&bind, t));
        if self.bind_exec && col_idx == -1 && p.is_insert && columnar {
            // Checked now so shape errors surface at bind time as with action 9.
            check_shape(p, &bind)?;
            self.pending.push(bind);
        } else {
            self.flush_pending()?;
            for part in split_by_columns(bind) {
                self.send_bind(&part, col_idx)?;
            }
        }
        if last.is_some() {
            self.last_table = last;
        }
        Ok(())
    }

    /// Binds column `col_idx` of one table (`taos_stmt2_bind_param` with `col_idx` >= 0),
    /// with native TDengine's rules: not with `single_stb_insert` on a `?` table insert;
    /// columns in order 0, 1, ... (0 starts a table); every column with column 0's row
    /// count and, for inserts, exactly the declared type. The columns are kept until the
    /// last one arrives; the table is then bound as a whole (so it goes out with the other
    /// tables in one `stmt2_bind_exec` when the server allows). Exec with a table whose
    /// columns are not all bound fails.
    pub fn bind_single(&mut self, one: SingleColumn, col_idx: usize) -> Result<()> {
        self.check_open()?;
        let p = self
            .prepared
            .as_ref()
            .ok_or_else(|| self.not_prepared("bind"))?;
        let invalid_op = |m: &str| err(codes::TSDB_CODE_TSC_INVALID_OPERATION, m);
        if p.is_insert && self.single_stb && p.has_tbname() {
            return Err(usage(
                "bind single column not allowed in stb insert mode (singleStbInsert)",
            ));
        }
        let n = if p.is_insert {
            p.of_type(BIND_TYPE_COL).count()
        } else {
            p.fields_count.max(0) as usize
        };
        if col_idx >= n {
            return Err(invalid_op(&format!(
                "column index {col_idx} exceeds the number of columns ({n})"
            )));
        }
        let bound = self.partial.as_ref().map_or(0, |x| x.cols.len());
        if col_idx != bound {
            return Err(usage(&format!(
                "bind column index not in sequence: got {col_idx}, expected {bound}"
            )));
        }
        if !p.is_insert && one.col.num != 1 {
            return Err(err(
                codes::TSDB_CODE_INVALID_PARA,
                "only one row data allowed for query",
            ));
        }
        let declared = p.of_type(BIND_TYPE_COL).nth(col_idx).map(|f| f.field_type);
        // Type 0: a late-table insert's column, checked by the server against the table.
        if let Some(ty) = declared.filter(|&t| t != 0) {
            if one.col.buffer_type != ty as i32 {
                return Err(invalid_op("column type mis-match with buffer type"));
            }
        }
        let part = self.partial.get_or_insert_with(Partial::default);
        if let Some(first) = part.cols.first() {
            if one.col.num != first.num {
                return Err(invalid_op(
                    "row number in each bind param should be the same",
                ));
            }
            if one.table_name.is_some() && one.table_name != part.table_name {
                return Err(usage("the table changed before all its columns were bound"));
            }
        }
        if one.table_name.is_some() {
            part.table_name = one.table_name;
        }
        if one.tags.is_some() {
            part.tags = one.tags;
        }
        part.cols.push(one.col);
        if part.cols.len() < n {
            return Ok(());
        }
        let part = self.partial.take().unwrap_or_default();
        let whole = Stmt2Bind {
            table_names: part.table_name.map(Cow::Owned).into_iter().collect(),
            tags: part.tags.into_iter().collect(),
            cols: vec![part.cols],
        };
        self.bind(whole, -1)
    }

    /// Sends kept binds as `stmt2_bind` frames.
    fn flush_pending(&mut self) -> Result<()> {
        let pending = std::mem::take(&mut self.pending);
        for b in &pending {
            self.send_bind(b, -1)?;
        }
        Ok(())
    }

    fn exec_json(&self) -> Result<i64> {
        let id = self.id;
        let r: Stmt2ExecReply = self.conn.call_json(
            "stmt2_exec",
            0,
            move |rid| serde_json::json!({ "req_id": rid, "stmt_id": id }),
        )?;
        Ok(r.affected)
    }

    fn bind_exec_frame(&self) -> Result<i64> {
        let p = self
            .prepared
            .as_ref()
            .ok_or_else(|| usage("exec before prepare"))?;
        let (fields, table_count) = flatten(p, &self.pending)?;
        let frame = encode_stmt2_bind_exec(0, self.id, table_count, &fields)?;
        let r = self.send_binary(frame);
        decode_text::<Stmt2ExecReply>(r).map(|r| r.affected)
    }

    /// Executes what was bound; returns the rows written (0 for queries).
    pub fn exec(&mut self) -> Result<i64> {
        self.check_open()?;
        if self.prepared.is_none() {
            return Err(self.not_prepared("exec"));
        }
        if let Some(part) = self.partial.take() {
            self.pending.clear();
            return Err(usage(&format!(
                "not every column is bound: {} bound one at a time, the statement has more",
                part.cols.len()
            )));
        }
        if !self.pending.is_empty() {
            match self.bind_exec_frame() {
                Ok(n) => {
                    self.pending.clear();
                    return Ok(n);
                }
                Err(e) if bind_exec_unsupported(&e) => {
                    self.bind_exec = false;
                    self.flush_pending()?;
                }
                Err(e) => {
                    self.pending.clear();
                    return Err(e);
                }
            }
        }
        self.exec_json()
    }

    /// The result set of an executed query (`stmt2_result`), read with `fetch_raw_block`.
    pub fn result(&mut self) -> Result<QueryResult> {
        self.check_open()?;
        let id = self.id;
        let r: Stmt2ResultReply = self.conn.call_json(
            "stmt2_result",
            0,
            move |rid| serde_json::json!({ "req_id": rid, "stmt_id": id }),
        )?;
        let names = r.fields_names.unwrap_or_default();
        let types = r.fields_types.unwrap_or_default();
        let lens = r.fields_lengths.unwrap_or_default();
        if types.len() != names.len() || lens.len() != names.len() {
            return Err(err(
                codes::TSDB_CODE_INVALID_MSG,
                "stmt2_result reply: inconsistent field arrays",
            ));
        }
        let precs = r.fields_precisions.unwrap_or_default();
        let scales = r.fields_scales.unwrap_or_default();
        let fields = names
            .into_iter()
            .enumerate()
            .map(|(i, name)| FieldInfo {
                name,
                ty: types[i],
                bytes: lens[i],
                precision: precs.get(i).copied().unwrap_or(0).clamp(0, 255) as u8,
                scale: scales.get(i).copied().unwrap_or(0).clamp(0, 255) as u8,
            })
            .collect();
        let meta = ResultMeta {
            id: r.id,
            is_update: false,
            affected_rows: 0,
            fields,
            precision: r.precision.clamp(0, 255) as u8,
        };
        // Stmt results are always read with fetch_raw_block (§2.5), whatever the version.
        Ok(QueryResult::start(
            self.conn.link().clone(),
            meta,
            r.req_id,
            false,
        ))
    }

    /// `stmt2_close` (idempotent; waits for the reply).
    pub fn close(&mut self) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        self.closed = true;
        self.pending.clear();
        self.partial = None;
        if let Some(sid) = self.scratch.take() {
            // Best effort: the main statement's close below is what the caller waits for.
            let _: Result<Stmt2IdReply> = self.conn.call_json(
                "stmt2_close",
                0,
                move |rid| serde_json::json!({ "req_id": rid, "stmt_id": sid }),
            );
        }
        let id = self.id;
        let _: Stmt2IdReply = self.conn.call_json(
            "stmt2_close",
            0,
            move |rid| serde_json::json!({ "req_id": rid, "stmt_id": id }),
        )?;
        Ok(())
    }
}

impl Drop for Stmt2 {
    fn drop(&mut self) {
        if !self.closed && self.conn.is_alive() {
            for id in std::iter::once(self.id).chain(self.scratch.take()) {
                close_detached(&self.conn, id);
            }
        }
    }
}

/// Sends `stmt2_close` for `id` without waiting for the reply.
fn close_detached(conn: &Connection, id: u64) {
    conn.link()
        .request(0, None, None, Box::new(|_| {}), move |rid| {
            Outgoing::Text(
                json::Envelope::new(
                    "stmt2_close",
                    serde_json::json!({ "req_id": rid, "stmt_id": id }),
                )
                .to_json()
                .into_bytes(),
            )
        });
}

/// True when table `t` of `b` has column blocks (else it only names a table / binds tags).
fn has_columns(b: &Stmt2Bind<'_>, t: usize) -> bool {
    b.cols.get(t).is_some_and(|c| !c.is_empty())
}

/// Splits a bind into runs of consecutive tables that all have columns or all have none,
/// as one `stmt2_bind` frame carries one column count for every table (TDengine skips a
/// table whose `bind_cols` entry is NULL; such runs go out without a column section).
pub fn split_by_columns(b: Stmt2Bind<'static>) -> Vec<Stmt2Bind<'static>> {
    let n = b.count();
    if (0..n).all(|t| has_columns(&b, t)) {
        return vec![b];
    }
    let flags: Vec<bool> = (0..n).map(|t| has_columns(&b, t)).collect();
    let Stmt2Bind {
        table_names,
        tags,
        cols,
    } = b;
    let (mut names, mut tags, mut cols) =
        (table_names.into_iter(), tags.into_iter(), cols.into_iter());
    let mut out: Vec<Stmt2Bind<'static>> = Vec::new();
    for (t, &with_cols) in flags.iter().enumerate() {
        if t == 0 || flags[t - 1] != with_cols {
            out.push(Stmt2Bind::default());
        }
        let Some(run) = out.last_mut() else { break };
        run.table_names.extend(names.next());
        run.tags.extend(tags.next());
        let c = cols.next();
        if with_cols {
            run.cols.extend(c);
        }
    }
    out
}

/// One flattened placeholder: its buffer type once known, and its per-row cells.
type FlatColumn<'a> = (Option<i32>, Vec<Option<&'a [u8]>>);

/// Turns whole-column insert binds into the row-flattened field list of `stmt2_bind_exec`
/// (every placeholder in prepare order, one value per row; table name and tags repeated
/// on each row of their table). Returns the fields and the number of table runs.
pub fn flatten<'a>(
    p: &Prepared,
    binds: &'a [Stmt2Bind<'_>],
) -> Result<(Vec<Stmt2Field<'static>>, u32)> {
    let bad = |m: String| err(codes::TSDB_CODE_INVALID_PARA, m);
    let n_tags = p.of_type(BIND_TYPE_TAG).count();
    let n_cols = p.of_type(BIND_TYPE_COL).count();
    let has_tb = p.has_tbname();
    // Per placeholder: the bound buffer type (VARCHAR for the table name) and per-row cells.
    let mut cells: Vec<FlatColumn<'a>> = p
        .fields
        .iter()
        .map(|f| {
            let ty = (f.bind_type == BIND_TYPE_TBNAME).then_some(TSDB_DATA_TYPE_VARCHAR as i32);
            (ty, Vec::new())
        })
        .collect();
    let set_type = |slot: &mut Option<i32>, ty: i32| -> Result<()> {
        match *slot {
            Some(t) if t != ty => Err(err(
                codes::TSDB_CODE_TSC_INVALID_OPERATION,
                "column type mis-match with buffer type",
            )),
            _ => {
                *slot = Some(ty);
                Ok(())
            }
        }
    };
    let mut table_runs = 0u32;
    let mut last_name: Option<&[u8]> = None;
    for b in binds {
        for t in 0..b.count() {
            let cols = b.cols.get(t).map(Vec::as_slice).unwrap_or(&[]);
            if cols.len() != n_cols {
                return Err(bad(format!(
                    "table {t}: {} columns bound, the statement has {n_cols}",
                    cols.len()
                )));
            }
            let tags = b.tags.get(t).map(Vec::as_slice).unwrap_or(&[]);
            if tags.len() != n_tags {
                return Err(bad(format!(
                    "table {t}: {} tags bound, the statement has {n_tags}",
                    tags.len()
                )));
            }
            let name: Option<&'a [u8]> = b.table_names.get(t).map(|n| &n[..]);
            if has_tb && name.is_none() {
                return Err(err(
                    codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
                    "Stmt table name not set",
                ));
            }
            let rows = cols.first().map_or(0, |c| c.num.max(0) as usize);
            if rows == 0 {
                return Err(bad(format!("table {t}: no rows bound")));
            }
            if name != last_name || table_runs == 0 {
                table_runs += 1;
                last_name = name;
            }
            let (mut ti, mut ci) = (0, 0);
            for (k, f) in p.fields.iter().enumerate() {
                let (slot, dst) = &mut cells[k];
                match f.bind_type {
                    BIND_TYPE_TBNAME => dst.extend(std::iter::repeat_n(name, rows)),
                    BIND_TYPE_TAG => {
                        let v = tags[ti].cells()?;
                        set_type(slot, tags[ti].buffer_type)?;
                        ti += 1;
                        let one = v.first().copied().flatten();
                        dst.extend(std::iter::repeat_n(one, rows));
                    }
                    _ => {
                        let c = &cols[ci];
                        set_type(slot, c.buffer_type)?;
                        ci += 1;
                        if c.num.max(0) as usize != rows {
                            return Err(bad(format!(
                                "table {t}: columns have different row counts"
                            )));
                        }
                        dst.extend(c.cells()?);
                    }
                }
            }
        }
    }
    let mut out = Vec::with_capacity(cells.len());
    for (ty, refs) in cells {
        let ty = ty.unwrap_or(TSDB_DATA_TYPE_VARCHAR as i32);
        let f = match taos_wire::stmt2::fixed_bind_size(ty) {
            Some(size) => Stmt2Field::fixed(ty, size, &refs)?,
            None => Stmt2Field::var(ty, &refs),
        };
        out.push(f);
    }
    Ok((out, table_runs.max(1)))
}

/// The checks of [`flatten`] that need no copy: per table the tag and column counts, the
/// table name, and one row count for every column.
pub fn check_shape(p: &Prepared, b: &Stmt2Bind<'_>) -> Result<()> {
    let bad = |m: String| err(codes::TSDB_CODE_INVALID_PARA, m);
    let n_tags = p.of_type(BIND_TYPE_TAG).count();
    let n_cols = p.of_type(BIND_TYPE_COL).count();
    for t in 0..b.count() {
        let cols = b.cols.get(t).map(Vec::as_slice).unwrap_or(&[]);
        let tags = b.tags.get(t).map(Vec::as_slice).unwrap_or(&[]);
        if cols.len() != n_cols || tags.len() != n_tags {
            return Err(bad(format!(
                "table {t}: {} tags and {} columns bound, the statement has {n_tags} and {n_cols}",
                tags.len(),
                cols.len()
            )));
        }
        if p.has_tbname() && b.table_names.get(t).is_none() {
            return Err(err(
                codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
                "Stmt table name not set",
            ));
        }
        let rows = cols.first().map_or(0, |c| c.num);
        if rows <= 0 || cols.iter().any(|c| c.num != rows) || tags.iter().any(|t| t.num != 1) {
            return Err(bad(format!(
                "table {t}: columns need one row count > 0, tags one row each"
            )));
        }
    }
    Ok(())
}

/// An owned copy of a bind (for keeping it past the caller's buffers).
pub fn owned_bind(b: Stmt2Bind<'_>) -> Stmt2Bind<'static> {
    Stmt2Bind {
        table_names: b
            .table_names
            .into_iter()
            .map(|n| Cow::Owned(n.into_owned()))
            .collect(),
        tags: b
            .tags
            .into_iter()
            .map(|t| t.into_iter().map(Stmt2Field::into_owned).collect())
            .collect(),
        cols: b
            .cols
            .into_iter()
            .map(|t| t.into_iter().map(Stmt2Field::into_owned).collect())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, ty: i8, bind_type: i8) -> Stmt2FieldInfo {
        Stmt2FieldInfo {
            name: name.into(),
            field_type: ty,
            bind_type,
            ..Default::default()
        }
    }

    #[test]
    fn flatten_repeats_names_and_tags_per_row() {
        let p = Prepared {
            is_insert: true,
            fields: vec![
                field("tbname", 8, BIND_TYPE_TBNAME),
                field("gid", 4, BIND_TYPE_TAG),
                field("ts", 9, BIND_TYPE_COL),
                field("v", 8, BIND_TYPE_COL),
            ],
            fields_count: 4,
            late_table: None,
        };
        let ts = |a: i64, b: i64| {
            Stmt2Field::fixed(
                9,
                8,
                &[Some(&a.to_le_bytes()[..]), Some(&b.to_le_bytes()[..])],
            )
            .unwrap()
        };
        let bind = Stmt2Bind {
            table_names: vec![Cow::Borrowed(&b"d1"[..]), Cow::Borrowed(&b"d2"[..])],
            tags: vec![
                vec![Stmt2Field::fixed(4, 4, &[Some(&1i32.to_le_bytes()[..])]).unwrap()],
                vec![Stmt2Field::fixed(4, 4, &[None]).unwrap()],
            ],
            cols: vec![
                vec![ts(1, 2), Stmt2Field::var(8, &[Some(b"a"), None])],
                vec![ts(3, 4), Stmt2Field::var(8, &[Some(b"bc"), Some(b"d")])],
            ],
        };
        let (f, runs) = flatten(&p, &[bind]).unwrap();
        assert_eq!(runs, 2);
        assert_eq!(f.len(), 4);
        assert!(f.iter().all(|x| x.num == 4));
        let names: Vec<_> = f[0].cells().unwrap();
        assert_eq!(
            names,
            vec![Some(&b"d1"[..]), Some(b"d1"), Some(b"d2"), Some(b"d2")]
        );
        let tags = f[1].cells().unwrap();
        assert_eq!(tags[1], Some(&1i32.to_le_bytes()[..]));
        assert_eq!((tags[2], tags[3]), (None, None));
        let ts = f[2].cells().unwrap();
        assert_eq!(ts[3], Some(&4i64.to_le_bytes()[..]));
        let v = f[3].cells().unwrap();
        assert_eq!(v, vec![Some(&b"a"[..]), None, Some(b"bc"), Some(b"d")]);
    }

    #[test]
    fn flatten_rejects_missing_name_and_wrong_counts() {
        let p = Prepared {
            is_insert: true,
            fields: vec![
                field("tbname", 8, BIND_TYPE_TBNAME),
                field("ts", 9, BIND_TYPE_COL),
            ],
            fields_count: 2,
            late_table: None,
        };
        let one = Stmt2Field::fixed(9, 8, &[Some(&1i64.to_le_bytes()[..])]).unwrap();
        let no_name = Stmt2Bind {
            table_names: vec![],
            tags: vec![],
            cols: vec![vec![one.clone()]],
        };
        let e = flatten(&p, &[no_name]).unwrap_err();
        assert_eq!(e.code, codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR);
        let two_cols = Stmt2Bind {
            table_names: vec![Cow::Borrowed(&b"t"[..])],
            tags: vec![],
            cols: vec![vec![one.clone(), one]],
        };
        assert_eq!(
            flatten(&p, &[two_cols]).unwrap_err().code,
            codes::TSDB_CODE_INVALID_PARA
        );
    }

    #[test]
    fn table_mark_is_found_outside_quotes() {
        let (late, marks) = split_table_mark("insert into ? values (?, '?', ?)").unwrap();
        assert_eq!((late.before.as_str(), marks), ("insert into ", 3));
        assert_eq!(late.after, " values (?, '?', ?)");
        let (late, marks) =
            split_table_mark("insert into `a?`.? values ('it\\'s ?', \"?\", ?)").unwrap();
        assert_eq!((late.before.as_str(), marks), ("insert into `a?`.", 2));
        assert!(split_table_mark("insert into t values (1, '?')").is_none());
    }

    #[test]
    fn binds_split_where_columns_start_or_stop() {
        let one = Stmt2Field::fixed(9, 8, &[Some(&1i64.to_le_bytes()[..])]).unwrap();
        let name = |n: &'static [u8]| Cow::Borrowed(n);
        let b = Stmt2Bind {
            table_names: vec![name(b"a"), name(b"b"), name(b"c")],
            tags: vec![],
            cols: vec![vec![one.clone()], vec![], vec![one.clone()]],
        };
        let parts = split_by_columns(b);
        assert_eq!(parts.len(), 3);
        assert_eq!((parts[0].count(), parts[0].col_count()), (1, 1));
        assert_eq!(&*parts[1].table_names[0], b"b");
        assert!(parts[1].cols.is_empty());
        assert_eq!(&*parts[2].table_names[0], b"c");
        let whole = Stmt2Bind {
            table_names: vec![name(b"a"), name(b"b")],
            tags: vec![],
            cols: vec![vec![one.clone()], vec![one]],
        };
        assert_eq!(split_by_columns(whole.clone()), vec![whole]);
    }

    #[test]
    fn unsupported_detection() {
        assert!(bind_exec_unsupported(&Error::adapter(
            "unknown binary action 11"
        )));
        assert!(!bind_exec_unsupported(&Error::adapter(
            "column 1 data length error"
        )));
    }
}
