/**
 * GF(2^255 - 19) arithmetic (firmware/crypto/field25519.ts) against BigInt, for
 * both product implementations: pure JS and the native-convolution variant driven
 * by a JS model of Espruino's E.convolve (src/jswrap_espruino.c:
 * v = 0; for i in arr1: v += arr1[i] * arr2[(i + offset) % arr2.length]).
 * The two must give bit-identical limbs, not just equal values mod p.
 */
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { describe, it, expect, afterEach } from 'vitest';
import {
  fe, feAdd, feSub, feMul, feSqr, feMul121665, feInv, fePow2523, feToBytes, feFromBytes, feCswap, feIsZero, feIsOdd, feEqual, feNeg, Fe, feR, fePrep, feAddR, feSubR, feMulR, feSqrR, feMulA24Add,
} from '../../firmware/crypto/field25519.ts';
import { work } from '../../firmware/crypto/work-counters.ts';

var P = (1n << 255n) - 19n;

/** Espruino's E.convolve, semantics copied from its C source (iterates arr1, wraps arr2). */
export function convolveModel(a1: ArrayLike<number>, a2: ArrayLike<number>, offset: number): number {
  var l = a2.length;
  var off = offset % l;
  if (off < 0) off += l;
  var v = 0;
  for (var i = 0; i < a1.length; i++) {
    v += a1[i] * a2[off];
    off++;
    if (off >= l) off = 0;
  }
  return v;
}

/** Seeded xorshift32: reproducible "random" inputs (seed printed on failure via the test name). */
function rng(seed: number) {
  var s = seed >>> 0 || 1;
  return function () {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

function toBig(a: Fe): bigint {
  var v = 0n;
  for (var i = 15; i >= 0; i--) v = v * 65536n + BigInt(a[i]);
  return v;
}
function mod(v: bigint): bigint {
  var r = v % P;
  return r < 0n ? r + P : r;
}
function bytesOf(v: bigint): Uint8Array {
  var b = new Uint8Array(32);
  for (var i = 0; i < 32; i++) { b[i] = Number(v & 255n); v >>= 8n; }
  return b;
}
function bigOfBytes(b: Uint8Array): bigint {
  var v = 0n;
  for (var i = 31; i >= 0; i--) v = v * 256n + BigInt(b[i]);
  return v;
}
function powmod(b: bigint, e: bigint): bigint {
  var r = 1n; b = mod(b);
  while (e > 0n) { if (e & 1n) r = (r * b) % P; b = (b * b) % P; e >>= 1n; }
  return r;
}
function feOf(v: bigint): Fe {
  var o = fe();
  feFromBytes(o, bytesOf(v));
  return o;
}

/** Edge values (as 255-bit byte strings): 0, 1, p-1, p, p+1, 2^255-1 (non-canonical), 2^k, 19... */
var EDGES: bigint[] = [0n, 1n, 2n, 19n, 38n, P - 1n, P, P + 1n, P + 18n, (1n << 255n) - 1n, (1n << 254n), (1n << 128n) - 1n, 121665n, 65535n, 65536n];

/** A random value < 2^255, sometimes with runs of 0x00/0xff bytes (carry edge cases). */
function randomBig(r: () => number): bigint {
  var b = new Uint8Array(32);
  var mode = r() % 4;
  for (var i = 0; i < 32; i++) b[i] = mode === 1 ? (r() % 3 ? 255 : r() & 255) : mode === 2 ? (r() % 3 ? 0 : r() & 255) : r() & 255;
  b[31] &= 127;
  return bigOfBytes(b);
}

afterEach(function () { installEngineHooks({}); });

function bothModes(name: string, body: () => void) {
  it(name + ' (pure JS)', function () { installEngineHooks({}); body(); });
  it(name + ' (E.convolve model)', function () { installEngineHooks({ convolve: convolveModel }); body(); });
}

describe('field25519', function () {
  bothModes('mul, sqr, add, sub, mul121665 match BigInt on edge and 1500 random inputs', function () {
    var r = rng(0x25519);
    var vals = EDGES.slice();
    for (var i = 0; i < 1500; i++) vals.push(randomBig(r));
    var o = fe(), o2 = fe(), bytes = new Uint8Array(32);
    var n = 0;
    for (i = 0; i < vals.length; i++) {
      var x = vals[i], y = vals[(i * 7 + 3) % vals.length];
      var a = feOf(x), b = feOf(y);
      // sums/differences of canonical inputs are the ladder's mul inputs: multiply those too
      var s = fe(), d = fe();
      feAdd(s, a, b);
      feSub(d, a, b);
      feMul(o, s, d);
      feToBytes(bytes, o);
      expect(bigOfBytes(bytes)).toBe(mod((x + y) * (x - y)));
      feMul(o, a, b);
      feToBytes(bytes, o);
      expect(bigOfBytes(bytes)).toBe(mod(x * y));
      feSqr(o2, d);
      feToBytes(bytes, o2);
      expect(bigOfBytes(bytes)).toBe(mod((x - y) * (x - y)));
      feMul121665(o2, s);
      feToBytes(bytes, o2);
      expect(bigOfBytes(bytes)).toBe(mod((x + y) * 121665n));
      feMulA24Add(o2, d, s);
      feToBytes(bytes, o2);
      expect(bigOfBytes(bytes)).toBe(mod((x - y) * 121665n + x + y));
      // results stay small enough to feed the next product (balanced limbs)
      for (var k = 0; k < 16; k++) expect(Math.abs(o[k])).toBeLessThanOrEqual(k === 1 ? 1 << 17 : 1 << 15);
      n++;
    }
    expect(n).toBe(vals.length);
  });

  it('pure JS and E.convolve variants give identical limbs (2000 random products and squares)', function () {
    var r = rng(77);
    var o1 = fe(), o2 = fe();
    for (var i = 0; i < 2000; i++) {
      var a = fe(), b = fe();
      // raw limbs up to +-2^17 (what sums of carried values look like), signs mixed
      for (var k = 0; k < 16; k++) {
        a[k] = (r() % 262145) - 131072;
        b[k] = (r() % 262145) - 131072;
      }
      installEngineHooks({});
      if (i & 1) feSqr(o1, a); else feMul(o1, a, b);
      installEngineHooks({ convolve: convolveModel });
      if (i & 1) feSqr(o2, a); else feMul(o2, a, b);
      for (k = 0; k < 16; k++) expect(o2[k]).toBe(o1[k]);
      expect(mod(toBig(o1))).toBe(mod(i & 1 ? toBig(a) * toBig(a) : toBig(a) * toBig(b)));
    }
  });

  bothModes('in-place products (o aliases a or b)', function () {
    var r = rng(5);
    for (var i = 0; i < 200; i++) {
      var x = randomBig(r), y = randomBig(r);
      var a = feOf(x), b = feOf(y), bytes = new Uint8Array(32);
      feMul(a, a, b);
      feToBytes(bytes, a);
      expect(bigOfBytes(bytes)).toBe(mod(x * y));
      feMul(b, a, b);
      feToBytes(bytes, b);
      expect(bigOfBytes(bytes)).toBe(mod(x * y * y));
      feSqr(b, b);
      feToBytes(bytes, b);
      expect(bigOfBytes(bytes)).toBe(mod(x * y * y * x * y * y));
    }
  });

  bothModes('prepared operands: fePrep, feAddR, feSubR, feMulR, feSqrR (incl. o aliasing a) match BigInt', function () {
    var r = rng(0xfe5);
    var o = fe(), s = fe(), d = fe(), rb = feR(), rs = feR(), rd = feR(), bytes = new Uint8Array(32);
    for (var i = 0; i < 400; i++) {
      var x = i < EDGES.length ? EDGES[i] : randomBig(r), y = randomBig(r);
      var a = feOf(x), b = feOf(y);
      fePrep(rb, b);
      feMulR(o, a, rb);
      feToBytes(bytes, o);
      expect(bigOfBytes(bytes)).toBe(mod(x * y));
      feAddR(s, rs, a, b);
      feToBytes(bytes, s);
      expect(bigOfBytes(bytes)).toBe(mod(x + y));
      feSqrR(o, s, rs);
      feToBytes(bytes, o);
      expect(bigOfBytes(bytes)).toBe(mod((x + y) * (x + y)));
      feSubR(d, rd, a, b);
      feMulR(d, d, rs); // o aliases a
      feToBytes(bytes, d);
      expect(bigOfBytes(bytes)).toBe(mod((x - y) * (x + y)));
      feSubR(d, rd, a, b);
      feMulR(o, s, rd);
      feToBytes(bytes, o);
      expect(bigOfBytes(bytes)).toBe(mod((x - y) * (x + y)));
    }
  });

  bothModes('inversion and (p-5)/8 power on edge and random inputs', function () {
    var r = rng(99);
    var vals = EDGES.concat([randomBig(r), randomBig(r), randomBig(r), randomBig(r), randomBig(r)]);
    var o = fe(), bytes = new Uint8Array(32);
    for (var i = 0; i < vals.length; i++) {
      var a = feOf(vals[i]);
      feInv(o, a);
      feToBytes(bytes, o);
      expect(bigOfBytes(bytes)).toBe(mod(vals[i]) === 0n ? 0n : powmod(vals[i], P - 2n));
      fePow2523(o, a);
      feToBytes(bytes, o);
      expect(bigOfBytes(bytes)).toBe(powmod(vals[i], (P - 5n) / 8n));
    }
  });

  it('feToBytes is canonical for every limb pattern near p and 2^256', function () {
    var r = rng(3);
    var bytes = new Uint8Array(32);
    for (var i = 0; i < 3000; i++) {
      var a = fe();
      var kind = i % 3;
      for (var k = 0; k < 16; k++) {
        a[k] = kind === 0 ? (r() % 131073) - 65536 : kind === 1 ? 65535 - (r() % 3) : -(r() % 70000);
      }
      if (i % 5 === 0) a[0] = 65517 + (r() % 40);
      feToBytes(bytes, a);
      var v = bigOfBytes(bytes);
      expect(v < P).toBe(true);
      expect(v).toBe(mod(toBig(a)));
    }
    // exact edge cases: p, p-1, 2^255 - 1, 2^256 - 1 (limbs all 0xffff), -1
    var cases: [Fe, bigint][] = [];
    var pl = fe(); pl.set([0xffed, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0x7fff]);
    cases.push([pl, 0n]);
    var pm1 = fe(); pm1.set(pl); pm1[0] -= 1; cases.push([pm1, P - 1n]);
    var all = fe(); for (k = 0; k < 16; k++) all[k] = 0xffff; cases.push([all, mod((1n << 256n) - 1n)]);
    var m1 = fe(); m1[0] = -1; cases.push([m1, P - 1n]);
    for (i = 0; i < cases.length; i++) {
      feToBytes(bytes, cases[i][0]);
      expect(bigOfBytes(bytes)).toBe(cases[i][1]);
    }
  });

  it('predicates, negation and constant-time swap', function () {
    expect(feIsZero(feOf(0n))).toBe(1);
    expect(feIsZero(feOf(P))).toBe(1);
    expect(feIsZero(feOf(1n))).toBe(0);
    expect(feIsOdd(feOf(P + 1n))).toBe(1);
    expect(feIsOdd(feOf(P + 2n))).toBe(0);
    expect(feIsOdd(feOf(P - 1n))).toBe(0);
    expect(feEqual(feOf(P + 5n), feOf(5n))).toBe(1);
    expect(feEqual(feOf(6n), feOf(5n))).toBe(0);
    var n = fe(), bytes = new Uint8Array(32);
    feNeg(n, feOf(5n));
    feToBytes(bytes, n);
    expect(bigOfBytes(bytes)).toBe(P - 5n);
    var a = feOf(123456789n), b = feOf(P - 3n);
    feCswap(a, b, 0);
    expect(toBig(a)).toBe(123456789n);
    feCswap(a, b, 1);
    expect(toBig(a)).toBe(P - 3n);
    expect(toBig(b)).toBe(123456789n);
  });

  bothModes('work.fmul25519 counts each product and square once, inversion = 265', function () {
    var a = feOf(7n), o = fe();
    var w0 = work.fmul25519;
    feMul(o, a, a);
    feSqr(o, a);
    expect(work.fmul25519 - w0).toBe(2);
    w0 = work.fmul25519;
    feInv(o, a);
    expect(work.fmul25519 - w0).toBe(265);
  });
});
