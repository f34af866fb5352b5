// The full page's entry point: a file rather than an inline script, so index.html runs
// under a strict Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval').
import init, { mount } from './pkg/quxian_web.js';

const root = document.getElementById('app');
try {
  await init();
  // The full page keeps the view in location.hash; embeds use quxian-embed.js instead.
  // The library module (saved libraries, import) is loaded on first use only.
  mount(root, {
    urlState: 'hash',
    loadLibrary: () => import('./quxian-library.js'),
  });
} catch (error) {
  const boot = root.querySelector('.qx-boot');
  if (boot) {
    boot.classList.add('qx-boot-failed');
    boot.textContent = '无法启动区县文档浏览器：浏览器需要支持 WebAssembly，请刷新页面重试；若仍不行，请换用新版 Chrome、Edge、Firefox 或 Safari。';
  }
  throw error;
}
