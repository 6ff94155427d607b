/**
 * The standard scenario (standard-scenario.ts, also run by Duktape) on the
 * built Espruino bundles in node:vm, with 10 % loss: assertions on the boards'
 * own NOWBOARD report lines, on the harness's view (no crashes, CPU time from
 * the crypto work), and on determinism with the real bundles.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runScenario, summaryText } from '../../configurator/sim/sim-scenario.ts';
import { standardScenario, STANDARD_ENROLLEES } from './standard-scenario.ts';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { writeTraceFiles } from './trace-files.ts';

const ROOT = path.resolve(__dirname, '../..');
const bundles = {
  enrollee: fs.readFileSync(path.join(ROOT, 'dist/espruino/whitelist/enrollee.js'), 'utf8'),
  configurator: fs.readFileSync(path.join(ROOT, 'dist/espruino/whitelist/configurator.js'), 'utf8'),
};

describe('standard scenario on the built bundles (node:vm)', () => {
  it('every enrollee reports provisioned; the configurator audits an OK for each; nobody crashes', () => {
    const s = standardScenario(bundles, vmLoader());
    const r = runScenario(s.opts);
    let why = summaryText(r);
    if (!r.ok) why += '\ntrace: ' + writeTraceFiles(r, path.join(ROOT, 'reports'), 'scenario-e2e') + '.trace.txt';
    expect(r.ok, why).toBe(true);
    const enrollees = r.boards.filter((b) => b.role === 'enrollee');
    expect(enrollees.length).toBe(STANDARD_ENROLLEES);
    for (const b of r.boards) {
      expect(b.crashes, why).toEqual([]);
      expect(b.reports[0].ev, why).toBe('boot');
    }
    for (const b of enrollees) {
      expect(b.reports.find((x) => x.ev === 'provisioned'), why).toMatchObject({ v: 1, ssid: 'nowboard-lab' });
      // an X25519 in JS was costed: the board was busy for seconds of virtual time
      expect(b.workTotals.fmul25519, why).toBeGreaterThan(0);
      expect(b.cpuBusyMs, why).toBeGreaterThan(1000);
    }
    const cfg = r.boards.find((b) => b.role === 'configurator')!;
    const audited = cfg.reports.filter((x) => x.ev === 'audit' && x.code === 0).map((x) => x.device).sort();
    expect(audited, why).toEqual(s.batch().enrollees.map((e) => e.device).sort());
    expect(r.medium.dropped, why).toBeGreaterThan(0); // the 10 % loss did bite
  });

  it('is deterministic with the real bundles: same seed, same trace bytes', () => {
    const a = runScenario(standardScenario(bundles, vmLoader()).opts);
    const b = runScenario(standardScenario(bundles, vmLoader()).opts);
    expect(b.trace.toJSON()).toBe(a.trace.toJSON());
    expect(summaryText(b)).toBe(summaryText(a));
  });
});
