/**
 * The engine harness without an engine: the built engine scenarios
 * (dist/engines/<protocol>/scenario-<platform>.js) run in a bare node:vm
 * context that has only `print`, as Duktape/Espruino/JerryScript give them;
 * a control built around boards that never finish reports FAIL and throws;
 * and the runner's reading of engine output (engine-output.ts) passes only
 * what it should. The real engines run in `npm run test:engines`.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { BOARD_APPS, ENGINE_BATCHES, TARGETS, engineScenarioTarget, boardTarget, type Platform } from '../../build/targets.ts';
import { buildTarget } from '../../build/pipeline.ts';
import { runScenario, summaryText } from '../../configurator/sim/sim-scenario.ts';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import type { BatchProtocol } from '../../configurator/batch/batch-protocol.ts';
import { engineScenarioOptions } from './engine-scenario.ts';
import { cleanOutput, judgeRun, summaryBlock, TAG } from './engine-output.ts';
import { SILENT_BOARD, SILENT_JERRY_BOARD } from '../sim/fixture-boards.ts';

const ROOT = path.resolve(__dirname, '../..');
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');
const PLATFORMS: Platform[] = ['espruino', 'jerryscript'];

/** Run a script the way an engine's command line does: a fresh realm with only print. */
function runLikeAnEngine(code: string): { lines: string[]; threw: unknown } {
  const lines: string[] = [];
  const ctx = vm.createContext({ print: (s: unknown) => lines.push(...String(s).split('\n')) });
  let threw: unknown = null;
  try {
    vm.runInContext(code, ctx);
  } catch (e) {
    threw = e;
  }
  return { lines, threw };
}

async function batchOf(protocol: string): Promise<BatchProtocol<any>> {
  const [mod, exp] = ENGINE_BATCHES[protocol].split('#');
  return (await import(path.join(ROOT, mod)))[exp];
}

const protocols = BOARD_APPS.map((a) => a.protocol).filter((p) => ENGINE_BATCHES[p]);

describe('engine scenarios (dist/engines/*) in a bare realm', () => {
  it('at least the whitelist protocol has an engine scenario; every ENGINE_BATCHES entry is a BOARD_APPS protocol', () => {
    expect(protocols).toContain('whitelist');
    for (const p of Object.keys(ENGINE_BATCHES)) expect(BOARD_APPS.map((a) => a.protocol), `ENGINE_BATCHES.${p}`).toContain(p);
    for (const p of protocols) for (const pl of PLATFORMS) expect(TARGETS.map((t) => t.name)).toContain(engineScenarioTarget(p, pl));
  });

  for (const protocol of protocols) {
    for (const platform of PLATFORMS) {
      it(`${protocol}, ${platform} bundles: PASS, and the same summary as node:vm`, async () => {
        const bundles = {
          enrollee: read(`dist/${boardTarget(platform, protocol, 'enrollee')}.js`),
          configurator: read(`dist/${boardTarget(platform, protocol, 'configurator')}.js`),
        };
        const expected = summaryText(runScenario(engineScenarioOptions(bundles, vmLoader(), { batch: await batchOf(protocol), platform })));
        expect(expected).toMatch(/^seed nowboard-standard-1 {2}OK/);
        const r = runLikeAnEngine(read(`dist/${engineScenarioTarget(protocol, platform)}.js`));
        expect(r.threw).toBe(null);
        const j = judgeRun(r.lines, 0, { exitStatusMeans: true, summary: expected });
        expect(j.why).toBe('');
        expect(j.ok).toBe(true);
        expect(j.line).toMatch(new RegExp(`^PASS scenario ${protocol} ${platform} seed nowboard-standard-1 boards 4 `));
      });
    }
  }

  for (const platform of PLATFORMS) {
    it(`control (${platform}): boards that never finish make the harness print FAIL with the seed and throw`, async () => {
      const name = engineScenarioTarget('whitelist', platform);
      const silent = platform === 'jerryscript' ? SILENT_JERRY_BOARD : SILENT_BOARD;
      const built = new Map([[boardTarget(platform, 'whitelist', 'enrollee'), silent], [boardTarget(platform, 'whitelist', 'configurator'), silent]]);
      const res = await buildTarget(TARGETS.find((t) => t.name === name)!, { built });
      expect(res.failure).toBeUndefined();
      expect(res.errors.map((e) => e.message)).toEqual([]);
      const r = runLikeAnEngine(res.code!);
      expect(String(r.threw)).toMatch(/engine scenario FAILED \(seed nowboard-standard-1\)/);
      expect(r.lines.join('\n')).toContain('NOT FINISHED');
      expect(judgeRun(r.lines, 1, { exitStatusMeans: true, expectFail: true }).ok).toBe(true);
      expect(judgeRun(r.lines, 1, { exitStatusMeans: true }).ok).toBe(false);
    });
  }
});

describe('reading engine output', () => {
  const summary = 'seed s  OK  at 1 ms virtual\nmedium: sent 1\n  b1 (enrollee) finished';
  const good = [`${TAG} START scenario p espruino`, ...summary.split('\n'), `${TAG} PASS scenario p espruino seed s`];

  it("cleans Espruino's console: banner, CRs, line clears, prompts", () => {
    const raw = ' ____                 _\r\n|  __|___ ___ ___ _ _|_|___ ___\r\n espruino.com/Donate\r\n\x1b[J' + good.join('\r\n') + '\r\n>\r\n';
    expect(cleanOutput(raw)).toEqual(good);
    expect(summaryBlock(cleanOutput(raw))).toBe(summary);
  });

  it('passes exactly one PASS line with the same summary and a zero status', () => {
    expect(judgeRun(good, 0, { exitStatusMeans: true, summary })).toEqual({ ok: true, line: 'PASS scenario p espruino seed s', why: '' });
    // a different summary, a FAIL line, no line, a non-zero status where it means something: all fail
    expect(judgeRun(good, 0, { exitStatusMeans: true, summary: summary.replace('sent 1', 'sent 2') }).why).toMatch(/^summary differs from node:vm, line 2/);
    expect(judgeRun(good.concat([`${TAG} FAIL scenario p`]), 0, { exitStatusMeans: true }).ok).toBe(false);
    expect(judgeRun(good.slice(0, -1), 0, { exitStatusMeans: true })).toMatchObject({ ok: false, line: `(no ${TAG} PASS/FAIL line)`, why: expect.stringMatching(/no PASS line/) });
    expect(judgeRun(good.concat(good.slice(-1)), 0, { exitStatusMeans: true }).why).toMatch(/more than one PASS/);
    expect(judgeRun(good, 1, { exitStatusMeans: true }).why).toBe('exit status 1');
    // Espruino's status is not evidence either way: the line decides
    expect(judgeRun(good, 1, { exitStatusMeans: false }).ok).toBe(true);
  });

  it('a control passes only when it reported FAIL (and exited non-zero where that means something)', () => {
    const failed = good.slice(0, -1).concat([`${TAG} FAIL scenario p espruino (seed s)`]);
    expect(judgeRun(failed, 1, { exitStatusMeans: true, expectFail: true }).ok).toBe(true);
    expect(judgeRun(failed, 0, { exitStatusMeans: true, expectFail: true }).why).toBe('the control exited 0');
    expect(judgeRun(failed, 0, { exitStatusMeans: false, expectFail: true }).ok).toBe(true);
    expect(judgeRun(good, 0, { exitStatusMeans: true, expectFail: true }).why).toMatch(/cannot fail/);
    expect(judgeRun(good.slice(0, -1), 1, { exitStatusMeans: true, expectFail: true }).ok).toBe(false);
  });
});
