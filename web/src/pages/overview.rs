//! The overview, shown when nothing is searched or filtered: corpus numbers, the district ×
//! topic heat map and the documents.

use std::rc::Rc;

use quxian_core::ViewState;
use yew::prelude::*;

use crate::components::{DistrictMap, FacetPanel, HeatMap, PageHeading, Timeline};
use crate::derive::{Found, Shared, Stats, DOCS_LISTED};
use crate::host::HostRef;
use crate::state::{Action, AppState, CorpusHandle};

#[derive(Properties, PartialEq)]
pub struct OverviewProps {
    pub found: Shared<Found>,
    pub stats: Shared<Stats>,
    pub dispatcher: UseReducerDispatcher<AppState>,
}

#[component]
pub fn Overview(props: &OverviewProps) -> Html {
    let Some(handle) = use_context::<CorpusHandle>() else {
        return crate::dom::nothing();
    };
    let corpus = handle.searcher.corpus();
    let s = &props.stats;
    let d = &props.dispatcher;
    // Each opens the results, drawn anew: the focus follows to the same control there.
    let dispatch = {
        let d = d.clone();
        move |action: Action| {
            crate::dom::refocus_after_render();
            d.dispatch(action);
        }
    };
    let on_district = {
        let dispatch = dispatch.clone();
        Callback::from(move |id| dispatch(Action::ToggleDistrict(id)))
    };
    let on_topic = {
        let dispatch = dispatch.clone();
        Callback::from(move |id| dispatch(Action::ToggleTopic(id)))
    };
    let on_tile = {
        let dispatch = dispatch.clone();
        Callback::from(move |id| dispatch(Action::ToggleDistrict(id)))
    };
    let on_dates = {
        let dispatch = dispatch.clone();
        Callback::from(move |range| dispatch(Action::SetDates(range)))
    };
    let on_cell = Callback::from(move |(a, b)| dispatch(Action::ShowCell(a, b)));

    let stat = |label: &'static str, value: String| {
        html! {
            <div class="qx-stat"><dt>{ label }</dt><dd>{ value }</dd></div>
        }
    };
    let results = &props.found.results;
    let dated = !results.timeline.is_empty();
    let host = use_context::<HostRef>();
    let docs = s.listed.iter().filter_map(|id| corpus.doc(*id)).map(|doc| {
        let key = doc.key.clone();
        // The document in this library, as a link that works opened in a new tab too.
        let view = ViewState {
            doc: Some(key.clone()),
            library: handle.library.clone(),
            ..ViewState::default()
        };
        let href = host
            .as_ref()
            .map_or_else(|| view.to_hash(), |h| h.href(&view));
        let d = d.clone();
        let onclick = Callback::from(move |e: MouseEvent| {
            if !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0) {
                e.prevent_default();
                d.dispatch(Action::OpenDoc(key.clone(), None));
            }
        });
        html! {
            <li>
                <a {href} {onclick} data-testid="overview-doc">{ doc.title.clone() }</a>
                if let Some(date) = &doc.date { <span class="qx-muted">{ date.clone() }</span> }
            </li>
        }
    });

    html! {
        <div class="qx-layout">
            <FacetPanel counts={Rc::new(props.found.results.facets.clone())} districts={Vec::new()}
                topics={Vec::new()} {on_district} {on_topic} />
            <section class="qx-overview" id="qx-results" aria-label="语料概览" data-testid="overview" tabindex="-1">
                <PageHeading text="语料概览" />
                <dl class="qx-stats" data-testid="stats">
                    { stat("文档", group_digits(s.docs)) }
                    { stat("段落", group_digits(s.passages)) }
                    { stat("字数", group_digits(s.chars)) }
                    { stat("涉及区县", group_digits(s.districts.len())) }
                </dl>
                if !crate::tilemap::tiles(corpus).is_empty() {
                    <h2 class="qx-section-title">{ "区县地图" }</h2>
                    <p class="qx-muted qx-section-note">{ "每块为一个区县，颜色越深段落越多；点击查看该区县的段落。" }</p>
                    <DistrictMap counts={Rc::new(s.district_passages.clone())} on_district={on_tile} />
                }
                <h2 class="qx-section-title">{ "区县 × 主题" }</h2>
                <p class="qx-muted qx-section-note">{ "每格为同时标注该区县与主题的段落数；点击查看这些段落。" }</p>
                <HeatMap stats={props.stats.clone()} {on_cell} />
                if dated {
                    <h2 class="qx-section-title">{ "时间分布" }</h2>
                    <p class="qx-muted qx-section-note">{ "每条为该时段的文档数；拖动或点击选择时间段，查看那段时间的文档。" }</p>
                    <Timeline timeline={Rc::new(results.timeline.clone())} undated={results.undated}
                        dates={quxian_core::DateRange::default()} on_select={on_dates} />
                }
                <h2 class="qx-section-title">{ if dated { "最新文档" } else { "文档" } }</h2>
                <ul class="qx-doc-list">{ for docs }</ul>
                if corpus.docs.len() > DOCS_LISTED {
                    <p class="qx-muted">{ format!("另有 {} 篇，请搜索查看。", corpus.docs.len() - DOCS_LISTED) }</p>
                }
            </section>
        </div>
    }
}

/// 12345 → "12,345".
fn group_digits(n: usize) -> String {
    let digits: Vec<char> = n.to_string().chars().rev().collect();
    let groups: Vec<String> = digits.chunks(3).map(|c| c.iter().rev().collect()).collect();
    groups.into_iter().rev().collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    #[test]
    fn digits_are_grouped() {
        assert_eq!(super::group_digits(0), "0");
        assert_eq!(super::group_digits(999), "999");
        assert_eq!(super::group_digits(19257), "19,257");
        assert_eq!(super::group_digits(1234567), "1,234,567");
    }
}
