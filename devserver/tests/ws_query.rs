//! `/ws` query path over real SQL: exact reply shapes, the §3.6/§4.9 worked frames byte for
//! byte, multi-block results, the legacy fetch/fetch_block path, result-id rules, USE, and
//! concurrent connections.

mod netutil;

use netutil::{binary_query, fetch_raw_block, parse_raw_reply, sql_frame, Client};
use taos_wire::block::RawBlock;

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect()
}

/// The 128-byte block of ws-query.md §4.9.
fn worked_block() -> Vec<u8> {
    hex("01 00 00 00 80 00 00 00 02 00 00 00 04 00 00 00
         00 00 00 80 00 00 00 00 00 00 00 00 09 08 00 00
         00 04 04 00 00 00 08 0c 00 00 00 0a 16 00 00 00
         10 00 00 00 08 00 00 00 05 00 00 00 10 00 00 00
         00 00 68 e5 cf 8b 01 00 00 e8 6b e5 cf 8b 01 00
         00 40 2a 00 00 00 00 00 00 00 00 00 00 00 ff ff
         ff ff 03 00 61 62 63 00 00 00 00 0a 00 00 00 08
         00 61 00 00 00 62 00 00 00 04 00 2d 4e 00 00 00")
}

fn setup_worked_table(c: &mut Client, db: &str) {
    c.exec(&format!("create database if not exists {db}"));
    c.exec(&format!(
        "create table {db}.d0 (ts timestamp, i int, s varchar(10), n nchar(5))"
    ));
    let r = c.exec(&format!(
        "insert into {db}.d0 values (1700000000000, 42, 'abc', 'ab') (1700000001000, NULL, NULL, '中')"
    ));
    assert_eq!(r["affected_rows"], 2);
}

#[test]
fn worked_frames_byte_for_byte() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    setup_worked_table(&mut c, "w");
    c.exec("use w");
    // The §3.6 binary_query request, exactly as given there.
    let req = hex("01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                   06 00 00 00 00 00 00 00 01 00 10 00 00 00 73 65
                   6c 65 63 74 20 2a 20 66 72 6f 6d 20 64 30");
    assert_eq!(req, binary_query(1, "select * from d0"));
    c.binary(req);
    assert_eq!(
        c.recv_text(),
        r#"{"code":0,"message":"","action":"binary_query","req_id":1,"timing":0,"id":1,"is_update":false,"affected_rows":0,"fields_count":4,"fields_names":["ts","i","s","n"],"fields_types":[9,4,8,10],"fields_lengths":[8,4,10,5],"precision":0,"fields_precisions":[0,0,0,0],"fields_scales":[0,0,0,0]}"#
    );
    // fetch_raw_block req_id 2, result 1 → data frame (timing pinned to 123456 ns).
    let f = fetch_raw_block(2, 1);
    assert_eq!(
        f,
        hex("02 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 07 00 00 00 00 00 00 00 01 00")
    );
    c.binary(f);
    let mut data = c.recv_bin();
    data[18..26].copy_from_slice(&123456u64.to_le_bytes());
    let mut want = hex("ff ff ff ff ff ff ff ff 07 00 00 00 00 00 00 00
                        01 00 40 e2 01 00 00 00 00 00 02 00 00 00 00 00
                        00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00
                        00 00 00 80 00 00 00");
    want.extend(worked_block());
    assert_eq!(data.len(), 183);
    assert_eq!(data, want);
    // End of data: req_id 3, timing pinned to 2000 ns.
    c.binary(fetch_raw_block(3, 1));
    let mut end = c.recv_bin();
    end[18..26].copy_from_slice(&2000u64.to_le_bytes());
    assert_eq!(
        end,
        hex("ff ff ff ff ff ff ff ff 07 00 00 00 00 00 00 00
             01 00 d0 07 00 00 00 00 00 00 03 00 00 00 00 00
             00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00
             00 00 01")
    );
    // The result was freed at end of data.
    c.binary(fetch_raw_block(4, 1));
    let r = parse_raw_reply(&c.recv_bin());
    assert_eq!(
        (r.code, r.message.as_str(), r.finished),
        (0xffff, "result is nil", true)
    );
    srv.stop();
}

#[test]
fn update_and_error_replies_are_exact() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    c.exec("create database u");
    c.exec("create table u.t (ts timestamp, v int)");
    assert_eq!(
        c.ask(r#"{"action":"query","args":{"req_id":5,"sql":"  insert into u.t values (1700000000000, 1)  "}}"#),
        r#"{"code":0,"message":"","action":"query","req_id":5,"timing":0,"id":0,"is_update":true,"affected_rows":1,"fields_count":0,"fields_names":null,"fields_types":null,"fields_lengths":null,"precision":0,"fields_precisions":null,"fields_scales":null}"#
    );
    let e = c.query(6, "select * from u.no_such_table");
    assert_eq!(e["action"], "query");
    assert_eq!(e["req_id"], 6);
    assert_ne!(e["code"], 0);
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(
        e.as_object().unwrap().len(),
        5,
        "error replies carry only the common fields: {e}"
    );
    // Still usable after the error, and the failed query allocated no id.
    let ok = c.query(7, "select * from u.t");
    assert_eq!((ok["code"].as_i64(), ok["id"].as_u64()), (Some(0), Some(1)));
    srv.stop();
}

#[test]
fn multi_block_results_respect_block_rows() {
    let srv = netutil::start(3);
    let mut c = Client::connected(srv.addr());
    c.exec("create database mb");
    c.exec("create table mb.t (ts timestamp, v int)");
    let values: Vec<String> = (0..10)
        .map(|i| format!("({}, {i})", 1_700_000_000_000i64 + i))
        .collect();
    c.exec(&format!("insert into mb.t values {}", values.join(" ")));
    c.binary(binary_query(10, "select * from mb.t"));
    let q = c.recv_json();
    let id = q["id"].as_u64().unwrap();
    let mut sizes = Vec::new();
    let mut seen = Vec::new();
    for n in 0.. {
        c.binary(fetch_raw_block(100 + n, id));
        let r = parse_raw_reply(&c.recv_bin());
        assert_eq!((r.req_id, r.id, r.code), (100 + n, id, 0));
        if r.finished {
            break;
        }
        let b = RawBlock::parse(&r.block).unwrap();
        sizes.push(b.rows());
        for row in 0..b.rows() {
            let cell = b.fixed_cell(1, row);
            seen.push(i32::from_le_bytes(cell.try_into().unwrap()));
        }
    }
    assert_eq!(sizes, vec![3, 3, 3, 1]);
    assert_eq!(seen, (0..10).collect::<Vec<i32>>());
    srv.stop();
}

#[test]
fn legacy_fetch_and_fetch_block_path() {
    let srv = netutil::start(3);
    let mut c = Client::connected(srv.addr());
    c.exec("create database lg");
    c.exec("create table lg.t (ts timestamp, v int, s varchar(4))");
    c.exec("insert into lg.t values (1700000000000, 1, 'a') (1700000000001, 2, 'b') (1700000000002, 3, 'c') (1700000000003, 4, 'd')");
    let q = c.query(1, "select * from lg.t");
    let id = q["id"].as_u64().unwrap();
    // fetch_block before any fetch.
    assert_eq!(
        c.ask(&format!(
            r#"{{"action":"fetch_block","args":{{"req_id":2,"id":{id}}}}}"#
        )),
        format!(
            r#"{{"code":65535,"message":"block is nil","action":"fetch_block","req_id":2,"timing":0}}"#
        )
    );
    let mut rows = Vec::new();
    loop {
        let f = c.ask(&format!(
            r#"{{"action":"fetch","args":{{"req_id":3,"id":{id}}}}}"#
        ));
        if f.contains("\"completed\":true") {
            assert_eq!(
                f,
                format!(
                    r#"{{"code":0,"message":"","action":"fetch","req_id":3,"timing":0,"id":{id},"completed":true,"lengths":null,"rows":0}}"#
                )
            );
            break;
        }
        let v: serde_json::Value = serde_json::from_str(&f).unwrap();
        assert_eq!(v["lengths"], serde_json::json!([8, 4, 6]));
        rows.push(v["rows"].as_u64().unwrap());
        // fetch_block twice: the same block both times.
        let mut frames = Vec::new();
        for _ in 0..2 {
            c.text(&format!(
                r#"{{"action":"fetch_block","args":{{"req_id":3,"id":{id}}}}}"#
            ));
            let b = c.recv_bin();
            assert_eq!(u64::from_le_bytes(b[8..16].try_into().unwrap()), id);
            let block = RawBlock::parse(&b[16..]).unwrap();
            assert_eq!(block.rows() as u64, *rows.last().unwrap());
            frames.push(b[16..].to_vec());
        }
        assert_eq!(frames[0], frames[1]);
    }
    assert_eq!(rows, vec![3, 1]);
    assert_eq!(
        c.ask(&format!(
            r#"{{"action":"fetch","args":{{"req_id":4,"id":{id}}}}}"#
        )),
        r#"{"code":65535,"message":"result is nil","action":"fetch","req_id":4,"timing":0}"#
    );
    srv.stop();
}

#[test]
fn result_ids_num_fields_and_free_result() {
    let srv = netutil::start(1);
    let mut c = Client::connected(srv.addr());
    c.exec("create database ids");
    c.exec("create table ids.t (ts timestamp, a int, b double)");
    c.exec("insert into ids.t values (1700000000000, 1, 1.5) (1700000000001, 2, 2.5)");
    let a = c.query(0, "select * from ids.t");
    let b = c.query(0, "select a from ids.t");
    assert_eq!((a["id"].as_u64(), b["id"].as_u64()), (Some(1), Some(2)));
    assert_eq!(
        c.ask(r#"{"action":"num_fields","args":{"req_id":9,"result_id":1}}"#),
        r#"{"code":0,"message":"","action":"num_fields","req_id":9,"timing":0,"num_fields":3}"#
    );
    // Abandon result 1 after one block: no reply, then it is gone.
    c.binary(fetch_raw_block(1, 1));
    assert!(!parse_raw_reply(&c.recv_bin()).finished);
    c.text(r#"{"action":"free_result","args":{"req_id":1,"id":1}}"#);
    c.binary(fetch_raw_block(2, 1));
    let r = parse_raw_reply(&c.recv_bin());
    assert_eq!((r.req_id, r.message.as_str()), (2, "result is nil"));
    // Result 2 is untouched.
    c.binary(fetch_raw_block(3, 2));
    assert!(!parse_raw_reply(&c.recv_bin()).finished);
    // Ids are per connection: a new socket starts at 1 again.
    let mut d = Client::connected(srv.addr());
    assert_eq!(d.query(0, "select * from ids.t")["id"].as_u64(), Some(1));
    srv.stop();
}

#[test]
fn use_changes_the_current_db_and_conn_db_is_checked() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    c.exec("create database cur");
    c.exec("use cur");
    assert_eq!(
        c.ask(r#"{"action":"get_current_db","args":{"req_id":1}}"#),
        r#"{"code":0,"message":"","action":"get_current_db","req_id":1,"timing":0,"db":"cur"}"#
    );
    c.exec("create table t (ts timestamp, v int)");
    let mut d = Client::open(srv.addr(), "/ws");
    assert_eq!(
        d.ask(r#"{"action":"conn","args":{"req_id":1,"user":"root","password":"taosdata","db":"cur"}}"#),
        r#"{"code":0,"message":"","action":"conn","req_id":1,"timing":0,"version":"3.3.6.0"}"#
    );
    assert_eq!(d.query(2, "select * from t")["code"], 0);
    srv.stop();
}

#[test]
fn server_version_and_validate_sql() {
    let srv = netutil::start(4096);
    let mut c = Client::connected(srv.addr());
    // libtaosws runs this inside taos_connect with req_id 0.
    c.binary(binary_query(0, "select server_version()"));
    let v = c.recv_json();
    assert_eq!(
        (v["code"].as_i64(), v["req_id"].as_u64()),
        (Some(0), Some(0))
    );
    c.binary(sql_frame(5, 10, "select server_version()"));
    assert_eq!(
        c.recv_text(),
        r#"{"code":0,"message":"","action":"validate_sql","req_id":5,"timing":0,"result_code":0}"#
    );
    c.binary(sql_frame(6, 10, "selec nonsense from"));
    let r = c.recv_json();
    assert_eq!(r["code"], 0);
    assert!(r["result_code"].as_i64().unwrap() < 0, "{r}");
    srv.stop();
}

#[test]
fn concurrent_connections() {
    let srv = netutil::start(7);
    let addr = srv.addr();
    let mut setup = Client::connected(addr);
    setup.exec("create database cc");
    let threads: Vec<_> = (0..8)
        .map(|t| {
            std::thread::spawn(move || {
                let mut c = Client::connected(addr);
                c.exec(&format!("create table cc.t{t} (ts timestamp, v int)"));
                let values: Vec<String> = (0..50)
                    .map(|i| format!("({}, {})", 1_700_000_000_000i64 + i, t * 1000 + i))
                    .collect();
                c.exec(&format!("insert into cc.t{t} values {}", values.join(" ")));
                for round in 0..5u64 {
                    c.binary(binary_query(round, &format!("select * from cc.t{t}")));
                    let id = c.recv_json()["id"].as_u64().unwrap();
                    let mut sum = 0i64;
                    loop {
                        c.binary(fetch_raw_block(round, id));
                        let r = parse_raw_reply(&c.recv_bin());
                        if r.finished {
                            break;
                        }
                        let b = RawBlock::parse(&r.block).unwrap();
                        for row in 0..b.rows() {
                            sum +=
                                i32::from_le_bytes(b.fixed_cell(1, row).try_into().unwrap()) as i64;
                        }
                    }
                    assert_eq!(sum, (0..50).map(|i| t * 1000 + i).sum::<i64>());
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    srv.stop();
}

#[test]
fn legacy_endpoint_query_shape_and_fetch() {
    let srv = netutil::start(4096);
    let mut setup = Client::connected(srv.addr());
    setup.exec("create database lq");
    setup.exec("create table lq.t (ts timestamp, v int)");
    setup.exec("insert into lq.t values (1700000000000, 5)");
    let mut c = Client::open(srv.addr(), "/rest/ws");
    c.ask(r#"{"action":"conn","args":{"req_id":1,"user":"root","password":"taosdata","db":"lq"}}"#);
    assert_eq!(
        c.ask(r#"{"action":"query","args":{"req_id":2,"sql":"select * from t"}}"#),
        r#"{"code":0,"message":"","action":"query","req_id":2,"timing":0,"id":1,"is_update":false,"affected_rows":0,"fields_count":2,"fields_names":["ts","v"],"fields_types":[9,4],"fields_lengths":[8,4],"precision":0}"#
    );
    assert_eq!(
        c.ask(r#"{"action":"fetch","args":{"req_id":3,"id":1}}"#),
        r#"{"code":0,"message":"","action":"fetch","req_id":3,"timing":0,"id":1,"completed":false,"lengths":[8,4],"rows":1}"#
    );
    c.text(r#"{"action":"fetch_block","args":{"req_id":3,"id":1}}"#);
    let b = c.recv_bin();
    let block = RawBlock::parse(&b[16..]).unwrap();
    assert_eq!(
        i32::from_le_bytes(block.fixed_cell(1, 0).try_into().unwrap()),
        5
    );
    // Binary query actions are not served on the legacy endpoint.
    c.binary(binary_query(4, "select 1"));
    assert_eq!(
        c.recv_text(),
        r#"{"code":65535,"message":"unknown binary action 6","action":"binary_query","req_id":4,"timing":0}"#
    );
    srv.stop();
}
