//! Reusable behaviour of the components (most of it the root's), one hook per file.

mod use_corpus_loader;
mod use_focus_landing;
mod use_hash_route;
mod use_keyboard;
mod use_libraries;
mod use_library_watch;
mod use_mounted;

pub use use_corpus_loader::{searcher_from, use_corpus_loader};
pub use use_focus_landing::{use_focus_landing, Page};
pub use use_hash_route::use_hash_route;
pub use use_keyboard::{use_keyboard, KeyTargets};
pub use use_libraries::use_libraries;
pub use use_library_watch::use_library_watch;
pub use use_mounted::use_mounted;
