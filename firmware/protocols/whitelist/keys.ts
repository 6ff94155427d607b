/**
 * Key schedule and transcript of suite 1 (README.md §4).
 * Shared by both roles so the two sides cannot drift apart.
 *
 *   H1 = SHA-256(LABEL ‖ C ‖ PRESENCE ‖ CHALLENGE-without-tag)
 *   K  = HKDF-SHA256(ikm = ss ‖ es, salt = H1, info = INFO, 96 bytes)
 *        = kCm (32) ‖ kEm (32) ‖ kCe (16) ‖ kEe (16)
 *   challenge tag = HMAC(kCm, H1)[0..16]      H2 = SHA-256(H1 ‖ challenge tag)
 *   proof tag     = HMAC(kEm, H2)[0..16]      H3 = SHA-256(H2 ‖ proof tag)
 *   CONFIG fragment i: CCM(kCe, nonce(1, sid, i), AAD = frame header ‖ H3)
 *   ACK:               CCM(kEe, nonce(2, sid, 0), AAD = frame header ‖ H3)
 *
 * Before any of that, two tags under the static secret ss = X25519(e, C) alone,
 * which both sides hold without a scalar multiplication (the enrollee in its
 * identity file, the configurator in its whitelist; README §4.1 "Stranding"):
 *   tag_P = HMAC(ss, LABEL_P ‖ PRESENCE-without-tag)[0..16]    (enrollee → configurator)
 *   tag_S = HMAC(ss, LABEL_S ‖ tag_P ‖ CHALLENGE[0..72))[0..16]  (configurator → enrollee; covers tag_C)
 * so a frame forged without a key costs the receiver one HMAC and changes nothing.
 * The two labels differ in their 14th byte, so no message is valid for both.
 *
 * Version and suite sit in every header inside the transcript (threat 10); the
 * configurator→enrollee and enrollee→configurator keys are distinct slices, so
 * a frame reflected back to its sender never verifies (threat 2).
 */
import { utf8Encode, concatBytes, copyBytes, writeU32 } from '../../bytes/bytes.ts';
import { TAG_LEN } from './frames.ts';
import { WhitelistSuiteCrypto } from './suite.ts';

export var LABEL = utf8Encode('nowboard wl1 transcript');
/** Names the four output slices in order, configurator-side first. */
export var INFO = utf8Encode('nowboard wl1 keys: c2e-mac e2c-mac c2e-enc e2c-enc');
/** Suite 2 (§9): same layout, its own label, ikm = ss ‖ es ‖ X25519(y, C) ‖ X25519(y, X). */
export var INFO2 = utf8Encode('nowboard wl2 keys: c2e-mac e2c-mac c2e-enc e2c-enc');
/** Domain labels of the two static tags (README §4). */
export var LABEL_P = utf8Encode('nowboard wl1 presence');
export var LABEL_S = utf8Encode('nowboard wl1 challenge');
export var DIR_C2E = 1;
export var DIR_E2C = 2;

export interface SessionKeys {
  /** configurator → enrollee confirmation (challenge tag) */
  cm: Uint8Array;
  /** enrollee → configurator confirmation (proof tag) */
  em: Uint8Array;
  /** configurator → enrollee AEAD key (CONFIG) */
  ce: Uint8Array;
  /** enrollee → configurator AEAD key (ACK) */
  ee: Uint8Array;
}

export function transcriptH1(s: WhitelistSuiteCrypto, C: Uint8Array, presence: Uint8Array, chalBody: Uint8Array): Uint8Array {
  return s.sha256(concatBytes([LABEL, C, presence, chalBody]));
}

/**
 * Session keys from the DH outputs: [ss, es] in suite 1, [ss, es, yC, yX] in
 * suite 2 (the info string follows the number of inputs).
 */
export function deriveKeys(s: WhitelistSuiteCrypto, dhs: Uint8Array[], h1: Uint8Array): SessionKeys {
  var ikm = concatBytes(dhs);
  var k = s.hkdf(ikm, h1, dhs.length > 2 ? INFO2 : INFO, 96);
  return { cm: copyBytes(k, 0, 32), em: copyBytes(k, 32, 64), ce: copyBytes(k, 64, 80), ee: copyBytes(k, 80, 96) };
}

export function macTag(s: WhitelistSuiteCrypto, key: Uint8Array, h: Uint8Array): Uint8Array {
  return copyBytes(s.hmac(key, h), 0, TAG_LEN);
}

/** tag_P over a PRESENCE body (the frame without its last 16 bytes). */
export function presenceTag(s: WhitelistSuiteCrypto, ss: Uint8Array, body: Uint8Array): Uint8Array {
  return copyBytes(s.hmac(ss, concatBytes([LABEL_P, body])), 0, TAG_LEN);
}

/**
 * tag_S: proves the CHALLENGE comes from a holder of ss, checked before any
 * X25519. It covers the PRESENCE it answers through that PRESENCE's tag_P (a MAC
 * over every byte of it, under the same ss) and every other byte of the
 * CHALLENGE (header with sid, X, Nc, tag_C), so no byte of a genuine CHALLENGE
 * can be changed without failing here: 5 SHA-256 blocks, no transcript hash first.
 */
export function staticTag(s: WhitelistSuiteCrypto, ss: Uint8Array, presTag: Uint8Array, chalWithTagC: Uint8Array): Uint8Array {
  return copyBytes(s.hmac(ss, concatBytes([LABEL_S, presTag, chalWithTagC])), 0, TAG_LEN);
}

export function chainHash(s: WhitelistSuiteCrypto, h: Uint8Array, tag: Uint8Array): Uint8Array {
  return s.sha256(concatBytes([h, tag]));
}

/** 13-byte CCM nonce: direction u8 ‖ session id u32 ‖ 4 zero bytes ‖ counter u32. */
export function ccmNonce(dir: number, sid: number, ctr: number): Uint8Array {
  var n = new Uint8Array(13);
  n[0] = dir;
  writeU32(n, 1, sid);
  writeU32(n, 9, ctr);
  return n;
}
