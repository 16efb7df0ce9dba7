//! Throughput figures (not timed assertions): SQL insert rate, SELECT * materialisation and
//! raw-block encoding of 1,000,000 rows × 10 columns.
//!
//! Run: `cargo test -p taos-devserver --release --test engine_bench -- --ignored --nocapture`

use std::time::Instant;

use taos_devserver::engine::{Engine, Outcome, Session};

const ROWS: usize = 1_000_000;
const BATCH: usize = 10_000;

#[test]
#[ignore = "benchmark; run in release with --ignored --nocapture"]
fn encode_block_1m_by_10() {
    let e = Engine::new();
    let mut s = Session::default();
    for sql in [
        "create database bench",
        "use bench",
        "create table t (ts timestamp, c1 int, c2 bigint, c3 float, c4 double, c5 bool, c6 smallint, c7 tinyint, c8 binary(16), c9 nchar(8))",
    ] {
        e.execute(&mut s, sql).expect(sql);
    }
    // Only `execute` is timed; building the SQL text is not.
    let mut ins = std::time::Duration::ZERO;
    let mut sql = String::with_capacity(BATCH * 80);
    for b in 0..ROWS / BATCH {
        sql.clear();
        sql.push_str("insert into t values ");
        for i in b * BATCH..(b + 1) * BATCH {
            use std::fmt::Write;
            let _ = write!(
                sql,
                "({}, {i}, {}, {}.5, {}.25, {}, {}, {}, 'name{}', 'nc{}')",
                1_700_000_000_000i64 + i as i64,
                i as i64 * 3,
                i % 1000,
                i % 777,
                i % 2 == 0,
                i % 30000,
                i % 100,
                i % 10_000,
                i % 100
            );
        }
        let t0 = Instant::now();
        let out = e.execute(&mut s, &sql).expect("insert");
        ins += t0.elapsed();
        match out {
            Outcome::Affected(n) => assert_eq!(n as usize, BATCH),
            Outcome::Rows(_) => panic!("insert returned rows"),
        }
    }
    println!(
        "SQL insert: {ROWS} rows in {:.2?} = {:.0} rows/s",
        ins,
        ROWS as f64 / ins.as_secs_f64()
    );
    let t1 = Instant::now();
    let Outcome::Rows(r) = e.execute(&mut s, "select * from t").expect("select") else {
        panic!("no rows")
    };
    let sel = t1.elapsed();
    assert_eq!(r.num_rows(), ROWS);
    println!(
        "SELECT * materialisation: {:.2?} = {:.0} rows/s",
        sel,
        ROWS as f64 / sel.as_secs_f64()
    );
    let t2 = Instant::now();
    let mut total_bytes = 0usize;
    let mut start = 0;
    while start < r.num_rows() {
        let blk = r.encode_block(start, 4096);
        total_bytes += blk.len();
        start += 4096;
    }
    let enc = t2.elapsed();
    println!(
        "encode_block (4096-row blocks): {ROWS} rows, {} MB in {:.2?} = {:.0} rows/s",
        total_bytes / 1_000_000,
        enc,
        ROWS as f64 / enc.as_secs_f64()
    );
}
