//! The bridge to the user's own libraries: `quxian-library.js` (import in a Web Worker,
//! storage in IndexedDB), loaded on first use.
//!
//! The module is imported at run time by a function the host page hands to `mount`
//! (`loadLibrary: () => import('./quxian-library.js')`, see `web/static/app.js` and
//! `quxian-embed.js`), not bound with `#[wasm_bindgen(module = …)]`: a bound module would be
//! copied into `pkg/snippets/…`, where its `new URL('./import-worker.js', import.meta.url)`
//! no longer finds the worker, and a static import would also break the single-file build
//! and make every page load fetch it. Nor is `import()` built from a string
//! (`new Function`): the page runs under a Content-Security-Policy without `unsafe-eval`.
//! Loading lazily means the built-in corpus never touches it (offline included); only
//! opening the library menu, an import or a `lib=ID` link does. A page that gives no
//! loader (the single file) has no libraries.
//!
//! Every call is fallible and answers in Chinese: errors are messages for the page.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

thread_local! {
    static MODULE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    static LOADER: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Remember how this page loads `quxian-library.js` (the `loadLibrary` option of `mount`).
pub fn set_loader(load: Function) {
    LOADER.with(|cell| *cell.borrow_mut() = Some(load));
}

/// A saved library, as `listLibraries()` describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct LibraryMeta {
    /// The id as links carry it (`lib=ID`).
    pub id: String,
    /// The IndexedDB key (a string, or a number for libraries saved by older versions).
    pub key: JsValue,
    pub name: String,
    pub documents: u32,
    /// Size of the stored bundle in bytes.
    pub bytes: f64,
    /// Custom data-file texts the library was annotated with (None: the built-in ones).
    pub gazetteer: Option<String>,
    pub topics: Option<String>,
    /// Bytes of its site index, once written (see [`open_as_site`]).
    pub site_bytes: Option<f64>,
    /// Bytes of its text (`inputBytes`; libraries saved before 6 Dec 2026 recorded the
    /// bytes of every file given, left out or not; 0 when not recorded).
    pub input_bytes: f64,
}

/// Libraries imported from this much text or more are offered 分片打开 first: opened whole,
/// 28 MB of text took 3 s and 100 MB 9 s and 850 MB before the first result, by pieces
/// 0.3 s (BENCHMARKS.md, "opened whole or by 分片打开").
pub const BIG_LIBRARY_INPUT_BYTES: f64 = 16.0 * 1024.0 * 1024.0;

impl LibraryMeta {
    /// Whether this library is big enough to be opened by pieces first (its bundle holds
    /// about 0.43 of its text, for libraries that did not record their input).
    pub fn is_big(&self) -> bool {
        let input = match self.input_bytes {
            0.0 => self.bytes / 0.43,
            n => n,
        };
        input >= BIG_LIBRARY_INPUT_BYTES
    }
}

/// Progress of an import, from the worker's `progress` messages.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// Still loading jieba's dictionary.
    pub loading: bool,
    pub files_done: u32,
    pub files_total: u32,
    pub bytes_done: f64,
    pub bytes_total: f64,
    /// `bytes_total` counts files not yet read at the mean size so far (the page does not
    /// ask every file's size up front: in Chromium that is a synchronous look-up per file).
    pub bytes_estimated: bool,
    /// Estimated time left, once a file is done.
    pub eta_ms: Option<f64>,
    /// Time since the import started (the dictionary's loading included).
    pub elapsed_ms: f64,
}

/// One file or document left out, with the reason in Chinese (from its typed kind).
#[derive(Clone, Debug, PartialEq)]
pub struct SkippedFile {
    pub name: String,
    pub label: String,
    /// The reason's kind (`too-large`, …), for a tooltip.
    pub kind: String,
}

/// What an import produced.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportResult {
    /// The bundle (`Uint8Array`), kept in JS until it is saved.
    pub bundle: JsValue,
    /// The worker's report object, stored with the library.
    pub report: JsValue,
    pub files: u32,
    pub documents: u32,
    pub input_bytes: f64,
    /// Bytes of the library's text: what "big" is judged by (files left out not counted).
    pub text_bytes: f64,
    pub skipped: Vec<SkippedFile>,
    /// The name of a `.qx` library imported alone (its file's name).
    pub name: Option<String>,
}

/// The loaded module, importing it the first time.
async fn module() -> Result<JsValue, String> {
    if let Some(m) = MODULE.with(|m| m.borrow().clone()) {
        return Ok(m);
    }
    let load = LOADER
        .with(|cell| cell.borrow().clone())
        .ok_or("本页面不支持文档库：请打开完整的区县页面（index.html）")?;
    let promise = load.call0(&JsValue::NULL).map_err(message)?;
    let m = JsFuture::from(Promise::resolve(&promise))
        .await
        .map_err(|e| format!("无法加载文档库模块 quxian-library.js（{}）", message(e)))?;
    MODULE.with(|cell| *cell.borrow_mut() = Some(m.clone()));
    Ok(m)
}

/// Call `name(args…)` on the module, awaiting a returned promise.
async fn call(name: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let m = module().await?;
    let f: Function = Reflect::get(&m, &name.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| format!("quxian-library.js 缺少 {name}"))?;
    let result = f
        .apply(&JsValue::NULL, &args.iter().collect::<Array>())
        .map_err(message)?;
    match result.dyn_into::<Promise>() {
        Ok(p) => JsFuture::from(p).await.map_err(message),
        Err(value) => Ok(value),
    }
}

/// The message of a thrown JS value.
pub fn message(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "未知错误".to_string())
}

/// Why an import ended without a library.
#[derive(Debug, PartialEq)]
pub enum ImportError {
    /// The user cancelled (the abort signal fired): nothing was saved.
    Cancelled,
    /// Anything else, as a message for the page (in Chinese).
    Failed(String),
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn num(o: &JsValue, key: &str) -> f64 {
    get(o, key).as_f64().unwrap_or(0.0)
}

fn text(o: &JsValue, key: &str) -> Option<String> {
    get(o, key).as_string()
}

fn key_string(key: &JsValue) -> String {
    key.as_string()
        .or_else(|| key.as_f64().map(|n| format!("{n}")))
        .unwrap_or_default()
}

/// Saved libraries, newest first.
pub async fn list() -> Result<Vec<LibraryMeta>, String> {
    let rows = call("listLibraries", &[]).await?;
    Ok(Array::from(&rows)
        .iter()
        .map(|row| {
            let key = get(&row, "id");
            LibraryMeta {
                id: key_string(&key),
                key,
                name: text(&row, "name").unwrap_or_default(),
                documents: num(&row, "documents") as u32,
                bytes: num(&row, "bytes"),
                gazetteer: text(&row, "gazetteer"),
                topics: text(&row, "topics"),
                site_bytes: get(&get(&row, "site"), "bytes").as_f64(),
                input_bytes: num(&row, "inputBytes"),
            }
        })
        .collect())
}

/// The saved library whose id (as in links) is `id`, if this browser has it.
pub async fn find(id: &str) -> Result<Option<LibraryMeta>, String> {
    Ok(list().await?.into_iter().find(|l| l.id == id))
}

/// The bundle bytes of a saved library.
pub async fn load(meta: &LibraryMeta) -> Result<Vec<u8>, String> {
    let bytes = call("loadLibrary", std::slice::from_ref(&meta.key)).await?;
    Ok(Uint8Array::new(&bytes).to_vec())
}

/// Store an import's bundle under `name`; the new library's id.
pub async fn save(name: &str, result: &ImportResult) -> Result<String, String> {
    let options = Object::new();
    let _ = Reflect::set(&options, &"name".into(), &name.into());
    let _ = Reflect::set(&options, &"bundle".into(), &result.bundle);
    let _ = Reflect::set(&options, &"report".into(), &result.report);
    let id = call("saveLibrary", &[options.into()]).await?;
    Ok(key_string(&id))
}

pub async fn rename(meta: &LibraryMeta, name: &str) -> Result<(), String> {
    call("renameLibrary", &[meta.key.clone(), name.into()])
        .await
        .map(drop)
}

pub async fn delete(meta: &LibraryMeta) -> Result<(), String> {
    call("deleteLibrary", std::slice::from_ref(&meta.key))
        .await
        .map(drop)
}

/// How far [`open_as_site`] is in writing a site index: pieces and bytes stored, and the
/// steps of the write stored (`steps` is 0 until the worker has read the library).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SiteWritten {
    pub pieces: u32,
    pub bytes: f64,
    pub step: u32,
    pub steps: u32,
}

/// [`SiteWritten`] while a site index is written (None: not writing), as the component
/// showing the progress keeps it.
pub type SiteWriting = yew::UseStateHandle<Option<SiteWritten>>;

/// Open the library in the site page (`site.html?library=ID`, in this tab), which searches
/// it piece by piece from IndexedDB instead of loading it whole: a big library's memory
/// stays small. Its site index is written first unless it is stored; `writing` follows the
/// pieces stored meanwhile, and is cleared when this fails (on success the page leaves,
/// unless `shown` says the component that asked is gone: the pieces are kept, and the next
/// 分片打开 opens them at once).
pub async fn open_as_site(
    meta: &LibraryMeta,
    writing: &SiteWriting,
    shown: &Cell<bool>,
) -> Result<(), String> {
    writing.set(Some(SiteWritten::default()));
    let opened = open_site_page(meta, writing.clone(), shown).await;
    if opened.is_err() {
        writing.set(None);
    }
    opened
}

async fn open_site_page(
    meta: &LibraryMeta,
    writing: SiteWriting,
    shown: &Cell<bool>,
) -> Result<(), String> {
    let closure = wasm_bindgen::closure::Closure::<dyn Fn(JsValue)>::new(move |p: JsValue| {
        writing.set(Some(SiteWritten {
            pieces: num(&p, "pieces") as u32,
            bytes: num(&p, "bytes"),
            step: num(&p, "step") as u32,
            steps: num(&p, "steps") as u32,
        }))
    });
    let options = Object::new();
    let _ = Reflect::set(&options, &"onProgress".into(), closure.as_ref());
    let url = call("openLibrarySite", &[meta.key.clone(), options.into()]).await;
    drop(closure);
    let url = url?
        .as_string()
        .ok_or("quxian-library.js 没有给出分片索引页的地址")?;
    if !shown.get() {
        return Ok(());
    }
    web_sys::window()
        .ok_or("没有浏览器窗口")?
        .location()
        .assign(&url)
        .map_err(message)
}

/// The progress line of [`open_as_site`]: the library is read and decoded first (seconds
/// for a big one), then its pieces are stored, step by step.
pub fn site_progress_label(written: SiteWritten) -> String {
    let SiteWritten {
        pieces,
        bytes,
        step,
        steps,
    } = written;
    if steps == 0 {
        return "正在建立分片索引：正在读取文档库…".to_string();
    }
    format!(
        "正在建立分片索引：第 {} 步，共 {steps} 步；已保存 {pieces} 个文件，{}…",
        (step + 1).min(steps),
        format_bytes(bytes)
    )
}

/// Download the library as `<name>.qx`.
pub async fn export(meta: &LibraryMeta) -> Result<(), String> {
    call("exportLibrary", std::slice::from_ref(&meta.key))
        .await
        .map(drop)
}

/// The built-in gazetteer and topic texts.
pub async fn default_data() -> Result<(String, String), String> {
    let data = call("defaultData", &[]).await?;
    Ok((
        text(&data, "gazetteer").unwrap_or_default(),
        text(&data, "topics").unwrap_or_default(),
    ))
}

/// Re-annotate a saved library with these data texts (None: built-in); the new bundle.
pub async fn reannotate(
    meta: &LibraryMeta,
    gazetteer: Option<String>,
    topics: Option<String>,
) -> Result<Vec<u8>, String> {
    let options = Object::new();
    let opt = |v: Option<String>| v.map_or(JsValue::UNDEFINED, JsValue::from);
    let _ = Reflect::set(&options, &"gazetteer".into(), &opt(gazetteer));
    let _ = Reflect::set(&options, &"topics".into(), &opt(topics));
    let bytes = call("reannotateLibrary", &[meta.key.clone(), options.into()]).await?;
    Ok(Uint8Array::new(&bytes).to_vec())
}

/// A search of a running import: the `search` function `importFiles` hands to
/// `onSearchable`. It searches the documents indexed so far, and fails once the import ended.
#[derive(Clone, PartialEq)]
pub struct ImportSearch(Function);

/// Documents a search of a running import shows.
const PREVIEW_DOCUMENTS: u32 = 5;

/// What a search of a running import found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PreviewResults {
    /// Documents indexed when the searched snapshot was taken.
    pub searched_documents: u32,
    /// The import grew past what a preview holds: later documents are not searched.
    pub capped: bool,
    /// Documents that match, of those searched.
    pub total_docs: u32,
    /// The best passage of the first matching documents.
    pub hits: Vec<PreviewHit>,
}

/// A document found by a preview: its title and best passage as (text, highlighted) pieces.
#[derive(Clone, Debug, PartialEq)]
pub struct PreviewHit {
    pub title: String,
    pub pieces: Vec<(String, bool)>,
}

impl ImportSearch {
    /// Search the documents indexed so far (errors are messages for the page, in Chinese).
    pub async fn search(&self, query: &str) -> Result<PreviewResults, String> {
        let promise = self
            .0
            .call2(&JsValue::NULL, &query.into(), &PREVIEW_DOCUMENTS.into())
            .map_err(message)?;
        let found = JsFuture::from(Promise::resolve(&promise))
            .await
            .map_err(message)?;
        let hits = Array::from(&get(&found, "hits"))
            .iter()
            .map(|hit| PreviewHit {
                title: text(&hit, "title").unwrap_or_default(),
                pieces: Array::from(&get(&hit, "pieces"))
                    .iter()
                    .map(|piece| {
                        let piece = Array::from(&piece);
                        (
                            piece.get(0).as_string().unwrap_or_default(),
                            piece.get(1).as_bool().unwrap_or(false),
                        )
                    })
                    .collect(),
            })
            .collect();
        Ok(PreviewResults {
            searched_documents: num(&found, "searchedDocuments") as u32,
            capped: get(&found, "capped").as_bool().unwrap_or(false),
            total_docs: num(&found, "totalDocs") as u32,
            hits,
        })
    }
}

/// Index `files` in the worker, reporting progress; `signal` cancels. `on_searchable` gets
/// the search of the documents indexed so far as soon as the import starts.
pub async fn import(
    files: &[web_sys::File],
    on_progress: Rc<dyn Fn(Progress)>,
    on_searchable: Rc<dyn Fn(ImportSearch)>,
    signal: &web_sys::AbortSignal,
) -> Result<ImportResult, ImportError> {
    let list: Array = files.iter().collect();
    let searchable = wasm_bindgen::closure::Closure::<dyn Fn(JsValue)>::new(move |f: JsValue| {
        if let Ok(search) = f.dyn_into::<Function>() {
            on_searchable(ImportSearch(search));
        }
    });
    let closure = wasm_bindgen::closure::Closure::<dyn Fn(JsValue)>::new(move |p: JsValue| {
        on_progress(Progress {
            loading: text(&p, "phase").as_deref() == Some("loading"),
            files_done: num(&p, "filesDone") as u32,
            files_total: num(&p, "filesTotal") as u32,
            bytes_done: num(&p, "bytesDone"),
            bytes_total: num(&p, "bytesTotal"),
            bytes_estimated: get(&p, "bytesEstimated").as_bool().unwrap_or(false),
            eta_ms: get(&p, "etaMs").as_f64(),
            elapsed_ms: num(&p, "elapsedMs"),
        })
    });
    let options = Object::new();
    let _ = Reflect::set(&options, &"onProgress".into(), closure.as_ref());
    let _ = Reflect::set(&options, &"onSearchable".into(), searchable.as_ref());
    let _ = Reflect::set(&options, &"signal".into(), signal);
    let done = call("importFiles", &[list.into(), options.into()]).await;
    drop((closure, searchable));
    // A cancel is known from the signal itself, never from the wording of the rejection.
    let done = done.map_err(|e| match signal.aborted() {
        true => ImportError::Cancelled,
        false => ImportError::Failed(e),
    })?;
    let report = get(&done, "report");
    let label = module()
        .await
        .ok()
        .and_then(|m| get(&m, "reasonLabel").dyn_into::<Function>().ok());
    let skipped = Array::from(&get(&report, "skipped"))
        .iter()
        .map(|s| {
            let reason = get(&s, "reason");
            let kind = text(&reason, "kind").unwrap_or_default();
            let label = label
                .as_ref()
                .and_then(|f| f.call1(&JsValue::NULL, &reason).ok())
                .and_then(|l| l.as_string())
                .unwrap_or_else(|| kind.clone());
            SkippedFile {
                name: text(&s, "name").unwrap_or_default(),
                label,
                kind,
            }
        })
        .collect();
    Ok(ImportResult {
        bundle: get(&done, "bundle"),
        files: num(&report, "files") as u32,
        documents: num(&report, "documents") as u32,
        input_bytes: num(&report, "input_bytes"),
        text_bytes: num(&report, "text_bytes"),
        name: text(&report, "name"),
        report,
        skipped,
    })
}

/// The files under entries taken from a drop (`webkitGetAsEntry`), folders walked.
pub async fn files_from_entries(entries: Array) -> Result<Vec<web_sys::File>, String> {
    let files = call("filesFromEntries", &[entries.into()]).await?;
    Ok(Array::from(&files)
        .iter()
        .filter_map(|f| f.dyn_into::<web_sys::File>().ok())
        .collect())
}

/// Human-readable size: 1.5 MB, 320 KB.
pub fn format_bytes(n: f64) -> String {
    if n >= 1024.0 * 1024.0 {
        format!("{:.1} MB", n / 1024.0 / 1024.0)
    } else if n >= 1024.0 {
        format!("{:.0} KB", n / 1024.0)
    } else {
        format!("{n:.0} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_line_says_the_step_once_the_library_is_read() {
        let reading = SiteWritten::default();
        assert_eq!(
            site_progress_label(reading),
            "正在建立分片索引：正在读取文档库…"
        );
        let writing = SiteWritten {
            pieces: 1200,
            bytes: 3.5 * 1024.0 * 1024.0,
            step: 2,
            steps: 7,
        };
        let label = site_progress_label(writing);
        assert!(
            label.starts_with("正在建立分片索引：第 3 步，共 7 步；已保存 1200 个文件，"),
            "{label}"
        );
        let done = SiteWritten { step: 7, ..writing };
        assert!(site_progress_label(done).contains("第 7 步，共 7 步"));
    }
}
