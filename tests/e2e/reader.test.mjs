// The reader: opening a hit shows the whole document with passage anchors and highlights;
// a passage link opens scrolled to that passage; match navigation; back to results.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, screenshot } from './helpers.mjs';
import { hash, search, waitReady } from './app-helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** True when the element is entirely inside the viewport. */
function inViewport(el) {
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
}

for (const viewport of ['desktop', 'phone']) {
  test(`opening a hit shows the document (${viewport})`, { timeout: 60_000 }, async () => {
    const app = await openApp(browser, { viewport });
    try {
      const { page } = app;
      await waitReady(page);
      await search(page, '缙云山');
      const firstHit = page.getByTestId('hit').first();
      const snippet = (await firstHit.getByTestId('snippet').innerText()).replace(/…/g, '');
      await firstHit.locator('a').click();
      await page.getByTestId('reader').waitFor();

      const h = await hash(page);
      const m = /doc=([^&]+)&p=(\d+)/.exec(h);
      assert.ok(m, `hash names doc and passage: ${h}`);
      const p = m[2];
      const current = page.locator(`#p-${p}`);
      assert.equal(await current.getAttribute('data-testid'), 'passage');
      assert.match(await current.getAttribute('class'), /qx-current/);
      assert.ok((await current.innerText()).includes(snippet.slice(0, 20)), 'the opened passage holds the snippet');
      assert.ok(await current.evaluate(inViewport), 'the opened passage is scrolled into view');
      const passages = await page.getByTestId('passage').count();
      assert.ok(passages > 1, `${passages} passages`);
      const ids = await page.getByTestId('passage').evaluateAll((ps) => ps.map((e) => e.id));
      assert.deepEqual(ids, ids.map((_, i) => `p-${i}`), 'anchors p-0, p-1, …');
      const marks = await page.locator('[data-testid=reader] mark').allInnerTexts();
      assert.ok(marks.length > 0 && marks.every((t) => t.includes('缙云山')), `marks: ${marks}`);
      await screenshot(page, 'reader');

      // Next match moves to another passage that has a match.
      const next = page.getByTestId('next-match');
      if (await next.isEnabled()) {
        await next.click();
        await page.waitForFunction((old) => !location.hash.endsWith(`p=${old}`), p);
        const moved = page.locator('[data-testid=passage].qx-current');
        assert.ok((await moved.locator('mark').count()) > 0, 'next match lands on a passage with a match');
      }

      await page.getByTestId('back-to-results').click();
      await page.getByTestId('hit-list').waitFor();
      assert.ok(!(await hash(page)).includes('doc='), 'back to results drops the document');
      app.assertNoErrors();
    } finally {
      await app.close();
    }
  });
}

test('a passage link opens the reader scrolled to that passage', { timeout: 60_000 }, async () => {
  // Find a document with many passages first.
  const probe = await openApp(browser);
  let key;
  let last;
  try {
    await waitReady(probe.page);
    const link = probe.page.getByTestId('overview-doc').first();
    await link.click();
    await probe.page.getByTestId('reader').waitFor();
    key = /doc=([^&]+)/.exec(await hash(probe.page))[1];
    last = (await probe.page.getByTestId('passage').count()) - 2;
    assert.ok(last > 5, `document ${key} is long enough to need scrolling`);
    probe.assertNoErrors();
  } finally {
    await probe.close();
  }

  const app = await openApp(browser, { path: `#/doc?v=1&doc=${encodeURIComponent(key)}&p=${last}` });
  try {
    const { page } = app;
    await waitReady(page);
    const target = page.locator(`#p-${last}`);
    await target.waitFor();
    assert.match(await target.getAttribute('class'), /qx-current/);
    await page.waitForFunction((id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    }, `p-${last}`);
    assert.ok(await page.evaluate(() => window.scrollY > 0), 'the page scrolled down to the passage');
    assert.equal(await page.locator('[data-testid=passage].qx-current').count(), 1);
    await screenshot(page, 'passage-link');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});
