//! Stmt2 bind frames: byte-exact against the worked example of ws-stmt-sml-tmq.md §2.4, and the
//! validation messages of §2.3.6 / §2.6.

use std::borrow::Cow;

use proptest::prelude::*;
use taos_wire::stmt2::*;
use taos_wire::types::*;

/// The 256-byte frame of §2.4 (req_id 16, stmt_id 1).
const EXAMPLE: &[&str] = &[
    "10 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
    "09 00 00 00 00 00 00 00 01 00 ff ff ff ff e2 00",
    "00 00 02 00 00 00 01 00 00 00 02 00 00 00 1c 00",
    "00 00 26 00 00 00 5a 00 00 00 03 00 03 00 64 31",
    "00 64 32 00 16 00 00 00 16 00 00 00 16 00 00 00",
    "04 00 00 00 01 00 00 00 00 00 04 00 00 00 01 00",
    "00 00 16 00 00 00 04 00 00 00 01 00 00 00 00 00",
    "04 00 00 00 02 00 00 00 3f 00 00 00 41 00 00 00",
    "23 00 00 00 09 00 00 00 02 00 00 00 00 00 00 10",
    "00 00 00 00 68 e5 cf 8b 01 00 00 01 68 e5 cf 8b",
    "01 00 00 1c 00 00 00 08 00 00 00 02 00 00 00 00",
    "01 01 01 00 00 00 00 00 00 00 01 00 00 00 61 23",
    "00 00 00 09 00 00 00 02 00 00 00 00 00 00 10 00",
    "00 00 02 68 e5 cf 8b 01 00 00 03 68 e5 cf 8b 01",
    "00 00 1e 00 00 00 08 00 00 00 02 00 00 00 00 00",
    "01 02 00 00 00 01 00 00 00 03 00 00 00 62 63 64",
];

fn example_bytes() -> Vec<u8> {
    EXAMPLE
        .iter()
        .flat_map(|l| l.split_whitespace())
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

fn ts(v: i64) -> [u8; 8] {
    v.to_le_bytes()
}

fn example_bind() -> Stmt2Bind<'static> {
    let int = |v: i32| Stmt2Field::fixed(4, 4, &[Some(&v.to_le_bytes()[..])]).unwrap();
    let tss =
        |a: i64, b: i64| Stmt2Field::fixed(9, 8, &[Some(&ts(a)[..]), Some(&ts(b)[..])]).unwrap();
    Stmt2Bind {
        table_names: vec![Cow::Borrowed(&b"d1"[..]), Cow::Borrowed(&b"d2"[..])],
        tags: vec![vec![int(1)], vec![int(2)]],
        cols: vec![
            vec![
                tss(1_700_000_000_000, 1_700_000_000_001),
                Stmt2Field::var(8, &[Some(b"a"), None]),
            ],
            vec![
                tss(1_700_000_000_002, 1_700_000_000_003),
                Stmt2Field::var(8, &[Some(b"bc"), Some(b"d")]),
            ],
        ],
    }
}

#[test]
fn worked_example_encodes_byte_exact() {
    let frame = encode_stmt2_bind(16, 1, -1, &example_bind()).unwrap();
    assert_eq!(frame.len(), 256);
    assert_eq!(frame, example_bytes());
}

#[test]
fn worked_example_decodes() {
    let bytes = example_bytes();
    let f = parse_stmt2_bind_frame(&bytes).unwrap();
    assert_eq!(
        (f.req_id, f.stmt_id, f.col_idx, f.payload.len()),
        (16, 1, -1, 226)
    );
    let b = parse_stmt2_bind_payload(f.payload).unwrap();
    assert_eq!(b, example_bind());
    assert_eq!((b.count(), b.tag_count(), b.col_count()), (2, 1, 2));
    assert_eq!(b.table_names[1].as_ref(), b"d2");
    assert_eq!(
        b.tags[1][0].cells().unwrap(),
        vec![Some(&2i32.to_le_bytes()[..])]
    );
    assert_eq!(
        b.cols[0][0].cells().unwrap(),
        vec![
            Some(&ts(1_700_000_000_000)[..]),
            Some(&ts(1_700_000_000_001)[..])
        ]
    );
    assert_eq!(b.cols[0][1].cells().unwrap(), vec![Some(&b"a"[..]), None]);
    assert_eq!(
        b.cols[1][1].cells().unwrap(),
        vec![Some(&b"bc"[..]), Some(&b"d"[..])]
    );
}

fn err(bytes: &[u8]) -> String {
    let e = parse_stmt2_bind_frame(bytes)
        .and_then(|f| parse_stmt2_bind_payload(f.payload))
        .unwrap_err();
    assert_eq!(e.wire_code(), 0xFFFF);
    e.message
}

fn with(patch: &[(usize, u8)]) -> Vec<u8> {
    let mut b = example_bytes();
    for &(at, v) in patch {
        b[at] = v;
    }
    b
}

#[test]
fn validation_messages() {
    let good = example_bytes();
    assert_eq!(err(&good[..29]), "message length is too short");
    assert_eq!(err(&with(&[(24, 2)])), "unknown stmt2 bind version");
    assert_eq!(err(&good[..30 + 27]), "data length is less than 28");
    assert_eq!(
        err(&good[..255]),
        "total length not match, expect 225, but get 226"
    );
    // payload offsets: frame offset = 30 + payload offset
    assert_eq!(
        err(&with(&[(58, 0)])),
        "table name length is 0, tableIndex: 0"
    );
    assert_eq!(
        err(&with(&[(46, 0xE0)])),
        "table name lengths out of range, total length: 226, tableNamesLengthEnd: 228"
    );
    assert_eq!(
        err(&with(&[(60, 0xC8)])),
        "table names out of range, total length: 226, tableNameTotalLength: 235"
    );
    assert_eq!(
        err(&with(&[(38, 0)])),
        "tag count is 0, but tags offset is not 0"
    );
    assert_eq!(
        err(&with(&[(42, 0)])),
        "col count is 0, but cols offset is not 0"
    );
    assert_eq!(err(&with(&[(72, 0)])), "tag length is 0, tableIndex: 1");
    assert_eq!(
        err(&with(&[(50, 0xE0)])),
        "tags out of range, total length: 226, tagEnd: 232"
    );
    assert_eq!(
        err(&with(&[(72, 0xF0)])),
        "tags out of range, total length: 226, tagsTotalLength: 308"
    );
    assert_eq!(err(&with(&[(120, 0)])), "col length is 0, tableIndex: 0");
    assert_eq!(
        err(&with(&[(124, 0xF0)])),
        "cols out of range, total length: 226, colsTotalLength: 401"
    );
    assert_eq!(
        err(&with(&[(54, 0xDF)])),
        "cols out of range, total length: 226, colEnd: 231"
    );
    // d1.name buffer_length 1 → 2: header + buffer no longer equals total_length
    assert_eq!(
        err(&with(&[(186, 2)])),
        "bind data length error, tableIndex: 0, fieldIndex: 1"
    );
}

#[test]
fn query_bind_and_all_null_columns() {
    // A two-parameter query: count 1, no names, no tags.
    let q = Stmt2Bind {
        table_names: vec![],
        tags: vec![],
        cols: vec![vec![
            Stmt2Field::fixed(TSDB_DATA_TYPE_TIMESTAMP as i32, 8, &[Some(&ts(5)[..])]).unwrap(),
            Stmt2Field::var(TSDB_DATA_TYPE_VARCHAR as i32, &[Some(b"x")]),
        ]],
    };
    let payload = encode_stmt2_bind_payload(&q).unwrap();
    assert_eq!(
        &payload[4..28],
        [1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0]
    );
    assert_eq!(parse_stmt2_bind_payload(&payload).unwrap(), q);

    // All-NULL fixed column: buffer_length 0; all-NULL VARCHAR: lengths 0, buffer_length 0.
    let nulls = Stmt2Field::fixed(TSDB_DATA_TYPE_INT as i32, 4, &[None, None]).unwrap();
    assert!(nulls.buffer.is_empty());
    assert_eq!(nulls.cells().unwrap(), vec![None, None]);
    let vnulls = Stmt2Field::var(TSDB_DATA_TYPE_VARCHAR as i32, &[None, None]);
    assert_eq!(vnulls.lengths, Some(vec![0, 0]));
    let b = Stmt2Bind {
        table_names: vec![],
        tags: vec![],
        cols: vec![vec![nulls, vnulls]],
    };
    let payload = encode_stmt2_bind_payload(&b).unwrap();
    assert_eq!(parse_stmt2_bind_payload(&payload).unwrap(), b);

    // A NULL slot inside a fixed column is zero-filled.
    let some = Stmt2Field::fixed(
        TSDB_DATA_TYPE_INT as i32,
        4,
        &[None, Some(&7i32.to_le_bytes()[..])],
    )
    .unwrap();
    assert_eq!(some.buffer.as_ref(), [0, 0, 0, 0, 7, 0, 0, 0]);
    assert!(Stmt2Field::fixed(4, 4, &[Some(&[1u8][..])]).is_err());
}

#[test]
fn encoder_rejects_inconsistent_binds() {
    let mut b = example_bind();
    b.tags[1].clear();
    assert!(encode_stmt2_bind_payload(&b).is_err());
    let mut b = example_bind();
    b.table_names.pop();
    assert!(encode_stmt2_bind_payload(&b).is_err());
    let mut b = example_bind();
    b.cols[0][0].is_null.pop();
    assert!(encode_stmt2_bind_payload(&b).is_err());
}

#[test]
fn cells_checks_buffers() {
    let mut f = Stmt2Field::fixed(4, 4, &[Some(&1i32.to_le_bytes()[..])]).unwrap();
    f.buffer = Cow::Owned(vec![1, 2, 3]);
    assert!(f.cells().is_err());
    let mut v = Stmt2Field::var(8, &[Some(b"abc")]);
    v.lengths = Some(vec![5]);
    assert!(v.cells().is_err());
    v.lengths = Some(vec![2]);
    assert!(v.cells().is_err(), "trailing buffer bytes");
    v.lengths = Some(vec![-1]);
    assert!(v.cells().is_err());
}

#[test]
fn bind_exec_round_trip_and_errors() {
    let fields = vec![
        Stmt2Field::var(TSDB_DATA_TYPE_BINARY as i32, &[Some(b"d1"), Some(b"d1")]),
        Stmt2Field::fixed(9, 8, &[Some(&ts(1)[..]), Some(&ts(2)[..])]).unwrap(),
    ];
    let frame = encode_stmt2_bind_exec(3, 4, 1, &fields).unwrap();
    assert_eq!(&frame[16..26], [11, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    let p = parse_stmt2_bind_exec(&frame).unwrap();
    assert_eq!(
        (p.req_id, p.stmt_id, p.row_count, p.table_count),
        (3, 4, 2, 1)
    );
    assert_eq!(p.fields, fields);

    let msg = |b: &[u8]| parse_stmt2_bind_exec(b).unwrap_err().message;
    assert_eq!(msg(&frame[..25]), "message length is too short");
    let mut v = frame.clone();
    v[24] = 9;
    assert_eq!(msg(&v), "unknown stmt2 bind exec version");
    let mut v = frame.clone();
    v[30] = 0; // row_count
    assert_eq!(msg(&v), "row count is 0");
    let mut v = frame.clone();
    v[38] = 0; // field_count
    assert_eq!(msg(&v), "field count is 0");
    let mut v = frame.clone();
    v[42] = 3; // field_offset
    assert!(msg(&v).starts_with("field offset out of range"));
    let mut v = frame.clone();
    v[30] = 3;
    assert_eq!(msg(&v), "column 0 row count not match, got: 2, expect: 3");
    let mut v = frame.clone();
    v.push(0);
    let n = v.len() as u32 - 26;
    v[26..30].copy_from_slice(&n.to_le_bytes());
    assert_eq!(msg(&v), "payload has trailing bytes");
    assert!(encode_stmt2_bind_exec(1, 1, 1, &[]).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn stmt2_parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(f) = parse_stmt2_bind_frame(&bytes) {
            if let Ok(b) = parse_stmt2_bind_payload(f.payload) {
                for field in b.tags.iter().chain(b.cols.iter()).flatten() {
                    let _ = field.cells();
                }
            }
        }
        let _ = parse_stmt2_bind_payload(&bytes);
        let _ = parse_stmt2_bind_exec(&bytes);
    }

    #[test]
    fn corrupting_the_example_never_panics(at in 0usize..256, v in any::<u8>()) {
        let mut b = example_bytes();
        b[at] = v;
        if let Ok(f) = parse_stmt2_bind_frame(&b) {
            if let Ok(bind) = parse_stmt2_bind_payload(f.payload) {
                for field in bind.tags.iter().chain(bind.cols.iter()).flatten() {
                    let _ = field.cells();
                }
            }
        }
    }

    #[test]
    fn random_binds_round_trip(
        tables in 1usize..4,
        rows in 1usize..5,
        names in proptest::bool::ANY,
        vals in proptest::collection::vec(proptest::option::of(proptest::collection::vec(any::<u8>(), 0..6)), 40),
    ) {
        let mut k = 0;
        let mut next = || { k += 1; vals[k % vals.len()].clone() };
        let mut cols = Vec::new();
        let mut tags = Vec::new();
        for _ in 0..tables {
            let var: Vec<Option<Vec<u8>>> = (0..rows).map(|_| next()).collect();
            let refs: Vec<Option<&[u8]>> = var.iter().map(|v| v.as_deref()).collect();
            let ints: Vec<Option<[u8; 8]>> = (0..rows).map(|r| next().map(|_| (r as i64).to_le_bytes())).collect();
            let irefs: Vec<Option<&[u8]>> = ints.iter().map(|v| v.as_ref().map(|a| &a[..])).collect();
            cols.push(vec![Stmt2Field::var(8, &refs), Stmt2Field::fixed(5, 8, &irefs).unwrap()]);
            let t = next();
            tags.push(vec![Stmt2Field::var(10, &[t.as_deref()])]);
        }
        let bind = Stmt2Bind {
            table_names: if names { (0..tables).map(|i| Cow::Owned(format!("t{i}").into_bytes())).collect() } else { vec![] },
            tags,
            cols,
        };
        let frame = encode_stmt2_bind(1, 2, -1, &bind).unwrap();
        let f = parse_stmt2_bind_frame(&frame).unwrap();
        let back = parse_stmt2_bind_payload(f.payload).unwrap();
        prop_assert_eq!(&back, &bind);
        for (a, b) in back.cols.iter().flatten().zip(bind.cols.iter().flatten()) {
            prop_assert_eq!(a.cells().unwrap(), b.cells().unwrap());
        }
    }
}
