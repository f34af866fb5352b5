// Accessibility: axe-core (the engine behind Lighthouse's accessibility audit) finds no
// critical or serious violation in the overview, results, reader, the 我的文档库 dialog and
// an embed, in the light and the dark theme.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp } from './helpers.mjs';
import { axeViolations as violations, search, waitReady } from './app-helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The app's states (or an embed), each reached as a user would. */
const STATES = {
  overview: { path: '', reach: async (page) => page.getByTestId('overview').waitFor() },
  results: { path: '', reach: async (page) => search(page, '缙云山') },
  reader: {
    path: '',
    reach: async (page) => {
      await search(page, '缙云山');
      await page.getByTestId('hit').first().locator('a').first().click();
      await page.getByTestId('reader').waitFor();
    },
  },
  dialog: {
    path: '',
    reach: async (page) => {
      await page.getByTestId('corpus-switcher').click();
      await page.getByTestId('open-import').click();
      await page.getByTestId('library-dialog').waitFor();
    },
  },
  embed: {
    path: 'examples/article.html',
    reach: async (page) => page.locator('quxian-explorer [data-testid=results-count], quxian-explorer [data-testid=overview]').first().waitFor(),
  },
};

for (const scheme of ['light', 'dark']) {
  for (const [name, { path, reach }] of Object.entries(STATES)) {
    test(`axe: no critical or serious violation — ${name}, ${scheme}`, { timeout: 60_000 }, async () => {
      // bypassCSP: the page's CSP (rightly) forbids the injected axe script.
      const app = await openApp(browser, { path, contextOptions: { colorScheme: scheme, bypassCSP: true } });
      try {
        const { page } = app;
        if (path === '') await waitReady(page);
        await reach(page);
        const found = await violations(page);
        assert.deepEqual(found, [], `axe found:\n  ${found.join('\n  ')}`);
        app.assertNoErrors();
      } finally {
        await app.close();
      }
    });
  }
}
