//! The envelope of every file of a site index ("piece"), and its content-hashed name.
//!
//! ```text
//! offset  size  field
//!      0     4  magic  b"QXS\x1a"
//!      4     1  site format version (SITE_VERSION)
//!      5     1  kind: b'm' meta, b'v' vocabulary bucket, b'g' gram bucket, b'p' postings,
//!               b't' passage table, b'd' documents, b'k' link-key bucket
//!      6     4  inflated payload length, u32 little-endian (checked against a cap first)
//!     10     …  payload: DEFLATE( postcard( the piece ) )
//! ```
//!
//! A piece's name is `{kind}-{xxh3-64 of the whole file, 16 hex digits}.qxs`. Names are
//! therefore immutable (a host may cache them forever), and a reader checks the hash of
//! what it fetched against the name: a truncated file, an error page served with status
//! 200, or a piece of another build is caught before decoding.

use crate::{Error, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;

const MAGIC: &[u8; 4] = b"QXS\x1a";
/// The site layout this build writes and reads; every change bumps it.
pub const SITE_VERSION: u8 = 3;
const HEADER_LEN: usize = 10;
/// Largest inflated piece accepted. The writer keeps pieces far smaller (postings of the
/// most common gram of a 300 MB archive are a few MB); a bigger claim is damage or an attack.
const MAX_PIECE: usize = 256 << 20;

/// What a piece holds (the byte after the version, and the first letter of its name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Meta,
    Vocabulary,
    Grams,
    Postings,
    Table,
    Docs,
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
            Kind::Docs => b'd',
            Kind::Keys => b'k',
        }
    }
}

/// An encoded piece: its file name and bytes.
pub(crate) struct Encoded {
    pub(crate) name: String,
    pub(crate) bytes: Vec<u8>,
}

/// Encode a piece and name it by its content.
pub(crate) fn encode<T: Serialize>(kind: Kind, value: &T) -> Encoded {
    // invariant: serializing plain owned data into a Vec cannot fail.
    #[allow(clippy::expect_used)]
    let plain = postcard::to_allocvec(value).expect("postcard serializes owned data");
    let payload = miniz_oxide::deflate::compress_to_vec(&plain, 6);
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.push(SITE_VERSION);
    bytes.push(kind.byte());
    bytes.extend_from_slice(&(plain.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&payload);
    Encoded {
        name: name_of(kind, &bytes),
        bytes,
    }
}

fn name_of(kind: Kind, bytes: &[u8]) -> String {
    format!(
        "{}-{:016x}.qxs",
        kind.byte() as char,
        xxhash_rust::xxh3::xxh3_64(bytes)
    )
}

/// Decode the piece `name` from `bytes`, checking name, header and size first.
pub(crate) fn decode<T: DeserializeOwned>(kind: Kind, name: &str, bytes: &[u8]) -> Result<T> {
    let damaged = |detail: &str| Error::Piece {
        name: name.to_string(),
        detail: detail.to_string(),
    };
    if bytes.get(..4) != Some(MAGIC.as_slice()) {
        return Err(damaged("not a quxian index piece"));
    }
    if bytes[4] != SITE_VERSION {
        return Err(Error::UnsupportedVersion {
            found: bytes[4] as u32,
            supported: SITE_VERSION as u32,
        });
    }
    if name_of(kind, bytes) != name {
        return Err(damaged(
            "content does not match its name (damaged, or from another build)",
        ));
    }
    let declared = bytes
        .get(6..HEADER_LEN)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        .ok_or_else(|| damaged("file ends inside the header"))? as usize;
    if declared > MAX_PIECE {
        return Err(damaged("declared size is over the limit"));
    }
    let plain = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes[HEADER_LEN..], declared)
        .map_err(|_| damaged("cannot inflate"))?;
    if plain.len() != declared {
        return Err(damaged("inflated size differs from the header"));
    }
    postcard::from_bytes(&plain).map_err(|_| damaged("cannot decode"))
}

/// Stable bucket of a byte string among `buckets` (the same on every platform, wasm32
/// included, so the writer and every reader agree).
pub(crate) fn bucket_of(bytes: &[u8], buckets: usize) -> usize {
    (xxhash_rust::xxh3::xxh3_64(bytes) % buckets.max(1) as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let piece = encode(Kind::Keys, &vec![("北碚".to_string(), 3u32)]);
        assert!(piece.name.starts_with("k-") && piece.name.ends_with(".qxs"));
        let back: Vec<(String, u32)> = decode(Kind::Keys, &piece.name, &piece.bytes).unwrap();
        assert_eq!(back, vec![("北碚".to_string(), 3)]);

        let mut flipped = piece.bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(matches!(
            decode::<Vec<(String, u32)>>(Kind::Keys, &piece.name, &flipped),
            Err(Error::Piece { .. })
        ));
        let truncated = &piece.bytes[..piece.bytes.len() / 2];
        assert!(decode::<Vec<(String, u32)>>(Kind::Keys, &piece.name, truncated).is_err());
        assert!(
            decode::<Vec<(String, u32)>>(Kind::Keys, &piece.name, b"<html>404</html>").is_err()
        );
        assert!(decode::<Vec<(String, u32)>>(Kind::Keys, &piece.name, b"").is_err());
    }
}
