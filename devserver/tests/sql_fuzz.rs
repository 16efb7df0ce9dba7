//! Property tests: the parser and the engine never panic on random or mutated SQL, and every
//! failure is a TDengine error (negative code, non-empty message).

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use taos_devserver::engine::{Engine, Session};
use taos_devserver::sql::parse;

static RANDOM_RUNS: AtomicUsize = AtomicUsize::new(0);
static MUTATION_RUNS: AtomicUsize = AtomicUsize::new(0);
static MUTATED_STATEMENTS: AtomicUsize = AtomicUsize::new(0);

const VALID: &[&str] = &[
    "create database if not exists fz precision 'us' keep 36500 vgroups 2",
    "use fz",
    "create stable st (ts timestamp, v int, f float, s binary(8), n nchar(4)) tags (k int, loc varchar(16))",
    "create table c1 using st tags (1, 'a') c2 using st (k) tags (2)",
    "create table nt (ts timestamp, b bool, u bigint unsigned, g geometry(64), vb varbinary(8))",
    "insert into c1 values (now, 1, 1.5, 'x', '中') (now+1s, -2, NULL, \"y\", 'z') c3 using st tags(3, 'c') values ('2024-01-01 00:00:00.000+08:00', 3, 3.5, 'z', 'w')",
    "insert into nt (ts, b, u, g, vb) values (1700000000000000, true, 18446744073709551615, 'POINT(1 2)', '\\x0102')",
    "create table dt (ts timestamp, d decimal(10, 3), e decimal(25, 5))",
    "insert into st (tbname, ts, v, k, loc) values ('c9', now, 9, 9, 'n') ('c1', now + 1a, 10, 0, 'x')",
    "insert into dt values (now, -1.2345, '12345678901234567890.12345')",
    "select * from st where v between -1 and 3 and loc like 'a%' or s in ('x', 'y') order by ts desc, v limit 2, 3",
    "select tbname, count(*), sum(v), avg(f), min(v), max(v), first(s), last(n), last_row(v), spread(f) from st partition by tbname",
    "select _wstart, _wend, _wduration, count(*) from st where ts > now - 1d interval(10s) order by _wstart",
    "select server_version(), database(), now()",
    "show stables",
    "show fz.tables like 'c%'",
    "describe st",
    "select k, count(v) from st group by k",
    "alter stable st add column extra int",
    "alter table c1 set tag loc = 'moved'",
    "alter stable st modify column s binary(16)",
    "delete from st where ts < now - 1h",
    "drop table if exists c1, if exists c9",
    "drop stable if exists st",
    "drop database if exists fz",
];

fn check(r: Result<(), taos_wire::TaosError>) -> Result<(), TestCaseError> {
    if let Err(e) = r {
        prop_assert!(e.code < 0, "error code {} is not a TDengine error", e.code);
        prop_assert!(!e.message.is_empty());
    }
    Ok(())
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, String),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn apply(sql: &str, m: &Mutation) -> String {
    let b = sql.as_bytes();
    let at = |i: usize| {
        let mut i = i % (b.len() + 1);
        while !sql.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    match m {
        Mutation::Delete(i, n) => {
            let s = at(*i);
            let e = at(s + n);
            let e = e.max(s);
            format!("{}{}", &sql[..s], &sql[e..])
        }
        Mutation::Insert(i, t) => {
            let s = at(*i);
            format!("{}{}{}", &sql[..s], t, &sql[s..])
        }
        Mutation::Truncate(i) => sql[..at(*i)].to_string(),
        Mutation::Duplicate(i, n) => {
            let s = at(*i);
            let e = at(s + n).max(s);
            format!("{}{}{}", &sql[..e], &sql[s..e], &sql[e..])
        }
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop_oneof![
        Just("(".to_string()),
        Just(")".to_string()),
        Just(",".to_string()),
        Just("'".to_string()),
        Just("`".to_string()),
        Just(" select ".to_string()),
        Just(" null ".to_string()),
        Just(" now ".to_string()),
        Just("-".to_string()),
        Just("1s".to_string()),
        Just("99999999999999999999999".to_string()),
        Just("中".to_string()),
        Just("\\".to_string()),
        "[ -~]{0,6}",
    ];
    prop_oneof![
        (any::<usize>(), 0usize..12).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), token).prop_map(|(i, t)| Mutation::Insert(i, t)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 0usize..12).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_strings_never_panic(s in "\\PC{0,80}") {
        RANDOM_RUNS.fetch_add(1, Ordering::Relaxed);
        check(parse(&s).map(|_| ()))?;
        let e = Engine::new();
        let mut sess = Session::default();
        check(e.execute(&mut sess, &s).map(|_| ()))?;
    }

    #[test]
    fn random_sqlish_strings_never_panic(s in "(select|insert|create|show|drop|describe)[ a-z0-9_(),.'`*<>=!%+-]{0,60}") {
        RANDOM_RUNS.fetch_add(1, Ordering::Relaxed);
        check(parse(&s).map(|_| ()))?;
    }

    #[test]
    fn mutated_valid_sql_never_panics(muts in proptest::collection::vec((0usize..VALID.len(), mutation()), 1..6)) {
        MUTATION_RUNS.fetch_add(1, Ordering::Relaxed);
        let e = Engine::new();
        let mut sess = Session::default();
        // Build state with the valid statements, then run each mutated one.
        for sql in VALID.iter().take(10) {
            e.execute(&mut sess, sql).map_err(|x| TestCaseError::fail(format!("{sql}: {x}")))?;
        }
        for (idx, m) in &muts {
            let sql = apply(VALID[*idx], m);
            MUTATED_STATEMENTS.fetch_add(1, Ordering::Relaxed);
            check(parse(&sql).map(|_| ()))?;
            check(e.execute(&mut sess, &sql).map(|_| ()))?;
            let _ = e.validate(&sess, &sql);
        }
    }
}

#[test]
fn valid_corpus_runs() {
    let e = Engine::new();
    let mut s = Session::default();
    for sql in VALID {
        if let Err(x) = e.execute(&mut s, sql) {
            panic!("{sql}: {x}");
        }
    }
}

/// Prints how many generated inputs ran (run with --nocapture after the property tests).
#[test]
fn zz_report_counts() {
    // Test order is not guaranteed; the counts are also printed by each property on failure.
    println!(
        "sql_fuzz inputs so far: random={} mutated cases={} mutated statements={}",
        RANDOM_RUNS.load(Ordering::Relaxed),
        MUTATION_RUNS.load(Ordering::Relaxed),
        MUTATED_STATEMENTS.load(Ordering::Relaxed)
    );
}
