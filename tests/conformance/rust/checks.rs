//! Data and value checks shared by the two suites that drive the official `taos` crate:
//! tests/conformance/rust (WebSocket mode, against the dev server) and
//! tests/consumers/rust-native (native mode, over our libtaos.so), which includes this file with
//! `#[path]`. Both run the same checks, so a difference between the transports shows up as a
//! failure in one suite only.
use taos::sync::*;
use taos::taos_query::common::{
    SchemalessPrecision, SchemalessProtocol, SmlDataBuilder, Timestamp,
};

/// First timestamp (ms) the shared checks write.
pub const TS0: i64 = 1_700_000_000_000;

/// WKB of `POINT(1 2)`, little-endian: byte order 1, type 1, x = 1.0, y = 2.0.
pub const POINT_1_2: [u8; 21] = [
    0x01, 0x01, 0x00, 0x00, 0x00, //
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F, //
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,
];

/// Column definitions of the every-type supertable (the part inside `CREATE STABLE st (...)`).
pub const ALL_TYPES_COLUMNS: &str =
    "ts TIMESTAMP, c_bool BOOL, c_ti TINYINT, c_si SMALLINT, c_int INT, \
     c_bi BIGINT, c_uti TINYINT UNSIGNED, c_usi SMALLINT UNSIGNED, c_ui INT UNSIGNED, \
     c_ubi BIGINT UNSIGNED, c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(20), c_nc NCHAR(10), \
     c_vb VARBINARY(16), c_geo GEOMETRY(64)";

/// `VALUES` text of three rows for [`ALL_TYPES_COLUMNS`] at `TS0`, `TS0 + 1`, `TS0 + 2`:
/// maximum values, all NULL, minimum values (and empty strings).
pub fn all_types_values() -> String {
    format!(
        "({t0}, true, 127, 32767, 2147483647, 9223372036854775807, 255, 65535, 4294967295, \
          18446744073709551615, 3.5, -2.25, 'hello', '中文ñ', '\\x0102ff', 'POINT(1 2)') \
         ({t1}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) \
         ({t2}, false, -128, -32768, -2147483648, -9223372036854775808, 0, 0, 0, 0, -0.125, 1e300, '', '', '\\x00', 'POINT(1 2)')",
        t0 = TS0,
        t1 = TS0 + 1,
        t2 = TS0 + 2
    )
}

/// The column types of [`ALL_TYPES_COLUMNS`], in order.
pub const ALL_TYPES_TYS: [Ty; 16] = [
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
];

/// The rows of [`all_types_values`] as the crate returns them (data columns only).
pub fn expected_all_types() -> Vec<Vec<Value>> {
    let nulls = std::iter::once(Value::Timestamp(Timestamp::Milliseconds(TS0 + 1)))
        .chain(ALL_TYPES_TYS[1..].iter().map(|ty| Value::Null(*ty)))
        .collect();
    vec![
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
        nulls,
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
}

/// `rows` with `tags` appended to each row (a supertable's `*` is columns then tags).
pub fn with_tags(rows: Vec<Vec<Value>>, tags: &[Value]) -> Vec<Vec<Value>> {
    rows.into_iter()
        .map(|mut r| {
            r.extend(tags.iter().cloned());
            r
        })
        .collect()
}

/// Compares cell by cell, naming the first differing row and column.
pub fn assert_rows(got: &[Vec<Value>], want: &[Vec<Value>]) {
    assert_eq!(got.len(), want.len(), "row count");
    for (r, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.len(), w.len(), "column count of row {r}");
        for (c, (gv, wv)) in g.iter().zip(w).enumerate() {
            assert_eq!(gv, wv, "row {r} column {c}");
        }
    }
}

/// The TDengine code (low 16 bits) of a call that must fail.
pub fn code_of<T: std::fmt::Debug>(r: Result<T, taos::Error>) -> i32 {
    i32::from(r.expect_err("the call must fail").code())
}

/// Drops and re-creates database `db`.
pub fn fresh_db(taos: &Taos, db: &str) {
    taos.exec(format!("DROP DATABASE IF EXISTS {db}")).unwrap();
    taos.exec(format!("CREATE DATABASE {db}")).unwrap();
}

/// Every row of `sql` as values.
pub fn rows(taos: &Taos, sql: &str) -> Vec<Vec<Value>> {
    let mut rs = taos.query(sql).unwrap();
    rs.rows().map(|row| row.unwrap().into_values()).collect()
}

/// How [`stmt_every_type_into_child_tables`] binds the tags of its second child table.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SecondTags {
    /// `Value::Null(_)` tags (the crate binds them as `buffer_type` NULL with `is_null` set).
    Null,
    /// Real tags `(8, 'x')`.
    Values,
}

/// Stmt (`INSERT INTO ? USING st TAGS (?, ?) VALUES (...)`) binds every type with a NULL row
/// into two auto-created child tables (`d1` with tags (7, '标签'), `d2` as `second`) of a fresh
/// database `db`; the rows read back through the same connection must match value by value.
pub fn stmt_every_type_into_child_tables(taos: &Taos, db: &str, second: SecondTags) {
    fresh_db(taos, db);
    taos.exec(format!(
        "CREATE STABLE {db}.st (ts TIMESTAMP, c_bool BOOL, c_ti TINYINT, c_si SMALLINT, \
         c_int INT, c_bi BIGINT, c_uti TINYINT UNSIGNED, c_usi SMALLINT UNSIGNED, \
         c_ui INT UNSIGNED, c_ubi BIGINT UNSIGNED, c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(20), \
         c_nc NCHAR(10), c_vb VARBINARY(16)) TAGS (t_int INT, t_nc NCHAR(8))"
    ))
    .unwrap();
    taos.exec(format!("USE {db}")).unwrap();
    let mut stmt = Stmt::init(taos).expect("stmt init");
    stmt.prepare(
        "INSERT INTO ? USING st TAGS (?, ?) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .expect("prepare");
    let cols = vec![
        ColumnView::from_millis_timestamp(vec![TS0, TS0 + 1]),
        ColumnView::from_bools(vec![Some(true), None]),
        ColumnView::from_tiny_ints(vec![Some(-128i8), None]),
        ColumnView::from_small_ints(vec![Some(32767i16), None]),
        ColumnView::from_ints(vec![Some(i32::MIN), None]),
        ColumnView::from_big_ints(vec![Some(i64::MAX), None]),
        ColumnView::from_unsigned_tiny_ints(vec![Some(255u8), None]),
        ColumnView::from_unsigned_small_ints(vec![Some(65535u16), None]),
        ColumnView::from_unsigned_ints(vec![Some(u32::MAX), None]),
        ColumnView::from_unsigned_big_ints(vec![Some(u64::MAX), None]),
        ColumnView::from_floats(vec![Some(3.5f32), None]),
        ColumnView::from_doubles(vec![Some(-2.25f64), None]),
        ColumnView::from_varchar::<&str, _, _, _>(vec![Some("hello"), None]),
        ColumnView::from_nchar::<&str, _, _, _>(vec![Some("中文ñ"), None]),
        ColumnView::from_bytes::<Vec<u8>, _, _, _>(vec![Some(vec![1u8, 2, 0xff]), None]),
    ];
    let d2_tags = match second {
        SecondTags::Null => [Value::Null(Ty::Int), Value::Null(Ty::NChar)],
        SecondTags::Values => [Value::Int(8), Value::NChar("x".into())],
    };
    stmt.set_tbname("d1").unwrap();
    stmt.set_tags(&[Value::Int(7), Value::NChar("标签".into())])
        .unwrap();
    stmt.bind(&cols).unwrap();
    stmt.add_batch().unwrap();
    stmt.set_tbname("d2").unwrap();
    stmt.set_tags(&d2_tags).unwrap();
    stmt.bind(&cols).unwrap();
    stmt.add_batch().unwrap();
    assert_eq!(stmt.execute().unwrap(), 4);

    let got = rows(
        taos,
        &format!("SELECT tbname, * FROM {db}.st ORDER BY tbname, ts"),
    );
    assert_eq!(got.len(), 4);
    for (i, row) in got.iter().enumerate() {
        let full = i % 2 == 0;
        assert_eq!(
            row[0],
            Value::VarChar(if i < 2 { "d1" } else { "d2" }.into())
        );
        assert_eq!(
            row[1],
            Value::Timestamp(Timestamp::Milliseconds(TS0 + (i % 2) as i64))
        );
        if full {
            assert_eq!(row[2], Value::Bool(true));
            assert_eq!(row[5], Value::Int(i32::MIN));
            assert_eq!(row[10], Value::UBigInt(u64::MAX));
            assert_eq!(row[13], Value::VarChar("hello".into()));
            assert_eq!(row[15], Value::VarBinary(vec![1u8, 2, 0xff].into()));
        } else {
            assert!(row[2..16].iter().all(|v| v.is_null()), "row {i}: {row:?}");
        }
        let tags = if i < 2 {
            [Value::Int(7), Value::NChar("标签".into())]
        } else {
            d2_tags.clone()
        };
        assert_eq!(row[16..], tags, "tags of row {i}");
    }
}

/// One schemaless write through the client. (Its precision-to-string conversion knows only
/// ms/us/ns: `Seconds` hits a `todo!()` in taos-query 0.12.4.)
pub fn put(
    taos: &Taos,
    protocol: SchemalessProtocol,
    precision: SchemalessPrecision,
    lines: &[&str],
) {
    let data = SmlDataBuilder::default()
        .protocol(protocol)
        .precision(precision)
        .data(lines.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .ttl(0)
        .req_id(1u64)
        .build()
        .unwrap();
    taos.put(&data).expect("schemaless put");
}

/// Line, telnet and JSON schemaless writes through `taos` (connected with database `db`, which
/// must be empty) create three supertables whose rows and tag types read back exactly.
pub fn schemaless_line_telnet_json(taos: &Taos, db: &str) {
    put(
        taos,
        SchemalessProtocol::Line,
        SchemalessPrecision::Millisecond,
        &["meters,location=SF,groupid=2 current=10.3,voltage=219i32 1700000000000"],
    );
    put(
        taos,
        SchemalessProtocol::Telnet,
        SchemalessPrecision::Millisecond,
        &["metric_t 1700000000000 32.5 host=web01"],
    );
    put(
        taos,
        SchemalessProtocol::Json,
        SchemalessPrecision::Millisecond,
        &[r#"[{"metric":"metric_j","timestamp":1700000000000,"value":10.5,"tags":{"host":"a"}}]"#],
    );
    let mut stables: Vec<String> = rows(taos, &format!("SHOW {db}.STABLES"))
        .into_iter()
        .map(|r| r[0].to_string().unwrap())
        .collect();
    stables.sort();
    assert_eq!(stables, ["meters", "metric_j", "metric_t"]);
    let m = rows(
        taos,
        &format!("SELECT _ts, current, voltage, location, groupid FROM {db}.meters"),
    );
    assert_eq!(
        m,
        vec![vec![
            Value::Timestamp(Timestamp::Milliseconds(TS0)),
            Value::Double(10.3),
            Value::Int(219),
            Value::NChar("SF".into()),
            Value::NChar("2".into()),
        ]]
    );
    let t = rows(
        taos,
        &format!("SELECT _ts, _value, host FROM {db}.metric_t"),
    );
    assert_eq!(
        t,
        vec![vec![
            Value::Timestamp(Timestamp::Milliseconds(TS0)),
            Value::Double(32.5),
            Value::NChar("web01".into()),
        ]]
    );
    let j = rows(
        taos,
        &format!("SELECT _ts, _value, host FROM {db}.metric_j"),
    );
    assert_eq!(
        j,
        vec![vec![
            Value::Timestamp(Timestamp::Milliseconds(TS0)),
            Value::Double(10.5),
            // JSON string tags default to BINARY (TDengine clientSmlJson.c), telnet/line tags are NCHAR.
            Value::VarChar("a".into()),
        ]]
    );
}
