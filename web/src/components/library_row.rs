//! One saved library in 管理: name, documents and size; 打开, 分片打开 (the site page, for
//! big libraries: its index is written first, with progress in the row), 重命名 (inline),
//! 导出 (a `.qx` download) and 删除 (asks first, in the row).

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::use_mounted;
use crate::library::{self, format_bytes, LibraryMeta};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Normal,
    Renaming,
    ConfirmDelete,
}

#[derive(Properties, PartialEq)]
pub struct LibraryRowProps {
    pub library: Rc<LibraryMeta>,
    /// This library is open.
    pub current: bool,
    pub on_open: Callback<Option<String>>,
    pub on_changed: Callback<()>,
    /// Deleted: its id.
    pub on_deleted: Callback<String>,
}

#[component]
pub fn LibraryRow(props: &LibraryRowProps) -> Html {
    let mode = use_state(|| Mode::Normal);
    let error = use_state(|| None::<String>);
    let field = use_node_ref();
    let lib = props.library.clone();

    // Run a storage call; on success do `after` and reread the list. A failure changed
    // nothing stored, and its message stays in this row: rereading the list would remove
    // the row of a library deleted in another tab, and the message with it.
    let run = {
        let (error, changed) = (error.clone(), props.on_changed.clone());
        move |job: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>>>>,
              after: Box<dyn FnOnce()>| {
            let (error, changed) = (error.clone(), changed.clone());
            // The last failure's message goes while this try runs: one left over would read
            // as this try's answer.
            error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match job.await {
                    Ok(()) => {
                        after();
                        changed.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    // Another mode (取消, or 重命名 again) starts afresh: a failure's message belongs to the
    // try that failed.
    let set = |m: Mode| {
        let (mode, error) = (mode.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            error.set(None);
            mode.set(m);
        })
    };
    let open = {
        let (on_open, id) = (props.on_open.clone(), lib.id.clone());
        Callback::from(move |_: MouseEvent| on_open.emit(Some(id.clone())))
    };
    // How far it is while 分片打开 writes the site index.
    let writing = use_state(|| None::<library::SiteWritten>);
    let shown = use_mounted();
    let open_site = {
        let (lib, error, writing, shown) = (lib.clone(), error.clone(), writing.clone(), shown);
        Callback::from(move |_: MouseEvent| {
            let (lib, error, writing, shown) =
                (lib.clone(), error.clone(), writing.clone(), shown.clone());
            wasm_bindgen_futures::spawn_local(async move {
                // On success the page is leaving for the site page.
                if let Err(e) = library::open_as_site(&lib, &writing, &shown).await {
                    error.set(Some(e));
                }
            });
        })
    };
    let export = {
        let (lib, run) = (lib.clone(), run.clone());
        Callback::from(move |_: MouseEvent| {
            let lib = lib.clone();
            run(
                Box::pin(async move { library::export(&lib).await }),
                Box::new(|| ()),
            );
        })
    };
    let rename = {
        let (lib, run, field, mode) = (lib.clone(), run.clone(), field.clone(), mode.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = field
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let lib = lib.clone();
            let mode = mode.clone();
            run(
                Box::pin(async move { library::rename(&lib, &name).await }),
                Box::new(move || mode.set(Mode::Normal)),
            );
        })
    };
    let delete = {
        let (lib, run, on_deleted) = (lib.clone(), run, props.on_deleted.clone());
        Callback::from(move |_: MouseEvent| {
            let (lib, on_deleted) = (lib.clone(), on_deleted.clone());
            let id = lib.id.clone();
            run(
                Box::pin(async move { library::delete(&lib).await }),
                Box::new(move || on_deleted.emit(id)),
            );
        })
    };
    {
        let field = field.clone();
        use_effect_with(*mode, move |m| {
            if let (Mode::Renaming, Some(input)) = (m, field.cast::<HtmlInputElement>()) {
                let _ = input.focus();
                input.select();
            }
        });
    }

    let info = html! {
        <div class="qx-library-info">
            <span class="qx-library-name" data-testid="library-row-name">{ lib.name.clone() }</span>
            <span class="qx-muted qx-library-meta">
                { format!("{} 篇文档 · {}", lib.documents, format_bytes(lib.bytes)) }
                if lib.gazetteer.is_some() || lib.topics.is_some() { { " · 自定义区县/主题" } }
                if let Some(bytes) = lib.site_bytes { { format!(" · 分片索引 {}", format_bytes(bytes)) } }
            </span>
        </div>
    };
    let actions = match (*mode, *writing) {
        (Mode::Normal, Some(done)) => html! {
            <div class="qx-library-actions" role="status" data-testid="library-site-progress">
                { library::site_progress_label(done) }
            </div>
        },
        (Mode::Normal, None) => html! {
            <div class="qx-library-actions">
                if props.current {
                    <span class="qx-badge">{ "当前" }</span>
                } else {
                    <button type="button" class="qx-button" data-testid="library-open" onclick={open}>{ "打开" }</button>
                }
                <button type="button" data-testid="library-open-site" onclick={open_site}
                    class={classes!("qx-button", lib.is_big().then_some("qx-button-primary"))}
                    title="适合大的文档库：每次搜索只读取需要的部分，不把整个文档库载入内存。第一次打开时先建立分片索引">
                    { "分片打开" }
                </button>
                <button type="button" class="qx-button" data-testid="library-rename" onclick={set(Mode::Renaming)}>{ "重命名" }</button>
                <button type="button" class="qx-button" data-testid="library-export" onclick={export}>{ "导出 .qx" }</button>
                <button type="button" class="qx-button qx-button-danger" data-testid="library-delete"
                    onclick={set(Mode::ConfirmDelete)}>{ "删除" }</button>
            </div>
        },
        (Mode::Renaming, _) => html! {
            <form class="qx-library-actions" onsubmit={rename}>
                <input ref={field.clone()} type="text" class="qx-input" value={lib.name.clone()} maxlength="80"
                    aria-label="新的名称" data-testid="library-rename-input" />
                <button type="submit" class="qx-button qx-button-primary" data-testid="library-rename-save">{ "保存" }</button>
                <button type="button" class="qx-button qx-button-quiet" onclick={set(Mode::Normal)}>{ "取消" }</button>
            </form>
        },
        (Mode::ConfirmDelete, _) => html! {
            <div class="qx-library-actions qx-confirm" role="alert">
                <span>{ "删除后不能恢复，确定吗？" }</span>
                <button type="button" class="qx-button qx-button-danger" data-testid="library-delete-confirm"
                    onclick={delete}>{ "删除" }</button>
                <button type="button" class="qx-button qx-button-quiet" onclick={set(Mode::Normal)}>{ "取消" }</button>
            </div>
        },
    };
    html! {
        <li class={classes!("qx-library-row", props.current.then_some("qx-library-current"))}
            data-testid="library-row" data-library={lib.id.clone()}>
            { info }
            { actions }
            if let Some(e) = &*error { <p class="qx-error qx-library-error" role="alert">{ e.clone() }</p> }
        </li>
    }
}
