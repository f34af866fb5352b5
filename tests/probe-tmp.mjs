import { chromium } from 'playwright-core';
import { serveDir } from './e2e/static-server.mjs';
import { beforePage } from './bench/site-pages.mjs';
const dir = process.argv[2];
const server = await serveDir(dir);
const base = server.url ?? server;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
for (let run = 0; run < 4; run++) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.addInitScript(beforePage);
  const finished = [];
  context.on('requestfinished', (r) => finished.push(r));
  await page.goto(`${base}index.html#/search?v=1&q=${encodeURIComponent('缙云山')}`);
  await page.waitForFunction(() => window.__firstMark !== undefined, null, { timeout: 60000 });
  const { first, origin } = await page.evaluate(() => ({ first: window.__firstMark, origin: performance.timeOrigin }));
  if (run === 3) {
    const rows = finished.map((r) => { const t = r.timing(); return [t.startTime - origin, t.startTime + t.responseEnd - origin, new URL(r.url()).pathname]; });
    rows.sort((a, b) => a[0] - b[0]);
    for (const [s, e, p] of rows) if (s < first) console.log(s.toFixed(0).padStart(5), e.toFixed(0).padStart(5), p);
  }
  console.log('first mark', first.toFixed(0));
  await context.close();
}
await browser.close();
server.close?.();
process.exit(0);
