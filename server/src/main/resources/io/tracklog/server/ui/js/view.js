// Shared view plumbing: the view root (data-testid=view, data-view, data-ready), errors, breadcrumbs, badges.
import {h, clear, tid} from './dom.js';

export function viewRoot(name) {
  return h('section', tid('view', {'data-view': name, 'data-ready': 'false', class: `view view-${name}`}));
}

export function setReady(el, ready) {
  el.dataset.ready = ready ? 'true' : 'false';
  // A performance mark per shown view, for benchmarks: performance.getEntriesByName('tracklog:ready:runs').
  if (ready && performance.mark) performance.mark(`tracklog:ready:${el.dataset.view}`);
  el.classList.toggle('is-loading', !ready);
}

/**
 * Shows a server error in [data-testid=error] at the top of `root` (one per view, replaced on each error).
 * Returns the element; clearError removes it.
 */
export function showError(root, err, where) {
  clearError(root);
  const msg = err && err.message ? err.message : String(err);
  const code = err && err.code && !String(err.code).startsWith('HTTP_') ? err.code : '';
  const box = h('div', tid('error', {class: 'alert alert-error', role: 'alert'}),
      h('strong', null, code ? code.replace(/_/g, ' ').toLowerCase() : 'Error'), ' ', h('span', null, msg));
  const host = where || root;
  host.insertBefore(box, host.firstChild);
  return box;
}

export function clearError(root) {
  for (const e of root.querySelectorAll('[data-testid=error]')) e.remove();
}

export function isAbort(e) {
  return e && e.name === 'AbortError';
}

/** crumbs([{label, href}, ..., {label}]) → the header's breadcrumbs. */
export function crumbs(items) {
  const nav = document.querySelector('[data-testid=breadcrumbs]');
  if (!nav) return;
  clear(nav);
  items.forEach((c, i) => {
    if (i > 0) nav.appendChild(h('span', {class: 'crumb-sep', 'aria-hidden': 'true'}, '/'));
    nav.appendChild(c.href && i < items.length - 1
      ? h('a', {href: c.href, class: 'crumb'}, c.label)
      : h('span', {class: 'crumb crumb-current', title: c.title || null}, c.label));
  });
  document.title = items.length ? `${items[items.length - 1].label} · Tracklog` : 'Tracklog';
}

export function statusBadge(status, extra) {
  const s = status || 'UNKNOWN';
  return h('span', Object.assign({class: `badge status status-${s.toLowerCase()}`, title: s, 'data-status': s}, extra || {}),
      h('span', {class: 'dot', 'aria-hidden': 'true'}), s);
}

export function loadingRow(cols, text) {
  return h('tr', {class: 'placeholder-row'}, h('td', {colspan: cols}, text || 'Loading…'));
}

export function empty(text) {
  return h('div', {class: 'empty'}, text);
}

/** A titled card section. */
export function section(testid, title, ...body) {
  return h('section', tid(testid, {class: 'card'}), h('h2', {class: 'card-title'}, title), ...body);
}

/**
 * The inline error under a filter box: the server's message, and the filter with a caret under `position`.
 * Also puts the input's cursor at that position.
 */
export function filterError(testid, input, text, err) {
  const box = h('div', tid(testid, {class: 'filter-error', role: 'alert'}));
  box.appendChild(h('div', {class: 'filter-error-msg'}, err.message || String(err)));
  if (err.position !== null && err.position !== undefined && text) {
    // The server counts Unicode code points; JavaScript strings index UTF-16 code units.
    const cp = Array.from(text);
    const pos = Math.max(0, Math.min(cp.slice(0, Math.max(0, err.position)).join('').length, text.length));
    box.dataset.position = String(err.position);
    // Mark the whole offending clause when the server names it and it sits there, else one character.
    const len = err.clause && text.startsWith(err.clause, pos) ? Math.max(1, err.clause.length) : 1;
    const before = text.slice(0, pos);
    const at = text.slice(pos, pos + len) || ' ';
    const after = text.slice(pos + len);
    const width = Math.max(1, Array.from(at.trimEnd() || ' ').length);
    box.appendChild(h('pre', {class: 'filter-error-where'},
        h('span', null, before), h('mark', {class: 'filter-error-at'}, at), h('span', null, after), '\n',
        h('span', {class: 'filter-error-caret'}, ' '.repeat(Array.from(before).length) + '^' + '~'.repeat(width - 1) + ` at position ${err.position}`)));
    if (input) {
      try {
        input.setSelectionRange(pos, Math.min(pos + len, text.length));
      } catch (e) { /* not focusable yet */ }
    }
  }
  if (input) input.classList.add('input-invalid');
  return box;
}
