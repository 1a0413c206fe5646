// A run's artifacts: a lazily loaded tree (MLflow's artifacts/list) and previews of text, JSON, YAML, CSV and images.
import {h, clear, tid} from './dom.js';
import {getMlflow, getArtifact, artifactUrl} from './api.js';
import * as fmt from './format.js';
import {empty} from './view.js';

const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'ico']);
const TEXT = new Set(['txt', 'log', 'py', 'md', 'yaml', 'yml', 'mlmodel', 'java', 'kt', 'scala', 'sh', 'cfg', 'ini', 'toml',
  'xml', 'html', 'htm', 'js', 'ts', 'r', 'sql', 'properties', 'conf', 'out', 'err', 'tex', 'rst', 'ipynb', 'jsonl', 'ndjson']);
const MAX_PREVIEW = 2 * 1024 * 1024;
const MAX_SHOWN = 512 * 1024;
const MAX_CSV_ROWS = 1000;

function ext(path) {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : (base === 'MLmodel' ? 'mlmodel' : '');
}

function baseName(path) {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Creates the artifacts browser. onSelect(path) is called when the user opens a file or folder (to put it in the URL).
 * Returns {el, select(path)}.
 */
export function artifactBrowser(runId, {onSelect, onError} = {}) {
  const listings = new Map(); // dir path ('' = root) → Promise<files>
  const entryEls = new Map();
  const expanded = new Set();
  let current = null;
  let previewCtrl = null;

  const tree = h('ul', tid('artifact-tree', {class: 'tree', role: 'tree'}));
  const preview = h('div', {class: 'artifact-pane'}, empty('Select a file to preview it.'));
  const el = h('div', {class: 'artifacts'}, h('div', {class: 'tree-pane'}, tree), preview);

  function list(dir) {
    if (!listings.has(dir)) {
      const p = getMlflow('artifacts/list', {run_id: runId, path: dir || null}).then((r) => {
        const files = (r.files || []).slice();
        files.sort((a, b) => (b.is_dir - a.is_dir) || a.path.localeCompare(b.path));
        return files;
      });
      p.catch(() => listings.delete(dir));
      listings.set(dir, p);
    }
    return listings.get(dir);
  }

  function entry(f, depth) {
    const isDir = !!f.is_dir;
    const label = h('a', tid('artifact-entry', {
      href: 'javascript:void 0', class: `tree-entry ${isDir ? 'is-dir' : 'is-file'}`, 'data-path': f.path, 'data-dir': isDir ? 'true' : null,
      role: 'treeitem', style: {paddingLeft: `${8 + depth * 16}px`}, title: f.path,
    }),
    h('span', {class: 'tree-icon', 'aria-hidden': 'true'}, isDir ? '▸' : fileIcon(f.path)),
    h('span', {class: 'tree-name'}, baseName(f.path)),
    isDir ? null : h('span', {class: 'tree-size'}, fmt.bytes(f.file_size)));
    const kids = h('ul', {class: 'tree', role: 'group', hidden: true});
    const li = h('li', null, label, kids);
    entryEls.set(f.path, {label, kids, file: f, depth});
    label.addEventListener('click', (e) => {
      e.preventDefault();
      if (isDir) toggle(f.path);
      else open(f.path);
      if (onSelect) onSelect(f.path);
    });
    return li;
  }

  function fileIcon(path) {
    const x = ext(path);
    if (IMAGE.has(x)) return '▣';
    if (x === 'json' || x === 'yaml' || x === 'yml' || x === 'mlmodel') return '{}';
    if (x === 'csv' || x === 'tsv') return '▦';
    return '·';
  }

  async function fill(ul, dir, depth) {
    clear(ul);
    ul.appendChild(h('li', {class: 'muted tree-loading'}, 'Loading…'));
    try {
      const files = await list(dir);
      clear(ul);
      if (!files.length && dir === '') ul.appendChild(h('li', {class: 'muted tree-empty'}, 'No artifacts.'));
      else if (!files.length) ul.appendChild(h('li', {class: 'muted tree-empty', style: {paddingLeft: `${8 + depth * 16}px`}}, 'Empty folder'));
      for (const f of files) ul.appendChild(entry(f, depth));
    } catch (e) {
      clear(ul);
      ul.appendChild(h('li', {class: 'tree-error'}, e.message || String(e)));
      if (onError) onError(e);
    }
  }

  async function toggle(path, force) {
    const ent = entryEls.get(path);
    if (!ent) return;
    const open = force !== undefined ? force : !expanded.has(path);
    if (open) {
      expanded.add(path);
      ent.kids.hidden = false;
      ent.label.classList.add('is-open');
      ent.label.querySelector('.tree-icon').textContent = '▾';
      if (!ent.kids.dataset.filled) {
        ent.kids.dataset.filled = '1';
        await fill(ent.kids, path, ent.depth + 1);
      }
    } else {
      expanded.delete(path);
      ent.kids.hidden = true;
      ent.label.classList.remove('is-open');
      ent.label.querySelector('.tree-icon').textContent = '▸';
    }
  }

  function markCurrent(path) {
    for (const {label} of entryEls.values()) label.classList.toggle('is-current', label.dataset.path === path);
  }

  async function open(path) {
    current = path;
    markCurrent(path);
    if (previewCtrl) previewCtrl.abort();
    previewCtrl = new AbortController();
    const signal = previewCtrl.signal;
    const ent = entryEls.get(path);
    const size = ent ? ent.file.file_size : null;
    const x = ext(path);
    const download = h('a', tid('artifact-download', {class: 'btn btn-sm', href: artifactUrl(runId, path, true), download: baseName(path)}), 'Download');
    const rawLink = h('a', {class: 'btn btn-ghost btn-sm', href: artifactUrl(runId, path, false), target: '_blank', rel: 'noopener'}, 'Open raw');
    const body = h('div', {class: 'preview-body'}, h('div', {class: 'muted pad'}, 'Loading…'));
    const box = h('div', tid('artifact-preview', {class: 'preview', 'data-path': path, 'data-ready': 'false'}),
        h('div', {class: 'preview-head'}, h('span', {class: 'preview-path', title: path}, path),
            h('span', {class: 'muted'}, size !== null && size !== undefined ? fmt.bytes(size) : ''), h('span', {class: 'toolbar-spacer'}), rawLink, download),
        body);
    clear(preview).appendChild(box);
    const done = (...nodes) => {
      clear(body);
      for (const n of nodes) if (n) body.appendChild(n);
      box.dataset.ready = 'true';
    };
    try {
      if (IMAGE.has(x)) {
        const img = h('img', {class: 'preview-image', alt: path, src: artifactUrl(runId, path, false)});
        img.addEventListener('load', () => { box.dataset.ready = 'true'; });
        img.addEventListener('error', () => done(h('div', {class: 'alert alert-error'}, 'Could not load the image.')));
        clear(body).appendChild(h('div', {class: 'preview-image-wrap'}, img));
        box.dataset.kind = 'image';
        return;
      }
      if (size && size > MAX_PREVIEW) {
        box.dataset.kind = 'large';
        done(empty(`${fmt.bytes(size)} is too large to preview here; download it instead.`));
        return;
      }
      const res = await getArtifact(runId, path, signal);
      const type = (res.headers.get('Content-Type') || '').toLowerCase();
      const buf = await res.arrayBuffer();
      if (signal.aborted) return;
      const bytes = new Uint8Array(buf);
      const looksBinary = bytes.subarray(0, 4096).includes(0);
      const known = TEXT.has(x) || x === 'json' || x === 'csv' || x === 'tsv' || type.startsWith('text/') || type.includes('json');
      if (looksBinary || (!known && type.includes('octet-stream') && !isUtf8Text(bytes))) {
        box.dataset.kind = 'binary';
        done(empty(`Binary file (${fmt.bytes(bytes.length)}); download it to look inside.`));
        return;
      }
      let text = new TextDecoder('utf-8').decode(bytes.length > MAX_SHOWN ? bytes.subarray(0, MAX_SHOWN) : bytes);
      const cut = bytes.length > MAX_SHOWN ? h('div', {class: 'muted pad'}, `Showing the first ${fmt.bytes(MAX_SHOWN)} of ${fmt.bytes(bytes.length)}.`) : null;
      if (x === 'json' || type.includes('application/json')) {
        box.dataset.kind = 'json';
        try {
          text = JSON.stringify(JSON.parse(text), null, 2);
        } catch (e) { /* show as is */ }
        done(codeBlock(text, 'json'), cut);
      } else if (x === 'csv' || x === 'tsv' || type.includes('text/csv')) {
        box.dataset.kind = 'csv';
        done(csvTable(text, x === 'tsv' ? '\t' : ','), cut);
      } else {
        box.dataset.kind = x === 'yaml' || x === 'yml' || x === 'mlmodel' ? 'yaml' : 'text';
        done(codeBlock(text, box.dataset.kind), cut);
      }
    } catch (e) {
      if (e && e.name === 'AbortError') return;
      done(h('div', {class: 'alert alert-error'}, e.message || String(e)));
    }
  }

  /** Expands the folders leading to `path`, then opens it (file) or expands it (folder). */
  async function select(path) {
    if (!path) return;
    const parts = path.split('/').filter(Boolean);
    let acc = '';
    await rootReady;
    for (let i = 0; i < parts.length - 1; i++) {
      acc = acc ? `${acc}/${parts[i]}` : parts[i];
      if (!entryEls.has(acc)) return;
      await toggle(acc, true);
    }
    const ent = entryEls.get(parts.join('/'));
    if (!ent) {
      clear(preview).appendChild(h('div', {class: 'alert alert-error'}, `No artifact at ${path}`));
      return;
    }
    if (ent.file.is_dir) {
      await toggle(ent.file.path, true);
      markCurrent(ent.file.path);
    } else if (current !== ent.file.path) {
      await open(ent.file.path);
    }
    ent.label.scrollIntoView({block: 'nearest'});
  }

  const rootReady = fill(tree, '', 0);
  return {el, select, ready: rootReady};
}

function isUtf8Text(bytes) {
  try {
    new TextDecoder('utf-8', {fatal: true}).decode(bytes.subarray(0, 65536));
    return true;
  } catch (e) {
    return false;
  }
}

function codeBlock(text, kind) {
  const lines = text.split('\n');
  const gutter = lines.map((_, i) => i + 1).join('\n');
  return h('div', {class: `code code-${kind}`},
      h('pre', {class: 'code-gutter', 'aria-hidden': 'true'}, gutter),
      h('pre', {class: 'code-text'}, text));
}

/** RFC 4180-ish CSV parsing (quotes, doubled quotes, newlines inside quotes). */
export function parseCsv(text, sep = ',', maxRows = Infinity) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  const n = text.length;
  while (i < n && rows.length < maxRows) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
    i++;
  }
  if ((field !== '' || row.length) && rows.length < maxRows) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function csvTable(text, sep) {
  const rows = parseCsv(text, sep, MAX_CSV_ROWS + 1);
  if (!rows.length) return empty('Empty file.');
  const [headRow, ...data] = rows;
  const shown = data.slice(0, MAX_CSV_ROWS);
  const numeric = headRow.map((_, c) => shown.length > 0 && shown.every((r) => r[c] === undefined || r[c] === '' || fmt.isNumeric(r[c])));
  const table = h('table', {class: 'grid csv-table'},
      h('thead', null, h('tr', null, h('th', {class: 'num muted'}, '#'), headRow.map((c, i) => h('th', {class: numeric[i] ? 'num' : null}, c)))),
      h('tbody', null, shown.map((r, ri) => h('tr', null, h('td', {class: 'num muted'}, ri + 1),
          headRow.map((_, c) => h('td', {class: numeric[c] ? 'num' : null}, r[c] ?? ''))))));
  return h('div', {class: 'csv-wrap'}, table,
      data.length > MAX_CSV_ROWS ? h('div', {class: 'muted pad'}, `First ${fmt.count(MAX_CSV_ROWS)} rows shown.`) : null);
}
