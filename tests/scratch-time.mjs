import { chromium } from 'playwright-core';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
const dir = process.argv[2];
let files = readdirSync(dir).sort().map((n) => join(dir, n));
files = files.slice(0, Number(process.argv[3] ?? files.length));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
const page = await browser.newPage();
await page.goto('http://127.0.0.1:8771/import-demo.html');
await page.evaluate(() => { const i = Object.assign(document.createElement('input'), { type: 'file', multiple: true, id: 'bf' }); i.hidden = true; document.body.append(i); });
await page.setInputFiles('#bf', files);
const r = await page.evaluate(async () => {
  const { importFiles } = await import('./quxian-library.js');
  const t = performance.now();
  const { report } = await importFiles([...document.querySelector('#bf').files]);
  return { ms: performance.now() - t, add: report.addMs, fin: report.finishMs, bytes: report.input_bytes };
});
console.log(JSON.stringify(r));
await browser.close();
