//! Process-wide configuration (config dir, taos.cfg, `TAOS_*` env) and DSN parsing.
//!
//! Mirrors what libtaosws reads: env `TAOS_CONFIG_DIR` (else `/etc/taos`), file
//! `<dir>/taos.cfg` (or the path itself if it names a file) with keys `firstEp`,
//! `secondEp`, `fqdn`, `serverPort`, `timezone`, `adapterList`, `compression`, `logDir`,
//! `debugFlag`; env `TAOS_FIRST_EP`, `TAOS_SECOND_EP`, `TAOS_FQDN`, `TAOS_SERVER_PORT`,
//! `TAOS_TIMEZONE`, `TAOS_ADAPTER_LIST`, `TAOS_COMPRESSION`, `TAOS_LOG_DIR`,
//! `TAOS_DEBUG_FLAG`, `TAOS_LOG_OUTPUT_TO_SCREEN`. Env values win over the file; values
//! set through `taos_options` win over both. The file and env are read once, at first use
//! (as native `taos_init` does); see [`config`].
use super::{err, Result};
use parking_lot::RwLock;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;
use taos_wire::error::codes;

/// The taosAdapter port every endpoint defaults to.
pub const DEFAULT_ADAPTER_PORT: u16 = 6041;
/// taosd's native port; mapped to the adapter port (C programs pass it habitually).
pub const NATIVE_PORT: u16 = 6030;
/// Default user.
pub const DEFAULT_USER: &str = "root";
/// Default password.
pub const DEFAULT_PASSWORD: &str = "taosdata";
/// Default handshake timeout (libtaosws `conn_timeout`).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default per-request timeout (libtaosws `read_timeout`).
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(300);

/// Settings from taos.cfg and the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Directory (or file) the config was read from.
    pub config_dir: Option<String>,
    /// `firstEp` (host:port of the first taosd).
    pub first_ep: Option<String>,
    /// `secondEp`.
    pub second_ep: Option<String>,
    /// `fqdn`.
    pub fqdn: Option<String>,
    /// `serverPort`.
    pub server_port: Option<u16>,
    /// `timezone`.
    pub timezone: Option<String>,
    /// `adapterList`: comma-separated `host:port` of taosAdapters (failover order).
    pub adapter_list: Option<String>,
    /// `compression` (accepted, not used: permessage-deflate is not offered).
    pub compression: Option<bool>,
    /// `logDir`.
    pub log_dir: Option<String>,
    /// `debugFlag` as given (131 warn, 135 debug, 143 trace; 199/207 also to screen).
    pub debug_flag: Option<String>,
    /// `TAOS_LOG_OUTPUT_TO_SCREEN`.
    pub log_to_screen: Option<bool>,
    /// `wsTlsMode`: 0 plain, 1 TLS without certificate check, 2 verify CA, 3 verify
    /// identity. Non-zero makes connects without an explicit `wss://` use TLS.
    pub ws_tls_mode: Option<u8>,
    /// `wsTlsCa`: extra trusted CA certificates (PEM text or a PEM file path).
    pub ws_tls_ca: Option<String>,
}

impl Config {
    /// Fills every unset field from `other`.
    fn fill_from(&mut self, other: Config) {
        macro_rules! fill {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = other.$f; } )* };
        }
        fill!(
            config_dir,
            first_ep,
            second_ep,
            fqdn,
            server_port,
            timezone,
            adapter_list,
            compression,
            log_dir,
            debug_flag,
            log_to_screen,
            ws_tls_mode,
            ws_tls_ca
        );
    }

    /// The adapter endpoints from `adapterList`, in order.
    pub fn adapters(&self) -> Vec<(String, u16)> {
        self.adapter_list
            .as_deref()
            .map(|l| {
                l.split(',')
                    .filter_map(|a| parse_host_port(a.trim(), DEFAULT_ADAPTER_PORT))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Parses the text of a taos.cfg file (`key value` lines, `#` comments). Unknown keys are
/// ignored; a malformed value of a known key is an `INVALID_CFG_VALUE` error.
pub fn parse_cfg(text: &str) -> Result<Config> {
    let mut c = Config::default();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = match line.split_once(char::is_whitespace) {
            Some((k, v)) => (k, v.trim()),
            None => continue,
        };
        // A trailing comment after the value is common in hand-edited files.
        let value = value.split(" #").next().unwrap_or("").trim().to_string();
        let bad = |what: &str| {
            err(
                codes::TSDB_CODE_INVALID_CFG_VALUE,
                format!("taos.cfg: invalid value for {what}: {value}"),
            )
        };
        match key {
            "firstEp" => c.first_ep = Some(value),
            "secondEp" => c.second_ep = Some(value),
            "fqdn" => c.fqdn = Some(value),
            "serverPort" => c.server_port = Some(value.parse().map_err(|_| bad("serverPort"))?),
            // Native files may say `Asia/Shanghai (CST, +0800)`: keep the zone name only.
            "timezone" => c.timezone = value.split_whitespace().next().map(str::to_string),
            "adapterList" => c.adapter_list = Some(value),
            "compression" => {
                c.compression = Some(match value.as_str() {
                    "1" | "true" => true,
                    "0" | "false" => false,
                    _ => return Err(bad("compression")),
                })
            }
            "logDir" => c.log_dir = Some(value),
            "debugFlag" => c.debug_flag = Some(value),
            "wsTlsMode" => {
                c.ws_tls_mode = Some(
                    value
                        .parse::<u8>()
                        .ok()
                        .filter(|m| *m <= 3)
                        .ok_or_else(|| bad("wsTlsMode"))?,
                )
            }
            "wsTlsCa" => c.ws_tls_ca = Some(value),
            _ => {}
        }
    }
    Ok(c)
}

fn from_env() -> Config {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    Config {
        config_dir: None,
        first_ep: var("TAOS_FIRST_EP"),
        second_ep: var("TAOS_SECOND_EP"),
        fqdn: var("TAOS_FQDN"),
        server_port: var("TAOS_SERVER_PORT").and_then(|v| v.parse().ok()),
        timezone: var("TAOS_TIMEZONE"),
        adapter_list: var("TAOS_ADAPTER_LIST"),
        compression: var("TAOS_COMPRESSION").and_then(|v| v.parse().ok()),
        log_dir: var("TAOS_LOG_DIR"),
        debug_flag: var("TAOS_DEBUG_FLAG"),
        log_to_screen: var("TAOS_LOG_OUTPUT_TO_SCREEN").map(|v| v == "1"),
        ws_tls_mode: None,
        ws_tls_ca: None,
    }
}

/// Reads `<dir>/taos.cfg` (or `dir` itself when it is a file). A missing file is not an
/// error (returns defaults); an unreadable or malformed one is.
pub fn load_cfg_file(dir: &str) -> Result<Config> {
    let p = Path::new(dir);
    let file: PathBuf = if p.is_file() {
        p.to_path_buf()
    } else {
        p.join("taos.cfg")
    };
    if !file.exists() {
        return Ok(Config::default());
    }
    let text = std::fs::read_to_string(&file).map_err(|e| {
        err(
            codes::TSDB_CODE_INVALID_CFG,
            format!("cannot read {}: {e}", file.display()),
        )
    })?;
    parse_cfg(&text)
}

#[derive(Default)]
struct Overrides {
    config_dir: Option<String>,
    timezone: Option<String>,
}

static OVERRIDES: RwLock<Overrides> = RwLock::new(Overrides {
    config_dir: None,
    timezone: None,
});
/// The configuration as read at first use (`taos_init`, the first connect, the first log
/// line). Like native libtaos, which reads taos.cfg once in `taos_init`, it is never
/// re-read: a later `TSDB_OPTION_CONFIGDIR` or `TAOS_CONFIG_DIR` does not move it.
static LOADED: OnceLock<Config> = OnceLock::new();

/// `taos_options(TSDB_OPTION_CONFIGDIR)`: use this directory (or file) for taos.cfg.
/// Like native libtaos it only stores the path, read once when the configuration is first
/// used; a missing directory or file means "no taos.cfg" (logged then), never an error.
/// After that first use the call changes nothing (a debug log line says so) and still
/// succeeds, as natively.
pub fn set_config_dir(dir: &str) -> Result<()> {
    if let Some(c) = LOADED.get() {
        log(
            2,
            format_args!(
                "taos_options(CONFIGDIR, {dir}) ignored: the configuration was already read \
                 from {}",
                c.config_dir.as_deref().unwrap_or("?")
            ),
        );
        return Ok(());
    }
    OVERRIDES.write().config_dir = Some(dir.to_string());
    Ok(())
}

/// `taos_options(TSDB_OPTION_TIMEZONE)`: the timezone sent with every later `conn`.
pub fn set_timezone(tz: &str) {
    OVERRIDES.write().timezone = Some(tz.to_string()).filter(|t| !t.is_empty());
}

/// Reads env and taos.cfg from `dir` (the one-time load behind [`config`]).
fn load_config(dir: String) -> Config {
    let mut c = from_env();
    match load_cfg_file(&dir) {
        Ok(file) => c.fill_from(file),
        Err(e) => {
            // Logging itself depends on the config: report on stderr only if asked to log.
            if c.debug_flag.is_some() {
                eprintln!("libtaos: ignoring config: {e}");
            }
        }
    }
    c.config_dir = Some(dir);
    c
}

/// The effective configuration: overrides, then env, then taos.cfg. The config dir (from
/// `taos_options`, else `TAOS_CONFIG_DIR`, else `/etc/taos`) and the file are read once, at
/// the first call; the timezone override applies to every later call. A broken taos.cfg
/// is reported through the log and otherwise ignored (connecting still works).
pub fn config() -> Config {
    let mut first = false;
    let loaded = LOADED.get_or_init(|| {
        first = true;
        let dir = OVERRIDES
            .read()
            .config_dir
            .clone()
            .or_else(|| {
                std::env::var("TAOS_CONFIG_DIR")
                    .ok()
                    .filter(|d| !d.is_empty())
            })
            .unwrap_or_else(|| "/etc/taos".to_string());
        load_config(dir)
    });
    if first {
        // Outside the initialiser: log() itself reads the configuration.
        if let Some(dir) = loaded.config_dir.as_deref() {
            if !Path::new(dir).exists() {
                log(
                    1,
                    format_args!("config dir {dir} does not exist; using defaults"),
                );
            }
        }
    }
    let mut c = loaded.clone();
    if let Some(tz) = OVERRIDES.read().timezone.clone() {
        c.timezone = Some(tz);
    }
    c
}

/// Parses `host[:port]`, `[v6]:port` or a bare host; port 0 → `default_port`.
pub fn parse_host_port(s: &str, default_port: u16) -> Option<(String, u16)> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(rest) = s.strip_prefix('[') {
        let (h, tail) = rest.split_once(']')?;
        let port = match tail.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if tail.is_empty() => 0,
            None => return None,
        };
        return Some((h.to_string(), if port == 0 { default_port } else { port }));
    }
    match s.rsplit_once(':') {
        // More than one ':' without brackets: a bare IPv6 address.
        Some((h, _)) if h.contains(':') => Some((s.to_string(), default_port)),
        Some((h, p)) => {
            let port: u16 = p.parse().ok()?;
            Some((h.to_string(), if port == 0 { default_port } else { port }))
        }
        None => Some((s.to_string(), default_port)),
    }
}

/// Everything needed to open one connection to taosAdapter.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// Adapter host name or address (empty → from config, else `localhost`).
    pub host: String,
    /// Adapter port (0 or 6030 are mapped to 6041 by [`ConnectOptions::resolved`]).
    pub port: u16,
    /// User name (empty → `root`).
    pub user: String,
    /// Password (empty → `taosdata`; never logged).
    pub password: String,
    /// Database to use after connecting.
    pub db: Option<String>,
    /// `wss://` requested (TLS via rustls; see `tls_mode`, `tls_ca`).
    pub tls: bool,
    /// Cloud token (`?token=`), sent as a query parameter of the WebSocket URL.
    pub cloud_token: Option<String>,
    /// Bearer token for the `conn` request.
    pub bearer_token: Option<String>,
    /// TOTP code for the `conn` request.
    pub totp_code: Option<String>,
    /// Session timezone sent with `conn`.
    pub timezone: Option<String>,
    /// Application name sent with `conn`.
    pub app: Option<String>,
    /// Client IP sent with `conn`.
    pub ip: Option<String>,
    /// Connector description sent with `conn`.
    pub connector: Option<String>,
    /// TCP connect + handshake timeout (zero → 10 s).
    pub connect_timeout: Duration,
    /// Per-request reply timeout (zero → 300 s).
    pub read_timeout: Duration,
    /// Further endpoints tried in order when `host:port` cannot be reached (DSN with
    /// several addresses, or `adapterList`). Added to the §3 interface.
    pub fallback: Vec<(String, u16)>,
    /// BI mode (`conn.args.mode = 0`, `TAOS_CONN_MODE_BI`); DSN `conn_mode=1`. Only settable
    /// at connect time over WebSocket. Added to the §3 interface.
    pub bi_mode: bool,
    /// Certificate checking for `wss://` (DSN `tls_mode`: `verify_identity` (default),
    /// `verify_ca`, `insecure`). Added to the §3 interface.
    pub tls_mode: crate::transport::TlsMode,
    /// Extra trusted CA certificates for `wss://` (PEM file path or PEM text; DSN `tls_ca`,
    /// taos.cfg `wsTlsCa`). Added to the §3 interface.
    pub tls_ca: Option<String>,
}

fn percent_decode(s: &str) -> Result<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(v) => {
                    out.push(v);
                    i += 3;
                    continue;
                }
                None => return Err(dsn_err(format!("bad percent-encoding in {s:?}"))),
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| dsn_err("DSN component is not valid UTF-8"))
}

fn dsn_err(msg: impl Into<String>) -> super::Error {
    err(
        codes::TSDB_CODE_INVALID_PARA,
        format!("invalid DSN: {}", msg.into()),
    )
}

/// Parses a duration given as seconds (`300`), or with a unit (`300s`, `500ms`, `5m`).
fn parse_duration(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Some(n) = v.strip_suffix("ms") {
        return n.trim().parse().ok().map(Duration::from_millis);
    }
    if let Some(n) = v.strip_suffix('s') {
        return n
            .trim()
            .parse()
            .ok()
            .and_then(|s| Duration::try_from_secs_f64(s).ok());
    }
    if let Some(n) = v.strip_suffix('m') {
        return n
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(|m| Duration::try_from_secs_f64(m * 60.0).ok());
    }
    v.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
}

impl ConnectOptions {
    /// Parses `ws://[user:pass@]host:port[,host:port...][/db][?params]`; also `wss://`,
    /// `http(s)://`, `taos+ws://`, `taosws://`, `taos://` (all WebSocket). Recognised params:
    /// `token`, `timezone`, `read_timeout`, `conn_timeout`, `user_ip`, `user_app`,
    /// `connector_info`, `totp_code`, `bearer_token` (others are accepted and ignored).
    pub fn from_dsn(dsn: &str) -> Result<Self> {
        let dsn = dsn.trim();
        let (scheme, rest) = dsn
            .split_once("://")
            .ok_or_else(|| dsn_err("missing \"://\""))?;
        let scheme = scheme.to_ascii_lowercase();
        let (driver, proto) = match scheme.split_once('+') {
            Some((d, p)) => (d, Some(p)),
            None => (scheme.as_str(), None),
        };
        let tls = match (driver, proto) {
            ("ws" | "http", None) => false,
            ("wss" | "https", None) => true,
            ("taos" | "taosws" | "tmq", None | Some("ws") | Some("http")) => false,
            ("taos" | "taosws" | "tmq", Some("wss") | Some("https")) => true,
            _ => return Err(dsn_err(format!("unsupported scheme {scheme:?}"))),
        };
        let mut o = ConnectOptions {
            tls,
            ..Default::default()
        };
        let (main, query) = match rest.split_once('?') {
            Some((m, q)) => (m, Some(q)),
            None => (rest, None),
        };
        let (auth_host, path) = match main.split_once('/') {
            Some((a, p)) => (a, p),
            None => (main, ""),
        };
        let (auth, hosts) = match auth_host.rsplit_once('@') {
            Some((a, h)) => (Some(a), h),
            None => (None, auth_host),
        };
        if let Some(a) = auth {
            let (u, p) = match a.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (a, None),
            };
            o.user = percent_decode(u)?;
            if let Some(p) = p {
                o.password = percent_decode(p)?;
            }
        }
        // `driver://user:pass@ws(host:port)/db` form.
        let hosts = match hosts.find('(') {
            Some(i) if hosts.ends_with(')') => &hosts[i + 1..hosts.len() - 1],
            _ => hosts,
        };
        let mut addrs = Vec::new();
        for a in hosts.split(',').filter(|a| !a.trim().is_empty()) {
            addrs.push(parse_host_port(a, 0).ok_or_else(|| dsn_err(format!("bad address {a:?}")))?);
        }
        let mut it = addrs.into_iter();
        if let Some((h, p)) = it.next() {
            o.host = h;
            o.port = p;
        }
        o.fallback = it.collect();
        let db = percent_decode(path.trim_matches('/'))?;
        if !db.is_empty() {
            o.db = Some(db);
        }
        for kv in query.unwrap_or("").split('&').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let v = percent_decode(v)?;
            let nonempty = Some(v.clone()).filter(|v| !v.is_empty());
            match k {
                "token" => o.cloud_token = nonempty,
                "timezone" => o.timezone = nonempty,
                "user_ip" => o.ip = nonempty,
                "user_app" => o.app = nonempty,
                "connector_info" => o.connector = nonempty,
                "totp_code" => o.totp_code = nonempty,
                "conn_mode" => o.bi_mode = v == "1",
                "tls_mode" => {
                    o.tls_mode = crate::transport::TlsMode::parse(&v)
                        .ok_or_else(|| dsn_err(format!("bad tls_mode {v:?}")))?
                }
                "tls_ca" => o.tls_ca = nonempty,
                "bearer_token" => o.bearer_token = nonempty,
                "read_timeout" | "readTimeout" => {
                    o.read_timeout = parse_duration(&v)
                        .ok_or_else(|| dsn_err(format!("bad read_timeout {v:?}")))?
                }
                "conn_timeout" => {
                    o.connect_timeout = parse_duration(&v)
                        .ok_or_else(|| dsn_err(format!("bad conn_timeout {v:?}")))?
                }
                _ => {}
            }
        }
        Ok(o)
    }

    /// Fills defaults from config: host from `adapterList` (then `firstEp`'s host, then
    /// `localhost`), port 0/6030 → 6041, user `root`, password `taosdata`, timezone from
    /// `taos_options`/env/taos.cfg, timeouts 10 s / 300 s.
    pub fn resolved(self) -> Self {
        self.resolved_with(&config())
    }

    /// [`ConnectOptions::resolved`] against an explicit configuration (testable).
    pub fn resolved_with(mut self, cfg: &Config) -> Self {
        if self.host.is_empty() {
            let mut adapters = cfg.adapters().into_iter();
            if let Some((h, p)) = adapters.next() {
                self.host = h;
                if self.port == 0 {
                    self.port = p;
                }
                self.fallback.extend(adapters);
            } else if let Some((h, _)) = cfg.first_ep.as_deref().and_then(|e| parse_host_port(e, 0))
            {
                // firstEp names taosd (usually :6030); the adapter runs on the same host.
                self.host = h;
            } else {
                self.host = "localhost".to_string();
            }
        }
        let map_port = |p: u16| {
            if p == 0 || p == NATIVE_PORT {
                DEFAULT_ADAPTER_PORT
            } else {
                p
            }
        };
        self.port = map_port(self.port);
        for fb in &mut self.fallback {
            fb.1 = map_port(fb.1);
        }
        if self.user.is_empty() {
            self.user = DEFAULT_USER.to_string();
        }
        if self.password.is_empty() {
            self.password = DEFAULT_PASSWORD.to_string();
        }
        if self.timezone.is_none() {
            self.timezone = cfg.timezone.clone();
        }
        // Like libtaosws, a non-zero wsTlsMode in taos.cfg turns plain connects into wss.
        if !self.tls {
            if let Some(m @ 1..=3) = cfg.ws_tls_mode {
                self.tls = true;
                self.tls_mode = match m {
                    1 => crate::transport::TlsMode::Insecure,
                    2 => crate::transport::TlsMode::VerifyCa,
                    _ => crate::transport::TlsMode::VerifyIdentity,
                };
            }
        }
        if self.tls && self.tls_ca.is_none() {
            self.tls_ca = cfg.ws_tls_ca.clone();
        }
        if self.connect_timeout.is_zero() {
            self.connect_timeout = DEFAULT_CONNECT_TIMEOUT;
        }
        if self.read_timeout.is_zero() {
            self.read_timeout = DEFAULT_READ_TIMEOUT;
        }
        self
    }
}

static LOG: OnceLock<Option<parking_lot::Mutex<Box<dyn std::io::Write + Send>>>> = OnceLock::new();

/// Log verbosity from `debugFlag`: 0 off, 1 warn, 2 debug, 3 trace.
fn log_level(c: &Config) -> u8 {
    match c.debug_flag.as_deref() {
        Some("131" | "warn" | "WARN") => 1,
        Some("135" | "199" | "debug" | "DEBUG" | "debug!") => 2,
        Some("143" | "207" | "trace" | "TRACE" | "trace!") => 3,
        _ => 0,
    }
}

/// Writes one log line if logging is enabled (`debugFlag`/`TAOS_DEBUG_FLAG`; to
/// `<logDir>/taoslog` or, with `TAOS_LOG_OUTPUT_TO_SCREEN=1` / flags 199, 207, stderr).
/// `level`: 1 warn, 2 debug, 3 trace. Callers must never pass secrets.
pub fn log(level: u8, msg: std::fmt::Arguments<'_>) {
    static LEVEL: OnceLock<u8> = OnceLock::new();
    let max = *LEVEL.get_or_init(|| log_level(&config()));
    if level == 0 || level > max {
        return;
    }
    let sink = LOG.get_or_init(|| {
        let c = config();
        let screen = c.log_to_screen.unwrap_or(false)
            || matches!(
                c.debug_flag.as_deref(),
                Some("199" | "207" | "debug!" | "trace!")
            );
        if screen {
            return Some(parking_lot::Mutex::new(Box::new(std::io::stderr())));
        }
        let dir = c.log_dir.unwrap_or_else(|| "/var/log/taos".to_string());
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(Path::new(&dir).join("taoslog"))
            .ok()
            .map(|f| parking_lot::Mutex::new(Box::new(f) as Box<dyn std::io::Write + Send>))
    });
    if let Some(w) = sink {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let tag = ["", "WARN", "DEBUG", "TRACE"][level.min(3) as usize];
        let _ = writeln!(
            w.lock(),
            "{}.{:06} {tag} libtaos: {msg}",
            t.as_secs(),
            t.subsec_micros()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cfg_parsing() {
        let c = parse_cfg(
            "# comment\nfirstEp  h1:6030\nsecondEp h2:6030\nfqdn   myhost\nserverPort 7030\n\
             timezone Asia/Shanghai (CST, +0800)\nadapterList a1:6041,a2:7041,a3\ncompression 1\nlogDir /tmp/x\ndebugFlag 135\nunknownKey 5\n",
        )
        .unwrap();
        assert_eq!(c.first_ep.as_deref(), Some("h1:6030"));
        assert_eq!(c.second_ep.as_deref(), Some("h2:6030"));
        assert_eq!(c.fqdn.as_deref(), Some("myhost"));
        assert_eq!(c.server_port, Some(7030));
        assert_eq!(c.timezone.as_deref(), Some("Asia/Shanghai"));
        assert_eq!(c.compression, Some(true));
        assert_eq!(c.log_dir.as_deref(), Some("/tmp/x"));
        assert_eq!(c.debug_flag.as_deref(), Some("135"));
        assert_eq!(
            c.adapters(),
            vec![
                ("a1".into(), 6041),
                ("a2".into(), 7041),
                ("a3".into(), 6041)
            ]
        );
        assert_eq!(
            parse_cfg("serverPort abc").unwrap_err().code,
            codes::TSDB_CODE_INVALID_CFG_VALUE
        );
    }

    #[test]
    fn cfg_file_and_missing_file() {
        let dir = std::env::temp_dir().join(format!("libtaos-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("taos.cfg"), "firstEp localhost:6030\n").unwrap();
        let c = load_cfg_file(dir.to_str().unwrap()).unwrap();
        assert_eq!(c.first_ep.as_deref(), Some("localhost:6030"));
        let c2 = load_cfg_file(dir.join("taos.cfg").to_str().unwrap()).unwrap();
        assert_eq!(c, c2);
        assert_eq!(
            load_cfg_file("/nonexistent/dir").unwrap(),
            Config::default()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn dsn_full() {
        let o = ConnectOptions::from_dsn("ws://u%40x:p%3Aw@h1:7041,h2/db1?token=t&timezone=UTC&read_timeout=5&conn_timeout=500ms&user_app=app&user_ip=1.2.3.4&connector_info=c&totp_code=123&bearer_token=b&compression=true&conn_mode=1").unwrap();
        assert!(o.bi_mode);
        assert_eq!((o.user.as_str(), o.password.as_str()), ("u@x", "p:w"));
        assert_eq!((o.host.as_str(), o.port), ("h1", 7041));
        assert_eq!(o.fallback, vec![("h2".to_string(), 0)]);
        assert_eq!(o.db.as_deref(), Some("db1"));
        assert_eq!(o.cloud_token.as_deref(), Some("t"));
        assert_eq!(o.timezone.as_deref(), Some("UTC"));
        assert_eq!(o.read_timeout, Duration::from_secs(5));
        assert_eq!(o.connect_timeout, Duration::from_millis(500));
        assert_eq!(o.app.as_deref(), Some("app"));
        assert_eq!(o.ip.as_deref(), Some("1.2.3.4"));
        assert_eq!(o.connector.as_deref(), Some("c"));
        assert_eq!(o.totp_code.as_deref(), Some("123"));
        assert_eq!(o.bearer_token.as_deref(), Some("b"));
        assert!(!o.tls);
    }

    #[test]
    fn dsn_schemes_and_defaults() {
        for (dsn, tls) in [
            ("ws://localhost:6041", false),
            ("http://localhost:6041", false),
            ("taos+ws://localhost:6041", false),
            ("taosws://localhost:6041", false),
            ("wss://localhost:6041", true),
            ("taos+wss://localhost:6041", true),
            ("https://localhost:6041", true),
        ] {
            assert_eq!(ConnectOptions::from_dsn(dsn).unwrap().tls, tls, "{dsn}");
        }
        let o =
            ConnectOptions::from_dsn("wss://h:443?tls_mode=verify_ca&tls_ca=/x/ca.pem").unwrap();
        assert_eq!(o.tls_mode, crate::transport::TlsMode::VerifyCa);
        assert_eq!(o.tls_ca.as_deref(), Some("/x/ca.pem"));
        assert!(ConnectOptions::from_dsn("wss://h?tls_mode=nope").is_err());
        assert!(ConnectOptions::from_dsn("mysql://x").is_err());
        assert!(ConnectOptions::from_dsn("localhost:6041").is_err());
        assert!(ConnectOptions::from_dsn("ws://h:notaport").is_err());
        // Absurd timeouts are rejected or kept, never a panic.
        assert!(ConnectOptions::from_dsn("ws://h?read_timeout=1e30").is_err());
        assert!(ConnectOptions::from_dsn("ws://h?read_timeout=-1").is_err());
        assert!(ConnectOptions::from_dsn("ws://h?read_timeout=NaN").is_err());
        let o = ConnectOptions::from_dsn("ws://h?read_timeout=99999999999").unwrap();
        assert_eq!(o.read_timeout, Duration::from_secs(99_999_999_999));
        assert!(crate::transport::link::deadline_after(o.read_timeout) > std::time::Instant::now());
        let o = ConnectOptions::from_dsn("ws://")
            .unwrap()
            .resolved_with(&Config::default());
        assert_eq!(
            (
                o.host.as_str(),
                o.port,
                o.user.as_str(),
                o.password.as_str()
            ),
            ("localhost", 6041, "root", "taosdata")
        );
        assert_eq!(o.db, None);
        assert_eq!(
            (o.connect_timeout, o.read_timeout),
            (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT)
        );
        let o = ConnectOptions::from_dsn("ws://root:pw@[::1]:6030/")
            .unwrap()
            .resolved_with(&Config::default());
        assert_eq!((o.host.as_str(), o.port), ("::1", 6041));
        let o = ConnectOptions::from_dsn("taos://root:taosdata@ws(h:1234)/d").unwrap();
        assert_eq!(
            (o.host.as_str(), o.port, o.db.as_deref()),
            ("h", 1234, Some("d"))
        );
    }

    #[test]
    fn resolve_from_config() {
        let cfg = Config {
            adapter_list: Some("a1:7000,a2".into()),
            timezone: Some("UTC".into()),
            ..Default::default()
        };
        let o = ConnectOptions::default().resolved_with(&cfg);
        assert_eq!((o.host.as_str(), o.port), ("a1", 7000));
        assert_eq!(o.fallback, vec![("a2".to_string(), 6041)]);
        assert_eq!(o.timezone.as_deref(), Some("UTC"));
        let cfg = Config {
            ws_tls_mode: Some(2),
            ws_tls_ca: Some("/ca.pem".into()),
            ..Default::default()
        };
        let o = ConnectOptions::default().resolved_with(&cfg);
        assert!(o.tls);
        assert_eq!(o.tls_mode, crate::transport::TlsMode::VerifyCa);
        assert_eq!(o.tls_ca.as_deref(), Some("/ca.pem"));
        assert_eq!(
            parse_cfg("wsTlsMode 7").unwrap_err().code,
            codes::TSDB_CODE_INVALID_CFG_VALUE
        );
        let cfg = Config {
            first_ep: Some("ep:6030".into()),
            ..Default::default()
        };
        let o = ConnectOptions {
            port: 6030,
            ..Default::default()
        }
        .resolved_with(&cfg);
        assert_eq!((o.host.as_str(), o.port), ("ep", 6041));
        let o = ConnectOptions {
            host: "x".into(),
            port: 7777,
            ..Default::default()
        }
        .resolved_with(&cfg);
        assert_eq!((o.host.as_str(), o.port), ("x", 7777));
    }

    #[test]
    fn host_port_forms() {
        assert_eq!(parse_host_port("h", 6041), Some(("h".into(), 6041)));
        assert_eq!(parse_host_port("h:0", 6041), Some(("h".into(), 6041)));
        assert_eq!(
            parse_host_port("[fe80::1]:99", 1),
            Some(("fe80::1".into(), 99))
        );
        assert_eq!(parse_host_port("fe80::1", 1), Some(("fe80::1".into(), 1)));
        assert_eq!(parse_host_port("h:x", 1), None);
        assert_eq!(parse_host_port("", 1), None);
    }
}
