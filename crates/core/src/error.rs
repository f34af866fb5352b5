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
        /// Why it was skipped, in words a user understands.
        reason: String,
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
    #[error("index piece {name}: {detail}")]
    Piece {
        /// The piece's file name.
        name: String,
        /// What is wrong with it.
        detail: String,
    },
    /// A query that cannot be run.
    #[error("query error: {0}")]
    Query(String),
}

/// Result with the core's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
