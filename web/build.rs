//! Keeps only the `tile` lines of the built-in gazetteer for the app: the map needs them
//! for bundles without a layout of their own (format 2), and the other 13 KB of the file
//! (names, places, context words) would only add to the wasm every visitor downloads.

use std::path::Path;

fn main() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/gazetteer.txt");
    println!("cargo:rerun-if-changed={}", source.display());
    let text =
        std::fs::read_to_string(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    let tiles: String = text
        .lines()
        .filter(|l| l.starts_with("tile "))
        .flat_map(|l| [l, "\n"])
        .collect();
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("built_in_tiles.txt");
    std::fs::write(&out, tiles).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
