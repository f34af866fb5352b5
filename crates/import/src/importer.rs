//! The platform-free importer: the user's files, one at a time → one corpus bundle.
//!
//! Input: jieba's dictionary text (`dict.txt` format), optional gazetteer and topic lexicon
//! texts (the Chongqing defaults otherwise), then files by name and bytes. Output: the
//! bundle bytes and an [`ImportReport`].
//!
//! Files go to core's [`CorpusBuilder`] unchanged (`.txt`, `.md`, `.html`, `.jsonl` and
//! whatever else core reads or rejects with a reason). Two kinds are handled here first:
//! `.zip` archives, whose entries are added one by one as `archive.zip/path` (see
//! `archive`), and `.qx` bundles, whose documents are added again (their stored text and
//! passages) so the current gazetteer and lexicon annotate them and duplicates by content
//! are caught by the builder ("duplicate of …"). A `.qx` imported alone is kept as it was
//! built, with its own districts, topics and map (exported and imported again, a library
//! is the same library).
//!
//! Not done here: decoding, segmentation, annotation (all core), or anything about JS.

use crate::archive;
use quxian_core::{
    raw_documents_from_bytes, raw_documents_to_bytes, BuildReport, Corpus, CorpusBuilder,
    DataFiles, Gazetteer, Lexicon, PreparedDocuments, PreparedFile, RawDoc, Segmenter, SkipReason,
    Skipped,
};
use serde::Serialize;

/// What can go wrong outside a single file (a bad file is a [`Skipped`] entry instead).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A bad dictionary, gazetteer or lexicon line, or an unusable bundle.
    #[error(transparent)]
    Core(#[from] quxian_core::Error),
    /// `add_file` or `finish` after `finish`.
    #[error("this import is finished; start a new one")]
    Finished,
}

/// A file or document left out, as JS sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedFile {
    /// File name (`archive.zip/path` inside archives, `#line` for JSONL records, the
    /// document key for documents from bundles).
    pub name: String,
    /// Why, typed: JS receives `{ kind, …fields }` and words it in Chinese by `kind`
    /// (`reasonLabel` in `quxian-library.js`), never by parsing English.
    pub reason: SkipReason,
}

impl From<Skipped> for SkippedFile {
    fn from(s: Skipped) -> Self {
        SkippedFile {
            name: s.name,
            reason: s.reason,
        }
    }
}

/// What one `add_file` did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FileResult {
    /// Documents added from this file.
    pub added: usize,
    /// What was left out of this file and why: whole files (binary, empty, undecodable,
    /// unsupported), archive entries, bundles, and documents that duplicate an earlier one
    /// (`duplicate of KEY`).
    pub skipped: Vec<SkippedFile>,
}

/// Totals of an import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Files given to `add_file` (an archive counts once).
    pub files: usize,
    /// Documents in the library.
    pub documents: usize,
    /// Passages in the library; `None` until `finish`.
    pub passages: Option<usize>,
    /// Bytes of the files given to `add_file`.
    pub input_bytes: u64,
    /// After `finish`: bytes of the library's text (its documents' text, UTF-8), what its
    /// size is judged by; files left out count in `input_bytes` only.
    pub text_bytes: u64,
    /// Everything left out, with reasons. Before `finish`, only whole files and archive
    /// entries; after, also each document the builder refused (duplicates, empty text,
    /// bad JSONL lines).
    pub skipped: Vec<SkippedFile>,
    /// After `finish`: the text of the library's gazetteer (`None`: the built-in one),
    /// which its record keeps for editing and re-annotation — a `.qx` imported alone
    /// brings its own.
    pub gazetteer: Option<String>,
    /// After `finish`: the text of its topic lexicon, the same way.
    pub topics: Option<String>,
    /// After `finish`, for a `.qx` imported alone: its file name without `.qx` (an
    /// exported library's name).
    pub name: Option<String>,
}

/// Builds one library from the user's files.
pub struct Importer {
    builder: Option<CorpusBuilder>,
    report: ImportReport,
    /// Skips found here (archives, bundles); core's own are in its report at `finish`.
    own_skipped: Vec<SkippedFile>,
    /// The file begun by [`Importer::begin_file`], until it is done.
    open: Option<OpenFile>,
    /// The first file's bytes when it is a `.qx` library: imported alone, the library is
    /// kept as it was built — its own districts, topics and map, from data files that this
    /// import may not have — rather than annotated again with the import's.
    first_library: Option<(String, Vec<u8>)>,
}

/// A file added a few documents at a time (see [`Importer::begin_file`]).
struct OpenFile {
    docs: std::vec::IntoIter<RawDoc>,
    total: usize,
    /// A `.zip` added an entry at a time instead of documents.
    archive: Option<OpenArchive>,
    /// The builder's skip count before this plain file, to report the file's own skips
    /// once it is done; `None` for an archive or a bundle.
    skipped_before: Option<usize>,
    result: FileResult,
}

/// The entries of a `.zip` still to add (`None`: it could not be opened), and what was
/// skipped of it so far, reported at its end.
struct OpenArchive {
    entries: Option<archive::Entries>,
    own: Vec<SkippedFile>,
}

impl OpenFile {
    /// A file with nothing more to add.
    fn done(result: FileResult) -> Self {
        OpenFile {
            docs: Vec::new().into_iter(),
            total: 0,
            archive: None,
            skipped_before: None,
            result,
        }
    }
}

impl std::fmt::Debug for Importer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Importer")
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}

/// A segmenter and builder over `dict` with the given (or default) data files.
fn builder(
    dict: &[u8],
    gazetteer_text: Option<&str>,
    topics_text: Option<&str>,
) -> Result<CorpusBuilder, Error> {
    let gazetteer = match gazetteer_text {
        Some(text) => Gazetteer::parse(text, "gazetteer")?,
        None => Gazetteer::chongqing(),
    };
    let lexicon = match topics_text {
        Some(text) => Lexicon::parse(text, "topics")?,
        None => Lexicon::default_topics(),
    };
    let mut dict = dict;
    let segmenter = Segmenter::with_dict(&mut dict, &gazetteer, &lexicon)?;
    let mut builder = CorpusBuilder::new(segmenter, gazetteer, lexicon);
    builder.keep_data_files(DataFiles {
        gazetteer: gazetteer_text.map(str::to_string),
        topics: topics_text.map(str::to_string),
    });
    Ok(builder)
}

impl Importer {
    /// Load jieba's dictionary (`word [freq] [tag]` lines) and the data files. Errors name
    /// the file and line (`gazetteer line 12: …`).
    pub fn new(dict: &[u8], gazetteer: Option<&str>, topics: Option<&str>) -> Result<Self, Error> {
        Ok(Importer {
            builder: Some(builder(dict, gazetteer, topics)?),
            report: ImportReport::default(),
            own_skipped: Vec::new(),
            open: None,
            first_library: None,
        })
    }

    /// Add one file the user chose, whole; its extension picks how it is read. (The
    /// browser's worker adds files a few documents at a time: see
    /// [`begin_file`](Self::begin_file).)
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) -> Result<FileResult, Error> {
        if extension(name) == "zip" {
            self.begin_file(name, bytes)?;
            loop {
                if let Some(result) = self.continue_file(usize::MAX)? {
                    return Ok(result);
                }
            }
        }
        let builder = self.builder.as_mut().ok_or(Error::Finished)?;
        self.report.files += 1;
        self.report.input_bytes += bytes.len() as u64;
        if self.report.files == 1 && extension(name) == "qx" {
            self.first_library = Some((name.to_string(), bytes.to_vec()));
        }
        let mut own = Vec::new();
        let mut result = add_plain_or_bundle(builder, name, bytes, &mut own);
        self.report.documents += result.added;
        self.report_own(&mut result, own);
        Ok(result)
    }

    /// Skips found here (archives, bundles) go at the end of the file's result and into
    /// the report.
    fn report_own(&mut self, result: &mut FileResult, own: Vec<SkippedFile>) {
        result.skipped.extend(own.iter().cloned());
        self.own_skipped.extend(own.iter().cloned());
        self.report.skipped.extend(own);
    }

    /// The library's bundle bytes; the report then holds the builder's final totals. A
    /// `.qx` library imported alone comes back as it was (see `first_library`).
    pub fn finish(&mut self) -> Result<Vec<u8>, Error> {
        let builder = self.builder.take().ok_or(Error::Finished)?;
        let (corpus, core) = builder.finish();
        let alone = self
            .first_library
            .take()
            .filter(|_| self.report.files == 1)
            .and_then(|(name, bytes)| Some((name, Corpus::from_bundle(&bytes).ok()?)));
        self.report = merge(&self.report, core, &self.own_skipped);
        let Some((name, library)) = alone else {
            self.report.keep_data_files(&corpus);
            return Ok(corpus.to_bundle());
        };
        self.report.documents = library.docs.len();
        self.report.passages = Some(library.passages.len());
        self.report.skipped = self.own_skipped.clone();
        self.report.keep_data_files(&library);
        let stem = std::path::Path::new(&name).file_stem();
        self.report.name = stem.map(|s| s.to_string_lossy().into_owned());
        Ok(library.to_bundle())
    }

    /// Begin adding a file whose documents [`continue_file`](Self::continue_file) then adds
    /// a few at a time, so that the caller can do other work in between (the browser's
    /// import answers searches and a cancel inside a JSONL archive of 100 MB). A `.zip` or
    /// `.qx` file is added whole here. A file begun before and not finished is dropped.
    pub fn begin_file(&mut self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        let builder = self.builder.as_mut().ok_or(Error::Finished)?;
        self.open = None;
        match extension(name).as_str() {
            "qx" => {
                let result = self.add_file(name, bytes)?;
                self.open = Some(OpenFile::done(result));
            }
            "zip" => {
                self.report.files += 1;
                self.report.input_bytes += bytes.len() as u64;
                let mut own = Vec::new();
                let entries = archive::Entries::open(name, bytes.to_vec())
                    .map_err(|reason| {
                        own.push(SkippedFile {
                            name: name.to_string(),
                            reason,
                        })
                    })
                    .ok();
                self.open = Some(OpenFile {
                    archive: Some(OpenArchive { entries, own }),
                    ..OpenFile::done(FileResult::default())
                });
            }
            _ => {
                self.report.files += 1;
                self.report.input_bytes += bytes.len() as u64;
                let skipped_before = Some(builder.report().skipped.len());
                let docs = builder.open_file(name, bytes);
                self.open = Some(OpenFile {
                    total: docs.len(),
                    docs: docs.into_iter(),
                    skipped_before,
                    ..OpenFile::done(FileResult::default())
                });
            }
        }
        Ok(())
    }

    /// Add up to `max_docs` more documents of the file begun; its result once every
    /// document is added (`None` while some remain, or when no file was begun).
    pub fn continue_file(&mut self, max_docs: usize) -> Result<Option<FileResult>, Error> {
        let builder = self.builder.as_mut().ok_or(Error::Finished)?;
        let Some(open) = self.open.as_mut() else {
            return Ok(None);
        };
        if let Some(archive) = open.archive.as_mut() {
            let added = add_entries(builder, archive, &mut open.result, max_docs);
            self.report.documents += added;
            if archive.entries.is_some() {
                return Ok(None);
            }
            let Some(mut open) = self.open.take() else {
                return Ok(None);
            };
            let own = open.archive.take().map(|a| a.own).unwrap_or_default();
            self.report_own(&mut open.result, own);
            return Ok(Some(open.result));
        }
        // The running report counts documents as they are added: a snapshot taken inside
        // a big file says how many it holds.
        for raw in open.docs.by_ref().take(max_docs) {
            let added = usize::from(builder.add_document(raw));
            open.result.added += added;
            self.report.documents += added;
        }
        if open.docs.len() > 0 {
            return Ok(None);
        }
        let Some(mut open) = self.open.take() else {
            return Ok(None);
        };
        if let Some(before) = open.skipped_before {
            open.result.skipped.extend(skipped_since(builder, before));
        }
        Ok(Some(open.result))
    }

    /// Read, segment and annotate a plain document file (not a `.zip` or `.qx`: those are
    /// added by [`begin_file`](Self::begin_file)) without adding it: the bytes go to the
    /// importer that builds the library, whose [`commit_prepared`](Self::commit_prepared)
    /// adds them in file order. The browser's import runs this in a pool of workers.
    /// `None` for a file with anything to skip: the builder adds that one itself, so that
    /// it reports why.
    pub fn prepare_file(&self, name: &str, bytes: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        let builder = self.builder.as_ref().ok_or(Error::Finished)?;
        Ok(builder.prepare_file(name, bytes).to_bytes())
    }

    /// Add a file that [`prepare_file`](Self::prepare_file) prepared, here or in another
    /// worker with the same dictionary and data files: the library is then the same as if
    /// the file had been added here.
    pub fn commit_prepared(&mut self, prepared: &[u8]) -> Result<FileResult, Error> {
        let builder = self.builder.as_mut().ok_or(Error::Finished)?;
        let prepared = PreparedFile::from_bytes(prepared)?;
        self.report.files += 1;
        self.report.input_bytes += prepared.input_bytes();
        let result = commit_file(builder, prepared);
        self.report.documents += result.added;
        Ok(result)
    }

    /// Up to `max_docs` more documents of the file begun, as bytes for
    /// [`prepare_documents`](Self::prepare_documents) in another worker; `None` when none
    /// remain. Each batch taken must come back, in order, through
    /// [`commit_documents`](Self::commit_documents) or [`add_documents`](Self::add_documents);
    /// [`continue_file`](Self::continue_file) then gives the file's result.
    pub fn take_documents(&mut self, max_docs: usize) -> Option<Vec<u8>> {
        let open = self.open.as_mut()?;
        let docs: Vec<RawDoc> = open.docs.by_ref().take(max_docs).collect();
        (!docs.is_empty()).then(|| raw_documents_to_bytes(&docs))
    }

    /// Segment and annotate documents from [`take_documents`](Self::take_documents), here or
    /// in another worker with the same dictionary and data files; `None` when one of them
    /// is to be skipped (the builder then [`add_documents`](Self::add_documents) them).
    pub fn prepare_documents(&self, raw: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        let builder = self.builder.as_ref().ok_or(Error::Finished)?;
        let docs = raw_documents_from_bytes(raw)?;
        Ok(builder.prepare_documents(docs).to_bytes())
    }

    /// Add documents from [`take_documents`](Self::take_documents) here, whole.
    pub fn add_documents(&mut self, raw: &[u8]) -> Result<(), Error> {
        let builder = self.builder.as_mut().ok_or(Error::Finished)?;
        let added = raw_documents_from_bytes(raw)?
            .into_iter()
            .map(|doc| usize::from(builder.add_document(doc)))
            .sum();
        self.count_added(added);
        Ok(())
    }

    /// Add documents that [`prepare_documents`](Self::prepare_documents) prepared, in order.
    pub fn commit_documents(&mut self, prepared: &[u8]) -> Result<(), Error> {
        let builder = self.builder.as_mut().ok_or(Error::Finished)?;
        let added = builder.commit_documents(PreparedDocuments::from_bytes(prepared)?);
        self.count_added(added);
        Ok(())
    }

    /// Documents added to the file begun, counted as they are (a snapshot says how many).
    fn count_added(&mut self, added: usize) {
        self.count_entry(FileResult {
            added,
            skipped: Vec::new(),
        });
    }

    /// What adding one entry of the archive begun did, added to the file's result.
    fn count_entry(&mut self, entry: FileResult) {
        if let Some(open) = self.open.as_mut() {
            open.result.added += entry.added;
            open.result.skipped.extend(entry.skipped);
        }
        self.report.documents += entry.added;
    }

    /// The next regular file in the archive begun, `(archive.zip/path, bytes)`, for
    /// [`prepare_file`](Self::prepare_file) in another worker; entries left out are
    /// recorded on the way. `None` at its end (or when no archive was begun). Each entry
    /// taken comes back, in order, through [`commit_entry`](Self::commit_entry) or
    /// [`add_entry`](Self::add_entry); [`continue_file`](Self::continue_file) then gives
    /// the archive's result.
    pub fn take_entry(&mut self) -> Option<(String, Vec<u8>)> {
        let OpenArchive { entries, own } = self.open.as_mut()?.archive.as_mut()?;
        let reader = entries.as_mut()?;
        loop {
            match reader.next_item() {
                Some(archive::Item::File(name, data)) => return Some((name, data.to_vec())),
                Some(archive::Item::Skipped(skipped)) => own.push(skipped.into()),
                None => {
                    *entries = None;
                    return None;
                }
            }
        }
    }

    /// Add an entry from [`take_entry`](Self::take_entry) that
    /// [`prepare_file`](Self::prepare_file) prepared, in order.
    pub fn commit_entry(&mut self, prepared: &[u8]) -> Result<(), Error> {
        let builder = self.builder.as_mut().ok_or(Error::Finished)?;
        let result = commit_file(builder, PreparedFile::from_bytes(prepared)?);
        self.count_entry(result);
        Ok(())
    }

    /// Add an entry from [`take_entry`](Self::take_entry) here, in order.
    pub fn add_entry(&mut self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        let builder = self.builder.as_mut().ok_or(Error::Finished)?;
        let mut own = Vec::new();
        let result = add_plain_or_bundle(builder, name, bytes, &mut own);
        if let Some(archive) = self.open.as_mut().and_then(|open| open.archive.as_mut()) {
            archive.own.extend(own);
        }
        self.count_entry(result);
        Ok(())
    }

    /// The share (0..=1) of the begun file's documents added so far.
    pub fn file_share(&self) -> f64 {
        match &self.open {
            Some(OpenFile {
                archive:
                    Some(OpenArchive {
                        entries: Some(entries),
                        ..
                    }),
                ..
            }) => entries.share(),
            Some(open) if open.total > 0 => {
                (open.total - open.docs.len()) as f64 / open.total as f64
            }
            _ => 1.0,
        }
    }

    /// The bundle of the documents added so far (core's
    /// [`CorpusBuilder::snapshot_bundle`]), so a long import can be searched while it
    /// runs; the import goes on.
    pub fn snapshot(&mut self) -> Result<Vec<u8>, Error> {
        let builder = self.builder.as_mut().ok_or(Error::Finished)?;
        Ok(builder.snapshot_bundle())
    }

    /// Totals so far, or the final ones after `finish`.
    pub fn report(&self) -> &ImportReport {
        &self.report
    }
}

/// The final report: counts of what the user gave, documents and passages from the builder,
/// the builder's skips first (in file order), then archive and bundle skips.
fn merge(running: &ImportReport, core: BuildReport, own: &[SkippedFile]) -> ImportReport {
    let mut skipped: Vec<SkippedFile> = core.skipped.into_iter().map(SkippedFile::from).collect();
    skipped.extend(own.iter().cloned());
    ImportReport {
        files: running.files,
        documents: core.documents,
        passages: Some(core.passages),
        input_bytes: running.input_bytes,
        text_bytes: core.text_bytes,
        skipped,
        ..ImportReport::default()
    }
}

impl ImportReport {
    /// The data-file texts of the library built.
    fn keep_data_files(&mut self, library: &Corpus) {
        self.gazetteer = library.data_files.gazetteer.clone();
        self.topics = library.data_files.topics.clone();
    }
}

/// Add a prepared file (or archive entry): what it added and what of it the builder skipped.
fn commit_file(builder: &mut CorpusBuilder, prepared: PreparedFile) -> FileResult {
    let before = builder.report().skipped.len();
    let added = builder.commit_file(prepared);
    FileResult {
        added,
        skipped: skipped_since(builder, before).collect(),
    }
}

/// What the builder skipped since it had skipped `before` things.
fn skipped_since(builder: &CorpusBuilder, before: usize) -> impl Iterator<Item = SkippedFile> + '_ {
    let skipped = builder.report().skipped.get(before..).unwrap_or(&[]);
    skipped.iter().cloned().map(SkippedFile::from)
}

/// Add up to `max_entries` more entries of an archive (all of each entry's documents);
/// `archive.entries` becomes `None` at its end. Returns the documents added.
fn add_entries(
    builder: &mut CorpusBuilder,
    archive: &mut OpenArchive,
    result: &mut FileResult,
    max_entries: usize,
) -> usize {
    let OpenArchive { entries, own } = archive;
    let Some(reader) = entries.as_mut() else {
        return 0;
    };
    let mut added = 0;
    for _ in 0..max_entries {
        match reader.next_item() {
            Some(archive::Item::File(entry, data)) => {
                let r = add_plain_or_bundle(builder, &entry, data, own);
                added += r.added;
                result.skipped.extend(r.skipped);
            }
            Some(archive::Item::Skipped(skipped)) => own.push(skipped.into()),
            None => {
                *entries = None;
                break;
            }
        }
    }
    result.added += added;
    added
}

/// A plain document file (to core's reader) or a `.qx` bundle (its documents re-added).
/// Archives inside archives are not unpacked.
fn add_plain_or_bundle(
    builder: &mut CorpusBuilder,
    name: &str,
    bytes: &[u8],
    own: &mut Vec<SkippedFile>,
) -> FileResult {
    let mut result = FileResult::default();
    match extension(name).as_str() {
        "qx" => match Corpus::from_bundle(bytes) {
            Ok(corpus) => {
                let before = builder.report().skipped.len();
                result.added = corpus
                    .docs
                    .iter()
                    .filter(|doc| builder.add_stored_document(doc))
                    .count();
                result
                    .skipped
                    .extend(skipped_since(builder, before).map(|s| SkippedFile {
                        name: format!("{name}/{}", s.name),
                        reason: s.reason,
                    }));
            }
            Err(e) => own.push(SkippedFile {
                name: name.to_string(),
                reason: SkipReason::NotALibrary {
                    problem: e.to_string(),
                },
            }),
        },
        "zip" => own.push(SkippedFile {
            name: name.to_string(),
            reason: SkipReason::NestedArchive,
        }),
        _ => {
            let before = builder.report().skipped.len();
            result.added = builder.add_file(name, bytes);
            result.skipped.extend(skipped_since(builder, before));
        }
    }
    result
}

/// Lower-cased extension of the last path part, or "".
fn extension(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Rebuild a library's annotations with another gazetteer or lexicon: every document goes
/// through the builder again (same keys, same text). Returns the new bundle and report.
pub fn reannotate(
    dict: &[u8],
    bundle: &[u8],
    gazetteer: Option<&str>,
    topics: Option<&str>,
) -> Result<(Vec<u8>, ImportReport), Error> {
    let corpus = Corpus::from_bundle(bundle)?;
    let mut builder = builder(dict, gazetteer, topics)?;
    for doc in &corpus.docs {
        builder.add_stored_document(doc);
    }
    let (corpus, core) = builder.finish();
    let report = ImportReport {
        files: 1,
        input_bytes: bundle.len() as u64,
        ..ImportReport::default()
    };
    let mut report = merge(&report, core, &[]);
    report.keep_data_files(&corpus);
    Ok((corpus.to_bundle(), report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A few words so segmentation has something to do; the gazetteer adds the places.
    const DICT: &str = "长江 5000 ns\n北岸 300\n山 8000\n生态 3000\n环境 3000\n的 300000 uj\n发展 4000\n旅游 3000\n";

    fn importer() -> Importer {
        Importer::new(DICT.as_bytes(), None, None).unwrap()
    }

    fn gbk(text: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(text).0.into_owned()
    }

    fn utf16le(text: &str) -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
        // A stored (uncompressed) zip written by hand: the crate is built read-only.
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in files {
            let offset = out.len() as u32;
            let crc = crc32(data);
            let header = |sig: u32, central: bool| {
                let mut h = Vec::new();
                h.extend(sig.to_le_bytes());
                if central {
                    h.extend(20u16.to_le_bytes());
                }
                h.extend(20u16.to_le_bytes()); // version needed
                h.extend(0x0800u16.to_le_bytes()); // UTF-8 names
                h.extend(0u16.to_le_bytes()); // stored
                h.extend(0u32.to_le_bytes()); // time, date
                h.extend(crc.to_le_bytes());
                h.extend((data.len() as u32).to_le_bytes());
                h.extend((data.len() as u32).to_le_bytes());
                h.extend((name.len() as u16).to_le_bytes());
                h.extend(0u16.to_le_bytes()); // extra
                if central {
                    h.extend([0u8; 6]); // comment len, disk, internal attrs
                    h.extend(0u32.to_le_bytes()); // external attrs
                    h.extend(offset.to_le_bytes());
                }
                h.extend(name.as_bytes());
                h
            };
            out.extend(header(0x0403_4b50, false));
            out.extend_from_slice(data);
            central.extend(header(0x0201_4b50, true));
        }
        let start = out.len() as u32;
        out.extend(&central);
        out.extend(0x0605_4b50u32.to_le_bytes());
        out.extend([0u8; 4]);
        out.extend((files.len() as u16).to_le_bytes());
        out.extend((files.len() as u16).to_le_bytes());
        out.extend((central.len() as u32).to_le_bytes());
        out.extend(start.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn reasons(report: &ImportReport) -> Vec<(String, String)> {
        report
            .skipped
            .iter()
            .map(|s| (s.name.clone(), s.reason.to_string()))
            .collect()
    }

    #[test]
    fn imports_encodings_and_skips_binary_and_duplicates() {
        let mut imp = importer();
        let a = "北碚生态\n\n缙云山的生态环境很好。北碚区发展旅游。\n";
        let b = "渝北发展\n\n渝北区的长江北岸发展很快。\n";
        assert_eq!(
            imp.add_file("北碚.txt", &gbk(a)).unwrap(),
            FileResult {
                added: 1,
                skipped: vec![]
            }
        );
        assert_eq!(imp.add_file("渝北.txt", &utf16le(b)).unwrap().added, 1);
        let bin = imp.add_file("图片.txt", b"\x89PNG\0\0\0").unwrap();
        assert_eq!(bin.added, 0);
        assert_eq!(bin.skipped[0].reason, SkipReason::Binary);
        let dup = imp.add_file("副本.txt", a.as_bytes()).unwrap();
        assert_eq!(dup.skipped[0].reason.to_string(), "duplicate of 北碚");
        assert_eq!(imp.report().documents, 2);
        assert_eq!(imp.report().passages, None);

        let bundle = imp.finish().unwrap();
        let report = imp.report().clone();
        assert_eq!((report.files, report.documents), (4, 2));
        assert!(report.passages.unwrap() >= 2);
        assert_eq!(
            reasons(&report),
            [
                ("图片.txt".to_string(), "binary file".to_string()),
                ("副本".to_string(), "duplicate of 北碚".to_string()),
            ]
        );
        let corpus = Corpus::from_bundle(&bundle).unwrap();
        assert_eq!(corpus.docs.len(), 2);
        assert_eq!(corpus.docs[0].title, "北碚生态");
        // The library's size is its documents' text: the binary file and the duplicate,
        // given and counted in input_bytes, are not in it.
        let text: usize = corpus.docs.iter().map(|d| d.text.len()).sum();
        assert_eq!(report.text_bytes, text as u64);
        assert!(report.input_bytes > report.text_bytes);
        let beibei = corpus.district_by_name("北碚").unwrap();
        assert_eq!(
            corpus.docs[0].main_districts,
            [beibei],
            "check the Chongqing gazetteer"
        );
        assert!(matches!(imp.add_file("x.txt", b"x"), Err(Error::Finished)));
        assert!(matches!(imp.finish(), Err(Error::Finished)));
    }

    /// A file added a few documents at a time gives the library and report of adding it
    /// whole; a zip is added whole by `begin_file`.
    #[test]
    fn a_file_added_in_steps_is_the_file_added_whole() {
        let jsonl: String = (0..7)
            .map(|i| {
                format!(
                    "{{\"title\": \"北碚{i}\", \"text\": \"缙云山的生态环境很好，第{i}篇。\"}}\n"
                )
            })
            .chain(["不是 JSON\n".to_string()])
            .collect();
        let files: [(&str, Vec<u8>); 3] = [
            ("档案.jsonl", jsonl.into_bytes()),
            (
                "包.zip",
                zip(&[
                    ("a.txt", "渝北发展\n\n渝北区的长江北岸发展很快。".as_bytes()),
                    ("图.png", &[0x89, 0x50, 0x4e, 0x47, 0, 0, 1]),
                    ("b.txt", "巴南振兴\n\n巴南区的乡村振兴。".as_bytes()),
                    ("内.zip", b"PK"),
                    ("c.txt", "渝北发展\n\n渝北区的长江北岸发展很快。".as_bytes()),
                ]),
            ),
            (
                "副本.txt",
                "北碚0\n\n缙云山的生态环境很好，第0篇。".as_bytes().to_vec(),
            ),
        ];
        let mut whole = importer();
        let mut stepped = importer();
        for (name, bytes) in &files {
            let expected = whole.add_file(name, bytes).unwrap();
            stepped.begin_file(name, bytes).unwrap();
            let mut shares = Vec::new();
            let result = loop {
                if let Some(result) = stepped.continue_file(3).unwrap() {
                    break result;
                }
                shares.push(stepped.file_share());
            };
            assert_eq!(result, expected, "{name}");
            assert!(shares.windows(2).all(|w| w[0] < w[1]), "{shares:?}");
            assert_eq!(stepped.report(), whole.report(), "{name}");
        }
        assert_eq!(stepped.continue_file(3).unwrap(), None, "no file begun");
        assert_eq!(stepped.finish().unwrap(), whole.finish().unwrap());
        assert_eq!(stepped.report(), whole.report());
    }

    #[test]
    fn files_prepared_elsewhere_and_committed_in_order_are_the_files_added() {
        let files: [(&str, Vec<u8>); 5] = [
            (
                "北碚.txt",
                "北碚生态\n\n缙云山的生态环境很好。".as_bytes().to_vec(),
            ),
            (
                "档案.jsonl",
                "{\"text\": \"渝北区的长江北岸发展很快。\"}\n不是 JSON\n".into(),
            ),
            (
                "副本.txt",
                "北碚生态\n\n缙云山的生态环境很好。".as_bytes().to_vec(),
            ),
            ("图.png", vec![0x89, 0x50, 0x4e, 0x47, 0, 0, 1]),
            ("gbk.txt", gbk("巴南区的乡村振兴。")),
        ];
        let mut whole = importer();
        let mut builder = importer();
        // A pool's helper prepares the files, in any order; the builder commits in order, and
        // adds itself the files the helper declined (those with something to skip).
        let helper = importer();
        let mut prepared: Vec<_> = files
            .iter()
            .rev()
            .map(|(name, bytes)| helper.prepare_file(name, bytes).unwrap())
            .collect();
        prepared.reverse();
        let declined: Vec<_> = prepared.iter().map(Option::is_none).collect();
        assert_eq!(declined, [false, true, false, true, false]);
        for ((name, bytes), prepared) in files.iter().zip(&prepared) {
            let expected = whole.add_file(name, bytes).unwrap();
            let result = match prepared {
                Some(prepared) => builder.commit_prepared(prepared).unwrap(),
                None => builder.add_file(name, bytes).unwrap(),
            };
            assert_eq!(result, expected, "{name}");
            assert_eq!(builder.report(), whole.report(), "{name}");
        }
        assert_eq!(builder.finish().unwrap(), whole.finish().unwrap());
        assert_eq!(builder.report(), whole.report());
        let bad = importer()
            .commit_prepared(b"not a prepared file")
            .unwrap_err();
        assert!(bad.to_string().contains("prepared file"), "{bad}");
    }

    #[test]
    fn a_file_added_in_batches_prepared_elsewhere_is_the_file_added_whole() {
        let mut jsonl: String = (0..10)
            .map(|i| format!("{{\"title\": \"北碚{i}\", \"text\": \"缙云山的生态，第{i}篇。\"}}\n"))
            .collect();
        jsonl.insert_str(0, "不是 JSON\n{\"text\": \"\u{200b}\"}\n");
        jsonl.push_str("{\"text\": \"缙云山的生态，第3篇。\"}\n"); // a duplicate
        let mut whole = importer();
        let expected = whole.add_file("档案.jsonl", jsonl.as_bytes()).unwrap();
        let mut builder = importer();
        let helper = importer();
        builder.begin_file("档案.jsonl", jsonl.as_bytes()).unwrap();
        let mut declined = 0;
        while let Some(raw) = builder.take_documents(3) {
            match helper.prepare_documents(&raw).unwrap() {
                Some(prepared) => builder.commit_documents(&prepared).unwrap(),
                None => {
                    declined += 1;
                    builder.add_documents(&raw).unwrap();
                }
            }
        }
        assert_eq!(declined, 1, "the batch with the empty document");
        assert_eq!(builder.continue_file(16).unwrap(), Some(expected));
        assert_eq!(builder.report(), whole.report());
        assert_eq!(builder.finish().unwrap(), whole.finish().unwrap());
        assert!(helper.prepare_documents(b"not documents").is_err());
    }

    #[test]
    fn an_archive_added_entry_by_entry_prepared_elsewhere_is_the_archive_added_whole() {
        let library = {
            let mut imp = importer();
            imp.add_file("旧.txt", "旧文\n\n北碚区的老文章。".as_bytes())
                .unwrap();
            imp.finish().unwrap()
        };
        let archive = zip(&[
            ("a.txt", "渝北发展\n\n渝北区的长江北岸发展很快。".as_bytes()),
            ("图.png", &[0x89, 0x50, 0x4e, 0x47, 0, 0, 1]),
            ("旧库.qx", &library),
            ("b.txt", "巴南振兴\n\n巴南区的乡村振兴。".as_bytes()),
            ("内.zip", b"PK"),
            ("c.txt", "渝北发展\n\n渝北区的长江北岸发展很快。".as_bytes()),
        ]);
        let mut whole = importer();
        let expected = whole.add_file("包.zip", &archive).unwrap();
        let mut builder = importer();
        let helper = importer();
        builder.begin_file("包.zip", &archive).unwrap();
        let mut taken = Vec::new();
        while let Some((name, bytes)) = builder.take_entry() {
            // The helper declines what it cannot prepare (a library, an archive, a file with
            // something to skip); the builder adds those itself, in order.
            let prepared = match extension(&name).as_str() {
                "qx" | "zip" => None,
                _ => helper.prepare_file(&name, &bytes).unwrap(),
            };
            taken.push(name.clone());
            match prepared {
                Some(prepared) => builder.commit_entry(&prepared).unwrap(),
                None => builder.add_entry(&name, &bytes).unwrap(),
            }
        }
        assert_eq!(taken.len(), 6, "{taken:?}");
        assert_eq!(builder.continue_file(16).unwrap(), Some(expected));
        assert_eq!(builder.report(), whole.report());
        assert_eq!(builder.finish().unwrap(), whole.finish().unwrap());
    }

    #[test]
    fn a_snapshot_holds_the_documents_so_far_and_the_import_goes_on() {
        let mut imp = importer();
        imp.add_file("北碚.txt", "北碚生态\n\n缙云山的生态环境很好。".as_bytes())
            .unwrap();
        let first = Corpus::from_bundle(&imp.snapshot().unwrap()).unwrap();
        assert_eq!(first.docs.len(), 1);
        imp.add_file(
            "渝北.txt",
            "渝北发展\n\n渝北区的长江北岸发展很快。".as_bytes(),
        )
        .unwrap();
        let second = Corpus::from_bundle(&imp.snapshot().unwrap()).unwrap();
        assert_eq!(second.docs.len(), 2);
        let done = Corpus::from_bundle(&imp.finish().unwrap()).unwrap();
        assert_eq!(done, second, "nothing was added after the last snapshot");
        assert!(matches!(imp.snapshot(), Err(Error::Finished)));
    }

    #[test]
    fn a_huge_document_is_skipped_and_the_batch_survives() {
        let mut imp = importer();
        let line = "北碚区缙云山自然保护区生态修复成效明显，";
        let huge = line.repeat(40_000_000 / line.len());
        let good = "北碚生态\n\n北碚区缙云山自然保护区生态修复成效明显。";
        assert_eq!(imp.add_file("a.txt", good.as_bytes()).unwrap().added, 1);
        let r = imp.add_file("一行.txt", huge.as_bytes()).unwrap();
        assert_eq!(r.added, 0);
        assert_eq!(r.skipped[0].name, "一行.txt");
        assert_eq!(
            r.skipped[0].reason,
            SkipReason::DocumentTooLarge { limit_mib: 32 }
        );
        let other = "渝北新闻\n\n渝北区仙桃数据谷聚集大数据企业。";
        assert_eq!(imp.add_file("b.txt", other.as_bytes()).unwrap().added, 1);
        let corpus = Corpus::from_bundle(&imp.finish().unwrap()).unwrap();
        assert_eq!(corpus.docs.len(), 2);
    }

    #[test]
    fn reports_progress_inside_a_file_of_many_documents() {
        let mut imp = importer();
        let jsonl = "{\"text\": \"北碚区的生态。\"}\n{\"text\": \"渝北区的产业。\"}\n{\"text\": \"\"}\n{\"text\": \"万州区的长江。\"}\n";
        imp.begin_file("档案.jsonl", jsonl.as_bytes()).unwrap();
        let mut shares = Vec::new();
        let r = loop {
            let step = imp.continue_file(1).unwrap();
            shares.push(imp.file_share());
            if let Some(r) = step {
                break r;
            }
        };
        assert_eq!(r.added, 3);
        assert_eq!(shares, [1.0 / 3.0, 2.0 / 3.0, 1.0]);
    }

    #[test]
    fn unpacks_zip_archives() {
        let mut imp = importer();
        let archive = zip(&[
            ("新闻/北碚.txt", "北碚新闻\n\n北碚区发展旅游。".as_bytes()),
            ("新闻/", b""),
            (".DS_Store", b"\0\0"),
            ("__MACOSX/新闻/._北碚.txt", b"\0"),
            ("新闻/说明.pdf", b"%PDF"),
            ("新闻/inner.zip", b"PK"),
        ]);
        let r = imp.add_file("资料.zip", &archive).unwrap();
        assert_eq!(r.added, 1, "{r:?}");
        let names: Vec<&str> = r.skipped.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["资料.zip/新闻/说明.pdf", "资料.zip/新闻/inner.zip"]);
        assert_eq!(
            r.skipped[0].reason.to_string(),
            "unsupported file type .pdf"
        );
        let bad = imp.add_file("坏.zip", b"not a zip").unwrap();
        assert!(bad.skipped[0].reason == SkipReason::NotAZip, "{bad:?}");
        imp.finish().unwrap();
        let report = imp.report();
        assert_eq!((report.files, report.documents), (2, 1));
        assert_eq!(report.skipped.len(), 3, "{report:?}");
    }

    #[test]
    fn caps_zip_entries_that_lie_about_their_size() {
        let big = vec![b'a'; (archive::MAX_ENTRY_BYTES + 10) as usize];
        let mut archive = zip(&[("big.txt", &big)]);
        // Claim 10 bytes in both headers; the reader must still stop at the cap.
        let claimed = 10u32.to_le_bytes();
        for sig in [[0x50u8, 0x4b, 3, 4], [0x50, 0x4b, 1, 2]] {
            let at = archive.windows(4).position(|w| w == sig).unwrap();
            let size_at = at + if sig[2] == 3 { 22 } else { 24 };
            archive[size_at..size_at + 4].copy_from_slice(&claimed);
        }
        let mut imp = importer();
        let r = imp.add_file("bomb.zip", &archive).unwrap();
        assert_eq!(r.added, 0);
        assert_eq!(r.skipped.len(), 1, "{r:?}");
    }

    #[test]
    fn merges_bundles_and_reannotates() {
        let mut first = importer();
        let long_title = format!("{}，{}", "北碚".repeat(12), "发展".repeat(20));
        first
            .add_file(
                "长.md",
                format!("# {long_title}\n\n北碚的生态。\n").as_bytes(),
            )
            .unwrap();
        first
            .add_file("b.txt", "渝北\n\n渝北区发展很快。".as_bytes())
            .unwrap();
        first
            .add_file("c.jsonl", "{\"text\": \"万州区的长江。\"}\n".as_bytes())
            .unwrap();
        let bundle = first.finish().unwrap();
        let original = Corpus::from_bundle(&bundle).unwrap();

        let mut second = importer();
        second
            .add_file("d.txt", "江北\n\n江北区的新闻。".as_bytes())
            .unwrap();
        let r = second.add_file("旧库.qx", &bundle).unwrap();
        assert_eq!(r.added, 3, "{r:?}");
        // The same library again: every document is a duplicate.
        let again = second.add_file("旧库 (1).qx", &bundle).unwrap();
        assert_eq!(again.added, 0);
        let bad = second.add_file("坏.qx", b"QX nonsense").unwrap();
        assert!(
            matches!(bad.skipped[0].reason, SkipReason::NotALibrary { .. }),
            "{bad:?}"
        );
        let merged = Corpus::from_bundle(&second.finish().unwrap()).unwrap();
        assert_eq!(merged.docs.len(), 4);
        let dup_reasons = second
            .report()
            .skipped
            .iter()
            .filter(|s| matches!(s.reason, SkipReason::Duplicate { .. }))
            .count();
        assert_eq!(dup_reasons, 3, "{:?}", second.report());
        for doc in &original.docs {
            let copy = &merged.docs[merged.doc_by_key(&doc.key).unwrap().0 as usize];
            assert_eq!(
                (&copy.title, &copy.text),
                (&doc.title, &doc.text),
                "{}",
                doc.key
            );
        }

        // A gazetteer with one district: re-annotation keeps documents, changes districts.
        let gazetteer = "district 渝北 区 渝北区\n";
        let (bytes, report) = reannotate(DICT.as_bytes(), &bundle, Some(gazetteer), None).unwrap();
        let re = Corpus::from_bundle(&bytes).unwrap();
        assert_eq!(re.districts, ["渝北"]);
        assert_eq!(report.documents, 3);
        assert_eq!(
            re.docs.iter().map(|d| &d.text).collect::<Vec<_>>(),
            original.docs.iter().map(|d| &d.text).collect::<Vec<_>>()
        );
        assert_eq!(re.docs[1].main_districts.len(), 1);
    }

    #[test]
    fn bad_data_files_name_their_line() {
        let err = Importer::new(
            DICT.as_bytes(),
            Some("district 北碚 区 北碚区\nnonsense line here\n"),
            None,
        )
        .unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        let err = Importer::new("好 十\n".as_bytes(), None, None).unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn never_panics_on_odd_files() {
        let mut imp = importer();
        let mut w = Vec::new();
        w.write_all(b"PK\x05\x06").unwrap();
        w.extend([0xFFu8; 18]);
        for (name, bytes) in [
            ("a.zip", w.as_slice()),
            ("a.qx", b"" as &[u8]),
            ("a", b"x"),
            (".zip", b"PK"),
            ("a.txt", b""),
        ] {
            let _ = imp.add_file(name, bytes).unwrap();
        }
        imp.finish().unwrap();
    }

    /// A `.qx` imported alone comes back as it was built, with districts and topics from
    /// data files this import does not have; with another file beside it, its documents
    /// are annotated with the import's data like the rest.
    #[test]
    fn a_library_imported_alone_keeps_its_own_districts_and_topics() {
        let gazetteer =
            "district 武侯 区 武侯区\ndistrict 锦江 区 锦江区\ntile 武侯 0 0\ntile 锦江 1 0\n";
        let topics = "美食 *火锅 *小吃\n";
        let mut chengdu = Importer::new(DICT.as_bytes(), Some(gazetteer), Some(topics)).unwrap();
        chengdu
            .add_file("a.txt", "武侯火锅\n\n武侯区的火锅和小吃很有名。".as_bytes())
            .unwrap();
        chengdu
            .add_file("b.txt", "锦江小吃\n\n锦江区有很多小吃。".as_bytes())
            .unwrap();
        let bundle = chengdu.finish().unwrap();
        let built = Corpus::from_bundle(&bundle).unwrap();
        assert_eq!(built.districts, ["武侯", "锦江"]);
        assert!(built.passages.iter().any(|p| !p.topics.is_empty()));
        let texts = (Some(gazetteer.to_string()), Some(topics.to_string()));
        let report_texts = |r: &ImportReport| (r.gazetteer.clone(), r.topics.clone());
        assert_eq!(report_texts(chengdu.report()), texts);

        // Alone, it brings its data files' texts (to edit and re-annotate from) and its
        // name, from the file's.
        let mut alone = importer();
        alone.add_file("导出/成都.qx", &bundle).unwrap();
        let again = Corpus::from_bundle(&alone.finish().unwrap()).unwrap();
        assert_eq!(again, built);
        assert_eq!(
            (alone.report().documents, alone.report().passages),
            (2, Some(built.passages.len()))
        );
        assert_eq!(report_texts(alone.report()), texts);
        assert_eq!(alone.report().name.as_deref(), Some("成都"));

        let mut mixed = importer();
        mixed.add_file("成都.qx", &bundle).unwrap();
        mixed
            .add_file("c.txt", "北碚\n\n北碚区的新闻。".as_bytes())
            .unwrap();
        let merged = Corpus::from_bundle(&mixed.finish().unwrap()).unwrap();
        assert_eq!(merged.docs.len(), 3);
        assert_eq!(
            report_texts(mixed.report()),
            (None, None),
            "the built-in data"
        );
        assert_eq!(mixed.report().name, None);
        assert!(
            merged.districts.iter().all(|d| d != "武侯"),
            "the import's gazetteer"
        );
        for doc in &built.docs {
            let copy = &merged.docs[merged.doc_by_key(&doc.key).unwrap().0 as usize];
            assert_eq!(copy.text, doc.text, "the same text");
        }
    }
}
