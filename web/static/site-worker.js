// The site page's search engine, off the main thread: the JS API's SiteExplorer lives
// here, so ranking a common word over tens of thousands of passages never freezes the
// page. The page first sends { boot: { module, meta, library } }: the compiled wasm and the
// bytes of the site's meta, which it fetched while this worker's scripts loaded (either may
// be null: then they are fetched here), or the id of a library stored in this browser
// whose pieces are read from IndexedDB (quxian-library.js) instead of ./quxian/. Then
// messages: { id, method: 'search' | 'read' | 'pieceNames' | 'indexBytes' | 'stats', args } →
// { id, result } or { id, error, kind } (the Chinese message of the API's Error, and its
// kind: 'stored' for a stored piece missing or damaged), answered once the engine is open,
// whatever the order they came in.
import init, { SiteExplorer } from './pkg-site/quxian_wasm.js';

let booted;
// What the page fetched for the worker; after a failed open, nothing (fetched here).
let boot = new Promise((resolve) => { booted = resolve; });
let opening = null;

/**
 * The open engine. An open that failed (the meta or the wasm could not be fetched) is
 * tried again by the next call, fetching both itself: a host that failed once does not
 * break the page until a reload.
 */
function explorer() {
  opening ??= (async () => {
    const { module, meta, library } = await boot;
    try {
      // An explicit URL: `cargo xtask dist` inlines the API's glue into this file, where
      // the glue's own default (next to itself) would name the wrong folder.
      await init({ module_or_path: module ?? new URL('./pkg-site/quxian_wasm_bg.wasm', self.location.href) });
    } catch {
      throw new Error('无法载入搜索程序（pkg-site/quxian_wasm_bg.wasm）：请检查网络连接后重试；若仍不行，请确认网站的文件已完整上传');
    }
    if (library !== undefined) {
      const { readLibraryPiece } = await import('./quxian-library.js');
      return SiteExplorer.open('', undefined, (name) => readLibraryPiece(library, name));
    }
    return SiteExplorer.open('./quxian/', meta ? new Uint8Array(meta) : undefined);
  })();
  opening.catch(() => {
    opening = null;
    boot = boot.then(({ library }) => ({ library }));
  });
  return opening;
}

addEventListener('message', async ({ data }) => {
  if (data.boot) {
    booted(data.boot);
    return;
  }
  const { id, method, args } = data;
  try {
    const engine = await explorer();
    const result = method === 'search' ? await engine.search(...args)
      : method === 'read' ? await engine.read(...args)
        : method === 'indexBytes' ? engine.indexBytes()
          : method === 'stats' ? engine.stats()
            : engine.pieceNames();
    postMessage({ id, result });
  } catch (error) {
    postMessage({ id, error: error?.message ?? String(error), kind: error?.kind });
  }
});
