// Inline SVG sparklines: a polyline over the values, gaps at non-finite values, min/max marked.
import {h} from './dom.js';
import {num} from './format.js';

export function sparkline(values, {width = 120, height = 26, title} = {}) {
  const svg = h('svg:svg', {class: 'spark', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title || 'sparkline'});
  const ys = (values || []).map(num);
  const fin = ys.filter((y) => y !== null && Number.isFinite(y));
  if (fin.length === 0) {
    svg.appendChild(h('svg:line', {x1: 2, y1: height / 2, x2: width - 2, y2: height / 2, class: 'spark-empty'}));
    return svg;
  }
  let lo = Math.min(...fin);
  let hi = Math.max(...fin);
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const pad = 2;
  const n = ys.length;
  const X = (i) => (n === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (n - 1));
  const Y = (y) => height - pad - ((y - lo) * (height - 2 * pad)) / (hi - lo);
  let d = '';
  let pen = false;
  let lastPt = null;
  ys.forEach((y, i) => {
    if (y === null || !Number.isFinite(y)) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${X(i).toFixed(1)},${Y(y).toFixed(1)}`;
    pen = true;
    lastPt = [X(i), Y(y)];
  });
  if (fin.length === 1 || d.split('M').length - 1 === fin.length) {
    // Only isolated points: draw dots.
    ys.forEach((y, i) => {
      if (y !== null && Number.isFinite(y)) svg.appendChild(h('svg:circle', {cx: X(i), cy: Y(y), r: 1.6, class: 'spark-dot'}));
    });
  } else {
    svg.appendChild(h('svg:path', {d, class: 'spark-line'}));
  }
  if (lastPt) svg.appendChild(h('svg:circle', {cx: lastPt[0], cy: lastPt[1], r: 2, class: 'spark-last'}));
  if (title) svg.appendChild(h('svg:title', null, title));
  return svg;
}
