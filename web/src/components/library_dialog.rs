//! The "我的文档库" dialog: three tabs over the user's own libraries: 导入文档 (the import
//! flow), 管理 (rename, export, delete) and 区县与主题 (custom data, re-annotation). It
//! only lays out the tabs; each tab is its own component and reports back in domain values.

use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::{AnnotationEditor, ImportPanel, LibraryList};
use crate::library::LibraryMeta;

/// Asked before the dialog closes while the import tab holds work not saved yet.
const LEAVE_IMPORT: &str = "这次导入还没有保存，关闭窗口会放弃它。确定关闭吗？";
/// Asked before the dialog closes while 区县与主题 holds edits not applied.
const LEAVE_EDITS: &str =
    "区县与主题的修改还没有应用（点“重新标注”才会保存），关闭窗口会放弃这些修改。确定关闭吗？";

/// Which tab is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogTab {
    Import,
    Manage,
    Data,
}

#[derive(Properties, PartialEq)]
pub struct LibraryDialogProps {
    pub tab: DialogTab,
    /// Saved libraries, newest first.
    pub libraries: Rc<Vec<LibraryMeta>>,
    /// The open library's id (None: the built-in corpus).
    pub current: Option<AttrValue>,
    /// Show another tab.
    pub on_tab: Callback<DialogTab>,
    pub on_close: Callback<()>,
    /// Open a library (None: the built-in corpus); emitted after a save, or from 管理.
    pub on_open: Callback<Option<String>>,
    /// Storage changed: reread the list.
    pub on_changed: Callback<()>,
    /// A library was deleted (the open one: the app opens the built-in corpus).
    pub on_deleted: Callback<String>,
    /// The current library was re-annotated: its id and new bundle.
    pub on_reannotated: Callback<(String, Rc<Vec<u8>>)>,
}

#[component]
pub fn LibraryDialog(props: &LibraryDialogProps) -> Html {
    let dialog = use_node_ref();
    // Closing drops the import panel and with it a running import or an unsaved report, so
    // it asks first then; tabs only hide the panel (see below).
    let busy = use_mut_ref(|| false);
    let on_busy = {
        let busy = busy.clone();
        Callback::from(move |b: bool| *busy.borrow_mut() = b)
    };
    // The same for edits in 区县与主题 not applied yet.
    let unsaved = use_mut_ref(|| false);
    let on_unsaved = {
        let unsaved = unsaved.clone();
        Callback::from(move |u: bool| *unsaved.borrow_mut() = u)
    };
    let may_close = {
        let (busy, unsaved) = (busy.clone(), unsaved.clone());
        move || {
            (!*busy.borrow() || crate::dom::confirm(LEAVE_IMPORT))
                && (!*unsaved.borrow() || crate::dom::confirm(LEAVE_EDITS))
        }
    };
    // 区县与主题 is mounted the first time its tab is shown (it reads the built-in data
    // then), and stays mounted, hidden, on the other tabs: leaving its tab keeps the edits.
    let data_shown = use_mut_ref(|| false);
    if props.tab == DialogTab::Data {
        *data_shown.borrow_mut() = true;
    }
    let request_close = {
        let (may_close, on_close) = (may_close.clone(), props.on_close.clone());
        Callback::from(move |()| {
            if may_close() {
                on_close.emit(());
            }
        })
    };
    // A native modal dialog: the page behind it is inert, so Tab stays inside. Focus goes
    // back where it was when the dialog closes, or to the corpus switcher that opened it
    // (its menu item is gone by then).
    {
        let dialog = dialog.clone();
        use_effect_with((), move |_| {
            let element = dialog.cast::<web_sys::HtmlDialogElement>();
            let opener = crate::dom::active_element();
            let app = element
                .as_ref()
                .and_then(|d| d.closest(".qx-app").ok().flatten());
            if let Some(d) = &element {
                let _ = d.show_modal();
            }
            move || {
                if let Some(d) = element {
                    d.close();
                }
                // After the app has re-rendered without the dialog: the opener may be gone
                // (a closed menu's item; then focus was on the body), then the switcher.
                gloo_timers::callback::Timeout::new(0, move || {
                    let opener = opener.filter(|e| e.tag_name() != "BODY");
                    if !opener.as_ref().is_some_and(crate::dom::focus_if_possible) {
                        let switcher = app.and_then(|a| {
                            a.query_selector("[data-testid=corpus-switcher]")
                                .ok()
                                .flatten()
                        });
                        switcher.as_ref().map(crate::dom::focus_if_possible);
                    }
                })
                .forget();
            }
        });
    }
    // Esc closes, unless a field inside handles it; the listener is capturing so the
    // page's own Esc (close the reader) does not also fire.
    {
        let on_close = request_close.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                let options = gloo_events::EventListenerOptions::run_in_capture_phase();
                EventListener::new_with_options(&w, "keydown", options, move |e| {
                    if let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() {
                        if k.key() == "Escape" {
                            e.stop_propagation();
                            on_close.emit(());
                        }
                    }
                })
            });
            move || drop(listener)
        });
    }
    let tab_button = |tab: DialogTab, label: &str, testid: &str| {
        let on_tab = props.on_tab.clone();
        let selected = props.tab == tab;
        html! {
            <button type="button" role="tab" aria-selected={selected.to_string()}
                class={classes!("qx-tab", selected.then_some("qx-tab-current"))}
                data-testid={testid.to_string()} onclick={move |_| on_tab.emit(tab)}>{ label.to_string() }</button>
        }
    };
    let close = request_close.reform(|_: MouseEvent| ());
    let on_open = {
        let on_open = props.on_open.clone();
        Callback::from(move |id: Option<String>| {
            if may_close() {
                on_open.emit(id);
            }
        })
    };
    let current = props.current.as_ref().and_then(|id| {
        props
            .libraries
            .iter()
            .find(|l| l.id == id.as_str())
            .cloned()
    });
    // The import panel stays mounted on the other tabs: leaving its tab keeps a running
    // import and its report.
    let import = html! {
        <div hidden={props.tab != DialogTab::Import}>
            <ImportPanel on_saved={props.on_open.reform(Some)} on_changed={props.on_changed.clone()}
                {on_busy} />
        </div>
    };
    let data = match *data_shown.borrow() {
        true => html! {
            <div hidden={props.tab != DialogTab::Data}>
                <AnnotationEditor library={current.map(Rc::new)} on_reannotated={props.on_reannotated.clone()}
                    on_changed={props.on_changed.clone()} {on_unsaved} />
            </div>
        },
        false => crate::dom::nothing(),
    };
    let body = match props.tab {
        DialogTab::Manage => html! {
            <LibraryList libraries={props.libraries.clone()} current={props.current.clone()}
                {on_open} on_changed={props.on_changed.clone()}
                on_deleted={props.on_deleted.clone()} />
        },
        _ => crate::dom::nothing(),
    };
    // The browser's own close request (Esc) is left to the listener above, which tells the
    // app; the dialog element itself never closes behind the app's back.
    let oncancel = Callback::from(|e: Event| e.prevent_default());
    html! {
            <dialog ref={dialog} class="qx-dialog" aria-labelledby="qx-dialog-title"
                data-testid="library-dialog" {oncancel}>
                <header class="qx-dialog-head">
                    <h2 id="qx-dialog-title">{ "我的文档库" }</h2>
                    <p class="qx-muted qx-dialog-lead">{ "文件只在本机浏览器中处理和保存，不会上传。" }</p>
                    <button type="button" class="qx-button qx-button-quiet qx-dialog-close" aria-label="关闭"
                        data-testid="dialog-close" onclick={close}>{ "×" }</button>
                </header>
                <nav class="qx-tabs" role="tablist">
                    { tab_button(DialogTab::Import, "导入文档", "tab-import") }
                    { tab_button(DialogTab::Manage, "管理", "tab-manage") }
                    { tab_button(DialogTab::Data, "区县与主题", "tab-data") }
                </nav>
                <div class="qx-dialog-body">{ import }{ data }{ body }</div>
            </dialog>
    }
}
