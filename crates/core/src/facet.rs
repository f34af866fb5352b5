//! Facet counts (stub).
/// Counts per district and topic.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FacetCounts {
    /// Passages per district, by DistrictId.
    pub districts: Vec<u32>,
    /// Passages per topic, by TopicId.
    pub topics: Vec<u32>,
}
