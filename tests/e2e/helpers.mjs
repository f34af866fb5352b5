// Shared helpers for the browser tests (run by `cargo xtask test`, which serves dist/ and
// sets the environment below).
//
//   QUXIAN_URL          base URL of the served dist/ (default http://127.0.0.1:8080/)
//   QUXIAN_SCREENSHOTS  directory for PNG screenshots (default ../target/screenshots)
//   QUXIAN_CHROMIUM     Chromium binary (default /usr/bin/chromium)
//
// Each test gets a fresh browser context (a fresh profile: no storage, cache or service
// workers carried over), and collects console errors, uncaught page errors, failed requests
// and HTTP error responses so it can assert there were none.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.QUXIAN_URL ?? 'http://127.0.0.1:8080/';
export const SCREENSHOTS = process.env.QUXIAN_SCREENSHOTS
  ?? resolve(fileURLToPath(new URL('../../target/screenshots', import.meta.url)));
export const CHROMIUM = process.env.QUXIAN_CHROMIUM ?? '/usr/bin/chromium';

export const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium with a fresh temporary profile. Close it in `after`. */
export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A URL inside the app: `appUrl('#/search?q=北碚')` or `appUrl('corpus.qx')`. */
export function appUrl(path = '') {
  return new URL(path, BASE_URL).href;
}

/**
 * Opens the app in a new context (fresh profile) at `path` (relative to QUXIAN_URL).
 * Returns { context, page, errors, assertNoErrors(), waitForText(text), close() }.
 */
export async function openApp(browser, { path = '', viewport = 'desktop', contextOptions = {} } = {}) {
  const options = VIEWPORTS[viewport];
  if (!options) throw new Error(`unknown viewport ${viewport}; use one of ${Object.keys(VIEWPORTS)}`);
  const context = await browser.newContext({ ...options, ...contextOptions });
  const page = await context.newPage();
  page.viewportName = viewport;
  const errors = watchErrors(page);
  await page.goto(appUrl(path), { waitUntil: 'load' });
  return {
    context,
    page,
    errors,
    assertNoErrors() {
      assertNoErrors(errors);
    },
    /** Like `waitForText`, but a timeout also lists the errors seen so far. */
    async waitForText(text, timeout) {
      try {
        await waitForText(page, text, timeout);
      } catch (err) {
        if (errors.length > 0) err.message += `\nerrors on the page:\n  ${errors.join('\n  ')}`;
        throw err;
      }
    },
    async close() {
      await context.close();
    },
  };
}

/** Starts collecting console errors, page errors, failed requests and HTTP >= 400 responses. */
export function watchErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.stack ?? err.message}`));
  page.on('requestfailed', (req) => {
    errors.push(`request failed: ${req.url()} (${req.failure()?.errorText ?? 'unknown'})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return errors;
}

export function assertNoErrors(errors) {
  if (errors.length > 0) {
    throw new Error(`the page reported ${errors.length} error(s):\n  ${errors.join('\n  ')}`);
  }
}

/** Waits until the visible text of the page contains `text` (noscript content excluded). */
export async function waitForText(page, text, timeout = 20_000) {
  await page.waitForFunction((t) => document.body.innerText.includes(t), text, { timeout });
}

/** Saves `<name>-<viewport>.png` (full page) under QUXIAN_SCREENSHOTS; returns the path. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}-${page.viewportName ?? 'page'}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** RFC 4180 records of `text` (quoted fields may hold commas, quotes and line breaks). */
export function parseCsv(text) {
  const records = [];
  let record = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}
