/**
 * `npm run bench` (after the build): the crypto benchmark on every engine at hand.
 *
 *  1. Node: the same cases as the bundle (imported as TypeScript), printed as ops/s.
 *  2. Duktape: if `duk` is on PATH, `duk dist/bench/crypto-bench.js`, its output as is.
 *  3. Espruino / JerryScript: if NOWBOARD_ESPRUINO / NOWBOARD_JERRY name interpreter
 *     binaries (several may be given, separated by ':'), the bundle runs on each.
 *     For Espruino, a `run-espruino.sh` wrapper beside the binary is used when there
 *     is one (stdin at EOF makes Espruino spin; host-tests/engines/README.md).
 *  4. Every host-tests/bench/*.bench.ts file, in name order. Convention: such a file
 *     exports `default function run(): void | Promise<void>` and prints its own figures.
 *
 * The bundle prints seconds per operation with the engine's own clock, then each case
 * as a ratio to tweetnacl's X25519 base-point multiplication timed in the same run.
 * Figures are benchmarks, never test assertions (docs/firmware-rules.md).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import nacl from 'tweetnacl';
import { runBench, BenchCase } from './bench-runner.ts';
import { x25519BenchCases, setTweetnaclBaseline, x25519SelfCheck } from './x25519-bench-cases.ts';
import { p256SelfCheck } from './p256-bench-cases.ts';
import { runEcqvBench } from './ecqv-bench-cases.ts';

var HERE = path.dirname(fileURLToPath(import.meta.url));
var ROOT = path.resolve(HERE, '..', '..');
var BUNDLE = path.join(ROOT, 'dist', 'bench', 'crypto-bench.js');

function heading(s: string): void {
  console.log('\n=== ' + s + ' ===');
}

/** Cases of the other engineers' files and the handshake, when their modules exist. */
async function optionalCases(): Promise<BenchCase[]> {
  var out: BenchCase[] = [];
  var tries: [string, (m: Record<string, unknown>) => BenchCase[]][] = [
    ['./sym-bench-cases.ts', function (m) { return m.symBenchCases as BenchCase[]; }],
    ['./p256-bench-cases.ts', function (m) { return m.p256BenchCases as BenchCase[]; }],
    ['../../firmware/protocols/whitelist/handshake-cost.ts', function (m) {
      return [{ name: 'enrollee handshake crypto', iterations: 20, run: m.enrolleeHandshakeCrypto as () => void }];
    }],
  ];
  for (var i = 0; i < tries.length; i++) {
    var file = path.resolve(HERE, tries[i][0]);
    if (!fs.existsSync(file)) {
      console.log('(skipped: ' + tries[i][0] + ' does not exist)');
      continue;
    }
    var mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    var cs = tries[i][1](mod);
    if (cs) for (var j = 0; j < cs.length; j++) out.push(cs[j]);
  }
  return out;
}

function onPath(cmd: string): string | null {
  var dirs = (process.env.PATH || '').split(path.delimiter);
  for (var i = 0; i < dirs.length; i++) {
    var f = path.join(dirs[i], cmd);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return f;
    } catch (_e) {
      // not here
    }
  }
  return null;
}

/** Run the bundle with `cmd args...`, print what it printed. */
function runEngine(label: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): void {
  heading(label + ': ' + [cmd].concat(args).join(' '));
  var r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30 * 60 * 1000, env: env || process.env });
  if (r.stdout) process.stdout.write(r.stdout.endsWith('\n') ? r.stdout : r.stdout + '\n');
  if (r.stderr) process.stdout.write('[stderr] ' + r.stderr + '\n');
  if (r.error) console.log('[failed to run: ' + r.error.message + ']');
  else if (r.status !== 0) console.log('[exit status ' + r.status + (r.signal ? ', signal ' + r.signal : '') + ']');
}

function espruinoCommand(bin: string): { cmd: string; args: string[] } {
  if (/\.sh$/.test(bin)) return { cmd: bin, args: [BUNDLE] };
  var wrapper = path.join(path.dirname(bin), 'run-espruino.sh');
  if (fs.existsSync(wrapper)) return { cmd: wrapper, args: [BUNDLE, bin] };
  return { cmd: bin, args: [BUNDLE] };
}

async function main(): Promise<void> {
  heading('node ' + process.version + ' (TypeScript sources)');
  setTweetnaclBaseline(nacl.scalarMult.base);
  console.log('self-check: ' + (x25519SelfCheck(nacl.scalarMult.base) && p256SelfCheck() ? 'ok' : 'WRONG RESULTS'));
  var cases = x25519BenchCases.slice().concat(await optionalCases());
  // caps x100: the 0.5 s floor then decides, which lets the JIT warm up
  runBench(cases, function (s) { console.log(s); }, 100);
  runEcqvBench(function (s) { console.log(s); }, 100);

  var haveBundle = fs.existsSync(BUNDLE);
  if (!haveBundle) console.log('\n(no ' + path.relative(ROOT, BUNDLE) + ': run the build first; engine runs skipped)');
  if (haveBundle) {
    var duk = onPath('duk');
    if (duk) runEngine('duktape', duk, [BUNDLE]);
    else console.log('\n(duk not on PATH: Duktape run skipped; Debian package "duktape")');
    var esp = (process.env.NOWBOARD_ESPRUINO || '').split(':').filter(Boolean);
    for (var i = 0; i < esp.length; i++) {
      var c = espruinoCommand(esp[i]);
      runEngine('espruino (' + path.basename(esp[i]) + ')', c.cmd, c.args, Object.assign({}, process.env, { ESPRUINO_TIMEOUT: '1800' }));
    }
    var jerry = (process.env.NOWBOARD_JERRY || '').split(':').filter(Boolean);
    for (i = 0; i < jerry.length; i++) runEngine('jerryscript (' + path.basename(jerry[i]) + ')', jerry[i], [BUNDLE]);
    if (!esp.length) console.log('\n(NOWBOARD_ESPRUINO not set: Espruino run skipped)');
    if (!jerry.length) console.log('(NOWBOARD_JERRY not set: JerryScript run skipped)');
  }

  var extra = fs.readdirSync(HERE).filter(function (f) { return /\.bench\.ts$/.test(f); }).sort();
  for (i = 0; i < extra.length; i++) {
    heading(extra[i]);
    var m = (await import(pathToFileURL(path.join(HERE, extra[i])).href)) as { default?: () => void | Promise<void> };
    if (typeof m.default === 'function') await m.default();
    else console.log('(no default export run(): skipped)');
  }
}

main().catch(function (e) {
  console.error(e);
  process.exit(1);
});
