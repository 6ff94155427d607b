/**
 * The Duktape harness end to end: bundle duk-scenario-entry.ts with the real
 * build pipeline (ES5 lowering, hoisting, proof), embedding fixture board
 * programs as NOWBOARD_BUNDLES, and run it with the `duk` CLI (installed by
 * .ci/run). The same scenario under node:vm must print the same summary.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTarget } from '../../build/pipeline.ts';
import { TARGETS } from '../../build/targets.ts';
import { HELLO_ENROLLEE, WELCOME_CONFIGURATOR, SILENT_BOARD } from './fixture-boards.ts';
import { runScenario, summaryText } from './sim-scenario.ts';
import { standardScenario } from './standard-scenario.ts';
import { vmLoader } from './vm-board.ts';

async function dukBundle(enrollee: string, configurator: string): Promise<string> {
  const target = TARGETS.find((t) => t.name === 'duk/scenario')!;
  const built = new Map([['espruino/enrollee', enrollee], ['espruino/configurator', configurator]]);
  const res = await buildTarget(target, { built });
  expect(res.failure, res.failure).toBeUndefined();
  expect(res.errors.map((e) => e.message)).toEqual([]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-duk-'));
  const file = path.join(dir, 'scenario.js');
  fs.writeFileSync(file, res.code!);
  return file;
}

function duk(file: string) {
  const r = spawnSync('duk', [file], { encoding: 'utf8', timeout: 120000 });
  if (r.error) throw new Error('cannot run duk (install Debian package duktape; .ci/run does): ' + r.error.message);
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('Duktape scenario harness', () => {
  it('runs the standard scenario in duk, exits 0, and prints the same summary as node:vm', async () => {
    const file = await dukBundle(HELLO_ENROLLEE, WELCOME_CONFIGURATOR);
    const r = duk(file);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('duk scenario OK');
    const vm = runScenario(standardScenario({ enrollee: HELLO_ENROLLEE, configurator: WELCOME_CONFIGURATOR }, vmLoader()));
    expect(vm.ok, summaryText(vm)).toBe(true);
    expect(r.out).toContain(summaryText(vm));
  });

  it('exits non-zero when a board never finishes', async () => {
    const file = await dukBundle(HELLO_ENROLLEE, SILENT_BOARD);
    const r = duk(file);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('NOT FINISHED');
    expect(r.out).toMatch(/duk scenario FAILED \(seed nowboard-standard-1\)/);
  });
});
