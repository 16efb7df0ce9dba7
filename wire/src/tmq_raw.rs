//! The TMQ raw data payload (`tmq_get_raw` output; ws-stmt-sml-tmq.md §4.8): offsets header,
//! then blocks, each with its raw block, optional schema and optional table name.

use crate::binary::{read_i32, read_u32};
use crate::error::TaosError;

fn bad(what: impl std::fmt::Display) -> TaosError {
    TaosError::invalid_msg(format!("invalid TMQ raw data: {what}"))
}

/// One column of a block's schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TmqRawColumn {
    /// Type code.
    pub ty: u8,
    /// Column flags.
    pub flags: i8,
    /// Declared width.
    pub bytes: i32,
    /// Column id.
    pub col_id: i32,
    /// Column name.
    pub name: String,
}

/// One block of a TMQ data message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TmqRawBlock<'a> {
    /// The raw block (query format, LE column lengths).
    pub block: &'a [u8],
    /// Timestamp precision (0 ms, 1 µs, 2 ns).
    pub precision: u8,
    /// Schema version.
    pub sversion: i32,
    /// Column schema (empty when the payload carries none).
    pub columns: Vec<TmqRawColumn>,
    /// Child-table name, when the payload carries names.
    pub table_name: Option<String>,
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7F) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_zigzag(out: &mut Vec<u8>, v: i32) {
    put_varint(out, ((v << 1) ^ (v >> 31)) as u32 as u64);
}

fn put_cstr(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64 + 1);
    out.extend_from_slice(s.as_bytes());
    out.push(0);
}

/// Encodes a data message: the simple offsets header (`01` + `offset` twice), then `blocks`
/// with schemas; table names are written when every block has one.
pub fn encode_tmq_raw_data(offset: i64, blocks: &[TmqRawBlock<'_>]) -> Vec<u8> {
    encode_tmq_raw_data_span(offset, offset, blocks)
}

/// Encodes a data message like [`encode_tmq_raw_data`], with distinct log offsets: `req`
/// where the message starts, `rsp` the version right after it (TDengine's `rspOffset`).
pub fn encode_tmq_raw_data_span(req: i64, rsp: i64, blocks: &[TmqRawBlock<'_>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + blocks.iter().map(|b| b.block.len() + 64).sum::<usize>());
    encode_blocks(&mut out, [req, rsp], blocks);
    out
}

/// Encodes a meta+data message (raw type 4, TDengine's `STaosxRsp`): the data message's
/// layout, then `createTableNum` (i32 LE) and each create-table request as a varint length
/// and its bytes (TDengine's `tEncodeBinary`). The requests are opaque here: TDengine puts
/// an encoded `SVCreateTbReq` there, the dev server a JSON create document.
pub fn encode_tmq_raw_metadata(
    offset: i64,
    blocks: &[TmqRawBlock<'_>],
    create_tables: &[Vec<u8>],
) -> Vec<u8> {
    encode_tmq_raw_metadata_span(offset, offset, blocks, create_tables)
}

/// Encodes a meta+data message like [`encode_tmq_raw_metadata`], with distinct request and
/// response log offsets (see [`encode_tmq_raw_data_span`]).
pub fn encode_tmq_raw_metadata_span(
    req: i64,
    rsp: i64,
    blocks: &[TmqRawBlock<'_>],
    create_tables: &[Vec<u8>],
) -> Vec<u8> {
    let mut out = encode_tmq_raw_data_span(req, rsp, blocks);
    out.extend_from_slice(
        &i32::try_from(create_tables.len())
            .unwrap_or(i32::MAX)
            .to_le_bytes(),
    );
    for c in create_tables {
        put_varint(&mut out, c.len() as u64);
        out.extend_from_slice(c);
    }
    out
}

fn encode_blocks(out: &mut Vec<u8>, offsets: [i64; 2], blocks: &[TmqRawBlock<'_>]) {
    for offset in offsets {
        out.push(1);
        out.extend_from_slice(&offset.to_le_bytes());
    }
    out.extend_from_slice(
        &i32::try_from(blocks.len())
            .unwrap_or(i32::MAX)
            .to_le_bytes(),
    );
    if blocks.is_empty() {
        // TDengine writes the two flags only when there are blocks.
        return;
    }
    let with_names = blocks.iter().all(|b| b.table_name.is_some());
    out.push(with_names as u8);
    out.push(1); // with_schema: the official Rust parser assumes it
    for b in blocks {
        put_varint(out, 18 + b.block.len() as u64);
        out.extend_from_slice(&1i64.to_le_bytes());
        let rows = read_i32(b.block, 8).unwrap_or(0) as i64;
        out.extend_from_slice(&rows.to_be_bytes());
        out.push(0); // not compressed
        out.push(b.precision);
        out.extend_from_slice(b.block);
        put_zigzag(out, i32::try_from(b.columns.len()).unwrap_or(i32::MAX));
        put_zigzag(out, b.sversion);
        for c in &b.columns {
            out.push(c.ty);
            out.push(c.flags as u8);
            put_zigzag(out, c.bytes);
            put_zigzag(out, c.col_id);
            put_cstr(out, &c.name);
        }
        if with_names {
            put_cstr(out, b.table_name.as_deref().unwrap_or(""));
        }
    }
}

/// A bounds-checked reader over the payload.
struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], TaosError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| bad(format!("truncated at byte {}", self.at)))?;
        let s = &self.buf[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, TaosError> {
        Ok(self.take(1)?[0])
    }

    fn varint(&mut self) -> Result<u64, TaosError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(bad("varint too long"))
    }

    fn zigzag(&mut self) -> Result<i32, TaosError> {
        let u = u32::try_from(self.varint()?).map_err(|_| bad("zigzag varint out of range"))?;
        Ok(((u >> 1) as i32) ^ -((u & 1) as i32))
    }

    fn cstr(&mut self) -> Result<String, TaosError> {
        let n = usize::try_from(self.varint()?).map_err(|_| bad("string length"))?;
        let raw = self.take(n)?;
        let raw = raw.strip_suffix(&[0]).unwrap_or(raw);
        Ok(String::from_utf8_lossy(raw).into_owned())
    }

    /// One serialized `STqOffsetVal`: its log version for a log offset (type 1), `None` for
    /// a snapshot offset (types 2/3: a uid and a timestamp, no WAL position).
    fn offset(&mut self) -> Result<Option<i64>, TaosError> {
        match self.u8()? {
            1 => {
                let b: [u8; 8] = self.take(8)?.try_into().map_err(|_| bad("offset"))?;
                Ok(Some(i64::from_le_bytes(b)))
            }
            2 | 3 => self.take(16).map(|_| None),
            t => Err(bad(format!("unknown offset type {t}"))),
        }
    }

    /// The offsets header (§4.8.1 step 1): (request, response) log offsets, both `None`
    /// for the `v >= 100` form, whose skipped bytes are not decoded.
    fn header(&mut self) -> Result<TmqRawOffsets, TaosError> {
        let first = *self.buf.first().ok_or_else(|| bad("empty"))?;
        if first >= 100 {
            self.u8()?;
            let skip = read_u32(self.buf, 1).ok_or_else(|| bad("truncated header"))? as usize;
            self.take(4)?;
            self.take(skip)?;
            return Ok(TmqRawOffsets::default());
        }
        let req = self.offset()?;
        let rsp = self.offset()?;
        Ok(TmqRawOffsets { req, rsp })
    }
}

/// The offsets header of a TMQ raw payload: TDengine's `reqOffset` and `rspOffset` of the
/// message, as log versions. `rsp` is where the message ends (the next version to read,
/// what native commits for the message and reports as its position afterwards).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TmqRawOffsets {
    /// Request offset: the log version the read started from; `None` when not a log offset
    /// or not decodable.
    pub req: Option<i64>,
    /// Response offset: the log version right after the message; `None` when not a log
    /// offset or not decodable.
    pub rsp: Option<i64>,
}

/// Decodes only the offsets header of a TMQ raw payload (data or meta+data).
pub fn parse_tmq_raw_offsets(raw: &[u8]) -> Result<TmqRawOffsets, TaosError> {
    Reader { buf: raw, at: 0 }.header()
}

/// Decodes a data message into its blocks (raw blocks borrowed from `raw`). Bytes after the
/// last block are ignored.
pub fn parse_tmq_raw_data(raw: &[u8]) -> Result<Vec<TmqRawBlock<'_>>, TaosError> {
    let mut r = Reader { buf: raw, at: 0 };
    parse_blocks(&mut r)
}

/// A decoded meta+data message (raw type 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TmqRawMetaData<'a> {
    /// The data blocks.
    pub blocks: Vec<TmqRawBlock<'a>>,
    /// The create-table requests, in order (opaque bytes, see [`encode_tmq_raw_metadata`]).
    pub create_tables: Vec<&'a [u8]>,
}

/// Decodes a meta+data message: its blocks, then its create-table requests (none when the
/// payload ends after the blocks).
pub fn parse_tmq_raw_metadata(raw: &[u8]) -> Result<TmqRawMetaData<'_>, TaosError> {
    let mut r = Reader { buf: raw, at: 0 };
    let blocks = parse_blocks(&mut r)?;
    let mut create_tables = Vec::new();
    if r.at < raw.len() {
        let n = read_i32(raw, r.at).ok_or_else(|| bad("truncated create-table count"))?;
        r.take(4)?;
        let n = usize::try_from(n).map_err(|_| bad("negative create-table count"))?;
        // Each request takes at least one byte of the payload.
        create_tables.reserve(n.min(raw.len()));
        for _ in 0..n {
            let len = usize::try_from(r.varint()?).map_err(|_| bad("create-table length"))?;
            create_tables.push(r.take(len)?);
        }
    }
    Ok(TmqRawMetaData {
        blocks,
        create_tables,
    })
}

fn parse_blocks<'a>(r: &mut Reader<'a>) -> Result<Vec<TmqRawBlock<'a>>, TaosError> {
    let raw = r.buf;
    r.header()?;
    let n = read_i32(raw, r.at).ok_or_else(|| bad("truncated block count"))?;
    r.take(4)?;
    let n = usize::try_from(n).map_err(|_| bad("negative block count"))?;
    if n == 0 {
        // TDengine writes the flags only when there are blocks.
        return Ok(Vec::new());
    }
    let with_names = r.u8()? != 0;
    let with_schema = r.u8()? != 0;
    // Every block needs at least 19 bytes: never reserve more than the payload can hold.
    let mut blocks = Vec::with_capacity(n.min(raw.len() / 19));
    for _ in 0..n {
        let len = usize::try_from(r.varint()?).map_err(|_| bad("block length"))?;
        if len < 18 {
            return Err(bad(format!("block length {len} < 18")));
        }
        let body = r.take(len)?;
        let precision = body[17];
        let block = &body[18..];
        let (mut sversion, mut columns) = (0, Vec::new());
        if with_schema {
            let ncols = usize::try_from(r.zigzag()?).map_err(|_| bad("negative column count"))?;
            sversion = r.zigzag()?;
            // Each column takes at least 5 bytes of the payload.
            columns.reserve(ncols.min(raw.len() / 5));
            for _ in 0..ncols {
                let ty = r.u8()?;
                let flags = r.u8()? as i8;
                let bytes = r.zigzag()?;
                let col_id = r.zigzag()?;
                let name = r.cstr()?;
                columns.push(TmqRawColumn {
                    ty,
                    flags,
                    bytes,
                    col_id,
                    name,
                });
            }
        }
        let table_name = if with_names { Some(r.cstr()?) } else { None };
        blocks.push(TmqRawBlock {
            block,
            precision,
            sversion,
            columns,
            table_name,
        });
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::{BlockBuilder, ColumnSchema, RawBlock};
    use crate::types::*;

    fn block(rows: i64) -> Vec<u8> {
        let mut b = BlockBuilder::new(vec![
            ColumnSchema::new(TSDB_DATA_TYPE_TIMESTAMP, 8),
            ColumnSchema::from_user_width(TSDB_DATA_TYPE_VARCHAR, 300),
        ]);
        for i in 0..rows {
            b.push_timestamp(0, 1_700_000_000_000 + i);
            if i % 2 == 0 {
                b.push_str(1, "v");
            } else {
                b.push_null(1);
            }
        }
        b.finish(rows as usize, 0)
    }

    #[test]
    fn round_trip() {
        let (b1, b2) = (block(3), block(200));
        let cols = vec![
            TmqRawColumn {
                ty: 9,
                flags: 1,
                bytes: 8,
                col_id: 1,
                name: "ts".into(),
            },
            TmqRawColumn {
                ty: 8,
                flags: 0,
                bytes: 302,
                col_id: -2,
                name: "s".into(),
            },
        ];
        let blocks = vec![
            TmqRawBlock {
                block: &b1,
                precision: 0,
                sversion: 1,
                columns: cols.clone(),
                table_name: Some("d0".into()),
            },
            TmqRawBlock {
                block: &b2,
                precision: 2,
                sversion: 1,
                columns: cols,
                table_name: Some("d1".into()),
            },
        ];
        let raw = encode_tmq_raw_data(42, &blocks);
        // header: 01 + i64 twice, block count 2, names, schema
        assert_eq!(raw[0], 1);
        assert_eq!(raw[9], 1);
        assert_eq!(&raw[18..24], [2, 0, 0, 0, 1, 1]);
        // block 1 length varint (18 + b1.len() < 128: one byte), prefix version 1, rows BE 3
        assert_eq!(raw[24] as usize, 18 + b1.len());
        assert_eq!(&raw[25..33], 1i64.to_le_bytes());
        assert_eq!(&raw[33..41], 3i64.to_be_bytes());
        let back = parse_tmq_raw_data(&raw).unwrap();
        assert_eq!(back, blocks);
        assert_eq!(RawBlock::parse(back[1].block).unwrap().rows(), 200);
        for cut in 0..raw.len() {
            assert!(parse_tmq_raw_data(&raw[..cut]).is_err(), "cut {cut}");
        }
    }

    #[test]
    fn header_variants_and_no_names() {
        let b = block(1);
        let blocks = vec![TmqRawBlock {
            block: &b,
            precision: 1,
            sversion: 3,
            columns: vec![],
            table_name: None,
        }];
        let raw = encode_tmq_raw_data(7, &blocks);
        assert_eq!(parse_tmq_raw_data(&raw).unwrap(), blocks);
        // v >= 100 header: u32 skip + skipped bytes, then the same body.
        let mut v100 = vec![100u8, 3, 0, 0, 0, 9, 9, 9];
        v100.extend_from_slice(&raw[18..]);
        assert_eq!(parse_tmq_raw_data(&v100).unwrap(), blocks);
        // The offsets: both log versions; the v >= 100 form leaves them unknown.
        let both = TmqRawOffsets {
            req: Some(7),
            rsp: Some(7),
        };
        assert_eq!(parse_tmq_raw_offsets(&raw).unwrap(), both);
        assert_eq!(
            parse_tmq_raw_offsets(&v100).unwrap(),
            TmqRawOffsets::default()
        );
        assert!(parse_tmq_raw_offsets(&v100[..6]).is_err());
        let mut bad_type = raw.clone();
        bad_type[0] = 7;
        assert!(parse_tmq_raw_data(&bad_type).is_err());
    }

    #[test]
    fn metadata_carries_create_requests() {
        let b = block(2);
        let blocks = vec![TmqRawBlock {
            block: &b,
            precision: 0,
            sversion: 1,
            columns: vec![],
            table_name: Some("c0".into()),
        }];
        let creates = vec![b"{\"tableName\":\"c0\"}".to_vec(), vec![0u8; 200]];
        let raw = encode_tmq_raw_metadata(5, &blocks, &creates);
        // A data parser reads the same blocks and ignores the tail.
        assert_eq!(parse_tmq_raw_data(&raw).unwrap(), blocks);
        let m = parse_tmq_raw_metadata(&raw).unwrap();
        assert_eq!(m.blocks, blocks);
        assert_eq!(m.create_tables, vec![&creates[0][..], &creates[1][..]]);
        // Zero blocks: no flags (as TDengine), the create list follows the count directly.
        let only = encode_tmq_raw_metadata(5, &[], &creates[..1]);
        assert_eq!(only.len(), 18 + 4 + 4 + 1 + creates[0].len());
        let m = parse_tmq_raw_metadata(&only).unwrap();
        assert!(m.blocks.is_empty());
        assert_eq!(m.create_tables, vec![&creates[0][..]]);
        // A payload that ends after the blocks has no requests; a cut one is an error.
        let plain = encode_tmq_raw_data(5, &blocks);
        assert!(parse_tmq_raw_metadata(&plain)
            .unwrap()
            .create_tables
            .is_empty());
        for cut in plain.len() + 1..raw.len() {
            assert!(parse_tmq_raw_metadata(&raw[..cut]).is_err(), "cut {cut}");
        }
    }

    #[test]
    fn offsets_header() {
        let b = block(2);
        let blocks = vec![TmqRawBlock {
            block: &b,
            precision: 0,
            sversion: 1,
            columns: vec![],
            table_name: Some("t".into()),
        }];
        let raw = encode_tmq_raw_data_span(5, 9, &blocks);
        assert_eq!(&raw[..9], [&[1u8][..], &5i64.to_le_bytes()].concat());
        assert_eq!(&raw[9..18], [&[1u8][..], &9i64.to_le_bytes()].concat());
        let want = TmqRawOffsets {
            req: Some(5),
            rsp: Some(9),
        };
        assert_eq!(parse_tmq_raw_offsets(&raw).unwrap(), want);
        assert_eq!(parse_tmq_raw_data(&raw).unwrap(), blocks);
        let meta = encode_tmq_raw_metadata_span(-3, i64::MAX, &blocks, &[vec![1, 2]]);
        assert_eq!(
            parse_tmq_raw_offsets(&meta).unwrap(),
            TmqRawOffsets {
                req: Some(-3),
                rsp: Some(i64::MAX),
            }
        );
        assert_eq!(parse_tmq_raw_metadata(&meta).unwrap().blocks, blocks);
        // Snapshot offsets (types 2/3: uid + ts) carry no log version.
        let mut snap = vec![2u8];
        snap.extend_from_slice(&[0xAB; 16]);
        snap.push(1);
        snap.extend_from_slice(&42i64.to_le_bytes());
        snap.extend_from_slice(&raw[18..]);
        assert_eq!(
            parse_tmq_raw_offsets(&snap).unwrap(),
            TmqRawOffsets {
                req: None,
                rsp: Some(42),
            }
        );
        assert_eq!(parse_tmq_raw_data(&snap).unwrap(), blocks);
        snap[17] = 3;
        snap.splice(18..26, [0xCD; 16]);
        assert_eq!(
            parse_tmq_raw_offsets(&snap).unwrap(),
            TmqRawOffsets::default()
        );
        assert_eq!(parse_tmq_raw_data(&snap).unwrap(), blocks);
        // Truncated headers and unknown types are errors.
        for cut in 0..18 {
            assert!(parse_tmq_raw_offsets(&raw[..cut]).is_err(), "cut {cut}");
        }
        let mut bad = raw.clone();
        bad[9] = 4;
        assert!(parse_tmq_raw_offsets(&bad).is_err());
    }

    #[test]
    fn varints() {
        for v in [0i32, 1, -1, 63, -64, 64, 300, i32::MAX, i32::MIN] {
            let mut out = Vec::new();
            put_zigzag(&mut out, v);
            let mut r = Reader { buf: &out, at: 0 };
            assert_eq!(r.zigzag().unwrap(), v);
        }
        let mut r = Reader {
            buf: &[0xFF; 11],
            at: 0,
        };
        assert!(r.varint().is_err());
    }
}
