/**
 * The AC's P-256 on-curve check (ac-crypto.ts validPublicKey) against
 * @noble/curves as the oracle: every join's ephemeral R and every registered
 * key goes through it, so it must accept exactly the points noble accepts.
 */
import { describe, it, expect } from 'vitest';
import { p256 } from '@noble/curves/nist.js';
import { validPublicKey } from '../../configurator/cloud/ac-crypto.ts';
import { rng } from '../crypto/test-rng.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const pad = (n: bigint) => n.toString(16).padStart(64, '0');

function nobleAccepts(h: string): boolean {
  try {
    p256.Point.fromHex(h).assertValidity();
    return true;
  } catch {
    return false;
  }
}

describe('AC P-256 point check', () => {
  it('accepts 200 random public keys, refuses each with one bit of y flipped (as noble does)', () => {
    const src = rng(0xac01);
    for (let i = 0; i < 200; i++) {
      const pub = hex(p256.getPublicKey(p256.utils.randomSecretKey(src.bytes(48)), false));
      expect(validPublicKey('p256', pub)).toBe(true);
      const y = BigInt('0x' + pub.slice(66)) ^ (1n << BigInt(i % 256));
      const bad = pub.slice(0, 66) + pad(y);
      expect(validPublicKey('p256', bad)).toBe(nobleAccepts(bad));
      expect(validPublicKey('p256', bad)).toBe(false);
    }
  });

  it('refuses coordinates at or above p (x + p, y + p would pass a check mod p alone), zero, the wrong prefix and length', () => {
    const pub = hex(p256.getPublicKey(p256.utils.randomSecretKey(new Uint8Array(48).fill(7)), false));
    const x = BigInt('0x' + pub.slice(2, 66));
    const y = BigInt('0x' + pub.slice(66));
    // y' = p − y is the negated point, on the curve; y' + p does not fit unless y' < 2^256 − p.
    const yNeg = P - y;
    expect(validPublicKey('p256', '04' + pad(x) + pad(yNeg))).toBe(true);
    if (yNeg + P < 2n ** 256n) expect(validPublicKey('p256', '04' + pad(x) + pad(yNeg + P))).toBe(false);
    if (x + P < 2n ** 256n) expect(validPublicKey('p256', '04' + pad(x + P) + pad(y))).toBe(false);
    // x = 0 is on P-256 (y = √b): x = p is the same residue, which a check mod p alone would accept.
    const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
    let y0 = 1n;
    for (let e = (P + 1n) / 4n, b = B; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) y0 = (y0 * b) % P;
    expect((y0 * y0) % P).toBe(B);
    expect(validPublicKey('p256', '04' + pad(0n) + pad(y0))).toBe(nobleAccepts('04' + pad(0n) + pad(y0)));
    expect(validPublicKey('p256', '04' + pad(0n) + pad(y0))).toBe(true);
    expect(validPublicKey('p256', '04' + pad(P) + pad(y0))).toBe(false);
    expect(validPublicKey('p256', '04' + '00'.repeat(64))).toBe(false);
    expect(validPublicKey('p256', '03' + pub.slice(2))).toBe(false);
    expect(validPublicKey('p256', pub.slice(0, 128))).toBe(false);
    expect(validPublicKey('p256', pub + '00')).toBe(false);
    expect(validPublicKey('p256', pub.toUpperCase())).toBe(false);
  });
});
