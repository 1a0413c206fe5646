// The run page (#/run/<id>?tab=overview|artifacts&path=…): overview, params, metrics with sparklines, tags,
// inputs, children, models, artifacts; edit controls when the server allows edits.
import {h, clear, tid} from './dom.js';
import {runDetails, forgetRun, postMlflow, config} from './api.js';
import * as fmt from './format.js';
import * as router from './router.js';
import {viewRoot, setReady, showError, clearError, crumbs, isAbort, statusBadge, section, empty} from './view.js';
import {sparkline} from './sparkline.js';
import {artifactBrowser} from './artifacts.js';

export function mount(route) {
  const runId = route.parts[1];
  const root = viewRoot('run');
  root.dataset.runId = runId;
  let q = route.q;
  let run = null;
  let editable = false;
  let artifacts = null;
  let artifactsShown = Promise.resolve();
  let alive = true;

  const content = h('div', {class: 'run-content'}, h('div', {class: 'loading-block'}, h('span', {class: 'spinner'}), ' Loading run…'));
  root.appendChild(content);

  function tabHref(tab) {
    return router.href(`/run/${runId}`, {tab: tab === 'overview' ? null : tab});
  }

  function applyTab() {
    const tab = q.tab === 'artifacts' ? 'artifacts' : 'overview';
    root.dataset.tab = tab;
    for (const a of root.querySelectorAll('.tabs a')) a.classList.toggle('is-active', a.dataset.tab === tab);
  }

  async function edit(endpoint, body) {
    clearError(root);
    try {
      await postMlflow(endpoint, body);
      forgetRun(runId);
      await load(true);
    } catch (e) {
      showError(root, e);
    }
  }

  function kv(label, value, extra) {
    if (value === null || value === undefined || value === '') return null;
    return [h('dt', null, label), h('dd', extra || null, value)];
  }

  function overview(r) {
    const children = r.children || [];
    const dl = h('dl', {class: 'kv'},
        kv('Run ID', h('code', {class: 'mono'}, r.run_id)),
        kv('Experiment', h('a', {href: router.href('/runs', {e: r.experiment_id})}, r.experiment_name || r.experiment_id)),
        kv('Status', statusBadge(r.status)),
        r.lifecycle_stage && r.lifecycle_stage !== 'active' ? kv('Lifecycle', h('span', {class: 'badge badge-muted'}, r.lifecycle_stage)) : null,
        kv('Started', fmt.time(r.start_time), {title: fmt.ago(r.start_time)}),
        kv('Ended', fmt.time(r.end_time), {title: fmt.ago(r.end_time)}),
        kv('Duration', fmt.runDuration(r)),
        kv('User', r.user_id),
        kv('Source', r.source_name ? h('span', {class: 'mono', title: r.source_name}, r.source_name) : null),
        kv('Source type', r.source_type),
        kv('Git commit', r.git_commit ? h('code', {class: 'mono', title: r.git_commit}, r.git_commit.slice(0, 12)) : null),
        kv('Parent run', r.parent ? h('a', tid('run-parent-link', {href: `#/run/${encodeURIComponent(r.parent.run_id)}`}), r.parent.run_name || fmt.shortId(r.parent.run_id)) : null),
        kv('Child runs', children.length ? h('a', {href: '#run-children', onclick: (e) => {
          e.preventDefault();
          root.querySelector('[data-testid=run-children]').scrollIntoView({behavior: 'smooth'});
        }}, `${children.length}`) : null),
        kv('Artifact URI', r.artifact_uri ? h('span', {class: 'mono ellipsis-multi', title: r.artifact_uri}, r.artifact_uri) : null));
    const parts = [dl];
    if (editable) {
      const nameInput = h('input', tid('edit-run-name', {class: 'input', value: r.run_name || '', 'aria-label': 'Run name', spellcheck: 'false'}));
      let sentName = r.run_name || '';
      const saveName = () => {
        const v = nameInput.value.trim();
        if (v && v !== sentName) {
          sentName = v;
          edit('runs/update', {run_id: r.run_id, run_name: v});
        }
      };
      nameInput.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          saveName();
        }
      });
      nameInput.addEventListener('change', saveName);
      parts.push(h('div', {class: 'edit-row'}, h('label', {class: 'edit-label'}, 'Rename'), nameInput));
      const note = h('textarea', tid('edit-note', {class: 'input note-input', rows: 4, placeholder: 'A note about this run (Markdown)…'}));
      note.value = r.note || '';
      const saveNote = h('button', tid('save-note', {class: 'btn btn-sm', type: 'button'}), 'Save note');
      let sentNote = r.note || '';
      const doSave = () => {
        if (note.value !== sentNote) {
          sentNote = note.value;
          edit('runs/set-tag', {run_id: r.run_id, key: 'mlflow.note.content', value: note.value});
        }
      };
      saveNote.addEventListener('click', doSave);
      note.addEventListener('change', doSave);
      note.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) doSave();
      });
      parts.push(h('div', {class: 'edit-row'}, h('label', {class: 'edit-label'}, 'Note'), h('div', {class: 'note-edit'}, note, saveNote)));
    } else if (r.note) {
      parts.push(h('div', {class: 'note'}, h('div', {class: 'note-label'}, 'Note'), h('div', tid('run-note', {class: 'note-text'}), r.note)));
    }
    return section('run-overview', 'Overview', ...parts);
  }

  function params(r) {
    const ps = (r.params || []).slice().sort((a, b) => a.key.localeCompare(b.key));
    if (!ps.length) return section('run-params', 'Parameters', empty('No parameters.'));
    return section('run-params', h('span', null, 'Parameters ', h('span', {class: 'count'}, ps.length)),
        h('table', {class: 'grid kv-table'},
            h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'Value'))),
            h('tbody', null, ps.map((p) => h('tr', tid('param-row', {'data-key': p.key}),
                h('td', {class: 'key-cell', title: p.key}, p.key),
                h('td', {class: `value-cell${fmt.isNumeric(p.value) ? ' mono' : ''}`}, h('div', {class: 'value-text'}, p.value)))))));
  }

  function metrics(r) {
    const ms = (r.metrics || []).slice().sort((a, b) => a.key.localeCompare(b.key));
    if (!ms.length) return section('run-metrics', 'Metrics', empty('No metrics.'));
    return section('run-metrics', h('span', null, 'Metrics ', h('span', {class: 'count'}, ms.length)),
        h('table', {class: 'grid metrics-table'},
            h('thead', null, h('tr', null, h('th', {class: 'w-key'}, 'Metric'), h('th', {class: 'num'}, 'Latest'), h('th', {class: 'num w-step'}, 'Step'),
                h('th', {class: 'num'}, 'Min'), h('th', {class: 'num'}, 'Max'), h('th', {class: 'num w-count'}, 'Points'), h('th', {class: 'w-spark'}, 'History'))),
            h('tbody', null, ms.map((m) => h('tr', tid('metric-row', {'data-key': m.key}),
                h('td', {class: 'key-cell', title: m.key}, h('a', {href: router.href('/chart', {runs: r.run_id, key: m.key, x: 'step'}), title: 'Open the chart'}, m.key)),
                h('td', {class: 'num strong', title: fmt.exact(m.value)}, fmt.number(m.value)),
                h('td', {class: 'num muted'}, fmt.count(m.step)),
                h('td', {class: 'num', title: fmt.exact(m.min)}, fmt.number(m.min)),
                h('td', {class: 'num', title: fmt.exact(m.max)}, fmt.number(m.max)),
                h('td', {class: 'num muted'}, fmt.count(m.count)),
                h('td', {class: 'spark-cell'}, h('a', {href: router.href('/chart', {runs: r.run_id, key: m.key, x: 'step'})},
                    sparkline(m.spark, {title: `${m.key}: ${fmt.count(m.count)} points, min ${fmt.exact(m.min)}, max ${fmt.exact(m.max)}`}))))))));
  }

  function tags(r) {
    const all = (r.tags || []).slice().sort((a, b) => (a.key.startsWith('mlflow.') - b.key.startsWith('mlflow.')) || a.key.localeCompare(b.key));
    const rows = all.map((t) => h('tr', tid('tag-row', {'data-key': t.key, class: t.key.startsWith('mlflow.') ? 'system-tag' : null}),
        h('td', {class: 'key-cell', title: t.key}, t.key),
        h('td', {class: 'value-cell'}, h('div', {class: 'value-text'}, t.value)),
        editable ? h('td', {class: 'act-cell'}, h('button', tid('delete-tag', {class: 'btn btn-ghost btn-xs', type: 'button', title: `Delete tag ${t.key}`,
          onclick: () => edit('runs/delete-tag', {run_id: r.run_id, key: t.key})}), '✕')) : null));
    const body = [all.length ? h('table', {class: 'grid kv-table'},
        h('thead', null, h('tr', null, h('th', null, 'Tag'), h('th', null, 'Value'), editable ? h('th', null, '') : null)),
        h('tbody', null, rows)) : empty('No tags.')];
    if (editable) {
      const k = h('input', tid('edit-tag-key', {class: 'input input-sm', placeholder: 'key', spellcheck: 'false', 'aria-label': 'Tag key'}));
      const v = h('input', tid('edit-tag-value', {class: 'input input-sm', placeholder: 'value', spellcheck: 'false', 'aria-label': 'Tag value'}));
      const form = h('form', tid('edit-tag', {class: 'edit-tag'}), k, v, h('button', tid('edit-tag-save', {class: 'btn btn-sm', type: 'submit'}), 'Set tag'));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        if (k.value.trim()) edit('runs/set-tag', {run_id: r.run_id, key: k.value.trim(), value: v.value});
      });
      body.push(form);
    }
    return section('run-tags', h('span', null, 'Tags ', h('span', {class: 'count'}, all.length)), ...body);
  }

  function inputs(r) {
    const ins = r.inputs || [];
    if (!ins.length) return section('run-inputs', 'Dataset inputs', empty('No dataset inputs.'));
    return section('run-inputs', h('span', null, 'Dataset inputs ', h('span', {class: 'count'}, ins.length)),
        h('table', {class: 'grid'},
            h('thead', null, h('tr', null, h('th', null, 'Dataset'), h('th', null, 'Context'), h('th', null, 'Digest'), h('th', null, 'Source'))),
            h('tbody', null, ins.map((i) => {
              const d = i.dataset || {};
              const ctx = (i.tags || []).find((t) => t.key === 'mlflow.data.context');
              return h('tr', tid('input-row', {'data-name': d.name}),
                  h('td', null, h('strong', null, d.name || ''),
                      d.schema || d.profile ? h('details', {class: 'details'}, h('summary', null, 'schema / profile'),
                          d.schema ? h('pre', {class: 'mono small'}, prettyJson(d.schema)) : null,
                          d.profile ? h('pre', {class: 'mono small'}, prettyJson(d.profile)) : null) : null),
                  h('td', null, ctx ? h('span', {class: 'chip'}, ctx.value) : ''),
                  h('td', {class: 'mono muted', title: d.digest || ''}, (d.digest || '').slice(0, 12)),
                  h('td', {class: 'ellipsis', title: d.source || ''}, d.source_type ? h('span', {class: 'chip'}, d.source_type) : null, ' ', shortJson(d.source)));
            }))));
  }

  function children(r) {
    const cs = r.children || [];
    if (!cs.length) return section('run-children', 'Child runs', empty('No child runs.'));
    const filter = `tags.mlflow.parentRunId = '${r.run_id}'`;
    return section('run-children', h('span', null, 'Child runs ', h('span', {class: 'count'}, cs.length)),
        h('ul', {class: 'plain-list'}, cs.map((c) => h('li', tid('child-row', {'data-run-id': c.run_id}),
            statusBadge(c.status), ' ', h('a', {href: `#/run/${encodeURIComponent(c.run_id)}`}, c.run_name || fmt.shortId(c.run_id))))),
        h('a', {class: 'more-link', href: router.href('/runs', {e: r.experiment_id, filter})}, 'Open them in the runs table →'));
  }

  function models(r) {
    const reg = r.models || [];
    const logged = r.logged_models || [];
    if (!reg.length && !logged.length) return section('run-models', 'Models', empty('No models.'));
    const body = [];
    if (reg.length) {
      body.push(h('table', {class: 'grid'},
          h('thead', null, h('tr', null, h('th', null, 'Registered model'), h('th', null, 'Version'), h('th', null, 'Stage'), h('th', null, 'Aliases'))),
          h('tbody', null, reg.map((m) => h('tr', tid('model-row', {'data-name': m.name}),
              h('td', null, h('strong', null, m.name)), h('td', {class: 'num'}, m.version),
              h('td', null, m.current_stage && m.current_stage !== 'None' ? h('span', {class: `badge stage stage-${m.current_stage.toLowerCase()}`}, m.current_stage) : h('span', {class: 'muted'}, '—')),
              h('td', null, (m.aliases || []).map((a) => h('span', {class: 'chip'}, '@' + a))))))));
    }
    if (logged.length) {
      body.push(h('table', {class: 'grid'},
          h('thead', null, h('tr', null, h('th', null, 'Logged model'), h('th', null, 'Flavors'), h('th', null, 'Created'))),
          h('tbody', null, logged.map((m) => h('tr', tid('logged-model-row', {'data-path': m.artifact_path}),
              h('td', null, h('a', {href: router.href(`/run/${r.run_id}`, {tab: 'artifacts', path: m.artifact_path})}, m.artifact_path)),
              h('td', null, (m.flavors || []).map((f) => h('span', {class: 'chip'}, f))),
              h('td', {class: 'muted'}, m.utc_time_created || ''))))));
    }
    return section('run-models', 'Models', ...body);
  }

  function artifactsSection(r) {
    artifacts = artifactBrowser(r.run_id, {
      onSelect: (path) => {
        q = Object.assign({}, q, {path});
        router.replace(`/run/${runId}`, q);
      },
    });
    artifactsShown = q.path ? artifacts.select(q.path) : artifacts.ready;
    return section('run-artifacts', 'Artifacts', artifacts.el);
  }

  function render(r) {
    clear(content);
    const actions = h('div', {class: 'head-actions'});
    if (editable) {
      if (r.lifecycle_stage === 'deleted') {
        actions.appendChild(h('button', tid('restore-run', {class: 'btn', type: 'button', onclick: () => edit('runs/restore', {run_id: r.run_id})}), 'Restore run'));
      } else {
        actions.appendChild(h('button', tid('delete-run', {class: 'btn btn-danger', type: 'button', onclick: () => edit('runs/delete', {run_id: r.run_id})}), 'Delete run'));
      }
    }
    const chartAll = (r.metrics || []).length
      ? h('a', {class: 'btn', href: router.href('/chart', {runs: r.run_id, key: (r.metrics.find((m) => m.key === 'loss') || r.metrics[0]).key})}, 'Chart metrics')
      : null;
    if (chartAll) actions.prepend(chartAll);
    const head = h('div', {class: 'view-head run-head'},
        h('div', {class: 'run-title'},
            h('h1', tid('run-name', {class: 'view-title'}), r.run_name || fmt.shortId(r.run_id)),
            h('span', tid('run-status'), statusBadge(r.status)),
            r.lifecycle_stage === 'deleted' ? h('span', tid('run-deleted', {class: 'badge badge-danger'}), 'deleted') : null,
            h('span', {class: 'muted mono small'}, r.run_id)),
        actions);
    const tabs = h('nav', {class: 'tabs'},
        h('a', {href: tabHref('overview'), 'data-tab': 'overview', 'data-testid': 'tab-overview'}, 'Overview'),
        h('a', {href: tabHref('artifacts'), 'data-tab': 'artifacts', 'data-testid': 'tab-artifacts'}, 'Artifacts'));
    const grid = h('div', {class: 'run-grid overview-only'},
        h('div', {class: 'run-col'}, overview(r), params(r), tags(r)),
        h('div', {class: 'run-col'}, metrics(r), inputs(r), children(r), models(r)));
    content.append(head, tabs, grid, artifactsSection(r));
    applyTab();
  }

  async function load(fresh) {
    setReady(root, false);
    clearError(root);
    try {
      const [cfg, r] = await Promise.all([config().catch(() => ({editable: false})), runDetails(runId, {fresh: !!fresh})]);
      if (!alive) return;
      editable = !!cfg.editable;
      run = r;
      crumbs([{label: 'Experiments', href: '#/'},
        {label: r.experiment_name || r.experiment_id, href: router.href('/runs', {e: r.experiment_id})},
        ...(r.parent ? [{label: r.parent.run_name || fmt.shortId(r.parent.run_id), href: `#/run/${encodeURIComponent(r.parent.run_id)}`}] : []),
        {label: r.run_name || fmt.shortId(r.run_id)}]);
      render(r);
      // Ready once the artifact listing (and the preview named in the URL) is shown too.
      await artifactsShown.catch(() => {});
      if (!alive) return;
      setReady(root, true);
    } catch (e) {
      if (isAbort(e) || !alive) return;
      crumbs([{label: 'Experiments', href: '#/'}, {label: fmt.shortId(runId)}]);
      clear(content);
      showError(root, e);
      setReady(root, true);
    }
  }

  load(false);

  return {
    el: root,
    update(r) {
      if (r.parts[1] !== runId) return false;
      const prevPath = q.path;
      q = r.q;
      if (!run) return true;
      applyTab();
      if (q.path && q.path !== prevPath && artifacts) artifacts.select(q.path);
      if (q.tab === 'artifacts') root.querySelector('[data-testid=run-artifacts]')?.scrollIntoView({block: 'start'});
      return true;
    },
    destroy() {
      alive = false;
    },
  };
}

function prettyJson(s) {
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch (e) {
    return s;
  }
}

function shortJson(s) {
  if (!s) return '';
  try {
    const o = JSON.parse(s);
    if (o && typeof o === 'object') return o.uri || o.url || o.path || o.table_name || s;
  } catch (e) { /* not JSON */ }
  return s;
}
