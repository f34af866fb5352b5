//! Stage 5 (build time; the gazetteer and lexicon are also used at query time for names):
//! districts and topics per passage and per document.
//!
//! Input: the jieba tokens of a document's title and of each of its passages (from
//! `segment`), a [`Gazetteer`] and a [`Lexicon`]. Output: a [`DocAnnotation`] with one
//! [`PassageAnnotation`] per passage, in order.
//!
//! Rules (all on whole tokens; a name inside a longer token never counts):
//! - **Districts.** A token that is a gazetteer name is a mention of its district. A name
//!   marked ambiguous (长寿, 南岸) counts only if the document also mentions that district
//!   by an unambiguous name somewhere (title or any passage).
//! - **Document districts** are weighted counts: a title mention weighs [`TITLE_WEIGHT`],
//!   a passage mention 1. Sorted by count, highest first (ties: lower id first).
//! - **Main districts**: the top district plus every district whose count is at least
//!   half of the top count ([`MAIN_SHARE_NUM`]/[`MAIN_SHARE_DEN`]).
//! - **Passage districts**: the districts the passage mentions (most mentioned first). A
//!   passage that mentions none inherits the document's main districts with
//!   `inherited = true`; if the document has no districts at all it gets none and
//!   `inherited = false`.
//! - **Passage topics**: keyword occurrences score 1 (plain) or 2 (strong, `*` in the file);
//!   a topic applies at a score of [`PASSAGE_TOPIC_MIN`] or more. Several topics or none.
//! - **Document topics**: the title's keyword scores (× [`TITLE_WEIGHT`]) plus all passage
//!   scores give a total per topic. A topic belongs to the document if the title alone
//!   scores [`PASSAGE_TOPIC_MIN`] for it (the title is about it), or if its total is at
//!   least [`DOC_TOPIC_MIN`] and it applies to at least a quarter of the passages that have
//!   any tokens or its total is at least half of the best topic's total. Sorted by total,
//!   highest first.
//!
//! Not done here: segmentation, passage splitting, and any use of document dates (a moved
//! place always counts for its current district).

mod datafile;
mod gazetteer;
mod lexicon;

pub use gazetteer::Gazetteer;
pub use lexicon::Lexicon;

use crate::corpus::{DistrictId, TopicId};
use std::collections::{BTreeMap, HashSet};

/// How much more a mention in the title counts than one in the body (districts and topics).
pub(crate) const TITLE_WEIGHT: u32 = 3;
/// A district is a main district when its count × DEN ≥ the top count × NUM (i.e. ≥ half).
pub(crate) const MAIN_SHARE_NUM: u32 = 1;
/// See [`MAIN_SHARE_NUM`].
pub(crate) const MAIN_SHARE_DEN: u32 = 2;
/// Keyword score a passage needs for a topic: two plain hits or one strong hit.
pub(crate) const PASSAGE_TOPIC_MIN: u32 = 2;
/// Smallest document total for a document topic.
pub(crate) const DOC_TOPIC_MIN: u32 = 2;

/// Districts and topics of one passage.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PassageAnnotation {
    /// Districts named in the passage (most mentioned first), or the document's main
    /// districts when it names none.
    pub districts: Vec<DistrictId>,
    /// True when `districts` were inherited from the document.
    pub inherited: bool,
    /// Topics of the passage, by id.
    pub topics: Vec<TopicId>,
}

/// Districts and topics of a document and of each of its passages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DocAnnotation {
    /// Districts with their weighted counts, highest first.
    pub districts: Vec<(DistrictId, u32)>,
    /// The district(s) the document is mainly about; a subset of `districts`.
    pub main_districts: Vec<DistrictId>,
    /// Topics of the document, strongest first.
    pub topics: Vec<TopicId>,
    /// One entry per passage, in order.
    pub passages: Vec<PassageAnnotation>,
}

/// Counts of mentions per district in a token list, with ambiguous mentions kept apart.
#[derive(Default)]
struct Mentions {
    sure: BTreeMap<DistrictId, u32>,
    ambiguous: BTreeMap<DistrictId, u32>,
}

impl Mentions {
    fn of(tokens: &[&str], g: &Gazetteer) -> Mentions {
        let mut m = Mentions::default();
        for t in tokens {
            if let Some(d) = g.lookup(t) {
                let map = if g.is_ambiguous(t) {
                    &mut m.ambiguous
                } else {
                    &mut m.sure
                };
                *map.entry(d).or_insert(0) += 1;
            }
        }
        m
    }

    /// Counts with ambiguous mentions kept only for districts in `confirmed`.
    fn counts(&self, confirmed: &HashSet<DistrictId>) -> BTreeMap<DistrictId, u32> {
        let mut out = self.sure.clone();
        for (d, n) in &self.ambiguous {
            if confirmed.contains(d) {
                *out.entry(*d).or_insert(0) += n;
            }
        }
        out
    }
}

/// Keyword score per topic in a token list.
fn topic_scores(tokens: &[&str], lex: &Lexicon) -> BTreeMap<TopicId, u32> {
    let mut scores = BTreeMap::new();
    for t in tokens {
        if let Some((topic, weight)) = lex.keyword(t) {
            let s: &mut u32 = scores.entry(topic).or_insert(0);
            *s = s.saturating_add(weight);
        }
    }
    scores
}

/// Sort `(id, score)` pairs by score, highest first, ties by id.
fn by_score<T: Ord + Copy>(map: BTreeMap<T, u32>) -> Vec<(T, u32)> {
    let mut v: Vec<(T, u32)> = map.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// Annotate one document. `title_tokens`: jieba tokens of the title; `passage_tokens`:
/// tokens of each passage in order. Never panics; empty input gives an empty annotation
/// with one (empty) entry per passage.
pub(crate) fn annotate_document(
    title_tokens: &[&str],
    passage_tokens: &[Vec<&str>],
    gazetteer: &Gazetteer,
    lexicon: &Lexicon,
) -> DocAnnotation {
    // Districts.
    let title = Mentions::of(title_tokens, gazetteer);
    let passages: Vec<Mentions> = passage_tokens
        .iter()
        .map(|p| Mentions::of(p, gazetteer))
        .collect();
    let confirmed: HashSet<DistrictId> = std::iter::once(&title)
        .chain(&passages)
        .flat_map(|m| m.sure.keys().copied())
        .collect();
    let mut doc_counts: BTreeMap<DistrictId, u32> = BTreeMap::new();
    for (d, n) in title.counts(&confirmed) {
        let c = doc_counts.entry(d).or_insert(0);
        *c = c.saturating_add(n.saturating_mul(TITLE_WEIGHT));
    }
    let passage_counts: Vec<BTreeMap<DistrictId, u32>> =
        passages.iter().map(|m| m.counts(&confirmed)).collect();
    for counts in &passage_counts {
        for (d, n) in counts {
            let c = doc_counts.entry(*d).or_insert(0);
            *c = c.saturating_add(*n);
        }
    }
    let districts = by_score(doc_counts);
    let top = districts.first().map_or(0, |(_, n)| *n);
    let main_districts: Vec<DistrictId> = districts
        .iter()
        .filter(|(_, n)| {
            u64::from(*n) * u64::from(MAIN_SHARE_DEN) >= u64::from(top) * u64::from(MAIN_SHARE_NUM)
        })
        .map(|(d, _)| *d)
        .collect();

    // Topics.
    let title_topics = topic_scores(title_tokens, lexicon);
    let passage_topics: Vec<BTreeMap<TopicId, u32>> = passage_tokens
        .iter()
        .map(|p| topic_scores(p, lexicon))
        .collect();
    let mut totals: BTreeMap<TopicId, u32> = BTreeMap::new();
    let mut applies: BTreeMap<TopicId, u32> = BTreeMap::new();
    for (t, s) in &title_topics {
        let c = totals.entry(*t).or_insert(0);
        *c = c.saturating_add(s.saturating_mul(TITLE_WEIGHT));
    }
    for scores in &passage_topics {
        for (t, s) in scores {
            let c = totals.entry(*t).or_insert(0);
            *c = c.saturating_add(*s);
            if *s >= PASSAGE_TOPIC_MIN {
                *applies.entry(*t).or_insert(0) += 1;
            }
        }
    }
    let nonempty = passage_tokens
        .iter()
        .filter(|p| p.iter().any(|t| !t.trim().is_empty()))
        .count() as u64;
    let totals = by_score(totals);
    let best = totals.first().map_or(0, |(_, s)| *s);
    let topics: Vec<TopicId> = totals
        .iter()
        .filter(|(t, total)| {
            let share = u64::from(applies.get(t).copied().unwrap_or(0));
            let in_title = title_topics.get(t).copied().unwrap_or(0) >= PASSAGE_TOPIC_MIN;
            in_title
                || (*total >= DOC_TOPIC_MIN
                    && ((share > 0 && share * 4 >= nonempty)
                        || u64::from(*total) * 2 >= u64::from(best)))
        })
        .map(|(t, _)| *t)
        .collect();

    // Passages.
    let passages = passage_counts
        .into_iter()
        .zip(passage_topics)
        .map(|(counts, scores)| {
            let topics: Vec<TopicId> = scores
                .into_iter()
                .filter(|(_, s)| *s >= PASSAGE_TOPIC_MIN)
                .map(|(t, _)| t)
                .collect();
            if counts.is_empty() {
                PassageAnnotation {
                    inherited: !main_districts.is_empty(),
                    districts: main_districts.clone(),
                    topics,
                }
            } else {
                PassageAnnotation {
                    districts: by_score(counts).into_iter().map(|(d, _)| d).collect(),
                    inherited: false,
                    topics,
                }
            }
        })
        .collect();

    DocAnnotation {
        districts,
        main_districts,
        topics,
        passages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GAZ: &str = "\
district 甲 区 甲区
district 乙 区 乙区
district 丙 县 丙县
place 甲 甲山
place 乙 乙湖 长生
ambiguous 长生
";
    const LEX: &str = "红 *红旗 红色 红花\n蓝 *蓝天 蓝色 蓝花\n";

    fn setup() -> (Gazetteer, Lexicon) {
        (
            Gazetteer::parse(GAZ, "t").unwrap(),
            Lexicon::parse(LEX, "t").unwrap(),
        )
    }

    fn run(title: &str, passages: &[&str]) -> DocAnnotation {
        let (g, l) = setup();
        let title: Vec<&str> = title.split(' ').filter(|s| !s.is_empty()).collect();
        let passages: Vec<Vec<&str>> = passages
            .iter()
            .map(|p| p.split(' ').filter(|s| !s.is_empty()).collect())
            .collect();
        annotate_document(&title, &passages, &g, &l)
    }

    const A: DistrictId = DistrictId(0);
    const B: DistrictId = DistrictId(1);
    const C: DistrictId = DistrictId(2);
    const RED: TopicId = TopicId(0);
    const BLUE: TopicId = TopicId(1);

    #[test]
    fn counts_title_weight_main_and_inheritance() {
        let d = run(
            "甲 的 新闻",
            &[
                "甲山 很 高 。",
                "乙 和 乙湖 和 甲区",
                "没有 地名",
                "丙 一次",
            ],
        );
        // 甲: 3 (title) + 1 + 1 = 5; 乙: 2; 丙: 1.
        assert_eq!(d.districts, vec![(A, 5), (B, 2), (C, 1)]);
        assert_eq!(d.main_districts, vec![A]);
        assert_eq!(d.passages[0].districts, vec![A]);
        assert!(!d.passages[0].inherited);
        assert_eq!(d.passages[1].districts, vec![B, A], "most mentioned first");
        assert_eq!(d.passages[2].districts, vec![A]);
        assert!(d.passages[2].inherited);
        assert_eq!(d.passages[3].districts, vec![C]);
    }

    #[test]
    fn main_districts_take_everything_within_half_of_the_top() {
        let d = run("", &["甲 甲 甲 甲", "乙 乙", "丙"]);
        assert_eq!(d.main_districts, vec![A, B], "乙 has exactly half of 甲");
        let d = run("", &["甲 甲 甲", "乙", "丙"]);
        assert_eq!(d.main_districts, vec![A]);
        let d = run("", &["甲 乙"]);
        assert_eq!(
            d.main_districts,
            vec![A, B],
            "a tie keeps both, lower id first"
        );
    }

    #[test]
    fn names_inside_longer_tokens_do_not_count() {
        let d = run("", &["甲山区 乙湖边"]);
        assert!(d.districts.is_empty());
        assert!(d.main_districts.is_empty());
        assert_eq!(
            d.passages[0],
            PassageAnnotation::default(),
            "no inheritance from nothing"
        );
    }

    #[test]
    fn ambiguous_names_need_an_unambiguous_mention_of_the_same_district() {
        let d = run("", &["祝 你 长生 不老", "甲 很 好"]);
        assert_eq!(d.districts, vec![(A, 1)]);
        assert_eq!(d.passages[0].districts, vec![A]);
        assert!(d.passages[0].inherited);
        let d = run("乙", &["祝 你 长生 不老", "甲 很 好"]);
        assert_eq!(d.districts, vec![(B, 4), (A, 1)]);
        assert_eq!(d.passages[0].districts, vec![B]);
        assert!(!d.passages[0].inherited);
    }

    #[test]
    fn passage_topics_need_two_plain_or_one_strong_hit() {
        let d = run(
            "",
            &[
                "红色 的 花",
                "红色 红花",
                "红旗",
                "蓝色 红色",
                "蓝天 红花 红色",
                "没有",
            ],
        );
        let topics: Vec<Vec<TopicId>> = d.passages.iter().map(|p| p.topics.clone()).collect();
        assert_eq!(
            topics,
            vec![
                vec![],
                vec![RED],
                vec![RED],
                vec![],
                vec![RED, BLUE],
                vec![]
            ]
        );
    }

    #[test]
    fn document_topics_by_share_of_passages_or_total() {
        // 红 applies in 3 of 4 passages (total 8); 蓝 scores 1 in one passage.
        let d = run("", &["红旗 红色", "红旗", "红旗", "蓝色"]);
        assert_eq!(d.topics, vec![RED]);
        // 蓝 applies to 1 of 4 passages (a quarter): kept, after 红.
        let d = run("", &["红旗 红色", "红旗", "红旗", "蓝天"]);
        assert_eq!(d.topics, vec![RED, BLUE]);
        // 蓝 applies to 1 of 8 passages and totals 2 < half of 红's 12: dropped.
        let d = run(
            "",
            &["红旗", "红旗", "红旗", "红旗", "红旗", "红旗", "蓝天", "无"],
        );
        assert_eq!(d.topics, vec![RED]);
        // A topic the title is about always counts: 蓝 totals 6 (< half of 12), no passage.
        let d = run(
            "蓝色 蓝花",
            &["红旗", "红旗", "红旗", "红旗", "红旗", "红旗", "无", "无"],
        );
        assert_eq!(d.topics, vec![RED, BLUE]);
        // One plain title hit alone does not (total 3 < 6, no passage).
        let d = run(
            "蓝色",
            &["红旗", "红旗", "红旗", "红旗", "红旗", "红旗", "无", "无"],
        );
        assert_eq!(d.topics, vec![RED]);
    }

    #[test]
    fn empty_inputs() {
        let d = run("", &[]);
        assert_eq!(d, DocAnnotation::default());
        let d = run("", &["", ""]);
        assert_eq!(d.passages.len(), 2);
        assert!(d.topics.is_empty() && d.districts.is_empty());
    }

    /// Seeds in /work/main/corpus, segmented line by line, passages split on blank lines.
    #[cfg(feature = "default-dict")]
    mod seeds {
        use super::*;
        use crate::segment::Segmenter;

        pub(super) fn annotate_seed(
            text: &str,
            s: &Segmenter,
            g: &Gazetteer,
            l: &Lexicon,
        ) -> (String, DocAnnotation) {
            let lines: Vec<&str> = text.lines().map(str::trim).collect();
            let title = lines
                .iter()
                .map(|l| l.trim_start_matches('#').trim())
                .find(|l| !l.is_empty())
                .unwrap_or("");
            let title_tokens = s.segment(title);
            let mut passages: Vec<Vec<&str>> = vec![Vec::new()];
            for line in &lines {
                if line.is_empty() {
                    if passages.last().is_some_and(|p| !p.is_empty()) {
                        passages.push(Vec::new());
                    }
                } else if let Some(p) = passages.last_mut() {
                    p.extend(s.segment(line));
                }
            }
            passages.retain(|p| !p.is_empty());
            (
                title.to_string(),
                annotate_document(&title_tokens, &passages, g, l),
            )
        }

        #[test]
        fn seed_documents_get_their_main_district() {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus");
            let s = crate::segment::tests::chongqing();
            let g = Gazetteer::chongqing();
            let l = Lexicon::default_topics();
            let mut files: Vec<_> = std::fs::read_dir(dir)
                .expect("corpus/ next to the workspace root")
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "txt"))
                .collect();
            files.sort();
            assert!(files.len() >= 5, "seed files missing in {dir}");
            for path in &files {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                let want = match &name[..3] {
                    "000" | "001" | "002" | "003" => "北碚",
                    "004" => "渝北",
                    _ => continue,
                };
                let text = std::fs::read_to_string(path).unwrap();
                let (title, d) = annotate_seed(&text, s, &g, &l);
                let names = |ids: &[DistrictId]| -> Vec<String> {
                    ids.iter()
                        .map(|i| g.districts()[usize::from(i.0)].clone())
                        .collect()
                };
                let main = names(&d.main_districts);
                let top: Vec<(String, u32)> = d
                    .districts
                    .iter()
                    .take(5)
                    .map(|(i, n)| (g.districts()[usize::from(i.0)].clone(), *n))
                    .collect();
                let topics: Vec<&str> = d
                    .topics
                    .iter()
                    .map(|t| l.topics()[usize::from(t.0)].as_str())
                    .collect();
                let mut per_topic = vec![0usize; l.topics().len()];
                for p in &d.passages {
                    for t in &p.topics {
                        per_topic[usize::from(t.0)] += 1;
                    }
                }
                println!("{name} passages per topic {per_topic:?}");
                let inherited = d.passages.iter().filter(|p| p.inherited).count();
                let with_topic = d.passages.iter().filter(|p| !p.topics.is_empty()).count();
                println!(
                    "{name} 《{title}》 main={main:?} top={top:?} topics={topics:?} \
                     passages={} inherited={inherited} with_topic={with_topic}",
                    d.passages.len()
                );
                assert_eq!(main, [want], "{name}: districts {top:?}");
            }
        }
    }
}
