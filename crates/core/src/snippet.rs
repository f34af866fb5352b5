//! Snippets (query time): a window of a passage around its first match, with highlight
//! ranges as offsets (never HTML), so every front end renders text safely.
//!
//! Width is counted in characters, not bytes. A passage no longer than the width is shown
//! whole; otherwise the window starts a little before the first highlight and is marked with
//! `…` where text was cut. Highlight ranges are sorted, merged and clipped to the window.

use std::ops::Range;

/// Default snippet width in characters (about three lines of Chinese in the result list).
pub const SNIPPET_CHARS: usize = 120;

/// Characters of context kept before the first highlight.
const LEAD_CHARS: usize = 24;

/// A piece of passage text with highlighted ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snippet {
    /// The text shown.
    pub text: String,
    /// Highlighted byte ranges of `text`: sorted, non-overlapping, on char boundaries.
    pub highlights: Vec<Range<usize>>,
}

/// Sort and merge overlapping or touching ranges.
pub(crate) fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

impl Snippet {
    /// A snippet of `text` at most `width` characters wide (plus ellipses) showing the first
    /// of `highlights` (byte ranges of `text` on char boundaries).
    ///
    /// Cost is linear in the first highlight's offset plus the width, not in the length of
    /// `text`: a snippet of a huge passage stays cheap.
    pub fn new(text: &str, highlights: Vec<Range<usize>>, width: usize) -> Snippet {
        let highlights = merge(highlights);
        let width = width.max(1);
        if text.chars().nth(width).is_none() {
            return Snippet {
                text: text.to_string(),
                highlights,
            };
        }
        let first = text.floor_char_boundary(highlights.first().map_or(0, |h| h.start));
        // Start `LEAD_CHARS` before the first highlight, unless the window would then run
        // past the end of the text: then it holds the last `width` characters.
        let lead = text[..first]
            .char_indices()
            .rev()
            .nth(LEAD_CHARS - 1)
            .map_or(0, |(i, _)| i);
        let (start, end) = match text[lead..].char_indices().nth(width) {
            Some((i, _)) => (lead, lead + i),
            None => {
                let last = text.char_indices().rev().nth(width - 1);
                (last.map_or(0, |(i, _)| i), text.len())
            }
        };
        Self::window(text, &highlights, start, end)
    }

    /// The snippet of `text[start..end]`, with ellipses where text was cut and highlights
    /// clipped and shifted into it.
    fn window(text: &str, highlights: &[Range<usize>], start: usize, end: usize) -> Snippet {
        let prefix = if start > 0 { "…" } else { "" };
        let suffix = if end < text.len() { "…" } else { "" };
        let shift = |b: usize| b - start + prefix.len();
        let clipped = highlights
            .iter()
            .filter(|h| h.end > start && h.start < end)
            .map(|h| shift(h.start.max(start))..shift(h.end.min(end)))
            .collect();
        Snippet {
            text: format!("{prefix}{}{suffix}", &text[start..end]),
            highlights: clipped,
        }
    }

    /// Highlights as character offsets into `text` (for JSON output and JavaScript).
    pub fn char_highlights(&self) -> Vec<[usize; 2]> {
        self.highlights
            .iter()
            .map(|h| {
                let s = self.text.get(..h.start).map_or(0, |t| t.chars().count());
                let len = self.text.get(h.clone()).map_or(0, |t| t.chars().count());
                [s, s + len]
            })
            .collect()
    }

    /// The text cut into pieces, each flagged as highlighted or not, in order.
    pub fn pieces(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        let mut at = 0;
        for h in &self.highlights {
            if let (Some(before), Some(marked)) =
                (self.text.get(at..h.start), self.text.get(h.clone()))
            {
                if !before.is_empty() {
                    out.push((before, false));
                }
                out.push((marked, true));
                at = h.end;
            }
        }
        if let Some(rest) = self.text.get(at..) {
            if !rest.is_empty() {
                out.push((rest, false));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_whole() {
        let s = Snippet::new("北碚区科技创新", vec![9..12, 3..9], 120);
        assert_eq!(s.text, "北碚区科技创新");
        assert_eq!(s.highlights, vec![3..12]);
        assert_eq!(s.char_highlights(), vec![[1, 4]]);
        assert_eq!(
            s.pieces(),
            vec![("北", false), ("碚区科", true), ("技创新", false)]
        );
    }

    #[test]
    fn long_text_windows_around_first_match() {
        let text = format!("{}北碚{}", "甲".repeat(100), "乙".repeat(100));
        let at = "甲".len() * 100;
        let s = Snippet::new(&text, std::iter::once(at..at + 6).collect(), 40);
        assert!(
            s.text.starts_with('…') && s.text.ends_with('…'),
            "{}",
            s.text
        );
        assert_eq!(s.text.chars().count(), 42);
        let h = s.highlights[0].clone();
        assert_eq!(&s.text[h], "北碚");
        assert_eq!(s.char_highlights(), vec![[25, 27]]);
    }

    /// The windowing `new` replaced (all boundaries of the text collected first), as the
    /// reference for the cheap one.
    fn window_by_boundaries(text: &str, first: usize, width: usize) -> (usize, usize) {
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect();
        let chars = boundaries.len() - 1;
        let first_char = boundaries.partition_point(|b| *b < first);
        let start_char = first_char.saturating_sub(LEAD_CHARS).min(chars - width);
        (boundaries[start_char], boundaries[start_char + width])
    }

    proptest::proptest! {
        #[test]
        fn window_matches_the_reference(text in "[甲乙a]{0,300}", at in 0usize..300, width in 1usize..150) {
            let at = text.floor_char_boundary(at);
            let highlight = at..text.len();
            let s = Snippet::new(&text, std::iter::once(highlight.clone()).collect(), width);
            if text.chars().count() > width {
                let (start, end) = window_by_boundaries(&text, at, width);
                let expected = Snippet::window(&text, std::slice::from_ref(&highlight), start, end);
                proptest::prop_assert_eq!(s, expected);
            } else {
                proptest::prop_assert_eq!(s.text, text);
            }
        }
    }

    #[test]
    fn window_at_end_has_no_suffix() {
        let text = format!("{}北碚", "甲".repeat(100));
        let at = "甲".len() * 100;
        let s = Snippet::new(&text, std::iter::once(at..at + 6).collect(), 40);
        assert!(s.text.ends_with("北碚"), "{}", s.text);
        assert_eq!(&s.text[s.highlights[0].clone()], "北碚");
    }
}
