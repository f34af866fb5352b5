//! Bundles from outside: checked-in samples of each format version must keep decoding to
//! the same corpus, and crafted files (decompression bombs, trailing bytes) must fail fast
//! with small errors.
//!
//! The crafted files are generated here rather than checked in: a bomb is a few hundred
//! bytes of hand-written DEFLATE (see [`zero_bomb`]). To refresh the golden sample after a
//! deliberate change of the sample corpus: `QUXIAN_BLESS=1 cargo test -p quxian-core --test
//! bundle_samples`.

use quxian_core::{Corpus, DataFiles, DistrictId, DocId, Document, Error, Passage, Tile, TopicId};
use std::path::PathBuf;

/// Longest error message any bundle may produce (the goal: 1 KB).
const MAX_MESSAGE: usize = 1024;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The corpus stored in the golden samples: two documents, districts, topics, aliases and
/// vocabulary, so every field of the format is exercised.
fn sample_corpus() -> Corpus {
    let texts = [
        "北碚区缙云山生态保护成效明显。\n科技创新是北碚最大的发展潜力。",
        "渝北区仙桃数据谷聚集大数据企业。",
    ];
    let mut corpus = Corpus::empty();
    corpus.districts = vec!["北碚".into(), "渝北".into()];
    corpus.district_aliases = vec![
        ("北碚区".into(), DistrictId(0)),
        ("渝北区".into(), DistrictId(1)),
    ];
    corpus.topics = vec!["生态环保".into(), "科技创新".into()];
    corpus.vocabulary = vec![("缙云山".into(), 3), ("科技创新".into(), 5)];
    for (d, text) in texts.iter().enumerate() {
        let first = corpus.passages.len() as u32;
        let mut start = 0;
        for line in text.split('\n') {
            corpus.passages.push(Passage {
                doc: DocId(d as u32),
                start: start as u32,
                end: (start + line.len()) as u32,
                districts: vec![DistrictId(d as u16)],
                inherited: false,
                topics: vec![TopicId(d as u16)],
            });
            start += line.len() + 1;
        }
        corpus.docs.push(Document {
            key: format!("doc{d}"),
            title: text.chars().take(6).collect(),
            date: (d == 0).then(|| "2026-05-01".into()),
            source: Some("重庆日报".into()),
            url: None,
            text: (*text).into(),
            passages: first..corpus.passages.len() as u32,
            districts: vec![(DistrictId(d as u16), 2)],
            main_districts: vec![DistrictId(d as u16)],
            topics: vec![TopicId(d as u16)],
        });
    }
    corpus
}

/// The sample corpus with its map tiles (format 3 and later).
fn sample_corpus_with_tiles() -> Corpus {
    let mut corpus = sample_corpus();
    corpus.district_tiles = vec![
        Tile {
            district: DistrictId(0),
            column: 2,
            row: 2,
        },
        Tile {
            district: DistrictId(1),
            column: 3,
            row: 2,
        },
    ];
    corpus
}

#[test]
fn golden_v2_sample_decodes_without_tiles() {
    let bytes = std::fs::read(data("bundle-v2.qx")).unwrap();
    assert_eq!(&bytes[8..12], &2u32.to_le_bytes(), "sample is format v2");
    assert_eq!(Corpus::from_bundle(&bytes).unwrap(), sample_corpus());
}

#[test]
fn golden_v3_sample_decodes_with_its_tiles() {
    let bytes = std::fs::read(data("bundle-v3.qx")).unwrap();
    assert_eq!(&bytes[8..12], &3u32.to_le_bytes(), "sample is format v3");
    assert_eq!(
        Corpus::from_bundle(&bytes).unwrap(),
        sample_corpus_with_tiles()
    );
}

/// The sample corpus with its tiles and the texts of its data files (format 4 and later).
fn sample_corpus_with_data_files() -> Corpus {
    let mut corpus = sample_corpus_with_tiles();
    corpus.data_files = DataFiles {
        gazetteer: Some("district 北碚 区 北碚区\ndistrict 渝北 区 渝北区\n".into()),
        topics: Some("生态环保 *缙云山\n科技创新 科技 创新\n".into()),
    };
    corpus
}

#[test]
fn golden_v4_sample_decodes_with_its_data_files() {
    let path = data("bundle-v4.qx");
    if std::env::var_os("QUXIAN_BLESS").is_some() {
        std::fs::write(&path, sample_corpus_with_data_files().to_bundle()).unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[8..12], &4u32.to_le_bytes(), "sample is format v4");
    assert_eq!(
        Corpus::from_bundle(&bytes).unwrap(),
        sample_corpus_with_data_files()
    );
}

/// Writes DEFLATE bits: header fields least significant bit first, Huffman codes most
/// significant bit first (RFC 1951, 3.1.1).
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    used: u32,
}

impl Bits {
    fn push(&mut self, value: u32, count: u32) {
        for i in 0..count {
            if self.used.is_multiple_of(8) {
                self.bytes.push(0);
            }
            let last = self.bytes.len() - 1;
            self.bytes[last] |= (((value >> i) & 1) as u8) << (self.used % 8);
            self.used += 1;
        }
    }

    fn push_code(&mut self, code: u32, count: u32) {
        let reversed = code.reverse_bits() >> (32 - count);
        self.push(reversed, count);
    }
}

/// A raw DEFLATE stream (one fixed-Huffman block) inflating to `1 + 258 * copies` zero
/// bytes in 13 bits per copy: a ratio of about 160.
fn zero_bomb(copies: usize) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.push(1, 1); // BFINAL
    bits.push(1, 2); // BTYPE = fixed Huffman
    bits.push_code(0b0011_0000, 8); // literal 0
    for _ in 0..copies {
        bits.push_code(0b1100_0101, 8); // length code 285: 258 bytes
        bits.push_code(0, 5); // distance code 0: distance 1
    }
    bits.push_code(0, 7); // end of block
    bits.bytes
}

/// A library of near-identical documents compresses far past the ratio the reader's bomb
/// check allows (32×): the writer stores chunks when it gets ahead, so it reads back.
#[test]
fn a_library_of_near_identical_documents_reads_back() {
    let mut corpus = sample_corpus_with_tiles();
    let text = "北碚区缙云山生态保护成效明显。".repeat(200_000);
    corpus.docs[0].text = text.clone();
    corpus.passages[0].end = text.len() as u32;
    corpus.passages[1].start = text.len() as u32;
    corpus.passages[1].end = text.len() as u32;
    let bytes = corpus.to_bundle();
    let plain = miniz_oxide::inflate::decompress_to_vec(&bytes[24..]).unwrap();
    let compressed = bytes.len() - 24;
    assert!(
        plain.len() > 100 * miniz_oxide::deflate::compress_to_vec(&plain, 3).len(),
        "the text compresses far past 32×"
    );
    assert!(
        plain.len() <= 32 * compressed + (1 << 20),
        "{} from {compressed}",
        plain.len()
    );
    assert!(
        plain.len() > 20 * compressed,
        "only what the ratio needs is stored: {} from {compressed}",
        plain.len()
    );
    assert_eq!(Corpus::from_bundle(&bytes).unwrap(), corpus);
}

/// A bundle of the current format (4) with a correct header around any payload.
fn wrap(payload: &[u8]) -> Vec<u8> {
    let mut out = b"QUXIAN\0\x1a".to_vec();
    out.extend_from_slice(&4u32.to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

fn decode_error(bytes: &[u8]) -> Error {
    let err = Corpus::from_bundle(bytes).expect_err("crafted bundle must not load");
    let message = err.to_string();
    assert!(
        message.len() <= MAX_MESSAGE,
        "{} byte message",
        message.len()
    );
    err
}

#[test]
fn bomb_stops_at_the_cap() {
    // 1 MB of bomb would inflate to 160 MB; decoding stops at the cap (33 MB).
    let bomb = wrap(&zero_bomb(600_000));
    if let Ok(dir) = std::env::var("QUXIAN_WRITE_BOMB") {
        // For the peak-memory row of BENCHMARKS.md (`quxian inspect` on this file).
        std::fs::write(PathBuf::from(dir).join("bomb-1mb.qx"), &bomb).unwrap();
    }
    assert!(
        bomb.len() > 900_000 && bomb.len() < 1_100_000,
        "{}",
        bomb.len()
    );
    let err = decode_error(&bomb);
    assert!(
        matches!(err, Error::TooLarge { limit } if limit < 64 << 20),
        "{err}"
    );
}

#[test]
fn small_bomb_under_the_cap_is_still_no_corpus() {
    // 64 KB of zeros is within the cap; zeros are not a valid corpus and must not load
    // as an empty one.
    let err = decode_error(&wrap(&zero_bomb(250)));
    assert!(
        matches!(
            err,
            Error::Corrupt {
                section: "corpus",
                ..
            } | Error::TrailingData { .. }
        ),
        "{err}"
    );
}

#[test]
fn bytes_after_the_deflate_stream_are_rejected() {
    let good = sample_corpus().to_bundle();
    let mut payload = good[24..].to_vec();
    payload.extend_from_slice(b"tail");
    let err = decode_error(&wrap(&payload));
    assert!(
        matches!(
            err,
            Error::TrailingData {
                section: "payload",
                bytes: 4
            }
        ),
        "{err}"
    );
}

#[test]
fn bytes_after_the_stored_value_are_rejected() {
    let good = sample_corpus().to_bundle();
    let mut plain = miniz_oxide::inflate::decompress_to_vec(&good[24..]).unwrap();
    plain.extend_from_slice(&[0; 1000]);
    let err = decode_error(&wrap(&miniz_oxide::deflate::compress_to_vec(&plain, 6)));
    assert!(
        matches!(
            err,
            Error::TrailingData {
                section: "corpus",
                bytes: 1000
            }
        ),
        "{err}"
    );
}

#[test]
fn truncated_and_damaged_streams_give_small_errors() {
    let good = sample_corpus().to_bundle();
    let payload = &good[24..];
    for cut in [1, payload.len() / 2, payload.len() - 1] {
        let err = decode_error(&wrap(&payload[..cut]));
        assert!(
            matches!(
                err,
                Error::Corrupt {
                    section: "payload",
                    ..
                }
            ),
            "{err}"
        );
    }
    let mut bad_block = payload.to_vec();
    bad_block[0] |= 0b110; // BTYPE 3 is reserved
    let err = decode_error(&wrap(&bad_block));
    assert!(
        matches!(
            err,
            Error::Corrupt {
                section: "payload",
                ..
            }
        ),
        "{err}"
    );
}
