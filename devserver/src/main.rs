//! `taos-devserver`: a taosAdapter-compatible server over an in-memory store.
//!
//! ```text
//! taos-devserver [--listen 127.0.0.1:6041] [--block-rows 4096] [--user root:taosdata]...
//! ```
//! The bound address is printed as the first line of stdout (port 0 = any free port).

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use taos_devserver::{Config, DevServer};

const USAGE: &str =
    "usage: taos-devserver [--listen ADDR:PORT] [--block-rows N] [--user USER:PASSWORD]...";

fn parse_args(args: &[String]) -> Result<Config, String> {
    let mut config = Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 6041)),
        ..Config::default()
    };
    let mut users = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (flag.as_str(), None),
        };
        let mut value = || -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name {
            "--listen" => {
                let v = value()?;
                config.listen = v
                    .parse()
                    .map_err(|_| format!("invalid --listen address: {v}"))?;
            }
            "--block-rows" => {
                let v = value()?;
                config.block_rows = v
                    .parse()
                    .ok()
                    .filter(|n: &usize| *n > 0)
                    .ok_or_else(|| format!("invalid --block-rows: {v}"))?;
            }
            "--user" => {
                let v = value()?;
                let (u, p) = v
                    .split_once(':')
                    .filter(|(u, _)| !u.is_empty())
                    .ok_or_else(|| format!("invalid --user (want USER:PASSWORD): {v}"))?;
                users.push((u.to_string(), p.to_string()));
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument: {other}\n{USAGE}")),
        }
    }
    if !users.is_empty() {
        config.users = users;
    }
    Ok(config)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match parse_args(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let server = match DevServer::start(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("taos-devserver: cannot listen: {e}");
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{}", server.addr());
    let _ = out.flush();
    // Serve until the process is killed.
    loop {
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn parses_flags() {
        let c = parse_args(&args(&[
            "--listen",
            "127.0.0.1:0",
            "--block-rows=3",
            "--user",
            "a:b:c",
            "--user",
            "root:taosdata",
        ]))
        .unwrap();
        assert_eq!(c.listen.port(), 0);
        assert_eq!(c.block_rows, 3);
        assert_eq!(c.users[0], ("a".to_string(), "b:c".to_string()));
        assert_eq!(c.users.len(), 2);
        let d = parse_args(&[]).unwrap();
        assert_eq!(d.listen.port(), 6041);
        assert_eq!(d.users, vec![("root".to_string(), "taosdata".to_string())]);
        assert!(parse_args(&args(&["--block-rows", "0"])).is_err());
        assert!(parse_args(&args(&["--user", "nocolon"])).is_err());
        assert!(parse_args(&args(&["--bogus"])).is_err());
        assert!(parse_args(&args(&["--listen"])).is_err());
    }
}
