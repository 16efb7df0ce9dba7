//! taosAdapter-compatible dev server over an in-memory store.
pub mod engine;
pub mod sql;
