//! End-to-end tests of the core through its public API: seed files → corpus → bundle →
//! search, facets and snippets.

use proptest::prelude::*;
use quxian_core::{
    Corpus, CorpusBuilder, Filters, Gazetteer, Lexicon, PassageId, Query, Searcher, Segmenter,
};
use std::path::PathBuf;
use std::sync::OnceLock;

fn seed_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

/// The seed corpus, built once for all tests (jieba's dictionary takes a moment to load).
fn seeds() -> &'static Searcher {
    static SEARCHER: OnceLock<Searcher> = OnceLock::new();
    SEARCHER.get_or_init(|| {
        let mut builder = chongqing_builder();
        for (name, bytes) in seed_files() {
            builder.add_file(&name, &bytes);
        }
        let (corpus, report) = builder.finish();
        assert!(
            report.skipped.is_empty(),
            "seed files skipped: {:?}",
            report.skipped
        );
        // Everything below runs on a corpus that went through the bundle format.
        Searcher::new(Corpus::from_bundle(&corpus.to_bundle()).expect("own bundle loads"))
    })
}

#[test]
fn seeds_have_expected_main_districts() {
    let corpus = seeds().corpus();
    assert_eq!(corpus.docs.len(), 5);
    for doc in &corpus.docs {
        let main: Vec<&str> = doc
            .main_districts
            .iter()
            .map(|d| corpus.district_name(*d))
            .collect();
        let expected = if doc.key.starts_with("004") {
            "渝北"
        } else {
            "北碚"
        };
        assert_eq!(
            main.first().copied(),
            Some(expected),
            "main districts of {} ({}): {main:?}",
            doc.key,
            doc.title
        );
    }
}

#[test]
fn every_passage_has_text_and_inherits_districts() {
    let corpus = seeds().corpus();
    for (i, p) in corpus.passages.iter().enumerate() {
        let text = corpus.passage_text(PassageId(i as u32));
        assert!(!text.trim().is_empty(), "passage {i} is empty");
        assert!(
            !p.districts.is_empty(),
            "passage {i} has no district (should inherit): {text}"
        );
    }
}

#[test]
fn search_finds_and_highlights() {
    let s = seeds();
    let r = s.search(&Query::parse("缙云山").unwrap(), &Filters::default(), 10);
    assert!(r.total > 0, "缙云山 is in seed 003");
    for g in &r.groups {
        for h in &g.hits {
            let marked: Vec<&str> = h
                .snippet
                .pieces()
                .into_iter()
                .filter(|p| p.1)
                .map(|p| p.0)
                .collect();
            assert!(
                marked.contains(&"缙云山"),
                "highlight in {:?}",
                h.snippet.text
            );
        }
    }
}

/// The passages a query finds, in order.
fn passages_of(s: &Searcher, query: &str) -> Vec<PassageId> {
    let r = s.search(
        &Query::parse(query).unwrap(),
        &Filters::default(),
        usize::MAX,
    );
    r.groups
        .iter()
        .flat_map(|g| g.hits.iter().map(|h| h.passage))
        .collect()
}

#[test]
fn variants_of_a_query_find_the_same_passages() {
    let s = seeds();
    for (variant, plain) in [
        ("縉雲山", "缙云山"),
        ("重慶", "重庆"),
        ("科技創新", "科技创新"),
        ("兩江新區", "两江新区"),
        ("“縉雲山”", "“缙云山”"),
        ("２０２０", "2020"),
        ("北碚区", "北碚"),
        ("渝北区", "渝北"),
    ] {
        let want = passages_of(s, plain);
        assert!(!want.is_empty(), "{plain} is in the seeds");
        assert_eq!(passages_of(s, variant), want, "{variant} vs {plain}");
    }
}

#[test]
fn a_traditional_document_is_found_by_a_simplified_query() {
    let gazetteer = Gazetteer::chongqing();
    let lexicon = Lexicon::default_topics();
    let segmenter = Segmenter::with_default_dict(&gazetteer, &lexicon);
    let mut builder = CorpusBuilder::new(segmenter, gazetteer, lexicon);
    builder.add_document(quxian_core::RawDoc {
        key: "fan".into(),
        title: "縉雲山雲海".into(),
        text: "北碚區的縉雲山今晨出現雲海，遊客眾多。".into(),
        date: None,
        source: None,
        url: None,
    });
    let s = Searcher::new(builder.finish().0);
    let corpus = s.corpus();
    let main: Vec<&str> = corpus.docs[0]
        .main_districts
        .iter()
        .map(|d| corpus.district_name(*d))
        .collect();
    assert_eq!(main, ["北碚"], "北碚區 and 縉雲山 name 北碚 once folded");
    for query in ["缙云山", "縉雲山", "游客"] {
        let r = s.search(&Query::parse(query).unwrap(), &Filters::default(), 10);
        assert_eq!(r.total, 1, "{query}");
        let marked: Vec<&str> = r.groups[0].hits[0]
            .snippet
            .pieces()
            .into_iter()
            .filter(|p| p.1)
            .map(|p| p.0)
            .collect();
        assert!(
            !marked.is_empty(),
            "{query}: highlight in the original script"
        );
    }
}

#[test]
fn facets_and_filters_agree() {
    let s = seeds();
    let corpus = s.corpus();
    let beibei = corpus
        .district_by_name("北碚区")
        .expect("北碚区 resolves as an alias");
    let all = s.search(&Query::parse("").unwrap(), &Filters::default(), usize::MAX);
    assert_eq!(all.total, corpus.passages.len());
    let f = Filters {
        districts: vec![beibei],
        ..Filters::default()
    };
    let filtered = s.search(&Query::parse("").unwrap(), &f, usize::MAX);
    assert_eq!(
        filtered.total as u32,
        all.facets.districts[beibei.0 as usize]
    );
    for g in &filtered.groups {
        for h in &g.hits {
            assert!(corpus
                .passage(h.passage)
                .unwrap()
                .districts
                .contains(&beibei));
        }
    }
}

/// Search for `phrase` as a quoted phrase and return the matching passages.
fn phrase_hits(s: &Searcher, phrase: &str) -> Vec<PassageId> {
    let q = Query::parse(&format!("\"{phrase}\"")).unwrap();
    s.search(&q, &Filters::default(), usize::MAX)
        .groups
        .iter()
        .flat_map(|g| g.hits.iter().map(|h| h.passage))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// Every verbatim substring of 2–8 characters of a passage finds that passage.
    #[test]
    fn random_substrings_are_found(p in any::<prop::sample::Index>(), start in any::<prop::sample::Index>(), len in 2usize..=8) {
        let s = seeds();
        let corpus = s.corpus();
        let id = PassageId(p.index(corpus.passages.len()) as u32);
        let chars: Vec<char> = corpus.passage_text(id).chars().collect();
        prop_assume!(chars.len() >= len);
        let at = start.index(chars.len() - len + 1);
        let sub: String = chars[at..at + len].iter().collect();
        prop_assume!(!sub.contains('"'));
        let hits = phrase_hits(s, &sub);
        prop_assert!(hits.contains(&id), "substring {:?} of passage {} not found", sub, id.0);
    }
}

/// The seed files in name order, as (name, bytes).
fn seed_files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(seed_dir())
        .expect("corpus/ holds the seed files")
        .map(|e| e.expect("readable dir entry").path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read(f).unwrap())
        })
        .collect()
}

fn chongqing_builder() -> CorpusBuilder {
    let gazetteer = Gazetteer::chongqing();
    let lexicon = Lexicon::default_topics();
    let segmenter = Segmenter::with_default_dict(&gazetteer, &lexicon);
    CorpusBuilder::new(segmenter, gazetteer, lexicon)
}

/// A snapshot taken during a build is the bundle a build of the files so far finishes
/// with, and taking it changes nothing in the build that goes on.
#[test]
fn a_snapshot_is_the_build_of_the_files_so_far() {
    let files = seed_files();
    assert!(files.len() >= 3, "the seeds have several files");
    let half = files.len() / 2;
    let mut running = chongqing_builder();
    let mut first_half = chongqing_builder();
    for (name, bytes) in &files[..half] {
        running.add_file(name, bytes);
        first_half.add_file(name, bytes);
    }
    let snapshot = Corpus::from_bundle(&running.snapshot_bundle()).expect("a snapshot loads");
    assert_eq!(snapshot, first_half.finish().0);
    assert!(
        !snapshot.vocabulary.is_empty(),
        "the snapshot can segment queries"
    );

    let mut uninterrupted = chongqing_builder();
    for (name, bytes) in &files {
        uninterrupted.add_file(name, bytes);
    }
    for (name, bytes) in &files[half..] {
        running.add_file(name, bytes);
    }
    assert_eq!(running.finish().0, uninterrupted.finish().0);
}

/// Documents of a finished corpus added again (a `.qx` library imported, or re-annotated)
/// give the same corpus: the same texts, passages and annotations with the same data
/// files. A long title without punctuation (cut for display, its own line before a short
/// body) used to be joined to the body when the stored text was normalized again.
#[test]
fn stored_documents_added_again_give_the_same_corpus() {
    let mut first = chongqing_builder();
    for (name, bytes) in seed_files() {
        first.add_file(&name, &bytes);
    }
    let record = |title: &str, text: &str| {
        format!(r#"{{"title": "{title}", "text": "{text}", "date": "2026-04-01"}}"#)
    };
    let jsonl = [
        record(
            "重庆市北碚区召开二〇二六年第一季度生态环境保护工作推进会议暨缙云山保护区专项整治部署会",
            "会议要求各单位压实责任，推进整改。",
        ),
        record("", "没有标题的记录，缙云山。"),
        record("短标题", "短标题之后的正文在北碚。"),
    ]
    .join("\n");
    first.add_file("档案.jsonl", jsonl.as_bytes());
    let (corpus, _) = first.finish();
    assert!(
        corpus.docs.iter().any(|d| d.title.ends_with('…')),
        "a cut title"
    );

    let mut again = chongqing_builder();
    for doc in &corpus.docs {
        assert!(again.add_stored_document(doc), "{}", doc.key);
    }
    assert_eq!(again.finish().0, corpus);
}

/// A document's date is kept as a date: written any way people write one, it is stored as
/// `YYYY[-MM[-DD]]`; a field that holds no date gives the document none.
#[test]
fn dates_are_stored_as_dates() {
    let lines = [
        r#"{"text":"一","date":"2026年5月1日"}"#,
        r#"{"text":"二","date":"2026-05-01T08:00:00+08:00"}"#,
        r#"{"text":"三","date":20260501}"#,
        r#"{"text":"四","date":"abc"}"#,
        r#"{"text":"五","date":"0000-00-00"}"#,
        r#"{"text":"六","date":"2026-05"}"#,
    ];
    let mut builder = chongqing_builder();
    builder.add_file("d.jsonl", lines.join("\n").as_bytes());
    let (corpus, _) = builder.finish();
    let dates: Vec<Option<&str>> = corpus.docs.iter().map(|d| d.date.as_deref()).collect();
    let day = Some("2026-05-01");
    assert_eq!(dates, [day, day, day, None, None, Some("2026-05")]);
}
