//! The URL is the source of truth: keep `location.hash` and the app's view in step.
//!
//! - On `hashchange` and `popstate` (a followed link, an edited address, back/forward) the
//!   hash is parsed with `ViewState::parse` and dispatched as `Action::Navigate`.
//! - When the view changes inside the app, the hash is written with the History API, and
//!   only when the hash's view differs from the state's, so the two never chase each other
//!   (writing with `pushState`/`replaceState` fires no `hashchange` either).
//! - A hash with parameters the view dropped (a bad `sort`, an unknown name: each one a
//!   notice) is replaced by the view's own, so the address bar never keeps them.
//! - Keystrokes are grouped: the first one of a burst pushes a history entry and the rest
//!   replace it until the query has been still for [`SETTLE_MS`]. Back then skips straight
//!   from "缙云山" to the view before it, not through "缙", "缙云".
//!
//! An embed ([`UrlState::None`]) leaves the address alone: the hook then does nothing, and
//! the view lives in the app's state only.

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::EventListener;
use quxian_core::ViewState;
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::dom;
use crate::host::{HostRef, UrlState};
use crate::state::{Action, AppState, HistoryWrite};

/// Quiet time after which the next keystroke starts a new history entry, in ms.
pub const SETTLE_MS: f64 = 1000.0;

/// Wire `state` to the location hash. Call once, from the root component.
#[hook]
pub fn use_hash_route(state: &UseReducerHandle<AppState>, host: &HostRef) {
    let enabled = host.url_state == UrlState::Hash;
    // URL → state.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let on_change = move |_: &Event| {
                let (view, notices) = ViewState::parse(&dom::location_hash());
                dispatcher.dispatch(Action::Navigate(view, notices));
            };
            let window = web_sys::window().filter(|_| enabled);
            let listeners = window.map(|w| {
                let on_change = Rc::new(on_change);
                let a = Rc::clone(&on_change);
                [
                    EventListener::new(&w, "hashchange", move |e| a(e)),
                    EventListener::new(&w, "popstate", move |e| on_change(e)),
                ]
            });
            move || drop(listeners)
        });
    }

    // State → URL.
    let last_typing = use_mut_ref(|| Cell::new(f64::NEG_INFINITY));
    let write = state.write;
    use_effect_with(state.view.clone(), move |view| {
        let current = dom::location_hash();
        let (shown, notices) = ViewState::parse(&current);
        if enabled && shown == *view && !notices.is_empty() {
            // The address has parameters the view dropped (each with its notice): show the
            // view's own link, so that a link copied from the address bar is clean.
            write_hash(&view.to_hash(), false);
        } else if enabled && write != HistoryWrite::None && shown != *view {
            let now = dom::now_ms();
            let push = match write {
                HistoryWrite::Push => true,
                HistoryWrite::Typing => now - last_typing.borrow().get() > SETTLE_MS,
                HistoryWrite::Replace | HistoryWrite::None => false,
            };
            if write == HistoryWrite::Typing {
                last_typing.borrow().set(now);
            } else {
                last_typing.borrow().set(f64::NEG_INFINITY);
            }
            write_hash(&view.to_hash(), push);
        }
    });
}

/// Set the hash without firing `hashchange`; failures (a sandboxed frame) are ignored.
fn write_hash(hash: &str, push: bool) {
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return;
    };
    let _ = if push {
        history.push_state_with_url(&JsValue::NULL, "", Some(hash))
    } else {
        history.replace_state_with_url(&JsValue::NULL, "", Some(hash))
    };
}
