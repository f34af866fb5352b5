//! HTML (`.html`, `.htm`). Input: decoded text. Output: one [`RawDoc`].
//!
//! html5gum tokenizes the document as the WHATWG spec says (entities decoded, in text and in
//! attributes); it has no tree, so we track the little nesting that matters. We keep the text
//! of regular content and of `<title>`, skip what is never shown (the raw-text elements
//! `<script>`, `<style>`, `<noscript>`, `<iframe>`… and everything inside `<template>`), skip
//! `<nav>` (a saved page's menus are not the article: they made every page of a site match
//! 首页 and put themselves before the title), and
//! turn block elements into blank lines and `<br>` into a line break. Source line breaks
//! inside text are plain spaces, as a browser shows them. Metadata: title from `<title>`
//! (else `og:title`, else the first line), date from `<meta name="date|pubdate|publishdate">`,
//! `article:published_time` or the first `<time datetime>`, source from `og:site_name` or
//! `<meta name="source">`, url from `<link rel="canonical">` or `og:url`. The title is not
//! repeated in `text`.
//!
//! It does not run scripts, follow links or look at `<meta charset>`: decoding already
//! happened on the bytes.

use super::{first_line, RawDoc};
use html5gum::{naive_next_state, DefaultEmitter, StartTag, State, Token, Tokenizer};

/// Elements whose start and end separate paragraphs.
const BLOCKS: &[&[u8]] = &[
    b"p",
    b"div",
    b"section",
    b"article",
    b"main",
    b"header",
    b"footer",
    b"aside",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"li",
    b"dt",
    b"dd",
    b"blockquote",
    b"pre",
    b"figure",
    b"figcaption",
    b"table",
    b"tr",
    b"td",
    b"th",
    b"hr",
    b"ul",
    b"ol",
    b"dl",
    b"form",
    b"address",
];

/// Elements whose content is not the document's text, nested ones included: `<template>`
/// (never shown) and `<nav>` (menus).
const UNREAD: &[&[u8]] = &[b"template", b"nav"];

/// What the tokens have told so far.
#[derive(Default)]
struct Collected {
    body: String,
    title: String,
    /// Inside `<title>`.
    in_title: bool,
    /// `<title>` elements begun: only the first is the document's (an SVG icon's `<title>`
    /// later in the page is a tooltip, neither title nor text).
    titles: usize,
    /// The raw-text element (`<script>`, `<style>`…) whose content is being skipped.
    skipping: Option<Vec<u8>>,
    /// Nesting depth inside [`UNREAD`] elements.
    unread_depth: usize,
    og_title: Option<String>,
    date: Option<String>,
    /// The first `<time datetime>`, used when no `<meta>` gives a date.
    time: Option<String>,
    source: Option<String>,
    url: Option<String>,
}

/// Read an HTML document whose file stem is `stem`. Any text is HTML to the tokenizer (it
/// recovers from every error as a browser does), so this never fails.
pub(super) fn read(stem: &str, html: &str) -> RawDoc {
    let mut emitter = DefaultEmitter::default();
    // Switch to raw text after <script>, <style>, <title>… so their content is not read as
    // markup; html5gum has no tree builder to decide that.
    emitter.naively_switch_states(true);
    let mut state = Collected::default();
    for token in Tokenizer::new_with_emitter(html, emitter) {
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => state.start(&tag),
            Token::EndTag(tag) => state.end(&tag.name),
            Token::String(text) => state.text(&String::from_utf8_lossy(&text)),
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    state.into_doc(stem)
}

impl Collected {
    fn start(&mut self, tag: &StartTag<()>) {
        let name = tag.name.as_slice();
        if self.skipping.is_some() {
            return;
        }
        // As in a browser (and html5gum), `<script/>` opens a script all the same.
        if let Some(State::RawText | State::ScriptData) = naive_next_state(name) {
            self.skipping = Some(name.to_vec());
            return;
        }
        let attribute = |key: &str| {
            tag.attributes
                .get(key.as_bytes())
                .map(|v| String::from_utf8_lossy(v).trim().to_string())
        };
        match name {
            b"title" => {
                self.in_title = true;
                self.titles += 1;
            }
            b"br" => self.body.push('\n'),
            _ if UNREAD.contains(&name) => self.unread_depth += 1,
            b"meta" | b"link" => self.metadata(name, attribute),
            b"time" if self.time.is_none() => self.time = attribute("datetime"),
            _ if BLOCKS.contains(&name) => self.body.push_str("\n\n"),
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        if let Some(skipped) = &self.skipping {
            if skipped.as_slice() == name {
                self.skipping = None;
            }
            return;
        }
        match name {
            b"title" => self.in_title = false,
            _ if UNREAD.contains(&name) => self.unread_depth = self.unread_depth.saturating_sub(1),
            _ if BLOCKS.contains(&name) => self.body.push_str("\n\n"),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.skipping.is_some() || self.unread_depth > 0 {
            return;
        }
        if self.in_title {
            if self.titles == 1 {
                self.title.push_str(text);
            }
        } else {
            self.body.push_str(&text.replace(['\n', '\r', '\t'], " "));
        }
    }

    /// `<meta name|property=… content=…>` and `<link rel=canonical href=…>`: the first value
    /// of each kind wins.
    fn metadata(&mut self, tag: &[u8], attribute: impl Fn(&str) -> Option<String>) {
        let key = ["name", "property", "rel"]
            .iter()
            .find_map(|a| attribute(a))
            .unwrap_or_default()
            .to_ascii_lowercase();
        let value = attribute(if tag == b"link" { "href" } else { "content" });
        let slot = match (tag, key.as_str()) {
            (b"meta", "og:title") => &mut self.og_title,
            (b"meta", "date" | "pubdate" | "publishdate" | "article:published_time") => {
                &mut self.date
            }
            (b"meta", "source" | "og:site_name") => &mut self.source,
            (b"meta", "og:url") | (b"link", "canonical") => &mut self.url,
            _ => return,
        };
        if slot.is_none() {
            *slot = value.filter(|v| !v.is_empty());
        }
    }

    fn into_doc(self, stem: &str) -> RawDoc {
        let text = self.body;
        let title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        let title = Some(title)
            .filter(|t| !t.is_empty())
            .or(self.og_title)
            .unwrap_or_else(|| first_line(&text));
        RawDoc {
            key: stem.to_string(),
            title,
            text: text.trim().to_string(),
            date: self.date.or(self.time),
            source: self.source,
            url: self.url,
        }
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
        let doc = read("k", html);
        assert_eq!(doc.title, "北碚 新闻 & 动态");
        assert_eq!(doc.date.as_deref(), Some("2021-12-30"));
        let timed = read(
            "k",
            "<p>正文<time datetime=\"2026-05-02T08:00\">5月2日</time></p>",
        );
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
            .title,
            "标题"
        );
        assert_eq!(
            read("k", "<div>第一行</div><div>第二行</div>").title,
            "第一行"
        );
    }

    /// Entities as a browser decodes them: named (all of HTML's), numeric, and the legacy
    /// names that may omit `;`; what is not an entity stays as written.
    #[test]
    fn decodes_entities_as_a_browser_does() {
        let cases = [
            ("a &amp; b", "a & b"),
            ("&#20013;&ensp;&#x6587;&hellip;", "中\u{2002}文…"),
            ("&#xD800; &; &", "\u{FFFD} &; &"),
            ("&amp &copy", "& ©"),
            ("&中; &unknown;", "&中; &unknown;"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                read("k", &format!("<p>{input}</p>")).text,
                expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn skips_menus() {
        let html = "<title>北碚区举办缙云山生态论坛</title><nav>首页 | <a href=/>新闻</a>\
            <nav><ul><li>导航菜单</li></ul></nav></nav>\
            <h1>北碚区举办缙云山生态论坛</h1><p>5月3日，论坛在北碚举行。</p>";
        let doc = read("k", html);
        let lines: Vec<&str> = doc.text.split_whitespace().collect();
        assert_eq!(
            lines,
            ["北碚区举办缙云山生态论坛", "5月3日，论坛在北碚举行。"]
        );
        assert!(
            doc.text.starts_with(&doc.title),
            "the title is not put before menus"
        );
    }

    /// Markup inside raw-text elements is not read (a self-closed `<script/>` included, as
    /// in a browser), nor what `<template>` holds.
    #[test]
    fn skips_raw_text_and_templates() {
        let html = "<title>标题</title><p>甲</p><script>document.write('<p>乙</p>')</script>\
            <script src=a.js />var 庚 = 1;</script>\
            <template><p>丙</p></template><textarea>丁</textarea><iframe><p>戊</p></iframe>己\
            <svg><title>关闭</title></svg>";
        let doc = read("k", html);
        let lines: Vec<&str> = doc.text.split_whitespace().collect();
        assert_eq!(lines, ["甲", "丁己"]);
        assert_eq!(
            doc.title, "标题",
            "an SVG icon's <title> is not the document's"
        );
    }
}
