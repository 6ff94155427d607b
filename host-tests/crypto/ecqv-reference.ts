/**
 * Test-only ECQV reference (SEC 4 v1.0 §2.3–2.6) in BigInt over @noble/curves
 * points, with the certificate encoding and Hn of firmware/crypto/ecqv.ts:
 *   Cert_U = compressed P_U ‖ meta;  e = leftmost ⌊log2 n⌋ bits of SHA-256(Cert_U).
 * Written from the spec, independently of the firmware code; never shipped.
 */
import { sha256 } from '@noble/hashes/sha2.js';

/** The subset of a noble Point class this reference uses. */
export interface RefPoint {
  multiply(k: bigint): RefPoint;
  add(o: RefPoint): RefPoint;
  equals(o: RefPoint): boolean;
  toBytes(compressed?: boolean): Uint8Array;
}
export interface RefCurve {
  BASE: RefPoint;
  ZERO: RefPoint;
  fromBytes(b: Uint8Array): RefPoint;
  n: bigint;
  nBits: number;
}

export function b2n(b: Uint8Array): bigint {
  var v = 0n;
  for (var i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[i]);
  return v;
}

/** Hn: the leftmost ⌊log2 n⌋ = nBits − 1 bits of SHA-256(cert). */
export function refHn(C: RefCurve, cert: Uint8Array): bigint {
  var keep = C.nBits - 1;
  var h = b2n(sha256(cert));
  return keep < 256 ? h >> BigInt(256 - keep) : h;
}

/** CA issuance with a given k: P_U = R_U + k·G, Cert_U, r = e·k + d_CA mod n. */
export function refIssue(C: RefCurve, dCA: bigint, RU: Uint8Array, meta: Uint8Array, k: bigint): { cert: Uint8Array; r: bigint; PU: RefPoint } {
  var PU = C.fromBytes(RU).add(C.BASE.multiply(k));
  var pb = PU.toBytes(true);
  var cert = new Uint8Array(pb.length + meta.length);
  cert.set(pb, 0);
  cert.set(meta, pb.length);
  var e = refHn(C, cert);
  return { cert: cert, r: (e * k + dCA) % C.n, PU: PU };
}

/** Private-key reconstruction d_U = e·k_U + r mod n. */
export function refReconstruct(C: RefCurve, kU: bigint, cert: Uint8Array, r: bigint): bigint {
  return (refHn(C, cert) * kU + r) % C.n;
}

/** Public-key extraction Q_U = e·P_U + Q_CA (P_U = the compressed point at the start of cert). */
export function refExtract(C: RefCurve, cert: Uint8Array, pointLen: number, QCA: RefPoint): RefPoint {
  var PU = C.fromBytes(cert.subarray(0, pointLen));
  return PU.multiply(refHn(C, cert)).add(QCA);
}
