//! Reading a site index lazily (query time): [`SiteIndex`] keeps the meta and the pieces
//! fetched so far; [`SiteIndex::step`] says which pieces a query still lacks, stage by
//! stage, and once it lacks none runs the shared search engine over them.
//! A page asks first without facets (postings, then its passages' texts: bytes that
//! follow the query, not the archive) and then with them (the passage tables of every
//! match).

use super::cache::PieceCache;
use super::piece::{bucket_of, decode, decode_with_tail, Kind, PieceId, META_NAME};
use super::postings::{
    bigram, cheapest_cover, match_needle, needle_keys, needle_of, Decode, NeedleMatch, Placed,
    Postings, PostingsPiece, TITLE_FLAG,
};
use super::write::{gram_bucket, vocabulary_bucket};
use super::{
    DocsPiece, GramBucket, GramPostings, KeyBucket, Labels, Lengths, Meta, MetaTail, SiteDocument,
    Table, TextsPiece, DOCS_PER_PIECE, TABLES_PER_GROUP, TABLE_PASSAGES, TEXTS_PER_PIECE,
};
use crate::analyze::Vocabulary;
use crate::index::Posting;
use crate::search::{
    excluded_clauses, highlight_needles, highlight_ranges, match_set, query_clauses, rank,
    union_matches, with_snippets, DistrictNames, Ranked, Scored, SearchSource,
};
use crate::snippet::SNIPPET_CHARS;
use crate::text::{fold_script, is_cjk, Unit};
use crate::{
    Date, DistrictId, DocId, Error, Filters, PassageId, PassageInfo, PieceProblem, Query, Result,
    SearchResults, Tile, TopicId,
};
use rustc_hash::{FxHashMap, FxHashSet};

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::ops::Range;
use std::rc::Rc;

/// A piece of this build, by kind and number (its file name adds the build id).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Slot(Kind, u32);

/// A decoded piece.
enum Piece {
    Vocabulary(Vec<(String, u32)>),
    Grams(GramBucket),
    Postings(PostingsPiece),
    Table(Rows),
    Lengths(Lengths),
    /// A documents piece, its metadata moved to [`SiteIndex::documents`].
    Docs,
    /// A texts piece, its documents' metadata moved to [`SiteIndex::documents`].
    Texts(TextsPiece),
    Keys(KeyBucket),
}

/// A decoded passage table: one document per passage, labels in flat lists (a common
/// query of a big archive holds thousands of tables: two small vectors per passage would
/// cost far more memory than the table's bytes).
struct Rows {
    first: u32,
    docs: Vec<u32>,
    /// Document `first_doc + i` is dated `dates[i]`.
    first_doc: u32,
    dates: Vec<Option<Date>>,
    districts: Flat<DistrictId>,
    topics: Flat<TopicId>,
}

impl Rows {
    fn of(table: Table) -> Rows {
        Rows {
            first: table.first,
            docs: table.docs(),
            first_doc: table.first_doc,
            dates: table.dates,
            districts: Flat::of(table.districts),
            topics: Flat::of(table.topics),
        }
    }
}

/// A list of lists in one vector: list i is `items[starts[i]..starts[i + 1]]`.
struct Flat<T> {
    items: Vec<T>,
    starts: Vec<u32>,
}

impl<T> Flat<T> {
    fn of(labels: Labels<T>) -> Flat<T> {
        let mut starts = Vec::with_capacity(labels.counts.len() + 1);
        starts.push(0);
        let mut end = 0u32;
        for count in labels.counts {
            end = end.saturating_add(count);
            starts.push(end);
        }
        Flat {
            items: labels.items,
            starts,
        }
    }

    /// List i; empty past the end, or where a crafted piece's counts overrun its items.
    fn get(&self, i: usize) -> &[T] {
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&s), Some(&e)) => self.items.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// A site index being read: the meta plus every piece fetched so far.
pub struct SiteIndex {
    meta: Meta,
    /// Where each district sits on the explorer's map (none in sites written before the
    /// map, 5 Dec 2026: see [`MetaTail`]).
    tiles: Vec<Tile>,
    /// The build id of the meta: every other piece's name carries it.
    build: u64,
    /// Keyed by slot rather than name: looking up a passage's table or texts piece is
    /// then a hash of two numbers, not a formatted string.
    pieces: PieceCache<Slot, Piece>,
    /// The metadata of every document whose documents or texts piece is loaded.
    documents: FxHashMap<u32, SiteDocument>,
    /// The scored matches of the last query, for its next search (its counts, a filter,
    /// the next page).
    last_scores: RefCell<Option<(Query, Scored)>>,
    /// Loaded documents by their first passage: which document a shown passage is in.
    docs_at: BTreeMap<u32, DocId>,
    /// Counts the pieces added that ranking may read (all but texts and documents), so a
    /// parked page knows whether its ranking still holds.
    ranking_pieces: u64,
    /// The last page ranked while its texts were missing (see [`Parked`]).
    parked: RefCell<Option<Parked>>,
}

/// What a search asks of [`SiteIndex::step`]: a page of documents, and whether its facet
/// counts are wanted too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SitePage {
    /// Documents skipped (加载更多).
    pub offset: usize,
    /// Documents shown.
    pub limit: usize,
    /// Count districts and topics over every match (fetches the passage tables of the
    /// matches; without it the results' facets are zero).
    pub facets: bool,
    /// Passages shown of each document, best first: only their texts are fetched (a page
    /// listing documents by their best passage needs one text each, not every match's;
    /// [`DocGroup::matching`](crate::DocGroup::matching) still counts them all).
    pub per_document: usize,
    /// Each hit's text is its whole passage, not a snippet around its first match (an
    /// export needs the texts; a page, snippets).
    pub whole_passages: bool,
}

/// One step of a search on a site ([`SiteIndex::step`]).
#[derive(Debug)]
pub enum SiteStep {
    /// Fetch and add these pieces, then ask again.
    Fetch(Vec<String>),
    /// Every piece was there: the results.
    Done(Box<SearchResults>),
}

impl SiteIndex {
    /// Open a site from the bytes of its meta piece, `site.qxs` ([`META_NAME`]).
    pub fn open(bytes: &[u8]) -> Result<SiteIndex> {
        let (build, meta, tail) = decode_with_tail::<Meta, MetaTail>(META_NAME, bytes)?;
        Ok(SiteIndex {
            meta,
            tiles: tail.map(|t| t.tiles).unwrap_or_default(),
            build,
            pieces: PieceCache::new(),
            documents: FxHashMap::default(),
            docs_at: BTreeMap::new(),
            ranking_pieces: 0,
            parked: RefCell::new(None),
            last_scores: RefCell::new(None),
        })
    }

    /// The name of every piece of the site but the meta: what a reader downloads to use
    /// the site offline.
    pub fn all_piece_names(&self) -> Vec<String> {
        let c = &self.meta.counts;
        [
            (Kind::Vocabulary, c.vocabulary),
            (Kind::Grams, c.grams),
            (Kind::Postings, c.postings),
            (Kind::Table, c.tables),
            (Kind::TableGroup, c.tables.div_ceil(TABLES_PER_GROUP)),
            (Kind::Lengths, c.lengths),
            (Kind::LengthsGroup, c.lengths.div_ceil(TABLES_PER_GROUP)),
            (Kind::Docs, c.docs),
            (Kind::Texts, c.texts),
            (Kind::Keys, c.keys),
        ]
        .into_iter()
        .flat_map(|(kind, count)| (0..count).map(move |n| (kind, n)))
        .map(|(kind, n)| self.name(Slot(kind, n)))
        .collect()
    }

    /// The file name of piece `number` of `kind` in this build.
    fn name(&self, Slot(kind, number): Slot) -> String {
        PieceId {
            kind,
            build: self.build,
            number,
        }
        .name()
    }

    /// Number of documents, passages and characters of the whole site.
    pub fn counts(&self) -> (usize, usize, u64) {
        (
            self.meta.docs as usize,
            self.meta.passages as usize,
            self.meta.characters,
        )
    }

    /// Bytes of every piece of the index but the meta (what fetching all of it costs).
    pub fn index_bytes(&self) -> u64 {
        self.meta.index_bytes
    }

    /// District display names, by id.
    pub fn districts(&self) -> &[String] {
        &self.meta.districts
    }

    /// The districts' places on the explorer's map (the gazetteer's `tile` lines; none in
    /// a site written before the map).
    pub fn tiles(&self) -> &[Tile] {
        &self.tiles
    }

    /// Topic display names, by id.
    pub fn topics(&self) -> &[String] {
        &self.meta.topics
    }

    /// A district as a user names it (short, full or alias name, 繁體 too).
    pub fn district_by_name(&self, name: &str) -> Option<DistrictId> {
        crate::corpus::district_by_name(&self.meta.districts, &self.meta.district_aliases, name)
    }

    /// A topic by name.
    pub fn topic_by_name(&self, name: &str) -> Option<TopicId> {
        crate::corpus::topic_by_name(&self.meta.topics, name)
    }

    /// Decode and keep a fetched piece (one this build named: kind, build and number are
    /// checked against `name`).
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let unknown = || Error::Piece {
            name: name.to_string(),
            problem: PieceProblem::NotAName,
        };
        let id = PieceId::parse(name).ok_or_else(unknown)?;
        if id.kind != Kind::Meta && id.build != self.build {
            // Slots leave the build out: only this build's pieces may fill them (the meta
            // is refused below as not a piece).
            return Err(Error::Piece {
                name: name.to_string(),
                problem: PieceProblem::OtherPiece,
            });
        }
        let piece = match id.kind {
            Kind::Vocabulary => Piece::Vocabulary(decode(name, bytes)?.1),
            Kind::Grams => Piece::Grams(decode(name, bytes)?.1),
            Kind::Postings => {
                let postings: serde_bytes::ByteBuf = decode(name, bytes)?.1;
                Piece::Postings(PostingsPiece::new(postings.into_vec()))
            }
            Kind::Table => Piece::Table(Rows::of(decode(name, bytes)?.1)),
            Kind::TableGroup => return self.add_table_group(name, id.number, bytes),
            Kind::Lengths => Piece::Lengths(decode(name, bytes)?.1),
            Kind::LengthsGroup => return self.add_lengths_group(name, id.number, bytes),
            Kind::Docs => {
                self.add_documents(decode(name, bytes)?.1);
                Piece::Docs
            }
            Kind::Texts => {
                let mut texts: TextsPiece = decode(name, bytes)?.1;
                self.add_documents(std::mem::take(&mut texts.docs));
                Piece::Texts(texts)
            }
            Kind::Keys => Piece::Keys(decode(name, bytes)?.1),
            Kind::Meta => return Err(unknown()),
        };
        self.pieces
            .insert(Slot(id.kind, id.number), piece, bytes.len());
        if !matches!(id.kind, Kind::Texts | Kind::Docs) {
            self.ranking_pieces += 1;
        }
        Ok(())
    }

    /// Keep the passage tables of a group, each as if fetched alone. A group holds its own
    /// tables only (else a crafted piece could fill other slots).
    fn add_table_group(&mut self, name: &str, number: u32, bytes: &[u8]) -> Result<()> {
        let own = |table: &Table, n: u32| n.checked_mul(TABLE_PASSAGES) == Some(table.first);
        let keep = |table| Piece::Table(Rows::of(table));
        self.add_group(name, number, bytes, (Kind::Table, own, keep))
    }

    /// Keep the lengths pieces of a group, each as if fetched alone.
    fn add_lengths_group(&mut self, name: &str, number: u32, bytes: &[u8]) -> Result<()> {
        let fits = |lengths: &Lengths, _| lengths.len() <= TABLE_PASSAGES as usize;
        self.add_group(name, number, bytes, (Kind::Lengths, fits, Piece::Lengths))
    }

    /// Keep the pieces of group `number`, each as piece `n` of `kind` as if fetched alone
    /// (its share of the group's bytes counts against the cache's bound): at most
    /// [`TABLES_PER_GROUP`] of them, each one `valid` as piece `n`, made a [`Piece`] by `keep`.
    fn add_group<T: serde::de::DeserializeOwned>(
        &mut self,
        name: &str,
        number: u32,
        bytes: &[u8],
        (kind, valid, keep): (Kind, impl Fn(&T, u32) -> bool, impl Fn(T) -> Piece),
    ) -> Result<()> {
        let items: Vec<T> = decode(name, bytes)?.1;
        let first = number.saturating_mul(TABLES_PER_GROUP);
        let all_valid = items.iter().zip(first..).all(|(item, n)| valid(item, n));
        if items.len() > TABLES_PER_GROUP as usize || !all_valid {
            return Err(Error::Piece {
                name: name.to_string(),
                problem: PieceProblem::Undecodable,
            });
        }
        let share = bytes.len() / items.len().max(1);
        for (item, n) in items.into_iter().zip(first..) {
            self.pieces.insert(Slot(kind, n), keep(item), share);
        }
        self.ranking_pieces += 1;
        Ok(())
    }

    /// Keep the metadata of documents (from a documents or a texts piece).
    fn add_documents(&mut self, piece: DocsPiece) {
        for (document, id) in piece.docs.into_iter().zip(piece.first..) {
            // A document without passages would shadow the next one's first passage.
            if !document.passages.is_empty() {
                self.docs_at.insert(document.passages.start, DocId(id));
            }
            self.documents.insert(id, document);
        }
    }

    /// Start a new search, holding at most `bytes` (as fetched) of pieces from before it:
    /// the least recently used go first. The metadata of their documents stays (a few
    /// hundred bytes each) up to `documents` of them; past that, every piece and document
    /// goes. The meta stays. (A search then keeps everything it fetches, however much that
    /// is.)
    pub fn make_room(&mut self, bytes: usize, documents: usize) {
        self.pieces.tick();
        if !self.pieces.evict_to(bytes) {
            return;
        }
        self.parked.replace(None);
        if self.documents.len() > documents {
            // A texts or documents piece held has its documents' metadata: both go.
            self.pieces.clear();
            self.documents.clear();
            self.docs_at.clear();
        }
    }

    /// Bytes (as fetched, compressed) of the pieces held: what a cache bound looks at.
    pub fn held_bytes(&self) -> usize {
        self.pieces.held_bytes()
    }

    /// The next step of a search for `query`: the pieces it still needs (add them, then
    /// call again: each stage's pieces are only known once the previous stage is loaded),
    /// or its results once every piece is there. Each call decodes and ranks once, so a
    /// caller that loops until [`SiteStep::Done`] ranks its last stage only once.
    pub fn step(&self, query: &Query, filters: &Filters, page: SitePage) -> SiteStep {
        match self.plan(query, filters, page) {
            Plan::Fetch(names) => SiteStep::Fetch(names),
            Plan::Ready(ready) => {
                let (source, ranked) = *ready;
                let width = match page.whole_passages {
                    true => usize::MAX,
                    false => SNIPPET_CHARS,
                };
                let snippets = (page.per_document, width);
                SiteStep::Done(Box::new(with_snippets(&source, query, ranked, snippets)))
            }
        }
    }

    /// The next stage's pieces, or the ranked page once every piece is loaded (decoding
    /// postings and ranking once per call).
    fn plan(&self, query: &Query, filters: &Filters, page: SitePage) -> Plan<'_> {
        let parked = self.parked.take();
        if let Some(parked) = parked.filter(|p| p.holds_for(self, query, filters, page)) {
            return self.show(parked.resume(self), query, filters, page);
        }
        let mut first = self.vocabulary_slots(query);
        first.extend(self.likely_gram_buckets(query));
        let first = self.missing(first);
        if !first.is_empty() {
            return Plan::Fetch(first);
        }
        let source = self.source(query);
        let grams = self.missing(source.gram_pieces(self));
        if !grams.is_empty() {
            return Plan::Fetch(grams);
        }
        let postings = self.missing(source.postings_pieces(self));
        if !postings.is_empty() {
            return Plan::Fetch(postings);
        }
        let source = source.with_postings(self);
        let placement = self.missing(source.placement_pieces(self, query, filters, page));
        if !placement.is_empty() {
            return Plan::Fetch(placement);
        }
        // The page: its passages' texts, which carry their documents' metadata, in one
        // round (the documents piece only as a fallback for a group without hits, which
        // ranking does not make today).
        // Dates come from the passage tables, loaded for every match only with the facets
        // or a date order or range: without them no date is read (the timeline is counted
        // with the facets).
        let dated = page.facets || needs_dates(filters);
        let source = if dated {
            source.with_dates(self)
        } else {
            source
        };
        let ranked = rank(
            &source,
            query,
            filters,
            (page.offset, page.limit),
            page.facets,
        );
        self.show((source, ranked), query, filters, page)
    }

    /// The ranked page, once the texts of its passages are loaded; else those texts, the
    /// ranking parked until they come.
    fn show<'a>(
        &'a self,
        (source, ranked): (Prepared<'a>, Ranked),
        query: &Query,
        filters: &Filters,
        page: SitePage,
    ) -> Plan<'a> {
        let shown = ranked.groups.iter().flat_map(|(doc, _, hits)| {
            let shown = &hits[..hits.len().min(page.per_document)];
            let texts = shown.iter().filter_map(|(p, _)| self.text_slot(*p));
            let metadata = shown.is_empty().then(|| self.doc_slot(*doc));
            texts.chain(metadata.flatten())
        });
        let missing = self.missing(shown.collect());
        if missing.is_empty() {
            return Plan::Ready(Box::new((source, ranked)));
        }
        let search = (query.clone(), filters.clone(), page);
        self.parked
            .replace(Some(source.park(ranked, search, self.ranking_pieces)));
        Plan::Fetch(missing)
    }

    /// The metadata of document `doc`, if its documents piece or the texts piece of one of
    /// its passages is loaded.
    pub fn document(&self, doc: DocId) -> Option<&SiteDocument> {
        self.documents.get(&doc.0)
    }

    /// The loaded texts piece holding a passage, with the passage's index in it.
    fn texts_of(&self, passage: u32) -> Option<(&TextsPiece, usize)> {
        let Some(Piece::Texts(piece)) = self.pieces.get(&self.text_slot(passage)?) else {
            return None;
        };
        let i = passage.checked_sub(piece.first)? as usize;
        (i < piece.texts.len()).then_some((piece, i))
    }

    /// The text of a passage, if its texts piece is loaded.
    pub fn passage_text(&self, passage: u32) -> Option<&str> {
        let (piece, i) = self.texts_of(passage)?;
        Some(&piece.texts[i])
    }

    /// The texts piece of a passage (none for an id past the last passage).
    fn text_slot(&self, passage: u32) -> Option<Slot> {
        (passage < self.meta.passages).then_some(Slot(Kind::Texts, passage / TEXTS_PER_PIECE))
    }

    /// The loaded document holding a passage.
    fn doc_at(&self, passage: u32) -> Option<(DocId, &SiteDocument)> {
        let (_, doc) = self.docs_at.range(..=passage).next_back()?;
        let document = self.document(*doc)?;
        document
            .passages
            .contains(&passage)
            .then_some((*doc, document))
    }

    /// Where a passage is and how it is labelled (its texts piece loaded, which carries its
    /// document's metadata, as it is for every passage of a search's page).
    pub fn passage_info(&self, passage: PassageId) -> Option<PassageInfo<'_>> {
        let (doc, document) = self.doc_at(passage.0)?;
        let (texts, i) = self.texts_of(passage.0)?;
        let meta = &self.meta;
        Some(PassageInfo {
            doc,
            key: &document.key,
            title: &document.title,
            date: document.date.as_deref(),
            source: document.source.as_deref(),
            number: passage.0 - document.passages.start,
            districts: texts
                .districts
                .get(i)?
                .iter()
                .map(|d| display_name(&meta.districts, d.0))
                .collect(),
            topics: texts
                .topics
                .get(i)?
                .iter()
                .map(|t| display_name(&meta.topics, t.0))
                .collect(),
        })
    }

    /// The key bucket that holds `key`.
    pub fn key_needs(&self, key: &str) -> Vec<String> {
        let bucket = bucket_of(key.as_bytes(), self.meta.counts.keys);
        self.missing(vec![Slot(Kind::Keys, bucket)])
    }

    /// The document whose link key is `key` (key bucket loaded).
    pub fn doc_by_key(&self, key: &str) -> Option<DocId> {
        let slot = Slot(Kind::Keys, bucket_of(key.as_bytes(), self.meta.counts.keys));
        let Some(Piece::Keys(keys)) = self.pieces.get(&slot) else {
            return None;
        };
        keys.iter().find(|(k, _)| k == key).map(|(_, d)| DocId(*d))
    }

    /// The pieces reading document `key` around its passage `number` still needs, stage
    /// by stage: its key bucket, its documents piece, then the texts of the passages of
    /// [`reading`](Self::reading). Empty once they are loaded, or for an unknown key.
    pub fn reading_needs(&self, key: &str, number: u32) -> Vec<String> {
        let bucket = self.key_needs(key);
        if !bucket.is_empty() {
            return bucket;
        }
        let Some(doc) = self.doc_by_key(key) else {
            return Vec::new();
        };
        let Some(document) = self.document(doc) else {
            return self.missing(self.doc_slot(doc).into_iter().collect());
        };
        let texts = reading_window(document, number).filter_map(|p| self.text_slot(p));
        self.missing(texts.collect())
    }

    /// The pieces [`SiteIndex::highlights`] needs for `query`: the vocabulary buckets of
    /// its chars, so that it is cut into words as a search cuts it.
    pub fn highlight_needs(&self, query: &Query) -> Vec<String> {
        self.missing(self.vocabulary_slots(query))
    }

    /// Byte ranges of `query`'s matches in `text` (a passage being read), as a search
    /// highlights its snippets.
    pub fn highlights(&self, text: &str, query: &Query) -> Vec<Range<usize>> {
        highlight_ranges(text, &highlight_needles(&self.source(query), query))
    }

    /// Document `key` with the passages shown of it (at most [`READER_PASSAGES`], around
    /// passage `number`), once [`reading_needs`](Self::reading_needs) are met; `None` for a
    /// key the site does not have.
    pub fn reading(&self, key: &str, number: u32) -> Option<(&SiteDocument, Range<u32>)> {
        let document = self.document(self.doc_by_key(key)?)?;
        Some((document, reading_window(document, number)))
    }

    /// The names of the slots not loaded yet, each once (passage tables that are most of
    /// their group as the group).
    fn missing(&self, slots: Vec<Slot>) -> Vec<String> {
        let mut seen = FxHashSet::default();
        let missing: Vec<Slot> = slots
            .into_iter()
            .filter(|slot| !self.pieces.contains_key(slot) && seen.insert(*slot))
            .collect();
        grouped(missing)
            .into_iter()
            .map(|slot| self.name(slot))
            .collect()
    }

    /// The CJK chars of the free text: a word of the vocabulary that segmenting the query
    /// can use starts with one of them.
    /// Folded to simplified characters, as the vocabulary is (see `text`).
    fn free_text_chars(query: &Query) -> impl Iterator<Item = char> + '_ {
        query
            .text
            .iter()
            .flat_map(|t| fold_script(t).chars().collect::<Vec<_>>())
            .filter(|c| is_cjk(*c))
    }

    /// Vocabulary buckets of the first chars of every CJK char of the free text.
    fn vocabulary_slots(&self, query: &Query) -> Vec<Slot> {
        let count = self.meta.counts.vocabulary;
        Self::free_text_chars(query)
            .map(|c| Slot(Kind::Vocabulary, vocabulary_bucket(c, count)))
            .collect()
    }

    /// Gram buckets of every adjacent pair of units in the query's text: whatever the
    /// segmentation, a clause's pairs are among them, so they load with the vocabulary in
    /// one round instead of two.
    fn likely_gram_buckets(&self, query: &Query) -> Vec<Slot> {
        let pieces = query
            .text
            .iter()
            .chain(&query.phrases)
            .chain(&query.excluded);
        pieces
            .flat_map(|text| {
                let needle = needle_of(&crate::analyze::phrase_units(text));
                let chars: Vec<char> = needle.chars().collect();
                chars
                    .windows(2)
                    .map(|w| self.gram_bucket(bigram(w[0], w[1])))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// The part of the vocabulary that segmenting `query` can look at.
    fn vocabulary_for(&self, query: &Query) -> Vocabulary {
        let mut seen = FxHashSet::default();
        let mut words = Vec::new();
        for slot in self.vocabulary_slots(query) {
            if seen.insert(slot) {
                if let Some(Piece::Vocabulary(list)) = self.pieces.get(&slot) {
                    words.extend(list.iter().cloned());
                }
            }
        }
        Vocabulary::with_total(&words, self.meta.vocabulary_total)
    }

    /// A source for `query` before its postings are loaded.
    fn source(&self, query: &Query) -> Prepared<'_> {
        let vocabulary = self.vocabulary_for(query);
        let names = DistrictNames {
            districts: &self.meta.districts,
            aliases: &self.meta.district_aliases,
        };
        let mut needles: Vec<String> = query_clauses(&vocabulary, names, query)
            .iter()
            .flat_map(|c| &c.alternatives)
            .chain(excluded_clauses(query).iter())
            .map(|c| needle_of(c))
            .collect();
        needles.sort();
        needles.dedup();
        Prepared::new(
            self,
            Matched {
                vocabulary,
                needles,
                ..Matched::default()
            },
        )
    }

    fn gram_bucket(&self, key: u64) -> Slot {
        Slot(Kind::Grams, gram_bucket(key, self.meta.counts.grams))
    }

    /// Where a gram's postings are, if its bucket is loaded; `None` for a gram the corpus
    /// does not have.
    fn gram_postings(&self, key: u64) -> Option<&GramPostings> {
        let Some(Piece::Grams(bucket)) = self.pieces.get(&self.gram_bucket(key)) else {
            return None;
        };
        let i = bucket.binary_search_by_key(&key, |(k, _)| *k).ok()?;
        Some(&bucket[i].1)
    }

    /// Decoded postings of a gram (empty if the corpus lacks it or the piece is damaged).
    fn decoded(&self, key: u64, which: Decode) -> Postings {
        let bytes = match self.gram_postings(key) {
            Some(GramPostings::Inline(bytes)) => bytes.as_slice(),
            Some(GramPostings::Piece { number, .. }) => {
                match self.pieces.get(&Slot(Kind::Postings, *number)) {
                    Some(Piece::Postings(piece)) => {
                        return piece.decode(key, which).unwrap_or_default()
                    }
                    _ => return Postings::default(),
                }
            }
            None => return Postings::default(),
        };
        Postings::decode_where(bytes, key, which).unwrap_or_default()
    }

    /// The ids holding `needle` (flagged: in titles), postings loaded: its rarest pair's
    /// postings decoded whole, the other pairs' only at those ids.
    fn match_needle(&self, needle: &str, flag: u64) -> Vec<NeedleMatch> {
        let keys = self.cover(needle, flag);
        let size = |key: u64| self.gram_postings(key).map_or(0, GramPostings::bytes);
        let Some(rarest) = keys.iter().map(|(k, _)| *k).min_by_key(|k| size(*k)) else {
            return Vec::new();
        };
        let alone = keys.len() == 1 && needle.chars().nth(2).is_none();
        let rarest_postings = match alone {
            true => self.decoded(rarest, Decode::WithoutPositions),
            false => self.decoded(rarest, Decode::All),
        };
        let others: Vec<Option<Postings>> = keys
            .iter()
            .map(|(k, _)| {
                (*k != rarest).then(|| self.decoded(*k, Decode::Among(&rarest_postings.ids)))
            })
            .collect();
        let lists: Vec<(&Postings, u32)> = keys
            .iter()
            .zip(&others)
            .map(|((_, offset), other)| (other.as_ref().unwrap_or(&rarest_postings), *offset))
            .collect();
        match_needle(needle, &lists)
    }

    /// The grams that match `needle` (flagged: in titles) exactly at the least cost, with
    /// their offsets in it (gram buckets loaded; see [`cheapest_cover`]).
    fn cover(&self, needle: &str, flag: u64) -> Vec<(u64, u32)> {
        let keys = needle_keys(needle, flag);
        cheapest_cover(&keys, |key| {
            self.gram_postings(key).map(GramPostings::bytes)
        })
    }

    fn table_of(&self, passage: u32) -> Option<(&Rows, usize)> {
        let Some(Piece::Table(table)) = self
            .pieces
            .get(&Slot(Kind::Table, passage / TABLE_PASSAGES))
        else {
            return None;
        };
        Some((table, passage.checked_sub(table.first)? as usize))
    }

    /// The documents piece of `doc` (none for an id past the last document).
    fn doc_slot(&self, doc: DocId) -> Option<Slot> {
        (doc.0 < self.meta.docs).then_some(Slot(Kind::Docs, doc.0 / DOCS_PER_PIECE))
    }
}

/// `slots` with the passage tables (or lengths pieces) that are more than half of their
/// group replaced by the group, once: fewer requests for at most twice the bytes.
fn grouped(slots: Vec<Slot>) -> Vec<Slot> {
    let group = |slot: &Slot| match slot {
        Slot(Kind::Table, n) => Some(Slot(Kind::TableGroup, n / TABLES_PER_GROUP)),
        Slot(Kind::Lengths, n) => Some(Slot(Kind::LengthsGroup, n / TABLES_PER_GROUP)),
        _ => None,
    };
    let mut wanted: FxHashMap<Slot, u32> = FxHashMap::default();
    for g in slots.iter().filter_map(group) {
        *wanted.entry(g).or_default() += 1;
    }
    let mut seen = FxHashSet::default();
    let mut out = Vec::with_capacity(slots.len());
    for slot in slots {
        match group(&slot) {
            Some(g) if wanted[&g] * 2 > TABLES_PER_GROUP => {
                if seen.insert(g) {
                    out.push(g);
                }
            }
            _ => out.push(slot),
        }
    }
    out
}

/// Passages of one document shown at most: a document may be a whole book.
const READER_PASSAGES: u32 = 200;

/// The passage ids of `document` to show around its passage `number`.
fn reading_window(document: &SiteDocument, number: u32) -> Range<u32> {
    let all = document.passages.clone();
    let wanted = all
        .start
        .saturating_add(number)
        .min(all.end.saturating_sub(1));
    let start = wanted.saturating_sub(READER_PASSAGES / 2).clamp(
        all.start,
        all.end.saturating_sub(READER_PASSAGES).max(all.start),
    );
    start..all.end.min(start + READER_PASSAGES)
}

/// A page ranked while the texts of its passages were missing. Adding them cannot change
/// the ranking (it reads postings, tables and lengths only), so the step that finds them
/// loaded shows this page instead of ranking again: for a common query of a big archive,
/// ranking is most of a page's time.
struct Parked {
    search: (Query, Filters, SitePage),
    /// [`SiteIndex::ranking_pieces`] when it was ranked.
    ranking_pieces: u64,
    matched: Matched,
    ranked: Ranked,
}

impl Parked {
    /// Whether this is the page of that search, and no piece ranking reads came since.
    fn holds_for(
        &self,
        site: &SiteIndex,
        query: &Query,
        filters: &Filters,
        page: SitePage,
    ) -> bool {
        let (q, f, p) = &self.search;
        self.ranking_pieces == site.ranking_pieces && q == query && f == filters && *p == page
    }

    fn resume(self, site: &SiteIndex) -> (Prepared<'_>, Ranked) {
        (Prepared::new(site, self.matched), self.ranked)
    }
}

/// What a search needs next: pieces to fetch, or nothing (its source and ranking).
enum Plan<'a> {
    Fetch(Vec<String>),
    Ready(Box<(Prepared<'a>, Ranked)>),
}

/// Whether ranking needs every matching document's date (in the passage tables).
fn needs_dates(filters: &Filters) -> bool {
    !filters.dates.is_all() || filters.sort != crate::SortOrder::Relevance
}

/// Whether ranking a query needs passage labels: it filters by district or topic.
fn needs_labels(query: &Query, filters: &Filters) -> bool {
    !(filters.districts.is_empty()
        && filters.topics.is_empty()
        && query.districts.is_empty()
        && query.topics.is_empty())
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
    matched: Matched,
    /// The passage table read last, by number: ranking reads passages in id order, so the
    /// next one is nearly always in the same table (no hash probe per passage).
    last_table: Cell<Option<(u32, &'a Rows)>>,
}

/// What a query found in the pieces loaded (the part of [`Prepared`] that a [`Parked`] page
/// keeps).
#[derive(Default)]
struct Matched {
    vocabulary: Vocabulary,
    /// Unit strings of every clause and exclusion of the query.
    needles: Vec<String>,
    /// Passage matches per needle.
    postings: FxHashMap<String, Vec<Posting>>,
    /// Document and length of every matching passage, from the postings.
    placed: PlacedList,
    /// Documents whose title holds the needle, sorted.
    titles: FxHashMap<String, Vec<u32>>,
    /// The loaded passage tables by the first document they date, `(first_doc, number)`,
    /// sorted: where [`SearchSource::doc_date`] finds a document's date.
    dated_tables: Vec<(u32, u32)>,
}

/// Document and length of every matching passage, sorted by passage id. Ranking looks
/// passages up in id order several times per query, for every match (hundreds of
/// thousands for a common word of a big archive): from a cursor at the last one found, a
/// look-up is a step forward in memory, where a hash map probe missed the cache each time.
#[derive(Default)]
struct PlacedList {
    entries: Vec<(u32, Placed)>,
    /// Where the last look-up found its passage.
    cursor: Cell<usize>,
}

/// The entries of two lists sorted by id, sorted, an id in both once.
fn merge_by_id(a: Vec<(u32, Placed)>, b: Vec<(u32, Placed)>) -> Vec<(u32, Placed)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.0 == y.0 => b.next().and(a.next()),
            (Some(x), Some(y)) if x.0 < y.0 => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(entry) => out.push(entry),
            None => return out,
        }
    }
}

impl PlacedList {
    /// The list of the passages in `lists`, each sorted by passage id (one per needle).
    fn of(lists: Vec<Vec<(u32, Placed)>>) -> PlacedList {
        // Merged a pair at a time (a query has a few needles), not sorted: each sort of a
        // new element type adds kilobytes of wasm.
        let entries = lists.into_iter().reduce(merge_by_id).unwrap_or_default();
        PlacedList {
            entries,
            cursor: Cell::new(0),
        }
    }

    fn get(&self, passage: u32) -> Option<Placed> {
        let at = self.cursor.get();
        let here = |i: &usize| self.entries.get(*i).is_some_and(|(id, _)| *id == passage);
        let i = [at, at + 1].into_iter().find(here).or_else(|| {
            self.entries
                .binary_search_by_key(&passage, |(id, _)| *id)
                .ok()
        })?;
        self.cursor.set(i);
        Some(self.entries[i].1)
    }
}

impl<'a> Prepared<'a> {
    fn new(site: &'a SiteIndex, matched: Matched) -> Self {
        Prepared {
            site,
            matched,
            last_table: Cell::new(None),
        }
    }

    /// The passage table holding `passage`, if loaded, and the passage's row in it.
    fn table_of(&self, passage: u32) -> Option<(&'a Rows, usize)> {
        let number = passage / TABLE_PASSAGES;
        let table = match self.last_table.get() {
            Some((n, table)) if n == number => table,
            _ => {
                let (table, _) = self.site.table_of(passage)?;
                self.last_table.set(Some((number, table)));
                table
            }
        };
        Some((table, passage.checked_sub(table.first)? as usize))
    }

    /// Keep what ranking this page made, for [`Parked::resume`].
    fn park(
        self,
        ranked: Ranked,
        search: (Query, Filters, SitePage),
        ranking_pieces: u64,
    ) -> Parked {
        Parked {
            search,
            ranking_pieces,
            matched: self.matched,
            ranked,
        }
    }

    /// Every gram of every needle, in passages and in titles: their buckets say what each
    /// gram's postings weigh.
    fn keys(&self) -> Vec<u64> {
        self.matched
            .needles
            .iter()
            .flat_map(|n| {
                let passage = needle_keys(n, 0);
                let title = needle_keys(n, TITLE_FLAG);
                passage.into_iter().chain(title).map(|(k, _)| k)
            })
            .collect()
    }

    fn gram_pieces(&self, site: &SiteIndex) -> Vec<Slot> {
        self.keys()
            .into_iter()
            .map(|k| site.gram_bucket(k))
            .collect()
    }

    /// The grams whose postings a search reads (gram buckets loaded): the cheapest cover of
    /// each needle, in passages and in titles.
    fn cover_keys(&self, site: &SiteIndex) -> Vec<u64> {
        let covers = self.matched.needles.iter().flat_map(|n| {
            let passage = site.cover(n, 0);
            passage.into_iter().chain(site.cover(n, TITLE_FLAG))
        });
        covers.map(|(key, _)| key).collect()
    }

    fn postings_pieces(&self, site: &SiteIndex) -> Vec<Slot> {
        self.cover_keys(site)
            .into_iter()
            .filter_map(|k| match site.gram_postings(k) {
                Some(GramPostings::Piece { number, .. }) => Some(Slot(Kind::Postings, *number)),
                _ => None,
            })
            .collect()
    }

    /// Where the dates of every document in a loaded passage table are (all the matching
    /// ones when the tables were needed: facets, filters, a date order).
    fn with_dates(mut self, site: &SiteIndex) -> Self {
        // Placed by number, not sorted: in table order, documents are in order too (and a
        // sort of a new element type adds kilobytes of wasm).
        let mut by_number: Vec<Option<u32>> = vec![None; site.meta.counts.tables as usize];
        for piece in site.pieces.values() {
            if let Piece::Table(rows) = piece {
                if let Some(slot) = by_number.get_mut((rows.first / TABLE_PASSAGES) as usize) {
                    *slot = Some(rows.first_doc);
                }
            }
        }
        let numbered = (0u32..).zip(by_number);
        let tables = numbered.filter_map(|(number, first_doc)| Some((first_doc?, number)));
        self.matched.dated_tables = tables.collect();
        self
    }

    /// Match every needle against passages and titles (postings loaded).
    fn with_postings(mut self, site: &SiteIndex) -> Self {
        let mut placed = Vec::new();
        for needle in &self.matched.needles {
            let matches = site.match_needle(needle, 0);
            placed.push(
                matches
                    .iter()
                    .filter_map(|m| Some((m.id, m.placed?)))
                    .collect(),
            );
            let passages = matches
                .iter()
                .map(|m| Posting {
                    passage: m.id,
                    tf: m.count,
                })
                .collect();
            let titles = site.match_needle(needle, TITLE_FLAG);
            let titles = titles.iter().map(|m| m.id).collect();
            self.matched.postings.insert(needle.clone(), passages);
            self.matched.titles.insert(needle.clone(), titles);
        }
        self.matched.placed = PlacedList::of(placed);
        self
    }

    /// The passage tables and lengths pieces a page needs (postings loaded): tables when
    /// the ranking filters by label or weighs a district's names by the passages' tags,
    /// lists every passage (no clauses) or has a one-char clause (its unigram postings
    /// carry no documents), or facets are wanted; lengths for a one-char clause.
    fn placement_pieces(
        &self,
        site: &SiteIndex,
        query: &Query,
        filters: &Filters,
        page: SitePage,
    ) -> Vec<Slot> {
        let clauses = query_clauses(&self.matched.vocabulary, self.district_names(), query);
        let short = |units: &Vec<Unit>| needle_of(units).chars().nth(1).is_none();
        let one_char = clauses.iter().flat_map(|c| &c.alternatives).any(short);
        // The postings of a one-char clause carry no documents: an excluded one needs the
        // tables of its passages to exclude their documents.
        let excluded_short: Vec<Vec<Unit>> =
            excluded_clauses(query).into_iter().filter(short).collect();
        let tables = page.facets
            || needs_labels(query, filters)
            || clauses.iter().any(|c| c.district.is_some())
            || needs_dates(filters)
            || clauses.is_empty()
            || one_char
            || !excluded_short.is_empty();
        let numbers: Vec<u32> = if clauses.is_empty() {
            (0..site.meta.counts.tables).collect()
        } else {
            let excluded = excluded_short.iter().flat_map(|units| self.matches(units));
            let mut numbers: Vec<u32> = clauses
                .iter()
                .flat_map(|clause| union_matches(self, &clause.alternatives))
                .chain(excluded)
                .map(|p| p.passage / TABLE_PASSAGES)
                .collect();
            numbers.sort_unstable();
            numbers.dedup();
            numbers
        };
        let kinds = [(Kind::Table, tables), (Kind::Lengths, one_char)];
        kinds
            .into_iter()
            .filter(|(_, wanted)| *wanted)
            .flat_map(|(kind, _)| numbers.iter().map(move |n| Slot(kind, *n)))
            .collect()
    }
}

impl SearchSource for Prepared<'_> {
    fn vocabulary(&self) -> &Vocabulary {
        &self.matched.vocabulary
    }
    fn district_by_name(&self, name: &str) -> Option<DistrictId> {
        self.site.district_by_name(name)
    }
    fn district_names(&self) -> DistrictNames<'_> {
        DistrictNames {
            districts: &self.site.meta.districts,
            aliases: &self.site.meta.district_aliases,
        }
    }
    fn topic_by_name(&self, name: &str) -> Option<TopicId> {
        self.site.topic_by_name(name)
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
        self.matched
            .postings
            .get(&needle_of(units))
            .cloned()
            .unwrap_or_default()
    }
    /// From the postings of a match, else from the lengths piece of the passage.
    fn length(&self, passage: u32) -> u32 {
        if let Some(placed) = self.matched.placed.get(passage) {
            return placed.length;
        }
        let slot = Slot(Kind::Lengths, passage / TABLE_PASSAGES);
        let Some(Piece::Lengths(lengths)) = self.site.pieces.get(&slot) else {
            return 0;
        };
        let i = (passage % TABLE_PASSAGES) as usize;
        lengths.get(i).copied().unwrap_or(0)
    }
    /// From the postings of a match, else from the passage's table.
    fn doc_of(&self, passage: u32) -> DocId {
        if let Some(placed) = self.matched.placed.get(passage) {
            return DocId(placed.doc);
        }
        let doc = self
            .table_of(passage)
            .and_then(|(t, i)| t.docs.get(i).copied());
        doc.map_or(DocId(u32::MAX), DocId)
    }
    fn labels(&self, passage: u32) -> (&[DistrictId], &[TopicId]) {
        match self.table_of(passage) {
            Some((t, i)) => (t.districts.get(i), t.topics.get(i)),
            None => (&[], &[]),
        }
    }
    fn title_contains(&self, doc: DocId, needle: &str) -> bool {
        self.matched
            .titles
            .get(needle)
            .is_some_and(|docs| docs.binary_search(&doc.0).is_ok())
    }
    /// From the passage tables (fetched whenever dates matter).
    fn doc_date(&self, doc: DocId) -> Option<Date> {
        let tables = &self.matched.dated_tables;
        let i = tables.partition_point(|(first, _)| *first <= doc.0);
        let (first_doc, number) = *tables.get(i.checked_sub(1)?)?;
        let Some(Piece::Table(rows)) = self.site.pieces.get(&Slot(Kind::Table, number)) else {
            return None;
        };
        *rows.dates.get((doc.0 - first_doc) as usize)?
    }
    fn passage_text(&self, passage: u32) -> &str {
        self.site.passage_text(passage).unwrap_or("")
    }
    /// The last query's scores, if this is the same query. They are the same whatever else
    /// is loaded now: a search ranks only once every piece its scores read is loaded (the
    /// tables of a district's passages, the lengths of a one-char clause's).
    fn scored_matches(&self, query: &Query) -> Scored {
        let mut last = self.site.last_scores.borrow_mut();
        if let Some((_, scores)) = last.as_ref().filter(|(q, _)| q == query) {
            return scores.clone();
        }
        let scores = Rc::new(match_set(self, query));
        *last = Some((query.clone(), scores.clone()));
        scores
    }
}

#[cfg(test)]
mod flat_tests {
    use super::*;

    #[test]
    fn labels_whose_counts_overrun_their_ids_read_as_empty_lists() {
        let labels = Labels {
            counts: vec![1, 5, 1, u32::MAX],
            items: vec![DistrictId(3), DistrictId(4)],
        };
        let flat = Flat::of(labels);
        assert_eq!(flat.get(0), &[DistrictId(3)]);
        let none: &[DistrictId] = &[];
        for i in 1..6 {
            assert_eq!(flat.get(i), none, "list {i}");
        }
    }
}
