//! HTML (`.html`, `.htm`). Input: decoded text. Output: one [`RawDoc`].
//!
//! lol_html streams the document; we keep the text of regular content and of `<title>`,
//! skip what is never shown (`<script>`, `<style>`, `<noscript>`, `<template>`, and the raw
//! text elements lol_html reports as such), and turn block elements into blank lines and
//! `<br>` into a line break. Source line breaks inside text are plain spaces, as a browser
//! shows them. Entities are decoded (named ones common in Chinese news pages, and all
//! numeric ones). Metadata: title from `<title>` (else `og:title`, else the first line),
//! date from `<meta name="date|pubdate|publishdate">`, `article:published_time` or the first
//! `<time datetime>`, source
//! from `og:site_name` or `<meta name="source">`, url from `<link rel="canonical">` or
//! `og:url`. The title is not repeated in `text`.
//!
//! It does not run scripts, follow links or look at `<meta charset>`: decoding already
//! happened on the bytes.

use super::{first_line, RawDoc};
use crate::SkipReason;
use lol_html::html_content::TextType;
use lol_html::{doc_text, element, end_tag, rewrite_str, RewriteStrSettings};
use std::cell::RefCell;
use std::rc::Rc;

/// Elements whose start and end separate paragraphs.
const BLOCKS: &str = "p, div, section, article, main, header, footer, aside, nav, \
    h1, h2, h3, h4, h5, h6, li, dt, dd, blockquote, pre, figure, figcaption, \
    table, tr, td, th, hr, ul, ol, dl, form, address";

/// Elements whose content a reader never sees.
const HIDDEN: &str = "script, style, noscript, template";

/// What the handlers collect while the document streams by.
#[derive(Default)]
struct Collected {
    body: String,
    title: String,
    in_title: bool,
    /// Nesting depth inside hidden elements.
    hidden: usize,
    og_title: Option<String>,
    date: Option<String>,
    /// The first `<time datetime>`, used when no `<meta>` gives a date.
    time: Option<String>,
    source: Option<String>,
    url: Option<String>,
}

/// Read an HTML document whose file stem is `stem`; `Err` carries the reason.
pub(super) fn read(stem: &str, html: &str) -> Result<RawDoc, SkipReason> {
    let state = Rc::new(RefCell::new(Collected::default()));
    let (s1, s2, s3, s4, s5, s6, s7) = (
        state.clone(),
        state.clone(),
        state.clone(),
        state.clone(),
        state.clone(),
        state.clone(),
        state.clone(),
    );
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!(BLOCKS, move |el| {
            s1.borrow_mut().body.push_str("\n\n");
            let after = s1.clone();
            el.on_end_tag(end_tag!(move |_| {
                after.borrow_mut().body.push_str("\n\n");
                Ok(())
            }))?;
            Ok(())
        }))
        .append_element_content_handler(element!("br", move |_| {
            s2.borrow_mut().body.push('\n');
            Ok(())
        }))
        .append_element_content_handler(element!("title", move |el| {
            s3.borrow_mut().in_title = true;
            let after = s3.clone();
            el.on_end_tag(end_tag!(move |_| {
                after.borrow_mut().in_title = false;
                Ok(())
            }))?;
            Ok(())
        }))
        .append_element_content_handler(element!(HIDDEN, move |el| {
            if el.can_have_content() {
                s4.borrow_mut().hidden += 1;
                let after = s4.clone();
                el.on_end_tag(end_tag!(move |_| {
                    let mut state = after.borrow_mut();
                    state.hidden = state.hidden.saturating_sub(1);
                    Ok(())
                }))?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("meta, link[rel=canonical]", move |el| {
            let mut state = s5.borrow_mut();
            let key = ["name", "property", "rel"]
                .iter()
                .find_map(|a| el.get_attribute(a))
                .unwrap_or_default()
                .to_ascii_lowercase();
            let value = el
                .get_attribute("content")
                .or_else(|| el.get_attribute("href"));
            let Some(value) = value.map(|v| decode_entities(v.trim())) else {
                return Ok(());
            };
            let slot = match key.as_str() {
                "og:title" => &mut state.og_title,
                "date" | "pubdate" | "publishdate" | "article:published_time" => &mut state.date,
                "source" | "og:site_name" => &mut state.source,
                "canonical" | "og:url" => &mut state.url,
                _ => return Ok(()),
            };
            if slot.is_none() && !value.is_empty() {
                *slot = Some(value);
            }
            Ok(())
        }))
        .append_element_content_handler(element!("time[datetime]", move |el| {
            let mut state = s7.borrow_mut();
            if state.time.is_none() {
                state.time = el.get_attribute("datetime").map(|v| v.trim().to_string());
            }
            Ok(())
        }))
        .append_document_content_handler(doc_text!(move |chunk| {
            let mut state = s6.borrow_mut();
            match chunk.text_type() {
                TextType::Data if state.hidden == 0 => {
                    state
                        .body
                        .push_str(&chunk.as_str().replace(['\n', '\r', '\t'], " "));
                }
                TextType::RCData if state.in_title => state.title.push_str(chunk.as_str()),
                TextType::RCData | TextType::PlainText if state.hidden == 0 => {
                    state.body.push_str(chunk.as_str());
                }
                _ => {}
            }
            Ok(())
        }));
    rewrite_str(html, settings).map_err(|_| SkipReason::BadHtml)?;
    let state = state.take();
    let text = decode_entities(&state.body);
    let title = decode_entities(&state.title)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let title = Some(title)
        .filter(|t| !t.is_empty())
        .or(state.og_title)
        .unwrap_or_else(|| first_line(&text));
    Ok(RawDoc {
        key: stem.to_string(),
        title,
        text: text.trim().to_string(),
        date: state.date.or(state.time),
        source: state.source,
        url: state.url,
    })
}

/// Named entities worth knowing in Chinese news pages; others are left as written.
const NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{A0}'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("mdash", '—'),
    ("ndash", '–'),
    ("hellip", '…'),
    ("middot", '·'),
    ("bull", '•'),
    ("times", '×'),
    ("divide", '÷'),
    ("copy", '©'),
    ("reg", '®'),
    ("yen", '¥'),
    ("deg", '°'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("emsp", '\u{2003}'),
    ("ensp", '\u{2002}'),
    ("thinsp", '\u{2009}'),
    ("ideographicspace", '\u{3000}'),
];

/// Replace `&name;`, `&#123;` and `&#x7B;` with the characters they stand for. Unknown names
/// and invalid code points stay as written.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or(""));
        let after = rest.get(amp + 1..).unwrap_or("");
        // Entities are short; a `;` further away than this is not ours.
        let end = after.find(';').filter(|&end| end <= 32);
        let decoded = end.and_then(|end| entity(after.get(..end)?).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = after.get(end + 1..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character for an entity name without `&` and `;`.
fn entity(name: &str) -> Option<char> {
    let number = |digits: &str, radix| {
        u32::from_str_radix(digits, radix)
            .ok()
            .and_then(char::from_u32)
    };
    if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        number(hex, 16)
    } else if let Some(dec) = name.strip_prefix('#') {
        number(dec, 10)
    } else {
        NAMED.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_scripts_and_styles() {
        let html = r#"<!DOCTYPE html><html><head><title> 北碚&nbsp;新闻 &amp; 动态 </title>
            <meta name="pubdate" content="2021-12-30"><meta property="og:site_name" content="华龙网">
            <link rel="canonical" href="https://cq.example.cn/a?x=1&amp;y=2">
            <style>p { color: red }</style><script>var s = "<p>不要</p>";</script></head>
            <body><noscript>请开启脚本</noscript>
            <h1>从“后花园”到“北大门”</h1><p>缙云苍翠，
            嘉陵奔涌。<br>占比&#x34;&#46;4&#65285;，&ldquo;一城四地&rdquo;&unknown;</p>
            <ul><li>向北</li><li>向南</li></ul><!-- 注释 --></body></html>"#;
        let doc = read("k", html).unwrap();
        assert_eq!(doc.title, "北碚 新闻 & 动态");
        assert_eq!(doc.date.as_deref(), Some("2021-12-30"));
        let timed = read(
            "k",
            "<p>正文<time datetime=\"2026-05-02T08:00\">5月2日</time></p>",
        )
        .unwrap();
        assert_eq!(timed.date.as_deref(), Some("2026-05-02T08:00"));
        assert_eq!(doc.source.as_deref(), Some("华龙网"));
        assert_eq!(doc.url.as_deref(), Some("https://cq.example.cn/a?x=1&y=2"));
        let lines: Vec<&str> = doc
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(
            lines,
            [
                "从“后花园”到“北大门”",
                "缙云苍翠，             嘉陵奔涌。",
                "占比4.4％，“一城四地”&unknown;",
                "向北",
                "向南"
            ]
        );
    }

    #[test]
    fn title_falls_back_to_og_title_then_first_line() {
        assert_eq!(
            read(
                "k",
                r#"<meta property="og:title" content="标题"><p>正文</p>"#
            )
            .unwrap()
            .title,
            "标题"
        );
        assert_eq!(
            read("k", "<div>第一行</div><div>第二行</div>")
                .unwrap()
                .title,
            "第一行"
        );
    }

    #[test]
    fn decodes_entities() {
        let cases = [
            ("a &amp; b", "a & b"),
            ("&#20013;&#x6587;", "中文"),
            ("&#xD800; &#99999999; &; &", "&#xD800; &#99999999; &; &"),
            ("&amp", "&amp"),
            ("&中;", "&中;"),
        ];
        for (input, expected) in cases {
            assert_eq!(decode_entities(input), expected, "{input:?}");
        }
    }
}
