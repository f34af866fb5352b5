// Searching an import while it runs (see `importFiles` in quxian-library.js): the documents
// indexed so far arrive as a bundle from the import worker and are searched here with the
// JS API's Explorer (pkg-api), so neither loading them nor ranking a query touches the page's
// main thread or slows the indexer's own worker more than taking the snapshot.
//
// main → worker   { id, bundle?: ArrayBuffer, query, documents }
//     `bundle` replaces the documents searched (a newer snapshot); `documents`: how many
//     hits (one per document) to return
// worker → main   { id, result: { totalDocs, hits: [{ title, pieces: [[text, marked]] }] } }
//                 | { id, error }   (a message for the page, in Chinese)
import init, { Explorer } from './pkg-api/quxian_wasm.js';

let ready = null;
let explorer = null;

function load(bundle) {
  explorer?.free();
  explorer = null;
  explorer = new Explorer(new Uint8Array(bundle));
}

/** The snippet as [text, marked] pieces: highlights are UTF-16 ranges, as JS slices. */
function pieces(text, highlights) {
  const out = [];
  let at = 0;
  for (const [start, end] of highlights) {
    if (start > at) out.push([text.slice(at, start), false]);
    out.push([text.slice(start, end), true]);
    at = end;
  }
  if (at < text.length) out.push([text.slice(at), false]);
  return out;
}

/** The best passage of each of the first `documents` documents. */
function search(query, documents) {
  const { total_docs: totalDocs, hits } = explorer.search(query, { limit: documents, per_document: 1 });
  return { totalDocs, hits: hits.map((hit) => ({ title: hit.title, pieces: pieces(hit.text, hit.highlights) })) };
}

addEventListener('message', async ({ data: { id, bundle, query, documents } }) => {
  try {
    ready ??= init().catch((err) => {
      ready = null;
      throw new Error(`无法加载搜索程序（${err?.message ?? err}）：请检查网络连接后再搜索`);
    });
    await ready;
    if (bundle) load(bundle);
    if (!explorer) throw new Error('还没有可搜索的文档');
    postMessage({ id, result: search(query, documents) });
  } catch (error) {
    postMessage({ id, error: error?.message ?? String(error) });
  }
});
