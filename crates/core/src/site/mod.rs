//! A site index: the corpus split into small immutable files ("pieces") that a browser
//! fetches one query at a time, so the bytes and time of a result depend on the query,
//! not on the size of the archive.
//!
//! ```text
//! quxian/site.qxs             meta: names, counts, the build id (the only fixed name)
//!        v-BUILD-N.qxs        vocabulary bucket: corpus words by hash of their first char
//!        g-BUILD-N.qxs        gram bucket: positional postings of grams, by hash of the gram
//!        p-BUILD-N.qxs        postings of one frequent gram (too big to share a bucket)
//!        t-BUILD-N.qxs        passage table: documents (with dates), districts, topics of 1,024 passages
//!        n-BUILD-N.qxs        passage lengths of 1,024 passages (for one-char queries)
//!        d-BUILD-N.qxs        documents: key, title, date, source, URL of 16 documents
//!        x-BUILD-N.qxs        texts and labels of 8 passages, with their documents' metadata
//!        k-BUILD-N.qxs        link keys → document ids, by hash of the key
//! ```
//!
//! A query fetches, stage by stage, only what it needs ([`SiteIndex::step`]): the
//! vocabulary buckets of its chars (to segment it) together with the gram buckets of its
//! char pairs, then the postings of frequent grams (matching is exact from positions, see
//! `postings`; each passage entry carries its document and length, so ranking needs
//! nothing else), and, for the page shown, the texts of its passages (snippets), which
//! carry their documents' metadata — never a whole long document. Passage tables (districts,
//! topics, document dates) are fetched only for what needs every matching passage's labels
//! or date: filters, a date order, and the facet counts and timeline, which a page asks for
//! after showing its first results. Search itself is the
//! shared engine of `search`, so a site and a single bundle of the same documents give the
//! same results.
//!
//! Piece names carry the build id (see `piece`): pieces are immutable, a redeploy never
//! mixes builds, and the meta stays a few KB whatever the archive's size.

mod cache;
mod grams;
mod piece;
mod postings;
mod read;
mod write;

pub use cache::PieceCache;
pub use piece::{META_NAME, SITE_VERSION};
pub use read::{SiteIndex, SitePage, SiteStep};
pub use write::{write_site, write_site_with_progress, SiteProgress, SiteSummary};

use crate::{DistrictId, Tile, TopicId};
use serde::{Deserialize, Serialize};

/// Passages per passage table (about 2 KB): facets fetch the tables of the matching
/// passages. Smaller tables keep a rare query's counts cheaper but multiply the requests of
/// a common one: at 280 MB, 256 passages per table made `缙云山` fetch 3,000 tables and
/// count for 7 s on loopback (a browser keeps 6 connections per host).
const TABLE_PASSAGES: u32 = 1024;

/// Passage tables per table group: the same tables again, in one piece, fetched when the
/// counts need most of a group's tables (a common word, or a rare one spread over the whole
/// archive): one request instead of up to eight. At 280 MB, `缙云山`'s counts needed 799
/// tables and came 2.4 s after its first page on loopback. Lengths pieces are grouped the
/// same way, for one-char queries, which need the lengths of their passages. (Two in
/// tests, whose corpora have a few tables.)
const TABLES_PER_GROUP: u32 = if cfg!(test) { 2 } else { 8 };

/// Documents per documents piece: a page of 10 results fetches up to 10 of them.
const DOCS_PER_PIECE: u32 = 16;

/// Passages per texts piece (a few KB): a fixed number, so that a page knows the texts
/// piece of a passage from its id.
const TEXTS_PER_PIECE: u32 = 8;

/// What a site keeps of a document besides its passages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteDocument {
    /// Stable key used in links.
    pub key: String,
    /// Title.
    pub title: String,
    /// Publication date as written in the source, if any.
    pub date: Option<String>,
    /// Publisher or origin, if any.
    pub source: Option<String>,
    /// Original URL, if any.
    pub url: Option<String>,
    /// The document's passages, as a range of passage ids.
    pub passages: std::ops::Range<u32>,
}

/// How many pieces of each numbered kind a site has (numbers run from 0).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct PieceCounts {
    vocabulary: u32,
    grams: u32,
    postings: u32,
    tables: u32,
    lengths: u32,
    docs: u32,
    texts: u32,
    keys: u32,
}

/// The meta piece: everything a page needs before its first query, and nothing that grows
/// with the archive.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Meta {
    generator: String,
    docs: u32,
    passages: u32,
    characters: u64,
    average_length: f32,
    districts: Vec<String>,
    district_aliases: Vec<(String, DistrictId)>,
    topics: Vec<String>,
    /// Sum of all vocabulary counts (the denominator of a word's probability).
    vocabulary_total: u64,
    counts: PieceCounts,
    /// Bytes of every piece but the meta: what 离线使用 downloads, said before it starts.
    index_bytes: u64,
}

/// What the meta piece holds after its [`Meta`] (see `piece::decode_with_tail`): added
/// after format 15 without a new version, so sites written before still read (with no
/// map) and readers from before read new sites.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct MetaTail {
    /// Where each district sits on the explorer's map.
    tiles: Vec<Tile>,
}

/// Where a gram's postings are: inside its bucket, or in a postings piece of their own
/// (its number, and the postings' size: what choosing a needle's cheapest pairs weighs).
#[derive(Clone, Debug, Serialize, Deserialize)]
enum GramPostings {
    Inline(#[serde(with = "serde_bytes")] Vec<u8>),
    Piece { number: u32, bytes: u32 },
}

impl GramPostings {
    /// Size of the postings in bytes (before compression).
    fn bytes(&self) -> u32 {
        match self {
            GramPostings::Inline(bytes) => bytes.len() as u32,
            GramPostings::Piece { bytes, .. } => *bytes,
        }
    }
}

/// A gram bucket: `(key, postings)` sorted by key. Title grams share the bucket of the
/// passage gram they flag, so a query fetches no extra bucket for them.
type GramBucket = Vec<(u64, GramPostings)>;

/// A passage table: per passage of a range, its document and labels (what filters,
/// facets, a query without words and a one-char query need; other queries get documents
/// from their postings).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Table {
    first: u32,
    /// Document of the first passage.
    first_doc: u32,
    /// Passages of each document in turn from `first_doc` on (documents without passages
    /// have a zero), so documents cost a byte each rather than a number per passage.
    runs: Vec<u32>,
    /// The date of each document of `runs`, for date filters, date order and timelines.
    dates: Vec<Option<crate::Date>>,
    districts: Labels<DistrictId>,
    topics: Labels<TopicId>,
}

/// The labels of every passage of a table in turn, flat: decoding a table (the counts of a
/// common query decode hundreds) then allocates two vectors, not one per passage.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Labels<T> {
    /// How many of `items` each passage has.
    counts: Vec<u32>,
    items: Vec<T>,
}

impl<T> Default for Labels<T> {
    fn default() -> Self {
        Labels {
            counts: Vec::new(),
            items: Vec::new(),
        }
    }
}

impl<T: Clone> Labels<T> {
    /// Add the next passage's labels.
    fn push(&mut self, labels: &[T]) {
        self.counts.push(labels.len() as u32);
        self.items.extend_from_slice(labels);
    }
}

impl Table {
    /// The document of each passage of the table, in order.
    fn docs(&self) -> Vec<u32> {
        let runs = self.runs.iter().zip(self.first_doc..);
        runs.flat_map(|(n, doc)| std::iter::repeat_n(doc, *n as usize))
            .collect()
    }
}

/// Passage lengths in units of the passages of a table (BM25 of a one-char query, whose
/// unigram postings do not carry them).
type Lengths = Vec<u32>;

/// A link-key bucket: `(key, document id)`.
type KeyBucket = Vec<(String, u32)>;

/// A documents piece: the metadata of consecutive documents (their texts are in texts
/// pieces, fetched per passage).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct DocsPiece {
    first: u32,
    docs: Vec<SiteDocument>,
}

/// A texts piece: the texts of consecutive passages, with their labels and the metadata
/// of their documents (what a result shows beside its snippet). The metadata repeats
/// what the documents pieces hold (about 2 % of the index), so that a page of results
/// is one round of requests, one per passage shown, rather than two.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct TextsPiece {
    first: u32,
    texts: Vec<String>,
    districts: Vec<Vec<DistrictId>>,
    topics: Vec<Vec<TopicId>>,
    /// The documents of these passages (consecutive ids).
    docs: DocsPiece,
}

#[cfg(test)]
mod tests;
