//! Data derived from the corpus and the view, computed in `use_memo` and never stored in
//! state: search results for the current query and filters, and corpus statistics.

use std::rc::Rc;

use quxian_core::{
    DistrictId, DocId, Filters, Query, SearchResults, Searcher, SortOrder, TopicId, ViewState,
};

/// A value shared between renders; equal only to itself, so comparing props is O(1).
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// One search, as shown.
pub struct Found {
    /// The parsed query (also used to highlight the reader).
    pub query: Query,
    /// What core returned.
    pub results: SearchResults,
    /// Notices about the query (too long, unknown inline filters).
    pub notices: Vec<String>,
}

/// Run the view's search, listing its `listed` best documents (totals and facet counts
/// always cover everything).
pub fn search(searcher: &Searcher, view: &ViewState, listed: usize) -> Found {
    let corpus = searcher.corpus();
    let mut notices = Vec::new();
    let query = match Query::parse_with(&view.query, crate::dom::nfkc) {
        Ok(q) => q,
        Err(e) => {
            notices.push(format!("{}；已按空查询处理", e.zh()));
            Query::default()
        }
    };
    // Names were checked against the corpus when the view arrived; unknown ones give no id.
    let filters = Filters {
        districts: view
            .districts
            .iter()
            .filter_map(|n| corpus.district_by_name(n))
            .collect(),
        topics: view
            .topics
            .iter()
            .filter_map(|n| corpus.topic_by_name(n))
            .collect(),
        dates: view.dates,
        sort: view.sort,
    };
    let results = searcher.search(&query, &filters, listed);
    notices.extend(results.notices.iter().cloned());
    Found {
        query,
        results,
        notices,
    }
}

/// Most districts (rows) and topics (columns) in the overview's heat map: the ones with
/// the most passages. A custom gazetteer may have thousands of each; a grid of all of them
/// could neither be counted densely nor drawn.
const MAX_ROWS: usize = 60;
const MAX_COLUMNS: usize = 30;

/// Documents listed on the overview.
pub const DOCS_LISTED: usize = 12;

/// Corpus-wide numbers for the overview.
pub struct Stats {
    /// Documents in the corpus.
    pub docs: usize,
    /// The documents the overview lists (at most [`DOCS_LISTED`]): the newest first,
    /// undated ones last, which for an undated corpus is corpus order.
    pub listed: Vec<DocId>,
    /// Passages in the corpus.
    pub passages: usize,
    /// Characters of normalized text.
    pub chars: usize,
    /// The heat map's rows: districts with passages, most passages first, at most
    /// [`MAX_ROWS`], with their counts.
    pub districts: Vec<(DistrictId, u32)>,
    /// The heat map's columns: topics with passages (at most [`MAX_COLUMNS`], the ones with
    /// most passages), in lexicon order.
    pub topics: Vec<TopicId>,
    /// Passages having both district `districts[i]` and topic `topics[j]`: `cells[i][j]`.
    pub cells: Vec<Vec<u32>>,
    /// Passages of each district, by district id (the map).
    pub district_passages: Vec<u32>,
    /// Largest cell, for the colour scale.
    pub max_cell: u32,
    /// Districts and topics with passages left out of the heat map.
    pub hidden: (usize, usize),
}

/// Count everything the overview shows (once per corpus). Memory is linear in the numbers
/// of districts, topics and passage labels, never their product.
pub fn stats(searcher: &Searcher) -> Stats {
    let corpus = searcher.corpus();
    let mut per_district = vec![0u32; corpus.districts.len()];
    let mut per_topic = vec![0u32; corpus.topics.len()];
    for p in &corpus.passages {
        for d in &p.districts {
            if let Some(count) = per_district.get_mut(d.0 as usize) {
                *count += 1;
            }
        }
        for t in &p.topics {
            if let Some(count) = per_topic.get_mut(t.0 as usize) {
                *count += 1;
            }
        }
    }
    let (districts, hidden_districts) = most(&per_district, MAX_ROWS);
    let (mut topics, hidden_topics) = most(&per_topic, MAX_COLUMNS);
    topics.sort_by_key(|(t, _)| *t);
    // Position of each shown district and topic in the grid.
    let mut row = vec![None; per_district.len()];
    for (i, (d, _)) in districts.iter().enumerate() {
        row[*d as usize] = Some(i);
    }
    let mut column = vec![None; per_topic.len()];
    for (j, (t, _)) in topics.iter().enumerate() {
        column[*t as usize] = Some(j);
    }
    let mut cells = vec![vec![0u32; topics.len()]; districts.len()];
    for p in &corpus.passages {
        for d in &p.districts {
            let Some(i) = row.get(d.0 as usize).copied().flatten() else {
                continue;
            };
            for t in &p.topics {
                if let Some(j) = column.get(t.0 as usize).copied().flatten() {
                    cells[i][j] += 1;
                }
            }
        }
    }
    let max_cell = cells.iter().flatten().copied().max().unwrap_or(0);
    let newest = ViewState {
        sort: SortOrder::Newest,
        ..ViewState::default()
    };
    Stats {
        docs: corpus.docs.len(),
        listed: search(searcher, &newest, DOCS_LISTED)
            .results
            .groups
            .iter()
            .map(|g| g.doc)
            .collect(),
        passages: corpus.passages.len(),
        chars: corpus.docs.iter().map(|d| d.text.chars().count()).sum(),
        districts: districts
            .into_iter()
            .map(|(d, c)| (DistrictId(d), c))
            .collect(),
        topics: topics.into_iter().map(|(t, _)| TopicId(t)).collect(),
        cells,
        district_passages: per_district,
        max_cell,
        hidden: (hidden_districts, hidden_topics),
    }
}

/// The (id, count) pairs with a count, most first (ties by id), at most `limit`; plus how
/// many more had a count.
fn most(counts: &[u32], limit: usize) -> (Vec<(u16, u32)>, usize) {
    let mut nonzero: Vec<(u16, u32)> = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(i, c)| (i as u16, *c))
        .collect();
    nonzero.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let hidden = nonzero.len().saturating_sub(limit);
    nonzero.truncate(limit);
    (nonzero, hidden)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{corpus, TestPassage};

    /// One document whose passages each name district `i` and topic `i` of `n` each (a
    /// custom gazetteer and lexicon with thousands of names), plus district 0 everywhere.
    fn corpus_with(n: usize) -> Searcher {
        let names = |prefix: &str| (0..n).map(|i| format!("{prefix}{i}")).collect::<Vec<_>>();
        let (districts, topics) = (names("区"), names("题"));
        let passages = (0..n)
            .map(|i| TestPassage {
                text: "北碚",
                districts: if i == 0 { vec![0] } else { vec![0, i as u16] },
                topics: vec![i as u16],
            })
            .collect();
        let districts: Vec<&str> = districts.iter().map(String::as_str).collect();
        let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
        Searcher::new(corpus(&districts, &topics, &[passages]))
    }

    #[test]
    fn a_query_too_long_is_a_chinese_notice_and_an_empty_query() {
        let view = ViewState {
            query: "北".repeat(quxian_core::MAX_QUERY_CHARS + 1),
            ..ViewState::default()
        };
        let found = search(&corpus_with(2), &view, 10);
        assert_eq!(found.query, Query::default());
        assert_eq!(found.notices.len(), 1);
        let notice = &found.notices[0];
        assert!(
            notice.starts_with("查询太长") && notice.ends_with("已按空查询处理"),
            "{notice}"
        );
    }

    #[test]
    fn the_heat_map_keeps_the_biggest_rows_and_columns_of_a_huge_grid() {
        let stats = stats(&corpus_with(20_000));
        assert_eq!(stats.districts.len(), MAX_ROWS);
        assert_eq!(
            stats.districts[0],
            (DistrictId(0), 20_000),
            "most passages first"
        );
        assert_eq!(stats.topics.len(), MAX_COLUMNS);
        assert_eq!(stats.hidden, (20_000 - MAX_ROWS, 20_000 - MAX_COLUMNS));
        assert_eq!(stats.cells.len(), MAX_ROWS);
        assert!(stats.cells.iter().all(|row| row.len() == MAX_COLUMNS));
        // Row 0 (district 0) has every topic once; column order is lexicon order.
        assert!(stats.cells[0].iter().all(|&c| c == 1));
        assert!(stats.topics.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_small_grid_is_whole() {
        let stats = stats(&corpus_with(5));
        assert_eq!((stats.districts.len(), stats.topics.len()), (5, 5));
        assert_eq!(stats.hidden, (0, 0));
        assert_eq!(stats.max_cell, 1);
    }
}
