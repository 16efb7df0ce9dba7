//! One bound value, decoded from a stmt2 field block, a stmt v1 raw block or stmt v1 JSON,
//! and rendered back as an SQL literal for the engine.

use std::fmt::Write as _;

use serde_json::Value as Json;
use taos_wire::error::{codes, TaosError};
use taos_wire::types::*;

/// A typed bound value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// NULL.
    Null,
    /// BOOL.
    Bool(bool),
    /// Signed integers.
    Int(i64),
    /// Unsigned integers.
    UInt(u64),
    /// FLOAT / DOUBLE.
    Float(f64),
    /// TIMESTAMP in the target precision.
    Ts(i64),
    /// Text (VARCHAR, NCHAR, JSON, timestamp strings): UTF-8.
    Text(String),
    /// Raw bytes (VARBINARY, GEOMETRY as WKB, BLOB).
    Bytes(Vec<u8>),
    /// DECIMAL text.
    Decimal(String),
}

fn invalid(msg: impl Into<String>) -> TaosError {
    TaosError::new(codes::TSDB_CODE_TSC_INVALID_VALUE, msg)
}

fn le<const N: usize>(b: &[u8]) -> Option<[u8; N]> {
    b.get(..N)?.try_into().ok()
}

/// Decodes one fixed or variable cell of wire type `ty` (stmt2 buffers and v1 blocks share
/// the little-endian fixed layout). NCHAR bytes must already be UTF-8.
pub fn decode(ty: u8, b: &[u8]) -> Result<Cell, TaosError> {
    let short = || invalid(format!("value of type {} is truncated", type_name(ty)));
    Ok(match ty {
        TSDB_DATA_TYPE_NULL => Cell::Null,
        TSDB_DATA_TYPE_BOOL => Cell::Bool(*b.first().ok_or_else(short)? != 0),
        TSDB_DATA_TYPE_TINYINT => Cell::Int(i8::from_le_bytes(le(b).ok_or_else(short)?) as i64),
        TSDB_DATA_TYPE_SMALLINT => Cell::Int(i16::from_le_bytes(le(b).ok_or_else(short)?) as i64),
        TSDB_DATA_TYPE_INT => Cell::Int(i32::from_le_bytes(le(b).ok_or_else(short)?) as i64),
        TSDB_DATA_TYPE_BIGINT => Cell::Int(i64::from_le_bytes(le(b).ok_or_else(short)?)),
        TSDB_DATA_TYPE_UTINYINT => Cell::UInt(*b.first().ok_or_else(short)? as u64),
        TSDB_DATA_TYPE_USMALLINT => Cell::UInt(u16::from_le_bytes(le(b).ok_or_else(short)?) as u64),
        TSDB_DATA_TYPE_UINT => Cell::UInt(u32::from_le_bytes(le(b).ok_or_else(short)?) as u64),
        TSDB_DATA_TYPE_UBIGINT => Cell::UInt(u64::from_le_bytes(le(b).ok_or_else(short)?)),
        TSDB_DATA_TYPE_FLOAT => Cell::Float(f32::from_le_bytes(le(b).ok_or_else(short)?) as f64),
        TSDB_DATA_TYPE_DOUBLE => Cell::Float(f64::from_le_bytes(le(b).ok_or_else(short)?)),
        TSDB_DATA_TYPE_TIMESTAMP => Cell::Ts(i64::from_le_bytes(le(b).ok_or_else(short)?)),
        TSDB_DATA_TYPE_VARCHAR | TSDB_DATA_TYPE_NCHAR | TSDB_DATA_TYPE_JSON => Cell::Text(
            String::from_utf8(b.to_vec())
                .map_err(|_| invalid(format!("invalid UTF-8 in {} value", type_name(ty))))?,
        ),
        TSDB_DATA_TYPE_VARBINARY
        | TSDB_DATA_TYPE_GEOMETRY
        | TSDB_DATA_TYPE_BLOB
        | TSDB_DATA_TYPE_MEDIUMBLOB => Cell::Bytes(b.to_vec()),
        TSDB_DATA_TYPE_DECIMAL | TSDB_DATA_TYPE_DECIMAL64 => Cell::Decimal(
            String::from_utf8(b.to_vec()).map_err(|_| invalid("invalid DECIMAL text"))?,
        ),
        _ => return Err(invalid(format!("unsupported data type {ty}"))),
    })
}

/// Decodes a stmt v1 JSON value for a field of type `ty` (§1.4).
pub fn from_json(ty: u8, v: &Json) -> Result<Cell, String> {
    if v.is_null() {
        return Ok(Cell::Null);
    }
    let want = |what: &str| format!("cannot decode {v} as {what}");
    Ok(match ty {
        TSDB_DATA_TYPE_BOOL => Cell::Bool(v.as_bool().ok_or_else(|| want("bool"))?),
        TSDB_DATA_TYPE_TINYINT
        | TSDB_DATA_TYPE_SMALLINT
        | TSDB_DATA_TYPE_INT
        | TSDB_DATA_TYPE_BIGINT => Cell::Int(v.as_i64().ok_or_else(|| want("integer"))?),
        TSDB_DATA_TYPE_UTINYINT
        | TSDB_DATA_TYPE_USMALLINT
        | TSDB_DATA_TYPE_UINT
        | TSDB_DATA_TYPE_UBIGINT => Cell::UInt(v.as_u64().ok_or_else(|| want("unsigned integer"))?),
        TSDB_DATA_TYPE_FLOAT | TSDB_DATA_TYPE_DOUBLE => {
            Cell::Float(v.as_f64().ok_or_else(|| want("number"))?)
        }
        TSDB_DATA_TYPE_TIMESTAMP => match v {
            Json::String(s) => Cell::Text(s.clone()),
            _ => Cell::Ts(v.as_i64().ok_or_else(|| want("timestamp"))?),
        },
        TSDB_DATA_TYPE_VARCHAR | TSDB_DATA_TYPE_NCHAR | TSDB_DATA_TYPE_JSON => {
            Cell::Text(v.as_str().ok_or_else(|| want("string"))?.to_string())
        }
        TSDB_DATA_TYPE_VARBINARY | TSDB_DATA_TYPE_GEOMETRY => {
            let s = v.as_str().ok_or_else(|| want("hex string"))?;
            Cell::Bytes(unhex(s).ok_or_else(|| want("hex string"))?)
        }
        _ => return Err("unknown column types".into()),
    })
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    b.chunks(2)
        .map(|p| {
            let d = |c: u8| (c as char).to_digit(16);
            Some((d(p[0])? * 16 + d(p[1])?) as u8)
        })
        .collect()
}

/// A quoted SQL string literal with `\` and `'` escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\0' => out.push_str("\\0"),
            _ => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn hex_literal(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2 + 4);
    s.push_str("'\\x");
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s.push('\'');
    s
}

/// Renders a cell as an SQL literal for a target of type `ty` (`None`: a query parameter,
/// rendered from the cell's own kind).
pub fn render(c: &Cell, ty: Option<u8>) -> Result<String, TaosError> {
    Ok(match c {
        Cell::Null => "NULL".into(),
        Cell::Bool(b) => b.to_string(),
        Cell::Int(i) | Cell::Ts(i) => i.to_string(),
        Cell::UInt(u) => u.to_string(),
        Cell::Float(f) if f.is_finite() => format!("{f:?}"),
        Cell::Float(_) => return Err(invalid("NaN or infinite floating point value")),
        Cell::Text(s) => quote(s),
        Cell::Bytes(b) if ty == Some(TSDB_DATA_TYPE_GEOMETRY) => quote(&super::wkb::to_wkt(b)?),
        Cell::Bytes(b) => hex_literal(b),
        Cell::Decimal(d) => {
            let ok = !d.is_empty()
                && d.chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
            if !ok {
                return Err(invalid(format!("invalid DECIMAL text {d:?}")));
            }
            d.clone()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_escaped() {
        assert_eq!(quote("a'b\\c"), r"'a\'b\\c'");
        assert_eq!(
            render(&Cell::Bytes(vec![1, 0xff]), None).unwrap(),
            r"'\x01ff'"
        );
        assert_eq!(render(&Cell::Float(1.5), None).unwrap(), "1.5");
        assert!(render(&Cell::Float(f64::NAN), None).is_err());
        assert!(render(&Cell::Decimal("1;drop".into()), None).is_err());
        assert_eq!(
            decode(TSDB_DATA_TYPE_SMALLINT, &[0xff, 0xff]).unwrap(),
            Cell::Int(-1)
        );
        assert!(decode(TSDB_DATA_TYPE_INT, &[1]).is_err());
        assert_eq!(
            from_json(TSDB_DATA_TYPE_VARBINARY, &Json::String("0aff".into())).unwrap(),
            Cell::Bytes(vec![10, 255])
        );
    }
}
