//! Stmt2 query parameters of type VARBINARY and GEOMETRY compare with the column's bytes
//! (raw bytes; WKB for GEOMETRY), as a bound value does on TDengine; the `'\x…'` literal form
//! matches the same rows and a different value matches none.

mod netutil;
mod stmt_common;

use netutil::Client;
use stmt_common::{read_result, rows, select};
use taos_wire::stmt2::{encode_stmt2_bind, Stmt2Bind, Stmt2Field};
use taos_wire::types::*;

/// WKB of POINT(1 2), little-endian.
fn point_1_2() -> Vec<u8> {
    let mut v = vec![1u8, 1, 0, 0, 0];
    v.extend_from_slice(&1f64.to_le_bytes());
    v.extend_from_slice(&2f64.to_le_bytes());
    v
}

fn query(c: &mut Client, sql: &str, params: Vec<Stmt2Field<'static>>) -> Vec<Vec<String>> {
    let r = c.ask(r#"{"action":"stmt2_init","args":{"req_id":1}}"#);
    let v: serde_json::Value = serde_json::from_str(&r).unwrap();
    let id = v["stmt_id"].as_u64().unwrap();
    let msg = serde_json::json!({"action":"stmt2_prepare","args":{"req_id":2,"stmt_id":id,"sql":sql,"get_fields":false}});
    let r = c.ask(&msg.to_string());
    assert!(r.contains(r#""code":0"#), "{r}");
    let bind = Stmt2Bind {
        table_names: vec![],
        tags: vec![],
        cols: vec![params],
    };
    c.binary(encode_stmt2_bind(3, id, -1, &bind).unwrap());
    let r = c.recv_text();
    assert!(r.contains(r#""code":0"#), "{r}");
    let r = c.ask(&format!(
        r#"{{"action":"stmt2_exec","args":{{"req_id":4,"stmt_id":{id}}}}}"#
    ));
    assert!(r.contains(r#""code":0"#), "{r}");
    let r = c.ask(&format!(
        r#"{{"action":"stmt2_result","args":{{"req_id":5,"stmt_id":{id}}}}}"#
    ));
    let v: serde_json::Value = serde_json::from_str(&r).unwrap();
    assert_eq!(v["code"], 0, "{r}");
    let out = read_result(c, v["id"].as_u64().unwrap());
    c.ask(&format!(
        r#"{{"action":"stmt2_close","args":{{"req_id":6,"stmt_id":{id}}}}}"#
    ));
    out
}

fn bytes(ty: u8, b: &[u8]) -> Stmt2Field<'static> {
    Stmt2Field::var(ty as i32, &[Some(b)])
}

#[test]
fn varbinary_and_geometry_parameters_match_the_stored_bytes() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    c.exec("create database if not exists qb");
    c.exec("use qb");
    c.exec("create table t (ts timestamp, vb varbinary(20), g geometry(100), s varchar(20))");
    c.exec(
        "insert into t values (1700000000000, 'varbinary1', 'POINT(1 2)', 'one') \
         (1700000000001, '\\x00ff', 'POINT(3 4)', 'two')",
    );
    let vb = |b: &[u8]| bytes(TSDB_DATA_TYPE_VARBINARY, b);
    assert_eq!(
        query(
            &mut c,
            "select s from t where vb = ?",
            vec![vb(b"varbinary1")]
        ),
        rows(&[&["one"]])
    );
    assert_eq!(
        query(&mut c, "select s from t where vb = ?", vec![vb(&[0, 0xff])]),
        rows(&[&["two"]])
    );
    assert!(query(
        &mut c,
        "select s from t where vb = ?",
        vec![vb(b"varbinary2")]
    )
    .is_empty());
    assert_eq!(
        query(
            &mut c,
            "select s from t where g = ?",
            vec![bytes(TSDB_DATA_TYPE_GEOMETRY, &point_1_2())]
        ),
        rows(&[&["one"]])
    );
    // A VARCHAR parameter compared with GEOMETRY is WKT (driver-go binds text so).
    assert_eq!(
        query(
            &mut c,
            "select s from t where g = ?",
            vec![bytes(TSDB_DATA_TYPE_VARCHAR, b"point(3 4)")]
        ),
        rows(&[&["two"]])
    );
    // IN and BETWEEN take the same conversion.
    assert_eq!(
        query(
            &mut c,
            "select s from t where vb in (?, ?) order by ts",
            vec![vb(b"nope"), vb(&[0, 0xff])]
        ),
        rows(&[&["two"]])
    );
    // The literal forms: plain text is its bytes, '\x…' is hex.
    assert_eq!(
        select(&mut c, "select s from t where vb = 'varbinary1'"),
        rows(&[&["one"]])
    );
    assert_eq!(
        select(&mut c, "select s from t where vb = '\\x00FF'"),
        rows(&[&["two"]])
    );
    // A VARCHAR column keeps comparing text: '\x00ff' is not hex there.
    assert!(select(&mut c, "select s from t where s = '\\x6f6e65'").is_empty());
    srv.stop();
}
