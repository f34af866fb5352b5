//! Stage 1 (build time): bytes of one file → documents. OWNER: ingest helper.

/// A document as read from a file, before normalization.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RawDoc {
    /// Stable key for links: file stem, plus `#N` (1-based line) for JSONL records.
    pub key: String,
    /// The title.
    pub title: String,
    /// Body text, markup stripped; may start with the title line.
    pub text: String,
    /// Date as written, if any.
    pub date: Option<String>,
    /// Source / publisher, if any.
    pub source: Option<String>,
    /// URL, if any.
    pub url: Option<String>,
}

/// Read one file's bytes. `name` is the file name (its extension picks the format).
pub fn read_file(name: &str, bytes: &[u8]) -> crate::Result<Vec<RawDoc>> {
    let text = String::from_utf8_lossy(bytes).to_string();
    let title = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
    Ok(vec![RawDoc { key: name.to_string(), title, text, ..Default::default() }])
}
