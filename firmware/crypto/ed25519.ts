/**
 * Ed25519 (RFC 8032 §5.1): key generation (§5.1.5), signing (§5.1.6) and
 * verification (§5.1.7), on the field code of field25519.ts. No BigInt.
 *
 * Points are in extended twisted-Edwards coordinates (X:Y:Z:T), x = X/Z,
 * y = Y/Z, x*y = T/Z, with the addition and doubling formulas of §5.1.4.
 * Scalars mod L = 2^252 + 27742317777372353535851937790883648493 are handled
 * in radix 2^21 limbs held in doubles (products of two limbs < 2^42, sums exact).
 *
 * Secret-scalar multiplications (key generation, the signing nonce) use a fixed
 * double-and-add-always with a mask-based swap: the same field operations for
 * every scalar. Verification handles public data only and may take variable time.
 *
 * Verification rules (what the Wycheproof vectors expect): S must be < L; the
 * public key must decode (y < p, x recoverable, no "negative zero"); R is compared
 * byte-for-byte with the canonical encoding of [S]B - [k]A, so a non-canonical R fails.
 */
import { fe, feAdd, feSub, feMul, feSqr, feCopy, feCswap, feInv, fePow2523, feFromBytes, feToBytes, feIsZero, feIsOdd, feEqual, feNeg, Fe } from './field25519.ts';
import { sha512 } from './sha512.ts';
import { fromHex, ctEqual } from '../bytes/bytes.ts';

/** A point (X:Y:Z:T). */
interface Pt {
  x: Fe;
  y: Fe;
  z: Fe;
  t: Fe;
}

function pt(): Pt {
  return { x: fe(), y: fe(), z: fe(), t: fe() };
}

function feHex(h: string): Fe {
  var o = fe();
  feFromBytes(o, fromHex(h));
  return o;
}

/** d = -121665/121666 (§5.1), 2d, sqrt(-1) = 2^((p-1)/4) (§5.1.3), base point B (§5.1), all little-endian. */
var D = feHex('a3785913ca4deb75abd841414d0a700098e879777940c78c73fe6f2bee6c0352');
var D2 = feHex('59f1b226949bd6eb56b183829a14e00030d1f3eef2808e19e7fcdf56dcd90624');
var SQRTM1 = feHex('b0a00e4a271beec478e42fad0618432fa7d7fb3d99004d2b0bdfc14f8024832b');
var BASE: Pt = pt();
feCopy(BASE.x, feHex('1ad5258f602d56c9b2a7259560c72c695cdcd6fd31e2a4c0fe536ecdd3366921'));
feCopy(BASE.y, feHex('5866666666666666666666666666666666666666666666666666666666666666'));
BASE.z[0] = 1;
feMul(BASE.t, BASE.x, BASE.y);

function setIdentity(p: Pt): void {
  for (var i = 0; i < 16; i++) {
    p.x[i] = 0;
    p.y[i] = 0;
    p.z[i] = 0;
    p.t[i] = 0;
  }
  p.y[0] = 1;
  p.z[0] = 1;
}

function ptCopy(o: Pt, p: Pt): void {
  o.x.set(p.x);
  o.y.set(p.y);
  o.z.set(p.z);
  o.t.set(p.t);
}

var FA = fe(), FB = fe(), FC = fe(), FD = fe(), FE = fe(), FF = fe(), FG = fe(), FH = fe();

/** r = p + q (§5.1.4 "add", 9 products); r may alias p or q. */
function ptAdd(r: Pt, p: Pt, q: Pt): void {
  var M = feMul, a = FA, b = FB, c = FC, d = FD, e = FE, f = FF, g = FG, h = FH;
  feSub(a, p.y, p.x);
  feSub(h, q.y, q.x);
  M(a, a, h);
  feAdd(b, p.y, p.x);
  feAdd(h, q.y, q.x);
  M(b, b, h);
  M(c, p.t, q.t);
  M(c, c, D2);
  M(d, p.z, q.z);
  feAdd(d, d, d);
  feSub(e, b, a);
  feSub(f, d, c);
  feAdd(g, d, c);
  feAdd(h, b, a);
  M(r.x, e, f);
  M(r.y, g, h);
  M(r.t, e, h);
  M(r.z, f, g);
}

/** r = 2p (§5.1.4 "double", 4 squares + 4 products); r may alias p. */
function ptDbl(r: Pt, p: Pt): void {
  var M = feMul, S = feSqr, a = FA, b = FB, c = FC, e = FE, f = FF, g = FG, h = FH;
  S(a, p.x);
  S(b, p.y);
  S(c, p.z);
  feAdd(c, c, c);
  feAdd(h, a, b);
  feAdd(e, p.x, p.y);
  S(e, e);
  feSub(e, h, e);
  feSub(g, a, b);
  feAdd(f, c, g);
  M(r.x, e, f);
  M(r.y, g, h);
  M(r.t, e, h);
  M(r.z, f, g);
}

function ptCswap(p: Pt, q: Pt, bit: number): void {
  feCswap(p.x, q.x, bit);
  feCswap(p.y, q.y, bit);
  feCswap(p.z, q.z, bit);
  feCswap(p.t, q.t, bit);
}

var ZI = fe(), EX = fe(), EY = fe();

/** The 32-byte encoding of a point (§5.1.2): y with the low bit of x in the top bit. */
function ptEncode(p: Pt): Uint8Array {
  feInv(ZI, p.z);
  feMul(EX, p.x, ZI);
  feMul(EY, p.y, ZI);
  var out = new Uint8Array(32);
  feToBytes(out, EY);
  out[31] |= feIsOdd(EX) << 7;
  return out;
}

var U = fe(), V = fe(), V3 = fe(), X = fe(), CHK = fe(), YB = new Uint8Array(32);

/**
 * Decode a point (§5.1.3) into p; false if the encoding is invalid: y >= p,
 * no square root for x, or x = 0 with the sign bit set.
 */
function ptDecode(p: Pt, s: Uint8Array): boolean {
  var y = p.y;
  feFromBytes(y, s);
  feToBytes(YB, y);
  // y must be canonical: the reduced bytes equal the input with its sign bit cleared.
  for (var i = 0; i < 32; i++) if (YB[i] !== (i === 31 ? s[31] & 127 : s[i])) return false;
  var sign = s[31] >> 7;
  // x^2 = (y^2 - 1) / (d y^2 + 1) = u/v; candidate x = u v^3 (u v^7)^((p-5)/8)
  feSqr(U, y);
  feMul(V, U, D);
  U[0] -= 1;
  V[0] += 1;
  feSqr(V3, V);
  feMul(V3, V3, V); // v^3
  feSqr(X, V3);
  feMul(X, X, V); // v^7
  feMul(X, X, U); // u v^7
  fePow2523(X, X);
  feMul(X, X, V3);
  feMul(X, X, U); // u v^3 (u v^7)^((p-5)/8)
  feSqr(CHK, X);
  feMul(CHK, CHK, V); // v x^2
  if (!feEqual(CHK, U)) {
    feNeg(U, U);
    if (!feEqual(CHK, U)) return false;
    feMul(X, X, SQRTM1);
  }
  if (feIsZero(X) && sign === 1) return false;
  if (feIsOdd(X) !== sign) feNeg(X, X);
  feCopy(p.x, X);
  for (i = 0; i < 16; i++) p.z[i] = 0;
  p.z[0] = 1;
  feMul(p.t, p.x, p.y);
  return true;
}

var QB = pt(), QT = pt();

/** [s]B for a 32-byte little-endian scalar s (any 256-bit value), same operations for every s. */
function scalarMultBase(s: Uint8Array): Pt {
  var q = QB, t = QT, b;
  setIdentity(q);
  for (var i = 255; i >= 0; i--) {
    b = (s[i >> 3] >> (i & 7)) & 1;
    ptDbl(q, q);
    ptAdd(t, q, BASE);
    ptCswap(q, t, b);
  }
  return q;
}

// ---- scalars mod L, radix 2^21 ----

/** delta = L - 2^252 in radix-2^21 limbs (6 limbs, < 2^125). */
var DELTA = [1430509, 1626855, 1442968, 997804, 1960495, 683900];
/** L in radix-2^21 limbs (13 limbs; limb 12 = 2^252 / 2^252 = 1). */
var LL = new Float64Array([1430509, 1626855, 1442968, 997804, 1960495, 683900, 0, 0, 0, 0, 0, 0, 1]);
var R21 = 2097152;
/** 3 * 2^72: x + K21 - K21 rounds x to a multiple of 2^21 (same trick as field25519.ts). */
var K21 = 3 * 2097152 * 2097152 * 2097152 * 512;
/** POW2[k] = 2^k for k < 29, by doubling: Espruino's Math.pow is not exact (Math.pow(2, 13) != 8192 there). */
var POW2 = new Float64Array(29);
POW2[0] = 1;
for (var pk = 1; pk < 29; pk++) POW2[pk] = POW2[pk - 1] * 2;

/** Limbs of a little-endian byte string (unnormalised: limb values < 2^29). */
function limbsFromBytes(t: Float64Array, b: Uint8Array): void {
  for (var i = 0; i < t.length; i++) t[i] = 0;
  for (var j = 0; j < b.length; j++) {
    var bit = 8 * j;
    t[(bit / 21) | 0] += b[j] * POW2[bit % 21];
  }
}

/** Floor-carry limbs 0..n-2 so they lie in [0, 2^21); limb n-1 keeps the rest (signed). */
function carryFloor(t: Float64Array, n: number): void {
  for (var i = 0; i < n - 1; i++) {
    var c = Math.floor(t[i] / R21);
    t[i] -= c * R21;
    t[i + 1] += c;
  }
}

var TS = new Float64Array(13);

/** If t (13 limbs, 0..11 in [0, 2^21), value < 2L) >= L, subtract L. Mask select, same work either way. */
function condSubL(t: Float64Array): void {
  var b = 0, c;
  for (var i = 0; i < 13; i++) {
    c = t[i] - LL[i] + b;
    b = c >> 21; // -1 on borrow (c >= -2^21), else 0
    TS[i] = c - b * R21;
  }
  var m = ~b;
  for (i = 0; i < 13; i++) t[i] = t[i] ^ ((t[i] ^ TS[i]) & m);
}

/**
 * x mod L → 32 little-endian bytes. x: 25 signed limbs in radix 2^21 (value < 2^525,
 * each limb below 2^50 in magnitude). Overwrites x.
 */
function reduceL(x: Float64Array): Uint8Array {
  var i, j, k, h, v, K = K21;
  // balanced carry: every limb in [-2^20, 2^20], limb 24 keeps the top
  for (i = 0; i < 24; i++) {
    h = x[i] + K - K;
    x[i] -= h;
    x[i + 1] += h / R21;
  }
  // fold limb i >= 12: 2^(21 i) = 2^(21 (i-12)) 2^252 = -delta 2^(21 (i-12)) (mod L)
  for (i = 24; i >= 12; i--) {
    v = x[i];
    x[i] = 0;
    for (j = 0; j < 6; j++) x[i - 12 + j] -= v * DELTA[j];
    for (k = i - 12; k < i - 1; k++) {
      h = x[k] + K - K;
      x[k] -= h;
      x[k + 1] += h / R21;
    }
  }
  // now |x| < 2^253; floor-carry into 13 limbs, fold the part above 2^252 once more
  carryFloor(x, 13);
  // x[12] holds floor(x / 2^252) in {-2..1}; x[11] in [0, 2^21) after the carry
  v = x[12];
  x[12] = 0;
  for (j = 0; j < 6; j++) x[j] -= v * DELTA[j];
  // |x| < 2^252 + 2^127: add L to make it positive, then at most two subtractions of L
  for (j = 0; j < 13; j++) x[j] += LL[j];
  carryFloor(x, 13);
  condSubL(x);
  condSubL(x);
  var out = new Uint8Array(32), acc = 0, nb = 0, li = 0;
  for (j = 0; j < 32; j++) {
    while (nb < 8) {
      acc += x[li++] * POW2[nb];
      nb += 21;
    }
    out[j] = acc & 255;
    acc = Math.floor(acc / 256);
    nb -= 8;
  }
  return out;
}

var X25 = new Float64Array(25), A13 = new Float64Array(13), B13 = new Float64Array(13), C13 = new Float64Array(13);

/** A 64-byte SHA-512 output as an integer mod L (§5.1.6 step 2/4). */
function reduce64(h: Uint8Array): Uint8Array {
  limbsFromBytes(X25, h);
  return reduceL(X25);
}

/** (r + k s) mod L, all 32-byte little-endian (§5.1.6 step 5). */
function mulAddL(r: Uint8Array, k: Uint8Array, s: Uint8Array): Uint8Array {
  limbsFromBytes(A13, k);
  carryFloor(A13, 13);
  limbsFromBytes(B13, s);
  carryFloor(B13, 13);
  limbsFromBytes(C13, r);
  var x = X25, i, j;
  for (i = 0; i < 25; i++) x[i] = 0;
  for (i = 0; i < 13; i++) x[i] = C13[i];
  for (i = 0; i < 13; i++) for (j = 0; j < 13; j++) x[i + j] += A13[i] * B13[j];
  return reduceL(x);
}

function checkLen(b: Uint8Array, n: number, name: string): void {
  if (!b || b.length !== n) throw new Error('E_ED25519_ARG: ' + name + ' must be ' + n + ' bytes');
}

/** Secret scalar s (clamped, §5.1.5 steps 2-3) into out; returns the 64-byte hash (prefix = bytes 32..63). */
function expandSeed(seed: Uint8Array, out: Uint8Array): Uint8Array {
  var h = sha512(seed);
  for (var i = 0; i < 32; i++) out[i] = h[i];
  out[0] &= 248;
  out[31] = (out[31] & 127) | 64;
  return h;
}

var SK = new Uint8Array(32);

/**
 * The last (seed, public key) pair: a device signs with one key, and signing
 * needs the public key (RFC 8032 §5.1.6 step 4 hashes it), which costs a whole
 * base-point multiplication. Keyed by the seed itself, compared in constant time.
 */
var lastSeed = new Uint8Array(32);
var lastPub: Uint8Array | null = null;

function publicKeyOf(seed: Uint8Array, s: Uint8Array): Uint8Array {
  if (lastPub && ctEqual(seed, lastSeed)) return lastPub;
  var pub = ptEncode(scalarMultBase(s));
  lastSeed.set(seed);
  lastPub = pub;
  return pub;
}

/** Wipe the cached seed (e.g. before a key is retired). */
export function ed25519ForgetKey(): void {
  wipe(lastSeed);
  lastPub = null;
}

/** Public key of a 32-byte seed (§5.1.5). */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  checkLen(seed, 32, 'seed');
  var h = expandSeed(seed, SK);
  var a = publicKeyOf(seed, SK);
  wipe(SK);
  wipe(h);
  var out = new Uint8Array(32);
  out.set(a);
  return out;
}

function wipe(b: Uint8Array): void {
  for (var i = 0; i < b.length; i++) b[i] = 0;
}

function concat3(a: Uint8Array, b: Uint8Array, c: Uint8Array): Uint8Array {
  var o = new Uint8Array(a.length + b.length + c.length);
  o.set(a, 0);
  o.set(b, a.length);
  o.set(c, a.length + b.length);
  return o;
}

/** Signature (64 bytes: R || S) of msg under a 32-byte seed (§5.1.6). Deterministic. */
export function ed25519Sign(msg: Uint8Array, seed: Uint8Array): Uint8Array {
  checkLen(seed, 32, 'seed');
  var s = new Uint8Array(32);
  var h = expandSeed(seed, s);
  var pub = publicKeyOf(seed, s);
  var pm = new Uint8Array(32 + msg.length);
  pm.set(h.subarray(32, 64), 0);
  pm.set(msg, 32);
  var r = reduce64(sha512(pm));
  var rEnc = ptEncode(scalarMultBase(r));
  var k = reduce64(sha512(concat3(rEnc, pub, msg)));
  var S = mulAddL(r, k, s);
  var sig = new Uint8Array(64);
  sig.set(rEnc, 0);
  sig.set(S, 32);
  wipe(s);
  wipe(h);
  wipe(r);
  wipe(pm);
  return sig;
}

/** Little-endian s < L? (public data: early exit is fine) */
function scalarBelowL(s: Uint8Array): boolean {
  var L = [0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10];
  for (var i = 31; i >= 0; i--) {
    if (s[i] < L[i]) return true;
    if (s[i] > L[i]) return false;
  }
  return false;
}

var PA = pt(), PQ = pt(), PBA = pt();

/**
 * Verify a 64-byte signature of msg under a 32-byte public key (§5.1.7, the
 * cofactorless equation [S]B = R + [k]A, checked as encode([S]B - [k]A) == R).
 * Returns false (never throws) on any malformed input.
 */
export function ed25519Verify(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  if (!sig || sig.length !== 64 || !pub || pub.length !== 32) return false;
  var S = sig.subarray(32, 64);
  if (!scalarBelowL(S)) return false;
  var a = PA;
  if (!ptDecode(a, pub)) return false;
  var k = reduce64(sha512(concat3(sig.subarray(0, 32), pub, msg)));
  // -A
  feNeg(a.x, a.x);
  feNeg(a.t, a.t);
  // B - A, for the steps where both bits are set (Straus' trick)
  ptAdd(PBA, BASE, a);
  var q = PQ, bs, bk;
  setIdentity(q);
  for (var i = 255; i >= 0; i--) {
    ptDbl(q, q);
    bs = (S[i >> 3] >> (i & 7)) & 1;
    bk = (k[i >> 3] >> (i & 7)) & 1;
    if (bs && bk) ptAdd(q, q, PBA);
    else if (bs) ptAdd(q, q, BASE);
    else if (bk) ptAdd(q, q, a);
  }
  var enc = ptEncode(q);
  var d = 0;
  for (i = 0; i < 32; i++) d |= enc[i] ^ sig[i];
  return d === 0;
}
