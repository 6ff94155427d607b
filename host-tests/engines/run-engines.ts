/**
 * `npm run test:engines` (after the build): the bundles in real small engines.
 *
 * Engines: Duktape (`duk` on PATH, or NOWBOARD_DUK; required, the run fails
 * without it: `.ci/run` installs it), every Espruino binary named in
 * NOWBOARD_ESPRUINO and every JerryScript binary in NOWBOARD_JERRY
 * (`:`-separated). Each engine runs, each in a fresh temporary directory with
 * stdin an open pipe:
 *   1. dist/engines/crypto-selfcheck.js — the crypto bench's self-checks;
 *   2. dist/engines/<protocol>/scenario-<platform>.js for every protocol of
 *      BOARD_APPS with an ES5 batch (build/targets.ts ENGINE_BATCHES), on the
 *      bundles built for that engine: Espruino the espruino bundles,
 *      JerryScript the jerryscript bundles, Duktape both; the printed summary
 *      must equal the one node:vm gives for the same options;
 *   3. a control: the same harness around boards that never finish must
 *      report FAIL, so a PASS means something;
 *   4. dist/espruino/calibrate.js (`nowboard calibrate`'s bench, loops cut to
 *      20 ms): exactly one calibration line that nowboard calibrate reads,
 *      with every pure-JS unit measured.
 * Prints per engine what ran, the outcome and the wall time; exits 1 if any
 * run failed. NOWBOARD_ENGINE_TIMEOUT: seconds per run (default 1800).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BOARD_APPS, ENGINE_BATCHES, TARGETS, engineScenarioTarget, boardTarget, type Platform } from '../../build/targets.ts';
import { buildTarget } from '../../build/pipeline.ts';
import { runScenario, summaryText } from '../../configurator/sim/sim-scenario.ts';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import type { BatchProtocol } from '../../configurator/batch/batch-protocol.ts';
import { engineScenarioOptions } from './engine-scenario.ts';
import { cleanOutput, judgeRun, RunJudgement } from './engine-output.ts';
import { SILENT_BOARD, SILENT_JERRY_BOARD } from '../sim/fixture-boards.ts';
import { parseCalibrationOutput } from '../../configurator/power/calibration.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TIMEOUT_S = Number(process.env.NOWBOARD_ENGINE_TIMEOUT || 1800);

type Kind = 'duktape' | 'espruino' | 'jerryscript';

interface Engine {
  kind: Kind;
  bin: string;
  /** Which platforms' bundles it runs. */
  platforms: Platform[];
  /** Espruino's exit status says nothing about errors in callbacks. */
  exitStatusMeans: boolean;
}

interface Job {
  label: string;
  file: string;
  expectFail?: boolean;
  summary?: string;
  /** Judge the output another way than by NOWBOARD-ENGINE lines. */
  judge?: (lines: string[], status: number | null, engine: Engine) => RunJudgement;
}

/** The pure-JS units every engine's calibration line must measure (the accelerated ones need E.convolve / crypto). */
const CALIBRATION_UNITS = ['loop', 'fmul25519', 'fmulP', 'finv', 'shaBlock', 'aesBlock', 'event'];

function judgeCalibration(lines: string[], status: number | null, engine: Engine): RunJudgement {
  const count = lines.filter((l) => l.replace(/^[>\s]+/, '').startsWith('NOWBOARD ')).length;
  try {
    const { bench } = parseCalibrationOutput(lines.join('\n'), engine.kind);
    const units = Object.keys(bench.units);
    const line = `calibration line: ${bench.engine}, clock ${bench.clock}, units ${units.join(' ')}`;
    if (count !== 1) return { ok: false, line, why: `${count} NOWBOARD lines, expected one` };
    const missing = CALIBRATION_UNITS.filter((u) => !bench.units[u]);
    if (missing.length) return { ok: false, line, why: 'units not measured: ' + missing.join(' ') };
    if (engine.exitStatusMeans && status !== 0) return { ok: false, line, why: 'exit status ' + status };
    return { ok: true, line, why: '' };
  } catch (e) {
    return { ok: false, line: '(no calibration line)', why: (e as Error).message };
  }
}

interface Outcome {
  engine: Engine;
  job: Job;
  seconds: number;
  judgement: RunJudgement;
  tail: string[];
}

function onPath(cmd: string): string | null {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const f = path.join(dir, cmd);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return f;
    } catch {
      // not here
    }
  }
  return null;
}

function list(env: string | undefined): string[] {
  return (env || '').split(':').filter(Boolean);
}

/** Run `bin file` in a fresh temp dir, stdin an open pipe (Espruino spins on EOF), with a timeout. */
function runEngine(bin: string, file: string): Promise<{ status: number | null; out: string; seconds: number; timedOut: boolean }> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-engine-'));
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(bin, [file], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.stdin.on('error', () => {});
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL'); // Espruino ignores SIGTERM in some modes
    }, TIMEOUT_S * 1000);
    const done = (status: number | null) => {
      clearTimeout(timer);
      child.stdin.destroy();
      fs.rmSync(cwd, { recursive: true, force: true });
      resolve({ status, out, seconds: (Date.now() - t0) / 1000, timedOut });
    };
    child.on('error', (e) => {
      out += '\n[cannot run ' + bin + ': ' + e.message + ']';
      done(null);
    });
    child.on('close', (code) => done(code));
  });
}

async function batchOf(protocol: string): Promise<BatchProtocol<any>> {
  const [mod, exp] = ENGINE_BATCHES[protocol].split('#');
  const m = (await import(pathToFileURL(path.join(ROOT, mod)).href)) as Record<string, unknown>;
  if (!m[exp]) throw new Error(`ENGINE_BATCHES.${protocol}: ${mod} exports no ${exp}`);
  return m[exp] as BatchProtocol<any>;
}

function dist(rel: string): string {
  const f = path.join(ROOT, rel);
  if (!fs.existsSync(f)) throw new Error(`${rel} is missing: run \`npm run build\` first (npm run test:engines does)`);
  return f;
}

/** The harness around boards that never finish, built by the real pipeline: its run must say FAIL. */
async function controlFile(protocol: string, platform: Platform, dir: string): Promise<string> {
  const name = engineScenarioTarget(protocol, platform);
  const target = TARGETS.find((t) => t.name === name)!;
  const silent = platform === 'jerryscript' ? SILENT_JERRY_BOARD : SILENT_BOARD;
  const built = new Map([[boardTarget(platform, protocol, 'enrollee'), silent], [boardTarget(platform, protocol, 'configurator'), silent]]);
  const r = await buildTarget(target, { built });
  if (r.failure || r.errors.length || !r.code) throw new Error(`control ${name}: build failed: ${r.failure || r.errors.map((e) => e.message).join('; ')}`);
  const file = path.join(dir, `control-${protocol}-${platform}.js`);
  fs.writeFileSync(file, r.code);
  return file;
}

function engines(): { list: Engine[]; problems: string[] } {
  const out: Engine[] = [];
  const problems: string[] = [];
  const duk = process.env.NOWBOARD_DUK || onPath('duk');
  if (duk) out.push({ kind: 'duktape', bin: duk, platforms: ['espruino', 'jerryscript'], exitStatusMeans: true });
  else problems.push('Duktape is required and `duk` is not on PATH (Debian/Ubuntu package "duktape"; .ci/run installs it; or set NOWBOARD_DUK)');
  for (const b of list(process.env.NOWBOARD_ESPRUINO)) out.push({ kind: 'espruino', bin: b, platforms: ['espruino'], exitStatusMeans: false });
  for (const b of list(process.env.NOWBOARD_JERRY)) out.push({ kind: 'jerryscript', bin: b, platforms: ['jerryscript'], exitStatusMeans: true });
  return { list: out, problems };
}

/** The engine's version, as far as it says: Duktape.version, jerry --version, Espruino's banner. */
async function versionOf(engine: Engine, firstRawOutput: string): Promise<string> {
  if (engine.kind === 'espruino') {
    const m = /\b(\d+v\d+(?:\.\d+)?)\b/.exec(firstRawOutput);
    return m ? 'Espruino ' + m[1] : 'Espruino (version not printed)';
  }
  const r = await new Promise<string>((resolve) => {
    const v = 'var v = Duktape.version; print("Duktape " + Math.floor(v / 10000) + "." + Math.floor(v / 100) % 100 + "." + v % 100)';
    const args = engine.kind === 'duktape' ? ['-e', v] : ['--version'];
    const c = spawn(engine.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('error', () => resolve(''));
    c.on('close', () => resolve((out.trim().split('\n')[0] || '').replace(/^Version: /, 'JerryScript ')));
  });
  return r || engine.kind;
}

/** JerryScript's fatal exit code for an exhausted heap (jerry_fatal_code_t JERRY_FATAL_OUT_OF_MEMORY). */
const JERRY_FATAL_OUT_OF_MEMORY = 10;

function hint(engine: Engine, lines: string[], status: number | null): string {
  if (engine.kind !== 'jerryscript') return '';
  const parser = lines.some((l) => l.indexOf('out of memory (engine threw null)') >= 0);
  if (parser || status === JERRY_FATAL_OUT_OF_MEMORY) {
    return `JerryScript ran out of heap (${parser ? 'its parser threw null' : 'fatal exit ' + status}): the scenarios need 1-2 MB; ` +
      'build jerry with --mem-heap=2048 --cpointer-32bit=ON (host-tests/engines/README.md)';
  }
  return '';
}

async function main(): Promise<void> {
  const { list: found, problems } = engines();
  const protocols = BOARD_APPS.map((a) => a.protocol);
  const runnable = protocols.filter((p) => ENGINE_BATCHES[p]);
  const skipped = protocols.filter((p) => !ENGINE_BATCHES[p]);

  console.log('nowboard engine suite');
  console.log(`protocols: ${runnable.join(', ') || '(none)'}` + (skipped.length ? `; not run (no ES5 batch in build/targets.ts ENGINE_BATCHES): ${skipped.join(', ')}` : ''));
  console.log(`engines: ${found.map((e) => `${e.kind} (${e.bin})`).join(', ') || '(none)'}`);
  if (!process.env.NOWBOARD_ESPRUINO) console.log('  (NOWBOARD_ESPRUINO not set: no Espruino run)');
  if (!process.env.NOWBOARD_JERRY) console.log('  (NOWBOARD_JERRY not set: no JerryScript run)');

  // What node:vm prints for each scenario: every engine must print the same.
  const expected = new Map<string, string>();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-engines-'));
  const controls = new Map<string, string>();
  for (const protocol of runnable) {
    const batch = await batchOf(protocol);
    for (const platform of ['espruino', 'jerryscript'] as Platform[]) {
      dist(`dist/${engineScenarioTarget(protocol, platform)}.js`);
      const bundles = {
        enrollee: fs.readFileSync(dist(`dist/${boardTarget(platform, protocol, 'enrollee')}.js`), 'utf8'),
        configurator: fs.readFileSync(dist(`dist/${boardTarget(platform, protocol, 'configurator')}.js`), 'utf8'),
      };
      expected.set(`${protocol}/${platform}`, summaryText(runScenario(engineScenarioOptions(bundles, vmLoader(), { batch, platform }))));
      controls.set(`${protocol}/${platform}`, await controlFile(protocol, platform, tmp));
    }
  }
  const selfcheck = dist('dist/engines/crypto-selfcheck.js');
  const calibrate = path.join(tmp, 'calibrate.js');
  fs.writeFileSync(calibrate, 'var NOWBOARD_CALIBRATE_MIN_S = 0.02;\n' + fs.readFileSync(dist('dist/espruino/calibrate.js'), 'utf8'));

  const outcomes: Outcome[] = [];
  const versions = new Map<Engine, string>();
  for (const engine of found) {
    console.log(`\n=== ${engine.kind}: ${engine.bin} ===`);
    const jobs: Job[] = [{ label: 'crypto self-check', file: selfcheck }, { label: 'calibration bench', file: calibrate, judge: judgeCalibration }];
    for (const protocol of runnable) {
      for (const platform of engine.platforms) {
        const key = `${protocol}/${platform}`;
        jobs.push({ label: `scenario ${protocol}, ${platform} bundles`, file: dist(`dist/${engineScenarioTarget(protocol, platform)}.js`), summary: expected.get(key) });
        jobs.push({ label: `control ${protocol}, ${platform}: boards that never finish must FAIL`, file: controls.get(key)!, expectFail: true });
      }
    }
    let version = '';
    for (const job of jobs) {
      const r = await runEngine(engine.bin, job.file);
      if (!version) {
        version = await versionOf(engine, r.out);
        console.log(`  version: ${version}`);
        versions.set(engine, version);
      }
      const lines = cleanOutput(r.out);
      let judgement = job.judge
        ? job.judge(lines, r.status, engine)
        : judgeRun(lines, r.status, { expectFail: job.expectFail, exitStatusMeans: engine.exitStatusMeans, summary: job.summary });
      if (r.timedOut) judgement = { ok: false, line: judgement.line, why: `timed out after ${TIMEOUT_S} s (NOWBOARD_ENGINE_TIMEOUT)` };
      const o: Outcome = { engine, job, seconds: r.seconds, judgement, tail: lines.slice(-30) };
      outcomes.push(o);
      console.log(`  ${judgement.ok ? 'PASS' : 'FAIL'}  ${job.label}  (${r.seconds.toFixed(1)} s wall)`);
      console.log(`        ${judgement.line}`);
      if (!judgement.ok) {
        console.log(`        why: ${judgement.why}`);
        const h = hint(engine, lines, r.status);
        if (h) console.log(`        hint: ${h}`);
        console.log('        last lines:' + (o.tail.length ? '\n' + o.tail.map((l) => '          | ' + l).join('\n') : ' (no output)'));
      }
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });

  const failed = outcomes.filter((o) => !o.judgement.ok);
  console.log('\n=== summary ===');
  for (const e of found) {
    const mine = outcomes.filter((o) => o.engine === e);
    const bad = mine.filter((o) => !o.judgement.ok).length;
    const secs = mine.reduce((s, o) => s + o.seconds, 0);
    console.log(`${bad ? 'FAIL' : 'PASS'}  ${e.kind} (${path.basename(e.bin)}, ${versions.get(e) || '?'}): ${mine.length - bad}/${mine.length} runs passed, ${secs.toFixed(1)} s wall`);
  }
  for (const p of problems) console.log('FAIL  ' + p);
  if (failed.length || problems.length || found.length === 0) process.exit(1);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack || e.message : e);
  process.exit(1);
});
