/**
 * psk-oob end to end on the BUILT Espruino bundles in node:vm (README of
 * firmware/protocols/psk-oob): a batch at 10 % in-band loss through the
 * private OOB medium with the eavesdropping installer, the SBS inside the
 * configurator, and the attacks of issue 12 — replayed flights 2 and 3, an
 * impostor SBR without SK_cs, an impostor SBI without IK, tampered OOB and
 * in-band messages, garbage frames of every length from a rogue radio.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { runBatchAsync } from '../e2e/e2e-harness.ts';
import { summaryText, ScenarioResult } from '../../configurator/sim/sim-scenario.ts';
import { pskOobBatch, PoSimBatch } from '../../configurator/batch/psk-oob-batch.ts';
import { installerAttack } from '../../configurator/batch/psk-oob-installer.ts';
import { BatchScenarioOptions } from '../../configurator/batch/batch-scenario.ts';
import { writeFiles } from '../../configurator/batch/batch-protocol.ts';
import { slotFiles } from '../../firmware/ports/slot-storage.ts';
import { encodeIdentity, encodeSbrIdentity, decodeSbsDb } from '../../firmware/protocols/psk-oob/records.ts';
import { SBS_FILE } from '../../firmware/protocols/psk-oob/sbs-link.ts';
import { IDENTITY_FILE } from '../../firmware/apps/enrollee-app.ts';
import { SBR_FILE } from '../../configurator/app/psk-oob/configurator-spec.ts';
import { makeSlotStorage } from '../../firmware/ports/slot-storage.ts';
import { fromBase64 } from '../../firmware/bytes/base64.ts';
import { makeSbs } from '../../firmware/protocols/psk-oob/sbs.ts';
import { firmwareSuite } from '../../firmware/protocols/psk-oob/suite.ts';
import { T_F1, T_F4, T_CONFIG } from '../../firmware/protocols/psk-oob/frames.ts';
import { E_AUTH_F1, E_AUTH_F2, E_AUTH_F3, E_AUTH_F4, E_F2_TS, E_TID_REPLAY } from '../../firmware/protocols/psk-oob/codes.ts';
import { E_AUTH_CONFIG } from '../../firmware/codec/codes.ts';

const ROOT = path.resolve(__dirname, '../..');
const bundles = {
  enrollee: fs.readFileSync(path.join(ROOT, 'dist/espruino/psk-oob/enrollee.js'), 'utf8'),
  configurator: fs.readFileSync(path.join(ROOT, 'dist/espruino/psk-oob/configurator.js'), 'utf8'),
};

function run(o: Partial<BatchScenarioOptions<PoSimBatch>> & { seed: string; enrollees: number }) {
  return runBatchAsync<PoSimBatch>({ protocol: pskOobBatch, bundles, loadBundle: vmLoader(), loss: 0.1, maxMs: 3600 * 1000, ...o });
}

const explain = (r: ScenarioResult) => summaryText(r).slice(0, 5000);
const reportNames = (r: ScenarioResult, role: string) => r.boards.filter((b) => b.role === role).flatMap((b) => b.reports.filter((x) => x.ev === 'report').map((x) => x.code));

describe('psk-oob batch with the eavesdropping installer (built bundles)', () => {
  it('16 enrollees at 10 % loss are re-keyed and provisioned; the installer learns nothing, the control with the OOB messages learns all', async () => {
    const { result: r, batch } = await run({ seed: 'psk-oob-16', enrollees: 16 });
    expect(r.ok, explain(r)).toBe(true);
    for (const b of r.boards) expect(b.crashes, b.id).toEqual([]);
    const cfg = r.boards.find((b) => b.role === 'configurator')!;
    const ok = new Set(cfg.reports.filter((x) => x.ev === 'audit' && x.code === 0).map((x) => x.device));
    expect([...ok].sort()).toEqual(batch.enrollees.map((e) => e.device).sort());
    // In-band loss happened and was recovered from.
    expect(r.world.medium.stats.dropped, 'frames lost in band').toBeGreaterThan(0);
    const att = installerAttack(batch.installer);
    expect(att.frames).toBeGreaterThanOrEqual(32);
    expect(att.linkMessages).toBeGreaterThanOrEqual(32);
    expect(att.configFrames).toBeGreaterThanOrEqual(16);
    expect([att.linkOpened, att.configsOpened, att.psksDerived.length, att.plaintexts.length]).toEqual([0, 0, 0, 0]);
    // The config's text never crosses ESP-NOW or the link in the clear.
    const secret = Buffer.from('correct horse battery');
    for (const f of batch.installer.air) expect(Buffer.from(f).includes(secret)).toBe(false);
    for (const l of batch.installer.link) expect(l.includes('correct horse')).toBe(false);
    const ctl = installerAttack(batch.installer, batch.oob!.log.map((m) => m.bytes));
    expect(ctl.psksDerived.sort()).toEqual(batch.enrollees.map((e) => e.device).sort());
    expect(Buffer.from(ctl.plaintexts[0]).includes(secret)).toBe(true);
    // Every SBS answer was a re-key (one per enrollee at least, retries allowed).
    expect(batch.sbsCodes.filter((c) => c === 0).length).toBeGreaterThanOrEqual(16);
  }, 300000);

  it('the SBS inside the configurator: provisioned, and nb-sbs now holds each device\'s new PSK as pending', async () => {
    // hostSbs is read by prepareWorld (before any setup hook): a batch made with it off.
    const local = { ...pskOobBatch, makeBatch: (o: any) => ({ ...pskOobBatch.makeBatch(o), hostSbs: false }) };
    const { result: r2, batch: b2 } = await runBatchAsync<PoSimBatch>({ protocol: local, seed: 'psk-oob-local', enrollees: 4, bundles, loadBundle: vmLoader(), loss: 0.1, maxMs: 3600 * 1000 });
    expect(r2.ok, explain(r2)).toBe(true);
    expect(b2.sbsCodes).toEqual([]);
    expect(b2.installer.link).toEqual([]);
    const cfgBoard = r2.world.boards.find((b) => b.role === 'configurator')!;
    const db = decodeSbsDb(makeSlotStorage(rawOf(cfgBoard.storage)).read(SBS_FILE)!);
    expect(db.code).toBe(0);
    expect(db.db!.dev).toHaveLength(4);
    for (const d of db.db!.dev) {
      expect(d.gen).toBe(0);
      expect(d.pend.length).toBeGreaterThanOrEqual(1);
    }
  }, 300000);
});

/** The simulated Storage module as a RawStore (what the slot store reads on the board). */
function rawOf(st: any) {
  return {
    read: (n: string) => {
      const ab = st.readArrayBuffer(n);
      return ab === undefined ? undefined : new Uint8Array(ab);
    },
    write: () => {},
    erase: () => {},
    list: () => [],
  };
}

describe('psk-oob attacks (built bundles)', () => {
  it('replayed flights 2 and 3: an old F2 is refused by the SBS (TID within the window, TS after it); an old F3 answering a new F2 is refused by the SBR', async () => {
    let firstF3: string | null = null;
    let replayed = 0;
    const { result: r, batch } = await run({
      seed: 'psk-oob-replay', enrollees: 2, loss: 0,
      setup: (_w, b) => {
        b.tamperLink = (dir, json) => {
          if (dir !== 'answer' || !json.includes('f3')) return json;
          if (!firstF3) {
            firstF3 = json;
            return json;
          }
          if (replayed < 3) {
            replayed++;
            return firstF3; // the SBR gets yesterday's answer for today's TID
          }
          return json;
        };
      },
    });
    expect(r.ok, explain(r)).toBe(true);
    expect(replayed).toBe(3);
    expect(reportNames(r, 'configurator').filter((c) => c === E_AUTH_F3)).toHaveLength(3);
    // Flight 2 replays straight at the SBS core, from the state the run left.
    const f2s = batch.installer.link.filter((l) => l.includes('"f2"')).map((l) => fromBase64(JSON.parse(l).f2)!);
    const sbs = makeSbs(firmwareSuite());
    const st = batch.sbs!.state();
    const now = r.world.clock.now();
    for (const f2 of f2s) expect(sbs.handle(st, f2, now, new Uint8Array(12)).code).toBe(E_TID_REPLAY);
    for (const f2 of f2s) expect(sbs.handle(st, f2, now + 120000, new Uint8Array(12)).code).toBe(E_F2_TS);
    expect(f2s.length).toBeGreaterThanOrEqual(2);
  }, 300000);

  it('an impostor SBR without SK_cs gets nothing (E_AUTH_F2 at the SBS), nor do the enrollees it serves; an impostor SBI without IK gets nothing (E_AUTH_F1)', async () => {
    const { result: r, batch } = await run({
      seed: 'psk-oob-impostors', enrollees: 6, configurators: 2, expectNothing: [1, 3, 5, 0], maxMs: 300000,
      setup: (w, b) => {
        // cfg2 (owner of enrollees 1, 3, 5) holds a key the SBS never issued.
        const c = b.configurators[1];
        writeFiles(w.board('cfg2').storage, slotFiles({ [SBR_FILE]: encodeSbrIdentity({ idc: c.idc, nid: b.nid, kcs: new Uint8Array(16).fill(7) }) }));
        // enr1 (enrollee 0) claims its ID with a key that is not its IK.
        const e = b.enrollees[0];
        writeFiles(w.board('enr1').storage, slotFiles({ [IDENTITY_FILE]: encodeIdentity({ id: e.id, nid: b.nid, ik: new Uint8Array(16).fill(9) }) }));
      },
    });
    for (const b of r.boards) expect(b.crashes, b.id).toEqual([]);
    const prov = r.boards.filter((b) => b.role === 'enrollee' && b.reports.some((x) => x.ev === 'provisioned')).map((b) => b.id).sort();
    expect(prov).toEqual(['enr3', 'enr5']);
    expect(batch.sbsCodes).toContain(E_AUTH_F2);
    expect(batch.sbsCodes).toContain(E_AUTH_F1);
    const cfg2 = r.boards.find((b) => b.id === 'cfg2')!;
    expect(cfg2.reports.filter((x) => x.ev === 'audit')).toEqual([]);
    // Nothing an impostor could use crossed: no F4 to any enrollee it serves, no F4 to the impostor SBI.
    const f4To = new Set(batch.oob!.log.filter((m) => m.bytes[2] === T_F4).map((m) => m.to));
    for (const id of ['enr1', 'enr2', 'enr4', 'enr6']) expect(f4To.has(id), id).toBe(false);
  }, 300000);

  it('tampered OOB and in-band messages are refused with typed codes, and the batch still completes', async () => {
    const tampered: { [k: string]: number } = {};
    const { result: r, batch } = await run({
      seed: 'psk-oob-tamper', enrollees: 3, loss: 0,
      setup: (w, b) => {
        b.tamperOob = (from, to, bytes) => {
          const key = 'oob' + bytes[2] + ':' + from + '>' + to;
          if ((bytes[2] === T_F4 || bytes[2] === T_F1) && !tampered[key]) {
            tampered[key] = 1;
            const x = new Uint8Array(bytes);
            x[x.length - 3] ^= 0x40;
            return x;
          }
          return bytes;
        };
        const medium: any = w.medium;
        const send = medium.send;
        medium.send = function (fromId: string, toMac: Uint8Array, data: Uint8Array, ...rest: any[]) {
          if (data[2] === T_CONFIG && !tampered['cfg' + Buffer.from(toMac).toString('hex')]) {
            tampered['cfg' + Buffer.from(toMac).toString('hex')] = 1;
            data = new Uint8Array(data);
            data[20] ^= 1;
          }
          return send.call(medium, fromId, toMac, data, ...rest);
        };
      },
    });
    expect(r.ok, explain(r)).toBe(true);
    for (const b of r.boards) expect(b.crashes, b.id).toEqual([]);
    const enr = reportNames(r, 'enrollee');
    expect(enr.filter((c) => c === E_AUTH_F4)).toHaveLength(3);
    expect(enr.filter((c) => c === E_AUTH_CONFIG)).toHaveLength(3);
    // A tampered F1 reaches the SBS inside F2 and is refused there (E_AUTH_F1 in an authenticated F3).
    expect(Object.keys(tampered).filter((k) => k.startsWith('oob' + T_F1 + ':'))).toHaveLength(3);
    expect(batch.sbsCodes.filter((c) => c === E_AUTH_F1)).toHaveLength(3);
  }, 300000);

  it('a rogue radio sending garbage of every length 1..250 (and truncated real frames) crashes nothing and changes no outcome', async () => {
    const { result: r } = await run({
      seed: 'psk-oob-garbage', enrollees: 2, loss: 0,
      setup: (w) => {
        w.medium.addNode({ id: 'rogue', mac: new Uint8Array([2, 0x66, 0, 0, 0, 1]), onReceive: () => {}, onRadioState: () => {} } as any);
        w.medium.setRadio('rogue', true);
        for (let n = 1; n <= 250; n++) {
          w.clock.after(10 + n * 7, () => {
            const g = new Uint8Array(n).map((_, i) => (i * 97 + n) & 255);
            if (n > 1) g[0] = 4; // our protocol id: reaches the decoder
            if (n > 2) g[1] = 1;
            if (n > 3) g[2] = 1 + (n % 7);
            w.medium.send('rogue', new Uint8Array([255, 255, 255, 255, 255, 255]), g);
          });
        }
      },
    });
    expect(r.ok, explain(r)).toBe(true);
    for (const b of r.boards) expect(b.crashes, b.id).toEqual([]);
  }, 300000);
});

describe('psk-oob on the JerryScript bundles', () => {
  it('4 enrollees at 10 % loss provisioned through the optional OOB and uplink natives; the installer learns nothing', async () => {
    const jb = {
      enrollee: fs.readFileSync(path.join(ROOT, 'dist/jerryscript/psk-oob/enrollee.js'), 'utf8'),
      configurator: fs.readFileSync(path.join(ROOT, 'dist/jerryscript/psk-oob/configurator.js'), 'utf8'),
    };
    const { result: r, batch } = await runBatchAsync<PoSimBatch>({
      protocol: pskOobBatch, seed: 'psk-oob-jerry', enrollees: 4, bundles: jb, platform: 'jerryscript', loadBundle: vmLoader(), loss: 0.1, maxMs: 3600 * 1000,
    });
    expect(r.ok, explain(r)).toBe(true);
    for (const b of r.boards) expect(b.crashes, b.id).toEqual([]);
    expect(batch.oob!.stats.delivered).toBeGreaterThanOrEqual(12);
    const att = installerAttack(batch.installer);
    expect([att.linkOpened, att.configsOpened, att.psksDerived.length]).toEqual([0, 0, 0]);
  }, 300000);
});

describe('psk-oob later re-key on the built bundles', () => {
  it('nb.rekey at boot re-keys under the PSK: the SBS commits the first PSK and forgets IK; the installer still learns nothing', async () => {
    const { result: r, batch } = await run({ seed: 'psk-oob-rekey', enrollees: 3 });
    expect(r.ok, explain(r)).toBe(true);
    const w = r.world;
    const enr = w.boards.filter((b) => b.role === 'enrollee');
    const cfg = w.boards.find((b) => b.role === 'configurator')!;
    const oks = () => cfg.reports.filter((x) => x.ev === 'audit' && x.code === 0).length;
    expect(oks()).toBe(3);
    for (const b of enr) {
      writeFiles(b.storage, slotFiles({ 'nb.rekey': new Uint8Array([1]) }));
      w.boot(b, 1000);
    }
    const done = w.runUntil(() => oks() === 6, 600000);
    expect(done, summaryText(r).slice(0, 3000)).toBe(true);
    for (const b of enr) {
      expect(b.crashes).toEqual([]);
      expect(b.reports.filter((x) => x.ev === 'report' && x.name === 'I_REKEYED'), b.id).toHaveLength(2);
      expect(b.reports.filter((x) => x.ev === 'provisioned'), b.id).toHaveLength(2);
    }
    // The SBS: generation 1 (the first PSK) is current, IK is gone, the second PSK pending.
    const st = batch.sbs!.state();
    for (const e of batch.enrollees) {
      const d = st.dev[e.device];
      expect(d.gen, e.device).toBe(1);
      expect(Buffer.from(d.key).equals(Buffer.from(e.ik))).toBe(false);
      expect(d.pend).toHaveLength(1);
    }
    const att = installerAttack(batch.installer);
    expect(att.configFrames).toBeGreaterThanOrEqual(6);
    expect([att.linkOpened, att.configsOpened, att.psksDerived.length]).toEqual([0, 0, 0]);
  }, 300000);
});

describe('psk-oob with a lossy OOB binding', () => {
  it('20 % OOB loss and 10 % in-band loss: every enrollee still re-keyed and provisioned (F1 and F4 re-sent on timers)', async () => {
    const lossy = { ...pskOobBatch, makeBatch: (o: any) => ({ ...pskOobBatch.makeBatch(o), oobLoss: 0.2 }) };
    const { result: r, batch } = await runBatchAsync<PoSimBatch>({ protocol: lossy, seed: 'psk-oob-lossy-oob', enrollees: 8, bundles, loadBundle: vmLoader(), loss: 0.1, maxMs: 3600 * 1000 });
    expect(r.ok, explain(r)).toBe(true);
    expect(batch.oob!.stats.dropped).toBeGreaterThan(0);
    for (const b of r.boards) expect(b.crashes, b.id).toEqual([]);
  }, 300000);
});
