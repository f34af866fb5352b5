//! A running import: a progress bar over the bytes indexed, files done, megabytes and the
//! time left (from the worker's `progress` messages), and 取消.

use yew::prelude::*;

use crate::library::{format_bytes, Progress};

#[derive(Properties, PartialEq)]
pub struct ImportProgressProps {
    pub progress: Progress,
    pub on_cancel: Callback<()>,
}

#[component]
pub fn ImportProgress(props: &ImportProgressProps) -> Html {
    let p = &props.progress;
    let cancelling = use_state(|| false);
    let onclick = {
        let (cancel, cancelling) = (props.on_cancel.clone(), cancelling.clone());
        Callback::from(move |_: MouseEvent| {
            cancelling.set(true);
            cancel.emit(());
        })
    };
    let text = if p.loading {
        "正在加载分词词典…".to_string()
    } else {
        format!(
            "{} / {} 个文件 · {} / {} · 剩余约 {}",
            p.files_done,
            p.files_total,
            format_bytes(p.bytes_done),
            format_bytes(p.bytes_total),
            p.eta_ms.map_or_else(|| "估算中".to_string(), seconds)
        )
    };
    let fraction = if p.bytes_total > 0.0 {
        (p.bytes_done / p.bytes_total).clamp(0.0, 1.0)
    } else {
        0.0
    };
    html! {
        <div class="qx-import-progress" data-testid="import-progress">
            <p class="qx-import-phase">{ "正在导入" }</p>
            if p.loading {
                <progress class="qx-progress" aria-label="导入进度"></progress>
            } else {
                <progress class="qx-progress" max="1" value={fraction.to_string()} aria-label="导入进度"></progress>
            }
            <div class="qx-import-status">
                <span aria-live="polite" data-testid="import-progress-text">{ text }</span>
                <button type="button" class="qx-button" data-testid="import-cancel" disabled={*cancelling}
                    {onclick}>{ if *cancelling { "正在取消…" } else { "取消" } }</button>
            </div>
            <p class="qx-muted">{ "文件在后台处理，页面可以照常使用。" }</p>
        </div>
    }
}

/// "4 秒", "2 分 5 秒".
fn seconds(ms: f64) -> String {
    let s = (ms / 1000.0).ceil().max(0.0) as u64;
    if s >= 60 {
        format!("{} 分 {} 秒", s / 60, s % 60)
    } else {
        format!("{s} 秒")
    }
}
