// What the benchmarks of in-browser imports share (import-scale.mjs, library-site.mjs): the
// environment, the files of a corpus folder, the queries compared with the CLI, and the
// memory of the browser they drive.

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const BASE_URL = process.env.QUXIAN_URL ?? 'http://127.0.0.1:8080/';
export const CHROMIUM = process.env.QUXIAN_CHROMIUM ?? '/usr/bin/chromium';
export const CLI = process.env.QUXIAN_CLI ?? resolve('../target/release/quxian');
/** Searched in the browser and with `quxian search --json`, whose answers must agree. */
export const QUERIES = ['重庆', '北碚', '缙云山', '两江新区', '生态', '科技创新', '乡村振兴', '高铁',
  '渝北区', '经济 发展', '旅游', '文化', '教育', '医疗', '就业', '交通', '长江', '嘉陵江',
  '"建设 5G"', '2026'];

/** The files of `dir` an import takes, sorted. */
export function importableFiles(dir) {
  return readdirSync(dir).filter((n) => /\.(txt|md|html?|jsonl)$/i.test(n)).sort().map((n) => join(dir, n));
}

/**
 * Resident memory (bytes) of each process descending from this one (Chromium and its
 * renderers), from /proc, by process id; with `renderers`, of its renderer processes only
 * (where pages, their workers and their wasm live; the browser process holds IndexedDB's
 * caches).
 */
export function residentOfDescendants({ renderers = false } = {}) {
  const parentOf = new Map();
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      // Field 4 of /proc/PID/stat, after the parenthesised command name.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parentOf.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      // The process ended while we looked.
    }
  }
  const ours = new Set([String(process.pid)]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, parent] of parentOf) {
      if (!ours.has(pid) && ours.has(parent)) {
        ours.add(pid);
        grew = true;
      }
    }
  }
  ours.delete(String(process.pid));
  const out = new Map();
  for (const pid of ours) {
    try {
      if (renderers && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      out.set(pid, kb * 1024);
    } catch {
      // Ended.
    }
  }
  return out;
}

/**
 * Opens import-demo.html (where quxian-library.js is at hand) in `page` and picks `files` in
 * a hidden file input, `#bench-files`, as a user would pick them.
 */
export async function pickFiles(page, files) {
  await page.goto(new URL('import-demo.html', BASE_URL).href);
  await page.evaluate(() => {
    const input = Object.assign(document.createElement('input'), { type: 'file', multiple: true, id: 'bench-files' });
    input.hidden = true;
    document.body.append(input);
  });
  await page.setInputFiles('#bench-files', files);
}
