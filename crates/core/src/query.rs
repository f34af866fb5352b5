//! Query syntax (query time): what a user types → a [`Query`].
//!
//! - free text, segmented later against the corpus vocabulary (`analyze`);
//! - `"phrase"`, `“短语”` or `「短语」`: the words must occur adjacent, in order;
//! - `-word` or `-"phrase"`: documents containing it are excluded;
//! - `district:北碚` (or `区县:北碚`), `topic:科技创新` (or `主题:科技创新`): filters, the same as
//!   choosing them in the facet panel.
//!
//! Input is NFKC-folded first, so full-width `＂`, `－`, `：` and digits work. Native builds
//! fold with Rust's Unicode tables ([`Query::parse`], feature `nfkc`); browser builds pass the
//! browser's own `String.prototype.normalize("NFKC")` to [`Query::parse_with`], because the
//! tables would add about 30 KB gz to every wasm file that a first result waits for. Punctuation
//! outside these forms is ignored, an unbalanced quote runs to the end of the input, and
//! no input panics; only a query longer than [`MAX_QUERY_CHARS`] is an error.

/// Longest accepted query, in characters. Longer input is almost certainly a paste accident,
/// and a clear error is more useful than a slow search.
pub const MAX_QUERY_CHARS: usize = 1000;

/// A parsed query (not yet analyzed against a corpus).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Free-text chunks (split on whitespace), each to be segmented into words.
    pub text: Vec<String>,
    /// Phrases that must occur verbatim (punctuation ignored).
    pub phrases: Vec<String>,
    /// Words or phrases whose documents are excluded.
    pub excluded: Vec<String>,
    /// District names from `district:` clauses.
    pub districts: Vec<String>,
    /// Topic names from `topic:` clauses.
    pub topics: Vec<String>,
}

/// What narrows and orders a result list besides the query: facet filters (OR within a
/// facet, AND across facets; empty means "no filter"), a date range and the sort order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    /// Keep passages in any of these districts.
    pub districts: Vec<crate::DistrictId>,
    /// Keep passages with any of these topics.
    pub topics: Vec<crate::TopicId>,
    /// Keep passages of documents dated inside this range.
    pub dates: crate::DateRange,
    /// The order of the documents.
    pub sort: crate::SortOrder,
}

fn closing_quote(open: char) -> Option<char> {
    match open {
        '"' => Some('"'),
        '“' => Some('”'),
        '「' => Some('」'),
        '『' => Some('』'),
        _ => None,
    }
}

impl Query {
    /// Parse user input, NFKC-folded with Rust's tables. Errors only when the input is
    /// longer than [`MAX_QUERY_CHARS`].
    #[cfg(feature = "nfkc")]
    pub fn parse(input: &str) -> crate::Result<Query> {
        Self::parse_with(input, crate::text::nfkc)
    }

    /// Parse user input after folding it with `nfkc`, which must return the NFKC form of
    /// its argument. Errors only when the input is longer than [`MAX_QUERY_CHARS`].
    pub fn parse_with(input: &str, nfkc: impl FnOnce(&str) -> String) -> crate::Result<Query> {
        let count = input.chars().count();
        if count > MAX_QUERY_CHARS {
            return Err(crate::Error::QueryTooLong {
                chars: count,
                max: MAX_QUERY_CHARS,
            });
        }
        let folded = nfkc(input);
        let mut query = Query::default();
        let mut chars = folded.chars().peekable();
        loop {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            let Some(&first) = chars.peek() else { break };
            let negated = first == '-';
            if negated {
                chars.next();
            }
            let is_phrase = chars.peek().copied().and_then(closing_quote);
            let body: String = if let Some(close) = is_phrase {
                chars.next();
                let mut s = String::new();
                for c in chars.by_ref() {
                    if c == close {
                        break;
                    }
                    s.push(c);
                }
                s
            } else {
                let mut s = String::new();
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    s.push(c);
                }
                s
            };
            if body.trim().is_empty() {
                // A lone `-` or quote: kept as text with nothing to search, so the search
                // says that the query has nothing searchable (see `search`).
                if negated || is_phrase.is_some() {
                    query.text.push(first.to_string());
                }
                continue;
            }
            // A word typed twice is searched once (a pasted list can repeat one hundreds of
            // times; each copy would cost a clause).
            let push_new = |list: &mut Vec<String>, item: String| {
                if !list.contains(&item) {
                    list.push(item);
                }
            };
            if negated {
                push_new(&mut query.excluded, body);
            } else if is_phrase.is_some() {
                push_new(&mut query.phrases, body);
            } else if let Some((field, value)) = body.split_once(':') {
                let list = match label_field(field) {
                    Some(Label::District) => &mut query.districts,
                    Some(Label::Topic) => &mut query.topics,
                    None => {
                        push_new(&mut query.text, body);
                        continue;
                    }
                };
                // `district: 北碚` (a space after the colon) names the next word.
                let value = if value.is_empty() {
                    while chars.next_if(|c| c.is_whitespace()).is_some() {}
                    std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect()
                } else {
                    value.to_string()
                };
                // Several names at once: `district:北碚,渝北` (also ，、).
                for name in value.split([',', '，', '、']).filter(|n| !n.is_empty()) {
                    push_new(list, name.to_string());
                }
            } else {
                push_new(&mut query.text, body);
            }
        }
        Ok(query)
    }

    /// True when the query has no search terms (only filters, or nothing).
    pub fn has_terms(&self) -> bool {
        !(self.text.is_empty() && self.phrases.is_empty())
    }
}

/// The label an inline filter's field names (`district:` / `区县:` / `区:`, `topic:` /
/// `主题:`, in any case).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    District,
    Topic,
}

/// The label `field` (the text before a `:`) names, if any.
pub(crate) fn label_field(field: &str) -> Option<Label> {
    match field.to_ascii_lowercase().as_str() {
        "district" | "区县" | "区" => Some(Label::District),
        "topic" | "主题" => Some(Label::Topic),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_in_any_case_with_a_space_or_several_names_and_words_once() {
        let q = Query::parse(
            "District: 北碚 TOPIC:交通 区县:渝北，两江新区 重庆 重庆 \"高铁\" \"高铁\"",
        )
        .unwrap();
        assert_eq!(q.districts, ["北碚", "渝北", "两江新区"]);
        assert_eq!(q.topics, ["交通"]);
        assert_eq!(q.text, ["重庆"]);
        assert_eq!(q.phrases, ["高铁"]);
        let q = Query::parse("district:").unwrap();
        assert!(q.districts.is_empty(), "no name, no filter");
    }

    #[test]
    fn syntax_table() {
        let q = Query::parse("北碚 科技创新 \"一城四地\" -渝北 district:北碚 topic:交通").unwrap();
        assert_eq!(q.text, ["北碚", "科技创新"]);
        assert_eq!(q.phrases, ["一城四地"]);
        assert_eq!(q.excluded, ["渝北"]);
        assert_eq!(q.districts, ["北碚"]);
        assert_eq!(q.topics, ["交通"]);

        let q = Query::parse("“生态 人文”　－\"两江 新区\" 区县：北碚").unwrap();
        assert_eq!(q.phrases, ["生态 人文"]);
        assert_eq!(q.excluded, ["两江 新区"]);
        assert_eq!(q.districts, ["北碚"]);
    }

    #[test]
    fn odd_inputs_never_fail() {
        for input in [
            "",
            "   ",
            "\"",
            "“未闭合",
            "-",
            "--",
            "-\"\"",
            "，。！？",
            "district:",
            "a:b:c",
        ] {
            let q = Query::parse(input).unwrap();
            assert!(q.districts.is_empty(), "{input:?}");
        }
        assert_eq!(Query::parse("“未闭合").unwrap().phrases, ["未闭合"]);
        assert_eq!(Query::parse("a:b:c").unwrap().text, ["a:b:c"]);
    }

    #[test]
    fn too_long_is_a_clear_error() {
        let long = "北".repeat(MAX_QUERY_CHARS + 1);
        let err = Query::parse(&long).unwrap_err().to_string();
        assert!(err.contains("at most"), "{err}");
        assert!(Query::parse(&"北".repeat(MAX_QUERY_CHARS)).is_ok());
    }

    #[test]
    fn full_width_forms_fold() {
        let q = Query::parse("４.４％ ＡＩ").unwrap();
        assert_eq!(q.text, ["4.4%", "AI"]);
    }

    #[test]
    fn the_callers_fold_is_used_and_parsed_after() {
        // A browser passes String.prototype.normalize; here a stand-in that maps ＂ to ".
        let q = Query::parse_with("＂一城 四地＂ ＡＩ", |s| s.replace('＂', "\"")).unwrap();
        assert_eq!(q.phrases, ["一城 四地"]);
        assert_eq!(q.text, ["ＡＩ"], "only the caller's fold runs");
        let long = "北".repeat(MAX_QUERY_CHARS + 1);
        assert!(Query::parse_with(&long, |s| s.to_string()).is_err());
    }
}
