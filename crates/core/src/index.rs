//! The in-memory search index (built at load time from a [`Corpus`]; used at query time).
//!
//! Terms are the characters and adjacent character pairs (unigrams and bigrams) of each
//! passage's unit string (see `text`), each with a postings list of `(passage, term
//! frequency)`. Bigrams make every verbatim substring of two or more characters findable
//! without a dictionary: a clause's candidates are the passages holding all of its bigrams,
//! and each candidate is then verified by an exact substring test on its unit string, so
//! recall and precision are both exact.
//!
//! Not stored in bundles: rebuilding takes a few milliseconds per megabyte of text, far less
//! than downloading postings would (see BENCHMARKS.md).

use crate::text::{unit_string, unit_string_and_count, Unit};
use crate::Corpus;
use rustc_hash::FxHashMap;

/// Postings entry: a passage and how often the term occurs in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Posting {
    /// Passage id (index into `Corpus::passages`).
    pub(crate) passage: u32,
    /// Occurrences of the term in that passage.
    pub(crate) tf: u32,
}

/// Inverted index over a corpus's passages.
#[derive(Debug, Default)]
pub struct Index {
    /// Unigrams (key = code point) and bigrams (key = `first << 21 | second`).
    grams: FxHashMap<u64, Vec<Posting>>,
    /// Unit string of each passage, for verification and highlighting.
    unit_strings: Vec<String>,
    /// Unit string of each document title, for the title boost.
    title_strings: Vec<String>,
    /// Number of units in each passage (BM25 length normalization).
    lengths: Vec<u32>,
    /// Mean of `lengths`.
    average_length: f32,
}

fn unigram_key(c: char) -> u64 {
    c as u64
}

/// Bigram keys are never equal to unigram keys: the first char is nonzero and shifted past
/// the 21 bits a code point needs.
fn bigram_key(a: char, b: char) -> u64 {
    ((a as u64) << 21) | b as u64
}

/// The gram keys of a unit string: every char and every adjacent pair, where the space that
/// separates two word units belongs to neither.
fn for_each_gram(s: &str, mut f: impl FnMut(u64)) {
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if c == ' ' {
            prev = None;
            continue;
        }
        f(unigram_key(c));
        if let Some(a) = prev {
            f(bigram_key(a, c));
        }
        prev = Some(c);
    }
}

/// The grams every passage containing `needle` must contain: its bigrams, or its unigrams
/// where no bigram covers a char.
fn needle_grams(needle: &str) -> Vec<u64> {
    let mut bigrams = Vec::new();
    let mut singles = Vec::new();
    let chars: Vec<char> = needle.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            continue;
        }
        let next = chars.get(i + 1).filter(|n| **n != ' ');
        let prev = i
            .checked_sub(1)
            .and_then(|j| chars.get(j))
            .filter(|p| **p != ' ');
        match (prev, next) {
            (_, Some(n)) => bigrams.push(bigram_key(c, *n)),
            (None, None) => singles.push(unigram_key(c)),
            (Some(_), None) => {}
        }
    }
    bigrams.extend(singles);
    bigrams
}

impl Index {
    /// Build the index for every passage of `corpus`.
    pub fn build(corpus: &Corpus) -> Index {
        let mut index = Index::default();
        let mut keys: Vec<u64> = Vec::new();
        for p in 0..corpus.passages.len() {
            let (string, length) =
                unit_string_and_count(corpus.passage_text(crate::PassageId(p as u32)));
            keys.clear();
            for_each_gram(&string, |k| keys.push(k));
            keys.sort_unstable();
            for (key, tf) in runs(&keys) {
                index.grams.entry(*key).or_default().push(Posting {
                    passage: p as u32,
                    tf,
                });
            }
            index.lengths.push(length);
            index.unit_strings.push(string);
        }
        index.title_strings = corpus
            .docs
            .iter()
            .map(|d| unit_string_and_count(&d.title).0)
            .collect();
        let total: u64 = index.lengths.iter().map(|l| *l as u64).sum();
        index.average_length = if index.lengths.is_empty() {
            1.0
        } else {
            (total as f32 / index.lengths.len() as f32).max(1.0)
        };
        index
    }

    /// Number of passages indexed.
    pub fn passage_count(&self) -> usize {
        self.lengths.len()
    }

    pub(crate) fn length(&self, passage: u32) -> u32 {
        self.lengths.get(passage as usize).copied().unwrap_or(0)
    }

    pub(crate) fn average_length(&self) -> f32 {
        self.average_length
    }

    pub(crate) fn unit_string(&self, passage: u32) -> &str {
        self.unit_strings
            .get(passage as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    pub(crate) fn title_string(&self, doc: u32) -> &str {
        self.title_strings
            .get(doc as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    fn postings(&self, key: u64) -> &[Posting] {
        self.grams.get(&key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Passages containing `units` as adjacent units, with occurrence counts, by passage id.
    pub(crate) fn matches(&self, units: &[Unit]) -> Vec<Posting> {
        let needle = unit_string(units);
        let grams = needle_grams(&needle);
        let mut lists: Vec<&[Posting]> = grams.iter().map(|g| self.postings(*g)).collect();
        lists.sort_by_key(|l| l.len());
        let Some((first, rest)) = lists.split_first() else {
            return Vec::new();
        };
        // A needle of one char or one pair is its own gram: the postings are the answer.
        if grams.len() == 1 && needle.chars().count() <= 2 {
            return first.to_vec();
        }
        first
            .iter()
            .filter(|p| {
                rest.iter()
                    .all(|l| l.binary_search_by_key(&p.passage, |q| q.passage).is_ok())
            })
            .filter_map(|p| {
                let tf = self.unit_string(p.passage).matches(needle.as_str()).count() as u32;
                (tf > 0).then_some(Posting {
                    passage: p.passage,
                    tf,
                })
            })
            .collect()
    }
}

/// Runs of equal values in a sorted slice, with their lengths.
fn runs<T: PartialEq>(sorted: &[T]) -> impl Iterator<Item = (&T, u32)> {
    let mut i = 0;
    std::iter::from_fn(move || {
        let first = sorted.get(i)?;
        let n = sorted[i..].iter().take_while(|x| *x == first).count();
        i += n;
        Some((first, n as u32))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::corpus_of;
    use crate::text::units;

    fn clause(s: &str) -> Vec<Unit> {
        units(s).into_iter().map(|(u, _)| u).collect()
    }

    #[test]
    fn finds_substrings_exactly() {
        let corpus = corpus_of(&[&[
            "北碚区生态人文资源丰富。",
            "渝北区“一城四地”建设，增长4.4%。",
        ]]);
        let index = Index::build(&corpus);
        let table: &[(&str, &[u32])] = &[
            ("北碚", &[0]),
            ("生态人文资源", &[0]),
            ("一城四地建设", &[1]),
            ("区", &[0, 1]),
            ("4.4", &[1]),
            (".4", &[1]),
            ("4", &[1]),
            ("44", &[]),
            ("碚区生", &[0]),
            ("北渝", &[]),
            ("资源渝北", &[]),
        ];
        for (q, expected) in table {
            let got: Vec<u32> = index
                .matches(&clause(q))
                .iter()
                .map(|p| p.passage)
                .collect();
            assert_eq!(&got, expected, "matches for {q:?}");
        }
    }

    #[test]
    fn counts_occurrences() {
        let corpus = corpus_of(&[&["北碚北碚，北碚。"]]);
        let index = Index::build(&corpus);
        assert_eq!(index.matches(&clause("北碚"))[0].tf, 3);
        assert_eq!(index.matches(&clause("北碚北"))[0].tf, 1);
    }
}
