//! libtaos-rs: TDengine's C client library (`libtaos.so`) in Rust, talking to taosAdapter.
pub mod capi;
pub mod client;
pub mod transport;
