//! The JavaScript API of quxian: `new Explorer(bytes)` loads a bundle, `search(query,
//! options)` returns plain objects. Highlight offsets are converted here, and only here, from
//! Rust byte offsets to the UTF-16 offsets JavaScript strings use.
//!
//! ```js
//! import init, { Explorer } from "./pkg/quxian_wasm.js";
//! await init();
//! const explorer = new Explorer(new Uint8Array(await (await fetch("corpus.qx")).arrayBuffer()));
//! const { total, hits, facets } = explorer.search("缙云山", { district: ["北碚"], limit: 10 });
//! ```

use quxian_core::{Corpus, Filters, Query, Searcher, Snippet};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// A loaded corpus, ready to search.
#[wasm_bindgen]
pub struct Explorer {
    searcher: Searcher,
}

/// Options of [`Explorer::search`]; every field is optional.
#[derive(Deserialize, Default)]
#[serde(default)]
struct SearchOptions {
    district: Vec<String>,
    topic: Vec<String>,
    limit: Option<usize>,
}

#[derive(Serialize)]
struct JsHit {
    doc: String,
    title: String,
    passage: u32,
    score: f32,
    text: String,
    /// `[start, end]` in UTF-16 code units of `text`.
    highlights: Vec<[usize; 2]>,
    districts: Vec<String>,
    topics: Vec<String>,
}

#[derive(Serialize)]
struct JsResults {
    total: usize,
    total_docs: usize,
    hits: Vec<JsHit>,
    facets: JsFacets,
    notices: Vec<String>,
}

#[derive(Serialize)]
struct JsFacets {
    district: Vec<(String, u32)>,
    topic: Vec<(String, u32)>,
}

#[derive(Serialize)]
struct JsStats {
    documents: usize,
    passages: usize,
    characters: usize,
    districts: Vec<String>,
    topics: Vec<String>,
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

fn utf16_highlights(snippet: &Snippet) -> Vec<[usize; 2]> {
    snippet
        .highlights
        .iter()
        .filter_map(|h| {
            let start = utf16_len(snippet.text.get(..h.start)?);
            Some([start, start + utf16_len(snippet.text.get(h.clone())?)])
        })
        .collect()
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

#[wasm_bindgen]
impl Explorer {
    /// Load a bundle (the bytes of a `.qx` file). Throws with a clear message if it is not
    /// a bundle, another format version, truncated or corrupt.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8]) -> Result<Explorer, JsError> {
        let corpus = Corpus::from_bundle(bytes).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Explorer {
            searcher: Searcher::new(corpus),
        })
    }

    /// Corpus statistics: counts plus district and topic names.
    pub fn stats(&self) -> Result<JsValue, JsError> {
        let c = self.searcher.corpus();
        to_js(&JsStats {
            documents: c.docs.len(),
            passages: c.passages.len(),
            characters: c.docs.iter().map(|d| d.text.chars().count()).sum(),
            districts: c.districts.clone(),
            topics: c.topics.clone(),
        })
    }

    /// Search. `options`: `{ district?: string[], topic?: string[], limit?: number }`
    /// (limit counts passages, default 20). Returns `{ total, total_docs, hits, facets,
    /// notices }`; facets are `[name, count]` pairs in gazetteer / lexicon order.
    pub fn search(&self, query: &str, options: JsValue) -> Result<JsValue, JsError> {
        let options: SearchOptions = if options.is_undefined() || options.is_null() {
            SearchOptions::default()
        } else {
            serde_wasm_bindgen::from_value(options)
                .map_err(|e| JsError::new(&format!("bad search options: {e}")))?
        };
        let mut q = Query::parse(query).map_err(|e| JsError::new(&e.to_string()))?;
        q.districts.extend(options.district);
        q.topics.extend(options.topic);
        let limit = options.limit.unwrap_or(20);
        let results = self.searcher.search(&q, &Filters::default(), limit);
        let c = self.searcher.corpus();
        let hits = results
            .hits()
            .filter_map(|hit| {
                let info = c.passage_info(hit.passage)?;
                Some(JsHit {
                    doc: info.key.to_string(),
                    title: info.title.to_string(),
                    passage: info.number,
                    score: hit.score,
                    text: hit.snippet.text.clone(),
                    highlights: utf16_highlights(&hit.snippet),
                    districts: info.districts.iter().map(|d| d.to_string()).collect(),
                    topics: info.topics.iter().map(|t| t.to_string()).collect(),
                })
            })
            .take(limit)
            .collect();
        let pairs = |names: &[String], counts: &[u32]| {
            names.iter().cloned().zip(counts.iter().copied()).collect()
        };
        to_js(&JsResults {
            total: results.total,
            total_docs: results.total_docs,
            hits,
            facets: JsFacets {
                district: pairs(&c.districts, &results.facets.districts),
                topic: pairs(&c.topics, &results.facets.topics),
            },
            notices: results.notices,
        })
    }
}
