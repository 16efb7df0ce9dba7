//! OpenTSDB telnet protocol (`TSDB_SML_TELNET_PROTOCOL`):
//! `<metric> <timestamp> <value> <tagk_1>=<tagv_1>[ <tagk_n>=<tagv_n>…]`.
//!
//! Elements are separated by one or more spaces; there is no escaping. The timestamp's digit
//! count picks seconds (10) or milliseconds (13); the value follows the line-protocol field
//! rules (plain numbers are DOUBLE); tags are NCHAR and at least one is required.

use taos_wire::error::codes;

use super::line::parse_value;
use super::time::{telnet_ts, TimeCtx};
use super::types::{ParseError, SmlValue, MAX_COL_NAME_LEN, MAX_NCHAR_LEN, MAX_TABLE_NAME_LEN};
use super::Point;

/// Name of the single value column.
pub const VALUE_COLUMN: &str = "_value";

/// Next space-separated element from `*pos`, or `None` at the end.
fn element<'a>(line: &'a str, pos: &mut usize) -> Option<&'a str> {
    let b = line.as_bytes();
    while *pos < b.len() && b[*pos] == b' ' {
        *pos += 1;
    }
    let start = *pos;
    while *pos < b.len() && b[*pos] != b' ' {
        *pos += 1;
    }
    (start < *pos).then(|| &line[start..*pos])
}

/// Parses one telnet line.
pub(crate) fn parse_line(line: &str, ctx: &TimeCtx) -> Result<Point, ParseError> {
    let mut pos = 0;
    let measure = match element(line, &mut pos) {
        Some(m) if m.len() <= MAX_TABLE_NAME_LEN => m.to_string(),
        _ => {
            return Err(ParseError::new(
                codes::TSDB_CODE_TSC_INVALID_TABLE_ID_LENGTH,
                format!("metric is empty or too large than {MAX_TABLE_NAME_LEN}"),
            ))
        }
    };
    let ts_text = element(line, &mut pos).ok_or_else(|| {
        ParseError::new(codes::TSDB_CODE_SML_INVALID_DATA, "invalid timestamp: missing")
    })?;
    let ts = telnet_ts(ts_text, ctx)?;
    let value_text = element(line, &mut pos).ok_or_else(|| {
        ParseError::new(codes::TSDB_CODE_TSC_INVALID_VALUE, "invalid value: missing")
    })?;
    let value = parse_value(value_text)?;

    let mut tags = Vec::new();
    let b = line.as_bytes();
    while let Some(tag) = element(line, &mut pos) {
        let Some(eq) = tag.find('=') else {
            // TDengine's key scan runs into the following space (invalid data) or the end of
            // the line (empty key).
            return Err(if pos < b.len() {
                ParseError::new(codes::TSDB_CODE_SML_INVALID_DATA, format!("invalid data:{tag}"))
            } else {
                ParseError::new(
                    codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH,
                    format!("invalid key or key is too long than {MAX_COL_NAME_LEN}:{tag}"),
                )
            });
        };
        let (key, val) = (&tag[..eq], &tag[eq + 1..]);
        if key.is_empty() || key.len() > MAX_COL_NAME_LEN {
            return Err(ParseError::new(
                codes::TSDB_CODE_TSC_INVALID_COLUMN_LENGTH,
                format!("invalid key or key is too long than {MAX_COL_NAME_LEN}:{key}"),
            ));
        }
        if val.contains('=') {
            return Err(ParseError::new(
                codes::TSDB_CODE_SML_INVALID_DATA,
                format!("invalid data:{val}"),
            ));
        }
        if val.is_empty() {
            return Err(ParseError::new(
                codes::TSDB_CODE_TSC_INVALID_VALUE,
                format!("invalid value:{key}="),
            ));
        }
        if val.len() > MAX_NCHAR_LEN {
            return Err(ParseError::new(
                codes::TSDB_CODE_PAR_INVALID_VAR_COLUMN_LEN,
                format!("tag value of {key} is longer than {MAX_NCHAR_LEN}"),
            ));
        }
        tags.push((key.to_string(), SmlValue::NChar(val.to_string())));
    }
    if tags.is_empty() {
        return Err(ParseError::new(
            codes::TSDB_CODE_TSC_INVALID_VALUE,
            "invalid data: at least one tag is required",
        ));
    }
    Ok(Point { measure, tags, fields: vec![(VALUE_COLUMN.to_string(), value)], ts })
}
