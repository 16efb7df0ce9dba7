//! End-to-end tests of the engine through SQL: every test checks values.

mod sqlutil;
use sqlutil::{affected, code, col, exec, rows};

use taos_devserver::engine::{Engine, ResultSet, Session, Value};
use taos_wire::error::codes;
use taos_wire::types::*;
use taos_wire::RawBlock;

fn bytes(s: &str) -> Value {
    Value::Bytes(s.as_bytes().to_vec())
}

fn setup() -> (Engine, Session) {
    let e = Engine::new();
    let mut s = Session::default();
    exec(
        &e,
        &mut s,
        "create database if not exists power precision 'ms' keep 3650",
    );
    exec(&e, &mut s, "use power");
    exec(
        &e,
        &mut s,
        "CREATE STABLE meters (ts TIMESTAMP, current FLOAT, voltage INT, phase DOUBLE) TAGS (location VARCHAR(64), groupid INT)",
    );
    exec(
        &e,
        &mut s,
        "create table d1 using meters tags('SF', 1) d2 using meters (groupid, location) tags (2, 'LA')",
    );
    let n = affected(
        &e,
        &mut s,
        "insert into d1 values ('2024-01-01 00:00:00.000', 10.5, 220, 0.5) ('2024-01-01 00:00:01.000', 11.5, 221, 0.6) \
         d2 values (1704067200000, 9.0, 230, 0.1) ('2024-01-01T00:00:02Z', NULL, 231, 0.2)",
    );
    assert_eq!(n, 4);
    (e, s)
}

#[test]
fn show_and_describe() {
    let (e, mut s) = setup();
    let r = rows(&e, &mut s, "show databases");
    assert_eq!(r.fields()[0].name, "name");
    assert_eq!(
        col(&r, 0),
        vec![
            bytes("information_schema"),
            bytes("performance_schema"),
            bytes("power")
        ]
    );
    let r = rows(&e, &mut s, "SHOW STABLES");
    assert_eq!(r.fields()[0].name, "stable_name");
    assert_eq!(col(&r, 0), vec![bytes("meters")]);
    let r = rows(&e, &mut s, "show power.tables like 'd%'");
    assert_eq!(r.fields()[0].name, "table_name");
    assert_eq!(col(&r, 0), vec![bytes("d1"), bytes("d2")]);
    let r = rows(&e, &mut s, "describe d1");
    let names: Vec<&str> = r.fields().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["field", "type", "length", "note"]);
    assert_eq!(r.num_rows(), 6);
    assert_eq!(r.value(1, 1), bytes("FLOAT"));
    assert_eq!(r.value(4, 0), bytes("location"));
    assert_eq!(r.value(4, 2), Value::Int(64));
    assert_eq!(r.value(4, 3), bytes("TAG"));
    assert_eq!(r.value(0, 3), bytes(""));
}

#[test]
fn select_star_from_stable_and_child() {
    let (e, mut s) = setup();
    let r = rows(&e, &mut s, "select * from meters order by ts");
    let names: Vec<&str> = r.fields().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["ts", "current", "voltage", "phase", "location", "groupid"]
    );
    assert_eq!(
        col(&r, 0),
        vec![
            Value::Timestamp(1_704_067_200_000),
            Value::Timestamp(1_704_067_200_000),
            Value::Timestamp(1_704_067_201_000),
            Value::Timestamp(1_704_067_202_000)
        ]
    );
    let r = rows(&e, &mut s, "select * from d2");
    assert_eq!(r.fields().len(), 4, "child table * has no tags");
    assert_eq!(col(&r, 1), vec![Value::Float(9.0), Value::Null]);
    assert_eq!(r.precision(), 0);
    let r = rows(
        &e,
        &mut s,
        "select tbname, location, voltage from meters where voltage > 220 order by voltage desc",
    );
    assert_eq!(col(&r, 0), vec![bytes("d2"), bytes("d2"), bytes("d1")]);
    assert_eq!(col(&r, 1), vec![bytes("LA"), bytes("LA"), bytes("SF")]);
    assert_eq!(
        col(&r, 2),
        vec![Value::Int(231), Value::Int(230), Value::Int(221)]
    );
}

#[test]
fn where_operators() {
    let (e, mut s) = setup();
    let q = |e: &Engine, s: &mut Session, w: &str| -> Vec<Value> {
        let r = rows(
            e,
            s,
            &format!("select voltage from meters where {w} order by voltage"),
        );
        col(&r, 0)
    };
    let v = |x: &[i64]| x.iter().map(|i| Value::Int(*i)).collect::<Vec<_>>();
    assert_eq!(q(&e, &mut s, "voltage between 221 and 230"), v(&[221, 230]));
    assert_eq!(q(&e, &mut s, "voltage not in (220, 231)"), v(&[221, 230]));
    assert_eq!(q(&e, &mut s, "current is null"), v(&[231]));
    assert_eq!(
        q(&e, &mut s, "current is not null and groupid = 1"),
        v(&[220, 221])
    );
    assert_eq!(
        q(&e, &mut s, "location like 'L_' or voltage = 220"),
        v(&[220, 230, 231])
    );
    assert_eq!(
        q(&e, &mut s, "tbname = 'd1' and not (voltage <> 221)"),
        v(&[221])
    );
    assert_eq!(
        q(
            &e,
            &mut s,
            "ts >= '2024-01-01 00:00:01' and ts < '2024-01-01T00:00:02.000Z'"
        ),
        v(&[221])
    );
    assert_eq!(q(&e, &mut s, "ts > now"), v(&[]));
    assert_eq!(q(&e, &mut s, "phase > 0.45"), v(&[220, 221]));
    // Three-valued logic: NOT of a comparison with NULL stays unknown.
    assert_eq!(q(&e, &mut s, "not (current > 100)"), v(&[220, 221, 230]));
    assert_eq!(q(&e, &mut s, "current > 100 or voltage = 231"), v(&[231]));
}

#[test]
fn order_limit_offset() {
    let (e, mut s) = setup();
    let r = rows(
        &e,
        &mut s,
        "select ts, voltage from d1 order by ts desc limit 1",
    );
    assert_eq!(col(&r, 1), vec![Value::Int(221)]);
    let r = rows(
        &e,
        &mut s,
        "select voltage v from meters order by v limit 2 offset 1",
    );
    assert_eq!(col(&r, 0), vec![Value::Int(221), Value::Int(230)]);
    assert_eq!(r.fields()[0].name, "v");
    let r = rows(
        &e,
        &mut s,
        "select voltage from meters order by groupid desc, voltage asc limit 1, 2",
    );
    assert_eq!(col(&r, 0), vec![Value::Int(231), Value::Int(220)]);
}

#[test]
fn aggregates_and_types() {
    let (e, mut s) = setup();
    let r = rows(
        &e,
        &mut s,
        "select COUNT(*), count(current), sum(voltage), avg(voltage), min(current), max(voltage), spread(voltage), first(voltage), last(current), last_row(current) from meters",
    );
    let names: Vec<&str> = r.fields().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "count(*)",
            "count(current)",
            "sum(voltage)",
            "avg(voltage)",
            "min(current)",
            "max(voltage)",
            "spread(voltage)",
            "first(voltage)",
            "last(current)",
            "last_row(current)"
        ]
    );
    let types: Vec<u8> = r.fields().iter().map(|f| f.ty).collect();
    assert_eq!(
        types,
        [
            TSDB_DATA_TYPE_BIGINT,
            TSDB_DATA_TYPE_BIGINT,
            TSDB_DATA_TYPE_BIGINT,
            TSDB_DATA_TYPE_DOUBLE,
            TSDB_DATA_TYPE_FLOAT,
            TSDB_DATA_TYPE_INT,
            TSDB_DATA_TYPE_DOUBLE,
            TSDB_DATA_TYPE_INT,
            TSDB_DATA_TYPE_FLOAT,
            TSDB_DATA_TYPE_FLOAT
        ]
    );
    let row: Vec<Value> = (0..10).map(|c| r.value(0, c)).collect();
    assert_eq!(
        row,
        vec![
            Value::Int(4),
            Value::Int(3),
            Value::Int(902),
            Value::Double(225.5),
            Value::Float(9.0),
            Value::Int(231),
            Value::Double(11.0),
            Value::Int(220), // d1 and d2 share the first timestamp; d1 is read first
            Value::Float(11.5),
            Value::Null,
        ]
    );
    // Unsigned sums are BIGINT UNSIGNED; float sums DOUBLE.
    exec(
        &e,
        &mut s,
        "create table u (ts timestamp, a int unsigned, f float)",
    );
    exec(
        &e,
        &mut s,
        "insert into u values (now, 4294967295, 1.5) (now + 1a, 1, 2.5)",
    );
    let r = rows(&e, &mut s, "select sum(a), sum(f) from u");
    assert_eq!(r.fields()[0].ty, TSDB_DATA_TYPE_UBIGINT);
    assert_eq!(r.value(0, 0), Value::UInt(4_294_967_296));
    assert_eq!(r.fields()[1].ty, TSDB_DATA_TYPE_DOUBLE);
    assert_eq!(r.value(0, 1), Value::Double(4.0));
    // Empty input: count answers 0, other aggregates alone give no row.
    let r = rows(
        &e,
        &mut s,
        "select count(*), max(a) from u where a > 5000000000",
    );
    assert_eq!(r.num_rows(), 1);
    assert_eq!((r.value(0, 0), r.value(0, 1)), (Value::Int(0), Value::Null));
    let r = rows(&e, &mut s, "select max(a) from u where a > 5000000000");
    assert_eq!(r.num_rows(), 0);
}

#[test]
fn partition_and_interval() {
    let (e, mut s) = setup();
    let r = rows(
        &e,
        &mut s,
        "select tbname, count(*), avg(voltage) from meters partition by tbname order by tbname",
    );
    assert_eq!(col(&r, 0), vec![bytes("d1"), bytes("d2")]);
    assert_eq!(col(&r, 1), vec![Value::Int(2), Value::Int(2)]);
    assert_eq!(col(&r, 2), vec![Value::Double(220.5), Value::Double(230.5)]);
    let r = rows(
        &e,
        &mut s,
        "select groupid, sum(voltage) from meters group by groupid order by groupid desc",
    );
    assert_eq!(col(&r, 0), vec![Value::Int(2), Value::Int(1)]);
    assert_eq!(col(&r, 1), vec![Value::Int(461), Value::Int(441)]);
    let r = rows(
        &e,
        &mut s,
        "select _wstart, _wend, _wduration, count(*) from meters interval(2s)",
    );
    assert_eq!(
        col(&r, 0),
        vec![
            Value::Timestamp(1_704_067_200_000),
            Value::Timestamp(1_704_067_202_000)
        ]
    );
    assert_eq!(col(&r, 1)[0], Value::Timestamp(1_704_067_202_000));
    assert_eq!(col(&r, 2)[0], Value::Int(2000));
    assert_eq!(col(&r, 3), vec![Value::Int(3), Value::Int(1)]);
    let r = rows(
        &e,
        &mut s,
        "select _wstart, tbname, max(voltage) from meters partition by tbname interval(1s) order by tbname, _wstart",
    );
    assert_eq!(r.num_rows(), 4);
    assert_eq!(
        col(&r, 2),
        vec![
            Value::Int(220),
            Value::Int(221),
            Value::Int(230),
            Value::Int(231)
        ]
    );
}

#[test]
fn insert_semantics() {
    let (e, mut s) = setup();
    // Same timestamp replaces; missing columns keep old values.
    assert_eq!(
        affected(
            &e,
            &mut s,
            "insert into d1 (ts, voltage) values ('2024-01-01 00:00:00', 999)"
        ),
        1
    );
    let r = rows(
        &e,
        &mut s,
        "select current, voltage from d1 where ts = '2024-01-01 00:00:00'",
    );
    assert_eq!(
        (r.value(0, 0), r.value(0, 1)),
        (Value::Float(10.5), Value::Int(999))
    );
    // Out-of-order insert lands sorted.
    exec(
        &e,
        &mut s,
        "insert into d1 values ('2023-12-31 23:59:59', 1, 2, 3)",
    );
    let r = rows(&e, &mut s, "select voltage from d1");
    assert_eq!(
        col(&r, 0),
        vec![Value::Int(2), Value::Int(999), Value::Int(221)]
    );
    // Auto-create with USING, several tables in one statement.
    let n = affected(
        &e,
        &mut s,
        "insert into d3 using meters tags ('NY', 3) values (now, 1, 2, 3) (now+1s, 4, 5, 6) power.d4 using power.meters (location) tags('X') values (now-1d, 0, 0, 0)",
    );
    assert_eq!(n, 3);
    let r = rows(&e, &mut s, "select groupid from d4");
    assert_eq!(col(&r, 0), vec![Value::Null]);
    let r = rows(
        &e,
        &mut s,
        "select count(*) from d3 where ts <= now + 1s and ts > now - 1h",
    );
    assert_eq!(r.value(0, 0), Value::Int(2));
}

#[test]
fn all_types_round_trip() {
    let e = Engine::new();
    let mut s = Session::default();
    exec(&e, &mut s, "create database t precision 'us'");
    exec(&e, &mut s, "use t");
    exec(
        &e,
        &mut s,
        "create table a (ts timestamp, b bool, i8 tinyint, i16 smallint, i32 int, i64 bigint, u8 tinyint unsigned, u16 smallint unsigned, u32 int unsigned, u64 bigint unsigned, f float, d double, s binary(8), n nchar(4), vb varbinary(8), g geometry(64))",
    );
    exec(
        &e,
        &mut s,
        r#"insert into a values ('2024-01-01 00:00:00.000001', true, -128, -32768, -2147483648, -9223372036854775808, 255, 65535, 4294967295, 18446744073709551615, 1.5, -2.25, "it's", '中文ab', '\x00ff', 'POINT(1 2)')"#,
    );
    let r = rows(&e, &mut s, "select * from a");
    assert_eq!(r.precision(), 1);
    let got: Vec<Value> = (0..16).map(|c| r.value(0, c)).collect();
    let mut wkb = vec![1u8, 1, 0, 0, 0];
    wkb.extend_from_slice(&1f64.to_le_bytes());
    wkb.extend_from_slice(&2f64.to_le_bytes());
    assert_eq!(
        got,
        vec![
            Value::Timestamp(1_704_067_200_000_001),
            Value::Bool(true),
            Value::Int(-128),
            Value::Int(-32768),
            Value::Int(i32::MIN as i64),
            Value::Int(i64::MIN),
            Value::UInt(255),
            Value::UInt(65535),
            Value::UInt(u32::MAX as u64),
            Value::UInt(u64::MAX),
            Value::Float(1.5),
            Value::Double(-2.25),
            bytes("it's"),
            Value::NChar("中文ab".into()),
            Value::Bytes(vec![0, 0xff]),
            Value::Bytes(wkb),
        ]
    );
    // The raw block parses back with the same cells.
    let blk = r.encode_block(0, 4096);
    let v = RawBlock::parse(&blk).expect("valid block");
    assert_eq!((v.rows(), v.cols()), (1, 16));
    assert_eq!(v.col_type(13), TSDB_DATA_TYPE_NCHAR);
    assert_eq!(v.col_width(13), 4 * 4 + 2);
    assert_eq!(v.fixed_cell(5, 0), &i64::MIN.to_le_bytes());
    assert_eq!(v.var_cell(12, 0), Some(&b"it's"[..]));
    assert_eq!(
        v.var_cell(13, 0),
        Some(&taos_wire::nchar::utf8_to_ucs4("中文ab")[..])
    );
    // Limits.
    assert_eq!(
        code(&e, &mut s, "insert into a (ts, i8) values (now, 128)"),
        codes::TSDB_CODE_TSC_SQL_SYNTAX_ERROR
    );
    assert_eq!(
        code(&e, &mut s, "insert into a (ts, u8) values (now, -1)"),
        codes::TSDB_CODE_TSC_SQL_SYNTAX_ERROR
    );
    assert_eq!(
        code(
            &e,
            &mut s,
            "insert into a (ts, s) values (now, '123456789')"
        ),
        codes::TSDB_CODE_PAR_VALUE_TOO_LONG
    );
    assert_eq!(
        code(&e, &mut s, "insert into a (ts, n) values (now, '12345')"),
        codes::TSDB_CODE_PAR_VALUE_TOO_LONG
    );
    assert_eq!(
        code(&e, &mut s, "insert into a (ts, i32) values ('notatime', 1)"),
        codes::TSDB_CODE_TSC_SQL_SYNTAX_ERROR
    );
    assert_eq!(
        code(&e, &mut s, "insert into a (ts, nope) values (now, 1)"),
        codes::TSDB_CODE_PAR_INVALID_COLUMN
    );
}

#[test]
fn json_tag() {
    let e = Engine::new();
    let mut s = Session::default();
    exec(&e, &mut s, "create database j");
    exec(
        &e,
        &mut s,
        "create stable j.st (ts timestamp, v int) tags (info json)",
    );
    exec(
        &e,
        &mut s,
        r#"insert into j.c1 using j.st tags('{"k":"v","n":1}') values (now, 1)"#,
    );
    let r = rows(&e, &mut s, "select info from j.st");
    assert_eq!(r.fields()[0].ty, TSDB_DATA_TYPE_JSON);
    assert_eq!(r.value(0, 0), Value::Json(br#"{"k":"v","n":1}"#.to_vec()));
    assert_ne!(
        code(
            &e,
            &mut s,
            "create stable j.bad (ts timestamp, v int) tags (a json, b int)"
        ),
        0
    );
}

#[test]
fn constants_and_errors() {
    let e = Engine::new();
    let mut s = Session::default();
    let r = rows(&e, &mut s, "SELECT SERVER_VERSION()");
    assert_eq!(r.fields()[0].name, "server_version()");
    assert_eq!(r.value(0, 0), bytes("3.3.6.0"));
    let r = rows(&e, &mut s, "select database()");
    assert_eq!(r.value(0, 0), Value::Null);
    assert_eq!(
        code(&e, &mut s, "select * from t"),
        codes::TSDB_CODE_PAR_DB_NOT_SPECIFIED
    );
    assert_eq!(
        code(&e, &mut s, "use nope"),
        codes::TSDB_CODE_MND_DB_NOT_EXIST
    );
    assert_eq!(
        code(&e, &mut s, "select * from nope.t"),
        codes::TSDB_CODE_MND_DB_NOT_EXIST
    );
    exec(&e, &mut s, "create database d");
    exec(&e, &mut s, "use d");
    let r = rows(&e, &mut s, "select database()");
    assert_eq!(r.value(0, 0), bytes("d"));
    assert_eq!(
        code(&e, &mut s, "create database d"),
        codes::TSDB_CODE_MND_DB_ALREADY_EXIST
    );
    assert_eq!(
        code(&e, &mut s, "select * from t"),
        codes::TSDB_CODE_PAR_TABLE_NOT_EXIST
    );
    exec(&e, &mut s, "create table t (ts timestamp, v int)");
    assert_ne!(code(&e, &mut s, "create table t (ts timestamp, v int)"), 0);
    assert_eq!(
        affected(
            &e,
            &mut s,
            "create table if not exists t (ts timestamp, v int)"
        ),
        0
    );
    assert_eq!(
        code(&e, &mut s, "select nope from t"),
        codes::TSDB_CODE_PAR_INVALID_COLUMN
    );
    assert_eq!(
        code(&e, &mut s, "select v, count(*) from t"),
        0x8000_260C_u32 as i32
    );
    assert_eq!(
        code(&e, &mut s, "select * from t where count(*) > 1"),
        0x8000_2608_u32 as i32
    );
    assert_eq!(
        code(&e, &mut s, "select abs(v) from t"),
        codes::TSDB_CODE_OPS_NOT_SUPPORT
    );
    assert_eq!(
        code(&e, &mut s, "select v + 1 from t"),
        codes::TSDB_CODE_OPS_NOT_SUPPORT
    );
    let err = e.execute(&mut s, "select * frm t").unwrap_err();
    assert_eq!(err.code, codes::TSDB_CODE_PAR_SYNTAX_ERROR);
    assert_eq!(err.message, "syntax error near \"frm t\"");
    assert_eq!(
        code(&e, &mut s, "drop table if exists t, nope"),
        codes::TSDB_CODE_PAR_TABLE_NOT_EXIST
    );
    // The failed batch dropped nothing.
    assert_eq!(rows(&e, &mut s, "show tables").num_rows(), 1);
    exec(&e, &mut s, "drop table if exists t, if exists nope");
    assert_eq!(
        code(&e, &mut s, "drop table t"),
        codes::TSDB_CODE_PAR_TABLE_NOT_EXIST
    );
    exec(&e, &mut s, "drop database d");
    assert!(!e.database_exists("d"));
    assert!(e.database_exists("information_schema"));
}

#[test]
fn session_timezone_applies_to_strings() {
    let e = Engine::new();
    let mut s = Session {
        current_db: None,
        timezone: Some("UTC+8".into()),
    };
    exec(&e, &mut s, "create database z");
    exec(&e, &mut s, "create table z.t (ts timestamp, v int)");
    exec(
        &e,
        &mut s,
        "insert into z.t values ('2024-01-01 08:00:00', 1) ('2024-01-01 08:00:00+00:00', 2)",
    );
    let r = rows(&e, &mut s, "select ts from z.t");
    assert_eq!(
        col(&r, 0),
        vec![
            Value::Timestamp(1_704_067_200_000),
            Value::Timestamp(1_704_096_000_000)
        ]
    );
}

#[test]
fn concurrent_writers_and_readers() {
    let e = std::sync::Arc::new(Engine::new());
    let mut s = Session::default();
    exec(&e, &mut s, "create database c");
    exec(
        &e,
        &mut s,
        "create stable c.st (ts timestamp, v int) tags (k int)",
    );
    let handles: Vec<_> = (0..4)
        .map(|w| {
            let e = e.clone();
            std::thread::spawn(move || {
                let mut s = Session {
                    current_db: Some("c".into()),
                    timezone: None,
                };
                for i in 0..200 {
                    let sql = format!(
                        "insert into t{w} using st tags({w}) values ({}, {i})",
                        1_700_000_000_000i64 + i
                    );
                    e.execute(&mut s, &sql).expect("insert");
                    e.execute(&mut s, "select count(*) from st")
                        .expect("select");
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("thread");
    }
    let r = rows(&e, &mut s, "select count(*), sum(v) from c.st");
    assert_eq!(r.value(0, 0), Value::Int(800));
    assert_eq!(r.value(0, 1), Value::Int(4 * (199 * 200 / 2)));
}

#[test]
fn keep_and_last_star() {
    let e = Engine::new();
    let mut s = Session::default();
    exec(&e, &mut s, "create database k");
    exec(&e, &mut s, "create table k.t (ts timestamp, v int)");
    // Older than KEEP (3650 days by default).
    assert_eq!(
        code(
            &e,
            &mut s,
            "insert into k.t values ('1990-01-01 00:00:00', 1)"
        ),
        codes::TSDB_CODE_TDB_TIMESTAMP_OUT_OF_RANGE
    );
    exec(&e, &mut s, "create database old keep 36500d");
    exec(&e, &mut s, "create table old.t (ts timestamp, v int)");
    exec(
        &e,
        &mut s,
        "insert into old.t values ('1990-01-01 00:00:00', 1) ('1990-01-01 00:00:01', NULL)",
    );
    let r = rows(&e, &mut s, "select last(*), last_row(v) from old.t");
    let names: Vec<&str> = r.fields().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["last(ts)", "last(v)", "last_row(v)"]);
    assert_eq!(r.value(0, 0), Value::Timestamp(631_152_001_000));
    assert_eq!(r.value(0, 1), Value::Int(1));
    assert_eq!(r.value(0, 2), Value::Null);
}

#[test]
fn order_by_position_and_local_day_windows() {
    let e = Engine::new();
    let mut s = Session {
        current_db: None,
        timezone: Some("UTC+8".into()),
    };
    exec(&e, &mut s, "create database w");
    exec(&e, &mut s, "create table w.t (ts timestamp, v int)");
    // 2024-01-01 23:00 and 2024-01-02 01:00 local (+08:00) fall in two local days.
    exec(
        &e,
        &mut s,
        "insert into w.t values ('2024-01-01 23:00:00', 5) ('2024-01-02 01:00:00', 7) ('2024-01-02 02:00:00', 1)",
    );
    let r = rows(&e, &mut s, "select _wstart, count(*) from w.t interval(1d)");
    assert_eq!(
        col(&r, 0),
        vec![
            Value::Timestamp(1_704_038_400_000), // 2024-01-01T00:00+08:00
            Value::Timestamp(1_704_124_800_000)  // 2024-01-02T00:00+08:00
        ]
    );
    assert_eq!(col(&r, 1), vec![Value::Int(1), Value::Int(2)]);
    let r = rows(&e, &mut s, "select ts, v from w.t order by 2 desc");
    assert_eq!(
        col(&r, 1),
        vec![Value::Int(7), Value::Int(5), Value::Int(1)]
    );
    assert_eq!(
        code(&e, &mut s, "select ts, v from w.t order by 3"),
        0x8000_2609_u32 as i32
    );
}

#[test]
fn projections_of_runs_and_permutations() {
    let e = Engine::new();
    let mut s = Session::default();
    exec(&e, &mut s, "create database p");
    exec(
        &e,
        &mut s,
        "create table p.t (ts timestamp, v int, s nchar(4))",
    );
    exec(
        &e,
        &mut s,
        "insert into p.t values (1700000000000, 3, 'c') (1700000000001, 1, 'a') (1700000000002, 2, NULL) (1700000000003, 4, 'd')",
    );
    let r = rows(&e, &mut s, "select v, s from p.t order by ts desc");
    assert_eq!(
        col(&r, 0),
        vec![Value::Int(4), Value::Int(2), Value::Int(1), Value::Int(3)]
    );
    // First and last rows in place, middle permuted.
    let r = rows(&e, &mut s, "select v from p.t order by s");
    assert_eq!(
        col(&r, 0),
        vec![Value::Int(2), Value::Int(1), Value::Int(3), Value::Int(4)]
    );
    let r = rows(&e, &mut s, "select s from p.t limit 2 offset 1");
    assert_eq!(col(&r, 0), vec![Value::NChar("a".into()), Value::Null]);
}

#[test]
fn decimals() {
    let e = Engine::new();
    let mut s = Session::default();
    exec(&e, &mut s, "create database dc");
    exec(
        &e,
        &mut s,
        "create table dc.t (ts timestamp, a decimal(10, 2), b decimal(30, 4))",
    );
    exec(
        &e,
        &mut s,
        "insert into dc.t values (now, -12.345, '123456789012345678901234.5') (now + 1s, NULL, 0.00005)",
    );
    let r = rows(&e, &mut s, "select * from dc.t where a < 0 or a is null");
    let f = &r.fields()[1];
    assert_eq!(
        (f.ty, f.bytes, f.precision, f.scale),
        (TSDB_DATA_TYPE_DECIMAL64, 8, 10, 2)
    );
    let f = &r.fields()[2];
    assert_eq!(
        (f.ty, f.bytes, f.precision, f.scale),
        (TSDB_DATA_TYPE_DECIMAL, 16, 30, 4)
    );
    assert_eq!(
        col(&r, 1),
        vec![Value::Decimal("-12.35".into()), Value::Null]
    );
    assert_eq!(
        col(&r, 2),
        vec![
            Value::Decimal("123456789012345678901234.5000".into()),
            Value::Decimal("0.0001".into())
        ]
    );
    assert_eq!(r.internal_widths()[1] as u32, (8 << 24) | (10 << 8) | 2);
    let blk = r.encode_block(0, 10);
    let v = RawBlock::parse(&blk).expect("block");
    assert_eq!(v.fixed_cell(1, 0), &(-1235i64).to_le_bytes());
    assert_eq!(
        v.fixed_cell(2, 0),
        &1_234_567_890_123_456_789_012_345_000i128.to_le_bytes()
    );
    assert!(v.is_null(1, 1));
    assert_eq!(
        code(
            &e,
            &mut s,
            "insert into dc.t (ts, a) values (now, 123456789)"
        ),
        codes::TSDB_CODE_TSC_SQL_SYNTAX_ERROR
    );
    let r = rows(&e, &mut s, "describe dc.t");
    assert_eq!(r.value(1, 1), bytes("DECIMAL(10,2)"));
}

#[test]
fn insert_into_supertable_with_tbname() {
    let (e, mut s) = setup();
    let n = affected(
        &e,
        &mut s,
        "INSERT INTO power.meters (tbname, location, groupid, ts, current, voltage, phase) VALUES ('d9', 'Paris', 9, '2024-01-01 00:00:05', 1.0, 100, 0.1) ('d1', 'ignored', 0, '2024-01-01 00:00:06', 2.0, 200, 0.2)",
    );
    assert_eq!(n, 2);
    let r = rows(&e, &mut s, "select tbname, location, groupid, voltage from meters where ts >= '2024-01-01 00:00:05' order by ts");
    assert_eq!(col(&r, 0), vec![bytes("d9"), bytes("d1")]);
    assert_eq!(col(&r, 1), vec![bytes("Paris"), bytes("SF")]);
    assert_eq!(col(&r, 2), vec![Value::Int(9), Value::Int(1)]);
    assert_eq!(col(&r, 3), vec![Value::Int(100), Value::Int(200)]);
    assert_eq!(
        code(
            &e,
            &mut s,
            "insert into meters (ts, voltage) values (now, 1)"
        ),
        codes::TSDB_CODE_PAR_TBNAME_ERROR
    );
}

#[test]
fn unknown_session_zone_only_fails_local_times() {
    let e = Engine::new();
    let mut s = Session {
        current_db: None,
        timezone: Some("Mars/Olympus_Mons".into()),
    };
    exec(&e, &mut s, "create database mz");
    exec(&e, &mut s, "create table mz.t (ts timestamp, v int)");
    exec(
        &e,
        &mut s,
        "insert into mz.t values ('2024-01-01T00:00:00Z', 1) (now, 2)",
    );
    assert_eq!(
        code(
            &e,
            &mut s,
            "insert into mz.t values ('2024-01-01 00:00:00', 3)"
        ),
        codes::TSDB_CODE_TSC_SQL_SYNTAX_ERROR
    );
    let r = rows(&e, &mut s, "select count(*) from mz.t");
    assert_eq!(r.value(0, 0), Value::Int(2));
}

#[test]
fn validate_checks_syntax_and_tables() {
    let (e, s) = setup();
    assert!(e.validate(&s, "select * from meters").is_ok());
    assert!(e
        .validate(
            &s,
            "insert into dx using meters tags('a', 1) values (now, 1, 1, 1)"
        )
        .is_ok());
    assert_eq!(
        e.validate(&s, "select * from nope").unwrap_err().code,
        codes::TSDB_CODE_PAR_TABLE_NOT_EXIST
    );
    assert_eq!(
        e.validate(&s, "selec 1").unwrap_err().code,
        codes::TSDB_CODE_PAR_SYNTAX_ERROR
    );
    // Validation writes nothing.
    let mut s2 = s.clone();
    let r = rows(&e, &mut s2, "show tables");
    assert_eq!(r.num_rows(), 2);
}

#[test]
fn delete_by_time_range() {
    let (e, mut s) = setup();
    assert_eq!(
        affected(
            &e,
            &mut s,
            "delete from d1 where ts >= '2024-01-01 00:00:01'"
        ),
        1
    );
    let r = rows(&e, &mut s, "select voltage from d1");
    assert_eq!(col(&r, 0), vec![Value::Int(220)]);
    assert_eq!(
        code(&e, &mut s, "delete from meters where voltage > 1"),
        0x8000_2655_u32 as i32
    );
    assert_eq!(affected(&e, &mut s, "delete from meters"), 3);
    let r = rows(&e, &mut s, "select count(*) from meters");
    assert_eq!(r.value(0, 0), Value::Int(0));
    assert_eq!(rows(&e, &mut s, "show tables").num_rows(), 2);
}

#[test]
fn alter_add_column_tag_and_set_tag() {
    let (e, mut s) = setup();
    exec(&e, &mut s, "alter stable meters add column note binary(8)");
    exec(&e, &mut s, "alter stable meters add tag zone int");
    exec(&e, &mut s, "alter table d1 set tag zone = 5");
    exec(
        &e,
        &mut s,
        "insert into d1 (ts, note) values ('2024-01-01 00:00:09', 'new')",
    );
    let r = rows(
        &e,
        &mut s,
        "select tbname, note, zone from meters order by ts",
    );
    let names: Vec<&str> = r.fields().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["tbname", "note", "zone"]);
    assert_eq!(col(&r, 1)[4], bytes("new"));
    assert_eq!(col(&r, 1)[0], Value::Null);
    let zones = col(&r, 2);
    assert_eq!(zones.iter().filter(|z| **z == Value::Int(5)).count(), 3);
    assert_eq!(zones.iter().filter(|z| **z == Value::Null).count(), 2);
    let r = rows(&e, &mut s, "describe meters");
    assert_eq!(r.num_rows(), 8);
    assert_eq!(r.value(4, 0), bytes("note"));
    assert_eq!(r.value(7, 3), bytes("TAG"));
    exec(&e, &mut s, "create table n (ts timestamp, a int)");
    exec(&e, &mut s, "insert into n values (now, 1)");
    exec(&e, &mut s, "alter table n add column b double");
    let r = rows(&e, &mut s, "select * from n");
    assert_eq!((r.value(0, 1), r.value(0, 2)), (Value::Int(1), Value::Null));
    assert_eq!(
        code(&e, &mut s, "alter table d1 add column x int"),
        0x8000_2649_u32 as i32
    );
    assert_eq!(
        code(&e, &mut s, "alter table n add column a int"),
        codes::TSDB_CODE_PAR_DUPLICATED_COLUMN
    );
    assert_eq!(
        code(&e, &mut s, "alter table n drop column a"),
        codes::TSDB_CODE_OPS_NOT_SUPPORT
    );
}

#[test]
fn engine_and_results_are_shareable() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Engine>();
    send_sync::<ResultSet>();
    send_sync::<Session>();
}

#[test]
fn information_schema_tables() {
    let (e, mut s) = setup();
    exec(&e, &mut s, "create database p2 precision 'ns'");
    let r = rows(
        &e,
        &mut s,
        "select `precision` from information_schema.ins_databases where name = 'p2'",
    );
    assert_eq!(col(&r, 0), vec![bytes("ns")]);
    let r = rows(
        &e,
        &mut s,
        "select count(*) from information_schema.ins_tables where db_name = 'power' and stable_name = 'meters'",
    );
    assert_eq!(r.value(0, 0), Value::Int(2));
    let r = rows(
        &e,
        &mut s,
        "select stable_name, columns, `tags` from information_schema.ins_stables",
    );
    assert_eq!(
        (r.value(0, 0), r.value(0, 1), r.value(0, 2)),
        (bytes("meters"), Value::Int(4), Value::Int(2))
    );
    assert!(e
        .validate(&s, "select name from information_schema.ins_databases")
        .is_ok());
    assert_eq!(
        code(&e, &mut s, "select * from information_schema.ins_databases"),
        codes::TSDB_CODE_OPS_NOT_SUPPORT
    );
    assert_eq!(
        code(&e, &mut s, "select name from information_schema.ins_users"),
        codes::TSDB_CODE_OPS_NOT_SUPPORT
    );
}

#[test]
fn row_and_tag_length_limits() {
    let e = Engine::new();
    let mut s = Session::default();
    exec(&e, &mut s, "create database lim");
    assert_eq!(
        code(
            &e,
            &mut s,
            "create stable lim.a (ts timestamp, v int) tags (t1 binary(10000), t2 binary(10000))"
        ),
        0x8000_263D_u32 as i32
    );
    assert_eq!(
        code(
            &e,
            &mut s,
            "create table lim.b (ts timestamp, a binary(40000), b binary(40000))"
        ),
        0x8000_263E_u32 as i32
    );
    exec(
        &e,
        &mut s,
        "create stable lim.c (ts timestamp, v binary(60000)) tags (t nchar(4000))",
    );
}

#[test]
fn alter_modify_widens_var_columns() {
    let (e, mut s) = setup();
    exec(
        &e,
        &mut s,
        "alter stable meters modify tag location varchar(100)",
    );
    let long = "x".repeat(90);
    exec(
        &e,
        &mut s,
        &format!("insert into d7 using meters tags ('{long}', 7) values (now, 1, 1, 1)"),
    );
    let r = rows(&e, &mut s, "select location from d7");
    assert_eq!(r.fields()[0].bytes, 100);
    assert_eq!(r.value(0, 0), bytes(&long));
    exec(&e, &mut s, "create table w (ts timestamp, s nchar(2))");
    exec(&e, &mut s, "alter table w modify column s nchar(10)");
    exec(&e, &mut s, "insert into w values (now, '0123456789')");
    assert_eq!(
        code(&e, &mut s, "alter table w modify column s nchar(5)"),
        0x8000_264B_u32 as i32
    );
    assert_eq!(
        code(
            &e,
            &mut s,
            "alter stable meters modify column voltage bigint"
        ),
        0x8000_264B_u32 as i32
    );
}
