// Benchmark (not a test): a big library imported in the browser, searched two ways — opened
// whole (as the app's 打开 does: the bundle loaded and indexed in memory) and opened by
// 分片打开 (its site index written into IndexedDB, then searched piece by piece by the site
// page). Issue 9: "in-browser import writes the same layout into IndexedDB, with bounded
// memory, so a 100 MB import neither crashes the tab nor needs the whole library in memory
// to search it".
//
//   node bench/library-site.mjs DIR   (from tests/, after `cargo xtask dist` and a release
//       build of the CLI; QUXIAN_URL serves dist/)
//
// In headless Chromium, one browser profile (IndexedDB is per profile), each step in a
// browser of its own: (1) import every file of DIR and save the library (quxian-library.js);
// (2) open it whole: the app from a link (`#/search?v=1&lib=ID&q=缙云山`), time to the first
// <mark>; (3) write its site index (`openLibrarySite`); (4) the site page from a link
// (`site.html?library=ID#q=缙云山`), time to the first <mark>, then QUERIES typed one after
// the other, each compared with `quxian search --json` on the CLI's bundle of the same
// files (total passages and documents). Memory: the largest resident set of any Chromium
// process, and of any renderer process (pages, workers, wasm), during each step (sampled
// from /proc every 100 ms, Linux only).
// Prints a table, then one JSON line; exits 1 when a result differs.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { BASE_URL, CHROMIUM, CLI, QUERIES, importableFiles, pickFiles, residentOfDescendants } from './imports.mjs';

if (!process.argv[2]) {
  console.error('usage: node bench/library-site.mjs CORPUS_DIR');
  process.exit(2);
}
const dir = resolve(process.argv[2]);
const CLI_BUNDLE = resolve('../target/bench/library-site-cli.qx');

const files = importableFiles(dir);
execFileSync(CLI, ['build', dir, '-o', CLI_BUNDLE], { stdio: ['ignore', 'ignore', 'inherit'] });

let peak = 0;
let peakRenderer = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, ...residentOfDescendants().values());
  peakRenderer = Math.max(peakRenderer, ...residentOfDescendants({ renderers: true }).values());
}, 100);
/** Browser profile of every step: IndexedDB (the saved library and its pieces) lives here. */
const profile = mkdtempSync(join(tmpdir(), 'quxian-library-site-'));
/**
 * Runs `step(page)` in a browser of its own (on the shared profile), so that no memory of
 * an earlier step is counted (Chromium reuses renderer processes, and a closed page's may
 * still be exiting); its result, time, largest process and largest renderer.
 */
async function measured(step) {
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const page = context.pages()[0] ?? await context.newPage();
    peak = Math.max(0, ...residentOfDescendants().values());
    peakRenderer = Math.max(0, ...residentOfDescendants({ renderers: true }).values());
    const start = performance.now();
    const result = await step(page);
    return { result, ms: performance.now() - start, peak, renderer: peakRenderer };
  } finally {
    await context.close();
  }
}

/** Navigates to `url` and resolves with the ms from navigation to the first <mark>. */
async function firstMark(page, url) {
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('mark')) {
        window.firstMarkAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(url);
  await page.waitForFunction(() => window.firstMarkAt !== undefined, null, { timeout: 600_000 });
  return page.evaluate(() => window.firstMarkAt);
}

const mb = (n) => (n / 1024 / 1024).toFixed(0);
try {
  const imported = await measured(async (page) => {
    await pickFiles(page, files);
    return page.evaluate(async () => {
      const { importFiles, saveLibrary } = await import('./quxian-library.js');
      const { bundle, report } = await importFiles([...document.querySelector('#bench-files').files]);
      return { id: await saveLibrary({ name: 'bench', bundle, report }), report, bundleBytes: bundle.byteLength };
    });
  });
  const { id, report } = imported.result;
  const whole = await measured((page) => firstMark(page, new URL(`./#/search?v=1&lib=${id}&q=缙云山`, BASE_URL).href));
  const written = await measured(async (page) => {
    await page.goto(new URL('import-demo.html', BASE_URL).href);
    return page.evaluate(async (id) => {
      const { openLibrarySite, librarySiteInfo } = await import('./quxian-library.js');
      await openLibrarySite(id);
      return (await librarySiteInfo(id)).site;
    }, id);
  });
  let differ = 0;
  const rows = [];
  const site = await measured(async (page) => {
    const first = await firstMark(page, new URL(`./site.html?library=${id}#q=缙云山`, BASE_URL).href);
    for (const q of QUERIES) {
      const started = performance.now();
      await page.fill('#q', q);
      await page.press('#q', 'Enter');
      await page.waitForFunction((q) => new URLSearchParams(location.hash.slice(1)).get('q') === q
        && /段匹配|没有找到|。|：/.test(document.getElementById('status').textContent)
        && document.getElementById('facets').getAttribute('aria-busy') !== 'true', q, { timeout: 600_000 });
      const ms = performance.now() - started;
      const status = await page.locator('#status').innerText();
      const cli = JSON.parse(execFileSync(CLI, ['search', CLI_BUNDLE, q, '--json', '--limit', '10']).toString());
      const expected = cli.total === 0 ? '没有找到' : `${cli.total_docs.toLocaleString('zh-CN')} 篇文档 · ${cli.total.toLocaleString('zh-CN')} 段匹配`;
      const same = status.startsWith(expected);
      if (!same) differ += 1;
      rows.push({ q, ms, status, expected, same });
    }
    return first;
  });
  clearInterval(sampler);
  console.log(`files ${files.length}, ${mb(report.input_bytes)} MB of text, library ${mb(imported.result.bundleBytes)} MB`);
  console.log(`import and save        ${(imported.ms / 1000).toFixed(1)} s, largest process ${mb(imported.peak)} MB, renderer ${mb(imported.renderer)} MB`);
  console.log(`opened whole (the app) first result ${(whole.result / 1000).toFixed(2)} s, largest process ${mb(whole.peak)} MB, renderer ${mb(whole.renderer)} MB`);
  console.log(`分片打开: writing       ${(written.ms / 1000).toFixed(1)} s, ${written.result.pieces} pieces, ${mb(written.result.bytes)} MB, largest process ${mb(written.peak)} MB, renderer ${mb(written.renderer)} MB`);
  console.log(`分片打开: site page     first result ${(site.result / 1000).toFixed(2)} s, with ${QUERIES.length} more queries largest process ${mb(site.peak)} MB, renderer ${mb(site.renderer)} MB`);
  for (const r of rows) console.log(`${r.same ? 'same  ' : 'DIFFER'} ${r.q.padEnd(8)} ${String(Math.round(r.ms)).padStart(6)} ms  ${r.status}${r.same ? '' : `  (CLI: ${r.expected})`}`);
  console.log(JSON.stringify({
    bench: 'library-site', files: files.length, input_bytes: report.input_bytes,
    import_ms: Math.round(imported.ms), import_peak: imported.peak, import_renderer: imported.renderer,
    whole_first_ms: Math.round(whole.result), whole_peak: whole.peak, whole_renderer: whole.renderer,
    write_ms: Math.round(written.ms), pieces: written.result.pieces, piece_bytes: written.result.bytes, write_peak: written.peak, write_renderer: written.renderer,
    site_first_ms: Math.round(site.result), site_peak: site.peak, site_renderer: site.renderer, differ,
  }));
  process.exitCode = differ ? 1 : 0;
} finally {
  clearInterval(sampler);
  rmSync(profile, { recursive: true, force: true });
}
