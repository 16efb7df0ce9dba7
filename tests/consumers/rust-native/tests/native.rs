//! The official `taos` crate in native mode (taos-optin) over our libtaos.so and the dev server:
//! connect, query, every type with NULLs, multi-block results, errors.
use taos::sync::*;
use taos::taos_query::common::Timestamp;
use taos_consumer_native::checks::{
    all_types_values, assert_rows, code_of, expected_all_types, fresh_db, with_tags,
    ALL_TYPES_COLUMNS, ALL_TYPES_TYS, TS0,
};
use taos_consumer_native::{dsn, server_addr};

fn connect(db: Option<&str>) -> Taos {
    TaosBuilder::from_dsn(dsn(db))
        .expect("dsn / dlopen libtaos.so")
        .build()
        .expect("taos_connect through our libtaos.so")
}

#[test]
fn connect_and_server_version() {
    let taos = connect(None);
    assert_eq!(taos.server_version().unwrap(), "3.3.6.0");
}

#[test]
fn wrong_password_fails_with_auth_code() {
    let dsn = format!("taos://root:wrong@{}?maxRetries=1", server_addr());
    let r = TaosBuilder::from_dsn(dsn).unwrap().build();
    assert_eq!(code_of(r), 0x0357);
}

#[test]
fn every_type_with_nulls() {
    let taos = connect(None);
    let db = "cn_rs_types";
    fresh_db(&taos, db);
    taos.exec(format!(
        "CREATE STABLE {db}.st ({ALL_TYPES_COLUMNS}) TAGS (t_int INT, t_nc NCHAR(8))"
    ))
    .unwrap();
    let n = taos
        .exec(format!(
            "INSERT INTO {db}.d1 USING {db}.st TAGS (7, '标签') VALUES {}",
            all_types_values()
        ))
        .unwrap();
    assert_eq!(n, 3);
    let mut rs = taos
        .query(format!("SELECT * FROM {db}.st ORDER BY ts"))
        .unwrap();
    let tys: Vec<Ty> = rs.fields().iter().map(|f| f.ty()).collect();
    assert_eq!(tys[..16], ALL_TYPES_TYS);
    assert_eq!(tys[16..], [Ty::Int, Ty::NChar]);
    assert_eq!(rs.fields()[13].name(), "c_nc");
    assert_eq!(rs.precision(), Precision::Millisecond);
    let rows = rs.to_rows_vec().unwrap();
    let want = with_tags(
        expected_all_types(),
        &[Value::Int(7), Value::NChar("标签".into())],
    );
    assert_rows(&rows, &want);
}

#[test]
fn multi_block_rows_and_deserialize() {
    const ROWS: i64 = 1_050;
    let taos = connect(None);
    let db = "cn_rs_blocks";
    fresh_db(&taos, db);
    taos.exec(format!(
        "CREATE TABLE {db}.t (ts TIMESTAMP, v INT, s NCHAR(12))"
    ))
    .unwrap();
    let mut written = 0;
    for start in (0..ROWS).step_by(350) {
        let values: String = (start..(start + 350).min(ROWS))
            .map(|i| {
                if i % 9 == 4 {
                    format!("({}, NULL, NULL)", TS0 + i)
                } else {
                    format!("({}, {}, 'ü{}')", TS0 + i, i - 77, i)
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        written += taos
            .exec(format!("INSERT INTO {db}.t VALUES {values}"))
            .unwrap();
    }
    assert_eq!(written as i64, ROWS);

    let mut rs = taos.query(format!("SELECT * FROM {db}.t")).unwrap();
    let mut blocks = 0;
    let mut i = 0i64;
    for block in rs.blocks() {
        let block = block.unwrap();
        blocks += 1;
        for row in block.to_values() {
            assert_eq!(row[0], Value::Timestamp(Timestamp::Milliseconds(TS0 + i)));
            if i % 9 == 4 {
                assert_eq!(row[1], Value::Null(Ty::Int), "row {i}");
                assert_eq!(row[2], Value::Null(Ty::NChar), "row {i}");
            } else {
                assert_eq!(row[1], Value::Int((i - 77) as i32), "row {i}");
                assert_eq!(row[2], Value::NChar(format!("ü{i}")), "row {i}");
            }
            i += 1;
        }
    }
    assert_eq!(i, ROWS);
    assert!(blocks >= 11, "{blocks} blocks with --block-rows 100");

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Row {
        ts: i64,
        v: Option<i32>,
    }
    let rows: Vec<Row> = taos
        .query(format!(
            "SELECT ts, v FROM {db}.t WHERE ts >= {} LIMIT 3",
            TS0 + 3
        ))
        .unwrap()
        .deserialize()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        vec![
            Row {
                ts: TS0 + 3,
                v: Some(3 - 77)
            },
            Row {
                ts: TS0 + 4,
                v: None
            },
            Row {
                ts: TS0 + 5,
                v: Some(5 - 77)
            },
        ]
    );
}

#[test]
fn database_in_dsn() {
    let taos = connect(None);
    taos.exec("DROP DATABASE IF EXISTS cn_rs_dsn").unwrap();
    taos.exec("CREATE DATABASE cn_rs_dsn").unwrap();
    taos.exec("CREATE TABLE cn_rs_dsn.t (ts TIMESTAMP, v INT)")
        .unwrap();
    taos.exec(format!("INSERT INTO cn_rs_dsn.t VALUES ({TS0}, 5)"))
        .unwrap();
    let in_db = connect(Some("cn_rs_dsn"));
    let v: Option<i32> = in_db.query_one("SELECT v FROM t").unwrap();
    assert_eq!(v, Some(5));
}

#[test]
fn error_codes() {
    let taos = connect(None);
    taos.exec("CREATE DATABASE IF NOT EXISTS cn_rs_err")
        .unwrap();
    taos.exec("CREATE TABLE IF NOT EXISTS cn_rs_err.t (ts TIMESTAMP, v INT)")
        .unwrap();
    assert_eq!(code_of(taos.query("SELEC * FROM cn_rs_err.t")), 0x2600);
    assert_eq!(code_of(taos.query("SELECT * FROM cn_rs_err.nope")), 0x2603);
    assert_eq!(code_of(taos.query("SELECT * FROM cn_rs_no_db.t")), 0x0388);
    assert_eq!(code_of(taos.query("SELECT * FROM t")), 0x2616);
    assert_eq!(code_of(taos.exec("USE cn_rs_no_db")), 0x0388);
    let n: Option<i64> = taos.query_one("SELECT COUNT(*) FROM cn_rs_err.t").unwrap();
    assert_eq!(n, Some(0));
}

#[test]
fn precisions_and_json_tag() {
    let taos = connect(None);
    for (prec, want, ts) in [
        ("ms", Precision::Millisecond, 1_700_000_000_123i64),
        ("us", Precision::Microsecond, 1_700_000_000_123_456),
        ("ns", Precision::Nanosecond, 1_700_000_000_123_456_789),
    ] {
        let db = format!("cn_rs_prec_{prec}");
        taos.exec(format!("DROP DATABASE IF EXISTS {db}")).unwrap();
        taos.exec(format!("CREATE DATABASE {db} PRECISION '{prec}'"))
            .unwrap();
        taos.exec(format!(
            "CREATE STABLE {db}.sj (ts TIMESTAMP, v BIGINT) TAGS (info JSON)"
        ))
        .unwrap();
        taos.exec(format!(
            "INSERT INTO {db}.j1 USING {db}.sj TAGS ('{{\"k\":\"v\",\"n\":1}}') VALUES ({ts}, {ts})"
        ))
        .unwrap();
        let mut rs = taos
            .query(format!("SELECT ts, v, info FROM {db}.sj"))
            .unwrap();
        assert_eq!(rs.precision(), want, "{db}");
        let rows = rs.to_rows_vec().unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][0], Value::Timestamp(Timestamp::new(ts, want)));
        assert_eq!(rows[0][1], Value::BigInt(ts));
        match &rows[0][2] {
            Value::Json(j) => assert_eq!(j["k"], "v", "{j}"),
            other => panic!("JSON tag read back as {other:?}"),
        }
    }
}
