//! Throughput check for the dev server's hot path (run with
//! `cargo test -p taos-wire --release --test bench_builder -- --ignored --nocapture`).

use std::time::Instant;
use taos_wire::block::{BlockBuilder, ColumnSchema, RawBlock};
use taos_wire::types::*;

#[test]
#[ignore = "benchmark; run in release with --ignored"]
fn encode_and_parse_1m_rows_x_10_cols() {
    let schema = vec![
        ColumnSchema::new(TSDB_DATA_TYPE_TIMESTAMP, 8),
        ColumnSchema::new(TSDB_DATA_TYPE_INT, 4),
        ColumnSchema::new(TSDB_DATA_TYPE_BIGINT, 8),
        ColumnSchema::new(TSDB_DATA_TYPE_DOUBLE, 8),
        ColumnSchema::new(TSDB_DATA_TYPE_FLOAT, 4),
        ColumnSchema::new(TSDB_DATA_TYPE_BOOL, 1),
        ColumnSchema::new(TSDB_DATA_TYPE_SMALLINT, 2),
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_VARCHAR, 16),
        ColumnSchema::from_user_width(TSDB_DATA_TYPE_NCHAR, 8),
        ColumnSchema::new(TSDB_DATA_TYPE_UBIGINT, 8),
    ];
    const ROWS: usize = 1_000_000;
    const BLOCK: usize = 4096;
    let mut b = BlockBuilder::with_capacity(schema, BLOCK);
    let mut out = Vec::with_capacity(64 << 20);
    let start = Instant::now();
    let mut r = 0;
    let mut blocks = 0;
    while r < ROWS {
        let n = BLOCK.min(ROWS - r);
        for i in r..r + n {
            b.push_timestamp(0, 1_700_000_000_000 + i as i64);
            if i % 10 == 0 {
                b.push_null(1);
            } else {
                b.push_i32(1, i as i32);
            }
            b.push_i64(2, i as i64 * 3);
            b.push_f64(3, i as f64 * 0.5);
            b.push_f32(4, i as f32);
            b.push_bool(5, i % 2 == 0);
            b.push_i16(6, i as i16);
            b.push_str(7, "device-0001");
            b.push_nchar(8, "北京");
            b.push_u64(9, i as u64);
        }
        out.clear();
        b.finish_into(&mut out, n, 0);
        blocks += 1;
        r += n;
    }
    let enc = start.elapsed();
    let start = Instant::now();
    let p = RawBlock::parse(&out).unwrap();
    let parse = start.elapsed();
    println!(
        "encode: {ROWS} rows x 10 cols in {blocks} blocks: {:?} = {:.1} M rows/s; last block {} bytes parsed in {:?}",
        enc,
        ROWS as f64 / enc.as_secs_f64() / 1e6,
        p.len(),
        parse
    );
    assert!(ROWS as f64 / enc.as_secs_f64() > 1e6, "below 1M rows/s");
}
