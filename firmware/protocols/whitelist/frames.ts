/**
 * Wire codec of the whitelist provisioning protocol (README.md §3 "Frames"):
 * one table of frame types and their sizes, encoders, and a decoder that never
 * throws and returns a numeric code (firmware/codec/codes.ts) instead.
 *
 * Every frame starts with the same 8-byte header:
 *   protocol id u8 (= PROTO_WHITELIST) | version u8 | type u8 | suite u8 | session id u32 (big-endian)
 * and is at most 250 bytes (ESP-NOW v1 payload limit, MAX_FRAME in ports.ts).
 * The codec checks structure only; authenticity is the protocol core's job.
 */
import { MAX_FRAME } from '../../ports/ports.ts';
import { copyBytes, readU16, readU32, writeU16, writeU32, toHex } from '../../bytes/bytes.ts';
import { E_SHORT, E_LONG, E_VERSION, E_TYPE, E_SUITE, E_FIELD, E_PROTOCOL } from '../../codec/codes.ts';
import { PROTO_WHITELIST } from '../../codec/protocol-ids.ts';
import { codeName } from './codes.ts';

export var WL_VERSION = 1;
/** Suite 1: X25519 static-static + one ephemeral, HKDF-SHA256, HMAC-SHA256, AES-128-CCM (§4). */
export var SUITE_X25519 = 1;
/**
 * Suite 2 (optional, strict, §9): as suite 1 plus an enrollee ephemeral Y in
 * PRESENCE, mixing X25519(y, C) and X25519(y, X) into the keys (KCI resistance,
 * forward secrecy). Same primitives; only PRESENCE and the key input differ.
 */
export var SUITE_STRICT = 2;
/** Suites this codec accepts. */
export var KNOWN_SUITES = [SUITE_X25519, SUITE_STRICT];

export var T_PRESENCE = 1;
export var T_CHALLENGE = 2;
export var T_PROOF = 3;
export var T_CONFIG = 4;
export var T_ACK = 5;
export var TYPE_NAMES = ['?', 'PRESENCE', 'CHALLENGE', 'PROOF', 'CONFIG', 'ACK'];

export var HDR_LEN = 8;
export var KEY_LEN = 32;
export var NONCE_LEN = 16;
/** Truncated HMAC-SHA256 tags in CHALLENGE and PROOF (128 bits). */
export var TAG_LEN = 16;
/** AES-CCM tag length in CONFIG and ACK. */
export var AEAD_TAG_LEN = 8;

/**
 * PRESENCE: header, E, Ne, held u32, caps u8, counter u32, listen window u16
 * (ms), gap u16 (s), tag_P (README §3, §4; the window since issue 14: the
 * enrollee's receiver is on only for `win` ms after each PRESENCE, and the next
 * PRESENCE comes within `gap` s; both under tag_P, so nobody can shrink them).
 */
export var PRESENCE_LEN = HDR_LEN + KEY_LEN + NONCE_LEN + 4 + 1 + 4 + 2 + 2 + TAG_LEN; // 85
/** Suite 2 PRESENCE: E, Y, Ne, held, caps, counter, tag_P. */
export var PRESENCE2_LEN = PRESENCE_LEN + KEY_LEN; // 117
/** CHALLENGE: header, X, Nc, tag_C (ephemeral keys), tag_S (static key, checked first). */
export var CHALLENGE_LEN = HDR_LEN + KEY_LEN + NONCE_LEN + TAG_LEN + TAG_LEN; // 88
/** The part of CHALLENGE covered by the transcript before its tags. */
export var CHALLENGE_BODY_LEN = HDR_LEN + KEY_LEN + NONCE_LEN; // 56
export var PROOF_LEN = HDR_LEN + TAG_LEN; // 24
/** CONFIG: header, fragment index u8, fragment count u8, sealed fragment. */
export var CONFIG_HDR_LEN = HDR_LEN + 2; // 10
/** Largest plaintext one CONFIG fragment carries. */
export var FRAG_MAX = MAX_FRAME - CONFIG_HDR_LEN - AEAD_TAG_LEN; // 232
export var MAX_FRAGS = 8;
/** Largest encoded configuration record (§5): exactly what MAX_FRAGS fragments carry. */
export var CONFIG_MAX = FRAG_MAX * MAX_FRAGS; // 1856 = firmware/codec/config-record.ts CONFIG_MAX
export var CONFIG_MIN_LEN = CONFIG_HDR_LEN + 1 + AEAD_TAG_LEN;
/** ACK plaintext: result u8, config version u32. */
export var ACK_PT_LEN = 5;
export var ACK_LEN = HDR_LEN + ACK_PT_LEN + AEAD_TAG_LEN; // 21

/** Largest listen window and gap a PRESENCE can announce (u16 fields). */
export var WIN_MAX = 65535;
export var GAP_MAX = 65535;

/** Capability bits in PRESENCE (informational; inside the transcript). */
export var CAP_WIFI = 1;
export var CAP_SETTINGS = 2;

/** A decoded frame. Fields beyond the header are present for their type only. */
export interface WlFrame {
  version: number;
  type: number;
  suite: number;
  sid: number;
  /** PRESENCE */
  E?: Uint8Array;
  /** PRESENCE: the enrollee's presence counter (never decreases over the device's life) */
  ctr?: number;
  /** PRESENCE, suite 2 only: the enrollee's ephemeral public key */
  Y?: Uint8Array;
  ne?: Uint8Array;
  held?: number;
  caps?: number;
  /**
   * PRESENCE: ms the enrollee's receiver stays on after this PRESENCE (0 = always
   * on, an enrollee that does not duty-cycle) and s within which its next
   * PRESENCE comes (the longest interval, jitter included; README §2.1)
   */
  win?: number;
  gap?: number;
  /** CHALLENGE */
  X?: Uint8Array;
  nc?: Uint8Array;
  /** CHALLENGE (tag_C), PROOF (tag_E), PRESENCE (tag_P) */
  tag?: Uint8Array;
  /** CHALLENGE: tag_S, under the static secret ss alone */
  tagS?: Uint8Array;
  /** CONFIG */
  idx?: number;
  count?: number;
  /** CONFIG and ACK: ciphertext ‖ CCM tag */
  sealed?: Uint8Array;
}

/** Decoder result: code 0 and a frame, or a decode error code and null. */
export interface DecodeResult {
  code: number;
  frame: WlFrame | null;
}

function header(len: number, type: number, suite: number, sid: number): Uint8Array {
  var b = new Uint8Array(len);
  b[0] = PROTO_WHITELIST;
  b[1] = WL_VERSION;
  b[2] = type;
  b[3] = suite;
  writeU32(b, 4, sid);
  return b;
}

function need(a: Uint8Array, n: number, name: string): void {
  if (!(a instanceof Uint8Array) || a.length !== n) throw new Error('E_FIELD: ' + name + ' must be ' + n + ' bytes');
}

function u16(v: number | undefined, name: string): number {
  var x = v === undefined ? 0 : v;
  if (typeof x !== 'number' || x < 0 || x > 65535 || x % 1 !== 0) throw new Error('E_FIELD: ' + name + ' must be a u16');
  return x;
}

/**
 * PRESENCE without its tag (what tag_P covers, README §4); `Y` is required for
 * suite 2 and must be absent otherwise. `win` (ms) and `gap` (s) announce the
 * enrollee's listen window (README §2.1; 0 when absent). The tag is appended by
 * `encodePresence`.
 */
export function encodePresenceBody(suite: number, E: Uint8Array, ne: Uint8Array, held: number, caps: number, ctr: number, Y?: Uint8Array, win?: number, gap?: number): Uint8Array {
  need(E, KEY_LEN, 'E');
  need(ne, NONCE_LEN, 'ne');
  var strict = suite === SUITE_STRICT;
  if (strict) need(Y as Uint8Array, KEY_LEN, 'Y');
  else if (Y) throw new Error('E_FIELD: Y only in suite 2');
  var len = (strict ? PRESENCE2_LEN : PRESENCE_LEN) - TAG_LEN;
  var b = header(len, T_PRESENCE, suite, 0);
  var off = HDR_LEN;
  b.set(E, off);
  off += KEY_LEN;
  if (strict) {
    b.set(Y as Uint8Array, off);
    off += KEY_LEN;
  }
  b.set(ne, off);
  off += NONCE_LEN;
  writeU32(b, off, held);
  b[off + 4] = caps & 255;
  writeU32(b, off + 5, ctr);
  writeU16(b, off + 9, u16(win, 'win'));
  writeU16(b, off + 11, u16(gap, 'gap'));
  return b;
}

/** PRESENCE = body ‖ tag_P. */
export function encodePresence(body: Uint8Array, tag: Uint8Array): Uint8Array {
  if (!(body instanceof Uint8Array) || (body.length !== PRESENCE_LEN - TAG_LEN && body.length !== PRESENCE2_LEN - TAG_LEN)) {
    throw new Error('E_FIELD: body must be a PRESENCE body');
  }
  need(tag, TAG_LEN, 'tag');
  var b = new Uint8Array(body.length + TAG_LEN);
  b.set(body, 0);
  b.set(tag, body.length);
  return b;
}

/** CHALLENGE without its tag: the transcript covers exactly these bytes (§4). */
export function encodeChallengeBody(suite: number, sid: number, X: Uint8Array, nc: Uint8Array): Uint8Array {
  need(X, KEY_LEN, 'X');
  need(nc, NONCE_LEN, 'nc');
  var b = header(CHALLENGE_BODY_LEN, T_CHALLENGE, suite, sid);
  b.set(X, HDR_LEN);
  b.set(nc, HDR_LEN + KEY_LEN);
  return b;
}

/** CHALLENGE = body ‖ tag_C ‖ tag_S (README §3, §4). */
export function encodeChallenge(body: Uint8Array, tagC: Uint8Array, tagS: Uint8Array): Uint8Array {
  need(body, CHALLENGE_BODY_LEN, 'body');
  need(tagC, TAG_LEN, 'tagC');
  need(tagS, TAG_LEN, 'tagS');
  var b = new Uint8Array(CHALLENGE_LEN);
  b.set(body, 0);
  b.set(tagC, CHALLENGE_BODY_LEN);
  b.set(tagS, CHALLENGE_BODY_LEN + TAG_LEN);
  return b;
}

export function encodeProof(suite: number, sid: number, tag: Uint8Array): Uint8Array {
  need(tag, TAG_LEN, 'tag');
  var b = header(PROOF_LEN, T_PROOF, suite, sid);
  b.set(tag, HDR_LEN);
  return b;
}

/** The 10 bytes before a CONFIG fragment's ciphertext; also its AAD prefix (§4.4). */
export function configHeader(suite: number, sid: number, idx: number, count: number): Uint8Array {
  var b = header(CONFIG_HDR_LEN, T_CONFIG, suite, sid);
  b[HDR_LEN] = idx;
  b[HDR_LEN + 1] = count;
  return b;
}

export function encodeConfig(hdr: Uint8Array, sealed: Uint8Array): Uint8Array {
  if (CONFIG_HDR_LEN + sealed.length > MAX_FRAME) throw new Error('E_FIELD: fragment too large');
  var b = new Uint8Array(CONFIG_HDR_LEN + sealed.length);
  b.set(hdr, 0);
  b.set(sealed, CONFIG_HDR_LEN);
  return b;
}

/** The 8-byte ACK header; also its AAD prefix. */
export function ackHeader(suite: number, sid: number): Uint8Array {
  return header(HDR_LEN, T_ACK, suite, sid);
}

export function encodeAck(hdr: Uint8Array, sealed: Uint8Array): Uint8Array {
  need(sealed, ACK_PT_LEN + AEAD_TAG_LEN, 'sealed');
  var b = new Uint8Array(ACK_LEN);
  b.set(hdr, 0);
  b.set(sealed, HDR_LEN);
  return b;
}

function fail(code: number): DecodeResult {
  return { code: code, frame: null };
}

function isKnownSuite(s: number): boolean {
  for (var i = 0; i < KNOWN_SUITES.length; i++) if (KNOWN_SUITES[i] === s) return true;
  return false;
}

/**
 * Decode one frame. Checks, in order: protocol id, version, type, suite, exact
 * length for the type, then field rules (session id 0 only in PRESENCE;
 * 0 <= idx < count <= MAX_FRAGS). Never throws, whatever the input.
 */
export function decodeFrame(b: Uint8Array): DecodeResult {
  if (!(b instanceof Uint8Array) || b.length < 1) return fail(E_SHORT);
  if (b[0] !== PROTO_WHITELIST) return fail(E_PROTOCOL);
  if (b.length < 2) return fail(E_SHORT);
  if (b[1] !== WL_VERSION) return fail(E_VERSION);
  if (b.length < 3) return fail(E_SHORT);
  var type = b[2];
  if (type < T_PRESENCE || type > T_ACK) return fail(E_TYPE);
  if (b.length < HDR_LEN) return fail(E_SHORT);
  var suite = b[3];
  if (!isKnownSuite(suite)) return fail(E_SUITE);
  if (b.length > MAX_FRAME) return fail(E_LONG);
  var sid = readU32(b, 4);
  var f: WlFrame = { version: b[1], type: type, suite: suite, sid: sid };
  var n = b.length;
  if (type === T_PRESENCE) {
    var plen = suite === SUITE_STRICT ? PRESENCE2_LEN : PRESENCE_LEN;
    if (n < plen) return fail(E_SHORT);
    if (n > plen) return fail(E_LONG);
    if (sid !== 0) return fail(E_FIELD);
    var off = HDR_LEN;
    f.E = copyBytes(b, off, off + KEY_LEN);
    off += KEY_LEN;
    if (suite === SUITE_STRICT) {
      f.Y = copyBytes(b, off, off + KEY_LEN);
      off += KEY_LEN;
    }
    f.ne = copyBytes(b, off, off + NONCE_LEN);
    off += NONCE_LEN;
    f.held = readU32(b, off);
    f.caps = b[off + 4];
    f.ctr = readU32(b, off + 5);
    f.win = readU16(b, off + 9);
    f.gap = readU16(b, off + 11);
    f.tag = copyBytes(b, plen - TAG_LEN, plen);
    return { code: 0, frame: f };
  }
  if (sid === 0) {
    // Check length first so a truncated frame reports E_SHORT whatever its bytes.
    var min = type === T_CHALLENGE ? CHALLENGE_LEN : type === T_PROOF ? PROOF_LEN : type === T_CONFIG ? CONFIG_MIN_LEN : ACK_LEN;
    if (n < min) return fail(E_SHORT);
  }
  if (type === T_CHALLENGE) {
    if (n < CHALLENGE_LEN) return fail(E_SHORT);
    if (n > CHALLENGE_LEN) return fail(E_LONG);
    if (sid === 0) return fail(E_FIELD);
    f.X = copyBytes(b, HDR_LEN, HDR_LEN + KEY_LEN);
    f.nc = copyBytes(b, HDR_LEN + KEY_LEN, CHALLENGE_BODY_LEN);
    f.tag = copyBytes(b, CHALLENGE_BODY_LEN, CHALLENGE_BODY_LEN + TAG_LEN);
    f.tagS = copyBytes(b, CHALLENGE_BODY_LEN + TAG_LEN, CHALLENGE_LEN);
    return { code: 0, frame: f };
  }
  if (type === T_PROOF) {
    if (n < PROOF_LEN) return fail(E_SHORT);
    if (n > PROOF_LEN) return fail(E_LONG);
    if (sid === 0) return fail(E_FIELD);
    f.tag = copyBytes(b, HDR_LEN, PROOF_LEN);
    return { code: 0, frame: f };
  }
  if (type === T_CONFIG) {
    if (n < CONFIG_MIN_LEN) return fail(E_SHORT);
    if (sid === 0) return fail(E_FIELD);
    var idx = b[HDR_LEN];
    var count = b[HDR_LEN + 1];
    if (count < 1 || count > MAX_FRAGS || idx >= count) return fail(E_FIELD);
    f.idx = idx;
    f.count = count;
    f.sealed = copyBytes(b, CONFIG_HDR_LEN, n);
    return { code: 0, frame: f };
  }
  // T_ACK
  if (n < ACK_LEN) return fail(E_SHORT);
  if (n > ACK_LEN) return fail(E_LONG);
  if (sid === 0) return fail(E_FIELD);
  f.sealed = copyBytes(b, HDR_LEN, ACK_LEN);
  return { code: 0, frame: f };
}

function short(b: Uint8Array | undefined): string {
  return b ? toHex(b.subarray(0, 4)) + '..' : '-';
}

/** One line describing a frame, for traces and the CLI (never throws). */
export function frameSummary(b: Uint8Array): string {
  var d = decodeFrame(b);
  if (!d.frame) return 'undecodable (' + codeName(d.code) + ', ' + (b ? b.length : 0) + ' bytes)';
  var f = d.frame;
  var s = TYPE_NAMES[f.type] + ' v' + f.version + ' suite ' + f.suite + (f.type === T_PRESENCE ? '' : ' sid ' + f.sid);
  if (f.type === T_PRESENCE) s += ' E ' + short(f.E) + (f.Y ? ' Y ' + short(f.Y) : '') + ' Ne ' + short(f.ne) + ' held ' + f.held + ' caps ' + f.caps + ' ctr ' + f.ctr + ' win ' + f.win + ' ms gap ' + f.gap + ' s';
  else if (f.type === T_CHALLENGE) s += ' X ' + short(f.X) + ' Nc ' + short(f.nc);
  else if (f.type === T_CONFIG) s += ' fragment ' + ((f.idx as number) + 1) + '/' + f.count + ' ' + (f.sealed as Uint8Array).length + ' sealed bytes';
  return s + ' (' + b.length + ' bytes)';
}
