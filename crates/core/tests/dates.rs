//! Document dates on real news (needs `../shared/corpora`; skipped with a note when it is
//! absent): the 227 Chongqing TV articles are named `cq_YYYYMMDD_NNN.txt` and listed with
//! their publication date in `cqnews_cbg_index.tsv`.
//! - read with their own names, every article gets the index's date;
//! - read under a name without a date, a date found in the text itself (a dateline) must
//!   be the index's date: an event date in the body must never pass for one.

use quxian_core::read_file;
use std::path::PathBuf;

fn corpora_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/docs")
}

/// (file name, date) rows of the corpus index.
fn index() -> Option<Vec<(String, String)>> {
    let text = std::fs::read_to_string(corpora_dir().join("cqnews_cbg_index.tsv")).ok()?;
    Some(
        text.lines()
            .skip(1)
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?.to_string(), f.next()?.to_string()))
            })
            .collect(),
    )
}

#[test]
fn real_articles_get_their_publication_date() {
    let Some(index) = index() else {
        eprintln!("skipped: ../shared/corpora is absent");
        return;
    };
    assert!(index.len() >= 200, "{} rows", index.len());
    let (mut from_text, mut wrong) = (0, Vec::new());
    for (file, want) in &index {
        let bytes = std::fs::read(corpora_dir().join("cqnews_cbg").join(file)).expect("article");
        let doc = &read_file(file, &bytes).expect("readable")[0];
        assert_eq!(doc.date.as_deref(), Some(want.as_str()), "{file}");
        let undated = &read_file("article.txt", &bytes).expect("readable")[0];
        match &undated.date {
            Some(found) if found == want => from_text += 1,
            Some(found) => wrong.push(format!("{file}: {found} (published {want})")),
            None => {}
        }
    }
    eprintln!(
        "dates: {} of {} from file names; {from_text} also from a dateline in the text",
        index.len(),
        index.len()
    );
    assert!(wrong.is_empty(), "wrong dates from the text: {wrong:#?}");
}
