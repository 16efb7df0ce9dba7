//! Qualified star (`t.*`, `tb.*`) and the JSON tag operators `->` and CONTAINS, through SQL
//! on the engine and once over a socket (what a client decodes from the raw block).

mod sqlutil;
use sqlutil::{code, col, exec, names, rows};

mod netutil;

use netutil::{fetch_raw_block, parse_raw_reply, Client};
use taos_devserver::engine::{Engine, Session, Value};
use taos_wire::block::RawBlock;
use taos_wire::error::codes;
use taos_wire::types::*;

fn json(s: &str) -> Value {
    Value::Json(s.as_bytes().to_vec())
}

fn bytes(s: &str) -> Value {
    Value::Bytes(s.as_bytes().to_vec())
}

/// Database `j`: normal table `tb`, super table `st` with a JSON tag and three children.
fn setup() -> (Engine, Session) {
    let e = Engine::new();
    let mut s = Session::default();
    for sql in [
        "create database j precision 'ms'",
        "use j",
        "create table tb (ts timestamp, v int, s varchar(8))",
        "insert into tb values (1700000000000, 1, 'a') (1700000000001, 2, 'b')",
        "create stable st (ts timestamp, v int) tags (info json)",
        r#"insert into c1 using st tags('{"k":"v","n":1,"b":true}') values (1700000000000, 10)"#,
        r#"insert into c2 using st tags('{"k":"w","n":2.5,"z":null}') values (1700000000001, 20)"#,
        "insert into c3 using st tags(null) values (1700000000002, 30)",
    ] {
        exec(&e, &mut s, sql);
    }
    (e, s)
}

#[test]
fn qualified_star_is_the_tables_columns() {
    let (e, mut s) = setup();
    let r = rows(&e, &mut s, "select t.* from tb t order by ts");
    assert_eq!(names(&r), ["ts", "v", "s"]);
    assert_eq!(col(&r, 1), [Value::Int(1), Value::Int(2)]);
    assert_eq!(col(&r, 2), [bytes("a"), bytes("b")]);
    // Unaliased: the table name qualifies, also with a database prefix in FROM.
    let r = rows(&e, &mut s, "select tbname, tb.* from j.tb where v >= 2");
    assert_eq!(names(&r), ["tbname", "ts", "v", "s"]);
    assert_eq!(col(&r, 0), [bytes("tb")]);
    assert_eq!(col(&r, 2), [Value::Int(2)]);
    // On a super table `st.*` includes the tags, like `*`.
    let r = rows(&e, &mut s, "select tbname, st.* from st where v = 10");
    assert_eq!(names(&r), ["tbname", "ts", "v", "info"]);
    assert_eq!(r.fields()[3].ty, TSDB_DATA_TYPE_JSON);
    assert_eq!(col(&r, 3), [json(r#"{"b":true,"k":"v","n":1}"#)]);
    // Mixed with other items, twice.
    let r = rows(&e, &mut s, "select x.*, v, x.* from tb as x limit 1");
    assert_eq!(names(&r), ["ts", "v", "s", "v", "ts", "v", "s"]);
}

#[test]
fn qualified_star_errors() {
    let (e, mut s) = setup();
    let not_exist = codes::TSDB_CODE_PAR_TABLE_NOT_EXIST;
    // Unknown qualifier; with an alias the table name no longer qualifies (TDengine).
    assert_eq!(code(&e, &mut s, "select q.* from tb"), not_exist);
    assert_eq!(code(&e, &mut s, "select tb.* from tb t"), not_exist);
    assert_eq!(code(&e, &mut s, "select t.* "), not_exist);
    // `.*` only as a whole select item.
    assert_eq!(
        code(&e, &mut s, "select count(t.*) from tb t"),
        codes::TSDB_CODE_PAR_SYNTAX_ERROR
    );
}

#[test]
fn json_arrow_in_the_select_list() {
    let (e, mut s) = setup();
    let r = rows(
        &e,
        &mut s,
        "select info->'k', info->'n', info->'b', info->'z', info->'missing' from st order by v",
    );
    assert_eq!(
        names(&r),
        [
            "info->'k'",
            "info->'n'",
            "info->'b'",
            "info->'z'",
            "info->'missing'"
        ]
    );
    for f in r.fields() {
        assert_eq!((f.ty, f.bytes), (TSDB_DATA_TYPE_JSON, 4095), "{}", f.name);
    }
    // Strings keep their quotes, numbers print with 9 decimals (TDengine's client text).
    assert_eq!(col(&r, 0), [json(r#""v""#), json(r#""w""#), Value::Null]);
    assert_eq!(
        col(&r, 1),
        [json("1.000000000"), json("2.500000000"), Value::Null]
    );
    assert_eq!(col(&r, 2), [json("true"), Value::Null, Value::Null]);
    assert_eq!(col(&r, 3), [Value::Null, json("null"), Value::Null]);
    assert_eq!(col(&r, 4), [Value::Null, Value::Null, Value::Null]);
    // Aliased, and with a qualified column.
    let r = rows(&e, &mut s, "select a.info->'k' as k from st a where v = 20");
    assert_eq!(names(&r), ["k"]);
    assert_eq!(col(&r, 0), [json(r#""w""#)]);
}

#[test]
fn json_arrow_and_contains_in_where() {
    let (e, mut s) = setup();
    let vs = |e: &Engine, s: &mut Session, cond: &str| -> Vec<Value> {
        col(
            &rows(e, s, &format!("select v from st where {cond} order by v")),
            0,
        )
    };
    assert_eq!(vs(&e, &mut s, "info->'k' = 'v'"), [Value::Int(10)]);
    assert_eq!(vs(&e, &mut s, "info->'k' != 'v'"), [Value::Int(20)]);
    assert_eq!(vs(&e, &mut s, "info->'n' = 1"), [Value::Int(10)]);
    assert_eq!(vs(&e, &mut s, "info->'n' > 2"), [Value::Int(20)]);
    assert_eq!(vs(&e, &mut s, "info->'k' = 1"), Vec::<Value>::new());
    assert_eq!(vs(&e, &mut s, "info->'b' = true"), [Value::Int(10)]);
    assert_eq!(
        vs(&e, &mut s, "info->'missing' is null"),
        [Value::Int(10), Value::Int(20), Value::Int(30)]
    );
    assert_eq!(vs(&e, &mut s, "info->'k' like 'w%'"), [Value::Int(20)]);
    assert_eq!(vs(&e, &mut s, "info contains 'z'"), [Value::Int(20)]);
    assert_eq!(
        vs(&e, &mut s, "info contains 'k'"),
        [Value::Int(10), Value::Int(20)]
    );
    assert_eq!(vs(&e, &mut s, "not info contains 'k'"), [Value::Int(30)]);
    assert_eq!(
        vs(&e, &mut s, "info contains 'k' and info->'n' < 2"),
        [Value::Int(10)]
    );
    // Aggregates over a JSON filter.
    let r = rows(
        &e,
        &mut s,
        "select count(*), sum(v) from st where info contains 'n'",
    );
    assert_eq!(
        (r.value(0, 0), r.value(0, 1)),
        (Value::Int(2), Value::Int(30))
    );
}

#[test]
fn json_operator_errors() {
    let (e, mut s) = setup();
    let wrong = codes::TSDB_CODE_PAR_WRONG_VALUE_TYPE;
    assert_eq!(code(&e, &mut s, "select v->'k' from st"), wrong);
    assert_eq!(
        code(&e, &mut s, "select v from tb where s contains 'a'"),
        wrong
    );
    assert_eq!(
        code(&e, &mut s, "select info->k from st"),
        codes::TSDB_CODE_PAR_SYNTAX_ERROR
    );
    assert_eq!(
        code(&e, &mut s, "select v from st where info contains 1"),
        codes::TSDB_CODE_PAR_SYNTAX_ERROR
    );
    assert_eq!(
        code(&e, &mut s, "select nope->'k' from st"),
        codes::TSDB_CODE_PAR_INVALID_COLUMN
    );
}

#[test]
fn json_arrow_over_the_socket() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    c.exec("create database if not exists jw");
    c.exec("create stable jw.st (ts timestamp, v int) tags (info json)");
    c.exec(r#"insert into jw.c1 using jw.st tags('{"a":1,"b":"xx"}') values (1700000000000, 1)"#);
    let q = c.ask(r#"{"action":"query","args":{"req_id":2,"sql":"select info->'b', c1.* from jw.c1 c1 where info->'a' = 1"}}"#);
    let q: serde_json::Value = serde_json::from_str(&q).unwrap();
    assert_eq!(q["code"], 0, "{q}");
    assert_eq!(
        q["fields_names"],
        serde_json::json!(["info->'b'", "ts", "v"])
    );
    assert_eq!(
        q["fields_types"],
        serde_json::json!([
            TSDB_DATA_TYPE_JSON,
            TSDB_DATA_TYPE_TIMESTAMP,
            TSDB_DATA_TYPE_INT
        ])
    );
    let id = q["id"].as_u64().unwrap();
    c.binary(fetch_raw_block(3, id));
    let r = parse_raw_reply(&c.recv_bin());
    assert_eq!(r.code, 0, "{}", r.message);
    let b = RawBlock::parse(&r.block).unwrap();
    assert_eq!(b.rows(), 1);
    assert_eq!(b.var_cell(0, 0).unwrap(), br#""xx""#);
    srv.stop();
}
