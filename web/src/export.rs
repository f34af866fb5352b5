//! 导出: every matching passage of the current view as CSV or JSON, for a report.
//!
//! One row per matching passage, in the order the results list them (best documents first,
//! best passages first within a document), with what a reader of the report needs without
//! the app: the document's title, key, date and source, the passage's number (as shown,
//! from 1), its districts and topics, its full text and a link that opens it in the app.
//!
//! CSV is written by the `csv` crate (RFC 4180 quoting) behind a UTF-8 byte-order mark, so
//! spreadsheet programs read the Chinese as UTF-8. A cell that a spreadsheet would run as a
//! formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a leading `'`:
//! exported text is the archive's, and the archive may be anyone's. JSON is `serde_json`.

use quxian_core::{Corpus, SearchResults, ViewState};
use serde::Serialize;

/// One matching passage, as exported.
#[derive(Serialize, Debug, PartialEq)]
pub struct ExportRow {
    /// Title of the document.
    pub title: String,
    /// The document's key (its link target).
    pub key: String,
    /// Publication date, when known.
    pub date: Option<String>,
    /// Source, when known.
    pub source: Option<String>,
    /// Passage number within the document, from 1 (as the results show it).
    pub passage: u32,
    /// Districts of the passage.
    pub districts: Vec<String>,
    /// Topics of the passage.
    pub topics: Vec<String>,
    /// The passage's full text.
    pub text: String,
    /// Absolute link to the passage in the app.
    pub link: String,
}

/// The export of one search: what was asked, and every matching passage.
#[derive(Serialize, Debug)]
pub struct Export {
    /// The query as typed.
    pub query: String,
    /// District filters in effect.
    pub districts: Vec<String>,
    /// Topic filters in effect.
    pub topics: Vec<String>,
    /// The start of the date range in effect (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; None:
    /// open).
    pub from: Option<String>,
    /// Its end, the same way.
    pub to: Option<String>,
    /// The order of the rows: `relevance`, `newest` or `oldest`.
    pub sort: &'static str,
    /// Matching passages (equal to `rows.len()`).
    pub total: usize,
    /// The rows.
    pub rows: Vec<ExportRow>,
}

/// The rows of `results` (which must list every matching document); `link` turns a view
/// into an absolute address.
pub fn export(
    corpus: &Corpus,
    results: &SearchResults,
    view: &ViewState,
    link: impl Fn(&ViewState) -> String,
) -> Export {
    let mut rows = Vec::with_capacity(results.total);
    for group in &results.groups {
        let Some(doc) = corpus.doc(group.doc) else {
            continue;
        };
        for hit in &group.hits {
            let Some(info) = corpus.passage_info(hit.passage) else {
                continue;
            };
            rows.push(ExportRow {
                title: info.title.to_string(),
                key: info.key.to_string(),
                date: doc.date.clone(),
                source: doc.source.clone(),
                passage: info.number + 1,
                districts: info.districts.iter().map(|d| d.to_string()).collect(),
                topics: info.topics.iter().map(|t| t.to_string()).collect(),
                text: corpus.passage_text(hit.passage).to_string(),
                link: link(&ViewState {
                    doc: Some(info.key.to_string()),
                    passage: Some(info.number),
                    ..view.clone()
                }),
            });
        }
    }
    Export {
        query: view.query.clone(),
        districts: view.districts.clone(),
        topics: view.topics.clone(),
        from: view.dates.from.map(|d| d.to_iso()),
        to: view.dates.to.map(|d| d.to_iso()),
        sort: view.sort.as_param().unwrap_or("relevance"),
        total: results.total,
        rows,
    }
}

/// Column headings of the CSV, in order.
const CSV_HEADER: [&str; 9] = [
    "文档",
    "文档键",
    "日期",
    "来源",
    "段落",
    "区县",
    "主题",
    "文本",
    "链接",
];

/// The rows as CSV text: a byte-order mark, a header line, one line per row; lists are
/// joined with 、.
pub fn to_csv(export: &Export) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing into a Vec cannot fail, and every record has the header's width.
    let _ = writer.write_record(CSV_HEADER);
    for row in &export.rows {
        let cells = [
            row.title.clone(),
            row.key.clone(),
            row.date.clone().unwrap_or_default(),
            row.source.clone().unwrap_or_default(),
            row.passage.to_string(),
            row.districts.join("、"),
            row.topics.join("、"),
            row.text.clone(),
            row.link.clone(),
        ];
        let _ = writer.write_record(cells.iter().map(|c| defuse_formula(c)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    format!("\u{FEFF}{}", String::from_utf8_lossy(&bytes))
}

/// The export as pretty-printed JSON.
pub fn to_json(export: &Export) -> String {
    serde_json::to_string_pretty(export).unwrap_or_default()
}

/// A cell a spreadsheet would evaluate as a formula, made plain text with a leading `'`.
fn defuse_formula(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// A file name for the export of `view`: `quxian-` and the letters, digits and CJK
/// characters of its query's words and then of its district and topic filters, words
/// joined by `_`, an excluded word (`-渝北`) as `不含渝北` so the name does not read as if
/// the file held it; at most 20 characters, or `quxian-全部` when there are none.
pub fn file_name(view: &ViewState, extension: &str) -> String {
    let letters = |word: &str| -> String { word.chars().filter(|c| c.is_alphanumeric()).collect() };
    let query = view
        .query
        .split_whitespace()
        .map(|word| match word.strip_prefix('-') {
            Some(excluded) if !letters(excluded).is_empty() => format!("不含{}", letters(excluded)),
            _ => letters(word),
        });
    let filters = view
        .districts
        .iter()
        .chain(&view.topics)
        .map(|w| letters(w));
    let words: Vec<String> = query.chain(filters).filter(|w| !w.is_empty()).collect();
    let stem: String = words.join("_").chars().take(20).collect();
    let stem = stem.trim_end_matches('_');
    format!(
        "quxian-{}.{extension}",
        if stem.is_empty() { "全部" } else { stem }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{corpus, TestPassage};
    use quxian_core::{Filters, Query, Searcher};

    /// Two documents; the second has a passage that starts like a formula and holds a comma,
    /// a quote and a line break.
    fn searcher() -> Searcher {
        let passage = |text| TestPassage {
            text,
            districts: vec![0, 1],
            topics: vec![0],
        };
        let mut corpus = corpus(
            &["北碚", "渝北"],
            &["生态"],
            &[
                vec![passage("北碚缙云山生态"), passage("没有匹配")],
                vec![passage("=缙云山,\"云\"\n北碚")],
            ],
        );
        corpus.docs[0].date = Some("2026-05-02".to_string());
        Searcher::new(corpus)
    }

    fn export_of(query: &str) -> Export {
        let searcher = searcher();
        let view = ViewState {
            query: query.into(),
            ..ViewState::default()
        };
        let results = searcher.search(
            &Query::parse_with(query, |s| s.to_string()).unwrap(),
            &Filters::default(),
            usize::MAX,
        );
        export(searcher.corpus(), &results, &view, |v| {
            format!("https://example.org/{}", v.to_hash())
        })
    }

    #[test]
    fn every_matching_passage_is_a_row_with_its_document_and_link() {
        let export = export_of("缙云山");
        assert_eq!(export.total, 2);
        assert_eq!(export.rows.len(), 2);
        let first = export.rows.iter().find(|r| r.key == "doc0").unwrap();
        assert_eq!(first.passage, 1);
        assert_eq!(first.text, "北碚缙云山生态");
        assert_eq!(first.districts, ["北碚", "渝北"]);
        assert_eq!(first.date.as_deref(), Some("2026-05-02"));
        assert!(first.link.contains("doc=doc0"), "{}", first.link);
        assert!(first.link.contains("q="), "{}", first.link);
    }

    #[test]
    fn csv_quotes_cells_and_defuses_formulas() {
        let csv = to_csv(&export_of("缙云山"));
        assert!(csv.starts_with('\u{FEFF}'));
        let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{FEFF}').as_bytes());
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            CSV_HEADER
        );
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(records.len(), 2);
        let texts: Vec<&str> = records.iter().map(|r| &r[7]).collect();
        assert!(texts.contains(&"'=缙云山,\"云\"\n北碚"), "{texts:?}");
        assert!(records.iter().all(|r| &r[5] == "北碚、渝北"));
    }

    #[test]
    fn json_round_trips() {
        let export = export_of("缙云山");
        let value: serde_json::Value = serde_json::from_str(&to_json(&export)).unwrap();
        assert_eq!(value["total"], 2);
        assert_eq!(value["rows"].as_array().unwrap().len(), 2);
        assert_eq!(value["query"], "缙云山");
        assert_eq!(value["sort"], "relevance");
        assert!(value["from"].is_null() && value["to"].is_null());
    }

    #[test]
    fn file_names_keep_only_letters() {
        let view = |query: &str, districts: &[&str]| ViewState {
            query: query.into(),
            districts: districts.iter().map(|d| d.to_string()).collect(),
            ..ViewState::default()
        };
        assert_eq!(
            file_name(&view("\"缙云山\" -渝北", &[]), "csv"),
            "quxian-缙云山_不含渝北.csv",
            "an excluded word is named as such"
        );
        assert_eq!(
            file_name(&view("重庆 高铁", &["渝北"]), "json"),
            "quxian-重庆_高铁_渝北.json"
        );
        assert_eq!(
            file_name(&view("- 缙云山", &[]), "csv"),
            "quxian-缙云山.csv"
        );
        assert_eq!(
            file_name(
                &view("一二三四五六七八九十一二三四五六七八九 十", &[]),
                "csv"
            ),
            "quxian-一二三四五六七八九十一二三四五六七八九.csv",
            "at most 20 characters, no separator at the end"
        );
        assert_eq!(file_name(&view("../..", &[]), "json"), "quxian-全部.json");
        assert_eq!(
            file_name(&view("", &["渝北", "两江新区"]), "csv"),
            "quxian-渝北_两江新区.csv",
            "a view filtered only by district is named after its filters"
        );
    }
}
