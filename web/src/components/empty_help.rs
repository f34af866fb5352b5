//! The results screen when nothing is found: nearby views that do find passages, as
//! buttons with their counts (see `suggest`), or general advice when there are none.

use yew::prelude::*;

use crate::state::{Action, AppState, CorpusHandle};
use crate::suggest::{suggestions, Suggestion};

#[derive(Properties, PartialEq)]
pub struct EmptyHelpProps {
    /// The view that found nothing.
    pub view: quxian_core::ViewState,
    pub dispatcher: UseReducerDispatcher<AppState>,
}

/// What choosing `suggestion` does.
fn action(suggestion: &Suggestion) -> Action {
    match suggestion {
        Suggestion::DropDates(_) => Action::SetDates(Default::default()),
        Suggestion::DropDistrict(id, _) => Action::ToggleDistrict(*id),
        Suggestion::DropTopic(id, _) => Action::ToggleTopic(*id),
        Suggestion::Query(query, _) => Action::SubmitQuery(query.clone()),
    }
}

#[component]
pub fn EmptyHelp(props: &EmptyHelpProps) -> Html {
    let Some(handle) = use_context::<CorpusHandle>() else {
        return crate::dom::nothing();
    };
    let corpus = handle.searcher.corpus();
    let found = suggestions(&handle.searcher, &props.view);
    let button = |suggestion: &Suggestion| {
        let (label, count) = match suggestion {
            Suggestion::DropDates(n) => ("去掉时间筛选".to_string(), *n),
            Suggestion::DropDistrict(id, n) => {
                (format!("去掉区县「{}」", corpus.district_name(*id)), *n)
            }
            Suggestion::DropTopic(id, n) => (format!("去掉主题「{}」", corpus.topic_name(*id)), *n),
            Suggestion::Query(query, n) => (format!("改搜「{query}」"), *n),
        };
        let (d, suggestion) = (props.dispatcher.clone(), suggestion.clone());
        let onclick = Callback::from(move |_: MouseEvent| d.dispatch(action(&suggestion)));
        html! {
            <li>
                <button type="button" class="qx-button" data-testid="suggestion" {onclick}>
                    { label }<span class="qx-muted">{ format!("（{count} 段）") }</span>
                </button>
            </li>
        }
    };
    html! {
        <div class="qx-empty" data-testid="no-results">
            <p>{ "没有找到匹配的段落。" }</p>
            if found.is_empty() {
                <p class="qx-muted">{ "试试更短的词、去掉引号，或清除筛选。" }</p>
            } else {
                <p class="qx-muted">{ "可以试试：" }</p>
                <ul class="qx-suggestions">{ for found.iter().map(button) }</ul>
            }
        </div>
    }
}
