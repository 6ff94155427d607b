/**
 * AES-128-CCM, RFC 3610 §2 (= NIST SP 800-38C with the RFC's parameter names):
 * M = tag length in {4,6,8,10,12,14,16}, L = 15 - nonce length with nonce length
 * in 7..13, B0 = flags | nonce | l(m) (§2.2), additional data length encoded in
 * 2 bytes or 0xfffe + 4 bytes (§2.2), CBC-MAC over B0 | AAD | message with zero
 * padding, tag U = T ^ first M bytes of E(A0), message under E(A1), E(A2), ...
 * (§2.3). The protocol uses 13-byte nonces (L = 2: messages up to 65535 bytes)
 * and 8- or 16-byte tags.
 *
 * ccmOpen returns null on any authentication failure (never throws for a bad
 * tag), compares tags in constant time (ctEqual), and wipes the decrypted bytes
 * before refusing them. Illegal parameters throw E_CCM_PARAM; a key that is not
 * 16 bytes throws E_KEY_LENGTH (from aes128.ts).
 */
import { ctEqual } from '../bytes/bytes.ts';
import { aesExpandKey, aesEncryptBlock, aesWipeSchedule, AesSchedule } from './aes128.ts';

// Scratch blocks, allocated once: X = CBC-MAC state, A = counter block, S = key stream.
var X = new Uint8Array(16);
var A = new Uint8Array(16);
var S = new Uint8Array(16);

function param(msg: string): Error {
  return new Error('E_CCM_PARAM ' + msg);
}

/** Checks nonce and tag length; returns L. */
function checkParams(nonce: Uint8Array, tagLen: number): number {
  var n = nonce ? nonce.length : -1;
  if (!(n >= 7 && n <= 13)) throw param('nonce length ' + n + ' not in 7..13');
  if (!(tagLen >= 4 && tagLen <= 16 && (tagLen & 1) === 0 && tagLen === (tagLen | 0))) throw param('tag length ' + tagLen + ' not in {4,6,...,16}');
  return 15 - n;
}

/** Messages must fit in L bytes of length field (only binds for L < 4). */
function checkMsgLen(len: number, L: number): void {
  if (L < 4 && len >= 1 << (8 * L)) throw param('message length ' + len + ' needs more than L=' + L + ' bytes');
}

/** CBC-MAC steps over `d` (zero-padded to whole blocks) into X. */
function macBytes(ks: AesSchedule, d: Uint8Array): void {
  var n = d.length, o = 0, j, m;
  while (o < n) {
    m = n - o < 16 ? n - o : 16;
    for (j = 0; j < m; j++) X[j] ^= d[o + j];
    aesEncryptBlock(ks, X, X);
    o += 16;
  }
}

/** X := CBC-MAC of B0 and the encoded additional data (§2.2); the message follows. */
function macHeader(ks: AesSchedule, nonce: Uint8Array, aad: Uint8Array, tagLen: number, L: number, len: number): void {
  var i, alen = aad.length;
  X[0] = (alen > 0 ? 0x40 : 0) | (((tagLen - 2) >> 1) << 3) | (L - 1);
  X.set(nonce, 1);
  // l(m) big-endian in the last L bytes; lengths here are < 2^32.
  for (i = 0; i < L; i++) X[15 - i] = i < 4 ? (len >>> (8 * i)) & 255 : 0;
  aesEncryptBlock(ks, X, X);
  if (alen > 0) {
    var h = alen < 0xff00 ? 2 : 6;
    var hb = new Uint8Array(h + alen);
    if (h === 2) {
      hb[0] = alen >>> 8;
      hb[1] = alen;
    } else {
      hb[0] = 0xff;
      hb[1] = 0xfe;
      hb[2] = alen >>> 24;
      hb[3] = alen >>> 16;
      hb[4] = alen >>> 8;
      hb[5] = alen;
    }
    hb.set(aad, h);
    macBytes(ks, hb);
  }
}

/** A := A_i (flags = L-1, nonce, counter i in the last L bytes). */
function setCounter(nonce: Uint8Array, L: number, i: number): void {
  A[0] = L - 1;
  A.set(nonce, 1);
  for (var j = 0; j < L; j++) A[15 - j] = j < 4 ? (i >>> (8 * j)) & 255 : 0;
}

/** dst[o..o+m) = src[o..o+m) ^ E(A_i), for each 16-byte block i >= 1. */
function ctr(ks: AesSchedule, nonce: Uint8Array, L: number, src: Uint8Array, dst: Uint8Array, n: number): void {
  var o = 0, i = 1, j, m;
  setCounter(nonce, L, 1);
  while (o < n) {
    aesEncryptBlock(ks, A, S);
    m = n - o < 16 ? n - o : 16;
    for (j = 0; j < m; j++) dst[o + j] = src[o + j] ^ S[j];
    o += 16;
    i++;
    // Counter bytes: the low 2 always exist (L >= 2); carry into the rest rarely.
    A[15] = i;
    A[14] = i >>> 8;
    if (L > 2) A[13] = i >>> 16;
    if (L > 3) A[12] = i >>> 24;
  }
}

/** Tag U = first tagLen bytes of X ^ E(A_0), written at out[o..). */
function finishTag(ks: AesSchedule, nonce: Uint8Array, L: number, tagLen: number, out: Uint8Array, o: number): void {
  setCounter(nonce, L, 0);
  aesEncryptBlock(ks, A, S);
  for (var j = 0; j < tagLen; j++) out[o + j] = X[j] ^ S[j];
}

function clearScratch(): void {
  for (var j = 0; j < 16; j++) {
    X[j] = 0;
    S[j] = 0;
  }
}

/** Encrypt and authenticate: returns ciphertext || tag (plaintext.length + tagLen bytes). */
export function ccmSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, tagLen: number): Uint8Array {
  var L = checkParams(nonce, tagLen);
  var n = plaintext.length;
  checkMsgLen(n, L);
  var ks = aesExpandKey(key);
  var out = new Uint8Array(n + tagLen);
  macHeader(ks, nonce, aad, tagLen, L, n);
  macBytes(ks, plaintext);
  ctr(ks, nonce, L, plaintext, out, n);
  finishTag(ks, nonce, L, tagLen, out, n);
  clearScratch();
  aesWipeSchedule(ks);
  return out;
}

/** Verify and decrypt ciphertext || tag: the plaintext, or null if authentication fails. */
export function ccmOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array, tagLen: number): Uint8Array | null {
  var L = checkParams(nonce, tagLen);
  if (!sealed || sealed.length < tagLen) throw param('sealed length ' + (sealed ? sealed.length : sealed) + ' shorter than the tag');
  var n = sealed.length - tagLen;
  checkMsgLen(n, L);
  var ks = aesExpandKey(key);
  var pt = new Uint8Array(n);
  ctr(ks, nonce, L, sealed, pt, n);
  macHeader(ks, nonce, aad, tagLen, L, n);
  macBytes(ks, pt);
  var tag = new Uint8Array(tagLen);
  finishTag(ks, nonce, L, tagLen, tag, 0);
  clearScratch();
  aesWipeSchedule(ks);
  if (!ctEqual(tag, sealed.subarray(n))) {
    for (var j = 0; j < n; j++) pt[j] = 0;
    return null;
  }
  return pt;
}
