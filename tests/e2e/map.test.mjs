// The overview's district map: one tile per district of the gazetteer, placed by
// geography and shaded by passages; a tile with passages opens that district's results
// (click, or Enter from the keyboard), with the same count the district facet shows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, screenshot } from './helpers.mjs';
import { facetCount, hash, total, waitReady } from './app-helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the district map shows every district and opens a district by click or keyboard', async () => {
  const app = await openApp(browser);
  try {
    const { page } = app;
    await waitReady(page);
    const tiles = page.getByTestId('map-tile');
    assert.equal(await tiles.count(), 41, '38 districts and counties plus 两江新区, 万盛经开区, 重庆高新区');
    const beibei = page.locator('[data-testid=map-tile][data-district="北碚"]');
    const shown = Number(await beibei.locator('.qx-tile-count').textContent());
    assert.ok(shown > 0, '北碚 has passages in the built-in corpus');
    assert.equal(shown, await facetCount(page, 'district', '北碚'), 'the tile and the facet agree');
    const empty = page.locator('[data-testid=map-tile][data-district="城口"]');
    assert.equal(await empty.getAttribute('role'), null, 'a district without passages is not a button');
    await screenshot(page, 'district-map');

    await beibei.click();
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('district=北碚'));
    await waitReady(page);
    assert.equal(await total(page), shown, 'the district view lists the passages the tile counted');

    await page.goBack();
    await page.getByTestId('district-map').waitFor();
    const yubei = page.locator('[data-testid=map-tile][data-district="渝北"]');
    await yubei.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('district=渝北'));
    assert.ok((await hash(page)).includes('district=渝北'));
    // The results are drawn anew, their map closed: the focus goes to the results, not to
    // the page.
    const focused = () => page.evaluate(() => {
      const el = document.activeElement;
      return `${el?.dataset.testid}:${el?.dataset.district ?? el?.dataset.name ?? ''}`;
    });
    await page.waitForFunction(() => document.activeElement?.id === 'qx-results');
    // So from a facet of the overview: Space on 北碚 keeps the focus on 北碚's box.
    await page.goBack();
    await page.getByTestId('district-map').waitFor();
    await page.locator('[data-testid=facet-district][data-name="北碚"]').focus();
    await page.keyboard.press('Space');
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('district=北碚'));
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'facet-district');
    assert.equal(await focused(), 'facet-district:北碚');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('on the results the map shows the matching passages; a tile filters and the link restores it', async () => {
  const app = await openApp(browser, { path: `#/search?v=1&q=${encodeURIComponent('缙云山')}` });
  try {
    const { page } = app;
    await waitReady(page);
    await page.getByTestId('results-map').locator('summary').click();
    const beibei = page.locator('[data-testid=results-map] [data-testid=map-tile][data-district="北碚"]');
    const shown = Number(await beibei.locator('.qx-tile-count').textContent());
    assert.equal(shown, await facetCount(page, 'district', '北碚'), 'the tile counts the matches, as the facet does');
    await beibei.click();
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('district=北碚'));
    await waitReady(page);
    assert.equal(await total(page), shown);
    await page.reload();
    await waitReady(page);
    await page.getByTestId('results-map').locator('summary').click();
    assert.equal(await beibei.getAttribute('aria-pressed'), 'true', 'the filtered district is marked after a reload');
    await screenshot(page, 'results-map');
    await beibei.click();
    await page.waitForFunction(() => !decodeURIComponent(location.hash).includes('district='));
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('districts without matches are folded behind 显示全部 and come back on demand', async () => {
  const app = await openApp(browser, { path: `#/search?v=1&q=${encodeURIComponent('缙云山')}` });
  try {
    const { page } = app;
    await waitReady(page);
    const districts = page.getByTestId('facet-district');
    const listed = await districts.count();
    const zeros = await page.locator('[data-testid=facet-district] .qx-facet-count', { hasText: /^0$/ }).count();
    assert.equal(zeros, 0, 'no district at 0 is listed');
    const all = page.getByTestId('facet-district-all');
    const folded = Number(/另有 (\d+) 个/.exec(await all.innerText())[1]);
    assert.ok(folded > 0 && listed + folded === 41 + 1, `${listed} listed + ${folded} folded = 41 districts and 全市`);
    await all.click();
    assert.equal(await districts.count(), listed + folded);
    assert.equal(await all.getAttribute('aria-expanded'), 'true');
    await all.click();
    assert.equal(await districts.count(), listed);
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('on a phone the results map fits the screen', async () => {
  const app = await openApp(browser, { viewport: 'phone', path: `#/search?v=1&q=${encodeURIComponent('缙云山')}` });
  try {
    const { page } = app;
    await waitReady(page);
    await page.getByTestId('results-map').locator('summary').click();
    await page.locator('[data-testid=results-map] [data-testid=map-tile]').first().waitFor();
    const { width, inner } = await page.evaluate(() => ({
      width: document.documentElement.scrollWidth, inner: innerWidth,
    }));
    assert.ok(width <= inner, `no sideways scroll: ${width} > ${inner}`);
    const map = await page.locator('[data-testid=results-map] svg').boundingBox();
    assert.ok(map.x >= 0 && map.x + map.width <= inner, `the map is on screen: ${JSON.stringify(map)}`);
    await screenshot(page, 'results-map');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});
