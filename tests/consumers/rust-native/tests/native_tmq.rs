//! The official crate's TMQ consumer in native mode (taos-optin `TmqBuilder`) over our
//! libtaos.so: `tmq_conf_*` from the DSN, subscribe, poll, blocks read with
//! `taos_fetch_raw_block` on the message, table/topic/database/vgroup accessors, commit,
//! assignments, committed/position, seek.
use std::collections::BTreeMap;

use taos::sync::*;
use taos_consumer_native::checks::{
    all_types_values, assert_rows, expected_all_types, fresh_db, ALL_TYPES_COLUMNS,
};
use taos_consumer_native::{dsn, server_addr};

fn connect() -> Taos {
    TaosBuilder::from_dsn(dsn(None))
        .expect("dsn / dlopen libtaos.so")
        .build()
        .expect("taos_connect through our libtaos.so")
}

fn consumer(group: &str) -> Consumer {
    let dsn = format!(
        "taos://root:taosdata@{}?group.id={group}&client.id=rs-{group}&auto.offset.reset=earliest\
         &enable.auto.commit=false&msg.with.table.name=true&timeout=500ms",
        server_addr()
    );
    TmqBuilder::from_dsn(dsn)
        .expect("tmq dsn")
        .build()
        .expect("tmq_consumer_new through our libtaos.so")
}

/// Rows per table and the (vgroup, offset) of each data message, polled until `want` rows came;
/// then no further message may come. Commits every message when `commit` is set.
fn drain(c: &Consumer, topic: &str, db: &str, want: usize, commit: bool) -> Drained {
    let mut out = Drained::default();
    let mut got = 0;
    for _ in 0..40 {
        if got >= want {
            break;
        }
        for item in c.iter_with_timeout(Timeout::from_millis(500)) {
            let (offset, message) = item.expect("poll");
            assert_eq!(offset.topic(), topic);
            assert_eq!(offset.database(), db);
            let vg = offset.vgroup_id();
            assert!(vg == 2 || vg == 3, "vgroup {vg}");
            let MessageSet::Data(data) = message else {
                panic!("only data messages expected")
            };
            for block in data {
                let block = block.expect("fetch_raw_block");
                let table = block.table_name().expect("table name").to_string();
                let rows = block.to_values();
                got += rows.len();
                out.rows.entry(table).or_default().extend(rows);
            }
            out.vgroups.push(vg);
            if commit {
                c.commit(offset).expect("commit");
            }
            if got >= want {
                break;
            }
        }
    }
    assert_eq!(got, want, "rows received");
    assert!(
        c.iter_with_timeout(Timeout::from_millis(300))
            .next()
            .is_none(),
        "a message beyond the expected rows"
    );
    out
}

#[derive(Default)]
struct Drained {
    rows: BTreeMap<String, Vec<Vec<Value>>>,
    vgroups: Vec<i32>,
}

#[test]
fn stable_topic_every_type_commit_seek() {
    let taos = connect();
    let (db, topic) = ("cn_rs_tmq", "cn_rs_tmq_t");
    taos.exec(format!("DROP TOPIC IF EXISTS {topic}")).unwrap();
    fresh_db(&taos, db);
    taos.exec(format!(
        "CREATE STABLE {db}.st ({ALL_TYPES_COLUMNS}) TAGS (t_int INT, t_nc NCHAR(8))"
    ))
    .unwrap();
    taos.exec(format!("CREATE TOPIC {topic} AS STABLE {db}.st"))
        .unwrap();

    let mut c = consumer("g1");
    c.subscribe([topic]).expect("subscribe");
    assert_eq!(c.list_topics().unwrap(), [topic]);
    for t in ["d1", "d2"] {
        taos.exec(format!(
            "INSERT INTO {db}.{t} USING {db}.st TAGS (7, '标签') VALUES {}",
            all_types_values()
        ))
        .unwrap();
    }
    let first = drain(&c, topic, db, 6, true);
    assert_eq!(first.rows.len(), 2);
    for rows in first.rows.values() {
        assert_rows(rows, &expected_all_types());
    }

    // Committed == position == the end of every vgroup that delivered.
    let assignments = c.assignments().expect("assignments");
    assert_eq!(assignments.len(), 1);
    let (name, parts) = &assignments[0];
    assert_eq!(name, topic);
    let mut vgs: Vec<i32> = parts.iter().map(|a| a.vgroup_id()).collect();
    vgs.sort();
    assert_eq!(vgs, [2, 3]);
    for a in parts {
        assert!(a.begin() <= a.current_offset() && a.current_offset() <= a.end());
        if first.vgroups.contains(&a.vgroup_id()) {
            let pos = c.position(topic, a.vgroup_id()).unwrap();
            assert_eq!(pos, a.end(), "position of vgroup {}", a.vgroup_id());
            assert_eq!(c.committed(topic, a.vgroup_id()).unwrap(), pos);
        }
    }

    // Seek every vgroup back to its beginning: the same rows again.
    for a in parts {
        c.offset_seek(topic, a.vgroup_id(), a.begin())
            .expect("seek");
    }
    let again = drain(&c, topic, db, 6, false);
    assert_eq!(again.rows, first.rows);

    // A new consumer of the group starts after the committed offsets: only the newer row.
    c.unsubscribe();
    taos.exec(format!(
        "INSERT INTO {db}.d1 VALUES (1800000000000, true, NULL, NULL, NULL, NULL, NULL, NULL, \
         NULL, NULL, NULL, NULL, 'late', NULL, NULL, NULL)"
    ))
    .unwrap();
    let mut c = consumer("g1");
    c.subscribe([topic]).expect("subscribe again");
    let newer = drain(&c, topic, db, 1, false);
    let row = &newer.rows["d1"][0];
    assert_eq!(row[1], Value::Bool(true));
    assert_eq!(row[12], Value::VarChar("late".into()));
    assert!(row[2].is_null() && row[15].is_null());
}

#[test]
fn unknown_topic_fails_with_code() {
    let mut c = consumer("g_err");
    let err = c
        .subscribe(["cn_rs_tmq_no_such_topic"])
        .expect_err("unknown topic");
    assert_eq!(i32::from(err.code()), 0x03E1, "{err}");
}
