//! Query parsing (stub).
/// A parsed query.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {}
impl Query {
    /// Parse user input.
    pub fn parse(_s: &str) -> crate::Result<Query> {
        Ok(Query {})
    }
}
/// Facet filters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filters {}
