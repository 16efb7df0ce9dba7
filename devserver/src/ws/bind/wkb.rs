//! WKB (what stmt clients bind for GEOMETRY) back to WKT (what the engine's SQL accepts):
//! POINT, LINESTRING and POLYGON in 2D, either byte order.

use std::fmt::Write as _;

use taos_wire::error::{codes, TaosError};

fn bad() -> TaosError {
    TaosError::new(
        codes::TSDB_CODE_TSC_INVALID_VALUE,
        "invalid or unsupported GEOMETRY value (WKB POINT, LINESTRING or POLYGON expected)",
    )
}

struct Rd<'a> {
    b: &'a [u8],
    at: usize,
    little: bool,
}

impl Rd<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], TaosError> {
        let s = self.b.get(self.at..self.at + N).ok_or_else(bad)?;
        self.at += N;
        let mut a: [u8; N] = s.try_into().map_err(|_| bad())?;
        if !self.little {
            a.reverse();
        }
        Ok(a)
    }
    fn u32(&mut self) -> Result<u32, TaosError> {
        Ok(u32::from_le_bytes(self.take()?))
    }
    fn f64(&mut self) -> Result<f64, TaosError> {
        Ok(f64::from_le_bytes(self.take()?))
    }
    fn points(&mut self, out: &mut String) -> Result<(), TaosError> {
        let n = self.u32()? as usize;
        if n > self.b.len() / 16 {
            return Err(bad());
        }
        out.push('(');
        for i in 0..n {
            if i > 0 {
                out.push_str(", ");
            }
            let (x, y) = (self.f64()?, self.f64()?);
            let _ = write!(out, "{x:?} {y:?}");
        }
        out.push(')');
        Ok(())
    }
}

/// Converts a WKB geometry into WKT text.
pub fn to_wkt(b: &[u8]) -> Result<String, TaosError> {
    let little = match b.first() {
        Some(1) => true,
        Some(0) => false,
        _ => return Err(bad()),
    };
    let mut r = Rd { b, at: 1, little };
    let kind = r.u32()?;
    let mut out = String::new();
    match kind {
        1 => {
            let (x, y) = (r.f64()?, r.f64()?);
            let _ = write!(out, "POINT({x:?} {y:?})");
        }
        2 => {
            out.push_str("LINESTRING");
            r.points(&mut out)?;
        }
        3 => {
            out.push_str("POLYGON(");
            let rings = r.u32()? as usize;
            if rings == 0 || rings > b.len() / 4 {
                return Err(bad());
            }
            for i in 0..rings {
                if i > 0 {
                    out.push_str(", ");
                }
                r.points(&mut out)?;
            }
            out.push(')');
        }
        _ => return Err(bad()),
    }
    if r.at != b.len() {
        return Err(bad());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_and_garbage() {
        let mut p = vec![1, 1, 0, 0, 0];
        p.extend_from_slice(&1.0f64.to_le_bytes());
        p.extend_from_slice(&2.5f64.to_le_bytes());
        assert_eq!(to_wkt(&p).unwrap(), "POINT(1.0 2.5)");
        assert!(to_wkt(&p[..10]).is_err());
        assert!(to_wkt(&[]).is_err());
        assert!(to_wkt(&[1, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]).is_err());
    }
}
