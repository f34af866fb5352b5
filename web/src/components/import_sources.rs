//! Where files come from: a drop zone (files, folders via `webkitGetAsEntry`, archives), a
//! file picker (several files), a folder picker (`webkitdirectory`) and 粘贴文本 (the text
//! becomes a `.txt` file named after its first line). Emits the chosen files.

use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DragEvent, File, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::library;

/// What the import accepts (the picker's filter; a folder brings whatever it holds).
const ACCEPT: &str = ".txt,.md,.markdown,.html,.htm,.jsonl,.zip,.qx,text/plain,text/html";

#[derive(Properties, PartialEq)]
pub struct ImportSourcesProps {
    pub on_files: Callback<Vec<File>>,
}

#[component]
pub fn ImportSources(props: &ImportSourcesProps) -> Html {
    let over = use_state(|| false);
    let paste = use_node_ref();
    // 导入粘贴的文本 clicked with nothing (or only blanks) in the box: said, not ignored.
    let paste_blank = use_state(|| false);

    let from_input = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let files = input.files().map(|l| list(&l)).unwrap_or_default();
            input.set_value("");
            on_files.emit(files);
        })
    };
    let ondragover = {
        let over = over.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            over.set(true);
        })
    };
    let ondragleave = {
        let over = over.clone();
        Callback::from(move |_: DragEvent| over.set(false))
    };
    let ondrop = {
        let (over, on_files) = (over.clone(), props.on_files.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            over.set(false);
            let Some(data) = e.data_transfer() else {
                return;
            };
            // Entries must be taken during the event; reading them can wait.
            let entries: Array = Reflect::get(&data, &"items".into())
                .map(|items| Array::from(&items))
                .unwrap_or_default()
                .iter()
                .filter_map(|item| {
                    let get = Reflect::get(&item, &"webkitGetAsEntry".into()).ok()?;
                    let get = get.dyn_into::<js_sys::Function>().ok()?;
                    get.call0(&item).ok().filter(|e| !e.is_null())
                })
                .collect();
            let plain = data.files().map(|l| list(&l)).unwrap_or_default();
            let on_files = on_files.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let files = if entries.length() > 0 {
                    library::files_from_entries(entries).await.unwrap_or(plain)
                } else {
                    plain
                };
                on_files.emit(files);
            });
        })
    };
    let on_paste = {
        let (paste, on_files) = (paste.clone(), props.on_files.clone());
        let paste_blank = paste_blank.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(area) = paste.cast::<HtmlTextAreaElement>() else {
                return;
            };
            match pasted_file(&area.value()) {
                Some(file) => {
                    area.set_value("");
                    on_files.emit(vec![file]);
                }
                None => {
                    paste_blank.set(true);
                    let _ = area.focus();
                }
            }
        })
    };
    let on_paste_input = {
        let paste_blank = paste_blank.clone();
        Callback::from(move |_: InputEvent| paste_blank.set(false))
    };

    html! {
        <div class="qx-sources">
            <div class={classes!("qx-drop", over.then_some("qx-drop-over"))} data-testid="drop-zone"
                {ondragover} {ondragleave} {ondrop}>
                <svg class="qx-drop-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M12 16V4M7 9l5-5 5 5M4 16v4h16v-4" />
                </svg>
                <p class="qx-drop-title">{ "把文件、文件夹或压缩包拖到这里" }</p>
                <p class="qx-muted">{ "支持 .txt .md .html .jsonl、.zip 压缩包和 .qx 文档库文件；GBK、UTF-16 等编码自动识别" }</p>
                <div class="qx-drop-buttons">
                    <label class="qx-button qx-button-primary qx-file-label">
                        { "选择文件" }
                        <input type="file" multiple=true accept={ACCEPT} class="qx-file-input"
                            data-testid="import-files" onchange={from_input.clone()} />
                    </label>
                    <label class="qx-button qx-file-label">
                        { "选择文件夹" }
                        <input type="file" multiple=true webkitdirectory=true class="qx-file-input"
                            data-testid="import-folder" onchange={from_input} />
                    </label>
                </div>
            </div>
            <details class="qx-paste">
                <summary>{ "粘贴文本" }</summary>
                <textarea ref={paste} class="qx-textarea" rows="6" data-testid="paste-text"
                    placeholder="把文章粘贴到这里；第一行作为标题和文件名" oninput={on_paste_input} />
                <button type="button" class="qx-button" data-testid="paste-import" onclick={on_paste}>
                    { "导入粘贴的文本" }
                </button>
                <span class="qx-error" role="status" data-testid="paste-status">
                    { if *paste_blank { "没有可导入的文字：请先把文章粘贴到上面的框里" } else { "" } }
                </span>
            </details>
        </div>
    }
}

fn list(files: &web_sys::FileList) -> Vec<File> {
    (0..files.length()).filter_map(|i| files.get(i)).collect()
}

/// A `.txt` file holding `text`, named after its first non-empty line (at most 40
/// characters, without path separators); None for blank text.
fn pasted_file(text: &str) -> Option<File> {
    let first = text.lines().map(str::trim).find(|l| !is_blank(l))?;
    let name: String = first
        .chars()
        .map(|c| {
            if "\\/:*?\"<>|".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .take(40)
        .collect();
    let parts: Array = [JsValue::from_str(text)].into_iter().collect();
    let options = web_sys::FilePropertyBag::new();
    options.set_type("text/plain");
    File::new_with_str_sequence_and_options(&parts, &format!("{name}.txt"), &options).ok()
}

/// Whether a line has nothing to read: spaces, and the invisible characters a copy from a
/// web page carries (zero-width spaces and joiners, a byte-order mark).
fn is_blank(line: &str) -> bool {
    line.chars().all(|c| {
        c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn invisible_characters_are_blank() {
        assert!(super::is_blank("\u{200b}\u{3000}\t \u{feff}"));
        assert!(!super::is_blank("\u{200b}北碚"));
    }
}
