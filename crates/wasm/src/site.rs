//! `SiteExplorer`: search a site index (`quxian build --site`) from JavaScript, fetching
//! only the pieces each query needs.
//!
//! ```js
//! import init, { SiteExplorer } from "./pkg-site/quxian_wasm.js";  // or ./pkg-api/
//! await init();
//! const explorer = await SiteExplorer.open("./quxian/");
//! const { total, hits, fetched } = await explorer.search("缙云山", { limit: 10 });
//! ```
//!
//! A site stored in this browser instead (a library's pieces in IndexedDB, see
//! `quxian-library.js`) is opened with a function that reads a piece by name:
//! `SiteExplorer.open("", undefined, (name) => readPiece(name))`.
//!
//! Decoded pieces stay in wasm memory between queries (a follow-up query often needs
//! none); past [`MAX_HELD_BYTES`], a query first drops the least recently used (it then
//! keeps everything it needs, however much that is). Their bytes as fetched stay in
//! JavaScript memory up to [`KEPT_BYTES`], so taking one back is a decode, not a fetch;
//! the browser's HTTP cache and the service worker keep them too.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::rc::Rc;

use js_sys::{Array, Promise, Uint8Array};
use quxian_core::{PieceCache, Query, SearchResults, SiteIndex, SitePage, SiteStep, META_NAME};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::{js_hit, page_hits, parse_options, to_js, Chosen, JsFacets, JsResults, Request};

/// Fetched bytes of the decoded pieces kept in wasm memory between queries (bounds wasm
/// memory on big sites; decoded pieces take a few times their fetched size).
const MAX_HELD_BYTES: usize = 8 << 20;
/// Documents whose metadata stays in wasm memory after their pieces are dropped (a few
/// hundred bytes each): about a thousand pages of results.
const MAX_HELD_DOCUMENTS: usize = 16_384;
/// Fetched bytes of pieces kept as fetched, in JavaScript memory: a piece dropped from wasm
/// memory is decoded again from here rather than fetched. Chromium spends 1–2 ms per fetch
/// even from its HTTP cache, most of a follow-up query's time once its pieces are local.
const KEPT_BYTES: usize = 32 << 20;
/// Fetches in flight at once: a common word of a big archive needs thousands of pieces,
/// and a browser fails such a burst (ERR_INSUFFICIENT_RESOURCES in Chromium at 280 MB).
const PARALLEL_FETCHES: usize = 32;
/// The most fetch rounds a query may take (its stages are fewer; this stops a loop on a
/// site whose pieces keep naming new ones).
const MAX_ROUNDS: usize = 8;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (window or worker), with its options (`init`).
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &JsValue) -> Promise;

    type Response;
    #[wasm_bindgen(method, getter)]
    fn ok(this: &Response) -> bool;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Response) -> u16;
    #[wasm_bindgen(method, js_name = arrayBuffer)]
    fn array_buffer(this: &Response) -> Promise;
}

/// A site being searched.
#[wasm_bindgen]
pub struct SiteExplorer {
    inner: Rc<Inner>,
}

struct Inner {
    source: Source,
    index: RefCell<SiteIndex>,
    /// Pieces as fetched, by name (see [`KEPT_BYTES`]).
    kept: RefCell<PieceCache<String, Uint8Array>>,
}

/// A document as `read` returns it.
#[derive(Serialize)]
struct JsReading<'a> {
    key: &'a str,
    title: &'a str,
    date: Option<&'a str>,
    source: Option<&'a str>,
    url: Option<&'a str>,
    passages: usize,
    first: u32,
    shown: Vec<JsPassage>,
}

/// One passage of a document being read.
#[derive(Serialize)]
struct JsPassage {
    number: u32,
    text: String,
    /// The query's matches in `text`, UTF-16 `[start, end)` (none without a query).
    highlights: Vec<[usize; 2]>,
    districts: Vec<String>,
    topics: Vec<String>,
}

/// What a search fetched, for the curious and for benchmarks.
#[derive(Serialize, Default)]
struct Fetched {
    pieces: usize,
    bytes: usize,
}

#[derive(Serialize)]
struct SiteResults {
    #[serde(flatten)]
    results: JsResults,
    /// Whether `facets` holds counts (asked with `facets: true`) or zeros.
    counted: bool,
    fetched: Fetched,
}

/// Where a site's pieces come from.
#[derive(Clone)]
enum Source {
    /// A host: the folder URL (ending in `/`) that holds them.
    Host(String),
    /// This browser: `read(name)` → a Promise of the piece's `Uint8Array`, or of
    /// `undefined` when it is not stored.
    Stored(js_sys::Function),
}

impl Source {
    /// The piece's bytes (in JavaScript memory).
    async fn bytes(&self, name: &str) -> Result<Uint8Array, SiteError> {
        match self {
            Source::Host(base) => fetch_bytes(base, name, Fetch::Cached).await,
            Source::Stored(read) => read_stored(read, name).await,
        }
    }

    /// A second try at a piece that arrived damaged, from the host itself: the first copy
    /// may have come from a cache (the browser's, or the service worker's, which keeps what
    /// a host once answered: an error page, a cut-short file) while the host now has it
    /// right. `None` for pieces stored in this browser, which have no other copy.
    async fn refetch(&self, name: &str) -> Option<Result<Uint8Array, SiteError>> {
        match self {
            Source::Host(base) => Some(fetch_bytes(base, name, Fetch::Reload).await),
            Source::Stored(_) => None,
        }
    }

    /// The error for a piece that arrived but cannot be read.
    fn damaged(&self, name: &str, error: quxian_core::Error) -> SiteError {
        match self {
            Source::Host(_) => SiteError::Core(name.to_string(), error),
            Source::Stored(_) => SiteError::Stored(name.to_string(), StoredPiece::Damaged),
        }
    }
}

/// A piece stored in this browser, through the page's `read` function.
async fn read_stored(read: &js_sys::Function, name: &str) -> Result<Uint8Array, SiteError> {
    let answer = read
        .call1(&JsValue::NULL, &name.into())
        .map_err(SiteError::from_js)?;
    let bytes = JsFuture::from(Promise::resolve(&answer))
        .await
        .map_err(SiteError::from_js)?;
    bytes
        .dyn_into::<Uint8Array>()
        .map_err(|_| SiteError::Stored(name.to_string(), StoredPiece::Missing))
}

/// How a piece is fetched.
#[derive(Clone, Copy)]
enum Fetch {
    /// As any request: from a cache when one has it (pieces' names are immutable).
    Cached,
    /// From the host, past every cache, and into them: `cache: 'reload'` for the browser's,
    /// and `?retry` for sw.js's.
    Reload,
}

/// Fetch `base + name` as bytes (in JavaScript memory); errors name the file and the HTTP
/// status.
async fn fetch_bytes(base: &str, name: &str, how: Fetch) -> Result<Uint8Array, SiteError> {
    let init = js_sys::Object::new();
    if let Some(signal) = timeout_signal(FETCH_TIMEOUT_MS) {
        let _ = js_sys::Reflect::set(&init, &"signal".into(), &signal);
    }
    let url = match how {
        Fetch::Cached => format!("{base}{name}"),
        Fetch::Reload => {
            let _ = js_sys::Reflect::set(&init, &"cache".into(), &"reload".into());
            format!("{base}{name}?retry")
        }
    };
    let failed = |error: JsValue| fetch_failure(name, &error);
    let response = JsFuture::from(global_fetch(&url, &init))
        .await
        .map_err(failed)?;
    let response: Response = response.unchecked_into();
    if !response.ok() {
        return Err(SiteError::Http(name.to_string(), response.status()));
    }
    let buffer = JsFuture::from(response.array_buffer())
        .await
        .map_err(failed)?;
    Ok(Uint8Array::new(&buffer))
}

/// How long one piece may take: a host that never answers must not leave 搜索中… for
/// ever. Generous, as pieces are fetched 32 at a time over what may be a slow link.
const FETCH_TIMEOUT_MS: u32 = 60_000;

/// `AbortSignal.timeout(ms)`, where the browser has it.
fn timeout_signal(ms: u32) -> Option<JsValue> {
    let class = js_sys::Reflect::get(&js_sys::global(), &"AbortSignal".into()).ok()?;
    let timeout = js_sys::Reflect::get(&class, &"timeout".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    timeout.call1(&class, &ms.into()).ok()
}

/// Why a fetch of piece `name` failed: its time ran out, or the network failed.
fn fetch_failure(name: &str, error: &JsValue) -> SiteError {
    let kind = js_sys::Reflect::get(error, &"name".into()).ok();
    match kind.and_then(|k| k.as_string()).as_deref() {
        Some("TimeoutError") => SiteError::TimedOut(name.to_string()),
        _ => SiteError::Unreachable(name.to_string()),
    }
}

/// Fetch every named piece, [`PARALLEL_FETCHES`] at a time, and add it to the index.
async fn load_pieces(
    inner: &Inner,
    names: Vec<String>,
    fetched: &mut Fetched,
) -> Result<(), SiteError> {
    for batch in names.chunks(PARALLEL_FETCHES) {
        load_batch(inner, batch, fetched).await?;
    }
    Ok(())
}

/// Add a batch of pieces to the index: those kept in JavaScript memory at once, the others
/// fetched in parallel (and kept).
async fn load_batch(
    inner: &Inner,
    names: &[String],
    fetched: &mut Fetched,
) -> Result<(), SiteError> {
    let mut missing = Vec::new();
    for name in names {
        let kept = inner.kept.borrow().get(name).cloned();
        match kept {
            Some(bytes) => add_piece(inner, name, &bytes)?,
            None => missing.push(name),
        }
    }
    let requests: Array = missing
        .iter()
        .map(|name| future_to_promise(fetch_piece(inner.source.clone(), name.to_string())))
        .collect();
    let all = JsFuture::from(Promise::all(&requests))
        .await
        .map_err(SiteError::from_js)?;
    let all: Array = all.unchecked_into();
    for (name, bytes) in missing.into_iter().zip(all.iter()) {
        let mut bytes: Uint8Array = bytes.unchecked_into();
        fetched.pieces += 1;
        fetched.bytes += bytes.length() as usize;
        if let Err(damaged) = add_piece(inner, name, &bytes) {
            bytes = fetched_again(inner, name, damaged).await?;
        }
        let mut kept = inner.kept.borrow_mut();
        kept.insert(name.clone(), bytes.clone(), bytes.length() as usize);
        kept.evict_to(KEPT_BYTES);
    }
    Ok(())
}

/// The index of the meta's `bytes`; a damaged meta is fetched once more from the host
/// (see [`Source::refetch`]).
async fn open_index(source: &Source, bytes: &[u8]) -> Result<SiteIndex, SiteError> {
    let damaged = match SiteIndex::open(bytes) {
        Ok(index) => return Ok(index),
        Err(e) => source.damaged(META_NAME, e),
    };
    let again = source.refetch(META_NAME).await.ok_or(damaged)??;
    SiteIndex::open(&again.to_vec()).map_err(|e| source.damaged(META_NAME, e))
}

/// A piece that arrived damaged (`damaged`, the error), fetched once more from the host and
/// added; the same error when there is no other copy, a new one when the host's is bad
/// too.
async fn fetched_again(
    inner: &Inner,
    name: &str,
    damaged: SiteError,
) -> Result<Uint8Array, SiteError> {
    let bytes = inner.source.refetch(name).await.ok_or(damaged)??;
    add_piece(inner, name, &bytes)?;
    Ok(bytes)
}

/// Decode a piece into the index (one copy of its bytes into wasm memory).
fn add_piece(inner: &Inner, name: &str, bytes: &Uint8Array) -> Result<(), SiteError> {
    inner
        .index
        .borrow_mut()
        .add(name, &bytes.to_vec())
        .map_err(|e| inner.source.damaged(name, e))
}

async fn fetch_piece(source: Source, name: String) -> Result<JsValue, JsValue> {
    match source.bytes(&name).await {
        Ok(bytes) => Ok(bytes.into()),
        Err(e) => Err(e.into_js()),
    }
}

/// Fetch the pieces `step` names, round by round, until it breaks with its answer.
async fn settle<T>(
    inner: &Inner,
    mut step: impl FnMut(&SiteIndex) -> ControlFlow<T, Vec<String>>,
) -> Result<(T, Fetched), SiteError> {
    let mut fetched = Fetched::default();
    for _ in 0..MAX_ROUNDS {
        let next = step(&inner.index.borrow());
        match next {
            ControlFlow::Break(answer) => return Ok((answer, fetched)),
            ControlFlow::Continue(names) => load_pieces(inner, names, &mut fetched).await?,
        }
    }
    Err(SiteError::TooManyRounds)
}

#[wasm_bindgen]
impl SiteExplorer {
    /// Open the site whose meta (`site.qxs`) is at `base` (a folder URL ending in `/`);
    /// `meta`, if given, is the meta's bytes as a `Uint8Array`, already fetched (a page
    /// that starts the fetch early). `read`, if given, reads the pieces instead of the
    /// network (a site stored in this browser; `base` is then unused): `read(name)` returns
    /// a Promise of the piece's `Uint8Array`, or of `undefined` for a piece not stored.
    /// Resolves to a `SiteExplorer`; rejects with an `Error` whose message says, in
    /// Chinese, what is wrong (missing, another format version, damaged), and whose `kind`
    /// is `"stored"` when a stored piece is missing or damaged (the page may rebuild them),
    /// `"missing"` when the host answers 404.
    pub fn open(base: String, meta: Option<Vec<u8>>, read: Option<js_sys::Function>) -> Promise {
        future_to_promise(async move {
            let source = match read {
                Some(read) => Source::Stored(read),
                None if base.ends_with('/') => Source::Host(base),
                None => Source::Host(format!("{base}/")),
            };
            let meta = match meta {
                Some(bytes) => bytes,
                None => source
                    .bytes(META_NAME)
                    .await
                    .map_err(SiteError::into_js)?
                    .to_vec(),
            };
            let index = open_index(&source, &meta)
                .await
                .map_err(SiteError::into_js)?;
            let inner = Rc::new(Inner {
                source,
                index: RefCell::new(index),
                kept: RefCell::default(),
            });
            Ok(SiteExplorer { inner }.into())
        })
    }

    /// The file names (relative to the site's folder) of every piece but the meta: what to
    /// download for offline use.
    #[wasm_bindgen(js_name = pieceNames)]
    pub fn piece_names(&self) -> Vec<String> {
        self.inner.index.borrow().all_piece_names()
    }

    /// Bytes of every piece but the meta: what [`SiteExplorer::piece_names`] downloads
    /// (said before a user starts it; 575 MB for a 280 MB archive).
    #[wasm_bindgen(js_name = indexBytes)]
    pub fn index_bytes(&self) -> f64 {
        self.inner.index.borrow().index_bytes() as f64
    }

    /// Read a document: a Promise of `{ key, title, date, source, url, passages, first,
    /// shown: [{ number, text, highlights, districts, topics }] }` — its metadata, its
    /// number of passages and at most 200 of them from passage `first` on, around passage
    /// `number` (the `p` of a link), with the matches of `query` (optional: the search the
    /// document was opened from) marked as in results — or `null` for a key the site does
    /// not have.
    pub fn read(&self, key: String, number: u32, query: Option<String>) -> Promise {
        let inner = self.inner.clone();
        // A query that does not parse (too long) marks nothing; the reading still opens.
        let query = query.and_then(|q| Query::parse_with(&q, crate::nfkc).ok());
        future_to_promise(async move {
            let needs = |index: &SiteIndex| {
                let mut names = index.reading_needs(&key, number);
                names.extend(query.iter().flat_map(|q| index.highlight_needs(q)));
                match names {
                    names if names.is_empty() => ControlFlow::Break(()),
                    names => ControlFlow::Continue(names),
                }
            };
            settle(&inner, needs).await.map_err(SiteError::into_js)?;
            let index = inner.index.borrow();
            let Some((document, window)) = index.reading(&key, number) else {
                return Ok(JsValue::NULL);
            };
            let shown = window.clone().filter_map(|p| {
                let info = index.passage_info(quxian_core::PassageId(p))?;
                let text = index.passage_text(p)?;
                let highlights = match &query {
                    Some(q) => crate::utf16_ranges(text, &index.highlights(text, q)),
                    None => Vec::new(),
                };
                Some(JsPassage {
                    number: info.number,
                    text: text.to_string(),
                    highlights,
                    districts: info.districts.iter().map(|d| d.to_string()).collect(),
                    topics: info.topics.iter().map(|t| t.to_string()).collect(),
                })
            });
            to_js(&JsReading {
                key: &document.key,
                title: &document.title,
                date: document.date.as_deref(),
                source: document.source.as_deref(),
                url: document.url.as_deref(),
                passages: document.passages.len(),
                first: window.start - document.passages.start,
                shown: shown.collect(),
            })
            .map_err(JsValue::from)
        })
    }

    /// Corpus statistics: `{ documents, passages, characters, districts, topics, tiles }`
    /// (`tiles`: `[district, column, row]` of the map; empty for a site written before it).
    pub fn stats(&self) -> Result<JsValue, JsError> {
        let index = self.inner.index.borrow();
        let (documents, passages, characters) = index.counts();
        to_js(&crate::JsStats {
            documents,
            passages,
            characters: characters as usize,
            districts: index.districts().to_vec(),
            topics: index.topics().to_vec(),
            tiles: crate::JsStats::tiles_of(index.tiles(), index.districts()),
        })
    }

    /// Search; a Promise. The options are those of `Explorer.search` (`per_document`
    /// included), but `limit` counts documents (default 20), `offset` skips documents
    /// ("load more"), and `facets: false` skips the district and topic counts (they need
    /// the labels of every match: ask for the page first, then again with counts — the
    /// second search refetches nothing it already has); `hits` holds the matching passages
    /// of those documents (the first `per_document` of each: only their texts are fetched,
    /// and each hit's `document_hits` counts all of its document's), best document first;
    /// `counted` says whether `facets` are counts; `fetched: {
    /// pieces, bytes }` says what this search downloaded. `sort`, `from` and `to` fetch
    /// the passage tables of every match (documents' dates live there); `timeline` and
    /// `undated` are counted with the facets (empty and 0 for `facets: false`).
    pub fn search(&self, query: JsValue, options: JsValue) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let request = parse_options(&query, options)
                .map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
            let q = &request.query;
            inner
                .index
                .borrow_mut()
                .make_room(MAX_HELD_BYTES, MAX_HELD_DOCUMENTS);
            inner.kept.borrow_mut().tick();
            let filters = &request.filters;
            let page = SitePage {
                offset: request.offset,
                limit: request.limit,
                facets: request.facets,
                per_document: request.per_document,
                whole_passages: request.whole_passages,
            };
            let step = |index: &SiteIndex| match index.step(q, filters, page) {
                SiteStep::Done(results) => ControlFlow::Break(*results),
                SiteStep::Fetch(names) => ControlFlow::Continue(names),
            };
            let (results, fetched) = settle(&inner, step).await.map_err(SiteError::into_js)?;
            let index = inner.index.borrow();
            let js = site_results(&index, &results, &request, fetched);
            to_js(&js).map_err(JsValue::from)
        })
    }
}

fn site_results(
    index: &SiteIndex,
    results: &SearchResults,
    request: &Request,
    fetched: Fetched,
) -> SiteResults {
    let chosen = Chosen::of(
        request,
        |n| index.district_by_name(n),
        |n| index.topic_by_name(n),
    );
    let hits = page_hits(results, request.per_document)
        .filter_map(|found| js_hit(found, index.passage_info(found.0.passage)?))
        .collect();
    SiteResults {
        results: JsResults {
            total: results.total,
            total_docs: results.total_docs,
            hits,
            facets: JsFacets::of(index.districts(), index.topics(), results, &chosen),
            notices: [&request.notices[..], &results.notices[..]].concat(),
            timeline: crate::js_timeline(&results.timeline),
            undated: results.undated,
        },
        counted: request.facets,
        fetched,
    }
}

/// Why a site could not answer, rendered into Chinese here and only here.
pub(crate) enum SiteError {
    /// The network failed for this file (offline, blocked, host down).
    Unreachable(String),
    /// The host did not send this file in time ([`FETCH_TIMEOUT_MS`]).
    TimedOut(String),
    /// The host answered with an HTTP error status for this file.
    Http(String, u16),
    /// The file arrived but is not what it should be.
    Core(String, quxian_core::Error),
    /// A piece stored in this browser is missing or damaged.
    Stored(String, StoredPiece),
    /// A query kept naming new pieces (a site whose pieces contradict each other).
    TooManyRounds,
    /// A JavaScript error passed through.
    Js(JsValue),
}

/// What is wrong with a piece stored in this browser.
pub(crate) enum StoredPiece {
    /// Not stored (deleted, or never written).
    Missing,
    /// Stored, but not a piece of this site (damaged, or of another build).
    Damaged,
}

impl SiteError {
    pub(crate) fn from_js(value: JsValue) -> Self {
        SiteError::Js(value)
    }

    /// A JavaScript `Error` with a message that says what happened and what to do.
    pub(crate) fn into_js(self) -> JsValue {
        let message = match self {
            SiteError::Unreachable(name) => {
                format!("无法获取索引文件 {name}：请检查网络连接后重试")
            }
            SiteError::TimedOut(name) => format!(
                "索引文件 {name} 在 {} 秒内没有传完：网络可能很慢，或网站暂时没有响应，请稍后重试",
                FETCH_TIMEOUT_MS / 1000
            ),
            SiteError::Http(name, 404) => return missing_error(&name),
            SiteError::Http(name, status) => {
                format!("索引文件 {name} 获取失败（HTTP {status}）：请稍后重试")
            }
            SiteError::Core(name, error) => core_message(&name, &error),
            SiteError::Stored(name, problem) => return stored_error(&name, problem),
            SiteError::TooManyRounds => {
                "网站索引的各个文件互不一致，无法完成搜索：请刷新页面；若仍出错，请联系网站维护者重新构建".to_string()
            }
            SiteError::Js(value) => return value,
        };
        js_sys::Error::new(&message).into()
    }
}

/// The `Error` for a file the host does not have: its `kind` is `"missing"`, so the page
/// can let a new version take over when its service worker kept the old build's meta.
fn missing_error(name: &str) -> JsValue {
    let error = js_sys::Error::new(&format!(
        "索引文件 {name} 不存在（HTTP 404）：网站可能刚更新过，请刷新页面后重试"
    ));
    let _ = js_sys::Reflect::set(&error, &"kind".into(), &"missing".into());
    error.into()
}

/// The `Error` for a stored piece that is missing or damaged: its `kind` is `"stored"`, so
/// the page can have the pieces rebuilt from the library (which is kept apart).
fn stored_error(name: &str, problem: StoredPiece) -> JsValue {
    // (The core's words for a damaged piece speak of a host; these pieces have none.)
    let what = match problem {
        StoredPiece::Missing => format!("本机文档库的分片索引缺少文件 {name}"),
        StoredPiece::Damaged => format!("本机文档库的分片索引文件 {name} 已损坏"),
    };
    let error = js_sys::Error::new(&format!(
        "{what}：请回到文档库，再点“分片打开”重新建立（文档库本身没有受影响）"
    ));
    let _ = js_sys::Reflect::set(&error, &"kind".into(), &"stored".into());
    error.into()
}

/// The Chinese message for a core error about index file `name`, with what to do.
fn core_message(name: &str, error: &quxian_core::Error) -> String {
    const REBUILD: &str = "请刷新页面；若仍出错，请联系网站维护者重新构建";
    match error {
        // It names its piece itself.
        quxian_core::Error::Piece { .. } => format!("{}：{REBUILD}", error.zh()),
        _ => format!("索引文件 {name} {}：{REBUILD}", error.zh()),
    }
}
