/**
 * NIST P-256 (FIPS 186-4 D.1.2.3, SEC 2 secp256r1): thin wrappers over the
 * curve-generic code, with SHA-256 (FIPS 180-4) as the ECDSA hash.
 * Keys: private = 32-byte big-endian scalar in [1, n−1]; public = SEC 1 point
 * (65-byte uncompressed by default, 33-byte compressed on request).
 * The curve context (fields, scratch; the base-point table on first use) is built
 * lazily once.
 */
import { P256_PARAMS } from './curve-params.ts';
import { Curve, makeCurve, keyGen, getPublicKey, ecdh } from './weierstrass.ts';
import { ecdsaSignHash, ecdsaVerifyHash, sigToDer, sigFromDer, VerifyOpts } from './ecdsa.ts';
import { sha256 } from './sha256.ts';

var curve: Curve | null = null;

/** The P-256 curve context. */
export function p256(): Curve {
  if (!curve) curve = makeCurve(P256_PARAMS);
  return curve;
}

/** Key pair by rejection sampling (SEC 1 §3.2.1). */
export function p256KeyGen(randomBytes: (n: number) => Uint8Array, compressed?: boolean): { priv: Uint8Array; pub: Uint8Array } {
  return keyGen(p256(), randomBytes, compressed);
}

export function p256GetPublicKey(priv: Uint8Array, compressed?: boolean): Uint8Array {
  return getPublicKey(p256(), priv, compressed);
}

/** ECDH shared secret x(d·Q), 32 bytes; the peer point is validated first. */
export function p256Ecdh(priv: Uint8Array, peerPub: Uint8Array): Uint8Array {
  return ecdh(p256(), priv, peerPub);
}

/** ECDSA-SHA256 signature r‖s (64 bytes, low-S, RFC 6979 nonce) over msg. */
export function p256Sign(msg: Uint8Array, priv: Uint8Array): Uint8Array {
  return ecdsaSignHash(p256(), sha256(msg), priv);
}

/** Verify r‖s over msg (SHA-256). High-S accepted unless opts.lowS. */
export function p256Verify(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array, opts?: VerifyOpts): boolean {
  return ecdsaVerifyHash(p256(), sig, sha256(msg), pub, opts);
}

/** DER-encoded variants. */
export function p256SignDer(msg: Uint8Array, priv: Uint8Array): Uint8Array {
  return sigToDer(p256Sign(msg, priv));
}

export function p256VerifyDer(der: Uint8Array, msg: Uint8Array, pub: Uint8Array, opts?: VerifyOpts): boolean {
  var sig: Uint8Array;
  try {
    sig = sigFromDer(der, 32);
  } catch (err) {
    return false;
  }
  return p256Verify(sig, msg, pub, opts);
}
