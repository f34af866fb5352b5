//! "内置语料 ▾" in the header: which corpus is open, and a menu to switch between the
//! built-in corpus and the user's saved libraries (with their document counts), or to open
//! the import and management dialog. Opening the menu rereads the list.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::library_dialog::DialogTab;
use crate::library::LibraryMeta;

#[derive(Properties, PartialEq)]
pub struct CorpusSwitcherProps {
    /// Saved libraries, newest first.
    pub libraries: Rc<Vec<LibraryMeta>>,
    /// The open library's id (None: the built-in corpus).
    pub current: Option<AttrValue>,
    /// Switch to a library (None: the built-in corpus).
    pub on_select: Callback<Option<String>>,
    /// Open the dialog at a tab.
    pub on_dialog: Callback<DialogTab>,
    /// The menu opened: reread the list.
    pub on_refresh: Callback<()>,
}

#[component]
pub fn CorpusSwitcher(props: &CorpusSwitcherProps) -> Html {
    let open = use_state(|| false);
    let label = match &props.current {
        None => "内置语料".to_string(),
        Some(id) => props
            .libraries
            .iter()
            .find(|l| l.id == id.as_str())
            .map_or_else(|| "文档库".to_string(), |l| l.name.clone()),
    };
    let toggle = {
        let (open, refresh) = (open.clone(), props.on_refresh.clone());
        Callback::from(move |_: MouseEvent| {
            if !*open {
                refresh.emit(());
            }
            open.set(!*open);
        })
    };
    let choose = |library: Option<String>| {
        let (open, select) = (open.clone(), props.on_select.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(false);
            select.emit(library.clone());
        })
    };
    let dialog = |tab: DialogTab| {
        let (open, on_dialog) = (open.clone(), props.on_dialog.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(false);
            on_dialog.emit(tab);
        })
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    let (wrapper, button) = (use_node_ref(), use_node_ref());
    // Esc closes the menu (and nothing behind it, such as the reader) and gives the focus
    // back to its button.
    let onkeydown = {
        let (open, button) = (open.clone(), button.clone());
        Callback::from(move |e: KeyboardEvent| {
            if *open && e.key() == "Escape" {
                e.stop_propagation();
                open.set(false);
                if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                    let _ = b.focus();
                }
            }
        })
    };
    // Tabbing out of the menu closes it: its backdrop would otherwise catch the next click.
    let onfocusout = {
        let (open, wrapper) = (open.clone(), wrapper.clone());
        Callback::from(move |e: FocusEvent| {
            let inside = |node: &web_sys::Node| {
                wrapper
                    .cast::<web_sys::Node>()
                    .is_some_and(|w| w.contains(Some(node)))
            };
            let to = e
                .related_target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            if to.is_some_and(|node| !inside(&node)) {
                open.set(false);
            }
        })
    };
    let item = |id: Option<&str>, name: &str, count: Option<u32>| {
        let checked = props.current.as_deref() == id;
        html! {
            <li>
                <button type="button" aria-pressed={checked.to_string()}
                    class={classes!("qx-menu-item", checked.then_some("qx-menu-current"))}
                    data-testid="corpus-option" data-library={id.unwrap_or("").to_string()}
                    onclick={choose(id.map(str::to_string))}>
                    <span class="qx-menu-name">{ name.to_string() }</span>
                    if let Some(n) = count { <span class="qx-menu-count">{ format!("{n} 篇") }</span> }
                </button>
            </li>
        }
    };
    html! {
        <div class={classes!("qx-switcher", open.then_some("qx-open"))} ref={wrapper} {onkeydown} {onfocusout}>
            // A disclosure (button + panel), not an ARIA menu: the panel holds links and
            // buttons reached with Tab, not a menu's arrow keys.
            <button ref={button} type="button" class="qx-button qx-switcher-button" aria-controls="qx-corpus-menu"
                aria-expanded={open.to_string()} data-testid="corpus-switcher" onclick={toggle}
                title="切换语料或导入自己的文档">
                <svg class="qx-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M4 5h6l2 2h8v12H4z" />
                </svg>
                <span class="qx-switcher-label" data-testid="corpus-name">{ label }</span>
                <span class="qx-caret" aria-hidden="true"></span>
            </button>
            if *open {
                <div class="qx-menu-backdrop" onclick={close}></div>
                <div class="qx-menu" id="qx-corpus-menu" data-testid="corpus-menu">
                    <ul>{ item(None, "内置语料", None) }</ul>
                    <p class="qx-menu-heading">{ "我的文档库" }</p>
                    if props.libraries.is_empty() {
                        <p class="qx-menu-empty qx-muted">{ "还没有文档库：导入文件即可在本机建立" }</p>
                    } else {
                        <ul>{ for props.libraries.iter().map(|l| item(Some(&l.id), &l.name, Some(l.documents))) }</ul>
                    }
                    <div class="qx-menu-actions">
                        <button type="button" class="qx-button qx-button-primary" data-testid="open-import"
                            onclick={dialog(DialogTab::Import)}>{ "导入文档…" }</button>
                        <button type="button" class="qx-button" data-testid="open-manage"
                            onclick={dialog(DialogTab::Manage)}>{ "管理…" }</button>
                    </div>
                </div>
            }
        </div>
    }
}
