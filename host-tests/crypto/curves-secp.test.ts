// The same curve-generic code on secp256k1 (a = 0, generic reduction) and secp160k1
// (160-bit p, 161-bit n: 10- and 11-limb fields, 21-byte scalars), against
// @noble/curves (secp256k1 export; the generic weierstrass()/ecdsa() constructors
// for secp160k1) and plain BigInt checks of the curve data.
import { describe, it, expect } from 'vitest';
import { secp256k1 as k1 } from '@noble/curves/secp256k1.js';
import { weierstrass, ecdsa } from '@noble/curves/abstract/weierstrass.js';
import { sha256 as nsha256 } from '@noble/hashes/sha2.js';
import { SECP256K1_PARAMS, SECP160K1_PARAMS, P256_PARAMS, CurveParams } from '../../firmware/crypto/curve-params.ts';
import {
  makeCurve, mulCT, mulBaseCT, decodePoint, encodePoint, keyGen, getPublicKey, ecdh, addPublic, mulDoubleVar, Curve,
} from '../../firmware/crypto/weierstrass.ts';
import { ecdsaSignHash, ecdsaVerifyHash } from '../../firmware/crypto/ecdsa.ts';
import { work } from '../../firmware/crypto/work-counters.ts';
import { toHex } from '../../firmware/bytes/bytes.ts';

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
function big(h: string) { return BigInt('0x' + h); }

var secp160k1Point = weierstrass({
  p: big(SECP160K1_PARAMS.p), n: big(SECP160K1_PARAMS.n), h: 1n,
  a: big(SECP160K1_PARAMS.a), b: big(SECP160K1_PARAMS.b), Gx: big(SECP160K1_PARAMS.gx), Gy: big(SECP160K1_PARAMS.gy),
});
var secp160k1 = ecdsa(secp160k1Point, nsha256);

describe('curve data (plain BigInt)', () => {
  for (var P of [P256_PARAMS, SECP256K1_PARAMS, SECP160K1_PARAMS]) {
    (function (P: CurveParams) {
      it(P.name + ': G on the curve, p ≡ 3 mod 4, a flags consistent, n·G = O', () => {
        var p = big(P.p), a = big(P.a), b = big(P.b), x = big(P.gx), y = big(P.gy);
        expect((y * y - (x * x * x + a * x + b)) % p).toBe(0n);
        expect(p % 4n).toBe(3n);
        expect(P.a3).toBe(a === p - 3n);
        expect(P.a0).toBe(a === 0n);
        var C = makeCurve(P);
        // (n−1)·G = −G, and G + (−G) = O
        var nm1 = mulCT(C, n2b(big(P.n) - 1n, C.nB), C.G);
        expect(Array.from(nm1.x)).toEqual(Array.from(C.G.x));
        expect(addPublic(C, nm1, C.G)).toBeNull();
      });
    })(P);
  }
});

function suite(name: string, C: Curve, oracle: {
  pub: (priv: Uint8Array, comp: boolean) => Uint8Array;
  mul: (k: bigint, pt: Uint8Array) => Uint8Array;
  shared: (priv: Uint8Array, pub: Uint8Array) => Uint8Array;
  sign: (msg: Uint8Array, priv: Uint8Array) => Uint8Array;
  verify: (sig: Uint8Array, msg: Uint8Array, pub: Uint8Array) => boolean;
}, count: number) {
  var n = b2n(C.nBytes);
  describe(name + ' vs noble', () => {
    it('base and variable-base multiplication, special and random scalars', () => {
      var r = rng(61 + C.nB);
      var ks = [1n, 2n, 3n, 16n, n - 1n, n - 2n, n >> 1n];
      for (var i = 0; i < count; i++) ks.push((b2n(randBytes(r, C.nB)) % (n - 1n)) + 1n);
      var Q = oracle.pub(n2b(12345n, C.nB), false);
      var Qa = decodePoint(C, Q);
      for (var k of ks) {
        var kb = n2b(k, C.nB);
        expect(toHex(encodePoint(C, mulBaseCT(C, kb), false))).toBe(toHex(oracle.pub(kb, false)));
        expect(toHex(encodePoint(C, mulCT(C, kb, Qa), false))).toBe(toHex(oracle.mul(k, Q)));
      }
    });
    it('constant-time counts: same fmulP for sparse, dense and near-n scalars', () => {
      var ks = [1n, n - 1n, n - 2n, (1n << BigInt(C.nBits - 1)), (1n << BigInt(C.nBits - 1)) - 1n];
      var counts = ks.map(function (k) {
        var m0 = work.fmulP;
        mulCT(C, n2b(k, C.nB), C.G);
        var m1 = work.fmulP;
        mulBaseCT(C, n2b(k, C.nB));
        return [m1 - m0, work.fmulP - m1];
      });
      for (var c of counts) expect(c).toEqual(counts[0]);
    });
    it('keys, compressed round trip, ECDH', () => {
      var r = rng(62 + C.nB);
      for (var i = 0; i < count; i++) {
        var kp = keyGen(C, function (len) { return randBytes(r, len); }, i % 2 === 0);
        expect(toHex(kp.pub)).toBe(toHex(oracle.pub(kp.priv, i % 2 === 0)));
        var other = n2b((b2n(randBytes(r, C.nB)) % (n - 1n)) + 1n, C.nB);
        var op = oracle.pub(other, i % 2 === 1);
        var s = ecdh(C, kp.priv, op);
        expect(s.length).toBe(C.pB);
        expect(toHex(s)).toBe(toHex(oracle.shared(kp.priv, op)));
        expect(toHex(ecdh(C, other, kp.pub))).toBe(toHex(s));
      }
    });
    it('ECDSA: RFC 6979 signatures bit-identical to noble, verify both ways', () => {
      var r = rng(63 + C.nB);
      for (var i = 0; i < count; i++) {
        var priv = n2b((b2n(randBytes(r, C.nB)) % (n - 1n)) + 1n, C.nB);
        var msg = randBytes(r, 20);
        var sig = ecdsaSignHash(C, nsha256(msg), priv);
        expect(toHex(sig)).toBe(toHex(oracle.sign(msg, priv)));
        var pub = getPublicKey(C, priv, i % 2 === 0);
        expect(oracle.verify(sig, msg, pub)).toBe(true);
        expect(ecdsaVerifyHash(C, sig, nsha256(msg), pub)).toBe(true);
        msg[0] ^= 1;
        expect(ecdsaVerifyHash(C, sig, nsha256(msg), pub)).toBe(false);
      }
    });
    it('u1·G + u2·Q with cancellation', () => {
      var Qa = decodePoint(C, oracle.pub(n2b(3n, C.nB), false));
      expect(mulDoubleVar(C, n2b(3n, C.nB), n2b(n - 1n, C.nB), Qa)).toBeNull();
      var R = mulDoubleVar(C, n2b(3n, C.nB), n2b(1n, C.nB), Qa);
      expect(toHex(encodePoint(C, R!, false))).toBe(toHex(oracle.pub(n2b(6n, C.nB), false)));
    });
    it('off-curve and oversize points are rejected', () => {
      var G = oracle.pub(n2b(1n, C.nB), false);
      var bad = G.slice(); bad[bad.length - 1] ^= 1;
      expect(() => decodePoint(C, bad)).toThrow(/E_POINT/);
      var big2 = G.slice(); for (var i = 1; i <= C.pB; i++) big2[i] = 255;
      expect(() => decodePoint(C, big2)).toThrow(/E_POINT/);
      expect(() => ecdh(C, n2b(5n, C.nB), bad)).toThrow(/E_POINT/);
    });
  });
}

suite('secp256k1', makeCurve(SECP256K1_PARAMS), {
  pub: function (priv, comp) { return k1.getPublicKey(priv, comp); },
  mul: function (k, pt) { return k1.Point.fromBytes(pt).multiply(k).toBytes(false); },
  shared: function (priv, pub) { return k1.getSharedSecret(priv, pub, true).subarray(1); },
  sign: function (msg, priv) { return k1.sign(msg, priv); },
  verify: function (sig, msg, pub) { return k1.verify(sig, msg, pub); },
}, 60);

suite('secp160k1', makeCurve(SECP160K1_PARAMS), {
  pub: function (priv, comp) { return secp160k1.getPublicKey(priv, comp); },
  mul: function (k, pt) { return secp160k1Point.fromBytes(pt).multiply(k).toBytes(false); },
  shared: function (priv, pub) { return secp160k1.getSharedSecret(priv, pub, true).subarray(1); },
  sign: function (msg, priv) { return secp160k1.sign(msg, priv); },
  verify: function (sig, msg, pub) { return secp160k1.verify(sig, msg, pub); },
}, 60);
