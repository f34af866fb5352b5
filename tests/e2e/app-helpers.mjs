// Helpers for the explorer's browser tests: where dist/ is, how to wait for the app, read
// the result count and build fixture bundles with the real CLI.
//
//   QUXIAN_DIST  the directory QUXIAN_URL serves (default: the repository's dist/), where
//                tests write fixture bundles (xss.qx, corrupt.qx) for `?corpus=NAME.qx`.

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DIST = process.env.QUXIAN_DIST ?? join(REPO, 'dist');

/** Waits until the corpus is loaded (the overview, results or reader is shown). */
export async function waitReady(page) {
  await page.waitForSelector(
    '[data-testid=overview], [data-testid=results-count], [data-testid=reader], [data-testid=load-error]',
    { timeout: 30_000 },
  );
}

/** Types a query like a user and waits for the count to show it. */
export async function search(page, query) {
  const box = page.getByTestId('search-input');
  await box.click();
  await box.fill(query);
  await page.waitForFunction(
    (q) => decodeURIComponent(location.hash).includes(`q=${q}`)
      && document.querySelector('[data-testid=results-count]'),
    query,
  );
}

/** The M of "N 篇文档 · M 段匹配": matching passages. */
export async function total(page) {
  const text = await page.getByTestId('results-count').innerText();
  const m = /(\d+)\s*段匹配/.exec(text);
  if (!m) throw new Error(`no "M 段匹配" in ${JSON.stringify(text)}`);
  return Number(m[1]);
}

/** The count shown next to a facet value (`kind` is district or topic). */
export async function facetCount(page, kind, name) {
  const button = page.locator(`[data-testid=facet-${kind}][data-name="${name}"]`);
  return Number(await button.getByTestId('facet-count').innerText());
}

/** The decoded location hash. */
export async function hash(page) {
  return decodeURIComponent(await page.evaluate(() => location.hash));
}

/** Builds `DIST/<name>` from a directory of documents with the real CLI (via cargo). */
export function buildBundle(dir, name) {
  const out = join(DIST, name);
  execFileSync('cargo', ['run', '--release', '-q', '-p', 'quxian-cli', '--', 'build', dir, '-o', out], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 600_000,
  });
  return out;
}

/** GBK bytes of `text`. Node has TextDecoder('gbk') but no encoder: invert the table. */
export function gbk(text) {
  const table = new Map();
  const decoder = new TextDecoder('gbk');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  const bytes = [];
  for (const ch of text) {
    const code = ch.codePointAt(0);
    if (code < 0x80) bytes.push(code);
    else {
      const pair = table.get(ch);
      if (!pair) throw new Error(`no GBK code for ${ch}`);
      bytes.push(...pair);
    }
  }
  return Buffer.from(bytes);
}

/**
 * A zip archive of `files` ([name, Buffer] pairs), entries stored uncompressed, names in
 * UTF-8 (flag 0x800): written by hand, as a user's archiver would, without a dependency.
 */
export function zipArchive(files) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = record(30, [[0, 4, 0x04034b50], [4, 2, 20], [6, 2, 0x800], [14, 4, crc],
      [18, 4, data.length], [22, 4, data.length], [26, 2, nameBytes.length]]);
    const entry = record(46, [[0, 4, 0x02014b50], [4, 2, 20], [6, 2, 20], [8, 2, 0x800], [16, 4, crc],
      [20, 4, data.length], [24, 4, data.length], [28, 2, nameBytes.length], [42, 4, offset]]);
    parts.push(local, nameBytes, data);
    central.push(entry, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = record(22, [[0, 4, 0x06054b50], [8, 2, files.length], [10, 2, files.length],
    [12, 4, directory.length], [16, 4, offset]]);
  return Buffer.concat([...parts, directory, end]);
}

/** A little-endian record of `size` bytes: `[offset, width, value]` fields, the rest zero. */
function record(size, fields) {
  const out = Buffer.alloc(size);
  for (const [at, width, value] of fields) {
    if (width === 2) out.writeUInt16LE(value, at);
    else out.writeUInt32LE(value, at);
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** UTF-16LE bytes of `text`, with a byte-order mark. */
export function utf16le(text) {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Critical and serious axe-core violations on the page as it is now, one line each. The
 * page must be opened with `bypassCSP` (its CSP rightly forbids the injected script).
 */
export async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .flatMap((v) => v.nodes.slice(0, 3).map((n) => `${v.impact} ${v.id} (${v.nodes.length}×): ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? v.help}`));
}
