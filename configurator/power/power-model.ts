/**
 * Energest-style energy accounting for one virtual board (Contiki-NG Energest /
 * Powertrace, as used in paper 000 §IV-B):
 *
 *   E = V · Σ_state I_state · ticks_state / TICKS_PER_SECOND
 *
 * Each component ('cpu', 'radio') is in exactly one state at a time; the model
 * keeps a timeline of state changes per component in integer microsecond ticks,
 * so the per-state time sums are exact integers and only the final product with
 * the current and voltage is a floating-point step. The instantaneous power of
 * the board is the sum of its components' (the linear model of Powertrace).
 *
 * Besides states the model records counted work (units of cost-table.ts) and
 * labelled operations (e.g. 'x25519', 'tx PRESENCE'): an operation is a time
 * window; its energy is everything the board drew inside the window, summed
 * per label into rows like paper 000's Table III (operation, count, time,
 * power, energy). Windows of different labels may overlap; each row is its own
 * measurement, so rows do not add up to the total.
 *
 * Errors are thrown as Error objects whose message starts with a code:
 * E_POWER_UNKNOWN_COMPONENT, E_POWER_UNKNOWN_STATE, E_POWER_UNKNOWN_UNIT,
 * E_POWER_UNKNOWN_ENGINE, E_POWER_TIME_BACKWARDS, E_POWER_NEGATIVE_DURATION,
 * E_POWER_BAD_NUMBER, E_POWER_BAD_COUNT, E_POWER_NO_OPEN_OP.
 *
 * ES5-safe (bundled into the engine scenarios): no Map/Set/Promise, no spread,
 * no destructuring, no default parameters; plain objects and arrays.
 */
import { ESP32_WROOM32, PowerParams } from './power-params.ts';
import { cpuSecondsFor as cpuSecondsForTable, CostTable, isKnownUnit } from './cost-table.ts';

/** The model's time base: integer microseconds. */
export var TICKS_PER_SECOND = 1000000;
var TICKS_PER_MS = 1000;

/**
 * CPU seconds for counted work on an engine (Σ count × cost-table seconds/unit).
 * The simulator calls this after each step and keeps the board's CPU active for
 * that long. `table` defaults to cost-table.ts's DEFAULT_COST_TABLE.
 */
export function cpuSecondsFor(workDelta: { [unit: string]: number }, engine: string, table?: CostTable): number {
  return cpuSecondsForTable(workDelta, engine, table);
}

function fail(code: string, msg: string): never {
  throw new Error(code + ': ' + msg);
}

function checkNumber(x: number, what: string): void {
  if (typeof x !== 'number' || !isFinite(x)) fail('E_POWER_BAD_NUMBER', what + ' must be a finite number, got ' + x);
}

/** Virtual ms -> integer µs ticks. */
export function msToTicks(ms: number): number {
  checkNumber(ms, 'time (ms)');
  return Math.round(ms * TICKS_PER_MS);
}

/** One row of the per-state account. */
export interface StateRow {
  component: string;
  state: string;
  mA: number;
  ticks: number;
  seconds: number;
  mJ: number;
  estimate: boolean;
}

/** One Table III row: all windows of one label together. */
export interface OpRow {
  label: string;
  count: number;
  ticks: number;
  seconds: number;
  /** Energy drawn by the whole board inside the windows (mJ). */
  mJ: number;
  /** mJ / seconds (mW); 0 for zero-length windows. */
  avgMw: number;
  /** Energy per component inside the windows (mJ). */
  byComponent: { [component: string]: number };
  /** Counted work reported inside the windows. */
  work: { [unit: string]: number };
}

export interface EnergyReport {
  board: string;
  params: string;
  voltageV: number;
  startMs: number;
  untilMs: number;
  ticks: number;
  seconds: number;
  totalMj: number;
  /** totalMj / seconds (mW). */
  avgMw: number;
  /** Energy per component (mJ). */
  components: { [component: string]: number };
  /** One row per component and state that the params define, in params order. */
  states: StateRow[];
  /** Table III rows in order of first appearance. */
  ops: OpRow[];
  /** All counted work. */
  work: { [unit: string]: number };
}

/** Average power per time bin, split for plotting. */
export interface PowerSeries {
  board: string;
  fromMs: number;
  untilMs: number;
  binMs: number;
  /** Start of each bin (ms). */
  t: number[];
  /** mW per bin: cpu (all its states), radio rx, radio tx, radio other states. */
  cpu: number[];
  rx: number[];
  tx: number[];
  other: number[];
}

/** A piece of one component's timeline. */
export interface Segment {
  state: string;
  fromTicks: number;
  toTicks: number;
}

export interface BoardPower {
  board: string;
  params: PowerParams;
  /** Component `component` enters `state` at `atMs` (virtual ms). */
  setState(component: string, state: string, atMs: number): void;
  /** The component's latest state. */
  stateOf(component: string): string;
  /** `count` units of work (a cost-table unit) reported at `atMs`. */
  work(unit: string, count: number, atMs: number): void;
  /** Open a window of operation `label` (windows of one label nest as a stack). */
  beginOp(label: string, atMs: number): void;
  /** Close the most recently opened window of `label`. */
  endOp(label: string, atMs: number): void;
  /** Record a finished window of operation `label`. */
  op(label: string, fromMs: number, toMs: number): void;
  /**
   * CPU active from `atMs` for `seconds`, then idle; records a window of
   * `label` if given. Returns the end time (ms).
   */
  busy(atMs: number, seconds: number, label?: string): number;
  /** Latest state-change time over all components (ms). */
  lastChangeMs(): number;
  /**
   * The account from `fromMs` (default: the start) to `untilMs` (default: the
   * latest change). Operation windows and counted work are clipped to it, so
   * the account of a window is exactly what the board drew inside it (energy
   * per provisioning: boot to provisioned).
   */
  energy(untilMs?: number, fromMs?: number): EnergyReport;
  /**
   * End (ms) of the CPU-active period that starts at `atMs` (a callback's busy
   * time), or `atMs` if the CPU is not active then.
   */
  busyEnd(atMs: number): number;
  /** Average power per bin over [fromMs, untilMs] (defaults: start, latest change). */
  series(bins: number, untilMs?: number, fromMs?: number): PowerSeries;
  /** One component's timeline up to `untilMs`. */
  segments(component: string, untilMs?: number): Segment[];
}

/** Internal per-component track: change times (ticks) and the state entered. */
interface Track {
  ts: number[];
  ss: string[];
}

/** Index of the last change at or before tick `t` (ts[0] <= t assumed). */
function lastAtOrBefore(ts: number[], t: number): number {
  var lo = 0;
  var hi = ts.length - 1;
  while (lo < hi) {
    var mid = (lo + hi + 1) >> 1;
    if (ts[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Index of the first entry >= t (ts.length if none). */
function firstAtOrAfter(ts: number[], t: number): number {
  var lo = 0;
  var hi = ts.length;
  while (lo < hi) {
    var mid = (lo + hi) >> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A power account for one board. `params` defaults to ESP32_WROOM32, `startMs`
 * to 0; each component starts in params.initial[component].
 */
export function createBoardPower(board: string, params?: PowerParams, startMs?: number): BoardPower {
  var p = params === undefined ? ESP32_WROOM32 : params;
  var start = msToTicks(startMs === undefined ? 0 : startMs);
  if (start < 0) fail('E_POWER_BAD_NUMBER', 'startMs must be >= 0, got ' + startMs);
  var componentNames: string[] = [];
  var tracks: { [component: string]: Track } = {};
  var c: string;
  for (c in p.components) {
    if (!Object.prototype.hasOwnProperty.call(p.components, c)) continue;
    var init = p.initial[c];
    if (init === undefined || !Object.prototype.hasOwnProperty.call(p.components[c], init)) {
      fail('E_POWER_UNKNOWN_STATE', 'params ' + p.name + ' has no valid initial state for ' + c);
    }
    componentNames.push(c);
    tracks[c] = { ts: [start], ss: [init] };
  }
  var opLabels: string[] = [];
  var opFrom: number[] = [];
  var opTo: number[] = [];
  var open: { [label: string]: number[] } = {};
  var workT: number[] = [];
  var workU: string[] = [];
  var workN: number[] = [];
  /** True while work was reported in time order (then windows use a binary search). */
  var workSorted = true;

  function trackOf(component: string): Track {
    if (!Object.prototype.hasOwnProperty.call(tracks, component)) {
      fail('E_POWER_UNKNOWN_COMPONENT', component + ' (known: ' + componentNames.join(', ') + ')');
    }
    return tracks[component];
  }

  function checkState(component: string, state: string): void {
    if (!Object.prototype.hasOwnProperty.call(p.components[component], state)) {
      fail('E_POWER_UNKNOWN_STATE', component + ' has no state ' + state + ' in params ' + p.name);
    }
  }

  function setStateTicks(component: string, state: string, t: number): void {
    var tr = trackOf(component);
    checkState(component, state);
    var last = tr.ts[tr.ts.length - 1];
    if (t < last) {
      fail('E_POWER_TIME_BACKWARDS', component + ' -> ' + state + ' at ' + t / TICKS_PER_MS + ' ms, before its last change at ' + last / TICKS_PER_MS + ' ms');
    }
    var cur = tr.ss[tr.ss.length - 1];
    if (cur === state) return;
    if (t === last) {
      // Two changes at the same instant: the later one wins, no zero-length segment.
      tr.ss[tr.ss.length - 1] = state;
      if (tr.ss.length > 1 && tr.ss[tr.ss.length - 2] === state) {
        tr.ss.pop();
        tr.ts.pop();
      }
      return;
    }
    tr.ts.push(t);
    tr.ss.push(state);
  }

  function lastChangeTicks(): number {
    var m = start;
    for (var i = 0; i < componentNames.length; i++) {
      var ts = tracks[componentNames[i]].ts;
      if (ts[ts.length - 1] > m) m = ts[ts.length - 1];
    }
    return m;
  }

  function untilTicks(untilMs: number | undefined): number {
    if (untilMs === undefined) return lastChangeTicks();
    var u = msToTicks(untilMs);
    var lc = lastChangeTicks();
    if (u < lc) fail('E_POWER_TIME_BACKWARDS', 'until ' + untilMs + ' ms is before the latest change at ' + lc / TICKS_PER_MS + ' ms');
    return u;
  }

  /** Ticks per state of one component inside [a, b). Adds into `acc`. */
  function ticksIn(component: string, a: number, b: number, acc: { [state: string]: number }): void {
    var tr = tracks[component];
    if (b <= a) return;
    var i = a < tr.ts[0] ? 0 : lastAtOrBefore(tr.ts, a);
    for (; i < tr.ts.length; i++) {
      var s0 = tr.ts[i];
      var s1 = i + 1 < tr.ts.length ? tr.ts[i + 1] : b;
      if (s0 >= b) break;
      var lo = s0 > a ? s0 : a;
      var hi = s1 < b ? s1 : b;
      if (hi > lo) acc[tr.ss[i]] = (acc[tr.ss[i]] || 0) + (hi - lo);
    }
  }

  function mJ(component: string, state: string, ticks: number): number {
    return (p.voltageV * p.components[component][state].mA * ticks) / TICKS_PER_SECOND;
  }

  /** Energy per component inside [a, b): { component: mJ }, plus 'total'. */
  function energyIn(a: number, b: number): { [component: string]: number } {
    var out: { [component: string]: number } = {};
    var total = 0;
    for (var i = 0; i < componentNames.length; i++) {
      var comp = componentNames[i];
      var acc: { [state: string]: number } = {};
      ticksIn(comp, a, b, acc);
      var e = 0;
      for (var s in acc) e += mJ(comp, s, acc[s]);
      out[comp] = e;
      total += e;
    }
    out.total = total;
    return out;
  }

  function inWindow(t: number, a: number, b: number): boolean {
    return a === b ? t === a : t >= a && t < b;
  }

  var self: BoardPower = {
    board: board,
    params: p,

    setState: function (component: string, state: string, atMs: number): void {
      setStateTicks(component, state, msToTicks(atMs));
    },

    stateOf: function (component: string): string {
      var tr = trackOf(component);
      return tr.ss[tr.ss.length - 1];
    },

    work: function (unit: string, count: number, atMs: number): void {
      if (!isKnownUnit(unit)) fail('E_POWER_UNKNOWN_UNIT', unit);
      if (typeof count !== 'number' || !(count >= 0) || !isFinite(count)) {
        fail('E_POWER_BAD_COUNT', unit + ' count must be a non-negative number, got ' + count);
      }
      var t = msToTicks(atMs);
      if (workT.length > 0 && t < workT[workT.length - 1]) workSorted = false;
      workT.push(t);
      workU.push(unit);
      workN.push(count);
    },

    beginOp: function (label: string, atMs: number): void {
      var t = msToTicks(atMs);
      if (!Object.prototype.hasOwnProperty.call(open, label)) open[label] = [];
      open[label].push(t);
    },

    endOp: function (label: string, atMs: number): void {
      var t = msToTicks(atMs);
      var stack = Object.prototype.hasOwnProperty.call(open, label) ? open[label] : undefined;
      if (stack === undefined || stack.length === 0) fail('E_POWER_NO_OPEN_OP', 'endOp(' + label + ') without beginOp');
      var t0 = (stack as number[])[(stack as number[]).length - 1];
      if (t < t0) fail('E_POWER_NEGATIVE_DURATION', label + ' ends at ' + atMs + ' ms, before it began at ' + t0 / TICKS_PER_MS + ' ms');
      (stack as number[]).pop();
      opLabels.push(label);
      opFrom.push(t0);
      opTo.push(t);
    },

    op: function (label: string, fromMs: number, toMs: number): void {
      var a = msToTicks(fromMs);
      var b = msToTicks(toMs);
      if (b < a) fail('E_POWER_NEGATIVE_DURATION', label + ' from ' + fromMs + ' ms to ' + toMs + ' ms');
      opLabels.push(label);
      opFrom.push(a);
      opTo.push(b);
    },

    busy: function (atMs: number, seconds: number, label?: string): number {
      checkNumber(seconds, 'seconds');
      if (seconds < 0) fail('E_POWER_NEGATIVE_DURATION', 'busy for ' + seconds + ' s');
      var a = msToTicks(atMs);
      var b = a + Math.round(seconds * TICKS_PER_SECOND);
      setStateTicks('cpu', 'cpu', a);
      setStateTicks('cpu', 'idle', b);
      if (label !== undefined) {
        opLabels.push(label);
        opFrom.push(a);
        opTo.push(b);
      }
      return b / TICKS_PER_MS;
    },

    lastChangeMs: function (): number {
      return lastChangeTicks() / TICKS_PER_MS;
    },

    energy: function (untilMs?: number, fromMs?: number): EnergyReport {
      // A window (fromMs given) may end before later changes; the whole account may not.
      var until = fromMs !== undefined && untilMs !== undefined ? msToTicks(untilMs) : untilTicks(untilMs);
      var from = fromMs === undefined ? start : msToTicks(fromMs);
      if (from < start) from = start;
      if (until < from) fail('E_POWER_NEGATIVE_DURATION', 'account from ' + from / TICKS_PER_MS + ' ms to ' + until / TICKS_PER_MS + ' ms');
      var states: StateRow[] = [];
      var components: { [component: string]: number } = {};
      var total = 0;
      for (var i = 0; i < componentNames.length; i++) {
        var comp = componentNames[i];
        var acc: { [state: string]: number } = {};
        ticksIn(comp, from, until, acc);
        var ce = 0;
        for (var s in p.components[comp]) {
          if (!Object.prototype.hasOwnProperty.call(p.components[comp], s)) continue;
          var ticks = acc[s] || 0;
          var e = mJ(comp, s, ticks);
          ce += e;
          states.push({
            component: comp,
            state: s,
            mA: p.components[comp][s].mA,
            ticks: ticks,
            seconds: ticks / TICKS_PER_SECOND,
            mJ: e,
            estimate: p.components[comp][s].estimate,
          });
        }
        components[comp] = ce;
        total += ce;
      }

      // Operation windows: finished ones, then still-open ones closed at `until`.
      var labels = opLabels.slice();
      var froms = opFrom.slice();
      var tos = opTo.slice();
      for (var l in open) {
        if (!Object.prototype.hasOwnProperty.call(open, l)) continue;
        for (var k = 0; k < open[l].length; k++) {
          labels.push(l);
          froms.push(open[l][k]);
          tos.push(until > open[l][k] ? until : open[l][k]);
        }
      }
      // Clip every window to [from, until]; windows wholly outside are left out.
      var kept = 0;
      for (var c2 = 0; c2 < labels.length; c2++) {
        var a2 = froms[c2] > from ? froms[c2] : from;
        var b2 = tos[c2] < until ? tos[c2] : until;
        var outside = froms[c2] === tos[c2] ? froms[c2] < from || froms[c2] > until : b2 <= a2;
        if (outside) continue;
        labels[kept] = labels[c2];
        froms[kept] = froms[c2] === tos[c2] ? froms[c2] : a2;
        tos[kept] = froms[c2] === tos[c2] ? tos[c2] : b2;
        kept++;
      }
      // splice, not `.length = kept`: Espruino refuses writes to an array's length.
      labels.splice(kept);
      froms.splice(kept);
      tos.splice(kept);
      var rows: OpRow[] = [];
      var rowOf: { [label: string]: OpRow } = {};
      for (var j = 0; j < labels.length; j++) {
        var row = rowOf[labels[j]];
        if (row === undefined) {
          var byC: { [component: string]: number } = {};
          for (var q = 0; q < componentNames.length; q++) byC[componentNames[q]] = 0;
          row = { label: labels[j], count: 0, ticks: 0, seconds: 0, mJ: 0, avgMw: 0, byComponent: byC, work: {} };
          rowOf[labels[j]] = row;
          rows.push(row);
        }
        var ew = energyIn(froms[j], tos[j]);
        row.count++;
        row.ticks += tos[j] - froms[j];
        row.mJ += ew.total;
        for (var r = 0; r < componentNames.length; r++) row.byComponent[componentNames[r]] += ew[componentNames[r]];
        var w = workSorted ? firstAtOrAfter(workT, froms[j]) : 0;
        for (; w < workT.length; w++) {
          if (workSorted && workT[w] > tos[j]) break;
          if (inWindow(workT[w], froms[j], tos[j])) row.work[workU[w]] = (row.work[workU[w]] || 0) + workN[w];
        }
      }
      for (var z = 0; z < rows.length; z++) {
        rows[z].seconds = rows[z].ticks / TICKS_PER_SECOND;
        rows[z].avgMw = rows[z].ticks > 0 ? rows[z].mJ / rows[z].seconds : 0;
      }

      var work: { [unit: string]: number } = {};
      var whole = from === start;
      for (var v = 0; v < workT.length; v++) {
        // Work is stamped at the start of its callback: a window takes what was stamped inside [from, until).
        if (!whole && !(workT[v] >= from && workT[v] < until)) continue;
        work[workU[v]] = (work[workU[v]] || 0) + workN[v];
      }

      var seconds = (until - from) / TICKS_PER_SECOND;
      return {
        board: board,
        params: p.name,
        voltageV: p.voltageV,
        startMs: from / TICKS_PER_MS,
        untilMs: until / TICKS_PER_MS,
        ticks: until - from,
        seconds: seconds,
        totalMj: total,
        avgMw: seconds > 0 ? total / seconds : 0,
        components: components,
        states: states,
        ops: rows,
        work: work,
      };
    },

    busyEnd: function (atMs: number): number {
      var t = msToTicks(atMs);
      var tr = tracks.cpu;
      if (tr === undefined) return atMs;
      var i = lastAtOrBefore(tr.ts, t);
      if (tr.ts[i] > t || tr.ss[i] !== 'cpu') return atMs;
      return i + 1 < tr.ts.length ? tr.ts[i + 1] / TICKS_PER_MS : lastChangeTicks() / TICKS_PER_MS;
    },

    series: function (bins: number, untilMs?: number, fromMs?: number): PowerSeries {
      if (!(bins >= 1) || bins !== Math.floor(bins)) fail('E_POWER_BAD_NUMBER', 'bins must be a positive integer, got ' + bins);
      // A window (fromMs given) may end before later changes.
      var until = fromMs !== undefined && untilMs !== undefined ? msToTicks(untilMs) : untilTicks(untilMs);
      var from = fromMs === undefined ? start : msToTicks(fromMs);
      if (until < from) fail('E_POWER_NEGATIVE_DURATION', 'series from ' + from / TICKS_PER_MS + ' ms to ' + until / TICKS_PER_MS + ' ms');
      var binTicks = (until - from) / bins;
      var out: PowerSeries = {
        board: board,
        fromMs: from / TICKS_PER_MS,
        untilMs: until / TICKS_PER_MS,
        binMs: binTicks / TICKS_PER_MS,
        t: [],
        cpu: [],
        rx: [],
        tx: [],
        other: [],
      };
      var b: number;
      for (b = 0; b < bins; b++) {
        out.t.push((from + b * binTicks) / TICKS_PER_MS);
        out.cpu.push(0);
        out.rx.push(0);
        out.tx.push(0);
        out.other.push(0);
      }
      if (binTicks === 0) return out;
      for (var i = 0; i < componentNames.length; i++) {
        var comp = componentNames[i];
        var tr = tracks[comp];
        for (var k = 0; k < tr.ts.length; k++) {
          var s0 = tr.ts[k] > from ? tr.ts[k] : from;
          var s1 = k + 1 < tr.ts.length ? tr.ts[k + 1] : until;
          if (s1 > until) s1 = until;
          if (s1 <= s0) continue;
          var st = tr.ss[k];
          var mW = p.voltageV * p.components[comp][st].mA;
          if (mW === 0) continue;
          var dest = comp === 'cpu' ? out.cpu : st === 'rx' ? out.rx : st === 'tx' ? out.tx : out.other;
          var first = Math.floor((s0 - from) / binTicks);
          var last = Math.min(bins - 1, Math.floor((s1 - from) / binTicks));
          for (b = first; b <= last; b++) {
            var b0 = from + b * binTicks;
            var b1 = b0 + binTicks;
            var lo = s0 > b0 ? s0 : b0;
            var hi = s1 < b1 ? s1 : b1;
            if (hi > lo) dest[b] += (mW * (hi - lo)) / binTicks;
          }
        }
      }
      return out;
    },

    segments: function (component: string, untilMs?: number): Segment[] {
      var tr = trackOf(component);
      var until = untilTicks(untilMs);
      var segs: Segment[] = [];
      for (var i = 0; i < tr.ts.length; i++) {
        var t1 = i + 1 < tr.ts.length ? tr.ts[i + 1] : until;
        segs.push({ state: tr.ss[i], fromTicks: tr.ts[i], toTicks: t1 });
      }
      return segs;
    },
  };
  return self;
}

/**
 * A MeterPort (firmware/ports/ports.ts) that records into `bp` at the virtual
 * time `now()` returns.
 */
export function meterFor(
  bp: BoardPower,
  now: () => number
): { state(component: string, state: string): void; work(unit: string, count: number): void } {
  return {
    state: function (component: string, state: string): void {
      bp.setState(component, state, now());
    },
    work: function (unit: string, count: number): void {
      bp.work(unit, count, now());
    },
  };
}
