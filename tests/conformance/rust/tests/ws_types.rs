//! Every data type, with NULLs, written with SQL and read back through the official client.
use taos::sync::*;
use taos::taos_query::common::Timestamp;
use taos_conformance::checks::{
    all_types_values, assert_rows, expected_all_types as expected_rows, fresh_db, with_tags,
    ALL_TYPES_COLUMNS, ALL_TYPES_TYS, TS0,
};
use taos_conformance::dsn;

fn connect(db: Option<&str>) -> Taos {
    TaosBuilder::from_dsn(dsn(db))
        .expect("dsn")
        .build()
        .expect("connect to dev server")
}

/// Database `db` with the shared every-type supertable (three tags here) and child `d1` holding
/// the three shared rows.
fn setup(taos: &Taos, db: &str) {
    fresh_db(taos, db);
    taos.exec(format!(
        "CREATE STABLE {db}.st ({ALL_TYPES_COLUMNS}) TAGS (t_int INT, t_nc NCHAR(8), t_vc BINARY(12))"
    ))
    .unwrap();
    taos.exec(format!(
        "CREATE TABLE {db}.d1 USING {db}.st TAGS (7, '标签', 'tagv')"
    ))
    .unwrap();
    let affected = taos
        .exec(format!("INSERT INTO {db}.d1 VALUES {}", all_types_values()))
        .unwrap();
    assert_eq!(affected, 3, "INSERT of 3 rows must report 3 affected rows");
}

#[test]
fn child_table_all_types_with_nulls() {
    let taos = connect(None);
    setup(&taos, "cf_types_child");
    let mut rs = taos
        .query("SELECT * FROM cf_types_child.d1 ORDER BY ts")
        .unwrap();
    let names: Vec<String> = rs.fields().iter().map(|f| f.name().to_string()).collect();
    assert_eq!(
        names,
        [
            "ts", "c_bool", "c_ti", "c_si", "c_int", "c_bi", "c_uti", "c_usi", "c_ui", "c_ubi",
            "c_f", "c_d", "c_vc", "c_nc", "c_vb", "c_geo"
        ]
    );
    let types: Vec<Ty> = rs.fields().iter().map(|f| f.ty()).collect();
    assert_eq!(types, ALL_TYPES_TYS);
    // Field lengths as TDengine reports them: fixed widths, declared lengths for var types.
    let bytes: Vec<u32> = rs.fields().iter().map(|f| f.bytes()).collect();
    assert_eq!(bytes, [8, 1, 1, 2, 4, 8, 1, 2, 4, 8, 4, 8, 20, 10, 16, 64]);
    assert_eq!(rs.precision(), Precision::Millisecond);
    let rows = rs.to_rows_vec().unwrap();
    assert_rows(&rows, &expected_rows());
}

#[test]
fn supertable_star_is_columns_then_tags() {
    let taos = connect(None);
    setup(&taos, "cf_types_stable");
    let mut rs = taos
        .query("SELECT * FROM cf_types_stable.st ORDER BY ts")
        .unwrap();
    let names: Vec<String> = rs.fields().iter().map(|f| f.name().to_string()).collect();
    assert_eq!(&names[16..], ["t_int", "t_nc", "t_vc"]);
    let rows = rs.to_rows_vec().unwrap();
    let want = with_tags(
        expected_rows(),
        &[
            Value::Int(7),
            Value::NChar("标签".into()),
            Value::VarChar("tagv".into()),
        ],
    );
    assert_rows(&rows, &want);
}

#[test]
fn tbname_and_tags_with_where() {
    let taos = connect(None);
    setup(&taos, "cf_types_where");
    let mut rs = taos
        .query(
            "SELECT tbname, t_int, c_int, c_vc FROM cf_types_where.st \
             WHERE c_int IS NOT NULL AND t_nc = '标签' ORDER BY ts DESC",
        )
        .unwrap();
    let rows = rs.to_rows_vec().unwrap();
    assert_rows(
        &rows,
        &[
            vec![
                Value::VarChar("d1".into()),
                Value::Int(7),
                Value::Int(i32::MIN),
                Value::VarChar(String::new()),
            ],
            vec![
                Value::VarChar("d1".into()),
                Value::Int(7),
                Value::Int(i32::MAX),
                Value::VarChar("hello".into()),
            ],
        ],
    );
}

#[test]
fn json_tag_round_trip() {
    let taos = connect(None);
    let db = "cf_types_json";
    fresh_db(&taos, db);
    taos.exec(format!(
        "CREATE STABLE {db}.sj (ts TIMESTAMP, v INT) TAGS (info JSON)"
    ))
    .unwrap();
    taos.exec(format!(
        "INSERT INTO {db}.j1 USING {db}.sj TAGS ('{{\"k\":\"v\",\"n\":1}}') VALUES ({TS0}, 1)"
    ))
    .unwrap();
    let mut rs = taos
        .query(format!("SELECT ts, v, info FROM {db}.sj"))
        .unwrap();
    assert_eq!(rs.fields()[2].ty(), Ty::Json);
    let rows = rs.to_rows_vec().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], Value::Timestamp(Timestamp::Milliseconds(TS0)));
    assert_eq!(rows[0][1], Value::Int(1));
    match &rows[0][2] {
        Value::Json(j) => assert_eq!(*j, serde_json::json!({"k": "v", "n": 1})),
        other => panic!("JSON tag read back as {other:?}"),
    }
}

#[test]
fn precisions_us_and_ns() {
    let taos = connect(None);
    for (prec, want_prec, ts) in [
        ("us", Precision::Microsecond, 1_700_000_000_123_456i64),
        ("ns", Precision::Nanosecond, 1_700_000_000_123_456_789i64),
    ] {
        let db = format!("cf_prec_{prec}");
        taos.exec(format!("DROP DATABASE IF EXISTS {db}")).unwrap();
        taos.exec(format!("CREATE DATABASE {db} PRECISION '{prec}'"))
            .unwrap();
        taos.exec(format!("CREATE TABLE {db}.t (ts TIMESTAMP, v BIGINT)"))
            .unwrap();
        taos.exec(format!("INSERT INTO {db}.t VALUES ({ts}, {ts})"))
            .unwrap();
        let mut rs = taos.query(format!("SELECT ts, v FROM {db}.t")).unwrap();
        assert_eq!(rs.precision(), want_prec, "precision of {db}");
        let rows = rs.to_rows_vec().unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][0], Value::Timestamp(Timestamp::new(ts, want_prec)));
        assert_eq!(rows[0][1], Value::BigInt(ts));
    }
}

#[test]
fn iso_timestamp_literal_with_offset() {
    let taos = connect(None);
    let db = "cf_types_iso";
    fresh_db(&taos, db);
    taos.exec(format!("CREATE TABLE {db}.t (ts TIMESTAMP, v INT)"))
        .unwrap();
    // 2023-11-14T22:13:20.123Z == 1700000000123 ms.
    taos.exec(format!(
        "INSERT INTO {db}.t VALUES ('2023-11-15 00:13:20.123+02:00', 1)"
    ))
    .unwrap();
    let rows = taos
        .query(format!("SELECT ts FROM {db}.t"))
        .unwrap()
        .to_rows_vec()
        .unwrap();
    assert_eq!(
        rows,
        vec![vec![Value::Timestamp(Timestamp::Milliseconds(
            1_700_000_000_123
        ))]]
    );
}

/// The serde path of the official client (`deserialize`) over the same rows.
#[test]
fn deserialize_into_struct() {
    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Row {
        ts: i64,
        c_int: Option<i32>,
        c_vc: Option<String>,
        c_nc: Option<String>,
        c_d: Option<f64>,
    }
    let taos = connect(None);
    setup(&taos, "cf_types_serde");
    let rows: Vec<Row> = taos
        .query("SELECT ts, c_int, c_vc, c_nc, c_d FROM cf_types_serde.d1 ORDER BY ts")
        .unwrap()
        .deserialize()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        vec![
            Row {
                ts: TS0,
                c_int: Some(i32::MAX),
                c_vc: Some("hello".into()),
                c_nc: Some("中文ñ".into()),
                c_d: Some(-2.25)
            },
            Row {
                ts: TS0 + 1,
                c_int: None,
                c_vc: None,
                c_nc: None,
                c_d: None
            },
            Row {
                ts: TS0 + 2,
                c_int: Some(i32::MIN),
                c_vc: Some(String::new()),
                c_nc: Some(String::new()),
                c_d: Some(1e300)
            },
        ]
    );
}

/// Cells longer than 255 bytes (two-byte length prefixes), a NULL tag and an all-NULL row.
#[test]
fn long_var_cells_and_null_tags() {
    let taos = connect(None);
    let db = "cf_types_long";
    fresh_db(&taos, db);
    taos.exec(format!(
        "CREATE STABLE {db}.st (ts TIMESTAMP, s VARCHAR(5000), n NCHAR(1000), b VARBINARY(3000)) \
         TAGS (tg VARCHAR(300), ti INT)"
    ))
    .unwrap();
    let s: String = (0..4000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let n: String = "é中😀x".repeat(250); // 1000 characters, 2500 UTF-8 bytes
    let b: Vec<u8> = (0..3000).map(|i| (i % 251) as u8).collect();
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let tag = "t".repeat(300);
    taos.exec(format!(
        "INSERT INTO {db}.c1 USING {db}.st TAGS ('{tag}', NULL) VALUES ({TS0}, '{s}', '{n}', '\\x{hex}') ({t1}, NULL, NULL, NULL)",
        t1 = TS0 + 1
    ))
    .unwrap();
    let rows = taos
        .query(format!("SELECT * FROM {db}.st ORDER BY ts"))
        .unwrap()
        .to_rows_vec()
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][1], Value::VarChar(s));
    assert_eq!(rows[0][2], Value::NChar(n));
    assert_eq!(rows[0][3], Value::VarBinary(b.into()));
    assert_eq!(rows[0][4], Value::VarChar(tag.clone()));
    assert_eq!(rows[0][5], Value::Null(Ty::Int));
    assert_eq!(rows[1][1], Value::Null(Ty::VarChar));
    assert_eq!(rows[1][2], Value::Null(Ty::NChar));
    assert_eq!(rows[1][3], Value::Null(Ty::VarBinary));
    assert_eq!(rows[1][4], Value::VarChar(tag));
    // Filtering on a NULL tag.
    let n: Option<i64> = taos
        .query_one(format!("SELECT COUNT(*) FROM {db}.st WHERE ti IS NULL"))
        .unwrap();
    assert_eq!(n, Some(2));
}
