//! Writing a site index from a [`Corpus`] (build time, natively by the CLI).

use super::piece::{bucket_of, encode, Encoded, Kind};
use super::postings::{bigram, unigram, PostingsWriter, TITLE_FLAG};
use super::{
    DocsPiece, GramBucket, GramPostings, KeyBucket, Meta, SiteEntry, Table, SITE_VERSION,
    TABLE_PASSAGES,
};
use crate::text::unit_string_and_count;
use crate::{Corpus, PassageId};
use rustc_hash::FxHashMap;

/// Postings bigger than this (bytes) get a piece of their own instead of sharing a bucket.
const OWN_PIECE_BYTES: usize = 4 * 1024;
/// Target size of a gram bucket before compression.
const BUCKET_BYTES: usize = 24 * 1024;
/// Target size of a vocabulary bucket before compression.
const VOCABULARY_BUCKET_BYTES: usize = 16 * 1024;
/// Documents are grouped into one piece until their text passes this many bytes.
const DOCS_PIECE_BYTES: usize = 12 * 1024;
/// Link keys per key bucket (on average).
const KEYS_PER_BUCKET: usize = 1024;

/// What was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteSummary {
    /// Number of pieces written (site.json not counted).
    pub pieces: usize,
    /// Their total size in bytes.
    pub bytes: u64,
    /// Size of the meta piece (what every page loads first).
    pub meta_bytes: u64,
    /// The entry file's contents.
    pub entry: SiteEntry,
}

/// Write the site index of `corpus`: `emit(name, bytes)` is called once per piece, then
/// once for `site.json`. Pieces never repeat a name.
pub fn write_site(
    corpus: &Corpus,
    mut emit: impl FnMut(&str, &[u8]) -> std::io::Result<()>,
) -> std::io::Result<SiteSummary> {
    let mut summary = SiteSummary::default();
    let mut put = |piece: Encoded| -> std::io::Result<String> {
        summary.pieces += 1;
        summary.bytes += piece.bytes.len() as u64;
        emit(&piece.name, &piece.bytes)?;
        Ok(piece.name)
    };
    let (grams, lengths) = gram_postings(corpus);
    let gram_buckets = write_gram_buckets(grams, &mut put)?;
    let vocabulary_buckets = write_vocabulary(corpus, &mut put)?;
    let doc_pieces = write_docs(corpus, &mut put)?;
    let tables = write_tables(corpus, &lengths, &doc_pieces, &mut put)?;
    let key_buckets = write_keys(corpus, &doc_pieces, &mut put)?;
    let total_length: u64 = lengths.iter().map(|l| *l as u64).sum();
    let meta = Meta {
        generator: concat!("quxian ", env!("CARGO_PKG_VERSION")).to_string(),
        docs: corpus.docs.len() as u32,
        passages: corpus.passages.len() as u32,
        characters: corpus
            .docs
            .iter()
            .map(|d| d.text.chars().count() as u64)
            .sum(),
        average_length: if lengths.is_empty() {
            1.0
        } else {
            (total_length as f32 / lengths.len() as f32).max(1.0)
        },
        districts: corpus.districts.clone(),
        district_aliases: corpus.district_aliases.clone(),
        topics: corpus.topics.clone(),
        vocabulary_total: corpus.vocabulary.iter().map(|(_, c)| *c as u64).sum(),
        vocabulary_buckets,
        gram_buckets,
        tables,
        key_buckets,
    };
    let meta = encode(Kind::Meta, &meta);
    let meta_bytes = meta.bytes.len() as u64;
    let meta_name = put(meta)?;
    let entry = SiteEntry {
        format: "quxian-site".to_string(),
        version: SITE_VERSION as u32,
        meta: meta_name,
    };
    let json = format!(
        "{{\"format\":\"{}\",\"version\":{},\"meta\":\"{}\"}}\n",
        entry.format, entry.version, entry.meta
    );
    emit("site.json", json.as_bytes())?;
    Ok(SiteSummary {
        meta_bytes,
        entry,
        ..summary
    })
}

/// Postings of every gram of every passage (ids: passages) and title (ids: documents, keys
/// flagged), plus each passage's length in units.
fn gram_postings(corpus: &Corpus) -> (FxHashMap<u64, PostingsWriter>, Vec<u32>) {
    let mut grams: FxHashMap<u64, PostingsWriter> = FxHashMap::default();
    let mut lengths = Vec::with_capacity(corpus.passages.len());
    let mut scratch = Vec::new();
    for p in 0..corpus.passages.len() as u32 {
        let (string, length) = unit_string_and_count(corpus.passage_text(PassageId(p)));
        add_grams(&mut grams, &mut scratch, p, &string, 0);
        lengths.push(length);
    }
    for (d, doc) in corpus.docs.iter().enumerate() {
        let (title, _) = unit_string_and_count(&doc.title);
        add_grams(&mut grams, &mut scratch, d as u32, &title, TITLE_FLAG);
    }
    (grams, lengths)
}

/// Add the grams of one unit string (passage or title `id`) to the postings.
fn add_grams(
    grams: &mut FxHashMap<u64, PostingsWriter>,
    scratch: &mut Vec<(u64, u32)>,
    id: u32,
    string: &str,
    flag: u64,
) {
    scratch.clear();
    let mut prev: Option<char> = None;
    for (i, c) in string.chars().enumerate() {
        if c != ' ' {
            scratch.push((unigram(c) | flag, 0));
        }
        if let Some(a) = prev {
            scratch.push((bigram(a, c) | flag, i as u32 - 1));
        }
        prev = Some(c);
    }
    scratch.sort_unstable();
    let mut positions = Vec::new();
    for run in scratch.chunk_by(|a, b| a.0 == b.0) {
        let key = run[0].0;
        let writer = grams.entry(key).or_default();
        if super::postings::is_bigram(key) {
            positions.clear();
            positions.extend(run.iter().map(|(_, at)| *at));
            writer.push(id, run.len() as u32, &positions);
        } else {
            writer.push(id, run.len() as u32, &[]);
        }
    }
}

/// Spread the grams over buckets (big postings in pieces of their own); returns the
/// bucket names in bucket order.
fn write_gram_buckets(
    grams: FxHashMap<u64, PostingsWriter>,
    put: &mut impl FnMut(Encoded) -> std::io::Result<String>,
) -> std::io::Result<Vec<String>> {
    let shared: usize = grams
        .values()
        .map(|w| w.bytes.len())
        .filter(|n| *n <= OWN_PIECE_BYTES)
        .sum();
    let count = shared.div_ceil(BUCKET_BYTES).max(1);
    let mut buckets: Vec<GramBucket> = vec![Vec::new(); count];
    let mut keys: Vec<u64> = grams.keys().copied().collect();
    keys.sort_unstable();
    let mut grams = grams;
    for key in keys {
        let Some(writer) = grams.remove(&key) else {
            continue;
        };
        let postings = if writer.bytes.len() > OWN_PIECE_BYTES {
            GramPostings::Piece(put(encode(Kind::Postings, &writer.bytes))?)
        } else {
            GramPostings::Inline(writer.bytes)
        };
        buckets[bucket_of(&key.to_le_bytes(), count)].push((key, postings));
    }
    buckets
        .iter()
        .map(|b| put(encode(Kind::Grams, b)))
        .collect()
}

/// Vocabulary buckets by hash of each word's first char.
fn write_vocabulary(
    corpus: &Corpus,
    put: &mut impl FnMut(Encoded) -> std::io::Result<String>,
) -> std::io::Result<Vec<String>> {
    let bytes: usize = corpus.vocabulary.iter().map(|(w, _)| w.len() + 2).sum();
    let count = bytes.div_ceil(VOCABULARY_BUCKET_BYTES).max(1);
    let mut buckets: Vec<Vec<(String, u32)>> = vec![Vec::new(); count];
    for (word, n) in &corpus.vocabulary {
        if let Some(first) = word.chars().next() {
            let mut utf8 = [0; 4];
            let b = bucket_of(first.encode_utf8(&mut utf8).as_bytes(), count);
            buckets[b].push((word.clone(), *n));
        }
    }
    buckets
        .iter()
        .map(|b| put(encode(Kind::Vocabulary, b)))
        .collect()
}

/// Documents pieces; returns for each document the name of its piece.
fn write_docs(
    corpus: &Corpus,
    put: &mut impl FnMut(Encoded) -> std::io::Result<String>,
) -> std::io::Result<Vec<String>> {
    let mut names = Vec::with_capacity(corpus.docs.len());
    let mut first = 0;
    while first < corpus.docs.len() {
        let mut end = first;
        let mut bytes = 0;
        while end < corpus.docs.len() && (end == first || bytes < DOCS_PIECE_BYTES) {
            bytes += corpus.docs[end].text.len();
            end += 1;
        }
        let docs = corpus.docs[first..end].to_vec();
        let spans = docs
            .iter()
            .map(|d| {
                d.passages
                    .clone()
                    .filter_map(|p| corpus.passages.get(p as usize))
                    .map(|p| (p.start, p.end))
                    .collect()
            })
            .collect();
        let piece = DocsPiece {
            first: first as u32,
            docs,
            spans,
        };
        let name = put(encode(Kind::Docs, &piece))?;
        names.extend(std::iter::repeat_n(name, end - first));
        first = end;
    }
    Ok(names)
}

/// Passage tables of `TABLE_PASSAGES` passages each.
fn write_tables(
    corpus: &Corpus,
    lengths: &[u32],
    doc_pieces: &[String],
    put: &mut impl FnMut(Encoded) -> std::io::Result<String>,
) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for (t, chunk) in corpus.passages.chunks(TABLE_PASSAGES as usize).enumerate() {
        let first = t as u32 * TABLE_PASSAGES;
        let mut table = Table {
            first,
            ..Table::default()
        };
        for (i, p) in chunk.iter().enumerate() {
            let doc = p.doc.0;
            let doc_start = corpus.doc(p.doc).map_or(0, |d| d.passages.start);
            table.doc.push(doc);
            table.number.push(first + i as u32 - doc_start);
            table.length.push(lengths[(first as usize) + i]);
            table.districts.push(p.districts.clone());
            table.topics.push(p.topics.clone());
            if table.doc_pieces.last().map(|(d, _)| *d) != Some(doc) {
                let name = doc_pieces.get(doc as usize).cloned().unwrap_or_default();
                table.doc_pieces.push((doc, name));
            }
        }
        names.push(put(encode(Kind::Table, &table))?);
    }
    Ok(names)
}

/// Link-key buckets: `(key, document id, documents piece)` by hash of the key.
fn write_keys(
    corpus: &Corpus,
    doc_pieces: &[String],
    put: &mut impl FnMut(Encoded) -> std::io::Result<String>,
) -> std::io::Result<Vec<String>> {
    let count = corpus.docs.len().div_ceil(KEYS_PER_BUCKET).max(1);
    let mut buckets: Vec<KeyBucket> = vec![Vec::new(); count];
    for ((d, doc), piece) in corpus.docs.iter().enumerate().zip(doc_pieces) {
        let entry = (doc.key.clone(), d as u32, piece.clone());
        buckets[bucket_of(doc.key.as_bytes(), count)].push(entry);
    }
    buckets.iter().map(|b| put(encode(Kind::Keys, b))).collect()
}
