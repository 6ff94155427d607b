/**
 * Malformed input at every length for the psk-oob decoder and the three cores:
 * nothing throws; a rejected input returns the caller's state object unchanged
 * with a non-zero code; truncations, extensions and single-bit flips of every
 * real message are refused with a typed code.
 */
import { describe, it, expect } from 'vitest';
import { decodeFrame } from '../../firmware/protocols/psk-oob/frames.ts';
import { makeEnrollee } from '../../firmware/protocols/psk-oob/enrollee.ts';
import { makeConfigurator } from '../../firmware/protocols/psk-oob/configurator.ts';
import { makeSbs } from '../../firmware/protocols/psk-oob/sbs.ts';
import { firmwareSuite } from '../../firmware/protocols/psk-oob/suite.ts';
import { makeWorld, bootAll, run, rng, SBR_MAC } from './driver.ts';
import { fromBase64 } from '../../firmware/bytes/base64.ts';
import { E_SHORT, E_LONG, E_VERSION, E_TYPE, E_FIELD, E_PROTOCOL } from '../../firmware/codec/codes.ts';

const s = firmwareSuite();
const sbi = makeEnrollee(s);
const sbr = makeConfigurator(s);
const sbs = makeSbs(s);
const DECODE_CODES = [E_SHORT, E_LONG, E_VERSION, E_TYPE, E_FIELD, E_PROTOCOL];

/** A world mid-flight: SBI waiting for F4, SBR waiting for the SBS; plus every real message of a full run. */
function samples() {
  const w = makeWorld(1, { seed: 5 });
  bootAll(w);
  const mid = { sbi: w.sbis[0].state, sbr: w.sbr, sbs: w.sbs };
  run(w);
  const msgs = [...w.oob, ...w.air, ...w.link.filter((l) => l.includes('f2') || l.includes('f3')).map((l) => fromBase64(JSON.parse(l).f2 || JSON.parse(l).f3)!)];
  return { w, mid, msgs, done: { sbi: w.sbis[0].state, sbr: w.sbr, sbs: w.sbs } };
}

describe('psk-oob decoder', () => {
  it('random bytes of every length 0..300 (with our header and without) never throw and give a decode code', () => {
    const r = rng(99);
    for (let n = 0; n <= 300; n++) {
      for (let k = 0; k < 8; k++) {
        const b = r(n);
        if (k & 1 && n > 0) b[0] = 4;
        if (k & 2 && n > 1) b[1] = 1;
        if (k & 4 && n > 2) b[2] = 1 + (b[2] % 7);
        const d = decodeFrame(b);
        if (d.frame) expect(d.code).toBe(0);
        else expect(DECODE_CODES).toContain(d.code);
      }
    }
    for (const x of [null, undefined, 5, 'abc', [4, 1, 1], {}]) expect(decodeFrame(x as any).code).toBe(E_SHORT);
  });
  it('every truncation and extension of every real message is refused', () => {
    const { msgs } = samples();
    expect(msgs.length).toBeGreaterThanOrEqual(7);
    for (const m of msgs) {
      expect(decodeFrame(m).code).toBe(0);
      for (let n = 0; n < m.length; n++) {
        // CONFIG's length is not fixed: a cut inside its ciphertext still decodes (the CCM tag refuses it).
        if (m[2] === 6 && n >= 18) continue;
        expect(decodeFrame(m.subarray(0, n)).code, `type ${m[2]} cut to ${n}`).not.toBe(0);
      }
      if (m[2] !== 6) expect(decodeFrame(new Uint8Array([...m, 0])).code).toBe(E_LONG);
    }
  });
});

describe('psk-oob cores under malformed and tampered input', () => {
  it('every bit flip of every real message, as OOB, frame or link input to each core: no throw; rejects keep the state object', () => {
    const { mid, msgs } = samples();
    let rejected = 0;
    const now = 100000;
    for (const m of msgs) {
      for (let i = 0; i < m.length; i++) {
        for (const bit of [0, 7]) {
          const x = new Uint8Array(m);
          x[i] ^= 1 << bit;
          const evs: any[] = [
            { t: 'oob', bytes: x, now, rand: new Uint8Array(32) },
            { t: 'frame', from: SBR_MAC, bytes: x, now, rand: new Uint8Array(32) },
          ];
          for (const ev of evs) {
            const a = sbi.next(mid.sbi, ev);
            if (a.code !== 0) {
              expect(a.state).toBe(mid.sbi);
              rejected++;
            }
            const b = sbr.next(mid.sbr, ev);
            if (b.code !== 0) {
              expect(b.state).toBe(mid.sbr);
              rejected++;
            }
          }
          const c = sbs.handle(mid.sbs, x, now, new Uint8Array(12));
          if (m[2] === 2) expect(c.code, `F2 bit ${i}:${bit}`).not.toBe(0);
          if (c.code !== 0 && c.status !== 200) expect(c.state).toBe(mid.sbs);
        }
      }
    }
    expect(rejected).toBeGreaterThan(1000);
  });
  it('malformed events (no rand, bad MAC, non-bytes, unknown kinds, bad uplink JSON) are refused with codes', () => {
    const { mid } = samples();
    const bad: any[] = [null, {}, { t: 5 }, { t: 'frame', from: new Uint8Array(5), bytes: new Uint8Array(9) }, { t: 'oob', bytes: 'F1' },
      { t: 'timer', id: 'f1' }, { t: 'wifi', result: 0, join: 1 }, { t: 'uplink', id: 1, status: 200, json: '{' }, { t: 'command', op: 'nope' }, { t: 'what' }];
    for (const ev of bad) {
      const a = sbi.next(mid.sbi, ev);
      const b = sbr.next(mid.sbr, ev);
      expect(a.code, JSON.stringify(ev)).not.toBe(0);
      expect(a.state).toBe(mid.sbi);
      expect(b.code, JSON.stringify(ev)).not.toBe(0);
      expect(b.state).toBe(mid.sbr);
    }
    // An uplink answer for the pending TID that is garbage ends that session with E_SBS, once.
    const tid = Number(Object.keys(mid.sbr.sess)[0]);
    for (const json of ['{', '{"f3":"!!"}', '{"f3":"AAAA"}', '{"code":1025}', 'null']) {
      const st = sbr.next(mid.sbr, { t: 'uplink', id: tid, status: json.includes('code') ? 401 : 200, json, now: 1, rand: new Uint8Array(32) } as any);
      expect(st.code, json).not.toBe(0);
    }
  });
});
