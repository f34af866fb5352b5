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

mod analyze;
#[cfg(feature = "build")]
mod annotate;
mod bundle;
mod corpus;
mod date;
mod error;
mod facet;
mod index;
mod load;
#[cfg(feature = "build")]
mod normalize;
#[cfg(feature = "build")]
mod passage;
mod query;
#[cfg(feature = "build")]
mod read;
mod script;
mod search;
#[cfg(feature = "build")]
mod segment;
mod site;
mod snippet;
mod text;
mod tile;
mod view;

#[cfg(feature = "build")]
pub use annotate::{Explanation, Gazetteer, Lexicon};
pub use bundle::is_bundle_start;
#[cfg(feature = "build")]
pub use corpus::{
    raw_documents_from_bytes, raw_documents_to_bytes, BuildReport, CorpusBuilder,
    PreparedDocuments, PreparedFile, Preparer, Skipped,
};
pub use corpus::{
    Corpus, DataFiles, DistrictId, DocId, Document, Passage, PassageId, PassageInfo, TopicId,
};
pub use date::{Date, DateRange, SortOrder};
pub use error::{DataProblem, Error, PieceProblem, RecordProblem, Result, SkipReason};
pub use facet::FacetCounts;
pub use index::Index;
pub use load::{SearcherLoader, LOAD_SLICE_MS};
#[cfg(all(feature = "build", not(feature = "nfkc")))]
pub use normalize::set_nfkc;
#[cfg(feature = "build")]
pub use normalize::{normalize, NormalizedText, OffsetMap};
pub use query::{Filters, Query, MAX_QUERY_CHARS};
#[cfg(all(feature = "build", not(feature = "gb18030")))]
pub use read::set_gb18030_decoder;
#[cfg(feature = "build")]
pub use read::{decode_gb18030, read_file, RawDoc, MAX_FILE_BYTES};
pub use search::{DocGroup, Hit, SearchResults, Searcher};
#[cfg(feature = "build")]
pub use segment::Segmenter;
pub use site::{
    write_site, write_site_with_progress, PieceCache, SiteDocument, SiteIndex, SitePage,
    SiteProgress, SiteStep, SiteSummary, META_NAME, SITE_VERSION,
};
pub use snippet::{Snippet, SNIPPET_CHARS};
#[cfg(feature = "nfkc")]
pub use text::nfkc;
pub use tile::{tile_fields, Tile, MAX_TILE_POSITION};
pub use view::ViewState;

#[cfg(test)]
mod testutil {
    //! Small corpora for unit tests, built without the build pipeline.
    use crate::{Corpus, DistrictId, DocId, Document, Passage, TopicId};

    /// One document per entry; each string is one passage.
    pub(crate) fn corpus_of(docs: &[&[&str]]) -> Corpus {
        let mut corpus = Corpus::empty();
        for (d, passages) in docs.iter().enumerate() {
            let first = corpus.passages.len() as u32;
            let mut text = String::new();
            for p in passages.iter() {
                if !text.is_empty() {
                    text.push('\n');
                }
                let start = text.len() as u32;
                text.push_str(p);
                corpus.passages.push(Passage {
                    doc: DocId(d as u32),
                    start,
                    end: text.len() as u32,
                    districts: vec![],
                    inherited: false,
                    topics: vec![],
                });
            }
            corpus.docs.push(Document {
                key: format!("doc{d}"),
                title: format!("文档{d}"),
                date: None,
                source: None,
                url: None,
                text,
                passages: first..corpus.passages.len() as u32,
                districts: vec![],
                main_districts: vec![],
                topics: vec![],
            });
        }
        corpus
    }

    /// One single-passage document per entry, annotated with (district ids, topic ids) over
    /// districts [北碚, 渝北] and topics [科技创新, 交通].
    pub(crate) fn annotated_corpus(passages: &[(&[u16], &[u16])]) -> Corpus {
        let texts: Vec<String> = (0..passages.len()).map(|i| format!("段落{i}")).collect();
        let docs: Vec<Vec<&str>> = texts.iter().map(|t| vec![t.as_str()]).collect();
        let doc_refs: Vec<&[&str]> = docs.iter().map(Vec::as_slice).collect();
        let mut corpus = corpus_of(&doc_refs);
        corpus.districts = vec!["北碚".into(), "渝北".into()];
        corpus.topics = vec!["科技创新".into(), "交通".into()];
        for (p, (ds, ts)) in corpus.passages.iter_mut().zip(passages) {
            p.districts = ds.iter().map(|d| DistrictId(*d)).collect();
            p.topics = ts.iter().map(|t| TopicId(*t)).collect();
        }
        corpus
    }
}
