//! District × topic heat map as inline SVG: rows are districts with passages (most first),
//! columns topics with passages in lexicon order (both capped, see `derive::stats`), each
//! cell the passages having both. A cell opens that
//! filtered view (click, Enter or Space); each has a `<title>` and a label for assistive
//! technology.

use quxian_core::{DistrictId, TopicId};
use yew::prelude::*;

use crate::derive::{Shared, Stats};
use crate::state::CorpusHandle;

const LABEL_W: u32 = 84;
const HEAD_H: u32 = 28;
const CELL_W: u32 = 56;
const CELL_H: u32 = 30;
const GAP: u32 = 3;

#[derive(Properties, PartialEq)]
pub struct HeatMapProps {
    pub stats: Shared<Stats>,
    pub on_cell: Callback<(DistrictId, TopicId)>,
}

#[component]
pub fn HeatMap(props: &HeatMapProps) -> Html {
    let Some(handle) = use_context::<CorpusHandle>() else {
        return crate::dom::nothing();
    };
    let corpus = handle.searcher.corpus();
    let stats = &props.stats;
    if stats.districts.is_empty() || stats.topics.is_empty() {
        return html! { <p class="qx-muted">{ "语料中还没有标注区县与主题的段落。" }</p> };
    }
    let width = LABEL_W + stats.topics.len() as u32 * CELL_W;
    let height = HEAD_H + stats.districts.len() as u32 * CELL_H;
    let max = stats.max_cell.max(1) as f64;

    let heads = stats.topics.iter().enumerate().map(|(j, t)| {
        let x = LABEL_W + j as u32 * CELL_W + CELL_W / 2;
        html! { <text class="qx-heat-head" x={x.to_string()} y="18" text-anchor="middle">{ corpus.topic_name(*t).to_string() }</text> }
    });
    let rows = stats.districts.iter().enumerate().map(|(i, (d, _))| {
        let y = HEAD_H + i as u32 * CELL_H;
        let district = corpus.district_name(*d).to_string();
        let cells = stats.topics.iter().enumerate().map(|(j, t)| {
            let v = stats.cells.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0);
            let x = LABEL_W + j as u32 * CELL_W;
            let topic = corpus.topic_name(*t);
            let label = format!("{district} × {topic}：{v} 段");
            let (w, h) = ((CELL_W - GAP).to_string(), (CELL_H - GAP).to_string());
            let (tx, ty) = ((x + (CELL_W - GAP) / 2).to_string(), (y + (CELL_H - GAP) / 2 + 4).to_string());
            if v == 0 {
                return html! {
                    <g class="qx-heat-cell qx-heat-empty">
                        <title>{ label }</title>
                        <rect x={x.to_string()} y={y.to_string()} width={w} height={h} rx="4" />
                    </g>
                };
            }
            let level = (v as f64 / max).powf(0.6);
            let (d, t) = (*d, *t);
            let onclick = props.on_cell.reform(move |_: MouseEvent| (d, t));
            let onkeydown = {
                let on_cell = props.on_cell.clone();
                Callback::from(move |e: KeyboardEvent| {
                    if e.key() == "Enter" || e.key() == " " {
                        e.prevent_default();
                        on_cell.emit((d, t));
                    }
                })
            };
            html! {
                <g class={classes!("qx-heat-cell", (level > 0.55).then_some("qx-heat-dark"))} role="button" tabindex="0"
                    aria-label={label.clone()} data-testid="heat-cell" data-district={district.clone()}
                    data-topic={topic.to_string()} {onclick} {onkeydown}>
                    <title>{ label }</title>
                    <rect x={x.to_string()} y={y.to_string()} width={w} height={h} rx="4"
                        fill-opacity={format!("{:.3}", 0.12 + 0.88 * level)} />
                    <text x={tx} y={ty} text-anchor="middle">{ v }</text>
                </g>
            }
        });
        html! {
            <g class="qx-heat-row">
                <text class="qx-heat-label" x={(LABEL_W - 10).to_string()} y={(y + CELL_H / 2 + 3).to_string()}
                    text-anchor="end">{ district.clone() }</text>
                { for cells }
            </g>
        }
    });
    let (hidden_districts, hidden_topics) = stats.hidden;
    let note = (hidden_districts + hidden_topics > 0).then(|| {
        format!(
            "只列出段落最多的 {} 个区县和 {} 个主题（另有 {hidden_districts} 个区县、{hidden_topics} 个主题未列出，可在左侧筛选）。",
            stats.districts.len(),
            stats.topics.len()
        )
    });
    // On a narrow screen or embed the grid is wider than its box: say that it scrolls.
    html! {
        <>
        <p class="qx-heat-hint qx-muted" aria-hidden="true">{ "左右滑动查看全部主题 →" }</p>
        <div class="qx-heat-scroll">
            if let Some(note) = note {
                <p class="qx-muted" data-testid="heat-note">{ note }</p>
            }
            <svg class="qx-heat" role="group" aria-label="区县 × 主题 段落数" data-testid="heat-map"
                width={width.to_string()} height={height.to_string()} viewBox={format!("0 0 {width} {height}")}>
                { for heads }
                { for rows }
            </svg>
        </div>
        </>
    }
}
