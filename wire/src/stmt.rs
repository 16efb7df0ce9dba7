//! Stmt v1 binary requests (ws-stmt-sml-tmq.md §1.5): `set_tags` (action 1) and `bind`
//! (action 2) carry a raw block right after the 24-byte header. Build the block with
//! [`BlockBuilder`](crate::block::BlockBuilder) and
//! [`BlockOptions::STMT`](crate::block::BlockOptions::STMT).

use crate::binary::{ClientHeader, ACTION_BIND, ACTION_SET_TAGS, CLIENT_HEADER_LEN};
use crate::block::RawBlock;
use crate::error::TaosError;

/// Encodes a `set_tags` / `bind` frame: header (`req_id`, `stmt_id`, `action`) + `block`.
pub fn encode_stmt_block_frame(req_id: u64, stmt_id: u64, action: u64, block: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(CLIENT_HEADER_LEN + block.len());
    ClientHeader {
        req_id,
        id: stmt_id,
        action,
    }
    .encode(&mut out);
    out.extend_from_slice(block);
    out
}

/// Encodes a `set_tags` frame (action 1).
pub fn encode_set_tags(req_id: u64, stmt_id: u64, block: &[u8]) -> Vec<u8> {
    encode_stmt_block_frame(req_id, stmt_id, ACTION_SET_TAGS, block)
}

/// Encodes a `bind` frame (action 2).
pub fn encode_bind(req_id: u64, stmt_id: u64, block: &[u8]) -> Vec<u8> {
    encode_stmt_block_frame(req_id, stmt_id, ACTION_BIND, block)
}

/// Parses a `set_tags` / `bind` frame into its header and validated block. The block's
/// length field is not trusted (the server does not check it and clients append junk);
/// the block ends where its last column ends.
pub fn parse_stmt_block_frame(frame: &[u8]) -> Result<(ClientHeader, RawBlock<'_>), TaosError> {
    let header = ClientHeader::parse(frame)?;
    let block = RawBlock::parse_ignoring_length(&frame[CLIENT_HEADER_LEN..])?;
    Ok((header, block))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::{BlockBuilder, BlockOptions, ColumnSchema};
    use crate::nchar::ucs4_to_utf8;
    use crate::types::*;

    /// The frame of §1.5.2 (req_id 15, stmt_id 1, bind, 99-byte block).
    const EXAMPLE: &str = "0f00000000000000 0100000000000000 0200000000000000
        01000000 63000000 02000000 03000000 00000000 0000000000000000
        0908000000 0404000000 0a00000000 10000000 08000000 0a000000
        00 0068e5cf8b010000 0168e5cf8b010000 40 07000000 00000000
        00000000 ffffffff 0800 6100000062000000";

    fn example() -> Vec<u8> {
        let hex: String = EXAMPLE.split_whitespace().collect();
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn worked_example_byte_exact() {
        let mut b = BlockBuilder::new(vec![
            ColumnSchema::new(TSDB_DATA_TYPE_TIMESTAMP, 8),
            ColumnSchema::new(TSDB_DATA_TYPE_INT, 4),
            ColumnSchema::new(TSDB_DATA_TYPE_NCHAR, 0),
        ]);
        b.push_timestamp(0, 1_700_000_000_000);
        b.push_i32(1, 7);
        b.push_nchar(2, "ab");
        b.push_timestamp(0, 1_700_000_000_001);
        b.push_null(1);
        b.push_null(2);
        let mut block = Vec::new();
        let n = b.finish_into_with(&mut block, 2, &BlockOptions::STMT);
        assert_eq!(n, 99);
        let frame = encode_bind(15, 1, &block);
        assert_eq!(frame, example());
    }

    #[test]
    fn parse_tolerates_junk_and_bad_length() {
        let mut frame = example();
        frame.extend_from_slice(b"junk");
        frame[28] = 0xEE; // wrong length field
        let (h, b) = parse_stmt_block_frame(&frame).unwrap();
        assert_eq!((h.req_id, h.id, h.action), (15, 1, ACTION_BIND));
        assert_eq!((b.rows(), b.cols(), b.len()), (2, 3, 99));
        assert!(b.is_null(1, 1) && b.is_null(2, 1));
        assert_eq!(ucs4_to_utf8(b.var_cell(2, 0).unwrap()).unwrap(), "ab");
        assert!(parse_stmt_block_frame(&frame[..60]).is_err());
        assert!(parse_stmt_block_frame(&frame[..10]).is_err());
    }
}
