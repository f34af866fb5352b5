//! `dist`: the complete static site in `dist/`.
//!
//! The site is assembled in `target/dist.<pid>/` and moved to `dist/` only when every
//! step has succeeded, so a failed build leaves the previous `dist/` intact and a running
//! `serve` never sees a half-built site.
//!
//! Layout produced: `index.html` and everything under `web/static/` at the top,
//! `pkg/quxian_web.js` + `pkg/quxian_web_bg.wasm` (wasm-bindgen `--target web` output),
//! and `corpus.qx`, the default bundle built by the real CLI from `corpus/`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::process::{cargo, exec, probe, step};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The Cargo profile for the browser build, defined in the root `Cargo.toml`.
const WASM_PROFILE: &str = "wasm";
const WEB_PACKAGE: &str = "quxian-web";
/// Files the site cannot work without; `dist` fails rather than ship without them.
const EXPECTED: &[&str] = &[
    "index.html",
    "pkg/quxian_web.js",
    "pkg/quxian_web_bg.wasm",
    "corpus.qx",
];

pub fn run(root: &Path) -> Result<()> {
    let start = Instant::now();
    step("dist: prerequisites");
    ensure_wasm_target()?;
    let wasm_bindgen = ensure_wasm_bindgen(root)?;
    if !root.join("index.html").is_file() {
        bail!("index.html is missing at the workspace root");
    }
    if !root.join("corpus").is_dir() {
        bail!("corpus/ is missing at the workspace root (the default bundle is built from it)");
    }

    let final_dist = root.join("dist");
    let staging_rel = format!("target/dist.{}", std::process::id());
    let dist = root.join(&staging_rel);
    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("removing {}", dist.display()))?;
    }
    fs::create_dir_all(dist.join("pkg"))?;
    let result = build_into(root, &dist, &staging_rel, &wasm_bindgen);
    if result.is_err() {
        let _ = fs::remove_dir_all(&dist);
        return result;
    }
    if final_dist.exists() {
        fs::remove_dir_all(&final_dist)
            .with_context(|| format!("removing the old {}", final_dist.display()))?;
    }
    fs::rename(&dist, &final_dist)
        .with_context(|| format!("moving {} to {}", dist.display(), final_dist.display()))?;
    eprintln!("moved {staging_rel}/ to dist/");

    step("dist: sizes");
    print_sizes(&final_dist)?;
    eprintln!("dist: done in {:.1} s", start.elapsed().as_secs_f64());
    Ok(())
}

/// Steps 2-5 of `run`, writing into the staging directory `dist` (`rel` from the root).
fn build_into(root: &Path, dist: &Path, rel: &str, wasm_bindgen: &Path) -> Result<()> {
    step("dist: build the web crate for wasm32");
    exec(cargo().args([
        "build",
        "-p",
        WEB_PACKAGE,
        "--target",
        WASM_TARGET,
        "--profile",
        WASM_PROFILE,
    ]))?;
    let wasm = wasm_artifact(root)?;

    step("dist: wasm-bindgen");
    exec(
        std::process::Command::new(wasm_bindgen)
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--out-dir",
                &format!("{rel}/pkg"),
                "--out-name",
                "quxian_web",
            ])
            .arg(wasm.strip_prefix(root).unwrap_or(&wasm)),
    )?;

    step("dist: host page and static files");
    copy_file(&root.join("index.html"), &dist.join("index.html"))?;
    let stat = root.join("web/static");
    if stat.is_dir() {
        copy_tree(&stat, dist)?;
    }

    step("dist: default corpus bundle");
    exec(cargo().args([
        "run",
        "--release",
        "-p",
        "quxian-cli",
        "--",
        "build",
        "corpus",
        "-o",
        format!("{rel}/corpus.qx").as_str(),
    ]))?;
    if !dist.join("corpus.qx").is_file() {
        bail!("`quxian build` exited successfully but wrote no {rel}/corpus.qx");
    }
    for file in EXPECTED {
        if !dist.join(file).is_file() {
            bail!("{rel}/{file} is missing after the build");
        }
    }
    Ok(())
}

/// Installs the wasm32 target through rustup when the sysroot lacks it.
pub fn ensure_wasm_target() -> Result<()> {
    let sysroot = probe(std::process::Command::new("rustc").args(["--print", "sysroot"]))
        .map(|s| PathBuf::from(s.trim()));
    let installed = sysroot
        .map(|s| s.join("lib/rustlib").join(WASM_TARGET).is_dir())
        .unwrap_or(false);
    if installed {
        eprintln!("ok: rust target {WASM_TARGET} is installed");
        return Ok(());
    }
    exec(std::process::Command::new("rustup").args(["target", "add", WASM_TARGET]))
        .context("the wasm32 target is needed to build the browser app")
}

/// The `wasm-bindgen` version the web crate links, read from `Cargo.lock`
/// (the root `Cargo.toml` pins it exactly, so the lock file agrees with it).
pub fn locked_wasm_bindgen_version(root: &Path) -> Result<String> {
    let lock = fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
            {
                return Ok(version.to_string());
            }
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package; is the web crate in the workspace?")
}

/// `target/tools/bin/wasm-bindgen` at exactly the locked version, installed when
/// missing or different: the CLI refuses wasm built against another version.
pub fn ensure_wasm_bindgen(root: &Path) -> Result<PathBuf> {
    let version = locked_wasm_bindgen_version(root)?;
    let tools = root.join("target/tools");
    let bin = tools.join("bin/wasm-bindgen");
    let found = probe(std::process::Command::new(&bin).arg("--version"));
    // Prints e.g. "wasm-bindgen 0.2.130".
    let found_version = found
        .as_deref()
        .and_then(|s| s.split_whitespace().nth(1))
        .map(str::to_string);
    if found_version.as_deref() == Some(version.as_str()) {
        eprintln!("ok: target/tools/bin/wasm-bindgen {version}");
        return Ok(bin);
    }
    match &found_version {
        Some(other) => eprintln!("wasm-bindgen {other} found, {version} needed: reinstalling"),
        None => eprintln!(
            "wasm-bindgen {version} not found in target/tools: installing (takes a few minutes)"
        ),
    }
    let start = Instant::now();
    exec(
        cargo()
            .args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                &version,
                "--root",
            ])
            .arg("target/tools")
            .arg("--force"),
    )?;
    eprintln!(
        "installed wasm-bindgen-cli {version} in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    let after = probe(std::process::Command::new(&bin).arg("--version")).unwrap_or_default();
    if after.split_whitespace().nth(1) != Some(version.as_str()) {
        bail!(
            "after installing, {} reports `{}` instead of wasm-bindgen {version}",
            bin.display(),
            after.trim()
        );
    }
    Ok(bin)
}

/// Cargo names the binary after the package (`quxian-web.wasm`); accept the
/// underscore form too in case the web crate becomes a `cdylib`.
fn wasm_artifact(root: &Path) -> Result<PathBuf> {
    let dir = root.join("target").join(WASM_TARGET).join(WASM_PROFILE);
    for name in ["quxian-web.wasm", "quxian_web.wasm"] {
        let path = dir.join(name);
        if path.is_file() {
            return Ok(path);
        }
    }
    bail!(
        "no quxian-web.wasm or quxian_web.wasm in {} after the build",
        dir.display()
    )
}

fn copy_file(from: &Path, to: &Path) -> Result<()> {
    eprintln!("copy {} -> {}", rel(from), rel(to));
    fs::copy(from, to)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    let mut entries: Vec<_> = fs::read_dir(from)
        .with_context(|| format!("reading {}", from.display()))?
        .collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            copy_file(&path, &target)?;
        }
    }
    Ok(())
}

fn rel(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Lists every file with its raw and gzip (level 9) size, what a static host would send.
fn print_sizes(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect_files(dist, &mut files)?;
    files.sort();
    let (mut raw_total, mut gz_total) = (0u64, 0u64);
    eprintln!("{:<36} {:>12} {:>12}", "file", "bytes", "gzip -9");
    for file in &files {
        let bytes = fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        let gz = gzip_len(&bytes);
        raw_total += bytes.len() as u64;
        gz_total += gz;
        let name = file
            .strip_prefix(dist)
            .unwrap_or(file)
            .display()
            .to_string();
        eprintln!(
            "{:<36} {:>12} {:>12}",
            name,
            human(bytes.len() as u64),
            human(gz)
        );
    }
    eprintln!(
        "{:<36} {:>12} {:>12}",
        "total",
        human(raw_total),
        human(gz_total)
    );
    Ok(())
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            collect_files(&entry.path(), out)?;
        } else {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// Size of the gzip member: 10-byte header + raw deflate stream + 8-byte trailer.
fn gzip_len(bytes: &[u8]) -> u64 {
    miniz_oxide::deflate::compress_to_vec(bytes, 9).len() as u64 + 18
}

fn human(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.2} MiB", n as f64 / f64::from(1 << 20))
    } else if n >= 1 << 10 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_pinned_wasm_bindgen_version_from_the_lock_file() {
        let root = crate::workspace_root();
        let version = locked_wasm_bindgen_version(&root).expect("Cargo.lock lists wasm-bindgen");
        let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains(&format!("wasm-bindgen = \"={version}\"")),
            "root Cargo.toml should pin wasm-bindgen to ={version}, as Cargo.lock has"
        );
    }

    #[test]
    fn gzip_len_is_smaller_for_repetitive_text() {
        let text = "区县 quxian ".repeat(1000);
        assert!(gzip_len(text.as_bytes()) < text.len() as u64 / 10);
    }
}
