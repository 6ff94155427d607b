/**
 * The small-order X25519 public values (firmware/crypto/x25519-low-order.ts),
 * checked against @noble/curves as the oracle: each listed value gives the
 * all-zero shared secret (noble refuses it) for random scalars, with bit 255
 * clear or set, and the firmware ladder agrees (all-zero output). Random public
 * keys and points near the list are not flagged.
 */
import { describe, it, expect } from 'vitest';
import { x25519 } from '@noble/curves/ed25519.js';
import { isLowOrder25519, x25519LowOrderPoints } from '../../firmware/crypto/x25519-low-order.ts';
import { x25519Raw } from '../../firmware/crypto/x25519.ts';
import { rng } from '../protocol/driver.ts';

describe('X25519 low-order values', () => {
  const pts = x25519LowOrderPoints();

  it('lists seven distinct values, and each makes X25519 all-zero for every scalar (noble refuses, the firmware ladder gives zero)', () => {
    expect(new Set(pts.map((p) => Buffer.from(p).toString('hex'))).size).toBe(7);
    const r = rng(1);
    for (const p of pts) {
      for (const top of [0, 0x80]) {
        const u = Uint8Array.from(p);
        u[31] |= top;
        expect(isLowOrder25519(u)).toBe(true);
        for (let i = 0; i < 4; i++) {
          const k = r(32);
          expect(() => x25519.getSharedSecret(k, u)).toThrow();
          expect(Array.from(x25519Raw(k, u)).every((b) => b === 0)).toBe(true);
        }
      }
    }
  });

  it('does not flag real public keys, their neighbours, or values one bit away from the list', () => {
    const r = rng(2);
    for (let i = 0; i < 50; i++) {
      const pub = x25519.getPublicKey(r(32));
      expect(isLowOrder25519(pub)).toBe(false);
    }
    const listed = new Set(pts.map((p) => Buffer.from(p).toString('hex')));
    for (const p of pts) {
      for (const bit of [0, 1, 9, 100, 254]) {
        const u = Uint8Array.from(p);
        u[bit >> 3] ^= 1 << (bit & 7);
        if (listed.has(Buffer.from(u).toString('hex'))) continue; // 0 ↔ 1 and p ↔ p ± 1 are neighbours on the list
        // One bit away is a different u-coordinate: noble computes a non-zero secret for it.
        expect(isLowOrder25519(u)).toBe(false);
        expect(() => x25519.getSharedSecret(r(32), u)).not.toThrow();
      }
    }
  });

  it('anything that is not 32 bytes counts as refused', () => {
    expect(isLowOrder25519(new Uint8Array(31))).toBe(true);
    expect(isLowOrder25519(null as any)).toBe(true);
    expect(isLowOrder25519([1, 2] as any)).toBe(true);
  });
});
