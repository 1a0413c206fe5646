// Entry point: header (store path from `config`), hash routing → views, back/forward.
import {h, clear} from './dom.js';
import {config} from './api.js';
import * as router from './router.js';
import {viewRoot, setReady, showError, crumbs} from './view.js';
import * as experiments from './experiments.js';
import * as runsTable from './runs-table.js';
import * as runPage from './run-page.js';
import * as chart from './chart.js';
import * as compare from './compare.js';

const app = document.getElementById('app');
let current = null; // {name, view}

function resolve(route) {
  const [first] = route.parts;
  if (!first) return ['experiments', experiments];
  if (first === 'experiments') return ['experiments', experiments];
  if (first === 'runs') return ['runs', runsTable];
  if (first === 'run' && route.parts[1]) return ['run', runPage];
  if (first === 'chart') return ['chart', chart];
  if (first === 'compare') return ['compare', compare];
  return ['not-found', null];
}

function notFound(route) {
  const root = viewRoot('not-found');
  crumbs([{label: 'Experiments', href: '#/'}, {label: 'Not found'}]);
  showError(root, {message: `No page at #${route.path}.`, code: 'RESOURCE_DOES_NOT_EXIST'});
  root.appendChild(h('p', null, h('a', {href: '#/'}, 'Go to the experiments')));
  setReady(root, true);
  return {el: root, update: () => false, destroy() {}};
}

function render() {
  const route = router.parse();
  const [name, mod] = resolve(route);
  if (current && current.name === name && current.view.update && current.view.update(route)) return;
  if (current) {
    try {
      current.view.destroy();
    } catch (e) {
      console.error(e);
    }
  }
  let view;
  try {
    view = mod ? mod.mount(route) : notFound(route);
  } catch (e) {
    console.error(e);
    const root = viewRoot(name);
    showError(root, e);
    setReady(root, true);
    view = {el: root, destroy() {}};
  }
  current = {name, view};
  clear(app).appendChild(view.el);
  window.scrollTo(0, 0);
}

async function header() {
  const store = document.querySelector('[data-testid=store-path]');
  const mode = document.querySelector('[data-testid=mode-badge]');
  try {
    const cfg = await config();
    store.textContent = cfg.store || '';
    store.title = `Store: ${cfg.store || ''}${cfg.version ? ` · Tracklog ${cfg.version}` : ''}`;
    mode.textContent = cfg.editable ? 'edits on' : 'read-only';
    mode.className = `badge ${cfg.editable ? 'badge-warn' : 'badge-muted'}`;
    document.body.dataset.editable = cfg.editable ? 'true' : 'false';
  } catch (e) {
    store.textContent = '';
    mode.textContent = 'offline';
    mode.className = 'badge badge-danger';
  }
}

window.addEventListener('hashchange', render);
header();
render();

// Keyboard: '/' focuses the filter box of the view.
document.addEventListener('keydown', (e) => {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
  const f = document.querySelector('[data-testid=run-filter], [data-testid=experiment-filter]');
  if (f) {
    e.preventDefault();
    f.focus();
    f.select();
  }
});
