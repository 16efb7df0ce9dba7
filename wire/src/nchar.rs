//! NCHAR conversions: raw blocks carry NCHAR as UCS-4 little-endian code points (§4.6).

use crate::error::{codes, TaosError};

/// Converts UTF-8 text to UCS-4 LE bytes (4 bytes per character).
pub fn utf8_to_ucs4(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 4);
    utf8_to_ucs4_into(s, &mut out);
    out
}

/// Appends the UCS-4 LE encoding of `s` to `out`; returns the number of bytes appended.
pub fn utf8_to_ucs4_into(s: &str, out: &mut Vec<u8>) -> usize {
    let before = out.len();
    for ch in s.chars() {
        out.extend_from_slice(&(ch as u32).to_le_bytes());
    }
    out.len() - before
}

/// Number of UCS-4 bytes `s` needs (4 × characters).
pub fn ucs4_len(s: &str) -> usize {
    s.chars().count() * 4
}

/// Converts UCS-4 LE bytes to UTF-8. Fails with `TSDB_CODE_INVALID_DATA_FMT` on a length that
/// is not a multiple of 4 or an invalid code point.
pub fn ucs4_to_utf8(ucs4: &[u8]) -> Result<String, TaosError> {
    let mut out = String::with_capacity(ucs4.len() / 2);
    ucs4_to_utf8_into(ucs4, &mut out)?;
    Ok(out)
}

/// Appends the UTF-8 form of UCS-4 LE bytes to `out` (see [`ucs4_to_utf8`]). On error `out`
/// may hold a prefix of the conversion.
pub fn ucs4_to_utf8_into(ucs4: &[u8], out: &mut String) -> Result<(), TaosError> {
    if ucs4.len() % 4 != 0 {
        return Err(TaosError::new(
            codes::TSDB_CODE_INVALID_DATA_FMT,
            format!("invalid UCS-4 length {}", ucs4.len()),
        ));
    }
    for chunk in ucs4.chunks_exact(4) {
        let cp = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        match char::from_u32(cp) {
            Some(c) => out.push(c),
            None => {
                return Err(TaosError::new(
                    codes::TSDB_CODE_INVALID_DATA_FMT,
                    format!("invalid UCS-4 code point 0x{cp:X}"),
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let b = utf8_to_ucs4("a中😀");
        assert_eq!(b, [0x61, 0, 0, 0, 0x2d, 0x4e, 0, 0, 0x00, 0xF6, 0x01, 0]);
        assert_eq!(ucs4_len("a中😀"), 12);
        assert_eq!(ucs4_to_utf8(&b).unwrap(), "a中😀");
        assert_eq!(ucs4_to_utf8(&[]).unwrap(), "");
    }

    #[test]
    fn invalid() {
        assert!(ucs4_to_utf8(&[1, 2, 3]).is_err());
        assert!(ucs4_to_utf8(&[0, 0xD8, 0, 0]).is_err()); // surrogate
        assert!(ucs4_to_utf8(&[0, 0, 0x11, 0]).is_err()); // > U+10FFFF
    }
}
