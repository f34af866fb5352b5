//! Get the bundle (fetched from the host's URL or the page's `?corpus=` parameter, or
//! bytes handed over by the host page), decode it and build the index, reporting progress
//! and failures as actions. A failure always ends in a message on the page.
//!
//! A link naming a corpus that is not there (`?corpus=old.qx` answering 404) opens the
//! default `corpus.qx` instead, with a notice saying so: the nearest valid view.
//!
//! The view's `lib=ID` picks one of the user's own libraries instead (see `library.rs`):
//! its bundle comes from IndexedDB through the same decoding path. Whenever the view's
//! library differs from the loaded one, that library is loaded; a library this browser
//! does not have becomes `Action::LibraryMissing` (a notice, and the built-in corpus). A
//! load overtaken by a newer one is dropped.

use std::rc::Rc;

use js_sys::Uint8Array;
use quxian_core::{Error, Searcher, SearcherLoader, LOAD_SLICE_MS};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::dom;
use crate::host::{BundleSource, HostRef};
use crate::library;
use crate::state::{Action, AppState};

/// The bundle every site has.
const DEFAULT_BUNDLE: &str = "corpus.qx";

/// Load the corpus the view asks for: at mount, and whenever the view's library changes.
#[hook]
pub fn use_corpus_loader(state: &UseReducerHandle<AppState>, host: &HostRef) {
    let dispatcher = state.dispatcher();
    let host = host.clone();
    let loaded = state.corpus().map(|h| h.library.clone());
    let latest = use_mut_ref(|| 0u32);
    use_effect_with(state.view.library.clone(), move |wanted| {
        if loaded.as_ref() == Some(wanted) {
            return;
        }
        let ticket = {
            let mut latest = latest.borrow_mut();
            *latest += 1;
            *latest
        };
        if loaded.is_some() {
            dispatcher.dispatch(Action::Loading);
        }
        let wanted = wanted.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let action = match &wanted {
                None => match load(&dispatcher, &host).await {
                    Ok(searcher) => Action::Loaded(Rc::new(searcher), None),
                    Err(message) => Action::LoadFailed(format!("语料加载失败：{message}")),
                },
                Some(id) => load_library(&dispatcher, &host, id).await,
            };
            if *latest.borrow() == ticket {
                dispatcher.dispatch(action);
            }
        });
    });
}

/// One of the user's libraries, or the reason it cannot be opened.
async fn load_library(
    dispatcher: &UseReducerDispatcher<AppState>,
    host: &HostRef,
    id: &str,
) -> Action {
    if !host.libraries() {
        return Action::LibraryMissing(id.to_string());
    }
    let meta = match library::find(id).await {
        Ok(Some(meta)) => meta,
        Ok(None) => return Action::LibraryMissing(id.to_string()),
        Err(message) => {
            dispatcher.dispatch(Action::LinkNotice(message));
            return Action::LibraryMissing(id.to_string());
        }
    };
    let name = format!("文档库“{}”", meta.name);
    let bytes = match library::load(&meta).await {
        Ok(bytes) => bytes,
        Err(message) => return Action::LoadFailed(format!("{name}加载失败：{message}")),
    };
    dispatcher.dispatch(Action::Indexing);
    gloo_timers::future::TimeoutFuture::new(0).await;
    match searcher_from(&name, &bytes).await {
        Ok(searcher) => Action::Loaded(Rc::new(searcher), Some(id.to_string())),
        Err(message) => Action::LoadFailed(format!("{name}加载失败：{message}")),
    }
}

/// Decode a bundle and index it, yielding to the browser every [`LOAD_SLICE_MS`] (a 28 MB
/// bundle used to take one task of ~2 s); errors say what is wrong with `name`.
pub async fn searcher_from(name: &str, bytes: &[u8]) -> Result<Searcher, String> {
    let failed = |e: Error| describe(name, &e);
    let mut loader = SearcherLoader::new(bytes).map_err(failed)?;
    loop {
        let until = dom::now_ms() + LOAD_SLICE_MS;
        if let Some(searcher) = loader.run_while(|| dom::now_ms() < until).map_err(failed)? {
            return Ok(searcher);
        }
        dom::yield_to_browser().await;
    }
}

async fn load(
    dispatcher: &UseReducerDispatcher<AppState>,
    host: &HostRef,
) -> Result<Searcher, String> {
    let (name, bytes) = match &host.source {
        BundleSource::Bytes(bytes) => ("内嵌语料".to_string(), bytes.to_vec()),
        BundleSource::Url(url) => (url.clone(), fetch_bytes(url).await.map_err(|f| f.message)?),
        BundleSource::PageParam => {
            // A link whose corpus cannot be opened opens the default one, with a notice
            // (refreshing the same link could never help).
            let name = dom::bundle_name().unwrap_or_else(|why| {
                dispatcher.dispatch(Action::LinkNotice(format!(
                    "{why}；已改为打开默认语料 {DEFAULT_BUNDLE}"
                )));
                DEFAULT_BUNDLE.to_string()
            });
            match fetch_bytes(&name).await {
                Ok(bytes) => (name, bytes),
                Err(f) if f.status == Some(404) && name != DEFAULT_BUNDLE => {
                    dispatcher.dispatch(Action::LinkNotice(format!(
                        "链接中的语料“{name}”不存在，已改为打开默认语料 {DEFAULT_BUNDLE}"
                    )));
                    let bytes = fetch_bytes(DEFAULT_BUNDLE).await.map_err(|f| f.message)?;
                    (DEFAULT_BUNDLE.to_string(), bytes)
                }
                Err(f) => return Err(f.message),
            }
        }
    };
    dispatcher.dispatch(Action::Indexing);
    // Let the browser paint the "indexing" status before the CPU-bound part.
    gloo_timers::future::TimeoutFuture::new(0).await;
    searcher_from(&name, &bytes).await
}

/// Why a fetch failed: a message for the page, and the HTTP status if there was one.
struct FetchFailure {
    message: String,
    status: Option<u16>,
}

impl From<String> for FetchFailure {
    fn from(message: String) -> Self {
        FetchFailure {
            message,
            status: None,
        }
    }
}

impl From<&str> for FetchFailure {
    fn from(message: &str) -> Self {
        message.to_string().into()
    }
}

async fn fetch_bytes(name: &str) -> Result<Vec<u8>, FetchFailure> {
    let window = web_sys::window().ok_or("页面没有 window 对象")?;
    let unreachable = |e: wasm_bindgen::JsValue| {
        let why = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        format!("无法获取 {name}（{why}）")
    };
    let response = JsFuture::from(window.fetch_with_str(name))
        .await
        .map_err(unreachable)?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| "fetch 返回了非 Response 对象")?;
    if !response.ok() {
        return Err(FetchFailure {
            message: format!("{name} 返回 HTTP {}", response.status()),
            status: Some(response.status()),
        });
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(unreachable)?)
        .await
        .map_err(unreachable)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// The core's error about bundle `name` for the page, with what to do.
fn describe(name: &str, error: &Error) -> String {
    format!(
        "{name} {}：请重新下载，或用同一版本的 quxian 重新构建",
        error.zh()
    )
}
