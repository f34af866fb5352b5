//! Markdown (`.md`, `.markdown`). Input: decoded text. Output: one [`RawDoc`].
//!
//! Front matter gives title, date, source and url; otherwise the title is the first level-1
//! heading, then the first heading of any level, then the first non-blank line. The body is
//! the text of the parsed document (pulldown-cmark, tables enabled): every block (paragraph,
//! heading, list item, quote, code block, table row) ends with a blank line so `normalize`
//! keeps it a paragraph of its own; a soft line break becomes a space, which `normalize`
//! drops between CJK characters. Raw HTML inside Markdown is skipped, not parsed; link and
//! image URLs are dropped (image alt text is kept).

use super::{first_line, front_matter, RawDoc};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Read a Markdown document whose file stem is `stem`.
pub(super) fn read(stem: &str, text: &str) -> RawDoc {
    let (meta, body) = front_matter(text);
    let mut out = String::new();
    let mut h1: Option<String> = None;
    let mut any_heading: Option<String> = None;
    // Text of the heading being read, with its level.
    let mut heading: Option<(HeadingLevel, String)> = None;
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(body, options) {
        match event {
            Event::Text(t) | Event::Code(t) => {
                out.push_str(&t);
                if let Some((_, h)) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Heading { level, .. }) => {
                block_break(&mut out);
                heading = Some((level, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, h)) = heading.take() {
                    let h = h.trim().to_string();
                    if level == HeadingLevel::H1 && h1.is_none() {
                        h1 = Some(h.clone());
                    }
                    any_heading.get_or_insert(h);
                }
                block_break(&mut out);
            }
            Event::Start(Tag::Item) | Event::Rule => block_break(&mut out),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::TableHead
                | TagEnd::TableRow,
            ) => block_break(&mut out),
            // Cells apart by " | ": a space alone goes between two CJK cells when the text
            // is normalized (表头一表头二).
            Event::Start(Tag::TableCell) if !out.is_empty() && !out.ends_with('\n') => {
                out.push_str(" | ")
            }
            _ => {}
        }
    }
    let title = meta
        .title
        .or(h1)
        .or(any_heading.filter(|h| !h.is_empty()))
        .unwrap_or_else(|| first_line(&out));
    RawDoc {
        key: stem.to_string(),
        title,
        text: out.trim().to_string(),
        date: meta.date,
        source: meta.source,
        url: meta.url,
    }
}

/// End the current block with a blank line (once, and not at the very start).
fn block_break(out: &mut String) {
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_markup_and_reads_front_matter() {
        let input = "---\ntitle: 新北碚\ndate: 2024-05-01\nsource: 重庆日报\n---\n\
            # 从“后花园”到“北大门”\n\n北碚缙云山 *摄*/龙帆\n\n## 为何是北碚？\n\n\
            站在缙云山巅俯瞰，\n一幅崭新的[版图](http://x.cn)正在展开。\n\n\
            - 向北，高竹新区\n- 向南，两江新区\n\n<div>raw html</div>\n\n> 引文\n\n\
            | 区 | 人口 |\n|---|---|\n| 北碚 | 83万 |\n";
        let doc = read("003", input);
        assert_eq!(doc.title, "新北碚");
        assert_eq!(doc.date.as_deref(), Some("2024-05-01"));
        assert_eq!(doc.source.as_deref(), Some("重庆日报"));
        assert_eq!(
            doc.text,
            "从“后花园”到“北大门”\n\n北碚缙云山 摄/龙帆\n\n为何是北碚？\n\n\
             站在缙云山巅俯瞰， 一幅崭新的版图正在展开。\n\n向北，高竹新区\n\n向南，两江新区\n\n\
             引文\n\n区 | 人口\n\n北碚 | 83万"
        );
    }

    #[test]
    fn title_falls_back_to_headings_then_first_line() {
        let cases = [
            ("## 小标题\n\n# 大标题\n\n正文", "大标题"),
            ("正文第一段\n\n### 小标题\n", "小标题"),
            ("正文第一段\n第二行", "正文第一段 第二行"),
        ];
        for (input, title) in cases {
            assert_eq!(read("k", input).title, title, "{input:?}");
        }
    }
}
