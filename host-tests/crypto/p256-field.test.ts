// Field arithmetic of bignum-limbs.ts against plain BigInt math: P-256 p (Solinas
// path), P-256 n, secp256k1 p/n, secp160k1 p/n (generic path), on both the pure-JS
// and the E.convolve path (with a JS model of E.convolve's exact semantics).
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { describe, it, expect, afterEach } from 'vitest';
import {
  makeField, fmul, fadd, fsub, fcanon, finv, fsqrt, fromBytes, toBytes, limbWatch, Field,
} from '../../firmware/crypto/bignum-limbs.ts';
import { work } from '../../firmware/crypto/work-counters.ts';

/** Espruino's E.convolve (src/jswrap_espruino.c): sum over arr1 of arr1[i]*arr2[(i+offset) % arr2.length]. */
function convolveModel(a: Float64Array, b: Float64Array, offset: number): number {
  var L = b.length, off = offset % L, s = 0;
  if (off < 0) off += L;
  for (var i = 0; i < a.length; i++) s += a[i] * b[(i + off) % L];
  return s;
}

function rng(seed: number) {
  var s = seed >>> 0 || 1;
  return function () {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

function toBig(a: Float64Array): bigint {
  var v = 0n;
  for (var i = a.length - 1; i >= 0; i--) v = v * 65536n + BigInt(a[i]);
  return v;
}
function fromBig(F: Field, v: bigint): Float64Array {
  var a = new Float64Array(F.N);
  for (var i = 0; i < F.N; i++) { a[i] = Number(v & 0xffffn); v >>= 16n; }
  return a;
}
function mod(a: bigint, m: bigint) { return ((a % m) + m) % m; }
function powmod(b: bigint, e: bigint, m: bigint) {
  var r = 1n; b = mod(b, m);
  while (e > 0n) { if (e & 1n) r = (r * b) % m; b = (b * b) % m; e >>= 1n; }
  return r;
}

var MODS: [string, string, boolean][] = [
  ['P-256 p', 'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff', true],
  ['P-256 n', 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', false],
  ['secp256k1 p', 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f', false],
  ['secp256k1 n', 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141', false],
  ['secp160k1 p', 'fffffffffffffffffffffffffffffffeffffac73', false],
  ['secp160k1 n', '0100000000000000000001b8fa16dfab9aca16b6b3', false],
];

afterEach(() => {
  installEngineHooks({});
  limbWatch.on = false;
});

/** random canonical element, with edge values mixed in */
function pick(F: Field, m: bigint, r: () => number, i: number): bigint {
  var edges = [0n, 1n, 2n, m - 1n, m - 2n, (m - 1n) / 2n, (1n << BigInt(F.bits - 1))];
  if (i < edges.length) return edges[i];
  var v = 0n;
  for (var k = 0; k < F.N; k++) v = (v << 16n) | BigInt(r() & 0xffff);
  return mod(v, m);
}

/** random loose input: limbs in ±2^20 (the documented input budget) */
function loose(F: Field, r: () => number): Float64Array {
  var a = new Float64Array(F.N);
  for (var i = 0; i < F.N; i++) a[i] = (r() % (1 << 21)) - (1 << 20);
  return a;
}

for (var mi = 0; mi < MODS.length; mi++) {
  (function (name: string, hex: string, p256: boolean) {
    var m = BigInt('0x' + hex);
    describe('field ' + name, () => {
      for (var useConv of [false, true]) {
        (function (conv: boolean) {
          it('mul/sqr/add/sub/canon vs BigInt (' + (conv ? 'convolve' : 'pure JS') + ' path)', () => {
            if (conv) installEngineHooks({ convolve: convolveModel });
            var F = makeField(hex, p256, false);
            var r = rng(0x1234 + mi);
            var out = new Float64Array(F.N), c = new Float64Array(F.N);
            for (var i = 0; i < 600; i++) {
              var a = pick(F, m, r, i), b = pick(F, m, r, (i * 7) % 600);
              var A = fromBig(F, a), B = fromBig(F, b);
              fmul(F, out, A, B);
              fcanon(F, c, out);
              expect(toBig(c)).toBe((a * b) % m);
              fadd(F, out, A, B);
              fcanon(F, c, out);
              expect(toBig(c)).toBe((a + b) % m);
              fsub(F, out, A, B);
              fcanon(F, c, out);
              expect(toBig(c)).toBe(mod(a - b, m));
              // loose signed inputs at the edge of the budget, and the loose output bound
              var LA = loose(F, r), LB = loose(F, r);
              if (i % 5 === 0) for (var k = 0; k < F.N; k++) { LA[k] = 1 << 20; LB[k] = i % 10 ? -(1 << 20) : 1 << 20; }
              var sa = 0n, sb = 0n;
              for (var k2 = F.N - 1; k2 >= 0; k2--) { sa = sa * 65536n + BigInt(LA[k2]); sb = sb * 65536n + BigInt(LB[k2]); }
              fmul(F, out, LA, LB);
              for (var k3 = 0; k3 < F.N; k3++) expect(Math.abs(out[k3])).toBeLessThanOrEqual(1 << 17);
              fcanon(F, c, out);
              expect(toBig(c)).toBe(mod(sa * sb, m));
              // the same array twice takes the squaring path (136 products on P-256)
              fmul(F, out, LA, LA);
              for (var k4 = 0; k4 < F.N; k4++) expect(Math.abs(out[k4])).toBeLessThanOrEqual(1 << 17);
              fcanon(F, c, out);
              expect(toBig(c)).toBe(mod(sa * sa, m));
              fmul(F, out, A, A);
              fcanon(F, c, out);
              expect(toBig(c)).toBe((a * a) % m);
            }
          });
        })(useConv);
      }

      it('convolve path is bit-identical to the pure path (raw loose limbs, not just residues)', () => {
        var F = makeField(hex, p256, false);
        var r = rng(99 + mi);
        var o1 = new Float64Array(F.N), o2 = new Float64Array(F.N);
        for (var i = 0; i < 500; i++) {
          var A = loose(F, r), B = loose(F, r);
          installEngineHooks({});
          fmul(F, o1, A, B);
          installEngineHooks({ convolve: convolveModel });
          fmul(F, o2, A, B);
          expect(Array.from(o2)).toEqual(Array.from(o1));
          // squares: the pure path's 136-product square equals the convolve product
          installEngineHooks({});
          fmul(F, o1, A, A);
          installEngineHooks({ convolve: convolveModel });
          fmul(F, o2, A, A);
          expect(Array.from(o2)).toEqual(Array.from(o1));
        }
      });

      it('inversion (Fermat) and square root vs BigInt, incl. 0, 1, m−1', () => {
        var F = makeField(hex, p256, true);
        var r = rng(7 + mi);
        var out = new Float64Array(F.N), c = new Float64Array(F.N);
        for (var i = 0; i < 40; i++) {
          var a = pick(F, m, r, i);
          var w0 = work.finv;
          finv(F, out, fromBig(F, a));
          expect(work.finv - w0).toBe(1);
          fcanon(F, c, out);
          expect(toBig(c)).toBe(a === 0n ? 0n : powmod(a, m - 2n, m));
          if (a !== 0n) expect((toBig(c) * a) % m).toBe(1n);
          // sqrt: defined for m ≡ 3 (mod 4) (every curve prime p here); refused otherwise
          if (m % 4n !== 3n) {
            expect(() => fsqrt(F, out, fromBig(F, a))).toThrow(/E_FIELD/);
            continue;
          }
          var ok = fsqrt(F, out, fromBig(F, a));
          var isQr = a === 0n || powmod(a, (m - 1n) / 2n, m) === 1n;
          expect(ok === 1).toBe(isQr);
          if (isQr) {
            fcanon(F, c, out);
            expect((toBig(c) * toBig(c)) % m).toBe(a);
          }
        }
      });

      it('bytes round trip and canonical output of values in [m, 2^(16N))', () => {
        var F = makeField(hex, p256, false);
        var r = rng(3 + mi);
        for (var i = 0; i < 200; i++) {
          var v = 0n;
          for (var k = 0; k < F.N; k++) v = (v << 16n) | BigInt(r() & 0xffff);
          if (i === 0) v = m;
          if (i === 1) v = (1n << BigInt(16 * F.N)) - 1n;
          var A = new Float64Array(F.N);
          var bytes = new Uint8Array(2 * F.N);
          for (var j = 0; j < 2 * F.N; j++) bytes[2 * F.N - 1 - j] = Number((v >> BigInt(8 * j)) & 0xffn);
          fromBytes(F, A, bytes);
          expect(toBig(A)).toBe(v);
          var out = toBytes(F, A);
          expect(out.length).toBe(F.bytes);
          var back = 0n;
          for (var j2 = 0; j2 < out.length; j2++) back = (back << 8n) | BigInt(out[j2]);
          expect(back).toBe(v % m);
        }
      });

      it('counts multiplications only in counted fields', () => {
        var Fc = makeField(hex, p256, true), Fu = makeField(hex, p256, false);
        var A = fromBig(Fc, 5n), o = new Float64Array(Fc.N);
        var w0 = work.fmulP;
        fmul(Fc, o, A, A);
        fmul(Fc, o, A, A);
        expect(work.fmulP - w0).toBe(2);
        fmul(Fu, o, A, A);
        expect(work.fmulP - w0).toBe(2);
      });
    });
  })(MODS[mi][0], MODS[mi][1], MODS[mi][2]);
}
