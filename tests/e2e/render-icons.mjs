// Renders web/static/icons/icon.svg to the PNG icons the manifest lists, with headless
// Chromium (run once by hand after changing the SVG; the PNGs are checked in):
//
//   node tests/e2e/render-icons.mjs
//
// The maskable icon draws the SVG at 80% on the brand colour (the safe zone).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from './helpers.mjs';
import { REPO } from './app-helpers.mjs';

const dir = join(REPO, 'web/static/icons');
const svg = readFileSync(join(dir, 'icon.svg'), 'utf8');
const browser = await launch();
try {
  const page = await browser.newPage();
  for (const [name, size, scale, bg] of [
    ['icon-192.png', 192, 1, 'transparent'],
    ['icon-512.png', 512, 1, 'transparent'],
    ['icon-maskable-512.png', 512, 0.8, '#c2410c'],
  ]) {
    await page.setViewportSize({ width: size, height: size });
    const inner = Math.round(size * scale);
    await page.setContent(`<html><body style="margin:0;background:${bg};display:grid;place-items:center;width:${size}px;height:${size}px">
      <div style="width:${inner}px;height:${inner}px">${svg.replace('<svg ', '<svg width="100%" height="100%" ')}</div></body></html>`);
    await page.screenshot({ path: join(dir, name), omitBackground: bg === 'transparent' });
    console.log(`wrote web/static/icons/${name}`);
  }
} finally {
  await browser.close();
}
