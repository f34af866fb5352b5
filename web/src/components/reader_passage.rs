//! One passage in the reader: its anchor (`p-N`), text with the query's matches marked,
//! and its chips. Clicking its number makes it the linked passage.

use std::ops::Range;

use quxian_core::{PassageId, Snippet};
use yew::prelude::*;

use crate::components::chips::PassageChips;
use crate::components::marked::marked;

#[derive(Properties, PartialEq)]
pub struct ReaderPassageProps {
    pub passage: PassageId,
    /// Number inside the document (0-based, as in links).
    pub number: u32,
    pub text: AttrValue,
    /// Byte ranges of `text` to mark.
    pub highlights: Vec<Range<usize>>,
    /// This is the linked passage.
    pub current: bool,
    pub on_select: Callback<u32>,
}

#[component]
pub fn ReaderPassage(props: &ReaderPassageProps) -> Html {
    let snippet = Snippet {
        text: props.text.to_string(),
        highlights: props.highlights.clone(),
    };
    let number = props.number;
    let onclick = props.on_select.reform(move |_: MouseEvent| number);
    let class = classes!(
        "qx-passage",
        props.current.then_some("qx-current"),
        (!props.highlights.is_empty()).then_some("qx-has-match"),
    );
    html! {
        <section {class} id={format!("p-{number}")} data-testid="passage" data-passage={number.to_string()}
            aria-current={props.current.then_some("location")}>
            <button type="button" class="qx-para-no" onclick={onclick}
                title="链接到这一段" aria-label={format!("第 {} 段：设为链接位置", number + 1)}>
                { number + 1 }
            </button>
            <div class="qx-passage-body">
                <p class="qx-passage-text">{ marked(&snippet) }</p>
                <PassageChips passage={props.passage} />
            </div>
        </section>
    }
}
