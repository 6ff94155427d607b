/**
 * Wire codec of the border-router + Authentication Cloud protocol (README §3
 * "Frames"): the frame types and their sizes, encoders, and a decoder that
 * never throws and answers a numeric code instead.
 *
 * Every frame starts with the same 4-byte header
 *   protocol id u8 (= PROTO_CLOUD) | version u8 | type u8 | curve u8
 * where `curve` is the node's curve (ac-api.ts CURVE_P256, CURVE_SECP160K1): it
 * fixes the size of the signature in JOIN and of the ephemeral point in KEY.
 * Every frame after JOIN carries the border router's session id (u32, ≠ 0).
 * At most 250 bytes (ESP-NOW v1, MAX_FRAME). Structure only: authenticity is
 * the cores' job.
 */
import { MAX_FRAME } from '../../ports/ports.ts';
import { copyBytes, readU32, writeU32, utf8Encode, toHex } from '../../bytes/bytes.ts';
import { E_SHORT, E_LONG, E_VERSION, E_TYPE, E_SUITE, E_FIELD, E_PROTOCOL } from '../../codec/codes.ts';
import { PROTO_CLOUD } from '../../codec/protocol-ids.ts';
import { CURVE_P256, CURVE_SECP160K1, SN_MAX, MAC_BYTES, NONCE_BYTES, GRANT_LEN, joinStatementBytes } from './ac-api.ts';
import { codeName } from './codes.ts';

/** 2: KEY carries the AC's grant (README §4.4); a version-1 peer is refused with E_VERSION */
export var CLOUD_VERSION = 2;

export var T_JOIN = 1;
export var T_KEY = 2;
export var T_KEYACK = 3;
export var T_CONFIG = 4;
export var T_ACK = 5;
export var TYPE_NAMES = ['?', 'JOIN', 'KEY', 'KEYACK', 'CONFIG', 'ACK'];

export var HDR_LEN = 4;
/** header and session id: the AAD prefix of every sealed frame */
export var SID_HDR_LEN = 8;
/** AES-CCM tag in KEY, KEYACK, CONFIG, ACK (64 bits, as the whitelist protocol) */
export var AEAD_TAG_LEN = 8;
/** the network key the border router hands out (AES-128) */
export var NETKEY_LEN = 16;
/** KEY plaintext: the network key (the time rides in clear, under the grant) */
export var KEY_PT_LEN = NETKEY_LEN;
/** KEY: the BR id it carries (the grant binds it), 1 … 64 printable ASCII bytes (the AC's limit) */
export var BR_ID_MAX = 64;
/** KEYACK plaintext: result u8 */
export var KEYACK_PT_LEN = 1;
export var KEYACK_LEN = SID_HDR_LEN + KEYACK_PT_LEN + AEAD_TAG_LEN; // 17
/** ACK plaintext: result u8, configuration version u32 */
export var ACK_PT_LEN = 5;
export var ACK_LEN = SID_HDR_LEN + ACK_PT_LEN + AEAD_TAG_LEN; // 21
/** CONFIG: header, sid, fragment index u8, fragment count u8, sealed fragment */
export var CONFIG_HDR_LEN = SID_HDR_LEN + 2; // 10
export var FRAG_MAX = MAX_FRAME - CONFIG_HDR_LEN - AEAD_TAG_LEN; // 232
export var MAX_FRAGS = 8;
export var CONFIG_MIN_LEN = CONFIG_HDR_LEN + 1 + AEAD_TAG_LEN;
/** JOIN: header, snLen, mac, ts, nonce (the signature and the serial number come on top) */
export var JOIN_FIXED_LEN = HDR_LEN + 1 + MAC_BYTES + 4 + NONCE_BYTES; // 23

/** Sizes per curve: field element bytes (points) and scalar bytes (signatures). */
export interface CurveSize {
  pB: number;
  nB: number;
}
export var CURVE_SIZES: { [curve: number]: CurveSize } = {
  1: { pB: 32, nB: 32 },
  2: { pB: 20, nB: 21 },
};

export function curveSize(curve: number): CurveSize | null {
  return curve === CURVE_P256 || curve === CURVE_SECP160K1 ? CURVE_SIZES[curve] : null;
}

/** Uncompressed SEC 1 point: 0x04 ‖ X ‖ Y (validated without a square root). */
export function pointLen(curve: number): number {
  var s = curveSize(curve);
  return s ? 1 + 2 * s.pB : 0;
}

export function sigLen(curve: number): number {
  var s = curveSize(curve);
  return s ? 2 * s.nB : 0;
}

/** KEY: header, sid, ephemeral point E, gts u32, idLen u8, BR id, grant, sealed network key */
export function keyLen(curve: number, idLen: number): number {
  return SID_HDR_LEN + pointLen(curve) + 5 + idLen + GRANT_LEN + KEY_PT_LEN + AEAD_TAG_LEN;
}

/** A BR id a KEY can carry: 1 … BR_ID_MAX printable ASCII characters (the AC's ids are a subset). */
export function validBrId(id: any): boolean {
  if (typeof id !== 'string' || id.length < 1 || id.length > BR_ID_MAX) return false;
  for (var i = 0; i < id.length; i++) {
    var c = id.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

export interface CloudFrame {
  version: number;
  type: number;
  curve: number;
  /** every type but JOIN */
  sid: number;
  /** JOIN */
  sn?: string;
  mac?: Uint8Array;
  ts?: number;
  nonce?: Uint8Array;
  sig?: Uint8Array;
  /** JOIN: the bytes the node signed (ac-api.ts joinStatementBytes) */
  statement?: Uint8Array;
  /** KEY: the ephemeral public key, the AC's time, the BR id and the AC's grant over them (README §4.4) */
  E?: Uint8Array;
  gts?: number;
  brId?: string;
  grant?: Uint8Array;
  /** CONFIG */
  idx?: number;
  count?: number;
  /** KEY, KEYACK, CONFIG, ACK: ciphertext ‖ CCM tag */
  sealed?: Uint8Array;
}

export interface DecodeResult {
  code: number;
  frame: CloudFrame | null;
}

function header(len: number, type: number, curve: number): Uint8Array {
  var b = new Uint8Array(len);
  b[0] = PROTO_CLOUD;
  b[1] = CLOUD_VERSION;
  b[2] = type;
  b[3] = curve;
  return b;
}

function need(a: Uint8Array, n: number, name: string): void {
  if (!(a instanceof Uint8Array) || a.length !== n) throw new Error('E_FIELD: ' + name + ' must be ' + n + ' bytes');
}

/** A serial number the protocol carries: 1 … 32 printable ASCII characters (ac-api.ts). */
export function validSn(sn: any): boolean {
  if (typeof sn !== 'string' || sn.length < 1 || sn.length > SN_MAX) return false;
  for (var i = 0; i < sn.length; i++) {
    var c = sn.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** JOIN = header ‖ snLen ‖ sn ‖ mac ‖ ts ‖ nonce ‖ sig; the signed part is joinStatementBytes of the same fields. */
export function encodeJoin(curve: number, sn: string, mac: Uint8Array, ts: number, nonce: Uint8Array, sig: Uint8Array): Uint8Array {
  if (!curveSize(curve)) throw new Error('E_FIELD: unknown curve ' + curve);
  if (!validSn(sn)) throw new Error('E_FIELD: serial number must be 1..32 printable ASCII characters');
  need(mac, MAC_BYTES, 'mac');
  need(nonce, NONCE_BYTES, 'nonce');
  need(sig, sigLen(curve), 'sig');
  if (typeof ts !== 'number' || ts < 0 || ts > 0xffffffff || ts % 1 !== 0) throw new Error('E_FIELD: ts must be a u32');
  var b = header(JOIN_FIXED_LEN + sn.length + sig.length, T_JOIN, curve);
  b[4] = sn.length;
  var o = 5;
  b.set(utf8Encode(sn), o);
  o += sn.length;
  b.set(mac, o);
  o += MAC_BYTES;
  writeU32(b, o, ts);
  o += 4;
  b.set(nonce, o);
  o += NONCE_BYTES;
  b.set(sig, o);
  return b;
}

/** The 8 bytes before a KEY/KEYACK/ACK body: header ‖ sid; also their AAD prefix (§4). */
export function sidHeader(type: number, curve: number, sid: number): Uint8Array {
  var b = header(SID_HDR_LEN, type, curve);
  writeU32(b, 4, sid);
  return b;
}

/**
 * KEY = hdr ‖ E ‖ gts ‖ idLen ‖ brId ‖ grant ‖ sealed. Everything before
 * `sealed` is keyPrefix(): the AAD of the seal (with rh) and what the grant covers.
 */
export function keyPrefix(hdr: Uint8Array, E: Uint8Array, gts: number, brId: string, grant: Uint8Array): Uint8Array {
  var curve = hdr[3];
  need(hdr, SID_HDR_LEN, 'hdr');
  need(E, pointLen(curve), 'E');
  need(grant, GRANT_LEN, 'grant');
  if (!validBrId(brId)) throw new Error('E_FIELD: BR id must be 1..' + BR_ID_MAX + ' printable ASCII characters');
  if (typeof gts !== 'number' || gts < 0 || gts > 0xffffffff || gts % 1 !== 0) throw new Error('E_FIELD: gts must be a u32');
  var b = new Uint8Array(keyLen(curve, brId.length) - KEY_PT_LEN - AEAD_TAG_LEN);
  b.set(hdr, 0);
  var o = SID_HDR_LEN;
  b.set(E, o);
  o += E.length;
  writeU32(b, o, gts);
  b[o + 4] = brId.length;
  b.set(utf8Encode(brId), o + 5);
  b.set(grant, o + 5 + brId.length);
  return b;
}

export function encodeKey(prefix: Uint8Array, sealed: Uint8Array): Uint8Array {
  need(sealed, KEY_PT_LEN + AEAD_TAG_LEN, 'sealed');
  var b = new Uint8Array(prefix.length + sealed.length);
  b.set(prefix, 0);
  b.set(sealed, prefix.length);
  return b;
}

export function encodeKeyAck(hdr: Uint8Array, sealed: Uint8Array): Uint8Array {
  need(hdr, SID_HDR_LEN, 'hdr');
  need(sealed, KEYACK_PT_LEN + AEAD_TAG_LEN, 'sealed');
  var b = new Uint8Array(KEYACK_LEN);
  b.set(hdr, 0);
  b.set(sealed, SID_HDR_LEN);
  return b;
}

/** The 10 bytes before a CONFIG fragment's ciphertext; also its AAD prefix. */
export function configHeader(curve: number, sid: number, idx: number, count: number): Uint8Array {
  var b = header(CONFIG_HDR_LEN, T_CONFIG, curve);
  writeU32(b, 4, sid);
  b[SID_HDR_LEN] = idx;
  b[SID_HDR_LEN + 1] = count;
  return b;
}

export function encodeConfig(hdr: Uint8Array, sealed: Uint8Array): Uint8Array {
  need(hdr, CONFIG_HDR_LEN, 'hdr');
  if (sealed.length < 1 + AEAD_TAG_LEN || CONFIG_HDR_LEN + sealed.length > MAX_FRAME) throw new Error('E_FIELD: fragment size');
  var b = new Uint8Array(CONFIG_HDR_LEN + sealed.length);
  b.set(hdr, 0);
  b.set(sealed, CONFIG_HDR_LEN);
  return b;
}

export function encodeAck(hdr: Uint8Array, sealed: Uint8Array): Uint8Array {
  need(hdr, SID_HDR_LEN, 'hdr');
  need(sealed, ACK_PT_LEN + AEAD_TAG_LEN, 'sealed');
  var b = new Uint8Array(ACK_LEN);
  b.set(hdr, 0);
  b.set(sealed, SID_HDR_LEN);
  return b;
}

function fail(code: number): DecodeResult {
  return { code: code, frame: null };
}

/** Exact-length check: E_SHORT below, E_LONG above. */
function exact(n: number, want: number): number {
  return n < want ? E_SHORT : n > want ? E_LONG : 0;
}

/**
 * Decode one frame. Checks, in order: protocol id, version, type, curve, the
 * frame limit, then the exact length for the type and curve, then field rules
 * (sid ≠ 0 after JOIN; a printable serial number; 0 ≤ idx < count ≤ MAX_FRAGS).
 * Never throws, whatever the input.
 */
export function decodeFrame(b: Uint8Array): DecodeResult {
  if (!(b instanceof Uint8Array) || b.length < 1) return fail(E_SHORT);
  if (b[0] !== PROTO_CLOUD) return fail(E_PROTOCOL);
  if (b.length < 2) return fail(E_SHORT);
  if (b[1] !== CLOUD_VERSION) return fail(E_VERSION);
  if (b.length < 3) return fail(E_SHORT);
  var type = b[2];
  if (type < T_JOIN || type > T_ACK) return fail(E_TYPE);
  if (b.length < HDR_LEN) return fail(E_SHORT);
  var curve = b[3];
  if (!curveSize(curve)) return fail(E_SUITE);
  if (b.length > MAX_FRAME) return fail(E_LONG);
  var n = b.length;
  var f: CloudFrame = { version: b[1], type: type, curve: curve, sid: 0 };
  if (type === T_JOIN) {
    if (n < HDR_LEN + 1) return fail(E_SHORT);
    var snLen = b[4];
    var c = exact(n, JOIN_FIXED_LEN + snLen + sigLen(curve));
    if (c) return fail(c);
    if (snLen < 1 || snLen > SN_MAX) return fail(E_FIELD);
    var sn = '';
    for (var i = 0; i < snLen; i++) {
      var ch = b[5 + i];
      if (ch < 0x21 || ch > 0x7e) return fail(E_FIELD);
      sn += String.fromCharCode(ch);
    }
    var o = 5 + snLen;
    f.sn = sn;
    f.mac = copyBytes(b, o, o + MAC_BYTES);
    o += MAC_BYTES;
    f.ts = readU32(b, o);
    o += 4;
    f.nonce = copyBytes(b, o, o + NONCE_BYTES);
    o += NONCE_BYTES;
    f.sig = copyBytes(b, o, n);
    f.statement = joinStatementBytes(sn, f.mac, f.ts, f.nonce, curve);
    return { code: 0, frame: f };
  }
  var pl = pointLen(curve);
  var idAt = SID_HDR_LEN + pl + 4;
  if (type === T_KEY && n <= idAt) return fail(E_SHORT);
  var want = type === T_KEY ? keyLen(curve, b[idAt]) : type === T_KEYACK ? KEYACK_LEN : type === T_ACK ? ACK_LEN : 0;
  if (want) {
    var c2 = exact(n, want);
    if (c2) return fail(c2);
  } else if (n < CONFIG_MIN_LEN) return fail(E_SHORT);
  f.sid = readU32(b, 4);
  if (f.sid === 0) return fail(E_FIELD);
  if (type === T_KEY) {
    f.E = copyBytes(b, SID_HDR_LEN, SID_HDR_LEN + pl);
    if (f.E[0] !== 4) return fail(E_FIELD);
    f.gts = readU32(b, SID_HDR_LEN + pl);
    var idLen = b[idAt];
    if (idLen < 1 || idLen > BR_ID_MAX) return fail(E_FIELD);
    var brId = '';
    for (var k = 0; k < idLen; k++) {
      var bc = b[idAt + 1 + k];
      if (bc < 0x21 || bc > 0x7e) return fail(E_FIELD);
      brId += String.fromCharCode(bc);
    }
    f.brId = brId;
    var g = idAt + 1 + idLen;
    f.grant = copyBytes(b, g, g + GRANT_LEN);
    f.sealed = copyBytes(b, g + GRANT_LEN, n);
    return { code: 0, frame: f };
  }
  if (type === T_CONFIG) {
    var idx = b[SID_HDR_LEN];
    var count = b[SID_HDR_LEN + 1];
    if (count < 1 || count > MAX_FRAGS || idx >= count) return fail(E_FIELD);
    f.idx = idx;
    f.count = count;
  }
  f.sealed = copyBytes(b, type === T_CONFIG ? CONFIG_HDR_LEN : SID_HDR_LEN, n);
  return { code: 0, frame: f };
}

/** One line describing a frame, for traces and the CLI (never throws). */
export function frameSummary(b: Uint8Array): string {
  var d = decodeFrame(b);
  if (!d.frame) return 'undecodable (' + codeName(d.code) + ', ' + (b ? b.length : 0) + ' bytes)';
  var f = d.frame;
  var s = TYPE_NAMES[f.type] + ' v' + f.version + ' curve ' + f.curve;
  if (f.type === T_JOIN) s += ' sn ' + f.sn + ' ts ' + f.ts + ' nonce ' + toHex(f.nonce as Uint8Array);
  else s += ' sid ' + f.sid;
  if (f.type === T_KEY) s += ' br ' + f.brId + ' gts ' + f.gts;
  if (f.type === T_CONFIG) s += ' fragment ' + ((f.idx as number) + 1) + '/' + f.count;
  return s + ' (' + b.length + ' bytes)';
}
