//! `dict`: writes quxian's jieba dictionary, `data/jieba-dict.txt`, from the `dict.txt` that
//! ships inside the jieba-rs crate.
//!
//! Two cuts and a rounding, all measured (issue 12; `crates/core/tests/segmentation.rs`
//! keeps the F1):
//! - no part-of-speech tags: quxian never tags, segmentation reads words and frequencies;
//! - no words of two or more characters seen fewer than [`MIN_FREQ`] times. jieba's list
//!   ends in ~210,000 such words (rare compounds, names, transliterations: 推拿学,
//!   中国国际金融有限公司); without them the file is 726 KB gzip instead of 1.70 MB (616 KB
//!   front-coded, see [`front_coded`]), jieba
//!   builds 2.5× fewer entries on every import, and word F1 on the SIGHAN-2005 gold *rises*
//!   (PKU 0.836 → 0.880, MSR 0.827 → 0.866, HMM off), since the gold cuts such compounds
//!   into their parts. On quxian's own label sets nothing gets worse at this cut; cutting at
//!   10 or 20 loses a district tag (3 Dec 2026). Single characters always stay: they carry the
//!   probabilities every split is weighed with;
//! - every frequency rounded to the nearest power of two ([`rounded`]). jieba weighs a split
//!   by the sum of its words' log frequencies, so a word's weight moves by at most
//!   ln √2 ≈ 0.35, and the file gzips to 512 KB instead of 616 KB (the frequencies were
//!   167 KB of it). Word F1 on the SIGHAN gold stays at PKU 0.880, MSR 0.866 → 0.867, and the
//!   district, topic and query measures do not move; powers of 3 would save another 19 KB
//!   but lose F1 in the fourth place (3 Dec 2026).
//!
//! The CLI embeds the file (core's `default-dict` feature) and `cargo xtask dist` copies it
//! to `dist/jieba/dict.txt` for the in-browser import, so both segment alike.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::process::{cargo, output};
use crate::Args;

/// Words of two or more characters rarer than this are left out (see the module docs).
const MIN_FREQ: u64 = 5;

/// Where the dictionary lives in the repository.
pub const DICT_PATH: &str = "data/jieba-dict.txt";

pub fn task(root: &Path, args: Args) -> Result<()> {
    args.finish("dict")?;
    let source = jieba_dict_source()?;
    let text =
        fs::read_to_string(&source).with_context(|| format!("reading {}", source.display()))?;
    let out = root.join(DICT_PATH);
    let written = front_coded(&pruned(&text));
    eprintln!(
        "write {DICT_PATH}: {} of {} words (from {})",
        written.lines().count() - 1,
        text.lines().count(),
        source.display()
    );
    fs::write(&out, written).with_context(|| format!("writing {}", out.display()))
}

/// First line of a front-coded dictionary (`FRONT_CODED` in crates/core/src/segment.rs,
/// which reads it).
const FRONT_CODED: &str = "#quxian front-coded dictionary";

/// `word freq` lines sorted by word, each written as the hex digit of the characters it
/// shares with the word before (at most 15), then the rest of the line: `一 217830`,
/// `1一 1670` (一一), `2二 11` (一一二). gzip then finds far more to share: 726 → 616 KB.
fn front_coded(dict: &str) -> String {
    let mut lines: Vec<&str> = dict.lines().filter(|l| !l.trim().is_empty()).collect();
    lines.sort_by_key(|l| l.split_whitespace().next());
    let mut out = format!("{FRONT_CODED}\n");
    let mut previous = "";
    for line in lines {
        let word = line.split_whitespace().next().unwrap_or("");
        let (shared, rest_at) = previous
            .chars()
            .zip(line.char_indices())
            .take_while(|(a, (_, b))| a == b)
            .take(15)
            .fold((0, 0), |(n, _), (_, (at, c))| (n + 1, at + c.len_utf8()));
        out.push(char::from_digit(shared, 16).unwrap_or('0'));
        out.push_str(&line[rest_at..]);
        out.push('\n');
        previous = word;
    }
    out
}

/// The `dict.txt` inside the jieba-rs package this workspace builds with.
fn jieba_dict_source() -> Result<PathBuf> {
    let metadata = output(cargo().args(["metadata", "--format-version", "1"]))?;
    jieba_package_dir(&metadata)
        .map(|d| d.join("src/data/dict.txt"))
        .filter(|d| d.is_file())
        .context("jieba-rs's src/data/dict.txt not found through `cargo metadata`")
}

/// jieba's `word [freq] [tag]` lines as `word freq`, without rare multi-character words and
/// with each frequency [`rounded`].
fn pruned(dict: &str) -> String {
    let mut out = String::with_capacity(dict.len() / 2);
    for line in dict.lines() {
        let mut fields = line.split_whitespace();
        let Some(word) = fields.next() else {
            continue;
        };
        let freq = fields.next().and_then(|f| f.parse::<u64>().ok());
        if freq.unwrap_or(0) < MIN_FREQ && word.chars().nth(1).is_some() {
            continue;
        }
        out.push_str(word);
        if let Some(freq) = freq {
            out.push_str(&format!(" {}", rounded(freq)));
        }
        out.push('\n');
    }
    out
}

/// `freq` rounded to the nearest power of two, nearest by ratio (see the module docs).
fn rounded(freq: u64) -> u64 {
    if freq <= 1 {
        return 1;
    }
    let below = 1u64 << (63 - freq.leading_zeros());
    // `below ≤ freq < 2·below`; the geometric midpoint is below·√2, so compare squares.
    if u128::from(freq) * u128::from(freq) >= 2 * u128::from(below) * u128::from(below) {
        below.checked_mul(2).unwrap_or(below)
    } else {
        below
    }
}

/// The directory of the `jieba-rs` package in `cargo metadata` JSON: the package whose
/// `manifest_path` sits in a `jieba-rs` or `jieba-rs-<version>` directory.
fn jieba_package_dir(metadata: &str) -> Option<PathBuf> {
    const KEY: &str = "\"manifest_path\":\"";
    metadata.match_indices(KEY).find_map(|(at, _)| {
        let rest = metadata.get(at + KEY.len()..)?;
        let path = PathBuf::from(rest.get(..rest.find('"')?)?.replace("\\\\", "\\"));
        let dir = path.parent()?;
        let name = dir.file_name()?.to_str()?;
        let is_jieba = name == "jieba-rs"
            || name
                .strip_prefix("jieba-rs-")
                .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()));
        is_jieba.then(|| dir.to_path_buf())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_words_and_frequencies_of_common_words_and_every_character() {
        let dict = "1号店 3 n\n北碚 120\n\n词\n缙云山 35 ns\n嗯 1 e\n推拿学 4 n\n";
        assert_eq!(pruned(dict), "北碚 128\n词\n缙云山 32\n嗯 1\n");
    }

    #[test]
    fn rounds_frequencies_to_the_nearest_power_of_two_by_ratio() {
        // 2·√2 ≈ 2.83 and 4·√2 ≈ 5.66 are the midpoints between 2, 4 and 8.
        let cases = [
            (0, 1),
            (1, 1),
            (2, 2),
            (3, 4),
            (5, 4),
            (6, 8),
            (11, 8),
            (12, 16),
        ];
        for (freq, want) in cases {
            assert_eq!(rounded(freq), want, "{freq}");
        }
        assert_eq!(rounded(217_830), 262_144);
        assert_eq!(rounded(u64::MAX), 1 << 63);
    }

    /// The same example is read back in crates/core/src/segment.rs.
    #[test]
    fn front_codes_sorted_words() {
        let dict = "一一二 11\n北碚 120\n一 217830\n一一 1670\n北 300\n";
        assert_eq!(
            front_coded(dict),
            "#quxian front-coded dictionary\n0一 217830\n1一 1670\n2二 11\n0北 300\n1碚 120\n"
        );
    }

    #[test]
    fn the_repository_dictionary_is_what_this_task_writes() {
        let root = crate::workspace_root();
        let source = jieba_dict_source().expect("jieba-rs's dict.txt");
        let ours = fs::read_to_string(root.join(DICT_PATH)).expect("data/jieba-dict.txt");
        let theirs = fs::read_to_string(source).expect("jieba-rs's dict.txt");
        assert!(
            ours == front_coded(&pruned(&theirs)),
            "{DICT_PATH} differs from `cargo xtask dict`'s output: run it again"
        );
    }

    #[test]
    fn finds_the_jieba_package_in_cargo_metadata() {
        let json = r#"{"packages":[{"name":"a","dependencies":[{"name":"jieba-rs"}],"manifest_path":"/r/a/Cargo.toml"},{"name":"jieba-rs","manifest_path":"/home/u/.cargo/registry/src/x/jieba-rs-0.7.2/Cargo.toml"}]}"#;
        assert_eq!(
            jieba_package_dir(json),
            Some(PathBuf::from(
                "/home/u/.cargo/registry/src/x/jieba-rs-0.7.2"
            ))
        );
        assert_eq!(
            jieba_package_dir(r#"{"manifest_path":"/r/a/Cargo.toml"}"#),
            None
        );
    }
}
