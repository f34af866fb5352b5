//! Fuzz target for zip archives, as a stable property test (see `quxian-core`'s
//! `tests/fuzz.rs` for how to run it longer): mutations of the seed archives in
//! `tests/fuzz/zip/` never panic, never lose the import, and give small reasons.

#[path = "../../core/tests/fuzz/mutate.rs"]
mod mutate;

use proptest::prelude::*;
use quxian_import::Importer;
use std::path::PathBuf;

proptest! {
    #![proptest_config(mutate::config())]

    #[test]
    fn zip_archives(bytes in mutate::input(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/zip"))) {
        let mut importer = Importer::new("北碚 3000\n生态 3000\n".as_bytes(), None, None).unwrap();
        let result = importer.add_file("文档.zip", &bytes).unwrap();
        prop_assert!(result.skipped.iter().all(|s| s.reason.to_string().len() <= 1024), "{:?}", result.skipped);
        // Whatever the archive held, the import still finishes with a readable bundle.
        let bundle = importer.finish().unwrap();
        prop_assert!(quxian_core::Corpus::from_bundle(&bundle).is_ok());
    }
}
