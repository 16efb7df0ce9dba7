//! TMQ consumer end to end against the dev server's `/rest/tmq` (topics made with SQL).
use std::collections::BTreeMap;
use std::ffi::CStr;
use std::time::Duration;

use taos::capi::fetch::taos_fetch_row;
use taos::capi::query::{taos_free_result, taos_num_fields};
use taos::capi::tmq::*;
use taos::capi::types::{tmq_t, tmq_topic_assignment, TMQ_RES_DATA};
use taos::client::tmq::{Consumer, ConsumerConfig};
use taos::client::{ConnectOptions, Connection};
use taos_devserver::{Config, DevServer, DevServerHandle};

fn server() -> DevServerHandle {
    DevServer::start(Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..Config::default()
    })
    .expect("dev server starts")
}

fn exec(c: &Connection, sql: &str) {
    c.query(sql, 0).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A connection to the dev server with the given read timeout in seconds.
fn connect(h: &DevServerHandle, read_timeout_secs: u64) -> Connection {
    let mut o =
        ConnectOptions::from_dsn(&format!("ws://root:taosdata@127.0.0.1:{}", h.addr().port()))
            .unwrap();
    o.read_timeout = Duration::from_secs(read_timeout_secs);
    Connection::connect(&o).expect("connect")
}

/// db `tq` with super table `st` (ts, v int, s binary(8)) tag t int; 2 child tables with
/// `per` rows each; topic `tq_topic` AS SELECT ts, v, s FROM st.
fn setup(h: &DevServerHandle, per: usize) {
    let c = connect(h, 20);
    exec(&c, "create database tq wal_retention_period 86400");
    exec(
        &c,
        "create stable tq.st (ts timestamp, v int, s binary(8)) tags (t int)",
    );
    for t in 0..2 {
        exec(&c, &format!("create table tq.c{t} using tq.st tags ({t})"));
        let vals: Vec<String> = (0..per)
            .map(|i| {
                format!(
                    "({}, {}, 's{i}')",
                    1_700_000_000_000i64 + i as i64,
                    t * 1000 + i
                )
            })
            .collect();
        exec(
            &c,
            &format!("insert into tq.c{t} values {}", vals.join(" ")),
        );
    }
    exec(&c, "create topic tq_topic as select ts, v, s from tq.st");
    c.close();
}

fn conf(h: &DevServerHandle, group: &str) -> BTreeMap<String, String> {
    [
        ("td.connect.ip", "127.0.0.1".to_string()),
        ("td.connect.port", h.addr().port().to_string()),
        ("td.connect.user", "root".into()),
        ("td.connect.pass", "taosdata".into()),
        ("group.id", group.into()),
        ("auto.offset.reset", "earliest".into()),
        ("enable.auto.commit", "false".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

#[test]
fn client_consumes_every_row_once() {
    let h = server();
    setup(&h, 50);
    let c = Consumer::new(ConsumerConfig::from_entries(&conf(&h, "g1")).unwrap(), None).unwrap();
    c.subscribe(&["tq_topic".to_string()]).unwrap();
    let mut sum = 0i64;
    let mut rows = 0usize;
    while let Some(m) = c.poll(500).unwrap() {
        assert_eq!(m.topic, "tq_topic");
        assert_eq!(m.database, "tq");
        let names: Vec<_> = m.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["ts", "v", "s"]);
        // tmq_get_raw's payload decodes to the same rows.
        let (_, raw) = m.raw().unwrap();
        let raw_rows: usize = taos_wire::tmq_raw::parse_tmq_raw_data(&raw)
            .unwrap()
            .iter()
            .map(|b| taos_wire::RawBlock::parse(b.block).unwrap().rows())
            .sum();
        let before = rows;
        while let Some(b) = m.next_block().unwrap() {
            let rb = taos_wire::RawBlock::parse(&b.bytes).unwrap();
            for r in 0..rb.rows() {
                let cell = rb.fixed_cell(1, r);
                sum += i32::from_le_bytes(cell.try_into().unwrap()) as i64;
            }
            rows += rb.rows();
        }
        assert_eq!(rows - before, raw_rows);
        c.commit(m.message_id).unwrap();
    }
    assert_eq!(rows, 100);
    // sum over t in {0,1}, i in 0..50 of t*1000 + i
    assert_eq!(sum, 50 * 1000 + 2 * (49 * 50 / 2));
    let a = c.assignment("tq_topic").unwrap();
    assert!(!a.is_empty());
    for x in &a {
        assert_eq!(c.position("tq_topic", x.vgroup_id).unwrap(), x.offset);
    }
    c.close();
    h.stop();
}

/// Rows (v values) of every message until a poll brings nothing.
fn drain_values(c: &Consumer) -> Vec<i32> {
    let mut out = Vec::new();
    while let Some(m) = c.poll(300).unwrap() {
        while let Some(b) = m.next_block().unwrap() {
            let rb = taos_wire::RawBlock::parse(&b.bytes).unwrap();
            for r in 0..rb.rows() {
                out.push(i32::from_le_bytes(rb.fixed_cell(1, r).try_into().unwrap()));
            }
        }
    }
    out.sort_unstable();
    out
}

/// Native subscribe rules: poll before the first subscribe is TMQ_INVALID_STATUS; the same
/// list again is a no-op; a new list keeps the positions of the topics it keeps; a failing
/// list leaves the old subscription; after unsubscribe a poll is empty, not an error.
#[test]
fn client_subscribe_rules_match_native() {
    let h = server();
    setup(&h, 20);
    let c = Consumer::new(ConsumerConfig::from_entries(&conf(&h, "gs")).unwrap(), None).unwrap();
    let e = c.poll(100).unwrap_err();
    assert_eq!(e.code, 0x8000_4017u32 as i32);
    let t1 = vec!["tq_topic".to_string()];
    c.subscribe(&t1).unwrap();
    c.subscribe(&t1).unwrap();
    assert_eq!(drain_values(&c).len(), 40);
    // A second topic on c1 only: its rows come, tq_topic's do not come again.
    let conn = connect(&h, 20);
    exec(&conn, "create topic tq_c1 as select ts, v from tq.c1");
    let both = vec!["tq_topic".to_string(), "tq_c1".to_string()];
    c.subscribe(&both).unwrap();
    assert_eq!(c.subscription(), both);
    assert_eq!(drain_values(&c), (1000..1020).collect::<Vec<_>>());
    let e = c.subscribe(&["nope".to_string()]).unwrap_err();
    assert_eq!(e.code, 0x8000_03E1u32 as i32);
    assert_eq!(c.subscription(), both);
    exec(&conn, "insert into tq.c0 values (1800000000000, 77, 'n')");
    assert_eq!(drain_values(&c), [77]);
    c.unsubscribe().unwrap();
    assert!(c.poll(100).unwrap().is_none());
    c.close();
    conn.close();
    h.stop();
}

/// A message commits only its own vgroup, at the position right after it (native
/// `tmq_commit_sync(tmq, msg)`); `commit` (NULL) commits every consumed position.
#[test]
fn client_commit_message_commits_its_vgroup_at_its_end() {
    const NO_COMMITTED: i64 = 0x8000_4011u32 as i32 as i64;
    let h = server();
    setup(&h, 20);
    let c = Consumer::new(ConsumerConfig::from_entries(&conf(&h, "gm")).unwrap(), None).unwrap();
    c.subscribe(&["tq_topic".to_string()]).unwrap();
    let mut msgs = Vec::new();
    while let Some(m) = c.poll(500).unwrap() {
        let end = m.end_offset.expect("the dev server reports the position");
        assert!(end > m.offset, "end {end} after start {}", m.offset);
        assert_eq!(c.position(&m.topic, m.vgroup_id).unwrap(), end);
        msgs.push(m);
    }
    assert!(!msgs.is_empty());
    let first = &msgs[0];
    c.commit_message(first).unwrap();
    assert_eq!(
        c.committed(&first.topic, first.vgroup_id).unwrap(),
        first.end_offset.unwrap()
    );
    for m in msgs.iter().filter(|m| m.vgroup_id != first.vgroup_id) {
        assert_eq!(c.committed(&m.topic, m.vgroup_id).unwrap(), NO_COMMITTED);
    }
    c.commit(0).unwrap();
    for m in &msgs {
        assert_eq!(
            c.committed(&m.topic, m.vgroup_id).unwrap(),
            c.position(&m.topic, m.vgroup_id).unwrap()
        );
    }
    c.close();
    h.stop();
}

/// The end of every message kind (data from many small writes, meta+data from auto-created
/// tables, meta from a `with meta` topic) equals the position the server reports right after
/// it: data messages take it from the raw payload's response offset, meta messages from
/// `position`. Committing a message then resumes a new consumer right after it.
#[test]
fn client_end_offset_is_the_position_after_each_message() {
    let h = server();
    let conn = connect(&h, 20);
    exec(&conn, "create database te wal_retention_period 86400");
    exec(&conn, "create topic te_topic with meta as database te");
    exec(
        &conn,
        "create stable te.st (ts timestamp, v int) tags (t int)",
    );
    for t in 0..4 {
        exec(
            &conn,
            &format!("create table te.c{t} using te.st tags ({t})"),
        );
    }
    // More single-row writes per vgroup than one message takes (64 entries).
    for i in 0..300i64 {
        exec(
            &conn,
            &format!(
                "insert into te.c{} values ({}, {i})",
                i % 4,
                1_700_000_000_000 + i
            ),
        );
    }
    // Auto-created tables: meta+data messages.
    for t in 10..14 {
        exec(
            &conn,
            &format!("insert into te.d{t} using te.st tags ({t}) values (1700000000000, {t})"),
        );
    }
    conn.close();

    let c = Consumer::new(ConsumerConfig::from_entries(&conf(&h, "ge")).unwrap(), None).unwrap();
    c.subscribe(&["te_topic".to_string()]).unwrap();
    let (mut kinds, mut per_vg) = (BTreeMap::new(), BTreeMap::new());
    let mut last_data = None;
    while let Some(m) = c.poll(500).unwrap() {
        let end = m.end_offset.expect("every message has an end");
        assert!(end > m.offset, "end {end} after start {}", m.offset);
        assert_eq!(c.position(&m.topic, m.vgroup_id).unwrap(), end);
        if m.has_data() {
            // The raw payload carries (start, end).
            let (_, raw) = m.raw().unwrap();
            let offs = taos_wire::tmq_raw::parse_tmq_raw_offsets(&raw).unwrap();
            assert_eq!((offs.req, offs.rsp), (Some(m.offset), Some(end)));
            last_data = Some((m.topic.clone(), m.vgroup_id, m.offset, end));
        }
        *kinds.entry(m.message_type).or_insert(0) += 1;
        *per_vg.entry(m.vgroup_id).or_insert(0) += 1;
    }
    assert_eq!(
        kinds.len(),
        3,
        "data, meta and meta+data messages: {kinds:?}"
    );
    assert!(
        per_vg.values().all(|&n| n >= 3),
        "several messages per vgroup: {per_vg:?}"
    );
    let (topic, vg, start, end) = last_data.unwrap();
    c.commit_offset(&topic, vg, start).unwrap();
    c.close();
    // A fresh consumer of the group resumes at the committed start: the same message again.
    let c = Consumer::new(ConsumerConfig::from_entries(&conf(&h, "ge")).unwrap(), None).unwrap();
    c.subscribe(&["te_topic".to_string()]).unwrap();
    let mut again = None;
    while let Some(m) = c.poll(500).unwrap() {
        if m.vgroup_id == vg {
            again = Some((m.offset, m.end_offset));
            break;
        }
    }
    assert_eq!(again, Some((start, Some(end))));
    c.close();
    h.stop();
}

fn cstr(p: *const std::ffi::c_char) -> String {
    assert!(!p.is_null());
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string()
}

#[test]
fn c_api_consumes_rows_and_commits() {
    let h = server();
    setup(&h, 30);
    let cf = tmq_conf_new();
    for (k, v) in conf(&h, "g2") {
        let (k, v) = (
            std::ffi::CString::new(k).unwrap(),
            std::ffi::CString::new(v).unwrap(),
        );
        assert_eq!(unsafe { tmq_conf_set(cf, k.as_ptr(), v.as_ptr()) }, 0);
    }
    let mut errbuf = [0 as std::ffi::c_char; 256];
    let t: *mut tmq_t = unsafe { tmq_consumer_new(cf, errbuf.as_mut_ptr(), 256) };
    tmq_conf_destroy(cf);
    assert!(!t.is_null(), "{}", cstr(errbuf.as_ptr()));
    let list = tmq_list_new();
    unsafe { tmq_list_append(list, c"tq_topic".as_ptr()) };
    assert_eq!(tmq_subscribe(t, list), 0);
    tmq_list_destroy(list);

    let mut rows = 0;
    let mut last_vg = 0;
    loop {
        let res = tmq_consumer_poll(t, 500);
        if res.is_null() {
            break;
        }
        assert_eq!(tmq_get_res_type(res), TMQ_RES_DATA);
        assert_eq!(cstr(tmq_get_topic_name(res)), "tq_topic");
        assert_eq!(taos_num_fields(res), 3);
        last_vg = tmq_get_vgroup_id(res);
        while !taos_fetch_row(res).is_null() {
            rows += 1;
        }
        assert_eq!(tmq_commit_sync(t, res), 0);
        taos_free_result(res);
    }
    assert_eq!(rows, 60);
    let committed = tmq_committed(t, c"tq_topic".as_ptr(), last_vg);
    let position = tmq_position(t, c"tq_topic".as_ptr(), last_vg);
    assert!(committed >= 0, "committed {committed}");
    assert_eq!(committed, position);

    let (mut a, mut n): (*mut tmq_topic_assignment, i32) = (std::ptr::null_mut(), 0);
    assert_eq!(
        unsafe { tmq_get_topic_assignment(t, c"tq_topic".as_ptr(), &mut a, &mut n) },
        0
    );
    assert!(n >= 1);
    let s = unsafe { std::slice::from_raw_parts(a, n as usize) };
    // Seek back to the beginning of one vgroup and read its rows again.
    let vg = s[0];
    tmq_free_assignment(a);
    assert_eq!(
        tmq_offset_seek(t, c"tq_topic".as_ptr(), vg.vgId, vg.begin),
        0
    );
    let mut again = 0;
    loop {
        let res = tmq_consumer_poll(t, 500);
        if res.is_null() {
            break;
        }
        while !taos_fetch_row(res).is_null() {
            again += 1;
        }
        taos_free_result(res);
    }
    assert!(again > 0);
    // The consumer's connection (borrowed): usable for queries, same pointer every time.
    let conn = tmq_get_connect(t);
    assert!(!conn.is_null());
    assert_eq!(tmq_get_connect(t), conn);
    let q = taos::capi::query::taos_query(conn, c"select count(*) from tq.st".as_ptr());
    assert_eq!(taos::capi::query::taos_errno(q), 0);
    let row = taos_fetch_row(q);
    assert!(!row.is_null());
    assert_eq!(unsafe { (*row as *const i64).read_unaligned() }, 60);
    taos_free_result(q);
    assert_eq!(tmq_unsubscribe(t), 0);
    assert_eq!(tmq_consumer_close(t), 0);
    h.stop();
}

/// Consumer throughput against the in-process dev server (run with `--release --ignored`).
#[test]
#[ignore = "benchmark; run with --release -- --ignored --nocapture"]
fn bench_consume_throughput() {
    let h = server();
    let c = connect(&h, 60);
    exec(&c, "create database tb wal_retention_period 86400");
    exec(&c, "create table tb.t (ts timestamp, v int, s binary(16))");
    let (batches, per) = (200, 1000);
    for b in 0..batches {
        let vals: Vec<String> = (0..per)
            .map(|i| {
                let n = b * per + i;
                format!("({}, {n}, 'row{n}')", 1_700_000_000_000i64 + n as i64)
            })
            .collect();
        exec(&c, &format!("insert into tb.t values {}", vals.join(" ")));
    }
    exec(&c, "create topic tb_topic as select ts, v, s from tb.t");
    let mut m = conf(&h, "bench");
    m.insert("auto.offset.reset".into(), "earliest".into());
    let cons = Consumer::new(ConsumerConfig::from_entries(&m).unwrap(), None).unwrap();
    cons.subscribe(&["tb_topic".to_string()]).unwrap();
    let t = std::time::Instant::now();
    let (mut rows, mut msgs) = (0usize, 0usize);
    let mut secs = 0.0;
    while let Some(msg) = cons.poll(500).unwrap() {
        msgs += 1;
        while let Some(b) = msg.next_block().unwrap() {
            rows += taos_wire::RawBlock::parse(&b.bytes).unwrap().rows();
        }
        // Up to the last row read (the final, empty poll is not counted).
        secs = t.elapsed().as_secs_f64();
    }
    assert_eq!(rows, batches * per);
    println!(
        "tmq consume: {rows} rows in {msgs} messages, {secs:.3} s, {:.0} rows/s",
        rows as f64 / secs
    );
    cons.close();
    c.close();
    h.stop();
}

/// Per-message cost with small messages (one row per table, 32 tables per write), where a
/// round trip per message shows (run with `--release --ignored`).
#[test]
#[ignore = "benchmark; run with --release -- --ignored --nocapture"]
fn bench_consume_small_messages() {
    let h = server();
    let c = connect(&h, 60);
    exec(&c, "create database ts wal_retention_period 86400");
    exec(&c, "create stable ts.st (ts timestamp, v int) tags (t int)");
    let tables = 32;
    for t in 0..tables {
        exec(&c, &format!("create table ts.c{t} using ts.st tags ({t})"));
    }
    let writes = 300;
    for w in 0..writes {
        let parts: Vec<String> = (0..tables)
            .map(|t| format!("ts.c{t} values ({}, {w})", 1_700_000_000_000i64 + w as i64))
            .collect();
        exec(&c, &format!("insert into {}", parts.join(" ")));
    }
    exec(&c, "create topic ts_topic as select ts, v from ts.st");
    let cons = Consumer::new(ConsumerConfig::from_entries(&conf(&h, "bs")).unwrap(), None).unwrap();
    cons.subscribe(&["ts_topic".to_string()]).unwrap();
    let t = std::time::Instant::now();
    let (mut rows, mut msgs) = (0usize, 0usize);
    let mut secs = 0.0;
    while let Some(msg) = cons.poll(500).unwrap() {
        msgs += 1;
        while let Some(b) = msg.next_block().unwrap() {
            rows += taos_wire::RawBlock::parse(&b.bytes).unwrap().rows();
        }
        secs = t.elapsed().as_secs_f64();
    }
    assert_eq!(rows, writes * tables);
    println!(
        "tmq consume small: {rows} rows in {msgs} messages, {secs:.3} s, {:.1} us/message",
        secs * 1e6 / msgs as f64
    );
    cons.close();
    c.close();
    h.stop();
}
