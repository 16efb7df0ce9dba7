//! Helpers shared by the conformance tests: where the dev server is and how to reach it.

/// `host:port` of the dev server under test, from `TAOS_DEVSERVER_ADDR` (set by `../run.sh`).
pub fn server_addr() -> String {
    std::env::var("TAOS_DEVSERVER_ADDR").expect(
        "TAOS_DEVSERVER_ADDR is not set: run tests/conformance/run.sh, which starts the dev server",
    )
}

/// WebSocket DSN for the official client, optionally with a database.
pub fn dsn(db: Option<&str>) -> String {
    match db {
        Some(db) => format!("ws://root:taosdata@{}/{}", server_addr(), db),
        None => format!("ws://root:taosdata@{}", server_addr()),
    }
}

/// Data and value checks shared with tests/consumers/rust-native (which includes this file).
pub mod checks;
