//! Snippets (stub).
/// A snippet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snippet {}
