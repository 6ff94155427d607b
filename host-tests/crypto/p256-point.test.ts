// P-256 group arithmetic, SEC 1 encoding and key generation against @noble/curves
// (oracle only), plus the constant-time evidence of THREATS #8: the number of field
// multiplications per scalar multiplication does not depend on the scalar.
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { describe, it, expect, afterEach } from 'vitest';
import { p256 as nob } from '@noble/curves/nist.js';
import { p256, p256KeyGen, p256GetPublicKey, p256Ecdh } from '../../firmware/crypto/p256.ts';
import {
  mulCT, mulBaseCT, mulDoubleVar, decodePoint, encodePoint, addPublic, toAffine, jdbl, isOnCurve, Affine,
} from '../../firmware/crypto/weierstrass.ts';
import { limbWatch } from '../../firmware/crypto/bignum-limbs.ts';
import { work } from '../../firmware/crypto/work-counters.ts';
import { toHex, fromHex } from '../../firmware/bytes/bytes.ts';

var C = p256();
var n = nob.Point.Fn.ORDER;
var p = nob.Point.Fp.ORDER;
var Pt = nob.Point;

function rng(seed: number) {
  var s = seed >>> 0 || 1;
  return function () {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}
function randBytes(r: () => number, len: number): Uint8Array {
  var b = new Uint8Array(len);
  for (var i = 0; i < len; i++) b[i] = r() & 255;
  return b;
}
function b2n(b: Uint8Array): bigint {
  var v = 0n;
  for (var i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[i]);
  return v;
}
function n2b(v: bigint, len: number): Uint8Array {
  var b = new Uint8Array(len);
  for (var i = len - 1; i >= 0; i--) { b[i] = Number(v & 255n); v >>= 8n; }
  return b;
}
function affHex(A: Affine): string {
  return toHex(encodePoint(C, A, false));
}
function convolveModel(a: Float64Array, b: Float64Array, offset: number): number {
  var L = b.length, s = 0;
  for (var i = 0; i < a.length; i++) s += a[i] * b[(i + offset) % L];
  return s;
}

var SPECIAL = [1n, 2n, 3n, 15n, 16n, 17n, n - 1n, n - 2n, n - 3n, n - 16n, n >> 1n, (n >> 1n) + 1n, 1n << 255n, (1n << 255n) - 1n, (1n << 128n) + 1n];

afterEach(() => {
  installEngineHooks({});
  limbWatch.on = false;
});

describe('P-256 scalar multiplication vs noble', () => {
  it('base point: special scalars and 1000 random', () => {
    var r = rng(11);
    var ks = SPECIAL.slice();
    for (var i = 0; i < 1000; i++) ks.push((b2n(randBytes(r, 32)) % (n - 1n)) + 1n);
    for (var k of ks) {
      var got = affHex(mulBaseCT(C, n2b(k, 32)));
      expect(got).toBe(toHex(Pt.BASE.multiply(k).toBytes(false)));
    }
  });

  it('variable base: special scalars × random points, and 500 random pairs', () => {
    var r = rng(12);
    var P = Pt.BASE.multiply(0x1234567n);
    var Pa = decodePoint(C, P.toBytes(false));
    for (var k of SPECIAL) {
      expect(affHex(mulCT(C, n2b(k, 32), Pa))).toBe(toHex(P.multiply(k).toBytes(false)));
    }
    for (var i = 0; i < 500; i++) {
      var k2 = (b2n(randBytes(r, 32)) % (n - 1n)) + 1n;
      var Q = Pt.BASE.multiply((b2n(randBytes(r, 32)) % (n - 1n)) + 1n);
      expect(affHex(mulCT(C, n2b(k2, 32), decodePoint(C, Q.toBytes(true))))).toBe(toHex(Q.multiply(k2).toBytes(false)));
    }
  });

  it('scalar 0 and wrong-length scalars are refused', () => {
    expect(() => mulBaseCT(C, new Uint8Array(32))).toThrow(/E_SCALAR/);
    expect(() => mulCT(C, new Uint8Array(32), C.G)).toThrow(/E_SCALAR/);
    expect(() => mulCT(C, new Uint8Array(31), C.G)).toThrow(/E_SCALAR/);
  });

  it('the E.convolve path gives the same points (model of E.convolve)', () => {
    var r = rng(13);
    for (var i = 0; i < 20; i++) {
      var k = n2b((b2n(randBytes(r, 32)) % (n - 1n)) + 1n, 32);
      var Q = Pt.BASE.multiply(BigInt(i + 2));
      var Qa = decodePoint(C, Q.toBytes(false));
      installEngineHooks({});
      var a1 = affHex(mulCT(C, k, Qa)), b1 = affHex(mulBaseCT(C, k));
      installEngineHooks({ convolve: convolveModel });
      expect(affHex(mulCT(C, k, Qa))).toBe(a1);
      expect(affHex(mulBaseCT(C, k))).toBe(b1);
    }
  });

  it('u1·G + u2·Q (variable time) incl. cancellations and coincidences', () => {
    var r = rng(14);
    var cases: [bigint, bigint, bigint][] = [
      [1n, 1n, 1n], // G + G: doubling inside the addition
      [1n, n - 1n, 1n], // G − G: infinity
      [0n, 5n, 7n],
      [5n, 0n, 7n],
      [2n, n - 1n, 2n], // 2G − 2G
      [n - 1n, n - 1n, 1n],
    ];
    for (var i = 0; i < 60; i++) {
      cases.push([b2n(randBytes(r, 32)) % n, b2n(randBytes(r, 32)) % n, (b2n(randBytes(r, 32)) % (n - 1n)) + 1n]);
    }
    for (var c of cases) {
      var Q = Pt.BASE.multiply(c[2]);
      var want = Pt.BASE.multiply(c[0] === 0n ? 1n : c[0]).add(Q.multiply(c[1] === 0n ? 1n : c[1]));
      if (c[0] === 0n) want = want.subtract(Pt.BASE);
      if (c[1] === 0n) want = want.subtract(Q);
      var got = mulDoubleVar(C, n2b(c[0], 32), n2b(c[1], 32), decodePoint(C, Q.toBytes(false)));
      if (want.equals(Pt.ZERO)) expect(got).toBeNull();
      else expect(affHex(got as Affine)).toBe(toHex(want.toBytes(false)));
    }
  });

  it('point addition and doubling: P+Q, P+P, P+(−P)', () => {
    var r = rng(15);
    for (var i = 0; i < 40; i++) {
      var P = Pt.BASE.multiply((b2n(randBytes(r, 32)) % (n - 1n)) + 1n);
      var Q = Pt.BASE.multiply((b2n(randBytes(r, 32)) % (n - 1n)) + 1n);
      var Pa = decodePoint(C, P.toBytes(false)), Qa = decodePoint(C, Q.toBytes(false));
      expect(affHex(addPublic(C, Pa, Qa) as Affine)).toBe(toHex(P.add(Q).toBytes(false)));
      expect(affHex(addPublic(C, Pa, Pa) as Affine)).toBe(toHex(P.double().toBytes(false)));
      expect(addPublic(C, Pa, decodePoint(C, P.negate().toBytes(false)))).toBeNull();
      // Jacobian doubling on its own
      var J = { a: new Float64Array(48), x: null as unknown as Float64Array, y: null as unknown as Float64Array, z: null as unknown as Float64Array, inf: 0 };
      J.x = J.a.subarray(0, 16); J.y = J.a.subarray(16, 32); J.z = J.a.subarray(32, 48);
      J.x.set(Pa.x); J.y.set(Pa.y); J.z[0] = 1;
      jdbl(C, J, J);
      jdbl(C, J, J);
      expect(affHex(toAffine(C, J))).toBe(toHex(P.multiply(4n).toBytes(false)));
    }
  });

  it('limbs stay inside the multiplication input budget (|limb| < 2^21) during scalar mults', () => {
    var r = rng(16);
    limbWatch.on = true;
    limbWatch.max = 0;
    for (var i = 0; i < 10; i++) {
      var k = n2b((b2n(randBytes(r, 32)) % (n - 1n)) + 1n, 32);
      mulCT(C, k, C.G);
      mulBaseCT(C, k);
      mulDoubleVar(C, k, k, decodePoint(C, Pt.BASE.multiply(9n).toBytes(false)));
    }
    mulCT(C, n2b(n - 1n, 32), C.G);
    expect(limbWatch.max).toBeGreaterThan(65535);
    expect(limbWatch.max).toBeLessThan(2 ** 21);
  });
});

describe('constant-time evidence (THREATS #8): field multiplications per scalar multiplication', () => {
  var scalars: [string, bigint][] = [
    ['1 (sparse)', 1n],
    ['2', 2n],
    ['2^255 (sparse, top bit)', 1n << 255n],
    ['all ones below 2^255 (dense)', (1n << 255n) - 1n],
    ['0xff..ff mod n (dense)', ((1n << 256n) - 1n) % n],
    ['n − 1 (near n)', n - 1n],
    ['n − 2 (near n)', n - 2n],
    ['16 (only one nonzero window)', 16n],
  ];
  function count(f: () => void): [number, number] {
    var m0 = work.fmulP, i0 = work.finv;
    f();
    return [work.fmulP - m0, work.finv - i0];
  }
  it('mulCT (variable base): identical counts for every scalar', () => {
    var Q = decodePoint(C, Pt.BASE.multiply(777n).toBytes(false));
    var counts = scalars.map((s) => count(() => mulCT(C, n2b(s[1], 32), Q)));
    console.log('mulCT fmulP/finv per scalar: ' + scalars.map((s, i) => s[0] + ' = ' + counts[i].join('/')).join(', '));
    for (var c of counts) expect(c).toEqual(counts[0]);
    expect(counts[0][0]).toBeGreaterThan(3000);
  });
  it('mulBaseCT (comb): identical counts for every scalar', () => {
    mulBaseCT(C, n2b(5n, 32)); // builds the table first
    var counts = scalars.map((s) => count(() => mulBaseCT(C, n2b(s[1], 32))));
    console.log('mulBaseCT fmulP/finv per scalar: ' + counts.map((c) => c.join('/')).join(', '));
    for (var c of counts) expect(c).toEqual(counts[0]);
    expect(counts[0][0]).toBeGreaterThan(1000);
  });
});

describe('SEC 1 encoding and validation (THREATS #5)', () => {
  it('round trip compressed/uncompressed for 200 random points, equal to noble', () => {
    var r = rng(21);
    for (var i = 0; i < 200; i++) {
      var P = Pt.BASE.multiply((b2n(randBytes(r, 32)) % (n - 1n)) + 1n);
      var u = P.toBytes(false), c = P.toBytes(true);
      var A1 = decodePoint(C, u), A2 = decodePoint(C, c);
      expect(toHex(encodePoint(C, A1, true))).toBe(toHex(c));
      expect(toHex(encodePoint(C, A2, false))).toBe(toHex(u));
      expect(isOnCurve(C, A2)).toBe(true);
    }
  });

  it('x = 0 edge: both points (0, ±√b) decode from every encoding and multiply like noble; x = p − 1 has no point', () => {
    var zero = new Uint8Array(32);
    for (var pre of [2, 3]) {
      var cb = new Uint8Array(33); cb[0] = pre; cb.set(zero, 1);
      var P = Pt.fromBytes(cb); // noble: (0, y) with y's parity from the prefix
      var A = decodePoint(C, cb);
      expect(affHex(A)).toBe(toHex(P.toBytes(false)));
      expect(toHex(encodePoint(C, decodePoint(C, P.toBytes(false)), true))).toBe(toHex(cb));
      for (var k of SPECIAL) expect(affHex(mulCT(C, n2b(k, 32), A)), 'k = ' + k).toBe(toHex(P.multiply(k).toBytes(false)));
      expect(toHex(p256Ecdh(n2b(n - 1n, 32), P.toBytes(false)))).toBe(toHex(P.multiply(n - 1n).toBytes(false).subarray(1, 33)));
    }
    var pm1 = new Uint8Array(33); pm1[0] = 2; pm1.set(n2b(p - 1n, 32), 1);
    expect(() => Pt.fromBytes(pm1)).toThrow();
    expect(() => decodePoint(C, pm1)).toThrow(/E_POINT/);
  });

  it('rejects malformed and invalid points before any multiplication', () => {
    var G = Pt.BASE.toBytes(false);
    var bad: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['infinity 0x00', new Uint8Array([0])],
      ['(0,0)', (() => { var b = new Uint8Array(65); b[0] = 4; return b; })()],
      ['all 0xff', (() => { var b = new Uint8Array(65); for (var i = 0; i < 65; i++) b[i] = 255; b[0] = 4; return b; })()],
      ['off curve (y+1)', (() => { var b = G.slice(); b[64] ^= 1; return b; })()],
      ['x = p (compressed)', (() => { var b = new Uint8Array(33); b[0] = 2; b.set(n2b(p, 32), 1); return b; })()],
      ['x = p + small (uncompressed, y ok mod p)', (() => { var b = G.slice(); b.set(n2b(b2n(G.subarray(1, 33)) + p, 33).subarray(1), 1); return b; })()],
      ['y ≥ p', (() => { var b = G.slice(); b.set(n2b(b2n(G.subarray(33)) + p, 33).subarray(1), 33); return b; })()],
      ['prefix 0x05', (() => { var b = G.slice(); b[0] = 5; return b; })()],
      ['prefix 0x06 (hybrid)', (() => { var b = G.slice(); b[0] = 6; return b; })()],
      ['uncompressed length 64', G.subarray(0, 64)],
      ['uncompressed length 66', (() => { var b = new Uint8Array(66); b.set(G); return b; })()],
      ['compressed with 0x04 prefix', (() => { var b = Pt.BASE.toBytes(true); b[0] = 4; return b; })()],
      ['compressed length 34', (() => { var b = new Uint8Array(34); b.set(Pt.BASE.toBytes(true)); return b; })()],
    ];
    // x with no square root: find one deterministically
    for (var x = 1n; ; x++) {
      var rhs = (((x * x * x - 3n * x + nob.Point.CURVE().b) % p) + p) % p;
      var e = 1n, bb = rhs, ex = (p - 1n) / 2n;
      while (ex > 0n) { if (ex & 1n) e = (e * bb) % p; bb = (bb * bb) % p; ex >>= 1n; }
      if (e === p - 1n) {
        var cb = new Uint8Array(33); cb[0] = 3; cb.set(n2b(x, 32), 1);
        bad.push(['x not on curve (compressed)', cb]);
        break;
      }
    }
    var m0 = work.fmulP;
    for (var b of bad) expect(() => decodePoint(C, b[1]), b[0]).toThrow(/E_POINT/);
    // validation costs a few field operations, never a scalar multiplication
    expect(work.fmulP - m0).toBeLessThan(bad.length * 600);
  });
});

describe('P-256 key generation', () => {
  it('rejection sampling: 0 and values ≥ n are rejected, the next candidate is used', () => {
    var seq = [new Uint8Array(32), n2b(n, 32), fromHex('ff'.repeat(32)), n2b(n - 1n, 32)];
    var i = 0;
    var kp = p256KeyGen(function (len) { expect(len).toBe(32); return seq[i++].slice(); });
    expect(i).toBe(4);
    expect(toHex(kp.priv)).toBe(toHex(n2b(n - 1n, 32)));
    expect(toHex(kp.pub)).toBe(toHex(nob.getPublicKey(kp.priv, false)));
  });
  it('random key pairs equal noble public keys (compressed and not)', () => {
    var r = rng(31);
    for (var i = 0; i < 50; i++) {
      var kp = p256KeyGen(function (len) { return randBytes(r, len); }, i % 2 === 1);
      expect(toHex(kp.pub)).toBe(toHex(nob.getPublicKey(kp.priv, i % 2 === 1)));
      expect(toHex(p256GetPublicKey(kp.priv))).toBe(toHex(nob.getPublicKey(kp.priv, false)));
    }
  });
  it('getPublicKey refuses 0 and n', () => {
    expect(() => p256GetPublicKey(new Uint8Array(32))).toThrow(/E_SCALAR/);
    expect(() => p256GetPublicKey(n2b(n, 32))).toThrow(/E_SCALAR/);
  });
});
