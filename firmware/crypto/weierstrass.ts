/**
 * Elliptic-curve group arithmetic on short-Weierstrass curves (SEC 1 v2 §2.2.1),
 * point encoding (SEC 1 v2 §2.3.3 / §2.3.4 with the public-key validation of
 * §3.2.2.1), key generation (§3.2.1, candidates outside [1, n−1] rejected) and
 * ECDH (§3.3.1: the shared secret is the x-coordinate of d·Q).
 *
 * Points are Jacobian (X, Y, Z) ↔ affine (X/Z², Y/Z³), coordinates in the loose
 * limbs of bignum-limbs.ts. Formulas: doubling "dbl-2001-b" (a = −3) and
 * "dbl-2009-l" (a = 0), addition "add-1998-cmo-2", mixed addition "madd"
 * (Explicit-Formulas Database names); these are not complete, so:
 *
 * - Secret scalars (mulCT, mulBaseCT) run one fixed operation sequence: the
 *   number of windows, doublings, additions, table scans and masked selections
 *   depends only on the curve, never on the scalar (THREATS #8). Table entries
 *   are read by scanning all 16 with a one-hot mask (or one E.convolve per limb).
 *   The formulas' exceptional cases are excluded by arithmetic, not branches:
 *     · unsigned 4-bit fixed window, 1 ≤ k < n: before adding d·P the accumulator
 *       is m·P with 16·m ≤ k < n and 16·m ≥ 16 > d, so it never equals ±d·P;
 *       m = 0 (leading zero digits) and d = 0 are the only special cases and are
 *       handled by masked selection (flag "accumulator is infinity", "digit is 0").
 *     · base point comb (4 teeth, spacing n.bits/4, used only when 4 divides the
 *       bit length of n: P-256, secp256k1): the accumulator before an addition is
 *       a·G with a = Σ 2^(64t)·q_t and the entry is b·G with b = Σ 2^(64t)·b_t,
 *       b_t ∈ {0,1}; 2a ≡ ±b (mod n) forces the base-2^64 digits 2q_t ∓ b_t to
 *       vanish (their sums stay within (−n, n) and k < n), i.e. a = b = 0.
 *   Table indices never address memory by secret value.
 * - Public scalars (verification: u1·G + u2·Q) use variable-time Straus with
 *   4-bit windows and an addition that checks every exceptional case.
 *
 * The point at infinity is never an output: functions throw instead.
 */
import {
  Field, makeField, fmul, fadd, fsub, fmulk, fcopy, fsetSmall, fcanon, fisZero, finv, fsqrt,
  fromBytes, toBytes, modulusBytes, cmpBytes, hexToLimbs, convolveP,
} from './bignum-limbs.ts';
import { CurveParams } from './curve-params.ts';

/** A Jacobian point: a = [X | Y | Z] (3N limbs) with views x, y, z; inf = 1 at infinity (public ops). */
export interface Jac {
  a: Float64Array;
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  inf: number;
}

/** An affine point with canonical coordinates. */
export interface Affine {
  x: Float64Array;
  y: Float64Array;
}

export interface Curve {
  name: string;
  P: CurveParams;
  F: Field;
  Fn: Field;
  N: number;
  a: Float64Array;
  b: Float64Array;
  a3: boolean;
  a0: boolean;
  G: Affine;
  /** bytes of a field element / of a scalar, bits of n */
  pB: number;
  nB: number;
  nBits: number;
  pBytes: Uint8Array;
  nBytes: Uint8Array;
  /** scratch field elements */
  t: Float64Array[];
  /** lazy tables: base-point comb (affine, transposed), Straus G multiples */
  comb: Float64Array | null;
  gTab: Jac[] | null;
}

function newJac(N: number): Jac {
  var a = new Float64Array(3 * N);
  return { a: a, x: a.subarray(0, N), y: a.subarray(N, 2 * N), z: a.subarray(2 * N, 3 * N), inf: 0 };
}

/** Build the arithmetic context of a curve (fields, constants, scratch). */
export function makeCurve(P: CurveParams): Curve {
  var F = makeField(P.p, P.p256, true);
  var Fn = makeField(P.n, false, false);
  var N = F.N;
  var t: Float64Array[] = [];
  for (var i = 0; i < 16; i++) t.push(new Float64Array(N));
  return {
    name: P.name,
    P: P,
    F: F,
    Fn: Fn,
    N: N,
    a: hexToLimbs(P.a, N),
    b: hexToLimbs(P.b, N),
    a3: P.a3,
    a0: P.a0,
    G: { x: hexToLimbs(P.gx, N), y: hexToLimbs(P.gy, N) },
    pB: F.bytes,
    nB: Fn.bytes,
    nBits: Fn.bits,
    pBytes: modulusBytes(F),
    nBytes: modulusBytes(Fn),
    t: t,
    comb: null,
    gTab: null,
  };
}

// ---------------------------------------------------------------------------
// Point formulas (constant time themselves; exceptional inputs excluded by callers)

/** R = 2·P. R may be P. Z = 0 stays Z = 0 (no point of order 2 on these curves). */
export function jdbl(C: Curve, R: Jac, Pt: Jac): void {
  var F = C.F, t = C.t, d = t[0], g = t[1], be = t[2], al = t[3], u = t[4];
  if (C.a3) {
    fmul(F, d, Pt.z, Pt.z); // delta = Z²
    fmul(F, g, Pt.y, Pt.y); // gamma = Y²
    fmul(F, be, Pt.x, g); // beta = X·gamma
    fsub(F, al, Pt.x, d);
    fadd(F, u, Pt.x, d);
    fmul(F, al, al, u);
    fmulk(F, al, al, 3); // alpha = 3(X − delta)(X + delta)
  } else {
    fmul(F, d, Pt.z, Pt.z);
    fmul(F, g, Pt.y, Pt.y);
    fmul(F, be, Pt.x, g);
    fmul(F, al, Pt.x, Pt.x);
    fmulk(F, al, al, 3); // alpha = 3X² (+ a·Z⁴)
    if (!C.a0) {
      fmul(F, u, d, d);
      fmul(F, u, u, C.a);
      fadd(F, al, al, u);
    }
  }
  // Z3 = (Y + Z)² − gamma − delta = 2YZ
  fadd(F, u, Pt.y, Pt.z);
  fmul(F, u, u, u);
  fsub(F, u, u, g);
  fsub(F, R.z, u, d);
  // X3 = alpha² − 8·beta
  fmul(F, u, al, al);
  fmulk(F, be, be, 4);
  fsub(F, u, u, be);
  fsub(F, R.x, u, be);
  // Y3 = alpha·(4·beta − X3) − 8·gamma²
  fsub(F, be, be, R.x);
  fmul(F, be, al, be);
  fmul(F, g, g, g);
  fmulk(F, g, g, 8);
  fsub(F, R.y, be, g);
}

/** Core of R = P + Q when P ≠ ±Q, both finite; returns nothing. Leaves H in t[5], r in t[6]. */
function jaddCore(C: Curve, R: Jac, Pt: Jac, Q: Jac): void {
  var F = C.F, t = C.t;
  var z1 = t[0], z2 = t[1], u1 = t[2], u2 = t[3], s1 = t[4], H = t[5], rr = t[6], s2 = t[7], hh = t[8], v = t[9];
  fmul(F, z1, Pt.z, Pt.z);
  fmul(F, z2, Q.z, Q.z);
  fmul(F, u1, Pt.x, z2);
  fmul(F, u2, Q.x, z1);
  fmul(F, s1, Q.z, z2);
  fmul(F, s1, Pt.y, s1);
  fmul(F, s2, Pt.z, z1);
  fmul(F, s2, Q.y, s2);
  fsub(F, H, u2, u1);
  fsub(F, rr, s2, s1);
  fmul(F, hh, H, H);
  fmul(F, v, u1, hh); // V = U1·H²
  fmul(F, hh, hh, H); // H³
  fmul(F, z1, Pt.z, Q.z);
  fmul(F, R.z, z1, H);
  fmul(F, u2, rr, rr);
  fsub(F, u2, u2, hh);
  fsub(F, u2, u2, v);
  fsub(F, R.x, u2, v);
  fsub(F, v, v, R.x);
  fmul(F, v, rr, v);
  fmul(F, s1, s1, hh);
  fsub(F, R.y, v, s1);
}

/** R = P + Q for affine Q (Z = 1), P ≠ ±Q, P finite. R may be P. */
function jmadd(C: Curve, R: Jac, Pt: Jac, qx: Float64Array, qy: Float64Array): void {
  var F = C.F, t = C.t;
  var z1 = t[0], u2 = t[1], s2 = t[2], H = t[3], rr = t[4], hh = t[5], v = t[6], w = t[7];
  fmul(F, z1, Pt.z, Pt.z);
  fmul(F, u2, qx, z1);
  fmul(F, s2, Pt.z, z1);
  fmul(F, s2, qy, s2);
  fsub(F, H, u2, Pt.x);
  fsub(F, rr, s2, Pt.y);
  fmul(F, hh, H, H);
  fmul(F, v, Pt.x, hh); // V = X1·H²
  fmul(F, hh, hh, H); // H³
  fmul(F, w, Pt.y, hh); // Y1·H³ (before Y is overwritten)
  fmul(F, R.z, Pt.z, H);
  fmul(F, u2, rr, rr);
  fsub(F, u2, u2, hh);
  fsub(F, u2, u2, v);
  fsub(F, R.x, u2, v);
  fsub(F, v, v, R.x);
  fmul(F, v, rr, v);
  fsub(F, R.y, v, w);
}

/** Jacobian → affine (canonical). Throws on Z ≡ 0. */
export function toAffine(C: Curve, Pt: Jac): Affine {
  var F = C.F, N = C.N, zi = new Float64Array(N), z2 = new Float64Array(N), t = new Float64Array(N);
  if (fisZero(F, Pt.z, t)) throw new Error('E_POINT: infinity');
  finv(F, zi, Pt.z);
  fmul(F, z2, zi, zi);
  var x = new Float64Array(N), y = new Float64Array(N);
  fmul(F, x, Pt.x, z2);
  fmul(F, z2, z2, zi);
  fmul(F, y, Pt.y, z2);
  fcanon(F, x, x);
  fcanon(F, y, y);
  return { x: x, y: y };
}

function setAffine(C: Curve, R: Jac, A: Affine): void {
  fcopy(C.F, R.x, A.x);
  fcopy(C.F, R.y, A.y);
  fsetSmall(C.F, R.z, 1);
  R.inf = 0;
}

// ---------------------------------------------------------------------------
// Constant-time selection from a transposed table T[idx*16 + entry]

var OH = new Float64Array(16);

/** out[idx] = T[idx*16 + d] for idx < out.length, reading every entry. */
function ctSelect(T: Float64Array, d: number, out: Float64Array): void {
  var i, x, j, s, L = out.length;
  for (i = 0; i < 16; i++) {
    x = i ^ d;
    OH[i] = 1 - ((x + 15) >> 4); // 1 iff i == d
  }
  var cv = convolveP();
  if (cv) {
    for (j = 0; j < L; j++) out[j] = cv(OH, T, 16 * j);
  } else {
    // the 16-term dot product written out: an inner loop costs more than its work here
    var o0 = OH[0], o1 = OH[1], o2 = OH[2], o3 = OH[3], o4 = OH[4], o5 = OH[5], o6 = OH[6], o7 = OH[7];
    var o8 = OH[8], o9 = OH[9], o10 = OH[10], o11 = OH[11], o12 = OH[12], o13 = OH[13], o14 = OH[14], o15 = OH[15];
    for (j = 0, s = 0; j < L; j++, s += 16) {
      out[j] = o0 * T[s] + o1 * T[s + 1] + o2 * T[s + 2] + o3 * T[s + 3] + o4 * T[s + 4] + o5 * T[s + 5] +
        o6 * T[s + 6] + o7 * T[s + 7] + o8 * T[s + 8] + o9 * T[s + 9] + o10 * T[s + 10] + o11 * T[s + 11] +
        o12 * T[s + 12] + o13 * T[s + 13] + o14 * T[s + 14] + o15 * T[s + 15];
    }
  }
}

/** r = r + m·(x − r) elementwise over L entries, m ∈ {0,1}: a masked move. */
function ctMove(r: Float64Array, x: Float64Array, m: number, L: number): void {
  for (var i = 0; i < L; i++) r[i] += m * (x[i] - r[i]);
}

/** Nibble w (0 = most significant) of a big-endian scalar. */
function nib(k: Uint8Array, w: number): number {
  var b = k[w >> 1];
  return (w & 1) ? b & 15 : b >> 4;
}

/** Bit j (0 = least significant) of a big-endian scalar. */
function bitAt(k: Uint8Array, j: number): number {
  var i = k.length - 1 - (j >> 3);
  return i >= 0 ? (k[i] >> (j & 7)) & 1 : 0;
}

/**
 * k·P for a secret scalar 1 ≤ k < n (nB big-endian bytes) and a validated point P.
 * Fixed 4-bit window; same operation sequence for every k of this curve.
 */
export function mulCT(C: Curve, k: Uint8Array, Pa: Affine): Affine {
  var N = C.N, L = 3 * N, i, j;
  if (k.length !== C.nB) throw new Error('E_SCALAR: length');
  var T = new Float64Array(L * 16);
  var A = newJac(N), Bq = newJac(N), S = newJac(N), R = newJac(N);
  // table: entry 0 = P (never used unmasked), 1 = P, 2i = 2·(i), 2i+1 = (2i) + P
  setAffine(C, A, Pa);
  for (j = 0; j < L; j++) { T[16 * j] = A.a[j]; T[16 * j + 1] = A.a[j]; }
  for (i = 2; i < 16; i++) {
    if (i & 1) {
      for (j = 0; j < L; j++) Bq.a[j] = T[16 * j + i - 1];
      jmadd(C, Bq, Bq, Pa.x, Pa.y);
    } else {
      for (j = 0; j < L; j++) Bq.a[j] = T[16 * j + (i >> 1)];
      jdbl(C, Bq, Bq);
    }
    for (j = 0; j < L; j++) T[16 * j + i] = Bq.a[j];
  }
  // main loop; A = accumulator (starts as a copy of P, flagged infinite)
  var accInf = 1, W = 2 * C.nB, d, dz, m1, m2;
  for (var w = 0; w < W; w++) {
    if (w > 0) {
      jdbl(C, A, A);
      jdbl(C, A, A);
      jdbl(C, A, A);
      jdbl(C, A, A);
    }
    d = nib(k, w);
    ctSelect(T, d, S.a);
    jaddCore(C, R, A, S);
    dz = 1 - ((d + 15) >> 4); // 1 iff d == 0
    m1 = (1 - dz) * accInf; // first nonzero digit: take the entry
    m2 = (1 - dz) * (1 - accInf); // ordinary step: take the sum
    ctMove(A.a, S.a, m1, L);
    ctMove(A.a, R.a, m2, L);
    accInf = accInf * dz;
  }
  if (accInf) throw new Error('E_SCALAR: zero');
  var out = toAffine(C, A);
  return out;
}

/** Builds the comb table: entry b = Σ_t bit_t(b)·2^(D·t)·G (affine), transposed. */
function buildComb(C: Curve): Float64Array {
  var N = C.N, D = C.nBits / 4, L = 2 * N, i, t, j;
  var teeth: Jac[] = [];
  var P = newJac(N);
  setAffine(C, P, C.G);
  for (t = 0; t < 4; t++) {
    var c = newJac(N);
    for (j = 0; j < 3 * N; j++) c.a[j] = P.a[j];
    teeth.push(c);
    for (i = 0; i < D; i++) jdbl(C, P, P);
  }
  var T = new Float64Array(L * 16);
  var F = C.F, pts: Jac[] = [];
  for (i = 1; i < 16; i++) {
    var acc = newJac(N);
    acc.inf = 1;
    for (t = 0; t < 4; t++) if ((i >> t) & 1) jaddSafe(C, acc, acc, teeth[t]);
    pts.push(acc);
  }
  // one inversion for all 15 Z (Montgomery's trick): pre[i] = Z_0···Z_i
  var pre: Float64Array[] = [], inv = new Float64Array(N), zi = new Float64Array(N), z2 = new Float64Array(N);
  var x = new Float64Array(N), y = new Float64Array(N);
  for (i = 0; i < 15; i++) {
    pre.push(new Float64Array(N));
    if (i === 0) fcopy(F, pre[0], pts[0].z);
    else fmul(F, pre[i], pre[i - 1], pts[i].z);
  }
  finv(F, inv, pre[14]);
  for (i = 14; i >= 0; i--) {
    if (i > 0) {
      fmul(F, zi, inv, pre[i - 1]); // 1/Z_i
      fmul(F, inv, inv, pts[i].z); // 1/(Z_0···Z_{i−1})
    } else {
      fcopy(F, zi, inv);
    }
    fmul(F, z2, zi, zi);
    fmul(F, x, pts[i].x, z2);
    fmul(F, z2, z2, zi);
    fmul(F, y, pts[i].y, z2);
    fcanon(F, x, x);
    fcanon(F, y, y);
    for (j = 0; j < N; j++) {
      T[16 * j + i + 1] = x[j];
      T[16 * (N + j) + i + 1] = y[j];
      if (i === 0) {
        T[16 * j] = x[j];
        T[16 * (N + j)] = y[j];
      }
    }
  }
  return T;
}

/**
 * k·G for a secret scalar 1 ≤ k < n. P-256 / secp256k1: 4-tooth comb over a lazily
 * built 16-entry affine table (2N·16 doubles: 4 KB for P-256), nBits/4 doublings
 * and mixed additions. Other curves: mulCT(k, G).
 */
export function mulBaseCT(C: Curve, k: Uint8Array): Affine {
  if (C.nBits % 4 !== 0) return mulCT(C, k, C.G);
  if (k.length !== C.nB) throw new Error('E_SCALAR: length');
  if (!C.comb) C.comb = buildComb(C);
  var T = C.comb, N = C.N, D = C.nBits / 4, L = 2 * N;
  var A = newJac(N), R = newJac(N), S = new Float64Array(L), Sj = newJac(N);
  var sx = S.subarray(0, N), sy = S.subarray(N, L);
  setAffine(C, A, C.G);
  var accInf = 1, d, dz, m1, m2, i;
  for (i = D - 1; i >= 0; i--) {
    if (i < D - 1) jdbl(C, A, A);
    d = bitAt(k, i) | (bitAt(k, i + D) << 1) | (bitAt(k, i + 2 * D) << 2) | (bitAt(k, i + 3 * D) << 3);
    ctSelect(T, d, S);
    jmadd(C, R, A, sx, sy);
    // the entry as a Jacobian point (Z = 1) for the "first nonzero digit" case
    fcopy(C.F, Sj.x, sx);
    fcopy(C.F, Sj.y, sy);
    fsetSmall(C.F, Sj.z, 1);
    dz = 1 - ((d + 15) >> 4);
    m1 = (1 - dz) * accInf;
    m2 = (1 - dz) * (1 - accInf);
    ctMove(A.a, Sj.a, m1, 3 * N);
    ctMove(A.a, R.a, m2, 3 * N);
    accInf = accInf * dz;
  }
  if (accInf) throw new Error('E_SCALAR: zero');
  return toAffine(C, A);
}

// ---------------------------------------------------------------------------
// Variable-time operations on public points

/** R = P + Q with every special case checked (public data only). R may alias P or Q. */
export function jaddSafe(C: Curve, R: Jac, Pt: Jac, Q: Jac): void {
  var j;
  if (Q.inf) {
    if (R !== Pt) { for (j = 0; j < R.a.length; j++) R.a[j] = Pt.a[j]; R.inf = Pt.inf; }
    return;
  }
  if (Pt.inf) {
    for (j = 0; j < R.a.length; j++) R.a[j] = Q.a[j];
    R.inf = 0;
    return;
  }
  var tmp = newJac(C.N);
  jaddCore(C, tmp, Pt, Q);
  var z = new Float64Array(C.N);
  if (fisZero(C.F, C.t[5], z)) {
    // same x: P = Q (double) or P = −Q (infinity)
    if (fisZero(C.F, C.t[6], z)) {
      jdbl(C, R, Pt);
      R.inf = 0;
    } else {
      R.inf = 1;
    }
    return;
  }
  for (j = 0; j < R.a.length; j++) R.a[j] = tmp.a[j];
  R.inf = 0;
}

/** Affine sum P + Q of public points; null if it is the point at infinity. */
export function addPublic(C: Curve, Pa: Affine, Qa: Affine): Affine | null {
  var A = newJac(C.N), B = newJac(C.N);
  setAffine(C, A, Pa);
  setAffine(C, B, Qa);
  jaddSafe(C, A, A, B);
  if (A.inf) return null;
  return toAffine(C, A);
}

function multiplesVar(C: Curve, Pa: Affine): Jac[] {
  var tab: Jac[] = [];
  for (var i = 0; i < 16; i++) tab.push(newJac(C.N));
  tab[0].inf = 1;
  setAffine(C, tab[1], Pa);
  for (i = 2; i < 16; i++) {
    if (i & 1) jaddSafe(C, tab[i], tab[i - 1], tab[1]);
    else { jdbl(C, tab[i], tab[i >> 1]); tab[i].inf = 0; }
  }
  return tab;
}

/**
 * u1·G + u2·Q (public scalars < n as nB big-endian bytes, Q validated) by Straus'
 * interleaving with 4-bit windows; variable time. Null when the sum is infinity.
 */
export function mulDoubleVar(C: Curve, u1: Uint8Array, u2: Uint8Array, Qa: Affine): Affine | null {
  if (!C.gTab) C.gTab = multiplesVar(C, C.G);
  var gt = C.gTab, qt = multiplesVar(C, Qa);
  var A = newJac(C.N);
  A.inf = 1;
  for (var w = 0; w < 2 * C.nB; w++) {
    if (!A.inf) {
      jdbl(C, A, A);
      jdbl(C, A, A);
      jdbl(C, A, A);
      jdbl(C, A, A);
    }
    var d1 = nib(u1, w), d2 = nib(u2, w);
    if (d1) jaddSafe(C, A, A, gt[d1]);
    if (d2) jaddSafe(C, A, A, qt[d2]);
  }
  if (A.inf) return null;
  return toAffine(C, A);
}

// ---------------------------------------------------------------------------
// Encoding and validation (SEC 1 v2 §2.3.3, §2.3.4, §3.2.2.1)

/** rhs = x³ + a·x + b. */
function curveRhs(C: Curve, rhs: Float64Array, x: Float64Array): void {
  var F = C.F, t = new Float64Array(C.N);
  fmul(F, t, x, x);
  fmul(F, t, t, x);
  if (!C.a0) {
    fmul(F, rhs, C.a, x);
    fadd(F, t, t, rhs);
  }
  fadd(F, rhs, t, C.b);
}

/** 1 if (x, y) (canonical) satisfies the curve equation. */
export function isOnCurve(C: Curve, P: Affine): boolean {
  var F = C.F, l = new Float64Array(C.N), r = new Float64Array(C.N);
  fmul(F, l, P.y, P.y);
  curveRhs(C, r, P.x);
  fsub(F, l, l, r);
  return fisZero(F, l, r) === 1;
}

/**
 * SEC 1 point → validated affine point. Accepts 0x04‖X‖Y and 0x02/0x03‖X; rejects
 * any other length or prefix, the infinity encoding 0x00, coordinates ≥ p, points
 * off the curve and X without a square root. (Cofactor 1: no subgroup check needed.)
 */
export function decodePoint(C: Curve, b: Uint8Array): Affine {
  var pB = C.pB, F = C.F, N = C.N;
  if (!b || b.length < 1) throw new Error('E_POINT: empty');
  var x = new Float64Array(N), y = new Float64Array(N);
  if (b[0] === 4 && b.length === 1 + 2 * pB) {
    var xb = b.subarray(1, 1 + pB), yb = b.subarray(1 + pB);
    if (cmpBytes(xb, C.pBytes) >= 0 || cmpBytes(yb, C.pBytes) >= 0) throw new Error('E_POINT: coordinate >= p');
    fromBytes(F, x, xb);
    fromBytes(F, y, yb);
    var P = { x: x, y: y };
    if (!isOnCurve(C, P)) throw new Error('E_POINT: not on curve');
    return P;
  }
  if ((b[0] === 2 || b[0] === 3) && b.length === 1 + pB) {
    var xc = b.subarray(1);
    if (cmpBytes(xc, C.pBytes) >= 0) throw new Error('E_POINT: x >= p');
    fromBytes(F, x, xc);
    var rhs = new Float64Array(N);
    curveRhs(C, rhs, x);
    if (!fsqrt(F, y, rhs)) throw new Error('E_POINT: x not on curve');
    fcanon(F, y, y);
    if ((y[0] & 1) !== (b[0] & 1)) {
      fsub(F, y, F.m, y);
      fcanon(F, y, y);
    }
    return { x: x, y: y };
  }
  throw new Error('E_POINT: bad encoding');
}

/** SEC 1 encoding of an affine point: compressed (0x02/0x03‖X) or 0x04‖X‖Y. */
export function encodePoint(C: Curve, P: Affine, compressed: boolean): Uint8Array {
  var xb = toBytes(C.F, P.x), yb = toBytes(C.F, P.y), pB = C.pB;
  if (compressed) {
    var o = new Uint8Array(1 + pB);
    o[0] = 2 + (yb[pB - 1] & 1);
    o.set(xb, 1);
    return o;
  }
  var u = new Uint8Array(1 + 2 * pB);
  u[0] = 4;
  u.set(xb, 1);
  u.set(yb, 1 + pB);
  return u;
}

// ---------------------------------------------------------------------------
// Scalars and keys

/** 1 if b (nB bytes) is in [1, n−1]. Public-length, data-independent loop. */
export function scalarInRange(C: Curve, b: Uint8Array): boolean {
  if (b.length !== C.nB) return false;
  var nz = 0, lt = 0, gt = 0, i;
  for (i = 0; i < b.length; i++) {
    nz |= b[i];
    // first differing byte decides: lt/gt latch once set
    var x = C.nBytes[i] - b[i];
    var undecided = 1 - (lt | gt);
    lt |= undecided & (x > 0 ? 1 : 0);
    gt |= undecided & (x < 0 ? 1 : 0);
  }
  return nz !== 0 && lt === 1;
}

/**
 * SEC 1 §3.2.1 key pair: draw nB bytes, mask the top byte to n's bit length,
 * reject 0 and values ≥ n, then Q = d·G.
 */
export function keyGen(C: Curve, randomBytes: (n: number) => Uint8Array, compressed?: boolean): { priv: Uint8Array; pub: Uint8Array } {
  var topBits = C.nBits - 8 * (C.nB - 1);
  var mask = (1 << topBits) - 1;
  for (var tries = 0; tries < 1000; tries++) {
    var d = randomBytes(C.nB);
    if (!d || d.length !== C.nB) throw new Error('E_RNG: wrong length');
    d[0] &= mask;
    if (scalarInRange(C, d)) return { priv: d, pub: encodePoint(C, mulBaseCT(C, d), !!compressed) };
  }
  throw new Error('E_RNG: no valid scalar');
}

/** Public key (SEC 1 encoding) of a private scalar in [1, n−1]. */
export function getPublicKey(C: Curve, priv: Uint8Array, compressed?: boolean): Uint8Array {
  if (!scalarInRange(C, priv)) throw new Error('E_SCALAR: private key out of range');
  return encodePoint(C, mulBaseCT(C, priv), !!compressed);
}

/**
 * ECDH (SEC 1 §3.3.1): the peer's encoded point is fully validated before any
 * multiplication (THREATS #5); returns x(d·Q) as pB bytes.
 */
export function ecdh(C: Curve, priv: Uint8Array, peer: Uint8Array): Uint8Array {
  if (!scalarInRange(C, priv)) throw new Error('E_SCALAR: private key out of range');
  var Q = decodePoint(C, peer);
  var S = mulCT(C, priv, Q); // throws on infinity (impossible with cofactor 1 and 1 ≤ d < n)
  return toBytes(C.F, S.x);
}

// re-exported for ecdsa.ts / ecqv.ts
export { fcanon, fmul, fadd, finv, fromBytes, toBytes };
