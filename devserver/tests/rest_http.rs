//! REST over a real socket: `/rest/login` tokens, Basic and Taosd auth, keep-alive, the
//! affected-rows and query bodies of ws-query.md §6.3, `row_with_meta`, `timing`, errors.

mod netutil;

use std::io::Write;
use std::net::TcpStream;

use netutil::mask_timing;

const BASIC: &str = "Basic cm9vdDp0YW9zZGF0YQ=="; // root:taosdata
const ROOT_TOKEN: &str = "/KfeAzX/f9na8qdtNZmtONryp201ma04bEl8LcvLUd7a8qdtNZmtONryp201ma04";

fn post(s: &mut TcpStream, path: &str, auth: &str, body: &str) -> (u16, String) {
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: t\r\nAuthorization: {auth}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let (status, headers, body) = netutil::http(s, &req);
    assert!(headers
        .iter()
        .any(|(k, v)| k == "content-type" && v == "application/json; charset=utf-8"));
    (status, mask_timing(&String::from_utf8(body).unwrap()))
}

#[test]
fn login_token_and_keep_alive() {
    let srv = netutil::start(4096);
    let mut s = TcpStream::connect(srv.addr()).unwrap();
    let (status, _, body) = netutil::http(
        &mut s,
        "GET /rest/login/root/taosdata HTTP/1.1\r\nHost: t\r\n\r\n",
    );
    assert_eq!(status, 200);
    assert_eq!(
        String::from_utf8(body).unwrap(),
        format!(r#"{{"code":0,"desc":"{ROOT_TOKEN}"}}"#)
    );
    // The token authenticates, on the same keep-alive connection.
    let (status, body) = post(
        &mut s,
        "/rest/sql",
        &format!("Taosd {ROOT_TOKEN}"),
        "create database r1",
    );
    assert_eq!(status, 200);
    assert_eq!(
        body,
        r#"{"code":0,"column_meta":[["affected_rows","INT",4]],"data":[[0]],"rows":1}"#
    );
    let (status, body) = post(
        &mut s,
        "/rest/sql",
        "Basic cm9vdDp3cm9uZw==",
        "show databases",
    );
    assert_eq!(
        (status, body.as_str()),
        (
            200,
            r#"{"code":855,"desc":"Authentication failure","timing":0}"#
        )
    );
    srv.stop();
}

#[test]
fn query_bodies_match_the_spec() {
    let srv = netutil::start(4096);
    let mut s = TcpStream::connect(srv.addr()).unwrap();
    post(&mut s, "/rest/sql", BASIC, "create database rq");
    // The db path segment is the default database for this request only.
    let (_, body) = post(
        &mut s,
        "/rest/sql/rq",
        BASIC,
        "create table t (ts timestamp, i int, s varchar(10), n nchar(5))",
    );
    assert!(body.starts_with(r#"{"code":0,"#), "{body}");
    let (_, body) = post(
        &mut s,
        "/rest/sql/rq",
        BASIC,
        "insert into t values (1700000000000, 42, 'abc', 'ab') (1700000001000, NULL, NULL, '中')",
    );
    assert_eq!(
        body,
        r#"{"code":0,"column_meta":[["affected_rows","INT",4]],"data":[[2]],"rows":1}"#
    );
    let (status, body) = post(&mut s, "/rest/sql/rq", BASIC, "select * from t");
    assert_eq!(status, 200);
    assert_eq!(
        body,
        r#"{"code":0,"column_meta":[["ts","TIMESTAMP",8],["i","INT",4],["s","VARCHAR",10],["n","NCHAR",5]],"data":[["2023-11-14T22:13:20.000Z",42,"abc","ab"],["2023-11-14T22:13:21.000Z",null,null,"中"]],"rows":2}"#
    );
    let (_, body) = post(
        &mut s,
        "/rest/sql/rq?row_with_meta=true&timing=true",
        BASIC,
        "select i, s from t",
    );
    assert_eq!(
        body,
        r#"{"code":0,"column_meta":[["i","INT",4],["s","VARCHAR",10]],"data":[{"i":42,"s":"abc"},{"i":null,"s":null}],"rows":2,"timing":0}"#
    );
    // Formatting zone: an unknown zone is refused; a fixed offset renders ±hh:mm.
    let (status, body) = post(
        &mut s,
        "/rest/sql/rq?tz=No/Such_Zone",
        BASIC,
        "select ts from t",
    );
    assert_eq!(
        (status, body.as_str()),
        (
            400,
            r#"{"code":65535,"desc":"unknown time zone No/Such_Zone","timing":0}"#
        )
    );
    let (_, body) = post(
        &mut s,
        "/rest/sql/rq?tz=UTC",
        BASIC,
        "select ts from t where i = 42",
    );
    assert!(
        body.contains(r#""data":[["2023-11-14T22:13:20.000Z"]]"#),
        "{body}"
    );
    if std::path::Path::new("/usr/share/zoneinfo/Asia/Shanghai").exists() {
        let (_, body) = post(
            &mut s,
            "/rest/sql/rq?tz=Asia/Shanghai",
            BASIC,
            "select ts from t where i = 42",
        );
        assert!(
            body.contains(r#""data":[["2023-11-15T06:13:20.000+08:00"]]"#),
            "{body}"
        );
    }
    // USE over REST does not stick: the next request has no database.
    let (_, body) = post(&mut s, "/rest/sql", BASIC, "select * from t");
    assert!(
        body.starts_with(r#"{"code":"#) && !body.starts_with(r#"{"code":0"#),
        "{body}"
    );
    assert!(
        body.contains(r#""desc":"#) && body.ends_with(r#""timing":0}"#),
        "{body}"
    );
    let (_, body) = post(
        &mut s,
        "/rest/sql/rq",
        BASIC,
        "select * from t where i > 100",
    );
    assert_eq!(
        body,
        r#"{"code":0,"column_meta":[["ts","TIMESTAMP",8],["i","INT",4],["s","VARCHAR",10],["n","NCHAR",5]],"data":[],"rows":0}"#
    );
    srv.stop();
}

#[test]
fn request_errors_keep_the_connection() {
    let srv = netutil::start(4096);
    let mut s = TcpStream::connect(srv.addr()).unwrap();
    let (status, _, body) = netutil::http(
        &mut s,
        "POST /rest/sql HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nshow",
    );
    assert_eq!(
        (
            status,
            mask_timing(&String::from_utf8(body).unwrap()).as_str()
        ),
        (
            401,
            r#"{"code":4357,"desc":"no auth info input","timing":0}"#
        )
    );
    let (status, body) = post(&mut s, "/rest/sql", BASIC, "");
    assert_eq!(
        (status, body.as_str()),
        (400, r#"{"code":4358,"desc":"request is empty","timing":0}"#)
    );
    // Chunked request body.
    let (status, _, body) = netutil::http(
        &mut s,
        &format!("POST /rest/sql HTTP/1.1\r\nHost: t\r\nAuthorization: {BASIC}\r\nTransfer-Encoding: chunked\r\n\r\n6\r\ncreate\r\n10\r\n database chunks\r\n0\r\n\r\n"),
    );
    assert_eq!(status, 200);
    assert!(String::from_utf8(body)
        .unwrap()
        .starts_with(r#"{"code":0,"#));
    // gzip-encoded request body.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"create database gz").unwrap();
    let gz = gz.finish().unwrap();
    let mut req = format!("POST /rest/sql HTTP/1.1\r\nHost: t\r\nAuthorization: {BASIC}\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n", gz.len()).into_bytes();
    req.extend_from_slice(&gz);
    s.write_all(&req).unwrap();
    let (status, _, body) = netutil::read_response(&mut s);
    assert_eq!(
        (
            status,
            String::from_utf8(body)
                .unwrap()
                .starts_with(r#"{"code":0,"#)
        ),
        (200, true)
    );
    let bad = format!("POST /rest/sql HTTP/1.1\r\nHost: t\r\nAuthorization: {BASIC}\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc");
    let (status, _, body) = netutil::http(&mut s, &bad);
    assert_eq!(
        (
            status,
            mask_timing(&String::from_utf8(body).unwrap()).as_str()
        ),
        (
            400,
            r#"{"code":4385,"desc":"invalid content length","timing":0}"#
        )
    );
    // Expect: 100-continue (curl, large bodies).
    let sql = "create database cont";
    s.write_all(
        format!("POST /rest/sql HTTP/1.1\r\nHost: t\r\nAuthorization: {BASIC}\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n", sql.len())
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(netutil::read_response(&mut s).0, 100);
    s.write_all(sql.as_bytes()).unwrap();
    let (status, _, body) = netutil::read_response(&mut s);
    assert_eq!(status, 200);
    assert!(String::from_utf8(body)
        .unwrap()
        .starts_with(r#"{"code":0,"#));
    srv.stop();
}
