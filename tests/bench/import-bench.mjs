// Benchmark (not a test): in-browser import of a corpus directory, quxian vs FlexSearch and
// MiniSearch in the same run.
//
//   node bench/import-bench.mjs DIR [--mb N]      (from tests/, after `npm install`)
//
// DIR: a generated corpus, e.g. `cargo xtask gen-corpus --docs 10000 -o target/bench-corpus`
// (about 45 MB of UTF-8 .txt). --mb N uses only the first files up to N MB (sorted by name).
// QUXIAN_URL must serve a dist/ that has import-worker.js, quxian-library.js, import/ and
// jieba/dict.txt (default http://127.0.0.1:8080/); QUXIAN_CHROMIUM picks the browser.
//
// Measures, in headless Chromium:
//   - quxian: files → bundle through the Web Worker (quxian-library.js importFiles). The
//     dictionary is loaded once by a warm-up import first; "segmenter" is the time to build
//     jieba from it (once per import), "indexing" the time from then to the bundle.
//   - the longest main-thread task during the quxian import (PerformanceObserver 'longtask'
//     entries; tasks under 50 ms are not reported by the browser, so 0 means none).
//   - FlexSearch 0.8 (`Index` with its CJK charset), and MiniSearch 7 with
//     Intl.Segmenter('zh', { granularity: 'word' }) as tokenizer, each indexing the same
//     texts on the page's main thread (reading the files is not timed); and FlexSearch from
//     files chosen, as quxian is timed: the files read 16 at a time, then indexed, and each
//     indexed as soon as it is read.
//   - bundle bytes vs raw input bytes.
//   - the first download before an import can start: every file the browser fetched for the
//     warm-up import (library module, worker, import wasm, dictionary), each at gzip -9 as a
//     compressing host sends it; and what the first timed (second) import fetched: no wasm
//     and no dictionary again, only the pool's helper script and the wasm's JS glue when the
//     pool first starts.
//   - the same import with the import worker alone (`helpers: 0`) and with the pool forced
//     (`helpers` set: the app sends picked files to helpers only from 4 cores on), and
//     whether all give the same library (SHA-256 of the bundles); then the same files
//     already in memory, posted to the worker at its start, alone and with the pool (no
//     reading of picked files, which takes a core of its own); then the same documents as
//     one JSONL file (one line per file), and the same files as one (stored) zip archive,
//     each alone and with the pool;
//   - last, FlexSearch from files chosen and quxian as the app runs it once more, in the
//     opposite order: the ratio "both from files chosen" compares the means of two runs.
// Every timed run gets the files picked anew. Prints a table, then one JSON line.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { basename, join, resolve } from 'node:path';
import { zipArchive } from '../e2e/app-helpers.mjs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
const mbIndex = args.indexOf('--mb');
const limitBytes = mbIndex >= 0 ? Number(args[mbIndex + 1]) * 1024 * 1024 : Infinity;
if (!dir) {
  console.error('usage: node bench/import-bench.mjs CORPUS_DIR [--mb N]');
  process.exit(2);
}
const BASE_URL = process.env.QUXIAN_URL ?? 'http://127.0.0.1:8080/';
const CHROMIUM = process.env.QUXIAN_CHROMIUM ?? '/usr/bin/chromium';
const MINISEARCH = fileURLToPath(new URL('../node_modules/minisearch/dist/umd/index.js', import.meta.url));
const FLEXSEARCH = fileURLToPath(new URL('../node_modules/flexsearch/dist/flexsearch.bundle.min.js', import.meta.url));

function listFiles(root) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (/\.(txt|md|html?|jsonl)$/i.test(name)) out.push({ path, size: st.size });
    }
  };
  walk(resolve(root));
  return out;
}

const all = listFiles(dir);
const files = [];
let total = 0;
for (const f of all) {
  if (total + f.size > limitBytes) break;
  files.push(f.path);
  total += f.size;
}
if (files.length === 0) {
  console.error(`no .txt/.md/.html/.jsonl files in ${dir}`);
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const fetched = [];
  context.on('requestfinished', (request) => fetched.push(request.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(new URL('import-demo.html', BASE_URL).href, { waitUntil: 'load' });
  await page.addScriptTag({ path: MINISEARCH });
  await page.addScriptTag({ path: FLEXSEARCH });
  // The files as a person picks them, anew before each timed import: Chromium looks up a
  // picked file's size and modification time the first time it is read (about 0.2 ms each,
  // in the browser's process), so a second read of the same File objects is faster than
  // the first and would favour whatever runs later.
  const pickFiles = async () => {
    await page.evaluate(() => {
      document.querySelector('#bench-files')?.remove();
      const input = Object.assign(document.createElement('input'), { type: 'file', multiple: true, id: 'bench-files' });
      input.hidden = true;
      document.body.append(input);
    });
    await page.setInputFiles('#bench-files', files);
  };
  await pickFiles();
  // The same files as one zip archive (stored, as a folder zipped for speed would be).
  const zipDir = mkdtempSync(join(tmpdir(), 'quxian-bench-zip-'));
  const zipPath = join(zipDir, 'bench.zip');
  writeFileSync(zipPath, zipArchive(files.map((path) => [basename(path), readFileSync(path)])));
  await page.evaluate(() => {
    const input = Object.assign(document.createElement('input'), { type: 'file', id: 'bench-zip' });
    input.hidden = true;
    document.body.append(input);
  });
  await page.setInputFiles('#bench-zip', zipPath);

  const beforeWarmup = fetched.length;
  const warmupMs = await page.evaluate(async () => {
    const { importFiles } = await import('./quxian-library.js');
    // Warm-up: wasm instantiation and the dictionary fetch happen once per worker.
    const t0 = performance.now();
    await importFiles([new File(['预热\n\n北碚。'], 'warmup.txt')]);
    return performance.now() - t0;
  });
  const firstDownload = await gzippedSizes(fetched.slice(beforeWarmup));
  const beforeImport = fetched.length;

  // The import as the app runs it (its pool sized by the machine's cores), then with the
  // import worker alone (`helpers: 0`), then with the pool forced: the same library.
  const timedImport = (helpers) => page.evaluate(async (helpers) => {
    const { importFiles } = await import('./quxian-library.js');
    const files = [...document.querySelector('#bench-files').files];
    const longtasks = [];
    let start = performance.now();
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { longtasks.push(e.duration); window.__lt = (window.__lt ?? []).concat([[e.startTime - start, e.duration]]); }
    });
    observer.observe({ type: 'longtask' });
    start = performance.now();
    let ready = null;
    const { bundle, report, pool } = await importFiles(files, {
      helpers,
      onProgress: (p) => {
        if (p.phase === 'indexing' && ready === null) ready = performance.now();
      },
    });
    const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bundle))]
      .map((b) => b.toString(16).padStart(2, '0')).join('');
    const end = performance.now();
    await new Promise((r) => setTimeout(r, 100));
    observer.disconnect();
    return {
      segmenterMs: ready - start,
      indexingMs: end - ready,
      totalMs: end - start,
      inputBytes: report.input_bytes,
      bundleBytes: bundle.byteLength,
      documents: report.documents,
      passages: report.passages,
      skipped: report.skipped.length,
      longestTaskMs: longtasks.length ? Math.max(...longtasks) : 0,
      longtasks: longtasks.length,
      longtaskAt: window.__lt ?? [],
      digest,
      pool,
      cores: navigator.hardwareConcurrency,
    };
  }, helpers);
  const quxian = await timedImport(undefined);
  const afterImport = fetched.length;
  await page.evaluate(() => { window.__lt = []; });
  await pickFiles();
  const alone = await timedImport(0);
  // Picked files through the pool even where the app leaves them to the import worker
  // (fewer than 4 cores, see defaultPoolsReadFiles in import-pool.js): one helper per core
  // beyond the first, as for a JSONL file or a zip.
  await pickFiles();
  const pooled = await timedImport(Math.max(1, Math.min(3, quxian.cores - 1)));
  // The same files already in memory, posted to the import worker at its start (no reading
  // of picked files, which takes a core of its own): what the pool gains on indexing alone.
  const inMemory = (helpers) => page.evaluate(async (helpers) => {
    window.__read ??= await Promise.all([...document.querySelector('#bench-files').files]
      .map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
    const worker = new Worker('./import-worker.js', { type: 'module' });
    const files = window.__read.map((f) => ({ name: f.name, bytes: f.bytes.slice(0) }));
    let ready = null;
    const done = new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        if (data.type === 'progress' && data.phase === 'indexing' && ready === null) ready = performance.now();
        if (data.type === 'done') resolve();
        if (data.type === 'error') reject(new Error(JSON.stringify(data.error)));
      };
    });
    worker.postMessage({ type: 'start', files, helpers }, files.map((f) => f.bytes));
    await done;
    const ms = performance.now() - ready;
    worker.terminate();
    return ms;
  }, helpers);
  const memoryAloneMs = await inMemory(0);
  const memoryPoolMs = await inMemory(undefined);
  // The same documents as one JSONL file (one line per file, its text whole): no per-file
  // reading, and its documents are prepared in batches by the pool.
  const asJsonl = (helpers) => page.evaluate(async (helpers) => {
    const { importFiles } = await import('./quxian-library.js');
    const texts = await Promise.all([...document.querySelector('#bench-files').files].map((f) => f.text()));
    const file = new File([texts.map((text) => JSON.stringify({ text })).join('\n')], 'bench.jsonl');
    const start = performance.now();
    const { report } = await importFiles([file], { helpers });
    return { ms: performance.now() - start, documents: report.documents, bytes: file.size };
  }, helpers);
  const jsonlAlone = await asJsonl(0);
  const jsonlPool = await asJsonl(undefined);
  const asZip = (helpers) => page.evaluate(async (helpers) => {
    const { importFiles } = await import('./quxian-library.js');
    const start = performance.now();
    const { report } = await importFiles([document.querySelector('#bench-zip').files[0]], { helpers });
    return { ms: performance.now() - start, documents: report.documents };
  }, helpers);
  const zipAlone = await asZip(0);
  const zipPool = await asZip(undefined);
  rmSync(zipDir, { recursive: true, force: true });

  await pickFiles();
  // FlexSearch from files chosen, as quxian is timed: the files read as text 16 at a time
  // (as quxian-library.js reads them), then indexed on the main thread. `indexingMs` alone
  // is what the issue's table compared against.
  const flexsearchReadThenIndex = () => page.evaluate(async () => {
    const files = [...document.querySelector('#bench-files').files];
    const readStart = performance.now();
    const docs = new Array(files.length);
    let next = 0;
    const reader = async () => {
      while (next < files.length) {
        const i = next++;
        docs[i] = await files[i].text();
      }
    };
    await Promise.all(Array.from({ length: 16 }, reader));
    const readMs = performance.now() - readStart;
    const { Index, Charset } = window.FlexSearch;
    const index = new Index({ encoder: Charset.CJK });
    const start = performance.now();
    docs.forEach((text, i) => index.add(i, text));
    const indexingMs = performance.now() - start;
    const bytes = files.reduce((sum, f) => sum + f.size, 0);
    return { readMs, indexingMs, inputBytes: bytes, hits: index.search('北碚', { limit: 1000 }).length };
  });
  const flexsearchRead = await flexsearchReadThenIndex();
  await pickFiles();
  // The best a page can do with FlexSearch: each file indexed as soon as it is read.
  const overlappedMs = await page.evaluate(async () => {
    const files = [...document.querySelector('#bench-files').files];
    const { Index, Charset } = window.FlexSearch;
    const overlapped = new Index({ encoder: Charset.CJK });
    const overlapStart = performance.now();
    let next = 0;
    const indexer = async () => {
      while (next < files.length) {
        const i = next++;
        overlapped.add(i, await files[i].text());
      }
    };
    await Promise.all(Array.from({ length: 16 }, indexer));
    return performance.now() - overlapStart;
  });
  // Each side once more, in the opposite order: a timed run of this page can be slower for
  // being first (0.15–0.45 s for quxian's first timed import on 5 Dec, which three imports in
  // fresh pages of one browser did not show), so each side counts the mean of its two runs.
  await pickFiles();
  const flexsearchAgain = await flexsearchReadThenIndex();
  await pickFiles();
  const quxianAgain = await timedImport(undefined);
  const flexsearch = { ...flexsearchRead, overlappedMs };
  const meanMs = (runs) => runs.reduce((sum, ms) => sum + ms, 0) / runs.length;
  const quxianChosenMs = meanMs([quxian.indexingMs, quxianAgain.indexingMs]);
  const flexsearchChosenMs = meanMs([flexsearchRead, flexsearchAgain].map((f) => f.readMs + f.indexingMs));

  const minisearch = await page.evaluate(async () => {
    const files = [...document.querySelector('#bench-files').files];
    const docs = [];
    let bytes = 0;
    for (const [i, f] of files.entries()) {
      docs.push({ id: i, text: await f.text() });
      bytes += f.size;
    }
    const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
    const tokenize = (text) => {
      const out = [];
      for (const s of segmenter.segment(text)) if (s.isWordLike) out.push(s.segment);
      return out;
    };
    const ms = new window.MiniSearch({ fields: ['text'], tokenize, processTerm: (t) => t.toLowerCase() });
    const start = performance.now();
    ms.addAll(docs);
    const indexingMs = performance.now() - start;
    const json = JSON.stringify(ms);
    return { indexingMs, inputBytes: bytes, documents: ms.documentCount, serializedBytes: json.length };
  });

  const mb = (b) => b / 1024 / 1024;
  const rate = (bytes, ms) => mb(bytes) / (ms / 1000);
  const q = { ...quxian, warmupMs };
  // What the second import (the first timed one) fetched: the pool's first start loads its
  // helper script and the wasm's JS glue (the module and dictionary are handed over).
  const refetched = fetched.slice(beforeImport, afterImport).filter((url) => !url.startsWith('blob:'));
  const refetchedSizes = await gzippedSizes(refetched);
  const firstDownloadBytes = firstDownload.reduce((sum, f) => sum + f.gzip, 0);
  const flexsearchGzip = gzipSync(readFileSync(FLEXSEARCH), { level: 9 }).length;
  const rows = [
    ['input', `${files.length} files, ${mb(q.inputBytes).toFixed(1)} MB`],
    ['quxian warm-up (wasm + dict fetch + 1 file)', `${(q.warmupMs / 1000).toFixed(2)} s`],
    ['quxian first download before an import (gzip -9)', `${(firstDownloadBytes / 1e6).toFixed(3)} MB: ${firstDownload.map((f) => `${f.name} ${(f.gzip / 1e3).toFixed(0)} KB`).join(', ')}`],
    ['fetched by the second import', refetched.length ? refetchedSizes.map((f) => `${f.name} ${(f.gzip / 1e3).toFixed(1)} KB`).join(', ') : 'nothing'],
    ['FlexSearch download (bundle.min.js, gzip -9)', `${(flexsearchGzip / 1e3).toFixed(0)} KB`],
    ['quxian segmenter from dict.txt', `${(q.segmenterMs / 1000).toFixed(2)} s`],
    ['quxian indexing (as the app runs it)', `${(q.indexingMs / 1000).toFixed(2)} s = ${rate(q.inputBytes, q.indexingMs).toFixed(2)} MB/s (${q.cores} cores; ${q.pool.files} files prepared by ${q.pool.helpers} helpers)`],
    ['quxian indexing, import worker alone', `${(alone.indexingMs / 1000).toFixed(2)} s = ${rate(alone.inputBytes, alone.indexingMs).toFixed(2)} MB/s`],
    [`quxian indexing, picked files to ${pooled.pool.helpers} helpers`, `${(pooled.indexingMs / 1000).toFixed(2)} s = ${rate(pooled.inputBytes, pooled.indexingMs).toFixed(2)} MB/s (${pooled.pool.files} files by helpers): ${(alone.indexingMs / pooled.indexingMs).toFixed(2)}× the import worker alone`],
    ['files already in memory: worker alone / with its pool', `${(memoryAloneMs / 1000).toFixed(2)} s / ${(memoryPoolMs / 1000).toFixed(2)} s: the pool is ${(memoryAloneMs / memoryPoolMs).toFixed(2)}× faster`],
    ['same documents as one JSONL file: alone / with its pool', `${(jsonlAlone.ms / 1000).toFixed(2)} s / ${(jsonlPool.ms / 1000).toFixed(2)} s = ${rate(jsonlPool.bytes, jsonlPool.ms).toFixed(2)} MB/s (${jsonlPool.documents} documents)`],
    ['same files as one zip archive: alone / with its pool', `${(zipAlone.ms / 1000).toFixed(2)} s / ${(zipPool.ms / 1000).toFixed(2)} s = ${rate(q.inputBytes, zipPool.ms).toFixed(2)} MB/s of files (${zipPool.documents} documents)`],
    ['same library with and without the pool', alone.digest === q.digest && pooled.digest === q.digest ? `yes (SHA-256 ${q.digest.slice(0, 16)}…)` : `NO: ${q.digest} vs ${alone.digest} vs ${pooled.digest}`],
    ['quxian total incl. segmenter', `${(q.totalMs / 1000).toFixed(2)} s = ${rate(q.inputBytes, q.totalMs).toFixed(2)} MB/s`],
    ['quxian documents / passages / skipped', `${q.documents} / ${q.passages} / ${q.skipped}`],
    ['longest main-thread task during import', `${q.longestTaskMs.toFixed(0)} ms (${q.longtasks} tasks ≥ 50 ms)`],
    ['bundle size / raw input', `${mb(q.bundleBytes).toFixed(1)} MB / ${mb(q.inputBytes).toFixed(1)} MB = ${(q.bundleBytes / q.inputBytes).toFixed(2)}`],
    ['FlexSearch 0.8, Charset.CJK (main thread)', `${(flexsearch.indexingMs / 1000).toFixed(2)} s = ${rate(flexsearch.inputBytes, flexsearch.indexingMs).toFixed(2)} MB/s (北碚: ${flexsearch.hits} hits)`],
    ['quxian / FlexSearch indexing rate', `${(rate(q.inputBytes, q.indexingMs) / rate(flexsearch.inputBytes, flexsearch.indexingMs)).toFixed(2)}×; as one JSONL file ${(rate(jsonlPool.bytes, jsonlPool.ms) / rate(flexsearch.inputBytes, flexsearch.indexingMs)).toFixed(2)}×`],
    ['FlexSearch from files chosen (read 16 at a time, then index)', `${(flexsearch.readMs / 1000).toFixed(2)} s + ${(flexsearch.indexingMs / 1000).toFixed(2)} s = ${rate(flexsearch.inputBytes, flexsearch.readMs + flexsearch.indexingMs).toFixed(2)} MB/s`],
    ['FlexSearch from files chosen, each indexed as it is read', `${(flexsearch.overlappedMs / 1000).toFixed(2)} s = ${rate(flexsearch.inputBytes, flexsearch.overlappedMs).toFixed(2)} MB/s`],
    ['FlexSearch read + index again, last but one', `${(flexsearchAgain.readMs / 1000).toFixed(2)} s + ${(flexsearchAgain.indexingMs / 1000).toFixed(2)} s`],
    ['quxian as the app runs it again, last', `${(quxianAgain.indexingMs / 1000).toFixed(2)} s`],
    ['quxian / FlexSearch, both from files chosen', `${(flexsearchChosenMs / quxianChosenMs).toFixed(2)}× (means of two runs each: ${(quxianChosenMs / 1000).toFixed(2)} s against ${(flexsearchChosenMs / 1000).toFixed(2)} s, read then index); ${(flexsearch.overlappedMs / q.indexingMs).toFixed(2)}× (each indexed as it is read, first runs)`],
    ['MiniSearch + Intl.Segmenter (main thread)', `${(minisearch.indexingMs / 1000).toFixed(2)} s = ${rate(minisearch.inputBytes, minisearch.indexingMs).toFixed(2)} MB/s`],
    ['MiniSearch JSON size', `${mb(minisearch.serializedBytes).toFixed(1)} MB (chars)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  console.log('long tasks [start ms after import start, duration ms]:', JSON.stringify(q.longtaskAt.map(([a, d]) => [Math.round(a), Math.round(d)])), 'import took', Math.round(q.totalMs));
  if (errors.length) console.log(`page errors: ${errors.join(' | ')}`);
  console.log(JSON.stringify({
    bench: 'import',
    files: files.length,
    input_bytes: q.inputBytes,
    quxian: {
      first_download_gzip_bytes: firstDownloadBytes,
      refetched_by_second_import: refetched.length,
      segmenter_ms: Math.round(q.segmenterMs),
      indexing_ms: Math.round(q.indexingMs),
      total_ms: Math.round(q.totalMs),
      mb_per_s: +rate(q.inputBytes, q.indexingMs).toFixed(3),
      mb_per_s_total: +rate(q.inputBytes, q.totalMs).toFixed(3),
      documents: q.documents,
      passages: q.passages,
      bundle_bytes: q.bundleBytes,
      bundle_ratio: +(q.bundleBytes / q.inputBytes).toFixed(3),
      longest_main_thread_task_ms: Math.round(q.longestTaskMs),
      cores: q.cores,
      alone_indexing_ms: Math.round(alone.indexingMs),
      alone_mb_per_s: +rate(alone.inputBytes, alone.indexingMs).toFixed(3),
      same_library_alone: alone.digest === q.digest && pooled.digest === q.digest,
      pooled_helpers: pooled.pool.helpers,
      pooled_indexing_ms: Math.round(pooled.indexingMs),
      in_memory_alone_ms: Math.round(memoryAloneMs),
      in_memory_pool_ms: Math.round(memoryPoolMs),
      jsonl_alone_ms: Math.round(jsonlAlone.ms),
      jsonl_pool_ms: Math.round(jsonlPool.ms),
      jsonl_mb_per_s: +rate(jsonlPool.bytes, jsonlPool.ms).toFixed(3),
      zip_alone_ms: Math.round(zipAlone.ms),
      zip_pool_ms: Math.round(zipPool.ms),
      again_indexing_ms: Math.round(quxianAgain.indexingMs),
      chosen_mean_ms: Math.round(quxianChosenMs),
    },
    flexsearch: {
      read_ms: Math.round(flexsearch.readMs),
      overlapped_ms: Math.round(flexsearch.overlappedMs),
      again_read_ms: Math.round(flexsearchAgain.readMs),
      again_indexing_ms: Math.round(flexsearchAgain.indexingMs),
      chosen_mean_ms: Math.round(flexsearchChosenMs),
      indexing_ms: Math.round(flexsearch.indexingMs),
      mb_per_s: +rate(flexsearch.inputBytes, flexsearch.indexingMs).toFixed(3),
    },
    minisearch: {
      indexing_ms: Math.round(minisearch.indexingMs),
      mb_per_s: +rate(minisearch.inputBytes, minisearch.indexingMs).toFixed(3),
      serialized_chars: minisearch.serializedBytes,
    },
  }));
} finally {
  await browser.close();
}

/** Each fetched URL (data and blob URLs aside) with its body's size at gzip -9. */
async function gzippedSizes(urls) {
  const out = [];
  for (const url of new Set(urls)) {
    if (!url.startsWith('http')) continue;
    const body = Buffer.from(await (await fetch(url)).arrayBuffer());
    out.push({ name: new URL(url).pathname.split('/').pop(), gzip: gzipSync(body, { level: 9 }).length });
  }
  return out;
}
