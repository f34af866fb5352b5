// Building both sites of bench/site-bench.mjs from one corpus folder, timed with
// /usr/bin/time -v (wall time and peak resident memory) under an address-space cap, so a
// build that needs more memory than the machine can spare fails cleanly and is reported.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { docPage } from './site-corpus.mjs';

/**
 * Run `argv` niced, under `ulimit -v maxGb`, measured by /usr/bin/time -v.
 * Returns `{ ok, seconds, peakMb, error }`; `error` is the tail of its output on failure.
 */
export function timed(argv, { cwd, maxGb }) {
  const quoted = argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const script = `ulimit -v ${Math.round(maxGb * 1024 * 1024)}; exec nice -n 10 /usr/bin/time -v ${quoted}`;
  const run = spawnSync('bash', ['-c', script], { cwd, encoding: 'utf8', maxBuffer: 256 << 20 });
  const report = run.stderr ?? '';
  const field = (name) => report.match(new RegExp(`${name}: (.*)`))?.[1];
  const clock = (field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)') ?? '0:0').split(':').map(Number);
  const seconds = clock.reduce((acc, part) => acc * 60 + part, 0);
  const peakMb = Number(field('Maximum resident set size \\(kbytes\\)') ?? 0) / 1024;
  const ok = run.status === 0;
  const output = `${run.stdout}\n${report.split('\tCommand being timed')[0]}`.trim();
  return { ok, seconds, peakMb, output, error: ok ? null : output.split('\n').slice(-3).join(' / ') };
}

/** Total size in bytes of the files under `dir`. */
export function treeBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? treeBytes(path) : statSync(path).size;
  }
  return total;
}

/** Folders of earlier runs moved out of the way, removed by `removeSetAside`. */
const setAside = [];

/**
 * Make room for a new build in `dir` without deleting anything now: ext4 scans recently
 * freed inodes on every file it creates, so deleting the 171,740 pieces of the last 280 MB
 * build right before the next made that build ~4 s slower (26 s against 22 s; 4.2 s of
 * system time without it). The old folder is renamed and removed at the end of the bench.
 */
function makeRoom(dir) {
  // Left over by a run that stopped early: removed at the end of this one.
  const parent = dirname(dir);
  if (existsSync(parent)) {
    for (const name of readdirSync(parent)) {
      if (name.startsWith(`${basename(dir)}.old-`)) setAside.push(join(parent, name));
    }
  }
  if (!existsSync(dir)) return;
  const aside = `${dir}.old-${process.pid}-${setAside.length}`;
  renameSync(dir, aside);
  setAside.push(aside);
}

/** Delete the folders `makeRoom` moved aside (once nothing is timed any more). */
export function removeSetAside() {
  for (const dir of setAside.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A Pagefind site for `docs` in `dir`: one page per document under d/, the bench page, and
 * Pagefind's index built by its npm CLI. Returns the timed build plus the page of each
 * fragment id (Pagefind's result ids), read from its fragment files.
 */
export function buildPagefind(docs, dir, { pagefind, benchPage, maxGb }) {
  makeRoom(dir);
  mkdirSync(join(dir, 'd'), { recursive: true });
  docs.forEach((doc, i) => writeFileSync(join(dir, 'd', `${pageName(i)}.html`), docPage(doc)));
  const build = timed([pagefind, '--site', dir, '--quiet'], { cwd: dir, maxGb });
  if (!build.ok) return { build, pageOfId: null };
  writeFileSync(join(dir, 'bench.html'), benchPage);
  build.indexBytes = treeBytes(join(dir, 'pagefind'));
  return { build, pageOfId: fragmentPages(join(dir, 'pagefind/fragment')) };
}

const pageName = (i) => String(i).padStart(6, '0');

/** Document index of every fragment id: fragments are gzip'd JSON naming the page URL. */
function fragmentPages(dir) {
  const pages = new Map();
  if (!existsSync(dir)) return pages;
  for (const name of readdirSync(dir)) {
    const text = gunzipSync(readFileSync(join(dir, name))).toString('utf8');
    const url = JSON.parse(text.slice(text.indexOf('{'))).url;
    const page = url.match(/\/d\/(\d+)(\.html)?$/)?.[1];
    if (page !== undefined) pages.set(name.replace(/\.pf_fragment$/, ''), Number(page));
  }
  return pages;
}

/**
 * The quxian site for corpus folder `docsDir` in `dir` (`quxian build DIR --site OUT`, run
 * from the repo so it finds dist/), plus the bench page. `null` build when the CLI has no
 * --site yet.
 */
export function buildQuxian(docsDir, dir, { quxian, repo, benchPage, maxGb }) {
  const help = spawnSync(quxian, ['build', '--help'], { encoding: 'utf8' });
  if (!`${help.stdout}`.includes('--site')) return null;
  makeRoom(dir);
  const build = timed([quxian, 'build', docsDir, '--site', dir], { cwd: repo, maxGb });
  if (build.ok) {
    writeFileSync(join(dir, 'bench.html'), benchPage);
    build.indexBytes = treeBytes(join(dir, 'quxian'));
  }
  return build;
}
