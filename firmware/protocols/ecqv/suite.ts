/**
 * The crypto an ECQV core needs, injected (README.md §4). The cores import no
 * primitive: the firmware builds a suite from firmware/crypto/ (suite-firmware.ts);
 * tests wrap one to count calls (the cookie-flood test counts every scalar
 * multiplication) or to make a forger.
 *
 * EC operations, each named by what it costs:
 *   request  — one base-point multiplication (R_U = r_U·G)
 *   issue    — one base-point multiplication and one addition (P_U = R_U + k·G)
 *   receive  — one Straus double multiplication (e·P_U + Q_CA, public) and one
 *              base-point multiplication (the d_U·G check)
 *   cacheCa  — one variable-base multiplication (d·Q_CA), once per certificate
 *   agree    — one variable-base multiplication ((d·e_V)·P_V), per peer
 *   sign     — one base-point multiplication; verify — one Straus
 * Point decoding (a square root) is not a multiplication.
 */
export interface EcqvSuite {
  /** suite id in every frame header (frames.ts SUITE_*) */
  id: number;
  /** compressed point and scalar sizes of the curve */
  pt: number;
  sc: number;
  sha256(m: Uint8Array): Uint8Array;
  hmac(key: Uint8Array, m: Uint8Array): Uint8Array;
  hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, len: number): Uint8Array;
  /** AES-128-CCM: ciphertext ‖ tag; nonce 13 bytes */
  seal(key: Uint8Array, nonce13: Uint8Array, pt: Uint8Array, aad: Uint8Array, tagLen: number): Uint8Array;
  open(key: Uint8Array, nonce13: Uint8Array, ct: Uint8Array, aad: Uint8Array, tagLen: number): Uint8Array | null;
  /** SEC 4 §2.3: r_U from `rand`, R_U = r_U·G (compressed). */
  request(rand: (n: number) => Uint8Array): { kU: Uint8Array; RU: Uint8Array };
  /** SEC 4 §2.4: Cert_U = P_U ‖ meta, s. Throws E_POINT on a bad R_U. */
  issue(dCA: Uint8Array, RU: Uint8Array, meta: Uint8Array, rand: (n: number) => Uint8Array): { cert: Uint8Array; s: Uint8Array };
  /** SEC 4 §2.5–2.6: d_U, checked against d_U·G = e·P_U + Q_CA. Throws E_POINT / E_ECQV. */
  receive(kU: Uint8Array, cert: Uint8Array, s: Uint8Array, caPub: Uint8Array): { dU: Uint8Array };
  /** d·Q_CA, uncompressed. */
  cacheCa(d: Uint8Array, caPub: Uint8Array): Uint8Array;
  /** x(d·Q_peer) from the peer's certificate and the cached d·Q_CA. Throws E_POINT / E_ECQV. */
  agree(d: Uint8Array, dQca: Uint8Array, cert: Uint8Array): Uint8Array;
  /** ECDSA (RFC 6979 nonce) over SHA-256(msg): r ‖ s. */
  sign(priv: Uint8Array, msg: Uint8Array): Uint8Array;
  verify(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean;
  /** d·G, compressed (keygen and the CA's boot only). */
  publicKey(priv: Uint8Array): Uint8Array;
}
