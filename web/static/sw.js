// quxian's service worker: the whole app and its corpus, offline after one visit.
//
// `cargo xtask dist` rewrites the BUILD line below in dist/sw.js: `version` is a hash of
// every file in dist/, `files` the precache list (paths relative to this file). A new
// deploy therefore changes this file's bytes, which is what makes the browser install the
// new worker; it then waits until the page sends SKIP_WAITING (the 有新版本，刷新 button).
//
// - install: fetch every listed file, bypassing the HTTP cache, into `quxian-<version> <scope
//   path>`;
// - activate: delete this scope's older caches (one origin may serve several quxian pages,
//   the app at / and a site under /archive/, each with its own worker and offline copy);
// - fetch: same-origin GETs of listed files are answered from the cache (navigations by
//   path, ignoring the query: `index.html?corpus=…` is the page); files under import/,
//   jieba/ and pkg-api/ (the in-browser import engine, its dictionary, and the JS API that
//   searches an import while it runs, fetched only when needed), the site page and its
//   engine (site.html and its files, pkg-site/: the app opens a library by pieces there,
//   分片打开) and under quxian/ (the pieces of a site index, `quxian build --site`, fetched
//   per query or all at once by 离线使用) are cached on first use, by path, in this
//   version's cache, so after one import online the next one works offline, a library once
//   opened by pieces opens so offline (any library: site.html?library=ID is one page), and
//   a site works offline once its pieces are in; anything else goes to the network
//   untouched. A request for a piece marked `?retry` (the engine's second try at a piece it
//   found damaged) skips the cache and replaces the entry. What is not kept is answered all
//   the same, marked `X-Quxian-Not-Kept` with why, for 离线使用 to say: `foreign`, a site's
//   piece that is not one (an error page a host answered 200 with), `quota` (a full disk)
//   or `error`.
//
// The precache list holds every file a page loads later (import-worker.js and
// quxian-library.js included), so a page never pairs its code with another build's.
const BUILD = { "version": "dev", "files": [] };

const SCOPE = new URL('./', self.location.href);
const CACHE = `quxian-${BUILD.version} ${SCOPE.pathname}`;
/** A site index's pieces (`quxian build --site`) and the bytes each one starts with. */
const PIECES = new URL('quxian/', SCOPE).pathname;
const PIECE_MAGIC = [0x51, 0x58, 0x53, 0x1a]; // "QXS\x1a", crates/core/src/site/piece.rs
const PRECACHED = new Set(BUILD.files.map((f) => new URL(f, SCOPE).pathname));
const RUNTIME = ['import/', 'jieba/', 'pkg-api/', 'pkg-site/', 'quxian/', 'site.html', 'site.js', 'site-export.js', 'site-worker.js', 'site.css']
  .map((d) => new URL(d, SCOPE).pathname);

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(BUILD.files.map((f) => new Request(new URL(f, SCOPE), { cache: 'reload' })));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const old = await olderCaches();
    await Promise.all(old.map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin) return;
  let path = url.pathname;
  if (path === SCOPE.pathname) path += 'index.html';
  if (PRECACHED.has(path)) {
    event.respondWith(fromCache(path, request));
  } else if (RUNTIME.some((dir) => path.startsWith(dir))) {
    event.respondWith(cacheOnFirstUse(new URL(path, SCOPE).href, request));
  }
});

/** This scope's caches of other versions; caches named before scopes were (`quxian-<version>`)
 * count when they hold this scope's page. */
async function olderCaches() {
  const page = new URL('index.html', SCOPE).href;
  const names = (await caches.keys()).filter((n) => n.startsWith('quxian-') && n !== CACHE);
  const ours = await Promise.all(names.map(async (n) => (n.includes(' ')
    ? n.endsWith(` ${SCOPE.pathname}`)
    : (await (await caches.open(n)).match(page)) !== undefined)));
  return names.filter((_, i) => ours[i]);
}

async function fromCache(path, request) {
  const cache = await caches.open(CACHE);
  const key = new URL(path, SCOPE).href;
  if (secondTry(request)) return keep(cache, key, await fetch(request));
  return (await cache.match(key)) ?? fetch(request);
}

/** Answers from the cache entry `key` (the URL without its query), filled on first use. */
async function cacheOnFirstUse(key, request) {
  const cache = await caches.open(CACHE);
  // An exact key, not ignoreSearch: with it, Chromium compares every entry of the cache, so
  // 离线使用 of a site's 23,000 pieces slowed from ~70 to ~9 pieces a second.
  const hit = secondTry(request) ? undefined : await cache.match(key);
  return hit ?? keep(cache, key, await fetch(request));
}

/** The engine's second try at a piece (or the meta) of a site index, marked `?retry` (not
 * told by `request.cache`: with DevTools' "Disable cache" every request is a reload). */
function secondTry(request) {
  const url = new URL(request.url);
  return url.searchParams.has('retry') && url.pathname.startsWith(PIECES);
}

/** `response`, kept under `key` when it is a good answer; marked when it could not be. */
async function keep(cache, key, response) {
  if (!response.ok) return response;
  if (!(await mayKeep(key, response))) return notKept(response, 'foreign');
  try {
    await cache.put(key, response.clone());
    return response;
  } catch (error) {
    return notKept(response, error?.name === 'QuotaExceededError' ? 'quota' : 'error');
  }
}

/** `response` marked as not kept, and why: the page still gets the file. */
function notKept(response, why) {
  const headers = new Headers(response.headers);
  headers.set('X-Quxian-Not-Kept', why);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** False for a file under quxian/ that is not a piece of a site index. */
async function mayKeep(key, response) {
  if (!new URL(key).pathname.startsWith(PIECES)) return true;
  const head = new Uint8Array(await response.clone().arrayBuffer()).subarray(0, PIECE_MAGIC.length);
  return PIECE_MAGIC.every((byte, i) => head[i] === byte);
}
