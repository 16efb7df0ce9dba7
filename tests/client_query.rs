//! Client against the in-process dev server: connect, DDL, insert, multi-block select,
//! concurrency, async callbacks.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use taos::client::{ConnectOptions, Connection, QueryResult};
use taos_devserver::{Config, DevServer, DevServerHandle};
use taos_wire::error::codes;

fn server(block_rows: usize) -> DevServerHandle {
    DevServer::start(Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        block_rows,
        ..Config::default()
    })
    .expect("dev server starts")
}

fn opts(h: &DevServerHandle, user: &str, pass: &str) -> ConnectOptions {
    let mut o =
        ConnectOptions::from_dsn(&format!("ws://{user}:{pass}@127.0.0.1:{}", h.addr().port()))
            .unwrap();
    o.read_timeout = Duration::from_secs(20);
    o
}

fn exec(c: &Connection, sql: &str) -> i64 {
    let r = c.query(sql, 0).unwrap_or_else(|e| panic!("{sql}: {e}"));
    assert!(r.is_update(), "{sql} should be an update");
    assert!(r.next_block().unwrap().is_none());
    r.affected_rows()
}

/// Reads every block; returns (blocks, rows, sum of column 1 as INT, first ts).
fn drain_int(r: &QueryResult) -> (usize, usize, i64, Option<i64>) {
    let (mut blocks, mut rows, mut sum, mut first_ts) = (0, 0, 0i64, None);
    while let Some(b) = r.next_block().unwrap() {
        blocks += 1;
        let v = b.view();
        assert_eq!(v.rows(), b.rows());
        for row in 0..b.rows() {
            let ts = i64::from_le_bytes(v.fixed_cell(0, row).try_into().unwrap());
            first_ts.get_or_insert(ts);
            if !v.is_null(1, row) {
                sum += i32::from_le_bytes(v.fixed_cell(1, row).try_into().unwrap()) as i64;
            }
        }
        rows += b.rows();
    }
    (blocks, rows, sum, first_ts)
}

fn setup_table(c: &Connection, db: &str, n: usize) {
    exec(c, &format!("create database if not exists {db}"));
    exec(
        c,
        &format!("create table if not exists {db}.t (ts timestamp, v int, s varchar(20))"),
    );
    let base = 1_700_000_000_000i64;
    let mut inserted = 0;
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let mut sql = format!("insert into {db}.t values ");
        for i in chunk {
            sql.push_str(&format!("({}, {}, 's{}') ", base + *i as i64, i, i));
        }
        inserted += exec(c, &sql);
    }
    assert_eq!(inserted, n as i64);
}

#[test]
fn connect_good_and_bad_password() {
    let h = server(4096);
    let c = Connection::connect(&opts(&h, "root", "taosdata")).unwrap();
    assert!(c.is_alive());
    assert!(
        c.server_version().starts_with('3'),
        "{}",
        c.server_version()
    );
    c.close();
    c.close(); // idempotent
    assert!(!c.is_alive());
    let e = c.query("select 1", 0).unwrap_err();
    assert_eq!(e.code, codes::TSDB_CODE_RPC_NETWORK_UNAVAIL);

    let e = Connection::connect(&opts(&h, "root", "wrong")).expect_err("bad password fails");
    assert_eq!(e.code as u32, 0x8000_0357, "{e}");
    h.stop();
}

#[test]
fn unreachable_host_fails_fast() {
    let mut o = ConnectOptions::from_dsn("ws://127.0.0.1:1").unwrap();
    o.connect_timeout = Duration::from_secs(3);
    let t = Instant::now();
    let e = Connection::connect(&o).expect_err("nothing listens on port 1");
    assert_eq!(e.code, codes::TSDB_CODE_RPC_NETWORK_UNAVAIL, "{e}");
    assert!(
        t.elapsed() < Duration::from_secs(4),
        "took {:?}",
        t.elapsed()
    );
}

#[test]
fn ddl_insert_and_multi_block_select() {
    let h = server(100);
    let c = Connection::connect(&opts(&h, "root", "taosdata")).unwrap();
    setup_table(&c, "cq1", 1050);
    let r = c.query("select ts, v, s from cq1.t", 0).unwrap();
    assert!(!r.is_update());
    let f = r.fields();
    assert_eq!(f.len(), 3);
    assert_eq!((f[0].name.as_str(), f[0].ty), ("ts", 9));
    assert_eq!((f[1].name.as_str(), f[1].ty, f[1].bytes), ("v", 4, 4));
    assert_eq!((f[2].name.as_str(), f[2].ty, f[2].bytes), ("s", 8, 20));
    assert_eq!(r.precision(), 0);
    let (blocks, rows, sum, first) = drain_int(&r);
    assert_eq!(rows, 1050);
    assert_eq!(blocks, 11, "100-row blocks");
    assert_eq!(sum, (0..1050i64).sum::<i64>());
    assert_eq!(first, Some(1_700_000_000_000));
    // End of data is sticky.
    assert!(r.next_block().unwrap().is_none());

    // Var-width values.
    let r = c
        .query("select ts, v, s from cq1.t where v = 7", 0)
        .unwrap();
    let b = r.next_block().unwrap().unwrap();
    assert_eq!(b.rows(), 1);
    assert_eq!(b.view().var_cell(2, 0), Some(&b"s7"[..]));
    assert!(r.next_block().unwrap().is_none());

    // Errors carry the server's code.
    let e = c.query("select * from cq1.no_such_table", 0).unwrap_err();
    assert_eq!(e.code as u32, 0x8000_2603, "{e}");
    let e = c.query("selec oops", 0).unwrap_err();
    assert!(e.code < 0);

    // Abandoning a result early frees it and keeps the connection usable.
    let r = c.query("select ts, v from cq1.t", 0).unwrap();
    assert!(r.next_block().unwrap().is_some());
    r.stop();
    assert!(r.next_block().unwrap().is_none());
    drop(r);
    let r = c.query("select ts, v from cq1.t where v < 10", 0).unwrap();
    assert_eq!(drain_int(&r).1, 10);

    // Connection-level requests.
    exec(&c, "use cq1");
    assert_eq!(c.current_db().unwrap(), "cq1");
    assert!(!c.server_info().unwrap().is_empty());
    h.stop();
}

#[test]
fn concurrent_queries_on_one_connection() {
    let h = server(64);
    let c = Connection::connect(&opts(&h, "root", "taosdata")).unwrap();
    setup_table(&c, "cq2", 500);
    let mut threads = Vec::new();
    for t in 0..8i64 {
        let c = c.clone();
        threads.push(std::thread::spawn(move || {
            for k in 0..10i64 {
                let lo = (t * 50 + k) % 400;
                let sql = format!(
                    "select ts, v from cq2.t where v >= {lo} and v < {}",
                    lo + 100
                );
                let r = c.query(&sql, 0).unwrap();
                let (_, rows, sum, _) = drain_int(&r);
                assert_eq!(rows, 100, "{sql}");
                assert_eq!(sum, (lo..lo + 100).sum::<i64>(), "{sql}");
            }
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
    // Caller-chosen req_ids, even duplicated, do not confuse matching.
    let a = c.query("select ts, v from cq2.t where v < 5", 42).unwrap();
    let b = c.query("select ts, v from cq2.t where v < 7", 42).unwrap();
    assert_eq!(drain_int(&b).1, 7);
    assert_eq!(drain_int(&a).1, 5);
    h.stop();
}

#[test]
fn async_callbacks_exactly_once_and_rearm() {
    let h = server(50);
    let c = Connection::connect(&opts(&h, "root", "taosdata")).unwrap();
    setup_table(&c, "cq3", 333);
    let caller = std::thread::current().id();

    // query_async: once, off the caller's thread.
    let calls = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = crossbeam_channel::unbounded();
    let calls2 = calls.clone();
    c.query_async(
        "select ts, v from cq3.t",
        0,
        Box::new(move |r| {
            calls2.fetch_add(1, Ordering::SeqCst);
            assert_ne!(std::thread::current().id(), caller);
            tx.send(r).unwrap();
        }),
    );
    let r = rx.recv_timeout(Duration::from_secs(10)).unwrap().unwrap();

    // Re-arm next_block_async from inside its own callback until the end.
    fn pump(r: QueryResult, rows: Arc<AtomicUsize>, done: crossbeam_channel::Sender<usize>) {
        let r2 = r.clone();
        r.next_block_async(Box::new(move |b| match b.unwrap() {
            Some(b) => {
                rows.fetch_add(b.rows(), Ordering::SeqCst);
                pump(r2, rows, done);
            }
            None => done.send(rows.load(Ordering::SeqCst)).unwrap(),
        }));
    }
    let (dtx, drx) = crossbeam_channel::unbounded();
    pump(r, Arc::new(AtomicUsize::new(0)), dtx);
    assert_eq!(drx.recv_timeout(Duration::from_secs(10)).unwrap(), 333);

    // A query issued from inside a query callback (sync and async) works.
    let (tx, rx) = crossbeam_channel::unbounded();
    let c2 = c.clone();
    c.query_async(
        "select ts, v from cq3.t where v < 3",
        0,
        Box::new(move |r| {
            let n = drain_int(&r.unwrap()).1;
            let sync_n = drain_int(&c2.query("select ts, v from cq3.t where v < 4", 0).unwrap()).1;
            let tx2 = tx.clone();
            c2.query_async(
                "select ts, v from cq3.t where v < 5",
                0,
                Box::new(move |r| {
                    tx2.send(drain_int(&r.unwrap()).1).unwrap();
                }),
            );
            tx.send(n * 100 + sync_n * 10).unwrap();
        }),
    );
    let mut got = vec![
        rx.recv_timeout(Duration::from_secs(10)).unwrap(),
        rx.recv_timeout(Duration::from_secs(10)).unwrap(),
    ];
    got.sort();
    assert_eq!(got, vec![5, 340]);

    // Errors are delivered through the callback too, once.
    let (tx, rx) = crossbeam_channel::unbounded();
    c.query_async(
        "select * from cq3.nope",
        0,
        Box::new(move |r| tx.send(r.err().map(|e| e.code)).unwrap()),
    );
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10))
            .unwrap()
            .map(|c| c as u32),
        Some(0x8000_2603)
    );
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(rx.try_recv().is_err());
    h.stop();
}

#[test]
fn connection_level_requests() {
    let h = server(4096);
    let o = opts(&h, "root", "taosdata");
    let (status, _details) = taos::client::check_server_status(&o, None, 0);
    assert_eq!(status, 2, "service ok");
    let mut bad = ConnectOptions::from_dsn("ws://127.0.0.1:1").unwrap();
    bad.connect_timeout = Duration::from_secs(2);
    let (status, details) = taos::client::check_server_status(&bad, None, 0);
    assert_eq!(status, 0);
    assert!(!details.is_empty());

    let c = Connection::connect(&o).unwrap();
    assert_eq!(c.validate_sql("show databases").unwrap(), 0);
    assert!(c.validate_sql("selec nothing").unwrap() < 0);
    c.set_connection_option(3, Some("myapp")).unwrap();
    c.set_connection_option(3, None).unwrap();
    c.set_connection_option(1, Some("UTC")).unwrap();
    assert!(c.set_connection_option(99, Some("x")).is_err());
    assert_eq!(c.current_db().unwrap(), "");

    // BI mode is a connect-time flag (conn.args.mode = 0).
    let mut bi = o.clone();
    bi.bi_mode = true;
    assert!(Connection::connect(&bi).unwrap().is_alive());

    // Default database given at connect.
    exec(&c, "create database if not exists cq4");
    let mut o2 = o.clone();
    o2.db = Some("cq4".into());
    let c2 = Connection::connect(&o2).unwrap();
    assert_eq!(c2.current_db().unwrap(), "cq4");
    o2.db = Some("no_such_db".into());
    let e = Connection::connect(&o2).unwrap_err();
    assert_eq!(e.code as u32, 0x8000_0388, "{e}");

    // Server going away: pending and later requests fail, nothing hangs.
    h.stop();
    let t = Instant::now();
    assert!(c.query("show databases", 0).is_err());
    assert!(t.elapsed() < Duration::from_secs(5));
    assert!(!c.is_alive());
}

/// End-to-end select throughput against the dev server. Run with
/// `cargo test --release --test client_query bench -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark"]
fn bench_select_devserver() {
    let h = server(4096);
    let c = Connection::connect(&opts(&h, "root", "taosdata")).unwrap();
    setup_table(&c, "cqb", 200_000);
    for round in 0..3 {
        let t = Instant::now();
        let r = c.query("select ts, v, s from cqb.t", 0).unwrap();
        let (blocks, rows, sum, _) = drain_int(&r);
        let el = t.elapsed().as_secs_f64();
        assert_eq!(rows, 200_000);
        assert_eq!(sum, (0..200_000i64).sum::<i64>());
        println!(
            "round {round}: {rows} rows in {blocks} blocks, {el:.3}s, {:.2} Mrows/s",
            rows as f64 / el / 1e6
        );
    }
    let t = Instant::now();
    for _ in 0..200 {
        let r = c.query("select ts, v from cqb.t where v = 5", 0).unwrap();
        assert_eq!(drain_int(&r).1, 1);
    }
    println!(
        "filtered select over 200k rows: {:.1} us",
        t.elapsed().as_secs_f64() * 1e6 / 200.0
    );
    let t = Instant::now();
    for _ in 0..2000 {
        exec(&c, "create database if not exists cqb");
    }
    println!(
        "update-statement round trip: {:.1} us",
        t.elapsed().as_secs_f64() * 1e6 / 2000.0
    );
    exec(
        &c,
        "create table if not exists cqb.small (ts timestamp, v int, s varchar(20))",
    );
    exec(&c, "insert into cqb.small values (1700000000000, 1, 'a')");
    let t = Instant::now();
    for _ in 0..2000 {
        let r = c.query("select ts, v from cqb.small", 0).unwrap();
        assert_eq!(drain_int(&r).1, 1);
    }
    println!(
        "one-row select round trip: {:.1} us",
        t.elapsed().as_secs_f64() * 1e6 / 2000.0
    );
    h.stop();
}
