//! TDengine 3 raw blocks (ws-query.md §4): a zero-copy, fully validated view ([`RawBlock`]) and
//! a columnar encoder ([`BlockBuilder`]).

use crate::binary::{read_i32, read_u64};
use crate::error::{codes, TaosError};
use crate::types;

mod builder;

pub use builder::{BlockBuilder, BlockOptions, ColumnSchema};

/// Length of the block header.
pub const BLOCK_HEADER_LEN: usize = 28;
/// Block version written by [`BlockBuilder`] (query results).
pub const BLOCK_VERSION: i32 = 1;
/// Header flag "has column info" (bit 31), written by [`BlockBuilder`].
pub const BLOCK_FLAG_HAS_COLUMN_INFO: u32 = 0x8000_0000;

fn invalid(what: impl std::fmt::Display) -> TaosError {
    TaosError::new(
        codes::TSDB_CODE_INVALID_MSG,
        format!("invalid raw block: {what}"),
    )
}

/// Where one column's bytes live inside the block (offsets from the block start).
///
/// `prefix` is the null bitmap of a fixed-width column or the `i32` offset array of a
/// variable-width column; `data` is the data area (`lengths[c]` bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ColumnSegment {
    /// Offset of the bitmap / offset array.
    pub prefix_offset: usize,
    /// Length of the bitmap / offset array.
    pub prefix_len: usize,
    /// Offset of the data area.
    pub data_offset: usize,
    /// Length of the data area.
    pub data_len: usize,
}

#[derive(Debug, Clone, Copy)]
struct ColInfo {
    ty: u8,
    width: i32,
    /// Cell size of a fixed-width column; 0 for variable-width columns.
    cell: usize,
    var: bool,
    seg: ColumnSegment,
}

/// A validated, zero-copy view of one raw block.
///
/// [`RawBlock::parse`] checks the header, every schema entry, every column length and every
/// variable-width offset against the buffer, so the accessors never read out of bounds.
/// Accessors given an out-of-range column or row return a neutral value (documented on each)
/// instead of panicking.
#[derive(Debug, Clone)]
pub struct RawBlock<'a> {
    buf: &'a [u8],
    version: i32,
    rows: usize,
    flag: u32,
    group_id: u64,
    cols: Vec<ColInfo>,
}

impl<'a> RawBlock<'a> {
    /// Parses and validates a block. `buf` may be longer than the block (its header's length
    /// field decides); it may not be shorter. The trailing blank byte is optional.
    pub fn parse(buf: &'a [u8]) -> Result<RawBlock<'a>, TaosError> {
        Self::parse_impl(buf, true)
    }

    /// Like [`parse`](Self::parse) but ignores the header's length field: columns are walked
    /// within the whole of `buf`, and the view ends where the last column ends. For stmt v1
    /// bind blocks, whose length field the server does not check (ws-stmt-sml-tmq.md §1.5.1).
    pub fn parse_ignoring_length(buf: &'a [u8]) -> Result<RawBlock<'a>, TaosError> {
        Self::parse_impl(buf, false)
    }

    fn parse_impl(buf: &'a [u8], trust_len: bool) -> Result<RawBlock<'a>, TaosError> {
        if buf.len() < BLOCK_HEADER_LEN {
            return Err(invalid(format!("{} bytes, header needs 28", buf.len())));
        }
        let hdr = |at| read_i32(buf, at).ok_or_else(|| invalid("truncated header"));
        let version = hdr(0)?;
        if version != 1 && version != 2 {
            return Err(invalid(format!("unknown version {version}")));
        }
        let total = if trust_len {
            let total = hdr(4)?;
            usize::try_from(total)
                .ok()
                .filter(|&t| (BLOCK_HEADER_LEN..=buf.len()).contains(&t))
                .ok_or_else(|| {
                    invalid(format!("length {total} with {} bytes available", buf.len()))
                })?
        } else {
            buf.len()
        };
        let buf = &buf[..total];
        let rows = usize::try_from(hdr(8)?).map_err(|_| invalid("negative row count"))?;
        let ncols = usize::try_from(hdr(12)?).map_err(|_| invalid("negative column count"))?;
        let flag = hdr(16)? as u32;
        let group_id = read_u64(buf, 20).ok_or_else(|| invalid("truncated header"))?;
        let meta = ncols
            .checked_mul(9)
            .and_then(|m| m.checked_add(BLOCK_HEADER_LEN))
            .filter(|&m| m <= total)
            .ok_or_else(|| invalid(format!("{ncols} columns do not fit in {total} bytes")))?;
        let lengths_at = BLOCK_HEADER_LEN + 5 * ncols;
        let mut cols = Vec::with_capacity(ncols);
        let mut pos = meta;
        for c in 0..ncols {
            let entry = BLOCK_HEADER_LEN + 5 * c;
            let ty = buf[entry];
            let width = read_i32(buf, entry + 1).ok_or_else(|| invalid("truncated schema"))?;
            let dlen =
                read_i32(buf, lengths_at + 4 * c).ok_or_else(|| invalid("truncated lengths"))?;
            let dlen = usize::try_from(dlen)
                .map_err(|_| invalid(format!("column {c}: negative length {dlen}")))?;
            let var = types::is_var(ty);
            let (cell, prefix_len) = if var {
                (
                    0,
                    rows.checked_mul(4)
                        .ok_or_else(|| invalid("row count overflow"))?,
                )
            } else if let Some(size) = types::fixed_size(ty) {
                let need = rows
                    .checked_mul(size)
                    .ok_or_else(|| invalid("row count overflow"))?;
                if dlen < need {
                    return Err(invalid(format!(
                        "column {c}: length {dlen} < {rows} rows x {size} bytes"
                    )));
                }
                (size, rows.div_ceil(8))
            } else {
                return Err(invalid(format!("column {c}: unknown type {ty}")));
            };
            let data_offset = pos
                .checked_add(prefix_len)
                .ok_or_else(|| invalid("offset overflow"))?;
            let end = data_offset
                .checked_add(dlen)
                .filter(|&e| e <= total)
                .ok_or_else(|| invalid(format!("column {c} exceeds the block")))?;
            let seg = ColumnSegment {
                prefix_offset: pos,
                prefix_len,
                data_offset,
                data_len: dlen,
            };
            if var {
                validate_offsets(buf, &seg, types::var_prefix_len(ty), c)?;
            }
            cols.push(ColInfo {
                ty,
                width,
                cell,
                var,
                seg,
            });
            pos = end;
        }
        // Without a trusted length field, the block ends where its last column ends.
        let buf = if trust_len { buf } else { &buf[..pos] };
        Ok(RawBlock {
            buf,
            version,
            rows,
            flag,
            group_id,
            cols,
        })
    }

    /// The block's bytes (cut to its header's length field).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.buf
    }

    /// The block's length in bytes (header field).
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Always false: a parsed block holds at least its 28-byte header.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Header version (1 for query results, 2 for TMQ-converted blocks).
    pub fn version(&self) -> i32 {
        self.version
    }

    /// Header flag word (bit 31 = has column info).
    pub fn flag(&self) -> u32 {
        self.flag
    }

    /// Group id (informational).
    pub fn group_id(&self) -> u64 {
        self.group_id
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols.len()
    }

    /// Type code of column `c` (`TSDB_DATA_TYPE_NULL` when `c` is out of range).
    pub fn col_type(&self, c: usize) -> u8 {
        self.cols
            .get(c)
            .map_or(types::TSDB_DATA_TYPE_NULL, |i| i.ty)
    }

    /// Schema width of column `c` as written in the block (packed for DECIMAL; 0 when out of
    /// range).
    pub fn col_width(&self, c: usize) -> i32 {
        self.cols.get(c).map_or(0, |i| i.width)
    }

    /// Byte offsets and lengths of column `c`'s bitmap/offsets and data (`None` out of range).
    pub fn column_segment(&self, c: usize) -> Option<ColumnSegment> {
        self.cols.get(c).map(|i| i.seg)
    }

    /// The bitmap (fixed) or offset array (var) bytes of column `c` (empty out of range).
    pub fn column_prefix(&self, c: usize) -> &'a [u8] {
        self.cols.get(c).map_or(&[][..], |i| {
            &self.buf[i.seg.prefix_offset..i.seg.prefix_offset + i.seg.prefix_len]
        })
    }

    /// The data area bytes of column `c` (empty out of range).
    pub fn column_data(&self, c: usize) -> &'a [u8] {
        self.cols.get(c).map_or(&[][..], |i| {
            &self.buf[i.seg.data_offset..i.seg.data_offset + i.seg.data_len]
        })
    }

    /// True if cell (c, r) is NULL (also true when out of range).
    pub fn is_null(&self, c: usize, r: usize) -> bool {
        let Some(i) = self.cols.get(c) else {
            return true;
        };
        if r >= self.rows {
            return true;
        }
        if i.var {
            self.var_offset(i, r) < 0
        } else {
            let byte = self.buf[i.seg.prefix_offset + r / 8];
            byte & (0x80 >> (r % 8)) != 0
        }
    }

    /// The raw little-endian bytes of fixed-width cell (c, r), present even when the cell is
    /// NULL (check [`is_null`](Self::is_null)). Empty for var columns or out of range.
    pub fn fixed_cell(&self, c: usize, r: usize) -> &'a [u8] {
        match self.cols.get(c) {
            Some(i) if !i.var && r < self.rows => {
                let at = i.seg.data_offset + r * i.cell;
                &self.buf[at..at + i.cell]
            }
            _ => &[],
        }
    }

    /// The payload (without length prefix) of variable-width cell (c, r); `None` if NULL, if
    /// the column is fixed-width, or out of range.
    pub fn var_cell(&self, c: usize, r: usize) -> Option<&'a [u8]> {
        let i = self.cols.get(c).filter(|i| i.var)?;
        if r >= self.rows {
            return None;
        }
        let off = usize::try_from(self.var_offset(i, r)).ok()?;
        let at = i.seg.data_offset + off;
        // Offsets were validated by `parse`: prefix and payload are inside the data area.
        let (len, plen) = var_len(self.buf, at, types::var_prefix_len(i.ty))?;
        Some(&self.buf[at + plen..at + plen + len])
    }

    /// The raw offset-array entry of variable-width cell (c, r) (-1 = NULL; `None` for fixed
    /// columns or out of range).
    pub fn var_offset_at(&self, c: usize, r: usize) -> Option<i32> {
        let i = self.cols.get(c).filter(|i| i.var)?;
        (r < self.rows).then(|| self.var_offset(i, r))
    }

    fn var_offset(&self, i: &ColInfo, r: usize) -> i32 {
        read_i32(self.buf, i.seg.prefix_offset + 4 * r).unwrap_or(-1)
    }
}

/// Reads a var value's length prefix at `at`: `(payload length, prefix length)`.
fn var_len(buf: &[u8], at: usize, prefix: usize) -> Option<(usize, usize)> {
    let len = if prefix == 4 {
        crate::binary::read_u32(buf, at)? as usize
    } else {
        crate::binary::read_u16(buf, at)? as usize
    };
    Some((len, prefix))
}

/// Checks every offset of a var column: -1, or a value whose prefix and payload lie inside the
/// column's data area.
fn validate_offsets(
    buf: &[u8],
    seg: &ColumnSegment,
    prefix: usize,
    c: usize,
) -> Result<(), TaosError> {
    let offsets = &buf[seg.prefix_offset..seg.prefix_offset + seg.prefix_len];
    let data = &buf[seg.data_offset..seg.data_offset + seg.data_len];
    for (r, o) in offsets.chunks_exact(4).enumerate() {
        let off = i32::from_le_bytes([o[0], o[1], o[2], o[3]]);
        if off == -1 {
            continue;
        }
        let ok = usize::try_from(off).ok().and_then(|off| {
            let (len, plen) = var_len(data, off, prefix)?;
            off.checked_add(plen)?
                .checked_add(len)
                .filter(|&e| e <= data.len())
        });
        if ok.is_none() {
            return Err(invalid(format!("column {c} row {r}: bad offset {off}")));
        }
    }
    Ok(())
}
