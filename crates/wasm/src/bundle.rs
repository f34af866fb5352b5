//! `Explorer`: a whole bundle (`.qx`) loaded into memory and searched there.

use js_sys::{Function, Promise, Reflect};
use quxian_core::{Corpus, Searcher, SearcherLoader, LOAD_SLICE_MS};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::{
    js_hit, js_timeline, page_hits, parse_options, to_js, Chosen, JsFacets, JsResults, JsStats,
};

/// A loaded corpus, ready to search.
#[wasm_bindgen]
pub struct Explorer {
    searcher: Searcher,
}

#[wasm_bindgen]
impl Explorer {
    /// Load a bundle (the bytes of a `.qx` file, a `Uint8Array` or an `ArrayBuffer`).
    /// Throws with a message in Chinese, for the page, if it is not a bundle, another format
    /// version, truncated or corrupt.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: JsValue) -> Result<Explorer, JsError> {
        let corpus = Corpus::from_bundle(&bundle_bytes(&bytes)?).map_err(cannot_open)?;
        Ok(Explorer {
            searcher: Searcher::new(corpus),
        })
    }

    /// Load a bundle without holding the page's thread: decoded and indexed in slices of
    /// ~30 ms with a yield to the browser between them (`new Explorer(bytes)` does it in
    /// one task: seconds for a big bundle). Resolves to an `Explorer`; rejects with an
    /// `Error` whose message says in Chinese what is wrong, as the constructor throws.
    pub fn open(bytes: JsValue) -> Promise {
        let bytes = bundle_bytes(&bytes);
        future_to_promise(async move {
            let bytes = bytes?;
            let mut loader = SearcherLoader::new(&bytes).map_err(cannot_open)?;
            loop {
                let until = js_sys::Date::now() + LOAD_SLICE_MS;
                let more_time = || js_sys::Date::now() < until;
                if let Some(searcher) = loader.run_while(more_time).map_err(cannot_open)? {
                    return Ok(Explorer { searcher }.into());
                }
                yield_to_browser().await;
            }
        })
    }

    /// Corpus statistics: counts, district and topic names, and the map's tiles
    /// (`[district, column, row]`).
    pub fn stats(&self) -> Result<JsValue, JsError> {
        let c = self.searcher.corpus();
        to_js(&JsStats {
            documents: c.docs.len(),
            passages: c.passages.len(),
            characters: c.docs.iter().map(|d| d.text.chars().count()).sum(),
            districts: c.districts.clone(),
            topics: c.topics.clone(),
            tiles: JsStats::tiles_of(&c.district_tiles, &c.districts),
        })
    }

    /// Search. `options`: `{ district?: string[], topic?: string[], limit?: number,
    /// offset?: number, sort?:
    /// "relevance" | "newest" | "oldest", from?: string, to?: string, per_document?: number,
    /// whole_passages?: boolean }` (limit counts passages, default 20, offset the passages
    /// skipped before them, default 0: the next page; dates `YYYY`,
    /// `YYYY-MM` or `YYYY-MM-DD`, a reversed range swapped with a notice; per_document:
    /// passages kept of each document, default all; whole_passages: each hit's `text` is
    /// its whole passage, not a snippet). A field of the wrong type throws an `Error` whose
    /// Chinese message names it. Hits carry their document's `title`, `date` and `source`.
    /// Returns `{ total,
    /// total_docs, hits, facets, notices, timeline, undated }`; `facets.district` and
    /// `facets.topic` are `[name, count]` pairs in gazetteer / lexicon order,
    /// `facets.pairs` `[district, topic, count]` for passages having both; the names
    /// filtered on, as the gazetteer and lexicon write them, are `facets.chosen_district`
    /// and `facets.chosen_topic` (from the options) and `facets.typed_district` and
    /// `facets.typed_topic` (from the query's own `district:` / `topic:`).
    pub fn search(&self, query: JsValue, options: JsValue) -> Result<JsValue, JsError> {
        let request = parse_options(&query, options).map_err(|e| JsError::new(&e))?;
        let (q, filters, limit) = (&request.query, &request.filters, request.limit);
        let listed = limit.saturating_add(request.offset);
        let results = match request.whole_passages {
            true => self.searcher.search_whole_passages(q, filters, listed),
            false => self.searcher.search(q, filters, listed),
        };
        let c = self.searcher.corpus();
        let chosen = Chosen::of(&request, |n| c.district_by_name(n), |n| c.topic_by_name(n));
        let hits = page_hits(&results, request.per_document)
            .filter_map(|found| js_hit(found, c.passage_info(found.0.passage)?))
            .skip(request.offset)
            .take(limit)
            .collect();
        to_js(&JsResults {
            total: results.total,
            total_docs: results.total_docs,
            hits,
            facets: JsFacets::of(&c.districts, &c.topics, &results, &chosen),
            notices: [&request.notices[..], &results.notices[..]].concat(),
            timeline: js_timeline(&results.timeline),
            undated: results.undated,
        })
    }
}

/// The bytes given to `new Explorer` or `Explorer.open`: a `Uint8Array` (a Node `Buffer`
/// is one) or an `ArrayBuffer` (what `response.arrayBuffer()` gives).
fn bundle_bytes(value: &JsValue) -> Result<Vec<u8>, JsError> {
    if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    if let Some(buffer) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(buffer).to_vec());
    }
    Err(JsError::new(
        "无法打开语料：应传入 .qx 文件的字节（Uint8Array 或 ArrayBuffer），例如 new Uint8Array(await response.arrayBuffer())",
    ))
}

/// The page's message for a bundle that cannot be opened (`new Explorer`, `Explorer.open`).
fn cannot_open(error: quxian_core::Error) -> JsError {
    JsError::new(&format!("无法打开语料：{}", error.zh()))
}

/// Let the browser run its other work: a message to itself through a `MessageChannel`
/// (not held back 4 ms as a nested `setTimeout(0)` is), or at once where there is none.
async fn yield_to_browser() {
    let global = js_sys::global();
    let Some(channel) = Reflect::get(&global, &"MessageChannel".into())
        .ok()
        .and_then(|c| c.dyn_into::<Function>().ok())
        .and_then(|c| Reflect::construct(&c, &js_sys::Array::new()).ok())
    else {
        return;
    };
    let port = |name: &str| Reflect::get(&channel, &name.into()).unwrap_or(JsValue::UNDEFINED);
    let (port1, port2) = (port("port1"), port("port2"));
    let arrived = Promise::new(&mut |resolve, _| {
        let _ = Reflect::set(&port1, &"onmessage".into(), &resolve);
    });
    let post = Reflect::get(&port2, &"postMessage".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok());
    if let Some(post) = post {
        if post.call1(&port2, &JsValue::NULL).is_ok() {
            let _ = JsFuture::from(arrived).await;
        }
    }
    let _ = Reflect::set(&port1, &"onmessage".into(), &JsValue::NULL);
}
