//! The selected filters as removable chips, plus "清除筛选".

use quxian_core::{DistrictId, TopicId};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ActiveFiltersProps {
    /// Selected districts with their names.
    pub districts: Vec<(DistrictId, AttrValue)>,
    /// Selected topics with their names.
    pub topics: Vec<(TopicId, AttrValue)>,
    pub on_district: Callback<DistrictId>,
    pub on_topic: Callback<TopicId>,
    pub on_clear: Callback<()>,
}

#[component]
pub fn ActiveFilters(props: &ActiveFiltersProps) -> Html {
    if props.districts.is_empty() && props.topics.is_empty() {
        return html! {};
    }
    let chip = |kind: &'static str, name: &AttrValue, onclick: Callback<MouseEvent>| {
        html! {
            <li>
                <button type="button" class={classes!("qx-filter-chip", format!("qx-filter-chip-{kind}"))}
                    data-testid="active-filter" aria-label={format!("移除筛选：{name}")} {onclick}>
                    { name.clone() }<span class="qx-filter-x" aria-hidden="true">{ "×" }</span>
                </button>
            </li>
        }
    };
    let on_clear = props.on_clear.reform(|_: MouseEvent| ());
    html! {
        <div class="qx-active-filters" aria-label="当前筛选">
            <ul class="qx-filter-chips">
                { for props.districts.iter().map(|(id, name)| {
                    let id = *id;
                    chip("district", name, props.on_district.reform(move |_| id))
                }) }
                { for props.topics.iter().map(|(id, name)| {
                    let id = *id;
                    chip("topic", name, props.on_topic.reform(move |_| id))
                }) }
            </ul>
            <button type="button" class="qx-button qx-button-quiet" data-testid="clear-filters" onclick={on_clear}>
                { "清除筛选" }
            </button>
        </div>
    }
}
