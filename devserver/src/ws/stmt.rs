//! Stmt v1 actions on `/ws` (ws-stmt-sml-tmq.md §1): `init`, `prepare`, `set_table_name`,
//! `set_tags`, `bind`, `add_batch`, `exec`, `close`, `get_tag_fields`, `get_col_fields`,
//! `use_result`, `stmt_num_params`, `stmt_get_param`, and binary `set_tags` (1) / `bind` (2).

use std::time::Instant;

use serde::Deserialize;
use serde_json::Value as Json;
use taos_wire::binary::{ClientHeader, ACTION_BIND, ACTION_SET_TAGS};
use taos_wire::block::RawBlock;
use taos_wire::error::{codes, TaosError};
use taos_wire::json::stmt as j;
use taos_wire::stmt::parse_stmt_block_frame;
use taos_wire::types::{self as t, TSDB_DATA_TYPE_NCHAR, TSDB_DATA_TYPE_TIMESTAMP};

use super::bind::cell::{self, decode, Cell};
use super::bind::exec::{self, types_for, Executed};
use super::bind::prepare::{Param, Resolved, Slot};
use super::bind::Stmt;
use super::envelope::nullable;
use super::reply::{json, timing_ns, Out};
use super::session::{Handled, TextRequest, WsSession};

#[derive(Deserialize, Default)]
#[serde(default)]
struct Args {
    #[serde(deserialize_with = "nullable::de")]
    req_id: u64,
    #[serde(deserialize_with = "nullable::de")]
    stmt_id: u64,
    #[serde(deserialize_with = "nullable::de")]
    sql: String,
    #[serde(deserialize_with = "nullable::de")]
    name: String,
    #[serde(deserialize_with = "nullable::de")]
    tags: Vec<Json>,
    #[serde(deserialize_with = "nullable::de")]
    columns: Vec<Vec<Json>>,
    #[serde(deserialize_with = "nullable::de")]
    index: i32,
}

fn adapter(msg: impl Into<String>) -> TaosError {
    TaosError::adapter(msg)
}

fn api_error() -> TaosError {
    TaosError::new(codes::TSDB_CODE_TSC_STMT_API_ERROR, "Stmt API usage error")
}

fn nil() -> TaosError {
    adapter("stmt is nil")
}

fn err(action: &str, req_id: u64, stmt_id: u64, e: &TaosError, start: Instant) -> Out {
    json(&j::StmtIdReply::error_for(
        action,
        req_id,
        stmt_id,
        e,
        timing_ns(start),
    ))
}

fn ok_id(action: &str, req_id: u64, stmt_id: u64, start: Instant) -> Out {
    json(&j::StmtIdReply {
        action: action.into(),
        req_id,
        timing: timing_ns(start),
        stmt_id,
        ..Default::default()
    })
}

/// Stmt v1 JSON actions.
pub fn text_action(s: &mut WsSession, req: &TextRequest) -> Handled {
    let words = match req.action {
        "init" => "stmt init",
        "prepare" => "stmt prepare",
        "set_table_name" => "stmt set table name",
        "set_tags" => "stmt set tags",
        "bind" => "stmt bind",
        "add_batch" => "stmt add batch",
        "exec" => "stmt exec",
        "close" => "stmt close",
        "get_tag_fields" => "stmt get tag fields",
        "get_col_fields" => "stmt get col fields",
        "use_result" => "stmt use result",
        "stmt_num_params" => "stmt num params",
        "stmt_get_param" => "stmt get param",
        _ => return Handled::NotMine,
    };
    let a: Args = match req.decode(words) {
        Ok(a) => a,
        Err(e) => return Handled::Reply(Some(e)),
    };
    let (action, start) = (req.action, req.start);
    if action == "init" {
        let id = s.stmts.create(false);
        return Handled::Reply(Some(ok_id("init", a.req_id, id, start)));
    }
    if action == "close" {
        // No reply on success or for an unknown id (§1.2).
        return Handled::Reply(match s.stmts.kind(a.stmt_id) {
            Some(true) => {
                let e = adapter(format!("stmtID:{}, isStmt2:false not match", a.stmt_id));
                Some(err(action, a.req_id, a.stmt_id, &e, start))
            }
            Some(false) => {
                s.stmts.remove(a.stmt_id);
                None
            }
            None => None,
        });
    }
    let r = match action {
        "prepare" => prepare(s, &a, start),
        "use_result" => use_result(s, &a, start),
        "exec" => exec_action(s, &a, start),
        _ => with_stmt(s, action, &a, start),
    };
    Handled::Reply(Some(
        r.unwrap_or_else(|e| err(action, a.req_id, a.stmt_id, &e, start)),
    ))
}

/// Stmt v1 binary actions: `set_tags` (1) and `bind` (2).
pub fn binary_action(s: &mut WsSession, h: &ClientHeader, data: &[u8], start: Instant) -> Handled {
    let action = match h.action {
        ACTION_SET_TAGS => "set_tags",
        ACTION_BIND => "bind",
        _ => return Handled::NotMine,
    };
    let r = binary(s, h, action, data, start);
    Handled::Reply(Some(
        r.unwrap_or_else(|e| err(action, h.req_id, h.id, &e, start)),
    ))
}

fn prepare(s: &mut WsSession, a: &Args, start: Instant) -> Result<Out, TaosError> {
    let engine = s.shared.engine.clone();
    let session = s
        .conn
        .as_ref()
        .map(|c| c.session.clone())
        .unwrap_or_default();
    let stmt = s.stmts.get_mut(a.stmt_id, false).ok_or_else(nil)?;
    *stmt = Stmt::default();
    let p = super::bind::Prepared::new(&engine, &session, &a.sql)?;
    let is_insert = p.is_insert();
    stmt.prepared = Some(p);
    Ok(json(&j::StmtPrepareReply {
        action: "prepare".into(),
        req_id: a.req_id,
        timing: timing_ns(start),
        stmt_id: a.stmt_id,
        is_insert,
        ..Default::default()
    }))
}

/// Placeholder types for the statement's current table.
fn types(s: &WsSession, stmt: &Stmt) -> Result<Resolved, TaosError> {
    let p = stmt.prepared.as_ref().ok_or_else(api_error)?;
    if !p.is_insert() {
        return Ok(Resolved::default());
    }
    let session = s
        .conn
        .as_ref()
        .map(|c| c.session.clone())
        .unwrap_or_default();
    types_for(&s.shared.engine, &session, p, stmt.current.name.as_deref())
}

fn field_info(p: &Param) -> j::StmtFieldInfo {
    j::StmtFieldInfo {
        name: p.name.clone(),
        field_type: p.ty as i8,
        precision: p.precision,
        scale: p.scale,
        bytes: p.bytes,
    }
}

/// A query parameter from JSON, typed by the value itself.
fn json_param(v: &Json) -> Result<Cell, TaosError> {
    Ok(match v {
        Json::Null => Cell::Null,
        Json::Bool(b) => Cell::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Cell::Int(i),
            (_, Some(u), _) => Cell::UInt(u),
            (_, _, Some(f)) => Cell::Float(f),
            _ => return Err(adapter("stmt parse column json:invalid number")),
        },
        Json::String(t) => Cell::Text(t.clone()),
        _ => return Err(adapter("stmt parse column json:unsupported value")),
    })
}

/// Actions that act on an existing statement and do not need the engine's session mutably.
fn with_stmt(s: &mut WsSession, action: &str, a: &Args, start: Instant) -> Result<Out, TaosError> {
    let stmt = s.stmts.get_mut(a.stmt_id, false).ok_or_else(nil)?;
    if stmt.prepared.is_none() {
        return Err(api_error());
    }
    // The schema lookup borrows the session immutably; take the stmt out meanwhile.
    let mut st = std::mem::take(stmt);
    let r = stmt_action(s, &mut st, action, a, start);
    if let Some(slot) = s.stmts.get_mut(a.stmt_id, false) {
        *slot = st;
    }
    r
}

fn stmt_action(
    s: &WsSession,
    st: &mut Stmt,
    action: &str,
    a: &Args,
    start: Instant,
) -> Result<Out, TaosError> {
    let is_insert = st.prepared.as_ref().is_some_and(|p| p.is_insert());
    match action {
        "set_table_name" => {
            if !is_insert {
                return Err(api_error());
            }
            let old = st.current.name.replace(a.name.clone());
            if let Err(e) = types(s, st) {
                st.current.name = old;
                return Err(e);
            }
            if old.as_deref() != Some(a.name.as_str()) {
                st.current.tags.clear();
                st.current_tagged = false;
            }
            Ok(ok_id(action, a.req_id, a.stmt_id, start))
        }
        "set_tags" => {
            let ty = types(s, st)?;
            if ty.tags.is_empty() {
                return Ok(ok_id(action, a.req_id, a.stmt_id, start));
            }
            if a.tags.len() != ty.tags.len() {
                return Err(adapter("stmt tags count not match"));
            }
            let tags = a
                .tags
                .iter()
                .zip(&ty.tags)
                .map(|(v, p)| cell::from_json(p.ty, v))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| adapter(format!("stmt parse tag json:{e}")))?;
            st.current.tags = tags;
            st.current_tagged = true;
            Ok(ok_id(action, a.req_id, a.stmt_id, start))
        }
        "bind" => {
            let cols = if is_insert {
                let ty = types(s, st)?;
                if ty.cols.is_empty() {
                    return Ok(ok_id(action, a.req_id, a.stmt_id, start));
                }
                if a.columns.len() != ty.cols.len() {
                    return Err(adapter("stmt column count not match"));
                }
                let rows = a.columns.first().map_or(0, Vec::len);
                let mut cols = Vec::with_capacity(a.columns.len());
                for (col, p) in a.columns.iter().zip(&ty.cols) {
                    if col.len() != rows {
                        return Err(adapter("stmt parse column json:wrong row length"));
                    }
                    cols.push(
                        col.iter()
                            .map(|v| cell::from_json(p.ty, v))
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(|e| adapter(format!("stmt parse column json:{e}")))?,
                    );
                }
                cols
            } else {
                let p = st.prepared.as_ref().ok_or_else(api_error)?;
                if a.columns.len() != p.num_marks() {
                    return Err(adapter("stmt column count not match"));
                }
                let mut cols = Vec::with_capacity(a.columns.len());
                for col in &a.columns {
                    if col.len() != 1 {
                        return Err(adapter("stmt parse column json:wrong row length"));
                    }
                    cols.push(col.iter().map(json_param).collect::<Result<Vec<_>, _>>()?);
                }
                cols
            };
            append(st, cols, is_insert);
            Ok(ok_id(action, a.req_id, a.stmt_id, start))
        }
        "add_batch" => {
            if is_insert {
                add_batch(st)?;
            }
            Ok(ok_id(action, a.req_id, a.stmt_id, start))
        }
        "get_tag_fields" | "get_col_fields" => {
            let ty = types(s, st)?;
            let list = if action == "get_tag_fields" {
                &ty.tags
            } else {
                &ty.cols
            };
            let fields = (!list.is_empty()).then(|| list.iter().map(field_info).collect());
            let r = j::StmtFieldsReply {
                action: action.into(),
                req_id: a.req_id,
                timing: timing_ns(start),
                stmt_id: a.stmt_id,
                fields,
                ..Default::default()
            };
            Ok(if action == "get_col_fields" {
                Out::Text(r.col_fields_json().into_bytes())
            } else {
                json(&r)
            })
        }
        "stmt_num_params" => {
            let p = st.prepared.as_ref().ok_or_else(api_error)?;
            let n = match &p.insert {
                None => p.num_marks(),
                Some(shape) => shape
                    .values
                    .iter()
                    .filter(|v| matches!(v, Slot::Param(_)))
                    .count(),
            };
            Ok(json(&j::StmtNumParamsReply {
                action: action.into(),
                req_id: a.req_id,
                timing: timing_ns(start),
                stmt_id: a.stmt_id,
                num_params: n as i32,
                ..Default::default()
            }))
        }
        "stmt_get_param" => {
            if !is_insert {
                return Err(api_error());
            }
            let ty = types(s, st)?;
            let p = usize::try_from(a.index)
                .ok()
                .and_then(|i| ty.cols.get(i))
                .ok_or_else(|| {
                    TaosError::new(codes::TSDB_CODE_INVALID_PARA, "Invalid parameters")
                })?;
            Ok(json(&j::StmtGetParamReply {
                action: action.into(),
                req_id: a.req_id,
                timing: timing_ns(start),
                stmt_id: a.stmt_id,
                index: a.index,
                data_type: p.ty as i32,
                length: p.bytes,
                ..Default::default()
            }))
        }
        _ => Err(adapter(format!("unknown action {action}"))),
    }
}

/// Adds bound columns to the current entry (a query keeps only the latest parameters).
fn append(st: &mut Stmt, cols: Vec<Vec<Cell>>, is_insert: bool) {
    if !is_insert || !st.current_bound || st.current.cols.len() != cols.len() {
        st.current.cols = cols;
    } else {
        for (have, new) in st.current.cols.iter_mut().zip(cols) {
            have.extend(new);
        }
    }
    st.current_bound = true;
}

/// Moves the current entry into the batch; the table name and tags stay for the next one.
fn add_batch(st: &mut Stmt) -> Result<(), TaosError> {
    let p = st.prepared.as_ref().ok_or_else(api_error)?;
    if !st.current_bound {
        return Err(api_error());
    }
    if p.has_tbname() && st.current.name.is_none() {
        return Err(TaosError::new(
            codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
            "Stmt table name not set",
        ));
    }
    let entry = super::bind::TableRows {
        name: st.current.name.clone(),
        tags: st.current.tags.clone(),
        cols: std::mem::take(&mut st.current.cols),
    };
    st.batch.push(entry);
    st.current_bound = false;
    Ok(())
}

fn exec_action(s: &mut WsSession, a: &Args, start: Instant) -> Result<Out, TaosError> {
    let engine = s.shared.engine.clone();
    let conn = s
        .conn
        .as_mut()
        .ok_or_else(|| adapter("server not connected"))?;
    let st = s.stmts.get_mut(a.stmt_id, false).ok_or_else(nil)?;
    let p = st.prepared.clone().ok_or_else(api_error)?;
    st.result = None;
    let affected = if p.is_insert() {
        if st.current_bound {
            add_batch(st)?;
        }
        if st.batch.is_empty() {
            return Err(api_error());
        }
        let batch = std::mem::take(&mut st.batch);
        exec::insert(&engine, &mut conn.session, &p, &batch)?
    } else {
        if !st.current_bound && p.num_marks() > 0 {
            return Err(api_error());
        }
        let params: Vec<Cell> = st
            .current
            .cols
            .iter()
            .filter_map(|c| c.first().cloned())
            .collect();
        match exec::query(&engine, &mut conn.session, &p, &params)? {
            Executed::Affected(n) => n,
            Executed::Rows(rs) => {
                st.result = Some(rs);
                0
            }
        }
    };
    Ok(json(&j::StmtExecReply {
        action: "exec".into(),
        req_id: a.req_id,
        timing: timing_ns(start),
        stmt_id: a.stmt_id,
        affected,
        ..Default::default()
    }))
}

fn use_result(s: &mut WsSession, a: &Args, start: Instant) -> Result<Out, TaosError> {
    let st = s.stmts.get_mut(a.stmt_id, false).ok_or_else(nil)?;
    let rs = st
        .result
        .take()
        .ok_or_else(|| adapter("Stmt API usage error"))?;
    let f = rs.fields();
    let reply = j::StmtUseResultReply {
        action: "use_result".into(),
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
    Ok(json(&j::StmtUseResultReply {
        result_id: id,
        timing: timing_ns(start),
        ..reply
    }))
}

/// One cell of a v1 raw block, read with type `ty`.
fn block_cell(b: &RawBlock<'_>, c: usize, r: usize, ty: u8) -> Result<Cell, TaosError> {
    if b.is_null(c, r) {
        return Ok(Cell::Null);
    }
    if t::is_var(ty) {
        let bytes = b.var_cell(c, r).unwrap_or(&[]);
        if ty == TSDB_DATA_TYPE_NCHAR {
            return Ok(Cell::Text(taos_wire::nchar::ucs4_to_utf8(bytes)?));
        }
        return decode(ty, bytes);
    }
    decode(ty, b.fixed_cell(c, r))
}

fn binary(
    s: &mut WsSession,
    h: &ClientHeader,
    action: &str,
    data: &[u8],
    start: Instant,
) -> Result<Out, TaosError> {
    let (_, block) = parse_stmt_block_frame(data).map_err(|e| adapter(e.message))?;
    if action == "set_tags" && block.rows() != 1 {
        return Err(adapter("rows not equal 1"));
    }
    let stmt = s.stmts.get_mut(h.id, false).ok_or_else(nil)?;
    if stmt.prepared.is_none() {
        return Err(api_error());
    }
    let mut st = std::mem::take(stmt);
    let r = binary_stmt(s, &mut st, action, &block);
    if let Some(slot) = s.stmts.get_mut(h.id, false) {
        *slot = st;
    }
    r.map(|()| ok_id(action, h.req_id, h.id, start))
}

fn binary_stmt(
    s: &WsSession,
    st: &mut Stmt,
    action: &str,
    block: &RawBlock<'_>,
) -> Result<(), TaosError> {
    let is_insert = st.prepared.as_ref().is_some_and(|p| p.is_insert());
    if action == "set_tags" {
        let ty = types(s, st)?;
        if ty.tags.is_empty() {
            return Ok(());
        }
        if block.cols() != ty.tags.len() {
            return Err(adapter("stmt tags count not match"));
        }
        let mut tags = Vec::with_capacity(ty.tags.len());
        for (c, p) in ty.tags.iter().enumerate() {
            check_layout(block, c, p)?;
            tags.push(block_cell(block, c, 0, p.ty)?);
        }
        st.current.tags = tags;
        st.current_tagged = true;
        return Ok(());
    }
    let cols = if is_insert {
        let ty = types(s, st)?;
        if ty.cols.is_empty() {
            return Ok(());
        }
        if block.cols() != ty.cols.len() {
            return Err(adapter("stmt column count not match"));
        }
        let mut cols = Vec::with_capacity(ty.cols.len());
        for (c, p) in ty.cols.iter().enumerate() {
            check_layout(block, c, p)?;
            cols.push(
                (0..block.rows())
                    .map(|r| block_cell(block, c, r, p.ty))
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        cols
    } else {
        let mut cols = Vec::with_capacity(block.cols());
        for c in 0..block.cols() {
            let ty = block.col_type(c);
            if ty == TSDB_DATA_TYPE_TIMESTAMP || !(t::is_var(ty) || t::fixed_size(ty).is_some()) {
                return Err(adapter(format!(
                    "parse row block info error, err:unsupported data type {ty}"
                )));
            }
            cols.push(
                (0..block.rows())
                    .map(|r| block_cell(block, c, r, ty))
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        cols
    };
    append(st, cols, is_insert);
    Ok(())
}

/// The block's payload layout (fixed vs variable) must match the prepared type.
fn check_layout(block: &RawBlock<'_>, c: usize, p: &Param) -> Result<(), TaosError> {
    let have = block.col_type(c);
    let ok = t::is_var(have) == t::is_var(p.ty)
        && (t::is_var(have) || t::fixed_size(have) == t::fixed_size(p.ty));
    if !ok {
        return Err(TaosError::new(
            codes::TSDB_CODE_TSC_INVALID_OPERATION,
            "column type mis-match with buffer type",
        ));
    }
    Ok(())
}
