//! The `taos-devserver` binary: first stdout line is the bound address, flags are honoured,
//! startup is fast.

mod netutil;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use netutil::Client;

#[test]
fn prints_the_bound_address_first_and_serves() {
    let t0 = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_taos-devserver"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--block-rows",
            "2",
            "--user",
            "u1:p1",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn taos-devserver");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let started = t0.elapsed();
    let addr: std::net::SocketAddr = line.trim().parse().expect("address line");
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    assert_ne!(addr.port(), 0);
    assert!(started < Duration::from_secs(1), "startup took {started:?}");

    let mut c = Client::open(addr, "/ws");
    // --user replaces the default root:taosdata.
    assert!(c
        .ask(r#"{"action":"conn","args":{"req_id":1,"user":"root","password":"taosdata"}}"#)
        .contains(r#""code":855"#));
    assert!(c
        .ask(r#"{"action":"conn","args":{"req_id":2,"user":"u1","password":"p1"}}"#)
        .contains(r#""code":0"#));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn bad_flags_exit_with_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_taos-devserver"))
        .args(["--block-rows", "zero"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--block-rows"));
}
