//! taosAdapter-compatible dev server over an in-memory store.
//!
//! [`DevServer::start`] runs the server in-process (tests); the `taos-devserver` binary wraps
//! it. `http` parses requests, `ws` serves `/ws` and `/rest/ws`, `rest` serves `/rest/sql`
//! and `/rest/login`; `sql` and `engine` hold the SQL engine.
pub mod engine;
pub mod http;
pub mod rest;
pub mod server;
pub mod sml;
pub mod sql;
pub mod tmq;
pub mod token;
pub mod ws;

pub use server::{Config, DevServer, DevServerHandle, ServerState};
