//! Reading a bundle a slice at a time ([`BundleDecoder`]): [`Corpus::from_bundle`] runs it
//! to the end at once; a page that decodes a big bundle on its own thread steps it and
//! yields between slices. Every check of the format happens in the same order either way.

use super::{
    read_u32, FORMAT_VERSION, HEADER_LEN, MAGIC, MAX_PAYLOAD, MAX_RATIO, OLDEST_VERSION,
    RATIO_SLACK,
};
use crate::corpus::{Corpus, DataFiles, Document, Passage};
use crate::tile::Tile;
use crate::{DistrictId, Error, Result};
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// Room reserved for a list read item by item: no more than this many items before they
/// are there, whatever count a (possibly crafted) file declares.
const CAUTIOUS_CAPACITY: usize = 4096;

/// A bundle being decoded. [`step`](Self::step) does about a given number of bytes of
/// work and returns the corpus once it is complete.
pub(crate) struct BundleDecoder<'b> {
    payload: &'b [u8],
    version: u32,
    stage: Stage,
}

enum Stage {
    /// Inflating the payload (the DEFLATE stream), into `out[..written]`.
    Inflating {
        decompressor: Box<DecompressorOxide>,
        out: Vec<u8>,
        read: usize,
        written: usize,
    },
    /// Reading the inflated bytes (postcard), documents and passages one at a time.
    Reading(Reading),
    /// The corpus was returned.
    Done,
}

/// The corpus read so far from the inflated payload.
struct Reading {
    payload: Payload,
    docs: List<Document>,
    passages: List<Passage>,
}

/// The inflated payload and how far it is read.
struct Payload {
    plain: Vec<u8>,
    at: usize,
}

/// A list of the payload read item by item: its items so far, and how many are left once
/// its count is read.
struct List<T> {
    items: Vec<T>,
    left: Option<usize>,
}

/// The fields of a corpus after its passages, in their order (see `Corpus`).
#[derive(Deserialize)]
struct Tail {
    districts: Vec<String>,
    district_aliases: Vec<(String, DistrictId)>,
    topics: Vec<String>,
    vocabulary: Vec<(String, u32)>,
    district_tiles: Vec<Tile>,
    data_files: DataFiles,
}

impl<'b> BundleDecoder<'b> {
    /// Check a bundle's header and checksum; the payload is decoded by the steps.
    pub(crate) fn new(bytes: &'b [u8]) -> Result<Self> {
        if bytes.get(..MAGIC.len()) != Some(MAGIC.as_slice()) {
            return Err(Error::NotABundle);
        }
        let header = |detail: String| Error::Corrupt {
            section: "header",
            detail,
        };
        let ends = || header("file ends inside the header".into());
        let version = read_u32(bytes, 8).ok_or_else(ends)?;
        if !(OLDEST_VERSION..=FORMAT_VERSION).contains(&version) {
            return Err(Error::UnsupportedVersion {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let crc = read_u32(bytes, 12).ok_or_else(ends)?;
        let declared = bytes
            .get(16..HEADER_LEN)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
            .ok_or_else(ends)?;
        let payload = &bytes[HEADER_LEN..];
        if declared != payload.len() as u64 {
            return Err(header(format!(
                "the file is truncated or padded: header says {declared} payload bytes, found {}",
                payload.len()
            )));
        }
        if crc32fast::hash(payload) != crc {
            return Err(Error::ChecksumMismatch);
        }
        let limit = inflate_limit(payload.len());
        Ok(BundleDecoder {
            payload,
            version,
            stage: Stage::Inflating {
                decompressor: Box::default(),
                out: vec![0u8; payload.len().saturating_mul(4).clamp(1024, limit.max(1))],
                read: 0,
                written: 0,
            },
        })
    }

    /// Decode about `work` more bytes (inflated, or read); the corpus once it is complete.
    /// After the corpus, further steps are an error; after an error, the bundle is not
    /// readable (callers stop there).
    pub(crate) fn step(&mut self, work: usize) -> Result<Option<Corpus>> {
        let work = work.max(1);
        match &mut self.stage {
            Stage::Inflating { .. } => {
                if let Some(plain) = self.inflate(work)? {
                    self.stage = Stage::Reading(Reading::new(plain));
                }
                Ok(None)
            }
            Stage::Reading(reading) => {
                let corpus = reading.read(work)?;
                if corpus.is_some() {
                    self.stage = Stage::Done;
                }
                Ok(corpus)
            }
            Stage::Done => Err(corrupt("corpus", "the bundle was decoded already")),
        }
    }

    /// Inflate about `work` more bytes; the whole payload once the stream ends. Memory
    /// grows with the output actually produced (doubling, capped at the ratio's limit),
    /// and bytes after the end of the stream are an error, not ignored.
    fn inflate(&mut self, work: usize) -> Result<Option<Vec<u8>>> {
        let Stage::Inflating {
            decompressor,
            out,
            read,
            written,
        } = &mut self.stage
        else {
            return Ok(None);
        };
        let limit = inflate_limit(self.payload.len());
        let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
        let stop = written.saturating_add(work);
        loop {
            let rest = self.payload.get(*read..).unwrap_or_default();
            // The output so far stays in the buffer: later matches copy from it.
            let room = out.len().min(stop.max(*written + 1));
            let (status, consumed, produced) =
                decompress(decompressor, rest, &mut out[..room], *written, flags);
            *read += consumed;
            *written += produced;
            match status {
                TINFLStatus::Done if *read < self.payload.len() => {
                    return Err(Error::TrailingData {
                        section: "payload",
                        bytes: (self.payload.len() - *read) as u64,
                    })
                }
                TINFLStatus::Done => {
                    let mut plain = std::mem::take(out);
                    plain.truncate(*written);
                    // The fields an older format lacks, empty: postcard writes an empty
                    // list (the tiles, format 3) and `None` (each data file, format 4)
                    // as one 0 byte.
                    let missing = match self.version {
                        2 => 3,
                        3 => 2,
                        _ => 0,
                    };
                    plain.extend(std::iter::repeat_n(0, missing));
                    return Ok(Some(plain));
                }
                TINFLStatus::HasMoreOutput if room < out.len() => return Ok(None),
                TINFLStatus::HasMoreOutput if out.len() >= limit => {
                    return Err(Error::TooLarge {
                        limit: limit as u64,
                    })
                }
                TINFLStatus::HasMoreOutput => {
                    out.resize(out.len().saturating_mul(2).min(limit), 0);
                }
                TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                    return Err(corrupt("payload", "the compressed data ends early"))
                }
                _ => return Err(corrupt("payload", "the compressed data is invalid")),
            }
        }
    }
}

impl Reading {
    fn new(plain: Vec<u8>) -> Self {
        Reading {
            payload: Payload { plain, at: 0 },
            docs: List::new(),
            passages: List::new(),
        }
    }

    /// Read about `work` more bytes; the corpus once everything is read and valid.
    fn read(&mut self, work: usize) -> Result<Option<Corpus>> {
        let stop = self.payload.at.saturating_add(work);
        if self.docs.left.is_none() {
            // The payload starts with the generator's name, then the corpus.
            self.payload.take::<String>()?;
        }
        if !self.docs.read(&mut self.payload, stop)?
            || !self.passages.read(&mut self.payload, stop)?
        {
            return Ok(None);
        }
        self.finish().map(Some)
    }

    /// The fields after the passages, the check that nothing follows them, and the
    /// corpus's own checks.
    fn finish(&mut self) -> Result<Corpus> {
        let tail = self.payload.take::<Tail>()?;
        let rest = self.payload.plain.len() - self.payload.at;
        if rest > 0 {
            return Err(Error::TrailingData {
                section: "corpus",
                bytes: rest as u64,
            });
        }
        let corpus = Corpus {
            docs: std::mem::take(&mut self.docs.items),
            passages: std::mem::take(&mut self.passages.items),
            districts: tail.districts,
            district_aliases: tail.district_aliases,
            topics: tail.topics,
            vocabulary: tail.vocabulary,
            district_tiles: tail.district_tiles,
            data_files: tail.data_files,
        };
        corpus.validate()?;
        Ok(corpus)
    }
}

impl<T: DeserializeOwned> List<T> {
    fn new() -> Self {
        List {
            items: Vec::new(),
            left: None,
        }
    }

    /// Read its count, then items until `payload` is read to `stop`; whether it is whole.
    fn read(&mut self, payload: &mut Payload, stop: usize) -> Result<bool> {
        let left = match self.left {
            Some(left) => left,
            None => {
                let count = payload.take::<usize>()?;
                self.items.reserve(count.min(CAUTIOUS_CAPACITY));
                count
            }
        };
        self.left = Some(left);
        while self.left > Some(0) && payload.at < stop {
            self.items.push(payload.take::<T>()?);
            self.left = self.left.map(|n| n - 1);
        }
        Ok(self.left == Some(0))
    }
}

impl Payload {
    /// The next value.
    fn take<T: DeserializeOwned>(&mut self) -> Result<T> {
        let input = self.plain.get(self.at..).unwrap_or_default();
        let (value, rest) = postcard::take_from_bytes::<T>(input).map_err(|e| Error::Corrupt {
            section: "corpus",
            // postcard's messages are short fixed sentences, never data.
            detail: e.to_string(),
        })?;
        self.at += input.len() - rest.len();
        Ok(value)
    }
}

/// Most bytes a payload of `compressed` bytes may inflate to (known before inflating).
fn inflate_limit(compressed: usize) -> usize {
    compressed
        .saturating_mul(MAX_RATIO)
        .saturating_add(RATIO_SLACK)
        .min(MAX_PAYLOAD)
}

fn corrupt(section: &'static str, detail: &str) -> Error {
    Error::Corrupt {
        section,
        detail: detail.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::annotated_corpus;
    use proptest::prelude::*;

    /// A bundle decoded `work` bytes at a time.
    fn stepped(bytes: &[u8], work: usize) -> Result<Corpus> {
        let mut decoder = BundleDecoder::new(bytes)?;
        loop {
            if let Some(corpus) = decoder.step(work)? {
                return Ok(corpus);
            }
        }
    }

    /// `bytes` with the payload's checksum made right again, so damage reaches the decoder.
    fn with_checksum(mut bytes: Vec<u8>) -> Vec<u8> {
        if bytes.len() >= HEADER_LEN {
            let crc = crc32fast::hash(&bytes[HEADER_LEN..]);
            bytes[12..16].copy_from_slice(&crc.to_le_bytes());
        }
        bytes
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Any slice size decodes what decoding at once decodes, damage included: the same
        /// corpus, or the same error.
        #[test]
        fn slices_decode_what_one_go_decodes(
            work in 1usize..400,
            damage in proptest::option::of((0usize..10_000, 1u8..=255)),
        ) {
            let corpus = annotated_corpus(&[(&[0], &[0, 1]), (&[1], &[]), (&[0, 1], &[1])]);
            let mut bytes = corpus.to_bundle();
            if let Some((at, xor)) = damage {
                let at = HEADER_LEN + at % (bytes.len() - HEADER_LEN);
                bytes[at] ^= xor;
                bytes = with_checksum(bytes);
            }
            let whole = Corpus::from_bundle(&bytes);
            let sliced = stepped(&bytes, work);
            match (&whole, &sliced) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                _ => prop_assert!(false, "{whole:?} vs {sliced:?}"),
            }
            if damage.is_none() {
                prop_assert_eq!(sliced.ok(), Some(corpus));
            }
        }
    }

    #[test]
    fn a_step_after_the_corpus_is_an_error() {
        let bytes = annotated_corpus(&[(&[0], &[0])]).to_bundle();
        let mut decoder = BundleDecoder::new(&bytes).unwrap();
        while decoder.step(64).unwrap().is_none() {}
        assert!(decoder.step(64).is_err());
    }
}
