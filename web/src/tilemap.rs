//! Where each district's tile sits on the map: the corpus's own layout (its gazetteer's
//! `tile` lines, kept in bundles since format 3), or, for a corpus without one (a bundle of
//! format 2), the built-in gazetteer's layout for the districts whose names it shares.
//! Districts without a tile are left to the lists.

use quxian_core::{tile_fields, Corpus, DistrictId, Tile};

/// The `tile` lines of the built-in gazetteer (`data/gazetteer.txt`, kept by `build.rs`).
const BUILT_IN: &str = include_str!(concat!(env!("OUT_DIR"), "/built_in_tiles.txt"));

/// The tiles of the corpus's districts.
pub fn tiles(corpus: &Corpus) -> Vec<Tile> {
    if corpus.district_tiles.is_empty() {
        built_in_tiles(&corpus.districts)
    } else {
        corpus.district_tiles.clone()
    }
}

/// The built-in layout's tiles of the districts named `districts` (display names, by id).
fn built_in_tiles(districts: &[String]) -> Vec<Tile> {
    BUILT_IN
        .lines()
        .filter_map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            let (name, column, row) = tile_fields(&fields).ok()?;
            let id = districts.iter().position(|d| d == name)?;
            Some(Tile {
                district: DistrictId(u16::try_from(id).ok()?),
                column,
                row,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The display names of the built-in gazetteer's `district` lines, by id.
    fn built_in_districts() -> Vec<String> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/gazetteer.txt");
        let text = std::fs::read_to_string(path).expect("the built-in gazetteer");
        text.lines()
            .filter_map(|l| l.strip_prefix("district "))
            .filter_map(|rest| rest.split_whitespace().next())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn a_corpus_without_a_layout_gets_the_built_in_one_for_the_names_it_shares() {
        let mut corpus = Corpus::empty();
        corpus.districts = built_in_districts();
        assert!(corpus.districts.len() >= 38);
        let tiles = tiles(&corpus);
        assert_eq!(tiles.len(), corpus.districts.len(), "one tile per district");
        let cells: HashSet<(u8, u8)> = tiles.iter().map(|t| (t.column, t.row)).collect();
        assert_eq!(cells.len(), tiles.len(), "no two districts share a tile");
        corpus.districts = vec!["北碚".to_string(), "火星".to_string()];
        let tiles = super::tiles(&corpus);
        assert_eq!(tiles.len(), 1);
        assert_eq!(tiles[0].district, DistrictId(0));
    }

    #[test]
    fn a_corpus_with_its_own_layout_keeps_it() {
        let mut corpus = Corpus::empty();
        corpus.districts = vec!["北碚".to_string()];
        corpus.district_tiles = vec![Tile {
            district: DistrictId(0),
            column: 9,
            row: 9,
        }];
        assert_eq!(tiles(&corpus), corpus.district_tiles);
    }
}
