//! Finding district names in tokens and judging each one from its neighbours.
//!
//! Input: the jieba tokens of a title or passage, the gazetteer and the document's date.
//! Output: one [`Mention`] per token that is a gazetteer name, with a [`Verdict`]: counted
//! (and why), waiting for the rest of the document (an ambiguous name nothing near it
//! confirms), or rejected (and why). The rules, in order:
//! 1. a dated alias does not count after its `until` date;
//! 2. a name right after another province or city (`elsewhere` words, or any 3+ character
//!    word ending in 省/市 that is not the city itself) is that place's;
//! 3. a name right after a `not-before` word or right before a `not-after` word is a person
//!    or a brand (记者梁平报道, 陈永川教授, 悦来客栈);
//! 4. a short display name right after a single character that is not a `plain-before` or
//!    `place-before` word is part of a longer word or a person's name (内江北站, 陈永川);
//!    right after another district's name it is a place inside that district (忠县南岸片区);
//! 5. an ambiguous name counts when a `place-after` word (长寿区委, 回兴街道) or, for a
//!    district's short name, a `place-before` word (在长寿) confirms it, or when it stands
//!    in a list of other districts (黔江、石柱、秀山); otherwise it waits for the document
//!    (see `districts`).
//!
//! Not done here: the document-level decisions (confirmation by other mentions, main
//! districts, city level).

use super::gazetteer::{ContextRoles, Gazetteer};
use crate::corpus::DistrictId;
use crate::date::Date;
use crate::text::is_cjk;

/// Tokens after a name searched for an `event-after` word (举行) in a title or lead.
const EVENT_WINDOW: usize = 4;

/// One occurrence of a gazetteer name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Mention<'a> {
    /// The token as written.
    pub name: &'a str,
    /// The district the name belongs to.
    pub district: DistrictId,
    /// Whether it counts.
    pub verdict: Verdict<'a>,
    /// True when an `event-after` word follows within [`EVENT_WINDOW`] tokens.
    pub before_event: Option<&'a str>,
}

/// What became of a mention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Verdict<'a> {
    /// Counts: a plain name.
    Counted,
    /// Counts: an ambiguous name confirmed by the word next to it.
    ConfirmedBy(&'a str),
    /// Counts: an ambiguous name confirmed by an unambiguous mention of the same district
    /// elsewhere in the document.
    ConfirmedByDocument,
    /// Ambiguous and not confirmed next to it; the document decides.
    Pending,
    /// Does not count.
    Rejected(Rejection<'a>),
}

impl Verdict<'_> {
    /// True for the verdicts that count.
    pub(crate) fn counts(&self) -> bool {
        matches!(
            self,
            Verdict::Counted | Verdict::ConfirmedBy(_) | Verdict::ConfirmedByDocument
        )
    }
}

/// Why a mention does not count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Rejection<'a> {
    /// A dated alias used after its date.
    OutOfDate { until: &'a str },
    /// Right after another province or city.
    Elsewhere(&'a str),
    /// Next to a word that marks a person or a brand.
    PersonOrBrand(&'a str),
    /// A short name right after a character it forms a word or name with.
    InsideWord(&'a str),
    /// A short name right after another district's name: a place inside that district.
    InsideDistrict(&'a str),
    /// Ambiguous, and neither its neighbours nor the document confirm it.
    Unconfirmed,
}

/// The mentions in `tokens`. `date` is the document's date, if it has one.
pub(crate) fn find_mentions<'a>(
    tokens: &[&'a str],
    g: &'a Gazetteer,
    date: Option<Date>,
) -> Vec<Mention<'a>> {
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Some(district) = g.lookup(token) else {
            continue;
        };
        let prev = i.checked_sub(1).and_then(|j| tokens.get(j)).copied();
        let next = tokens.get(i + 1).copied();
        let mut verdict = judge(token, district, prev, next, g, date);
        if verdict == Verdict::Pending {
            if let Some(other) = confirmed_by_list(tokens, i, g) {
                verdict = Verdict::ConfirmedBy(other);
            }
        }
        let before_event = tokens
            .iter()
            .skip(i + 1)
            .filter(|t| !t.trim().is_empty())
            .take(EVENT_WINDOW)
            .find(|t| g.context(t).has(ContextRoles::EVENT_AFTER))
            .copied();
        out.push(Mention {
            name: token,
            district,
            verdict,
            before_event,
        });
    }
    out
}

/// The verdict on one name from its neighbours (rules 1–5 of the module docs).
fn judge<'a>(
    name: &'a str,
    district: DistrictId,
    prev: Option<&'a str>,
    next: Option<&'a str>,
    g: &'a Gazetteer,
    date: Option<Date>,
) -> Verdict<'a> {
    if let (Some(until), Some(date)) = (g.until(name), date) {
        if is_after(date, until) {
            return Verdict::Rejected(Rejection::OutOfDate { until });
        }
    }
    let prev_roles = prev.map(|p| g.context(p)).unwrap_or_default();
    let next_roles = next.map(|n| g.context(n)).unwrap_or_default();
    if let Some(p) = prev {
        if prev_roles.has(ContextRoles::ELSEWHERE) || is_other_province_or_city(p, g) {
            return Verdict::Rejected(Rejection::Elsewhere(p));
        }
        if prev_roles.has(ContextRoles::NOT_BEFORE) {
            return Verdict::Rejected(Rejection::PersonOrBrand(p));
        }
    }
    if let Some(n) = next {
        if next_roles.has(ContextRoles::NOT_AFTER) {
            return Verdict::Rejected(Rejection::PersonOrBrand(n));
        }
    }
    if let (Some(p), true) = (prev, is_short_name(name, g)) {
        let joinable = !prev_roles.has(ContextRoles::PLAIN_BEFORE)
            && !prev_roles.has(ContextRoles::PLACE_BEFORE);
        let mut chars = p.chars();
        let joinable = joinable && g.lookup(p).is_none();
        if let (Some(c), None, true) = (chars.next(), chars.next(), joinable) {
            if is_cjk(c) {
                return Verdict::Rejected(Rejection::InsideWord(p));
            }
        }
        if g.lookup(p).is_some_and(|d| d != district) {
            return Verdict::Rejected(Rejection::InsideDistrict(p));
        }
    }
    if !g.is_ambiguous(name) {
        return Verdict::Counted;
    }
    match (prev, next) {
        (Some(p), _) if prev_roles.has(ContextRoles::PLACE_BEFORE) && g.is_display_name(name) => {
            Verdict::ConfirmedBy(p)
        }
        (_, Some(n)) if next_roles.has(ContextRoles::PLACE_AFTER) => Verdict::ConfirmedBy(n),
        _ => Verdict::Pending,
    }
}

/// An ambiguous name in a list of districts (黔江、石柱、秀山) is a district: the word two
/// tokens away, across a list mark, is another district's name.
fn confirmed_by_list<'a>(tokens: &[&'a str], i: usize, g: &Gazetteer) -> Option<&'a str> {
    let is_list_mark = |t: &str| matches!(t, "、" | "，" | "和" | "及" | "与");
    let neighbour = |mark: Option<&&str>, other: Option<&&'a str>| -> Option<&'a str> {
        let (mark, other) = (mark?, other?);
        (is_list_mark(mark) && g.is_display_name(other) && !g.is_ambiguous(other)).then_some(*other)
    };
    neighbour(
        i.checked_sub(1).and_then(|j| tokens.get(j)),
        i.checked_sub(2).and_then(|j| tokens.get(j)),
    )
    .or_else(|| neighbour(tokens.get(i + 1), tokens.get(i + 2)))
}

/// A district's display name of at most two characters (江北, 忠县, 永川): the names most
/// easily part of a longer word or of a person's name.
fn is_short_name(name: &str, g: &Gazetteer) -> bool {
    g.is_display_name(name) && name.chars().count() <= 2
}

/// A word of three or more characters ending in 省 or 市 that is not the city itself nor a
/// name of this gazetteer (宁波市, 四川省; not 重庆市).
fn is_other_province_or_city(word: &str, g: &Gazetteer) -> bool {
    word.chars().count() >= 3
        && (word.ends_with('省') || word.ends_with('市'))
        && !g.is_city_name(word)
        && !g.is_citywide(word)
        && g.lookup(word).is_none()
}

/// True when `date` lies after `until` (a file date `YYYY`, `YYYY-MM` or `YYYY-MM-DD`),
/// compared at the precision of `until`: a document of 2011-10-15 is not after 2011-10.
fn is_after(date: Date, until: &str) -> bool {
    let Some(limit) = Date::parse(until) else {
        return false;
    };
    let month = if limit.month == 0 { 0 } else { date.month };
    let day = if limit.day == 0 { 0 } else { date.day };
    (date.year, month, day) > (limit.year, limit.month, limit.day)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GAZ: &str = "\
district 江北 区 江北区
district 长寿 区 长寿区
district 忠县 县 忠县
district 南岸 区 南岸区
district 大足 区 大足区
alias 大足 双桥区 until=2011-10
place 长寿 长寿湖
ambiguous 长寿 南岸
context elsewhere 浙江
context not-before 记者
context not-after 教授 报道
context place-before 在
context place-after 区委
context plain-before 和
context event-after 举行
city 全市 重庆 重庆市
";

    fn verdicts(tokens: &str, date: Option<Date>) -> Vec<(String, Verdict<'static>)> {
        let g: &'static Gazetteer = Box::leak(Box::new(Gazetteer::parse(GAZ, "t").unwrap()));
        let tokens: Vec<&'static str> = Box::leak(tokens.to_string().into_boxed_str())
            .split('|')
            .collect();
        find_mentions(&tokens, g, date)
            .into_iter()
            .map(|m| (m.name.to_string(), m.verdict))
            .collect()
    }

    #[test]
    fn context_rules() {
        use Rejection::*;
        use Verdict::*;
        let cases: &[(&str, &[Verdict])] = &[
            ("宁波市|江北区|召开", &[Rejected(Elsewhere("宁波市"))]),
            ("浙江|江北|的", &[Rejected(Elsewhere("浙江"))]),
            ("重庆市|江北区", &[Counted]),
            ("记者|江北|报道", &[Rejected(PersonOrBrand("记者"))]),
            ("陈|江北|教授", &[Rejected(PersonOrBrand("教授"))]),
            ("陈|江北|说", &[Rejected(InsideWord("陈"))]),
            ("内|江北|站", &[Rejected(InsideWord("内"))]),
            ("渝中|和|江北", &[Counted]),
            ("，|江北|的", &[Counted]),
            (
                "忠县|南岸|片区",
                &[Counted, Rejected(InsideDistrict("忠县"))],
            ),
            ("在|长寿|过年", &[ConfirmedBy("在")]),
            ("长寿|区委|书记", &[ConfirmedBy("区委")]),
            ("健康|长寿", &[Pending]),
            ("祝|你|长寿", &[Rejected(InsideWord("你"))]),
            ("长寿湖|边", &[Counted]),
            ("江北|、|长寿|、", &[Counted, ConfirmedBy("江北")]),
            ("长寿|、|南岸", &[Pending, Pending]),
        ];
        for (tokens, want) in cases {
            let got: Vec<Verdict> = verdicts(tokens, None).into_iter().map(|v| v.1).collect();
            assert_eq!(&got, want, "{tokens}");
        }
    }

    #[test]
    fn dated_aliases_follow_the_document_date() {
        let v = |date| verdicts("双桥区|的", date)[0].1.clone();
        assert_eq!(v(None), Verdict::Counted, "no date: counted");
        assert_eq!(v(Date::new(2005, 6, 1)), Verdict::Counted);
        assert_eq!(v(Date::new(2011, 10, 31)), Verdict::Counted, "same month");
        assert_eq!(
            v(Date::new(2026, 5, 1)),
            Verdict::Rejected(Rejection::OutOfDate { until: "2011-10" })
        );
    }

    #[test]
    fn event_words_after_a_name_are_noted() {
        let g = Gazetteer::parse(GAZ, "t").unwrap();
        let tokens = ["在", "江北区", "近日", "举行"];
        let m = find_mentions(&tokens, &g, None);
        assert_eq!(m[0].before_event, Some("举行"));
        let tokens = ["江北区", "a", "b", "c", "d", "举行"];
        assert_eq!(find_mentions(&tokens, &g, None)[0].before_event, None);
    }
}
