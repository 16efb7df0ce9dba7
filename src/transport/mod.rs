//! Sockets, WebSocket, request matching.
//!
//! [`WsTransport::connect`] opens TCP (socket2), optionally TLS (rustls, `wss://`), performs
//! the WebSocket upgrade, then starts one reader thread per connection. Requests are
//! registered with a [`Waiter`] under their `req_id` (or, for binary replies without one, the
//! key at offset 8) before they are written; the reader thread routes every reply to its
//! waiter. Writes from any thread go through one writer lock; the reader thread never blocks
//! on it (pongs and requests it sends are queued). A lost socket fails every pending and
//! later request with `TSDB_CODE_RPC_NETWORK_UNAVAIL`; unanswered requests expire after the
//! read timeout with `TSDB_CODE_TIMEOUT_ERROR`.
pub mod frame;
pub mod handshake;
pub mod link;
pub mod tcp;
pub mod tls;

pub use link::{Link, Outgoing, Reply, Waiter, WsTransport, WsTransportOptions};
pub use tls::{TlsMode, TlsOptions};
