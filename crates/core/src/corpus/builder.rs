//! The build pipeline (build time): files → [`RawDoc`] → normalized text → passages →
//! tokens → annotations → [`Corpus`]. One bad file becomes a [`Skipped`] entry in the
//! [`BuildReport`], never an aborted build.

use super::prepared::{PreparedDoc, PreparedDocuments, PreparedFile};
use crate::annotate::{annotate_document, explain_document, DocTokens, Explanation};
use crate::passage::split_passages;
use crate::read::read_file_with_warnings;
use crate::text::{fold_script, is_cjk};
use crate::{
    normalize, Corpus, DataFiles, DocId, Document, Gazetteer, Lexicon, Passage, RawDoc, Segmenter,
    SkipReason,
};
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A file or document left out of the corpus, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// File name (with `#line` for a JSONL record).
    pub name: String,
    /// Why.
    pub reason: SkipReason,
}

/// What a build did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildReport {
    /// Files offered to the builder.
    pub files: usize,
    /// Bytes of those files.
    pub input_bytes: u64,
    /// Documents added.
    pub documents: usize,
    /// Passages added.
    pub passages: usize,
    /// Bytes (UTF-8) of the added documents' text: the library's size, which files left
    /// out (a 34 MB file over the limit, a video named .txt) do not count in.
    pub text_bytes: u64,
    /// Files and documents left out.
    pub skipped: Vec<Skipped>,
}

/// Longest title shown, in characters. Files without a title line give their first
/// paragraph as title (seed 002 starts mid-sentence); a result list needs a short one.
const TITLE_MAX_CHARS: usize = 40;

/// The title cut to [`TITLE_MAX_CHARS`], at a sentence or clause end when there is one.
fn short_title(title: &str) -> String {
    if title.chars().count() <= TITLE_MAX_CHARS {
        return title.to_string();
    }
    let head: String = title.chars().take(TITLE_MAX_CHARS).collect();
    let cut = head
        .char_indices()
        .filter(|(i, c)| *i > 0 && matches!(c, '。' | '！' | '？' | '，' | ',' | '；' | ';'))
        .map(|(i, _)| i)
        .next_back()
        .filter(|i| head[..*i].chars().count() >= 8)
        .unwrap_or(head.len());
    format!("{}…", &head[..cut])
}

/// The full title a stored document was built with. A build puts the full title at the
/// start of the text and stores it cut by [`short_title`], or the key when there was none.
fn stored_full_title(doc: &Document) -> String {
    if doc.text.starts_with(&doc.title) {
        return doc.title.clone();
    }
    match doc.title.strip_suffix('…') {
        Some(head) if doc.text.starts_with(head) => {
            doc.text.lines().next().unwrap_or(head).to_string()
        }
        _ => String::new(),
    }
}

/// A file's documents and what was skipped of it: its bad JSONL lines, or the reason
/// nothing in it could be read.
fn read_documents(name: &str, bytes: &[u8]) -> (Vec<RawDoc>, Vec<SkipReason>) {
    read_file_with_warnings(name, bytes).unwrap_or_else(|reason| (Vec::new(), vec![reason]))
}

/// Fewest occurrences for a word to enter the bundle's query vocabulary.
const MIN_WORD_COUNT: u32 = 3;

/// The read-only half of a build: what preparing a document needs. Shared (an `Arc`) so
/// that threads prepare the next files while the [`CorpusBuilder`] commits earlier ones.
pub struct Preparer {
    segmenter: Segmenter,
    gazetteer: Gazetteer,
    lexicon: Lexicon,
}

/// Builds a [`Corpus`] one file at a time.
pub struct CorpusBuilder {
    preparer: Arc<Preparer>,
    corpus: Corpus,
    vocabulary: rustc_hash::FxHashMap<String, u32>,
    content_hashes: HashMap<u64, String>,
    keys: HashSet<String>,
    report: BuildReport,
}

impl Preparer {
    /// The expensive, order-free half of [`CorpusBuilder::add_file`]: decode, normalize,
    /// split, segment and annotate. Takes `&self`, so callers may run it on several threads
    /// and then [`CorpusBuilder::commit_file`] the results in order.
    pub fn prepare_file(&self, name: &str, bytes: &[u8]) -> PreparedFile {
        let (docs, skipped) = read_documents(name, bytes);
        PreparedFile {
            name: name.to_string(),
            bytes: bytes.len() as u64,
            docs: self.prepare_documents(docs),
            skipped,
        }
    }

    /// The expensive half of [`CorpusBuilder::add_document`] for several documents of a
    /// file opened with [`CorpusBuilder::open_file`], to be
    /// [`CorpusBuilder::commit_documents`]ed in order: the browser's import prepares the
    /// documents of a big JSONL archive in a pool of workers.
    pub fn prepare_documents(&self, docs: Vec<RawDoc>) -> PreparedDocuments {
        PreparedDocuments(
            docs.into_iter()
                .map(|raw| self.prepare_document(raw))
                .collect(),
        )
    }

    fn prepare_document(&self, raw: RawDoc) -> Result<PreparedDoc, Skipped> {
        self.prepare_normalized(RawDoc {
            title: normalize(&raw.title).text.replace('\n', " "),
            text: normalize(&raw.text).text,
            ..raw
        })
    }

    /// [`prepare_document`](Self::prepare_document) of a document of an earlier build: its
    /// stored text is normalized already, and normalizing it again is not always a no-op:
    /// a long title line (its own line, put before the text after normalizing) could be
    /// joined to the first paragraph as a wrapped line.
    fn prepare_stored(&self, doc: &Document) -> Result<PreparedDoc, Skipped> {
        self.prepare_normalized(RawDoc {
            key: doc.key.clone(),
            title: stored_full_title(doc),
            text: doc.text.clone(),
            date: doc.date.clone(),
            source: doc.source.clone(),
            url: doc.url.clone(),
        })
    }

    /// The rest of preparing, from a normalized title (one line) and text.
    fn prepare_normalized(&self, raw: RawDoc) -> Result<PreparedDoc, Skipped> {
        let full_title = raw.title;
        let mut text = raw.text;
        if !full_title.is_empty() && !text.starts_with(&full_title) {
            text = if text.is_empty() {
                full_title.clone()
            } else {
                format!("{full_title}\n{text}")
            };
        }
        if text.trim().is_empty() {
            return Err(Skipped {
                name: raw.key,
                reason: SkipReason::NoText,
            });
        }
        let title = short_title(&full_title);
        let mut hasher = DefaultHasher::new();
        text.hash(&mut hasher);
        let ranges = split_passages(&text);
        // Segment and annotate the text folded to simplified characters (the gazetteer's
        // and lexicon's script); folding keeps byte offsets, so ranges hold for both.
        let folded_title = fold_script(&title);
        let folded = fold_script(&text);
        let title_tokens = self.segmenter.segment(&folded_title);
        let passage_tokens: Vec<Vec<&str>> = ranges
            .iter()
            .map(|r| self.segmenter.segment(folded.get(r.clone()).unwrap_or("")))
            .collect();
        // Tokens are slices of `folded`; keep their ranges so commit can count words
        // without allocating a string per token.
        let base = folded.as_ptr() as usize;
        let words = passage_tokens
            .iter()
            .flatten()
            .filter(|t| t.chars().nth(1).is_some() && t.chars().any(is_cjk))
            .map(|t| {
                let start = t.as_ptr() as usize - base;
                start..start + t.len()
            })
            .collect();
        let annotation = annotate_document(
            &DocTokens {
                title: &title_tokens,
                passages: &passage_tokens,
                date: raw.date.as_deref(),
            },
            &self.gazetteer,
            &self.lexicon,
        );
        Ok(PreparedDoc {
            raw_key: raw.key,
            title,
            // As a date: `2026年5月1日`, `2026-05-01T08:00` and `20260501` are all
            // 2026-05-01, and a field that holds no date (`abc`, `0000-00-00`) is no date,
            // not shown as one.
            date: raw.date.as_deref().and_then(|d| {
                let date = crate::Date::parse_loose(d).or_else(|| crate::Date::in_file_name(d));
                date.map(|d| d.to_iso())
            }),
            source: raw.source,
            url: raw.url,
            hash: hasher.finish(),
            ranges,
            words,
            annotation,
            text,
        })
    }
}

impl CorpusBuilder {
    /// A builder annotating with `gazetteer` and `lexicon`; `segmenter` must have been made
    /// with the same two so that their names are never split.
    pub fn new(segmenter: Segmenter, gazetteer: Gazetteer, lexicon: Lexicon) -> Self {
        let corpus = Corpus {
            districts: gazetteer.districts().to_vec(),
            district_aliases: gazetteer.aliases(),
            topics: lexicon.topics().to_vec(),
            district_tiles: gazetteer.tiles().to_vec(),
            ..Corpus::default()
        };
        CorpusBuilder {
            preparer: Arc::new(Preparer {
                segmenter,
                gazetteer,
                lexicon,
            }),
            corpus,
            vocabulary: rustc_hash::FxHashMap::default(),
            content_hashes: HashMap::new(),
            keys: HashSet::new(),
            report: BuildReport::default(),
        }
    }

    /// Record the texts of the data files this builder annotates with (`None`: the
    /// built-in one), to be kept in the corpus's bundle.
    pub fn keep_data_files(&mut self, files: DataFiles) {
        self.corpus.data_files = files;
    }

    /// Read one file and add its documents. Returns how many were added.
    ///
    /// Each document is committed as soon as it is prepared, so a big file never holds
    /// every document's tokens at once.
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) -> usize {
        let docs = self.open_file(name, bytes);
        docs.into_iter()
            .map(|raw| usize::from(self.add_document(raw)))
            .sum()
    }

    /// Read a file's documents and record the file (its size, and what of it cannot be
    /// read), for the caller to [`add_document`](Self::add_document) them one by one and do
    /// other work in between: the browser's import answers searches and a cancel inside a
    /// JSONL archive of 100 MB.
    pub fn open_file(&mut self, name: &str, bytes: &[u8]) -> Vec<RawDoc> {
        let (docs, skipped) = read_documents(name, bytes);
        self.count_file(name, bytes.len() as u64, skipped);
        docs
    }

    /// Add one document; returns false (and records why) when it is empty or a duplicate.
    pub fn add_document(&mut self, raw: RawDoc) -> bool {
        let prepared = self.preparer.prepare_document(raw);
        self.commit_document(prepared)
    }

    /// Add a document of a corpus built before (a `.qx` library imported, or re-annotated
    /// with other data files): the same text and passages, annotated by this builder.
    /// Returns false (and records why) when it is empty or a duplicate.
    pub fn add_stored_document(&mut self, doc: &Document) -> bool {
        let prepared = self.preparer.prepare_stored(doc);
        self.commit_document(prepared)
    }

    /// The expensive, order-free half of [`add_file`](Self::add_file) (see
    /// [`Preparer::prepare_file`]).
    pub fn prepare_file(&self, name: &str, bytes: &[u8]) -> PreparedFile {
        self.preparer.prepare_file(name, bytes)
    }

    /// The expensive half of [`add_document`](Self::add_document) for several documents
    /// (see [`Preparer::prepare_documents`]).
    pub fn prepare_documents(&self, docs: Vec<RawDoc>) -> PreparedDocuments {
        self.preparer.prepare_documents(docs)
    }

    /// What preparing needs, to prepare files on other threads while this builder commits.
    pub fn preparer(&self) -> Arc<Preparer> {
        Arc::clone(&self.preparer)
    }

    /// The cheap, ordered half of [`add_file`](Self::add_file): number the documents, drop
    /// duplicates, count words. Returns how many documents were added.
    pub fn commit_file(&mut self, prepared: PreparedFile) -> usize {
        self.count_file(&prepared.name, prepared.bytes, prepared.skipped);
        self.commit_documents(prepared.docs)
    }

    /// Add documents from [`prepare_documents`](Self::prepare_documents), in order. Returns
    /// how many were added.
    pub fn commit_documents(&mut self, prepared: PreparedDocuments) -> usize {
        prepared
            .0
            .into_iter()
            .map(|doc| usize::from(self.commit_document(doc)))
            .sum()
    }

    fn commit_document(&mut self, prepared: Result<PreparedDoc, Skipped>) -> bool {
        let prepared = match prepared {
            Ok(p) => p,
            Err(skipped) => {
                self.report.skipped.push(skipped);
                return false;
            }
        };
        if let Some(first) = self.content_hashes.get(&prepared.hash) {
            let reason = SkipReason::Duplicate { of: first.clone() };
            self.skip(&prepared.raw_key, reason);
            return false;
        }
        let key = self.unique_key(&prepared.raw_key);
        self.content_hashes.insert(prepared.hash, key.clone());
        for range in &prepared.words {
            let Some(word) = prepared.text.get(range.clone()) else {
                continue;
            };
            match self.vocabulary.get_mut(word) {
                Some(count) => *count += 1,
                None => {
                    self.vocabulary.insert(word.to_string(), 1);
                }
            }
        }
        let doc = DocId(self.corpus.docs.len() as u32);
        let first = self.corpus.passages.len() as u32;
        for (range, ann) in prepared.ranges.iter().zip(prepared.annotation.passages) {
            self.corpus.passages.push(Passage {
                doc,
                start: range.start as u32,
                end: range.end as u32,
                districts: ann.districts,
                inherited: ann.inherited,
                topics: ann.topics,
            });
        }
        self.report.documents += 1;
        self.report.passages += prepared.ranges.len();
        self.report.text_bytes += prepared.text.len() as u64;
        self.corpus.docs.push(Document {
            title: if prepared.title.is_empty() {
                prepared.raw_key.clone()
            } else {
                prepared.title
            },
            key,
            date: prepared.date,
            source: prepared.source,
            url: prepared.url,
            text: prepared.text,
            passages: first..self.corpus.passages.len() as u32,
            districts: prepared.annotation.districts,
            main_districts: prepared.annotation.main_districts,
            topics: prepared.annotation.topics,
        });
        true
    }

    /// Record one file in the report, with what was skipped of it as a whole.
    fn count_file(&mut self, name: &str, bytes: u64, skipped: Vec<SkipReason>) {
        self.report.files += 1;
        self.report.input_bytes += bytes;
        for reason in skipped {
            self.skip(name, reason);
        }
    }

    fn skip(&mut self, name: &str, reason: SkipReason) {
        self.report.skipped.push(Skipped {
            name: name.to_string(),
            reason,
        });
    }

    /// Keys are link targets, so two files with the same stem get `-2`, `-3`, … suffixes.
    fn unique_key(&mut self, key: &str) -> String {
        let mut candidate = key.to_string();
        let mut n = 2;
        while self.keys.contains(&candidate) {
            candidate = format!("{key}-{n}");
            n += 1;
        }
        self.keys.insert(candidate.clone());
        candidate
    }

    /// Why a document of a corpus built with this builder's gazetteer and lexicon gets (or
    /// would now get) its districts and topics: the document is segmented and annotated
    /// again from its stored title, text, date and passage ranges.
    pub fn explain(&self, corpus: &Corpus, doc: &Document) -> Explanation {
        let title = fold_script(&doc.title);
        let text = fold_script(&doc.text);
        let Preparer {
            segmenter,
            gazetteer,
            lexicon,
        } = &*self.preparer;
        let title_tokens = segmenter.segment(&title);
        let ranges = corpus
            .passages
            .get(doc.passages.start as usize..doc.passages.end as usize)
            .unwrap_or_default();
        let passage_tokens: Vec<Vec<&str>> = ranges
            .iter()
            .map(|p| segmenter.segment(text.get(p.start as usize..p.end as usize).unwrap_or("")))
            .collect();
        explain_document(
            &DocTokens {
                title: &title_tokens,
                passages: &passage_tokens,
                date: doc.date.as_deref(),
            },
            gazetteer,
            lexicon,
        )
    }

    /// What the build did so far (the final report comes with [`finish`](Self::finish)).
    pub fn report(&self) -> &BuildReport {
        &self.report
    }

    /// The finished corpus and the report.
    pub fn finish(mut self) -> (Corpus, BuildReport) {
        self.corpus.vocabulary = query_vocabulary(&self.vocabulary);
        (self.corpus, self.report)
    }

    /// The bundle of the documents added so far, exactly what [`finish`](Self::finish)
    /// would give for them, while the build goes on: a long import is searchable before it
    /// ends. Serialized from the builder's own corpus (no copy of the texts).
    pub fn snapshot_bundle(&mut self) -> Vec<u8> {
        self.corpus.vocabulary = query_vocabulary(&self.vocabulary);
        let bundle = self.corpus.to_bundle();
        self.corpus.vocabulary = Vec::new();
        bundle
    }
}

/// The bundle's query vocabulary from the words counted so far. Words seen fewer than
/// [`MIN_WORD_COUNT`] times cost bundle bytes and change nothing for a query: an unknown
/// word is kept whole as a substring clause anyway (see `analyze`). Words are stored folded
/// to simplified characters, as queries are (see `text`).
fn query_vocabulary(counts: &rustc_hash::FxHashMap<String, u32>) -> Vec<(String, u32)> {
    let mut folded: rustc_hash::FxHashMap<String, u32> = rustc_hash::FxHashMap::default();
    for (word, count) in counts {
        *folded.entry(fold_script(word).into_owned()).or_insert(0) += count;
    }
    let mut vocabulary: Vec<(String, u32)> = folded
        .into_iter()
        .filter(|(_, count)| *count >= MIN_WORD_COUNT)
        .collect();
    vocabulary.sort();
    vocabulary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_are_cut() {
        assert_eq!(short_title("北碚新闻"), "北碚新闻");
        let long = format!("{}，{}", "北".repeat(20), "碚".repeat(30));
        assert_eq!(short_title(&long), format!("{}…", "北".repeat(20)));
        let no_stop = "碚".repeat(50);
        assert_eq!(short_title(&no_stop), format!("{}…", "碚".repeat(40)));
    }
}
