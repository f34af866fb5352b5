//! The selected filters (districts, topics, a date range) as removable chips, plus "清除筛选".

use quxian_core::{DistrictId, TopicId};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ActiveFiltersProps {
    /// Selected districts with their names.
    pub districts: Vec<(DistrictId, AttrValue)>,
    /// Selected topics with their names.
    pub topics: Vec<(TopicId, AttrValue)>,
    /// The date filter in words ("2026-04-25 至 2026-05-02"), if one is set.
    #[prop_or_default]
    pub dates: Option<AttrValue>,
    pub on_district: Callback<DistrictId>,
    pub on_topic: Callback<TopicId>,
    /// Remove the date filter.
    #[prop_or_default]
    pub on_dates: Callback<()>,
    pub on_clear: Callback<()>,
}

#[component]
pub fn ActiveFilters(props: &ActiveFiltersProps) -> Html {
    if props.districts.is_empty() && props.topics.is_empty() && props.dates.is_none() {
        return crate::dom::nothing();
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
                if let Some(dates) = &props.dates {
                    { chip("date", &format!("时间：{dates}").into(), props.on_dates.reform(|_| ())) }
                }
            </ul>
            <button type="button" class="qx-button qx-button-quiet" data-testid="clear-filters" onclick={on_clear}>
                { "清除筛选" }
            </button>
        </div>
    }
}
