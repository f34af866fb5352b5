//! Traditional → simplified folding (縉雲山 → 缙云山), exactly as fast2s folds: its table,
//! read out of fast2s at build time (`build.rs`), and its few context rules (看著 → 看着,
//! 乾隆 stays 乾隆), copied from its `special.rs`. A test checks every character, and every
//! rule with its neighbours, against fast2s itself.
//!
//! Linking fast2s put its bincode, hashbrown and serde code and a 22 KB table into every
//! wasm: 24 KB of the site page's 194 KB gzip, loaded before a first result. The table as
//! varints is 7 KB.

use std::sync::OnceLock;

/// Two characters as written.
type Word = [char; 2];

/// fast2s's words in which a character stays as it is, whatever its table says.
const KEPT_IN: &[(char, &[Word])] = &[
    ('兒', &[['兒', '寬']]),
    ('覆', &[['答', '覆'], ['批', '覆'], ['回', '覆']]),
    ('夥', &[['甚', '夥']]),
    ('藉', &[['慰', '藉'], ['狼', '藉']]),
    ('瞭', &[['瞭', '望']]),
    ('麽', &[['幺', '麽']]),
    ('幺', &[['幺', '麽']]),
    ('於', &[['樊', '於']]),
    ('乾', &[['乾', '隆'], ['乾', '坤'], ['乾', '卦']]),
];

/// fast2s's words in which a character becomes another than its table's; 著 and 苧 change
/// only there. (fast2s also lists 藉口 → 借口, but never asks it: 藉 has words in
/// [`KEPT_IN`], and fast2s looks only there for such a character.)
const CHANGED_IN: &[(char, &[(Word, char)])] = &[
    ('著', &[(['看', '著'], '着')]),
    ('苧', &[(['苧', '麻'], '苎')]),
    ('闔', &[(['闔', '家'], '合')]),
    ('鍾', &[(['鍾', '書'], '锺')]),
    (
        '讎',
        &[
            (['校', '讎'], '雠'),
            (['讎', '定'], '雠'),
            (['仇', '讎'], '雠'),
        ],
    ),
    ('畫', &[(['計', '畫'], '划'), (['企', '畫'], '划')]),
];

/// fast2s's table: each traditional character it changes on its own, with its simplified
/// form, in code point order (all are in the Basic Multilingual Plane).
fn table() -> &'static [(u16, u16)] {
    static TABLE: OnceLock<Vec<(u16, u16)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let data = include_bytes!(concat!(env!("OUT_DIR"), "/t2s.bin"));
        // Written by build.rs in the same build; a test reads it whole.
        let entries: Vec<(u32, i32)> = postcard::from_bytes(data).unwrap_or_default();
        let mut at = 0u32;
        entries
            .into_iter()
            .map(|(step, delta)| {
                at += step;
                (at as u16, at.wrapping_add_signed(delta) as u16)
            })
            .collect()
    })
}

/// Whether folding may change `c` in some context: the table changes it, or a word of
/// [`CHANGED_IN`] does. A bitmap, as this is asked of every character of long texts.
pub(crate) fn may_change(c: char) -> bool {
    static CHANGED: OnceLock<Vec<u64>> = OnceLock::new();
    let changed = CHANGED.get_or_init(|| {
        let mut bits = vec![0u64; 0x1_0000 / 64];
        let listed = CHANGED_IN.iter().map(|(c, _)| *c as u32);
        for code in table().iter().map(|(from, _)| *from as u32).chain(listed) {
            bits[code as usize / 64] |= 1 << (code % 64);
        }
        bits
    });
    let code = c as usize;
    c.len_utf8() == 3 && changed[code / 64] & (1 << (code % 64)) != 0
}

/// `text` with traditional characters folded to simplified ones, as `fast2s::convert`
/// gives it: each character is folded by its neighbours as written. (Only characters that
/// may change are looked up: a kept word only keeps a character as it is.)
pub(crate) fn to_simplified(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut prev = '0';
    while let Some(cur) = chars.next() {
        let next = chars.peek().copied().unwrap_or('0');
        out.push(match may_change(cur) {
            true => fold(prev, cur, next),
            false => cur,
        });
        prev = cur;
    }
    out
}

/// One character between its neighbours, by fast2s's rules: a kept word first, else a
/// changed word (the word ending at `cur`, then the one starting there), else the table.
fn fold(prev: char, cur: char, next: char) -> char {
    let words = [[prev, cur], [cur, next]];
    if let Some((_, kept)) = KEPT_IN.iter().find(|(c, _)| *c == cur) {
        if words.iter().any(|w| kept.contains(w)) {
            return cur;
        }
    } else if let Some((_, changed)) = CHANGED_IN.iter().find(|(c, _)| *c == cur) {
        let in_word = |w: &Word| changed.iter().find(|(word, _)| word == w);
        if let Some((_, to)) = words.iter().find_map(in_word) {
            return *to;
        }
    }
    let key = cur as u32 as u16;
    match table().binary_search_by_key(&key, |(from, _)| *from) {
        Ok(i) => char::from_u32(table()[i].1 as u32).unwrap_or(cur),
        Err(_) => cur,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_fast2s_for_every_character_alone() {
        assert!(table().len() > 2_500, "{} entries", table().len());
        let all: Vec<char> = ('\u{800}'..='\u{FFFF}').collect();
        let spaced: String = all.iter().flat_map(|c| ['0', *c]).collect();
        assert_eq!(to_simplified(&spaced), fast2s::convert(&spaced));
        for c in all {
            let changed = fast2s::convert(&format!("0{c}0")) != format!("0{c}0");
            assert!(!changed || may_change(c), "{c}");
        }
    }

    /// Every rule's character between every character of the rules (and a few others), on
    /// either side: as fast2s folds it.
    #[test]
    fn the_context_rules_are_fast2s_s() {
        let mut neighbours: Vec<char> = "0a中國重慶看著苧麻藉口憑慰狼".chars().collect();
        for (c, words) in KEPT_IN {
            neighbours.push(*c);
            neighbours.extend(words.iter().flatten());
        }
        for (c, words) in CHANGED_IN {
            neighbours.push(*c);
            neighbours.extend(words.iter().flat_map(|(w, to)| [w[0], w[1], *to]));
        }
        let ruled = KEPT_IN
            .iter()
            .map(|r| r.0)
            .chain(CHANGED_IN.iter().map(|r| r.0));
        for cur in ruled {
            for prev in &neighbours {
                for next in &neighbours {
                    let text = format!("{prev}{cur}{next}");
                    assert_eq!(to_simplified(&text), fast2s::convert(&text), "{text}");
                }
            }
        }
    }
}
