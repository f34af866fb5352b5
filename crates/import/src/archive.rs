//! Zip archives → the bytes of the files inside, one entry at a time.
//!
//! Input: the archive's name (as the user's file was called) and its bytes. Output, one at
//! a time ([`Entries`]): each regular file as `archive.zip/dir/file.txt` plus its bytes, or
//! a [`Skipped`] entry saying why it was left out. Directories, hidden files (`.DS_Store`,
//! `__MACOSX/`, any path part starting with a dot) and system clutter (`Thumbs.db`,
//! `desktop.ini`) are passed over silently.
//!
//! Archives are untrusted: an entry is inflated at most to [`MAX_ENTRY_BYTES`] (the size in
//! the header is not believed), the whole archive at most to [`MAX_ARCHIVE_BYTES`], and an
//! archive with more than [`MAX_ENTRIES`] entries is refused before anything is inflated.
//! Only stored and deflated entries are read (pure-Rust inflate, so it builds for wasm32);
//! encrypted entries and other methods become a skipped entry.
//!
//! Not done here: reading the entries as documents (the caller hands them to the corpus
//! builder) or unpacking archives inside archives.

use quxian_core::{SkipReason, Skipped};
use std::io::{Cursor, Read};
use zip::ZipArchive;

/// Largest file inflated from an archive: far above any text document, far below what a
/// browser tab can hold several of.
pub const MAX_ENTRY_BYTES: u64 = 64 << 20;
/// Most bytes inflated from one archive in total (the zip-bomb cap).
pub const MAX_ARCHIVE_BYTES: u64 = 512 << 20;
/// Most entries (files and directories) an archive may list.
pub const MAX_ENTRIES: usize = 50_000;

/// What the visitor of [`for_each_file`] sees.
pub enum Item<'a> {
    /// A regular file: `archive.zip/path/inside` and its inflated bytes.
    File(String, &'a [u8]),
    /// An entry left out, with the reason.
    Skipped(Skipped),
}

/// An archive read one entry at a time: each regular file, or an entry left out with the
/// reason; the browser's import answers a cancel or a search between two entries.
pub struct Entries {
    archive: String,
    zip: ZipArchive<Cursor<Vec<u8>>>,
    index: usize,
    total: u64,
    buf: Vec<u8>,
    full: bool,
}

impl Entries {
    /// `Err` (with a reason) when the bytes are not a readable zip archive at all or list
    /// too many entries.
    pub fn open(archive: &str, bytes: Vec<u8>) -> Result<Self, SkipReason> {
        let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|_| SkipReason::NotAZip)?;
        // Without a file in it (empty, or folders only) it would leave no line in the
        // report at all.
        let has_file = (0..zip.len()).any(|i| zip.by_index_raw(i).is_ok_and(|e| e.is_file()));
        if !has_file {
            return Err(SkipReason::EmptyArchive);
        }
        if zip.len() > MAX_ENTRIES {
            return Err(SkipReason::TooManyEntries {
                entries: zip.len() as u64,
                max: MAX_ENTRIES as u64,
            });
        }
        Ok(Entries {
            archive: archive.to_string(),
            zip,
            index: 0,
            total: 0,
            buf: Vec::new(),
            full: false,
        })
    }

    /// The share (0..=1) of the archive's entries read so far.
    pub fn share(&self) -> f64 {
        if self.full || self.zip.is_empty() {
            1.0
        } else {
            self.index as f64 / self.zip.len() as f64
        }
    }

    /// The next regular file or skipped entry; `None` at the end (or once the archive
    /// unpacked to more than [`MAX_ARCHIVE_BYTES`]).
    pub fn next_item(&mut self) -> Option<Item<'_>> {
        while !self.full && self.index < self.zip.len() {
            let index = self.index;
            self.index += 1;
            match self.read(index) {
                Entry::Passed => continue,
                Entry::Skipped(skipped) => return Some(Item::Skipped(skipped)),
                Entry::File(name) => return Some(Item::File(name, &self.buf)),
            }
        }
        None
    }

    /// Entry `index` into `buf`, checked against the caps.
    fn read(&mut self, index: usize) -> Entry {
        let archive = self.archive.as_str();
        let listed = self
            .zip
            .name_for_index(index)
            .and_then(|n| n.ok())
            .map(|n| format!("{archive}/{n}"))
            .unwrap_or_else(|| format!("{archive}/#{}", index + 1));
        let mut entry = match self.zip.by_index(index) {
            Ok(entry) => entry,
            Err(_) => {
                return Entry::Skipped(Skipped {
                    name: listed,
                    reason: SkipReason::CouldNotUnpack,
                })
            }
        };
        if entry.is_dir() {
            return Entry::Passed;
        }
        let path = entry_path(entry.name_raw());
        if is_hidden(&path) {
            return Entry::Passed;
        }
        let name = format!("{archive}/{path}");
        let skipped = |reason: SkipReason| {
            Entry::Skipped(Skipped {
                name: name.clone(),
                reason,
            })
        };
        if entry.size() > MAX_ENTRY_BYTES {
            return skipped(too_large(MAX_ENTRY_BYTES));
        }
        if self.total.saturating_add(entry.size()) > MAX_ARCHIVE_BYTES {
            self.full = true;
            return Entry::Skipped(archive_full(archive, &path));
        }
        self.buf.clear();
        // The header's size is not believed: read one byte past the cap to notice a lie.
        if (&mut entry)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut self.buf)
            .is_err()
        {
            return skipped(SkipReason::CouldNotUnpack);
        }
        if self.buf.len() as u64 > MAX_ENTRY_BYTES {
            return skipped(too_large(MAX_ENTRY_BYTES));
        }
        self.total += self.buf.len() as u64;
        if self.total > MAX_ARCHIVE_BYTES {
            self.full = true;
            return Entry::Skipped(archive_full(archive, &path));
        }
        Entry::File(name)
    }
}

/// What reading one entry gave: a file (its bytes in `Entries::buf`), a skip, or nothing
/// (a directory, a hidden file).
enum Entry {
    File(String),
    Skipped(Skipped),
    Passed,
}

fn too_large(cap: u64) -> SkipReason {
    SkipReason::TooLarge {
        limit_mib: cap >> 20,
    }
}

/// The entry's path as text: UTF-8 when it is (the flag is often missing), else GB18030, a
/// superset of the GBK of zip files made on Chinese Windows, else lossy UTF-8. Backslashes
/// become slashes, and empty, `.` and `..` parts go (`./资料/a.txt`, as zipping `.` writes
/// it, is `资料/a.txt`; nothing is written to disk, so `..` needs no more), so the name
/// reads like a relative path and no part of it looks hidden for being `.`.
fn entry_path(raw: &[u8]) -> String {
    let text = match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => quxian_core::decode_gb18030(raw)
            .unwrap_or_else(|| String::from_utf8_lossy(raw).into_owned()),
    };
    let text = text.replace('\\', "/");
    let parts: Vec<&str> = (text.split('/'))
        .filter(|part| !matches!(*part, "" | "." | ".."))
        .collect();
    parts.join("/")
}

/// Hidden files and the clutter archivers and file managers leave behind.
fn is_hidden(path: &str) -> bool {
    path.split('/').any(|part| {
        part.starts_with('.')
            || part == "__MACOSX"
            || part.eq_ignore_ascii_case("Thumbs.db")
            || part.eq_ignore_ascii_case("desktop.ini")
    })
}

/// The skip that ends an archive once it unpacks to more than [`MAX_ARCHIVE_BYTES`].
fn archive_full(archive: &str, path: &str) -> Skipped {
    Skipped {
        name: archive.to_string(),
        reason: SkipReason::ArchiveFull {
            limit_mib: MAX_ARCHIVE_BYTES >> 20,
            from: path.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_hidden_files() {
        assert_eq!(entry_path("目录/a.txt".as_bytes()), "目录/a.txt");
        // 新闻.txt in GBK.
        assert_eq!(entry_path(b"\xd0\xc2\xce\xc5.txt"), "新闻.txt");
        assert_eq!(entry_path(b"\\dir\\a.txt"), "dir/a.txt");
        assert_eq!(
            entry_path("./资料/./报告一.txt".as_bytes()),
            "资料/报告一.txt"
        );
        assert_eq!(entry_path(b"a/../../b.txt"), "a/b.txt");
        assert!(!is_hidden(&entry_path(b"./a.txt")));
        for hidden in [
            ".DS_Store",
            "__MACOSX/a.txt",
            "a/.git/config",
            "x/Thumbs.db",
        ] {
            assert!(is_hidden(hidden), "{hidden}");
        }
        assert!(!is_hidden("a/b.c.txt"));
    }

    #[test]
    fn garbage_is_not_an_archive() {
        let result = Entries::open("x.zip", b"PK\x03\x04 not really".to_vec());
        assert_eq!(result.err(), Some(SkipReason::NotAZip));
    }

    /// An archive of nothing, or of folders only, is skipped as empty (it left no line).
    #[test]
    fn an_archive_without_files_is_empty() {
        // The end-of-central-directory record alone: a zip with no entries.
        let mut empty = b"PK\x05\x06".to_vec();
        empty.extend([0; 18]);
        assert_eq!(
            Entries::open("x.zip", empty).err(),
            Some(SkipReason::EmptyArchive)
        );
    }
}
