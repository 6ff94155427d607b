/**
 * The crypto a whitelist protocol core needs, injected (README.md
 * §4). The cores import no primitive implementation: the firmware builds a suite
 * from firmware/crypto/ (suite-x25519.ts), tests may build one from @noble or
 * wrap one to count calls (the flood test counts `dh` + `dhPub`).
 */
export interface WhitelistSuiteCrypto {
  /** Suite id carried in every frame header and bound into the transcript. */
  id: number;
  /** X25519(priv, pub). Throws on an all-zero (low-order) result. */
  dh(priv: Uint8Array, pub: Uint8Array): Uint8Array;
  /** X25519(priv, 9): the public key of `priv`. */
  dhPub(priv: Uint8Array): Uint8Array;
  sha256(m: Uint8Array): Uint8Array;
  hmac(key: Uint8Array, m: Uint8Array): Uint8Array;
  hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, len: number): Uint8Array;
  /** AES-128-CCM: ciphertext ‖ tag (tagLen bytes). nonce is 13 bytes. */
  seal(key: Uint8Array, nonce13: Uint8Array, pt: Uint8Array, aad: Uint8Array, tagLen: number): Uint8Array;
  /** Inverse of seal; null when the tag does not verify. */
  open(key: Uint8Array, nonce13: Uint8Array, ct: Uint8Array, aad: Uint8Array, tagLen: number): Uint8Array | null;
}
