/**
 * Arithmetic in GF(2^255 - 19), the field of Curve25519 and Ed25519
 * (RFC 7748 §4.1 and §5; RFC 8032 §5.1). No BigInt: it must run on Espruino,
 * JerryScript and Duktape (docs/firmware-rules.md).
 *
 * Representation: a Float64Array of 16 signed limbs, value = sum a[i] * 2^(16 i).
 * Limbs are integers held in doubles, so every product of two limbs and every sum
 * of 16 such products is exact (< 2^53) as long as the inputs' limbs stay below
 * about 2^18 in magnitude. The results of the products and of feMul121665 /
 * feMulA24Add are carried to
 * "balanced" limbs in [-2^15, 2^15] (limb 1 may reach about 2^16.5); feAdd/feSub
 * do not carry: a sum or difference of two carried values is a valid input for a
 * product (bound analysis: 16 * 38 * 2^18 * 2^18 < 2^46).
 *
 * Why balanced limbs: rounding to the nearest multiple of 2^16 costs two additions
 * with no function call, `h = c + K - K` with K = 3 * 2^67 (every double in
 * [2^68, 2^69) is a multiple of 2^16, so c + K rounds c to one). Math.floor would
 * cost a native call per limb on Espruino, where each JS operation is expensive.
 * The trick needs IEEE doubles with round-to-nearest, which all targets have
 * (ESP32 soft-float included); K need not parse exactly, only land in that binade.
 *
 * Reduction: 2^256 = 38 (mod p), so the product is a cyclic convolution of the
 * limb vectors with the wrapped terms (i + j >= 16) weighted by 38.
 *
 * Two implementations of the product, chosen at run time:
 *   - pure JS (default): unrolled sums over 32 locals (fast on Duktape, JerryScript, Node);
 *   - accelerated: installConvolve25519(fn) with Espruino's native dot product
 *     E.convolve(arr1, arr2, offset) = sum_i arr1[i] * arr2[(i + offset) % arr2.length]
 *     (Espruino src/jswrap_espruino.c), one native call per output limb.
 * Both give bit-identical limbs (host-tests/crypto/field25519.test.ts proves it with a
 * JS model of E.convolve).
 *
 * The unrolled bodies (the 16 sums, the carry chain, the 16-limb copies) were
 * written out by a script from the formulas in the comments; each line k is
 * c_k = sum_{i<=k} a_i b_{k-i} + 38 sum_{i>k} a_i b_{k+16-i}. Hot native-path
 * functions start with Espruino's "ram" directive (pretokenised in RAM, measured
 * ~6% faster there; a plain string statement elsewhere).
 *
 * Every product or square bumps work.fmul25519 once (the power model's unit).
 */
import { onEngineHooks } from './engine-hooks.ts';
import { work } from './work-counters.ts';

/** A field element: 16 signed limbs of 16 bits (see the file comment). */
export type Fe = Float64Array;

export function fe(): Fe {
  return new Float64Array(16);
}

/** A field element from a small non-negative integer (< 2^16). */
export function feSmall(n: number): Fe {
  var o = new Float64Array(16);
  o[0] = n;
  return o;
}

export function feCopy(o: Fe, a: Fe): void {
  o.set(a);
}

/** o = a + b, not carried. */
export function feAdd(o: Fe, a: Fe, b: Fe): void {
  o[0] = a[0] + b[0];
  o[1] = a[1] + b[1];
  o[2] = a[2] + b[2];
  o[3] = a[3] + b[3];
  o[4] = a[4] + b[4];
  o[5] = a[5] + b[5];
  o[6] = a[6] + b[6];
  o[7] = a[7] + b[7];
  o[8] = a[8] + b[8];
  o[9] = a[9] + b[9];
  o[10] = a[10] + b[10];
  o[11] = a[11] + b[11];
  o[12] = a[12] + b[12];
  o[13] = a[13] + b[13];
  o[14] = a[14] + b[14];
  o[15] = a[15] + b[15];
}

/** o = a - b, not carried. */
export function feSub(o: Fe, a: Fe, b: Fe): void {
  o[0] = a[0] - b[0];
  o[1] = a[1] - b[1];
  o[2] = a[2] - b[2];
  o[3] = a[3] - b[3];
  o[4] = a[4] - b[4];
  o[5] = a[5] - b[5];
  o[6] = a[6] - b[6];
  o[7] = a[7] - b[7];
  o[8] = a[8] - b[8];
  o[9] = a[9] - b[9];
  o[10] = a[10] - b[10];
  o[11] = a[11] - b[11];
  o[12] = a[12] - b[12];
  o[13] = a[13] - b[13];
  o[14] = a[14] - b[14];
  o[15] = a[15] - b[15];
}

/** Pure-JS product: the 16 cyclic sums, then one balanced carry chain. */
function feMulJs(o: Fe, a: Fe, b: Fe): void {
  work.fmul25519++;
  var a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7], a8 = a[8], a9 = a[9], a10 = a[10], a11 = a[11], a12 = a[12], a13 = a[13], a14 = a[14], a15 = a[15];
  var b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4], b5 = b[5], b6 = b[6], b7 = b[7], b8 = b[8], b9 = b[9], b10 = b[10], b11 = b[11], b12 = b[12], b13 = b[13], b14 = b[14], b15 = b[15];
  var c0 = a0*b0 + 38 * (a1*b15 + a2*b14 + a3*b13 + a4*b12 + a5*b11 + a6*b10 + a7*b9 + a8*b8 + a9*b7 + a10*b6 + a11*b5 + a12*b4 + a13*b3 + a14*b2 + a15*b1);
  var c1 = a0*b1 + a1*b0 + 38 * (a2*b15 + a3*b14 + a4*b13 + a5*b12 + a6*b11 + a7*b10 + a8*b9 + a9*b8 + a10*b7 + a11*b6 + a12*b5 + a13*b4 + a14*b3 + a15*b2);
  var c2 = a0*b2 + a1*b1 + a2*b0 + 38 * (a3*b15 + a4*b14 + a5*b13 + a6*b12 + a7*b11 + a8*b10 + a9*b9 + a10*b8 + a11*b7 + a12*b6 + a13*b5 + a14*b4 + a15*b3);
  var c3 = a0*b3 + a1*b2 + a2*b1 + a3*b0 + 38 * (a4*b15 + a5*b14 + a6*b13 + a7*b12 + a8*b11 + a9*b10 + a10*b9 + a11*b8 + a12*b7 + a13*b6 + a14*b5 + a15*b4);
  var c4 = a0*b4 + a1*b3 + a2*b2 + a3*b1 + a4*b0 + 38 * (a5*b15 + a6*b14 + a7*b13 + a8*b12 + a9*b11 + a10*b10 + a11*b9 + a12*b8 + a13*b7 + a14*b6 + a15*b5);
  var c5 = a0*b5 + a1*b4 + a2*b3 + a3*b2 + a4*b1 + a5*b0 + 38 * (a6*b15 + a7*b14 + a8*b13 + a9*b12 + a10*b11 + a11*b10 + a12*b9 + a13*b8 + a14*b7 + a15*b6);
  var c6 = a0*b6 + a1*b5 + a2*b4 + a3*b3 + a4*b2 + a5*b1 + a6*b0 + 38 * (a7*b15 + a8*b14 + a9*b13 + a10*b12 + a11*b11 + a12*b10 + a13*b9 + a14*b8 + a15*b7);
  var c7 = a0*b7 + a1*b6 + a2*b5 + a3*b4 + a4*b3 + a5*b2 + a6*b1 + a7*b0 + 38 * (a8*b15 + a9*b14 + a10*b13 + a11*b12 + a12*b11 + a13*b10 + a14*b9 + a15*b8);
  var c8 = a0*b8 + a1*b7 + a2*b6 + a3*b5 + a4*b4 + a5*b3 + a6*b2 + a7*b1 + a8*b0 + 38 * (a9*b15 + a10*b14 + a11*b13 + a12*b12 + a13*b11 + a14*b10 + a15*b9);
  var c9 = a0*b9 + a1*b8 + a2*b7 + a3*b6 + a4*b5 + a5*b4 + a6*b3 + a7*b2 + a8*b1 + a9*b0 + 38 * (a10*b15 + a11*b14 + a12*b13 + a13*b12 + a14*b11 + a15*b10);
  var c10 = a0*b10 + a1*b9 + a2*b8 + a3*b7 + a4*b6 + a5*b5 + a6*b4 + a7*b3 + a8*b2 + a9*b1 + a10*b0 + 38 * (a11*b15 + a12*b14 + a13*b13 + a14*b12 + a15*b11);
  var c11 = a0*b11 + a1*b10 + a2*b9 + a3*b8 + a4*b7 + a5*b6 + a6*b5 + a7*b4 + a8*b3 + a9*b2 + a10*b1 + a11*b0 + 38 * (a12*b15 + a13*b14 + a14*b13 + a15*b12);
  var c12 = a0*b12 + a1*b11 + a2*b10 + a3*b9 + a4*b8 + a5*b7 + a6*b6 + a7*b5 + a8*b4 + a9*b3 + a10*b2 + a11*b1 + a12*b0 + 38 * (a13*b15 + a14*b14 + a15*b13);
  var c13 = a0*b13 + a1*b12 + a2*b11 + a3*b10 + a4*b9 + a5*b8 + a6*b7 + a7*b6 + a8*b5 + a9*b4 + a10*b3 + a11*b2 + a12*b1 + a13*b0 + 38 * (a14*b15 + a15*b14);
  var c14 = a0*b14 + a1*b13 + a2*b12 + a3*b11 + a4*b10 + a5*b9 + a6*b8 + a7*b7 + a8*b6 + a9*b5 + a10*b4 + a11*b3 + a12*b2 + a13*b1 + a14*b0 + 38 * (a15*b15);
  var c15 = a0*b15 + a1*b14 + a2*b13 + a3*b12 + a4*b11 + a5*b10 + a6*b9 + a7*b8 + a8*b7 + a9*b6 + a10*b5 + a11*b4 + a12*b3 + a13*b2 + a14*b1 + a15*b0;
  var c, h; o[0] = c0 - (h = c0 + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[1] = (c = c1 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[2] = (c = c2 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[3] = (c = c3 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[4] = (c = c4 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[5] = (c = c5 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[6] = (c = c6 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[7] = (c = c7 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[8] = (c = c8 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[9] = (c = c9 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[10] = (c = c10 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[11] = (c = c11 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[12] = (c = c12 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[13] = (c = c13 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[14] = (c = c14 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[15] = (c = c15 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[0] = (c = o[0] + h * 38 / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20); o[1] += h / 65536;
}

/** Pure-JS square: each cross product once, doubled through d = 2a (136 products, not 256). */
function feSqrJs(o: Fe, a: Fe): void {
  work.fmul25519++;
  var a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7], a8 = a[8], a9 = a[9], a10 = a[10], a11 = a[11], a12 = a[12], a13 = a[13], a14 = a[14], a15 = a[15];
  var d0 = 2 * a0, d1 = 2 * a1, d2 = 2 * a2, d3 = 2 * a3, d4 = 2 * a4, d5 = 2 * a5, d6 = 2 * a6, d7 = 2 * a7, d8 = 2 * a8, d9 = 2 * a9, d10 = 2 * a10, d11 = 2 * a11, d12 = 2 * a12, d13 = 2 * a13, d14 = 2 * a14;
  var c0 = a0*a0 + 38 * (d1*a15 + d2*a14 + d3*a13 + d4*a12 + d5*a11 + d6*a10 + d7*a9 + a8*a8);
  var c1 = d0*a1 + 38 * (d2*a15 + d3*a14 + d4*a13 + d5*a12 + d6*a11 + d7*a10 + d8*a9);
  var c2 = d0*a2 + a1*a1 + 38 * (d3*a15 + d4*a14 + d5*a13 + d6*a12 + d7*a11 + d8*a10 + a9*a9);
  var c3 = d0*a3 + d1*a2 + 38 * (d4*a15 + d5*a14 + d6*a13 + d7*a12 + d8*a11 + d9*a10);
  var c4 = d0*a4 + d1*a3 + a2*a2 + 38 * (d5*a15 + d6*a14 + d7*a13 + d8*a12 + d9*a11 + a10*a10);
  var c5 = d0*a5 + d1*a4 + d2*a3 + 38 * (d6*a15 + d7*a14 + d8*a13 + d9*a12 + d10*a11);
  var c6 = d0*a6 + d1*a5 + d2*a4 + a3*a3 + 38 * (d7*a15 + d8*a14 + d9*a13 + d10*a12 + a11*a11);
  var c7 = d0*a7 + d1*a6 + d2*a5 + d3*a4 + 38 * (d8*a15 + d9*a14 + d10*a13 + d11*a12);
  var c8 = d0*a8 + d1*a7 + d2*a6 + d3*a5 + a4*a4 + 38 * (d9*a15 + d10*a14 + d11*a13 + a12*a12);
  var c9 = d0*a9 + d1*a8 + d2*a7 + d3*a6 + d4*a5 + 38 * (d10*a15 + d11*a14 + d12*a13);
  var c10 = d0*a10 + d1*a9 + d2*a8 + d3*a7 + d4*a6 + a5*a5 + 38 * (d11*a15 + d12*a14 + a13*a13);
  var c11 = d0*a11 + d1*a10 + d2*a9 + d3*a8 + d4*a7 + d5*a6 + 38 * (d12*a15 + d13*a14);
  var c12 = d0*a12 + d1*a11 + d2*a10 + d3*a9 + d4*a8 + d5*a7 + a6*a6 + 38 * (d13*a15 + a14*a14);
  var c13 = d0*a13 + d1*a12 + d2*a11 + d3*a10 + d4*a9 + d5*a8 + d6*a7 + 38 * (d14*a15);
  var c14 = d0*a14 + d1*a13 + d2*a12 + d3*a11 + d4*a10 + d5*a9 + d6*a8 + a7*a7 + 38 * (a15*a15);
  var c15 = d0*a15 + d1*a14 + d2*a13 + d3*a12 + d4*a11 + d5*a10 + d6*a9 + d7*a8;
  var c, h; o[0] = c0 - (h = c0 + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[1] = (c = c1 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[2] = (c = c2 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[3] = (c = c3 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[4] = (c = c4 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[5] = (c = c5 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[6] = (c = c6 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[7] = (c = c7 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[8] = (c = c8 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[9] = (c = c9 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[10] = (c = c10 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[11] = (c = c11 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[12] = (c = c12 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[13] = (c = c13 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[14] = (c = c14 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[15] = (c = c15 + h / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20);
  o[0] = (c = o[0] + h * 38 / 65536) - (h = c + 4.4272185776902924e20 - 4.4272185776902924e20); o[1] += h / 65536;
}

/**
 * The native dot product and its operand buffer. R holds b reversed, then 38*b
 * reversed: R[15 - j] = b[j], R[31 - j] = 38 b[j]. Then
 *   convolve(a, R, 15 - k) = sum_{i<=k} a[i] b[k-i] + 38 sum_{i>k} a[i] b[k+16-i] = c_k
 * with indices 15 - k + i <= 30, so the native never wraps around R.
 */
var CV: ((a: Float64Array, b: Float64Array, off: number) => number) | null = null;
var R = new Float64Array(32);
/**
 * Output scratch: the products call the native for limb k+1 after writing limb k,
 * so they write here and copy to o at the end (o may alias a). Each limb is one
 * statement, t[k] = (c = dot + carry) - (h = c + K - K), relying on JavaScript's
 * left-to-right evaluation: ~20% faster on Espruino than three statements.
 */
var T = new Float64Array(16);
/** 3 * 2^67, computed so no engine has to parse a long literal exactly. */
var KR = 3 * 65536 * 65536 * 65536 * 65536 * 8;
var IR = 1 / 65536;
var JR = 38 / 65536;

function feMulCv(o: Fe, a: Fe, b: Fe): void {
  'ram';
  work.fmul25519++;
  var r = R, v = CV as (a: Float64Array, b: Float64Array, off: number) => number, K = KR, I = IR, J = JR;
  r[31] = 38 * (r[15] = b[0]);
  r[30] = 38 * (r[14] = b[1]);
  r[29] = 38 * (r[13] = b[2]);
  r[28] = 38 * (r[12] = b[3]);
  r[27] = 38 * (r[11] = b[4]);
  r[26] = 38 * (r[10] = b[5]);
  r[25] = 38 * (r[9] = b[6]);
  r[24] = 38 * (r[8] = b[7]);
  r[23] = 38 * (r[7] = b[8]);
  r[22] = 38 * (r[6] = b[9]);
  r[21] = 38 * (r[5] = b[10]);
  r[20] = 38 * (r[4] = b[11]);
  r[19] = 38 * (r[3] = b[12]);
  r[18] = 38 * (r[2] = b[13]);
  r[17] = 38 * (r[1] = b[14]);
  r[16] = 38 * (r[0] = b[15]);
  var t = T, c = v(a, r, 15), h; t[0] = c - (h = c + K - K);
  t[1] = (c = v(a, r, 14) + h * I) - (h = c + K - K);
  t[2] = (c = v(a, r, 13) + h * I) - (h = c + K - K);
  t[3] = (c = v(a, r, 12) + h * I) - (h = c + K - K);
  t[4] = (c = v(a, r, 11) + h * I) - (h = c + K - K);
  t[5] = (c = v(a, r, 10) + h * I) - (h = c + K - K);
  t[6] = (c = v(a, r, 9) + h * I) - (h = c + K - K);
  t[7] = (c = v(a, r, 8) + h * I) - (h = c + K - K);
  t[8] = (c = v(a, r, 7) + h * I) - (h = c + K - K);
  t[9] = (c = v(a, r, 6) + h * I) - (h = c + K - K);
  t[10] = (c = v(a, r, 5) + h * I) - (h = c + K - K);
  t[11] = (c = v(a, r, 4) + h * I) - (h = c + K - K);
  t[12] = (c = v(a, r, 3) + h * I) - (h = c + K - K);
  t[13] = (c = v(a, r, 2) + h * I) - (h = c + K - K);
  t[14] = (c = v(a, r, 1) + h * I) - (h = c + K - K);
  t[15] = (c = v(a, r, 0) + h * I) - (h = c + K - K);
  t[0] = (c = t[0] + h * J) - (h = c + K - K); t[1] += h * I; o.set(t);
}

function feSqrCv(o: Fe, a: Fe): void {
  'ram';
  work.fmul25519++;
  var r = R, v = CV as (a: Float64Array, b: Float64Array, off: number) => number, K = KR, I = IR, J = JR;
  r[31] = 38 * (r[15] = a[0]);
  r[30] = 38 * (r[14] = a[1]);
  r[29] = 38 * (r[13] = a[2]);
  r[28] = 38 * (r[12] = a[3]);
  r[27] = 38 * (r[11] = a[4]);
  r[26] = 38 * (r[10] = a[5]);
  r[25] = 38 * (r[9] = a[6]);
  r[24] = 38 * (r[8] = a[7]);
  r[23] = 38 * (r[7] = a[8]);
  r[22] = 38 * (r[6] = a[9]);
  r[21] = 38 * (r[5] = a[10]);
  r[20] = 38 * (r[4] = a[11]);
  r[19] = 38 * (r[3] = a[12]);
  r[18] = 38 * (r[2] = a[13]);
  r[17] = 38 * (r[1] = a[14]);
  r[16] = 38 * (r[0] = a[15]);
  var t = T, c = v(a, r, 15), h; t[0] = c - (h = c + K - K);
  t[1] = (c = v(a, r, 14) + h * I) - (h = c + K - K);
  t[2] = (c = v(a, r, 13) + h * I) - (h = c + K - K);
  t[3] = (c = v(a, r, 12) + h * I) - (h = c + K - K);
  t[4] = (c = v(a, r, 11) + h * I) - (h = c + K - K);
  t[5] = (c = v(a, r, 10) + h * I) - (h = c + K - K);
  t[6] = (c = v(a, r, 9) + h * I) - (h = c + K - K);
  t[7] = (c = v(a, r, 8) + h * I) - (h = c + K - K);
  t[8] = (c = v(a, r, 7) + h * I) - (h = c + K - K);
  t[9] = (c = v(a, r, 6) + h * I) - (h = c + K - K);
  t[10] = (c = v(a, r, 5) + h * I) - (h = c + K - K);
  t[11] = (c = v(a, r, 4) + h * I) - (h = c + K - K);
  t[12] = (c = v(a, r, 3) + h * I) - (h = c + K - K);
  t[13] = (c = v(a, r, 2) + h * I) - (h = c + K - K);
  t[14] = (c = v(a, r, 1) + h * I) - (h = c + K - K);
  t[15] = (c = v(a, r, 0) + h * I) - (h = c + K - K);
  t[0] = (c = t[0] + h * J) - (h = c + K - K); t[1] += h * I; o.set(t);
}

/**
 * Prepared operands. A product needs its second operand laid out for the native
 * dot product (R above: reversed, then 38 times reversed). When an operand is
 * used in two products, or is the result of an addition anyway, preparing it
 * once saves a copy per product (the X25519 ladder prepares 6 operands per
 * step instead of 9, and fuses 5 of those with the addition that makes them).
 * Pure-JS mode keeps b itself in r[0..15]. A prepared value belongs to the mode
 * it was made in: install natives at boot, not in the middle of a computation.
 */
export type FeR = Float64Array;

export function feR(): FeR {
  return new Float64Array(32);
}

function fePrepCv(r: FeR, b: Fe): void {
  r[31] = 38 * (r[15] = b[0]);
  r[30] = 38 * (r[14] = b[1]);
  r[29] = 38 * (r[13] = b[2]);
  r[28] = 38 * (r[12] = b[3]);
  r[27] = 38 * (r[11] = b[4]);
  r[26] = 38 * (r[10] = b[5]);
  r[25] = 38 * (r[9] = b[6]);
  r[24] = 38 * (r[8] = b[7]);
  r[23] = 38 * (r[7] = b[8]);
  r[22] = 38 * (r[6] = b[9]);
  r[21] = 38 * (r[5] = b[10]);
  r[20] = 38 * (r[4] = b[11]);
  r[19] = 38 * (r[3] = b[12]);
  r[18] = 38 * (r[2] = b[13]);
  r[17] = 38 * (r[1] = b[14]);
  r[16] = 38 * (r[0] = b[15]);
}
function fePrepJs(r: FeR, b: Fe): void {
  for (var i = 0; i < 16; i++) r[i] = b[i];
}
function feAddRCv(o: Fe, r: FeR, a: Fe, b: Fe): void {
  r[31] = 38 * (r[15] = o[0] = a[0] + b[0]);
  r[30] = 38 * (r[14] = o[1] = a[1] + b[1]);
  r[29] = 38 * (r[13] = o[2] = a[2] + b[2]);
  r[28] = 38 * (r[12] = o[3] = a[3] + b[3]);
  r[27] = 38 * (r[11] = o[4] = a[4] + b[4]);
  r[26] = 38 * (r[10] = o[5] = a[5] + b[5]);
  r[25] = 38 * (r[9] = o[6] = a[6] + b[6]);
  r[24] = 38 * (r[8] = o[7] = a[7] + b[7]);
  r[23] = 38 * (r[7] = o[8] = a[8] + b[8]);
  r[22] = 38 * (r[6] = o[9] = a[9] + b[9]);
  r[21] = 38 * (r[5] = o[10] = a[10] + b[10]);
  r[20] = 38 * (r[4] = o[11] = a[11] + b[11]);
  r[19] = 38 * (r[3] = o[12] = a[12] + b[12]);
  r[18] = 38 * (r[2] = o[13] = a[13] + b[13]);
  r[17] = 38 * (r[1] = o[14] = a[14] + b[14]);
  r[16] = 38 * (r[0] = o[15] = a[15] + b[15]);
}
function feAddRJs(o: Fe, r: FeR, a: Fe, b: Fe): void {
  r[0] = o[0] = a[0] + b[0];
  r[1] = o[1] = a[1] + b[1];
  r[2] = o[2] = a[2] + b[2];
  r[3] = o[3] = a[3] + b[3];
  r[4] = o[4] = a[4] + b[4];
  r[5] = o[5] = a[5] + b[5];
  r[6] = o[6] = a[6] + b[6];
  r[7] = o[7] = a[7] + b[7];
  r[8] = o[8] = a[8] + b[8];
  r[9] = o[9] = a[9] + b[9];
  r[10] = o[10] = a[10] + b[10];
  r[11] = o[11] = a[11] + b[11];
  r[12] = o[12] = a[12] + b[12];
  r[13] = o[13] = a[13] + b[13];
  r[14] = o[14] = a[14] + b[14];
  r[15] = o[15] = a[15] + b[15];
}
function feSubRCv(o: Fe, r: FeR, a: Fe, b: Fe): void {
  r[31] = 38 * (r[15] = o[0] = a[0] - b[0]);
  r[30] = 38 * (r[14] = o[1] = a[1] - b[1]);
  r[29] = 38 * (r[13] = o[2] = a[2] - b[2]);
  r[28] = 38 * (r[12] = o[3] = a[3] - b[3]);
  r[27] = 38 * (r[11] = o[4] = a[4] - b[4]);
  r[26] = 38 * (r[10] = o[5] = a[5] - b[5]);
  r[25] = 38 * (r[9] = o[6] = a[6] - b[6]);
  r[24] = 38 * (r[8] = o[7] = a[7] - b[7]);
  r[23] = 38 * (r[7] = o[8] = a[8] - b[8]);
  r[22] = 38 * (r[6] = o[9] = a[9] - b[9]);
  r[21] = 38 * (r[5] = o[10] = a[10] - b[10]);
  r[20] = 38 * (r[4] = o[11] = a[11] - b[11]);
  r[19] = 38 * (r[3] = o[12] = a[12] - b[12]);
  r[18] = 38 * (r[2] = o[13] = a[13] - b[13]);
  r[17] = 38 * (r[1] = o[14] = a[14] - b[14]);
  r[16] = 38 * (r[0] = o[15] = a[15] - b[15]);
}
function feSubRJs(o: Fe, r: FeR, a: Fe, b: Fe): void {
  r[0] = o[0] = a[0] - b[0];
  r[1] = o[1] = a[1] - b[1];
  r[2] = o[2] = a[2] - b[2];
  r[3] = o[3] = a[3] - b[3];
  r[4] = o[4] = a[4] - b[4];
  r[5] = o[5] = a[5] - b[5];
  r[6] = o[6] = a[6] - b[6];
  r[7] = o[7] = a[7] - b[7];
  r[8] = o[8] = a[8] - b[8];
  r[9] = o[9] = a[9] - b[9];
  r[10] = o[10] = a[10] - b[10];
  r[11] = o[11] = a[11] - b[11];
  r[12] = o[12] = a[12] - b[12];
  r[13] = o[13] = a[13] - b[13];
  r[14] = o[14] = a[14] - b[14];
  r[15] = o[15] = a[15] - b[15];
}
/** o = a * b where r was prepared from b; o may alias a. */
function feMulRCv(o: Fe, a: Fe, r: FeR): void {
  'ram';
  work.fmul25519++;
  var v = CV as (a: Float64Array, b: Float64Array, off: number) => number, K = KR, I = IR, J = JR;
  var t = T, c = v(a, r, 15), h; t[0] = c - (h = c + K - K);
  t[1] = (c = v(a, r, 14) + h * I) - (h = c + K - K);
  t[2] = (c = v(a, r, 13) + h * I) - (h = c + K - K);
  t[3] = (c = v(a, r, 12) + h * I) - (h = c + K - K);
  t[4] = (c = v(a, r, 11) + h * I) - (h = c + K - K);
  t[5] = (c = v(a, r, 10) + h * I) - (h = c + K - K);
  t[6] = (c = v(a, r, 9) + h * I) - (h = c + K - K);
  t[7] = (c = v(a, r, 8) + h * I) - (h = c + K - K);
  t[8] = (c = v(a, r, 7) + h * I) - (h = c + K - K);
  t[9] = (c = v(a, r, 6) + h * I) - (h = c + K - K);
  t[10] = (c = v(a, r, 5) + h * I) - (h = c + K - K);
  t[11] = (c = v(a, r, 4) + h * I) - (h = c + K - K);
  t[12] = (c = v(a, r, 3) + h * I) - (h = c + K - K);
  t[13] = (c = v(a, r, 2) + h * I) - (h = c + K - K);
  t[14] = (c = v(a, r, 1) + h * I) - (h = c + K - K);
  t[15] = (c = v(a, r, 0) + h * I) - (h = c + K - K);
  t[0] = (c = t[0] + h * J) - (h = c + K - K); t[1] += h * I; o.set(t);
}
function feMulRJs(o: Fe, a: Fe, r: FeR): void {
  feMulJs(o, a, r);
}
function feSqrRJs(o: Fe, a: Fe, r: FeR): void {
  feSqrJs(o, a);
}

/** r = prepare(b). */
export var fePrep: (r: FeR, b: Fe) => void = fePrepJs;
/** o = a + b, not carried, and r = prepare(o). */
export var feAddR: (o: Fe, r: FeR, a: Fe, b: Fe) => void = feAddRJs;
/** o = a - b, not carried, and r = prepare(o). */
export var feSubR: (o: Fe, r: FeR, a: Fe, b: Fe) => void = feSubRJs;
/** o = a * b mod p, r = prepare(b); o may alias a. Counted as one product. */
export var feMulR: (o: Fe, a: Fe, r: FeR) => void = feMulRJs;
/** o = a^2 mod p, r = prepare(a); o may alias a. Counted as one product. */
export var feSqrR: (o: Fe, a: Fe, r: FeR) => void = feSqrRJs;

/** o = a * b mod p (limbs balanced). o may alias a or b. Reassigned by installConvolve25519. */
export var feMul: (o: Fe, a: Fe, b: Fe) => void = feMulJs;
/** o = a^2 mod p. o may alias a. */
export var feSqr: (o: Fe, a: Fe) => void = feSqrJs;

/**
 * Use a native dot product with E.convolve's semantics for products and squares
 * (the Espruino binding passes E.convolve); null goes back to pure JS. Called
 * only through firmware/crypto/engine-hooks.ts (subscribed at the end of this file).
 */
function installConvolve25519(fn: ((a: Float64Array, b: Float64Array, off: number) => number) | null): void {
  CV = fn;
  feMul = fn ? feMulCv : feMulJs;
  feSqr = fn ? feSqrCv : feSqrJs;
  fePrep = fn ? fePrepCv : fePrepJs;
  feAddR = fn ? feAddRCv : feAddRJs;
  feSubR = fn ? feSubRCv : feSubRJs;
  feMulR = fn ? feMulRCv : feMulRJs;
  feSqrR = fn ? feMulRCv : feSqrRJs; // with natives a square is a product
}

/** o = a * 121665 (RFC 7748's a24 for the ladder); a cheap scaling, not counted as a product. */
export function feMul121665(o: Fe, a: Fe): void {
  var K = KR, I = IR, J = JR;
  var c0 = a[0] * 121665;
  var c1 = a[1] * 121665;
  var c2 = a[2] * 121665;
  var c3 = a[3] * 121665;
  var c4 = a[4] * 121665;
  var c5 = a[5] * 121665;
  var c6 = a[6] * 121665;
  var c7 = a[7] * 121665;
  var c8 = a[8] * 121665;
  var c9 = a[9] * 121665;
  var c10 = a[10] * 121665;
  var c11 = a[11] * 121665;
  var c12 = a[12] * 121665;
  var c13 = a[13] * 121665;
  var c14 = a[14] * 121665;
  var c15 = a[15] * 121665;
  var c, h; o[0] = c0 - (h = c0 + K - K);
  o[1] = (c = c1 + h * I) - (h = c + K - K);
  o[2] = (c = c2 + h * I) - (h = c + K - K);
  o[3] = (c = c3 + h * I) - (h = c + K - K);
  o[4] = (c = c4 + h * I) - (h = c + K - K);
  o[5] = (c = c5 + h * I) - (h = c + K - K);
  o[6] = (c = c6 + h * I) - (h = c + K - K);
  o[7] = (c = c7 + h * I) - (h = c + K - K);
  o[8] = (c = c8 + h * I) - (h = c + K - K);
  o[9] = (c = c9 + h * I) - (h = c + K - K);
  o[10] = (c = c10 + h * I) - (h = c + K - K);
  o[11] = (c = c11 + h * I) - (h = c + K - K);
  o[12] = (c = c12 + h * I) - (h = c + K - K);
  o[13] = (c = c13 + h * I) - (h = c + K - K);
  o[14] = (c = c14 + h * I) - (h = c + K - K);
  o[15] = (c = c15 + h * I) - (h = c + K - K);
  o[0] = (c = o[0] + h * J) - (h = c + K - K); o[1] += h * I;
}

/** o = a * 121665 + b, carried (the ladder's AA + a24 * E in one pass); not counted as a product. */
export function feMulA24Add(o: Fe, a: Fe, b: Fe): void {
  var K = KR, I = IR, J = JR;
  var c0 = a[0] * 121665 + b[0];
  var c1 = a[1] * 121665 + b[1];
  var c2 = a[2] * 121665 + b[2];
  var c3 = a[3] * 121665 + b[3];
  var c4 = a[4] * 121665 + b[4];
  var c5 = a[5] * 121665 + b[5];
  var c6 = a[6] * 121665 + b[6];
  var c7 = a[7] * 121665 + b[7];
  var c8 = a[8] * 121665 + b[8];
  var c9 = a[9] * 121665 + b[9];
  var c10 = a[10] * 121665 + b[10];
  var c11 = a[11] * 121665 + b[11];
  var c12 = a[12] * 121665 + b[12];
  var c13 = a[13] * 121665 + b[13];
  var c14 = a[14] * 121665 + b[14];
  var c15 = a[15] * 121665 + b[15];
  var c, h; o[0] = c0 - (h = c0 + K - K);
  o[1] = (c = c1 + h * I) - (h = c + K - K);
  o[2] = (c = c2 + h * I) - (h = c + K - K);
  o[3] = (c = c3 + h * I) - (h = c + K - K);
  o[4] = (c = c4 + h * I) - (h = c + K - K);
  o[5] = (c = c5 + h * I) - (h = c + K - K);
  o[6] = (c = c6 + h * I) - (h = c + K - K);
  o[7] = (c = c7 + h * I) - (h = c + K - K);
  o[8] = (c = c8 + h * I) - (h = c + K - K);
  o[9] = (c = c9 + h * I) - (h = c + K - K);
  o[10] = (c = c10 + h * I) - (h = c + K - K);
  o[11] = (c = c11 + h * I) - (h = c + K - K);
  o[12] = (c = c12 + h * I) - (h = c + K - K);
  o[13] = (c = c13 + h * I) - (h = c + K - K);
  o[14] = (c = c14 + h * I) - (h = c + K - K);
  o[15] = (c = c15 + h * I) - (h = c + K - K);
  o[0] = (c = o[0] + h * J) - (h = c + K - K); o[1] += h * I;
}

/** o = a^(2^n) (n >= 1); o may alias a. */
export function feSqrN(o: Fe, a: Fe, n: number): void {
  var s = feSqr;
  s(o, a);
  for (var i = 1; i < n; i++) s(o, o);
}

var T0 = fe(), T1 = fe(), T2 = fe(), T3 = fe();

/**
 * z^(2^250 - 1) into T1 and z^11 into T0: the common head of the inversion and
 * square-root chains (a fixed sequence: 250 squarings, 10 products).
 */
function powHead(z: Fe): void {
  var M = feMul;
  feSqr(T0, z); // z^2
  feSqrN(T1, T0, 2); // z^8
  M(T1, T1, z); // z^9
  M(T0, T0, T1); // z^11
  feSqr(T2, T0); // z^22
  M(T1, T1, T2); // z^31 = z^(2^5 - 1)
  feSqrN(T2, T1, 5);
  M(T1, T2, T1); // 2^10 - 1
  feSqrN(T2, T1, 10);
  M(T2, T2, T1); // 2^20 - 1
  feSqrN(T3, T2, 20);
  M(T2, T3, T2); // 2^40 - 1
  feSqrN(T2, T2, 10);
  M(T1, T2, T1); // 2^50 - 1
  feSqrN(T2, T1, 50);
  M(T2, T2, T1); // 2^100 - 1
  feSqrN(T3, T2, 100);
  M(T2, T3, T2); // 2^200 - 1
  feSqrN(T2, T2, 50);
  M(T1, T2, T1); // 2^250 - 1
}

/** o = a^(p-2) = 1/a (0 for a = 0): Fermat, RFC 7748 §5 ("x_2 * (z_2^(p - 2))"). Constant time. */
export function feInv(o: Fe, a: Fe): void {
  work.finv++;
  powHead(a);
  feSqrN(T1, T1, 5); // 2^255 - 32
  feMul(o, T1, T0); // 2^255 - 21 = p - 2
}

/** o = a^((p-5)/8) = a^(2^252 - 3), for square roots (RFC 8032 §5.1.3 step 3). */
export function fePow2523(o: Fe, a: Fe): void {
  powHead(a);
  feSqrN(T1, T1, 2); // 2^252 - 4
  feMul(o, T1, a);
}

/**
 * Swap a and b when bit = 1, leave both when bit = 0, with the same operations
 * either way (RFC 7748 §5 cswap: mask = 0 - swap; dummy = mask AND (x_2 XOR x_3)).
 * Limbs must be integers below 2^31 in magnitude (true after any product or sum).
 */
export function feCswap(a: Fe, b: Fe, bit: number): void {
  var m = -bit;
  // b ^= (old a) ^ (new a) = mask & (a ^ b): one statement per limb (cheaper on Espruino)
  b[0] ^= a[0] ^ (a[0] ^= m & (a[0] ^ b[0]));
  b[1] ^= a[1] ^ (a[1] ^= m & (a[1] ^ b[1]));
  b[2] ^= a[2] ^ (a[2] ^= m & (a[2] ^ b[2]));
  b[3] ^= a[3] ^ (a[3] ^= m & (a[3] ^ b[3]));
  b[4] ^= a[4] ^ (a[4] ^= m & (a[4] ^ b[4]));
  b[5] ^= a[5] ^ (a[5] ^= m & (a[5] ^ b[5]));
  b[6] ^= a[6] ^ (a[6] ^= m & (a[6] ^ b[6]));
  b[7] ^= a[7] ^ (a[7] ^= m & (a[7] ^ b[7]));
  b[8] ^= a[8] ^ (a[8] ^= m & (a[8] ^ b[8]));
  b[9] ^= a[9] ^ (a[9] ^= m & (a[9] ^ b[9]));
  b[10] ^= a[10] ^ (a[10] ^= m & (a[10] ^ b[10]));
  b[11] ^= a[11] ^ (a[11] ^= m & (a[11] ^ b[11]));
  b[12] ^= a[12] ^ (a[12] ^= m & (a[12] ^ b[12]));
  b[13] ^= a[13] ^ (a[13] ^= m & (a[13] ^ b[13]));
  b[14] ^= a[14] ^ (a[14] ^= m & (a[14] ^ b[14]));
  b[15] ^= a[15] ^ (a[15] ^= m & (a[15] ^ b[15]));
}

/** Limbs of p = 2^255 - 19 (all limbs 0xffff but the lowest and the top one). */
var P = new Float64Array([0xffed, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0x7fff]);
var TB = new Float64Array(16), TC = new Float64Array(16);

/**
 * Fully reduce a into t: limbs in [0, 2^16), value in [0, p). Constant time.
 * Steps: two balanced carry passes (any limb size below 2^50), + 2p so every limb is
 * positive, two floor-carry passes folding 2^256 = 38, then subtract p twice
 * when no borrow results (the value is below 2^256 < 3p).
 */
function feReduce(t: Fe, a: Fe): void {
  var i, c, h;
  var K = KR;
  for (i = 0; i < 16; i++) t[i] = a[i];
  for (var pb = 0; pb < 2; pb++) {
    for (i = 0; i < 16; i++) {
      h = t[i] + K - K;
      t[i] -= h;
      if (i < 15) t[i + 1] += h / 65536;
      else t[0] += (h / 65536) * 38;
    }
  }
  for (i = 0; i < 16; i++) t[i] += 2 * P[i];
  for (var pass = 0; pass < 2; pass++) {
    for (i = 0; i < 16; i++) {
      c = Math.floor(t[i] / 65536);
      t[i] -= c * 65536;
      if (i < 15) t[i + 1] += c;
      else t[0] += 38 * c;
    }
  }
  for (var k = 0; k < 2; k++) {
    var b = 0;
    for (i = 0; i < 16; i++) {
      c = t[i] - P[i] + b;
      b = c >> 16; // -1 on borrow (c >= -65536), else 0
      TC[i] = c & 65535;
    }
    // b = -1: t < p, keep t; b = 0: take t - p. Mask select, no branch on the value.
    var m = ~b;
    for (i = 0; i < 16; i++) t[i] = t[i] ^ ((t[i] ^ TC[i]) & m);
  }
}

/** 32 little-endian bytes of a mod p, canonical (RFC 7748 §5 encodeUCoordinate). */
export function feToBytes(out: Uint8Array, a: Fe): void {
  feReduce(TB, a);
  for (var i = 0; i < 16; i++) {
    out[2 * i] = TB[i] & 255;
    out[2 * i + 1] = TB[i] >> 8;
  }
}

/**
 * Limbs from 32 little-endian bytes, ignoring the top bit (RFC 7748 §5
 * decodeUCoordinate masks it; RFC 8032 §5.1.3 takes it as the sign of x).
 * Non-canonical values p..2^255-1 are accepted as they are (reduced by the arithmetic).
 */
export function feFromBytes(o: Fe, b: Uint8Array): void {
  for (var i = 0; i < 16; i++) o[i] = b[2 * i] + (b[2 * i + 1] << 8);
  o[15] &= 0x7fff;
}

/** 1 if a = 0 mod p, else 0. */
export function feIsZero(a: Fe): number {
  feReduce(TB, a);
  var d = 0;
  for (var i = 0; i < 16; i++) d |= TB[i];
  return d === 0 ? 1 : 0;
}

/** The low bit of the canonical value ("negative" in RFC 8032 §5.1.2). */
export function feIsOdd(a: Fe): number {
  feReduce(TB, a);
  return TB[0] & 1;
}

/** 1 if a = b mod p. */
export function feEqual(a: Fe, b: Fe): number {
  feSub(TC, a, b);
  return feIsZero(TC);
}

/** o = -a. */
export function feNeg(o: Fe, a: Fe): void {
  for (var i = 0; i < 16; i++) o[i] = -a[i];
}

onEngineHooks(function (h) {
  installConvolve25519(h.convolve || null);
});
