//! `dist`: the complete static site in `dist/`.
//!
//! The site is assembled in `target/dist.<pid>/` and moved to `dist/` only when every
//! step has succeeded, so a failed build leaves the previous `dist/` intact and a running
//! `serve` never sees a half-built site.
//!
//! Layout produced:
//!
//! | path | what |
//! |---|---|
//! | `index.html`, everything under `web/static/` | the host page, styles, `quxian-embed.js`, manifest, icons |
//! | `pkg/quxian_web{.js,_bg.wasm}` | the app (wasm-bindgen `--target web`) |
//! | `pkg-api/quxian_wasm{.js,_bg.wasm}` | the JS search API (`crates/wasm`) |
//! | `pkg-site/quxian_wasm{.js,_bg.wasm}` | the same with only `SiteExplorer` (feature `site`): what a site's page loads |
//! | `site.html`, `site.js`, `site-export.js`, `site-worker.js` (with `pkg-site/quxian_wasm.js` inlined), `site.css` | a site's search page, copied by `quxian build --site` |
//! | `corpus.qx`, `corpus-yubei.qx` | bundles built by the real CLI: all of `corpus/`, and seed 004 only |
//! | `examples/` | `web/examples/`: host pages embedding the explorer or using the API |
//! | `import/quxian_import{.js,_bg.wasm}`, `jieba/dict.txt` | the in-browser import, when `crates/import` builds |
//! | `sw.js`, `build.json` | the service worker with this build's version and precache list |
//! | `quxian-single.html` | app, styles and corpus in one file for file:// (not precached) |
//!
//! The build version is a hash of every other file in `dist/`; it names the service
//! worker's cache, so a redeploy that changes any byte makes browsers fetch the new files
//! and offer the update (see `web/static/sw.js`).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::process::{cargo, exec, probe, step};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The Cargo profile for the browser build, defined in the root `Cargo.toml`.
const WASM_PROFILE: &str = "wasm";
/// The import engine's profile: built for speed, not size (see Cargo.toml).
const IMPORT_WASM_PROFILE: &str = "wasm-import";
/// The site page's API (`pkg-site/`): speed before size too (see Cargo.toml).
const SITE_WASM_PROFILE: &str = "wasm-site";
const WEB_PACKAGE: &str = "quxian-web";
const API_PACKAGE: &str = "quxian-wasm";
const IMPORT_PACKAGE: &str = "quxian-import";
/// The seed whose documents make the second, small bundle (for the two-explorer example).
const YUBEI_SEED: &str = "004_";
/// Not precached by the service worker: the worker itself, files only other pages use, and
/// the import engine (its jieba dictionary is large and fetched only when an import starts;
/// the worker caches both on first use, in this build's cache). `quxian-library.js`,
/// `import-worker.js` and its pool (`import-pool.js`, `prepare-worker.js`) are precached: a
/// page may load them any time later, and they must come from the same build as the page
/// (and work offline).
const NOT_PRECACHED: &[&str] = &[
    "sw.js",
    "build.json",
    "quxian-single.html",
    "examples/",
    "pkg-api/",
    "pkg-site/",
    "site.html",
    "site.js",
    "site-export.js",
    "site-worker.js",
    "site.css",
    "import/",
    "jieba/",
    "import-demo.html",
];

/// Files the site cannot work without; `dist` fails rather than ship without them.
const EXPECTED: &[&str] = &[
    "index.html",
    "app.js",
    "pkg/quxian_web.js",
    "pkg/quxian_web_bg.wasm",
    "pkg-api/quxian_wasm.js",
    "pkg-api/quxian_wasm_bg.wasm",
    "pkg-site/quxian_wasm.js",
    "pkg-site/quxian_wasm_bg.wasm",
    "corpus.qx",
    "corpus-yubei.qx",
    "quxian-embed.js",
    "manifest.webmanifest",
    "sw.js",
    "build.json",
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

/// Every step of `run`, writing into the staging directory `dist` (`rel` from the root).
fn build_into(root: &Path, dist: &Path, rel: &str, wasm_bindgen: &Path) -> Result<()> {
    // One package per build: building them together would unify their dependencies'
    // features and grow the app's wasm with what only the API needs.
    for package in [WEB_PACKAGE, API_PACKAGE] {
        step(&format!("dist: build {package} for wasm32"));
        build_wasm(package, WASM_PROFILE, &[])?;
    }
    step("dist: wasm-bindgen");
    let web = wasm_artifact(root, WEB_PACKAGE, WASM_PROFILE)?;
    bindgen(
        root,
        wasm_bindgen,
        &web,
        &format!("{rel}/pkg"),
        "quxian_web",
    )?;
    let api = wasm_artifact(root, API_PACKAGE, WASM_PROFILE)?;
    bindgen(
        root,
        wasm_bindgen,
        &api,
        &format!("{rel}/pkg-api"),
        "quxian_wasm",
    )?;
    // The site page's API: without `Explorer`, whose bundle code a site never runs.
    step(&format!("dist: build {API_PACKAGE} with only SiteExplorer"));
    build_wasm(
        API_PACKAGE,
        SITE_WASM_PROFILE,
        &["--no-default-features", "--features", "site"],
    )?;
    let site = wasm_artifact(root, API_PACKAGE, SITE_WASM_PROFILE)?;
    bindgen(
        root,
        wasm_bindgen,
        &site,
        &format!("{rel}/pkg-site"),
        "quxian_wasm",
    )?;

    step("dist: host page and static files");
    copy_file(&root.join("index.html"), &dist.join("index.html"))?;
    let stat = root.join("web/static");
    if stat.is_dir() {
        copy_tree(&stat, dist)?;
    }
    let examples = root.join("web/examples");
    if examples.is_dir() {
        copy_tree(&examples, &dist.join("examples"))?;
    }

    step("dist: default corpus bundle");
    build_bundle("corpus", &format!("{rel}/corpus.qx"))?;
    if !dist.join("corpus.qx").is_file() {
        bail!("`quxian build` exited successfully but wrote no {rel}/corpus.qx");
    }
    yubei_bundle(root, rel)?;
    step("dist: site worker with its API inlined");
    bundle_site_worker(dist)?;
    import_engine(root, dist, rel, wasm_bindgen)?;
    // Always: the examples link to it, and it takes a second.
    step("dist: single-file build");
    single_file(dist)?;
    step("dist: service worker");
    service_worker(dist)?;
    for file in EXPECTED {
        if !dist.join(file).is_file() {
            bail!("{rel}/{file} is missing after the build");
        }
    }
    Ok(())
}

/// `cargo build` of `package` for the browser, in its profile, with `extra` arguments.
fn build_wasm(package: &str, profile: &str, extra: &[&str]) -> Result<()> {
    let args = [
        "build",
        "-p",
        package,
        "--target",
        WASM_TARGET,
        "--profile",
        profile,
    ];
    exec(cargo().args(args).args(extra))
}

/// `wasm-bindgen --target web` of a built `wasm` into `out_dir` (relative to the root).
fn bindgen(
    root: &Path,
    wasm_bindgen: &Path,
    wasm: &Path,
    out_dir: &str,
    out_name: &str,
) -> Result<()> {
    exec(
        std::process::Command::new(wasm_bindgen)
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--out-dir",
                out_dir,
                "--out-name",
                out_name,
            ])
            .arg(wasm.strip_prefix(root).unwrap_or(wasm)),
    )
}

/// The import line of `web/static/site-worker.js` that [`bundle_site_worker`] replaces.
const SITE_WORKER_IMPORT: &str =
    "import init, { SiteExplorer } from './pkg-site/quxian_wasm.js';\n";

/// `site-worker.js` with the site API's glue (`pkg-site/quxian_wasm.js`) in place of its
/// import: a site's worker then loads one script before it can start the wasm, not two —
/// a round trip less before the first result (throttled to 40 ms RTT: 710 → 661 ms). The
/// result is a classic script (the glue's `export`s dropped, `import.meta.url` named as
/// `self.location.href`): Chromium starts a classic worker sooner than a module worker,
/// and the site page's first result came ~20 ms earlier (`site-ab.mjs`, 16 loads each:
/// median 276 → 255 ms at 28 MB, 6 Dec 2026).
fn bundle_site_worker(dist: &Path) -> Result<()> {
    let read =
        |p: &str| fs::read_to_string(dist.join(p)).with_context(|| format!("reading dist/{p}"));
    let worker = read("site-worker.js")?;
    let glue = read("pkg-site/quxian_wasm.js")?;
    if !worker.contains(SITE_WORKER_IMPORT) {
        bail!("web/static/site-worker.js no longer starts its API with `{SITE_WORKER_IMPORT}`");
    }
    if !glue.contains("__wbg_init as default") || !glue.contains("export class SiteExplorer") {
        bail!("pkg-site/quxian_wasm.js does not look like wasm-bindgen --target web output");
    }
    let api = format!(
        "// Inlined by `cargo xtask dist` from pkg-site/quxian_wasm.js:\n{}\nconst init = __wbg_init;\n",
        classic_script(&glue)?
    );
    let bundled = worker.replacen(SITE_WORKER_IMPORT, &api, 1);
    fs::write(dist.join("site-worker.js"), bundled).context("writing site-worker.js")
}

/// wasm-bindgen's `--target web` glue as a classic script: its two `export` forms removed
/// and `import.meta.url` (the glue's default place of its wasm, unused here) named the
/// classic way. Fails when the glue has other module syntax, so that a wasm-bindgen update
/// that adds some is noticed.
fn classic_script(glue: &str) -> Result<String> {
    const EXPORTS: &str = "export { initSync, __wbg_init as default };";
    let script = glue
        .replacen(EXPORTS, "", 1)
        .replace("export class ", "class ")
        .replace("import.meta.url", "self.location.href");
    let module_syntax = script.lines().find(|l| {
        l.starts_with("export ") || l.starts_with("import ") || l.contains("import.meta")
    });
    match module_syntax {
        Some(line) => {
            bail!("pkg-site/quxian_wasm.js has module syntax the site worker cannot keep: {line}")
        }
        None => Ok(script),
    }
}

/// `corpus-yubei.qx`: the documents of one seed, a second, small corpus for the examples.
fn yubei_bundle(root: &Path, rel: &str) -> Result<()> {
    step("dist: second bundle (seed 004)");
    let docs = root.join("target/dist-yubei-docs");
    if docs.exists() {
        fs::remove_dir_all(&docs)?;
    }
    fs::create_dir_all(&docs)?;
    let mut found = 0;
    for entry in fs::read_dir(root.join("corpus"))? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(YUBEI_SEED) {
            copy_file(&entry.path(), &docs.join(entry.file_name()))?;
            found += 1;
        }
    }
    if found == 0 {
        bail!("corpus/ has no {YUBEI_SEED}* documents for corpus-yubei.qx");
    }
    build_bundle("target/dist-yubei-docs", &format!("{rel}/corpus-yubei.qx"))
}

/// `quxian build INPUT -o OUTPUT` with the real CLI (release build, as users run it).
fn build_bundle(input: &str, output: &str) -> Result<()> {
    run_cli(&["build", input, "-o", output])
}

/// Run the real CLI (release build) with `args`.
pub fn run_cli(args: &[&str]) -> Result<()> {
    exec(
        cargo()
            .args(["run", "--release", "-p", "quxian-cli", "--"])
            .args(args),
    )
}

/// The in-browser import, when `crates/import` exists and builds: its wasm into `import/`
/// and jieba's dictionary into `jieba/dict.txt`. A failure here is reported, not fatal:
/// the explorer does not need the import.
fn import_engine(root: &Path, dist: &Path, rel: &str, wasm_bindgen: &Path) -> Result<()> {
    if !root.join("crates/import/Cargo.toml").is_file() {
        eprintln!("no crates/import: skipping the in-browser import");
        return Ok(());
    }
    step("dist: in-browser import (optional)");
    let built = build_wasm(IMPORT_PACKAGE, IMPORT_WASM_PROFILE, &[]).and_then(|()| {
        let wasm = wasm_artifact(root, IMPORT_PACKAGE, IMPORT_WASM_PROFILE)?;
        bindgen(
            root,
            wasm_bindgen,
            &wasm,
            &format!("{rel}/import"),
            "quxian_import",
        )
    });
    if let Err(err) = built {
        eprintln!("warning: the in-browser import is left out of dist/: {err:#}");
        let _ = fs::remove_dir_all(dist.join("import"));
        return Ok(());
    }
    let out = dist.join("jieba/dict.txt");
    fs::create_dir_all(dist.join("jieba"))?;
    eprintln!(
        "write {} (from {})",
        self::rel(&out),
        crate::dict::DICT_PATH
    );
    fs::copy(root.join(crate::dict::DICT_PATH), &out)
        .with_context(|| format!("copying {} to {}", crate::dict::DICT_PATH, out.display()))?;
    Ok(())
}

/// `quxian-single.html`: the app's glue as an inline module, the wasm and `corpus.qx` as
/// base64 blocks, `styles.css` inline. Opens from file:// with no network; the view is in
/// the hash as on the full page. wasm-bindgen's init takes the wasm bytes instead of a URL.
fn single_file(dist: &Path) -> Result<()> {
    let read = |p: &str| fs::read(dist.join(p)).with_context(|| format!("reading dist/{p}"));
    let glue = String::from_utf8(read("pkg/quxian_web.js")?).context("pkg/quxian_web.js")?;
    let css = String::from_utf8(read("styles.css")?).context("styles.css")?;
    if !glue.contains("__wbg_init as default") || glue.contains("</script") {
        bail!("pkg/quxian_web.js does not look like wasm-bindgen --target web output");
    }
    if css.contains("</style") {
        bail!("styles.css contains </style>, which would end the inline style early");
    }
    let wasm = base64(&read("pkg/quxian_web_bg.wasm")?);
    let corpus = base64(&read("corpus.qx")?);
    let html = format!(
        r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>区县 · quxian</title>
<link rel="icon" href="data:,">
<style>
{css}</style>
<script type="application/octet-stream" id="qx-wasm">{wasm}</script>
<script type="application/octet-stream" id="qx-bundle">{corpus}</script>
<script type="module">
{glue}
const qxBytes = (id) => Uint8Array.from(atob(document.getElementById(id).textContent.trim()), (c) => c.charCodeAt(0));
await __wbg_init({{ module_or_path: qxBytes("qx-wasm") }});
mount(document.getElementById("app"), {{ urlState: "hash", bundleBytes: qxBytes("qx-bundle") }});
</script>
</head>
<body>
<noscript>本页面需要启用 JavaScript 和 WebAssembly：请在浏览器设置中允许后刷新。</noscript>
<div id="app"></div>
</body>
</html>
"#
    );
    fs::write(dist.join("quxian-single.html"), html).context("writing quxian-single.html")?;
    eprintln!("wrote quxian-single.html");
    Ok(())
}

/// Writes `sw.js` (from `web/static/sw.js`, copied earlier) with this build's version and
/// precache list on its `const BUILD = …;` line, and the same data as `build.json`.
fn service_worker(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect_files(dist, &mut files)?;
    let mut names: Vec<String> = files
        .iter()
        .filter_map(|f| f.strip_prefix(dist).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    names.sort();
    let mut hash = Fnv::new();
    for name in names.iter().filter(|n| *n != "sw.js" && *n != "build.json") {
        hash.write(name.as_bytes());
        hash.write(&[0]);
        hash.write(&fs::read(dist.join(name))?);
    }
    let version = format!("{:016x}", hash.0);
    let mut precache: Vec<String> = names
        .into_iter()
        .filter(|n| {
            !NOT_PRECACHED
                .iter()
                .any(|x| n == x || (x.ends_with('/') && n.starts_with(x)))
        })
        .collect();
    precache.insert(0, "./".to_string());
    let list = precache
        .iter()
        .map(|f| format!("\"{f}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let build = format!("{{ \"version\": \"{version}\", \"files\": [{list}] }}");
    let sw_path = dist.join("sw.js");
    let template = fs::read_to_string(&sw_path)
        .context("dist/sw.js missing: web/static/sw.js is the service worker's template")?;
    let mut replaced = false;
    let sw: Vec<String> = template
        .lines()
        .map(|line| {
            if line.starts_with("const BUILD = ") {
                replaced = true;
                format!("const BUILD = {build};")
            } else {
                line.to_string()
            }
        })
        .collect();
    if !replaced {
        bail!("web/static/sw.js has no `const BUILD = …;` line for the build data");
    }
    fs::write(&sw_path, sw.join("\n") + "\n")?;
    fs::write(dist.join("build.json"), build + "\n")?;
    eprintln!(
        "sw.js: version {version}, {} precached files",
        precache.len()
    );
    Ok(())
}

/// FNV-1a, 64 bits: enough to tell one build from the next, and no dependency.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
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

/// A `cdylib` is named with underscores (`quxian_web.wasm`), a binary after the package
/// (`quxian-web.wasm`); accept both.
fn wasm_artifact(root: &Path, package: &str, profile: &str) -> Result<PathBuf> {
    let dir = root.join("target").join(WASM_TARGET).join(profile);
    let underscored = format!("{}.wasm", package.replace('-', "_"));
    for name in [underscored, format!("{package}.wasm")] {
        let path = dir.join(name);
        if path.is_file() {
            return Ok(path);
        }
    }
    bail!("no {package} wasm in {} after the build", dir.display())
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
pub fn gzip_len(bytes: &[u8]) -> u64 {
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

    /// The site worker's glue loses its module syntax, and a glue with more of it is refused.
    #[test]
    fn the_site_api_glue_becomes_a_classic_script() {
        let glue = "let wasm;\nexport class SiteExplorer {}\nfunction f() { return new URL('x.wasm', import.meta.url); }\nexport { initSync, __wbg_init as default };\n";
        let script = classic_script(glue).unwrap();
        assert!(script.contains("class SiteExplorer {}"));
        assert!(script.contains("new URL('x.wasm', self.location.href)"));
        assert!(!script.contains("export"), "{script}");
        let newer = format!("{glue}export function extra() {{}}\n");
        assert!(classic_script(&newer).is_err());
        assert!(classic_script("import * as x from './y.js';\n").is_err());
    }

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
    fn base64_matches_the_rfc_4648_vectors() {
        for (raw, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), encoded, "{raw:?}");
        }
    }

    #[test]
    fn gzip_len_is_smaller_for_repetitive_text() {
        let text = "区县 quxian ".repeat(1000);
        assert!(gzip_len(text.as_bytes()) < text.len() as u64 / 10);
    }
}
