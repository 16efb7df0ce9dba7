//! Helpers shared by the stmt tests: reading a SELECT back as text cells.
#![allow(dead_code)]

use crate::netutil::{fetch_raw_block, parse_raw_reply, Client};
use taos_wire::block::RawBlock;
use taos_wire::nchar::ucs4_to_utf8;
use taos_wire::types::*;

/// One cell as text (`NULL` for null; var bytes as UTF-8 or `0x..` hex for binary types).
pub fn cell(b: &RawBlock<'_>, c: usize, r: usize) -> String {
    if b.is_null(c, r) {
        return "NULL".into();
    }
    let ty = b.col_type(c);
    if is_var(ty) {
        let v = b.var_cell(c, r).unwrap();
        return match ty {
            TSDB_DATA_TYPE_NCHAR => ucs4_to_utf8(v).unwrap(),
            TSDB_DATA_TYPE_VARBINARY | TSDB_DATA_TYPE_GEOMETRY => {
                let mut s = String::from("0x");
                for x in v {
                    s.push_str(&format!("{x:02x}"));
                }
                s
            }
            _ => String::from_utf8(v.to_vec()).unwrap(),
        };
    }
    let f = b.fixed_cell(c, r);
    let arr = |n: usize| -> [u8; 8] {
        let mut a = [0u8; 8];
        a[..n].copy_from_slice(&f[..n]);
        a
    };
    match ty {
        TSDB_DATA_TYPE_BOOL => (f[0] != 0).to_string(),
        TSDB_DATA_TYPE_TINYINT => (f[0] as i8).to_string(),
        TSDB_DATA_TYPE_SMALLINT => i16::from_le_bytes([f[0], f[1]]).to_string(),
        TSDB_DATA_TYPE_INT => i32::from_le_bytes(f[..4].try_into().unwrap()).to_string(),
        TSDB_DATA_TYPE_BIGINT | TSDB_DATA_TYPE_TIMESTAMP => i64::from_le_bytes(arr(8)).to_string(),
        TSDB_DATA_TYPE_UTINYINT => f[0].to_string(),
        TSDB_DATA_TYPE_USMALLINT => u16::from_le_bytes([f[0], f[1]]).to_string(),
        TSDB_DATA_TYPE_UINT => u32::from_le_bytes(f[..4].try_into().unwrap()).to_string(),
        TSDB_DATA_TYPE_UBIGINT => u64::from_le_bytes(arr(8)).to_string(),
        TSDB_DATA_TYPE_FLOAT => f32::from_le_bytes(f[..4].try_into().unwrap()).to_string(),
        TSDB_DATA_TYPE_DOUBLE => f64::from_le_bytes(arr(8)).to_string(),
        t => panic!("type {t} not handled in tests"),
    }
}

/// Reads every block of result `id` (already registered) as rows of text cells.
pub fn read_result(c: &mut Client, id: u64) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for req in 0..100 {
        c.binary(fetch_raw_block(900 + req, id));
        let r = parse_raw_reply(&c.recv_bin());
        assert_eq!(r.code, 0, "{}", r.message);
        if r.finished {
            return rows;
        }
        let b = RawBlock::parse(&r.block).unwrap();
        for row in 0..b.rows() {
            rows.push((0..b.cols()).map(|col| cell(&b, col, row)).collect());
        }
    }
    panic!("result {id} did not finish");
}

/// Runs a SELECT through `query` and returns its rows as text.
pub fn select(c: &mut Client, sql: &str) -> Vec<Vec<String>> {
    let r = c.query(77, sql);
    assert_eq!(r["code"], 0, "{sql}: {r}");
    let id = r["id"].as_u64().unwrap();
    read_result(c, id)
}

/// Shorthand for expected rows.
pub fn rows(v: &[&[&str]]) -> Vec<Vec<String>> {
    v.iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect()
}
