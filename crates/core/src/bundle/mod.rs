//! The bundle file (build time writes, load time reads): one self-checking binary file
//! holding a whole [`Corpus`].
//!
//! ```text
//! offset  size  field
//!      0     8  magic  b"QUXIAN\0\x1a"
//!      8     4  format version, u32 little-endian (FORMAT_VERSION)
//!     12     4  CRC-32 of the payload, u32 little-endian
//!     16     8  payload length in bytes, u64 little-endian
//!     24     …  payload: DEFLATE( postcard( Stored { generator, corpus } ) )
//! ```
//!
//! Document texts are stored as UTF-16LE bytes rather than UTF-8: a CJK character takes two
//! bytes instead of three, and DEFLATE then compresses Chinese text about 12% smaller (and
//! faster, having fewer bytes to scan).
//!
//! The search index is not stored: it is rebuilt from the text on load (see `index`).
//! Every layout change bumps `FORMAT_VERSION`. Decoding never trusts the bytes: lengths are
//! checked before use, the inflated size is capped before inflating starts (at a ratio of
//! the payload length) and enforced while inflating, bytes after the
//! DEFLATE stream or after the postcard value are rejected, and the corpus is validated.
//! Every error is small (no error carries bytes of the file), so a crafted file cannot turn
//! an error message into a memory bomb.

use crate::{Corpus, Result};

mod decode;
pub(crate) use decode::BundleDecoder;
use miniz_oxide::deflate::core::{
    compress, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
};
use serde::Serialize;
use std::io::Write;

const MAGIC: &[u8; 8] = b"QUXIAN\0\x1a";

/// Whether `bytes` (a file's first bytes, at least 8) start as a bundle does, of any
/// version: what a build may replace without losing a user's file.
pub fn is_bundle_start(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}
/// The bundle format this build writes (and reads, with [`OLDEST_VERSION`] and later).
/// Version 3 added the districts' map tiles at the end of the corpus, version 4 the texts of
/// its data files after them.
pub const FORMAT_VERSION: u32 = 4;
/// The oldest bundle format this build reads: version 3 is version 4 without the data
/// files, the last field of the payload, and version 2 is version 3 without the map tiles.
pub const OLDEST_VERSION: u32 = 2;
const HEADER_LEN: usize = 24;
/// Serialized bytes gathered before each write to the compressor.
const WRITE_BUFFER: usize = 256 << 10;
/// Largest inflated payload accepted in any case.
const MAX_PAYLOAD: usize = 1 << 30;
/// Largest ratio of inflated to compressed payload accepted. Real bundles inflate about
/// 1.5–2× (Chinese text as UTF-16 compresses poorly); DEFLATE can reach about 1000×, which
/// only a crafted or degenerate file does. 32× keeps decoding a 1 MB file under 64 MB.
const MAX_RATIO: usize = 32;
/// Inflated bytes always allowed on top of the ratio (tiny bundles have a larger ratio).
const RATIO_SLACK: usize = 1 << 20;

/// The payload: the name of the program that wrote it, then the corpus (written borrowing
/// the corpus instead of cloning tens of megabytes of text; read by [`BundleDecoder`]).
#[derive(Serialize)]
struct StoredRef<'a> {
    generator: &'a str,
    corpus: &'a Corpus,
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    bytes
        .get(at..at + 4)?
        .try_into()
        .ok()
        .map(u32::from_le_bytes)
}

impl Corpus {
    /// Encode the corpus as a bundle file. The corpus is serialized straight into the
    /// compressor: an uncompressed copy would be the largest allocation of an import (about
    /// the size of the text), and the browser's import must stay within its memory.
    pub fn to_bundle(&self) -> Vec<u8> {
        let stored = StoredRef {
            generator: concat!("quxian ", env!("CARGO_PKG_VERSION")),
            corpus: self,
        };
        // The header goes first and is filled in once the payload's length and CRC are known.
        let mut out = vec![0u8; HEADER_LEN];
        // postcard writes a few bytes at a time; the compressor works best on large chunks
        // (flate2, used before, cleared its 32 KB output buffer on every write: unbuffered,
        // that memset was a fifth of writing a bundle).
        let mut buffered =
            std::io::BufWriter::with_capacity(WRITE_BUFFER, BoundedDeflate::new(&mut out));
        // invariant: serializing plain owned data into a Vec cannot fail, nor can
        // compressing into one.
        #[allow(clippy::expect_used)]
        {
            postcard::to_io(&stored, &mut buffered).expect("postcard serializes into a Vec");
            let encoder = buffered
                .into_inner()
                .map_err(|e| e.into_error())
                .expect("flushing into a Vec");
            encoder.finish().expect("compressing into a Vec");
        }
        let payload = &out[HEADER_LEN..];
        let (crc, len) = (crc32fast::hash(payload), payload.len() as u64);
        out[..8].copy_from_slice(MAGIC);
        out[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
        out[12..16].copy_from_slice(&crc.to_le_bytes());
        out[16..HEADER_LEN].copy_from_slice(&len.to_le_bytes());
        out
    }

    /// Decode a bundle file. Any damage gives an error naming what is wrong; never a panic.
    /// (A page decoding a big bundle steps a [`BundleDecoder`] instead.)
    pub fn from_bundle(bytes: &[u8]) -> Result<Corpus> {
        let mut decoder = BundleDecoder::new(bytes)?;
        loop {
            if let Some(corpus) = decoder.step(usize::MAX)? {
                return Ok(corpus);
            }
        }
    }
}

/// DEFLATE level of a bundle: 2. On 28 MB of news (a 76 MB payload) level 3 was 1.3 % larger
/// than level 6 and compressed in 0.7 s instead of 1.2 s of a 4.9 s build; level 2 is 1.6 %
/// larger again and compresses in three quarters of level 3's time (natively 1.34 → 1.00 s;
/// the browser import's `finish` of 20 MB 419–430 → 337–353 ms, the part of an import nothing
/// else runs beside). Level 1: +24 %.
const DEFLATE_LEVEL: u8 = 2;

/// Input taken at once by [`BoundedDeflate`], each step compressed or stored.
const RATIO_STEP: usize = 64 << 10;

/// A raw DEFLATE stream into a `Vec` that never gets more than [`MAX_RATIO`]× smaller than
/// its input (beyond half of [`RATIO_SLACK`]), so that every bundle written passes the
/// reader's bomb check. An honest library of near-identical documents compresses far better
/// than that (800 templated notices: 150×); when compressing gets ahead of the ratio, the
/// next chunk is stored (DEFLATE's raw blocks). Such a library's bundle is then about 1/32
/// of its payload instead of less; any other bundle is unchanged.
struct BoundedDeflate<'a> {
    out: &'a mut Vec<u8>,
    /// Length of `out` before the stream (the header).
    start: usize,
    compressor: Box<CompressorOxide>,
    taken: usize,
    storing: bool,
}

impl<'a> BoundedDeflate<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        // Negative window bits: a raw stream, no zlib wrapper.
        let flags = create_comp_flags_from_zip_params(DEFLATE_LEVEL.into(), -15, 0);
        BoundedDeflate {
            start: out.len(),
            out,
            compressor: Box::new(CompressorOxide::new(flags)),
            taken: 0,
            storing: false,
        }
    }

    /// Compress `input` and what `flush` asks for into `out`. (miniz's buffer interface, as
    /// the site's pieces use: its callback interface is a second copy of the compressor in
    /// the wasm, +5 KB gzip.)
    fn run(&mut self, mut input: &[u8], flush: TDEFLFlush) -> std::io::Result<()> {
        loop {
            let at = self.out.len();
            self.out.resize(at + RATIO_STEP, 0);
            let (status, consumed, written) =
                compress(&mut self.compressor, input, &mut self.out[at..], flush);
            self.out.truncate(at + written);
            input = input.get(consumed..).unwrap_or_default();
            match status {
                TDEFLStatus::Done => return Ok(()),
                TDEFLStatus::Okay if input.is_empty() && written < RATIO_STEP => return Ok(()),
                TDEFLStatus::Okay => {}
                _ => return Err(std::io::Error::other("DEFLATE stopped")),
            }
        }
    }

    /// End the stream.
    fn finish(mut self) -> std::io::Result<()> {
        self.run(&[], TDEFLFlush::Finish)
    }
}

impl Write for BoundedDeflate<'_> {
    fn write(&mut self, chunk: &[u8]) -> std::io::Result<usize> {
        // A document's text comes as one write; deciding per step keeps storing to what
        // the ratio needs.
        let chunk = &chunk[..chunk.len().min(RATIO_STEP)];
        // Even if this chunk compressed to nothing, input and output would stay within the
        // ratio; otherwise it is stored. (Output still held by the compressor is not
        // counted, which only errs towards storing.)
        let emitted = self.out.len() - self.start;
        let store = self.taken + chunk.len() > emitted * MAX_RATIO + RATIO_SLACK / 2;
        if store != self.storing {
            // A level applies from a block boundary on.
            self.run(&[], TDEFLFlush::Sync)?;
            let level = if store { 0 } else { DEFLATE_LEVEL };
            self.compressor.set_compression_level_raw(level);
            self.storing = store;
        }
        self.run(chunk, TDEFLFlush::None)?;
        self.taken += chunk.len();
        Ok(chunk.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Serde adapter storing a `String` as UTF-16LE bytes (see module docs).
pub(crate) mod utf16_text {
    use serde::de::{Error, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        serializer.serialize_bytes(&bytes)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<String, D::Error> {
        deserializer.deserialize_bytes(Utf16Visitor)
    }

    struct Utf16Visitor;

    fn decode<E: Error>(bytes: &[u8]) -> Result<String, E> {
        if !bytes.len().is_multiple_of(2) {
            return Err(E::custom("UTF-16 text has an odd number of bytes"));
        }
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        String::from_utf16(&units).map_err(|_| E::custom("text is not valid UTF-16"))
    }

    impl<'de> Visitor<'de> for Utf16Visitor {
        type Value = String;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("UTF-16LE bytes")
        }

        fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<String, E> {
            decode(bytes)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
            let mut bytes = Vec::new();
            while let Some(b) = seq.next_element::<u8>()? {
                bytes.push(b);
            }
            decode(&bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::annotated_corpus;
    use crate::Error;
    use proptest::prelude::*;

    #[test]
    fn round_trip() {
        let corpus = annotated_corpus(&[(&[0], &[0, 1]), (&[1], &[])]);
        let bytes = corpus.to_bundle();
        assert_eq!(Corpus::from_bundle(&bytes).unwrap(), corpus);
    }

    #[test]
    fn damage_is_reported() {
        let bytes = annotated_corpus(&[(&[0], &[0])]).to_bundle();
        assert!(matches!(
            Corpus::from_bundle(b"hello"),
            Err(Error::NotABundle)
        ));
        assert!(matches!(
            Corpus::from_bundle(&bytes[..10]),
            Err(Error::Corrupt {
                section: "header",
                ..
            })
        ));
        assert!(matches!(
            Corpus::from_bundle(&bytes[..bytes.len() - 3]),
            Err(Error::Corrupt { .. })
        ));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x55;
        assert!(matches!(
            Corpus::from_bundle(&flipped),
            Err(Error::ChecksumMismatch)
        ));
        let mut other = bytes.clone();
        other[8] = 99;
        let err = Corpus::from_bundle(&other).unwrap_err();
        assert!(
            matches!(
                err,
                Error::UnsupportedVersion {
                    found: 99,
                    supported: FORMAT_VERSION
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn valid_checksum_over_inconsistent_corpus_is_corrupt() {
        let mut corpus = annotated_corpus(&[(&[0], &[0])]);
        corpus.passages[0].end = 10_000;
        let bytes = corpus.to_bundle();
        assert!(matches!(
            Corpus::from_bundle(&bytes),
            Err(Error::Corrupt {
                section: "corpus",
                ..
            })
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn arbitrary_bytes_are_errors(tail in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut bytes = MAGIC.to_vec();
            bytes.extend_from_slice(&tail);
            let err = Corpus::from_bundle(&bytes).unwrap_err();
            prop_assert!(err.to_string().len() <= 1024);
        }

        #[test]
        fn arbitrary_payload_with_valid_header_is_an_error(payload in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut bytes = MAGIC.to_vec();
            bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
            bytes.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
            bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
            bytes.extend_from_slice(&payload);
            let err = Corpus::from_bundle(&bytes).unwrap_err();
            prop_assert!(err.to_string().len() <= 1024);
        }

        #[test]
        fn damaged_payloads_give_small_errors(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
            // A valid bundle with one payload byte changed and the checksum fixed up, so the
            // damage reaches the inflater and the corpus decoder.
            let mut bytes = annotated_corpus(&[(&[0], &[0, 1]), (&[1], &[])]).to_bundle();
            let i = HEADER_LEN + at.index(bytes.len() - HEADER_LEN);
            bytes[i] ^= byte | 1;
            let crc = crc32fast::hash(&bytes[HEADER_LEN..]);
            bytes[12..16].copy_from_slice(&crc.to_le_bytes());
            if let Err(err) = Corpus::from_bundle(&bytes) {
                prop_assert!(err.to_string().len() <= 1024, "{}", err);
            }
        }
    }
}
