//! Stmt v1 over a real socket: JSON and binary binds into auto-created child tables and normal
//! tables, field queries, a query with parameters read back with `fetch_raw_block`, and the
//! error replies of §1.5.3 / §1.7.

mod netutil;
mod stmt_common;

use netutil::Client;
use stmt_common::{read_result, rows, select};
use taos_wire::block::{BlockBuilder, BlockOptions, ColumnSchema};
use taos_wire::stmt::{encode_bind, encode_set_tags};
use taos_wire::types::*;

fn ask_json(c: &mut Client, action: &str, args: serde_json::Value) -> serde_json::Value {
    let msg = serde_json::json!({"action": action, "args": args});
    c.text(&msg.to_string());
    c.recv_json()
}

fn init(c: &mut Client) -> u64 {
    let r = ask_json(c, "init", serde_json::json!({"req_id": 1}));
    assert_eq!(r["code"], 0, "{r}");
    r["stmt_id"].as_u64().unwrap()
}

fn setup(c: &mut Client) {
    c.exec("create database if not exists v1");
    c.exec("use v1");
    c.exec("create stable if not exists stb (ts timestamp, v int, s nchar(10)) tags (gid int, loc nchar(8))");
    c.exec("create table if not exists t (ts timestamp, v int, s nchar(10))");
}

/// The 99-byte block of §1.5.2.
fn worked_block() -> Vec<u8> {
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
    b.finish_into_with(&mut block, 2, &BlockOptions::STMT);
    block
}

#[test]
fn json_insert_with_tags_and_fields() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    setup(&mut c);
    let id = init(&mut c);
    assert_eq!(id, 1);
    let sql = "INSERT INTO ? USING stb TAGS (?, ?) VALUES (?, ?, ?)";
    let msg = serde_json::json!({"action":"prepare","args":{"req_id":2,"stmt_id":id,"sql":sql}});
    assert_eq!(
        c.ask(&msg.to_string()),
        r#"{"code":0,"message":"","action":"prepare","req_id":2,"timing":0,"stmt_id":1,"is_insert":true}"#
    );
    assert_eq!(
        c.ask(r#"{"action":"set_table_name","args":{"req_id":2,"stmt_id":1,"name":"d1"}}"#),
        r#"{"code":0,"message":"","action":"set_table_name","req_id":2,"timing":0,"stmt_id":1}"#
    );
    assert_eq!(
        c.ask(r#"{"action":"get_tag_fields","args":{"req_id":3,"stmt_id":1}}"#),
        r#"{"code":0,"message":"","action":"get_tag_fields","req_id":3,"timing":0,"stmt_id":1,"fields":[{"name":"gid","field_type":4,"precision":0,"scale":0,"bytes":4},{"name":"loc","field_type":10,"precision":0,"scale":0,"bytes":34}]}"#
    );
    let cols: serde_json::Value = serde_json::from_str(
        &c.ask(r#"{"action":"get_col_fields","args":{"req_id":4,"stmt_id":1}}"#),
    )
    .unwrap();
    assert_eq!(cols["fields"][2]["name"], "s");
    assert_eq!(cols["fields"][2]["bytes"], 42);
    let n = c.ask(r#"{"action":"stmt_num_params","args":{"req_id":5,"stmt_id":1}}"#);
    assert!(n.ends_with(r#""stmt_id":1,"num_params":3}"#), "{n}");
    let p = c.ask(r#"{"action":"stmt_get_param","args":{"req_id":6,"stmt_id":1,"index":1}}"#);
    assert!(
        p.ends_with(r#""stmt_id":1,"index":1,"data_type":4,"length":4}"#),
        "{p}"
    );
    assert!(c
        .ask(r#"{"action":"set_tags","args":{"req_id":3,"stmt_id":1,"tags":[1,"bj"]}}"#)
        .contains(r#""code":0"#));
    assert_eq!(
        c.ask(r#"{"action":"bind","args":{"req_id":4,"stmt_id":1,"columns":[[1700000000000,"2023-11-14T22:13:20.001Z"],[7,null],["ab",null]]}}"#),
        r#"{"code":0,"message":"","action":"bind","req_id":4,"timing":0,"stmt_id":1}"#
    );
    assert!(c
        .ask(r#"{"action":"add_batch","args":{"req_id":5,"stmt_id":1}}"#)
        .contains(r#""code":0"#));
    // A second table in the same batch via the binary set_tags.
    c.ask(r#"{"action":"set_table_name","args":{"req_id":2,"stmt_id":1,"name":"d2"}}"#);
    let mut tb = BlockBuilder::new(vec![
        ColumnSchema::new(TSDB_DATA_TYPE_INT, 4),
        ColumnSchema::new(TSDB_DATA_TYPE_NCHAR, 0),
    ]);
    tb.push_i32(0, 2);
    tb.push_nchar(1, "sh");
    let mut block = Vec::new();
    tb.finish_into_with(&mut block, 1, &BlockOptions::STMT);
    c.binary(encode_set_tags(7, 1, &block));
    assert_eq!(
        c.recv_text(),
        r#"{"code":0,"message":"","action":"set_tags","req_id":7,"timing":0,"stmt_id":1}"#
    );
    c.binary(encode_bind(8, 1, &worked_block()));
    assert!(c.recv_text().contains(r#""code":0"#));
    c.ask(r#"{"action":"add_batch","args":{"req_id":9,"stmt_id":1}}"#);
    assert_eq!(
        c.ask(r#"{"action":"exec","args":{"req_id":6,"stmt_id":1}}"#),
        r#"{"code":0,"message":"","action":"exec","req_id":6,"timing":0,"stmt_id":1,"affected":4}"#
    );
    assert_eq!(
        select(
            &mut c,
            "select tbname, ts, v, s, gid, loc from stb order by tbname, ts"
        ),
        rows(&[
            &["d1", "1700000000000", "7", "ab", "1", "bj"],
            &["d1", "1700000000001", "NULL", "NULL", "1", "bj"],
            &["d2", "1700000000000", "7", "ab", "2", "sh"],
            &["d2", "1700000000001", "NULL", "NULL", "2", "sh"],
        ])
    );
    // close: no reply; the next request's reply comes first.
    c.text(r#"{"action":"close","args":{"req_id":10,"stmt_id":1}}"#);
    let r = c.ask(r#"{"action":"exec","args":{"req_id":11,"stmt_id":1}}"#);
    assert_eq!(
        r,
        r#"{"code":65535,"message":"stmt is nil","action":"exec","req_id":11,"timing":0,"stmt_id":1}"#
    );
    srv.stop();
}

#[test]
fn binary_bind_into_a_normal_table() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    setup(&mut c);
    let id = init(&mut c);
    let r = ask_json(
        &mut c,
        "prepare",
        serde_json::json!({"req_id":2,"stmt_id":id,"sql":"INSERT INTO ? VALUES (?, ?, ?)"}),
    );
    assert_eq!(r["is_insert"], true);
    // Bind before the table name is known.
    c.binary(encode_bind(14, id, &worked_block()));
    assert_eq!(c.recv_json()["code"], 0x22b);
    ask_json(
        &mut c,
        "set_table_name",
        serde_json::json!({"req_id":3,"stmt_id":id,"name":"v1.t"}),
    );
    c.binary(encode_bind(15, id, &worked_block()));
    assert_eq!(
        c.recv_text(),
        r#"{"code":0,"message":"","action":"bind","req_id":15,"timing":0,"stmt_id":1}"#
    );
    ask_json(
        &mut c,
        "add_batch",
        serde_json::json!({"req_id":4,"stmt_id":id}),
    );
    let r = ask_json(&mut c, "exec", serde_json::json!({"req_id":5,"stmt_id":id}));
    assert_eq!(r["affected"], 2, "{r}");
    assert_eq!(
        select(&mut c, "select * from t order by ts"),
        rows(&[
            &["1700000000000", "7", "ab"],
            &["1700000000001", "NULL", "NULL"]
        ])
    );
    srv.stop();
}

#[test]
fn query_with_parameters() {
    let srv = netutil::start(1);
    let mut c = Client::connected(srv.addr());
    setup(&mut c);
    c.exec("insert into t values (1700000000000, 1, 'a') (1700000000001, 5, 'b') (1700000000002, 9, 'c')");
    let id = init(&mut c);
    let r = ask_json(
        &mut c,
        "prepare",
        serde_json::json!({"req_id":2,"stmt_id":id,"sql":"select v, s from t where v > ? and s <> ? order by ts"}),
    );
    assert_eq!(r["is_insert"], false);
    let n = ask_json(
        &mut c,
        "stmt_num_params",
        serde_json::json!({"req_id":3,"stmt_id":id}),
    );
    assert_eq!(n["num_params"], 2);
    let r = ask_json(
        &mut c,
        "bind",
        serde_json::json!({"req_id":4,"stmt_id":id,"columns":[[2],["x"]]}),
    );
    assert_eq!(r["code"], 0, "{r}");
    let r = ask_json(&mut c, "exec", serde_json::json!({"req_id":5,"stmt_id":id}));
    assert_eq!(r["code"], 0, "{r}");
    let r = c.ask(&format!(
        r#"{{"action":"use_result","args":{{"req_id":6,"stmt_id":{id}}}}}"#
    ));
    assert_eq!(
        r,
        r#"{"code":0,"message":"","action":"use_result","req_id":6,"timing":0,"stmt_id":1,"result_id":1,"fields_count":2,"fields_names":["v","s"],"fields_types":[4,10],"fields_lengths":[4,10],"precision":0,"fields_precisions":[0,0],"fields_scales":[0,0]}"#
    );
    assert_eq!(read_result(&mut c, 1), rows(&[&["5", "b"], &["9", "c"]]));
    // Binary query parameters: block types are trusted; TIMESTAMP is refused.
    let mut b = BlockBuilder::new(vec![
        ColumnSchema::new(TSDB_DATA_TYPE_BIGINT, 8),
        ColumnSchema::new(TSDB_DATA_TYPE_VARCHAR, 0),
    ]);
    b.push_i64(0, 4);
    b.push_var(1, b"c");
    let mut block = Vec::new();
    b.finish_into_with(&mut block, 1, &BlockOptions::STMT);
    c.binary(encode_bind(7, id, &block));
    assert!(c.recv_text().contains(r#""code":0"#));
    ask_json(&mut c, "exec", serde_json::json!({"req_id":8,"stmt_id":id}));
    let r = ask_json(
        &mut c,
        "use_result",
        serde_json::json!({"req_id":9,"stmt_id":id}),
    );
    assert_eq!(r["result_id"], 2);
    assert_eq!(read_result(&mut c, 2), rows(&[&["5", "b"]]));
    let mut b = BlockBuilder::new(vec![
        ColumnSchema::new(TSDB_DATA_TYPE_TIMESTAMP, 8),
        ColumnSchema::new(TSDB_DATA_TYPE_VARCHAR, 0),
    ]);
    b.push_timestamp(0, 4);
    b.push_var(1, b"c");
    let mut block = Vec::new();
    b.finish_into_with(&mut block, 1, &BlockOptions::STMT);
    c.binary(encode_bind(10, id, &block));
    assert_eq!(
        c.recv_text(),
        r#"{"code":65535,"message":"parse row block info error, err:unsupported data type 9","action":"bind","req_id":10,"timing":0,"stmt_id":1}"#
    );
    srv.stop();
}

#[test]
fn error_cases() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    setup(&mut c);
    let id = init(&mut c);
    let ask = |c: &mut Client, action: &str, extra: serde_json::Value| {
        let mut args = serde_json::json!({"req_id": 50, "stmt_id": id});
        if let (Some(a), Some(e)) = (args.as_object_mut(), extra.as_object()) {
            a.extend(e.clone());
        }
        ask_json(c, action, args)
    };
    // Before prepare.
    let r = ask(&mut c, "bind", serde_json::json!({"columns":[[1]]}));
    assert_eq!(
        (r["code"].as_i64(), r["stmt_id"].as_u64()),
        (Some(0x22a), Some(id))
    );
    // Unknown id.
    let r = ask_json(
        &mut c,
        "prepare",
        serde_json::json!({"req_id":2,"stmt_id":77,"sql":"select 1"}),
    );
    assert_eq!(r["message"], "stmt is nil");
    assert_eq!(r["stmt_id"], 77);
    ask(
        &mut c,
        "prepare",
        serde_json::json!({"sql":"INSERT INTO ? USING stb TAGS (?, ?) VALUES (?, ?, ?)"}),
    );
    // Exec with nothing bound.
    assert_eq!(ask(&mut c, "exec", serde_json::json!({}))["code"], 0x22a);
    ask(&mut c, "set_table_name", serde_json::json!({"name":"e1"}));
    // Tags: wrong count, wrong type.
    let r = ask(&mut c, "set_tags", serde_json::json!({"tags":[1]}));
    assert_eq!(r["message"], "stmt tags count not match");
    let r = ask(&mut c, "set_tags", serde_json::json!({"tags":["x","y"]}));
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .starts_with("stmt parse tag json:"),
        "{r}"
    );
    // Columns: wrong count, wrong row length, wrong JSON type.
    let r = ask(&mut c, "bind", serde_json::json!({"columns":[[1],[2]]}));
    assert_eq!(r["message"], "stmt column count not match");
    let r = ask(
        &mut c,
        "bind",
        serde_json::json!({"columns":[[1,2],[2],["a","b"]]}),
    );
    assert_eq!(r["code"], 65535);
    assert!(
        r["message"].as_str().unwrap().contains("wrong row length"),
        "{r}"
    );
    let r = ask(
        &mut c,
        "bind",
        serde_json::json!({"columns":[[1,2],[2,3],["a","b"]]}),
    );
    assert_eq!(r["code"], 0, "{r}");
    let r = ask(
        &mut c,
        "bind",
        serde_json::json!({"columns":[[1],["no"],["a"]]}),
    );
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .starts_with("stmt parse column json:"),
        "{r}"
    );
    // Binary: set_tags with 2 rows, wrong tag count, wrong column count.
    let mut b = BlockBuilder::new(vec![ColumnSchema::new(TSDB_DATA_TYPE_INT, 4)]);
    b.push_i32(0, 1);
    b.push_i32(0, 2);
    let mut two = Vec::new();
    b.finish_into_with(&mut two, 2, &BlockOptions::STMT);
    c.binary(encode_set_tags(60, id, &two));
    assert_eq!(c.recv_json()["message"], "rows not equal 1");
    let mut b = BlockBuilder::new(vec![ColumnSchema::new(TSDB_DATA_TYPE_INT, 4)]);
    b.push_i32(0, 1);
    let mut one = Vec::new();
    b.finish_into_with(&mut one, 1, &BlockOptions::STMT);
    c.binary(encode_set_tags(61, id, &one));
    assert_eq!(c.recv_json()["message"], "stmt tags count not match");
    c.binary(encode_bind(62, id, &one));
    assert_eq!(c.recv_json()["message"], "stmt column count not match");
    // Garbage block.
    c.binary(encode_bind(63, id, &[1, 0, 0, 0, 9]));
    assert_eq!(c.recv_json()["code"], 65535);
    // close of a stmt2 id is refused; of an unknown id is silent.
    let s2 = ask_json(&mut c, "stmt2_init", serde_json::json!({"req_id":70}));
    let s2 = s2["stmt_id"].as_u64().unwrap();
    let r = ask_json(
        &mut c,
        "close",
        serde_json::json!({"req_id":71,"stmt_id":s2}),
    );
    assert_eq!(
        r["message"].as_str().unwrap(),
        format!("stmtID:{s2}, isStmt2:false not match")
    );
    c.text(r#"{"action":"close","args":{"req_id":72,"stmt_id":999}}"#);
    let r = ask_json(
        &mut c,
        "stmt_num_params",
        serde_json::json!({"req_id":73,"stmt_id":s2}),
    );
    assert_eq!(r["message"], "stmt is nil");
    assert_eq!(r["req_id"], 73);
    // Nothing was written.
    assert!(select(&mut c, "select count(*) from stb")[0][0] == "0");
    srv.stop();
}
