//! Fetch the bundle next to the page, decode it and build the index, reporting progress
//! and failures as actions. A failure always ends in a message on the page.

use std::rc::Rc;

use js_sys::Uint8Array;
use quxian_core::{Corpus, Error, Searcher};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::dom;
use crate::state::{Action, AppState};

/// Start loading once, when the app mounts.
#[hook]
pub fn use_corpus_loader(state: &UseReducerHandle<AppState>) {
    let dispatcher = state.dispatcher();
    use_effect_with((), move |_| {
        wasm_bindgen_futures::spawn_local(async move {
            let action = match load(&dispatcher).await {
                Ok(searcher) => Action::Loaded(Rc::new(searcher)),
                Err(message) => Action::LoadFailed(format!("语料加载失败：{message}")),
            };
            dispatcher.dispatch(action);
        });
    });
}

async fn load(dispatcher: &UseReducerDispatcher<AppState>) -> Result<Searcher, String> {
    let name = dom::bundle_name()?;
    let bytes = fetch_bytes(&name).await?;
    dispatcher.dispatch(Action::Indexing);
    // Let the browser paint the "indexing" status before the CPU-bound part.
    gloo_timers::future::TimeoutFuture::new(0).await;
    let corpus = Corpus::from_bundle(&bytes).map_err(|e| describe(&name, &e))?;
    Ok(Searcher::new(corpus))
}

async fn fetch_bytes(name: &str) -> Result<Vec<u8>, String> {
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
        return Err(format!("{name} 返回 HTTP {}", response.status()));
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
