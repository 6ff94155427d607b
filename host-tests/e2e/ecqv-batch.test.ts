import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { runBatchScenario } from '../../configurator/batch/batch-scenario.ts';
import { summaryText } from '../../configurator/sim/sim-scenario.ts';
import { ecqvBatch, ecqvPairingPhase, pairingRows, EcqvSimBatch } from '../../configurator/batch/ecqv-batch.ts';

const ROOT = path.resolve(__dirname, '../..');
const bundles = {
  enrollee: fs.readFileSync(path.join(ROOT, 'dist/espruino/ecqv/enrollee.js'), 'utf8'),
  configurator: fs.readFileSync(path.join(ROOT, 'dist/espruino/ecqv/configurator.js'), 'utf8'),
};

describe('ecqv end to end', () => {
  it('small', () => {
    const { result, batch } = runBatchScenario<EcqvSimBatch>({ protocol: ecqvBatch, seed: 'ecqv-16', enrollees: 16, loss: 0.1, bundles, loadBundle: vmLoader(), maxMs: 4 * 3600000 });
    if (!result.ok) console.log(summaryText(result));
    expect(result.ok).toBe(true);
    const p = ecqvPairingPhase(result.world, batch, 3600000);
    console.log(p, JSON.stringify(pairingRows(result.world, batch)));
    if (!p.done) console.log(summaryText(result).slice(0, 6000));
    expect(p.done).toBe(true);
  }, 600000);
});
