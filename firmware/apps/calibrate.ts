/**
 * The calibration bench (issue 14, part 3): run on a real ESP32, it measures
 * what the power model's cost table (configurator/power/cost-table.ts) needs
 * per unit of counted work, and prints it as ONE parsable line
 *
 *   NOWBOARD {"ev":"calibrate","format":1,"engine":...,"units":{...}}
 *
 * that `nowboard calibrate --from FILE` turns into a calibration file.
 *
 * Each figure times a loop with the engine's own clock (getTime() on
 * Espruino) and divides by the work the crypto counted during it
 * (firmware/crypto/work-counters.ts), the way docs/power-model.md derived the
 * Linux figures, so a per-unit figure carries its operation's other work in
 * the same proportion:
 *
 *   loop            one empty loop iteration (the reference for a board factor)
 *   fmul25519       x25519Base, pure JS: seconds / counted 2^255-19 products
 *   fmulP           a variable-base P-256 multiplication (ECDH), pure JS
 *   fmul25519Accel, fmulPAccel   the same with E.convolve installed (native engine)
 *   finv            one 2^255-19 inversion minus its counted products at the
 *                   fmul25519 figure (what the cost table adds per inversion;
 *                   0 when the inversion costs no more than its products)
 *   shaBlock        sha256 of 64-B multiples, pure JS, per compression
 *   aesBlock        aesEncryptBlock, pure JS, per block
 *   shaBlockNative  require("crypto").SHA256, per extra block (a long message
 *                   minus a short one: the per-call cost is left out, as the
 *                   cost table's unit defines it)
 *   aesBlockNative  require("crypto").AES, one block per call (as the firmware
 *                   calls it), minus an empty call
 *   event           the runtime handling one received 250-B frame: dispatch,
 *                   the meter calls, a role that decodes the header, copies the
 *                   frame, makes a new state and arms a timer
 *
 * A unit that cannot be measured (no E.convolve, no require("crypto"), out of
 * memory) is left out and named in `errors`; the cost table keeps its
 * estimate for it. Pure module: the clock, the printer and the natives are
 * handed in by the entry (firmware/platform/espruino/calibrate-main.ts).
 * ES5 rules of docs/firmware-rules.md apply.
 */
import { work } from '../crypto/work-counters.ts';
import { nativeWork, NativeCrypto } from '../crypto/crypto-natives.ts';
import { installEngineHooks, ConvolveFn } from '../crypto/engine-hooks.ts';
import { x25519Base } from '../crypto/x25519.ts';
import { p256Ecdh, p256GetPublicKey } from '../crypto/p256.ts';
import { fe, feInv, feFromBytes } from '../crypto/field25519.ts';
import { sha256 } from '../crypto/sha256.ts';
import { aesExpandKey, aesEncryptBlock } from '../crypto/aes128.ts';
import { copyBytes, readU32 } from '../bytes/bytes.ts';
import { Ports } from '../ports/ports.ts';
import { startRuntime } from '../runtime/runtime.ts';
import { Role, CoreEvent, Step } from '../runtime/events.ts';

/** Format of the line (bump when a field changes meaning). */
export var CALIBRATE_FORMAT = 1;

export interface CalibrateEnv {
  /** seconds, monotonic enough for intervals */
  now: () => number;
  print: (s: string) => void;
  /** which clock `now` is, for the line */
  clock: string;
  /** engine name and version, for the line */
  engine: string;
  convolve: ConvolveFn | null;
  /** adapted require("crypto") natives (firmware/platform/espruino/crypto-adapter.ts), or null */
  natives: NativeCrypto | null;
  /** minimum seconds per timed loop (default 0.5; a heavy operation runs at least once) */
  minSeconds?: number;
  /** schedule the next measurement (setTimeout on Espruino, so the console drains); null = run on */
  defer: ((fn: () => void) => void) | null;
  /** called after the line is printed */
  done?: (line: string) => void;
}

export interface UnitFigure {
  /** milliseconds per unit */
  ms: number;
  /** units counted in one timed run */
  n: number;
  /** timed runs */
  reps: number;
}

function bytesOf(n: number, seed: number): Uint8Array {
  var b = new Uint8Array(n);
  var x = seed;
  for (var i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    b[i] = (x >> 16) & 255;
  }
  return b;
}

/** Milliseconds with 4 significant digits, as a number (no toPrecision: engines differ). */
function round4(ms: number): number {
  if (!(ms > 0)) return 0;
  var scale = 1;
  while (ms * scale < 1000) scale *= 10;
  while (ms * scale >= 10000) scale /= 10;
  return Math.round(ms * scale) / scale;
}

export function runCalibration(env: CalibrateEnv): void {
  var minS = env.minSeconds === undefined ? 0.5 : env.minSeconds;
  var units: { [u: string]: UnitFigure } = {};
  var errors: { [u: string]: string } = {};

  /** Seconds per run of `fn` (at least one run, then until minS have passed), and the runs made. */
  function timeRuns(fn: () => void): { s: number; reps: number } {
    var reps = 0;
    var t0 = env.now();
    var t = t0;
    do {
      fn();
      reps++;
      t = env.now();
    } while (t - t0 < minS);
    return { s: (t - t0) / reps, reps: reps };
  }

  /** Time `fn`, count the work it does per run, and divide by `unit`'s count. */
  function perUnit(name: string, unit: string, fn: () => void, counter?: { [k: string]: number }): void {
    var src = counter || (work as unknown as { [k: string]: number });
    var w0 = src[unit];
    fn(); // warm-up, and the count of one run
    var n = src[unit] - w0;
    if (!(n > 0)) {
      errors[name] = 'no ' + unit + ' counted';
      return;
    }
    var r = timeRuns(fn);
    units[name] = { ms: round4((r.s * 1000) / n), n: n, reps: r.reps };
  }

  var sk = bytesOf(32, 7);
  var peer = p256GetPublicKey(bytesOf(32, 11));
  var fa = fe();
  var fo = fe();
  feFromBytes(fa, bytesOf(32, 3));
  var ks = aesExpandKey(bytesOf(16, 13));
  var blk = bytesOf(16, 17);
  var blkOut = new Uint8Array(16);
  var msg1 = bytesOf(55, 19); // one compression
  var msg33 = bytesOf(64 * 32 + 55, 23); // 33 compressions

  var steps: { name: string; run: () => void }[] = [];
  function step(name: string, run: () => void): void {
    steps.push({ name: name, run: run });
  }

  step('loop', function () {
    var iters = 10000;
    var r = timeRuns(function () {
      for (var i = 0; i < iters; i++) {
        /* empty */
      }
    });
    units.loop = { ms: round4((r.s * 1000) / iters), n: iters, reps: r.reps };
  });
  step('shaBlock', function () {
    installEngineHooks({});
    perUnit('shaBlock', 'shaBlock', function () {
      sha256(msg33);
    });
  });
  step('aesBlock', function () {
    installEngineHooks({});
    perUnit('aesBlock', 'aesBlock', function () {
      for (var i = 0; i < 16; i++) aesEncryptBlock(ks, blk, blkOut);
    });
  });
  step('shaBlockNative', function () {
    if (!env.natives || !env.natives.sha256) {
      errors.shaBlockNative = 'no native SHA-256';
      return;
    }
    installEngineHooks({ crypto: env.natives });
    var c0 = nativeWork.shaBlock;
    sha256(msg1);
    var b1 = nativeWork.shaBlock - c0;
    c0 = nativeWork.shaBlock;
    sha256(msg33);
    var b33 = nativeWork.shaBlock - c0;
    var reps = 20;
    var short = timeRuns(function () {
      for (var i = 0; i < reps; i++) sha256(msg1);
    });
    var long = timeRuns(function () {
      for (var i = 0; i < reps; i++) sha256(msg33);
    });
    installEngineHooks({});
    if (!(b33 > b1)) {
      errors.shaBlockNative = 'native SHA-256 not used';
      return;
    }
    var per = (long.s - short.s) / reps / (b33 - b1);
    units.shaBlockNative = { ms: round4(per * 1000), n: (b33 - b1) * reps, reps: long.reps };
  });
  step('aesBlockNative', function () {
    if (!env.natives || !env.natives.aesEncryptBlock) {
      errors.aesBlockNative = 'no native AES';
      return;
    }
    installEngineHooks({ crypto: env.natives });
    var c0 = nativeWork.aesBlock;
    aesEncryptBlock(ks, blk, blkOut);
    var used = nativeWork.aesBlock - c0;
    var reps = 50;
    var withAes = timeRuns(function () {
      for (var i = 0; i < reps; i++) aesEncryptBlock(ks, blk, blkOut);
    });
    installEngineHooks({});
    var empty = timeRuns(function () {
      for (var i = 0; i < reps; i++) blkOut[0] = blk[0];
    });
    if (!(used > 0)) {
      errors.aesBlockNative = 'native AES not used';
      return;
    }
    var per = (withAes.s - empty.s) / reps;
    units.aesBlockNative = { ms: round4((per > 0 ? per : 0) * 1000), n: reps, reps: withAes.reps };
  });
  step('event', function () {
    installEngineHooks({});
    var ev = measureEvent(timeRuns);
    units.event = { ms: round4(ev * 1000), n: 1, reps: 1 };
  });
  step('fmul25519', function () {
    installEngineHooks({});
    perUnit('fmul25519', 'fmul25519', function () {
      x25519Base(sk);
    });
  });
  step('finv', function () {
    installEngineHooks({});
    var f0 = work.fmul25519;
    var i0 = work.finv;
    feInv(fo, fa);
    var nf = work.fmul25519 - f0;
    var ni = work.finv - i0;
    var r = timeRuns(function () {
      feInv(fo, fa);
    });
    // The cost table charges an inversion's products at the fmul25519 rate: finv is what it costs beyond them.
    var perMul = units.fmul25519 ? units.fmul25519.ms / 1000 : 0;
    if (!perMul || !(ni > 0)) {
      errors.finv = 'needs fmul25519';
      return;
    }
    var rest = (r.s - nf * perMul) / ni;
    units.finv = { ms: round4((rest > 0 ? rest : 0) * 1000), n: ni, reps: r.reps };
  });
  step('fmul25519Accel', function () {
    if (!env.convolve) {
      errors.fmul25519Accel = 'no E.convolve';
      return;
    }
    installEngineHooks({ convolve: env.convolve });
    perUnit('fmul25519Accel', 'fmul25519', function () {
      x25519Base(sk);
    });
    installEngineHooks({});
  });
  step('fmulP', function () {
    installEngineHooks({});
    perUnit('fmulP', 'fmulP', function () {
      p256Ecdh(sk, peer);
    });
  });
  step('fmulPAccel', function () {
    if (!env.convolve) {
      errors.fmulPAccel = 'no E.convolve';
      return;
    }
    installEngineHooks({ convolve: env.convolve });
    perUnit('fmulPAccel', 'fmulP', function () {
      p256Ecdh(sk, peer);
    });
    installEngineHooks({});
  });

  var k = 0;
  function finish(): void {
    installEngineHooks({});
    var line = 'NOWBOARD ' + JSON.stringify({
      ev: 'calibrate',
      format: CALIBRATE_FORMAT,
      engine: env.engine,
      clock: env.clock,
      minSeconds: minS,
      units: units,
      errors: errors,
    });
    env.print(line);
    if (env.done) env.done(line);
  }
  function next(): void {
    if (k >= steps.length) {
      finish();
      return;
    }
    var s = steps[k++];
    try {
      s.run();
      env.print('calibrate: ' + s.name + (units[s.name] ? ' ' + units[s.name].ms + ' ms' : ' -- ' + (errors[s.name] || 'skipped')));
    } catch (e) {
      errors[s.name] = String(e && (e as Error).message ? (e as Error).message : e);
      env.print('calibrate: ' + s.name + ' failed: ' + errors[s.name]);
    }
    if (env.defer) env.defer(next);
    else next();
  }
  env.print('calibrate: ' + env.engine + ', clock ' + env.clock + ', ' + steps.length + ' measurements (the P-256 ones take about a minute each on an ESP32)');
  next();
}

/**
 * Seconds the runtime takes to handle one received 250-B frame for a role
 * that decodes its header, copies it, makes a new state and arms a timer,
 * minus nothing: the whole event is the unit.
 */
function measureEvent(timeRuns: (fn: () => void) => { s: number; reps: number }): number {
  var armed = 0;
  var handler: ((from: Uint8Array, bytes: Uint8Array, rssi: number) => void) | null = null;
  var ports: Ports = {
    wifi: { join: function () {}, leave: function () {} },
    radio: {
      mac: function () {
        return new Uint8Array(6);
      },
      send: function () {},
      onReceive: function (h: (from: Uint8Array, bytes: Uint8Array, rssi: number) => void) {
        handler = h;
      },
    },
    clock: {
      now: function () {
        return 0;
      },
      setTimer: function () {
        armed++;
        return armed;
      },
      clearTimer: function () {},
    },
    random: {
      bytes: function (n: number) {
        return new Uint8Array(n);
      },
    },
    storage: {
      read: function () {
        return undefined;
      },
      write: function () {},
      erase: function () {},
      list: function () {
        return [];
      },
    },
    log: { log: function () {} },
    meter: { state: function () {}, work: function () {} },
  };
  var role: Role<{ n: number; last: Uint8Array | null; sid: number }, {}> = {
    proto: 1,
    name: 'calibrate/event',
    randBytes: 0,
    next: function (st: { n: number; last: Uint8Array | null; sid: number }, ev: CoreEvent<{}>): Step<{ n: number; last: Uint8Array | null; sid: number }> {
      if (ev.t !== 'frame') return { state: st, effects: [], tr: 'ignored', code: 0 };
      var b = ev.bytes;
      if (b.length < 7 || b[0] !== 1) return { state: st, effects: [], tr: 'short', code: 32 };
      var ns = { n: st.n + 1, last: copyBytes(b, 7), sid: readU32(b, 3) };
      return { state: ns, effects: [{ t: 'arm', id: 'session', ms: 5000 }], tr: 'frame', code: 0 };
    },
  };
  startRuntime(ports, [{ role: role, initial: { n: 0, last: null, sid: 0 } }], {});
  var frame = bytesOf(250, 29);
  frame[0] = 1;
  var from = new Uint8Array([2, 0, 0, 0, 0, 1]);
  var h = handler as unknown as (from: Uint8Array, bytes: Uint8Array, rssi: number) => void;
  var reps = 20;
  var r = timeRuns(function () {
    for (var i = 0; i < reps; i++) h(from, frame, -40);
  });
  return r.s / reps;
}
