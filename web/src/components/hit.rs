//! One matching passage: its snippet with highlights and its chips, opening the reader at
//! that passage.

use quxian_core::{PassageId, Snippet};
use yew::prelude::*;

use crate::components::chips::PassageChips;
use crate::components::marked::marked;

#[derive(Properties, PartialEq)]
pub struct HitProps {
    pub passage: PassageId,
    /// Passage number inside its document (0-based, as in links).
    pub number: u32,
    pub snippet: Snippet,
    /// Link to the reader at this passage.
    pub href: AttrValue,
    pub on_open: Callback<u32>,
}

#[component]
pub fn HitView(props: &HitProps) -> Html {
    let onclick = {
        let (number, on_open) = (props.number, props.on_open.clone());
        Callback::from(move |e: MouseEvent| {
            // Let modified clicks open a new tab through the href.
            if !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0) {
                e.prevent_default();
                on_open.emit(number);
            }
        })
    };
    html! {
        <div class="qx-hit" data-testid="hit">
            // Named by its snippet, as read aloud: "第 N 段：…".
            <a class="qx-hit-link" href={props.href.clone()} {onclick}>
                <span class="qx-para-no" aria-hidden="true">{ format!("¶{}", props.number + 1) }</span>
                <span class="qx-sr">{ format!("第 {} 段：", props.number + 1) }</span>
                <span class="qx-snippet" data-testid="snippet">{ marked(&props.snippet) }</span>
            </a>
            <PassageChips passage={props.passage} />
        </div>
    }
}
