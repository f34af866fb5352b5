//! The in-memory search index (built at load time from a [`Corpus`]; used at query time).
//!
//! Terms are CJK character unigrams and bigrams plus word units (see `text`), each with a
//! postings list of `(passage, term frequency)`. Bigrams make every verbatim substring of two
//! or more characters findable without a dictionary: a clause's candidates are the passages
//! holding all of its bigrams, and each candidate is then verified by an exact substring test
//! on its unit string, so recall and precision are both exact.
//!
//! Not stored in bundles: rebuilding takes a few milliseconds per megabyte of text, far less
//! than downloading postings would (see BENCHMARKS.md).

use crate::text::{unit_string, Unit, UnitString};
use crate::Corpus;
use std::collections::HashMap;

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
    /// CJK unigrams (key = code point) and bigrams (key = `first << 21 | second`).
    cjk: HashMap<u64, Vec<Posting>>,
    /// Word units (Latin words, numbers), lowercased.
    words: HashMap<String, Vec<Posting>>,
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

/// A term of a clause used to find candidate passages.
enum Gram<'a> {
    Cjk(u64),
    Word(&'a str),
}

/// The grams that every passage containing `units` (as adjacent units) must contain.
fn grams(units: &[Unit]) -> Vec<Gram<'_>> {
    let mut out = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        match unit {
            Unit::Word(w) => out.push(Gram::Word(w)),
            Unit::Cjk(c) => {
                let prev_cjk = i > 0 && matches!(units[i - 1], Unit::Cjk(_));
                match units.get(i + 1) {
                    Some(Unit::Cjk(next)) => out.push(Gram::Cjk(bigram_key(*c, *next))),
                    _ if !prev_cjk => out.push(Gram::Cjk(unigram_key(*c))),
                    _ => {}
                }
            }
        }
    }
    out
}

impl Index {
    /// Build the index for every passage of `corpus`.
    pub fn build(corpus: &Corpus) -> Index {
        let mut index = Index::default();
        let mut keys: Vec<u64> = Vec::new();
        let mut words: Vec<String> = Vec::new();
        for p in 0..corpus.passages.len() {
            let us = UnitString::new(corpus.passage_text(crate::PassageId(p as u32)));
            keys.clear();
            words.clear();
            let mut prev: Option<char> = None;
            for c in us.string.chars() {
                // Word units are framed by WORD_MARK and never contain CJK, so scanning the
                // unit string char by char sees CJK adjacency exactly as `units` defines it.
                if crate::text::is_cjk(c) {
                    keys.push(unigram_key(c));
                    if let Some(a) = prev {
                        keys.push(bigram_key(a, c));
                    }
                    prev = Some(c);
                } else {
                    prev = None;
                }
            }
            let mut length = keys.iter().filter(|k| **k < (1 << 21)).count() as u32;
            for (unit_range, _) in &us.spans {
                let s = &us.string[unit_range.clone()];
                if let Some(w) = s.strip_prefix('\u{1}').and_then(|w| w.strip_suffix('\u{1}')) {
                    words.push(w.to_string());
                    length += 1;
                }
            }
            keys.sort_unstable();
            words.sort_unstable();
            for (key, tf) in runs(&keys) {
                index.cjk.entry(*key).or_default().push(Posting { passage: p as u32, tf });
            }
            for (word, tf) in runs(&words) {
                index
                    .words
                    .entry(word.clone())
                    .or_default()
                    .push(Posting { passage: p as u32, tf });
            }
            index.unit_strings.push(us.string);
            index.lengths.push(length);
        }
        index.title_strings = corpus
            .docs
            .iter()
            .map(|d| UnitString::new(&d.title).string)
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
        self.unit_strings.get(passage as usize).map(String::as_str).unwrap_or("")
    }

    pub(crate) fn title_string(&self, doc: u32) -> &str {
        self.title_strings.get(doc as usize).map(String::as_str).unwrap_or("")
    }

    fn postings(&self, gram: &Gram) -> &[Posting] {
        let list = match gram {
            Gram::Cjk(key) => self.cjk.get(key),
            Gram::Word(w) => self.words.get(*w),
        };
        list.map(Vec::as_slice).unwrap_or(&[])
    }

    /// Passages containing `units` as adjacent units, with occurrence counts, by passage id.
    pub(crate) fn matches(&self, units: &[Unit]) -> Vec<Posting> {
        let grams = grams(units);
        let mut lists: Vec<&[Posting]> = grams.iter().map(|g| self.postings(g)).collect();
        lists.sort_by_key(|l| l.len());
        let Some((first, rest)) = lists.split_first() else {
            return Vec::new();
        };
        // One gram that is the whole clause (a single unit or a CJK pair): postings are exact.
        let exact = grams.len() == 1 && (units.len() == 1 || units.len() == 2);
        if exact {
            return first.to_vec();
        }
        let needle = unit_string(units);
        first
            .iter()
            .filter(|p| rest.iter().all(|l| l.binary_search_by_key(&p.passage, |q| q.passage).is_ok()))
            .filter_map(|p| {
                let tf = self.unit_string(p.passage).matches(needle.as_str()).count() as u32;
                (tf > 0).then_some(Posting { passage: p.passage, tf })
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
        let corpus = corpus_of(&[&["北碚区生态人文资源丰富。", "渝北区“一城四地”建设，增长4.4%。"]]);
        let index = Index::build(&corpus);
        let table: &[(&str, &[u32])] = &[
            ("北碚", &[0]),
            ("生态人文资源", &[0]),
            ("一城四地建设", &[1]),
            ("区", &[0, 1]),
            ("4.4", &[1]),
            ("4", &[]),
            ("碚区生", &[0]),
            ("北渝", &[]),
            ("资源渝北", &[]),
        ];
        for (q, expected) in table {
            let got: Vec<u32> = index.matches(&clause(q)).iter().map(|p| p.passage).collect();
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
