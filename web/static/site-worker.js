// The site page's search engine, off the main thread: the JS API's SiteExplorer lives
// here, so ranking a common word over tens of thousands of passages never freezes the
// page. Messages: { id, method: 'search' | 'read' | 'pieceNames', args } → { id, result } or
// { id, error } (the Chinese message of the API's Error).
import init, { SiteExplorer } from './pkg-api/quxian_wasm.js';

const explorer = (async () => {
  await init();
  return SiteExplorer.open('./quxian/');
})();

addEventListener('message', async ({ data: { id, method, args } }) => {
  try {
    const engine = await explorer;
    const result = method === 'search' ? await engine.search(...args)
      : method === 'read' ? await engine.read(...args)
        : engine.pieceNames();
    postMessage({ id, result });
  } catch (error) {
    postMessage({ id, error: error?.message ?? String(error) });
  }
});
