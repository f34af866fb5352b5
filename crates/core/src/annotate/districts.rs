//! Document-level district decisions: which ambiguous mentions count, whether the document
//! is about one district (or two) or about the whole city, and what each passage gets.
//!
//! Input: the judged [`Mention`]s of the title and of each passage, the tokens (for the
//! city's names and the `citywide` words) and the gazetteer. Output: a [`Districts`].
//!
//! The decision, in order (see [`Main`]):
//! 1. no district counted: the document is city-level when it names the city and speaks of
//!    it as a whole (重庆 … 全市), else it has no district at all;
//! 2. a district named in the title or the lead (first two passages) with an event word after it
//!    (在永川区举行, 赴大渡口区调研) is where the reported event happens: main district;
//! 3. districts named in a title without `citywide` words are the main districts;
//! 4. one district that has at least two mentions, at least twice as many as all other
//!    districts together and as the `citywide` words, with at most one other district
//!    named (or four times as many mentions as the others), in a document whose title has
//!    no `citywide` word, is the main district;
//! 5. anything else is city-level: no main district but the gazetteer's city unit (全市).
//!
//! Without a `city` line in the gazetteer, rule 5 falls back to the top district and every
//! district with at least half its count. Passages keep the districts they name; a passage
//! naming none inherits the main districts (or 全市).

use super::gazetteer::Gazetteer;
use super::mentions::{Mention, Rejection, Verdict};
use super::TITLE_WEIGHT;
use crate::corpus::DistrictId;
use std::collections::{BTreeMap, HashSet};

/// Passages that count as the lead for venues: the first passage is often the title line
/// itself, so the first two.
const LEAD_PASSAGES: usize = 3;
/// A dominant district tolerates this many other districts; more make a round-up, unless
/// the district has [`ROUNDUP_SHARE`] times as many mentions as all of them together.
const MAX_OTHER_DISTRICTS: usize = 1;
/// See [`MAX_OTHER_DISTRICTS`].
const ROUNDUP_SHARE: u32 = 4;

/// Why a document got its main districts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Main {
    /// No district counted and the city is not the subject either.
    Nothing,
    /// No district counted; the city is named and spoken of as a whole.
    CityNamed,
    /// The event of the title or lead happens in these districts (with the event word).
    Venue(Vec<(DistrictId, String)>),
    /// The title names these districts and does not speak of the whole city.
    Title(Vec<DistrictId>),
    /// One district dominates the mentions.
    Dominant {
        count: u32,
        others: u32,
        citywide: u32,
    },
    /// Several districts, or city-wide words: about the whole city.
    CityLevel {
        citywide_in_title: bool,
        citywide: u32,
    },
    /// The gazetteer has no city unit: the top districts by count.
    TopCounts,
}

/// The district part of a document's annotation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Districts {
    /// Districts with their weighted counts (title × [`TITLE_WEIGHT`]), highest first.
    pub counts: Vec<(DistrictId, u32)>,
    /// Main districts, or the city unit for a city-level document.
    pub main: Vec<DistrictId>,
    /// Each passage's districts (most mentioned first) and whether they were inherited.
    pub passages: Vec<(Vec<DistrictId>, bool)>,
}

/// Confirm or reject the pending (ambiguous) mentions, then decide. `title` and
/// `passages` are the mentions of the title and of each passage; `title_tokens` and
/// `passage_tokens` their tokens.
pub(crate) fn decide<'a>(
    title: &mut [Mention<'a>],
    passages: &mut [Vec<Mention<'a>>],
    title_tokens: &[&str],
    passage_tokens: &[Vec<&str>],
    g: &Gazetteer,
) -> (Districts, Main) {
    settle_pending(title, passages);
    let per_passage: Vec<BTreeMap<DistrictId, u32>> = passages.iter().map(|m| counted(m)).collect();
    let title_counts = counted(title);
    let mut totals: BTreeMap<DistrictId, u32> = BTreeMap::new();
    for (d, n) in &title_counts {
        *totals.entry(*d).or_insert(0) += n.saturating_mul(TITLE_WEIGHT);
    }
    for counts in &per_passage {
        for (d, n) in counts {
            *totals.entry(*d).or_insert(0) += n;
        }
    }
    let counts = super::by_score(totals);
    let why = main_reason(
        title,
        passages,
        &counts,
        &title_counts,
        title_tokens,
        passage_tokens,
        g,
    );
    let main = main_districts(&why, &counts, g);
    let passages = per_passage
        .into_iter()
        .map(|c| {
            if c.is_empty() {
                (main.clone(), !main.is_empty())
            } else {
                (
                    super::by_score(c).into_iter().map(|(d, _)| d).collect(),
                    false,
                )
            }
        })
        .collect();
    (
        Districts {
            counts,
            main,
            passages,
        },
        why,
    )
}

/// Pending mentions count when the document names their district in a counted mention.
fn settle_pending<'a>(title: &mut [Mention<'a>], passages: &mut [Vec<Mention<'a>>]) {
    let confirmed: HashSet<DistrictId> = title
        .iter()
        .chain(passages.iter().flatten())
        .filter(|m| m.verdict.counts())
        .map(|m| m.district)
        .collect();
    for m in title.iter_mut().chain(passages.iter_mut().flatten()) {
        if m.verdict == Verdict::Pending {
            m.verdict = if confirmed.contains(&m.district) {
                Verdict::ConfirmedByDocument
            } else {
                Verdict::Rejected(Rejection::Unconfirmed)
            };
        }
    }
}

fn counted(mentions: &[Mention<'_>]) -> BTreeMap<DistrictId, u32> {
    let mut out = BTreeMap::new();
    for m in mentions.iter().filter(|m| m.verdict.counts()) {
        *out.entry(m.district).or_insert(0) += 1;
    }
    out
}

/// Rules 1–5 of the module docs.
fn main_reason(
    title: &[Mention<'_>],
    passages: &[Vec<Mention<'_>>],
    counts: &[(DistrictId, u32)],
    title_counts: &BTreeMap<DistrictId, u32>,
    title_tokens: &[&str],
    passage_tokens: &[Vec<&str>],
    g: &Gazetteer,
) -> Main {
    let all_tokens = || title_tokens.iter().chain(passage_tokens.iter().flatten());
    let citywide = all_tokens().filter(|t| g.is_citywide(t)).count() as u32;
    let citywide_in_title = title_tokens.iter().any(|t| g.is_citywide(t));
    let Some((_, top_count)) = counts.first().copied() else {
        let city_named = all_tokens().any(|t| g.is_city_name(t));
        return if g.city().is_some() && city_named && citywide > 0 {
            Main::CityNamed
        } else {
            Main::Nothing
        };
    };
    let mut venues: Vec<(DistrictId, String)> = Vec::new();
    let lead = passages.iter().take(LEAD_PASSAGES).flatten();
    for m in title.iter().chain(lead) {
        if let (true, Some(event)) = (m.verdict.counts(), m.before_event) {
            if !venues.iter().any(|(d, _)| *d == m.district) {
                venues.push((m.district, event.to_string()));
            }
        }
    }
    if !venues.is_empty() {
        return Main::Venue(venues);
    }
    if !title_counts.is_empty() && !citywide_in_title {
        return Main::Title(title_counts.keys().copied().collect());
    }
    let others: u32 = counts.iter().skip(1).map(|(_, n)| n).sum();
    let dominant = top_count >= 2
        && top_count >= 2 * others
        && top_count >= 2 * citywide
        && (counts.len() <= MAX_OTHER_DISTRICTS + 1 || top_count >= ROUNDUP_SHARE * others);
    if !citywide_in_title && dominant {
        return Main::Dominant {
            count: top_count,
            others,
            citywide,
        };
    }
    if g.city().is_some() {
        Main::CityLevel {
            citywide_in_title,
            citywide,
        }
    } else {
        Main::TopCounts
    }
}

/// The main districts a reason stands for.
fn main_districts(why: &Main, counts: &[(DistrictId, u32)], g: &Gazetteer) -> Vec<DistrictId> {
    match why {
        Main::Nothing => Vec::new(),
        Main::CityNamed | Main::CityLevel { .. } => g.city().into_iter().collect(),
        Main::Venue(v) => v.iter().map(|(d, _)| *d).collect(),
        Main::Title(t) => t.clone(),
        Main::Dominant { .. } => counts.iter().take(1).map(|(d, _)| *d).collect(),
        Main::TopCounts => {
            let top = counts.first().map_or(0, |(_, n)| *n);
            counts
                .iter()
                .filter(|(_, n)| u64::from(*n) * 2 >= u64::from(top))
                .map(|(d, _)| *d)
                .collect()
        }
    }
}
