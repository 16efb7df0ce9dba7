//! The listener: accepts TCP connections (one thread each), reads HTTP/1.1 requests with
//! keep-alive, and routes them to the WebSocket endpoints or REST. `DevServer::start` /
//! `DevServerHandle::stop` give tests an in-process server with a clean shutdown.

use std::collections::HashMap;
use std::io::{self, BufReader, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use parking_lot::Mutex;

use crate::engine::Engine;
use crate::http::{self, ReadError, Response};
use crate::ws::{self, frame::WsWriter};

/// Server configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Maximum rows per raw block sent to clients (default 4096).
    pub block_rows: usize,
    /// Accepted `(user, password)` pairs (default `root:taosdata`).
    pub users: Vec<(String, String)>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            block_rows: 4096,
            users: vec![("root".into(), "taosdata".into())],
        }
    }
}

/// State shared by every connection.
pub struct ServerState {
    /// The SQL engine.
    pub engine: Arc<Engine>,
    /// The configuration the server was started with.
    pub config: Config,
}

impl ServerState {
    /// Whether `user:password` is an accepted pair.
    pub fn check_user(&self, user: &str, password: &str) -> bool {
        self.config
            .users
            .iter()
            .any(|(u, p)| u == user && p == password)
    }
}

/// Live connections, so `stop` can close them and wait for their threads.
#[derive(Default)]
struct Registry {
    next: AtomicU64,
    streams: Mutex<HashMap<u64, TcpStream>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

/// Entry point of the server.
pub struct DevServer;

/// A running server. Dropping it stops the server too.
pub struct DevServerHandle {
    addr: SocketAddr,
    state: Arc<ServerState>,
    stopping: Arc<AtomicBool>,
    registry: Arc<Registry>,
    acceptor: Option<JoinHandle<()>>,
}

impl DevServer {
    /// Binds `config.listen` and serves on a background thread with a fresh engine.
    pub fn start(config: Config) -> io::Result<DevServerHandle> {
        Self::start_with_engine(config, Arc::new(Engine::new()))
    }

    /// Like [`DevServer::start`] over an existing engine (e.g. one pre-loaded by a benchmark).
    pub fn start_with_engine(config: Config, engine: Arc<Engine>) -> io::Result<DevServerHandle> {
        let listener = TcpListener::bind(config.listen)?;
        let addr = listener.local_addr()?;
        let state = Arc::new(ServerState {
            engine,
            config: Config {
                block_rows: config.block_rows.max(1),
                ..config
            },
        });
        let stopping = Arc::new(AtomicBool::new(false));
        let registry = Arc::new(Registry::default());
        let acceptor = {
            let (state, stopping, registry) = (state.clone(), stopping.clone(), registry.clone());
            std::thread::Builder::new()
                .name("devserver-accept".into())
                .spawn(move || accept_loop(listener, state, stopping, registry))?
        };
        Ok(DevServerHandle {
            addr,
            state,
            stopping,
            registry,
            acceptor: Some(acceptor),
        })
    }
}

impl DevServerHandle {
    /// The bound address (with the real port when 0 was requested).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The engine behind the server.
    pub fn engine(&self) -> Arc<Engine> {
        self.state.engine.clone()
    }

    /// Stops accepting, closes every connection and waits for all server threads.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let Some(acceptor) = self.acceptor.take() else {
            return;
        };
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking accept() with a throwaway connection.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            });
        }
        let _ = TcpStream::connect(wake);
        let _ = acceptor.join();
        for s in self.registry.streams.lock().values() {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        let threads = std::mem::take(&mut *self.registry.threads.lock());
        for t in threads {
            let _ = t.join();
        }
    }
}

impl Drop for DevServerHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn accept_loop(
    listener: TcpListener,
    state: Arc<ServerState>,
    stopping: Arc<AtomicBool>,
    registry: Arc<Registry>,
) {
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let id = registry.next.fetch_add(1, Ordering::Relaxed);
        if let Ok(clone) = stream.try_clone() {
            registry.streams.lock().insert(id, clone);
        }
        let (st, reg) = (state.clone(), registry.clone());
        let spawned = std::thread::Builder::new()
            .name("devserver-conn".into())
            .spawn(move || {
                handle_connection(stream, st);
                reg.streams.lock().remove(&id);
            });
        let mut threads = registry.threads.lock();
        threads.retain(|t| !t.is_finished());
        match spawned {
            Ok(t) => threads.push(t),
            Err(_) => {
                registry.streams.lock().remove(&id);
            }
        }
    }
}

/// Reads a request, answering `Expect: 100-continue` before reading the body.
fn read_request(
    reader: &mut BufReader<TcpStream>,
    out: &mut TcpStream,
) -> Result<http::Request, ReadError> {
    let mut req = http::read_head(reader)?;
    if http::expects_continue(&req) {
        out.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    req.body = http::read_body(reader, &req)?;
    Ok(req)
}

/// Serves one TCP connection: HTTP requests until close, or one WebSocket session.
fn handle_connection(stream: TcpStream, state: Arc<ServerState>) {
    let _ = stream.set_nodelay(true);
    // taosAdapter's per-frame write deadline: a stalled reader cannot pin a writer forever.
    let _ = stream.set_write_timeout(Some(Duration::from_secs(60)));
    let peer_ip = stream
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::with_capacity(64 * 1024, read_half);
    let mut out = stream;
    loop {
        let req = match read_request(&mut reader, &mut out) {
            Ok(r) => r,
            Err(ReadError::Bad(m)) => {
                let _ = http::write_response(&mut out, &Response::text(400, m), true);
                return;
            }
            Err(ReadError::Closed) | Err(ReadError::Io(_)) => return,
        };
        let keep_alive = req.keep_alive();
        if req.method == "GET" && req.path == "/rest/tmq" {
            match ws::upgrade_response(&req) {
                Ok((resp, deflate)) => {
                    if http::write_response(&mut out, &resp, false).is_err() {
                        return;
                    }
                    let writer = Arc::new(WsWriter::new(out, deflate));
                    let ip = req.header("x-real-ip").map_or(peer_ip, str::to_string);
                    ws::tmq::serve(reader, writer, deflate, state, ip);
                    return;
                }
                Err(resp) => {
                    if http::write_response(&mut out, &resp, !keep_alive).is_err() || !keep_alive {
                        return;
                    }
                    continue;
                }
            }
        }
        let legacy = match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/ws") => Some(false),
            ("GET", "/rest/ws") => Some(true),
            _ => None,
        };
        if let Some(legacy) = legacy {
            match ws::upgrade_response(&req) {
                Ok((resp, deflate)) => {
                    if http::write_response(&mut out, &resp, false).is_err() {
                        return;
                    }
                    let writer = Arc::new(WsWriter::new(out, deflate));
                    // The adapter records X-Real-Ip (set by a proxy) in preference to the peer.
                    let ip = req.header("x-real-ip").map_or(peer_ip, str::to_string);
                    ws::serve(reader, writer, deflate, state, legacy, ip);
                    return;
                }
                Err(resp) => {
                    if http::write_response(&mut out, &resp, !keep_alive).is_err() || !keep_alive {
                        return;
                    }
                    continue;
                }
            }
        }
        // A panicking handler must not take the connection thread down silently.
        let resp = catch_unwind(AssertUnwindSafe(|| crate::rest::route(&state, &req)))
            .unwrap_or_else(|_| {
                Response::json(500, br#"{"code":65535,"desc":"internal error"}"#.to_vec())
            });
        if http::write_response(&mut out, &resp, !keep_alive).is_err() || !keep_alive {
            return;
        }
    }
}
