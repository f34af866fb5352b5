//! 区县与主题: custom data for the open library. Upload a gazetteer file (another
//! province's districts, same format as `data/gazetteer.txt`) and edit the topic keywords
//! (prefilled with the library's topics, else the built-in `data/topics.txt`); 重新标注
//! rebuilds the library's districts and topics in the worker, saves it and shows it. A bad
//! line is reported with its number and the library stays as it was.

use std::rc::Rc;

use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::library::{self, LibraryMeta};

#[derive(Properties, PartialEq)]
pub struct AnnotationEditorProps {
    /// The open library (None: the built-in corpus, which cannot be re-annotated here).
    pub library: Option<Rc<LibraryMeta>>,
    /// Re-annotated: the library's id and new bundle.
    pub on_reannotated: Callback<(String, Rc<Vec<u8>>)>,
    pub on_changed: Callback<()>,
    /// Whether the panel holds edits not applied yet (typed topics, an uploaded gazetteer):
    /// closing the dialog would lose them.
    pub on_unsaved: Callback<bool>,
}

/// Asked before 重新标注 with a topic table that has no topic left.
const NO_TOPICS: &str = "新的主题表里没有任何主题：重新标注后，文档库的主题筛选会全部消失。确定继续吗？（可用“恢复内置主题表”找回内置的主题）";

/// Asked before 重新标注 with a gazetteer that has no district (an empty or wrong file).
const NO_DISTRICTS: &str = "新的区县表里没有任何区县（没有以 district 开头的行）：重新标注后，文档库的区县标注和筛选会全部消失。确定继续吗？（可用“恢复内置区县表”找回内置的区县）";

#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    Working,
    Done,
    Failed(String),
}

#[component]
pub fn AnnotationEditor(props: &AnnotationEditorProps) -> Html {
    // (gazetteer, topics) built-in texts, once read from the import engine.
    let defaults = use_state(|| None::<Rc<(String, String)>>);
    // A gazetteer uploaded here: (file name, text); None keeps the library's.
    let uploaded = use_state(|| None::<(String, String)>);
    let status = use_state(|| Status::Idle);
    // The topic table as typed (None: not edited, the library's own), kept in state: a
    // re-render (a gazetteer uploaded or reset) would otherwise put the library's text back
    // into the box and lose the typing. 重新标注 sends this text.
    let typed = use_state(|| None::<String>);
    {
        let typed = typed.clone();
        let library = props.library.as_ref().map(|l| l.id.clone());
        use_effect_with(library, move |_| typed.set(None));
    }
    {
        let (defaults, status) = (defaults.clone(), status.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match library::default_data().await {
                    Ok(d) => defaults.set(Some(Rc::new(d))),
                    Err(e) => status.set(Status::Failed(e)),
                }
            });
        });
    }
    let Some(lib) = props.library.clone() else {
        return html! {
            <div class="qx-annotate" data-testid="annotate-panel">
                <p class="qx-muted">{ "自定义区县和主题只适用于自己的文档库：请先导入或打开一个文档库。" }</p>
            </div>
        };
    };
    let Some(builtin) = (*defaults).clone() else {
        return match &*status {
            Status::Failed(e) => html! { <p class="qx-error" role="alert">{ e.clone() }</p> },
            _ => html! { <p class="qx-muted" role="status">{ "正在读取内置数据…" }</p> },
        };
    };

    let on_upload = {
        let uploaded = uploaded.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|l| l.get(0)) else {
                return;
            };
            let uploaded = uploaded.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(buffer) = JsFuture::from(file.array_buffer()).await {
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    uploaded.set(Some((file.name(), decode_data_file(&bytes))));
                }
            });
        })
    };
    let gazetteer: Option<String> = match (&*uploaded, &lib.gazetteer) {
        (Some((_, text)), _) => Some(text.clone()),
        (None, custom) => custom.clone(),
    };
    let gazetteer_label = match (&*uploaded, &lib.gazetteer) {
        (Some((name, _)), _) => format!("将使用上传的 {name}"),
        (None, Some(_)) => "当前使用自定义区县表".to_string(),
        (None, None) => "当前使用内置区县表（重庆市各区县）".to_string(),
    };
    let reset_gazetteer = {
        let uploaded = uploaded.clone();
        let text = builtin.0.clone();
        Callback::from(move |_: MouseEvent| uploaded.set(Some(("内置区县表".into(), text.clone()))))
    };
    let saved_topics = lib
        .topics
        .clone()
        .unwrap_or_else(|| editable_topics(&builtin.1));
    let topics_text = (*typed).clone().unwrap_or_else(|| saved_topics.clone());
    let unsaved = uploaded.is_some() || topics_text != saved_topics;
    {
        let on_unsaved = props.on_unsaved.clone();
        use_effect_with(unsaved, move |unsaved| on_unsaved.emit(*unsaved));
    }
    let reset_topics = {
        let (typed, text) = (typed.clone(), editable_topics(&builtin.1));
        Callback::from(move |_: MouseEvent| typed.set(Some(text.clone())))
    };
    let onsubmit = {
        let (status, typed, builtin) = (status.clone(), topics_text.clone(), builtin.clone());
        let (on_done, on_changed) = (props.on_reannotated.clone(), props.on_changed.clone());
        let (lib, uploaded) = (lib.clone(), uploaded.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let typed = typed.clone();
            let no_districts = (gazetteer.as_deref())
                .is_some_and(quxian_core::DataFiles::gazetteer_declares_no_district);
            let declined = (!has_topics(&typed) && !crate::dom::confirm(NO_TOPICS))
                || (no_districts && !crate::dom::confirm(NO_DISTRICTS));
            if declined {
                // Nothing applied: an earlier 已重新标注并保存 would say otherwise.
                status.set(Status::Idle);
                return;
            }
            // The built-in texts are passed as "none", so the library records no custom data.
            let topics =
                (typed != builtin.1 && typed != editable_topics(&builtin.1)).then_some(typed);
            let gazetteer = gazetteer.clone().filter(|g| *g != builtin.0);
            status.set(Status::Working);
            let (status, on_done, on_changed, lib, uploaded) = (
                status.clone(),
                on_done.clone(),
                on_changed.clone(),
                lib.clone(),
                uploaded.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match library::reannotate(&lib, gazetteer, topics).await {
                    Ok(bytes) => {
                        status.set(Status::Done);
                        // Applied: the library now holds it.
                        uploaded.set(None);
                        on_changed.emit(());
                        on_done.emit((lib.id.clone(), Rc::new(bytes)));
                    }
                    Err(e) => status.set(Status::Failed(format!("重新标注失败：{e}"))),
                }
            });
        })
    };
    let oninput = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() {
                typed.set(Some(area.value()));
            }
        })
    };
    let working = *status == Status::Working;
    html! {
        <form class="qx-annotate" data-testid="annotate-panel" {onsubmit}>
            <p class="qx-muted">{ format!("为文档库“{}”重新标注区县和主题：", lib.name) }</p>
            <fieldset class="qx-fieldset">
                <legend>{ "区县表" }</legend>
                <p data-testid="gazetteer-status">{ gazetteer_label }</p>
                <div class="qx-form-row">
                    <label class="qx-button qx-file-label">
                        { "上传区县表…" }
                        <input type="file" accept=".txt,text/plain" class="qx-file-input"
                            data-testid="gazetteer-file" onchange={on_upload} />
                    </label>
                    <button type="button" class="qx-button qx-button-quiet" onclick={reset_gazetteer}>{ "恢复内置区县表" }</button>
                </div>
                <p class="qx-muted qx-small">{ "格式与 data/gazetteer.txt 相同：每行一条记录，例如“district 北碚 区 北碚区”（名称、类别、全称）、“place 北碚 缙云山”（区县内的地点）或“tile 北碚 2 2”（区县在地图上的列和行，从 0 起）。" }</p>
            </fieldset>
            <fieldset class="qx-fieldset">
                <legend>{ "主题关键词" }</legend>
                <textarea class="qx-textarea qx-code" rows="12" spellcheck="false" aria-label="主题关键词"
                    data-testid="topics-text" value={topics_text} {oninput} />
                <div class="qx-form-row">
                    <p class="qx-muted qx-small">{ "每行：主题名 关键词…；关键词前加 * 表示强关键词。" }</p>
                    <button type="button" class="qx-button qx-button-quiet" data-testid="reset-topics"
                        onclick={reset_topics}>{ "恢复内置主题表" }</button>
                </div>
            </fieldset>
            <div class="qx-form-row">
                <button type="submit" class="qx-button qx-button-primary" data-testid="reannotate" disabled={working}>
                    { if working { "正在重新标注…" } else { "重新标注" } }
                </button>
                <span role="status" data-testid="annotate-status" class={classes!(matches!(*status, Status::Failed(_)).then_some("qx-error"))}>
                    { match &*status {
                        Status::Done => "已重新标注并保存。".to_string(),
                        Status::Failed(e) => e.clone(),
                        _ => String::new(),
                    } }
                </span>
            </div>
        </form>
    }
}

/// The header that explains the topic table in the editor, in place of the built-in file's
/// English comments (the lines below it are the file's own).
const TOPICS_HEADER: &str = "\
# 主题关键词表（格式与 data/topics.txt 相同）
#
# 每行一个主题：主题名 关键词1 关键词2 …，用空格分隔。关键词前加 * 是强关键词：一个强
# 关键词就能标注主题，普通关键词要出现两次或与别的关键词一起出现。每个关键词在整个表中
# 只能出现一次。以 # 开头的行是注释。
#
# 两种特殊行（不是主题）：
#   not-before 词…   关键词紧接在这些词前面时不算（如“科技 有限公司”里的 科技）
#   not-after 词…    关键词紧跟在这些词后面时不算（如“免费 开放”里的 开放）
";

/// Whether a topic table has a topic line (not only comments and `not-before` /
/// `not-after` lines).
fn has_topics(text: &str) -> bool {
    text.lines().map(str::trim).any(|l| {
        !l.is_empty()
            && !l.starts_with('#')
            && !l.starts_with("not-before")
            && !l.starts_with("not-after")
    })
}

/// The built-in topic table for editing: its leading comment block replaced by
/// [`TOPICS_HEADER`].
fn editable_topics(builtin: &str) -> String {
    let body: Vec<&str> = builtin
        .lines()
        .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
        .collect();
    format!("{TOPICS_HEADER}\n{}\n", body.join("\n"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_editable_topics_keep_every_data_line_under_a_chinese_header() {
        let builtin = include_str!("../../../data/topics.txt");
        let edited = super::editable_topics(builtin);
        assert!(edited.starts_with("# 主题关键词表"));
        let data = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .map(str::to_string)
                .collect()
        };
        assert_eq!(data(&edited), data(builtin));
        assert!(!edited.contains("Format:"), "no English comments left");
        assert!(super::has_topics(&edited));
        assert!(!super::has_topics("# 注释\n\nnot-before 公司\n"));
    }
}

/// A data file's text, read as document import reads files: UTF-8 (a BOM dropped), UTF-16
/// with a BOM, else GB18030 — what Windows Notepad in China saves as "ANSI". (UTF-8 is
/// checked here; the others use the browser's decoder, which this wasm carries no tables
/// for.)
fn decode_data_file(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    let label = match bytes {
        [0xFF, 0xFE, ..] => "utf-16le",
        [0xFE, 0xFF, ..] => "utf-16be",
        _ => "gb18030",
    };
    web_sys::TextDecoder::new_with_label(label)
        .and_then(|d| d.decode_with_u8_array(bytes))
        .unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned())
}
