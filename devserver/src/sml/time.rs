//! Schemaless timestamps: request precision (`TSDB_SML_TIMESTAMP_*`), OpenTSDB digit-count
//! detection, and conversion to the database precision.

use taos_wire::error::codes;
use taos_wire::types::{TSDB_TIME_PRECISION_MICRO, TSDB_TIME_PRECISION_MILLI};

use super::types::ParseError;

/// `TSDB_SML_TIMESTAMP_NOT_CONFIGURED` (line protocol: nanoseconds).
pub const TSDB_SML_TIMESTAMP_NOT_CONFIGURED: i32 = 0;
/// `TSDB_SML_TIMESTAMP_HOURS`.
pub const TSDB_SML_TIMESTAMP_HOURS: i32 = 1;
/// `TSDB_SML_TIMESTAMP_MINUTES`.
pub const TSDB_SML_TIMESTAMP_MINUTES: i32 = 2;
/// `TSDB_SML_TIMESTAMP_SECONDS`.
pub const TSDB_SML_TIMESTAMP_SECONDS: i32 = 3;
/// `TSDB_SML_TIMESTAMP_MILLI_SECONDS`.
pub const TSDB_SML_TIMESTAMP_MILLI_SECONDS: i32 = 4;
/// `TSDB_SML_TIMESTAMP_MICRO_SECONDS`.
pub const TSDB_SML_TIMESTAMP_MICRO_SECONDS: i32 = 5;
/// `TSDB_SML_TIMESTAMP_NANO_SECONDS`.
pub const TSDB_SML_TIMESTAMP_NANO_SECONDS: i32 = 6;

/// Nanoseconds per unit of a `TSDB_SML_TIMESTAMP_*` value (NOT_CONFIGURED = ns).
pub fn sml_unit_nanos(precision: i32) -> Option<i128> {
    Some(match precision {
        TSDB_SML_TIMESTAMP_NOT_CONFIGURED | TSDB_SML_TIMESTAMP_NANO_SECONDS => 1,
        TSDB_SML_TIMESTAMP_HOURS => 3_600_000_000_000,
        TSDB_SML_TIMESTAMP_MINUTES => 60_000_000_000,
        TSDB_SML_TIMESTAMP_SECONDS => 1_000_000_000,
        TSDB_SML_TIMESTAMP_MILLI_SECONDS => 1_000_000,
        TSDB_SML_TIMESTAMP_MICRO_SECONDS => 1_000,
        _ => return None,
    })
}

/// Nanoseconds per unit of a database precision (0 ms, 1 µs, 2 ns).
pub fn db_unit_nanos(db_precision: u8) -> i128 {
    match db_precision {
        TSDB_TIME_PRECISION_MILLI => 1_000_000,
        TSDB_TIME_PRECISION_MICRO => 1_000,
        _ => 1,
    }
}

/// Converts `value` counted in units of `from_nanos` ns to the database precision, truncating
/// toward zero like TDengine; `None` when the result does not fit an i64.
pub fn convert(value: i64, from_nanos: i128, db_precision: u8) -> Option<i64> {
    let ns = i128::from(value) * from_nanos;
    i64::try_from(ns / db_unit_nanos(db_precision)).ok()
}

/// Where "now" comes from (fixed in tests).
#[derive(Debug, Clone, Copy)]
pub struct TimeCtx {
    /// Target database precision (0 ms, 1 µs, 2 ns).
    pub db_precision: u8,
    /// Current time in nanoseconds since the epoch.
    pub now_ns: i64,
}

impl TimeCtx {
    /// "Now" in the database precision.
    pub fn now(&self) -> i64 {
        (i128::from(self.now_ns) / db_unit_nanos(self.db_precision)) as i64
    }
}

fn invalid_ts(detail: impl Into<String>) -> ParseError {
    ParseError::new(codes::TSDB_CODE_INVALID_TIMESTAMP, detail)
}

/// Parses a whole token as a decimal i64 (optional sign), like `strtoll` with an end check.
fn parse_i64(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok()
}

/// Line-protocol timestamp: empty or `0` = now; otherwise an integer in the request precision.
/// Results that are not positive are `TSDB_CODE_INVALID_TIMESTAMP`, as in TDengine.
pub fn line_ts(text: &str, precision: i32, ctx: &TimeCtx) -> Result<i64, ParseError> {
    if text.is_empty() || text == "0" {
        return Ok(ctx.now());
    }
    let from = sml_unit_nanos(precision).ok_or_else(|| invalid_ts("invalid precision"))?;
    let v = parse_i64(text).ok_or_else(|| invalid_ts(format!("invalid timestamp:{text}")))?;
    let ts = convert(v, from, ctx.db_precision)
        .ok_or_else(|| invalid_ts(format!("timestamp out of range:{text}")))?;
    if ts <= 0 {
        return Err(invalid_ts(format!("invalid timestamp:{text}")));
    }
    Ok(ts)
}

/// Unit of an OpenTSDB timestamp from its digit count: 10 = seconds, 13 = milliseconds.
fn opentsdb_unit(digits: usize) -> Option<i128> {
    match digits {
        10 => Some(1_000_000_000),
        13 => Some(1_000_000),
        _ => None,
    }
}

const OTD_PRECISION_MSG: &str =
    "timestamp precision can only be seconds(10 digits) or milli seconds(13 digits)";

/// Telnet timestamp token: `0` = now, 10 digits = s, 13 digits = ms (request precision
/// ignored).
pub fn telnet_ts(text: &str, ctx: &TimeCtx) -> Result<i64, ParseError> {
    if text == "0" {
        return Ok(ctx.now());
    }
    let unit = opentsdb_unit(text.len())
        .ok_or_else(|| invalid_ts(format!("{OTD_PRECISION_MSG}:{text}")))?;
    let v = parse_i64(text).ok_or_else(|| invalid_ts(format!("invalid timestamp:{text}")))?;
    let ts = convert(v, unit, ctx.db_precision)
        .ok_or_else(|| invalid_ts(format!("invalid timestamp:{text}")))?;
    if ts < 0 {
        return Err(invalid_ts(format!("invalid timestamp:{text}")));
    }
    Ok(ts)
}

/// JSON numeric timestamp: 0 = now, negative is an error, otherwise the digit count of the
/// integer part picks seconds or milliseconds.
pub fn json_number_ts(v: f64, ctx: &TimeCtx) -> Result<i64, ParseError> {
    if !v.is_finite() || v >= i64::MAX as f64 || v <= i64::MIN as f64 {
        return Err(invalid_ts("timestamp is too large"));
    }
    if v < 0.0 {
        return Err(invalid_ts("timestamp is negative"));
    }
    if v == 0.0 {
        return Ok(ctx.now());
    }
    let int = v as i64;
    let digits = int.checked_ilog10().map_or(1, |d| d as usize + 1);
    let unit = opentsdb_unit(digits).ok_or_else(|| invalid_ts(OTD_PRECISION_MSG))?;
    convert(int, unit, ctx.db_precision).ok_or_else(|| invalid_ts("timestamp is too large"))
}

/// JSON object timestamp `{"value": n, "type": "s"|"ms"|"us"|"ns"}` (type case-insensitive).
pub fn json_typed_ts(v: f64, unit: &str, ctx: &TimeCtx) -> Result<i64, ParseError> {
    if !v.is_finite() || v >= i64::MAX as f64 || v <= i64::MIN as f64 {
        return Err(invalid_ts("timestamp is too large"));
    }
    if v == 0.0 {
        return Ok(ctx.now());
    }
    if v < 0.0 {
        return Err(invalid_ts("timestamp is negative"));
    }
    let from: i128 = match unit.to_ascii_lowercase().as_str() {
        "s" => 1_000_000_000,
        "ms" => 1_000_000,
        "us" => 1_000,
        "ns" => 1,
        _ => return Err(invalid_ts(format!("invalid timestamp type:{unit}"))),
    };
    convert(v as i64, from, ctx.db_precision).ok_or_else(|| invalid_ts("timestamp is too large"))
}

/// Current wall-clock time in nanoseconds.
pub fn system_now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use taos_wire::types::TSDB_TIME_PRECISION_NANO;

    const NOW: i64 = 1_700_000_000_123_456_789;

    fn ctx(db: u8) -> TimeCtx {
        TimeCtx {
            db_precision: db,
            now_ns: NOW,
        }
    }

    #[test]
    fn line_every_precision_to_every_db_precision() {
        let ms = ctx(TSDB_TIME_PRECISION_MILLI);
        let us = ctx(TSDB_TIME_PRECISION_MICRO);
        let ns = ctx(TSDB_TIME_PRECISION_NANO);
        // Not configured = nanoseconds.
        assert_eq!(
            line_ts("1626006833639000000", 0, &ms).unwrap(),
            1626006833639
        );
        assert_eq!(
            line_ts("1626006833639000123", 0, &us).unwrap(),
            1626006833639000
        );
        assert_eq!(
            line_ts("1626006833639000123", 6, &ns).unwrap(),
            1626006833639000123
        );
        assert_eq!(line_ts("1626006833639001", 5, &ms).unwrap(), 1626006833639);
        assert_eq!(
            line_ts("1626006833639", 4, &ns).unwrap(),
            1626006833639000000
        );
        assert_eq!(line_ts("1626006833", 3, &ms).unwrap(), 1626006833000);
        assert_eq!(line_ts("27100113", 2, &ms).unwrap(), 27100113 * 60_000);
        assert_eq!(line_ts("451668", 1, &us).unwrap(), 451668 * 3_600_000_000);
        // Missing or 0 = now, in the database precision.
        assert_eq!(line_ts("", 4, &ms).unwrap(), NOW / 1_000_000);
        assert_eq!(line_ts("0", 4, &us).unwrap(), NOW / 1_000);
        assert_eq!(line_ts("0", 4, &ns).unwrap(), NOW);
    }

    #[test]
    fn line_errors() {
        let ms = ctx(TSDB_TIME_PRECISION_MILLI);
        for bad in ["abc", "12a", "1.5", "-5", "+", "99999999999999999999"] {
            let err = line_ts(bad, 4, &ms).unwrap_err();
            assert_eq!(err.code, codes::TSDB_CODE_INVALID_TIMESTAMP, "{bad}");
        }
        // Hours that overflow nanoseconds.
        let err = line_ts("9223372036854775807", 1, &ctx(TSDB_TIME_PRECISION_NANO)).unwrap_err();
        assert_eq!(err.code, codes::TSDB_CODE_INVALID_TIMESTAMP);
        // A nanosecond value that truncates to 0 ms is not positive.
        assert!(line_ts("5", 0, &ms).is_err());
    }

    #[test]
    fn opentsdb_digit_counts() {
        let ms = ctx(TSDB_TIME_PRECISION_MILLI);
        let us = ctx(TSDB_TIME_PRECISION_MICRO);
        assert_eq!(telnet_ts("1626006833", &ms).unwrap(), 1626006833000);
        assert_eq!(telnet_ts("1626006833639", &us).unwrap(), 1626006833639000);
        assert_eq!(telnet_ts("0", &ms).unwrap(), NOW / 1_000_000);
        let err = telnet_ts("16260068336", &ms).unwrap_err();
        assert_eq!(err.code, codes::TSDB_CODE_INVALID_TIMESTAMP);
        assert!(err.detail.contains("10 digits"));
        assert!(telnet_ts("16260068x3", &ms).is_err());
        assert_eq!(json_number_ts(1626006833.0, &ms).unwrap(), 1626006833000);
        assert_eq!(json_number_ts(1626006833639.0, &ms).unwrap(), 1626006833639);
        assert_eq!(json_number_ts(0.0, &ms).unwrap(), NOW / 1_000_000);
        assert!(json_number_ts(-1.0, &ms).is_err());
        assert!(json_number_ts(123.0, &ms).is_err());
        assert!(json_number_ts(1e30, &ms).is_err());
        assert_eq!(
            json_typed_ts(1626006833639001.0, "us", &ms).unwrap(),
            1626006833639
        );
        assert_eq!(json_typed_ts(5.0, "S", &ms).unwrap(), 5000);
        assert_eq!(
            json_typed_ts(7.0, "ns", &ctx(TSDB_TIME_PRECISION_NANO)).unwrap(),
            7
        );
        assert!(json_typed_ts(7.0, "h", &ms).is_err());
    }
}
