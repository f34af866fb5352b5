// Two (or more) builds of a site page side by side: cold loads taking turns, median time from
// navigation to the first <mark>. For changes too small for site-bench.mjs's 5 loads on a
// noisy machine: build the site once per variant (`quxian build DIR --site OUT --app DIST`),
// then, from tests/:
//
//   node bench/site-ab.mjs [--runs 20] [--throttled] [--query 缙云山] OUT_A OUT_B ...
//
// Each folder is served as a static host would (tests/e2e/static-server.mjs, `host`), service
// workers blocked; --throttled emulates 20 Mbit/s with 40 ms RTT, as site-bench.mjs does.

import { chromium } from 'playwright-core';
import { serveDir } from '../e2e/static-server.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const runs = Number(option('runs', '20'));
const query = option('query', '缙云山');
const throttled = args.includes('--throttled');
const dirs = args.filter((a) => a !== '--throttled');
if (dirs.length === 0) {
  console.error('usage: node bench/site-ab.mjs [--runs 20] [--throttled] [--query Q] SITE_DIR...');
  process.exit(2);
}
const THROTTLE = { offline: false, latency: 40, downloadThroughput: 20e6 / 8, uploadThroughput: 20e6 / 8 };

const browser = await chromium.launch({
  executablePath: process.env.QUXIAN_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic'],
});
const servers = await Promise.all(dirs.map((dir) => serveDir(dir, { host: true })));

/** One cold load of `url`: milliseconds from navigation to the first <mark>. */
async function firstMark(url) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    if (throttled) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', THROTTLE);
    }
    await page.addInitScript(() => new MutationObserver((_, observer) => {
      if (document.querySelector('mark')) {
        window.__firstMark = performance.now();
        observer.disconnect();
      }
    }).observe(document, { subtree: true, childList: true }));
    await page.goto(`${url}index.html#q=${encodeURIComponent(query)}`);
    await page.waitForFunction(() => window.__firstMark !== undefined, null, { timeout: 60_000 });
    return await page.evaluate(() => window.__firstMark);
  } finally {
    await context.close();
  }
}

for (const server of servers) await firstMark(server.url); // warms each server's gzip cache
const times = dirs.map(() => []);
for (let i = 0; i < runs; i++) {
  for (const [k, server] of servers.entries()) times[k].push(await firstMark(server.url));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
dirs.forEach((dir, k) => {
  console.log(`${dir}: median ${Math.round(median(times[k]))} ms (${times[k].map(Math.round).join(' ')})`);
});
await browser.close();
for (const server of servers) await server.close();
