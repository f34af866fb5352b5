//! `check`: formatting, lints, and the core's platform independence (STYLE rule 6):
//! no browser crate anywhere in core's normal dependency tree, on the host or on wasm32,
//! and core builds for `wasm32-unknown-unknown`.

use std::path::Path;

use anyhow::{bail, Result};

use crate::dist::WASM_TARGET;
use crate::process::{cargo, exec, output, step};

/// Crates that tie code to the browser; core must not depend on any of them.
const BROWSER_CRATES: &[&str] = &["web-sys", "js-sys", "wasm-bindgen", "gloo"];

pub fn run(_root: &Path) -> Result<()> {
    step("check: prerequisites");
    crate::dist::ensure_wasm_target()?;

    step("check: formatting");
    exec(cargo().args(["fmt", "--all", "--check"]))?;

    step("check: clippy");
    exec(cargo().args([
        "clippy",
        "--workspace",
        "--exclude",
        "quxian-web",
        "--",
        "-D",
        "warnings",
    ]))?;
    // dist also ships the JS API with only SiteExplorer (pkg-site/): lint that build too.
    exec(cargo().args([
        "clippy",
        "-p",
        "quxian-wasm",
        "--no-default-features",
        "--features",
        "site",
        "--",
        "-D",
        "warnings",
    ]))?;

    step("check: core's dependency tree has no browser crates");
    for target in [None, Some(WASM_TARGET)] {
        let mut cmd = cargo();
        cmd.args([
            "tree",
            "-p",
            "quxian-core",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ]);
        if let Some(t) = target {
            cmd.args(["--target", t]);
        }
        let tree = output(&mut cmd)?;
        let offenders = browser_crates(&tree);
        if !offenders.is_empty() {
            bail!(
                "quxian-core depends on {} (target {}); see `cargo tree -p quxian-core -e normal -i {}`",
                offenders.join(", "),
                target.unwrap_or("host"),
                offenders[0]
            );
        }
    }
    eprintln!("ok: no {} under quxian-core", BROWSER_CRATES.join("/"));

    step("check: core builds for wasm32");
    exec(cargo().args(["build", "-p", "quxian-core", "--target", WASM_TARGET]))?;
    eprintln!("\ncheck: all passed");
    Ok(())
}

/// Package names in `cargo tree --prefix none --format {p}` output (`name v1.2.3 ...`)
/// that are browser crates or belong to the `gloo` family.
fn browser_crates(tree: &str) -> Vec<String> {
    let mut found: Vec<String> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| BROWSER_CRATES.contains(name) || name.starts_with("gloo-"))
        .map(str::to_string)
        .collect();
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_browser_crates_in_tree_output() {
        let tree = "quxian-core v0.1.0 (/w/crates/core)\nserde v1.0.0\njs-sys v0.3.0\ngloo-timers v0.3.0\njs-sys v0.3.0 (*)\n";
        assert_eq!(browser_crates(tree), ["gloo-timers", "js-sys"]);
        assert!(browser_crates("quxian-core v0.1.0\nwasm-bindgen-shared v0.2\n").is_empty());
    }
}
