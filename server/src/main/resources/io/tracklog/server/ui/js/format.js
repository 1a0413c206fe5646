// Formatting of numbers, times, durations and statuses. Strict JSON sends non-finite doubles as strings.

/** A JSON metric value → number (NaN/±Infinity for the strict-JSON strings), or null when absent. */
export function num(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  const n = Number(v);
  return Number.isNaN(n) ? null : n;
}

/** A finite number or null (for charts: non-finite values become gaps). */
export function finite(v) {
  const n = num(v);
  return n !== null && Number.isFinite(n) ? n : null;
}

const intFmt = new Intl.NumberFormat('en-US', {maximumFractionDigits: 0});

export function count(n) {
  return n === null || n === undefined ? '' : intFmt.format(n);
}

/** Metric value for tables: sensible precision, non-finite shown as text. */
export function number(v) {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'string' && (v === 'NaN' || v === 'Infinity' || v === '-Infinity')) return v;
  const n = num(v);
  if (n === null) return String(v);
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (n === 0) return '0';
  const a = Math.abs(n);
  if (Number.isInteger(n) && a < 1e15) return intFmt.format(n);
  if (a >= 1e6 || a < 1e-4) return n.toExponential(3).replace(/\.?0+e/, 'e');
  const digits = a >= 1000 ? 1 : a >= 1 ? 4 : Math.min(8, 4 - Math.floor(Math.log10(a)));
  return trimZeros(n.toFixed(digits));
}

/** Full precision (hover, tooltips): the value exactly as logged. */
export function exact(v) {
  const n = num(v);
  if (n === null) return '';
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  return String(n);
}

function trimZeros(s) {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Whether a param string looks numeric (right-align, numeric axes). */
export function isNumeric(s) {
  if (s === null || s === undefined || s === '') return false;
  if (typeof s === 'number') return true;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(String(s).trim());
}

function pad(n, w = 2) {
  return String(n).padStart(w, '0');
}

/** Local date-time, 'YYYY-MM-DD HH:MM:SS'. */
export function time(ms) {
  if (ms === null || ms === undefined || ms === '') return '';
  const d = new Date(Number(ms));
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** '3 min ago', '2 days ago'. */
export function ago(ms, now = Date.now()) {
  if (ms === null || ms === undefined) return '';
  const s = Math.round((now - Number(ms)) / 1000);
  if (s < 0) return time(ms);
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const hh = Math.round(m / 60);
  if (hh < 24) return `${hh} h ago`;
  const d = Math.round(hh / 24);
  if (d < 45) return `${d} day${d === 1 ? '' : 's'} ago`;
  return time(ms).slice(0, 10);
}

/** '450 ms', '12.3 s', '4m 05s', '2h 03m', '3d 4h'. */
export function duration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(Number(ms))) return '';
  ms = Number(ms);
  const neg = ms < 0;
  ms = Math.abs(ms);
  let out;
  if (ms < 1000) out = `${Math.round(ms)} ms`;
  else if (ms < 60000) out = `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  else if (ms < 3600000) out = `${Math.floor(ms / 60000)}m ${pad(Math.floor((ms % 60000) / 1000))}s`;
  else if (ms < 86400000) out = `${Math.floor(ms / 3600000)}h ${pad(Math.floor((ms % 3600000) / 60000))}m`;
  else out = `${Math.floor(ms / 86400000)}d ${Math.floor((ms % 86400000) / 3600000)}h`;
  return neg ? '-' + out : out;
}

/** Run duration: end - start, or elapsed time while running. */
export function runDuration(run) {
  if (!run || run.start_time === null || run.start_time === undefined) return '';
  if (run.end_time === null || run.end_time === undefined) {
    return run.status === 'RUNNING' ? duration(Date.now() - run.start_time) : '';
  }
  return duration(run.end_time - run.start_time);
}

export function bytes(n) {
  if (n === null || n === undefined) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Column label for 'metrics.loss' etc. */
export function columnLabel(col) {
  const fixed = {
    'attributes.run_name': 'Run',
    'attributes.status': 'Status',
    'attributes.start_time': 'Started',
    duration: 'Duration',
    'attributes.user_id': 'User',
    source: 'Source',
    experiment: 'Experiment',
  };
  if (fixed[col]) return fixed[col];
  const dot = col.indexOf('.');
  return dot >= 0 ? col.slice(dot + 1) : col;
}

export function shortId(id) {
  return id ? String(id).slice(0, 8) : '';
}

/** Short source: last path segment of a file path, or the class name. */
export function shortSource(s) {
  if (!s) return '';
  const t = String(s);
  const slash = Math.max(t.lastIndexOf('/'), t.lastIndexOf('\\'));
  return slash >= 0 ? t.slice(slash + 1) : t;
}
