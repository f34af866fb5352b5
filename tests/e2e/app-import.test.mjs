// Explore your own documents, through the explorer's UI (not the demo page): import files
// with the 导入文档 dialog (GBK, UTF-16, a binary file and a duplicate give an exact report),
// save the library, search it with a district and a topic filter, reload (the library is
// listed and the view with lib=ID restores), export it as .qx and import that again,
// delete it, and follow a link to the deleted library (a notice, then the built-in corpus).
// The console must stay clean throughout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appUrl, assertNoErrors, launch, openApp, screenshot, waitForText, watchErrors } from './helpers.mjs';
import { axeViolations, gbk, hash, REPO, search, utf16le, waitReady } from './app-helpers.mjs';

const ARCHIVE = process.env.QUXIAN_ARCHIVE ?? join(REPO, 'target/e2e-archive');

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const BEIBEI = '北碚生态建设\n\n缙云山国家级自然保护区的生态环境持续改善，北碚区推进生态文明建设。\n\n北碚区发展生态旅游，游客越来越多。\n';
const YUBEI = '渝北产业发展\n\n渝北区的数字经济发展很快，制造业和产业链不断壮大，生态环境也在改善。\n';
const FILES = [
  { name: '北碚.txt', mimeType: 'text/plain', buffer: gbk(BEIBEI) },
  { name: '渝北.txt', mimeType: 'text/plain', buffer: utf16le(YUBEI) },
  { name: '数据.txt', mimeType: 'text/plain', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3]) },
  { name: '北碚副本.txt', mimeType: 'text/plain', buffer: Buffer.from(BEIBEI, 'utf8') },
];

async function openDialog(page, tab) {
  await page.getByTestId('corpus-switcher').click();
  await page.getByTestId(tab === 'import' ? 'open-import' : 'open-manage').click();
  await page.getByTestId('library-dialog').waitFor();
}

/** Imports `files` through the dialog's file input and waits for the report. */
async function importFiles(page, files) {
  await page.getByTestId('import-files').setInputFiles(files);
  await page.getByTestId('import-report').waitFor({ timeout: 120_000 });
}

/** Save the import as `name`; the library is then named `saved` (a taken name gets （2）). */
async function saveAs(page, name, saved = name) {
  await page.getByTestId('library-name').fill(name);
  await page.getByTestId('library-save').click();
  await page.getByTestId('library-dialog').waitFor({ state: 'detached' });
  await page.waitForFunction((n) => document.querySelector('[data-testid=corpus-name]')?.textContent === n, saved);
  await waitReady(page);
}

async function titles(page) {
  return page.getByTestId('doc-title').allInnerTexts();
}

test('import, save, search, reload, export, re-import and delete a library in the app', { timeout: 240_000 }, async () => {
  const app = await openApp(browser);
  const { page } = app;
  try {
    await waitReady(page);
    assert.equal(await page.getByTestId('corpus-name').innerText(), '内置语料');

    // Import: progress, then the report with the exact reasons.
    await openDialog(page, 'import');
    await screenshot(page, 'import-dialog');
    const progress = page.getByTestId('import-progress').waitFor({ timeout: 30_000 });
    await page.getByTestId('import-files').setInputFiles(FILES);
    await progress;
    assert.match(await page.getByTestId('import-progress-text').innerText(), /正在加载分词词典|个文件/);
    await page.getByTestId('import-report').waitFor({ timeout: 120_000 });
    const summary = await page.getByTestId('import-summary').innerText();
    assert.match(summary, /共 4 个文件/, summary);
    assert.match(summary, /导入 2 篇文档/, summary);
    const skipped = await page.$$eval('[data-testid=import-skipped] tbody tr', (rows) =>
      rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.deepEqual(skipped, [['数据.txt', '二进制文件，不是文字：请导入 .txt、.md、.html、.jsonl 或 .zip'], ['北碚副本', '与 北碚 内容重复']]);
    assert.match(await page.getByTestId('library-name').inputValue(), /^导入于 \d{4}-\d\d-\d\d \d\d:\d\d$/);
    await screenshot(page, 'import-report');

    // Save: the app switches to the new library and the link names it.
    await saveAs(page, '北碚渝北资料');
    const lib = /[?&]lib=([^&]+)/.exec(await hash(page))?.[1];
    assert.ok(lib, `the view names the library: ${await hash(page)}`);
    assert.match(await page.getByTestId('overview').innerText(), /文档\s*2\b/);

    // Custom topics: add one in the editor and re-annotate; the facet appears.
    await openDialog(page, 'manage');
    await page.getByTestId('tab-data').click();
    const topics = page.getByTestId('topics-text');
    await topics.waitFor();
    assert.match(await topics.inputValue(), /生态环保 \*生态环境/);
    const builtin = await topics.inputValue();
    // A table left without topics asks before re-annotating; the built-in one comes back.
    await topics.fill('# 没有主题\n');
    const emptied = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.message()); d.dismiss(); }));
    await page.getByTestId('reannotate').click();
    assert.match(await emptied, /没有任何主题/);
    await page.getByTestId('reset-topics').click();
    assert.equal(await topics.inputValue(), builtin);
    // A bad line: a Chinese message naming the file and line, and the library stays.
    const badLine = builtin.split('\n').length + 1;
    await topics.fill(`${builtin}\n山林保护\n`);
    await page.getByTestId('reannotate').click();
    await page.waitForFunction(() => /失败/.test(document.querySelector('[data-testid=annotate-status]')?.textContent), null, { timeout: 60_000 });
    assert.equal(await page.getByTestId('annotate-status').innerText(),
      `重新标注失败：主题文件第 ${badLine} 行：主题“山林保护”没有关键词，应写成：主题名 关键词1 关键词2 …`);
    await topics.fill(`${builtin}\n山林保护 *缙云山 *保护区\n`);
    // Edits not applied: Esc asks before the dialog closes them away; declined, they stay,
    // also across another tab.
    const asked = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.message()); d.dismiss(); }));
    await page.keyboard.press('Escape');
    assert.match(await asked, /区县与主题的修改还没有应用/);
    await page.getByTestId('tab-manage').click();
    await page.getByTestId('tab-data').click();
    assert.match(await topics.inputValue(), /山林保护 \*缙云山 \*保护区/);
    await page.getByTestId('reannotate').click();
    await page.waitForFunction(() => /已重新标注|失败/.test(document.querySelector('[data-testid=annotate-status]')?.textContent), null, { timeout: 60_000 });
    assert.equal(await page.getByTestId('annotate-status').innerText(), '已重新标注并保存。');
    await screenshot(page, 'library-topics');
    await page.getByTestId('dialog-close').click();
    await page.locator('[data-testid=facet-topic][data-name="山林保护"]').waitFor();

    // Search with a district filter, then a topic filter.
    await search(page, '生态');
    assert.deepEqual(new Set(await titles(page)), new Set(['北碚生态建设', '渝北产业发展']));
    await page.locator('[data-testid=facet-district][data-name="北碚"]').click();
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('district=北碚'));
    assert.deepEqual(await titles(page), ['北碚生态建设']);
    await page.locator('[data-testid=facet-district][data-name="北碚"]').click();
    await page.locator('[data-testid=facet-topic][data-name="产业发展"]').click();
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('topic=产业发展'));
    assert.deepEqual(await titles(page), ['渝北产业发展']);
    await page.locator('[data-testid=facet-topic][data-name="产业发展"]').click();
    await page.locator('[data-testid=facet-topic][data-name="山林保护"]').click();
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('topic=山林保护'));
    assert.deepEqual(await titles(page), ['北碚生态建设']);
    const view = await hash(page);
    assert.ok(view.includes(`lib=${lib}`), view);
    await screenshot(page, 'library-search');

    // Reload: the same view of the same library, and the library is listed.
    await page.reload();
    await waitReady(page);
    await page.waitForFunction(() => document.querySelector('[data-testid=corpus-name]')?.textContent === '北碚渝北资料');
    assert.equal(await hash(page), view);
    assert.deepEqual(await titles(page), ['北碚生态建设']);
    await page.getByTestId('corpus-switcher').click();
    const options = await page.getByTestId('corpus-option').allInnerTexts();
    assert.deepEqual(options.map((o) => o.replace(/\s+/g, ' ').trim()), ['内置语料', '北碚渝北资料 2 篇']);
    await page.getByTestId('open-manage').click();
    await screenshot(page, 'library-manage');

    // Export → a .qx download; import it again as a second library.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('library-export').click(),
    ]);
    assert.equal(download.suggestedFilename(), '北碚渝北资料.qx');
    const exported = await readFile(await download.path());
    await page.getByTestId('tab-import').click();
    await importFiles(page, [{ name: '北碚渝北资料.qx', mimeType: 'application/octet-stream', buffer: exported }]);
    assert.match(await page.getByTestId('import-summary').innerText(), /共 1 个文件.*导入 2 篇文档/);
    // A library imported alone offers its own name.
    assert.equal(await page.getByTestId('library-name').inputValue(), '北碚渝北资料');
    // Saved under it, it is told apart from the library of that name already here.
    await saveAs(page, '北碚渝北资料', '北碚渝北资料（2）');
    const second = /[?&]lib=([^&]+)/.exec(await hash(page))?.[1];
    assert.ok(second && second !== lib, `a new library: ${second}`);
    await search(page, '缙云山');
    assert.deepEqual(await titles(page), ['北碚生态建设']);
    // It brought its own topics: the editor shows them, to change and re-annotate from.
    await openDialog(page, 'manage');
    await page.getByTestId('tab-data').click();
    assert.match(await page.getByTestId('topics-text').inputValue(), /山林保护 \*缙云山 \*保护区/);
    await page.getByTestId('dialog-close').click();

    // Back to the first library through the switcher.
    await page.getByTestId('corpus-switcher').click();
    await page.locator(`[data-testid=corpus-option][data-library="${lib}"]`).click();
    await page.waitForFunction((id) => location.hash.includes(`lib=${id}`), lib);
    await page.waitForFunction(() => document.querySelector('[data-testid=corpus-name]')?.textContent === '北碚渝北资料');

    // Renaming a library that another tab has just deleted says so, in its row.
    await openDialog(page, 'manage');
    // (A name another library has is refused first: the list could not tell them apart.)
    const row = page.locator(`[data-testid=library-row][data-library="${second}"]`);
    await row.getByTestId('library-rename').click();
    await row.getByTestId('library-rename-input').fill('北碚渝北资料');
    await row.getByTestId('library-rename-save').click();
    await row.locator('[role=alert]').waitFor();
    assert.equal(await row.locator('[role=alert]').innerText(), '已有名为“北碚渝北资料”的文档库：请换一个名称');
    await row.getByRole('button', { name: '取消' }).click();
    // 取消 takes the message with it: left over, it would read as the next try's answer.
    await row.locator('[role=alert]').waitFor({ state: 'detached' });
    const other = await app.context.newPage();
    await other.goto(appUrl('#/search?v=1'));
    await waitReady(other);
    await openDialog(other, 'manage');
    await other.locator(`[data-testid=library-row][data-library="${second}"] [data-testid=library-delete]`).click();
    await other.getByTestId('library-delete-confirm').click();
    await other.waitForFunction(() => document.querySelectorAll('[data-testid=library-row]').length === 1);
    await other.close();
    const stale = page.locator(`[data-testid=library-row][data-library="${second}"]`);
    await stale.getByTestId('library-rename').click();
    await stale.getByTestId('library-rename-input').fill('新名字');
    await stale.getByTestId('library-rename-save').click();
    await stale.locator('[role=alert]').waitFor();
    assert.match(await stale.locator('[role=alert]').innerText(), /找不到这个文档库：它可能已被删除（也许是在另一个标签页中）/);
    await stale.getByRole('button', { name: '取消' }).click();

    // Delete both (the row of the one deleted already goes too); deleting the open one
    // opens the built-in corpus.
    for (let left = 2; left > 0; left--) {
      await page.getByTestId('library-delete').first().click();
      await page.getByTestId('library-delete-confirm').click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=library-row]').length === n - 1, left);
    }
    await page.getByTestId('dialog-close').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=corpus-name]')?.textContent === '内置语料');
    assert.ok(!(await hash(page)).includes('lib='), await hash(page));

    app.assertNoErrors();

    // A link to the deleted library, in a new tab: a notice, and the built-in corpus.
    const tab = await app.context.newPage();
    tab.viewportName = 'desktop';
    const tabErrors = watchErrors(tab);
    await tab.goto(appUrl(`#/search?v=1&lib=${lib}&q=北碚`));
    await waitReady(tab);
    await waitForText(tab, `链接指向本机没有的文档库“${lib}”；已打开内置语料`);
    await tab.getByTestId('results-count').waitFor();
    assert.ok(!(await hash(tab)).includes('lib='), await hash(tab));
    assert.ok((await hash(tab)).includes('q=北碚'), await hash(tab));
    assert.equal(await tab.getByTestId('corpus-name').innerText(), '内置语料');
    await screenshot(tab, 'library-missing');
    assertNoErrors(tabErrors);
  } finally {
    await app.close();
  }
});

// A gazetteer of another city brings its own map: its `tile` lines place the districts,
// a bad tile line is refused with its line number, and the layout is saved with the library.
const CHENGDU_DOCS = [
  { name: '锦江.txt', mimeType: 'text/plain', buffer: Buffer.from('锦江新闻\n\n锦江区春熙路商圈客流持续增长，锦江区推进夜间经济。\n') },
  { name: '武侯.txt', mimeType: 'text/plain', buffer: Buffer.from('武侯新闻\n\n武侯区武侯祠游客众多，武侯区发展文化旅游。\n\n青羊区宽窄巷子也很热闹。\n') },
];
const CHENGDU = [
  '# 成都市部分区',
  'district 锦江 区 锦江区',
  'district 青羊 区 青羊区',
  'district 武侯 区 武侯区',
  'district 金牛 区 金牛区',
  'tile 青羊 0 0',
  'tile 锦江 1 0',
  'tile 武侯 0 1',
].join('\n');

test('a custom gazetteer brings its own district map, saved with the library', { timeout: 240_000 }, async () => {
  // Dark, and axe allowed in (bypassCSP): the data tab and 管理 are checked on the way.
  const app = await openApp(browser, { contextOptions: { colorScheme: 'dark', bypassCSP: true } });
  const { page } = app;
  try {
    await waitReady(page);
    await openDialog(page, 'import');
    await importFiles(page, CHENGDU_DOCS);
    await saveAs(page, '成都资料');
    await openDialog(page, 'manage');
    await page.getByTestId('tab-data').click();
    const upload = (text, encode = Buffer.from) => page.getByTestId('gazetteer-file').setInputFiles(
      { name: 'chengdu.txt', mimeType: 'text/plain', buffer: encode(text) });
    const reannotate = async () => {
      await page.getByTestId('reannotate').click();
      await page.waitForFunction(() => /已重新标注|失败/.test(document.querySelector('[data-testid=annotate-status]')?.textContent), null, { timeout: 60_000 });
      return page.getByTestId('annotate-status').innerText();
    };
    // Typing in the topic table, then uploading a gazetteer: the typing stays (the upload's
    // re-render put the library's table back).
    const topics = page.getByTestId('topics-text');
    await topics.waitFor();
    const edited = `${await topics.inputValue()}\n美食 *烤鱼 *饭店\n`;
    await topics.fill(edited);
    await upload(`${CHENGDU}\ntile 金牛 1 0\n`);
    await page.waitForFunction(() => /chengdu\.txt/.test(document.querySelector('[data-testid=gazetteer-status]')?.textContent));
    assert.equal(await topics.inputValue(), edited, 'the typed topics survive the upload');
    // A file without a district line (empty, comments only) asks before it drops every tag.
    await page.getByTestId('gazetteer-file').setInputFiles({ name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.from('# 只有注释\n') });
    await page.waitForFunction(() => /empty\.txt/.test(document.querySelector('[data-testid=gazetteer-status]')?.textContent));
    const noDistricts = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.message()); d.dismiss(); }));
    await page.getByTestId('reannotate').click();
    assert.match(await noDistricts, /没有任何区县/);
    assert.equal(await page.getByTestId('annotate-status').innerText(), '', 'nothing re-annotated');
    // A misspelled kind of line is no "file without districts": its line's error, unasked.
    await page.getByTestId('gazetteer-file').setInputFiles({ name: 'typo.txt', mimeType: 'text/plain', buffer: Buffer.from('districts 北碚 区 北碚区\n') });
    await page.waitForFunction(() => /typo\.txt/.test(document.querySelector('[data-testid=gazetteer-status]')?.textContent));
    let asked = null;
    const onDialog = (d) => { asked = d.message(); d.dismiss(); };
    page.on('dialog', onDialog);
    assert.match(await reannotate(), /区县文件第 1 行：不认识的行类型“districts”/);
    page.off('dialog', onDialog);
    assert.equal(asked, null, 'no question before the error');
    await upload(`${CHENGDU}\ntile 金牛 1 0\n`);
    await page.waitForFunction(() => /chengdu\.txt/.test(document.querySelector('[data-testid=gazetteer-status]')?.textContent));
    assert.equal(await reannotate(), '重新标注失败：区县文件第 9 行：第 1 列第 0 行已被第 7 行的区县占用，请换一个空位置');
    // Saved as GBK (Notepad's "ANSI" in China): read as document import reads files.
    await upload(CHENGDU, gbk);
    await page.waitForFunction(() => /chengdu\.txt/.test(document.querySelector('[data-testid=gazetteer-status]')?.textContent));
    assert.equal(await reannotate(), '已重新标注并保存。');
    assert.deepEqual(await axeViolations(page), [], 'the 区县与主题 tab');
    await page.getByTestId('tab-manage').click();
    await page.getByTestId('library-row').first().waitFor();
    assert.deepEqual(await axeViolations(page), [], '管理, with the open library’s 当前 badge');
    await page.getByTestId('dialog-close').click();

    const tiles = async () => page.locator('[data-testid=map-tile]').evaluateAll((gs) => gs.map((g) => {
      const rect = g.querySelector('rect');
      return [g.dataset.district, Number(rect.getAttribute('x')) / 64, Number(rect.getAttribute('y')) / 64,
        g.querySelector('.qx-tile-count').textContent];
    }));
    await page.locator('[data-testid=map-tile][data-district="锦江"]').waitFor();
    const facet = (name) => page.locator(`[data-testid=facet-district][data-name="${name}"] .qx-facet-count`).innerText();
    const want = [['青羊', 0, 0], ['锦江', 1, 0], ['武侯', 0, 1]];
    for (const tile of want) tile.push(await facet(tile[0]));
    assert.deepEqual(await tiles(), want, 'the tiles of the uploaded gazetteer, where its lines put them, with the facet counts');
    assert.ok(want.every((t) => Number(t[3]) > 0), want);
    await page.getByTestId('overview').getByText('地图之外').waitFor({ state: 'detached' });
    await screenshot(page, 'custom-map');
    await page.reload();
    await waitReady(page);
    await page.locator('[data-testid=map-tile][data-district="锦江"]').waitFor();
    assert.deepEqual(await tiles(), want, 'saved with the library');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('a 70 MB one-document file and a JSONL line over 32 MiB are skipped with their reasons; the rest is imported', { timeout: 240_000 }, async () => {
  const app = await openApp(browser);
  const { page } = app;
  try {
    await waitReady(page);
    await openDialog(page, 'import');
    // Playwright passes files over 50 MB by path, so the batch is written to disk.
    const dir = mkdtempSync(join(tmpdir(), 'quxian-huge-'));
    const line = '北碚区缙云山自然保护区生态修复成效明显，';
    const repeat = (bytes) => line.repeat(Math.ceil(bytes / Buffer.byteLength(line)));
    writeFileSync(join(dir, '一行.txt'), repeat(70_000_000));
    // A JSONL file may be larger than one document (128 MiB); each line may not.
    const records = [
      { title: '潼南柠檬', text: '潼南区柠檬产业链不断延伸，柠檬深加工产品远销海外。' },
      { title: '太长', text: repeat(34_000_000) },
    ];
    writeFileSync(join(dir, '档案.jsonl'), records.map((r) => JSON.stringify(r)).join('\n'));
    for (const f of [FILES[0], FILES[1]]) writeFileSync(join(dir, f.name), f.buffer);
    await importFiles(page, [FILES[0].name, '一行.txt', FILES[1].name, '档案.jsonl'].map((n) => join(dir, n)));
    rmSync(dir, { recursive: true });
    assert.match(await page.getByTestId('import-summary').innerText(), /共 4 个文件.*导入 3 篇文档/s);
    const skipped = await page.$$eval('[data-testid=import-skipped] tbody tr', (rows) =>
      rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.deepEqual(skipped, [
      ['一行.txt', '单篇文档过大（超过 32 MiB）：请拆分成较小的文件，或存为 JSONL（每行一篇）再导入'],
      ['档案.jsonl', '第 2 行过大（超过 32 MiB）：请把这篇文档拆分后再导入'],
    ]);
    // 104 MB given, three short documents kept: a small library, not offered 分片打开.
    assert.equal(await page.getByTestId('big-import-hint').count(), 0);
    assert.equal(await page.getByTestId('library-save-site').count(), 0);
    await saveAs(page, '大文件之后');
    await search(page, '数字经济');
    assert.deepEqual(await titles(page), ['渝北产业发展'], 'the file after the huge one is searchable');
    await search(page, '柠檬');
    assert.deepEqual(await titles(page), ['潼南柠檬'], 'the good line of the JSONL file is searchable');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('the import dialog on a phone; cancelling saves nothing', { timeout: 120_000 }, async () => {
  const app = await openApp(browser, { viewport: 'phone' });
  const { page } = app;
  try {
    await waitReady(page);
    // The library menu fits the phone's width (it started at the switcher, past the logo,
    // and ran 30 px off the screen).
    await page.getByTestId('corpus-switcher').click();
    const menu = await page.getByTestId('corpus-menu').boundingBox();
    const width = page.viewportSize().width;
    assert.ok(menu.x >= 0 && menu.x + menu.width <= width, `menu ${JSON.stringify(menu)} in ${width} px`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scroll');
    await screenshot(page, 'library-menu');
    await page.getByTestId('open-import').click();
    await page.getByTestId('library-dialog').waitFor();
    await screenshot(page, 'import-dialog');
    // Enough text (~8 MB) that the import is still running when 取消 is pressed.
    const files = Array.from({ length: 600 }, (_, i) => ({
      name: `文档${i}.txt`,
      mimeType: 'text/plain',
      buffer: Buffer.from(`第${i}篇\n\n${'北碚区的生态环境持续改善，缙云山保护成效显著。'.repeat(200)}${i}\n`),
    }));
    await page.getByTestId('import-files').setInputFiles(files);
    await page.getByTestId('import-progress').waitFor();
    await screenshot(page, 'import-progress');
    await page.getByTestId('import-cancel').click();
    await app.waitForText('已取消导入，没有保存任何内容', 30_000);
    await page.getByTestId('tab-manage').click();
    assert.equal(await page.getByTestId('library-row').count(), 0);

    // 粘贴文本 with nothing pasted says so; its box fits inside the dialog on a phone.
    await page.getByTestId('tab-import').click();
    await page.locator('.qx-paste summary').click();
    await page.getByTestId('paste-import').click();
    await app.waitForText('没有可导入的文字：请先把文章粘贴到上面的框里');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'paste-text');
    const [box, dialog] = await Promise.all(['paste-text', 'library-dialog'].map((id) => page.getByTestId(id).boundingBox()));
    assert.ok(box.x + box.width <= dialog.x + dialog.width - 8, `the paste box ${JSON.stringify(box)} inside the dialog ${JSON.stringify(dialog)}`);
    await page.getByTestId('paste-text').fill('   \n  ');
    await page.getByTestId('paste-import').click();
    await app.waitForText('没有可导入的文字');

    // The report on a phone, with long reasons beside the names: a short name stays on one
    // line, a long one wraps inside the table; bad JSONL lines are explained in Chinese.
    await page.getByTestId('tab-import').click();
    const long = `${'很长的文件名'.repeat(6)}_without_any_spaces_at_all_2026.txt`;
    const jsonl = ['{"text": "潼南区柠檬产业链不断延伸。"}', '{"text": 2026}', '不是 JSON 的一行', '{"text": "未闭合'];
    await page.getByTestId('import-files').setInputFiles([
      { name: '一行.txt', mimeType: 'text/plain', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]) },
      { name: long, mimeType: 'text/plain', buffer: Buffer.from([0, 0, 0, 1]) },
      { name: '档案.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(jsonl.join('\n')) },
    ]);
    await page.getByTestId('import-skipped').waitFor({ timeout: 60_000 });
    const rows = await page.$$eval('[data-testid=import-skipped] tbody tr', (trs) => trs.map((tr) => {
      const range = document.createRange();
      range.selectNodeContents(tr.cells[0]);
      const table = tr.closest('table');
      return { name: tr.cells[0].textContent, reason: tr.cells[1].textContent,
        lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size,
        fits: table.scrollWidth <= table.clientWidth + 1 };
    }));
    const byName = (name) => rows.filter((r) => r.name === name);
    assert.deepEqual(byName('档案.jsonl').map((r) => r.reason), [
      '第 2 行无法读取（不是含文字字段 text 的对象）：每行应是一个 JSON 对象，如 {"text": "正文"}，改正后重新导入这个文件',
      '第 3 行无法读取（不是 JSON）：每行应是一个 JSON 对象，如 {"text": "正文"}，改正后重新导入这个文件',
      '第 4 行无法读取（JSON 不完整）：每行应是一个 JSON 对象，如 {"text": "正文"}，改正后重新导入这个文件',
    ]);
    assert.equal(byName('一行.txt')[0].lines, 1, `一行.txt on one line: ${JSON.stringify(rows)}`);
    assert.ok(byName(long)[0].lines > 1 && rows.every((r) => r.fits), JSON.stringify(rows));
    await screenshot(page, 'import-report');

    // A report of nothing has nothing to lose: the dialog closes without asking.
    await page.getByRole('button', { name: '放弃', exact: true }).click();
    await page.getByTestId('import-files').setInputFiles([
      { name: '图.txt', mimeType: 'text/plain', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]) }]);
    await app.waitForText('没有可导入的文档，无法保存', 60_000);
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
    await page.getByTestId('dialog-close').click();
    await page.getByTestId('library-dialog').waitFor({ state: 'detached' });
    assert.equal(asked, '', 'closed without a question');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('a long import can be searched while it runs; later searches see more documents', { timeout: 180_000 }, async () => {
  // Dark, to see the search box in both schemes (the other import tests are light);
  // bypassCSP: the page's CSP (rightly) forbids the injected axe script.
  const app = await openApp(browser, { contextOptions: { colorScheme: 'dark', bypassCSP: true } });
  const { page } = app;
  // The browser reads chosen files from disk when it imports them.
  const dir = mkdtempSync(join(tmpdir(), 'quxian-preview-'));
  try {
    await waitReady(page);
    await openDialog(page, 'import');
    // 20,000 distinct files of real-looking news, ~10 KB each (200 MB): documents of the
    // generated archive after a line of their own, as many as make 10 KB (by size: they are
    // shorter without ../shared). Small files index slower than they load as a snapshot,
    // so the import outlasts the searches, with room for a fast machine (two CI runs failed
    // when imports of 43 MB, then of ~60 MB with the import's pool of helpers, ended first).
    const archive = readdirSync(ARCHIVE).sort().map((name) => readFileSync(join(ARCHIVE, name), 'utf8'));
    const files = Array.from({ length: 20_000 }, (_, i) => {
      const path = join(dir, `文档${i}.txt`);
      let body = '';
      for (let k = 0; Buffer.byteLength(body) < 10_000; k++) body += `${archive[(i * 7 + k) % archive.length]}\n\n`;
      writeFileSync(path, `第${i}篇报道\n\n本文为融媒体中心稿件编号${i}号。\n\n${body}`);
      return path;
    });
    await page.getByTestId('import-files').setInputFiles(files);
    const input = page.getByTestId('import-preview-input');
    await input.waitFor({ timeout: 30_000 });
    // Wait until some files are indexed, then search them.
    await page.waitForFunction(() => /^[1-9]\d* \//.test(document.querySelector('[data-testid=import-progress-text]')?.textContent ?? ''),
      null, { timeout: 60_000 });
    const searched = async (query) => {
      await input.fill(query);
      await input.press('Enter');
      // An import that ends first replaces the search with its report: say so, rather than
      // wait for an answer that cannot come.
      await page.waitForFunction((q) => document.querySelector('[data-testid=import-preview-status]')?.textContent.includes(`“${q}”`)
        || document.querySelector('[data-testid=import-report]'), query, { timeout: 60_000 });
      assert.equal(await page.getByTestId('import-report').count(), 0, `the import ended before “${query}” was answered`);
      const text = await page.getByTestId('import-preview-status').innerText();
      const [, n, found] = text.match(/已索引的 (\d+) 篇文档中(?:有 (\d+) 篇|没有)/);
      return { text, documents: Number(n), found: Number(found ?? 0) };
    };
    const first = await searched('融媒体中心');
    assert.ok(first.documents > 0 && first.documents < files.length, first.text);
    assert.equal(first.found, first.documents, `every document so far holds 融媒体中心: ${first.text}`);
    const marks = await page.$$eval('[data-testid=import-preview-hits] mark', (ms) => ms.map((m) => m.textContent));
    assert.ok(marks.length > 0 && marks.every((m) => m === '融媒体中心'), JSON.stringify(marks));
    assert.equal(await page.getByTestId('import-preview-hits').locator('li').count(), Math.min(5, first.found));
    await screenshot(page, 'import-preview');
    // A number only one file holds (quoted: an exact phrase): found in that document alone;
    // the last file's, not indexed yet, nowhere.
    const one = await searched('"稿件编号3号"');
    assert.equal(one.found, 1, one.text);
    assert.equal(await page.getByTestId('import-preview-hits').locator('strong').innerText(), '第3篇报道');
    const none = await searched('"稿件编号19999号"');
    assert.equal(none.found, 0, none.text);

    // Once the import has more than doubled, a search sees the new documents.
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=import-progress-text]')?.textContent.split(' /')[0]) > n,
      Math.ceil(first.documents * 2.2), { timeout: 60_000 });
    const later = await searched('融媒体中心');
    assert.ok(later.documents > first.documents && later.found === later.documents, `${first.text} → ${later.text}`);
    // The import ends by itself: the report replaces the search; nothing is saved.
    await page.getByTestId('import-report').waitFor({ timeout: 120_000 });
    assert.equal(await input.count(), 0);
    await page.getByRole('button', { name: '放弃' }).click();

    // One JSONL archive of ~80 MB (its size, not its count, sets how long the import
    // runs: the archive's documents are shorter without ../shared, and a fast machine
    // imported 4,000 of them, 15 MB, before the search, axe and the screenshot below were
    // done): searchable inside the file, and a cancel inside it is answered by the worker.
    const archivePath = join(dir, '档案.jsonl');
    const lines = [];
    for (let i = 0, bytes = 0; bytes < 80e6; i++) {
      const line = JSON.stringify({
        title: `第${i}篇报道`,
        text: `本文为融媒体中心稿件编号${i}号。\n\n${archive[i % archive.length]}\n\n${archive[(i * 7 + 1) % archive.length]}`,
      });
      lines.push(line);
      bytes += Buffer.byteLength(line) + 1;
    }
    writeFileSync(archivePath, lines.join('\n'));
    await page.getByTestId('import-files').setInputFiles([archivePath]);
    await input.waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => /· [1-9][\d.]* MB \//.test(document.querySelector('[data-testid=import-progress-text]')?.textContent ?? ''),
      null, { timeout: 60_000 });
    const inside = await searched('融媒体中心');
    assert.ok(inside.documents > 0 && inside.documents < lines.length, inside.text);
    assert.equal(inside.found, inside.documents, inside.text);
    assert.deepEqual(await axeViolations(page), []);
    assert.match(await page.getByTestId('import-progress-text').innerText(), /^0 \/ 1 个文件/, 'still inside the file');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'import-preview-phone');
    // Another tab and back: the import runs on. Esc (closing the dialog would drop it) asks
    // first; declining keeps the dialog and the import.
    await page.getByTestId('tab-manage').click();
    await page.getByTestId('tab-import').click();
    assert.match(await page.getByTestId('import-progress-text').innerText(), /^0 \/ 1 个文件/, 'the import survived the tabs');
    const asked = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.message()); d.dismiss(); }));
    await page.keyboard.press('Escape');
    assert.equal(await asked, '这次导入还没有保存，关闭窗口会放弃它。确定关闭吗？');
    assert.ok(await page.getByTestId('library-dialog').isVisible(), 'the dialog stays open');
    await page.getByTestId('import-cancel').click();
    await app.waitForText('已取消导入，没有保存任何内容', 30_000);
    app.assertNoErrors();
  } finally {
    await app.close();
    rmSync(dir, { recursive: true });
  }
});

test('the library dialog is modal: Tab stays inside, Esc closes it, focus returns', { timeout: 60_000 }, async () => {
  const app = await openApp(browser);
  try {
    const { page } = app;
    await waitReady(page);
    await openDialog(page, 'import');
    const where = () => page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return 'none';
      return el.closest('[data-testid=library-dialog]') ? 'inside' : `outside: ${el.outerHTML.slice(0, 80)}`;
    });
    assert.equal(await where(), 'inside', 'opening the dialog moves focus into it');
    const seen = new Set();
    for (let i = 0; i < 30; i += 1) {
      await page.keyboard.press('Tab');
      const at = await where();
      // Past the last control focus may leave the page for the browser's own UI ('none'),
      // but never reach the page behind the dialog.
      assert.ok(at === 'inside' || at === 'none', `Tab ${i + 1}: ${at}`);
      seen.add(at);
    }
    assert.ok(seen.has('inside'));
    await page.keyboard.press('Escape');
    await page.getByTestId('library-dialog').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid ?? document.activeElement?.outerHTML.slice(0, 120)), 'corpus-switcher',
      'focus returns to the control that opened the dialog');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('a library open here and deleted in another tab: back here, a notice and the built-in corpus', { timeout: 120_000 }, async () => {
  const app = await openApp(browser);
  try {
    const { page } = app;
    await waitReady(page);
    await openDialog(page, 'import');
    await importFiles(page, [FILES[1]]);
    await saveAs(page, '将被删除');
    const other = await app.context.newPage();
    await other.goto(appUrl('#/search?v=1'));
    await waitReady(other);
    await openDialog(other, 'manage');
    await other.getByTestId('library-delete').first().click();
    await other.getByTestId('library-delete-confirm').click();
    await other.waitForFunction(() => document.querySelectorAll('[data-testid=library-row]').length === 0);
    await other.close();
    // This tab gets the focus again.
    await page.bringToFront();
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await waitForText(page, '打开的文档库已被删除（也许是在另一个标签页中）；已打开内置语料');
    await page.waitForFunction(() => document.querySelector('[data-testid=corpus-name]')?.textContent === '内置语料');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('the corpus menu closes on Esc (focus back on its button) and when Tab leaves it', { timeout: 60_000 }, async () => {
  const app = await openApp(browser);
  try {
    const { page } = app;
    await waitReady(page);
    await page.getByTestId('corpus-switcher').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('corpus-menu').waitFor();
    await page.getByTestId('open-manage').focus();
    await page.keyboard.press('Escape');
    await page.getByTestId('corpus-menu').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'corpus-switcher');
    await page.keyboard.press('Enter');
    await page.getByTestId('corpus-menu').waitFor();
    await page.getByTestId('open-manage').focus();
    await page.keyboard.press('Tab');
    await page.getByTestId('corpus-menu').waitFor({ state: 'detached' });
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('a missing dictionary is a Chinese message that says what to do; the next import works', { timeout: 120_000 }, async () => {
  const app = await openApp(browser, { contextOptions: { serviceWorkers: 'block' } });
  try {
    const { page, context } = app;
    await waitReady(page);
    await context.route('**/jieba/dict.txt', (route) => route.fulfill({ status: 404, body: 'not here' }));
    await openDialog(page, 'import');
    const file = { name: '北碚.txt', mimeType: 'text/plain', buffer: Buffer.from('北碚新闻\n缙云山的生态保护。\n') };
    await page.getByTestId('import-files').setInputFiles([file]);
    const message = page.getByTestId('import-message');
    await message.waitFor({ timeout: 60_000 });
    assert.equal(await message.innerText(),
      '导入失败：无法下载导入所需的文件 jieba/dict.txt（HTTP 404）：请刷新页面后重试');
    await context.unroute('**/jieba/dict.txt');
    await importFiles(page, [file]);
  } finally {
    await app.close();
  }
});
