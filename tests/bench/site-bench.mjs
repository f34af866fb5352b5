// Benchmark (not a test): quxian's sharded site against Pagefind, both built on the same
// documents and measured in one run in headless Chromium (issue 9).
//
//   node bench/site-bench.mjs --corpus seeds=../corpus --corpus scale=../target/bench/scale
//        [--runs 5] [--queries 150] [--query 缙云山] [--work ../target/bench/site]
//        [--quxian ../target/release/quxian] [--max-gb 12]
//
// (from tests/, after `npm ci` and, for the quxian side, `cargo xtask dist` and a release
// build of the CLI). For each corpus folder (*.txt and *.jsonl documents) it builds
//   - Pagefind's index (its npm CLI) over one HTML page per document, and
//   - quxian's site (`quxian build DIR --site OUT`),
// timing each build and its peak memory under an address-space cap of --max-gb, serves each
// like a static host (gzip -9, immutable hashed names; tests/e2e/static-server.mjs) and
// measures in cold browser contexts:
//   1. navigation → first rendered <mark> of a query page (median of --runs): Pagefind's JS
//      API (search + data() of the first result), quxian's JS API (SiteExplorer) and
//      quxian's app from a shared link; and the bytes on the wire before that moment;
//   2. the same on a throttled link (CDP network emulation: 20 Mbit/s, 40 ms RTT);
//   3. --queries follow-up queries (verbatim 2–8 character substrings of the documents,
//      sampled deterministically): bytes fetched per query, time per query including its
//      fetches, and both again with the pieces cached;
//   4. recall and precision of those substrings against the documents that contain them;
//   5. wasm memory after 20 follow-up queries.
// quxian types each substring as a "phrase"; Pagefind gets it as typed (its normal search),
// and its phrase recall is measured with quotes too. A side that cannot be built is reported
// and skipped. Prints a table per corpus, then one JSON line.

import { arch, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveDir } from '../e2e/static-server.mjs';
import { buildPagefind, buildQuxian, removeSetAside } from './site-build.mjs';
import { expectedMatches, readDocs, sampleQueries, unitIndex, unitString } from './site-corpus.mjs';
import { beforePage, PAGEFIND_PAGE, QUXIAN_PAGE } from './site-pages.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const TESTS = resolve(fileURLToPath(new URL('..', import.meta.url)));
const REPO = resolve(TESTS, '..');
const CHROMIUM = process.env.QUXIAN_CHROMIUM ?? '/usr/bin/chromium';
const PAGEFIND = join(TESTS, 'node_modules/@pagefind', `${platform()}-${arch() === 'x64' ? 'x64' : arch()}`, 'bin/pagefind_extended');
const corpora = args.flatMap((a, i) => (args[i - 1] === '--corpus' ? [a.split('=')] : []));
const runs = Number(arg('runs', '5'));
const queryCount = Number(arg('queries', '150'));
const linkQuery = arg('query', '缙云山');
const work = resolve(arg('work', join(REPO, 'target/bench/site')));
const quxianBin = resolve(arg('quxian', join(REPO, 'target/release/quxian')));
const maxGb = Number(arg('max-gb', '12'));
/** Results shown per query, on both sides. */
const LIMIT = 10;
const THROTTLE = { offline: false, latency: 40, downloadThroughput: 20e6 / 8, uploadThroughput: 20e6 / 8 };

if (corpora.length === 0 || corpora.some((c) => c.length !== 2)) {
  console.error('usage: node bench/site-bench.mjs --corpus NAME=DIR [--corpus NAME=DIR ...] [--runs 5] [--queries 150]');
  process.exit(2);
}

const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : null);
const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.round((sorted.length - 1) * p))];
};

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--enable-precise-memory-info'],
});
const report = [];
for (const [name, dir] of corpora) {
  report.push(await benchCorpus(name, resolve(dir)));
  printCorpus(report.at(-1));
}
await browser.close();
removeSetAside();
console.log(JSON.stringify({ site_bench: report }));

/** Everything measured on one corpus. */
async function benchCorpus(name, dir) {
  console.error(`[${name}] reading ${dir}`);
  const docs = readDocs(dir);
  const mb = docs.reduce((sum, d) => sum + Buffer.byteLength(d.text), 0) / 1e6;
  const queries = sampleQueries(docs, queryCount);
  const expected = expectedMatches(queries, unitIndex(docs));
  const result = { name, docs: docs.length, mb, queries: queries.length, pagefind: null, quxian: null };

  console.error(`[${name}] Pagefind: ${docs.length} pages, index…`);
  const pf = buildPagefind(docs, join(work, name, 'pagefind'), { pagefind: PAGEFIND, benchPage: PAGEFIND_PAGE, maxGb });
  result.pagefind = { build: summarizeBuild(pf.build) };
  console.error(`[${name}] quxian: build --site…`);
  const qx = buildQuxian(dir, join(work, name, 'quxian'), { quxian: quxianBin, repo: REPO, benchPage: QUXIAN_PAGE, maxGb });
  result.quxian = qx === null
    ? { skipped: `${quxianBin} has no \`build --site\` yet (issue 9's site index is not on this branch)` }
    : { build: summarizeBuild(qx) };

  const servers = [];
  const serve = async (folder) => {
    const server = await serveDir(folder, { host: true });
    servers.push(server);
    return server.url;
  };
  const link = (base, path) => `${base}${path}${encodeURIComponent(linkQuery)}`;
  const pages = [];
  if (pf.build.ok) pages.push({ side: result.pagefind, key: 'api', url: link(await serve(join(work, name, 'pagefind')), 'bench.html#q=') });
  if (qx?.ok) {
    const base = await serve(join(work, name, 'quxian'));
    pages.push({ side: result.quxian, key: 'api', url: link(base, 'bench.html#q=') });
    pages.push({ side: result.quxian, key: 'app', url: link(base, 'index.html#/search?v=1&q=') });
  }
  console.error(`[${name}] first results: ${pages.length} pages × ${runs} cold loads, loopback and throttled`);
  await firstResults(pages);

  const texts = queries.map((q) => q.text);
  const quoted = texts.map((t) => `"${t}"`);
  if (pf.build.ok) {
    console.error(`[${name}] Pagefind: follow-up queries`);
    const follow = await followUps(pages[0].url, texts, texts, quoted);
    result.pagefind.follow = summarizeFollowUps(follow);
    result.pagefind.recall = pagefindRecall(follow.passes?.[0], expected, pf.pageOfId);
    result.pagefind.phrase_recall = pagefindRecall(follow.passes?.[2], expected, pf.pageOfId);
  }
  if (qx?.ok) {
    console.error(`[${name}] quxian: follow-up queries`);
    const follow = await followUps(pages.find((p) => p.side === result.quxian).url, quoted, quoted);
    result.quxian.follow = summarizeFollowUps(follow);
    result.quxian.recall = quxianRecall(follow.passes?.[0], expected);
  }
  for (const server of servers) await server.close();
  return result;
}

function summarizeBuild(build) {
  return {
    ok: build.ok, seconds: build.seconds, peak_mb: Math.round(build.peakMb),
    index_bytes: build.indexBytes ?? null, error: build.error,
  };
}

/**
 * Cold loads of each page (`{ side, key, url }`), on loopback then throttled, the pages
 * taking turns so that a busy machine slows all alike. Sets `side[key]` to the median time
 * to the first <mark> and the bytes (on the wire, headers included) of the responses
 * finished before it.
 */
async function firstResults(pages) {
  for (const page of pages) await coldLoad(page.url, false); // warms the server's gzip cache
  for (const page of pages) page.side[page.key] = {};
  for (const [net, throttled] of [['loopback', false], ['throttled', true]]) {
    const loads = pages.map(() => []);
    for (let i = 0; i < runs; i++) {
      for (const [p, page] of pages.entries()) loads[p].push(await coldLoad(page.url, throttled));
    }
    pages.forEach((page, p) => {
      const failed = loads[p].find((l) => l.error !== undefined);
      page.side[page.key][net] = failed ? { error: failed.error ?? 'no result' } : {
        ms: median(loads[p].map((l) => l.ms)), all_ms: loads[p].map((l) => Math.round(l.ms)),
        facets_ms: median(loads[p].map((l) => l.facets_ms).filter((x) => x != null)),
        bytes: median(loads[p].map((l) => l.bytes)), files: loads[p][0].files,
      };
    });
  }
}

async function coldLoad(url, throttled) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await page.addInitScript(beforePage);
    if (throttled) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', THROTTLE);
    }
    const finished = [];
    context.on('requestfinished', (request) => finished.push(request));
    await page.goto(url);
    const shown = () => window.__firstMark !== undefined || window.__benchError !== undefined || window.__benchDone;
    if (!(await page.waitForFunction(shown, null, { timeout: 120_000 }).catch(() => null))) return { error: 'no result in 120 s' };
    const { first, origin, error } = await page.evaluate(() => ({ first: window.__firstMark, origin: performance.timeOrigin, error: window.__benchError }));
    if (first === undefined) return { error: error ?? 'no <mark> rendered' };
    // quxian's API page counts districts and topics after its first page: note when.
    const facets = !(await page.evaluate(() => window.__facetsPending === true)) ? null
      : await page.waitForFunction(() => window.__facetsAt, null, { timeout: 120_000 }).then((h) => h.jsonValue()).catch(() => null);
    const files = [];
    for (const request of finished) {
      const timing = request.timing();
      if (timing.startTime + timing.responseEnd > origin + first) continue;
      const sizes = await request.sizes();
      files.push({ file: new URL(request.url()).pathname, bytes: sizes.responseBodySize + sizes.responseHeadersSize });
    }
    files.sort((a, b) => b.bytes - a.bytes);
    return { ms: first, facets_ms: facets, bytes: files.reduce((sum, f) => sum + f.bytes, 0), files };
  } finally {
    await context.close();
  }
}

/**
 * In one page (after its first query): each of `passes` in turn, the same queries as a
 * list each. Per query: time including fetches, bytes on the wire (resource timing) and
 * the results; memory after the 20th query of the first pass.
 */
async function followUps(url, ...passes) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await page.addInitScript(beforePage);
    await page.goto(url);
    await page.waitForFunction(() => window.__bench !== undefined || window.__benchError !== undefined, null, { timeout: 120_000 });
    return await page.evaluate(async ({ passes, limit }) => {
      if (window.__benchError) return { error: window.__benchError };
      performance.setResourceTimingBufferSize(1_000_000);
      const settle = () => new Promise((ok) => setTimeout(ok, 0));
      const out = { passes: [], memory: null };
      for (const queries of passes) {
        const rows = [];
        for (const q of queries) {
          await settle();
          const before = performance.getEntriesByType('resource').length;
          const t0 = performance.now();
          const result = await window.__bench.run(q, limit);
          const ms = performance.now() - t0;
          await settle();
          const entries = performance.getEntriesByType('resource').slice(before);
          rows.push({ ms, bytes: entries.reduce((sum, e) => sum + e.transferSize, 0), requests: entries.length, result });
          if (out.passes.length === 0 && rows.length === 20) {
            out.memory = { wasm: window.__bench.wasmBytes(), js_heap: performance.memory?.usedJSHeapSize ?? null };
          }
        }
        out.passes.push(rows);
      }
      return out;
    }, { passes, limit: LIMIT });
  } finally {
    await context.close();
  }
}

function summarizeFollowUps(follow) {
  if (follow.error) return { error: follow.error };
  const [first, cached] = follow.passes;
  const ms = first.map((r) => r.ms);
  const cachedMs = cached.map((r) => r.ms);
  const pageOnly = first.filter((r) => r.result.page_ms !== undefined);
  return {
    page_bytes_median: median(pageOnly.map((r) => r.result.page_bytes)),
    page_p50_ms: pageOnly.length ? percentile(pageOnly.map((r) => r.result.page_ms), 0.5) : null,
    page_p95_ms: pageOnly.length ? percentile(pageOnly.map((r) => r.result.page_ms), 0.95) : null,
    first_p50_ms: pageOnly.length ? percentile(pageOnly.map((r) => r.result.first_ms), 0.5) : null,
    first_p95_ms: pageOnly.length ? percentile(pageOnly.map((r) => r.result.first_ms), 0.95) : null,
    bytes_median: median(first.map((r) => r.bytes)), bytes_max: Math.max(...first.map((r) => r.bytes)),
    p50_ms: percentile(ms, 0.5), p95_ms: percentile(ms, 0.95),
    cached_p50_ms: percentile(cachedMs, 0.5), cached_p95_ms: percentile(cachedMs, 0.95),
    cached_bytes_max: Math.max(...cached.map((r) => r.bytes)),
    requests_median: median(first.map((r) => r.requests)), cached_requests_median: median(cached.map((r) => r.requests)),
    wasm_mb: follow.memory ? follow.memory.wasm / 2 ** 20 : null,
    js_heap_mb: follow.memory?.js_heap ? follow.memory.js_heap / 2 ** 20 : null,
  };
}

/** quxian: every document that holds the substring inside a sentence is counted (recall),
 * none beyond those holding it at all, and every shown passage holds it (precision). */
function quxianRecall(rows, expected) {
  if (!rows) return null;
  let found = 0;
  let precise = 0;
  const misses = [];
  rows.forEach((row, i) => {
    const { units, lower, upper } = expected[i];
    const docs = row.result.docs;
    const shownOk = row.result.texts.every((t) => unitString(t).includes(units));
    if (docs >= lower.length) found++;
    if (docs <= upper.length && shownOk) precise++;
    if (docs < lower.length || docs > upper.length || !shownOk) misses.push({ query: units, docs, expected: [lower.length, upper.length], shownOk });
  });
  return { recall: found / rows.length, precision: precise / rows.length, misses: misses.slice(0, 5) };
}

/** Pagefind: documents found among those that hold the substring inside a sentence
 * (recall), and found documents that hold it at all (precision), over all queries. */
function pagefindRecall(rows, expected, pageOfId) {
  if (!rows) return null;
  let relevant = 0;
  let foundRelevant = 0;
  let returned = 0;
  let returnedRight = 0;
  rows.forEach((row, i) => {
    const found = new Set(row.result.ids.map((id) => pageOfId.get(id)));
    const { lower, upper } = expected[i];
    relevant += lower.length;
    foundRelevant += lower.filter((d) => found.has(d)).length;
    const upperSet = new Set(upper);
    returned += found.size;
    returnedRight += [...found].filter((d) => upperSet.has(d)).length;
  });
  return { recall: relevant ? foundRelevant / relevant : null, precision: returned ? returnedRight / returned : null };
}

function printCorpus(r) {
  const kb = (n) => (n == null ? '—' : `${(n / 1024).toFixed(0)} KB`);
  const ms = (n) => (n == null ? '—' : `${n.toFixed(n < 10 ? 1 : 0)} ms`);
  const pct = (n) => (n == null ? '—' : n.toFixed(3));
  const pf = r.pagefind ?? {};
  const qx = r.quxian ?? {};
  const load = (side, key) => (side?.[key]?.error ? `error: ${side[key].error}` : `${ms(side?.[key]?.ms)}, ${kb(side?.[key]?.bytes)}`);
  const build = (b) => (!b ? '—' : b.ok ? `${b.seconds.toFixed(1)} s, ${b.peak_mb} MB peak, index ${(b.index_bytes / 1e6).toFixed(1)} MB` : `FAILED after ${b.seconds.toFixed(0)} s, ${b.peak_mb} MB peak: ${b.error}`);
  const follow = (f) => (!f ? '—' : f.error ? `error: ${f.error}` : `${kb(f.bytes_median)} median (max ${kb(f.bytes_max)}, ${f.requests_median} requests); ${ms(f.p50_ms)} / ${ms(f.p95_ms)} p50/p95; cached ${ms(f.cached_p50_ms)} / ${ms(f.cached_p95_ms)} (${f.cached_requests_median} requests)`);
  const pageFollow = (f) => (!f || f.error || f.page_bytes_median == null ? '—'
    : `${kb(f.page_bytes_median)} median; ${ms(f.page_p50_ms)} / ${ms(f.page_p95_ms)} p50/p95 (first document ${ms(f.first_p50_ms)} / ${ms(f.first_p95_ms)})`);
  const facets = (side) => (side?.loopback?.facets_ms == null ? '' : ` (counts at ${ms(side.loopback.facets_ms)})`);
  const memory = (f) => (!f || f.error ? '—' : `wasm ${f.wasm_mb?.toFixed(1)} MB, JS heap ${f.js_heap_mb?.toFixed(1)} MB`);
  console.log(`\n== ${r.name}: ${r.docs} documents, ${r.mb.toFixed(2)} MB of text, ${r.queries} substring queries ==`);
  const rows = [
    ['build', build(pf.build), build(qx.build)],
    ['first result, loopback (gz bytes)', load(pf.api, 'loopback'), `API ${load(qx.api, 'loopback')}${facets(qx.api)}; app ${load(qx.app, 'loopback')}`],
    ['first result, 20 Mbit/s 40 ms RTT', load(pf.api, 'throttled'), `API ${load(qx.api, 'throttled')}; app ${load(qx.app, 'throttled')}`],
    ['follow-up query', follow(pf.follow), `page ${pageFollow(qx.follow)}; with counts ${follow(qx.follow)}`],
    ['memory after 20 queries', memory(pf.follow), memory(qx.follow)],
    ['recall / precision', `${pct(pf.recall?.recall)} / ${pct(pf.recall?.precision)} (phrases: ${pct(pf.phrase_recall?.recall)} / ${pct(pf.phrase_recall?.precision)})`, `${pct(qx.recall?.recall)} / ${pct(qx.recall?.precision)}`],
  ];
  if (qx.skipped) rows.push(['quxian', '', `skipped: ${qx.skipped}`]);
  console.log(`${''.padEnd(36)}Pagefind | quxian`);
  for (const [label, a, b] of rows) console.log(`${label.padEnd(36)}${a} | ${b}`);
  const app = qx.app?.loopback?.ms;
  const pfMs = pf.api?.loopback?.ms;
  if (app && pfMs) console.log(`${'ratio app / Pagefind (loopback)'.padEnd(36)}time ×${(app / pfMs).toFixed(2)}, bytes ×${(qx.app.loopback.bytes / pf.api.loopback.bytes).toFixed(2)}`);
  for (const miss of qx.recall?.misses ?? []) console.log(`  quxian mismatch: ${JSON.stringify(miss)}`);
}

