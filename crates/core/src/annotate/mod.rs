//! Stage 5 (build time, data also used at query time): districts and topics.
//! OWNER: taxonomy helper.

/// Districts and the places inside them, parsed from a data file.
#[derive(Clone, Debug, Default)]
pub struct Gazetteer {}

/// Topics and their keywords, parsed from a data file.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {}
