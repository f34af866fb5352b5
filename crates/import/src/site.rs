//! A stored library written as a site index (the layout of `quxian build --site`), so that
//! the browser searches a big library piece by piece (`SiteExplorer` over IndexedDB)
//! instead of holding the whole library and its index in memory.

use std::cell::RefCell;

use js_sys::{Function, Uint8Array};
use quxian_core::{Corpus, SiteProgress, SiteSummary};
use serde::Serialize;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The page's `emit` while [`write_site`] runs: core calls its `emit` from a `Sync`
    /// closure (threads natively), which cannot hold a JS function; a browser build is one
    /// thread, so the closure finds it here.
    static EMIT: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// What `writeSite` wrote.
#[derive(Serialize)]
struct WrittenSite {
    /// Pieces, the meta included.
    pieces: usize,
    /// Their bytes.
    bytes: f64,
    /// The build id in the pieces' names (hex): the same library gives the same names.
    build: String,
}

/// Write the site index of a library's `bundle`: `emit(name, bytes)` (a `Uint8Array` the
/// function may keep or transfer) is called once per piece, the meta (`site.qxs`) last,
/// and `progress(done, steps)`, if given, at the start and after each step of the write
/// (see core's `SiteProgress`). Returns `{ pieces, bytes, build }`.
#[wasm_bindgen(js_name = writeSite)]
pub fn write_site(
    bundle: Vec<u8>,
    emit: Function,
    progress: Option<Function>,
) -> Result<JsValue, JsError> {
    let corpus = Corpus::from_bundle(&bundle).map_err(|e| JsError::new(&e.zh()))?;
    // Its memory goes to the postings (wasm memory never shrinks: this lowers the peak).
    drop(bundle);
    EMIT.with(|cell| *cell.borrow_mut() = Some(emit));
    let report = |p: SiteProgress| {
        if let Some(progress) = &progress {
            // A failing progress callback only loses a progress line.
            let _ = progress.call2(&JsValue::NULL, &p.done.into(), &p.steps.into());
        }
    };
    let written = quxian_core::write_site_with_progress(&corpus, emit_to_page, report);
    EMIT.with(|cell| *cell.borrow_mut() = None);
    let summary: SiteSummary =
        written.map_err(|e| JsError::new(&format!("无法保存分片索引：{e}")))?;
    crate::to_js(&WrittenSite {
        pieces: summary.pieces,
        bytes: summary.bytes as f64,
        build: format!("{:016x}", summary.build),
    })
}

/// Hand one piece to the page's `emit`; its exception fails the write.
fn emit_to_page(name: &str, bytes: &[u8]) -> std::io::Result<()> {
    EMIT.with(|cell| {
        let cell = cell.borrow();
        let emit = cell
            .as_ref()
            .ok_or_else(|| std::io::Error::other("页面没有给出接收分片的函数"))?;
        emit.call2(&JsValue::NULL, &name.into(), &Uint8Array::from(bytes))
            .map(drop)
            .map_err(|e| {
                let message = e.as_string().or_else(|| {
                    js_sys::Reflect::get(&e, &"message".into())
                        .ok()?
                        .as_string()
                });
                std::io::Error::other(message.unwrap_or_else(|| "页面没有收下这个文件".into()))
            })
    })
}
