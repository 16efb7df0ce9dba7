//! InfluxDB line protocol (`TSDB_SML_LINE_PROTOCOL`), parsed the way TDengine's client does.
//!
//! `measurement[,tag=value…] field=value[,field=value…] [timestamp]`
//!
//! Escaping follows TDengine, not InfluxDB: a `,`, ` `, `=` or `"` counts as a delimiter only
//! when the byte before it is not a backslash, and a backslash before any of `, = " \` is
//! dropped (so `\\` is one backslash). Field values may be quoted; inside quotes spaces,
//! commas and equals signs are plain text.

use taos_wire::error::codes;

use super::time::{line_ts, TimeCtx};
use super::types::{ParseError, SmlValue, MAX_COL_NAME_LEN, MAX_NCHAR_LEN, MAX_TABLE_NAME_LEN};
use super::Point;

const ESCAPABLE: &[u8] = b", =\"\\";

/// True when `b[i]` is `ch` and not escaped by the byte before it.
fn is_delim(b: &[u8], i: usize, ch: u8) -> bool {
    b[i] == ch && (i == 0 || b[i - 1] != b'\\')
}

/// Removes escaping backslashes the way TDengine's `PROCESS_SLASH` does.
pub(crate) fn unescape(raw: &[u8]) -> Result<String, ParseError> {
    if !raw.contains(&b'\\') {
        return to_string(raw.to_vec());
    }
    let mut out: Vec<u8> = Vec::with_capacity(raw.len());
    for &c in raw {
        match out.last_mut() {
            // The escaped byte replaces its backslash; it can itself escape the next byte,
            // which is what TDengine's in-place shifting produces.
            Some(last) if *last == b'\\' && ESCAPABLE.contains(&c) => *last = c,
            _ => out.push(c),
        }
    }
    to_string(out)
}

fn to_string(bytes: Vec<u8>) -> Result<String, ParseError> {
    // Only ASCII bytes are ever removed, so valid UTF-8 input stays valid; keep the check so a
    // surprise can never panic.
    String::from_utf8(bytes)
        .map_err(|_| ParseError::new(codes::TSDB_CODE_SML_INVALID_DATA, "invalid UTF-8"))
}

fn invalid_data(detail: &str, rest: &[u8]) -> ParseError {
    ParseError::new(
        codes::TSDB_CODE_SML_INVALID_DATA,
        format!("{detail}:{}", String::from_utf8_lossy(rest)),
    )
}

fn check_key(key: &str) -> Result<(), ParseError> {
    if key.is_empty() || key.len() > MAX_COL_NAME_LEN {
        return Err(ParseError::new(
            codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH,
            format!("invalid key or key is too long than {MAX_COL_NAME_LEN}:{key}"),
        ));
    }
    Ok(())
}

/// Parses one line (comment lines are removed by the caller).
pub(crate) fn parse_line(
    line: &str,
    precision: i32,
    ctx: &TimeCtx,
) -> Result<Point, ParseError> {
    let b = line.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n && b[i] == b' ' {
        i += 1;
    }
    if i < n && b[i] == b',' {
        return Err(invalid_data("invalid data", &b[i..]));
    }

    // Measurement: up to an unescaped comma or space.
    let start = i;
    while i < n && !is_delim(b, i, b',') && !is_delim(b, i, b' ') {
        i += 1;
    }
    let measure = unescape(&b[start..i])?;
    if measure.is_empty() || measure.len() > MAX_TABLE_NAME_LEN {
        return Err(ParseError::new(
            codes::TSDB_CODE_TSC_INVALID_TABLE_ID_LENGTH,
            format!("measure is empty or too large than {MAX_TABLE_NAME_LEN}"),
        ));
    }

    // Tag section: after the comma, up to the first unescaped space.
    let mut section_end = i;
    while section_end < n && !is_delim(b, section_end, b' ') {
        section_end += 1;
    }
    let mut tags = Vec::new();
    if i < n && b[i] == b',' {
        parse_tags(b, i + 1, section_end, &mut tags)?;
    }

    // Fields.
    let mut p = section_end;
    while p < n && b[p] == b' ' {
        p += 1;
    }
    let mut fields = Vec::new();
    p = parse_fields(b, p, &mut fields)?;
    if fields.is_empty() {
        return Err(invalid_data("cols is empty", &b[p.min(n)..]));
    }

    // Timestamp: after spaces, up to any whitespace; anything after it is ignored.
    while p < n && b[p] == b' ' {
        p += 1;
    }
    let ts_start = p;
    while p < n && !b[p].is_ascii_whitespace() && b[p] != 0x0b {
        p += 1;
    }
    let ts_text = line.get(ts_start..p).unwrap_or("");
    let ts = line_ts(ts_text, precision, ctx)?;
    Ok(Point { measure, tags, fields, ts })
}

fn parse_tags(
    b: &[u8],
    mut p: usize,
    end: usize,
    tags: &mut Vec<(String, SmlValue)>,
) -> Result<(), ParseError> {
    while p < end {
        // Key: up to an unescaped '='; an unescaped comma first is an error.
        let key_start = p;
        let mut key_end = None;
        while p < end {
            if is_delim(b, p, b',') {
                return Err(invalid_data("invalid data", &b[p..]));
            }
            if is_delim(b, p, b'=') {
                key_end = Some(p);
                p += 1;
                break;
            }
            p += 1;
        }
        let key = match key_end {
            Some(e) => unescape(&b[key_start..e])?,
            None => String::new(),
        };
        check_key(&key)?;

        let value_start = p;
        while p < end && !is_delim(b, p, b',') {
            if is_delim(b, p, b'=') {
                return Err(invalid_data("invalid data", &b[p..]));
            }
            p += 1;
        }
        if p == value_start {
            return Err(invalid_data("invalid value", &b[value_start..]));
        }
        let value = unescape(&b[value_start..p])?;
        if value.len() > MAX_NCHAR_LEN {
            return Err(ParseError::new(
                codes::TSDB_CODE_PAR_INVALID_VAR_COLUMN_LEN,
                format!("tag value of {key} is longer than {MAX_NCHAR_LEN}"),
            ));
        }
        tags.push((key, SmlValue::NChar(value)));
        p += 1; // skip the comma (or step past the end)
    }
    Ok(())
}

/// Parses `key=value[,key=value…]` from `p`; returns the position after the last value.
fn parse_fields(
    b: &[u8],
    mut p: usize,
    fields: &mut Vec<(String, SmlValue)>,
) -> Result<usize, ParseError> {
    let n = b.len();
    while p < n {
        if is_delim(b, p, b' ') {
            break;
        }
        // Key: like TDengine, the key scan does not stop at spaces.
        let key_start = p;
        let mut key_end = None;
        while p < n {
            if is_delim(b, p, b',') {
                return Err(invalid_data("invalid data", &b[p..]));
            }
            if is_delim(b, p, b'=') {
                key_end = Some(p);
                p += 1;
                break;
            }
            p += 1;
        }
        let key = match key_end {
            Some(e) => unescape(&b[key_start..e])?,
            None => String::new(),
        };
        check_key(&key)?;

        let value_start = p;
        let mut in_quote = false;
        while p < n {
            if is_delim(b, p, b'"') {
                in_quote = !in_quote;
                p += 1;
                continue;
            }
            if !in_quote {
                if is_delim(b, p, b' ') || is_delim(b, p, b',') {
                    break;
                }
                if is_delim(b, p, b'=') {
                    return Err(invalid_data("invalid data", &b[p..]));
                }
            }
            p += 1;
        }
        if in_quote {
            return Err(invalid_data("only one quote", &b[value_start..]));
        }
        if p == value_start {
            return Err(invalid_data("invalid value", &b[value_start..]));
        }
        let raw = unescape(&b[value_start..p])?;
        let value = parse_value(&raw)?;
        fields.push((key, value));
        if p < n && is_delim(b, p, b' ') {
            break;
        }
        p += 1; // past the comma
    }
    Ok(p.min(n))
}

fn invalid_value(detail: &str, raw: &str) -> ParseError {
    ParseError::new(codes::TSDB_CODE_TSC_INVALID_VALUE, format!("{detail}:{raw}"))
}

/// Content between `prefix"` and the closing quote, if `raw` has that shape.
fn quoted<'a>(raw: &'a str, prefix_len: usize) -> Option<&'a str> {
    let b = raw.as_bytes();
    if b.len() >= prefix_len + 2 && b[prefix_len] == b'"' && b[b.len() - 1] == b'"' {
        raw.get(prefix_len + 1..raw.len() - 1)
    } else {
        None
    }
}

/// Types one (unescaped) field value: strings, bools and suffixed numbers
/// (`TSDB_CODE_TSC_INVALID_VALUE` when nothing fits, `…PAR_INVALID_VAR_COLUMN_LEN` when a
/// string is too long).
pub(crate) fn parse_value(raw: &str) -> Result<SmlValue, ParseError> {
    let first = raw.as_bytes().first().copied().unwrap_or(0);
    let value = match first {
        b'"' => match quoted(raw, 0) {
            Some(s) => SmlValue::VarChar(s.to_string()),
            None => return Err(invalid_value("invalid string", raw)),
        },
        b'l' | b'L' => match quoted(raw, 1) {
            Some(s) => SmlValue::NChar(s.to_string()),
            None => return Err(invalid_value("invalid nchar", raw)),
        },
        b'g' | b'G' => match quoted(raw, 1) {
            Some(s) => SmlValue::Geometry(s.to_string()),
            None => return Err(invalid_value("invalid geometry", raw)),
        },
        b'b' | b'B' => match quoted(raw, 1) {
            Some(s) => SmlValue::VarBinary(varbinary(s).ok_or_else(|| invalid_value("invalid varbinary", raw))?),
            None => return Err(invalid_value("invalid varbinary", raw)),
        },
        b't' | b'T' => {
            if raw.len() == 1 || raw.eq_ignore_ascii_case("true") {
                SmlValue::Bool(true)
            } else {
                return Err(invalid_value("invalid bool", raw));
            }
        }
        b'f' | b'F' => {
            if raw.len() == 1 || raw.eq_ignore_ascii_case("false") {
                SmlValue::Bool(false)
            } else {
                return Err(invalid_value("invalid bool", raw));
            }
        }
        _ => parse_number(raw)?,
    };
    value.check_len()?;
    Ok(value)
}

/// `\x` followed by hex digits is hex; anything else is the literal bytes.
fn varbinary(s: &str) -> Option<Vec<u8>> {
    let Some(hex) = s.strip_prefix("\\x") else {
        return Some(s.as_bytes().to_vec());
    };
    let h = hex.as_bytes();
    if h.len() % 2 != 0 {
        return None;
    }
    let nib = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    h.chunks_exact(2)
        .map(|p| Some(nib(p[0])? << 4 | nib(p[1])?))
        .collect()
}

/// Length of the longest prefix `strtod` would accept (decimal forms, `inf`, `nan`), after
/// leading whitespace.
fn float_prefix_len(b: &[u8]) -> usize {
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let rest = &b[i..];
    for word in ["infinity", "inf", "nan"] {
        if rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word.as_bytes()) {
            return i + word.len();
        }
    }
    let digits_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut mantissa_digits = i - digits_start;
    if i < b.len() && b[i] == b'.' {
        let frac_start = i + 1;
        let mut j = frac_start;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        mantissa_digits += j - frac_start;
        if mantissa_digits > 0 {
            i = j;
        }
    }
    if mantissa_digits == 0 {
        return 0;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let exp_start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > exp_start {
            i = j;
        }
    }
    i
}

/// Exact integer value of a plain decimal literal, used instead of the double for 64-bit
/// types so large values keep every digit.
fn exact_int(text: &str) -> Option<i128> {
    let t = text.trim_start();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || digits.len() > 30 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse::<i128>().ok()
}

fn out_of_range(what: &str, raw: &str) -> ParseError {
    invalid_value(&format!("{what} out of range"), raw)
}

/// A number with an optional type suffix (`i8`…`u64`, `i`, `u`, `f32`, `f64`; three-letter
/// suffixes in any case, the one-letter `i`/`u` lowercase only, as in TDengine).
fn parse_number(raw: &str) -> Result<SmlValue, ParseError> {
    let len = float_prefix_len(raw.as_bytes());
    if len == 0 {
        return Err(invalid_value("invalid data", raw));
    }
    let (num, suffix) = raw.split_at(len);
    let d: f64 = num
        .trim_start()
        .parse()
        .map_err(|_| invalid_value("invalid data", raw))?;
    let suffix_is = |s: &str| suffix.eq_ignore_ascii_case(s);
    let in_range = |lo: f64, hi: f64| d >= lo && d <= hi;
    Ok(if suffix.is_empty() || suffix_is("f64") {
        SmlValue::Double(d)
    } else if suffix_is("f32") {
        if !in_range(-f64::from(f32::MAX), f64::from(f32::MAX)) {
            return Err(out_of_range("float", raw));
        }
        SmlValue::Float(d as f32)
    } else if suffix == "i" || suffix_is("i64") {
        match exact_int(num) {
            Some(v) => SmlValue::BigInt(i64::try_from(v).map_err(|_| out_of_range("big int", raw))?),
            None if in_range(i64::MIN as f64, i64::MAX as f64) && d.is_finite() => {
                SmlValue::BigInt(d as i64)
            }
            None => return Err(out_of_range("big int", raw)),
        }
    } else if suffix == "u" || suffix_is("u64") {
        match exact_int(num) {
            Some(v) => SmlValue::UBigInt(
                u64::try_from(v).map_err(|_| out_of_range("unsigned big int", raw))?,
            ),
            None if in_range(0.0, u64::MAX as f64) && d.is_finite() => SmlValue::UBigInt(d as u64),
            None => return Err(out_of_range("unsigned big int", raw)),
        }
    } else if suffix_is("i32") {
        if !in_range(f64::from(i32::MIN), f64::from(i32::MAX)) {
            return Err(out_of_range("int", raw));
        }
        SmlValue::Int(d as i32)
    } else if suffix_is("u32") {
        if !in_range(0.0, f64::from(u32::MAX)) {
            return Err(out_of_range("unsigned int", raw));
        }
        SmlValue::UInt(d as u32)
    } else if suffix_is("i16") {
        if !in_range(f64::from(i16::MIN), f64::from(i16::MAX)) {
            return Err(out_of_range("small int", raw));
        }
        SmlValue::SmallInt(d as i16)
    } else if suffix_is("u16") {
        if !in_range(0.0, f64::from(u16::MAX)) {
            return Err(out_of_range("unsigned small int", raw));
        }
        SmlValue::USmallInt(d as u16)
    } else if suffix_is("i8") {
        if !in_range(f64::from(i8::MIN), f64::from(i8::MAX)) {
            return Err(out_of_range("tiny int", raw));
        }
        SmlValue::TinyInt(d as i8)
    } else if suffix_is("u8") {
        if !in_range(0.0, f64::from(u8::MAX)) {
            return Err(out_of_range("unsigned tiny int", raw));
        }
        SmlValue::UTinyInt(d as u8)
    } else {
        return Err(invalid_value("invalid data", raw));
    })
}
