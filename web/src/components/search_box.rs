//! The search box: results as you type (debounced), Enter to settle the query.
//!
//! The box keeps its own text so typing never waits for a search. It takes the view's
//! query when that changes from outside (back/forward, a link), but not when the change is
//! its own debounced echo, which would otherwise undo keystrokes typed meanwhile.

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Delay between the last keystroke and the search, in ms.
pub const DEBOUNCE_MS: u32 = 120;

#[derive(Properties, PartialEq)]
pub struct SearchBoxProps {
    /// The view's query.
    pub query: AttrValue,
    /// A new query while typing.
    pub on_type: Callback<String>,
    /// A settled query (Enter).
    pub on_submit: Callback<String>,
    /// The input element, for the `/` shortcut.
    pub input_ref: NodeRef,
}

#[component]
pub fn SearchBox(props: &SearchBoxProps) -> Html {
    let text = use_state(|| props.query.to_string());
    let emitted = use_mut_ref(|| props.query.to_string());
    let timer = use_mut_ref(|| None::<Timeout>);

    {
        let (text, emitted) = (text.clone(), emitted.clone());
        use_effect_with(props.query.clone(), move |query| {
            if *emitted.borrow() != query.as_str() {
                *emitted.borrow_mut() = query.to_string();
                text.set(query.to_string());
            }
        });
    }

    let schedule = {
        let (emitted, timer, on_type) = (emitted.clone(), timer.clone(), props.on_type.clone());
        move |value: String| {
            let (emitted, on_type) = (emitted.clone(), on_type.clone());
            *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || {
                *emitted.borrow_mut() = value.clone();
                on_type.emit(value);
            }));
        }
    };

    let oninput = {
        let (text, schedule) = (text.clone(), schedule.clone());
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            text.set(value.clone());
            // While an input method is composing, the text is pinyin, not the query.
            if !e.is_composing() {
                schedule(value);
            }
        })
    };
    // yew has no `oncompositionend` attribute: listen on the element directly.
    {
        let (text, schedule, input_ref) = (text.clone(), schedule.clone(), props.input_ref.clone());
        use_effect_with((), move |_| {
            let listener = input_ref.cast::<HtmlInputElement>().map(|input| {
                let target = input.clone();
                EventListener::new(&input, "compositionend", move |_| {
                    let value = target.value();
                    text.set(value.clone());
                    schedule(value);
                })
            });
            move || drop(listener)
        });
    }
    let onsubmit = {
        let (text, emitted, timer, on_submit) = (
            text.clone(),
            emitted.clone(),
            timer.clone(),
            props.on_submit.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            timer.borrow_mut().take();
            *emitted.borrow_mut() = (*text).clone();
            on_submit.emit((*text).clone());
        })
    };

    html! {
        <form class="qx-search" role="search" aria-label="搜索语料" {onsubmit}>
            <svg class="qx-search-icon" viewBox="0 0 24 24" aria-hidden="true">
                <circle cx="11" cy="11" r="7" /><line x1="16.5" y1="16.5" x2="21" y2="21" />
            </svg>
            <input
                ref={props.input_ref.clone()}
                class="qx-search-input"
                type="search"
                data-testid="search-input"
                aria-label="搜索"
                placeholder="搜索，如：缙云山、科技创新"
                autocomplete="off"
                spellcheck="false"
                value={(*text).clone()}
                {oninput}
            />
            <kbd class="qx-kbd qx-search-hint" aria-hidden="true">{ "/" }</kbd>
        </form>
    }
}
