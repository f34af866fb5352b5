// Untrusted input: document text and titles are shown as text (never markup), malformed
// links give notices and the app keeps working, and a bad bundle gives a clear message.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { launch, openApp, screenshot } from './helpers.mjs';
import { DIST, buildBundle, search, total, waitReady } from './app-helpers.mjs';

const XSS_TITLE = '<img src=x onerror=alert(1)>';
const XSS_BODY = '<script>alert(2)</script> 北碚 测试';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('markup in a document is shown as text, never run', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quxian-xss-'));
  try {
    writeFileSync(join(dir, 'xss.txt'), `${XSS_TITLE}\n\n${XSS_BODY}\n\n第二段：北碚区缙云山测试 <b onmouseover=alert(3)>粗体</b>\n`);
    buildBundle(dir, 'xss.qx');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const app = await openApp(browser, { path: '?corpus=xss.qx' });
  const dialogs = [];
  app.page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  try {
    const { page } = app;
    await waitReady(page);
    await search(page, '测试');
    assert.ok((await total(page)) > 0);
    assert.equal(await page.getByTestId('doc-title').first().innerText(), XSS_TITLE);
    const snippet = await page.getByTestId('snippet').first().innerText();
    assert.ok(snippet.includes('<script>alert(2)</script>'), snippet);
    assert.equal(await page.locator('#app img, #app script, #app b').count(), 0, 'no element made from the text');
    await page.getByTestId('doc-title').first().click();
    await page.getByTestId('reader').waitFor();
    assert.equal(await page.getByTestId('reader-title').innerText(), XSS_TITLE);
    assert.ok((await page.getByTestId('reader').innerText()).includes('<b onmouseover=alert(3)>粗体</b>'));
    assert.equal(await page.locator('#app img, #app script, #app b').count(), 0);
    await screenshot(page, 'xss');
    assert.deepEqual(dialogs, [], 'no dialog opened');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('a malformed link gives notices and the app still works', { timeout: 60_000 }, async () => {
  const app = await openApp(browser, { path: '#/search?q=%E5%8C&bogus=1&p=x&district=火星' });
  try {
    const { page } = app;
    await waitReady(page);
    const bar = page.getByTestId('notice-bar');
    await bar.waitFor();
    const text = await bar.innerText();
    for (const expected of ['未知参数', 'bogus', '编码有误', '段落编号', '火星']) {
      assert.ok(text.includes(expected), `notice mentions ${expected}: ${text}`);
    }
    await screenshot(page, 'malformed-link');
    // The address bar shows the view's own link at once, without what was dropped.
    await page.waitForFunction(() => !location.hash.includes('bogus'));
    assert.ok(!/p=x|%E5%8C/.test(await page.evaluate(() => location.hash)), await page.evaluate(() => location.hash));
    await search(page, '缙云山');
    assert.ok((await total(page)) > 0, 'search works after a bad link');
    await page.getByTestId('notice-dismiss').click();
    assert.equal(await page.getByTestId('notice-bar').count(), 0, 'notices can be dismissed');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('a corrupt bundle shows a clear error', { timeout: 60_000 }, async () => {
  writeFileSync(join(DIST, 'corrupt.qx'), Buffer.from('this is not a bundle \x00\x01\x02 垃圾数据'.repeat(20)));
  const app = await openApp(browser, { path: '?corpus=corrupt.qx' });
  try {
    const { page } = app;
    const error = page.getByTestId('load-error');
    await error.waitFor({ timeout: 30_000 });
    const text = await error.innerText();
    assert.ok(text.includes('语料加载失败') && text.includes('corrupt.qx'), text);
    assert.ok(text.includes('不是 quxian 语料文件'), text);
    await screenshot(page, 'corrupt-bundle');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('a damaged bundle (right header, bad payload) shows a clear error', { timeout: 60_000 }, async () => {
  // A current header with the right length and checksum around bytes that do not inflate.
  const payload = Buffer.alloc(200, 7);
  const fields = Buffer.alloc(16);
  fields.writeUInt32LE(3, 0);
  fields.writeUInt32LE(crc32(payload), 4);
  fields.writeBigUInt64LE(BigInt(payload.length), 8);
  writeFileSync(join(DIST, 'damaged.qx'), Buffer.concat([Buffer.from('QUXIAN\x00\x1a', 'latin1'), fields, payload]));
  const app = await openApp(browser, { path: '?corpus=damaged.qx' });
  try {
    const text = await app.page.getByTestId('load-error').innerText();
    assert.ok(text.includes('语料加载失败') && text.includes('damaged.qx 文件已损坏（压缩数据）'), text);
    assert.match(text, /请重新下载/, 'it says what to do');
    const english = (text.replace(/\S+\.qx/g, '').match(/[A-Za-z]{3,}/g) ?? []).filter((w) => w !== 'quxian');
    assert.deepEqual(english, [], `no English in ${text}`);
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('an invalid or missing bundle name falls back to corpus.qx, with a notice', { timeout: 60_000 }, async () => {
  // A path is never fetched; the default corpus opens (refreshing could not help).
  const app = await openApp(browser, { path: '?corpus=..%2Fsecret.qx#/search?v=1&q=北碚' });
  try {
    await waitReady(app.page);
    const text = await app.page.getByTestId('notice-bar').innerText();
    assert.ok(text.includes('无效') && text.includes('corpus.qx'), text);
    assert.ok(text.includes('corpus=“../secret.qx”'), `the name as written, not percent-encoded: ${text}`);
    assert.ok((await total(app.page)) > 0, 'the default corpus answers the query');
    assert.equal(await app.page.getByTestId('load-error').count(), 0);
    app.assertNoErrors();
  } finally {
    await app.close();
  }
  // A link naming a corpus that is gone opens the default one (the nearest valid view)
  // and says so.
  const missing = await openApp(browser, { path: '?corpus=no-such-file.qx#/search?v=1&q=北碚' });
  try {
    await waitReady(missing.page);
    const text = await missing.page.getByTestId('notice-bar').innerText();
    assert.ok(text.includes('no-such-file.qx') && text.includes('corpus.qx'), text);
    assert.ok((await total(missing.page)) > 0, 'the default corpus answers the query');
    // The browser itself logs the 404; nothing else may go wrong.
    assert.ok(missing.errors.every((e) => e.includes('404')), missing.errors.join('\n'));
  } finally {
    await missing.close();
  }
});
