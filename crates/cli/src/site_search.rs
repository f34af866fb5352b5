//! `quxian search SITE_DIR …`: search a site folder (`quxian build --site`) from disk the
//! way a browser does — stage by stage, reading only the pieces the query needs — and say
//! what it read, so the cost of a query on a host can be checked without a browser.

use anyhow::{bail, Result};
use quxian_core::{Filters, Query, SearchResults, SiteIndex, SitePage, SiteStep, META_NAME};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The most stages a query may take (it has five; more means pieces keep naming others).
const MAX_STAGES: usize = 8;

/// The pieces one stage read: `(name, bytes)`.
pub type Stage = Vec<(String, usize)>;

/// The index folder of a site: `DIR/quxian/` when DIR is the whole site, or DIR itself.
pub fn index_dir(dir: &Path) -> Option<PathBuf> {
    [dir.join("quxian"), dir.to_path_buf()]
        .into_iter()
        .find(|d| d.join(META_NAME).is_file())
}

/// What a query read: the stages of its first page, then those of its facet counts.
pub struct Reads {
    pub page: Vec<Stage>,
    pub facets: Vec<Stage>,
}

/// Open the site in `index` and run `query` as the site's page does — its first page of
/// `limit` documents, then the facet counts — returning the results and what was read.
pub fn search(
    index: &Path,
    query: &Query,
    filters: &Filters,
    limit: usize,
) -> Result<(SiteIndex, SearchResults, Reads)> {
    let mut site = SiteIndex::open(&read(index, META_NAME)?)?;
    let mut page = SitePage {
        offset: 0,
        limit,
        facets: false,
        per_document: usize::MAX,
        whole_passages: false,
    };
    let (_, first) = settle(&mut site, index, query, filters, page)?;
    page.facets = true;
    let (results, facets) = settle(&mut site, index, query, filters, page)?;
    let reads = Reads {
        page: first,
        facets,
    };
    Ok((site, results, reads))
}

/// A piece of the site's index. A missing one means the site is not whole: an upload cut
/// short, or a meta of another build than its pieces.
fn read(index: &Path, name: &str) -> Result<Vec<u8>> {
    let path = index.join(name);
    std::fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!(
            "the site in {} lacks the piece {name}: it is incomplete, or its meta is of another build than its pieces; build it again or copy the whole site",
            index.display()
        ),
        _ => anyhow::Error::new(e).context(format!("cannot read {}", path.display())),
    })
}

/// Read the pieces the search asks for, stage by stage, until it answers; returns its
/// results and the stages read.
fn settle(
    site: &mut SiteIndex,
    index: &Path,
    query: &Query,
    filters: &Filters,
    page: SitePage,
) -> Result<(SearchResults, Vec<Stage>)> {
    let mut stages = Vec::new();
    loop {
        let names = match site.step(query, filters, page) {
            SiteStep::Done(results) => return Ok((*results, stages)),
            SiteStep::Fetch(names) => names,
        };
        if stages.len() == MAX_STAGES {
            bail!("the query still needs pieces after {MAX_STAGES} stages");
        }
        let mut stage = Stage::new();
        for name in names {
            let bytes = read(index, &name)?;
            site.add(&name, &bytes)?;
            stage.push((name, bytes.len()));
        }
        stages.push(stage);
    }
}

/// On stderr, for the first page and then the facets: one line per stage with pieces and
/// bytes per kind (the letter before the first `-` of a piece name), then the total.
pub fn print_reads(reads: &Reads) {
    eprintln!("first page:");
    print_stages(&reads.page);
    eprintln!("facets:");
    print_stages(&reads.facets);
}

fn print_stages(stages: &[Stage]) {
    let mut total = (0, 0);
    for (i, stage) in stages.iter().enumerate() {
        let mut kinds: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (name, bytes) in stage {
            let kind = name.split('-').next().unwrap_or(name);
            let entry = kinds.entry(kind).or_default();
            entry.0 += 1;
            entry.1 += bytes;
            total.0 += 1;
            total.1 += bytes;
        }
        let parts: Vec<String> = kinds
            .iter()
            .map(|(kind, (n, b))| format!("{kind}: {n} pieces {:.1} KB", *b as f64 / 1024.0))
            .collect();
        eprintln!("  stage {}: {}", i + 1, parts.join(", "));
    }
    eprintln!(
        "  read {} pieces, {:.1} KB in {} stages",
        total.0,
        total.1 as f64 / 1024.0,
        stages.len()
    );
}
