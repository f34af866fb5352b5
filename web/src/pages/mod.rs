//! The three screens: the overview (nothing searched), the results, and the reader.

mod overview;
mod reader;
mod results;

pub use overview::Overview;
pub use reader::Reader;
pub use results::Results;
