//! A library deleted in another tab while this tab shows it: when the tab is shown again
//! (or gets the focus), the open library is looked up; if it is gone, the app says so and
//! opens the built-in corpus, instead of searching a library that no longer exists.

use gloo_events::EventListener;
use yew::prelude::*;

use crate::library;
use crate::state::{Action, AppState};

/// Watch the open library (`current`; None: the built-in corpus, nothing to watch).
#[hook]
pub fn use_library_watch(current: Option<String>, dispatcher: UseReducerDispatcher<AppState>) {
    use_effect_with(current, move |current| {
        let listeners = current.clone().and_then(|id| {
            let window = web_sys::window()?;
            let check = move |_: &web_sys::Event| {
                let (id, dispatcher) = (id.clone(), dispatcher.clone());
                let hidden = web_sys::window()
                    .and_then(|w| w.document())
                    .is_some_and(|d| d.hidden());
                if hidden {
                    return;
                }
                wasm_bindgen_futures::spawn_local(async move {
                    // A list that cannot be read says nothing about the library.
                    if let Ok(None) = library::find(&id).await {
                        dispatcher.dispatch(Action::LibraryGone(id));
                    }
                });
            };
            let document = window.document()?;
            Some([
                EventListener::new(&document, "visibilitychange", check.clone()),
                EventListener::new(&window, "focus", check),
            ])
        });
        move || drop(listeners)
    });
}
