/**
 * Protocol 2 (ECQV) end to end on the BUILT Espruino bundles in node:vm
 * (firmware/protocols/ecqv/README.md §10): 16 enrollees certified and
 * provisioned at 10 % loss on every link, then the configurator is switched
 * off and every pair among 4 of them agrees a key and exchanges one encrypted
 * app message each way — every key agreed after the switch-off, not a frame
 * from the configurator after it.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { runBatchAsync } from './e2e-harness.ts';
import { summaryText } from '../../configurator/sim/sim-scenario.ts';
import { ecqvBatch, ecqvPairingPhase, pairingRows, EcqvSimBatch } from '../../configurator/batch/ecqv-batch.ts';

const ROOT = path.resolve(__dirname, '../..');
const bundles = {
  enrollee: fs.readFileSync(path.join(ROOT, 'dist/espruino/ecqv/enrollee.js'), 'utf8'),
  configurator: fs.readFileSync(path.join(ROOT, 'dist/espruino/ecqv/configurator.js'), 'utf8'),
};

describe('ecqv end to end (built bundles, simulator)', () => {
  it('16 boards certified at 10 % loss; every pair among 4 keyed with the configurator off, one app message each way', async () => {
    const { result: r, batch } = await runBatchAsync<EcqvSimBatch>({
      protocol: ecqvBatch, seed: 'ecqv-e2e-16', enrollees: 16, loss: 0.1, bundles, loadBundle: vmLoader(), maxMs: 4 * 3600 * 1000,
    });
    const explain = () => summaryText(r).slice(0, 6000);
    expect(r.ok, explain()).toBe(true);
    for (const b of r.boards) expect(b.crashes, b.id).toEqual([]);
    const cfg = r.boards.find((b) => b.role === 'configurator')!;
    const okDevices = new Set(cfg.reports.filter((x) => x.ev === 'audit' && x.code === 0).map((x) => x.device));
    expect([...okDevices].sort()).toEqual(batch.enrollees.map((e) => e.device).sort());
    for (const b of r.boards.filter((x) => x.role === 'enrollee')) {
      expect(b.reports.filter((x) => x.ev === 'report' && x.name === 'I_CERTIFIED'), b.id).toHaveLength(1);
      expect(b.reports.some((x) => x.ev === 'provisioned')).toBe(true);
    }
    expect(batch.pairers).toHaveLength(4);

    const ph = ecqvPairingPhase(r.world, batch, 3600 * 1000);
    expect(ph.done, explain()).toBe(true);
    const rows = pairingRows(r.world, batch);
    const ids = batch.pairers.map((i) => batch.enrollees[i].device);
    for (const row of rows) {
      const others = ids.filter((d) => d !== row.device).sort();
      expect(row.keys.slice().sort()).toEqual(others);
      expect(row.messages.slice().sort()).toEqual(others);
      expect(row.first, row.board + ' paired before the configurator went off').toBeGreaterThan(ph.offAt);
      const b = r.world.board(row.board);
      for (const m of b.reports.filter((x) => x.ev === 'app-message')) expect(m.text).toBe('hello from ' + m.from);
    }
    // The configurator is silent from the switch-off on, and it went off cleanly.
    const cfgBoard = r.world.boards.find((b) => b.role === 'configurator')!;
    expect(cfgBoard.alive).toBe(false);
    expect(cfgBoard.crashes).toEqual([]);
    expect(r.trace.frames().filter((f) => f.from === cfgBoard.id && f.t > ph.offAt)).toEqual([]);
    for (const b of r.world.boards) expect(b.crashes, b.id).toEqual([]);
  }, 300000);
});
