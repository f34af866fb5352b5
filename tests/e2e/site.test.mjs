// A site index (`quxian build --site`) in a real browser: a 300-document generated archive
// (QUXIAN_ARCHIVE, made by `cargo xtask test`) built with the real CLI (QUXIAN_CLI) into a
// temporary folder and served over HTTP. The search page and the JS API must fetch only
// what a query needs, answer exactly like the CLI on a bundle of the same documents, and
// turn a damaged or missing piece into a Chinese message without breaking other queries.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, VIEWPORTS, watchErrors, assertNoErrors, screenshot, parseCsv } from './helpers.mjs';
import { serveDir } from './static-server.mjs';
import { axeViolations } from './app-helpers.mjs';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ARCHIVE = process.env.QUXIAN_ARCHIVE ?? join(REPO, 'target/e2e-archive');
const CLI = process.env.QUXIAN_CLI ?? join(REPO, 'target/release/quxian');
const DIST = process.env.QUXIAN_DIST ?? join(REPO, 'dist');

let browser;
let work;
let server;

before(async () => {
  browser = await launch();
  work = mkdtempSync(join(tmpdir(), 'quxian-site-'));
  execFileSync(CLI, ['build', ARCHIVE, '--site', join(work, 'site'), '--app', DIST]);
  execFileSync(CLI, ['build', ARCHIVE, '-o', join(work, 'same.qx')]);
  server = await serveDir(join(work, 'site'));
});

after(async () => {
  await server?.close();
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** `quxian search --json` on the bundle of the same documents. */
function cliSearch(query, extra = []) {
  const out = execFileSync(CLI, ['search', join(work, 'same.qx'), query, '--json', '--limit', '100000', ...extra]);
  return JSON.parse(out.toString());
}

/**
 * Runs `fn(arg)` in a page of the site, where `window.explorer` is a fresh SiteExplorer.
 * (`fn` is passed to Playwright as a function: the page's CSP forbids eval.)
 */
async function withExplorer(fn, arg) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}#q=`);
  await page.waitForSelector('#status:not(:empty)');
  await page.evaluate(async () => {
    const m = await import('./pkg-site/quxian_wasm.js');
    await m.default();
    window.explorer = await m.SiteExplorer.open('./quxian/');
  });
  const result = await page.evaluate(fn, arg);
  await context.close();
  return { result, errors };
}

/**
 * A fresh page of the site at a viewport ('desktop', 'phone') and color scheme, watched for
 * errors; `options` go to its browser context.
 */
async function sitePage(viewport, scheme, options = {}) {
  const context = await browser.newContext({ ...VIEWPORTS[viewport], colorScheme: scheme, ...options });
  const page = await context.newPage();
  page.viewportName = `${viewport}-${scheme}`;
  return { context, page, errors: watchErrors(page) };
}

/** Verbatim 2–6 character substrings of the archive's documents, chosen deterministically. */
function sampleSubstrings(count) {
  const files = readdirSync(ARCHIVE).filter((f) => f.endsWith('.txt')).sort();
  const out = [];
  let seed = 7;
  while (out.length < count) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const text = readFileSync(join(ARCHIVE, files[seed % files.length]), 'utf8');
    const runs = text.match(/[\u4e00-\u9fff]{6,}/g) ?? [];
    if (runs.length === 0) continue;
    const run = runs[seed % runs.length];
    const len = 2 + (seed % 5);
    const at = seed % (run.length - len + 1);
    out.push(run.slice(at, at + len));
  }
  return out;
}

test('site: the same totals, facets and best documents as the CLI on a bundle', async () => {
  // Full-width forms are folded by the browser's NFKC in wasm and by Rust's in the CLI.
  const queries = [...sampleSubstrings(12).map((s) => `"${s}"`), '重庆', '发展 -重庆', '区', 'ＧＤＰ', '发展　－重庆'];
  const { result, errors } = await withExplorer(async (queries) => {
    const { explorer } = window;
    const out = [];
    for (const q of queries) out.push(await explorer.search(q, { limit: 5 }));
    return out;
  }, queries);
  assertNoErrors(errors);
  queries.forEach((q, i) => {
    const site = result[i];
    const cli = cliSearch(q);
    assert.equal(site.total, cli.total, `total of ${q}`);
    assert.equal(site.total_docs, cli.total_docs, `documents of ${q}`);
    const facets = (pairs) => Object.fromEntries(pairs.filter(([, n]) => n > 0));
    assert.deepEqual(facets(site.facets.district), cli.facets.district, `district counts of ${q}`);
    assert.deepEqual(facets(site.facets.topic), cli.facets.topic, `topic counts of ${q}`);
    const siteDocs = [...new Set(site.hits.map((h) => h.doc))];
    const cliDocs = [...new Set(cli.hits.map((h) => h.key))].slice(0, 5);
    assert.deepEqual(siteDocs, cliDocs, `best documents of ${q}`);
    if (q.startsWith('"') || q === 'ＧＤＰ') assert.ok(site.total > 0, `${q} is found`);
  });
});

test('site: date order, date range and timeline as the CLI gives them on a bundle', async () => {
  // The archive's file names carry dates (gen-corpus), spread over 2019–2026.
  const cases = [
    ['重庆', { sort: 'newest' }, ['--sort', 'newest']],
    ['重庆', { sort: 'oldest', from: '2024-03', to: '2025' }, ['--sort', 'oldest', '--from', '2024-03', '--to', '2025']],
    ['"缙云山"', { to: '2022-06-15' }, ['--to', '2022-06-15']],
  ];
  const { result, errors } = await withExplorer(async (cases) => {
    const out = [];
    for (const [q, options] of cases) out.push(await window.explorer.search(q, { limit: 8, ...options }));
    return out;
  }, cases);
  assertNoErrors(errors);
  cases.forEach(([q, options, flags], i) => {
    const site = result[i];
    const cli = cliSearch(q, flags);
    const what = `${q} ${JSON.stringify(options)}`;
    assert.ok(cli.total > 0, `${what} finds something`);
    assert.equal(site.total, cli.total, `total of ${what}`);
    assert.equal(site.total_docs, cli.total_docs, `documents of ${what}`);
    const siteDocs = [...new Set(site.hits.map((h) => h.doc))];
    const cliDocs = [...new Set(cli.hits.map((h) => h.key))].slice(0, 8);
    assert.deepEqual(siteDocs, cliDocs, `documents in order of ${what}`);
    const dates = site.hits.map((h) => h.date);
    const sorted = [...dates].sort();
    if (options.sort === 'newest') sorted.reverse();
    if (options.sort) assert.deepEqual(dates, sorted, `dates in order for ${what}`);
    const docsOnTimeline = site.timeline.reduce((n, [, c]) => n + c, 0) + site.undated;
    assert.ok(docsOnTimeline >= site.total_docs, `the timeline covers the matches of ${what}`);
  });
});

test('site: a page without facets leaves the passage tables to the counts that follow', async () => {
  const { result } = await withExplorer(async () => {
    const { explorer } = window;
    const page = await explorer.search('"缙云山"', { limit: 10, facets: false });
    const counted = await explorer.search('"缙云山"', { limit: 10 });
    return { page, counted };
  });
  const { page, counted } = result;
  assert.equal(page.counted, false);
  assert.equal(counted.counted, true);
  assert.ok(page.total > 0, '缙云山 is in the archive');
  assert.deepEqual(page.hits, counted.hits, 'the same page either way');
  assert.ok(counted.fetched.pieces > 0, 'the counts needed the passage tables');
  const cli = cliSearch('"缙云山"');
  const nonzero = (pairs) => Object.fromEntries(pairs.filter(([, n]) => n > 0));
  assert.deepEqual(nonzero(counted.facets.district), cli.facets.district);
});

test('site: options of the wrong type are refused in Chinese, naming the field; the explorer goes on', async () => {
  const bad = [
    [{ limit: -1 }, '搜索选项无效：limit 应是不小于 0 的整数'],
    [{ limit: 2.5 }, '搜索选项无效：limit 应是不小于 0 的整数'],
    [{ offset: '10' }, '搜索选项无效：offset 应是不小于 0 的整数'],
    [{ district: 5 }, '搜索选项无效：district 应是名称的数组，例如 ["北碚"]'],
    [{ topic: ['科技创新', 7] }, '搜索选项无效：topic 应是名称的数组，例如 ["北碚"]'],
    [{ facets: 'no' }, '搜索选项无效：facets 应是布尔值 true 或 false'],
    [{ sort: 1 }, '搜索选项无效：sort 应是文字'],
    [{ per_document: 0 }, '搜索选项无效：per_document 应是不小于 1 的整数'],
    [{ limti: 5 }, '搜索选项无效：没有“limti”这个选项（可用的有 district、topic、limit、offset、facets、sort、per_document、from、to、whole_passages）'],
    ['limit=3', '搜索选项无效：应是一个对象，例如 { limit: 10 }'],
    [[], '搜索选项无效：应是一个对象，例如 { limit: 10 }'],
    ['throwing getter', '搜索选项无效：无法读取 limit'],
  ];
  const { result, errors } = await withExplorer(async (bad) => {
    const { explorer } = window;
    const refused = [];
    for (const [options] of bad) {
      const given = options === 'throwing getter' ? { get limit() { throw new Error('no'); } } : options;
      refused.push(await explorer.search('缙云山', given).then(() => 'accepted', (e) => `${e instanceof Error}: ${e.message}`));
    }
    const one = await explorer.search('缙云山', { district: '北碚', limit: 3, facets: false, per_document: 1 });
    const many = await explorer.search('缙云山', { district: ['北碚'], limit: 3, facets: false, per_document: 1, from: null });
    // A whole number past what can be listed lists everything; a reversed range is swapped.
    const all = await explorer.search('重庆', { limit: 2 ** 53, facets: false });
    const some = await explorer.search('重庆', { limit: 1000000, facets: false });
    const reversed = await explorer.search('重庆', { from: '2026', to: '2024', facets: false });
    const ordered = await explorer.search('重庆', { from: '2024', to: '2026', facets: false });
    return {
      refused, one: one.hits, many: many.hits, total: one.total,
      all: all.hits.length, some: some.hits.length,
      reversed: [reversed.total, reversed.notices], ordered: [ordered.total, ordered.notices],
    };
  }, bad);
  assertNoErrors(errors);
  assert.deepEqual(result.refused, bad.map(([, message]) => `true: ${message}`), 'an Error with the message');
  assert.ok(result.total > 0, '缙云山 in 北碚 is in the archive');
  assert.deepEqual(result.one, result.many, 'one name is the same filter as an array of it; null is no option');
  assert.ok(result.all > 20 && result.all === result.some, `limit 2^53 lists all: ${result.all}`);
  assert.deepEqual(result.reversed, [result.ordered[0], ['搜索选项 from 晚于 to，已对调', ...result.ordered[1]]]);
});

test('site: a follow-up query fetches little, a repeated one nothing', async () => {
  const { result } = await withExplorer(async () => {
    const { explorer } = window;
    const first = await explorer.search('缙云山', { limit: 10 });
    const again = await explorer.search('缙云山', { limit: 10 });
    const other = await explorer.search('"两江新区"', { limit: 10 });
    return [first.fetched, again.fetched, other.fetched, first.total];
  });
  const [first, again, other, total] = result;
  assert.ok(total > 0, '缙云山 is in the archive');
  assert.ok(first.pieces > 0 && first.bytes > 0);
  assert.deepEqual(again, { pieces: 0, bytes: 0 }, 'a repeated query is answered from memory');
  const all = readdirSync(join(work, 'site/quxian')).length;
  assert.ok(other.pieces < all / 2, `a follow-up query fetched ${other.pieces} of ${all} pieces`);
});

test('site page: a shared link shows highlighted hits; filter, load more, back', async () => {
  for (const [viewport, scheme] of [['desktop', 'light'], ['phone', 'dark']]) {
    const { context, page, errors } = await sitePage(viewport, scheme);
    await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}`);
    await page.waitForSelector('#hits:not([aria-busy]) mark');
    assert.equal(await page.inputValue('#q'), '重庆');
    const status = await page.textContent('#status');
    const cli = cliSearch('重庆');
    assert.match(status, new RegExp(`${cli.total_docs.toLocaleString('zh-CN')} 篇文档`));
    const before = await page.locator('li.doc').count();
    assert.equal(before, 10);
    // Each result is a document with its best passage and how many more of it match (only
    // that passage's text is fetched), as the CLI ranks and counts them.
    const perDocument = new Map();
    for (const hit of cli.hits) perDocument.set(hit.key, (perDocument.get(hit.key) ?? 0) + 1);
    const links = await page.locator('li.doc h2 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const metas = await page.locator('li.doc .meta').allTextContents();
    [...perDocument].slice(0, 10).forEach(([key, matching], i) => {
      assert.ok(links[i].includes(encodeURIComponent(key)), `result ${i + 1} is ${key}: ${links[i]}`);
      const more = metas[i].match(/本文另有 (\d+) 段匹配/);
      assert.equal(more ? Number(more[1]) : 0, matching - 1, `other matches in ${key}`);
    });
    assert.ok(metas.some((m) => m.includes('本文另有')), 'some document has more than one match');
    await page.click('#more');
    await page.waitForFunction(() => document.querySelectorAll('li.doc').length > 10);
    // On a phone the filters come after the results, and a button at the top leads there.
    assert.equal(await page.isVisible('#to-facets'), viewport === 'phone');
    if (viewport === 'phone') {
      await page.click('#to-facets');
      await page.waitForFunction(() => document.activeElement?.dataset.facet === 'district');
      const top = await page.locator('#facets').evaluate((f) => f.getBoundingClientRect().top);
      assert.ok(Math.abs(top) < 5, `the filters are scrolled to the top: ${top}`);
    }
    // Districts busiest first, as the app lists them.
    const counts = await page.locator('#facets fieldset').first().locator('.count').allTextContents();
    const numbers = counts.map((c) => Number(c.replace(/\D/g, '')));
    assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), `district counts: ${counts}`);
    assert.ok(new Set(numbers).size > 1, `several district counts: ${counts}`);
    const label = page.locator('#facets label').first();
    const box = label.locator('input');
    const name = await box.inputValue();
    await box.check();
    await page.waitForFunction((n) => location.hash.includes(`district=${encodeURIComponent(n)}`), name);
    await page.waitForFunction(() => !document.querySelector('#status').textContent.includes('搜索中'));
    const filtered = cliSearch('重庆', ['--district', name]);
    await page.waitForFunction((t) => document.querySelector('#status').textContent.includes(t),
      `${filtered.total_docs.toLocaleString('zh-CN')} 篇文档`);
    await screenshot(page, 'site-results');
    await page.goBack();
    await page.waitForFunction(() => !location.hash.includes('district='));
    await page.waitForFunction((t) => document.querySelector('#status').textContent.includes(t),
      `${cli.total_docs.toLocaleString('zh-CN')} 篇文档`);
    assertNoErrors(errors);
    await context.close();
  }
});

test('site page: 排序 and 从/到 order and filter by date, in the link, as the CLI does', async () => {
  const context = await browser.newContext({ ...VIEWPORTS.desktop });
  const page = await context.newPage();
  page.viewportName = 'desktop';
  const errors = watchErrors(page);
  // The titles of the first 10 documents (by key: generated documents may share a title).
  const docsOf = (cli) => {
    const keys = [...new Set(cli.hits.map((h) => h.key))].slice(0, 10);
    return keys.map((k) => cli.hits.find((h) => h.key === k).title);
  };
  const titles = () => page.locator('li.doc h2 a').allTextContents();
  await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}&sort=newest`);
  await page.waitForSelector('#hits:not([aria-busy]) mark');
  assert.equal(await page.inputValue('#sort'), 'newest');
  assert.deepEqual(await titles(), docsOf(cliSearch('重庆', ['--sort', 'newest'])));
  const dates = await page.locator('li.doc .meta .date').allTextContents();
  assert.deepEqual(dates, [...dates].sort().reverse(), 'newest first');

  await page.selectOption('#sort', 'oldest');
  await page.fill('#from', '2024-01-01');
  await page.dispatchEvent('#from', 'change');
  await page.waitForFunction(() => location.hash.includes('from=2024-01-01') && location.hash.includes('sort=oldest'));
  const cli = cliSearch('重庆', ['--sort', 'oldest', '--from', '2024-01-01']);
  await page.waitForFunction((t) => document.querySelector('#status').textContent.startsWith(t),
    `${cli.total_docs.toLocaleString('zh-CN')} 篇文档`);
  assert.deepEqual(await titles(), docsOf(cli));
  await screenshot(page, 'site-dates');
  await page.goBack();
  await page.waitForFunction(() => !location.hash.includes('from='));
  assert.equal(await page.inputValue('#from'), '');
  // A range with no document in it says to widen it.
  await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}&from=1950&to=1951`);
  await page.waitForFunction(() => document.querySelector('#status').textContent.includes('放宽日期范围'));
  assertNoErrors(errors);
  await context.close();
});

/** The documents a timeline bar says it holds (its title: "2024年3月：12 篇"). */
async function barDocs(page, date) {
  const title = await page.locator(`#timeline .bar[data-date="${date}"]`).getAttribute('title');
  return Number(title.split('：')[1].replace(/[^\d]/g, ''));
}

/** Opens the search for `q`; its timeline's step (按日, 按月, 按年) and number of bars. */
async function openTimeline(page, q) {
  await page.goto(`${server.url}#q=${encodeURIComponent(q)}`);
  await page.waitForSelector('#timeline .bar');
  const caption = await page.locator('#timeline figcaption').innerText();
  return { step: /按[日月年]/.exec(caption)?.[0], bars: await page.locator('#timeline .bar').count() };
}

const statusOf = (cli) => `${cli.total_docs.toLocaleString('zh-CN')} 篇文档 · ${cli.total.toLocaleString('zh-CN')} 段匹配`;
const waitStatus = (page, text) => page.waitForFunction((t) => document.querySelector('#status').textContent.startsWith(t), text);

test('site page: the timeline counts documents as the CLI does; a bar, Shift, the keys and 清除日期 set 从/到', async () => {
  // No service worker: it would answer the requests that the test holds back below.
  const { context, page, errors } = await sitePage('desktop', 'light', { serviceWorkers: 'block' });
  const q = '重庆';
  // The archive's dates span 2019–2026: a bar per month, gaps included.
  assert.deepEqual(await openTimeline(page, q), { step: '按月', bars: 96 });
  const bars = page.locator('#timeline .bar');
  for (const month of ['2019-01', '2024-03', '2026-12']) {
    const cli = cliSearch(q, ['--from', month, '--to', month]);
    assert.equal(await barDocs(page, month), cli.total_docs, `documents of ${month}`);
  }
  await screenshot(page, 'site-timeline');

  // A bar filters by its month, in the link at the month's precision.
  await page.click('#timeline .bar[data-date="2024-03"]');
  await page.waitForFunction(() => location.hash.includes('from=2024-03&to=2024-03'));
  await waitStatus(page, statusOf(cliSearch(q, ['--from', '2024-03', '--to', '2024-03'])));
  assert.equal(await page.inputValue('#from'), '2024-03-01');
  assert.equal(await page.inputValue('#to'), '2024-03-31');
  await page.waitForSelector('#timeline .bar.in[data-date="2024-03"][aria-pressed="true"]');
  assert.equal(await page.locator('#timeline .bar.in').count(), 1, 'only the chosen month is marked');
  // The bars still show the months outside the filter.
  assert.equal(await bars.count(), 96);
  await screenshot(page, 'site-timeline-month');

  // Shift widens the span to the bar clicked.
  await page.click('#timeline .bar[data-date="2024-05"]', { modifiers: ['Shift'] });
  await page.waitForFunction(() => location.hash.includes('from=2024-03&to=2024-05'));
  await waitStatus(page, statusOf(cliSearch(q, ['--from', '2024-03', '--to', '2024-05'])));
  await page.waitForFunction(() => document.querySelectorAll('#timeline .bar.in').length === 3);

  // From the keyboard: one bar in the tab order (the one clicked), ← moves, Enter filters.
  await page.focus('#timeline .bar[tabindex="0"]');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.date), '2024-05');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.includes('from=2024-04&to=2024-04'));
  await waitStatus(page, statusOf(cliSearch(q, ['--from', '2024-04', '--to', '2024-04'])));
  await page.waitForFunction(() => document.activeElement?.dataset.date === '2024-04');

  // The bar of the span clears it, and so does 清除日期 (the focus staying on the bars);
  // back returns to the span.
  await page.click('#timeline .bar[data-date="2024-04"]');
  await page.waitForFunction(() => !location.hash.includes('from='));
  await waitStatus(page, statusOf(cliSearch(q)));
  await page.goBack();
  await page.waitForFunction(() => location.hash.includes('from=2024-04&to=2024-04'));
  await page.focus('#timeline .clear');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !location.hash.includes('from=') && !location.hash.includes('to='));
  assert.equal(await page.inputValue('#from'), '');
  await page.waitForFunction(() => document.querySelectorAll('#timeline .bar.in').length === 0 && !document.querySelector('#timeline .clear'));
  await page.waitForFunction(() => document.activeElement?.classList.contains('bar'));

  // An open end stays open: Shift on a bar after 从 keeps 从; on a bar before it, moves it.
  await page.goto(`${server.url}#q=${encodeURIComponent(q)}&from=2024`);
  await page.waitForSelector('#timeline .bar.in');
  await page.click('#timeline .bar[data-date="2021-06"]', { modifiers: ['Shift'] });
  await page.waitForFunction(() => location.hash.endsWith('from=2021-06'));
  await waitStatus(page, statusOf(cliSearch(q, ['--from', '2021-06'])));
  // A link's month as days is that month's bar: clicking it clears the filter.
  await page.goto(`${server.url}#q=${encodeURIComponent(q)}&from=2024-03-01&to=2024-03-31`);
  await page.waitForSelector('#timeline .bar.in[data-date="2024-03"]');
  await page.click('#timeline .bar[data-date="2024-03"]');
  await page.waitForFunction(() => !location.hash.includes('from='));

  // While another query is on its way, the bars on screen are the last one's: busy, and a
  // click on them does nothing (the new query's pieces held back a moment to see it).
  await page.route(/\/quxian\/[vgp]-/, async (route) => {
    await new Promise((ok) => setTimeout(ok, 800));
    await route.continue();
  });
  await page.fill('#q', '数字经济');
  await page.press('#q', 'Enter');
  await page.waitForSelector('#timeline[aria-busy="true"]');
  await page.click('#timeline .bar[data-date="2024-03"]');
  await page.waitForFunction(() => document.querySelector('#status').textContent.includes('篇文档'));
  await page.waitForSelector('#timeline:not([aria-busy])');
  assert.ok(!page.url().includes('from='), `a busy bar set no filter: ${page.url()}`);
  await page.unroute(/\/quxian\/[vgp]-/);

  // Nothing matches: no timeline.
  await page.fill('#q', '不存在的词语组合');
  await page.press('#q', 'Enter');
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('没有找到'));
  await page.waitForFunction(() => document.querySelector('#timeline').hidden);
  assertNoErrors(errors);
  await context.close();
});

test('site page: on a phone the timeline has bars a finger can tap, by year, and the page does not scroll sideways', async () => {
  const { context, page, errors } = await sitePage('phone', 'dark');
  const q = '重庆';
  // 96 months do not fit a phone: eight years.
  assert.deepEqual(await openTimeline(page, q), { step: '按年', bars: 8 });
  assert.equal(await barDocs(page, '2024'), cliSearch(q, ['--from', '2024', '--to', '2024']).total_docs);
  const width = await page.locator('#timeline .bar[data-date="2024"]').evaluate((b) => b.getBoundingClientRect().width);
  assert.ok(width >= 9, `a bar is ${width}px wide`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scrolling');
  await screenshot(page, 'site-timeline');
  await page.tap('#timeline .bar[data-date="2024"]');
  await page.waitForFunction(() => location.hash.includes('from=2024&to=2024'));
  await waitStatus(page, statusOf(cliSearch(q, ['--from', '2024', '--to', '2024'])));
  await screenshot(page, 'site-timeline-year');
  // A year the engine does not take (1900–2099) is dropped from a link with a notice, as
  // the app does, instead of failing the search.
  await page.goto(`${server.url}#q=${encodeURIComponent(q)}&from=1800`);
  await waitStatus(page, statusOf(cliSearch(q)));
  assert.match(await page.locator('#status').innerText(), /链接中的日期“1800”无效/);
  assertNoErrors(errors);
  await context.close();
});

test('site page: the 区县 × 主题 heat map counts as the CLI does; a cell lists its passages; back; busy', async () => {
  const { context, page, errors } = await sitePage('desktop', 'light', { serviceWorkers: 'block' });
  const q = '重庆';
  await page.goto(`${server.url}#q=${encodeURIComponent(q)}`);
  await page.waitForSelector('#heat:not([hidden])');
  await page.click('#heat summary');
  const cells = async () => (await page.locator('#heat td button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label'))))
    .map((label) => label.match(/^(.+) · (.+)：([\d,]+) 段$/).slice(1))
    .map(([d, t, n]) => [d, t, Number(n.replaceAll(',', ''))]);
  const shown = await cells();
  const cli = cliSearch(q).facets.pairs;
  assert.ok(shown.length >= 20, `${shown.length} cells`);
  // Every cell shown is the CLI's pair; the rows left out are the districts with fewest passages.
  const cliCount = new Map(cli.map(([d, t, n]) => [`${d}|${t}`, n]));
  for (const [d, t, n] of shown) assert.equal(n, cliCount.get(`${d}|${t}`), `${d} · ${t}`);
  const rows = new Set(shown.map(([d]) => d));
  const perDistrict = (d) => cli.filter((p) => p[0] === d).reduce((a, p) => a + p[2], 0);
  const hidden = [...new Set(cli.map(([d]) => d))].filter((d) => !rows.has(d));
  assert.equal(cli.filter(([d]) => rows.has(d)).length, shown.length, 'a listed district shows all its cells');
  for (const d of hidden) assert.ok([...rows].every((r) => perDistrict(r) >= perDistrict(d)), `${d} left out`);
  if (hidden.length > 0) assert.ok((await page.textContent('#heat .note')).includes(`另有 ${hidden.length} 个区县`));
  await screenshot(page, 'site-heat');

  // A cell lists its district and topic only, in the link; the counts stay the search's.
  const [d, t, n] = shown.find(([, , count]) => count > 1 && count < 50);
  await page.click(`#heat button[data-cell="${d}|${t}"]`);
  await page.waitForFunction(() => location.hash.includes('district=') && location.hash.includes('topic='));
  const hash = new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
  assert.deepEqual([hash.getAll('district'), hash.getAll('topic')], [[d], [t]]);
  await waitStatus(page, statusOf(cliSearch(q, ['--district', d, '--topic', t])));
  assert.equal(cliSearch(q, ['--district', d, '--topic', t]).total, n, 'the cell counted what it lists');
  await page.waitForSelector(`#heat button[data-cell="${d}|${t}"][aria-pressed="true"]`);
  assert.deepEqual(await cells(), shown, 'the map is the search\'s, without its district and topic filters');
  await page.goBack();
  await waitStatus(page, statusOf(cliSearch(q)));
  await page.waitForFunction(() => !location.hash.includes('district='));

  // One cell is in the tab order; the arrow keys move between cells.
  assert.equal(await page.locator('#heat button[tabindex="0"]').count(), 1);
  await page.locator('#heat button[tabindex="0"]').focus();
  const cellOf = () => page.evaluate(() => document.activeElement.dataset.cell);
  const start = await cellOf();
  await page.keyboard.press('ArrowRight');
  assert.notEqual(await cellOf(), start, '→ moves on');
  await page.keyboard.press('ArrowDown');
  const below = await cellOf();
  assert.notEqual(below.split('|')[0], start.split('|')[0], '↓ moves to another district');
  await page.keyboard.press('Home');
  assert.equal(await cellOf(), await page.locator('#heat td button').first().getAttribute('data-cell'));
  assert.equal(await page.locator('#heat button[tabindex="0"]').count(), 1);

  // While another search is on its way the cells are the last one's: a click does nothing.
  // Back before it comes makes them this view's again.
  await page.route('**/quxian/*.qxs', async (route) => { await new Promise((r) => setTimeout(r, 1500)); await route.continue(); });
  await page.fill('#q', '缙云山');
  await page.press('#q', 'Enter');
  await page.waitForSelector('#heat[aria-busy="true"]');
  await page.locator('#heat td button').first().click();
  assert.ok(!(await page.evaluate(() => location.hash)).includes('district='), 'a busy cell sets no filter');
  await page.goBack();
  await page.waitForFunction(() => !document.querySelector('#heat').hasAttribute('aria-busy')
    && !document.querySelector('#timeline').hasAttribute('aria-busy'));
  await page.click(`#heat button[data-cell="${d}|${t}"]`);
  await page.waitForFunction(() => location.hash.includes('district='));
  await page.unroute('**/quxian/*.qxs');
  await waitStatus(page, statusOf(cliSearch(q, ['--district', d, '--topic', t])));
  assertNoErrors(errors);
  await context.close();
});

test('site page: the 区县 map shades each district by its passages as the CLI counts them; a tile filters; keys; busy', async () => {
  const { context, page, errors } = await sitePage('desktop', 'light', { serviceWorkers: 'block' });
  const q = '重庆';
  await page.goto(`${server.url}#q=${encodeURIComponent(q)}`);
  await page.waitForSelector('#map:not([hidden]) .tile', { state: 'attached' });
  await page.click('#map summary');
  const tiles = async () => (await page.locator('#map .tile').evaluateAll((ts) => ts.map((t) => [t.dataset.tile, t.querySelector('title').textContent])))
    .map(([d, title]) => [d, Number(title.match(/：([\d,]+) 段$/)[1].replaceAll(',', ''))]);
  const shown = await tiles();
  const cli = cliSearch(q).facets.district;
  // Every district of the built-in gazetteer's map, with the CLI's count (0 for none).
  assert.ok(shown.length >= 38, `${shown.length} tiles`);
  for (const [d, n] of shown) assert.equal(n, cli[d] ?? 0, d);
  // Districts the map does not place (全市: a city-level article) are named under it.
  const placed = new Set(shown.map(([d]) => d));
  const elsewhere = Object.entries(cli).filter(([d, n]) => n > 0 && !placed.has(d));
  assert.ok(elsewhere.length > 0);
  assert.equal(await page.textContent('#map .note'), `地图之外：${elsewhere.map(([d, n]) => `${d} ${n.toLocaleString('zh-CN')}`).join('、')}`);
  // The most passages get the darkest shade; a district without any is no button.
  const most = shown.reduce((a, b) => (b[1] > a[1] ? b : a));
  assert.match(await page.getAttribute(`#map .tile[data-tile="${most[0]}"]`, 'class'), /\bm4\b/);
  for (const [d, n] of shown.filter(([, count]) => count === 0)) {
    assert.equal(await page.getAttribute(`#map .tile[data-tile="${d}"]`, 'role'), null, `${d} has no passages`);
  }
  await screenshot(page, 'site-map');
  assert.ok(!(await page.isVisible('#map .scroll-hint')), 'the whole map fits: no scrolling hint');

  // A tile chooses its district (the link, the status as the CLI's, its box ticked); again drops it.
  const [d, n] = shown.find(([, count]) => count > 1 && count < most[1]);
  await page.click(`#map .tile[data-tile="${d}"]`);
  await page.waitForFunction(() => location.hash.includes('district='));
  assert.deepEqual(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).getAll('district'), [d]);
  await waitStatus(page, statusOf(cliSearch(q, ['--district', d])));
  assert.equal(cliSearch(q, ['--district', d]).total, n, 'the tile counted what it lists');
  await page.waitForSelector(`#map .tile[data-tile="${d}"][aria-pressed="true"]`);
  assert.ok(await page.isChecked(`#facets input[data-facet="district"][value="${d}"]`));
  await page.click(`#map .tile[data-tile="${d}"]`);
  await page.waitForFunction(() => !location.hash.includes('district='));
  await waitStatus(page, statusOf(cliSearch(q)));

  // One tile is in the tab order; the arrow keys move; Enter chooses.
  await page.waitForFunction(() => !document.querySelector('#map').hasAttribute('aria-busy'));
  assert.equal(await page.locator('#map .tile[tabindex="0"]').count(), 1);
  await page.locator('#map .tile[tabindex="0"]').focus();
  const tileOf = () => page.evaluate(() => document.activeElement.dataset.tile);
  const start = await tileOf();
  await page.keyboard.press('ArrowDown');
  const below = await tileOf();
  assert.notEqual(below, start, '↓ moves to the row below');
  await page.keyboard.press('ArrowRight');
  assert.notEqual(await tileOf(), below, '→ moves on');
  const chosen = await tileOf();
  await page.keyboard.press('Enter');
  await page.waitForFunction((t) => new URLSearchParams(location.hash.slice(1)).getAll('district').includes(t), chosen);
  await page.waitForFunction((t) => document.activeElement?.dataset.tile === t, chosen);
  assert.equal(await page.locator('#map .tile[tabindex="0"]').count(), 1, 'the focus stays on the tile drawn anew');

  // No matches: the map shows only a chosen district; dropping it hides the map, and the
  // focus goes to the results, not to the page.
  await page.goto(`${server.url}#q=${encodeURIComponent('"熊猫缙云山北碚重庆"')}&district=北碚`);
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('没有找到')
    && !document.querySelector('#map').hidden && !document.querySelector('#map').hasAttribute('aria-busy'));
  if (await page.getAttribute('#map', 'open') === null) await page.click('#map summary');
  assert.deepEqual(await page.locator('#map .tile[role=button]').evaluateAll((ts) => ts.map((t) => t.dataset.tile)), ['北碚']);
  await page.focus('#map .tile[data-tile="北碚"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#map').hidden);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'results');
  await page.goto(`${server.url}#q=${encodeURIComponent(q)}`);
  await page.waitForSelector('#map:not([hidden]) .tile', { state: 'attached' });
  if (await page.getAttribute('#map', 'open') === null) await page.click('#map summary');

  // While another search is on its way the tiles are the last one's: a click does nothing.
  await page.route('**/quxian/*.qxs', async (route) => { await new Promise((r) => setTimeout(r, 1500)); await route.continue(); });
  await page.fill('#q', '缙云山');
  await page.press('#q', 'Enter');
  await page.waitForSelector('#map[aria-busy="true"]');
  const other = shown.find(([t, count]) => count > 0 && t !== chosen)[0];
  await page.locator(`#map .tile[data-tile="${other}"]`).click();
  assert.ok(!new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).getAll('district').includes(other), 'a busy tile sets no filter');
  // So do the filters' boxes, whose counts are the last search's too.
  const box = `#facets input[data-facet="district"][value="${other}"]`;
  assert.equal(await page.getAttribute('#facets', 'aria-busy'), 'true');
  await page.click(box);
  assert.ok(!(await page.isChecked(box)), 'a busy box stays as it was');
  assert.ok(!new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).getAll('district').includes(other), 'a busy box sets no filter');
  await page.unroute('**/quxian/*.qxs');
  assertNoErrors(errors);
  await context.close();
});

test('site page: on a phone the map opens at its busiest district or the chosen one, and keeps where the reader scrolled it', async () => {
  const { context, page, errors } = await sitePage('phone', 'light', { serviceWorkers: 'block' });
  const q = '重庆';
  // Which tile the box shows, by its centre: inside the scroll box's visible part.
  const visible = (tile) => page.evaluate((t) => {
    const box = document.querySelector('#map .map-scroll').getBoundingClientRect();
    const r = document.querySelector(`#map .tile[data-tile="${t}"]`).getBoundingClientRect();
    const middle = r.left + r.width / 2;
    return middle >= box.left && middle <= box.right;
  }, tile);
  const scrollLeft = () => page.evaluate(() => document.querySelector('#map .map-scroll').scrollLeft);
  await page.goto(`${server.url}#q=${encodeURIComponent(q)}`);
  await page.waitForSelector('#map:not([hidden]) .tile', { state: 'attached' });
  assert.equal(await page.getAttribute('#map', 'open'), null, 'the map starts closed');
  await page.click('#map summary');
  // Placed once open (the toggle event comes a moment after the click).
  await page.waitForSelector('#map .map-scroll[data-placed]');
  const counts = Object.entries(cliSearch(q).facets.district);
  const placed = await page.locator('#map .tile').evaluateAll((ts) => ts.map((t) => t.dataset.tile));
  const [busiest] = counts.filter(([d]) => placed.includes(d)).reduce((a, b) => (b[1] > a[1] ? b : a));
  assert.ok(await page.evaluate(() => {
    const scroll = document.querySelector('#map .map-scroll');
    return scroll.scrollWidth > scroll.clientWidth;
  }), 'on a phone the map is wider than its box');
  assert.ok(await visible(busiest), `the busiest district (${busiest}) is in view`);
  assert.equal(await page.textContent('#map .scroll-hint'), '← 左右滑动可看到全部区县 →');
  assert.ok(await page.isVisible('#map .scroll-hint'), 'a line says the map scrolls sideways');
  await screenshot(page, 'site-map-phone');

  // The reader scrolls it back west, then chooses a tile there: the map drawn anew stays put.
  await page.evaluate(() => { document.querySelector('#map .map-scroll').scrollLeft = 0; });
  const west = await page.locator('#map .tile[role=button]').evaluateAll((ts) => {
    const box = document.querySelector('#map .map-scroll').getBoundingClientRect();
    return ts.find((t) => t.getBoundingClientRect().right <= box.right)?.dataset.tile;
  });
  assert.ok(west, 'a tile with passages at the west end');
  await page.click(`#map .tile[data-tile="${west}"]`);
  await page.waitForSelector(`#map:not([aria-busy]) .tile[data-tile="${west}"][aria-pressed="true"]`);
  assert.equal(await scrollLeft(), 0, 'the map stays where the reader left it');
  // So it does through a new search, a new order, closing and opening it.
  await page.evaluate(() => { document.querySelector('#map .map-scroll').scrollLeft = 100; });
  await page.waitForFunction(() => document.querySelector('#map .map-scroll').scrollLeft === 100);
  await page.fill('#q', '交通');
  await page.press('#q', 'Enter');
  await page.waitForFunction(() => !document.querySelector('#status').textContent.startsWith('搜索中')
    && !document.querySelector('#map').hasAttribute('aria-busy') && !document.querySelector('#map').hidden);
  assert.equal(await scrollLeft(), 100, 'after a new search');
  await page.selectOption('#sort', 'newest');
  await page.waitForFunction(() => location.hash.includes('sort=newest'));
  await page.waitForFunction(() => !document.querySelector('#map').hasAttribute('aria-busy') && !document.querySelector('#map').hidden);
  assert.equal(await scrollLeft(), 100, 'after a new order');
  await page.click('#map summary');
  await page.click('#map summary');
  await page.waitForFunction(() => document.querySelector('#map .map-scroll').scrollLeft === 100);

  // A link with a district chosen opens the map at that district.
  const east = placed.filter((d) => counts.some(([c, n]) => c === d && n > 0)).at(-1);
  await page.goto('about:blank');
  await page.goto(`${server.url}#q=${encodeURIComponent(q)}&district=${encodeURIComponent(east)}`);
  await page.waitForSelector('#map:not([hidden]):not([aria-busy]) .tile.chosen', { state: 'attached' });
  if (await page.getAttribute('#map', 'open') === null) await page.click('#map summary');
  await page.waitForSelector('#map .map-scroll[data-placed]');
  assert.ok(await visible(east), `the chosen district (${east}) is in view`);
  assertNoErrors(errors);
  await context.close();
});

test('site page: 导出 CSV and JSON hold every matching passage the CLI finds, in the app\'s format; 取消导出 stops', async () => {
  // No service worker: it would answer the requests that the test holds back below.
  const { context, page, errors } = await sitePage('desktop', 'light', { acceptDownloads: true, serviceWorkers: 'block' });
  const q = '缙云山';
  await page.goto(`${server.url}#q=${encodeURIComponent(q)}&sort=newest`);
  await page.waitForSelector('#export:not([hidden])');
  const cli = cliSearch(q, ['--sort', 'newest']);
  const download = async (format) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.click(`#export button[data-format="${format}"]`)]);
    return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
  };

  const csv = await download('csv');
  assert.equal(csv.name, 'quxian-缙云山.csv');
  assert.ok(csv.text.startsWith('\uFEFF'), 'a byte-order mark for spreadsheets');
  const [header, ...rows] = parseCsv(csv.text.slice(1));
  assert.deepEqual(header, ['文档', '文档键', '日期', '来源', '段落', '区县', '主题', '文本', '链接']);
  assert.equal(rows.length, cli.total, 'every matching passage');
  assert.deepEqual(rows.map((r) => [r[1], Number(r[4]) - 1]), cli.hits.map((h) => [h.key, h.passage]),
    'the passages of the CLI, in its order');
  rows.forEach((r, i) => {
    assert.equal(r[0], cli.hits[i].title);
    assert.deepEqual([r[5], r[6]], [cli.hits[i].districts.join('、'), cli.hits[i].topics.join('、')]);
    assert.ok(r[7].includes(q), `the full text holds the query: ${r[7].slice(0, 40)}`);
  });
  assert.equal(await page.textContent('#export-status'), `已导出 ${rows.length} 段（quxian-缙云山.csv）`);

  const json = await download('json');
  assert.equal(json.name, 'quxian-缙云山.json');
  // Names of other views, as the app names them (web/src/export.rs's unit test): an
  // excluded word is not named as if the file held it.
  const names = await page.evaluate(async () => {
    const { fileName } = await import('./site-export.js');
    return [['"缙云山" -渝北', []], ['重庆 高铁', ['渝北']], ['', ['渝北', '两江新区']], ['../..', []]]
      .map(([q, district]) => fileName({ q, district, topic: [] }, 'csv'));
  });
  assert.deepEqual(names, ['quxian-缙云山_不含渝北.csv', 'quxian-重庆_高铁_渝北.csv', 'quxian-渝北_两江新区.csv', 'quxian-全部.csv']);
  const exported = JSON.parse(json.text);
  assert.equal(json.text, JSON.stringify(exported, null, 2), 'pretty JSON, as the app writes it');
  assert.deepEqual(Object.keys(exported), ['query', 'districts', 'topics', 'from', 'to', 'sort', 'total', 'rows']);
  assert.deepEqual([exported.query, exported.sort, exported.total], [q, 'newest', cli.total]);
  assert.deepEqual(Object.keys(exported.rows[0]), ['title', 'key', 'date', 'source', 'passage', 'districts', 'topics', 'text', 'link']);
  // The same texts, but in CSV a text that a spreadsheet would run as a formula (this
  // archive has one starting with "- ") gets a leading ' as in the app's export.
  const guarded = (text) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
  assert.deepEqual(exported.rows.map((r) => guarded(r.text)), rows.map((r) => r[7]), 'CSV and JSON hold the same texts');

  // A row's link opens its passage.
  const row = exported.rows[Math.floor(exported.rows.length / 2)];
  await page.goto(row.link);
  await page.waitForSelector('#reader li.target');
  assert.equal(await page.textContent('#reader h2'), row.title);
  assert.ok((await page.textContent('#reader li.target')).includes(row.text.slice(0, 20)));
  assert.ok(await page.isHidden('#export'), 'no 导出 while reading');

  // 取消导出, from the keyboard, stops an export even in its last step (one step here: the
  // pieces are held back so that it is still running): nothing is downloaded, and the
  // focus goes back to the button that started it. A new search clears the line. (A fresh
  // page: this one holds every piece of 缙云山's passages by now.)
  await page.goto('about:blank');
  await page.goto(`${server.url}#q=${encodeURIComponent('缙云山')}`);
  await page.waitForSelector('#export:not([hidden])');
  let downloaded = false;
  page.on('download', () => { downloaded = true; });
  await page.route('**/quxian/*.qxs', async (route) => { await new Promise((r) => setTimeout(r, 500)); await route.continue(); });
  await page.focus('#export button[data-format="csv"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#export-cancel:not([hidden])');
  assert.equal(await page.getAttribute('#export button[data-format="json"]', 'aria-disabled'), 'true', 'one export at a time');
  await page.focus('#export-cancel');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#export-status').textContent === '已取消导出');
  await page.unroute('**/quxian/*.qxs');
  assert.ok(await page.isHidden('#export-cancel'));
  assert.equal(await page.evaluate(() => document.activeElement.dataset.format), 'csv');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(downloaded, false);
  await page.fill('#q', '重庆');
  await page.press('#q', 'Enter');
  await page.waitForFunction(() => document.querySelector('#export-status').textContent === '');

  // A search with no matches typed while an export runs: the export's bar stays, with its
  // progress and 取消导出; once it is cancelled, 导出 goes (nothing to export now).
  await page.waitForSelector('#export:not([hidden])');
  await page.route('**/quxian/*.qxs', async (route) => { await new Promise((r) => setTimeout(r, 500)); await route.continue(); });
  await page.click('#export button[data-format="csv"]');
  await page.waitForSelector('#export-cancel:not([hidden])');
  await page.fill('#q', '"重庆熊猫缙云山"');
  await page.press('#q', 'Enter');
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('没有找到'));
  assert.ok(await page.isVisible('#export-cancel'), 'the running export can still be cancelled');
  await page.click('#export-cancel');
  await page.waitForFunction(() => document.querySelector('#export-status').textContent === '已取消导出');
  await page.waitForSelector('#export', { state: 'hidden' });
  await page.unroute('**/quxian/*.qxs');
  assertNoErrors(errors);
  await context.close();
});

test('site page: axe finds no critical or serious violation, light and dark, with the timeline, the map, the heat map and a date filter', async () => {
  for (const scheme of ['light', 'dark']) {
    // bypassCSP: the page's CSP (rightly) forbids the injected axe script.
    const context = await browser.newContext({ ...VIEWPORTS.desktop, colorScheme: scheme, bypassCSP: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}&from=2024-03&to=2024-05`);
    await page.waitForSelector('#timeline .bar.in');
    await page.waitForSelector('#facets input');
    await page.click('#heat summary');
    await page.waitForSelector('#heat td button');
    await page.click('#map summary');
    await page.waitForSelector('#map .tile[role=button]');
    const found = await axeViolations(page);
    assert.deepEqual(found, [], `axe found (${scheme}):\n  ${found.join('\n  ')}`);
    assertNoErrors(errors);
    await context.close();
  }
});

test('site page: a result opens its document at the matching passage; back returns; a bad link says so', async () => {
  for (const [viewport, scheme] of [['desktop', 'dark'], ['phone', 'light']]) {
    const { context, page, errors } = await sitePage(viewport, scheme);
    await page.goto(`${server.url}#q=${encodeURIComponent('缙云山')}`);
    await page.waitForSelector('#hits:not([aria-busy]) mark');
    const first = page.locator('li.doc h2 a').first();
    const title = await first.textContent();
    await first.click();
    await page.waitForSelector('#reader li.target');
    assert.ok(await page.isHidden('#hits'), 'the results give way to the document');
    assert.equal(await page.textContent('#reader h2'), title);
    const hash = new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
    assert.equal(hash.get('q'), '缙云山', 'the link keeps the search');
    const cli = cliSearch('"缙云山"');
    const hit = cli.hits.find((h) => h.key === hash.get('doc') && h.passage === Number(hash.get('p')));
    assert.ok(hit, `the document and passage of a hit: ${hash}`);
    const target = await page.textContent('#reader li.target');
    assert.ok(target.includes('缙云山'), 'the marked passage holds the query');
    assert.ok((await page.locator('#reader li.target mark').allTextContents()).includes('缙云山'),
      'the query is highlighted in the document, as in the results');
    assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('target')), 'focus moves to it');
    await screenshot(page, 'site-reader');
    // Back by the browser, or by Esc as by the back link; either way focus returns to the
    // result that was opened.
    if (viewport === 'desktop') await page.keyboard.press('Escape');
    else await page.goBack();
    await page.waitForSelector('#hits:not([aria-busy]) mark');
    assert.ok(await page.isHidden('#reader'));
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), title, 'focus is back on the result');
    // A passage past the document's end: its start, and a notice that says so.
    await page.goto(`${server.url}#doc=${encodeURIComponent(hash.get('doc'))}&p=99999`);
    await page.waitForFunction(() => document.querySelector('#status').textContent.includes('链接中的 p=99999（第 100000 段）不在这篇文档中'));
    await page.goto(`${server.url}#doc=${encodeURIComponent('<img src=x onerror=alert(1)>')}&p=3`);
    await page.waitForFunction(() => document.querySelector('#status').textContent.includes('不在本网站'));
    assert.equal(await page.locator('#reader img').count(), 0, 'a key is never HTML');
    assertNoErrors(errors);
    await context.close();
  }
});

test('site page: links with a bad order or date, the skip link, typing, back from a document, a failed query', async () => {
  const context = await browser.newContext({ ...VIEWPORTS.desktop });
  const page = await context.newPage();
  page.viewportName = 'desktop';
  const errors = watchErrors(page);
  const status = () => page.textContent('#status');
  // A bad order and a bad date are notices; the search runs. A month shows as its last day
  // in 到 (the field holds days), and stays a month in the link.
  await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}&sort=random&from=banana&to=2099-06`);
  await page.waitForSelector('#hits:not([aria-busy]) mark');
  assert.ok((await status()).includes('链接中的排序“random”无效（可用 newest 或 oldest），已按相关度排序'), await status());
  assert.ok((await status()).includes('链接中的日期“banana”无效（应写成 2026-05-02、2026-05 或 2026），已忽略'), await status());
  assert.equal(await page.inputValue('#sort'), '');
  assert.equal(await page.inputValue('#to'), '2099-06-30');
  const all = cliSearch('重庆');
  assert.match(await status(), new RegExp(`^${all.total_docs.toLocaleString('zh-CN')} 篇文档`));

  // An unknown parameter, a district or topic the site does not have, a broken encoding,
  // a bad passage number: each a notice, as the app gives; the rest of the view is used.
  await page.goto('about:blank');
  await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}&foo=bar&district=${encodeURIComponent('火星')}&topic=${encodeURIComponent('无')}&from=%E4%B8%ZZ`);
  await page.waitForSelector('#hits:not([aria-busy]) mark');
  for (const notice of ['链接中有未知参数“foo”，已忽略', '未知区县“火星”，已忽略', '未知主题“无”，已忽略',
    '链接参数 from 的编码有误，已忽略']) {
    assert.equal((await status()).split(notice).length, 2, `${notice} once: ${await status()}`);
  }
  assert.match(await status(), new RegExp(`^${all.total_docs.toLocaleString('zh-CN')} 篇文档`));
  // A `%` that starts no escape: the query is kept as written, as the app keeps it, and said.
  await page.goto('about:blank');
  await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}%`);
  await page.waitForSelector('#hits:not([aria-busy]) mark');
  assert.equal(await page.inputValue('#q'), '重庆%');
  assert.ok((await status()).includes('链接参数 q 中有不完整的 % 编码，已按原样保留'), await status());
  await page.goto('about:blank');
  await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}&p=-1&district=`);
  await page.waitForSelector('#hits:not([aria-busy]) mark');
  assert.ok((await status()).includes('链接中的段落编号“-1”无效，已忽略'), await status());
  assert.ok(!(await status()).includes('区县'), `an empty district= is no filter: ${await status()}`);

  // The skip link moves the focus to the results; the view stays.
  const hash = await page.evaluate(() => location.hash);
  await page.focus('a.skip');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => location.hash), hash);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'results');
  assert.equal(await page.locator('li.doc').count(), 10);

  // Two pages, a document opened from the second, back: both pages, where they were.
  await page.click('#more');
  await page.waitForFunction(() => document.querySelectorAll('li.doc').length === 20);
  const opened = page.locator('li.doc h2 a').nth(14);
  await opened.scrollIntoViewIfNeeded();
  const scrolled = await page.evaluate(() => scrollY);
  assert.ok(scrolled > 0, 'the second page is below the fold');
  await opened.click();
  await page.waitForSelector('#reader li.target');
  await page.goBack();
  await page.waitForFunction(() => !document.querySelector('#results').hidden);
  assert.equal(await page.locator('li.doc').count(), 20, 'both pages are back');
  assert.ok(Math.abs(await page.evaluate(() => scrollY) - scrolled) < 2, 'and the place in them');

  // Typing with pauses writes one history entry: Back returns to the view before it.
  const before = await page.evaluate(() => location.hash);
  await page.click('#q');
  await page.fill('#q', '');
  for (const c of '缙云山') {
    await page.keyboard.type(c);
    await page.waitForTimeout(300);
  }
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('q=缙云山'));
  await page.goBack();
  await page.waitForFunction((h) => location.hash === h, before);

  // A query the engine refuses (too long) leaves no results of the query before it.
  await page.fill('#q', '重'.repeat(1001));
  await page.press('#q', 'Enter');
  await page.waitForFunction(() => document.querySelector('#status').className === 'error');
  assert.match(await status(), /查询太长/);
  assert.equal(await page.locator('li.doc').count(), 0);
  assert.ok(await page.isHidden('#more'));
  assert.equal(await page.locator('#facets label').count(), 0);
  assertNoErrors(errors);
  await context.close();
});

test('site page: district: typed in the box ticks its box; -词 drops whole documents; a reversed range', async () => {
  const context = await browser.newContext({ ...VIEWPORTS.desktop });
  const page = await context.newPage();
  page.viewportName = 'desktop';
  const errors = watchErrors(page);
  const status = () => page.textContent('#status');
  const counted = () => page.waitForFunction(() => {
    const f = document.querySelector('#facets');
    return f.querySelector('label') && !f.hasAttribute('aria-busy');
  });
  // The query's own filter is ticked and can only be changed in the box.
  await page.goto(`${server.url}#q=${encodeURIComponent('重庆 district:北碚')}`);
  await page.waitForSelector('#hits:not([aria-busy]) mark');
  await counted();
  const box = page.locator('#facets input[value="北碚"]');
  assert.ok(await box.isChecked(), 'ticked by district:北碚');
  assert.ok(await box.isDisabled(), 'changed in the box only');
  const filtered = cliSearch('重庆 district:北碚');
  assert.match(await status(), new RegExp(`^${filtered.total_docs.toLocaleString('zh-CN')} 篇文档`));

  // -北碚 leaves out every document that names 北碚 anywhere, as the CLI does.
  const without = cliSearch('重庆 -北碚');
  const all = cliSearch('重庆');
  const named = new Set(cliSearch('北碚').hits.map((h) => h.key));
  assert.equal(without.total_docs, new Set(all.hits.map((h) => h.key).filter((k) => !named.has(k))).size);
  await page.fill('#q', '重庆 -北碚');
  await page.press('#q', 'Enter');
  await page.waitForFunction((t) => document.querySelector('#status').textContent.startsWith(t),
    `${without.total_docs.toLocaleString('zh-CN')} 篇文档`);

  // A link's reversed range is swapped, with the app's notice; fields set reversed too.
  await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}&from=2025&to=2024-03`);
  await page.waitForFunction(() => /篇文档.*链接中的起始日期晚于结束日期，已对调/.test(document.querySelector('#status').textContent));
  assert.equal(await page.inputValue('#from'), '2024-03-01');
  assert.equal(await page.inputValue('#to'), '2025-12-31');
  await page.fill('#from', '2026-01-01');
  await page.dispatchEvent('#from', 'change');
  await page.waitForFunction(() => location.hash.includes('from=2025&to=2026-01-01'));
  assert.equal(await page.inputValue('#from'), '2025-01-01');
  assert.equal(await page.inputValue('#to'), '2026-01-01');
  assertNoErrors(errors);
  await context.close();
});

test('site page: a link’s 北碚区 is the box 北碚; counts cut short by a document come back; focus and place are kept', async () => {
  // Requests answered by the service worker would pass the routes below.
  const context = await browser.newContext({ ...VIEWPORTS.desktop, serviceWorkers: 'block' });
  let page = await context.newPage();
  page.viewportName = 'desktop';
  let errors = watchErrors(page);
  const status = () => page.textContent('#status');
  const counted = () => page.waitForFunction(() => {
    const f = document.querySelector('#facets');
    return f.querySelector('label') && !f.hasAttribute('aria-busy');
  });
  const docsLine = (cli) => `${cli.total_docs.toLocaleString('zh-CN')} 篇文档`;
  // A link naming a district by its full name: the box of its short name is ticked, the
  // link takes the short name, and unticking it clears the filter.
  await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}&district=${encodeURIComponent('北碚区')}`);
  await counted();
  assert.ok(await page.isChecked('#facets input[value="北碚"]'));
  assert.ok(decodeURIComponent(await page.evaluate(() => location.hash)).includes('district=北碚&') ||
    decodeURIComponent(await page.evaluate(() => location.hash)).endsWith('district=北碚'));
  assert.match(await status(), new RegExp(`^${docsLine(cliSearch('重庆', ['--district', '北碚']))}`));
  await page.uncheck('#facets input[value="北碚"]');
  await page.waitForFunction((t) => document.querySelector('#status').textContent.startsWith(t), docsLine(cliSearch('重庆')));
  assert.ok(!(await page.evaluate(() => location.hash)).includes('district='));

  // A document opened before the counts arrive (the passage tables come slowly): back in
  // the results, the counts are this search's. (A fresh page: nothing of it is cached.)
  await counted();
  await page.close();
  page = await context.newPage();
  page.viewportName = 'desktop';
  errors = watchErrors(page);
  await page.route(/\/quxian\/[tu]-/, async (route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  });
  await page.goto(`${server.url}#q=${encodeURIComponent('发展')}`);
  await page.waitForSelector('#hits:not([aria-busy]) mark');
  await page.waitForFunction(() => document.querySelector('#facets').hasAttribute('aria-busy'));
  await page.click('li.doc h2 a');
  await page.waitForSelector('#reader li.target');
  await page.goBack();
  await counted();
  const cli = cliSearch('发展');
  const [name, want] = Object.entries(cli.facets.district).sort((a, b) => b[1] - a[1])[0];
  const label = page.locator('#facets label', { has: page.locator(`input[value="${name}"]`) });
  assert.equal(await label.locator('.count').innerText(), want.toLocaleString('zh-CN'));
  await page.unroute(/\/quxian\/[tu]-/);

  // 加载更多 by keyboard keeps the focus; back from a document focuses its result, at its
  // place; pressing Enter again on the same search does not move the page.
  await page.focus('#more');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('li.doc').length === 20);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'more');
  const link = page.locator('li.doc h2 a').nth(12);
  const href = await link.getAttribute('href');
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reader li.target');
  await page.goBack();
  await page.waitForFunction(() => !document.querySelector('#results').hidden);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), href);
  await page.evaluate(() => scrollTo(0, 0));
  await page.press('#q', 'Enter');
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => scrollY), 0);

  // A filter ticked with the keyboard keeps the focus when the counts are drawn again.
  const box = page.locator(`#facets input[value="${name}"]`);
  await box.focus();
  await page.keyboard.press('Space');
  await page.waitForFunction((t) => document.querySelector('#status').textContent.startsWith(t),
    docsLine(cliSearch('发展', ['--district', name])));
  await counted();
  assert.equal(await page.evaluate(() => document.activeElement?.value), name);

  // A date typed digit by digit (month, day, year in this browser's locale; each year digit
  // changes the field: 0002-03-15, 0020-…): one search and one history entry.
  const entries = await page.evaluate(() => history.length);
  await page.focus('#from');
  await page.keyboard.type('03152024');
  await page.waitForFunction(() => location.hash.includes('from=2024-03-15'));
  await counted();
  assert.equal(await page.evaluate(() => history.length), entries + 1);
  assertNoErrors(errors);
  await context.close();
});

test('site page: a new search shows its first document before the rest of its page; a rest that fails keeps it', async () => {
  const { context, page, errors } = await sitePage('desktop', 'light', { serviceWorkers: 'block' });
  // Texts after the first one wait until the test lets them through.
  let texts = 0;
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/quxian\/x-/, async (route) => {
    texts += 1;
    if (texts > 1) await held;
    return route.continue();
  });
  await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}`);
  await page.waitForSelector('#hits mark');
  assert.equal(await page.locator('li.doc').count(), 1, 'the first document alone');
  assert.equal(await page.textContent('#status'), '搜索中…', 'the totals wait for the whole page');
  assert.equal(await page.getAttribute('#hits', 'aria-busy'), 'true');
  assert.ok(await page.isHidden('#more'), '加载更多 waits for the rest of the page');
  release();
  await page.waitForSelector('#hits:not([aria-busy]) mark');
  assert.equal(await page.locator('li.doc').count(), 10);
  const cli = cliSearch('重庆');
  assert.match(await page.textContent('#status'), new RegExp(`^${cli.total_docs.toLocaleString('zh-CN')} 篇文档`));
  const docs = await page.$$eval('li.doc h2 a', (links) => links.map((a) => new URLSearchParams(a.hash.slice(1)).get('doc')));
  assert.deepEqual(docs, [...new Set(cli.hits.map((h) => h.key))].slice(0, 10), 'in the CLI\'s order');
  await page.unroute(/\/quxian\/x-/);

  // The rest of a page fails (the host answers 500 for texts after the first): the first
  // document stays, with the message; no counts of this search are shown.
  texts = 0;
  await page.route(/\/quxian\/x-/, (route) => {
    texts += 1;
    return texts > 1 ? route.fulfill({ status: 500, body: 'down' }) : route.continue();
  });
  await page.fill('#q', '发展');
  await page.press('#q', 'Enter');
  await page.waitForFunction(() => document.querySelector('#status').className === 'error');
  assert.match(await page.textContent('#status'), /HTTP 500/);
  assert.equal(await page.locator('li.doc').count(), 1, 'the first document stays');
  assert.equal(await page.locator('#facets label').count(), 0, 'no counts of another search');
  assert.equal(await page.getAttribute('#hits', 'aria-busy'), null);
  assert.ok(await page.isHidden('#more'));
  assertNoErrors(errors.filter((e) => !/^HTTP 500: .*\/quxian\/x-/.test(e)));
  await context.close();
});

test('site page: Back or an undone query while a page loads shows the search of the view; the focus comes back; the last 加载更多 hands it on', async () => {
  const { context, page, errors } = await sitePage('desktop', 'light', { serviceWorkers: 'block' });
  const docsOf = () => page.$$eval('li.doc h2 a', (links) => links.map((a) => new URLSearchParams(a.hash.slice(1)).get('doc')));
  const cliDocs = (q, extra) => [...new Set(cliSearch(q, extra).hits.map((h) => h.key))].slice(0, 10);
  await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}`);
  await page.waitForSelector('#hits:not([aria-busy]) mark');
  // Texts after the first of a search wait while `holding`.
  let holding = true;
  let texts = 0;
  let release = () => {};
  await page.route(/\/quxian\/x-/, async (route) => {
    texts += 1;
    if (holding && texts > 1) await new Promise((resolve) => { release = resolve; });
    return route.continue();
  });
  await page.fill('#q', '缙云山');
  await page.press('#q', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('li.doc').length === 1
    && document.querySelector('#status').textContent === '搜索中…');
  // Back before the rest came: 重庆's page again, whole, not 缙云山's first document.
  holding = false;
  await page.goBack();
  release();
  await waitStatus(page, statusOf(cliSearch('重庆')));
  await page.waitForSelector('#hits:not([aria-busy]) mark');
  assert.deepEqual(await docsOf(), cliDocs('重庆'));
  assert.ok(await page.isVisible('#more'), '加载更多 is back');

  // A document opened before the rest of its page came: Back finds the page, the focus on it.
  // (A query not searched before, whose texts are not at hand, with several documents.)
  const fresh = ['长江', '旅游', '高铁', '发展'].find((w) => cliSearch(w).total_docs >= 3);
  holding = true;
  texts = 0;
  await page.fill('#q', fresh);
  await page.press('#q', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('li.doc').length === 1);
  const first = page.locator('li.doc h2 a').first();
  const href = await first.getAttribute('href');
  await first.focus();
  holding = false; // the document's own texts come; the page's rest stays held
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reader:not([hidden]) p');
  release();
  await page.goBack();
  await page.waitForFunction((h) => document.activeElement?.getAttribute('href') === h, href);
  assert.deepEqual(await docsOf(), cliDocs(fresh));
  await page.unroute(/\/quxian\/x-/);

  // The last 加载更多 hides itself: the focus goes to the first document it brought.
  // (A district with 11–20 documents of the query: two pages.)
  const q = '重庆';
  const district = Object.keys(cliSearch(q).facets.district).find((d) => {
    const docs = cliSearch(q, ['--district', d]).total_docs;
    return docs > 10 && docs <= 20;
  });
  assert.ok(district, `a district with 11–20 documents of ${q}`);
  const all = cliSearch(q, ['--district', district]);
  await page.goto(`${server.url}#q=${encodeURIComponent(q)}&district=${encodeURIComponent(district)}`);
  await page.waitForSelector('#hits:not([aria-busy]) mark');
  await page.focus('#more');
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('li.doc').length === n, all.total_docs);
  assert.ok(await page.isHidden('#more'));
  assert.equal(await page.evaluate(() => document.activeElement?.closest('li.doc') === document.querySelectorAll('li.doc')[10]), true,
    'the focus is on the 11th document');
  assertNoErrors(errors);
  await context.close();
});

test('site page: counts that fail keep the results; a meta that failed once is fetched again; a missing wasm says so in Chinese', async () => {
  const context = await browser.newContext({ ...VIEWPORTS.desktop, serviceWorkers: 'block' });
  const page = await context.newPage();
  const status = () => page.textContent('#status');
  // The passage tables fail: the page of results stays, with the message.
  await page.route(/\/quxian\/[tu]-/, (route) => route.fulfill({ status: 500, body: 'down' }));
  await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}`);
  await page.waitForFunction(() => document.querySelector('#status').className === 'error');
  assert.match(await status(), /HTTP 500/);
  assert.equal(await page.locator('li.doc').count(), 10);
  await page.unroute(/\/quxian\/[tu]-/);

  // The meta fails once (the host hiccups): the next query opens the site.
  const fresh = await context.newPage();
  let failures = 0;
  await fresh.route(/\/quxian\/site\.qxs/, (route) => {
    failures += 1;
    return route.fulfill({ status: 500, body: 'down' });
  });
  await fresh.goto(`${server.url}#q=${encodeURIComponent('缙云山')}`);
  await fresh.waitForFunction(() => document.querySelector('#status').className === 'error');
  assert.ok(failures > 0);
  await fresh.unroute(/\/quxian\/site\.qxs/);
  await fresh.fill('#q', '重庆');
  await fresh.press('#q', 'Enter');
  await fresh.waitForSelector('#hits:not([aria-busy]) mark');

  // No wasm on the host: a Chinese message.
  const broken = await context.newPage();
  await broken.route(/quxian_wasm_bg\.wasm/, (route) => route.fulfill({ status: 404, body: 'not found' }));
  await broken.goto(`${server.url}#q=${encodeURIComponent('缙云山')}`);
  await broken.waitForFunction(() => document.querySelector('#status').className === 'error');
  assert.match(await broken.textContent('#status'), /^无法载入搜索程序（pkg-site\/quxian_wasm_bg\.wasm）：/);

  // No worker script: a Chinese message, not 搜索中… for ever; a search typed then too.
  const workerless = await context.newPage();
  await workerless.route(/site-worker\.js/, (route) => route.fulfill({ status: 404, body: 'not found' }));
  await workerless.goto(`${server.url}#q=${encodeURIComponent('缙云山')}`);
  await workerless.waitForFunction(() => document.querySelector('#status').className === 'error');
  assert.match(await workerless.textContent('#status'), /^无法载入搜索程序（site-worker\.js）：/);
  await workerless.fill('#q', '重庆');
  await workerless.press('#q', 'Enter');
  await workerless.waitForFunction(() => document.querySelector('#status').textContent.includes('site-worker.js'));

  // A document that fails to open after another was read: not the other one's text.
  const reading = await context.newPage();
  await reading.goto(`${server.url}#q=${encodeURIComponent('重庆')}`);
  await reading.waitForSelector('#hits:not([aria-busy]) mark');
  await reading.locator('li.doc h2 a').first().click();
  await reading.waitForSelector('#reader li.target');
  // The archive's last document: none of its pieces came with the results above.
  const last = readdirSync(ARCHIVE).filter((name) => name.endsWith('.txt')).sort().at(-1).replace(/\.txt$/, '');
  await reading.route(/\/quxian\/[xdk]-/, (route) => route.fulfill({ status: 500, body: 'down' }));
  await reading.evaluate((key) => { location.hash = `#doc=${encodeURIComponent(key)}&p=0`; }, last);
  await reading.waitForFunction(() => document.querySelector('#status').className === 'error');
  assert.equal(await reading.locator('#reader h2').count(), 0, 'the document read before is gone');
  assert.equal(await reading.locator('#reader a.back').count(), 1, 'the way back stays');
  assert.equal(await reading.evaluate(() => scrollY), 0, 'the message is in sight');

  // A link with the view in its query string (?q=) shows that view.
  const queried = await context.newPage();
  await queried.goto(`${server.url}?q=${encodeURIComponent('缙云山')}`);
  await queried.waitForSelector('#hits:not([aria-busy]) mark');
  assert.equal(new URLSearchParams((await queried.evaluate(() => location.hash)).slice(1)).get('q'), '缙云山');
  await context.close();
});

test('site: a damaged or missing piece is a Chinese message for that query; others still work', async () => {
  const dir = join(work, 'site/quxian');
  const { result: needed } = await withExplorer(async () => {
    const r = await window.explorer.search('缙云山', { limit: 3 });
    return r.fetched.pieces;
  });
  assert.ok(needed > 0);
  // Damage every gram bucket: queries need them, the meta and page stay intact.
  const buckets = readdirSync(dir).filter((f) => f.startsWith('g-'));
  const saved = buckets.map((f) => [f, readFileSync(join(dir, f))]);
  try {
    buckets.forEach((f, i) => (i % 2 === 0 ? writeFileSync(join(dir, f), '<html>not here</html>') : rmSync(join(dir, f))));
    const { result } = await withExplorer(async () => {
      const { explorer } = window;
      const messages = [];
      for (const q of ['缙云山', '重庆', '发展']) {
        try {
          await explorer.search(q, { limit: 3 });
          messages.push('ok');
        } catch (e) {
          messages.push(e.message);
        }
      }
      return messages;
    });
    for (const m of result) {
      assert.match(m, /索引文件 \S+\.qxs (不存在|不是 quxian 索引文件)/, `a clear message, got ${m}`);
      assert.match(m, /刷新/, 'it says what to do');
      const english = (m.replace(/\S+\.qxs/g, '').match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !['quxian', 'HTTP'].includes(w));
      assert.deepEqual(english, [], `no English in ${m}`);
    }
  } finally {
    saved.forEach(([f, bytes]) => writeFileSync(join(dir, f), bytes));
  }
  const { result: after } = await withExplorer(async () => (await window.explorer.search('缙云山', { limit: 3 })).total);
  assert.ok(after > 0, 'the restored site answers again');
});

test('site page: a missing or damaged meta (site.qxs) is a Chinese message that says what to do', async () => {
  // The page fetches the meta for its worker: a 404 leaves the fetch to the worker, an
  // error page served with status 200 is handed over as it is; both must say what is wrong.
  const meta = join(work, 'site/quxian/site.qxs');
  const saved = readFileSync(meta);
  try {
    for (const [damage, expected] of [
      [() => rmSync(meta), /索引文件 site\.qxs 不存在/],
      [() => writeFileSync(meta, '<html>not here</html>'), /索引文件 site\.qxs 不是 quxian 索引文件/],
    ]) {
      damage();
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}`);
      await page.waitForFunction(() => /site\.qxs/.test(document.querySelector('#status').textContent));
      const status = await page.textContent('#status');
      assert.match(status, expected);
      assert.match(status, /刷新/, `it says what to do: ${status}`);
      await context.close();
    }
  } finally {
    writeFileSync(meta, saved);
  }
});

test('site: 离线使用 downloads every piece; then a new query and a reload work offline', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}#q=`);
  const settled = () => page.waitForFunction(() => /篇文档|没有找到/.test(document.querySelector('#status').textContent));
  await settled();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await settled();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  // The button says how much it downloads: every piece but the meta, as written.
  const index = join(work, 'site/quxian');
  const pieceFiles = readdirSync(index).filter((name) => name !== 'site.qxs');
  const indexBytes = pieceFiles.reduce((sum, name) => sum + statSync(join(index, name)).size, 0);
  const size = indexBytes < 1e6
    ? `${Math.ceil(indexBytes / 1e3).toLocaleString('zh-CN')} KB`
    : `${(indexBytes / 1e6).toLocaleString('zh-CN', { maximumFractionDigits: 1 })} MB`;
  await page.waitForFunction((label) => document.querySelector('#offline').textContent === label, `离线使用（${size}）`);
  // A browser without that much room says so and downloads nothing. (Headless Chromium
  // ignores CDP's quota override in a fresh context, so the estimate is what is replaced.)
  await page.evaluate(() => { navigator.storage.estimate = async () => ({ quota: 1_000_000, usage: 200_000 }); });
  await page.click('#offline');
  await page.waitForFunction(() => document.querySelector('#offline-status').textContent.includes('可用空间不够'));
  assert.match(await page.textContent('#offline-status'), new RegExp(`需要约 ${size}，现在约有 800 KB`));
  assert.ok(await page.isHidden('#offline-progress'), 'no progress bar for a download that did not start');
  await page.evaluate(() => { delete navigator.storage.estimate; });
  await page.click('#offline');
  await page.waitForFunction(() => document.querySelector('#offline-status').textContent.includes('已可离线使用'),
    null, { timeout: 60_000 });
  assert.ok(await page.isHidden('#offline-progress'), 'the progress bar goes when the download is done');
  const pieces = pieceFiles.length;
  assert.match(await page.textContent('#offline-status'), new RegExp(`下载了 ${pieces.toLocaleString('zh-CN')} 个文件，${size}`),
    'every byte counted, whatever order the downloads end in');
  assertNoErrors(errors);

  await context.setOffline(true);
  const query = sampleSubstrings(30)[29];
  await page.goto(`${server.url}#q=${encodeURIComponent(`"${query}"`)}`);
  await page.reload();
  await page.waitForSelector('#hits:not([aria-busy]) mark');
  const cli = cliSearch(`"${query}"`);
  await page.waitForFunction((t) => document.querySelector('#status').textContent.includes(t),
    `${cli.total_docs.toLocaleString('zh-CN')} 篇文档`);
  await context.close();
});

test('site: 离线使用 clicked before the service worker takes over waits for it, then keeps everything', async () => {
  const context = await browser.newContext();
  // The service worker's script comes late, as on a slow first visit.
  await context.route(/\/sw\.js$/, async (route) => {
    await new Promise((resolve) => { setTimeout(resolve, 2000); });
    await route.continue();
  });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}#q=`);
  await page.waitForFunction(() => document.querySelector('#offline').textContent.startsWith('离线使用（'));
  assert.equal(await page.evaluate(() => navigator.serviceWorker.controller), null, 'not controlled yet');
  await page.click('#offline');
  await page.waitForFunction(() => document.querySelector('#offline-status').textContent.includes('已可离线使用'),
    null, { timeout: 60_000 });
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null));
  await context.setOffline(true);
  const query = sampleSubstrings(30)[7];
  await page.fill('#q', `"${query}"`);
  await page.press('#q', 'Enter');
  await page.waitForSelector('#hits:not([aria-busy]) mark');
  assert.equal(await page.textContent('#status').then((t) => t.includes('无法获取')), false);
  assertNoErrors(errors);
  await context.close();
});
