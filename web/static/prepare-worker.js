// quxian prepare worker: one of the import worker's pool of helpers. It reads, segments and
// annotates files for the import worker (import-worker.js), which adds them to the library
// in file order, so the library is the same whatever the pool's size. Started by
// import-worker.js only, with the wasm module it compiled and the dictionary it fetched:
// a helper downloads nothing but this script and the wasm's JS glue.
//
// Protocol (a helper serves one import at a time, and the next after a new 'start'):
//
// import worker → helper
//   { type: 'start', job, module: WebAssembly.Module, dict: Uint8Array, gazetteer?, topics? }
//       build the segmenter for import `job` (a number), dropping the previous one
//   { type: 'prepare', job, ticket, name, bytes: ArrayBuffer }   a plain document file
//       (never a .zip or .qx, which the import worker adds itself), or
//   { type: 'prepare', job, ticket, raw: Uint8Array }   documents of a big JSONL file, from
//       the import worker's takeDocuments
// helper → import worker (each for `job`; answers to an earlier import are ignored there)
//   { type: 'ready', job }      the segmenter is built: work may come
//   { type: 'prepared', job, ticket, prepared: ArrayBuffer (transferred) }   for
//       commitPrepared (a file) or commitDocuments (documents)
//   { type: 'declined', job, ticket }   something in it is to be skipped: the import worker
//       adds it itself, and reports why
//   { type: 'failed', job, ticket, message }   preparing it stopped the engine (a trap)
//   { type: 'unusable', job }   the engine did not start: the import worker works without it

import init, { Indexer } from './import/quxian_import.js';

let current = null; // { job, ready: Promise<Indexer> }

async function start(msg) {
  await init({ module_or_path: msg.module });
  return new Indexer(msg.dict, msg.gazetteer ?? undefined, msg.topics ?? undefined);
}

function prepare(indexer, msg) {
  const { job, ticket } = msg;
  try {
    const prepared = msg.raw
      ? indexer.prepareDocuments(msg.raw)
      : indexer.prepareFile(msg.name, new Uint8Array(msg.bytes));
    if (!prepared) {
      postMessage({ type: 'declined', job, ticket });
      return;
    }
    const buffer = prepared.buffer.byteLength === prepared.byteLength ? prepared.buffer : prepared.slice().buffer;
    postMessage({ type: 'prepared', job, ticket, prepared: buffer }, [buffer]);
  } catch (err) {
    postMessage({ type: 'failed', job, ticket, message: String(err?.message ?? err) });
  }
}

self.onmessage = async (event) => {
  const msg = event.data ?? {};
  if (msg.type === 'start') {
    const previous = current;
    current = { job: msg.job, ready: start(msg) };
    previous?.ready.then((indexer) => indexer.free(), () => {});
    current.ready.then(
      () => postMessage({ type: 'ready', job: msg.job }),
      () => postMessage({ type: 'unusable', job: msg.job }),
    );
  } else if (msg.type === 'prepare' && current?.job === msg.job) {
    let indexer;
    try {
      indexer = await current.ready;
    } catch {
      return; // 'unusable' was posted: the import worker takes this file back
    }
    prepare(indexer, msg);
  }
};
