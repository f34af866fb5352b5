// Smoke test: the built app loads from dist/, renders, and logs no errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appUrl, launch, openApp, screenshot } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const viewport of ['desktop', 'phone']) {
  test(`the app renders 区县 without errors (${viewport})`, { timeout: 60_000 }, async () => {
    const app = await openApp(browser, { viewport });
    try {
      assert.match(await app.page.title(), /区县/);
      await app.waitForText('区县');
      await app.page.waitForLoadState('networkidle');
      await screenshot(app.page, 'smoke');
      app.assertNoErrors();
    } finally {
      await app.close();
    }
  });
}

test('index.html shows a loading message before any script runs, and the app replaces it', async () => {
  for (const colorScheme of ['light', 'dark']) {
    // The app's script never arrives: what the page shows meanwhile is index.html alone.
    const context = await browser.newContext({ colorScheme });
    await context.route('**/app.js', () => {});
    const page = await context.newPage();
    await page.goto(appUrl(), { waitUntil: 'commit' });
    const boot = page.locator('#app .qx-boot');
    await boot.waitFor();
    assert.equal(await boot.innerText(), '正在载入区县文档浏览器…');
    assert.ok(await boot.isVisible());
    const [text, background] = await boot.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(document.body).backgroundColor]);
    assert.notEqual(text, background, 'readable in both themes');
    await context.close();
  }
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const page = await noJs.newPage();
  await page.goto(appUrl());
  assert.ok(await page.locator('.qx-noscript').isVisible(), 'without JavaScript, a message says what to do');
  assert.ok(await page.locator('.qx-boot').isHidden(), 'instead of a loading message that never ends');
  await noJs.close();
  const app = await openApp(browser);
  await app.page.getByTestId('overview').waitFor();
  assert.equal(await app.page.locator('.qx-boot').count(), 0, 'the app takes the element over');
  await app.close();
});
