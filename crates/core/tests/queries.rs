//! Search quality on natural queries (issue 10), against the hand-labelled judgements in
//! `tests/labels/queries.tsv` (format in its header) on the 227 Chongqing news articles of
//! `../shared/corpora` (skipped without them):
//! - top-5 precision: of the first five passages listed (documents best first, their
//!   passages best first, as the explorer shows them), the share judged relevant; a passage
//!   nobody judged counts as not relevant and is printed, so the pool can be extended;
//! - recall: of the passages judged relevant, the share the search returns at all.
//!
//! Both are averaged over the queries. Targets: top-5 precision ≥ 0.95, recall ≥ 0.85.
//! Run `cargo test -p quxian-core --features default-dict --test queries -- --nocapture`
//! to see every query's numbers and misses.

use quxian_core::{Corpus, CorpusBuilder, Filters, Gazetteer, Lexicon, Query, Searcher, Segmenter};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// A passage as the label file names it: document key and 0-based passage number.
type PassageRef = (String, u32);

/// The judgements of one query.
#[derive(Default)]
struct Judged {
    relevant: BTreeSet<PassageRef>,
    not_relevant: BTreeSet<PassageRef>,
}

fn articles_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/docs/cqnews_cbg")
}

/// Judgements by query, in file order.
fn judgements() -> Vec<(String, Judged)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/labels/queries.tsv");
    let text = std::fs::read_to_string(path).expect("label file");
    let mut out: Vec<(String, Judged)> = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let f: Vec<&str> = line.split('\t').collect();
        let [query, key, passage, verdict, ..] = f[..] else {
            panic!("a label line needs query, key, passage, R/N: {line}");
        };
        let passage = (key.to_string(), passage.parse().expect("passage number"));
        if out.last().map(|(q, _)| q.as_str()) != Some(query) {
            assert!(
                out.iter().all(|(q, _)| q != query),
                "{query}: its lines must be together"
            );
            out.push((query.to_string(), Judged::default()));
        }
        let judged = &mut out.last_mut().expect("pushed above").1;
        match verdict {
            "R" => judged.relevant.insert(passage),
            "N" => judged.not_relevant.insert(passage),
            other => panic!("verdict must be R or N, not {other}: {line}"),
        };
    }
    out
}

/// The articles, built as `quxian build` builds them (file names as keys).
fn corpus() -> Option<Corpus> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(articles_dir())
        .ok()?
        .map(|e| e.expect("directory entry").path())
        .collect();
    files.sort();
    let gazetteer = Gazetteer::chongqing();
    let lexicon = Lexicon::default_topics();
    let segmenter = Segmenter::with_default_dict(&gazetteer, &lexicon);
    let mut builder = CorpusBuilder::new(segmenter, gazetteer, lexicon);
    for path in &files {
        let name = path.file_name().expect("file name").to_string_lossy();
        builder.add_file(&name, &std::fs::read(path).expect("article"));
    }
    Some(builder.finish().0)
}

/// Every passage the search lists for `query`, in display order.
fn listed(searcher: &Searcher, query: &str) -> Vec<PassageRef> {
    let parsed = Query::parse(query).expect("query parses");
    let results = searcher.search(&parsed, &Filters::default(), usize::MAX);
    let corpus = searcher.corpus();
    results
        .hits()
        .filter_map(|h| corpus.passage_info(h.passage))
        .map(|info| (info.key.to_string(), info.number))
        .collect()
}

#[test]
fn natural_queries_find_relevant_passages_first() {
    let judged = judgements();
    assert!(judged.len() >= 40, "{} queries labelled", judged.len());
    let Some(corpus) = corpus() else {
        eprintln!("skipped: {} not found", articles_dir().display());
        return;
    };
    let keys: BTreeSet<&str> = corpus.docs.iter().map(|d| d.key.as_str()).collect();
    for (query, j) in &judged {
        for (key, _) in j.relevant.iter().chain(&j.not_relevant) {
            assert!(keys.contains(key.as_str()), "{query}: no document {key}");
        }
    }
    let searcher = Searcher::new(corpus);
    let mut precision = Vec::new();
    let mut recall = Vec::new();
    let mut unjudged: BTreeMap<&str, Vec<PassageRef>> = BTreeMap::new();
    for (query, j) in &judged {
        let list = listed(&searcher, query);
        let top: Vec<&PassageRef> = list.iter().take(5).collect();
        let good = top.iter().filter(|p| j.relevant.contains(**p)).count();
        let p = if top.is_empty() {
            0.0
        } else {
            good as f64 / top.len() as f64
        };
        let found = j.relevant.iter().filter(|r| list.contains(r)).count();
        let r = if j.relevant.is_empty() {
            1.0
        } else {
            found as f64 / j.relevant.len() as f64
        };
        for t in &top {
            if !j.relevant.contains(*t) && !j.not_relevant.contains(*t) {
                unjudged.entry(query).or_default().push((*t).clone());
            }
        }
        let missed: Vec<&PassageRef> = j.relevant.iter().filter(|r| !list.contains(r)).collect();
        println!(
            "{query}: top-5 precision {p:.2} ({good} of {}), recall {r:.2} ({found} of {}) of {} listed{}",
            top.len(),
            j.relevant.len(),
            list.len(),
            if missed.is_empty() { String::new() } else { format!("; missed {missed:?}") }
        );
        precision.push(p);
        recall.push(r);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (p, r) = (mean(&precision), mean(&recall));
    println!(
        "{} queries: mean top-5 precision {p:.3}, mean recall {r:.3}",
        judged.len()
    );
    for (query, passages) in &unjudged {
        println!("  unjudged in the top 5 of {query}: {passages:?}");
    }
    assert!(p >= 0.95, "top-5 precision {p:.3} < 0.95");
    assert!(r >= 0.85, "recall {r:.3} < 0.85");
}
