//! Fuzz targets as stable property tests: every parser that reads outside input is fed
//! mutations of a checked-in seed corpus (`tests/fuzz/<target>/`, helpers in `tests/fuzz/mutate.rs`) and must never panic,
//! and must keep the promises listed per target (small errors, round trips, idempotence).
//!
//! `cargo test -p quxian-core --test fuzz` runs 256 mutations per target. To fuzz longer,
//! raise the count: `QUXIAN_FUZZ_CASES=1000000 cargo test --release -p quxian-core --test
//! fuzz` (about a minute per 100,000 cases and target on the development box). A failure
//! prints the minimal input proptest shrank it to; add it to the target's seed directory
//! so it stays covered.

#[path = "fuzz/mutate.rs"]
mod mutate;

use proptest::prelude::*;
use quxian_core::{normalize, read_file, Corpus, Gazetteer, Lexicon, Query, ViewState};
use std::path::PathBuf;

/// Longest error message any outside input may produce.
const MAX_MESSAGE: usize = 1024;

/// A mutated seed of `target` (`tests/fuzz/<target>/`, helpers in `tests/fuzz/mutate.rs`).
fn input(target: &str) -> impl Strategy<Value = Vec<u8>> {
    mutate::input(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fuzz")
            .join(target),
    )
}

fn text(target: &str) -> impl Strategy<Value = String> {
    input(target).prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

proptest! {
    #![proptest_config(mutate::config())]

    #[test]
    fn bundle_decoder(bytes in input("bundle")) {
        if let Err(e) = Corpus::from_bundle(&bytes) {
            prop_assert!(e.to_string().len() <= MAX_MESSAGE, "{} byte error", e.to_string().len());
        }
    }

    #[test]
    fn query_parser(q in text("query")) {
        match Query::parse(&q) {
            Ok(query) => prop_assert_eq!(Query::parse(&q).ok(), Some(query), "parsing is deterministic"),
            Err(e) => prop_assert!(e.to_string().len() <= MAX_MESSAGE),
        }
    }

    #[test]
    fn view_links(hash in text("view")) {
        let (view, notices) = ViewState::parse(&hash);
        prop_assert!(notices.iter().all(|n| n.len() <= MAX_MESSAGE));
        // The canonical link of any view reads back as that view, without notices.
        let (again, notices) = ViewState::parse(&view.to_hash());
        prop_assert_eq!(&again, &view);
        prop_assert!(notices.is_empty(), "{:?}", notices);
    }

    #[test]
    fn normalizer(s in text("normalize")) {
        let once = normalize(&s).text;
        prop_assert_eq!(normalize(&once).text, once, "normalizing is idempotent");
    }

    #[test]
    fn readers(bytes in input("read"), ext in prop::sample::select(vec!["txt", "md", "html", "jsonl", "zip", ""])) {
        let name = format!("文件.{ext}");
        match read_file(&name, &bytes) {
            Ok(docs) => prop_assert!(docs.iter().all(|d| !d.key.is_empty() && !d.text.trim().is_empty())),
            Err(e) => prop_assert!(e.to_string().len() <= MAX_MESSAGE + name.len()),
        }
    }

    #[test]
    fn data_files(s in text("data")) {
        if let Err(e) = Gazetteer::parse(&s, "gazetteer") {
            prop_assert!(e.to_string().len() <= MAX_MESSAGE);
        }
        if let Err(e) = Lexicon::parse(&s, "topics") {
            prop_assert!(e.to_string().len() <= MAX_MESSAGE);
        }
    }
}
