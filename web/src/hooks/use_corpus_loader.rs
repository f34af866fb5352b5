//! Get the bundle (fetched from the host's URL or the page's `?corpus=` parameter, or
//! bytes handed over by the host page), decode it and build the index, reporting progress
//! and failures as actions. A failure always ends in a message on the page.
//!
//! A link naming a corpus that is not there (`?corpus=old.qx` answering 404) opens the
//! default `corpus.qx` instead, with a notice saying so: the nearest valid view.

use std::rc::Rc;

use js_sys::Uint8Array;
use quxian_core::{Corpus, Error, Searcher};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::dom;
use crate::host::{BundleSource, HostRef};
use crate::state::{Action, AppState};

/// The bundle every site has.
const DEFAULT_BUNDLE: &str = "corpus.qx";

/// Start loading once, when the app mounts.
#[hook]
pub fn use_corpus_loader(state: &UseReducerHandle<AppState>, host: &HostRef) {
    let dispatcher = state.dispatcher();
    let host = host.clone();
    use_effect_with((), move |_| {
        wasm_bindgen_futures::spawn_local(async move {
            let action = match load(&dispatcher, &host).await {
                Ok(searcher) => Action::Loaded(Rc::new(searcher)),
                Err(message) => Action::LoadFailed(format!("语料加载失败：{message}")),
            };
            dispatcher.dispatch(action);
        });
    });
}

async fn load(
    dispatcher: &UseReducerDispatcher<AppState>,
    host: &HostRef,
) -> Result<Searcher, String> {
    let (name, bytes) = match &host.source {
        BundleSource::Bytes(bytes) => ("内嵌语料".to_string(), bytes.to_vec()),
        BundleSource::Url(url) => (url.clone(), fetch_bytes(url).await.map_err(|f| f.message)?),
        BundleSource::PageParam => {
            let name = dom::bundle_name()?;
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
    let corpus = Corpus::from_bundle(&bytes).map_err(|e| describe(&name, &e))?;
    Ok(Searcher::new(corpus))
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

/// The core's error in words for the page.
fn describe(name: &str, error: &Error) -> String {
    match error {
        Error::NotABundle => format!("{name} 不是 quxian 语料文件（文件头不符）"),
        Error::UnsupportedVersion { found, supported } => format!(
            "{name} 的格式版本为 {found}，本页面只能读取版本 {supported}，请用同一版本的 quxian 重新构建"
        ),
        Error::ChecksumMismatch => format!("{name} 的校验和不符：文件不完整或已损坏"),
        Error::Corrupt { section, detail } => format!("{name} 已损坏（{section}：{detail}）"),
        other => format!("{name} 无法读取（{other}）"),
    }
}
