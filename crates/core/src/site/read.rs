//! Reading a site index lazily (query time): [`SiteIndex`] keeps the meta and the pieces
//! fetched so far; [`SiteIndex::needs`] says which pieces a query still lacks, stage by
//! stage; once it says none, [`SiteIndex::search`] runs the shared search engine over them.

use super::piece::{bucket_of, decode, Kind};
use super::postings::{match_needle, needle_keys, needle_of, Postings, TITLE_FLAG};
use super::{
    DocsPiece, GramBucket, GramPostings, KeyBucket, Meta, SiteEntry, Table, TABLE_PASSAGES,
};
use crate::analyze::Vocabulary;
use crate::index::Posting;
use crate::search::{excluded_clauses, query_clauses, rank, with_snippets, SearchSource};
use crate::text::{is_cjk, Unit};
use crate::{
    DistrictId, DocId, Document, Error, Filters, PassageId, PassageInfo, Query, Result,
    SearchResults, TopicId,
};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashMap;

/// A decoded piece.
enum Piece {
    Vocabulary(Vec<(String, u32)>),
    Grams(GramBucket),
    Postings(Vec<u8>),
    Table(Table),
    Docs(DocsPiece),
    Keys(KeyBucket),
}

/// A site index being read: the meta plus every piece fetched so far.
pub struct SiteIndex {
    meta: Meta,
    pieces: HashMap<String, Piece>,
    /// The documents piece of every document named by a loaded table or key bucket.
    doc_pieces: FxHashMap<u32, String>,
}

/// What [`SiteIndex::document`] returns: a document with its passages' text spans.
pub struct SiteDocument<'a> {
    /// The document (metadata and full text).
    pub doc: &'a Document,
    /// Byte range in `doc.text` of each of its passages.
    pub spans: &'a [(u32, u32)],
}

impl SiteIndex {
    /// Parse `site.json` (as given by the host; the caller parses the JSON).
    pub fn check_entry(entry: &SiteEntry) -> Result<()> {
        if entry.format != "quxian-site" {
            return Err(Error::NotABundle);
        }
        if entry.version != super::SITE_VERSION as u32 {
            return Err(Error::UnsupportedVersion {
                found: entry.version,
                supported: super::SITE_VERSION as u32,
            });
        }
        Ok(())
    }

    /// Open a site from its meta piece (named by `site.json`).
    pub fn open(meta_name: &str, bytes: &[u8]) -> Result<SiteIndex> {
        let meta: Meta = decode(Kind::Meta, meta_name, bytes)?;
        Ok(SiteIndex {
            meta,
            pieces: HashMap::new(),
            doc_pieces: FxHashMap::default(),
        })
    }

    /// Number of documents, passages and characters of the whole site.
    pub fn counts(&self) -> (usize, usize, u64) {
        (
            self.meta.docs as usize,
            self.meta.passages as usize,
            self.meta.characters,
        )
    }

    /// District display names, by id.
    pub fn districts(&self) -> &[String] {
        &self.meta.districts
    }

    /// Topic display names, by id.
    pub fn topics(&self) -> &[String] {
        &self.meta.topics
    }

    /// Whether the piece `name` is loaded.
    pub fn has(&self, name: &str) -> bool {
        self.pieces.contains_key(name)
    }

    /// Decode and keep a fetched piece. Its kind is known from its name.
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let piece = match name.as_bytes().first() {
            Some(b'v') => Piece::Vocabulary(decode(Kind::Vocabulary, name, bytes)?),
            Some(b'g') => Piece::Grams(decode(Kind::Grams, name, bytes)?),
            Some(b'p') => Piece::Postings(decode(Kind::Postings, name, bytes)?),
            Some(b't') => Piece::Table(decode(Kind::Table, name, bytes)?),
            Some(b'd') => Piece::Docs(decode(Kind::Docs, name, bytes)?),
            Some(b'k') => Piece::Keys(decode(Kind::Keys, name, bytes)?),
            _ => {
                return Err(Error::Piece {
                    name: name.to_string(),
                    detail: "unknown piece kind".to_string(),
                })
            }
        };
        match &piece {
            Piece::Table(t) => self.doc_pieces.extend(t.doc_pieces.iter().cloned()),
            Piece::Keys(k) => self
                .doc_pieces
                .extend(k.iter().map(|(_, d, name)| (*d, name.clone()))),
            _ => {}
        }
        self.pieces.insert(name.to_string(), piece);
        Ok(())
    }

    /// Forget every loaded piece (to bound memory); the meta stays.
    pub fn clear(&mut self) {
        self.pieces.clear();
        self.doc_pieces.clear();
    }

    /// Bytes of pieces currently held, roughly (for a cache bound).
    pub fn loaded_pieces(&self) -> usize {
        self.pieces.len()
    }

    /// The pieces a search for `query` (documents `offset..offset + limit`) still needs.
    /// Empty means [`search`](Self::search) can run. Call again after adding them: each
    /// stage's needs are only known once the previous stage is loaded.
    pub fn needs(
        &self,
        query: &Query,
        filters: &Filters,
        offset: usize,
        limit: usize,
    ) -> Vec<String> {
        let vocab = self.vocabulary_names(query);
        if !vocab.is_empty() {
            return vocab;
        }
        let source = self.source(query);
        let grams = self.missing(source.gram_pieces(self));
        if !grams.is_empty() {
            return grams;
        }
        let postings = self.missing(source.postings_pieces(self));
        if !postings.is_empty() {
            return postings;
        }
        let source = source.with_postings(self);
        let tables = self.missing(source.table_names(self, query));
        if !tables.is_empty() {
            return tables;
        }
        let ranked = rank(&source, query, filters, offset, limit);
        let docs: Vec<String> = ranked
            .groups
            .iter()
            .filter_map(|(doc, _, _)| self.doc_piece_name(*doc))
            .collect();
        self.missing(docs)
    }

    /// Run a search whose [`needs`](Self::needs) are met.
    pub fn search(
        &self,
        query: &Query,
        filters: &Filters,
        offset: usize,
        limit: usize,
    ) -> Result<SearchResults> {
        let missing = self.needs(query, filters, offset, limit);
        if let Some(name) = missing.first() {
            return Err(Error::Piece {
                name: name.clone(),
                detail: "not loaded".to_string(),
            });
        }
        let source = self.source(query).with_postings(self);
        let ranked = rank(&source, query, filters, offset, limit);
        Ok(with_snippets(&source, query, ranked))
    }

    /// The loaded document `doc`, if its piece is here.
    pub fn document(&self, doc: DocId) -> Option<SiteDocument<'_>> {
        let name = self.doc_piece_name(doc)?;
        let Some(Piece::Docs(piece)) = self.pieces.get(&name) else {
            return None;
        };
        let i = doc.0.checked_sub(piece.first)? as usize;
        Some(SiteDocument {
            doc: piece.docs.get(i)?,
            spans: piece.spans.get(i)?,
        })
    }

    /// The pieces [`document`](Self::document) still needs for `doc` (known once a table
    /// or key bucket naming it is loaded).
    pub fn document_needs(&self, doc: DocId) -> Vec<String> {
        match self.doc_piece_name(doc) {
            Some(name) => self.missing(vec![name]),
            None => Vec::new(),
        }
    }

    /// Number of a passage inside its document, and the document's id (table loaded).
    pub fn passage_place(&self, passage: u32) -> Option<(DocId, u32)> {
        let (table, i) = self.table_of(passage)?;
        Some((DocId(*table.doc.get(i)?), *table.number.get(i)?))
    }

    /// Where a passage is and how it is labelled (its table and documents piece loaded).
    pub fn passage_info(&self, passage: PassageId) -> Option<PassageInfo<'_>> {
        let (table, i) = self.table_of(passage.0)?;
        let doc = DocId(*table.doc.get(i)?);
        let document = self.document(doc)?.doc;
        let meta = &self.meta;
        Some(PassageInfo {
            doc,
            key: &document.key,
            title: &document.title,
            number: *table.number.get(i)?,
            districts: table
                .districts
                .get(i)?
                .iter()
                .map(|d| display_name(&meta.districts, d.0))
                .collect(),
            topics: table
                .topics
                .get(i)?
                .iter()
                .map(|t| display_name(&meta.topics, t.0))
                .collect(),
        })
    }

    /// The key bucket that holds `key`.
    pub fn key_needs(&self, key: &str) -> Vec<String> {
        let names = &self.meta.key_buckets;
        let name = names[bucket_of(key.as_bytes(), names.len())].clone();
        self.missing(vec![name])
    }

    /// The document whose link key is `key` (key bucket loaded).
    pub fn doc_by_key(&self, key: &str) -> Option<DocId> {
        let names = &self.meta.key_buckets;
        let name = names.get(bucket_of(key.as_bytes(), names.len()))?;
        let Some(Piece::Keys(keys)) = self.pieces.get(name) else {
            return None;
        };
        keys.iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, d, _)| DocId(*d))
    }

    fn missing(&self, names: Vec<String>) -> Vec<String> {
        let mut seen = FxHashSet::default();
        names
            .into_iter()
            .filter(|n| !self.pieces.contains_key(n) && seen.insert(n.clone()))
            .collect()
    }

    /// Vocabulary buckets of the first chars of every CJK char of the free text.
    fn vocabulary_names(&self, query: &Query) -> Vec<String> {
        let names = &self.meta.vocabulary_buckets;
        let wanted = query
            .text
            .iter()
            .flat_map(|t| t.chars())
            .filter(|c| is_cjk(*c))
            .map(|c| {
                let mut utf8 = [0; 4];
                names[bucket_of(c.encode_utf8(&mut utf8).as_bytes(), names.len())].clone()
            })
            .collect();
        self.missing(wanted)
    }

    /// The part of the vocabulary that segmenting `query` can look at.
    fn vocabulary_for(&self, query: &Query) -> Vocabulary {
        let names = &self.meta.vocabulary_buckets;
        let mut seen = FxHashSet::default();
        let mut words = Vec::new();
        for c in query
            .text
            .iter()
            .flat_map(|t| t.chars())
            .filter(|c| is_cjk(*c))
        {
            let mut utf8 = [0; 4];
            let name = &names[bucket_of(c.encode_utf8(&mut utf8).as_bytes(), names.len())];
            if seen.insert(name.clone()) {
                if let Some(Piece::Vocabulary(list)) = self.pieces.get(name) {
                    words.extend(list.iter().cloned());
                }
            }
        }
        Vocabulary::with_total(&words, self.meta.vocabulary_total)
    }

    /// A source for `query` before its postings are loaded.
    fn source(&self, query: &Query) -> Prepared<'_> {
        let vocabulary = self.vocabulary_for(query);
        let mut needles: Vec<String> = query_clauses(&vocabulary, query)
            .iter()
            .chain(excluded_clauses(query).iter())
            .map(|c| needle_of(c))
            .collect();
        needles.sort();
        needles.dedup();
        Prepared {
            site: self,
            vocabulary,
            needles,
            postings: FxHashMap::default(),
            titles: FxHashMap::default(),
        }
    }

    fn gram_bucket_name(&self, key: u64) -> &str {
        let names = &self.meta.gram_buckets;
        &names[bucket_of(&key.to_le_bytes(), names.len())]
    }

    /// Where a gram's postings are, if its bucket is loaded; `None` for a gram the corpus
    /// does not have.
    fn gram_postings(&self, key: u64) -> Option<&GramPostings> {
        let Some(Piece::Grams(bucket)) = self.pieces.get(self.gram_bucket_name(key)) else {
            return None;
        };
        let i = bucket.binary_search_by_key(&key, |(k, _)| *k).ok()?;
        Some(&bucket[i].1)
    }

    /// Decoded postings of a gram (empty if the corpus lacks it or the piece is damaged).
    fn decoded(&self, key: u64) -> Postings {
        let bytes = match self.gram_postings(key) {
            Some(GramPostings::Inline(bytes)) => bytes.as_slice(),
            Some(GramPostings::Piece(name)) => match self.pieces.get(name) {
                Some(Piece::Postings(bytes)) => bytes.as_slice(),
                _ => return Postings::default(),
            },
            None => return Postings::default(),
        };
        Postings::decode(bytes, super::postings::is_bigram(key)).unwrap_or_default()
    }

    fn table_of(&self, passage: u32) -> Option<(&Table, usize)> {
        let name = self.meta.tables.get((passage / TABLE_PASSAGES) as usize)?;
        let Some(Piece::Table(table)) = self.pieces.get(name) else {
            return None;
        };
        Some((table, passage.checked_sub(table.first)? as usize))
    }

    /// The documents piece of `doc`, if a loaded table or key bucket names it.
    fn doc_piece_name(&self, doc: DocId) -> Option<String> {
        self.doc_pieces.get(&doc.0).cloned()
    }
}

/// The display name with id `id`, or "" for an id the meta lacks.
fn display_name(names: &[String], id: u16) -> &str {
    names.get(id as usize).map_or("", String::as_str)
}

/// The site seen through one query: its vocabulary slice, the decoded postings of its
/// clauses (passages and titles), and the loaded tables and documents. Implements
/// [`SearchSource`] for the shared engine.
struct Prepared<'a> {
    site: &'a SiteIndex,
    vocabulary: Vocabulary,
    /// Unit strings of every clause and exclusion of the query.
    needles: Vec<String>,
    /// Passage matches per needle.
    postings: FxHashMap<String, Vec<Posting>>,
    /// Documents whose title holds the needle, sorted.
    titles: FxHashMap<String, Vec<u32>>,
}

impl Prepared<'_> {
    fn keys(&self) -> Vec<u64> {
        self.needles
            .iter()
            .flat_map(|n| {
                let passage = needle_keys(n, 0);
                let title = needle_keys(n, TITLE_FLAG);
                passage.into_iter().chain(title).map(|(k, _)| k)
            })
            .collect()
    }

    fn gram_pieces(&self, site: &SiteIndex) -> Vec<String> {
        self.keys()
            .into_iter()
            .map(|k| site.gram_bucket_name(k).to_string())
            .collect()
    }

    fn postings_pieces(&self, site: &SiteIndex) -> Vec<String> {
        self.keys()
            .into_iter()
            .filter_map(|k| match site.gram_postings(k) {
                Some(GramPostings::Piece(name)) => Some(name.clone()),
                _ => None,
            })
            .collect()
    }

    /// Match every needle against passages and titles (postings loaded).
    fn with_postings(mut self, site: &SiteIndex) -> Self {
        let mut decoded: FxHashMap<u64, Postings> = FxHashMap::default();
        for key in self.keys() {
            decoded.entry(key).or_insert_with(|| site.decoded(key));
        }
        let run = |needle: &str, flag: u64| {
            let keys = needle_keys(needle, flag);
            let lists: Vec<(&Postings, u32)> = keys
                .iter()
                .filter_map(|(k, offset)| Some((decoded.get(k)?, *offset)))
                .collect();
            match_needle(needle, &lists)
        };
        for needle in &self.needles {
            let passages = run(needle, 0)
                .into_iter()
                .map(|(passage, tf)| Posting { passage, tf })
                .collect();
            let titles = run(needle, TITLE_FLAG)
                .into_iter()
                .map(|(d, _)| d)
                .collect();
            self.postings.insert(needle.clone(), passages);
            self.titles.insert(needle.clone(), titles);
        }
        self
    }

    /// Passage tables covering every passage that holds all clauses (all tables for a
    /// query without clauses).
    fn table_names(&self, site: &SiteIndex, query: &Query) -> Vec<String> {
        let clauses = query_clauses(&self.vocabulary, query);
        let mut candidates: Option<Vec<u32>> = None;
        for clause in &clauses {
            let ids: Vec<u32> = self.matches(clause).iter().map(|p| p.passage).collect();
            candidates = Some(match candidates {
                None => ids,
                Some(prev) => prev
                    .into_iter()
                    .filter(|p| ids.binary_search(p).is_ok())
                    .collect(),
            });
        }
        let mut tables: Vec<u32> = match candidates {
            Some(ids) => ids.iter().map(|p| p / TABLE_PASSAGES).collect(),
            None => (0..site.meta.tables.len() as u32).collect(),
        };
        tables.dedup();
        tables
            .into_iter()
            .filter_map(|t| site.meta.tables.get(t as usize).cloned())
            .collect()
    }
}

impl SearchSource for Prepared<'_> {
    fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }
    fn district_by_name(&self, name: &str) -> Option<DistrictId> {
        let meta = &self.site.meta;
        crate::corpus::district_by_name(&meta.districts, &meta.district_aliases, name)
    }
    fn topic_by_name(&self, name: &str) -> Option<TopicId> {
        let name = name.trim();
        self.site
            .meta
            .topics
            .iter()
            .position(|t| t == name)
            .map(|i| TopicId(i as u16))
    }
    fn facet_sizes(&self) -> (usize, usize) {
        (self.site.meta.districts.len(), self.site.meta.topics.len())
    }
    fn passage_count(&self) -> usize {
        self.site.meta.passages as usize
    }
    fn average_length(&self) -> f32 {
        self.site.meta.average_length
    }
    fn matches(&self, units: &[Unit]) -> Vec<Posting> {
        self.postings
            .get(&needle_of(units))
            .cloned()
            .unwrap_or_default()
    }
    fn length(&self, passage: u32) -> u32 {
        self.site
            .table_of(passage)
            .and_then(|(t, i)| t.length.get(i).copied())
            .unwrap_or(0)
    }
    fn doc_of(&self, passage: u32) -> DocId {
        self.site
            .table_of(passage)
            .and_then(|(t, i)| t.doc.get(i).copied())
            .map_or(DocId(u32::MAX), DocId)
    }
    fn labels(&self, passage: u32) -> (&[DistrictId], &[TopicId]) {
        match self.site.table_of(passage) {
            Some((t, i)) => (
                t.districts.get(i).map_or(&[][..], Vec::as_slice),
                t.topics.get(i).map_or(&[][..], Vec::as_slice),
            ),
            None => (&[], &[]),
        }
    }
    fn title_contains(&self, doc: DocId, needle: &str) -> bool {
        self.titles
            .get(needle)
            .is_some_and(|docs| docs.binary_search(&doc.0).is_ok())
    }
    fn passage_text(&self, passage: u32) -> &str {
        let Some((doc, number)) = self.site.passage_place(passage) else {
            return "";
        };
        self.site
            .document(doc)
            .and_then(|d| {
                let (s, e) = *d.spans.get(number as usize)?;
                d.doc.text.get(s as usize..e as usize)
            })
            .unwrap_or("")
    }
}
