//! The map layout of a gazetteer (`tile` lines, see [`crate::tile`]): each district at most
//! once and each cell at most once, since either would hide a district on the map.

use crate::corpus::DistrictId;
use crate::error::DataProblem;
use crate::tile::Tile;
use std::collections::HashMap;

/// Tiles read so far with the lines that placed them, refusing a district placed twice and
/// two districts on one cell (either would hide a district on the map).
#[derive(Default)]
pub(crate) struct TileLayout {
    tiles: Vec<Tile>,
    by_district: HashMap<DistrictId, usize>,
    by_cell: HashMap<(u8, u8), usize>,
}

impl TileLayout {
    /// Place `tile`, read on `line`.
    pub(crate) fn place(&mut self, tile: Tile, line: usize) -> Result<(), DataProblem> {
        if let Some(&first_line) = self.by_district.get(&tile.district) {
            return Err(DataProblem::TileTwice { first_line });
        }
        let cell = (tile.column, tile.row);
        if let Some(&first_line) = self.by_cell.get(&cell) {
            return Err(DataProblem::TileTaken {
                column: tile.column,
                row: tile.row,
                first_line,
            });
        }
        self.by_district.insert(tile.district, line);
        self.by_cell.insert(cell, line);
        self.tiles.push(tile);
        Ok(())
    }

    /// The tiles in the order of their lines.
    pub(crate) fn tiles(&self) -> &[Tile] {
        &self.tiles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_district_or_a_cell_is_placed_once() {
        let tile = |d, column, row| Tile {
            district: DistrictId(d),
            column,
            row,
        };
        let mut layout = TileLayout::default();
        assert_eq!(layout.place(tile(0, 1, 1), 5), Ok(()));
        assert_eq!(
            layout.place(tile(0, 2, 2), 6),
            Err(DataProblem::TileTwice { first_line: 5 })
        );
        assert_eq!(
            layout.place(tile(1, 1, 1), 7),
            Err(DataProblem::TileTaken {
                column: 1,
                row: 1,
                first_line: 5
            })
        );
        assert_eq!(layout.place(tile(1, 2, 1), 8), Ok(()));
        assert_eq!(layout.tiles().len(), 2);
    }
}
