//! The timeline above the results: matching documents per day, month or year. Dragging
//! across the bars (or clicking one) sets the date filter; two date fields set it from the
//! keyboard, and the bars take arrow keys too (`timeline::bar_key`). The bars show what lies outside the filter too (core counts the timeline
//! without the date filter), with the filtered span highlighted.

use std::rc::Rc;

use quxian_core::{Date, DateRange};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::timeline::{bar_key, bar_label, bars, range_between, range_label, Bar, BarKey};

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// Documents per date, by date (core's `SearchResults::timeline`).
    pub timeline: Rc<Vec<(Date, u32)>>,
    /// Documents without a date.
    pub undated: u32,
    /// The date filter in effect.
    pub dates: DateRange,
    pub on_select: Callback<DateRange>,
}

/// Height of the drawing in SVG units; bars are one unit wide plus a gap.
const HEIGHT: f64 = 40.0;

/// Bar indexes `(anchor, current)` while the pointer is held down or while bars are being
/// chosen with the arrow keys.
type Drag = UseStateHandle<Option<(usize, usize)>>;

/// The range a drag covers, if it is on bars that exist (the bars may change under it).
fn dragged(drag: Option<(usize, usize)>, bars: &[Bar]) -> Option<DateRange> {
    let (a, b) = drag?;
    Some(range_between(bars.get(a)?.date, bars.get(b)?.date))
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let (step, bars) = bars(&props.timeline);
    let drag: Drag = use_state(|| None);
    let (Some(first), Some(last)) = (bars.first(), bars.last()) else {
        return crate::dom::nothing();
    };
    let (first, last) = (first.date, last.date);
    let max = bars.iter().map(|b| b.docs).max().unwrap_or(1).max(1);
    let shown = dragged(*drag, &bars).unwrap_or(props.dates);
    let finish = {
        let (drag, on_select, bars) = (drag.clone(), props.on_select.clone(), bars.clone());
        Callback::from(move |_: PointerEvent| {
            if let Some(range) = dragged(*drag, &bars) {
                on_select.emit(range);
            }
            drag.set(None);
        })
    };
    let cancel = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| drag.set(None))
    };
    // The bars follow the pointer by its position, with the pointer captured: a finger
    // keeps the bar it touched first as its target, and a mouse that overshoots the ends
    // stays on the first or last bar instead of losing the drag.
    let svg = use_node_ref();
    let count = bars.len();
    let bar_at = {
        let svg = svg.clone();
        move |e: &PointerEvent| -> Option<usize> {
            let rect = svg.cast::<web_sys::Element>()?.get_bounding_client_rect();
            let share = (f64::from(e.client_x()) - rect.left()) / rect.width().max(1.0);
            Some(((share * count as f64).floor().max(0.0) as usize).min(count - 1))
        }
    };
    let down = {
        let (drag, svg, bar_at) = (drag.clone(), svg.clone(), bar_at.clone());
        Callback::from(move |e: PointerEvent| {
            e.prevent_default();
            if let Some(element) = svg.cast::<web_sys::Element>() {
                let _ = element.set_pointer_capture(e.pointer_id());
            }
            if let Some(i) = bar_at(&e) {
                drag.set(Some((i, i)));
            }
        })
    };
    let moved = {
        let drag = drag.clone();
        Callback::from(move |e: PointerEvent| {
            if let (Some((a, current)), Some(i)) = (*drag, bar_at(&e)) {
                if i != current {
                    drag.set(Some((a, i)));
                }
            }
        })
    };
    // Where the first arrow key lands: the filtered span's first bar, else the newest.
    let start = bars
        .iter()
        .position(|b| !props.dates.is_all() && props.dates.contains(Some(b.date)))
        .unwrap_or(bars.len() - 1);
    let on_key = {
        let (drag, on_select, bars) = (drag.clone(), props.on_select.clone(), bars.clone());
        Callback::from(move |e: KeyboardEvent| {
            let outcome = bar_key(&e.key(), e.shift_key(), *drag, start, bars.len());
            if outcome != BarKey::Ignore {
                // The page's own keys (Esc goes back, arrows scroll) must not act too.
                e.prevent_default();
                e.stop_propagation();
            }
            match outcome {
                BarKey::Select(selection) => drag.set(Some(selection)),
                BarKey::Apply => {
                    if let Some(range) = dragged(*drag, &bars) {
                        on_select.emit(range);
                    }
                    drag.set(None);
                }
                BarKey::Cancel => drag.set(None),
                BarKey::Ignore => {}
            }
        })
    };
    let on_blur = {
        let drag = drag.clone();
        Callback::from(move |_: FocusEvent| drag.set(None))
    };
    let choosing = drag
        .and_then(|(a, b)| bars.get(a.min(b)..=a.max(b)))
        .map(|chosen| {
            let docs: u32 = chosen.iter().map(|b| b.docs).sum();
            format!(
                "已选 {}：{docs} 篇，按 Enter 筛选，Esc 取消",
                range_label(&shown)
            )
        });
    let summary = format!(
        "时间分布（{}）：{} 至 {}，共 {} 篇有日期的文档",
        step.label(),
        bar_label(first, true),
        bar_label(last, true),
        bars.iter().map(|b| b.docs).sum::<u32>()
    );
    html! {
        <section class="qx-timeline" aria-label="时间分布" data-testid="timeline">
            <div class="qx-timeline-keys" tabindex="0" role="group" data-testid="timeline-keys"
                aria-label="时间轴：方向键选择日期，Shift 加方向键选择时间段，Enter 筛选"
                onkeydown={on_key} onblur={on_blur}>
                <svg ref={svg} class="qx-timeline-bars" viewBox={format!("0 0 {} {HEIGHT}", bars.len())}
                    preserveAspectRatio="none" role="img" aria-label={summary}
                    onpointerdown={down} onpointermove={moved} onpointerup={finish} onpointercancel={cancel}>
                    { for bars.iter().enumerate().map(|(i, b)| bar_view(i, b, max, &shown, drag.is_some_and(|(_, c)| c == i))) }
                </svg>
            </div>
            <p class="qx-sr" aria-live="polite" data-testid="timeline-choice">{ choosing.unwrap_or_default() }</p>
            <div class="qx-timeline-axis" aria-hidden="true">
                <span>{ bar_label(first, true) }</span>
                <span class="qx-muted">{ format!("{} · 拖动或用方向键选择时间段", step.label()) }</span>
                <span>{ bar_label(last, first.year != last.year) }</span>
            </div>
            <DateFields dates={props.dates} min={first.first_day()} max={last.last_day()}
                undated={props.undated} on_select={props.on_select.clone()} />
        </section>
    }
}

/// Bar `i`: its height by documents (of `max`), highlighted inside `shown`, marked when it
/// is where a drag or the arrow keys are (`cursor`).
fn bar_view(i: usize, b: &Bar, max: u32, shown: &DateRange, cursor: bool) -> Html {
    let h = HEIGHT * f64::from(b.docs) / f64::from(max);
    let inside = shown.contains(Some(b.date)) && !shown.is_all();
    let x = i as f64;
    html! {
        <g class={classes!("qx-bar", inside.then_some("qx-bar-in"), cursor.then_some("qx-bar-cursor"))} data-testid="timeline-bar"
            data-date={b.date.to_iso()} data-docs={b.docs.to_string()}>
            <title>{ format!("{}：{} 篇", bar_label(b.date, true), b.docs) }</title>
            <rect class="qx-bar-hit" x={x.to_string()} y="0" width="1" height={HEIGHT.to_string()} />
            <rect class="qx-bar-fill" x={(x + 0.1).to_string()} y={(HEIGHT - h).to_string()}
                width="0.8" height={h.to_string()} />
        </g>
    }
}

#[derive(Properties, PartialEq)]
struct DateFieldsProps {
    dates: DateRange,
    min: Date,
    max: Date,
    undated: u32,
    on_select: Callback<DateRange>,
}

/// 从 [date] 到 [date] 清除时间: the filter from the keyboard. A field left empty leaves
/// that end open.
#[component]
fn DateFields(props: &DateFieldsProps) -> Html {
    let field = |is_from: bool| {
        let dates = props.dates;
        let on_select = props.on_select.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_dyn_into::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let date = Date::parse(&value);
            let mut next = dates;
            if is_from {
                next.from = date;
            } else {
                next.to = date;
            }
            on_select.emit(next);
        })
    };
    let value = |d: Option<Date>, first: bool| {
        d.map(|d| if first { d.first_day() } else { d.last_day() })
            .map(Date::to_iso)
            .unwrap_or_default()
    };
    let (min, max) = (props.min.to_iso(), props.max.to_iso());
    let clear = props.on_select.reform(|_: MouseEvent| DateRange::default());
    html! {
        <div class="qx-date-fields">
            <label>{ "从 " }<input type="date" class="qx-date" data-testid="date-from" min={min.clone()}
                max={max.clone()} value={value(props.dates.from, true)} onchange={field(true)} /></label>
            <label>{ "到 " }<input type="date" class="qx-date" data-testid="date-to" {min} {max}
                value={value(props.dates.to, false)} onchange={field(false)} /></label>
            if !props.dates.is_all() {
                <button type="button" class="qx-button qx-button-quiet" data-testid="clear-dates" onclick={clear}>
                    { "清除时间" }
                </button>
            }
            if props.undated > 0 {
                <span class="qx-muted">{ format!("另有 {} 篇没有日期", props.undated) }</span>
            }
        </div>
    }
}
