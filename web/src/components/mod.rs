//! Widgets, one per file. Each gets data and callbacks in domain types as props and keeps
//! only UI state (an open toggle) of its own; the corpus comes from the context.

mod active_filters;
mod annotation_editor;
mod chips;
mod copy_link_button;
mod corpus_switcher;
mod doc_group;
mod facet_group;
mod facet_panel;
mod heat_map;
mod hit;
mod hit_list;
mod import_panel;
mod import_progress;
mod import_report;
mod import_sources;
pub mod library_dialog;
mod library_list;
mod library_row;
mod load_status;
mod marked;
mod notice_bar;
mod reader_passage;
mod results_header;
mod search_box;

pub use active_filters::ActiveFilters;
pub use annotation_editor::AnnotationEditor;
pub use copy_link_button::CopyLinkButton;
pub use corpus_switcher::CorpusSwitcher;
pub use facet_panel::FacetPanel;
pub use heat_map::HeatMap;
pub use hit_list::HitList;
pub use import_panel::ImportPanel;
pub use import_progress::ImportProgress;
pub use import_report::ImportReport;
pub use import_sources::ImportSources;
pub use library_dialog::{DialogTab, LibraryDialog};
pub use library_list::LibraryList;
pub use library_row::LibraryRow;
pub use load_status::LoadStatusView;
pub use marked::marked;
pub use notice_bar::NoticeBar;
pub use reader_passage::ReaderPassage;
pub use results_header::ResultsHeader;
pub use search_box::SearchBox;
