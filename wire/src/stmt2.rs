//! Stmt2 binary requests (ws-stmt-sml-tmq.md §2.3, §2.6): the `stmt2_bind` frame (action 9)
//! with its bind body, and the columnar `stmt2_bind_exec` frame (action 11).
//!
//! The decoder applies the adapter's validation order and messages (§2.3.6; all code 0xFFFF).
//! Parsers never panic; buffers are borrowed from the frame.

use std::borrow::Cow;

use crate::binary::{
    read_i32, read_u16, read_u32, ClientHeader, ACTION_STMT2_BIND, ACTION_STMT2_BIND_EXEC,
};
use crate::error::TaosError;
use crate::types;

/// Length of the `stmt2_bind` frame prefix (24-byte header + version + col_idx).
pub const STMT2_BIND_PREFIX_LEN: usize = 30;
/// Length of the `stmt2_bind` payload header.
pub const STMT2_PAYLOAD_HEADER_LEN: usize = 28;
/// Length of the `stmt2_bind_exec` frame prefix (24-byte header + version).
pub const STMT2_BIND_EXEC_PREFIX_LEN: usize = 26;
/// Offset of the first field block in a `stmt2_bind_exec` payload.
pub const STMT2_BIND_EXEC_FIELD_OFFSET: u32 = 20;
/// Largest `field_count` of a `stmt2_bind_exec` payload.
pub const STMT2_MAX_FIELDS: u32 = 4096;

fn adapter(msg: impl Into<String>) -> TaosError {
    TaosError::adapter(msg)
}

/// True when stmt2 sends values of `ty` as variable-length bytes with a lengths array:
/// the var types, MEDIUMBLOB, and DECIMAL/DECIMAL64 (sent as text) (§2.3.4).
pub fn is_var_bind_type(ty: i32) -> bool {
    u8::try_from(ty).is_ok_and(|t| {
        types::is_var(t) || types::is_decimal(t) || t == types::TSDB_DATA_TYPE_MEDIUMBLOB
    })
}

/// Slot size of a fixed-size stmt2 type (NULL counts 1 byte); `None` for var or unknown types.
pub fn fixed_bind_size(ty: i32) -> Option<usize> {
    let t = u8::try_from(ty).ok()?;
    if t == types::TSDB_DATA_TYPE_NULL {
        return Some(1);
    }
    if is_var_bind_type(ty) {
        return None;
    }
    types::fixed_size(t)
}

/// One field block: one tag or one column of one table (§2.3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stmt2Field<'a> {
    /// Type code of the values.
    pub buffer_type: i32,
    /// Number of rows (1 for tags and query parameters).
    pub num: i32,
    /// Per-row NULL flags (`num` entries).
    pub is_null: Vec<bool>,
    /// Per-row byte lengths (`num` entries, 0 for NULL rows); present for var types.
    pub lengths: Option<Vec<i32>>,
    /// Fixed types: `num` slots (or empty when every row is NULL). Var types: the non-NULL
    /// values concatenated in row order.
    pub buffer: Cow<'a, [u8]>,
}

impl Stmt2Field<'static> {
    /// A fixed-size field from per-row little-endian values (`None` = NULL). Every value must
    /// be `size` bytes; NULL slots are zero-filled, and an all-NULL field gets an empty buffer.
    pub fn fixed(
        buffer_type: i32,
        size: usize,
        values: &[Option<&[u8]>],
    ) -> Result<Self, TaosError> {
        let all_null = values.iter().all(Option::is_none);
        let mut buffer = Vec::with_capacity(if all_null { 0 } else { size * values.len() });
        let mut is_null = Vec::with_capacity(values.len());
        for v in values {
            match v {
                Some(b) if b.len() == size => {
                    if !all_null {
                        buffer.extend_from_slice(b);
                    }
                    is_null.push(false);
                }
                Some(b) => {
                    return Err(TaosError::new(
                        crate::error::codes::TSDB_CODE_INVALID_PARA,
                        format!("stmt2 value of {} bytes for a {size}-byte type", b.len()),
                    ))
                }
                None => {
                    if !all_null {
                        buffer.resize(buffer.len() + size, 0);
                    }
                    is_null.push(true);
                }
            }
        }
        Ok(Stmt2Field {
            buffer_type,
            num: clamp_i32(values.len()),
            is_null,
            lengths: None,
            buffer: Cow::Owned(buffer),
        })
    }

    /// A variable-length field from per-row bytes (`None` = NULL): lengths array, values
    /// concatenated. NCHAR is passed as UTF-8; DECIMAL as its text.
    pub fn var(buffer_type: i32, values: &[Option<&[u8]>]) -> Self {
        let mut buffer = Vec::with_capacity(values.iter().flatten().map(|v| v.len()).sum());
        let mut lengths = Vec::with_capacity(values.len());
        let mut is_null = Vec::with_capacity(values.len());
        for v in values {
            match v {
                Some(b) => {
                    buffer.extend_from_slice(b);
                    lengths.push(clamp_i32(b.len()));
                    is_null.push(false);
                }
                None => {
                    lengths.push(0);
                    is_null.push(true);
                }
            }
        }
        Stmt2Field {
            buffer_type,
            num: clamp_i32(values.len()),
            is_null,
            lengths: Some(lengths),
            buffer: Cow::Owned(buffer),
        }
    }
}

impl<'a> Stmt2Field<'a> {
    /// Encoded size of this block: `17 + num (+ 4·num) + buffer`.
    pub fn encoded_len(&self) -> usize {
        let n = self.num.max(0) as usize;
        17 + n + if self.lengths.is_some() { 4 * n } else { 0 } + self.buffer.len()
    }

    fn encode(&self, out: &mut Vec<u8>) {
        let n = self.num.max(0) as usize;
        out.extend_from_slice(&clamp_u32(self.encoded_len()).to_le_bytes());
        out.extend_from_slice(&self.buffer_type.to_le_bytes());
        out.extend_from_slice(&self.num.to_le_bytes());
        for r in 0..n {
            out.push(self.is_null.get(r).copied().unwrap_or(false) as u8);
        }
        match &self.lengths {
            Some(l) => {
                out.push(1);
                for r in 0..n {
                    out.extend_from_slice(&l.get(r).copied().unwrap_or(0).to_le_bytes());
                }
            }
            None => out.push(0),
        }
        out.extend_from_slice(&clamp_u32(self.buffer.len()).to_le_bytes());
        out.extend_from_slice(&self.buffer);
    }

    fn check(&self) -> Result<(), TaosError> {
        let n = usize::try_from(self.num)
            .map_err(|_| TaosError::invalid_msg("stmt2 field with negative num"))?;
        if self.is_null.len() != n || self.lengths.as_ref().is_some_and(|l| l.len() != n) {
            return Err(TaosError::new(
                crate::error::codes::TSDB_CODE_INVALID_PARA,
                format!("stmt2 field: is_null/lengths must have num ({n}) entries"),
            ));
        }
        Ok(())
    }

    /// Every row's value bytes (`None` = NULL), checking the buffer against `num`, the type's
    /// slot size (fixed types) or the lengths (var types).
    pub fn cells(&self) -> Result<Vec<Option<&[u8]>>, TaosError> {
        let bad = |what: String| TaosError::invalid_msg(format!("stmt2 field: {what}"));
        let n = usize::try_from(self.num).map_err(|_| bad("negative num".into()))?;
        if self.is_null.len() != n {
            return Err(bad("is_null count differs from num".into()));
        }
        let buf: &[u8] = &self.buffer;
        let mut out = Vec::with_capacity(n);
        if let Some(lengths) = &self.lengths {
            if lengths.len() != n {
                return Err(bad("lengths count differs from num".into()));
            }
            let mut at = 0usize;
            for (r, (&null, &length)) in self.is_null.iter().zip(lengths).enumerate() {
                if null {
                    out.push(None);
                    continue;
                }
                let len = usize::try_from(length)
                    .map_err(|_| bad(format!("negative length at row {r}")))?;
                let end = at
                    .checked_add(len)
                    .filter(|&e| e <= buf.len())
                    .ok_or_else(|| bad(format!("row {r} exceeds the buffer")))?;
                out.push(Some(&buf[at..end]));
                at = end;
            }
            if at != buf.len() {
                return Err(bad("buffer longer than the sum of lengths".into()));
            }
        } else {
            let size = fixed_bind_size(self.buffer_type)
                .ok_or_else(|| bad(format!("type {} needs a lengths array", self.buffer_type)))?;
            let all_null = self.is_null.iter().all(|&x| x);
            if all_null && buf.is_empty() {
                return Ok(vec![None; n]);
            }
            if buf.len() != n * size {
                return Err(bad(format!(
                    "buffer of {} bytes for {n} x {size}",
                    buf.len()
                )));
            }
            for r in 0..n {
                out.push((!self.is_null[r]).then(|| &buf[r * size..(r + 1) * size]));
            }
        }
        Ok(out)
    }

    /// A copy that owns its buffer.
    pub fn into_owned(self) -> Stmt2Field<'static> {
        Stmt2Field {
            buffer_type: self.buffer_type,
            num: self.num,
            is_null: self.is_null,
            lengths: self.lengths,
            buffer: Cow::Owned(self.buffer.into_owned()),
        }
    }
}

/// The body of one `stmt2_bind`: tables, and per table its tags and columns (§2.3.2–§2.3.3).
///
/// Empty `table_names` / `tags` / `cols` mean "section absent". When present, each has one
/// entry per table, and every table has the same number of tags (resp. columns).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stmt2Bind<'a> {
    /// Table names without their NUL terminator.
    pub table_names: Vec<Cow<'a, [u8]>>,
    /// Per table, its tag blocks.
    pub tags: Vec<Vec<Stmt2Field<'a>>>,
    /// Per table, its column blocks.
    pub cols: Vec<Vec<Stmt2Field<'a>>>,
}

impl Stmt2Bind<'_> {
    /// Number of tables (`count`).
    pub fn count(&self) -> usize {
        self.table_names
            .len()
            .max(self.tags.len())
            .max(self.cols.len())
    }

    /// Tags per table (`tag_count`).
    pub fn tag_count(&self) -> usize {
        self.tags.first().map_or(0, Vec::len)
    }

    /// Columns per table (`col_count`).
    pub fn col_count(&self) -> usize {
        self.cols.first().map_or(0, Vec::len)
    }
}

fn clamp_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

fn clamp_i32(v: usize) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn invalid_para(msg: impl Into<String>) -> TaosError {
    TaosError::new(crate::error::codes::TSDB_CODE_INVALID_PARA, msg)
}

/// Encodes a bind body (the payload of §2.3.2, `total_length` first).
pub fn encode_stmt2_bind_payload(bind: &Stmt2Bind<'_>) -> Result<Vec<u8>, TaosError> {
    let count = bind.count();
    let (tag_count, col_count) = (bind.tag_count(), bind.col_count());
    for (name, section, per) in [
        ("tags", &bind.tags, tag_count),
        ("cols", &bind.cols, col_count),
    ] {
        if !section.is_empty() && section.len() != count {
            return Err(invalid_para(format!(
                "stmt2 bind: {name} for {} of {count} tables",
                section.len()
            )));
        }
        if section.iter().any(|t| t.len() != per) {
            return Err(invalid_para(format!(
                "stmt2 bind: tables differ in {name} count"
            )));
        }
        for f in section.iter().flatten() {
            f.check()?;
        }
    }
    if !bind.table_names.is_empty() && bind.table_names.len() != count {
        return Err(invalid_para(
            "stmt2 bind: table names do not cover every table",
        ));
    }
    if bind
        .table_names
        .iter()
        .any(|n| n.is_empty() || n.len() >= u16::MAX as usize)
    {
        return Err(invalid_para("stmt2 bind: empty or oversized table name"));
    }
    let names_len: usize = if bind.table_names.is_empty() {
        0
    } else {
        2 * count + bind.table_names.iter().map(|n| n.len() + 1).sum::<usize>()
    };
    let section_len = |s: &Vec<Vec<Stmt2Field<'_>>>| -> usize {
        if s.is_empty() || s[0].is_empty() {
            0
        } else {
            4 * count
                + s.iter()
                    .flatten()
                    .map(Stmt2Field::encoded_len)
                    .sum::<usize>()
        }
    };
    let (tags_len, cols_len) = (section_len(&bind.tags), section_len(&bind.cols));
    let total = STMT2_PAYLOAD_HEADER_LEN + names_len + tags_len + cols_len;
    let total32 = u32::try_from(total).map_err(|_| invalid_para("stmt2 bind larger than 4 GiB"))?;
    let names_off = if names_len > 0 {
        STMT2_PAYLOAD_HEADER_LEN
    } else {
        0
    };
    let tags_off = if tags_len > 0 {
        STMT2_PAYLOAD_HEADER_LEN + names_len
    } else {
        0
    };
    let cols_off = if cols_len > 0 {
        STMT2_PAYLOAD_HEADER_LEN + names_len + tags_len
    } else {
        0
    };

    let mut out = Vec::with_capacity(total);
    for v in [
        total32,
        clamp_u32(count),
        clamp_u32(tag_count),
        clamp_u32(col_count),
        clamp_u32(names_off),
        clamp_u32(tags_off),
        clamp_u32(cols_off),
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    if names_len > 0 {
        for n in &bind.table_names {
            out.extend_from_slice(&((n.len() + 1) as u16).to_le_bytes());
        }
        for n in &bind.table_names {
            out.extend_from_slice(n);
            out.push(0);
        }
    }
    for (section, len) in [(&bind.tags, tags_len), (&bind.cols, cols_len)] {
        if len == 0 {
            continue;
        }
        for table in section {
            let l: usize = table.iter().map(Stmt2Field::encoded_len).sum();
            out.extend_from_slice(&clamp_u32(l).to_le_bytes());
        }
        for f in section.iter().flatten() {
            f.encode(&mut out);
        }
    }
    debug_assert_eq!(out.len(), total);
    Ok(out)
}

/// Encodes a whole `stmt2_bind` frame (action 9): header, version 1, `col_idx`, payload.
pub fn encode_stmt2_bind(
    req_id: u64,
    stmt_id: u64,
    col_idx: i32,
    bind: &Stmt2Bind<'_>,
) -> Result<Vec<u8>, TaosError> {
    let payload = encode_stmt2_bind_payload(bind)?;
    let mut out = Vec::with_capacity(STMT2_BIND_PREFIX_LEN + payload.len());
    ClientHeader {
        req_id,
        id: stmt_id,
        action: ACTION_STMT2_BIND,
    }
    .encode(&mut out);
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&col_idx.to_le_bytes());
    out.extend_from_slice(&payload);
    Ok(out)
}

/// The fixed part of a `stmt2_bind` frame; the payload is still undecoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stmt2BindFrame<'a> {
    /// Request id.
    pub req_id: u64,
    /// Stmt id.
    pub stmt_id: u64,
    /// −1 = all columns, else the single column bound.
    pub col_idx: i32,
    /// The bind body (§2.3.2).
    pub payload: &'a [u8],
}

/// Checks steps 1–2 of §2.3.6 (`message length is too short`, `unknown stmt2 bind version`).
/// The server then looks the stmt up (step 3) and calls [`parse_stmt2_bind_payload`].
pub fn parse_stmt2_bind_frame(frame: &[u8]) -> Result<Stmt2BindFrame<'_>, TaosError> {
    if frame.len() < STMT2_BIND_PREFIX_LEN {
        return Err(adapter("message length is too short"));
    }
    let h = ClientHeader::parse(frame)?;
    if read_u16(frame, 24) != Some(1) {
        return Err(adapter("unknown stmt2 bind version"));
    }
    let col_idx = read_i32(frame, 26).ok_or_else(|| adapter("message length is too short"))?;
    Ok(Stmt2BindFrame {
        req_id: h.req_id,
        stmt_id: h.id,
        col_idx,
        payload: &frame[STMT2_BIND_PREFIX_LEN..],
    })
}

/// Parses one field block at the start of `b`; `None` when it does not fit or is inconsistent.
fn parse_field(b: &[u8]) -> Option<(Stmt2Field<'_>, usize)> {
    let total = read_u32(b, 0)? as usize;
    let buffer_type = read_i32(b, 4)?;
    let num = read_i32(b, 8)?;
    let n = usize::try_from(num).ok()?;
    let block = b.get(..total)?;
    let nulls = block.get(12..12usize.checked_add(n)?)?;
    let have_length = *block.get(12 + n)?;
    let mut at = 13 + n;
    let lengths = if have_length != 0 {
        let raw = block.get(at..at.checked_add(n.checked_mul(4)?)?)?;
        at += 4 * n;
        Some(
            raw.chunks_exact(4)
                .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    } else {
        None
    };
    let buf_len = read_u32(block, at)? as usize;
    at += 4;
    if at.checked_add(buf_len)? != total {
        return None;
    }
    Some((
        Stmt2Field {
            buffer_type,
            num,
            is_null: nulls.iter().map(|&x| x != 0).collect(),
            lengths,
            buffer: Cow::Borrowed(&block[at..]),
        },
        total,
    ))
}

/// Parses a tags or columns section: per-table u32 lengths, then `per` field blocks per table.
/// `kind` is `"tag"` or `"col"` (for the messages).
fn parse_section<'a>(
    p: &'a [u8],
    off: usize,
    count: usize,
    per: usize,
    kind: &str,
) -> Result<Vec<Vec<Stmt2Field<'a>>>, TaosError> {
    let total = p.len();
    let plural = if kind == "tag" { "tags" } else { "cols" };
    let end = count
        .checked_mul(4)
        .and_then(|l| l.checked_add(off))
        .filter(|&e| e <= total);
    let Some(lengths_end) = end else {
        let shown = off as u64 + 4 * count as u64;
        return Err(adapter(format!(
            "{plural} out of range, total length: {total}, {kind}End: {shown}"
        )));
    };
    let mut table_lens = Vec::with_capacity(count);
    let mut sum: u64 = 0;
    for t in 0..count {
        let l = read_u32(p, off + 4 * t).unwrap_or(0);
        if l == 0 {
            return Err(adapter(format!("{kind} length is 0, tableIndex: {t}")));
        }
        sum += l as u64;
        table_lens.push(l as usize);
    }
    if lengths_end as u64 + sum > total as u64 {
        return Err(adapter(format!(
            "{plural} out of range, total length: {total}, {plural}TotalLength: {}",
            lengths_end as u64 + sum
        )));
    }
    let mut at = lengths_end;
    let mut tables = Vec::with_capacity(count);
    for (t, &len) in table_lens.iter().enumerate() {
        let table = &p[at..at + len];
        let mut pos = 0;
        // `per` comes from the wire: never reserve more than the table's bytes can hold.
        let mut fields = Vec::with_capacity(per.min(len / 17));
        for f in 0..per {
            let (field, used) = table.get(pos..).and_then(parse_field).ok_or_else(|| {
                adapter(format!(
                    "bind data length error, tableIndex: {t}, fieldIndex: {f}"
                ))
            })?;
            fields.push(field);
            pos += used;
        }
        tables.push(fields);
        at += len;
    }
    Ok(tables)
}

/// Parses a bind body with the checks and messages of §2.3.6 steps 4–5 (code 0xFFFF).
pub fn parse_stmt2_bind_payload(p: &[u8]) -> Result<Stmt2Bind<'_>, TaosError> {
    if p.len() < STMT2_PAYLOAD_HEADER_LEN {
        return Err(adapter("data length is less than 28"));
    }
    let h = |i: usize| read_u32(p, 4 * i).unwrap_or(0);
    let total = p.len();
    if h(0) as usize != total {
        return Err(adapter(format!(
            "total length not match, expect {total}, but get {}",
            h(0)
        )));
    }
    let (count, tag_count, col_count) = (h(1) as usize, h(2) as usize, h(3) as usize);
    let (names_off, tags_off, cols_off) = (h(4) as usize, h(5) as usize, h(6) as usize);

    let mut table_names = Vec::new();
    if names_off > 0 {
        let lens_end = count.checked_mul(2).and_then(|l| l.checked_add(names_off));
        let Some(lens_end) = lens_end.filter(|&e| e <= total) else {
            return Err(adapter(format!(
                "table name lengths out of range, total length: {total}, tableNamesLengthEnd: {}",
                names_off as u64 + 2 * count as u64
            )));
        };
        let mut sum = 0usize;
        let mut lens = Vec::with_capacity(count);
        for t in 0..count {
            let l = read_u16(p, names_off + 2 * t).unwrap_or(0) as usize;
            if l == 0 {
                return Err(adapter(format!("table name length is 0, tableIndex: {t}")));
            }
            sum += l;
            lens.push(l);
        }
        if lens_end + sum > total {
            return Err(adapter(format!(
                "table names out of range, total length: {total}, tableNameTotalLength: {}",
                lens_end + sum
            )));
        }
        let mut at = lens_end;
        for l in lens {
            let raw = &p[at..at + l];
            // The length counts the NUL terminator; drop it (and anything after an early NUL).
            let name = raw.split(|&b| b == 0).next().unwrap_or(raw);
            table_names.push(Cow::Borrowed(name));
            at += l;
        }
    }
    if tag_count == 0 && tags_off != 0 {
        return Err(adapter("tag count is 0, but tags offset is not 0"));
    }
    let tags = if tags_off > 0 {
        parse_section(p, tags_off, count, tag_count, "tag")?
    } else {
        Vec::new()
    };
    if col_count == 0 && cols_off != 0 {
        return Err(adapter("col count is 0, but cols offset is not 0"));
    }
    let cols = if cols_off > 0 {
        parse_section(p, cols_off, count, col_count, "col")?
    } else {
        Vec::new()
    };
    Ok(Stmt2Bind {
        table_names,
        tags,
        cols,
    })
}

/// A parsed `stmt2_bind_exec` request (action 11, §2.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stmt2BindExec<'a> {
    /// Request id.
    pub req_id: u64,
    /// Stmt id.
    pub stmt_id: u64,
    /// Rows (every field block has `num` = `row_count`).
    pub row_count: u32,
    /// Distinct consecutive table names (1 if none).
    pub table_count: u32,
    /// All placeholders in prepare order (tbname, tags, columns), one value per row each.
    pub fields: Vec<Stmt2Field<'a>>,
}

/// Encodes a `stmt2_bind_exec` frame. Every field must have `num` = `row_count`.
pub fn encode_stmt2_bind_exec(
    req_id: u64,
    stmt_id: u64,
    table_count: u32,
    fields: &[Stmt2Field<'_>],
) -> Result<Vec<u8>, TaosError> {
    let row_count = fields.first().map_or(0, |f| f.num);
    if fields.is_empty() || row_count <= 0 || fields.iter().any(|f| f.num != row_count) {
        return Err(invalid_para(
            "stmt2_bind_exec: fields must share one row count > 0",
        ));
    }
    for f in fields {
        f.check()?;
    }
    let total = STMT2_BIND_EXEC_FIELD_OFFSET as usize
        + fields.iter().map(Stmt2Field::encoded_len).sum::<usize>();
    let total32 =
        u32::try_from(total).map_err(|_| invalid_para("stmt2_bind_exec larger than 4 GiB"))?;
    let mut out = Vec::with_capacity(STMT2_BIND_EXEC_PREFIX_LEN + total);
    ClientHeader {
        req_id,
        id: stmt_id,
        action: ACTION_STMT2_BIND_EXEC,
    }
    .encode(&mut out);
    out.extend_from_slice(&1u16.to_le_bytes());
    for v in [
        total32,
        row_count as u32,
        table_count,
        clamp_u32(fields.len()),
        STMT2_BIND_EXEC_FIELD_OFFSET,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for f in fields {
        f.encode(&mut out);
    }
    Ok(out)
}

/// Parses a `stmt2_bind_exec` frame with the validation messages of §2.6 (code 0xFFFF).
pub fn parse_stmt2_bind_exec(frame: &[u8]) -> Result<Stmt2BindExec<'_>, TaosError> {
    if frame.len() < STMT2_BIND_EXEC_PREFIX_LEN {
        return Err(adapter("message length is too short"));
    }
    let h = ClientHeader::parse(frame)?;
    if read_u16(frame, 24) != Some(1) {
        return Err(adapter("unknown stmt2 bind exec version"));
    }
    let p = &frame[STMT2_BIND_EXEC_PREFIX_LEN..];
    let hdr = |i: usize| read_u32(p, 4 * i);
    let (Some(total), Some(row_count), Some(table_count), Some(field_count), Some(field_offset)) =
        (hdr(0), hdr(1), hdr(2), hdr(3), hdr(4))
    else {
        return Err(adapter("data length is less than 20"));
    };
    if total as usize != p.len() {
        return Err(adapter(format!(
            "total length not match, expect {}, but get {total}",
            p.len()
        )));
    }
    if row_count == 0 {
        return Err(adapter("row count is 0"));
    }
    if field_count == 0 {
        return Err(adapter("field count is 0"));
    }
    if field_count > STMT2_MAX_FIELDS {
        return Err(adapter(format!(
            "field count exceeds maximum 4096: {field_count}"
        )));
    }
    if field_offset < STMT2_BIND_EXEC_FIELD_OFFSET || field_offset > total {
        return Err(adapter(format!(
            "field offset out of range, total length: {total}, field offset: {field_offset}"
        )));
    }
    let mut at = field_offset as usize;
    let mut fields = Vec::with_capacity(field_count as usize);
    for c in 0..field_count {
        let rest = &p[at..];
        if rest.len() < 12 {
            return Err(adapter(format!("column {c} header out of range")));
        }
        let (field, used) =
            parse_field(rest).ok_or_else(|| adapter(format!("column {c} data length error")))?;
        if field.num as u32 != row_count {
            return Err(adapter(format!(
                "column {c} row count not match, got: {}, expect: {row_count}",
                field.num
            )));
        }
        fields.push(field);
        at += used;
    }
    if at != p.len() {
        return Err(adapter("payload has trailing bytes"));
    }
    Ok(Stmt2BindExec {
        req_id: h.req_id,
        stmt_id: h.id,
        row_count,
        table_count,
        fields,
    })
}
