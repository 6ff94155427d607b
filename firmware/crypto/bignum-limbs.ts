/**
 * Modular arithmetic without BigInt, for the short-Weierstrass curves of
 * curve-params.ts: the prime fields GF(p) of P-256, secp256k1 and secp160k1 and
 * the scalar rings Z/nZ (SEC 1 v2 §2.2 "finite fields", §2.3 conversions).
 *
 * Representation. A residue is a Float64Array of N "limbs" of 16 bits, little
 * endian (value = sum limb[i]·2^(16i)). Doubles hold integers exactly below 2^53,
 * so a 16×16-limb product column (≤ 16 terms of ≤ 2^42) is exact and no carry is
 * needed inside the multiplication: the only sequential work is one carry pass per
 * reduction round. Limbs are "loose": signed and a little wider than 16 bits
 * between operations (|limb| ≤ 2^17 after fmul; callers may add/subtract a few
 * such values, staying ≤ 2^20, before the next fmul). The value is then only
 * congruent to the residue; fcanon() gives the unique representative in [0, m).
 *
 * Reduction. For k ≥ N the column c_k stands for c_k·2^(16k) ≡ c_k·(2^(16k) mod m):
 *  - P-256 (FIPS 186-4 D.1.2.3, p = 2^256 − 2^224 + 2^192 + 2^96 − 1): every
 *    exponent is a multiple of 16, so 2^256 ≡ 2^224 − 2^192 − 2^96 + 1 moves a
 *    column to four lower columns with coefficients ±1 (Solinas' generalised
 *    Mersenne folding, on 16-bit limbs instead of 32-bit words). Folding the raw
 *    columns top-down equals multiplying them by a fixed N×2N matrix of small
 *    integers (`Ls`), which is what the E.convolve path does in 16 native calls.
 *    The P-256 product and square are straight-line code generated into
 *    p256-field-mul.ts (columns, fold, two balanced carry passes without
 *    Math.floor): about 4x faster than the loops were on Duktape.
 *  - any other modulus: the columns are first carried to 16-bit limbs, then each
 *    high limb is multiplied by the precomputed 2^(16k) mod m (`Lg`), then a few
 *    rounds fold the remaining top carry back with 2^(16N) mod m. N is chosen so
 *    that each round shrinks the carry by ≥ 2^12 (a fixed, data-independent number
 *    of rounds, which keeps the time constant). For N = 16 (P-256 n, secp256k1 p
 *    and n) the same steps are generated straight-line in p256-field-mul.ts, with
 *    balanced carries; other N (secp160k1) run the loops below.
 *
 * Speed on Espruino. Every interpreted operation is expensive and E.convolve(a, b,
 * off) computes sum_i a[i]·b[(i+off) mod b.length] in C, accumulating in doubles.
 * installConvolveP(E.convolve) makes fmul compute each product column and each
 * reduced limb with one such call (31 + 16 calls for P-256 instead of 256
 * multiply-adds and 60 fold updates). The pure-JS path is the default and gives
 * bit-identical results (tests prove it with a JS model of E.convolve). On engines
 * without it, squarings (a === b) take the 136-product path.
 *
 * Counters: work.fmulP per multiplication/squaring and work.finv per inversion in
 * a curve's prime field (fields built with counted = true); scalar arithmetic mod
 * n is not counted (it is a few dozen operations per signature).
 */
import { work } from './work-counters.ts';
import { onEngineHooks } from './engine-hooks.ts';
import {
  ConvolveFn, foldMatrixP256, p256MulJs, p256SqrJs, p256MulConv, gen16Columns, gen16SqrColumns, gen16ConvColumns, gen16Reduce,
  limbs16Add, limbs16Sub, limbs16MulSmall,
} from './p256-field-mul.ts';

export type { ConvolveFn };

/** Installed native dot product (Espruino's E.convolve), or null for pure JS. */
var CONV: ConvolveFn | null = null;

/**
 * Install (fn) or remove (null) the accelerated multiplication path. fn must follow
 * E.convolve's semantics exactly: sum over i < a.length of a[i]*b[(i+offset) % b.length]
 * (offset ≥ 0 here), accumulated in doubles. Only through firmware/crypto/engine-hooks.ts.
 */
onEngineHooks(function (h) {
  CONV = h.convolve || null;
});

/** The installed convolve function, for table selection in weierstrass.ts. */
export function convolveP(): ConvolveFn | null {
  return CONV;
}

/** Test hook: when on, fmul records the largest |input limb| it was given. */
export var limbWatch = { on: false, max: 0 };

export interface Field {
  /** limbs per element */
  N: number;
  /** bit length of the modulus */
  bits: number;
  /** byte length of a canonical element (SEC 1 field-element / integer octets) */
  bytes: number;
  /** the modulus, normalized limbs */
  m: Float64Array;
  /** 1: bump work.fmulP / work.finv (the curve's prime field) */
  cnt: number;
  /** 1: P-256 Solinas folding on raw columns; 0: generic matrix reduction */
  sp: number;
  /** P-256 path: N×2N folding matrix on raw columns (row j, column k at j*2N+k) */
  Ls: Float64Array;
  /** generic path: N×(N+1) matrix, limb j of 2^(16k) mod m at j*(N+1)+(k-N), k = N..2N */
  Lg: Float64Array;
  /** 2^(16N) mod m, normalized */
  RN: Float64Array;
  /** m·2^s, s = 0..S, normalized (binary long division in fcanon) */
  ms: Float64Array[];
  /** scratch: product columns (2N+1), its high part view, reversed operand, division digit */
  c: Float64Array;
  hi: Float64Array;
  B: Float64Array;
  d: Float64Array;
  /** pow() window table, 16 elements */
  pt: Float64Array[];
  /** exponent m−2 (Fermat inversion), big-endian bytes */
  em2: Uint8Array;
  /** exponent (m+1)/4 (square root when m ≡ 3 mod 4), big-endian bytes */
  esq: Uint8Array;
}

// ---------------------------------------------------------------------------
// Setup helpers (run once per field; plain and slow is fine)

/** Big-endian hex → normalized limbs (N of them). */
export function hexToLimbs(hex: string, N: number): Float64Array {
  var out = new Float64Array(N);
  var h = hex;
  for (var i = 0; i < N && h.length > 0; i++) {
    var s = h.length > 4 ? h.substring(h.length - 4) : h;
    out[i] = parseInt(s, 16);
    h = h.length > 4 ? h.substring(0, h.length - 4) : '';
  }
  if (h.length > 0 && parseInt(h, 16) !== 0) throw new Error('E_LIMBS: value too wide');
  return out;
}

/** Bit length of a normalized limb vector. */
function bitLen(a: Float64Array): number {
  for (var i = a.length - 1; i >= 0; i--) {
    if (a[i] !== 0) {
      var b = 0, v = a[i];
      while (v > 0) { b++; v = Math.floor(v / 2); }
      return 16 * i + b;
    }
  }
  return 0;
}

/** x = 2x mod m for normalized x < m (setup only). */
function dblMod(x: Float64Array, m: Float64Array): void {
  var n = x.length, c = 0, i, v;
  for (i = 0; i < n; i++) {
    v = x[i] * 2 + c;
    c = v >= 65536 ? 1 : 0;
    x[i] = v - c * 65536;
  }
  // x (with carry c as limb n) ≥ m → subtract
  var ge = c;
  if (!ge) {
    ge = 1;
    for (i = n - 1; i >= 0; i--) {
      if (x[i] !== m[i]) { ge = x[i] > m[i] ? 1 : 0; break; }
    }
  }
  if (ge) {
    var br = 0;
    for (i = 0; i < n; i++) {
      v = x[i] - m[i] - br;
      br = v < 0 ? 1 : 0;
      x[i] = v + br * 65536;
    }
  }
}

/** Big-endian bytes of a normalized limb vector, `len` bytes. */
function limbsToBytesRaw(a: Float64Array, len: number): Uint8Array {
  var out = new Uint8Array(len);
  for (var i = 0; i < len; i++) {
    var li = i >> 1;
    var v = li < a.length ? a[li] : 0;
    out[len - 1 - i] = (i & 1) ? (v >> 8) & 255 : v & 255;
  }
  return out;
}

/** m + k (small signed k) as normalized limbs, then shifted right by `sh` bits (setup). */
function addSmallShift(m: Float64Array, k: number, sh: number): Float64Array {
  var n = m.length, r = new Float64Array(n), c = k, i, v;
  for (i = 0; i < n; i++) {
    v = m[i] + c;
    c = Math.floor(v / 65536);
    r[i] = v - c * 65536;
  }
  for (var s = 0; s < sh; s++) {
    for (i = 0; i < n; i++) {
      r[i] = Math.floor(r[i] / 2) + (i + 1 < n ? (r[i + 1] & 1) * 32768 : 0);
    }
  }
  return r;
}

/**
 * Build a field for modulus `hex` (odd, big-endian hex). `p256` selects the
 * Solinas path (only valid for the P-256 prime). `counted`: bump work counters.
 */
export function makeField(hex: string, p256: boolean, counted: boolean): Field {
  var N0 = Math.ceil((hex.replace(/^0+/, '').length * 4) / 16);
  var m0 = hexToLimbs(hex, N0 + 1);
  var bits = bitLen(m0);
  var N = Math.ceil(bits / 16);
  var m: Float64Array, RN: Float64Array, i, j, k;
  // Pick N so that 2^(16N) mod m is ≥ 2^12 below 2^(16N): each fold round shrinks the carry.
  for (;;) {
    m = hexToLimbs(hex, N);
    RN = new Float64Array(N);
    RN[0] = 1;
    for (i = 0; i < 16 * N; i++) dblMod(RN, m);
    if (p256 || 16 * N - bitLen(RN) >= 12) break;
    N++;
  }
  var S = 16 * N - bits;
  var ms: Float64Array[] = [];
  // 2^s by doubling: Espruino's Math.pow(2, s) is inexact for s >= 12.
  var f = 0.5;
  for (var s = 0; s <= S; s++) {
    var sh = new Float64Array(N), c = 0, v;
    f *= 2;
    for (i = 0; i < N; i++) {
      v = m[i] * f + c;
      c = Math.floor(v / 65536);
      sh[i] = v - c * 65536;
    }
    ms.push(sh);
  }
  // generic matrix: limb j of 2^(16k) mod m for k = N..2N
  var Lg = new Float64Array(N * (N + 1));
  var Rk = new Float64Array(N);
  for (i = 0; i < N; i++) Rk[i] = RN[i];
  for (k = 0; k <= N; k++) {
    for (j = 0; j < N; j++) Lg[j * (N + 1) + k] = Rk[j];
    for (i = 0; i < 16; i++) dblMod(Rk, m);
  }
  // P-256 raw-column matrix: the fold of p256-field-mul.ts applied to unit columns
  var Ls: Float64Array = new Float64Array(0); // read only when p256
  if (p256) {
    if (N !== 16) throw new Error('E_FIELD: p256 path needs 16 limbs');
    Ls = foldMatrixP256();
    var maxRow = 0;
    for (j = 0; j < N; j++) {
      var rs = 0;
      for (k = 0; k < 2 * N; k++) rs += Math.abs(Ls[j * 2 * N + k]);
      if (rs > maxRow) maxRow = rs;
    }
    // columns are < 2^46 for inputs ≤ 2^20: the folded limbs must stay exact (< 2^53)
    if (maxRow > 64) throw new Error('E_FIELD: fold matrix too wide');
  }
  var cbuf = new Float64Array(2 * N + 1);
  var pt: Float64Array[] = [];
  for (i = 0; i < 16; i++) pt.push(new Float64Array(N));
  var bytes = Math.ceil(bits / 8);
  var mb = limbsToBytesRaw(m, bytes);
  void mb;
  return {
    N: N,
    bits: bits,
    bytes: bytes,
    m: m,
    cnt: counted ? 1 : 0,
    sp: p256 ? 1 : 0,
    Ls: Ls,
    Lg: Lg,
    RN: RN,
    ms: ms,
    c: cbuf,
    hi: cbuf.subarray(N, 2 * N + 1),
    B: new Float64Array(2 * N),
    d: new Float64Array(N),
    pt: pt,
    em2: limbsToBytesRaw(addSmallShift(m, -2, 0), bytes),
    esq: limbsToBytesRaw(addSmallShift(m, 1, 2), bytes),
  };
}

// ---------------------------------------------------------------------------
// Hot path

/** r = a·b mod m (loose). r may alias a or b. Inputs: N limbs, |limb| ≤ 2^20. */
export function fmul(F: Field, r: Float64Array, a: Float64Array, b: Float64Array): void {
  var N = F.N, c = F.c, i, j, k, v, q;
  if (F.cnt) work.fmulP++;
  if (limbWatch.on) {
    for (i = 0; i < N; i++) {
      v = Math.max(Math.abs(a[i]), Math.abs(b[i]));
      if (v > limbWatch.max) limbWatch.max = v;
    }
  }
  var cv = CONV;
  if (F.sp) {
    // P-256: unrolled columns, Solinas fold and balanced carries (p256-field-mul.ts)
    if (cv) p256MulConv(cv, F.Ls, r, a, b);
    else if (a === b) p256SqrJs(r, a);
    else p256MulJs(r, a, b);
    return;
  }
  if (N === 16) {
    // other 256-bit moduli (P-256 n, secp256k1): the same steps as below, unrolled
    if (cv) gen16ConvColumns(cv, c, a, b);
    else if (a === b) gen16SqrColumns(c, a);
    else gen16Columns(c, a, b);
    gen16Reduce(r, c, F.Lg, F.RN, cv);
    return;
  }
  if (cv) {
    // column k = sum_i a[i]·b[k−i]: B holds b reversed, then N zeros (see header)
    var B = F.B;
    for (i = 0; i < N; i++) B[N - 1 - i] = b[i];
    for (k = 0; k < N; k++) c[k] = cv(a, B, N - 1 - k);
    for (; k < 2 * N - 1; k++) c[k] = cv(a, B, 3 * N - 1 - k);
    c[2 * N - 1] = 0;
  } else {
    for (k = 0; k < 2 * N; k++) c[k] = 0;
    for (i = 0; i < N; i++) {
      v = a[i];
      for (j = 0; j < N; j++) c[i + j] += v * b[j];
    }
  }
  // generic: carry the 2N−1 columns to 16-bit limbs (top carry in c[2N])
  q = 0;
  for (k = 0; k < 2 * N; k++) {
    v = c[k] + q;
    q = Math.floor(v / 65536);
    c[k] = v - q * 65536;
  }
  c[2 * N] = q;
  var Lg = F.Lg, W = N + 1;
  if (cv) {
    var hi = F.hi;
    for (j = 0; j < N; j++) r[j] = c[j] + cv(hi, Lg, W * j);
  } else {
    for (j = 0; j < N; j++) {
      v = c[j];
      for (k = 0; k < W; k++) v += c[N + k] * Lg[W * j + k];
      r[j] = v;
    }
  }
  foldRounds(F, r, 3);
}

/** `rounds` × (carry pass, fold top carry with 2^(16N) mod m); last fold uncarried. */
function foldRounds(F: Field, r: Float64Array, rounds: number): void {
  var N = F.N, RN = F.RN, j, v, q;
  for (var t = 0; t < rounds; t++) {
    q = 0;
    for (j = 0; j < N; j++) {
      v = r[j] + q;
      q = Math.floor(v / 65536);
      r[j] = v - q * 65536;
    }
    for (j = 0; j < N; j++) r[j] += q * RN[j];
  }
}

/** r = a² mod m. */
export function fsqr(F: Field, r: Float64Array, a: Float64Array): void {
  fmul(F, r, a, a);
}

/** r = a + b (no reduction; see the loose-limb budget in the header). */
export function fadd(F: Field, r: Float64Array, a: Float64Array, b: Float64Array): void {
  if (F.N === 16) { limbs16Add(r, a, b); return; } // 256-bit fields: no loop (p256-field-mul.ts)
  for (var i = 0; i < F.N; i++) r[i] = a[i] + b[i];
}

/** r = a − b (no reduction). */
export function fsub(F: Field, r: Float64Array, a: Float64Array, b: Float64Array): void {
  if (F.N === 16) { limbs16Sub(r, a, b); return; }
  for (var i = 0; i < F.N; i++) r[i] = a[i] - b[i];
}

/** r = k·a for a small integer k (no reduction). */
export function fmulk(F: Field, r: Float64Array, a: Float64Array, k: number): void {
  if (F.N === 16) { limbs16MulSmall(r, a, k); return; }
  for (var i = 0; i < F.N; i++) r[i] = a[i] * k;
}

export function fcopy(F: Field, r: Float64Array, a: Float64Array): void {
  for (var i = 0; i < F.N; i++) r[i] = a[i];
}

/** r = small non-negative integer v (< 2^16). */
export function fsetSmall(F: Field, r: Float64Array, v: number): void {
  for (var i = 0; i < F.N; i++) r[i] = 0;
  r[0] = v;
}

/** Brings loose limbs back near 16 bits (one carry pass and uncarried fold), value unchanged mod m. */
export function fcarry(F: Field, r: Float64Array): void {
  foldRounds(F, r, 1);
}

/**
 * r = the canonical representative of a, in [0, m), normalized limbs. Fixed work:
 * 6 carry-and-fold rounds, a final carry, then binary long division by m·2^s.
 */
export function fcanon(F: Field, r: Float64Array, a: Float64Array): void {
  var N = F.N, j, v, q, s, M, d = F.d, keep;
  if (r !== a) for (j = 0; j < N; j++) r[j] = a[j];
  foldRounds(F, r, 6);
  q = 0;
  for (j = 0; j < N; j++) {
    v = r[j] + q;
    q = Math.floor(v / 65536);
    r[j] = v - q * 65536;
  }
  // q is 0 here: the value is in [0, 2^(16N))
  for (s = F.ms.length - 1; s >= 0; s--) {
    M = F.ms[s];
    q = 0;
    for (j = 0; j < N; j++) {
      v = r[j] - M[j] + q;
      q = Math.floor(v / 65536);
      d[j] = v - q * 65536;
    }
    keep = -q; // 1 when r < M·2^s (the subtraction borrowed): keep r
    for (j = 0; j < N; j++) r[j] = d[j] + keep * (r[j] - d[j]);
  }
}

/** 1 if a ≡ 0 (mod m), else 0. Uses F.d-independent scratch `t` (N limbs). */
export function fisZero(F: Field, a: Float64Array, t: Float64Array): number {
  fcanon(F, t, a);
  var z = 0;
  for (var j = 0; j < F.N; j++) z += t[j];
  return z === 0 ? 1 : 0;
}

/**
 * r = a^e mod m for a public exponent e (big-endian bytes): left-to-right 4-bit
 * fixed window. Time depends on e only, never on a.
 */
export function fpow(F: Field, r: Float64Array, a: Float64Array, e: Uint8Array): void {
  var T = F.pt, N = F.N, i, started = 0, nib;
  fsetSmall(F, T[0], 1);
  fcopy(F, T[1], a);
  for (i = 2; i < 16; i++) fmul(F, T[i], T[i - 1], a);
  var acc = new Float64Array(N);
  fsetSmall(F, acc, 1);
  for (i = 0; i < 2 * e.length; i++) {
    nib = (i & 1) ? e[i >> 1] & 15 : e[i >> 1] >> 4;
    if (started) {
      fmul(F, acc, acc, acc);
      fmul(F, acc, acc, acc);
      fmul(F, acc, acc, acc);
      fmul(F, acc, acc, acc);
    }
    if (nib) {
      if (started) fmul(F, acc, acc, T[nib]);
      else fcopy(F, acc, T[nib]);
      started = 1;
    }
  }
  fcopy(F, r, acc);
}

/** r = a^(−1) mod m (Fermat, m prime); 0 maps to 0. */
export function finv(F: Field, r: Float64Array, a: Float64Array): void {
  if (F.cnt) work.finv++;
  fpow(F, r, a, F.em2);
}

/**
 * r = a square root of a when one exists (m ≡ 3 mod 4: a^((m+1)/4)); returns 1 if
 * r² ≡ a, else 0 (a is a non-residue; r is then meaningless).
 */
export function fsqrt(F: Field, r: Float64Array, a: Float64Array): number {
  if ((F.m[0] & 3) !== 3) throw new Error('E_FIELD: sqrt needs m = 3 mod 4');
  var t = new Float64Array(F.N), u = new Float64Array(F.N);
  fpow(F, r, a, F.esq);
  fmul(F, t, r, r);
  fsub(F, t, t, a);
  return fisZero(F, t, u);
}

/** Element from big-endian bytes (length ≤ 2N); not reduced (value < 2^(16N)). */
export function fromBytes(F: Field, r: Float64Array, b: Uint8Array): void {
  var L = b.length, N = F.N;
  if (L > 2 * N) throw new Error('E_LIMBS: input too long');
  for (var j = 0; j < N; j++) {
    var i = L - 1 - 2 * j;
    r[j] = (i >= 0 ? b[i] : 0) + (i >= 1 ? b[i - 1] * 256 : 0);
  }
}

/** Canonical big-endian bytes (F.bytes long) of a. */
export function toBytes(F: Field, a: Float64Array): Uint8Array {
  var t = new Float64Array(F.N);
  fcanon(F, t, a);
  return limbsToBytesRaw(t, F.bytes);
}

/** Big-endian bytes of the modulus (F.bytes long). */
export function modulusBytes(F: Field): Uint8Array {
  return limbsToBytesRaw(F.m, F.bytes);
}

/** Compare equal-length big-endian byte strings: −1, 0, 1 (public data). */
export function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  for (var i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}
