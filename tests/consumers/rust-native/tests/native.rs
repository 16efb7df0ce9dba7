//! The official `taos` crate in native mode (taos-optin) over our libtaos.so and the dev server:
//! connect, query, every type with NULLs, multi-block results, errors.
use taos::sync::*;
use taos::taos_query::common::Timestamp;
use taos_consumer_native::{dsn, server_addr};

const TS0: i64 = 1_700_000_000_000;

/// WKB of `POINT(1 2)`, little-endian.
const POINT_1_2: [u8; 21] = [
    0x01, 0x01, 0x00, 0x00, 0x00, //
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F, //
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,
];

fn connect(db: Option<&str>) -> Taos {
    TaosBuilder::from_dsn(dsn(db))
        .expect("dsn / dlopen libtaos.so")
        .build()
        .expect("taos_connect through our libtaos.so")
}

/// Masked TDengine code of a failed call.
fn code_of<T: std::fmt::Debug>(r: Result<T, taos::Error>) -> i32 {
    i32::from(r.expect_err("the call must fail").code())
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
    taos.exec(format!("DROP DATABASE IF EXISTS {db}")).unwrap();
    taos.exec(format!("CREATE DATABASE {db}")).unwrap();
    taos.exec(format!(
        "CREATE STABLE {db}.st (ts TIMESTAMP, c_bool BOOL, c_ti TINYINT, c_si SMALLINT, c_int INT, \
         c_bi BIGINT, c_uti TINYINT UNSIGNED, c_usi SMALLINT UNSIGNED, c_ui INT UNSIGNED, \
         c_ubi BIGINT UNSIGNED, c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(20), c_nc NCHAR(10), \
         c_vb VARBINARY(16), c_geo GEOMETRY(64)) TAGS (t_int INT, t_nc NCHAR(8))"
    ))
    .unwrap();
    let n = taos
        .exec(format!(
            "INSERT INTO {db}.d1 USING {db}.st TAGS (7, '标签') VALUES \
             ({t0}, true, 127, 32767, 2147483647, 9223372036854775807, 255, 65535, 4294967295, \
              18446744073709551615, 3.5, -2.25, 'hello', '中文ñ', '\\x0102ff', 'POINT(1 2)') \
             ({t1}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) \
             ({t2}, false, -128, -32768, -2147483648, -9223372036854775808, 0, 0, 0, 0, -0.125, 1e300, '', '', '\\x00', 'POINT(1 2)')",
            t0 = TS0,
            t1 = TS0 + 1,
            t2 = TS0 + 2
        ))
        .unwrap();
    assert_eq!(n, 3);
    let mut rs = taos
        .query(format!("SELECT * FROM {db}.st ORDER BY ts"))
        .unwrap();
    let tys: Vec<Ty> = rs.fields().iter().map(|f| f.ty()).collect();
    assert_eq!(
        tys,
        [
            Ty::Timestamp,
            Ty::Bool,
            Ty::TinyInt,
            Ty::SmallInt,
            Ty::Int,
            Ty::BigInt,
            Ty::UTinyInt,
            Ty::USmallInt,
            Ty::UInt,
            Ty::UBigInt,
            Ty::Float,
            Ty::Double,
            Ty::VarChar,
            Ty::NChar,
            Ty::VarBinary,
            Ty::Geometry,
            Ty::Int,
            Ty::NChar
        ]
    );
    assert_eq!(rs.fields()[13].name(), "c_nc");
    assert_eq!(rs.precision(), Precision::Millisecond);
    let rows = rs.to_rows_vec().unwrap();
    let tags = [Value::Int(7), Value::NChar("标签".into())];
    let want: Vec<Vec<Value>> = vec![
        vec![
            Value::Timestamp(Timestamp::Milliseconds(TS0)),
            Value::Bool(true),
            Value::TinyInt(127),
            Value::SmallInt(32767),
            Value::Int(i32::MAX),
            Value::BigInt(i64::MAX),
            Value::UTinyInt(255),
            Value::USmallInt(65535),
            Value::UInt(u32::MAX),
            Value::UBigInt(u64::MAX),
            Value::Float(3.5),
            Value::Double(-2.25),
            Value::VarChar("hello".into()),
            Value::NChar("中文ñ".into()),
            Value::VarBinary(vec![1u8, 2, 0xff].into()),
            Value::Geometry(POINT_1_2.to_vec().into()),
        ],
        vec![
            Value::Timestamp(Timestamp::Milliseconds(TS0 + 1)),
            Value::Null(Ty::Bool),
            Value::Null(Ty::TinyInt),
            Value::Null(Ty::SmallInt),
            Value::Null(Ty::Int),
            Value::Null(Ty::BigInt),
            Value::Null(Ty::UTinyInt),
            Value::Null(Ty::USmallInt),
            Value::Null(Ty::UInt),
            Value::Null(Ty::UBigInt),
            Value::Null(Ty::Float),
            Value::Null(Ty::Double),
            Value::Null(Ty::VarChar),
            Value::Null(Ty::NChar),
            Value::Null(Ty::VarBinary),
            Value::Null(Ty::Geometry),
        ],
        vec![
            Value::Timestamp(Timestamp::Milliseconds(TS0 + 2)),
            Value::Bool(false),
            Value::TinyInt(-128),
            Value::SmallInt(-32768),
            Value::Int(i32::MIN),
            Value::BigInt(i64::MIN),
            Value::UTinyInt(0),
            Value::USmallInt(0),
            Value::UInt(0),
            Value::UBigInt(0),
            Value::Float(-0.125),
            Value::Double(1e300),
            Value::VarChar(String::new()),
            Value::NChar(String::new()),
            Value::VarBinary(vec![0u8].into()),
            Value::Geometry(POINT_1_2.to_vec().into()),
        ],
    ]
    .into_iter()
    .map(|mut r| {
        r.extend(tags.iter().cloned());
        r
    })
    .collect();
    assert_eq!(rows.len(), want.len());
    for (r, (g, w)) in rows.iter().zip(&want).enumerate() {
        for (c, (gv, wv)) in g.iter().zip(w).enumerate() {
            assert_eq!(gv, wv, "row {r} column {c}");
        }
        assert_eq!(g.len(), w.len(), "row {r} width");
    }
}

#[test]
fn multi_block_rows_and_deserialize() {
    const ROWS: i64 = 1_050;
    let taos = connect(None);
    let db = "cn_rs_blocks";
    taos.exec(format!("DROP DATABASE IF EXISTS {db}")).unwrap();
    taos.exec(format!("CREATE DATABASE {db}")).unwrap();
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
