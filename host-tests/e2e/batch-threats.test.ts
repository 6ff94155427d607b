/**
 * Issue 4's end-to-end cases on the built bundles (THREATS.md #3, #4, #9, #12, #13):
 * unauthorized and revoked enrollees, a rogue configurator, two configurators,
 * heavy loss, injected garbage, power cuts during the credential write, a wrong
 * Wi-Fi passphrase, re-provisioning and factory reset.
 */
import { describe, it, expect } from 'vitest';
import { runBatch, explain, enrollees, configurators, provisioned, audits, sessionsFor, noCrashes } from './e2e-harness.ts';
import { DEFAULT_CONFIG } from '../../configurator/batch/batch-scenario.ts';
import { encodeStoredConfig } from '../../firmware/protocols/whitelist/records.ts';
import { CONFIG_FILE } from '../../firmware/protocols/whitelist/enrollee.ts';
import { writeFiles } from '../../configurator/batch/batch-protocol.ts';
import { slotFiles } from '../../firmware/ports/slot-storage.ts';
import { makeSlotStorage } from '../../firmware/ports/slot-storage.ts';
import { decodeStoredConfig } from '../../firmware/protocols/whitelist/records.ts';
import { makeRng } from '../../configurator/sim/sim-rng.ts';

/** The enrollee's stored config as the firmware would read it after a reboot. */
function storedConfig(world: any, boardId: string) {
  const b = world.board(boardId);
  const st = makeSlotStorage({
    read: (n: string) => {
      const ab = b.storage.readArrayBuffer(n);
      return ab ? new Uint8Array(ab) : undefined;
    },
    write: () => {
      throw new Error('read only');
    },
    erase: () => {},
    list: (p: string) => b.storage.list().filter((n: string) => n.startsWith(p)),
  });
  const raw = st.read(CONFIG_FILE);
  return raw ? decodeStoredConfig(raw) : null;
}

describe('end to end: who gets a configuration', () => {
  it('an unlisted enrollee and a revoked one get nothing, at zero key agreements; the others are provisioned', () => {
    const { result: r, batch } = runBatch({
      seed: 'unauth-1', enrollees: 4, loss: 0, maxMs: 900000, expectNothing: [1, 2],
      configuratorFiles: (_ci, base) => ({ ...base, unlisted: [1], revoked: [2] }),
    });
    expect(noCrashes(r), explain(r)).toBe(true);
    const [e1, e2, e3, e4] = enrollees(r);
    expect(provisioned(e1), explain(r)).toBeTruthy();
    expect(provisioned(e4), explain(r)).toBeTruthy();
    expect(provisioned(e2)).toBeFalsy();
    expect(provisioned(e3)).toBeFalsy();
    const cfg = configurators(r)[0];
    // No session, no audit entry, nothing sent to them: the configurator ignored them silently.
    for (const i of [1, 2]) {
      expect(sessionsFor(cfg, batch.enrollees[i].device)).toHaveLength(0);
      expect(audits(cfg).filter((a) => a.device === batch.enrollees[i].device)).toHaveLength(0);
    }
    const toThem = r.trace.frames().filter((f) => f.from === 'cfg1' && (f.to === 'enr2' || f.to === 'enr3') && f.toMac !== 'ff:ff:ff:ff:ff:ff');
    expect(toThem).toHaveLength(0);
  });

  it('a rogue configurator that whitelists the enrollee gets nothing accepted (the enrollee pins the real key)', () => {
    // Two configurators; enrollee 0 belongs to cfg1 but cfg2 (rogue) also whitelists it.
    const { result: r, batch } = runBatch({
      seed: 'rogue-1', enrollees: 1, configurators: 2, loss: 0, maxMs: 600000, expectNothing: [0],
      owners: [1], // the rogue's whitelist lists it
      // cfg1 is partitioned away: only the rogue is in reach.
      setup: (world) => world.medium.partition(['cfg1'], ['enr1', 'cfg2']),
      pinnedTo: (_i, b) => b.configurators[0].C,
    });
    expect(noCrashes(r), explain(r)).toBe(true);
    const e = enrollees(r)[0];
    expect(provisioned(e)).toBeFalsy();
    // The rogue cannot even verify the enrollee's PRESENCE (its tag is under the ss the
    // enrollee shares with the real configurator): it never sends a CHALLENGE, and audits nothing.
    const rogue = r.boards.find((b) => b.id === 'cfg2')!;
    expect(r.trace.frames().filter((f) => f.from === 'cfg2' && f.to === 'enr1'), explain(r)).toHaveLength(0);
    expect(r.trace.frames().filter((f) => f.from === 'enr1').length).toBeGreaterThan(3);
    expect(audits(rogue)).toHaveLength(0);
    void batch;
  });

  it('two configurators each provision only their own enrollees', () => {
    const { result: r, batch } = runBatch({ seed: 'two-cfg-1', enrollees: 4, configurators: 2, loss: 0.05, maxMs: 1200000 });
    expect(r.ok, explain(r)).toBe(true);
    for (const cfgB of configurators(r)) {
      const ci = Number(cfgB.id.slice(3)) - 1;
      const mine = batch.enrollees.filter((e) => e.owner === ci).map((e) => e.device).sort();
      const ok = audits(cfgB).filter((a) => a.code === 0).map((a) => a.device).sort();
      expect(ok).toEqual(mine);
      // It never even started a session with the other configurator's enrollees.
      for (const e of batch.enrollees.filter((x) => x.owner !== ci)) expect(sessionsFor(cfgB, e.device)).toHaveLength(0);
    }
  });
});

describe('end to end: faults', () => {
  it('30 % loss on every link still completes within the retry budget', () => {
    const { result: r } = runBatch({ seed: 'loss30-1', enrollees: 3, loss: 0.3, maxMs: 3600000 });
    expect(r.ok, explain(r)).toBe(true);
    expect(r.medium.dropped).toBeGreaterThan(0);
  });

  it('random, truncated and oversized frames injected at both roles never crash a board, and provisioning still completes', () => {
    const rng = makeRng('garbage-1');
    const { result: r } = runBatch({
      seed: 'garbage-1', enrollees: 2, loss: 0, maxMs: 900000,
      setup: (world) => {
        world.medium.addNode({ id: 'noise', mac: new Uint8Array([2, 0, 0, 0, 0, 0x99]), x: 1, y: 1, onReceive: () => {} });
        for (let k = 0; k < 300; k++) {
          const len = rng.int(251);
          const bytes = new Uint8Array(len);
          for (let i = 0; i < len; i++) bytes[i] = rng.int(256);
          // Some look like real headers (protocol 1, version 1, a valid type) so decoding goes deeper.
          if (len > 2 && k % 2 === 0) {
            bytes[0] = 1;
            bytes[1] = 1;
            bytes[2] = 1 + rng.int(5);
            bytes[3] = 1;
          }
          const to = k % 3 === 0 ? new Uint8Array([255, 255, 255, 255, 255, 255]) : world.boards[k % world.boards.length].mac;
          world.clock.at(100 + k * 700, () => world.medium.send('noise', to, bytes));
        }
      },
    });
    expect(noCrashes(r), explain(r)).toBe(true);
    expect(r.ok, explain(r)).toBe(true);
  });

  it('a wrong Wi-Fi passphrase never strands the device: it reports the failure, keeps no config and stays provisionable', () => {
    const { result: r } = runBatch({
      seed: 'badpsk-1', enrollees: 1, loss: 0, maxMs: 400000, expectNothing: [0],
      accessPoints: { 'nowboard-lab': 'a different passphrase' },
    });
    expect(noCrashes(r), explain(r)).toBe(true);
    const e = enrollees(r)[0];
    expect(provisioned(e)).toBeFalsy();
    expect(e.reports.some((x) => x.ev === 'join-failed'), explain(r)).toBe(true);
    const cfg = configurators(r)[0];
    expect(audits(cfg).some((a) => a.name === 'WIFI_AUTH_FAIL'), explain(r)).toBe(true);
    expect(storedConfig(r.world, 'enr1')).toBeNull();
    // Still announcing itself after the failure (provisionable again).
    const lastFail = e.reports.filter((x) => x.ev === 'join-failed').pop()!.t;
    const later = r.trace.frames().filter((f) => f.from === 'enr1' && f.toMac === 'ff:ff:ff:ff:ff:ff' && f.t > lastFail);
    expect(later.length).toBeGreaterThan(0);
  });

  it('re-provisioning: an enrollee holding version 1 gets version 2 from a configurator that has it', () => {
    const v2 = { ...DEFAULT_CONFIG, version: 2, settings: { mqtt: 'mqtt://new-broker.local' } };
    const { result: r } = runBatch({
      seed: 'reprov-1', enrollees: 1, loss: 0, maxMs: 900000, config: v2,
      setup: (world) => writeFiles(world.board('enr1').storage, slotFiles({ [CONFIG_FILE]: encodeStoredConfig(DEFAULT_CONFIG) })),
    });
    expect(r.ok, explain(r)).toBe(true);
    const e = enrollees(r)[0];
    expect(e.reports.find((x) => x.ev === 'boot')).toMatchObject({ held: 1 });
    expect(provisioned(e)).toMatchObject({ v: 2 });
    expect(storedConfig(r.world, 'enr1')!.config!.settings.mqtt).toBe('mqtt://new-broker.local');
  });

  it('factory reset: a reset request erases the stored configuration (not the identity) and the board is provisioned again', () => {
    const { result: r } = runBatch({
      seed: 'reset-1', enrollees: 1, loss: 0, maxMs: 900000,
      setup: (world) =>
        writeFiles(world.board('enr1').storage, slotFiles({ [CONFIG_FILE]: encodeStoredConfig({ ...DEFAULT_CONFIG, version: 7 }), 'nb.reset': new Uint8Array([1]) })),
    });
    expect(r.ok, explain(r)).toBe(true);
    const e = enrollees(r)[0];
    expect(e.reports.some((x) => x.ev === 'factory-reset')).toBe(true);
    expect(e.reports.find((x) => x.ev === 'boot')).toMatchObject({ held: 0 });
    expect(provisioned(e)).toMatchObject({ v: 1 });
  });
});
