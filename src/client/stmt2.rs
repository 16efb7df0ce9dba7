//! Stmt2 over the shared `/ws` socket (ws-stmt-sml-tmq.md §2): init, prepare, bind, exec,
//! result, close.
//!
//! Binds go out as `stmt2_bind` frames (binary action 9) followed by `stmt2_exec`, as the
//! official client does. On servers from [`BIND_EXEC_SINCE`] on, whole-column inserts are
//! instead kept client-side until exec and sent as one `stmt2_bind_exec` frame (action 11,
//! §2.6): one round trip per batch instead of two. A server that turns action 11 down as
//! unknown/unsupported makes the statement fall back to 9 + exec for good.
use super::connection::parse_version;
use super::result::ResultMeta;
use super::{err, Connection, Error, FieldInfo, QueryResult, Result};
use crate::transport::{Outgoing, Reply};
use serde::de::DeserializeOwned;
use std::borrow::Cow;
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
    /// Placeholders in `?` order (empty for queries).
    pub fields: Vec<Stmt2FieldInfo>,
    /// Number of placeholders.
    pub fields_count: i32,
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

    /// `stmt2_prepare` with `get_fields: true`; forgets binds not yet executed.
    pub fn prepare(&mut self, sql: &str) -> Result<&Prepared> {
        self.check_open()?;
        self.pending.clear();
        self.prepared = None;
        let (id, sql) = (self.id, sql.to_string());
        let r: Stmt2PrepareReply = self.conn.call_json("stmt2_prepare", 0, move |rid| {
            serde_json::json!({ "req_id": rid, "stmt_id": id, "sql": sql, "get_fields": true })
        })?;
        Ok(self.prepared.insert(Prepared {
            is_insert: r.is_insert,
            fields: r.fields.unwrap_or_default(),
            fields_count: r.fields_count,
        }))
    }

    /// What the last successful prepare returned.
    pub fn prepared(&self) -> Option<&Prepared> {
        self.prepared.as_ref()
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
            .ok_or_else(|| usage("bind before prepare"))?;
        if bind.count() == 0 {
            return Err(err(codes::TSDB_CODE_INVALID_PARA, "stmt2 bind of 0 tables"));
        }
        if self.bind_exec && col_idx == -1 && p.is_insert {
            // Checked now so shape errors surface at bind time as with action 9.
            check_shape(p, &bind)?;
            self.pending.push(bind);
            return Ok(());
        }
        self.flush_pending()?;
        self.send_bind(&bind, col_idx)
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
            return Err(usage("exec before prepare"));
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
            let id = self.id;
            self.conn
                .link()
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
    }
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
    fn unsupported_detection() {
        assert!(bind_exec_unsupported(&Error::adapter(
            "unknown binary action 11"
        )));
        assert!(!bind_exec_unsupported(&Error::adapter(
            "column 1 data length error"
        )));
    }
}
