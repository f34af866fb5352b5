//! In-browser import for quxian: the user's own files → a corpus bundle, in a Web Worker.
//!
//! [`Indexer`] (JS `new Indexer(dictText, gazetteerText?, topicsText?)`) wraps the
//! platform-free [`Importer`]: jieba's dictionary arrives as text (fetched by the worker
//! from `jieba/dict.txt`, a copy of `data/jieba-dict.txt`, so the wasm stays small and the
//! dictionary is cached on its own), files arrive
//! as bytes through `addFile`, and `finish` returns the bundle bytes that `quxian-wasm`'s
//! `Explorer` loads. [`reannotate`] rebuilds a stored library with new data files;
//! `writeSite` writes one as a site index, to search it piece by piece. All text
//! work is core's; this crate only unpacks archives and re-feeds bundles.
//!
//! ```js
//! import init, { Indexer } from "./import/quxian_import.js";
//! await init();
//! const indexer = new Indexer(await (await fetch("./jieba/dict.txt")).text());
//! const { added, skipped } = indexer.addFile("北碚.txt", bytes);
//! indexer.beginFile("档案.jsonl", bytes);     // or a few documents at a time:
//! let done; while (!(done = indexer.continueFile(64))) { /* answer messages */ }
//! const bundle = indexer.finish();            // Uint8Array
//! const { files, documents, passages, input_bytes, text_bytes, skipped: all } = indexer.report();
//! ```
//!
//! ```
//! let dict = "生态 3000\n环境 3000\n";
//! let mut importer = quxian_import::Importer::new(dict.as_bytes(), None, None).unwrap();
//! importer.add_file("北碚.txt", "北碚的生态环境".as_bytes()).unwrap();
//! let bundle = importer.finish().unwrap();
//! assert_eq!(quxian_core::Corpus::from_bundle(&bundle).unwrap().docs.len(), 1);
//! ```
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod archive;
mod importer;
mod site;

pub use archive::{MAX_ARCHIVE_BYTES, MAX_ENTRIES, MAX_ENTRY_BYTES};
pub use importer::{
    reannotate as reannotate_bundle, Error, FileResult, ImportReport, Importer, SkippedFile,
};

use serde::Serialize;
use wasm_bindgen::prelude::*;

/// One import in progress (JS class `Indexer`).
#[wasm_bindgen]
pub struct Indexer {
    inner: Importer,
}

fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// An import error for the page, in Chinese: a core error as the core words it (a bad
/// line of a data file names the file, the line and what to write instead; a library that
/// does not decode says what is wrong with it), never the English text.
fn core_error(e: importer::Error) -> JsError {
    match &e {
        importer::Error::Core(core) => JsError::new(&core.zh()),
        importer::Error::Finished => JsError::new("这次导入已经结束，请重新开始导入"),
    }
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(js_error)
}

/// Hand core the browser's GB18030 decoder and NFKC, which this wasm has no tables for.
fn use_browser_tables() {
    #[cfg(target_arch = "wasm32")]
    {
        quxian_core::set_gb18030_decoder(browser_gb18030);
        quxian_core::set_nfkc(browser_nfkc);
    }
}

/// NFKC by the browser's `String.prototype.normalize`, so that this wasm carries no Unicode
/// normalization tables (core's `nfkc` feature is off here: ~65 KB less gzip).
#[cfg(target_arch = "wasm32")]
fn browser_nfkc(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFKC").into()
}

/// GB18030 (files and zip entry names from Chinese Windows) by the browser's `TextDecoder`,
/// strictly (`fatal`: `None` on a malformed sequence), so that the import wasm carries no
/// encoding tables of its own (core's `gb18030` feature is off here: ~120 KB less gzip).
#[cfg(target_arch = "wasm32")]
fn browser_gb18030(bytes: &[u8]) -> Option<String> {
    let options = web_sys::TextDecoderOptions::new();
    options.set_fatal(true);
    web_sys::TextDecoder::new_with_label_and_options("gb18030", &options)
        .and_then(|decoder| decoder.decode_with_u8_array(bytes))
        .ok()
}

/// The dictionary as bytes, from a string, a `Uint8Array` or an `ArrayBuffer`.
fn dict_bytes(dict: &JsValue) -> Result<Vec<u8>, JsError> {
    if let Some(text) = dict.as_string() {
        return Ok(text.into_bytes());
    }
    if dict.is_instance_of::<js_sys::Uint8Array>() || dict.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(dict).to_vec());
    }
    Err(JsError::new(
        "the jieba dictionary must be a string, Uint8Array or ArrayBuffer",
    ))
}

#[wasm_bindgen]
impl Indexer {
    /// Load jieba's dictionary (`dict.txt` text or bytes) plus a gazetteer and topic lexicon
    /// (the Chongqing defaults when `undefined`). Throws on a bad line, naming file and line.
    #[wasm_bindgen(constructor)]
    pub fn new(
        dict: JsValue,
        gazetteer: Option<String>,
        topics: Option<String>,
    ) -> Result<Indexer, JsError> {
        use_browser_tables();
        let dict = dict_bytes(&dict)?;
        let inner =
            Importer::new(&dict, gazetteer.as_deref(), topics.as_deref()).map_err(core_error)?;
        Ok(Indexer { inner })
    }

    /// Add one file (`.txt .md .html .jsonl`, `.zip` of those, or a `.qx` library), whole.
    /// Returns `{ added, skipped: [{ name, reason }] }`; a bad file is skipped, never thrown.
    /// (The import worker uses `beginFile` / `continueFile`, to answer messages inside a
    /// big file.)
    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) -> Result<JsValue, JsError> {
        let result = self.inner.add_file(name, bytes).map_err(core_error)?;
        to_js(&result)
    }

    /// Begin adding a file (see `addFile` for the kinds) whose documents `continueFile`
    /// adds a few at a time, so the worker can answer messages inside a big JSONL file. A
    /// `.zip` or `.qx` is added whole here; a bad file is skipped, never thrown.
    #[wasm_bindgen(js_name = beginFile)]
    pub fn begin_file(&mut self, name: &str, bytes: &[u8]) -> Result<(), JsError> {
        self.inner.begin_file(name, bytes).map_err(core_error)
    }

    /// Add up to `maxDocs` more documents of the file begun: `undefined` while some
    /// remain, then the file's `{ added, skipped: [{ name, reason }] }`.
    #[wasm_bindgen(js_name = continueFile)]
    pub fn continue_file(&mut self, max_docs: usize) -> Result<JsValue, JsError> {
        match self.inner.continue_file(max_docs).map_err(core_error)? {
            Some(result) => to_js(&result),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// A plain document file (not `.zip` or `.qx`) read, segmented and annotated but not
    /// added: bytes (a `Uint8Array`) for `commitPrepared` of the import that builds the
    /// library, in another worker with the same dictionary and data files; `undefined`
    /// for a file with anything to skip (a bad file, a bad JSONL line, an empty document),
    /// which that import then adds itself with `beginFile`. Never throws for a bad file.
    #[wasm_bindgen(js_name = prepareFile)]
    pub fn prepare_file(&self, name: &str, bytes: &[u8]) -> Result<Option<Vec<u8>>, JsError> {
        self.inner.prepare_file(name, bytes).map_err(core_error)
    }

    /// Add a file from `prepareFile`, in file order: `{ added, skipped: [{ name, reason }] }`
    /// as `continueFile` gives; the library is the same as with `beginFile`.
    #[wasm_bindgen(js_name = commitPrepared)]
    pub fn commit_prepared(&mut self, prepared: &[u8]) -> Result<JsValue, JsError> {
        let result = self.inner.commit_prepared(prepared).map_err(core_error)?;
        to_js(&result)
    }

    /// Up to `maxDocs` more documents of the file begun, as bytes (a `Uint8Array`) for
    /// `prepareDocuments` in another worker; `undefined` when none remain. Every batch
    /// taken comes back in order through `commitDocuments` or `addDocuments`; then
    /// `continueFile` gives the file's `{ added, skipped }`.
    #[wasm_bindgen(js_name = takeDocuments)]
    pub fn take_documents(&mut self, max_docs: usize) -> Option<Vec<u8>> {
        self.inner.take_documents(max_docs)
    }

    /// Documents from `takeDocuments` segmented and annotated, as bytes for
    /// `commitDocuments`; `undefined` when one is to be skipped (then `addDocuments`).
    #[wasm_bindgen(js_name = prepareDocuments)]
    pub fn prepare_documents(&self, raw: &[u8]) -> Result<Option<Vec<u8>>, JsError> {
        self.inner.prepare_documents(raw).map_err(core_error)
    }

    /// Add documents from `takeDocuments` here, in order.
    #[wasm_bindgen(js_name = addDocuments)]
    pub fn add_documents(&mut self, raw: &[u8]) -> Result<(), JsError> {
        self.inner.add_documents(raw).map_err(core_error)
    }

    /// Add documents from `prepareDocuments`, in order.
    #[wasm_bindgen(js_name = commitDocuments)]
    pub fn commit_documents(&mut self, prepared: &[u8]) -> Result<(), JsError> {
        self.inner.commit_documents(prepared).map_err(core_error)
    }

    /// The next regular file of the `.zip` begun, as `{ name, bytes }` (an `ArchiveEntry`)
    /// for `prepareFile` in another worker; `undefined` at its end. Every entry taken comes
    /// back in order through `commitEntry` or `addEntry`; then `continueFile` gives the
    /// archive's `{ added, skipped }`.
    #[wasm_bindgen(js_name = takeEntry)]
    pub fn take_entry(&mut self) -> Option<ArchiveEntry> {
        let (name, bytes) = self.inner.take_entry()?;
        Some(ArchiveEntry { name, bytes })
    }

    /// Add an entry from `takeEntry` that `prepareFile` prepared, in order.
    #[wasm_bindgen(js_name = commitEntry)]
    pub fn commit_entry(&mut self, prepared: &[u8]) -> Result<(), JsError> {
        self.inner.commit_entry(prepared).map_err(core_error)
    }

    /// Add an entry from `takeEntry` here, in order.
    #[wasm_bindgen(js_name = addEntry)]
    pub fn add_entry(&mut self, name: &str, bytes: &[u8]) -> Result<(), JsError> {
        self.inner.add_entry(name, bytes).map_err(core_error)
    }

    /// The share (0..=1) of the begun file's documents added so far.
    #[wasm_bindgen(js_name = fileShare)]
    pub fn file_share(&self) -> f64 {
        self.inner.file_share()
    }

    /// The library's bundle bytes (a `Uint8Array`); call once.
    pub fn finish(&mut self) -> Result<Vec<u8>, JsError> {
        self.inner.finish().map_err(core_error)
    }

    /// The bundle of the documents indexed so far (a `Uint8Array`), for searching a long
    /// import while it runs; the import goes on.
    pub fn snapshot(&mut self) -> Result<Vec<u8>, JsError> {
        self.inner.snapshot().map_err(core_error)
    }

    /// `{ files, documents, passages, input_bytes, text_bytes, skipped }`; `passages` is
    /// `null`, `text_bytes` 0 and `skipped` lacks the builder's per-document reasons until
    /// `finish`.
    pub fn report(&self) -> Result<JsValue, JsError> {
        to_js(self.inner.report())
    }
}

/// A regular file of an archive (`Indexer.takeEntry`): its name, `archive.zip/path`, and
/// bytes.
#[wasm_bindgen(getter_with_clone)]
pub struct ArchiveEntry {
    /// `archive.zip/path/inside`.
    pub name: String,
    /// The inflated bytes (a `Uint8Array`).
    pub bytes: Vec<u8>,
}

/// Rebuild a library's annotations with a new gazetteer and/or lexicon (defaults when
/// `undefined`). jieba needs its dictionary for that, so it comes first. Returns the new
/// bundle bytes.
#[wasm_bindgen]
pub fn reannotate(
    dict: JsValue,
    bundle: &[u8],
    gazetteer: Option<String>,
    topics: Option<String>,
) -> Result<Vec<u8>, JsError> {
    use_browser_tables();
    let dict = dict_bytes(&dict)?;
    importer::reannotate(&dict, bundle, gazetteer.as_deref(), topics.as_deref())
        .map(|(bytes, _report)| bytes)
        .map_err(core_error)
}

/// The built-in gazetteer, `data/gazetteer.txt`: what an import uses when given none, and
/// the text a "custom districts" editor starts from.
const DEFAULT_GAZETTEER: &str = include_str!("../../../data/gazetteer.txt");
/// The built-in topic lexicon, `data/topics.txt` (see [`default_gazetteer`]).
const DEFAULT_TOPICS: &str = include_str!("../../../data/topics.txt");

/// The built-in gazetteer text (JS `defaultGazetteer()`), the same file core embeds.
#[wasm_bindgen(js_name = defaultGazetteer)]
pub fn default_gazetteer() -> String {
    DEFAULT_GAZETTEER.to_string()
}

/// The built-in topic lexicon text (JS `defaultTopics()`), the same file core embeds.
#[wasm_bindgen(js_name = defaultTopics)]
pub fn default_topics() -> String {
    DEFAULT_TOPICS.to_string()
}

#[cfg(test)]
mod default_data_tests {
    /// The texts handed to JS are the files core embeds: both parse.
    #[test]
    fn default_texts_parse() {
        quxian_core::Gazetteer::parse(&super::default_gazetteer(), "gazetteer")
            .expect("data/gazetteer.txt must parse");
        quxian_core::Lexicon::parse(&super::default_topics(), "topics")
            .expect("data/topics.txt must parse");
    }
}
