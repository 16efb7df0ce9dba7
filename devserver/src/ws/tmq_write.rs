//! Raw writes on `/ws` (binary actions 3 `write_raw`, 4 `write_raw_block`,
//! 5 `write_raw_block_with_fields`), taosAdapter's `raw.go` layouts after the 24-byte header:
//!
//! * 3: `length` u32 @24, `raw_type` u16 @28, the TMQ raw payload @30 (`tmq_write_raw`);
//!   data payloads (raw type 2) are written block by block into their named tables;
//! * 4: `rows` i32 @24, table-name length u16 @28, name, then a raw block; columns map to
//!   the table's columns by position;
//! * 5: as 4, then `ncols` `TAOS_FIELD`s (name[65], type u8, pad, bytes i32: 72 bytes each)
//!   after the raw block; columns map by name.
//!
//! Replies are the common JSON success/error objects.

use std::time::Instant;

use taos_wire::binary::ClientHeader;
use taos_wire::block::RawBlock;
use taos_wire::error::TaosError;
use taos_wire::nchar::ucs4_to_utf8;
use taos_wire::tmq_raw::parse_tmq_raw_data;
use taos_wire::types::*;

use super::reply::{elapsed_ns, Json};
use super::session::{Handled, WsSession};
use crate::engine::topic::write_rows;
use crate::engine::{Session, Value};

/// `write_raw`.
pub const ACTION_WRITE_RAW: u64 = 3;
/// `write_raw_block`.
pub const ACTION_WRITE_RAW_BLOCK: u64 = 4;
/// `write_raw_block_with_fields`.
pub const ACTION_WRITE_RAW_BLOCK_WITH_FIELDS: u64 = 5;
/// Size of one C `TAOS_FIELD`.
const TAOS_FIELD_SIZE: usize = 72;

fn bad(msg: &str) -> TaosError {
    TaosError::adapter(msg)
}

/// Handles binary actions 3, 4 and 5; anything else is not ours.
pub fn binary_action(s: &mut WsSession, h: &ClientHeader, data: &[u8], start: Instant) -> Handled {
    let action = match h.action {
        ACTION_WRITE_RAW => "write_raw",
        ACTION_WRITE_RAW_BLOCK => "write_raw_block",
        ACTION_WRITE_RAW_BLOCK_WITH_FIELDS => "write_raw_block_with_fields",
        _ => return Handled::NotMine,
    };
    let Some(conn) = s.conn.as_ref() else {
        return Handled::NotMine;
    };
    let session = conn.session.clone();
    let engine = s.shared.engine.clone();
    let r = match h.action {
        ACTION_WRITE_RAW => write_raw(&engine, &session, data),
        _ => write_block(
            &engine,
            &session,
            data,
            h.action == ACTION_WRITE_RAW_BLOCK_WITH_FIELDS,
        ),
    };
    let (code, msg) = match &r {
        Ok(()) => (0, String::new()),
        Err(e) => (e.wire_code(), e.message.clone()),
    };
    Handled::Reply(Some(
        Json::common(code, &msg, action, h.req_id, elapsed_ns(start)).out(),
    ))
}

fn u16_at(d: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_le_bytes(d.get(o..o + 2)?.try_into().ok()?))
}

fn u32_at(d: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(o..o + 4)?.try_into().ok()?))
}

fn write_raw(e: &crate::engine::Engine, s: &Session, data: &[u8]) -> Result<(), TaosError> {
    let len = u32_at(data, 24).ok_or_else(|| bad("write_raw message too short"))? as usize;
    let raw_type = u16_at(data, 28).ok_or_else(|| bad("write_raw message too short"))?;
    let raw = data
        .get(30..30usize.saturating_add(len))
        .ok_or_else(|| bad("write_raw length exceeds the message"))?;
    // Meta+data payloads carry create-table requests after the blocks; only the blocks
    // are read here (the tables must exist).
    if raw_type != crate::tmq::message::RAW_TYPE_DATA
        && raw_type != crate::tmq::message::RAW_TYPE_METADATA
    {
        return Err(bad(&format!(
            "raw type {raw_type} is not supported by the dev server (only data, types 2 and 4)"
        )));
    }
    for b in parse_tmq_raw_data(raw)? {
        let table = b
            .table_name
            .as_deref()
            .ok_or_else(|| bad("raw data block without a table name"))?;
        let block = RawBlock::parse(b.block)?;
        let names: Vec<String> = b.columns.iter().map(|c| c.name.clone()).collect();
        let names = (!names.is_empty()).then_some(names);
        write_block_rows(e, s, table, &block, names.as_deref())?;
    }
    Ok(())
}

fn write_block(
    e: &crate::engine::Engine,
    s: &Session,
    data: &[u8],
    with_fields: bool,
) -> Result<(), TaosError> {
    let short = || bad("raw block message too short");
    let rows = u32_at(data, 24).ok_or_else(short)? as usize;
    let name_len = u16_at(data, 28).ok_or_else(short)? as usize;
    let name = data.get(30..30 + name_len).ok_or_else(short)?;
    let name = std::str::from_utf8(name).map_err(|_| bad("table name is not UTF-8"))?;
    let rest = &data[30 + name_len..];
    // The header's length field delimits the block (fields follow it in action 5).
    let block = RawBlock::parse(rest)?;
    if block.rows() != rows {
        return Err(bad(&format!(
            "block has {} rows, message says {rows}",
            block.rows()
        )));
    }
    let names = if with_fields {
        let fields = rest.get(block.len()..).ok_or_else(short)?;
        let mut names = Vec::with_capacity(block.cols());
        for c in 0..block.cols() {
            let f = fields
                .get(c * TAOS_FIELD_SIZE..(c + 1) * TAOS_FIELD_SIZE)
                .ok_or_else(|| bad("fields shorter than the block's columns"))?;
            let raw = &f[..65];
            let end = raw.iter().position(|b| *b == 0).unwrap_or(raw.len());
            names.push(String::from_utf8_lossy(&raw[..end]).into_owned());
        }
        Some(names)
    } else {
        None
    };
    write_block_rows(e, s, name, &block, names.as_deref())
}

fn write_block_rows(
    e: &crate::engine::Engine,
    s: &Session,
    table: &str,
    b: &RawBlock,
    names: Option<&[String]>,
) -> Result<(), TaosError> {
    let types: Vec<u8> = (0..b.cols()).map(|c| b.col_type(c)).collect();
    let mut rows = Vec::with_capacity(b.rows());
    for r in 0..b.rows() {
        let mut row = Vec::with_capacity(b.cols());
        for (c, ty) in types.iter().enumerate() {
            row.push(cell(b, c, r, *ty)?);
        }
        rows.push(row);
    }
    write_rows(e, s, table, names, &types, rows).map(|_| ())
}

/// One cell of a raw block as an engine value.
fn cell(b: &RawBlock, c: usize, r: usize, ty: u8) -> Result<Value, TaosError> {
    if b.is_null(c, r) {
        return Ok(Value::Null);
    }
    if is_var(ty) {
        let v = b.var_cell(c, r).unwrap_or_default();
        return Ok(match ty {
            TSDB_DATA_TYPE_NCHAR => Value::NChar(
                ucs4_to_utf8(v).map_err(|_| bad("invalid NCHAR cell in the raw block"))?,
            ),
            TSDB_DATA_TYPE_JSON => Value::Json(v.to_vec()),
            _ => Value::Bytes(v.to_vec()),
        });
    }
    let f = b.fixed_cell(c, r);
    let mut buf = [0u8; 8];
    let n = f.len().min(8);
    buf[..n].copy_from_slice(&f[..n]);
    let i = i64::from_le_bytes(buf);
    let u = u64::from_le_bytes(buf);
    Ok(match ty {
        TSDB_DATA_TYPE_BOOL => Value::Bool(buf[0] != 0),
        TSDB_DATA_TYPE_TINYINT => Value::Int(i64::from(buf[0] as i8)),
        TSDB_DATA_TYPE_SMALLINT => Value::Int(i64::from(i16::from_le_bytes([buf[0], buf[1]]))),
        TSDB_DATA_TYPE_INT => Value::Int(i64::from(i32::from_le_bytes([
            buf[0], buf[1], buf[2], buf[3],
        ]))),
        TSDB_DATA_TYPE_BIGINT => Value::Int(i),
        TSDB_DATA_TYPE_UTINYINT => Value::UInt(u64::from(buf[0])),
        TSDB_DATA_TYPE_USMALLINT => Value::UInt(u64::from(u16::from_le_bytes([buf[0], buf[1]]))),
        TSDB_DATA_TYPE_UINT => Value::UInt(u64::from(u32::from_le_bytes([
            buf[0], buf[1], buf[2], buf[3],
        ]))),
        TSDB_DATA_TYPE_UBIGINT => Value::UInt(u),
        TSDB_DATA_TYPE_FLOAT => Value::Float(f32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]])),
        TSDB_DATA_TYPE_DOUBLE => Value::Double(f64::from_le_bytes(buf)),
        TSDB_DATA_TYPE_TIMESTAMP => Value::Timestamp(i),
        _ => {
            return Err(bad(&format!(
                "type {} is not supported in raw writes by the dev server",
                type_name(ty)
            )))
        }
    })
}
