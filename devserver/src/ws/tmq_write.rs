//! Raw writes on `/ws` (binary actions 3 `write_raw`, 4 `write_raw_block`,
//! 5 `write_raw_block_with_fields`), taosAdapter's `raw.go` layouts after the 24-byte header:
//!
//! * 3: `length` u32 @24, `raw_type` u16 @28, the TMQ raw payload @30 (`tmq_write_raw`);
//!   data payloads (raw types 2 and 4) are written block by block into their named tables
//!   (which must exist, or be created by the meta+data payload's create-table list: the
//!   dev server's JSON create documents), the dev server's meta payloads ([`RAW_TYPE_JSON_META`]) are
//!   replayed as DDL (`meta.rs`);
//! * 4: `rows` i32 @24, table-name length u16 @28, name, then a raw block; columns map to
//!   the table's columns by position;
//! * 5: as 4, then `ncols` `TAOS_FIELD`s (name[65], type u8, pad, bytes i32: 72 bytes each)
//!   after the raw block; columns map by name.
//!
//! As in TDengine's client (which taosAdapter calls), the `rows` field is not used (the
//! block's own row count is written), tables are looked up in the connection's current
//! database, and a data message or block is written whole or not at all.
//!
//! Replies are the common JSON success/error objects.

use std::time::Instant;

use taos_wire::binary::ClientHeader;
use taos_wire::block::RawBlock;
use taos_wire::error::TaosError;
use taos_wire::nchar::ucs4_to_utf8;
use taos_wire::tmq_raw::{parse_tmq_raw_data, parse_tmq_raw_metadata, TmqRawBlock};
use taos_wire::types::*;

mod meta;

pub use meta::RAW_TYPE_JSON_META;

use super::reply::{elapsed_ns, Json};
use super::session::{Handled, WsSession};
use crate::engine::topic::{prepare_rows, PreparedWrite};
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
    if raw_type == RAW_TYPE_JSON_META {
        return meta::replay(e, s, raw);
    }
    let blocks = match raw_type {
        crate::tmq::message::RAW_TYPE_DATA => parse_tmq_raw_data(raw)?,
        crate::tmq::message::RAW_TYPE_METADATA => {
            // The tables an INSERT ... USING created come first (as TDengine's taosX
            // replay creates them before it writes the rows).
            let m = parse_tmq_raw_metadata(raw)?;
            for req in &m.create_tables {
                create_table(e, s, req)?;
            }
            m.blocks
        }
        _ => {
            return Err(bad(&format!(
                "raw type {raw_type} is not supported by the dev server (data types 2 and 4, \
                 and its own meta type {RAW_TYPE_JSON_META})"
            )))
        }
    };
    write_blocks(e, s, &blocks)
}

/// Runs one create-table request of a meta+data payload. The dev server's are the table's
/// JSON `create` document; TDengine's binary `SVCreateTbReq` is refused with a clear error.
fn create_table(e: &crate::engine::Engine, s: &Session, req: &[u8]) -> Result<(), TaosError> {
    if req.first() != Some(&b'{') {
        return Err(bad(
            "create-table request in TDengine's binary SVCreateTbReq encoding: not supported \
             by the dev server (it carries JSON create documents)",
        ));
    }
    meta::replay(e, s, req)
}

/// Writes the blocks of a data message; every block is checked before any is written
/// (TDengine sends one submit).
fn write_blocks(
    e: &crate::engine::Engine,
    s: &Session,
    blocks: &[TmqRawBlock<'_>],
) -> Result<(), TaosError> {
    let mut writes = Vec::new();
    for b in blocks {
        let table = b
            .table_name
            .as_deref()
            .ok_or_else(|| bad("raw data block without a table name"))?;
        let block = RawBlock::parse(b.block)?;
        let names: Vec<String> = b.columns.iter().map(|c| c.name.clone()).collect();
        let names = (!names.is_empty()).then_some(names);
        writes.push(prepare_block(e, s, table, &block, names.as_deref())?);
    }
    for w in writes {
        w.apply(e)?;
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
    // The rows field (@24) is not used, as TDengine's client does not use it.
    u32_at(data, 24).ok_or_else(short)?;
    let name_len = u16_at(data, 28).ok_or_else(short)? as usize;
    let name = data.get(30..30 + name_len).ok_or_else(short)?;
    let name = std::str::from_utf8(name).map_err(|_| bad("table name is not UTF-8"))?;
    let rest = &data[30 + name_len..];
    // The header's length field delimits the block (fields follow it in action 5).
    let block = RawBlock::parse(rest)?;
    let names = if with_fields {
        let fields = rest.get(block.len()..).ok_or_else(short)?;
        // One TAOS_FIELD per block column, as TDengine's client demands (numFields).
        if fields.len() != block.cols() * TAOS_FIELD_SIZE {
            return Err(TaosError::new(
                taos_wire::error::codes::TSDB_CODE_INVALID_PARA,
                format!(
                    "numFields:{} != numOfCols:{}",
                    fields.len() / TAOS_FIELD_SIZE,
                    block.cols()
                ),
            ));
        }
        let names = fields
            .chunks_exact(TAOS_FIELD_SIZE)
            .map(|f| {
                let raw = &f[..65];
                let end = raw.iter().position(|b| *b == 0).unwrap_or(raw.len());
                String::from_utf8_lossy(&raw[..end]).into_owned()
            })
            .collect::<Vec<_>>();
        Some(names)
    } else {
        None
    };
    prepare_block(e, s, name, &block, names.as_deref())?.apply(e)?;
    Ok(())
}

/// Decodes a block's cells and checks them against `table` (see [`prepare_rows`]).
fn prepare_block(
    e: &crate::engine::Engine,
    s: &Session,
    table: &str,
    b: &RawBlock,
    names: Option<&[String]>,
) -> Result<PreparedWrite, TaosError> {
    let types: Vec<u8> = (0..b.cols()).map(|c| b.col_type(c)).collect();
    let mut rows = Vec::with_capacity(b.rows());
    for r in 0..b.rows() {
        let mut row = Vec::with_capacity(b.cols());
        for (c, ty) in types.iter().enumerate() {
            row.push(cell(b, c, r, *ty)?);
        }
        rows.push(row);
    }
    prepare_rows(e, s, table, names, &types, rows)
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
