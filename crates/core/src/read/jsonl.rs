//! JSON Lines (`.jsonl`). Input: decoded text. Output: one [`RawDoc`] per good line, plus the
//! reasons for the bad ones.
//!
//! Each non-blank line is one JSON object with a string `text` and optional `title`, `date`,
//! `source`, `url` (strings or numbers; other fields, and other values, are ignored). The key is `stem#N` with N the 1-based
//! line number, so it stays stable when other lines change. A missing title falls back to the
//! first line of `text`. A line that is not such an object, or has blank `text`, is reported
//! as `"line N: …"` and skipped; the caller decides whether the file as a whole failed.

use super::{first_line, mib, RawDoc, MAX_DOCUMENT_BYTES};
use crate::{RecordProblem, SkipReason};
use serde::Deserialize;
use serde_json::error::Category;

/// One record as written in the file. The optional fields take a string or a number
/// (`"date": 20260501`); any other value (null, an object) counts as absent rather than
/// losing the record.
#[derive(Deserialize)]
struct Record {
    text: String,
    #[serde(default, deserialize_with = "lenient")]
    title: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    date: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    source: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    url: Option<String>,
}

/// A string field written as a string or a number; anything else is absent.
fn lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// Read every line; returns the documents and one reason per bad line.
pub(super) fn read(stem: &str, text: &str) -> (Vec<RawDoc>, Vec<SkipReason>) {
    let mut docs = Vec::new();
    let mut bad = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        if line.len() > MAX_DOCUMENT_BYTES {
            bad.push(SkipReason::RecordTooLarge {
                line: number,
                limit_mib: mib(MAX_DOCUMENT_BYTES),
            });
            continue;
        }
        match parse_record(line) {
            Ok(record) if record.text.trim().is_empty() => {
                bad.push(SkipReason::EmptyRecord { line: number });
            }
            Ok(record) => docs.push(RawDoc {
                key: format!("{stem}#{number}"),
                title: record
                    .title
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| first_line(&record.text)),
                text: record.text,
                date: non_blank(record.date),
                source: non_blank(record.source),
                url: non_blank(record.url),
            }),
            Err(e) => bad.push(SkipReason::BadRecord {
                line: number,
                problem: match e.classify() {
                    Category::Eof => RecordProblem::Incomplete,
                    Category::Data => RecordProblem::NotARecord,
                    Category::Syntax | Category::Io => RecordProblem::NotJson,
                },
            }),
        }
    }
    (docs, bad)
}

/// One line as a [`Record`]. A key written twice is an error to serde but not to a
/// browser's `JSON.parse` (the last one counts), and such a line was reported as "not a
/// record with a text field": on a data error, the line is read again as a map, which keeps
/// the last value of each key.
fn parse_record(line: &str) -> Result<Record, serde_json::Error> {
    serde_json::from_str::<Record>(line).or_else(|first| match first.classify() {
        Category::Data => serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line)
            .and_then(|map| serde_json::from_value(serde_json::Value::Object(map)))
            .map_err(|_| first),
        _ => Err(first),
    })
}

/// Trimmed value, or `None` when blank.
fn non_blank(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_good_lines_and_reports_bad_ones() {
        let input =
            "{\"title\":\"标题一\",\"text\":\"正文一。\",\"date\":\"2021-12-30\",\"extra\":1}\n\
            \n\
            {\"title\":\"坏\",\"text\":\"未闭合}\n\
            {\"text\":\"无标题的正文\\n第二行\",\"source\":\" \"}\n\
            [1,2]\n\
            {\"title\":\"空\",\"text\":\"  \"}\n\
            {\"title\":\"数字日期\",\"text\":\"x\",\"date\":20210102,\"url\":{\"a\":1}}\n\
            {\"title\":\"重复键\",\"text\":\"先\",\"text\":\"后\"}\n";
        let (docs, bad) = read("news", input);
        assert_eq!(docs.len(), 4);
        assert_eq!(
            docs[3].text, "后",
            "a key written twice: the last one, as JSON.parse"
        );
        assert_eq!(
            (docs[2].date.as_deref(), docs[2].url.as_deref()),
            (Some("20210102"), None),
            "a number is a string field's text; an object is no value"
        );
        assert_eq!(
            (docs[0].key.as_str(), docs[0].title.as_str()),
            ("news#1", "标题一")
        );
        assert_eq!(docs[0].date.as_deref(), Some("2021-12-30"));
        assert_eq!(
            (docs[1].key.as_str(), docs[1].title.as_str()),
            ("news#4", "无标题的正文")
        );
        assert_eq!(docs[1].source, None);
        let lines: Vec<(usize, Option<RecordProblem>)> = bad
            .iter()
            .map(|b| match b {
                SkipReason::EmptyRecord { line } => (*line, None),
                SkipReason::BadRecord { line, problem } => (*line, Some(*problem)),
                other => panic!("{other}"),
            })
            .collect();
        assert_eq!(
            lines,
            [
                (3, Some(RecordProblem::Incomplete)),
                (5, Some(RecordProblem::NotARecord)),
                (6, None),
            ]
        );
    }

    #[test]
    fn file_level_outcome() {
        let mixed = b"{\"text\":\"\xe5\xa5\xbd\"}\nnot json\n";
        let (docs, warnings) = super::super::read_file_with_warnings("a.jsonl", mixed).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(warnings.len(), 1);
        assert!(
            matches!(
                warnings[0],
                SkipReason::BadRecord {
                    line: 2,
                    problem: RecordProblem::NotJson
                }
            ),
            "{}",
            warnings[0]
        );
        let all_bad = super::super::read_file("a.jsonl", b"nope\n{}\n");
        match all_bad {
            Err(crate::Error::Read { reason, .. }) => {
                assert!(
                    matches!(reason, SkipReason::BadRecord { line: 1, .. }),
                    "{reason}"
                )
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }
}
