//! [`BlockBuilder`]: the columnar raw-block encoder (ws-query.md §4.5), cheap per cell.

use super::{BLOCK_FLAG_HAS_COLUMN_INFO, BLOCK_HEADER_LEN, BLOCK_VERSION};
use crate::error::{codes, TaosError};
use crate::nchar;
use crate::types;

/// Header choices of an encoded block (see [`BlockBuilder::finish_into_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockOptions {
    /// Header flag word.
    pub flag: u32,
    /// Group id.
    pub group_id: u64,
    /// Append (and count) the trailing blankFill byte.
    pub blank_byte: bool,
}

impl BlockOptions {
    /// Query-result blocks as current TDengine sends them: flag 0x80000000, blank byte.
    pub const QUERY: BlockOptions = BlockOptions {
        flag: BLOCK_FLAG_HAS_COLUMN_INFO,
        group_id: 0,
        blank_byte: true,
    };
    /// Stmt v1 `set_tags`/`bind` blocks as the Go driver writes them: flag 0, no blank byte.
    pub const STMT: BlockOptions = BlockOptions {
        flag: 0,
        group_id: 0,
        blank_byte: false,
    };
}

/// One column of a block to build: its type code and its schema width (the §4.3 internal width,
/// e.g. VARCHAR(10) → 12, NCHAR(5) → 22, or the packed DECIMAL word).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSchema {
    /// Type code.
    pub ty: u8,
    /// Schema width written in the block.
    pub width: i32,
}

impl ColumnSchema {
    /// A column with an explicit schema width.
    pub fn new(ty: u8, width: i32) -> Self {
        ColumnSchema { ty, width }
    }

    /// A column from its user-visible width (`fields_lengths`), converted with
    /// [`types::internal_width`].
    pub fn from_user_width(ty: u8, user_bytes: i64) -> Self {
        ColumnSchema {
            ty,
            width: types::internal_width(ty, user_bytes),
        }
    }
}

#[derive(Debug, Clone)]
enum ColData {
    Fixed {
        size: usize,
        bitmap: Vec<u8>,
        data: Vec<u8>,
    },
    Var {
        prefix: usize,
        offsets: Vec<i32>,
        data: Vec<u8>,
    },
}

#[derive(Debug, Clone)]
struct ColBuf {
    rows: usize,
    data: ColData,
}

impl ColBuf {
    fn push_null(&mut self) {
        match &mut self.data {
            ColData::Fixed { size, bitmap, data } => {
                if self.rows % 8 == 0 {
                    bitmap.push(0);
                }
                if let Some(last) = bitmap.last_mut() {
                    *last |= 0x80 >> (self.rows % 8);
                }
                data.resize(data.len() + *size, 0);
            }
            ColData::Var { offsets, .. } => offsets.push(-1),
        }
        self.rows += 1;
    }

    fn truncate(&mut self, n: usize) {
        if n >= self.rows {
            return;
        }
        match &mut self.data {
            ColData::Fixed { size, bitmap, data } => {
                data.truncate(n * *size);
                bitmap.truncate(n.div_ceil(8));
                if n % 8 != 0 {
                    if let Some(last) = bitmap.last_mut() {
                        // Clear the padding bits of rows >= n.
                        *last &= !(0xFFu8 >> (n % 8));
                    }
                }
            }
            ColData::Var { offsets, data, .. } => {
                // Values are stored in row order, so the first dropped value starts the cut.
                if let Some(&cut) = offsets[n..].iter().find(|&&o| o >= 0) {
                    data.truncate(cut as usize);
                }
                offsets.truncate(n);
            }
        }
        self.rows = n;
    }

    fn clear(&mut self) {
        self.rows = 0;
        match &mut self.data {
            ColData::Fixed { bitmap, data, .. } => {
                bitmap.clear();
                data.clear();
            }
            ColData::Var { offsets, data, .. } => {
                offsets.clear();
                data.clear();
            }
        }
    }

    fn prefix_len(&self) -> usize {
        match &self.data {
            ColData::Fixed { .. } => self.rows.div_ceil(8),
            ColData::Var { .. } => self.rows * 4,
        }
    }

    fn data_len(&self) -> usize {
        match &self.data {
            ColData::Fixed { data, .. } | ColData::Var { data, .. } => data.len(),
        }
    }
}

/// Builds raw blocks column by column: push cells (any interleaving of columns), then
/// [`finish`](Self::finish). Fixed-width cells are appended without allocation once capacity
/// is reserved.
///
/// A push that does not fit its column (wrong width, a var push on a fixed column, a value too
/// long for its length prefix, a column index out of range) stores NULL instead (when the column
/// exists) and records the first such misuse, readable with [`error`](Self::error); it never
/// panics and never produces a malformed block.
#[derive(Debug, Clone)]
pub struct BlockBuilder {
    schema: Vec<ColumnSchema>,
    cols: Vec<ColBuf>,
    error: Option<TaosError>,
}

impl BlockBuilder {
    /// A builder for the given columns. Columns of unknown type are treated as variable-width
    /// (and rejected by readers), so prefer valid type codes.
    pub fn new(schema: Vec<ColumnSchema>) -> Self {
        Self::with_capacity(schema, 0)
    }

    /// A builder with room for `rows` rows per column.
    pub fn with_capacity(schema: Vec<ColumnSchema>, rows: usize) -> Self {
        let cols = schema
            .iter()
            .map(|s| {
                let data = match types::fixed_size(s.ty) {
                    Some(size) => ColData::Fixed {
                        size,
                        bitmap: Vec::with_capacity(rows.div_ceil(8)),
                        data: Vec::with_capacity(rows * size),
                    },
                    None => ColData::Var {
                        prefix: types::var_prefix_len(s.ty),
                        offsets: Vec::with_capacity(rows),
                        // A guess: short values are the common case.
                        data: Vec::with_capacity(rows * 16),
                    },
                };
                ColBuf { rows: 0, data }
            })
            .collect();
        BlockBuilder {
            schema,
            cols,
            error: None,
        }
    }

    /// The schema this builder encodes.
    pub fn schema(&self) -> &[ColumnSchema] {
        &self.schema
    }

    /// Cells pushed so far into column `col` (0 out of range).
    pub fn col_rows(&self, col: usize) -> usize {
        self.cols.get(col).map_or(0, |c| c.rows)
    }

    /// The first misuse recorded since creation or the last [`finish`](Self::finish).
    pub fn error(&self) -> Option<&TaosError> {
        self.error.as_ref()
    }

    #[cold]
    fn misuse(&mut self, col: usize, what: &str) {
        if let Some(c) = self.cols.get_mut(col) {
            c.push_null();
        }
        if self.error.is_none() {
            self.error = Some(TaosError::new(
                codes::TSDB_CODE_INVALID_PARA,
                format!("block builder column {col}: {what}"),
            ));
        }
    }

    #[inline]
    fn push_fixed<const N: usize>(&mut self, col: usize, v: [u8; N]) {
        if let Some(ColBuf {
            rows,
            data: ColData::Fixed { size, bitmap, data },
        }) = self.cols.get_mut(col)
        {
            if *size == N {
                if *rows % 8 == 0 {
                    bitmap.push(0);
                }
                data.extend_from_slice(&v);
                *rows += 1;
                return;
            }
        }
        self.misuse(col, "value does not match the column's fixed width");
    }

    /// Pushes a BOOL.
    pub fn push_bool(&mut self, col: usize, v: bool) {
        self.push_fixed(col, [v as u8]);
    }
    /// Pushes a TINYINT.
    pub fn push_i8(&mut self, col: usize, v: i8) {
        self.push_fixed(col, v.to_le_bytes());
    }
    /// Pushes a SMALLINT.
    pub fn push_i16(&mut self, col: usize, v: i16) {
        self.push_fixed(col, v.to_le_bytes());
    }
    /// Pushes an INT.
    pub fn push_i32(&mut self, col: usize, v: i32) {
        self.push_fixed(col, v.to_le_bytes());
    }
    /// Pushes a BIGINT.
    pub fn push_i64(&mut self, col: usize, v: i64) {
        self.push_fixed(col, v.to_le_bytes());
    }
    /// Pushes a TINYINT UNSIGNED.
    pub fn push_u8(&mut self, col: usize, v: u8) {
        self.push_fixed(col, [v]);
    }
    /// Pushes a SMALLINT UNSIGNED.
    pub fn push_u16(&mut self, col: usize, v: u16) {
        self.push_fixed(col, v.to_le_bytes());
    }
    /// Pushes an INT UNSIGNED.
    pub fn push_u32(&mut self, col: usize, v: u32) {
        self.push_fixed(col, v.to_le_bytes());
    }
    /// Pushes a BIGINT UNSIGNED.
    pub fn push_u64(&mut self, col: usize, v: u64) {
        self.push_fixed(col, v.to_le_bytes());
    }
    /// Pushes a FLOAT.
    pub fn push_f32(&mut self, col: usize, v: f32) {
        self.push_fixed(col, v.to_le_bytes());
    }
    /// Pushes a DOUBLE.
    pub fn push_f64(&mut self, col: usize, v: f64) {
        self.push_fixed(col, v.to_le_bytes());
    }
    /// Pushes a TIMESTAMP (epoch count in the result precision).
    pub fn push_timestamp(&mut self, col: usize, v: i64) {
        self.push_fixed(col, v.to_le_bytes());
    }
    /// Pushes a DECIMAL64 unscaled value.
    pub fn push_decimal64(&mut self, col: usize, v: i64) {
        self.push_fixed(col, v.to_le_bytes());
    }
    /// Pushes a DECIMAL (128-bit) unscaled value.
    pub fn push_decimal128(&mut self, col: usize, v: i128) {
        self.push_fixed(col, v.to_le_bytes());
    }

    /// Pushes a NULL into any column.
    pub fn push_null(&mut self, col: usize) {
        match self.cols.get_mut(col) {
            Some(c) => c.push_null(),
            None => self.misuse(col, "column out of range"),
        }
    }

    /// Pushes the raw little-endian bytes of a fixed-width cell (`bytes.len()` must equal the
    /// type's size).
    pub fn push_fixed_bytes(&mut self, col: usize, bytes: &[u8]) {
        if let Some(ColBuf {
            rows,
            data: ColData::Fixed { size, bitmap, data },
        }) = self.cols.get_mut(col)
        {
            if *size == bytes.len() {
                if *rows % 8 == 0 {
                    bitmap.push(0);
                }
                data.extend_from_slice(bytes);
                *rows += 1;
                return;
            }
        }
        self.misuse(col, "value does not match the column's fixed width");
    }

    /// Pushes a variable-width value stored verbatim (VARCHAR/VARBINARY/GEOMETRY/JSON/BLOB
    /// bytes, or NCHAR already in UCS-4 LE).
    pub fn push_var(&mut self, col: usize, bytes: &[u8]) {
        if let Some(ColBuf {
            rows,
            data:
                ColData::Var {
                    prefix,
                    offsets,
                    data,
                },
        }) = self.cols.get_mut(col)
        {
            let max = if *prefix == 4 {
                u32::MAX as usize
            } else {
                u16::MAX as usize
            };
            if let Ok(off) = i32::try_from(data.len()) {
                if bytes.len() <= max {
                    offsets.push(off);
                    if *prefix == 4 {
                        data.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
                    } else {
                        data.extend_from_slice(&(bytes.len() as u16).to_le_bytes());
                    }
                    data.extend_from_slice(bytes);
                    *rows += 1;
                    return;
                }
            }
        }
        self.misuse(
            col,
            "variable-width value rejected (fixed column or too long)",
        );
    }

    /// Pushes UTF-8 text into a VARCHAR-like column (stored verbatim).
    pub fn push_str(&mut self, col: usize, s: &str) {
        self.push_var(col, s.as_bytes());
    }

    /// Pushes UTF-8 text into an NCHAR column, converting to UCS-4 LE without a temporary.
    pub fn push_nchar(&mut self, col: usize, s: &str) {
        if let Some(ColBuf {
            rows,
            data:
                ColData::Var {
                    prefix: 2,
                    offsets,
                    data,
                },
        }) = self.cols.get_mut(col)
        {
            let start = data.len();
            if let Ok(off) = i32::try_from(start) {
                data.extend_from_slice(&[0, 0]);
                let n = nchar::utf8_to_ucs4_into(s, data);
                if let Ok(n16) = u16::try_from(n) {
                    data[start..start + 2].copy_from_slice(&n16.to_le_bytes());
                    offsets.push(off);
                    *rows += 1;
                    return;
                }
                data.truncate(start);
            }
        }
        self.misuse(
            col,
            "NCHAR value rejected (not a u16-prefixed var column or too long)",
        );
    }

    /// Exact encoded size of a block of `rows` rows with the cells pushed so far (assuming
    /// every column has exactly `rows` cells).
    pub fn encoded_len(&self) -> usize {
        BLOCK_HEADER_LEN
            + 9 * self.cols.len()
            + self
                .cols
                .iter()
                .map(|c| c.prefix_len() + c.data_len())
                .sum::<usize>()
            + 1
    }

    /// Encodes a block of `rows` rows and resets the builder (capacity kept) for the next
    /// block. Columns with fewer than `rows` cells are padded with NULLs; extra cells are
    /// dropped. Writes version 1, flag 0x80000000, `group_id`, and the trailing blank byte.
    pub fn finish(&mut self, rows: usize, group_id: u64) -> Vec<u8> {
        let mut out = Vec::new();
        self.finish_into(&mut out, rows, group_id);
        out
    }

    /// Like [`finish`](Self::finish) but appends the block to `out`; returns its length.
    pub fn finish_into(&mut self, out: &mut Vec<u8>, rows: usize, group_id: u64) -> usize {
        let opts = BlockOptions {
            group_id,
            ..BlockOptions::QUERY
        };
        self.finish_into_with(out, rows, &opts)
    }

    /// Like [`finish_into`](Self::finish_into) with explicit header flag, group id and
    /// trailing byte (e.g. [`BlockOptions::STMT`] for stmt v1 bind blocks).
    pub fn finish_into_with(
        &mut self,
        out: &mut Vec<u8>,
        rows: usize,
        opts: &BlockOptions,
    ) -> usize {
        for c in &mut self.cols {
            c.truncate(rows);
            while c.rows < rows {
                c.push_null();
            }
        }
        let total = self.encoded_len() - usize::from(!opts.blank_byte);
        out.reserve(total);
        let start = out.len();
        let ncols = self.cols.len();
        out.extend_from_slice(&BLOCK_VERSION.to_le_bytes());
        out.extend_from_slice(&clamp_i32(total).to_le_bytes());
        out.extend_from_slice(&clamp_i32(rows).to_le_bytes());
        out.extend_from_slice(&clamp_i32(ncols).to_le_bytes());
        out.extend_from_slice(&opts.flag.to_le_bytes());
        out.extend_from_slice(&opts.group_id.to_le_bytes());
        for s in &self.schema {
            out.push(s.ty);
            out.extend_from_slice(&s.width.to_le_bytes());
        }
        for c in &self.cols {
            out.extend_from_slice(&clamp_i32(c.data_len()).to_le_bytes());
        }
        for c in &self.cols {
            match &c.data {
                ColData::Fixed { bitmap, data, .. } => {
                    out.extend_from_slice(bitmap);
                    out.extend_from_slice(data);
                }
                ColData::Var { offsets, data, .. } => {
                    for o in offsets {
                        out.extend_from_slice(&o.to_le_bytes());
                    }
                    out.extend_from_slice(data);
                }
            }
        }
        if opts.blank_byte {
            out.push(0); // blankFill byte, counted in the total length (§4.8)
        }
        for c in &mut self.cols {
            c.clear();
        }
        self.error = None;
        out.len() - start
    }
}

fn clamp_i32(v: usize) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}
