// The pages bench/site-bench.mjs loads: one per engine, each reading its query from the
// URL hash (`#q=…`), rendering the first results with <mark> highlights, and exposing
// `window.__bench` for follow-up queries. Plus the script installed before any page runs:
// it notes when the first <mark> appears and which WebAssembly memories were made.

/** Runs before the page's own scripts (page.addInitScript). */
export function beforePage() {
  window.__wasmMemories = [];
  const keep = (result) => {
    const instance = result.instance ?? result;
    const memory = instance.exports?.memory;
    if (memory instanceof WebAssembly.Memory) window.__wasmMemories.push(memory);
    return result;
  };
  const instantiate = WebAssembly.instantiate;
  const instantiateStreaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiate = (...args) => instantiate(...args).then(keep);
  WebAssembly.instantiateStreaming = (...args) => instantiateStreaming(...args).then(keep);
  new MutationObserver((_, observer) => {
    if (document.querySelector('mark')) {
      window.__firstMark = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
  addEventListener('error', (e) => { window.__benchError = String(e.message); });
  addEventListener('unhandledrejection', (e) => { window.__benchError = String(e.reason?.message ?? e.reason); });
}

/** Shared by both pages: the query of the link and the wasm memory in use. */
const COMMON = `
const query = new URLSearchParams(location.hash.slice(1)).get('q');
const wasmBytes = () => window.__wasmMemories.reduce((sum, m) => sum + m.buffer.byteLength, 0);
const list = document.getElementById('hits');
`;

/** quxian's JS API on a site index: SiteExplorer, first page of 10 documents with the best
 * passage of each, the first shown before the other nine (as the site page shows them, and
 * as Pagefind's page shows its first result), then the district and topic counts over
 * every match (one more call; \`window.__facetsAt\` notes when). */
export const QUXIAN_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>quxian · SiteExplorer</title></head>
<body><ol id="hits"></ol>
<script type="module">
import init, { SiteExplorer } from './pkg-site/quxian_wasm.js';
${COMMON}
function show(hits) {
  for (const hit of hits) {
    const item = list.appendChild(document.createElement('li'));
    item.appendChild(document.createElement('strong')).textContent = hit.title;
    const p = item.appendChild(document.createElement('p'));
    let at = 0;
    for (const [start, end] of hit.highlights) {
      p.append(hit.text.slice(at, start));
      p.appendChild(document.createElement('mark')).textContent = hit.text.slice(start, end);
      at = end;
    }
    p.append(hit.text.slice(at));
  }
}
await init();
const explorer = await SiteExplorer.open('./quxian/');
window.__facetsPending = true;
show((await explorer.search(query, { limit: 1, facets: false, per_document: 1 })).hits);
show((await explorer.search(query, { offset: 1, limit: 9, facets: false, per_document: 1 })).hits);
await explorer.search(query, { limit: 10, per_document: 1 });
window.__facetsAt = performance.now();
window.__bench = {
  /** The first document, the rest of the page, then the counts, as the site page does;
   * the time to the first document, and the page's own time and bytes too. */
  async run(q, limit) {
    const before = performance.getEntriesByType('resource').length;
    const t0 = performance.now();
    const first = await explorer.search(q, { limit: 1, facets: false, per_document: 1 });
    const first_ms = performance.now() - t0;
    const rest = await explorer.search(q, { offset: 1, limit: limit - 1, facets: false, per_document: 1 });
    const page_ms = performance.now() - t0;
    const page_bytes = performance.getEntriesByType('resource').slice(before).reduce((sum, e) => sum + e.transferSize, 0);
    await explorer.search(q, { limit, per_document: 1 });
    return { docs: first.total_docs, texts: [...first.hits, ...rest.hits].map((h) => h.text), first_ms, page_ms, page_bytes };
  },
  wasmBytes,
};
window.__benchDone = true;
</script></body></html>
`;

/** Pagefind's JS API in the main thread (like the page above): search, then data() of the
 * first result, whose excerpt carries Pagefind's own <mark>s. */
export const PAGEFIND_PAGE = `<!doctype html>
<html lang="zh-cn"><head><meta charset="utf-8"><title>Pagefind</title></head>
<body><ol id="hits"></ol>
<script type="module">
${COMMON}
const pagefind = await import('./pagefind/pagefind.js');
await pagefind.options({ noWorker: true });
const search = await pagefind.search(query);
if (search.results.length > 0) {
  const data = await search.results[0].data();
  const item = list.appendChild(document.createElement('li'));
  item.appendChild(document.createElement('strong')).textContent = data.meta.title;
  item.appendChild(document.createElement('p')).innerHTML = data.excerpt;
}
window.__bench = {
  async run(q, limit) {
    const s = await pagefind.search(q);
    const data = await Promise.all(s.results.slice(0, limit).map((r) => r.data()));
    return { docs: s.results.length, ids: s.results.map((r) => r.id), texts: data.map((d) => d.excerpt.replace(/<[^>]*>/g, '')) };
  },
  wasmBytes,
};
window.__benchDone = true;
</script></body></html>
`;
