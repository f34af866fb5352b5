//! Query analysis (query time): a parsed [`Query`](crate::Query) → clauses of units.
//!
//! Free text is cut into words without jieba: each CJK run is segmented against the
//! corpus's own vocabulary (the words jieba found at build time, with their counts) by the
//! same maximum-probability path jieba uses. So the browser never downloads jieba's
//! dictionary, and a query splits the way the corpus's words do. Characters that form no
//! known word stay together as one clause (an unknown name is still a substring). Every
//! clause must match (AND); phrases are single clauses.

use crate::text::{fold_script, units, Unit};
use std::collections::HashMap;

/// Longest vocabulary word tried, in characters (jieba's words are rarely longer).
const MAX_WORD_CHARS: usize = 12;

/// Corpus words with their counts, for query segmentation.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    counts: HashMap<String, u32>,
    log_total: f64,
}

impl Vocabulary {
    pub(crate) fn new(words: &[(String, u32)]) -> Self {
        let total = words.iter().map(|(_, c)| *c as u64).sum();
        Self::with_total(words, total)
    }

    /// A part of a vocabulary whose counts sum to `total` in full: the words a query can
    /// reach (a site fetches only those), scored exactly as in the whole vocabulary.
    pub(crate) fn with_total(words: &[(String, u32)], total: u64) -> Self {
        // Queries are folded to simplified characters (see `text`), so the words must be.
        let mut counts: HashMap<String, u32> = HashMap::with_capacity(words.len());
        for (word, count) in words {
            *counts.entry(fold_script(word).into_owned()).or_insert(0) += count;
        }
        Vocabulary {
            counts,
            log_total: (total as f64 + 1.0).ln(),
        }
    }

    /// Log-probability of a piece: known words by their count; single characters as rare
    /// words; unknown multi-character pieces impossible (they are built from single chars).
    fn log_prob(&self, piece: &str, chars: usize) -> Option<f64> {
        match self.counts.get(piece) {
            Some(count) => Some((*count as f64).ln() - self.log_total),
            None if chars == 1 => Some(-self.log_total),
            None => None,
        }
    }

    /// Segment a run of CJK characters into words (best path by total log-probability).
    pub(crate) fn segment(&self, run: &[char]) -> Vec<String> {
        let n = run.len();
        // best[i] = (score of best segmentation of run[i..], end of its first word)
        let mut best = vec![(0.0f64, n); n + 1];
        for i in (0..n).rev() {
            let mut choice = (f64::NEG_INFINITY, i + 1);
            let mut piece = String::new();
            for j in i + 1..=n.min(i + MAX_WORD_CHARS) {
                piece.push(run[j - 1]);
                if let Some(lp) = self.log_prob(&piece, j - i) {
                    let score = lp + best[j].0;
                    if score > choice.0 {
                        choice = (score, j);
                    }
                }
            }
            best[i] = choice;
        }
        let mut words: Vec<String> = Vec::new();
        let mut pending_singles = String::new();
        let mut i = 0;
        while i < n {
            let j = best[i].1;
            let word: String = run[i..j].iter().collect();
            if j - i == 1 && !self.counts.contains_key(&word) {
                pending_singles.push_str(&word);
            } else {
                if !pending_singles.is_empty() {
                    words.push(std::mem::take(&mut pending_singles));
                }
                words.push(word);
            }
            i = j;
        }
        if !pending_singles.is_empty() {
            words.push(pending_singles);
        }
        words
    }

    /// Split free text into clauses: words units stay single, CJK runs are segmented. A
    /// number written against the CJK word after it is one clause with that word (5月,
    /// 2025年, 10亿元): the number alone would match every 5 and the word alone every 月.
    pub(crate) fn clauses(&self, text: &str) -> Vec<Vec<Unit>> {
        let mut clauses = Vec::new();
        let mut run: Vec<char> = Vec::new();
        // A number right before the run being gathered, for the run's first word.
        let mut number: Option<Unit> = None;
        let mut last_end = None;
        let flush = |run: &mut Vec<char>, number: &mut Option<Unit>, clauses: &mut Vec<_>| {
            let mut words = self.segment(run).into_iter();
            if let Some(n) = number.take() {
                let first = words.next().unwrap_or_default();
                clauses.push(
                    std::iter::once(n)
                        .chain(first.chars().map(Unit::Cjk))
                        .collect(),
                );
            }
            for word in words {
                clauses.push(word.chars().map(Unit::Cjk).collect());
            }
            run.clear();
        };
        for (unit, range) in units(text) {
            // A separator between two CJK characters also separates words.
            if last_end != Some(range.start) {
                flush(&mut run, &mut number, &mut clauses);
            }
            last_end = Some(range.end);
            match unit {
                Unit::Cjk(c) => run.push(c),
                Unit::Word(w) => {
                    flush(&mut run, &mut number, &mut clauses);
                    if w.bytes().all(|b| b.is_ascii_digit()) {
                        number = Some(Unit::Word(w));
                    } else {
                        clauses.push(vec![Unit::Word(w)]);
                    }
                }
            }
        }
        flush(&mut run, &mut number, &mut clauses);
        clauses
    }
}

/// Units of a phrase (punctuation and spaces ignored).
pub(crate) fn phrase_units(text: &str) -> Vec<Unit> {
    units(text).into_iter().map(|(u, _)| u).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocabulary {
        let words = [
            ("北碚", 50),
            ("科技", 40),
            ("创新", 40),
            ("科技创新", 30),
            ("发展", 80),
            ("缙云山", 5),
        ];
        Vocabulary::new(&words.map(|(w, c)| (w.to_string(), c)))
    }

    fn texts(clauses: Vec<Vec<Unit>>) -> Vec<String> {
        clauses
            .into_iter()
            .map(|c| {
                c.into_iter()
                    .map(|u| match u {
                        Unit::Cjk(c) => c.to_string(),
                        Unit::Word(w) => w,
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn segments_against_vocabulary() {
        let v = vocab();
        let table: &[(&str, &[&str])] = &[
            ("北碚科技创新发展", &["北碚", "科技创新", "发展"]),
            ("缙云山", &["缙云山"]),
            ("北碚的发展", &["北碚", "的", "发展"]),
            ("碚缙北碚", &["碚缙", "北碚"]),
            ("5G网络", &["5g", "网络"]),
            // A number and the word after it are one clause; a space parts them.
            ("5月", &["5月"]),
            ("2026年5月北碚", &["2026年", "5月", "北碚"]),
            ("20北碚科技", &["20北碚", "科技"]),
            ("5 月", &["5", "月"]),
            ("北碚2026", &["北碚", "2026"]),
            ("第5届", &["第", "5届"]),
            ("北碚，发展", &["北碚", "发展"]),
            ("北 碚", &["北", "碚"]),
            ("", &[]),
        ];
        for (input, expected) in table {
            assert_eq!(texts(v.clauses(input)), *expected, "clauses of {input:?}");
        }
    }

    #[test]
    fn long_unknown_runs_do_not_blow_up() {
        let v = vocab();
        let long: String = "龘".repeat(5000);
        assert_eq!(v.clauses(&long).len(), 1);
    }
}
