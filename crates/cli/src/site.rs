//! `quxian build --site OUT`: a static search site in one folder — a search page over the
//! JS API, copied from a `cargo xtask dist` folder, and the corpus as a site index under
//! `OUT/quxian/`, fetched piece by piece.
//!
//! The index pieces' names carry the build id (a host may cache them forever); only
//! `quxian/site.qxs`, the meta, has a fixed name and says which build is current. The new
//! index is written beside the old one (`quxian.new/`) and replaces it whole; the pieces
//! of the earlier build are then removed.

use anyhow::{bail, Context, Result};
use quxian_core::{write_site, Corpus, SiteSummary, META_NAME};
use std::path::Path;

/// Folder of the index inside the site.
const INDEX_DIR: &str = "quxian";

/// Files and folders copied from the dist folder: `(from, to)`. The search page of a site
/// is `site.html`, which becomes the site's `index.html`.
const APP_FILES: &[(&str, &str)] = &[
    ("site.html", "index.html"),
    ("site.js", "site.js"),
    ("site-export.js", "site-export.js"),
    ("site-worker.js", "site-worker.js"),
    ("site.css", "site.css"),
    ("pkg-site", "pkg-site"),
    ("icons", "icons"),
    ("sw.js", "sw.js"),
    ("sw-register.js", "sw-register.js"),
];

/// What the service worker precaches for a site: the page and everything it loads before
/// its first query, and the script of 导出 (so that it works offline). Index pieces are
/// cached as they are fetched (or all at once, 离线使用).
const PRECACHED: &[&str] = &[
    "./",
    "index.html",
    "site.js",
    "site-export.js",
    "site-worker.js",
    "site.css",
    "sw-register.js",
    "pkg-site/quxian_wasm.js",
    "pkg-site/quxian_wasm_bg.wasm",
    "icons/icon.svg",
];

/// Refuse a site folder where writing would lose or mix up the user's files (checked before
/// a build starts): one inside an input folder (the next build would read its pages as
/// documents), a site's index folder (`SITE/quxian`, given for `SITE`), an index folder
/// holding files that are not index pieces (it is replaced whole), or a folder with files
/// of the search page but no quxian index (someone else's site, whose `index.html` would be
/// overwritten) — unless a first build of ours was stopped there (`quxian.new/` left).
pub fn check_folder(out: &Path, inputs: &[std::path::PathBuf]) -> Result<()> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    for input in inputs {
        if absolute(out).starts_with(absolute(input)) {
            bail!(
                "the site folder {} is inside the input {}: the next build would read its pages as documents; choose a folder outside the inputs",
                out.display(),
                input.display()
            );
        }
    }
    if out.exists() && !out.is_dir() {
        bail!(
            "{} is a file, not a folder: give --site a folder (new or empty, or a quxian site)",
            out.display()
        );
    }
    if out.join(META_NAME).is_file() {
        // The folder it is in, by its real path (`--site quxian` has no parent to name).
        let site = std::fs::canonicalize(out.join("..")).map_or_else(
            |_| "the folder above it".into(),
            |p| p.display().to_string(),
        );
        bail!(
            "{} is the index folder of a site (it holds {META_NAME}): give the site's own folder, {site}",
            out.display()
        );
    }
    let index = out.join(INDEX_DIR);
    if index.join(META_NAME).is_file() {
        let foreign = std::fs::read_dir(&index)
            .with_context(|| format!("cannot list {}", index.display()))?
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .find(|name| !is_piece_name(name));
        if let Some(name) = foreign {
            bail!(
                "{} holds {name}, which quxian did not write, and a build replaces that folder whole: move it away, or choose another site folder",
                index.display()
            );
        }
        return Ok(());
    }
    // A first build that was stopped left the page and an unfinished index: ours to redo.
    if out.join(format!("{INDEX_DIR}.new")).is_dir() {
        return Ok(());
    }
    // Every name at once: moving them away one refusal at a time took five runs.
    let taken: Vec<&str> = APP_FILES
        .iter()
        .map(|(_, to)| *to)
        .chain([INDEX_DIR])
        .filter(|to| out.join(to).exists())
        .collect();
    if !taken.is_empty() {
        bail!(
            "{} already has {} but no quxian index: a build would overwrite them; choose an empty folder or a quxian site",
            out.display(),
            taken.join(", ")
        );
    }
    Ok(())
}

/// Whether `name` may be replaced with the index folder: a file a build writes there (the
/// meta, or a piece `KIND-BUILD-N.qxs`), or a hidden one a file browser leaves
/// (`.DS_Store`).
fn is_piece_name(name: &str) -> bool {
    name == META_NAME
        || (name.ends_with(".qxs") && name.as_bytes().get(1) == Some(&b'-'))
        || name.starts_with('.')
}

/// Write the site: the search page from `app_dir`, the index of `corpus`, into `out`.
pub fn write(corpus: &Corpus, out: &Path, app_dir: &Path) -> Result<SiteSummary> {
    if !app_dir.join("site.html").is_file() || !app_dir.join("pkg-site").is_dir() {
        bail!(
            "no app found in {}: run `cargo xtask dist` first, or pass --app DIR (a folder made by it)",
            app_dir.display()
        );
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for (from, to) in APP_FILES {
        copy_tree(&app_dir.join(from), &out.join(to))?;
    }
    let index = out.join(INDEX_DIR);
    let fresh = out.join(format!("{INDEX_DIR}.new"));
    let stale = out.join(format!("{INDEX_DIR}.old"));
    for leftover in [&fresh, &stale] {
        remove_if_present(leftover)?;
    }
    std::fs::create_dir_all(&fresh)?;
    let summary = write_site(corpus, |name, bytes| {
        std::fs::write(fresh.join(name), bytes)
    })
    .with_context(|| format!("cannot write the index into {}", fresh.display()))?;
    replace_index(&fresh, &index, &stale)?;
    point_service_worker(out, &summary)?;
    Ok(summary)
}

/// Put the complete new index in place of the old one, then delete the old one. A host
/// serving OUT never shows a half-written index, and the new pieces are created while the
/// old ones still exist: ext4 scans recently freed inodes on every file it creates, so
/// deleting 19,321 pieces first made rebuilding the 28 MB corpus's site take 13 s instead
/// of 4 s (17 s of system time; measured 3 Dec 2026).
fn replace_index(fresh: &Path, index: &Path, stale: &Path) -> Result<()> {
    if index.exists() {
        std::fs::rename(index, stale)
            .with_context(|| format!("cannot move {} aside", index.display()))?;
    }
    std::fs::rename(fresh, index)
        .with_context(|| format!("cannot move {} into place", fresh.display()))?;
    remove_if_present(stale)
}

/// Threads that delete the pieces of an earlier index. Deleting is mostly waiting for the
/// disk, not CPU (`rm -rf` of 171,740 pieces: 11.3 s, 1.8 s of it system time), so more
/// threads than cores overlap the waits.
const REMOVING_THREADS: usize = 8;

/// Delete index folder `dir` if it exists: its files on [`REMOVING_THREADS`] threads, then
/// whatever is left (an error there names the folder).
fn remove_if_present(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    std::thread::scope(|scope| {
        for t in 0..REMOVING_THREADS {
            let files = &files;
            scope.spawn(move || {
                for file in files.iter().skip(t).step_by(REMOVING_THREADS) {
                    // A file that cannot go is reported by remove_dir_all below.
                    let _ = std::fs::remove_file(file);
                }
            });
        }
    });
    std::fs::remove_dir_all(dir).with_context(|| format!("cannot clear {}", dir.display()))
}

/// Rewrite the `const BUILD = …;` line of the copied `sw.js`: this site's precache list,
/// and a version that changes with the app and with the index (its build id), so a
/// redeploy installs a new worker and the page offers 有新版本，刷新.
fn point_service_worker(out: &Path, summary: &SiteSummary) -> Result<()> {
    let path = out.join("sw.js");
    let worker = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let Some(line) = worker.lines().find(|l| l.starts_with("const BUILD = ")) else {
        bail!(
            "{} has no `const BUILD = …;` line; is it from `cargo xtask dist`?",
            path.display()
        );
    };
    let app: serde_json::Value = serde_json::from_str(
        line.trim_start_matches("const BUILD = ")
            .trim_end_matches(';'),
    )
    .with_context(|| format!("cannot read the BUILD line of {}", path.display()))?;
    let mut files: Vec<String> = PRECACHED.iter().map(|f| f.to_string()).collect();
    files.push(format!("{INDEX_DIR}/{META_NAME}"));
    let version = app["version"].as_str().unwrap_or("dev");
    let build = serde_json::json!({
        "version": format!("{version}-{:016x}", summary.build),
        "files": files,
    });
    let rewritten = worker.replacen(line, &format!("const BUILD = {build};"), 1);
    std::fs::write(&path, rewritten)?;
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        std::fs::copy(from, to)
            .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    }
    Ok(())
}
