//! Files and documents prepared (read, segmented, annotated) but not yet added to a corpus,
//! and their byte form: the browser's import prepares them in a pool of Web Workers, each
//! with its own wasm memory, and the worker that builds the library adds them in order.

use super::builder::Skipped;
use crate::{RawDoc, SkipReason};

/// One document processed up to annotation.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(super) struct PreparedDoc {
    pub raw_key: String,
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub text: String,
    pub hash: u64,
    pub ranges: Vec<std::ops::Range<usize>>,
    /// Byte ranges in `text` of the tokens that count as vocabulary words.
    pub words: Vec<std::ops::Range<usize>>,
    pub annotation: crate::annotate::DocAnnotation,
}

/// Documents after [`CorpusBuilder::prepare_documents`](super::CorpusBuilder::prepare_documents),
/// in order, each prepared or skipped (empty text).
#[derive(Debug)]
pub struct PreparedDocuments(pub(super) Vec<Result<PreparedDoc, Skipped>>);

/// One file after [`CorpusBuilder::prepare_file`](super::CorpusBuilder::prepare_file): its
/// documents, processed but not yet numbered, and the reasons anything in it was skipped.
#[derive(Debug)]
pub struct PreparedFile {
    pub(super) name: String,
    pub(super) bytes: u64,
    pub(super) docs: PreparedDocuments,
    pub(super) skipped: Vec<SkipReason>,
}

/// A [`PreparedFile`] read back from its bytes.
#[derive(serde::Deserialize)]
struct PreparedFileWire {
    name: String,
    bytes: u64,
    docs: Vec<PreparedDoc>,
}

fn corrupt(what: &'static str, e: &postcard::Error) -> crate::Error {
    crate::Error::Corrupt {
        section: what,
        detail: e.to_string(),
    }
}

impl PreparedDocuments {
    /// Every document, or `None` when one was skipped. Skip reasons are not carried between
    /// workers (their tagged form would cost the import wasm ~14 KB gzip of JSON code): the
    /// builder adds such documents, rare in practice, itself, and records why.
    fn all_prepared(&self) -> Option<Vec<&PreparedDoc>> {
        self.0.iter().map(|doc| doc.as_ref().ok()).collect()
    }

    /// The documents as bytes for [`from_bytes`](Self::from_bytes) in another worker;
    /// `None` when one was skipped.
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        postcard::to_allocvec(&self.all_prepared()?).ok()
    }

    /// Documents from [`to_bytes`](Self::to_bytes); `Corrupt` for other bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, crate::Error> {
        let docs: Vec<PreparedDoc> =
            postcard::from_bytes(bytes).map_err(|e| corrupt("prepared documents", &e))?;
        Ok(PreparedDocuments(docs.into_iter().map(Ok).collect()))
    }
}

impl PreparedFile {
    /// Size of the file it was prepared from.
    pub fn input_bytes(&self) -> u64 {
        self.bytes
    }

    /// The file as bytes, for [`from_bytes`](Self::from_bytes) in another worker; `None`
    /// when anything in it was skipped (see [`PreparedDocuments::to_bytes`]).
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        if !self.skipped.is_empty() {
            return None;
        }
        let docs = self.docs.all_prepared()?;
        postcard::to_allocvec(&(&self.name, self.bytes, &docs)).ok()
    }

    /// A prepared file from [`to_bytes`](Self::to_bytes); `Corrupt` for other bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, crate::Error> {
        let wire: PreparedFileWire =
            postcard::from_bytes(bytes).map_err(|e| corrupt("prepared file", &e))?;
        Ok(PreparedFile {
            name: wire.name,
            bytes: wire.bytes,
            docs: PreparedDocuments(wire.docs.into_iter().map(Ok).collect()),
            skipped: Vec::new(),
        })
    }
}

/// Raw documents as bytes, to be prepared in another worker.
pub fn raw_documents_to_bytes(docs: &[RawDoc]) -> Vec<u8> {
    postcard::to_allocvec(docs).unwrap_or_default()
}

/// Raw documents from [`raw_documents_to_bytes`]; `Corrupt` for other bytes.
pub fn raw_documents_from_bytes(bytes: &[u8]) -> Result<Vec<RawDoc>, crate::Error> {
    postcard::from_bytes(bytes).map_err(|e| corrupt("raw documents", &e))
}
