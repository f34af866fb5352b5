//! A district's place on the explorer's map. A gazetteer's `tile <display> <column> <row>`
//! lines lay the districts out on a grid, roughly by geography; the corpus built with it
//! keeps them ([`crate::Corpus::district_tiles`]), so a gazetteer of any province brings
//! its own map. This module reads one line's fields; the gazetteer checks the whole layout.

use crate::corpus::DistrictId;
use crate::error::DataProblem;
use serde::{Deserialize, Serialize};

/// A district's place on the explorer's map: a cell of a grid laid out roughly by
/// geography (columns west to east, rows north to south), from the gazetteer's `tile` lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tile {
    /// The district on this cell.
    pub district: DistrictId,
    /// Column, from 0 in the west.
    pub column: u8,
    /// Row, from 0 in the north.
    pub row: u8,
}

/// Largest column or row: a map wider or taller than 64 tiles is no longer readable.
pub const MAX_TILE_POSITION: u8 = 63;

const FORM: &str = "tile 显示名 列 行";

/// The `(display name, column, row)` of a `tile` line's fields (`tile` first).
pub fn tile_fields<'a>(f: &[&'a str]) -> Result<(&'a str, u8, u8), DataProblem> {
    let form = || DataProblem::Form {
        form: FORM.to_string(),
    };
    let [_, display, column, row] = f else {
        return Err(form());
    };
    let position = |value: &str| {
        value
            .parse::<u8>()
            .ok()
            .filter(|p| *p <= MAX_TILE_POSITION)
            .ok_or_else(|| DataProblem::BadTilePosition {
                value: value.to_string(),
            })
    };
    Ok((display, position(column)?, position(row)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_and_bad_positions_are_named() {
        assert_eq!(tile_fields(&["tile", "北碚", "2", "3"]), Ok(("北碚", 2, 3)));
        assert_eq!(
            tile_fields(&["tile", "北碚", "2"]),
            Err(DataProblem::Form {
                form: FORM.to_string()
            })
        );
        assert_eq!(
            tile_fields(&["tile", "北碚", "2", "3", "4"]),
            Err(DataProblem::Form {
                form: FORM.to_string()
            })
        );
        for bad in ["-1", "64", "x", "2.5", ""] {
            assert_eq!(
                tile_fields(&["tile", "北碚", "1", bad]),
                Err(DataProblem::BadTilePosition {
                    value: bad.to_string()
                })
            );
        }
    }
}
