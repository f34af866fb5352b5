//! `Explorer`: a whole bundle (`.qx`) loaded into memory and searched there.

use quxian_core::{Corpus, Searcher};
use wasm_bindgen::prelude::*;

use crate::{
    js_hit, js_timeline, page_hits, parse_options, to_js, JsFacets, JsResults, JsStats, Request,
};

/// A loaded corpus, ready to search.
#[wasm_bindgen]
pub struct Explorer {
    searcher: Searcher,
}

#[wasm_bindgen]
impl Explorer {
    /// Load a bundle (the bytes of a `.qx` file). Throws with a message in Chinese, for the
    /// page, if it is not a bundle, another format version, truncated or corrupt.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8]) -> Result<Explorer, JsError> {
        let corpus = Corpus::from_bundle(bytes)
            .map_err(|e| JsError::new(&format!("无法打开语料：{}", e.zh())))?;
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

    /// Search. `options`: `{ district?: string[], topic?: string[], limit?: number, sort?:
    /// "relevance" | "newest" | "oldest", from?: string, to?: string, per_document?: number }`
    /// (limit counts passages, default 20; dates `YYYY`, `YYYY-MM` or `YYYY-MM-DD`;
    /// per_document: passages kept of each document, default all). Returns `{ total,
    /// total_docs, hits, facets, notices, timeline, undated }`; facets are `[name, count]`
    /// pairs in gazetteer / lexicon order.
    pub fn search(&self, query: &str, options: JsValue) -> Result<JsValue, JsError> {
        let Request {
            query: q,
            filters,
            limit,
            per_document,
            ..
        } = parse_options(query, options).map_err(|e| JsError::new(&e))?;
        let results = self.searcher.search(&q, &filters, limit);
        let c = self.searcher.corpus();
        let hits = page_hits(&results, per_document)
            .filter_map(|found| js_hit(found, c.passage_info(found.0.passage)?))
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
            timeline: js_timeline(&results.timeline),
            undated: results.undated,
        })
    }
}
