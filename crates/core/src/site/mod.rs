//! A site index: the corpus split into small immutable files ("pieces") that a browser
//! fetches one query at a time, so the bytes and time of a result depend on the query,
//! not on the size of the archive.
//!
//! ```text
//! quxian/site.json        {"format":"quxian-site","version":3,"meta":"m-….qxs"}
//!        m-….qxs          Meta: names, counts, and the lists of the pieces below
//!        v-….qxs          vocabulary bucket: corpus words by hash of their first char
//!        g-….qxs          gram bucket: positional postings of grams, by hash of the gram
//!        p-….qxs          postings of one frequent gram (too big to share a bucket)
//!        t-….qxs          passage table: document, length, districts, topics of 1,024 passages
//!        d-….qxs          documents: metadata, text and passage spans of a few documents
//!        k-….qxs          link keys → document ids, by hash of the key
//! ```
//!
//! A query fetches, stage by stage, only what it needs ([`SiteIndex::needs`]): the
//! vocabulary buckets of its first chars (to segment it), the gram buckets and postings of
//! its clauses (matching is exact from positions, see `postings`), the passage tables of
//! the matching passages (filters, facets, grouping, BM25 lengths), and the documents of
//! the page shown (snippets). Search itself is the shared engine of `search`, so a site
//! and a single bundle of the same documents give the same results.
//!
//! Every piece is named by the hash of its bytes (see `piece`): pieces are immutable and a
//! redeploy never mixes builds; only `site.json` names the current meta.

mod piece;
mod postings;
mod read;
mod write;

pub use piece::SITE_VERSION;
pub use read::SiteIndex;
pub use write::{write_site, SiteSummary};

use crate::{DistrictId, Document, TopicId};
use serde::{Deserialize, Serialize};

/// The entry file, `site.json`: the one file that is not content-addressed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteEntry {
    /// Always `quxian-site`.
    pub format: String,
    /// [`SITE_VERSION`] of the pieces.
    pub version: u32,
    /// File name of the meta piece, beside `site.json`.
    pub meta: String,
}

/// Passages per passage table.
const TABLE_PASSAGES: u32 = 1024;

/// The meta piece: everything a page needs before its first query, and nothing that grows
/// with the text beyond a few bytes per thousand passages.
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
    vocabulary_buckets: Vec<String>,
    gram_buckets: Vec<String>,
    /// Table `i` holds passages `i * TABLE_PASSAGES ..`.
    tables: Vec<String>,
    key_buckets: Vec<String>,
}

/// Where a gram's postings are: inside its bucket, or in a piece of its own.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum GramPostings {
    Inline(Vec<u8>),
    Piece(String),
}

/// A gram bucket: `(key, postings)` sorted by key.
type GramBucket = Vec<(u64, GramPostings)>;

/// A passage table: per passage of a range, what search needs without the text.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Table {
    first: u32,
    doc: Vec<u32>,
    /// Number of the passage inside its document (the `p` of links).
    number: Vec<u32>,
    length: Vec<u32>,
    districts: Vec<Vec<DistrictId>>,
    topics: Vec<Vec<TopicId>>,
    /// The documents piece of each document named above.
    doc_pieces: Vec<(u32, String)>,
}

/// A link-key bucket: `(key, document id, its documents piece)`.
type KeyBucket = Vec<(String, u32, String)>;

/// A documents piece: consecutive documents with their passage spans (byte ranges of
/// each document's text).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct DocsPiece {
    first: u32,
    docs: Vec<Document>,
    spans: Vec<Vec<(u32, u32)>>,
}

#[cfg(test)]
mod tests;
