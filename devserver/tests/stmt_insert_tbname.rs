//! `INSERT INTO ? VALUES (...)` without `USING <stable>` over a real socket, stmt2 and stmt v1:
//! the schema comes from the table named at bind / `set_table_name` time (a normal table or a
//! child table), as TDengine does; before a name is known the fields cannot be described
//! (`0x022B Stmt table name not set`), and an unknown table is `0x2603`.

mod netutil;
mod stmt_common;

use std::borrow::Cow;

use netutil::Client;
use stmt_common::{rows, select};
use taos_wire::stmt2::{encode_stmt2_bind, encode_stmt2_bind_exec, Stmt2Bind, Stmt2Field};
use taos_wire::types::*;

fn ask(c: &mut Client, action: &str, args: serde_json::Value) -> serde_json::Value {
    let msg = serde_json::json!({"action": action, "args": args});
    c.text(&msg.to_string());
    c.recv_json()
}

fn setup(c: &mut Client) {
    c.exec("create database if not exists tn");
    c.exec("use tn");
    c.exec("create table if not exists n (ts timestamp, v int, s varchar(8))");
    c.exec("create stable if not exists st (ts timestamp, v int, s varchar(8)) tags (g int)");
    c.exec("create table if not exists d1 using st tags (7)");
}

fn ts(vals: &[i64]) -> Stmt2Field<'static> {
    let v: Vec<[u8; 8]> = vals.iter().map(|x| x.to_le_bytes()).collect();
    let r: Vec<Option<&[u8]>> = v.iter().map(|a| Some(&a[..])).collect();
    Stmt2Field::fixed(TSDB_DATA_TYPE_TIMESTAMP as i32, 8, &r).unwrap()
}

fn int(vals: &[Option<i32>]) -> Stmt2Field<'static> {
    let v: Vec<Option<[u8; 4]>> = vals.iter().map(|x| x.map(i32::to_le_bytes)).collect();
    let r: Vec<Option<&[u8]>> = v.iter().map(|x| x.as_ref().map(|a| &a[..])).collect();
    Stmt2Field::fixed(TSDB_DATA_TYPE_INT as i32, 4, &r).unwrap()
}

fn text(vals: &[Option<&str>]) -> Stmt2Field<'static> {
    let v: Vec<Option<&[u8]>> = vals.iter().map(|x| x.map(str::as_bytes)).collect();
    Stmt2Field::var(TSDB_DATA_TYPE_VARCHAR as i32, &v)
}

fn stmt2(c: &mut Client, req_id: u64) -> u64 {
    let r = ask(c, "stmt2_init", serde_json::json!({"req_id": req_id}));
    assert_eq!(r["code"], 0, "{r}");
    r["stmt_id"].as_u64().unwrap()
}

fn prepare2(c: &mut Client, id: u64, sql: &str, get_fields: bool) -> serde_json::Value {
    ask(
        c,
        "stmt2_prepare",
        serde_json::json!({"req_id": 2, "stmt_id": id, "sql": sql, "get_fields": get_fields}),
    )
}

fn bind2(c: &mut Client, id: u64, bind: &Stmt2Bind<'_>) -> serde_json::Value {
    c.binary(encode_stmt2_bind(3, id, -1, bind).unwrap());
    c.recv_json()
}

fn exec2(c: &mut Client, id: u64) -> serde_json::Value {
    ask(
        c,
        "stmt2_exec",
        serde_json::json!({"req_id": 4, "stmt_id": id}),
    )
}

fn one_table(name: &'static str, cols: Vec<Stmt2Field<'static>>) -> Stmt2Bind<'static> {
    Stmt2Bind {
        table_names: vec![Cow::Borrowed(name.as_bytes())],
        tags: vec![],
        cols: vec![cols],
    }
}

#[test]
fn stmt2_prepare_cannot_describe_until_a_table_is_bound() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    setup(&mut c);
    let id = stmt2(&mut c, 1);
    let r = prepare2(&mut c, id, "insert into ? values (?, ?, ?)", true);
    assert_eq!(
        (
            r["code"].as_i64(),
            r["message"].as_str(),
            r["stmt_id"].as_u64()
        ),
        (Some(0x22b), Some("Stmt table name not set"), Some(id)),
        "{r}"
    );
    // As on taosAdapter the SQL stays prepared: a bind naming the table and exec work.
    let r = bind2(
        &mut c,
        id,
        &one_table(
            "n",
            vec![
                ts(&[1_700_000_000_000, 1_700_000_000_001]),
                int(&[Some(5), None]),
                text(&[Some("x"), Some("yz")]),
            ],
        ),
    );
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(exec2(&mut c, id)["affected"], 2);
    assert_eq!(
        select(&mut c, "select * from n order by ts"),
        rows(&[
            &["1700000000000", "5", "x"],
            &["1700000000001", "NULL", "yz"]
        ])
    );
    // With get_fields false the prepare itself succeeds, without fields.
    let r = prepare2(&mut c, id, "insert into ? values (?, ?, ?)", false);
    assert_eq!(
        (r["code"].as_i64(), r["is_insert"].as_bool()),
        (Some(0), Some(true)),
        "{r}"
    );
    assert_eq!(
        (r["fields"].is_null(), r["fields_count"].as_i64()),
        (true, Some(0))
    );
    srv.stop();
}

#[test]
fn stmt2_child_table_and_several_tables_in_one_bind() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    setup(&mut c);
    let id = stmt2(&mut c, 1);
    prepare2(&mut c, id, "insert into ? values (?, ?, ?)", false);
    // A child table (no tags bound: the table exists) and a normal table in one frame, the
    // second with the database written in the name.
    let bind = Stmt2Bind {
        table_names: vec![Cow::Borrowed(b"d1"), Cow::Borrowed(b"tn.n")],
        tags: vec![],
        cols: vec![
            vec![
                ts(&[1_700_000_000_010]),
                int(&[Some(1)]),
                text(&[Some("c")]),
            ],
            vec![ts(&[1_700_000_000_020]), int(&[Some(2)]), text(&[None])],
        ],
    };
    assert_eq!(bind2(&mut c, id, &bind)["code"], 0);
    assert_eq!(exec2(&mut c, id)["affected"], 2);
    assert_eq!(
        select(&mut c, "select tbname, v, s, g from st"),
        rows(&[&["d1", "1", "c", "7"]])
    );
    assert_eq!(
        select(&mut c, "select v, s from n"),
        rows(&[&["2", "NULL"]])
    );
    // The columnar stmt2_bind_exec path: tbname column then the columns.
    let fields = vec![
        text(&[Some("d1"), Some("d1"), Some("n")]),
        ts(&[1_700_000_000_030, 1_700_000_000_031, 1_700_000_000_032]),
        int(&[Some(3), Some(4), Some(5)]),
        text(&[Some("p"), Some("q"), Some("r")]),
    ];
    c.binary(encode_stmt2_bind_exec(5, id, 2, &fields).unwrap());
    let r = c.recv_json();
    assert_eq!(r["affected"], 3, "{r}");
    assert_eq!(
        select(&mut c, "select v from d1 order by ts"),
        rows(&[&["1"], &["3"], &["4"]])
    );
    srv.stop();
}

#[test]
fn stmt2_column_list_name_only_binds_and_errors() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    setup(&mut c);
    let id = stmt2(&mut c, 1);
    // A column list: unlisted columns are NULL.
    prepare2(&mut c, id, "insert into ? (ts, s) values (?, ?)", false);
    let r = bind2(
        &mut c,
        id,
        &one_table("n", vec![ts(&[1_700_000_000_100]), text(&[Some("only")])]),
    );
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(exec2(&mut c, id)["affected"], 1);
    assert_eq!(
        select(&mut c, "select v, s from n where ts = 1700000000100"),
        rows(&[&["NULL", "only"]])
    );
    // Naming the table without any column binds nothing (TDengine skips NULL bind_cols).
    prepare2(&mut c, id, "insert into ? values (?, ?, ?)", false);
    let r = bind2(&mut c, id, &one_table("n", vec![]));
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(exec2(&mut c, id)["affected"], 0);
    // With USING: a name and tags without columns creates the child table, no rows.
    prepare2(
        &mut c,
        id,
        "insert into ? using st tags (?) values (?, ?, ?)",
        true,
    );
    let r = bind2(
        &mut c,
        id,
        &Stmt2Bind {
            table_names: vec![Cow::Borrowed(b"d9")],
            tags: vec![vec![int(&[Some(9)])]],
            cols: vec![],
        },
    );
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(exec2(&mut c, id)["affected"], 0);
    assert_eq!(
        select(&mut c, "select tbname, g from st where tbname = 'd9'"),
        Vec::<Vec<String>>::new()
    );
    assert_eq!(
        select(
            &mut c,
            "select count(*) from information_schema.ins_tables where table_name = 'd9'"
        ),
        rows(&[&["1"]])
    );
    // Unknown table, wrong column count, wrong buffer type.
    prepare2(&mut c, id, "insert into ? values (?, ?, ?)", false);
    let r = bind2(&mut c, id, &one_table("missing", vec![ts(&[1])]));
    assert_eq!(r["code"], 0x2603, "{r}");
    assert!(r["message"].as_str().unwrap().contains("missing"), "{r}");
    let r = bind2(&mut c, id, &one_table("n", vec![ts(&[1]), int(&[Some(1)])]));
    assert_eq!(r["code"], 0xffff, "{r}");
    let r = bind2(
        &mut c,
        id,
        &one_table("n", vec![ts(&[1]), text(&[Some("1")]), text(&[Some("a")])]),
    );
    assert_eq!(r["code"], 0x200, "{r}");
    // A name is required.
    let r = bind2(
        &mut c,
        id,
        &Stmt2Bind {
            table_names: vec![],
            tags: vec![],
            cols: vec![vec![ts(&[1]), int(&[Some(1)]), text(&[None])]],
        },
    );
    assert_eq!(r["code"], 0x22b, "{r}");
    srv.stop();
}

#[test]
fn stmt_v1_set_table_name_resolves_the_schema() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    setup(&mut c);
    let r = ask(&mut c, "init", serde_json::json!({"req_id": 1}));
    let id = r["stmt_id"].as_u64().unwrap();
    let r = ask(
        &mut c,
        "prepare",
        serde_json::json!({"req_id":2,"stmt_id":id,"sql":"insert into ? values (?, ?, ?)"}),
    );
    assert_eq!(
        (r["code"].as_i64(), r["is_insert"].as_bool()),
        (Some(0), Some(true))
    );
    // Before a name: the columns cannot be described.
    let r = ask(
        &mut c,
        "get_col_fields",
        serde_json::json!({"req_id":3,"stmt_id":id}),
    );
    assert_eq!(r["code"], 0x22b, "{r}");
    // Unknown table: TDengine's code, and the statement keeps no name.
    let r = ask(
        &mut c,
        "set_table_name",
        serde_json::json!({"req_id":4,"stmt_id":id,"name":"nope"}),
    );
    assert_eq!(r["code"], 0x2603, "{r}");
    // A child table: its columns (no tags for INSERT INTO ? VALUES).
    let r = ask(
        &mut c,
        "set_table_name",
        serde_json::json!({"req_id":5,"stmt_id":id,"name":"d1"}),
    );
    assert_eq!(r["code"], 0, "{r}");
    let r = ask(
        &mut c,
        "get_col_fields",
        serde_json::json!({"req_id":6,"stmt_id":id}),
    );
    let f = &r["fields"];
    assert_eq!(
        (
            f[0]["name"].as_str(),
            f[1]["name"].as_str(),
            f[2]["name"].as_str()
        ),
        (Some("ts"), Some("v"), Some("s")),
        "{r}"
    );
    assert_eq!(
        (f[1]["field_type"].as_i64(), f[2]["bytes"].as_i64()),
        (Some(4), Some(10))
    );
    let r = ask(
        &mut c,
        "get_tag_fields",
        serde_json::json!({"req_id":7,"stmt_id":id}),
    );
    assert!(r["fields"].is_null(), "{r}");
    let r = ask(
        &mut c,
        "bind",
        serde_json::json!({"req_id":8,"stmt_id":id,"columns":[[1700000000500i64],[42],["v1"]]}),
    );
    assert_eq!(r["code"], 0, "{r}");
    ask(
        &mut c,
        "add_batch",
        serde_json::json!({"req_id":9,"stmt_id":id}),
    );
    // Then a normal table in the same exec.
    ask(
        &mut c,
        "set_table_name",
        serde_json::json!({"req_id":10,"stmt_id":id,"name":"n"}),
    );
    ask(
        &mut c,
        "bind",
        serde_json::json!({"req_id":11,"stmt_id":id,"columns":[[1700000000600i64],[43],[null]]}),
    );
    ask(
        &mut c,
        "add_batch",
        serde_json::json!({"req_id":12,"stmt_id":id}),
    );
    let r = ask(
        &mut c,
        "exec",
        serde_json::json!({"req_id":13,"stmt_id":id}),
    );
    assert_eq!(r["affected"], 2, "{r}");
    assert_eq!(
        select(&mut c, "select v, s, g from st"),
        rows(&[&["42", "v1", "7"]])
    );
    assert_eq!(
        select(&mut c, "select v, s from n"),
        rows(&[&["43", "NULL"]])
    );
    srv.stop();
}
