//! Index (stub).
/// In-memory inverted index.
#[derive(Debug, Default)]
pub struct Index {}
