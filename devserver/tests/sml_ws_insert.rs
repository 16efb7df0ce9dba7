//! Schemaless `insert` on `/ws` over a real socket (ws-stmt-sml-tmq.md §3): reply shape,
//! tables and values read back with SQL, child-table names against an independently
//! computed MD5 (`md5sum`), schema growth, every error path, and a 100,000-line batch.
//!
//! Failure atomicity, as in TDengine's `smlProcess` (parse all lines, then change schemas,
//! then insert): a batch with a bad line writes **none** of its lines, including the good
//! lines before the bad one (`bad_line_writes_nothing`).

mod netutil;

use netutil::Client;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

/// MD5 hex of `data` computed by the system's `md5sum` (independent of the server's MD5).
fn md5sum(data: &[u8]) -> String {
    let mut child = Command::new("md5sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("md5sum");
    child.stdin.take().unwrap().write_all(data).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..32].to_string()
}

/// Sends `insert` and returns the reply text (timing masked).
fn insert_text(
    c: &mut Client,
    req_id: u64,
    protocol: i32,
    precision: &str,
    data: &str,
    key: Value,
) -> String {
    let msg = json!({"action":"insert","args":{
        "req_id": req_id, "protocol": protocol, "precision": precision,
        "ttl": 0, "data": data, "table_name_key": key}});
    c.ask(&msg.to_string())
}

fn insert(
    c: &mut Client,
    req_id: u64,
    protocol: i32,
    precision: &str,
    data: &str,
    key: Value,
) -> Value {
    serde_json::from_str(&insert_text(c, req_id, protocol, precision, data, key)).unwrap()
}

/// All rows of a SELECT/DESCRIBE (JSON `query`, then `fetch_raw_block` until done).
fn rows(c: &mut Client, sql: &str) -> Vec<Vec<Value>> {
    let r = c.exec(sql);
    let id = r["id"].as_u64().unwrap();
    let types: Vec<u64> = r["fields_types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(types.len() as u64, r["fields_count"].as_u64().unwrap());
    let mut out = Vec::new();
    loop {
        c.binary(netutil::fetch_raw_block(99, id));
        let reply = netutil::parse_raw_reply(&c.recv_bin());
        assert_eq!(reply.code, 0, "{}", reply.message);
        if reply.finished {
            break;
        }
        let b = taos_wire::block::RawBlock::parse(&reply.block).unwrap();
        for row in 0..b.rows() {
            let cells = types
                .iter()
                .enumerate()
                .map(|(col, &ty)| cell(&b, col, row, ty as u8))
                .collect();
            out.push(cells);
        }
    }
    out
}

fn cell(b: &taos_wire::block::RawBlock, col: usize, row: usize, ty: u8) -> Value {
    use taos_wire::types::*;
    if b.is_null(col, row) {
        return Value::Null;
    }
    if is_var(ty) {
        let bytes = b.var_cell(col, row).unwrap_or_default();
        return if ty == TSDB_DATA_TYPE_NCHAR {
            json!(taos_wire::nchar::ucs4_to_utf8(bytes).unwrap())
        } else {
            json!(String::from_utf8_lossy(bytes))
        };
    }
    let f = b.fixed_cell(col, row);
    match ty {
        TSDB_DATA_TYPE_BOOL => json!(f[0] != 0),
        TSDB_DATA_TYPE_TINYINT => json!(f[0] as i8),
        TSDB_DATA_TYPE_INT => json!(i32::from_le_bytes(f.try_into().unwrap())),
        TSDB_DATA_TYPE_UBIGINT => json!(u64::from_le_bytes(f.try_into().unwrap())),
        TSDB_DATA_TYPE_BIGINT | TSDB_DATA_TYPE_TIMESTAMP => {
            json!(i64::from_le_bytes(f.try_into().unwrap()))
        }
        TSDB_DATA_TYPE_FLOAT => json!(f32::from_le_bytes(f.try_into().unwrap())),
        TSDB_DATA_TYPE_DOUBLE => json!(f64::from_le_bytes(f.try_into().unwrap())),
        other => panic!("type {other} not handled by the test"),
    }
}

fn setup(db: &str) -> (taos_devserver::DevServerHandle, Client) {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    c.exec(&format!("create database {db}"));
    c.exec(&format!("use {db}"));
    (srv, c)
}

#[test]
fn line_protocol_creates_tables_and_values() {
    let (_srv, mut c) = setup("s1");
    let data = "st,t1=3,t2=4,t3=t3 c1=3i64,c3=\"passit\",c2=false,c4=4f64 1626006833639\n\
                st,t1=4,t3=t4 c1=5i64,c4=2.5 1626006833640";
    assert_eq!(
        insert_text(&mut c, 7, 1, "ms", data, Value::Null),
        r#"{"code":0,"message":"","action":"insert","req_id":7,"timing":0,"affected_rows":2,"total_rows":2}"#
    );
    let d = rows(&mut c, "describe st");
    let names: Vec<String> = d
        .iter()
        .map(|r| {
            format!(
                "{}:{}:{}:{}",
                r[0].as_str().unwrap(),
                r[1].as_str().unwrap(),
                r[2],
                r[3].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "_ts:TIMESTAMP:8:",
            "c1:BIGINT:8:",
            "c3:VARCHAR:8:",
            "c2:BOOL:1:",
            "c4:DOUBLE:8:",
            "t1:NCHAR:2:TAG",
            "t2:NCHAR:2:TAG",
            "t3:NCHAR:4:TAG"
        ]
    );
    let t1 = format!("t_{}", md5sum(b"st,t1=3,t2=4,t3=t3"));
    let t2 = format!("t_{}", md5sum(b"st,t1=4,t3=t4"));
    let got = rows(
        &mut c,
        "select tbname, _ts, c1, c3, c2, c4, t1, t2, t3 from st order by _ts",
    );
    assert_eq!(
        got,
        vec![
            vec![
                json!(t1),
                json!(1626006833639i64),
                json!(3),
                json!("passit"),
                json!(false),
                json!(4.0),
                json!("3"),
                json!("4"),
                json!("t3")
            ],
            vec![
                json!(t2),
                json!(1626006833640i64),
                json!(5),
                Value::Null,
                Value::Null,
                json!(2.5),
                json!("4"),
                Value::Null,
                json!("t4")
            ],
        ]
    );
}

#[test]
fn schema_grows_and_table_name_key_names_children() {
    let (_srv, mut c) = setup("s2");
    let r = insert(
        &mut c,
        1,
        1,
        "ns",
        "m,id=dev1,loc=x v=1i32 1626006833000000000",
        json!("id"),
    );
    assert_eq!(r["code"], 0, "{r}");
    // New column, new tag, a longer string widens VARCHAR; same child table via the key.
    let r = insert(
        &mut c,
        2,
        1,
        "ns",
        "m,id=dev1,loc=x,zone=z1 v=2i32,s=\"0123456789abcdefg\" 1626006833001000000",
        json!("id"),
    );
    assert_eq!(r["affected_rows"], 1, "{r}");
    let d = rows(&mut c, "describe m");
    let find = |n: &str| d.iter().find(|r| r[0] == json!(n)).cloned().unwrap();
    assert_eq!(find("s")[1], json!("VARCHAR"));
    assert_eq!(find("s")[2], json!(32));
    assert_eq!(find("zone")[3], json!("TAG"));
    assert!(
        d.iter().all(|r| r[0] != json!("id")),
        "the key tag is not stored: {d:?}"
    );
    let got = rows(&mut c, "select tbname, v, s from m order by _ts");
    assert_eq!(
        got,
        vec![
            vec![json!("dev1"), json!(1), Value::Null],
            vec![json!("dev1"), json!(2), json!("0123456789abcdefg")]
        ]
    );
    // A longer tag later widens the NCHAR tag.
    let r = insert(
        &mut c,
        3,
        1,
        "ns",
        "m,id=dev2,loc=a_much_longer_location_text v=3i32 1626006833002000000",
        json!("id"),
    );
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(
        rows(&mut c, "describe m")
            .iter()
            .find(|r| r[0] == json!("loc"))
            .unwrap()[2],
        json!(32)
    );
}

#[test]
fn telnet_and_json_protocols() {
    let (_srv, mut c) = setup("s3");
    let r = insert(
        &mut c,
        1,
        2,
        "",
        "sys.cpu 1626006833 1.5 host=a dc=b\nsys.cpu 1626006834000 2.5 host=a dc=b",
        Value::Null,
    );
    assert_eq!(
        (
            r["code"].clone(),
            r["affected_rows"].clone(),
            r["total_rows"].clone()
        ),
        (json!(0), json!(2), json!(2)),
        "{r}"
    );
    let name = format!("t_{}", md5sum(b"sys_cpu,dc=b,host=a"));
    let got = rows(
        &mut c,
        "select tbname, _ts, _value, host from sys_cpu order by _ts",
    );
    assert_eq!(
        got,
        vec![
            vec![json!(name), json!(1626006833000i64), json!(1.5), json!("a")],
            vec![json!(name), json!(1626006834000i64), json!(2.5), json!("a")],
        ]
    );
    let doc = r#"[{"metric":"meters","timestamp":1648432611249,"value":10.3,"tags":{"groupid":2,"location":"CA"}},
                 {"metric":"meters","timestamp":{"value":1648432611,"type":"s"},"value":{"value":3,"type":"f64"},"tags":{"groupid":2,"location":"CA"}}]"#;
    let r = insert(&mut c, 2, 3, "", doc, Value::Null);
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(r["affected_rows"], 2, "{r}");
}

#[test]
fn bad_line_writes_nothing() {
    let (_srv, mut c) = setup("s4");
    insert(
        &mut c,
        1,
        1,
        "ms",
        "e,t=1 v=1i64 1626006833000",
        Value::Null,
    );
    // Line 3 is malformed: neither line 1 nor line 2 may be written.
    let r = insert(
        &mut c,
        2,
        1,
        "ms",
        "e,t=1 v=2i64 1626006833001\ne,t=2 v=3i64 1626006833002\ne,t=3 v=oops 1626006833003",
        Value::Null,
    );
    assert_ne!(r["code"], 0);
    let msg = r["message"].as_str().unwrap();
    assert!(msg.contains("line 3") && msg.contains("v=oops"), "{msg}");
    assert_eq!(rows(&mut c, "select count(*) from e"), vec![vec![json!(1)]]);
    // Type conflict with the existing column: 0x3002, nothing written.
    let r = insert(
        &mut c,
        3,
        1,
        "ms",
        "e,t=1 v=9i64 1626006833004\ne,t=1 v=\"str\" 1626006833005",
        Value::Null,
    );
    assert_ne!(r["code"], 0);
    let r2 = insert(
        &mut c,
        4,
        1,
        "ms",
        "e,t=1 v=\"str\" 1626006833005",
        Value::Null,
    );
    assert_eq!(r2["code"], 0x3002, "{r2}");
    assert!(r2["message"].as_str().unwrap().contains("mismatch"), "{r2}");
    assert_eq!(rows(&mut c, "select count(*) from e"), vec![vec![json!(1)]]);
}

#[test]
fn error_replies() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    // No database selected.
    let r = insert(&mut c, 5, 1, "ms", "m v=1 1", Value::Null);
    assert_eq!(
        (r["code"].clone(), r["req_id"].clone(), r["action"].clone()),
        (json!(0x2616), json!(5), json!("insert")),
        "{r}"
    );
    c.exec("create database e1");
    c.exec("use e1");
    let r = insert(&mut c, 6, 0, "ms", "m v=1 1", Value::Null);
    assert_eq!(
        (r["code"].clone(), r["message"].clone()),
        (json!(0xffff), json!("schemaless write protocol is null"))
    );
    let r = insert(&mut c, 7, 9, "ms", "m v=1 1", Value::Null);
    assert_eq!(r["code"], 0x3000, "{r}");
    let r = insert(&mut c, 8, 1, "ms", "", Value::Null);
    assert_eq!(r["code"], 0x0118, "{r}");
    let r = insert(&mut c, 9, 1, "ms", "m", Value::Null);
    assert_ne!(r["code"], 0, "{r}");
    assert!(r["message"].as_str().unwrap().contains("line 1"), "{r}");
    let r = insert(&mut c, 10, 3, "", "{not json", Value::Null);
    assert_ne!(r["code"], 0, "{r}");
    let r = insert(&mut c, 11, 2, "", "metric 1626006833 1", Value::Null);
    assert_ne!(r["code"], 0, "telnet without tags must fail: {r}");
    // Args of the wrong type.
    let r = c.ask(r#"{"action":"insert","args":{"req_id":12,"protocol":"x"}}"#);
    assert!(
        r.contains("\"code\":65535") && r.contains("unmarshal"),
        "{r}"
    );
    // Before conn.
    let mut raw = Client::open(srv.addr(), "/ws");
    let r = raw.ask(r#"{"action":"insert","args":{"req_id":13,"protocol":1,"data":"m v=1 1"}}"#);
    assert!(r.contains("server not connected"), "{r}");
}

#[test]
fn precision_strings() {
    let (_srv, mut c) = setup("s5");
    for (i, (p, ts, want)) in [
        ("s", "1626006833", 1626006833000i64),
        ("ms", "1626006833001", 1626006833001),
        ("u", "1626006833002000", 1626006833002),
        ("ns", "1626006833003000000", 1626006833003),
        ("", "1626006833004000000", 1626006833004),
        ("us", "1626006833005000000", 1626006833005),
    ]
    .iter()
    .enumerate()
    {
        let r = insert(
            &mut c,
            i as u64 + 1,
            1,
            p,
            &format!("p,k=v v=1i64 {ts}"),
            Value::Null,
        );
        assert_eq!(r["code"], 0, "{p}: {r}");
        let got = rows(
            &mut c,
            &format!("select count(*) from p where _ts = {want}"),
        );
        assert_eq!(got, vec![vec![json!(1)]], "precision {p:?}");
    }
}

#[test]
fn hundred_thousand_lines_in_one_insert() {
    let (_srv, mut c) = setup("big");
    let mut data = String::with_capacity(100_000 * 70);
    for i in 0..100_000u64 {
        data.push_str(&format!(
            "meters,groupid={} current={}.5,voltage={}i32 {}\n",
            i % 100,
            i % 37,
            200 + i % 20,
            1_626_006_833_639u64 + i
        ));
    }
    let start = std::time::Instant::now();
    let r = insert(&mut c, 1, 1, "ms", &data, Value::Null);
    eprintln!("sml_ws: 100000 lines inserted in {:?}", start.elapsed());
    assert_eq!(r["code"], 0, "{r}");
    assert_eq!(r["affected_rows"], 100_000);
    assert_eq!(r["total_rows"], 100_000);
    assert_eq!(
        rows(&mut c, "select count(*) from meters"),
        vec![vec![json!(100_000)]]
    );
    assert_eq!(
        rows(&mut c, "select count(*) from meters where groupid = '7'"),
        vec![vec![json!(1000)]]
    );
}

#[test]
fn geometry_and_varbinary_values() {
    let (_srv, mut c) = setup("s6");
    let data =
        "g,t=1 p=G\"POINT(1 2)\",b=B\"\\x98f4\",l=G\"LINESTRING(1 2, 3 4, 5 6)\" 1626006833000";
    let r = insert(&mut c, 1, 1, "ms", data, Value::Null);
    assert_eq!(r["code"], 0, "{r}");
    let d = rows(&mut c, "describe g");
    let find = |n: &str| d.iter().find(|r| r[0] == json!(n)).cloned().unwrap();
    assert_eq!(find("p")[1], json!("GEOMETRY"));
    assert_eq!(find("b")[1], json!("VARBINARY"));
    // WKB of a point is 21 bytes, of a 3-point line string 57: the widths hold them.
    assert!(find("p")[2].as_i64().unwrap() >= 21, "{d:?}");
    assert!(find("l")[2].as_i64().unwrap() >= 57, "{d:?}");
    let got = rows(&mut c, "select b from g");
    assert_eq!(
        got,
        vec![vec![json!(String::from_utf8_lossy(&[0x98, 0xf4]))]]
    );
}
