//! Where each district's tile sits on the overview's map (`data/tilemap.txt`, compiled in):
//! a grid placed roughly by geography, so that a reader sees at a glance where the
//! passages are. Districts the file does not name (a custom gazetteer) are left to the
//! lists.

use quxian_core::DistrictId;

/// The tile map shipped with quxian, for the built-in gazetteer's districts.
const TILEMAP: &str = include_str!("../../data/tilemap.txt");

/// A district's place on the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tile {
    pub district: DistrictId,
    pub column: u32,
    pub row: u32,
}

/// `(name, column, row)` of every line of a tile map; lines that do not read as one are
/// skipped (the shipped file is checked by a test).
fn entries(text: &str) -> impl Iterator<Item = (&str, u32, u32)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut fields = l.split_whitespace();
            let name = fields.next()?;
            let column = fields.next()?.parse().ok()?;
            let row = fields.next()?.parse().ok()?;
            fields.next().is_none().then_some((name, column, row))
        })
}

/// The tiles of the districts named `districts` (display names, by id) that the map places.
pub fn tiles(districts: &[String]) -> Vec<Tile> {
    entries(TILEMAP)
        .filter_map(|(name, column, row)| {
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

    /// The display names of the built-in gazetteer's `district` lines.
    fn gazetteer_districts() -> Vec<String> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/gazetteer.txt");
        let text = std::fs::read_to_string(path).expect("the built-in gazetteer");
        text.lines()
            .filter_map(|l| l.strip_prefix("district "))
            .filter_map(|rest| rest.split_whitespace().next())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_line_reads_and_every_built_in_district_has_one_tile_of_its_own() {
        let lines = TILEMAP
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .count();
        assert_eq!(
            entries(TILEMAP).count(),
            lines,
            "a line of data/tilemap.txt does not read"
        );
        let districts = gazetteer_districts();
        assert!(districts.len() >= 38, "{districts:?}");
        let tiles = tiles(&districts);
        assert_eq!(tiles.len(), districts.len(), "one tile per district");
        let cells: HashSet<(u32, u32)> = tiles.iter().map(|t| (t.column, t.row)).collect();
        assert_eq!(cells.len(), tiles.len(), "no two districts share a tile");
        let ids: HashSet<DistrictId> = tiles.iter().map(|t| t.district).collect();
        assert_eq!(ids.len(), tiles.len(), "no district has two tiles");
    }

    #[test]
    fn unknown_districts_are_left_out() {
        let districts = vec!["北碚".to_string(), "火星".to_string()];
        let tiles = tiles(&districts);
        assert_eq!(tiles.len(), 1);
        assert_eq!(tiles[0].district, DistrictId(0));
        assert!(entries("北碚 1\n北碚 a 2\n北碚 1 2 3\n# x\n")
            .next()
            .is_none());
    }
}
