// 分片打开: a library imported in the app is written as a site index into IndexedDB and
// searched by the site page piece by piece (site.html?library=ID), as big libraries are.
// Its answers must be the CLI's on a bundle of the same documents; a stored piece that goes
// missing gives a Chinese message and is written again by the next 分片打开; deleting the
// library deletes its pieces. The console stays clean throughout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openApp, screenshot } from './helpers.mjs';
import { REPO, waitReady } from './app-helpers.mjs';

const ARCHIVE = process.env.QUXIAN_ARCHIVE ?? join(REPO, 'target/e2e-archive');
const CLI = process.env.QUXIAN_CLI ?? join(REPO, 'target/release/quxian');
const NAME = '生成的档案';

let browser;
let work;
before(async () => {
  browser = await launch();
  work = mkdtempSync(join(tmpdir(), 'quxian-library-site-'));
  execFileSync(CLI, ['build', ARCHIVE, '-o', join(work, 'same.qx')]);
});
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** `quxian search --json` on a bundle of the same documents. */
function cliSearch(query) {
  const out = execFileSync(CLI, ['search', join(work, 'same.qx'), query, '--json', '--limit', '100000']);
  return JSON.parse(out.toString());
}

async function openManage(page) {
  await page.getByTestId('corpus-switcher').click();
  await page.getByTestId('open-manage').click();
  await page.getByTestId('library-dialog').waitFor();
}

/** Imports the archive through the app's dialog and saves it as NAME. */
async function importArchive(page) {
  await page.getByTestId('corpus-switcher').click();
  await page.getByTestId('open-import').click();
  const files = readdirSync(ARCHIVE).filter((f) => f.endsWith('.txt')).map((f) => join(ARCHIVE, f));
  await page.getByTestId('import-files').setInputFiles(files);
  await page.getByTestId('import-report').waitFor({ timeout: 120_000 });
  await page.getByTestId('library-name').fill(NAME);
  await page.getByTestId('library-save').click();
  await page.getByTestId('library-dialog').waitFor({ state: 'detached' });
  await waitReady(page);
}

/** Clicks the library's 分片打开 and waits for the site page to show the library. */
async function openAsSite(page) {
  await openManage(page);
  const row = page.getByTestId('library-row').filter({ hasText: NAME });
  await row.getByTestId('library-open-site').click();
  await page.waitForURL(/site\.html\?library=/, { timeout: 120_000 });
  await page.waitForFunction((name) => document.querySelector('h1')?.textContent === name, NAME);
}

/** Searches in the site page like a user; its status line, once the counts are in. */
async function siteSearch(page, query) {
  await page.fill('#q', query);
  await page.press('#q', 'Enter');
  await page.waitForFunction((q) => new URLSearchParams(location.hash.slice(1)).get('q') === q
    && !/搜索中/.test(document.getElementById('status').textContent)
    && !document.getElementById('hits').hasAttribute('aria-busy')
    && document.getElementById('facets').getAttribute('aria-busy') !== 'true', query, { timeout: 30_000 });
  return page.locator('#status').innerText();
}

/** The IndexedDB keys of a library's pieces. */
function storedPieces(page, id) {
  return page.evaluate((id) => new Promise((resolve, reject) => {
    const open = indexedDB.open('quxian');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const request = open.result.transaction('pieces').objectStore('pieces')
        .getAllKeys(IDBKeyRange.bound([id], [id, []]));
      request.onsuccess = () => {
        open.result.close();
        resolve(request.result.map(([, name]) => name));
      };
    };
  }), id);
}

test('分片打开: the site page searches a stored library as the CLI does, and heals a missing piece', { timeout: 300_000 }, async () => {
  const app = await openApp(browser);
  const { page } = app;
  await waitReady(page);
  await importArchive(page);
  await openAsSite(page);
  const id = new URL(page.url()).searchParams.get('library');
  const pieces = await storedPieces(page, id);
  assert.ok(pieces.includes('site.qxs') && pieces.length > 20, `pieces stored: ${pieces.length}`);
  // Every piece the index names is stored.
  const named = await page.evaluate(async (id) => {
    const [m, lib] = await Promise.all([import('./pkg-site/quxian_wasm.js'), import('./quxian-library.js')]);
    await m.default();
    const explorer = await m.SiteExplorer.open('', undefined, (name) => lib.readLibraryPiece(id, name));
    return explorer.pieceNames();
  }, id);
  assert.deepEqual([...named, 'site.qxs'].sort(), [...pieces].sort());
  // Nothing is asked of the host's ./quxian/: the app has no site there.
  const hostPieces = [];
  page.on('request', (r) => { if (r.url().includes('/quxian/')) hostPieces.push(r.url()); });

  for (const query of ['重庆', '"缙云山"', '发展 -重庆', '区县']) {
    const status = await siteSearch(page, query);
    const cli = cliSearch(query);
    const expected = cli.total === 0 ? '没有找到' : `${cli.total_docs.toLocaleString('zh-CN')} 篇文档 · ${cli.total.toLocaleString('zh-CN')} 段匹配`;
    assert.ok(status.startsWith(expected), `${query}: ${status} / CLI ${expected}`);
    const docs = await page.$$eval('#hits h2 a', (links) => links.map((a) => new URLSearchParams(a.hash.slice(1)).get('doc')));
    assert.deepEqual(docs, [...new Set(cli.hits.map((h) => h.key))].slice(0, 10), `best documents of ${query}`);
    const districts = await page.$$eval('#facets fieldset:first-child label', (labels) => Object.fromEntries(
      labels.map((l) => [l.querySelector('input').value, Number(l.querySelector('.count').textContent.replace(/,/g, ''))])));
    assert.deepEqual(districts, cli.facets.district, `district counts of ${query}`);
  }
  await screenshot(page, 'library-site');

  // A document opens from its result and Back returns; a reload keeps the view.
  await page.locator('#hits h2 a').first().click();
  await page.waitForSelector('#reader:not([hidden]) p');
  await page.goBack();
  await page.waitForSelector('#hits h2');
  await page.reload();
  await page.waitForFunction(() => /段匹配/.test(document.getElementById('status').textContent));
  assert.equal(await page.inputValue('#q'), '区县');
  assert.deepEqual(hostPieces, []);
  app.assertNoErrors();

  // Pieces go missing (the gram buckets): the next query says so in Chinese and what to do;
  // the library's pieces are then dropped, and 分片打开 writes them again.
  const grams = pieces.filter((name) => name.startsWith('g-'));
  await page.evaluate(({ id, grams }) => new Promise((resolve) => {
    const open = indexedDB.open('quxian');
    open.onsuccess = () => {
      const tx = open.result.transaction('pieces', 'readwrite');
      for (const name of grams) tx.objectStore('pieces').delete([id, name]);
      tx.oncomplete = () => { open.result.close(); resolve(); };
    };
  }), { id, grams });
  await page.reload();
  // (The view's search, 区县, needs them.)
  await page.waitForFunction(() => /分片索引/.test(document.getElementById('status').textContent));
  assert.match(await page.locator('#status').innerText(),
    /^本机文档库的分片索引缺少文件 g-\S+：请回到文档库，再点“分片打开”重新建立（文档库本身没有受影响）$/);
  // The next query (its pieces now deleted by this page) says the same, not "updated".
  assert.match(await siteSearch(page, '嘉陵江'), /^本机文档库的分片索引缺少文件 \S+：请回到文档库，再点“分片打开”重新建立/);
  await page.waitForFunction(async (id) => (await import('./quxian-library.js')).librarySiteInfo(id).then((i) => i.site === null), id);
  await page.getByRole('link', { name: '← 返回区县应用' }).click();
  await waitReady(page);
  await openAsSite(page);
  assert.deepEqual(await storedPieces(page, id), pieces, 'the same pieces are written again');
  assert.match(await siteSearch(page, '缙云山'), /段匹配/);
  app.assertNoErrors();

  // Deleting the library deletes its pieces.
  await page.getByRole('link', { name: '← 返回区县应用' }).click();
  await waitReady(page);
  await openManage(page);
  const row = page.getByTestId('library-row').filter({ hasText: NAME });
  await row.getByTestId('library-delete').click();
  await row.getByTestId('library-delete-confirm').click();
  await row.waitFor({ state: 'detached' });
  assert.deepEqual(await storedPieces(page, id), []);
  // Its link now says so, with the way back.
  await page.goto(new URL(`site.html?library=${id}#q=缙云山`, page.url()).href);
  await page.waitForFunction(() => document.getElementById('status').className === 'error');
  assert.match(await page.locator('#status').innerText(), /^找不到这个文档库：它可能已被删除/);
  assert.equal(await page.getByRole('link', { name: '← 返回区县应用' }).count(), 1);
  await app.context.close();
});

test('a big import is offered 保存并分片打开, which saves it and opens it by pieces', { timeout: 300_000 }, async () => {
  // 19 MB of JSONL, over 16 MiB of text (the documents' text is what counts, not the
  // JSON around it): the archive's documents many times over, each copy told apart.
  const docs = readdirSync(ARCHIVE).filter((f) => f.endsWith('.txt')).sort()
    .map((f) => readFileSync(join(ARCHIVE, f), 'utf8'));
  const lines = [];
  for (let copy = 1; Buffer.byteLength(lines.join('\n')) < 19_000_000; copy++) {
    docs.forEach((text, i) => {
      const [title, ...body] = text.split('\n');
      lines.push(JSON.stringify({ title: `${title}（${copy}）`, text: `第 ${copy} 份第 ${i} 篇。\n${body.join('\n')}` }));
    });
  }
  const file = join(work, 'big.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  execFileSync(CLI, ['build', file, '-o', join(work, 'big.qx')]);

  const app = await openApp(browser);
  const { page } = app;
  await waitReady(page);
  await page.getByTestId('corpus-switcher').click();
  await page.getByTestId('open-import').click();
  await page.getByTestId('import-files').setInputFiles([file]);
  await page.getByTestId('import-report').waitFor({ timeout: 120_000 });
  assert.match(await page.getByTestId('big-import-hint').innerText(), /保存并分片打开/);
  await screenshot(page, 'big-import-report');
  await page.getByTestId('library-name').fill('大档案');
  await page.getByTestId('library-save-site').click();
  await page.waitForURL(/site\.html\?library=/, { timeout: 120_000 });
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === '大档案');
  const status = await siteSearch(page, '缙云山');
  const cli = JSON.parse(execFileSync(CLI, ['search', join(work, 'big.qx'), '缙云山', '--json', '--limit', '10']).toString());
  assert.ok(status.startsWith(`${cli.total_docs.toLocaleString('zh-CN')} 篇文档 · ${cli.total.toLocaleString('zh-CN')} 段匹配`), status);
  // Back in the app, a library this big has 分片打开 as its main button.
  await page.getByRole('link', { name: '← 返回区县应用' }).click();
  await waitReady(page);
  await openManage(page);
  const row = page.getByTestId('library-row').filter({ hasText: '大档案' });
  assert.match(await row.getByTestId('library-open-site').getAttribute('class'), /qx-button-primary/);
  // 分片打开 with the pieces to write, then Esc: the pieces are written all the same, but the
  // closed dialog is not followed, seconds later, by the tab leaving for the site page.
  const id = await page.evaluate(async () => (await (await import('./quxian-library.js')).listLibraries())
    .find((l) => l.name === '大档案').id);
  await page.evaluate(async (id) => (await import('./quxian-library.js')).forgetLibrarySite(id), id);
  // Every progress line shown while the pieces are written.
  await page.evaluate(() => {
    window.progressLines = [];
    new MutationObserver(() => {
      const line = document.querySelector('[data-testid="library-site-progress"]')?.textContent;
      if (line && line !== window.progressLines.at(-1)) window.progressLines.push(line);
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  await row.getByTestId('library-open-site').click();
  await page.getByTestId('library-site-progress').waitFor();
  // Reading the library, then the write's steps (one pass over the grams and three more).
  await page.waitForFunction(() => window.progressLines.some((l) => /第 \d 步，共 4 步/.test(l)));
  await page.keyboard.press('Escape');
  await page.getByTestId('library-dialog').waitFor({ state: 'detached' });
  await page.waitForFunction(async (id) => (await (await import('./quxian-library.js')).librarySiteInfo(id)).site !== null,
    id, { timeout: 120_000, polling: 200 });
  await page.waitForTimeout(1000);
  assert.ok(!page.url().includes('site.html'), `still in the app: ${page.url()}`);
  const progress = await page.evaluate(() => window.progressLines);
  assert.equal(progress[0], '正在建立分片索引：正在读取文档库…');
  assert.ok(progress.slice(1).every((l) => /^正在建立分片索引：第 [1-4] 步，共 4 步；已保存 \d+ 个文件，[\d.]+ (B|KB|MB)…$/.test(l)), progress.join('\n'));
  await openManage(page);
  await row.getByTestId('library-open-site').click();
  await page.waitForURL(/site\.html\?library=/);
  app.assertNoErrors();
  await app.context.close();
});

/** Resolves with the library's id once the app has saved the archive as NAME. */
async function savedArchive(page) {
  await importArchive(page);
  return /[?&]lib=([^&]+)/.exec(decodeURIComponent(await page.evaluate(() => location.hash)))[1];
}

test('pieces being written stop, and none stay, when the library is deleted or re-annotated meanwhile', { timeout: 300_000 }, async () => {
  const app = await openApp(browser);
  const { page } = app;
  await waitReady(page);
  const id = await savedArchive(page);
  const outcome = await page.evaluate(async (id) => {
    const lib = await import('./quxian-library.js');
    const bundle = await lib.loadLibrary(id);
    const copy = () => lib.saveLibrary({ name: '副本', bundle: bundle.slice(), report: { documents: 300 } });
    const piecesOf = (key) => new Promise((resolve) => {
      const open = indexedDB.open('quxian');
      open.onsuccess = () => {
        const request = open.result.transaction('pieces').objectStore('pieces').count(IDBKeyRange.bound([key], [key, []]));
        request.onsuccess = () => { open.result.close(); resolve(request.result); };
      };
    });
    /** As another tab's 重新标注 leaves the library: a new revision, no pieces. */
    const reannotatedElsewhere = (key) => new Promise((resolve) => {
      const open = indexedDB.open('quxian');
      open.onsuccess = () => {
        const tx = open.result.transaction(['libraries', 'pieces'], 'readwrite');
        const get = tx.objectStore('libraries').get(key);
        get.onsuccess = () => {
          const { site, ...record } = get.result;
          tx.objectStore('libraries').put({ ...record, revision: (record.revision ?? 0) + 1 });
          tx.objectStore('pieces').delete(IDBKeyRange.bound([key], [key, []]));
        };
        tx.oncomplete = () => { open.result.close(); resolve(); };
      };
    });
    const during = async (key, change) => {
      let changing = null;
      try {
        await lib.openLibrarySite(key, { onProgress: () => { changing ??= change(key); } });
        return { message: 'resolved' };
      } catch (error) {
        await changing;
        return { message: error.message, pieces: await piecesOf(key), info: await lib.librarySiteInfo(key) };
      }
    };
    const deleted = await during(await copy(), (key) => lib.deleteLibrary(key));
    const reannotated = await during(await copy(), reannotatedElsewhere);
    // A second 分片打开 of a library being written (another tab, or the row drawn anew)
    // waits for the first instead of deleting its pieces: both open the same pieces.
    const twice = await copy();
    let second = null;
    const first = lib.openLibrarySite(twice, { onProgress: () => { second ??= lib.openLibrarySite(twice); } });
    const both = await Promise.allSettled([first, (async () => { await first.catch(() => {}); return second; })()]);
    const twiceOpened = { outcomes: both.map((o) => o.status), pieces: await piecesOf(twice), site: (await lib.librarySiteInfo(twice)).site };
    // The stopped writes leave the import engine able to write the next library.
    const next = await copy();
    const late = new Promise((resolve) => { setTimeout(() => resolve('no answer in 60 s'), 60_000); });
    const third = await Promise.race([lib.openLibrarySite(next).then(() => 'written'), late]);
    return { deleted, reannotated, twiceOpened, third };
  }, id);
  assert.match(outcome.deleted.message, /^找不到这个文档库/);
  assert.equal(outcome.deleted.pieces, 0, 'a deleted library keeps no pieces');
  assert.match(outcome.reannotated.message, /在另一个标签页中被重新标注了：请再点“分片打开”/);
  assert.equal(outcome.reannotated.pieces, 0, 'the abandoned pieces are deleted');
  assert.equal(outcome.reannotated.info.site, null, 'and the library is not marked as having pieces');
  assert.deepEqual(outcome.twiceOpened.outcomes, ['fulfilled', 'fulfilled']);
  assert.equal(outcome.twiceOpened.pieces, outcome.twiceOpened.site?.pieces, 'every piece of the site is stored');
  assert.equal(outcome.third, 'written');
  app.assertNoErrors();
  await app.context.close();
});

test('a tab reading old pieces after the library was re-annotated elsewhere asks for a refresh, and leaves the new pieces', { timeout: 300_000 }, async () => {
  const app = await openApp(browser);
  const { page } = app;
  await waitReady(page);
  const id = await savedArchive(page);
  await openAsSite(page);
  await siteSearch(page, '重庆');
  // Another tab re-annotates the library (with one more topic) and opens it by pieces again.
  const other = await app.context.newPage();
  await other.goto(new URL('import-demo.html', page.url()).href);
  const site = await other.evaluate(async (id) => {
    const lib = await import('./quxian-library.js');
    const { topics } = await lib.defaultData();
    await lib.reannotateLibrary(id, { topics: `${topics}\n测试主题 缙云山\n` });
    await lib.openLibrarySite(id);
    return (await lib.librarySiteInfo(id)).site;
  }, id);
  assert.match(await siteSearch(page, '嘉陵江'), /^这个文档库已经更新（重新标注了，或重建了分片索引，也许是在另一个标签页中）：请刷新页面$/);
  assert.deepEqual((await page.evaluate(async (id) => (await import('./quxian-library.js')).librarySiteInfo(id), id)).site, site,
    'the new pieces stay');
  assert.equal((await storedPieces(page, id)).length, site.pieces);
  await page.reload();
  assert.match(await siteSearch(page, '缙云山'), /段匹配/);
  assert.ok(await page.locator('#facets').getByText('测试主题').count() > 0, 'the new topic is counted');
  app.assertNoErrors();
  await app.context.close();
});

test('no room for the pieces: one Chinese message, nothing half-written, the library kept', { timeout: 300_000 }, async () => {
  const app = await openApp(browser, { contextOptions: { serviceWorkers: 'block' } });
  const { page } = app;
  // A quota for the origin before it stores anything: room for the library, not its pieces.
  const cdp = await app.context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: 1_500_000 });
  // Once the first load's requests are done: a reload aborts the icon still being fetched
  // (net::ERR_ABORTED, a failed request; seen once in CI).
  await page.waitForLoadState('networkidle');
  await page.reload();
  await waitReady(page);
  const id = await savedArchive(page);
  await openManage(page);
  const row = page.getByTestId('library-row').filter({ hasText: NAME });
  await row.getByTestId('library-open-site').click();
  const error = row.locator('.qx-library-error');
  await error.waitFor({ timeout: 60_000 });
  assert.match(await error.innerText(), /^存储空间不足：浏览器没有足够的空间保存分片索引（约需 [\d.]+ MB）。文档库本身没有受影响；请删除不用的文档库后再试$/);
  assert.deepEqual(await storedPieces(page, id), []);
  await screenshot(page, 'library-site-no-room');
  app.assertNoErrors();
  await app.context.close();
});
