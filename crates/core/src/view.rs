//! View state ⇄ URL hash (query time, in the browser): every view is a link.
//!
//! Format (version 1), readable and stable:
//! `#/search?v=1&q=科技创新&district=北碚&district=渝北&topic=交通&sort=newest&from=2026-04&to=2026-05-15&doc=000_dc97&p=3`
//! (values percent-encoded as UTF-8; `+` is a space). `sort` is `newest` or `oldest`
//! (absent: by relevance); `from` and `to` are dates `YYYY`, `YYYY-MM` or `YYYY-MM-DD`,
//! each end inclusive. `doc` is a document's key and `p` the
//! 0-based number of a passage inside it. `lib=ID` names a library the user imported into
//! their own browser (absent: the built-in corpus); on a machine without that library the
//! app explains what is missing. The path is informative only (`#/`, `#/search`,
//! `#/doc`): the parameters alone decide the view, so any path restores the same view.
//!
//! Parsing never fails: unknown parameters, bad percent-encoding, a non-numeric `p` or a
//! future version are skipped and reported as notices, and the rest of the link still works.
//! Whether names exist in a corpus is checked later, against that corpus.

use crate::{Date, DateRange, SortOrder};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

/// Link format version written by [`ViewState::to_hash`].
pub const VIEW_VERSION: u32 = 1;

/// Characters escaped in values: everything that has a meaning in a URL or hash.
const VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'>')
    .add(b'=')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'\\')
    .add(b'|')
    .add(b'^');

/// What a view shows: the query, the filters and the open document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewState {
    /// The search box text.
    pub query: String,
    /// Selected district names.
    pub districts: Vec<String>,
    /// Selected topic names.
    pub topics: Vec<String>,
    /// The order of the result list.
    pub sort: SortOrder,
    /// The date filter.
    pub dates: DateRange,
    /// Key of the open document, if any.
    pub doc: Option<String>,
    /// Passage number inside the open document to scroll to.
    pub passage: Option<u32>,
    /// Id of an imported library the view belongs to (None: the built-in corpus).
    pub library: Option<String>,
}

impl ViewState {
    /// True when nothing is searched, filtered or opened (the overview).
    pub fn is_overview(&self) -> bool {
        self.query.trim().is_empty()
            && self.districts.is_empty()
            && self.topics.is_empty()
            && self.sort == SortOrder::Relevance
            && self.dates.is_all()
            && self.doc.is_none()
    }

    /// Parse a location hash (with or without the leading `#`). Returns the view and notices
    /// (in Chinese) about anything that was ignored.
    pub fn parse(hash: &str) -> (ViewState, Vec<String>) {
        let mut view = ViewState::default();
        let mut notices = Vec::new();
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        let params = match hash.split_once('?') {
            Some((_, params)) => params,
            None if hash.contains('=') => hash,
            None => "",
        };
        for pair in params.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let plus_as_space = raw.replace('+', " ");
            let Ok(value) = percent_decode_str(&plus_as_space).decode_utf8() else {
                notices.push(format!("链接参数 {key} 的编码有误，已忽略"));
                continue;
            };
            if has_stray_percent(raw) {
                notices.push(format!("链接参数 {key} 中有不完整的 % 编码，已按原样保留"));
            }
            let value = value.trim().to_string();
            match key {
                "v" => {
                    if value.parse::<u32>().map_or(true, |v| v > VIEW_VERSION) {
                        notices.push(format!(
                            "链接版本 {value} 未知，已按版本 {VIEW_VERSION} 解读"
                        ));
                    }
                }
                "q" => {
                    view.query = value.chars().take(crate::MAX_QUERY_CHARS).collect();
                    if view.query.len() < value.len() {
                        notices.push(format!(
                            "链接中的查询超过 {} 个字，只保留了前 {0} 个字",
                            crate::MAX_QUERY_CHARS
                        ));
                    }
                }
                "district" if !value.is_empty() => push_unique(&mut view.districts, value),
                "topic" if !value.is_empty() => push_unique(&mut view.topics, value),
                "doc" if !value.is_empty() => view.doc = Some(value),
                "lib" if !value.is_empty() => view.library = Some(value),
                "p" => match value.parse::<u32>() {
                    Ok(p) => view.passage = Some(p),
                    Err(_) => notices.push(format!("链接中的段落编号“{value}”无效，已忽略")),
                },
                "sort" => match SortOrder::from_param(&value) {
                    Some(sort) => view.sort = sort,
                    None => notices.push(format!(
                        "链接中的排序“{}”无效（可用 newest 或 oldest），已按相关度排序",
                        truncate(&value, 20)
                    )),
                },
                "from" | "to" if !value.is_empty() => match Date::parse(&value) {
                    Some(date) if key == "from" => view.dates.from = Some(date),
                    Some(date) => view.dates.to = Some(date),
                    None => notices.push(format!(
                        "链接中的日期“{}”无效（应写成 2026-05-02、2026-05 或 2026），已忽略",
                        truncate(&value, 20)
                    )),
                },
                "district" | "topic" | "doc" | "lib" | "from" | "to" => {}
                _ => notices.push(format!("链接中有未知参数“{}”，已忽略", truncate(key, 40))),
            }
        }
        if let Some(swapped) = view.dates.reversed() {
            view.dates = swapped;
            notices.push("链接中的起始日期晚于结束日期，已对调".to_string());
        }
        if view.passage.is_some() && view.doc.is_none() {
            notices.push("链接给出段落却没有文档，已忽略段落".to_string());
            view.passage = None;
        }
        (view, notices)
    }

    /// The canonical hash for this view (starting with `#`).
    pub fn to_hash(&self) -> String {
        let mut params = vec![format!("v={VIEW_VERSION}")];
        let mut push = |key: &str, value: &str| {
            params.push(format!("{key}={}", utf8_percent_encode(value, VALUE)));
        };
        if let Some(library) = &self.library {
            push("lib", library);
        }
        if !self.query.trim().is_empty() {
            push("q", self.query.trim());
        }
        for d in &self.districts {
            push("district", d);
        }
        for t in &self.topics {
            push("topic", t);
        }
        if let Some(sort) = self.sort.as_param() {
            push("sort", sort);
        }
        if let Some(from) = self.dates.from {
            push("from", &from.to_iso());
        }
        if let Some(to) = self.dates.to {
            push("to", &to.to_iso());
        }
        if let Some(doc) = &self.doc {
            push("doc", doc);
        }
        if let (Some(p), Some(_)) = (self.passage, &self.doc) {
            push("p", &p.to_string());
        }
        let path = if self.doc.is_some() {
            "doc"
        } else if self.is_overview() {
            ""
        } else {
            "search"
        };
        format!("#/{path}?{}", params.join("&"))
    }
}

/// Whether `raw` has a `%` that does not start an escape (`%ZZ`, a `%` at the end): the
/// decoder keeps it as written, and the reader should know that the link was damaged.
fn has_stray_percent(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    (0..bytes.len()).any(|i| {
        bytes[i] == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

fn push_unique(list: &mut Vec<String>, value: String) {
    if !list.contains(&value) {
        list.push(value);
    }
}

fn truncate(s: &str, chars: usize) -> String {
    s.chars().take(chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trip_example() {
        let view = ViewState {
            query: "科技创新 \"一城 四地\" -渝北 & 100%".into(),
            districts: vec!["北碚".into(), "渝北".into()],
            topics: vec!["交通".into()],
            sort: SortOrder::Newest,
            dates: DateRange {
                from: Date::parse("2026-04"),
                to: Date::parse("2026-05-15"),
            },
            doc: Some("000_dc97".into()),
            passage: Some(3),
            library: Some("lib-1".into()),
        };
        let hash = view.to_hash();
        assert!(hash.starts_with("#/doc?v=1&lib=lib-1&q="), "{hash}");
        assert_eq!(ViewState::parse(&hash), (view, vec![]));
    }

    #[test]
    fn a_query_too_long_for_a_link_is_cut_with_a_notice() {
        let long = "重".repeat(crate::MAX_QUERY_CHARS + 5);
        let (view, notices) = ViewState::parse(&format!("#/search?v=1&q={long}"));
        assert_eq!(view.query.chars().count(), crate::MAX_QUERY_CHARS);
        assert_eq!(
            notices,
            ["链接中的查询超过 1000 个字，只保留了前 1000 个字"]
        );
        let (_, fine) = ViewState::parse("#/search?v=1&q=重庆");
        assert!(fine.is_empty());
    }

    #[test]
    fn bad_links_give_notices_not_failures() {
        let (view, notices) =
            ViewState::parse("#/search?q=%E5%8C%97%E7%A2%9A&bogus=1&p=x&district=%FF&topic=交通");
        assert_eq!(view.query, "北碚");
        assert_eq!(view.topics, ["交通"]);
        assert!(view.districts.is_empty());
        assert_eq!(notices.len(), 3, "{notices:?}");
        for junk in [
            "",
            "#",
            "#/",
            "#?",
            "#/search?&&==&",
            "#%%%",
            "#/doc?p=1",
            "#/?v=99&q=a+b",
        ] {
            let _ = ViewState::parse(junk);
        }
        assert_eq!(ViewState::parse("#/?v=99&q=a+b").0.query, "a b");
        // A `%` that starts no escape is kept as written, and said.
        let (view, notices) = ViewState::parse("#/search?v=1&q=%E9%87%8D%E5%BA%86%ZZ");
        assert_eq!(view.query, "重庆%ZZ");
        assert_eq!(notices, ["链接参数 q 中有不完整的 % 编码，已按原样保留"]);
        assert_eq!(
            ViewState::parse("#/search?q=50%").1.len(),
            1,
            "a % at the end"
        );
        assert!(ViewState::parse("#/search?q=50%25").1.is_empty());
    }

    #[test]
    fn bad_dates_and_orders_give_notices() {
        let (view, notices) = ViewState::parse("#/search?q=a&sort=best&from=2026-13&to=2026-05-02");
        assert_eq!(view.sort, SortOrder::Relevance);
        assert_eq!(view.dates.from, None);
        assert_eq!(view.dates.to, Date::parse("2026-05-02"));
        assert_eq!(notices.len(), 2, "{notices:?}");
        let (view, notices) = ViewState::parse("#/search?from=2026-06&to=2026-05");
        assert_eq!(view.dates.from, Date::parse("2026-05"));
        assert_eq!(view.dates.to, Date::parse("2026-06"));
        assert_eq!(notices.len(), 1, "swapped: {notices:?}");
        assert!(!view.is_overview(), "a date filter lists documents");
    }

    #[test]
    fn overview_hash_is_short() {
        assert_eq!(ViewState::default().to_hash(), "#/?v=1");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn any_view_survives_format_then_parse(
            query in "\\PC{0,20}", d in proptest::collection::vec("\\PC{1,6}", 0..3),
            doc in proptest::option::of("[a-z0-9_#-]{1,12}"), p in proptest::option::of(0u32..500),
        ) {
            let mut districts: Vec<String> = Vec::new();
            for x in d.into_iter().map(|x| x.trim().to_string()).filter(|x| !x.is_empty()) {
                push_unique(&mut districts, x);
            }
            let view = ViewState {
                query: query.trim().to_string(), districts, topics: vec![],
                sort: SortOrder::Relevance, dates: DateRange::default(),
                passage: if doc.is_some() { p } else { None }, doc, library: None,
            };
            let (parsed, notices) = ViewState::parse(&view.to_hash());
            prop_assert_eq!(parsed, view);
            prop_assert!(notices.is_empty());
        }
    }
}
