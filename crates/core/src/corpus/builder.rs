//! Build pipeline (stub).
/// Report.
#[derive(Debug, Default)]
pub struct BuildReport {}
/// Skipped.
#[derive(Debug)]
pub struct Skipped {}
/// Builder.
pub struct CorpusBuilder {}
