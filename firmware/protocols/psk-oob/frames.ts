/**
 * Wire codec of the psk-oob protocol (README.md "Frames"): encoders, and one
 * decoder that never throws and returns a numeric code instead. Every message
 * (OOB flights 1, 4, 5; SBR↔SBS flights 2, 3; ESP-NOW CONFIG and ACK) starts
 *   protocol id u8 (= 4) | version u8 | type u8
 * and is at most 250 bytes. Flights 1, 4 and 5 carry the enrollee's ID at
 * offset 3, so an OOB relay routes them without reading further.
 * The codec checks structure only; authenticity is the cores' job.
 */
import { MAX_FRAME } from '../../ports/ports.ts';
import { copyBytes, readU32, writeU32 } from '../../bytes/bytes.ts';
import { E_SHORT, E_LONG, E_VERSION, E_TYPE, E_FIELD, E_PROTOCOL } from '../../codec/codes.ts';
import { PROTO_PSK_OOB } from '../../codec/protocol-ids.ts';

export var PO_VERSION = 1;
export var T_F1 = 1;
export var T_F2 = 2;
export var T_F3 = 3;
export var T_F4 = 4;
export var T_F5 = 5;
export var T_CONFIG = 6;
export var T_ACK = 7;
export var TYPE_NAMES = ['?', 'F1', 'F2', 'F3', 'F4', 'F5', 'CONFIG', 'ACK'];

export var HDR_LEN = 3;
export var ID_LEN = 8;
export var NID_LEN = 4;
export var RN_LEN = 16;
export var KEY_LEN = 16;
/** Random part of a flight's CCM nonce (the 13-byte nonce is type ‖ these 12 bytes). */
export var NONCE_LEN = 12;
/** CCM tag length everywhere. */
export var TAG_LEN = 8;

/** F1: hdr | ID_i | NID | gen u32 | nonce | CCM(RN_i). */
export var F1_AAD_LEN = HDR_LEN + ID_LEN + NID_LEN + 4 + NONCE_LEN; // 31
export var F1_LEN = F1_AAD_LEN + RN_LEN + TAG_LEN; // 55
/** F2: hdr | ID_c | TID u32 | TS u32 | nonce | CCM(RN_c ‖ F1). */
export var F2_AAD_LEN = HDR_LEN + ID_LEN + 4 + 4 + NONCE_LEN; // 31
export var F2_LEN = F2_AAD_LEN + RN_LEN + F1_LEN + TAG_LEN; // 110
/** F3: hdr | ID_c | TID | TS (echoed) | nonce | CCM(result u16 ‖ gen u32 ‖ K_f4 ‖ PSK' ‖ RN_i). */
export var F3_AAD_LEN = F2_AAD_LEN; // 31
export var F3_PT_LEN = 2 + 4 + KEY_LEN + KEY_LEN + RN_LEN; // 54
export var F3_LEN = F3_AAD_LEN + F3_PT_LEN + TAG_LEN; // 93
/** F4: hdr | ID_i | ID_c | TID | gen u32 | nonce | CCM(RN_i ‖ RN_c). */
export var F4_AAD_LEN = HDR_LEN + ID_LEN + ID_LEN + 4 + 4 + NONCE_LEN; // 39
export var F4_LEN = F4_AAD_LEN + 2 * RN_LEN + TAG_LEN; // 79
/** F5: hdr | ID_i | TID | MAC of the enrollee | nonce | CCM(RN_c). */
export var F5_AAD_LEN = HDR_LEN + ID_LEN + 4 + 6 + NONCE_LEN; // 33
export var F5_LEN = F5_AAD_LEN + RN_LEN + TAG_LEN; // 57
/** CONFIG: hdr | TID | idx u8 | count u8 | CCM(fragment). */
export var CONFIG_HDR_LEN = HDR_LEN + 4 + 2; // 9
export var FRAG_MAX = MAX_FRAME - CONFIG_HDR_LEN - TAG_LEN; // 233
export var MAX_FRAGS = 8;
export var CONFIG_MIN_LEN = CONFIG_HDR_LEN + 1 + TAG_LEN;
/** ACK: hdr | TID | CCM(result u8 ‖ version u32). */
export var ACK_HDR_LEN = HDR_LEN + 4; // 7
export var ACK_LEN = ACK_HDR_LEN + 5 + TAG_LEN; // 20

/** A decoded message: fields beyond the header are present for its type only. */
export interface PoFrame {
  type: number;
  /** F1, F4, F5: the enrollee's ID */
  id?: Uint8Array;
  /** F2, F3, F4: the controller's ID */
  idc?: Uint8Array;
  nid?: number;
  /** F1, F4: the key generation (0 = the installer's IK) */
  gen?: number;
  tid?: number;
  ts?: number;
  mac?: Uint8Array;
  nonce?: Uint8Array;
  /** CONFIG */
  idx?: number;
  count?: number;
  /** the bytes the CCM tag covers as additional data (everything before the ciphertext) */
  aad?: Uint8Array;
  /** ciphertext ‖ tag */
  sealed?: Uint8Array;
}

export interface DecodeResult {
  code: number;
  frame: PoFrame | null;
}

function hdr(len: number, type: number): Uint8Array {
  var b = new Uint8Array(len);
  b[0] = PROTO_PSK_OOB;
  b[1] = PO_VERSION;
  b[2] = type;
  return b;
}

function need(a: Uint8Array, n: number, name: string): void {
  if (!(a instanceof Uint8Array) || a.length !== n) throw new Error('E_FIELD: ' + name + ' must be ' + n + ' bytes');
}

/** The 13-byte CCM nonce of a flight: its type, then its 12 random bytes. */
export function flightNonce(type: number, n12: Uint8Array): Uint8Array {
  var n = new Uint8Array(13);
  n[0] = type;
  n.set(n12, 1);
  return n;
}

/** The 13-byte CCM nonce of an in-band frame: type ‖ TID ‖ fragment index ‖ zeros (keys are per TID). */
export function bandNonce(type: number, tid: number, idx: number): Uint8Array {
  var n = new Uint8Array(13);
  n[0] = type;
  writeU32(n, 1, tid);
  n[5] = idx;
  return n;
}

/** F1's additional data (the frame up to its ciphertext). */
export function f1Aad(id: Uint8Array, nid: number, gen: number, nonce: Uint8Array): Uint8Array {
  need(id, ID_LEN, 'id');
  need(nonce, NONCE_LEN, 'nonce');
  var b = hdr(F1_AAD_LEN, T_F1);
  b.set(id, 3);
  writeU32(b, 11, nid);
  writeU32(b, 15, gen);
  b.set(nonce, 19);
  return b;
}

export function f2Aad(idc: Uint8Array, tid: number, ts: number, nonce: Uint8Array, type?: number): Uint8Array {
  need(idc, ID_LEN, 'idc');
  need(nonce, NONCE_LEN, 'nonce');
  var b = hdr(F2_AAD_LEN, type || T_F2);
  b.set(idc, 3);
  writeU32(b, 11, tid);
  writeU32(b, 15, ts);
  b.set(nonce, 19);
  return b;
}

export function f4Aad(id: Uint8Array, idc: Uint8Array, tid: number, gen: number, nonce: Uint8Array): Uint8Array {
  need(id, ID_LEN, 'id');
  need(idc, ID_LEN, 'idc');
  need(nonce, NONCE_LEN, 'nonce');
  var b = hdr(F4_AAD_LEN, T_F4);
  b.set(id, 3);
  b.set(idc, 11);
  writeU32(b, 19, tid);
  writeU32(b, 23, gen);
  b.set(nonce, 27);
  return b;
}

export function f5Aad(id: Uint8Array, tid: number, mac: Uint8Array, nonce: Uint8Array): Uint8Array {
  need(id, ID_LEN, 'id');
  need(mac, 6, 'mac');
  need(nonce, NONCE_LEN, 'nonce');
  var b = hdr(F5_AAD_LEN, T_F5);
  b.set(id, 3);
  writeU32(b, 11, tid);
  b.set(mac, 15);
  b.set(nonce, 21);
  return b;
}

export function configHeader(tid: number, idx: number, count: number): Uint8Array {
  var b = hdr(CONFIG_HDR_LEN, T_CONFIG);
  writeU32(b, 3, tid);
  b[7] = idx;
  b[8] = count;
  return b;
}

export function ackHeader(tid: number): Uint8Array {
  var b = hdr(ACK_HDR_LEN, T_ACK);
  writeU32(b, 3, tid);
  return b;
}

/** A message = its additional data ‖ its sealed part (length checked against the type). */
export function withSealed(aad: Uint8Array, sealed: Uint8Array): Uint8Array {
  var b = new Uint8Array(aad.length + sealed.length);
  b.set(aad, 0);
  b.set(sealed, aad.length);
  if (b.length > MAX_FRAME) throw new Error('E_FIELD: message longer than ' + MAX_FRAME);
  return b;
}

function fail(code: number): DecodeResult {
  return { code: code, frame: null };
}

/** Exact length of each type (CONFIG: its minimum). */
var LENS = [0, F1_LEN, F2_LEN, F3_LEN, F4_LEN, F5_LEN, CONFIG_MIN_LEN, ACK_LEN];
var AADS = [0, F1_AAD_LEN, F2_AAD_LEN, F3_AAD_LEN, F4_AAD_LEN, F5_AAD_LEN, CONFIG_HDR_LEN, ACK_HDR_LEN];

/**
 * Decode one message. Checks, in order: protocol id, version, type, length for
 * the type, then field rules (TID ≠ 0; 0 ≤ idx < count ≤ MAX_FRAGS). Never throws.
 */
export function decodeFrame(b: Uint8Array): DecodeResult {
  if (!(b instanceof Uint8Array) || b.length < 1) return fail(E_SHORT);
  if (b[0] !== PROTO_PSK_OOB) return fail(E_PROTOCOL);
  if (b.length < 2) return fail(E_SHORT);
  if (b[1] !== PO_VERSION) return fail(E_VERSION);
  if (b.length < 3) return fail(E_SHORT);
  var type = b[2];
  if (type < T_F1 || type > T_ACK) return fail(E_TYPE);
  var n = b.length;
  if (n < LENS[type]) return fail(E_SHORT);
  if (n > MAX_FRAME || (type !== T_CONFIG && n > LENS[type])) return fail(E_LONG);
  var f: PoFrame = { type: type };
  var a = AADS[type];
  f.aad = copyBytes(b, 0, a);
  f.sealed = copyBytes(b, a, n);
  if (type === T_F1) {
    f.id = copyBytes(b, 3, 11);
    f.nid = readU32(b, 11);
    f.gen = readU32(b, 15);
    f.nonce = copyBytes(b, 19, 31);
  } else if (type === T_F2 || type === T_F3) {
    f.idc = copyBytes(b, 3, 11);
    f.tid = readU32(b, 11);
    f.ts = readU32(b, 15);
    f.nonce = copyBytes(b, 19, 31);
  } else if (type === T_F4) {
    f.id = copyBytes(b, 3, 11);
    f.idc = copyBytes(b, 11, 19);
    f.tid = readU32(b, 19);
    f.gen = readU32(b, 23);
    f.nonce = copyBytes(b, 27, 39);
  } else if (type === T_F5) {
    f.id = copyBytes(b, 3, 11);
    f.tid = readU32(b, 11);
    f.mac = copyBytes(b, 15, 21);
    f.nonce = copyBytes(b, 21, 33);
  } else {
    f.tid = readU32(b, 3);
    if (type === T_CONFIG) {
      var idx = b[7];
      var count = b[8];
      if (count < 1 || count > MAX_FRAGS || idx >= count) return fail(E_FIELD);
      f.idx = idx;
      f.count = count;
    }
  }
  if (type !== T_F1 && f.tid === 0) return fail(E_FIELD);
  return { code: 0, frame: f };
}
