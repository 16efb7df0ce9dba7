//! Per-socket state and the dispatch of incoming messages to the action tables of each area.
//!
//! Dispatch order follows taosAdapter: envelope errors, then actions that need no connection
//! (`version`, `conn`, `check_server_status`), then "server not connected", then each area's
//! table (`query` now; stmt, schemaless, ... later), then the "unknown action" fallback.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use super::envelope::{self, EnvelopeError};
use super::reply::{self, Out};
use super::{binary_header, query};
use crate::engine::{ResultSet, Session};
use crate::server::ServerState;
use taos_wire::binary::action_name;

/// Adapter-generated error code (§7.2).
pub const ADAPTER_ERROR: u32 = 0xffff;

/// The state of a successful `conn`.
#[derive(Debug, Clone, Default)]
pub struct Connected {
    /// Authenticated user name.
    pub user: String,
    /// Engine session (current database, time zone).
    pub session: Session,
    /// `USER_APP` connection option.
    pub app: Option<String>,
    /// `USER_IP` connection option.
    pub ip: Option<String>,
    /// `CHARSET` connection option.
    pub charset: Option<String>,
    /// `CONNECTOR_INFO` connection option.
    pub connector: Option<String>,
}

/// A result set being read by the client.
pub struct OpenResult {
    /// The rows.
    pub rs: ResultSet,
    /// Next row to send.
    pub pos: usize,
    /// Legacy path: the block produced by the last `fetch`, re-sent by `fetch_block`.
    pub block: Option<Vec<u8>>,
}

/// Everything one WebSocket connection owns.
pub struct WsSession {
    /// Server-wide state (engine, configuration).
    pub shared: Arc<ServerState>,
    /// `/rest/ws` legacy semantics.
    pub legacy: bool,
    /// Peer address (default `ip` of the connection).
    pub peer_ip: String,
    /// Set by a successful `conn`.
    pub conn: Option<Connected>,
    /// Open result sets by id.
    pub results: HashMap<u64, OpenResult>,
    /// Last result id handed out (ids start at 1, shared by every area).
    pub last_id: u64,
    /// Stmt v1 and stmt2 statements of this socket (`bind/`).
    pub stmts: super::bind::StmtTable,
}

/// What an area's action table did with a message.
pub enum Handled {
    /// Not an action of this area.
    NotMine,
    /// Handled; the reply (`None` = send nothing, e.g. `free_result`).
    Reply(Option<Out>),
}

/// One text request after envelope decoding.
pub struct TextRequest<'a> {
    /// Action name.
    pub action: &'a str,
    /// Raw args (`None` when absent).
    pub args: Option<&'a Value>,
    /// When the frame arrived (for `timing`).
    pub start: Instant,
}

impl TextRequest<'_> {
    /// The lenient `req_id` used in errors before args are decoded.
    pub fn req_id(&self) -> u64 {
        envelope::lenient_req_id(self.args)
    }

    /// A 0xffff error reply for this request.
    pub fn error(&self, req_id: u64, message: &str) -> Out {
        reply::error(ADAPTER_ERROR, message, self.action, req_id, self.start)
    }

    /// Decodes args or builds the `unmarshal <words> request error` reply.
    pub fn decode<T: serde::de::DeserializeOwned + Default>(&self, words: &str) -> Result<T, Out> {
        envelope::decode(self.args)
            .ok_or_else(|| self.error(self.req_id(), &format!("unmarshal {words} request error")))
    }
}

/// Actions served by the legacy `/rest/ws` endpoint.
const LEGACY_ACTIONS: &[&str] = &[
    "version",
    "conn",
    "query",
    "fetch",
    "fetch_block",
    "free_result",
];

impl WsSession {
    /// A fresh, unconnected session.
    pub fn new(shared: Arc<ServerState>, legacy: bool, peer_ip: String) -> Self {
        WsSession {
            shared,
            legacy,
            peer_ip,
            conn: None,
            results: HashMap::new(),
            last_id: 0,
            stmts: Default::default(),
        }
    }

    /// Allocates the next result id.
    pub fn next_id(&mut self) -> u64 {
        self.last_id += 1;
        self.last_id
    }

    /// Keeps `rs` open for fetching under a new id, from its first row.
    pub fn open_result(&mut self, rs: ResultSet) -> u64 {
        let id = self.next_id();
        self.results.insert(
            id,
            OpenResult {
                rs,
                pos: 0,
                block: None,
            },
        );
        id
    }

    /// Handles a text frame; never panics (a panicking handler yields an error reply).
    pub fn on_text(&mut self, data: &[u8]) -> Option<Out> {
        let start = Instant::now();
        match catch_unwind(AssertUnwindSafe(|| self.text(data, start))) {
            Ok(r) => r,
            Err(_) => {
                let env = envelope::parse(data).ok();
                let action = env.as_ref().map_or("", |e| e.action.as_str());
                let req_id = envelope::lenient_req_id(env.as_ref().and_then(|e| e.args.as_ref()));
                Some(reply::error(
                    ADAPTER_ERROR,
                    "internal error",
                    action,
                    req_id,
                    start,
                ))
            }
        }
    }

    /// Handles a binary frame; never panics.
    pub fn on_binary(&mut self, data: &[u8]) -> Option<Out> {
        let start = Instant::now();
        match catch_unwind(AssertUnwindSafe(|| self.binary(data, start))) {
            Ok(r) => r,
            Err(_) => {
                let (action, req_id) = match binary_header(data) {
                    Some(h) => (action_name(h.action), h.req_id),
                    None => ("", 0),
                };
                Some(reply::error(
                    ADAPTER_ERROR,
                    "internal error",
                    action,
                    req_id,
                    start,
                ))
            }
        }
    }

    fn text(&mut self, data: &[u8], start: Instant) -> Option<Out> {
        let env = match envelope::parse(data) {
            Ok(e) => e,
            Err(EnvelopeError::Unmarshal) if self.legacy => return None,
            Err(EnvelopeError::Unmarshal) => {
                return Some(reply::error(
                    ADAPTER_ERROR,
                    "unmarshal request error",
                    "",
                    0,
                    start,
                ))
            }
        };
        let req = TextRequest {
            action: &env.action,
            args: env.args.as_ref(),
            start,
        };
        if self.legacy && !LEGACY_ACTIONS.contains(&req.action) {
            // The legacy endpoint silently ignores what it does not know (§7.2).
            return None;
        }
        if req.action.is_empty() {
            return Some(req.error(req.req_id(), "request no action"));
        }
        match query::no_conn_action(self, &req) {
            Handled::Reply(r) => return r,
            Handled::NotMine => {}
        }
        if self.conn.is_none() {
            return Some(req.error(req.req_id(), "server not connected"));
        }
        // One table per area; later areas (stmt, stmt2, schemaless) are tried in turn.
        match query::text_action(self, &req) {
            Handled::Reply(r) => return r,
            Handled::NotMine => {}
        }
        if let Handled::Reply(r) = super::stmt::text_action(self, &req) {
            return r;
        }
        if let Handled::Reply(r) = super::stmt2::text_action(self, &req) {
            return r;
        }
        if let Handled::Reply(r) = super::sml::text_action(self, &req) {
            return r;
        }
        Some(req.error(req.req_id(), &format!("unknown action {}", req.action)))
    }

    fn binary(&mut self, data: &[u8], start: Instant) -> Option<Out> {
        let Some(h) = binary_header(data) else {
            // The adapter reads these 24 bytes unchecked; we answer instead of crashing.
            let req_id = data
                .get(..8)
                .and_then(|b| b.try_into().ok())
                .map_or(0, u64::from_le_bytes);
            return Some(reply::error(
                ADAPTER_ERROR,
                "message length is too short",
                "",
                req_id,
                start,
            ));
        };
        if self.conn.is_none() {
            return Some(reply::error(
                ADAPTER_ERROR,
                "server not connected",
                action_name(h.action),
                h.req_id,
                start,
            ));
        }
        if !self.legacy {
            match query::binary_action(self, &h, data, start) {
                Handled::Reply(r) => return r,
                Handled::NotMine => {}
            }
            if let Handled::Reply(r) = super::stmt::binary_action(self, &h, data, start) {
                return r;
            }
            if let Handled::Reply(r) = super::stmt2::binary_action(self, &h, data, start) {
                return r;
            }
            if let Handled::Reply(r) = super::tmq_write::binary_action(self, &h, data, start) {
                return r;
            }
        }
        Some(reply::error(
            ADAPTER_ERROR,
            &format!("unknown binary action {}", h.action),
            action_name(h.action),
            h.req_id,
            start,
        ))
    }
}
