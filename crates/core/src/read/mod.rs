//! Stage 1 (build time): the bytes of one file → [`RawDoc`]s.
//!
//! Input: a file name (its extension picks the format) and the file's bytes. Output: one
//! document per file, or one per record for JSONL. Formats, one file each: `text.rs` (`.txt`),
//! `markdown.rs` (`.md`, `.markdown`), `html.rs` (`.html`, `.htm`), `jsonl.rs` (`.jsonl`);
//! `decode.rs` turns bytes into text first (UTF-8 with or without BOM, UTF-16 with BOM,
//! GB18030/GBK).
//!
//! Invariants: every returned document has non-blank `text` and a non-empty `key`; `title` is
//! trimmed; nothing here panics on any input. Binary, empty, undecodable and unsupported
//! files are `Err(Error::Read)` with a reason a user understands.
//!
//! It does not normalize text (that is `normalize`): `text` keeps the file's own line breaks,
//! spacing and full-width characters; markup is removed and block boundaries become blank
//! lines. It never sees file paths or the file system: the caller hands over bytes.

mod decode;
mod html;
mod jsonl;
mod markdown;
mod text;

pub use decode::decode_gb18030;
#[cfg(not(feature = "gb18030"))]
pub use decode::set_gb18030_decoder;

use crate::date::Date;
use crate::SkipReason;
use std::borrow::Cow;

/// Largest file read, in bytes: a JSONL file of many documents (an archive's export). Its
/// documents are built one at a time, so memory follows the largest document, not the
/// file: a 100 MB JSONL import peaks near 300 MB above the browser's own (BENCHMARKS.md).
pub const MAX_FILE_BYTES: usize = 128 << 20;

/// Largest single document, in bytes: a `.txt`, `.md` or `.html` file, or one JSONL line.
/// Building one document takes about 18× its size at its peak (its tokens, passages and
/// annotations are held together); above this it could exhaust a browser worker's memory
/// and lose the whole import, so it is skipped with a reason saying how to split it.
pub const MAX_DOCUMENT_BYTES: usize = 32 << 20;

fn mib(bytes: usize) -> u64 {
    (bytes >> 20) as u64
}

/// A document as read from a file, before normalization.
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct RawDoc {
    /// Stable key for links: file stem, plus `#N` (1-based line) for JSONL records.
    pub key: String,
    /// The title.
    pub title: String,
    /// Body text, markup stripped; may start with the title line.
    pub text: String,
    /// Date in ISO form (`2026-05-02`, `2026-05`, `2026`) when one was found in the metadata,
    /// the file name or a dateline; otherwise the metadata's date as written, if any.
    pub date: Option<String>,
    /// Source / publisher, if any.
    pub source: Option<String>,
    /// URL, if any.
    pub url: Option<String>,
}

/// Read one file's bytes. `name` is the file name (its extension picks the format).
///
/// A JSONL file with some bad lines still yields the documents of its good lines; use
/// [`read_file_with_warnings`] to learn which lines were skipped.
pub fn read_file(name: &str, bytes: &[u8]) -> crate::Result<Vec<RawDoc>> {
    read_file_with_warnings(name, bytes)
        .map(|(docs, _skipped)| docs)
        .map_err(|reason| crate::Error::Read {
            name: name.to_string(),
            reason,
        })
}

/// Like [`read_file`], plus one reason per skipped JSONL line (each names its line). The
/// whole file is an `Err` when nothing in it could be read.
pub(crate) fn read_file_with_warnings(
    name: &str,
    bytes: &[u8],
) -> Result<(Vec<RawDoc>, Vec<SkipReason>), SkipReason> {
    let (stem, extension) = split_name(name);
    let format = match extension.as_str() {
        "txt" => Format::Text,
        "md" | "markdown" => Format::Markdown,
        "html" | "htm" => Format::Html,
        "jsonl" => Format::Jsonl,
        "" => return Err(SkipReason::NoExtension),
        other => {
            return Err(SkipReason::UnsupportedType {
                extension: other.chars().take(16).collect(),
            })
        }
    };
    if bytes.len() > MAX_FILE_BYTES {
        return Err(SkipReason::TooLarge {
            limit_mib: mib(MAX_FILE_BYTES),
        });
    }
    if bytes.len() > MAX_DOCUMENT_BYTES && !matches!(format, Format::Jsonl) {
        return Err(SkipReason::DocumentTooLarge {
            limit_mib: mib(MAX_DOCUMENT_BYTES),
        });
    }
    let text = unify_line_breaks(decode::decode(bytes)?);
    if text.trim().is_empty() {
        return Err(SkipReason::Empty);
    }
    let (docs, skipped) = match format {
        Format::Text => (vec![text::read(stem, &text)], Vec::new()),
        Format::Markdown => (vec![markdown::read(stem, &text)], Vec::new()),
        Format::Html => (vec![html::read(stem, &text)], Vec::new()),
        Format::Jsonl => {
            let (docs, bad_lines) = jsonl::read(stem, &text);
            if docs.is_empty() {
                return Err(bad_lines
                    .into_iter()
                    .next()
                    .unwrap_or(SkipReason::NoRecords));
            }
            (docs, bad_lines)
        }
    };
    let docs: Vec<RawDoc> = docs
        .into_iter()
        .filter(|d| !d.text.trim().is_empty())
        .map(|d| with_found_date(d, stem))
        .collect();
    if docs.is_empty() {
        return Err(SkipReason::NoTextAfterMarkup);
    }
    Ok((docs, skipped))
}

/// The document with its date in ISO form (`2026-05-02`), found in its metadata, else in
/// the file name, else in a dateline among its first lines. Metadata that names no
/// recognisable date is kept as written, for display only.
fn with_found_date(mut doc: RawDoc, stem: &str) -> RawDoc {
    let found = doc
        .date
        .as_deref()
        .and_then(Date::parse_loose)
        .or_else(|| Date::in_file_name(stem))
        .or_else(|| Date::in_dateline(&doc.text));
    if let Some(date) = found {
        doc.date = Some(date.to_iso());
    }
    doc
}

/// The formats `read_file` understands.
enum Format {
    Text,
    Markdown,
    Html,
    Jsonl,
}

/// File stem and lower-cased extension of a file name; directories, if any, are dropped.
fn split_name(name: &str) -> (&str, String) {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, ext.to_ascii_lowercase()),
        _ => (base, String::new()),
    }
}

/// Metadata from a YAML-like front matter block (`---` lines around `key: value` lines).
/// Only the four keys quxian uses are read; anything else in the block is ignored.
#[derive(Debug, Default, PartialEq)]
struct FrontMatter {
    title: Option<String>,
    date: Option<String>,
    source: Option<String>,
    url: Option<String>,
}

/// Split front matter off `text`. The block must start at the first non-blank line with `---`
/// and end with a `---` or `...` line; otherwise there is none and `text` comes back whole.
fn front_matter(text: &str) -> (FrontMatter, &str) {
    let start = text.len() - text.trim_start().len();
    let rest = text.get(start..).unwrap_or("");
    let Some(after_open) = rest.strip_prefix("---") else {
        return (FrontMatter::default(), text);
    };
    let Some(first_newline) = after_open.find('\n') else {
        return (FrontMatter::default(), text);
    };
    if !after_open
        .get(..first_newline)
        .unwrap_or("x")
        .trim()
        .is_empty()
    {
        return (FrontMatter::default(), text);
    }
    let block = after_open.get(first_newline + 1..).unwrap_or("");
    let mut meta = FrontMatter::default();
    let mut offset = 0;
    for line in block.split_inclusive('\n') {
        offset += line.len();
        let line = line.trim();
        if line == "---" || line == "..." {
            return (meta, block.get(offset..).unwrap_or(""));
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = unquote(value.trim());
        let slot = match key.trim().to_ascii_lowercase().as_str() {
            "title" => &mut meta.title,
            "date" => &mut meta.date,
            "source" => &mut meta.source,
            "url" => &mut meta.url,
            _ => continue,
        };
        if !value.is_empty() {
            *slot = Some(value);
        }
    }
    (FrontMatter::default(), text)
}

/// A YAML scalar without its pair of matching quotes, its escapes undone: `\"`, `\\` and
/// the other one-letter escapes in double quotes, `''` in single quotes (a title
/// `"他说\"好\""` is 他说"好").
fn unquote(value: &str) -> String {
    if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        return unescape_double_quoted(inner).trim().to_string();
    }
    if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        return inner.replace("''", "'").trim().to_string();
    }
    value.to_string()
}

/// The escapes of a YAML double-quoted scalar that a one-line title or source may hold;
/// an unknown one is kept as written.
fn unescape_double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('/') => out.push('/'),
            Some('t') | Some('n') | Some('r') => out.push(' '),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The first non-blank line, trimmed: the title of a document that names none otherwise.
/// CRLF and a lone CR (old Mac files) as `\n`, the line break every reader splits on: a
/// title taken from the first line was the whole of a CR-only file. Text without a CR is
/// not copied.
fn unify_line_breaks(text: Cow<'_, str>) -> Cow<'_, str> {
    match text.contains('\r') {
        true => Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n")),
        false => text,
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(result: crate::Result<Vec<RawDoc>>) -> String {
        match result {
            Err(crate::Error::Read { reason, .. }) => reason.to_string(),
            Err(other) => panic!("expected a read error, got {other}"),
            Ok(docs) => panic!("expected a read error, got {} documents", docs.len()),
        }
    }

    /// Quoted titles lose their quotes and their escapes, as YAML reads them.
    #[test]
    fn front_matter_values_are_unescaped() {
        let cases = [
            (r#"title: "他说\"好\"""#, r#"他说"好""#),
            (r#"title: "C:\\目录""#, r"C:\目录"),
            ("title: '它''s'", "它's"),
            (r#"title: "a\qb""#, r"a\qb"),
            ("title: 没有引号 \\", "没有引号 \\"),
        ];
        for (line, title) in cases {
            let text = format!("---\n{line}\n---\n正文");
            let (meta, rest) = front_matter(&text);
            assert_eq!(meta.title.as_deref(), Some(title), "{line}");
            assert_eq!(rest, "正文");
        }
    }

    /// Old Mac files break lines with a lone CR: the title is their first line.
    #[test]
    fn a_lone_cr_breaks_lines() {
        for (name, first) in [("a.txt", "标题"), ("a.md", "# 标题")] {
            let text = format!("---\rdate: 2026-05-02\r---\r{first}\r正文第一段。\r\r第二段。");
            let docs = read_file(name, text.as_bytes()).expect("a document");
            assert_eq!(docs[0].title, "标题", "{name}");
            assert_eq!(docs[0].date.as_deref(), Some("2026-05-02"), "{name}");
        }
    }

    #[test]
    fn rejects_unusable_files_with_a_reason() {
        let cases: [(&str, &[u8], &str); 6] = [
            ("a.pdf", b"%PDF-1.4", "unsupported file type .pdf"),
            ("README", b"text", "unsupported file type (no extension)"),
            ("a.txt", b"", "empty file"),
            ("a.txt", b" \n\r\n\t ", "empty file"),
            ("a.txt", b"ab\0cd", "binary file"),
            (
                "a.html",
                b"<script>var x = 1;</script>",
                "no text left after removing markup",
            ),
        ];
        for (name, bytes, expected) in cases {
            assert_eq!(reason(read_file(name, bytes)), expected, "{name}");
        }
    }

    /// One document may be 32 MiB; a JSONL file of many, 128 MiB, each line within 32 MiB.
    #[test]
    fn caps_documents_lines_and_files() {
        let mib = 1 << 20;
        // At least `bytes` bytes of text.
        let text = |bytes: usize| "北碚。".repeat(bytes / "北碚。".len() + 1);
        let record = |bytes: usize| format!("{{\"text\":\"{}\"}}\n", text(bytes));
        let big_txt = text(MAX_DOCUMENT_BYTES + 3);
        assert_eq!(
            reason(read_file("a.txt", big_txt.as_bytes())),
            "document too large (over 32 MiB): split it, or give it as JSONL, one document per line"
        );
        // 40 MiB in three records: read, each a document.
        let jsonl = record(20 * mib) + &record(10 * mib) + &record(10 * mib);
        let docs = read_file("a.jsonl", jsonl.as_bytes()).expect("three records");
        assert_eq!(docs.len(), 3);
        // A line over the document cap is skipped with its number; the rest is read.
        let jsonl = record(mib) + &record(MAX_DOCUMENT_BYTES + 3);
        let (docs, skipped) = read_file_with_warnings("a.jsonl", jsonl.as_bytes()).expect("one");
        assert_eq!(docs.len(), 1);
        assert_eq!(
            skipped,
            [SkipReason::RecordTooLarge {
                line: 2,
                limit_mib: 32
            }]
        );
        let huge = vec![b'x'; MAX_FILE_BYTES + 1];
        assert_eq!(
            reason(read_file("a.jsonl", &huge)),
            "file too large (over 128 MiB)"
        );
    }

    #[test]
    fn splits_names() {
        let cases = [
            ("000_dc97.txt", ("000_dc97", "txt")),
            ("dir/sub/新闻.TXT", ("新闻", "txt")),
            ("c:\\x\\a.b.md", ("a.b", "md")),
            (".hidden", (".hidden", "")),
            ("noext", ("noext", "")),
        ];
        for (name, (stem, ext)) in cases {
            assert_eq!(split_name(name), (stem, ext.to_string()), "{name}");
        }
    }

    #[test]
    fn parses_front_matter() {
        let (meta, body) =
            front_matter("\n---\ntitle: \"北碚新闻\"\ndate: 2021-12-30\nurl: https://x.cn/a\ntags: [a]\n---\n正文\n");
        assert_eq!(meta.title.as_deref(), Some("北碚新闻"));
        assert_eq!(meta.date.as_deref(), Some("2021-12-30"));
        assert_eq!(meta.url.as_deref(), Some("https://x.cn/a"));
        assert_eq!(meta.source, None);
        assert_eq!(body, "正文\n");
        for text in [
            "---\ntitle: x\n没有结束",
            "--- x\ntitle: y\n---\n",
            "正文\n---\n",
        ] {
            assert_eq!(
                front_matter(text),
                (FrontMatter::default(), text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        let inputs: [&[u8]; 6] = [b"---", b"---\n", b"\xFF\xFE", b"\xEF\xBB\xBF", b"{", b"<"];
        for name in ["a.txt", "a.md", "a.html", "a.jsonl"] {
            for bytes in inputs {
                let _ = read_file(name, bytes);
            }
        }
    }
}
