//! Help when nothing is found: views close to the current one that do find passages, with
//! how many. Dropping a filter comes first (the usual cause: the date range, a district, a
//! topic), then the query loosened:
//! quotes removed, one of several words left out, or a long word shortened to its longest
//! beginning that occurs.

use quxian_core::{DistrictId, Searcher, TopicId, ViewState};

/// Most suggestions shown.
const MAX_SUGGESTIONS: usize = 5;

/// Shortest beginning of a word tried (one character finds too much to help).
const MIN_PREFIX_CHARS: usize = 2;

/// A nearby view that finds something, and how many passages it finds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Suggestion {
    /// Remove the date filter.
    DropDates(usize),
    /// Remove this district filter.
    DropDistrict(DistrictId, usize),
    /// Remove this topic filter.
    DropTopic(TopicId, usize),
    /// Search this query instead (the filters stay).
    Query(String, usize),
}

/// Suggestions for `view`, whose search found nothing; empty when nothing nearby finds
/// anything either.
pub fn suggestions(searcher: &Searcher, view: &ViewState) -> Vec<Suggestion> {
    let corpus = searcher.corpus();
    let found = |v: &ViewState| crate::derive::search(searcher, v, 0).results.total;
    let mut out = Vec::new();
    if !view.dates.is_all() {
        let without = ViewState {
            dates: Default::default(),
            ..view.clone()
        };
        if let n @ 1.. = found(&without) {
            out.push(Suggestion::DropDates(n));
        }
    }
    for name in &view.districts {
        let without = ViewState {
            districts: view
                .districts
                .iter()
                .filter(|d| *d != name)
                .cloned()
                .collect(),
            ..view.clone()
        };
        if let (Some(id), n @ 1..) = (corpus.district_by_name(name), found(&without)) {
            out.push(Suggestion::DropDistrict(id, n));
        }
    }
    for name in &view.topics {
        let without = ViewState {
            topics: view.topics.iter().filter(|t| *t != name).cloned().collect(),
            ..view.clone()
        };
        if let (Some(id), n @ 1..) = (corpus.topic_by_name(name), found(&without)) {
            out.push(Suggestion::DropTopic(id, n));
        }
    }
    let with_query = |q: &str| {
        found(&ViewState {
            query: q.to_string(),
            ..view.clone()
        })
    };
    for (query, n) in looser_queries(&view.query, with_query) {
        out.push(Suggestion::Query(query, n));
    }
    out.truncate(MAX_SUGGESTIONS);
    out
}

/// Looser forms of `query` that find something, with `found`'s count for each (each query
/// is searched once): the query without its quotes if that works, else, each once and in
/// this order, the query without one of its words (when it has several) and each word that
/// finds nothing cut to its longest beginning that does.
fn looser_queries(query: &str, found: impl Fn(&str) -> usize) -> Vec<(String, usize)> {
    let unquoted: String = query
        .chars()
        .map(|c| if is_quote(c) { ' ' } else { c })
        .collect();
    let words: Vec<&str> = (unquoted.split_whitespace())
        .filter(|w| searches_something(w))
        .collect();
    let all_words = words.join(" ");
    if unquoted.trim() != query.trim() && !all_words.is_empty() {
        let n = found(&all_words);
        if n > 0 {
            // The smallest change that works: keep every word, drop only the quotes.
            return vec![(all_words, n)];
        }
    }
    let mut candidates = Vec::new();
    if words.len() > 1 {
        for skip in 0..words.len() {
            let rest: Vec<&str> = (0..words.len())
                .filter(|&i| i != skip)
                .map(|i| words[i])
                .collect();
            candidates.push(rest.join(" "));
        }
    }
    let mut out: Vec<(String, usize)> = Vec::new();
    let listed = |out: &[(String, usize)], q: &str| out.iter().any(|(o, _)| o == q);
    for candidate in candidates {
        let only_exclusions = candidate.split(' ').all(|w| w.starts_with('-'));
        if candidate.is_empty() || only_exclusions || listed(&out, &candidate) {
            continue;
        }
        let n = found(&candidate);
        if n > 0 {
            out.push((candidate, n));
        }
    }
    for word in words.iter().filter(|w| found(w) == 0) {
        if let Some((prefix, n)) = longest_found_prefix(word, &found) {
            if !listed(&out, &prefix) {
                out.push((prefix, n));
            }
        }
    }
    out
}

/// The longest beginning of `word`, shorter than it and at least [`MIN_PREFIX_CHARS`]
/// characters, that finds something, with its count.
fn longest_found_prefix(word: &str, found: &impl Fn(&str) -> usize) -> Option<(String, usize)> {
    let chars: Vec<char> = word.chars().collect();
    (MIN_PREFIX_CHARS..chars.len())
        .rev()
        .map(|n| chars[..n].iter().collect::<String>())
        .map(|prefix| {
            let n = found(&prefix);
            (prefix, n)
        })
        .find(|(_, n)| *n > 0)
}

/// Whether a typed word searches for something: a lone `-`, punctuation or an `OR` (which
/// is not an operator here) matches every passage, so a query of them is no suggestion.
fn searches_something(word: &str) -> bool {
    word.chars().any(char::is_alphanumeric)
        && !["OR", "AND", "NOT"]
            .iter()
            .any(|o| o.eq_ignore_ascii_case(word))
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '「' | '」' | '『' | '』')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{corpus, TestPassage};

    /// One document about 缙云山 in 北碚 (district 0) under topic 0; district 1 and topic 1
    /// have no passages.
    fn searcher() -> Searcher {
        let passage = TestPassage {
            text: "缙云山生态保护",
            districts: vec![0],
            topics: vec![0],
        };
        Searcher::new(corpus(
            &["北碚", "渝北"],
            &["生态", "交通"],
            &[vec![passage]],
        ))
    }

    fn view(query: &str, districts: &[&str], topics: &[&str]) -> ViewState {
        ViewState {
            query: query.into(),
            districts: districts.iter().map(|s| s.to_string()).collect(),
            topics: topics.iter().map(|s| s.to_string()).collect(),
            ..ViewState::default()
        }
    }

    #[test]
    fn a_filter_that_empties_the_results_is_offered_for_removal() {
        let s = searcher();
        let got = suggestions(&s, &view("缙云山", &["渝北"], &["交通"]));
        assert!(
            got.is_empty(),
            "either filter alone still finds nothing: {got:?}"
        );
        let got = suggestions(&s, &view("缙云山", &["渝北"], &["生态"]));
        assert_eq!(got, [Suggestion::DropDistrict(DistrictId(1), 1)]);
    }

    #[test]
    fn a_query_is_loosened_by_quotes_words_and_prefixes() {
        let s = searcher();
        assert_eq!(
            suggestions(&s, &view("缙云山 机场", &[], &[])),
            [Suggestion::Query("缙云山".into(), 1)],
            "drop the word that finds nothing"
        );
        assert_eq!(
            suggestions(&s, &view("缙云山索道", &[], &[])),
            [Suggestion::Query("缙云山".into(), 1)],
            "the longest beginning that occurs"
        );
        assert_eq!(
            suggestions(&s, &view("\"生态 缙云山\"", &[], &[])),
            [Suggestion::Query("生态 缙云山".into(), 1)],
            "the words without the quotes"
        );
        assert!(suggestions(&s, &view("机场", &[], &[])).is_empty());
        // Nothing that matches every passage: a lone `-`, punctuation, `OR`, exclusions.
        for query in ["机场 -", "机场 ，", "机场 OR", "机场 -交通"] {
            assert!(
                suggestions(&s, &view(query, &[], &[])).is_empty(),
                "{query}"
            );
        }
    }

    #[test]
    fn a_date_range_that_empties_the_results_is_offered_for_removal() {
        let s = searcher();
        let dated = ViewState {
            dates: quxian_core::DateRange {
                from: quxian_core::Date::parse("2026"),
                to: None,
            },
            ..view("缙云山", &[], &[])
        };
        assert_eq!(
            suggestions(&s, &dated),
            [Suggestion::DropDates(1)],
            "the undated document is outside every range"
        );
    }
}
