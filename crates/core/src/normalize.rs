//! Stage 2 (build time): a document's text → display- and index-ready text, plus a map from
//! every normalized byte offset back to the original.
//!
//! Input: [`RawDoc::text`](crate::RawDoc) (any string). Output: [`NormalizedText`]. Steps:
//! 1. NFKC, except for the CJK punctuation a Chinese reader expects to see: U+3001–U+303F
//!    (、。《》「」【】…), the full-width ，：；！？（）～ and the ellipsis …. So "４．４％" becomes
//!    "4.4%" and "ＡＢＣ" "ABC", while "，" stays "，" (NFKC alone would turn it into ",").
//! 2. Line breaks (CRLF, CR, VT, FF, NEL, U+2028/9) become `\n`; other whitespace, control
//!    characters, zero-width spaces and stray BOMs become a space.
//! 3. Spaces: trimmed at line ends, runs collapsed to one, and dropped between two CJK
//!    characters or between CJK and a digit or a curly quote ("生态人文名 城" → "生态人文名城",
//!    "增至155 家" → "增至155家"); spaces between Latin words stay.
//! 4. Lines broken mid-sentence are joined (PDF/print column wrapping, seed 000). A break
//!    between two non-blank lines is a soft wrap when the line before
//!    - does not end a sentence (。！？!?.… possibly followed by closing quotes/brackets),
//!    - is at least [`MIN_WRAP_WIDTH`] columns wide and at least [`WRAP_SHARE`] of the widest
//!      line of its block (blank-line-separated run of lines),
//!    - and the next line is no wider than [`NEXT_LINE_SLACK`] times it (a continuation never
//!      outgrows the column; a title followed by a long paragraph does).
//!
//!    Width counts CJK characters and curly quotes as 2 columns, everything else as 1. Blank
//!    lines separate paragraphs, unless the line before one is a long wrapped line (at least
//!    [`MIN_BREAK_WRAP_WIDTH`] columns and a wrap by the document's widest line: a page break
//!    in text taken from a PDF). Both rules are applied until nothing changes, so the output
//!    is a fixed point and `normalize` is idempotent.
//! 5. Output: paragraphs separated by `\n`, blocks by exactly one blank line (so that they
//!    stay apart when normalized again: before, blocks were re-joined as one, and two short
//!    unpunctuated paragraphs of a short document ran together), no blank line at either
//!    end, no leading or trailing whitespace on any line.
//!
//! Invariants: `normalize(normalize(x).text).text == normalize(x).text`; the map is monotonic
//! and sends char boundaries of the output to char boundaries of the input; text copied
//! unchanged maps byte for byte. It does not fold case or Chinese variants (term-only folding
//! belongs to indexing and queries, STYLE rule 15), and it does not know about Markdown or
//! HTML: `read` has already turned their blocks into blank-line-separated paragraphs.

use crate::passage::{CLOSING, SENTENCE_END};
use std::ops::Range;

/// A line narrower than this (in columns) is never a soft-wrapped line: print columns of
/// Chinese news hold at least 8 characters, and shorter lines are headings, list items or
/// the end of a paragraph.
const MIN_WRAP_WIDTH: usize = 16;

/// A wrapped line fills most of its column: it must be at least this share (numerator,
/// denominator) of the widest line of its block. Lower joins more headings to their text;
/// higher misses wrapped lines that hold digits or Latin letters (1 column each), such as
/// "2021年12月27日至" in seed 001.
const WRAP_SHARE: (usize, usize) = (3, 5);

/// The line after a soft wrap is at most this factor (numerator, denominator) wider than the
/// wrapped line. Lower misses continuations with more CJK than the line before; higher joins
/// short titles to the long first paragraph below them (corpora/docs/cqnews_cbg).
const NEXT_LINE_SLACK: (usize, usize) = (3, 2);

/// A line before a blank line continues after it only when it is at least this wide (in
/// columns; 20 CJK characters) besides being a wrap: a printed paragraph cut by a page
/// break, not a short line set apart on purpose.
const MIN_BREAK_WRAP_WIDTH: usize = 40;

/// Maps byte offsets in normalized text back to byte offsets in the original.
///
/// Stored as runs: each run is either text copied unchanged (mapped byte for byte) or the
/// output of one replaced stretch of input (every offset inside maps to its start).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OffsetMap {
    runs: Vec<Run>,
    normalized_len: usize,
}

/// One stretch of the normalized text and where it came from.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Run {
    /// First byte in the normalized text.
    normalized: usize,
    /// First byte of its source in the original.
    original: usize,
    /// One past the last byte of its source in the original.
    original_end: usize,
    /// True when the run is a verbatim copy of `original..original_end`.
    copied: bool,
}

impl OffsetMap {
    /// Byte offset in the original text for a byte offset in the normalized text.
    ///
    /// For a char boundary of the normalized text the result is a char boundary of the
    /// original. An offset inside a replaced stretch ("４" → "4", a joined line break) maps
    /// to the start of its source; an offset at or past the end maps to the end of the last
    /// character kept (trailing whitespace of the original is not included).
    pub fn to_original(&self, normalized: usize) -> usize {
        if normalized >= self.normalized_len {
            return self.runs.last().map_or(0, |run| run.original_end);
        }
        match self.run_at(normalized) {
            Some(run) if run.copied => run.original + (normalized - run.normalized),
            Some(run) => run.original,
            None => 0,
        }
    }

    /// The original byte range a normalized byte range came from, for highlights and "open
    /// at passage". The end is mapped as an end: it stops after the source of the last
    /// normalized character instead of running on to the next one's start.
    pub fn to_original_range(&self, normalized: Range<usize>) -> Range<usize> {
        let start = self.to_original(normalized.start);
        let end = match normalized
            .end
            .checked_sub(1)
            .and_then(|last| self.run_at(last))
        {
            Some(run) if normalized.end <= normalized.start => start.max(run.original),
            Some(run) if run.copied => {
                let end = run.original + (normalized.end - run.normalized);
                end.min(run.original_end)
            }
            Some(run) => run.original_end,
            None => start,
        };
        start..end.max(start)
    }

    /// The run holding normalized byte `offset`.
    fn run_at(&self, offset: usize) -> Option<&Run> {
        let index = self.runs.partition_point(|run| run.normalized <= offset);
        self.runs.get(index.checked_sub(1)?)
    }
}

/// Normalized text and its map back to the original.
#[derive(Clone, Debug, PartialEq)]
pub struct NormalizedText {
    /// The normalized text. Paragraphs are separated by `\n`, blocks by a blank line.
    pub text: String,
    /// Offsets back into the input.
    pub map: OffsetMap,
}

/// Normalize a document's text: NFKC except CJK punctuation, `\n` line breaks, spaces dropped
/// between CJK characters, print-wrapped lines joined, one paragraph per line, a blank line
/// between blocks. Idempotent.
pub fn normalize(text: &str) -> NormalizedText {
    let mut blocks: Vec<Vec<Line>> = vec![Vec::new()];
    for line in split_lines(text) {
        if line.is_empty() {
            blocks.push(Vec::new());
        } else if let Some(block) = blocks.last_mut() {
            block.push(line);
        }
    }
    let blocks: Vec<Vec<Line>> = (blocks.into_iter())
        .filter(|block| !block.is_empty())
        .map(|block| joined_until_fixed(text, block))
        .collect();
    assemble(text, joined_across_breaks(text, blocks))
}

/// Step 4 across blank lines, until nothing changes: a block whose last line is a long
/// wrapped one continues in the next block (a page break in text taken from a PDF, as in
/// corpus/002). The line must be a wrap by the document's widest line and at least
/// [`MIN_BREAK_WRAP_WIDTH`] wide, so that short unpunctuated paragraphs set apart by blank
/// lines (会议地点… / 参会人员…) stay apart.
fn joined_across_breaks(text: &str, mut blocks: Vec<Vec<Line>>) -> Vec<Vec<Line>> {
    loop {
        let widest = blocks.iter().flatten().map(|l| l.width).max().unwrap_or(0);
        let before = blocks.len();
        let mut out: Vec<Vec<Line>> = Vec::with_capacity(blocks.len());
        for block in blocks {
            let continues = |prev: &Vec<Line>| match (prev.last(), block.first()) {
                (Some(last), Some(first)) => {
                    last.width >= MIN_BREAK_WRAP_WIDTH && is_wrap(text, last, first, widest)
                }
                _ => false,
            };
            match out.last_mut() {
                Some(prev) if continues(prev) => {
                    let mut lines = block.into_iter();
                    if let (Some(last), Some(first)) = (prev.pop(), lines.next()) {
                        prev.push(last.joined(first, text));
                    }
                    prev.extend(lines);
                    // Only a merged block can have new wraps inside: the others are fixed.
                    *prev = joined_until_fixed(text, std::mem::take(prev));
                }
                _ => out.push(block),
            }
        }
        if out.len() == before {
            return out;
        }
        blocks = out;
    }
}

/// Step 4 on one block until nothing changes: a join makes a line wider, which can make the
/// line before it a wrapped one.
fn joined_until_fixed(text: &str, mut lines: Vec<Line>) -> Vec<Line> {
    loop {
        let before = lines.len();
        lines = join_wrapped(text, lines);
        if lines.len() == before {
            return lines;
        }
    }
}

/// One output character and the original bytes it came from.
#[derive(Clone, Debug)]
struct Atom {
    c: char,
    source: Range<usize>,
}

/// A line of the output (no `\n` inside) and the source of the line break that ended it.
struct Line {
    content: Content,
    /// Display width in columns (see [`width`]), for step 4.
    width: usize,
    newline: Option<Range<usize>>,
}

/// What a line holds. Most lines of a text come out exactly as they went in; holding those
/// as a range of the input instead of an atom per character made normalizing twice as
/// fast (86 → 39 ms for 8.4 MB of generated news; see [`verbatim`]).
enum Content {
    /// `text[range]`, unchanged.
    Verbatim(Range<usize>),
    /// Lines with something folded, spaces tidied or lines joined.
    Atoms(Vec<Atom>),
}

impl Line {
    /// A line of atoms.
    fn of_atoms(atoms: Vec<Atom>, newline: Option<Range<usize>>) -> Line {
        Line {
            width: width(atoms.iter().map(|a| a.c)),
            content: Content::Atoms(atoms),
            newline,
        }
    }

    fn is_empty(&self) -> bool {
        match &self.content {
            Content::Verbatim(range) => range.is_empty(),
            Content::Atoms(atoms) => atoms.is_empty(),
        }
    }

    /// True when the line ends a sentence (see [`ends_sentence`]).
    fn ends_sentence(&self, text: &str) -> bool {
        match &self.content {
            Content::Verbatim(range) => ends_sentence(slice(text, range).chars().rev()),
            Content::Atoms(atoms) => ends_sentence(atoms.iter().rev().map(|a| a.c)),
        }
    }

    /// This line and the next as one, the line break between them a space.
    fn joined(self, next: Line, text: &str) -> Line {
        let (space, newline) = (self.newline.clone(), next.newline.clone());
        let mut atoms = self.into_atoms(text);
        if let Some(source) = space {
            atoms.push(Atom { c: ' ', source });
        }
        atoms.extend(next.into_atoms(text));
        Line::of_atoms(tidy_spaces(atoms), newline)
    }

    /// The line's characters as atoms, to be joined with another line.
    fn into_atoms(self, text: &str) -> Vec<Atom> {
        match self.content {
            Content::Verbatim(range) => atoms_of(text, range),
            Content::Atoms(atoms) => atoms,
        }
    }
}

/// `text[range]`, or "" for a range that is not one of `text` (never the case).
fn slice<'a>(text: &'a str, range: &Range<usize>) -> &'a str {
    text.get(range.clone()).unwrap_or("")
}

/// Each character of `text[range]` as an atom of its own source.
fn atoms_of(text: &str, range: Range<usize>) -> Vec<Atom> {
    let start = range.start;
    slice(text, &range)
        .char_indices()
        .map(|(i, c)| Atom {
            c,
            source: start + i..start + i + c.len_utf8(),
        })
        .collect()
}

/// How [`fold`] treats a character of the input.
enum Class {
    /// A line break; becomes `\n`.
    Break,
    /// Whitespace or an invisible control; becomes a space.
    Space,
    /// CJK punctuation kept as written (not NFKC-folded).
    Keep,
    /// Starts an NFKC segment: a character that never composes with what precedes it, so
    /// NFKC of the whole text equals NFKC of such segments one by one.
    Boundary,
    /// Continues the current NFKC segment (combining marks, other scripts).
    Other,
}

fn class(c: char) -> Class {
    match c {
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Class::Break,
        '\u{200B}' | '\u{FEFF}' => Class::Space,
        c if c.is_whitespace() || c.is_control() => Class::Space,
        '\u{3001}'..='\u{3029}'
        | '\u{3030}'..='\u{303F}'
        | '\u{FF01}'
        | '\u{FF08}'
        | '\u{FF09}'
        | '\u{FF0C}'
        | '\u{FF1A}'
        | '\u{FF1B}'
        | '\u{FF1F}'
        | '\u{FF5E}'
        | '\u{2025}'
        | '\u{2026}' => Class::Keep,
        c if c.is_ascii() => Class::Boundary,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF01}'..='\u{FF5E}' => {
            Class::Boundary
        }
        _ => Class::Other,
    }
}

/// Steps 1 and 2 on one line (`text[range]`, no line break inside): its characters as
/// atoms, NFKC-folded except for kept punctuation, whitespace as `' '` atoms.
fn fold(text: &str, range: Range<usize>) -> Vec<Atom> {
    let mut atoms = Vec::with_capacity(range.len());
    let mut segment: Option<usize> = None;
    for (i, c) in slice(text, &range).char_indices() {
        let (start, end) = (range.start + i, range.start + i + c.len_utf8());
        let kind = class(c);
        if !matches!(kind, Class::Other) {
            if let Some(from) = segment.take() {
                fold_segment(text, from..start, &mut atoms);
            }
        }
        match kind {
            // (A line holds no break: `split_lines` cut there.)
            Class::Break | Class::Space => atoms.push(Atom {
                c: ' ',
                source: start..end,
            }),
            Class::Keep => atoms.push(Atom {
                c,
                source: start..end,
            }),
            Class::Boundary => segment = Some(start),
            Class::Other => {
                segment.get_or_insert(start);
            }
        }
    }
    if let Some(from) = segment {
        fold_segment(text, from..range.end, &mut atoms);
    }
    atoms
}

/// NFKC one segment: unchanged characters map to themselves, a changed segment maps as a
/// whole to its source.
fn fold_segment(text: &str, range: Range<usize>, atoms: &mut Vec<Atom>) {
    let segment = text.get(range.clone()).unwrap_or("");
    let folded = if segment.chars().all(is_always_nfkc) {
        None
    } else {
        changed_by_nfkc(segment)
    };
    match folded {
        None => atoms.extend(segment.char_indices().map(|(i, c)| Atom {
            c,
            source: range.start + i..range.start + i + c.len_utf8(),
        })),
        Some(folded) => atoms.extend(folded.chars().map(|c| Atom {
            c: if c.is_whitespace() { ' ' } else { c },
            source: range.clone(),
        })),
    }
}

/// The NFKC form of `segment` by Rust's Unicode tables, or `None` when it is its own.
#[cfg(feature = "nfkc")]
fn changed_by_nfkc(segment: &str) -> Option<String> {
    use unicode_normalization::{is_nfkc, UnicodeNormalization};
    (!is_nfkc(segment)).then(|| segment.nfkc().collect())
}

/// The NFKC form of `segment` by the function given to [`set_nfkc`], or `None` when it is its
/// own (or when none was given: the text is then kept as written).
#[cfg(not(feature = "nfkc"))]
fn changed_by_nfkc(segment: &str) -> Option<String> {
    let folded = NFKC.get()?(segment);
    (folded != segment).then_some(folded)
}

/// The platform's NFKC, for builds without the `nfkc` feature.
#[cfg(not(feature = "nfkc"))]
static NFKC: std::sync::OnceLock<fn(&str) -> String> = std::sync::OnceLock::new();

/// Give a build without the `nfkc` feature its NFKC (the browser's
/// `String.prototype.normalize("NFKC")`), so that it carries no Unicode tables of its own.
/// The first one given stays.
#[cfg(not(feature = "nfkc"))]
pub fn set_nfkc(nfkc: fn(&str) -> String) {
    let _ = NFKC.set(nfkc);
}

/// ASCII, the CJK unified ideographs and [`STABLE_PUNCTUATION`] have no decomposition and
/// compose with nothing, so a segment made only of them is its own NFKC. Most of a Chinese
/// text is such segments, and skipping the table lookup for them cuts normalization time by
/// about 30 % (measured on 8.5 MB of the generated scale corpus: 24.6 → 34 MB/s on one core);
/// where NFKC is the browser's, it also saves a call into JavaScript per quotation mark.
fn is_always_nfkc(c: char) -> bool {
    c.is_ascii()
        || matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
        || STABLE_PUNCTUATION.contains(&c)
}

/// Punctuation common in Chinese text that NFKC leaves alone (checked against Rust's tables
/// by a test): curly quotes, dashes, the middle dot, bullet, ×, ÷, °.
const STABLE_PUNCTUATION: [char; 11] = ['“', '”', '‘', '’', '—', '–', '·', '•', '×', '÷', '°'];

/// Steps 1–3: the text cut into lines at its line breaks (CRLF is one), each folded and
/// its spaces tidied.
fn split_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    while let Some((at, c)) = next_break(text, start) {
        let mut end = at + c.len_utf8();
        if c == '\r' && text.as_bytes().get(end) == Some(&b'\n') {
            end += 1;
        }
        lines.push(line(text, start..at, Some(at..end)));
        start = end;
    }
    lines.push(line(text, start..text.len(), None));
    lines
}

/// The first line break at or after byte `from`, found by bytes: every line break starts
/// with one of a few bytes (U+0085 with 0xC2, U+2028/9 with 0xE2), which is much faster
/// than classifying every character.
fn next_break(text: &str, from: usize) -> Option<(usize, char)> {
    let mut at = from;
    loop {
        let offset = text
            .as_bytes()
            .get(at..)?
            .iter()
            .position(|b| matches!(b, b'\n' | b'\r' | 0x0B | 0x0C | 0xC2 | 0xE2))?;
        let c = text.get(at + offset..)?.chars().next()?;
        if matches!(class(c), Class::Break) {
            return Some((at + offset, c));
        }
        at += offset + c.len_utf8();
    }
}

/// One line of the input, folded and tidied.
fn line(text: &str, range: Range<usize>, newline: Option<Range<usize>>) -> Line {
    match verbatim(text, range.clone()) {
        Some((kept, width)) => Line {
            content: Content::Verbatim(kept),
            width,
            newline,
        },
        None => Line::of_atoms(tidy_spaces(fold(text, range)), newline),
    }
}

/// The part of the line `text[range]` that steps 1–3 leave unchanged, when they only trim
/// whitespace from its ends: every character is its own NFKC or kept punctuation, and any
/// space inside is a single ASCII space that [`tidy_spaces`] keeps. Most lines of Chinese
/// text are such lines. Also gives the part's [`width`], found in the same pass.
fn verbatim(text: &str, range: Range<usize>) -> Option<(Range<usize>, usize)> {
    let is_space = |c: char| matches!(class(c), Class::Space);
    let line = slice(text, &range);
    let trimmed = line.trim_start_matches(is_space);
    let start = range.start + (line.len() - trimmed.len());
    let trimmed = trimmed.trim_end_matches(is_space);
    let mut previous: Option<char> = None;
    let mut space = false;
    let mut columns = 0;
    for c in trimmed.chars() {
        if c == ' ' && !space {
            space = true;
            columns += 1;
            continue;
        }
        let unchanged = c.is_ascii_graphic()
            || matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
            || match class(c) {
                Class::Keep => true,
                Class::Space | Class::Break => false,
                Class::Boundary | Class::Other => is_always_nfkc(c),
            };
        if !unchanged || (space && previous.is_none_or(|p| tight(p, c))) {
            return None;
        }
        space = false;
        previous = Some(c);
        columns += column_width(c);
    }
    Some((start..start + trimmed.len(), columns))
}

/// Step 3 on one line: trim, collapse runs of spaces to their first, drop a space between
/// two characters that [`tight`] says need none. Idempotent.
fn tidy_spaces(atoms: Vec<Atom>) -> Vec<Atom> {
    let mut out: Vec<Atom> = Vec::with_capacity(atoms.len());
    let mut space: Option<Atom> = None;
    for atom in atoms {
        if atom.c == ' ' {
            space.get_or_insert(atom);
            continue;
        }
        if let (Some(pending), Some(prev)) = (space.take(), out.last()) {
            if !tight(prev.c, atom.c) {
                out.push(pending);
            }
        }
        out.push(atom);
    }
    out
}

/// CJK ideographs, CJK and full-width punctuation, kana: text written without spaces.
/// Combining marks (U+302A–302F, U+3099–309A) are left out: dropping a space before one
/// would let it compose with the character before on the next pass.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3001}'..='\u{3029}'
        | '\u{3030}'..='\u{3098}'
        | '\u{309B}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Punctuation shared with Western text that sits tight against CJK: curly quotes, dashes,
/// ellipsis, middle dot.
fn is_cjk_companion(c: char) -> bool {
    matches!(
        c,
        '\u{2014}' | '\u{2015}' | '\u{2018}'..='\u{201F}' | '\u{2026}' | '\u{00B7}'
    )
}

/// True when no space belongs between `a` and `b`: both CJK, or CJK next to a digit or to
/// CJK-companion punctuation.
fn tight(a: char, b: char) -> bool {
    let loose = |c: char| is_cjk(c) || is_cjk_companion(c) || c.is_ascii_digit();
    (is_cjk(a) && loose(b)) || (is_cjk(b) && loose(a))
}

/// Display width in columns: CJK and its companion punctuation 2, everything else 1.
fn width(chars: impl Iterator<Item = char>) -> usize {
    chars.map(column_width).sum()
}

/// Columns of one character (see [`width`]).
fn column_width(c: char) -> usize {
    if is_cjk(c) || is_cjk_companion(c) {
        2
    } else {
        1
    }
}

/// True when a line, given as its characters from the last, ends a sentence: 。！？!?.…
/// optionally followed by closing quotes or brackets (“……。” counts, “一城” does not).
fn ends_sentence(mut reversed: impl Iterator<Item = char>) -> bool {
    reversed
        .find(|c| !CLOSING.contains(c))
        .is_some_and(|c| SENTENCE_END.contains(&c) || c == '.')
}

/// Step 4 once over one block: join every soft-wrapped line to the line after it. The
/// decision for each break looks at the lines as they were before this call.
fn join_wrapped(text: &str, lines: Vec<Line>) -> Vec<Line> {
    let widest = lines.iter().map(|l| l.width).max().unwrap_or(0);
    let soft = |i: usize| match (lines.get(i), lines.get(i + 1)) {
        (Some(line), Some(next)) => is_wrap(text, line, next, widest),
        _ => false,
    };
    let joins: Vec<bool> = (0..lines.len()).map(soft).collect();
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut join_previous = false;
    for (line, join_next) in lines.into_iter().zip(joins) {
        let line = match out.pop() {
            Some(previous) if join_previous => previous.joined(line, text),
            Some(previous) => {
                out.push(previous);
                line
            }
            None => line,
        };
        out.push(line);
        join_previous = join_next;
    }
    out
}

/// Whether the break after `line` is a soft wrap (see step 4), `widest` being the widest
/// line of its block.
fn is_wrap(text: &str, line: &Line, next: &Line, widest: usize) -> bool {
    let (w, next) = (line.width, next.width);
    !line.ends_sentence(text)
        && w >= MIN_WRAP_WIDTH
        && w * WRAP_SHARE.1 >= widest * WRAP_SHARE.0
        && next * NEXT_LINE_SLACK.1 <= w * NEXT_LINE_SLACK.0
}

/// Step 5: lines → text and offset map.
fn assemble(original: &str, blocks: Vec<Vec<Line>>) -> NormalizedText {
    let mut out = Assembled {
        text: String::with_capacity(original.len()),
        runs: Vec::new(),
    };
    let count = blocks.len();
    for (b, block) in blocks.into_iter().enumerate() {
        let lines = block.len();
        for (i, line) in block.into_iter().enumerate() {
            match line.content {
                Content::Verbatim(range) => out.push_copy(original, range),
                Content::Atoms(atoms) => {
                    atoms.into_iter().for_each(|atom| out.push(original, atom))
                }
            }
            let last = i + 1 == lines;
            if let Some(source) = line.newline.filter(|_| !last || b + 1 < count) {
                // A block ends with a blank line, so that it stays apart when normalized again.
                let breaks = if last { 2 } else { 1 };
                for _ in 0..breaks {
                    out.push(
                        original,
                        Atom {
                            c: '\n',
                            source: source.clone(),
                        },
                    );
                }
            }
        }
    }
    let normalized_len = out.text.len();
    NormalizedText {
        text: out.text,
        map: OffsetMap {
            runs: out.runs,
            normalized_len,
        },
    }
}

/// The normalized text and its runs as [`assemble`] writes them.
struct Assembled {
    text: String,
    runs: Vec<Run>,
}

impl Assembled {
    /// Append `original[range]` as it is.
    fn push_copy(&mut self, original: &str, range: Range<usize>) {
        match self.runs.last_mut() {
            Some(run) if run.copied && run.original_end == range.start => {
                run.original_end = range.end;
            }
            _ => self.runs.push(Run {
                normalized: self.text.len(),
                original: range.start,
                original_end: range.end,
                copied: true,
            }),
        }
        self.text.push_str(slice(original, &range));
    }

    /// Append one atom: a copy when its source is exactly its character (compared as chars:
    /// a slice comparison calls memcmp for every character of the text), else part of the
    /// replaced stretch it came from.
    fn push(&mut self, original: &str, atom: Atom) {
        let copied = original.get(atom.source.clone()).is_some_and(|source| {
            let mut chars = source.chars();
            chars.next() == Some(atom.c) && chars.next().is_none()
        });
        if copied {
            return self.push_copy(original, atom.source);
        }
        match self.runs.last() {
            Some(run)
                if !run.copied
                    && run.original == atom.source.start
                    && run.original_end == atom.source.end => {}
            _ => self.runs.push(Run {
                normalized: self.text.len(),
                original: atom.source.start,
                original_end: atom.source.end,
                copied: false,
            }),
        }
        self.text.push(atom.c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalizes_table() {
        let cases = [
            (
                "full-width digits",
                "比重达4.４％，位居全市第一。",
                "比重达4.4%，位居全市第一。",
            ),
            ("full-width letters", "ＡＢＣ１２３ Ｒｕｓｔ", "ABC123 Rust"),
            (
                "CJK punctuation kept",
                "（重庆）；“一城”：是否？是！《报》、【注】……～",
                "（重庆）；“一城”：是否？是！《报》、【注】……～",
            ),
            (
                "space inside CJK",
                "生态人文名 城。筑牢主城都市区中心 城区",
                "生态人文名城。筑牢主城都市区中心城区",
            ),
            (
                "space CJK-digit",
                "增至155 家，达 50.7%",
                "增至155家，达50.7%",
            ),
            (
                "Latin spaces kept",
                "GDP  growth   of 49% 彰显",
                "GDP growth of 49% 彰显",
            ),
            ("ideographic space", "北碚　缙云山\u{A0}x", "北碚缙云山 x"),
            (
                "quotes tight",
                "拥有 “两城并进” 独特优势",
                "拥有“两城并进”独特优势",
            ),
            (
                "CRLF and blank lines",
                "第一段。\r\n\r\n\r\n第二段。\r第三段。",
                "第一段。\n\n第二段。\n第三段。",
            ),
            ("trim lines", "  \n  前后空白  \n\t", "前后空白"),
            ("controls", "a\u{0}b\u{200B}c\u{FEFF}", "a b c"),
            ("combining", "e\u{301}te\u{301}", "été"),
            ("empty", "", ""),
            ("whitespace only", " \n\r\n ", ""),
            ("short lines stay", "第一行\n第二行", "第一行\n第二行"),
        ];
        for (label, input, expected) in cases {
            assert_eq!(normalize(input).text, expected, "{label}");
        }
    }

    /// The fast path's promise: each of these characters, and any pair of them or with
    /// ASCII and ideographs, is its own NFKC.
    #[test]
    #[cfg(feature = "nfkc")]
    fn stable_punctuation_is_its_own_nfkc() {
        let others = ['a', '1', ' ', '北', '\u{3400}'];
        for &a in STABLE_PUNCTUATION.iter().chain(&others) {
            for &b in &STABLE_PUNCTUATION {
                for pair in [format!("{a}{b}"), format!("{b}{a}")] {
                    assert_eq!(crate::text::nfkc(&pair), pair, "{pair:?}");
                }
            }
        }
    }

    #[test]
    fn joins_print_wrapped_lines() {
        // The opening of corpus/000_dc9704ed54fa9fd7.txt.
        let input = "回眸“十三五”夯实基础打好底\n\n北碚缘何要以“一城四地”建设\n来开新局？\n\n\
            北碚区相关负责人解释，生态\n人文资源是北碚最大的优势，科技\n创新是北碚最大的发展潜力。“一城\n\
            四地”的建设，是根据北碚的资源优\n势和发展潜力。\n\n\
            2021年12月27日至\n30日，中共北碚区第十三\n次代表大会召开。\n";
        let expected = "回眸“十三五”夯实基础打好底\n\n北碚缘何要以“一城四地”建设来开新局？\n\n\
            北碚区相关负责人解释，生态人文资源是北碚最大的优势，科技创新是北碚最大的发展潜力。\
            “一城四地”的建设，是根据北碚的资源优势和发展潜力。\n\n\
            2021年12月27日至30日，中共北碚区第十三次代表大会召开。";
        assert_eq!(normalize(input).text, expected);
    }

    /// A long wrapped line before a blank line continues after it (a page break in text
    /// taken from a PDF); a short one stays apart (see the test below).
    #[test]
    fn joins_a_paragraph_cut_by_a_page_break() {
        let input = "第一段的文字很长，一直写到这一行的末尾也没有写完这句话，而是在下一页\n\n\
            继续写完了这句话。\n\n另一段。";
        assert_eq!(
            normalize(input).text,
            "第一段的文字很长，一直写到这一行的末尾也没有写完这句话，而是在下一页继续写完了这句话。\n\n另一段。"
        );
    }

    #[test]
    fn keeps_title_and_paragraph_lines_apart() {
        // The shape of corpora/docs/cqnews_cbg: a title line, then one paragraph per line.
        let input = "重庆航空国际客流劲增49% 彰显中西部国际交往中心开放魅力\n\
            自信开放的重庆，正以昂扬姿态加速链接全球。今年一季度，重庆江北国际机场国际（地区）旅客吞吐量累计达73万人次，同比增长49%。\n\
            丹麦游客：“我们要在城里转一转，然后去武隆。”\n";
        assert_eq!(normalize(input).text, input.trim_end());
        // Headings and list items that `read` separated with blank lines stay lines.
        let markdown = "为何是北碚\n\n一域服务全局的战略考量\n\n站在缙云山巅俯瞰，一幅崭新的区域版图正在徐徐展开。";
        assert_eq!(
            normalize(markdown)
                .text
                .lines()
                .filter(|l| !l.is_empty())
                .count(),
            3
        );
        // A short document of short unpunctuated paragraphs: each stays a line of its own
        // (they ran together when the whole document was joined as one block).
        let notes = "标题\n\n会议地点 重庆市人民大礼堂\n\n参会人员 张三 李四\n\n会议决定了很多事项，北碚区负责落实。";
        assert_eq!(
            normalize(notes).text,
            "标题\n\n会议地点重庆市人民大礼堂\n\n参会人员张三李四\n\n会议决定了很多事项，北碚区负责落实。"
        );
    }

    #[test]
    fn maps_offsets_back() {
        let input = "  北碚\r\n缙云山 摄\n\n4.４％ 达\u{301}";
        let normalized = normalize(input);
        assert_eq!(normalized.text, "北碚\n缙云山摄\n\n4.4% 达\u{301}");
        let map = &normalized.map;
        let at = |s: &str| normalized.text.find(s).unwrap_or(usize::MAX);
        let cases = [
            (0, input.find("北").unwrap_or(0)),
            (at("\n缙"), input.find("\r\n").unwrap_or(0)),
            (at("缙"), input.find("缙").unwrap_or(0)),
            (at("摄"), input.find("摄").unwrap_or(0)),
            (at("4%"), input.find("４").unwrap_or(0)),
            (at("%"), input.find("％").unwrap_or(0)),
            (at("达"), input.find("达").unwrap_or(0)),
            (normalized.text.len(), input.len()),
        ];
        for (normalized_offset, original) in cases {
            assert_eq!(
                map.to_original(normalized_offset),
                original,
                "offset {normalized_offset}"
            );
        }
        let range = at("缙")..at("摄") + "摄".len();
        assert_eq!(input.get(map.to_original_range(range)), Some("缙云山 摄"));
        let range = at("4.")..at(" 达");
        assert_eq!(input.get(map.to_original_range(range)), Some("4.４％"));
    }

    #[test]
    fn seeds_normalize_to_a_fixed_point() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus");
        let Ok(entries) = std::fs::read_dir(dir) else {
            eprintln!("note: {dir} not found, skipping");
            return;
        };
        for entry in entries.flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let once = normalize(&text);
            assert_eq!(normalize(&once.text).text, once.text, "{:?}", entry.path());
            assert!(!once.text.contains("\n\n\n"), "{:?}", entry.path());
        }
    }

    /// Strings rich in what normalize treats specially.
    fn tricky_text() -> impl Strategy<Value = String> {
        let special = prop::sample::select(vec![
            '\n', '\n', '\r', ' ', ' ', '\t', '\u{3000}', '\u{A0}', '\u{200B}', '北', '碚', '缙',
            '云', '山', '。', '，', '？', '“', '”', '４', '％', 'Ａ', '１', 'a', 'b', '1', '.',
            '\u{301}', '\u{308}', 'e', 'ﬁ', '¨', '㍻', '…', '）', 'ｶ', 'ﾞ', '\u{1100}', '\u{1161}',
            '\u{FEFF}', '\u{0}',
        ]);
        let any_char = any::<char>();
        prop::collection::vec(prop_oneof![4 => special, 1 => any_char], 0..120)
            .prop_map(|chars| chars.into_iter().collect())
    }

    /// Multi-line CJK text whose line widths trigger the wrap heuristic.
    fn wrapped_text() -> impl Strategy<Value = String> {
        let chars = prop::sample::select(vec![
            '北', '碚', '区', '。', '，', '“', '”', '4', 'a', ' ', '？',
        ]);
        let line =
            prop::collection::vec(chars, 0..24).prop_map(|c| c.into_iter().collect::<String>());
        prop::collection::vec(line, 0..16).prop_map(|lines| lines.join("\n"))
    }

    fn check_invariants(input: &str) -> Result<(), TestCaseError> {
        let once = normalize(input);
        let twice = normalize(&once.text);
        prop_assert_eq!(&twice.text, &once.text, "not idempotent");
        // Blocks apart by exactly one blank line; none at the ends.
        prop_assert!(!once.text.contains("\n\n\n") && !once.text.contains('\r'));
        prop_assert!(!once.text.starts_with('\n') && !once.text.ends_with('\n'));
        for line in once.text.split('\n') {
            prop_assert_eq!(line.trim(), line);
        }
        let mut previous = 0;
        for (offset, _) in once.text.char_indices().chain([(once.text.len(), ' ')]) {
            let original = once.map.to_original(offset);
            prop_assert!(original >= previous, "map not monotonic at {}", offset);
            prop_assert!(
                input.is_char_boundary(original),
                "{} not a char boundary",
                original
            );
            previous = original;
        }
        Ok(())
    }

    /// A line kept verbatim is exactly what folding and tidying it atom by atom gives.
    fn check_verbatim_lines(input: &str) -> Result<(), TestCaseError> {
        let mut start = 0;
        loop {
            let found = next_break(input, start);
            let end = found.map_or(input.len(), |(at, _)| at);
            if let Some((kept, columns)) = verbatim(input, start..end) {
                let atoms = tidy_spaces(fold(input, start..end));
                let pairs = |atoms: &[Atom]| -> Vec<(char, Range<usize>)> {
                    atoms.iter().map(|a| (a.c, a.source.clone())).collect()
                };
                prop_assert_eq!(pairs(&atoms_of(input, kept)), pairs(&atoms));
                prop_assert_eq!(columns, width(atoms.iter().map(|a| a.c)));
            }
            match found {
                Some((at, c)) => start = at + c.len_utf8(),
                None => return Ok(()),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn verbatim_lines_are_what_folding_gives(input in prop_oneof![tricky_text(), wrapped_text()]) {
            check_verbatim_lines(&input)?;
        }

        #[test]
        fn invariants_hold_on_tricky_text(input in tricky_text()) {
            check_invariants(&input)?;
        }

        #[test]
        fn invariants_hold_on_wrapped_text(input in wrapped_text()) {
            check_invariants(&input)?;
        }

        #[test]
        fn never_panics_on_any_string(input in any::<String>()) {
            let normalized = normalize(&input);
            let _ = normalized.map.to_original_range(0..normalized.text.len() + 3);
        }
    }
}
