//! Stage 2 (build time): normalize text for display and indexing, keeping a map back to
//! the original. OWNER: ingest helper — replace this stub.

/// Maps byte offsets in normalized text back to byte offsets in the original.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OffsetMap {
    // filled in by the implementation
}

impl OffsetMap {
    /// Byte offset in the original text for a byte offset in the normalized text.
    pub fn to_original(&self, normalized: usize) -> usize {
        normalized
    }
}

/// Normalized text and its map back to the original.
#[derive(Clone, Debug, PartialEq)]
pub struct NormalizedText {
    /// The normalized text. Paragraphs are separated by `\n`.
    pub text: String,
    /// Offsets back into the input.
    pub map: OffsetMap,
}

/// Normalize a document's text (see module docs).
pub fn normalize(text: &str) -> NormalizedText {
    NormalizedText {
        text: text.to_string(),
        map: OffsetMap::default(),
    }
}
