//! Positional postings of a site index: how a gram's occurrences are stored, and how a
//! clause is matched exactly from them without reading any passage text.
//!
//! Grams are taken over a *unit string* (see `text`): every char (unigram) and every
//! adjacent pair of chars (bigram), where — unlike the in-memory index — pairs with the
//! space that separates two word units count too. A needle of n ≥ 2 chars then occurs at
//! position p exactly when each of its n − 1 pairs occurs at p + i: every char is pinned, so
//! matching is exact without verification against the text. Unigrams carry counts only
//! (a one-char needle needs no positions). Title grams live in the same key space with
//! [`TITLE_FLAG`] set, their "passage" being a document id.
//!
//! A postings list is one byte stream of LEB128 numbers, per entry: id delta, then for
//! passage bigrams the passage's document (as a delta from the previous entry's) and
//! length, then the count and (bigrams only) `count` position deltas. Bytes, not structs,
//! because this is most of a site's size and what a query downloads. Carrying document and
//! length lets a query of two or more chars rank its matches from the postings alone: no
//! table of the whole archive stands between it and its first page. Unigrams, as common as
//! they are many, leave them out (a one-char query ranks from the passage tables).

use crate::text::unit_string;
use crate::text::Unit;

/// Set on the key of a title gram.
pub(crate) const TITLE_FLAG: u64 = 1 << 62;

/// Key of a unigram.
pub(crate) fn unigram(c: char) -> u64 {
    c as u64
}

/// Key of a bigram; never equal to a unigram key (the first char is shifted past 21 bits
/// and is never NUL).
pub(crate) fn bigram(a: char, b: char) -> u64 {
    ((a as u64) << 21) | b as u64
}

/// Whether a key is a bigram (so its postings carry positions).
pub(crate) fn is_bigram(key: u64) -> bool {
    (key & !TITLE_FLAG) >= 1 << 21
}

/// Whether a key's entries carry document and length: passage (not title) bigrams.
pub(crate) fn is_placed(key: u64) -> bool {
    key & TITLE_FLAG == 0 && is_bigram(key)
}

/// How a passage entry is placed: its document and its length in units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Placed {
    pub(crate) doc: u32,
    pub(crate) length: u32,
}

/// Append `n` to `out` as LEB128.
pub(crate) fn put(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Read one LEB128 number at `*at`, advancing it; `None` at the end or on garbage.
fn get(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let mut n: u32 = 0;
    for shift in (0..35).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        n |= ((b & 0x7f) as u32).checked_shl(shift)?;
        if b < 0x80 {
            return Some(n);
        }
    }
    None
}

/// Step over `n` LEB128 numbers at `*at` (positions not kept); `None` past the end.
fn skip(bytes: &[u8], at: &mut usize, n: u32) -> Option<()> {
    let mut left = n;
    while left > 0 {
        let b = *bytes.get(*at)?;
        *at += 1;
        if b < 0x80 {
            left -= 1;
        }
    }
    Some(())
}

/// The postings of one gram as they are being built: entries arrive in id order.
#[derive(Default)]
pub(crate) struct PostingsWriter {
    pub(crate) bytes: Vec<u8>,
    pub(crate) count: u32,
    last: Option<u32>,
    last_doc: u32,
}

impl PostingsWriter {
    /// Add an entry: `id` (greater than the last one), its placement (passage grams only;
    /// documents never decrease along passage ids), and its positions (bigrams) or just its
    /// count (`positions` empty, `count` given).
    pub(crate) fn push(&mut self, id: u32, placed: Option<Placed>, count: u32, positions: &[u32]) {
        let delta = match self.last {
            Some(last) => id - last,
            None => id,
        };
        self.last = Some(id);
        self.count += 1;
        put(&mut self.bytes, delta);
        if let Some(placed) = placed {
            put(&mut self.bytes, placed.doc - self.last_doc);
            put(&mut self.bytes, placed.length);
            self.last_doc = placed.doc;
        }
        put(&mut self.bytes, count);
        let mut prev = 0;
        for &p in positions {
            put(&mut self.bytes, p - prev);
            prev = p;
        }
    }
}

/// Decoded postings of one gram: parallel arrays, positions flattened.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Postings {
    pub(crate) ids: Vec<u32>,
    /// Placement of each entry (passage bigrams only; else empty).
    pub(crate) placed: Vec<Placed>,
    pub(crate) counts: Vec<u32>,
    /// `positions[starts[i]..starts[i + 1]]` are entry i's positions (bigrams only).
    starts: Vec<u32>,
    positions: Vec<u32>,
}

/// Which entries of a gram's postings to decode: a needle's other pairs only matter at the
/// ids of its rarest pair, and a needle of one pair needs no positions. (Decoding all of a
/// common pair's postings, positions included, was most of a follow-up query's time.)
#[derive(Clone, Copy)]
pub(crate) enum Decode<'a> {
    All,
    /// Entries without their positions ([`Postings::positions_of`] is then empty).
    WithoutPositions,
    /// The entries of these ids (sorted), with positions.
    Among(&'a [u32]),
}

/// Entries between two skip points of a postings piece.
const SKIP_EVERY: u32 = 64;

/// Where an entry of a postings list starts, with what reading it needs: its byte offset
/// and the id and document of the entry before it (ids and documents are delta-coded).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SkipPoint {
    id: u32,
    at: u32,
    id_before: u32,
    doc_before: u32,
}

/// What a decode does with skip points: none, jump by them, or note them while it reads
/// the whole list.
enum Skips<'a> {
    None,
    Use(&'a [SkipPoint]),
    Record(&'a mut Vec<SkipPoint>),
}

/// A postings piece as held between queries: its bytes, and skip points noted the first
/// time it is read whole. A common pair (重庆 in a 280 MB archive: 150,000 entries) is
/// mostly read at the few ids of a needle's rarest pair; without them, each such read
/// stepped through every entry and position of the list.
pub(crate) struct PostingsPiece {
    bytes: Vec<u8>,
    skips: std::cell::OnceCell<Vec<SkipPoint>>,
}

impl PostingsPiece {
    pub(crate) fn new(bytes: Vec<u8>) -> PostingsPiece {
        PostingsPiece {
            bytes,
            skips: std::cell::OnceCell::new(),
        }
    }

    /// [`Postings::decode_where`] over this piece, by its skip points once it has them.
    pub(crate) fn decode(&self, key: u64, which: Decode) -> Option<Postings> {
        if let Some(points) = self.skips.get() {
            return Postings::decode_with(&self.bytes, key, which, Skips::Use(points));
        }
        let mut points = Vec::new();
        let postings = Postings::decode_with(&self.bytes, key, which, Skips::Record(&mut points))?;
        let _ = self.skips.set(points);
        Some(postings)
    }
}

/// The skip point to jump to before reading the entry of id `next`: the last one at or
/// before it, when it lies past `at` (entries between hold only smaller ids).
fn jump(points: &[SkipPoint], next: u32, at: usize) -> Option<SkipPoint> {
    let i = points.partition_point(|s| s.id <= next);
    let point = points[i.checked_sub(1)?];
    (point.at as usize > at).then_some(point)
}

/// Whether the entry numbered `entries` (from 0) gets a skip point: every
/// [`SKIP_EVERY`]th but the first, whose id is not a delta.
fn is_skip_entry(entries: u32) -> bool {
    entries > 0 && entries.is_multiple_of(SKIP_EVERY)
}

/// Read `count` delta-coded positions at `*at` onto `out`; `None` past the end.
fn read_positions(bytes: &[u8], at: &mut usize, count: u32, out: &mut Vec<u32>) -> Option<()> {
    let mut pos = 0u32;
    for _ in 0..count {
        pos = pos.checked_add(get(bytes, at)?)?;
        out.push(pos);
    }
    Some(())
}

impl Postings {
    /// Decode the entries that `which` keeps of the postings of gram `key`, written by
    /// [`PostingsWriter`]; `None` if they are damaged (positions stepped over are only
    /// checked for their end).
    pub(crate) fn decode_where(bytes: &[u8], key: u64, which: Decode) -> Option<Postings> {
        Postings::decode_with(bytes, key, which, Skips::None)
    }

    /// [`Postings::decode_where`], jumping ahead by skip points or noting them. Reading only
    /// some ids stops after the last of them, unless it notes skip points (a whole read).
    fn decode_with(bytes: &[u8], key: u64, which: Decode, mut skips: Skips) -> Option<Postings> {
        let (positional, placed) = (is_bigram(key), is_placed(key));
        let keep_positions = positional && !matches!(which, Decode::WithoutPositions);
        let mut wanted = match which {
            Decode::Among(ids) => Some(ids.iter().peekable()),
            _ => None,
        };
        let mut p = Postings::default();
        let mut at = 0;
        let (mut id, mut doc) = (0u32, 0u32);
        let mut entries = 0u32;
        // Whether to look for a skip point before the next entry: after the wanted id moved.
        let mut seek = true;
        while at < bytes.len() {
            if let Some(ids) = wanted.as_mut() {
                match (ids.peek(), &skips) {
                    // Every wanted id read; a read noting skip points goes on to the end.
                    (None, Skips::Record(_)) => {}
                    (None, _) => break,
                    (Some(&&next), Skips::Use(points)) if seek => {
                        if let Some(s) = jump(points, next, at) {
                            (at, id, doc) = (s.at as usize, s.id_before, s.doc_before);
                            // Not the first entry any more: the next id is a delta.
                            entries = 1;
                        }
                    }
                    _ => {}
                }
                seek = false;
            }
            let start = at;
            let (id_before, doc_before) = (id, doc);
            let delta = get(bytes, &mut at)?;
            id = if entries == 0 {
                delta
            } else {
                id.checked_add(delta)?
            };
            if let (Skips::Record(points), true) = (&mut skips, is_skip_entry(entries)) {
                let at = start as u32;
                points.push(SkipPoint {
                    id,
                    at,
                    id_before,
                    doc_before,
                });
            }
            entries = entries.saturating_add(1);
            // Documents are delta-coded across every entry: read even where not kept.
            let place = match placed {
                true => {
                    doc = doc.checked_add(get(bytes, &mut at)?)?;
                    Some(Placed {
                        doc,
                        length: get(bytes, &mut at)?,
                    })
                }
                false => None,
            };
            let count = get(bytes, &mut at)?;
            let kept = wanted.as_mut().is_none_or(|ids| {
                while ids.next_if(|w| **w < id).is_some() {
                    seek = true;
                }
                let found = ids.next_if(|w| **w == id).is_some();
                seek |= found;
                found
            });
            if !kept || !keep_positions {
                if positional {
                    skip(bytes, &mut at, count)?;
                }
                if !kept {
                    continue;
                }
            }
            p.ids.push(id);
            p.counts.push(count);
            p.placed.extend(place);
            p.starts.push(p.positions.len() as u32);
            if keep_positions {
                read_positions(bytes, &mut at, count, &mut p.positions)?;
            }
        }
        p.starts.push(p.positions.len() as u32);
        Some(p)
    }

    fn positions_of(&self, entry: usize) -> &[u32] {
        let (s, e) = (self.starts[entry] as usize, self.starts[entry + 1] as usize);
        &self.positions[s..e]
    }

    fn find(&self, id: u32) -> Option<usize> {
        self.ids.binary_search(&id).ok()
    }
}

/// The gram keys a needle (a unit string) is matched by, with the offset of each in the
/// needle: one unigram for one char, else every adjacent pair.
pub(crate) fn needle_keys(needle: &str, flag: u64) -> Vec<(u64, u32)> {
    let chars: Vec<char> = needle.chars().collect();
    match chars.as_slice() {
        [] => Vec::new(),
        [c] => vec![(unigram(*c) | flag, 0)],
        _ => chars
            .windows(2)
            .enumerate()
            .map(|(i, w)| (bigram(w[0], w[1]) | flag, i as u32))
            .collect(),
    }
}

/// The fewest-bytes subset of a needle's bigram keys (from [`needle_keys`]) that still
/// matches it exactly: every char of the needle must lie in a chosen pair, so the first and
/// last pairs are always chosen and no two chosen pairs are more than two apart. A pair
/// found at p + offset for each chosen offset then pins every char, as all of them would.
/// Fetching only these skips up to half of a long needle's postings, most of all the big
/// lists of common pairs. `bytes(key)` is the size of a key's postings, `None` for a pair
/// the corpus lacks: the needle cannot occur, and that key alone says so.
pub(crate) fn cheapest_cover(
    keys: &[(u64, u32)],
    bytes: impl Fn(u64) -> Option<u32>,
) -> Vec<(u64, u32)> {
    let mut costs = Vec::with_capacity(keys.len());
    for &(key, offset) in keys {
        match bytes(key) {
            Some(n) => costs.push(n as u64),
            None => return vec![(key, offset)],
        }
    }
    if keys.len() <= 2 {
        return keys.to_vec();
    }
    // best[i]: least bytes of a cover of chars 0..=i + 1 that chooses pair i; from[i]: the
    // chosen pair before it.
    let mut best: Vec<u64> = Vec::with_capacity(keys.len());
    let mut from: Vec<usize> = Vec::with_capacity(keys.len());
    for (i, cost) in costs.iter().enumerate() {
        let before = match i {
            0 => None,
            1 => Some(0),
            _ if best[i - 2] < best[i - 1] => Some(i - 2),
            _ => Some(i - 1),
        };
        best.push(cost + before.map_or(0, |b| best[b]));
        from.push(before.unwrap_or(usize::MAX));
    }
    let mut chosen = Vec::new();
    let mut i = keys.len() - 1;
    loop {
        chosen.push(keys[i]);
        match from[i] {
            usize::MAX => break,
            b => i = b,
        }
    }
    chosen.reverse();
    chosen
}

/// The needle of a clause: its unit string.
pub(crate) fn needle_of(units: &[Unit]) -> String {
    unit_string(units)
}

/// One id holding a needle: how often, and where it is placed (passage bigrams).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NeedleMatch {
    pub(crate) id: u32,
    pub(crate) count: u32,
    pub(crate) placed: Option<Placed>,
}

/// Ids holding the needle, with occurrence counts, given the postings of its keys (in the
/// order of [`needle_keys`]). Counts follow the in-memory index exactly: a one- or
/// two-char needle counts every occurrence of its gram, a longer one its non-overlapping
/// occurrences (what `str::matches` counts).
pub(crate) fn match_needle(needle: &str, lists: &[(&Postings, u32)]) -> Vec<NeedleMatch> {
    let chars = needle.chars().count() as u32;
    let Some(&(rarest, rarest_offset)) = lists.iter().min_by_key(|(p, _)| p.ids.len()) else {
        return Vec::new();
    };
    let found = |i: usize, count: u32| NeedleMatch {
        id: rarest.ids[i],
        count,
        placed: rarest.placed.get(i).copied(),
    };
    // One pair is the whole needle only when it is two chars long (a cover of a longer one
    // has two pairs at least).
    if lists.len() == 1 && chars <= 2 {
        return (0..rarest.ids.len())
            .map(|i| found(i, rarest.counts[i]))
            .collect();
    }
    let mut out = Vec::new();
    let mut entries: Vec<(usize, &Postings, u32)> = Vec::with_capacity(lists.len());
    let mut starts: Vec<u32> = Vec::new();
    'ids: for (i, &id) in rarest.ids.iter().enumerate() {
        entries.clear();
        for &(list, offset) in lists {
            match list.find(id) {
                Some(e) => entries.push((e, list, offset)),
                None => continue 'ids,
            }
        }
        starts.clear();
        for &q in rarest.positions_of(i) {
            let Some(p) = q.checked_sub(rarest_offset) else {
                continue;
            };
            let everywhere = entries.iter().all(|(e, list, offset)| {
                list.positions_of(*e).binary_search(&(p + offset)).is_ok()
            });
            if everywhere {
                starts.push(p);
            }
        }
        let count = non_overlapping(&starts, chars);
        if count > 0 {
            out.push(found(i, count));
        }
    }
    out
}

/// How many of the sorted match starts fit one after another without overlapping.
fn non_overlapping(starts: &[u32], len: u32) -> u32 {
    let mut count = 0;
    let mut free_from = 0;
    for &s in starts {
        if s >= free_from {
            count += 1;
            free_from = s + len;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_reads_back() {
        let key = bigram('北', '碚');
        let (a, b) = (
            Placed { doc: 1, length: 9 },
            Placed {
                doc: 40,
                length: 300,
            },
        );
        let mut w = PostingsWriter::default();
        w.push(3, Some(a), 2, &[0, 7]);
        w.push(300, Some(b), 1, &[100_000]);
        let p = Postings::decode_where(&w.bytes, key, Decode::All).unwrap();
        assert_eq!(p.ids, vec![3, 300]);
        assert_eq!(p.placed, vec![a, b]);
        assert_eq!(p.counts, vec![2, 1]);
        assert_eq!(p.positions_of(0), &[0, 7]);
        assert_eq!(p.positions_of(1), &[100_000]);
        assert_eq!(
            Postings::decode_where(&[0x80], key, Decode::All),
            None,
            "a cut number is damage"
        );

        let mut titles = PostingsWriter::default();
        titles.push(5, None, 1, &[]);
        let p =
            Postings::decode_where(&titles.bytes, unigram('北') | TITLE_FLAG, Decode::All).unwrap();
        assert_eq!((p.ids, p.placed, p.counts), (vec![5], vec![], vec![1]));
    }

    #[test]
    fn decodes_some_entries_as_all_of_them_read_them() {
        let key = bigram('北', '碚');
        let mut w = PostingsWriter::default();
        let entries: Vec<(u32, Placed, Vec<u32>)> = (0..40u32)
            .map(|i| {
                let placed = Placed {
                    doc: i / 3,
                    length: 200 + i,
                };
                (
                    i * 7 + 1,
                    placed,
                    (0..i % 4 + 1).map(|k| k * 150 + i).collect(),
                )
            })
            .collect();
        for (id, placed, positions) in &entries {
            w.push(*id, Some(*placed), positions.len() as u32, positions);
        }
        let all = Postings::decode_where(&w.bytes, key, Decode::All).unwrap();
        let among = [1, 8, 9, 64, 127, 274, 1000];
        let some = Postings::decode_where(&w.bytes, key, Decode::Among(&among)).unwrap();
        assert_eq!(
            some.ids,
            vec![1, 8, 64, 127, 274],
            "the listed ids the postings hold"
        );
        for (i, id) in some.ids.iter().enumerate() {
            let j = all.find(*id).unwrap();
            assert_eq!(some.placed[i], all.placed[j], "{id}");
            assert_eq!(some.counts[i], all.counts[j], "{id}");
            assert_eq!(some.positions_of(i), all.positions_of(j), "{id}");
        }
        let bare = Postings::decode_where(&w.bytes, key, Decode::WithoutPositions).unwrap();
        assert_eq!(
            (&bare.ids, &bare.placed, &bare.counts),
            (&all.ids, &all.placed, &all.counts)
        );
        assert!((0..bare.ids.len()).all(|i| bare.positions_of(i).is_empty()));
        let cut = &w.bytes[..w.bytes.len() - 1];
        assert_eq!(
            Postings::decode_where(cut, key, Decode::Among(&[274])),
            None,
            "cut short"
        );
    }

    /// A list of `n` entries with ids 3i + 1, documents i / 5 and i % 3 + 1 positions.
    fn long_list(n: u32) -> Vec<u8> {
        let mut w = PostingsWriter::default();
        for i in 0..n {
            let placed = Placed {
                doc: i / 5,
                length: 100 + i % 50,
            };
            let positions: Vec<u32> = (0..i % 3 + 1).map(|k| k * 40 + i % 7).collect();
            w.push(i * 3 + 1, Some(placed), positions.len() as u32, &positions);
        }
        w.bytes
    }

    proptest::proptest! {
        /// A piece read by its skip points gives what a plain read gives, for any ids asked,
        /// whichever read came first (the first notes the points).
        #[test]
        fn skip_points_change_no_entry(
            n in 1u32..700,
            first_whole in proptest::bool::ANY,
            mut among in proptest::collection::vec(0u32..2200, 0..40),
        ) {
            among.sort_unstable();
            among.dedup();
            let key = bigram('重', '庆');
            let piece = PostingsPiece::new(long_list(n));
            let first = if first_whole { Decode::All } else { Decode::Among(&among) };
            let plain_first = Postings::decode_where(&piece.bytes, key, first);
            proptest::prop_assert_eq!(piece.decode(key, first), plain_first);
            proptest::prop_assert_eq!(piece.skips.get().map(Vec::len), Some(((n.max(1) - 1) / SKIP_EVERY) as usize));
            for which in [Decode::Among(&among), Decode::All, Decode::WithoutPositions] {
                proptest::prop_assert_eq!(
                    piece.decode(key, which),
                    Postings::decode_where(&piece.bytes, key, which)
                );
            }
        }
    }

    /// Whether the offsets pin every char of a needle with `pairs` pairs.
    fn covers(chosen: &[(u64, u32)], pairs: u32) -> bool {
        (0..=pairs).all(|c| chosen.iter().any(|(_, o)| *o == c || *o + 1 == c))
    }

    #[test]
    fn a_cover_pins_every_char_with_the_fewest_bytes() {
        let keys = needle_keys("在重庆市区", 0);
        let sizes = [10, 9000, 50, 20];
        let bytes = |k: u64| keys.iter().position(|(key, _)| *key == k).map(|i| sizes[i]);
        let chosen: Vec<u32> = cheapest_cover(&keys, bytes).iter().map(|c| c.1).collect();
        assert_eq!(chosen, vec![0, 2, 3], "skips the big pair 重庆");
        for n in 1..11u32 {
            let keys: Vec<(u64, u32)> = (0..n).map(|i| ((i as u64 + 1) << 21, i)).collect();
            for seed in 0..20u64 {
                let bytes = |k: u64| Some(((k >> 21) * 2_654_435_761 + seed * 97) as u32 % 1000);
                let cost = |chosen: &[(u64, u32)]| -> u64 {
                    chosen.iter().map(|c| bytes(c.0).unwrap_or(0) as u64).sum()
                };
                let chosen = cheapest_cover(&keys, bytes);
                assert!(covers(&chosen, n), "{n} pairs, seed {seed}: {chosen:?}");
                let least = (0u32..1 << n)
                    .map(|set| {
                        keys.iter()
                            .filter(|(_, o)| set >> o & 1 == 1)
                            .copied()
                            .collect::<Vec<_>>()
                    })
                    .filter(|subset| covers(subset, n))
                    .map(|subset| cost(&subset))
                    .min();
                assert_eq!(Some(cost(&chosen)), least, "{n} pairs, seed {seed}");
            }
        }
        let missing = keys_missing_one();
        assert_eq!(cheapest_cover(&missing.0, missing.1), vec![missing.0[1]]);
    }

    /// Three pairs, the corpus lacking the middle one.
    fn keys_missing_one() -> (Vec<(u64, u32)>, impl Fn(u64) -> Option<u32>) {
        let keys = needle_keys("重庆市区", 0);
        let absent = keys[1].0;
        (keys, move |k: u64| (k != absent).then_some(5))
    }

    #[test]
    fn counts_like_str_matches() {
        assert_eq!(non_overlapping(&[0, 1, 2, 3], 2), 2);
        assert_eq!(non_overlapping(&[0, 3], 3), 2);
        assert_eq!(non_overlapping(&[], 3), 0);
    }
}
