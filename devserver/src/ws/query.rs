//! The query area's action table: `version`, `conn`, `query`, `binary_query`,
//! `fetch_raw_block`, `fetch`, `fetch_block`, `free_result`, `num_fields`, `get_current_db`,
//! `get_server_info`, `options_connection`, `check_server_status`, `validate_sql`,
//! `get_connection_info` (ws-query.md §2.4, §3).

use std::time::Instant;

use serde::Deserialize;

use super::envelope::nullable;
use super::reply::{self, elapsed_ns, json, timing_ns, Json, Out};
use super::session::{Connected, Handled, OpenResult, TextRequest, WsSession, ADAPTER_ERROR};
use crate::engine::{Outcome, SERVER_VERSION};
use taos_wire::binary::{self as wb, ClientHeader};
use taos_wire::error::{codes, TaosError};
use taos_wire::json as wj;

/// A TDengine error with its standard text, as libtaos would report it.
fn taos_error(code: i32) -> TaosError {
    TaosError::new(code, codes::default_message(code))
}

/// The JSON error reply for a TDengine error.
fn error_reply(e: &TaosError, action: &str, req_id: u64, start: Instant) -> Out {
    reply::error(e.wire_code(), &e.message, action, req_id, start)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReqIdArgs {
    #[serde(deserialize_with = "nullable::de")]
    req_id: u64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ConnArgs {
    #[serde(deserialize_with = "nullable::de")]
    req_id: u64,
    #[serde(deserialize_with = "nullable::de")]
    user: String,
    #[serde(deserialize_with = "nullable::de")]
    password: String,
    #[serde(deserialize_with = "nullable::de")]
    db: String,
    mode: Option<i64>,
    #[serde(deserialize_with = "nullable::de")]
    tz: String,
    #[serde(deserialize_with = "nullable::de")]
    app: String,
    #[serde(deserialize_with = "nullable::de")]
    ip: String,
    #[serde(deserialize_with = "nullable::de")]
    connector: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct QueryArgs {
    #[serde(deserialize_with = "nullable::de")]
    req_id: u64,
    #[serde(deserialize_with = "nullable::de")]
    sql: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct IdArgs {
    #[serde(deserialize_with = "nullable::de")]
    req_id: u64,
    #[serde(deserialize_with = "nullable::de")]
    id: u64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NumFieldsArgs {
    #[serde(deserialize_with = "nullable::de")]
    req_id: u64,
    #[serde(deserialize_with = "nullable::de")]
    result_id: u64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OptionArg {
    #[serde(deserialize_with = "nullable::de")]
    option: i64,
    value: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OptionsArgs {
    #[serde(deserialize_with = "nullable::de")]
    req_id: u64,
    #[serde(deserialize_with = "nullable::de")]
    options: Vec<OptionArg>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CheckServerStatusArgs {
    #[serde(deserialize_with = "nullable::de")]
    req_id: u64,
    #[allow(dead_code)] // accepted for shape checking; the dev server is its own "server"
    fqdn: Option<String>,
    #[allow(dead_code)]
    #[serde(deserialize_with = "nullable::de")]
    port: i32,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ConnectionInfoArgs {
    #[serde(deserialize_with = "nullable::de")]
    req_id: u64,
    #[serde(deserialize_with = "nullable::de")]
    info: i64,
}

/// Actions that work without `conn`: `version`, `conn`, `check_server_status`.
pub fn no_conn_action(s: &mut WsSession, req: &TextRequest) -> Handled {
    let out = match req.action {
        "version" => version(s, req),
        "conn" => conn(s, req),
        "check_server_status" if !s.legacy => check_server_status(req),
        _ => return Handled::NotMine,
    };
    Handled::Reply(Some(out))
}

/// Query-area JSON actions that need a connection.
pub fn text_action(s: &mut WsSession, req: &TextRequest) -> Handled {
    let out = match req.action {
        "query" => query_json(s, req),
        "fetch" => fetch(s, req),
        "fetch_block" => fetch_block(s, req),
        "free_result" => return Handled::Reply(free_result(s, req)),
        "num_fields" => num_fields(s, req),
        "get_current_db" => get_current_db(s, req),
        "get_server_info" => get_server_info(req),
        "options_connection" => options_connection(s, req),
        "get_connection_info" => get_connection_info(s, req),
        _ => return Handled::NotMine,
    };
    Handled::Reply(Some(out))
}

/// Query-area binary actions (6, 7, 10).
pub fn binary_action(s: &mut WsSession, h: &ClientHeader, data: &[u8], start: Instant) -> Handled {
    let out = match h.action {
        wb::ACTION_BINARY_QUERY => match wb::parse_sql_request(data) {
            Ok(r) => run_query(s, "binary_query", h.req_id, &r.sql_str(), start),
            Err(e) => reply::error(e.wire_code(), &e.message, "binary_query", h.req_id, start),
        },
        wb::ACTION_FETCH_RAW_BLOCK => fetch_raw_block(s, h, data, start),
        wb::ACTION_VALIDATE_SQL => match wb::parse_sql_request(data) {
            Ok(r) => validate_sql(s, h.req_id, &r.sql_str(), start),
            Err(e) => reply::error(e.wire_code(), &e.message, "validate_sql", h.req_id, start),
        },
        _ => return Handled::NotMine,
    };
    Handled::Reply(Some(out))
}

fn version(s: &WsSession, req: &TextRequest) -> Out {
    // `version` is the one action whose args may be absent.
    let req_id = match req.args {
        None => 0,
        Some(_) => match req.decode::<ReqIdArgs>("version") {
            Ok(a) => a.req_id,
            Err(e) => return e,
        },
    };
    if s.legacy {
        return Json::object()
            .field("code", 0)
            .field("message", "")
            .field("action", "version")
            .field("version", SERVER_VERSION)
            .out();
    }
    json(&wj::VersionReply {
        action: "version".into(),
        req_id,
        timing: timing_ns(req.start),
        version: SERVER_VERSION.into(),
        ..Default::default()
    })
}

fn conn(s: &mut WsSession, req: &TextRequest) -> Out {
    let a: ConnArgs = match req.decode("connect") {
        Ok(a) => a,
        Err(e) => return e,
    };
    let fail = |code: u32, msg: &str| reply::error(code, msg, "conn", a.req_id, req.start);
    if s.conn.is_some() {
        return fail(ADAPTER_ERROR, "duplicate connections");
    }
    if !s.shared.check_user(&a.user, &a.password) {
        let e = taos_error(codes::TSDB_CODE_MND_AUTH_FAILURE);
        return error_reply(&e, "conn", a.req_id, req.start);
    }
    if !a.db.is_empty() && !s.shared.engine.database_exists(&a.db) {
        let e = taos_error(codes::TSDB_CODE_MND_DB_NOT_EXIST);
        return error_reply(&e, "conn", a.req_id, req.start);
    }
    if let Some(m) = a.mode {
        if m != 0 {
            return fail(ADAPTER_ERROR, &format!("unexpected mode:{m}"));
        }
    }
    let non_empty = |v: &str| (!v.is_empty()).then(|| v.to_string());
    let mut c = Connected {
        user: a.user.clone(),
        app: non_empty(&a.app).map(truncate_app),
        ip: non_empty(&a.ip).or_else(|| Some(s.peer_ip.clone())),
        connector: non_empty(&a.connector),
        ..Connected::default()
    };
    c.session.current_db = non_empty(&a.db);
    c.session.timezone = non_empty(&a.tz);
    s.conn = Some(c);
    let timing = timing_ns(req.start);
    if s.legacy {
        return json(&wj::ErrorReply {
            action: "conn".into(),
            req_id: a.req_id,
            timing,
            ..Default::default()
        });
    }
    json(&wj::ConnReply {
        action: "conn".into(),
        req_id: a.req_id,
        timing,
        version: SERVER_VERSION.into(),
        ..Default::default()
    })
}

/// TDengine keeps at most 23 bytes of an application name.
fn truncate_app(mut app: String) -> String {
    let mut n = app.len().min(23);
    while !app.is_char_boundary(n) {
        n -= 1;
    }
    app.truncate(n);
    app
}

fn query_json(s: &mut WsSession, req: &TextRequest) -> Out {
    let a: QueryArgs = match req.decode("query") {
        Ok(a) => a,
        Err(e) => return e,
    };
    run_query(s, "query", a.req_id, &a.sql, req.start)
}

/// Executes SQL and builds the `query` / `binary_query` reply, registering a result set.
fn run_query(s: &mut WsSession, action: &str, req_id: u64, sql: &str, start: Instant) -> Out {
    let engine = s.shared.engine.clone();
    let Some(c) = s.conn.as_mut() else {
        return reply::error(ADAPTER_ERROR, "server not connected", action, req_id, start);
    };
    let outcome = engine.execute(&mut c.session, sql.trim());
    let mut r = match outcome {
        Err(e) => return reply::error(e.wire_code(), &e.message, action, req_id, start),
        Ok(Outcome::Affected(n)) => wj::QueryReply::update(action, req_id, 0, n),
        Ok(Outcome::Rows(rs)) => {
            let f = rs.fields();
            let r = wj::QueryReply {
                action: action.into(),
                req_id,
                id: 0,
                is_update: false,
                fields_count: f.len() as i64,
                fields_names: Some(f.iter().map(|x| x.name.clone()).collect()),
                fields_types: Some(f.iter().map(|x| x.ty).collect()),
                fields_lengths: Some(f.iter().map(|x| x.bytes).collect()),
                precision: rs.precision() as i32,
                fields_precisions: Some(f.iter().map(|x| x.precision as i64).collect()),
                fields_scales: Some(f.iter().map(|x| x.scale as i64).collect()),
                ..Default::default()
            };
            let id = s.open_result(rs);
            wj::QueryReply { id, ..r }
        }
    };
    r.timing = timing_ns(start);
    if s.legacy {
        legacy_query_reply(&r)
    } else {
        json(&r)
    }
}

/// `/rest/ws` query reply: the `/ws` shape without `fields_precisions` / `fields_scales`.
fn legacy_query_reply(r: &wj::QueryReply) -> Out {
    Json::common(
        r.code,
        &r.message,
        &r.action,
        r.req_id,
        r.timing.max(0) as u64,
    )
    .field("id", r.id)
    .field("is_update", r.is_update)
    .field("affected_rows", r.affected_rows)
    .field("fields_count", r.fields_count)
    .field("fields_names", &r.fields_names)
    .field("fields_types", &r.fields_types)
    .field("fields_lengths", &r.fields_lengths)
    .field("precision", r.precision)
    .out()
}

/// Rows per block for the next fetch of `r`: `[pos, pos + n)`.
fn next_block(r: &mut OpenResult, block_rows: usize) -> Option<Vec<u8>> {
    let total = r.rs.num_rows();
    if r.pos >= total {
        return None;
    }
    let n = block_rows.max(1).min(total - r.pos);
    let b = r.rs.encode_block(r.pos, n);
    r.pos += n;
    Some(b)
}

fn fetch_raw_block(s: &mut WsSession, h: &ClientHeader, data: &[u8], start: Instant) -> Out {
    let err = |e: TaosError| {
        Out::Binary(wb::encode_raw_block_error(
            elapsed_ns(start),
            h.req_id,
            h.id,
            &e,
        ))
    };
    if let Err(e) = wb::parse_fetch_raw_block(data) {
        return err(e);
    }
    let block_rows = s.shared.config.block_rows;
    let Some(r) = s.results.get_mut(&h.id) else {
        return err(TaosError::adapter("result is nil"));
    };
    match next_block(r, block_rows) {
        Some(b) => Out::Binary(wb::encode_raw_block_data(
            elapsed_ns(start),
            h.req_id,
            h.id,
            &b,
        )),
        None => {
            // End of data frees the result (§2.5).
            s.results.remove(&h.id);
            Out::Binary(wb::encode_raw_block_end(elapsed_ns(start), h.req_id, h.id))
        }
    }
}

fn fetch(s: &mut WsSession, req: &TextRequest) -> Out {
    let a: IdArgs = match req.decode("fetch") {
        Ok(a) => a,
        Err(e) => return e,
    };
    let block_rows = s.shared.config.block_rows;
    let Some(r) = s.results.get_mut(&a.id) else {
        return req.error(a.req_id, "result is nil");
    };
    let before = r.pos;
    let mut reply = wj::FetchReply {
        action: "fetch".into(),
        req_id: a.req_id,
        id: a.id,
        ..Default::default()
    };
    match next_block(r, block_rows) {
        Some(b) => {
            reply.rows = (r.pos - before) as i64;
            reply.lengths = Some(r.rs.internal_widths());
            r.block = Some(b);
        }
        None => {
            s.results.remove(&a.id);
            reply.completed = true;
        }
    }
    reply.timing = timing_ns(req.start);
    json(&reply)
}

fn fetch_block(s: &mut WsSession, req: &TextRequest) -> Out {
    let a: IdArgs = match req.decode("fetch block") {
        Ok(a) => a,
        Err(e) => return e,
    };
    let Some(r) = s.results.get(&a.id) else {
        return req.error(a.req_id, "result is nil");
    };
    match &r.block {
        Some(b) => Out::Binary(wb::encode_fetch_block(elapsed_ns(req.start), a.id, b)),
        None => req.error(a.req_id, "block is nil"),
    }
}

fn free_result(s: &mut WsSession, req: &TextRequest) -> Option<Out> {
    match req.decode::<IdArgs>("free result") {
        Ok(a) => {
            // Unknown or already freed ids are a silent no-op (§2.4.6).
            s.results.remove(&a.id);
            None
        }
        Err(e) => Some(e),
    }
}

fn num_fields(s: &mut WsSession, req: &TextRequest) -> Out {
    let a: NumFieldsArgs = match req.decode("num fields") {
        Ok(a) => a,
        Err(e) => return e,
    };
    match s.results.get(&a.result_id) {
        None => req.error(a.req_id, "result is nil"),
        Some(r) => json(&wj::NumFieldsReply {
            action: "num_fields".into(),
            req_id: a.req_id,
            timing: timing_ns(req.start),
            num_fields: r.rs.fields().len() as i32,
            ..Default::default()
        }),
    }
}

fn get_current_db(s: &mut WsSession, req: &TextRequest) -> Out {
    let a: ReqIdArgs = match req.decode("get current db") {
        Ok(a) => a,
        Err(e) => return e,
    };
    let db = s
        .conn
        .as_ref()
        .and_then(|c| c.session.current_db.clone())
        .unwrap_or_default();
    json(&wj::GetCurrentDbReply {
        action: "get_current_db".into(),
        req_id: a.req_id,
        timing: timing_ns(req.start),
        db,
        ..Default::default()
    })
}

fn get_server_info(req: &TextRequest) -> Out {
    let a: ReqIdArgs = match req.decode("get server info") {
        Ok(a) => a,
        Err(e) => return e,
    };
    json(&wj::GetServerInfoReply {
        action: "get_server_info".into(),
        req_id: a.req_id,
        timing: timing_ns(req.start),
        info: server_info(),
        ..Default::default()
    })
}

/// `taos_get_server_info` text: TDengine's mnode sends `ver:<v>\nbuild:<b>\ngitinfo:<g>`
/// (`mndProcessConnectReq`); build and git info name this server.
pub fn server_info() -> String {
    format!(
        "ver:{SERVER_VERSION}\nbuild:taos-devserver {}\ngitinfo:none",
        env!("CARGO_PKG_VERSION")
    )
}

fn options_connection(s: &mut WsSession, req: &TextRequest) -> Out {
    let a: OptionsArgs = match req.decode("options connection") {
        Ok(a) => a,
        Err(e) => return e,
    };
    let peer = s.peer_ip.clone();
    let Some(c) = s.conn.as_mut() else {
        return req.error(a.req_id, "server not connected");
    };
    for o in a.options {
        let v = o.value;
        match o.option {
            -1 => {
                c.charset = None;
                c.session.timezone = None;
                c.ip = Some(peer.clone());
                c.app = None;
                c.connector = None;
            }
            0 => c.charset = v,
            1 => c.session.timezone = v,
            2 => c.ip = v.or_else(|| Some(peer.clone())),
            3 => c.app = v.map(truncate_app),
            4 => c.connector = v,
            _ => {
                return error_reply(
                    &taos_error(codes::TSDB_CODE_INVALID_PARA),
                    "options_connection",
                    a.req_id,
                    req.start,
                )
            }
        }
    }
    json(&wj::OptionsConnectionReply {
        action: "options_connection".into(),
        req_id: a.req_id,
        timing: timing_ns(req.start),
        ..Default::default()
    })
}

fn check_server_status(req: &TextRequest) -> Out {
    let a: CheckServerStatusArgs = match req.decode("check server status") {
        Ok(a) => a,
        Err(e) => return e,
    };
    // The in-process engine is always up: TSDB_SRV_STATUS_SERVICE_OK.
    json(&wj::CheckServerStatusReply {
        action: "check_server_status".into(),
        req_id: a.req_id,
        timing: timing_ns(req.start),
        status: 2,
        details: String::new(),
        ..Default::default()
    })
}

fn get_connection_info(s: &mut WsSession, req: &TextRequest) -> Out {
    let a: ConnectionInfoArgs = match req.decode("get connection info") {
        Ok(a) => a,
        Err(e) => return e,
    };
    match (a.info, s.conn.as_ref()) {
        // TSDB_CONNECTION_INFO_USER
        (0, Some(c)) => json(&wj::GetConnectionInfoReply {
            action: "get_connection_info".into(),
            req_id: a.req_id,
            timing: timing_ns(req.start),
            info: c.user.clone(),
            ..Default::default()
        }),
        _ => error_reply(
            &taos_error(codes::TSDB_CODE_INVALID_PARA),
            "get_connection_info",
            a.req_id,
            req.start,
        ),
    }
}

fn validate_sql(s: &mut WsSession, req_id: u64, sql: &str, start: Instant) -> Out {
    let session = s
        .conn
        .as_ref()
        .map(|c| c.session.clone())
        .unwrap_or_default();
    let result_code: i64 = match s.shared.engine.validate(&session, sql.trim()) {
        Ok(()) => 0,
        Err(e) => e.code as i64,
    };
    json(&wj::ValidateSqlReply {
        action: "validate_sql".into(),
        req_id,
        timing: timing_ns(start),
        result_code,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_names_are_cut_at_23_bytes_on_a_char_boundary() {
        assert_eq!(truncate_app("é".repeat(20)).len(), 22);
        assert_eq!(truncate_app("a".repeat(30)).len(), 23);
    }
}
