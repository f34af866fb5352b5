//! The result list: one item per document, the keyboard focus scrolled into view.

use quxian_core::ViewState;
use yew::prelude::*;

use crate::components::doc_group::DocGroupView;
use crate::derive::{Found, Shared};
use crate::host::HostRef;

#[derive(Properties, PartialEq)]
pub struct HitListProps {
    pub found: Shared<Found>,
    pub focus: Option<usize>,
    pub base: ViewState,
    pub on_open: Callback<(String, u32)>,
}

#[component]
pub fn HitList(props: &HitListProps) -> Html {
    let host = use_context::<HostRef>();
    use_effect_with(props.focus, move |focus| {
        let Some((host, i)) = host.zip(*focus) else {
            return;
        };
        if let Some(el) = host.element_by_id(&format!("qx-g-{i}")) {
            host.scroll_into_view(&el, false);
        }
    });
    let groups = &props.found.results.groups;
    html! {
        <ol class="qx-hits" id="qx-hits" tabindex="-1" role="list" aria-label="搜索结果" data-testid="hit-list">
            { for groups.iter().enumerate().map(|(i, g)| html! {
                <DocGroupView key={g.doc.0} found={props.found.clone()} index={i}
                    focused={props.focus == Some(i)} base={props.base.clone()} on_open={props.on_open.clone()} />
            }) }
        </ol>
    }
}
