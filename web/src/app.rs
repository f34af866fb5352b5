//! The root component: owns the reducer, wires the hooks, memoizes derived data and picks
//! the page to show.

use yew::prelude::*;

use std::rc::Rc;

use crate::components::{
    CopyLinkButton, CorpusSwitcher, DialogTab, LibraryDialog, LoadStatusView, NoticeBar, SearchBox,
};
use crate::derive::{self, Shared};
use crate::dom;
use crate::hooks::{
    searcher_from, use_corpus_loader, use_focus_landing, use_hash_route, use_keyboard,
    use_libraries, use_library_watch, KeyTargets, Page,
};
use crate::host::HostRef;
use crate::pages::{Overview, Reader, Results};
use crate::state::{search_key, Action, AppState, CorpusHandle};

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// Where this explorer runs (see `host.rs`).
    pub host: HostRef,
}

/// The explorer.
#[component]
pub fn App(props: &AppProps) -> Html {
    let host = props.host.clone();
    let state = {
        let host = host.clone();
        use_reducer(move || {
            let (view, notices) = host.start_view();
            AppState::new(view, notices)
        })
    };
    use_hash_route(&state, &host);
    use_corpus_loader(&state, &host);
    let libraries = use_libraries(host.libraries() && state.view.library.is_some());
    use_library_watch(
        state.view.library.clone().filter(|_| host.libraries()),
        state.dispatcher(),
    );
    let dialog = use_state(|| None::<DialogTab>);
    {
        let host = host.clone();
        use_effect_with(state.view.clone(), move |view| host.emit_view(view));
    }
    let search_ref = use_node_ref();

    let corpus = state.corpus().cloned();
    let generation = corpus.as_ref().map_or(0, |c| c.generation);
    let view = &state.view;
    let found = {
        let corpus = corpus.clone();
        let key = (generation, search_key(view), state.listed);
        use_memo(key, move |(_, key, listed)| {
            corpus.map(|c| Shared(std::rc::Rc::new(derive::search(&c.searcher, key, *listed))))
        })
    };
    let stats = {
        let corpus = corpus.clone();
        use_memo(generation, move |_| {
            corpus.map(|c| Shared(std::rc::Rc::new(derive::stats(&c.searcher))))
        })
    };

    let groups = found
        .as_ref()
        .as_ref()
        .map_or(0, |f| f.results.groups.len());
    let focused = state.focus.and_then(|i| {
        let f = found.as_ref().as_ref()?;
        let group = f.results.groups.get(i)?;
        let c = corpus.as_ref()?.searcher.corpus();
        let doc = c.doc(group.doc)?;
        let first = group.hits.first()?;
        Some((
            doc.key.clone(),
            first.passage.0.saturating_sub(doc.passages.start),
        ))
    });
    use_keyboard(
        host.clone(),
        state.dispatcher(),
        search_ref.clone(),
        KeyTargets {
            reader_open: view.doc.is_some(),
            groups,
            has_focus: state.focus.is_some(),
            focused,
        },
    );

    let dispatch = |f: fn(String) -> Action| {
        let d = state.dispatcher();
        Callback::from(move |q: String| d.dispatch(f(q)))
    };
    let on_type = dispatch(Action::TypeQuery);
    let on_submit = dispatch(Action::SubmitQuery);
    let on_home = {
        let d = state.dispatcher();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            d.dispatch(Action::Home);
        })
    };

    let mut notices: Vec<String> = (*state.link_notices).clone();
    if let Some(f) = found.as_ref() {
        notices.extend(f.notices.iter().cloned());
    }

    let current = view.library.clone().map(AttrValue::from);
    let open_library = {
        let (d, dialog) = (state.dispatcher(), dialog.clone());
        Callback::from(move |lib: Option<String>| {
            dialog.set(None);
            d.dispatch(Action::OpenLibrary(lib));
        })
    };
    let switcher = host.libraries().then(|| {
        let dialog = dialog.clone();
        html! {
            <CorpusSwitcher libraries={libraries.list.clone()} current={current.clone()}
                on_select={open_library.clone()} on_dialog={Callback::from(move |t| dialog.set(Some(t)))}
                on_refresh={libraries.refresh.clone()} />
        }
    });
    let library_dialog = (*dialog).map(|tab| {
        let (on_tab, on_close) = {
            let (a, b) = (dialog.clone(), dialog.clone());
            (
                Callback::from(move |t| a.set(Some(t))),
                Callback::from(move |()| b.set(None)),
            )
        };
        let on_reannotated = {
            let d = state.dispatcher();
            Callback::from(move |(id, bytes): (String, Rc<Vec<u8>>)| {
                let d = d.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match searcher_from("重新标注后的文档库", &bytes).await {
                        Ok(s) => d.dispatch(Action::Loaded(Rc::new(s), Some(id))),
                        Err(e) => d.dispatch(Action::LoadFailed(e)),
                    }
                });
            })
        };
        let on_deleted = {
            let d = state.dispatcher();
            Callback::from(move |id: String| d.dispatch(Action::LibraryDeleted(id)))
        };
        html! {
            <LibraryDialog {tab} libraries={libraries.list.clone()} current={current.clone()}
                {on_tab} {on_close} on_open={open_library.clone()} on_changed={libraries.refresh.clone()}
                {on_reannotated} {on_deleted} />
        }
    });

    let shown_page = match (&corpus, found.as_ref(), stats.as_ref()) {
        (Some(_), Some(_), Some(_)) => Some(match &view.doc {
            Some(key) => Page::Reader(key.clone()),
            None if view.is_overview() => Page::Overview,
            None => Page::Results,
        }),
        _ => None,
    };
    use_focus_landing(host.clone(), shown_page);

    let body = match (&corpus, found.as_ref(), stats.as_ref()) {
        (Some(handle), Some(found), Some(stats)) => page(&state, &host, handle, found, stats),
        _ => html! { <LoadStatusView status={state.load.clone()} /> },
    };

    // Past the header and, on the results, straight to the list (past the facets, the
    // map, the timeline and the export buttons, which Shift+Tab reaches): keyboard users
    // reach the first result with Tab, Enter, Tab.
    let skip_to_content = Callback::from(|event: MouseEvent| {
        dom::focus_in_app(&event, &["#qx-hits", "#qx-results", "#qx-main"]);
    });
    html! {
        <div class="qx-app" data-theme={host.theme}>
            <header class="qx-header">
                <button type="button" class="qx-skip" onclick={skip_to_content}>{ "跳到主要内容" }</button>
                <a class="qx-brand" href={host.href(&crate::state::home(view))} onclick={on_home}>
                    <span class="qx-brand-mark" aria-hidden="true">{ "区" }</span>
                    <span class="qx-brand-name">{ "区县" }</span>
                    <span class="qx-sr">{ " · 回到概览" }</span>
                </a>
                { switcher }
                <SearchBox query={AttrValue::from(view.query.clone())} {on_type} {on_submit} input_ref={search_ref} />
                <CopyLinkButton link={AttrValue::from(host.share_url(view))} />
            </header>
            <NoticeBar notices={std::rc::Rc::new(notices)} />
            <main class="qx-main" id="qx-main" tabindex="-1">{ body }</main>
            { library_dialog }
        </div>
    }
}

fn page(
    state: &UseReducerHandle<AppState>,
    host: &HostRef,
    handle: &CorpusHandle,
    found: &Shared<derive::Found>,
    stats: &Shared<derive::Stats>,
) -> Html {
    let view = &state.view;
    let dispatcher = state.dispatcher();
    let corpus = handle.clone();
    let content = if let Some(key) = &view.doc {
        html! {
            <Reader doc_key={AttrValue::from(key.clone())} passage={view.passage}
                found={found.clone()} {dispatcher} />
        }
    } else if view.is_overview() {
        html! { <Overview found={found.clone()} stats={stats.clone()} {dispatcher} /> }
    } else {
        html! { <Results found={found.clone()} focus={state.focus} view={view.clone()} {dispatcher} /> }
    };
    html! {
        <ContextProvider<HostRef> context={host.clone()}>
            <ContextProvider<CorpusHandle> context={corpus}>{ content }</ContextProvider<CorpusHandle>>
        </ContextProvider<HostRef>>
    }
}
