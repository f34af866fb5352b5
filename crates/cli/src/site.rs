//! `quxian build --site OUT`: a complete static explorer in one folder — the app copied from
//! a `cargo xtask dist` folder, and the corpus as a site index under `OUT/quxian/`.
//!
//! The app's own files keep their names; the index pieces are content-hashed, so a host
//! may cache them forever. The host page is the app's `index.html` with two marked lines
//! changed (preload `site.json` instead of `corpus.qx`, mount with `site`), and the
//! service worker's precache list is rewritten for the files this folder has, with a
//! version derived from the meta piece's name (itself a hash of the whole index).

use anyhow::{bail, Context, Result};
use quxian_core::{write_site, Corpus, SiteSummary};
use std::path::Path;

/// Folder of the index inside the site.
const INDEX_DIR: &str = "quxian";

/// App files and folders copied from the dist folder (bundles, tests' fixtures and the
/// single-file build are not part of a site).
const APP_FILES: &[&str] = &[
    "index.html",
    "styles.css",
    "manifest.webmanifest",
    "sw.js",
    "sw-register.js",
    "quxian-embed.js",
    "quxian-library.js",
    "import-worker.js",
    "import-demo.html",
    "icons",
    "pkg",
    "pkg-api",
    "import",
    "jieba",
];

/// Write the site: app from `app_dir`, index of `corpus`, into `out`.
pub fn write(corpus: &Corpus, out: &Path, app_dir: &Path) -> Result<SiteSummary> {
    if !app_dir.join("pkg").is_dir() || !app_dir.join("index.html").is_file() {
        bail!(
            "no app found in {}: run `cargo xtask dist` first, or pass --app DIR (a folder made by it)",
            app_dir.display()
        );
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for name in APP_FILES {
        let from = app_dir.join(name);
        if from.exists() {
            copy_tree(&from, &out.join(name))?;
        }
    }
    let index = out.join(INDEX_DIR);
    if index.exists() {
        std::fs::remove_dir_all(&index)
            .with_context(|| format!("cannot clear {}", index.display()))?;
    }
    std::fs::create_dir_all(&index)?;
    let summary = write_site(corpus, |name, bytes| {
        std::fs::write(index.join(name), bytes)
    })
    .with_context(|| format!("cannot write the index into {}", index.display()))?;
    rewrite_host_page(&out.join("index.html"))?;
    rewrite_service_worker(out, &summary)?;
    Ok(summary)
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

/// Replace `old` by `new` in `text`, which must contain it exactly once.
fn replace_once(text: &str, old: &str, new: &str, file: &Path) -> Result<String> {
    if text.matches(old).count() != 1 {
        bail!(
            "{} does not have the expected line `{old}`; is it from `cargo xtask dist`?",
            file.display()
        );
    }
    Ok(text.replacen(old, new, 1))
}

fn rewrite_host_page(path: &Path) -> Result<()> {
    let page = std::fs::read_to_string(path)?;
    let page = replace_once(
        &page,
        r#"<link rel="preload" href="./corpus.qx" as="fetch" crossorigin>"#,
        &format!(r#"<link rel="preload" href="./{INDEX_DIR}/site.json" as="fetch" crossorigin>"#),
        path,
    )?;
    let page = replace_once(
        &page,
        r#"{ urlState: "hash" }"#,
        &format!(r#"{{ urlState: "hash", site: "./{INDEX_DIR}/" }}"#),
        path,
    )?;
    std::fs::write(path, page)?;
    Ok(())
}

/// Point the service worker's precache at this site's files: the app files present plus
/// `site.json` and the meta piece; other pieces are cached as they are fetched.
fn rewrite_service_worker(out: &Path, summary: &SiteSummary) -> Result<()> {
    let path = out.join("sw.js");
    let Ok(worker) = std::fs::read_to_string(&path) else {
        return Ok(()); // an app without offline support: nothing to point
    };
    let Some(line) = worker.lines().find(|l| l.starts_with("const BUILD = ")) else {
        bail!("{} has no `const BUILD = …` line", path.display());
    };
    let json = line
        .trim_start_matches("const BUILD = ")
        .trim_end_matches(';');
    let build: serde_json::Value = serde_json::from_str(json)
        .with_context(|| format!("cannot read the BUILD line of {}", path.display()))?;
    let mut files: Vec<String> = build["files"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    files.retain(|f| f == "./" || out.join(f).is_file());
    files.push(format!("{INDEX_DIR}/site.json"));
    files.push(format!("{INDEX_DIR}/{}", summary.entry.meta));
    let app_version = build["version"].as_str().unwrap_or("dev");
    let meta_hash = summary
        .entry
        .meta
        .trim_start_matches("m-")
        .trim_end_matches(".qxs");
    let new_build = serde_json::json!({
        "version": format!("{app_version}-{meta_hash}"),
        "files": files,
    });
    let new_line = format!("const BUILD = {new_build};");
    std::fs::write(&path, worker.replacen(line, &new_line, 1))?;
    Ok(())
}
