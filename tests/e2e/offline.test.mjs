// Offline: after one visit the service worker has everything, so the app loads, searches
// and opens shared links with the network gone; a redeploy shows 有新版本，刷新 instead of
// mixing old and new files. Each test serves its own copy of dist/ (it rewrites files).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VIEWPORTS, assertNoErrors, launch, screenshot, watchErrors } from './helpers.mjs';
import { DIST, hash, search, total, waitReady } from './app-helpers.mjs';
import { copyDist, serveDir } from './static-server.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Opens `url` in a fresh context and waits until the service worker controls the page. */
async function firstVisit(url) {
  const context = await browser.newContext(VIEWPORTS.desktop);
  const page = await context.newPage();
  page.viewportName = 'desktop';
  const errors = watchErrors(page);
  await page.goto(url);
  await waitReady(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  return { context, page, errors };
}

function buildVersion(dir) {
  return JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')).version;
}

test('sw.js carries the build version and precaches the app, not the import', () => {
  const sw = readFileSync(join(DIST, 'sw.js'), 'utf8');
  const build = JSON.parse(readFileSync(join(DIST, 'build.json'), 'utf8'));
  assert.match(build.version, /^[0-9a-f]{16}$/);
  assert.ok(sw.includes(`"version": "${build.version}"`), 'sw.js holds the version from build.json');
  // Everything a page loads later comes from its own build: the import worker and the
  // library module are precached with the app.
  for (const f of ['./', 'index.html', 'app.js', 'styles.css', 'pkg/quxian_web.js', 'pkg/quxian_web_bg.wasm', 'corpus.qx', 'manifest.webmanifest', 'quxian-embed.js', 'quxian-library.js', 'import-worker.js']) {
    assert.ok(build.files.includes(f), `${f} is precached`);
  }
  for (const f of build.files) {
    assert.ok(!/^(import|jieba|examples|pkg-api|pkg-site)\//.test(f) && f !== 'sw.js', `${f} must not be precached`);
  }
  const manifest = JSON.parse(readFileSync(join(DIST, 'manifest.webmanifest'), 'utf8'));
  assert.equal(manifest.lang, 'zh-CN');
  assert.equal(manifest.start_url, './');
  assert.equal(manifest.display, 'standalone');
  assert.ok(manifest.icons.some((i) => i.sizes === '512x512' && i.type === 'image/png'));
});

test('after one visit the app loads, searches and opens a shared link offline', { timeout: 90_000 }, async () => {
  const copy = copyDist(DIST);
  const server = await serveDir(copy.dir);
  const { context, page, errors } = await firstVisit(server.url);
  try {
    // Make a shared link while online.
    await search(page, '缙云山');
    await page.getByTestId('hit').first().locator('a').click();
    await page.getByTestId('reader').waitFor();
    const shared = page.url();
    const p = /[?&]p=(\d+)/.exec(await hash(page))[1];

    await context.setOffline(true);
    await page.reload();
    await waitReady(page);
    await page.getByTestId('reader').waitFor();
    await search(page, '北碚');
    assert.ok((await total(page)) > 0, 'searching works offline');
    await screenshot(page, 'offline-search');

    // The shared link, in a new tab, offline: same document, scrolled to the passage.
    const tab = await context.newPage();
    tab.viewportName = 'desktop';
    const tabErrors = watchErrors(tab);
    await tab.goto(shared);
    await tab.getByTestId('reader').waitFor({ timeout: 30_000 });
    const current = tab.locator(`#p-${p}`);
    assert.match(await current.getAttribute('class'), /qx-current/, 'the linked passage is highlighted');
    await screenshot(tab, 'offline-shared-link');
    assertNoErrors(tabErrors);
    assertNoErrors(errors);
  } finally {
    await context.close();
    await server.close();
    copy.remove();
  }
});

test('a redeploy shows 有新版本，刷新 and the button switches every tab to the new version', { timeout: 90_000 }, async () => {
  const copy = copyDist(DIST);
  const server = await serveDir(copy.dir);
  const { context, page, errors } = await firstVisit(server.url);
  try {
    // A second tab of the site, open before the redeploy.
    const other = await context.newPage();
    other.viewportName = 'desktop';
    const otherErrors = watchErrors(other);
    await other.goto(`${server.url}#/search?v=1&q=北碚`);
    await waitReady(other);
    const old = buildVersion(copy.dir);
    assert.equal(await page.locator('.qx-update').count(), 0, 'no prompt on the first visit');
    // Redeploy: a changed stylesheet and a service worker with a new version.
    const next = 'feedfacefeedface';
    writeFileSync(join(copy.dir, 'styles.css'), `${readFileSync(join(copy.dir, 'styles.css'), 'utf8')}\n/* redeployed */\n`);
    const sw = readFileSync(join(copy.dir, 'sw.js'), 'utf8').replace(`"version": "${old}"`, `"version": "${next}"`);
    assert.ok(sw.includes(next), 'the version was rewritten');
    writeFileSync(join(copy.dir, 'sw.js'), sw);

    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    const button = page.getByRole('button', { name: '有新版本，刷新' });
    await button.waitFor({ timeout: 30_000 });
    // Until the button is pressed the page still runs on the old cache.
    assert.ok(await page.evaluate((v) => caches.has(`quxian-${v} /`), old));
    await screenshot(page, 'update-prompt');

    // Both tabs reload: the other one must not go on running old code over the new cache.
    await Promise.all([page.waitForEvent('load'), other.waitForEvent('load'), button.click()]);
    await waitReady(page);
    await waitReady(other);
    const otherCss = await other.evaluate(async () => (await fetch('styles.css')).text());
    assert.ok(otherCss.includes('/* redeployed */'), 'the other tab runs the new version');
    assert.ok((await hash(other)).includes('q=北碚'), 'the other tab keeps its view');
    assertNoErrors(otherErrors);
    const caches_ = await page.evaluate(() => caches.keys());
    assert.deepEqual(caches_, [`quxian-${next} /`], 'only the new cache is left');
    const css = await page.evaluate(async () => (await fetch('styles.css')).text());
    assert.ok(css.includes('/* redeployed */'), 'the new files are served');
    assert.equal(await page.locator('.qx-update').count(), 0, 'no prompt after the update');
    assertNoErrors(errors);
  } finally {
    await context.close();
    await server.close();
    copy.remove();
  }
});

test('after one import online, the next import works offline', { timeout: 180_000 }, async () => {
  const copy = copyDist(DIST);
  const server = await serveDir(copy.dir);
  const { context, page, errors } = await firstVisit(server.url);
  const importOne = async (name) => {
    await page.getByTestId('corpus-switcher').click();
    await page.getByTestId('open-import').click();
    await page.getByTestId('library-dialog').waitFor();
    const text = `${name}\n\n北碚区缙云山国家级自然保护区的生态环境持续改善，游客越来越多。\n`;
    await page.getByTestId('import-files').setInputFiles([
      { name: `${name}.txt`, mimeType: 'text/plain', buffer: Buffer.from(text, 'utf8') },
    ]);
    await page.getByTestId('import-report').waitFor({ timeout: 120_000 });
    return page.getByTestId('import-summary').innerText();
  };
  try {
    assert.match(await importOne('在线导入'), /导入 1 篇文档/);
    await context.setOffline(true);
    await page.reload();
    await waitReady(page);
    assert.match(await importOne('离线导入'), /导入 1 篇文档/, 'the import runs with the network gone');
    await screenshot(page, 'offline-import');
    assertNoErrors(errors);
  } finally {
    await context.close();
    await server.close();
    copy.remove();
  }
});

test('a library opened by pieces once online opens by pieces offline, its search and reader too', { timeout: 180_000 }, async () => {
  const copy = copyDist(DIST);
  const server = await serveDir(copy.dir);
  const { context, page, errors } = await firstVisit(server.url);
  try {
    await page.getByTestId('corpus-switcher').click();
    await page.getByTestId('open-import').click();
    const text = (title) => `${title}\n\n北碚区缙云山国家级自然保护区的生态环境持续改善，游客越来越多。\n\n渝北区的数字经济发展很快。\n`;
    await page.getByTestId('import-files').setInputFiles(['缙云山', '数字经济'].map((name) => (
      { name: `${name}.txt`, mimeType: 'text/plain', buffer: Buffer.from(text(name), 'utf8') })));
    await page.getByTestId('import-report').waitFor({ timeout: 120_000 });
    await page.getByTestId('library-save').click();
    await page.getByTestId('library-dialog').waitFor({ state: 'detached' });
    await waitReady(page);
    const openBySite = async () => {
      await page.getByTestId('corpus-switcher').click();
      await page.getByTestId('open-manage').click();
      await page.getByTestId('library-open-site').first().click();
      await page.waitForURL(/site\.html\?library=/);
      await page.waitForFunction(() => /段匹配/.test(document.getElementById('status').textContent) || document.getElementById('status').className === 'error');
    };
    const searchSite = async (query) => {
      await page.fill('#q', query);
      await page.press('#q', 'Enter');
      await page.waitForFunction((q) => new URLSearchParams(location.hash.slice(1)).get('q') === q
        && /段匹配|没有找到/.test(document.getElementById('status').textContent), query);
      return page.locator('#status').innerText();
    };
    // Offline before the search page was ever opened: a message in the row, and the app stays.
    await context.setOffline(true);
    await page.getByTestId('corpus-switcher').click();
    await page.getByTestId('open-manage').click();
    await page.getByTestId('library-open-site').first().click();
    const error = page.locator('.qx-library-error');
    await error.waitFor({ timeout: 60_000 });
    assert.match(await error.innerText(), /^无法打开检索页（site\.html）：现在离线，而本机还没有保存过它。请联网后再点“分片打开”/);
    assert.ok(!page.url().includes('site.html'), 'the tab stays in the app');
    await context.setOffline(false);
    await page.keyboard.press('Escape');

    await openBySite();
    assert.match(await searchSite('缙云山'), /^2 篇文档 · 2 段匹配/);
    await page.goto(server.url);
    await waitReady(page);

    await context.setOffline(true);
    await page.reload();
    await waitReady(page);
    await openBySite();
    assert.match(await searchSite('数字经济'), /^2 篇文档 · 2 段匹配/, 'a new query reads its pieces from IndexedDB');
    await page.locator('#hits h2 a').first().click();
    await page.waitForFunction(() => !document.getElementById('reader').hidden
      && /渝北区的数字经济发展很快/.test(document.getElementById('reader').textContent));
    await screenshot(page, 'offline-library-site');
    assertNoErrors(errors);
  } finally {
    await context.close();
    await server.close();
    copy.remove();
  }
});

test('sub-path deployment: the app, its service worker and an embed work under /sub/path/', { timeout: 90_000 }, async () => {
  const server = await serveDir(DIST, { prefix: '/sub/path/' });
  try {
    const { context, page, errors } = await firstVisit(`${server.url}#/search?v=1&q=缙云山`);
    try {
      assert.ok((await total(page)) > 0);
      const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).scope);
      assert.equal(scope, server.url);
      await page.goto(`${server.url}examples/article.html`);
      const count = page.locator('quxian-explorer').getByTestId('results-count');
      await count.waitFor({ timeout: 30_000 });
      assert.match(await count.innerText(), /[1-9]\d*\s*段匹配/);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  } finally {
    await server.close();
  }
});
