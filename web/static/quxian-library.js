// quxian-library.js: the main-thread side of "explore your own documents".
//
//   importFiles(files, { onProgress, onFile, onSearchable, signal, gazetteer, topics, helpers })
//       → Promise<{ bundle: Uint8Array, report, pool: { helpers, files, batches } }>
//     Indexes File objects in a Web Worker (import-worker.js; see its protocol). Files are
//     read READS_IN_FLIGHT at a time and streamed to the worker in order, at most
//     MAX_IN_FLIGHT bytes ahead of it (counted by File.size for a few files, or once a big
//     one is seen). An AbortSignal cancels: the promise rejects with a
//     DOMException 'AbortError'. `onSearchable(search)` is called once at the start with
//     `search(query, documents = 5)` → Promise<{ searchedDocuments, capped, totalDocs,
//     hits: [{ title, pieces: [[text, marked]] }] }>, which searches the documents indexed
//     so far while the import runs (see importPreview); it rejects once the import ended.
//     `helpers`: the size of the worker's pool (see import-worker.js; default by cores).
//   listLibraries() → [{ id, name, createdAt, documents, passages, files, bytes, inputBytes }]
//   saveLibrary({ name, bundle, report, gazetteer?, topics? }) → id (a random string, so a
//     link naming a library never opens a different one on another machine)
//   loadLibrary(id) → Uint8Array (the bundle, for quxian-wasm's `new Explorer(bytes)`)
//   renameLibrary(id, name), deleteLibrary(id), exportLibrary(id) (downloads <name>.qx)
//   defaultData() → { gazetteer, topics }: the built-in data-file texts (from the import wasm)
//   reannotateLibrary(id, { gazetteer, topics }) → Uint8Array: rebuilds the library's
//     districts and topics in the worker with these data-file texts, stores the new bundle
//     and the texts (one transaction) and resolves with the new bundle
//   openLibrarySite(id, { onProgress }) → the URL of the site page (site.html?library=ID)
//     that searches the library piece by piece: its site index (the layout of
//     `quxian build --site`) is written first, in the worker, unless it is stored already.
//     onProgress({ pieces, bytes, step, steps }) while pieces are stored (`step` of `steps`
//     steps of the write stored). For big libraries: the app
//     holds a whole library and its index in memory, the site page only what a query needs.
//   readLibraryPiece(id, name) → Uint8Array | undefined: a stored piece (for site-worker.js)
//   librarySiteInfo(id) → { id, name, site } | null: a library (found by a link's text id)
//     and whether its pieces are complete (`site`: { pieces, bytes, build } once they are)
//   forgetLibrarySite(id, { build }): delete a library's pieces (damaged ones: the next open
//     rewrites them); with `build`, only if the library's pieces are still that build's
//   filesFromEntries(entries) → File[]: the files under dropped FileSystemEntry objects
//     (DataTransferItem.webkitGetAsEntry(), taken during the drop event), folders walked,
//     each file named by its path from the dropped item ('报告/2023/a.txt')
//   reasonLabel(reason) → the Chinese label of a skip reason ({ kind, …fields })
//
// Storage: IndexedDB database 'quxian', store 'libraries' (metadata, key `id`), store
// 'bundles' (bundle bytes, same key) and store 'pieces' (a library's site index: bytes by
// [id, piece name]). Each write is one transaction over the stores it changes, so a full
// disk (QuotaExceededError) rolls back only that write and earlier libraries stay. A
// library's `site` field is set only once all its pieces are stored; deleting or
// re-annotating a library deletes its pieces in the same transaction.
// All URLs are relative to this module, so the site works under a sub-path.

const WORKER_URL = new URL('./import-worker.js', import.meta.url);
const DB_NAME = 'quxian';
const DB_VERSION = 2;
/** Bytes read ahead of the worker; bounds memory when thousands of files are chosen. */
const MAX_IN_FLIGHT = 32 * 1024 * 1024;
/**
 * Reads running at once. A read of a picked file waits about 2 ms for the browser: one at a
 * time, 7,477 small files were a 17 s wait; 16 at a time are read faster than the worker
 * indexes them. (Reading in the worker instead starved the reads: their replies waited for
 * the indexer to yield.)
 */
const READS_IN_FLIGHT = 16;
/**
 * A worker that indexed more than this is not kept for the next import: its WebAssembly
 * memory never shrinks, so after a 100 MB import an idle worker would hold about 0.5 GB.
 * Smaller imports keep it, so the next one skips loading the dictionary again.
 */
const KEEP_WORKER_MAX_INPUT = 16 * 1024 * 1024;
/** The same for re-annotating a library: its bundle holds about 0.43 of its text. */
const KEEP_WORKER_MAX_BUNDLE = 8 * 1024 * 1024;
/**
 * Up to this many files, every File.size is asked first (≤ 40 ms of look-ups): reads are
 * bounded by size and progress shows the exact total from the start.
 */
const SIZED_READS_MAX_FILES = 64;
/** A file this big switches the reads of the rest to bounded by File.size. */
const BIG_FILE_BYTES = 4 * 1024 * 1024;
/** How long a cancelled worker may take to answer before it is terminated. */
const CANCEL_GRACE_MS = 1000;
const PREVIEW_WORKER_URL = new URL('./preview-worker.js', import.meta.url);
/**
 * A search during an import takes a new snapshot once the input indexed has doubled… (the
 * preview loads each snapshot whole, ~2.5 s for 10 MB: doubling bounds all of that work to
 * about twice the last load)
 */
const PREVIEW_GROWTH = 2;
/** …or grew at all and this long has passed since the last snapshot. */
const PREVIEW_REFRESH_MS = 10_000;
/**
 * No new snapshot past this much input: the preview holds a second index of what it
 * searches (a few times the text), which must not push a 100 MB import past the tab's memory.
 */
const PREVIEW_MAX_INPUT = 32 * 1024 * 1024;

// ---------------------------------------------------------------- import

let idleWorker = null;

function takeWorker() {
  const worker = idleWorker ?? new Worker(WORKER_URL, { type: 'module' });
  idleWorker = null;
  return worker;
}

function releaseWorker(worker) {
  if (idleWorker) worker.terminate();
  else idleWorker = worker;
}

/**
 * One request/answer exchange with an idle worker (defaults, reannotate, site): posts `msg`
 * and resolves with the first answer of type `answer`; an 'error' answer rejects, and
 * `onPiece` and `onStep` receive the 'site-piece' and 'site-step' messages before it. `control.stop(error)`, set here,
 * ends the exchange early: the worker is terminated and the promise rejects with `error`.
 * The worker is kept for the next exchange or import when `keepAfter` (see
 * KEEP_WORKER_MAX_INPUT).
 */
function askWorker(msg, transfer, answer, keepAfter = true, { onPiece, onStep, control } = {}) {
  const worker = takeWorker();
  return new Promise((resolve, reject) => {
    let settled = false;
    // Once only: a `control.stop` after the answer must not terminate the worker, which is
    // then idle, kept for the next exchange.
    const done = (fn, value, keep) => {
      if (settled) return;
      settled = true;
      worker.onmessage = null;
      worker.onerror = null;
      if (keep) releaseWorker(worker);
      else worker.terminate();
      fn(value);
    };
    worker.onerror = (event) => {
      event.preventDefault?.();
      const why = event.message || '可能是离线，而本机还没有保存过它';
      done(reject, new Error(`无法启动导入程序（${why}）：请联网后重试（用过一次之后，离线也能用）`), false);
    };
    if (control) control.stop = (error) => done(reject, error, false);
    worker.onmessage = (event) => {
      const reply = event.data ?? {};
      if (reply.type === 'site-piece') onPiece?.(reply);
      else if (reply.type === 'site-step') onStep?.(reply);
      else if (reply.type === answer) done(resolve, reply, keepAfter);
      else if (reply.type === 'error') done(reject, Object.assign(new Error(failureLabel(reply.error)), { kind: reply.error?.kind }), false);
    };
    worker.postMessage(msg, transfer);
  });
}

/** The Chinese message of a worker failure ({ kind, …fields }, see import-worker.js). */
function failureLabel(error) {
  switch (error?.kind) {
    case 'asset':
      return error.status
        ? `无法下载导入所需的文件 ${error.asset}（HTTP ${error.status}）：请刷新页面后重试`
        : `无法下载导入所需的文件 ${error.asset}：请检查网络连接后重试`;
    case 'crash':
      return '导入程序出错停止了（可能是内存不足）：请分批导入较少或较小的文件';
    case 'busy':
      return '已有一个导入正在进行：请等它完成或取消后再试';
    case 'engine':
      return error.message;
    default:
      return '导入程序出错了：请刷新页面后重试';
  }
}

let defaults = null;

/** The built-in gazetteer and topic lexicon texts, as the import engine embeds them. */
export function defaultData() {
  defaults ??= askWorker({ type: 'defaults' }, [], 'defaults')
    .then(({ gazetteer, topics }) => ({ gazetteer, topics }))
    .catch((err) => {
      defaults = null;
      throw err;
    });
  return defaults;
}

/**
 * A file's bytes; an unreadable one (moved, no permission) is indexed as empty, so the
 * report names it instead of the import failing.
 */
function readFile(file) {
  return file.arrayBuffer().catch((err) => {
    console.warn(`quxian: could not read ${fileName(file)}: ${err}`);
    return new ArrayBuffer(0);
  });
}

function abortError() {
  return new DOMException('导入已取消', 'AbortError');
}

/** The name a file is indexed under: its path inside a chosen folder, else its name. */
function fileName(file) {
  return file.webkitRelativePath || file.name;
}

/**
 * Whether a file of a chosen or dropped folder is hidden, or clutter a system leaves (.git/,
 * .DS_Store, __MACOSX, Thumbs.db, desktop.ini): left out, as a zip's are (`is_hidden` in
 * crates/import/src/archive.rs). A file chosen on its own is the user's choice and stays.
 */
function isFolderClutter(file) {
  const parts = fileName(file).split('/');
  return parts.length > 1 && parts.some((part) => part.startsWith('.') || part === '__MACOSX'
    || /^(thumbs\.db|desktop\.ini)$/i.test(part));
}

/**
 * The preview's search engine: preview-worker.js, started on first use. `ask(msg,
 * transfer)` → its answer; a crash of the worker (out of memory) rejects every pending call,
 * calls `onCrash`, and the next `ask` starts a new worker.
 */
function previewSearcher(onCrash) {
  let worker = null;
  const calls = new Map();
  let nextCall = 0;
  const failAll = (error) => {
    for (const { reject } of calls.values()) reject(error);
    calls.clear();
  };
  const start = () => {
    worker = new Worker(PREVIEW_WORKER_URL, { type: 'module' });
    worker.onmessage = ({ data: { id, result, error } }) => {
      const call = calls.get(id);
      calls.delete(id);
      if (error === undefined) call?.resolve(result);
      else call?.reject(new Error(error));
    };
    worker.onerror = (event) => {
      event.preventDefault?.();
      failAll(new Error('搜索程序出错停止了（可能是内存不足）：导入完成并保存后再搜索'));
      worker?.terminate();
      worker = null;
      onCrash();
    };
  };
  return {
    ask(msg, transfer) {
      if (!worker) start();
      const id = nextCall++;
      return new Promise((resolve, reject) => {
        calls.set(id, { resolve, reject });
        worker.postMessage({ id, ...msg }, transfer);
      });
    },
    close(error) {
      failAll(error);
      worker?.terminate();
      worker = null;
    },
  };
}

/**
 * Searching an import while it runs. The import worker hands over the documents indexed so
 * far as a bundle ('snapshot', taken between two steps of a few documents), which
 * preview-worker.js loads and searches. A snapshot costs the indexer about as long as
 * writing that bundle, so a search takes a new one only when the import has grown enough
 * since the last (PREVIEW_GROWTH, PREVIEW_REFRESH_MS) and not past PREVIEW_MAX_INPUT.
 * Searches run one after another. `bytesIndexed()`: the input indexed so far, from the
 * worker's progress.
 */
function importPreview(importWorker, bytesIndexed) {
  let snapshot = null; // { documents, bytesDone, at } of the bundle the searcher holds
  const searcher = previewSearcher(() => {
    snapshot = null;
  });
  let snapshotWanted = null; // resolves with the import worker's 'snapshot' answer
  let queue = Promise.resolve();
  let closed = false;

  const ended = () => new Error('导入已经结束');
  const fresh = () => {
    if (!snapshot) return false;
    const now = bytesIndexed();
    if (now <= snapshot.bytesDone || snapshot.bytesDone >= PREVIEW_MAX_INPUT) return true;
    return now < snapshot.bytesDone * PREVIEW_GROWTH
      && performance.now() - snapshot.at < PREVIEW_REFRESH_MS;
  };
  const takeSnapshot = () => new Promise((resolve) => {
    snapshotWanted = resolve;
    importWorker.postMessage({ type: 'snapshot' });
  });
  const run = async (query, documents) => {
    if (closed) throw ended();
    let bundle = null;
    if (!fresh()) {
      const answer = await takeSnapshot();
      if (closed) throw ended();
      if (answer.bundle && answer.documents > 0) {
        bundle = answer.bundle;
        snapshot = { documents: answer.documents, bytesDone: answer.bytesDone, at: performance.now() };
      }
    }
    if (!snapshot) return { searchedDocuments: 0, capped: false, totalDocs: 0, hits: [] };
    const { documents: searchedDocuments, bytesDone } = snapshot;
    const result = await searcher.ask({ bundle, query, documents }, bundle ? [bundle] : []);
    return { searchedDocuments, capped: bytesDone >= PREVIEW_MAX_INPUT, ...result };
  };
  return {
    search(query, documents = 5) {
      const result = queue.then(() => run(String(query), documents));
      queue = result.catch(() => {});
      return result;
    },
    snapshotArrived(answer) {
      snapshotWanted?.(answer);
      snapshotWanted = null;
    },
    close() {
      closed = true;
      snapshotWanted?.({ bundle: null });
      snapshotWanted = null;
      searcher.close(ended());
    },
  };
}

/**
 * Index `files` (File[] or FileList) into one library bundle.
 * onProgress({ phase, filesDone, filesTotal, bytesDone, bytesTotal, bytesEstimated, elapsedMs, etaMs })
 * onFile({ name, added, skipped })
 */
export function importFiles(files, {
  onProgress, onFile, onSearchable, signal, gazetteer, topics, helpers,
} = {}) {
  const list = Array.from(files ?? []).filter((file) => !isFolderClutter(file));
  if (signal?.aborted) return Promise.reject(abortError());
  const worker = takeWorker();

  return new Promise((resolve, reject) => {
    let settled = false;
    let cancelTimer = null;
    let bytesDone = 0;
    let wakeReader = null;
    const preview = importPreview(worker, () => bytesDone);

    const settle = (fn, value, keepWorker) => {
      if (settled) return;
      settled = true;
      preview.close();
      clearTimeout(cancelTimer);
      signal?.removeEventListener('abort', onAbort);
      worker.onmessage = null;
      worker.onerror = null;
      if (keepWorker) releaseWorker(worker);
      else worker.terminate();
      wakeReader?.();
      fn(value);
    };

    const onAbort = () => {
      worker.postMessage({ type: 'cancel' });
      // The worker answers between files; a huge file may keep it busy, so stop waiting.
      cancelTimer = setTimeout(() => settle(reject, abortError(), false), CANCEL_GRACE_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    worker.onerror = (event) => {
      event.preventDefault?.();
      settle(reject, new Error(`导入失败：无法启动导入程序（${event.message || '未知错误'}）`), false);
    };
    worker.onmessage = (event) => {
      const msg = event.data;
      switch (msg.type) {
        case 'progress':
          bytesDone = msg.bytesDone;
          wakeReader?.();
          onProgress?.(msg);
          break;
        case 'file-done':
          onFile?.(msg);
          break;
        case 'snapshot':
          preview.snapshotArrived(msg);
          break;
        case 'done':
          settle(resolve, { bundle: new Uint8Array(msg.bundle), report: msg.report, pool: msg.pool },
            msg.report.input_bytes <= KEEP_WORKER_MAX_INPUT);
          break;
        case 'cancelled':
          settle(reject, abortError(), true);
          break;
        case 'error':
          settle(reject, new Error(`导入失败：${failureLabel(msg.error)}`), false);
          break;
        default:
          break;
      }
    };

    (async () => {
      // Sizes are asked only when they are cheap enough or needed: in Chromium the first
      // File.size of each picked file is a synchronous look-up (0.6 ms; seconds for
      // thousands of files). A few files, or any file seen to be big, switch to reads
      // bounded by size, so that 16 reads at once never hold 16 big files in memory.
      let sized = list.length <= SIZED_READS_MAX_FILES;
      const sizes = sized ? list.map((file) => file.size) : [];
      const bytesTotal = sized ? sizes.reduce((sum, size) => sum + size, 0) : undefined;
      worker.postMessage({
        type: 'start', files: null, gazetteer, topics, filesTotal: list.length, bytesTotal, fileEvents: Boolean(onFile), helpers,
      });
      onSearchable?.(preview.search);
      let pendingBytes = 0;
      const reads = [];
      let started = 0;
      let sent = 0;
      const sizeOf = (k) => (sizes[k] ??= list[k].size);
      // The file the worker needs next is always read; others only while they fit.
      const roomFor = (next, i) => !sized || next === i
        || pendingBytes + sizeOf(next) + (sent - bytesDone) <= MAX_IN_FLIGHT;
      for (let i = 0; i < list.length; i += 1) {
        while (!settled && sent - bytesDone > MAX_IN_FLIGHT) {
          await new Promise((wake) => {
            wakeReader = wake;
          });
          wakeReader = null;
        }
        while (started < list.length && started < i + READS_IN_FLIGHT && roomFor(started, i)) {
          if (sized) pendingBytes += sizeOf(started);
          reads[started] = readFile(list[started]);
          started += 1;
        }
        const bytes = await reads[i];
        reads[i] = undefined;
        pendingBytes -= sizes[i] ?? 0;
        if (settled || signal?.aborted) return;
        if (bytes.byteLength >= BIG_FILE_BYTES) sized = true;
        sent += bytes.byteLength;
        worker.postMessage({ type: 'file', name: fileName(list[i]), bytes }, [bytes]);
      }
      if (!settled && !signal?.aborted) worker.postMessage({ type: 'finish' });
    })();
  });
}

// ---------------------------------------------------------------- storage

let dbPromise = null;

function openDb() {
  dbPromise ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains('libraries')) {
        db.createObjectStore('libraries', { keyPath: 'id', autoIncrement: true });
      }
      if (!db.objectStoreNames.contains('bundles')) db.createObjectStore('bundles');
      if (!db.objectStoreNames.contains('pieces')) db.createObjectStore('pieces');
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab upgrading the schema: let it, reopen next time.
      db.onversionchange = () => {
        db.close();
        dbPromise = null;
      };
      resolve(db);
    };
    request.onerror = () => {
      dbPromise = null;
      reject(storageError(request.error));
    };
    request.onblocked = () => {
      dbPromise = null;
      reject(new Error('存储不可用：请关闭本站其他标签页后重试'));
    };
  });
  return dbPromise;
}

function isQuotaError(err) {
  return err && (err.name === 'QuotaExceededError' || err.code === 22);
}

function storageError(err) {
  if (isQuotaError(err)) {
    const detail = err.message ? `（${err.message}）` : '';
    return Object.assign(
      new Error(`存储空间不足：浏览器没有足够的空间保存此文档库，已保存的文档库不受影响。请删除不用的文档库或导出后再试。${detail}`),
      { kind: 'quota' },
    );
  }
  return new Error(`存储出错：${err?.message ?? err}`);
}

/**
 * Runs `body(stores, done, abort)` in one transaction; resolves with the value given to
 * `done` once committed; `abort(error)` rolls it back and rejects with `error`.
 */
async function transact(storeNames, mode, body) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    let tx;
    try {
      tx = db.transaction(storeNames, mode);
    } catch (err) {
      reject(storageError(err));
      return;
    }
    const stores = Object.fromEntries(storeNames.map((n) => [n, tx.objectStore(n)]));
    let result;
    let aborted = null;
    tx.oncomplete = () => resolve(result);
    tx.onabort = () => reject(aborted ?? storageError(tx.error));
    tx.onerror = (event) => event.preventDefault?.(); // reported once, by onabort
    try {
      body(stores, (value) => {
        result = value;
      }, (error) => {
        aborted = error;
        tx.abort();
      });
    } catch (err) {
      tx.abort();
      reject(storageError(err));
    }
  });
}

/** Saved libraries, newest first. */
export async function listLibraries() {
  const rows = await transact(['libraries'], 'readonly', (s, done) => {
    const request = s.libraries.getAll();
    request.onsuccess = () => done(request.result);
  });
  return (rows ?? []).sort((a, b) => b.createdAt - a.createdAt || String(b.id).localeCompare(String(a.id)));
}

/** A library id: 12 random base-36 characters (ids made before this are numbers). */
function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => (b % 36).toString(36)).join('');
}

/** Store a library; resolves with its id. A full disk rejects with "存储空间不足：…". */
export function saveLibrary({ name, bundle, report, gazetteer, topics }) {
  const bytes = bundle instanceof Uint8Array ? bundle : new Uint8Array(bundle);
  // A copy of exactly the bundle's bytes, not the whole underlying buffer.
  const stored = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes.buffer
    : bytes.slice().buffer;
  const meta = {
    id: newId(),
    name: String(name || '未命名文档库').trim() || '未命名文档库',
    createdAt: Date.now(),
    documents: report?.documents ?? 0,
    passages: report?.passages ?? 0,
    files: report?.files ?? 0,
    // The library's text (files left out do not count); a report from before text_bytes
    // has the bytes of every file given.
    inputBytes: report?.text_bytes || report?.input_bytes || 0,
    bytes: bytes.byteLength,
  };
  // The data files' texts: given, else the import's (a .qx imported alone brings its own).
  const texts = { gazetteer: gazetteer ?? report?.gazetteer, topics: topics ?? report?.topics };
  for (const [key, text] of Object.entries(texts)) if (typeof text === 'string') meta[key] = text;
  return transact(['libraries', 'bundles'], 'readwrite', (s, done) => {
    // Two libraries of one name could not be told apart in the list: the second is 名称（2）.
    const saved = s.libraries.getAll();
    saved.onsuccess = () => {
      meta.name = unusedName(meta.name, new Set(saved.result.map((l) => l.name)));
      const add = s.libraries.add(meta);
      add.onsuccess = () => {
        const id = add.result;
        s.bundles.put(stored, id);
        done(id);
      };
    };
  });
}

/** `name`, or `name（2）`, `name（3）`… : the first that no library in `taken` has. */
function unusedName(name, taken) {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}（${n}）`;
  return candidate;
}

/** A library that is not (or no longer) saved: deleted, perhaps in another tab. */
function libraryGone() {
  return new Error('找不到这个文档库：它可能已被删除（也许是在另一个标签页中）。请重新打开“文档库”，查看现有的文档库。');
}

/** The bundle bytes of a saved library. */
export async function loadLibrary(id) {
  const buffer = await transact(['bundles'], 'readonly', (s, done) => {
    const request = s.bundles.get(id);
    request.onsuccess = () => done(request.result);
  });
  if (!buffer) throw libraryGone();
  return new Uint8Array(buffer);
}

export async function renameLibrary(id, name) {
  const clean = String(name ?? '').trim();
  if (!clean) throw new Error('名称不能为空');
  // 'gone', 'taken' (another library has that name: the list could not tell them apart)
  // or 'renamed'.
  const outcome = await transact(['libraries'], 'readwrite', (s, done) => {
    const request = s.libraries.getAll();
    request.onsuccess = () => {
      const library = request.result.find((l) => l.id === id);
      if (!library) return done('gone');
      if (request.result.some((l) => l.id !== id && l.name === clean)) return done('taken');
      s.libraries.put({ ...library, name: clean });
      done('renamed');
    };
  });
  if (outcome === 'gone') throw libraryGone();
  if (outcome === 'taken') throw new Error(`已有名为“${clean}”的文档库：请换一个名称`);
}

export function deleteLibrary(id) {
  return transact(['libraries', 'bundles', 'pieces'], 'readwrite', (s) => {
    s.libraries.delete(id);
    s.bundles.delete(id);
    s.pieces.delete(piecesOf(id));
  });
}

/**
 * Re-annotate a saved library with new data-file texts (absent: the built-in ones), in the
 * worker; the new bundle and the texts replace the old ones in one transaction, so a
 * failure (a bad data line, a full disk) leaves the library as it was.
 */
export async function reannotateLibrary(id, { gazetteer, topics } = {}) {
  const old = await loadLibrary(id);
  const bundle = old.slice().buffer;
  const keepAfter = bundle.byteLength <= KEEP_WORKER_MAX_BUNDLE;
  const reply = await askWorker({ type: 'reannotate', bundle, gazetteer, topics }, [bundle], 'reannotated', keepAfter);
  const bytes = new Uint8Array(reply.bundle);
  await transact(['libraries', 'bundles', 'pieces'], 'readwrite', (s, done) => {
    const request = s.libraries.get(id);
    request.onsuccess = () => {
      const meta = request.result;
      if (!meta) return;
      // Its site index holds the old districts and topics: written again when next opened.
      s.pieces.delete(piecesOf(id));
      // A new revision: pieces being written meanwhile (another tab) are not taken for it.
      const next = { ...meta, bytes: bytes.byteLength, revision: (meta.revision ?? 0) + 1 };
      delete next.site;
      if (typeof reply.documents === 'number') next.documents = reply.documents;
      if (typeof reply.passages === 'number') next.passages = reply.passages;
      for (const [key, text] of [['gazetteer', gazetteer], ['topics', topics]]) {
        if (typeof text === 'string') next[key] = text;
        else delete next[key];
      }
      s.libraries.put(next);
      s.bundles.put(bytes.slice().buffer, id);
      done();
    };
  });
  return bytes;
}

// ---------------------------------------------------------------- site index

/** The keys of a library's pieces: [id, name] for every name (arrays sort after strings). */
function piecesOf(id) {
  return IDBKeyRange.bound([id], [id, []]);
}

/**
 * Pieces stored per transaction, and their most bytes: each `put` copies its piece on the
 * page's thread, so a transaction is a task of its own; with 256 pieces or 8 MB, a CPU
 * slowed 4× (CDP) saw tasks of 50–300 ms.
 */
const PIECES_PER_WRITE = 64;
const BYTES_PER_WRITE = 1024 * 1024;

/** A library's record, or undefined. */
function libraryRecord(id) {
  return transact(['libraries'], 'readonly', (s, done) => {
    const request = s.libraries.get(id);
    request.onsuccess = () => done(request.result);
  });
}

export async function librarySiteInfo(id) {
  // A link's id is text; libraries saved by older versions have numbers.
  const meta = await libraryRecord(id) ?? (/^\d+$/.test(id) ? await libraryRecord(Number(id)) : undefined);
  return meta ? { id: meta.id, name: meta.name, site: meta.site ?? null } : null;
}

export async function readLibraryPiece(id, name) {
  const buffer = await transact(['pieces'], 'readonly', (s, done) => {
    const request = s.pieces.get([id, name]);
    request.onsuccess = () => done(request.result);
  });
  return buffer ? new Uint8Array(buffer) : undefined;
}

export async function forgetLibrarySite(id, { build = null } = {}) {
  await transact(['libraries', 'pieces'], 'readwrite', (s) => {
    const request = s.libraries.get(id);
    request.onsuccess = () => {
      const site = request.result?.site;
      // The library has moved on (re-annotated, its pieces rewritten): not ours to judge.
      if (build !== null && site?.build !== build) return;
      s.pieces.delete(piecesOf(id));
      if (!site) return;
      const { site: _, ...rest } = request.result;
      s.libraries.put(rest);
    };
  });
}

/**
 * Delete the pieces of `build` that a write abandoned (its library re-annotated meanwhile),
 * unless they are the library's pieces now (the same annotations give the same build).
 */
function dropAbandonedPieces(id, build) {
  return transact(['libraries', 'pieces'], 'readwrite', (s) => {
    const request = s.libraries.get(id);
    request.onsuccess = () => {
      if (request.result?.site?.build === build) return;
      const keys = s.pieces.getAllKeys(piecesOf(id));
      keys.onsuccess = () => keys.result
        .filter(([, name]) => name.includes(`-${build}-`))
        .forEach((key) => s.pieces.delete(key));
    };
  });
}

export async function openLibrarySite(id, { onProgress } = {}) {
  // One write per library at a time, across tabs too (Web Locks): a second 分片打开 waits
  // for the first and then finds its pieces, instead of deleting them to start again.
  const writeOnce = async () => {
    const meta = await libraryRecord(id);
    if (!meta) throw libraryGone();
    if (!meta.site) await writeLibrarySite(id, onProgress);
  };
  if (navigator.locks) await navigator.locks.request(`quxian-library-site:${id}`, writeOnce);
  else await writeOnce();
  const page = new URL('./site.html', import.meta.url).href;
  // Offline, the search page comes from the service worker's cache (by path), which has it
  // once it was opened online: without it the tab would land on the browser's error page.
  const cached = await globalThis.caches?.match(page).catch(() => undefined);
  if (!cached && navigator.onLine === false) {
    throw new Error('无法打开检索页（site.html）：现在离线，而本机还没有保存过它。请联网后再点“分片打开”（打开过一次之后，离线也能用）');
  }
  return `${page}?library=${encodeURIComponent(id)}`;
}

/** The pieces of a library re-annotated while they were being written are not its own. */
function libraryChanged() {
  return Object.assign(
    new Error('建立分片索引时，这个文档库在另一个标签页中被重新标注了：请再点“分片打开”'),
    { kind: 'changed' },
  );
}

/**
 * Write a library's site index: the worker writes pieces and posts each one; they are
 * stored here a transaction at a time as they come, each checking that the library is
 * still there and of the same revision (not deleted or re-annotated meanwhile, perhaps in
 * another tab), and the library's `site` field is set once the last one is stored and
 * counted. A failure stops the worker and deletes what was stored.
 */
async function writeLibrarySite(id, onProgress) {
  const meta = await libraryRecord(id);
  if (!meta) throw libraryGone();
  const revision = meta.revision ?? 0;
  /** Calls `then(record)` if the library is as it was, else aborts the transaction. */
  const unchanged = (s, abort, then = () => {}) => {
    const request = s.libraries.get(id);
    request.onsuccess = () => {
      if (!request.result) abort(libraryGone());
      else if ((request.result.revision ?? 0) !== revision) abort(libraryChanged());
      else then(request.result);
    };
  };
  await forgetLibrarySite(id);
  const bundle = (await loadLibrary(id)).slice().buffer;
  const keepAfter = bundle.byteLength <= KEEP_WORKER_MAX_BUNDLE;
  const stored = { pieces: 0, bytes: 0, step: 0, steps: 0 };
  const control = {};
  let failure = null;
  let build = null;
  const fail = (error) => {
    failure ??= error;
    control.stop?.(error);
  };
  let batch = [];
  let batchBytes = 0;
  let writing = Promise.resolve();
  const store = () => {
    const pieces = batch;
    batch = [];
    batchBytes = 0;
    writing = writing.then(async () => {
      if (failure) return;
      await transact(['libraries', 'pieces'], 'readwrite', (s, done, abort) => {
        unchanged(s, abort);
        for (const { name, bytes } of pieces) s.pieces.put(bytes, [id, name]);
      });
      for (const { bytes } of pieces) {
        stored.pieces += 1;
        stored.bytes += bytes.byteLength;
      }
      onProgress?.({ ...stored });
    }).catch(fail);
  };
  const onPiece = ({ name, bytes }) => {
    build ??= /^[a-z]-([0-9a-f]{16})-/.exec(name)?.[1] ?? null;
    batch.push({ name, bytes });
    batchBytes += bytes.byteLength;
    if (batch.length >= PIECES_PER_WRITE || batchBytes >= BYTES_PER_WRITE) store();
  };
  // The worker's steps (its passes over the grams, then the other pieces): a step counts
  // once its pieces are stored too.
  const onStep = ({ done, steps }) => {
    stored.steps = steps;
    if (batch.length > 0) store();
    writing = writing.then(() => {
      stored.step = Math.max(stored.step, done);
      onProgress?.({ ...stored });
    });
  };
  try {
    const written = await askWorker({ type: 'site', bundle }, [bundle], 'site-written', keepAfter, { onPiece, onStep, control });
    store();
    await writing;
    if (failure) throw failure;
    await transact(['libraries', 'pieces'], 'readwrite', (s, done, abort) => {
      unchanged(s, abort, (record) => {
        const count = s.pieces.count(piecesOf(id));
        count.onsuccess = () => {
          if (count.result !== written.pieces) {
            abort(new Error('分片索引没有写全（也许另一个标签页同时在写）：请再点“分片打开”'));
            return;
          }
          const site = { pieces: written.pieces, bytes: written.bytes, build: written.build };
          s.libraries.put({ ...record, site });
        };
      });
    });
  } catch (err) {
    const error = failure ?? err;
    await writing;
    // Pieces already stored are of no use without the rest (and may have filled the disk);
    // a library re-annotated meanwhile keeps whatever its new revision has.
    if (error.kind !== 'changed') await forgetLibrarySite(id).catch(() => {});
    else if (build !== null) await dropAbandonedPieces(id, build).catch(() => {});
    throw siteWriteError(error, meta);
  }
}

/** What to tell the user when writing a library's pieces failed. */
function siteWriteError(error, meta) {
  if (error.kind === 'crash') {
    return new Error('建立分片索引时程序停止了（可能是内存不足）：请关闭其他标签页后重试。文档库本身没有受影响');
  }
  if (error.kind === 'quota') {
    // Pieces take about twice the text (BENCHMARKS.md), and a bundle about 0.43 of it.
    const need = formatBytes(2.2 * (meta.inputBytes || meta.bytes / 0.43));
    return new Error(`存储空间不足：浏览器没有足够的空间保存分片索引（约需 ${need}）。文档库本身没有受影响；请删除不用的文档库后再试`);
  }
  return error;
}

/** Download a saved library as `<name>.qx`. */
export async function exportLibrary(id) {
  const meta = await libraryRecord(id);
  if (!meta) throw libraryGone();
  const bytes = await loadLibrary(id);
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${meta.name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_')}.qx`;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// ---------------------------------------------------------------- dropped folders

/** The files under dropped entries; folders are walked, paths become file names. */
export async function filesFromEntries(entries) {
  const out = [];
  for (const entry of Array.from(entries ?? [])) {
    if (entry) out.push(...await entryFiles(entry, ''));
  }
  return out;
}

async function entryFiles(entry, prefix) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    const path = prefix + file.name;
    return [prefix ? new File([file], path, { type: file.type, lastModified: file.lastModified }) : file];
  }
  if (!entry.isDirectory) return [];
  const reader = entry.createReader();
  const out = [];
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) out.push(...await entryFiles(child, `${prefix}${entry.name}/`));
  }
  return out;
}

// ---------------------------------------------------------------- labels

/** Why a JSONL line is not a record (`RecordProblem` in crates/core/src/error.rs). */
const RECORD_PROBLEMS = {
  'not-json': '不是 JSON',
  incomplete: 'JSON 不完整',
  'not-a-record': '不是含文字字段 text 的对象',
};

/**
 * The Chinese words for a skip reason: the one place they are written. The reason is the
 * typed `SkipReason` of the Rust core, `{ kind, …fields }` (see crates/core/src/error.rs);
 * an unknown kind (a newer engine) falls back to naming the kind.
 */
export function reasonLabel(reason) {
  const r = reason ?? {};
  switch (r.kind) {
    case 'binary': return '二进制文件，不是文字：请导入 .txt、.md、.html、.jsonl 或 .zip';
    case 'empty': return '空文件：文件里没有内容，请确认选对了文件';
    case 'empty-archive': return '压缩包里没有文件：请确认选对了压缩包';
    case 'undecodable': return '无法识别编码：请用记事本等另存为 UTF-8 编码后重新导入';
    case 'no-extension': return '不支持的文件类型（无扩展名）：文字请存为 .txt（或 .md、.html、.jsonl）再导入';
    case 'unsupported-type': return `不支持的文件类型（.${r.extension}）：请另存为 .txt 或 .jsonl（每行一篇，如 {"text": "正文"}）再导入`;
    case 'too-large': return `文件过大（超过 ${r.limit_mib} MiB，请拆分成较小的文件再导入）`;
    case 'document-too-large': return `单篇文档过大（超过 ${r.limit_mib} MiB）：请拆分成较小的文件，或存为 JSONL（每行一篇）再导入`;
    case 'record-too-large': return `第 ${r.line} 行过大（超过 ${r.limit_mib} MiB）：请把这篇文档拆分后再导入`;
    case 'no-text': return '没有文字：文件里只有空白或符号';
    case 'no-text-after-markup': return '去掉标记后没有文字：网页的正文可能由脚本生成，请复制正文存为 .txt 再导入';
    case 'no-records': return '没有记录：JSONL 文件应每行一个 JSON 对象，如 {"text": "正文"}';
    case 'empty-record': return `第 ${r.line} 行：text 为空，这一行未导入`;
    case 'bad-record': return `第 ${r.line} 行无法读取（${RECORD_PROBLEMS[r.problem] ?? '格式不对'}）：每行应是一个 JSON 对象，如 {"text": "正文"}，改正后重新导入这个文件`;
    case 'duplicate': return `与 ${r.of} 内容重复`;
    case 'not-a-zip': return '不是可读的 zip 压缩包（可能已损坏，或是 rar、7z 等其他格式）：请解压后导入其中的文件';
    case 'too-many-entries': return `压缩包内文件过多（${r.entries} 个，最多读取 ${r.max} 个）：请解压后分成几个较小的压缩包再导入`;
    case 'archive-full': return `压缩包解压后超过 ${r.limit_mib} MiB，${r.from} 及其后的文件未导入：请把其余文件另打一个压缩包再导入`;
    case 'nested-archive': return '压缩包中的压缩包（请先解压）';
    case 'could-not-unpack': return '无法解压（可能已加密或损坏）：请先解压，再导入其中的文件';
    case 'not-a-library': return '不是可用的区县文档库文件（可能已损坏或不完整）：请从原来的浏览器重新导出 .qx 后再导入';
    default: return `未导入（${String(r.kind ?? '原因未知')}）`;
  }
}

/** Human-readable size: 1.5 MB, 320 KB. */
export function formatBytes(n) {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}
