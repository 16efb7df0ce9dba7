//! One connection to taosAdapter: handshake, queries, connection-level requests.
use super::config::{self, ConnectOptions};
use super::result::ResultMeta;
use super::{executor, Error, QueryResult, Result};
use crate::transport::{Link, Outgoing, Reply, TlsOptions, WsTransport, WsTransportOptions};
use crossbeam_channel::bounded;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use taos_wire::binary;
use taos_wire::error::codes;
use taos_wire::json::{
    self, ConnArgs, ConnReply, Envelope, QueryArgs, QueryReply, ReqIdArgs, VersionReply,
};

/// First server version with `binary_query` / `fetch_raw_block` (what the official client gates on).
const BINARY_QUERY_SINCE: [u32; 4] = [3, 3, 2, 0];

struct Inner {
    transport: WsTransport,
    server_version: String,
    legacy: bool,
}

/// A connection (one socket, one reader thread). Send + Sync; clones share the socket.
/// The socket closes on [`Connection::close`] or when the last clone is dropped.
#[derive(Clone)]
pub struct Connection {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("server_version", &self.inner.server_version)
            .finish()
    }
}

/// Parses the leading dotted numbers of a version string (`"3.3.6.0"`, `"ver:3.3.6.0.0613"`).
pub fn parse_version(v: &str) -> [u32; 4] {
    let start = v.find(|c: char| c.is_ascii_digit()).unwrap_or(v.len());
    let mut out = [0u32; 4];
    for (i, part) in v[start..].split('.').take(4).enumerate() {
        let digits: String = part.chars().take_while(|c| c.is_ascii_digit()).collect();
        out[i] = digits.parse().unwrap_or(0);
    }
    out
}

fn utf8(t: &[u8]) -> Result<&str> {
    std::str::from_utf8(t)
        .map_err(|_| Error::new(codes::TSDB_CODE_INVALID_MSG, "server reply is not UTF-8"))
}

/// Decodes a JSON reply and turns a non-zero `code` into the error (via `get_err`).
fn decode<T: DeserializeOwned>(
    r: std::result::Result<Reply, Error>,
    get_err: impl Fn(&T) -> Option<Error>,
) -> Result<T> {
    match r? {
        Reply::Text(t) => {
            let v: T = json::parse_reply(utf8(&t)?)?;
            match get_err(&v) {
                Some(e) => Err(e),
                None => Ok(v),
            }
        }
        Reply::Binary(_) => Err(Error::new(
            codes::TSDB_CODE_INVALID_MSG,
            "unexpected binary reply",
        )),
    }
}

fn json_request<A: Serialize>(action: &str, args: A) -> Outgoing {
    Outgoing::Text(Envelope::new(action, args).to_json().into_bytes())
}

fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Opens the WebSocket to the first reachable endpoint of `opts` (no `conn`).
fn open_transport(opts: &ConnectOptions) -> Result<WsTransport> {
    let path = match &opts.cloud_token {
        Some(t) => format!("/ws?token={}", url_encode(t)),
        None => "/ws".to_string(),
    };
    let mut last = None;
    for (host, port) in
        std::iter::once((opts.host.clone(), opts.port)).chain(opts.fallback.iter().cloned())
    {
        let t = WsTransportOptions {
            host,
            port,
            path: path.clone(),
            connect_timeout: opts.connect_timeout,
            read_timeout: opts.read_timeout,
            tls: opts.tls.then(|| TlsOptions {
                mode: opts.tls_mode,
                ca_file: opts.tls_ca.clone(),
            }),
        };
        match WsTransport::connect(&t) {
            Ok(tr) => return Ok(tr),
            Err(e) => {
                config::log(
                    1,
                    format_args!("connect to {}:{} failed: {}", t.host, t.port, e),
                );
                // Only unreachable endpoints fall through to the next one.
                if e.code != codes::TSDB_CODE_RPC_NETWORK_UNAVAIL {
                    return Err(e);
                }
                last = Some(e);
            }
        }
    }
    Err(last.unwrap_or_else(|| {
        Error::new(
            codes::TSDB_CODE_RPC_NETWORK_UNAVAIL,
            "Unable to establish connection: no endpoint",
        )
    }))
}

/// Sends `version` without waiting; the returned receiver yields the version string.
/// It is pipelined with `conn` (the server handles frames concurrently and `version` needs
/// no login), so connecting costs one round trip.
fn request_version(link: &Link, timeout: Duration) -> crossbeam_channel::Receiver<Result<String>> {
    let (tx, rx) = bounded(1);
    link.request(
        0,
        None,
        Some(timeout),
        Box::new(move |r| {
            let _ = tx.send(decode::<VersionReply>(r, |v| v.error()).map(|v| v.version));
        }),
        |rid| json_request("version", ReqIdArgs { req_id: rid }),
    );
    rx
}

impl Connection {
    /// Opens the WebSocket, asks for the server version and logs in (`conn`). Unset options
    /// are filled from the configuration ([`ConnectOptions::resolved`]).
    pub fn connect(opts: &ConnectOptions) -> Result<Connection> {
        let opts = opts.clone().resolved();
        config::log(
            2,
            format_args!("connecting to {}:{} as {}", opts.host, opts.port, opts.user),
        );
        let transport = open_transport(&opts)?;
        let link = transport.link().clone();
        let version_rx = request_version(&link, opts.connect_timeout);
        let args = ConnArgs {
            req_id: 0,
            user: opts.user.clone(),
            password: opts.password.clone(),
            db: opts.db.clone().unwrap_or_default(),
            mode: opts.bi_mode.then_some(0),
            tz: opts.timezone.clone(),
            app: opts.app.clone(),
            ip: opts.ip.clone(),
            connector: opts.connector.clone(),
            totp_code: opts.totp_code.clone(),
            bearer_token: opts.bearer_token.clone(),
            list_instances: None,
        };
        let r = link.call(0, Some(opts.connect_timeout), move |rid| {
            json_request(
                "conn",
                ConnArgs {
                    req_id: rid,
                    ..args
                },
            )
        });
        let reply = decode::<ConnReply>(r, |v| v.error())?;
        let server_version = if reply.version.is_empty() {
            // The link always answers the request (reply, timeout or loss).
            version_rx
                .recv_timeout(opts.connect_timeout.saturating_add(Duration::from_secs(1)))
                .unwrap_or_else(|_| {
                    Err(Error::new(
                        codes::TSDB_CODE_TIMEOUT_ERROR,
                        "no reply to version",
                    ))
                })?
        } else {
            reply.version
        };
        let legacy = parse_version(&server_version) < BINARY_QUERY_SINCE;
        config::log(
            2,
            format_args!(
                "connected to {}:{}, server {}",
                opts.host, opts.port, server_version
            ),
        );
        Ok(Connection {
            inner: Arc::new(Inner {
                transport,
                server_version,
                legacy,
            }),
        })
    }

    /// The server version reported at connect.
    pub fn server_version(&self) -> &str {
        &self.inner.server_version
    }

    /// The request link (for stmt/sml/tmq code built on this connection).
    pub fn link(&self) -> &Link {
        self.inner.transport.link()
    }

    /// True when the server predates `binary_query`/`fetch_raw_block` (< 3.3.2.0).
    pub fn is_legacy(&self) -> bool {
        self.inner.legacy
    }

    /// Sends a JSON action and decodes its reply; the reply's non-zero `code` becomes the
    /// error. `args` gets the req_id through `build`.
    pub fn call_json<T: DeserializeOwned>(
        &self,
        action: &str,
        req_id: u64,
        build: impl FnOnce(u64) -> serde_json::Value,
    ) -> Result<T> {
        let r = self
            .link()
            .call(req_id, None, |rid| json_request(action, build(rid)));
        let text = match r? {
            Reply::Text(t) => t,
            Reply::Binary(_) => {
                return Err(Error::new(
                    codes::TSDB_CODE_INVALID_MSG,
                    "unexpected binary reply",
                ))
            }
        };
        let s = utf8(&text)?;
        let common: json::ErrorReply = json::parse_reply(s)?;
        if let Some(e) = common.error() {
            return Err(e);
        }
        json::parse_reply(s)
    }

    /// Runs one SQL statement; `req_id` 0 means "generate one". Row results are already
    /// being prefetched when this returns.
    pub fn query(&self, sql: &str, req_id: u64) -> Result<QueryResult> {
        let (tx, rx) = bounded(1);
        self.submit_query(
            sql,
            req_id,
            Box::new(move |r| {
                let _ = tx.send(r);
            }),
        );
        // The link always answers (reply, timeout or connection loss); the margin is a safety net.
        let limit = self
            .link()
            .read_timeout()
            .saturating_add(Duration::from_secs(5));
        rx.recv_timeout(limit).unwrap_or_else(|_| {
            Err(Error::new(
                codes::TSDB_CODE_TIMEOUT_ERROR,
                "query timed out waiting for the server",
            ))
        })
    }

    /// Runs `sql` and calls `cb` exactly once on the library's callback thread.
    pub fn query_async(
        &self,
        sql: &str,
        req_id: u64,
        cb: Box<dyn FnOnce(Result<QueryResult>) + Send>,
    ) {
        self.submit_query(
            sql,
            req_id,
            Box::new(move |r| executor::spawn(Box::new(move || cb(r)))),
        );
    }

    /// Sends the query; `done` runs on the reader thread (or inline on send failure) and
    /// must be short.
    fn submit_query(
        &self,
        sql: &str,
        req_id: u64,
        done: Box<dyn FnOnce(Result<QueryResult>) + Send>,
    ) {
        let link = self.link().clone();
        let legacy = self.inner.legacy;
        let waiter_link = link.clone();
        let waiter = Box::new(move |r: std::result::Result<Reply, Error>| {
            // The echoed req_id is the one actually used (the link may replace 0 or a
            // duplicate; replies are matched by it): `free_result` reuses it.
            let out = decode::<QueryReply>(r, |v| v.error()).and_then(|reply| {
                let meta = ResultMeta::from_reply(&reply)?;
                Ok(QueryResult::start(waiter_link, meta, reply.req_id, legacy))
            });
            done(out);
        });
        // Binary frames need at least one SQL byte; the JSON form lets the server judge "".
        if legacy || sql.is_empty() {
            let sql = sql.to_string();
            link.request(req_id, None, None, waiter, move |rid| {
                json_request("query", QueryArgs { req_id: rid, sql })
            });
        } else {
            link.request(req_id, None, None, waiter, |rid| {
                Outgoing::Binary(binary::encode_binary_query(rid, sql))
            });
        }
    }

    /// The current database (`""` when none is selected).
    pub fn current_db(&self) -> Result<String> {
        let r: json::GetCurrentDbReply = self.call_json(
            "get_current_db",
            0,
            |rid| serde_json::json!({ "req_id": rid }),
        )?;
        Ok(r.db)
    }

    /// Server info for `taos_get_server_info` (`get_server_info`; the version on servers
    /// without that action).
    pub fn server_info(&self) -> Result<String> {
        match self.call_json::<json::GetServerInfoReply>(
            "get_server_info",
            0,
            |rid| serde_json::json!({ "req_id": rid }),
        ) {
            Ok(r) => Ok(r.info),
            Err(e) if e.code == codes::TSDB_CODE_WS_FAILED => Ok(self.inner.server_version.clone()),
            Err(e) => Err(e),
        }
    }

    /// `options_connection` with one option (TSDB_OPTION_CONNECTION_*: -1 clear, 0 charset,
    /// 1 timezone, 2 user ip, 3 user app, 4 connector info); `None` resets it.
    pub fn set_connection_option(&self, option: i32, value: Option<&str>) -> Result<()> {
        let opt = json::ConnectionOption {
            option,
            value: value.map(str::to_string),
        };
        let _: json::ErrorReply = self.call_json("options_connection", 0, move |rid| {
            serde_json::to_value(json::OptionsConnectionArgs {
                req_id: rid,
                options: vec![opt],
            })
            .unwrap_or_default()
        })?;
        Ok(())
    }

    /// Validates SQL on the server (action 10); returns the server's raw result code
    /// (0 = valid, else the negative libtaos code).
    pub fn validate_sql(&self, sql: &str) -> Result<i32> {
        if sql.is_empty() {
            return Err(Error::new(codes::TSDB_CODE_INVALID_PARA, "empty SQL"));
        }
        let r = self.link().call(0, None, |rid| {
            Outgoing::Binary(binary::encode_validate_sql(rid, sql))
        });
        let reply = decode::<json::ValidateSqlReply>(r, |v| v.error())?;
        Ok(reply.result_code as i32)
    }

    /// Closes the connection (idempotent): pending requests fail, the reader thread is joined.
    pub fn close(&self) {
        self.inner.transport.close();
    }

    /// True while the socket is up.
    pub fn is_alive(&self) -> bool {
        self.link().is_alive()
    }
}

/// `taos_check_server_status`: asks the adapter (on its own short-lived socket, no `conn`)
/// about the server at `fqdn:port` (`None`/0 = `fqdn`/`serverPort` from the configuration,
/// else the adapter's defaults). Returns
/// (status, details); status 0 (unavailable) with the reason when the adapter cannot be
/// asked.
pub fn check_server_status(opts: &ConnectOptions, fqdn: Option<&str>, port: i32) -> (i32, String) {
    let opts = opts.clone().resolved();
    let transport = match open_transport(&opts) {
        Ok(t) => t,
        Err(e) => return (0, e.message),
    };
    // Like libtaosws: unset fqdn/port come from taos.cfg / env (`fqdn`, `serverPort`).
    let cfg = config::config();
    let fqdn = fqdn.map(str::to_string).or(cfg.fqdn);
    let port = if port == 0 {
        cfg.server_port.map(i32::from).unwrap_or(0)
    } else {
        port
    };
    let r = transport
        .link()
        .call(0, Some(opts.connect_timeout), move |rid| {
            json_request(
                "check_server_status",
                json::CheckServerStatusArgs {
                    req_id: rid,
                    fqdn,
                    port,
                },
            )
        });
    let out = match decode::<json::CheckServerStatusReply>(r, |v| v.error()) {
        Ok(v) => (v.status, v.details),
        Err(e) => (0, e.message),
    };
    transport.close();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_parsing_and_gate() {
        assert_eq!(parse_version("3.3.6.0"), [3, 3, 6, 0]);
        assert_eq!(parse_version("ver:3.3.2.0.0613"), [3, 3, 2, 0]);
        assert_eq!(parse_version("3.1"), [3, 1, 0, 0]);
        assert_eq!(parse_version(""), [0, 0, 0, 0]);
        assert!(parse_version("3.3.1.9") < BINARY_QUERY_SINCE);
        assert!(parse_version("3.3.2.0") >= BINARY_QUERY_SINCE);
        assert!(parse_version("3.10.0.0") >= BINARY_QUERY_SINCE);
    }

    #[test]
    fn handles_are_thread_safe() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Connection>();
        assert_send_sync::<QueryResult>();
        assert_send_sync::<super::super::Block>();
    }

    #[test]
    fn url_encoding() {
        assert_eq!(url_encode("a b/c?d=e&f"), "a%20b%2Fc%3Fd%3De%26f");
    }
}
