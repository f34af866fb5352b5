//! Why a document got its districts and topics, in words a reader can check against the
//! gazetteer and lexicon files (`quxian inspect --explain`).
//!
//! Input: an [`Analysis`] and the document it came from. Output: an [`Explanation`]: lines
//! about the document, and for each passage one line per name found (counted or not, and
//! why), its districts (named or inherited) and its topic keywords.

use super::districts::Main;
use super::mentions::{Mention, Rejection, Verdict};
use super::{Analysis, DocTokens, Gazetteer, Lexicon};
use crate::corpus::DistrictId;

/// The reasons behind one document's annotation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Explanation {
    /// Lines about the whole document: main districts and why, title names, topics.
    pub document: Vec<String>,
    /// For each passage, in order: one line per name found, then its districts and topics.
    pub passages: Vec<Vec<String>>,
}

pub(super) fn explain(
    a: &Analysis<'_>,
    doc: &DocTokens<'_, '_>,
    g: &Gazetteer,
    lex: &Lexicon,
) -> Explanation {
    let name = |d: DistrictId| {
        g.districts()
            .get(usize::from(d.0))
            .cloned()
            .unwrap_or_default()
    };
    let names = |ds: &[DistrictId]| ds.iter().map(|d| name(*d)).collect::<Vec<_>>().join("、");
    let mut document = vec![main_line(&a.main, &a.annotation.main_districts, &names)];
    for m in &a.title_mentions {
        document.push(format!("标题 {}", mention_line(m, &name)));
    }
    let topic_names: Vec<&str> = a
        .annotation
        .topics
        .iter()
        .filter_map(|t| lex.topics().get(usize::from(t.0)).map(String::as_str))
        .collect();
    document.push(format!("文档主题：{}", or_none(&topic_names.join("、"))));
    let passages = a
        .passage_mentions
        .iter()
        .zip(&a.annotation.passages)
        .zip(doc.passages)
        .map(|((mentions, ann), tokens)| {
            let mut lines: Vec<String> = mentions.iter().map(|m| mention_line(m, &name)).collect();
            let districts = names(&ann.districts);
            lines.push(if ann.inherited {
                format!("区县：{districts}（本段未提到区县，继承文档的）")
            } else {
                format!("区县：{}", or_none(&districts))
            });
            lines.extend(super::topics::evidence(tokens, lex, &ann.topics));
            lines
        })
        .collect();
    Explanation { document, passages }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "无"
    } else {
        s
    }
}

fn main_line(why: &Main, main: &[DistrictId], names: &dyn Fn(&[DistrictId]) -> String) -> String {
    let main = names(main);
    match why {
        Main::Nothing => "主要区县：无（未提到区县，也未以全市口吻谈本市）".to_string(),
        Main::CityNamed => format!("主要区县：{main}（城市级：未提到区县，提到本市并有「全市」类词）"),
        Main::Venue(v) => {
            let events: Vec<String> = v.iter().map(|(_, e)| format!("「{e}」")).collect();
            format!("主要区县：{main}（标题或首段中其后有{}：事件发生地）", events.join(""))
        }
        Main::Title(_) => format!("主要区县：{main}（标题提到，且标题无「全市」类词）"),
        Main::Dominant {
            count,
            others,
            citywide,
        } => format!(
            "主要区县：{main}（提到 {count} 次，其他区县共 {others} 次，「全市」类词 {citywide} 个）"
        ),
        Main::CityLevel {
            citywide_in_title,
            citywide,
        } => {
            let why = if *citywide_in_title {
                "标题有「全市」类词".to_string()
            } else {
                format!("没有一个区县占绝大多数（「全市」类词 {citywide} 个）")
            };
            format!("主要区县：{main}（城市级：{why}）")
        }
        Main::TopCounts => format!("主要区县：{main}（提到最多的区县）"),
    }
}

fn mention_line(m: &Mention<'_>, name: &dyn Fn(DistrictId) -> String) -> String {
    let d = name(m.district);
    let n = m.name;
    match &m.verdict {
        Verdict::Counted => format!("「{n}」→ {d}"),
        Verdict::ConfirmedBy(w) => format!("「{n}」→ {d}（有歧义的名字，由相邻的「{w}」确认）"),
        Verdict::ConfirmedByDocument => {
            format!("「{n}」→ {d}（有歧义的名字，文档别处明确提到{d}）")
        }
        Verdict::Pending => format!("「{n}」→ 待定"),
        Verdict::Rejected(r) => {
            let why = match r {
                Rejection::OutOfDate { until } => {
                    format!("旧名只用到 {until}，文档日期在其后")
                }
                Rejection::Elsewhere(w) => format!("前有「{w}」，是别的省市的地名"),
                Rejection::PersonOrBrand(w) => format!("紧挨「{w}」，是人名或企业、品牌名"),
                Rejection::InsideWord(w) => format!("前有单字「{w}」，是长词或人名的一部分"),
                Rejection::InsideDistrict(w) => format!("前有「{w}」，是该区县里的地名"),
                Rejection::Unconfirmed => "有歧义的名字，相邻词和文档别处都未确认".to_string(),
            };
            format!("「{n}」（{d}）不计：{why}")
        }
    }
}
