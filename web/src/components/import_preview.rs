//! Searching an import while it runs: a box under the progress bar that searches the
//! documents indexed so far (a snapshot searched in its own worker, see `importFiles` in
//! `quxian-library.js`) and shows the best passage of the first few matching documents.
//! Opening a document, filters and counts come with the saved library.

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::{marked_pieces, DEBOUNCE_MS};
use crate::library::{ImportSearch, PreviewResults};

#[derive(Properties, PartialEq)]
pub struct ImportPreviewProps {
    pub search: ImportSearch,
}

/// What the box shows under itself.
#[derive(Clone, PartialEq)]
enum Answer {
    Idle,
    Searching,
    Found(String, Rc<PreviewResults>),
    Failed(String),
}

#[component]
pub fn ImportPreview(props: &ImportPreviewProps) -> Html {
    let answer = use_state(|| Answer::Idle);
    let timer = use_mut_ref(|| None::<Timeout>);
    // Answers to older queries arrive late and are dropped.
    let latest = use_mut_ref(|| 0u32);
    let input = use_node_ref();

    let run = {
        let (answer, latest, search) = (answer.clone(), latest.clone(), props.search.clone());
        move |query: String| {
            let ticket = *latest.borrow() + 1;
            *latest.borrow_mut() = ticket;
            if query.trim().is_empty() {
                answer.set(Answer::Idle);
                return;
            }
            answer.set(Answer::Searching);
            let (answer, latest, search) = (answer.clone(), latest.clone(), search.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let found = search.search(&query).await;
                if *latest.borrow() == ticket {
                    answer.set(match found {
                        Ok(results) => Answer::Found(query, Rc::new(results)),
                        Err(message) => Answer::Failed(message),
                    });
                }
            });
        }
    };
    let oninput = {
        let (timer, run) = (timer.clone(), run.clone());
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            if e.is_composing() {
                return;
            }
            let run = run.clone();
            *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || run(value)));
        })
    };
    let onsubmit = {
        let (timer, run, input) = (timer.clone(), run.clone(), input.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            timer.borrow_mut().take();
            if let Some(input) = input.cast::<HtmlInputElement>() {
                run(input.value());
            }
        })
    };

    html! {
        <section class="qx-import-preview" aria-label="搜索已索引的文档" data-testid="import-preview">
            <form role="search" {onsubmit}>
                <label class="qx-import-preview-label" for="qx-import-preview-q">
                    { "导入时也可以搜索已索引的文档" }
                </label>
                <input ref={input} id="qx-import-preview-q" class="qx-input" type="search"
                    data-testid="import-preview-input" placeholder="输入词语，如：缙云山"
                    autocomplete="off" spellcheck="false"
                    maxlength={quxian_core::MAX_QUERY_CHARS.to_string()} {oninput} />
            </form>
            { answer_view(&answer) }
        </section>
    }
}

fn answer_view(answer: &Answer) -> Html {
    let status = |text: String, error: bool| {
        html! {
            <p class={classes!("qx-muted", error.then_some("qx-error"))} role="status"
                data-testid="import-preview-status">{ text }</p>
        }
    };
    match answer {
        Answer::Idle => crate::dom::nothing(),
        Answer::Searching => status("正在搜索…".to_string(), false),
        Answer::Failed(message) => status(message.clone(), true),
        Answer::Found(query, results) => html! {
            <>
                { status(preview_status(query, results), false) }
                <ul class="qx-import-preview-hits" data-testid="import-preview-hits">
                    { for results.hits.iter().map(|hit| html! {
                        <li>
                            <strong>{ hit.title.clone() }</strong>
                            <p>{ marked_pieces(hit.pieces.iter().map(|(t, m)| (t.as_str(), *m))) }</p>
                        </li>
                    }) }
                </ul>
            </>
        },
    }
}

/// "已索引的 120 篇文档中有 12 篇含“缙云山”（导入完成前还会增加）".
fn preview_status(query: &str, r: &PreviewResults) -> String {
    if r.searched_documents == 0 {
        return "还没有索引完的文档：请稍候再搜索".to_string();
    }
    let found = match r.total_docs {
        0 => format!("已索引的 {} 篇文档中没有“{query}”", r.searched_documents),
        n => format!(
            "已索引的 {} 篇文档中有 {n} 篇含“{query}”",
            r.searched_documents
        ),
    };
    let after = if r.capped {
        "（导入较大，只搜索了这些；保存后可搜索全部，打开全文和筛选）"
    } else {
        "（导入完成前还会增加；保存后可打开全文和筛选）"
    };
    format!("{found}{after}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_says_what_was_searched() {
        let mut r = PreviewResults::default();
        assert_eq!(
            preview_status("缙云山", &r),
            "还没有索引完的文档：请稍候再搜索"
        );
        r.searched_documents = 120;
        assert_eq!(
            preview_status("缙云山", &r),
            "已索引的 120 篇文档中没有“缙云山”（导入完成前还会增加；保存后可打开全文和筛选）"
        );
        r.total_docs = 12;
        r.capped = true;
        assert_eq!(
            preview_status("缙云山", &r),
            "已索引的 120 篇文档中有 12 篇含“缙云山”（导入较大，只搜索了这些；保存后可搜索全部，打开全文和筛选）"
        );
    }
}
