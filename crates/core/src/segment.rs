//! Stage 4 (build time, feature `build`): jieba segmentation with every gazetteer name and
//! lexicon keyword kept whole.
//!
//! Input: normalized text (a passage, a title, a line). Output: tokens, as sub-slices of the
//! input, that tile it exactly: their concatenation is the input, none is empty, and each
//! starts and ends on a char boundary. Whitespace and punctuation come out as tokens too.
//!
//! jieba runs with HMM off, so the result depends only on the dictionary (deterministic, and
//! no new words are guessed). Every gazetteer word and lexicon keyword is added with
//! frequency [`EXTRA_WORD_FREQ`] (or its dictionary frequency if higher), enough to keep it
//! whole against any split; the gazetteer's `block` words (长江北岸) get the same frequency so
//! that a name inside them (江北) is not cut out.
//!
//! Not done here: normalization, passage splitting, splitting long words into sub-words for
//! recall (the search index uses bigrams instead), or part-of-speech tags.

use crate::annotate::{Gazetteer, Lexicon};
use crate::error::{DataProblem, Error, Result};
use jieba_rs::Jieba;
use std::io::BufRead;

/// Frequency given to gazetteer words and lexicon keywords. For scale: in jieba's default
/// dictionary (total about 60 million) 的 has about 320,000 and common two-character words
/// a few thousand; a word at this frequency beats any split of itself into dictionary
/// words, while a name competing with a longer dictionary word (长江北岸) still loses to it
/// when that word is in the gazetteer's `block` list.
pub(crate) const EXTRA_WORD_FREQ: usize = 100_000;

/// quxian's dictionary, `data/jieba-dict.txt`: jieba's own without part-of-speech tags and
/// without its rarest words (`cargo xtask dict` writes it; why, in that task's docs). The
/// CLI embeds it and the in-browser import downloads the same file, so both cut text alike.
#[cfg(feature = "default-dict")]
const DEFAULT_DICT: &str = include_str!("../../../data/jieba-dict.txt");

/// First line of a front-coded dictionary: each later line is `P SUFFIX FREQ` written
/// without the first space, P being one hex digit, the number of characters the word
/// shares with the word before (`一 9`, `1一 8` for 一一). Words sorted, that makes
/// quxian's dictionary 15 % smaller after gzip (726 → 616 KB; 512 KB once `cargo xtask
/// dict` also rounds frequencies), the largest part of the download before a first import.
pub(crate) const FRONT_CODED: &str = "#quxian front-coded dictionary";

/// Writes into `out` the `word freq…` line that front-coded `line` stands for after
/// `previous` (into a buffer the caller reuses: 138,000 lines are read on every import's
/// start). None when its first character is not a hex digit or is longer than `previous`.
pub(crate) fn front_decode(previous: &str, line: &str, out: &mut String) -> Option<()> {
    let mut chars = line.chars();
    let shared = chars.next()?.to_digit(16)? as usize;
    let prefix_end = match previous.char_indices().nth(shared) {
        Some((at, _)) => at,
        None if previous.chars().count() == shared => previous.len(),
        None => return None,
    };
    out.clear();
    out.push_str(&previous[..prefix_end]);
    out.push_str(chars.as_str());
    Some(())
}

/// A jieba segmenter loaded with the gazetteer's names and the lexicon's keywords.
pub struct Segmenter {
    jieba: Jieba,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter").finish_non_exhaustive()
    }
}

impl Segmenter {
    /// Load a dictionary in jieba's `dict.txt` format (`word [freq] [tag]` per line; a
    /// missing frequency is suggested by jieba), or front-coded as `cargo xtask dict` writes
    /// quxian's (first line [`FRONT_CODED`]; see [`front_decode`]), then add the
    /// gazetteer's and the lexicon's words. Errors: [`Error::DataFile`] (file `jieba
    /// dictionary`) for an unreadable line, a bad prefix or a frequency that is not a whole
    /// number, with its 1-based line number.
    pub fn with_dict(
        dict: &mut impl BufRead,
        gazetteer: &Gazetteer,
        lexicon: &Lexicon,
    ) -> Result<Segmenter> {
        const FILE: &str = "jieba dictionary";
        let mut jieba = Jieba::empty();
        let mut buf = String::new();
        let mut line = 0usize;
        let mut front_coded = false;
        let (mut previous, mut decoded) = (String::new(), String::new());
        loop {
            buf.clear();
            line += 1;
            let n = dict.read_line(&mut buf).map_err(|e| Error::DataFile {
                file: FILE.to_string(),
                line,
                problem: DataProblem::Unreadable {
                    reason: e.to_string(),
                },
            })?;
            if n == 0 {
                break;
            }
            if line == 1 && buf.trim_end() == FRONT_CODED {
                front_coded = true;
                continue;
            }
            let entry = if front_coded {
                front_decode(&previous, &buf, &mut decoded).ok_or_else(|| Error::DataFile {
                    file: FILE.to_string(),
                    line,
                    problem: DataProblem::BadPrefix {
                        line: buf.trim_end().chars().take(20).collect(),
                    },
                })?;
                previous.clear();
                previous.push_str(decoded.split_whitespace().next().unwrap_or(""));
                &decoded
            } else {
                &buf
            };
            let mut fields = entry.split_whitespace();
            let Some(word) = fields.next() else {
                continue;
            };
            let freq = match fields.next() {
                None => None,
                Some(f) => Some(f.parse::<usize>().map_err(|_| Error::DataFile {
                    file: FILE.to_string(),
                    line,
                    problem: DataProblem::BadFrequency {
                        word: word.to_string(),
                        value: f.to_string(),
                    },
                })?),
            };
            let tag = fields.next();
            jieba.add_word(word, freq, tag);
        }
        Ok(Self::finish(jieba, gazetteer, lexicon))
    }

    /// quxian's dictionary, [`DEFAULT_DICT`], plus the gazetteer's and the lexicon's words.
    #[cfg(feature = "default-dict")]
    #[allow(
        clippy::expect_used,
        reason = "the embedded file is fixed at compile time; the default_dict tests load it"
    )]
    pub fn with_default_dict(gazetteer: &Gazetteer, lexicon: &Lexicon) -> Segmenter {
        Self::with_dict(&mut DEFAULT_DICT.as_bytes(), gazetteer, lexicon)
            .expect("data/jieba-dict.txt is a valid dictionary (tested)")
    }

    fn finish(mut jieba: Jieba, gazetteer: &Gazetteer, lexicon: &Lexicon) -> Segmenter {
        for word in gazetteer.words().chain(lexicon.words()) {
            let freq = jieba.suggest_freq(word).max(EXTRA_WORD_FREQ);
            jieba.add_word(word, Some(freq), None);
        }
        Segmenter { jieba }
    }

    /// Segment `text` into tokens that tile it exactly (HMM off, deterministic).
    pub fn segment<'a>(&self, text: &'a str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut pos = 0usize;
        for token in self.jieba.cut(text, false) {
            // jieba's tokens already tile the input; this only guards the promise.
            if token.byte_start < pos || token.byte_end <= token.byte_start {
                continue;
            }
            if token.byte_start > pos {
                if let Some(gap) = text.get(pos..token.byte_start) {
                    out.push(gap);
                }
            }
            if let Some(word) = text.get(token.byte_start..token.byte_end) {
                out.push(word);
                pos = token.byte_end;
            } else {
                pos = token.byte_start;
            }
        }
        if let Some(rest) = text.get(pos..) {
            if !rest.is_empty() {
                out.push(rest);
            }
        }
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn small() -> Segmenter {
        let g = Gazetteer::parse(
            "district 北碚 区 北碚区\nplace 北碚 缙云山\nblock 长江北岸\n",
            "t",
        )
        .unwrap();
        let l = Lexicon::parse("生态 *生态环境 森林\n", "t").unwrap();
        let dict =
            "长江 5000 ns\n北岸 300\n缙云 20 ns\n山 8000\n生态 3000\n环境 3000\n的 300000 uj\n";
        Segmenter::with_dict(&mut dict.as_bytes(), &g, &l).unwrap()
    }

    #[test]
    fn loads_a_small_dictionary_and_keeps_extra_words_whole() {
        let s = small();
        assert_eq!(s.segment("缙云山的生态环境"), ["缙云山", "的", "生态环境"]);
        assert_eq!(s.segment("长江北岸"), ["长江北岸"]);
        assert_eq!(s.segment(""), Vec::<&str>::new());
        assert_eq!(s.segment("北碚 2021年"), ["北碚", " ", "2021", "年"]);
    }

    /// The example of `cargo xtask dict`'s front-coding test, read back: the same words
    /// and frequencies as the plain lines, so the same cuts.
    #[test]
    fn reads_a_front_coded_dictionary() {
        let (g, l) = (Gazetteer::default(), Lexicon::default());
        let coded =
            "#quxian front-coded dictionary\n0一 217830\n1一 1670\n2二 11\n0北 300\n1碚 120\n";
        let plain = "一一二 11\n北碚 120\n一 217830\n一一 1670\n北 300\n";
        let a = Segmenter::with_dict(&mut coded.as_bytes(), &g, &l).unwrap();
        let b = Segmenter::with_dict(&mut plain.as_bytes(), &g, &l).unwrap();
        for text in ["一一二北碚", "北碚一一", "一北"] {
            assert_eq!(a.segment(text), b.segment(text), "{text}");
        }
        assert_eq!(a.segment("一一二北碚"), ["一一二", "北碚"]);
        assert_eq!(
            front_decode("一一", "3x 1", &mut String::new()),
            None,
            "longer than the word before"
        );
        let bad = "#quxian front-coded dictionary\n0一 5\ng二 3\n";
        match Segmenter::with_dict(&mut bad.as_bytes(), &g, &l) {
            Err(Error::DataFile { line, problem, .. }) => {
                assert_eq!(line, 3);
                assert_eq!(
                    problem,
                    DataProblem::BadPrefix {
                        line: "g二 3".into()
                    }
                );
            }
            other => panic!("expected a bad prefix, got {other:?}"),
        }
    }

    #[test]
    fn bad_dictionary_lines_name_the_line() {
        let g = Gazetteer::default();
        let l = Lexicon::default();
        let dict = "好 10\n\n坏 十\n";
        match Segmenter::with_dict(&mut dict.as_bytes(), &g, &l) {
            Err(Error::DataFile { line, problem, .. }) => {
                let detail = problem.to_string();
                assert_eq!(line, 3, "{detail}");
                assert!(detail.contains('十'));
            }
            other => panic!("expected a DataFile error, got {other:?}"),
        }
        // A word without a frequency is fine.
        assert!(Segmenter::with_dict(&mut "词\n".as_bytes(), &g, &l).is_ok());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn tokens_tile_any_text(text in "\\PC{0,40}|[北碚缙云山长江岸 \\n]{0,30}") {
            let s = small();
            let tokens = s.segment(&text);
            proptest::prop_assert_eq!(tokens.concat(), text.clone());
            proptest::prop_assert!(tokens.iter().all(|t| !t.is_empty()));
        }
    }

    #[cfg(feature = "default-dict")]
    mod default_dict {
        use super::super::*;
        use std::sync::OnceLock;

        pub(crate) fn chongqing() -> &'static Segmenter {
            static S: OnceLock<Segmenter> = OnceLock::new();
            S.get_or_init(|| {
                Segmenter::with_default_dict(&Gazetteer::chongqing(), &Lexicon::default_topics())
            })
        }

        #[test]
        fn place_names_come_out_whole() {
            let s = chongqing();
            for (text, word) in [
                ("北碚区委、区政府立足新发展阶段", "北碚区"),
                ("北碚生态环境优良", "北碚"),
                ("渝北经济总量突破2000亿元", "渝北"),
                ("北碚举全区之力抓好缙云山国家级自然保护区", "缙云山"),
                ("蓬勃发展的两江新区与西部科学城", "两江新区"),
                ("重庆仙桃数据谷有3个名字", "仙桃数据谷"),
                ("随着原渝北区大湾、统景、大盛、兴隆、茨竹5镇的划归", "统景"),
                (
                    "今年一季度，重庆江北国际机场国际旅客吞吐量",
                    "重庆江北国际机场",
                ),
                ("石柱土家族自治县中益乡华溪村", "石柱土家族自治县"),
                ("在解放碑、观音桥、江北嘴等地", "江北嘴"),
            ] {
                let tokens = s.segment(text);
                assert!(tokens.contains(&word), "{word} not whole in {tokens:?}");
                assert_eq!(tokens.concat(), text);
            }
        }

        #[test]
        fn rivers_banks_do_not_yield_districts() {
            let s = chongqing();
            let g = Gazetteer::chongqing();
            for text in [
                "长江北岸的山峦",
                "位于长江南岸",
                "嘉陵江北岸风光",
                "粤港澳大湾区建设",
            ] {
                let tokens = s.segment(text);
                let named: Vec<&&str> = tokens.iter().filter(|t| g.lookup(t).is_some()).collect();
                assert!(named.is_empty(), "{text}: {tokens:?} names {named:?}");
            }
        }
    }
    #[cfg(feature = "default-dict")]
    pub(crate) use default_dict::chongqing;
}
