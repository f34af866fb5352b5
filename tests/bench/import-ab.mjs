// Two (or more) builds of the in-browser import side by side: the same picked files imported
// as the app imports them (quxian-library.js `importFiles`), taking turns, median time from
// the first 'indexing' progress to the bundle. For changes too small for import-bench.mjs's
// two runs on a noisy machine: `cargo xtask dist` once per variant (or copy dist/ and swap
// its `import/` engine), then, from tests/:
//
//   node bench/import-ab.mjs [--runs 8] [--mb 20] CORPUS_DIR DIST_A DIST_B ...
//
// Each dist folder is served by tests/e2e/static-server.mjs; one page per folder, kept for
// all its runs (the engine and dictionary are loaded by a warm-up import first, as in
// import-bench.mjs), and the files picked anew before every run.

import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { serveDir } from '../e2e/static-server.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const runs = Number(option('runs', '8'));
const limitBytes = Number(option('mb', '20')) * 1024 * 1024;
const [corpus, ...dists] = args;
if (!corpus || dists.length === 0) {
  console.error('usage: node bench/import-ab.mjs [--runs 8] [--mb 20] CORPUS_DIR DIST...');
  process.exit(2);
}

const files = [];
let total = 0;
for (const name of readdirSync(corpus).sort()) {
  const path = resolve(join(corpus, name));
  const size = statSync(path).size;
  if (total + size > limitBytes) break;
  files.push(path);
  total += size;
}

const browser = await chromium.launch({
  executablePath: process.env.QUXIAN_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic'],
});
const servers = await Promise.all(dists.map((dir) => serveDir(dir)));
const pages = [];
for (const server of servers) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}import-demo.html`);
  await page.evaluate(async () => {
    const { importFiles } = await import('./quxian-library.js');
    await importFiles([new File(['预热\n\n北碚。'], 'warmup.txt')]);
  });
  pages.push(page);
}

/** One import of the files, picked anew: milliseconds from indexing's start to the bundle. */
async function timedImport(page) {
  await page.evaluate(() => {
    document.querySelector('#ab-files')?.remove();
    const input = Object.assign(document.createElement('input'), { type: 'file', multiple: true, id: 'ab-files', hidden: true });
    document.body.append(input);
  });
  await page.setInputFiles('#ab-files', files);
  return page.evaluate(async () => {
    const { importFiles } = await import('./quxian-library.js');
    let ready = null;
    const { bundle } = await importFiles([...document.querySelector('#ab-files').files], {
      onProgress: (p) => {
        if (p.phase === 'indexing' && ready === null) ready = performance.now();
      },
    });
    return { ms: performance.now() - ready, bytes: bundle.byteLength };
  });
}

const times = dists.map(() => []);
const sizes = dists.map(() => 0);
for (let run = 0; run < runs; run++) {
  // Alternate the order, so neither variant always runs right after the other.
  const order = run % 2 ? [...dists.keys()].reverse() : [...dists.keys()];
  for (const i of order) {
    const { ms, bytes } = await timedImport(pages[i]);
    times[i].push(ms);
    sizes[i] = bytes;
  }
}
await browser.close();
for (const server of servers) await server.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${files.length} files, ${(total / 1024 / 1024).toFixed(1)} MB, ${runs} runs each`);
dists.forEach((dir, i) => {
  const sorted = [...times[i]].sort((a, b) => a - b);
  console.log(`${dir}: median ${median(times[i]).toFixed(0)} ms (${sorted.map((t) => t.toFixed(0)).join(' ')}), bundle ${sizes[i]} bytes`);
});
