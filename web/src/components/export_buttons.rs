//! "导出 CSV" / "导出 JSON": download every matching passage of the current view (see
//! `export`). The full result set is computed on click, not with every search.

use quxian_core::ViewState;
use yew::prelude::*;

use crate::export::{export, file_name, to_csv, to_json};
use crate::host::HostRef;
use crate::state::CorpusHandle;

#[derive(Properties, PartialEq)]
pub struct ExportButtonsProps {
    /// The view whose results are exported.
    pub view: ViewState,
}

/// The two export formats.
#[derive(Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Json,
}

#[component]
pub fn ExportButtons(props: &ExportButtonsProps) -> Html {
    let handle = use_context::<CorpusHandle>();
    let host = use_context::<HostRef>();
    let failed = use_state(|| false);
    let on = |format: Format| {
        let (handle, host, view, failed) = (
            handle.clone(),
            host.clone(),
            props.view.clone(),
            failed.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(handle) = &handle else { return };
            let found = crate::derive::search(&handle.searcher, &view, usize::MAX);
            let rows = export(handle.searcher.corpus(), &found.results, &view, |v| {
                host.as_ref()
                    .map_or_else(|| v.to_hash(), |h| h.share_url(v))
            });
            let (text, mime, extension) = match format {
                Format::Csv => (to_csv(&rows), "text/csv;charset=utf-8", "csv"),
                Format::Json => (to_json(&rows), "application/json", "json"),
            };
            let saved = crate::dom::download(&file_name(&view, extension), mime, &text);
            failed.set(saved.is_err());
        })
    };
    html! {
        <div class="qx-export" role="group" aria-label="导出结果">
            <button type="button" class="qx-button qx-button-quiet" data-testid="export-csv"
                title="每个匹配段落一行，可用表格软件打开" onclick={on(Format::Csv)}>{ "导出 CSV" }</button>
            <button type="button" class="qx-button qx-button-quiet" data-testid="export-json"
                onclick={on(Format::Json)}>{ "导出 JSON" }</button>
            if *failed {
                <span class="qx-error" role="alert">{ "浏览器未能保存文件，请允许本页下载后重试。" }</span>
            }
        </div>
    }
}
