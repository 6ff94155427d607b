/**
 * X25519 (RFC 7748 §5): scalar multiplication on Curve25519's u-line with the
 * Montgomery ladder, and the all-zero-output check of §6.1.
 *
 * Constant time in the sense that matters for an interpreter: the sequence of
 * field operations is the same for every scalar (always 255 ladder steps, a
 * mask-based conditional swap each step, a fixed inversion chain), so
 * work.fmul25519 grows by the same count for every call (tested).
 */
import {
  fe, feR, feAdd, feSub, feMul, feMulA24Add, feCswap, feInv, feFromBytes, feToBytes, fePrep, feAddR, feSubR, feMulR, feSqrR,
} from './field25519.ts';

var X1 = fe(), X2 = fe(), Z2 = fe(), X3 = fe(), Z3 = fe();
var TA = fe(), TB = fe(), TAA = fe(), TBB = fe(), TE = fe(), TC = fe(), TD = fe(), TDA = fe(), TCB = fe(), TT = fe();
/** Prepared operands (field25519.ts FeR): A, B, E, a temporary, and x1 (prepared once per call). */
var RA = feR(), RB = feR(), RE = feR(), RT = feR(), RX1 = feR();
var KS = new Uint8Array(32);

function checkLen(b: Uint8Array, n: number, name: string): void {
  if (!b || b.length !== n) throw new Error('E_X25519_ARG: ' + name + ' must be ' + n + ' bytes');
}

/**
 * X25519(k, u) without the all-zero check: clamp k (RFC 7748 §5 decodeScalar25519),
 * mask u's top bit (decodeUCoordinate), run the ladder, encode x2/z2.
 * For tests and for callers that handle low-order inputs themselves.
 */
export function x25519Raw(scalar: Uint8Array, u: Uint8Array): Uint8Array {
  checkLen(scalar, 32, 'scalar');
  checkLen(u, 32, 'u');
  var k = KS;
  for (var i = 0; i < 32; i++) k[i] = scalar[i];
  k[0] &= 248;
  k[31] = (k[31] & 127) | 64;

  // The field functions are live bindings, read here at call time: the Espruino
  // binding may have installed the native-convolution variants. Locals are
  // cheaper to look up than module variables on Espruino.
  var M = feMulR, S = feSqrR, AR = feAddR, BR = feSubR, A = feAdd, B = feSub, W = feCswap;
  var x1 = X1, x2 = X2, z2 = Z2, x3 = X3, z3 = Z3;
  var a = TA, b = TB, aa = TAA, bb = TBB, e = TE, c = TC, d = TD, da = TDA, cb = TCB, t0 = TT;
  var ra = RA, rb = RB, re = RE, rt = RT, rx1 = RX1;
  feFromBytes(x1, u);
  fePrep(rx1, x1);
  for (i = 0; i < 16; i++) {
    x2[i] = 0;
    z2[i] = 0;
    x3[i] = x1[i];
    z3[i] = 0;
  }
  x2[0] = 1;
  z3[0] = 1;
  var swap = 0, kt;
  // RFC 7748 §5 ladder step; names as in the RFC. Operands used by two products
  // (A, B) or made by an addition anyway are prepared once (field25519.ts FeR).
  for (var t = 254; t >= 0; t--) {
    kt = (k[t >> 3] >> (t & 7)) & 1;
    swap ^= kt;
    W(x2, x3, swap);
    W(z2, z3, swap);
    swap = kt;
    AR(a, ra, x2, z2); // A = x2 + z2
    S(aa, a, ra); // AA = A^2
    BR(b, rb, x2, z2); // B = x2 - z2
    S(bb, b, rb); // BB = B^2
    BR(e, re, aa, bb); // E = AA - BB
    A(c, x3, z3); // C = x3 + z3
    B(d, x3, z3); // D = x3 - z3
    M(da, d, ra); // DA = D * A
    M(cb, c, rb); // CB = C * B
    AR(t0, rt, da, cb);
    S(x3, t0, rt); // x3 = (DA + CB)^2
    BR(t0, rt, da, cb);
    S(z3, t0, rt);
    M(z3, z3, rx1); // z3 = x1 * (DA - CB)^2
    fePrep(rt, bb);
    M(x2, aa, rt); // x2 = AA * BB
    feMulA24Add(z2, e, aa); // AA + a24 * E
    M(z2, z2, re); // z2 = E * (AA + a24 * E)
  }
  W(x2, x3, swap);
  W(z2, z3, swap);
  feInv(z2, z2);
  feMul(x2, x2, z2);
  var out = new Uint8Array(32);
  feToBytes(out, x2);
  // wipe the clamped scalar and the ladder state (both reveal the secret)
  for (i = 0; i < 32; i++) k[i] = 0;
  for (i = 0; i < 16; i++) {
    x2[i] = 0;
    z2[i] = 0;
    x3[i] = 0;
    z3[i] = 0;
  }
  return out;
}

/**
 * X25519(scalar, u) → 32-byte shared secret or public key. Throws
 * Error('E_X25519_ZERO') when the result is all zero, i.e. u was a low-order
 * point (RFC 7748 §6.1: "check ... whether K is the all-zero value and abort").
 * The check ORs all bytes (no early exit).
 */
export function x25519(scalar: Uint8Array, u: Uint8Array): Uint8Array {
  var out = x25519Raw(scalar, u);
  var acc = 0;
  for (var i = 0; i < 32; i++) acc |= out[i];
  if (acc === 0) throw new Error('E_X25519_ZERO');
  return out;
}

/** The base point u = 9 (RFC 7748 §4.1). */
var BASE_U = new Uint8Array(32);
BASE_U[0] = 9;

/** Public key from a 32-byte secret: X25519(scalar, 9). */
export function x25519Base(scalar: Uint8Array): Uint8Array {
  return x25519(scalar, BASE_U);
}

