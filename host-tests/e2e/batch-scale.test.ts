/** Issue 4: 100 enrollees on one configurator all succeed (the power-cut sweep lives in host-tests/sim). */
import { describe, it, expect } from 'vitest';
import { runBatchAsync, bundles, explain, enrollees, provisioned } from './e2e-harness.ts';
import { vmLoader } from '../../configurator/sim/vm-board.ts';

describe('end to end: scale', () => {
  it('100 enrollees on one configurator are all provisioned, each exactly once per audit OK', async () => {
    const { result: r, batch } = await runBatchAsync({ seed: 'hundred-1', enrollees: 100, loss: 0.05, maxMs: 6 * 3600 * 1000, bundles, loadBundle: vmLoader() });
    expect(r.ok, explain(r)).toBe(true);
    expect(enrollees(r).every((e) => provisioned(e))).toBe(true);
    const cfg = r.boards.find((b) => b.role === 'configurator')!;
    // OK, or I_CONFIRMED when the ACK was lost and the enrollee's authenticated PRESENCE settled it.
    const okHashes = new Set(cfg.reports.filter((x) => x.ev === 'audit' && (x.name === 'OK' || x.name === 'I_CONFIRMED')).map((x) => x.device));
    expect(okHashes.size).toBe(100);
    for (const e of batch.enrollees) expect(okHashes.has(e.device)).toBe(true);
  });
});

