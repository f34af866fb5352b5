//! Benchmark (not a test): the time a site reader spends on its own work per query —
//! decoding pieces and ranking, no network — natively, as `SiteExplorer` does it in the
//! browser: the page (no counts), then the counts, dropping the least recently used pieces
//! past the same bound between searches. Every query list runs three times in one reader;
//! the later passes find their pieces' bytes at hand (as the JS API keeps them), so they
//! measure decoding and ranking alone.
//!
//!   cargo run --release -p quxian-cli --example site_queries -- SITE/quxian QUERIES [HELD_BYTES]
//!
//! QUERIES holds one query per line (`node bench/site-queries.mjs DIR` in `tests/` writes
//! the site benchmark's follow-up queries); HELD_BYTES defaults to the JS API's bound
//! (`MAX_HELD_BYTES` in crates/wasm/src/site.rs). Prints each pass's total, p50 and p95,
//! and the slowest queries of the last pass.

use quxian_core::{Filters, Query, SiteIndex, SitePage, SiteStep, META_NAME};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// `MAX_HELD_BYTES` and `MAX_HELD_DOCUMENTS` of crates/wasm/src/site.rs.
const HELD_BYTES: usize = 8 << 20;
const HELD_DOCUMENTS: usize = 16_384;
const PASSES: usize = 3;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [index, queries, rest @ ..] = args.as_slice() else {
        anyhow::bail!("usage: site_queries SITE_INDEX_DIR QUERIES_FILE [HELD_BYTES]");
    };
    let held = rest.first().map_or(Ok(HELD_BYTES), |s| s.parse())?;
    let lines: Vec<String> = std::fs::read_to_string(queries)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(String::from)
        .collect();
    let queries = lines
        .iter()
        .map(|l| Query::parse(l))
        .collect::<Result<Vec<_>, _>>()?;
    let mut files = Files::new(Path::new(index));
    let mut site = SiteIndex::open(&files.read(META_NAME)?)?;
    for pass in 0..PASSES {
        let mut times = Vec::new();
        for query in &queries {
            times.push(time_query(&mut site, &mut files, query, held)?);
        }
        report(pass, &lines, &times);
    }
    Ok(())
}

/// The files of a site index, each read from disk once (the JS API keeps fetched bytes).
struct Files<'a> {
    dir: &'a Path,
    read: HashMap<String, Vec<u8>>,
}

impl<'a> Files<'a> {
    fn new(dir: &'a Path) -> Self {
        Files {
            dir,
            read: HashMap::new(),
        }
    }

    fn read(&mut self, name: &str) -> anyhow::Result<Vec<u8>> {
        if !self.read.contains_key(name) {
            let bytes = std::fs::read(self.dir.join(name))?;
            self.read.insert(name.to_string(), bytes);
        }
        Ok(self.read[name].clone())
    }
}

/// Milliseconds of the page and of the page plus its counts.
fn time_query(
    site: &mut SiteIndex,
    files: &mut Files,
    query: &Query,
    held: usize,
) -> anyhow::Result<(f64, f64)> {
    let start = Instant::now();
    let mut page_ms = 0.0;
    for facets in [false, true] {
        site.make_room(held, HELD_DOCUMENTS);
        let page = SitePage {
            offset: 0,
            limit: 10,
            facets,
            per_document: 1,
            whole_passages: false,
        };
        while let SiteStep::Fetch(names) = site.step(query, &Filters::default(), page) {
            for name in names {
                site.add(&name, &files.read(&name)?)?;
            }
        }
        if !facets {
            page_ms = start.elapsed().as_secs_f64() * 1e3;
        }
    }
    Ok((page_ms, start.elapsed().as_secs_f64() * 1e3))
}

fn report(pass: usize, lines: &[String], times: &[(f64, f64)]) {
    let sorted = |f: fn(&(f64, f64)) -> f64| {
        let mut v: Vec<f64> = times.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let (pages, totals) = (sorted(|t| t.0), sorted(|t| t.1));
    let at = |v: &[f64], p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    println!(
        "pass {pass}: {:.0} ms in all; page and counts p50 {:.1} ms, p95 {:.1} ms; page alone p95 {:.1} ms",
        totals.iter().sum::<f64>(),
        at(&totals, 0.5),
        at(&totals, 0.95),
        at(&pages, 0.95),
    );
    if pass + 1 == PASSES {
        let mut order: Vec<usize> = (0..times.len()).collect();
        order.sort_by(|a, b| times[*b].1.total_cmp(&times[*a].1));
        for &i in order.iter().take(8) {
            let (page, total) = times[i];
            println!("  {total:7.1} ms ({page:.1} page)  {}", lines[i]);
        }
    }
}
