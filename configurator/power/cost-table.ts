/**
 * CPU seconds per counted unit of work, per engine binding.
 *
 * The crypto code counts work (firmware/crypto/work-counters.ts: field
 * multiplications, inversions, SHA-256 compressions, AES blocks); the
 * simulator turns a step's counted work into CPU-busy time on the virtual
 * board with cpuSecondsFor(). Everything that can be recalibrated lives here:
 *
 *   ESPRUINO_LINUX_SECONDS  seconds per unit on Espruino 2v29, default Linux
 *                           build, on the development machine (measured);
 *   ESPRUINO_LINUX_CONVOLVE_SECONDS  the same with E.convolve products;
 *   BOARD_FACTOR            how much slower the same JS runs on an ESP32;
 *   ESP32_NATIVE_SECONDS    native SHA/AES on the ESP32 (ESP-IDF figures);
 *   HOST_SECONDS            Node 20 on the development machine.
 *
 * ALL BOARD FIGURES ARE ESTIMATES until measured on a real ESP32 (see
 * docs/power-model.md, "Recalibrating"). ES5-safe: plain objects, no Map.
 */

/** One per-unit figure with its derivation. */
export interface UnitCost {
  /** CPU seconds for one unit. */
  s: number;
  /** How the figure was obtained. */
  how: string;
  /** True unless measured directly for exactly this unit. */
  estimate: boolean;
}

/** Every unit the cost table knows. 'event' is the interpreter's overhead for
 *  handling one radio event or timer in JS (dispatch, decode, one transition,
 *  effects), counted once per event by the simulator. */
export var COST_UNITS = [
  'fmul25519',
  'fmulP',
  'finv',
  'shaBlock',
  'aesBlock',
  'shaBlockNative',
  'aesBlockNative',
  'event',
  'x25519Op',
];

/**
 * One whole X25519 by a library that counts no field products (the host's
 * @noble/curves in configurator/serve/host-suite.ts). On the board engines it
 * is what the project's ladder counts for one X25519 (firmware/crypto/x25519.ts):
 * X25519_FMULS field products and X25519_FINVS inversion, so the unit means
 * the same work everywhere.
 */
export var X25519_FMULS = 2561;
export var X25519_FINVS = 1;

export var ENGINE_JS = 'espruino-esp32-js';
export var ENGINE_NATIVE = 'espruino-esp32-native';
export var ENGINE_HOST = 'host';
export var COST_ENGINES = [ENGINE_JS, ENGINE_NATIVE, ENGINE_HOST];

/**
 * ESP32 / development machine, for the same JS on Espruino. ESTIMATE.
 * The project's working figure: "a JS loop that takes 1 s on this machine's
 * Espruino takes very roughly 10–20 s on an ESP32"; 15 is the middle. It is
 * relative to Espruino's DEFAULT Linux build (`make BOARD=LINUX`,
 * -O0 -g); the -O2 build runs the same code 3.1–3.9× faster (measured below),
 * so a factor measured against the -O2 build would be that much larger.
 * The board firmware is built -Os (Espruino targets/esp32/IDF4/sdkconfig:
 * CONFIG_COMPILER_OPTIMIZATION_SIZE) at 160 MHz (CONFIG_ESP32_DEFAULT_CPU_FREQ_160).
 */
export var BOARD_FACTOR = 15;

/*
 * Measurements on the development machine, 2026-11-23 ~14:25 UTC: the project's
 * own firmware/crypto code (tree of that time), bundled by the project's
 * pipeline (esbuild -> ES5 -> hoisting), run by a Linux build of Espruino
 * (2v29.277, default -O0 build; host-tests/engines/README.md) and timed as user CPU seconds
 * (/usr/bin/time %U, so the machine's load does not inflate them), two runs
 * each, agreeing within 3 %. Empty bundle: 0.015 s (subtracted where it matters).
 *   1M-iteration empty loop                           1.73 s   (-O2 build 0.545 s)
 *   2 × x25519Base: 5122 fmul25519, 2 finv            2.23 s   (-O2 0.715 s)
 *   the same with E.convolve installed (engine hooks)    1.47 s   (-O2 0.40 s)
 *   p256GetPublicKey, first call (builds its table):
 *     8360 fmulP, 16 finv                            17.58 s   (-O2 4.49 s)
 *   sha256 of 199 × 64 B: 200 shaBlock                0.485 s  (-O2 0.14 s)
 *   500 aesEncryptBlock: 500 aesBlock                 0.225 s  (-O2 0.065 s)
 * Each operation's time is divided by its main unit's count, so the figure per
 * unit carries the operation's other work (adds, point formulas, the few
 * inversions' bookkeeping) in the proportion that operation has.
 * fmulP re-measured 2026-12-01 (~05:00 UTC) after the P-256 field became
 * straight-line code (p256-field-mul.ts), same method and binary family, three
 * runs each within 3 %:
 *   p256GetPublicKey, first call (builds its table, one batched inversion):
 *     4230 fmulP, 2 finv                               3.48 s   (-O2 1.13 s)
 *   the same with E.convolve installed (engine hooks)        3.04 s   (-O2 0.815 s)
 * That day the X25519 reference above measured 2.46 s (not 2.23 s) and the empty
 * loop 1.40 s (not 1.73 s): the two days' figures compare within about 20 %.
 * Node 20 (process.cpuUsage, after a warm-up call): 20 × x25519Base 0.01503 s
 * / 51220 fmul25519; 3 × p256GetPublicKey (table cached) 0.003317 s / 4530 fmulP;
 * 5000 shaBlock 0.002069 s; 50000 aesBlock 0.008328 s; node:crypto one 64-B
 * SHA-256 1.35 µs, one AES-ECB block 0.54 µs.
 */
/** One empty-loop iteration on Espruino (default Linux build), measured. */
export var ESPRUINO_LOOP_ITER_S = 1.73 / 1e6;
var NODE_LOOP_ITER_S = 0.0016 / 1e6; // docs/engines.md, Node column

/** Seconds per unit on Espruino (default Linux build) on the development machine, pure JS. */
export var ESPRUINO_LINUX_SECONDS: { [unit: string]: UnitCost } = {
  fmul25519: {
    s: 2.23 / 5122,
    how:
      'Measured: 2 × x25519Base = 2.23 s CPU / 5122 fmul25519 = 0.435 ms (ladder adds and the inversion carried). ' +
      'Cross-check: docs/engines.md tweetnacl X25519 2.36 s / 3057 mults = 0.77 ms.',
    estimate: false,
  },
  fmulP: {
    s: 3.48 / 4230,
    how:
      'Measured 2026-12-01: p256GetPublicKey (first call, table built) = 3.48 s CPU / 4230 fmulP = 0.823 ms ' +
      '(point formulas, table selection and 2 inversions carried).',
    estimate: false,
  },
  finv: {
    s: 255 * ESPRUINO_LOOP_ITER_S,
    how:
      'Loop bookkeeping of a ~255-step Fermat chain, 255 × 1.73 µs (measured empty-loop iteration); ' +
      "the chain's multiplications are counted as fmul* (both fields invert by Fermat). Estimate.",
    estimate: true,
  },
  shaBlock: {
    s: (0.485 - 0.015) / 200,
    how: 'Measured: sha256 of 12 736 B = 200 compressions, 0.485 − 0.015 s (empty bundle) = 2.35 ms each.',
    estimate: false,
  },
  aesBlock: {
    s: (0.225 - 0.015) / 500,
    how: 'Measured: 500 aesEncryptBlock, 0.225 − 0.015 s (empty bundle) = 0.42 ms each.',
    estimate: false,
  },
  event: {
    s: 1000 * ESPRUINO_LOOP_ITER_S,
    how:
      'One event (dispatch, decode a ≤250-B frame, one transition, its effects) ≈ 1000 empty-loop iterations ' +
      '× 1.73 µs = 1.73 ms. A guess until an app event is benched.',
    estimate: true,
  },
};

/**
 * Espruino with E.convolve installed for 2^255-19 and P-256 products
 * (firmware/apps/engine-accel.ts installs it when the binding offers it);
 * used by the 'espruino-esp32-native' engine in place of the pure figure.
 */
export var ESPRUINO_LINUX_CONVOLVE_SECONDS: { [unit: string]: UnitCost } = {
  fmul25519: {
    s: 1.47 / 5122,
    how: 'Measured: 2 × x25519Base with E.convolve installed (engine hooks) = 1.47 s CPU / 5122 = 0.287 ms.',
    estimate: false,
  },
  fmulP: {
    s: 3.04 / 4230,
    how: 'Measured 2026-12-01: p256GetPublicKey (first call) with E.convolve installed (engine hooks) = 3.04 s CPU / 4230 fmulP = 0.719 ms.',
    estimate: false,
  },
};

/**
 * Native SHA-256 / AES on an ESP32 at 160 MHz. ESTIMATE. Espruino's ESP32
 * build takes mbedTLS from ESP-IDF (make/crypto/ESP32_IDF4.make compiles only
 * jswrap_crypto.c) with CONFIG_MBEDTLS_HARDWARE_SHA=y and _AES=y
 * (targets/esp32/IDF4/sdkconfig), so require("crypto") uses the SHA/AES
 * peripherals. Times from ESP-IDF's performance thresholds
 * (espressif/esp-idf components/idf_test/include/esp32/idf_performance_target.h):
 * SHA-256 hardware >= 8.0 MB/s at 240 MHz, AES-CBC hardware >= 8.2 MB/s. These
 * are lower bounds on throughput, so the times are upper bounds; scaled by
 * 240/160 on the assumption that the driver overhead dominates and follows the
 * CPU clock. NOT included: Espruino's cost of the JS->native call and of
 * converting the arguments, which is per call, not per block (the caller's own
 * counted JS work and the 'event' unit carry it).
 */
export var ESP32_NATIVE_SECONDS: { [unit: string]: UnitCost } = {
  shaBlockNative: {
    s: (64 / 8.0e6) * (240 / 160),
    how: '64 B / 8.0 MB/s = 8.0 µs at 240 MHz (ESP-IDF IDF_PERFORMANCE_MIN_SHA256_THROUGHPUT_MBSEC) × 1.5 for 160 MHz = 12 µs.',
    estimate: true,
  },
  aesBlockNative: {
    s: (16 / 8.2e6) * (240 / 160),
    how: '16 B / 8.2 MB/s = 1.95 µs (ESP-IDF IDF_PERFORMANCE_MIN_AES_CBC_THROUGHPUT_MBSEC) × 1.5 for 160 MHz = 2.93 µs.',
    estimate: true,
  },
};

/** One @noble/curves X25519 on Node 20, CPU seconds (measured, see HOST_SECONDS.x25519Op). */
var X25519_HOST_S = 0.002;

/** Node 20 on the development machine (measured as above; finv and event derived). */
export var HOST_SECONDS: { [unit: string]: UnitCost } = {
  fmul25519: { s: 0.01503 / 51220, how: 'Measured: 20 × x25519Base 0.01503 s / 51220 = 0.29 µs.', estimate: false },
  fmulP: { s: 0.003317 / 4530, how: 'Measured: 3 × p256GetPublicKey 0.003317 s / 4530 = 0.73 µs.', estimate: false },
  finv: { s: 255 * NODE_LOOP_ITER_S, how: '255 × Node empty-loop iteration (1.6 ns, docs/engines.md).', estimate: true },
  shaBlock: { s: 0.002069 / 5000, how: 'Measured: 5000 compressions 0.002069 s = 0.41 µs.', estimate: false },
  aesBlock: { s: 0.008328 / 50000, how: 'Measured: 50000 blocks 0.008328 s = 0.17 µs.', estimate: false },
  shaBlockNative: { s: 1.35e-6, how: 'Measured: node:crypto SHA-256 of 64 B, one call 1.35 µs.', estimate: false },
  aesBlockNative: { s: 0.54e-6, how: 'Measured: node:crypto AES-128-ECB update of one block 0.54 µs.', estimate: false },
  event: { s: 1000 * NODE_LOOP_ITER_S, how: '1000 Node empty-loop iterations (as for Espruino). Guess.', estimate: true },
  x25519Op: {
    s: X25519_HOST_S,
    how:
      'Measured 2026-12-02: @noble/curves x25519.getSharedSecret on Node 20, process.cpuUsage over 500 calls after 50 ' +
      'warm-up calls, three blocks on a loaded 2-core machine: 1.95-2.68 ms; the middle figure 2.0 ms. ' +
      'The project\'s own ladder on Node took 0.64-1.0 ms in the same runs.',
    estimate: false,
  },
};

/** Where one figure of a table comes from. */
export interface CostSource {
  /** false only for a figure measured for exactly this unit on this engine (a board calibration, Node) */
  estimate: boolean;
  how: string;
}

/** engine -> unit -> seconds per unit. */
export interface CostTable {
  boardFactor: number;
  engines: { [engine: string]: { [unit: string]: number } };
  /** engine -> unit -> where the figure comes from (for the reports: measured or estimated). */
  sources: { [engine: string]: { [unit: string]: CostSource } };
  /** What the board figures rest on: "estimates (BOARD_FACTOR 15)" or the calibration's board and date. */
  basis: string;
}

/**
 * Per-unit seconds measured on a real board by the calibration bench
 * (firmware/apps/calibrate.ts via `nowboard calibrate`): each present figure
 * replaces the BOARD_FACTOR estimate of that unit; absent ones stay estimates.
 */
export interface BoardCalibration {
  /** e.g. "Espruino 2v29 ESP32" */
  engine: string;
  /** where and when: "measured on <engine>, <date> (<source>)" */
  label: string;
  /** pure JS on the board: fmul25519, fmulP, finv, shaBlock, aesBlock, event */
  js: { [unit: string]: number };
  /** with E.convolve products (the native engine): fmul25519, fmulP */
  accel: { [unit: string]: number };
  /** native SHA/AES per block: shaBlockNative, aesBlockNative */
  native: { [unit: string]: number };
}

/**
 * Build the per-engine table. `boardFactor` multiplies every Espruino-on-Linux
 * figure to give ESP32 time; `linux` overrides per-unit Linux figures of the
 * pure-JS code (pass bench results here), `linuxAccel` those of the
 * accelerated JS paths the native engine uses (E.convolve fmul25519, fmulP). All
 * optional (undefined = the defaults above).
 */
/**
 * A whole X25519 on the board engines: what the project's ladder counts for one
 * (X25519_FMULS products, X25519_FINVS inversion) at that engine's figures.
 */
function deriveX25519Op(
  js: { [unit: string]: number },
  native: { [unit: string]: number },
  jsSrc: { [unit: string]: CostSource },
  nativeSrc: { [unit: string]: CostSource }
): void {
  js.x25519Op = X25519_FMULS * js.fmul25519 + X25519_FINVS * js.finv;
  native.x25519Op = X25519_FMULS * native.fmul25519 + X25519_FINVS * native.finv;
  var how = X25519_FMULS + ' fmul25519 + ' + X25519_FINVS + ' finv of this engine';
  jsSrc.x25519Op = { estimate: jsSrc.fmul25519.estimate || jsSrc.finv.estimate, how: how };
  nativeSrc.x25519Op = { estimate: nativeSrc.fmul25519.estimate || nativeSrc.finv.estimate, how: how };
}

export function makeCostTable(
  boardFactor?: number,
  linux?: { [unit: string]: number },
  linuxAccel?: { [unit: string]: number }
): CostTable {
  var f = boardFactor === undefined ? BOARD_FACTOR : boardFactor;
  if (!(f > 0) || !isFinite(f)) throw new Error('E_POWER_BAD_NUMBER: boardFactor must be > 0, got ' + f);
  var js: { [unit: string]: number } = {};
  var native: { [unit: string]: number } = {};
  var host: { [unit: string]: number } = {};
  var jsSrc: { [unit: string]: CostSource } = {};
  var nativeSrc: { [unit: string]: CostSource } = {};
  var hostSrc: { [unit: string]: CostSource } = {};
  var factorText = ' × board factor ' + f + ' (estimate)';
  var u: string;
  for (u in ESPRUINO_LINUX_SECONDS) {
    var base = ESPRUINO_LINUX_SECONDS[u].s;
    var given = linux !== undefined && linux[u] !== undefined;
    if (given) base = (linux as { [unit: string]: number })[u];
    js[u] = base * f;
    native[u] = base * f;
    jsSrc[u] = { estimate: true, how: (given ? 'given Espruino/Linux figure' : 'Espruino/Linux ' + (ESPRUINO_LINUX_SECONDS[u].estimate ? 'estimate' : 'measurement')) + factorText };
    nativeSrc[u] = jsSrc[u];
  }
  for (u in ESPRUINO_LINUX_CONVOLVE_SECONDS) {
    var acc = ESPRUINO_LINUX_CONVOLVE_SECONDS[u].s;
    var givenAcc = linuxAccel !== undefined && linuxAccel[u] !== undefined;
    if (givenAcc) acc = (linuxAccel as { [unit: string]: number })[u];
    native[u] = acc * f;
    nativeSrc[u] = { estimate: true, how: (givenAcc ? 'given' : 'Espruino/Linux') + ' E.convolve figure' + factorText };
  }
  for (u in ESP32_NATIVE_SECONDS) {
    native[u] = ESP32_NATIVE_SECONDS[u].s;
    nativeSrc[u] = { estimate: ESP32_NATIVE_SECONDS[u].estimate, how: 'ESP-IDF hardware throughput threshold (upper bound on time)' };
  }
  for (u in HOST_SECONDS) {
    host[u] = HOST_SECONDS[u].s;
    hostSrc[u] = { estimate: HOST_SECONDS[u].estimate, how: HOST_SECONDS[u].estimate ? 'Node, derived' : 'Node, measured' };
  }
  deriveX25519Op(js, native, jsSrc, nativeSrc);
  var engines: { [engine: string]: { [unit: string]: number } } = {};
  engines[ENGINE_JS] = js;
  engines[ENGINE_NATIVE] = native;
  engines[ENGINE_HOST] = host;
  var sources: { [engine: string]: { [unit: string]: CostSource } } = {};
  sources[ENGINE_JS] = jsSrc;
  sources[ENGINE_NATIVE] = nativeSrc;
  sources[ENGINE_HOST] = hostSrc;
  return { boardFactor: f, engines: engines, sources: sources, basis: 'estimates (board factor ' + f + ')' };
}

/**
 * The table with a board's measured figures in place of the estimates (each
 * unit present in `cal` is measured; the others keep the BOARD_FACTOR
 * estimate and say so in `sources`). The host engine is unchanged.
 */
export function calibratedCostTable(cal: BoardCalibration, boardFactor?: number): CostTable {
  var t = makeCostTable(boardFactor);
  var u: string;
  var measured = 0;
  function set(engine: string, unit: string, s: number): void {
    if (!isKnownUnit(unit)) throw new Error('E_POWER_UNKNOWN_UNIT: calibration names ' + unit + ' (known: ' + COST_UNITS.join(', ') + ')');
    if (typeof s !== 'number' || !(s >= 0) || !isFinite(s)) throw new Error('E_POWER_BAD_NUMBER: calibration ' + unit + ' must be seconds >= 0, got ' + s);
    t.engines[engine][unit] = s;
    t.sources[engine][unit] = { estimate: false, how: cal.label };
  }
  for (u in cal.js) {
    if (!Object.prototype.hasOwnProperty.call(cal.js, u)) continue;
    set(ENGINE_JS, u, cal.js[u]);
    // The native engine runs the same JS for every unit it does not accelerate.
    if (!Object.prototype.hasOwnProperty.call(ESPRUINO_LINUX_CONVOLVE_SECONDS, u)) set(ENGINE_NATIVE, u, cal.js[u]);
    measured++;
  }
  for (u in cal.accel) {
    if (!Object.prototype.hasOwnProperty.call(cal.accel, u)) continue;
    set(ENGINE_NATIVE, u, cal.accel[u]);
    measured++;
  }
  for (u in cal.native) {
    if (!Object.prototype.hasOwnProperty.call(cal.native, u)) continue;
    set(ENGINE_NATIVE, u, cal.native[u]);
    measured++;
  }
  deriveX25519Op(t.engines[ENGINE_JS], t.engines[ENGINE_NATIVE], t.sources[ENGINE_JS], t.sources[ENGINE_NATIVE]);
  t.basis = cal.label + ': ' + measured + ' figures measured, the rest estimates (board factor ' + t.boardFactor + ')';
  return t;
}

/** One row per unit of `engine`: seconds, and whether the figure is measured or estimated. */
export function costRows(table: CostTable, engine: string): { unit: string; s: number; estimate: boolean; how: string }[] {
  var rows: { unit: string; s: number; estimate: boolean; how: string }[] = [];
  var e = table.engines[engine];
  if (e === undefined) throw new Error('E_POWER_UNKNOWN_ENGINE: ' + engine + ' (known: ' + COST_ENGINES.join(', ') + ')');
  var src = table.sources[engine] || {};
  for (var i = 0; i < COST_UNITS.length; i++) {
    var unit = COST_UNITS[i];
    if (!Object.prototype.hasOwnProperty.call(e, unit)) continue;
    var so = src[unit] || { estimate: true, how: '' };
    rows.push({ unit: unit, s: e[unit], estimate: so.estimate, how: so.how });
  }
  return rows;
}

/** The table the simulator uses unless told otherwise. */
export var DEFAULT_COST_TABLE: CostTable = makeCostTable();

/** True when `unit` is one of COST_UNITS. */
export function isKnownUnit(unit: string): boolean {
  for (var i = 0; i < COST_UNITS.length; i++) if (COST_UNITS[i] === unit) return true;
  return false;
}

/** Seconds for one unit of `unit` on `engine`. Typed errors for unknown names. */
export function costOf(unit: string, engine: string, table?: CostTable): number {
  var t = table === undefined ? DEFAULT_COST_TABLE : table;
  if (!Object.prototype.hasOwnProperty.call(t.engines, engine)) {
    throw new Error('E_POWER_UNKNOWN_ENGINE: ' + engine + ' (known: ' + COST_ENGINES.join(', ') + ')');
  }
  if (!isKnownUnit(unit)) throw new Error('E_POWER_UNKNOWN_UNIT: ' + unit + ' (known: ' + COST_UNITS.join(', ') + ')');
  var e = t.engines[engine];
  if (!Object.prototype.hasOwnProperty.call(e, unit)) {
    throw new Error('E_POWER_UNIT_UNAVAILABLE: ' + unit + ' is not available on engine ' + engine);
  }
  return e[unit];
}

/**
 * CPU seconds for a batch of counted work on `engine`: Σ count × seconds/unit.
 * Counts must be non-negative numbers. A zero count of a unit the engine lacks
 * (e.g. shaBlockNative: 0 on the pure-JS binding) is fine; a non-zero one
 * throws E_POWER_UNIT_UNAVAILABLE.
 */
export function cpuSecondsFor(workDelta: { [unit: string]: number }, engine: string, table?: CostTable): number {
  var t = table === undefined ? DEFAULT_COST_TABLE : table;
  if (!Object.prototype.hasOwnProperty.call(t.engines, engine)) {
    throw new Error('E_POWER_UNKNOWN_ENGINE: ' + engine + ' (known: ' + COST_ENGINES.join(', ') + ')');
  }
  var total = 0;
  for (var unit in workDelta) {
    if (!Object.prototype.hasOwnProperty.call(workDelta, unit)) continue;
    var n = workDelta[unit];
    if (typeof n !== 'number' || !(n >= 0) || !isFinite(n)) {
      throw new Error('E_POWER_BAD_COUNT: ' + unit + ' count must be a non-negative number, got ' + n);
    }
    if (!isKnownUnit(unit)) throw new Error('E_POWER_UNKNOWN_UNIT: ' + unit + ' (known: ' + COST_UNITS.join(', ') + ')');
    if (n === 0) continue;
    total += n * costOf(unit, engine, t);
  }
  return total;
}
