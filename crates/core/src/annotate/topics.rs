//! Topics of a document and of its passages, from weighted keyword evidence.
//!
//! Input: the tokens of a title and of each passage and a [`Lexicon`]. Output: document
//! topics (strongest first) and each passage's topics, plus the [`Hit`]s behind them for
//! explanations.
//!
//! Evidence: a keyword scores its weight (1 plain, 2 strong), but not right before a
//! `not-before` word of the lexicon (科技|有限公司, 党委|书记) nor right after a `not-after`
//! word (免费|开放); one keyword counts at most [`MAX_REPEATS`] times in a passage (the
//! tenth 企业 says no more than the second). A passage gets a topic when its score is at
//! least [`PASSAGE_TOPIC_MIN`] and, unless a strong keyword counts for it, at least half of
//! the passage's best topic score (a passage is about one or two things, not every
//! generic word it uses; a strong keyword, such as a user's own 缙云山, always counts). A topic the title is
//! about (title score ≥ [`PASSAGE_TOPIC_MIN`]) adds [`TITLE_BONUS`] to every passage with
//! any evidence for it.
//!
//! Document topics: the title's score × [`TITLE_WEIGHT`] plus the passages' scores give a
//! total per topic. A topic belongs to the document if the title is about it, or if its
//! total is at least [`DOC_TOPIC_MIN`] and it applies to at least a quarter of the passages
//! with tokens or its total is at least half of the best topic's total.

use super::lexicon::STRONG_WEIGHT;
use super::{by_score, Lexicon, TITLE_WEIGHT};
use crate::corpus::TopicId;
use std::collections::{BTreeMap, BTreeSet};

/// Keyword score a passage needs for a topic: two plain hits or one strong hit.
pub(crate) const PASSAGE_TOPIC_MIN: u32 = 2;
/// Smallest document total for a document topic.
pub(crate) const DOC_TOPIC_MIN: u32 = 2;
/// Occurrences of one keyword that count in one passage.
pub(crate) const MAX_REPEATS: u32 = 2;
/// Added to a passage's score for a topic the title is about, when the passage has any
/// evidence for it.
pub(crate) const TITLE_BONUS: u32 = 1;

/// One keyword occurrence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Hit<'a> {
    pub keyword: &'a str,
    pub topic: TopicId,
    /// What it adds: its weight, or 0 when a context word or the repeat cap voids it.
    pub score: u32,
    /// The context word that voids it, if any.
    pub voided_by: Option<&'a str>,
}

/// The keyword hits of a token list, in order.
pub(crate) fn hits<'a>(tokens: &[&'a str], lex: &Lexicon) -> Vec<Hit<'a>> {
    let mut seen: BTreeMap<&str, u32> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Some((topic, weight)) = lex.keyword(token) else {
            continue;
        };
        let next = tokens.get(i + 1).copied().filter(|n| lex.voids_before(n));
        let prev = i
            .checked_sub(1)
            .and_then(|j| tokens.get(j))
            .copied()
            .filter(|p| lex.voids_after(p));
        let voided_by = next.or(prev);
        let repeats = seen.entry(token).or_insert(0);
        let score = if voided_by.is_some() || *repeats >= MAX_REPEATS {
            0
        } else {
            *repeats += 1;
            weight
        };
        out.push(Hit {
            keyword: token,
            topic,
            score,
            voided_by,
        });
    }
    out
}

fn scores(hits: &[Hit<'_>]) -> BTreeMap<TopicId, u32> {
    let mut out: BTreeMap<TopicId, u32> = BTreeMap::new();
    for h in hits {
        let s = out.entry(h.topic).or_insert(0);
        *s = s.saturating_add(h.score);
    }
    out
}

/// Topics with a counted strong keyword among `hits`.
fn strong_topics(hits: &[Hit<'_>]) -> BTreeSet<TopicId> {
    hits.iter()
        .filter(|h| h.score >= STRONG_WEIGHT)
        .map(|h| h.topic)
        .collect()
}

/// A passage's topics from its hits (see the module docs); `title_topics` are the topics
/// the title is about.
fn passage_topics(hits: &[Hit<'_>], title_topics: &[TopicId]) -> Vec<TopicId> {
    let mut scores = scores(hits);
    let strong = strong_topics(hits);
    for (t, s) in scores.iter_mut() {
        if title_topics.contains(t) && *s > 0 {
            *s += TITLE_BONUS;
        }
    }
    let best = scores.values().copied().max().unwrap_or(0);
    scores
        .into_iter()
        .filter(|(t, s)| *s >= PASSAGE_TOPIC_MIN && (strong.contains(t) || *s * 2 >= best))
        .map(|(t, _)| t)
        .collect()
}

/// Document topics and each passage's topics.
pub(crate) fn annotate(
    title_tokens: &[&str],
    passage_tokens: &[Vec<&str>],
    lex: &Lexicon,
) -> (Vec<TopicId>, Vec<Vec<TopicId>>) {
    let title = scores(&hits(title_tokens, lex));
    let title_topics: Vec<TopicId> = title
        .iter()
        .filter(|(_, s)| **s >= PASSAGE_TOPIC_MIN)
        .map(|(t, _)| *t)
        .collect();
    let passage_hits: Vec<Vec<Hit<'_>>> = passage_tokens.iter().map(|p| hits(p, lex)).collect();
    let per_passage: Vec<BTreeMap<TopicId, u32>> = passage_hits.iter().map(|h| scores(h)).collect();
    let passages: Vec<Vec<TopicId>> = passage_hits
        .iter()
        .map(|h| passage_topics(h, &title_topics))
        .collect();
    let mut totals: BTreeMap<TopicId, u32> = BTreeMap::new();
    for (t, s) in &title {
        *totals.entry(*t).or_insert(0) += s.saturating_mul(TITLE_WEIGHT);
    }
    for s in &per_passage {
        for (t, n) in s {
            *totals.entry(*t).or_insert(0) += n;
        }
    }
    let nonempty = passage_tokens
        .iter()
        .filter(|p| p.iter().any(|t| !t.trim().is_empty()))
        .count() as u64;
    let totals = by_score(totals);
    let best = totals.first().map_or(0, |(_, s)| *s);
    let document = totals
        .iter()
        .filter(|(t, total)| {
            let share = passages.iter().filter(|p| p.contains(t)).count() as u64;
            title_topics.contains(t)
                || (*total >= DOC_TOPIC_MIN
                    && ((share > 0 && share * 4 >= nonempty)
                        || u64::from(*total) * 2 >= u64::from(best)))
        })
        .map(|(t, _)| *t)
        .collect();
    (document, passages)
}

/// Lines saying which keywords scored which topic in a passage and whether the topic
/// applies (it is in `given`).
pub(crate) fn evidence(tokens: &[&str], lex: &Lexicon, given: &[TopicId]) -> Vec<String> {
    let mut by_topic: BTreeMap<TopicId, Vec<Hit<'_>>> = BTreeMap::new();
    for h in hits(tokens, lex) {
        by_topic.entry(h.topic).or_default().push(h);
    }
    by_topic
        .into_iter()
        .map(|(topic, hits)| {
            let total: u32 = hits.iter().map(|h| h.score).sum();
            let list: Vec<String> = hits
                .iter()
                .map(|h| match h.voided_by {
                    Some(w) => format!("{}(0，因「{w}」)", h.keyword),
                    None => format!("{}({})", h.keyword, h.score),
                })
                .collect();
            let name = lex.topics().get(usize::from(topic.0)).map_or("", String::as_str);
            let verdict = if given.contains(&topic) { "是" } else { "否" };
            format!(
                "主题 {name}：{} = {total}（需 {PASSAGE_TOPIC_MIN}；无强关键词时还需不低于本段最高分的一半）→ {verdict}",
                list.join(" ")
            )
        })
        .collect()
}

#[cfg(all(test, feature = "default-dict"))]
mod tests {
    use super::*;
    use crate::segment::Segmenter;

    /// 客流再创新高 is a record high, not innovation: 创新 right before 高 does not count.
    #[test]
    fn a_record_high_is_not_innovation() {
        let lex = Lexicon::default_topics();
        let tokens = ["客流", "再", "创新", "高"];
        let found = hits(&tokens, &lex);
        let innovation: Vec<&Hit<'_>> = found.iter().filter(|h| h.keyword == "创新").collect();
        assert_eq!(innovation.len(), 1);
        assert_eq!(
            (innovation[0].score, innovation[0].voided_by),
            (0, Some("高"))
        );
    }

    /// A user's narrow topic (one strong keyword) survives next to a broad default topic.
    #[test]
    fn a_narrow_user_topic_is_kept_next_to_a_broad_one() {
        let text = format!(
            "{}\n山林保护 *缙云山 *保护区\n",
            include_str!("../../../../data/topics.txt")
        );
        let lex = Lexicon::parse(&text, "t").unwrap();
        let g = crate::Gazetteer::chongqing();
        let s = Segmenter::with_default_dict(&g, &lex);
        let tokens =
            s.segment("北碚生态建设\n缙云山国家级自然保护区的生态环境持续改善，北碚区推进生态文明建设。\n北碚区发展生态旅游，游客越来越多。");
        let (_, passages) = annotate(&[], &[tokens], &lex);
        let names: Vec<&str> = passages[0]
            .iter()
            .map(|t| lex.topics()[usize::from(t.0)].as_str())
            .collect();
        assert!(
            names.contains(&"山林保护") && names.contains(&"生态环保"),
            "{names:?}"
        );
    }
}
