// Embedding: <quxian-explorer> in host pages (web/examples/), several per page with their
// own state, styles isolated both ways, links that open the same view in the full app,
// the JS API page, and the single-file build from file://.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { appUrl, assertNoErrors, launch, openApp, screenshot, SCREENSHOTS, VIEWPORTS, watchErrors } from './helpers.mjs';
import { DIST, total, waitReady } from './app-helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The result count inside one explorer. */
async function embedTotal(explorer) {
  const text = await explorer.getByTestId('results-count').innerText();
  return Number(/(\d+)\s*段匹配/.exec(text)[1]);
}

/** Types into one explorer's search box and waits for its count to follow. */
async function embedSearch(page, explorer, query) {
  await explorer.getByTestId('search-input').fill(query);
  const id = await explorer.getAttribute('id');
  await page.waitForFunction(
    ([id, q]) => document.getElementById(id).dataset.lastQuery === q
      && document.getElementById(id).shadowRoot.querySelector('[data-testid=results-count]'),
    [id, query],
  );
}

/** Records each explorer's last viewchange detail on the element (data-last-query). */
async function recordViews(page) {
  await page.evaluate(() => {
    window.viewEvents = [];
    for (const el of document.querySelectorAll('quxian-explorer')) {
      el.addEventListener('quxian-viewchange', (e) => {
        window.viewEvents.push({ id: el.id, target: e.target === el, ...e.detail });
        el.dataset.lastQuery = e.detail.query;
      });
    }
  });
}

test('two explorers on one page keep separate state', { timeout: 90_000 }, async () => {
  const app = await openApp(browser, { path: 'examples/two-explorers.html' });
  try {
    const { page } = app;
    await recordViews(page);
    const all = page.locator('quxian-explorer#all');
    const yubei = page.locator('quxian-explorer#yubei');
    await all.getByTestId('overview').waitFor({ timeout: 30_000 });
    await yubei.getByTestId('results-count').waitFor({ timeout: 30_000 });
    const yubeiBefore = await embedTotal(yubei);
    assert.ok(yubeiBefore > 0, 'the second explorer starts at its query attribute');

    await embedSearch(page, all, '缙云山');
    assert.ok((await embedTotal(all)) > 0);
    assert.equal(await yubei.getByTestId('search-input').inputValue(), '渝北', 'the other box is untouched');
    assert.equal(await embedTotal(yubei), yubeiBefore, 'the other results are untouched');
    assert.equal(await page.evaluate(() => location.hash), '', 'embeds leave the address alone');

    const events = await page.evaluate(() => window.viewEvents);
    const last = events.filter((e) => e.id === 'all').at(-1);
    assert.equal(last.query, '缙云山');
    assert.ok(last.target, 'the event reaches the <quxian-explorer> element');
    assert.match(last.hash, /^#\/search\?v=1&q=/);
    assert.ok(events.every((e) => e.id === 'all' || e.query === '渝北'), 'no event from the other explorer changed its query');

    // "/" from the page focuses the first explorer; inside the second, the second.
    await page.locator('h1').click();
    await page.keyboard.press('/');
    assert.ok(await all.getByTestId('search-input').evaluate((el) => el.getRootNode().activeElement === el));
    await yubei.locator('.qx-embed').click({ position: { x: 5, y: 200 } });
    await page.keyboard.press('/');
    assert.ok(await yubei.getByTestId('search-input').evaluate((el) => el.getRootNode().activeElement === el));
    await screenshot(page, 'example-two-explorers');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('links made in an embed open the same view in the full app', { timeout: 90_000 }, async () => {
  const app = await openApp(browser, {
    path: 'examples/two-explorers.html',
    contextOptions: { permissions: ['clipboard-read', 'clipboard-write'] },
  });
  try {
    const { page } = app;
    const yubei = page.locator('quxian-explorer#yubei');
    await yubei.getByTestId('results-count').waitFor({ timeout: 30_000 });
    const href = await yubei.getByTestId('hit').first().locator('a').getAttribute('href');
    assert.ok(href.startsWith(appUrl('index.html?corpus=corpus-yubei.qx#/doc?v=1')), href);

    // Open the document inside the embed, then copy its link.
    await yubei.getByTestId('hit').first().locator('a').click();
    await yubei.getByTestId('reader').waitFor();
    await yubei.getByTestId('copy-link').click();
    await yubei.getByText('已复制').or(yubei.locator('.qx-copy-field')).first().waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, href, 'the copied link is the full app at the same view');

    const full = await openApp(browser, { path: copied.slice(appUrl('').length) });
    try {
      await full.page.getByTestId('reader').waitFor({ timeout: 30_000 });
      const p = /[?&]p=(\d+)/.exec(decodeURIComponent(copied))[1];
      assert.match(await full.page.locator(`#p-${p}`).getAttribute('class'), /qx-current/);
      await screenshot(full.page, 'embed-link-in-full-app');
      full.assertNoErrors();
    } finally {
      await full.close();
    }
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('host CSS does not leak into the explorer, nor the explorer CSS out', { timeout: 90_000 }, async () => {
  const reference = await openApp(browser);
  let expected;
  try {
    await waitReady(reference.page);
    expected = await reference.page.evaluate(() => ({
      app: getComputedStyle(document.querySelector('.qx-app')).fontSize,
      input: getComputedStyle(document.querySelector('[data-testid=search-input]')).fontSize,
    }));
  } finally {
    await reference.close();
  }
  const app = await openApp(browser, { path: 'examples/article.html' });
  try {
    const { page } = app;
    const explorer = page.locator('quxian-explorer');
    await explorer.getByTestId('results-count').waitFor({ timeout: 30_000 });
    assert.ok((await embedTotal(explorer)) > 0, 'the query and district attributes give results');
    await page.addStyleTag({ content: '* { font-size: 40px !important; line-height: 3 !important; letter-spacing: 1em !important; }' });
    const inside = await explorer.evaluate((el) => {
      const root = el.shadowRoot;
      const style = (sel) => getComputedStyle(root.querySelector(sel));
      return {
        app: style('.qx-app').fontSize,
        letterSpacing: style('.qx-app').letterSpacing,
        input: style('[data-testid=search-input]').fontSize,
        results: style('.qx-results').color,
      };
    });
    assert.equal(inside.app, expected.app, 'the explorer keeps its own font size');
    assert.equal(inside.input, expected.input, 'host `input { font-size }` does not reach the search box');
    assert.equal(inside.letterSpacing, 'normal');
    assert.notEqual(inside.results, 'rgb(185, 28, 28)', 'host .qx-results does not style the explorer');

    const outside = await page.evaluate(() => {
      const style = (sel) => getComputedStyle(document.querySelector(sel));
      return { result: style('.result').borderTopStyle, resultColor: style('.result').color, qx: style('div.qx-results').borderTopStyle };
    });
    assert.deepEqual(outside, { result: 'dashed', resultColor: 'rgb(185, 28, 28)', qx: 'dashed' }, 'host elements keep host styles');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('screenshots of the example pages', { timeout: 90_000 }, async () => {
  for (const [name, ready] of [
    ['article', async (p) => p.locator('quxian-explorer').getByTestId('results-count').waitFor({ timeout: 30_000 })],
    ['api', async (p) => p.locator('.api-hit').first().waitFor({ timeout: 30_000 })],
    ['index', async (p) => p.locator('h1').waitFor()],
  ]) {
    const app = await openApp(browser, { path: `examples/${name}.html` });
    try {
      await ready(app.page);
      if (name === 'api') assert.match(await app.page.locator('#status').innerText(), /共 [1-9]\d* 段匹配/);
      await screenshot(app.page, `example-${name}`);
      app.assertNoErrors();
    } finally {
      await app.close();
    }
  }
  const phone = await openApp(browser, { path: 'examples/article.html', viewport: 'phone' });
  try {
    await phone.page.locator('quxian-explorer').getByTestId('results-count').waitFor({ timeout: 30_000 });
    await screenshot(phone.page, 'example-article');
    phone.assertNoErrors();
  } finally {
    await phone.close();
  }
});

test('the single-file build finds results from file://', { timeout: 90_000 }, async () => {
  const file = join(DIST, 'quxian-single.html');
  assert.ok(existsSync(file), 'cargo xtask dist writes dist/quxian-single.html (the examples link to it)');
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.viewportName = 'desktop';
  const { watchErrors, assertNoErrors } = await import('./helpers.mjs');
  const errors = watchErrors(page);
  try {
    await page.goto(`${pathToFileURL(file).href}#/search?v=1&q=${encodeURIComponent('缙云山')}`);
    await page.getByTestId('results-count').waitFor({ timeout: 30_000 });
    assert.ok((await total(page)) > 0);
    const box = page.getByTestId('search-input');
    await box.fill('北碚');
    await page.waitForFunction(() => /[1-9]\d*\s*段匹配/.test(document.querySelector('[data-testid=results-count]')?.innerText ?? '')
      && document.querySelector('[data-testid=search-input]').value === '北碚');
    await screenshot(page, 'single-file');
    assertNoErrors(errors);
  } finally {
    await context.close();
  }
});

test('a 320 px embed lays out like a phone: nothing is cut or overflows sideways', { timeout: 60_000 }, async () => {
  const app = await openApp(browser, { path: 'examples/article.html' });
  try {
    const { page } = app;
    const explorer = page.locator('quxian-explorer');
    await explorer.getByTestId('results-count').waitFor({ timeout: 30_000 });
    await explorer.evaluate((el) => {
      el.style.display = 'block';
      el.style.width = '320px';
    });
    /** What sticks out of the explorer's box or is cut inside it (text wider than its box). */
    const problems = () => explorer.evaluate((el) => {
      const app = el.shadowRoot.querySelector('.qx-app');
      const out = [];
      if (app.scrollWidth > app.clientWidth) out.push(`.qx-app scrolls sideways: ${app.scrollWidth} > ${app.clientWidth}`);
      for (const n of app.querySelectorAll('.qx-stat dd, [data-testid=results-count], .qx-facet-count, h1:not(.qx-sr), h2:not(.qx-sr)')) {
        if (n.scrollWidth > n.clientWidth + 1) out.push(`${n.className || n.tagName} cut: "${n.textContent}"`);
      }
      return out;
    });
    assert.deepEqual(await problems(), [], 'results at 320 px');
    await explorer.screenshot({ path: join(SCREENSHOTS, 'embed-320-results.png') });
    await explorer.locator('.qx-brand').click();
    await explorer.getByTestId('overview').waitFor();
    assert.deepEqual(await problems(), [], 'overview at 320 px');
    const cue = await explorer.evaluate((el) => {
      const scroller = el.shadowRoot.querySelector('.qx-heat-scroll');
      const hint = el.shadowRoot.querySelector('.qx-heat-hint');
      return { scrolls: scroller.scrollWidth > scroller.clientWidth, hint: getComputedStyle(hint).display !== 'none' };
    });
    assert.deepEqual(cue, { scrolls: true, hint: true }, 'the heat map scrolls inside its box, and says so');
    await explorer.screenshot({ path: join(SCREENSHOTS, 'embed-320-overview.png') });
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

/** A host page of our own at examples/NAME (routed; the rest comes from dist/), opened. */
async function hostPage(name, html, contextOptions = {}) {
  const context = await browser.newContext({ ...VIEWPORTS.desktop, ...contextOptions });
  await context.route(`**/examples/${name}`, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(appUrl(`examples/${name}`));
  return { context, page, errors };
}

test('an embed keeps its box and direction under a strict CSP on a right-to-left page; its reader scrolls inside the box', { timeout: 90_000 }, async () => {
  // quxian's own CSP (no inline styles), a right-to-left host, the embed below a screen of
  // text, and an app-url that has a fragment of its own.
  const filler = Array.from({ length: 40 }, (_, i) => `<p>宿主页面的第 ${i + 1} 段文字。</p>`).join('\n');
  const html = `<!doctype html><html lang="zh-CN" dir="rtl"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'">
<script type="module" src="../quxian-embed.js"></script></head>
<body>${filler}
<quxian-explorer query="缙云山" height="420px" app-url="https://example.org/app/?x=1#old"></quxian-explorer>
${filler}</body></html>`;
  const { context, page, errors } = await hostPage('strict-host.html', html);
  try {
    const explorer = page.locator('quxian-explorer');
    await explorer.getByTestId('results-count').waitFor({ timeout: 30_000 });
    const box = await explorer.evaluate((el) => {
      const inner = getComputedStyle(el.shadowRoot.querySelector('.qx-embed'));
      return { height: el.getBoundingClientRect().height, overflow: inner.overflowY, direction: inner.direction };
    });
    assert.deepEqual(box, { height: 420, overflow: 'auto', direction: 'ltr' }, 'the shadow styles apply under the CSP');
    const link = await explorer.getByTestId('doc-title').first().getAttribute('href');
    assert.ok(link.startsWith('https://example.org/app/?x=1#/'), `the view's hash replaces app-url's: ${link}`);
    // The host scrolled so that the embed is partly on screen; opening a document scrolls
    // the explorer's own box to its passage, never the host page.
    await explorer.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 300));
    const hostScroll = await page.evaluate(() => window.scrollY);
    await explorer.getByTestId('hit').first().locator('a').first().click();
    await explorer.getByTestId('reader').waitFor();
    await page.waitForFunction(() => document.querySelector('quxian-explorer').shadowRoot.querySelector('.qx-embed').scrollTop > 0);
    assert.equal(await page.evaluate(() => window.scrollY), hostScroll, 'the host page did not move');
    assertNoErrors(errors);
  } finally {
    await context.close();
  }
});

test('the JS API refuses what it cannot use, in Chinese, takes an ArrayBuffer and pages with offset', { timeout: 60_000 }, async () => {
  const app = await openApp(browser, { path: 'examples/api.html' });
  try {
    const result = await app.page.evaluate(async () => {
      const m = await import('../pkg-api/quxian_wasm.js');
      await m.default();
      const buffer = await (await fetch('../corpus.qx')).arrayBuffer();
      const explorer = await m.Explorer.open(buffer);
      const refused = (f) => { try { f(); return 'accepted'; } catch (e) { return `${e instanceof Error}: ${e.message}`; } };
      const keys = (r) => r.hits.map((h) => `${h.doc}#${h.passage}`);
      const first = explorer.search('北碚', { limit: 3 });
      const next = explorer.search('北碚', { limit: 3, offset: 3 });
      const six = explorer.search('北碚', { limit: 6 });
      return {
        misspelt: refused(() => explorer.search('北碚', { limti: 5 })),
        number: refused(() => explorer.search(12345, {})),
        nothing: refused(() => explorer.search(null)),
        notBytes: refused(() => new m.Explorer('corpus.qx')),
        pages: [keys(first), keys(next), keys(six)],
      };
    });
    assert.match(result.misspelt, /^true: 搜索选项无效：没有“limti”这个选项（可用的有 district、/);
    assert.equal(result.number, 'true: 查询无效：应是文字（字符串），例如 "缙云山"');
    assert.equal(result.nothing, result.number);
    assert.match(result.notBytes, /^true: 无法打开语料：应传入 \.qx 文件的字节（Uint8Array 或 ArrayBuffer）/);
    const [first, next, six] = result.pages;
    assert.equal(first.length, 3);
    assert.deepEqual([...first, ...next], six, 'offset 3 is the next three passages');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('an embed\'s theme attribute fixes its theme whatever the system\'s', { timeout: 60_000 }, async () => {
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<script type="module" src="../quxian-embed.js"></script></head><body>
<quxian-explorer id="light" theme="light" query="缙云山" height="300px"></quxian-explorer>
<quxian-explorer id="dark" theme="dark" query="缙云山" height="300px"></quxian-explorer>
<quxian-explorer id="system" query="缙云山" height="300px"></quxian-explorer>
</body></html>`;
  for (const scheme of ['light', 'dark']) {
    const { context, page, errors } = await hostPage('themed.html', html, { colorScheme: scheme });
    try {
      const backgrounds = {};
      for (const id of ['light', 'dark', 'system']) {
        const explorer = page.locator(`quxian-explorer#${id}`);
        await explorer.getByTestId('results-count').waitFor({ timeout: 30_000 });
        backgrounds[id] = await explorer.evaluate((el) => getComputedStyle(el.shadowRoot.querySelector('.qx-app')).backgroundColor);
      }
      const [light, dark] = ['rgb(246, 247, 249)', 'rgb(17, 20, 24)'];
      assert.deepEqual(backgrounds, { light, dark, system: scheme === 'light' ? light : dark }, `system ${scheme}`);
      await screenshot(page, `embed-themes-${scheme}`);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  }
});
