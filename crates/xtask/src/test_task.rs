//! `test`: everything a change must pass, in order of cost.
//!
//! 1. native unit and integration tests (`cargo test --workspace`; the yew app's pure
//!    logic — reducer, link checks — runs natively too, its browser calls never execute);
//! 2. the core builds for wasm32;
//! 3. `dist`, the full browser build (the single file is tested too), and a
//!    300-document generated archive (`target/e2e-archive`) for the site tests;
//! 4. the browser tests: `dist/` served on 127.0.0.1 from a thread of this process,
//!    `node --test tests/e2e/` driving headless Chromium through playwright-core.
//!
//! Chromium cannot be installed from here without root, so its absence fails up front
//! with the exact install command, before any long build.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::dist::WASM_TARGET;
use crate::process::{cargo, exec, probe, step};
use crate::serve::Server;

pub const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";
const NODE_MAJOR_MIN: u32 = 20;

pub fn run(root: &Path) -> Result<()> {
    let start = Instant::now();
    step("test: prerequisites");
    let chromium = chromium()?;
    check_node()?;
    crate::dist::ensure_wasm_target()?;

    step("test: native tests");
    exec(cargo().args(["test", "--workspace"]))?;

    step("test: core builds for wasm32");
    exec(cargo().args(["build", "-p", "quxian-core", "--target", WASM_TARGET]))?;

    crate::dist::run(root)?;

    step("test: a small generated archive for the site tests");
    let archive = root.join("target/e2e-archive");
    if archive.exists() {
        std::fs::remove_dir_all(&archive)?;
    }
    crate::gen_corpus::task(
        root,
        crate::Args::new(
            ["--docs", "300", "-o", "target/e2e-archive"]
                .map(String::from)
                .to_vec(),
        ),
    )?;

    step("test: browser tests");
    ensure_node_modules(root)?;
    let server = Server::bind(0, &root.join("dist"))?;
    let url = server.spawn();
    eprintln!("serving dist/ at {url}");
    let screenshots = root.join("target/screenshots");
    std::fs::create_dir_all(&screenshots)?;
    exec(
        Command::new("node")
            .args(["--test", "tests/e2e/"])
            .env("QUXIAN_URL", &url)
            .env("QUXIAN_SCREENSHOTS", &screenshots)
            .env("QUXIAN_CHROMIUM", &chromium)
            .env("QUXIAN_ARCHIVE", &archive)
            .env("QUXIAN_CLI", root.join("target/release/quxian"))
            .env("QUXIAN_DIST", root.join("dist")),
    )?;
    eprintln!("screenshots in {}", screenshots.display());
    eprintln!(
        "\ntest: all passed in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `$QUXIAN_CHROMIUM` or `/usr/bin/chromium`, which must run.
fn chromium() -> Result<PathBuf> {
    let (path, from_env) = match std::env::var_os("QUXIAN_CHROMIUM") {
        Some(p) => (PathBuf::from(p), true),
        None => (PathBuf::from(DEFAULT_CHROMIUM), false),
    };
    if !path.is_file() {
        if from_env {
            bail!("QUXIAN_CHROMIUM={} does not exist", path.display());
        }
        bail!(
            "Chromium not found at {DEFAULT_CHROMIUM}; install it (as root) with:\n    \
             apt-get install -y chromium chromium-driver\n\
             or point QUXIAN_CHROMIUM at a Chromium binary"
        );
    }
    let version = probe(Command::new(&path).arg("--version"))
        .with_context(|| format!("{} --version failed", path.display()))?;
    eprintln!("ok: {}", version.trim());
    Ok(path)
}

fn check_node() -> Result<()> {
    let hint = "install Node.js 20 or newer (Debian: apt-get install -y nodejs npm)";
    let version = probe(Command::new("node").arg("--version"))
        .with_context(|| format!("`node` not found; {hint}"))?;
    let major = version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok())
        .unwrap_or(0);
    if major < NODE_MAJOR_MIN {
        bail!(
            "node {} is too old (the tests use `node --test`); {hint}",
            version.trim()
        );
    }
    probe(Command::new("npm").arg("--version"))
        .with_context(|| format!("`npm` not found; {hint}"))?;
    eprintln!("ok: node {}", version.trim());
    Ok(())
}

/// Installs `tests/node_modules` from the lock file when it is missing or stale.
fn ensure_node_modules(root: &Path) -> Result<()> {
    let tests = root.join("tests");
    let marker = tests.join("node_modules/.package-lock.json");
    let lock = tests.join("package-lock.json");
    let stale = match (marker.metadata(), lock.metadata()) {
        (Ok(m), Ok(l)) => match (m.modified(), l.modified()) {
            (Ok(m), Ok(l)) => l > m,
            _ => false,
        },
        (Err(_), _) => true,
        (Ok(_), Err(_)) => false,
    };
    if !stale {
        eprintln!("ok: tests/node_modules is installed");
        return Ok(());
    }
    let subcommand = if lock.is_file() { "ci" } else { "install" };
    exec(
        Command::new("npm")
            .args([subcommand, "--no-audit", "--no-fund"])
            .current_dir(&tests),
    )
}
