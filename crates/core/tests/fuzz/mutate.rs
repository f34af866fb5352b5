//! Shared by the fuzz property tests of several crates (included with `#[path]`): the
//! case count, the seed corpus of a target, and byte-level mutations of the seeds.

use proptest::prelude::*;
use proptest::sample::Index;
use std::path::Path;

/// Cases per target: 256, or `QUXIAN_FUZZ_CASES` to fuzz longer.
pub fn config() -> ProptestConfig {
    let cases = std::env::var("QUXIAN_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The seed files in `dir`, in name order.
fn seeds(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

/// One edit of a byte string.
#[derive(Clone, Debug)]
enum Edit {
    Flip(Index, u8),
    Insert(Index, u8),
    Delete(Index),
    Truncate(Index),
    /// Copy a slice of the input somewhere else (repeats structure, grows the input).
    Splice(Index, Index, Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), 1..=255u8).prop_map(|(i, b)| Edit::Flip(i, b)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<Index>().prop_map(Edit::Delete),
        any::<Index>().prop_map(Edit::Truncate),
        (any::<Index>(), any::<Index>(), any::<Index>())
            .prop_map(|(a, b, c)| Edit::Splice(a, b, c)),
    ]
}

fn apply(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for e in edits {
        let len = bytes.len();
        match e {
            Edit::Flip(i, b) if len > 0 => bytes[i.index(len)] ^= b,
            Edit::Insert(i, b) => bytes.insert(i.index(len + 1), *b),
            Edit::Delete(i) if len > 0 => {
                bytes.remove(i.index(len));
            }
            Edit::Truncate(i) => bytes.truncate(i.index(len + 1)),
            Edit::Splice(a, b, at) if len > 0 => {
                let (x, y) = (a.index(len), b.index(len));
                let piece = bytes[x.min(y)..x.max(y)].to_vec();
                let at = at.index(len + 1);
                bytes.splice(at..at, piece);
            }
            _ => {}
        }
    }
    bytes
}

/// A seed from `dir`, mutated by up to 8 edits.
pub fn input(dir: &Path) -> impl Strategy<Value = Vec<u8>> {
    let seeds = seeds(dir);
    (any::<Index>(), proptest::collection::vec(edit(), 0..8))
        .prop_map(move |(i, edits)| apply(&seeds[i.index(seeds.len())], &edits))
}
