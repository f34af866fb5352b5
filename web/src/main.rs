//! The quxian explorer: a yew app over `quxian-core`, mounted into `#app`.
//!
//! `app` wires the pieces: `state` (the one reducer), `hooks` (URL, loading, keyboard),
//! `derive` (search results and statistics, memoized), `pages` (results, reader,
//! overview) and `components` (one widget per file).

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod app;
mod components;
mod derive;
mod dom;
mod hooks;
mod pages;
mod state;

fn main() {
    let host = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match host {
        Some(host) => {
            yew::Renderer::<app::App>::with_root(host).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
