//! `quxian`: build, search and inspect corpus bundles from the command line.
//!
//! The binary only wires flags to the core library: reading files from disk, printing, and
//! exit codes live here; everything about text, ranking and formats lives in `quxian-core`.

mod bench;
mod build;
mod inspect;
mod search;
mod site;
mod site_search;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "quxian",
    version,
    about = "Explore piles of Chinese documents by district and topic"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a corpus bundle (-o) or a static site (--site) from files and directories
    /// (.txt .md .html .jsonl).
    Build(build::BuildArgs),
    /// Search a bundle or a site folder.
    Search(search::SearchArgs),
    /// Measure query latency and phrase recall on a bundle.
    Bench(bench::BenchArgs),
    /// Show each document of a bundle with its districts and topics.
    Inspect(inspect::InspectArgs),
}

fn run() -> Result<()> {
    match Cli::parse().command {
        Command::Build(args) => build::run(args),
        Command::Search(args) => search::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Inspect(args) => inspect::run(args),
    }
}

fn main() {
    // Rust ignores SIGPIPE, so a closed pipe (`quxian inspect … | head`) makes the next
    // `println!` panic. Like other command-line tools, end quietly instead.
    #[cfg(unix)]
    // SAFETY: called first in `main`, before any other thread exists; SIG_DFL is a valid
    // action for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    if let Err(err) = run() {
        // A closed pipe (`quxian search … | head`) is not an error worth reporting.
        let broken_pipe = err
            .chain()
            .filter_map(|e| e.downcast_ref::<std::io::Error>())
            .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe);
        if broken_pipe {
            std::process::exit(0);
        }
        eprintln!("error: {err:#}");
        std::process::exit(2);
    }
}

/// Load a bundle file, naming the file in any error.
fn load_bundle(path: &std::path::Path) -> Result<quxian_core::Corpus> {
    use anyhow::Context;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    quxian_core::Corpus::from_bundle(&bytes)
        .with_context(|| format!("cannot load {}", path.display()))
}
