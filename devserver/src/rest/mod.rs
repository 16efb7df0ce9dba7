//! REST endpoints (ws-query.md §6): `POST /rest/sql[/<db>]` and
//! `GET /rest/login/<user>/<password>`. Each `/rest/sql` request runs on a fresh engine
//! session, so `USE` has no lasting effect.

pub mod format;

use std::io::Read;
use std::time::Instant;

use data_encoding::BASE64;

use crate::engine::tz::TimeZone;
use crate::engine::{Outcome, ResultSet, Session};
use crate::http::{Request, Response};
use crate::server::ServerState;
use crate::token;
use crate::ws::reply::elapsed_ns;

/// Adapter-side REST error codes (taosAdapter `httperror`).
mod code {
    pub const AUTH_FAILURE_LOGIN: u32 = 0x0003;
    pub const NO_AUTH_INFO: u32 = 0x1105;
    pub const NO_MSG_INPUT: u32 = 0x1106;
    pub const NO_SQL_INPUT: u32 = 0x1107;
    pub const INVALID_CONTENT_LENGTH: u32 = 0x1121;
    pub const GEN_TAOSD_TOKEN_ERR: u32 = 0x110A;
    pub const INVALID_AUTH_TYPE: u32 = 0x1122;
    pub const INVALID_BASIC_AUTH: u32 = 0x1124;
    pub const INVALID_TAOSD_AUTH: u32 = 0x1125;
    pub const AUTH_FAILURE: u32 = 0x0357;
    pub const ADAPTER: u32 = 0xffff;
}

/// Routes a non-WebSocket request; unknown paths and wrong methods get gin's 404.
pub fn route(state: &ServerState, req: &Request) -> Response {
    let start = Instant::now();
    let path = req.path.as_str();
    if req.method == "POST" {
        if path == "/rest/sql" {
            return sql(state, req, None, start);
        }
        if let Some(db) = path.strip_prefix("/rest/sql/") {
            if !db.is_empty() && !db.contains('/') {
                return sql(state, req, Some(db), start);
            }
        }
    }
    if req.method == "GET" {
        if let Some(rest) = path.strip_prefix("/rest/login/") {
            if let Some((user, password)) = rest.split_once('/') {
                if !password.contains('/') {
                    return login(state, user, password, start);
                }
            }
        }
    }
    Response::not_found()
}

/// The REST error body `{"code":..,"desc":..,"timing":..}` with an HTTP status.
fn error(status: u16, code: u32, desc: &str, start: Instant) -> Response {
    let mut b = Vec::with_capacity(64 + desc.len());
    b.extend_from_slice(format!("{{\"code\":{},\"desc\":", code & 0xffff).as_bytes());
    let _ = serde_json::to_writer(&mut b, desc);
    b.extend_from_slice(format!(",\"timing\":{}}}", elapsed_ns(start)).as_bytes());
    Response::json(status, b)
}

fn login(state: &ServerState, user: &str, password: &str, start: Instant) -> Response {
    if user.is_empty() || user.len() > 24 || password.is_empty() {
        return error(
            400,
            code::GEN_TAOSD_TOKEN_ERR,
            "generate taosd token error",
            start,
        );
    }
    if !state.check_user(user, password) {
        return error(
            401,
            code::AUTH_FAILURE_LOGIN,
            "Authentication failure",
            start,
        );
    }
    match token::encode(user, password) {
        Some(t) => {
            let mut b = b"{\"code\":0,\"desc\":".to_vec();
            let _ = serde_json::to_writer(&mut b, &t);
            b.push(b'}');
            Response::json(200, b)
        }
        None => error(
            400,
            code::GEN_TAOSD_TOKEN_ERR,
            "generate taosd token error",
            start,
        ),
    }
}

/// Credentials from the `Authorization` header, or the 401 reply.
fn credentials(req: &Request, start: Instant) -> Result<(String, String), Response> {
    let Some(auth) = req
        .header("authorization")
        .map(str::trim)
        .filter(|a| !a.is_empty())
    else {
        return Err(error(401, code::NO_AUTH_INFO, "no auth info input", start));
    };
    if let Some(b64) = auth.strip_prefix("Basic ") {
        let bad = || {
            error(
                401,
                code::INVALID_BASIC_AUTH,
                "invalid basic Authorization",
                start,
            )
        };
        let raw = BASE64.decode(b64.trim().as_bytes()).map_err(|_| bad())?;
        let text = String::from_utf8(raw).map_err(|_| bad())?;
        let (u, p) = text.split_once(':').ok_or_else(bad)?;
        if u.is_empty() || p.is_empty() {
            return Err(bad());
        }
        return Ok((u.to_string(), p.to_string()));
    }
    if let Some(t) = auth.strip_prefix("Taosd ") {
        return token::decode(t)
            .filter(|(_, p)| !p.is_empty())
            .ok_or_else(|| {
                error(
                    401,
                    code::INVALID_TAOSD_AUTH,
                    "invalid taosd Authorization",
                    start,
                )
            });
    }
    Err(error(
        401,
        code::INVALID_AUTH_TYPE,
        "invalid type of Authorization",
        start,
    ))
}

/// Go's `strconv.ParseBool` accepted spellings.
fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn sql(state: &ServerState, req: &Request, db: Option<&str>, start: Instant) -> Response {
    if let Some(id) = req.param("req_id").filter(|s| !s.is_empty()) {
        if let Err(e) = id.parse::<i64>() {
            let why = if matches!(
                e.kind(),
                std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
            ) {
                "value out of range"
            } else {
                "invalid syntax"
            };
            let msg = format!(
                "illegal param, req_id must be numeric strconv.ParseInt: parsing {id:?}: {why}"
            );
            return error(400, code::ADAPTER, &msg, start);
        }
    }
    let (user, password) = match credentials(req, start) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let row_with_meta = match req.param("row_with_meta") {
        None | Some("") => false,
        Some(v) => match parse_bool(v) {
            Some(b) => b,
            None => {
                return error(
                    400,
                    code::ADAPTER,
                    "illegal param, row_with_meta must be boolean",
                    start,
                )
            }
        },
    };
    // `conn_tz` also sets the session zone and wins over `tz` for formatting.
    let mut zone = None;
    for key in ["tz", "conn_tz"] {
        if let Some(name) = req.param(key).filter(|t| !t.is_empty()) {
            match TimeZone::parse(name) {
                Ok(z) => zone = Some(z),
                Err(_) => {
                    let msg = format!("unknown time zone {name}");
                    return error(400, code::ADAPTER, &msg, start);
                }
            }
        }
    }
    let conn_tz = req.param("conn_tz").filter(|t| !t.is_empty());
    let timing = req.param("timing") == Some("true");
    let body = match body(req) {
        Some(b) => b,
        None => {
            return error(
                400,
                code::INVALID_CONTENT_LENGTH,
                "invalid content length",
                start,
            )
        }
    };
    if body.is_empty() {
        return error(400, code::NO_MSG_INPUT, "request is empty", start);
    }
    let text = String::from_utf8_lossy(&body);
    let sql = text.trim();
    if sql.is_empty() {
        return error(400, code::NO_SQL_INPUT, "no sql input", start);
    }
    if !state.check_user(&user, &password) {
        // Detected when the pooled connection opens: a TDengine error with HTTP 200.
        return error(200, code::AUTH_FAILURE, "Authentication failure", start);
    }
    let mut session = Session {
        timezone: conn_tz.map(str::to_string),
        ..Session::default()
    };
    if let Some(db) = db {
        // The adapter selects the database and ignores failures (so CREATE DATABASE works).
        let _ = state.engine.execute(&mut session, &format!("use `{db}`"));
    }
    match state.engine.execute(&mut session, sql) {
        Err(e) => error(200, (e.code as u32) & 0xffff, &e.message, start),
        Ok(Outcome::Affected(n)) => {
            let mut b =
                b"{\"code\":0,\"column_meta\":[[\"affected_rows\",\"INT\",4]],\"data\":[".to_vec();
            if row_with_meta {
                b.extend_from_slice(format!("{{\"affected_rows\":{n}}}").as_bytes());
            } else {
                b.extend_from_slice(format!("[{n}]").as_bytes());
            }
            b.extend_from_slice(b"],\"rows\":1");
            finish(b, timing, start)
        }
        Ok(Outcome::Rows(rs)) => finish(
            rows_body(&rs, row_with_meta, zone.as_deref()),
            timing,
            start,
        ),
    }
}

/// The request body, gunzipped when `Content-Encoding: gzip`; `None` if that fails.
fn body(req: &Request) -> Option<std::borrow::Cow<'_, [u8]>> {
    if !req.header_has_token("content-encoding", "gzip") {
        return Some(std::borrow::Cow::Borrowed(&req.body));
    }
    let mut out = Vec::new();
    // Bounded like any other body: a gzip bomb stops at the limit and is refused.
    let limit = 64 * 1024 * 1024;
    let n = flate2::read::GzDecoder::new(req.body.as_slice())
        .take(limit + 1)
        .read_to_end(&mut out)
        .ok()?;
    (n as u64 <= limit).then_some(std::borrow::Cow::Owned(out))
}

fn finish(mut b: Vec<u8>, timing: bool, start: Instant) -> Response {
    if timing {
        b.extend_from_slice(format!(",\"timing\":{}", elapsed_ns(start)).as_bytes());
    }
    b.push(b'}');
    Response::json(200, b)
}

/// `{"code":0,"column_meta":[...],"data":[...],"rows":N` (closed by the caller).
fn rows_body(rs: &ResultSet, row_with_meta: bool, tz: Option<&TimeZone>) -> Vec<u8> {
    let fields = rs.fields();
    let precision = rs.precision();
    let mut b = b"{\"code\":0,\"column_meta\":[".to_vec();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            b.push(b',');
        }
        b.push(b'[');
        format::write_str(&mut b, f.name.as_bytes());
        b.push(b',');
        format::write_str(
            &mut b,
            format::type_name(f.ty, f.precision, f.scale).as_bytes(),
        );
        b.extend_from_slice(format!(",{}]", f.bytes).as_bytes());
    }
    b.extend_from_slice(b"],\"data\":[");
    let rows = rs.num_rows();
    for r in 0..rows {
        if r > 0 {
            b.push(b',');
        }
        b.push(if row_with_meta { b'{' } else { b'[' });
        for (c, f) in fields.iter().enumerate() {
            if c > 0 {
                b.push(b',');
            }
            if row_with_meta {
                format::write_str(&mut b, f.name.as_bytes());
                b.push(b':');
            }
            format::write_value(&mut b, &rs.value(r, c), f.ty, precision, tz);
        }
        b.push(if row_with_meta { b'}' } else { b']' });
    }
    b.extend_from_slice(format!("],\"rows\":{rows}").as_bytes());
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::Config;
    use std::sync::Arc;

    fn state() -> ServerState {
        ServerState {
            engine: Arc::new(crate::engine::Engine::new()),
            config: Config::default(),
        }
    }

    fn req(method: &str, path: &str, auth: Option<&str>, body: &str) -> Request {
        let (p, q) = path.split_once('?').unwrap_or((path, ""));
        let mut headers = Vec::new();
        if let Some(a) = auth {
            headers.push(("authorization".to_string(), a.to_string()));
        }
        Request {
            method: method.into(),
            path: p.into(),
            query: crate::http::parse_query(q),
            version: "HTTP/1.1".into(),
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    fn body(r: &Response) -> String {
        let s = String::from_utf8(r.body.clone()).unwrap();
        // Mask the timing value.
        match s.find("\"timing\":") {
            Some(i) => {
                let end = s[i + 9..].find(|c: char| !c.is_ascii_digit()).unwrap() + i + 9;
                format!("{}\"timing\":0{}", &s[..i], &s[end..])
            }
            None => s,
        }
    }

    #[test]
    fn auth_and_input_errors() {
        let st = state();
        let r = route(&st, &req("POST", "/rest/sql", None, "show databases"));
        assert_eq!(
            (r.status, body(&r).as_str()),
            (
                401,
                r#"{"code":4357,"desc":"no auth info input","timing":0}"#
            )
        );
        let r = route(&st, &req("POST", "/rest/sql", Some("Bearer x"), "x"));
        assert_eq!(
            (r.status, body(&r).as_str()),
            (
                401,
                r#"{"code":4386,"desc":"invalid type of Authorization","timing":0}"#
            )
        );
        let r = route(&st, &req("POST", "/rest/sql", Some("Basic cm9vdDo="), "x"));
        assert_eq!(
            (r.status, body(&r).as_str()),
            (
                401,
                r#"{"code":4388,"desc":"invalid basic Authorization","timing":0}"#
            )
        );
        let r = route(&st, &req("POST", "/rest/sql", Some("Taosd abc"), "x"));
        assert_eq!(
            (r.status, body(&r).as_str()),
            (
                401,
                r#"{"code":4389,"desc":"invalid taosd Authorization","timing":0}"#
            )
        );
        let basic = "Basic cm9vdDp0YW9zZGF0YQ=="; // root:taosdata
        let r = route(&st, &req("POST", "/rest/sql", Some(basic), ""));
        assert_eq!(
            (r.status, body(&r).as_str()),
            (400, r#"{"code":4358,"desc":"request is empty","timing":0}"#)
        );
        let r = route(&st, &req("POST", "/rest/sql/db", Some(basic), " \n\t"));
        assert_eq!(
            (r.status, body(&r).as_str()),
            (400, r#"{"code":4359,"desc":"no sql input","timing":0}"#)
        );
        let r = route(&st, &req("POST", "/rest/sql?req_id=abc", Some(basic), "x"));
        assert_eq!(r.status, 400);
        assert!(body(&r).contains("illegal param, req_id must be numeric"));
        let r = route(
            &st,
            &req("POST", "/rest/sql?row_with_meta=maybe", Some(basic), "x"),
        );
        assert_eq!(r.status, 400);
        let wrong = format!("Basic {}", BASE64.encode(b"root:nope"));
        let r = route(
            &st,
            &req("POST", "/rest/sql", Some(&wrong), "show databases"),
        );
        assert_eq!(
            (r.status, body(&r).as_str()),
            (
                200,
                r#"{"code":855,"desc":"Authentication failure","timing":0}"#
            )
        );
    }

    #[test]
    fn login_and_routes() {
        let st = state();
        let r = route(&st, &req("GET", "/rest/login/root/taosdata", None, ""));
        assert_eq!(r.status, 200);
        assert_eq!(
            body(&r),
            r#"{"code":0,"desc":"/KfeAzX/f9na8qdtNZmtONryp201ma04bEl8LcvLUd7a8qdtNZmtONryp201ma04"}"#
        );
        let r = route(&st, &req("GET", "/rest/login/root/bad", None, ""));
        assert_eq!(
            (r.status, body(&r).as_str()),
            (
                401,
                r#"{"code":3,"desc":"Authentication failure","timing":0}"#
            )
        );
        let long = format!("/rest/login/{}/x", "u".repeat(25));
        let r = route(&st, &req("GET", &long, None, ""));
        assert_eq!(
            (r.status, body(&r).as_str()),
            (
                400,
                r#"{"code":4362,"desc":"generate taosd token error","timing":0}"#
            )
        );
        for (m, p) in [
            ("GET", "/rest/sql"),
            ("POST", "/nope"),
            ("POST", "/rest/sqlt"),
            ("POST", "/rest/sql/db/vgid"),
        ] {
            let r = route(&st, &req(m, p, None, "x"));
            assert_eq!(
                (r.status, r.body.as_slice()),
                (404, &b"404 page not found"[..])
            );
        }
    }
}
