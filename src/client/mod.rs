//! Safe Rust client: connection, result, stmt, stmt2, sml, tmq.
//!
//! The public API here is fixed by `docs/architecture.md` §3; the C surface (`src/capi/`)
//! is a thin layer over it.
pub mod config;
pub mod connection;
pub mod executor;
pub mod result;
pub mod sml;
pub mod stmt;
pub mod stmt2;
pub mod tmq;

pub use config::ConnectOptions;
pub use connection::{check_server_status, Connection};
pub use result::{Block, FieldInfo, QueryResult};

/// The library's error type: a full negative libtaos code plus a message.
pub type Error = taos_wire::error::TaosError;
/// Result alias used throughout the client.
pub type Result<T> = std::result::Result<T, Error>;

/// Builds an [`Error`] from a full libtaos code and a message.
pub(crate) fn err(code: i32, message: impl Into<String>) -> Error {
    Error {
        code,
        message: message.into(),
    }
}
