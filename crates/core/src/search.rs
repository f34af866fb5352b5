//! Search (stub).
use crate::{Corpus, FacetCounts, Filters, Query};
/// Hit.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {}
/// Results.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResults {
    /// Total.
    pub total: usize,
    /// Facets.
    pub facets: FacetCounts,
}
/// Searcher.
pub struct Searcher {
    corpus: Corpus,
}
impl Searcher {
    /// New.
    pub fn new(corpus: Corpus) -> Self {
        Searcher { corpus }
    }
    /// Search.
    pub fn search(&self, _q: &Query, _f: &Filters, _limit: usize) -> SearchResults {
        let _ = &self.corpus;
        SearchResults::default()
    }
}
