// quxian import pool: the helpers (prepare-worker.js) of the import worker
// (import-worker.js) and what they are given. A helper reads, segments and annotates files
// (or pieces of a big file) ahead of the import worker, which adds everything in order, so
// that an import uses every core and gives the same library whatever the pool's size.
//
// The import worker's job object (`current`) carries what this module reads and writes:
// `helpersWanted`, `poolsFiles` (whether whole files go to helpers, not only pieces of a big
// file), `helpers` (null until started), `engine` ({ module, dict, gazetteer,
// topics }: what a helper starts from), `id`, `queue`, `takeFrom`, `filesByHelpers`,
// `batchesByHelpers`, `indexer` and `wake` (the pump's resume, while it waits).
// Queue entries and pieces: { ticket, state: 'new' | 'sent' | 'ready' | 'failed', here,
// size, prepared, error } plus { seq, name, bytes } for a file, { raw } for a batch of
// documents, { name, bytes, piece } for a file of an archive.

/** Resume a pump waiting for a helper's answer (or for more files, or a cancel). */
export function wake(current) {
  const resume = current.wake;
  current.wake = null;
  resume?.();
}

/** At most this many helpers: beyond, the import worker adding files in order is the limit. */
const MAX_HELPERS = 3;

/** The pool's size when `start` does not set it: one helper per core beyond the first. */
export function defaultHelpers() {
  return Math.min(MAX_HELPERS, Math.max(0, (navigator.hardwareConcurrency || 1) - 1));
}

/**
 * Whether files that the page reads one by one while the import runs go to the helpers,
 * when the caller did not set the pool's size. Reading thousands of picked files keeps the
 * page's main thread and the browser's own process busy (7,477 files, 20 MB: 3.0 CPU-s in
 * 1.7 s on 2 cores), so there a helper only takes CPU from the reading: with one helper
 * they were imported in 3.36–3.45 s, by this worker alone in 3.01–3.05 s (5 Dec 2026; the
 * same files already in memory: 1.28–1.31 s with the helper, 1.57–1.58 s alone). Helpers
 * take such files from the fourth core on: two for the reading, one for this worker.
 */
export function defaultPoolsReadFiles() {
  return (navigator.hardwareConcurrency || 1) >= 4;
}

/**
 * Bytes of files a helper holds at once (at least one file): tens of ms of work, so that it
 * never idles between two of the import worker's yields (its answers are read only then).
 */
export const HELPER_BYTES_IN_FLIGHT = 1024 * 1024;
/**
 * Bigger files are not prepared whole (their tokens would all be held at once, and a cancel
 * would wait for them): a JSONL file or a zip goes to the pool in pieces (indexInBatches in
 * import-worker.js), any other is indexed by the import worker a few documents at a time.
 */
export const HELPER_MAX_FILE_BYTES = 4 * 1024 * 1024;
const HELPER_URL = new URL('./prepare-worker.js', import.meta.url);

/** The helpers, kept from one import to the next (each import starts them with its data). */
let pool = [];

/**
 * The helpers of this import, started the first time a file could go to one (an import of
 * one file starts none). A helper gets files once it said it is ready: until then the
 * import worker does the work.
 */
export function helpersFor(current) {
  if (current.helpers) return current.helpers;
  while (pool.length < current.helpersWanted) {
    let worker;
    try {
      worker = new Worker(HELPER_URL, { type: 'module' });
    } catch {
      break; // no nested workers here: the import worker does the work alone
    }
    const helper = { worker, job: null, ready: false, sent: [], sentBytes: 0 };
    worker.onmessage = (event) => helperAnswered(helper, event.data ?? {});
    worker.onerror = () => dropHelper(helper);
    pool.push(helper);
  }
  current.helpers = pool.slice(0, current.helpersWanted);
  for (const helper of current.helpers) {
    Object.assign(helper, { job: current, ready: false, sent: [], sentBytes: 0 });
    const { module, dict, gazetteer, topics } = current.engine;
    helper.worker.postMessage({ type: 'start', job: current.id, module, dict, gazetteer, topics });
  }
  return current.helpers;
}

/**
 * A plain document file (or a batch of documents) small enough for a helper to prepare
 * whole. Archives and libraries are added by the import worker, and so is what a helper
 * declined (something to skip, whose reasons only the import worker reports).
 */
export function poolable(entry) {
  return !entry.here && entry.size <= HELPER_MAX_FILE_BYTES && !/\.(zip|qx)$/i.test(entry.name ?? '');
}

/** The file waits for its turn at the head of the queue, to be indexed by the import worker. */
function keepHere(entry) {
  entry.state = 'new';
  entry.here = true;
}

function helperAnswered(helper, msg) {
  const current = helper.job;
  if (!current || msg.job !== current.id) return; // an answer to an import that ended
  if (msg.type === 'unusable') {
    dropHelper(helper);
    return;
  }
  if (msg.type === 'ready') {
    helper.ready = true;
    wake(current);
    return;
  }
  const entry = helper.sent.find((e) => e.ticket === msg.ticket);
  if (!entry) return;
  helper.sent.splice(helper.sent.indexOf(entry), 1);
  helper.sentBytes -= entry.size;
  if (msg.type === 'prepared') {
    if (entry.piece) current.batchesByHelpers += 1;
    else current.filesByHelpers += 1;
    entry.state = 'ready';
    entry.prepared = new Uint8Array(msg.prepared);
  } else if (msg.type === 'declined') {
    keepHere(entry);
  } else {
    entry.state = 'failed';
    entry.error = msg.message;
  }
  wake(current);
}

/** A helper that did not start (or failed to load) leaves the pool; its files go back to the queue. */
function dropHelper(helper) {
  helper.worker.terminate();
  pool = pool.filter((h) => h !== helper);
  const current = helper.job;
  if (!current) return;
  current.helpers = current.helpers.filter((h) => h !== helper);
  for (const entry of helper.sent) {
    entry.state = 'new';
    if (entry.seq !== undefined) current.takeFrom = Math.min(current.takeFrom, entry.seq);
  }
  helper.sent = [];
  helper.sentBytes = 0;
  wake(current);
}

/**
 * The next file to prepare ahead of the head of the queue, in order: poolable and not
 * started. (The head itself is indexed by the import worker, a few documents at a time.)
 */
export function takeAhead(current) {
  const { queue } = current;
  if (queue.length < 2) return null;
  const base = queue[0].seq;
  for (let i = Math.max(1, current.takeFrom - base); i < queue.length; i++) {
    if (queue[i].state === 'new' && poolable(queue[i])) {
      current.takeFrom = queue[i].seq + 1;
      return queue[i];
    }
  }
  current.takeFrom = base + queue.length;
  return null;
}

/** Keep every helper busy with the next files. */
export function dispatch(current) {
  if (current.helpersWanted === 0 || !current.poolsFiles || current.queue.length < 2) return;
  sendToHelpers(current, () => takeAhead(current));
}

/**
 * Hand each ready helper work from `next()` (a file of the queue, or a piece of a big file)
 * until it holds HELPER_BYTES_IN_FLIGHT (and always one). Bytes are copied, not
 * transferred, so that a lost helper's work can be redone by the import worker.
 */
export function sendToHelpers(current, next) {
  for (const helper of helpersFor(current)) {
    while (helper.ready && (helper.sent.length === 0 || helper.sentBytes < HELPER_BYTES_IN_FLIGHT)) {
      const entry = next();
      if (!entry) return;
      entry.state = 'sent';
      helper.sent.push(entry);
      helper.sentBytes += entry.size;
      const work = entry.raw ? { raw: entry.raw } : { name: entry.name, bytes: entry.bytes };
      helper.worker.postMessage({ type: 'prepare', job: current.id, ticket: entry.ticket, ...work });
    }
  }
}

/** Wait for a helper's answer (or more files, or a cancel). */
export function waitForHelpers(current) {
  return new Promise((resolve) => { current.wake = resolve; });
}

/** The import worker prepares a later file or piece while the head is with a helper. */
export function prepareHere(current, entry) {
  try {
    entry.prepared = entry.raw
      ? current.indexer.prepareDocuments(entry.raw)
      : current.indexer.prepareFile(entry.name, new Uint8Array(entry.bytes));
    if (entry.prepared) entry.state = 'ready';
    else keepHere(entry);
  } catch (err) {
    entry.state = 'failed';
    entry.error = String(err?.message ?? err);
  }
}
