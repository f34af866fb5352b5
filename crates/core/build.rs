//! Writes fast2s's traditional → simplified table as compact data for `src/script.rs`.
//!
//! fast2s (OpenCC-derived, MIT) is the source of the table; linking the crate itself put
//! its bincode, hashbrown and serde code and a 22 KB table into every wasm (24 KB gzip of
//! the site page's 194 KB). The table is read out of fast2s here, at build time, by
//! converting every character it can change (it only changes three-byte UTF-8 characters)
//! between two ASCII characters, where none of its context rules applies.
//!
//! `t2s.bin` is a postcard `Vec<(u32, i32)>`, one entry per changed character in code point
//! order: its distance from the previous entry's character, then the simplified
//! character's distance from it (varints: most entries take three bytes).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let all: Vec<char> = ('\u{800}'..='\u{FFFF}').collect();
    let spaced: String = all.iter().flat_map(|c| ['0', *c]).collect();
    let folded = fast2s::convert(&spaced);
    let mut previous = 0u32;
    let mut entries: Vec<(u32, i32)> = Vec::new();
    for (from, to) in all.iter().zip(folded.chars().skip(1).step_by(2)) {
        if *from != to {
            let (from, to) = (*from as u32, to as u32);
            entries.push((from - previous, to as i32 - from as i32));
            previous = from;
        }
    }
    let bytes = postcard::to_allocvec(&entries).expect("serialize the table");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("t2s.bin");
    std::fs::write(out, bytes).expect("write t2s.bin");
}
