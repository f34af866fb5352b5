//! Stage 4 (build time): jieba segmentation with every gazetteer name kept whole.
//! OWNER: taxonomy helper.
use std::ops::Range;

/// A jieba segmenter loaded with the gazetteer's names and the lexicon's keywords.
pub struct Segmenter {}

impl Segmenter {
    /// Segment text into tokens (byte ranges that tile `text`).
    pub fn segment(&self, text: &str) -> Vec<Range<usize>> {
        text.char_indices().map(|(i, c)| i..i + c.len_utf8()).collect()
    }
}
