//! A site must answer exactly like the in-memory [`Searcher`] over the same corpus: same
//! totals, ranking, scores, facets and snippets, for any corpus and query.

use super::*;
use crate::testutil::corpus_of;
use crate::{Corpus, DistrictId, Filters, PieceProblem, Query, SearchResults, Searcher, TopicId};
use proptest::prelude::*;
use std::collections::HashMap;

/// Write `corpus` as a site into memory, its gram postings in three passes (so that every
/// test reads a site written in several).
fn site_files(corpus: &Corpus) -> (HashMap<String, Vec<u8>>, SiteSummary) {
    site_files_in_passes(corpus, 3)
}

/// Write `corpus` as a site into memory, its gram postings in `passes` passes.
fn site_files_in_passes(corpus: &Corpus, passes: u32) -> (HashMap<String, Vec<u8>>, SiteSummary) {
    let files = std::sync::Mutex::new(HashMap::new());
    let last = std::sync::Mutex::new(String::new());
    let emit = |name: &str, bytes: &[u8]| {
        files
            .lock()
            .unwrap()
            .insert(name.to_string(), bytes.to_vec());
        *last.lock().unwrap() = name.to_string();
        Ok(())
    };
    let summary = write::write_site_in_passes(corpus, emit, |_| {}, Some(passes)).unwrap();
    assert_eq!(
        last.into_inner().unwrap(),
        META_NAME,
        "the meta is written last"
    );
    (files.into_inner().unwrap(), summary)
}

/// Search a site the way a browser does: add what `step` asks for until it answers.
/// Returns the results and the names of the pieces fetched.
fn site_search(
    files: &HashMap<String, Vec<u8>>,
    query: &Query,
    filters: &Filters,
    page: SitePage,
) -> (SearchResults, Vec<String>) {
    let mut site = SiteIndex::open(&files[META_NAME]).unwrap();
    settle(&mut site, files, query, filters, page)
}

/// Step a search on `site` until it answers, adding what it asks for; returns the results
/// and the names of the pieces added.
fn settle(
    site: &mut SiteIndex,
    files: &HashMap<String, Vec<u8>>,
    query: &Query,
    filters: &Filters,
    page: SitePage,
) -> (SearchResults, Vec<String>) {
    let mut fetched = Vec::new();
    for _ in 0..10 {
        let needs = match site.step(query, filters, page) {
            SiteStep::Done(results) => return (*results, fetched),
            SiteStep::Fetch(needs) => needs,
        };
        for name in needs {
            site.add(&name, &files[&name]).unwrap();
            fetched.push(name);
        }
    }
    panic!("the search did not settle for {query:?}");
}

/// A corpus of `passages` in turn, `per_document` to a document.
fn documents_of(passages: &[String], per_document: usize) -> Corpus {
    let docs: Vec<Vec<&str>> = passages
        .chunks(per_document)
        .map(|c| c.iter().map(String::as_str).collect())
        .collect();
    let slices: Vec<&[&str]> = docs.iter().map(Vec::as_slice).collect();
    corpus_of(&slices)
}

fn annotate(corpus: &mut Corpus) {
    corpus.districts = vec!["北碚".into(), "渝北".into()];
    corpus.district_aliases = vec![("北碚区".into(), DistrictId(0))];
    corpus.topics = vec!["科技创新".into(), "交通".into()];
    for (i, doc) in corpus.docs.iter_mut().enumerate() {
        doc.date = match i % 3 {
            0 => Some(format!("2026-04-{:02}", i % 28 + 1)),
            1 => Some("2025".to_string()),
            _ => None,
        };
    }
    for (i, p) in corpus.passages.iter_mut().enumerate() {
        p.districts = [DistrictId((i % 2) as u16)]
            .into_iter()
            .take(i % 3)
            .collect();
        p.topics = [TopicId((i % 2) as u16)]
            .into_iter()
            .take(i % 4 / 2 + 1)
            .collect();
    }
}

fn assert_same(corpus: Corpus, queries: &[&str]) {
    let (files, _) = site_files(&corpus);
    let searcher = Searcher::new(corpus);
    // One reader for every search, as a page keeps it, made to drop pieces between
    // searches.
    let mut shared = SiteIndex::open(&files[META_NAME]).unwrap();
    // (bytes, documents): nothing dropped; the least recently used pieces beyond a few KB,
    // their documents kept; the same but every document dropped (and so every piece); all.
    let bounds = [
        (usize::MAX, usize::MAX),
        (3_000, usize::MAX),
        (3_000, 1),
        (0, 0),
    ];
    let mut bounds = bounds.into_iter().cycle();
    for q in queries {
        let query = Query::parse(q).unwrap();
        for filters in [
            Filters::default(),
            Filters {
                districts: vec![DistrictId(1)],
                topics: vec![],
                ..Filters::default()
            },
            Filters {
                sort: crate::SortOrder::Newest,
                ..Filters::default()
            },
            Filters {
                dates: crate::DateRange {
                    from: crate::Date::parse("2026-04-02"),
                    to: None,
                },
                sort: crate::SortOrder::Oldest,
                ..Filters::default()
            },
        ] {
            let want = searcher.search(&query, &filters, 3);
            let asked = |facets, per_document| SitePage {
                offset: 0,
                limit: 3,
                facets,
                per_document,
                whole_passages: false,
            };
            let (got, fetched) = site_search(&files, &query, &filters, asked(true, usize::MAX));
            assert_eq!(got, want, "query {q:?}, filters {filters:?}");
            let (bound, documents) = bounds.next().unwrap_or((0, 0));
            shared.make_room(bound, documents);
            assert!(bound == usize::MAX || shared.held_bytes() <= bound);
            // As the site page asks: the page, then its counts (scored once, see
            // `SearchSource::scored_matches`).
            settle(&mut shared, &files, &query, &filters, asked(false, 3));
            let (again, _) = settle(&mut shared, &files, &query, &filters, asked(true, 3));
            let (mut first_three, _) = site_search(&files, &query, &filters, asked(true, 3));
            assert_eq!(
                again, first_three,
                "query {q:?} after dropping pieces to {bound}"
            );
            for hit in first_three.groups.drain(..).flat_map(|g| g.hits) {
                assert!(
                    shared.passage_info(hit.passage).is_some(),
                    "{q:?}: a shown passage's document"
                );
            }
            // The texts of the passages shown carry their documents' metadata: a page
            // never waits for a documents piece.
            let docs_pieces = fetched.iter().filter(|n| n.starts_with("d-")).count();
            assert_eq!(docs_pieces, 0, "query {q:?} fetched documents pieces");
            // Without facets: the same page, and no passage table fetched for phrases of
            // two chars or more unless the ranking needs labels (a filter) or dates.
            let (mut page, fetched) =
                site_search(&files, &query, &filters, asked(false, usize::MAX));
            let tables = fetched
                .iter()
                .filter(|n| n.starts_with("t-") || n.starts_with("u-"))
                .count();
            let long = |t: &String| t.chars().filter(|c| c.is_alphanumeric()).count() >= 2;
            if query.text.is_empty()
                && !query.phrases.is_empty()
                && query.phrases.iter().all(long)
                && filters.districts.is_empty()
                && filters.dates.is_all()
                && filters.sort == crate::SortOrder::Relevance
                && query.districts.is_empty()
                && query.topics.is_empty()
            {
                assert_eq!(tables, 0, "query {q:?} fetched tables for its first page");
            }
            page.facets = want.facets.clone();
            // The timeline is counted with the facets (both need the passage tables).
            page.timeline = want.timeline.clone();
            page.undated = want.undated;
            assert_eq!(
                page, want,
                "query {q:?} without facets, filters {filters:?}"
            );
            // The best passage of each document only: the same page with one hit per
            // document, each still counting every match of its document.
            let (best, _) = site_search(&files, &query, &filters, asked(true, 1));
            let mut one_each = want.clone();
            one_each.groups.iter_mut().for_each(|g| g.hits.truncate(1));
            assert_eq!(best, one_each, "query {q:?}, one passage per document");
        }
    }
}

#[test]
fn same_results_as_the_in_memory_searcher() {
    let mut corpus = corpus_of(&[
        &["北碚区科技创新走在前列。", "缙云山生态保护，北碚北碚北碚。"],
        &[
            "渝北区科技产业发展迅速，科技创新。",
            "交通建设 5G AI Lab 4.4%。",
        ],
        &["北北北北北。", "ai lab 与 ailab 不同。"],
    ]);
    corpus.docs[1].title = "渝北科技创新".into();
    corpus.vocabulary = vec![
        ("科技".into(), 5),
        ("创新".into(), 5),
        ("科技创新".into(), 3),
        ("北碚".into(), 4),
    ];
    annotate(&mut corpus);
    assert_same(
        corpus,
        &[
            "科技创新",
            "北碚",
            "北北",
            "北北北",
            "\"北碚北\"",
            "科技 -渝北",
            "科技 -北",
            "缙云山 -科技",
            "科技 -交通 -\"ai\"",
            "区",
            "i l",
            "ai lab",
            "4.4",
            "lab",
            "5g",
            "",
            "district:北碚区",
            "topic:交通 科技",
            "不存在",
            "缙云山生态",
            "\"建设 5G\"",
            "北碚科技",
            "北碚 科技",
            "科技北碚区 创新",
        ],
    );
}

/// 2,100 passages of ~150 bytes in documents of 7: 3 passage tables and 263 texts pieces
/// of 8 passages, whose boundaries fall inside documents, and postings pieces of their own.
fn many_passages() -> Corpus {
    let texts: Vec<String> = (0..2100)
        .map(|i| {
            format!(
                "第{i}段：北碚区科技创新与渝北交通建设{}。",
                "发展".repeat(i % 17)
            )
        })
        .collect();
    let mut corpus = documents_of(&texts, 7);
    corpus.vocabulary = vec![("科技创新".into(), 4), ("发展".into(), 9)];
    annotate(&mut corpus);
    corpus
}

#[test]
fn many_tables_and_texts_pieces() {
    assert_same(
        many_passages(),
        &[
            "科技创新",
            "\"第2099段\"",
            "发展发展发展",
            "\"13段\"",
            "13段",
            "",
            "科技创新 -\"第7段\"",
            "发展 -9",
        ],
    );
}

/// Gram postings written in any number of passes make the same pieces, byte for byte:
/// postings pieces are numbered by gram group, whichever pass wrote them.
#[test]
fn any_number_of_passes_writes_the_same_pieces() {
    let corpus = many_passages();
    let (one, _) = site_files_in_passes(&corpus, 1);
    let own_pieces = one.keys().filter(|name| name.starts_with("p-")).count();
    assert!(own_pieces > 20, "{own_pieces} postings pieces");
    for passes in [2, 5, 16] {
        let (files, _) = site_files_in_passes(&corpus, passes);
        assert!(files == one, "{passes} passes wrote other pieces than one");
    }
}

/// Progress goes from 0 to its last step in order, one step per pass over the grams and
/// three after, each reported once its pieces are emitted.
#[test]
fn progress_counts_the_steps_as_their_pieces_are_emitted() {
    let corpus = many_passages();
    let emitted = std::sync::Mutex::new(Vec::<String>::new());
    let reports = std::cell::RefCell::new(Vec::new());
    let emit = |name: &str, _: &[u8]| {
        emitted.lock().unwrap().push(name.to_string());
        Ok(())
    };
    let progress = |p: SiteProgress| {
        let names = emitted.lock().unwrap();
        let postings = names.iter().filter(|n| n.starts_with("p-")).count();
        let texts = names.iter().filter(|n| n.starts_with("x-")).count();
        reports.borrow_mut().push((p, names.len(), postings, texts));
    };
    let summary = write::write_site_in_passes(&corpus, emit, progress, Some(3)).unwrap();
    let reports = reports.into_inner();
    let done: Vec<u32> = reports.iter().map(|r| r.0.done).collect();
    assert_eq!(done, [0, 1, 2, 3, 4, 5, 6]);
    assert!(reports.iter().all(|r| r.0.steps == 6));
    let names = emitted.into_inner().unwrap();
    let all_postings = names.iter().filter(|n| n.starts_with("p-")).count();
    let all_texts = names.iter().filter(|n| n.starts_with("x-")).count();
    assert!(all_postings > 20 && all_texts > 200);
    assert_eq!(reports[0].1, 0, "nothing emitted at the start");
    assert_eq!(
        reports[3].2, all_postings,
        "every postings piece emitted after the passes"
    );
    assert_eq!(reports[4].3, 0, "no texts piece before their step");
    assert_eq!(
        reports[5].3, all_texts,
        "every texts piece emitted after their step"
    );
    assert_eq!(
        reports[6].1, summary.pieces,
        "every piece, the meta included, at the end"
    );
}

/// A page ranked while its texts are missing is kept until they come (not ranked again);
/// another search, or another page of the same search, that comes first must get its own
/// results, not the kept page.
#[test]
fn interleaved_searches_each_get_their_own_page() {
    let texts: Vec<String> = (0..300)
        .map(|i| format!("第{i}段：北碚区科技创新{}。", "发展".repeat(i % 5)))
        .collect();
    let mut corpus = documents_of(&texts, 3);
    annotate(&mut corpus);
    let (files, _) = site_files(&corpus);
    let filters = Filters::default();
    let page = |offset| SitePage {
        offset,
        limit: 5,
        facets: false,
        per_document: usize::MAX,
        whole_passages: false,
    };
    let alone = |q: &Query, offset| site_search(&files, q, &filters, page(offset)).0;
    let mut site = SiteIndex::open(&files[META_NAME]).unwrap();
    let (a, b) = (Query::parse("科技").unwrap(), Query::parse("发展").unwrap());
    // Step a's first page until the texts of its page are added: it is kept then.
    let park_a = |site: &mut SiteIndex| loop {
        let SiteStep::Fetch(names) = site.step(&a, &filters, page(0)) else {
            panic!("a page of a new query needs pieces");
        };
        let texts = names.iter().any(|n| n.starts_with('x'));
        for name in names {
            site.add(&name, &files[&name]).unwrap();
        }
        if texts {
            break;
        }
    };
    park_a(&mut site);
    let next = settle(&mut site, &files, &a, &filters, page(5)).0;
    assert_eq!(next, alone(&a, 5), "another page of the same query");
    site.make_room(0, 0);
    park_a(&mut site);
    let other = settle(&mut site, &files, &b, &filters, page(0)).0;
    assert_eq!(other, alone(&b, 0), "another query");
    site.make_room(0, 0);
    park_a(&mut site);
    let shown = settle(&mut site, &files, &a, &filters, page(0));
    assert_eq!(
        shown,
        (alone(&a, 0), Vec::new()),
        "the kept page, nothing fetched"
    );
}

#[test]
fn link_keys_find_their_documents() {
    let corpus = corpus_of(&[&["北碚。"], &["渝北。"], &["江北。"]]);
    let (files, _) = site_files(&corpus);
    let mut site = SiteIndex::open(&files[META_NAME]).unwrap();
    for (d, key) in ["doc0", "doc1", "doc2"].iter().enumerate() {
        for name in site.key_needs(key) {
            site.add(&name, &files[&name]).unwrap();
        }
        assert_eq!(site.doc_by_key(key), Some(crate::DocId(d as u32)));
    }
    assert_eq!(site.doc_by_key("doc9"), None);
}

#[test]
fn the_map_tiles_follow_the_meta_and_sites_without_them_still_read() {
    let mut corpus = corpus_of(&[&["北碚。"], &["渝北。"]]);
    let tiles = vec![
        crate::Tile {
            district: DistrictId(0),
            column: 3,
            row: 1,
        },
        crate::Tile {
            district: DistrictId(1),
            column: 4,
            row: 1,
        },
    ];
    corpus.district_tiles = tiles.clone();
    let (files, _) = site_files(&corpus);
    let meta = &files[META_NAME];
    assert_eq!(SiteIndex::open(meta).unwrap().tiles(), tiles.as_slice());

    // A reader from before the tiles decodes the meta alone and ignores them.
    let (build, alone): (u64, Meta) = piece::decode(META_NAME, meta).unwrap();
    // A site written before them ends after the meta: it reads, with no map.
    let id = piece::PieceId::parse(META_NAME)
        .map(|id| piece::PieceId { build, ..id })
        .unwrap();
    let old = piece::seal(id, &piece::serialize(&alone));
    let site = SiteIndex::open(&old).unwrap();
    assert!(site.tiles().is_empty());
    assert_eq!(site.districts(), SiteIndex::open(meta).unwrap().districts());
}

#[test]
fn damaged_or_missing_pieces_are_errors() {
    let corpus = corpus_of(&[&["北碚区科技创新走在前列。"]]);
    let (files, summary) = site_files(&corpus);
    assert_eq!(summary.pieces, files.len());
    let mut site = SiteIndex::open(&files[META_NAME]).unwrap();
    let mut all = site.all_piece_names();
    all.push(META_NAME.to_string());
    all.sort();
    let mut written: Vec<String> = files.keys().cloned().collect();
    written.sort();
    assert_eq!(all, written, "the meta lists every piece written");
    let others: usize = (files.iter())
        .filter(|(name, _)| name.as_str() != META_NAME)
        .map(|(_, bytes)| bytes.len())
        .sum();
    assert_eq!(
        site.index_bytes(),
        others as u64,
        "the meta says how big the rest is"
    );
    let query = Query::parse("科技").unwrap();
    let page = SitePage {
        offset: 0,
        limit: 10,
        facets: true,
        per_document: usize::MAX,
        whole_passages: false,
    };
    let SiteStep::Fetch(needs) = site.step(&query, &Filters::default(), page) else {
        panic!("a search with no piece loaded needs pieces");
    };
    assert!(!needs.is_empty());
    let other = files
        .keys()
        .find(|n| !needs.contains(n) && *n != META_NAME)
        .unwrap();
    // Each kind of bad bytes is named by its own typed problem (the browser words them).
    let problem_as = |site: &mut SiteIndex, name: &str, bytes: &[u8]| match site.add(name, bytes) {
        Err(crate::Error::Piece { problem, .. }) => Some(problem),
        _ => None,
    };
    let problem = |site: &mut SiteIndex, bytes: &[u8]| problem_as(site, &needs[0], bytes);
    assert_eq!(
        problem(&mut site, &files[other]),
        Some(PieceProblem::OtherPiece),
        "a piece under another name"
    );
    assert_eq!(
        problem(&mut site, b"<html>not found</html>"),
        Some(PieceProblem::NotAPiece),
        "an error page served with status 200"
    );
    let good = &files[&needs[0]];
    assert_eq!(
        problem(&mut site, &good[..good.len() - 1]),
        Some(PieceProblem::Checksum),
        "a truncated piece"
    );
    assert_eq!(
        problem(&mut site, &good[..20]),
        Some(PieceProblem::Truncated),
        "a piece cut inside its header"
    );
    assert_eq!(
        problem(&mut site, &good[..4]),
        Some(PieceProblem::Truncated),
        "a piece cut right after its magic bytes"
    );
    assert!(SiteIndex::open(b"<html>not found</html>").is_err());
    assert!(
        SiteIndex::open(b"QXS\x1a").is_err(),
        "a meta of its magic bytes alone"
    );
    assert_eq!(
        problem_as(&mut site, META_NAME, &files[META_NAME]),
        Some(PieceProblem::NotAName),
        "the meta is not a piece"
    );

    // Another build of other documents: same kinds and numbers, another build id.
    let (others, _) = site_files(&corpus_of(&[&["渝北区交通。"]]));
    let same_number = needs[0].rsplit('-').next().unwrap();
    let foreign = others
        .keys()
        .find(|n| n.starts_with(&needs[0][..2]) && n.ends_with(same_number))
        .unwrap();
    assert_ne!(foreign, &needs[0]);
    assert_eq!(
        problem(&mut site, &others[foreign]),
        Some(PieceProblem::OtherPiece),
        "a piece of another build"
    );
    assert_eq!(
        problem_as(&mut site, foreign, &others[foreign]),
        Some(PieceProblem::OtherPiece),
        "a whole piece of another build, under its own name, is refused too"
    );
    assert!(
        site.add(&needs[0], good).is_ok(),
        "the right bytes still load"
    );
}

/// Text from a small alphabet, so that grams repeat and overlap a lot.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("北"),
            Just("碚"),
            Just("区"),
            Just("渝"),
            Just("科技"),
            Just("，"),
            Just("。"),
            Just(" "),
            Just("ab"),
            Just("AB"),
            Just("4.4"),
            Just("x"),
        ],
        1..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_corpus_any_substring(
        docs in proptest::collection::vec(proptest::collection::vec(text(), 1..4), 1..6),
        picks in proptest::collection::vec((0usize..100, 0usize..100, 1usize..10), 1..6),
    ) {
        let refs: Vec<Vec<&str>> = docs.iter().map(|d| d.iter().map(String::as_str).collect()).collect();
        let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
        let mut corpus = corpus_of(&slices);
        corpus.vocabulary = vec![("北碚".into(), 3), ("科技".into(), 2)];
        annotate(&mut corpus);
        let all: Vec<char> = docs.concat().concat().chars().collect();
        let mut queries: Vec<String> = picks
            .iter()
            .map(|(at, _, len)| {
                let start = at % all.len();
                let piece: String = all[start..(start + len).min(all.len())].iter().collect();
                format!("\"{piece}\"")
            })
            .collect();
        queries.extend(picks.iter().map(|(at, other, len)| {
            let s = at % all.len();
            let o = other % all.len();
            let a: String = all[s..(s + len).min(all.len())].iter().collect();
            let b: String = all[o..(o + 2).min(all.len())].iter().collect();
            format!("{a} -{b}")
        }));
        let refs: Vec<&str> = queries.iter().map(String::as_str).collect();
        assert_same(corpus, &refs);
    }
}

#[test]
fn a_document_is_read_around_its_passage() {
    // One long document (450 passages) and a short one: the reader shows a window of the
    // long one around the passage asked for, all of the short one.
    let long: Vec<String> = (0..450).map(|i| format!("第{i}段文字。")).collect();
    let long: Vec<&str> = long.iter().map(String::as_str).collect();
    let corpus = corpus_of(&[&["北碚。", "渝北。"], &long]);
    let (files, _) = site_files(&corpus);
    let mut site = SiteIndex::open(&files[META_NAME]).unwrap();
    let mut read = |key: &str, number: u32| {
        for _ in 0..4 {
            for name in site.reading_needs(key, number) {
                site.add(&name, &files[&name]).unwrap();
            }
        }
        assert!(site.reading_needs(key, number).is_empty());
        let (document, window) = site.reading(key, number)?;
        let texts: Vec<String> = window
            .clone()
            .map(|p| site.passage_text(p).unwrap().to_string())
            .collect();
        Some((document.passages.start, window, texts))
    };
    let (start, window, texts) = read("doc1", 300).unwrap();
    assert_eq!(window.len(), 200);
    assert!(
        window.contains(&(start + 300)),
        "the passage asked for is shown"
    );
    assert_eq!(
        texts[(start + 300 - window.start) as usize],
        "第300段文字。"
    );
    let (_, window, _) = read("doc1", 440).unwrap();
    assert_eq!(
        window.end - window.start,
        200,
        "a window at the end is full too"
    );
    let (_, window, texts) = read("doc0", 9).unwrap();
    assert_eq!(
        (window, texts),
        (0..2, vec!["北碚。".to_string(), "渝北。".to_string()])
    );
    assert!(read("doc9", 0).is_none(), "an unknown key");
}

/// The numbers (`N.qxs`) of the pieces in `fetched` whose names start with `prefix`, sorted.
fn numbers_of(fetched: &[String], prefix: &str) -> Vec<String> {
    let mut names: Vec<&String> = fetched.iter().filter(|n| n.starts_with(prefix)).collect();
    names.sort();
    names
        .iter()
        .map(|n| n.rsplit('-').next().unwrap().to_string())
        .collect()
}

/// Counts that need most of a group's passage tables fetch the group (one request) and
/// count the same, and a one-char query its lengths the same way; a group piece holding
/// pieces that are not its own is refused.
#[test]
fn counts_fetch_most_of_a_group_as_the_group() {
    // 2,100 passages: tables 0 and 1 in group 0, table 2 alone in group 1 (two per group
    // in tests).
    let texts: Vec<String> = (0..2100)
        .map(|i| format!("第{i}段：北碚区科技创新。"))
        .collect();
    let mut corpus = documents_of(&texts, 7);
    annotate(&mut corpus);
    let (files, _) = site_files(&corpus);
    let query = Query::parse("科技").unwrap();
    let want = Searcher::new(corpus.clone()).search(&query, &Filters::default(), 3);
    let page = SitePage {
        offset: 0,
        limit: 3,
        facets: true,
        per_document: usize::MAX,
        whole_passages: false,
    };
    let (got, fetched) = site_search(&files, &query, &Filters::default(), page);
    assert_eq!(got, want);
    let of_kind = |prefix: &str| numbers_of(&fetched, prefix);
    assert_eq!(
        of_kind("u-"),
        ["0.qxs"],
        "both tables of group 0 as the group"
    );
    assert_eq!(of_kind("t-"), ["2.qxs"], "the lone table of group 1 alone");

    // Group 1's tables sealed as group 0: numbered right, holding the wrong tables.
    let group_1 = files
        .keys()
        .find(|n| n.starts_with("u-") && n.ends_with("-1.qxs"))
        .unwrap();
    let (_, tables): (u64, Vec<Table>) = super::piece::decode(group_1, &files[group_1]).unwrap();
    let id = super::piece::PieceId::parse(group_1).unwrap();
    let group_0 = super::piece::PieceId { number: 0, ..id };
    let forged = super::piece::seal(group_0, &super::piece::serialize(&tables));
    let mut site = SiteIndex::open(&files[META_NAME]).unwrap();
    match site.add(&group_0.name(), &forged) {
        Err(crate::Error::Piece { problem, .. }) => assert_eq!(problem, PieceProblem::Undecodable),
        other => panic!("a group of other tables was taken: {other:?}"),
    }

    // A one-char query needs its passages' lengths too: grouped the same way.
    let one_char = Query::parse("段").unwrap();
    let want = Searcher::new(corpus).search(&one_char, &Filters::default(), 3);
    let (got, fetched) = site_search(&files, &one_char, &Filters::default(), page);
    assert_eq!(got, want);
    let of_kind = |prefix: &str| numbers_of(&fetched, prefix);
    assert_eq!(
        of_kind("l-"),
        ["0.qxs"],
        "both lengths of group 0 as the group"
    );
    assert_eq!(
        of_kind("n-"),
        ["2.qxs"],
        "the lone lengths piece of group 1 alone"
    );
    // Too many lengths pieces in a group are refused.
    let group_0 = super::piece::PieceId {
        kind: super::piece::Kind::LengthsGroup,
        number: 0,
        ..id
    };
    let three: Vec<Vec<u32>> = vec![vec![1]; 3];
    let forged = super::piece::seal(group_0, &super::piece::serialize(&three));
    match site.add(&group_0.name(), &forged) {
        Err(crate::Error::Piece { problem, .. }) => assert_eq!(problem, PieceProblem::Undecodable),
        other => panic!("a group of three lengths pieces was taken: {other:?}"),
    }
}
