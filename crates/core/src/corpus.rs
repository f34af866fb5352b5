//! The corpus model: documents, passages and their annotations, as built once and then
//! searched many times. Pure data; the build pipeline that fills it lives in `builder`
//! (feature `build`), the file format in `bundle`, and the search index in `index`.
//!
//! Invariants (checked by `Corpus::validate` when a bundle is loaded):
//! - `docs[d].passages` is a contiguous, in-order range of `passages`, and the ranges of
//!   consecutive documents tile `passages` exactly;
//! - each passage's `start..end` is a byte range on char boundaries of its document's `text`;
//! - every `DistrictId` / `TopicId` indexes `districts` / `topics`.

use serde::{Deserialize, Serialize};

use crate::tile::Tile;
use std::ops::Range;

#[cfg(feature = "build")]
mod builder;
#[cfg(feature = "build")]
mod prepared;
#[cfg(feature = "build")]
pub use builder::{BuildReport, CorpusBuilder, Preparer, Skipped};
#[cfg(feature = "build")]
pub use prepared::{
    raw_documents_from_bytes, raw_documents_to_bytes, PreparedDocuments, PreparedFile,
};

/// Position of a document in [`Corpus::docs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DocId(pub u32);

/// Position of a passage in [`Corpus::passages`] (global over the corpus).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PassageId(pub u32);

/// Position of a district in [`Corpus::districts`] (and in the gazetteer it came from).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DistrictId(pub u16);

/// Position of a topic in [`Corpus::topics`] (and in the lexicon it came from).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TopicId(pub u16);

/// One document: its metadata, its normalized text and its annotations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable key used in links: the file name without extension (plus `#line` for JSONL).
    pub key: String,
    /// Title (from front matter, a heading, `<title>`, a JSONL field or the first line).
    pub title: String,
    /// Publication date as written in the source, if any.
    pub date: Option<String>,
    /// Publisher or origin, if any.
    pub source: Option<String>,
    /// Original URL, if any.
    pub url: Option<String>,
    /// Normalized full text; passages are byte ranges into it.
    #[serde(with = "crate::bundle::utf16_text")]
    pub text: String,
    /// The document's passages, as a range of [`PassageId`] values.
    pub passages: Range<u32>,
    /// Districts named in the document with their weighted mention counts, highest first.
    pub districts: Vec<(DistrictId, u32)>,
    /// The district(s) the document is mainly about (a subset of `districts`).
    pub main_districts: Vec<DistrictId>,
    /// Topics of the document as a whole.
    pub topics: Vec<TopicId>,
}

/// A paragraph-sized piece of a document: the unit of a search hit and of a facet count.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// The document this passage belongs to.
    pub doc: DocId,
    /// Byte offset of the first byte in the document's `text`.
    pub start: u32,
    /// Byte offset one past the last byte in the document's `text`.
    pub end: u32,
    /// Districts of this passage: named in it, or inherited from the document's main
    /// districts when it names none.
    pub districts: Vec<DistrictId>,
    /// True when `districts` were inherited rather than named in the passage.
    pub inherited: bool,
    /// Topics of this passage (several or none).
    pub topics: Vec<TopicId>,
}

/// What a result list shows about a passage besides its text: where it is and its labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassageInfo<'a> {
    /// The document the passage belongs to.
    pub doc: DocId,
    /// That document's link key.
    pub key: &'a str,
    /// That document's title.
    pub title: &'a str,
    /// That document's date, if it has one.
    pub date: Option<&'a str>,
    /// That document's source (publisher or origin), if it has one.
    pub source: Option<&'a str>,
    /// The passage's number inside its document (0-based; the `p` of links).
    pub number: u32,
    /// Display names of the passage's districts.
    pub districts: Vec<&'a str>,
    /// Display names of the passage's topics.
    pub topics: Vec<&'a str>,
}

/// Resolve a district name (short, full or alias) against display names and aliases; a
/// name in traditional characters (兩江新區) resolves like its simplified form.
pub(crate) fn district_by_name(
    districts: &[String],
    aliases: &[(String, DistrictId)],
    name: &str,
) -> Option<DistrictId> {
    let folded = crate::text::fold_script(name.trim());
    let name: &str = &folded;
    districts
        .iter()
        .position(|d| d == name)
        .map(|i| DistrictId(i as u16))
        .or_else(|| aliases.iter().find(|(a, _)| a == name).map(|(_, id)| *id))
}

/// Resolve a topic name against the lexicon's topic names: as written, else in either
/// script (生態環保 is 生态环保, as 北碚區 is 北碚; a user's lexicon may name its topics in
/// traditional characters).
pub(crate) fn topic_by_name(topics: &[String], name: &str) -> Option<TopicId> {
    let name = name.trim();
    let folded = crate::text::fold_script(name);
    topics
        .iter()
        .position(|t| t == name)
        .or_else(|| {
            topics
                .iter()
                .position(|t| crate::text::fold_script(t) == folded)
        })
        .map(|i| TopicId(i as u16))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_found_in_either_script() {
        let topics = ["生态环保".to_string(), "科技創新".to_string()];
        assert_eq!(topic_by_name(&topics, " 生态环保 "), Some(TopicId(0)));
        assert_eq!(topic_by_name(&topics, "生態環保"), Some(TopicId(0)));
        assert_eq!(topic_by_name(&topics, "科技创新"), Some(TopicId(1)));
        assert_eq!(topic_by_name(&topics, "科技創新"), Some(TopicId(1)));
        assert_eq!(topic_by_name(&topics, "交通"), None);
    }
}

/// A whole searchable collection, as stored in a bundle.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Corpus {
    /// All documents, in build order.
    pub docs: Vec<Document>,
    /// All passages, grouped by document in document order.
    pub passages: Vec<Passage>,
    /// Display names of districts (short canonical names such as 北碚), by [`DistrictId`].
    pub districts: Vec<String>,
    /// Every other name a user may type for a district (北碚区, …), for filters.
    pub district_aliases: Vec<(String, DistrictId)>,
    /// Display names of topics, by [`TopicId`].
    pub topics: Vec<String>,
    /// Words of two or more characters that jieba found in the corpus, with their counts.
    /// Queries are segmented against this list, so the browser needs no jieba dictionary.
    pub vocabulary: Vec<(String, u32)>,
    /// Where each district sits on the map (the gazetteer's `tile` lines; empty when it
    /// has none). A bundle of format 2 is the layout of format 3 without it.
    pub district_tiles: Vec<Tile>,
    /// The texts of the data files that annotated the corpus. Last in the struct: a
    /// bundle of format 3 is this layout without it.
    pub data_files: DataFiles,
}

/// The gazetteer and topic lexicon a corpus was annotated with, as their files' texts
/// (`None`: the built-in one). Kept in the bundle so that a library exported and imported
/// again can be re-annotated, and edited, from its own data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataFiles {
    /// The gazetteer file's text.
    pub gazetteer: Option<String>,
    /// The topic lexicon file's text.
    pub topics: Option<String>,
}

/// The kinds of line a gazetteer holds (the first word of each line).
const GAZETTEER_RECORDS: [&str; 11] = [
    "district",
    "alias",
    "place",
    "moved",
    "merged",
    "ambiguous",
    "block",
    "city",
    "citywide",
    "context",
    "tile",
];

impl DataFiles {
    /// Whether `text` is a gazetteer of known lines without a single district (comments and
    /// blank lines aside): applying it would drop every district tag, which a user should
    /// confirm. A line of an unknown kind is not this (parsing it names the line instead).
    pub fn gazetteer_declares_no_district(text: &str) -> bool {
        data_lines(text).all(|(_, fields)| {
            fields
                .first()
                .is_some_and(|kind| *kind != "district" && GAZETTEER_RECORDS.contains(kind))
        })
    }
}

/// The non-blank, non-comment lines of `text` as (1-based line number, fields).
/// A leading byte-order mark is ignored; `#` starts a comment only at the start of a line.
pub(crate) fn data_lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines().enumerate().filter_map(|(i, line)| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            None
        } else {
            Some((i + 1, line.split_whitespace().collect()))
        }
    })
}

impl Corpus {
    /// A corpus with no documents (what a page shows before a bundle loads).
    pub fn empty() -> Self {
        Self::default()
    }

    /// The document with this id, if it exists.
    pub fn doc(&self, id: DocId) -> Option<&Document> {
        self.docs.get(id.0 as usize)
    }

    /// The passage with this id, if it exists.
    pub fn passage(&self, id: PassageId) -> Option<&Passage> {
        self.passages.get(id.0 as usize)
    }

    /// The text of a passage (empty if the ids are inconsistent, which `validate` rules out).
    pub fn passage_text(&self, id: PassageId) -> &str {
        self.passage(id)
            .and_then(|p| {
                let doc = self.doc(p.doc)?;
                doc.text.get(p.start as usize..p.end as usize)
            })
            .unwrap_or("")
    }

    /// Where a passage is and how it is labelled, for result lists and exports.
    pub fn passage_info(&self, id: PassageId) -> Option<PassageInfo<'_>> {
        let p = self.passage(id)?;
        let doc = self.doc(p.doc)?;
        Some(PassageInfo {
            doc: p.doc,
            key: &doc.key,
            title: &doc.title,
            date: doc.date.as_deref(),
            source: doc.source.as_deref(),
            number: id.0.checked_sub(doc.passages.start)?,
            districts: p.districts.iter().map(|d| self.district_name(*d)).collect(),
            topics: p.topics.iter().map(|t| self.topic_name(*t)).collect(),
        })
    }

    /// The document whose link key is `key`.
    pub fn doc_by_key(&self, key: &str) -> Option<DocId> {
        self.docs
            .iter()
            .position(|d| d.key == key)
            .map(|i| DocId(i as u32))
    }

    /// Resolve a district name as a user types it (short, full or alias name).
    pub fn district_by_name(&self, name: &str) -> Option<DistrictId> {
        district_by_name(&self.districts, &self.district_aliases, name)
    }

    /// Resolve a topic name.
    pub fn topic_by_name(&self, name: &str) -> Option<TopicId> {
        topic_by_name(&self.topics, name)
    }

    /// Display name of a district.
    pub fn district_name(&self, id: DistrictId) -> &str {
        self.districts
            .get(id.0 as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Display name of a topic.
    pub fn topic_name(&self, id: TopicId) -> &str {
        self.topics
            .get(id.0 as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Total size of the normalized text in bytes.
    pub fn text_bytes(&self) -> usize {
        self.docs.iter().map(|d| d.text.len()).sum()
    }

    /// Check the invariants listed in the module docs; bundles from outside are untrusted.
    pub fn validate(&self) -> crate::Result<()> {
        let corrupt = |detail: String| crate::Error::Corrupt {
            section: "corpus",
            detail,
        };
        let mut next = 0u32;
        for (d, doc) in self.docs.iter().enumerate() {
            if doc.passages.start != next || doc.passages.end < doc.passages.start {
                return Err(corrupt(format!(
                    "document {d} has passage range {:?}",
                    doc.passages
                )));
            }
            next = doc.passages.end;
            let district_ok = |id: &DistrictId| (id.0 as usize) < self.districts.len();
            let topic_ok = |id: &TopicId| (id.0 as usize) < self.topics.len();
            if !doc.districts.iter().all(|(id, _)| district_ok(id))
                || !doc.main_districts.iter().all(district_ok)
                || !doc.topics.iter().all(topic_ok)
            {
                return Err(corrupt(format!(
                    "document {d} names an unknown district or topic"
                )));
            }
        }
        if let Some(t) = self
            .district_tiles
            .iter()
            .find(|t| usize::from(t.district.0) >= self.districts.len())
        {
            return Err(corrupt(format!(
                "a map tile names district {} of {}",
                t.district.0,
                self.districts.len()
            )));
        }
        if next as usize != self.passages.len() {
            return Err(corrupt(format!(
                "documents cover {next} passages, bundle has {}",
                self.passages.len()
            )));
        }
        for (i, p) in self.passages.iter().enumerate() {
            let doc = self
                .doc(p.doc)
                .filter(|d| d.passages.contains(&(i as u32)))
                .ok_or_else(|| corrupt(format!("passage {i} points to document {}", p.doc.0)))?;
            if p.start > p.end || doc.text.get(p.start as usize..p.end as usize).is_none() {
                return Err(corrupt(format!(
                    "passage {i} has bad range {}..{}",
                    p.start, p.end
                )));
            }
            if !p
                .districts
                .iter()
                .all(|id| (id.0 as usize) < self.districts.len())
                || !p
                    .topics
                    .iter()
                    .all(|id| (id.0 as usize) < self.topics.len())
            {
                return Err(corrupt(format!(
                    "passage {i} names an unknown district or topic"
                )));
            }
        }
        for (_, id) in &self.district_aliases {
            if id.0 as usize >= self.districts.len() {
                return Err(corrupt(format!(
                    "alias points to unknown district {}",
                    id.0
                )));
            }
        }
        Ok(())
    }
}
