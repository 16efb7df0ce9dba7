//! The extern "C" surface of taos.h, one file per area. Every export goes through the
//! panic boundary in `boundary.rs`; opaque handles are declared once in `handles.rs`.
pub mod boundary;
pub mod handles;
pub mod types;

pub mod async_query;
pub mod connect;
pub mod fetch;
pub mod options;
pub mod query;

pub mod misc;
pub mod schemaless;
pub mod stmt;
pub mod stmt2;
pub mod tmq;
