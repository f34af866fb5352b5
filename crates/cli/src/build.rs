//! `quxian build`: files → bundle, with a progress bar and a summary.

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use quxian_core::{
    CorpusBuilder, DataFiles, Gazetteer, Lexicon, PreparedFile, Preparer, Segmenter,
};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Show a progress bar only when a build takes long enough to wonder about.
const PROGRESS_MIN_BYTES: u64 = 5 << 20;

#[derive(clap::Args)]
pub struct BuildArgs {
    /// Files and directories to read (directories are walked recursively).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Where to write the bundle (one file).
    #[arg(short, long, required_unless_present = "site", conflicts_with = "site")]
    output: Option<PathBuf>,
    /// Write a static search site into this folder instead: a search page and the corpus
    /// as a site index fetched piece by piece (for archives of any size).
    #[arg(long)]
    site: Option<PathBuf>,
    /// Where the search page for --site comes from: a folder made by `cargo xtask dist`.
    #[arg(long, default_value = "dist", requires = "site")]
    app: PathBuf,
    /// A gazetteer file replacing the built-in Chongqing one.
    #[arg(long)]
    gazetteer: Option<PathBuf>,
    /// A topic lexicon file replacing the built-in one.
    #[arg(long)]
    topics: Option<PathBuf>,
    /// Fail when any file is skipped.
    #[arg(long)]
    strict: bool,
}

/// The files to read: given files, and the files under given folders in name order
/// (hidden entries left out). An input that cannot be read is an error; an entry inside a
/// folder that cannot be (a dangling link, no permission) or a link back to a folder
/// already read (`up -> ..`) goes to `unreadable` with its reason, and the rest is read.
/// A link to the site folder being written is not followed: its pages are no documents.
struct Inputs {
    files: Vec<PathBuf>,
    unreadable: Vec<(PathBuf, String)>,
    /// Folders read, by canonical path: each once, however many links lead to it.
    folders: std::collections::HashSet<PathBuf>,
    /// Files read, by canonical path: each once, however often it is given (a file read
    /// twice was its own duplicate).
    read_files: std::collections::HashSet<PathBuf>,
    /// The site folder of `--site`, by canonical path, if it exists.
    site: Option<PathBuf>,
}

impl Inputs {
    fn collect(paths: &[PathBuf], site: Option<&Path>) -> Result<Inputs> {
        let mut inputs = Inputs {
            files: Vec::new(),
            unreadable: Vec::new(),
            folders: std::collections::HashSet::new(),
            read_files: std::collections::HashSet::new(),
            site: site.and_then(|s| std::fs::canonicalize(s).ok()),
        };
        for path in paths {
            let meta = std::fs::metadata(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            if meta.is_dir() {
                inputs.walk(path);
            } else if meta.is_file() {
                inputs.add_file(path.clone());
            } else {
                bail!(
                    "{} is not a regular file (a pipe, a device): give files or folders",
                    path.display()
                );
            }
        }
        Ok(inputs)
    }

    /// Read `file`, unless it was already (by another path or name for it).
    fn add_file(&mut self, file: PathBuf) {
        let canonical = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
        if self.read_files.insert(canonical) {
            self.files.push(file);
        }
    }

    fn walk(&mut self, dir: &Path) {
        let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if self
            .site
            .as_ref()
            .is_some_and(|site| canonical.starts_with(site))
        {
            let reason = "a link to the site folder being written (not read)";
            self.unreadable
                .push((dir.to_path_buf(), reason.to_string()));
            return;
        }
        if !self.folders.insert(canonical) {
            let reason = "a folder already read (given twice, or a link to it): not read again";
            self.unreadable
                .push((dir.to_path_buf(), reason.to_string()));
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                return self
                    .unreadable
                    .push((dir.to_path_buf(), format!("cannot list: {e}")))
            }
        };
        let mut entries: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        entries.sort();
        for entry in entries {
            // A file that cannot be opened (no permission) is skipped, as a broken link is,
            // not the end of the build. Only regular files are opened: a pipe or a device
            // would block.
            let readable = std::fs::metadata(&entry).and_then(|meta| {
                if meta.is_file() {
                    std::fs::File::open(&entry)?;
                }
                Ok(meta)
            });
            match readable {
                Ok(meta) if meta.is_dir() => self.walk(&entry),
                Ok(meta) if meta.is_file() => self.add_file(entry),
                Ok(_) => self.unreadable.push((
                    entry,
                    "not a regular file (a pipe, a device): not read".into(),
                )),
                Err(e) => self.unreadable.push((entry, format!("cannot read: {e}"))),
            }
        }
    }
}

/// Files handed to the worker threads at a time; committed in order after each chunk.
const FILES_PER_CHUNK: usize = 256;

/// Read and prepare `files` on `threads` threads; results come back in file order. The
/// core is single-threaded (it also runs in the browser); the CLI adds the parallelism.
/// Each thread takes the next file not yet taken, so one long file does not leave the
/// other threads idle.
fn prepare_in_parallel(
    preparer: &Preparer,
    files: &[PathBuf],
    threads: usize,
) -> Result<Vec<PreparedFile>> {
    let next = AtomicUsize::new(0);
    let work = || -> Result<Vec<(usize, PreparedFile)>> {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(file) = files.get(i) else {
                return Ok(done);
            };
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            done.push((i, preparer.prepare_file(&name, &bytes)));
        }
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1)).map(|_| scope.spawn(work)).collect();
        let mut out = Vec::with_capacity(files.len());
        for worker in workers {
            match worker.join() {
                Ok(prepared) => out.extend(prepared?),
                Err(_) => bail!("a worker thread panicked while preparing files"),
            }
        }
        out.sort_unstable_by_key(|(i, _)| *i);
        Ok(out.into_iter().map(|(_, prepared)| prepared).collect())
    })
}

/// Prepare `files` a chunk at a time on every core and commit them in order; the next
/// chunk is prepared while this thread commits the last one (committing is serial: it
/// numbers documents, drops duplicates and counts words). `done` is called with each
/// chunk's bytes.
fn add_files(builder: &mut CorpusBuilder, files: &[PathBuf], done: impl Fn(u64)) -> Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let preparer = builder.preparer();
    let preparer = &*preparer;
    std::thread::scope(|scope| {
        let mut chunks = files.chunks(FILES_PER_CHUNK);
        let prepare = |chunk| scope.spawn(move || prepare_in_parallel(preparer, chunk, threads));
        let mut ahead = chunks.next().map(|c| (c, prepare(c)));
        while let Some((chunk, preparing)) = ahead {
            let prepared = match preparing.join() {
                Ok(prepared) => prepared?,
                Err(_) => bail!("a worker thread panicked while preparing files"),
            };
            ahead = chunks.next().map(|c| (c, prepare(c)));
            for file in prepared {
                builder.commit_file(file);
            }
            done(
                chunk
                    .iter()
                    .filter_map(|f| std::fs::metadata(f).ok())
                    .map(|m| m.len())
                    .sum(),
            );
        }
        Ok(())
    })
}

fn read_data_file(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {} as UTF-8 text", path.display()))
}

/// The gazetteer and lexicon: the files given, else the texts of `fallback` (a bundle's
/// own), else the built-in ones; and the texts used.
pub fn load_data_files(
    gazetteer: Option<&Path>,
    topics: Option<&Path>,
    fallback: &DataFiles,
) -> Result<(Gazetteer, Lexicon, DataFiles)> {
    let texts = DataFiles {
        gazetteer: match gazetteer {
            Some(path) => Some(read_data_file(path)?),
            None => fallback.gazetteer.clone(),
        },
        topics: match topics {
            Some(path) => Some(read_data_file(path)?),
            None => fallback.topics.clone(),
        },
    };
    let name =
        |p: Option<&Path>, stored: &str| p.map_or(stored.to_string(), |p| p.display().to_string());
    let gazetteer_data = match &texts.gazetteer {
        Some(text) => Gazetteer::parse(text, &name(gazetteer, "the bundle's gazetteer"))?,
        None => Gazetteer::chongqing(),
    };
    let lexicon = match &texts.topics {
        Some(text) => Lexicon::parse(text, &name(topics, "the bundle's topics"))?,
        None => Lexicon::default_topics(),
    };
    Ok((gazetteer_data, lexicon, texts))
}

pub fn run(args: BuildArgs) -> Result<()> {
    if let Some(out) = &args.site {
        crate::site::check_folder(out, &args.inputs)?;
    } else if let Some(output) = &args.output {
        check_output_file(output)?;
    }
    let (gazetteer, lexicon, texts) = load_data_files(
        args.gazetteer.as_deref(),
        args.topics.as_deref(),
        &DataFiles::default(),
    )?;
    if gazetteer.districts().is_empty() {
        eprintln!("warning: the gazetteer defines no district: no document will get one");
    }
    let inputs = Inputs::collect(&args.inputs, args.site.as_deref())?;
    let started = Instant::now();
    let segmenter = Segmenter::with_default_dict(&gazetteer, &lexicon);
    let dictionary_time = started.elapsed();
    let mut builder = CorpusBuilder::new(segmenter, gazetteer, lexicon);
    builder.keep_data_files(texts);
    let progress = progress_bar(&inputs.files);
    let indexing = Instant::now();
    add_files(&mut builder, &inputs.files, |bytes| progress.inc(bytes))?;
    progress.finish_and_clear();
    let (corpus, report) = builder.finish();
    if report.documents == 0 {
        eprintln!("warning: no document was read from the inputs: the output holds none");
    }
    let skipped: Vec<String> = (inputs.unreadable.iter())
        .map(|(path, reason)| format!("{}: {reason}", path.display()))
        .chain(
            report
                .skipped
                .iter()
                .map(|s| format!("{}: {}", s.name, s.reason)),
        )
        .collect();
    if args.strict && !skipped.is_empty() {
        print_skipped(&skipped);
        bail!(
            "{} skipped (files, or lines of JSONL files) and --strict is set: nothing was written",
            skipped.len()
        );
    }
    let encoding = Instant::now();
    let written = write_output(&args, &corpus, report.input_bytes)?;
    let encode_time = encoding.elapsed();
    let build_time = indexing.elapsed();

    let mb = report.input_bytes as f64 / 1e6;
    println!("read      {} files, {:.2} MB", report.files, mb);
    println!(
        "built     {} documents, {} passages",
        report.documents, report.passages
    );
    print_skipped(&skipped);
    print_main_districts(&corpus);
    println!("{written}");
    println!(
        "time      dictionary {:.0} ms, build {:.0} ms (of which writing the output {:.0} ms), {:.1} MB/s",
        dictionary_time.as_secs_f64() * 1e3,
        build_time.as_secs_f64() * 1e3,
        encode_time.as_secs_f64() * 1e3,
        mb / build_time.as_secs_f64().max(1e-9)
    );
    Ok(())
}

/// A progress bar over the files' bytes, shown only for builds long enough to wonder about.
fn progress_bar(files: &[PathBuf]) -> ProgressBar {
    let total_bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    if total_bytes < PROGRESS_MIN_BYTES {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total_bytes);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Refuse an output file that is not a bundle (checked before a build starts): `-o` named
/// one of the inputs or a user's own file, and the build would have replaced it. A bundle
/// is replaced only after every input is read, so `-o lib.qx` may also be an input.
fn check_output_file(output: &Path) -> Result<()> {
    use std::io::Read;
    if output.is_dir() {
        bail!(
            "{} is a folder: give -o a file name (NAME.qx), or --site DIR for a site",
            output.display()
        );
    }
    let Ok(file) = std::fs::File::open(output) else {
        return Ok(()); // nothing there (or nothing readable, which the write will say)
    };
    let mut start = Vec::new();
    file.take(8)
        .read_to_end(&mut start)
        .with_context(|| format!("cannot read {}", output.display()))?;
    if !start.is_empty() && !quxian_core::is_bundle_start(&start) {
        bail!(
            "{} exists and is not a quxian bundle: the build would replace it; choose another output name, or move that file away",
            output.display()
        );
    }
    Ok(())
}

/// Write the bundle (-o) or the site (--site); the summary's line about it.
fn write_output(
    args: &BuildArgs,
    corpus: &quxian_core::Corpus,
    input_bytes: u64,
) -> Result<String> {
    // The output's size against the input's ("—" for no input: an empty folder).
    let ratio = |bytes: u64| match input_bytes {
        0 => "—".to_string(),
        n => format!("{:.2}×", bytes as f64 / n as f64),
    };
    Ok(match (&args.output, &args.site) {
        (_, Some(out)) => {
            let summary = crate::site::write(corpus, out, &args.app)?;
            format!(
                "site      {} (index: {} pieces, {} bytes, {} input; meta {} bytes)",
                out.display(),
                summary.pieces,
                summary.bytes,
                ratio(summary.bytes),
                summary.meta_bytes
            )
        }
        (Some(output), None) => {
            let bundle = corpus.to_bundle();
            std::fs::write(output, &bundle)
                .with_context(|| format!("cannot write {}", output.display()))?;
            format!(
                "bundle    {} ({} bytes, {} input)",
                output.display(),
                bundle.len(),
                ratio(bundle.len() as u64)
            )
        }
        (None, None) => bail!("give -o FILE or --site DIR"),
    })
}

/// The summary's line of main districts, the most frequent first.
fn print_main_districts(corpus: &quxian_core::Corpus) {
    let mut main_counts = vec![0usize; corpus.districts.len()];
    for doc in &corpus.docs {
        for d in &doc.main_districts {
            main_counts[d.0 as usize] += 1;
        }
    }
    let mut found: Vec<(usize, &str)> = main_counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(i, n)| (*n, corpus.districts[i].as_str()))
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let list: Vec<String> = found.iter().map(|(n, d)| format!("{d} {n}")).collect();
    println!(
        "districts {} as main district: {}",
        found.len(),
        list.join(", ")
    );
}

/// The summary's list of what was left out, each with its reason.
fn print_skipped(skipped: &[String]) {
    if skipped.is_empty() {
        return;
    }
    println!("skipped   {} (reason follows each name)", skipped.len());
    for line in skipped {
        println!("          {line}");
    }
}
