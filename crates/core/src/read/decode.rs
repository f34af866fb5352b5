//! Bytes → text. Input: the raw bytes of one file. Output: a `String`, or a reason (in plain
//! English) why the bytes are not text we can read.
//!
//! Order of checks: a byte-order mark wins (UTF-8, UTF-16 LE, UTF-16 BE); then NUL bytes in
//! the first 8 KB mean UTF-16 without a BOM (Notepad's "Unicode" can save it that way: ASCII
//! characters leave a zero byte) or else a binary file; then valid UTF-8; then GB18030 (a
//! superset of GBK and GB2312); then UTF-16 without a BOM once more (pure Chinese text has
//! no zero byte). Every guess without a BOM stands only when it decodes without errors and
//! most characters are ones a Chinese text plausibly contains. Decoding is strict: a malformed sequence rejects the file
//! rather than smuggling U+FFFD into the corpus.
//!
//! It does not guess other legacy encodings (Big5, Shift_JIS, EUC-JP, EUC-KR, Latin-1):
//! those files are rejected, since a wrong guess would index mojibake. Many of them decode
//! as GB18030 without an error, so a GB18030 guess must also have its bytes where Chinese
//! text has them ([`gb_bytes_look_chinese`]).
//!
//! UTF-8 and UTF-16 are decoded by the standard library. GB18030 needs tables: with the
//! `gb18030` feature they are encoding_rs's; a browser build leaves them out (~120 KB of the
//! import wasm's gzip) and registers the browser's own `TextDecoder` with
//! [`set_gb18030_decoder`] instead.

use crate::SkipReason;
use std::borrow::Cow;

/// How many leading bytes are searched for NUL to call a file binary.
const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// Share of characters (0..=1) that must look like Chinese text for a GB18030 guess to stand.
/// Random high bytes that happen to be valid GB18030 decode to rare Hangul, PUA or symbol
/// code points and fall well below this.
const MIN_PLAUSIBLE_SHARE: f64 = 0.9;

/// Decode a file's bytes; `Err` carries the user-facing reason. UTF-8 (most files) is
/// borrowed, not copied: a 100 MB file is then 100 MB less at the import's peak.
pub(super) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, SkipReason> {
    if let Some(text) = with_bom(bytes) {
        return text.ok_or(SkipReason::Undecodable);
    }
    let head = bytes.get(..BINARY_SNIFF_LEN).unwrap_or(bytes);
    if head.contains(&0) {
        return utf16_without_bom(bytes)
            .map(Cow::Owned)
            .ok_or(SkipReason::Binary);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    decode_gb18030(bytes)
        .filter(|text| plausible_chinese(text) && gb_bytes_look_chinese(bytes))
        .or_else(|| utf16_without_zero_byte(bytes))
        .map(Cow::Owned)
        .ok_or(SkipReason::Undecodable)
}

/// The text after a byte-order mark (UTF-8, UTF-16 LE or BE), strictly decoded; `None` when
/// there is no BOM, `Some(None)` when the rest is malformed. UTF-8 is borrowed, as without
/// a BOM.
fn with_bom(bytes: &[u8]) -> Option<Option<Cow<'_, str>>> {
    match bytes {
        [0xEF, 0xBB, 0xBF, body @ ..] => Some(std::str::from_utf8(body).ok().map(Cow::Borrowed)),
        [0xFF, 0xFE, body @ ..] => Some(utf16(body, false).map(Cow::Owned)),
        [0xFE, 0xFF, body @ ..] => Some(utf16(body, true).map(Cow::Owned)),
        _ => None,
    }
}

/// UTF-16 (little-endian, then big-endian) without a BOM, if it reads as Chinese text.
fn utf16_without_bom(bytes: &[u8]) -> Option<String> {
    [false, true]
        .into_iter()
        .filter_map(|big_endian| utf16(bytes, big_endian))
        .find(|text| !text.contains('\0') && plausible_chinese(text))
}

/// UTF-16 without a BOM and without a zero byte (pure CJK text, not even a line break), if
/// it reads as Chinese text; big-endian also needs punctuation ([`punctuated_if_long`]).
fn utf16_without_zero_byte(bytes: &[u8]) -> Option<String> {
    utf16(bytes, false)
        .filter(|text| plausible_chinese(text))
        .or_else(|| utf16(bytes, true).filter(|t| plausible_chinese(t) && punctuated_if_long(t)))
}

/// Strict UTF-16: `None` for an odd length or an unpaired surrogate.
fn utf16(bytes: &[u8], big_endian: bool) -> Option<String> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

/// GB18030 (a superset of GBK and GB2312), strictly: `None` on any malformed sequence.
#[cfg(feature = "gb18030")]
pub fn decode_gb18030(bytes: &[u8]) -> Option<String> {
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(Cow::into_owned)
}

/// GB18030 (a superset of GBK and GB2312), strictly, by the decoder given to
/// [`set_gb18030_decoder`]; `None` on any malformed sequence or when none was given.
#[cfg(not(feature = "gb18030"))]
pub fn decode_gb18030(bytes: &[u8]) -> Option<String> {
    GB18030_DECODER.get().and_then(|decode| decode(bytes))
}

/// The platform's GB18030 decoder, for builds without the `gb18030` feature.
#[cfg(not(feature = "gb18030"))]
static GB18030_DECODER: std::sync::OnceLock<fn(&[u8]) -> Option<String>> =
    std::sync::OnceLock::new();

/// Give a build without the `gb18030` feature its GB18030 decoder (strict: `None` on any
/// malformed sequence). The first one given stays.
#[cfg(not(feature = "gb18030"))]
pub fn set_gb18030_decoder(decode: fn(&[u8]) -> Option<String>) {
    let _ = GB18030_DECODER.set(decode);
}

/// Whether the two-byte sequences of a GB18030 guess lie where Chinese text puts them.
/// Other legacy encodings also decode as GB18030, into characters that look Chinese:
/// Latin-1 (ü before an ASCII letter), Shift_JIS and Big5 into GBK's extension rows (a
/// second byte below 0xA1), EUC-JP into GB2312's kana rows, EUC-KR's Hangul into GB2312's
/// hanzi rows 0xB0–0xC8 only. Chinese text keeps at least [`MIN_PLAUSIBLE_SHARE`] of its
/// pairs in GB2312 (0xA1–0xF7, 0xA1–0xFE; ≥ 0.99 in 1,000 THUCNews articles), few kana, and
/// a tenth or more of its hanzi in rows from 0xC9 on (是, 在, 中, 一, 有 …; 0.27 at least
/// there). Four-byte sequences (Unicode outside GBK, such as a no-break space) are left out.
fn gb_bytes_look_chinese(bytes: &[u8]) -> bool {
    let (mut pairs, mut gb2312, mut kana, mut hanzi, mut late) = (0usize, 0usize, 0, 0, 0);
    let mut i = 0;
    while i < bytes.len() {
        let (lead, next) = (bytes[i], bytes.get(i + 1).copied().unwrap_or(0));
        if lead < 0x80 {
            i += 1;
            continue;
        }
        if next.is_ascii_digit() {
            i += 4;
            continue;
        }
        pairs += 1;
        if (0xA1..=0xF7).contains(&lead) && (0xA1..=0xFE).contains(&next) {
            gb2312 += 1;
            kana += usize::from(matches!(lead, 0xA4 | 0xA5));
            hanzi += usize::from(lead >= 0xB0);
            late += usize::from(lead >= 0xC9);
        }
        i += 2;
    }
    let share = |part: usize, of: usize| part as f64 / of.max(1) as f64;
    share(gb2312, pairs) >= MIN_PLAUSIBLE_SHARE
        && share(kana, pairs) <= 0.05
        && (hanzi < 20 || share(late, hanzi) >= 0.1)
}

/// Characters of Chinese prose between two punctuation marks, at most, for UTF-16
/// big-endian without a BOM and without a zero byte.
const UNPUNCTUATED_RUN: usize = 24;

/// Whether a text that is all CJK has CJK or full-width punctuation, once it is longer than
/// [`UNPUNCTUATED_RUN`]: Shift_JIS read as UTF-16 big-endian becomes CJK ideographs too
/// (its lead bytes 0x81–0x9F are the high bytes of U+8100–U+9FFF), but never a real 。 or ，.
fn punctuated_if_long(text: &str) -> bool {
    text.chars().count() <= UNPUNCTUATED_RUN
        || text
            .chars()
            .any(|c| matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}'))
}

/// True when at least [`MIN_PLAUSIBLE_SHARE`] of the non-whitespace characters are ASCII,
/// CJK ideographs, CJK or full-width punctuation, or common general punctuation.
fn plausible_chinese(text: &str) -> bool {
    let (mut total, mut plausible) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        total += 1;
        let plausible_char = matches!(c,
            ' '..='~'
            | '\u{00B7}' | '\u{00D7}' | '\u{00F7}'
            | '\u{2010}'..='\u{206F}'   // general punctuation: quotes, dashes, ellipsis
            | '\u{2100}'..='\u{2BFF}'   // letterlike symbols, numbers, arrows, shapes
            | '\u{3000}'..='\u{30FF}'   // CJK punctuation, kana
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FE30}'..='\u{FE4F}'   // CJK compatibility forms
            | '\u{FF00}'..='\u{FFEF}');
        plausible += usize::from(plausible_char);
    }
    total > 0 && plausible as f64 >= MIN_PLAUSIBLE_SHARE * total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "北碚区相关负责人解释，生态人文资源是北碚最大的优势。GDP增长4.4%。";

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        bytes
    }

    #[test]
    #[cfg(feature = "gb18030")]
    fn decodes_each_supported_encoding() {
        let (gbk, _, unmappable) = encoding_rs::GB18030.encode(SAMPLE);
        assert!(!unmappable);
        let mut bom_utf8 = vec![0xEF, 0xBB, 0xBF];
        bom_utf8.extend_from_slice(SAMPLE.as_bytes());
        let gbk_only = encoding_rs::GBK.encode(SAMPLE).0;
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("utf-8", SAMPLE.as_bytes().to_vec()),
            ("utf-8 with BOM", bom_utf8),
            ("utf-16le", utf16(SAMPLE, false)),
            ("utf-16be", utf16(SAMPLE, true)),
            ("gb18030", gbk.into_owned()),
            ("gbk", gbk_only.into_owned()),
        ];
        for (label, bytes) in cases {
            assert_eq!(decode(&bytes).as_deref(), Ok(SAMPLE), "{label}");
        }
    }

    #[test]
    fn utf16_without_bom_is_text() {
        for big_endian in [false, true] {
            let bytes = utf16(SAMPLE, big_endian);
            assert_eq!(decode(&bytes[2..]).as_deref(), Ok(SAMPLE), "{big_endian}");
            // Pure Chinese text: no zero byte to hint at UTF-16.
            let pure = "北碚区缙云山自然保护区生态修复成效明显";
            let bytes = utf16(pure, big_endian);
            assert_eq!(decode(&bytes[2..]).as_deref(), Ok(pure), "{big_endian}");
        }
    }

    #[test]
    fn rejects_binary_and_undecodable() {
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            (
                "png header",
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
                "binary file",
            ),
            ("NUL in text", b"abc\0def".to_vec(), "binary file"),
            (
                "latin-1",
                b"caf\xe9 au lait, cr\xe8me br\xfbl\xe9e".to_vec(),
                "could not decode as UTF-8, UTF-16 or GB18030: save it as UTF-8 and build again",
            ),
            (
                "lone high bytes",
                vec![0xFF; 40],
                "could not decode as UTF-8, UTF-16 or GB18030: save it as UTF-8 and build again",
            ),
            (
                "odd utf-16",
                vec![0xFF, 0xFE, 0x41],
                "could not decode as UTF-8, UTF-16 or GB18030: save it as UTF-8 and build again",
            ),
        ];
        for (label, bytes, reason) in cases {
            assert_eq!(
                decode(&bytes).map_err(|r| r.to_string()),
                Err(reason.into()),
                "{label}"
            );
        }
    }

    #[test]
    #[cfg(feature = "gb18030")]
    fn other_legacy_encodings_are_not_taken_for_gb18030() {
        let german = "Bericht über Straßenbau in München: die Stadtverwaltung prüft Pläne.";
        let japanese =
            "東京都の観光について。今年の春は多くの人が訪れました。桜の名所を紹介します。";
        let korean = "서울시는 올해 관광객이 크게 늘었다고 밝혔습니다. 한강 공원에서 축제가 열립니다. 시민들이 많이 참여했습니다.";
        let cases = [
            (encoding_rs::WINDOWS_1252, german),
            (encoding_rs::SHIFT_JIS, japanese),
            (encoding_rs::EUC_JP, japanese),
            (encoding_rs::EUC_KR, korean),
        ];
        for (encoding, text) in cases {
            let (bytes, _, unmappable) = encoding.encode(text);
            assert!(!unmappable, "{}", encoding.name());
            assert_eq!(
                decode(&bytes),
                Err(SkipReason::Undecodable),
                "{}",
                encoding.name()
            );
        }
        // Chinese text with GBK's extension characters and a no-break space still reads.
        let chinese =
            "朱镕基在重庆考察，\u{a0}强调发展是第一要务。我们在这里看到了中国经济的活力。";
        let (bytes, _, _) = encoding_rs::GB18030.encode(chinese);
        assert_eq!(decode(&bytes).as_deref(), Ok(chinese));
    }

    #[test]
    #[cfg(feature = "gb18030")]
    fn gb18030_guess_needs_chinese_looking_text() {
        // Valid GB18030 four-byte sequences that decode to Hangul syllables, not Chinese.
        let (hangul, _, _) = encoding_rs::GB18030.encode("가각간갇갈갉갊감갑값");
        assert_eq!(decode(&hangul), Err(SkipReason::Undecodable));
    }
}
