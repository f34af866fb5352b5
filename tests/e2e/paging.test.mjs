// Paging in the explorer: a query matching more documents than one page lists 200 and
// offers 加载更多, which lists 200 more; a new search starts again from one page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, openApp, screenshot } from './helpers.mjs';
import { REPO, buildBundle, search, waitReady } from './app-helpers.mjs';

const ARCHIVE = process.env.QUXIAN_ARCHIVE ?? join(REPO, 'target/e2e-archive');

let browser;
before(async () => {
  browser = await launch();
  buildBundle(ARCHIVE, 'paging.qx');
});
after(async () => {
  await browser?.close();
});

/** The N of "N 篇文档" in the results header. */
async function docsMatched(page) {
  const text = await page.getByTestId('results-count').innerText();
  return Number(/(\d+)\s*篇文档/.exec(text)[1]);
}

test('加载更多 lists the next page of documents; a new search starts from one page', async () => {
  const app = await openApp(browser, { path: '?corpus=paging.qx' });
  try {
    const { page } = app;
    await waitReady(page);
    await search(page, '重庆');
    const matched = await docsMatched(page);
    assert.ok(matched > 200, `the archive has more than a page of 重庆 documents (${matched})`);
    const titles = page.getByTestId('doc-title');
    assert.equal(await titles.count(), 200);
    const more = page.getByTestId('load-more');
    assert.equal(await more.innerText(), `加载更多（还有 ${matched - 200} 篇）`);
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=doc-title]').length === n,
      Math.min(400, matched));
    assert.equal(await more.count(), matched > 400 ? 1 : 0, 'the button goes once everything is listed');
    await screenshot(page, 'load-more');
    await search(page, '重庆 发展');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=doc-title]').length <= 200);
  } finally {
    await app.close();
  }
});
