// 导出: the current results as CSV and JSON files with one row per matching passage, whose
// links open that passage in the app.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, openApp, parseCsv } from './helpers.mjs';
import { search, total, waitReady } from './app-helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Clicks `testId` and returns the downloaded file's name and text. */
async function download(page, testId) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

test('export: CSV and JSON hold every matching passage; a row link opens it', { timeout: 60_000 }, async () => {
  const app = await openApp(browser);
  try {
    const { page } = app;
    await waitReady(page);
    // A common word, so that the results span more documents than one page lists.
    await search(page, '重庆');
    const passages = await total(page);
    assert.ok(passages > 0, 'the seed corpus mentions 重庆');

    const csv = await download(page, 'export-csv');
    assert.equal(csv.name, 'quxian-重庆.csv');
    assert.ok(csv.text.startsWith('\uFEFF'), 'a byte-order mark for spreadsheet programs');
    const [header, ...rows] = parseCsv(csv.text.slice(1));
    assert.deepEqual(header, ['文档', '文档键', '日期', '来源', '段落', '区县', '主题', '文本', '链接']);
    assert.equal(rows.length, passages, 'one row per matching passage');
    assert.ok(rows.every((r) => r.length === header.length), 'every row is complete');
    assert.ok(rows.every((r) => r[7].includes('重庆')), 'every row holds the query');

    const json = await download(page, 'export-json');
    assert.equal(json.name, 'quxian-重庆.json');
    const data = JSON.parse(json.text);
    assert.equal(data.query, '重庆');
    assert.equal(data.total, passages);
    assert.equal(data.rows.length, passages);
    assert.deepEqual(data.rows.map((r) => r.text), rows.map((r) => r[7].replace(/^'/, '')));

    // The first row's link opens its passage in the reader, highlighted.
    const first = data.rows[0];
    await page.goto(first.link);
    await page.getByTestId('reader').waitFor();
    const current = page.locator('[data-testid=reader] [aria-current=location]').first();
    assert.ok(await current.count() > 0, 'the linked passage is marked in the reader');
    assert.ok((await current.innerText()).includes('重庆'));
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});
