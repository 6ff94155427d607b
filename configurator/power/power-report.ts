/**
 * Reports of the power model (power-model.ts): per-board tables shaped like
 * paper 000's Table III (operation, count, time, power, energy) plus the
 * Energest per-state account, as aligned text and as markdown; an SVG plot of
 * power over time split into CPU, radio RX and radio TX (stacked areas of the
 * mean power per time bin, like Powertrace's periodic reports plotted in the
 * paper's figures 3–6); and a batch summary over many boards.
 *
 * Pure string building, ES5-safe (no padStart/repeat, no template literals
 * needed): callers write the strings to files.
 */
import { EnergyReport, PowerSeries } from './power-model.ts';

function repeatChar(ch: string, n: number): string {
  var s = '';
  for (var i = 0; i < n; i++) s += ch;
  return s;
}

function padRight(s: string, n: number): string {
  return s.length >= n ? s : s + repeatChar(' ', n - s.length);
}

function padLeft(s: string, n: number): string {
  return s.length >= n ? s : repeatChar(' ', n - s.length) + s;
}

/** Fixed decimals, with '-0.00' printed as '0.00'. */
export function fixed(x: number, decimals: number): string {
  var s = x.toFixed(decimals);
  if (/^-0(\.0+)?$/.test(s)) s = s.substring(1);
  return s;
}

/**
 * An aligned text table: `right[i]` right-aligns column i (numbers). A rule of
 * dashes under the header; a row that is the string '-' prints another rule.
 */
export function textTable(headers: string[], rows: (string[] | string)[], right: boolean[]): string {
  var widths: number[] = [];
  var i: number;
  var j: number;
  for (j = 0; j < headers.length; j++) widths.push(headers[j].length);
  for (i = 0; i < rows.length; i++) {
    var r = rows[i];
    if (typeof r === 'string') continue;
    for (j = 0; j < r.length; j++) if (r[j].length > widths[j]) widths[j] = r[j].length;
  }
  function line(cells: string[]): string {
    var out: string[] = [];
    for (var k = 0; k < cells.length; k++) out.push(right[k] ? padLeft(cells[k], widths[k]) : padRight(cells[k], widths[k]));
    return out.join('  ').replace(/\s+$/, '');
  }
  var rule: string[] = [];
  for (j = 0; j < widths.length; j++) rule.push(repeatChar('-', widths[j]));
  var lines = [line(headers), rule.join('  ')];
  for (i = 0; i < rows.length; i++) {
    var row = rows[i];
    lines.push(typeof row === 'string' ? rule.join('  ') : line(row));
  }
  return lines.join('\n') + '\n';
}

function mdTable(headers: string[], rows: string[][], right: boolean[]): string {
  var sep: string[] = [];
  for (var j = 0; j < headers.length; j++) sep.push(right[j] ? '---:' : '---');
  var lines = ['| ' + headers.join(' | ') + ' |', '| ' + sep.join(' | ') + ' |'];
  for (var i = 0; i < rows.length; i++) lines.push('| ' + rows[i].join(' | ').replace(/\n/g, ' ') + ' |');
  return lines.join('\n') + '\n';
}

var OP_HEADERS = ['Operation', '#Times', 'Time (s)', 'Power (mW)', 'Energy (mJ)'];
var OP_RIGHT = [false, true, true, true, true];
var STATE_HEADERS = ['Component', 'State', 'Current (mA)', 'Time (s)', 'Energy (mJ)', 'Share'];
var STATE_RIGHT = [false, false, true, true, true, true];

function opRows(rep: EnergyReport): string[][] {
  var rows: string[][] = [];
  for (var i = 0; i < rep.ops.length; i++) {
    var o = rep.ops[i];
    rows.push([o.label, String(o.count), fixed(o.seconds, 6), fixed(o.avgMw, 2), fixed(o.mJ, 4)]);
  }
  return rows;
}

function stateRows(rep: EnergyReport): string[][] {
  var rows: string[][] = [];
  for (var i = 0; i < rep.states.length; i++) {
    var s = rep.states[i];
    var share = rep.totalMj > 0 ? (100 * s.mJ) / rep.totalMj : 0;
    rows.push([
      s.component,
      s.state,
      (s.mA < 0.1 ? String(s.mA) : fixed(s.mA, 1)) + (s.estimate ? '*' : ''),
      fixed(s.seconds, 6),
      fixed(s.mJ, 4),
      fixed(share, 1) + ' %',
    ]);
  }
  return rows;
}

function heading(rep: EnergyReport): string {
  return (
    'Board ' + rep.board + ' (' + rep.params + ', ' + fixed(rep.voltageV, 2) + ' V): ' +
    fixed(rep.startMs / 1000, 6) + '–' + fixed(rep.untilMs / 1000, 6) + ' s, ' +
    'energy ' + fixed(rep.totalMj, 4) + ' mJ, mean power ' + fixed(rep.avgMw, 2) + ' mW'
  );
}

var FOOTNOTE = '* estimate (see docs/power-model.md). Operation rows are windows: they may overlap and need not add up to the total.';

/** Table III-like text for one board: operations, then the per-state account. */
export function tableIIIText(rep: EnergyReport): string {
  var s = heading(rep) + '\n\n';
  if (rep.ops.length > 0) s += textTable(OP_HEADERS, opRows(rep), OP_RIGHT) + '\n';
  var rows: (string[] | string)[] = stateRows(rep);
  rows.push('-');
  rows.push(['total', '', '', fixed(rep.seconds, 6), fixed(rep.totalMj, 4), '100.0 %']);
  s += textTable(STATE_HEADERS, rows, STATE_RIGHT);
  return s + FOOTNOTE + '\n';
}

/** The same as markdown. */
export function tableIIIMarkdown(rep: EnergyReport): string {
  var s = '**' + heading(rep) + '**\n\n';
  if (rep.ops.length > 0) s += mdTable(OP_HEADERS, opRows(rep), OP_RIGHT) + '\n';
  var rows = stateRows(rep);
  rows.push(['**total**', '', '', fixed(rep.seconds, 6), '**' + fixed(rep.totalMj, 4) + '**', '100.0 %']);
  s += mdTable(STATE_HEADERS, rows, STATE_RIGHT);
  return s + '\n' + FOOTNOTE.replace('* estimate', '\\* estimate') + '\n';
}

/** Batch figures: energy per board, mean, max, min. */
export interface BatchStats {
  boards: number;
  totalMj: number;
  meanMj: number;
  maxMj: number;
  maxBoard: string;
  minMj: number;
  minBoard: string;
}

export function batchStats(reps: EnergyReport[]): BatchStats {
  var st: BatchStats = { boards: reps.length, totalMj: 0, meanMj: 0, maxMj: 0, maxBoard: '', minMj: 0, minBoard: '' };
  for (var i = 0; i < reps.length; i++) {
    var e = reps[i].totalMj;
    st.totalMj += e;
    if (i === 0 || e > st.maxMj) {
      st.maxMj = e;
      st.maxBoard = reps[i].board;
    }
    if (i === 0 || e < st.minMj) {
      st.minMj = e;
      st.minBoard = reps[i].board;
    }
  }
  st.meanMj = reps.length > 0 ? st.totalMj / reps.length : 0;
  return st;
}

function componentNames(reps: EnergyReport[]): string[] {
  var names: string[] = [];
  for (var i = 0; i < reps.length; i++) {
    for (var c in reps[i].components) if (names.indexOf(c) < 0) names.push(c);
  }
  return names;
}

function batchRows(reps: EnergyReport[], comps: string[]): string[][] {
  var rows: string[][] = [];
  for (var i = 0; i < reps.length; i++) {
    var r = reps[i];
    var row = [r.board, fixed(r.seconds, 3)];
    for (var k = 0; k < comps.length; k++) row.push(fixed(r.components[comps[k]] || 0, 3));
    row.push(fixed(r.totalMj, 3), fixed(r.avgMw, 2));
    rows.push(row);
  }
  return rows;
}

function batchHeaders(comps: string[]): string[] {
  var h = ['Board', 'Time (s)'];
  for (var k = 0; k < comps.length; k++) h.push(comps[k] + ' (mJ)');
  h.push('Energy (mJ)', 'Mean power (mW)');
  return h;
}

function batchRight(comps: string[]): boolean[] {
  var r = [false];
  for (var k = 0; k < comps.length + 3; k++) r.push(true);
  return r;
}

function statsLine(st: BatchStats): string {
  return (
    st.boards + ' boards: total ' + fixed(st.totalMj, 3) + ' mJ, mean ' + fixed(st.meanMj, 3) +
    ' mJ, max ' + fixed(st.maxMj, 3) + ' mJ (' + st.maxBoard + '), min ' + fixed(st.minMj, 3) + ' mJ (' + st.minBoard + ')'
  );
}

/** Batch summary as aligned text: one row per board, then mean / max / min. */
export function batchSummaryText(reps: EnergyReport[]): string {
  var comps = componentNames(reps);
  return textTable(batchHeaders(comps), batchRows(reps, comps), batchRight(comps)) + statsLine(batchStats(reps)) + '\n';
}

/** Batch summary as markdown. */
export function batchSummaryMarkdown(reps: EnergyReport[]): string {
  var comps = componentNames(reps);
  return mdTable(batchHeaders(comps), batchRows(reps, comps), batchRight(comps)) + '\n' + statsLine(batchStats(reps)) + '\n';
}

// ---------------------------------------------------------------- SVG plot

/** A labelled interval the plot marks (a protocol step: presence, key agreement, ...). */
export interface SvgStep {
  label: string;
  fromMs: number;
  toMs: number;
}

export interface SvgOptions {
  title?: string;
  width?: number;
  height?: number;
  /**
   * Protocol steps to mark: a coloured band per interval along the top of the
   * plot, a dashed line where each begins, and a legend entry per step name.
   */
  steps?: SvgStep[];
}

var STEP_COLORS = ['#9467bd', '#ff7f0e', '#17becf', '#bcbd22', '#8c564b', '#e377c2', '#7f7f7f'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A 1-2-5 step giving about `target` intervals over `span`. */
function niceStep(span: number, target: number): number {
  if (!(span > 0)) return 1;
  var raw = span / target;
  var mag = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
  var f = raw / mag;
  var step = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return step * mag;
}

function tickLabel(v: number, step: number): string {
  var d = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log(step) / Math.LN10 - 1e-9));
  return fixed(v, d);
}

function n2(x: number): string {
  return fixed(x, 2);
}

var SERIES = [
  { key: 'cpu', label: 'CPU', color: '#1f77b4' },
  { key: 'rx', label: 'radio RX', color: '#2ca02c' },
  { key: 'tx', label: 'radio TX', color: '#d62728' },
  { key: 'other', label: 'radio (other)', color: '#7f7f7f' },
];

/**
 * Power (mW) over time as stacked step areas, bottom to top: CPU, radio RX,
 * radio TX (and other radio states if they draw anything). Each step is the
 * mean power of one bin of `series`.
 */
export function powerSvg(series: PowerSeries, opts?: SvgOptions): string {
  var o = opts === undefined ? {} : opts;
  var W = o.width === undefined ? 860 : o.width;
  var H = o.height === undefined ? 380 : o.height;
  var title = o.title === undefined ? 'Power of board ' + series.board : o.title;
  var ml = 72;
  var mr = 140;
  var mt = 44;
  var mb = 56;
  var pw = W - ml - mr;
  var ph = H - mt - mb;
  var n = series.t.length;

  // Stack the series.
  var used: { key: string; label: string; color: string }[] = [];
  var k: number;
  var i: number;
  for (k = 0; k < SERIES.length; k++) {
    var arr = (series as any)[SERIES[k].key] as number[];
    var any = SERIES[k].key !== 'other';
    for (i = 0; i < n && !any; i++) if (arr[i] > 0) any = true;
    if (any) used.push(SERIES[k]);
  }
  var base: number[] = [];
  for (i = 0; i < n; i++) base.push(0);
  var layers: { lo: number[]; hi: number[] }[] = [];
  var ymax = 0;
  for (k = 0; k < used.length; k++) {
    var a = (series as any)[used[k].key] as number[];
    var lo = base.slice();
    var hi: number[] = [];
    for (i = 0; i < n; i++) {
      hi.push(lo[i] + a[i]);
      if (hi[i] > ymax) ymax = hi[i];
    }
    layers.push({ lo: lo, hi: hi });
    base = hi;
  }

  // Axes: time in s when the span is 2 s or more, else in ms.
  var spanMs = series.untilMs - series.fromMs;
  var useS = spanMs >= 2000;
  var tUnit = useS ? 1000 : 1;
  var x0v = series.fromMs / tUnit;
  var x1v = series.untilMs / tUnit;
  if (!(x1v > x0v)) x1v = x0v + 1;
  var xStep = niceStep(x1v - x0v, 8);
  var yStep = niceStep(ymax > 0 ? ymax : 1, 5);
  var yTop = Math.ceil((ymax > 0 ? ymax * 1.02 : 1) / yStep) * yStep;

  function X(v: number): number {
    return ml + ((v - x0v) / (x1v - x0v)) * pw;
  }
  function Y(v: number): number {
    return mt + ph - (v / yTop) * ph;
  }

  var out: string[] = [];
  out.push('<svg xmlns="http://www.w3.org/2000/svg" width="' + W + '" height="' + H + '" viewBox="0 0 ' + W + ' ' + H + '" font-family="Helvetica, Arial, sans-serif" font-size="12">');
  out.push('<rect x="0" y="0" width="' + W + '" height="' + H + '" fill="#ffffff"/>');
  out.push('<text x="' + n2(ml + pw / 2) + '" y="24" text-anchor="middle" font-size="15" font-weight="bold">' + esc(title) + '</text>');

  // Grid and ticks.
  out.push('<g stroke="#dddddd" stroke-width="1">');
  var v: number;
  for (v = 0; v <= yTop + yStep * 1e-9; v += yStep) out.push('<line x1="' + ml + '" y1="' + n2(Y(v)) + '" x2="' + (ml + pw) + '" y2="' + n2(Y(v)) + '"/>');
  var xFirst = Math.ceil(x0v / xStep - 1e-9) * xStep;
  for (v = xFirst; v <= x1v + xStep * 1e-9; v += xStep) out.push('<line x1="' + n2(X(v)) + '" y1="' + mt + '" x2="' + n2(X(v)) + '" y2="' + (mt + ph) + '"/>');
  out.push('</g>');

  // Areas.
  var binW = n > 0 ? (series.untilMs - series.fromMs) / tUnit / n : 0;
  for (k = 0; k < layers.length; k++) {
    var pts: string[] = [];
    for (i = 0; i < n; i++) {
      var xa = X(series.t[i] / tUnit);
      var xb = X(series.t[i] / tUnit + binW);
      pts.push(n2(xa) + ',' + n2(Y(layers[k].hi[i])));
      pts.push(n2(xb) + ',' + n2(Y(layers[k].hi[i])));
    }
    for (i = n - 1; i >= 0; i--) {
      var xc = X(series.t[i] / tUnit + binW);
      var xd = X(series.t[i] / tUnit);
      pts.push(n2(xc) + ',' + n2(Y(layers[k].lo[i])));
      pts.push(n2(xd) + ',' + n2(Y(layers[k].lo[i])));
    }
    if (pts.length > 0) {
      out.push('<path class="series-' + used[k].key + '" d="M' + pts.join(' L') + ' Z" fill="' + used[k].color + '" fill-opacity="0.85" stroke="none"/>');
    }
  }

  // Protocol steps: a band per interval above the areas, a dashed line at each start.
  var steps = o.steps === undefined ? [] : o.steps;
  var stepNames: string[] = [];
  if (steps.length > 0) {
    out.push('<g class="steps">');
    for (k = 0; k < steps.length; k++) {
      var st = steps[k];
      var ci = -1;
      for (i = 0; i < stepNames.length; i++) if (stepNames[i] === st.label) ci = i;
      if (ci < 0) {
        stepNames.push(st.label);
        ci = stepNames.length - 1;
      }
      var sa = st.fromMs / tUnit;
      var sb = st.toMs / tUnit;
      if (sb < x0v || sa > x1v) continue;
      if (sa < x0v) sa = x0v;
      if (sb > x1v) sb = x1v;
      var color = STEP_COLORS[ci % STEP_COLORS.length];
      out.push('<rect class="step" data-step="' + esc(st.label) + '" x="' + n2(X(sa)) + '" y="' + (mt - 10) + '" width="' + n2(Math.max(0.5, X(sb) - X(sa))) +
        '" height="8" fill="' + color + '"><title>' + esc(st.label + ': ' + fixed(st.fromMs / 1000, 3) + '–' + fixed(st.toMs / 1000, 3) + ' s') + '</title></rect>');
      out.push('<line class="step-start" x1="' + n2(X(sa)) + '" y1="' + (mt - 10) + '" x2="' + n2(X(sa)) + '" y2="' + (mt + ph) + '" stroke="' + color + '" stroke-width="1" stroke-dasharray="4,3"/>');
      // The name inside the plot, at the step's start, when the step is wide enough for it.
      if (X(sb) - X(sa) >= st.label.length * 6 + 6) {
        out.push('<text class="step-label" x="' + n2(X(sa) + 3) + '" y="' + (mt + 12) + '" font-size="10" fill="' + color + '">' + esc(st.label) + '</text>');
      }
    }
    out.push('</g>');
  }

  // Axes and labels.
  out.push('<g stroke="#000000" stroke-width="1">');
  out.push('<line x1="' + ml + '" y1="' + (mt + ph) + '" x2="' + (ml + pw) + '" y2="' + (mt + ph) + '"/>');
  out.push('<line x1="' + ml + '" y1="' + mt + '" x2="' + ml + '" y2="' + (mt + ph) + '"/>');
  for (v = 0; v <= yTop + yStep * 1e-9; v += yStep) out.push('<line x1="' + (ml - 5) + '" y1="' + n2(Y(v)) + '" x2="' + ml + '" y2="' + n2(Y(v)) + '"/>');
  for (v = xFirst; v <= x1v + xStep * 1e-9; v += xStep) out.push('<line x1="' + n2(X(v)) + '" y1="' + (mt + ph) + '" x2="' + n2(X(v)) + '" y2="' + (mt + ph + 5) + '"/>');
  out.push('</g>');
  out.push('<g fill="#000000">');
  for (v = 0; v <= yTop + yStep * 1e-9; v += yStep) {
    out.push('<text x="' + (ml - 8) + '" y="' + n2(Y(v) + 4) + '" text-anchor="end">' + tickLabel(v, yStep) + '</text>');
  }
  for (v = xFirst; v <= x1v + xStep * 1e-9; v += xStep) {
    out.push('<text x="' + n2(X(v)) + '" y="' + (mt + ph + 19) + '" text-anchor="middle">' + tickLabel(v, xStep) + '</text>');
  }
  out.push('<text x="' + n2(ml + pw / 2) + '" y="' + (H - 12) + '" text-anchor="middle">time (' + (useS ? 's' : 'ms') + ')</text>');
  out.push('<text x="18" y="' + n2(mt + ph / 2) + '" text-anchor="middle" transform="rotate(-90 18 ' + n2(mt + ph / 2) + ')">power (mW)</text>');
  out.push('</g>');

  // Legend (top entry = top layer).
  var lx = ml + pw + 16;
  var ly = mt + 6;
  out.push('<g class="legend">');
  for (k = used.length - 1; k >= 0; k--) {
    out.push('<rect x="' + lx + '" y="' + ly + '" width="14" height="14" fill="' + used[k].color + '" fill-opacity="0.8"/>');
    out.push('<text x="' + (lx + 20) + '" y="' + (ly + 11) + '">' + esc(used[k].label) + '</text>');
    ly += 22;
  }
  var binLabel = series.binMs >= 1 ? fixed(series.binMs, series.binMs >= 10 ? 0 : 1) + ' ms' : fixed(series.binMs * 1000, 0) + ' µs';
  out.push('<text x="' + lx + '" y="' + (ly + 12) + '" font-size="10" fill="#555555">mean per ' + esc(binLabel) + ' bin</text>');
  if (stepNames.length > 0) {
    ly += 30;
    out.push('<text x="' + lx + '" y="' + (ly + 11) + '" font-size="11" font-weight="bold">steps</text>');
    ly += 18;
    for (k = 0; k < stepNames.length; k++) {
      out.push('<rect x="' + lx + '" y="' + ly + '" width="14" height="8" fill="' + STEP_COLORS[k % STEP_COLORS.length] + '"/>');
      out.push('<text x="' + (lx + 20) + '" y="' + (ly + 8) + '" font-size="11">' + esc(stepNames[k]) + '</text>');
      ly += 16;
    }
  }
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n') + '\n';
}
