//! Writing the gram postings of a site index, in passes over ranges of gram keys.
//!
//! The postings of every gram are most of what a write holds besides the corpus (98 MB of
//! news: 227 MB of postings, 335 MB with their vectors' spare room). A browser writing a
//! library's site holds the whole library too, so a write builds the postings of one range
//! of keys at a time, writes the big ones as pieces at once and keeps only the small ones
//! (a few percent) for the gram buckets written at the end. The ranges are contiguous and
//! taken in order, so postings pieces are numbered in key order whatever the number of
//! passes: any number writes the same pieces as the writer before passes, so sites and
//! stored libraries written by it keep their build id and stay valid.

use super::piece::Kind;
use super::postings::{bigram, is_bigram, is_placed, unigram, Placed, PostingsWriter, TITLE_FLAG};
use super::write::{cores, gram_bucket, on_every_core, Pieces};
use super::{GramBucket, GramPostings};
use crate::text::{unit_count, unit_string_and_count};
use crate::{Corpus, PassageId};
use rustc_hash::FxHashMap;
use std::ops::Range;

/// Postings bigger than this (bytes) get a piece of their own instead of sharing a bucket.
const OWN_PIECE_BYTES: usize = 2 * 1024;
/// Target size of a gram bucket before compression. A query reads one bucket per pair of
/// its text and one vocabulary bucket per char, whatever the archive's size: halving both
/// (format 12) took 缙云山's first result at 280 MB from 305 to ~290 KB.
const BUCKET_BYTES: usize = 4 * 1024;

/// Postings bytes a pass should hold at most. A browser (one 32-bit memory, which never
/// shrinks, beside the whole library) takes small passes; natively a 2 GB budget for a
/// 300 MB archive allows big ones, and each pass reads all the text again.
const PASS_BYTES: u64 = if cfg!(target_arch = "wasm32") {
    64 << 20
} else {
    512 << 20
};
/// Postings bytes per unit of text, measured on news (98 MB: 227 MB for 29.9 M units).
const POSTINGS_PER_UNIT: u64 = 8;
/// The most passes a write takes.
const MAX_PASSES: u64 = 16;
/// The passes' key ranges are cut at quantiles of the grams of every `SAMPLE_EVERY`th
/// passage and title, so that each pass holds about as much postings as the others.
const SAMPLE_EVERY: usize = 64;

/// The passes a write of `units` units of text takes.
pub(super) fn passes_for(units: u64) -> u32 {
    let passes = (units * POSTINGS_PER_UNIT).div_ceil(PASS_BYTES);
    passes.clamp(1, MAX_PASSES) as u32
}

/// Call `gram(key, position)` for every gram of a unit string: each char but the space
/// between words (position 0: unigrams carry counts only) and each pair of chars, keys
/// flagged with `flag` ([`TITLE_FLAG`] for a title).
fn for_each_gram(string: &str, flag: u64, mut gram: impl FnMut(u64, u32)) {
    let mut prev: Option<char> = None;
    for (i, c) in string.chars().enumerate() {
        if c != ' ' {
            gram(unigram(c) | flag, 0);
        }
        if let Some(a) = prev {
            gram(bigram(a, c) | flag, i as u32 - 1);
        }
        prev = Some(c);
    }
}

/// The text grams are taken from: the unit string of every passage and title.
pub(super) struct GramText<'a> {
    corpus: &'a Corpus,
    /// Every passage's unit string, made once when several cores each read all of them
    /// (on 2 cores that saves 9 % of a write's time). One core (a browser writing a
    /// library's site) makes each where it is used instead, without a copy of the whole
    /// text: 98 MB of text on one core natively, peak 620 → 522 MB for 10.0 → 10.6 s.
    shared: Option<Vec<String>>,
    /// Every passage's length in units.
    pub(super) lengths: Vec<u32>,
    titles: Vec<String>,
}

impl<'a> GramText<'a> {
    pub(super) fn new(corpus: &'a Corpus) -> GramText<'a> {
        let unit_string =
            |p: usize| unit_string_and_count(corpus.passage_text(PassageId(p as u32)));
        let (shared, lengths) = if cores() > 1 {
            let count = corpus.passages.len();
            let parts = on_every_core(|t, n| {
                let range = count * t / n..count * (t + 1) / n;
                range.map(unit_string).collect::<Vec<_>>()
            });
            let (strings, lengths) = parts.into_iter().flatten().unzip();
            (Some(strings), lengths)
        } else {
            let passages = 0..corpus.passages.len() as u32;
            let lengths = passages.map(|p| unit_count(corpus.passage_text(PassageId(p))));
            (None, lengths.collect())
        };
        let titles = corpus.docs.iter();
        GramText {
            corpus,
            shared,
            lengths,
            titles: titles.map(|d| unit_string_and_count(&d.title).0).collect(),
        }
    }

    /// Units of text in all passages.
    pub(super) fn units(&self) -> u64 {
        self.lengths.iter().map(|l| *l as u64).sum()
    }

    /// The unit string of passage `p` (shared, or made now).
    fn passage(&self, p: u32) -> std::borrow::Cow<'_, str> {
        match &self.shared {
            Some(strings) => std::borrow::Cow::Borrowed(&strings[p as usize]),
            None => {
                let text = self.corpus.passage_text(PassageId(p));
                std::borrow::Cow::Owned(unit_string_and_count(text).0)
            }
        }
    }

    /// The key ranges of `passes` passes, in order, together covering every key: cut at
    /// quantiles of a sample of the grams.
    fn pass_ranges(&self, passes: u32) -> Vec<Range<u64>> {
        if passes == 1 {
            return std::iter::once(0..u64::MAX).collect();
        }
        let mut sample = Vec::new();
        for p in (0..self.corpus.passages.len()).step_by(SAMPLE_EVERY) {
            for_each_gram(&self.passage(p as u32), 0, |key, _| sample.push(key));
        }
        for title in self.titles.iter().step_by(SAMPLE_EVERY) {
            for_each_gram(title, TITLE_FLAG, |key, _| sample.push(key));
        }
        sample.sort_unstable();
        // Exactly `passes` ranges, some perhaps empty (a sample without grams).
        let cut = |pass: usize| sample.get(sample.len() * pass / passes as usize).copied();
        let mut cuts = vec![0];
        cuts.extend((1..passes as usize).map(|pass| cut(pass).unwrap_or(u64::MAX)));
        cuts.push(u64::MAX);
        cuts.windows(2).map(|w| w[0]..w[1]).collect()
    }

    /// Postings of the grams whose keys are in `keys`, in every passage (ids: passages) and
    /// title (ids: documents, keys flagged). Built on every core: thread t of n keeps the
    /// grams of shard t.
    fn postings(&self, keys: &Range<u64>) -> FxHashMap<u64, PostingsWriter> {
        let placed = |p: u32| Placed {
            doc: self.corpus.passages[p as usize].doc.0,
            length: self.lengths[p as usize],
        };
        let shards = on_every_core(|t, n| {
            // Fibonacci hashing spread over n shards by a multiply (a `%` here was a tenth
            // of the postings' time).
            let keeps = |key: u64| {
                let shard = ((key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) * n as u64) >> 32;
                shard == t as u64 && keys.contains(&key)
            };
            let mut sink = GramSink::new(keeps, placed);
            for p in 0..self.corpus.passages.len() as u32 {
                sink.add(p, &self.passage(p), 0);
            }
            for (d, title) in self.titles.iter().enumerate() {
                sink.add(d as u32, title, TITLE_FLAG);
            }
            sink.finish()
        });
        let mut grams = FxHashMap::default();
        for shard in shards {
            grams.extend(shard);
        }
        grams
    }
}

/// Write the postings of every gram in `passes` passes — big postings as pieces of their
/// own as each pass ends, then `passed(pass)` — then the gram buckets; returns the number
/// of buckets.
pub(super) fn write_grams<E: Fn(&str, &[u8]) -> std::io::Result<()> + Sync>(
    text: &GramText,
    passes: u32,
    out: &mut Pieces<E>,
    passed: &mut dyn FnMut(u32),
) -> std::io::Result<u32> {
    let mut entries = Vec::new();
    for (pass, keys) in (0..).zip(text.pass_ranges(passes)) {
        entries.extend(write_big_postings(text.postings(&keys), out)?);
        out.flush()?;
        passed(pass);
    }
    write_gram_buckets(entries, out)
}

/// Write the big postings of `grams` as pieces of their own, in key order;
/// returns what each gram's bucket says of it (small postings themselves, shrunk: they
/// are kept until the end).
fn write_big_postings<E: Fn(&str, &[u8]) -> std::io::Result<()> + Sync>(
    grams: FxHashMap<u64, PostingsWriter>,
    out: &mut Pieces<E>,
) -> std::io::Result<Vec<(u64, GramPostings)>> {
    let mut grams: Vec<(u64, PostingsWriter)> = grams.into_iter().collect();
    grams.sort_unstable_by_key(|(key, _)| *key);
    let mut entries = Vec::with_capacity(grams.len());
    for (key, writer) in grams {
        let mut bytes = writer.bytes;
        let postings = if bytes.len() > OWN_PIECE_BYTES {
            GramPostings::Piece {
                number: out.put_postings(&bytes)?,
                bytes: bytes.len() as u32,
            }
        } else {
            bytes.shrink_to_fit();
            GramPostings::Inline(bytes)
        };
        entries.push((key, postings));
    }
    Ok(entries)
}

/// Spread every gram over buckets by hash, sorted by key within each; returns the
/// number of buckets.
fn write_gram_buckets<E: Fn(&str, &[u8]) -> std::io::Result<()> + Sync>(
    mut entries: Vec<(u64, GramPostings)>,
    out: &mut Pieces<E>,
) -> std::io::Result<u32> {
    let shared: usize = entries
        .iter()
        .filter_map(|(_, postings)| match postings {
            GramPostings::Inline(bytes) => Some(bytes.len()),
            GramPostings::Piece { .. } => None,
        })
        .sum();
    let count = shared.div_ceil(BUCKET_BYTES).max(1) as u32;
    let mut buckets: Vec<GramBucket> = vec![Vec::new(); count as usize];
    entries.sort_unstable_by_key(|(key, _)| *key);
    for (key, postings) in entries {
        buckets[gram_bucket(key, count) as usize].push((key, postings));
    }
    for (number, bucket) in buckets.iter().enumerate() {
        out.put(Kind::Grams, number as u32, bucket)?;
    }
    Ok(count)
}

/// One occurrence of gram `key` in `id` at `position`, as a number that sorts by all three.
fn occurrence(key: u64, id: u32, position: u32) -> u128 {
    (key as u128) << 64 | (id as u128) << 32 | position as u128
}

/// Gram occurrences gathered before they are added to the postings (16 MB per thread).
/// Bigger blocks touch each gram's postings fewer times: at 28 MB of text, 2^16 took the
/// postings 1.3 s, 2^20 0.9 s, 2^24 1.3 s again (the sort leaves the caches).
#[cfg(not(test))]
const BLOCK_GRAMS: usize = 1 << 20;
/// Tiny in tests, so that every test corpus spans several blocks.
#[cfg(test)]
const BLOCK_GRAMS: usize = 50;

/// Collects the gram occurrences `(key, id, position)` of many consecutive ids, then adds
/// them to the postings sorted by key. The postings of different grams lie far apart in
/// memory: appending each passage's entries one gram at a time made nearly every append a
/// cache miss (most of a build's postings time); a block touches each gram once.
struct GramSink<K, P> {
    grams: FxHashMap<u64, PostingsWriter>,
    block: Vec<u128>,
    keeps: K,
    placed: P,
}

impl<K: Fn(u64) -> bool, P: Fn(u32) -> Placed> GramSink<K, P> {
    /// A sink keeping the grams `keeps` accepts; `placed(id)` places a passage.
    fn new(keeps: K, placed: P) -> Self {
        GramSink {
            grams: FxHashMap::default(),
            // With room for the grams of the passage that crosses the bound.
            block: Vec::with_capacity(BLOCK_GRAMS + 4096),
            keeps,
            placed,
        }
    }

    /// Add the grams of one unit string: passage `id` (`flag` 0) or the title of document
    /// `id` (`flag` [`TITLE_FLAG`]). Ids of one flag arrive in increasing order.
    fn add(&mut self, id: u32, string: &str, flag: u64) {
        for_each_gram(string, flag, |key, position| {
            if (self.keeps)(key) {
                self.block.push(occurrence(key, id, position));
            }
        });
        if self.block.len() >= BLOCK_GRAMS {
            self.flush();
        }
    }

    /// Add the block's occurrences to the postings, one run of a gram at a time.
    fn flush(&mut self) {
        self.block.sort_unstable();
        let mut positions = Vec::new();
        for run in self.block.chunk_by(|a, b| a >> 64 == b >> 64) {
            let key = (run[0] >> 64) as u64;
            let writer = self.grams.entry(key).or_default();
            for entry in run.chunk_by(|a, b| a >> 32 == b >> 32) {
                let id = (entry[0] >> 32) as u32;
                let count = entry.len() as u32;
                if !is_bigram(key) {
                    writer.push(id, None, count, &[]);
                    continue;
                }
                positions.clear();
                positions.extend(entry.iter().map(|o| *o as u32));
                let placed = is_placed(key).then(|| (self.placed)(id));
                writer.push(id, placed, count, &positions);
            }
        }
        self.block.clear();
    }

    /// The postings of every gram added.
    fn finish(mut self) -> FxHashMap<u64, PostingsWriter> {
        self.flush();
        self.grams
    }
}
