//! Facet counts (query time): passages per district and per topic over a match set.
//!
//! Counts are *disjunctive*: a facet's values are counted with the other facet's filter
//! applied but not its own, so choosing 北碚 still shows how many passages 渝北 would add
//! (OR within a facet), while a topic filter narrows the district counts (AND across).
//! The pairs of a district and a topic (a heat map's cells) are counted without either
//! filter: a cell's count is what choosing that district and that topic alone lists.

use crate::{DistrictId, Filters, TopicId};

/// Passages per district and per topic, indexed by `DistrictId` / `TopicId`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FacetCounts {
    /// Matching passages per district.
    pub districts: Vec<u32>,
    /// Matching passages per topic.
    pub topics: Vec<u32>,
    /// Matching passages per district and topic that a passage has both of, ignoring the
    /// district and topic filters; only pairs with passages, by district then topic.
    pub pairs: Vec<(DistrictId, TopicId, u32)>,
}

impl FacetCounts {
    /// No passage in any of `sizes.0` districts and `sizes.1` topics.
    pub(crate) fn zero(sizes: (usize, usize)) -> FacetCounts {
        FacetCounts {
            districts: vec![0; sizes.0],
            topics: vec![0; sizes.1],
            pairs: Vec::new(),
        }
    }
}

/// Whether a passage with these labels passes the district and topic filters.
pub(crate) fn in_facets(labels: (&[DistrictId], &[TopicId]), f: &Filters) -> bool {
    in_districts(labels.0, f) && in_topics(labels.1, f)
}

fn in_districts(districts: &[DistrictId], f: &Filters) -> bool {
    f.districts.is_empty() || districts.iter().any(|d| f.districts.contains(d))
}

fn in_topics(topics: &[TopicId], f: &Filters) -> bool {
    f.topics.is_empty() || topics.iter().any(|t| f.topics.contains(t))
}

/// Count facets over `matched` (passage id, score) and return the entries that pass both
/// filters, in the same order. `sizes` are the numbers of districts and topics; `labels`
/// gives a passage's districts and topics.
pub(crate) fn count_and_filter<'a, S: Copy>(
    sizes: (usize, usize),
    labels: impl Fn(u32) -> (&'a [DistrictId], &'a [TopicId]),
    matched: &[(u32, S)],
    filters: &Filters,
) -> (FacetCounts, Vec<(u32, S)>) {
    let mut counts = FacetCounts::zero(sizes);
    let mut pairs = PairCounts::new(sizes);
    let mut kept = Vec::new();
    for &(id, score) in matched {
        let (districts, topics) = labels(id);
        pairs.add(districts, topics);
        let (d_ok, t_ok) = (in_districts(districts, filters), in_topics(topics, filters));
        if t_ok {
            for d in districts {
                if let Some(c) = counts.districts.get_mut(d.0 as usize) {
                    *c += 1;
                }
            }
        }
        if d_ok {
            for t in topics {
                if let Some(c) = counts.topics.get_mut(t.0 as usize) {
                    *c += 1;
                }
            }
        }
        if d_ok && t_ok {
            kept.push((id, score));
        }
    }
    counts.pairs = pairs.nonzero();
    (counts, kept)
}

/// Passages per (district, topic), a row of topics per district.
struct PairCounts {
    topics: usize,
    counts: Vec<u32>,
}

impl PairCounts {
    fn new((districts, topics): (usize, usize)) -> PairCounts {
        PairCounts {
            topics,
            counts: vec![0; districts * topics],
        }
    }

    fn add(&mut self, districts: &[DistrictId], topics: &[TopicId]) {
        for d in districts {
            for t in topics.iter().filter(|t| (t.0 as usize) < self.topics) {
                let cell = d.0 as usize * self.topics + t.0 as usize;
                if let Some(c) = self.counts.get_mut(cell) {
                    *c += 1;
                }
            }
        }
    }

    fn nonzero(self) -> Vec<(DistrictId, TopicId, u32)> {
        let topics = self.topics;
        let cell = |(i, n): (usize, u32)| {
            let (d, t) = (i / topics, i % topics);
            (DistrictId(d as u16), TopicId(t as u16), n)
        };
        let counts = self.counts.into_iter().enumerate();
        counts.filter(|(_, n)| *n > 0).map(cell).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::annotated_corpus;
    use crate::Corpus;

    fn count(
        corpus: &Corpus,
        matched: &[(u32, f32)],
        filters: &Filters,
    ) -> (FacetCounts, Vec<(u32, f32)>) {
        let labels = |p: u32| {
            let p = &corpus.passages[p as usize];
            (p.districts.as_slice(), p.topics.as_slice())
        };
        let sizes = (corpus.districts.len(), corpus.topics.len());
        count_and_filter(sizes, labels, matched, filters)
    }

    #[test]
    fn counts_are_disjunctive() {
        // passages: 0 北碚/科技, 1 北碚/交通, 2 渝北/科技, 3 渝北/—
        let corpus = annotated_corpus(&[(&[0], &[0]), (&[0], &[1]), (&[1], &[0]), (&[1], &[])]);
        let all = [(0, 0.0), (1, 0.0), (2, 0.0), (3, 0.0)];
        let ids = |kept: Vec<(u32, f32)>| kept.into_iter().map(|(p, _)| p).collect::<Vec<u32>>();
        let (c, kept) = count(&corpus, &all, &Filters::default());
        assert_eq!(
            (c.districts.clone(), c.topics.clone(), ids(kept)),
            (vec![2, 2], vec![2, 1], vec![0, 1, 2, 3])
        );
        let (d, t) = (DistrictId, TopicId);
        let pairs = vec![(d(0), t(0), 1), (d(0), t(1), 1), (d(1), t(0), 1)];
        assert_eq!(c.pairs, pairs);

        let f = Filters {
            districts: vec![DistrictId(0)],
            topics: vec![],
            ..Filters::default()
        };
        let (c, kept) = count(&corpus, &all, &f);
        assert_eq!(
            c.districts,
            vec![2, 2],
            "own facet is not narrowed by its filter"
        );
        assert_eq!(c.topics, vec![1, 1], "other facet is narrowed");
        assert_eq!(ids(kept), vec![0, 1]);

        let f = Filters {
            districts: vec![DistrictId(0), DistrictId(1)],
            topics: vec![TopicId(0)],
            ..Filters::default()
        };
        let (c, kept) = count(&corpus, &all, &f);
        assert_eq!(c.districts, vec![1, 1]);
        assert_eq!(c.topics, vec![2, 1]);
        assert_eq!(ids(kept), vec![0, 2]);
        assert_eq!(c.pairs, pairs, "pairs are counted without the filters");
    }
}
