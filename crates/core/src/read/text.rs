//! Plain text (`.txt`). Input: decoded text. Output: one [`RawDoc`].
//!
//! Optional front matter (`---` / `key: value` / `---`) gives title, date, source and url.
//! Without a front matter title, the title is the first non-blank line. Lines that start like
//! Markdown headings (`# `, `## `, …), as some exported news files do, lose the `#` marks.
//! Everything else, line breaks included, is kept for `normalize` to deal with.

use super::{first_line, front_matter, RawDoc};

/// Read a plain-text document whose file stem is `stem`.
pub(super) fn read(stem: &str, text: &str) -> RawDoc {
    let (meta, body) = front_matter(text);
    let body: String = body
        .split_inclusive('\n')
        .map(strip_heading_marks)
        .collect();
    RawDoc {
        key: stem.to_string(),
        title: meta.title.unwrap_or_else(|| first_line(&body)),
        text: body,
        date: meta.date,
        source: meta.source,
        url: meta.url,
    }
}

/// `"## 为何是北碚？\n"` → `"为何是北碚？\n"`; other lines unchanged. A run of one to six
/// `#` counts only when a space follows, so `#话题#` stays.
fn strip_heading_marks(line: &str) -> &str {
    let content = line.trim_start();
    let hashes = content.len() - content.trim_start_matches('#').len();
    match content.get(hashes..) {
        Some(rest) if (1..=6).contains(&hashes) && rest.starts_with([' ', '\t']) => {
            rest.trim_start_matches([' ', '\t'])
        }
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_text() {
        let cases = [
            (
                "\n\n 回眸“十三五”\n\n正文。\n",
                "回眸“十三五”",
                "\n\n 回眸“十三五”\n\n正文。\n",
            ),
            (
                "# 从“后花园”到“北大门”\n\n## 为何是北碚？\n正文",
                "从“后花园”到“北大门”",
                "从“后花园”到“北大门”\n\n为何是北碚？\n正文",
            ),
            ("#话题# 正文\n", "#话题# 正文", "#话题# 正文\n"),
            (
                "---\ntitle: 标题\ndate: 2021-01-02\n---\n第一行\n",
                "标题",
                "第一行\n",
            ),
        ];
        for (input, title, text) in cases {
            let doc = read("k", input);
            assert_eq!(
                (doc.title.as_str(), doc.text.as_str()),
                (title, text),
                "{input:?}"
            );
            assert_eq!(doc.key, "k");
        }
        assert_eq!(
            read("k", "---\ndate: 2021-01-02\n---\n第一行\n")
                .date
                .as_deref(),
            Some("2021-01-02")
        );
    }
}
