//! Zip archives → the bytes of the files inside, one entry at a time.
//!
//! Input: the archive's name (as the user's file was called) and its bytes. Output: each
//! regular file as `archive.zip/dir/file.txt` plus its bytes, handed to a visitor, or a
//! [`Skipped`] entry saying why it was left out. Directories, hidden files (`.DS_Store`,
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

/// Calls `visit` for each regular file in the archive and for each entry left out with a
/// reason. `Err` (with a reason) when the bytes are not a readable zip archive at all or
/// list too many entries; then nothing was visited.
pub fn for_each_file(
    archive: &str,
    bytes: &[u8],
    mut visit: impl FnMut(Item<'_>),
) -> Result<(), SkipReason> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|_| SkipReason::NotAZip)?;
    if zip.len() > MAX_ENTRIES {
        return Err(SkipReason::TooManyEntries {
            entries: zip.len() as u64,
            max: MAX_ENTRIES as u64,
        });
    }
    let mut total = 0u64;
    let mut buf = Vec::new();
    for index in 0..zip.len() {
        let listed = zip
            .name_for_index(index)
            .and_then(|n| n.ok())
            .map(|n| format!("{archive}/{n}"))
            .unwrap_or_else(|| format!("{archive}/#{}", index + 1));
        let mut entry = match zip.by_index(index) {
            Ok(entry) => entry,
            Err(_) => {
                visit(Item::Skipped(Skipped {
                    name: listed,
                    reason: SkipReason::CouldNotUnpack,
                }));
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let path = entry_path(entry.name_raw());
        if is_hidden(&path) {
            continue;
        }
        let name = format!("{archive}/{path}");
        let skipped = |reason: SkipReason| Skipped {
            name: name.clone(),
            reason,
        };
        if entry.size() > MAX_ENTRY_BYTES {
            visit(Item::Skipped(skipped(too_large(MAX_ENTRY_BYTES))));
            continue;
        }
        if total.saturating_add(entry.size()) > MAX_ARCHIVE_BYTES {
            visit(Item::Skipped(archive_full(archive, &path)));
            return Ok(());
        }
        buf.clear();
        // The header's size is not believed: read one byte past the cap to notice a lie.
        if (&mut entry)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut buf)
            .is_err()
        {
            visit(Item::Skipped(skipped(SkipReason::CouldNotUnpack)));
            continue;
        }
        if buf.len() as u64 > MAX_ENTRY_BYTES {
            visit(Item::Skipped(skipped(too_large(MAX_ENTRY_BYTES))));
            continue;
        }
        total += buf.len() as u64;
        if total > MAX_ARCHIVE_BYTES {
            visit(Item::Skipped(archive_full(archive, &path)));
            return Ok(());
        }
        visit(Item::File(name, &buf));
    }
    Ok(())
}

fn too_large(cap: u64) -> SkipReason {
    SkipReason::TooLarge {
        limit_mib: cap >> 20,
    }
}

/// The entry's path as text: UTF-8 when it is (the flag is often missing), else GB18030, a
/// superset of the GBK of zip files made on Chinese Windows, else lossy UTF-8. Backslashes
/// become slashes and leading slashes go, so the name reads like a relative path.
fn entry_path(raw: &[u8]) -> String {
    let text = match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => quxian_core::decode_gb18030(raw)
            .unwrap_or_else(|| String::from_utf8_lossy(raw).into_owned()),
    };
    text.replace('\\', "/").trim_start_matches('/').to_string()
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
        let result = for_each_file("x.zip", b"PK\x03\x04 not really", |_| {});
        assert_eq!(result.unwrap_err(), SkipReason::NotAZip);
    }
}
