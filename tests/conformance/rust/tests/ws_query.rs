//! Connection, multi-block results, DDL/DML replies and error codes through the official client.
use taos::sync::*;
use taos::taos_query::common::Timestamp;
use taos_conformance::checks::{code_of, fresh_db};
use taos_conformance::{dsn, server_addr};

const TS0: i64 = 1_600_000_000_000;
/// Rows written for the multi-block test; the dev server runs with `--block-rows 100`.
const ROWS: i64 = 1_234;

fn connect(db: Option<&str>) -> Taos {
    TaosBuilder::from_dsn(dsn(db))
        .expect("dsn")
        .build()
        .expect("connect to dev server")
}

#[test]
fn connect_reports_server_version() {
    let builder = TaosBuilder::from_dsn(dsn(None)).unwrap();
    assert!(builder.ready(), "builder.ready() (version request)");
    let taos = builder.build().unwrap();
    assert_eq!(builder.server_version().unwrap(), "3.3.6.0");
    // `SELECT server_version()` through the query path returns the same string.
    assert_eq!(taos.server_version().unwrap(), "3.3.6.0");
    let one: Option<String> = taos.query_one("SELECT server_version()").unwrap();
    assert_eq!(one.as_deref(), Some("3.3.6.0"));
}

#[test]
fn wrong_password_is_authentication_failure() {
    let dsn = format!("ws://root:wrong@{}", server_addr());
    // The official client connects lazily: the `conn` reply surfaces on first use.
    let r = TaosBuilder::from_dsn(dsn)
        .unwrap()
        .build()
        .and_then(|t| t.exec("SELECT server_version()"));
    // 0x0357 TSDB_CODE_MND_AUTH_FAILURE, as taosAdapter relays it for `conn`.
    assert_eq!(code_of(r), 0x0357);
}

#[test]
fn dsn_database_and_use() {
    let taos = connect(None);
    taos.exec("DROP DATABASE IF EXISTS cf_q_use").unwrap();
    taos.exec("CREATE DATABASE cf_q_use").unwrap();
    taos.exec("CREATE TABLE cf_q_use.t (ts TIMESTAMP, v INT)")
        .unwrap();
    taos.exec(format!("INSERT INTO cf_q_use.t VALUES ({TS0}, 42)"))
        .unwrap();

    // Database from the DSN path (sent as `conn.db`).
    let in_db = connect(Some("cf_q_use"));
    let v: Option<i32> = in_db.query_one("SELECT v FROM t").unwrap();
    assert_eq!(v, Some(42));
    let db: Option<String> = in_db.query_one("SELECT database()").unwrap();
    assert_eq!(db.as_deref(), Some("cf_q_use"));

    // USE on a connection without a database.
    taos.exec("USE cf_q_use").unwrap();
    let v: Option<i32> = taos.query_one("SELECT v FROM t").unwrap();
    assert_eq!(v, Some(42));
}

#[test]
fn dsn_with_missing_database_fails() {
    let r = TaosBuilder::from_dsn(dsn(Some("cf_q_no_such_db")))
        .unwrap()
        .build()
        .and_then(|t| t.exec("SELECT server_version()"));
    assert_eq!(code_of(r), 0x0388, "conn with a missing database");
}

#[test]
fn multi_block_select_returns_every_row() {
    let taos = connect(None);
    let db = "cf_q_blocks";
    fresh_db(&taos, db);
    taos.exec(format!(
        "CREATE TABLE {db}.t (ts TIMESTAMP, i INT, s VARCHAR(16), n NCHAR(8))"
    ))
    .unwrap();
    let mut written = 0;
    for chunk in (0..ROWS).collect::<Vec<_>>().chunks(300) {
        let values: String = chunk
            .iter()
            .map(|&i| {
                if i % 7 == 3 {
                    format!("({}, NULL, NULL, NULL)", TS0 + i)
                } else {
                    format!("({}, {}, 's{}', 'ñ{}')", TS0 + i, i * 3 - 500, i, i % 100)
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        written += taos
            .exec(format!("INSERT INTO {db}.t VALUES {values}"))
            .unwrap();
    }
    assert_eq!(
        written as i64, ROWS,
        "affected rows summed over the INSERTs"
    );

    let mut rs = taos.query(format!("SELECT * FROM {db}.t")).unwrap();
    let mut blocks = 0;
    let mut seen = 0i64;
    for block in rs.blocks() {
        let block = block.unwrap();
        assert!(
            block.nrows() <= 100,
            "block of {} rows > --block-rows 100",
            block.nrows()
        );
        assert!(block.nrows() > 0, "empty block before the end");
        assert_eq!(block.ncols(), 4);
        for row in block.to_values() {
            let i = seen;
            assert_eq!(
                row[0],
                Value::Timestamp(Timestamp::Milliseconds(TS0 + i)),
                "ts of row {i}"
            );
            if i % 7 == 3 {
                assert_eq!(row[1], Value::Null(Ty::Int), "row {i}");
                assert_eq!(row[2], Value::Null(Ty::VarChar), "row {i}");
                assert_eq!(row[3], Value::Null(Ty::NChar), "row {i}");
            } else {
                assert_eq!(row[1], Value::Int((i * 3 - 500) as i32), "row {i}");
                assert_eq!(row[2], Value::VarChar(format!("s{i}")), "row {i}");
                assert_eq!(row[3], Value::NChar(format!("ñ{}", i % 100)), "row {i}");
            }
            seen += 1;
        }
        blocks += 1;
    }
    assert_eq!(seen, ROWS);
    assert!(
        blocks >= (ROWS as usize).div_ceil(100),
        "{blocks} blocks for {ROWS} rows"
    );

    let count: Option<i64> = taos
        .query_one(format!("SELECT COUNT(*) FROM {db}.t"))
        .unwrap();
    assert_eq!(count, Some(ROWS));
    let non_null: Option<i64> = taos
        .query_one(format!("SELECT COUNT(i) FROM {db}.t"))
        .unwrap();
    assert_eq!(
        non_null,
        Some(ROWS - (0..ROWS).filter(|i| i % 7 == 3).count() as i64)
    );
}

#[test]
fn row_iteration_with_limit_offset() {
    let taos = connect(None);
    let db = "cf_q_limit";
    fresh_db(&taos, db);
    taos.exec(format!("CREATE TABLE {db}.t (ts TIMESTAMP, v BIGINT)"))
        .unwrap();
    let values: String = (0..250)
        .map(|i| format!("({}, {})", TS0 + i, i * i))
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        taos.exec(format!("INSERT INTO {db}.t VALUES {values}"))
            .unwrap(),
        250
    );
    let got: Vec<(i64, i64)> = taos
        .query(format!(
            "SELECT ts, v FROM {db}.t ORDER BY ts DESC LIMIT 150 OFFSET 20"
        ))
        .unwrap()
        .deserialize()
        .collect::<Result<_, _>>()
        .unwrap();
    let want: Vec<(i64, i64)> = (0..250)
        .rev()
        .skip(20)
        .take(150)
        .map(|i| (TS0 + i, i * i))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn ddl_and_empty_results() {
    let taos = connect(None);
    let db = "cf_q_ddl";
    taos.exec(format!("DROP DATABASE IF EXISTS {db}")).unwrap();
    assert_eq!(taos.exec(format!("CREATE DATABASE {db}")).unwrap(), 0);
    taos.exec(format!("CREATE TABLE {db}.t (ts TIMESTAMP, v INT)"))
        .unwrap();
    // An empty table: a result set with its fields and no rows.
    let mut rs = taos.query(format!("SELECT * FROM {db}.t")).unwrap();
    assert_eq!(rs.fields().len(), 2);
    assert!(rs.to_rows_vec().unwrap().is_empty());
    // SHOW DATABASES lists it (first column `name`).
    let mut rs = taos.query("SHOW DATABASES").unwrap();
    assert_eq!(rs.fields()[0].name(), "name");
    let names: Vec<String> = rs
        .to_rows_vec()
        .unwrap()
        .into_iter()
        .filter_map(|r| match &r[0] {
            Value::VarChar(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(names.iter().any(|n| n == db), "{names:?}");
    assert!(names.iter().any(|n| n == "information_schema"), "{names:?}");
    // The official client's `databases()` helper deserialises SHOW DATABASES by column name.
    let dbs = taos.databases().unwrap();
    assert!(dbs.iter().any(|d| d.name == db), "databases(): {dbs:?}");
    // The official client's `describe` helper deserialises DESCRIBE's columns by name. It
    // backquotes the whole name, so a `db.t` form would name table "db.t": select the db first.
    assert_eq!(
        code_of(taos.describe(&format!("{db}.t"))),
        0x2616,
        "describe `db.t` without a current database"
    );
    taos.exec(format!("USE {db}")).unwrap();
    let desc = taos.describe("t").unwrap();
    let cols: Vec<(String, Ty, usize, bool)> = desc
        .iter()
        .map(|c| (c.field.clone(), c.ty, c.length, c.is_tag()))
        .collect();
    assert_eq!(
        cols,
        [
            ("ts".to_string(), Ty::Timestamp, 8, false),
            ("v".to_string(), Ty::Int, 4, false)
        ]
    );
    // Existence helper of the official client (`show <db>.stables`).
    assert!(taos.database_exists(db).unwrap());
    taos.exec(format!("DROP DATABASE {db}")).unwrap();
    assert!(!taos.database_exists(db).unwrap());
}

#[test]
fn error_codes() {
    let taos = connect(None);
    taos.exec("CREATE DATABASE IF NOT EXISTS cf_q_err").unwrap();
    taos.exec("CREATE TABLE IF NOT EXISTS cf_q_err.t (ts TIMESTAMP, v INT)")
        .unwrap();
    // 0x2600 syntax error.
    assert_eq!(code_of(taos.query("SELEC * FROM cf_q_err.t")), 0x2600);
    // 0x2601 incomplete SQL: the parser hit the end of the input.
    assert_eq!(code_of(taos.exec("CREATE TABLE")), 0x2601);
    assert_eq!(
        code_of(taos.query("SELECT * FROM cf_q_err.t WHERE")),
        0x2601
    );
    // 0x2603 table does not exist.
    assert_eq!(
        code_of(taos.query("SELECT * FROM cf_q_err.no_such_table")),
        0x2603
    );
    // 0x0388 database not exist.
    assert_eq!(code_of(taos.query("SELECT * FROM cf_q_no_db.t")), 0x0388);
    assert_eq!(code_of(taos.exec("USE cf_q_no_db")), 0x0388);
    // 0x2616 database not specified.
    assert_eq!(code_of(taos.query("SELECT * FROM t")), 0x2616);
    // 0x2602 invalid column name.
    assert_eq!(code_of(taos.query("SELECT nope FROM cf_q_err.t")), 0x2602);
    // 0x0381 TSDB_CODE_MND_DB_ALREADY_EXIST.
    assert_eq!(code_of(taos.exec("CREATE DATABASE cf_q_err")), 0x0381);
    // The connection stays usable after errors.
    let n: Option<i64> = taos.query_one("SELECT COUNT(*) FROM cf_q_err.t").unwrap();
    assert_eq!(n, Some(0));
}

#[test]
fn error_message_names_the_bad_token() {
    let taos = connect(None);
    let err = taos
        .query("SELECT * FROM cf_q_none.t LIMIT abc")
        .expect_err("syntax error");
    assert_eq!(i32::from(err.code()), 0x2600);
    let msg = err.to_string();
    assert!(msg.contains("syntax error near \"abc\""), "message: {msg}");
    let err = taos.query("SELECT * FROM").expect_err("incomplete");
    assert_eq!(i32::from(err.code()), 0x2601);
    assert!(
        err.to_string().contains("Incomplete SQL statement"),
        "{err}"
    );
}

#[test]
fn aggregates_and_group_by_tbname() {
    let taos = connect(None);
    let db = "cf_q_agg";
    fresh_db(&taos, db);
    taos.exec(format!(
        "CREATE STABLE {db}.m (ts TIMESTAMP, v INT, f DOUBLE) TAGS (g INT)"
    ))
    .unwrap();
    taos.exec(format!(
        "INSERT INTO {db}.a USING {db}.m TAGS (1) VALUES ({t}, 1, 0.5) ({t1}, 3, 1.5) \
         {db}.b USING {db}.m TAGS (2) VALUES ({t}, 10, NULL)",
        t = TS0,
        t1 = TS0 + 1000
    ))
    .unwrap();
    let mut rs = taos
        .query(format!(
            "SELECT tbname, COUNT(*), SUM(v), AVG(v), MIN(v), MAX(v) FROM {db}.m \
             PARTITION BY tbname ORDER BY tbname"
        ))
        .unwrap();
    let tys: Vec<Ty> = rs.fields().iter().map(|f| f.ty()).collect();
    assert_eq!(
        tys,
        [
            Ty::VarChar,
            Ty::BigInt,
            Ty::BigInt,
            Ty::Double,
            Ty::Int,
            Ty::Int
        ]
    );
    assert_eq!(rs.fields()[1].name(), "count(*)");
    let rows = rs.to_rows_vec().unwrap();
    assert_eq!(
        rows,
        vec![
            vec![
                Value::VarChar("a".into()),
                Value::BigInt(2),
                Value::BigInt(4),
                Value::Double(2.0),
                Value::Int(1),
                Value::Int(3)
            ],
            vec![
                Value::VarChar("b".into()),
                Value::BigInt(1),
                Value::BigInt(10),
                Value::Double(10.0),
                Value::Int(10),
                Value::Int(10)
            ],
        ]
    );
}

#[test]
fn concurrent_queries_on_one_connection() {
    let taos = std::sync::Arc::new(connect(None));
    taos.exec("CREATE DATABASE IF NOT EXISTS cf_q_conc")
        .unwrap();
    taos.exec("CREATE TABLE IF NOT EXISTS cf_q_conc.t (ts TIMESTAMP, v INT)")
        .unwrap();
    let values: String = (0..500)
        .map(|i| format!("({}, {})", TS0 + i, i))
        .collect::<Vec<_>>()
        .join(" ");
    taos.exec(format!("INSERT INTO cf_q_conc.t VALUES {values}"))
        .unwrap();
    let handles: Vec<_> = (0..4)
        .map(|k| {
            let taos = taos.clone();
            std::thread::spawn(move || {
                for _ in 0..5 {
                    let sum: Option<i64> = taos
                        .query_one(format!("SELECT SUM(v) FROM cf_q_conc.t WHERE v >= {k}"))
                        .unwrap();
                    assert_eq!(sum, Some((k..500).sum::<i64>()));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn insert_errors_and_partial_update() {
    let taos = connect(None);
    let db = "cf_q_ins";
    fresh_db(&taos, db);
    taos.exec(format!(
        "CREATE TABLE {db}.t (ts TIMESTAMP, a TINYINT, b VARCHAR(4), n NCHAR(2), u TINYINT UNSIGNED)"
    ))
    .unwrap();
    let t = TS0;
    // Out-of-range and malformed literals: TSDB_CODE_TSC_SQL_SYNTAX_ERROR (0x0216), as TDengine's
    // insert parser reports them ("tinyint data overflow", "invalid timestamp", ...).
    for bad in [
        format!("({t}, 128, 'x', 'y', 1)"),
        format!("({t}, -129, 'x', 'y', 1)"),
        format!("({t}, 1, 'x', 'y', 256)"),
        format!("({t}, 1, 'x', 'y', -1)"),
        format!("({t}, 'abc', 'x', 'y', 1)"),
        "('not a time', 1, 'x', 'y', 1)".to_string(),
    ] {
        let r = taos.exec(format!("INSERT INTO {db}.t VALUES {bad}"));
        assert_eq!(code_of(r), 0x0216, "{bad}");
    }
    // Too long for VARCHAR(4) / NCHAR(2): 0x2653 TSDB_CODE_PAR_VALUE_TOO_LONG.
    assert_eq!(
        code_of(taos.exec(format!(
            "INSERT INTO {db}.t VALUES ({t}, 1, 'abcde', 'y', 1)"
        ))),
        0x2653
    );
    assert_eq!(
        code_of(taos.exec(format!(
            "INSERT INTO {db}.t VALUES ({t}, 1, 'abcd', 'xyz', 1)"
        ))),
        0x2653
    );
    // Missing table: 0x2603.
    assert_eq!(
        code_of(taos.exec(format!("INSERT INTO {db}.nope VALUES ({t}, 1)"))),
        0x2603
    );
    // Nothing was written by the failed statements.
    let n: Option<i64> = taos
        .query_one(format!("SELECT COUNT(*) FROM {db}.t"))
        .unwrap();
    assert_eq!(n, Some(0));
    // Same timestamp again with a column list: the columns given replace, the others are kept.
    taos.exec(format!(
        "INSERT INTO {db}.t (ts, a, b) VALUES ({t}, 1, 'x')"
    ))
    .unwrap();
    taos.exec(format!("INSERT INTO {db}.t (ts, a) VALUES ({t}, 2)"))
        .unwrap();
    let row: Option<(i64, i8, String)> = taos
        .query_one(format!("SELECT ts, a, b FROM {db}.t"))
        .unwrap();
    assert_eq!(row, Some((t, 2, "x".to_string())));
    // A full row with an explicit NULL overwrites the column.
    taos.exec(format!(
        "INSERT INTO {db}.t VALUES ({t}, 3, NULL, NULL, NULL)"
    ))
    .unwrap();
    let row: Option<(i8, Option<String>)> =
        taos.query_one(format!("SELECT a, b FROM {db}.t")).unwrap();
    assert_eq!(row, Some((3, None)));
}

#[test]
fn bi_mode_conn_and_interval_windows() {
    // `conn_mode=1` makes the official client send `conn.args.mode = 0` (BI mode).
    let taos = TaosBuilder::from_dsn(format!("{}?conn_mode=1", dsn(None)))
        .unwrap()
        .build()
        .unwrap();
    let db = "cf_q_interval";
    fresh_db(&taos, db);
    taos.exec(format!("CREATE TABLE {db}.t (ts TIMESTAMP, v INT)"))
        .unwrap();
    // 10 rows 250 ms apart starting on a second boundary: windows of 4, 4, 2 rows.
    let values: String = (0..10)
        .map(|i| format!("({}, {})", TS0 + i * 250, i))
        .collect::<Vec<_>>()
        .join(" ");
    taos.exec(format!("INSERT INTO {db}.t VALUES {values}"))
        .unwrap();
    let rows: Vec<(i64, i64, i64)> = taos
        .query(format!(
            "SELECT _wstart, COUNT(*), SUM(v) FROM {db}.t INTERVAL(1s)"
        ))
        .unwrap()
        .deserialize()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        vec![(TS0, 4, 6), (TS0 + 1000, 4, 22), (TS0 + 2000, 2, 17)]
    );
}
