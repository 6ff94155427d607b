// End to end on the built board bundles (dist/espruino/cloud/*.js in node:vm):
// a batch through two border routers and the real Authentication Cloud core on
// PGlite in memory, a node moving from BR A to BR B (rejoin), a node revoked
// mid-run and refused by every BR; the simulator's uplink keeps virtual time
// independent of how fast the asynchronous AC answers.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { runCloudSim } from '../../configurator/batch/cloud-scenario.ts';
import { realSimAc } from '../../configurator/batch/cloud-real-ac.ts';
import { makeSimUplink, runWithUplink } from '../../configurator/sim/sim-uplink.ts';
import { makeWorld } from '../../configurator/sim/sim-world.ts';
import { E_AC_SN_REVOKED } from '../../firmware/protocols/cloud/codes.ts';

const ROOT = path.resolve(__dirname, '../..');
const bundle = (role: string) => {
  const p = path.join(ROOT, 'dist/espruino/cloud', role + '.js');
  if (!fs.existsSync(p)) throw new Error(p + ' missing: npm run build');
  return fs.readFileSync(p, 'utf8');
};
const bundles = () => ({ enrollee: bundle('enrollee'), configurator: bundle('configurator') });

describe('cloud e2e on the built bundles', () => {
  it('batch through two BRs and the real AC (PGlite), rejoin A → B, revocation refused by every BR', async () => {
    const r = await runCloudSim({
      seed: 'e2e-cloud', enrollees: 6, loss: 0.05, bundles: bundles(), loadBundle: vmLoader(), secp160k1: [2, 5],
      ac: (b) => realSimAc(b, { trustForSec: 60 }),
    });
    expect(r.lines.join('\n')).toMatch(/on pglite:memory/);
    expect(r.phases.map((p) => [p.name, p.ok])).toEqual([['batch', true], ['rejoin', true], ['revocation', true]]);
    const world = r.result.world;
    for (const b of r.result.boards) expect(b.crashes, b.id).toEqual([]);
    // every node provisioned, each through the BR in its range: both BRs audited OKs
    const oks = (id: string) => world.board(id).reports.filter((x) => x.ev === 'audit' && x.code === 0).map((x) => x.device);
    expect(new Set([...oks('cfg1'), ...oks('cfg2')])).toEqual(new Set(r.batch.enrollees.map((e) => e.device)));
    expect(oks('cfg1').length).toBeGreaterThan(0);
    expect(oks('cfg2').length).toBeGreaterThan(0);
    // the mover: provisioned by cfg1 first, then by cfg2 with cfg2's MAC in its I_KEY_STORED
    const mover = world.board('enr1');
    const keys = mover.reports.filter((x) => x.ev === 'report' && x.name === 'I_KEY_STORED').map((x) => x.detail);
    expect(keys[0]).toContain(world.board('cfg1').macText);
    expect(keys[keys.length - 1]).toContain(world.board('cfg2').macText);
    // README §4.4: every key came with the AC's grant for its BR (the KEY names it). A late KEY for a request the
    // node has since renewed is refused on its grant (E_GRANT) before any ECDH, so in an honest run no KEY costs
    // an ECDH without opening (E_KEY_OPEN) and none eats the renewed request's budget (E_RATE).
    expect(keys[0]).toContain('(br-1)');
    expect(keys[keys.length - 1]).toContain('(br-2)');
    for (const e of r.batch.enrollees) {
      const bad = world.board('enr' + (e.index + 1)).reports.filter((x) => x.ev === 'report' && (x.name === 'E_KEY_OPEN' || x.name === 'E_RATE'));
      expect(bad, e.device).toEqual([]);
    }
    expect(oks('cfg2')).toContain('NB-10001');
    // the revoked node: refused by both BRs (cfg2 had trusted it), no key after the revocation
    const revAt = world.board('cfg2').reports.filter((x) => x.ev === 'audit' && x.device === 'NB-10002' && x.code === E_AC_SN_REVOKED);
    expect(revAt.length).toBeGreaterThan(0);
    expect(world.board('cfg1').reports.some((x) => x.ev === 'audit' && x.device === 'NB-10002' && x.code === E_AC_SN_REVOKED)).toBe(true);
    const tRev = Math.min(...revAt.map((x) => x.t));
    expect(world.board('enr2').reports.filter((x) => x.ev === 'provisioned' && x.t > tRev - 60000)).toEqual([]);
  });

  it('an asynchronous AC and a synchronous one give the same virtual timeline (the uplink holds the clock)', async () => {
    async function once(delayMs: number) {
      const world = makeWorld({ seed: 'uplink', loadBundle: () => undefined, cpuSecondsFor: null });
      const up = makeSimUplink(world, () => (path: string, json: string) => {
        const a = { status: 200, json: path + ':' + json };
        return delayMs < 0 ? a : new Promise((res) => setTimeout(() => res(a), delayMs));
      }, { latencyMs: [50, 150] });
      const got: string[] = [];
      const fake = { id: 'b1' } as any;
      for (let i = 0; i < 5; i++) {
        world.clock.at(i * 30, () => up.hook(fake, '/p' + i, 'x', (st, js) => got.push(`${world.clock.now()} ${st} ${js}`)));
      }
      await runWithUplink(world, up, () => got.length === 5, 10000);
      return got;
    }
    const sync = await once(-1);
    expect(sync.length).toBe(5);
    expect(await once(5)).toEqual(sync);
    expect(await once(25)).toEqual(sync);
  });

  it('a lossy uplink answers status 0 after its timeout and the batch still completes (stub AC)', async () => {
    const r = await runCloudSim({ seed: 'e2e-lossy', enrollees: 3, loss: 0.1, uplinkLoss: 0.3, bundles: bundles(), loadBundle: vmLoader(), revoked: -1, mover: -1 });
    expect(r.phases[0]).toEqual(expect.objectContaining({ name: 'batch', ok: true }));
    const st = r.batch.uplink!.stats;
    expect(st.lostRequests + st.lostAnswers).toBeGreaterThan(0);
    expect(r.lines.join('\n')).toMatch(/stub/);
  });
});
