//! Garbage stmt frames never crash the server nor hit its panic guard ("internal error"):
//! random bodies for binary actions 1, 2, 9 and 11 on prepared statements.

mod netutil;

use netutil::Client;
use proptest::prelude::*;

fn frame(req_id: u64, id: u64, action: u64, body: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&req_id.to_le_bytes());
    f.extend_from_slice(&id.to_le_bytes());
    f.extend_from_slice(&action.to_le_bytes());
    f.extend_from_slice(body);
    f
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn garbage_binds_get_an_error_reply(
        body in proptest::collection::vec(any::<u8>(), 0..300),
        prefix in proptest::collection::vec(any::<u8>(), 0..8),
    ) {
        let srv = netutil::start(4096);
        let mut c = Client::connected(srv.addr());
        c.exec("create database if not exists fz");
        c.exec("use fz");
        c.exec("create stable if not exists st (ts timestamp, v nchar(4)) tags (t int)");
        c.text(r#"{"action":"init","args":{"req_id":1}}"#);
        c.recv_text();
        c.text(r#"{"action":"prepare","args":{"req_id":2,"stmt_id":1,"sql":"insert into ? using st tags (?) values (?, ?)"}}"#);
        c.recv_text();
        c.text(r#"{"action":"set_table_name","args":{"req_id":3,"stmt_id":1,"name":"d"}}"#);
        c.recv_text();
        c.text(r#"{"action":"stmt2_init","args":{"req_id":4}}"#);
        c.recv_text();
        c.text(r#"{"action":"stmt2_prepare","args":{"req_id":5,"stmt_id":2,"sql":"insert into ? using st tags (?) values (?, ?)","get_fields":true}}"#);
        c.recv_text();
        // Version 1 and a plausible length prefix make the stmt2 parsers go deeper.
        let mut b2 = vec![1u8, 0, 0xff, 0xff, 0xff, 0xff];
        b2.extend_from_slice(&((body.len() + 4) as u32).to_le_bytes());
        b2.extend_from_slice(&body);
        for (action, id, b) in [
            (1u64, 1u64, body.clone()),
            (2, 1, body.clone()),
            (9, 2, b2.clone()),
            (11, 2, b2[..b2.len().min(2 + prefix.len())].to_vec()),
            (11, 2, [vec![1u8, 0], body.clone()].concat()),
        ] {
            c.binary(frame(9, id, action, &b));
            let r = c.recv_json();
            prop_assert!(r["message"] != "internal error", "{r}");
        }
        c.text(r#"{"action":"stmt2_exec","args":{"req_id":6,"stmt_id":2}}"#);
        let r = c.recv_json();
        prop_assert!(r["message"] != "internal error", "{r}");
        srv.stop();
    }
}
