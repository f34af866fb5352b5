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
        /// Why it was skipped.
        reason: SkipReason,
    },
    /// A gazetteer, topic lexicon or dictionary file has a bad line.
    #[error("{file} line {line}: {problem}")]
    DataFile {
        /// Which data file (`gazetteer`, `topics`, `jieba dictionary`, or the path the user
        /// gave).
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong with that line.
        problem: DataProblem,
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
    #[error("index piece {name}: {problem}")]
    Piece {
        /// The piece's file name.
        name: String,
        /// What is wrong with it.
        problem: PieceProblem,
    },
    /// A query longer than [`crate::MAX_QUERY_CHARS`].
    #[error("the query has {chars} characters; at most {max} are accepted")]
    QueryTooLong {
        /// Characters typed.
        chars: usize,
        /// Characters accepted.
        max: usize,
    },
}

impl Error {
    /// What went wrong, in Chinese, for the browser: the one place the core's errors are
    /// worded for people (the English `Display` is for the CLI). It says what is wrong with
    /// which file when the error knows the file; the page adds its own advice (a bundle is
    /// rebuilt or downloaded again, a site's host is asked to rebuild it).
    pub fn zh(&self) -> String {
        match self {
            Error::Read { name, .. } => format!("无法读取文件 {name}"),
            Error::DataFile {
                file,
                line,
                problem,
            } => {
                let file = match file.as_str() {
                    "gazetteer" => "区县文件",
                    "topics" => "主题文件",
                    "jieba dictionary" => "jieba 词典",
                    other => other,
                };
                format!("{file}第 {line} 行：{}", problem.zh())
            }
            Error::NotABundle => "不是 quxian 语料文件（文件头不符）".to_string(),
            Error::UnsupportedVersion { found, supported } => {
                format!("格式版本为 {found}，与本程序能读取的版本（{supported}）不符")
            }
            Error::ChecksumMismatch => "校验和不符：文件不完整或已损坏".to_string(),
            // The detail is the decoder's English: the part is said instead.
            Error::Corrupt { section, .. } => format!("文件已损坏（{}）", part_zh(section)),
            Error::TooLarge { limit } => format!(
                "解压后超过 {} MB，对这么大的文件来说不合常理：文件已损坏或是伪造的",
                limit >> 20
            ),
            Error::TrailingData { section, bytes } => {
                format!("文件已损坏（{}之后多出 {bytes} 字节）", part_zh(section))
            }
            Error::Piece { name, problem } => {
                let why = match problem {
                    PieceProblem::NotAName | PieceProblem::NotAPiece => {
                        "不是 quxian 索引文件，主机可能返回了错误页面"
                    }
                    PieceProblem::Truncated | PieceProblem::Checksum => "文件不完整或已损坏",
                    PieceProblem::OtherPiece => "属于网站的另一次构建",
                    PieceProblem::TooBig | PieceProblem::Undecodable => "内容无法解读",
                };
                format!("索引文件 {name} {why}")
            }
            Error::QueryTooLong { chars, max } => {
                format!("查询太长（{chars} 个字符）：最多 {max} 个字符，请缩短后再试")
            }
        }
    }
}

/// A part of a bundle or an index file (`section` of [`Error::Corrupt`] and
/// [`Error::TrailingData`]) in Chinese.
fn part_zh(section: &str) -> &str {
    match section {
        "header" => "文件头",
        "payload" => "压缩数据",
        "corpus" => "语料内容",
        other => other,
    }
}

/// What is wrong with one line of a data file. The English `Display` is for the CLI;
/// [`DataProblem::zh`] says it in Chinese, with what to do, for the browser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataProblem {
    /// The first field is not a kind of line the file knows.
    #[error("unknown record `{record}` (expected {expected})")]
    UnknownRecord {
        /// The first field as written.
        record: String,
        /// The kinds the file knows, comma-separated.
        expected: &'static str,
    },
    /// The line lacks fields: `form` is how it must be written.
    #[error("expected `{form}`")]
    Form {
        /// The line's syntax, as in the file's header.
        form: String,
    },
    /// An attribute this line does not take.
    #[error("unknown attribute `{attr}` (only until=<date>)")]
    UnknownAttribute {
        /// The attribute as written.
        attr: String,
    },
    /// A date that is not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[error("bad date `{date}` (expected YYYY, YYYY-MM or YYYY-MM-DD)")]
    BadDate {
        /// The date as written.
        date: String,
    },
    /// A district (or the city) defined twice.
    #[error("`{name}` is already a district")]
    DistrictTwice {
        /// The display name.
        name: String,
    },
    /// A second `city` line.
    #[error("only one `city` line is allowed")]
    CityTwice,
    /// More than 65,536 districts or topics.
    #[error("too many {what} (at most 65536)")]
    TooMany {
        /// `districts` or `topics`.
        what: &'static str,
    },
    /// A line refers to a district no `district` line defines.
    #[error("`{name}` is not a district of this file (no `district` line)")]
    NotADistrict {
        /// The name as written.
        name: String,
    },
    /// A name defined on an earlier line.
    #[error("`{name}` is already defined on line {first_line} (as {role})")]
    NameTwice {
        /// The name.
        name: String,
        /// The line that defined it first.
        first_line: usize,
        /// What it was defined as there (district, place, block word…).
        role: &'static str,
    },
    /// A name with characters that have a meaning in the file (`=`, a leading `#`).
    #[error("`{name}` is not a valid name")]
    InvalidName {
        /// The name as written.
        name: String,
    },
    /// `ambiguous` names something that is not a name of the file.
    #[error("`{name}` is marked ambiguous but is not a name in this file")]
    AmbiguousUnknown {
        /// The name as written.
        name: String,
    },
    /// A context word that is also a district or place name.
    #[error("context word `{word}` is also a name")]
    ContextIsName {
        /// The word.
        word: String,
    },
    /// A context word listed twice with the same role.
    #[error("context word `{word}` is listed twice as {role}")]
    ContextTwice {
        /// The word.
        word: String,
        /// The role it has twice.
        role: String,
    },
    /// `merged` lists a district twice or merges one into itself.
    #[error("`{name}` is listed twice or merged into itself")]
    MergedTwice {
        /// The district.
        name: String,
    },
    /// `moved` from a district to the same district.
    #[error("a move needs two different districts")]
    MoveToItself,
    /// A place moved twice on one date.
    #[error("`{name}` moves twice on {date} (also line {other_line})")]
    MovedTwice {
        /// The place.
        name: String,
        /// The date of both moves.
        date: String,
        /// The other line.
        other_line: usize,
    },
    /// A place moved from a district it had already left.
    #[error("`{name}` moves from a district it was not in: line {other_line} moved it elsewhere on {date}")]
    MovedFromElsewhere {
        /// The place.
        name: String,
        /// The line of the earlier move.
        other_line: usize,
        /// The date of the earlier move.
        date: String,
    },
    /// A topic line without keywords.
    #[error("topic `{topic}` has no keywords (expected `<topic> <keyword>...`)")]
    NoKeywords {
        /// The topic.
        topic: String,
    },
    /// A keyword made only of markers (`*`).
    #[error("`{word}` is not a keyword")]
    NotAKeyword {
        /// The keyword as written.
        word: String,
    },
    /// A keyword listed on an earlier line.
    #[error("keyword `{word}` is already listed on line {first_line}")]
    KeywordTwice {
        /// The keyword.
        word: String,
        /// The line that listed it first.
        first_line: usize,
    },
    /// A tile's column or row that is not a whole number from 0 to 63.
    #[error("tile position `{value}` is not a whole number from 0 to 63")]
    BadTilePosition {
        /// The column or row as written.
        value: String,
    },
    /// A district given a second tile.
    #[error("this district already has a tile on line {first_line}")]
    TileTwice {
        /// The line of its first tile.
        first_line: usize,
    },
    /// Two districts on one cell of the map.
    #[error("column {column}, row {row} already holds the tile of line {first_line}")]
    TileTaken {
        /// The cell's column.
        column: u8,
        /// The cell's row.
        row: u8,
        /// The line of the tile already there.
        first_line: usize,
    },
    /// A line that cannot be read (not text).
    #[error("unreadable line: {reason}")]
    Unreadable {
        /// Why, as the reader said it.
        reason: String,
    },
    /// A line of a front-coded dictionary whose first character is not the hex digit of
    /// the prefix it shares with the word before.
    #[error("`{line}` does not start with a shared-prefix length 0-f")]
    BadPrefix {
        /// The line, cut to 20 characters.
        line: String,
    },
    /// A dictionary frequency that is not a whole number.
    #[error("frequency `{value}` of `{word}` is not a whole number")]
    BadFrequency {
        /// The word.
        word: String,
        /// The frequency as written.
        value: String,
    },
}

impl DataProblem {
    /// The problem in Chinese, saying what to write instead.
    pub fn zh(&self) -> String {
        use DataProblem::*;
        match self {
            UnknownRecord { record, expected } => {
                format!("不认识的行类型“{record}”，每行应以 {expected} 之一开头")
            }
            Form { form } => format!("这一行缺少内容，应写成：{form}"),
            UnknownAttribute { attr } => {
                format!("不认识的属性“{attr}”，这里只能写 until=日期")
            }
            BadDate { date } => {
                format!("日期“{date}”无效，应写成 2026、2026-05 或 2026-05-02")
            }
            DistrictTwice { name } => format!("“{name}”已经定义为区县，请删去重复的一行"),
            CityTwice => "只能有一行 city，请删去多余的一行".to_string(),
            TooMany { what } => {
                let what = if *what == "topics" {
                    "主题"
                } else {
                    "区县"
                };
                format!("{what}太多（最多 65536 个）")
            }
            NotADistrict { name } => {
                format!("“{name}”不是本文件的区县，请先用 district 行定义它，或改正名称")
            }
            NameTwice {
                name, first_line, ..
            } => format!("“{name}”在第 {first_line} 行已经定义过，一个名称只能出现一次"),
            InvalidName { name } => {
                format!("“{name}”不能作为名称（不能含 = 或以 # 开头）")
            }
            AmbiguousUnknown { name } => {
                format!("ambiguous 行的“{name}”不是本文件中的名称，请先定义它")
            }
            ContextIsName { word } => {
                format!("上下文词“{word}”同时是地名，请从 context 行删去它")
            }
            ContextTwice { word, role } => {
                format!("上下文词“{word}”重复列为 {role}，请删去重复的")
            }
            MergedTwice { name } => format!("“{name}”重复出现或合并到自身，请改正 merged 行"),
            MoveToItself => "moved 行的原区县与新区县相同，请改正".to_string(),
            MovedTwice {
                name,
                date,
                other_line,
            } => format!("“{name}”在 {date} 迁移了两次（另见第 {other_line} 行），请只保留一行"),
            MovedFromElsewhere {
                name,
                other_line,
                date,
            } => format!(
                "“{name}”迁出的区县不对：第 {other_line} 行已在 {date} 把它迁到别处，请改正原区县"
            ),
            NoKeywords { topic } => {
                format!("主题“{topic}”没有关键词，应写成：主题名 关键词1 关键词2 …")
            }
            NotAKeyword { word } => format!("“{word}”不是有效的关键词"),
            KeywordTwice { word, first_line } => {
                format!("关键词“{word}”在第 {first_line} 行已经列出，请删去重复的")
            }
            BadTilePosition { value } => {
                format!("地图位置“{value}”无效，列和行应为 0 到 63 的整数，例如 tile 北碚 2 3")
            }
            TileTwice { first_line } => {
                format!("这个区县在第 {first_line} 行已经有地图位置，请删去重复的 tile 行")
            }
            TileTaken {
                column,
                row,
                first_line,
            } => {
                format!("第 {column} 列第 {row} 行已被第 {first_line} 行的区县占用，请换一个空位置")
            }
            Unreadable { .. } => "这一行无法读取（不是 UTF-8 文本）".to_string(),
            BadFrequency { word, value } => {
                format!("词“{word}”的词频“{value}”不是整数")
            }
            BadPrefix { line } => {
                format!("“{line}”不以共享前缀长度（0–f）开头：请用 cargo xtask dict 重新生成词典")
            }
        }
    }
}

/// What is wrong with a piece of a site index. The English `Display` is for the CLI; the
/// browser renders its own words from the variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PieceProblem {
    /// The file name is not one a site index uses.
    #[error("not a piece name")]
    NotAName,
    /// The bytes are not an index piece at all (an HTML error page served with 200, say).
    #[error("not a quxian index piece")]
    NotAPiece,
    /// The file ends inside the header.
    #[error("file ends inside the header")]
    Truncated,
    /// The header names another piece than the file name: another build, or a mix-up.
    #[error("another piece than its name says (from another build?)")]
    OtherPiece,
    /// The checksum does not match: truncated or damaged on the way.
    #[error("checksum mismatch (truncated or damaged)")]
    Checksum,
    /// The header declares more than a piece may hold.
    #[error("declared size is over the limit")]
    TooBig,
    /// The payload does not inflate or decode to what its kind holds.
    #[error("cannot decode")]
    Undecodable,
}

/// Why a file, an archive entry, a JSONL record or a document was left out of a build. The
/// English `Display` is for the CLI; front ends render their own words from the variant
/// (serialized as `{"kind": "too-large", "limit_mib": 32}`), never from the English.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SkipReason {
    /// NUL bytes in the first 8 KB, and not UTF-16 either.
    #[error("binary file")]
    Binary,
    /// Nothing but whitespace.
    #[error("empty file")]
    Empty,
    /// A zip archive without a file in it (empty, or folders only).
    #[error("archive holds no file")]
    EmptyArchive,
    /// Neither UTF-8, UTF-16 nor plausible GB18030.
    #[error("could not decode as UTF-8, UTF-16 or GB18030: save it as UTF-8 and build again")]
    Undecodable,
    /// A file name without an extension.
    #[error("unsupported file type (no extension)")]
    NoExtension,
    /// An extension no reader handles.
    #[error("unsupported file type .{extension}")]
    UnsupportedType {
        /// The extension, lower-cased, without the dot.
        extension: String,
    },
    /// Larger than a file may be (see `MAX_FILE_BYTES`), or an archive entry larger than an
    /// entry may unpack to.
    #[error("file too large (over {limit_mib} MiB)")]
    TooLarge {
        /// The limit, in MiB.
        limit_mib: u64,
    },
    /// A single-document file (`.txt`, `.md`, `.html`) larger than a document may be (see
    /// `MAX_DOCUMENT_BYTES`); many documents fit in one JSONL file instead.
    #[error("document too large (over {limit_mib} MiB): split it, or give it as JSONL, one document per line")]
    DocumentTooLarge {
        /// The limit, in MiB.
        limit_mib: u64,
    },
    /// A JSONL line larger than a document may be.
    #[error("line {line}: record too large (over {limit_mib} MiB)")]
    RecordTooLarge {
        /// 1-based line number.
        line: usize,
        /// The limit, in MiB.
        limit_mib: u64,
    },
    /// A document whose text is empty once normalized.
    #[error("no text")]
    NoText,
    /// An HTML or Markdown file that is only markup.
    #[error("no text left after removing markup")]
    NoTextAfterMarkup,
    /// A JSONL file without a single record.
    #[error("no records")]
    NoRecords,
    /// A JSONL record whose `text` is empty.
    #[error("line {line}: `text` is empty")]
    EmptyRecord {
        /// 1-based line number.
        line: usize,
    },
    /// A JSONL line that is not a record.
    #[error("line {line}: {problem}")]
    BadRecord {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        problem: RecordProblem,
    },
    /// The same text as a document added before.
    #[error("duplicate of {of}")]
    Duplicate {
        /// The key of that earlier document.
        of: String,
    },
    /// Bytes that are not a zip archive (or a damaged one).
    #[error("not a readable zip archive")]
    NotAZip,
    /// An archive listing more entries than are read.
    #[error("archive lists {entries} entries (at most {max} are read)")]
    TooManyEntries {
        /// Entries listed.
        entries: u64,
        /// Entries read at most.
        max: u64,
    },
    /// An archive that unpacks to more than archives may; `from` and the entries after it
    /// were left out.
    #[error("archive unpacks to more than {limit_mib} MiB; {from} and later entries were skipped")]
    ArchiveFull {
        /// The limit, in MiB.
        limit_mib: u64,
        /// The first entry left out.
        from: String,
    },
    /// An archive inside an archive.
    #[error("archive inside an archive (unpack it first)")]
    NestedArchive,
    /// An entry that could not be inflated (encrypted, damaged, unknown method).
    #[error("could not unpack")]
    CouldNotUnpack,
    /// A `.qx` file that does not load.
    #[error("not a usable quxian library ({problem})")]
    NotALibrary {
        /// Why it does not load (a bundle error, a few hundred bytes at most).
        problem: String,
    },
}

/// Why a JSONL line is not a record, typed so that the page words it in Chinese (the JSON
/// parser's own sentence is English).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordProblem {
    /// Not JSON at all: a stray text line, a comment.
    #[error("not JSON")]
    NotJson,
    /// JSON cut off before its end.
    #[error("incomplete JSON")]
    Incomplete,
    /// JSON, but not an object with a string `text` (missing, a number, a list…).
    #[error("not an object with a string \"text\"")]
    NotARecord,
}

/// Result with the core's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs of three or more ASCII letters, but for names and the data files' own keywords.
    fn english(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 3 && !["quxian", "jieba", "tile"].contains(w))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_error_has_chinese_words_without_the_decoders_english() {
        let errors = [
            Error::Read {
                name: "a.txt".into(),
                reason: SkipReason::Binary,
            },
            Error::DataFile {
                file: "gazetteer".into(),
                line: 3,
                problem: DataProblem::TileTwice { first_line: 2 },
            },
            Error::NotABundle,
            Error::UnsupportedVersion {
                found: 9,
                supported: 3,
            },
            Error::ChecksumMismatch,
            Error::Corrupt {
                section: "corpus",
                detail: "unexpected end of input".into(),
            },
            Error::TooLarge { limit: 64 << 20 },
            Error::TrailingData {
                section: "payload",
                bytes: 4,
            },
            Error::Piece {
                name: "g-1.qxs".into(),
                problem: PieceProblem::OtherPiece,
            },
            Error::QueryTooLong {
                chars: 5000,
                max: 1000,
            },
        ];
        for e in errors {
            let zh = e.zh();
            assert!(!zh.is_empty() && zh.len() < 300, "{zh}");
            let words: Vec<String> = english(&zh.replace("a.txt", "").replace("g-1.qxs", ""));
            assert!(words.is_empty(), "{e:?} → {zh}: {words:?}");
        }
        assert_eq!(
            Error::DataFile {
                file: "gazetteer".into(),
                line: 3,
                problem: DataProblem::TileTwice { first_line: 2 },
            }
            .zh(),
            "区县文件第 3 行：这个区县在第 2 行已经有地图位置，请删去重复的 tile 行"
        );
    }
}
