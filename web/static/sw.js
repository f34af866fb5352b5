// quxian's service worker: the whole app and its corpus, offline after one visit.
//
// `cargo xtask dist` rewrites the BUILD line below in dist/sw.js: `version` is a hash of
// every file in dist/, `files` the precache list (paths relative to this file). A new
// deploy therefore changes this file's bytes, which is what makes the browser install the
// new worker; it then waits until the page sends SKIP_WAITING (the 有新版本，刷新 button).
//
// - install: fetch every listed file, bypassing the HTTP cache, into `quxian-<version>`;
// - activate: delete every other quxian cache;
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
//   untouched.
//
// The precache list holds every file a page loads later (import-worker.js and
// quxian-library.js included), so a page never pairs its code with another build's.
const BUILD = { "version": "dev", "files": [] };

const CACHE = `quxian-${BUILD.version}`;
const SCOPE = new URL('./', self.location.href);
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
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith('quxian-') && n !== CACHE).map((n) => caches.delete(n)));
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

async function fromCache(path, request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(new URL(path, SCOPE).href);
  return hit ?? fetch(request);
}

/** Answers from the cache entry `key` (the URL without its query), filled on first use. */
async function cacheOnFirstUse(key, request) {
  const cache = await caches.open(CACHE);
  // An exact key, not ignoreSearch: with it, Chromium compares every entry of the cache, so
  // 离线使用 of a site's 23,000 pieces slowed from ~70 to ~9 pieces a second.
  const hit = await cache.match(key);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(key, response.clone());
  return response;
}
