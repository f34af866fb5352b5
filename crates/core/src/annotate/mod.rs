//! Stage 5 (build time; the gazetteer and lexicon are also used at query time for names):
//! districts and topics per passage and per document.
//!
//! Input: the jieba tokens of a document's title and of each of its passages (from
//! `segment`), its date, a [`Gazetteer`] and a [`Lexicon`]. Output: a [`DocAnnotation`]
//! with one [`PassageAnnotation`] per passage, in order; [`explain_document`] also says why.
//!
//! - **Districts.** `mentions` judges every gazetteer name from its neighbours (other
//!   provinces, person names, brands, words it is part of, dated aliases, confirmation of
//!   ambiguous names); `districts` decides at document level whether the document is about
//!   one district (or two), about the whole city (the gazetteer's `city` unit, 全市), or
//!   neither, and what each passage gets: the districts it names, else the document's.
//! - **Topics.** `topics` scores keyword evidence per passage (weights, negative contexts,
//!   a cap on repeats, a bonus for the title's topics) and keeps the topics that reach a
//!   threshold and are close to the passage's best; document topics add up the passages.
//!
//! Not done here: segmentation and passage splitting.

mod datafile;
mod districts;
mod explain;
mod gazetteer;
mod lexicon;
mod mentions;
mod tiles;
mod topics;

pub use explain::Explanation;
pub use gazetteer::Gazetteer;
pub use lexicon::Lexicon;

use crate::corpus::{DistrictId, TopicId};
use std::collections::BTreeMap;

/// How much more a mention in the title counts than one in the body (districts and topics).
pub(crate) const TITLE_WEIGHT: u32 = 3;

/// Districts and topics of one passage.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct PassageAnnotation {
    /// Districts named in the passage (most mentioned first), or the document's main
    /// districts (or its city unit) when it names none.
    pub districts: Vec<DistrictId>,
    /// True when `districts` were inherited from the document.
    pub inherited: bool,
    /// Topics of the passage, by id.
    pub topics: Vec<TopicId>,
}

/// Districts and topics of a document and of each of its passages.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct DocAnnotation {
    /// Districts with their weighted counts, highest first.
    pub districts: Vec<(DistrictId, u32)>,
    /// The district(s) the document is mainly about, or the gazetteer's city unit (全市)
    /// for a document about the whole city; empty when it is about no district.
    pub main_districts: Vec<DistrictId>,
    /// Topics of the document, strongest first.
    pub topics: Vec<TopicId>,
    /// One entry per passage, in order.
    pub passages: Vec<PassageAnnotation>,
}

/// A document to annotate: tokens of its title and passages, and its date as written.
pub(crate) struct DocTokens<'t, 'a> {
    pub title: &'t [&'a str],
    pub passages: &'t [Vec<&'a str>],
    pub date: Option<&'t str>,
}

/// Everything the annotation found, kept for explanations.
pub(crate) struct Analysis<'a> {
    pub annotation: DocAnnotation,
    pub title_mentions: Vec<mentions::Mention<'a>>,
    pub passage_mentions: Vec<Vec<mentions::Mention<'a>>>,
    pub main: districts::Main,
}

/// Sort `(id, score)` pairs by score, highest first, ties by id.
fn by_score<T: Ord + Copy>(map: BTreeMap<T, u32>) -> Vec<(T, u32)> {
    let mut v: Vec<(T, u32)> = map.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// Annotate one document. Never panics; empty input gives an empty annotation with one
/// (empty) entry per passage.
pub(crate) fn annotate_document(
    doc: &DocTokens<'_, '_>,
    gazetteer: &Gazetteer,
    lexicon: &Lexicon,
) -> DocAnnotation {
    analyse(doc, gazetteer, lexicon).annotation
}

/// Annotate one document and say why each district and topic was given.
pub(crate) fn explain_document(
    doc: &DocTokens<'_, '_>,
    gazetteer: &Gazetteer,
    lexicon: &Lexicon,
) -> Explanation {
    explain::explain(&analyse(doc, gazetteer, lexicon), doc, gazetteer, lexicon)
}

fn analyse<'a>(doc: &DocTokens<'_, 'a>, g: &'a Gazetteer, lexicon: &Lexicon) -> Analysis<'a> {
    let date = doc.date.and_then(crate::date::Date::parse_loose);
    let mut title_mentions = mentions::find_mentions(doc.title, g, date);
    let mut passage_mentions: Vec<Vec<mentions::Mention<'a>>> = doc
        .passages
        .iter()
        .map(|p| mentions::find_mentions(p, g, date))
        .collect();
    let (found, main) = districts::decide(
        &mut title_mentions,
        &mut passage_mentions,
        doc.title,
        doc.passages,
        g,
    );
    let (topics, passage_topics) = topics::annotate(doc.title, doc.passages, lexicon);
    let passages = found
        .passages
        .into_iter()
        .zip(passage_topics)
        .map(|((districts, inherited), topics)| PassageAnnotation {
            districts,
            inherited,
            topics,
        })
        .collect();
    Analysis {
        annotation: DocAnnotation {
            districts: found.counts,
            main_districts: found.main,
            topics,
            passages,
        },
        title_mentions,
        passage_mentions,
        main,
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
        let doc = DocTokens {
            title: &title,
            passages: &passages,
            date: None,
        };
        annotate_document(&doc, &g, &l)
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
        let d = run("", &["甲 、 乙"]);
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
                annotate_document(
                    &DocTokens {
                        title: &title_tokens,
                        passages: &passages,
                        date: None,
                    },
                    g,
                    l,
                ),
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
