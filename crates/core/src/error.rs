//! The one error type of the core. Variants carry the offending value so a message can say
//! exactly what was wrong and where.

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be turned into documents (binary, undecodable, empty, unsupported).
    #[error("{name}: {reason}")]
    Read {
        /// File name as given by the caller.
        name: String,
        /// Why it was skipped.
        reason: SkipReason,
    },
    /// A gazetteer or topic lexicon file has a bad line.
    #[error("{file} line {line}: {detail}")]
    DataFile {
        /// Which data file (`gazetteer` or `topics`, or the path the user gave).
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong with that line.
        detail: String,
    },
    /// The bytes are not a quxian bundle at all.
    #[error("not a quxian bundle (bad magic bytes)")]
    NotABundle,
    /// A bundle written by another format version.
    #[error(
        "bundle format version {found} is not supported (this build reads version {supported})"
    )]
    UnsupportedVersion {
        /// Version found in the file header.
        found: u32,
        /// Version this build reads.
        supported: u32,
    },
    /// The checksum in the header does not match the contents (truncated or damaged file).
    #[error("bundle checksum mismatch: the file is truncated or damaged")]
    ChecksumMismatch,
    /// The bundle's contents are inconsistent.
    #[error("corrupt bundle ({section}): {detail}")]
    Corrupt {
        /// Which part of the bundle.
        section: &'static str,
        /// What is inconsistent.
        detail: String,
    },
    /// The bundle's payload inflates past the size this build accepts for a file of its
    /// length: a decompression bomb or a damaged file.
    #[error("bundle payload inflates past {limit} bytes (damaged or crafted file)")]
    TooLarge {
        /// The cap, in inflated bytes.
        limit: u64,
    },
    /// Bytes follow the end of a part of the bundle that has a defined end.
    #[error("bundle has {bytes} bytes of trailing data after its {section}")]
    TrailingData {
        /// Which part (`payload` for the DEFLATE stream, `corpus` for the stored value).
        section: &'static str,
        /// How many bytes follow.
        bytes: u64,
    },
    /// A piece of a site index is missing, damaged or from another build.
    #[error("index piece {name}: {problem}")]
    Piece {
        /// The piece's file name.
        name: String,
        /// What is wrong with it.
        problem: PieceProblem,
    },
    /// A query that cannot be run.
    #[error("query error: {0}")]
    Query(String),
}

/// What is wrong with a piece of a site index. The English `Display` is for the CLI; the
/// browser renders its own words from the variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PieceProblem {
    /// The file name is not one a site index uses.
    #[error("not a piece name")]
    NotAName,
    /// The bytes are not an index piece at all (an HTML error page served with 200, say).
    #[error("not a quxian index piece")]
    NotAPiece,
    /// The file ends inside the header.
    #[error("file ends inside the header")]
    Truncated,
    /// The header names another piece than the file name: another build, or a mix-up.
    #[error("another piece than its name says (from another build?)")]
    OtherPiece,
    /// The checksum does not match: truncated or damaged on the way.
    #[error("checksum mismatch (truncated or damaged)")]
    Checksum,
    /// The header declares more than a piece may hold.
    #[error("declared size is over the limit")]
    TooBig,
    /// The payload does not inflate or decode to what its kind holds.
    #[error("cannot decode")]
    Undecodable,
    /// A search ran before its pieces were added (a caller's mistake).
    #[error("not loaded")]
    NotLoaded,
}

/// Why a file, an archive entry, a JSONL record or a document was left out of a build. The
/// English `Display` is for the CLI; front ends render their own words from the variant
/// (serialized as `{"kind": "too-large", "limit_mib": 32}`), never from the English.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SkipReason {
    /// NUL bytes in the first 8 KB, and not UTF-16 either.
    #[error("binary file")]
    Binary,
    /// Nothing but whitespace.
    #[error("empty file")]
    Empty,
    /// Neither UTF-8, UTF-16 nor plausible GB18030.
    #[error("could not decode as UTF-8, UTF-16 or GB18030")]
    Undecodable,
    /// A file name without an extension.
    #[error("unsupported file type (no extension)")]
    NoExtension,
    /// An extension no reader handles.
    #[error("unsupported file type .{extension}")]
    UnsupportedType {
        /// The extension, lower-cased, without the dot.
        extension: String,
    },
    /// Larger than a file may be (see `MAX_FILE_BYTES`), or an archive entry larger than an
    /// entry may unpack to.
    #[error("file too large (over {limit_mib} MiB)")]
    TooLarge {
        /// The limit, in MiB.
        limit_mib: u64,
    },
    /// A document whose text is empty once normalized.
    #[error("no text")]
    NoText,
    /// An HTML or Markdown file that is only markup.
    #[error("no text left after removing markup")]
    NoTextAfterMarkup,
    /// HTML the parser gave up on.
    #[error("could not parse HTML")]
    BadHtml,
    /// A JSONL file without a single record.
    #[error("no records")]
    NoRecords,
    /// A JSONL record whose `text` is empty.
    #[error("line {line}: `text` is empty")]
    EmptyRecord {
        /// 1-based line number.
        line: usize,
    },
    /// A JSONL line that is not a record.
    #[error("line {line}: {problem}")]
    BadRecord {
        /// 1-based line number.
        line: usize,
        /// What the JSON parser said (a short sentence).
        problem: String,
    },
    /// The same text as a document added before.
    #[error("duplicate of {of}")]
    Duplicate {
        /// The key of that earlier document.
        of: String,
    },
    /// Bytes that are not a zip archive (or a damaged one).
    #[error("not a readable zip archive")]
    NotAZip,
    /// An archive listing more entries than are read.
    #[error("archive lists {entries} entries (at most {max} are read)")]
    TooManyEntries {
        /// Entries listed.
        entries: u64,
        /// Entries read at most.
        max: u64,
    },
    /// An archive that unpacks to more than archives may; `from` and the entries after it
    /// were left out.
    #[error("archive unpacks to more than {limit_mib} MiB; {from} and later entries were skipped")]
    ArchiveFull {
        /// The limit, in MiB.
        limit_mib: u64,
        /// The first entry left out.
        from: String,
    },
    /// An archive inside an archive.
    #[error("archive inside an archive (unpack it first)")]
    NestedArchive,
    /// An entry that could not be inflated (encrypted, damaged, unknown method).
    #[error("could not unpack")]
    CouldNotUnpack,
    /// A `.qx` file that does not load.
    #[error("not a usable quxian library ({problem})")]
    NotALibrary {
        /// Why it does not load (a bundle error, a few hundred bytes at most).
        problem: String,
    },
}

/// Result with the core's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
