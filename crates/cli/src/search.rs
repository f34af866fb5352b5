//! `quxian search`: run one query against a bundle; `--json` prints the documented shape.

use anyhow::Result;
use quxian_core::{Filters, Query, SearchResults, Searcher};
use serde_json::{json, Map, Value};
use std::path::PathBuf;

/// Version of the `--json` output shape (see README "JSON formats").
const JSON_VERSION: u32 = 1;

#[derive(clap::Args)]
pub struct SearchArgs {
    /// The bundle file.
    bundle: PathBuf,
    /// The query: words, "phrases", -exclusions, district:名 topic:名. May be empty. A
    /// query that starts with `-` (an exclusion) is a query, not an option.
    #[arg(default_value = "", allow_hyphen_values = true)]
    query: String,
    /// Keep passages in this district (repeat for OR).
    #[arg(long)]
    district: Vec<String>,
    /// Keep passages with this topic (repeat for OR).
    #[arg(long)]
    topic: Vec<String>,
    /// Most passages to print.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(args: SearchArgs) -> Result<()> {
    let searcher = Searcher::new(crate::load_bundle(&args.bundle)?);
    let mut query = Query::parse(&args.query)?;
    // Flags are the same filters as inline `district:` clauses; the core resolves both.
    query.districts.extend(args.district.iter().cloned());
    query.topics.extend(args.topic.iter().cloned());
    let results = searcher.search(&query, &Filters::default(), args.limit);
    if args.json {
        println!("{}", to_json(&searcher, &results, args.limit));
    } else {
        print_text(&searcher, &results, args.limit);
    }
    Ok(())
}

fn to_json(searcher: &Searcher, results: &SearchResults, limit: usize) -> Value {
    let corpus = searcher.corpus();
    let hits: Vec<Value> = results
        .hits()
        .filter_map(|hit| {
            let info = corpus.passage_info(hit.passage)?;
            Some(json!({
                "doc": info.doc.0,
                "key": info.key,
                "title": info.title,
                "passage": info.number,
                "score": (hit.score * 1000.0).round() / 1000.0,
                "text": hit.snippet.text,
                "highlights": hit.snippet.char_highlights(),
                "districts": info.districts,
                "topics": info.topics,
            }))
        })
        .take(limit)
        .collect();
    let facet = |counts: &[u32], name: &dyn Fn(usize) -> String| -> Map<String, Value> {
        counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (name(i), json!(n)))
            .collect()
    };
    json!({
        "version": JSON_VERSION,
        "total": results.total,
        "total_docs": results.total_docs,
        "hits": hits,
        "facets": {
            "district": facet(&results.facets.districts, &|i| corpus.districts[i].clone()),
            "topic": facet(&results.facets.topics, &|i| corpus.topics[i].clone()),
        },
        "notices": results.notices,
    })
}

fn print_text(searcher: &Searcher, results: &SearchResults, limit: usize) {
    let corpus = searcher.corpus();
    for n in &results.notices {
        println!("注意: {n}");
    }
    println!(
        "{} passages in {} documents",
        results.total, results.total_docs
    );
    let mut shown = 0;
    for group in &results.groups {
        let Some(doc) = corpus.doc(group.doc) else {
            continue;
        };
        println!("\n{} [{}]", doc.title, doc.key);
        for hit in &group.hits {
            if shown == limit {
                return;
            }
            shown += 1;
            let marked: String = hit
                .snippet
                .pieces()
                .iter()
                .map(|(t, hl)| {
                    if *hl {
                        format!("【{t}】")
                    } else {
                        t.to_string()
                    }
                })
                .collect();
            println!(
                "  §{} ({:.2}) {marked}",
                hit.passage.0 - doc.passages.start,
                hit.score
            );
        }
    }
}
