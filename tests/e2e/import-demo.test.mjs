// In-browser import (crates/import in a Web Worker, libraries in IndexedDB), driven through
// the standalone test page import-demo.html: mixed encodings, a binary file and a duplicate
// give an exact report; the new library is searchable with a district filter, survives a
// reload, exports as .qx, re-imports, and deletes. The console must stay clean throughout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { launch, openApp, screenshot } from './helpers.mjs';
import { DIST, REPO, gbk, utf16le, zipArchive } from './app-helpers.mjs';
import { copyDist, serveDir } from './static-server.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const BEIBEI = '北碚生态建设\n\n缙云山国家级自然保护区的生态环境持续改善。\n\n北碚区发展生态旅游。\n';
const YUBEI = '渝北产业发展\n\n渝北区的数字经济发展很快，生态环境也在改善。\n';

async function libraryNames(page) {
  return page.$$eval('#libraries tbody .lib-name', (cells) => cells.map((c) => c.textContent));
}

async function search(page, q, district) {
  await page.fill('#search-q', q);
  await page.selectOption('#search-district', district);
  await page.click('#search-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#search-summary').textContent.startsWith('找到'));
  return page.$$eval('#results li .title', (items) => items.map((i) => i.textContent));
}

test('import files in the browser, search, keep, export, re-import and delete a library', { timeout: 180_000 }, async () => {
  const app = await openApp(browser, { path: 'import-demo.html' });
  const { page } = app;
  page.on('dialog', (dialog) => dialog.accept(dialog.type() === 'prompt' ? '我的北碚资料' : undefined));
  try {
    await app.waitForText('还没有文档库');
    const seenProgress = page.waitForSelector('#progress-box:not([hidden])', { timeout: 30_000 });
    await page.setInputFiles('#files', [
      { name: '北碚.txt', mimeType: 'text/plain', buffer: gbk(BEIBEI) },
      { name: '渝北.txt', mimeType: 'text/plain', buffer: utf16le(YUBEI) },
      { name: '数据.txt', mimeType: 'text/plain', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3]) },
      { name: '北碚副本.txt', mimeType: 'text/plain', buffer: Buffer.from(BEIBEI, 'utf8') },
    ]);
    await seenProgress;
    await app.waitForText('已保存文档库', 120_000);

    const summary = await page.textContent('#report-summary');
    assert.match(summary, /共 4 个文件/, summary);
    assert.match(summary, /导入 2 篇文档/, summary);
    const skipped = await page.$$eval('#skipped tbody tr', (rows) =>
      rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.deepEqual(skipped, [
      ['数据.txt', '二进制文件，不是文字：请导入 .txt、.md、.html、.jsonl 或 .zip'],
      ['北碚副本', '与 北碚 内容重复'],
    ]);
    const titles = await page.$$eval('#skipped tbody td[title]', (cells) => cells.map((c) => c.title));
    assert.deepEqual(titles, ['binary', 'duplicate'], 'the typed kind of each reason');

    // Search the new library, with and without a district filter.
    await page.waitForSelector('#search-box:not([hidden])');
    const beibei = await search(page, '生态', '北碚');
    assert.ok(beibei.length >= 1 && beibei.every((t) => t === '北碚生态建设'), JSON.stringify(beibei));
    const yubei = await search(page, '生态', '渝北');
    assert.ok(yubei.length >= 1 && yubei.every((t) => t === '渝北产业发展'), JSON.stringify(yubei));
    const all = await search(page, '生态', '');
    assert.deepEqual(new Set(all), new Set(['北碚生态建设', '渝北产业发展']));
    await screenshot(page, 'import-demo');

    // Reload: the library is still there (IndexedDB), and renaming sticks.
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('#libraries:not([hidden])');
    assert.equal((await libraryNames(page)).length, 1);
    await page.click('#libraries tbody tr:first-child button:has-text("重命名")');
    await page.waitForFunction(() => document.querySelector('#libraries .lib-name')?.textContent === '我的北碚资料');

    // Export → a .qx download; import it again → a second library with the same documents.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#libraries tbody tr:first-child button:has-text("导出")'),
    ]);
    assert.equal(download.suggestedFilename(), '我的北碚资料.qx');
    const exported = await readFile(await download.path());
    assert.ok(exported.length > 100, `export is ${exported.length} bytes`);
    await page.fill('#name', '再次导入');
    await page.setInputFiles('#files', [{ name: '我的北碚资料.qx', mimeType: 'application/octet-stream', buffer: exported }]);
    await page.waitForFunction(() => document.querySelectorAll('#libraries tbody tr').length === 2, null, { timeout: 60_000 });
    assert.match(await page.textContent('#report-summary'), /共 1 个文件.*导入 2 篇文档/);
    assert.deepEqual(new Set(await libraryNames(page)), new Set(['我的北碚资料', '再次导入']));
    assert.deepEqual(new Set(await search(page, '缙云山', '北碚')), new Set(['北碚生态建设']));

    // Delete both.
    for (let left = 2; left > 0; left--) {
      await page.click('#libraries tbody tr:first-child button:has-text("删除")');
      await page.waitForFunction((n) => document.querySelectorAll('#libraries tbody tr').length === n - 1, left);
    }
    await app.waitForText('还没有文档库');
    await page.reload({ waitUntil: 'load' });
    await app.waitForText('还没有文档库');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('cancelling an import saves nothing', { timeout: 120_000 }, async () => {
  const app = await openApp(browser, { path: 'import-demo.html' });
  const { page } = app;
  try {
    await app.waitForText('还没有文档库');
    const files = Array.from({ length: 200 }, (_, i) => ({
      name: `文档${i}.txt`,
      mimeType: 'text/plain',
      buffer: Buffer.from(`第${i}篇\n\n${'北碚区的生态环境持续改善，缙云山保护成效显著。'.repeat(200)}${i}\n`),
    }));
    await page.setInputFiles('#files', files);
    await page.waitForSelector('#progress-box:not([hidden])');
    await page.click('#cancel');
    await app.waitForText('已取消导入', 30_000);
    assert.equal(await page.isHidden('#libraries'), true);
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('one JSONL file of thousands of documents reports progress inside it, with its exact size', { timeout: 120_000 }, async () => {
  const app = await openApp(browser, { path: 'import-demo.html' });
  const { page } = app;
  try {
    await app.waitForText('还没有文档库');
    const seen = await page.evaluate(async () => {
      const { importFiles } = await import('./quxian-library.js');
      const lines = Array.from({ length: 4000 }, (_, i) => JSON.stringify({
        title: `第${i}篇`,
        text: `北碚区第${i}次生态巡查。${'缙云山保护成效显著，嘉陵江水质持续向好。'.repeat(25)}`,
      }));
      const file = new File([lines.join('\n')], '档案.jsonl');
      const events = [];
      const { report } = await importFiles([file], { onProgress: (p) => events.push(p) });
      return { size: file.size, documents: report.documents, events };
    });
    assert.equal(seen.documents, 4000);
    const inside = seen.events.filter((e) => e.filesDone === 0 && e.bytesDone > 0 && e.bytesDone < e.bytesTotal);
    assert.ok(inside.length > 0, `progress inside the file: ${JSON.stringify(seen.events.slice(0, 5))}`);
    assert.ok(inside.every((e) => e.bytesTotal === seen.size && !e.bytesEstimated), 'the exact size from the start');
    const done = inside.map((e) => e.bytesDone);
    assert.deepEqual(done, [...done].sort((a, b) => a - b), 'never goes back');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test("a folder's hidden files and system clutter are left out, as a zip's are; a file chosen alone is kept", { timeout: 60_000 }, async () => {
  const app = await openApp(browser, { path: 'import-demo.html' });
  try {
    await app.waitForText('还没有文档库');
    const seen = await app.page.evaluate(async () => {
      const { importFiles } = await import('./quxian-library.js');
      const text = (t) => new Blob([`${t}\n北碚区缙云山生态保护成效显著。`]);
      const files = ['资料/报告.txt', '资料/.git/说明.txt', '资料/.DS_Store', '资料/__MACOSX/报告.txt',
        '资料/Thumbs.db', '.笔记.txt'].map((name) => new File([text(name)], name));
      const { report } = await importFiles(files);
      return { documents: report.documents, files: report.files, skipped: report.skipped.length };
    });
    assert.deepEqual(seen, { documents: 2, files: 2, skipped: 0 });
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

// The import wasm has no encoding or normalization tables of its own: GB18030 comes from the
// browser's TextDecoder, NFKC from String.prototype.normalize, HTML from html5gum. The same
// files must still give the library the CLI builds (encoding_rs and Rust's tables).
test('the browser import and the CLI build the same library from GBK, full-width and HTML files', { timeout: 180_000 }, async () => {
  const CLI = process.env.QUXIAN_CLI;
  if (!CLI) return;
  const files = [
    ['全角.txt', gbk('２０２６年ＧＤＰ统计\n\n北碚区２０２６年ＧＤＰ增长４．４％，“一城四地”建设——成效显著。\n')],
    ['网页.html', Buffer.from('<html><head><title>渝北&amp;两江</title><script>var x="<p>不要</p>"</script></head>'
      + '<body><p>渝北区数字经济&ldquo;加速跑&rdquo;&#65292;ＡＩ产业规模&gt;１００亿元。</p><p>空港&nbsp;新城</p></body></html>')],
    ['繁體.md', Buffer.from('# 縉雲山\n\n重慶北碚縉雲山的生態環境持續改善，遊客ｖｉｓｉｔ增多。\n')],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'quxian-same-'));
  const app = await openApp(browser, { path: 'import-demo.html' });
  try {
    for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
    const cliBundle = join(dir, 'cli.qx');
    execFileSync(CLI, ['build', dir, '-o', cliBundle], { stdio: ['ignore', 'ignore', 'inherit'] });
    const queries = ['GDP', '2026年', '4.4%', '一城四地', '渝北&两江', '加速跑', 'AI', '100亿元', '空港 新城', '缙云山', '生态环境', 'visit', '不要'];
    const seen = await app.page.evaluate(async ({ files, cli, queries }) => {
      const { importFiles } = await import('./quxian-library.js');
      const { bundle } = await importFiles(files.map(([name, bytes]) => new File([new Uint8Array(bytes)], name)));
      const api = await import('./pkg-api/quxian_wasm.js');
      await api.default();
      const answer = (explorer) => queries.map((q) => {
        const r = explorer.search(q, { limit: 20 });
        return [q, r.total, r.hits.map((h) => [h.doc, h.passage, h.title, h.text])];
      });
      return { imported: answer(new api.Explorer(bundle)), cli: answer(new api.Explorer(new Uint8Array(cli))) };
    }, { files: files.map(([name, bytes]) => [name, [...bytes]]), cli: [...readFileSync(cliBundle)], queries });
    assert.deepEqual(seen.imported, seen.cli);
    const found = Object.fromEntries(seen.cli.map(([q, total]) => [q, total]));
    for (const q of queries.filter((q) => q !== '不要')) assert.ok(found[q] > 0, `${q}: ${JSON.stringify(found)}`);
    assert.equal(found['不要'], 0, 'script text is not indexed');
    app.assertNoErrors();
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// The import worker adds files in order while a pool of helpers (prepare-worker.js)
// prepares later ones: the library must not depend on the pool's size, nor on a helper that
// never starts (its files are done by the import worker).
/** A JSONL archive of over 5 MB from `texts`, with a bad line, an empty document and a duplicate. */
function bigJsonl(texts) {
  const lines = [];
  for (let i = 0, bytes = 0; bytes < 5e6; i++) {
    const line = i === 700 ? '不是 JSON 的一行'
      : i === 900 ? JSON.stringify({ text: '\u200b' })
        : i === 1000 ? lines[10]
          : JSON.stringify({ title: `档案${i}`, text: `第${i}篇。${texts[i % texts.length]}` });
    lines.push(line);
    bytes += Buffer.byteLength(line) + 1;
  }
  return lines.join('\n');
}

test('a pool of helpers builds the same library as the import worker alone, even when a helper cannot load', { timeout: 180_000 }, async () => {
  const archiveDir = process.env.QUXIAN_ARCHIVE ?? join(REPO, 'target/e2e-archive');
  const archive = readdirSync(archiveDir).sort().map((name) => [name, [...readFileSync(join(archiveDir, name))]]);
  const files = [
    ...archive,
    ['副本.txt', archive[5][1]], // a duplicate of an earlier file: the first one keeps its key
    ['图.png', [0x89, 0x50, 0x4e, 0x47, 0, 0, 1]],
    ['空.txt', [...Buffer.from('  \n')]],
    ['档案.jsonl', [...Buffer.from('{"text": "潼南区柠檬产业链不断延伸。"}\n不是 JSON 的一行\n')]],
    ['gbk.txt', [...gbk('巴南区的乡村振兴。\n')]],
    // Over 4 MiB: its documents are prepared in batches (with a bad line, an empty document
    // and a duplicate inside). As text: a string crosses into the page much faster than bytes.
    ['大档案.jsonl', bigJsonl(archive.map(([, bytes]) => Buffer.from(bytes).toString('utf8')))],
    ...archive.slice(0, 20).map(([name, bytes]) => [`再来/${name}`, bytes]), // 20 more duplicates, late
  ];
  const importTwice = (page, helperRuns) => page.evaluate(async ({ files, helperRuns }) => {
    const { importFiles } = await import('./quxian-library.js');
    const out = [];
    for (const helpers of helperRuns) {
      const done = [];
      const { bundle, report, pool } = await importFiles(files.map(([name, bytes]) => new File([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], name)),
        { helpers, onFile: (f) => done.push(f.name) });
      const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bundle))].map((b) => b.toString(16).padStart(2, '0')).join('');
      out.push({ helpers, digest, report, pool, done });
    }
    return out;
  }, { files, helperRuns });
  const app = await openApp(browser, { path: 'import-demo.html' });
  let alone;
  try {
    const runs = await importTwice(app.page, [0, 1, 3]);
    alone = runs[0];
    assert.deepEqual(alone.pool, { helpers: 0, files: 0, batches: 0 });
    const big = alone.report.skipped.filter((s) => s.name.startsWith('大档案'));
    assert.deepEqual(big.map((s) => s.reason.kind), ['bad-record', 'no-text', 'duplicate'], JSON.stringify(big));
    assert.equal(alone.report.files, files.length);
    assert.ok(alone.report.skipped.some((s) => s.name === '副本' && s.reason.kind === 'duplicate'), JSON.stringify(alone.report.skipped));
    assert.deepEqual(alone.done, files.map(([name]) => name), 'file-done in file order');
    for (const run of runs.slice(1)) {
      assert.equal(run.pool.helpers, run.helpers);
      assert.ok(run.pool.files > 0 && run.pool.batches > 0, `helpers prepared files and batches: ${JSON.stringify(run.pool)}`);
      assert.deepEqual([run.digest, run.report, run.done], [alone.digest, alone.report, alone.done], `${run.helpers} helpers`);
    }
    app.assertNoErrors();
  } finally {
    await app.close();
  }

  // A helper that cannot load (a host without prepare-worker.js: 404; no service worker, which
  // would miss it too): the import goes on without it.
  const copy = copyDist(DIST);
  rmSync(join(copy.dir, 'prepare-worker.js'));
  const server = await serveDir(copy.dir);
  const lost = await openApp(browser, { path: `${server.url}import-demo.html`, contextOptions: { serviceWorkers: 'block' } });
  try {
    const [run] = await importTwice(lost.page, [2]);
    assert.deepEqual([run.digest, run.report, run.pool], [alone.digest, alone.report, { helpers: 0, files: 0, batches: 0 }]);
  } finally {
    await lost.close();
    await server.close();
    copy.remove();
  }
});

// A zip archive is added an entry at a time (its files prepared by the pool): progress moves
// inside it and a cancel inside it is answered there (it used to be added in one step of the
// worker), and it gives the library its files give loose, with or without the pool.
test('a big zip archive reports progress inside it, can be cancelled inside it, and equals its files loose', { timeout: 180_000 }, async () => {
  const archiveDir = process.env.QUXIAN_ARCHIVE ?? join(REPO, 'target/e2e-archive');
  const texts = readdirSync(archiveDir).sort().map((name) => readFileSync(join(archiveDir, name), 'utf8'));
  const entries = Array.from({ length: 3000 }, (_, i) => [`新闻/文档${i}.txt`, Buffer.from(`第${i}篇\n\n编号${i}。${texts[i % texts.length]}`)]);
  const zip = zipArchive(entries);
  const app = await openApp(browser, { path: 'import-demo.html' });
  try {
    const seen = await app.page.evaluate(async ({ zip, loose }) => {
      const { importFiles } = await import('./quxian-library.js');
      // The bytes cross as a latin1 string: an array of 15 million numbers takes a minute.
      const archive = new File([Uint8Array.from(zip, (c) => c.charCodeAt(0))], '新闻.zip');
      const digest = async (bundle) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bundle))]
        .map((b) => b.toString(16).padStart(2, '0')).join('');
      // Cancel at the first progress inside the archive.
      const abort = new AbortController();
      let inside = null;
      const cancelled = await importFiles([archive], {
        signal: abort.signal,
        onProgress: (p) => {
          if (p.phase === 'indexing' && p.bytesDone > 0 && p.bytesDone < p.bytesTotal && !inside) {
            inside = p.bytesDone / p.bytesTotal;
            abort.abort();
          }
        },
      }).then(() => 'finished', (err) => err.name);
      const whole = await importFiles([archive], { helpers: 2 });
      const alone = await importFiles([archive], { helpers: 0 });
      const files = loose.map(([name, text]) => new File([text], name));
      const apart = await importFiles(files);
      return {
        inside, cancelled, pooled: whole.pool,
        whole: { digest: await digest(whole.bundle), documents: whole.report.documents, files: whole.report.files },
        alone: { digest: await digest(alone.bundle), documents: alone.report.documents, files: alone.report.files },
        apart: { digest: await digest(apart.bundle), documents: apart.report.documents },
      };
    }, { zip: zip.toString('latin1'), loose: entries.map(([name, bytes]) => [name.split('/')[1], bytes.toString('utf8')]) });
    assert.ok(seen.inside > 0 && seen.inside < 1, `progress inside the archive: ${JSON.stringify(seen)}`);
    assert.equal(seen.cancelled, 'AbortError');
    assert.deepEqual(seen.whole, { ...seen.apart, files: 1 }, 'the archive gives the library of its files');
    assert.deepEqual(seen.alone, seen.whole, 'the same without the pool');
    assert.ok(seen.pooled.helpers === 2 && seen.pooled.batches > 0, `the helpers prepared entries: ${JSON.stringify(seen.pooled)}`);
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});
