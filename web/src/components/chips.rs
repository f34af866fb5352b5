//! A passage's districts and topics as small chips.

use quxian_core::PassageId;
use yew::prelude::*;

use crate::state::CorpusHandle;

#[derive(Properties, PartialEq)]
pub struct PassageChipsProps {
    pub passage: PassageId,
}

#[component]
pub fn PassageChips(props: &PassageChipsProps) -> Html {
    let Some(handle) = use_context::<CorpusHandle>() else {
        return crate::dom::nothing();
    };
    let corpus = handle.searcher.corpus();
    let Some(p) = corpus.passage(props.passage) else {
        return crate::dom::nothing();
    };
    if p.districts.is_empty() && p.topics.is_empty() {
        return crate::dom::nothing();
    }
    let district_title = if p.inherited {
        "区县（沿用全文主要区县）"
    } else {
        "区县"
    };
    html! {
        <ul class="qx-chips" aria-label="区县与主题">
            { for p.districts.iter().map(|d| html! {
                <li class={classes!("qx-chip", "qx-chip-district", p.inherited.then_some("qx-chip-inherited"))}
                    title={district_title}>{ corpus.district_name(*d).to_string() }</li>
            }) }
            { for p.topics.iter().map(|t| html! {
                <li class="qx-chip qx-chip-topic" title="主题">{ corpus.topic_name(*t).to_string() }</li>
            }) }
        </ul>
    }
}
