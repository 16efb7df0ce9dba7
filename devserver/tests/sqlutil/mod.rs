//! SQL helpers for engine-level tests: run a statement and take the outcome apart, panicking
//! with the statement in the message when it is not what the test expects.
#![allow(dead_code)] // each test crate uses its own subset

use taos_devserver::engine::{Engine, Outcome, ResultSet, Session, Value};

/// Runs `sql`; an error fails the test.
pub fn exec(e: &Engine, s: &mut Session, sql: &str) -> Outcome {
    match e.execute(s, sql) {
        Ok(o) => o,
        Err(err) => panic!("{sql}: {err}"),
    }
}

/// Runs a query and returns its result set.
pub fn rows(e: &Engine, s: &mut Session, sql: &str) -> ResultSet {
    match exec(e, s, sql) {
        Outcome::Rows(r) => r,
        Outcome::Affected(_) => panic!("{sql}: no result set"),
    }
}

/// Runs a write and returns the affected rows.
pub fn affected(e: &Engine, s: &mut Session, sql: &str) -> i64 {
    match exec(e, s, sql) {
        Outcome::Affected(n) => n,
        Outcome::Rows(_) => panic!("{sql}: result set"),
    }
}

/// Runs `sql`, which must fail, and returns the error code.
pub fn code(e: &Engine, s: &mut Session, sql: &str) -> i32 {
    match e.execute(s, sql) {
        Ok(_) => panic!("{sql}: expected an error"),
        Err(err) => err.code,
    }
}

/// Column `c` of every row.
pub fn col(r: &ResultSet, c: usize) -> Vec<Value> {
    (0..r.num_rows()).map(|i| r.value(i, c)).collect()
}

/// The result's column names.
pub fn names(r: &ResultSet) -> Vec<String> {
    r.fields().iter().map(|f| f.name.clone()).collect()
}
