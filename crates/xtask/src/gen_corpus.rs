//! `gen-corpus`: a scale corpus for benchmarks, recombined from real paragraphs.
//!
//! Input: every `*.txt` under the `--from` directories (default: the repo's `corpus/` and
//! `../shared/corpora/docs/`), and the district names of `data/gazetteer.txt`.
//! Output: N files `doc_NNNNNN_YYYYMMDD.txt` in an empty or new directory (the date in
//! the name is the document's date, spread over 2019–2026 so timelines and date filters
//! have something to show), each a title line, a
//! blank line, then 3–15 paragraphs separated by blank lines, so documents keep the shape
//! the CLI reads. Paragraphs are drawn from the whole pool, and every district name is
//! swapped through a per-document permutation of the gazetteer's districts, so the names
//! spread over all districts rather than the few the sources talk about most.
//!
//! Deterministic: the same sources, gazetteer and `--seed` give byte-identical output
//! (splitmix64, files read in sorted order). The text is not meant to read coherently.
//! Names the gazetteer marks `ambiguous` are swapped only in their full form and its
//! `block` words are copied unchanged, so ordinary words (长寿, 长江北岸) stay intact.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::Args;

/// Titles longer than this (in chars) are article bodies run into one line, not titles.
const MAX_TITLE_CHARS: usize = 50;
/// Shorter lines are captions, datelines or debris rather than paragraphs.
const MIN_PARAGRAPH_CHARS: usize = 12;
/// A block of lines this short or shorter is one paragraph hard-wrapped (PDF-style).
const WRAPPED_LINE_CHARS: usize = 40;

pub fn task(root: &Path, mut args: Args) -> Result<()> {
    let docs: usize = match args.value(&["--docs", "-n"])? {
        Some(n) => n
            .parse()
            .with_context(|| format!("--docs: `{n}` is not a number"))?,
        None => bail!("gen-corpus needs --docs N"),
    };
    let out = match args.value(&["-o", "--out"])? {
        Some(o) => PathBuf::from(o),
        None => bail!("gen-corpus needs -o DIR"),
    };
    let seed: u64 = match args.value(&["--seed"])? {
        Some(s) => s
            .parse()
            .with_context(|| format!("--seed: `{s}` is not a number"))?,
        None => 1,
    };
    let mut from: Vec<PathBuf> = args
        .values(&["--from"])?
        .into_iter()
        .map(PathBuf::from)
        .collect();
    let gazetteer = args
        .value(&["--gazetteer"])?
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("data/gazetteer.txt"));
    // One JSONL file of every document instead of a file each: the shape of an archive's
    // export, for the import benchmark's single big file.
    let jsonl = args.value(&["--jsonl"])?;
    args.finish("gen-corpus")?;
    if from.is_empty() {
        from = [root.join("corpus"), root.join("../shared/corpora/docs")]
            .into_iter()
            .map(|p| p.canonicalize().unwrap_or(p))
            .collect();
    }

    let text = fs::read_to_string(&gazetteer)
        .with_context(|| format!("reading the gazetteer {}", gazetteer.display()))?;
    let districts = parse_districts(&text);
    if districts.len() < 2 {
        bail!("{}: fewer than two districts found", gazetteer.display());
    }
    let swapper = Swapper::with_blocks(&districts, &block_words(&text));

    let mut pool = Pool::default();
    for dir in &from {
        if !dir.exists() {
            eprintln!("warning: {} does not exist; skipped", dir.display());
            continue;
        }
        let mut files = Vec::new();
        collect_txt(dir, &mut files)?;
        files.sort();
        for file in &files {
            match fs::read_to_string(file) {
                Ok(text) => pool.add_document(&text),
                Err(err) => eprintln!("warning: {}: {err}; skipped", file.display()),
            }
        }
        eprintln!("read {} files under {}", files.len(), dir.display());
    }
    if pool.paragraphs.is_empty() || pool.titles.is_empty() {
        bail!("no paragraphs or titles found in {}", join_paths(&from));
    }
    eprintln!(
        "pool: {} paragraphs, {} titles; {} districts from {}",
        pool.paragraphs.len(),
        pool.titles.len(),
        districts.len(),
        gazetteer.display()
    );

    if out.exists() && fs::read_dir(&out)?.next().is_some() {
        bail!(
            "{} is not empty; remove it or choose another -o",
            out.display()
        );
    }
    fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let mut rng = SplitMix64(seed);
    let mut total = 0u64;
    let mut records = String::new();
    for i in 0..docs {
        let doc = generate(&pool, &swapper, &mut rng);
        total += doc.len() as u64;
        if jsonl.is_some() {
            records.push_str(&jsonl_record(&doc, &date_of(i)));
            continue;
        }
        let path = out.join(format!("doc_{i:06}_{}.txt", date_of(i)));
        fs::write(&path, &doc).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(name) = &jsonl {
        let path = out.join(name);
        fs::write(&path, &records).with_context(|| format!("writing {}", path.display()))?;
    }
    println!(
        "wrote {docs} documents, {:.1} MB, to {} (seed {seed})",
        total as f64 / 1e6,
        out.display()
    );
    Ok(())
}

/// One JSONL line for a generated document (title line, blank line, paragraphs), dated
/// as its file name would be.
fn jsonl_record(doc: &str, yyyymmdd: &str) -> String {
    let (title, text) = doc.split_once('\n').unwrap_or((doc, ""));
    let date = format!("{}-{}-{}", &yyyymmdd[..4], &yyyymmdd[4..6], &yyyymmdd[6..]);
    let record = serde_json::json!({ "title": title, "text": text.trim_start(), "date": date });
    format!("{record}\n")
}

/// The date of document `i` as `YYYYMMDD`: a fixed scramble of `i` (not the random
/// stream, so adding dates left the documents' text as it was).
fn date_of(i: usize) -> String {
    let k = i.wrapping_mul(7919) % (8 * 12 * 28);
    format!(
        "{}{:02}{:02}",
        2019 + k % 8,
        1 + k / 8 % 12,
        1 + k / 96 % 28
    )
}

fn join_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn collect_txt(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_txt(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
    Ok(())
}

/// One district of the gazetteer: the short name and the full name (which may be equal,
/// as in 忠县), other names that get the full name's slot, and whether the short name is
/// also an ordinary word.
#[derive(Debug, Default, PartialEq)]
struct District {
    display: String,
    full: String,
    others: Vec<String>,
    ambiguous: bool,
}

/// Districts from `district <display> <kind> <full> [<other>...]` lines, with the
/// `ambiguous` marks applied (the format is documented at the top of the gazetteer).
/// A file without `district` lines is read the simple way: the first field of each
/// non-comment line is a district name.
fn parse_districts(text: &str) -> Vec<District> {
    let records: Vec<Vec<&str>> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().filter(|f| !f.contains('=')).collect())
        .collect();
    let mut districts: Vec<District> = records
        .iter()
        .filter(|r| r.first() == Some(&"district"))
        .filter_map(|r| {
            let display = r.get(1)?.to_string();
            let full = r.get(3).map_or_else(|| display.clone(), |f| f.to_string());
            let others = r.iter().skip(4).map(|s| s.to_string()).collect();
            Some(District {
                display,
                full,
                others,
                ambiguous: false,
            })
        })
        .collect();
    if districts.is_empty() {
        return records
            .iter()
            .filter_map(|r| r.first())
            .map(|name| District {
                display: name.to_string(),
                full: name.to_string(),
                ..District::default()
            })
            .collect();
    }
    for record in records.iter().filter(|r| r.first() == Some(&"ambiguous")) {
        for name in &record[1..] {
            if let Some(d) = districts.iter_mut().find(|d| d.display == *name) {
                d.ambiguous = true;
            }
        }
    }
    districts
}

fn block_words(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("block ") || l.starts_with("block\t"))
        .flat_map(|l| l.split_whitespace().skip(1).map(str::to_string))
        .collect()
}

#[derive(Clone, Copy)]
enum Form {
    Display,
    Full,
}

enum Replace {
    /// Copied unchanged (a `block` word such as 长江北岸).
    Keep,
    District(usize, Form),
}

/// Finds district names in text (longest match first) and rewrites them through a
/// permutation of districts.
struct Swapper<'a> {
    districts: &'a [District],
    /// Patterns by first char, longest first.
    patterns: HashMap<char, Vec<(String, Replace)>>,
}

impl<'a> Swapper<'a> {
    fn with_blocks(districts: &'a [District], blocks: &[String]) -> Self {
        let mut list: Vec<(String, Replace)> = Vec::new();
        for (i, d) in districts.iter().enumerate() {
            list.push((d.full.clone(), Replace::District(i, Form::Full)));
            for other in &d.others {
                list.push((other.clone(), Replace::District(i, Form::Full)));
            }
            if d.display != d.full {
                let form = if d.ambiguous {
                    Replace::Keep
                } else {
                    Replace::District(i, Form::Display)
                };
                list.push((d.display.clone(), form));
            }
        }
        for b in blocks {
            list.push((b.clone(), Replace::Keep));
        }
        let mut patterns: HashMap<char, Vec<(String, Replace)>> = HashMap::new();
        for (pattern, replace) in list {
            if let Some(c) = pattern.chars().next() {
                patterns.entry(c).or_default().push((pattern, replace));
            }
        }
        for v in patterns.values_mut() {
            v.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
            v.dedup_by(|a, b| a.0 == b.0);
        }
        Swapper {
            districts,
            patterns,
        }
    }

    /// Rewrites `text`, mapping district `i` to district `perm[i]`.
    fn swap(&self, text: &str, perm: &[usize], out: &mut String) {
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let hit = self
                .patterns
                .get(&c)
                .and_then(|v| v.iter().find(|(p, _)| rest.starts_with(p.as_str())));
            match hit {
                Some((pattern, replace)) => {
                    match replace {
                        Replace::Keep => out.push_str(pattern),
                        Replace::District(i, form) => {
                            let target = &self.districts[perm[*i]];
                            out.push_str(match form {
                                Form::Display => &target.display,
                                Form::Full => &target.full,
                            });
                        }
                    }
                    rest = &rest[pattern.len()..];
                }
                None => {
                    out.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
    }
}

#[derive(Default)]
struct Pool {
    titles: Vec<String>,
    paragraphs: Vec<String>,
}

impl Pool {
    /// First non-empty line: the title. Then blank-line-separated blocks: a block of
    /// short lines is one hard-wrapped paragraph (joined without a separator, as Chinese
    /// needs none); otherwise each line is a paragraph.
    fn add_document(&mut self, text: &str) {
        let mut lines = text
            .lines()
            .map(|l| l.trim_end())
            .skip_while(|l| l.trim().is_empty());
        let Some(title) = lines.next() else { return };
        let title = title.trim();
        let mut block: Vec<&str> = Vec::new();
        if title.chars().count() <= MAX_TITLE_CHARS {
            self.titles.push(title.to_string());
        } else {
            block.push(title);
        }
        for line in lines.chain(std::iter::once("")) {
            if line.trim().is_empty() {
                self.add_block(&block);
                block.clear();
            } else {
                block.push(line);
            }
        }
    }

    fn add_block(&mut self, block: &[&str]) {
        let wrapped = block.len() > 1
            && block
                .iter()
                .all(|l| l.chars().count() <= WRAPPED_LINE_CHARS);
        let mut push = |p: String| {
            if p.chars().count() >= MIN_PARAGRAPH_CHARS {
                self.paragraphs.push(p);
            }
        };
        if wrapped {
            push(block.iter().map(|l| l.trim()).collect());
        } else {
            for line in block {
                push(line.trim().to_string());
            }
        }
    }
}

fn generate(pool: &Pool, swapper: &Swapper, rng: &mut SplitMix64) -> String {
    let n = swapper.districts.len();
    let mut perm: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        perm.swap(i, rng.below(i + 1));
    }
    let mut doc = String::new();
    swapper.swap(&pool.titles[rng.below(pool.titles.len())], &perm, &mut doc);
    doc.push('\n');
    let count = 3 + rng.below(13);
    for _ in 0..count {
        doc.push('\n');
        swapper.swap(
            &pool.paragraphs[rng.below(pool.paragraphs.len())],
            &perm,
            &mut doc,
        );
        doc.push('\n');
    }
    doc
}

/// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough to shuffle text.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform enough in `0..n` for n far below 2^64; `n` must be non-zero.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GAZ: &str = "# comment\n\
        district 北碚 区 北碚区\n\
        district 长寿 区 长寿区\n\
        district 石柱 自治县 石柱土家族自治县 石柱县\n\
        district 忠县 县 忠县\n\
        alias 忠县 忠州\n\
        ambiguous 长寿 石柱\n\
        block 长寿命\n";

    #[test]
    fn parses_district_lines_and_ambiguous_marks() {
        let d = parse_districts(GAZ);
        assert_eq!(d.len(), 4, "district lines in the test gazetteer");
        assert_eq!(d[2].full, "石柱土家族自治县");
        assert_eq!(d[2].others, ["石柱县"]);
        assert!(d[1].ambiguous && d[2].ambiguous && !d[0].ambiguous);
        assert_eq!(d[3].display, d[3].full);
    }

    #[test]
    fn without_district_lines_the_first_field_is_the_name() {
        let d = parse_districts("# x\n北碚区 北碚\n渝中区\n");
        let names: Vec<_> = d.iter().map(|d| d.full.as_str()).collect();
        assert_eq!(names, ["北碚区", "渝中区"]);
    }

    #[test]
    fn swaps_full_and_short_names_but_not_ambiguous_words() {
        let d = parse_districts(GAZ);
        let s = Swapper::with_blocks(&d, &block_words(GAZ));
        // 北碚 -> 忠县, 长寿 -> 北碚, 石柱 -> 长寿, 忠县 -> 石柱
        let perm = [3, 0, 1, 2];
        let mut out = String::new();
        s.swap(
            "北碚区和北碚，长寿区的长寿命，石柱县，忠县",
            &perm,
            &mut out,
        );
        assert_eq!(out, "忠县和忠县，北碚区的长寿命，长寿区，石柱土家族自治县");
    }

    #[test]
    fn wrapped_blocks_are_joined_and_long_lines_kept_apart() {
        let mut pool = Pool::default();
        pool.add_document("标题\n\n第一行很短\n第二行也很短但是合起来够长了\n\n这是一个单独的很长的段落，足够长。\n这是另一个单独的很长的段落，也足够长，而且比四十个字符还要长得多得多得多得多得多得多。\n");
        assert_eq!(pool.titles, ["标题"]);
        assert_eq!(pool.paragraphs[0], "第一行很短第二行也很短但是合起来够长了");
        assert_eq!(pool.paragraphs.len(), 3);
    }

    #[test]
    fn output_is_deterministic_for_a_seed() {
        let d = parse_districts(GAZ);
        let s = Swapper::with_blocks(&d, &[]);
        let mut pool = Pool::default();
        pool.add_document("北碚的标题\n\n北碚区是一个很好的地方，风景秀丽，人民勤劳。\n");
        let a = generate(&pool, &s, &mut SplitMix64(7));
        let b = generate(&pool, &s, &mut SplitMix64(7));
        assert_eq!(a, b);
        assert!(
            a.lines().count() >= 7,
            "title plus at least 3 paragraphs: {a}"
        );
    }
}
