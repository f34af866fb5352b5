//! `quxian search`: run one query against a bundle or a site folder; `--json` prints the
//! documented shape.

use crate::site_search;
use anyhow::Result;
use quxian_core::{
    Date, DateRange, Filters, PassageId, PassageInfo, Query, SearchResults, Searcher, SiteIndex,
    SortOrder,
};
use serde_json::{json, Map, Value};
use std::path::PathBuf;

/// Version of the `--json` output shape (see README "JSON formats").
const JSON_VERSION: u32 = 2;

#[derive(clap::Args)]
pub struct SearchArgs {
    /// The bundle file, or a site folder (`quxian build --site`: the site or its
    /// `quxian/` folder), read piece by piece as a browser would.
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
    /// Order of the documents: relevance, newest or oldest (undated documents last).
    #[arg(long, default_value = "relevance", value_parser = parse_sort)]
    sort: SortOrder,
    /// Keep documents dated on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    from: Option<Date>,
    /// Keep documents dated on or before this date (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    to: Option<Date>,
    /// Most passages to print.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    /// For a site: print on stderr the pieces each stage of the query read, by kind.
    #[arg(long)]
    pieces: bool,
}

fn parse_sort(s: &str) -> std::result::Result<SortOrder, String> {
    SortOrder::from_param(s).ok_or_else(|| "expected relevance, newest or oldest".to_string())
}

fn parse_date(s: &str) -> std::result::Result<Date, String> {
    Date::parse(s).ok_or_else(|| {
        "expected a date from 1900 to 2099 written YYYY, YYYY-MM or YYYY-MM-DD".to_string()
    })
}

/// What printing results needs from a bundle or a site.
trait Labels {
    fn passage_info(&self, passage: PassageId) -> Option<PassageInfo<'_>>;
    fn districts(&self) -> &[String];
    fn topics(&self) -> &[String];
}

impl Labels for Searcher {
    fn passage_info(&self, passage: PassageId) -> Option<PassageInfo<'_>> {
        self.corpus().passage_info(passage)
    }
    fn districts(&self) -> &[String] {
        &self.corpus().districts
    }
    fn topics(&self) -> &[String] {
        &self.corpus().topics
    }
}

impl Labels for SiteIndex {
    fn passage_info(&self, passage: PassageId) -> Option<PassageInfo<'_>> {
        SiteIndex::passage_info(self, passage)
    }
    fn districts(&self) -> &[String] {
        SiteIndex::districts(self)
    }
    fn topics(&self) -> &[String] {
        SiteIndex::topics(self)
    }
}

pub fn run(args: SearchArgs) -> Result<()> {
    let mut query = Query::parse(&args.query)?;
    // Flags are the same filters as inline `district:` clauses; the core resolves both.
    query.districts.extend(args.district.iter().cloned());
    query.topics.extend(args.topic.iter().cloned());
    let dates = DateRange {
        from: args.from,
        to: args.to,
    };
    // A reversed range is swapped, as the app and the site page swap it, and said so.
    let reversed = dates.reversed();
    let filters = Filters {
        dates: reversed.unwrap_or(dates),
        sort: args.sort,
        ..Filters::default()
    };
    let swapped = reversed.map(|_| "--from 晚于 --to，已对调".to_string());
    if let Some(index) = site_search::index_dir(&args.bundle) {
        // A site pages by documents; every passage of a document's group is shown.
        let (site, mut results, reads) = site_search::search(&index, &query, &filters, args.limit)?;
        results.notices.splice(0..0, swapped);
        if args.pieces {
            site_search::print_reads(&reads);
        }
        return print(&site, &results, &args);
    }
    if args.bundle.is_dir() {
        anyhow::bail!(
            "{} is a folder without a site index (quxian/site.qxs): give a bundle file or a folder made by `quxian build --site`",
            args.bundle.display()
        );
    }
    let searcher = Searcher::new(crate::load_bundle(&args.bundle)?);
    let mut results = searcher.search(&query, &filters, args.limit);
    results.notices.splice(0..0, swapped);
    print(&searcher, &results, &args)
}

fn print(source: &impl Labels, results: &SearchResults, args: &SearchArgs) -> Result<()> {
    if args.json {
        println!("{}", to_json(source, results, args.limit));
    } else {
        print_text(source, results, args.limit);
    }
    Ok(())
}

fn to_json(source: &impl Labels, results: &SearchResults, limit: usize) -> Value {
    let hits: Vec<Value> = results
        .hits()
        .filter_map(|hit| {
            let info = source.passage_info(hit.passage)?;
            Some(json!({
                "doc": info.doc.0,
                "key": info.key,
                "title": info.title,
                "date": info.date,
                "passage": info.number,
                "score": (hit.score * 1000.0).round() / 1000.0,
                "whole": hit.whole,
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
            "district": facet(&results.facets.districts, &|i| source.districts()[i].clone()),
            "topic": facet(&results.facets.topics, &|i| source.topics()[i].clone()),
            "pairs": results.facets.pairs.iter().map(|(d, t, n)| {
                json!([source.districts()[d.0 as usize], source.topics()[t.0 as usize], n])
            }).collect::<Vec<_>>(),
        },
        "notices": results.notices,
    })
}

fn print_text(source: &impl Labels, results: &SearchResults, limit: usize) {
    for n in &results.notices {
        println!("注意: {n}");
    }
    println!(
        "{} passages in {} documents",
        results.total, results.total_docs
    );
    let mut shown = 0;
    for group in &results.groups {
        let Some(info) = group
            .hits
            .first()
            .and_then(|h| source.passage_info(h.passage))
        else {
            continue;
        };
        println!("\n{} [{}]", info.title, info.key);
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
            let number = source.passage_info(hit.passage).map_or(0, |i| i.number);
            println!("  §{number} ({:.2}) {marked}", hit.score);
        }
    }
}
