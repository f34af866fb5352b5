// Smoke test: the built app loads from dist/, renders, and logs no errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, screenshot } from './helpers.mjs';

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
