//! Search units: the shared alphabet of indexing and querying (query time and load time).
//!
//! A text is read as a sequence of *units*: every CJK ideograph is one unit, every run of
//! other letters or digits is one unit (lowercased; `4.4` stays one number), and everything
//! else (punctuation, spaces, symbols) is a separator that produces no unit. Phrases are
//! sequences of adjacent units, so punctuation is ignored on both sides: the query
//! `一城四地建设` finds `“一城四地”建设`.
//!
//! For verification each passage is also rewritten into a *unit string*: CJK units as they
//! are, word units wrapped in `\u{1}` so that `4` never matches inside `4.4`. A clause
//! matches a passage exactly when its unit string is a substring of the passage's.

use std::ops::Range;

/// Wraps word units in unit strings (a control character never found in normalized text).
const WORD_MARK: char = '\u{1}';

/// True for CJK ideographs (the characters that are units on their own).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF | 0x3007)
}

/// True for characters that belong to a word unit (letters and digits other than CJK).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c) && !is_kana_or_hangul_mark(c)
}

/// Combining marks are alphanumeric-adjacent noise; keep the check explicit and cheap.
fn is_kana_or_hangul_mark(c: char) -> bool {
    matches!(c as u32, 0x3099..=0x309A)
}

/// One unit of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A CJK ideograph.
    Cjk(char),
    /// A lowercased run of letters/digits.
    Word(String),
}

/// Split text into units with their byte ranges.
pub(crate) fn units(text: &str) -> Vec<(Unit, Range<usize>)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_cjk(c) {
            out.push((Unit::Cjk(c), i..i + c.len_utf8()));
        } else if is_word_char(c) {
            let mut end = i + c.len_utf8();
            let mut last_digit = c.is_ascii_digit();
            while let Some(&(j, d)) = chars.peek() {
                let joins_number = d == '.'
                    && last_digit
                    && text[j + 1..].chars().next().is_some_and(|n| n.is_ascii_digit());
                if is_word_char(d) || joins_number {
                    end = j + d.len_utf8();
                    last_digit = d.is_ascii_digit();
                    chars.next();
                } else {
                    break;
                }
            }
            out.push((Unit::Word(text[i..end].to_lowercase()), i..end));
        }
    }
    out
}

/// The unit string of a text (see module docs), plus, for each unit, its byte range in the
/// unit string and in the text, so matches can be mapped back for highlighting.
pub(crate) struct UnitString {
    /// The rewritten text.
    pub(crate) string: String,
    /// `(range in string, range in the original text)` per unit, in order.
    pub(crate) spans: Vec<(Range<usize>, Range<usize>)>,
}

impl UnitString {
    /// Rewrite `text` into its unit string.
    pub(crate) fn new(text: &str) -> Self {
        let mut string = String::with_capacity(text.len());
        let mut spans = Vec::new();
        for (unit, range) in units(text) {
            let start = string.len();
            push_unit(&mut string, &unit);
            spans.push((start..string.len(), range));
        }
        UnitString { string, spans }
    }

    /// Map a byte range of the unit string (one match) to a range of the original text.
    pub(crate) fn to_original(&self, range: Range<usize>) -> Option<Range<usize>> {
        let first = self.spans.iter().find(|(s, _)| s.start == range.start)?;
        let last = self.spans.iter().find(|(s, _)| s.end == range.end)?;
        Some(first.1.start..last.1.end)
    }
}

/// The unit string of a sequence of units (how a query clause is matched).
pub(crate) fn unit_string(units: &[Unit]) -> String {
    let mut s = String::new();
    for u in units {
        push_unit(&mut s, u);
    }
    s
}

fn push_unit(s: &mut String, unit: &Unit) {
    match unit {
        Unit::Cjk(c) => s.push(*c),
        Unit::Word(w) => {
            s.push(WORD_MARK);
            s.push_str(w);
            s.push(WORD_MARK);
        }
    }
}

/// Count non-overlapping occurrences of `needle` in `haystack`, with their ranges.
pub(crate) fn find_all(haystack: &str, needle: &str) -> Vec<Range<usize>> {
    if needle.is_empty() {
        return Vec::new();
    }
    haystack
        .match_indices(needle)
        .map(|(i, m)| i..i + m.len())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        units(text)
            .into_iter()
            .map(|(u, _)| match u {
                Unit::Cjk(c) => c.to_string(),
                Unit::Word(w) => w,
            })
            .collect()
    }

    #[test]
    fn units_table() {
        let table: &[(&str, &[&str])] = &[
            ("北碚区", &["北", "碚", "区"]),
            ("“一城四地”建设", &["一", "城", "四", "地", "建", "设"]),
            ("比重达4.4%，", &["比", "重", "达", "4.4"]),
            ("5G网络 AI Lab", &["5g", "网", "络", "ai", "lab"]),
            ("end.", &["end"]),
            ("1.2.3", &["1.2.3"]),
            ("", &[]),
            ("，。！", &[]),
        ];
        for (input, expected) in table {
            assert_eq!(words(input), *expected, "units of {input:?}");
        }
    }

    #[test]
    fn unit_string_maps_back() {
        let text = "重庆 5G，网络";
        let us = UnitString::new(text);
        assert_eq!(us.string, "重庆\u{1}5g\u{1}网络");
        let m = find_all(&us.string, "\u{1}5g\u{1}网");
        assert_eq!(m.len(), 1);
        let orig = us.to_original(m[0].clone()).unwrap();
        assert_eq!(&text[orig], "5G，网");
    }

    #[test]
    fn word_units_do_not_match_inside_numbers() {
        let us = UnitString::new("增长4.4%");
        let needle = unit_string(&[Unit::Word("4".into())]);
        assert!(find_all(&us.string, &needle).is_empty());
    }
}
