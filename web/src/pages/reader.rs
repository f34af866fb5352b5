//! The reader: a whole document, one element per passage with the query's matches marked,
//! previous/next match buttons, and the linked passage scrolled into view.

use quxian_core::{PassageId, Snippet};
use yew::prelude::*;

use crate::components::{marked, ReaderPassage};
use crate::derive::{Found, Shared};
use crate::host::HostRef;
use crate::state::{Action, AppState, CorpusHandle};

#[derive(Properties, PartialEq)]
pub struct ReaderProps {
    pub doc_key: AttrValue,
    pub passage: Option<u32>,
    /// The current search, for its query.
    pub found: Shared<Found>,
    pub dispatcher: UseReducerDispatcher<AppState>,
}

#[component]
pub fn Reader(props: &ReaderProps) -> Html {
    {
        let host = use_context::<HostRef>();
        use_effect_with(
            (props.doc_key.clone(), props.passage),
            move |(_, passage)| {
                let Some(host) = host else { return };
                match passage.and_then(|p| host.element_by_id(&format!("p-{p}"))) {
                    Some(el) => host.scroll_into_view(&el, true),
                    None => host.scroll_to_top(),
                }
            },
        );
    }
    let Some(handle) = use_context::<CorpusHandle>() else {
        return crate::dom::nothing();
    };
    let searcher = &handle.searcher;
    let corpus = searcher.corpus();
    let Some(doc) = corpus
        .doc_by_key(&props.doc_key)
        .and_then(|id| corpus.doc(id))
    else {
        return html! { <p class="qx-empty">{ "找不到这篇文档。" }</p> };
    };
    let query = &props.found.query;
    let passages: Vec<(PassageId, u32, &str, Vec<std::ops::Range<usize>>)> = doc
        .passages
        .clone()
        .map(|id| {
            let text = corpus.passage_text(PassageId(id));
            (
                PassageId(id),
                id - doc.passages.start,
                text,
                searcher.highlights(text, query),
            )
        })
        .collect();
    let matches: Vec<u32> = passages
        .iter()
        .filter(|p| !p.3.is_empty())
        .map(|p| p.1)
        .collect();
    let current = props.passage;
    let next = matches
        .iter()
        .copied()
        .find(|m| current.is_none_or(|c| *m > c));
    let prev = current.and_then(|c| matches.iter().copied().rfind(|m| *m < c));
    let position = current.and_then(|c| matches.iter().position(|m| *m == c));

    let d = props.dispatcher.clone();
    let on_select = Callback::from(move |p: u32| d.dispatch(Action::SelectPassage(p)));
    let go = |target: Option<u32>| on_select.reform(move |_: MouseEvent| target.unwrap_or(0));
    let d = props.dispatcher.clone();
    let on_back = Callback::from(move |_| d.dispatch(Action::CloseDoc));
    let title = Snippet {
        text: doc.title.clone(),
        highlights: searcher.highlights(&doc.title, query),
    };
    let url = doc
        .url
        .as_deref()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));

    html! {
        <article class="qx-reader" data-testid="reader" aria-labelledby="qx-reader-title">
            <div class="qx-reader-bar">
                <button type="button" class="qx-button" data-testid="back-to-results" onclick={on_back}>
                    <span aria-hidden="true">{ "← " }</span>{ "返回结果" }
                </button>
                if !matches.is_empty() {
                    <div class="qx-match-nav" role="group" aria-label="在匹配段落间跳转">
                        <span class="qx-muted" data-testid="match-position">{ match position {
                            Some(i) => format!("第 {} / {} 处匹配", i + 1, matches.len()),
                            None => format!("{} 段匹配", matches.len()),
                        } }</span>
                        <button type="button" class="qx-button" data-testid="prev-match" disabled={prev.is_none()}
                            onclick={go(prev)} aria-label="上一处匹配">{ "↑ 上一处" }</button>
                        <button type="button" class="qx-button" data-testid="next-match" disabled={next.is_none()}
                            onclick={go(next)} aria-label="下一处匹配">{ "↓ 下一处" }</button>
                    </div>
                }
            </div>
            <header class="qx-reader-head">
                <h1 id="qx-reader-title" data-testid="reader-title" tabindex="-1">{ marked(&title) }</h1>
                <div class="qx-group-meta">
                    { for [doc.date.as_deref(), doc.source.as_deref()].into_iter().flatten().map(|m| html! { <span>{ m.to_string() }</span> }) }
                    <span>{ format!("{} 段 · {} 字", passages.len(), doc.text.chars().count()) }</span>
                    if let Some(url) = url {
                        <a href={url.to_string()} target="_blank" rel="noopener noreferrer">{ "原文" }</a>
                    }
                </div>
            </header>
            <div class="qx-reader-text">
                { for passages.iter().map(|(id, n, text, hl)| html! {
                    <ReaderPassage key={id.0} passage={*id} number={*n} text={AttrValue::from(text.to_string())}
                        highlights={hl.clone()} current={current == Some(*n)} on_select={on_select.clone()} />
                }) }
            </div>
        </article>
    }
}
