/**
 * The compact implicit certificate of the ECQV protocol (README.md §4).
 * SEC 4 §2.4 leaves the encoding of Cert_U to the application; it only needs
 * P_U recoverable and the whole encoding hashed into e. Ours, after the point
 * that firmware/crypto/ecqv.ts expects first:
 *
 *   P_U compressed (1 + pB) ‖ format u8 (= suite id) ‖ subject U (8) ‖
 *   issued T u32 (CA seconds) ‖ validity u16 (hours) ‖ CA id (4)
 *
 * 52 bytes on P-256, 40 on secp160k1 (Zigbee SE's sect163k1 certificate: 48).
 * Every field is inside e = Hn(Cert_U), so changing any byte changes the
 * reconstructed key: a certificate cannot be re-dated or re-assigned.
 * Parsing here is structure only (no EC work); the point is validated by the
 * caller's suite when it is used.
 */
import { copyBytes, readU32, writeU32, readU16, writeU16, equalBytes } from '../../bytes/bytes.ts';
import { E_CERT } from './codes.ts';

/** Subject (device) id length: 8 bytes, like Zigbee's EUI-64 subject. */
export var ID_LEN = 8;
/** CA id: the first 4 bytes of SHA-256(Q_CA compressed); a selector, not a proof. */
export var CA_ID_LEN = 4;
/** format ‖ U ‖ T ‖ validity ‖ CA id */
export var CERT_META_LEN = 1 + ID_LEN + 4 + 2 + CA_ID_LEN; // 19

export interface CertFields {
  suite: number;
  /** P_U, compressed SEC 1 encoding (not validated here) */
  PU: Uint8Array;
  U: Uint8Array;
  /** issue time, seconds on the CA's clock */
  T: number;
  /** validity in hours from T (1 … 65535) */
  hours: number;
  caId: Uint8Array;
}

export function encodeCertMeta(suite: number, U: Uint8Array, T: number, hours: number, caId: Uint8Array): Uint8Array {
  if (!(U instanceof Uint8Array) || U.length !== ID_LEN) throw new Error('E_FIELD: U must be ' + ID_LEN + ' bytes');
  if (!(caId instanceof Uint8Array) || caId.length !== CA_ID_LEN) throw new Error('E_FIELD: CA id must be 4 bytes');
  if (hours < 1 || hours > 65535 || hours % 1 !== 0) throw new Error('E_FIELD: validity must be 1..65535 hours');
  if (T < 0 || T > 0xffffffff || T % 1 !== 0) throw new Error('E_FIELD: T must be a u32');
  var m = new Uint8Array(CERT_META_LEN);
  m[0] = suite;
  m.set(U, 1);
  writeU32(m, 1 + ID_LEN, T);
  writeU16(m, 5 + ID_LEN, hours);
  m.set(caId, 7 + ID_LEN);
  return m;
}

/**
 * Split a certificate of a suite whose compressed points take `ptLen` bytes.
 * code 0 and the fields, or E_CERT (wrong length, format byte or prefix, zero
 * validity). Never throws.
 */
export function parseCert(cert: Uint8Array, suite: number, ptLen: number): { code: number; c: CertFields | null } {
  if (!(cert instanceof Uint8Array) || cert.length !== ptLen + CERT_META_LEN) return { code: E_CERT, c: null };
  var m = ptLen;
  if (cert[m] !== suite) return { code: E_CERT, c: null };
  var hours = readU16(cert, m + 5 + ID_LEN);
  if (hours < 1) return { code: E_CERT, c: null };
  return {
    code: 0,
    c: {
      suite: suite,
      PU: copyBytes(cert, 0, ptLen),
      U: copyBytes(cert, m + 1, m + 1 + ID_LEN),
      T: readU32(cert, m + 1 + ID_LEN),
      hours: hours,
      caId: copyBytes(cert, m + 7 + ID_LEN, m + 7 + ID_LEN + CA_ID_LEN),
    },
  };
}

/** Seconds (CA clock) after which a certificate is expired. */
export function certNotAfter(c: CertFields): number {
  return c.T + c.hours * 3600;
}

/** true if the certificate names this subject and this CA. */
export function certIs(c: CertFields, U: Uint8Array, caId: Uint8Array): boolean {
  return equalBytes(c.U, U) && equalBytes(c.caId, caId);
}
