// The documents of a corpus folder as both engines see them, for bench/site-bench.mjs:
// reading (.txt, .jsonl as the quxian CLI reads them), one HTML page per document for
// Pagefind, verbatim substring queries sampled deterministically, and for each query the
// documents that must match it.
//
// Matching follows quxian's documented rule (crates/core/src/text.rs): a text is read as
// *units* (each CJK ideograph; each run of other letters/digits, lowercased) and a phrase
// matches where its unit string is a substring of a passage's. Passages are not known here,
// so each query gets two bounds: `lower`, the documents where it occurs inside one
// sentence (a sentence straddles two passages only past 1,000 characters without a sentence
// end), and `upper`, the documents where it occurs anywhere in the document's units. An
// exact engine's count lies between them; the benchmark prints the queries where it does not.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

/** Characters that end a sentence (as in crates/core/src/passage.rs). */
const SENTENCE_END = /[。！？!?…]/u;
/** Separates sentences inside a unit string; never part of a query. */
const SEP = '\u0001';

/**
 * The documents of `dir` (its *.txt and *.jsonl files, in name order): `{ key, title, text }`,
 * with the key the CLI gives them (file stem, `stem#line` for JSONL). Documents whose text
 * repeats an earlier one are dropped, as the CLI drops duplicates.
 */
export function readDocs(dir) {
  const docs = [];
  const seen = new Set();
  const add = (doc) => {
    const body = doc.text.trim();
    if (body.length === 0 || seen.has(body)) return;
    seen.add(body);
    docs.push(doc);
  };
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stem = basename(name, extname(name));
    if (name.endsWith('.txt')) {
      const text = readFileSync(path, 'utf8');
      add({ key: stem, title: firstLine(text), text });
    } else if (name.endsWith('.jsonl')) {
      readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
        if (line.trim() === '') return;
        const record = JSON.parse(line);
        add({ key: `${stem}#${i + 1}`, title: record.title ?? firstLine(record.text), text: record.text });
      });
    }
  }
  return docs;
}

function firstLine(text) {
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
}

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One static HTML page for a document: its title, then one <p> per non-blank line. */
export function docPage(doc) {
  const paragraphs = doc.text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  if (paragraphs[0] === doc.title) paragraphs.shift();
  return `<!doctype html><html lang="zh-cn"><head><meta charset="utf-8"><title>${escapeHtml(doc.title)}</title></head>`
    + `<body><main data-pagefind-body><h1>${escapeHtml(doc.title)}</h1>`
    + paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')
    + '</main></body></html>\n';
}

const isCjk = (cp) => (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff)
  || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x323af) || cp === 0x3007;
const WORD = /[\p{Alphabetic}\p{N}]/u;
const isWordChar = (c, cp) => !isCjk(cp) && cp !== 0x3099 && cp !== 0x309a && WORD.test(c);

/** The unit string of `text` (NFKC first, as the CLI normalizes documents). */
export function unitString(text) {
  const chars = [...text.normalize('NFKC')];
  let out = '';
  let lastWasWord = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const cp = c.codePointAt(0);
    if (isCjk(cp)) {
      out += c;
      lastWasWord = false;
    } else if (isWordChar(c, cp)) {
      let word = c;
      while (i + 1 < chars.length) {
        const d = chars[i + 1];
        const joinsNumber = d === '.' && /[0-9]/.test(chars[i]) && /[0-9]/.test(chars[i + 2] ?? '');
        if (!isWordChar(d, d.codePointAt(0)) && !joinsNumber) break;
        word += d;
        i++;
      }
      out += (lastWasWord ? ' ' : '') + word.toLowerCase();
      lastWasWord = true;
    }
  }
  return out;
}

/** The sentences of a document (split at line breaks and sentence ends, ends kept). */
function sentences(text) {
  return text.split('\n').flatMap((line) => line.split(/(?<=[。！？!?…])/u)).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Per document: its unit string with sentences kept apart, and without the separators. */
export function unitIndex(docs) {
  return docs.map((doc) => {
    const bySentence = sentences(doc.text).map(unitString).join(SEP);
    return { bySentence, whole: bySentence.replaceAll(SEP, '') };
  });
}

/** splitmix32-style generator: deterministic for a seed, good enough to sample text. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 2 ** 32;
  };
}

/**
 * `count` verbatim substrings of 2–8 characters, each from inside one sentence of a random
 * document: `{ text, doc }` (doc = index of the document it was taken from). Substrings with
 * whitespace, a quote mark or fewer than two units are drawn again.
 */
export function sampleQueries(docs, count, seed = 1) {
  const next = random(seed);
  const pick = (n) => Math.floor(next() * n);
  const queries = [];
  for (let tries = 0; queries.length < count && tries < count * 1000; tries++) {
    const doc = pick(docs.length);
    const list = sentences(docs[doc].text);
    if (list.length === 0) continue;
    const chars = [...list[pick(list.length)]];
    const length = 2 + pick(7);
    if (chars.length < length) continue;
    const start = pick(chars.length - length + 1);
    const text = chars.slice(start, start + length).join('');
    if (/[\s"“”]/u.test(text) || SENTENCE_END.test(text) || [...unitString(text)].filter((c) => c !== ' ').length < 2) continue;
    queries.push({ text, doc });
  }
  return queries;
}

/** For each query, the documents (indices) that must match it and those that may. */
export function expectedMatches(queries, index) {
  return queries.map(({ text }) => {
    const units = unitString(text);
    const lower = [];
    const upper = [];
    index.forEach((doc, i) => {
      if (!doc.whole.includes(units)) return;
      upper.push(i);
      if (doc.bySentence.includes(units)) lower.push(i);
    });
    return { units, lower, upper };
  });
}
