//! Build script: SONAME of the cdylib, and the committed C headers `include/taos.h` (cbindgen,
//! from `src/capi/` only) and `include/taoserror.h` (from taos-wire's error-code table).
//!
//! Header generation never fails the build: a cbindgen parse error while a file is half edited
//! only prints a `cargo:warning`. CI checks separately that the committed headers are current
//! (`git diff --exit-code include/`). A header is rewritten only when its content changes.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src/capi");
    println!("cargo:rerun-if-changed=wire/src/error/codes.rs");

    // Programs linked against us record NEEDED libtaos.so.1, like those linked against the real
    // client; the install script provides libtaos.so.1 and libtaos.so (abi.md §4.1).
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libtaos.so.1");
        // Calls between our own exports stay inside the library even when TDengine's
        // dispatcher, which exports the same names, has loaded us as libtaosws.so.
        println!("cargo:rustc-cdylib-link-arg=-Wl,-Bsymbolic-functions");
    }

    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let include = root.join("include");
    if let Err(e) = fs::create_dir_all(&include) {
        println!("cargo:warning=cannot create {}: {e}", include.display());
        return;
    }
    generate_taos_h(&root, &include.join("taos.h"));
    match error_codes(&root) {
        Ok(codes) => write_if_changed(&include.join("taoserror.h"), &taoserror_h(&codes)),
        Err(e) => println!("cargo:warning=taoserror.h not regenerated: {e}"),
    }
}

/// Runs cbindgen over the files of `src/capi/` (not `mod.rs`, which only declares modules).
fn generate_taos_h(root: &Path, out: &Path) {
    let config = match cbindgen::Config::from_file(root.join("cbindgen.toml")) {
        Ok(c) => c,
        Err(e) => {
            println!("cargo:warning=cbindgen.toml: {e}");
            return;
        }
    };
    let mut files: Vec<PathBuf> = match fs::read_dir(root.join("src/capi")) {
        Ok(dir) => dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .filter(|p| p.file_name().is_some_and(|n| n != "mod.rs"))
            .collect(),
        Err(e) => {
            println!("cargo:warning=src/capi: {e}");
            return;
        }
    };
    files.sort();
    let mut builder = cbindgen::Builder::new().with_config(config);
    for f in &files {
        builder = builder.with_src(f);
    }
    match builder.generate() {
        Ok(bindings) => {
            let mut buf = Vec::new();
            bindings.write(&mut buf);
            match String::from_utf8(buf) {
                Ok(text) => write_if_changed(out, &parenthesize_negative_defines(&text)),
                Err(e) => println!("cargo:warning=taos.h is not UTF-8: {e}"),
            }
        }
        Err(e) => {
            // One line: cargo only shows the first line of a warning.
            let msg = e.to_string().replace('\n', " ");
            println!("cargo:warning=taos.h not regenerated (cbindgen: {msg})");
        }
    }
}

/// `#define X -1` becomes `#define X (-1)`, so `a-X` cannot turn into `a--1`.
fn parenthesize_negative_defines(header: &str) -> String {
    let mut out = String::with_capacity(header.len() + 64);
    for line in header.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let mut parts = body.splitn(3, ' ');
        if let (Some("#define"), Some(name), Some(value)) =
            (parts.next(), parts.next(), parts.next())
        {
            if value.len() > 1
                && value.starts_with('-')
                && value[1..].chars().all(|c| c.is_ascii_digit())
            {
                out.push_str(&format!("#define {name} ({value})"));
                out.push_str(&line[body.len()..]);
                continue;
            }
        }
        out.push_str(line);
    }
    out
}

fn write_if_changed(path: &Path, text: &str) {
    if fs::read_to_string(path).ok().as_deref() == Some(text) {
        return;
    }
    if let Err(e) = fs::write(path, text) {
        println!("cargo:warning=cannot write {}: {e}", path.display());
    }
}

/// The `(name, value)` pairs of `wire/src/error/codes.rs` (crate taos-wire, the one table of
/// TDengine error codes this project uses), read as text because a build script cannot
/// depend on a crate of its own workspace. Lines look like
/// `pub const TSDB_CODE_X: i32 = 0x80000100_u32 as i32;`.
fn error_codes(root: &Path) -> Result<Vec<(String, i32)>, String> {
    let path = root.join("wire/src/error/codes.rs");
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("pub const TSDB_CODE_") else {
            continue;
        };
        let (Some((name, _)), Some((_, value))) = (rest.split_once(':'), rest.split_once('='))
        else {
            continue;
        };
        let value = value.trim().trim_end_matches(';').trim();
        let value = value
            .trim_end_matches("as i32")
            .trim()
            .trim_end_matches("_u32");
        let parsed = match value.strip_prefix("0x") {
            Some(hex) => u32::from_str_radix(&hex.replace('_', ""), 16)
                .map(|v| v as i32)
                .ok(),
            None => value.parse::<i32>().ok(),
        };
        match parsed {
            Some(v) => out.push((name.trim().to_string(), v)),
            None => {
                return Err(format!(
                    "cannot read the value of TSDB_CODE_{name}: {value}"
                ))
            }
        }
    }
    if out.is_empty() {
        return Err(format!("no TSDB_CODE_* constants in {}", path.display()));
    }
    Ok(out)
}

/// Text of `include/taoserror.h`.
fn taoserror_h(codes: &[(String, i32)]) -> String {
    let mut s = String::from(
        "/*
 * taoserror.h: error codes of libtaos-rs, with TDengine's numbers.
 *
 * Generated by build.rs; do not edit. Every code is a negative int32 0x8000xxxx returned by
 * the functions of taos.h or read with taos_errno().
 */

#ifndef TDENGINE_TAOS_ERROR_H
#define TDENGINE_TAOS_ERROR_H

#include <stdint.h>

#ifdef __cplusplus
extern \"C\" {
#endif

/** Builds a library error code from module and code (module is always 0 here). */
#define TAOS_DEF_ERROR_CODE(mod, code) ((int32_t)((0x80000000 | ((mod) << 16) | (code))))
/** Error code carrying an operating-system errno value. */
#define TAOS_SYSTEM_ERROR(code) ((int32_t)(0x80ff0000 | (code)))
/** True when a code means success. */
#define TAOS_SUCCEEDED(err) ((err) >= 0)
/** True when a code means failure. */
#define TAOS_FAILED(err) ((err) < 0)

/** TDengine's standard text for an error code (\"success\" for 0); never NULL, not to be freed. */
const char *tstrerror(int32_t err);

",
    );
    for (name, value) in codes {
        let bits = *value as u32;
        if *value >= 0 || bits & 0x7fff_0000 != 0 {
            // SUCCESS, FAILED (-1) and anything outside module 0 are written as plain numbers.
            let _ = writeln!(s, "#define TSDB_CODE_{name} ({value})");
        } else {
            let low = bits & 0xffff;
            let _ = writeln!(
                s,
                "#define TSDB_CODE_{name} TAOS_DEF_ERROR_CODE(0, 0x{low:04X}) /* {value} */"
            );
        }
    }
    s.push_str(
        "
#ifdef __cplusplus
}
#endif

#endif /* TDENGINE_TAOS_ERROR_H */
",
    );
    s
}
