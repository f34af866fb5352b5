//! Reusable behaviour of the root component, one hook per file.

mod use_corpus_loader;
mod use_hash_route;
mod use_keyboard;

pub use use_corpus_loader::use_corpus_loader;
pub use use_hash_route::use_hash_route;
pub use use_keyboard::{use_keyboard, KeyTargets};
