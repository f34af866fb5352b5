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
//     fileEvents?: boolean, helpers?: number }
//       Begin an import. With `files`, they are indexed and the import finishes by itself.
//       With `files: null`, files follow as 'file' messages and 'finish' ends the import;
//       `filesTotal` / `bytesTotal` (optional) let progress show totals from the start.
//       `gazetteer` / `topics` are data-file texts (the Chongqing defaults when absent).
//       `fileEvents`: post 'file-done' after each file (thousands of messages otherwise
//       unread). `helpers`: how many prepare-worker.js helpers index files beside this
//       worker (default: one per core beyond the first, at most MAX_HELPERS; files that
//       follow as 'file' messages go to them only from 4 cores on, see
//       defaultPoolsReadFiles); the library is the same whatever the number.
//   { type: 'file', name, bytes: ArrayBuffer }   one more file (transfer `bytes`)
//   { type: 'finish' }                           no more files: build the bundle
//   { type: 'cancel' }                           stop after the file being indexed
//   { type: 'snapshot' }                         the documents indexed so far, to search
//       while the import runs (answered between steps of a few documents)
//   { type: 'defaults' }                         the built-in data-file texts
//   { type: 'reannotate', bundle: ArrayBuffer, gazetteer?, topics? }
//       re-annotate a library with these data files (the built-in ones when absent)
//   { type: 'site', bundle: ArrayBuffer }
//       write a library as a site index (pieces searched one query at a time)
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
//     passages, input_bytes, skipped: [{ name, reason }] }, pool: { helpers, files, batches } }
//       pool: helpers that worked in this import, the files they prepared, and the pieces
//       of big files (batches of a JSONL file's documents, files of a zip archive)
//   { type: 'defaults', gazetteer, topics }                  answer to 'defaults'
//   { type: 'reannotated', bundle: ArrayBuffer (transferred) }      answer to 'reannotate'
//   { type: 'site-piece', name, bytes: ArrayBuffer (transferred) }  one piece of 'site', as
//       soon as it is written (the page stores it: the worker keeps none); the meta last
//   { type: 'site-step', done, steps }        how far 'site' is, from its start on
//   { type: 'site-written', pieces, bytes, build }                  'site' is complete
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

import init, {
  Indexer, reannotate, defaultGazetteer, defaultTopics, writeSite,
} from './import/quxian_import.js';
import {
  HELPER_BYTES_IN_FLIGHT, HELPER_MAX_FILE_BYTES, defaultHelpers, defaultPoolsReadFiles, dispatch, helpersFor, poolable,
  prepareHere, sendToHelpers, takeAhead, waitForHelpers, wake,
} from './import-pool.js';

let wasmReady = null;
let dictBytes = null;
let dictLoading = null;
let job = null;
let jobsStarted = 0;

/**
 * Small files are indexed in runs of about this many ms before the worker yields to its
 * messages ('cancel', more files): yielding after each of thousands of files cost more
 * than a run's few ms of delay to a cancel.
 */
const YIELD_EVERY_MS = 8;
/** Progress goes to the page at most this often (each message re-renders the app's bar). */
const PROGRESS_EVERY_MS = 100;
/**
 * Bytes done and not yet reported after which a worker that has emptied its queue reports
 * at once. The page stops reading while it is more than MAX_IN_FLIGHT (32 MB, in
 * quxian-library.js) ahead of the last report, so a report is always owed before that. A
 * report after every file instead, whenever the worker kept up with the reading, was a
 * message per file to the page's thread that reads the files (~600 for 7,477 files).
 */
const REPORT_WHEN_IDLE_BYTES = 1024 * 1024;

const WASM_ASSET = 'import/quxian_import_bg.wasm';
const DICT_ASSET = 'jieba/dict.txt';

/**
 * The import engine, compiled here once and instantiated: resolves with the compiled
 * module, which the pool's helpers instantiate without downloading it again.
 */
function loadWasm() {
  wasmReady ??= (async () => {
    const response = await fetch(new URL(`./${WASM_ASSET}`, import.meta.url));
    if (!response.ok) throw { kind: 'asset', asset: WASM_ASSET, status: response.status };
    const module = await WebAssembly.compile(await response.arrayBuffer());
    await init({ module_or_path: module });
    return module;
  })().catch((err) => {
    wasmReady = null; // a later import tries again
    throw typeof err?.kind === 'string' ? err : { kind: 'asset', asset: WASM_ASSET, status: 0 };
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
  job.bytesReported = bytesDone;
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
  for (const helper of job?.helpers ?? []) helper.job = null; // they wait for the next import
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

/**
 * A file joins the queue in the order it came. `state`: 'new' (not started), 'sent' (with
 * a helper), 'ready' (`prepared` holds its prepared bytes) or 'failed' (`error`); `here`:
 * to be indexed by this worker (see poolable in import-pool.js).
 */
function enqueue(name, bytes) {
  const seq = job.nextSeq++;
  job.queue.push({ seq, ticket: job.nextTicket++, name: String(name), bytes, size: bytes.byteLength, state: 'new', here: false, prepared: null, error: null });
  job.queuedBytes += bytes.byteLength;
  wake(job);
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
    bytesReported: 0, // bytesDone as the page last heard it
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
    id: ++jobsStarted,
    engine: null, // { module, dict, gazetteer, topics }: what a helper starts from
    helpersWanted: msg.helpers ?? defaultHelpers(),
    // Files already here (`files` in this message) or a pool sized by the caller always
    // go to the helpers; files the page reads meanwhile only with cores to spare.
    poolsFiles: Array.isArray(msg.files) || msg.helpers !== undefined || defaultPoolsReadFiles(),
    helpers: null, // started on demand (helpersFor)
    filesByHelpers: 0,
    batchesByHelpers: 0,
    nextSeq: 0, // seq of the next file to arrive
    nextTicket: 0, // names a file or a batch of documents sent to a helper
    takeFrom: 0, // seq from which takeAhead looks for a file to prepare ahead of the head
    wake: null,
  };
  const current = job;
  if (Array.isArray(msg.files)) {
    for (const f of msg.files) enqueue(f.name, f.bytes);
    job.finishing = true;
  }
  progress('loading');
  try {
    const [module, dict] = await Promise.all([loadWasm(), loadDict()]);
    if (job !== current) return;
    if (job.cancelled) {
      endJob();
      postMessage({ type: 'cancelled' });
      return;
    }
    job.indexer = new Indexer(dict, msg.gazetteer ?? undefined, msg.topics ?? undefined);
    job.engine = { module, dict, gazetteer: msg.gazetteer, topics: msg.topics };
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
    throw engineFailed(file.name, err?.message ?? err);
  } finally {
    current.openBytes = 0;
  }
}

function engineFailed(name, message) {
  return new Error(`${name}：索引时出错（${message}），可能是文件过大或内存不足`);
}

/** Add a prepared file (the head of the queue) to the library. */
function commitPrepared(current, entry) {
  if (entry.state === 'failed') throw engineFailed(entry.name, entry.error);
  try {
    return current.indexer.commitPrepared(entry.prepared);
  } catch (err) {
    throw engineFailed(entry.name, err?.message ?? err);
  }
}

/**
 * A big JSONL file or zip archive, too big to prepare whole, goes to the pool in pieces: a
 * JSONL file's documents in batches of DOCS_PER_BATCH, a zip's files one by one.
 */
const DOCS_PER_BATCH = 32;

function inBatches(current, file) {
  return current.helpersWanted > 0 && file.size > HELPER_MAX_FILE_BYTES && /\.(jsonl|zip)$/i.test(file.name);
}

/**
 * The next piece of the big file begun: `{ raw }` (a batch of documents) or `{ name, bytes }`
 * (an archive's file), or undefined at its end.
 */
function takePiece(indexer, zip) {
  let piece;
  if (zip) {
    const entry = indexer.takeEntry();
    if (!entry) return undefined;
    piece = { name: entry.name, bytes: entry.bytes };
    entry.free();
  } else {
    const raw = indexer.takeDocuments(DOCS_PER_BATCH);
    if (!raw) return undefined;
    piece = { raw };
  }
  return { ...piece, piece: true, size: (piece.raw ?? piece.bytes).byteLength, state: 'new', here: false, prepared: null, error: null };
}

/** Add a piece, in order: prepared by a helper or here, else whole here. */
function addPiece(indexer, piece) {
  if (piece.state === 'failed') throw new Error(piece.error);
  const ready = piece.state === 'ready';
  if (piece.raw) {
    if (ready) indexer.commitDocuments(piece.prepared);
    else indexer.addDocuments(piece.raw);
  } else if (ready) {
    indexer.commitEntry(piece.prepared);
  } else {
    indexer.addEntry(piece.name, piece.bytes);
  }
}

/**
 * Index a big JSONL file or zip archive in pieces: the helpers prepare pieces ahead, this
 * worker adds each in order (it prepares later ones itself while it waits, and adds the
 * first one whole when nobody prepared it). Pieces are taken while they hold less than
 * HELPER_BYTES_IN_FLIGHT per worker, so that this worker has its share. Returns the
 * file's `{ added, skipped }`, or null when the import was cancelled.
 */
async function indexInBatches(current, file) {
  const { indexer } = current;
  const zip = /\.zip$/i.test(file.name);
  const pieces = [];
  let held = 0;
  const nextPiece = () => pieces.find((p, i) => i > 0 && p.state === 'new' && poolable(p));
  try {
    indexer.beginFile(file.name, new Uint8Array(file.bytes));
    current.openBytes = file.size;
    for (let more = true; ;) {
      const room = HELPER_BYTES_IN_FLIGHT * (helpersFor(current).length + 1);
      while (more && held < room) {
        const piece = takePiece(indexer, zip);
        more = piece !== undefined;
        if (more) {
          pieces.push({ ...piece, ticket: current.nextTicket++ });
          held += piece.size;
        }
      }
      sendToHelpers(current, nextPiece);
      const head = pieces[0];
      if (!head) return indexer.continueFile(0);
      if (head.state === 'sent') {
        const later = nextPiece();
        if (later) prepareHere(current, later);
        else await waitForHelpers(current);
      } else {
        pieces.shift();
        held -= head.size;
        addPiece(indexer, head);
      }
      const now = performance.now();
      if (now - current.progressAt >= PROGRESS_EVERY_MS) {
        current.progressAt = now;
        progress('indexing', Math.round(indexer.fileShare() * file.size));
      }
      await yieldIfDue(current);
      if (job !== current || current.cancelled) return null;
    }
  } catch (err) {
    throw engineFailed(file.name, err?.message ?? err);
  } finally {
    current.openBytes = 0;
  }
}

/** Count a file added, tell the page, and yield to messages once YIELD_EVERY_MS passed. */
async function fileDone(current, entry, result) {
  current.filesDone += 1;
  current.bytesDone += entry.size;
  if (current.fileEvents) {
    postMessage({ type: 'file-done', name: entry.name, added: result.added, skipped: result.skipped });
  }
  const now = performance.now();
  const owed = current.queue.length === 0
    && current.bytesDone - current.bytesReported >= REPORT_WHEN_IDLE_BYTES;
  if (now - current.progressAt >= PROGRESS_EVERY_MS || owed) {
    current.progressAt = now;
    progress('indexing');
  }
  await yieldIfDue(current);
}

async function yieldIfDue(current) {
  if (performance.now() - current.yieldedAt >= YIELD_EVERY_MS) {
    await yieldToEvents();
    current.yieldedAt = performance.now();
  }
}

/**
 * Adds queued files in order, yielding between them; finishes when asked to. The head of
 * the queue is added as soon as it is ready: prepared by a helper, or indexed here. While
 * a helper still works on it, this worker prepares a later file, or waits.
 */
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
      dispatch(current);
      const head = current.queue[0];
      if (!head) break;
      if (head.state === 'sent') {
        const ahead = takeAhead(current);
        if (ahead) {
          prepareHere(current, ahead);
          await yieldIfDue(current);
        } else {
          await waitForHelpers(current);
        }
        continue;
      }
      current.queue.shift();
      current.queuedBytes -= head.size;
      let result;
      if (head.state !== 'new') result = commitPrepared(current, head);
      else if (inBatches(current, head)) result = await indexInBatches(current, head);
      else result = await indexFile(current, head);
      if (result) await fileDone(current, head, result); // null: cancelled, answered above
    }
    if (job === current && current.finishing && current.queue.length === 0) {
      const bundle = current.indexer.finish();
      const report = current.indexer.report();
      const helped = { helpers: current.helpers?.length ?? 0, files: current.filesByHelpers, batches: current.batchesByHelpers };
      endJob();
      const buffer = ownBuffer(bundle);
      postMessage({ type: 'done', bundle: buffer, report, pool: helped }, [buffer]);
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

async function answerSite(msg) {
  try {
    await loadWasm();
    const summary = writeSite(new Uint8Array(msg.bundle), (name, bytes) => {
      postMessage({ type: 'site-piece', name, bytes: bytes.buffer }, [bytes.buffer]);
    }, (done, steps) => postMessage({ type: 'site-step', done, steps }));
    postMessage({ type: 'site-written', ...summary });
  } catch (err) {
    postFailure(err);
  }
}

self.onmessage = (event) => {
  const msg = event.data ?? {};
  switch (msg.type) {
    case 'site':
      answerSite(msg);
      break;
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
      wake(job);
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
      wake(job);
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
