// The search page of a site index (`quxian build --site`): the JS API's SiteExplorer
// fetches only the pieces each query needs. The view lives in the hash
// (#q=…&district=…&topic=…&sort=…&from=…&to=…, plus doc=KEY&p=N while reading a document), so every view is
// a link and back/forward work.
// Text is always inserted as text nodes: nothing from the index becomes HTML. Searching
// runs in site-worker.js, so the page never freezes while a big result is ranked.

const PAGE = 10; // documents per page
const FIRST = 1; // documents of a new search shown before the rest of its page (see search)
const input = document.getElementById('q');
const status = document.getElementById('status');
const list = document.getElementById('hits');
const more = document.getElementById('more');
const facets = document.getElementById('facets');
const reader = document.getElementById('reader');
const toFacets = document.getElementById('to-facets'); // on a phone, the way to the filters
const order = { sort: document.getElementById('sort'), from: document.getElementById('from'), to: document.getElementById('to') };

// A library stored in this browser (site.html?library=ID, opened by 分片打开 in the app's
// 文档库) is searched from its pieces in IndexedDB instead of the host's ./quxian/.
const linkParams = new URLSearchParams(location.search);
const library = linkParams.get('library');
linkParams.delete('library');
let libraryId = library; // its IndexedDB key, once found (older libraries have numbers)
let libraryBuild = null; // the build of the pieces this page reads
let piecesForgotten = false; // this page deleted them (one was missing or damaged)
const LIBRARY_GONE = '找不到这个文档库：它可能已被删除（也许是在另一个标签页中）。请回到区县应用，打开“文档库”查看现有的文档库';

// A classic worker (`cargo xtask dist` makes its script one): it starts sooner.
const worker = new Worker('./site-worker.js');
// The engine's wasm and the site's meta are fetched here, at once (site.html preloads the
// wasm), rather than by the worker once its two scripts have loaded: the wasm compiles off
// the main thread while they load, and the worker gets the compiled module and the meta's
// bytes. Anything that fails here (no WebAssembly at all included) is left to the worker,
// which fetches again and reports the failure in its own words.
/** The engine's wasm, compiled here for the worker; null if that fails (the worker retries). */
const compileEngine = () => WebAssembly.compileStreaming(fetch('./pkg-site/quxian_wasm_bg.wasm')).catch(() => null);

async function bootWorker() {
  if (library !== null) {
    await bootLibrary();
    return;
  }
  const [module, meta] = await Promise.all([
    compileEngine(),
    fetch('./quxian/site.qxs').then((r) => (r.ok ? r.arrayBuffer() : null)).catch(() => null),
  ]);
  worker.postMessage({ boot: { module, meta } }, meta ? [meta] : []);
}

/** The stored library's module (quxian-library.js), loaded in library mode only. */
const libraryModule = () => import('./quxian-library.js');

/**
 * Boot the worker on a stored library: its name heads the page; a library that is gone,
 * or whose pieces are not all stored, fails every call with what to do.
 */
async function bootLibrary() {
  const module = compileEngine();
  const back = el('a', '', '← 返回区县应用');
  back.href = './';
  const line = el('p', 'library');
  line.append(back);
  document.querySelector('header').prepend(line);
  const info = await (await libraryModule()).librarySiteInfo(library);
  if (info === null) {
    failAll(new Error(LIBRARY_GONE));
    return;
  }
  document.title = `${info.name} · 区县 · 检索`;
  document.querySelector('h1').textContent = info.name;
  libraryId = info.id;
  libraryBuild = info.site?.build ?? null;
  if (info.site === null) {
    failAll(new Error('这个文档库还没有完整的分片索引：请回到区县应用，在“文档库”中点它的“分片打开”'));
    return;
  }
  worker.postMessage({ boot: { module: await module, library: info.id } });
}
// (A stored library that cannot be read fails here: the host has no index to fall back on.)
bootWorker().catch((error) => (library === null ? worker.postMessage({ boot: {} }) : failAll(error)));
const pending = new Map();
let nextCall = 0;
worker.addEventListener('message', ({ data: { id, result, error, kind } }) => {
  const call = pending.get(id);
  pending.delete(id);
  if (error === undefined) call.resolve(result);
  else call.reject(Object.assign(new Error(error), { kind }));
});
// A worker whose script could not be loaded never answers: every call, waiting or to come,
// fails with a message instead of 搜索中… for ever.
let workerFailed = null;
function failAll(error) {
  workerFailed = error;
  for (const call of pending.values()) call.reject(error);
  pending.clear();
}
worker.addEventListener('error', () => {
  failAll(new Error('无法载入搜索程序（site-worker.js）：请检查网络连接后刷新页面；若仍不行，请确认网站的文件已完整上传'));
});
/** Calls `method(...args)` of the SiteExplorer in the worker; a Promise. */
function engine(method, ...args) {
  if (workerFailed) return Promise.reject(workerFailed);
  const id = nextCall++;
  worker.postMessage({ id, method, args });
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}

// Counts are written the Chinese way (12,345). Intl sets up its zh-CN number format on first
// use, ~30 ms here: that is done while the worker answers the first search (see the end
// of this file), not when its result is being shown.
let numberFormat;
const formatCount = (n) => (numberFormat ??= new Intl.NumberFormat('zh-CN')).format(n);

// A link may carry the view as a query string (?q=重庆) instead of the hash: it becomes the
// hash, where this page keeps its views.
// (A library's id stays in the query string.)
if (location.hash === '' && linkParams.size > 0) {
  const stays = library === null ? '' : `?library=${encodeURIComponent(library)}`;
  history.replaceState(null, '', `${location.pathname}${stays}#${linkParams}`);
}
let { view, notices: linkNotices } = readHash();
showHashOfView();
let shown = 0; // documents on screen
let latest = 0; // ticket of the newest search or reading; older answers are dropped
let lastSearch = ''; // searchKey of the results on screen ('' when none)
let countedSearch = ''; // searchKey of the counts on screen
let lastStatus = ''; // and the status line that went with them
let resultsScroll = 0; // where the results were scrolled when a document was opened
let opened = ''; // and the hash of that document (its result's link)

/**
 * A date as a link holds it (2026, 2026-05 or 2026-05-02) that names a real day or month
 * of the years the engine takes (core's date.rs: 1900–2099; another year would fail the
 * whole search, where the app drops it with a notice).
 */
function isDate(text) {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1)];
  if (year < 1900 || year > 2099) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * `text` percent-decoded as the app decodes it (core's view.rs): each run of escapes as
 * UTF-8 (throws when a run is not), a `%` that starts no escape kept as written.
 */
function decodeLeniently(text) {
  return text.replaceAll('+', ' ').replace(/(?:%[0-9A-Fa-f]{2})+/g, decodeURIComponent);
}

/** Whether `text` has a `%` that starts no escape (`%ZZ`, a `%` at the end). */
function hasStrayPercent(text) {
  return /%(?![0-9A-Fa-f]{2})/.test(text);
}

/**
 * The hash's parameters, decoded, and a notice for each one left out or kept with damage:
 * a name this page does not know, a value whose escapes are not UTF-8 (URLSearchParams
 * would search for "�"), a `%` that starts no escape. Worded as the app's (core's view.rs).
 */
function hashParams() {
  // The parameters a view link may have (`v`: the app's link version, not needed here).
  const known = ['q', 'district', 'topic', 'sort', 'from', 'to', 'doc', 'p', 'v'];
  const params = new URLSearchParams();
  const notices = [];
  for (const pair of location.hash.slice(1).split('&').filter(Boolean)) {
    const cut = pair.indexOf('=');
    const [rawKey, rawValue] = cut < 0 ? [pair, ''] : [pair.slice(0, cut), pair.slice(cut + 1)];
    let key;
    let value;
    try {
      [key, value] = [rawKey, rawValue].map(decodeLeniently);
    } catch {
      notices.push(`链接参数 ${rawKey.slice(0, 40)} 的编码有误，已忽略`);
      continue;
    }
    if (known.includes(key) && hasStrayPercent(rawValue)) notices.push(`链接参数 ${key} 中有不完整的 % 编码，已按原样保留`);
    if (known.includes(key)) params.append(key, value);
    else notices.push(`链接中有未知参数“${key.slice(0, 40)}”，已忽略`);
  }
  return { params, notices };
}

/**
 * The view of the hash, and what in it could not be used: an unknown order or a date that
 * is not one is dropped with a notice worded as the app's (core's view.rs), and the rest of
 * the view is shown.
 */
function readHash() {
  const { params, notices } = hashParams();
  const pText = params.get('p') ?? '0';
  const p = /^\d+$/.test(pText) ? Number(pText) : NaN;
  if (!Number.isSafeInteger(p)) notices.push(`链接中的段落编号“${pText.slice(0, 20)}”无效，已忽略`);
  let sort = params.get('sort') ?? '';
  if (sort === 'relevance') sort = '';
  if (!['', 'newest', 'oldest'].includes(sort)) {
    notices.push(`链接中的排序“${sort}”无效（可用 newest 或 oldest），已按相关度排序`);
    sort = '';
  }
  const date = (key) => {
    const value = params.get(key) ?? '';
    if (value === '' || isDate(value)) return value;
    notices.push(`链接中的日期“${value}”无效（应写成 2026-05-02、2026-05 或 2026），已忽略`);
    return '';
  };
  let [from, to] = [date('from'), date('to')];
  if (reversed(from, to)) {
    [from, to] = [to, from];
    notices.push('链接中的起始日期晚于结束日期，已对调');
  }
  const view = {
    q: params.get('q') ?? '',
    // An empty name (`district=`) is no filter, as in the app.
    district: params.getAll('district').filter(Boolean), topic: params.getAll('topic').filter(Boolean),
    sort, from, to,
    doc: params.get('doc') ?? '', p: Number.isSafeInteger(p) && p >= 0 ? p : 0,
  };
  return { view, notices };
}

/** What a search depends on: the view without the document being read. */
const searchKey = (v) => hashOf({ ...v, doc: '', p: 0 });

/** The hash of a view: the search, and the document being read if any. */
function hashOf(v) {
  const params = new URLSearchParams();
  if (v.q) params.set('q', v.q);
  v.district.forEach((d) => params.append('district', d));
  v.topic.forEach((t) => params.append('topic', t));
  for (const key of ['sort', 'from', 'to']) if (v[key]) params.set(key, v[key]);
  if (v.doc) {
    params.set('doc', v.doc);
    params.set('p', String(v.p));
  }
  return `#${params}`;
}

// Typing writes one history entry, not one per pause: Back returns to the view before it.
// The field being typed in ('q', 'from', 'to'), or '' when the last entry was not typed.
let typedEntry = '';

/**
 * After a link with something left out or put right (its notices say what), the address
 * bar shows the view on screen: a link copied from it is the view, not the faulty one.
 */
function showHashOfView() {
  if (linkNotices.length > 0) history.replaceState(null, '', hashOf(view));
}

/**
 * Put the view in the hash: a new history entry, or with `typed` (the field typed in) the
 * entry of that typing.
 */
function writeHash({ typed = '' } = {}) {
  linkNotices = [];
  const hash = hashOf(view);
  if (hash === location.hash) return;
  if (typed !== '' && typedEntry === typed) history.replaceState(null, '', hash);
  else history.pushState(null, '', hash);
  typedEntry = typed;
}

/**
 * Take the district and topic names of a link as the index writes them (a link's 北碚区 is
 * 北碚): the boxes then show them ticked and unticking one clears it. The hash follows
 * without a history entry.
 */
function adoptChosen(found) {
  const same = (a, b) => a.length === b.length && a.every((n) => b.includes(n));
  const district = found.chosen_district;
  const topic = found.chosen_topic;
  if (same(view.district, district) && same(view.topic, topic)) return;
  const key = searchKey(view);
  view = { ...view, district, topic };
  history.replaceState(null, '', hashOf(view));
  if (lastSearch === key) lastSearch = searchKey(view);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Highlights are UTF-16 [start, end) offsets into text, ready for String.slice.
function marked(text, highlights) {
  const out = document.createDocumentFragment();
  let at = 0;
  for (const [start, end] of highlights) {
    out.append(text.slice(at, start));
    out.append(el('mark', '', text.slice(start, end)));
    at = end;
  }
  out.append(text.slice(at));
  return out;
}

/** One result: a document with its best passage (searches ask for one per document). */
function renderDoc(best) {
  const li = el('li', 'doc');
  const title = el('a', '', best.title);
  title.href = hashOf({ ...view, doc: best.doc, p: best.passage });
  const heading = el('h2');
  heading.append(title);
  li.append(heading);
  const meta = el('div', 'meta');
  if (best.date) meta.append(el('span', 'date', `${best.date} `));
  best.districts.forEach((d) => meta.append(el('span', 'district', `${d} `)));
  best.topics.forEach((t) => meta.append(el('span', 'topic', `${t} `)));
  if (best.document_hits > 1) meta.append(`· 本文另有 ${best.document_hits - 1} 段匹配`);
  const p = el('p');
  p.append(marked(best.text, best.highlights));
  li.append(p, meta);
  return li;
}

// The timeline: the matching documents per day, month or year, whichever gives a readable
// number of bars for the span (as the app's), with empty bars for the gaps so that the axis
// is true to time. It is counted with the facets and without the date filter, so it shows
// what lies outside the filter too, the filtered span marked. A bar sets 从/到 to its span
// (kept in the link at the bar's precision: 2026-05, 2026); Shift widens the span to it;
// the bar of the current span clears it. One bar is in the tab order; ←/→, Home and End
// move between them.
const timelineBox = document.getElementById('timeline');
/** Spans up to this many days get a bar per day; up to MAX_MONTH_BARS months, one per month. */
const MAX_DAY_BARS = 62;
const MAX_MONTH_BARS = 120;
/** Width a bar takes, gap included (px): a finger needs more than a mouse. */
const barWidth = () => (matchMedia('(pointer: coarse)').matches ? 10 : 4);

/** A date of the engine or a link (2026, 2026-05, 2026-05-02) as [year, month, day], 0 for none. */
const dateParts = (iso) => [...iso.split('-').map(Number), 0, 0].slice(0, 3);
const isoOf = ([y, m, d]) => [String(y).padStart(4, '0'), ...[m, d].filter((n) => n > 0).map((n) => String(n).padStart(2, '0'))].join('-');
const compareDates = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
const daysIn = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const firstDay = ([y, m, d]) => [y, m || 1, d || 1];
const lastDay = ([y, m, d]) => [y, m || 12, d || daysIn(y, m || 12)];

/** The bar of a date at `step`: a date less precise than the step goes to its first bar. */
function barOf([y, m, d], step) {
  if (step === 'year') return [y, 0, 0];
  if (step === 'month') return [y, m || 1, 0];
  return [y, m || 1, d || 1];
}

function nextBar([y, m, d], step) {
  if (step === 'year') return [y + 1, 0, 0];
  if (step === 'month') return m === 12 ? [y + 1, 1, 0] : [y, m + 1, 0];
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()];
}

/**
 * The step and bars ({ date, docs }) of a timeline ([iso, documents] by date): days or
 * months when that many bars fit in `room` (year bars scroll when they do not).
 */
function timelineBars(timeline, room) {
  const dates = timeline.map(([iso]) => dateParts(iso));
  if (dates.length === 0) return { step: 'month', bars: [] };
  const first = dates.map(firstDay).reduce((a, b) => (compareDates(a, b) <= 0 ? a : b));
  const last = dates.map(lastDay).reduce((a, b) => (compareDates(a, b) >= 0 ? a : b));
  const fits = (step, limit) => {
    let at = barOf(first, step);
    for (let n = 1; n <= limit; n += 1, at = nextBar(at, step)) {
      if (compareDates(at, barOf(last, step)) >= 0) return true;
    }
    return false;
  };
  const step = fits('day', Math.min(MAX_DAY_BARS, room)) ? 'day'
    : fits('month', Math.min(MAX_MONTH_BARS, room)) ? 'month' : 'year';
  const bars = [];
  const at = new Map();
  for (let date = barOf(first, step); compareDates(date, barOf(last, step)) <= 0; date = nextBar(date, step)) {
    at.set(isoOf(date), bars.length);
    bars.push({ date, docs: 0 });
  }
  timeline.forEach(([, docs], i) => { bars[at.get(isoOf(barOf(dates[i], step)))].docs += docs; });
  return { step, bars };
}

/** A bar's name for people: 2026年, 2026年5月, 2026年5月2日. */
function barLabel([y, m, d]) {
  return `${y}年${m > 0 ? `${m}月` : ''}${d > 0 ? `${d}日` : ''}`;
}

/**
 * The 从/到 of a click on the bar of `iso`: its span, none if the filter is that span
 * (a link's 2024-03-01…2024-03-31 is the bar 2024-03 too); with Shift, the filter widened
 * to the bar, an open end staying open (it holds the bar already on its side).
 */
function spanOfClick(iso, widen) {
  const [first, last] = [fieldDate(iso, false), fieldDate(iso, true)];
  if (fieldDate(view.from, false) === first && fieldDate(view.to, true) === last) return { from: '', to: '' };
  if (!widen || (view.from === '' && view.to === '')) return { from: iso, to: iso };
  const from = view.from === '' || fieldDate(view.from, false) <= first ? view.from : iso;
  const to = view.to === '' || fieldDate(view.to, true) >= last ? view.to : iso;
  return { from, to };
}

/** Whether the bar of `iso` lies (in part) in the date filter; false without one. */
function inDateFilter(iso) {
  if (view.from === '' && view.to === '') return false;
  return (view.from === '' || fieldDate(iso, true) >= fieldDate(view.from, false))
    && (view.to === '' || fieldDate(iso, false) <= fieldDate(view.to, true));
}

function renderTimeline({ timeline, undated }) {
  // The bar that has the focus is drawn anew: the focus goes to its new self.
  const focused = timelineBox.contains(document.activeElement) ? document.activeElement.dataset.date : undefined;
  // The room of the results column (the timeline itself may be hidden yet), less its padding.
  const room = Math.floor((document.getElementById('results').clientWidth - 26) / barWidth());
  const { step, bars } = timelineBars(timeline, room);
  timelineBox.hidden = bars.length === 0;
  if (bars.length === 0) {
    timelineBox.replaceChildren();
    return;
  }
  const max = Math.max(1, ...bars.map((b) => b.docs));
  const caption = el('figcaption');
  caption.append(el('span', '', `时间分布（篇数，${{ day: '按日', month: '按月', year: '按年' }[step]}）`));
  if (undated > 0) caption.append(el('span', '', `另有 ${formatCount(undated)} 篇无日期`));
  if (view.from !== '' || view.to !== '') {
    const clear = el('button', 'clear', '清除日期');
    clear.type = 'button';
    clear.dataset.date = 'clear';
    clear.addEventListener('click', () => setDates({ from: '', to: '' }));
    caption.append(clear);
  }
  const row = el('div', 'bars');
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', '时间分布：点一根柱子按它的时间筛选，按住 Shift 点击可扩大范围');
  const buttons = bars.map(({ date, docs }) => {
    const iso = isoOf(date);
    const bar = el('button', inDateFilter(iso) ? 'bar in' : 'bar');
    bar.type = 'button';
    bar.tabIndex = -1;
    bar.dataset.date = iso;
    bar.title = `${barLabel(date)}：${formatCount(docs)} 篇`;
    bar.setAttribute('aria-label', bar.title);
    bar.setAttribute('aria-pressed', String(inDateFilter(iso)));
    const fill = el('span');
    // A bar with documents stays visible however tall the tallest is.
    fill.style.height = docs === 0 ? '0' : `${Math.max(4, (docs / max) * 100)}%`;
    bar.append(fill);
    bar.addEventListener('click', (event) => {
      if (timelineBox.getAttribute('aria-busy') === 'true') return;
      // The bar clicked takes the tab stop, whatever the click does.
      buttons.forEach((b) => { b.tabIndex = b === bar ? 0 : -1; });
      setDates(spanOfClick(iso, event.shiftKey));
    });
    return bar;
  });
  // In the tab order: the bar that had the focus, else the first of the filter, else the
  // newest. 清除日期, gone once pressed, leaves the focus to that bar.
  const again = buttons.find((b) => b.dataset.date === focused);
  const stop = again ?? buttons.find((b) => b.classList.contains('in')) ?? buttons[buttons.length - 1];
  stop.tabIndex = 0;
  row.addEventListener('keydown', (event) => {
    const i = buttons.indexOf(document.activeElement);
    const to = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (i < 0 || to === undefined || !buttons[to]) return;
    event.preventDefault();
    buttons[i].tabIndex = -1;
    buttons[to].tabIndex = 0;
    buttons[to].focus();
  });
  row.append(...buttons);
  const axis = el('div', 'axis');
  axis.append(el('span', '', barLabel(bars[0].date)), el('span', '', barLabel(bars[bars.length - 1].date)));
  timelineBox.replaceChildren(caption, row, axis);
  if (focused !== undefined) (again ?? stop).focus({ preventScroll: true });
}

const heatBox = document.getElementById('heat');
/** Districts the heat map lists at most, those with the most passages. */
const HEAT_ROWS = 20;

/**
 * The district × topic heat map of a counted search: per cell the passages having both,
 * counted without the district and topic filters, so a cell, which replaces them with its
 * two, lists that many. Hidden while the query itself names a district or topic
 * (`district:名`), which a cell could not replace.
 */
function renderHeat({ facets: { pairs, district, topic, typed_district: typedDistricts, typed_topic: typedTopics } }) {
  const focused = heatBox.contains(document.activeElement) ? document.activeElement.dataset.cell : undefined;
  const rows = new Map(); // district → Map(topic → passages), in the gazetteer's order
  for (const [d] of district) rows.set(d, new Map());
  for (const [d, t, n] of pairs) rows.get(d)?.set(t, n);
  const sum = (cells) => [...cells.values()].reduce((a, b) => a + b, 0);
  // Most passages first; a tie keeps the gazetteer's order (the sort is stable).
  const districts = [...rows].filter(([, cells]) => cells.size > 0).sort((a, b) => sum(b[1]) - sum(a[1]));
  const hidden = districts.splice(HEAT_ROWS).length;
  const topics = topic.map(([name]) => name).filter((t) => districts.some(([, cells]) => cells.has(t)));
  heatBox.hidden = districts.length === 0 || typedDistricts.length + typedTopics.length > 0;
  const max = Math.max(1, ...pairs.map(([, , n]) => n));
  const header = (text, scope) => Object.assign(el('th', '', text), { scope });
  const table = el('table');
  table.createTHead().insertRow().append(el('td'), ...topics.map((t) => header(t, 'col')));
  const body = table.createTBody();
  for (const [d, cells] of districts) {
    const row = body.insertRow();
    row.append(header(d, 'row'));
    for (const t of topics) {
      const n = cells.get(t) ?? 0;
      const td = row.insertCell();
      // Shades by the square root: one district (全市) often has most passages of all.
      if (n > 0) td.append(heatCell(d, t, n, 1 + Math.min(3, Math.floor(Math.sqrt(n / max) * 4))));
    }
  }
  const scroll = el('div', 'heat-scroll');
  scroll.append(table);
  const note = hidden > 0 ? [el('p', 'note', `另有 ${hidden} 个区县未列出（只列段数最多的 ${HEAT_ROWS} 个）`)] : [];
  heatBox.replaceChildren(heatBox.querySelector('summary'), scroll, scrollHint('左右滑动可看到全部主题'), ...note);
  markOverflow();
  // One cell in the tab order (the one that had the focus, else the chosen one, else the
  // first); the arrow keys move between cells, as between the timeline's bars.
  const cells = [...table.querySelectorAll('button')];
  const stop = cells.find((b) => b.dataset.cell === focused)
    ?? cells.find((b) => b.getAttribute('aria-pressed') === 'true') ?? cells[0];
  cells.forEach((b) => { b.tabIndex = b === stop ? 0 : -1; });
  const cellPlace = (b) => [b.closest('tr').rowIndex, b.closest('td').cellIndex];
  table.addEventListener('keydown', (event) => moveInGrid(event, cells, cellPlace));
  if (focused !== undefined) stop?.focus({ preventScroll: true });
}

/**
 * Arrow keys in a grid of buttons with one tab stop (the heat map's cells, the map's tiles):
 * ←/→ to the item before or after, ↑/↓ to the nearest item of the nearest row above or
 * below, Home/End to the first and last. `place(item)` is its [row, column].
 */
function moveInGrid(event, items, place) {
  const from = items.indexOf(document.activeElement);
  if (from < 0) return;
  const [row, column] = place(items[from]);
  const distance = (item) => {
    const [r, c] = place(item);
    return [Math.abs(r - row), Math.abs(c - column)];
  };
  const nearest = (inRow) => items.filter((item) => inRow(place(item)[0]))
    .sort((a, b) => distance(a)[0] - distance(b)[0] || distance(a)[1] - distance(b)[1])[0];
  const to = {
    ArrowLeft: items[from - 1], ArrowRight: items[from + 1], Home: items[0], End: items[items.length - 1],
    ArrowUp: nearest((r) => r < row), ArrowDown: nearest((r) => r > row),
  }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  items[from].tabIndex = -1;
  to.tabIndex = 0;
  to.focus();
}

/** A heat map cell: `n` passages of district `d` and topic `t`, shaded at `level` 1–4. */
function heatCell(d, t, n, level) {
  const cell = el('button', `h${level}`, formatCount(n));
  cell.type = 'button';
  cell.dataset.cell = `${d}|${t}`;
  const only = (list, name) => list.length === 1 && list[0] === name;
  cell.setAttribute('aria-pressed', String(only(view.district, d) && only(view.topic, t)));
  cell.title = `${d} · ${t}：${formatCount(n)} 段`;
  cell.setAttribute('aria-label', cell.title);
  cell.addEventListener('click', () => {
    // The cells on screen are the last search's until its counts come.
    if (heatBox.getAttribute('aria-busy') === 'true') return;
    view = { ...view, district: [d], topic: [t], doc: '' };
    writeHash();
    search();
  });
  return cell;
}

/** Filter by a date span (a timeline's bar or its 清除日期), as 从/到 do. */
function setDates({ from, to }) {
  view = { ...view, from, to, doc: '' };
  writeHash();
  render();
}

// The districts' map (the gazetteer's `tile` lines, from the site's statistics): each tile
// shaded by its matching passages, a click (Enter, Space) choosing or dropping its district
// as its box in the filters does. A site written before the map has no tiles: no map.
const mapBox = document.getElementById('map');
let mapTiles = [];
let mapReady = null; // the statistics' call, made with the first counts
const TILE = 64;
const TILE_GAP = 4;
const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes. */
function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The map of the counts' districts, and a note naming the districts with passages that it
 * does not place; hidden without tiles. The tile that had the focus keeps it.
 */
function renderMap({ facets: { district, typed_district: typedDistricts } }) {
  const focused = mapBox.contains(document.activeElement) ? document.activeElement.dataset.tile : undefined;
  const counts = new Map(district);
  // Nothing to show or choose: no matches and no district chosen.
  const chosenAny = mapTiles.some(([name]) => view.district.includes(name) || typedDistricts.includes(name));
  mapBox.hidden = mapTiles.length === 0 || (!chosenAny && district.every(([, n]) => n === 0));
  if (mapBox.hidden) {
    // A tile that had the focus is gone: the results take it.
    if (focused !== undefined) document.getElementById('results').focus();
    return;
  }
  const max = Math.max(1, ...mapTiles.map(([name]) => counts.get(name) ?? 0));
  const width = (Math.max(...mapTiles.map(([, column]) => column)) + 1) * TILE;
  const height = (Math.max(...mapTiles.map(([, , row]) => row)) + 1) * TILE;
  const map = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': '区县地图：各区县的匹配段数' });
  // Reading order (rows, then columns): the order the arrow keys follow.
  const tiles = [...mapTiles].sort((a, b) => a[2] - b[2] || a[1] - b[1])
    .map(([name, column, row]) => mapTile(name, column, row, counts.get(name) ?? 0, max, typedDistricts.includes(name)));
  map.append(...tiles);
  const live = tiles.filter((t) => t.getAttribute('role') === 'button');
  const stop = live.find((t) => t.dataset.tile === focused)
    ?? live.find((t) => t.getAttribute('aria-pressed') === 'true') ?? live[0];
  live.forEach((t) => { t.tabIndex = t === stop ? 0 : -1; });
  const tilePlace = (t) => ['y', 'x'].map((a) => Number(t.querySelector('rect').getAttribute(a)));
  map.addEventListener('keydown', (event) => moveInGrid(event, live, tilePlace));
  const placed = new Set(mapTiles.map(([name]) => name));
  const elsewhere = district.filter(([name, n]) => n > 0 && !placed.has(name));
  const note = elsewhere.length === 0 ? []
    : [el('p', 'note', `地图之外：${elsewhere.map(([name, n]) => `${name} ${formatCount(n)}`).join('、')}`)];
  const scroll = el('div', 'map-scroll');
  scroll.append(map);
  scroll.addEventListener('scroll', () => { mapScrolled = scroll.scrollLeft; });
  mapBox.replaceChildren(mapBox.querySelector('summary'), scroll, scrollHint('左右滑动可看到全部区县'), ...note);
  markOverflow();
  placeMap(scroll);
  // The focus stays on its tile, or the nearest thing left: the map's summary.
  if (focused !== undefined) (stop ?? mapBox.querySelector('summary')).focus();
}

/** Where the reader left the map (its box's scrollLeft), once it was first placed. */
let mapScrolled = null;

/**
 * Scroll a map wider than its box (a phone) where the reader left it, or, the first time,
 * to its chosen tile, or else its tile with the most passages: a map opened at its west
 * end hid the north-east, where most districts are. Done once the map is open (a closed
 * one has no width), and again each time it is drawn anew (each search).
 */
function placeMap(scroll) {
  if (!mapBox.open || scroll.clientWidth === 0) return;
  scroll.dataset.placed = 'true';
  if (mapScrolled !== null) {
    scroll.scrollLeft = mapScrolled;
    return;
  }
  if (scroll.scrollWidth <= scroll.clientWidth) return;
  const tiles = [...scroll.querySelectorAll('.tile')];
  const passages = (t) => Number(t.dataset.n);
  const target = tiles.find((t) => t.classList.contains('chosen'))
    ?? tiles.reduce((best, t) => (passages(t) > passages(best) ? t : best));
  const tile = target.getBoundingClientRect();
  const box = scroll.getBoundingClientRect();
  scroll.scrollLeft += tile.left + tile.width / 2 - (box.left + box.width / 2);
  mapScrolled = scroll.scrollLeft;
}
mapBox.addEventListener('toggle', () => {
  const scroll = mapBox.querySelector('.map-scroll');
  if (scroll) placeMap(scroll);
  markOverflow();
});

/** A line under a box that scrolls sideways, shown only while it does (markOverflow). */
const scrollHint = (text) => el('p', 'scroll-hint', `← ${text} →`);

/**
 * Mark the map's and the heat map's boxes that are wider than the screen (a phone): their
 * hint shows, as nothing else says that part of them is off to the side. Measured when
 * drawn, opened, or the window changes size (a closed box has no width).
 */
function markOverflow() {
  for (const box of document.querySelectorAll('.map-scroll, .heat-scroll')) {
    box.classList.toggle('overflows', box.scrollWidth > box.clientWidth + 1);
  }
}
addEventListener('resize', markOverflow);
heatBox.addEventListener('toggle', markOverflow);

/**
 * One tile: the district `name` at `column`, `row` with `n` passages, shaded in four steps
 * by the square root of n / max (one district often has most passages). A tile with
 * passages, or chosen, is a button; a district named in the query (`district:名`) is
 * changed there, not here.
 */
function mapTile(name, column, row, n, max, inQuery) {
  const chosen = view.district.includes(name) || inQuery;
  const level = n === 0 ? 0 : 1 + Math.min(3, Math.floor(Math.sqrt(n / max) * 4));
  const tile = svg('g', { class: `tile m${level}${chosen ? ' chosen' : ''}`, 'data-tile': name, 'data-n': n });
  const [x, y] = [column * TILE, row * TILE];
  const side = TILE - TILE_GAP;
  const label = `${name}：${formatCount(n)} 段`;
  tile.append(
    svg('title', {}, label),
    svg('rect', { x, y, width: side, height: side, rx: 6 }),
    // As large as fits the tile: a phone shows the map at about half its size.
    // Chosen: a tick before the count as well as the outline (which no shade hides); before
    // the name it made a long name (重庆高新区) too small to read on a phone.
    svg('text', { x: x + side / 2, y: y + side / 2 - 2, 'text-anchor': 'middle', 'font-size': Math.min(17, Math.floor(54 / Math.max(3, [...name].length))) }, name),
    svg('text', { class: 'n', x: x + side / 2, y: y + side / 2 + 16, 'text-anchor': 'middle' }, chosen ? `✓ ${formatCount(n)}` : formatCount(n)),
  );
  if ((n === 0 && !chosen) || inQuery) return tile;
  tile.setAttribute('role', 'button');
  tile.setAttribute('aria-pressed', String(chosen));
  tile.setAttribute('aria-label', label);
  const toggle = () => {
    // The tiles on screen are the last search's until its counts come.
    if (mapBox.getAttribute('aria-busy') === 'true') return;
    view = { ...view, district: chosen ? view.district.filter((d) => d !== name) : [...view.district, name], doc: '' };
    writeHash();
    search();
  };
  tile.addEventListener('click', toggle);
  tile.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    toggle();
  });
  return tile;
}

// A box of the last search's counts, clicked while a new search is on its way, stays as it
// was (its count is not of the new search), as its bar, tile and cell do.
facets.addEventListener('click', (event) => {
  if (facets.getAttribute('aria-busy') === 'true' && event.target.matches('input')) event.preventDefault();
});

function renderFacets(result) {
  // The box that has the focus is drawn anew: the focus goes to its new self.
  const focused = facets.contains(document.activeElement) ? document.activeElement : null;
  const group = (legend, key, pairs, typed) => {
    const set = el('fieldset');
    set.append(el('legend', '', legend));
    for (const [name, count] of pairs) {
      // Chosen by `district:名` / `topic:名` in the box: ticked, and changed there only.
      const inQuery = typed.includes(name) && !view[key].includes(name);
      const chosen = view[key].includes(name) || inQuery;
      if (count === 0 && !chosen) continue;
      const label = el('label');
      const box = el('input');
      box.type = 'checkbox';
      box.value = name;
      box.dataset.facet = key;
      box.checked = chosen;
      box.disabled = inQuery;
      if (inQuery) label.title = '由搜索框中的条件选中，在搜索框中删去即可取消';
      box.addEventListener('change', () => {
        view[key] = box.checked ? [...view[key], name] : view[key].filter((n) => n !== name);
        writeHash();
        search();
      });
      const text = el('span');
      text.append(box, ` ${name}`);
      label.append(text, el('span', 'count', formatCount(count)));
      set.append(label);
    }
    return set;
  };
  const { district, topic, typed_district: typedDistricts, typed_topic: typedTopics } = result.facets;
  // The counts are passages (段), which the status line counts too, not documents.
  // Districts busiest first (ties in the gazetteer's order), as the app lists them; topics
  // in the lexicon's order, as the app does.
  const byCount = [...district].sort((a, b) => b[1] - a[1]);
  facets.replaceChildren(group('区县（段数）', 'district', byCount, typedDistricts), group('主题（段数）', 'topic', topic, typedTopics));
  if (focused?.dataset.facet) {
    [...facets.querySelectorAll('input')]
      .find((box) => box.dataset.facet === focused.dataset.facet && box.value === focused.value)
      ?.focus();
  }
}

/** Said while a new version of the site takes over (the page then reloads). */
const UPDATING = '网站已更新，正在载入新版本…';
/** Take a new version of the site if one waits (sw-register.js); whether it will. */
const takeUpdate = async () => (await import('./sw-register.js')).takeUpdate();

function showError(error) {
  status.className = 'error';
  if (error?.kind === 'missing' && library === null) {
    // After a redeploy: a reload would not help while the old service worker answers.
    const ticket = latest;
    status.textContent = error.message;
    takeUpdate().then((taking) => { if (taking && ticket === latest) status.textContent = UPDATING; }, () => {});
    return;
  }
  if (error?.kind === 'stored' && library !== null) {
    // Said once known why (a moment: one look into IndexedDB), unless a newer view came.
    const ticket = latest;
    const show = (message) => { if (ticket === latest) status.textContent = message; };
    explainStored(error).then(show, () => show(error.message));
    return;
  }
  status.textContent = error?.message ?? String(error);
}

/**
 * Why a stored piece is missing or damaged. The library may be gone or have moved on
 * (deleted, or re-annotated and its pieces rewritten, in another tab): then that is the
 * message. Otherwise the pieces this page reads are deleted, so that the next 分片打开
 * writes them again (the library itself is kept apart and stays), and the error's own
 * message says so.
 */
async function explainStored(error) {
  // Once this page has deleted its pieces, the next missing one is the same problem.
  if (piecesForgotten) return error.message;
  const stored = await libraryModule();
  const info = await stored.librarySiteInfo(libraryId);
  if (info === null) return LIBRARY_GONE;
  if (info.site?.build !== libraryBuild) {
    return '这个文档库已经更新（重新标注了，或重建了分片索引，也许是在另一个标签页中）：请刷新页面';
  }
  piecesForgotten = true;
  await stored.forgetLibrarySite(libraryId, { build: libraryBuild });
  return error.message;
}

/** The counts, timeline and heat map on screen are the current view's: clickable. */
const countsNotBusy = () => [facets, timelineBox, mapBox, heatBox].forEach((box) => box.removeAttribute('aria-busy'));

/** No results on screen: a query that failed must not leave another query's behind. */
function clearResults() {
  list.replaceChildren();
  list.removeAttribute('aria-busy');
  clearCounts();
  more.hidden = true;
  lastTotal = 0;
  showExport(false);
  shown = 0;
  lastSearch = '';
  countedSearch = '';
}

/** No counts, timeline or heat map on screen (they would be another search's). */
function clearCounts() {
  // A filter, bar, tile or cell that had the focus goes: the results take it.
  const boxes = [facets, timelineBox, mapBox, heatBox];
  const focusLost = boxes.some((box) => box.contains(document.activeElement));
  facets.replaceChildren();
  timelineBox.hidden = true;
  mapBox.hidden = true;
  heatBox.hidden = true;
  countsNotBusy();
  if (focusLost) document.getElementById('results').focus();
}

/** The engine's options for the view's search, documents from `offset` on. */
function optionsOf(offset) {
  return {
    // One passage per document is shown: only its text is fetched.
    limit: PAGE, offset, per_document: 1, district: view.district, topic: view.topic,
    sort: view.sort || undefined, from: view.from || undefined, to: view.to || undefined,
  };
}

/**
 * Search in two steps: the page first (postings, then the shown documents' texts: bytes
 * that follow the query, not the archive), then the district and topic counts, which need
 * the labels of every match and so come a moment later.
 */
async function search(append = false) {
  // 加载更多 continues the search on screen: its counts, still coming, are not dropped.
  const ticket = append ? latest : ++latest;
  const offset = append ? shown : 0;
  status.className = '';
  setLoadingMore(append);
  if (!append) {
    status.textContent = '搜索中…';
    // The boxes and bars on screen are the last search's until the counts come: not to be
    // clicked.
    [facets, timelineBox, mapBox, heatBox].forEach((box) => box.setAttribute('aria-busy', 'true'));
    // The list is about to be this search's, and 加载更多 waits for its whole page. Back
    // to the search it showed must search again, not keep it.
    list.setAttribute('aria-busy', 'true');
    more.hidden = true;
    lastSearch = '';
    // 导出 would ask (or not) by the last search's total: hidden until this one's comes
    // (unless an export is running, whose progress it shows); what the last export said
    // is of another view now (a running one names its file).
    lastTotal = 0;
    showExport(false);
    if (exporting === null) exportStatus.textContent = '';
  }
  let listed = append; // pages of this search on screen, which a failure keeps
  try {
    // A new search shows its first documents as soon as their texts come, then the rest of
    // the page: its texts are fetched in parallel, and the slowest of ten would hold up the
    // first. The engine keeps the ranking for the second call.
    const first = append ? PAGE : FIRST;
    let result = await engine('search', view.q, { ...optionsOf(offset), limit: first, facets: false });
    if (ticket !== latest) return;
    // Its notices are said with the page's (a filter it left out is gone from the view,
    // and so from the second call).
    const firstNotices = result.notices;
    if (!append) adoptChosen(result.facets);
    listDocs(result, append, offset);
    listed = true;
    // The status line says 搜索中… until the page is whole (加载更多 waits too).
    if (shown < result.total_docs && first < PAGE) {
      result = await engine('search', view.q, { ...optionsOf(shown), limit: PAGE - first, facets: false });
      if (ticket !== latest) return;
      listDocs(result, true, shown);
    }
    list.removeAttribute('aria-busy');
    const moreFocused = document.activeElement === more;
    sayTotals({ ...result, notices: [...new Set([...firstNotices, ...result.notices])] });
    // The last 加载更多 hides itself: the focus goes to the first document it brought.
    if (moreFocused && more.hidden) list.children[offset]?.querySelector('h2 a')?.focus();
    if (append) return;
    lastSearch = searchKey(view);
    await count(ticket);
  } catch (error) {
    if (ticket !== latest) return;
    // A page more that failed leaves the pages shown; a search that failed, nothing (its
    // first documents stay, without counts, when only the rest of its page failed).
    if (!listed) clearResults();
    else if (!append) clearCounts();
    list.removeAttribute('aria-busy');
    showError(error);
  } finally {
    if (append) setLoadingMore(false);
  }
}

/**
 * The district and topic counts of the search on screen (`ticket`: that search's). Counts
 * that fail leave the results shown, with the message.
 */
async function count(ticket) {
  countedSearch = '';
  facets.setAttribute('aria-busy', 'true');
  try {
    const counting = engine('search', view.q, { ...optionsOf(0), facets: true });
    // The map's tiles are asked for with the first counts, not before the first page,
    // which they must not delay.
    mapReady ??= engine('stats').then(({ tiles }) => { mapTiles = tiles; }, () => {});
    const [counted] = await Promise.all([counting, mapReady]);
    if (ticket !== latest) return;
    renderFacets(counted);
    renderTimeline(counted);
    renderMap(counted);
    renderHeat(counted);
    countedSearch = lastSearch;
  } catch (error) {
    if (ticket !== latest) return;
    clearCounts();
    showError(error);
  } finally {
    if (ticket === latest) {
      countsNotBusy();
    }
  }
}

// 加载更多 keeps the focus while it loads (a disabled button would drop it to the page):
// clicks are ignored instead.
let loadingMore = false;
function setLoadingMore(on) {
  loadingMore = on;
  more.setAttribute('aria-disabled', String(on));
}

/** Documents of a search into the list: a new list, or more of the one on screen. */
function listDocs(result, append, offset) {
  const docs = result.hits;
  if (append) list.append(...docs.map(renderDoc));
  else list.replaceChildren(...docs.map(renderDoc));
  shown = offset + docs.length;
}

/** The list's totals in the status line, and the controls that depend on them. */
/** Notices as the status line adds them to what it says. */
const noticesText = (notices) => notices.map((n) => `（${n}）`).join('');

function sayTotals(result) {
  // Nothing found: what to try, the date range first when there is one.
  const dated = view.from !== '' || view.to !== '';
  status.textContent = result.total === 0
    ? `没有找到匹配的段落：试试更短的词${dated ? '，放宽日期范围' : ''}，或去掉筛选条件`
    : `${formatCount(result.total_docs)} 篇文档 · ${formatCount(result.total)} 段匹配`;
  status.textContent += noticesText([...linkNotices, ...result.notices]);
  lastStatus = status.textContent;
  lastTotal = result.total;
  showExport(result.total > 0);
  more.hidden = shown >= result.total_docs;
}

let typing;
let composing = false;
input.addEventListener('compositionstart', () => { composing = true; });
input.addEventListener('compositionend', () => { composing = false; input.dispatchEvent(new Event('input')); });
input.addEventListener('input', () => {
  if (composing) return;
  clearTimeout(typing);
  typing = setTimeout(() => { view = { ...view, q: input.value, doc: '' }; writeHash({ typed: 'q' }); render(); }, 150);
});
document.getElementById('form').addEventListener('submit', (event) => {
  event.preventDefault();
  clearTimeout(typing);
  view = { ...view, q: input.value, doc: '' };
  writeHash();
  typedEntry = ''; // the next typing starts an entry of its own
  render();
});
// The skip link's own target (#results) would replace the view in the hash: it moves the
// focus instead.
document.querySelector('a.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('results').focus();
});
more.addEventListener('click', () => {
  if (!loadingMore) search(true);
});
// 排序 and 从 / 到: a date field holds whole days; a link may hold a month or a year, which
// the field shows as its first day (从) or last day (到) while the link's value stays.
// A date typed digit by digit changes at each digit (0002-…, 0020-…, 0202-…, 2026-…): it is
// searched after a pause, and one history entry holds the typing, as in the search box.
let dating;
for (const [key, control] of Object.entries(order)) {
  control.addEventListener('change', () => {
    clearTimeout(dating);
    const apply = () => {
      view = { ...view, [key]: control.value, doc: '' };
      // 从 set after 到 (or 到 before 从): the range they span, as a link's is (and as the
      // app does).
      if (reversed(view.from, view.to)) view = { ...view, from: view.to, to: view.from };
      writeHash({ typed: key === 'sort' ? '' : key });
      render();
    };
    if (key === 'sort') apply();
    else if (control.value === '' || isDate(control.value)) dating = setTimeout(apply, 400);
  });
}
/** Whether a range starts after it ends (a link's or the fields' dates, any precision). */
function reversed(from, to) {
  return from !== '' && to !== '' && fieldDate(from, false) > fieldDate(to, true);
}
/** The day a date field shows for a link's date: a year or month as its first or last day. */
function fieldDate(value, last) {
  if (/^\d{4}$/.test(value)) return last ? `${value}-12-31` : `${value}-01-01`;
  if (!/^\d{4}-\d{2}$/.test(value)) return value;
  const [year, month] = value.split('-').map(Number);
  const day = last ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 1;
  return `${value}-${String(day).padStart(2, '0')}`;
}
function showOrder() {
  order.sort.value = view.sort;
  order.from.value = fieldDate(view.from, false);
  order.to.value = fieldDate(view.to, true);
}
addEventListener('popstate', () => {
  ({ view, notices: linkNotices } = readHash());
  showHashOfView();
  typedEntry = '';
  input.value = view.q;
  render();
});

/** Show the view of the hash: a document being read, or the search. */
function render() {
  showOrder();
  const reading = view.doc !== '';
  const results = document.getElementById('results');
  const returning = !reading && !reader.hidden;
  if (reading && !results.hidden) {
    resultsScroll = scrollY;
    opened = hashOf(view);
  }
  reader.hidden = !reading;
  results.hidden = reading;
  if (reading) exportBar.hidden = true;
  else showExport(lastTotal > 0);
  facets.hidden = reading;
  toFacets.hidden = reading;
  if (reading) return read();
  // The same search again: the results on screen stay. Back from a document finds them
  // as they were, pages, place and focus kept, and counts that a document cut short
  // are counted now.
  if (lastSearch !== '' && lastSearch === searchKey(view)) {
    const ticket = ++latest; // a document still opening is not shown over them
    status.className = '';
    status.textContent = lastStatus;
    if (returning) backToOpened();
    if (countedSearch !== lastSearch) return count(ticket);
    // A search this view cancelled (typed, then undone; Back before it came) had marked
    // the counts on screen busy: they are this view's.
    countsNotBusy();
    return Promise.resolve();
  }
  // Back from a document opened before its search's page was whole: searched again, then
  // the place and the focus as above (unless the reader has moved on meanwhile).
  const ticket = latest + 1;
  return search().then(() => {
    if (returning && ticket === latest && document.activeElement === document.body) backToOpened();
  });
}

/** Back from a document to its results: where they were, the focus on the one opened. */
function backToOpened() {
  scrollTo(0, resultsScroll);
  const links = [...list.querySelectorAll('li.doc h2 a')];
  links.find((a) => a.getAttribute('href') === opened)?.focus({ preventScroll: true });
}

/** The document of the hash, its passages around passage `p` (the one marked). */
async function read() {
  const ticket = ++latest;
  status.className = '';
  status.textContent = '正在打开文档…';
  try {
    const doc = await engine('read', view.doc, view.p, view.q || undefined);
    if (ticket !== latest) return;
    if (doc === null) {
      status.className = 'error';
      status.textContent = '链接指向的文档不在本网站中（可能已被移除）：请返回搜索';
      reader.replaceChildren(backLink());
      return;
    }
    reader.replaceChildren(backLink(), ...readerBody(doc));
    const last = doc.first + doc.shown.length;
    status.textContent = doc.first > 0 || last < doc.passages
      ? `共 ${formatCount(doc.passages)} 段，显示第 ${doc.first + 1}–${last} 段`
      : `共 ${formatCount(doc.passages)} 段`;
    const target = reader.querySelector('.target');
    target?.scrollIntoView({ block: 'center' });
    target?.focus({ preventScroll: true });
    if (!target && view.p >= doc.passages) {
      status.textContent += `（链接中的 p=${view.p}（第 ${view.p + 1} 段）不在这篇文档中，它只有 ${formatCount(doc.passages)} 段）`;
    }
    status.textContent += noticesText(linkNotices);
  } catch (error) {
    if (ticket !== latest) return;
    // Not the document read before: only the way back, and the message in sight.
    reader.replaceChildren(backLink());
    scrollTo(0, 0);
    showError(error);
  }
}

// Esc leaves a document as its back link does (unless a control used the key first).
addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || reader.hidden || event.defaultPrevented) return;
  reader.querySelector('a.back')?.click();
});

function backLink() {
  const back = el('a', 'back', '← 返回搜索结果');
  back.href = hashOf({ ...view, doc: '' });
  return back;
}

/** Title, date and source, a link to the original (http(s) only), and the passages. */
function readerBody(doc) {
  const meta = el('p', 'meta', [doc.date, doc.source].filter(Boolean).join(' · '));
  if (doc.url && /^https?:\/\//i.test(doc.url)) {
    const original = el('a', '', '原文');
    original.href = doc.url;
    original.rel = 'noopener noreferrer';
    meta.append(' ', original);
  }
  const passages = el('ol', 'passages');
  passages.start = doc.first + 1;
  for (const passage of doc.shown) {
    const item = el('li', passage.number === view.p ? 'target' : '');
    item.append(marked(passage.text, passage.highlights));
    item.tabIndex = -1;
    passages.append(item);
  }
  return [el('h2', '', doc.title), meta, passages];
}

const exportBar = document.getElementById('export');
const exportStatus = document.getElementById('export-status');
const exportCancel = document.getElementById('export-cancel');
/** Passages above which 导出 asks first: each one's text is downloaded. */
const EXPORT_ASK_ABOVE = 5000;
let lastTotal = 0; // matching passages of the results on screen

/** 导出 shown for results with matches; a running export keeps it (its progress, 取消导出). */
function showExport(shown) {
  exportBar.hidden = !shown && exporting === null;
}
let exporting = null; // { cancelled } while an export runs

/**
 * 导出 CSV / JSON: every matching passage of the view on screen, as the app exports them;
 * the file is downloaded once all are written. One export at a time; 取消导出 stops it
 * between two steps.
 */
async function exportView(button) {
  if (exporting !== null) return;
  const ask = `将导出 ${formatCount(lastTotal)} 段，需要下载它们的全文，可能要一些时间。继续吗？`;
  if (lastTotal > EXPORT_ASK_ABOVE && !confirm(ask)) return;
  const run = { cancelled: false };
  exporting = run;
  // The buttons keep the focus while it runs (hidden or disabled, they would drop it):
  // another click is ignored instead.
  formatButtons.forEach((b) => b.setAttribute('aria-disabled', 'true'));
  exportCancel.hidden = false;
  const format = button.dataset.format;
  const exported = { ...view, doc: '', p: 0 };
  const options = optionsOf(0);
  const here = `${location.origin}${location.pathname}${location.search}`;
  try {
    const { exportFile, fileName } = await import('./site-export.js');
    // The file's name says which view the progress is of, whatever is on screen meanwhile.
    const name = fileName(exported, format);
    const say = (done, total) => {
      if (!run.cancelled) exportStatus.textContent = `正在导出 ${name}：${formatCount(done)} / ${formatCount(total)} 段`;
    };
    say(0, lastTotal);
    const { blob, rows } = await exportFile({
      engine, view: exported, options, format,
      linkOf: (key, number) => `${here}${hashOf({ ...exported, doc: key, p: number })}`,
      progress: say,
      cancelled: () => run.cancelled,
    });
    const link = el('a');
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    exportStatus.textContent = `已导出 ${formatCount(rows)} 段（${name}）`;
  } catch (error) {
    exportStatus.textContent = run.cancelled ? '已取消导出' : `导出失败：${error?.message ?? error}`;
  } finally {
    exporting = null;
    // A search typed meanwhile may have no total yet (or none): 导出 waits for it.
    showExport(lastTotal > 0);
    formatButtons.forEach((b) => b.removeAttribute('aria-disabled'));
    if (document.activeElement === exportCancel) button.focus();
    exportCancel.hidden = true;
  }
}
const formatButtons = [...exportBar.querySelectorAll('button[data-format]')];
formatButtons.forEach((button) => button.addEventListener('click', () => exportView(button)));
exportCancel.addEventListener('click', () => {
  if (exporting !== null) exporting.cancelled = true;
  exportStatus.textContent = '正在取消…';
});

// 离线使用: fetch every piece once, so the service worker keeps it; then every query works
// with the network cut. The button says how much that is before it starts (a big archive's
// index is hundreds of MB), the download stops before it starts when the browser has not
// that much room, and a progress bar and the status line follow it.
const offlineButton = document.getElementById('offline');
const offlineProgress = document.getElementById('offline-progress');
const offlineStatus = document.getElementById('offline-status');
const mb = (bytes) => (bytes < 1e6
  ? `${Math.ceil(bytes / 1e3).toLocaleString('zh-CN')} KB`
  : `${(bytes / 1e6).toLocaleString('zh-CN', { maximumFractionDigits: 1 })} MB`);
let indexBytes = null; // from the meta, once the engine is open

/** Say on the button how much 离线使用 downloads. */
async function labelOffline() {
  indexBytes = await engine('indexBytes');
  offlineButton.textContent = `离线使用（${mb(indexBytes)}）`;
}

/** Whether the browser has room for `need` more bytes; says so when it has not. */
async function roomFor(need) {
  const estimate = await navigator.storage?.estimate?.().catch(() => null);
  if (!estimate?.quota || need === null) return true;
  const free = estimate.quota - (estimate.usage ?? 0);
  if (free >= need) return true;
  offlineStatus.textContent = `浏览器的可用空间不够：离线使用需要约 ${mb(need)}，现在约有 ${mb(Math.max(free, 0))}。请清理浏览器中其他网站的数据，或在空间更大的设备上使用`;
  return false;
}

/**
 * Whether a service worker controls the page (it keeps what the page fetches). On a first
 * visit it takes over a moment after the page loads; a download before that would keep
 * nothing and still say 已可离线使用.
 */
async function controlled() {
  if (navigator.serviceWorker.controller) return true;
  offlineStatus.textContent = '正在准备离线功能…';
  const takeOver = new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true });
  });
  await Promise.race([takeOver, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (navigator.serviceWorker.controller) return true;
  offlineStatus.textContent = '离线功能还没有准备好：请刷新页面，再点“离线使用”。若仍如此，可能是浏览器的存储空间不够：请清理浏览器中其他网站的数据后再试';
  return false;
}

/**
 * Fetch one piece for 离线使用 (the service worker keeps it); what became of it: 'ok',
 * 'gone' (404), 'foreign' (not a piece: a host's error page), 'full' (no room to keep it)
 * or 'failed' (the network, another HTTP error).
 */
async function downloadPiece(name) {
  try {
    const response = await fetch(`./quxian/${name}`);
    if (response.status === 404) return { outcome: 'gone', size: 0 };
    if (!response.ok) return { outcome: 'failed', size: 0 };
    const size = (await response.arrayBuffer()).byteLength;
    // Why the service worker did not keep it, if it did not (sw.js).
    const outcome = { foreign: 'foreign', quota: 'full', error: 'failed' }[response.headers.get('X-Quxian-Not-Kept')];
    return { outcome: outcome ?? 'ok', size: outcome ? 0 : size };
  } catch {
    return { outcome: 'failed', size: 0 };
  }
}

/** What 离线使用 says when `count` files of an outcome other than 'ok' were left. */
const DOWNLOAD_PROBLEMS = {
  full: (n) => `浏览器的存储空间不够，有 ${n} 个文件没能保存：请清理浏览器中其他网站的数据（或在空间更大的设备上使用），再点“离线使用”`,
  foreign: (n) => `有 ${n} 个文件不是本网站的索引文件（主机可能返回了错误页面）：请稍后再点“离线使用”；若仍如此，请联系网站维护者`,
  gone: (n) => `有 ${n} 个文件在网站上不存在（网站可能刚更新过）：请刷新页面，再点“离线使用”`,
  failed: (n) => `有 ${n} 个文件下载失败：请检查网络后再点“离线使用”`,
};

async function downloadAll() {
  try {
    await downloadAllPieces();
  } catch (error) {
    // The engine could not open the index (the page says why): nothing to download.
    offlineStatus.textContent = `无法离线使用：${error?.message ?? error}`;
  } finally {
    offlineButton.disabled = false;
    offlineProgress.hidden = true;
  }
}

async function downloadAllPieces() {
  const names = await engine('pieceNames');
  if (!(await controlled()) || !(await roomFor(indexBytes))) return;
  offlineButton.disabled = true;
  offlineProgress.hidden = false;
  let done = 0;
  let bytes = 0;
  const problems = { full: 0, foreign: 0, gone: 0, failed: 0 };
  const next = async () => {
    while (names.length > 0) {
      const { outcome, size } = await downloadPiece(names.pop());
      if (outcome !== 'ok') problems[outcome] += 1;
      bytes += size;
      done += 1;
      offlineProgress.value = done / total;
      const of = indexBytes === null ? '' : ` / ${mb(indexBytes)}`;
      offlineStatus.textContent = `正在下载全部索引：${formatCount(done)} / ${formatCount(total)} 个文件，${mb(bytes)}${of}`;
    }
  };
  const total = names.length;
  await Promise.all(Array.from({ length: 6 }, next));
  // The most telling problem first: no room, then what the host answered, then the network.
  const problem = Object.keys(DOWNLOAD_PROBLEMS).find((outcome) => problems[outcome] > 0);
  if (problem === 'gone' && (await takeUpdate())) {
    offlineStatus.textContent = UPDATING;
    return;
  }
  if (problem !== undefined) {
    offlineStatus.textContent = DOWNLOAD_PROBLEMS[problem](formatCount(problems[problem]));
    return;
  }
  const estimate = await navigator.storage?.estimate?.();
  const kept = estimate ? `，浏览器共占用 ${mb(estimate.usage)}` : '';
  offlineStatus.textContent = `已可离线使用：下载了 ${formatCount(total)} 个文件，${mb(bytes)}${kept}`;
}

offlineButton.addEventListener('click', downloadAll);

// On a phone the filters follow the results; this button leads to them.
toFacets.addEventListener('click', () => {
  facets.scrollIntoView({ block: 'start' });
  facets.querySelector('input:not([disabled])')?.focus({ preventScroll: true });
});

try {
  // Offline use needs a service worker (http(s) pages only).
  // (A stored library is on this device already.)
  offlineButton.hidden = library !== null || !('serviceWorker' in navigator && /^https?:$/.test(location.protocol));
  input.value = view.q;
  const first = render();
  // The main thread now waits for the worker: time to set up the number format.
  (window.requestIdleCallback ?? setTimeout)(() => formatCount(0));
  await first;
  // The size on the button is a nicety: without it, the button still works.
  if (!offlineButton.hidden) labelOffline().catch(() => {});
} catch (error) {
  showError(error);
}
