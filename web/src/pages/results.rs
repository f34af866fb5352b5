//! The results screen: facets beside the count, the active filters and the hit list.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::{
    ActiveFilters, DistrictMap, EmptyHelp, ExportButtons, FacetPanel, HitList, PageHeading,
    ResultsHeader, SortSelect, Timeline,
};
use crate::derive::{Found, Shared};
use crate::state::{Action, AppState, CorpusHandle};

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub found: Shared<Found>,
    pub focus: Option<usize>,
    pub view: quxian_core::ViewState,
    pub dispatcher: UseReducerDispatcher<AppState>,
}

#[component]
pub fn Results(props: &ResultsProps) -> Html {
    let Some(handle) = use_context::<CorpusHandle>() else {
        return crate::dom::nothing();
    };
    let corpus = handle.searcher.corpus();
    let results = &props.found.results;
    let d = &props.dispatcher;
    let on_district = {
        let d = d.clone();
        Callback::from(move |id| d.dispatch(Action::ToggleDistrict(id)))
    };
    let on_topic = {
        let d = d.clone();
        Callback::from(move |id| d.dispatch(Action::ToggleTopic(id)))
    };
    let on_clear = {
        let d = d.clone();
        Callback::from(move |_| d.dispatch(Action::ClearFilters))
    };
    let on_open = {
        let d = d.clone();
        Callback::from(move |(k, p)| d.dispatch(Action::OpenDoc(k, Some(p))))
    };
    let on_more = {
        let d = d.clone();
        Callback::from(move |_| d.dispatch(Action::ShowMore))
    };
    let on_dates = {
        let d = d.clone();
        Callback::from(move |range| d.dispatch(Action::SetDates(range)))
    };
    let clear_dates = {
        let d = d.clone();
        Callback::from(move |_| d.dispatch(Action::SetDates(Default::default())))
    };
    let on_sort = {
        let d = d.clone();
        Callback::from(move |sort| d.dispatch(Action::SetSort(sort)))
    };
    let dates_label = (!props.view.dates.is_all())
        .then(|| AttrValue::from(crate::timeline::range_label(&props.view.dates)));
    // Dates are offered when the search has dated documents, or when a link asks for them.
    let dated = !results.timeline.is_empty()
        || !props.view.dates.is_all()
        || props.view.sort != quxian_core::SortOrder::Relevance;
    let unlisted = results.total_docs.saturating_sub(results.groups.len());

    let district_chips: Vec<(_, AttrValue)> = results
        .filters
        .districts
        .iter()
        .map(|id| (*id, corpus.district_name(*id).to_string().into()))
        .collect();
    let topic_chips: Vec<(_, AttrValue)> = results
        .filters
        .topics
        .iter()
        .map(|id| (*id, corpus.topic_name(*id).to_string().into()))
        .collect();

    html! {
        <div class="qx-layout">
            <FacetPanel counts={Rc::new(results.facets.clone())} districts={results.filters.districts.clone()}
                topics={results.filters.topics.clone()} on_district={on_district.clone()} on_topic={on_topic.clone()} />
            <section class="qx-results" id="qx-results" aria-label="结果" tabindex="-1">
                <PageHeading text="搜索结果" />
                <div class="qx-results-bar">
                    <ResultsHeader total={results.total} docs={results.total_docs} shown={results.groups.len()} />
                    if dated {
                        <SortSelect sort={props.view.sort} on_change={on_sort} />
                    }
                </div>
                if !crate::tilemap::tiles(corpus).is_empty() {
                    <details class="qx-map-details" data-testid="results-map">
                        <summary>{ "区县地图" }</summary>
                        <DistrictMap counts={Rc::new(results.facets.districts.clone())}
                            selected={results.filters.districts.clone()} on_district={on_district.clone()} />
                    </details>
                }
                if dated {
                    <Timeline timeline={Rc::new(results.timeline.clone())} undated={results.undated}
                        dates={props.view.dates} on_select={on_dates} />
                }
                <ActiveFilters districts={district_chips} topics={topic_chips} dates={dates_label}
                    {on_district} {on_topic} on_dates={clear_dates} {on_clear} />
                if results.groups.is_empty() {
                    <EmptyHelp view={props.view.clone()} dispatcher={d.clone()} />
                } else {
                    <ExportButtons view={props.view.clone()} />
                    <HitList found={props.found.clone()} focus={props.focus} base={props.view.clone()} {on_open} />
                    if unlisted > 0 {
                        <button type="button" class="qx-button qx-more" data-testid="load-more" onclick={on_more}>
                            { format!("加载更多（还有 {unlisted} 篇）") }
                        </button>
                    }
                    <p class="qx-hint qx-muted" aria-hidden="true">
                        <kbd class="qx-kbd">{ "↑" }</kbd><kbd class="qx-kbd">{ "↓" }</kbd>{ " 选择 · " }
                        <kbd class="qx-kbd">{ "Enter" }</kbd>{ " 打开 · " }<kbd class="qx-kbd">{ "Esc" }</kbd>{ " 返回" }
                    </p>
                }
            </section>
        </div>
    }
}
