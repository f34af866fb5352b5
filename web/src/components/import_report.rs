//! After an import: what was added, what was left out and why (in Chinese, the original
//! wording in the tooltip), a name (default 导入于 <date>, or a `.qx` library's own) and 保存. Saving stores the
//! library in IndexedDB; a failure (a full disk) shows the reason and keeps the report, so
//! nothing is lost and earlier libraries stay as they were. A big import is also offered
//! 保存并分片打开: saved, then searched piece by piece in the site page (see
//! `library::open_as_site`) instead of loaded whole.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::use_mounted;
use crate::library::{self, format_bytes, ImportResult};

/// What happens once the library is saved.
#[derive(Clone, Copy, PartialEq)]
enum AfterSave {
    /// The app opens it (whole).
    Open,
    /// The site page opens it by pieces.
    OpenBySite,
}

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
    let saving = use_state(|| false);
    let error = use_state(|| None::<String>);
    // A `.qx` library imported alone keeps its name. Kept as typed: the form is drawn again
    // while 保存并分片打开 reports progress, and must not fall back to the default.
    let default = use_state(|| props.result.name.clone().unwrap_or_else(default_name));
    let typed = use_state(|| (*default).clone());
    let r = &props.result;

    // How far it is while 保存并分片打开 writes the site index.
    let writing = use_state(|| None::<library::SiteWritten>);
    let shown = use_mounted();
    let save = |after: AfterSave| {
        let (typed, saving, error, writing, shown) = (
            typed.clone(),
            saving.clone(),
            error.clone(),
            writing.clone(),
            shown.clone(),
        );
        let default = (*default).clone();
        let (result, on_saved) = (props.result.clone(), props.on_saved.clone());
        move || {
            if *saving {
                return;
            }
            let title = match typed.trim() {
                "" => default.clone(),
                name => name.to_string(),
            };
            saving.set(true);
            let (saving, error, writing, result, on_saved, shown) = (
                saving.clone(),
                error.clone(),
                writing.clone(),
                result.clone(),
                on_saved.clone(),
                shown.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match library::save(&title, &result).await {
                    Ok(id) => id,
                    Err(e) => {
                        error.set(Some(e));
                        saving.set(false);
                        return;
                    }
                };
                if after == AfterSave::Open {
                    on_saved.emit(saved);
                    return;
                }
                // On success the page is leaving for the site page. On failure the library
                // is saved all the same (the buttons stay off: saving again would save it
                // twice), and 管理 lists it with 打开 and 分片打开.
                let opened = match library::find(&saved).await {
                    Ok(Some(meta)) => library::open_as_site(&meta, &writing, &shown).await,
                    Ok(None) => Err("刚保存的文档库找不到了".to_string()),
                    Err(e) => Err(e),
                };
                if let Err(e) = opened {
                    error.set(Some(format!(
                        "文档库已保存，但分片打开失败：{}。可在“文档库 → 管理”中打开它或再试分片打开",
                        e.trim_end_matches('。')
                    )));
                }
            });
        }
    };
    let onsubmit = {
        let save = save(AfterSave::Open);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            save();
        })
    };
    let by_site = {
        let save = save(AfterSave::OpenBySite);
        Callback::from(move |_: MouseEvent| save())
    };
    let oninput = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                typed.set(input.value());
            }
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
                        <input type="text" class="qx-input" value={(*typed).clone()} {oninput}
                            data-testid="library-name" maxlength="80" />
                    </label>
                    <button type="submit" class="qx-button qx-button-primary" data-testid="library-save"
                        disabled={*saving}>{ match (*saving, error.is_some()) {
                            (true, true) => "已保存",
                            (true, false) => "正在保存…",
                            (false, _) => "保存",
                        } }</button>
                    if r.text_bytes >= library::BIG_LIBRARY_INPUT_BYTES {
                        <button type="button" class="qx-button" data-testid="library-save-site"
                            disabled={*saving} onclick={by_site}>{ "保存并分片打开" }</button>
                    }
                    <button type="button" class="qx-button qx-button-quiet" onclick={discard}>{ "放弃" }</button>
                </form>
                if r.text_bytes >= library::BIG_LIBRARY_INPUT_BYTES {
                    <p class="qx-muted" data-testid="big-import-hint">
                        { "文档库较大：“保存”后整个载入，需要一些时间和内存；“保存并分片打开”每次搜索只读取需要的部分，第一次打开时先建立分片索引。" }
                    </p>
                }
                if let Some(done) = *writing {
                    <p role="status" data-testid="library-site-progress">{ library::site_progress_label(done) }</p>
                }
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
