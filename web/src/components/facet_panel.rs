//! Districts and topics with live counts. Districts by count (most first), topics in
//! lexicon order. On narrow screens the panel folds behind a "筛选" toggle.

use std::rc::Rc;

use quxian_core::{DistrictId, FacetCounts, TopicId};
use yew::prelude::*;

use crate::components::facet_group::{FacetGroup, FacetItem};
use crate::state::CorpusHandle;

#[derive(Properties, PartialEq)]
pub struct FacetPanelProps {
    pub counts: Rc<FacetCounts>,
    pub districts: Vec<DistrictId>,
    pub topics: Vec<TopicId>,
    pub on_district: Callback<DistrictId>,
    pub on_topic: Callback<TopicId>,
}

#[component]
pub fn FacetPanel(props: &FacetPanelProps) -> Html {
    let open = use_state(|| false);
    let Some(handle) = use_context::<CorpusHandle>() else {
        return crate::dom::nothing();
    };
    let corpus = handle.searcher.corpus();
    let count = |list: &[u32], i: usize| list.get(i).copied().unwrap_or(0);

    let mut districts: Vec<FacetItem> = corpus
        .districts
        .iter()
        .enumerate()
        .map(|(i, name)| FacetItem {
            index: i as u16,
            name: name.clone().into(),
            count: count(&props.counts.districts, i),
            pressed: props.districts.contains(&DistrictId(i as u16)),
        })
        .collect();
    districts.sort_by(|a, b| b.count.cmp(&a.count).then(a.index.cmp(&b.index)));
    let topics: Vec<FacetItem> = corpus
        .topics
        .iter()
        .enumerate()
        .map(|(i, name)| FacetItem {
            index: i as u16,
            name: name.clone().into(),
            count: count(&props.counts.topics, i),
            pressed: props.topics.contains(&TopicId(i as u16)),
        })
        .collect();

    let selected = props.districts.len() + props.topics.len();
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    html! {
        <aside class={classes!("qx-facets", (*open).then_some("qx-open"))} aria-label="筛选">
            <button type="button" class="qx-button qx-facets-toggle" aria-expanded={open.to_string()}
                aria-controls="qx-facet-body" data-testid="facets-toggle" onclick={toggle}>
                { "筛选" }
                if selected > 0 { <span class="qx-badge">{ selected }</span> }
                <span class="qx-caret" aria-hidden="true"></span>
            </button>
            <div class="qx-facet-body" id="qx-facet-body">
                <FacetGroup title="区县" kind="district" items={Rc::new(districts)}
                    on_toggle={props.on_district.reform(DistrictId)} />
                <FacetGroup title="主题" kind="topic" items={Rc::new(topics)}
                    on_toggle={props.on_topic.reform(TopicId)} />
            </div>
        </aside>
    }
}
