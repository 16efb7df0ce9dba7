//! `CREATE DATABASE ... VGROUPS n`: the option's range, `SHOW DATABASES` /
//! `ins_databases.vgroups`, `ins_tables.vgroup_id` and the TMQ assignment of a topic on the
//! database all agree on the database's n vgroups (ids 2..2+n).

mod netutil;

use std::collections::{BTreeMap, BTreeSet};

use taos_devserver::engine::{Outcome, ResultSet, Session};
use taos_devserver::tmq::log::vgroup_of;
use taos_devserver::tmq::ConsumerConfig;
use taos_devserver::DevServerHandle;
use taos_wire::block::RawBlock;

fn sql(h: &DevServerHandle, s: &str) -> Result<Outcome, taos_wire::TaosError> {
    let mut sess = Session::default();
    h.engine().execute(&mut sess, s)
}

fn ok(h: &DevServerHandle, s: &str) {
    if let Err(e) = sql(h, s) {
        panic!("{s}: {e:?}");
    }
}

fn rows(h: &DevServerHandle, s: &str) -> ResultSet {
    match sql(h, s) {
        Ok(Outcome::Rows(rs)) => rs,
        Ok(_) => panic!("{s}: no rows"),
        Err(e) => panic!("{s}: {e:?}"),
    }
}

/// Column `name` (text) → column `val` (SMALLINT or INT) of a result, NULL values skipped.
fn text_to_int(rs: &ResultSet, name: &str, val: &str) -> BTreeMap<String, i64> {
    let idx = |n: &str| rs.fields().iter().position(|f| f.name == n).unwrap();
    let (ci, cv) = (idx(name), idx(val));
    let buf = rs.encode_block(0, rs.num_rows());
    let b = RawBlock::parse(&buf).unwrap();
    (0..b.rows())
        .filter(|r| !b.is_null(cv, *r))
        .map(|r| {
            let k = String::from_utf8(b.var_cell(ci, r).unwrap().to_vec()).unwrap();
            let cell = b.fixed_cell(cv, r);
            let v = match cell.len() {
                2 => i64::from(i16::from_le_bytes([cell[0], cell[1]])),
                4 => i64::from(i32::from_le_bytes(cell.try_into().unwrap())),
                n => panic!("width {n}"),
            };
            (k, v)
        })
        .collect()
}

#[test]
fn vgroups_option_range_and_show_databases() {
    let h = netutil::start(4096);
    ok(&h, "create database v1 vgroups 1");
    ok(&h, "create database v4 vgroups 4 precision 'us'");
    ok(&h, "create database vd");
    ok(&h, "create database vmax vgroups 1024");
    for bad in ["0", "1025", "-1", "99999999999"] {
        let e = sql(&h, &format!("create database vb vgroups {bad}")).unwrap_err();
        assert_eq!(
            (e.code as u32, e.message.as_str()),
            (
                0x80002619,
                format!("Invalid option vgroups: {bad} valid range: [1, 1024]").as_str()
            )
        );
    }
    let e = sql(&h, "create database vb vgroups 'x'").unwrap_err();
    assert_eq!(e.code as u32, 0x80002600, "{e:?}");
    // IF NOT EXISTS on an existing database keeps its vgroups.
    ok(&h, "create database if not exists v1 vgroups 3");

    let expect: BTreeMap<String, i64> = [("v1", 1), ("v4", 4), ("vd", 2), ("vmax", 1024)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    for q in [
        "show databases",
        "select name, vgroups from information_schema.ins_databases",
    ] {
        assert_eq!(text_to_int(&rows(&h, q), "name", "vgroups"), expect, "{q}");
    }

    // Drop and recreate with another count.
    ok(&h, "drop database v4");
    ok(&h, "create database v4 vgroups 3");
    let got = text_to_int(&rows(&h, "show databases"), "name", "vgroups");
    assert_eq!(got["v4"], 3);
}

#[test]
fn ins_tables_vgroup_id_matches_tmq_assignment() {
    let h = netutil::start(4096);
    ok(&h, "create database v1 vgroups 1");
    ok(&h, "create database v4 vgroups 4");
    for db in ["v1", "v4"] {
        ok(
            &h,
            &format!("create stable {db}.st (ts timestamp, v int) tags (g int)"),
        );
        for i in 0..16 {
            ok(
                &h,
                &format!("create table {db}.c{i} using {db}.st tags ({i})"),
            );
        }
        ok(&h, &format!("create table {db}.n0 (ts timestamp, v int)"));
    }
    let e = h.engine();
    let b = e.tmq();
    for (db, n) in [("v1", 1i32), ("v4", 4)] {
        let ids = text_to_int(
            &rows(
                &h,
                &format!(
                    "select table_name, vgroup_id from information_schema.ins_tables \
                     where db_name = '{db}'"
                ),
            ),
            "table_name",
            "vgroup_id",
        );
        assert_eq!(ids.len(), 17);
        let distinct: BTreeSet<i64> = ids.values().copied().collect();
        let all: BTreeSet<i64> = (2..2 + i64::from(n)).collect();
        // 17 names over n vgroups: every vgroup gets some table (FNV spreads them).
        assert_eq!(distinct, all, "{db}");
        for (t, vg) in &ids {
            assert_eq!(*vg, i64::from(vgroup_of(n, t)));
            assert_eq!(*vg, i64::from(b.table_vgroup(db, t)));
        }

        // A topic on the database is assigned exactly its vgroups.
        ok(&h, &format!("create topic t_{db} as stable {db}.st"));
        let cid = b
            .create_consumer(
                ConsumerConfig {
                    group: "g".into(),
                    ..ConsumerConfig::default()
                },
                &[format!("t_{db}")],
            )
            .unwrap();
        let got: Vec<i32> = b
            .with(|st| st.assigned(cid))
            .into_iter()
            .map(|p| p.1)
            .collect();
        assert_eq!(got, (2..2 + n).collect::<Vec<_>>());
        let subs = rows(&h, "show subscriptions");
        assert_eq!(subs.num_rows(), n as usize, "one row per vgroup of {db}");
        b.with(|st| st.consumers.remove(&cid));
        ok(&h, &format!("drop topic t_{db}"));

        // An insert lands in the table's vgroup log only.
        let ends = || -> Vec<(i32, i64)> {
            b.with(|st| {
                let l = &st.logs[db];
                l.ids().into_iter().map(|v| (v, l.end(v))).collect()
            })
        };
        let before = ends();
        assert_eq!(before.len(), n as usize);
        ok(
            &h,
            &format!("insert into {db}.c5 values (1700000000000, 1)"),
        );
        let vg = ids["c5"] as i32;
        for ((v, b0), (_, b1)) in before.into_iter().zip(ends()) {
            assert_eq!(b1 - b0, i64::from(v == vg), "{db} vgroup {v}");
        }
    }
}
