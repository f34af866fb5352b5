//! 管理: the saved libraries, one row each (open, rename, export as `.qx`, delete), plus
//! the built-in corpus at the top. A `.qx` exported here imports anywhere through 导入文档.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::LibraryRow;
use crate::library::LibraryMeta;

#[derive(Properties, PartialEq)]
pub struct LibraryListProps {
    pub libraries: Rc<Vec<LibraryMeta>>,
    /// The open library's id (None: the built-in corpus).
    pub current: Option<AttrValue>,
    pub on_open: Callback<Option<String>>,
    /// Storage changed: reread the list.
    pub on_changed: Callback<()>,
    /// A library was deleted: its id.
    pub on_deleted: Callback<String>,
}

#[component]
pub fn LibraryList(props: &LibraryListProps) -> Html {
    let builtin_current = props.current.is_none();
    let open_builtin = {
        let on_open = props.on_open.clone();
        Callback::from(move |_: MouseEvent| on_open.emit(None))
    };
    html! {
        <div class="qx-libraries" data-testid="library-list">
            <ul class="qx-library-rows">
                <li class={classes!("qx-library-row", builtin_current.then_some("qx-library-current"))}>
                    <div class="qx-library-info">
                        <span class="qx-library-name">{ "内置语料" }</span>
                        <span class="qx-muted qx-library-meta">{ "随网站发布，所有人相同" }</span>
                    </div>
                    <div class="qx-library-actions">
                        if builtin_current {
                            <span class="qx-badge">{ "当前" }</span>
                        } else {
                            <button type="button" class="qx-button" onclick={open_builtin}>{ "打开" }</button>
                        }
                    </div>
                </li>
                { for props.libraries.iter().map(|l| html! {
                    <LibraryRow key={l.id.clone()} library={Rc::new(l.clone())}
                        current={props.current.as_deref() == Some(l.id.as_str())}
                        on_open={props.on_open.clone()} on_changed={props.on_changed.clone()}
                        on_deleted={props.on_deleted.clone()} />
                }) }
            </ul>
            if props.libraries.is_empty() {
                <p class="qx-muted qx-libraries-empty">{ "还没有自己的文档库。在“导入文档”中选择文件即可建立。" }</p>
            }
        </div>
    }
}
