//! One facet (districts or topics): toggle buttons with live counts. Values with no
//! matching passage are folded behind 显示全部 (a custom gazetteer may list thousands; the
//! built-in one lists 41 districts, most at 0 for any one query); a selected value is
//! always shown.

use std::rc::Rc;

use yew::prelude::*;

/// One value of a facet.
#[derive(Clone, PartialEq)]
pub struct FacetItem {
    /// Position in the corpus list (the `DistrictId`/`TopicId` number).
    pub index: u16,
    pub name: AttrValue,
    /// Matching passages with this value (disjunctive: own filter not applied).
    pub count: u32,
    pub pressed: bool,
}

#[derive(Properties, PartialEq)]
pub struct FacetGroupProps {
    pub title: AttrValue,
    /// `district` or `topic`; names the test ids and the colour.
    pub kind: AttrValue,
    pub items: Rc<Vec<FacetItem>>,
    /// The index of the value clicked.
    pub on_toggle: Callback<u16>,
}

#[component]
pub fn FacetGroup(props: &FacetGroupProps) -> Html {
    let heading_id = format!("qx-facet-{}", props.kind);
    let show_all = use_state(|| false);
    let zero = |item: &FacetItem| item.count == 0 && !item.pressed;
    let folded = props.items.iter().filter(|i| zero(i)).count();
    let toggle_all = {
        let show_all = show_all.clone();
        Callback::from(move |_: MouseEvent| show_all.set(!*show_all))
    };
    html! {
        <section class={classes!("qx-facet", format!("qx-facet-{}", props.kind))} aria-labelledby={heading_id.clone()}>
            <h2 class="qx-facet-title" id={heading_id}>{ props.title.clone() }</h2>
            <ul class="qx-facet-list">
                { for props.items.iter().filter(|i| *show_all || !zero(i)).map(|item| {
                    let index = item.index;
                    let onclick = props.on_toggle.reform(move |_: MouseEvent| index);
                    let class = classes!(
                        "qx-facet-value",
                        item.pressed.then_some("qx-pressed"),
                        (item.count == 0 && !item.pressed).then_some("qx-zero"),
                    );
                    // A value with nothing to show is no tab stop (still clickable).
                    let tabindex = (item.count == 0 && !item.pressed).then_some("-1");
                    html! {
                        <li>
                            <button type="button" {class} {onclick} {tabindex}
                                aria-pressed={item.pressed.to_string()}
                                data-testid={format!("facet-{}", props.kind)}
                                data-name={item.name.clone()}
                                aria-label={format!("{}，{} 段", item.name, item.count)}>
                                <span class="qx-check" aria-hidden="true"></span>
                                <span class="qx-facet-name">{ item.name.clone() }</span>
                                <span class="qx-facet-count" data-testid="facet-count">{ item.count }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
            if folded > 0 {
                <button type="button" class="qx-button qx-button-quiet qx-facet-more" onclick={toggle_all}
                    aria-expanded={show_all.to_string()} data-testid={format!("facet-{}-all", props.kind)}>
                    { if *show_all { "只显示有匹配的".to_string() } else { format!("显示全部（另有 {folded} 个为 0）") } }
                </button>
            }
        </section>
    }
}
