// The cloud wire codec: every frame type on both curves round-trips; every
// malformed length and field answers its typed code; nothing throws.
import { describe, it, expect } from 'vitest';
import { E_SHORT, E_LONG, E_VERSION, E_TYPE, E_SUITE, E_FIELD, E_PROTOCOL } from '../../firmware/codec/codes.ts';
import { MAX_FRAME } from '../../firmware/ports/ports.ts';
import { CURVE_P256, CURVE_SECP160K1, joinStatementBytes } from '../../firmware/protocols/cloud/ac-api.ts';
import {
  decodeFrame, encodeJoin, sidHeader, keyPrefix, encodeKey, BR_ID_MAX, encodeKeyAck, configHeader, encodeConfig, encodeAck, frameSummary, keyLen, pointLen, sigLen,
  T_JOIN, T_KEY, T_KEYACK, T_CONFIG, T_ACK, KEYACK_LEN, ACK_LEN, CONFIG_MIN_LEN, KEY_PT_LEN, AEAD_TAG_LEN, FRAG_MAX, JOIN_FIXED_LEN,
} from '../../firmware/protocols/cloud/frames.ts';
import { seeded } from './harness.ts';

const r = seeded('frames');
const mac = new Uint8Array([2, 1, 2, 3, 4, 5]);

function framesFor(curve: number) {
  const E = r(pointLen(curve));
  E[0] = 4;
  return {
    [T_JOIN]: encodeJoin(curve, 'SN-0001', mac, 1800000123, r(8), r(sigLen(curve))),
    [T_KEY]: encodeKey(keyPrefix(sidHeader(T_KEY, curve, 77), E, 1800000123, 'br-1', r(16)), r(KEY_PT_LEN + AEAD_TAG_LEN)),
    [T_KEYACK]: encodeKeyAck(sidHeader(T_KEYACK, curve, 77), r(1 + AEAD_TAG_LEN)),
    [T_CONFIG]: encodeConfig(configHeader(curve, 77, 1, 3), r(40)),
    [T_ACK]: encodeAck(sidHeader(T_ACK, curve, 77), r(5 + AEAD_TAG_LEN)),
  } as { [t: number]: Uint8Array };
}

for (const curve of [CURVE_P256, CURVE_SECP160K1]) {
  describe('cloud frames, curve ' + curve, () => {
    const fs = framesFor(curve);

    it('round-trip every type; sizes as the spec tables say, all ≤ 250 bytes', () => {
      for (const t of [T_JOIN, T_KEY, T_KEYACK, T_CONFIG, T_ACK]) {
        const d = decodeFrame(fs[t]);
        expect(d.code, 'type ' + t).toBe(0);
        expect(d.frame!.type).toBe(t);
        expect(d.frame!.curve).toBe(curve);
        expect(fs[t].length).toBeLessThanOrEqual(MAX_FRAME);
        expect(frameSummary(fs[t])).toMatch(/^(JOIN|KEY|KEYACK|CONFIG|ACK) /);
      }
      const j = decodeFrame(fs[T_JOIN]).frame!;
      expect(j.sn).toBe('SN-0001');
      expect(j.ts).toBe(1800000123);
      expect(j.statement).toEqual(joinStatementBytes('SN-0001', mac, 1800000123, j.nonce!, curve));
      expect(fs[T_JOIN].length).toBe(JOIN_FIXED_LEN + 7 + sigLen(curve));
      expect(fs[T_KEY].length).toBe(keyLen(curve, 4));
      const k = decodeFrame(fs[T_KEY]).frame!;
      expect([k.sid, k.gts, k.brId, k.grant!.length, k.sealed!.length]).toEqual([77, 1800000123, 'br-1', 16, KEY_PT_LEN + AEAD_TAG_LEN]);
      expect(fs[T_KEYACK].length).toBe(KEYACK_LEN);
      expect(fs[T_ACK].length).toBe(ACK_LEN);
      const c = decodeFrame(fs[T_CONFIG]).frame!;
      expect([c.sid, c.idx, c.count, c.sealed!.length]).toEqual([77, 1, 3, 40]);
    });

    it('every truncation is E_SHORT; every extension E_LONG (CONFIG: past 250 bytes)', () => {
      for (const t of [T_JOIN, T_KEY, T_KEYACK, T_CONFIG, T_ACK]) {
        const f = fs[t];
        const minOk = t === T_CONFIG ? CONFIG_MIN_LEN : f.length;
        for (let n = 0; n < minOk; n++) expect(decodeFrame(f.subarray(0, n)).code, 'type ' + t + ' len ' + n).toBe(E_SHORT);
        const maxLen = t === T_CONFIG ? MAX_FRAME : f.length;
        for (let extra = 1; extra <= 260 - maxLen; extra++) {
          const g = new Uint8Array(maxLen + extra);
          g.set(f);
          expect(decodeFrame(g).code, 'type ' + t + ' +' + extra).toBe(E_LONG);
        }
      }
    });

    it('header faults: protocol, version, type, curve', () => {
      const f = fs[T_KEYACK];
      const mut = (i: number, v: number) => {
        const g = f.slice();
        g[i] = v;
        return decodeFrame(g).code;
      };
      expect(mut(0, 1)).toBe(E_PROTOCOL);
      expect(mut(1, 1)).toBe(E_VERSION); // version 1 had no grant in KEY (README §4.4)
      expect(mut(1, 3)).toBe(E_VERSION);
      expect(mut(2, 0)).toBe(E_TYPE);
      expect(mut(2, 6)).toBe(E_TYPE);
      expect(mut(3, 0)).toBe(E_SUITE);
      expect(mut(3, 3)).toBe(E_SUITE);
    });

    it('field faults: sid 0, fragment index and count, serial-number bytes and length, point prefix', () => {
      for (const t of [T_KEY, T_KEYACK, T_CONFIG, T_ACK]) {
        const g = fs[t].slice();
        g.fill(0, 4, 8);
        expect(decodeFrame(g).code, 'sid 0 type ' + t).toBe(E_FIELD);
      }
      const cfg = (idx: number, count: number) => {
        const g = fs[T_CONFIG].slice();
        g[8] = idx;
        g[9] = count;
        return decodeFrame(g).code;
      };
      expect(cfg(3, 3)).toBe(E_FIELD);
      expect(cfg(0, 0)).toBe(E_FIELD);
      expect(cfg(0, 9)).toBe(E_FIELD);
      expect(cfg(7, 8)).toBe(0);
      const j = fs[T_JOIN].slice();
      j[6] = 0x20; // a space inside the serial number
      expect(decodeFrame(j).code).toBe(E_FIELD);
      j[6] = 0x7f;
      expect(decodeFrame(j).code).toBe(E_FIELD);
      // snLen 0 with a length that matches it
      const z = new Uint8Array(JOIN_FIXED_LEN + sigLen(curve));
      z.set(fs[T_JOIN].subarray(0, 4));
      expect(decodeFrame(z).code).toBe(E_FIELD);
      const z33 = new Uint8Array(JOIN_FIXED_LEN + 33 + sigLen(curve));
      z33.set(fs[T_JOIN].subarray(0, 4));
      z33[4] = 33;
      z33.fill(0x41, 5, 38);
      expect(decodeFrame(z33).code).toBe(E_FIELD);
      const k = fs[T_KEY].slice();
      k[8] = 2;
      expect(decodeFrame(k).code).toBe(E_FIELD);
      // the BR id: a space in it, or a length 0 / over BR_ID_MAX that matches the frame's length
      const idAt = 8 + pointLen(curve) + 4;
      const sp = fs[T_KEY].slice();
      sp[idAt + 2] = 0x20;
      expect(decodeFrame(sp).code).toBe(E_FIELD);
      const keyWithId = (n: number) => {
        const g = new Uint8Array(keyLen(curve, n));
        g.set(fs[T_KEY].subarray(0, idAt));
        g[idAt] = n;
        g.fill(0x41, idAt + 1, idAt + 1 + n);
        return decodeFrame(g).code;
      };
      expect(keyWithId(0)).toBe(E_FIELD);
      expect(keyWithId(BR_ID_MAX)).toBe(0);
      expect(keyWithId(BR_ID_MAX + 1)).toBe(E_FIELD);
    });

    it('no input throws: every single-byte mutation and 3000 random frames decode to a code', () => {
      for (const t of [T_JOIN, T_KEY, T_KEYACK, T_CONFIG, T_ACK]) {
        const f = fs[t];
        for (let i = 0; i < f.length; i++) {
          for (const v of [0, 1, 3, 0x7f, 0xff]) {
            const g = f.slice();
            g[i] = v;
            const d = decodeFrame(g);
            expect(typeof d.code).toBe('number');
            expect(d.code === 0).toBe(d.frame !== null);
          }
        }
      }
      for (let i = 0; i < 3000; i++) {
        const len = r(1)[0] % 256;
        const g = r(len);
        if (len > 0 && i % 2) g[0] = 3;
        if (len > 1 && i % 3) g[1] = 2;
        const d = decodeFrame(g);
        expect(d.code === 0).toBe(d.frame !== null);
      }
      expect(decodeFrame(null as any).code).toBe(E_SHORT);
      expect(decodeFrame([3, 1, 1, 1] as any).code).toBe(E_SHORT);
      expect(frameSummary(new Uint8Array([9]))).toMatch(/undecodable/);
    });
  });
}

describe('cloud frame encoders', () => {
  it('refuse what the format cannot hold (E_FIELD), and the largest JOIN and a full CONFIG fit 250 bytes', () => {
    const sig = r(64);
    expect(() => encodeJoin(9, 'SN', mac, 1, r(8), sig)).toThrow(/E_FIELD/);
    expect(() => encodeJoin(1, '', mac, 1, r(8), sig)).toThrow(/E_FIELD/);
    expect(() => encodeJoin(1, 'S N', mac, 1, r(8), sig)).toThrow(/E_FIELD/);
    expect(() => encodeJoin(1, 'x'.repeat(33), mac, 1, r(8), sig)).toThrow(/E_FIELD/);
    expect(() => encodeJoin(1, 'SN', r(5), 1, r(8), sig)).toThrow(/E_FIELD/);
    expect(() => encodeJoin(1, 'SN', mac, -1, r(8), sig)).toThrow(/E_FIELD/);
    expect(() => encodeJoin(1, 'SN', mac, 1, r(8), r(42))).toThrow(/E_FIELD/);
    expect(encodeJoin(1, 'x'.repeat(32), mac, 1, r(8), sig).length).toBe(119);
    expect(encodeConfig(configHeader(1, 5, 0, 1), r(FRAG_MAX + AEAD_TAG_LEN)).length).toBe(MAX_FRAME);
    expect(() => encodeConfig(configHeader(1, 5, 0, 1), r(FRAG_MAX + AEAD_TAG_LEN + 1))).toThrow(/E_FIELD/);
    // KEY with the longest BR id fits; ids the frame cannot carry are refused
    const E = r(65);
    E[0] = 4;
    const hdr = sidHeader(T_KEY, 1, 5);
    expect(encodeKey(keyPrefix(hdr, E, 1, 'b'.repeat(BR_ID_MAX), r(16)), r(KEY_PT_LEN + AEAD_TAG_LEN)).length).toBe(keyLen(1, BR_ID_MAX));
    expect(keyLen(1, BR_ID_MAX)).toBeLessThanOrEqual(MAX_FRAME);
    expect(() => keyPrefix(hdr, E, 1, 'b'.repeat(BR_ID_MAX + 1), r(16))).toThrow(/E_FIELD/);
    expect(() => keyPrefix(hdr, E, 1, 'br 1', r(16))).toThrow(/E_FIELD/);
    expect(() => keyPrefix(hdr, E, 1, 'br-1', r(15))).toThrow(/E_FIELD/);
    expect(() => keyPrefix(hdr, E, -1, 'br-1', r(16))).toThrow(/E_FIELD/);
  });
});
