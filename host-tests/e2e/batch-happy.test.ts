import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { runBatchScenario } from '../../configurator/batch/batch-scenario.ts';
import { summaryText } from '../../configurator/sim/sim-scenario.ts';

const ROOT = path.resolve(__dirname, '../..');
const bundles = {
  enrollee: fs.readFileSync(path.join(ROOT, 'dist/espruino/whitelist/enrollee.js'), 'utf8'),
  configurator: fs.readFileSync(path.join(ROOT, 'dist/espruino/whitelist/configurator.js'), 'utf8'),
};

describe('whitelist provisioning end to end (built Espruino bundles in node:vm)', () => {
  it('provisions a small batch: every enrollee stores the config, the configurator audits an OK for each', () => {
    const { result, batch } = runBatchScenario({ seed: 'happy-1', enrollees: 3, loss: 0, bundles, loadBundle: vmLoader() });
    if (!result.ok) console.log(summaryText(result));
    expect(result.ok).toBe(true);
    for (const b of result.boards) expect(b.crashes).toEqual([]);
    const cfg = result.boards.find((b) => b.role === 'configurator')!;
    const audited = cfg.reports.filter((r) => r.ev === 'audit' && r.code === 0).map((r) => r.device).sort();
    expect(audited).toEqual(batch.enrollees.map((e) => e.device).sort());
    for (const b of result.boards.filter((x) => x.role === 'enrollee')) {
      const p = b.reports.find((r) => r.ev === 'provisioned');
      expect(p).toMatchObject({ v: 1, ssid: 'nowboard-lab' });
    }
  });
});
