/**
 * The Duktape harness end to end. dist/duk/scenario.js (built by `npm run
 * build`, which `npm test` runs first) must run in the `duk` CLI (installed by
 * .ci/run), print exactly the summary node:vm gives for the same scenario, and
 * exit 0; a scenario whose boards never finish must make duk exit non-zero.
 * The failing bundle is built here with the real pipeline (ES5 lowering,
 * hoisting, proof) around silent fixture boards.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTarget } from '../../build/pipeline.ts';
import { TARGETS } from '../../build/targets.ts';
import { SILENT_BOARD } from './fixture-boards.ts';
import { runScenario, summaryText } from '../../configurator/sim/sim-scenario.ts';
import { standardScenario } from './standard-scenario.ts';
import { vmLoader } from '../../configurator/sim/vm-board.ts';

const ROOT = path.resolve(__dirname, '../..');
const dist = (p: string) => path.join(ROOT, 'dist', p);

function duk(file: string) {
  const r = spawnSync('duk', [file], { encoding: 'utf8', timeout: 280000, maxBuffer: 64 << 20 });
  if (r.error) throw new Error('cannot run duk (Debian package duktape; .ci/run installs it): ' + r.error.message);
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('Duktape scenario harness', () => {
  it('dist/duk/scenario.js runs the standard scenario in duk: exit 0 and the same summary as node:vm', () => {
    const bundles = {
      enrollee: fs.readFileSync(dist('espruino/whitelist/enrollee.js'), 'utf8'),
      configurator: fs.readFileSync(dist('espruino/whitelist/configurator.js'), 'utf8'),
    };
    const vm = runScenario(standardScenario(bundles, vmLoader()).opts);
    const r = duk(dist('duk/scenario.js'));
    expect(r.out).toContain(summaryText(vm));
    expect(vm.ok, summaryText(vm)).toBe(true);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('duk scenario OK');
  });

  it('exits non-zero, printing the seed, when a board never finishes', async () => {
    const target = TARGETS.find((t) => t.name === 'duk/scenario')!;
    const built = new Map([['espruino/whitelist/enrollee', SILENT_BOARD], ['espruino/whitelist/configurator', SILENT_BOARD]]);
    const res = await buildTarget(target, { built });
    expect(res.failure, res.failure).toBeUndefined();
    expect(res.errors.map((e) => e.message)).toEqual([]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-duk-')), 'scenario.js');
    fs.writeFileSync(file, res.code!);
    const r = duk(file);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('NOT FINISHED');
    expect(r.out).toMatch(/duk scenario FAILED \(seed nowboard-standard-1\)/);
  });
});
