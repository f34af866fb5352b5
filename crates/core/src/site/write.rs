//! Writing a site index from a [`Corpus`] (build time, natively by the CLI).

use super::grams::{passes_for, write_grams, GramText};
use super::piece::{bucket_of, seal, serialize, Kind, PieceId, META_NAME};
use super::postings::TITLE_FLAG;
use super::{
    DocsPiece, KeyBucket, Lengths, Meta, MetaTail, PieceCounts, SiteDocument, Table, TextsPiece,
    DOCS_PER_PIECE, SITE_VERSION, TABLES_PER_GROUP, TABLE_PASSAGES, TEXTS_PER_PIECE,
};
use crate::{Corpus, Passage, PassageId};

/// Target size of a vocabulary bucket before compression.
const VOCABULARY_BUCKET_BYTES: usize = 2 * 1024;
/// Link keys per key bucket (on average).
const KEYS_PER_BUCKET: usize = 1024;

/// What was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteSummary {
    /// Number of pieces written, the meta included.
    pub pieces: usize,
    /// Their total size in bytes.
    pub bytes: u64,
    /// Size of the meta piece (what every page loads first).
    pub meta_bytes: u64,
    /// The build id in every piece's name.
    pub build: u64,
}

/// Uncompressed bytes of pieces gathered before they are compressed and emitted, in
/// parallel: enough to keep every core busy, little next to the corpus.
const BATCH_BYTES: usize = 16 << 20;

/// Writes pieces through the caller's `emit`, numbering them per kind. Pieces are
/// compressed and emitted a batch at a time on every core: compressing and creating
/// thousands of files is most of a build's time.
pub(super) struct Pieces<E> {
    emit: E,
    build: u64,
    next_postings: u32,
    batch: Vec<(PieceId, Vec<u8>)>,
    batch_bytes: usize,
    summary: SiteSummary,
}

impl<E: Fn(&str, &[u8]) -> std::io::Result<()> + Sync> Pieces<E> {
    pub(super) fn put<T: serde::Serialize + ?Sized>(
        &mut self,
        kind: Kind,
        number: u32,
        value: &T,
    ) -> std::io::Result<()> {
        let id = PieceId {
            kind,
            build: self.build,
            number,
        };
        let plain = serialize(value);
        self.batch_bytes += plain.len();
        self.batch.push((id, plain));
        if self.batch_bytes >= BATCH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Write a postings piece; returns its number.
    pub(super) fn put_postings(&mut self, bytes: &[u8]) -> std::io::Result<u32> {
        let number = self.next_postings;
        self.next_postings += 1;
        self.put(Kind::Postings, number, serde_bytes::Bytes::new(bytes))?;
        Ok(number)
    }

    /// Seal and emit the batch on every core. Thread t of n takes pieces t, t + n, …:
    /// their sizes vary, interleaving evens them out.
    pub(super) fn flush(&mut self) -> std::io::Result<()> {
        let batch = std::mem::take(&mut self.batch);
        self.batch_bytes = 0;
        let emit = &self.emit;
        let written = on_every_core(|t, n| -> std::io::Result<Vec<(PieceId, usize)>> {
            let mine = batch.iter().skip(t).step_by(n);
            mine.map(|(id, plain)| {
                let bytes = seal(*id, plain);
                emit(&id.name(), &bytes)?;
                Ok((*id, bytes.len()))
            })
            .collect()
        });
        for (id, bytes) in written
            .into_iter()
            .collect::<std::io::Result<Vec<_>>>()?
            .concat()
        {
            self.summary.pieces += 1;
            self.summary.bytes += bytes as u64;
            if id.kind == Kind::Meta {
                self.summary.meta_bytes = bytes as u64;
            }
        }
        Ok(())
    }
}

/// The cores a build runs on (one in a browser).
pub(super) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Run `work(t, n)` for t in 0..n on n threads, one per available core; results by t.
pub(super) fn on_every_core<T: Send>(work: impl Fn(usize, usize) -> T + Sync) -> Vec<T> {
    let n = cores();
    if n == 1 {
        return vec![work(0, 1)];
    }
    let work = &work;
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..n).map(|t| scope.spawn(move || work(t, n))).collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// How far a site write is: `done` of `steps` steps. Each pass over the gram groups is a
/// step (together most of a write's time), then the other index pieces, the texts, and
/// the link keys with the meta.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SiteProgress {
    /// Steps done.
    pub done: u32,
    /// Steps in all (known once the text is read: the passes depend on its size).
    pub steps: u32,
}

/// The steps of a write after its passes over the gram groups.
const STEPS_AFTER_GRAMS: u32 = 3;

/// Write the site index of `corpus`: `emit(name, bytes)` is called once per piece, from
/// several threads at once, the meta (`site.qxs`) last, so a folder with a meta is a
/// complete site.
pub fn write_site(
    corpus: &Corpus,
    emit: impl Fn(&str, &[u8]) -> std::io::Result<()> + Sync,
) -> std::io::Result<SiteSummary> {
    write_site_in_passes(corpus, emit, |_| {}, None)
}

/// [`write_site`], telling `progress` at the start and after each step (once every piece
/// of the step is emitted): a browser shows how far writing a big library is.
pub fn write_site_with_progress(
    corpus: &Corpus,
    emit: impl Fn(&str, &[u8]) -> std::io::Result<()> + Sync,
    progress: impl FnMut(SiteProgress),
) -> std::io::Result<SiteSummary> {
    write_site_in_passes(corpus, emit, progress, None)
}

/// [`write_site_with_progress`], the gram postings built in `passes` passes (by default as
/// many as the text's size needs: see `grams`); any number writes the same pieces.
pub(crate) fn write_site_in_passes(
    corpus: &Corpus,
    emit: impl Fn(&str, &[u8]) -> std::io::Result<()> + Sync,
    mut progress: impl FnMut(SiteProgress),
    passes: Option<u32>,
) -> std::io::Result<SiteSummary> {
    let mut out = Pieces {
        emit,
        build: build_id(corpus),
        next_postings: 0,
        batch: Vec::new(),
        batch_bytes: 0,
        summary: SiteSummary::default(),
    };
    let text = GramText::new(corpus);
    let passes = passes.unwrap_or_else(|| passes_for(text.units()));
    let steps = passes + STEPS_AFTER_GRAMS;
    let mut report = |done| progress(SiteProgress { done, steps });
    report(0);
    let grams = write_grams(&text, passes, &mut out, &mut |pass| report(pass + 1))?;
    let lengths = text.lengths;
    let vocabulary = write_vocabulary(corpus, &mut out)?;
    let tables = write_tables(corpus, &mut out)?;
    let lengths_pieces = write_lengths(&lengths, &mut out)?;
    let docs = write_docs(corpus, &mut out)?;
    out.flush()?;
    report(passes + 1);
    let texts = write_texts(corpus, &mut out)?;
    out.flush()?;
    report(passes + 2);
    let counts = PieceCounts {
        grams,
        vocabulary,
        postings: out.next_postings,
        tables,
        lengths: lengths_pieces,
        docs,
        texts,
        keys: write_keys(corpus, &mut out)?,
    };
    let summary = write_meta(corpus, &lengths, counts, out)?;
    report(steps);
    Ok(summary)
}

/// Write the meta, once every other piece is emitted: a folder with a meta is a complete
/// site, and the meta says how big the rest is.
fn write_meta<E: Fn(&str, &[u8]) -> std::io::Result<()> + Sync>(
    corpus: &Corpus,
    lengths: &[u32],
    counts: PieceCounts,
    mut out: Pieces<E>,
) -> std::io::Result<SiteSummary> {
    out.flush()?;
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
        counts,
        index_bytes: out.summary.bytes,
    };
    debug_assert_eq!(
        PieceId {
            kind: Kind::Meta,
            build: 0,
            number: 0
        }
        .name(),
        META_NAME
    );
    let tail = MetaTail {
        tiles: corpus.district_tiles.clone(),
    };
    out.put(Kind::Meta, 0, &(meta, tail))?;
    out.flush()?;
    Ok(SiteSummary {
        build: out.build,
        ..out.summary
    })
}

/// The build id: a hash of the format and of everything the pieces are made from, so two
/// builds share piece names only when they share every piece.
fn build_id(corpus: &Corpus) -> u64 {
    /// Feeds postcard's output to the hasher in blocks.
    struct Sink(xxhash_rust::xxh3::Xxh3, Vec<u8>);
    impl Extend<u8> for Sink {
        fn extend<I: IntoIterator<Item = u8>>(&mut self, bytes: I) {
            self.1.extend(bytes);
            if self.1.len() >= 1 << 16 {
                self.0.update(&self.1);
                self.1.clear();
            }
        }
    }
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&[SITE_VERSION]);
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    // invariant: serializing plain owned data cannot fail.
    #[allow(clippy::expect_used)]
    let mut sink = postcard::to_extend(corpus, Sink(hasher, Vec::new()))
        .expect("postcard serializes owned data");
    sink.0.update(&sink.1);
    sink.0.digest()
}

/// The bucket of a gram; a title gram goes where its passage gram goes.
pub(crate) fn gram_bucket(key: u64, count: u32) -> u32 {
    bucket_of(&(key & !TITLE_FLAG).to_le_bytes(), count)
}

/// The bucket of the vocabulary words starting with `first`.
pub(crate) fn vocabulary_bucket(first: char, count: u32) -> u32 {
    let mut utf8 = [0; 4];
    bucket_of(first.encode_utf8(&mut utf8).as_bytes(), count)
}

/// Vocabulary buckets by hash of each word's first char; returns their number.
fn write_vocabulary<E: Fn(&str, &[u8]) -> std::io::Result<()> + Sync>(
    corpus: &Corpus,
    out: &mut Pieces<E>,
) -> std::io::Result<u32> {
    let bytes: usize = corpus.vocabulary.iter().map(|(w, _)| w.len() + 2).sum();
    let count = bytes.div_ceil(VOCABULARY_BUCKET_BYTES).max(1) as u32;
    let mut buckets: Vec<Vec<(String, u32)>> = vec![Vec::new(); count as usize];
    for (word, n) in &corpus.vocabulary {
        if let Some(first) = word.chars().next() {
            buckets[vocabulary_bucket(first, count) as usize].push((word.clone(), *n));
        }
    }
    for (number, bucket) in buckets.iter().enumerate() {
        out.put(Kind::Vocabulary, number as u32, bucket)?;
    }
    Ok(count)
}

/// Documents pieces (metadata) of `DOCS_PER_PIECE` documents each; returns their number.
fn write_docs<E: Fn(&str, &[u8]) -> std::io::Result<()> + Sync>(
    corpus: &Corpus,
    out: &mut Pieces<E>,
) -> std::io::Result<u32> {
    let mut count = 0;
    for number in 0..corpus.docs.len().div_ceil(DOCS_PER_PIECE as usize) as u32 {
        let first = number * DOCS_PER_PIECE;
        let end = (first + DOCS_PER_PIECE).min(corpus.docs.len() as u32);
        out.put(Kind::Docs, number, &docs_piece(corpus, first..end))?;
        count += 1;
    }
    Ok(count)
}

/// The metadata of documents `ids`.
fn docs_piece(corpus: &Corpus, ids: std::ops::Range<u32>) -> DocsPiece {
    let docs = corpus.docs[ids.start as usize..ids.end as usize].iter();
    DocsPiece {
        first: ids.start,
        docs: docs
            .map(|d| SiteDocument {
                key: d.key.clone(),
                title: d.title.clone(),
                date: d.date.clone(),
                source: d.source.clone(),
                url: d.url.clone(),
                passages: d.passages.clone(),
            })
            .collect(),
    }
}

/// Texts pieces of `TEXTS_PER_PIECE` passages each, with their documents; returns their
/// number.
fn write_texts<E: Fn(&str, &[u8]) -> std::io::Result<()> + Sync>(
    corpus: &Corpus,
    out: &mut Pieces<E>,
) -> std::io::Result<u32> {
    let mut count = 0;
    for (number, chunk) in corpus.passages.chunks(TEXTS_PER_PIECE as usize).enumerate() {
        let first = number as u32 * TEXTS_PER_PIECE;
        // `chunks` never yields an empty chunk; passages are in document order.
        let docs = chunk[0].doc.0..chunk[chunk.len() - 1].doc.0 + 1;
        let piece = TextsPiece {
            first,
            texts: (first..)
                .zip(chunk)
                .map(|(p, _)| corpus.passage_text(PassageId(p)).to_string())
                .collect(),
            districts: chunk.iter().map(|p| p.districts.clone()).collect(),
            topics: chunk.iter().map(|p| p.topics.clone()).collect(),
            docs: docs_piece(corpus, docs),
        };
        out.put(Kind::Texts, number as u32, &piece)?;
        count += 1;
    }
    Ok(count)
}

/// Passage tables of `TABLE_PASSAGES` passages each, then the same tables in groups of
/// `TABLES_PER_GROUP`; returns the number of tables.
fn write_tables<E: Fn(&str, &[u8]) -> std::io::Result<()> + Sync>(
    corpus: &Corpus,
    out: &mut Pieces<E>,
) -> std::io::Result<u32> {
    let tables: Vec<Table> = corpus
        .passages
        .chunks(TABLE_PASSAGES as usize)
        .enumerate()
        .map(|(t, chunk)| table_of(corpus, t as u32 * TABLE_PASSAGES, chunk))
        .collect();
    put_grouped(out, (Kind::Table, Kind::TableGroup), &tables)
}

/// Write `items` as pieces of `kinds.0`, then again in groups of [`TABLES_PER_GROUP`] as
/// pieces of `kinds.1` (a reader needing most of a group fetches it whole); returns the
/// number of items.
fn put_grouped<T: serde::Serialize, E: Fn(&str, &[u8]) -> std::io::Result<()> + Sync>(
    out: &mut Pieces<E>,
    (kind, group_kind): (Kind, Kind),
    items: &[T],
) -> std::io::Result<u32> {
    for (n, item) in items.iter().enumerate() {
        out.put(kind, n as u32, item)?;
    }
    for (g, group) in items.chunks(TABLES_PER_GROUP as usize).enumerate() {
        out.put(group_kind, g as u32, &group)?;
    }
    Ok(items.len() as u32)
}

/// The passage table of `chunk`, the passages from `first` on.
fn table_of(corpus: &Corpus, first: u32, chunk: &[Passage]) -> Table {
    let first_doc = chunk.first().map_or(0, |p| p.doc.0);
    let mut table = Table {
        first,
        first_doc,
        ..Table::default()
    };
    for p in chunk {
        let run = (p.doc.0 - first_doc) as usize;
        table.runs.resize(run + 1, 0);
        table.runs[run] += 1;
        table.dates.resize(run + 1, None);
        table.dates[run] = corpus
            .doc(p.doc)
            .and_then(|d| d.date.as_deref())
            .and_then(crate::Date::parse_loose);
        table.districts.push(&p.districts);
        table.topics.push(&p.topics);
    }
    table
}

/// Passage lengths, `TABLE_PASSAGES` per piece; returns the number of pieces.
fn write_lengths<E: Fn(&str, &[u8]) -> std::io::Result<()> + Sync>(
    lengths: &[u32],
    out: &mut Pieces<E>,
) -> std::io::Result<u32> {
    let pieces: Vec<Lengths> = lengths
        .chunks(TABLE_PASSAGES as usize)
        .map(Lengths::from)
        .collect();
    put_grouped(out, (Kind::Lengths, Kind::LengthsGroup), &pieces)
}

/// Link-key buckets: `(key, document id)` by hash of the key; returns their number.
fn write_keys<E: Fn(&str, &[u8]) -> std::io::Result<()> + Sync>(
    corpus: &Corpus,
    out: &mut Pieces<E>,
) -> std::io::Result<u32> {
    let count = corpus.docs.len().div_ceil(KEYS_PER_BUCKET).max(1) as u32;
    let mut buckets: Vec<KeyBucket> = vec![Vec::new(); count as usize];
    for (d, doc) in corpus.docs.iter().enumerate() {
        let entry = (doc.key.clone(), d as u32);
        buckets[bucket_of(doc.key.as_bytes(), count) as usize].push(entry);
    }
    for (number, bucket) in buckets.iter().enumerate() {
        out.put(Kind::Keys, number as u32, bucket)?;
    }
    Ok(count)
}
