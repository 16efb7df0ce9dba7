//! `wss://` against an in-test TLS WebSocket server (rustls server side): certificate
//! checking modes, a custom CA file, and blocks larger than one TLS record.
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use taos::client::{ConnectOptions, Connection};
use taos_wire::binary;
use taos_wire::error::codes;
use taos_wire::{BlockBuilder, ColumnSchema};
use tungstenite::Message;

// Test-only certificates (P-256): a CA and a leaf for DNS:localhost / IP:127.0.0.1, valid
// for 20 years from 2026-11-24. The private key only exists for these tests.
const CA_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBnjCCAUWgAwIBAgIUWjN7xlDN6XvL69DGKUjPBGBVXDQwCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSbGlidGFvcy1ycyB0ZXN0IENBMB4XDTI2MTEyNDE5MjU1MVoX
DTQ2MTExOTE5MjU1MVowHTEbMBkGA1UEAwwSbGlidGFvcy1ycyB0ZXN0IENBMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEP6xt1LmRt8KTWjlcLdmU5rYPtoWvKW+B
qymuvzOHQXehWIX0mduCrxnGX8GJKiE5PN4S2pmpJXAXwnIjjgFTVKNjMGEwHQYD
VR0OBBYEFGyIjfe4rTiFIEqV4ZkcR8yjqROxMB8GA1UdIwQYMBaAFGyIjfe4rTiF
IEqV4ZkcR8yjqROxMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMAoG
CCqGSM49BAMCA0cAMEQCIDnEbjA+Rqs38Gl/C6NPw5m0nXtD/MFh8Vh5j/Ury8kd
AiBzqrz1Y1Kr+esIQC4e3v1w2/+UvOhT8GfwRbcqoSOzrQ==
-----END CERTIFICATE-----";
const LEAF_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBxjCCAWygAwIBAgIUC0A5eOduJf53EwRgSZrVU+IPh30wCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSbGlidGFvcy1ycyB0ZXN0IENBMB4XDTI2MTEyNDE5MjU1MVoX
DTQ2MTExOTE5MjU1MVowFDESMBAGA1UEAwwJbG9jYWxob3N0MFkwEwYHKoZIzj0C
AQYIKoZIzj0DAQcDQgAEyeLcsWEg8fH+6E83MD3GzBjVv2KHzPyc1B32Qy94Ccuz
v5Xgvh64BWdsA8c7gwcDOazgvomP0GJ86OKE6LB/+6OBkjCBjzAMBgNVHRMBAf8E
AjAAMBoGA1UdEQQTMBGCCWxvY2FsaG9zdIcEfwAAATAOBgNVHQ8BAf8EBAMCB4Aw
EwYDVR0lBAwwCgYIKwYBBQUHAwEwHQYDVR0OBBYEFGhVTyknoQy+VzfmKkwUXbLe
U4IjMB8GA1UdIwQYMBaAFGyIjfe4rTiFIEqV4ZkcR8yjqROxMAoGCCqGSM49BAMC
A0gAMEUCIFvT8e9DCamFw249cMpXqj7nVpbXFfwhD5eK23kiQwK1AiEAzwR0yYTg
D486VWyr1Hb+DKP++P26oJkCHvkC69VNZ6w=
-----END CERTIFICATE-----";
const LEAF_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgVw0IiC+r1XX3M54Q
NeOiTmNpflqE+4I2aiZ4isg6wwmhRANCAATJ4tyxYSDx8f7oTzcwPcbMGNW/YofM
/JzUHfZDL3gJy7O/leC+HrgFZ2wDxzuDBwM5rOC+iY/QYnzo4oTosH/7
-----END PRIVATE KEY-----";

const ROWS: usize = 5000;

fn server_config() -> Arc<rustls::ServerConfig> {
    let cert = CertificateDer::from_pem_slice(LEAF_PEM.as_bytes()).unwrap();
    let key = PrivateKeyDer::from_pem_slice(LEAF_KEY.as_bytes()).unwrap();
    let cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    Arc::new(cfg)
}

/// One 5000-row block (~60 KB, several TLS records): ts = i, v = i.
fn big_block() -> Vec<u8> {
    let mut b = BlockBuilder::new(vec![ColumnSchema::new(9, 8), ColumnSchema::new(4, 4)]);
    for i in 0..ROWS {
        b.push_timestamp(0, i as i64);
        b.push_i32(1, i as i32);
    }
    b.finish(ROWS, 0)
}

/// A TLS WebSocket server answering version, conn, binary_query and fetch_raw_block.
fn tls_server() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let cfg = server_config();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(s) = s else { return };
            let cfg = cfg.clone();
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(cfg) else {
                    return;
                };
                let Ok(mut ws) = tungstenite::accept(rustls::StreamOwned::new(conn, s)) else {
                    return; // e.g. the client rejected our certificate
                };
                let mut sent = false;
                while let Ok(msg) = ws.read() {
                    let reply = match msg {
                        Message::Text(t) => {
                            let v: serde_json::Value = serde_json::from_str(t.as_str()).unwrap();
                            let action = v["action"].as_str().unwrap_or("").to_string();
                            let rid = v["args"]["req_id"].as_u64().unwrap_or(0);
                            Message::text(format!(
                                r#"{{"code":0,"message":"","action":"{action}","req_id":{rid},"timing":1,"version":"3.3.6.0"}}"#
                            ))
                        }
                        Message::Binary(b) => {
                            let rid = u64::from_le_bytes(b[0..8].try_into().unwrap());
                            match u64::from_le_bytes(b[16..24].try_into().unwrap()) {
                                6 => Message::text(format!(
                                    r#"{{"code":0,"message":"","action":"binary_query","req_id":{rid},"timing":1,"id":1,"is_update":false,"affected_rows":0,"fields_count":2,"fields_names":["ts","v"],"fields_types":[9,4],"fields_lengths":[8,4],"precision":0}}"#
                                )),
                                _ if !sent => {
                                    sent = true;
                                    Message::binary(binary::encode_raw_block_data(
                                        1,
                                        rid,
                                        1,
                                        &big_block(),
                                    ))
                                }
                                _ => Message::binary(binary::encode_raw_block_end(1, rid, 1)),
                            }
                        }
                        _ => continue,
                    };
                    if ws.send(reply).is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

fn ca_file() -> String {
    let p = std::env::temp_dir().join(format!("libtaos-test-ca-{}.pem", std::process::id()));
    std::fs::write(&p, CA_PEM).unwrap();
    p.to_string_lossy().into_owned()
}

fn opts(dsn: &str) -> ConnectOptions {
    let mut o = ConnectOptions::from_dsn(dsn).unwrap();
    o.connect_timeout = Duration::from_secs(5);
    o.read_timeout = Duration::from_secs(5);
    o
}

fn select_all(c: &Connection) {
    let r = c.query("select ts, v from t", 0).unwrap();
    let b = r.next_block().unwrap().unwrap();
    assert_eq!(b.rows(), ROWS);
    let v = b.view();
    let sum: i64 = (0..ROWS)
        .map(|i| i32::from_le_bytes(v.fixed_cell(1, i).try_into().unwrap()) as i64)
        .sum();
    assert_eq!(sum, (0..ROWS as i64).sum::<i64>());
    assert!(r.next_block().unwrap().is_none());
}

#[test]
fn wss_with_custom_ca_verifies_identity() {
    let port = tls_server();
    let ca = ca_file();
    let c = Connection::connect(&opts(&format!(
        "wss://root:taosdata@localhost:{port}?tls_ca={ca}"
    )))
    .unwrap();
    assert_eq!(c.server_version(), "3.3.6.0");
    select_all(&c);
    // Concurrent use over one TLS session.
    let hs: Vec<_> = (0..4)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || assert_eq!(c.current_db().unwrap_or_default(), ""))
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    c.close();
    // The CA may also be given as PEM text (taos.cfg wsTlsCa form).
    let mut o = opts(&format!("wss://localhost:{port}"));
    o.tls_ca = Some(CA_PEM.to_string());
    select_all(&Connection::connect(&o).unwrap());
}

#[test]
fn wss_rejects_untrusted_certificate() {
    let port = tls_server();
    let e = Connection::connect(&opts(&format!("wss://localhost:{port}"))).unwrap_err();
    assert_eq!(e.code, codes::TSDB_CODE_WS_TLS_ERROR, "{e}");
    assert!(e.message.contains("TLS"), "{e}");
}

#[test]
fn wss_insecure_and_verify_ca_modes() {
    let port = tls_server();
    let c =
        Connection::connect(&opts(&format!("wss://127.0.0.1:{port}?tls_mode=insecure"))).unwrap();
    select_all(&c);
    let ca = ca_file();
    let c = Connection::connect(&opts(&format!(
        "taos+wss://127.0.0.1:{port}?tls_mode=verify_ca&tls_ca={ca}"
    )))
    .unwrap();
    select_all(&c);
    assert!(ConnectOptions::from_dsn("wss://h?tls_mode=bogus").is_err());
}
