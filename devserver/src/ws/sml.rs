//! The schemaless area's action table: `insert` on `/ws` (ws-stmt-sml-tmq.md §3.1).
//!
//! The adapter hands the whole payload to `taos_schemaless_insert_raw_ttl_with_reqid_tbname_key`;
//! here [`apply`] plays TDengine's part (parse everything, then change schemas, then insert).

mod apply;

use serde::Deserialize;

use super::envelope::nullable;
use super::reply::{self, json, timing_ns, Out};
use super::session::{Handled, TextRequest, WsSession, ADAPTER_ERROR};
use crate::sml::precision_from_str;
use taos_wire::error::{codes, TaosError};
use taos_wire::json::schemaless::InsertReply;

pub use apply::{apply, Applied, SmlRequest};

#[derive(Deserialize, Default)]
#[serde(default)]
struct InsertArgs {
    #[serde(deserialize_with = "nullable::de")]
    req_id: u64,
    #[serde(deserialize_with = "nullable::de")]
    protocol: i32,
    #[serde(deserialize_with = "nullable::de")]
    precision: String,
    #[serde(deserialize_with = "nullable::de")]
    ttl: i32,
    #[serde(deserialize_with = "nullable::de")]
    data: String,
    #[serde(deserialize_with = "nullable::de")]
    table_name_key: String,
}

/// Schemaless JSON actions (need a connection).
pub fn text_action(s: &mut WsSession, req: &TextRequest) -> Handled {
    match req.action {
        "insert" => Handled::Reply(Some(insert(s, req))),
        _ => Handled::NotMine,
    }
}

fn insert(s: &mut WsSession, req: &TextRequest) -> Out {
    let a: InsertArgs = match req.decode("schemaless insert") {
        Ok(a) => a,
        Err(e) => return e,
    };
    let fail =
        |e: &TaosError| reply::error(e.wire_code(), &e.message, "insert", a.req_id, req.start);
    if a.protocol == 0 {
        return reply::error(
            ADAPTER_ERROR,
            "schemaless write protocol is null",
            "insert",
            a.req_id,
            req.start,
        );
    }
    if a.data.is_empty() {
        // TDengine returns no result for an empty buffer; the adapter reports terrno.
        return fail(&TaosError::new(
            codes::TSDB_CODE_INVALID_PARA,
            "Invalid parameters: schemaless data is empty",
        ));
    }
    let shared = s.shared.clone();
    let Some(conn) = s.conn.as_mut() else {
        return req.error(a.req_id, "server not connected");
    };
    let sml_req = SmlRequest {
        protocol: a.protocol,
        precision: precision_from_str(&a.precision),
        ttl: a.ttl,
        data: &a.data,
        table_name_key: Some(a.table_name_key.as_str()).filter(|k| !k.is_empty()),
    };
    match apply(&shared.engine, &mut conn.session, &sml_req) {
        Ok(done) => json(&InsertReply {
            action: "insert".into(),
            req_id: a.req_id,
            timing: timing_ns(req.start),
            affected_rows: done.affected_rows,
            total_rows: done.total_rows,
            ..Default::default()
        }),
        Err(e) => fail(&e),
    }
}
