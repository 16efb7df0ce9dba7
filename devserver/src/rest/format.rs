//! REST value formatting (ws-query.md §5, §6.5): JSON strings escaped byte by byte,
//! RFC 3339 timestamps with exactly 3/6/9 fraction digits, Go-style float text, hex for
//! binary types, and the `column_meta` type names.

use crate::engine::tz::TimeZone;
use crate::engine::Value;
use taos_wire::types;

/// The `column_meta` type name of a column.
pub fn type_name(ty: u8, precision: u8, scale: u8) -> String {
    let s = match ty {
        types::TSDB_DATA_TYPE_NULL => "NULL",
        types::TSDB_DATA_TYPE_BOOL => "BOOL",
        types::TSDB_DATA_TYPE_TINYINT => "TINYINT",
        types::TSDB_DATA_TYPE_SMALLINT => "SMALLINT",
        types::TSDB_DATA_TYPE_INT => "INT",
        types::TSDB_DATA_TYPE_BIGINT => "BIGINT",
        types::TSDB_DATA_TYPE_FLOAT => "FLOAT",
        types::TSDB_DATA_TYPE_DOUBLE => "DOUBLE",
        types::TSDB_DATA_TYPE_VARCHAR => "VARCHAR",
        types::TSDB_DATA_TYPE_TIMESTAMP => "TIMESTAMP",
        types::TSDB_DATA_TYPE_NCHAR => "NCHAR",
        types::TSDB_DATA_TYPE_UTINYINT => "TINYINT UNSIGNED",
        types::TSDB_DATA_TYPE_USMALLINT => "SMALLINT UNSIGNED",
        types::TSDB_DATA_TYPE_UINT => "INT UNSIGNED",
        types::TSDB_DATA_TYPE_UBIGINT => "BIGINT UNSIGNED",
        types::TSDB_DATA_TYPE_JSON => "JSON",
        types::TSDB_DATA_TYPE_VARBINARY => "VARBINARY",
        types::TSDB_DATA_TYPE_DECIMAL | types::TSDB_DATA_TYPE_DECIMAL64 => {
            return format!("DECIMAL({precision},{scale})")
        }
        types::TSDB_DATA_TYPE_BLOB => "BLOB",
        types::TSDB_DATA_TYPE_MEDIUMBLOB => "MEDIUMBLOB",
        types::TSDB_DATA_TYPE_GEOMETRY => "GEOMETRY",
        _ => "UNKNOWN",
    };
    s.to_string()
}

/// Appends `bytes` as a JSON string: `"` `\` escaped, control bytes as `\n` `\r` `\t` or
/// `\u00xx`, everything else (including bytes ≥ 0x80) copied unchanged, as the adapter does.
pub fn write_str(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for &b in bytes {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=0x1f => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xf) as usize]);
            }
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

/// Go's JSON float text: shortest round-trip digits, exponent form (`1e-7`, `1e+21`) when
/// |v| < 1e-6 or ≥ 1e21; NaN and infinities become `null`.
fn write_float(out: &mut Vec<u8>, v: f64, shortest: String, exp: String) {
    if !v.is_finite() {
        out.extend_from_slice(b"null");
        return;
    }
    let a = v.abs();
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        // Rust prints `1e-7` / `1e21`; Go prints `1e-07` → cleaned to `1e-7`, and `1e+21`.
        let s = match exp.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => exp,
        };
        out.extend_from_slice(s.as_bytes());
    } else {
        out.extend_from_slice(shortest.as_bytes());
    }
}

/// Appends a TIMESTAMP value as `"YYYY-MM-DDTHH:MM:SS.fff±hh:mm"` (3, 6 or 9 fraction digits
/// for precision 0, 1, 2) in `tz` (UTC when `None`), `Z` for a zero offset. An instant whose
/// offset the zone cannot tell (past its listed transitions) is written in UTC: same instant.
pub fn write_timestamp(out: &mut Vec<u8>, ts: i64, precision: u8, tz: Option<&TimeZone>) {
    let (per_sec, digits) = match precision {
        1 => (1_000_000i64, 6),
        2 => (1_000_000_000i64, 9),
        _ => (1_000i64, 3),
    };
    let utc_secs = ts.div_euclid(per_sec);
    let frac = ts.rem_euclid(per_sec);
    let offset = tz.and_then(|z| z.offset_at(utc_secs)).unwrap_or(0) as i64;
    let secs = utc_secs + offset;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let zone = if offset == 0 {
        "Z".to_string()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let a = offset.abs();
        format!("{sign}{:02}:{:02}", a / 3600, (a / 60) % 60)
    };
    let s = format!(
        "\"{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{frac:0digits$}{zone}\"",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60,
    );
    out.extend_from_slice(s.as_bytes());
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Appends one cell of a column of type `ty`; timestamps are rendered in `tz`.
pub fn write_value(out: &mut Vec<u8>, v: &Value, ty: u8, precision: u8, tz: Option<&TimeZone>) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::UInt(u) => out.extend_from_slice(u.to_string().as_bytes()),
        Value::Float(f) => write_float(out, *f as f64, f.to_string(), format!("{f:e}")),
        Value::Double(f) => write_float(out, *f, f.to_string(), format!("{f:e}")),
        Value::Timestamp(t) => write_timestamp(out, *t, precision, tz),
        Value::Bytes(b) => match ty {
            types::TSDB_DATA_TYPE_VARBINARY
            | types::TSDB_DATA_TYPE_GEOMETRY
            | types::TSDB_DATA_TYPE_BLOB => {
                let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
                write_str(out, hex.as_bytes());
            }
            _ => write_str(out, b),
        },
        Value::NChar(s) => write_str(out, s.as_bytes()),
        Value::Json(j) if j.is_empty() => out.extend_from_slice(b"null"),
        Value::Json(j) => out.extend_from_slice(j),
        Value::Decimal(s) => write_str(out, s.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn val(v: Value, ty: u8) -> String {
        let mut o = Vec::new();
        write_value(&mut o, &v, ty, 0, None);
        String::from_utf8(o).unwrap()
    }

    #[test]
    fn timestamps() {
        let mut o = Vec::new();
        write_timestamp(&mut o, 1_700_000_000_000, 0, None);
        assert_eq!(o, b"\"2023-11-14T22:13:20.000Z\"");
        o.clear();
        write_timestamp(&mut o, 1_700_000_001_000_001, 1, None);
        assert_eq!(o, b"\"2023-11-14T22:13:21.000001Z\"");
        o.clear();
        write_timestamp(&mut o, -1, 2, None);
        assert_eq!(o, b"\"1969-12-31T23:59:59.999999999Z\"");
        o.clear();
        write_timestamp(&mut o, 951_782_400_000, 0, None); // leap day
        assert_eq!(o, b"\"2000-02-29T00:00:00.000Z\"");
        let plus8 = TimeZone::parse("UTC+8").unwrap();
        o.clear();
        write_timestamp(&mut o, 1_700_000_000_000, 0, Some(&plus8));
        assert_eq!(o, b"\"2023-11-15T06:13:20.000+08:00\"");
        let minus530 = TimeZone::parse("-05:30").unwrap();
        o.clear();
        write_timestamp(&mut o, 1_700_000_000_000, 0, Some(&minus530));
        assert_eq!(o, b"\"2023-11-14T16:43:20.000-05:30\"");
    }

    #[test]
    fn values() {
        assert_eq!(val(Value::Float(10.3), 6), "10.3");
        assert_eq!(val(Value::Float(1e-7), 6), "1e-7");
        assert_eq!(val(Value::Double(1e21), 7), "1e+21");
        assert_eq!(val(Value::Double(2.5), 7), "2.5");
        assert_eq!(val(Value::Double(f64::NAN), 7), "null");
        assert_eq!(val(Value::Double(0.0), 7), "0");
        assert_eq!(
            val(Value::Bytes(b"a\"\\\n\x01<\xe4\xb8\xad".to_vec()), 8),
            "\"a\\\"\\\\\\n\\u0001<中\""
        );
        assert_eq!(val(Value::Bytes(vec![0x7f, 0x82, 0x90]), 16), "\"7f8290\"");
        assert_eq!(val(Value::NChar("中".into()), 10), "\"中\"");
        assert_eq!(val(Value::Json(b"{\"k\":1}".to_vec()), 15), "{\"k\":1}");
        assert_eq!(val(Value::UInt(u64::MAX), 14), "18446744073709551615");
        assert_eq!(val(Value::Bool(true), 1), "true");
        assert_eq!(type_name(21, 10, 2), "DECIMAL(10,2)");
        assert_eq!(type_name(13, 0, 0), "INT UNSIGNED");
    }
}
