//! "复制链接": copy the link to the current view to the clipboard: the page's address on
//! the full page, the full app's address plus the view in an embed (see `host.rs`).
//!
//! Uses `navigator.clipboard.writeText` where the page may (secure contexts); otherwise,
//! or when the browser refuses, shows the address in a selected read-only field to copy by
//! hand. `navigator.clipboard` is reached through `Reflect` so web-sys needs no unstable
//! API flag.

use gloo_timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
enum Copied {
    Idle,
    Done,
    /// Copying failed: show this address for copying by hand.
    Manual(AttrValue),
}

#[derive(Properties, PartialEq)]
pub struct CopyLinkButtonProps {
    /// The absolute address of the current view.
    pub link: AttrValue,
}

#[component]
pub fn CopyLinkButton(props: &CopyLinkButtonProps) -> Html {
    let copied = use_state(|| Copied::Idle);
    let reset = use_mut_ref(|| None::<Timeout>);
    let field = use_node_ref();

    let onclick = {
        let (copied, reset, link) = (copied.clone(), reset.clone(), props.link.clone());
        Callback::from(move |_| {
            let href = link.to_string();
            let (copied, reset) = (copied.clone(), reset.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let ok = match write_clipboard(&href) {
                    Some(promise) => JsFuture::from(promise).await.is_ok(),
                    None => false,
                };
                if ok {
                    copied.set(Copied::Done);
                    let c = copied.clone();
                    *reset.borrow_mut() = Some(Timeout::new(2000, move || c.set(Copied::Idle)));
                } else {
                    copied.set(Copied::Manual(href.into()));
                }
            });
        })
    };

    {
        let field = field.clone();
        use_effect_with((*copied).clone(), move |c| {
            if let (Copied::Manual(_), Some(input)) = (c, field.cast::<HtmlInputElement>()) {
                let _ = input.focus();
                input.select();
            }
        });
    }
    let close = {
        let copied = copied.clone();
        Callback::from(move |_| copied.set(Copied::Idle))
    };

    let label = if *copied == Copied::Done {
        "已复制"
    } else {
        "复制链接"
    };
    html! {
        <div class="qx-copy">
            <button type="button" class="qx-button qx-copy-button" data-testid="copy-link"
                title="复制当前视图的链接" {onclick}>
                <svg viewBox="0 0 24 24" aria-hidden="true" class="qx-icon">
                    <path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1" />
                    <path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" />
                </svg>
                <span class="qx-copy-label" aria-live="polite">{ label }</span>
            </button>
            if let Copied::Manual(href) = &*copied {
                <div class="qx-copy-manual" role="dialog" aria-label="复制链接">
                    <label>{ "按 Ctrl+C 复制：" }
                        <input ref={field} class="qx-copy-field" readonly=true value={href.clone()} />
                    </label>
                    <button type="button" class="qx-button qx-button-quiet" onclick={close}>{ "关闭" }</button>
                </div>
            }
        </div>
    }
}

/// Start `navigator.clipboard.writeText(text)`; `None` when the API is missing.
fn write_clipboard(text: &str) -> Option<js_sys::Promise> {
    let navigator: JsValue = web_sys::window()?.navigator().into();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok()?;
    let write = js_sys::Reflect::get(&clipboard, &"writeText".into()).ok()?;
    let write: js_sys::Function = write.dyn_into().ok()?;
    write.call1(&clipboard, &text.into()).ok()?.dyn_into().ok()
}
