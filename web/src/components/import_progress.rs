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
    let text = progress_text(p);
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

/// "3 / 7477 个文件 · 1.2 MB / 约 20.5 MB · 剩余约 9 秒" (约 before a total still estimated).
fn progress_text(p: &Progress) -> String {
    if p.loading {
        return "正在加载分词词典…".to_string();
    }
    format!(
        "{} / {} 个文件 · {} / {}{}{} · 剩余约 {}",
        p.files_done,
        p.files_total,
        format_bytes(p.bytes_done),
        if p.bytes_estimated { "约 " } else { "" },
        format_bytes(p.bytes_total),
        rate(p),
        p.eta_ms.map_or_else(|| "估算中".to_string(), seconds)
    )
}

/// " · 1.9 MB/秒" once a second has passed and something is done (before, it says little).
fn rate(p: &Progress) -> String {
    if p.elapsed_ms < 1000.0 || p.bytes_done <= 0.0 {
        return String::new();
    }
    let mb_per_s = p.bytes_done / (1024.0 * 1024.0) / (p.elapsed_ms / 1000.0);
    format!(" · {mb_per_s:.1} MB/秒")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_estimated_total_says_about() {
        let mut p = Progress {
            files_done: 3,
            files_total: 10,
            bytes_done: 3.0 * 1024.0 * 1024.0,
            bytes_total: 10.0 * 1024.0 * 1024.0,
            bytes_estimated: true,
            eta_ms: Some(8_500.0),
            ..Progress::default()
        };
        assert_eq!(
            progress_text(&p),
            "3 / 10 个文件 · 3.0 MB / 约 10.0 MB · 剩余约 9 秒"
        );
        p.bytes_estimated = false;
        assert_eq!(
            progress_text(&p),
            "3 / 10 个文件 · 3.0 MB / 10.0 MB · 剩余约 9 秒"
        );
        p.elapsed_ms = 1_500.0;
        assert_eq!(
            progress_text(&p),
            "3 / 10 个文件 · 3.0 MB / 10.0 MB · 2.0 MB/秒 · 剩余约 9 秒"
        );
        p.loading = true;
        assert_eq!(progress_text(&p), "正在加载分词词典…");
    }
}
