// The chart view (#/chart?runs=a,b&key=loss&x=step&log=0&smooth=0): one metric of many runs overlaid (ECharts).
// The server downsamples (M4: first/min/max/last per pixel bucket); zooming re-requests the window at full resolution.
import {h, clear, tid, debounce, pool} from './dom.js';
import {getJson, runDetails, echartsReady} from './api.js';
import * as fmt from './format.js';
import * as router from './router.js';
import {viewRoot, setReady, showError, clearError, crumbs, isAbort, empty} from './view.js';

export const PALETTE = ['#2563eb', '#e8590c', '#0f9d58', '#d6336c', '#7048e8', '#0c8599', '#c2255c', '#5c940d', '#f59f00', '#495057',
  '#1098ad', '#ae3ec9', '#74b816', '#f76707', '#3b5bdb', '#e64980', '#37b24d', '#fab005', '#868e96', '#4263eb'];

/** MLflow/TensorBoard EMA with debiasing; non-finite values pass through and do not count. weight in [0, 1). */
export function ema(ys, weight) {
  if (!(weight > 0)) return ys;
  const out = new Array(ys.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (y === null || !Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * weight + (1 - weight) * y;
    n++;
    out[i] = last / (1 - Math.pow(weight, n));
  }
  return out;
}

const X_LABEL = {step: 'Step', time: 'Time', relative: 'Relative time'};

export function mount(route) {
  const root = viewRoot('chart');
  let q = route.q;
  const runIds = router.list(q.runs);
  let details = [];      // run details (names, metric keys)
  let metricKeys = [];
  let coarse = null;     // {run_id → {x:[], y:[], points, downsampled, run_name}}
  let fine = null;       // {xmin, xmax, byRun}
  let ctrl = null;
  let zoomCtrl = null;
  let chart = null;
  let liveSmooth = null;
  let fullRange = null;
  let alive = true;

  // ---- controls ----
  const metricSel = h('select', tid('chart-metric', {class: 'select', 'aria-label': 'Metric'}));
  metricSel.addEventListener('change', () => nav({key: metricSel.value, xmin: null, xmax: null}));
  const xSel = h('select', tid('chart-x', {class: 'select', 'aria-label': 'X axis'}),
      h('option', {value: 'step'}, 'Step'), h('option', {value: 'time'}, 'Time'), h('option', {value: 'relative'}, 'Relative time'));
  xSel.addEventListener('change', () => nav({x: xSel.value, xmin: null, xmax: null}));
  const logBox = h('input', tid('chart-log', {type: 'checkbox'}));
  logBox.addEventListener('change', () => nav({log: logBox.checked ? 1 : 0}));
  const smooth = h('input', tid('chart-smoothing', {type: 'range', min: 0, max: 0.99, step: 0.01, value: 0, class: 'range'}));
  const smoothVal = h('span', {class: 'range-value mono'}, '0');
  const redrawLive = debounce(() => draw(), 40);
  smooth.addEventListener('input', () => {
    liveSmooth = Number(smooth.value);
    smoothVal.textContent = liveSmooth.toFixed(2);
    redrawLive();
  });
  smooth.addEventListener('change', () => {
    liveSmooth = null;
    nav({smooth: Number(smooth.value) || 0});
  });
  const resetZoom = h('button', tid('chart-reset-zoom', {class: 'btn btn-sm', type: 'button', hidden: true}), 'Reset zoom');
  resetZoom.addEventListener('click', () => nav({xmin: null, xmax: null}));
  const info = h('span', tid('chart-info', {class: 'muted small'}));

  const controls = h('div', {class: 'toolbar chart-controls'},
      h('label', {class: 'ctl'}, h('span', {class: 'ctl-label'}, 'Metric'), metricSel),
      h('label', {class: 'ctl'}, h('span', {class: 'ctl-label'}, 'X axis'), xSel),
      h('label', {class: 'ctl ctl-check'}, logBox, h('span', null, 'Log scale')),
      h('label', {class: 'ctl'}, h('span', {class: 'ctl-label'}, 'Smoothing'), smooth, smoothVal),
      resetZoom, h('span', {class: 'toolbar-spacer'}), info);

  const chartEl = h('div', tid('chart', {class: 'chart', 'data-ready': 'false'}));
  const legend = h('div', tid('chart-legend', {class: 'legend'}), h('span', {class: 'muted'}, h('span', {class: 'spinner'}), ' Loading curves…'));
  const title = h('h1', {class: 'view-title'}, 'Chart');
  root.append(h('div', {class: 'view-head'}, title, h('span', {class: 'muted'}, `${runIds.length} run${runIds.length === 1 ? '' : 's'}`)),
      controls, h('div', {class: 'card chart-card'}, chartEl), legend);

  function nav(changes) {
    router.go('/chart', Object.assign({}, q, changes));
  }

  function settings() {
    return {
      key: q.key || '',
      x: ['step', 'time', 'relative'].includes(q.x) ? q.x : 'step',
      log: q.log === '1' || q.log === 'true',
      smooth: liveSmooth !== null ? liveSmooth : Math.max(0, Math.min(0.99, Number(q.smooth) || 0)),
      xmin: q.xmin !== undefined && q.xmin !== '' ? Number(q.xmin) : null,
      xmax: q.xmax !== undefined && q.xmax !== '' ? Number(q.xmax) : null,
    };
  }

  function syncControls() {
    const s = settings();
    xSel.value = s.x;
    logBox.checked = s.log;
    if (liveSmooth === null) {
      smooth.value = String(s.smooth);
      smoothVal.textContent = s.smooth.toFixed(2);
    }
    if (metricKeys.length) {
      clear(metricSel);
      const ks = metricKeys.includes(s.key) || !s.key ? metricKeys : [s.key, ...metricKeys];
      for (const k of ks) metricSel.appendChild(h('option', {value: k}, k));
      metricSel.value = s.key;
    }
    resetZoom.hidden = s.xmin === null && s.xmax === null;
  }

  function chartWidth() {
    return Math.max(400, Math.min(4000, Math.round(chartEl.clientWidth || window.innerWidth - 60)));
  }

  async function fetchSeries(s, xmin, xmax, signal) {
    const res = await getJson('series', {run_ids: runIds, key: s.key, x: s.x, width: chartWidth(), x_min: xmin, x_max: xmax}, signal);
    const byRun = new Map();
    for (const ser of res.series || []) byRun.set(ser.run_id, ser);
    return byRun;
  }

  async function loadDetails() {
    details = await pool(runIds, 6, (id) => runDetails(id, {light: true}).catch((e) => ({run_id: id, error: e, metrics: []})));
    const keys = new Set();
    for (const d of details) for (const m of d.metrics || []) keys.add(m.key);
    metricKeys = [...keys].sort();
    const exps = [...new Set(details.filter((d) => d.experiment_id).map((d) => d.experiment_id))];
    const expLabel = exps.length === 1 ? (details.find((d) => d.experiment_id === exps[0]).experiment_name || exps[0]) : `${exps.length} experiments`;
    crumbs([{label: 'Experiments', href: '#/'}, ...(exps.length ? [{label: expLabel, href: router.href('/runs', {e: exps})}] : []), {label: 'Chart'}]);
  }

  async function load() {
    if (ctrl) ctrl.abort();
    if (zoomCtrl) zoomCtrl.abort();
    ctrl = new AbortController();
    const signal = ctrl.signal;
    setReady(root, false);
    chartEl.dataset.ready = 'false';
    clearError(root);
    try {
      if (!runIds.length) throw Object.assign(new Error('No runs chosen: select runs in a runs table and press Chart.'), {code: 'INVALID_PARAMETER_VALUE'});
      // Run details (metric keys for the select, breadcrumbs) load beside the series unless the key is unknown.
      const detailsP = details.length ? Promise.resolve() : loadDetails();
      if (!q.key) {
        await detailsP;
        if (!alive) return;
        const key = metricKeys.includes('loss') ? 'loss' : metricKeys.find((k) => /loss/i.test(k)) || metricKeys[0];
        if (!key) throw Object.assign(new Error('These runs have no metrics.'), {code: 'RESOURCE_DOES_NOT_EXIST'});
        q = Object.assign({}, q, {key});
        router.replace('/chart', q);
      }
      syncControls();
      detailsP.then(() => alive && syncControls()).catch(() => {});
      const s = settings();
      title.textContent = s.key;
      const both = s.xmin !== null && s.xmax !== null;
      const fineP = both ? fetchSeries(s, s.xmin, s.xmax, signal) : null;
      coarse = await fetchSeries(s, null, null, signal);
      fullRange = rangeOf(coarse);
      fine = null;
      if (s.xmin !== null || s.xmax !== null) {
        const lo = s.xmin ?? fullRange[0];
        const hi = s.xmax ?? fullRange[1];
        fine = {xmin: lo, xmax: hi, byRun: await (fineP || fetchSeries(s, lo, hi, signal))};
      }
      await echartsReady();
      if (!alive) return;
      draw(true);
      setReady(root, true);
    } catch (e) {
      if (isAbort(e) || !alive) return;
      showError(root, e);
      setReady(root, true);
    }
  }

  function rangeOf(byRun) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of byRun.values()) {
      if (s.x && s.x.length) {
        lo = Math.min(lo, fmt.num(s.x[0]));
        hi = Math.max(hi, fmt.num(s.x[s.x.length - 1]));
      }
    }
    return Number.isFinite(lo) ? [lo, hi] : [0, 1];
  }

  /** Points of one run: the coarse series outside the zoom window, the full-resolution one inside. */
  function pointsOf(runId) {
    const c = coarse.get(runId);
    if (!c) return null;
    const f = fine && fine.byRun.get(runId);
    if (!f) return {x: c.x.map(fmt.num), y: c.y.map(fmt.num), src: c};
    const xs = [];
    const ys = [];
    for (let i = 0; i < c.x.length; i++) {
      const x = fmt.num(c.x[i]);
      if (x < fine.xmin) {
        xs.push(x);
        ys.push(fmt.num(c.y[i]));
      }
    }
    for (let i = 0; i < f.x.length; i++) {
      xs.push(fmt.num(f.x[i]));
      ys.push(fmt.num(f.y[i]));
    }
    for (let i = 0; i < c.x.length; i++) {
      const x = fmt.num(c.x[i]);
      if (x > fine.xmax) {
        xs.push(x);
        ys.push(fmt.num(c.y[i]));
      }
    }
    return {x: xs, y: ys, src: c};
  }

  function xFormatter(kind) {
    if (kind === 'relative') return (v) => fmt.duration(v);
    if (kind === 'step') return (v) => fmt.number(v);
    return undefined;
  }

  function names() {
    const byId = new Map(details.map((d) => [d.run_id, d.run_name || fmt.shortId(d.run_id)]));
    const seen = new Map();
    for (const id of runIds) {
      const n = (coarse && coarse.get(id) && coarse.get(id).run_name) || byId.get(id) || fmt.shortId(id);
      seen.set(n, (seen.get(n) || 0) + 1);
    }
    const out = new Map();
    for (const id of runIds) {
      const n = (coarse && coarse.get(id) && coarse.get(id).run_name) || byId.get(id) || fmt.shortId(id);
      out.set(id, seen.get(n) > 1 ? `${n} · ${fmt.shortId(id)}` : n);
    }
    return out;
  }

  let drawn = [];

  function draw(full) {
    if (!coarse) return;
    if (typeof echarts === 'undefined') {
      showError(root, new Error('ECharts did not load (/static/vendor/echarts.min.js).'));
      return;
    }
    const s = settings();
    performance.mark('tracklog:chart:draw');
    if (!chart) {
      chart = echarts.init(chartEl, null, {renderer: 'canvas'});
      chart.on('datazoom', onZoom);
    }
    const label = names();
    drawn = [];
    let total = 0;
    const series = [];
    runIds.forEach((id, idx) => {
      const p = pointsOf(id);
      const color = PALETTE[idx % PALETTE.length];
      if (!p || !p.x.length) {
        drawn.push({id, name: label.get(id), color, points: 0, src: p && p.src, raw: [], xs: []});
        return;
      }
      const sm = ema(p.y, s.smooth);
      const data = new Array(p.x.length);
      for (let i = 0; i < p.x.length; i++) {
        let y = sm[i];
        if (y === null || !Number.isFinite(y) || (s.log && y <= 0)) y = null;
        data[i] = [p.x[i], y];
      }
      total += data.length;
      drawn.push({id, name: label.get(id), color, points: data.length, src: p.src, raw: p.y, xs: p.x, smoothed: sm});
      series.push({
        id, name: label.get(id), type: 'line', data, color, showSymbol: data.length <= 60, symbol: 'circle', symbolSize: data.length <= 60 ? 6 : 5,
        connectNulls: false, clip: true, animation: false, sampling: undefined, progressive: 0,
        lineStyle: {width: 1.6}, emphasis: {focus: 'series', lineStyle: {width: 2.4}}, dimensions: ['x', 'y'],
        encode: {x: 0, y: 1},
      });
    });
    const zoomStart = fine ? fine.xmin : s.xmin;
    const zoomEnd = fine ? fine.xmax : s.xmax;
    const option = {
      animation: false,
      useUTC: false,
      grid: {left: 68, right: 28, top: 20, bottom: 78},
      tooltip: {
        trigger: 'axis', confine: true, transitionDuration: 0, order: 'valueDesc',
        axisPointer: {type: 'line', snap: false, lineStyle: {color: '#9aa1ab'}},
        formatter: tooltip,
      },
      legend: {show: false},
      xAxis: {
        type: s.x === 'time' ? 'time' : 'value', name: X_LABEL[s.x], nameLocation: 'middle', nameGap: 30,
        min: 'dataMin', max: 'dataMax', axisLabel: {formatter: xFormatter(s.x), hideOverlap: true, color: '#57606a'},
        axisLine: {lineStyle: {color: '#c9ced6'}}, splitLine: {show: true, lineStyle: {color: '#eef0f3'}},
        nameTextStyle: {color: '#57606a'},
      },
      yAxis: {
        type: s.log ? 'log' : 'value', scale: true,
        axisLabel: {formatter: (v) => fmt.number(v), color: '#57606a'}, splitLine: {lineStyle: {color: '#eef0f3'}},
        axisLine: {show: false},
      },
      dataZoom: [
        {type: 'inside', xAxisIndex: 0, filterMode: 'filter', startValue: zoomStart ?? undefined, endValue: zoomEnd ?? undefined,
          zoomOnMouseWheel: true, moveOnMouseMove: true},
        {type: 'slider', xAxisIndex: 0, filterMode: 'filter', height: 20, bottom: 10, startValue: zoomStart ?? undefined,
          endValue: zoomEnd ?? undefined, showDetail: false, borderColor: '#dfe3e8', fillerColor: 'rgba(37,99,235,0.12)',
          dataBackground: {lineStyle: {color: '#b8c0cc'}, areaStyle: {color: '#eef0f3'}}},
      ],
      series,
    };
    if (zoomStart === null || zoomStart === undefined) {
      option.dataZoom[0].start = 0;
      option.dataZoom[0].end = 100;
      option.dataZoom[1].start = 0;
      option.dataZoom[1].end = 100;
    }
    suppressZoom = true;
    performance.mark('tracklog:chart:data');
    chart.setOption(option, {notMerge: true, lazyUpdate: false});
    performance.mark('tracklog:chart:drawn');
    suppressZoom = false;
    const count = series.length;
    chartEl.dataset.seriesCount = String(count);
    chartEl.dataset.points = String(total);
    chartEl.dataset.ready = 'true';
    renderLegend();
    const pts = drawn.reduce((a, d) => a + (d.src ? d.src.points || 0 : 0), 0);
    info.textContent = `${fmt.count(total)} points drawn of ${fmt.count(pts)} logged${fine ? ' · zoomed, full resolution' : ''}`;
    if (full && !count) legend.prepend(empty(`None of these runs logged “${s.key}”.`));
  }

  /** Index of the point of `xs` (ascending) nearest to `x`. */
  function nearest(xs, x) {
    let lo = 0;
    let hi = xs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] < x) lo = mid + 1; else hi = mid;
    }
    return lo > 0 && Math.abs(xs[lo - 1] - x) <= Math.abs(xs[lo] - x) ? lo - 1 : lo;
  }

  /**
   * Every run's logged point nearest to the pointer (runs do not share x values on time axes, and
   * ECharts' axis tooltip shows only the series nearest to it), with the exact value as logged.
   */
  function tooltip(params) {
    if (!params || !params.length) return '';
    const s = settings();
    const xv = Number(params[0].axisValue);
    const fmtX = (x) => (s.x === 'time' ? fmt.time(x) : s.x === 'relative' ? fmt.duration(x) : `step ${fmt.exact(x)}`);
    const head = s.x === 'relative' ? `${fmt.duration(xv)} (${fmt.count(Math.round(xv))} ms)` : fmtX(xv);
    const [lo, hi] = visibleRange();
    const rows = [];
    for (const d of drawn) {
      if (!d.points) continue;
      const i = nearest(d.xs, xv);
      const x = d.xs[i];
      if (x < lo || x > hi) continue;
      const raw = d.raw[i];
      const sm = s.smooth > 0 && d.smoothed ? d.smoothed[i] : null;
      rows.push({d, x, raw, sm, sort: Number.isFinite(sm) ? sm : Number.isFinite(raw) ? raw : -Infinity});
    }
    rows.sort((a, b) => b.sort - a.sort);
    const headX = fmtX(xv);
    const html = rows.slice(0, 20).map(({d, x, raw, sm}) =>
      `<tr><td><span class="tt-dot" style="background:${d.color}"></span></td><td class="tt-name">${esc(d.name)}</td>` +
      `<td class="tt-val">${esc(fmt.exact(raw))}</td>` +
      `<td class="tt-sm">${sm !== null && Number.isFinite(sm) ? `smoothed ${esc(fmt.number(sm))}` : ''}</td>` +
      `<td class="tt-x">${fmtX(x) !== headX ? `@ ${esc(fmtX(x).replace(/^step /, ''))}` : ''}</td></tr>`);
    const more = rows.length > 20 ? `<div class="tt-more">+${rows.length - 20} more</div>` : '';
    return `<div class="tt"><div class="tt-head">${esc(head)}</div><table class="tt-table">${html.join('')}</table>${more}</div>`;
  }

  function visibleRange() {
    try {
      return chart.getModel().getComponent('dataZoom', 0).getValueRange();
    } catch (e) {
      return [-Infinity, Infinity];
    }
  }

  function renderLegend() {
    clear(legend);
    for (const d of drawn) {
      const src = d.src;
      const item = h('div', tid('legend-item', {class: `legend-item${d.points ? '' : ' is-empty'}`, 'data-run-id': d.id}),
          h('span', {class: 'swatch', style: {background: d.color}}),
          h('a', {href: `#/run/${encodeURIComponent(d.id)}`, class: 'legend-name', title: d.id}, d.name),
          h('span', {class: 'muted small'}, !d.points ? 'no data' : src && src.downsampled
            ? `${fmt.count(d.points)} of ${fmt.count(src.points)} points` : `${fmt.count(d.points)} point${d.points === 1 ? '' : 's'}`));
      if (d.points) {
        item.addEventListener('mouseenter', () => chart.dispatchAction({type: 'highlight', seriesId: d.id}));
        item.addEventListener('mouseleave', () => chart.dispatchAction({type: 'downplay', seriesId: d.id}));
      }
      legend.appendChild(item);
    }
  }

  let suppressZoom = false;
  const refetchZoom = debounce(async () => {
    if (!chart || !coarse) return;
    let lo;
    let hi;
    try {
      [lo, hi] = chart.getModel().getComponent('dataZoom', 0).getValueRange();
    } catch (e) {
      const dz = (chart.getOption().dataZoom || [])[0] || {};
      lo = dz.startValue;
      hi = dz.endValue;
    }
    const [flo, fhi] = fullRange;
    if (lo === undefined || hi === undefined || lo === null) return;
    if (lo <= flo + (fhi - flo) * 0.001 && hi >= fhi - (fhi - flo) * 0.001) {
      fine = null;
      q = Object.assign({}, q, {xmin: null, xmax: null});
      router.replace('/chart', q);
      resetZoom.hidden = true;
      draw();
      return;
    }
    lo = Math.floor(lo);
    hi = Math.ceil(hi);
    if (zoomCtrl) zoomCtrl.abort();
    zoomCtrl = new AbortController();
    chartEl.dataset.ready = 'false';
    setReady(root, false);
    try {
      const byRun = await fetchSeries(s(), lo, hi, zoomCtrl.signal);
      fine = {xmin: lo, xmax: hi, byRun};
      q = Object.assign({}, q, {xmin: lo, xmax: hi});
      router.replace('/chart', q);
      resetZoom.hidden = false;
      draw();
      setReady(root, true);
    } catch (e) {
      if (isAbort(e)) return;
      showError(root, e);
      chartEl.dataset.ready = 'true';
      setReady(root, true);
    }
  }, 250);
  const s = settings;

  function onZoom() {
    if (suppressZoom) return;
    refetchZoom();
  }

  const onResize = debounce(() => chart && chart.resize(), 100);
  window.addEventListener('resize', onResize);

  // After main.js has put the view in the page, so the chart's width is known.
  queueMicrotask(load);

  return {
    el: root,
    update(r) {
      if (router.list(r.q.runs).join(',') !== runIds.join(',')) return false;
      const before = q;
      q = r.q;
      const changed = (k) => (before[k] ?? '') !== (q[k] ?? '');
      if (changed('key') || changed('x') || changed('xmin') || changed('xmax')) {
        load();
      } else {
        syncControls();
        setReady(root, false);
        draw();
        setReady(root, true);
      }
      return true;
    },
    destroy() {
      alive = false;
      if (ctrl) ctrl.abort();
      if (zoomCtrl) zoomCtrl.abort();
      refetchZoom.cancel();
      window.removeEventListener('resize', onResize);
      if (chart) chart.dispose();
    },
  };
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
}
