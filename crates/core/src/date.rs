//! Document dates: reading them as people write them, finding them where news keeps them
//! (metadata, a file name like `cq_20260401_001.txt`, a dateline such as
//! `2026年5月2日 来源：重庆日报`), and comparing them for sorting and date filters.
//!
//! A [`Date`] may be a year, a month or a day (missing parts are 0), because sources are
//! that precise and no more. A date of lower precision counts as the whole span it names:
//! `2026-05` lies inside a filter from 2026-05-20 to 2026-06-10.

/// A calendar date of year, month or day precision (`month`/`day` 0 when unknown).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Date {
    /// Year (1000–2999).
    pub year: u16,
    /// Month 1–12, or 0 for a year.
    pub month: u8,
    /// Day 1–31 (valid for the month), or 0 for a month or a year.
    pub day: u8,
}

/// Years a document date may have: wider than any news archive, narrow enough that a
/// number such as 1234 in a file name is not taken for a year by accident.
const YEARS: std::ops::RangeInclusive<u16> = 1900..=2099;

impl Date {
    /// A date if the parts make one (`month` 0 = year only, `day` 0 = month only).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let month_ok = month <= 12;
        let day_ok = day == 0 || (month > 0 && day <= days_in_month(year, month));
        (YEARS.contains(&year) && month_ok && day_ok).then_some(Date { year, month, day })
    }

    /// A date written exactly as `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (links, data files).
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.split('-');
        let year = parts.next().filter(|y| y.len() == 4)?;
        let mut number = |len: usize| -> Option<u8> {
            match parts.next() {
                None => Some(0),
                Some(p) if p.len() == len && all_digits(p) => p.parse().ok().filter(|n| *n > 0),
                Some(_) => None,
            }
        };
        let (month, day) = (number(2)?, number(2)?);
        if parts.next().is_some() || !all_digits(year) || (month == 0 && day != 0) {
            return None;
        }
        Date::new(year.parse().ok()?, month, day)
    }

    /// A date as people write it in metadata (`2026-05-01`, `2026/5/1`, `2026年5月1日`,
    /// `2026-05-01T08:00:00+08:00`, `发布于 2026.5.1`): the first four-digit year, then an
    /// optional month and day, each after one separator. A month or day out of range is
    /// dropped (the date keeps what is certain).
    pub fn parse_loose(s: &str) -> Option<Date> {
        let (start, _) = digit_runs(s).find(|(_, run)| run.len() == 4)?;
        let year: u16 = s[start..start + 4].parse().ok()?;
        let mut rest = &s[start + 4..];
        let mut part = |max: u8| -> u8 {
            let Some(sep) = rest
                .chars()
                .next()
                .filter(|c| matches!(c, '-' | '/' | '.' | '年' | '月'))
            else {
                return 0;
            };
            let after = &rest[sep.len_utf8()..];
            let len = after.bytes().take_while(u8::is_ascii_digit).count();
            match after[..len].parse::<u8>() {
                Ok(v) if (1..=max).contains(&v) && len <= 2 => {
                    rest = &after[len..];
                    v
                }
                _ => 0,
            }
        };
        let month = part(12);
        let day = if month == 0 { 0 } else { part(31) };
        Date::new(year, month, day)
            .or_else(|| Date::new(year, month, 0))
            .or_else(|| Date::new(year, 0, 0))
    }

    /// A full date in a file name: a run of exactly eight digits `YYYYMMDD`
    /// (`cq_20260401_001`) or `YYYY-MM-DD` with `-`, `_` or `.` between the parts. Letters
    /// next to the digits (hashes such as `9fd720260401ab`) rule a run out.
    pub fn in_file_name(stem: &str) -> Option<Date> {
        let bounded = |start: usize, end: usize| {
            let before = stem[..start].chars().next_back();
            let after = stem[end..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric())
                && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        };
        for (start, run) in digit_runs(stem) {
            let end = start + run.len();
            if run.len() == 8 && bounded(start, end) {
                let n = |r: std::ops::Range<usize>| run[r].parse::<u16>().unwrap_or(0);
                let date = Date::new(n(0..4), n(4..6) as u8, n(6..8) as u8);
                if let Some(date) = date.filter(|d| d.day > 0) {
                    return Some(date);
                }
            }
            if run.len() == 4 {
                let tail = &stem[end..];
                let sep = tail.chars().next().filter(|c| matches!(c, '-' | '_' | '.'));
                let date = sep.and_then(|sep| separated_date(&stem[start..], sep));
                if let Some(date) = date.filter(|d| d.day > 0 && bounded(start, start + 10)) {
                    return Some(date);
                }
            }
        }
        None
    }

    /// The date of a dateline among the first lines of a text: a line that starts with a
    /// full date (after an optional label such as 发布时间： or an opening bracket) and
    /// holds nothing after it but a time, a weekday, punctuation or further labelled
    /// metadata (来源：…, 作者：…). `2021年12月27日至30日，大会召开` is an event, not a dateline.
    pub fn in_dateline(text: &str) -> Option<Date> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .take(DATELINE_LINES)
            .find_map(dateline)
    }

    /// The date in ISO form: `2026-05-02`, `2026-05` or `2026`.
    pub fn to_iso(self) -> String {
        match (self.month, self.day) {
            (0, _) => format!("{:04}", self.year),
            (m, 0) => format!("{:04}-{m:02}", self.year),
            (m, d) => format!("{:04}-{m:02}-{d:02}", self.year),
        }
    }

    /// The next date of the same precision: the next day, month or year.
    pub fn next(self) -> Date {
        let (year, month, day) = (self.year, self.month, self.day);
        let (year, month, day) = match (month, day) {
            (0, _) => (year + 1, 0, 0),
            (12, 0) => (year + 1, 1, 0),
            (m, 0) => (year, m + 1, 0),
            (12, 31) => (year + 1, 1, 1),
            (m, d) if d >= days_in_month(year, m) => (year, m + 1, 1),
            (m, d) => (year, m, d + 1),
        };
        Date { year, month, day }
    }

    /// A number in date order (a year before its months, a month before its days), for
    /// sorting where a sort of numbers is cheaper than one of dates; [`Date::of_ordinal`]
    /// reads it back.
    pub(crate) fn ordinal(self) -> u32 {
        (self.year as u32) << 16 | (self.month as u32) << 8 | self.day as u32
    }

    /// The date of an [`Date::ordinal`].
    pub(crate) fn of_ordinal(n: u32) -> Date {
        Date {
            year: (n >> 16) as u16,
            month: (n >> 8) as u8,
            day: n as u8,
        }
    }

    /// The same date at month precision (a year stays a year).
    pub fn month_of(self) -> Date {
        Date { day: 0, ..self }
    }

    /// The same date at year precision.
    pub fn year_of(self) -> Date {
        Date {
            month: 0,
            day: 0,
            ..self
        }
    }

    /// The first day of the span this date names.
    pub fn first_day(self) -> Date {
        Date {
            month: self.month.max(1),
            day: self.day.max(1),
            ..self
        }
    }

    /// The last day of the span this date names.
    pub fn last_day(self) -> Date {
        let month = if self.month == 0 { 12 } else { self.month };
        let day = if self.day == 0 {
            days_in_month(self.year, month)
        } else {
            self.day
        };
        Date { month, day, ..self }
    }
}

/// Lines of a text's start searched for a dateline (headline, subtitle, byline, dateline).
const DATELINE_LINES: usize = 6;

/// Labels that may stand before a dateline's date or after it (with their value).
const DATELINE_LABELS: [&str; 14] = [
    "发布时间",
    "发布日期",
    "发布于",
    "发布",
    "日期",
    "时间",
    "更新时间",
    "来源",
    "稿源",
    "作者",
    "编辑",
    "责任编辑",
    "记者",
    "浏览",
];

fn dateline(line: &str) -> Option<Date> {
    let mut rest = line.trim_start_matches(['【', '[', '（', '(', ' ']);
    if let Some(label) = DATELINE_LABELS.iter().find(|l| rest.starts_with(*l)) {
        rest = rest[label.len()..].trim_start_matches(['：', ':', ' ']);
    }
    let (date, len) = full_date_prefix(rest)?;
    let mut after = rest[len..].trim_start_matches(['日', ' ', '\u{3000}']);
    after = skip_time(after).trim_start();
    if let Some(weekday) = after
        .strip_prefix("星期")
        .or_else(|| after.strip_prefix("周"))
    {
        after = weekday.get(3..).unwrap_or("").trim_start();
    }
    let tail_ok = after.is_empty()
        || after.chars().all(|c| !c.is_alphanumeric())
        || DATELINE_LABELS.iter().any(|l| {
            after
                .trim_start_matches(['】', ']', '）', ')', ' '])
                .starts_with(l)
        });
    tail_ok.then_some(date)
}

/// A full date at the start of `s` (`2026年5月2`, `2026-05-02`, `2026/5/2`, `2026.5.2`)
/// and its length in bytes.
fn full_date_prefix(s: &str) -> Option<(Date, usize)> {
    let year_len = s.bytes().take_while(u8::is_ascii_digit).count();
    if year_len != 4 {
        return None;
    }
    let sep = s[4..].chars().next()?;
    if sep == '年' {
        let month_end = 4 + '年'.len_utf8() + digits_at(s, 4 + '年'.len_utf8());
        let rest = s[month_end..].strip_prefix('月')?;
        let day_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let date = Date::parse_loose(&s[..month_end + '月'.len_utf8() + day_len])?;
        return (date.day > 0).then_some((date, month_end + '月'.len_utf8() + day_len));
    }
    if !matches!(sep, '-' | '/' | '.') {
        return None;
    }
    let month_len = digits_at(s, 5);
    if !s[5 + month_len..].starts_with(sep) {
        return None;
    }
    let len = 6 + month_len + digits_at(s, 6 + month_len);
    let date = Date::parse_loose(&s[..len])?;
    (date.day > 0).then_some((date, len))
}

/// `YYYY` + `sep` + `MM` + `sep` + `DD` (two digits each) at the start of `s`.
fn separated_date(s: &str, sep: char) -> Option<Date> {
    let b = s.as_bytes();
    let sep = u8::try_from(u32::from(sep)).ok()?;
    if b.len() < 10 || b[4] != sep || b[7] != sep {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<u16> {
        let part = s.get(r)?;
        all_digits(part).then(|| part.parse().ok())?
    };
    Date::new(n(0..4)?, n(5..7)? as u8, n(8..10)? as u8)
}

/// Skip a time of day (`08:30`, `8:30:15`, `08时30分`) at the start of `s`.
fn skip_time(s: &str) -> &str {
    let hours = s.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&hours) {
        return s;
    }
    let mut rest = &s[hours..];
    for sep in [':', '：', '时'] {
        if let Some(after) = rest.strip_prefix(sep) {
            rest = after.trim_start_matches(|c: char| {
                c.is_ascii_digit() || matches!(c, ':' | '：' | '分' | '秒')
            });
            return rest;
        }
    }
    s
}

fn digits_at(s: &str, at: usize) -> usize {
    s.get(at..)
        .map_or(0, |t| t.bytes().take_while(u8::is_ascii_digit).count())
}

/// Runs of ASCII digits in `s` with their byte offsets.
fn digit_runs(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at + s[at..].find(|c: char| c.is_ascii_digit())?;
        let len = s[start..].bytes().take_while(u8::is_ascii_digit).count();
        at = start + len;
        Some((start, &s[start..start + len]))
    })
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date filter: documents whose date span meets `from..=to` (either end open). An
/// undated document is outside every filter that has an end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DateRange {
    /// Earliest date kept (its first day), if any.
    pub from: Option<Date>,
    /// Latest date kept (its last day), if any.
    pub to: Option<Date>,
}

impl DateRange {
    /// True when the range keeps everything, dated or not.
    pub fn is_all(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// The range with its ends swapped when `from` starts after `to` ends (从 set after 到;
    /// a year or month counts from its first day to its last, so 2026-05 … 2026 is in
    /// order): what a link, the date fields and the CLI make of such a range. `None` when
    /// it is in order.
    pub fn reversed(&self) -> Option<DateRange> {
        let (from, to) = (self.from?, self.to?);
        (from.first_day() > to.last_day()).then_some(DateRange {
            from: Some(to),
            to: Some(from),
        })
    }

    /// Whether a document dated `date` is kept.
    pub fn contains(&self, date: Option<Date>) -> bool {
        if self.is_all() {
            return true;
        }
        let Some(date) = date else {
            return false;
        };
        let after_from = self
            .from
            .is_none_or(|from| date.last_day() >= from.first_day());
        let before_to = self.to.is_none_or(|to| date.first_day() <= to.last_day());
        after_from && before_to
    }
}

/// The order of the result list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// Best match first (for an empty query: corpus order).
    #[default]
    Relevance,
    /// Latest date first; undated documents last.
    Newest,
    /// Earliest date first; undated documents last.
    Oldest,
}

impl SortOrder {
    /// The value in a link (`sort=newest`); `None` for the default.
    pub fn as_param(self) -> Option<&'static str> {
        match self {
            SortOrder::Relevance => None,
            SortOrder::Newest => Some("newest"),
            SortOrder::Oldest => Some("oldest"),
        }
    }

    /// Read a link's `sort=` value.
    pub fn from_param(value: &str) -> Option<SortOrder> {
        match value {
            "relevance" | "" => Some(SortOrder::Relevance),
            "newest" => Some(SortOrder::Newest),
            "oldest" => Some(SortOrder::Oldest),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_sort_as_dates_and_read_back() {
        let mut dates: Vec<Date> = [
            "2026",
            "2026-01",
            "2026-01-01",
            "2025-12-31",
            "2026-12",
            "1999-02-28",
            "2099",
        ]
        .iter()
        .map(|s| Date::parse(s).expect("a date"))
        .collect();
        let mut by_ordinal = dates.clone();
        by_ordinal.sort_by_key(|d| d.ordinal());
        dates.sort();
        assert_eq!(by_ordinal, dates);
        for d in dates {
            assert_eq!(Date::of_ordinal(d.ordinal()), d);
        }
    }

    #[test]
    fn a_range_is_reversed_when_its_start_is_after_its_end() {
        let range = |from: &str, to: &str| DateRange {
            from: Date::parse(from),
            to: Date::parse(to),
        };
        let swapped = range("2026-05-15", "2026-05-14").reversed();
        assert_eq!(swapped, Some(range("2026-05-14", "2026-05-15")));
        assert_eq!(
            range("2026-05", "2026-04").reversed(),
            Some(range("2026-04", "2026-05"))
        );
        assert_eq!(
            range("2026-05", "2026").reversed(),
            None,
            "May … the end of 2026"
        );
        assert_eq!(range("2026", "2026-05-01").reversed(), None);
        assert_eq!(range("2026-05-01", "").reversed(), None, "an open end");
    }

    fn d(year: u16, month: u8, day: u8) -> Option<Date> {
        Some(Date { year, month, day })
    }

    #[test]
    fn exact_dates() {
        for (s, want) in [
            ("2025", d(2025, 0, 0)),
            ("2025-11", d(2025, 11, 0)),
            ("2025-11-03", d(2025, 11, 3)),
            ("2024-02-29", d(2024, 2, 29)),
            ("2025-02-29", None),
            ("2025-13", None),
            ("2025-1", None),
            ("2025-00", None),
            ("25", None),
            ("2025-11-03-01", None),
            ("２０２５", None),
            ("", None),
        ] {
            assert_eq!(Date::parse(s), want, "date {s:?}");
        }
    }

    #[test]
    fn loose_dates() {
        for (s, want) in [
            ("2026-05-01", d(2026, 5, 1)),
            ("2026/5/1", d(2026, 5, 1)),
            ("2026年5月1日", d(2026, 5, 1)),
            ("2026-05-01T08:00:00+08:00", d(2026, 5, 1)),
            ("2011-10", d(2011, 10, 0)),
            ("2005", d(2005, 0, 0)),
            ("发布于 2020-13-01", d(2020, 0, 0)),
            ("2021-02-30", d(2021, 2, 0)),
            ("12345", None),
            ("05/01", None),
            ("0999-01-01", None),
            ("", None),
        ] {
            assert_eq!(Date::parse_loose(s), want, "date {s:?}");
        }
    }

    #[test]
    fn dates_in_file_names() {
        for (s, want) in [
            ("cq_20260401_001", d(2026, 4, 1)),
            ("20260401", d(2026, 4, 1)),
            ("新闻-2026-04-01-北碚", d(2026, 4, 1)),
            ("2026_04_01", d(2026, 4, 1)),
            ("000_dc9704ed54fa9fd7", None),
            ("x20260401", None),
            ("20261301", None),
            ("123456789", None),
            ("2026-04", None),
            ("report2026", None),
        ] {
            assert_eq!(Date::in_file_name(s), want, "name {s:?}");
        }
    }

    #[test]
    fn datelines() {
        for (text, want) in [
            ("标题\n2026年5月2日 来源：重庆日报\n正文", d(2026, 5, 2)),
            ("标题\n发布时间：2026-05-02 10:30\n正文", d(2026, 5, 2)),
            ("标题\n【2026/5/2】\n", d(2026, 5, 2)),
            ("标题\n2026年5月2日 星期六\n", d(2026, 5, 2)),
            ("标题\n2026.05.02 08时30分 作者：李明\n", d(2026, 5, 2)),
            ("标题\n2021年12月27日至\n30日，大会召开", None),
            ("标题\n2026年5月，北碚区召开大会", None),
            ("标题\n2026年5月2日，北碚区召开大会", None),
            ("1\n2\n3\n4\n5\n6\n2026-05-02\n", None),
            ("", None),
        ] {
            assert_eq!(Date::in_dateline(text), want, "text {text:?}");
        }
    }

    #[test]
    fn ranges_meet_date_spans() {
        let range = DateRange {
            from: d(2026, 5, 20),
            to: d(2026, 6, 10),
        };
        assert!(
            range.contains(d(2026, 5, 0)),
            "a month overlapping the range"
        );
        assert!(range.contains(d(2026, 0, 0)), "its year");
        assert!(range.contains(d(2026, 6, 10)));
        assert!(!range.contains(d(2026, 6, 11)));
        assert!(!range.contains(d(2026, 5, 19)));
        assert!(
            !range.contains(None),
            "undated documents are outside a date filter"
        );
        assert!(DateRange::default().contains(None));
        let month = DateRange {
            from: d(2026, 2, 0),
            to: d(2026, 2, 0),
        };
        assert!(month.contains(d(2026, 2, 28)) && !month.contains(d(2026, 3, 1)));
    }

    #[test]
    fn next_dates() {
        let next = |s: &str| Date::parse(s).unwrap().next().to_iso();
        assert_eq!(next("2024-02-28"), "2024-02-29");
        assert_eq!(next("2025-02-28"), "2025-03-01");
        assert_eq!(next("2025-12-31"), "2026-01-01");
        assert_eq!(next("2025-04-30"), "2025-05-01");
        assert_eq!(next("2025-12"), "2026-01");
        assert_eq!(next("2025-06"), "2025-07");
        assert_eq!(next("2025"), "2026");
    }

    #[test]
    fn iso_form_round_trips() {
        for s in ["2026", "2026-05", "2026-05-02"] {
            assert_eq!(Date::parse(s).map(Date::to_iso).as_deref(), Some(s));
        }
    }
}
