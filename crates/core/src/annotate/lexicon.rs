//! The topic lexicon: topics and the keywords that signal them.
//!
//! Input: the text of a lexicon data file (format in the header of `data/topics.txt`, from
//! which the default is embedded). Output: an immutable [`Lexicon`] that maps a whole jieba
//! token to a topic and a weight, and hands every keyword to the segmenter's dictionary.
//!
//! Invariants: topics are numbered in order of first appearance; every keyword belongs to
//! exactly one topic; weights are [`PLAIN_WEIGHT`] or [`STRONG_WEIGHT`].
//!
//! Not done here: deciding whether a passage is about a topic (that is `annotate_document`,
//! which sums the weights), stemming, or matching inside tokens.

use super::datafile::{data_lines, error, form};
use crate::corpus::TopicId;
use crate::error::DataProblem;
use crate::error::Result;
use std::collections::HashMap;

/// Score of one occurrence of a plain keyword.
pub(crate) const PLAIN_WEIGHT: u32 = 1;
/// Score of one occurrence of a strong keyword (written with a leading `*`).
pub(crate) const STRONG_WEIGHT: u32 = 2;

/// Topics and their keywords, parsed from a data file.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    topics: Vec<String>,
    keywords: rustc_hash::FxHashMap<String, (TopicId, u32)>,
    /// Keywords in file order, for jieba's dictionary.
    words: Vec<String>,
    /// `not-before` words: a keyword right before one of them does not count.
    not_before: rustc_hash::FxHashSet<String>,
    /// `not-after` words: a keyword right after one of them does not count.
    not_after: rustc_hash::FxHashSet<String>,
}

const EMBEDDED: &str = include_str!("../../../../data/topics.txt");

/// The forms a keyword is matched in: as written, normalized as documents are (ＧＤＰ is
/// GDP in a document), and in simplified characters (火鍋 meets the 火锅 of a simplified
/// document, and still the 火鍋 of a traditional one).
fn keyword_forms(word: &str) -> Vec<String> {
    let normalized = crate::normalize::normalize(word).text;
    let simplified = crate::text::fold_script(&normalized).into_owned();
    let mut forms = Vec::new();
    for form in [word.to_string(), normalized, simplified] {
        if !form.is_empty() && !forms.contains(&form) {
            forms.push(form);
        }
    }
    forms
}

impl Lexicon {
    /// Parse a lexicon file: lines `<topic> <keyword>...`, a leading `*` marking a strong
    /// keyword. `file_label` names the file in errors.
    ///
    /// Errors ([`crate::Error::DataFile`] with the 1-based line): a topic line without
    /// keywords, an empty keyword (`*` alone), a keyword listed twice anywhere in the file
    /// (the message names the first line), more than 65536 topics.
    pub fn parse(text: &str, file_label: &str) -> Result<Lexicon> {
        let mut lex = Lexicon::default();
        let mut first_line: HashMap<String, usize> = HashMap::new();
        for (line, fields) in data_lines(text) {
            let [topic, keywords @ ..] = fields.as_slice() else {
                continue;
            };
            if let Some(set) = match *topic {
                "not-before" => Some(&mut lex.not_before),
                "not-after" => Some(&mut lex.not_after),
                _ => None,
            } {
                if keywords.is_empty() {
                    return Err(error(
                        file_label,
                        line,
                        form(format!("{topic} 词语1 词语2 …")),
                    ));
                }
                set.extend(keywords.iter().map(|w| w.to_string()));
                continue;
            }
            if keywords.is_empty() {
                return Err(error(
                    file_label,
                    line,
                    DataProblem::NoKeywords {
                        topic: topic.to_string(),
                    },
                ));
            }
            let id = match lex.topics.iter().position(|t| t == topic) {
                Some(i) => i,
                None => {
                    lex.topics.push((*topic).to_string());
                    lex.topics.len() - 1
                }
            };
            let id = u16::try_from(id)
                .map(TopicId)
                .map_err(|_| error(file_label, line, DataProblem::TooMany { what: "topics" }))?;
            for raw in keywords {
                // `＊` (full width) marks a strong keyword as `*` does.
                let (word, weight) = match raw.strip_prefix(['*', '＊']) {
                    Some(w) => (w, STRONG_WEIGHT),
                    None => (*raw, PLAIN_WEIGHT),
                };
                if word.is_empty() || word.starts_with(['*', '＊']) {
                    return Err(error(
                        file_label,
                        line,
                        DataProblem::NotAKeyword {
                            word: raw.to_string(),
                        },
                    ));
                }
                if let Some(first) = first_line.get(word) {
                    return Err(error(
                        file_label,
                        line,
                        DataProblem::KeywordTwice {
                            word: word.to_string(),
                            first_line: *first,
                        },
                    ));
                }
                first_line.insert(word.to_string(), line);
                for form in keyword_forms(word) {
                    if let std::collections::hash_map::Entry::Vacant(slot) =
                        lex.keywords.entry(form)
                    {
                        lex.words.push(slot.key().clone());
                        slot.insert((id, weight));
                    }
                }
            }
        }
        Ok(lex)
    }

    /// The embedded default lexicon from `data/topics.txt`: 科技创新, 产业发展, 生态环保,
    /// 文化旅游, 城乡建设, 交通, 民生保障, 区域协同, 党建治理, 改革开放, in that order. (A unit
    /// test proves it parses; were it ever broken this would return an empty lexicon.)
    pub fn default_topics() -> Lexicon {
        Lexicon::parse(EMBEDDED, "topics").unwrap_or_default()
    }

    /// Topic names; the index is the [`TopicId`].
    pub fn topics(&self) -> &[String] {
        &self.topics
    }

    /// Every keyword (without its `*`) in every form it is matched in (see
    /// [`keyword_forms`]), in file order, each once.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(String::as_str)
    }

    /// True for a `not-before` word: a keyword right before it does not count (科技 before
    /// 有限公司 is part of a company name; 党委 before 书记 a job title).
    pub(crate) fn voids_before(&self, token: &str) -> bool {
        self.not_before.contains(token)
    }

    /// True for a `not-after` word: a keyword right after it does not count (开放 after 免费).
    pub(crate) fn voids_after(&self, token: &str) -> bool {
        self.not_after.contains(token)
    }

    /// The topic a whole token is a keyword of, with its weight.
    pub(crate) fn keyword(&self, token: &str) -> Option<(TopicId, u32)> {
        self.keywords.get(token).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn keywords_match_in_simplified_and_half_width_forms() {
        let lex = Lexicon::parse("饮食 *火鍋 ＊ＧＤＰ 美食節\n", "t").unwrap();
        let strong = Some((TopicId(0), STRONG_WEIGHT));
        assert_eq!(lex.keyword("火锅"), strong, "a simplified document's word");
        assert_eq!(lex.keyword("火鍋"), strong, "a traditional document's word");
        assert_eq!(lex.keyword("GDP"), strong, "full-width letters and ＊");
        assert_eq!(lex.keyword("美食节"), Some((TopicId(0), PLAIN_WEIGHT)));
        let words: Vec<&str> = lex.words().collect();
        assert_eq!(words, ["火鍋", "火锅", "ＧＤＰ", "GDP", "美食節", "美食节"]);
        // Both forms written: one keyword, not an error.
        let both = Lexicon::parse("饮食 火鍋 火锅\n", "t").unwrap();
        assert_eq!(both.words().collect::<Vec<_>>(), ["火鍋", "火锅"]);
    }

    #[test]
    fn parses_topics_in_order_with_weights() {
        let text = "# head\n甲 *强 弱\n\n乙 词\n甲 续\n";
        let lex = Lexicon::parse(text, "t").unwrap();
        assert_eq!(lex.topics(), ["甲", "乙"]);
        assert_eq!(lex.keyword("强"), Some((TopicId(0), STRONG_WEIGHT)));
        assert_eq!(lex.keyword("弱"), Some((TopicId(0), PLAIN_WEIGHT)));
        assert_eq!(lex.keyword("续"), Some((TopicId(0), PLAIN_WEIGHT)));
        assert_eq!(lex.keyword("词"), Some((TopicId(1), PLAIN_WEIGHT)));
        assert_eq!(lex.keyword("*强"), None);
        assert_eq!(lex.keyword("甲"), None);
        assert_eq!(lex.words().collect::<Vec<_>>(), ["强", "弱", "词", "续"]);
    }

    #[test]
    fn negative_context_lines() {
        let lex = Lexicon::parse("甲 科技\nnot-before 公司 集团\nnot-after 免费\n", "t").unwrap();
        assert_eq!(lex.topics(), ["甲"], "context lines are not topics");
        assert!(lex.voids_before("公司") && lex.voids_before("集团") && lex.voids_after("免费"));
        assert!(!lex.voids_before("科技"));
        assert!(Lexicon::parse("not-after\n", "t").is_err());
    }

    #[test]
    fn errors_name_the_line() {
        for (text, line, needle) in [
            ("甲 a\n\n乙\n", 3, "no keywords"),
            ("甲 a\n# c\n乙 b a\n", 3, "already listed on line 1"),
            ("甲 a *a\n", 1, "already listed on line 1"),
            ("甲 *\n", 1, "not a keyword"),
            ("甲 **a\n", 1, "not a keyword"),
        ] {
            match Lexicon::parse(text, "topics") {
                Err(Error::DataFile {
                    file,
                    line: l,
                    problem,
                }) => {
                    let detail = problem.to_string();
                    assert_eq!(file, "topics");
                    assert_eq!(l, line, "{text:?}: {detail}");
                    assert!(detail.contains(needle), "{detail:?} should say {needle:?}");
                }
                other => panic!("{text:?} should fail, got {other:?}"),
            }
        }
    }

    #[test]
    fn embedded_default_topics() {
        let lex = Lexicon::parse(EMBEDDED, "topics").expect("data/topics.txt must parse");
        assert_eq!(
            lex.topics(),
            [
                "科技创新",
                "产业发展",
                "生态环保",
                "文化旅游",
                "城乡建设",
                "交通",
                "民生保障",
                "区域协同",
                "党建治理",
                "改革开放"
            ],
            "data/topics.txt: names and order are fixed by DESIGN.md"
        );
        for (i, topic) in lex.topics().iter().enumerate() {
            let n = lex
                .keywords
                .values()
                .filter(|(t, _)| usize::from(t.0) == i)
                .count();
            assert!(
                (15..=40).contains(&n),
                "{topic} has {n} keywords in data/topics.txt"
            );
        }
        assert_eq!(Lexicon::default_topics().topics().len(), 10);
        let g = super::super::Gazetteer::chongqing();
        for w in lex.words() {
            assert_eq!(g.lookup(w), None, "keyword {w} is also a gazetteer name");
        }
    }
}
