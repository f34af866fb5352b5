//! 排序: 相关度 / 最新 / 最早, a native select (keyboard and screen readers get it for free).

use quxian_core::SortOrder;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SortSelectProps {
    pub sort: SortOrder,
    pub on_change: Callback<SortOrder>,
}

const CHOICES: [(SortOrder, &str, &str); 3] = [
    (SortOrder::Relevance, "relevance", "相关度"),
    (SortOrder::Newest, "newest", "最新"),
    (SortOrder::Oldest, "oldest", "最早"),
];

#[component]
pub fn SortSelect(props: &SortSelectProps) -> Html {
    let onchange = props.on_change.reform(|e: Event| {
        let value = e
            .target_dyn_into::<HtmlSelectElement>()
            .map(|s| s.value())
            .unwrap_or_default();
        SortOrder::from_param(&value).unwrap_or_default()
    });
    html! {
        <label class="qx-sort">
            <span>{ "排序" }</span>
            <select class="qx-select" data-testid="sort" {onchange}>
                { for CHOICES.iter().map(|(order, value, label)| html! {
                    <option value={*value} selected={*order == props.sort}>{ *label }</option>
                }) }
            </select>
        </label>
    }
}
