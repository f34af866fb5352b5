//! Search units: the shared alphabet of indexing and querying (query time and load time).
//!
//! A text is read as a sequence of *units*: every CJK ideograph is one unit, every run of
//! other letters or digits is one unit (lowercased; `4.4` stays one number), and everything
//! else (punctuation, spaces, symbols) is a separator that produces no unit. Phrases are
//! sequences of adjacent units, so punctuation is ignored on both sides: the query
//! `一城四地建设` finds `“一城四地”建设`.
//!
//! For matching, each passage is also rewritten into a *unit string*: its units in order,
//! lowercased, with one space between two adjacent word units (so `ab cd` never reads as
//! `abcd`) and nothing else. A clause matches a passage exactly when its unit string is a
//! substring of the passage's: any verbatim substring of the text is found, including one
//! that starts or ends inside a Latin word or a number.
//!
//! Traditional characters are folded to simplified ones here (縉雲山 → 缙云山), so every
//! index and every query sees the same units whichever script a text uses; full-width
//! forms were already folded by NFKC when the text was normalized. The table is fast2s's
//! ([`crate::script`]; OpenCC-derived, character level, with its few context rules such as 著 staying 著
//! except in 看著); every mapping keeps the UTF-8 length, so byte ranges of the folded text
//! are ranges of the original.

use crate::script;
use std::borrow::Cow;
use std::ops::Range;

/// True for CJK ideographs (the characters that are units on their own).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF | 0x3007)
}

/// True for characters that belong to a word unit (letters and digits other than CJK).
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !is_cjk(c) && !is_common_punctuation(c) && !is_kana_or_hangul_mark(c) && c.is_alphanumeric()
}

/// General punctuation (quotes, dashes, ellipses) and CJK punctuation (、。《》「」【】):
/// no letter or digit among them (a test checks), so Unicode's tables need not be asked.
/// Their look-up, a binary search per char, was 7 % of writing a site's postings.
fn is_common_punctuation(c: char) -> bool {
    matches!(c as u32, 0x2000..=0x206F | 0x3000..=0x3004 | 0x3008..=0x3020)
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

/// `text` with traditional characters folded to simplified ones, byte for byte the same
/// length (a text the table would change in length is left as it is).
pub(crate) fn fold_script(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || (text.len() >= SCANNED_TEXT && !text.chars().any(script::may_change)) {
        return Cow::Borrowed(text);
    }
    let folded = script::to_simplified(text);
    if folded.len() == text.len() && folded != text {
        Cow::Owned(folded)
    } else {
        Cow::Borrowed(text)
    }
}

/// Texts at least this long are scanned with [`script::may_change`] before they are folded:
/// a text in simplified characters (most of what is indexed) then costs a bitmap look-up
/// per character instead of a table search per character and a copy. Shorter texts
/// (queries, most titles) are folded directly, so that a page answering a query never
/// builds the bitmap for the query alone. (At 256 bytes, a third of news passages were
/// folded: 4 % of writing a site's postings.)
const SCANNED_TEXT: usize = 64;

/// The NFKC form of `text`, by Rust's Unicode tables (native builds; see [`crate::Query`]).
#[cfg(feature = "nfkc")]
pub fn nfkc(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfkc().collect()
}

/// Call `f` for each unit of `text` in order with its byte range; `Some(c)` for a CJK unit
/// (folded to simplified), `None` for a word unit (whose text is `text[range]`, not yet
/// lowercased).
fn for_each_unit(text: &str, mut f: impl FnMut(Option<char>, Range<usize>)) {
    let folded = fold_script(text);
    let text: &str = &folded;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_cjk(c) {
            f(Some(c), i..i + c.len_utf8());
        } else if is_word_char(c) {
            let mut end = i + c.len_utf8();
            let mut last_digit = c.is_ascii_digit();
            while let Some(&(j, d)) = chars.peek() {
                let joins_number = d == '.'
                    && last_digit
                    && text[j + 1..]
                        .chars()
                        .next()
                        .is_some_and(|n| n.is_ascii_digit());
                if is_word_char(d) || joins_number {
                    end = j + d.len_utf8();
                    last_digit = d.is_ascii_digit();
                    chars.next();
                } else {
                    break;
                }
            }
            f(None, i..end);
        }
    }
}

/// Split text into units with their byte ranges.
pub(crate) fn units(text: &str) -> Vec<(Unit, Range<usize>)> {
    let mut out = Vec::new();
    for_each_unit(text, |cjk, range| {
        let unit = match cjk {
            Some(c) => Unit::Cjk(c),
            None => Unit::Word(text[range.clone()].to_lowercase()),
        };
        out.push((unit, range));
    });
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
        let mut spans = Vec::new();
        let string = build_unit_string(text, |unit, original| spans.push((unit, original)));
        UnitString { string, spans }
    }

    /// Map a byte range of the unit string (one match) to a range of the original text.
    /// A match may start or end inside a word unit: the offset inside the word carries over
    /// when lowercasing kept its length, otherwise the whole word is covered. Spans are in
    /// order and disjoint, so each end is found by binary search: O(log units) per match,
    /// which keeps highlighting a long passage with many matches cheap.
    pub(crate) fn to_original(&self, range: Range<usize>) -> Option<Range<usize>> {
        let map = |at: usize, is_end: bool| -> Option<usize> {
            // The span holding `at`: for a start, s.start <= at < s.end; for an end,
            // s.start < at <= s.end.
            let i = self
                .spans
                .partition_point(|(s, _)| if is_end { s.end < at } else { s.end <= at });
            let (s, o) = self.spans.get(i)?;
            let inside = if is_end { s.start < at } else { s.start <= at };
            if !inside {
                None
            } else if s.len() == o.len() {
                Some(o.start + (at - s.start))
            } else if is_end {
                Some(o.end)
            } else {
                Some(o.start)
            }
        };
        Some(map(range.start, false)?..map(range.end, true)?)
    }
}

/// The unit string of `text` plus its unit count, without the span table (index build).
pub(crate) fn unit_string_and_count(text: &str) -> (String, u32) {
    let mut count = 0;
    let string = build_unit_string(text, |_, _| count += 1);
    (string, count)
}

/// The number of units of `text`: the length of its unit string, without making it.
pub(crate) fn unit_count(text: &str) -> u32 {
    let mut count = 0;
    for_each_unit(text, |_, _| count += 1);
    count
}

/// Build the unit string of `text`, reporting each unit's (unit string range, text range).
fn build_unit_string(text: &str, mut on_unit: impl FnMut(Range<usize>, Range<usize>)) -> String {
    let mut string = String::with_capacity(text.len());
    let mut last_was_word = false;
    for_each_unit(text, |cjk, range| {
        match cjk {
            Some(c) => {
                string.push(c);
                last_was_word = false;
            }
            None => {
                if last_was_word {
                    string.push(' ');
                }
                let start = string.len();
                // Same lowercasing as `units` (str::to_lowercase handles final sigma).
                string.push_str(&text[range.clone()].to_lowercase());
                on_unit(start..string.len(), range);
                last_was_word = true;
                return;
            }
        }
        let end = string.len();
        on_unit(end - cjk.map_or(0, char::len_utf8)..end, range);
    });
    string
}

/// The unit string of a sequence of units (how a query clause is matched).
pub(crate) fn unit_string(units: &[Unit]) -> String {
    let mut s = String::new();
    let mut last_was_word = false;
    for u in units {
        last_was_word = push_unit(&mut s, u, last_was_word);
    }
    s
}

/// Append a unit; returns whether it was a word unit.
fn push_unit(s: &mut String, unit: &Unit, last_was_word: bool) -> bool {
    match unit {
        Unit::Cjk(c) => {
            s.push(*c);
            false
        }
        Unit::Word(w) => {
            if last_was_word {
                s.push(' ');
            }
            s.push_str(w);
            true
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

    /// What `fold_script` gives without its scan: fast2s on every non-ASCII text.
    fn folded_by_fast2s(text: &str) -> String {
        let folded = fast2s::convert(text);
        if folded.len() == text.len() {
            folded
        } else {
            text.to_string()
        }
    }

    proptest::proptest! {
        /// Counting units is counting the units a unit string is made of.
        #[test]
        fn unit_count_is_the_unit_strings_count(text in "[北碚區ab İẞ4.，“”\\- 12]{0,80}") {
            proptest::prop_assert_eq!(unit_count(&text), unit_string_and_count(&text).1);
            proptest::prop_assert_eq!(unit_count(&text) as usize, units(&text).len());
        }
    }

    #[test]
    fn common_punctuation_holds_no_letter_or_digit() {
        let punctuation = (0..=0x3_FFFF)
            .filter_map(char::from_u32)
            .filter(|c| is_common_punctuation(*c));
        for c in punctuation {
            assert!(!c.is_alphanumeric(), "{c:?} is a letter or digit");
        }
        assert!(is_common_punctuation('“') && is_common_punctuation('》'));
    }

    #[test]
    fn the_scan_sends_every_text_fast2s_would_change_to_it() {
        let simplified = "北碚区缙云山国家级自然保护区的生态环境持续改善，".repeat(12);
        assert!(matches!(fold_script(&simplified), Cow::Borrowed(_)));
        // Characters fast2s changes only next to certain others, in a long text.
        for (word, expected) in [("看著", "看着"), ("苧麻", "苎麻")] {
            let text = format!("{simplified}{word}");
            assert_eq!(fold_script(&text), format!("{simplified}{expected}"));
        }
        let text = format!("{simplified}藉口");
        assert_eq!(fold_script(&text), folded_by_fast2s(&text));
        let traditional = format!("{simplified}縉雲山重慶兩江新區");
        assert_eq!(
            fold_script(&traditional),
            format!("{simplified}缙云山重庆两江新区")
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Long texts of simplified and traditional characters, the context words of
        /// fast2s and other scripts fold exactly as fast2s folds them.
        #[test]
        fn the_scan_changes_nothing_fast2s_would_give(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "北碚", "缙云山", "重慶", "兩江", "藉口", "憑藉", "看著", "著名", "苧麻",
                    "乾隆", "乾燥", "回覆", "計畫", "鍾書", "abc", "１２", "ｸﾞ", "한국", "，", " ",
                ]),
                60..200,
            ),
        ) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(fold_script(&text).into_owned(), folded_by_fast2s(&text));
        }
    }

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
        let text = "重庆 15G，网络 AI Lab";
        let us = UnitString::new(text);
        assert_eq!(us.string, "重庆15g网络ai lab");
        let m = find_all(&us.string, "5g网");
        assert_eq!(m.len(), 1);
        let orig = us.to_original(m[0].clone()).unwrap();
        assert_eq!(&text[orig], "5G，网");
        let m = find_all(&us.string, "i l");
        assert_eq!(&text[us.to_original(m[0].clone()).unwrap()], "I L");
    }

    /// The linear scan `to_original` replaced, as the reference for the binary search.
    fn to_original_by_scan(us: &UnitString, range: Range<usize>) -> Option<Range<usize>> {
        let map = |at: usize, is_end: bool| -> Option<usize> {
            let (s, o) = us.spans.iter().find(|(s, _)| {
                if is_end {
                    s.start < at && at <= s.end
                } else {
                    s.start <= at && at < s.end
                }
            })?;
            Some(if s.len() == o.len() {
                o.start + (at - s.start)
            } else if is_end {
                o.end
            } else {
                o.start
            })
        };
        Some(map(range.start, false)?..map(range.end, true)?)
    }

    proptest::proptest! {
        #[test]
        fn binary_search_maps_like_a_scan(text in "[北碚区ab İẞ4.，\\- ]{0,60}", a in 0usize..80, b in 0usize..80) {
            let us = UnitString::new(&text);
            let range = a.min(b)..a.max(b);
            proptest::prop_assert_eq!(us.to_original(range.clone()), to_original_by_scan(&us, range));
        }
    }

    #[test]
    fn traditional_folds_to_simplified() {
        for (traditional, simplified) in [
            ("縉雲山", "缙云山"),
            ("重慶兩江新區", "重庆两江新区"),
            ("科技創新", "科技创新"),
            ("著名", "著名"),
            ("ＧＤＰ２０２６", "ＧＤＰ２０２６"),
        ] {
            assert_eq!(words(traditional), words(simplified), "{traditional}");
        }
        let text = "在縉雲山，AI";
        let us = UnitString::new(text);
        assert_eq!(us.string, "在缙云山ai");
        let m = find_all(&us.string, "缙云山");
        assert_eq!(&text[us.to_original(m[0].clone()).unwrap()], "縉雲山");
        assert!(matches!(fold_script("北碚"), Cow::Borrowed(_)));
    }

    #[test]
    fn adjacent_words_stay_apart() {
        let us = UnitString::new("ab cd, 4.4%");
        assert_eq!(us.string, "ab cd 4.4");
        assert!(find_all(&us.string, "abcd").is_empty());
    }
}
