//! Conversion of SQL literals to typed column values, with TDengine's range and length checks.

use std::borrow::Cow;

use taos_wire::error::TaosError;
use taos_wire::types::*;

use super::errors::{value_error, value_too_long};
use super::time::{duration_ticks, now, parse_timestamp, today};
use super::tz::TimeZone;
use super::Value;
use crate::sql::ast::{ColumnDef, Literal};
use crate::sql::lexer::unescape;

/// What a conversion needs besides the literal.
pub struct Ctx<'a> {
    /// Database precision (for timestamps).
    pub precision: u8,
    /// Zone of timestamp strings without offset.
    pub tz: &'a TimeZone,
}

/// The literal as it would appear in SQL (for error messages).
pub fn literal_text(l: &Literal) -> String {
    match l {
        Literal::Null => "NULL".into(),
        Literal::Bool(b) => b.to_string(),
        Literal::Number(n) => n.clone(),
        Literal::Str(s) => format!("'{s}'"),
        Literal::Now { today, offsets } => {
            let mut s = if *today { "today()" } else { "now" }.to_string();
            for (v, u) in offsets {
                s.push_str(&format!(
                    "{}{}{}",
                    if *v < 0 { "-" } else { "+" },
                    v.abs(),
                    u
                ));
            }
            s
        }
        Literal::Offset(b, offsets) => {
            let mut s = literal_text(b);
            for (v, u) in offsets {
                s.push_str(&format!(
                    "{}{}{}",
                    if *v < 0 { "-" } else { "+" },
                    v.abs(),
                    u
                ));
            }
            s
        }
    }
}

fn type_word(ty: u8) -> &'static str {
    match ty {
        TSDB_DATA_TYPE_TINYINT => "tinyint",
        TSDB_DATA_TYPE_SMALLINT => "smallint",
        TSDB_DATA_TYPE_INT => "int",
        TSDB_DATA_TYPE_BIGINT => "bigint",
        TSDB_DATA_TYPE_UTINYINT => "unsigned tinyint",
        TSDB_DATA_TYPE_USMALLINT => "unsigned smallint",
        TSDB_DATA_TYPE_UINT => "unsigned int",
        TSDB_DATA_TYPE_UBIGINT => "unsigned bigint",
        _ => "data",
    }
}

/// Parses integer text (decimal, `0x` hex, or a float rounded) to i128.
fn parse_integer(t: &str) -> Option<i128> {
    let t = t.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i128::from_str_radix(h, 16).ok()?
    } else if let Ok(v) = body.parse::<i128>() {
        v
    } else {
        let f: f64 = body.parse().ok()?;
        if !f.is_finite() || f.abs() > 1.9e19 {
            return None;
        }
        f.round() as i128
    };
    Some(if neg { -v } else { v })
}

/// Timestamp value of a literal in `ctx.precision`.
pub fn literal_timestamp(l: &Literal, ctx: &Ctx) -> Result<i64, TaosError> {
    let bad = || value_error(&literal_text(l), "invalid timestamp");
    let add = |base: i64, offsets: &[(i64, String)]| -> Result<i64, TaosError> {
        let mut t = base;
        for (v, u) in offsets {
            let d = duration_ticks(*v, u, ctx.precision).ok_or_else(bad)?;
            t = t.checked_add(d).ok_or_else(bad)?;
        }
        Ok(t)
    };
    match l {
        Literal::Now {
            today: false,
            offsets,
        } => add(now(ctx.precision), offsets),
        Literal::Now {
            today: true,
            offsets,
        } => add(today(ctx.precision, ctx.tz).ok_or_else(bad)?, offsets),
        Literal::Number(n) => n.parse::<i64>().map_err(|_| bad()),
        Literal::Str(s) => {
            let s = unescape(s);
            if let Some(t) = parse_timestamp(&s, ctx.precision, ctx.tz) {
                return Ok(t);
            }
            s.trim().parse::<i64>().map_err(|_| bad())
        }
        Literal::Offset(b, offsets) => add(literal_timestamp(b, ctx)?, offsets),
        Literal::Null | Literal::Bool(_) => Err(bad()),
    }
}

/// Converts a literal to a value of column `def` (NULL stays NULL).
pub fn literal_to_value(l: &Literal, def: &ColumnDef, ctx: &Ctx) -> Result<Value, TaosError> {
    if matches!(l, Literal::Null) {
        return Ok(Value::Null);
    }
    let text = || literal_text(l);
    // The literal's plain text for numeric and string targets.
    let plain = || -> Option<Cow<'_, str>> {
        match l {
            Literal::Number(n) => Some(Cow::Borrowed(n.as_str())),
            Literal::Str(s) => Some(Cow::Owned(unescape(s))),
            Literal::Bool(b) => Some(Cow::Borrowed(if *b { "1" } else { "0" })),
            _ => None,
        }
    };
    match def.ty {
        TSDB_DATA_TYPE_TIMESTAMP => Ok(Value::Timestamp(literal_timestamp(l, ctx)?)),
        TSDB_DATA_TYPE_BOOL => match l {
            Literal::Bool(b) => Ok(Value::Bool(*b)),
            Literal::Number(n) => n
                .parse::<f64>()
                .map(|f| Value::Bool(f != 0.0))
                .map_err(|_| value_error(&text(), "invalid bool data")),
            Literal::Str(s) => match unescape(s).trim().to_ascii_lowercase().as_str() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                other => other
                    .parse::<f64>()
                    .map(|f| Value::Bool(f != 0.0))
                    .map_err(|_| value_error(&text(), "invalid bool data")),
            },
            _ => Err(value_error(&text(), "invalid bool data")),
        },
        TSDB_DATA_TYPE_TINYINT
        | TSDB_DATA_TYPE_SMALLINT
        | TSDB_DATA_TYPE_INT
        | TSDB_DATA_TYPE_BIGINT
        | TSDB_DATA_TYPE_UTINYINT
        | TSDB_DATA_TYPE_USMALLINT
        | TSDB_DATA_TYPE_UINT
        | TSDB_DATA_TYPE_UBIGINT => {
            let word = type_word(def.ty);
            let p = plain().ok_or_else(|| value_error(&text(), &format!("invalid {word} data")))?;
            let v = parse_integer(&p)
                .ok_or_else(|| value_error(&text(), &format!("invalid {word} data")))?;
            let (lo, hi): (i128, i128) = match def.ty {
                TSDB_DATA_TYPE_TINYINT => (i8::MIN as i128, i8::MAX as i128),
                TSDB_DATA_TYPE_SMALLINT => (i16::MIN as i128, i16::MAX as i128),
                TSDB_DATA_TYPE_INT => (i32::MIN as i128, i32::MAX as i128),
                TSDB_DATA_TYPE_BIGINT => (i64::MIN as i128, i64::MAX as i128),
                TSDB_DATA_TYPE_UTINYINT => (0, u8::MAX as i128),
                TSDB_DATA_TYPE_USMALLINT => (0, u16::MAX as i128),
                TSDB_DATA_TYPE_UINT => (0, u32::MAX as i128),
                _ => (0, u64::MAX as i128),
            };
            if v < lo || v > hi {
                return Err(value_error(&text(), &format!("{word} data overflow")));
            }
            Ok(if lo < 0 {
                Value::Int(v as i64)
            } else {
                Value::UInt(v as u64)
            })
        }
        TSDB_DATA_TYPE_FLOAT | TSDB_DATA_TYPE_DOUBLE => {
            let p = plain().ok_or_else(|| value_error(&text(), "illegal float data"))?;
            let f = match parse_integer(&p) {
                Some(i) if !p.contains(['.', 'e', 'E']) => i as f64,
                _ => p
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| value_error(&text(), "illegal float data"))?,
            };
            if !f.is_finite() {
                return Err(value_error(&text(), "illegal float data"));
            }
            if def.ty == TSDB_DATA_TYPE_FLOAT {
                if f.abs() > f32::MAX as f64 {
                    return Err(value_error(&text(), "illegal float data"));
                }
                Ok(Value::Float(f as f32))
            } else {
                Ok(Value::Double(f))
            }
        }
        TSDB_DATA_TYPE_VARCHAR | TSDB_DATA_TYPE_NCHAR => {
            let s = match l {
                Literal::Str(s) => unescape(s),
                Literal::Number(n) => n.clone(),
                Literal::Bool(b) => b.to_string(),
                _ => return Err(value_error(&text(), "invalid string data")),
            };
            if def.ty == TSDB_DATA_TYPE_NCHAR {
                if s.chars().count() as i64 > def.bytes {
                    return Err(value_too_long(&def.name));
                }
                Ok(Value::NChar(s))
            } else {
                if s.len() as i64 > def.bytes {
                    return Err(value_too_long(&def.name));
                }
                Ok(Value::Bytes(s.into_bytes()))
            }
        }
        TSDB_DATA_TYPE_VARBINARY => {
            let bytes = match l {
                Literal::Str(s) => {
                    if let Some(h) = s.strip_prefix("\\x").or_else(|| s.strip_prefix("\\X")) {
                        decode_hex(h).ok_or_else(|| value_error(&text(), "invalid hex data"))?
                    } else {
                        unescape(s).into_bytes()
                    }
                }
                Literal::Number(n) if n.starts_with("0x") || n.starts_with("0X") => {
                    decode_hex(&n[2..]).ok_or_else(|| value_error(&text(), "invalid hex data"))?
                }
                _ => return Err(value_error(&text(), "invalid varbinary data")),
            };
            if bytes.len() as i64 > def.bytes {
                return Err(value_too_long(&def.name));
            }
            Ok(Value::Bytes(bytes))
        }
        TSDB_DATA_TYPE_GEOMETRY => {
            let Literal::Str(s) = l else {
                return Err(value_error(&text(), "invalid geometry data"));
            };
            let wkb = super::geometry::wkt_to_wkb(&unescape(s))
                .ok_or_else(|| value_error(&text(), "invalid geometry data"))?;
            if wkb.len() as i64 > def.bytes {
                return Err(value_too_long(&def.name));
            }
            Ok(Value::Bytes(wkb))
        }
        TSDB_DATA_TYPE_JSON => {
            let Literal::Str(s) = l else {
                return Err(value_error(&text(), "invalid json data"));
            };
            let s = unescape(s);
            if s.trim().is_empty() || s.trim().eq_ignore_ascii_case("null") {
                return Ok(Value::Null);
            }
            let v: serde_json::Value =
                serde_json::from_str(&s).map_err(|_| value_error(&text(), "invalid json data"))?;
            let Some(obj) = v.as_object() else {
                return Err(value_error(&text(), "invalid json data"));
            };
            // TDengine JSON tags are flat: values are strings, numbers, bools or null.
            if obj.values().any(|x| x.is_object() || x.is_array()) {
                return Err(value_error(&text(), "invalid json data"));
            }
            let out = serde_json::to_vec(&v).unwrap_or_default();
            if out.len() as i64 > def.bytes {
                return Err(value_too_long(&def.name));
            }
            Ok(Value::Json(out))
        }
        TSDB_DATA_TYPE_DECIMAL | TSDB_DATA_TYPE_DECIMAL64 => {
            let p = plain().ok_or_else(|| value_error(&text(), "invalid decimal data"))?;
            let v = super::decimal::parse(&p, def.precision, def.scale)
                .map_err(|why| value_error(&text(), why))?;
            Ok(Value::Decimal(super::decimal::format(v, def.scale)))
        }
        _ => Err(crate::sql::parser::unsupported(&format!(
            "values of type {}",
            type_name(def.ty)
        ))),
    }
}

/// Decodes an even-length hex string (`None` for anything else).
pub(super) fn decode_hex(h: &str) -> Option<Vec<u8>> {
    if !h.len().is_multiple_of(2) {
        return None;
    }
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(h.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(ty: u8, bytes: i64) -> ColumnDef {
        ColumnDef {
            name: "c".into(),
            ty,
            bytes,
            precision: 0,
            scale: 0,
        }
    }

    #[test]
    fn integers_and_ranges() {
        let tz = TimeZone::utc();
        let ctx = Ctx {
            precision: 0,
            tz: &tz,
        };
        let n = |s: &str| Literal::Number(s.into());
        assert_eq!(
            literal_to_value(&n("127"), &def(TSDB_DATA_TYPE_TINYINT, 1), &ctx).unwrap(),
            Value::Int(127)
        );
        let e = literal_to_value(&n("128"), &def(TSDB_DATA_TYPE_TINYINT, 1), &ctx).unwrap_err();
        assert_eq!(
            e.code,
            taos_wire::error::codes::TSDB_CODE_TSC_SQL_SYNTAX_ERROR
        );
        assert_eq!(e.message, "syntax error near '128' (tinyint data overflow)");
        assert!(literal_to_value(&n("-1"), &def(TSDB_DATA_TYPE_UINT, 4), &ctx).is_err());
        assert_eq!(
            literal_to_value(
                &n("18446744073709551615"),
                &def(TSDB_DATA_TYPE_UBIGINT, 8),
                &ctx
            )
            .unwrap(),
            Value::UInt(u64::MAX)
        );
        assert_eq!(
            literal_to_value(&Literal::Bool(true), &def(TSDB_DATA_TYPE_INT, 4), &ctx).unwrap(),
            Value::Int(1)
        );
    }

    #[test]
    fn strings_and_binary() {
        let tz = TimeZone::utc();
        let ctx = Ctx {
            precision: 0,
            tz: &tz,
        };
        let s = |x: &str| Literal::Str(x.into());
        assert_eq!(
            literal_to_value(&s("ab\\'c"), &def(TSDB_DATA_TYPE_VARCHAR, 4), &ctx).unwrap(),
            Value::Bytes(b"ab'c".to_vec())
        );
        let e = literal_to_value(&s("abcde"), &def(TSDB_DATA_TYPE_VARCHAR, 4), &ctx).unwrap_err();
        assert_eq!(
            e.code,
            taos_wire::error::codes::TSDB_CODE_PAR_VALUE_TOO_LONG
        );
        assert_eq!(
            literal_to_value(&s("中文"), &def(TSDB_DATA_TYPE_NCHAR, 2), &ctx).unwrap(),
            Value::NChar("中文".into())
        );
        assert_eq!(
            literal_to_value(&s("\\x0102ff"), &def(TSDB_DATA_TYPE_VARBINARY, 8), &ctx).unwrap(),
            Value::Bytes(vec![1, 2, 0xff])
        );
        assert_eq!(
            literal_to_value(
                &s("{\"b\":1,\"a\":\"x\"}"),
                &def(TSDB_DATA_TYPE_JSON, 4095),
                &ctx
            )
            .unwrap(),
            Value::Json(br#"{"a":"x","b":1}"#.to_vec())
        );
    }

    #[test]
    fn timestamps() {
        let tz = TimeZone::utc();
        let ctx = Ctx {
            precision: 0,
            tz: &tz,
        };
        let lit = Literal::Offset(
            Box::new(Literal::Str("2023-11-14 22:13:20".into())),
            vec![(1, "s".into()), (-1, "a".into())],
        );
        assert_eq!(literal_timestamp(&lit, &ctx).unwrap(), 1_700_000_000_999);
        assert!(literal_timestamp(&Literal::Str("x".into()), &ctx).is_err());
        let n = literal_timestamp(
            &Literal::Now {
                today: false,
                offsets: vec![],
            },
            &ctx,
        )
        .unwrap();
        assert!((n - now(0)).abs() < 10_000);
    }
}
