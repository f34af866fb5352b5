// A site index (`quxian build --site`, the real CLI: QUXIAN_CLI) on a host that misbehaves
// as real ones do: an error page or a cut-short file served with status 200, two quxian
// pages on one origin, a rebuild in place under an open page, a meta that will not come,
// a browser that runs out of room. The service worker is on (it is what keeps a bad
// answer, or loses a good one), so the host's faults are mostly made on disk, which the
// test server reads on every request, rather than by routes that it would bypass.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, VIEWPORTS, watchErrors, assertNoErrors } from './helpers.mjs';
import { serveDir } from './static-server.mjs';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ARCHIVE = process.env.QUXIAN_ARCHIVE ?? join(REPO, 'target/e2e-archive');
const CLI = process.env.QUXIAN_CLI ?? join(REPO, 'target/release/quxian');
const DIST = process.env.QUXIAN_DIST ?? join(REPO, 'dist');

/** A second, small archive: five documents about 北碚 (each file's first line is its title). */
const SMALL = {
  'jinyun_20250301.txt': '缙云山生态保护\n\n北碚区缙云山国家级自然保护区的生态环境持续改善。重庆市民周末常来缙云山登山。\n',
  'wenquan_20250415.txt': '北碚温泉\n\n北碚的温泉历史悠久，重庆各地的游客慕名而来。缙云山脚下的温泉小镇很热闹。\n',
  'jialing_20250520.txt': '嘉陵江小三峡\n\n嘉陵江流经北碚，形成了小三峡景观。重庆的山水之美在这里可见一斑。\n',
  'keji_20250610.txt': '北碚科技创新\n\n北碚区推进科技创新，重庆的高校在这里聚集。缙云山下的实验室里灯火通明。\n',
  'fanghuo_20250902.txt': '缙云山森林防火\n\n入秋以后，缙云山进入森林防火期。北碚区组织巡山队伍，守护重庆的绿色屏障。\n',
};

let browser;
let work;
let small; // the folder of SMALL
let shared; // a site of ARCHIVE that no test changes

before(async () => {
  browser = await launch();
  work = mkdtempSync(join(tmpdir(), 'quxian-hosting-'));
  small = join(work, 'small');
  mkdirSync(small);
  for (const [name, text] of Object.entries(SMALL)) writeFileSync(join(small, name), text);
  shared = join(work, 'shared');
  buildSite(ARCHIVE, shared);
});

after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** `quxian build DOCS --site OUT --app DIST` (OUT may hold an earlier build: rebuilt in place). */
function buildSite(docs, out) {
  execFileSync(CLI, ['build', docs, '--site', out, '--app', DIST], { stdio: 'pipe' });
}

/** `quxian search SITE QUERY --json` on the site folder itself. */
function cliSearch(site, query) {
  return JSON.parse(execFileSync(CLI, ['search', site, query, '--json', '--limit', '1']).toString());
}

/** The status line of a search as the page writes it, from the CLI's answer. */
const totalsOf = (cli) => `${cli.total_docs.toLocaleString('zh-CN')} 篇文档 · ${cli.total.toLocaleString('zh-CN')} 段匹配`;

/** The build version in a site's sw.js (its cache is `quxian-<version> <scope path>`). */
const versionOf = (site) => /"version":\s*"([^"]+)"/.exec(readFileSync(join(site, 'sw.js'), 'utf8'))[1];

/** The pieces of a site's index (every file under quxian/ but the meta). */
const piecesOf = (site) => readdirSync(join(site, 'quxian')).filter((name) => name !== 'site.qxs');

/**
 * Waits until the view on screen is answered: results and their counts, none, a document,
 * or a message (nothing left to fetch: a reload then aborts no request).
 */
function answered(page) {
  return page.waitForFunction(() => {
    const status = document.querySelector('#status');
    return status.className === 'error'
      || (/篇文档|没有找到|^共 /.test(status.textContent) && !document.querySelector('#facets').hasAttribute('aria-busy'));
  });
}

/** Waits until a search for `query` (in the hash) has its totals and counts, or its message. */
function searched(page, query) {
  return page.waitForFunction((q) => {
    const status = document.querySelector('#status');
    return new URLSearchParams(location.hash.slice(1)).get('q') === q && (status.className === 'error'
      || (/篇文档|没有找到/.test(status.textContent) && !document.querySelector('#facets').hasAttribute('aria-busy')));
  }, query);
}

/** Types `query` into the search box and presses Enter. */
async function searchFor(page, query) {
  await page.fill('#q', query);
  await page.press('#q', 'Enter');
  await searched(page, query);
}

/** Opens `url` in `page` and waits until the service worker controls it. */
async function controlledVisit(page, url) {
  await page.goto(url);
  await answered(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await answered(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/**
 * `assertNoErrors`, less the browser's own fetch of the page's icon (<link rel="icon">): it
 * comes after the page's load, and a navigation right after (a reload, the next link) cuts
 * it short, no fault of the page.
 */
function assertPageOk(errors) {
  assertNoErrors(errors.filter((e) => !/^request failed: \S+\/icons\/icon\.svg \(net::ERR_ABORTED\)$/.test(e)));
}

/** The paths under quxian/ that the page's service worker keeps (in `cache`). */
function keptPieces(page, cache) {
  return page.evaluate(async (name) => (await (await caches.open(name)).keys())
    .map((request) => new URL(request.url).pathname).filter((path) => path.includes('/quxian/')), cache);
}

test('hosting: a damaged piece is fetched once more past every cache; an error page is never kept', async () => {
  // Before, the service worker kept what the host once answered with 200 under quxian/ (a
  // login page, a cut-short file), and the query stayed broken after the host was fixed.
  const site = join(work, 'damaged');
  buildSite(ARCHIVE, site);
  const server = await serveDir(site);
  const context = await browser.newContext(VIEWPORTS.desktop);
  const buckets = piecesOf(site).filter((name) => name.startsWith('g-'));
  const saved = buckets.map((name) => [name, readFileSync(join(site, 'quxian', name))]);
  const restore = () => saved.forEach(([name, bytes]) => writeFileSync(join(site, 'quxian', name), bytes));
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await controlledVisit(page, `${server.url}#q=`);
    const cache = `quxian-${versionOf(site)} /`;
    assert.deepEqual(await page.evaluate(() => caches.keys()), [cache]);
    const cli = cliSearch(site, '缙云山');
    assert.ok(cli.total > 0, '缙云山 is in the archive');

    // The host answers every gram bucket with a login page, status 200: a message, and
    // the service worker keeps none of it.
    buckets.forEach((name) => writeFileSync(join(site, 'quxian', name), '<!doctype html><title>Login</title>'));
    await searchFor(page, '缙云山');
    assert.match(await page.textContent('#status'), /^索引文件 g-\S+\.qxs 不是 quxian 索引文件.*刷新/);
    assert.deepEqual((await keptPieces(page, cache)).filter((path) => path.includes('/g-')), [],
      'no error page kept as a piece');

    // The host is fixed: the same query in the same page answers, and after a reload too.
    restore();
    await searchFor(page, '缙云山');
    assert.equal(await page.textContent('#status'), totalsOf(cli));
    await page.reload();
    await searched(page, '缙云山');
    assert.equal(await page.textContent('#status'), totalsOf(cli));

    // A cut-short copy of every bucket the query needs, kept by the service worker (as an
    // interrupted download would leave it): the next page's engine finds them damaged,
    // fetches them again from the host, and the service worker keeps the whole pieces.
    const needed = (await keptPieces(page, cache)).filter((path) => path.includes('/g-'));
    assert.ok(needed.length > 0, 'the query needed gram buckets');
    await page.evaluate(async ({ name, paths }) => {
      const kept = await caches.open(name);
      for (const path of paths) {
        const url = new URL(path, location.href).href;
        const bytes = await (await kept.match(url)).arrayBuffer();
        await kept.put(url, new Response(bytes.slice(0, bytes.byteLength >> 1), { status: 200 }));
      }
    }, { name: cache, paths: needed });
    await page.reload();
    await searched(page, '缙云山');
    assert.equal(await page.textContent('#status'), totalsOf(cli), 'the query answers as the CLI does');
    const sizes = await page.evaluate(async ({ name, paths }) => {
      const kept = await caches.open(name);
      return Promise.all(paths.map(async (path) => (await (await kept.match(new URL(path, location.href).href)).arrayBuffer()).byteLength));
    }, { name: cache, paths: needed });
    assert.deepEqual(sizes, needed.map((path) => readFileSync(join(site, 'quxian', path.split('/').at(-1))).length),
      'the cache holds the whole pieces again');
    assertPageOk(errors);
  } finally {
    restore();
    await context.close();
    await server.close();
  }
});

test('hosting: two quxian pages on one origin keep their own offline copies', async () => {
  // Before, each worker deleted every quxian-* cache on activate: opening B lost A's copy.
  // Site A at /a/ and site B at /b/ of one server, each with its own service worker.
  const parent = join(work, 'two');
  buildSite(ARCHIVE, join(parent, 'a'));
  buildSite(small, join(parent, 'b'));
  const server = await serveDir(parent);
  const context = await browser.newContext(VIEWPORTS.desktop);
  try {
    const a = await context.newPage();
    const errors = watchErrors(a);
    await controlledVisit(a, `${server.url}a/#q=`);
    await a.waitForFunction(() => document.querySelector('#offline').textContent.startsWith('离线使用（'));
    await a.click('#offline');
    await a.waitForFunction(() => document.querySelector('#offline-status').textContent.includes('已可离线使用'),
      null, { timeout: 60_000 });
    const cacheA = `quxian-${versionOf(join(parent, 'a'))} /a/`;
    const cacheB = `quxian-${versionOf(join(parent, 'b'))} /b/`;
    assert.deepEqual(await a.evaluate(() => caches.keys()), [cacheA]);

    // Opening site B installs its worker: A's offline copy stays.
    const b = await context.newPage();
    const errorsB = watchErrors(b);
    await controlledVisit(b, `${server.url}b/#q=${encodeURIComponent('缙云山')}`);
    assert.equal(await b.textContent('#status'), totalsOf(cliSearch(join(parent, 'b'), '缙云山')));
    assert.deepEqual((await b.evaluate(() => caches.keys())).sort(), [cacheA, cacheB].sort());

    // Offline, A opens with a new query and answers it from its own copy.
    await context.setOffline(true);
    await a.goto(`${server.url}a/#q=${encodeURIComponent('重庆')}`);
    await searched(a, '重庆');
    assert.equal(await a.textContent('#status'), totalsOf(cliSearch(join(parent, 'a'), '重庆')));
    assert.ok((await a.evaluate(() => caches.keys())).includes(cacheA), 'A\'s cache is still there');
    assertPageOk(errors);
    assertPageOk(errorsB);
  } finally {
    await context.close();
    await server.close();
  }
});

test('hosting: after a rebuild in place, a page whose service worker serves the old meta takes the new version by itself', async () => {
  // Before, every query that needed a new piece said 不存在（HTTP 404）…请刷新页面 for good
  // (a reload keeps the old worker); only the 有新版本，刷新 button helped.
  const site = join(work, 'redeployed');
  buildSite(ARCHIVE, site);
  const server = await serveDir(site);
  const context = await browser.newContext(VIEWPORTS.desktop);
  try {
    const page = await context.newPage();
    const missing = [];
    page.on('response', (response) => { if (response.status() === 404) missing.push(new URL(response.url()).pathname); });
    await controlledVisit(page, `${server.url}#q=${encodeURIComponent('重庆')}`);
    assert.equal(await page.textContent('#status'), totalsOf(cliSearch(site, '重庆')));
    const old = versionOf(site);
    const oldBuild = old.split('-').at(-1); // the build id in the pieces' names

    // The host rebuilds the site from other documents: the old pieces are gone, while the
    // page's service worker still has the old meta, which names them.
    buildSite(small, site);
    assert.notEqual(versionOf(site), old);
    const cli = cliSearch(site, '缙云山');
    assert.ok(cli.total > 0);
    // A query with pieces not fetched before (缙云山's documents are not 重庆's first page):
    // the host says 404, the page lets the new worker take over and reloads.
    const reloaded = page.waitForEvent('load', { timeout: 30_000 });
    await page.fill('#q', '缙云山');
    await page.press('#q', 'Enter');
    await reloaded;
    assert.ok(missing.some((path) => path.startsWith('/quxian/') && path.includes(`-${oldBuild}-`)),
      `the old build's pieces were asked for and missing: ${missing}`);
    await searched(page, '缙云山');
    assert.equal(await page.textContent('#status'), totalsOf(cli), 'the new build answers');
    assert.deepEqual(await page.evaluate(() => caches.keys()), [`quxian-${versionOf(site)} /`], 'the old build\'s cache is gone');
    assert.equal(await page.locator('li.doc').count(), cli.total_docs);
  } finally {
    await context.close();
    await server.close();
  }
});

test('hosting: a link\'s notices are shown with the document it opens, and the address bar shows the view', async () => {
  // Before, the reader said only 共 N 段, and the address bar kept the faulty link.
  const server = await serveDir(shared);
  const context = await browser.newContext(VIEWPORTS.desktop);
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const key = cliSearch(shared, '缙云山').hits[0].key;
    const doc = (p) => `doc=${encodeURIComponent(key)}&p=${p}`;
    /** Checks that the document opened (its status line other than `before`) ends with `notices`. */
    const opened = async (notices, before = '') => {
      const end = notices.map((n) => `（${n}）`).join('');
      await page.waitForFunction((b) => {
        const text = document.querySelector('#status').textContent;
        return (text.startsWith('共 ') && text !== b) || document.querySelector('#status').className === 'error';
      }, before);
      const status = await page.textContent('#status');
      assert.match(status, /^共 [\d,]+ 段/, status);
      assert.ok(status.endsWith(end), `the notices end the status line: ${status}`);
      assert.equal(status.split('（链接').length, notices.length + 1, `each notice once: ${status}`);
    };
    const hash = () => page.evaluate(() => location.hash);
    const expected = (params) => `#${new URLSearchParams(params)}`;

    // A bad passage number: the document from its start, the notice, and p=0 in the link.
    await page.goto(`${server.url}#${doc('abc')}`);
    await opened(['链接中的段落编号“abc”无效，已忽略']);
    assert.equal(await hash(), expected({ doc: key, p: '0' }));

    // An unknown parameter, the link followed within the page (Back, another link).
    const before = await page.textContent('#status');
    await page.evaluate((h) => { location.hash = h; }, `#${doc(1)}&foo=bar`);
    await opened(['链接中有未知参数“foo”，已忽略'], before);
    assert.equal(await hash(), expected({ doc: key, p: '1' }));

    // A bad order and a day that does not exist.
    await page.goto('about:blank');
    await page.goto(`${server.url}#${doc(1)}&sort=random&from=2026-02-30`);
    await opened(['链接中的排序“random”无效（可用 newest 或 oldest），已按相关度排序',
      '链接中的日期“2026-02-30”无效（应写成 2026-05-02、2026-05 或 2026），已忽略']);
    assert.equal(await hash(), expected({ doc: key, p: '1' }));

    // A reversed range is searched the right way round, and the link says so too.
    await page.goto('about:blank');
    await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}&from=2026-05-20&to=2026-04-01`);
    await searched(page, '重庆');
    assert.ok((await page.textContent('#status')).endsWith('（链接中的起始日期晚于结束日期，已对调）'), await page.textContent('#status'));
    assert.equal(await hash(), expected({ q: '重庆', from: '2026-04-01', to: '2026-05-20' }));
    // Back and forward still work over the rewritten entry.
    await page.locator('li.doc h2 a').first().click();
    await page.waitForSelector('#reader li.target');
    await page.goBack();
    await page.waitForFunction(() => !document.querySelector('#results').hidden);
    assert.equal(await hash(), expected({ q: '重庆', from: '2026-04-01', to: '2026-05-20' }));
    assertPageOk(errors);
  } finally {
    await context.close();
    await server.close();
  }
});

test('hosting: 离线使用 when the index cannot be opened says why, without an uncaught error', async () => {
  // Before, the click left #offline-status empty and threw an uncaught error.
  const server = await serveDir(shared);
  // The host answers the meta with 503 (the service worker, whose install would fetch it
  // too, is kept out: this is about the page).
  const context = await browser.newContext({ ...VIEWPORTS.desktop, serviceWorkers: 'block' });
  await context.route(/\/quxian\/site\.qxs$/, (route) => route.fulfill({ status: 503, body: 'busy' }));
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}#q=${encodeURIComponent('重庆')}`);
    await searched(page, '重庆');
    const message = await page.textContent('#status');
    assert.equal(message, '索引文件 site.qxs 获取失败（HTTP 503）：请稍后重试');
    assert.ok(await page.isVisible('#offline'));
    // (Before the fix the click left the status empty and threw: wait for either.)
    const uncaught = page.waitForEvent('pageerror', { timeout: 0 }).then((error) => error, () => null);
    await page.click('#offline');
    const said = page.waitForFunction(() => document.querySelector('#offline-status').textContent !== '').then(() => null);
    const thrown = await Promise.race([uncaught, said]);
    assert.equal(thrown, null, `no uncaught error: ${thrown?.message}`);
    assert.equal(await page.textContent('#offline-status'), `无法离线使用：${message}`);
    assert.ok(await page.isEnabled('#offline'), 'the button can be clicked again');
    assert.ok(await page.isHidden('#offline-progress'));
    // What is left is the host's 503 itself, as the browser logs it.
    assertPageOk(errors.filter((e) => !/^HTTP 503: .*\/quxian\/site\.qxs$|^console\.error: Failed to load resource: .*503/.test(e)));
  } finally {
    await context.close();
    await server.close();
  }
});

test('hosting: when storage runs out during 离线使用 the message says so', async () => {
  // Before, the pieces that could not be stored were 下载失败：请检查网络.
  const server = await serveDir(shared);
  const context = await browser.newContext(VIEWPORTS.desktop);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const origin = new URL(server.url).origin;
  try {
    const errors = watchErrors(page);
    await controlledVisit(page, `${server.url}#q=`);
    // Room for what is stored now (the page's files, precached) and half the index:
    // Chromium enforces this override on cache.put, while navigator.storage.estimate()
    // still reports its large quota, so the page's check before the download lets it start.
    const { usage } = await page.evaluate(() => navigator.storage.estimate());
    const index = piecesOf(shared).reduce((sum, name) => sum + statSync(join(shared, 'quxian', name)).size, 0);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + Math.round(index / 2) });
    await page.waitForFunction(() => document.querySelector('#offline').textContent.startsWith('离线使用（'));
    await page.click('#offline');
    await page.waitForFunction(() => /已可离线使用|：/.test(document.querySelector('#offline-status').textContent)
      && !document.querySelector('#offline-status').textContent.startsWith('正在'), null, { timeout: 60_000 });
    const said = await page.textContent('#offline-status');
    const m = /^浏览器的存储空间不够，有 ([\d,]+) 个文件没能保存：请清理浏览器中其他网站的数据（或在空间更大的设备上使用），再点“离线使用”$/.exec(said);
    assert.ok(m, `the message says the room ran out: ${said}`);
    const notKept = Number(m[1].replaceAll(',', ''));
    const kept = (await keptPieces(page, `quxian-${versionOf(shared)} /`)).filter((path) => !path.endsWith('/site.qxs'));
    assert.ok(kept.length > 0 && notKept > 0, `the room ran out on the way: ${kept.length} kept, ${notKept} not`);
    assert.equal(notKept + kept.length, piecesOf(shared).length, 'every piece not kept is counted');
    assertPageOk(errors);
  } finally {
    await cdp.send('Storage.overrideQuotaForOrigin', { origin }).catch(() => {});
    await context.close();
    await server.close();
  }
});
