//! Project tasks, reached through the `cargo xtask` alias in `.cargo/config.toml`.
//!
//! Run bare, it lists the tasks. Every task prints each command before running it and
//! stops at the first failure, naming that command. Prerequisites are checked up front:
//! what can be installed (the wasm32 target, the wasm-bindgen CLI) is installed into
//! `target/`; what cannot (Chromium without root) is named with its install command.
//! Outputs go to `target/` or `dist/` only.

mod bench;
mod check;
mod dict;
mod dist;
mod gen_corpus;
mod process;
mod serve;
mod test_task;

use std::path::PathBuf;

use anyhow::{bail, Result};

/// One line of help per task, printed by a bare `cargo xtask`.
const TASKS: &[(&str, &str)] = &[
    (
        "dist",
        "build dist/: app, JS API, embed script, service worker, bundles, examples, import",
    ),
    (
        "serve [--port 8080] [--dir dist] [--no-build] [--docs DIR]",
        "run `dist`, then serve the directory (or, with --docs, DIR as a site index) on 127.0.0.1",
    ),
    (
        "test",
        "native tests, core wasm32 build, `dist`, then headless-Chromium tests in tests/e2e/",
    ),
    (
        "gen-corpus --docs N -o DIR [--seed S] [--from DIR...] [--jsonl NAME]",
        "write N scale-test documents recombined from real paragraphs",
    ),
    (
        "dict",
        "write data/jieba-dict.txt from jieba-rs's dict.txt (no tags, no rare words)",
    ),
    (
        "bench [--no-browser] [--import-mb N] [--archive]",
        "every benchmark of BENCHMARKS.md: build MB/s, query latency, bundle size, browser",
    ),
    (
        "check",
        "cargo fmt --check, clippy -D warnings, no web crates under core, core wasm32 build",
    ),
];

fn main() {
    if let Err(err) = run() {
        eprintln!("xtask: error: {err:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        print_tasks();
        return Ok(());
    }
    let task = args.remove(0);
    let root = workspace_root();
    std::env::set_current_dir(&root)?;
    match task.as_str() {
        "dist" => {
            no_args(&task, &args)?;
            dist::run(&root)
        }
        "serve" => serve::task(&root, Args::new(args)),
        "test" => {
            no_args(&task, &args)?;
            test_task::run(&root)
        }
        "gen-corpus" => gen_corpus::task(&root, Args::new(args)),
        "dict" => dict::task(&root, Args::new(args)),
        "bench" => bench::task(&root, Args::new(args)),
        "check" => {
            no_args(&task, &args)?;
            check::run(&root)
        }
        "help" | "-h" | "--help" => {
            print_tasks();
            Ok(())
        }
        other => {
            print_tasks();
            bail!("unknown task `{other}`")
        }
    }
}

fn print_tasks() {
    println!("usage: cargo xtask <task>\n\ntasks:");
    for (name, help) in TASKS {
        println!("  {name:<58} {help}");
    }
}

/// The workspace root: xtask lives in `crates/xtask`, two levels below it.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .map(PathBuf::from)
        .unwrap_or(manifest)
}

fn no_args(task: &str, args: &[String]) -> Result<()> {
    if let Some(first) = args.first() {
        bail!("`{task}` takes no arguments (got `{first}`)");
    }
    Ok(())
}

/// A tiny flag parser: `--name value`, `--name=value` and bare `--switch`.
pub struct Args {
    rest: Vec<String>,
}

impl Args {
    pub fn new(rest: Vec<String>) -> Self {
        Args { rest }
    }

    /// Removes `--name` (or `-short`) and returns its value(s): every following
    /// argument up to the next flag when `many`, else exactly one.
    fn take(&mut self, names: &[&str], many: bool) -> Result<Vec<String>> {
        let mut values = Vec::new();
        let mut i = 0;
        while i < self.rest.len() {
            let arg = &self.rest[i];
            if let Some((name, value)) = arg.split_once('=') {
                if names.contains(&name) {
                    values.push(value.to_string());
                    self.rest.remove(i);
                    continue;
                }
            }
            if names.contains(&arg.as_str()) {
                let flag = self.rest.remove(i);
                let start = values.len();
                while i < self.rest.len() && !self.rest[i].starts_with('-') {
                    values.push(self.rest.remove(i));
                    if !many {
                        break;
                    }
                }
                if values.len() == start {
                    bail!("`{flag}` needs a value");
                }
                continue;
            }
            i += 1;
        }
        Ok(values)
    }

    /// The single value of `--name`, if given; an error if given twice.
    pub fn value(&mut self, names: &[&str]) -> Result<Option<String>> {
        let mut values = self.take(names, false)?;
        if values.len() > 1 {
            bail!("`{}` given more than once", names[0]);
        }
        Ok(values.pop())
    }

    pub fn values(&mut self, names: &[&str]) -> Result<Vec<String>> {
        self.take(names, true)
    }

    pub fn switch(&mut self, name: &str) -> bool {
        let before = self.rest.len();
        self.rest.retain(|a| a != name);
        self.rest.len() != before
    }

    /// Fails on anything not consumed by the task.
    pub fn finish(self, task: &str) -> Result<()> {
        if let Some(first) = self.rest.first() {
            bail!("`{task}`: unexpected argument `{first}`");
        }
        Ok(())
    }
}
