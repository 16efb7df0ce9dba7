//! TDengine data type codes (abi.md §3.1, ws-query.md §5) and their raw-block widths.

/// SQL NULL type (no payload).
pub const TSDB_DATA_TYPE_NULL: u8 = 0;
/// BOOL, 1 byte.
pub const TSDB_DATA_TYPE_BOOL: u8 = 1;
/// TINYINT, i8.
pub const TSDB_DATA_TYPE_TINYINT: u8 = 2;
/// SMALLINT, i16.
pub const TSDB_DATA_TYPE_SMALLINT: u8 = 3;
/// INT, i32.
pub const TSDB_DATA_TYPE_INT: u8 = 4;
/// BIGINT, i64.
pub const TSDB_DATA_TYPE_BIGINT: u8 = 5;
/// FLOAT, f32.
pub const TSDB_DATA_TYPE_FLOAT: u8 = 6;
/// DOUBLE, f64.
pub const TSDB_DATA_TYPE_DOUBLE: u8 = 7;
/// VARCHAR, variable width with a u16 prefix.
pub const TSDB_DATA_TYPE_VARCHAR: u8 = 8;
/// BINARY: alias of VARCHAR.
pub const TSDB_DATA_TYPE_BINARY: u8 = TSDB_DATA_TYPE_VARCHAR;
/// TIMESTAMP, i64 in the result precision.
pub const TSDB_DATA_TYPE_TIMESTAMP: u8 = 9;
/// NCHAR, UCS-4 LE in raw blocks, u16 prefix (byte count).
pub const TSDB_DATA_TYPE_NCHAR: u8 = 10;
/// TINYINT UNSIGNED, u8.
pub const TSDB_DATA_TYPE_UTINYINT: u8 = 11;
/// SMALLINT UNSIGNED, u16.
pub const TSDB_DATA_TYPE_USMALLINT: u8 = 12;
/// INT UNSIGNED, u32.
pub const TSDB_DATA_TYPE_UINT: u8 = 13;
/// BIGINT UNSIGNED, u64.
pub const TSDB_DATA_TYPE_UBIGINT: u8 = 14;
/// JSON (tags), UTF-8 text with a u16 prefix.
pub const TSDB_DATA_TYPE_JSON: u8 = 15;
/// VARBINARY, raw bytes with a u16 prefix.
pub const TSDB_DATA_TYPE_VARBINARY: u8 = 16;
/// DECIMAL (precision > 18), 16-byte two's complement.
pub const TSDB_DATA_TYPE_DECIMAL: u8 = 17;
/// BLOB, raw bytes with a **u32** prefix.
pub const TSDB_DATA_TYPE_BLOB: u8 = 18;
/// MEDIUMBLOB (reserved, not supported on the wire).
pub const TSDB_DATA_TYPE_MEDIUMBLOB: u8 = 19;
/// GEOMETRY, WKB bytes with a u16 prefix.
pub const TSDB_DATA_TYPE_GEOMETRY: u8 = 20;
/// DECIMAL64 (precision ≤ 18), 8-byte unscaled integer.
pub const TSDB_DATA_TYPE_DECIMAL64: u8 = 21;
/// One past the largest type code defined in newer headers.
pub const TSDB_DATA_TYPE_MAX: u8 = 22;

/// Timestamp precision: milliseconds.
pub const TSDB_TIME_PRECISION_MILLI: u8 = 0;
/// Timestamp precision: microseconds.
pub const TSDB_TIME_PRECISION_MICRO: u8 = 1;
/// Timestamp precision: nanoseconds.
pub const TSDB_TIME_PRECISION_NANO: u8 = 2;

/// Byte width of a fixed-width type's cell, `None` for variable-width and unknown types.
///
/// `TSDB_DATA_TYPE_NULL` has no payload and reports `Some(0)`; MEDIUMBLOB is unsupported (`None`).
pub fn fixed_size(ty: u8) -> Option<usize> {
    match ty {
        TSDB_DATA_TYPE_NULL => Some(0),
        TSDB_DATA_TYPE_BOOL | TSDB_DATA_TYPE_TINYINT | TSDB_DATA_TYPE_UTINYINT => Some(1),
        TSDB_DATA_TYPE_SMALLINT | TSDB_DATA_TYPE_USMALLINT => Some(2),
        TSDB_DATA_TYPE_INT | TSDB_DATA_TYPE_UINT | TSDB_DATA_TYPE_FLOAT => Some(4),
        TSDB_DATA_TYPE_BIGINT
        | TSDB_DATA_TYPE_UBIGINT
        | TSDB_DATA_TYPE_DOUBLE
        | TSDB_DATA_TYPE_TIMESTAMP
        | TSDB_DATA_TYPE_DECIMAL64 => Some(8),
        TSDB_DATA_TYPE_DECIMAL => Some(16),
        _ => None,
    }
}

/// True for the variable-width types (offset array + length-prefixed values in a raw block).
pub fn is_var(ty: u8) -> bool {
    matches!(
        ty,
        TSDB_DATA_TYPE_VARCHAR
            | TSDB_DATA_TYPE_NCHAR
            | TSDB_DATA_TYPE_JSON
            | TSDB_DATA_TYPE_VARBINARY
            | TSDB_DATA_TYPE_BLOB
            | TSDB_DATA_TYPE_GEOMETRY
    )
}

/// True when `ty` is a type code that can appear in a raw block (every defined code but MEDIUMBLOB).
pub fn is_known(ty: u8) -> bool {
    fixed_size(ty).is_some() || is_var(ty)
}

/// Size of the length prefix in front of each value of a variable-width type
/// (4 for BLOB, 2 for the others).
pub fn var_prefix_len(ty: u8) -> usize {
    if ty == TSDB_DATA_TYPE_BLOB {
        4
    } else {
        2
    }
}

/// The name libtaos's `taos_data_type` returns, e.g. `"TSDB_DATA_TYPE_INT"`; `"UNKNOWN"` for bad
/// codes. Like native libtaos (clientMain.c), DECIMAL64 (21) is not in its table and also gives
/// `"UNKNOWN"`; BINARY is reported as `"TSDB_DATA_TYPE_VARCHAR"`.
pub fn type_name(ty: u8) -> &'static str {
    match ty {
        TSDB_DATA_TYPE_NULL => "TSDB_DATA_TYPE_NULL",
        TSDB_DATA_TYPE_BOOL => "TSDB_DATA_TYPE_BOOL",
        TSDB_DATA_TYPE_TINYINT => "TSDB_DATA_TYPE_TINYINT",
        TSDB_DATA_TYPE_SMALLINT => "TSDB_DATA_TYPE_SMALLINT",
        TSDB_DATA_TYPE_INT => "TSDB_DATA_TYPE_INT",
        TSDB_DATA_TYPE_BIGINT => "TSDB_DATA_TYPE_BIGINT",
        TSDB_DATA_TYPE_FLOAT => "TSDB_DATA_TYPE_FLOAT",
        TSDB_DATA_TYPE_DOUBLE => "TSDB_DATA_TYPE_DOUBLE",
        TSDB_DATA_TYPE_VARCHAR => "TSDB_DATA_TYPE_VARCHAR",
        TSDB_DATA_TYPE_TIMESTAMP => "TSDB_DATA_TYPE_TIMESTAMP",
        TSDB_DATA_TYPE_NCHAR => "TSDB_DATA_TYPE_NCHAR",
        TSDB_DATA_TYPE_UTINYINT => "TSDB_DATA_TYPE_UTINYINT",
        TSDB_DATA_TYPE_USMALLINT => "TSDB_DATA_TYPE_USMALLINT",
        TSDB_DATA_TYPE_UINT => "TSDB_DATA_TYPE_UINT",
        TSDB_DATA_TYPE_UBIGINT => "TSDB_DATA_TYPE_UBIGINT",
        TSDB_DATA_TYPE_JSON => "TSDB_DATA_TYPE_JSON",
        TSDB_DATA_TYPE_VARBINARY => "TSDB_DATA_TYPE_VARBINARY",
        TSDB_DATA_TYPE_DECIMAL => "TSDB_DATA_TYPE_DECIMAL",
        TSDB_DATA_TYPE_BLOB => "TSDB_DATA_TYPE_BLOB",
        TSDB_DATA_TYPE_MEDIUMBLOB => "TSDB_DATA_TYPE_MEDIUMBLOB",
        TSDB_DATA_TYPE_GEOMETRY => "TSDB_DATA_TYPE_GEOMETRY",
        _ => "UNKNOWN",
    }
}

/// Internal (raw-block schema) width of a column from its user-visible width `user_bytes`
/// (`fields_lengths`, `TAOS_FIELD.bytes`), per ws-query.md §4.3:
/// fixed types → their size; VARCHAR/VARBINARY/GEOMETRY(n) → n + 2; NCHAR(n) → 4n + 2;
/// JSON(n) → 4n + 2; BLOB → n + 4 (u32 prefix).
///
/// DECIMAL/DECIMAL64 return the storage width only; use [`decimal_schema_width`] for the packed
/// schema entry. Results saturate at `i32::MAX` instead of overflowing.
pub fn internal_width(ty: u8, user_bytes: i64) -> i32 {
    let n = user_bytes.max(0);
    let w: i64 = match ty {
        TSDB_DATA_TYPE_VARCHAR | TSDB_DATA_TYPE_VARBINARY | TSDB_DATA_TYPE_GEOMETRY => n + 2,
        TSDB_DATA_TYPE_NCHAR | TSDB_DATA_TYPE_JSON => n.saturating_mul(4).saturating_add(2),
        TSDB_DATA_TYPE_BLOB => n + 4,
        _ => match fixed_size(ty) {
            Some(s) => s as i64,
            None => n,
        },
    };
    w.min(i32::MAX as i64) as i32
}

/// The packed DECIMAL/DECIMAL64 schema width `(bytes << 24) | (precision << 8) | scale` (§4.3).
pub fn decimal_schema_width(ty: u8, precision: u8, scale: u8) -> i32 {
    let bytes: u32 = if ty == TSDB_DATA_TYPE_DECIMAL { 16 } else { 8 };
    ((bytes << 24) | ((precision as u32) << 8) | scale as u32) as i32
}

/// Splits a packed DECIMAL schema width into `(storage bytes, precision, scale)`.
pub fn decimal_unpack_width(width: i32) -> (u8, u8, u8) {
    let w = width as u32;
    ((w >> 24) as u8, (w >> 8) as u8, w as u8)
}

/// True for DECIMAL and DECIMAL64.
pub fn is_decimal(ty: u8) -> bool {
    ty == TSDB_DATA_TYPE_DECIMAL || ty == TSDB_DATA_TYPE_DECIMAL64
}

/// Renders a DECIMAL / DECIMAL64 value from its unscaled integer (ws-query.md §5): a `.`
/// inserted `scale` digits from the right, `0.` and leading zeros when shorter, sign in front,
/// no point for scale 0. E.g. (-123400, 4) → `"-12.3400"`, (5, 3) → `"0.005"`.
pub fn format_decimal(unscaled: i128, scale: u8) -> String {
    let digits = unscaled.unsigned_abs().to_string();
    let sign = if unscaled < 0 { "-" } else { "" };
    let scale = scale as usize;
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    if digits.len() <= scale {
        format!("{sign}0.{}{digits}", "0".repeat(scale - digits.len()))
    } else {
        let (int, frac) = digits.split_at(digits.len() - scale);
        format!("{sign}{int}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(internal_width(TSDB_DATA_TYPE_VARCHAR, 10), 12);
        assert_eq!(internal_width(TSDB_DATA_TYPE_NCHAR, 5), 22);
        assert_eq!(internal_width(TSDB_DATA_TYPE_INT, 4), 4);
        assert_eq!(internal_width(TSDB_DATA_TYPE_TIMESTAMP, 0), 8);
        assert_eq!(fixed_size(TSDB_DATA_TYPE_DECIMAL), Some(16));
        assert_eq!(fixed_size(TSDB_DATA_TYPE_NCHAR), None);
        assert!(is_var(TSDB_DATA_TYPE_BLOB));
        assert!(!is_var(TSDB_DATA_TYPE_DECIMAL64));
        assert!(!is_known(TSDB_DATA_TYPE_MEDIUMBLOB));
        assert!(!is_known(22));
    }

    #[test]
    fn names() {
        assert_eq!(type_name(TSDB_DATA_TYPE_INT), "TSDB_DATA_TYPE_INT");
        assert_eq!(type_name(TSDB_DATA_TYPE_BINARY), "TSDB_DATA_TYPE_VARCHAR");
        assert_eq!(type_name(TSDB_DATA_TYPE_DECIMAL64), "UNKNOWN");
        assert_eq!(
            type_name(TSDB_DATA_TYPE_MEDIUMBLOB),
            "TSDB_DATA_TYPE_MEDIUMBLOB"
        );
        assert_eq!(type_name(200), "UNKNOWN");
    }

    #[test]
    fn decimal_text() {
        assert_eq!(format_decimal(-123_400, 4), "-12.3400");
        assert_eq!(format_decimal(5, 3), "0.005");
        assert_eq!(format_decimal(-5, 1), "-0.5");
        assert_eq!(format_decimal(1234, 0), "1234");
        assert_eq!(format_decimal(0, 2), "0.00");
        assert_eq!(
            format_decimal(i128::MIN, 38),
            "-1.70141183460469231731687303715884105728"
        );
    }

    #[test]
    fn decimal_packing() {
        let w = decimal_schema_width(TSDB_DATA_TYPE_DECIMAL, 20, 4);
        assert_eq!(w as u32, 0x1000_1404);
        assert_eq!(decimal_unpack_width(w), (16, 20, 4));
    }
}
