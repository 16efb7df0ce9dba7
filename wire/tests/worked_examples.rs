//! Byte-exact tests against the worked frames of ws-query.md §3.6 and the block of §4.9.

use taos_wire::binary::*;
use taos_wire::block::{BlockBuilder, ColumnSchema, RawBlock};
use taos_wire::error::TaosError;
use taos_wire::nchar::ucs4_to_utf8;
use taos_wire::types::*;

/// Parses a hex dump in the spec's `0000: xx xx ...` form.
fn hex(dump: &str) -> Vec<u8> {
    dump.lines()
        .filter_map(|l| l.split_once(':').map(|(_, rest)| rest))
        .flat_map(|rest| rest.split_whitespace())
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

const BLOCK_4_9: &str = "
0000: 01 00 00 00 80 00 00 00 02 00 00 00 04 00 00 00
0010: 00 00 00 80 00 00 00 00 00 00 00 00 09 08 00 00
0020: 00 04 04 00 00 00 08 0c 00 00 00 0a 16 00 00 00
0030: 10 00 00 00 08 00 00 00 05 00 00 00 10 00 00 00
0040: 00 00 68 e5 cf 8b 01 00 00 e8 6b e5 cf 8b 01 00
0050: 00 40 2a 00 00 00 00 00 00 00 00 00 00 00 ff ff
0060: ff ff 03 00 61 62 63 00 00 00 00 0a 00 00 00 08
0070: 00 61 00 00 00 62 00 00 00 04 00 2d 4e 00 00 00
";

fn build_4_9() -> Vec<u8> {
    let mut b = BlockBuilder::new(vec![
        ColumnSchema::new(TSDB_DATA_TYPE_TIMESTAMP, 8),
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_INT, 4),
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_VARCHAR, 10),
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_NCHAR, 5),
    ]);
    b.push_timestamp(0, 1_700_000_000_000);
    b.push_i32(1, 42);
    b.push_str(2, "abc");
    b.push_nchar(3, "ab");
    b.push_timestamp(0, 1_700_000_001_000);
    b.push_null(1);
    b.push_null(2);
    b.push_nchar(3, "中");
    assert!(b.error().is_none());
    b.finish(2, 0)
}

#[test]
fn block_4_9_encodes_byte_exact() {
    let bytes = build_4_9();
    assert_eq!(bytes.len(), 128);
    assert_eq!(bytes, hex(BLOCK_4_9));
}

#[test]
fn block_4_9_parses_every_cell() {
    let raw = hex(BLOCK_4_9);
    let b = RawBlock::parse(&raw).unwrap();
    assert_eq!(
        (b.rows(), b.cols(), b.version(), b.group_id()),
        (2, 4, 1, 0)
    );
    assert_eq!(b.flag(), 0x8000_0000);
    assert_eq!(b.len(), 128);
    let types: Vec<u8> = (0..4).map(|c| b.col_type(c)).collect();
    assert_eq!(types, [9, 4, 8, 10]);
    let widths: Vec<i32> = (0..4).map(|c| b.col_width(c)).collect();
    assert_eq!(widths, [8, 4, 12, 22]);

    let ts = |r| i64::from_le_bytes(b.fixed_cell(0, r).try_into().unwrap());
    assert_eq!(ts(0), 1_700_000_000_000);
    assert_eq!(ts(1), 1_700_000_001_000);
    assert!(!b.is_null(0, 0) && !b.is_null(0, 1));

    assert_eq!(b.fixed_cell(1, 0), 42i32.to_le_bytes());
    assert!(!b.is_null(1, 0));
    assert!(b.is_null(1, 1));

    assert_eq!(b.var_cell(2, 0), Some(&b"abc"[..]));
    assert!(b.is_null(2, 1));
    assert_eq!(b.var_cell(2, 1), None);

    assert_eq!(ucs4_to_utf8(b.var_cell(3, 0).unwrap()).unwrap(), "ab");
    assert_eq!(ucs4_to_utf8(b.var_cell(3, 1).unwrap()).unwrap(), "中");
    assert_eq!(b.var_offset_at(3, 1), Some(10));

    let seg = b.column_segment(1).unwrap();
    assert_eq!(
        (
            seg.prefix_offset,
            seg.prefix_len,
            seg.data_offset,
            seg.data_len
        ),
        (0x51, 1, 0x52, 8)
    );
    let seg = b.column_segment(3).unwrap();
    assert_eq!(
        (
            seg.prefix_offset,
            seg.prefix_len,
            seg.data_offset,
            seg.data_len
        ),
        (0x67, 8, 0x6F, 16)
    );
    assert_eq!(b.column_data(2), [3, 0, b'a', b'b', b'c']);

    // Out-of-range access is neutral, never a panic.
    assert!(b.is_null(4, 0) && b.is_null(0, 2));
    assert!(b.fixed_cell(2, 0).is_empty() && b.fixed_cell(0, 9).is_empty());
    assert_eq!(b.var_cell(0, 0), None);
    assert_eq!(b.column_segment(4), None);
}

#[test]
fn block_without_blank_byte_parses() {
    let mut raw = hex(BLOCK_4_9);
    raw.pop();
    raw[4] = 127;
    let b = RawBlock::parse(&raw).unwrap();
    assert_eq!(b.var_cell(2, 0), Some(&b"abc"[..]));
}

#[test]
fn block_corruptions_are_errors() {
    let raw = hex(BLOCK_4_9);
    for cut in [0, 10, 27, 60, 127] {
        assert!(RawBlock::parse(&raw[..cut]).is_err(), "cut {cut}");
    }
    let mut bad = raw.clone();
    bad[0x5A] = 0x40; // offset beyond the VARCHAR data area
    assert!(RawBlock::parse(&bad).is_err());
    let mut bad = raw.clone();
    bad[0x38] = 0x50; // VARCHAR length beyond the block
    assert!(RawBlock::parse(&bad).is_err());
    let mut bad = raw.clone();
    bad[0x21] = 19; // MEDIUMBLOB
    assert!(RawBlock::parse(&bad).is_err());
    let mut bad = raw.clone();
    bad[0x0C] = 0xFF; // cols 255
    assert!(RawBlock::parse(&bad).is_err());
    let mut bad = raw;
    bad[0x0B] = 0x80; // negative rows
    assert!(RawBlock::parse(&bad).is_err());
}

#[test]
fn binary_query_frame() {
    let want = hex("
0000: 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
0010: 06 00 00 00 00 00 00 00 01 00 10 00 00 00 73 65
0020: 6c 65 63 74 20 2a 20 66 72 6f 6d 20 64 30
");
    let got = encode_binary_query(1, "select * from d0");
    assert_eq!(got, want);
    assert_eq!(got.len(), 46);
    let req = parse_sql_request(&got).unwrap();
    assert_eq!(req.req_id, 1);
    assert_eq!(req.action, ACTION_BINARY_QUERY);
    assert_eq!(req.sql_str(), "select * from d0");
    let h = ClientHeader::parse(&got).unwrap();
    assert_eq!(
        h,
        ClientHeader {
            req_id: 1,
            id: 0,
            action: 6
        }
    );
}

fn adapter_msg(e: TaosError) -> String {
    assert_eq!(e.code as u32, 0x8000_FFFF);
    e.message
}

#[test]
fn sql_request_validation_messages() {
    let good = encode_validate_sql(7, "show databases");
    assert_eq!(
        parse_sql_request(&good).unwrap().action,
        ACTION_VALIDATE_SQL
    );
    assert_eq!(
        adapter_msg(parse_sql_request(&good[..30]).unwrap_err()),
        "message length is too short"
    );
    assert_eq!(
        adapter_msg(parse_sql_request(&[]).unwrap_err()),
        "message length is too short"
    );
    let mut v2 = good.clone();
    v2[24] = 2;
    assert_eq!(
        adapter_msg(parse_sql_request(&v2).unwrap_err()),
        "unknown binary query version:2"
    );
    assert_eq!(
        adapter_msg(parse_sql_request(&good[..35]).unwrap_err()),
        "uncompleted message, sql length:14, remainMessageLength:5"
    );
    let mut extra = good.clone();
    extra.extend_from_slice(b"junk");
    assert_eq!(parse_sql_request(&extra).unwrap().sql, b"show databases");
}

#[test]
fn fetch_raw_block_request_frame() {
    let want = hex("
0000: 02 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00
0010: 07 00 00 00 00 00 00 00 01 00
");
    assert_eq!(encode_fetch_raw_block(2, 1), want);
    assert_eq!(
        parse_fetch_raw_block(&want).unwrap(),
        FetchRawBlockRequest {
            req_id: 2,
            result_id: 1
        }
    );
    assert_eq!(
        adapter_msg(parse_fetch_raw_block(&want[..25]).unwrap_err()),
        "message length is too short"
    );
    let mut v = want.clone();
    v[24] = 3;
    assert_eq!(
        adapter_msg(parse_fetch_raw_block(&v).unwrap_err()),
        "unknown fetch raw block version"
    );
}

#[test]
fn fetch_raw_block_data_reply() {
    let header = hex("
0000: ff ff ff ff ff ff ff ff 07 00 00 00 00 00 00 00
0010: 01 00 40 e2 01 00 00 00 00 00 02 00 00 00 00 00
0020: 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00
0030: 00 00 00 80 00 00 00
");
    let block = hex(BLOCK_4_9);
    let mut want = header.clone();
    want.extend_from_slice(&block);
    let got = encode_raw_block_data(123_456, 2, 1, &block);
    assert_eq!(got.len(), 183);
    assert_eq!(got, want);
    let mut streamed = Vec::new();
    write_raw_block_data_header(&mut streamed, 123_456, 2, 1, block.len());
    assert_eq!(streamed, header);

    let r = parse_raw_block_reply(&got).unwrap();
    assert_eq!((r.timing, r.req_id, r.result_id), (123_456, 2, 1));
    assert_eq!(r.body, RawBlockReplyBody::Block(&block[..]));
    assert!(r.error().is_none());
    assert_eq!(
        classify_server_binary(&got).unwrap(),
        ServerBinaryKind::FetchRawBlock { req_id: 2 }
    );
}

#[test]
fn fetch_raw_block_end_reply() {
    let want = hex("
0000: ff ff ff ff ff ff ff ff 07 00 00 00 00 00 00 00
0010: 01 00 d0 07 00 00 00 00 00 00 03 00 00 00 00 00
0020: 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00
0030: 00 00 01
");
    let got = encode_raw_block_end(2000, 3, 1);
    assert_eq!(got, want);
    let r = parse_raw_block_reply(&got).unwrap();
    assert_eq!(
        (r.timing, r.req_id, r.result_id, r.body),
        (2000, 3, 1, RawBlockReplyBody::End)
    );
}

#[test]
fn fetch_raw_block_error_reply() {
    let want = hex("
0000: ff ff ff ff ff ff ff ff 07 00 00 00 00 00 00 00
0010: 01 00 dc 05 00 00 00 00 00 00 04 00 00 00 00 00
0020: 00 00 ff ff 00 00 0d 00 00 00 72 65 73 75 6c 74
0030: 20 69 73 20 6e 69 6c 09 00 00 00 00 00 00 00 01
");
    let err = TaosError::adapter("result is nil");
    let got = encode_raw_block_error(1500, 4, 9, &err);
    assert_eq!(got, want);
    let r = parse_raw_block_reply(&got).unwrap();
    assert_eq!((r.timing, r.req_id, r.result_id), (1500, 4, 9));
    assert_eq!(
        r.body,
        RawBlockReplyBody::Error {
            code: 0xFFFF,
            message: "result is nil".into()
        }
    );
    assert_eq!(r.error().unwrap(), err);
}

#[test]
fn raw_block_reply_garbage() {
    let good = encode_raw_block_data(1, 2, 3, &hex(BLOCK_4_9));
    for cut in [0, 8, 50, 54, 100, 182] {
        assert!(parse_raw_block_reply(&good[..cut]).is_err(), "cut {cut}");
    }
    let mut bad = good.clone();
    bad[0] = 0;
    assert!(parse_raw_block_reply(&bad).is_err());
    let mut bad = good;
    bad[38] = 0xFF; // message length beyond the frame
    assert!(parse_raw_block_reply(&bad).is_err());
}

#[test]
fn legacy_fetch_block_frame() {
    let block = hex(BLOCK_4_9);
    let mut frame = encode_fetch_block(77, 5, &block);
    assert_eq!(
        &frame[..16],
        [77, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]
    );
    frame.extend_from_slice(b"trailing");
    let f = parse_fetch_block(&frame).unwrap();
    assert_eq!((f.timing, f.result_id), (77, 5));
    assert_eq!(f.block, &block[..]);
    assert_eq!(
        classify_server_binary(&frame).unwrap(),
        ServerBinaryKind::FetchBlock { result_id: 5 }
    );
    assert!(parse_fetch_block(&frame[..100]).is_err());
    assert!(parse_fetch_block(&frame[..19]).is_err());
    assert!(classify_server_binary(&frame[..7]).is_err());
    assert!(classify_server_binary(&[0xFF; 20]).is_err());
}

#[test]
fn action_names() {
    assert_eq!(action_name(6), "binary_query");
    assert_eq!(action_name(7), "fetch_raw_block");
    assert_eq!(action_name(10), "validate_sql");
    assert_eq!(action_name(8), "unknown");
    assert_eq!(action_name(99), "unknown");
}
