// A tiny static file server for tests that need their own copy of dist/: a redeploy
// (rewriting files under the running app), or the site under a sub-path.
//
//   const server = await serveDir(dir, { prefix: '/sub/path/' });
//   server.url  // http://127.0.0.1:<port>/sub/path/
//   await server.close();
//
// Binds 127.0.0.1 on a free port. `/` inside the prefix serves index.html; paths outside
// the prefix or escaping the directory are 404. Files are read on every request, so a test
// can change them between requests; responses say `Cache-Control: no-cache`.
//
// For benchmarks, `{ host: true }` behaves like a static host or CDN instead: gzip -9 for
// clients that accept it (when it saves at least 5 %), content-hashed file names (seven or
// more hex digits in the name) cached forever, and an ETag so that a revalidation gets
// `304 Not Modified`; files are then read and compressed once.

import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

export async function serveDir(dir, { prefix = '/', host = false } = {}) {
  const read = host ? hostReader() : (file) => ({ status: 200, body: readFileSync(file), headers: { 'Cache-Control': 'no-cache' } });
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = null;
    if (path.startsWith(prefix)) {
      const rel = normalize(path.slice(prefix.length) || 'index.html');
      if (!rel.startsWith('..') && !rel.includes(`${sep}..`)) file = join(dir, rel.endsWith(sep) ? join(rel, 'index.html') : rel);
    }
    try {
      if (!file || !statSync(file).isFile()) throw new Error('not a file');
      const { status, body, headers } = read(file, req.headers);
      res.writeHead(status, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': body.length,
        ...headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}${prefix}`;
  return {
    url,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(ok); }),
  };
}

/** Reads files once and answers as a static host would: gzip, immutable hashed names. */
function hostReader() {
  const cache = new Map();
  return (file, request) => {
    if (!cache.has(file)) {
      const raw = readFileSync(file);
      const gzip = gzipSync(raw, { level: 9 });
      const etag = `"${createHash('sha1').update(raw).digest('hex').slice(0, 16)}"`;
      cache.set(file, { raw, gzip: gzip.length < raw.length * 0.95 ? gzip : null, etag });
    }
    const { raw, gzip, etag } = cache.get(file);
    const cacheControl = /[0-9a-f]{7,}/.test(basename(file)) ? 'public, max-age=31536000, immutable' : 'no-cache';
    const headers = { 'Cache-Control': cacheControl, ETag: etag, Vary: 'Accept-Encoding' };
    if (request['if-none-match'] === etag) return { status: 304, body: Buffer.alloc(0), headers };
    if (gzip && /\bgzip\b/.test(request['accept-encoding'] ?? '')) {
      return { status: 200, body: gzip, headers: { ...headers, 'Content-Encoding': 'gzip' } };
    }
    return { status: 200, body: raw, headers };
  };
}

/** A private copy of `dist` in a new temporary directory; `remove()` deletes it. */
export function copyDist(dist) {
  const dir = mkdtempSync(join(tmpdir(), 'quxian-dist-'));
  cpSync(dist, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
