//! Columnar storage of one column: fixed-width cells as little-endian bytes (so raw-block
//! encoding is a copy), variable-width cells as owned byte strings, plus a null flag per row.

use taos_wire::types::*;
use taos_wire::BlockBuilder;

use super::Value;

/// Cell storage.
#[derive(Clone, Debug)]
pub enum ColData {
    /// Fixed-width cells, `width` bytes each, little-endian.
    Fixed {
        /// Cell width.
        width: usize,
        /// `rows × width` bytes.
        bytes: Vec<u8>,
    },
    /// Variable-width cells (NCHAR kept as UTF-8; converted to UCS-4 when encoding).
    Var(VarBuf),
}

/// Variable-width cells packed in one buffer: cell `i` is `data[end(i-1)..end(i)]`, so copying
/// a run of rows is two slice copies and appending allocates nothing per cell.
#[derive(Clone, Debug, Default)]
pub struct VarBuf {
    ends: Vec<usize>,
    data: Vec<u8>,
}

impl VarBuf {
    fn with_capacity(n: usize) -> Self {
        VarBuf {
            ends: Vec::with_capacity(n),
            data: Vec::with_capacity(n * 8),
        }
    }

    fn start(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(self.data.len())
        }
    }

    /// Cell `i` (empty out of range).
    pub fn get(&self, i: usize) -> &[u8] {
        match self.ends.get(i) {
            Some(&e) => self.data.get(self.start(i)..e).unwrap_or(&[]),
            None => &[],
        }
    }

    fn push(&mut self, b: &[u8]) {
        self.data.extend_from_slice(b);
        self.ends.push(self.data.len());
    }

    fn set(&mut self, i: usize, b: &[u8]) {
        let Some(&e) = self.ends.get(i) else { return };
        let s = self.start(i);
        self.data.splice(s..e, b.iter().copied());
        let new_end = s + b.len();
        if new_end != e {
            for x in &mut self.ends[i..] {
                *x = *x - e + new_end;
            }
        }
    }

    fn insert(&mut self, i: usize, b: &[u8]) {
        let i = i.min(self.ends.len());
        let s = self.start(i);
        self.data.splice(s..s, b.iter().copied());
        self.ends.insert(i, s);
        for x in &mut self.ends[i..] {
            *x += b.len();
        }
    }

    fn slice(&self, from: usize, to: usize) -> VarBuf {
        let s = self.start(from);
        let e = self.start(to);
        VarBuf {
            ends: self.ends[from..to].iter().map(|x| x - s).collect(),
            data: self.data.get(s..e).map(|d| d.to_vec()).unwrap_or_default(),
        }
    }
}

/// One column of values of a single type.
#[derive(Clone, Debug)]
pub struct Column {
    /// TDengine type code.
    pub ty: u8,
    /// DECIMAL scale (0 for other types).
    pub scale: u8,
    /// NULL flag per row.
    pub nulls: Vec<bool>,
    /// Cells.
    pub data: ColData,
}

impl Column {
    /// An empty column of type `ty`.
    pub fn new(ty: u8) -> Self {
        Self::with_capacity(ty, 0)
    }

    /// An empty column with room for `n` rows.
    pub fn with_capacity(ty: u8, n: usize) -> Self {
        let data = match fixed_size(ty) {
            Some(width) => ColData::Fixed {
                width,
                bytes: Vec::with_capacity(n * width),
            },
            None => ColData::Var(VarBuf::with_capacity(n)),
        };
        Column {
            ty,
            scale: 0,
            nulls: Vec::with_capacity(n),
            data,
        }
    }

    /// Sets the DECIMAL scale (builder style).
    pub fn with_scale(mut self, scale: u8) -> Self {
        self.scale = scale;
        self
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.nulls.len()
    }

    /// Whether row `i` is NULL.
    pub fn is_null(&self, i: usize) -> bool {
        self.nulls.get(i).copied().unwrap_or(true)
    }

    /// The little-endian image of a fixed-width value (zeros for NULL or a mismatched value).
    fn fixed_image(ty: u8, scale: u8, v: &Value, out: &mut [u8; 16]) -> usize {
        let w = fixed_size(ty).unwrap_or(0).min(16);
        out.fill(0);
        match (ty, v) {
            (TSDB_DATA_TYPE_BOOL, Value::Bool(b)) => out[0] = *b as u8,
            (TSDB_DATA_TYPE_TINYINT, Value::Int(i)) => {
                out[..1].copy_from_slice(&(*i as i8).to_le_bytes())
            }
            (TSDB_DATA_TYPE_SMALLINT, Value::Int(i)) => {
                out[..2].copy_from_slice(&(*i as i16).to_le_bytes())
            }
            (TSDB_DATA_TYPE_INT, Value::Int(i)) => {
                out[..4].copy_from_slice(&(*i as i32).to_le_bytes())
            }
            (TSDB_DATA_TYPE_BIGINT, Value::Int(i)) => out[..8].copy_from_slice(&i.to_le_bytes()),
            (TSDB_DATA_TYPE_UTINYINT, Value::UInt(u)) => out[0] = *u as u8,
            (TSDB_DATA_TYPE_USMALLINT, Value::UInt(u)) => {
                out[..2].copy_from_slice(&(*u as u16).to_le_bytes())
            }
            (TSDB_DATA_TYPE_UINT, Value::UInt(u)) => {
                out[..4].copy_from_slice(&(*u as u32).to_le_bytes())
            }
            (TSDB_DATA_TYPE_UBIGINT, Value::UInt(u)) => out[..8].copy_from_slice(&u.to_le_bytes()),
            (TSDB_DATA_TYPE_FLOAT, Value::Float(f)) => out[..4].copy_from_slice(&f.to_le_bytes()),
            (TSDB_DATA_TYPE_DOUBLE, Value::Double(f)) => out[..8].copy_from_slice(&f.to_le_bytes()),
            (TSDB_DATA_TYPE_TIMESTAMP, Value::Timestamp(t)) => {
                out[..8].copy_from_slice(&t.to_le_bytes())
            }
            (TSDB_DATA_TYPE_DECIMAL64, Value::Decimal(d)) => {
                let v = super::decimal::unscaled(d, scale).unwrap_or(0) as i64;
                out[..8].copy_from_slice(&v.to_le_bytes())
            }
            (TSDB_DATA_TYPE_DECIMAL, Value::Decimal(d)) => {
                let v = super::decimal::unscaled(d, scale).unwrap_or(0);
                out[..16].copy_from_slice(&v.to_le_bytes())
            }
            _ => {}
        }
        w
    }

    fn var_image(v: &Value) -> &[u8] {
        match v {
            Value::Bytes(b) | Value::Json(b) => b,
            Value::NChar(s) | Value::Decimal(s) => s.as_bytes(),
            _ => &[],
        }
    }

    /// Appends a value (which must already have this column's type; `Null` appends NULL).
    pub fn push(&mut self, v: &Value) {
        let null = matches!(v, Value::Null);
        self.nulls.push(null);
        match &mut self.data {
            ColData::Fixed { bytes, .. } => {
                let mut img = [0u8; 16];
                let w = Self::fixed_image(self.ty, self.scale, v, &mut img);
                bytes.extend_from_slice(&img[..w]);
            }
            ColData::Var(cells) => cells.push(Self::var_image(v)),
        }
    }

    /// Replaces row `i`.
    pub fn set(&mut self, i: usize, v: &Value) {
        if i >= self.len() {
            return;
        }
        self.nulls[i] = matches!(v, Value::Null);
        match &mut self.data {
            ColData::Fixed { width, bytes } => {
                let mut img = [0u8; 16];
                let w = Self::fixed_image(self.ty, self.scale, v, &mut img);
                bytes[i * *width..(i + 1) * *width].copy_from_slice(&img[..w]);
            }
            ColData::Var(cells) => cells.set(i, Self::var_image(v)),
        }
    }

    /// Inserts a value before row `i`.
    pub fn insert(&mut self, i: usize, v: &Value) {
        let i = i.min(self.len());
        self.nulls.insert(i, matches!(v, Value::Null));
        match &mut self.data {
            ColData::Fixed { width, bytes } => {
                let mut img = [0u8; 16];
                let w = Self::fixed_image(self.ty, self.scale, v, &mut img);
                let at = i * *width;
                bytes.splice(at..at, img[..w].iter().copied());
            }
            ColData::Var(cells) => cells.insert(i, Self::var_image(v)),
        }
    }

    /// The fixed cell bytes of row `i` (empty for var columns or out of range).
    pub fn fixed_cell(&self, i: usize) -> &[u8] {
        match &self.data {
            ColData::Fixed { width, bytes } => bytes.get(i * width..(i + 1) * width).unwrap_or(&[]),
            ColData::Var(_) => &[],
        }
    }

    /// The var cell bytes of row `i` (empty for fixed columns or out of range).
    pub fn var_cell(&self, i: usize) -> &[u8] {
        match &self.data {
            ColData::Var(cells) => cells.get(i),
            ColData::Fixed { .. } => &[],
        }
    }

    /// Row `i` as an i64 (TIMESTAMP/BIGINT columns; 0 when unavailable).
    pub fn i64_at(&self, i: usize) -> i64 {
        let c = self.fixed_cell(i);
        if c.len() == 8 {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            i64::from_le_bytes(a)
        } else {
            0
        }
    }

    /// Row `i` as a [`Value`].
    pub fn get(&self, i: usize) -> Value {
        if self.is_null(i) {
            return Value::Null;
        }
        let ty = self.ty;
        if is_decimal(ty) {
            let c = self.fixed_cell(i);
            let mut a = [0u8; 16];
            let n = c.len().min(16);
            a[..n].copy_from_slice(&c[..n]);
            let v = if n == 8 {
                i64::from_le_bytes([a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]]) as i128
            } else {
                i128::from_le_bytes(a)
            };
            return Value::Decimal(super::decimal::format(v, self.scale));
        }
        if fixed_size(ty).is_some() {
            let c = self.fixed_cell(i);
            let mut a = [0u8; 8];
            let n = c.len().min(8);
            a[..n].copy_from_slice(&c[..n]);
            let raw = u64::from_le_bytes(a);
            return match ty {
                TSDB_DATA_TYPE_BOOL => Value::Bool(raw & 0xff != 0),
                TSDB_DATA_TYPE_TINYINT => Value::Int(raw as u8 as i8 as i64),
                TSDB_DATA_TYPE_SMALLINT => Value::Int(raw as u16 as i16 as i64),
                TSDB_DATA_TYPE_INT => Value::Int(raw as u32 as i32 as i64),
                TSDB_DATA_TYPE_BIGINT => Value::Int(raw as i64),
                TSDB_DATA_TYPE_UTINYINT => Value::UInt(raw & 0xff),
                TSDB_DATA_TYPE_USMALLINT => Value::UInt(raw & 0xffff),
                TSDB_DATA_TYPE_UINT => Value::UInt(raw & 0xffff_ffff),
                TSDB_DATA_TYPE_UBIGINT => Value::UInt(raw),
                TSDB_DATA_TYPE_FLOAT => Value::Float(f32::from_bits(raw as u32)),
                TSDB_DATA_TYPE_DOUBLE => Value::Double(f64::from_bits(raw)),
                TSDB_DATA_TYPE_TIMESTAMP => Value::Timestamp(raw as i64),
                _ => Value::Null,
            };
        }
        let b = self.var_cell(i);
        match ty {
            TSDB_DATA_TYPE_NCHAR => Value::NChar(String::from_utf8_lossy(b).into_owned()),
            TSDB_DATA_TYPE_JSON => Value::Json(b.to_vec()),
            _ => Value::Bytes(b.to_vec()),
        }
    }

    /// A copy of rows `[from, to)` (clipped), copying fixed cells as one slice.
    pub fn slice(&self, from: usize, to: usize) -> Column {
        let to = to.min(self.len());
        let from = from.min(to);
        let data = match &self.data {
            ColData::Fixed { width, bytes } => ColData::Fixed {
                width: *width,
                bytes: bytes
                    .get(from * width..to * width)
                    .map(|b| b.to_vec())
                    .unwrap_or_default(),
            },
            ColData::Var(cells) => ColData::Var(cells.slice(from, to)),
        };
        Column {
            ty: self.ty,
            scale: self.scale,
            nulls: self.nulls[from..to].to_vec(),
            data,
        }
    }

    /// Appends row `i` of `other` (same type).
    pub fn push_from(&mut self, other: &Column, i: usize) {
        self.nulls.push(other.is_null(i));
        match (&mut self.data, &other.data) {
            (ColData::Fixed { bytes, width }, ColData::Fixed { .. }) => {
                let c = other.fixed_cell(i);
                if c.len() == *width {
                    bytes.extend_from_slice(c);
                } else {
                    bytes.resize(bytes.len() + *width, 0);
                }
            }
            (ColData::Var(cells), ColData::Var(o)) => cells.push(o.get(i)),
            (ColData::Fixed { bytes, width }, _) => bytes.resize(bytes.len() + *width, 0),
            (ColData::Var(cells), _) => cells.push(&[]),
        }
    }

    /// Encodes row `row` into block column `col` (NCHAR converted to UCS-4 by the builder).
    #[inline]
    pub fn encode_cell(&self, b: &mut BlockBuilder, col: usize, row: usize) {
        if self.is_null(row) {
            b.push_null(col);
            return;
        }
        match &self.data {
            ColData::Fixed { width, bytes } => {
                let at = row * width;
                match bytes.get(at..at + width) {
                    Some(c) => b.push_fixed_bytes(col, c),
                    None => b.push_null(col),
                }
            }
            ColData::Var(cells) => {
                let c = cells.get(row);
                if self.ty == TSDB_DATA_TYPE_NCHAR {
                    b.push_nchar(col, std::str::from_utf8(c).unwrap_or(""));
                } else {
                    b.push_var(col, c);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Value {
        Value::Bytes(s.as_bytes().to_vec())
    }

    #[test]
    fn var_cells_set_insert_slice() {
        let mut c = Column::new(TSDB_DATA_TYPE_VARCHAR);
        c.push(&b("aa"));
        c.push(&Value::Null);
        c.push(&b("cccc"));
        c.set(0, &b("x"));
        c.insert(1, &b("yyy"));
        c.set(3, &b(""));
        let all: Vec<Value> = (0..c.len()).map(|i| c.get(i)).collect();
        assert_eq!(all, vec![b("x"), b("yyy"), Value::Null, b("")]);
        let s = c.slice(1, 3);
        assert_eq!((s.get(0), s.get(1), s.len()), (b("yyy"), Value::Null, 2));
        let mut d = Column::new(TSDB_DATA_TYPE_VARCHAR);
        d.push_from(&c, 1);
        assert_eq!(d.get(0), b("yyy"));
        assert_eq!(c.get(9), Value::Null);
    }
}
