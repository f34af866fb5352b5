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
    /// Where each gram's postings are in `passages` and `tfs`.
    grams: GramRuns,
    /// Every gram's postings, one run per gram, each run by passage id: the passages, and
    /// beside them their term frequencies. Two flat arrays of the exact size: a `Vec` of
    /// `Posting`s per gram cost a third more memory in growth slack and allocation headers
    /// (232 → 202 MB for 28 MB of text, natively), and two more bytes per posting for a
    /// term frequency that fits in 16 bits (→ 174 MB).
    passages: Vec<u32>,
    /// Term frequencies, saturated at `u16::MAX` (a passage is at most a few thousand
    /// characters; only bundles built before passages were capped hold longer ones).
    tfs: Vec<u16>,
    /// Unit string of each passage, for verification and highlighting.
    unit_strings: Vec<String>,
    /// Unit string of each document title, for the title boost.
    title_strings: Vec<String>,
    /// Number of units in each passage (BM25 length normalization).
    lengths: Vec<u32>,
    /// Mean of `lengths`.
    average_length: f32,
}

/// Where each gram's run of postings is, `(start, end)` in the postings arrays; unigrams
/// (key = code point) and bigrams (key = `first << 21 | second`). The unigram of a
/// character of the Basic Multilingual Plane (nearly every character of Chinese text) is
/// found by its code point in a table, without hashing: half of a build's look-ups.
#[derive(Debug, Default)]
struct GramRuns {
    /// By code point below [`TABLE_CHARS`]; empty until the first gram is counted.
    chars: Vec<(u32, u32)>,
    /// Every other gram.
    others: FxHashMap<u64, (u32, u32)>,
}

/// Code points of [`GramRuns::chars`]: the Basic Multilingual Plane (512 KB of table).
const TABLE_CHARS: usize = 0x1_0000;

impl GramRuns {
    /// The run of `key`, created as `fresh` if it has none yet.
    fn slot(&mut self, key: u64, fresh: (u32, u32)) -> &mut (u32, u32) {
        match usize::try_from(key) {
            Ok(c) if c < TABLE_CHARS => {
                if self.chars.is_empty() {
                    self.chars = vec![fresh; TABLE_CHARS];
                }
                &mut self.chars[c]
            }
            _ => self.others.entry(key).or_insert(fresh),
        }
    }

    fn get(&self, key: u64) -> Option<(u32, u32)> {
        match usize::try_from(key) {
            Ok(c) if c < TABLE_CHARS => self.chars.get(c).copied(),
            _ => self.others.get(&key).copied(),
        }
    }

    fn get_mut(&mut self, key: u64) -> Option<&mut (u32, u32)> {
        match usize::try_from(key) {
            Ok(c) if c < TABLE_CHARS => self.chars.get_mut(c),
            _ => self.others.get_mut(&key),
        }
    }

    fn values_mut(&mut self) -> impl Iterator<Item = &mut (u32, u32)> {
        self.chars.iter_mut().chain(self.others.values_mut())
    }
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

/// An index being built, a slice of passages at a time: a page that indexes a big corpus
/// on its own thread yields between slices instead of freezing for seconds (see
/// [`SearcherLoader`](crate::SearcherLoader)). Two passes over the passages: the first
/// reads each passage's unit string and counts each gram's passages, the second writes
/// the postings into their runs. Each gram occurrence is one look-up; a run's last entry
/// tells whether the passage is already in it (no per-passage sorting).
pub(crate) struct IndexBuilder {
    corpus: Corpus,
    index: Index,
    /// Passages done in the current pass.
    done: u32,
    /// Whether the first pass is over.
    writing: bool,
}

impl IndexBuilder {
    /// A builder for the index of `corpus`.
    pub(crate) fn new(corpus: Corpus) -> Self {
        IndexBuilder {
            corpus,
            index: Index::default(),
            done: 0,
            writing: false,
        }
    }

    /// Index up to `passages` more passages; true once the index is complete.
    pub(crate) fn step(&mut self, passages: u32) -> bool {
        let total = self.corpus.passages.len() as u32;
        let end = self.done.saturating_add(passages.max(1)).min(total);
        if !self.writing {
            (self.done..end).for_each(|p| self.count(p));
            self.done = end;
            if end == total {
                self.place_runs();
                (self.writing, self.done) = (true, 0);
            }
            return false;
        }
        (self.done..end).for_each(|p| self.write(p));
        self.done = end;
        end == total
    }

    /// The corpus and its index, once [`step`](Self::step) said it is complete (finishing
    /// it otherwise).
    pub(crate) fn finish(mut self) -> (Corpus, Index) {
        while !self.step(u32::MAX) {}
        let mut index = self.index;
        index.title_strings = self
            .corpus
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
        (self.corpus, index)
    }

    /// First pass: passage `p`'s unit string, length, and the grams it holds.
    fn count(&mut self, p: u32) {
        let text = self.corpus.passage_text(crate::PassageId(p));
        let (string, length) = unit_string_and_count(text);
        // (last passage seen, passages seen) while counting.
        for_each_gram(&string, |key| {
            let seen = self.index.grams.slot(key, (u32::MAX, 0));
            if seen.0 != p {
                *seen = (p, seen.1 + 1);
            }
        });
        self.index.lengths.push(length);
        self.index.unit_strings.push(string);
    }

    /// Between the passes: each gram's run starts where the one before ends; `.1` is then
    /// the run's write position, and ends at the run's end.
    fn place_runs(&mut self) {
        let mut end = 0u32;
        for range in self.index.grams.values_mut() {
            let start = end;
            end += range.1;
            *range = (start, start);
        }
        self.index.passages = vec![0; end as usize];
        self.index.tfs = vec![0; end as usize];
    }

    /// Second pass: passage `p`'s postings.
    fn write(&mut self, p: u32) {
        let Index {
            grams,
            passages,
            tfs,
            unit_strings,
            ..
        } = &mut self.index;
        let string = unit_strings.get(p as usize).map_or("", String::as_str);
        for_each_gram(string, |key| {
            let Some(range) = grams.get_mut(key) else {
                return;
            };
            let at = range.1 as usize;
            if at > range.0 as usize && passages[at - 1] == p {
                tfs[at - 1] = tfs[at - 1].saturating_add(1);
            } else {
                passages[at] = p;
                tfs[at] = 1;
                range.1 += 1;
            }
        });
    }
}

impl Index {
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

    /// The passages holding a gram (by id) and, beside them, its term frequencies there.
    fn postings(&self, key: u64) -> (&[u32], &[u16]) {
        let Some((start, end)) = self.grams.get(key) else {
            return (&[], &[]);
        };
        let range = start as usize..end as usize;
        (
            self.passages.get(range.clone()).unwrap_or(&[]),
            self.tfs.get(range).unwrap_or(&[]),
        )
    }

    /// Passages containing `units` as adjacent units, with occurrence counts, by passage id.
    pub(crate) fn matches(&self, units: &[Unit]) -> Vec<Posting> {
        let needle = unit_string(units);
        let grams = needle_grams(&needle);
        let mut lists: Vec<(&[u32], &[u16])> = grams.iter().map(|g| self.postings(*g)).collect();
        lists.sort_by_key(|(passages, _)| passages.len());
        let Some((&(first, first_tfs), rest)) = lists.split_first() else {
            return Vec::new();
        };
        // A needle of one char or one pair is its own gram: the postings are the answer.
        if grams.len() == 1 && needle.chars().count() <= 2 {
            let postings = first.iter().zip(first_tfs);
            return postings
                .map(|(&passage, &tf)| Posting {
                    passage,
                    tf: u32::from(tf),
                })
                .collect();
        }
        first
            .iter()
            .filter(|p| rest.iter().all(|(l, _)| l.binary_search(p).is_ok()))
            .filter_map(|&passage| {
                let tf = self.unit_string(passage).matches(needle.as_str()).count() as u32;
                (tf > 0).then_some(Posting { passage, tf })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::corpus_of;
    use crate::text::units;

    /// The index of `corpus`, built at once.
    fn built(corpus: &Corpus) -> Index {
        IndexBuilder::new(corpus.clone()).finish().1
    }

    fn clause(s: &str) -> Vec<Unit> {
        units(s).into_iter().map(|(u, _)| u).collect()
    }

    #[test]
    fn finds_substrings_exactly() {
        let corpus = corpus_of(&[&[
            "北碚区生态人文资源丰富。",
            "渝北区“一城四地”建设，增长4.4%。",
        ]]);
        let index = built(&corpus);
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

    /// Occurrences of `needle` in `haystack`, overlapping ones included.
    fn overlapping(haystack: &str, needle: &str) -> u32 {
        (0..haystack.len())
            .filter(|i| haystack.is_char_boundary(*i) && haystack[*i..].starts_with(needle))
            .count() as u32
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// The flat postings, built a slice at a time, give what a scan of every passage
        /// gives: the passages holding a needle, by id, with its count (a gram's occurrences for a needle of one or two
        /// chars, non-overlapping matches for a longer one).
        #[test]
        fn matches_equal_a_scan(
            passages in proptest::collection::vec("[北碚渝区生态a-c ]{0,30}", 1..12),
            needle in "[北碚渝区生态a-c]{1,4}",
            slice in 1u32..5,
        ) {
            let refs: Vec<&str> = passages.iter().map(String::as_str).collect();
            let corpus = corpus_of(&[&refs]);
            // Built a few passages at a time, as a page does.
            let mut builder = IndexBuilder::new(corpus.clone());
            let mut calls = 1;
            while !builder.step(slice) {
                calls += 1;
            }
            let slices = corpus.passages.len().div_ceil(slice as usize).max(1);
            proptest::prop_assert_eq!(calls, 2 * slices, "each pass takes its slices");
            let (_, index) = builder.finish();
            let units = clause(&needle);
            let got: Vec<(u32, u32)> = index.matches(&units).iter().map(|p| (p.passage, p.tf)).collect();
            let needle = unit_string(&units);
            let short = needle.chars().count() <= 2 && !needle.contains(' ');
            let expected: Vec<(u32, u32)> = (0..corpus.passages.len() as u32)
                .filter_map(|p| {
                    let text = index.unit_string(p);
                    let n = if short { overlapping(text, &needle) } else { text.matches(needle.as_str()).count() as u32 };
                    (n > 0).then_some((p, n))
                })
                .collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn counts_occurrences() {
        let corpus = corpus_of(&[&["北碚北碚，北碚。"]]);
        let index = built(&corpus);
        assert_eq!(index.matches(&clause("北碚"))[0].tf, 3);
        assert_eq!(index.matches(&clause("北碚北"))[0].tf, 1);
    }
}
