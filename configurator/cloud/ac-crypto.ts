/**
 * Host-side signatures of the Authentication Cloud (ac-api.ts: ECDSA with
 * SHA-256, r ‖ s hex).
 *
 * P-256 goes through node:crypto (OpenSSL, `dsaEncoding: 'ieee-p1363'` = r ‖ s):
 * an order of magnitude faster than a BigInt implementation, and verifying is
 * the AC's hot path (two verifications and one signature per join).
 * secp160k1 (the paper's curve, SEC 2 v1 §2.4.1) is not in OpenSSL's default
 * set, so @noble/curves' generic Weierstrass ECDSA runs it with the parameters
 * of firmware/crypto/curve-params.ts; SHA-256 is cut to the order's 161 bits as
 * SEC 1 §4.1.3 step 5 says (noble's bits2int does exactly that).
 */
import { createPublicKey, createPrivateKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify, KeyObject, createECDH, ECDH, hkdfSync, createHmac, createHash } from 'node:crypto';
import { weierstrass, ecdsa } from '@noble/curves/abstract/weierstrass.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { SECP160K1_PARAMS } from '../../firmware/crypto/curve-params.ts';
import { GRANT_KEY_LEN, GRANT_LEN, grantKeyInfo, grantMessage } from '../../firmware/protocols/cloud/ac-api.ts';

const big = (h: string) => BigInt('0x' + h);

const secp160k1Point = weierstrass({
  p: big(SECP160K1_PARAMS.p),
  n: big(SECP160K1_PARAMS.n),
  h: 1n,
  a: big(SECP160K1_PARAMS.a),
  b: big(SECP160K1_PARAMS.b),
  Gx: big(SECP160K1_PARAMS.gx),
  Gy: big(SECP160K1_PARAMS.gy),
});
/** ECDSA on secp160k1 with SHA-256 prehash (exported for tests and the simulator's nodes). */
export const secp160k1 = ecdsa(secp160k1Point, sha256);

export const HEX_RE = /^[0-9a-f]*$/;

/** Uncompressed P-256 public key (65 bytes, 04 ‖ X ‖ Y) → KeyObject; throws if not a point on the curve. */
export function p256PublicKey(pub: Uint8Array): KeyObject {
  if (pub.length !== 65 || pub[0] !== 4) throw new Error('P-256 public key must be 65 bytes, uncompressed (04 ‖ X ‖ Y)');
  // JWK import (RFC 7518 §6.2.1; OpenSSL checks the point is on the curve) costs
  // half of an SPKI DER import in Node 20, and a node's key is imported on its join.
  const b = Buffer.from(pub.buffer, pub.byteOffset, pub.length);
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b.subarray(1, 33).toString('base64url'), y: b.subarray(33, 65).toString('base64url') }, format: 'jwk' });
}

/** KeyObject → 65-byte uncompressed point. */
export function p256PublicBytes(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 65));
}

export interface P256KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** uncompressed public point, lowercase hex (130 digits) */
  pubHex: string;
}

export function generateP256(): P256KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, pubHex: Buffer.from(p256PublicBytes(publicKey)).toString('hex') };
}

/** A P-256 key pair as stored in a key file (JWK: node:crypto reads and writes it without DER by hand). */
export interface P256KeyFile {
  kind: 'nowboard-p256';
  id: string;
  jwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string; d: string };
  pub: string;
}

export function keyFileOf(id: string, kp: P256KeyPair): P256KeyFile {
  const jwk = kp.privateKey.export({ format: 'jwk' }) as any;
  return { kind: 'nowboard-p256', id, jwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d }, pub: kp.pubHex };
}

export function keyPairOfFile(f: P256KeyFile): P256KeyPair {
  const privateKey = createPrivateKey({ key: f.jwk as any, format: 'jwk' });
  const publicKey = createPublicKey(privateKey);
  const pubHex = Buffer.from(p256PublicBytes(publicKey)).toString('hex');
  if (f.pub && f.pub !== pubHex) throw new Error('key file: pub does not match the private key');
  return { privateKey, publicKey, pubHex };
}

/** ECDSA P-256 / SHA-256 over UTF-8 text, r ‖ s lowercase hex (ac-api.ts envelope signatures). */
export function signText(key: KeyObject, text: string): string {
  return nodeSign('sha256', Buffer.from(text, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }).toString('hex');
}

export function verifyText(key: KeyObject, text: string, sigHex: string): boolean {
  if (sigHex.length !== 128 || !HEX_RE.test(sigHex)) return false;
  try {
    return nodeVerify('sha256', Buffer.from(text, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sigHex, 'hex'));
  } catch {
    return false;
  }
}

/**
 * A node's signature over its join statement (ac-api.ts joinStatementBytes),
 * with the public key registered for it. Never throws: any malformed key or
 * signature is `false`.
 */
export function verifyNodeSig(curve: string, pubHex: string, msg: Uint8Array, sigHex: string): boolean {
  try {
    if (!HEX_RE.test(sigHex) || !HEX_RE.test(pubHex)) return false;
    const sig = Buffer.from(sigHex, 'hex');
    if (curve === 'p256') {
      if (sig.length !== 64) return false;
      const key = cachedP256(pubHex);
      return nodeVerify('sha256', msg, { key, dsaEncoding: 'ieee-p1363' }, sig);
    }
    if (curve === 'secp160k1') {
      // r ‖ s, 21 bytes each (n has 161 bits). High-S accepted, as FIPS 186-4 verification does:
      // replay is refused by the (sn, nonce) key, not by signature uniqueness.
      if (sig.length !== 42) return false;
      return secp160k1.verify(sig, msg, Buffer.from(pubHex, 'hex'), { lowS: false });
    }
    return false;
  } catch {
    return false;
  }
}

/** Parsed P-256 keys by hex (trust-list and BR keys are read for every request). */
const p256Cache = new Map<string, KeyObject>();
export function cachedP256(pubHex: string): KeyObject {
  let k = p256Cache.get(pubHex);
  if (!k) {
    k = p256PublicKey(Buffer.from(pubHex, 'hex'));
    if (p256Cache.size > 10000) p256Cache.clear();
    p256Cache.set(pubHex, k);
  }
  return k;
}

/** P-256 field prime and b (SEC 2 v2 §2.4.2), for the on-curve check below. */
const P256_P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

/**
 * 04 ‖ X ‖ Y (130 hex digits) on P-256: coordinates below p and y² = x³ − 3x + b
 * (SEC 1 v2 §3.2.2.1 steps 1–3; the cofactor is 1, so no subgroup step). Two
 * BigInt products, ~15 µs, where importing the key into OpenSSL to have it
 * checked costs ~100 µs — and every join carries a fresh R (the BR's eph).
 */
function p256OnCurve(pubHex: string): boolean {
  if (pubHex.length !== 130 || !pubHex.startsWith('04')) return false;
  const x = BigInt('0x' + pubHex.slice(2, 66));
  const y = BigInt('0x' + pubHex.slice(66));
  if (x >= P256_P || y >= P256_P) return false;
  return (y * y - (x * x * x - 3n * x + P256_B)) % P256_P === 0n;
}

/** Is this a valid public key of the curve (point on the curve, right encoding)? */
export function validPublicKey(curve: string, pubHex: string): boolean {
  try {
    if (!HEX_RE.test(pubHex)) return false;
    if (curve === 'p256') return p256OnCurve(pubHex);
    if (curve === 'secp160k1') {
      if (pubHex.length !== 82 || !pubHex.startsWith('04')) return false;
      secp160k1Point.fromBytes(Buffer.from(pubHex, 'hex')).assertValidity();
      return true;
    }
  } catch {
    return false;
  }
  return false;
}

/**
 * A node's grant key K_an on the AC's side (firmware/protocols/cloud/README.md
 * §4.4): HKDF-SHA256 of x(d_AC · F), F the grant point registered with the node.
 * One P-256 ECDH in OpenSSL through an ECDH object holding d_AC, which takes F
 * as raw bytes (and refuses a point off the curve): half the cost of importing F
 * as a key object first. Cached per (AC key, SN, F), as the key never changes.
 */
const grantKeys = new Map<string, Uint8Array>();
const acEcdh = new Map<string, ECDH>();
export function acGrantKey(acPriv: KeyObject, acPubHex: string, sn: string, gpubHex: string): Uint8Array {
  const ck = acPubHex + ' ' + gpubHex + ' ' + sn;
  let k = grantKeys.get(ck);
  if (!k) {
    let ecdh = acEcdh.get(acPubHex);
    if (!ecdh) {
      ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(Buffer.from((acPriv.export({ format: 'jwk' }) as { d: string }).d, 'base64url'));
      acEcdh.set(acPubHex, ecdh);
    }
    const z = ecdh.computeSecret(Buffer.from(gpubHex, 'hex'));
    k = new Uint8Array(hkdfSync('sha256', z, Buffer.alloc(0), grantKeyInfo(sn, Buffer.from(gpubHex, 'hex')), GRANT_KEY_LEN));
    if (grantKeys.size > 10000) grantKeys.clear();
    grantKeys.set(ck, k);
  }
  return k;
}

/** The grant over one request (ac-api.ts grantMessage), hex. */
export function grantHex(grantKey: Uint8Array, rh: Uint8Array, brId: string, R: Uint8Array, gts: number): string {
  return createHmac('sha256', grantKey).update(grantMessage(rh, brId, R, gts)).digest().subarray(0, GRANT_LEN).toString('hex');
}

export function sha256Bytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(b).digest());
}
