//! The import flow: choose files (sources) → progress with 取消, and a search of the
//! documents indexed so far → report, name and 保存.
//! The files are indexed in a Web Worker (`quxian-library.js`), so the page stays
//! responsive. The panel tells the dialog when it holds work not saved yet (an import
//! running, or a report): closing the dialog then asks first, since closing cancels the
//! import (see `library_dialog.rs`). Saving stores the library in
//! IndexedDB and opens it; a full disk keeps the report on screen with the reason, and
//! earlier libraries stay as they were.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::{ImportPreview, ImportProgress, ImportReport, ImportSources};
use crate::library::{self, ImportError, ImportResult, ImportSearch, Progress};

#[derive(Clone, PartialEq)]
enum Phase {
    /// Waiting for files; the message says how the last attempt ended, if it did not save.
    Choose(Option<(bool, AttrValue)>),
    Running(Progress),
    Report(Rc<ImportResult>),
}

#[derive(Properties, PartialEq)]
pub struct ImportPanelProps {
    /// A library was saved: its id.
    pub on_saved: Callback<String>,
    /// Storage changed: reread the list.
    pub on_changed: Callback<()>,
    /// Whether the panel holds work that closing would lose: an import running, or its
    /// report not saved yet (one with documents: a report of nothing has nothing to lose).
    pub on_busy: Callback<bool>,
}

#[component]
pub fn ImportPanel(props: &ImportPanelProps) -> Html {
    let phase = use_state(|| Phase::Choose(None));
    {
        let busy = match &*phase {
            Phase::Choose(_) => false,
            Phase::Running(_) => true,
            Phase::Report(result) => result.documents > 0,
        };
        let on_busy = props.on_busy.clone();
        use_effect_with(busy, move |busy| on_busy.emit(*busy));
    }
    // The search of the documents indexed so far, while an import runs.
    let search = use_state(|| None::<ImportSearch>);
    let controller = use_mut_ref(|| None::<web_sys::AbortController>);
    // Cancel a running import when the dialog closes.
    {
        let controller = controller.clone();
        use_effect_with((), move |_| {
            move || {
                if let Some(c) = controller.borrow_mut().take() {
                    c.abort();
                }
            }
        });
    }

    let on_files = {
        let (phase, controller, search) = (phase.clone(), controller.clone(), search.clone());
        Callback::from(move |files: Vec<web_sys::File>| {
            if files.is_empty() || controller.borrow().is_some() {
                return;
            }
            let Ok(abort) = web_sys::AbortController::new() else {
                return;
            };
            let signal = abort.signal();
            *controller.borrow_mut() = Some(abort);
            phase.set(Phase::Running(Progress {
                loading: true,
                ..Progress::default()
            }));
            let (phase, controller, search) = (phase.clone(), controller.clone(), search.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let on_progress = {
                    let phase = phase.clone();
                    Rc::new(move |p: Progress| phase.set(Phase::Running(p)))
                };
                let on_searchable = {
                    let search = search.clone();
                    Rc::new(move |s: ImportSearch| search.set(Some(s)))
                };
                let result = library::import(&files, on_progress, on_searchable, &signal).await;
                search.set(None);
                let was_running = controller.borrow_mut().take().is_some();
                if !was_running {
                    return; // the panel was closed
                }
                phase.set(match result {
                    Ok(r) => Phase::Report(Rc::new(r)),
                    Err(ImportError::Cancelled) => {
                        Phase::Choose(Some((false, "已取消导入，没有保存任何内容。".into())))
                    }
                    Err(ImportError::Failed(e)) => Phase::Choose(Some((true, e.into()))),
                });
            });
        })
    };
    let on_cancel = {
        let controller = controller.clone();
        Callback::from(move |()| {
            if let Some(c) = controller.borrow().as_ref() {
                c.abort();
            }
        })
    };
    let on_discard = {
        let phase = phase.clone();
        Callback::from(move |()| phase.set(Phase::Choose(None)))
    };
    let on_saved = {
        let (saved, changed) = (props.on_saved.clone(), props.on_changed.clone());
        Callback::from(move |id: String| {
            changed.emit(());
            saved.emit(id);
        })
    };

    match &*phase {
        Phase::Choose(message) => html! {
            <div class="qx-import" data-testid="import-panel">
                if let Some((error, text)) = message {
                    <p class={classes!("qx-import-message", error.then_some("qx-error"))} role="status"
                        data-testid="import-message">{ text.clone() }</p>
                }
                <ImportSources {on_files} />
            </div>
        },
        Phase::Running(progress) => html! {
            <>
                <ImportProgress progress={progress.clone()} {on_cancel} />
                if let Some(search) = &*search {
                    <ImportPreview search={search.clone()} />
                }
            </>
        },
        Phase::Report(result) => html! {
            <ImportReport result={result.clone()} {on_saved} {on_discard} />
        },
    }
}
