//! Stmt2 over a real socket: prepare fields, multi-table insert with auto-created child
//! tables, every data type with NULLs, query parameters read back with `fetch_raw_block`,
//! `stmt2_bind_exec`, and the error replies of §2.3.6 / §2.7.

mod netutil;
mod stmt_common;

use std::borrow::Cow;

use netutil::Client;
use stmt_common::{read_result, rows, select};
use taos_wire::stmt2::{encode_stmt2_bind, encode_stmt2_bind_exec, Stmt2Bind, Stmt2Field};
use taos_wire::types::*;

fn fixed<const N: usize>(ty: u8, vals: &[Option<[u8; N]>]) -> Stmt2Field<'static> {
    let v: Vec<Option<&[u8]>> = vals.iter().map(|x| x.as_ref().map(|a| &a[..])).collect();
    Stmt2Field::fixed(ty as i32, N, &v).unwrap()
}

fn ts(vals: &[Option<i64>]) -> Stmt2Field<'static> {
    let v: Vec<Option<[u8; 8]>> = vals.iter().map(|x| x.map(i64::to_le_bytes)).collect();
    fixed(TSDB_DATA_TYPE_TIMESTAMP, &v)
}

fn int(vals: &[Option<i32>]) -> Stmt2Field<'static> {
    let v: Vec<Option<[u8; 4]>> = vals.iter().map(|x| x.map(i32::to_le_bytes)).collect();
    fixed(TSDB_DATA_TYPE_INT, &v)
}

fn var(ty: u8, vals: &[Option<&str>]) -> Stmt2Field<'static> {
    let v: Vec<Option<&[u8]>> = vals.iter().map(|x| x.map(str::as_bytes)).collect();
    Stmt2Field::var(ty as i32, &v)
}

fn setup(c: &mut Client) {
    c.exec("create database if not exists s2");
    c.exec("use s2");
    c.exec(
        "create stable if not exists meters (ts timestamp, name varchar(10)) tags (groupid int)",
    );
}

fn init(c: &mut Client, req_id: u64) -> u64 {
    let r = c.ask(&format!(
        r#"{{"action":"stmt2_init","args":{{"req_id":{req_id},"single_stb_insert":false,"single_table_bind_once":false}}}}"#
    ));
    let v: serde_json::Value = serde_json::from_str(&r).unwrap();
    assert_eq!(v["code"], 0, "{r}");
    v["stmt_id"].as_u64().unwrap()
}

fn prepare_text(c: &mut Client, req_id: u64, id: u64, sql: &str) -> String {
    let msg = serde_json::json!({"action":"stmt2_prepare","args":{"req_id":req_id,"stmt_id":id,"sql":sql,"get_fields":true}});
    c.text(&msg.to_string());
    c.recv_text()
}

fn prepare(c: &mut Client, req_id: u64, id: u64, sql: &str) -> serde_json::Value {
    serde_json::from_str(&prepare_text(c, req_id, id, sql)).unwrap()
}

fn exec(c: &mut Client, req_id: u64, id: u64) -> String {
    c.ask(&format!(
        r#"{{"action":"stmt2_exec","args":{{"req_id":{req_id},"stmt_id":{id}}}}}"#
    ))
}

fn worked_bind() -> Stmt2Bind<'static> {
    Stmt2Bind {
        table_names: vec![Cow::Borrowed(b"d1"), Cow::Borrowed(b"d2")],
        tags: vec![vec![int(&[Some(1)])], vec![int(&[Some(2)])]],
        cols: vec![
            vec![
                ts(&[Some(1_700_000_000_000), Some(1_700_000_000_001)]),
                var(TSDB_DATA_TYPE_VARCHAR, &[Some("a"), None]),
            ],
            vec![
                ts(&[Some(1_700_000_000_002), Some(1_700_000_000_003)]),
                var(TSDB_DATA_TYPE_VARCHAR, &[Some("bc"), Some("d")]),
            ],
        ],
    }
}

#[test]
fn worked_example_multi_table_insert() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    setup(&mut c);
    let id = init(&mut c, 2);
    assert_eq!(id, 1);
    let r = prepare_text(
        &mut c,
        3,
        id,
        "INSERT INTO ? USING meters TAGS (?) VALUES (?, ?)",
    );
    assert_eq!(
        r,
        r#"{"code":0,"message":"","action":"stmt2_prepare","req_id":3,"timing":0,"stmt_id":1,"is_insert":true,"fields":[{"name":"tbname","field_type":8,"precision":0,"scale":0,"bytes":271,"bind_type":4},{"name":"groupid","field_type":4,"precision":0,"scale":0,"bytes":4,"bind_type":2},{"name":"ts","field_type":9,"precision":0,"scale":0,"bytes":8,"bind_type":1},{"name":"name","field_type":8,"precision":0,"scale":0,"bytes":12,"bind_type":1}],"fields_count":4}"#
    );
    let frame = encode_stmt2_bind(16, id, -1, &worked_bind()).unwrap();
    assert_eq!(frame.len(), 256);
    c.binary(frame);
    assert_eq!(
        c.recv_text(),
        r#"{"code":0,"message":"","action":"stmt2_bind","req_id":16,"timing":0,"stmt_id":1}"#
    );
    assert_eq!(
        exec(&mut c, 17, id),
        r#"{"code":0,"message":"","action":"stmt2_exec","req_id":17,"timing":0,"stmt_id":1,"affected":4}"#
    );
    assert_eq!(
        select(
            &mut c,
            "select tbname, ts, name, groupid from meters order by ts"
        ),
        rows(&[
            &["d1", "1700000000000", "a", "1"],
            &["d1", "1700000000001", "NULL", "1"],
            &["d2", "1700000000002", "bc", "2"],
            &["d2", "1700000000003", "d", "2"],
        ])
    );
    // A second bind/exec on the same statement, two bind frames before one exec.
    for (req, t, v) in [(20, "d1", 10), (21, "d3", 11)] {
        let b = Stmt2Bind {
            table_names: vec![Cow::Owned(t.as_bytes().to_vec())],
            tags: vec![vec![int(&[Some(7)])]],
            cols: vec![vec![
                ts(&[Some(1_700_000_000_000 + v)]),
                var(TSDB_DATA_TYPE_VARCHAR, &[Some("x'\\y")]),
            ]],
        };
        c.binary(encode_stmt2_bind(req, id, -1, &b).unwrap());
        assert!(c.recv_text().contains(r#""code":0"#));
    }
    assert!(exec(&mut c, 22, id).contains(r#""affected":2"#));
    assert_eq!(
        select(
            &mut c,
            "select tbname, name, groupid from meters where ts >= 1700000000010 order by ts"
        ),
        rows(&[&["d1", "x'\\y", "1"], &["d3", "x'\\y", "7"]])
    );
    // stmt2_result on an insert.
    let r = c.ask(r#"{"action":"stmt2_result","args":{"req_id":23,"stmt_id":1}}"#);
    assert_eq!(
        r,
        r#"{"code":65535,"message":"stmt is insert, no result set","action":"stmt2_result","req_id":23,"timing":0,"stmt_id":1}"#
    );
    let r = c.ask(r#"{"action":"stmt2_close","args":{"req_id":24,"stmt_id":1}}"#);
    assert_eq!(
        r,
        r#"{"code":0,"message":"","action":"stmt2_close","req_id":24,"timing":0,"stmt_id":1}"#
    );
    srv.stop();
}

#[test]
fn every_type_with_nulls_into_a_normal_table() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    c.exec("create database if not exists ty precision 'us'");
    c.exec("use ty");
    c.exec(
        "create table t (ts timestamp, b bool, i8 tinyint, i16 smallint, i32 int, i64 bigint, \
         u8 tinyint unsigned, u16 smallint unsigned, u32 int unsigned, u64 bigint unsigned, \
         f float, d double, vc varchar(20), nc nchar(10), vb varbinary(10))",
    );
    let id = init(&mut c, 1);
    let r = prepare(
        &mut c,
        2,
        id,
        "insert into t values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    );
    assert_eq!(r["fields_count"], 15, "{r}");
    assert_eq!(r["fields"][0]["precision"], 1);
    assert_eq!(r["fields"][13]["bytes"], 42);
    let n = |x: Option<[u8; 1]>| x;
    let bind = Stmt2Bind {
        table_names: vec![],
        tags: vec![],
        cols: vec![vec![
            ts(&[Some(1_700_000_000_000_000), Some(1_700_000_000_000_001)]),
            fixed(TSDB_DATA_TYPE_BOOL, &[n(Some([1])), None]),
            fixed(TSDB_DATA_TYPE_TINYINT, &[Some((-8i8).to_le_bytes()), None]),
            fixed(
                TSDB_DATA_TYPE_SMALLINT,
                &[Some((-16i16).to_le_bytes()), None],
            ),
            int(&[Some(-32), None]),
            fixed(TSDB_DATA_TYPE_BIGINT, &[Some(i64::MIN.to_le_bytes()), None]),
            fixed(TSDB_DATA_TYPE_UTINYINT, &[Some(255u8.to_le_bytes()), None]),
            fixed(
                TSDB_DATA_TYPE_USMALLINT,
                &[Some(65535u16.to_le_bytes()), None],
            ),
            fixed(TSDB_DATA_TYPE_UINT, &[Some(u32::MAX.to_le_bytes()), None]),
            fixed(
                TSDB_DATA_TYPE_UBIGINT,
                &[Some(u64::MAX.to_le_bytes()), None],
            ),
            fixed(TSDB_DATA_TYPE_FLOAT, &[Some(1.5f32.to_le_bytes()), None]),
            fixed(
                TSDB_DATA_TYPE_DOUBLE,
                &[Some((-2.25f64).to_le_bytes()), None],
            ),
            var(TSDB_DATA_TYPE_VARCHAR, &[Some("it's"), None]),
            var(TSDB_DATA_TYPE_NCHAR, &[Some("中文ü"), None]),
            Stmt2Field::var(
                TSDB_DATA_TYPE_VARBINARY as i32,
                &[Some(&[0, 1, 0xfe][..]), None],
            ),
        ]],
    };
    c.binary(encode_stmt2_bind(3, id, -1, &bind).unwrap());
    assert!(c.recv_text().contains(r#""code":0"#));
    assert!(exec(&mut c, 4, id).contains(r#""affected":2"#));
    assert_eq!(
        select(&mut c, "select * from t order by ts"),
        rows(&[
            &[
                "1700000000000000",
                "true",
                "-8",
                "-16",
                "-32",
                "-9223372036854775808",
                "255",
                "65535",
                "4294967295",
                "18446744073709551615",
                "1.5",
                "-2.25",
                "it's",
                "中文ü",
                "0x0001fe"
            ],
            &[
                "1700000000000001",
                "NULL",
                "NULL",
                "NULL",
                "NULL",
                "NULL",
                "NULL",
                "NULL",
                "NULL",
                "NULL",
                "NULL",
                "NULL",
                "NULL",
                "NULL",
                "NULL"
            ],
        ])
    );
    // Value too long for varchar(20): the engine's error comes back from exec.
    let long = "x".repeat(21);
    let bind = Stmt2Bind {
        table_names: vec![],
        tags: vec![],
        cols: vec![std::iter::once(ts(&[Some(1_700_000_000_000_009)]))
            .chain((1..15).map(|i| {
                if i == 12 {
                    var(TSDB_DATA_TYPE_VARCHAR, &[Some(long.as_str())])
                } else {
                    let ty = r["fields"][i]["field_type"].as_i64().unwrap() as u8;
                    if is_var(ty) {
                        var(ty, &[None])
                    } else {
                        Stmt2Field::fixed(ty as i32, fixed_size(ty).unwrap(), &[None]).unwrap()
                    }
                }
            }))
            .collect()],
    };
    c.binary(encode_stmt2_bind(5, id, -1, &bind).unwrap());
    assert!(c.recv_text().contains(r#""code":0"#));
    let e: serde_json::Value = serde_json::from_str(&exec(&mut c, 6, id)).unwrap();
    assert_eq!(e["code"], 0x2653, "{e}");
    assert_eq!(e["stmt_id"], id);
    assert_eq!(select(&mut c, "select count(*) from t")[0][0], "2");
    srv.stop();
}

#[test]
fn query_with_parameters_and_fetch_raw_block() {
    let srv = netutil::start(2);
    let mut c = Client::connected(srv.addr());
    setup(&mut c);
    c.exec(
        "insert into q1 using meters tags (1) values (1700000000000, 'a') (1700000000001, 'b') (1700000000002, 'c') \
         q2 using meters tags (2) values (1700000000003, 'z')",
    );
    let id = init(&mut c, 1);
    let r = prepare(
        &mut c,
        2,
        id,
        "select ts, name from meters where groupid = ? and ts >= ? and name <> ? order by ts",
    );
    assert_eq!(r["is_insert"], false);
    assert_eq!(r["fields"], serde_json::Value::Null);
    assert_eq!(r["fields_count"], 3);
    // stmt2_result before exec.
    let r = c.ask(&format!(
        r#"{{"action":"stmt2_result","args":{{"req_id":3,"stmt_id":{id}}}}}"#
    ));
    assert!(
        r.contains(r#""code":65535,"message":"result is nil""#),
        "{r}"
    );
    let bind = Stmt2Bind {
        table_names: vec![],
        tags: vec![],
        cols: vec![vec![
            int(&[Some(1)]),
            ts(&[Some(1_700_000_000_000)]),
            var(TSDB_DATA_TYPE_VARCHAR, &[Some("b")]),
        ]],
    };
    c.binary(encode_stmt2_bind(4, id, -1, &bind).unwrap());
    assert!(c.recv_text().contains(r#""code":0"#));
    assert!(exec(&mut c, 5, id).contains(r#""affected":0"#));
    let r = c.ask(&format!(
        r#"{{"action":"stmt2_result","args":{{"req_id":6,"stmt_id":{id}}}}}"#
    ));
    assert_eq!(
        r,
        r#"{"code":0,"message":"","action":"stmt2_result","req_id":6,"timing":0,"stmt_id":1,"id":1,"fields_count":2,"fields_names":["ts","name"],"fields_types":[9,8],"fields_lengths":[8,10],"precision":0,"fields_precisions":[0,0],"fields_scales":[0,0]}"#
    );
    assert_eq!(
        read_result(&mut c, 1),
        rows(&[&["1700000000000", "a"], &["1700000000002", "c"]])
    );
    // Called twice for one exec.
    let r = c.ask(&format!(
        r#"{{"action":"stmt2_result","args":{{"req_id":7,"stmt_id":{id}}}}}"#
    ));
    assert!(r.contains(r#""message":"result is nil""#), "{r}");
    srv.stop();
}

#[test]
fn bind_exec_columnar_insert() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    setup(&mut c);
    let id = init(&mut c, 1);
    prepare(
        &mut c,
        2,
        id,
        "INSERT INTO ? USING meters TAGS (?) VALUES (?, ?)",
    );
    let fields = vec![
        var(
            TSDB_DATA_TYPE_VARCHAR,
            &[Some("e1"), Some("e1"), Some("e2")],
        ),
        int(&[Some(5), Some(5), Some(6)]),
        ts(&[
            Some(1_700_000_000_100),
            Some(1_700_000_000_101),
            Some(1_700_000_000_102),
        ]),
        var(TSDB_DATA_TYPE_VARCHAR, &[Some("p"), None, Some("r")]),
    ];
    c.binary(encode_stmt2_bind_exec(3, id, 2, &fields).unwrap());
    assert_eq!(
        c.recv_text(),
        r#"{"code":0,"message":"","action":"stmt2_bind_exec","req_id":3,"timing":0,"stmt_id":1,"affected":3}"#
    );
    assert_eq!(
        select(
            &mut c,
            "select tbname, ts, name, groupid from meters order by ts"
        ),
        rows(&[
            &["e1", "1700000000100", "p", "5"],
            &["e1", "1700000000101", "NULL", "5"],
            &["e2", "1700000000102", "r", "6"],
        ])
    );
    // Column-list form: the tbname block sits where the list puts it.
    prepare(
        &mut c,
        4,
        id,
        "INSERT INTO meters (ts, tbname, groupid, name) VALUES (?, ?, ?, ?)",
    );
    let fields = vec![
        ts(&[Some(1_700_000_000_200), Some(1_700_000_000_201)]),
        var(TSDB_DATA_TYPE_VARCHAR, &[Some("e3"), Some("e1")]),
        int(&[Some(8), Some(5)]),
        var(TSDB_DATA_TYPE_VARCHAR, &[Some("s"), Some("t")]),
    ];
    c.binary(encode_stmt2_bind_exec(5, id, 2, &fields).unwrap());
    assert!(c.recv_text().contains(r#""affected":2"#));
    // Wrong field count and wrong type.
    c.binary(encode_stmt2_bind_exec(6, id, 2, &fields[..3]).unwrap());
    assert_eq!(
        c.recv_json()["message"],
        "field count not match, expect 4, but get 3"
    );
    let mut bad = fields.clone();
    bad[0] = int(&[Some(1), Some(2)]);
    c.binary(encode_stmt2_bind_exec(7, id, 2, &bad).unwrap());
    assert_eq!(c.recv_json()["code"], 0x200);
    // A tag's buffer type is not checked (TDengine's qBindStmtTagsValue2): a BIGINT bound to
    // the INT tag is read as an INT from its first bytes.
    let mut wide = fields.clone();
    wide[1] = var(TSDB_DATA_TYPE_VARCHAR, &[Some("e4"), Some("e4")]);
    wide[2] = fixed(
        TSDB_DATA_TYPE_BIGINT,
        &[Some(456i64.to_le_bytes()), Some(456i64.to_le_bytes())],
    );
    wide[0] = ts(&[Some(1_700_000_000_300), Some(1_700_000_000_301)]);
    c.binary(encode_stmt2_bind_exec(8, id, 2, &wide).unwrap());
    assert!(c.recv_text().contains(r#""affected":2"#));
    assert_eq!(
        select(&mut c, "select groupid from meters where tbname = 'e4'"),
        rows(&[&["456"], &["456"]])
    );
    assert_eq!(
        select(
            &mut c,
            "select tbname, name, groupid from meters where ts >= 1700000000200 and ts < 1700000000300 order by ts"
        ),
        rows(&[&["e3", "s", "8"], &["e1", "t", "5"]])
    );
    srv.stop();
}

fn err_of(c: &mut Client) -> (i64, String, u64) {
    let v = c.recv_json();
    (
        v["code"].as_i64().unwrap(),
        v["message"].as_str().unwrap().to_string(),
        v["stmt_id"].as_u64().unwrap_or(0),
    )
}

#[test]
fn error_cases() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    setup(&mut c);
    let id = init(&mut c, 1);
    // Unknown stmt id.
    c.binary(encode_stmt2_bind(2, 99, -1, &worked_bind()).unwrap());
    assert_eq!(err_of(&mut c), (65535, "stmt2 is nil".into(), 99));
    assert!(exec(&mut c, 3, 99).contains(r#""code":65535,"message":"stmt2 is nil""#));
    // Bind before prepare, exec before prepare.
    c.binary(encode_stmt2_bind(4, id, -1, &worked_bind()).unwrap());
    assert_eq!(err_of(&mut c), (0x22a, "Stmt API usage error".into(), id));
    assert!(exec(&mut c, 5, id).contains(r#""code":554"#));
    // Prepare errors: unknown table, and INSERT INTO ? without USING.
    let r = prepare(&mut c, 6, id, "insert into nope values (?, ?)");
    assert_eq!(r["code"], 0x2603, "{r}");
    assert_eq!(r["stmt_id"], id);
    let r = prepare(&mut c, 7, id, "insert into ? values (?, ?)");
    assert_eq!(r["code"], 0x22b, "{r}");
    let r = prepare(&mut c, 7, id, "select * from nope where ts > ?");
    assert_eq!(r["code"], 0x2603, "{r}");
    let r = prepare(&mut c, 7, id, "select * from meters where");
    assert_eq!(r["code"], 0x2601, "{r}");
    prepare(
        &mut c,
        8,
        id,
        "INSERT INTO ? USING meters TAGS (?) VALUES (?, ?)",
    );
    // Exec with nothing bound.
    assert!(exec(&mut c, 9, id).contains(r#""code":554,"message":"Stmt API usage error""#));
    // Short frame, wrong version, length mismatch.
    let good = encode_stmt2_bind(10, id, -1, &worked_bind()).unwrap();
    c.binary(good[..29].to_vec());
    assert_eq!(err_of(&mut c).1, "message length is too short");
    let mut v2 = good.clone();
    v2[24] = 2;
    c.binary(v2);
    assert_eq!(err_of(&mut c).1, "unknown stmt2 bind version");
    let mut long = good.clone();
    long.push(0);
    c.binary(long);
    assert_eq!(
        err_of(&mut c).1,
        "total length not match, expect 227, but get 226"
    );
    // Wrong column count.
    let mut b = worked_bind();
    b.cols.iter_mut().for_each(|t| {
        t.pop();
    });
    c.binary(encode_stmt2_bind(11, id, -1, &b).unwrap());
    assert_eq!(
        err_of(&mut c),
        (65535, "col count not match, expect 2, but get 1".into(), id)
    );
    // Type mismatch: INT for the VARCHAR column.
    let mut b = worked_bind();
    b.cols[0][1] = int(&[Some(1), Some(2)]);
    c.binary(encode_stmt2_bind(12, id, -1, &b).unwrap());
    assert_eq!(
        err_of(&mut c),
        (0x200, "column type mis-match with buffer type".into(), id)
    );
    // Row counts differ between the columns of one table.
    let mut b = worked_bind();
    b.cols[0][1] = var(TSDB_DATA_TYPE_VARCHAR, &[Some("a")]);
    c.binary(encode_stmt2_bind(13, id, -1, &b).unwrap());
    assert_eq!(
        err_of(&mut c),
        (
            0x200,
            "row number in each bind param should be the same".into(),
            id
        )
    );
    // Missing table names.
    let mut b = worked_bind();
    b.table_names.clear();
    c.binary(encode_stmt2_bind(14, id, -1, &b).unwrap());
    assert_eq!(err_of(&mut c).0, 0x22b);
    // Nothing was written by the failed binds.
    assert_eq!(select(&mut c, "select count(*) from meters")[0][0], "0");
    // Close: unknown id succeeds; a v1 id is refused.
    let r = c.ask(r#"{"action":"stmt2_close","args":{"req_id":15,"stmt_id":1234}}"#);
    assert!(r.contains(r#""code":0"#), "{r}");
    let v1: serde_json::Value =
        serde_json::from_str(&c.ask(r#"{"action":"init","args":{"req_id":16}}"#)).unwrap();
    let v1 = v1["stmt_id"].as_u64().unwrap();
    assert_eq!(v1, id + 1, "stmt ids are shared by v1 and stmt2");
    let r = c.ask(&format!(
        r#"{{"action":"stmt2_close","args":{{"req_id":17,"stmt_id":{v1}}}}}"#
    ));
    assert!(
        r.contains(&format!(
            r#""message":"stmtID:{v1}, isStmt2:true not match""#
        )),
        "{r}"
    );
    // A v1 id used with stmt2 actions.
    assert!(exec(&mut c, 18, v1).contains(r#""message":"stmt2 is nil""#));
    // Bad args.
    let r = c.ask(r#"{"action":"stmt2_prepare","args":{"req_id":19,"stmt_id":"x"}}"#);
    assert!(
        r.contains(r#""message":"unmarshal stmt2 prepare request error""#),
        "{r}"
    );
    srv.stop();
}

#[test]
fn supertable_column_list_and_db_qualified_placeholder() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    setup(&mut c);
    let id = init(&mut c, 1);
    // Column-list form: fields follow the list, bind types interleave.
    let r = prepare(
        &mut c,
        2,
        id,
        "INSERT INTO meters (ts, tbname, groupid, name) VALUES (?, ?, ?, ?)",
    );
    let kinds: Vec<i64> = r["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["bind_type"].as_i64().unwrap())
        .collect();
    assert_eq!(kinds, vec![1, 4, 2, 1], "{r}");
    let bind = Stmt2Bind {
        table_names: vec![Cow::Borrowed(b"c1"), Cow::Borrowed(b"c2")],
        tags: vec![vec![int(&[Some(3)])], vec![int(&[None])]],
        cols: vec![
            vec![
                ts(&[Some(1_700_000_000_000)]),
                var(TSDB_DATA_TYPE_VARCHAR, &[Some("m")]),
            ],
            vec![
                ts(&[Some(1_700_000_000_001)]),
                var(TSDB_DATA_TYPE_VARCHAR, &[None]),
            ],
        ],
    };
    c.binary(encode_stmt2_bind(3, id, -1, &bind).unwrap());
    assert!(c.recv_text().contains(r#""code":0"#));
    assert!(exec(&mut c, 4, id).contains(r#""affected":2"#));
    // db.? with a literal tag; then a bind without tags into the existing child table.
    let r = prepare(
        &mut c,
        5,
        id,
        "INSERT INTO s2.? USING s2.meters TAGS (9) VALUES (?, ?)",
    );
    assert_eq!(r["fields_count"], 3, "{r}");
    let bind = Stmt2Bind {
        table_names: vec![Cow::Borrowed(b"c3")],
        tags: vec![],
        cols: vec![vec![
            ts(&[Some(1_700_000_000_002)]),
            var(TSDB_DATA_TYPE_VARCHAR, &[Some("k")]),
        ]],
    };
    c.binary(encode_stmt2_bind(6, id, -1, &bind).unwrap());
    assert!(c.recv_text().contains(r#""code":0"#));
    assert!(exec(&mut c, 7, id).contains(r#""affected":1"#));
    let r = prepare(
        &mut c,
        8,
        id,
        "INSERT INTO ? USING meters TAGS (?) VALUES (?, ?)",
    );
    assert_eq!(r["code"], 0);
    let bind = Stmt2Bind {
        table_names: vec![Cow::Borrowed(b"c1")],
        tags: vec![],
        cols: vec![vec![
            ts(&[Some(1_700_000_000_003)]),
            var(TSDB_DATA_TYPE_VARCHAR, &[Some("n")]),
        ]],
    };
    c.binary(encode_stmt2_bind(9, id, -1, &bind).unwrap());
    assert!(c.recv_text().contains(r#""code":0"#));
    assert!(exec(&mut c, 10, id).contains(r#""affected":1"#));
    assert_eq!(
        select(
            &mut c,
            "select tbname, ts, name, groupid from meters order by ts"
        ),
        rows(&[
            &["c1", "1700000000000", "m", "3"],
            &["c2", "1700000000001", "NULL", "NULL"],
            &["c3", "1700000000002", "k", "9"],
            &["c1", "1700000000003", "n", "3"],
        ])
    );
    srv.stop();
}

#[test]
fn geometry_json_tag_and_late_table_schema() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    c.exec("create database if not exists g");
    c.exec("use g");
    c.exec("create stable sg (ts timestamp, p geometry(64)) tags (j json)");
    c.exec("create table n (ts timestamp, v int)");
    let id = init(&mut c, 1);
    let r = prepare(
        &mut c,
        2,
        id,
        "insert into ? using sg tags (?) values (?, ?)",
    );
    assert_eq!(r["fields"][1]["field_type"], 15, "{r}");
    let mut wkb = vec![1u8, 1, 0, 0, 0];
    wkb.extend_from_slice(&1.5f64.to_le_bytes());
    wkb.extend_from_slice(&(-2.0f64).to_le_bytes());
    let bind = Stmt2Bind {
        table_names: vec![Cow::Borrowed(b"g1")],
        tags: vec![vec![var(TSDB_DATA_TYPE_JSON, &[Some(r#"{"k":"v"}"#)])]],
        cols: vec![vec![
            ts(&[Some(1_700_000_000_000), Some(1_700_000_000_001)]),
            Stmt2Field::var(TSDB_DATA_TYPE_GEOMETRY as i32, &[Some(&wkb[..]), None]),
        ]],
    };
    c.binary(encode_stmt2_bind(3, id, -1, &bind).unwrap());
    assert!(c.recv_text().contains(r#""code":0"#));
    assert!(exec(&mut c, 4, id).contains(r#""affected":2"#));
    let hex: String = wkb.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        select(&mut c, "select p from sg order by ts"),
        rows(&[&[format!("0x{hex}").as_str()], &["NULL"]])
    );
    // INSERT INTO ? VALUES without USING: no fields at prepare, types from the bound table.
    let msg = serde_json::json!({"action":"stmt2_prepare","args":{"req_id":5,"stmt_id":id,"sql":"insert into ? values (?, ?)","get_fields":false}});
    c.text(&msg.to_string());
    let r = c.recv_json();
    assert_eq!(
        (r["code"].as_i64(), r["fields_count"].as_i64()),
        (Some(0), Some(0)),
        "{r}"
    );
    let bind = Stmt2Bind {
        table_names: vec![Cow::Borrowed(b"n")],
        tags: vec![],
        cols: vec![vec![ts(&[Some(1_700_000_000_000)]), int(&[Some(41)])]],
    };
    c.binary(encode_stmt2_bind(6, id, -1, &bind).unwrap());
    assert!(c.recv_text().contains(r#""code":0"#));
    assert!(exec(&mut c, 7, id).contains(r#""affected":1"#));
    assert_eq!(select(&mut c, "select v from n"), rows(&[&["41"]]));
    // A bound table that does not exist.
    let bind = Stmt2Bind {
        table_names: vec![Cow::Borrowed(b"missing")],
        ..bind
    };
    c.binary(encode_stmt2_bind(8, id, -1, &bind).unwrap());
    assert_eq!(c.recv_json()["code"], 0x2603);
    srv.stop();
}
