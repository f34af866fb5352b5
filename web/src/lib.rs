//! The quxian explorer: a yew app over `quxian-core`, started by the exported [`mount`].
//!
//! `host` says where an instance runs and how it keeps its view (in `location.hash` for
//! the full page, in component state for an embed); `app` wires the pieces: `state` (the
//! one reducer), `hooks` (URL, loading, keyboard), `derive` (search results and
//! statistics, memoized), `pages` (results, reader, overview) and `components` (one widget
//! per file). Nothing is global, so any number of explorers can run on one page.
//!
//! ```js
//! import init, { mount } from "./pkg/quxian_web.js";
//! await init();
//! mount(document.getElementById("app"), { urlState: "hash" });
//! ```

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod app;
mod components;
mod derive;
mod dom;
mod export;
mod hooks;
mod host;
mod library;
mod pages;
mod state;
mod suggest;
#[cfg(test)]
mod testutil;
mod tilemap;
mod timeline;

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::app::{App, AppProps};
use crate::host::Host;

/// A running explorer; `destroy()` removes it from its element.
#[wasm_bindgen]
pub struct MountedExplorer {
    handle: Option<yew::AppHandle<App>>,
}

#[wasm_bindgen]
impl MountedExplorer {
    /// Unmount the app and drop its listeners. Calling it twice does nothing.
    pub fn destroy(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
    }
}

/// Start an explorer inside `element`.
///
/// `options` (every field optional):
/// - `urlState`: `"hash"` keeps the view in `location.hash` (the full page, one per page);
///   `"none"` (default) keeps it in the app, for embeds, several per page.
/// - `src`: the bundle URL, relative to the page; default `corpus.qx`, or in `"hash"` mode
///   the page's `?corpus=NAME.qx` parameter.
/// - `bundleBytes`: a `Uint8Array` (or an `ArrayBuffer`) holding the bundle, used instead
///   of fetching `src`.
/// - `query`, `district`, `topic`: the initial view (strings, or arrays of names; a string
///   may list several names separated by commas or spaces). In `"hash"` mode a non-empty
///   hash wins.
/// - `loadLibrary`: a function returning a promise of the `quxian-library.js` module
///   (`() => import('./quxian-library.js')`); without it the page has no saved libraries
///   and no import.
/// - `theme`: `"light"` or `"dark"` to fix the theme (a host page with one of its own);
///   default: the system's.
/// - `appUrl`: where links made by 复制链接 in `"none"` mode point (the hash is appended);
///   default: `index.html` next to the bundle, with `?corpus=NAME.qx` when the bundle is
///   not `corpus.qx`.
///
/// Every view change fires a `quxian-viewchange` event (bubbling, composed, so it reaches
/// the shadow host) with `detail = {query, districts, topics, doc, passage, hash}`.
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, options: JsValue) -> MountedExplorer {
    if let Ok(load) = js_sys::Reflect::get(&options, &"loadLibrary".into())
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        library::set_loader(load);
    }
    // The page's loading message (index.html) goes: the app takes the element over.
    element.set_inner_html("");
    let host = Rc::new(Host::new(element.clone(), &options));
    let handle =
        yew::Renderer::<App>::with_root_and_props(element, AppProps { host: host.into() }).render();
    MountedExplorer {
        handle: Some(handle),
    }
}
