// Dates in the explorer: documents get their date from front matter, HTML <meta> or
// <time>, a JSONL field, the file name or a dateline (built by the real CLI); the results
// show it, sort by 最新 / 最早, a timeline of matching documents per day sets a date filter
// by dragging, two date fields set it from the keyboard, and all of it lives in the link
// (reload, back) and matches `quxian search --sort/--from/--to`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openApp, screenshot } from './helpers.mjs';
import { DIST, REPO, axeViolations, buildBundle, hash, search, waitReady } from './app-helpers.mjs';

const BODY = '缙云山国家级自然保护区位于北碚，森林覆盖率高，是重庆主城的生态屏障。';

/** title → the date the explorer must show (null: undated). */
const EXPECTED = {
  文件名日期: '2026-04-01',
  前言日期: '2026-04-03',
  网页元数据日期: '2026-04-10',
  网页时间标签: '2026-04-20',
  电头日期: '2026-05-02',
  记录日期: '2026-05-10',
  只有月份: '2026-05',
  没有日期: null,
};

function writeDocs(dir) {
  const write = (name, text) => writeFileSync(join(dir, name), text);
  write('北碚新闻_20260401.txt', `文件名日期\n${BODY}甲。\n`);
  write('a.md', `---\ntitle: 前言日期\ndate: 2026/4/3\n---\n${BODY}乙。\n`);
  write('b.html', `<html><head><title>网页元数据日期</title><meta name="pubdate" content="2026年4月10日"></head><body><p>${BODY}丙。</p></body></html>`);
  write('c.html', `<html><head><title>网页时间标签</title></head><body><p><time datetime="2026-04-20T08:00">4月20日</time></p><p>${BODY}丁。</p></body></html>`);
  write('d.txt', `电头日期\n发布时间：2026-05-02 09:30 来源：重庆日报\n${BODY}戊。\n`);
  write('e.jsonl', [
    JSON.stringify({ title: '记录日期', text: `${BODY}己。`, date: '2026-05-10' }),
    JSON.stringify({ title: '只有月份', text: `${BODY}庚。`, date: '2026-05' }),
  ].join('\n'));
  // An event date in the body is not a publication date.
  write('f.txt', `没有日期\n2026年4月15日至16日，会议在北碚召开。\n${BODY}辛。\n`);
}

const CLI_BUNDLE = join(DIST, 'dates.qx');

/** Titles of `quxian search` on the same bundle, in document order. */
function cliTitles(...args) {
  const out = execFileSync('cargo', ['run', '--release', '-q', '-p', 'quxian-cli', '--', 'search', CLI_BUNDLE, '缙云山',
    '--json', '--limit', '1000', ...args], { cwd: REPO });
  const titles = JSON.parse(out).hits.map((h) => h.title);
  return titles.filter((t, i) => titles.indexOf(t) === i);
}

async function titles(page) {
  return page.getByTestId('doc-title').allInnerTexts();
}

/**
 * Waits until the list shows `count` documents and the decoded hash holds every string of
 * `has` and none of `lacks`.
 */
async function settled(page, count, has = [], lacks = []) {
  await page.waitForFunction(([n, yes, no]) => {
    const h = decodeURIComponent(location.hash);
    return yes.every((s) => h.includes(s)) && !no.some((s) => h.includes(s))
      && document.querySelectorAll('[data-testid=doc-title]').length === n;
  }, [count, has, lacks]);
}

let browser;
before(async () => {
  browser = await launch();
  const dir = mkdtempSync(join(tmpdir(), 'quxian-dates-'));
  writeDocs(dir);
  buildBundle(dir, 'dates.qx');
});
after(async () => {
  await browser?.close();
});

test('dates are found, shown, sorted and filtered from the timeline and the date fields', async () => {
  const app = await openApp(browser, { path: '?corpus=dates.qx#/search?v=1&q=缙云山' });
  try {
    const { page } = app;
    await waitReady(page);
    await page.getByTestId('timeline').waitFor();

    // Every document shows the date found for it.
    const shown = await page.getByTestId('doc-group').evaluateAll((groups) => groups.map((g) => [
      g.querySelector('[data-testid=doc-title]').innerText,
      g.querySelector('.qx-group-meta span').innerText,
    ]));
    assert.equal(shown.length, Object.keys(EXPECTED).length);
    for (const [title, meta] of shown) {
      const want = EXPECTED[title];
      assert.ok(title in EXPECTED, `unexpected document ${title}`);
      if (want) assert.equal(meta, want, title);
      else assert.match(meta, /段匹配/, `${title} has no date`);
    }

    // A bar per day from 1 April to the end of May (the month-only date spans May).
    const bars = page.getByTestId('timeline-bar');
    assert.equal(await bars.count(), 61);
    const docs = await bars.evaluateAll((b) => b.map((x) => Number(x.dataset.docs)).reduce((a, n) => a + n, 0));
    assert.equal(docs, 7, 'seven dated documents');
    await app.waitForText('另有 1 篇没有日期');

    // 最新 / 最早: the CLI's order, undated last.
    await page.getByTestId('sort').selectOption('newest');
    await settled(page, 8, ['sort=newest']);
    assert.deepEqual(await titles(page), cliTitles('--sort', 'newest'));
    assert.equal((await titles(page)).at(-1), '没有日期');
    await page.getByTestId('sort').selectOption('oldest');
    await settled(page, 8, ['sort=oldest']);
    assert.deepEqual(await titles(page), cliTitles('--sort', 'oldest'));
    assert.equal((await titles(page))[0], '文件名日期');

    // Drag across the bars from 3 to 20 April.
    const box = async (date) => page.locator(`[data-testid=timeline-bar][data-date="${date}"]`).boundingBox();
    const [a, b] = [await box('2026-04-03'), await box('2026-04-20')];
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
    await page.mouse.up();
    await settled(page, 3, ['from=2026-04-03&to=2026-04-20']);
    assert.deepEqual(await titles(page), cliTitles('--sort', 'oldest', '--from', '2026-04-03', '--to', '2026-04-20'));
    assert.deepEqual(await titles(page), ['前言日期', '网页元数据日期', '网页时间标签']);
    const chip = page.getByTestId('active-filter');
    assert.equal(await chip.getAttribute('aria-label'), '移除筛选：时间：2026-04-03 至 2026-04-20');
    assert.equal(await page.locator('.qx-bar-in').count(), 18, 'the chosen days are highlighted');
    assert.equal(await bars.count(), 61, 'the timeline still shows every date');
    await screenshot(page, 'dates-timeline');

    // The view is the link: reload keeps it, back undoes the filter.
    await page.reload();
    await waitReady(page);
    await settled(page, 3, ['from=2026-04-03']);
    await page.goBack();
    await settled(page, 8, [], ['from=']);

    // A drag that overshoots the last bar (past the end, above the bars) stops at it.
    const last = await bars.last().getAttribute('data-date');
    const drawing = await page.locator('.qx-timeline-bars').boundingBox();
    const c = await box('2026-04-20');
    await page.mouse.move(c.x + c.width / 2, c.y + c.height / 2);
    await page.mouse.down();
    await page.mouse.move(drawing.x + drawing.width + 60, drawing.y - 30, { steps: 12 });
    await page.mouse.up();
    const overshot = cliTitles('--sort', 'oldest', '--from', '2026-04-20', '--to', last);
    await settled(page, overshot.length, [`from=2026-04-20&to=${last}`]);
    await page.goBack();
    await settled(page, 8, [], ['from=']);

    // From the keyboard: the date fields.
    await page.getByTestId('date-from').fill('2026-05-01');
    await page.getByTestId('date-from').dispatchEvent('change');
    await settled(page, 3, ['from=2026-05-01'], ['to=']);
    assert.deepEqual(new Set(await titles(page)), new Set(['电头日期', '记录日期', '只有月份']));
    await page.getByTestId('clear-dates').click();
    await settled(page, 8, [], ['from=']);
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('a link with a bad date or order says so and shows the rest of the view', async () => {
  const app = await openApp(browser, {
    path: '?corpus=dates.qx#/search?v=1&q=缙云山&sort=best&from=2026-13&to=2026-04-10',
    viewport: 'phone',
    contextOptions: { colorScheme: 'dark' },
  });
  try {
    const { page } = app;
    await waitReady(page);
    await app.waitForText('链接中的排序“best”无效');
    await app.waitForText('链接中的日期“2026-13”无效');
    await settled(page, 3, ['to=2026-04-10']);
    assert.deepEqual(await titles(page), cliTitles('--to', '2026-04-10'));
    assert.ok((await hash(page)).includes('q=缙云山'));
    await screenshot(page, 'dates-bad-link');
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('a date range that finds nothing offers to drop it', async () => {
  const app = await openApp(browser, { path: '?corpus=dates.qx#/search?v=1&q=缙云山&from=2027' });
  try {
    const { page } = app;
    await waitReady(page);
    const suggestion = page.getByTestId('suggestion');
    await suggestion.first().waitFor();
    assert.equal(await suggestion.first().textContent(), '去掉时间筛选（8 段）');
    await suggestion.first().click();
    await settled(page, 8, [], ['from=']);
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

// yew 0.23 panicked ("failed to insert node before next sibling", yewstack/yew#4092) when one
// render brought the timeline in and took the empty-results help out with the (empty)
// active-filter chips between them: a search that finds nothing, then one that finds dated
// documents, stopped the app.
test('a search that finds nothing, then one that finds dated documents, shows them', async () => {
  const app = await openApp(browser, { path: '?corpus=dates.qx#/search?v=1&q=不存在的词语' });
  try {
    const { page } = app;
    await waitReady(page);
    assert.match(await page.getByTestId('results-count').innerText(), /^0/);
    await search(page, '缙云山');
    await settled(page, 8, ['q=缙云山']);
    await page.getByTestId('timeline').waitFor();
    await search(page, '不存在的词语');
    await settled(page, 0, ['q=不存在的词语']);
    await search(page, '缙云山');
    await settled(page, 8, ['q=缙云山']);
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('the overview of a dated corpus lists the newest documents and opens a day from its timeline', async () => {
  const app = await openApp(browser, { path: '?corpus=dates.qx' });
  try {
    const { page } = app;
    await waitReady(page);
    await page.getByTestId('timeline').waitFor();
    const listed = await page.getByTestId('overview-doc').allInnerTexts();
    assert.deepEqual(listed.slice(0, 3), ['记录日期', '电头日期', '只有月份'], 'newest first (a month sorts at its start)');
    assert.equal(listed.at(-1), '没有日期', 'undated last');
    const bar = page.locator('[data-testid=timeline-bar][data-date="2026-04-10"]');
    await bar.scrollIntoViewIfNeeded();
    const box = await bar.boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await settled(page, 1, ['from=2026-04-10&to=2026-04-10']);
    assert.deepEqual(await titles(page), ['网页元数据日期']);
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

test('from the keyboard: the skip link reaches the first result; 排序, the timeline and the date fields lie behind it', async () => {
  const app = await openApp(browser, { path: '?corpus=dates.qx#/search?v=1&q=缙云山' });
  try {
    const { page } = app;
    await waitReady(page);
    await page.getByTestId('timeline').waitFor();
    const active = () => page.evaluate(() => {
      const el = document.activeElement;
      return el?.dataset?.testid ?? el?.className ?? el?.tagName.toLowerCase();
    });
    const keys = ['Tab', 'Enter', 'Tab'];
    for (const key of keys) await page.keyboard.press(key);
    assert.equal(await active(), 'doc-title', `the first result after ${keys.join(', ')} (the issue allows 5)`);
    // Shift+Tab walks back over the export buttons, the date fields (a native date field
    // takes four stops: month, day, year, picker), the timeline's bars and 排序.
    const back = [];
    for (let i = 0; i < 20 && back.at(-1) !== 'sort'; i++) {
      await page.keyboard.press('Shift+Tab');
      back.push(await active());
    }
    for (const control of ['sort', 'timeline-keys', 'date-from', 'date-to']) {
      assert.ok(back.includes(control), `${control} is reachable: ${back.join(' ← ')}`);
    }
    // A date typed into 到 filters.
    await page.getByTestId('date-to').focus();
    await page.keyboard.type('04202026');
    await page.keyboard.press('Tab');
    await settled(page, 4, ['to=2026-04-20']);
    // The bars from the keyboard: Home lands on the first day, Shift+→ twice grows the
    // span to three days, Enter filters — the same range a drag over them sets.
    await page.getByTestId('timeline-keys').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    assert.match(await page.getByTestId('timeline-choice').textContent(), /^已选 2026-04-01 至 2026-04-03：2 篇/);
    assert.equal(await page.locator('.qx-bar-cursor').getAttribute('data-date'), '2026-04-03');
    await page.keyboard.press('Enter');
    await settled(page, 2, ['from=2026-04-01&to=2026-04-03']);
    assert.deepEqual(await titles(page), cliTitles('--from', '2026-04-01', '--to', '2026-04-03'));
    // Escape drops a choice without leaving the page or changing the filter.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Escape');
    assert.equal(await page.getByTestId('timeline-choice').textContent(), '');
    await settled(page, 2, ['from=2026-04-01&to=2026-04-03']);
    app.assertNoErrors();
  } finally {
    await app.close();
  }
});

for (const scheme of ['light', 'dark']) {
  test(`axe: the timeline, a span chosen from the keyboard and the date fields — ${scheme}`, async () => {
    const app = await openApp(browser, {
      path: '?corpus=dates.qx#/search?v=1&q=缙云山&from=2026-04-03',
      contextOptions: { colorScheme: scheme, bypassCSP: true },
    });
    try {
      const { page } = app;
      await waitReady(page);
      await page.getByTestId('timeline-keys').focus();
      await page.keyboard.press('Shift+ArrowRight');
      await page.getByTestId('timeline-choice').filter({ hasText: '已选' }).waitFor();
      const found = await axeViolations(page);
      assert.deepEqual(found, [], `axe found:\n  ${found.join('\n  ')}`);
      await screenshot(page, `timeline-keyboard-${scheme}`);
      app.assertNoErrors();
    } finally {
      await app.close();
    }
  });
}
