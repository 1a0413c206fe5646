// HTTP access to the server: Tracklog's UI endpoints and MLflow's REST API. Errors become ApiError.

export const UI = '/api/2.0/tracklog/ui/';
export const MLFLOW = '/api/2.0/mlflow/';

export class ApiError extends Error {
  constructor(status, body, fallback) {
    super((body && body.message) || fallback || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.error_code) || (status ? `HTTP_${status}` : 'NETWORK_ERROR');
    this.position = body && Number.isInteger(body.position) ? body.position : null;
    this.clause = body && typeof body.clause === 'string' ? body.clause : null;
  }
}

/** Query string from an object; arrays repeat the parameter; null/undefined/'' values are left out. */
export function query(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params || {})) {
    const vs = Array.isArray(v) ? v : [v];
    for (const x of vs) {
      if (x === null || x === undefined || x === '') continue;
      parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(x)));
    }
  }
  return parts.length ? '?' + parts.join('&') : '';
}

export function uiUrl(endpoint, params) {
  return UI + endpoint + query(params);
}

async function readError(res) {
  let body = null;
  let text = '';
  try {
    text = await res.text();
    body = JSON.parse(text);
  } catch (e) {
    body = null;
  }
  return new ApiError(res.status, body, text && text.length < 300 ? text : res.statusText);
}

async function send(url, init) {
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, null, 'Cannot reach the Tracklog server: ' + (e && e.message ? e.message : e));
  }
  if (!res.ok) throw await readError(res);
  return res;
}

/** GET a UI endpoint: getJson('runs', {experiment_ids: ['1'], max_results: 100}, signal). */
export async function getJson(endpoint, params, signal) {
  const res = await send(uiUrl(endpoint, params), {signal, headers: {Accept: 'application/json'}});
  return res.json();
}

export async function getMlflow(endpoint, params, signal) {
  const res = await send(MLFLOW + endpoint + query(params), {signal, headers: {Accept: 'application/json'}});
  return res.json();
}

export async function postMlflow(endpoint, body) {
  const res = await send(MLFLOW + endpoint, {
    method: 'POST',
    headers: {'Content-Type': 'application/json', Accept: 'application/json'},
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return text ? JSON.parse(text) : {};
}

/** Fetches an artifact's bytes; returns the Response (caller chooses text/blob). */
export async function getArtifact(runId, path, signal) {
  return send(artifactUrl(runId, path, false), {signal});
}

export function artifactUrl(runId, path, download) {
  return uiUrl('artifact', {run_id: runId, path, download: download ? 1 : null});
}

// ---- small caches shared by views ----

let configPromise = null;
export function config() {
  if (!configPromise) {
    configPromise = getJson('config').catch((e) => {
      configPromise = null;
      throw e;
    });
  }
  return configPromise;
}

let experimentsPromise = null;
/** All experiments (active and deleted), for names in breadcrumbs; refreshed by refreshExperiments(). */
export function allExperiments() {
  if (!experimentsPromise) {
    experimentsPromise = getJson('experiments', {view_type: 'ALL'})
      .then((r) => r.experiments || [])
      .catch((e) => {
        experimentsPromise = null;
        throw e;
      });
  }
  return experimentsPromise;
}

export function refreshExperiments() {
  experimentsPromise = null;
}

export async function experimentName(id) {
  try {
    const all = await allExperiments();
    const e = all.find((x) => x.experiment_id === String(id));
    return e ? e.name : String(id);
  } catch (e) {
    return String(id);
  }
}

const runCache = new Map();
/**
 * Run details (the `run` endpoint), cached briefly so chart/compare/run page share them. `light`:
 * metrics with their latest points only (no min/max/sparkline, so the server reads no history), for
 * chart legends and compare.
 */
export function runDetails(runId, {fresh = false, light = false} = {}) {
  const cacheKey = (light ? 'light:' : 'full:') + runId;
  const hit = runCache.get(cacheKey) || (light ? runCache.get('full:' + runId) : null);
  if (hit && !fresh && Date.now() - hit.at < 30000) return hit.promise;
  const promise = getJson('run', {run_id: runId, summaries: light ? 'false' : null}).then((r) => r.run);
  promise.catch(() => runCache.delete(cacheKey));
  runCache.set(cacheKey, {at: Date.now(), promise});
  if (runCache.size > 500) runCache.delete(runCache.keys().next().value);
  return promise;
}

export function forgetRun(runId) {
  runCache.delete('full:' + runId);
  runCache.delete('light:' + runId);
}

/** Resolves once ECharts (a classic async script in index.html) has run; rejects if it failed to load. */
export function echartsReady() {
  if (typeof window.echarts !== 'undefined') return Promise.resolve(window.echarts);
  return new Promise((resolve, reject) => {
    const tag = document.getElementById('echarts-script');
    const done = () => (typeof window.echarts !== 'undefined' ? resolve(window.echarts)
      : reject(new Error('ECharts did not load (/static/vendor/echarts.min.js).')));
    if (!tag) return done();
    tag.addEventListener('load', done, {once: true});
    tag.addEventListener('error', done, {once: true});
    // In case it finished between the check above and adding the listeners.
    setTimeout(() => typeof window.echarts !== 'undefined' && resolve(window.echarts), 0);
  });
}
