// The full page's entry point: a file rather than an inline script, so index.html runs
// under a strict Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval').
import init, { mount } from './pkg/quxian_web.js';

await init();
// The full page keeps the view in location.hash; embeds use quxian-embed.js instead.
// The library module (saved libraries, import) is loaded on first use only.
mount(document.getElementById('app'), {
  urlState: 'hash',
  loadLibrary: () => import('./quxian-library.js'),
});
