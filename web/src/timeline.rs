//! The timeline's bars: documents per date (from core's search) grouped into days, months
//! or years, whichever gives a readable number of bars for the span, with empty bars for
//! the gaps so that the axis is true to time.

use quxian_core::{Date, DateRange};

/// Spans up to this many days are drawn a bar per day.
const MAX_DAY_BARS: usize = 62;
/// Spans up to this many months are drawn a bar per month; longer ones a bar per year.
const MAX_MONTH_BARS: usize = 120;

/// One bar: a day, a month or a year, and its documents.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// The day, month or year of the bar (its precision is the bar's).
    pub date: Date,
    /// Documents dated inside it.
    pub docs: u32,
}

/// How long each bar is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Day,
    Month,
    Year,
}

impl Step {
    /// The bar of `date` at this step. A date less precise than the step (a month among
    /// days) goes to the first bar it covers.
    fn bar_of(self, date: Date) -> Date {
        let first = date.first_day();
        match self {
            Step::Day => first,
            Step::Month => first.month_of(),
            Step::Year => first.year_of(),
        }
    }

    /// "按日", "按月", "按年".
    pub fn label(self) -> &'static str {
        match self {
            Step::Day => "按日",
            Step::Month => "按月",
            Step::Year => "按年",
        }
    }
}

/// The bars for a timeline, or an empty list when nothing is dated.
pub fn bars(timeline: &[(Date, u32)]) -> (Step, Vec<Bar>) {
    // Dates sort by their start (2026-05 before 2026-05-02), so the end is the latest end.
    let first = timeline.iter().map(|(d, _)| d.first_day()).min();
    let last = timeline.iter().map(|(d, _)| d.last_day()).max();
    let (Some(first), Some(last)) = (first, last) else {
        return (Step::Month, Vec::new());
    };
    let step = [Step::Day, Step::Month]
        .into_iter()
        .find(|s| {
            let limit = if *s == Step::Day {
                MAX_DAY_BARS
            } else {
                MAX_MONTH_BARS
            };
            count_steps(s.bar_of(first), s.bar_of(last), limit).is_some()
        })
        .unwrap_or(Step::Year);
    let mut out: Vec<Bar> = Vec::new();
    let mut at = step.bar_of(first);
    let end = step.bar_of(last);
    while at <= end {
        out.push(Bar { date: at, docs: 0 });
        at = at.next();
    }
    for (date, docs) in timeline {
        let bar = step.bar_of(*date);
        if let Ok(i) = out.binary_search_by(|b| b.date.cmp(&bar)) {
            out[i].docs += docs;
        }
    }
    (step, out)
}

/// Bars from `from` to `to` inclusive, if there are at most `limit`.
fn count_steps(from: Date, to: Date, limit: usize) -> Option<usize> {
    let mut at = from;
    for n in 1..=limit {
        if at >= to {
            return Some(n);
        }
        at = at.next();
    }
    None
}

/// A bar's name for people: "4月25日", "2026年4月", "2026年".
pub fn bar_label(date: Date, with_year: bool) -> String {
    let year = if with_year {
        format!("{}年", date.year)
    } else {
        String::new()
    };
    match (date.month, date.day) {
        (0, _) => format!("{}年", date.year),
        (m, 0) => format!("{}年{m}月", date.year),
        (m, d) => format!("{year}{m}月{d}日"),
    }
}

/// The date range from bar `a` to bar `b` (in either order).
pub fn range_between(a: Date, b: Date) -> DateRange {
    DateRange {
        from: Some(a.min(b)),
        to: Some(a.max(b)),
    }
}

/// A date range in words: "2026-04-25 至 2026-05-02", "2026-04-25 起", "2026-05-02 止".
pub fn range_label(range: &DateRange) -> String {
    match (range.from, range.to) {
        (Some(a), Some(b)) if a == b => a.to_iso(),
        (Some(a), Some(b)) => format!("{} 至 {}", a.to_iso(), b.to_iso()),
        (Some(a), None) => format!("{} 起", a.to_iso()),
        (None, Some(b)) => format!("{} 止", b.to_iso()),
        (None, None) => String::new(),
    }
}

/// A selection of bars made from the keyboard: `(anchor, cursor)`, as a drag makes it.
pub type BarSelection = (usize, usize);

/// What a key pressed on the timeline does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarKey {
    /// Move the cursor (and, with Shift, keep the anchor so the selection grows).
    Select(BarSelection),
    /// Filter by the selected bars (Enter or Space).
    Apply,
    /// Drop the keyboard selection (Escape).
    Cancel,
    /// Not a key of the timeline: let the page have it.
    Ignore,
}

/// The keyboard route through the bars, so that every date span a pointer can drag is
/// reachable without one: ←/→ move by a bar, Home/End jump to the ends, Shift extends from
/// the anchor, Enter or Space applies. `start` is where the first arrow lands (a bar of the
/// current filter, else the newest); `len` is the number of bars (at least one).
pub fn bar_key(
    key: &str,
    shift: bool,
    selection: Option<BarSelection>,
    start: usize,
    len: usize,
) -> BarKey {
    let last = len.saturating_sub(1);
    let (anchor, cursor) = selection.unwrap_or((start.min(last), start.min(last)));
    let moved = match key {
        "ArrowLeft" if selection.is_some() => cursor.saturating_sub(1),
        "ArrowRight" if selection.is_some() => (cursor + 1).min(last),
        "ArrowLeft" | "ArrowRight" => cursor,
        "Home" => 0,
        "End" => last,
        "Enter" | " " if selection.is_some() => return BarKey::Apply,
        "Escape" if selection.is_some() => return BarKey::Cancel,
        _ => return BarKey::Ignore,
    };
    BarKey::Select((if shift { anchor } else { moved }, moved))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn short_spans_get_a_bar_per_day_with_gaps() {
        let (step, bars) = bars(&[
            (d("2026-04-29"), 2),
            (d("2026-05"), 1),
            (d("2026-05-02"), 3),
        ]);
        assert_eq!(step, Step::Day);
        let got: Vec<(String, u32)> = bars.iter().map(|b| (b.date.to_iso(), b.docs)).collect();
        let want = [
            ("2026-04-29", 2),
            ("2026-04-30", 0),
            ("2026-05-01", 1),
            ("2026-05-02", 3),
        ];
        let want: Vec<(String, u32)> = want.iter().map(|(s, n)| (s.to_string(), *n)).collect();
        assert_eq!(
            got[..4],
            want,
            "the month-only date counts on its first day"
        );
        assert_eq!(got.len(), 33, "and the bars run to the end of its month");
    }

    #[test]
    fn longer_spans_get_months_then_years() {
        let (step, bars) = bars(&[(d("2025-11-03"), 1), (d("2026-02-10"), 4)]);
        assert_eq!(step, Step::Month);
        assert_eq!(bars.len(), 4);
        assert_eq!((bars[3].date, bars[3].docs), (d("2026-02"), 4));
        let (step, bars) = bars_of_years();
        assert_eq!(step, Step::Year);
        assert_eq!(bars.len(), 21);
    }

    fn bars_of_years() -> (Step, Vec<Bar>) {
        bars(&[(d("2000"), 1), (d("2020-06-01"), 1)])
    }

    #[test]
    fn nothing_dated_gives_no_bars() {
        assert!(bars(&[]).1.is_empty());
    }

    #[test]
    fn labels_and_ranges() {
        assert_eq!(bar_label(d("2026-04-25"), false), "4月25日");
        assert_eq!(bar_label(d("2026-04-25"), true), "2026年4月25日");
        assert_eq!(bar_label(d("2026-04"), false), "2026年4月");
        let r = range_between(d("2026-05-02"), d("2026-04-25"));
        assert_eq!(range_label(&r), "2026-04-25 至 2026-05-02");
        assert_eq!(
            range_label(&range_between(d("2026-05"), d("2026-05"))),
            "2026-05"
        );
    }

    #[test]
    fn keys_walk_the_bars_and_shift_grows_the_selection() {
        let key = |k, shift, sel| bar_key(k, shift, sel, 7, 10);
        assert_eq!(
            key("ArrowLeft", false, None),
            BarKey::Select((7, 7)),
            "the first arrow lands on the start bar"
        );
        assert_eq!(
            key("ArrowLeft", false, Some((7, 7))),
            BarKey::Select((6, 6))
        );
        assert_eq!(
            key("ArrowRight", true, Some((7, 8))),
            BarKey::Select((7, 9))
        );
        assert_eq!(
            key("ArrowRight", true, Some((7, 9))),
            BarKey::Select((7, 9)),
            "stops at the last bar"
        );
        assert_eq!(
            key("ArrowLeft", false, Some((0, 0))),
            BarKey::Select((0, 0)),
            "and at the first"
        );
        assert_eq!(key("Home", true, Some((7, 7))), BarKey::Select((7, 0)));
        assert_eq!(key("End", false, None), BarKey::Select((9, 9)));
        assert_eq!(key("Enter", false, Some((7, 9))), BarKey::Apply);
        assert_eq!(key(" ", false, Some((7, 9))), BarKey::Apply);
        assert_eq!(
            key("Enter", false, None),
            BarKey::Ignore,
            "Enter with nothing chosen belongs to the page"
        );
        assert_eq!(key("Escape", false, Some((7, 9))), BarKey::Cancel);
        assert_eq!(key("ArrowDown", false, Some((7, 9))), BarKey::Ignore);
        assert_eq!(
            bar_key("ArrowLeft", false, None, 99, 3),
            BarKey::Select((2, 2)),
            "a start past the end is clamped"
        );
    }
}
