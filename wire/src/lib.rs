//! Pure wire encode/decode for taosAdapter (see ../shared/protocol): JSON messages, binary
//! frames, raw blocks. No sockets, no threads; shared by the client library and the dev server.
//!
//! - [`types`]: type codes, widths, names; [`error`]: [`TaosError`] and `TSDB_CODE_*`.
//! - [`json`]: text frames (query path; `json::stmt`, `json::stmt2`, `json::schemaless`,
//!   `json::tmq`).
//! - [`binary`]: query-path binary frames; [`block`] / [`nchar`]: raw blocks.
//! - [`stmt`], [`stmt2`]: binary bind frames; [`tmq`], [`tmq_raw`]: TMQ frames and payloads.

#![warn(missing_docs)]

pub mod binary;
pub mod block;
pub mod error;
pub mod json;
pub mod nchar;
pub mod stmt;
pub mod stmt2;
pub mod tmq;
pub mod tmq_raw;
pub mod types;

pub use block::{BlockBuilder, ColumnSchema, RawBlock};
pub use error::TaosError;
