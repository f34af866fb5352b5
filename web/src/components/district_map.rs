//! A map of the districts (tiles placed roughly by geography, from the gazetteer's `tile` lines: `tilemap`), each shaded by
//! its passages: where the corpus (overview) or the matches (results) are, at a glance. A
//! tile toggles that district's filter (click, Enter or Space) and has a `<title>` and a
//! label for assistive technology; selected districts are outlined.
//! Districts with passages that the map does not place are named under it.

use quxian_core::{DistrictId, Tile};
use yew::prelude::*;

use std::rc::Rc;

use crate::state::CorpusHandle;
use crate::tilemap::tiles;

const TILE: u32 = 64;
const GAP: u32 = 4;

/// Font size of a tile's name in map units: as large as fits the tile (a phone shows the
/// map at about half size).
fn name_size(name: &str) -> String {
    let chars = name.chars().count().max(3) as u32;
    (54 / chars).min(17).to_string()
}

#[derive(Properties, PartialEq)]
pub struct DistrictMapProps {
    /// Passages per district, by district id: the corpus's on the overview, the matching
    /// ones (facet counts) on the results.
    pub counts: Rc<Vec<u32>>,
    /// Districts of the current filter, outlined.
    #[prop_or_default]
    pub selected: Vec<DistrictId>,
    pub on_district: Callback<DistrictId>,
}

#[component]
pub fn DistrictMap(props: &DistrictMapProps) -> Html {
    let Some(handle) = use_context::<CorpusHandle>() else {
        return crate::dom::nothing();
    };
    let corpus = handle.searcher.corpus();
    let tiles = tiles(corpus);
    if tiles.is_empty() {
        return crate::dom::nothing();
    }
    let count = |d: DistrictId| props.counts.get(usize::from(d.0)).copied().unwrap_or(0);
    let max = tiles
        .iter()
        .map(|t| count(t.district))
        .max()
        .unwrap_or(0)
        .max(1);
    let columns = tiles.iter().map(|t| u32::from(t.column)).max().unwrap_or(0) + 1;
    let rows = tiles.iter().map(|t| u32::from(t.row)).max().unwrap_or(0) + 1;
    let (width, height) = (columns * TILE, rows * TILE);

    let placed: Vec<DistrictId> = tiles.iter().map(|t| t.district).collect();
    let elsewhere: Vec<String> = (0..corpus.districts.len())
        .filter_map(|i| u16::try_from(i).ok().map(DistrictId))
        .filter(|d| !placed.contains(d) && count(*d) > 0)
        .map(|d| format!("{} {}", corpus.district_name(d), count(d)))
        .collect();
    html! {
        <div class="qx-map-wrap">
            <svg class="qx-map" role="group" aria-label="区县地图：各区县的段落数" data-testid="district-map"
                viewBox={format!("0 0 {width} {height}")} width={width.to_string()} height={height.to_string()}>
                { for tiles.iter().map(|t| {
                    let name = corpus.district_name(t.district).to_string();
                    let selected = props.selected.contains(&t.district);
                    tile_view(t, name, (count(t.district), max), selected, &props.on_district)
                }) }
            </svg>
            if !elsewhere.is_empty() {
                <p class="qx-muted qx-section-note">{ format!("地图之外：{}", elsewhere.join("、")) }</p>
            }
        </div>
    }
}

/// One tile: `name` with its `n` passages, shaded against the largest count `max`; with
/// passages (or when selected) it is a button that toggles its district.
fn tile_view(
    t: &Tile,
    name: String,
    (n, max): (u32, u32),
    selected: bool,
    on_district: &Callback<DistrictId>,
) -> Html {
    let (x, y) = (u32::from(t.column) * TILE, u32::from(t.row) * TILE);
    let size = (TILE - GAP).to_string();
    let (cx, cy) = (x + (TILE - GAP) / 2, y + (TILE - GAP) / 2);
    let label = format!("{name}：{n} 段");
    // Shade by the square root, so that small counts still show against the largest.
    let level = (f64::from(n) / f64::from(max)).sqrt();
    let shapes = html! {
        <>
            <title>{ label.clone() }</title>
            <rect x={x.to_string()} y={y.to_string()} width={size.clone()} height={size} rx="6"
                fill-opacity={(n > 0).then(|| format!("{:.3}", 0.15 + 0.85 * level))} />
            <text class="qx-tile-name" x={cx.to_string()} y={(cy - 2).to_string()} text-anchor="middle"
                font-size={name_size(&name)}>{ name.clone() }</text>
            <text class="qx-tile-count" x={cx.to_string()} y={(cy + 16).to_string()} text-anchor="middle">{ n }</text>
        </>
    };
    if n == 0 && !selected {
        return html! { <g class="qx-tile qx-tile-empty" data-testid="map-tile" data-district={name}>{ shapes }</g> };
    }
    let id = t.district;
    let onclick = on_district.reform(move |_: MouseEvent| id);
    let onkeydown = {
        let on_district = on_district.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                on_district.emit(id);
            }
        })
    };
    html! {
        <g class={classes!("qx-tile", (level > 0.55).then_some("qx-tile-dark"), selected.then_some("qx-tile-selected"))}
            role="button" tabindex="0" aria-pressed={selected.to_string()}
            aria-label={label} data-testid="map-tile" data-district={name} {onclick} {onkeydown}>
            { shapes }
        </g>
    }
}
