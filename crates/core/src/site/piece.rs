//! The envelope of every file of a site index ("piece"), and its name.
//!
//! ```text
//! offset  size  field
//!      0     4  magic  b"QXS\x1a"
//!      4     1  site format version (SITE_VERSION)
//!      5     1  kind: b'm' meta, b'v' vocabulary bucket, b'g' gram bucket, b'p' postings,
//!               b't' passage table, b'n' passage lengths, b'd' documents, b'x' passage
//!               texts, b'u' group of passage tables, b'l' group of passage lengths,
//!               b'k' link-key bucket
//!      6     8  build id, u64 little-endian (a hash of everything the site was built from)
//!     14     4  number of the piece among those of its kind, u32 little-endian
//!     18     4  inflated payload length, u32 little-endian (checked against a cap first)
//!     22     8  xxh3-64 of the payload, u64 little-endian
//!     30     …  payload: DEFLATE( postcard( the piece ) )
//! ```
//!
//! A piece is named `{kind}-{build id, 16 hex digits}-{number}.qxs`; only the meta has a
//! fixed name, `site.qxs`, and says which build is current. Names never repeat across
//! builds, so a host may cache pieces forever, and a reader checks that a fetched piece is
//! the one it asked for (kind, build, number) and undamaged (checksum) before decoding: a
//! truncated file, an error page served with status 200, or a piece of another build gives
//! an error, never wrong results. Numbered rather than content-hashed names keep the meta
//! small: it holds counts, not lists of names.

use crate::{Error, PieceProblem, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;

const MAGIC: &[u8; 4] = b"QXS\x1a";
/// The site layout this build writes and reads; every change bumps it.
pub const SITE_VERSION: u8 = 15;
const HEADER_LEN: usize = 30;
/// Largest inflated piece accepted. The writer keeps pieces far smaller (postings of the
/// most common gram of a 300 MB archive are a few MB); a bigger claim is damage or an attack.
const MAX_PIECE: usize = 256 << 20;
/// The fixed name of the meta piece.
pub const META_NAME: &str = "site.qxs";

/// What a piece holds (the byte after the version, and the first letter of its name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Meta,
    Vocabulary,
    Grams,
    Postings,
    Table,
    /// [`TABLES_PER_GROUP`](super::TABLES_PER_GROUP) passage tables in one piece.
    TableGroup,
    Lengths,
    /// [`TABLES_PER_GROUP`](super::TABLES_PER_GROUP) lengths pieces in one piece.
    LengthsGroup,
    Docs,
    Texts,
    Keys,
}

impl Kind {
    fn byte(self) -> u8 {
        match self {
            Kind::Meta => b'm',
            Kind::Vocabulary => b'v',
            Kind::Grams => b'g',
            Kind::Postings => b'p',
            Kind::Table => b't',
            Kind::TableGroup => b'u',
            Kind::Lengths => b'n',
            Kind::LengthsGroup => b'l',
            Kind::Docs => b'd',
            Kind::Texts => b'x',
            Kind::Keys => b'k',
        }
    }

    /// The kind named by a piece's file name.
    pub(crate) fn of_name(name: &str) -> Option<Kind> {
        if name == META_NAME {
            return Some(Kind::Meta);
        }
        [
            Kind::Vocabulary,
            Kind::Grams,
            Kind::Postings,
            Kind::Table,
            Kind::TableGroup,
            Kind::Lengths,
            Kind::LengthsGroup,
            Kind::Docs,
            Kind::Texts,
            Kind::Keys,
        ]
        .into_iter()
        .find(|k| name.as_bytes().first() == Some(&k.byte()))
    }
}

/// Where a piece belongs: its kind, build and number. Its name follows from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PieceId {
    pub(crate) kind: Kind,
    pub(crate) build: u64,
    pub(crate) number: u32,
}

impl PieceId {
    /// The file name of the piece.
    pub(crate) fn name(&self) -> String {
        match self.kind {
            Kind::Meta => META_NAME.to_string(),
            kind => format!(
                "{}-{:016x}-{}.qxs",
                kind.byte() as char,
                self.build,
                self.number
            ),
        }
    }

    /// Parse a piece's file name (the meta's build is only known from its bytes).
    pub(crate) fn parse(name: &str) -> Option<PieceId> {
        let kind = Kind::of_name(name)?;
        if kind == Kind::Meta {
            return Some(PieceId {
                kind,
                build: 0,
                number: 0,
            });
        }
        let rest = name.get(2..)?.strip_suffix(".qxs")?;
        let (build, number) = rest.split_once('-')?;
        Some(PieceId {
            kind,
            build: u64::from_str_radix(build, 16).ok()?,
            number: number.parse().ok()?,
        })
    }
}

/// Encode a piece.
#[cfg(test)]
pub(crate) fn encode<T: Serialize>(id: PieceId, value: &T) -> Vec<u8> {
    seal(id, &serialize(value))
}

/// A piece's value as uncompressed bytes (cheap; [`seal`] does the slow part).
pub(crate) fn serialize<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    // invariant: serializing plain owned data into a Vec cannot fail.
    #[allow(clippy::expect_used)]
    postcard::to_allocvec(value).expect("postcard serializes owned data")
}

/// Compress a serialized value and put the header in front: the piece's bytes.
pub(crate) fn seal(id: PieceId, plain: &[u8]) -> Vec<u8> {
    let payload = deflate(plain);
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.push(SITE_VERSION);
    bytes.push(id.kind.byte());
    bytes.extend_from_slice(&id.build.to_le_bytes());
    bytes.extend_from_slice(&id.number.to_le_bytes());
    bytes.extend_from_slice(&(plain.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    bytes
}

/// Raw DEFLATE of a piece, natively with libdeflate: compression was most of a site
/// build's CPU, and libdeflate's level 2 makes the same bytes as miniz_oxide's level 3 in
/// half the time (pieces of the 280 MB archive, 4 Dec 2026: 2.1 s against 4.2 s for a
/// quarter of them, 141 MB either way). Browsers only read pieces, with miniz_oxide.
#[cfg(not(target_arch = "wasm32"))]
fn deflate(plain: &[u8]) -> Vec<u8> {
    use libdeflater::{CompressionLvl, Compressor};
    use std::cell::RefCell;
    thread_local! {
        // invariant: 2 is within libdeflate's levels (0–12).
        #[allow(clippy::expect_used)]
        static COMPRESSOR: RefCell<Compressor> =
            RefCell::new(Compressor::new(CompressionLvl::new(2).expect("a valid level")));
    }
    COMPRESSOR.with_borrow_mut(|compressor| {
        let mut out = vec![0; compressor.deflate_compress_bound(plain.len())];
        // invariant: the output holds libdeflate's own bound for this input.
        #[allow(clippy::expect_used)]
        let len = compressor
            .deflate_compress(plain, &mut out)
            .expect("the output is as big as the bound");
        out.truncate(len);
        out
    })
}

/// Raw DEFLATE of a piece in a browser build (where nothing writes sites but the tests).
#[cfg(target_arch = "wasm32")]
fn deflate(plain: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec(plain, 3)
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

/// Decode the piece `name` from `bytes`, checking that it is that piece (the meta: of any
/// build) and undamaged before inflating. Returns the build id and the value.
pub(crate) fn decode<T: DeserializeOwned>(name: &str, bytes: &[u8]) -> Result<(u64, T)> {
    let (build, plain) = payload(name, bytes)?;
    let value =
        postcard::from_bytes(&plain).map_err(|_| damaged_piece(name, PieceProblem::Undecodable))?;
    Ok((build, value))
}

/// [`decode`] for a piece whose value may be followed by a second one, added to the
/// format later: pieces written before end after the first (`None`), and readers from
/// before read the first and ignore the rest, so neither needs a new format version.
pub(crate) fn decode_with_tail<T: DeserializeOwned, U: DeserializeOwned>(
    name: &str,
    bytes: &[u8],
) -> Result<(u64, T, Option<U>)> {
    let (build, plain) = payload(name, bytes)?;
    let undecodable = |_| damaged_piece(name, PieceProblem::Undecodable);
    let (value, rest) = postcard::take_from_bytes(&plain).map_err(undecodable)?;
    let tail = match rest.is_empty() {
        true => None,
        false => Some(postcard::from_bytes(rest).map_err(undecodable)?),
    };
    Ok((build, value, tail))
}

fn damaged_piece(name: &str, problem: PieceProblem) -> Error {
    Error::Piece {
        name: name.to_string(),
        problem,
    }
}

/// The checked and inflated payload of the piece `name` (see [`decode`]), with its build.
fn payload(name: &str, bytes: &[u8]) -> Result<(u64, Vec<u8>)> {
    let damaged = |problem: PieceProblem| damaged_piece(name, problem);
    let wanted = PieceId::parse(name).ok_or_else(|| damaged(PieceProblem::NotAName))?;
    if bytes.get(..4) != Some(MAGIC.as_slice()) {
        return Err(damaged(PieceProblem::NotAPiece));
    }
    match bytes.get(4) {
        Some(&SITE_VERSION) => {}
        Some(&found) => {
            return Err(Error::UnsupportedVersion {
                found: found as u32,
                supported: SITE_VERSION as u32,
            })
        }
        None => return Err(damaged(PieceProblem::Truncated)),
    }
    let header = || -> Option<(u8, u64, u32, u32, u64)> {
        Some((
            *bytes.get(5)?,
            u64_at(bytes, 6)?,
            u32_at(bytes, 14)?,
            u32_at(bytes, 18)?,
            u64_at(bytes, 22)?,
        ))
    };
    let (kind, build, number, declared, checksum) =
        header().ok_or_else(|| damaged(PieceProblem::Truncated))?;
    let same_build = wanted.kind == Kind::Meta || build == wanted.build;
    if kind != wanted.kind.byte() || !same_build || number != wanted.number {
        return Err(damaged(PieceProblem::OtherPiece));
    }
    let payload = &bytes[HEADER_LEN..];
    if xxhash_rust::xxh3::xxh3_64(payload) != checksum {
        return Err(damaged(PieceProblem::Checksum));
    }
    let declared = declared as usize;
    if declared > MAX_PIECE {
        return Err(damaged(PieceProblem::TooBig));
    }
    let plain = miniz_oxide::inflate::decompress_to_vec_with_limit(payload, declared)
        .map_err(|_| damaged(PieceProblem::Undecodable))?;
    if plain.len() != declared {
        return Err(damaged(PieceProblem::Undecodable));
    }
    Ok((build, plain))
}

/// Stable bucket of a byte string among `buckets` (the same on every platform, wasm32
/// included, so the writer and every reader agree).
pub(crate) fn bucket_of(bytes: &[u8], buckets: u32) -> u32 {
    (xxhash_rust::xxh3::xxh3_64(bytes) % buckets.max(1) as u64) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_strings_keep_the_wire_format_of_a_byte_vector() {
        // Postings were written as a `Vec<u8>` (a sequence of bytes) before serde_bytes:
        // sites built then read the same, and sites built now read as they would have.
        let bytes: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let as_vector = serialize(&bytes);
        assert_eq!(as_vector, serialize(serde_bytes::Bytes::new(&bytes)));
        let back: serde_bytes::ByteBuf = postcard::from_bytes(&as_vector).unwrap();
        assert_eq!(back.into_vec(), bytes);
    }

    #[test]
    fn round_trip_and_damage() {
        let id = PieceId {
            kind: Kind::Keys,
            build: 0xabc,
            number: 7,
        };
        let name = id.name();
        assert_eq!(name, "k-0000000000000abc-7.qxs");
        assert_eq!(PieceId::parse(&name), Some(id));
        let bytes = encode(id, &vec![("北碚".to_string(), 3u32)]);
        let (build, back): (u64, Vec<(String, u32)>) = decode(&name, &bytes).unwrap();
        assert_eq!((build, back), (0xabc, vec![("北碚".to_string(), 3)]));

        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        let bad = |b: &[u8], n: &str| decode::<Vec<(String, u32)>>(n, b).is_err();
        assert!(bad(&flipped, &name), "a flipped byte");
        assert!(bad(&bytes[..bytes.len() / 2], &name), "truncated");
        assert!(bad(b"<html>404</html>", &name), "an error page");
        assert!(bad(b"", &name), "empty");
        assert!(bad(&bytes, "k-0000000000000abd-7.qxs"), "another build");
        assert!(bad(&bytes, "k-0000000000000abc-8.qxs"), "another number");
        assert!(bad(&bytes, "g-0000000000000abc-7.qxs"), "another kind");
    }
}
