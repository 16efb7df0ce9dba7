//! Parameter binding (stmt) and schemaless writes through the official client's own WebSocket
//! APIs, read back through the same client.
//!
//! `taos-ws` 0.12.3 opens these on their own sockets (legacy endpoints `/rest/stmt` and
//! `/rest/schemaless`), built from the DSN: the schemaless socket only knows the DSN's database
//! (a `USE` on the query connection does not reach it), so the DSN names it.
//! The checks themselves are in `checks.rs`, shared with the native-mode consumer suite.
use taos::sync::*;
use taos_conformance::checks::{
    fresh_db, schemaless_line_telnet_json, stmt_every_type_into_child_tables, SecondTags,
};
use taos_conformance::dsn;

fn connect(db: Option<&str>) -> Taos {
    TaosBuilder::from_dsn(dsn(db))
        .expect("dsn")
        .build()
        .expect("connect to dev server")
}

#[test]
fn stmt_every_type_with_nulls_into_auto_created_child_tables() {
    stmt_every_type_into_child_tables(&connect(None), "cf_stmt", SecondTags::Null);
}

#[test]
fn schemaless_line_telnet_json_create_tables_and_rows() {
    fresh_db(&connect(None), "cf_sml");
    schemaless_line_telnet_json(&connect(Some("cf_sml")), "cf_sml");
}
