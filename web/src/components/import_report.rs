//! After an import: what was added, what was left out and why (in Chinese, the original
//! wording in the tooltip), a name (default 导入于 <date>, or a `.qx` library's own) and 保存. Saving stores the
//! library in IndexedDB; a failure (a full disk) shows the reason and keeps the report, so
//! nothing is lost and earlier libraries stay as they were.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::library::{self, format_bytes, ImportResult};

#[derive(Properties, PartialEq)]
pub struct ImportReportProps {
    pub result: Rc<ImportResult>,
    /// Saved: the new library's id.
    pub on_saved: Callback<String>,
    /// Back to choosing files without saving.
    pub on_discard: Callback<()>,
}

#[component]
pub fn ImportReport(props: &ImportReportProps) -> Html {
    let name = use_node_ref();
    let saving = use_state(|| false);
    let error = use_state(|| None::<String>);
    // A `.qx` library imported alone keeps its name.
    let default = use_state(|| props.result.name.clone().unwrap_or_else(default_name));
    let r = &props.result;

    let onsubmit = {
        let (name, saving, error) = (name.clone(), saving.clone(), error.clone());
        let default = (*default).clone();
        let (result, on_saved) = (props.result.clone(), props.on_saved.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *saving {
                return;
            }
            let typed = name
                .cast::<HtmlInputElement>()
                .map(|i| i.value().trim().to_string())
                .unwrap_or_default();
            let title = if typed.is_empty() {
                default.clone()
            } else {
                typed
            };
            saving.set(true);
            let (saving, error, result, on_saved) = (
                saving.clone(),
                error.clone(),
                result.clone(),
                on_saved.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match library::save(&title, &result).await {
                    Ok(id) => on_saved.emit(id),
                    Err(e) => {
                        error.set(Some(e));
                        saving.set(false);
                    }
                }
            });
        })
    };
    let discard = {
        let d = props.on_discard.clone();
        Callback::from(move |_: MouseEvent| d.emit(()))
    };
    let summary = format!(
        "共 {} 个文件（{}），导入 {} 篇文档，{} 项未导入。",
        r.files,
        format_bytes(r.input_bytes),
        r.documents,
        r.skipped.len()
    );
    html! {
        <div class="qx-import-report" data-testid="import-report">
            <p class="qx-import-summary" data-testid="import-summary">{ summary }</p>
            if !r.skipped.is_empty() {
                <table class="qx-skipped" data-testid="import-skipped">
                    <thead><tr><th>{ "未导入的文件" }</th><th>{ "原因" }</th></tr></thead>
                    <tbody>
                        { for r.skipped.iter().map(|s| html! {
                            <tr><td class="qx-skipped-name">{ s.name.clone() }</td>
                                <td title={s.kind.clone()}>{ s.label.clone() }</td></tr>
                        }) }
                    </tbody>
                </table>
            }
            if r.documents == 0 {
                <p class="qx-error" role="alert">{ "没有可导入的文档，无法保存。" }</p>
                <div class="qx-form-row">
                    <button type="button" class="qx-button" onclick={discard}>{ "重新选择文件" }</button>
                </div>
            } else {
                <form class="qx-form-row" {onsubmit}>
                    <label class="qx-field">
                        <span>{ "文档库名称" }</span>
                        <input ref={name} type="text" class="qx-input" value={(*default).clone()}
                            data-testid="library-name" maxlength="80" />
                    </label>
                    <button type="submit" class="qx-button qx-button-primary" data-testid="library-save"
                        disabled={*saving}>{ if *saving { "正在保存…" } else { "保存" } }</button>
                    <button type="button" class="qx-button qx-button-quiet" onclick={discard}>{ "放弃" }</button>
                </form>
                if let Some(e) = &*error {
                    <p class="qx-error" role="alert" data-testid="save-error">{ e.clone() }</p>
                }
            }
        </div>
    }
}

/// "导入于 2026-11-23 14:05", local time.
fn default_name() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "导入于 {}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}
