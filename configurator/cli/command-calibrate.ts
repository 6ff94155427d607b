/**
 * `nowboard calibrate` (issue 14, part 3): replace the cost table's
 * BOARD_FACTOR estimates with figures measured on a real board.
 *
 *   nowboard calibrate                        how to run the bench on a board
 *   nowboard calibrate --from capture.txt     read the bench's output (a file, or - for stdin)
 *   nowboard calibrate --port /dev/ttyUSB0    upload dist/espruino/calibrate.js with the
 *                                             espruino CLI and read its output
 *
 * Either way the last `NOWBOARD {"ev":"calibrate",...}` line becomes the
 * calibration file (default calibration/esp32.json), which `nowboard sim`,
 * `npm run bench:energy` and the reports load: each measured unit replaces
 * its estimate, the report says which figures are measured.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { FlagSpec, parseFlags } from './args.ts';
import { CliError } from './cli-errors.ts';
import { renderTable } from './text-table.ts';
import { REPO_ROOT } from './commands-files.ts';
import {
  parseCalibrationOutput, calibrationFrom, writeCalibration, calibrationRows, DEFAULT_CALIBRATION, CalibrationFile,
} from '../power/calibration.ts';

export const CALIBRATE_BUNDLE = 'dist/espruino/calibrate.js';

export const calibrateFlags: Record<string, FlagSpec> = {
  from: { type: 'string', help: 'the bench output to read: a file, or - for stdin' },
  port: { type: 'string', help: 'serial port of a board running Espruino: upload the bench and read its output' },
  board: { type: 'string', help: 'name of the board, kept in the calibration file (default: the engine the bench names)' },
  out: { type: 'string', default: DEFAULT_CALIBRATION, help: 'calibration file to write (relative to the repository)' },
  baud: { type: 'int', default: 115200, min: 1200, max: 2000000, help: 'serial baud rate (with --port)' },
  timeout: { type: 'int', default: 600, min: 5, max: 7200, help: 'seconds to wait for the bench line (with --port)' },
  'to-ram': { type: 'bool', help: 'with --port: send the bench to RAM (the IDE default) instead of storing it as the boot code (.bootcde); an ESP32-sized Espruino runs out of memory that way' },
  'espruino-cli': { type: 'string', help: 'the espruino command-line tool (default: node_modules/.bin/espruino)' },
  'dry-run': { type: 'bool', help: 'with --port: print the espruino command instead of running it' },
};

function howTo(): string {
  return [
    'nowboard calibrate: measure the cost table on a real ESP32 (docs/power-model.md, "Recalibrating").',
    '',
    `  1. npm run build                        (makes ${CALIBRATE_BUNDLE})`,
    '  2. either let nowboard drive the board through the espruino CLI (it stores the bench as the',
    '     boot code, as flash.sh stores an app; re-flash the app afterwards):',
    '       nowboard calibrate --port /dev/ttyUSB0 [--board "ESP32-WROOM-32E devkit"]',
    `     or upload ${CALIBRATE_BUNDLE} yourself (to flash: it does not fit an ESP32's RAM as a file), capture the console`,
    '     until the line  NOWBOARD {"ev":"calibrate",...}  appears (about 3 minutes), and run',
    '       nowboard calibrate --from capture.txt [--board NAME]',
    `  3. the figures go to ${DEFAULT_CALIBRATION}; nowboard sim and npm run bench:energy use them`,
    '     (nowboard sim --calibration none goes back to the estimates).',
  ].join('\n');
}

function readInput(from: string): string {
  if (from === '-') return fs.readFileSync(0, 'utf8');
  if (!fs.existsSync(from)) throw new CliError('E_FILE_MISSING', `--from ${from}: no such file`);
  return fs.readFileSync(from, 'utf8');
}

/**
 * The espruino CLI's argument list for one run of the bench. By default the
 * bundle is stored as the boot code and started with load(), as flash.sh
 * stores an app: run from Storage it fits an ESP32's 16383 JsVars, sent to
 * RAM it does not (Linux build with the ESP32's pool: LOW_MEMORY at parse).
 */
export function espruinoArgs(port: string, baud: number, timeoutS: number, toRam: boolean, bundle: string): string[] {
  const args = ['--no-ble', '-p', port, '-b', String(baud), '--sleep', String(timeoutS)];
  if (toRam) args.push(bundle);
  else args.push('--storage', '.bootcde:-', bundle, '-e', 'load()');
  return args;
}

/** Run the CLI; resolve with its output as soon as the calibration line is complete (then stop it). */
function runOnBoard(cli: string, args: string[], timeoutS: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    let done = false;
    const child = spawn(cli, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.pid !== undefined) child.kill('SIGTERM');
      if (err) reject(err);
      else resolve(text);
    };
    const timer = setTimeout(
      () => finish(new CliError('E_CALIBRATE', `no calibration line from the board within ${timeoutS} s (output so far: ${JSON.stringify(text.slice(-300))})`)),
      timeoutS * 1000,
    );
    const onData = (d: Buffer) => {
      text += d.toString('utf8');
      // A complete line: the JSON closes and a line break follows.
      if (/NOWBOARD \{"ev":"calibrate".*\}\s*[\r\n]/.test(text)) finish(null);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => finish(new CliError('E_CALIBRATE', `cannot run ${cli}: ${e.message}`)));
    child.on('exit', (code) => {
      if (/NOWBOARD \{"ev":"calibrate"/.test(text)) finish(null);
      else finish(new CliError('E_CALIBRATE', `${cli} ended (status ${code}) before the calibration line; its output: ${JSON.stringify(text.slice(-500))}`));
    });
  });
}

export function calibrationReport(cal: CalibrationFile, file: string): string {
  const rows = calibrationRows(cal);
  return [
    `calibration of ${cal.board} (${cal.engine}, clock ${cal.clock}) written to ${file}`,
    '',
    renderTable(['unit', 'estimate (ms)', 'measured (ms)', 'factor vs Linux', 'status'], rows, [false, true, true, true, false]),
    '',
    'Each measured unit replaces its estimate in the cost table; the others stay estimates (board factor 15).',
  ].join('\n');
}

export async function cmdCalibrate(argv: string[], out: (s: string) => void): Promise<number> {
  const { flags, rest } = parseFlags(argv, calibrateFlags, 'calibrate');
  if (rest.length) throw new CliError('E_USAGE', `nowboard calibrate: unexpected argument "${rest[0]}" (use --from FILE)`);
  const from = flags.from as string | undefined;
  const port = flags.port as string | undefined;
  if (from && port) throw new CliError('E_USAGE', 'nowboard calibrate: --from and --port exclude each other');
  if (!from && !port) {
    out(howTo());
    return 0;
  }
  const outFile = path.isAbsolute(flags.out as string) ? (flags.out as string) : path.join(REPO_ROOT, flags.out as string);
  let text: string;
  let source: string;
  if (from) {
    text = readInput(from);
    source = from === '-' ? 'stdin' : from;
  } else {
    const bundle = path.join(REPO_ROOT, CALIBRATE_BUNDLE);
    if (!fs.existsSync(bundle)) throw new CliError('E_BUNDLE_MISSING', `${CALIBRATE_BUNDLE} not found: run npm run build first`);
    const cli = (flags['espruino-cli'] as string | undefined) ?? path.join(REPO_ROOT, 'node_modules/.bin/espruino');
    const args = espruinoArgs(port!, flags.baud as number, flags.timeout as number, !!flags['to-ram'], bundle);
    if (flags['dry-run']) {
      out([cli, ...args].map((a) => (/^[\w./:=+-]+$/.test(a) ? a : JSON.stringify(a))).join(' '));
      return 0;
    }
    out(`running ${CALIBRATE_BUNDLE} on ${port} (up to ${flags.timeout} s)...`);
    text = await runOnBoard(cli, args, flags.timeout as number);
    source = 'serial ' + port;
  }
  const { line, bench } = parseCalibrationOutput(text, source);
  const cal = calibrationFrom(line, bench, { board: flags.board as string | undefined, source });
  writeCalibration(outFile, cal);
  const rel = path.relative(process.cwd(), outFile);
  out(calibrationReport(cal, rel && !rel.startsWith('..') ? rel : outFile));
  if (port && !flags['to-ram']) out(`${port} now boots the bench: flash its app again (flash.sh, nowboard flash).`);
  return 0;
}
