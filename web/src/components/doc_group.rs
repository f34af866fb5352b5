//! One document in the results: title, date and source, its best passages and a toggle
//! for the rest ("还有 N 段").

use quxian_core::{DocGroup, ViewState};
use yew::prelude::*;

use crate::components::hit::HitView;
use crate::derive::{Found, Shared};
use crate::host::HostRef;
use crate::state::CorpusHandle;

/// Passages shown before "还有 N 段".
const SHOWN: usize = 2;

#[derive(Properties, PartialEq)]
pub struct DocGroupProps {
    pub found: Shared<Found>,
    /// Position in `found.results.groups`.
    pub index: usize,
    pub focused: bool,
    /// The current view; links add the document and passage to it.
    pub base: ViewState,
    /// Open (document key, passage number).
    pub on_open: Callback<(String, u32)>,
}

#[component]
pub fn DocGroupView(props: &DocGroupProps) -> Html {
    let expanded = use_state(|| false);
    let host = use_context::<HostRef>();
    let Some(handle) = use_context::<CorpusHandle>() else {
        return crate::dom::nothing();
    };
    let corpus = handle.searcher.corpus();
    let Some(group): Option<&DocGroup> = props.found.results.groups.get(props.index) else {
        return crate::dom::nothing();
    };
    let Some(doc) = corpus.doc(group.doc) else {
        return crate::dom::nothing();
    };

    let number = |p: u32| p.saturating_sub(doc.passages.start);
    let href = |n: u32| {
        let view = ViewState {
            doc: Some(doc.key.clone()),
            passage: Some(n),
            ..props.base.clone()
        };
        host.as_ref()
            .map_or_else(|| view.to_hash(), |h| h.href(&view))
    };
    let on_open = {
        let (key, on_open) = (doc.key.clone(), props.on_open.clone());
        Callback::from(move |n: u32| on_open.emit((key.clone(), n)))
    };
    let best = group.hits.first().map_or(0, |h| number(h.passage.0));
    let on_title = {
        let on_open = on_open.clone();
        Callback::from(move |e: MouseEvent| {
            if !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0) {
                e.prevent_default();
                on_open.emit(best);
            }
        })
    };
    let shown = if *expanded {
        group.hits.len()
    } else {
        group.first_shown(SHOWN)
    };
    let rest = group.hits.len() - shown;
    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |_| expanded.set(!*expanded))
    };
    let meta: Vec<&str> = [doc.date.as_deref(), doc.source.as_deref()]
        .into_iter()
        .flatten()
        .collect();

    html! {
        <li class={classes!("qx-group", props.focused.then_some("qx-focused"))} id={format!("qx-g-{}", props.index)}
            data-testid="doc-group" data-doc={doc.key.clone()} aria-current={props.focused.then_some("true")}>
            <h3 class="qx-group-title">
                <a href={href(best)} onclick={on_title} data-testid="doc-title">{ doc.title.clone() }</a>
            </h3>
            <div class="qx-group-meta">
                { for meta.iter().map(|m| html! { <span>{ m.to_string() }</span> }) }
                <span>{ format!("{} 段匹配", group.hits.len()) }</span>
            </div>
            { for group.hits.iter().take(shown).map(|hit| {
                let n = number(hit.passage.0);
                html! {
                    <HitView key={hit.passage.0} passage={hit.passage} number={n} snippet={hit.snippet.clone()}
                        href={AttrValue::from(href(n))} on_open={on_open.clone()} />
                }
            }) }
            if group.hits.len() > group.first_shown(SHOWN) {
                <button type="button" class="qx-button qx-button-quiet qx-more" aria-expanded={expanded.to_string()}
                    data-testid="more-passages" onclick={toggle}>
                    { if *expanded { "收起".to_string() } else { format!("还有 {rest} 段") } }
                </button>
            }
        </li>
    }
}
