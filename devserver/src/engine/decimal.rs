//! DECIMAL(p, s): text ↔ unscaled integers (DECIMAL64 as i64, DECIMAL as i128).

/// Parses decimal text (`-12.345`, `7`, `+.5`) to an unscaled integer with `scale` fraction
/// digits, rounding extra digits half away from zero. `Err` with a reason when the text is
/// not a plain decimal number or needs more than `precision` digits.
pub fn parse(text: &str, precision: u8, scale: u8) -> Result<i128, &'static str> {
    let t = text.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    let all_digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return Err("invalid decimal data");
    }
    let int_part = int_part.trim_start_matches('0');
    let scale = scale as usize;
    if int_part.len() > (precision as usize).saturating_sub(scale) {
        return Err("decimal data overflow");
    }
    let mut v: i128 = 0;
    for c in int_part.bytes() {
        v = v.checked_mul(10).ok_or("decimal data overflow")? + (c - b'0') as i128;
    }
    let fb = frac_part.as_bytes();
    for k in 0..scale {
        let d = fb.get(k).map_or(0, |c| (c - b'0') as i128);
        v = v.checked_mul(10).ok_or("decimal data overflow")? + d;
    }
    if fb.get(scale).is_some_and(|c| *c >= b'5') {
        v += 1;
    }
    let limit = 10i128.checked_pow(precision as u32).unwrap_or(i128::MAX);
    if v >= limit {
        return Err("decimal data overflow");
    }
    Ok(if neg { -v } else { v })
}

/// Formats an unscaled integer: `scale` digits after the point, `0.`-prefixed when short.
pub fn format(v: i128, scale: u8) -> String {
    let digits = v.unsigned_abs().to_string();
    let scale = scale as usize;
    let sign = if v < 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = if digits.len() <= scale {
        format!("{}{}", "0".repeat(scale + 1 - digits.len()), digits)
    } else {
        digits
    };
    let (i, f) = padded.split_at(padded.len() - scale);
    format!("{sign}{i}.{f}")
}

/// The unscaled integer of a value produced by [`format`] with the same scale.
pub fn unscaled(text: &str, scale: u8) -> Option<i128> {
    parse(text, 38, scale).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(parse("-12.34", 10, 4), Ok(-123_400));
        assert_eq!(format(-123_400, 4), "-12.3400");
        assert_eq!(format(5, 3), "0.005");
        assert_eq!(format(-5, 1), "-0.5");
        assert_eq!(format(42, 0), "42");
        assert_eq!(parse("1.235", 10, 2), Ok(124));
        assert_eq!(parse("123", 4, 2), Err("decimal data overflow"));
        assert_eq!(parse("99.99", 4, 2), Ok(9999));
        assert_eq!(parse("1e3", 10, 0), Err("invalid decimal data"));
        assert_eq!(unscaled("0.005", 3), Some(5));
    }
}
