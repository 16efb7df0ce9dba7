//! Timestamps: precision units, `NOW`, durations, and parsing of timestamp strings.

use std::time::{SystemTime, UNIX_EPOCH};

use super::tz::TimeZone;

/// Ticks per second for a precision (0 ms, 1 µs, 2 ns).
pub fn ticks_per_sec(precision: u8) -> i64 {
    match precision {
        1 => 1_000_000,
        2 => 1_000_000_000,
        _ => 1_000,
    }
}

/// The current time in the given precision.
pub fn now(precision: u8) -> i64 {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let ns = d.as_nanos() as i64;
    ns / (1_000_000_000 / ticks_per_sec(precision))
}

/// Converts `value` of a duration unit (`b u a s m h d w`) to ticks of `precision`.
/// `None` for an unknown unit or overflow. Sub-tick units truncate toward zero.
pub fn duration_ticks(value: i64, unit: &str, precision: u8) -> Option<i64> {
    let ns_per_unit: i128 = match unit {
        "b" => 1,
        "u" => 1_000,
        "a" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        "d" => 86_400_000_000_000,
        "w" => 604_800_000_000_000,
        _ => return None,
    };
    let ns_per_tick = (1_000_000_000 / ticks_per_sec(precision)) as i128;
    let v = value as i128 * ns_per_unit / ns_per_tick;
    i64::try_from(v).ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

/// Small cursor over ASCII digits.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<(i64, usize)> {
        let start = self.i;
        let mut v: i64 = 0;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            v = v * 10 + (self.b[self.i] - b'0') as i64;
            self.i += 1;
        }
        let n = self.i - start;
        (n >= min).then_some((v, n))
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
}

/// Parses `YYYY-MM-DD[( |T)HH:MM:SS[.fraction]][Z|±HH[:MM]|±HHMM]` into ticks of
/// `precision`. Without an explicit zone the time is local to `tz`.
/// Returns `None` when the text is not a valid timestamp.
pub fn parse_timestamp(s: &str, precision: u8, tz: &TimeZone) -> Option<i64> {
    let s = s.trim();
    let mut c = Cur {
        b: s.as_bytes(),
        i: 0,
    };
    let (y, _) = c.digits(4, 4)?;
    if !c.eat(b'-') {
        return None;
    }
    let (mo, _) = c.digits(1, 2)?;
    if !c.eat(b'-') {
        return None;
    }
    let (d, _) = c.digits(1, 2)?;
    let (mut h, mut mi, mut sec, mut frac_ns) = (0i64, 0i64, 0i64, 0i64);
    if c.eat(b' ') || c.eat(b'T') {
        h = c.digits(1, 2)?.0;
        if !c.eat(b':') {
            return None;
        }
        mi = c.digits(1, 2)?.0;
        if !c.eat(b':') {
            return None;
        }
        sec = c.digits(1, 2)?.0;
        if c.eat(b'.') {
            let start = c.i;
            let mut digits = 0;
            while !c.done() && c.b[c.i].is_ascii_digit() {
                if digits < 9 {
                    frac_ns = frac_ns * 10 + (c.b[c.i] - b'0') as i64;
                    digits += 1;
                }
                c.i += 1;
            }
            if c.i == start {
                return None;
            }
            for _ in digits..9 {
                frac_ns *= 10;
            }
        }
    }
    if !(1..=12).contains(&mo)
        || d < 1
        || d > days_in_month(y, mo as u32) as i64
        || h > 23
        || mi > 59
        || sec > 59
    {
        return None;
    }
    let days = days_from_civil(y, mo as u32, d as u32);
    let local_secs = days * 86_400 + h * 3600 + mi * 60 + sec;
    // Zone designator.
    let offset = if c.done() {
        None
    } else if c.eat(b'Z') || c.eat(b'z') {
        Some(0)
    } else {
        let sign = if c.eat(b'+') {
            1
        } else if c.eat(b'-') {
            -1
        } else {
            return None;
        };
        let (hh, n) = c.digits(2, 4)?;
        let (oh, om) = if n == 4 {
            (hh / 100, hh % 100)
        } else {
            let om = if c.eat(b':') { c.digits(2, 2)?.0 } else { 0 };
            (hh, om)
        };
        Some(sign * (oh * 3600 + om * 60))
    };
    if !c.done() {
        return None;
    }
    let utc_secs = match offset {
        Some(o) => local_secs - o,
        None => local_secs - tz.offset_for_local(local_secs)? as i64,
    };
    let tps = ticks_per_sec(precision);
    let sub = frac_ns / (1_000_000_000 / tps);
    utc_secs.checked_mul(tps)?.checked_add(sub)
}

/// Midnight today (in `tz`) in ticks of `precision`; `None` if the zone cannot say.
pub fn today(precision: u8, tz: &TimeZone) -> Option<i64> {
    let tps = ticks_per_sec(precision);
    let now_s = now(0) / 1000;
    let off = tz.offset_at(now_s)? as i64;
    let local = now_s + off;
    let midnight_local = local - local.rem_euclid(86_400);
    Some((midnight_local - off) * tps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        let utc = TimeZone::utc();
        assert_eq!(
            parse_timestamp("2023-11-14 22:13:20.000", 0, &utc),
            Some(1_700_000_000_000)
        );
        assert_eq!(
            parse_timestamp("2023-11-14T22:13:20Z", 1, &utc),
            Some(1_700_000_000_000_000)
        );
        assert_eq!(
            parse_timestamp("2023-11-15T06:13:20.5+08:00", 0, &utc),
            Some(1_700_000_000_500)
        );
        assert_eq!(
            parse_timestamp("2023-11-15 06:13:20.123456789+0800", 2, &utc),
            Some(1_700_000_000_123_456_789)
        );
        assert_eq!(parse_timestamp("2024-02-30 00:00:00", 0, &utc), None);
        assert_eq!(parse_timestamp("hello", 0, &utc), None);
        assert_eq!(parse_timestamp("1970-01-01", 0, &utc), Some(0));
        let cst = TimeZone::parse("UTC+8").unwrap();
        let cst = &*cst;
        assert_eq!(
            parse_timestamp("2023-11-15 06:13:20", 0, cst),
            Some(1_700_000_000_000)
        );
    }

    #[test]
    fn durations_and_civil() {
        assert_eq!(duration_ticks(1, "h", 0), Some(3_600_000));
        assert_eq!(duration_ticks(1, "a", 2), Some(1_000_000));
        assert_eq!(duration_ticks(1500, "u", 0), Some(1));
        assert_eq!(duration_ticks(1, "n", 0), None);
        for days in [-800_000i64, -1, 0, 59, 19_000, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
