//! quxian core: turn a pile of Chinese documents into a searchable corpus, and search it.
//!
//! The build side is a chain of stages, one module each:
//! `read` (bytes → [`RawDoc`]) → `normalize` (NFKC, joined lines, offset map) →
//! `passage` (paragraph ranges) → `segment` (jieba tokens, gazetteer words kept whole) →
//! `annotate` (districts and topics per passage and document) → [`Corpus`].
//! A [`Corpus`] is written to and read from one binary file by `bundle`.
//!
//! The query side needs no jieba: [`Searcher`] builds an in-memory [`index`](Index) from the
//! corpus (CJK bigrams plus Latin/number terms), parses a [`Query`], and returns ranked
//! [`Hit`]s with highlight ranges plus disjunctive [`FacetCounts`]. [`ViewState`] is the
//! URL form of a view (query, filters, open document).
//!
//! ```
//! use quxian_core::{Corpus, Searcher, Query, Filters};
//! let corpus = Corpus::empty();
//! let searcher = Searcher::new(corpus);
//! let results = searcher.search(&Query::parse("北碚").unwrap(), &Filters::default(), 10);
//! assert_eq!(results.total, 0);
//! ```
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod annotate;
mod bundle;
mod corpus;
mod error;
mod facet;
mod index;
mod normalize;
mod passage;
mod query;
#[cfg(feature = "build")]
mod read;
mod search;
#[cfg(feature = "build")]
mod segment;
mod snippet;
mod text;
mod view;

pub use annotate::{Gazetteer, Lexicon};
pub use corpus::{Corpus, DistrictId, DocId, Document, Passage, PassageId, TopicId};
#[cfg(feature = "build")]
pub use corpus::{BuildReport, CorpusBuilder, Skipped};
pub use error::{Error, Result};
pub use facet::FacetCounts;
pub use index::Index;
pub use normalize::{normalize, NormalizedText, OffsetMap};
pub use query::{Filters, Query};
#[cfg(feature = "build")]
pub use read::{read_file, RawDoc};
pub use search::{Hit, SearchResults, Searcher};
#[cfg(feature = "build")]
pub use segment::Segmenter;
pub use snippet::Snippet;
pub use view::ViewState;
