// AES-CMAC (RFC 4493): the RFC's subkeys and its four examples (§4), a
// differential against an independent CMAC built on node:crypto's AES-128-CBC
// for every length 0..100, forgery sensitivity, and the AES block count.
import { describe, it, expect } from 'vitest';
import { aesCmac } from '../../firmware/crypto/aes-cmac.ts';
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { work } from '../../firmware/crypto/work-counters.ts';
import { fromHex, toHex } from '../../firmware/bytes/bytes.ts';
import { rng } from './test-rng.ts';
import { nodeCmac, cmacSubkeys } from './cmac-reference.ts';

installEngineHooks({});

const KEY = fromHex('2b7e151628aed2a6abf7158809cf4f3c');
const M64 = '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710';

describe('AES-CMAC RFC 4493 §4', () => {
  const cases = [
    { len: 0, tag: 'bb1d6929e95937287fa37d129b756746' },
    { len: 16, tag: '070a16b46b4d4144f79bdd9dd04a287c' },
    { len: 40, tag: 'dfa66747de9ae63030ca32611497c827' },
    { len: 64, tag: '51f0bebf7e3b9d92fc49741779363cfe' },
  ];
  for (const c of cases) {
    it('example with len ' + c.len, () => {
      const m = fromHex(M64.substring(0, 2 * c.len));
      expect(nodeCmac(KEY, m).toString('hex')).toBe(c.tag);
      expect(toHex(aesCmac(KEY, m))).toBe(c.tag);
    });
  }
  it('the reference subkeys are RFC 4493 L, K1, K2 (§4)', () => {
    const k = cmacSubkeys(KEY);
    expect(k.L.toString('hex')).toBe('7df76b0c1ab899b33e42f047b91b546f');
    expect(k.k1.toString('hex')).toBe('fbeed618357133667c85e08f7236a8de');
    expect(k.k2.toString('hex')).toBe('f7ddac306ae266ccf90bc11ee46d513b');
  });
});

describe('AES-CMAC differential and forgery', () => {
  it('every length 0..100 under random keys equals the node:crypto reference', () => {
    const r = rng(0xc3ac);
    for (let n = 0; n <= 100; n++) {
      const k = r.bytes(16);
      const m = r.bytes(n);
      expect(toHex(aesCmac(k, m))).toBe(nodeCmac(k, m).toString('hex'));
    }
  });
  it('one flipped bit anywhere changes the tag; a wrong key length throws', () => {
    const m = fromHex(M64);
    const t = toHex(aesCmac(KEY, m));
    for (let i = 0; i < m.length; i++) {
      const x = new Uint8Array(m);
      x[i] ^= 1 << (i % 8);
      expect(toHex(aesCmac(KEY, x))).not.toBe(t);
    }
    expect(() => aesCmac(new Uint8Array(15), m)).toThrow(/E_KEY_LENGTH/);
  });
  it('costs 1 + ceil(n/16) AES blocks (one for L)', () => {
    for (const n of [0, 1, 16, 17, 64]) {
      const before = work.aesBlock;
      aesCmac(KEY, new Uint8Array(n));
      expect(work.aesBlock - before).toBe(1 + Math.max(1, Math.ceil(n / 16)));
    }
  });
});
