//! Search quality on natural queries (issue 10), against the hand-labelled judgements in
//! `tests/labels/queries.tsv` (format in its header) on the 227 Chongqing news articles of
//! `../shared/corpora` (skipped without them):
//! - top-5 precision: of the first five passages a reader sees (documents best first, each
//!   with its best [`SHOWN_PER_DOCUMENT`] passages, as the explorer lists them before
//!   另有 N 段), the share judged relevant. A query with fewer than five relevant passages
//!   is judged on its first |relevant| passages instead (R-precision), since no ranking can
//!   put five relevant passages first there; the plain P@5 is printed too. A passage nobody
//!   judged counts as not relevant and is printed, so the pool can be extended;
//! - recall: of the passages judged relevant, the share the search returns at all.
//!
//! Both are averaged over the queries. Issue 10's targets are top-5 precision ≥ 0.95 and
//! recall ≥ 0.85; precision is not met (see BENCHMARKS.md), so it is held at today's
//! measure ([`PRECISION_FLOOR`]): a change that ranks worse fails here.
//! Run `cargo test -p quxian-core --features default-dict --test queries -- --nocapture`
//! to see every query's numbers and misses.

use quxian_core::{
    Corpus, CorpusBuilder, Filters, Gazetteer, Hit, Lexicon, Query, Searcher, Segmenter,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Mean top-5 precision measured on 4 Dec 2026 (0.875 on 3 Dec; 0.895 once a document lists
/// its passages holding the whole query first and shows only those); the target is 0.95.
const PRECISION_FLOOR: f64 = 0.89;
/// Mean recall: the target, met.
const RECALL_TARGET: f64 = 0.85;

/// Passages the explorer shows per document before 另有 N 段 (`SHOWN` in
/// `web/src/components/doc_group.rs`).
const SHOWN_PER_DOCUMENT: usize = 2;

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

/// Every passage the search lists for `query`, and the passages a reader sees first (each
/// document's best, as `DocGroup::first_shown` picks them), both in display order.
fn listed(searcher: &Searcher, query: &str) -> (Vec<PassageRef>, Vec<PassageRef>) {
    let parsed = Query::parse(query).expect("query parses");
    let results = searcher.search(&parsed, &Filters::default(), usize::MAX);
    let corpus = searcher.corpus();
    let named = |hits: &[Hit]| -> Vec<PassageRef> {
        hits.iter()
            .filter_map(|h| corpus.passage_info(h.passage))
            .map(|info| (info.key.to_string(), info.number))
            .collect::<Vec<_>>()
    };
    let all = results.groups.iter().flat_map(|g| named(&g.hits)).collect();
    let seen = results
        .groups
        .iter()
        .flat_map(|g| named(&g.hits[..g.first_shown(SHOWN_PER_DOCUMENT)]))
        .collect();
    (all, seen)
}

/// One query's measures.
struct Measured {
    /// Relevant among the first min(5, |relevant|) passages seen, as a share.
    precision: f64,
    /// Relevant among the first five passages seen, out of five.
    plain_precision: f64,
    recall: f64,
}

/// Measure one query, printing its numbers and misses; passages seen in its top five that
/// nobody judged go to `unjudged`.
fn measure(
    searcher: &Searcher,
    query: &str,
    j: &Judged,
    unjudged: &mut Vec<PassageRef>,
) -> Measured {
    let (list, seen) = listed(searcher, query);
    let top = &seen[..seen.len().min(5)];
    let relevant_in = |ps: &[PassageRef]| ps.iter().filter(|p| j.relevant.contains(*p)).count();
    let judged_at = 5.min(j.relevant.len()).max(1);
    let good = relevant_in(&top[..top.len().min(judged_at)]);
    let found = j.relevant.iter().filter(|r| list.contains(r)).count();
    let m = Measured {
        precision: good as f64 / judged_at as f64,
        plain_precision: relevant_in(top) as f64 / 5.0,
        recall: if j.relevant.is_empty() {
            1.0
        } else {
            found as f64 / j.relevant.len() as f64
        },
    };
    unjudged.extend(
        top.iter()
            .filter(|p| !j.relevant.contains(*p) && !j.not_relevant.contains(*p))
            .cloned(),
    );
    let missed: Vec<&PassageRef> = j.relevant.iter().filter(|r| !list.contains(r)).collect();
    println!(
        "{query}: top-5 precision {:.2} ({good} of {judged_at}; P@5 {:.2}), recall {:.2} ({found} of {}) of {} listed{}",
        m.precision,
        m.plain_precision,
        m.recall,
        j.relevant.len(),
        list.len(),
        if missed.is_empty() { String::new() } else { format!("; missed {missed:?}") }
    );
    m
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
    let mut unjudged: BTreeMap<&str, Vec<PassageRef>> = BTreeMap::new();
    let all: Vec<Measured> = judged
        .iter()
        .map(|(query, j)| measure(&searcher, query, j, unjudged.entry(query).or_default()))
        .collect();
    let mean = |f: fn(&Measured) -> f64| all.iter().map(f).sum::<f64>() / all.len() as f64;
    let (p, r) = (mean(|m| m.precision), mean(|m| m.recall));
    println!(
        "{} queries: mean top-5 precision {p:.3} (plain P@5 {:.3}), mean recall {r:.3}",
        all.len(),
        mean(|m| m.plain_precision)
    );
    for (query, passages) in unjudged.iter().filter(|(_, ps)| !ps.is_empty()) {
        println!("  unjudged in the top 5 of {query}: {passages:?}");
    }
    assert!(
        p >= PRECISION_FLOOR,
        "top-5 precision {p:.3} < {PRECISION_FLOOR}"
    );
    assert!(r >= RECALL_TARGET, "recall {r:.3} < {RECALL_TARGET}");
}
