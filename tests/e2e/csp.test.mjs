// The app under a strict Content-Security-Policy: dist/index.html ships
// `script-src 'self' 'wasm-unsafe-eval'` (no inline script, no eval) and `style-src 'self'`
// (no inline style), and the app loads (overview with its maps),
// searches and imports under it with no policy violation. The import also reads a UTF-16
// file saved without a byte-order mark, which used to be called a binary file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VIEWPORTS, appUrl, assertNoErrors, launch, screenshot, watchErrors } from './helpers.mjs';
import { DIST, search, total, waitReady } from './app-helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('dist/index.html ships a strict CSP and no inline script', () => {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp, 'index.html has a CSP meta tag');
  const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
  assert.equal(scriptSrc, "script-src 'self' 'wasm-unsafe-eval'");
  const styleSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('style-src'));
  assert.equal(styleSrc, "style-src 'self'", 'no inline styles either (the maps shade with SVG attributes)');
  for (const [, attributes, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
    assert.match(attributes, /\ssrc=/, 'every script is a file');
    assert.equal(body.trim(), '', 'no inline script');
  }
});

test('the app searches and imports under its CSP without violations', { timeout: 120_000 }, async () => {
  const context = await browser.newContext(VIEWPORTS.desktop);
  // Violations are reported to the page as events; record them from the first script on.
  await context.addInitScript(() => {
    window.qxViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.qxViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  page.viewportName = 'desktop';
  const errors = watchErrors(page);
  try {
    await page.goto(appUrl());
    await waitReady(page);
    await page.getByTestId('district-map').waitFor();
    await page.getByTestId('heat-map').waitFor();
    await search(page, '缙云山');
    assert.ok((await total(page)) > 0, 'the search finds the built-in corpus');

    await page.getByTestId('corpus-switcher').click();
    await page.getByTestId('open-import').click();
    await page.getByTestId('library-dialog').waitFor();
    const text = '北碚生态建设\n\n缙云山国家级自然保护区的生态环境持续改善，北碚区推进生态文明建设。\n';
    await page.getByTestId('import-files').setInputFiles([
      { name: '无BOM.txt', mimeType: 'text/plain', buffer: Buffer.from(text, 'utf16le') },
    ]);
    await page.getByTestId('import-report').waitFor({ timeout: 90_000 });
    const summary = await page.getByTestId('import-summary').innerText();
    assert.match(summary, /导入 1 篇文档，0 项未导入/, summary);
    await screenshot(page, 'csp-import');

    assert.deepEqual(await page.evaluate(() => window.qxViolations), []);
    assertNoErrors(errors);
  } finally {
    await context.close();
  }
});
