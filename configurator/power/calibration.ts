/**
 * Calibration files (issue 14, part 3): the figures a real board measured
 * with the calibration bench (firmware/apps/calibrate.ts, bundle
 * dist/espruino/calibrate.js), turned into a file the cost table loads.
 *
 *   parseCalibrationOutput(text)  the bench's console output (a capture, the
 *                                 espruino CLI's output) → the bench line
 *   calibrationFrom(line, meta)   → a CalibrationFile
 *   loadCostTable(path)           → cost-table.ts calibratedCostTable(): each
 *                                 measured unit replaces its BOARD_FACTOR
 *                                 estimate, the rest stay estimates
 *
 * Errors are typed (CliError): E_FILE_MISSING, E_FILE_CORRUPT.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from '../cli/cli-errors.ts';
import {
  BoardCalibration, CostTable, calibratedCostTable, makeCostTable, ESPRUINO_LINUX_SECONDS, ESPRUINO_LINUX_CONVOLVE_SECONDS,
  ESP32_NATIVE_SECONDS, ESPRUINO_LOOP_ITER_S, BOARD_FACTOR,
} from './cost-table.ts';

export const CALIBRATION_FORMAT = 'nowboard-calibration/1';
/** Where `nowboard calibrate` writes and `nowboard sim` / the benches look, relative to the repository. */
export const DEFAULT_CALIBRATION = 'calibration/esp32.json';

/** Bench names → cost-table units: pure JS, E.convolve products, native blocks. */
const JS_UNITS = ['fmul25519', 'fmulP', 'finv', 'shaBlock', 'aesBlock', 'event'];
const ACCEL_UNITS: Record<string, string> = { fmul25519Accel: 'fmul25519', fmulPAccel: 'fmulP' };
const NATIVE_UNITS = ['shaBlockNative', 'aesBlockNative'];

/** The bench line as parsed. */
export interface BenchLine {
  ev: 'calibrate';
  format: number;
  engine: string;
  clock: string;
  minSeconds?: number;
  units: Record<string, { ms: number; n: number; reps: number }>;
  errors: Record<string, string>;
}

export interface CalibrationFile {
  format: typeof CALIBRATION_FORMAT;
  /** what the user calls the board (--board), or the engine */
  board: string;
  engine: string;
  clock: string;
  measuredAt: string;
  /** the file, the serial port, or '-' */
  source: string;
  /** seconds per unit the cost table takes */
  seconds: { js: Record<string, number>; accel: Record<string, number>; native: Record<string, number> };
  /** one empty loop iteration on the board (s), and what it implies against the Linux build */
  loopS: number | null;
  /** per unit: board seconds / the cost table's Espruino-on-Linux seconds (the board factor that unit implies) */
  impliedFactor: Record<string, number>;
  /** units the bench could not measure, and why (they stay estimates) */
  notMeasured: Record<string, string>;
  /** the bench's line as printed */
  line: string;
}

// ESC [ ... letter: terminal control sequences the espruino CLI or a REPL may leave in a capture.
const ANSI = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*[A-Za-z]', 'g');

/**
 * The last calibration line in a console capture. Tolerates CRs, terminal
 * escapes and REPL prompts ('>') in front; a capture without one, or with a
 * line that does not parse, is E_FILE_CORRUPT.
 */
export function parseCalibrationOutput(text: string, what = 'calibration output'): { line: string; bench: BenchLine } {
  const lines = text.replace(ANSI, '').split(/\r?\n|\r/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i].replace(/^[>\s]+/, '').trim();
    if (!l.startsWith('NOWBOARD ') || l.indexOf('"calibrate"') < 0) continue;
    let o: any;
    try {
      o = JSON.parse(l.substring(9));
    } catch (e) {
      throw new CliError('E_FILE_CORRUPT', `${what}: the calibration line is not JSON (${(e as Error).message}); was the capture cut off?`);
    }
    return { line: l, bench: checkBench(o, what) };
  }
  throw new CliError('E_FILE_CORRUPT', `${what}: no NOWBOARD {"ev":"calibrate",...} line (run dist/espruino/calibrate.js on the board and capture its output)`);
}

function checkBench(o: any, what: string): BenchLine {
  const bad = (why: string) => new CliError('E_FILE_CORRUPT', `${what}: calibration line ${why}`);
  if (!o || typeof o !== 'object' || o.ev !== 'calibrate') throw bad('is not a calibrate event');
  if (o.format !== 1) throw bad(`has format ${JSON.stringify(o.format)}, this nowboard reads format 1`);
  if (typeof o.engine !== 'string' || typeof o.clock !== 'string') throw bad('lacks engine or clock');
  if (!o.units || typeof o.units !== 'object') throw bad('has no units');
  for (const [u, f] of Object.entries<any>(o.units)) {
    if (!f || typeof f.ms !== 'number' || !Number.isFinite(f.ms) || f.ms < 0) throw bad(`has a bad figure for ${u}: ${JSON.stringify(f)}`);
    if (typeof f.n !== 'number' || !(f.n > 0)) throw bad(`has a bad count for ${u}: ${JSON.stringify(f)}`);
  }
  const known = new Set(['loop', ...JS_UNITS, ...Object.keys(ACCEL_UNITS), ...NATIVE_UNITS]);
  for (const u of Object.keys(o.units)) if (!known.has(u)) throw bad(`names an unknown unit "${u}"`);
  if (o.errors !== undefined && (typeof o.errors !== 'object' || o.errors === null)) throw bad('has a bad errors field');
  return { ...o, errors: o.errors ?? {} } as BenchLine;
}

/** The cost table's Espruino-on-Linux seconds for a unit (pure or E.convolve), or null. */
function linuxSeconds(unit: string, accel: boolean): number | null {
  const t = accel ? ESPRUINO_LINUX_CONVOLVE_SECONDS : ESPRUINO_LINUX_SECONDS;
  return t[unit] ? t[unit].s : null;
}

export function calibrationFrom(line: string, bench: BenchLine, meta: { board?: string; source: string; now?: Date }): CalibrationFile {
  const js: Record<string, number> = {};
  const accel: Record<string, number> = {};
  const native: Record<string, number> = {};
  const implied: Record<string, number> = {};
  const notMeasured: Record<string, string> = {};
  const u = bench.units;
  for (const name of JS_UNITS) {
    if (u[name]) {
      js[name] = u[name].ms / 1000;
      const l = linuxSeconds(name, false);
      if (l) implied[name] = js[name] / l;
    } else notMeasured[name] = bench.errors[name] ?? 'not in the line';
  }
  for (const [name, unit] of Object.entries(ACCEL_UNITS)) {
    if (u[name]) {
      accel[unit] = u[name].ms / 1000;
      const l = linuxSeconds(unit, true);
      if (l) implied[name] = accel[unit] / l;
    } else notMeasured[name] = bench.errors[name] ?? 'not in the line';
  }
  for (const name of NATIVE_UNITS) {
    if (u[name]) native[name] = u[name].ms / 1000;
    else notMeasured[name] = bench.errors[name] ?? 'not in the line';
  }
  const loopS = u.loop ? u.loop.ms / 1000 : null;
  if (loopS) implied.loop = loopS / ESPRUINO_LOOP_ITER_S;
  return {
    format: CALIBRATION_FORMAT,
    board: meta.board || bench.engine,
    engine: bench.engine,
    clock: bench.clock,
    measuredAt: (meta.now ?? new Date()).toISOString(),
    source: meta.source,
    seconds: { js, accel, native },
    loopS,
    impliedFactor: implied,
    notMeasured,
    line,
  };
}

export function writeCalibration(file: string, cal: CalibrationFile): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = file + '.' + process.pid + '.tmp';
  fs.writeFileSync(tmp, JSON.stringify(cal, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

/** Read and check a calibration file (typed errors: E_FILE_MISSING, E_FILE_CORRUPT). */
export function readCalibration(file: string): CalibrationFile {
  if (!fs.existsSync(file)) throw new CliError('E_FILE_MISSING', `calibration file ${file} not found (nowboard calibrate --from OUTPUT writes it)`);
  let o: any;
  try {
    o = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError('E_FILE_CORRUPT', `calibration file ${file}: not JSON (${(e as Error).message})`);
  }
  const bad = (why: string) => new CliError('E_FILE_CORRUPT', `calibration file ${file}: ${why}`);
  if (!o || o.format !== CALIBRATION_FORMAT) throw bad(`format is ${JSON.stringify(o && o.format)}, expected ${CALIBRATION_FORMAT}`);
  if (!o.seconds || typeof o.seconds !== 'object') throw bad('no seconds');
  const allowed: Record<string, string[]> = { js: JS_UNITS, accel: Object.values(ACCEL_UNITS), native: NATIVE_UNITS };
  for (const part of ['js', 'accel', 'native']) {
    const p = o.seconds[part];
    if (!p || typeof p !== 'object') throw bad(`seconds.${part} missing`);
    for (const [unit, s] of Object.entries(p)) {
      if (!allowed[part].includes(unit)) throw bad(`seconds.${part}.${unit} is not a unit of this table`);
      if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) throw bad(`seconds.${part}.${unit} must be seconds >= 0, got ${JSON.stringify(s)}`);
    }
  }
  if (typeof o.engine !== 'string' || typeof o.measuredAt !== 'string') throw bad('engine or measuredAt missing');
  return o as CalibrationFile;
}

export function boardCalibration(cal: CalibrationFile, file?: string): BoardCalibration {
  return {
    engine: cal.engine,
    label: `measured on ${cal.board === cal.engine ? cal.board : cal.board + ' (' + cal.engine + ')'}, ${cal.measuredAt.slice(0, 10)}${file ? ', ' + file : ''}`,
    js: cal.seconds.js,
    accel: cal.seconds.accel,
    native: cal.seconds.native,
  };
}

/**
 * The cost table to use: the calibration file's measured figures when `file`
 * is given (or the default file exists under `root`), else the estimates.
 * `file` 'none' forces the estimates.
 */
export function loadCostTable(file: string | undefined, root: string): { table: CostTable; file: string | null } {
  if (file === 'none') return { table: makeCostTable(), file: null };
  const p = file ? path.resolve(file) : path.join(root, DEFAULT_CALIBRATION);
  if (!file && !fs.existsSync(p)) return { table: makeCostTable(), file: null };
  const cal = readCalibration(p);
  const rel = path.relative(process.cwd(), p);
  const shown = file ? (rel && !rel.startsWith('..') ? rel : p) : DEFAULT_CALIBRATION;
  return { table: calibratedCostTable(boardCalibration(cal, shown)), file: p };
}

/** Rows for the report: unit, the estimate the table had, the board's figure, the factor it implies. */
export function calibrationRows(cal: CalibrationFile): string[][] {
  const rows: string[][] = [];
  const ms = (s: number | null | undefined) => (s === null || s === undefined ? '-' : (s * 1000).toPrecision(4));
  const est = (unit: string, accel: boolean): number | null => {
    if (ESP32_NATIVE_SECONDS[unit]) return ESP32_NATIVE_SECONDS[unit].s;
    const l = linuxSeconds(unit, accel);
    return l === null ? null : l * BOARD_FACTOR;
  };
  for (const unit of JS_UNITS) {
    rows.push([unit, ms(est(unit, false)), ms(cal.seconds.js[unit]), cal.impliedFactor[unit] ? cal.impliedFactor[unit].toPrecision(3) : '-', cal.seconds.js[unit] !== undefined ? 'measured' : 'estimate: ' + (cal.notMeasured[unit] ?? '')]);
  }
  for (const [name, unit] of Object.entries(ACCEL_UNITS)) {
    rows.push([unit + ' (E.convolve)', ms(est(unit, true)), ms(cal.seconds.accel[unit]), cal.impliedFactor[name] ? cal.impliedFactor[name].toPrecision(3) : '-', cal.seconds.accel[unit] !== undefined ? 'measured' : 'estimate: ' + (cal.notMeasured[name] ?? '')]);
  }
  for (const unit of NATIVE_UNITS) {
    rows.push([unit, ms(est(unit, false)), ms(cal.seconds.native[unit]), '-', cal.seconds.native[unit] !== undefined ? 'measured' : 'estimate: ' + (cal.notMeasured[unit] ?? '')]);
  }
  if (cal.loopS !== null) rows.push(['empty loop iteration', ms(ESPRUINO_LOOP_ITER_S * BOARD_FACTOR), ms(cal.loopS), cal.impliedFactor.loop ? cal.impliedFactor.loop.toPrecision(3) : '-', 'reference']);
  return rows;
}
