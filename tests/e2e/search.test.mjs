// Searching and filtering: hits with highlights, live disjunctive counts, every view a link
// (reload restores it, back/forward walk it), keyboard navigation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, screenshot } from './helpers.mjs';
import { facetCount, hash, search, total, waitReady } from './app-helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const viewport of ['desktop', 'phone']) {
  test(`typing a query shows highlighted hits (${viewport})`, { timeout: 60_000 }, async () => {
    const app = await openApp(browser, { viewport });
    try {
      const { page } = app;
      await waitReady(page);
      await page.getByTestId('overview').waitFor();
      await screenshot(page, 'overview');
      await search(page, '缙云山');
      const n = await total(page);
      assert.ok(n > 0, `expected hits for 缙云山, header says ${n}`);
      const marks = await page.locator('[data-testid=hit-list] mark').allInnerTexts();
      assert.ok(marks.length > 0, 'no <mark> in the hit list');
      assert.ok(marks.every((m) => m.includes('缙云山')), `marks: ${marks.join(' | ')}`);
      const hits = await page.getByTestId('hit').count();
      assert.ok(hits > 0 && hits <= n, `${hits} hits shown for ${n} results`);
      assert.match(await page.getByTestId('results-count').textContent(), /^\d+ 篇文档\s*·\s*\d+ 段匹配/);
      await screenshot(page, 'search');
      // Full-width letters are folded (NFKC, by the browser) before searching.
      await search(page, 'GDP');
      const gdp = await total(page);
      await search(page, 'ＧＤＰ');
      assert.ok(gdp > 0, 'GDP is in the seed corpus');
      assert.equal(await total(page), gdp, 'ＧＤＰ finds what GDP finds');
      app.assertNoErrors();
    } finally {
      await app.close();
    }
  });
}

test('district and topic filters: counts, link, reload, back', { timeout: 90_000 }, async () => {
  const app = await openApp(browser);
  try {
    const { page } = app;
    await waitReady(page);
    await search(page, '科技创新');
    const all = await total(page);
    const beibei = await facetCount(page, 'district', '北碚');
    assert.ok(beibei > 0 && beibei <= all, `北碚 count ${beibei} of ${all}`);

    await page.locator('[data-testid=facet-district][data-name="北碚"]').click();
    await page.waitForSelector('[data-testid=facet-district][data-name="北碚"][aria-pressed=true]');
    assert.equal(await total(page), beibei, 'results under 北碚 equal the count the facet showed');
    const afterDistrict = await total(page);

    // The topic with most passages under 北碚 (other than zero).
    const topics = await page.locator('[data-testid=facet-topic]').evaluateAll((els) =>
      els.map((e) => [e.dataset.name, Number(e.querySelector('[data-testid=facet-count]').textContent)]));
    const [topic, topicCount] = topics.filter(([, c]) => c > 0).sort((a, b) => b[1] - a[1])[0];
    await page.locator(`[data-testid=facet-topic][data-name="${topic}"]`).click();
    await page.waitForSelector(`[data-testid=facet-topic][data-name="${topic}"][aria-pressed=true]`);
    assert.equal(await total(page), topicCount, `results under 北碚 + ${topic}`);
    const h = await hash(page);
    assert.ok(h.includes('district=北碚') && h.includes(`topic=${topic}`) && h.includes('q=科技创新'), h);
    assert.equal(await page.getByTestId('active-filter').count(), 2);
    await screenshot(page, 'filtered');

    await page.reload();
    await waitReady(page);
    await page.waitForSelector('[data-testid=facet-district][data-name="北碚"][aria-pressed=true]');
    assert.equal(await total(page), topicCount, 'reload restores the same results');
    assert.equal(
      await page.locator(`[data-testid=facet-topic][data-name="${topic}"]`).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByTestId('search-input').inputValue(), '科技创新');

    await page.goBack();
    await page.waitForSelector(`[data-testid=facet-topic][data-name="${topic}"][aria-pressed=false]`);
    assert.equal(await total(page), afterDistrict, 'back drops the topic');
    await page.goBack();
    await page.waitForSelector('[data-testid=facet-district][data-name="北碚"][aria-pressed=false]');
    assert.equal(await total(page), all, 'back again drops the district');
    await page.goForward();
    await page.waitForSelector('[data-testid=facet-district][data-name="北碚"][aria-pressed=true]');

    await page.getByTestId('clear-filters').click();
    await page.waitForSelector('[data-testid=facet-district][data-name="北碚"][aria-pressed=false]');
    assert.equal(await total(page), all);
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('a heat-map cell opens that district and topic', { timeout: 60_000 }, async () => {
  const app = await openApp(browser);
  try {
    const { page } = app;
    await waitReady(page);
    const cell = page.getByTestId('heat-cell').first();
    const [district, topic, value] = await cell.evaluate((g) =>
      [g.dataset.district, g.dataset.topic, Number(g.querySelector('text').textContent)]);
    await cell.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('results-count').waitFor();
    assert.equal(await total(page), value, `${district} × ${topic}`);
    const h = await hash(page);
    assert.ok(h.includes(`district=${district}`) && h.includes(`topic=${topic}`), h);
    await page.goBack();
    await page.getByTestId('overview').waitFor();
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

// The skip link (Tab, Enter) lands on the list of results; one more Tab is the first.
test('keyboard: from the top of a results link, the first result is ≤ 5 key presses away', { timeout: 60_000 }, async () => {
  const app = await openApp(browser, { path: `#/search?v=1&q=${encodeURIComponent('北碚')}` });
  try {
    const { page } = app;
    await waitReady(page);
    await page.getByTestId('doc-title').first().waitFor();
    assert.equal(await page.locator('h1').count(), 1, 'one page heading');
    const named = page.getByRole('link', { name: /^第 \d+ 段：.*北碚/ });
    assert.ok((await named.count()) > 0, 'a hit link is named by its passage number and snippet');
    const zero = page.locator('[data-testid=facet-district] .qx-facet-count', { hasText: /^0$/ });
    if ((await zero.count()) > 0) {
      const stops = await zero.evaluateAll((cs) => cs.filter((c) => c.closest('button').tabIndex >= 0).length);
      assert.equal(stops, 0, 'districts without matches are no tab stops');
    }
    await page.evaluate(() => document.activeElement?.blur());
    const keys = [];
    const onFirst = () => page.evaluate(() => document.activeElement === document.querySelector('[data-testid=doc-title]'));
    while (keys.length < 5 && !(await onFirst())) {
      const onSkip = await page.evaluate(() => document.activeElement?.classList.contains('qx-skip'));
      const key = onSkip ? 'Enter' : 'Tab';
      keys.push(key);
      await page.keyboard.press(key);
    }
    assert.ok(await onFirst(), `the first result has the focus after ${keys.join(', ')}`);
    await screenshot(page, 'skip-to-results');
    await page.getByTestId('corpus-switcher').click();
    await page.getByTestId('corpus-menu').waitFor();
    assert.equal(await page.locator('[role=menu], [role=menuitemradio]').count(), 0, 'a disclosure, not a menu without menu keys');
    assert.equal(await page.getByTestId('corpus-switcher').getAttribute('aria-expanded'), 'true');
    await page.locator('.qx-menu-backdrop').click();
    await page.getByTestId('corpus-menu').waitFor({ state: 'detached' });
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('keyboard: / focuses search, arrows move, Enter opens, Esc returns', { timeout: 60_000 }, async () => {
  const app = await openApp(browser);
  try {
    const { page } = app;
    await waitReady(page);
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'search-input');
    await page.keyboard.type('北碚');
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('q=北碚'));
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('[data-testid=doc-group].qx-focused');
    await page.keyboard.press('ArrowDown');
    const focused = await page.locator('[data-testid=doc-group]').evaluateAll((gs) =>
      gs.findIndex((g) => g.classList.contains('qx-focused')));
    assert.equal(focused, 1, 'second group focused after two ArrowDown');
    const title = await page.locator('[data-testid=doc-group].qx-focused [data-testid=doc-title]').innerText();
    await page.keyboard.press('Enter');
    await page.getByTestId('reader').waitFor();
    assert.equal(await page.getByTestId('reader-title').innerText(), title);
    await page.keyboard.press('Escape');
    await page.getByTestId('hit-list').waitFor();
    assert.ok((await hash(page)).includes('q=北碚'), 'Esc returns to the same results');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('keyboard: the focus goes into a document opened from its result, and back to that result', { timeout: 60_000 }, async () => {
  const app = await openApp(browser);
  try {
    const { page } = app;
    await waitReady(page);
    await search(page, '缙云山');
    const active = () => page.evaluate(() => ({
      testid: document.activeElement?.dataset.testid,
      doc: document.activeElement?.closest('[data-testid=doc-group]')?.dataset.doc,
    }));
    const second = page.getByTestId('doc-group').nth(1);
    const key = await second.getAttribute('data-doc');
    await second.getByTestId('doc-title').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('reader').waitFor();
    // The result link that had the focus is gone: the reader's title takes it, not <body>.
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'reader-title');
    await page.keyboard.press('Escape');
    await page.getByTestId('hit-list').waitFor();
    await page.waitForFunction(() => document.activeElement !== document.body);
    assert.deepEqual(await active(), { testid: 'doc-title', doc: key }, 'back on the result just read');
    // Enter opens it again from there, and the browser's Back lands the same way.
    await page.keyboard.press('Enter');
    await page.getByTestId('reader').waitFor();
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'reader-title');
    await page.goBack();
    await page.getByTestId('hit-list').waitFor();
    await page.waitForFunction(() => document.activeElement !== document.body);
    assert.deepEqual(await active(), { testid: 'doc-title', doc: key });
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('nothing found: nearby views with their counts, one click away', { timeout: 60_000 }, async () => {
  const view = `#/search?v=1&q=${encodeURIComponent('缙云山')}&district=${encodeURIComponent('万州')}`;
  const app = await openApp(browser, { path: view });
  try {
    const { page } = app;
    await waitReady(page);
    await page.getByTestId('no-results').waitFor();
    const drop = page.getByTestId('suggestion').filter({ hasText: '去掉区县「万州」' });
    const label = await drop.innerText();
    const offered = Number(/（(\d+) 段）/.exec(label)?.[1]);
    assert.ok(offered > 0, `the suggestion shows a count: ${label}`);
    await drop.click();
    await page.getByTestId('results-count').waitFor();
    assert.equal(await total(page), offered, 'the suggestion finds what it promised');
    assert.ok(!decodeURIComponent(await hash(page)).includes('万州'), 'the filter left the link');

    await search(page, '缙云山喵喵');
    await page.getByTestId('no-results').waitFor();
    const shorter = page.getByTestId('suggestion').filter({ hasText: '改搜「缙云山」' });
    await shorter.click();
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('q=缙云山&') || decodeURIComponent(location.hash).endsWith('q=缙云山'));
    assert.ok(await total(page) > 0);
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('a document shows its passages holding every word; the others wait behind 还有 N 段', { timeout: 60_000 }, async () => {
  const app = await openApp(browser);
  try {
    const { page } = app;
    await waitReady(page);
    const words = ['缙云山', '保护'];
    await search(page, words.join(' '));
    const groups = page.getByTestId('doc-group');
    const count = await groups.count();
    assert.ok(count > 0, 'the seeds have documents with both words');
    const holdsAll = (text) => words.every((w) => text.includes(w));
    let folded = 0;
    for (let i = 0; i < count; i += 1) {
      const group = groups.nth(i);
      const matching = Number(/(\d+) 段匹配/.exec(await group.innerText())[1]);
      const shown = await group.getByTestId('hit').allInnerTexts();
      const whole = shown.filter(holdsAll).length;
      if (whole > 0) {
        assert.equal(whole, shown.length, `document ${i}: only passages with both words are shown: ${shown.join(' | ')}`);
      }
      const more = group.getByTestId('more-passages');
      if (shown.length < matching) {
        assert.equal(await more.innerText(), `还有 ${matching - shown.length} 段`);
        await more.click();
        const all = await group.getByTestId('hit').allInnerTexts();
        assert.equal(all.length, matching, 'expanded, every matching passage is listed');
        assert.deepEqual(all.slice(0, shown.length), shown, 'the passages shown first stay first');
        if (whole > 0) folded += all.slice(shown.length).filter((t) => !holdsAll(t)).length;
      } else {
        assert.equal(await more.count(), 0);
      }
    }
    assert.ok(folded > 0, 'some passage with one of the words waited behind 还有 N 段');
    await screenshot(page, 'whole-query-first');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});
