//! Property tests: parsers never panic on arbitrary bytes; built blocks parse back identically.

use proptest::prelude::*;
use taos_wire::binary::*;
use taos_wire::block::{BlockBuilder, ColumnSchema, RawBlock};
use taos_wire::json;
use taos_wire::nchar::{ucs4_to_utf8, utf8_to_ucs4};
use taos_wire::types::*;

/// Reads every accessor of a parsed block (must not panic).
fn touch(b: &RawBlock<'_>) {
    for c in 0..=b.cols() {
        let _ = (
            b.col_type(c),
            b.col_width(c),
            b.column_segment(c),
            b.column_prefix(c),
            b.column_data(c),
        );
        for r in 0..=b.rows().min(64) {
            let _ = (
                b.is_null(c, r),
                b.fixed_cell(c, r),
                b.var_cell(c, r),
                b.var_offset_at(c, r),
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = ClientHeader::parse(&bytes);
        let _ = parse_sql_request(&bytes);
        let _ = parse_fetch_raw_block(&bytes);
        let _ = parse_raw_block_reply(&bytes);
        let _ = parse_fetch_block(&bytes);
        let _ = classify_server_binary(&bytes);
        let _ = ucs4_to_utf8(&bytes);
        if let Ok(b) = RawBlock::parse(&bytes) {
            touch(&b);
        }
        if let Ok(b) = RawBlock::parse_ignoring_length(&bytes) {
            touch(&b);
        }
        if let Ok((_, b)) = taos_wire::stmt::parse_stmt_block_frame(&bytes) {
            touch(&b);
        }
        let _ = taos_wire::tmq::parse_tmq_fetch_block(&bytes);
        let _ = taos_wire::tmq::parse_tmq_fetch_raw(&bytes);
        let _ = taos_wire::tmq::parse_fetch_raw_data(&bytes);
        let _ = taos_wire::tmq::tmq_binary_req_id(&bytes);
        let _ = taos_wire::tmq_raw::parse_tmq_raw_data(&bytes);
        let text = String::from_utf8_lossy(&bytes);
        let _ = json::parse_request(&text);
        let _ = json::extract_req_id(&text);
        let _ = json::parse_reply::<json::QueryReply>(&text);
    }

    /// Garbage that starts like a plausible block header, to get past the first checks.
    #[test]
    fn block_parser_never_panics_on_plausible_headers(
        rows in 0i32..20, cols in 0i32..6,
        body in proptest::collection::vec(any::<u8>(), 0..400),
        types in proptest::collection::vec(0u8..23, 6),
    ) {
        let mut buf = Vec::new();
        buf.extend_from_slice(&1i32.to_le_bytes());
        buf.extend_from_slice(&((28 + body.len() + 5 * types.len()) as i32).to_le_bytes());
        buf.extend_from_slice(&rows.to_le_bytes());
        buf.extend_from_slice(&cols.to_le_bytes());
        buf.extend_from_slice(&0x8000_0000u32.to_le_bytes());
        buf.extend_from_slice(&0u64.to_le_bytes());
        for t in types.iter().take(cols as usize) {
            buf.push(*t);
            buf.extend_from_slice(&8i32.to_le_bytes());
        }
        buf.extend_from_slice(&body);
        if let Ok(b) = RawBlock::parse(&buf) {
            touch(&b);
        }
        if let Ok(b) = RawBlock::parse_ignoring_length(&buf) {
            touch(&b);
        }
        // Corrupting any single byte of a valid block must never panic either.
        let mut good = BlockBuilder::new(vec![
            ColumnSchema::new(TSDB_DATA_TYPE_INT, 4),
            ColumnSchema::new(TSDB_DATA_TYPE_VARCHAR, 12),
        ]);
        for r in 0..rows {
            good.push_i32(0, r);
            good.push_str(1, "xy");
        }
        let mut block = good.finish(rows as usize, 0);
        if !body.is_empty() {
            let at = body[0] as usize % block.len();
            block[at] ^= body.get(1).copied().unwrap_or(0xFF) | 1;
            if let Ok(b) = RawBlock::parse(&block) {
                touch(&b);
            }
            if let Ok(b) = RawBlock::parse_ignoring_length(&block) {
                touch(&b);
            }
        }
    }

    #[test]
    fn sql_request_round_trip(req_id in any::<u64>(), sql in ".{1,64}") {
        let frame = encode_binary_query(req_id, &sql);
        let p = parse_sql_request(&frame).unwrap();
        prop_assert_eq!(p.req_id, req_id);
        prop_assert_eq!(p.sql, sql.as_bytes());
    }

    #[test]
    fn nchar_round_trip(s in ".{0,40}") {
        prop_assert_eq!(ucs4_to_utf8(&utf8_to_ucs4(&s)).unwrap(), s);
    }
}

/// A generated cell value.
#[derive(Debug, Clone)]
enum Cell {
    Null,
    Fixed(Vec<u8>),
    Var(Vec<u8>),
}

/// Column types exercised by the round trip, with their cell size (0 = var).
const TYPES: &[(u8, usize)] = &[
    (TSDB_DATA_TYPE_BOOL, 1),
    (TSDB_DATA_TYPE_TINYINT, 1),
    (TSDB_DATA_TYPE_SMALLINT, 2),
    (TSDB_DATA_TYPE_INT, 4),
    (TSDB_DATA_TYPE_BIGINT, 8),
    (TSDB_DATA_TYPE_FLOAT, 4),
    (TSDB_DATA_TYPE_DOUBLE, 8),
    (TSDB_DATA_TYPE_TIMESTAMP, 8),
    (TSDB_DATA_TYPE_UBIGINT, 8),
    (TSDB_DATA_TYPE_DECIMAL, 16),
    (TSDB_DATA_TYPE_VARCHAR, 0),
    (TSDB_DATA_TYPE_NCHAR, 0),
    (TSDB_DATA_TYPE_VARBINARY, 0),
    (TSDB_DATA_TYPE_BLOB, 0),
    (TSDB_DATA_TYPE_JSON, 0),
];

fn column() -> impl Strategy<Value = (usize, Vec<Cell>)> {
    (0..TYPES.len(), 1usize..40).prop_flat_map(|(t, rows)| {
        let size = TYPES[t].1;
        let cell = prop_oneof![
            1 => Just(Cell::Null),
            4 => proptest::collection::vec(any::<u8>(), if size == 0 { 0..30 } else { size..size + 1 })
                .prop_map(move |v| if size == 0 { Cell::Var(v) } else { Cell::Fixed(v) }),
        ];
        (Just(t), proptest::collection::vec(cell, rows..rows + 1))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn build_then_parse_gives_identical_values(
        cols in proptest::collection::vec(column(), 1..8),
        group_id in any::<u64>(),
    ) {
        let rows = cols.iter().map(|(_, c)| c.len()).min().unwrap();
        let schema: Vec<ColumnSchema> =
            cols.iter().map(|(t, _)| ColumnSchema::from_user_width(TYPES[*t].0, 30)).collect();
        let mut b = BlockBuilder::new(schema.clone());
        for r in 0..rows {
            for (c, (_, cells)) in cols.iter().enumerate() {
                match &cells[r] {
                    Cell::Null => b.push_null(c),
                    Cell::Fixed(v) => b.push_fixed_bytes(c, v),
                    Cell::Var(v) => b.push_var(c, v),
                }
            }
        }
        prop_assert!(b.error().is_none());
        let bytes = b.finish(rows, group_id);
        let p = RawBlock::parse(&bytes).unwrap();
        prop_assert_eq!(p.len(), bytes.len());
        prop_assert_eq!((p.rows(), p.cols(), p.group_id()), (rows, cols.len(), group_id));
        for (c, (_, cells)) in cols.iter().enumerate() {
            prop_assert_eq!(p.col_type(c), schema[c].ty);
            prop_assert_eq!(p.col_width(c), schema[c].width);
            for (r, cell) in cells.iter().take(rows).enumerate() {
                match cell {
                    Cell::Null => {
                        prop_assert!(p.is_null(c, r));
                        prop_assert_eq!(p.var_cell(c, r), None);
                    }
                    Cell::Fixed(v) => {
                        prop_assert!(!p.is_null(c, r));
                        prop_assert_eq!(p.fixed_cell(c, r), &v[..]);
                    }
                    Cell::Var(v) => {
                        prop_assert!(!p.is_null(c, r));
                        prop_assert_eq!(p.var_cell(c, r), Some(&v[..]));
                    }
                }
            }
        }
        // The builder is reusable after finish.
        prop_assert_eq!(b.col_rows(0), 0);
    }

    #[test]
    fn finish_pads_and_truncates(n_push in 0usize..20, rows in 1usize..20) {
        let mut b = BlockBuilder::new(vec![
            ColumnSchema::new(TSDB_DATA_TYPE_INT, 4),
            ColumnSchema::new(TSDB_DATA_TYPE_VARCHAR, 12),
        ]);
        for i in 0..n_push {
            b.push_i32(0, i as i32);
            b.push_str(1, &i.to_string());
        }
        let bytes = b.finish(rows, 0);
        let p = RawBlock::parse(&bytes).unwrap();
        prop_assert_eq!(p.rows(), rows);
        for r in 0..rows {
            if r < n_push {
                prop_assert_eq!(p.fixed_cell(0, r), (r as i32).to_le_bytes());
                let want = r.to_string();
                prop_assert_eq!(p.var_cell(1, r), Some(want.as_bytes()));
            } else {
                prop_assert!(p.is_null(0, r) && p.is_null(1, r));
            }
        }
        // Truncation must leave no bytes of dropped values behind.
        let mut fresh = BlockBuilder::new(b.schema().to_vec());
        for i in 0..n_push.min(rows) {
            fresh.push_i32(0, i as i32);
            fresh.push_str(1, &i.to_string());
        }
        prop_assert_eq!(fresh.finish(rows, 0), bytes);
    }
}

#[test]
fn builder_misuse_is_recorded_not_panicking() {
    let mut b = BlockBuilder::new(vec![
        ColumnSchema::new(TSDB_DATA_TYPE_INT, 4),
        ColumnSchema::new(TSDB_DATA_TYPE_VARCHAR, 12),
        ColumnSchema::new(TSDB_DATA_TYPE_BLOB, 8),
    ]);
    b.push_i64(0, 1); // wrong width
    b.push_var(0, b"x"); // var on fixed
    b.push_i32(1, 3); // fixed on var
    b.push_var(1, &vec![0u8; 70_000]); // too long for a u16 prefix
    b.push_i32(7, 1); // no such column
    b.push_null(9);
    b.push_nchar(2, "a"); // NCHAR into a u32-prefixed column
    assert!(b.error().is_some());
    assert_eq!(b.col_rows(0), 2);
    assert_eq!(b.col_rows(1), 2);
    b.push_var(2, &vec![7u8; 70_000]); // BLOB takes it (u32 prefix)
    let bytes = b.finish(2, 0);
    assert!(b.error().is_none(), "finish resets the error");
    let p = RawBlock::parse(&bytes).unwrap();
    assert!(p.is_null(0, 0) && p.is_null(0, 1) && p.is_null(1, 0) && p.is_null(1, 1));
    assert!(p.is_null(2, 0));
    assert_eq!(p.var_cell(2, 1).map(<[u8]>::len), Some(70_000));
}
