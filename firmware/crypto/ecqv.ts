/**
 * ECQV implicit certificates (SEC 4 v1.0: §2.3 certificate request, §2.4 CA
 * issuance, §2.5 private-key reconstruction, §2.6 public-key extraction), over
 * any curve of curve-params.ts, with SHA-256 as the hash.
 *
 * Certificate encoding (ours; SEC 4 leaves it to the application — it only needs
 * P_U recoverable and the whole encoding hashed):
 *   Cert_U = P_U as a compressed SEC 1 point (1 + pB bytes) ‖ meta
 * where `meta` is opaque identity/validity bytes chosen by the caller (it is bound
 * to the key because it is hashed into e).
 *
 * Hn (SEC 4 §2.2, hashing to an integer mod n): e = the leftmost ⌊log2 n⌋ bits of
 * SHA-256(Cert_U), read as a big-endian integer — always < n, no reduction needed.
 *
 * Flow:
 *   requester: k_U random, R_U = k_U·G                      (ecqvRequest)
 *   CA:        k random, P_U = R_U + k·G, Cert_U, e = Hn(Cert_U),
 *              r = e·k + d_CA mod n                          (ecqvIssue)
 *   requester: d_U = e·k_U + r mod n; Q_U = e·P_U + Q_CA; accept only if
 *              d_U·G = Q_U (THREATS #5)                      (ecqvReceive)
 *   anyone:    Q_U = e·P_U + Q_CA from Cert_U alone          (ecqvExtractPublic)
 *   holder of d (device or CA), once:  d·Q_CA                (ecqvCacheCa)
 *   then per peer certificate:  x(d·Q_V), one multiplication (ecqvAgree)
 * Every received point (R_U at the CA; P_U, Q_CA at the requester) is decoded with
 * full validation; a point at infinity anywhere aborts.
 */
import { sha256 } from './sha256.ts';
import {
  Curve, Affine, keyGen, decodePoint, encodePoint, addPublic, mulBaseCT, mulCT, mulDoubleVar, scalarInRange,
  fmul, fadd, fcanon, fromBytes, toBytes,
} from './weierstrass.ts';
import { cmpBytes } from './bignum-limbs.ts';
import { wipe } from '../bytes/bytes.ts';

/** Hn(Cert_U) as nB big-endian bytes: leftmost ⌊log2 n⌋ bits of SHA-256. */
export function ecqvHashToInt(C: Curve, cert: Uint8Array): Uint8Array {
  var h = sha256(cert), keep = C.nBits - 1, len = h.length, out = new Uint8Array(C.nB);
  var s = 8 * len > keep ? 8 * len - keep : 0, sh = s & 7, q0 = s >> 3;
  for (var j = 0; j < C.nB; j++) {
    var q = q0 + j;
    var lo = q < len ? h[len - 1 - q] : 0;
    var hi = q + 1 < len ? h[len - 2 - q] : 0;
    out[C.nB - 1 - j] = ((lo >> sh) | (hi << (8 - sh))) & 255;
  }
  return out;
}

/** (a·b + c) mod n on nB-byte integers (a, b, c < 2^(16·Fn.N)); canonical nB bytes. */
function mulAddN(C: Curve, a: Uint8Array, b: Uint8Array, c: Uint8Array): Uint8Array {
  var Fn = C.Fn, x = new Float64Array(Fn.N), y = new Float64Array(Fn.N), z = new Float64Array(Fn.N);
  fromBytes(Fn, x, a);
  fromBytes(Fn, y, b);
  fromBytes(Fn, z, c);
  fmul(Fn, x, x, y);
  fadd(Fn, x, x, z);
  fcanon(Fn, x, x);
  var out = toBytes(Fn, x);
  for (var i = 0; i < Fn.N; i++) { x[i] = 0; y[i] = 0; z[i] = 0; }
  return out;
}

/** Requester, SEC 4 §2.3: ephemeral k_U and the request point R_U (compressed). */
export function ecqvRequest(C: Curve, randomBytes: (n: number) => Uint8Array): { kU: Uint8Array; RU: Uint8Array } {
  var kp = keyGen(C, randomBytes, true);
  return { kU: kp.priv, RU: kp.pub };
}

/**
 * CA, SEC 4 §2.4: issue Cert_U for the request point RU (validated here) and the
 * private-key contribution r, with the CA's private key caPriv.
 */
export function ecqvIssue(
  C: Curve, caPriv: Uint8Array, RU: Uint8Array, meta: Uint8Array, randomBytes: (n: number) => Uint8Array,
): { cert: Uint8Array; r: Uint8Array } {
  if (!scalarInRange(C, caPriv)) throw new Error('E_SCALAR: CA key out of range');
  var R = decodePoint(C, RU);
  for (var tries = 0; tries < 100; tries++) {
    var kp = keyGen(C, randomBytes, true);
    var kG = decodePoint(C, kp.pub);
    var PU = addPublic(C, R, kG);
    if (!PU) {
      wipe(kp.priv);
      continue; // R_U = −k·G: draw another k
    }
    var pb = encodePoint(C, PU, true);
    var cert = new Uint8Array(pb.length + meta.length);
    cert.set(pb, 0);
    cert.set(meta, pb.length);
    var e = ecqvHashToInt(C, cert);
    var r = mulAddN(C, e, kp.priv, caPriv);
    wipe(kp.priv);
    return { cert: cert, r: r };
  }
  throw new Error('E_ECQV: no usable k');
}

/** P_U from a certificate (validated point) and its meta bytes. */
export function ecqvParseCert(C: Curve, cert: Uint8Array): { PU: Affine; meta: Uint8Array } {
  var L = 1 + C.pB;
  if (cert.length < L) throw new Error('E_ECQV: certificate too short');
  return { PU: decodePoint(C, cert.subarray(0, L)), meta: cert.subarray(L) };
}

/** SEC 4 §2.6: Q_U = e·P_U + Q_CA (encoded, compressed as requested). */
export function ecqvExtractPublic(C: Curve, cert: Uint8Array, caPub: Uint8Array, compressed?: boolean): Uint8Array {
  var PU = ecqvParseCert(C, cert).PU;
  var QCA = decodePoint(C, caPub);
  var e = ecqvHashToInt(C, cert);
  var zero = new Uint8Array(C.nB);
  var eP = mulDoubleVar(C, zero, e, PU);
  if (!eP) throw new Error('E_ECQV: e·P_U is infinity');
  var QU = addPublic(C, eP, QCA);
  if (!QU) throw new Error('E_ECQV: Q_U is infinity');
  return encodePoint(C, QU, !!compressed);
}

/**
 * Requester, SEC 4 §2.5 + §2.6: d_U = e·k_U + r mod n and Q_U = e·P_U + Q_CA;
 * throws E_ECQV unless d_U ∈ [1, n−1] and d_U·G = Q_U (a tampered certificate,
 * r or CA key fails here).
 */
export function ecqvReceive(
  C: Curve, kU: Uint8Array, cert: Uint8Array, r: Uint8Array, caPub: Uint8Array,
): { dU: Uint8Array; QU: Uint8Array } {
  if (!scalarInRange(C, kU)) throw new Error('E_SCALAR: k_U out of range');
  if (r.length !== C.nB || cmpBytes(r, C.nBytes) >= 0) throw new Error('E_ECQV: r out of range');
  var QU = ecqvExtractPublic(C, cert, caPub, false);
  var e = ecqvHashToInt(C, cert);
  var dU = mulAddN(C, e, kU, r);
  if (!scalarInRange(C, dU)) throw new Error('E_ECQV: d_U is zero');
  var check = encodePoint(C, mulBaseCT(C, dU), false);
  if (cmpBytes(check, QU) !== 0) {
    wipe(dU);
    throw new Error('E_ECQV: d_U·G != Q_U');
  }
  return { dU: dU, QU: QU };
}

/**
 * d·Q_CA for a private key d ∈ [1, n−1] (a device's d_U, or the CA's own d_CA),
 * as an uncompressed SEC 1 point: computed once after issuance and cached, so
 * that every later pairwise key costs one variable-base multiplication
 * (ecqvAgree). Constant-time multiplication: d is secret.
 */
export function ecqvCacheCa(C: Curve, d: Uint8Array, caPub: Uint8Array): Uint8Array {
  if (!scalarInRange(C, d)) throw new Error('E_SCALAR: private key out of range');
  var QCA = decodePoint(C, caPub);
  return encodePoint(C, mulCT(C, d, QCA), false);
}

/**
 * Pairwise ECDH with a peer known only by its implicit certificate (SEC 4 §2.6
 * extraction folded into SEC 1 §3.3.1 ECDH): the shared point is
 *   d·Q_V = d·(e_V·P_V + Q_CA) = (d·e_V mod n)·P_V + d·Q_CA,
 * so with dQca = d·Q_CA cached (ecqvCacheCa) it costs ONE variable-base
 * multiplication (constant time: d·e_V is secret) plus one point addition.
 * Returns the x-coordinate (pB bytes). P_V is fully validated first (THREATS #5);
 * an infinite result or product throws E_ECQV. The final addition is the
 * variable-time public one: it only branches on P = ±Q, which an honest input
 * reaches with negligible probability.
 */
export function ecqvAgree(C: Curve, d: Uint8Array, dQca: Uint8Array, peerCert: Uint8Array): Uint8Array {
  if (!scalarInRange(C, d)) throw new Error('E_SCALAR: private key out of range');
  var PV = ecqvParseCert(C, peerCert).PU;
  var cached = decodePoint(C, dQca);
  var e = ecqvHashToInt(C, peerCert);
  var de = mulAddN(C, d, e, new Uint8Array(C.nB));
  if (!scalarInRange(C, de)) throw new Error('E_ECQV: d·e is zero');
  var A = mulCT(C, de, PV);
  wipe(de);
  var K = addPublic(C, A, cached);
  if (!K) throw new Error('E_ECQV: shared point is infinity');
  return toBytes(C.F, K.x);
}
