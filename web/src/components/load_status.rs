//! What the page shows until the corpus is ready: progress, or why it failed.

use yew::prelude::*;

use crate::state::LoadStatus;

#[derive(Properties, PartialEq)]
pub struct LoadStatusProps {
    pub status: LoadStatus,
}

#[component]
pub fn LoadStatusView(props: &LoadStatusProps) -> Html {
    match &props.status {
        LoadStatus::Failed(message) => html! {
            <div class="qx-load-error" role="alert" data-testid="load-error">
                <h2>{ "无法打开语料" }</h2>
                <p>{ message.clone() }</p>
                <p class="qx-muted">{ "请检查语料文件是否存在且由同一版本的 quxian 构建，然后刷新页面。" }</p>
            </div>
        },
        LoadStatus::Indexing => spinner("正在建立索引…"),
        _ => spinner("正在加载语料…"),
    }
}

fn spinner(text: &'static str) -> Html {
    html! {
        <div class="qx-loading" role="status" aria-live="polite" data-testid="load-status">
            <span class="qx-spinner" aria-hidden="true"></span>{ text }
        </div>
    }
}
