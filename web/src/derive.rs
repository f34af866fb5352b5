//! Data derived from the corpus and the view, computed in `use_memo` and never stored in
//! state: search results for the current query and filters, and corpus statistics.

use std::rc::Rc;

use quxian_core::{DistrictId, Filters, Query, SearchResults, Searcher, TopicId, ViewState};

use crate::dom;

/// Most document groups listed at once (totals and facet counts always cover everything).
pub const MAX_GROUPS: usize = 200;

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
    /// Time spent in `Searcher::search`, in milliseconds.
    pub ms: f64,
    /// Notices about the query (too long, unknown inline filters).
    pub notices: Vec<String>,
}

/// Run the view's search.
pub fn search(searcher: &Searcher, view: &ViewState) -> Found {
    let corpus = searcher.corpus();
    let mut notices = Vec::new();
    let query = match Query::parse(&view.query) {
        Ok(q) => q,
        Err(_) => {
            notices.push(format!(
                "查询过长，最多 {} 个字符；已按空查询处理",
                quxian_core::MAX_QUERY_CHARS
            ));
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
    };
    let start = dom::now_ms();
    let results = searcher.search(&query, &filters, MAX_GROUPS);
    let ms = dom::now_ms() - start;
    notices.extend(results.notices.iter().cloned());
    Found {
        query,
        results,
        ms,
        notices,
    }
}

/// Corpus-wide numbers for the overview.
pub struct Stats {
    /// Documents in the corpus.
    pub docs: usize,
    /// Passages in the corpus.
    pub passages: usize,
    /// Characters of normalized text.
    pub chars: usize,
    /// Districts with at least one passage, most passages first, with their counts.
    pub districts: Vec<(DistrictId, u32)>,
    /// Topics in lexicon order.
    pub topics: Vec<TopicId>,
    /// Passages having both district `districts[i]` and topic `topics[j]`: `cells[i][j]`.
    pub cells: Vec<Vec<u32>>,
    /// Largest cell, for the colour scale.
    pub max_cell: u32,
}

/// Count everything the overview shows (once per corpus).
pub fn stats(searcher: &Searcher) -> Stats {
    let corpus = searcher.corpus();
    let (nd, nt) = (corpus.districts.len(), corpus.topics.len());
    let mut per_district = vec![0u32; nd];
    let mut grid = vec![vec![0u32; nt]; nd];
    for p in &corpus.passages {
        for d in &p.districts {
            let Some(count) = per_district.get_mut(d.0 as usize) else {
                continue;
            };
            *count += 1;
            for t in &p.topics {
                if let Some(cell) = grid
                    .get_mut(d.0 as usize)
                    .and_then(|row| row.get_mut(t.0 as usize))
                {
                    *cell += 1;
                }
            }
        }
    }
    let mut districts: Vec<(DistrictId, u32)> = per_district
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(i, c)| (DistrictId(i as u16), *c))
        .collect();
    districts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let cells: Vec<Vec<u32>> = districts
        .iter()
        .map(|(d, _)| grid.get(d.0 as usize).cloned().unwrap_or_default())
        .collect();
    let max_cell = cells.iter().flatten().copied().max().unwrap_or(0);
    Stats {
        docs: corpus.docs.len(),
        passages: corpus.passages.len(),
        chars: corpus.docs.iter().map(|d| d.text.chars().count()).sum(),
        districts,
        topics: (0..nt).map(|i| TopicId(i as u16)).collect(),
        cells,
        max_cell,
    }
}
