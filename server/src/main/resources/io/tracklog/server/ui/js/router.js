// Hash routes <-> view state. '#/runs?e=1,2&filter=...' → {path: '/runs', parts: ['runs'], q: {e: '1,2', filter: '...'}}.

export function parse(hash) {
  let s = (hash === undefined ? location.hash : hash) || '';
  if (s.startsWith('#')) s = s.slice(1);
  if (!s.startsWith('/')) s = '/' + s;
  const qi = s.indexOf('?');
  const pathRaw = qi >= 0 ? s.slice(0, qi) : s;
  const qs = qi >= 0 ? s.slice(qi + 1) : '';
  const parts = pathRaw.split('/').filter(Boolean).map(decode);
  const q = {};
  for (const pair of qs.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const k = decode(eq >= 0 ? pair.slice(0, eq) : pair);
    q[k] = eq >= 0 ? decode(pair.slice(eq + 1)) : '';
  }
  return {path: '/' + parts.join('/'), parts, q};
}

function decode(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch (e) {
    return s;
  }
}

function enc(s) {
  // Keep URLs readable: commas, colons, slashes and quotes do not need escaping inside a hash.
  return encodeURIComponent(s).replace(/%2C/gi, ',').replace(/%2F/gi, '/').replace(/%3A/gi, ':').replace(/%27/g, "'");
}

/** Builds '#/path?k=v' from a path and an object; empty values are left out. Lists are joined with commas. */
export function href(path, q) {
  const parts = [];
  for (const [k, v] of Object.entries(q || {})) {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    const s = Array.isArray(v) ? v.join(',') : String(v);
    parts.push(enc(k) + '=' + enc(s));
  }
  const p = path.startsWith('/') ? path : '/' + path;
  return '#' + p + (parts.length ? '?' + parts.join('&') : '');
}

/** A list parameter: 'a,b,,c' → ['a','b','c']. */
export function list(v) {
  if (!v) return [];
  return String(v).split(',').map((x) => x.trim()).filter(Boolean);
}

/** Navigates (new history entry → hashchange → views update). */
export function go(path, q) {
  const target = href(path, q);
  if (target !== location.hash) location.hash = target;
}

/** Rewrites the current entry without a hashchange (for state such as the selection). */
export function replace(path, q) {
  const target = href(path, q);
  if (target !== location.hash) history.replaceState(history.state, '', target);
}
