//! `cargo xtask bench`: every benchmark of BENCHMARKS.md in one run, printing numbers.
//!
//! Inputs are generated or copied under `target/bench/` (never into dist/): a ≥ 20 MB scale
//! corpus for build throughput, a ~10k-passage corpus for query latency, and a real-text
//! corpus (the seeds plus `../shared/corpora`, test fixtures only) for bundle size. The
//! browser benchmarks (tests/bench/*.mjs) run when dist/ and tests/node_modules exist; the
//! last one sets quxian's site index against Pagefind on the seeds, the real corpus and the
//! scale corpus, plus an archive of 100,000 generated documents with `--archive`.

use crate::process::{cargo, exec, output, step};
use crate::Args;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Documents of the scale corpus (about 28 MB) and of the ~10k-passage latency corpus.
const SCALE_DOCS: &str = "10000";
const LATENCY_DOCS: &str = "1300";
/// Documents of the archive corpus (about 280 MB) of the site benchmark's `--archive`.
const ARCHIVE_DOCS: &str = "100000";
/// Documents of the import benchmark's one big JSONL file (about 100 MB).
const ONE_FILE_DOCS: &str = "36000";

pub fn task(root: &Path, mut args: Args) -> Result<()> {
    let import_mb = args
        .value(&["--import-mb"])?
        .unwrap_or_else(|| "20".to_string());
    let skip_browser = args.switch("--no-browser");
    let archive = args.switch("--archive");
    args.finish("bench")?;
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir)?;
    step("release build of the CLI");
    exec(cargo().args(["build", "--release", "-p", "quxian-cli"]))?;
    let quxian = root.join("target/release/quxian");

    step("build throughput on the scale corpus");
    let scale = generated(root, &dir, "scale", SCALE_DOCS)?;
    let summary = output(
        Command::new(&quxian)
            .arg("build")
            .arg(&scale)
            .arg("-o")
            .arg(dir.join("scale.qx")),
    )?;
    print!("{summary}");

    step("query latency (native) on the ~10k-passage corpus and on the scale corpus");
    let latency = generated(root, &dir, "latency", LATENCY_DOCS)?;
    exec(
        Command::new(&quxian)
            .arg("build")
            .arg(&latency)
            .arg("-o")
            .arg(dir.join("latency.qx")),
    )?;
    let native = output(
        Command::new(&quxian)
            .arg("bench")
            .arg(dir.join("latency.qx"))
            .args(["--queries", "1000", "--json", "--write-queries"])
            .arg(dir.join("queries.txt")),
    )?;
    std::fs::write(dir.join("native.json"), &native)?;
    println!("latency corpus: {native}");
    let scale_latency = output(
        Command::new(&quxian)
            .arg("bench")
            .arg(dir.join("scale.qx"))
            .args(["--queries", "1000"]),
    )?;
    print!("scale corpus:\n{scale_latency}");

    step("bundle size vs raw text on real news (seeds + ../shared/corpora)");
    let real = real_corpus(root, &dir)?;
    bundle_size(&real, &dir, &quxian)?;

    if skip_browser {
        return Ok(());
    }
    if !root.join("dist/pkg-api").is_dir() || !root.join("tests/node_modules").is_dir() {
        println!("browser benchmarks skipped: run `cargo xtask dist` and `npm ci` in tests/ first");
        return Ok(());
    }
    step("browser: first results of a link, bytes, WASM query latency");
    exec(
        Command::new("node")
            .current_dir(root.join("tests"))
            .arg("bench/browser-bench.mjs")
            .arg("--bundle")
            .arg(dir.join("latency.qx"))
            .arg("--queries")
            .arg(dir.join("queries.txt"))
            .arg("--native")
            .arg(dir.join("native.json")),
    )?;
    step("browser: in-browser import vs MiniSearch");
    let server = crate::serve::Server::bind(0, &root.join("dist"))?.spawn();
    exec(
        Command::new("node")
            .current_dir(root.join("tests"))
            .env("QUXIAN_URL", &server)
            .arg("bench/import-bench.mjs")
            .arg(&scale)
            .args(["--mb", &import_mb]),
    )?;
    let one_file = one_jsonl(root, &dir)?;
    for (what, files) in [
        ("all 10,000 scale files", &scale),
        ("one 100 MB JSONL file", &one_file),
    ] {
        step(&format!(
            "browser: import of {what}: memory, and results equal to the CLI's"
        ));
        exec(
            Command::new("node")
                .current_dir(root.join("tests"))
                .env("QUXIAN_URL", &server)
                .env("QUXIAN_CLI", &quxian)
                .arg("bench/import-scale.mjs")
                .arg(files),
        )?;
    }
    step("browser: quxian site index vs Pagefind, same documents");
    let mut corpora = vec![
        ("seeds", root.join("corpus")),
        ("real", real.folder),
        ("scale", scale),
    ];
    if archive {
        corpora.push(("archive", generated(root, &dir, "archive", ARCHIVE_DOCS)?));
    }
    site_bench(root, &dir, &quxian, &corpora)
}

/// The peer of the site benchmark, installed into tests/node_modules on demand: it is not
/// in tests/package.json because npm 11 writes a lock file without its packages for other
/// platforms, and `npm ci` then refuses that lock file on a fresh machine (the CI's test).
const PAGEFIND: &str = "pagefind@1.6.0";

/// tests/bench/site-bench.mjs on `corpora` (name, folder), niced: its builds are long.
fn site_bench(root: &Path, dir: &Path, quxian: &Path, corpora: &[(&str, PathBuf)]) -> Result<()> {
    if !root.join("tests/node_modules/@pagefind").is_dir() {
        exec(Command::new("npm").current_dir(root.join("tests")).args([
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            PAGEFIND,
        ]))?;
    }
    let mut node = Command::new("nice");
    node.current_dir(root.join("tests"))
        .args(["-n", "10", "node", "bench/site-bench.mjs"])
        .arg("--work")
        .arg(dir.join("site"))
        .arg("--quxian")
        .arg(quxian);
    for (name, folder) in corpora {
        node.arg("--corpus")
            .arg(format!("{name}={}", folder.display()));
    }
    exec(&mut node)
}

/// A generated corpus under `dir/name`, made once (gen-corpus is deterministic).
fn generated(root: &Path, dir: &Path, name: &str, docs: &str) -> Result<PathBuf> {
    let out = dir.join(name);
    if !out.is_dir() {
        exec(
            cargo()
                .current_dir(root)
                .args(["xtask", "gen-corpus", "--docs", docs, "-o"])
                .arg(&out),
        )?;
    }
    Ok(out)
}

/// A folder holding one JSONL file of 36,000 generated documents (about 100 MB): the
/// import's "one 100 MB file".
fn one_jsonl(root: &Path, dir: &Path) -> Result<PathBuf> {
    let out = dir.join("one-jsonl");
    if !out.is_dir() {
        exec(
            cargo()
                .current_dir(root)
                .args(["xtask", "gen-corpus", "--docs", ONE_FILE_DOCS])
                .args(["--jsonl", "archive.jsonl", "-o"])
                .arg(&out),
        )?;
    }
    Ok(out)
}

/// The real news texts copied into one folder, and their raw bytes (for size ratios).
struct RealCorpus {
    folder: PathBuf,
    raw: Vec<u8>,
    files: usize,
}

/// Copy the real news texts into `dir/real`: the seeds and `../shared/corpora`'s documents
/// as they are, THUCNews lines as JSONL records.
fn real_corpus(root: &Path, dir: &Path) -> Result<RealCorpus> {
    let real = dir.join("real");
    let _ = std::fs::remove_dir_all(&real);
    std::fs::create_dir_all(&real)?;
    let shared = root.join("../shared/corpora");
    let mut sources: Vec<PathBuf> = Vec::new();
    for sub in ["docs/cqnews_cbg", "docs/thucnews_cq", "docs/gov_national"] {
        if let Ok(entries) = std::fs::read_dir(shared.join(sub)) {
            sources.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
        }
    }
    sources
        .extend(std::fs::read_dir(root.join("corpus"))?.filter_map(|e| e.ok().map(|e| e.path())));
    let mut raw = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let bytes = std::fs::read(src).with_context(|| format!("cannot read {}", src.display()))?;
        raw.extend_from_slice(&bytes);
        std::fs::write(real.join(format!("{i:04}.txt")), bytes)?;
    }
    if let Ok(thuc) =
        std::fs::read_to_string(shared.join("datasets/thucnews_cnews_subset_1000.txt"))
    {
        let mut jsonl = String::new();
        for line in thuc.lines() {
            let text = line.split_once('\t').map_or(line, |(_, t)| t);
            raw.extend_from_slice(text.as_bytes());
            let title: String = text.chars().take(20).collect();
            jsonl.push_str(&format!(
                "{{\"title\":{},\"text\":{}}}\n",
                json_string(&title),
                json_string(text)
            ));
        }
        std::fs::write(real.join("thucnews.jsonl"), jsonl)?;
    }
    Ok(RealCorpus {
        folder: real,
        raw,
        files: sources.len() + 1,
    })
}

/// Build the real corpus and compare gzip sizes of the raw files and of the bundle.
fn bundle_size(real: &RealCorpus, dir: &Path, quxian: &Path) -> Result<()> {
    let bundle = dir.join("real.qx");
    exec(
        Command::new(quxian)
            .arg("build")
            .arg(&real.folder)
            .arg("-o")
            .arg(&bundle),
    )?;
    let raw = &real.raw;
    let bundle_bytes = std::fs::read(&bundle)?;
    let (raw_gz, bundle_gz) = (
        crate::dist::gzip_len(raw),
        crate::dist::gzip_len(&bundle_bytes),
    );
    println!(
        "real text: {} files, raw {} bytes (gzip {raw_gz}), bundle {} bytes (gzip {bundle_gz}): bundle/raw = {:.2}× raw, {:.2}× gzip",
        real.files,
        raw.len(),
        bundle_bytes.len(),
        bundle_bytes.len() as f64 / raw.len() as f64,
        bundle_gz as f64 / raw_gz as f64
    );
    Ok(())
}

/// A JSON string literal (quotes, backslashes and control characters escaped).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
