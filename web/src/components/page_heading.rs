//! A page's heading for screen readers, visually hidden: `h1` on the full page, `h2` in an
//! embed, where the host page has its own `h1`.

use yew::prelude::*;

use crate::host::{HostRef, UrlState};

#[derive(Properties, PartialEq)]
pub struct PageHeadingProps {
    pub text: AttrValue,
}

#[component]
pub fn PageHeading(props: &PageHeadingProps) -> Html {
    let full_page = use_context::<HostRef>().is_some_and(|h| h.url_state == UrlState::Hash);
    if full_page {
        html! { <h1 class="qx-sr">{ props.text.clone() }</h1> }
    } else {
        html! { <h2 class="qx-sr">{ props.text.clone() }</h2> }
    }
}
