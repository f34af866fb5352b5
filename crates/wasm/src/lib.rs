//! The JavaScript API of quxian: `new Explorer(bytes)` loads a bundle (feature `bundle`,
//! module `bundle`), `SiteExplorer.open(base)` a site index fetched piece by piece (feature
//! `site`, module `site`); their `search(query, options)` returns plain objects. Highlight
//! offsets are converted here, and only here, from Rust byte offsets to the UTF-16 offsets
//! JavaScript strings use. `dist/pkg-api/` has both, `dist/pkg-site/` only `SiteExplorer`.
//!
//! ```js
//! import init, { Explorer } from "./pkg-api/quxian_wasm.js";
//! await init();
//! const explorer = new Explorer(new Uint8Array(await (await fetch("corpus.qx")).arrayBuffer()));
//! const { total, hits, facets } = explorer.search("缙云山", { district: ["北碚"], limit: 10 });
//! // Newest first, April 2026 only; `timeline` counts documents per date ([date, count]).
//! const recent = explorer.search("缙云山", { sort: "newest", from: "2026-04", to: "2026-04" });
//! ```

#[cfg(feature = "bundle")]
mod bundle;
#[cfg(feature = "site")]
mod site;

#[cfg(feature = "bundle")]
pub use bundle::Explorer;
#[cfg(feature = "site")]
pub use site::SiteExplorer;

use quxian_core::{
    Date, DateRange, DistrictId, Filters, Hit, PassageInfo, Query, SearchResults, SortOrder,
    TopicId,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Options of `search` (the `Explorer`'s and the `SiteExplorer`'s); every field is optional.
/// Read by hand ([`SearchOptions::read`]): serde_wasm_bindgen's deserializer was 15 KB of
/// the site page's gzip wasm, and its messages were English.
#[derive(Default)]
struct SearchOptions {
    district: Vec<String>,
    topic: Vec<String>,
    limit: Option<usize>,
    /// Documents to skip (a site's "load more").
    offset: usize,
    /// Whether a site search counts districts and topics (default true); `false` gets the
    /// first page sooner, then a second search with it gets the counts.
    facets: Option<bool>,
    /// `relevance` (default), `newest` or `oldest`.
    sort: Option<String>,
    /// Passages kept per document, best first (default: all that match). `1` gives a list
    /// of documents, each with its best passage.
    per_document: Option<usize>,
    /// Earliest date kept: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    from: Option<String>,
    /// Latest date kept, written the same way.
    to: Option<String>,
    /// Each hit's `text` is its whole passage instead of a snippet around its first match
    /// (an export; default false).
    whole_passages: Option<bool>,
}

/// The fields [`SearchOptions::read`] knows: any other is refused, so that a misspelt
/// `limit` is an error rather than a search with the default.
const OPTION_NAMES: [&str; 10] = [
    "district",
    "topic",
    "limit",
    "offset",
    "facets",
    "sort",
    "per_document",
    "from",
    "to",
    "whole_passages",
];

impl SearchOptions {
    /// The options of a JavaScript object (`undefined` or `null`: the defaults); a field
    /// of the wrong type, or of an unknown name, is an error in Chinese that names it.
    fn read(options: &JsValue) -> Result<SearchOptions, String> {
        if options.is_undefined() || options.is_null() {
            return Ok(SearchOptions::default());
        }
        // (An array is an object too, and `sort` would find `Array.prototype.sort`.)
        if !options.is_object() || js_sys::Array::is_array(options) {
            return Err("搜索选项无效：应是一个对象，例如 { limit: 10 }".to_string());
        }
        let names = js_sys::Object::keys(options.unchecked_ref::<js_sys::Object>());
        if let Some(unknown) = names
            .iter()
            .filter_map(|name| name.as_string())
            .find(|name| !OPTION_NAMES.contains(&name.as_str()))
        {
            let shown: String = unknown.chars().take(40).collect();
            return Err(format!(
                "搜索选项无效：没有“{shown}”这个选项（可用的有 {}）",
                OPTION_NAMES.join("、")
            ));
        }
        let field = |name: &'static str| -> Result<OptionField, String> {
            // A getter that throws: refused, not taken for an absent field.
            let value = js_sys::Reflect::get(options, &JsValue::from_str(name))
                .map_err(|_| format!("搜索选项无效：无法读取 {name}"))?;
            let value = Some(value).filter(|v| !v.is_undefined() && !v.is_null());
            Ok(OptionField { name, value })
        };
        let per_document = field("per_document")?.count()?;
        // Zero passages per document would list documents with nothing to show.
        if per_document == Some(0) {
            return Err("搜索选项无效：per_document 应是不小于 1 的整数".to_string());
        }
        Ok(SearchOptions {
            district: field("district")?.names()?,
            topic: field("topic")?.names()?,
            limit: field("limit")?.count()?,
            offset: field("offset")?.count()?.unwrap_or(0),
            facets: field("facets")?.flag()?,
            sort: field("sort")?.text()?,
            per_document,
            from: field("from")?.text()?,
            to: field("to")?.text()?,
            whole_passages: field("whole_passages")?.flag()?,
        })
    }
}

/// One field of the options object, `None` when it is absent, `undefined` or `null`.
struct OptionField {
    name: &'static str,
    value: Option<JsValue>,
}

impl OptionField {
    fn invalid(&self, wanted: &str) -> String {
        format!("搜索选项无效：{} 应是{wanted}", self.name)
    }

    /// District or topic names: an array of strings (or one string).
    fn names(self) -> Result<Vec<String>, String> {
        let Some(value) = &self.value else {
            return Ok(Vec::new());
        };
        if let Some(one) = value.as_string() {
            return Ok(vec![one]);
        }
        let wanted = "名称的数组，例如 [\"北碚\"]";
        if !js_sys::Array::is_array(value) {
            return Err(self.invalid(wanted));
        }
        let array = js_sys::Array::from(value);
        let names: Option<Vec<String>> = array.iter().map(|v| v.as_string()).collect();
        names.ok_or_else(|| self.invalid(wanted))
    }

    /// A whole number, 0 or more; one past what a search can list (up to 2^53) lists
    /// everything.
    fn count(self) -> Result<Option<usize>, String> {
        let whole = |n: &f64| n.fract() == 0.0 && *n >= 0.0;
        match &self.value {
            None => Ok(None),
            // `as` saturates: 2^53 becomes `usize::MAX` here.
            Some(v) => match v.as_f64().filter(whole) {
                Some(n) => Ok(Some(n as usize)),
                None => Err(self.invalid("不小于 0 的整数")),
            },
        }
    }

    fn flag(self) -> Result<Option<bool>, String> {
        match &self.value {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| self.invalid("布尔值 true 或 false")),
        }
    }

    fn text(self) -> Result<Option<String>, String> {
        match &self.value {
            None => Ok(None),
            Some(v) => v.as_string().map(Some).ok_or_else(|| self.invalid("文字")),
        }
    }
}

/// A search request: the query with its filters, and what to return.
pub(crate) struct Request {
    pub(crate) query: Query,
    /// The options' district and topic names (also in `query`, as filters).
    pub(crate) districts: Vec<String>,
    pub(crate) topics: Vec<String>,
    /// The date range and order (districts and topics travel in the query).
    pub(crate) filters: Filters,
    pub(crate) limit: usize,
    pub(crate) offset: usize,
    pub(crate) facets: bool,
    /// Passages kept per document.
    pub(crate) per_document: usize,
    /// What the options changed (a reversed date range swapped), before the search's own.
    pub(crate) notices: Vec<String>,
    /// Whole passages in the hits' texts, not snippets.
    pub(crate) whole_passages: bool,
}

/// The hits of `results` in display order, at most `per_document` of each document, each
/// with the number of matching passages of its document.
pub(crate) fn page_hits(
    results: &SearchResults,
    per_document: usize,
) -> impl Iterator<Item = (&Hit, usize)> {
    results.groups.iter().flat_map(move |g| {
        let hits = g.hits.iter().take(per_document);
        hits.map(|hit| (hit, g.matching))
    })
}

#[derive(Serialize)]
pub(crate) struct JsHit {
    pub(crate) doc: String,
    pub(crate) title: String,
    pub(crate) date: Option<String>,
    /// The document's source (publisher or origin), if any.
    pub(crate) source: Option<String>,
    pub(crate) passage: u32,
    pub(crate) score: f32,
    /// Whether it holds the whole query (see `quxian_core::Hit::whole`): a document's
    /// passages that do come first.
    pub(crate) whole: bool,
    pub(crate) text: String,
    /// `[start, end]` in UTF-16 code units of `text`.
    pub(crate) highlights: Vec<[usize; 2]>,
    pub(crate) districts: Vec<String>,
    pub(crate) topics: Vec<String>,
    /// Matching passages of its document (`per_document` may show fewer).
    pub(crate) document_hits: usize,
}

#[derive(Serialize)]
pub(crate) struct JsResults {
    pub(crate) total: usize,
    pub(crate) total_docs: usize,
    pub(crate) hits: Vec<JsHit>,
    pub(crate) facets: JsFacets,
    pub(crate) notices: Vec<String>,
    /// Documents per date (`[date, documents]`, ISO dates, by date) whatever the date filter.
    pub(crate) timeline: Vec<(String, u32)>,
    /// Documents of the timeline without a date.
    pub(crate) undated: u32,
}

/// Core's timeline with ISO dates.
pub(crate) fn js_timeline(timeline: &[(Date, u32)]) -> Vec<(String, u32)> {
    timeline.iter().map(|(d, n)| (d.to_iso(), *n)).collect()
}

/// District and topic counts (`[name, count]` pairs in gazetteer / lexicon order), and the
/// names filtered on, as the gazetteer and lexicon name them: `chosen_*` from the options
/// (a link's 北碚区 is 北碚), `typed_*` from the query's own `district:` / `topic:` only.
/// A page ticks both, and the typed ones are changed in the query box.
#[derive(Serialize)]
pub(crate) struct JsFacets {
    pub(crate) district: Vec<(String, u32)>,
    pub(crate) topic: Vec<(String, u32)>,
    /// Passages per district and topic a passage has both of, without the district and
    /// topic filters (a heat map's cells): `[district, topic, count]`, counts above 0.
    pub(crate) pairs: Vec<(String, String, u32)>,
    pub(crate) chosen_district: Vec<String>,
    pub(crate) chosen_topic: Vec<String>,
    pub(crate) typed_district: Vec<String>,
    pub(crate) typed_topic: Vec<String>,
}

/// The names of a search's options (`district`, `topic`), resolved by its corpus or site:
/// district and topic ids.
pub(crate) struct Chosen {
    pub(crate) districts: Vec<u16>,
    pub(crate) topics: Vec<u16>,
}

impl Chosen {
    pub(crate) fn of(
        request: &Request,
        district: impl Fn(&str) -> Option<DistrictId>,
        topic: impl Fn(&str) -> Option<TopicId>,
    ) -> Chosen {
        Chosen {
            districts: request
                .districts
                .iter()
                .filter_map(|n| Some(district(n)?.0))
                .collect(),
            topics: request
                .topics
                .iter()
                .filter_map(|n| Some(topic(n)?.0))
                .collect(),
        }
    }
}

impl JsFacets {
    /// The facets of `results`, named from the corpus's `districts` and `topics`.
    pub(crate) fn of(
        districts: &[String],
        topics: &[String],
        results: &SearchResults,
        chosen: &Chosen,
    ) -> Self {
        let pairs = |names: &[String], counts: &[u32]| {
            names.iter().cloned().zip(counts.iter().copied()).collect()
        };
        // The names of the filters' `ids` that are among `chosen` (`wanted`) or not.
        fn named(
            names: &[String],
            ids: impl Iterator<Item = u16>,
            chosen: &[u16],
            wanted: bool,
        ) -> Vec<String> {
            ids.filter(|i| chosen.contains(i) == wanted)
                .filter_map(|i| names.get(i as usize).cloned())
                .collect()
        }
        let f = &results.filters;
        let district_ids = || f.districts.iter().map(|d| d.0);
        let topic_ids = || f.topics.iter().map(|t| t.0);
        JsFacets {
            district: pairs(districts, &results.facets.districts),
            topic: pairs(topics, &results.facets.topics),
            pairs: results
                .facets
                .pairs
                .iter()
                .filter_map(|(d, t, n)| {
                    let name = |names: &[String], i: u16| names.get(i as usize).cloned();
                    Some((name(districts, d.0)?, name(topics, t.0)?, *n))
                })
                .collect(),
            chosen_district: named(districts, district_ids(), &chosen.districts, true),
            chosen_topic: named(topics, topic_ids(), &chosen.topics, true),
            typed_district: named(districts, district_ids(), &chosen.districts, false),
            typed_topic: named(topics, topic_ids(), &chosen.topics, false),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct JsStats {
    pub(crate) documents: usize,
    pub(crate) passages: usize,
    pub(crate) characters: usize,
    pub(crate) districts: Vec<String>,
    pub(crate) topics: Vec<String>,
    /// `[district, column, row]`: where each district sits on a map (the gazetteer's
    /// `tile` lines; columns west to east, rows north to south).
    pub(crate) tiles: Vec<(String, u8, u8)>,
}

impl JsStats {
    /// The tiles of `districts` (display names, by id) as `[name, column, row]`.
    pub(crate) fn tiles_of(
        tiles: &[quxian_core::Tile],
        districts: &[String],
    ) -> Vec<(String, u8, u8)> {
        let name = |t: &quxian_core::Tile| districts.get(usize::from(t.district.0)).cloned();
        tiles
            .iter()
            .filter_map(|t| Some((name(t)?, t.column, t.row)))
            .collect()
    }
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Byte ranges of `text` as UTF-16 `[start, end)` offsets, ready for JavaScript's slice.
pub(crate) fn utf16_ranges(text: &str, ranges: &[std::ops::Range<usize>]) -> Vec<[usize; 2]> {
    ranges
        .iter()
        .filter_map(|h| {
            let start = utf16_len(text.get(..h.start)?);
            Some([start, start + utf16_len(text.get(h.clone())?)])
        })
        .collect()
}

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Parse a query (a JavaScript value: anything but a string is refused) and `search`'s
/// options: the query with the option filters added, the limit (default 20) and the offset
/// (default 0).
pub(crate) fn parse_options(query: &JsValue, options: JsValue) -> Result<Request, String> {
    let query = query
        .as_string()
        .ok_or("查询无效：应是文字（字符串），例如 \"缙云山\"")?;
    let options = SearchOptions::read(&options)?;
    let mut q = Query::parse_with(&query, nfkc).map_err(|e| e.zh())?;
    q.districts.extend(options.district.iter().cloned());
    q.topics.extend(options.topic.iter().cloned());
    let sort = match options.sort.as_deref() {
        None => SortOrder::Relevance,
        Some(s) => SortOrder::from_param(s).ok_or_else(|| {
            format!("搜索选项无效：sort 只能是 relevance、newest 或 oldest，而不是“{s}”")
        })?,
    };
    let date = |s: Option<String>| -> Result<Option<Date>, String> {
        s.filter(|s| !s.trim().is_empty())
            .map(|s| {
                Date::parse(s.trim()).ok_or_else(|| {
                    format!("搜索选项无效：日期“{s}”应写成 2026-05-02、2026-05 或 2026")
                })
            })
            .transpose()
    };
    let dates = DateRange {
        from: date(options.from)?,
        to: date(options.to)?,
    };
    // A reversed range is swapped, as the CLI, the app and the site page swap it, and said so.
    let reversed = dates.reversed();
    let notices = reversed.map(|_| "搜索选项 from 晚于 to，已对调".to_string());
    Ok(Request {
        notices: notices.into_iter().collect(),
        query: q,
        districts: options.district,
        topics: options.topic,
        filters: Filters {
            dates: reversed.unwrap_or(dates),
            sort,
            ..Filters::default()
        },
        limit: options.limit.unwrap_or(20),
        offset: options.offset,
        facets: options.facets.unwrap_or(true),
        per_document: options.per_document.unwrap_or(usize::MAX),
        whole_passages: options.whole_passages.unwrap_or(false),
    })
}

/// The NFKC form of `text` by the browser's `String.prototype.normalize`, so that this wasm
/// carries no Unicode normalization tables (see `quxian_core::Query::parse_with`).
pub(crate) fn nfkc(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFKC").into()
}

/// A hit as JavaScript sees it.
pub(crate) fn js_hit((hit, document_hits): (&Hit, usize), info: PassageInfo<'_>) -> Option<JsHit> {
    Some(JsHit {
        doc: info.key.to_string(),
        title: info.title.to_string(),
        date: info.date.map(str::to_string),
        source: info.source.map(str::to_string),
        passage: info.number,
        score: hit.score,
        whole: hit.whole,
        text: hit.snippet.text.clone(),
        highlights: utf16_ranges(&hit.snippet.text, &hit.snippet.highlights),
        districts: info.districts.iter().map(|d| d.to_string()).collect(),
        topics: info.topics.iter().map(|t| t.to_string()).collect(),
        document_hits,
    })
}
