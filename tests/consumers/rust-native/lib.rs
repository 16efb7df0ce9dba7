//! Helpers shared by the native-mode consumer tests: where the dev server is and the DSN for it.

/// `host:port` of the dev server under test, from `TAOS_DEVSERVER_ADDR` (set by `../run.sh`).
pub fn server_addr() -> String {
    std::env::var("TAOS_DEVSERVER_ADDR").expect(
        "TAOS_DEVSERVER_ADDR is not set: run tests/consumers/run.sh, which starts the dev server",
    )
}

/// Native DSN (`taos://`): the official crate dlopens `libtaos.so` (ours, via LD_LIBRARY_PATH or
/// TAOS_LIBRARY_PATH) and calls `taos_connect(host, user, pass, db, port)`.
pub fn dsn(db: Option<&str>) -> String {
    match db {
        Some(db) => format!("taos://root:taosdata@{}/{}", server_addr(), db),
        None => format!("taos://root:taosdata@{}", server_addr()),
    }
}

/// Data and value checks shared with the WebSocket conformance suite: one file, compiled here
/// against the crate in native mode.
#[path = "../../conformance/rust/checks.rs"]
pub mod checks;
