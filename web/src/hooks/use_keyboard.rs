//! Keyboard shortcuts for the whole page:
//!
//! | key            | where                               | does                         |
//! |----------------|-------------------------------------|------------------------------|
//! | `/`            | anywhere but a text field           | focus the search box         |
//! | `↓` / `↑`      | results, from the page or search box | move the focus through hits  |
//! | `Enter`        | results, a hit focused              | open it                      |
//! | `Esc`          | reader / results                    | back to results / drop focus |
//!
//! Keys pressed on buttons and links keep their own meaning. The full page listens on the
//! document; an embed only on its own root, so with several explorers on a page the keys
//! go to the one holding the focus (`quxian-embed.js` sends a `/` typed elsewhere to the
//! first explorer).

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::dom;
use crate::host::{HostRef, UrlState};
use crate::state::{Action, AppState};

/// What the keys can act on in the current render.
#[derive(Clone, PartialEq)]
pub struct KeyTargets {
    /// A document is open.
    pub reader_open: bool,
    /// Number of result groups listed.
    pub groups: usize,
    /// The focused group's document key and passage, if a group has the focus.
    pub focused: Option<(String, u32)>,
    /// A hit has the focus.
    pub has_focus: bool,
}

/// Install the shortcuts; `search` is the search box.
#[hook]
pub fn use_keyboard(
    host: HostRef,
    dispatcher: UseReducerDispatcher<AppState>,
    search: NodeRef,
    targets: KeyTargets,
) {
    use_effect_with(targets, move |targets| {
        let targets = targets.clone();
        let target: Option<web_sys::EventTarget> = match host.url_state {
            UrlState::Hash => web_sys::window().and_then(|w| w.document()).map(Into::into),
            UrlState::None => Some(host.root.clone().into()),
        };
        let listener = target.map(|target| {
            let options = EventListenerOptions::enable_prevent_default();
            EventListener::new_with_options(&target, "keydown", options, move |event| {
                let Some(key_event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if key_event.ctrl_key()
                    || key_event.meta_key()
                    || key_event.alt_key()
                    || key_event.is_composing()
                {
                    return;
                }
                let in_search = search
                    .get()
                    .zip(event.target())
                    .is_some_and(|(input, target)| JsValue::from(input) == JsValue::from(target));
                let on_page = !dom::in_text_field(event) && !on_control(event);
                let act = |a: Action| {
                    event.prevent_default();
                    dispatcher.dispatch(a);
                };
                match key_event.key().as_str() {
                    "/" if !dom::in_text_field(event) => {
                        event.prevent_default();
                        if let Some(input) = search.cast::<web_sys::Element>() {
                            dom::focus(&input);
                        }
                    }
                    "ArrowDown" | "ArrowUp"
                        if !targets.reader_open && (!dom::in_text_field(event) || in_search) =>
                    {
                        let delta = if key_event.key() == "ArrowDown" {
                            1
                        } else {
                            -1
                        };
                        if targets.groups > 0 {
                            act(Action::MoveFocus(delta, targets.groups));
                        }
                    }
                    "Enter" if !targets.reader_open && (on_page || in_search) => {
                        if let Some((key, p)) = &targets.focused {
                            act(Action::OpenDoc(key.clone(), Some(*p)));
                        }
                    }
                    "Escape" if targets.reader_open => act(Action::CloseDoc),
                    "Escape" if targets.has_focus => act(Action::ClearFocus),
                    _ => {}
                }
            })
        });
        move || drop(listener)
    });
}

/// True when the key went to a button, link or other control with its own Enter/arrows.
fn on_control(event: &Event) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            let tag = el.tag_name().to_ascii_lowercase();
            matches!(tag.as_str(), "button" | "a" | "select" | "summary")
                || el.get_attribute("role").is_some_and(|r| r == "button")
        })
}
