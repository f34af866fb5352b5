//! Segmentation quality of quxian's dictionary (`data/jieba-dict.txt`, the file the CLI
//! embeds and the in-browser import downloads), on the SIGHAN-2005 PKU and MSR test gold in
//! `../shared/corpora/segmentation` (skipped without them).
//!
//! Word F1 as the icwb2 scorer counts it: a word is right when both its ends match the gold.
//! Issue 12 asks that a smaller dictionary keep F1 at least at what jieba's full dictionary
//! gave (HMM off, as quxian runs it): [`FULL_DICT_F1`]. Run
//! `cargo test -p quxian-core --test segmentation -- --nocapture` to see the numbers.

use quxian_core::{Gazetteer, Lexicon, Segmenter};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// F1 of jieba-rs 0.11 with its own full dictionary (349,045 words), HMM off, measured on
/// 3 Dec 2026: PKU 0.8358, MSR 0.8267.
const FULL_DICT_F1: [(&str, f64); 2] = [("pku", 0.8358), ("msr", 0.8267)];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Gold lines as word lists (PKU separates words by two spaces, MSR by one).
fn gold(name: &str) -> Option<Vec<Vec<String>>> {
    let path = root().join(format!(
        "../shared/corpora/segmentation/{name}_test_gold.utf8"
    ));
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .map(|l| l.split_whitespace().map(str::to_string).collect())
            .filter(|words: &Vec<String>| !words.is_empty())
            .collect(),
    )
}

/// (start, end) character offsets of each word, whitespace tokens left out.
fn spans<'a>(words: impl Iterator<Item = &'a str>) -> HashSet<(usize, usize)> {
    let mut at = 0;
    let mut out = HashSet::new();
    for word in words {
        let len = word.chars().count();
        if !word.trim().is_empty() {
            out.insert((at, at + len));
        }
        at += len;
    }
    out
}

fn f1(segmenter: &Segmenter, gold: &[Vec<String>]) -> f64 {
    let (mut right, mut cut, mut expected) = (0, 0, 0);
    for words in gold {
        let line = words.concat();
        let ours = spans(segmenter.segment(&line).into_iter());
        let theirs = spans(words.iter().map(String::as_str));
        right += ours.intersection(&theirs).count();
        cut += ours.len();
        expected += theirs.len();
    }
    let precision = right as f64 / cut as f64;
    let recall = right as f64 / expected as f64;
    2.0 * precision * recall / (precision + recall)
}

fn segmenter(dict: &Path, gazetteer: &Gazetteer, lexicon: &Lexicon) -> Segmenter {
    let text = std::fs::read_to_string(dict).expect("data/jieba-dict.txt");
    Segmenter::with_dict(&mut text.as_bytes(), gazetteer, lexicon).expect("dictionary loads")
}

#[test]
fn the_dictionary_segments_at_least_as_well_as_jiebas_full_one() {
    let dict = root().join("data/jieba-dict.txt");
    let none = (
        Gazetteer::parse("", "none").unwrap(),
        Lexicon::parse("", "none").unwrap(),
    );
    let plain = segmenter(&dict, &none.0, &none.1);
    let quxian = segmenter(&dict, &Gazetteer::chongqing(), &Lexicon::default_topics());
    for (name, floor) in FULL_DICT_F1 {
        let Some(gold) = gold(name) else {
            eprintln!("skipped: no ../shared/corpora/segmentation/{name}_test_gold.utf8");
            return;
        };
        let measured = f1(&plain, &gold);
        eprintln!(
            "{name}: F1 {measured:.4} (jieba's full dictionary {floor:.4}); with the \
             Chongqing gazetteer and topics added {:.4}",
            f1(&quxian, &gold)
        );
        assert!(
            measured >= floor,
            "{name}: F1 {measured:.4} below the full dictionary's {floor:.4}"
        );
    }
}
