//! Stage 3 (build time): normalized text → passage byte ranges, the unit of a search hit and
//! of a facet count.
//!
//! Input: [`NormalizedText::text`](crate::NormalizedText) (paragraphs one per line). Output:
//! byte ranges into it. Rules, in order:
//! 1. Each non-blank line is a paragraph.
//! 2. A paragraph longer than [`LONG`] characters is cut at sentence ends (。！？!?…, with the
//!    closing quotes and brackets that follow kept on the sentence) into as few pieces of
//!    about equal length as keep them near [`LONG`] or below; a last piece shorter than
//!    [`MIN_PIECE`] goes back to the one before. A single sentence longer than [`LONG`] stays
//!    whole at this step. Any piece still longer than [`MAX`] characters (a run-on
//!    sentence, a huge one-line file with commas but no 。！？) is then cut into pieces of at
//!    most [`MAX`] characters: at the last clause mark (，；：、) or space in the second half
//!    of each, else at the last place that does not cut a Latin word or number or detach a
//!    combining mark, else anywhere. This bounds the work of highlighting one hit; a phrase
//!    across such a cut is not found, which only happens in text without sentence ends for
//!    1,000 characters.
//! 3. A heading — a paragraph of at most [`HEADING_MAX`] characters that does not end a
//!    sentence, such as the title line — attaches to the passage after it; consecutive
//!    headings chain (title, subtitle, first paragraph) until the chain reaches [`LONG`].
//! 4. A passage shorter than [`SHORT`] characters (a photo credit, "缙云苍翠，嘉陵奔涌。") joins
//!    the passage before it, or the one after when it comes first.
//!
//! Passages are at most [`MAX`] characters plus what rules 3 and 4 attach (a heading chain
//! below [`LONG`], a short passage below [`SHORT`]).
//!
//! Invariants: ranges are in order, non-empty, non-overlapping, on char boundaries, carry no
//! leading or trailing whitespace, and together cover every non-whitespace character. A
//! passage that spans several lines includes the `\n` between them. It does not look at
//! meaning: no topic or district boundaries, only layout and punctuation.

use crate::text::is_word_char;
use std::ops::Range;
use unicode_normalization::char::is_combining_mark;

/// Paragraphs longer than this many characters are split at sentence ends.
const LONG: usize = 300;

/// No piece of a paragraph is longer than this many characters (rule 2).
const MAX: usize = 1000;

/// Characters that end a clause: where rule 2 prefers to cut an over-long piece.
const CLAUSE_END: [char; 7] = ['，', '；', '：', '、', ',', ';', ':'];

/// A piece of a split paragraph shorter than this many characters joins the piece before.
const MIN_PIECE: usize = 100;

/// Longest line, in characters, that can be a heading.
const HEADING_MAX: usize = 30;

/// Passages shorter than this many characters join a neighbour.
const SHORT: usize = 20;

/// Characters that end a sentence. (Arrays, not `&str`: `str::contains(char)` runs a
/// substring search per character, a visible cost when every character is checked.)
pub(crate) const SENTENCE_END: [char; 6] = ['。', '！', '？', '!', '?', '…'];

/// Closing quotes and brackets that stay with the sentence they close.
pub(crate) const CLOSING: [char; 11] =
    ['”', '’', '"', '\'', '」', '』', '）', ')', '】', '》', '〉'];

/// Split normalized text into passage byte ranges (in order, non-overlapping, trimmed).
pub(crate) fn split_passages(text: &str) -> Vec<Range<usize>> {
    let mut units: Vec<(Range<usize>, bool)> = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        let range = trim(text, offset..offset + line.len());
        offset += line.len() + 1;
        if range.is_empty() {
            continue;
        }
        let heading = is_heading(slice(text, &range));
        for piece in split_long(text, range) {
            for piece in cut_at_max(text, piece) {
                units.push((piece, heading));
            }
        }
    }
    merge_short(text, attach_headings(text, units))
}

/// Rule 3: headings join the passage after them.
fn attach_headings(text: &str, units: Vec<(Range<usize>, bool)>) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(units.len());
    let mut pending: Option<Range<usize>> = None;
    let last = units.len().saturating_sub(1);
    for (i, (range, heading)) in units.into_iter().enumerate() {
        if let Some(chain) = pending.take_if(|chain| chars(text, &(chain.start..range.end)) > LONG)
        {
            out.push(chain);
        }
        let range = pending
            .take()
            .map_or(range.clone(), |chain| chain.start..range.end);
        if heading && i < last {
            pending = Some(range);
        } else {
            out.push(range);
        }
    }
    out
}

/// Rule 4: passages shorter than [`SHORT`] join a neighbour.
fn merge_short(text: &str, passages: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(passages.len());
    let mut leading: Option<Range<usize>> = None;
    for range in passages {
        let range = leading
            .take()
            .map_or(range.clone(), |first| first.start..range.end);
        let short = chars(text, &range) < SHORT;
        match out.last_mut() {
            Some(previous) if short => previous.end = range.end,
            None if short => leading = Some(range),
            _ => out.push(range),
        }
    }
    out.extend(leading);
    out
}

/// Rule 2: cut a long paragraph at sentence ends.
fn split_long(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    if chars(text, &range) <= LONG {
        return vec![range];
    }
    // Aim for equal pieces: as many as LONG requires, each about `target` characters.
    let total = chars(text, &range);
    let target = total / total.div_ceil(LONG);
    let mut pieces: Vec<Range<usize>> = Vec::new();
    let mut piece = range.start..range.start;
    for sentence in sentences(text, range) {
        piece.end = sentence.end;
        if chars(text, &piece) >= target {
            pieces.push(trim(text, piece.clone()));
            piece = sentence.end..sentence.end;
        }
    }
    let piece = trim(text, piece);
    match pieces.last_mut() {
        _ if piece.is_empty() => {}
        Some(previous) if chars(text, &piece) < MIN_PIECE => previous.end = piece.end,
        _ => pieces.push(piece),
    }
    pieces
}

/// Rule 2, second part: cut a piece longer than [`MAX`] characters into pieces of at most [`MAX`].
/// Linear in the length of the piece.
fn cut_at_max(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let mut rest = range;
    while !rest.is_empty() {
        let part = slice(text, &rest);
        let Some((limit, _)) = part.char_indices().nth(MAX) else {
            pieces.push(rest);
            break;
        };
        let window = &part[..limit];
        let half = window.char_indices().nth(MAX / 2).map_or(0, |(i, _)| i);
        let cut = window[half..]
            .char_indices()
            .rev()
            .find(|&(_, c)| CLAUSE_END.contains(&c) || c.is_whitespace())
            .map(|(i, c)| half + i + c.len_utf8())
            .or_else(|| cut_between_words(window, half))
            .unwrap_or(limit);
        let piece = trim(text, rest.start..rest.start + cut);
        if !piece.is_empty() {
            pieces.push(piece);
        }
        rest = trim(text, rest.start + cut..rest.end);
    }
    pieces
}

/// The last byte offset at or after `from` in `window` (but before its end) where a cut
/// leaves Latin words, numbers and combining marks whole.
fn cut_between_words(window: &str, from: usize) -> Option<usize> {
    let mut after: Option<char> = None;
    for (i, c) in window.char_indices().rev() {
        if i < from {
            break;
        }
        if let Some(next) = after {
            let joined = (is_word_char(c) && is_word_char(next)) || is_combining_mark(next);
            if !joined {
                return Some(i + c.len_utf8());
            }
        }
        after = Some(c);
    }
    None
}

/// Sentences of a paragraph as byte ranges that tile it.
fn sentences(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let paragraph = slice(text, &range);
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = paragraph.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !SENTENCE_END.contains(&c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, next)) = chars.peek() {
            if !SENTENCE_END.contains(&next) && !CLOSING.contains(&next) {
                break;
            }
            end = j + next.len_utf8();
            chars.next();
        }
        out.push(range.start + start..range.start + end);
        start = end;
    }
    if start < paragraph.len() {
        out.push(range.start + start..range.end);
    }
    out
}

/// A short line that does not end a sentence.
fn is_heading(line: &str) -> bool {
    let last = line.chars().rev().find(|&c| !CLOSING.contains(&c));
    line.chars().count() <= HEADING_MAX
        && !last.is_some_and(|c| SENTENCE_END.contains(&c) || c == '.')
}

/// The range without leading and trailing whitespace.
fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let part = slice(text, &range);
    let start = range.start + (part.len() - part.trim_start().len());
    let end = range.start + part.trim_end().len();
    start..end.max(start)
}

fn slice<'t>(text: &'t str, range: &Range<usize>) -> &'t str {
    text.get(range.clone()).unwrap_or("")
}

fn chars(text: &str, range: &Range<usize>) -> usize {
    slice(text, range).chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;
    use proptest::prelude::*;

    fn passages(text: &str) -> Vec<&str> {
        split_passages(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_table() {
        let para =
            "北碚区相关负责人解释，生态人文资源是北碚最大的优势，科技创新是北碚最大的发展潜力。";
        let cases: Vec<(&str, String, Vec<String>)> = vec![
            ("empty", String::new(), vec![]),
            ("one paragraph", para.into(), vec![para.into()]),
            (
                "title attaches",
                format!("回眸“十三五”\n{para}\n{para}"),
                vec![format!("回眸“十三五”\n{para}"), para.into()],
            ),
            (
                "heading chain",
                format!("走好赶考路\n聚焦区县党代会·北碚\n{para}"),
                vec![format!("走好赶考路\n聚焦区县党代会·北碚\n{para}")],
            ),
            (
                "question heading is a sentence",
                format!("{para}\n为何是北碚？\n{para}"),
                vec![format!("{para}\n为何是北碚？"), para.into()],
            ),
            (
                "credit and short line",
                format!("北碚缙云山 摄/龙帆\n缙云苍翠，嘉陵奔涌。\n{para}"),
                vec![
                    "北碚缙云山 摄/龙帆\n缙云苍翠，嘉陵奔涌。".into(),
                    para.into(),
                ],
            ),
            (
                "short line joins previous",
                format!("{para}\n缙云苍翠。"),
                vec![format!("{para}\n缙云苍翠。")],
            ),
            (
                "trailing heading",
                format!("{para}\n延伸阅读"),
                vec![format!("{para}\n延伸阅读")],
            ),
            ("only short", "北碚\n渝北".into(), vec!["北碚\n渝北".into()]),
            (
                "untrimmed input",
                format!("  {para}  \n\n"),
                vec![para.into()],
            ),
        ];
        for (label, input, expected) in cases {
            assert_eq!(passages(&input), expected, "{label}");
        }
    }

    #[test]
    fn splits_long_paragraphs_at_sentence_ends() {
        let sentence = "深入推进“百馆之城”建设，成功创建国家生态文明建设示范区，荣获全国文明城区建设提名城区。”";
        let long = sentence.repeat(20);
        let pieces = passages(&long);
        assert!(pieces.len() >= 3, "{pieces:?}");
        for piece in &pieces {
            let n = piece.chars().count();
            // A piece stops at the first sentence end past its target, so it may run over
            // LONG by part of a sentence.
            assert!((MIN_PIECE..=LONG * 6 / 5).contains(&n), "{n}: {piece}");
            assert!(piece.ends_with("。”"), "{piece}");
        }
        assert_eq!(pieces.concat(), long);
        // One sentence longer than LONG stays whole.
        let run_on = "北".repeat(LONG + 50);
        assert_eq!(passages(&run_on), [run_on.as_str()]);
    }

    #[test]
    fn cuts_text_without_sentence_ends_at_max() {
        let clause = "北碚区缙云山自然保护区生态修复成效明显，";
        let long = clause.repeat(2_000_000 / clause.chars().count());
        let pieces = passages(&long);
        assert!(
            pieces.len() >= long.chars().count() / MAX,
            "{}",
            pieces.len()
        );
        for piece in &pieces {
            let n = piece.chars().count();
            assert!((MAX / 2..=MAX).contains(&n), "{n}");
            assert!(piece.ends_with('，'), "cut at a clause mark: {piece}");
        }
        assert_eq!(pieces.concat(), long);
        // No clause marks: Latin words stay whole, CJK runs are cut anywhere.
        let words = "quxian中文".repeat(MAX);
        for piece in passages(&words) {
            // A last piece under SHORT joins the one before (rule 4).
            assert!(piece.chars().count() <= MAX + SHORT);
            assert!(
                piece.starts_with("quxian") || piece.starts_with('中') || piece.starts_with('文'),
                "{piece}"
            );
        }
        let one_word = "a".repeat(3 * MAX);
        let pieces = passages(&one_word);
        assert_eq!(
            pieces.concat(),
            one_word,
            "a word longer than MAX is cut anyway"
        );
        assert!(pieces.iter().all(|p| p.chars().count() <= MAX + SHORT));
    }

    fn check_invariants(text: &str) -> Result<(), TestCaseError> {
        let ranges = split_passages(text);
        let mut covered = vec![false; text.len()];
        let mut previous_end = 0;
        for range in &ranges {
            prop_assert!(
                range.start < range.end && previous_end <= range.start,
                "{:?}",
                ranges
            );
            prop_assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
            let part = &text[range.clone()];
            prop_assert_eq!(part.trim(), part);
            covered[range.clone()].iter_mut().for_each(|c| *c = true);
            previous_end = range.end;
        }
        for (i, c) in text.char_indices() {
            prop_assert!(
                c.is_whitespace() || covered[i],
                "{:?} at {} not covered",
                c,
                i
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn ranges_tile_the_text(input in "[北碚区。，？”a \n]{0,400}") {
            check_invariants(&input)?;
        }

        #[test]
        fn ranges_tile_any_text(input in any::<String>()) {
            check_invariants(&input)?;
        }

        #[test]
        fn ranges_tile_normalized_text(input in "([北碚区缙云山。，“”]{0,40}\n{0,2}){0,30}") {
            check_invariants(&normalize(&input).text)?;
        }
    }

    /// read → normalize → split_passages over real documents.
    #[cfg(feature = "build")]
    #[test]
    fn pipeline_over_seeds_and_corpus() {
        let root = env!("CARGO_MANIFEST_DIR");
        let dirs = [
            format!("{root}/../../corpus"),
            format!("{root}/../../../shared/corpora/docs/cqnews_cbg"),
        ];
        let mut lengths = Vec::new();
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                eprintln!("note: {dir} not found, skipping it");
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let bytes = std::fs::read(entry.path()).unwrap_or_default();
                let docs = crate::read::read_file(&name, &bytes)
                    .unwrap_or_else(|e| panic!("{dir}/{name}: {e}"));
                for doc in docs {
                    let normalized = normalize(&doc.text);
                    let ranges = split_passages(&normalized.text);
                    assert!(!ranges.is_empty(), "{name}: no passages");
                    let first_line = normalized.text.lines().next().unwrap_or("");
                    assert!(
                        first_line.starts_with(&normalize(&doc.title).text),
                        "{name}: title lost"
                    );
                    if dir.ends_with("cqnews_cbg") {
                        assert_eq!(
                            first_line,
                            normalize(&doc.title).text,
                            "{name}: title joined to body"
                        );
                    }
                    lengths.extend(
                        ranges
                            .iter()
                            .map(|r| normalized.text[r.clone()].chars().count()),
                    );
                }
            }
        }
        if lengths.is_empty() {
            return;
        }
        lengths.sort_unstable();
        let median = lengths[lengths.len() / 2];
        let over = lengths.iter().filter(|&&n| n > 2 * LONG).count();
        let under = lengths.iter().filter(|&&n| n < SHORT).count();
        eprintln!(
            "{} passages, median {median} chars, {over} over {}, {under} under {SHORT}",
            lengths.len(),
            2 * LONG
        );
        assert!(
            (60..=LONG).contains(&median),
            "median passage {median} chars"
        );
        assert!(
            over * 100 <= lengths.len(),
            "{over} passages over {} chars",
            2 * LONG
        );
        assert!(
            under * 100 <= lengths.len(),
            "{under} passages under {SHORT} chars"
        );
    }
}
