/**
 * The crypto the cloud cores use, injected (README §4): tests count calls or
 * swap in @noble, the board bundles take suite-firmware.ts. One suite per
 * curve: a node's (P-256 by default, secp160k1 to reproduce paper 000), and
 * P-256 for the border router's envelopes to the Authentication Cloud.
 */
export interface CloudSuite {
  /** ac-api.ts CURVE_P256 or CURVE_SECP160K1 */
  curve: number;
  /** bytes of a field element and of a scalar */
  pB: number;
  nB: number;
  sha256(m: Uint8Array): Uint8Array;
  /** HMAC-SHA256 (the node checks the AC's grant with it, README §4.4) */
  hmac(key: Uint8Array, m: Uint8Array): Uint8Array;
  hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, len: number): Uint8Array;
  seal(key: Uint8Array, nonce: Uint8Array, pt: Uint8Array, aad: Uint8Array, tagLen: number): Uint8Array;
  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array, tagLen: number): Uint8Array | null;
  /** ECDSA over SHA-256(msg), r ‖ s (2·nB bytes), RFC 6979 nonces, low-S */
  sign(priv: Uint8Array, msg: Uint8Array): Uint8Array;
  verify(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean;
  /** a key pair from a byte source (SEC 1 §3.2.1; uncompressed public key) */
  keyPair(rand: (n: number) => Uint8Array): { priv: Uint8Array; pub: Uint8Array };
  /** x(priv · peer), the peer's point validated first; throws on a bad point */
  dh(priv: Uint8Array, peer: Uint8Array): Uint8Array;
  /** true if `pub` is a valid uncompressed point of this curve */
  validPub(pub: Uint8Array): boolean;
}
