//! Line handling shared by the gazetteer and lexicon parsers: comment and blank lines,
//! whitespace-separated fields, dates, and the one error shape both report.
//!
//! Input: a data file's text. Output: `(line number, fields)` pairs for the lines that carry
//! data. Line numbers are 1-based and count every line, comments and blank lines included,
//! so an error points at the line a person sees in an editor. Does not interpret fields.

use crate::error::Error;

/// The non-blank, non-comment lines of `text` as (1-based line number, fields).
/// A leading byte-order mark is ignored; `#` starts a comment only at the start of a line.
pub(crate) fn data_lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines().enumerate().filter_map(|(i, line)| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            None
        } else {
            Some((i + 1, line.split_whitespace().collect()))
        }
    })
}

/// A [`Error::DataFile`] for `file` at `line`.
pub(crate) fn error(file: &str, line: usize, detail: impl Into<String>) -> Error {
    Error::DataFile {
        file: file.to_string(),
        line,
        detail: detail.into(),
    }
}

/// Check a date written as `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (month 1–12, day 1–31).
/// Returns it as a sortable `(year, month, day)` with missing parts as 0.
pub(crate) fn parse_date(s: &str) -> Option<(u16, u8, u8)> {
    let mut parts = s.split('-');
    let year = parts.next().filter(|y| y.len() == 4)?;
    let year: u16 = all_digits(year)?.parse().ok()?;
    let month = match parts.next() {
        None => 0,
        Some(m) => all_digits(m)
            .filter(|m| m.len() == 2)?
            .parse::<u8>()
            .ok()
            .filter(|m| (1..=12).contains(m))?,
    };
    let day = match parts.next() {
        None => 0,
        Some(d) => all_digits(d)
            .filter(|d| d.len() == 2)?
            .parse::<u8>()
            .ok()
            .filter(|d| (1..=31).contains(d))?,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((year, month, day))
}

/// Read a document date as people write it (`2026-05-01`, `2026/5/1`, `2026年5月1日`,
/// `2026-05-01T08:00`): the first four-digit year from 1000 on, then an optional month and
/// day each after one separator. Returns `(year, month, day)` with missing parts 0, or
/// `None` when there is no year. Used to honour dated aliases (`until=`).
pub(crate) fn parse_loose_date(s: &str) -> Option<(u16, u8, u8)> {
    let digits = |from: &str| -> (String, usize) {
        let d: String = from.chars().take_while(char::is_ascii_digit).collect();
        let len = d.len();
        (d, len)
    };
    let start = s
        .char_indices()
        .find(|(i, c)| {
            let after_digit = s[..*i]
                .chars()
                .next_back()
                .is_some_and(|p| p.is_ascii_digit());
            c.is_ascii_digit() && !after_digit && digits(&s[*i..]).1 == 4
        })
        .map(|(i, _)| i)?;
    let (year, len) = digits(&s[start..]);
    let year: u16 = year.parse().ok().filter(|y| *y >= 1000)?;
    let mut rest = &s[start + len..];
    let mut part = |max: u8| -> u8 {
        let mut chars = rest.chars();
        let Some(sep) = chars
            .next()
            .filter(|c| matches!(c, '-' | '/' | '.' | '年' | '月'))
        else {
            return 0;
        };
        let after = &rest[sep.len_utf8()..];
        let (d, n) = digits(after);
        match d.parse::<u8>() {
            Ok(v) if (1..=max).contains(&v) && n <= 2 => {
                rest = &after[n..];
                v
            }
            _ => 0,
        }
    };
    let month = part(12);
    let day = if month == 0 { 0 } else { part(31) };
    Some((year, month, day))
}

fn all_digits(s: &str) -> Option<&str> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_lines_skip_comments_and_blanks_and_keep_line_numbers() {
        let text = "\u{feff}# head\n\n  a b\tc  \n   # indented comment\nd\n";
        let lines: Vec<_> = data_lines(text).collect();
        assert_eq!(lines, vec![(3, vec!["a", "b", "c"]), (5, vec!["d"])]);
    }

    #[test]
    fn loose_dates() {
        for (s, want) in [
            ("2026-05-01", Some((2026, 5, 1))),
            ("2026/5/1", Some((2026, 5, 1))),
            ("2026年5月1日", Some((2026, 5, 1))),
            ("2026-05-01T08:00:00+08:00", Some((2026, 5, 1))),
            ("2011-10", Some((2011, 10, 0))),
            ("2005", Some((2005, 0, 0))),
            ("发布于 2020-13-01", Some((2020, 0, 0))),
            ("12345", None),
            ("05/01", None),
            ("", None),
        ] {
            assert_eq!(parse_loose_date(s), want, "date {s:?}");
        }
    }

    #[test]
    fn dates() {
        for (s, want) in [
            ("2025", Some((2025, 0, 0))),
            ("2025-11", Some((2025, 11, 0))),
            ("2025-11-03", Some((2025, 11, 3))),
            ("2025-13", None),
            ("2025-1", None),
            ("25", None),
            ("2025-11-03-01", None),
            ("２０２５", None),
            ("", None),
        ] {
            assert_eq!(parse_date(s), want, "date {s:?}");
        }
    }
}
