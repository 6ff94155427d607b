/**
 * CPU seconds per counted unit of work, per engine binding.
 *
 * The crypto code counts work (firmware/crypto/work-counters.ts: field
 * multiplications, inversions, SHA-256 compressions, AES blocks); the
 * simulator turns a step's counted work into CPU-busy time on the virtual
 * board with cpuSecondsFor(). Everything that can be recalibrated lives here:
 *
 *   ESPRUINO_LINUX_SECONDS  seconds per unit on Espruino 2v29, default Linux
 *                           build, on the development machine (ENGINES.md);
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
];

export var ENGINE_JS = 'espruino-esp32-js';
export var ENGINE_NATIVE = 'espruino-esp32-native';
export var ENGINE_HOST = 'host';
export var COST_ENGINES = [ENGINE_JS, ENGINE_NATIVE, ENGINE_HOST];

/**
 * ESP32 / development machine, for the same JS on Espruino. ESTIMATE.
 * The project's working figure: "a JS loop that takes 1 s on this machine's
 * Espruino takes very roughly 10–20 s on an ESP32"; 15 is the middle. It is
 * relative to Espruino's DEFAULT Linux build (ENGINES.md first row); the -O2
 * build is 2.85/0.67 ≈ 4.3× faster on loops, so a factor measured against the
 * -O2 build would be ≈ 4.3× larger.
 */
export var BOARD_FACTOR = 15;

/** ENGINES.md, measured 2026-11-23, Espruino 2v29 default Linux build (-O0). */
var LOOP_1M_S = 2.85; // 1M-iteration empty for loop
var X25519_BASE_S = 2.36; // tweetnacl crypto_scalarmult_base
var MUL16_2000_S = 2.72; // 2000 × 16×16-limb multiply
/** Node 20 column of the same table. */
var NODE_LOOP_1M_S = 0.0016;
var NODE_X25519_BASE_S = 0.014;

/**
 * Field multiplications in one tweetnacl X25519 scalar multiplication:
 * 255 ladder steps × (4 squarings + 6 multiplications) + inv25519
 * (254 squarings + 252 multiplications) + 1 final multiplication = 3057.
 */
export var X25519_FMULS = 255 * 10 + 254 + 252 + 1;

var LOOP_ITER_S = LOOP_1M_S / 1e6;
var NODE_OVER_ESPRUINO = NODE_LOOP_1M_S / LOOP_1M_S;
/** Ratio of a Weierstrass-prime multiplication to a 2^255-19 one (estimate). */
var FMULP_OVER_25519 = 1.5;

/** Seconds per unit on Espruino (default Linux build) on the development machine. */
export var ESPRUINO_LINUX_SECONDS: { [unit: string]: UnitCost } = {
  fmul25519: {
    s: X25519_BASE_S / X25519_FMULS,
    how:
      'tweetnacl X25519 base mult 2.36 s / 3057 field mults (ladder adds/subs amortised into each mult) = 0.772 ms. ' +
      'Cross-check: a bare 16×16-limb multiply in a loop takes 2.72 s / 2000 = 1.36 ms (upper bound).',
    estimate: true,
  },
  fmulP: {
    s: FMULP_OVER_25519 * X25519_BASE_S / X25519_FMULS,
    how: '1.5 × fmul25519: same 16-limb product, heavier reduction (P-256 Solinas / Montgomery vs ×38 fold). Guess.',
    estimate: true,
  },
  finv: {
    s: 255 * LOOP_ITER_S,
    how:
      'Loop bookkeeping of a 255-step Fermat chain, 255 × 2.85 µs (1M-iteration loop 2.85 s); ' +
      'its multiplications are counted as fmul* separately.',
    estimate: true,
  },
  shaBlock: {
    s: 3.0e-3,
    how:
      'SHA-256 compression ≈ 64 rounds × ~12 + 48 schedule words × ~6 ≈ 1056 empty-loop-iteration equivalents × 2.85 µs ≈ 3.0 ms. Guess until benched.',
    estimate: true,
  },
  aesBlock: {
    s: 1.5e-3,
    how: 'AES-128 block ≈ 10 rounds of table lookups and MixColumns ≈ 500 loop-iteration equivalents × 2.85 µs ≈ 1.5 ms. Guess until benched.',
    estimate: true,
  },
  event: {
    s: 2.0e-3,
    how: 'One event: dispatch, decode a ≤250-B frame, one transition, its effects ≈ 700 loop-iteration equivalents ≈ 2 ms. Guess.',
    estimate: true,
  },
};

/**
 * Native SHA-256 / AES on an ESP32 at 160 MHz. ESTIMATE, derived from ESP-IDF's
 * performance thresholds (espressif/esp-idf components/idf_test/include/esp32/
 * idf_performance_target.h): SHA-256 hardware ≥ 8.0 MB/s at 240 MHz,
 * AES-CBC hardware ≥ 8.2 MB/s. These are lower bounds on throughput, so the
 * times are upper bounds; scaled by 240/160 on the assumption that the driver
 * overhead dominates and follows the CPU clock.
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

/** Node 20 on the development machine. Derived from ENGINES.md's Node column. */
export var HOST_SECONDS: { [unit: string]: UnitCost } = {
  fmul25519: { s: NODE_X25519_BASE_S / X25519_FMULS, how: 'Node X25519 base mult 0.014 s / 3057 = 4.6 µs.', estimate: true },
  fmulP: { s: FMULP_OVER_25519 * NODE_X25519_BASE_S / X25519_FMULS, how: '1.5 × fmul25519 (as on Espruino).', estimate: true },
  finv: { s: 255 * NODE_LOOP_1M_S / 1e6, how: '255 × Node empty-loop iteration (1.6 ns).', estimate: true },
  shaBlock: { s: 3.0e-3 * NODE_OVER_ESPRUINO, how: 'Espruino figure × Node/Espruino loop ratio (0.0016/2.85).', estimate: true },
  aesBlock: { s: 1.5e-3 * NODE_OVER_ESPRUINO, how: 'Espruino figure × Node/Espruino loop ratio.', estimate: true },
  shaBlockNative: { s: 1e-6, how: 'node:crypto call (OpenSSL); ~1 µs per call dominates. Guess.', estimate: true },
  aesBlockNative: { s: 1e-6, how: 'node:crypto call (OpenSSL); ~1 µs per call dominates. Guess.', estimate: true },
  event: { s: 2.0e-3 * NODE_OVER_ESPRUINO, how: 'Espruino figure × Node/Espruino loop ratio.', estimate: true },
};

/** engine -> unit -> seconds per unit. */
export interface CostTable {
  boardFactor: number;
  engines: { [engine: string]: { [unit: string]: number } };
}

/**
 * Build the per-engine table. `boardFactor` multiplies every Espruino-on-Linux
 * figure to give ESP32 time; `linux` overrides the per-unit Linux figures (pass
 * bench results here); both optional (undefined = the defaults above).
 */
export function makeCostTable(boardFactor?: number, linux?: { [unit: string]: number }): CostTable {
  var f = boardFactor === undefined ? BOARD_FACTOR : boardFactor;
  if (!(f > 0) || !isFinite(f)) throw new Error('E_POWER_BAD_NUMBER: boardFactor must be > 0, got ' + f);
  var js: { [unit: string]: number } = {};
  var native: { [unit: string]: number } = {};
  var host: { [unit: string]: number } = {};
  var u: string;
  for (u in ESPRUINO_LINUX_SECONDS) {
    var base = ESPRUINO_LINUX_SECONDS[u].s;
    if (linux !== undefined && linux[u] !== undefined) base = linux[u];
    js[u] = base * f;
    native[u] = base * f;
  }
  for (u in ESP32_NATIVE_SECONDS) native[u] = ESP32_NATIVE_SECONDS[u].s;
  for (u in HOST_SECONDS) host[u] = HOST_SECONDS[u].s;
  var engines: { [engine: string]: { [unit: string]: number } } = {};
  engines[ENGINE_JS] = js;
  engines[ENGINE_NATIVE] = native;
  engines[ENGINE_HOST] = host;
  return { boardFactor: f, engines: engines };
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
