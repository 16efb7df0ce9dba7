//! Stmt2 actions (ws-stmt-sml-tmq.md §2): `stmt2_init`, `stmt2_prepare`, `stmt2_exec`,
//! `stmt2_result`, `stmt2_close`, binary `stmt2_bind` (9) and `stmt2_bind_exec` (11).

use std::time::Instant;

use serde::Deserialize;
use taos_wire::binary::{ClientHeader, ACTION_STMT2_BIND, ACTION_STMT2_BIND_EXEC};
use taos_wire::error::{codes, TaosError};
use taos_wire::json::stmt2 as j;
use taos_wire::stmt2::{
    parse_stmt2_bind_exec, parse_stmt2_bind_frame, parse_stmt2_bind_payload, Stmt2Bind, Stmt2Field,
};

use super::bind::cell::{decode, Cell};
use super::bind::exec::{self, types_for, Executed};
use super::bind::prepare::Param;
use super::bind::{Prepared, TableRows};
use super::envelope::nullable;
use super::reply::{json, timing_ns, Out};
use super::session::{Handled, TextRequest, WsSession};

#[derive(Deserialize, Default)]
#[serde(default)]
struct InitArgs {
    #[serde(deserialize_with = "nullable::de")]
    req_id: u64,
    #[allow(dead_code)] // accepted for shape checking; no effect on the in-memory engine
    #[serde(deserialize_with = "nullable::de")]
    single_stb_insert: bool,
    #[allow(dead_code)]
    #[serde(deserialize_with = "nullable::de")]
    single_table_bind_once: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PrepareArgs {
    #[serde(deserialize_with = "nullable::de")]
    req_id: u64,
    #[serde(deserialize_with = "nullable::de")]
    stmt_id: u64,
    #[serde(deserialize_with = "nullable::de")]
    sql: String,
    #[serde(deserialize_with = "nullable::de")]
    get_fields: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct IdArgs {
    #[serde(deserialize_with = "nullable::de")]
    req_id: u64,
    #[serde(deserialize_with = "nullable::de")]
    stmt_id: u64,
}

fn adapter(msg: impl Into<String>) -> TaosError {
    TaosError::adapter(msg)
}

fn api_error() -> TaosError {
    TaosError::new(codes::TSDB_CODE_TSC_STMT_API_ERROR, "Stmt API usage error")
}

fn mismatch(msg: &str) -> TaosError {
    TaosError::new(codes::TSDB_CODE_TSC_INVALID_OPERATION, msg)
}

/// The error reply of a stmt2 action (common fields + `stmt_id`).
fn err(action: &str, req_id: u64, stmt_id: u64, e: &TaosError, start: Instant) -> Out {
    json(&j::Stmt2IdReply::error_for(
        action,
        req_id,
        stmt_id,
        e,
        timing_ns(start),
    ))
}

/// Stmt2 JSON actions.
pub fn text_action(s: &mut WsSession, req: &TextRequest) -> Handled {
    let out = match req.action {
        "stmt2_init" => init(s, req),
        "stmt2_prepare" => prepare(s, req),
        "stmt2_exec" => exec_action(s, req),
        "stmt2_result" => result(s, req),
        "stmt2_close" => close(s, req),
        _ => return Handled::NotMine,
    };
    Handled::Reply(Some(out))
}

/// Stmt2 binary actions (9 and 11).
pub fn binary_action(s: &mut WsSession, h: &ClientHeader, data: &[u8], start: Instant) -> Handled {
    let out = match h.action {
        ACTION_STMT2_BIND => bind(s, h, data, start),
        ACTION_STMT2_BIND_EXEC => bind_exec(s, h, data, start),
        _ => return Handled::NotMine,
    };
    Handled::Reply(Some(out))
}

fn init(s: &mut WsSession, req: &TextRequest) -> Out {
    let a: InitArgs = match req.decode("stmt2 init") {
        Ok(a) => a,
        Err(e) => return e,
    };
    let id = s.stmts.create(true);
    json(&j::Stmt2IdReply {
        action: "stmt2_init".into(),
        req_id: a.req_id,
        timing: timing_ns(req.start),
        stmt_id: id,
        ..Default::default()
    })
}

fn nil() -> TaosError {
    adapter("stmt2 is nil")
}

fn prepare(s: &mut WsSession, req: &TextRequest) -> Out {
    let a: PrepareArgs = match req.decode("stmt2 prepare") {
        Ok(a) => a,
        Err(e) => return e,
    };
    let fail = |e: &TaosError| err("stmt2_prepare", a.req_id, a.stmt_id, e, req.start);
    let engine = s.shared.engine.clone();
    let Some(conn) = s.conn.as_ref() else {
        return fail(&adapter("server not connected"));
    };
    let Some(stmt) = s.stmts.get_mut(a.stmt_id, true) else {
        return fail(&nil());
    };
    stmt.prepared = None;
    stmt.batch.clear();
    stmt.result = None;
    if a.sql.trim().is_empty() && !a.get_fields {
        // Accepted by TDengine; any later bind or exec is a usage error.
        return json(&j::Stmt2PrepareReply {
            action: "stmt2_prepare".into(),
            req_id: a.req_id,
            timing: timing_ns(req.start),
            stmt_id: a.stmt_id,
            ..Default::default()
        });
    }
    let p = match Prepared::new(&engine, &conn.session, &a.sql) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let (fields, count) = match (a.get_fields, &p.resolved) {
        (false, _) => (None, 0),
        (true, _) if !p.is_insert() => (None, p.num_marks() as i32),
        (true, Some(r)) => {
            let f: Vec<j::Stmt2FieldInfo> = p.fields(r).iter().map(Param::info).collect();
            let n = f.len() as i32;
            (Some(f), n)
        }
        (true, None) => {
            // TDengine cannot describe `INSERT INTO ? VALUES` before a table name is bound:
            // taos_stmt2_get_fields fails with TBNAME_ERROR (its stmt2Test "get fields"
            // cases). taosAdapter has already prepared the SQL by then and the failed
            // get-fields leaves the statement usable, so it stays prepared here too: binds
            // naming a table and exec work after this error reply (as after a prepare with
            // get_fields false).
            stmt.prepared = Some(p);
            return fail(&TaosError::new(
                codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
                "Stmt table name not set",
            ));
        }
    };
    let is_insert = p.is_insert();
    stmt.prepared = Some(p);
    json(&j::Stmt2PrepareReply {
        action: "stmt2_prepare".into(),
        req_id: a.req_id,
        timing: timing_ns(req.start),
        stmt_id: a.stmt_id,
        is_insert,
        fields,
        fields_count: count,
        ..Default::default()
    })
}

/// One field block's cells typed as `want` (`None`: a query parameter, any type).
fn field_cells(f: &Stmt2Field<'_>, want: Option<&Param>) -> Result<Vec<Cell>, TaosError> {
    let single_null = f.num == 1 && f.is_null.first() == Some(&true);
    let ty = u8::try_from(f.buffer_type)
        .map_err(|_| mismatch("column type mis-match with buffer type"))?;
    if let Some(p) = want {
        if ty != p.ty && !single_null {
            return Err(mismatch("column type mis-match with buffer type"));
        }
    }
    let cells = f.cells().map_err(|e| adapter(e.message))?;
    cells
        .into_iter()
        .map(|c| match c {
            None => Ok(Cell::Null),
            Some(b) => decode(ty, b),
        })
        .collect()
}

/// One tag value read as TDengine's `qBindStmtTagsValue2` does: the bound `buffer_type` is
/// not checked; a fixed-size tag takes the first bytes of the buffer as the declared type (a
/// BIGINT 456 bound to an INT tag is 456), a variable-size one the bytes as given.
fn tag_cell(raw: Option<&[u8]>, want: &Param) -> Result<Cell, TaosError> {
    let Some(b) = raw else {
        return Ok(Cell::Null);
    };
    match taos_wire::types::fixed_size(want.ty) {
        Some(n) => {
            let head = b
                .get(..n)
                .ok_or_else(|| mismatch("column type mis-match with buffer type"))?;
            decode(want.ty, head)
        }
        None => decode(want.ty, b),
    }
}

/// The one tag value of a tag block (`num` must be 1).
fn tag_of(f: &Stmt2Field<'_>, want: &Param) -> Result<Cell, TaosError> {
    let cells = f.cells().map_err(|e| adapter(e.message))?;
    if cells.len() != 1 {
        return Err(mismatch("tags bind exactly one row"));
    }
    tag_cell(cells[0], want)
}

/// Converts a parsed bind body into table entries checked against the prepared statement.
fn convert(s: &WsSession, p: &Prepared, b: &Stmt2Bind<'_>) -> Result<Vec<TableRows>, TaosError> {
    if !p.is_insert() {
        if !b.table_names.is_empty() || !b.tags.is_empty() {
            return Err(api_error());
        }
        let cols = b.cols.first().map(Vec::as_slice).unwrap_or(&[]);
        if b.count() > 1 || cols.len() != p.num_marks() {
            return Err(adapter(format!(
                "col count not match, expect {}, but get {}",
                p.num_marks(),
                b.col_count()
            )));
        }
        let mut params = Vec::with_capacity(cols.len());
        for f in cols {
            let cells = field_cells(f, None)?;
            if cells.len() != 1 {
                return Err(mismatch("query parameters bind exactly one row"));
            }
            params.push(cells);
        }
        return Ok(vec![TableRows {
            cols: params,
            ..TableRows::default()
        }]);
    }
    let (engine, conn) = (&s.shared.engine, s.conn.as_ref());
    let session = conn.map(|c| c.session.clone()).unwrap_or_default();
    if p.has_tbname() && b.table_names.is_empty() {
        return Err(TaosError::new(
            codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
            "Stmt table name not set",
        ));
    }
    if !p.has_tbname() && !b.table_names.is_empty() {
        return Err(api_error());
    }
    let mut out = Vec::with_capacity(b.count());
    for t in 0..b.count() {
        let name = b
            .table_names
            .get(t)
            .map(|n| String::from_utf8_lossy(n).into_owned());
        let types = types_for(engine, &session, p, name.as_deref())?;
        let tags = b.tags.get(t).map(Vec::as_slice).unwrap_or(&[]);
        if !tags.is_empty() && tags.len() != types.tags.len() {
            return Err(adapter(format!(
                "tag count not match, expect {}, but get {}",
                types.tags.len(),
                tags.len()
            )));
        }
        let cols = b.cols.get(t).map(Vec::as_slice).unwrap_or(&[]);
        // No columns at all only names the table (and tags): TDengine's bind_param skips a
        // NULL bind_cols entry.
        if !cols.is_empty() && cols.len() != types.cols.len() {
            return Err(adapter(format!(
                "col count not match, expect {}, but get {}",
                types.cols.len(),
                cols.len()
            )));
        }
        let mut row = TableRows {
            name,
            ..TableRows::default()
        };
        for (f, want) in tags.iter().zip(&types.tags) {
            row.tags.push(tag_of(f, want)?);
        }
        for (f, want) in cols.iter().zip(&types.cols) {
            row.cols.push(field_cells(f, Some(want))?);
        }
        if row.cols.iter().any(|c| c.len() != row.rows()) {
            return Err(mismatch("row number in each bind param should be the same"));
        }
        out.push(row);
    }
    Ok(out)
}

fn bind(s: &mut WsSession, h: &ClientHeader, data: &[u8], start: Instant) -> Out {
    const A: &str = "stmt2_bind";
    let fail = |e: &TaosError| err(A, h.req_id, h.id, e, start);
    let frame = match parse_stmt2_bind_frame(data) {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    let Some(stmt) = s.stmts.get_mut(h.id, true) else {
        return fail(&nil());
    };
    let prepared = stmt.prepared.clone();
    let body = match parse_stmt2_bind_payload(frame.payload) {
        Ok(b) => b,
        Err(e) => return fail(&e),
    };
    let Some(p) = prepared else {
        return fail(&api_error());
    };
    if frame.col_idx >= 0 {
        return fail(&adapter(
            "binding a single column (col_idx >= 0) is not supported by the dev server",
        ));
    }
    let rows = match convert(s, &p, &body) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if let Some(stmt) = s.stmts.get_mut(h.id, true) {
        if !p.is_insert() {
            // A query keeps only the latest parameters.
            stmt.batch.clear();
        }
        stmt.batch.extend(rows);
    }
    json(&j::Stmt2IdReply {
        action: A.into(),
        req_id: h.req_id,
        timing: timing_ns(start),
        stmt_id: h.id,
        ..Default::default()
    })
}

/// Runs the pending batch of `stmt_id`; the affected count, or the error.
fn run(s: &mut WsSession, stmt_id: u64) -> Result<i64, TaosError> {
    let engine = s.shared.engine.clone();
    let Some(conn) = s.conn.as_mut() else {
        return Err(adapter("server not connected"));
    };
    let Some(stmt) = s.stmts.get_mut(stmt_id, true) else {
        return Err(nil());
    };
    let Some(p) = stmt.prepared.as_ref() else {
        return Err(api_error());
    };
    if stmt.batch.is_empty() && (p.is_insert() || p.num_marks() != 0) {
        return Err(api_error());
    }
    let batch = std::mem::take(&mut stmt.batch);
    stmt.result = None;
    if p.is_insert() {
        return exec::insert(&engine, &mut conn.session, p, &batch);
    }
    let params: Vec<Cell> = batch
        .last()
        .map(|t| t.cols.iter().filter_map(|c| c.first().cloned()).collect())
        .unwrap_or_default();
    match exec::query(&engine, &mut conn.session, p, &params)? {
        Executed::Affected(n) => Ok(n),
        Executed::Rows(rs) => {
            stmt.result = Some(rs);
            Ok(0)
        }
    }
}

fn exec_reply(
    action: &str,
    req_id: u64,
    stmt_id: u64,
    r: Result<i64, TaosError>,
    start: Instant,
) -> Out {
    match r {
        Ok(affected) => json(&j::Stmt2ExecReply {
            action: action.into(),
            req_id,
            timing: timing_ns(start),
            stmt_id,
            affected,
            ..Default::default()
        }),
        Err(e) => err(action, req_id, stmt_id, &e, start),
    }
}

fn exec_action(s: &mut WsSession, req: &TextRequest) -> Out {
    let a: IdArgs = match req.decode("stmt2 exec") {
        Ok(a) => a,
        Err(e) => return e,
    };
    let r = run(s, a.stmt_id);
    exec_reply("stmt2_exec", a.req_id, a.stmt_id, r, req.start)
}

fn result(s: &mut WsSession, req: &TextRequest) -> Out {
    let a: IdArgs = match req.decode("stmt2 result") {
        Ok(a) => a,
        Err(e) => return e,
    };
    let fail = |e: &TaosError| err("stmt2_result", a.req_id, a.stmt_id, e, req.start);
    let Some(stmt) = s.stmts.get_mut(a.stmt_id, true) else {
        return fail(&nil());
    };
    if stmt.prepared.as_ref().is_some_and(Prepared::is_insert) {
        return fail(&adapter("stmt is insert, no result set"));
    }
    let Some(rs) = stmt.result.take() else {
        return fail(&adapter("result is nil"));
    };
    let f = rs.fields();
    let reply = j::Stmt2ResultReply {
        action: "stmt2_result".into(),
        req_id: a.req_id,
        stmt_id: a.stmt_id,
        fields_count: f.len() as i64,
        fields_names: Some(f.iter().map(|x| x.name.clone()).collect()),
        fields_types: Some(f.iter().map(|x| x.ty).collect()),
        fields_lengths: Some(f.iter().map(|x| x.bytes).collect()),
        precision: rs.precision() as i32,
        fields_precisions: Some(f.iter().map(|x| x.precision as i64).collect()),
        fields_scales: Some(f.iter().map(|x| x.scale as i64).collect()),
        ..Default::default()
    };
    let id = s.open_result(rs);
    json(&j::Stmt2ResultReply {
        id,
        timing: timing_ns(req.start),
        ..reply
    })
}

fn close(s: &mut WsSession, req: &TextRequest) -> Out {
    let a: IdArgs = match req.decode("stmt2 close") {
        Ok(a) => a,
        Err(e) => return e,
    };
    if s.stmts.kind(a.stmt_id) == Some(false) {
        let e = adapter(format!("stmtID:{}, isStmt2:true not match", a.stmt_id));
        return err("stmt2_close", a.req_id, a.stmt_id, &e, req.start);
    }
    // Closing an unknown id succeeds (§2.2).
    s.stmts.remove(a.stmt_id);
    json(&j::Stmt2IdReply {
        action: "stmt2_close".into(),
        req_id: a.req_id,
        timing: timing_ns(req.start),
        stmt_id: a.stmt_id,
        ..Default::default()
    })
}

/// Splits the flattened rows of a `stmt2_bind_exec` into table entries.
fn columnar_rows(
    s: &WsSession,
    p: &Prepared,
    fields: &[Stmt2Field<'_>],
    row_count: usize,
) -> Result<Vec<TableRows>, TaosError> {
    if !p.is_insert() {
        if row_count != 1 {
            return Err(adapter("query only supports one row"));
        }
        if fields.len() != p.num_marks() {
            return Err(adapter(format!(
                "field count not match, expect {}, but get {}",
                p.num_marks(),
                fields.len()
            )));
        }
        let cols = fields
            .iter()
            .map(|f| field_cells(f, None))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(vec![TableRows {
            cols,
            ..TableRows::default()
        }]);
    }
    // Placeholder kinds in prepare order (tbname, tags and columns may interleave).
    let kinds: Vec<i8> = match &p.resolved {
        Some(r) => p.fields(r).iter().map(|f| f.bind_type).collect(),
        None => std::iter::once(j::BIND_TYPE_TBNAME)
            .chain(std::iter::repeat_n(
                j::BIND_TYPE_COL,
                fields.len().saturating_sub(1),
            ))
            .collect(),
    };
    if kinds.len() != fields.len() {
        return Err(adapter(format!(
            "field count not match, expect {}, but get {}",
            kinds.len(),
            fields.len()
        )));
    }
    // Every block decoded once, by its own type; checked against the target per table.
    let cells = fields
        .iter()
        .map(|f| field_cells(f, None))
        .collect::<Result<Vec<_>, _>>()?;
    // Tag blocks' raw cells, read as the declared tag type per table.
    let raw_tags = kinds
        .iter()
        .zip(fields)
        .map(|(&k, f)| {
            if k == j::BIND_TYPE_TAG {
                f.cells().map_err(|e| adapter(e.message))
            } else {
                Ok(Vec::new())
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let tb = kinds.iter().position(|&k| k == j::BIND_TYPE_TBNAME);
    let names: Vec<Option<String>> = match tb {
        Some(i) => cells[i]
            .iter()
            .map(|c| match c {
                Cell::Text(t) => Ok(Some(t.clone())),
                Cell::Bytes(b) => Ok(Some(String::from_utf8_lossy(b).into_owned())),
                _ => Err(TaosError::new(
                    codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
                    "Stmt table name not set",
                )),
            })
            .collect::<Result<_, _>>()?,
        None => vec![None; row_count],
    };
    let engine = &s.shared.engine;
    let session = s
        .conn
        .as_ref()
        .map(|c| c.session.clone())
        .unwrap_or_default();
    let mut out: Vec<TableRows> = Vec::new();
    let mut r = 0;
    while r < row_count {
        let name = names.get(r).cloned().flatten();
        let mut end = r + 1;
        while end < row_count && names.get(end).cloned().flatten() == name {
            end += 1;
        }
        let types = types_for(engine, &session, p, name.as_deref())?;
        let (mut tags, mut cols) = (types.tags.iter(), types.cols.iter());
        let mut entry = TableRows {
            name,
            ..TableRows::default()
        };
        for (i, &kind) in kinds.iter().enumerate() {
            if Some(i) == tb {
                continue;
            }
            let want = if kind == j::BIND_TYPE_TAG {
                tags.next()
            } else {
                cols.next()
            };
            let Some(want) = want else {
                return Err(adapter(format!(
                    "field count not match, expect {}, but get {}",
                    types.tags.len() + types.cols.len() + usize::from(tb.is_some()),
                    fields.len()
                )));
            };
            if kind == j::BIND_TYPE_TAG {
                // The table's first row carries its tags (as in stmt2_bind, type unchecked).
                let raw = raw_tags.get(i).and_then(|t| t.get(r)).copied().flatten();
                entry.tags.push(tag_cell(raw, want)?);
                continue;
            }
            let group = cells[i].get(r..end).unwrap_or(&[]).to_vec();
            let all_null = group.iter().all(|c| *c == Cell::Null);
            if fields[i].buffer_type != i32::from(want.ty) && !all_null {
                return Err(mismatch("column type mis-match with buffer type"));
            }
            entry.cols.push(group);
        }
        if tags.next().is_some() || cols.next().is_some() {
            return Err(adapter(format!(
                "field count not match, expect {}, but get {}",
                types.tags.len() + types.cols.len() + usize::from(tb.is_some()),
                fields.len()
            )));
        }
        out.push(entry);
        r = end;
    }
    Ok(out)
}

fn bind_exec(s: &mut WsSession, h: &ClientHeader, data: &[u8], start: Instant) -> Out {
    const A: &str = "stmt2_bind_exec";
    let fail = |e: &TaosError| err(A, h.req_id, h.id, e, start);
    let req = match parse_stmt2_bind_exec(data) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let Some(stmt) = s.stmts.get_mut(h.id, true) else {
        return fail(&nil());
    };
    let Some(p) = stmt.prepared.clone() else {
        return fail(&api_error());
    };
    let rows = match columnar_rows(s, &p, &req.fields, req.row_count as usize) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if let Some(stmt) = s.stmts.get_mut(h.id, true) {
        stmt.batch = rows;
    }
    let r = run(s, h.id);
    exec_reply(A, h.req_id, h.id, r, start)
}
