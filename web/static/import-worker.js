// quxian import worker: indexes the user's files off the main thread with the Rust indexer
// (crates/import, built by wasm-bindgen --target web into ./import/) and jieba's dictionary
// (./jieba/dict.txt, fetched on the first import and kept for the worker's lifetime).
// Start it as a module worker: new Worker(new URL('./import-worker.js', import.meta.url),
// { type: 'module' }). Only relative URLs are used, so the site works under any sub-path.
//
// Protocol (one import at a time per worker; a new 'start' after 'done', 'error' or
// 'cancelled' begins the next one):
//
// main → worker
//   { type: 'start', files: [{ name, bytes: ArrayBuffer }] | null,
//     gazetteer?: string, topics?: string, filesTotal?: number, bytesTotal?: number,
//     fileEvents?: boolean }
//       Begin an import. With `files`, they are indexed and the import finishes by itself.
//       With `files: null`, files follow as 'file' messages and 'finish' ends the import;
//       `filesTotal` / `bytesTotal` (optional) let progress show totals from the start.
//       `gazetteer` / `topics` are data-file texts (the Chongqing defaults when absent).
//       `fileEvents`: post 'file-done' after each file (thousands of messages otherwise
//       unread).
//   { type: 'file', name, bytes: ArrayBuffer }   one more file (transfer `bytes`)
//   { type: 'finish' }                           no more files: build the bundle
//   { type: 'cancel' }                           stop after the file being indexed
//   { type: 'snapshot' }                         the documents indexed so far, to search
//       while the import runs (answered between steps of a few documents)
//   { type: 'defaults' }                         the built-in data-file texts
//   { type: 'reannotate', bundle: ArrayBuffer, gazetteer?, topics? }
//       re-annotate a library with these data files (the built-in ones when absent)
//
// worker → main
//   { type: 'progress', phase: 'loading' | 'indexing', filesDone, filesTotal, bytesDone,
//     bytesTotal, bytesEstimated, elapsedMs, etaMs }
//       bytesEstimated: bytesTotal still counts files not received at the mean size so far
//       'loading' once while the dictionary loads, then 'indexing' once the segmenter is
//       ready (filesDone 0), then after a file at most every PROGRESS_EVERY_MS and whenever
//       the worker runs out of files to index; inside a file of many documents (JSONL) too,
//       its done share counted in bytesDone.
//       etaMs is null until a file is done. Sizes are bytes of the files as given.
//   { type: 'file-done', name, added, skipped: [{ name, reason }] }   after each file,
//       when the start asked for fileEvents
//   { type: 'done', bundle: ArrayBuffer (transferred), report: { files, documents,
//     passages, input_bytes, skipped: [{ name, reason }] } }
//   { type: 'defaults', gazetteer, topics }                  answer to 'defaults'
//   { type: 'reannotated', bundle: ArrayBuffer (transferred) }      answer to 'reannotate'
//   { type: 'error', error }          the import stopped; `error` is typed (see `failure`)
//       and quxian-library.js words it in Chinese by kind
//   { type: 'cancelled' }
//   { type: 'snapshot', bundle: ArrayBuffer (transferred) | null, documents, bytesDone }
//       answer to 'snapshot': the bundle of the documents indexed so far and the bytes of
//       the files they came from; null before indexing starts and after the import ended
//
// Reasons are the core's typed SkipReason, `{ kind, …fields }`; quxian-library.js words
// them in Chinese by kind (reasonLabel). Files are indexed DOCS_PER_STEP documents at a
// time; once YIELD_EVERY_MS have passed since it last did, the worker yields to the event
// loop (a macrotask) so that 'cancel', 'snapshot' and more files arrive, inside a big file
// too.

import init, { Indexer, reannotate, defaultGazetteer, defaultTopics } from './import/quxian_import.js';

let wasmReady = null;
let dictBytes = null;
let dictLoading = null;
let job = null;

/**
 * Small files are indexed in runs of about this many ms before the worker yields to its
 * messages ('cancel', more files): yielding after each of thousands of files cost more
 * than a run's few ms of delay to a cancel.
 */
const YIELD_EVERY_MS = 8;
/** Progress goes to the page at most this often (each message re-renders the app's bar). */
const PROGRESS_EVERY_MS = 100;

const WASM_ASSET = 'import/quxian_import_bg.wasm';
const DICT_ASSET = 'jieba/dict.txt';

function loadWasm() {
  wasmReady ??= init().catch(() => {
    wasmReady = null; // a later import tries again
    throw { kind: 'asset', asset: WASM_ASSET, status: 0 };
  });
  return wasmReady;
}

function loadDict() {
  if (dictBytes) return Promise.resolve(dictBytes);
  dictLoading ??= fetch(new URL(`./${DICT_ASSET}`, import.meta.url))
    .catch(() => {
      throw { kind: 'asset', asset: DICT_ASSET, status: 0 };
    })
    .then(async (response) => {
      if (!response.ok) throw { kind: 'asset', asset: DICT_ASSET, status: response.status };
      dictBytes = new Uint8Array(await response.arrayBuffer());
      return dictBytes;
    })
    .finally(() => {
      dictLoading = null;
    });
  return dictLoading;
}

/**
 * A macrotask boundary: lets queued messages ('cancel', 'file') be delivered. A message on
 * our own channel, not setTimeout(0): nested timers are clamped to 4 ms, which for thousands
 * of small files cost more than indexing them (30 s of 40 s for 7,500 files).
 */
const yieldChannel = new MessageChannel();
function yieldToEvents() {
  return new Promise((resolve) => {
    yieldChannel.port1.onmessage = () => resolve();
    yieldChannel.port2.postMessage(null);
  });
}

/**
 * Post progress. `partialBytes`: the part of the file being indexed that is done (a JSONL
 * file of an archive takes seconds), counted as done.
 */
function progress(phase, partialBytes = 0) {
  const elapsedMs = performance.now() - job.startedAt;
  const filesSeen = job.filesDone + job.queue.length;
  const filesTotal = Math.max(job.filesTotal, filesSeen);
  const bytesSeen = job.bytesDone + job.queuedBytes;
  // Without a total from the page, files still to come are counted at the mean size so far.
  const bytesTotal = job.bytesTotal || (filesSeen > 0
    ? Math.round(bytesSeen + (filesTotal - filesSeen) * (bytesSeen / filesSeen))
    : 0);
  const bytesDone = job.bytesDone + partialBytes;
  let etaMs = null;
  if (bytesDone > 0 && job.indexingStartedAt !== null) {
    const rate = bytesDone / (performance.now() - job.indexingStartedAt);
    etaMs = Math.round((bytesTotal - bytesDone) / Math.max(rate, 1e-9));
  }
  postMessage({
    type: 'progress',
    phase,
    filesDone: job.filesDone,
    filesTotal,
    bytesDone,
    bytesTotal,
    bytesEstimated: !job.bytesTotal && filesSeen < filesTotal,
    elapsedMs: Math.round(elapsedMs),
    etaMs,
  });
}

function endJob() {
  try {
    job?.indexer?.free();
  } catch {
    // Already freed (finish consumed nothing, but be safe).
  }
  job = null;
}

/**
 * A failure as the page words it: { kind: 'asset', asset, status } when a file the import
 * needs could not be downloaded (status 0: no answer), { kind: 'crash' } when the engine
 * stopped (a WebAssembly trap: out of memory, a bug), { kind: 'busy' }, or
 * { kind: 'engine', message } with a message the engine wrote for the user (in Chinese for
 * a bad line of a data file).
 */
function failure(err) {
  if (typeof err?.kind === 'string') return err;
  if (err instanceof WebAssembly.RuntimeError) return { kind: 'crash' };
  return { kind: 'engine', message: String(err?.message ?? err) };
}

function postFailure(err) {
  postMessage({ type: 'error', error: failure(err) });
}

function fail(err) {
  postFailure(err);
  endJob();
}

function enqueue(name, bytes) {
  job.queue.push({ name: String(name), bytes });
  job.queuedBytes += bytes.byteLength;
}

async function start(msg) {
  if (job) {
    postFailure({ kind: 'busy' });
    return;
  }
  job = {
    indexer: null,
    queue: [],
    queuedBytes: 0,
    filesDone: 0,
    bytesDone: 0,
    openBytes: 0, // size of the file being indexed, while it is
    fileEvents: Boolean(msg.fileEvents),
    filesTotal: msg.filesTotal ?? 0,
    bytesTotal: msg.bytesTotal ?? 0,
    startedAt: performance.now(),
    indexingStartedAt: null,
    progressAt: 0,
    yieldedAt: 0,
    finishing: false,
    cancelled: false,
    running: false,
  };
  const current = job;
  if (Array.isArray(msg.files)) {
    for (const f of msg.files) enqueue(f.name, f.bytes);
    job.finishing = true;
  }
  progress('loading');
  try {
    const [, dict] = await Promise.all([loadWasm(), loadDict()]);
    if (job !== current) return;
    if (job.cancelled) {
      endJob();
      postMessage({ type: 'cancelled' });
      return;
    }
    job.indexer = new Indexer(dict, msg.gazetteer ?? undefined, msg.topics ?? undefined);
    job.indexingStartedAt = performance.now();
    progress('indexing');
  } catch (err) {
    if (job === current) fail(err);
    return;
  }
  pump();
}

/**
 * Documents added per call inside a file: a few ms of work, so that the worker answers
 * 'snapshot' and 'cancel' within about YIELD_EVERY_MS even inside a JSONL archive of 100 MB.
 */
const DOCS_PER_STEP = 16;

/**
 * Index one file, a few documents at a time, yielding to messages every YIELD_EVERY_MS
 * (progress inside the file counts its share of documents done). Returns the file's
 * `{ added, skipped }`, or null when the import was cancelled meanwhile. A bad file comes
 * back as a skip; only a failure of the engine itself (out of memory: a wasm trap) throws,
 * and then the message names the file that caused it.
 */
async function indexFile(current, file) {
  const size = file.bytes.byteLength;
  try {
    current.indexer.beginFile(file.name, new Uint8Array(file.bytes));
    current.openBytes = size;
    for (;;) {
      const result = current.indexer.continueFile(DOCS_PER_STEP);
      if (result) return result;
      const now = performance.now();
      if (now - current.progressAt >= PROGRESS_EVERY_MS) {
        current.progressAt = now;
        progress('indexing', Math.round(current.indexer.fileShare() * size));
      }
      if (now - current.yieldedAt >= YIELD_EVERY_MS) {
        await yieldToEvents();
        current.yieldedAt = performance.now();
        if (job !== current || current.cancelled) return null;
      }
    }
  } catch (err) {
    throw new Error(`${file.name}：索引时出错（${err?.message ?? err}），可能是文件过大或内存不足`);
  } finally {
    current.openBytes = 0;
  }
}

/** Indexes queued files one by one, yielding between them; finishes when asked to. */
async function pump() {
  if (!job || !job.indexer || job.running) return;
  const current = job;
  current.running = true;
  try {
    while (job === current) {
      if (current.cancelled) {
        endJob();
        postMessage({ type: 'cancelled' });
        return;
      }
      const next = current.queue.shift();
      if (!next) break;
      current.queuedBytes -= next.bytes.byteLength;
      const result = await indexFile(current, next);
      if (!result) continue; // cancelled: answered at the top of the loop
      current.filesDone += 1;
      current.bytesDone += next.bytes.byteLength;
      if (current.fileEvents) {
        postMessage({ type: 'file-done', name: next.name, added: result.added, skipped: result.skipped });
      }
      const now = performance.now();
      if (now - current.progressAt >= PROGRESS_EVERY_MS || current.queue.length === 0) {
        current.progressAt = now;
        progress('indexing');
      }
      if (now - current.yieldedAt >= YIELD_EVERY_MS) {
        await yieldToEvents();
        current.yieldedAt = performance.now();
      }
    }
    if (job === current && current.finishing && current.queue.length === 0) {
      const bundle = current.indexer.finish();
      const report = current.indexer.report();
      endJob();
      const buffer = ownBuffer(bundle);
      postMessage({ type: 'done', bundle: buffer, report }, [buffer]);
    }
  } catch (err) {
    if (job === current) fail(err);
  } finally {
    current.running = false;
  }
}

/** The bytes of a Uint8Array from wasm as a transferable ArrayBuffer of their own. */
function ownBuffer(bytes) {
  return bytes.buffer.byteLength === bytes.byteLength ? bytes.buffer : bytes.slice().buffer;
}

/**
 * Answer 'snapshot': the bundle of the documents indexed so far. Messages arrive only
 * between steps of indexing (the pump yields there), so the snapshot never holds half a
 * document.
 */
function answerSnapshot() {
  if (!job?.indexer || job.cancelled) {
    postMessage({ type: 'snapshot', bundle: null, documents: 0, bytesDone: 0 });
    return;
  }
  try {
    const bundle = ownBuffer(job.indexer.snapshot());
    const { documents } = job.indexer.report();
    const partial = job.openBytes ? Math.round(job.indexer.fileShare() * job.openBytes) : 0;
    postMessage({ type: 'snapshot', bundle, documents, bytesDone: job.bytesDone + partial }, [bundle]);
  } catch (err) {
    fail(err);
  }
}

async function answerDefaults() {
  try {
    await loadWasm();
    postMessage({ type: 'defaults', gazetteer: defaultGazetteer(), topics: defaultTopics() });
  } catch (err) {
    postFailure(err);
  }
}

async function answerReannotate(msg) {
  try {
    const [, dict] = await Promise.all([loadWasm(), loadDict()]);
    const bundle = reannotate(dict, new Uint8Array(msg.bundle), msg.gazetteer ?? undefined, msg.topics ?? undefined);
    const buffer = ownBuffer(bundle);
    postMessage({ type: 'reannotated', bundle: buffer }, [buffer]);
  } catch (err) {
    postFailure(err);
  }
}

self.onmessage = (event) => {
  const msg = event.data ?? {};
  switch (msg.type) {
    case 'defaults':
      answerDefaults();
      break;
    case 'reannotate':
      answerReannotate(msg);
      break;
    case 'start':
      start(msg);
      break;
    case 'file':
      if (!job) return;
      enqueue(msg.name, msg.bytes);
      pump();
      break;
    case 'finish':
      if (!job) return;
      job.finishing = true;
      pump();
      break;
    case 'snapshot':
      answerSnapshot();
      break;
    case 'cancel':
      if (!job) {
        postMessage({ type: 'cancelled' });
        return;
      }
      job.cancelled = true;
      // Idle (waiting for files, or loading): answer now; a running pump answers itself.
      if (!job.running && job.indexer) {
        endJob();
        postMessage({ type: 'cancelled' });
      }
      break;
    default:
      postFailure({ kind: 'engine', message: `unknown message type ${JSON.stringify(msg.type)}` });
  }
};
