// The runs view (#/runs): server-side paged table (pages appended as the user scrolls), column chooser,
// sort by any column, MLflow filter with inline errors, nested runs under their parent, selection → chart/compare.
import {h, clear, tid, debounce} from './dom.js';
import {getJson, experimentName} from './api.js';
import * as fmt from './format.js';
import * as router from './router.js';
import {viewRoot, setReady, showError, clearError, crumbs, filterError, isAbort, statusBadge, empty} from './view.js';

const FIXED = ['attributes.run_name', 'attributes.status', 'attributes.start_time', 'duration', 'attributes.user_id', 'source'];
const FIRST_PAGE = 100;
const NEXT_PAGE = 200;
const OVERSCAN = 30;   // rows rendered above and below the visible ones
const LOAD_AHEAD = 60; // fetch the next page when the window gets this close to the last loaded row
const WIDTH = {
  'attributes.run_name': 240, 'attributes.status': 120, 'attributes.start_time': 162, duration: 92,
  'attributes.user_id': 96, source: 150, experiment: 130,
};

/** The order_by key a column sorts by (null: not sortable). */
export function orderKey(col) {
  if (col === 'duration' || col === 'experiment') return null;
  if (col === 'source') return 'tags.mlflow.source.name';
  const dot = col.indexOf('.');
  const kind = col.slice(0, dot);
  const key = col.slice(dot + 1);
  if (kind === 'attributes') return col;
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(key) && !key.includes('..') ? `${kind}.${key}` : `${kind}.\`${key}\``;
}

/** 'metrics.loss DESC' → {key: 'metrics.loss', dir: 'desc'}; default start_time DESC. */
export function parseOrder(order) {
  const s = (order || '').trim();
  if (!s) return {key: 'attributes.start_time', dir: 'desc', implicit: true};
  const m = /^(.*?)\s+(ASC|DESC)$/i.exec(s);
  const key = m ? m[1].trim() : s;
  const dir = m ? m[2].toLowerCase() : 'asc';
  return {key: normalizeKey(key), dir};
}

function normalizeKey(k) {
  // Accept 'start_time', 'attribute.start_time', 'metric.`x`' forms for matching against columns.
  let s = k.replace(/`/g, '').replace(/"/g, '');
  s = s.replace(/^(attribute|attr|run)\./, 'attributes.').replace(/^metric\./, 'metrics.').replace(/^param(eter)?\./, 'params.')
      .replace(/^tag\./, 'tags.');
  if (!/^(attributes|metrics|params|tags)\./.test(s)) s = 'attributes.' + s;
  if (s === 'attributes.created' || s === 'attributes.Created') s = 'attributes.start_time';
  return s;
}

function colKind(col) {
  if (col.startsWith('metrics.')) return 'metric';
  if (col.startsWith('params.')) return 'param';
  if (col.startsWith('tags.')) return 'tag';
  return col.replace('attributes.', '');
}

export function mount(route) {
  const root = viewRoot('runs');
  let q = route.q;
  const expIds = router.list(q.e);
  let keys = null;
  let cols = [];
  let gen = 0;
  let ctrl = null;
  let total = 0;
  let loaded = 0;
  let loading = false;
  let order = [];        // run ids in server order
  const runs = new Map(); // id → run
  const rowEls = new Map();     // id → its <tr>, built when first shown
  const childrenOf = new Map(); // parent id → its loaded children, in server order
  const collapsed = new Set();
  let display = [];             // [{id, depth, parent}] in display order
  let rendered = {start: -1, end: -1};
  let rowH = 31;
  const sel = new Set(router.list(q.sel));

  // ---- header ----
  const title = h('h1', {class: 'view-title'}, expIds.length > 1 ? `${expIds.length} experiments` : 'Runs');
  const totalEl = h('span', tid('runs-total', {class: 'total'}), '');
  const head = h('div', {class: 'view-head'}, title, totalEl);

  // ---- toolbar ----
  const input = h('input', tid('run-filter', {
    type: 'search', class: 'input filter-input', spellcheck: 'false', autocomplete: 'off',
    placeholder: "Filter runs, e.g. metrics.acc > 0.9 and params.lr = '0.01'  (Enter)",
  }));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      const f = input.value.trim();
      if ((q.filter || '') === f) reload();
      else nav({filter: f || null});
    } else if (e.key === 'Escape') {
      input.value = q.filter || '';
    }
  });
  const errHost = h('div', {class: 'filter-error-host'});
  const viewSel = h('select', tid('run-view-type', {class: 'select', title: 'Lifecycle'}),
      h('option', {value: 'ACTIVE_ONLY'}, 'Active'), h('option', {value: 'DELETED_ONLY'}, 'Deleted'), h('option', {value: 'ALL'}, 'All'));
  viewSel.addEventListener('change', () => nav({view: viewSel.value === 'ACTIVE_ONLY' ? null : viewSel.value}));

  const chooserBtn = h('button', tid('column-chooser', {class: 'btn', type: 'button', 'aria-haspopup': 'true'}), 'Columns');
  const chooser = h('div', tid('column-menu', {class: 'popover', hidden: true}));
  chooserBtn.addEventListener('click', (e) => {
    e.stopPropagation();
    chooser.hidden = !chooser.hidden;
    if (!chooser.hidden) renderChooser();
  });
  const onDocClick = (e) => {
    if (!chooser.hidden && !chooser.contains(e.target) && e.target !== chooserBtn) chooser.hidden = true;
  };
  document.addEventListener('click', onDocClick);

  const selInfo = h('span', tid('selection-count', {class: 'muted sel-info'}));
  const clearSel = h('button', {class: 'btn btn-ghost', type: 'button', hidden: true}, 'Clear');
  clearSel.addEventListener('click', () => {
    sel.clear();
    syncSelection();
  });
  const chartBtn = h('button', tid('chart-button', {class: 'btn', type: 'button', title: 'Overlay a metric of the selected runs (or the top 5)'}), 'Chart');
  const compareBtn = h('button', tid('compare-button', {class: 'btn', type: 'button', title: 'Compare the selected runs (or the top 5)'}), 'Compare');
  chartBtn.addEventListener('click', () => {
    const ids = pickRuns();
    if (!ids.length) return;
    router.go('/chart', {runs: ids, key: chartKey(), x: 'step'});
  });
  compareBtn.addEventListener('click', () => {
    const ids = pickRuns();
    if (!ids.length) return;
    router.go('/compare', {runs: ids, metric: chartKey()});
  });

  const toolbar = h('div', {class: 'toolbar'},
      h('div', {class: 'filter-wrap'}, input, errHost), viewSel,
      h('div', {class: 'popover-anchor'}, chooserBtn, chooser),
      h('span', {class: 'toolbar-spacer'}), selInfo, clearSel, chartBtn, compareBtn);

  // ---- table ----
  const colgroup = h('colgroup');
  const headRow = h('tr');
  const tbody = h('tbody');
  const table = h('table', tid('runs-table', {class: 'grid runs-grid'}), colgroup, h('thead', null, headRow), tbody);
  const more = h('div', tid('runs-more', {class: 'more'}));
  const scroller = h('div', tid('runs-scroll', {class: 'table-wrap table-scroll'}), table, more);
  root.append(head, toolbar, scroller);

  scroller.addEventListener('scroll', () => onScroll(), {passive: true});
  const onResize = debounce(() => renderWindow(false), 100);
  window.addEventListener('resize', onResize);

  function nearEnd() {
    return rendered.end >= display.length - LOAD_AHEAD;
  }

  function nav(changes) {
    router.go('/runs', Object.assign({}, q, changes));
  }

  function currentQuery() {
    return Object.assign({}, q, {sel: sel.size ? [...sel] : null});
  }

  function pickRuns() {
    if (sel.size) return [...sel].slice(0, 100);
    return order.slice(0, 5);
  }

  function chartKey() {
    const o = parseOrder(q.order);
    if (o.key.startsWith('metrics.')) return o.key.slice(8);
    const m = cols.find((c) => /^metrics\..*loss/i.test(c)) || cols.find((c) => c.startsWith('metrics.'));
    if (m) return m.slice(8);
    return keys && keys.metrics.length ? keys.metrics[0] : null;
  }

  // ---- columns ----
  function chosenCols() {
    if (q.cols === '-') return [];
    if (q.cols) return router.list(q.cols);
    if (!keys) return [];
    return [...keys.metrics.slice(0, 5).map((k) => 'metrics.' + k), ...keys.params.slice(0, 3).map((k) => 'params.' + k)];
  }

  function allCols() {
    return [...FIXED, ...(expIds.length > 1 ? ['experiment'] : []), ...cols];
  }

  function setCols(next) {
    nav({cols: next.length ? next : '-'});
  }

  function renderChooser() {
    clear(chooser);
    if (!keys) {
      chooser.appendChild(h('div', {class: 'muted pad'}, 'Loading keys…'));
      return;
    }
    const search = h('input', {type: 'search', class: 'input input-sm', placeholder: 'Find a column…', spellcheck: 'false'});
    const lists = h('div', {class: 'chooser-lists'});
    const chosen = new Set(cols);
    const draw = () => {
      clear(lists);
      const needle = search.value.trim().toLowerCase();
      for (const [kind, label] of [['metrics', 'Metrics'], ['params', 'Params'], ['tags', 'Tags']]) {
        const ks = keys[kind].filter((k) => !needle || k.toLowerCase().includes(needle));
        if (!ks.length) continue;
        lists.appendChild(h('div', {class: 'chooser-group'}, label, h('span', {class: 'muted'}, ` ${ks.length}`)));
        for (const k of ks) {
          const col = `${kind}.${k}`;
          const cb = h('input', {type: 'checkbox', checked: chosen.has(col)});
          cb.addEventListener('change', () => {
            const next = cols.filter((c) => c !== col);
            if (cb.checked) next.push(col);
            setCols(next);
          });
          lists.appendChild(h('label', tid('column-option', {'data-col': col, class: 'chooser-option', title: col}), cb, h('span', null, k)));
        }
      }
      if (!lists.firstChild) lists.appendChild(h('div', {class: 'muted pad'}, 'No column matches.'));
    };
    search.addEventListener('input', draw);
    const none = h('button', {class: 'btn btn-ghost btn-sm', type: 'button'}, 'None');
    none.addEventListener('click', () => setCols([]));
    const reset = h('button', {class: 'btn btn-ghost btn-sm', type: 'button'}, 'Default');
    reset.addEventListener('click', () => nav({cols: null}));
    chooser.append(h('div', {class: 'chooser-head'}, search, none, reset), lists);
    draw();
  }

  function renderHead() {
    clear(colgroup);
    clear(headRow);
    const o = parseOrder(q.order);
    colgroup.appendChild(h('col', {style: {width: '34px'}}));
    const all = h('input', tid('run-select-all', {type: 'checkbox', title: 'Select all loaded runs', 'aria-label': 'Select all loaded runs'}));
    all.addEventListener('change', () => {
      if (all.checked) for (const id of order) sel.add(id);
      else sel.clear();
      syncSelection();
    });
    headRow.appendChild(h('th', {class: 'col-check'}, all));
    let width = 34;
    for (const col of allCols()) {
      const kind = colKind(col);
      const w = WIDTH[col] || (kind === 'metric' ? 112 : 120);
      width += w;
      colgroup.appendChild(h('col', {style: {width: w + 'px'}}));
      const ok = orderKey(col);
      const sorted = ok && normalizeKey(ok) === o.key ? o.dir : null;
      const th = h('th', tid('col-header', {
        'data-col': col, 'data-sort': sorted, class: `${kind === 'metric' || col === 'duration' ? 'num' : ''} ${ok ? 'sortable' : ''} kind-${kind}`,
        title: ok ? `${col} — click to sort` : col, 'aria-sort': sorted ? (sorted === 'asc' ? 'ascending' : 'descending') : null,
      }), h('span', {class: 'th-label'}, kind === 'metric' || kind === 'param' || kind === 'tag' ? h('span', {class: `kind-dot kind-${kind}`}) : null, fmt.columnLabel(col)),
      sorted ? h('span', {class: 'sort-arrow'}, sorted === 'asc' ? '▲' : '▼') : null);
      if (ok) {
        th.addEventListener('click', () => {
          const dir = sorted === 'desc' ? 'ASC' : 'DESC';
          nav({order: `${ok} ${dir}`});
        });
      }
      headRow.appendChild(th);
    }
    table.style.width = width + 'px';
  }

  /** Param and tag columns whose values on the first page are all numbers are right-aligned, header included. */
  function alignParamHeaders(list) {
    for (const th of headRow.querySelectorAll('[data-testid=col-header]')) {
      const col = th.dataset.col;
      if (!col.startsWith('params.') && !col.startsWith('tags.')) continue;
      const vals = list.map((r) => (r.values || {})[col]).filter((v) => v !== undefined && v !== null && v !== '');
      th.classList.toggle('num', vals.length > 0 && vals.every((v) => fmt.isNumeric(v)));
    }
  }

  // ---- rows: the loaded runs in display order (children after their parent), only the visible window in the DOM ----
  function cell(run, col) {
    const v = run.values || {};
    switch (col) {
      case 'attributes.run_name': {
        const toggle = h('button', {class: 'tree-toggle is-leaf', type: 'button', 'aria-label': 'Collapse children', tabindex: -1}, '▾');
        toggle.addEventListener('click', (e) => {
          e.stopPropagation();
          toggleCollapse(run.run_id);
        });
        const name = run.run_name || fmt.shortId(run.run_id);
        return h('td', {class: 'name-cell'},
            toggle,
            h('a', tid('run-link', {href: `#/run/${encodeURIComponent(run.run_id)}`, title: `${name}\n${run.run_id}`}), name),
            run.lifecycle_stage === 'deleted' ? h('span', {class: 'badge badge-muted'}, 'deleted') : null);
      }
      case 'attributes.status':
        return h('td', null, statusBadge(run.status));
      case 'attributes.start_time':
        return h('td', {class: 'muted nowrap', title: fmt.ago(run.start_time)}, fmt.time(run.start_time));
      case 'duration':
        return h('td', {class: 'num'}, fmt.runDuration(run));
      case 'attributes.user_id':
        return h('td', {class: 'ellipsis', title: run.user_id || ''}, run.user_id || '');
      case 'source':
        return h('td', {class: 'ellipsis muted', title: run.source || ''}, fmt.shortSource(run.source));
      case 'experiment':
        return h('td', {class: 'ellipsis muted', 'data-experiment-id': run.experiment_id}, expNames.get(run.experiment_id) || run.experiment_id);
      default: {
        if (!(col in v)) return h('td', {class: col.startsWith('metrics.') ? 'num empty-cell' : 'empty-cell'});
        const x = v[col];
        if (col.startsWith('metrics.')) {
          const n = fmt.num(x);
          return h('td', {class: `num${n !== null && !Number.isFinite(n) ? ' nonfinite' : ''}`, title: fmt.exact(x)}, fmt.number(x));
        }
        const s = x === null ? '' : String(x);
        return h('td', {class: `ellipsis${fmt.isNumeric(s) ? ' num' : ''}`, title: s}, s);
      }
    }
  }

  function rowFor(run) {
    const cb = h('input', tid('run-select', {type: 'checkbox', checked: sel.has(run.run_id), 'aria-label': 'Select run'}));
    cb.addEventListener('change', () => {
      if (cb.checked) sel.add(run.run_id); else sel.delete(run.run_id);
      syncSelection();
    });
    const tr = h('tr', tid('run-row', {'data-run-id': run.run_id}), h('td', {class: 'col-check'}, cb));
    for (const col of allCols()) tr.appendChild(cell(run, col));
    return tr;
  }

  /** Recomputes the display order: each loaded run's loaded children right after it (depth-first), collapsed subtrees left out. */
  function rebuildDisplay() {
    childrenOf.clear();
    const tops = [];
    for (const id of order) {
      const pid = runs.get(id).parent_run_id;
      if (pid && pid !== id && runs.has(pid)) {
        if (!childrenOf.has(pid)) childrenOf.set(pid, []);
        childrenOf.get(pid).push(id);
      } else {
        tops.push(id);
      }
    }
    display = [];
    const seen = new Set();
    const walk = (id, depth, parent, hidden) => {
      if (seen.has(id)) return;
      seen.add(id);
      if (!hidden) display.push({id, depth, parent});
      const kids = childrenOf.get(id);
      if (kids) for (const c of kids) walk(c, depth + 1, id, hidden || collapsed.has(id));
    };
    for (const id of tops) walk(id, 0, null, false);
    if (seen.size < order.length) for (const id of order) walk(id, 0, null, false); // parent cycles
    table.classList.toggle('has-nesting', childrenOf.size > 0);
  }

  /** The row element of a display entry, with its nesting, selection and collapse state. */
  function decorate(entry) {
    const run = runs.get(entry.id);
    let el = rowEls.get(entry.id);
    if (!el) {
      el = rowFor(run);
      rowEls.set(entry.id, el);
    }
    if (entry.parent) el.dataset.parentRunId = entry.parent; else delete el.dataset.parentRunId;
    el.classList.toggle('is-child', entry.depth > 0);
    el.classList.toggle('is-orphan', !entry.parent && !!run.parent_run_id);
    el.classList.toggle('is-selected', sel.has(entry.id));
    const nc = el.querySelector('.name-cell');
    if (nc) nc.style.setProperty('--depth', entry.depth);
    const t = el.querySelector('.tree-toggle');
    if (t) {
      const parent = childrenOf.has(entry.id);
      t.classList.toggle('is-leaf', !parent);
      t.tabIndex = parent ? 0 : -1;
      t.textContent = collapsed.has(entry.id) ? '▸' : '▾';
    }
    const cb = el.querySelector('[data-testid=run-select]');
    if (cb && cb.checked !== sel.has(entry.id)) cb.checked = sel.has(entry.id);
    return el;
  }

  function padRow() {
    return h('tr', {class: 'pad-row', 'aria-hidden': 'true'}, h('td', {colspan: allCols().length + 1}));
  }

  /** Puts the rows of the visible window (plus some above and below) in the table; spacer rows stand for the rest. */
  function renderWindow(force) {
    const n = display.length;
    if (!n) {
      rendered = {start: 0, end: 0};
      return;
    }
    const headH = table.tHead ? table.tHead.offsetHeight : 0;
    const top = Math.max(0, scroller.scrollTop - headH);
    const visible = Math.ceil((scroller.clientHeight || 800) / rowH) + 1;
    const start = Math.max(0, Math.min(n - 1, Math.floor(top / rowH) - OVERSCAN));
    const end = Math.min(n, start + visible + 2 * OVERSCAN);
    if (!force && start === rendered.start && end === rendered.end) return;
    rendered = {start, end};
    const topPad = padRow();
    const bottomPad = padRow();
    topPad.firstChild.style.height = `${start * rowH}px`;
    bottomPad.firstChild.style.height = `${(n - end) * rowH}px`;
    const frag = document.createDocumentFragment();
    if (start > 0) frag.appendChild(topPad);
    for (let i = start; i < end; i++) frag.appendChild(decorate(display[i]));
    if (end < n) frag.appendChild(bottomPad);
    tbody.replaceChildren(frag);
    // Measure the real row height once, so the spacers match the rows.
    const first = tbody.querySelector('[data-testid=run-row]');
    if (first && first.offsetHeight && Math.abs(first.offsetHeight - rowH) > 0.5) {
      rowH = first.offsetHeight;
      renderWindow(true);
      return;
    }
    if (end >= n - LOAD_AHEAD) loadMore();
  }

  let scrollFrame = 0;
  function onScroll() {
    if (scrollFrame) return;
    scrollFrame = requestAnimationFrame(() => {
      scrollFrame = 0;
      renderWindow(false);
    });
  }

  function appendRuns(list) {
    for (const r of list) {
      if (runs.has(r.run_id)) continue;
      runs.set(r.run_id, r);
      order.push(r.run_id);
    }
    rebuildDisplay();
    renderWindow(true);
  }

  function toggleCollapse(id) {
    if (collapsed.has(id)) collapsed.delete(id); else collapsed.add(id);
    rebuildDisplay();
    renderWindow(true);
  }

  function syncSelection() {
    for (const el of tbody.querySelectorAll('[data-testid=run-row]')) {
      const on = sel.has(el.dataset.runId);
      el.classList.toggle('is-selected', on);
      const cb = el.querySelector('[data-testid=run-select]');
      if (cb && cb.checked !== on) cb.checked = on;
    }
    const all = headRow.querySelector('[data-testid=run-select-all]');
    if (all) all.checked = order.length > 0 && order.every((id) => sel.has(id));
    selInfo.textContent = sel.size ? `${fmt.count(sel.size)} selected` : '';
    clearSel.hidden = sel.size === 0;
    chartBtn.textContent = sel.size ? `Chart ${sel.size}` : 'Chart top 5';
    compareBtn.textContent = sel.size ? `Compare ${sel.size}` : 'Compare top 5';
    q = currentQuery();
    router.replace('/runs', q);
  }

  function resetRows() {
    runs.clear();
    rowEls.clear();
    childrenOf.clear();
    display = [];
    rendered = {start: -1, end: -1};
    order = [];
    table.classList.remove('has-nesting');
    loaded = 0;
    total = 0;
    clear(tbody);
  }

  function params(offset, max) {
    const wanted = new Set(cols);
    return {
      experiment_ids: expIds,
      filter: q.filter || null,
      order_by: q.order || null,
      view_type: q.view || 'ACTIVE_ONLY',
      offset,
      max_results: max,
      columns: [...wanted],
    };
  }

  function updateMore() {
    clear(more);
    if (loading && loaded > 0) more.append(h('span', {class: 'spinner'}), ` Loading more… (${fmt.count(loaded)} of ${fmt.count(total)})`);
    else if (loaded > 0 && loaded < total) more.textContent = `${fmt.count(loaded)} of ${fmt.count(total)} loaded — scroll for more`;
    else if (loaded > 0) more.textContent = total > FIRST_PAGE ? `All ${fmt.count(total)} runs loaded` : '';
  }

  async function reload() {
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    const signal = ctrl.signal;
    const my = ++gen;
    setReady(root, false);
    clearError(root);
    clear(errHost);
    input.classList.remove('input-invalid');
    input.value = q.filter || '';
    viewSel.value = q.view || 'ACTIVE_ONLY';
    loading = true;
    try {
      // With the columns in the URL the first page need not wait for the keys (default columns need them).
      const keysP = keys ? Promise.resolve(keys) : getJson('keys', {experiment_ids: expIds}, signal)
          .then((k) => ({metrics: k.metrics || [], params: k.params || [], tags: k.tags || []}));
      if (!q.cols) keys = await keysP;
      cols = chosenCols();
      renderHead();
      tbody.style.opacity = '0.5';
      const [res, k] = await Promise.all([getJson('runs', params(0, FIRST_PAGE), signal), keysP]);
      keys = k;
      if (!chooser.hidden) renderChooser();
      if (my !== gen) return;
      tbody.style.opacity = '';
      resetRows();
      scroller.scrollTop = 0;
      total = res.total || 0;
      appendRuns(res.runs || []);
      loaded = (res.offset || 0) + (res.runs || []).length;
      totalEl.textContent = `${fmt.count(total)} run${total === 1 ? '' : 's'}`;
      alignParamHeaders(res.runs || []);
      if (!total) tbody.appendChild(h('tr', {class: 'placeholder-row'}, h('td', {colspan: allCols().length + 1}, empty(q.filter ? 'No run matches this filter.' : 'No runs in this view.'))));
      loading = false;
      syncSelection();
      updateMore();
      setReady(root, true);
      if (nearEnd()) loadMore();
    } catch (e) {
      if (isAbort(e) || my !== gen) return;
      loading = false;
      tbody.style.opacity = '';
      resetRows();
      totalEl.textContent = '';
      updateMore();
      if (e.status === 400 && q.filter && (e.position !== null || /filter/i.test(e.message || '')) && !/order_by/i.test(e.message || '')) {
        errHost.appendChild(filterError('run-filter-error', input, q.filter, e));
        tbody.appendChild(h('tr', {class: 'placeholder-row'}, h('td', {colspan: allCols().length + 1}, empty('Fix the filter to see runs.'))));
      } else {
        showError(root, e);
      }
      setReady(root, true);
    }
  }

  async function loadMore() {
    if (loading || loaded >= total || !root.isConnected) return;
    loading = true;
    const my = gen;
    updateMore();
    try {
      const res = await getJson('runs', params(loaded, NEXT_PAGE), ctrl.signal);
      if (my !== gen) return;
      appendRuns(res.runs || []);
      loaded += (res.runs || []).length;
      if (!(res.runs || []).length) loaded = total;
      total = res.total ?? total;
      loading = false;
      syncSelection();
      updateMore();
      if (nearEnd()) setTimeout(loadMore, 0);
    } catch (e) {
      loading = false;
      if (isAbort(e) || my !== gen) return;
      updateMore();
      showError(root, e);
    }
  }

  const expNames = new Map();
  Promise.all(expIds.map(async (id) => [id, await experimentName(id)])).then((pairs) => {
    for (const [id, n] of pairs) expNames.set(id, n);
    const names = pairs.map((p) => p[1]);
    title.textContent = names.length === 1 ? names[0] : names.length ? names.join(', ') : 'Runs';
    crumbs([{label: 'Experiments', href: '#/'}, {label: names.length ? names.join(' + ') : 'Runs'}]);
    for (const td of tbody.querySelectorAll('td[data-experiment-id]')) td.textContent = expNames.get(td.dataset.experimentId) || td.textContent;
  });
  crumbs([{label: 'Experiments', href: '#/'}, {label: expIds.join(', ') || 'Runs'}]);

  if (!expIds.length) {
    showError(root, {message: 'No experiment chosen: open one from the experiments list.', code: 'INVALID_PARAMETER_VALUE'});
    setReady(root, true);
  } else {
    reload();
  }

  return {
    el: root,
    update(r) {
      if (router.list(r.q.e).join(',') !== expIds.join(',')) return false;
      const before = q;
      q = r.q;
      const same = (k) => (before[k] || '') === (q[k] || '');
      if (same('filter') && same('order') && same('cols') && same('view')) {
        sel.clear();
        for (const id of router.list(q.sel)) sel.add(id);
        syncSelection();
        return true;
      }
      reload();
      return true;
    },
    destroy() {
      if (ctrl) ctrl.abort();
      window.removeEventListener('resize', onResize);
      if (scrollFrame) cancelAnimationFrame(scrollFrame);
      document.removeEventListener('click', onDocClick);
    },
  };
}
