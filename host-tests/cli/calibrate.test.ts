/**
 * Issue 14 part 3: the calibration bench (dist/espruino/calibrate.js) runs on
 * Duktape's surface and in node:vm (in the real engines: `npm run
 * test:engines`) and prints one parsable line; `nowboard calibrate`
 * turns it into a calibration file; the cost table, the simulator and the
 * report then use the measured figures (a run that ignored the file would
 * give other CPU times: checked).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { main } from '../../configurator/cli/nowboard.ts';
import { CliError } from '../../configurator/cli/cli-errors.ts';
import { parseCalibrationOutput, readCalibration, loadCostTable, calibrationFrom } from '../../configurator/power/calibration.ts';
import { ENGINE_JS, ENGINE_NATIVE, DEFAULT_COST_TABLE, ESP32_NATIVE_SECONDS, costRows, cpuSecondsFor } from '../../configurator/power/cost-table.ts';
import { convolve } from '../../configurator/sim/espruino-globals.ts';
import { nodeNativeCrypto } from '../../configurator/sim/vm-board.ts';
import { runSimBatch } from '../../configurator/cli/command-sim.ts';

const ROOT = path.resolve(__dirname, '../..');
const BUNDLE = fs.readFileSync(path.join(ROOT, 'dist/espruino/calibrate.js'), 'utf8');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-cal-'));
const run = async (argv: string[]) => {
  const lines: string[] = [];
  const code = await main(argv, (s) => lines.push(s));
  return { code, text: lines.join('\n') };
};
const cliError = async (argv: string[]) => run(argv).then(() => null, (e) => e);

/**
 * The bench on Duktape's surface, each timed loop shortened to 20 ms: a bare
 * realm with print and a Duktape object, no E and no require (npm test needs
 * no engine; the bench runs in the real Duktape, Espruino and JerryScript in
 * `npm run test:engines`).
 */
function dukOutput(): string {
  const out: string[] = [];
  vm.runInNewContext(BUNDLE, { print: (s: string) => out.push(s), Duktape: { version: 20700 }, NOWBOARD_CALIBRATE_MIN_S: 0.02 }, { timeout: 120000 });
  return out.join('\n');
}

/** The bench in node:vm with Espruino's E.convolve and a require("crypto") like Espruino's. */
function vmOutput(): string {
  const out: string[] = [];
  vm.runInNewContext(BUNDLE, {
    print: (s: string) => out.push(s),
    E: { convolve },
    require: (name: string) => {
      if (name === 'crypto') return nodeNativeCrypto;
      throw new Error('Module ' + name + ' not found');
    },
    NOWBOARD_CALIBRATE_MIN_S: 0.02,
  }, { timeout: 120000 });
  return out.join('\n');
}

describe('the calibration bench', () => {
  let duk: string;
  let nodevm: string;
  beforeAll(() => {
    duk = dukOutput();
    nodevm = vmOutput();
  });

  it('runs in Duktape and prints one line with every pure-JS unit; the accelerations it lacks are named', () => {
    const { bench } = parseCalibrationOutput(duk);
    expect(bench.engine).toMatch(/^Duktape /);
    expect(bench.clock).toBe('Date.now');
    for (const u of ['loop', 'fmul25519', 'fmulP', 'finv', 'shaBlock', 'aesBlock', 'event']) {
      expect(bench.units[u], u).toBeDefined();
      expect(bench.units[u].ms).toBeGreaterThanOrEqual(0);
    }
    for (const u of ['fmul25519', 'fmulP', 'shaBlock', 'aesBlock', 'event']) expect(bench.units[u].ms, u).toBeGreaterThan(0);
    // One X25519 is 255 ladder steps of 10 products plus the inversion's 265: what the bench divided by.
    expect(bench.units.fmul25519.n).toBe(2561);
    expect(bench.units.shaBlock.n).toBe(33);
    expect(Object.keys(bench.errors).sort()).toEqual(['aesBlockNative', 'fmul25519Accel', 'fmulPAccel', 'shaBlockNative']);
    expect(duk.split('\n').filter((l) => l.startsWith('NOWBOARD ')).length).toBe(1);
  });

  it('runs in node:vm with E.convolve and require("crypto"): the accelerated and native units are measured too', () => {
    const { bench } = parseCalibrationOutput(nodevm);
    for (const u of ['fmul25519Accel', 'fmulPAccel', 'shaBlockNative', 'aesBlockNative']) expect(bench.units[u], u).toBeDefined();
    expect(bench.units.fmul25519Accel.n).toBe(2561);
    expect(bench.units.shaBlockNative.n).toBeGreaterThan(0);
    expect(bench.errors).toEqual({});
  });

  it('nowboard calibrate --from writes the file; the cost table then takes every measured unit and keeps the rest as estimates', async () => {
    const dir = tmp();
    const capture = path.join(dir, 'capture.txt');
    // A serial capture: CRs, a prompt and terminal escapes around the lines.
    fs.writeFileSync(capture, '\x1b[J>reset()\r\n' + duk.split('\n').map((l) => '>' + l).join('\r\n') + '\r\n>');
    const out = path.join(dir, 'esp32.json');
    const r = await run(['calibrate', '--from', capture, '--out', out, '--board', 'bench duk']);
    expect(r.code).toBe(0);
    expect(r.text).toContain('written to');
    const cal = readCalibration(out);
    const { bench } = parseCalibrationOutput(duk);
    expect(cal.board).toBe('bench duk');
    expect(cal.seconds.js.fmul25519).toBeCloseTo(bench.units.fmul25519.ms / 1000, 15);
    expect(cal.seconds.js.event).toBeCloseTo(bench.units.event.ms / 1000, 15);
    expect(cal.seconds.accel).toEqual({});
    const { table } = loadCostTable(out, ROOT);
    const rows = costRows(table, ENGINE_JS);
    for (const u of ['fmul25519', 'fmulP', 'finv', 'shaBlock', 'aesBlock', 'event']) {
      const row = rows.find((x) => x.unit === u)!;
      expect(row.s, u).toBe(cal.seconds.js[u]);
      expect(row.estimate, u).toBe(false);
      expect(row.how).toContain('bench duk');
    }
    // Not measured in Duktape: the native engine keeps the E.convolve estimate and the ESP-IDF figure.
    const nat = costRows(table, ENGINE_NATIVE);
    expect(nat.find((x) => x.unit === 'fmul25519')!.estimate).toBe(true);
    expect(nat.find((x) => x.unit === 'fmul25519')!.s).toBe(DEFAULT_COST_TABLE.engines[ENGINE_NATIVE].fmul25519);
    expect(nat.find((x) => x.unit === 'shaBlockNative')!.s).toBe(ESP32_NATIVE_SECONDS.shaBlockNative.s);
    expect(nat.find((x) => x.unit === 'shaBlock')!.s).toBe(cal.seconds.js.shaBlock);
    expect(table.basis).toMatch(/6 figures measured/);
  });

  it('the simulator and the report use the calibration file (CPU time = Σ work × the measured seconds)', async () => {
    const dir = tmp();
    const capture = path.join(dir, 'vm.txt');
    fs.writeFileSync(capture, nodevm);
    const file = path.join(dir, 'cal.json');
    expect((await run(['calibrate', '--from', capture, '--out', file])).code).toBe(0);
    const cal = readCalibration(file);
    const measured = (work: Record<string, number>) => {
      let s = 0;
      for (const [u, n] of Object.entries(work)) s += n * cal.seconds.js[u];
      return s;
    };
    const r = runSimBatch({ protocol: 'whitelist', seed: 'cal-1', enrollees: 1, loss: 0, maxMs: 600000, costTable: loadCostTable(file, ROOT).table });
    expect(r.ok).toBe(true);
    const enr = r.boards.find((b) => b.role === 'enrollee')!;
    // Every callback's busy time is its work at the measured seconds per unit; summed over the run:
    expect(enr.cpuBusyMs / 1000).toBeCloseTo(measured(enr.workTotals), 6);
    const estimated = cpuSecondsFor(enr.workTotals, ENGINE_JS);
    expect(Math.abs(enr.cpuBusyMs / 1000 - estimated)).toBeGreaterThan(1); // the estimates would give seconds more
    // The CLI run's report names the measured figures.
    const out = path.join(dir, 'rep');
    await run(['sim', '--quiet', '--count', '1', '--loss', '0', '--seed', 'cal-1', '--calibration', file, '--out', out]);
    const md = fs.readFileSync(path.join(out, 'sim-report.md'), 'utf8');
    for (const u of ['fmul25519', 'fmulP', 'finv', 'shaBlock', 'aesBlock', 'event']) expect(md).toMatch(new RegExp('\\| ' + u + ' \\| [0-9.e-]+ \\| \\*\\*measured\\*\\* \\|'));
    // The Duktape capture has no E.convolve or native crypto: on the native engine those figures stay estimates, and the report says so.
    const dukCap = path.join(dir, 'duk.txt');
    fs.writeFileSync(dukCap, duk);
    const dukFile = path.join(dir, 'duk.json');
    await run(['calibrate', '--from', dukCap, '--out', dukFile]);
    const out3 = path.join(dir, 'rep3');
    await run(['sim', '--quiet', '--count', '1', '--loss', '0', '--seed', 'cal-1', '--native-crypto', '--calibration', dukFile, '--out', out3]);
    const md3 = fs.readFileSync(path.join(out3, 'sim-report.md'), 'utf8');
    expect(md3).toContain('engine `espruino-esp32-native`');
    expect(md3).toMatch(/\| shaBlockNative \| [0-9.e-]+ \| estimate \|/);
    expect(md3).toMatch(/\| fmul25519 \| [0-9.e-]+ \| estimate \|/);
    expect(md3).toMatch(/\| shaBlock \| [0-9.e-]+ \| \*\*measured\*\* \|/);
    // --calibration none goes back to the estimates.
    const out2 = path.join(dir, 'rep2');
    await run(['sim', '--quiet', '--count', '1', '--loss', '0', '--seed', 'cal-1', '--calibration', 'none', '--out', out2]);
    expect(fs.readFileSync(path.join(out2, 'sim-report.md'), 'utf8')).not.toContain('**measured**');
  });

  it('--port drives the espruino CLI (a stand-in here), reads the line and stops it', async () => {
    const dir = tmp();
    const argvFile = path.join(dir, 'argv.json');
    const stand = path.join(dir, 'espruino-standin.js');
    const lines = duk.split('\n');
    fs.writeFileSync(stand, [
      '#!/usr/bin/env node',
      `require('fs').writeFileSync(${JSON.stringify(argvFile)}, JSON.stringify(process.argv.slice(2)));`,
      `const lines = ${JSON.stringify(lines)};`,
      "process.stdout.write('Connecting to /dev/fake\\n');",
      "let i = 0; const t = setInterval(() => { if (i < lines.length) process.stdout.write(lines[i++] + '\\r\\n'); }, 2);",
      'setTimeout(() => process.exit(0), 60000);',
    ].join('\n'));
    fs.chmodSync(stand, 0o755);
    const out = path.join(dir, 'cal.json');
    const t0 = Date.now();
    const r = await run(['calibrate', '--port', '/dev/fake', '--espruino-cli', stand, '--out', out, '--timeout', '50']);
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(30000); // it stopped the CLI once the line was in
    const argv = JSON.parse(fs.readFileSync(argvFile, 'utf8'));
    expect(argv).toEqual(['--no-ble', '-p', '/dev/fake', '-b', '115200', '--sleep', '50', '--storage', '.bootcde:-', path.join(ROOT, 'dist/espruino/calibrate.js'), '-e', 'load()']);
    expect(r.text).toContain('now boots the bench');
    expect(readCalibration(out).source).toBe('serial /dev/fake');
    // A CLI that ends without the line is a typed error.
    const dead = path.join(dir, 'dead.js');
    fs.writeFileSync(dead, "#!/usr/bin/env node\nprocess.stdout.write('no board\\n'); process.exit(3);\n");
    fs.chmodSync(dead, 0o755);
    const e = await cliError(['calibrate', '--port', '/dev/fake', '--espruino-cli', dead, '--out', out, '--timeout', '20']);
    expect(e).toBeInstanceOf(CliError);
    expect(e.code).toBe('E_CALIBRATE');
    expect(e.message).toMatch(/status 3.*no board/);
    const dry = await run(['calibrate', '--port', '/dev/ttyUSB0', '--dry-run', '--to-ram']);
    expect(dry.text).toContain('-p /dev/ttyUSB0');
    expect(dry.text).not.toContain('.bootcde');
    expect(dry.text).toMatch(/calibrate\.js$/);
  });
});

describe('bad calibration input', () => {
  const line = (o: object) => 'NOWBOARD ' + JSON.stringify({ ev: 'calibrate', format: 1, engine: 'x', clock: 'getTime', units: { fmul25519: { ms: 6, n: 2561, reps: 1 } }, errors: {}, ...o });
  const corrupt = (text: string, re: RegExp) => {
    let err: any = null;
    try {
      parseCalibrationOutput(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect(err.code).toBe('E_FILE_CORRUPT');
    expect(err.message).toMatch(re);
  };

  it('a capture without the line, a cut-off line, unknown units, bad figures and other formats are E_FILE_CORRUPT', () => {
    corrupt('calibrate: loop 0.1 ms\n', /no NOWBOARD/);
    corrupt(line({}).slice(0, 60), /not JSON/);
    corrupt(line({ units: { fmulBogus: { ms: 1, n: 1, reps: 1 } } }), /unknown unit "fmulBogus"/);
    corrupt(line({ units: { fmul25519: { ms: -1, n: 1, reps: 1 } } }), /bad figure for fmul25519/);
    corrupt(line({ units: { fmul25519: { ms: 1, n: 0, reps: 1 } } }), /bad count/);
    corrupt(line({ format: 2 }), /format 2/);
    // The last good line wins over an earlier one.
    const two = line({ units: { fmul25519: { ms: 1, n: 1, reps: 1 } } }) + '\n' + line({});
    expect(parseCalibrationOutput(two).bench.units.fmul25519.ms).toBe(6);
    const cal = calibrationFrom(line({}), parseCalibrationOutput(line({})).bench, { source: 't' });
    expect(cal.notMeasured.fmulP).toBe('not in the line');
  });

  it('a missing or corrupt calibration file is a typed error, and --from/--port misuse is a usage error', async () => {
    const dir = tmp();
    const f = path.join(dir, 'c.json');
    expect(() => loadCostTable(f, ROOT)).toThrow(/not found/);
    fs.writeFileSync(f, '{"format":"nowboard-calibration/1","engine":"x","measuredAt":"2026","seconds":{"js":{"fmul25519":-1},"accel":{},"native":{}}}');
    expect(() => readCalibration(f)).toThrow(/seconds.js.fmul25519 must be seconds >= 0/);
    fs.writeFileSync(f, '{"format":"nowboard-calibration/1","engine":"x","measuredAt":"2026","seconds":{"js":{"shaBlockNative":1},"accel":{},"native":{}}}');
    expect(() => readCalibration(f)).toThrow(/not a unit of this table/);
    fs.writeFileSync(f, '{not json');
    expect(() => readCalibration(f)).toThrow(/not JSON/);
    const e1 = await cliError(['sim', '--calibration', f, '--count', '1']);
    expect(e1.code).toBe('E_FILE_CORRUPT');
    const e2 = await cliError(['calibrate', '--from', 'a', '--port', 'b']);
    expect(e2.code).toBe('E_USAGE');
    expect(e2.exitCode).toBe(2);
    const e3 = await cliError(['calibrate', '--from', path.join(dir, 'nope.txt')]);
    expect(e3.code).toBe('E_FILE_MISSING');
    const help = await run(['calibrate']);
    expect(help.text).toContain('dist/espruino/calibrate.js');
  });
});
