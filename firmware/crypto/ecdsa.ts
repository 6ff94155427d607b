/**
 * ECDSA (SEC 1 v2 §4.1.3 signing, §4.1.4 verification; FIPS 186-4 §6) with
 * deterministic nonces per RFC 6979 §3.2 (HMAC-SHA-256 DRBG; bits2int §2.3.2,
 * int2octets §2.3.3, bits2octets §2.3.4), signatures as raw r‖s (IEEE P1363,
 * each nB bytes, leading zeros kept: fixed width) or strict DER (X.690 DER of
 * SEQUENCE { INTEGER r, INTEGER s }).
 *
 * LOW-S POLICY
 *   - sign always returns low-S: s ≤ (n−1)/2 (s is replaced by n − s otherwise),
 *     so our signatures are not malleable and match noble's `lowS: true` output.
 *   - verify accepts high-S by default, as FIPS 186-4 and Wycheproof do (their
 *     "valid" vectors include high-S signatures); pass {lowS: true} to reject any
 *     s > (n−1)/2 (use it wherever a signature must be unique, e.g. as an id).
 *   - verify always requires 1 ≤ r, s ≤ n−1 and a public key that decodes and
 *     validates (SEC 1 §3.2.2.1); DER input must be minimal (no BER forms, no
 *     negative or zero-padded integers, no trailing bytes).
 *
 * Hashes are reduced as in SEC 1 §4.1.3 step 5 / RFC 6979 bits2int: the leftmost
 * bit-length-of-n bits, then mod n (where it applies).
 */
import { hmacSha256Parts } from './hmac-sha256.ts';
import {
  Curve, Affine, mulBaseCT, mulDoubleVar, decodePoint, scalarInRange, fcanon, fmul, fadd, finv, fromBytes, toBytes,
} from './weierstrass.ts';
import { cmpBytes } from './bignum-limbs.ts';
import { wipe } from '../bytes/bytes.ts';

/** RFC 6979 §2.3.2 bits2int: leftmost nBits bits of b as an nB-byte big-endian integer. */
export function bits2int(C: Curve, b: Uint8Array): Uint8Array {
  var len = b.length, s = 8 * len > C.nBits ? 8 * len - C.nBits : 0, out = new Uint8Array(C.nB);
  var sh = s & 7, q0 = s >> 3;
  for (var j = 0; j < C.nB; j++) {
    var q = q0 + j;
    var lo = q < len ? b[len - 1 - q] : 0;
    var hi = q + 1 < len ? b[len - 2 - q] : 0;
    out[C.nB - 1 - j] = ((lo >> sh) | (hi << (8 - sh))) & 255;
  }
  return out;
}

/** Integer (nB bytes, < 2^nBits) mod n, as a canonical element of Fn. */
function modN(C: Curve, b: Uint8Array): Float64Array {
  var r = new Float64Array(C.Fn.N);
  fromBytes(C.Fn, r, b);
  fcanon(C.Fn, r, r);
  return r;
}

/** RFC 6979 §2.3.4 bits2octets. */
function bits2octets(C: Curve, h: Uint8Array): Uint8Array {
  return toBytes(C.Fn, modN(C, bits2int(C, h)));
}

var B0 = new Uint8Array([0]);
var B1 = new Uint8Array([1]);

/** (n−1)/2 as nB bytes (low-S bound), cached per curve. */
var halfCache: { c: Curve | null; h: Uint8Array } = { c: null, h: new Uint8Array(0) };
function halfN(C: Curve): Uint8Array {
  if (halfCache.c !== C) {
    var n = C.nBytes, h = new Uint8Array(n.length), carry = 0;
    for (var i = 0; i < n.length; i++) {
      h[i] = (n[i] >> 1) | (carry << 7);
      carry = n[i] & 1;
    }
    halfCache.c = C;
    halfCache.h = h;
  }
  return halfCache.h;
}

/**
 * Sign a message hash with private scalar `priv` (nB bytes, 1 ≤ d < n):
 * returns r‖s (2·nB bytes), low-S, nonce per RFC 6979 with HMAC-SHA-256.
 */
export function ecdsaSignHash(C: Curve, hash: Uint8Array, priv: Uint8Array): Uint8Array {
  if (!scalarInRange(C, priv)) throw new Error('E_SCALAR: private key out of range');
  var Fn = C.Fn, nB = C.nB;
  var V: Uint8Array = new Uint8Array(32), K: Uint8Array = new Uint8Array(32), i;
  for (i = 0; i < 32; i++) V[i] = 1;
  var bo = bits2octets(C, hash);
  K = hmacSha256Parts(K, [V, B0, priv, bo]);
  V = hmacSha256Parts(K, [V]);
  K = hmacSha256Parts(K, [V, B1, priv, bo]);
  V = hmacSha256Parts(K, [V]);
  var e = modN(C, bits2int(C, hash));
  var d = new Float64Array(Fn.N);
  fromBytes(Fn, d, priv);
  var kl = new Float64Array(Fn.N), ki = new Float64Array(Fn.N), r = new Float64Array(Fn.N), s = new Float64Array(Fn.N);
  for (var tries = 0; tries < 1000; tries++) {
    // T = V‖V‖… until it has nBits bits (one HMAC block suffices for nBits ≤ 256)
    var T: Uint8Array = new Uint8Array(0);
    while (8 * T.length < C.nBits) {
      V = hmacSha256Parts(K, [V]);
      var T2 = new Uint8Array(T.length + V.length);
      T2.set(T, 0);
      T2.set(V, T.length);
      T = T2;
    }
    var k = bits2int(C, T);
    if (scalarInRange(C, k)) {
      var R = mulBaseCT(C, k);
      var rb = toBytes(C.Fn, modN(C, padTo(toBytes(C.F, R.x), nB)));
      if (scalarInRange(C, rb)) {
        fromBytes(Fn, r, rb);
        fromBytes(Fn, kl, k);
        finv(Fn, ki, kl);
        fmul(Fn, s, r, d);
        fadd(Fn, s, s, e);
        fmul(Fn, s, ki, s);
        var sb = toBytes(Fn, s);
        wipe(k);
        if (scalarInRange(C, sb)) {
          // low-S, branch-free: take n − s when s > (n−1)/2
          var ns = new Float64Array(Fn.N);
          fromBytes(Fn, ns, sb);
          for (i = 0; i < Fn.N; i++) ns[i] = Fn.m[i] - ns[i];
          var nsb = toBytes(Fn, ns);
          var high = cmpBytes(sb, halfN(C)) > 0 ? 1 : 0;
          var out = new Uint8Array(2 * nB);
          out.set(rb, 0);
          for (i = 0; i < nB; i++) out[nB + i] = sb[i] + high * (nsb[i] - sb[i]);
          for (i = 0; i < Fn.N; i++) d[i] = 0;
          return out;
        }
      }
    }
    K = hmacSha256Parts(K, [V, B0]);
    V = hmacSha256Parts(K, [V]);
  }
  throw new Error('E_ECDSA: no nonce');
}

/** Left-pad (or keep) big-endian bytes to `len` (value must fit). */
function padTo(b: Uint8Array, len: number): Uint8Array {
  if (b.length === len) return b;
  var o = new Uint8Array(len);
  if (b.length < len) o.set(b, len - b.length);
  else o.set(b.subarray(b.length - len), 0);
  return o;
}

export interface VerifyOpts {
  /** reject s > (n−1)/2 */
  lowS?: boolean;
}

/**
 * Verify r‖s (2·nB bytes) over a message hash under an encoded public key (or an
 * already validated point). Returns false for any malformed input.
 */
export function ecdsaVerifyHash(C: Curve, sig: Uint8Array, hash: Uint8Array, pub: Uint8Array | Affine, opts?: VerifyOpts): boolean {
  var nB = C.nB, Fn = C.Fn;
  if (!sig || sig.length !== 2 * nB) return false;
  var Q: Affine;
  try {
    Q = pub instanceof Uint8Array ? decodePoint(C, pub) : pub;
  } catch (err) {
    return false;
  }
  var rb = sig.subarray(0, nB), sb = sig.subarray(nB);
  if (!scalarInRange(C, rb) || !scalarInRange(C, sb)) return false;
  if (opts && opts.lowS && cmpBytes(sb, halfN(C)) > 0) return false;
  var e = modN(C, bits2int(C, hash));
  var s = new Float64Array(Fn.N), w = new Float64Array(Fn.N), r = new Float64Array(Fn.N), u = new Float64Array(Fn.N);
  fromBytes(Fn, s, sb);
  fromBytes(Fn, r, rb);
  finv(Fn, w, s);
  fmul(Fn, u, e, w);
  var u1 = toBytes(Fn, u);
  fmul(Fn, u, r, w);
  var u2 = toBytes(Fn, u);
  var R = mulDoubleVar(C, u1, u2, Q);
  if (!R) return false;
  var v = toBytes(Fn, modN(C, padTo(toBytes(C.F, R.x), nB)));
  return cmpBytes(v, padTo(rb, nB)) === 0;
}

// ---------------------------------------------------------------------------
// DER (X.690 §8.3 INTEGER, §8.9 SEQUENCE, §10.1 definite minimal lengths)

function derInt(b: Uint8Array): Uint8Array {
  var i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  var pad = b[i] & 0x80 ? 1 : 0;
  var o = new Uint8Array(2 + pad + b.length - i);
  o[0] = 2;
  o[1] = pad + b.length - i;
  o.set(b.subarray(i), 2 + pad);
  return o;
}

/** r‖s (2·nB bytes) → DER SEQUENCE { INTEGER r, INTEGER s }. */
export function sigToDer(sig: Uint8Array): Uint8Array {
  var h = sig.length / 2;
  var r = derInt(sig.subarray(0, h)), s = derInt(sig.subarray(h));
  var len = r.length + s.length;
  if (len > 127) throw new Error('E_DER: too long');
  var o = new Uint8Array(2 + len);
  o[0] = 0x30;
  o[1] = len;
  o.set(r, 2);
  o.set(s, 2 + r.length);
  return o;
}

/** Strict DER → r‖s (2·nB bytes). Throws E_DER on any deviation. */
export function sigFromDer(der: Uint8Array, nB: number): Uint8Array {
  if (der.length < 2 || der[0] !== 0x30) throw new Error('E_DER: not a sequence');
  if (der[1] >= 0x80) throw new Error('E_DER: long-form length');
  if (der[1] !== der.length - 2) throw new Error('E_DER: sequence length');
  var out = new Uint8Array(2 * nB), pos = 2;
  for (var k = 0; k < 2; k++) {
    if (pos + 2 > der.length || der[pos] !== 2) throw new Error('E_DER: not an integer');
    var L = der[pos + 1];
    if (L >= 0x80) throw new Error('E_DER: long-form length');
    if (L === 0 || pos + 2 + L > der.length) throw new Error('E_DER: integer length');
    var c = der.subarray(pos + 2, pos + 2 + L);
    if (c[0] & 0x80) throw new Error('E_DER: negative integer');
    if (L > 1 && c[0] === 0 && !(c[1] & 0x80)) throw new Error('E_DER: non-minimal integer');
    var v = c[0] === 0 && L > 1 ? c.subarray(1) : c;
    if (v.length > nB) throw new Error('E_DER: integer too large');
    out.set(v, k * nB + nB - v.length);
    pos += 2 + L;
  }
  if (pos !== der.length) throw new Error('E_DER: trailing bytes');
  return out;
}
