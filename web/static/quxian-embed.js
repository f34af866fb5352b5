// <quxian-explorer>: the explorer inside any web page.
//
//   <script type="module" src="quxian-embed.js"></script>
//   <quxian-explorer src="corpus.qx" height="600px" query="缙云山" district="北碚"></quxian-explorer>
//
// Attributes (read once, when the element is attached):
//   src        the bundle, relative to the page (default: corpus.qx next to this script)
//   height     CSS height of the explorer's box (default 600px); it scrolls inside
//   query      initial search text
//   district   initial district filter(s), several separated by commas or spaces
//   topic      initial topic filter(s), likewise
//   url-state  "none" (default): the view stays in the element, several per page;
//              "hash": the view lives in location.hash, like the full app (one per page)
//   app-url    where 复制链接 links point (default: index.html next to the bundle)
//   theme      "light" or "dark" to fix the theme (a page with one theme of its own);
//              default: the system's light or dark
//
// Each explorer lives in its own shadow root: the page's CSS cannot reach inside (the
// inherited properties are reset below) and the explorer's styles.css cannot restyle the
// page. The wasm module is loaded once, however many explorers there are, from next to
// this script, so the page may sit anywhere. Every view change fires `quxian-viewchange`
// on the element, with detail {query, districts, topics, doc, passage, hash}.

const here = new URL('.', import.meta.url);
let loading = null;

/** The app's wasm module, initialized once per page. */
function loadApp() {
  loading ??= import(new URL('pkg/quxian_web.js', here).href).then(async (glue) => {
    await glue.default();
    return glue;
  });
  return loading;
}

// Host-page CSS reaches a shadow tree only through inheritance from the host element, so
// the host is reset and the box inside takes nothing from it (`all: initial`, which leaves
// the writing direction alone: set apart, so a right-to-left page does not mirror it).
const SHADOW_CSS = `
:host { all: initial; display: block; contain: content; height: 600px; direction: ltr; unicode-bidi: isolate; }
:host([hidden]) { display: none; }
.qx-embed { all: initial; display: block; box-sizing: border-box; height: 100%; overflow: auto;
  overscroll-behavior: contain; border-radius: 10px; outline: none; direction: ltr; }
.qx-embed .qx-app { min-height: 100%; }
`;

let shadowSheet = null; // one constructed sheet, shared by every explorer on the page

/**
 * The shadow root's own rules. A constructed style sheet, which a host page's
 * Content-Security-Policy without 'unsafe-inline' styles (quxian's own pages have one)
 * allows, where it refuses an inline <style>; a <style> element in a browser without
 * constructed sheets (returned, to be added to the root).
 */
function shadowStyles(root) {
  if ('adoptedStyleSheets' in ShadowRoot.prototype && 'replaceSync' in CSSStyleSheet.prototype) {
    if (shadowSheet === null) {
      shadowSheet = new CSSStyleSheet();
      shadowSheet.replaceSync(SHADOW_CSS);
    }
    root.adoptedStyleSheets = [shadowSheet];
    return [];
  }
  const style = document.createElement('style');
  style.textContent = SHADOW_CSS;
  return [style];
}

class QuxianExplorer extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return; // moved within the page: keep the running app
    const root = this.attachShadow({ mode: 'open' });
    const style = shadowStyles(root);
    const sheet = document.createElement('link');
    sheet.rel = 'stylesheet';
    sheet.href = new URL('styles.css', here).href;
    const box = document.createElement('div');
    box.className = 'qx-embed';
    box.tabIndex = -1; // a click inside gives the explorer the keyboard
    root.append(...style, sheet, box);
    const height = this.getAttribute('height');
    if (height) this.style.height = height;

    const options = {
      urlState: this.getAttribute('url-state') === 'hash' ? 'hash' : 'none',
      src: new URL(this.getAttribute('src') || new URL('corpus.qx', here).href, document.baseURI).href,
      query: this.getAttribute('query') ?? '',
      district: this.getAttribute('district') ?? '',
      topic: this.getAttribute('topic') ?? '',
      theme: this.getAttribute('theme') ?? '',
      loadLibrary: () => import(new URL('quxian-library.js', here).href),
    };
    const appUrl = this.getAttribute('app-url');
    // Passed as written: the app resolves it and accepts only http(s) or relative targets.
    if (appUrl) options.appUrl = appUrl;
    this.ready = loadApp().then((glue) => {
      this.mounted = glue.mount(box, options);
      return this;
    });
    this.ready.catch((err) => {
      box.textContent = `区县：无法加载（${err?.message ?? err}）`;
      console.error('quxian-explorer:', err);
    });
  }

  /** The explorer's search box. */
  get searchInput() {
    return this.shadowRoot?.querySelector('[data-testid=search-input]') ?? null;
  }
}

if (!customElements.get('quxian-explorer')) {
  customElements.define('quxian-explorer', QuxianExplorer);
  // "/" typed outside every explorer focuses the first one; inside one, that explorer
  // handles it itself.
  document.addEventListener('keydown', (event) => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.composedPath()[0];
    if (target instanceof Element && (target.closest('input, textarea, select, [contenteditable]'))) return;
    if (event.composedPath().some((n) => n instanceof QuxianExplorer)) return;
    const first = document.querySelector('quxian-explorer');
    const input = first?.searchInput;
    if (input) {
      event.preventDefault();
      input.focus();
    }
  });
}
