//! Stmt2 and stmt v1 (client layer) against the in-process dev server: multi-table insert
//! with tags and NULLs through both `stmt2_bind`+`stmt2_exec` and `stmt2_bind_exec`, read
//! back with SELECT; a parameterised query through `stmt2_result`; v1 buffering.
//!
//! Each test skips (prints SKIP and returns) while the dev server has no stmt2 yet.
use std::borrow::Cow;
use std::time::Duration;
use taos::client::stmt::Stmt;
use taos::client::stmt2::{Stmt2, Stmt2Options};
use taos::client::{ConnectOptions, Connection, QueryResult};
use taos_devserver::{Config, DevServer, DevServerHandle};
use taos_wire::stmt2::{Stmt2Bind, Stmt2Field};

fn server() -> DevServerHandle {
    DevServer::start(Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        block_rows: 4096,
        ..Config::default()
    })
    .expect("dev server starts")
}

fn connect(h: &DevServerHandle) -> Connection {
    let mut o =
        ConnectOptions::from_dsn(&format!("ws://root:taosdata@127.0.0.1:{}", h.addr().port()))
            .unwrap();
    o.read_timeout = Duration::from_secs(20);
    Connection::connect(&o).expect("connect")
}

fn exec(c: &Connection, sql: &str) {
    c.query(sql, 0).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Initialises a stmt2, or None (after printing SKIP) when the server has no stmt2.
fn stmt2(c: &Connection) -> Option<Stmt2> {
    match Stmt2::init(c, &Stmt2Options::default()) {
        Ok(s) => Some(s),
        Err(e) if e.message.contains("unknown action") => {
            println!("SKIP: the dev server does not implement stmt2 yet ({e})");
            None
        }
        Err(e) => panic!("stmt2_init: {e}"),
    }
}

/// All rows of `r` as (ts, v or None, s or None).
fn rows(r: &QueryResult) -> Vec<(i64, Option<i32>, Option<String>)> {
    let mut out = Vec::new();
    while let Some(b) = r.next_block().unwrap() {
        let v = b.view();
        for row in 0..b.rows() {
            let ts = i64::from_le_bytes(v.fixed_cell(0, row).try_into().unwrap());
            let n = (!v.is_null(1, row))
                .then(|| i32::from_le_bytes(v.fixed_cell(1, row).try_into().unwrap()));
            let s = v
                .var_cell(2, row)
                .map(|b| String::from_utf8(b.to_vec()).unwrap());
            out.push((ts, n, s));
        }
    }
    out
}

fn ts_field(vals: &[i64]) -> Stmt2Field<'static> {
    let b: Vec<[u8; 8]> = vals.iter().map(|v| v.to_le_bytes()).collect();
    let refs: Vec<Option<&[u8]>> = b.iter().map(|x| Some(&x[..])).collect();
    Stmt2Field::fixed(9, 8, &refs).unwrap()
}

fn int_field(vals: &[Option<i32>]) -> Stmt2Field<'static> {
    let b: Vec<Option<[u8; 4]>> = vals.iter().map(|v| v.map(i32::to_le_bytes)).collect();
    let refs: Vec<Option<&[u8]>> = b.iter().map(|x| x.as_ref().map(|x| &x[..])).collect();
    Stmt2Field::fixed(4, 4, &refs).unwrap()
}

fn str_field(vals: &[Option<&str>]) -> Stmt2Field<'static> {
    let refs: Vec<Option<&[u8]>> = vals.iter().map(|v| v.map(str::as_bytes)).collect();
    Stmt2Field::var(8, &refs)
}

const T0: i64 = 1_700_000_000_000;

fn insert_two_tables(c: &Connection, db: &str, bind_exec: bool) {
    exec(c, &format!("create database {db}"));
    exec(c, &format!("use {db}"));
    exec(
        c,
        "create stable st (ts timestamp, v int, s varchar(10)) tags (g int)",
    );
    let Some(mut s) = stmt2(c) else { return };
    s.set_bind_exec(bind_exec);
    let p = s
        .prepare("INSERT INTO ? USING st TAGS(?) VALUES(?, ?, ?)")
        .unwrap();
    assert!(p.is_insert);
    assert_eq!(p.fields.len(), 5);
    let bind = Stmt2Bind {
        table_names: vec![Cow::Borrowed(&b"d1"[..]), Cow::Borrowed(&b"d2"[..])],
        tags: vec![vec![int_field(&[Some(1)])], vec![int_field(&[None])]],
        cols: vec![
            vec![
                ts_field(&[T0, T0 + 1]),
                int_field(&[Some(7), None]),
                str_field(&[Some("a"), None]),
            ],
            vec![
                ts_field(&[T0 + 2, T0 + 3]),
                int_field(&[Some(9), Some(-1)]),
                str_field(&[Some("bc"), Some("")]),
            ],
        ],
    };
    s.bind(taos::client::stmt2::owned_bind(bind), -1).unwrap();
    assert_eq!(s.exec().unwrap(), 4);
    // A second batch on the same statement.
    let bind = Stmt2Bind {
        table_names: vec![Cow::Borrowed(&b"d1"[..])],
        tags: vec![vec![int_field(&[Some(1)])]],
        cols: vec![vec![
            ts_field(&[T0 + 4]),
            int_field(&[Some(5)]),
            str_field(&[Some("z")]),
        ]],
    };
    s.bind(bind, -1).unwrap();
    assert_eq!(s.exec().unwrap(), 1);
    // The dev server implements action 11: no fallback happened.
    assert_eq!(s.bind_exec_enabled(), bind_exec);
    s.close().unwrap();

    let r = c.query("select ts, v, s from st order by ts", 0).unwrap();
    assert_eq!(
        rows(&r),
        vec![
            (T0, Some(7), Some("a".into())),
            (T0 + 1, None, None),
            (T0 + 2, Some(9), Some("bc".into())),
            (T0 + 3, Some(-1), Some("".into())),
            (T0 + 4, Some(5), Some("z".into())),
        ]
    );
    let r = c
        .query("select ts, g, tbname from st order by ts", 0)
        .unwrap();
    let mut tags = Vec::new();
    while let Some(b) = r.next_block().unwrap() {
        let v = b.view();
        for row in 0..b.rows() {
            tags.push(
                (!v.is_null(1, row))
                    .then(|| i32::from_le_bytes(v.fixed_cell(1, row).try_into().unwrap())),
            );
        }
    }
    assert_eq!(tags, vec![Some(1), Some(1), None, None, Some(1)]);
}

#[test]
fn stmt2_insert_with_bind_and_exec() {
    let h = server();
    let c = connect(&h);
    insert_two_tables(&c, "s2_bind", false);
    h.stop();
}

#[test]
fn stmt2_insert_with_bind_exec() {
    let h = server();
    let c = connect(&h);
    insert_two_tables(&c, "s2_bindexec", true);
    h.stop();
}

#[test]
fn stmt2_query_result() {
    let h = server();
    let c = connect(&h);
    exec(&c, "create database s2q");
    exec(
        &c,
        "create table s2q.t (ts timestamp, v int, s varchar(10))",
    );
    exec(
        &c,
        &format!(
            "insert into s2q.t values ({T0}, 1, 'x') ({}, 2, 'y') ({}, 3, NULL)",
            T0 + 1,
            T0 + 2
        ),
    );
    let Some(mut s) = stmt2(&c) else { return };
    let p = s
        .prepare("SELECT ts, v, s FROM s2q.t WHERE v >= ? ORDER BY ts")
        .unwrap();
    assert!(!p.is_insert);
    assert_eq!(p.fields_count, 1);
    let bind = Stmt2Bind {
        cols: vec![vec![int_field(&[Some(2)])]],
        ..Default::default()
    };
    s.bind(bind, -1).unwrap();
    s.exec().unwrap();
    let r = s.result().unwrap();
    assert_eq!(r.fields().len(), 3);
    assert_eq!(
        rows(&r),
        vec![(T0 + 1, Some(2), Some("y".into())), (T0 + 2, Some(3), None)]
    );
    h.stop();
}

#[test]
fn stmt_v1_buffers_batches() {
    let h = server();
    let c = connect(&h);
    exec(&c, "create database s1");
    exec(&c, "use s1");
    exec(
        &c,
        "create stable st (ts timestamp, v int, s varchar(10)) tags (g int)",
    );
    if stmt2(&c).is_none() {
        return;
    }
    let mut s = Stmt::init(&c, &Stmt2Options::default()).unwrap();
    s.prepare("INSERT INTO ? USING st TAGS(?) VALUES(?, ?, ?)")
        .unwrap();
    s.set_tbname("d1").unwrap();
    s.set_tags(vec![int_field(&[Some(3)])]).unwrap();
    // Two binds before one add_batch append rows.
    s.bind_columns(vec![
        ts_field(&[T0]),
        int_field(&[Some(1)]),
        str_field(&[Some("p")]),
    ])
    .unwrap();
    s.bind_columns(vec![
        ts_field(&[T0 + 1]),
        int_field(&[None]),
        str_field(&[None]),
    ])
    .unwrap();
    s.add_batch().unwrap();
    s.set_tbname("d2").unwrap();
    s.set_tags(vec![int_field(&[Some(4)])]).unwrap();
    s.bind_column(0, ts_field(&[T0 + 2])).unwrap();
    s.bind_column(1, int_field(&[Some(2)])).unwrap();
    s.bind_column(2, str_field(&[Some("q")])).unwrap();
    s.add_batch().unwrap();
    assert_eq!(s.execute().unwrap(), 3);
    assert_eq!((s.affected_rows(), s.affected_rows_once()), (3, 3));
    s.close().unwrap();
    let r = c.query("select ts, v, s from st order by ts", 0).unwrap();
    assert_eq!(
        rows(&r),
        vec![
            (T0, Some(1), Some("p".into())),
            (T0 + 1, None, None),
            (T0 + 2, Some(2), Some("q".into())),
        ]
    );
    h.stop();
}

/// Throughput of the two insert paths (run with `--ignored --nocapture`, in release).
#[test]
#[ignore = "benchmark: prints rows/s of stmt2_bind+exec vs stmt2_bind_exec"]
fn stmt2_insert_throughput() {
    let h = server();
    let c = connect(&h);
    exec(&c, "create database s2bench");
    exec(&c, "use s2bench");
    exec(
        &c,
        "create stable st (ts timestamp, v int, s varchar(10)) tags (g int)",
    );
    let Some(_) = stmt2(&c) else { return };
    let (batches, rows) = (50usize, 1000usize);
    for (label, bind_exec) in [
        ("stmt2_bind + stmt2_exec", false),
        ("stmt2_bind_exec", true),
    ] {
        let mut s = Stmt2::init(&c, &Stmt2Options::default()).unwrap();
        s.set_bind_exec(bind_exec);
        s.prepare("INSERT INTO ? USING st TAGS(?) VALUES(?, ?, ?)")
            .unwrap();
        let base = if bind_exec { 10_000_000 } else { 0 };
        let start = std::time::Instant::now();
        for b in 0..batches {
            let ts: Vec<i64> = (0..rows)
                .map(|r| T0 + base + (b * rows + r) as i64)
                .collect();
            let v: Vec<Option<i32>> = (0..rows).map(|r| Some(r as i32)).collect();
            let sv: Vec<Option<&str>> = (0..rows).map(|_| Some("abcdef")).collect();
            let bind = Stmt2Bind {
                table_names: vec![Cow::Owned(format!("t{}", b % 10).into_bytes())],
                tags: vec![vec![int_field(&[Some((b % 10) as i32)])]],
                cols: vec![vec![ts_field(&ts), int_field(&v), str_field(&sv)]],
            };
            s.bind(bind, -1).unwrap();
            assert_eq!(s.exec().unwrap(), rows as i64);
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{label}: {batches} x {rows} rows in {secs:.3}s = {:.0} rows/s, {:.2} ms/batch",
            (batches * rows) as f64 / secs,
            secs * 1000.0 / batches as f64
        );
        s.close().unwrap();
    }
    h.stop();
}
