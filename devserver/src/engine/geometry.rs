//! WKT literals (`POINT`, `LINESTRING`, `POLYGON`) to little-endian WKB, as TDengine stores
//! GEOMETRY values.

/// Converts WKT text to WKB; `None` when the text is not a supported geometry.
pub fn wkt_to_wkb(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    let open = s.find('(')?;
    let kind = s[..open].trim().to_ascii_uppercase();
    let body = s[open..].trim();
    let mut out = vec![1u8]; // little-endian marker
    match kind.as_str() {
        "POINT" => {
            let inner = strip_parens(body)?;
            let pts = points(inner)?;
            if pts.len() != 1 {
                return None;
            }
            out.extend_from_slice(&1u32.to_le_bytes());
            push_point(&mut out, pts[0]);
        }
        "LINESTRING" => {
            let pts = points(strip_parens(body)?)?;
            if pts.len() < 2 {
                return None;
            }
            out.extend_from_slice(&2u32.to_le_bytes());
            out.extend_from_slice(&(pts.len() as u32).to_le_bytes());
            for p in pts {
                push_point(&mut out, p);
            }
        }
        "POLYGON" => {
            let inner = strip_parens(body)?;
            let rings = split_groups(inner)?;
            if rings.is_empty() {
                return None;
            }
            out.extend_from_slice(&3u32.to_le_bytes());
            out.extend_from_slice(&(rings.len() as u32).to_le_bytes());
            for r in rings {
                let pts = points(r)?;
                // A ring is closed and has at least 4 points.
                if pts.len() < 4 || pts.first() != pts.last() {
                    return None;
                }
                out.extend_from_slice(&(pts.len() as u32).to_le_bytes());
                for p in pts {
                    push_point(&mut out, p);
                }
            }
        }
        _ => return None,
    }
    Some(out)
}

fn push_point(out: &mut Vec<u8>, p: (f64, f64)) {
    out.extend_from_slice(&p.0.to_le_bytes());
    out.extend_from_slice(&p.1.to_le_bytes());
}

/// `( ... )` → inner text.
fn strip_parens(s: &str) -> Option<&str> {
    let s = s.trim();
    s.strip_prefix('(')?.strip_suffix(')')
}

/// `x y, x y, ...` → points.
fn points(s: &str) -> Option<Vec<(f64, f64)>> {
    s.split(',')
        .map(|p| {
            let mut it = p.split_whitespace();
            let x: f64 = it.next()?.parse().ok()?;
            let y: f64 = it.next()?.parse().ok()?;
            if it.next().is_some() || !x.is_finite() || !y.is_finite() {
                return None;
            }
            Some((x, y))
        })
        .collect()
}

/// `(..), (..)` → the inner texts of each group.
fn split_groups(s: &str) -> Option<Vec<&str>> {
    let mut v = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let r = rest.strip_prefix('(')?;
        let close = r.find(')')?;
        v.push(&r[..close]);
        rest = r[close + 1..].trim_start();
        if let Some(x) = rest.strip_prefix(',') {
            rest = x.trim_start();
            if rest.is_empty() {
                return None;
            }
        }
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_and_polygon() {
        let p = wkt_to_wkb("POINT(1.0 2.0)").unwrap();
        assert_eq!(p.len(), 21);
        assert_eq!(&p[..5], &[1, 1, 0, 0, 0]);
        assert_eq!(&p[5..13], &1.0f64.to_le_bytes());
        let l = wkt_to_wkb("linestring(0 0, 1 1, 2 2)").unwrap();
        assert_eq!(l.len(), 1 + 4 + 4 + 3 * 16);
        let g = wkt_to_wkb("POLYGON((0 0, 1 0, 1 1, 0 0))").unwrap();
        assert_eq!(g.len(), 1 + 4 + 4 + 4 + 4 * 16);
        assert!(wkt_to_wkb("POLYGON((0 0, 1 0, 1 1))").is_none());
        assert!(wkt_to_wkb("POINT(1)").is_none());
        assert!(wkt_to_wkb("CIRCLE(1 2)").is_none());
    }
}
