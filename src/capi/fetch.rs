//! Reading result rows: the per-result [`Cursor`] (current block, C row/column buffers)
//! and the fetch exports (`taos_fetch_row`, `taos_fetch_block*`, `taos_fetch_raw_block`,
//! `taos_is_null*`, `taos_get_column_data_offset`, `taos_print_row*`...).
//!
//! Layouts handed to C (abi.md §4.5):
//! * row API: fixed cells point into the raw block; variable cells point into a per-block
//!   buffer holding `[u16 len (u32 for BLOB)][payload][NUL]` per cell, NCHAR converted to
//!   UTF-8, DECIMAL rendered as NUL-terminated text;
//! * block API: fixed columns are the raw block's dense arrays; variable columns are the
//!   same converted buffer, with `taos_get_column_data_offset` giving each cell's offset;
//!   DECIMAL columns are `rows x 64`-byte NUL-padded decimal strings (as taospy reads them);
//! * raw-block API: the server's block bytes untouched (NCHAR stays UCS-4).
//!
//! All buffers are reused from block to block: fetching rows allocates nothing per row.

// Exports take C pointers whose validity is the C caller's contract (documented per
// function); they cannot be `unsafe fn` and still be called from C like native ones.
#![allow(clippy::not_unsafe_ptr_arg_deref)]
// Parameter names follow taos.h (cbindgen copies them into the header).
#![allow(non_snake_case)]

use std::ffi::{c_char, c_int, c_void};
use std::sync::Arc;

use taos_wire::block::RawBlock;
use taos_wire::error::codes::{TSDB_CODE_INVALID_MSG, TSDB_CODE_INVALID_PARA};
use taos_wire::error::TaosError;
use taos_wire::types::{
    self as wt, TSDB_DATA_TYPE_BOOL, TSDB_DATA_TYPE_DECIMAL, TSDB_DATA_TYPE_DECIMAL64,
    TSDB_DATA_TYPE_DOUBLE, TSDB_DATA_TYPE_FLOAT, TSDB_DATA_TYPE_GEOMETRY, TSDB_DATA_TYPE_INT,
    TSDB_DATA_TYPE_NCHAR, TSDB_DATA_TYPE_SMALLINT, TSDB_DATA_TYPE_TIMESTAMP,
    TSDB_DATA_TYPE_TINYINT, TSDB_DATA_TYPE_UBIGINT, TSDB_DATA_TYPE_UINT, TSDB_DATA_TYPE_USMALLINT,
    TSDB_DATA_TYPE_UTINYINT, TSDB_DATA_TYPE_VARBINARY, TSDB_DATA_TYPE_VARCHAR,
};

use crate::capi::boundary::{err, ffi_boundary, invalid_para, set_error};
use crate::capi::handles::{res_mut, ResHandle, TAOS_RES, TAOS_ROW};
use crate::capi::types::{TAOS_FIELD, TAOS_FIELD_E};
use crate::client::{Block, FieldInfo, QueryResult};

/// One block of result data owned by a cursor.
pub enum BlockData {
    /// A block from the query client.
    Client(Block),
    /// Raw block bytes from elsewhere (TMQ, stmt).
    Bytes(Vec<u8>),
}

impl BlockData {
    /// The raw block bytes.
    pub fn bytes(&self) -> &[u8] {
        match self {
            BlockData::Client(b) => b.bytes(),
            BlockData::Bytes(v) => v,
        }
    }
}

/// What a block fetch yields: a block, `None` at end of data, or an error.
pub type BlockResult = Result<Option<BlockData>, TaosError>;
/// Completion of an asynchronous block fetch; runs on a library thread.
pub type BlockCallback = Box<dyn FnOnce(BlockResult) + Send>;

/// Where a result's blocks come from (query, stmt result, TMQ message...).
pub trait BlockSource: Send + Sync {
    /// The next block, blocking; `Ok(None)` at end of data.
    fn next_block(&self) -> BlockResult;
    /// The next block delivered to `cb` on a library thread (never the caller's).
    fn next_block_async(&self, cb: BlockCallback) {
        let r = self.next_block();
        crate::capi::async_query::spawn_callback(Box::new(move || cb(r)));
    }
    /// Stops the producer (frees the server-side result); later fetches end the data.
    fn stop(&self) {}
    /// Columns and precision of the block just returned when they differ from the earlier
    /// blocks' (a TMQ message spanning tables of different schemas); the cursor then
    /// switches its fields before reading the block. Default: the schema never changes.
    fn take_schema_change(&self) -> Option<(Vec<FieldInfo>, u8)> {
        None
    }
}

impl BlockSource for QueryResult {
    fn next_block(&self) -> BlockResult {
        QueryResult::next_block(self).map(|b| b.map(BlockData::Client))
    }
    fn next_block_async(&self, cb: BlockCallback) {
        QueryResult::next_block_async(
            self,
            Box::new(move |r| cb(r.map(|b| b.map(BlockData::Client)))),
        );
    }
    fn stop(&self) {
        QueryResult::stop(self)
    }
}

/// Where one column of the current block lives (offsets into the block bytes).
#[derive(Clone, Copy, Default)]
struct ColView {
    ty: u8,
    var: bool,
    cell: usize,
    prefix_off: usize,
    data_off: usize,
    /// Length prefix size of var cells (2, or 4 for BLOB).
    len_prefix: usize,
}

/// Converted variable cells of one column: offsets (relative to `start` in the shared
/// buffer) of `[len][payload][NUL]`, -1 for NULL.
#[derive(Default)]
struct ConvCol {
    start: usize,
    offsets: Vec<i32>,
}

/// Which API last positioned the cursor (decides what `taos_fetch_lengths` reports).
#[derive(Clone, Copy, PartialEq, Eq)]
enum LengthMode {
    Row,
    Block,
}

/// Fetch state of one result: fields, the current block and the C-visible buffers.
pub struct Cursor {
    source: Arc<dyn BlockSource>,
    fields: Vec<FieldInfo>,
    precision: u8,
    c_fields: Vec<TAOS_FIELD>,
    c_fields_e: Vec<TAOS_FIELD_E>,
    internal_widths: Vec<c_int>,
    done: bool,
    block: Option<BlockData>,
    block_rows: usize,
    current: usize,
    cols: Vec<ColView>,
    decoded: bool,
    var_buf: Vec<u8>,
    conv: Vec<ConvCol>,
    row: Vec<*mut c_void>,
    row_ptr: TAOS_ROW,
    lengths: Vec<c_int>,
    mode: LengthMode,
}

fn c_name(name: &str) -> [c_char; 65] {
    let mut out = [0 as c_char; 65];
    for (d, s) in out.iter_mut().zip(name.bytes().take(64)) {
        *d = s as c_char;
    }
    out
}

impl Cursor {
    /// A cursor over `source` with the given columns.
    pub fn new(fields: Vec<FieldInfo>, precision: u8, source: Arc<dyn BlockSource>) -> Self {
        let n = fields.len();
        let c_fields = fields
            .iter()
            .map(|f| TAOS_FIELD {
                name: c_name(&f.name),
                r#type: f.ty as i8,
                bytes: f.bytes.clamp(0, i32::MAX as i64) as i32,
            })
            .collect();
        let c_fields_e = fields
            .iter()
            .map(|f| TAOS_FIELD_E {
                name: c_name(&f.name),
                r#type: f.ty as i8,
                precision: f.precision,
                scale: f.scale,
                bytes: f.bytes.clamp(0, i32::MAX as i64) as i32,
            })
            .collect();
        let internal_widths = fields
            .iter()
            .map(|f| wt::internal_width(f.ty, f.bytes))
            .collect();
        let mut c = Cursor {
            source,
            fields,
            precision,
            c_fields,
            c_fields_e,
            internal_widths,
            done: false,
            block: None,
            block_rows: 0,
            current: 0,
            cols: Vec::with_capacity(n),
            decoded: false,
            var_buf: Vec::new(),
            conv: (0..n).map(|_| ConvCol::default()).collect(),
            row: vec![std::ptr::null_mut(); n],
            row_ptr: std::ptr::null_mut(),
            lengths: vec![0; n],
            mode: LengthMode::Row,
        };
        c.row_ptr = c.row.as_mut_ptr();
        c
    }

    /// Replaces the column descriptions (for sources whose schema changes between blocks,
    /// e.g. a TMQ message spanning several tables). Call before installing the block
    /// with the new schema; pointers from `taos_fetch_fields` become invalid.
    pub fn set_fields(&mut self, fields: Vec<FieldInfo>, precision: u8) {
        let source = self.source.clone();
        *self = Cursor::new(fields, precision, source);
    }

    /// A cursor over a query result.
    pub fn for_query(q: &QueryResult) -> Self {
        Cursor::new(q.fields().to_vec(), q.precision(), Arc::new(q.clone()))
    }

    /// The columns.
    pub fn fields(&self) -> &[FieldInfo] {
        &self.fields
    }
    /// `TAOS_FIELD[num_fields]`, owned by the cursor.
    pub fn c_fields(&self) -> &[TAOS_FIELD] {
        &self.c_fields
    }
    /// `TAOS_FIELD_E[num_fields]`, owned by the cursor.
    pub fn c_fields_e(&self) -> &[TAOS_FIELD_E] {
        &self.c_fields_e
    }
    /// Result timestamp precision.
    pub fn precision(&self) -> u8 {
        self.precision
    }
    /// The block source (for async fetches and stop).
    pub fn source(&self) -> Arc<dyn BlockSource> {
        self.source.clone()
    }
    /// True once the end of data was reached.
    pub fn is_done(&self) -> bool {
        self.done
    }
    /// Rows in the current block.
    pub fn block_rows(&self) -> usize {
        self.block_rows
    }
    /// True while rows of the current block have not been handed out.
    pub fn has_pending_rows(&self) -> bool {
        self.current < self.block_rows
    }
    /// The current block's bytes.
    pub fn raw_block(&self) -> Option<&[u8]> {
        self.block.as_ref().map(|b| b.bytes())
    }

    /// Installs the outcome of a block fetch; returns the block's row count (0 at end).
    pub fn install(&mut self, r: BlockResult) -> Result<usize, TaosError> {
        self.block = None;
        self.block_rows = 0;
        self.current = 0;
        self.decoded = false;
        match r {
            Ok(None) => {
                self.done = true;
                Ok(0)
            }
            Err(e) => {
                self.done = true;
                Err(e)
            }
            Ok(Some(b)) => {
                if let Some((fields, precision)) = self.source.take_schema_change() {
                    self.set_fields(fields, precision);
                }
                let rows = self.index_block(b.bytes())?;
                self.block = Some(b);
                self.block_rows = rows;
                if rows == 0 {
                    // Zero-row blocks carry no data; ask for the next one transparently.
                    return Ok(0);
                }
                Ok(rows)
            }
        }
    }

    /// Reads the column layout of a block (validated by `RawBlock::parse`).
    fn index_block(&mut self, bytes: &[u8]) -> Result<usize, TaosError> {
        let rb = RawBlock::parse(bytes)?;
        if rb.cols() != self.fields.len() {
            return Err(err(
                TSDB_CODE_INVALID_MSG,
                format!(
                    "block has {} columns, result has {}",
                    rb.cols(),
                    self.fields.len()
                ),
            ));
        }
        self.cols.clear();
        for c in 0..rb.cols() {
            let seg = rb.column_segment(c).unwrap_or_default();
            let ty = rb.col_type(c);
            self.cols.push(ColView {
                ty,
                var: wt::is_var(ty),
                cell: wt::fixed_size(ty).unwrap_or(0),
                prefix_off: seg.prefix_offset,
                data_off: seg.data_offset,
                len_prefix: wt::var_prefix_len(ty),
            });
        }
        Ok(rb.rows())
    }

    /// Fetches the next block synchronously (skipping empty blocks); returns its rows.
    pub fn advance(&mut self) -> Result<usize, TaosError> {
        loop {
            if self.done {
                self.block = None;
                self.block_rows = 0;
                self.current = 0;
                return Ok(0);
            }
            let r = self.source.next_block();
            let n = self.install(r)?;
            if n > 0 || self.done {
                return Ok(n);
            }
        }
    }

    /// Builds the converted buffer for var / decimal columns of the current block.
    fn ensure_decoded(&mut self) -> Result<(), TaosError> {
        if self.decoded {
            return Ok(());
        }
        let Some(block) = self.block.as_ref() else {
            return Ok(());
        };
        let bytes = block.bytes();
        let rows = self.block_rows;
        self.var_buf.clear();
        for (c, col) in self.cols.iter().enumerate() {
            let conv = &mut self.conv[c];
            conv.offsets.clear();
            conv.start = self.var_buf.len();
            if col.var {
                for r in 0..rows {
                    let off = read_i32(bytes, col.prefix_off + 4 * r);
                    if off < 0 {
                        conv.offsets.push(-1);
                        continue;
                    }
                    let at = col.data_off + off as usize;
                    let (len, plen) = if col.len_prefix == 4 {
                        (read_u32(bytes, at) as usize, 4)
                    } else {
                        (read_u16(bytes, at) as usize, 2)
                    };
                    let payload = bytes.get(at + plen..at + plen + len).unwrap_or(&[]);
                    conv.offsets.push((self.var_buf.len() - conv.start) as i32);
                    if col.ty == TSDB_DATA_TYPE_NCHAR {
                        push_prefixed(&mut self.var_buf, plen, |out| {
                            ucs4_to_utf8_into(payload, out)
                        });
                    } else {
                        push_prefixed(&mut self.var_buf, plen, |out| {
                            out.extend_from_slice(payload)
                        });
                    }
                }
            } else if is_decimal(col.ty) {
                // DECIMAL cells become fixed 64-byte NUL-padded text slots (what taospy
                // reads in the block API); `offsets` holds each text's length, -1 = NULL.
                let scale = self.fields[c].scale;
                for r in 0..rows {
                    let at = self.var_buf.len();
                    self.var_buf.resize(at + DECIMAL_TEXT_LEN, 0);
                    if bitmap_null(bytes, col.prefix_off, r) {
                        conv.offsets.push(-1);
                        continue;
                    }
                    let cell_at = col.data_off + r * col.cell;
                    let cell = bytes.get(cell_at..cell_at + col.cell).unwrap_or(&[]);
                    let text = format_decimal(cell, scale);
                    let n = text.len().min(DECIMAL_TEXT_LEN - 1);
                    self.var_buf[at..at + n].copy_from_slice(&text.as_bytes()[..n]);
                    conv.offsets.push(n as i32);
                }
            }
        }
        self.decoded = true;
        Ok(())
    }

    /// Hands out the next row (fetching the next block when the current one is used up).
    /// Returns `Ok(None)` at end of data.
    pub fn fetch_row(&mut self) -> Result<Option<TAOS_ROW>, TaosError> {
        if self.current >= self.block_rows && self.advance()? == 0 {
            return Ok(None);
        }
        self.ensure_decoded()?;
        let r = self.current;
        self.current += 1;
        self.mode = LengthMode::Row;
        let Some(block) = self.block.as_ref() else {
            return Ok(None);
        };
        let base = block.bytes().as_ptr();
        let vbase = self.var_buf.as_ptr();
        for (c, col) in self.cols.iter().enumerate() {
            let conv = &self.conv[c];
            let (p, len) = if is_decimal(col.ty) {
                match conv.offsets.get(r) {
                    // SAFETY: the slot lies inside var_buf (written by ensure_decoded).
                    Some(&n) if n >= 0 => (
                        unsafe { vbase.add(conv.start + r * DECIMAL_TEXT_LEN) } as *mut c_void,
                        n as usize,
                    ),
                    _ => (std::ptr::null_mut(), 0),
                }
            } else if col.var {
                match conv.offsets.get(r) {
                    Some(&off) if off >= 0 => {
                        let at = conv.start + off as usize;
                        let plen = col.len_prefix;
                        let len = if plen == 4 {
                            read_u32(&self.var_buf, at) as usize
                        } else {
                            read_u16(&self.var_buf, at) as usize
                        };
                        // SAFETY: at + plen lies inside var_buf (written by ensure_decoded).
                        (unsafe { vbase.add(at + plen) } as *mut c_void, len)
                    }
                    _ => (std::ptr::null_mut(), 0),
                }
            } else if bitmap_null(block.bytes(), col.prefix_off, r) {
                (std::ptr::null_mut(), 0)
            } else {
                // SAFETY: RawBlock::parse checked rows * cell bytes at data_off.
                (
                    unsafe { base.add(col.data_off + r * col.cell) } as *mut c_void,
                    col.cell,
                )
            };
            self.row[c] = p;
            self.lengths[c] = len as c_int;
        }
        self.row_ptr = self.row.as_mut_ptr();
        Ok(Some(self.row_ptr))
    }

    /// Positions on a block for the block API (the current one if none of its rows were
    /// handed out yet, else the next) and fills the column pointer array. Returns the
    /// row count (0 at end) and the array.
    pub fn fetch_block(&mut self) -> Result<(usize, TAOS_ROW), TaosError> {
        if self.current >= self.block_rows && self.advance()? == 0 {
            return Ok((0, std::ptr::null_mut()));
        }
        self.ensure_decoded()?;
        self.current = self.block_rows;
        self.mode = LengthMode::Block;
        self.lengths.copy_from_slice(&self.internal_widths);
        let Some(block) = self.block.as_ref() else {
            return Ok((0, std::ptr::null_mut()));
        };
        let base = block.bytes().as_ptr();
        for (c, col) in self.cols.iter().enumerate() {
            self.row[c] = if col.var || is_decimal(col.ty) {
                // SAFETY: start is within (or one past the end of) var_buf.
                unsafe { self.var_buf.as_ptr().add(self.conv[c].start) as *mut c_void }
            } else {
                // SAFETY: data_off lies inside the block.
                unsafe { base.add(col.data_off) as *mut c_void }
            };
        }
        self.row_ptr = self.row.as_mut_ptr();
        Ok((self.block_rows, self.row_ptr))
    }

    /// Positions on a block for the raw-block API; returns (rows, block pointer).
    pub fn fetch_raw_block(&mut self) -> Result<(usize, *const c_void), TaosError> {
        if self.current >= self.block_rows && self.advance()? == 0 {
            return Ok((0, std::ptr::null()));
        }
        self.current = self.block_rows;
        let p = self
            .block
            .as_ref()
            .map_or(std::ptr::null(), |b| b.bytes().as_ptr() as *const c_void);
        Ok((self.block_rows, p))
    }

    /// Marks every row of the current block as handed out (after an async fetch by the
    /// raw-block API).
    pub fn consume_block(&mut self) {
        self.current = self.block_rows;
    }

    /// `taos_fetch_lengths` array (per-row lengths after a row fetch, internal widths after
    /// a block fetch).
    pub fn lengths_ptr(&mut self) -> *mut c_int {
        if self.mode == LengthMode::Block {
            self.lengths.copy_from_slice(&self.internal_widths);
        }
        self.lengths.as_mut_ptr()
    }

    /// Address of the row-pointer array variable (`taos_result_block`).
    pub fn result_block(&mut self) -> *mut TAOS_ROW {
        &mut self.row_ptr
    }

    /// Whether cell (row, col) of the current block is NULL (true when out of range).
    pub fn is_null(&self, row: usize, col: usize) -> bool {
        let (Some(block), Some(cv)) = (self.block.as_ref(), self.cols.get(col)) else {
            return true;
        };
        if row >= self.block_rows {
            return true;
        }
        if cv.var {
            read_i32(block.bytes(), cv.prefix_off + 4 * row) < 0
        } else {
            bitmap_null(block.bytes(), cv.prefix_off, row)
        }
    }

    /// Offsets of a var column's cells in the current block (NULL for fixed columns).
    pub fn column_offsets(&mut self, col: usize) -> Result<*mut c_int, TaosError> {
        match self.cols.get(col) {
            Some(cv) if cv.var => {
                self.ensure_decoded()?;
                Ok(self.conv[col].offsets.as_mut_ptr())
            }
            _ => Ok(std::ptr::null_mut()),
        }
    }

    /// Number of columns.
    pub fn num_fields(&self) -> usize {
        self.fields.len()
    }
}

/// Size of one DECIMAL text slot in the row and block APIs (NUL-padded).
pub const DECIMAL_TEXT_LEN: usize = 64;

fn is_decimal(ty: u8) -> bool {
    ty == TSDB_DATA_TYPE_DECIMAL || ty == TSDB_DATA_TYPE_DECIMAL64
}

fn read_i32(b: &[u8], at: usize) -> i32 {
    b.get(at..at + 4)
        .map_or(-1, |s| i32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}
fn read_u32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}
fn read_u16(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}
fn bitmap_null(b: &[u8], prefix_off: usize, r: usize) -> bool {
    b.get(prefix_off + r / 8)
        .is_none_or(|byte| byte & (0x80 >> (r % 8)) != 0)
}

/// Appends `[len][payload][NUL]` where `fill` writes the payload; `plen` is 2 or 4.
fn push_prefixed(out: &mut Vec<u8>, plen: usize, fill: impl FnOnce(&mut Vec<u8>)) {
    let at = out.len();
    out.resize(at + plen, 0);
    fill(out);
    let len = out.len() - at - plen;
    if plen == 4 {
        out[at..at + 4].copy_from_slice(&(len as u32).to_le_bytes());
    } else {
        let l = len.min(u16::MAX as usize) as u16;
        out[at..at + 2].copy_from_slice(&l.to_le_bytes());
    }
    out.push(0);
}

/// Appends the UTF-8 form of UCS-4 LE text; invalid code points become U+FFFD.
pub fn ucs4_to_utf8_into(src: &[u8], out: &mut Vec<u8>) {
    for ch in src.chunks_exact(4) {
        let cp = u32::from_le_bytes([ch[0], ch[1], ch[2], ch[3]]);
        if cp < 0x80 {
            out.push(cp as u8);
        } else {
            let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
            let mut b = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
        }
    }
}

/// Renders a DECIMAL (16-byte) or DECIMAL64 (8-byte) LE unscaled value with `scale`
/// fraction digits ("-12.3400", "0.05").
pub fn format_decimal(cell: &[u8], scale: u8) -> String {
    let v: i128 = match cell.len() {
        8 => i64::from_le_bytes(cell.try_into().unwrap_or([0; 8])) as i128,
        16 => i128::from_le_bytes(cell.try_into().unwrap_or([0; 16])),
        _ => 0,
    };
    let digits = v.unsigned_abs().to_string();
    let scale = scale as usize;
    let mut s = String::with_capacity(digits.len() + 3);
    if v < 0 {
        s.push('-');
    }
    if scale == 0 {
        s.push_str(&digits);
    } else if digits.len() > scale {
        let (i, f) = digits.split_at(digits.len() - scale);
        s.push_str(i);
        s.push('.');
        s.push_str(f);
    } else {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', scale - digits.len()));
        s.push_str(&digits);
    }
    s
}

/// Formats a double like C's `%f`.
fn c_f(v: f64) -> String {
    if v.is_nan() {
        if v.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        }
    } else if v.is_infinite() {
        if v < 0.0 {
            "-inf".into()
        } else {
            "inf".into()
        }
    } else {
        format!("{v:.6}")
    }
}

/// Formats one row like native `taos_print_row`: cells separated by one space, NULL as
/// "NULL", integers and timestamps as integers, FLOAT/DOUBLE as `%f`, BOOL as 0/1,
/// VARCHAR/NCHAR/GEOMETRY as raw bytes, VARBINARY as `\x` + uppercase hex; other types
/// (JSON, DECIMAL, BLOB) print nothing, as in native.
///
/// # Safety
/// `row` holds `fields.len()` cell pointers valid for their types (variable cells with
/// their u16 length just before the pointer).
pub unsafe fn format_row(row: &[*mut c_void], fields: &[TAOS_FIELD], out: &mut Vec<u8>) {
    use std::io::Write;
    for (i, (&p, f)) in row.iter().zip(fields).enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        if p.is_null() {
            out.extend_from_slice(b"NULL");
            continue;
        }
        // SAFETY (all reads): per the function contract; read_unaligned since cells in a
        // raw block have no alignment guarantee.
        unsafe {
            let _ = match f.r#type as u8 {
                TSDB_DATA_TYPE_TINYINT | TSDB_DATA_TYPE_BOOL => {
                    write!(out, "{}", (p as *const i8).read_unaligned())
                }
                TSDB_DATA_TYPE_UTINYINT => write!(out, "{}", (p as *const u8).read_unaligned()),
                TSDB_DATA_TYPE_SMALLINT => write!(out, "{}", (p as *const i16).read_unaligned()),
                TSDB_DATA_TYPE_USMALLINT => write!(out, "{}", (p as *const u16).read_unaligned()),
                TSDB_DATA_TYPE_INT => write!(out, "{}", (p as *const i32).read_unaligned()),
                TSDB_DATA_TYPE_UINT => write!(out, "{}", (p as *const u32).read_unaligned()),
                wt::TSDB_DATA_TYPE_BIGINT | TSDB_DATA_TYPE_TIMESTAMP => {
                    write!(out, "{}", (p as *const i64).read_unaligned())
                }
                TSDB_DATA_TYPE_UBIGINT => write!(out, "{}", (p as *const u64).read_unaligned()),
                TSDB_DATA_TYPE_FLOAT => {
                    out.extend_from_slice(
                        c_f((p as *const f32).read_unaligned() as f64).as_bytes(),
                    );
                    Ok(())
                }
                TSDB_DATA_TYPE_DOUBLE => {
                    out.extend_from_slice(c_f((p as *const f64).read_unaligned()).as_bytes());
                    Ok(())
                }
                TSDB_DATA_TYPE_VARBINARY => {
                    let len = ((p as *const u8).sub(2) as *const u16).read_unaligned() as usize;
                    let s = std::slice::from_raw_parts(p as *const u8, len);
                    out.extend_from_slice(b"\\x");
                    for b in s {
                        write!(out, "{b:02X}").ok();
                    }
                    Ok(())
                }
                TSDB_DATA_TYPE_VARCHAR | TSDB_DATA_TYPE_NCHAR | TSDB_DATA_TYPE_GEOMETRY => {
                    let len = ((p as *const u8).sub(2) as *const u16).read_unaligned() as usize;
                    out.extend_from_slice(std::slice::from_raw_parts(p as *const u8, len));
                    Ok(())
                }
                _ => Ok(()),
            };
        }
    }
}

/// Shared body of `taos_print_row*`: formats and copies at most `size - 1` bytes + NUL.
unsafe fn print_row_into(
    str: *mut c_char,
    size: usize,
    row: TAOS_ROW,
    fields: *mut TAOS_FIELD,
    num_fields: c_int,
) -> Result<c_int, TaosError> {
    if str.is_null() || row.is_null() || fields.is_null() || num_fields < 0 {
        return Err(invalid_para("str, row or fields is NULL"));
    }
    if size == 0 {
        return Ok(0);
    }
    let n = num_fields as usize;
    // SAFETY: caller passes arrays of num_fields entries.
    let (row, fields) = unsafe {
        (
            std::slice::from_raw_parts(row as *const *mut c_void, n),
            std::slice::from_raw_parts(fields as *const TAOS_FIELD, n),
        )
    };
    let mut out = Vec::with_capacity(64 * n);
    // SAFETY: forwarded contract.
    unsafe { format_row(row, fields, &mut out) };
    let len = out.len().min(size - 1);
    // SAFETY: str valid for size bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(out.as_ptr(), str as *mut u8, len);
        *str.add(len) = 0;
    }
    Ok(len as c_int)
}

/// Writes a row as text into `str` (NUL-terminated, no size limit: the caller's buffer
/// must be large enough), cells separated by spaces, NULL as "NULL", FLOAT/DOUBLE as
/// `%f`, VARBINARY as `\x` + hex. Returns the number of characters written.
/// NULL arguments give `TSDB_CODE_INVALID_PARA`.
#[no_mangle]
pub extern "C" fn taos_print_row(
    str: *mut c_char,
    row: TAOS_ROW,
    fields: *mut TAOS_FIELD,
    num_fields: c_int,
) -> c_int {
    ffi_boundary!("taos_print_row", {
        // SAFETY: per the C contract (buffer large enough, as native assumes).
        unsafe { print_row_into(str, i32::MAX as usize, row, fields, num_fields) }
    })
}

/// Like `taos_print_row` but writes at most `size - 1` characters plus the NUL.
/// Returns the number of characters written.
#[no_mangle]
pub extern "C" fn taos_print_row_with_size(
    str: *mut c_char,
    size: u32,
    row: TAOS_ROW,
    fields: *mut TAOS_FIELD,
    num_fields: c_int,
) -> c_int {
    ffi_boundary!("taos_print_row_with_size", {
        // SAFETY: str valid for size bytes per contract.
        unsafe { print_row_into(str, size as usize, row, fields, num_fields) }
    })
}

/// Runs `f` on the cursor of a row result; records and returns errors on the result.
fn with_cursor<T>(
    h: &mut ResHandle,
    f: impl FnOnce(&mut Cursor) -> Result<T, TaosError>,
) -> Result<Option<T>, TaosError> {
    if let Some(e) = &h.error {
        return Err(err(e.code, e.msg.to_string_lossy()));
    }
    let Some(c) = h.cursor.as_mut() else {
        return Ok(None);
    };
    match f(c) {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            h.set_error(&e);
            Err(e)
        }
    }
}

/// The next row of a result: an array of `taos_num_fields` cell pointers owned by the
/// result, overwritten by the next fetch and freed by `taos_free_result`. A NULL cell is
/// SQL NULL; variable-length cells point at the payload with its u16 length (u32 for
/// BLOB) just before it and a NUL byte just after; NCHAR is UTF-8. Returns NULL at end of
/// data, on error (see `taos_errno(res)`), or for NULL / non-row results.
#[no_mangle]
pub extern "C" fn taos_fetch_row(res: *mut TAOS_RES) -> TAOS_ROW {
    ffi_boundary!("taos_fetch_row", {
        if res.is_null() {
            return Ok(std::ptr::null_mut());
        }
        let h = res_mut(res)?;
        Ok(with_cursor(h, |c| c.fetch_row())?
            .flatten()
            .unwrap_or(std::ptr::null_mut()))
    })
}

/// `int[num_fields]` owned by the result: after `taos_fetch_row` the byte length of each
/// cell of that row (0 for NULL, UTF-8 bytes for NCHAR); after a block fetch the
/// columns' internal widths. NULL for NULL / non-row results. Valid until the next fetch
/// or `taos_free_result`.
#[no_mangle]
pub extern "C" fn taos_fetch_lengths(res: *mut TAOS_RES) -> *mut c_int {
    ffi_boundary!("taos_fetch_lengths", {
        if res.is_null() {
            return Ok(std::ptr::null_mut());
        }
        let h = res_mut(res)?;
        Ok(h.cursor
            .as_mut()
            .map_or(std::ptr::null_mut(), |c| c.lengths_ptr()))
    })
}

fn fetch_block_impl(res: *mut TAOS_RES, rows: *mut TAOS_ROW) -> Result<(c_int, c_int), TaosError> {
    if !rows.is_null() {
        // SAFETY: out-parameter per contract.
        unsafe { *rows = std::ptr::null_mut() };
    }
    if res.is_null() {
        return Ok((0, 0));
    }
    let h = res_mut(res)?;
    if let Some(e) = &h.error {
        crate::capi::boundary::set_last_error(e.code, &e.msg.to_string_lossy());
        return Ok((e.code, 0));
    }
    match with_cursor(h, |c| c.fetch_block()) {
        Ok(Some((n, p))) => {
            if !rows.is_null() {
                // SAFETY: as above.
                unsafe { *rows = p };
            }
            Ok((0, n as c_int))
        }
        Ok(None) => Ok((0, 0)),
        Err(e) => {
            set_error(&e);
            Ok((e.code, 0))
        }
    }
}

/// Fetches the next block for the column-wise API. `*rows` receives an array of
/// `num_fields` column pointers owned by the result (valid until the next fetch or
/// free): fixed columns are dense arrays, variable columns a data area indexed by
/// `taos_get_column_data_offset`. Returns the block's row count, 0 at end of data or on
/// error (then `taos_errno(res)` is non-zero). NULL `res` returns 0.
#[no_mangle]
pub extern "C" fn taos_fetch_block(res: *mut TAOS_RES, rows: *mut TAOS_ROW) -> c_int {
    ffi_boundary!("taos_fetch_block", {
        let (_code, n) = fetch_block_impl(res, rows)?;
        Ok(n)
    })
}

/// Like `taos_fetch_block`, but returns 0 or the error code and writes the row count to
/// `*numOfRows` (0 at end of data).
#[no_mangle]
pub extern "C" fn taos_fetch_block_s(
    res: *mut TAOS_RES,
    numOfRows: *mut c_int,
    rows: *mut TAOS_ROW,
) -> c_int {
    ffi_boundary!("taos_fetch_block_s", {
        if !numOfRows.is_null() {
            // SAFETY: out-parameter.
            unsafe { *numOfRows = 0 };
        }
        let (code, n) = fetch_block_impl(res, rows)?;
        if !numOfRows.is_null() {
            // SAFETY: out-parameter.
            unsafe { *numOfRows = n };
        }
        Ok(code)
    })
}

/// Fetches the next block in the server's raw-block format (NCHAR as UCS-4). Writes
/// `*numOfRows = 0, *pData = NULL` first; on success `*pData` points at the block, owned
/// by the result until the next fetch or free, and `*numOfRows` is its row count (0 at
/// end). Returns 0 or the error code.
#[no_mangle]
pub extern "C" fn taos_fetch_raw_block(
    res: *mut TAOS_RES,
    numOfRows: *mut c_int,
    pData: *mut *mut c_void,
) -> c_int {
    ffi_boundary!("taos_fetch_raw_block", {
        // SAFETY: out-parameters per contract (checked for NULL).
        unsafe {
            if !numOfRows.is_null() {
                *numOfRows = 0;
            }
            if !pData.is_null() {
                *pData = std::ptr::null_mut();
            }
        }
        if res.is_null() {
            return Ok(0);
        }
        let h = res_mut(res)?;
        if let Some(e) = &h.error {
            return Ok(e.code);
        }
        let (n, p) = with_cursor(h, |c| c.fetch_raw_block())?.unwrap_or((0, std::ptr::null()));
        // SAFETY: as above.
        unsafe {
            if !numOfRows.is_null() {
                *numOfRows = n as c_int;
            }
            if !pData.is_null() {
                *pData = p as *mut c_void;
            }
        }
        Ok(0)
    })
}

/// The current raw block (after `taos_fetch_raw_block_a` / `taos_fetch_raw_block`),
/// owned by the result until the next fetch or free; NULL when there is none or `res` is
/// NULL.
#[no_mangle]
pub extern "C" fn taos_get_raw_block(res: *mut TAOS_RES) -> *const c_void {
    ffi_boundary!("taos_get_raw_block", {
        if res.is_null() {
            return Ok(std::ptr::null());
        }
        let h = res_mut(res)?;
        Ok(h.cursor
            .as_ref()
            .and_then(|c| c.raw_block())
            .map_or(std::ptr::null(), |b| b.as_ptr() as *const c_void))
    })
}

/// True when cell (`row`, `col`) of the current block is NULL; also true for NULL `res`
/// or out-of-range indexes.
#[no_mangle]
pub extern "C" fn taos_is_null(res: *mut TAOS_RES, row: i32, col: i32) -> bool {
    ffi_boundary!("taos_is_null", {
        if res.is_null() || row < 0 || col < 0 {
            return Ok(true);
        }
        let h = res_mut(res)?;
        Ok(h.cursor
            .as_ref()
            .is_none_or(|c| c.is_null(row as usize, col as usize)))
    })
}

/// Fills `result[0..*rows)` with the NULL flags of column `columnIndex` in the current
/// block, clamping `*rows` to the block's row count. Returns 0, or
/// `TSDB_CODE_INVALID_PARA` for NULL arguments, `*rows <= 0` or a bad column.
#[no_mangle]
pub extern "C" fn taos_is_null_by_column(
    res: *mut TAOS_RES,
    columnIndex: c_int,
    result: *mut bool,
    rows: *mut c_int,
) -> c_int {
    ffi_boundary!("taos_is_null_by_column", {
        if res.is_null() || result.is_null() || rows.is_null() || columnIndex < 0 {
            return Err(err(TSDB_CODE_INVALID_PARA, "invalid parameter"));
        }
        // SAFETY: rows is non-NULL.
        let want = unsafe { *rows };
        if want <= 0 {
            return Err(err(TSDB_CODE_INVALID_PARA, "rows <= 0"));
        }
        let h = res_mut(res)?;
        let c = h
            .cursor
            .as_ref()
            .filter(|c| (columnIndex as usize) < c.num_fields())
            .ok_or_else(|| err(TSDB_CODE_INVALID_PARA, "invalid column index"))?;
        let n = (want as usize).min(c.block_rows());
        for r in 0..n {
            // SAFETY: result has at least *rows >= n entries; written as C _Bool bytes.
            unsafe { *(result as *mut u8).add(r) = c.is_null(r, columnIndex as usize) as u8 };
        }
        // SAFETY: rows is non-NULL.
        unsafe { *rows = n as c_int };
        Ok(0)
    })
}

/// For a variable-length column of the current block: `int32[numOfRows]` owned by the
/// result, -1 for NULL, else the byte offset from the column pointer of
/// `taos_fetch_block` to the cell's u16 length (payload follows). NULL for fixed-width or
/// out-of-range columns and NULL `res`.
#[no_mangle]
pub extern "C" fn taos_get_column_data_offset(
    res: *mut TAOS_RES,
    columnIndex: c_int,
) -> *mut c_int {
    ffi_boundary!("taos_get_column_data_offset", {
        if res.is_null() || columnIndex < 0 {
            return Ok(std::ptr::null_mut());
        }
        let h = res_mut(res)?;
        Ok(with_cursor(h, |c| c.column_offsets(columnIndex as usize))?
            .unwrap_or(std::ptr::null_mut()))
    })
}

/// Address of the result's row-pointer array variable (the `TAOS_ROW` last filled by
/// `taos_fetch_row` / `taos_fetch_block`), owned by the result. NULL for NULL `res` and
/// for results without columns.
#[no_mangle]
pub extern "C" fn taos_result_block(res: *mut TAOS_RES) -> *mut TAOS_ROW {
    ffi_boundary!("taos_result_block", {
        if res.is_null() {
            return Err(invalid_para("res is NULL"));
        }
        let h = res_mut(res)?;
        Ok(h.cursor
            .as_mut()
            .filter(|c| c.num_fields() > 0)
            .map_or(std::ptr::null_mut(), |c| c.result_block()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use taos_wire::block::{BlockBuilder, ColumnSchema};

    struct VecSource(parking_lot::Mutex<Vec<Vec<u8>>>);
    impl BlockSource for VecSource {
        fn next_block(&self) -> BlockResult {
            let mut v = self.0.lock();
            if v.is_empty() {
                Ok(None)
            } else {
                Ok(Some(BlockData::Bytes(v.remove(0))))
            }
        }
    }

    fn field(name: &str, ty: u8, bytes: i64) -> FieldInfo {
        FieldInfo {
            name: name.into(),
            ty,
            bytes,
            precision: 0,
            scale: 0,
        }
    }

    fn sample() -> Cursor {
        let schema = vec![
            ColumnSchema::from_user_width(TSDB_DATA_TYPE_TIMESTAMP, 8),
            ColumnSchema::from_user_width(TSDB_DATA_TYPE_INT, 4),
            ColumnSchema::from_user_width(TSDB_DATA_TYPE_VARCHAR, 10),
            ColumnSchema::from_user_width(TSDB_DATA_TYPE_NCHAR, 10),
        ];
        let mut b = BlockBuilder::new(schema);
        b.push_timestamp(0, 1_700_000_000_000);
        b.push_i32(1, -7);
        b.push_str(2, "abc");
        b.push_nchar(3, "héllo");
        b.push_timestamp(0, 1_700_000_000_001);
        b.push_null(1);
        b.push_null(2);
        b.push_nchar(3, "");
        let block = b.finish(2, 0);
        let fields = vec![
            field("ts", TSDB_DATA_TYPE_TIMESTAMP, 8),
            field("v", TSDB_DATA_TYPE_INT, 4),
            field("s", TSDB_DATA_TYPE_VARCHAR, 10),
            field("n", TSDB_DATA_TYPE_NCHAR, 10),
        ];
        Cursor::new(
            fields,
            0,
            Arc::new(VecSource(parking_lot::Mutex::new(vec![block]))),
        )
    }

    unsafe fn var_cell<'a>(p: *mut c_void) -> (&'a [u8], u16, u8) {
        let p = p as *const u8;
        let len = (p.sub(2) as *const u16).read_unaligned();
        (
            std::slice::from_raw_parts(p, len as usize),
            len,
            *p.add(len as usize),
        )
    }

    #[test]
    fn row_pointers_and_lengths() {
        let mut c = sample();
        let row = c.fetch_row().unwrap().unwrap();
        let cells = unsafe { std::slice::from_raw_parts(row, 4) };
        assert_eq!(
            unsafe { (cells[0] as *const i64).read_unaligned() },
            1_700_000_000_000
        );
        assert_eq!(unsafe { (cells[1] as *const i32).read_unaligned() }, -7);
        let (s, len, nul) = unsafe { var_cell(cells[2]) };
        assert_eq!((s, len, nul), (&b"abc"[..], 3, 0));
        let (s, _, nul) = unsafe { var_cell(cells[3]) };
        assert_eq!(s, "héllo".as_bytes());
        assert_eq!(nul, 0);
        let lens = unsafe { std::slice::from_raw_parts(c.lengths_ptr(), 4) };
        assert_eq!(lens, &[8, 4, 3, 6]);

        let row = c.fetch_row().unwrap().unwrap();
        let cells = unsafe { std::slice::from_raw_parts(row, 4) };
        assert!(cells[1].is_null() && cells[2].is_null());
        assert!(!cells[3].is_null());
        let lens = unsafe { std::slice::from_raw_parts(c.lengths_ptr(), 4) };
        assert_eq!(lens, &[8, 0, 0, 0]);
        assert!(c.is_null(1, 1) && !c.is_null(0, 1) && c.is_null(5, 0));
        assert!(c.fetch_row().unwrap().is_none());
        assert!(c.is_done());
    }

    #[test]
    fn block_layout_and_offsets() {
        let mut c = sample();
        let (n, cols) = c.fetch_block().unwrap();
        assert_eq!(n, 2);
        let cols = unsafe { std::slice::from_raw_parts(cols, 4) };
        let ts = unsafe { (cols[0] as *const i64).add(1).read_unaligned() };
        assert_eq!(ts, 1_700_000_000_001);
        let offs = c.column_offsets(2).unwrap();
        let offs = unsafe { std::slice::from_raw_parts(offs, 2) };
        assert_eq!(offs[1], -1);
        let cell = unsafe { (cols[2] as *const u8).add(offs[0] as usize) };
        let len = unsafe { (cell as *const u16).read_unaligned() };
        assert_eq!(len, 3);
        assert_eq!(
            unsafe { std::slice::from_raw_parts(cell.add(2), 3) },
            b"abc"
        );
        let noffs = c.column_offsets(3).unwrap();
        let noffs = unsafe { std::slice::from_raw_parts(noffs, 2) };
        let cell = unsafe { (cols[3] as *const u8).add(noffs[0] as usize) };
        let len = unsafe { (cell as *const u16).read_unaligned() } as usize;
        assert_eq!(
            unsafe { std::slice::from_raw_parts(cell.add(2), len) },
            "héllo".as_bytes()
        );
        assert!(c.column_offsets(1).unwrap().is_null());
        let lens = unsafe { std::slice::from_raw_parts(c.lengths_ptr(), 4) };
        assert_eq!(lens, &[8, 4, 12, 42]);
        assert_eq!(c.fetch_block().unwrap().0, 0);
    }

    #[test]
    fn raw_block_keeps_ucs4() {
        let mut c = sample();
        let (n, p) = c.fetch_raw_block().unwrap();
        assert_eq!(n, 2);
        let bytes = c.raw_block().unwrap();
        assert_eq!(bytes.as_ptr() as *const c_void, p);
        let rb = RawBlock::parse(bytes).unwrap();
        assert_eq!(rb.var_cell(3, 0).unwrap().len(), 5 * 4);
    }

    #[test]
    fn print_row_matches_native_format() {
        let mut c = sample();
        let row = c.fetch_row().unwrap().unwrap();
        let cells = unsafe { std::slice::from_raw_parts(row, 4) }.to_vec();
        let mut out = Vec::new();
        unsafe { format_row(&cells, c.c_fields(), &mut out) };
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1700000000000 -7 abc héllo"
        );
        let row = c.fetch_row().unwrap().unwrap();
        let cells = unsafe { std::slice::from_raw_parts(row, 4) }.to_vec();
        let mut out = Vec::new();
        unsafe { format_row(&cells, c.c_fields(), &mut out) };
        assert_eq!(String::from_utf8(out).unwrap(), "1700000000001 NULL NULL ");

        let f = 1.5f32;
        let d = -2.25f64;
        let vb: [u8; 4] = [2, 0, 0xab, 0x01];
        let cells = vec![
            &f as *const f32 as *mut c_void,
            &d as *const f64 as *mut c_void,
            vb[2..].as_ptr() as *mut c_void,
        ];
        let fields = vec![
            TAOS_FIELD {
                name: [0; 65],
                r#type: TSDB_DATA_TYPE_FLOAT as i8,
                bytes: 4,
            },
            TAOS_FIELD {
                name: [0; 65],
                r#type: TSDB_DATA_TYPE_DOUBLE as i8,
                bytes: 8,
            },
            TAOS_FIELD {
                name: [0; 65],
                r#type: TSDB_DATA_TYPE_VARBINARY as i8,
                bytes: 4,
            },
        ];
        let mut out = Vec::new();
        unsafe { format_row(&cells, &fields, &mut out) };
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1.500000 -2.250000 \\xAB01"
        );

        let mut buf = [0x55 as c_char; 6];
        let n = unsafe {
            print_row_into(
                buf.as_mut_ptr(),
                6,
                cells.as_ptr() as TAOS_ROW,
                fields.as_ptr() as *mut _,
                3,
            )
        }
        .unwrap();
        assert_eq!(n, 5);
        assert_eq!(buf[5], 0);
    }

    #[test]
    fn decimal_columns_become_text_slots() {
        let w = wt::decimal_schema_width(TSDB_DATA_TYPE_DECIMAL64, 10, 2);
        let mut b = BlockBuilder::new(vec![ColumnSchema::new(TSDB_DATA_TYPE_DECIMAL64, w)]);
        b.push_decimal64(0, -12345);
        b.push_null(0);
        let block = b.finish(2, 0);
        let mut f = field("d", TSDB_DATA_TYPE_DECIMAL64, 8);
        f.precision = 10;
        f.scale = 2;
        let src = VecSource(parking_lot::Mutex::new(vec![block.clone(), block]));
        let mut c = Cursor::new(vec![f], 0, Arc::new(src));
        let row = c.fetch_row().unwrap().unwrap();
        let cell = unsafe { *row };
        let s = unsafe { std::ffi::CStr::from_ptr(cell as *const c_char) };
        assert_eq!(s.to_str().unwrap(), "-123.45");
        assert_eq!(unsafe { *c.lengths_ptr() }, 7);
        let row = c.fetch_row().unwrap().unwrap();
        assert!(unsafe { *row }.is_null());
        let (n, cols) = c.fetch_block().unwrap();
        assert_eq!(n, 2);
        let base = unsafe { *cols } as *const u8;
        let slot0 = unsafe { std::slice::from_raw_parts(base, DECIMAL_TEXT_LEN) };
        assert_eq!(&slot0[..8], b"-123.45\0");
        assert!(c.is_null(1, 0));
    }

    /// Throughput of the row API alone (no network): 1M rows of (ts, int, varchar(12),
    /// nchar(8)) in 4096-row blocks.
    #[test]
    #[ignore = "benchmark; run with --release -- --ignored --nocapture"]
    fn bench_fetch_row_1m() {
        let rows_per_block = 4096;
        let mut blocks = Vec::new();
        let total = 1_000_000usize;
        let mut k = 0usize;
        while k < total {
            let n = rows_per_block.min(total - k);
            let mut b = BlockBuilder::new(vec![
                ColumnSchema::from_user_width(TSDB_DATA_TYPE_TIMESTAMP, 8),
                ColumnSchema::from_user_width(TSDB_DATA_TYPE_INT, 4),
                ColumnSchema::from_user_width(TSDB_DATA_TYPE_VARCHAR, 12),
                ColumnSchema::from_user_width(TSDB_DATA_TYPE_NCHAR, 8),
            ]);
            for i in k..k + n {
                b.push_timestamp(0, i as i64);
                b.push_i32(1, i as i32);
                b.push_str(2, &format!("r{}", i % 1000));
                b.push_nchar(3, "héllo");
            }
            blocks.push(b.finish(n, 0));
            k += n;
        }
        let fields = vec![
            field("ts", TSDB_DATA_TYPE_TIMESTAMP, 8),
            field("v", TSDB_DATA_TYPE_INT, 4),
            field("s", TSDB_DATA_TYPE_VARCHAR, 12),
            field("n", TSDB_DATA_TYPE_NCHAR, 8),
        ];
        let mut c = Cursor::new(
            fields,
            0,
            Arc::new(VecSource(parking_lot::Mutex::new(blocks))),
        );
        let t0 = std::time::Instant::now();
        let mut n = 0usize;
        let mut sum = 0i64;
        while let Some(row) = c.fetch_row().unwrap() {
            sum += unsafe { (*row.add(1) as *const i32).read_unaligned() } as i64;
            n += 1;
        }
        let dt = t0.elapsed();
        assert_eq!(n, total);
        assert_eq!(sum, (total as i64 - 1) * total as i64 / 2);
        println!(
            "fetch_row: {n} rows in {:.3} s ({:.1} M rows/s)",
            dt.as_secs_f64(),
            n as f64 / dt.as_secs_f64() / 1e6
        );
    }

    #[test]
    fn nchar_and_decimal_conversion() {
        let mut out = Vec::new();
        ucs4_to_utf8_into(&taos_wire::nchar::utf8_to_ucs4("a€😀"), &mut out);
        assert_eq!(out, "a€😀".as_bytes());
        out.clear();
        ucs4_to_utf8_into(&0xD800u32.to_le_bytes(), &mut out);
        assert_eq!(out, "\u{FFFD}".as_bytes());
        assert_eq!(format_decimal(&(-123400i64).to_le_bytes(), 4), "-12.3400");
        assert_eq!(format_decimal(&5i64.to_le_bytes(), 2), "0.05");
        assert_eq!(format_decimal(&(12345i128).to_le_bytes(), 0), "12345");
    }
}
