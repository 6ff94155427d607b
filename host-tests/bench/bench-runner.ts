/**
 * The crypto benchmark's runner, shared by Node (run-benches.ts imports it) and
 * the bundle dist/bench/crypto-bench.js that runs unchanged on Espruino,
 * JerryScript and Duktape. ES5 rules of docs/firmware-rules.md apply: the bundle
 * is built from this file.
 *
 * The clock is found at run time: Espruino's getTime() (seconds, float) when it
 * exists, else Date.now(). Output goes to print() when it exists (Espruino,
 * JerryScript, Duktape), else console.log (Node).
 *
 * Each case runs at least once, in up to three timed blocks of at least 0.25 s
 * (about 0.75 s in all) within its iteration cap; one line per case gives the
 * fastest block's seconds per operation and operations per second. Then each case as a ratio to the baseline case (one
 * tweetnacl X25519 base-point multiplication on the same engine, same run), and
 * the verdicts of the targets that are stated against it.
 */

declare var getTime: undefined | (() => number);
declare var print: undefined | ((s: string) => void);
declare var performance: undefined | { now: () => number };

export interface BenchCase {
  name: string;
  /** Cap on repetitions (the runner stops earlier once 0.5 s have passed). */
  iterations: number;
  run: () => void;
  /** Optional, called once before timing starts (inputs that cost a lot to make). */
  setup?: () => void;
}

export interface BenchResult {
  name: string;
  /** seconds per operation; -1 when the case threw */
  secs: number;
  runs: number;
  error?: string;
}

/** Name of the reference case: tweetnacl's X25519 base-point multiplication. */
export var BASELINE = 'tweetnacl x25519 base';
/** Name of the whole-handshake case (target: at most one baseline multiplication). */
export var HANDSHAKE = 'enrollee handshake crypto';

/**
 * Seconds, from the best clock this engine has: Espruino's getTime(), else
 * performance.now() (Node; sub-millisecond), else Date.now() (Duktape, JerryScript).
 */
export function benchNow(): number {
  if (typeof getTime === 'function') return getTime();
  if (typeof performance !== 'undefined' && performance && typeof performance.now === 'function') return performance.now() / 1000;
  return Date.now() / 1000;
}

function defaultPrint(s: string): void {
  if (typeof print === 'function') print(s);
  else console.log(s);
}

/**
 * 3 significant digits, without toFixed/toPrecision (their output differs between
 * engines) and without Math.pow (inexact on Espruino).
 */
function fmt(x: number): string {
  if (!(x > 0)) return String(x);
  var e = 0, m = x;
  while (m >= 1000) { m /= 10; e++; }
  while (m < 100) { m *= 10; e--; }
  var s = String(Math.round(m));
  if (s.length > 3) { s = s.substring(0, 3); e++; } // 999.6 rounds to 1000
  if (e >= 0) {
    while (e-- > 0) s += '0';
    return s;
  }
  var digits = -e;
  while (s.length <= digits) s = '0' + s;
  return s.substring(0, s.length - digits) + '.' + s.substring(s.length - digits);
}

/** s padded with spaces to n characters, and at least one space after it. */
function pad(s: string, n: number): string {
  s += ' ';
  while (s.length < n) s += ' ';
  return s;
}

/**
 * Run every case and print the table, the ratios and the target verdicts.
 * `out` overrides the printer (tests, Node); `capScale` multiplies every
 * iteration cap (Node runs ~100x faster than the small engines the caps are
 * sized for); returns the measured results.
 */
export function runBench(cases: BenchCase[], out?: (s: string) => void, capScale?: number): BenchResult[] {
  var scale = capScale || 1;
  var p = out || defaultPrint;
  var results: BenchResult[] = [];
  p(pad('case', 34) + pad('s/op', 12) + 'ops/s');
  for (var i = 0; i < cases.length; i++) {
    var c = cases[i];
    var n = 0, t0 = 0, dt = 0, blocks = 0, best = -1, spent = 0, cap = c.iterations * scale;
    try {
      if (c.setup) c.setup();
      // Up to 3 timed blocks of >= 0.25 s each (while 0.75 s have not passed and the
      // cap allows); the figure is the fastest block's time per run, so a burst of
      // load from another process on the machine does not decide a ratio.
      do {
        var k = 0;
        t0 = benchNow();
        do {
          c.run();
          k++;
          n++;
          dt = benchNow() - t0;
        } while (dt < 0.25 && n < cap);
        blocks++;
        spent += dt;
        if (best < 0 || dt / k < best) best = dt / k;
      } while (blocks < 3 && spent < 0.75 && n < cap);
    } catch (e) {
      var msg = e && (e as Error).message ? (e as Error).message : String(e);
      results.push({ name: c.name, secs: -1, runs: n, error: msg });
      p(pad(c.name, 34) + 'ERROR ' + msg);
      continue;
    }
    var secs = best;
    results.push({ name: c.name, secs: secs, runs: n });
    p(pad(c.name, 34) + pad(fmt(secs), 12) + (secs > 0 ? fmt(1 / secs) : 'inf') + '   (' + n + ' runs' + (blocks > 1 ? ', best of ' + blocks + ' blocks' : '') + ')');
  }
  var base = find(results, BASELINE);
  if (base && base.secs > 0) {
    p('');
    p('ratio to one ' + BASELINE + ' (' + fmt(base.secs) + ' s):');
    for (i = 0; i < results.length; i++) {
      var r = results[i];
      if (r.secs > 0 && r.name !== BASELINE) p('  ' + pad(r.name, 32) + fmt(r.secs / base.secs) + 'x');
    }
    var hs = find(results, HANDSHAKE);
    if (hs && hs.secs > 0) {
      var q = hs.secs / base.secs;
      p('target: ' + HANDSHAKE + ' <= 1 tweetnacl X25519: ' + fmt(q) + 'x -> ' + (q <= 0.5 ? 'MET (half or better)' : q <= 1 ? 'MET' : 'NOT MET'));
    }
    var mine = find(results, 'x25519 base');
    if (mine && mine.secs > 0) {
      p('target: x25519 base faster than tweetnacl: ' + fmt(base.secs / mine.secs) + 'x as fast -> ' + (mine.secs < base.secs ? 'MET' : 'NOT MET'));
    }
    var pv = findPrefix(results, 'p256 var');
    if (pv && pv.secs > 0) {
      p('target: ' + pv.name + ' <= 1.5 tweetnacl X25519: ' + fmt(pv.secs / base.secs) + 'x -> ' + (pv.secs / base.secs <= 1.5 ? 'MET' : 'NOT MET'));
    }
  } else {
    p('(no ' + BASELINE + ' result: no ratios)');
  }
  return results;
}

function find(rs: BenchResult[], name: string): BenchResult | null {
  for (var i = 0; i < rs.length; i++) if (rs[i].name === name) return rs[i];
  return null;
}

function findPrefix(rs: BenchResult[], prefix: string): BenchResult | null {
  for (var i = 0; i < rs.length; i++) if (rs[i].name.indexOf(prefix) === 0) return rs[i];
  return null;
}
