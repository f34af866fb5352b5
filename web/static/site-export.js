// 导出 on a site's page: every matching passage of the view as CSV or JSON, in the format of
// the app's export (web/src/export.rs: the same columns, CSV quoting, formula guard, JSON
// shape and file name), so a report reads the same from either. Loaded on the first click:
// nothing of it comes before a first result.
//
// The engine lists the matching passages a page of documents at a time, each with its whole
// text (`whole_passages`), and CSV or JSON is written as they come (see `exportFile`).

/** Documents listed per step: each step is one search. */
const DOCUMENTS_PER_STEP = 50;
/** Every matching passage of a document (the API's `per_document`). */
const ALL_PASSAGES = 2 ** 32 - 1;

/** The export was cancelled (its `cancelled()` said so between two steps). */
class Cancelled extends Error {}

/**
 * Every matching passage of `view`'s search with `options` (the page's, without paging),
 * best document first, written step by step into a `Blob` as `format` ('csv' or 'json'):
 * `{ blob, rows }`. Each step's text becomes a part of the Blob at once,
 * so a big export is not held in the page's memory. `engine(method, ...args)` calls the
 * worker; `linkOf(key, number)` is a passage's link; `progress(rows, total)` is told after
 * each step; `cancelled()` is asked before and after each step's search.
 */
export async function exportFile({ engine, view, options, format, linkOf, progress, cancelled }) {
  const writer = format === 'csv' ? csvWriter() : jsonWriter(view);
  const parts = [];
  let rows = 0;
  for (let offset = 0; ; offset += DOCUMENTS_PER_STEP) {
    if (cancelled()) throw new Cancelled();
    const page = await engine('search', view.q, {
      ...options, offset, limit: DOCUMENTS_PER_STEP, per_document: ALL_PASSAGES, facets: false, whole_passages: true,
    });
    // (Also after the last step's search: a cancel while it ran downloads nothing.)
    if (cancelled()) throw new Cancelled();
    if (offset === 0) parts.push(new Blob([writer.head(page.total)]));
    const step = page.hits.map((hit) => ({
      title: hit.title,
      key: hit.doc,
      date: hit.date ?? null,
      source: hit.source ?? null,
      passage: hit.passage + 1,
      districts: hit.districts,
      topics: hit.topics,
      text: hit.text,
      link: linkOf(hit.doc, hit.passage),
    }));
    parts.push(new Blob([writer.rows(step, rows)]));
    rows += step.length;
    progress(rows, page.total);
    if (offset + DOCUMENTS_PER_STEP >= page.total_docs) {
      parts.push(new Blob([writer.tail(rows)]));
      const type = format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json';
      return { blob: new Blob(parts, { type }), rows };
    }
  }
}

const CSV_HEADER = ['文档', '文档键', '日期', '来源', '段落', '区县', '主题', '文本', '链接'];

/**
 * A cell as the app's export writes it: a leading `'` before what a spreadsheet would run
 * as a formula, then quoted (quotes doubled) when it holds a comma, quote or line break.
 */
function csvCell(value) {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV behind a UTF-8 byte-order mark, so spreadsheet programs read the Chinese as UTF-8. */
function csvWriter() {
  const line = (cells) => `${cells.map(csvCell).join(',')}\n`;
  return {
    head: () => `\u{FEFF}${line(CSV_HEADER)}`,
    rows: (rows) => rows.map((r) => line([
      r.title, r.key, r.date ?? '', r.source ?? '', String(r.passage),
      r.districts.join('、'), r.topics.join('、'), r.text, r.link,
    ])).join(''),
    tail: () => '',
  };
}

/**
 * What was asked and every row, as the app's `Export` (pretty JSON, two spaces): written
 * as the whole object with no rows, opened at its `rows`, then each row indented.
 */
function jsonWriter(view) {
  return {
    head: (total) => {
      const asked = {
        query: view.q,
        districts: view.district,
        topics: view.topic,
        from: view.from || null,
        to: view.to || null,
        sort: view.sort || 'relevance',
        total,
        rows: [],
      };
      return JSON.stringify(asked, null, 2).replace(/\[\]\n\}$/, '[');
    },
    rows: (rows, before) => rows
      .map((r, i) => `${before + i > 0 ? ',' : ''}\n${JSON.stringify(r, null, 2).replace(/^/gm, '    ')}`)
      .join(''),
    tail: (rows) => (rows > 0 ? '\n  ]\n}' : ']\n}'),
  };
}

/**
 * `quxian-缙云山_不含渝北_北碚.csv`: the letters and digits of the query's words, an excluded
 * word (`-渝北`) as 不含渝北, then the filters; words joined by `_`, at most 20 characters
 * (the app's `export::file_name`).
 */
export function fileName(view, extension) {
  const letters = (word) => [...word].filter((c) => /[\p{L}\p{N}]/u.test(c)).join('');
  const query = view.q.split(/\s+/).map((word) => (word.startsWith('-') && letters(word) !== ''
    ? `不含${letters(word)}` : letters(word)));
  const words = [...query, ...view.district.map(letters), ...view.topic.map(letters)].filter((w) => w !== '');
  const stem = [...words.join('_')].slice(0, 20).join('').replace(/_+$/, '');
  return `quxian-${stem || '全部'}.${extension}`;
}
