//! `quxian bench`: query latency on a bundle, and exact-recall check of phrase search.
//!
//! The query list is made from the corpus itself, deterministically: frequent vocabulary
//! words, pairs of words, and verbatim 2–8 character substrings of random passages typed as
//! phrases (each must find its passage). `--write-queries` saves the list so the browser
//! benchmark runs the very same queries in WebAssembly.

use anyhow::{Context, Result};
use quxian_core::{Filters, PassageId, Query, Searcher};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct BenchArgs {
    /// The bundle file.
    bundle: PathBuf,
    /// Number of queries.
    #[arg(long, default_value_t = 1000)]
    queries: usize,
    /// Seed of the query generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write the generated queries (one per line) to this file.
    #[arg(long)]
    write_queries: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// splitmix64: a tiny, well-known deterministic generator (no dependency needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A query and, for substring queries, the passage it must find.
struct BenchQuery {
    text: String,
    must_find: Option<PassageId>,
}

fn make_queries(searcher: &Searcher, count: usize, seed: u64) -> Vec<BenchQuery> {
    let corpus = searcher.corpus();
    let mut rng = Rng(seed);
    let mut words: Vec<&(String, u32)> =
        corpus.vocabulary.iter().filter(|(_, n)| *n >= 2).collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    words.truncate(2000);
    let mut out = Vec::with_capacity(count);
    while out.len() < count && !corpus.passages.is_empty() {
        match out.len() % 4 {
            0 | 1 if !words.is_empty() => {
                let w = &words[rng.below(words.len())].0;
                out.push(BenchQuery {
                    text: w.clone(),
                    must_find: None,
                });
            }
            2 if words.len() > 1 => {
                let a = &words[rng.below(words.len())].0;
                let b = &words[rng.below(words.len())].0;
                out.push(BenchQuery {
                    text: format!("{a} {b}"),
                    must_find: None,
                });
            }
            _ => {
                let id = PassageId(rng.below(corpus.passages.len()) as u32);
                let chars: Vec<char> = corpus.passage_text(id).chars().collect();
                let len = 2 + rng.below(7);
                if chars.len() < len {
                    continue;
                }
                let at = rng.below(chars.len() - len + 1);
                let sub: String = chars[at..at + len].iter().collect();
                if sub.contains('"') {
                    continue;
                }
                out.push(BenchQuery {
                    text: format!("\"{sub}\""),
                    must_find: Some(id),
                });
            }
        }
    }
    out
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub fn run(args: BenchArgs) -> Result<()> {
    let load = Instant::now();
    let corpus = crate::load_bundle(&args.bundle)?;
    let decoded = load.elapsed();
    let indexing = Instant::now();
    let searcher = Searcher::new(corpus);
    let indexed = indexing.elapsed();
    let queries = make_queries(&searcher, args.queries, args.seed);
    if let Some(path) = &args.write_queries {
        let lines: Vec<&str> = queries.iter().map(|q| q.text.as_str()).collect();
        std::fs::write(path, lines.join("\n") + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    // One untimed pass warms caches, then every query is timed once.
    let parsed: Vec<Query> = queries
        .iter()
        .map(|q| Query::parse(&q.text))
        .collect::<Result<_, _>>()?;
    for q in &parsed {
        std::hint::black_box(searcher.search(q, &Filters::default(), 20));
    }
    let mut times = Vec::with_capacity(parsed.len());
    let (mut checked, mut found) = (0usize, 0usize);
    for (q, bq) in parsed.iter().zip(&queries) {
        let t = Instant::now();
        let r = searcher.search(q, &Filters::default(), 20);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        if let Some(id) = bq.must_find {
            checked += 1;
            found += searcher.matching_passages(q).contains(&id) as usize;
        }
        std::hint::black_box(r);
    }
    times.sort_by(f64::total_cmp);
    let (p50, p95, p99) = (
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
    );
    let max = times.last().copied().unwrap_or(0.0);
    let c = searcher.corpus();
    if args.json {
        println!(
            "{}",
            json!({
                "documents": c.docs.len(), "passages": c.passages.len(), "text_bytes": c.text_bytes(),
                "vocabulary": c.vocabulary.len(),
                "decode_ms": decoded.as_secs_f64() * 1e3, "index_ms": indexed.as_secs_f64() * 1e3,
                "queries": times.len(), "p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "max_ms": max,
                "substring_queries": checked, "substring_found": found,
            })
        );
    } else {
        println!(
            "corpus    {} documents, {} passages, {:.1} MB text, {} vocabulary words",
            c.docs.len(),
            c.passages.len(),
            c.text_bytes() as f64 / 1e6,
            c.vocabulary.len()
        );
        println!(
            "load      decode {:.0} ms, index {:.0} ms",
            decoded.as_secs_f64() * 1e3,
            indexed.as_secs_f64() * 1e3
        );
        println!(
            "queries   {} : p50 {p50:.3} ms, p95 {p95:.3} ms, p99 {p99:.3} ms, max {max:.3} ms",
            times.len()
        );
        println!("recall    {found}/{checked} verbatim substrings found as phrases");
    }
    Ok(())
}
