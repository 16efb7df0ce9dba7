//! Time zones for timestamp strings without an explicit offset.
//!
//! Supports UTC, fixed offsets in TDengine's spelling (`UTC+8`, `GMT-05:30`, `+08:00`) and IANA
//! names read from the system's TZif files (`/usr/share/zoneinfo`). Instants after the last
//! transition of a zone whose footer rule has daylight saving are refused rather than guessed.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;

/// A resolved time zone.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeZone {
    /// Offset before the first transition (or the fixed offset), seconds east of UTC.
    initial: i32,
    /// (UTC instant in seconds, offset from then on).
    transitions: Vec<(i64, i32)>,
    /// Whether the zone keeps changing (daylight saving) after its last listed transition.
    dst_tail: bool,
    /// False for a zone name that could not be resolved: every offset is unknown.
    known: bool,
}

impl TimeZone {
    /// UTC.
    pub fn utc() -> Self {
        TimeZone {
            initial: 0,
            transitions: Vec::new(),
            dst_tail: false,
            known: true,
        }
    }

    /// A zone whose offsets are unknown (an unresolvable name): timestamps that need it are
    /// refused instead of guessed.
    pub fn unknown() -> Self {
        TimeZone {
            initial: 0,
            transitions: Vec::new(),
            dst_tail: false,
            known: false,
        }
    }

    /// Resolves a zone name; cached per name.
    pub fn parse(name: &str) -> Result<Arc<TimeZone>, String> {
        static CACHE: OnceLock<Mutex<HashMap<String, Arc<TimeZone>>>> = OnceLock::new();
        let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
        if let Some(z) = cache.lock().get(name) {
            return Ok(z.clone());
        }
        let z = Arc::new(Self::resolve(name)?);
        cache.lock().insert(name.to_string(), z.clone());
        Ok(z)
    }

    fn resolve(name: &str) -> Result<TimeZone, String> {
        // taos.cfg style values look like "Asia/Shanghai (CST, +0800)".
        let n = name.split_whitespace().next().unwrap_or("");
        let upper = n.to_ascii_uppercase();
        if upper.is_empty() || upper == "UTC" || upper == "GMT" || upper == "Z" {
            return Ok(Self::utc());
        }
        let fixed = upper
            .strip_prefix("UTC")
            .or_else(|| upper.strip_prefix("GMT"))
            .unwrap_or(&upper);
        if fixed.starts_with('+') || fixed.starts_with('-') {
            if let Some(secs) = parse_offset(fixed) {
                return Ok(TimeZone {
                    initial: secs,
                    transitions: Vec::new(),
                    dst_tail: false,
                    known: true,
                });
            }
            return Err(format!("unknown time zone {name}"));
        }
        if n.contains("..")
            || !n
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c))
        {
            return Err(format!("unknown time zone {name}"));
        }
        let bytes = std::fs::read(format!("/usr/share/zoneinfo/{n}"))
            .map_err(|_| format!("unknown time zone {name}"))?;
        parse_tzif(&bytes).ok_or_else(|| format!("unknown time zone {name}"))
    }

    /// Offset (seconds east of UTC) in force at a UTC instant; `None` past the last listed
    /// transition of a zone that still has daylight saving (not computed, never guessed).
    pub fn offset_at(&self, utc_secs: i64) -> Option<i32> {
        if !self.known {
            return None;
        }
        match self.transitions.partition_point(|t| t.0 <= utc_secs) {
            0 => Some(self.initial),
            i if i == self.transitions.len() && self.dst_tail => None,
            i => Some(self.transitions[i - 1].1),
        }
    }

    /// Offset for a local wall-clock time (seconds since the epoch as if it were UTC).
    pub fn offset_for_local(&self, local_secs: i64) -> Option<i32> {
        let first = self.offset_at(local_secs)?;
        self.offset_at(local_secs - first as i64)
    }
}

/// `+8`, `-05:30`, `+0800`, `+08:00` → seconds.
fn parse_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = if let Some((h, m)) = rest.split_once(':') {
        (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?)
    } else if rest.len() == 4 {
        (rest[..2].parse().ok()?, rest[2..].parse().ok()?)
    } else {
        (rest.parse().ok()?, 0)
    };
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

fn be32(b: &[u8], at: usize) -> Option<i64> {
    let s = b.get(at..at + 4)?;
    Some(i32::from_be_bytes([s[0], s[1], s[2], s[3]]) as i64)
}

fn be64(b: &[u8], at: usize) -> Option<i64> {
    let s = b.get(at..at + 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(i64::from_be_bytes(a))
}

/// Reads a TZif file (RFC 8536), preferring the 64-bit section.
fn parse_tzif(b: &[u8]) -> Option<TimeZone> {
    if b.get(0..4)? != b"TZif" {
        return None;
    }
    let counts = |at: usize| -> Option<[usize; 6]> {
        let mut c = [0usize; 6];
        for (k, v) in c.iter_mut().enumerate() {
            *v = usize::try_from(be32(b, at + 20 + 4 * k)?).ok()?;
        }
        Some(c)
    };
    let version = *b.get(4)?;
    let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(0)?;
    let v1_len = timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
    let (base, tsize, c) = if version >= b'2' {
        let h2 = 44 + v1_len;
        (h2 + 44, 8, counts(h2)?)
    } else {
        (44, 4, [isut, isstd, leap, timecnt, typecnt, charcnt])
    };
    let [isut, isstd, leap, timecnt, typecnt, charcnt] = c;
    let idx_at = base + timecnt * tsize;
    let types_at = idx_at + timecnt;
    let mut types = Vec::with_capacity(typecnt);
    for k in 0..typecnt {
        let off = be32(b, types_at + 6 * k)? as i32;
        let isdst = *b.get(types_at + 6 * k + 4)?;
        types.push((off, isdst));
    }
    if types.is_empty() {
        return None;
    }
    let mut transitions = Vec::with_capacity(timecnt);
    for k in 0..timecnt {
        let t = if tsize == 8 {
            be64(b, base + 8 * k)?
        } else {
            be32(b, base + 4 * k)?
        };
        let ti = *b.get(idx_at + k)? as usize;
        transitions.push((t, types.get(ti)?.0));
    }
    // The initial type is the first non-DST type (RFC 8536 §3.2 says type 0).
    let initial = types[0].0;
    let footer_at = types_at + typecnt * 6 + charcnt + leap * (tsize + 4) + isstd + isut;
    let footer = b
        .get(footer_at..)
        .map(|f| String::from_utf8_lossy(f).trim().to_string())
        .unwrap_or_default();
    // A POSIX footer with a rule part (`EST5EDT,M3.2.0,M11.1.0`) means daylight saving goes
    // on after the last transition; such instants are refused instead of evaluated.
    let dst_tail = footer.contains(',');
    Some(TimeZone {
        initial,
        transitions,
        dst_tail,
        known: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_offsets() {
        assert_eq!(
            TimeZone::parse("UTC+8").unwrap().offset_at(0),
            Some(8 * 3600)
        );
        assert_eq!(
            TimeZone::parse("-05:30").unwrap().offset_at(0),
            Some(-(5 * 3600 + 1800))
        );
        assert_eq!(TimeZone::parse("UTC").unwrap().offset_at(0), Some(0));
        assert!(TimeZone::parse("Nowhere/../etc").is_err());
    }

    #[test]
    fn iana_zone_when_available() {
        if !std::path::Path::new("/usr/share/zoneinfo/Asia/Shanghai").exists() {
            return;
        }
        let z = TimeZone::parse("Asia/Shanghai").unwrap();
        assert_eq!(z.offset_at(1_700_000_000), Some(8 * 3600));
        let ny = TimeZone::parse("America/New_York").unwrap();
        // 2023-07-01T12:00:00Z is EDT (-4h), 2023-12-01 EST (-5h).
        assert_eq!(ny.offset_at(1_688_212_800), Some(-4 * 3600));
        assert_eq!(ny.offset_at(1_701_432_000), Some(-5 * 3600));
    }
}
