//! "N 篇文档 · M 段匹配": the documents listed below and the passages that match in them,
//! announced to screen readers. Documents first, because the list shows documents.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ResultsHeaderProps {
    /// Matching passages.
    pub total: usize,
    /// Documents with a matching passage.
    pub docs: usize,
    /// Documents listed (at most the search limit).
    pub shown: usize,
}

#[component]
pub fn ResultsHeader(props: &ResultsHeaderProps) -> Html {
    html! {
        <div class="qx-results-header" aria-live="polite" aria-atomic="true" data-testid="results-count">
            <span class="qx-count">{ format!("{} 篇文档", props.docs) }</span>
            <span class="qx-sep" aria-hidden="true">{ "·" }</span>
            <span>{ format!("{} 段匹配", props.total) }</span>
            if props.shown < props.docs {
                <span class="qx-muted">{ format!("（列出前 {} 篇）", props.shown) }</span>
            }
        </div>
    }
}
