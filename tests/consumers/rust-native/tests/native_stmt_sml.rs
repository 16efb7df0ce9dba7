//! The official `taos` crate's stmt and schemaless APIs in native mode (taos-optin) over OUR
//! libtaos.so: `Stmt` binds through `taos_stmt_*` (TAOS_MULTI_BIND), `put` goes through
//! `taos_schemaless_insert_raw_ttl_with_reqid`; values read back through the same crate.
//! The same checks (tests/conformance/rust/checks.rs) as tests/conformance/rust/tests/ws_stmt_sml.rs,
//! there over WebSocket.
use taos::sync::*;
use taos_consumer_native::checks::{
    fresh_db, rows, schemaless_line_telnet_json, stmt_every_type_into_child_tables, SecondTags, TS0,
};
use taos_consumer_native::dsn;

fn connect() -> Taos {
    TaosBuilder::from_dsn(dsn(None))
        .expect("dsn")
        .build()
        .expect("taos_connect through our libtaos.so")
}

#[test]
fn stmt_every_type_with_nulls_into_auto_created_child_tables() {
    // d2 gets real tags here; NULL tags bound as type NULL: null_tags_bound_as_type_null.
    stmt_every_type_into_child_tables(&connect(), "cn_rs_stmt", SecondTags::Values);
}

/// taos-optin binds a NULL tag as `buffer_type` TSDB_DATA_TYPE_NULL (0) with `is_null` set
/// (FINDINGS.md 8, fixed 2026-11-24).
#[test]
fn null_tags_bound_as_type_null() {
    let taos = connect();
    fresh_db(&taos, "cn_rs_stmt_nulltag");
    taos.exec(
        "CREATE STABLE cn_rs_stmt_nulltag.st (ts TIMESTAMP, v INT) TAGS (t_int INT, t_nc NCHAR(8))",
    )
    .unwrap();
    taos.exec("USE cn_rs_stmt_nulltag").unwrap();
    let mut stmt = Stmt::init(&taos).expect("stmt init");
    stmt.prepare("INSERT INTO ? USING st TAGS (?, ?) VALUES (?, ?)")
        .unwrap();
    stmt.set_tbname("d2").unwrap();
    stmt.set_tags(&[Value::Null(Ty::Int), Value::Null(Ty::NChar)])
        .unwrap();
    stmt.bind(&[
        ColumnView::from_millis_timestamp(vec![TS0]),
        ColumnView::from_ints(vec![Some(1)]),
    ])
    .unwrap();
    stmt.add_batch().unwrap();
    assert_eq!(stmt.execute().unwrap(), 1);
    let got = rows(&taos, "SELECT v, t_int, t_nc FROM cn_rs_stmt_nulltag.st");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0][0], Value::Int(1));
    assert!(got[0][1].is_null() && got[0][2].is_null());
}

#[test]
fn schemaless_line_telnet_json_create_tables_and_rows() {
    fresh_db(&connect(), "cn_rs_sml");
    let taos = TaosBuilder::from_dsn(dsn(Some("cn_rs_sml")))
        .expect("dsn")
        .build()
        .expect("taos_connect through our libtaos.so");
    schemaless_line_telnet_json(&taos, "cn_rs_sml");
}
