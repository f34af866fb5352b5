// Benchmark (not a test): the import engine alone, in Node's V8 (the browser's JavaScript
// and WebAssembly engine), without a page, a worker or file reading: how fast the wasm
// indexes, e.g. to compare builds of it (opt-levels, see the `wasm-import` profile in
// Cargo.toml).
//
//   node bench/import-node.mjs DIR [N] [IMPORT_DIR]     (from tests/, after `cargo xtask dist`)
//
// Indexes the first N files of DIR (sorted by name; all by default) with the wasm in
// IMPORT_DIR (default ../dist/import/) and jieba's dictionary ../data/jieba-dict.txt, as the
// import worker calls it (`beginFile`, then `continueFile` 16 documents at a time, its
// DOCS_PER_STEP), then `finish`. Prints one line.

import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, count, importDir = '../dist/import/'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/import-node.mjs DIR [N] [IMPORT_DIR]');
  process.exit(2);
}
const engine = resolve(importDir);
const mod = await import(pathToFileURL(join(engine, 'quxian_import.js')).href);
await mod.default({ module_or_path: readFileSync(join(engine, 'quxian_import_bg.wasm')) });
const dict = new Uint8Array(readFileSync('../data/jieba-dict.txt'));
const files = readdirSync(dir).sort().slice(0, Number(count ?? Infinity))
  .map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
const indexer = new mod.Indexer(dict, undefined, undefined);
const bytes = files.reduce((sum, f) => sum + f.bytes.length, 0);
let start = performance.now();
for (const f of files) {
  indexer.beginFile(f.name, new Uint8Array(f.bytes));
  while (!indexer.continueFile(16));
}
const indexMs = performance.now() - start;
start = performance.now();
const bundle = indexer.finish();
const finishMs = performance.now() - start;
const mb = bytes / 1024 / 1024;
console.log(`${files.length} files, ${mb.toFixed(1)} MB: indexing ${indexMs.toFixed(0)} ms`
  + ` (${(mb / (indexMs / 1000)).toFixed(2)} MB/s), finish ${finishMs.toFixed(0)} ms, bundle ${bundle.length} bytes`);
