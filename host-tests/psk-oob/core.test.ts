// psk-oob cores driven directly: the five flights, the configuration in band,
// the SBS's key replacement, a later re-key under the PSK, retransmissions.
import { describe, it, expect } from 'vitest';
import { makeWorld, bootAll, run, stepSbi, stepSbr, reportsOf, CONFIG, Delivery } from './driver.ts';
import { SBI_IDLE, SBI_WAIT_CONFIG, KEY_FILE, CONFIG_FILE } from '../../firmware/protocols/psk-oob/enrollee.ts';
import { decodeKeyFile } from '../../firmware/protocols/psk-oob/records.ts';
import { toHex } from '../../firmware/bytes/bytes.ts';
import { I_PROVISIONED } from '../../firmware/codec/codes.ts';
import { I_REKEYED } from '../../firmware/protocols/psk-oob/codes.ts';

describe('psk-oob happy path', () => {
  it('three enrollees re-key and are provisioned; the SBS replaces IK with the PSK the SBI stored', () => {
    const w = makeWorld(3);
    bootAll(w);
    run(w);
    for (let i = 0; i < 3; i++) {
      const s = w.sbis[i];
      expect(s.state.ph).toBe(SBI_IDLE);
      expect(s.state.cfg).toEqual(CONFIG);
      expect(s.state.gen).toBe(1);
      expect(Buffer.from(s.state.key).equals(Buffer.from(s.identity.ik))).toBe(false);
      const rep = reportsOf(s.steps);
      expect(rep).toContain(I_REKEYED);
      expect(rep).toContain(I_PROVISIONED);
      const stores = s.steps.flatMap((x) => x.effects).filter((e) => e.t === 'store');
      const kf = stores.find((e) => e.t === 'store' && e.file === KEY_FILE) as any;
      expect(decodeKeyFile(kf.bytes).key!.key).toEqual(s.state.key);
      expect(stores.some((e: any) => e.file === CONFIG_FILE)).toBe(true);
      // The SBS holds the PSK as pending (generation 1) next to the current IK until the SBI uses it.
      const dev = w.sbs.dev[toHex(s.identity.id)];
      expect(dev.gen).toBe(0);
      expect(dev.pend.map((p) => toHex(p.key))).toContain(toHex(s.state.key));
    }
    const audits = w.sbrSteps.flatMap((x) => x.effects).filter((e) => e.t === 'audit') as any[];
    expect(audits.map((a) => a.code)).toEqual([0, 0, 0]);
    expect(w.air.length).toBe(6); // one CONFIG and one ACK each
  });

  it('a later re-key runs the same flow under the PSK; the SBS then commits it and forgets IK', () => {
    const w = makeWorld(1);
    bootAll(w);
    run(w);
    const psk1 = w.sbis[0].state.key;
    stepSbi(w, 0, { t: 'command', op: 'rekey' } as any);
    run(w);
    const s = w.sbis[0].state;
    expect(s.ph).toBe(SBI_IDLE);
    expect(s.gen).toBe(2);
    const dev = w.sbs.dev[toHex(w.sbis[0].identity.id)];
    expect(dev.gen).toBe(1);
    expect(toHex(dev.key)).toBe(toHex(psk1));
    expect(toHex(dev.pend[0].key)).toBe(toHex(s.key));
    expect(toHex(dev.key)).not.toBe(toHex(w.sbis[0].identity.ik));
  });

  it('lost flight 4, flight 5, CONFIG and ACK are recovered by retransmission', () => {
    const w = makeWorld(1);
    bootAll(w);
    const dropped: { [k: string]: number } = {};
    function dropFirst(d: Delivery): Delivery | null {
      const key = d.kind + ':' + (d.bytes ? d.bytes[2] : '');
      if (key === 'oob-to-sbi:4' || key === 'oob-to-sbr:5' || key === 'frame-to-sbi:6' || key === 'frame-to-sbr:7') {
        if (!dropped[key]) {
          dropped[key] = 1;
          return null;
        }
      }
      return d;
    }
    run(w, dropFirst);
    // Lost F4: the SBI's timer re-sends the same F1, the SBR answers it with F4 again.
    stepSbi(w, 0, { t: 'timer', id: 'f1' });
    run(w, dropFirst);
    expect(w.sbis[0].state.ph).toBe(SBI_WAIT_CONFIG);
    // Lost F5: the SBR's timer re-sends F4; the SBI repeats F5 for the identical F4.
    const tid = Object.keys(w.sbr.sess)[0];
    stepSbr(w, { t: 'timer', id: 's:' + tid });
    run(w, dropFirst);
    // Lost CONFIG: re-sent on the SBR's timer. Lost ACK: the same ACK for a re-sent CONFIG.
    stepSbr(w, { t: 'timer', id: 's:' + tid });
    run(w, dropFirst);
    expect(w.sbis[0].state.ph).toBe(SBI_IDLE);
    stepSbr(w, { t: 'timer', id: 's:' + tid });
    run(w, dropFirst);
    expect(Object.keys(dropped).sort()).toEqual(['frame-to-sbi:6', 'frame-to-sbr:7', 'oob-to-sbi:4', 'oob-to-sbr:5']);
    const audits = w.sbrSteps.flatMap((x) => x.effects).filter((e) => e.t === 'audit') as any[];
    expect(audits.map((a) => a.code)).toEqual([0]);
    expect(w.sbis[0].state.cfg).toEqual(CONFIG);
  });
});

describe('the AES-only enrollee names its codes like the registry', () => {
  it('every name it knows equals the registry name; others are CODE_<n>', async () => {
    const { enrolleeCodeName } = await import('../../firmware/protocols/psk-oob/codes.ts');
    const { codeName } = await import('../../firmware/protocols/registry.ts');
    let known = 0;
    for (let c = 0; c < 1280; c++) {
      const n = enrolleeCodeName(c);
      if (n.startsWith('CODE_')) continue;
      known++;
      expect(n, String(c)).toBe(codeName(c));
    }
    expect(known).toBeGreaterThan(25);
    expect(enrolleeCodeName(1025)).toBe('CODE_1025');
  });
  it('every code an enrollee step reports in the core tests is one it can name', async () => {
    const w = makeWorld(2);
    bootAll(w);
    run(w);
    stepSbi(w, 0, { t: 'command', op: 'nope' } as any);
    stepSbi(w, 0, { t: 'frame', from: new Uint8Array(6), bytes: new Uint8Array([4, 1, 9]) });
    const { enrolleeCodeName } = await import('../../firmware/protocols/psk-oob/codes.ts');
    const codes = w.sbis.flatMap((s) => reportsOf(s.steps));
    expect(codes.length).toBeGreaterThan(4);
    for (const c of codes) expect(enrolleeCodeName(c), String(c)).not.toMatch(/^CODE_/);
  });
});
