//! Stage 3 (build time): split normalized text into passages. OWNER: ingest helper.
use std::ops::Range;

/// Split normalized text into passage byte ranges (in order, non-overlapping, trimmed).
pub(crate) fn split_passages(text: &str) -> Vec<Range<usize>> {
    if text.trim().is_empty() {
        Vec::new()
    } else {
        vec![0..text.len()]
    }
}
