//! Dev server read throughput: 1,000,000 rows × 10 columns read with `binary_query` +
//! `fetch_raw_block` over a real socket.
//!
//! ```text
//! cargo bench -p taos-devserver --bench ws_fetch            # 1,000,000 rows
//! BENCH_ROWS=200000 cargo bench -p taos-devserver --bench ws_fetch
//! ```

use std::net::TcpStream;
use std::time::Instant;

use taos_devserver::{Config, DevServer};
use tungstenite::Message;

fn main() {
    let rows: usize = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let server = DevServer::start(Config::default()).expect("start server");
    let engine = server.engine();
    let mut session = taos_devserver::engine::Session::default();
    let run = |s: &mut taos_devserver::engine::Session, sql: &str| {
        if let Err(e) = engine.execute(s, sql) {
            panic!("{sql:.80}: {}", e.message);
        }
    };
    run(&mut session, "create database bench");
    run(&mut session, "use bench");
    run(
        &mut session,
        "create table t (ts timestamp, c1 int, c2 bigint, c3 float, c4 double, \
         c5 smallint, c6 tinyint, c7 bool, c8 varchar(16), c9 nchar(8))",
    );
    let load = Instant::now();
    let batch = 5_000;
    let base = 1_700_000_000_000i64;
    let mut sql = String::with_capacity(batch * 96);
    for start in (0..rows).step_by(batch) {
        sql.clear();
        sql.push_str("insert into t values ");
        for i in start..(start + batch).min(rows) {
            use std::fmt::Write;
            let _ = write!(
                sql,
                "({},{},{},{}.5,{}.25,{},{},{},'name{}','n{}') ",
                base + i as i64,
                i as i32,
                i as i64 * 3,
                i % 1000,
                i,
                (i % 30000) as i16,
                (i % 100) as i8,
                i % 2 == 0,
                i % 1000,
                i % 100
            );
        }
        run(&mut session, &sql);
    }
    eprintln!("loaded {rows} rows in {:.2?}", load.elapsed());

    let stream = TcpStream::connect(server.addr()).unwrap();
    stream.set_nodelay(true).unwrap();
    let (mut ws, _) =
        tungstenite::client::client(format!("ws://{}/ws", server.addr()), stream).unwrap();
    ws.send(Message::text(
        r#"{"action":"conn","args":{"req_id":1,"user":"root","password":"taosdata","db":"bench"}}"#,
    ))
    .unwrap();
    let _ = ws.read().unwrap();

    for round in 0..3 {
        let t0 = Instant::now();
        ws.send(Message::binary(taos_wire::binary::encode_binary_query(
            2,
            "select * from t",
        )))
        .unwrap();
        let reply = ws.read().unwrap();
        let v: serde_json::Value = serde_json::from_str(reply.to_text().unwrap()).unwrap();
        let id = v["id"].as_u64().expect("result id");
        let (mut got, mut bytes, mut blocks) = (0usize, 0usize, 0usize);
        loop {
            ws.send(Message::binary(taos_wire::binary::encode_fetch_raw_block(
                3, id,
            )))
            .unwrap();
            let frame = match ws.read().unwrap() {
                Message::Binary(b) => b,
                other => panic!("unexpected {other:?}"),
            };
            let r = taos_wire::binary::parse_raw_block_reply(&frame).unwrap();
            match r.body {
                taos_wire::binary::RawBlockReplyBody::Block(b) => {
                    got += i32::from_le_bytes(b[8..12].try_into().unwrap()) as usize;
                    bytes += frame.len();
                    blocks += 1;
                }
                taos_wire::binary::RawBlockReplyBody::End => break,
                taos_wire::binary::RawBlockReplyBody::Error { message, .. } => panic!("{message}"),
            }
        }
        let dt = t0.elapsed();
        assert_eq!(got, rows);
        println!(
            "round {round}: {got} rows, {blocks} blocks, {:.1} MB in {:.3?}: {:.0} rows/s, {:.0} MB/s",
            bytes as f64 / 1e6,
            dt,
            got as f64 / dt.as_secs_f64(),
            bytes as f64 / 1e6 / dt.as_secs_f64()
        );
    }
    server.stop();
}
