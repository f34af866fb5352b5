//! Benchmark (not a test): writing a site index from a bundle, as the browser does it for a
//! library (`writeSite` in crates/import) — its time and the process's peak memory, and a
//! hash of every piece written (to check that a change writes the same pieces).
//!
//!   cargo build --release -p quxian-cli --example site_write
//!   taskset -c 0 target/release/examples/site_write BUNDLE.qx     (one core, as a browser)
//!
//! Prints the peak resident set after loading the bundle and after writing (Linux only).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The process's peak resident set so far, from /proc (empty elsewhere).
fn peak_resident() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status.lines().find(|l| l.starts_with("VmHWM"));
    peak.map_or(String::new(), |l| {
        l.split_whitespace().skip(1).collect::<Vec<_>>().join(" ")
    })
}

fn main() -> anyhow::Result<()> {
    let Some(path) = std::env::args().nth(1) else {
        anyhow::bail!("usage: site_write BUNDLE.qx");
    };
    let bytes = std::fs::read(&path)?;
    let corpus = quxian_core::Corpus::from_bundle(&bytes)?;
    drop(bytes);
    println!("loaded: peak {}", peak_resident());
    let start = Instant::now();
    // Pieces come from several threads in any order: a sum of their hashes does not care.
    let hash = AtomicU64::new(0);
    let summary = quxian_core::write_site(&corpus, |name, bytes| {
        let mut hasher = DefaultHasher::new();
        (name, bytes).hash(&mut hasher);
        hash.fetch_add(hasher.finish(), Ordering::Relaxed);
        Ok(())
    })?;
    println!(
        "written: {} pieces, {} bytes in {:.1} s; peak {}; pieces hash {:016x}",
        summary.pieces,
        summary.bytes,
        start.elapsed().as_secs_f64(),
        peak_resident(),
        hash.into_inner()
    );
    Ok(())
}
