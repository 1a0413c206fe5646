// The compare view (#/compare?runs=a,b,c&metric=acc&sx=params.lr&sy=metrics.acc): params that differ first and
// highlighted, latest metrics, a parallel-coordinates plot (params → a metric) and a scatter plot of any two columns.
import {h, clear, tid, pool, debounce} from './dom.js';
import {runDetails, echartsReady} from './api.js';
import * as fmt from './format.js';
import * as router from './router.js';
import {viewRoot, setReady, showError, clearError, crumbs, isAbort, empty} from './view.js';
import {PALETTE} from './chart.js';

const MAX_AXES = 12;

export function mount(route) {
  const root = viewRoot('compare');
  let q = route.q;
  const runIds = router.list(q.runs);
  let runs = [];
  let paramKeys = [];
  let metricKeys = [];
  let differing = new Set();
  let parallel = null;
  let scatter = null;
  let alive = true;

  const title = h('h1', {class: 'view-title'}, `Compare ${runIds.length} run${runIds.length === 1 ? '' : 's'}`);
  const onlyDiff = h('input', tid('compare-only-diff', {type: 'checkbox'}));
  onlyDiff.addEventListener('change', () => {
    applyOnlyDiff();
    q = Object.assign({}, q, {diff: onlyDiff.checked ? 1 : null});
    router.replace('/compare', q);
  });
  const paramsHost = h('div', {class: 'table-wrap compare-wrap'}, h('div', {class: 'loading-block'}, h('span', {class: 'spinner'}), ' Loading runs…'));
  const metricsHost = h('div', {class: 'table-wrap compare-wrap'});
  const metricSel = h('select', tid('compare-metric', {class: 'select', 'aria-label': 'Metric'}));
  metricSel.addEventListener('change', () => nav({metric: metricSel.value}));
  const sxSel = h('select', tid('scatter-x', {class: 'select', 'aria-label': 'Scatter X'}));
  const sySel = h('select', tid('scatter-y', {class: 'select', 'aria-label': 'Scatter Y'}));
  sxSel.addEventListener('change', () => nav({sx: sxSel.value}));
  sySel.addEventListener('change', () => nav({sy: sySel.value}));
  const parallelEl = h('div', tid('parallel-plot', {class: 'plot', 'data-ready': 'false'}));
  const scatterEl = h('div', tid('scatter-plot', {class: 'plot', 'data-ready': 'false'}));

  root.append(
      h('div', {class: 'view-head'}, title),
      h('div', {class: 'compare-grid'},
          h('section', {class: 'card'}, h('div', {class: 'card-head'}, h('h2', {class: 'card-title'}, 'Parameters'),
              h('label', {class: 'ctl ctl-check'}, onlyDiff, h('span', null, 'Only differences'))), paramsHost),
          h('section', {class: 'card'}, h('div', {class: 'card-head'}, h('h2', {class: 'card-title'}, 'Metrics (latest)')), metricsHost)),
      h('div', {class: 'compare-grid'},
          h('section', {class: 'card'}, h('div', {class: 'card-head'}, h('h2', {class: 'card-title'}, 'Parallel coordinates'),
              h('label', {class: 'ctl'}, h('span', {class: 'ctl-label'}, 'Metric'), metricSel)), parallelEl),
          h('section', {class: 'card'}, h('div', {class: 'card-head'}, h('h2', {class: 'card-title'}, 'Scatter'),
              h('label', {class: 'ctl'}, h('span', {class: 'ctl-label'}, 'X'), sxSel),
              h('label', {class: 'ctl'}, h('span', {class: 'ctl-label'}, 'Y'), sySel)), scatterEl)));

  function nav(changes) {
    router.go('/compare', Object.assign({}, q, changes));
  }

  function name(r) {
    return r.run_name || fmt.shortId(r.run_id);
  }

  function value(r, col) {
    if (col.startsWith('params.')) {
      const p = r._params.get(col.slice(7));
      return p === undefined ? null : p;
    }
    if (col.startsWith('metrics.')) {
      const m = r._metrics.get(col.slice(8));
      return m === undefined ? null : fmt.num(m.value);
    }
    return null;
  }

  function runHeader(r, i) {
    return h('th', {class: 'run-col-head', title: r.run_id},
        h('span', {class: 'swatch', style: {background: PALETTE[i % PALETTE.length]}}),
        h('a', {href: `#/run/${encodeURIComponent(r.run_id)}`}, name(r)));
  }

  function renderParams() {
    const rows = paramKeys.map((k) => {
      const vals = runs.map((r) => r._params.get(k));
      const diff = differing.has(k);
      return h('tr', tid('compare-param-row', {'data-key': k, 'data-differs': diff ? 'true' : 'false', class: diff ? 'differs' : null}),
          h('th', {class: 'key-cell', scope: 'row', title: k}, k),
          vals.map((v) => h('td', {class: `${v === undefined ? 'missing' : ''} ${fmt.isNumeric(v) ? 'num' : ''}`, title: v ?? 'not logged'},
              h('span', {class: 'cell-text'}, v ?? '—'))));
    });
    clear(paramsHost).appendChild(paramKeys.length
      ? h('table', tid('compare-params', {class: 'grid compare-table'}),
          h('thead', null, h('tr', null, h('th', null, 'Param'), runs.map(runHeader))),
          h('tbody', null, rows))
      : h('table', tid('compare-params', {class: 'grid compare-table'}), h('tbody', null, h('tr', null, h('td', null, empty('These runs have no params.'))))));
    applyOnlyDiff();
  }

  function applyOnlyDiff() {
    for (const tr of paramsHost.querySelectorAll('[data-testid=compare-param-row]')) tr.hidden = onlyDiff.checked && tr.dataset.differs !== 'true';
  }

  function renderMetrics() {
    if (!metricKeys.length) {
      clear(metricsHost).appendChild(empty('These runs have no metrics.'));
      return;
    }
    const rows = metricKeys.map((k) => {
      const vals = runs.map((r) => r._metrics.get(k));
      const fin = vals.map((m) => (m ? fmt.num(m.value) : null)).filter((v) => v !== null && Number.isFinite(v));
      const lo = Math.min(...fin);
      const hi = Math.max(...fin);
      return h('tr', tid('compare-metric-row', {'data-key': k}),
          h('th', {class: 'key-cell', scope: 'row', title: k}, h('a', {href: router.href('/chart', {runs: runIds, key: k})}, k)),
          vals.map((m) => {
            const v = m ? fmt.num(m.value) : null;
            const cls = v === null ? 'missing' : fin.length > 1 && v === hi ? 'is-max' : fin.length > 1 && v === lo ? 'is-min' : '';
            return h('td', {class: `num ${cls}`, title: m ? fmt.exact(m.value) : 'not logged'}, m ? fmt.number(m.value) : '—');
          }));
    });
    clear(metricsHost).append(h('table', tid('compare-metrics', {class: 'grid compare-table'}),
        h('thead', null, h('tr', null, h('th', null, 'Metric'), runs.map(runHeader))),
        h('tbody', null, rows)),
    h('div', {class: 'muted small pad'}, h('span', {class: 'legend-max'}, 'highest'), ' and ', h('span', {class: 'legend-min'}, 'lowest'), ' value of each metric'));
  }

  function columnOptions(sel, current) {
    clear(sel);
    const groups = [['Metrics', metricKeys.map((k) => 'metrics.' + k)], ['Params', paramKeys.map((k) => 'params.' + k)]];
    for (const [label, cols] of groups) {
      if (!cols.length) continue;
      const g = h('optgroup', {label});
      for (const c of cols) g.appendChild(h('option', {value: c}, c.slice(c.indexOf('.') + 1)));
      sel.appendChild(g);
    }
    if (current) sel.value = current;
  }

  function axisFor(col) {
    const vals = runs.map((r) => value(r, col));
    if (col.startsWith('metrics.')) return {type: 'value', vals: vals.map((v) => (v !== null && Number.isFinite(v) ? v : null))};
    const numeric = vals.every((v) => v !== null && fmt.isNumeric(v));
    if (numeric) return {type: 'value', vals: vals.map(Number)};
    const cats = [...new Set(vals.map((v) => v ?? '—'))].sort((a, b) => (fmt.isNumeric(a) && fmt.isNumeric(b) ? Number(a) - Number(b) : String(a).localeCompare(String(b))));
    return {type: 'category', cats, vals: vals.map((v) => v ?? '—')};
  }

  function ensureChart(el, existing) {
    if (existing) return existing;
    return echarts.init(el, null, {renderer: 'canvas'});
  }

  function drawParallel() {
    parallelEl.dataset.ready = 'false';
    const metric = q.metric && metricKeys.includes(q.metric) ? q.metric : metricKeys[0];
    metricSel.value = metric || '';
    if (!metric) {
      if (parallel) { parallel.dispose(); parallel = null; }
      clear(parallelEl).appendChild(empty('No metric to plot.'));
      parallelEl.dataset.ready = 'true';
      return;
    }
    let keys = paramKeys.filter((k) => differing.has(k));
    if (!keys.length) keys = paramKeys.slice();
    keys = keys.slice(0, MAX_AXES);
    const cols = [...keys.map((k) => 'params.' + k), 'metrics.' + metric];
    const axes = cols.map(axisFor);
    const parallelAxis = cols.map((c, i) => Object.assign({dim: i, name: c.slice(c.indexOf('.') + 1), nameTruncate: {maxWidth: 90}},
        axes[i].type === 'category' ? {type: 'category', data: axes[i].cats} : {type: 'value', scale: true},
        i === cols.length - 1 ? {nameTextStyle: {fontWeight: 'bold', color: '#1f2328'}} : {}));
    const data = [];
    runs.forEach((r, ri) => {
      const row = axes.map((a) => a.vals[ri]);
      if (row[row.length - 1] === null) return;
      data.push({name: name(r), value: row});
    });
    const mv = data.map((d) => d.value[d.value.length - 1]);
    parallel = ensureChart(parallelEl, parallel);
    parallel.setOption({
      animation: false,
      parallel: {left: 48, right: 128, top: 44, bottom: 28, parallelAxisDefault: {
        nameLocation: 'end', nameGap: 14, nameTextStyle: {color: '#57606a', fontSize: 11},
        axisLine: {lineStyle: {color: '#9aa1ab'}}, axisLabel: {color: '#57606a', fontSize: 10, formatter: (v) => (typeof v === 'number' ? fmt.number(v) : v)},
      }},
      parallelAxis,
      visualMap: mv.length ? {show: true, type: 'continuous', dimension: cols.length - 1, min: Math.min(...mv), max: Math.max(...mv),
        inRange: {color: ['#2563eb', '#7cc4fa', '#fcc419', '#e8590c']}, right: 8, top: 'middle', itemHeight: 120, calculable: true,
        textStyle: {color: '#57606a', fontSize: 10}, formatter: (v) => fmt.number(v)} : undefined,
      tooltip: {trigger: 'item', confine: true, formatter: (p) => `<b>${esc(p.name)}</b><br>${cols.map((c, i) => `${esc(c)}: ${esc(typeof p.value[i] === 'number' ? fmt.exact(p.value[i]) : p.value[i])}`).join('<br>')}`},
      series: [{type: 'parallel', data, lineStyle: {width: 2, opacity: 0.75}, emphasis: {lineStyle: {width: 3, opacity: 1}}, smooth: false, progressive: 0}],
    }, {notMerge: true});
    parallelEl.dataset.axes = String(cols.length);
    parallelEl.dataset.lines = String(data.length);
    parallelEl.dataset.ready = 'true';
  }

  function drawScatter() {
    scatterEl.dataset.ready = 'false';
    const all = [...metricKeys.map((k) => 'metrics.' + k), ...paramKeys.map((k) => 'params.' + k)];
    const metric = q.metric && metricKeys.includes(q.metric) ? q.metric : metricKeys[0];
    const firstDiff = paramKeys.find((k) => differing.has(k) && runs.every((r) => fmt.isNumeric(r._params.get(k)))) || paramKeys.find((k) => differing.has(k)) || paramKeys[0];
    const sx = all.includes(q.sx) ? q.sx : firstDiff ? 'params.' + firstDiff : all[0];
    const sy = all.includes(q.sy) ? q.sy : metric ? 'metrics.' + metric : all[1] || all[0];
    columnOptions(sxSel, sx);
    columnOptions(sySel, sy);
    if (!sx || !sy) {
      clear(scatterEl).appendChild(empty('Nothing to plot.'));
      scatterEl.dataset.ready = 'true';
      return;
    }
    const ax = axisFor(sx);
    const ay = axisFor(sy);
    const data = [];
    runs.forEach((r, i) => {
      const x = ax.vals[i];
      const y = ay.vals[i];
      if (x === null || y === null) return;
      data.push({value: [x, y], name: name(r), runId: r.run_id, itemStyle: {color: PALETTE[i % PALETTE.length]}});
    });
    const axis = (a, col) => Object.assign({name: col.slice(col.indexOf('.') + 1), nameLocation: 'middle', nameGap: 30, nameTextStyle: {color: '#57606a'},
      axisLabel: {color: '#57606a', formatter: a.type === 'value' ? (v) => fmt.number(v) : undefined}, splitLine: {lineStyle: {color: '#eef0f3'}}},
    a.type === 'category' ? {type: 'category', data: a.cats, boundaryGap: true} : {type: 'value', scale: true});
    scatter = ensureChart(scatterEl, scatter);
    scatter.setOption({
      animation: false,
      grid: {left: 64, right: 64, top: 20, bottom: 48},
      xAxis: axis(ax, sx),
      yAxis: Object.assign(axis(ay, sy), {nameGap: 48}),
      tooltip: {trigger: 'item', confine: true, formatter: (p) => `<b>${esc(p.name)}</b><br>${esc(sx)}: ${esc(show(p.value[0]))}<br>${esc(sy)}: ${esc(show(p.value[1]))}`},
      series: [{type: 'scatter', data, symbolSize: 11, itemStyle: {opacity: 0.85, borderColor: '#fff', borderWidth: 1},
        emphasis: {scale: 1.4}, label: {show: data.length <= 12, position: 'top', formatter: '{b}', fontSize: 10, color: '#57606a'},
        labelLayout: {hideOverlap: true}}],
    }, {notMerge: true});
    scatterEl.dataset.points = String(data.length);
    scatterEl.dataset.ready = 'true';
  }

  function show(v) {
    return typeof v === 'number' ? fmt.exact(v) : String(v);
  }

  async function load() {
    setReady(root, false);
    clearError(root);
    try {
      if (!runIds.length) throw Object.assign(new Error('No runs chosen: select runs in a runs table and press Compare.'), {code: 'INVALID_PARAMETER_VALUE'});
      const [list] = await Promise.all([pool(runIds, 6, (id) => runDetails(id, {light: true})), echartsReady()]);
      if (!alive) return;
      runs = list.map((r) => Object.assign({}, r, {
        _params: new Map((r.params || []).map((p) => [p.key, p.value])),
        _metrics: new Map((r.metrics || []).map((m) => [m.key, m])),
      }));
      const pk = new Set();
      const mk = new Set();
      for (const r of runs) {
        for (const k of r._params.keys()) pk.add(k);
        for (const k of r._metrics.keys()) mk.add(k);
      }
      differing = new Set([...pk].filter((k) => new Set(runs.map((r) => r._params.get(k) ?? '\u0000none')).size > 1));
      paramKeys = [...pk].sort((a, b) => (differing.has(b) - differing.has(a)) || a.localeCompare(b));
      metricKeys = [...mk].sort();
      const exps = [...new Set(runs.map((r) => r.experiment_id))];
      crumbs([{label: 'Experiments', href: '#/'},
        {label: exps.length === 1 ? runs[0].experiment_name || exps[0] : `${exps.length} experiments`, href: router.href('/runs', {e: exps, sel: runIds})},
        {label: 'Compare'}]);
      clear(metricSel);
      for (const k of metricKeys) metricSel.appendChild(h('option', {value: k}, k));
      onlyDiff.checked = q.diff === '1';
      renderParams();
      renderMetrics();
      drawParallel();
      drawScatter();
      setReady(root, true);
    } catch (e) {
      if (isAbort(e) || !alive) return;
      showError(root, e);
      parallelEl.dataset.ready = 'true';
      scatterEl.dataset.ready = 'true';
      setReady(root, true);
    }
  }

  const onResize = debounce(() => {
    if (parallel) parallel.resize();
    if (scatter) scatter.resize();
  }, 100);
  window.addEventListener('resize', onResize);
  crumbs([{label: 'Experiments', href: '#/'}, {label: 'Compare'}]);
  load();

  return {
    el: root,
    update(r) {
      if (router.list(r.q.runs).join(',') !== runIds.join(',')) return false;
      q = r.q;
      if (!runs.length) return true;
      onlyDiff.checked = q.diff === '1';
      applyOnlyDiff();
      setReady(root, false);
      drawParallel();
      drawScatter();
      setReady(root, true);
      return true;
    },
    destroy() {
      alive = false;
      window.removeEventListener('resize', onResize);
      if (parallel) parallel.dispose();
      if (scatter) scatter.dispose();
    },
  };
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
}
