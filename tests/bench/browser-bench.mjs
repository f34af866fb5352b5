// Benchmark (not a test): what a reader of a shared link waits for, and how fast search runs
// in WebAssembly compared with native, in headless Chromium.
//
//   node bench/browser-bench.mjs --bundle ../target/bench-10k.qx --queries ../target/bench-queries.txt
//        [--native ../target/bench-native.json] [--runs 5] [--query 缙云山]
//
// (from tests/, after `npm install` and `cargo xtask dist`). It serves a private copy of
// dist/ (QUXIAN_DIST, default ../dist) on 127.0.0.1 and measures:
//   1. bytes transferred before the first results of a link with a query, per file, raw
//      and gzip -9 (what a server with compression would send), on a cold cache;
//   2. time from navigation to the first highlighted hit for that link (median of --runs
//      cold loads; the moment is taken by a MutationObserver installed before the page runs);
//   3. query latency in WebAssembly (the JS API in pkg-api/, the same core code as the app)
//      over the queries of `quxian bench --write-queries`, p50/p95/max, on --bundle;
//   4. the WASM/native ratio, with the native numbers from `quxian bench --json` (--native).
// Prints a table, then one JSON line.

import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { serveDir } from '../e2e/static-server.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DIST = resolve(process.env.QUXIAN_DIST ?? join(REPO, 'dist'));
const CHROMIUM = process.env.QUXIAN_CHROMIUM ?? '/usr/bin/chromium';
const bundlePath = arg('bundle');
const queriesPath = arg('queries');
const nativePath = arg('native');
const runs = Number(arg('runs', '5'));
const linkQuery = arg('query', '缙云山');
if (!bundlePath || !queriesPath) {
  console.error('usage: node bench/browser-bench.mjs --bundle FILE.qx --queries FILE [--native FILE.json]');
  process.exit(2);
}

const site = mkdtempSync(join(tmpdir(), 'quxian-bench-'));
cpSync(DIST, site, { recursive: true });
cpSync(bundlePath, join(site, 'bench.qx'));
const server = await serveDir(site);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.round((sorted.length - 1) * p))];

// 1 + 2: cold loads of a shared link with a query.
const link = `${server.url}#/search?v=1&q=${encodeURIComponent(linkQuery)}`;
const firstResults = [];
let transfer = [];
for (let run = 0; run < runs; run++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid=results-count]') && document.querySelector('mark')) {
        window.__qxFirstResults = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const responses = [];
  page.on('response', (r) => responses.push(r));
  await page.goto(link);
  await page.waitForFunction(() => window.__qxFirstResults !== undefined, null, { timeout: 60_000 });
  firstResults.push(await page.evaluate(() => window.__qxFirstResults));
  if (run === 0) {
    for (const r of responses) {
      const body = await r.body().catch(() => Buffer.alloc(0));
      transfer.push({ file: new URL(r.url()).pathname.slice(1) || 'index.html', raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
    }
  }
  await context.close();
}
transfer = transfer.filter((t) => t.raw > 0).sort((a, b) => b.gzip - a.gzip);

// 3: query latency in WebAssembly through the JS API.
const queries = readFileSync(queriesPath, 'utf8').split('\n').filter((q) => q.length > 0);
const page = await (await browser.newContext()).newPage();
await page.goto(`${server.url}import-demo.html`).catch(() => page.goto(server.url));
const wasm = await page.evaluate(async (queries) => {
  const api = await import('./pkg-api/quxian_wasm.js');
  await api.default();
  const bytes = new Uint8Array(await (await fetch('./bench.qx')).arrayBuffer());
  const t0 = performance.now();
  const explorer = new api.Explorer(bytes);
  const loadMs = performance.now() - t0;
  const stats = explorer.stats();
  for (const q of queries) explorer.search(q, { limit: 20 }); // warm-up pass, as native
  const times = [];
  for (const q of queries) {
    const t = performance.now();
    explorer.search(q, { limit: 20 });
    times.push(performance.now() - t);
  }
  return { loadMs, passages: stats.passages, documents: stats.documents, times };
}, queries);
const times = wasm.times.sort((a, b) => a - b);
const wasmP50 = percentile(times, 0.5);
const wasmP95 = percentile(times, 0.95);
const wasmMax = times[times.length - 1] ?? 0;
const native = nativePath ? JSON.parse(readFileSync(nativePath, 'utf8')) : null;

await browser.close();
await server.close();
rmSync(site, { recursive: true, force: true });

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`link ${link.replace(server.url, '/')}`);
console.log('bytes before first results (cold cache):');
for (const t of transfer) console.log(`  ${t.file.padEnd(28)} raw ${kb(t.raw).padStart(10)}  gzip ${kb(t.gzip).padStart(10)}`);
const total = transfer.reduce((a, t) => ({ raw: a.raw + t.raw, gzip: a.gzip + t.gzip }), { raw: 0, gzip: 0 });
console.log(`  ${'total'.padEnd(28)} raw ${kb(total.raw).padStart(10)}  gzip ${kb(total.gzip).padStart(10)}`);
console.log(`navigation → first results: median ${median(firstResults).toFixed(0)} ms over ${runs} cold loads (${firstResults.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`wasm: ${wasm.documents} documents, ${wasm.passages} passages, load+index ${wasm.loadMs.toFixed(0)} ms`);
console.log(`wasm query latency over ${times.length} queries: p50 ${wasmP50.toFixed(3)} ms, p95 ${wasmP95.toFixed(3)} ms, max ${wasmMax.toFixed(3)} ms`);
if (native) {
  console.log(`native (same queries): p50 ${native.p50_ms.toFixed(3)} ms, p95 ${native.p95_ms.toFixed(3)} ms`);
  console.log(`wasm/native: p50 ×${(wasmP50 / native.p50_ms).toFixed(2)}, p95 ×${(wasmP95 / native.p95_ms).toFixed(2)}`);
}
console.log(JSON.stringify({
  transfer, total_raw: total.raw, total_gzip: total.gzip, first_results_ms: firstResults,
  wasm_load_ms: wasm.loadMs, wasm_p50_ms: wasmP50, wasm_p95_ms: wasmP95, wasm_max_ms: wasmMax, passages: wasm.passages,
  native_p50_ms: native?.p50_ms ?? null, native_p95_ms: native?.p95_ms ?? null,
}));
