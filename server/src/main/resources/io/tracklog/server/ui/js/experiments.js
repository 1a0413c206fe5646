// The experiments view (#/): search with MLflow's experiment filter, run counts, last activity, multi-open.
import {h, clear, tid} from './dom.js';
import {getJson} from './api.js';
import * as fmt from './format.js';
import * as router from './router.js';
import {viewRoot, setReady, showError, clearError, crumbs, filterError, isAbort, empty} from './view.js';

export function mount(route) {
  const root = viewRoot('experiments');
  let q = route.q;
  let ctrl = null;
  const selected = new Set();

  const input = h('input', tid('experiment-filter', {
    type: 'search', class: 'input filter-input', spellcheck: 'false', autocomplete: 'off',
    placeholder: "Filter experiments, e.g. name LIKE '%grid%' or tags.team = 'vision'  (Enter)",
  }));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      router.go('/', Object.assign({}, q, {filter: input.value.trim() || null}));
      if ((q.filter || '') === input.value.trim()) load();
    }
  });
  const viewSel = h('select', tid('experiment-view-type', {class: 'select', title: 'Lifecycle'}),
      h('option', {value: 'ACTIVE_ONLY'}, 'Active'), h('option', {value: 'DELETED_ONLY'}, 'Deleted'),
      h('option', {value: 'ALL'}, 'All'));
  viewSel.addEventListener('change', () => router.go('/', Object.assign({}, q, {view: viewSel.value === 'ACTIVE_ONLY' ? null : viewSel.value})));
  const openBtn = h('button', tid('open-experiments', {class: 'btn btn-primary', type: 'button', disabled: true}), 'Open selected');
  openBtn.addEventListener('click', () => {
    if (selected.size) router.go('/runs', {e: [...selected]});
  });
  const errHost = h('div', {class: 'filter-error-host'});
  const count = h('span', tid('experiments-count', {class: 'muted'}));
  const toolbar = h('div', {class: 'toolbar'},
      h('div', {class: 'filter-wrap'}, input, errHost), viewSel, openBtn, h('span', {class: 'toolbar-spacer'}), count);

  const allBox = h('input', {type: 'checkbox', title: 'Select all', 'aria-label': 'Select all'});
  const tbody = h('tbody');
  const table = h('table', tid('experiments', {class: 'grid'}),
      h('thead', null, h('tr', null,
          h('th', {class: 'col-check'}, allBox),
          h('th', null, 'Name'),
          h('th', {class: 'num'}, 'ID'),
          h('th', {class: 'num'}, 'Runs'),
          h('th', null, 'Last activity'),
          h('th', null, 'Created'),
          h('th', null, 'Tags'))),
      tbody);
  const tableWrap = h('div', {class: 'table-wrap'}, table);
  root.append(h('div', {class: 'view-head'}, h('h1', {class: 'view-title'}, 'Experiments')), toolbar, tableWrap);

  function syncOpen() {
    openBtn.disabled = selected.size === 0;
    openBtn.textContent = selected.size > 1 ? `Open ${selected.size} experiments` : 'Open selected';
  }

  allBox.addEventListener('change', () => {
    for (const cb of tbody.querySelectorAll('[data-testid=experiment-select]')) {
      cb.checked = allBox.checked;
      const id = cb.closest('tr').dataset.experimentId;
      if (allBox.checked) selected.add(id); else selected.delete(id);
    }
    syncOpen();
  });

  function row(x) {
    const cb = h('input', tid('experiment-select', {type: 'checkbox', 'aria-label': `Select ${x.name}`, checked: selected.has(x.experiment_id)}));
    cb.addEventListener('change', () => {
      if (cb.checked) selected.add(x.experiment_id); else selected.delete(x.experiment_id);
      syncOpen();
    });
    const tags = Object.entries(x.tags || {}).filter(([k]) => !k.startsWith('mlflow.'));
    return h('tr', tid('experiment-row', {'data-experiment-id': x.experiment_id, class: x.lifecycle_stage === 'deleted' ? 'is-deleted' : null}),
        h('td', {class: 'col-check'}, cb),
        h('td', {class: 'name-cell'},
            h('a', tid('experiment-link', {href: router.href('/runs', {e: x.experiment_id})}), x.name),
            x.lifecycle_stage === 'deleted' ? h('span', {class: 'badge badge-muted'}, 'deleted') : null),
        h('td', {class: 'num muted'}, x.experiment_id),
        h('td', tid('experiment-run-count', {class: 'num'}), fmt.count(x.run_count)),
        h('td', {title: fmt.time(x.last_activity)}, fmt.ago(x.last_activity)),
        h('td', {class: 'muted', title: fmt.time(x.creation_time)}, fmt.time(x.creation_time)),
        h('td', {class: 'tags-cell'}, tags.slice(0, 4).map(([k, v]) => h('span', {class: 'chip', title: `${k} = ${v}`}, `${k}: ${v}`)),
            tags.length > 4 ? h('span', {class: 'muted'}, ` +${tags.length - 4}`) : null));
  }

  async function load() {
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    const signal = ctrl.signal;
    setReady(root, false);
    clearError(root);
    clear(errHost);
    input.classList.remove('input-invalid');
    input.value = q.filter || '';
    viewSel.value = q.view || 'ACTIVE_ONLY';
    try {
      const res = await getJson('experiments', {filter: q.filter || null, view_type: q.view || 'ACTIVE_ONLY', order_by: 'name ASC'}, signal);
      const list = res.experiments || [];
      clear(tbody);
      selected.clear();
      allBox.checked = false;
      syncOpen();
      if (!list.length) {
        tbody.appendChild(h('tr', {class: 'placeholder-row'}, h('td', {colspan: 7}, empty(q.filter ? 'No experiment matches this filter.' : 'No experiments yet.'))));
      } else {
        const frag = document.createDocumentFragment();
        for (const x of list) frag.appendChild(row(x));
        tbody.appendChild(frag);
      }
      count.textContent = `${fmt.count(list.length)} experiment${list.length === 1 ? '' : 's'}`;
      setReady(root, true);
    } catch (e) {
      if (isAbort(e)) return;
      clear(tbody);
      count.textContent = '';
      if (e.status === 400 && q.filter) errHost.appendChild(filterError('experiment-filter-error', input, q.filter, e));
      else showError(root, e);
      setReady(root, true);
    }
  }

  crumbs([{label: 'Experiments'}]);
  load();

  return {
    el: root,
    update(r) {
      q = r.q;
      load();
      return true;
    },
    destroy() {
      if (ctrl) ctrl.abort();
    },
  };
}
