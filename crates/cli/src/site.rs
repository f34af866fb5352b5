//! `quxian build --site OUT`: a static search site in one folder — a search page over the
//! JS API, copied from a `cargo xtask dist` folder, and the corpus as a site index under
//! `OUT/quxian/`, fetched piece by piece.
//!
//! The index pieces' names carry the build id (a host may cache them forever); only
//! `quxian/site.qxs`, the meta, has a fixed name and says which build is current. Pieces
//! of an earlier build in OUT are removed.

use anyhow::{bail, Context, Result};
use quxian_core::{write_site, Corpus, SiteSummary};
use std::path::Path;

/// Folder of the index inside the site.
const INDEX_DIR: &str = "quxian";

/// Files and folders copied from the dist folder: `(from, to)`. The search page of a site
/// is `site.html`, which becomes the site's `index.html`.
const APP_FILES: &[(&str, &str)] = &[
    ("site.html", "index.html"),
    ("site.js", "site.js"),
    ("site.css", "site.css"),
    ("pkg-api", "pkg-api"),
    ("icons", "icons"),
];

/// Write the site: the search page from `app_dir`, the index of `corpus`, into `out`.
pub fn write(corpus: &Corpus, out: &Path, app_dir: &Path) -> Result<SiteSummary> {
    if !app_dir.join("site.html").is_file() || !app_dir.join("pkg-api").is_dir() {
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
    if index.exists() {
        std::fs::remove_dir_all(&index)
            .with_context(|| format!("cannot clear {}", index.display()))?;
    }
    std::fs::create_dir_all(&index)?;
    write_site(corpus, |name, bytes| {
        std::fs::write(index.join(name), bytes)
    })
    .with_context(|| format!("cannot write the index into {}", index.display()))
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
