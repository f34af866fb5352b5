// Benchmark (not a test): one in-browser import of every file of DIR (issue 12: "10,000 small
// files … without the tab exceeding 1 GB and with identical search results to the CLI's build
// of the same files").
//
//   node bench/import-scale.mjs DIR [--helpers N]   (from tests/, after `cargo xtask dist`
//       and a release build of the CLI; QUXIAN_URL serves dist/; N: the import's pool size)
//
// DIR: e.g. `cargo xtask gen-corpus --docs 10000 -o target/bench/scale` (10,000 files, 28 MB),
// or `cargo xtask gen-corpus --docs 36000 --jsonl archive.jsonl -o target/bench/one-jsonl`
// (one 100 MB file). `cargo xtask bench` runs both.
// Measures, in headless Chromium: the import's time (files chosen → bundle) and the largest
// resident memory of any Chromium process while it runs (the page and its import worker
// share one renderer process; sampled from /proc every 100 ms, so Linux only), then again
// while the bundle is opened with the JS API (`pkg-api/`) and QUERIES are searched in it and, with
// `quxian search --json`, in the CLI's bundle of the same files: total passages, total
// documents and the first 10 hits (document key and passage number) must be equal.
// Prints a table, then one JSON line; exits 1 when a result differs.

import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { BASE_URL, CHROMIUM, CLI, QUERIES, importableFiles, pickFiles, residentOfDescendants } from './imports.mjs';

const dir = resolve(process.argv[2] ?? '');
// --helpers N: the size of the import's pool of helpers (default: by the machine's cores).
const helpersAt = process.argv.indexOf('--helpers');
const HELPERS = helpersAt > 0 ? Number(process.argv[helpersAt + 1]) : undefined;
if (!process.argv[2]) {
  console.error('usage: node bench/import-scale.mjs CORPUS_DIR [--helpers N]');
  process.exit(2);
}
const CLI_BUNDLE = resolve('../target/bench/import-scale-cli.qx');
const LIMIT = 10;

const files = importableFiles(dir);
execFileSync(CLI, ['build', dir, '-o', CLI_BUNDLE], { stdio: ['ignore', 'ignore', 'inherit'] });

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, ...residentOfDescendants().values());
}, 100);
try {
  const page = await browser.newPage();
  await pickFiles(page, files);
  const idle = Math.max(0, ...residentOfDescendants().values());
  peak = idle;
  const imported = await page.evaluate(async (helpers) => {
    const { importFiles } = await import('./quxian-library.js');
    const start = performance.now();
    const { bundle, report, pool } = await importFiles([...document.querySelector('#bench-files').files], { helpers });
    window.benchBundle = bundle;
    return { ms: performance.now() - start, report, pool, bundleBytes: bundle.byteLength };
  }, HELPERS);
  const importPeak = peak;
  const browserResults = await page.evaluate(async ({ queries, limit }) => {
    const api = await import('./pkg-api/quxian_wasm.js');
    await api.default();
    const explorer = new api.Explorer(window.benchBundle);
    const results = queries.map((q) => {
      const r = explorer.search(q, { limit });
      return { q, total: r.total, docs: r.total_docs, hits: r.hits.map((h) => `${h.doc}#${h.passage}`) };
    });
    return { results };
  }, { queries: QUERIES, limit: LIMIT });
  Object.assign(browserResults, imported);
  clearInterval(sampler);

  let differ = 0;
  const rows = browserResults.results.map((b) => {
    const cli = JSON.parse(execFileSync(CLI, ['search', CLI_BUNDLE, b.q, '--json', '--limit', String(LIMIT)]).toString());
    const cliHits = cli.hits.map((h) => `${h.key}#${h.passage}`);
    const same = cli.total === b.total && cli.total_docs === b.docs && cliHits.join() === b.hits.join();
    if (!same) differ += 1;
    return { q: b.q, browser: `${b.total} / ${b.docs}`, cli: `${cli.total} / ${cli.total_docs}`, same };
  });
  const mb = (n) => (n / 1024 / 1024).toFixed(0);
  console.log(`files ${files.length}, ${mb(browserResults.report.input_bytes)} MB; import ${(browserResults.ms / 1000).toFixed(1)} s;`
    + ` largest process before ${mb(idle)} MB, during the import ${mb(importPeak)} MB,`
    + ` with the library opened by the JS API and searched ${mb(peak)} MB; bundle ${mb(browserResults.bundleBytes)} MB;`
    + ` pool ${JSON.stringify(browserResults.pool)}`);
  for (const r of rows) console.log(`${r.same ? 'same  ' : 'DIFFER'} ${r.q.padEnd(8)} browser ${r.browser.padEnd(14)} CLI ${r.cli}`);
  console.log(JSON.stringify({
    bench: 'import-scale', files: files.length, input_bytes: browserResults.report.input_bytes,
    import_ms: Math.round(browserResults.ms), largest_process_bytes: importPeak,
    largest_process_bytes_searching: peak, queries: rows.length, differ,
  }));
  process.exitCode = differ ? 1 : 0;
} finally {
  clearInterval(sampler);
  await browser.close();
}
