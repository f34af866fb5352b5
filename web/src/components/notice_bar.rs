//! Notices about the link and the query ("链接中有未知参数…"), dismissible. Dismissing
//! hides exactly these notices; a different set shows again.

use std::rc::Rc;

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NoticeBarProps {
    /// What to tell the user, in Chinese.
    pub notices: Rc<Vec<String>>,
}

#[component]
pub fn NoticeBar(props: &NoticeBarProps) -> Html {
    let dismissed = use_state(Vec::<String>::new);
    if props.notices.is_empty() || *dismissed == *props.notices {
        return crate::dom::nothing();
    }
    let ondismiss = {
        let (dismissed, notices) = (dismissed.clone(), props.notices.clone());
        Callback::from(move |_| dismissed.set((*notices).clone()))
    };
    html! {
        <div class="qx-notices" role="status" data-testid="notice-bar">
            <svg class="qx-icon qx-notice-icon" viewBox="0 0 24 24" aria-hidden="true">
                <circle cx="12" cy="12" r="9" /><line x1="12" y1="8" x2="12" y2="13" /><line x1="12" y1="16" x2="12" y2="16.5" />
            </svg>
            <ul class="qx-notice-list">
                { for props.notices.iter().map(|n| html! { <li>{ n.clone() }</li> }) }
            </ul>
            <button type="button" class="qx-button qx-button-quiet qx-notice-close" aria-label="关闭提示"
                data-testid="notice-dismiss" onclick={ondismiss}>{ "×" }</button>
        </div>
    }
}
