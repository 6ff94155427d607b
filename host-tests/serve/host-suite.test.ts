/**
 * serve's host suite (configurator/serve/host-suite.ts) against the board's
 * (firmware/protocols/whitelist/suite-x25519.ts) on random inputs: the two must
 * agree byte for byte, or a board and serve could not talk. Its work counts
 * against the firmware's own counters; the cost table's x25519Op unit.
 */
import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { hostSuite, shaBlocks } from '../../configurator/serve/host-suite.ts';
import { firmwareSuite } from '../../firmware/protocols/whitelist/suite-x25519.ts';
import { work, snapshotWork } from '../../firmware/crypto/work-counters.ts';
import { x25519 } from '../../firmware/crypto/x25519.ts';
import { sha256 } from '../../firmware/crypto/sha256.ts';
import { costOf, cpuSecondsFor, X25519_FMULS, X25519_FINVS } from '../../configurator/power/cost-table.ts';

const rnd = (n: number) => new Uint8Array(randomBytes(n));

describe('host suite = firmware suite', () => {
  const host = hostSuite().suite;
  const fw = firmwareSuite();

  it('X25519 and its public key, on random keys (high bit of u set too)', () => {
    for (let i = 0; i < 8; i++) {
      const a = rnd(32);
      const B = rnd(32);
      if (i % 2) B[31] |= 0x80;
      expect(Array.from(host.dhPub(a))).toEqual(Array.from(fw.dhPub(a)));
      expect(Array.from(host.dh(a, B))).toEqual(Array.from(fw.dh(a, B)));
    }
  });

  it('X25519 with a low-order peer key throws, as the suite contract says', () => {
    expect(() => host.dh(rnd(32), new Uint8Array(32))).toThrow();
    const one = new Uint8Array(32);
    one[0] = 1;
    expect(() => host.dh(rnd(32), one)).toThrow();
  });

  it('SHA-256, HMAC and HKDF on random lengths', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 200]) {
      const m = rnd(n);
      const k = rnd(1 + (n % 80));
      expect(Array.from(host.sha256(m))).toEqual(Array.from(fw.sha256(m)));
      expect(Array.from(host.hmac(k, m))).toEqual(Array.from(fw.hmac(k, m)));
    }
    // HKDF both ways with the same inputs.
    for (const len of [16, 32, 48, 80]) {
      const ikm = rnd(32);
      const salt = rnd(len % 3 === 0 ? 0 : 32);
      const info = rnd(len % 7);
      expect(Array.from(host.hkdf(ikm, salt, info, len))).toEqual(Array.from(fw.hkdf(ikm, salt, info, len)));
    }
  });

  it('AES-128-CCM: same sealed bytes both ways; a wrong tag, key or AAD opens to null', () => {
    for (const n of [0, 1, 16, 17, 100, 232]) {
      const key = rnd(16);
      const nonce = rnd(13);
      const pt = rnd(n);
      const aad = rnd(8 + (n % 40));
      const sealed = host.seal(key, nonce, pt, aad, 8);
      expect(Array.from(sealed)).toEqual(Array.from(fw.seal(key, nonce, pt, aad, 8)));
      expect(Array.from(fw.open(key, nonce, sealed, aad, 8)!)).toEqual(Array.from(pt));
      expect(Array.from(host.open(key, nonce, sealed, aad, 8)!)).toEqual(Array.from(pt));
      const bad = new Uint8Array(sealed);
      bad[bad.length - 1] ^= 1;
      expect(host.open(key, nonce, bad, aad, 8)).toBeNull();
      expect(host.open(rnd(16), nonce, sealed, aad, 8)).toBeNull();
      expect(host.open(key, nonce, sealed, rnd(aad.length), 8)).toBeNull();
      expect(host.open(key, nonce, sealed.subarray(0, 5), aad, 8)).toBeNull();
    }
  });
});

describe('host suite work counts', () => {
  it('counts SHA-256 compressions as the firmware does for the same message lengths', () => {
    for (const n of [0, 1, 55, 56, 64, 119, 120, 1000]) {
      const before = snapshotWork();
      sha256(rnd(n));
      expect(shaBlocks(n)).toBe(work.shaBlock - before.shaBlock);
    }
  });

  it('counts one x25519Op per X25519 and per public key', () => {
    const h = hostSuite();
    h.suite.dh(rnd(32), h.suite.dhPub(rnd(32)));
    expect(h.work.x25519Op).toBe(2);
    h.suite.sha256(rnd(10));
    expect(h.work.shaBlockNative).toBe(1);
    expect(h.extraWork.map((x) => x.unit).sort()).toEqual(['aesBlockNative', 'shaBlockNative', 'x25519Op']);
  });

  it('x25519Op costs on a board what the ladder counts there, and the firmware ladder counts X25519_FMULS products', () => {
    const before = snapshotWork();
    x25519(rnd(32), rnd(32));
    expect(work.fmul25519 - before.fmul25519).toBe(X25519_FMULS);
    expect(work.finv - before.finv).toBe(X25519_FINVS);
    for (const engine of ['espruino-esp32-js', 'espruino-esp32-native']) {
      expect(costOf('x25519Op', engine)).toBeCloseTo(cpuSecondsFor({ fmul25519: X25519_FMULS, finv: X25519_FINVS }, engine), 12);
    }
    // On the host it is the measured library figure: about four orders of magnitude below an ESP32's.
    expect(costOf('x25519Op', 'host')).toBeGreaterThan(0);
    expect(costOf('x25519Op', 'espruino-esp32-js') / costOf('x25519Op', 'host')).toBeGreaterThan(1000);
  });
});
