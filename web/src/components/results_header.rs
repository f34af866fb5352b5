//! "共 N 条结果 · X ms": passages, documents and search time, announced to screen readers.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ResultsHeaderProps {
    /// Matching passages.
    pub total: usize,
    /// Documents with a matching passage.
    pub docs: usize,
    /// Documents listed (at most the search limit).
    pub shown: usize,
    /// Search time in ms.
    pub ms: f64,
}

#[component]
pub fn ResultsHeader(props: &ResultsHeaderProps) -> Html {
    let ms = if props.ms < 10.0 {
        format!("{:.1}", props.ms)
    } else {
        format!("{:.0}", props.ms)
    };
    html! {
        <div class="qx-results-header" aria-live="polite" aria-atomic="true" data-testid="results-count">
            <span class="qx-count">{ format!("共 {} 条结果", props.total) }</span>
            <span class="qx-sep" aria-hidden="true">{ "·" }</span>
            <span>{ format!("{} 篇文档", props.docs) }</span>
            <span class="qx-sep" aria-hidden="true">{ "·" }</span>
            <span class="qx-muted" data-testid="search-ms">{ format!("{ms} ms") }</span>
            if props.shown < props.docs {
                <span class="qx-muted">{ format!("（列出前 {} 篇）", props.shown) }</span>
            }
        </div>
    }
}
