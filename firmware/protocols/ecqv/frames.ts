/**
 * Wire codec of the ECQV protocol (README.md §3 "Frames"): frame types and
 * sizes per suite, encoders, and a decoder that never throws and returns a
 * numeric code (firmware/codec/codes.ts) instead.
 *
 * Every frame starts with the same 8-byte header:
 *   protocol id u8 (= PROTO_ECQV) | version u8 | type u8 | suite u8 | session id u32 (big-endian)
 * and is at most 250 bytes (ESP-NOW v1, MAX_FRAME). The suite fixes the curve,
 * hence the sizes of points, scalars, certificates and signatures. The codec
 * checks structure only; authenticity is the cores' job.
 */
import { MAX_FRAME } from '../../ports/ports.ts';
import { copyBytes, readU32, writeU32, toHex } from '../../bytes/bytes.ts';
import { E_SHORT, E_LONG, E_VERSION, E_TYPE, E_SUITE, E_FIELD, E_PROTOCOL } from '../../codec/codes.ts';
import { PROTO_ECQV } from '../../codec/protocol-ids.ts';
import { codeName } from './codes.ts';
import { ID_LEN, CA_ID_LEN, CERT_META_LEN } from './cert.ts';

export var ECQV_VERSION = 1;
/** Suite 1: P-256, SHA-256 (default). */
export var SUITE_P256 = 1;
/** Suite 2: secp160k1, SHA-256 (the paper's parameter size). */
export var SUITE_SECP160K1 = 2;

/** Byte sizes that depend on the curve. */
export interface SuiteSizes {
  /** compressed point */
  pt: number;
  /** scalar (n's byte length) */
  sc: number;
  /** certificate = pt + CERT_META_LEN */
  cert: number;
  /** ECDSA r ‖ s */
  sig: number;
}

var SIZES: { [suite: number]: SuiteSizes } = {
  1: { pt: 33, sc: 32, cert: 33 + CERT_META_LEN, sig: 64 },
  2: { pt: 21, sc: 21, cert: 21 + CERT_META_LEN, sig: 42 },
};

/** Sizes of a known suite, or null. */
export function sizesOf(suite: number): SuiteSizes | null {
  return suite === SUITE_P256 || suite === SUITE_SECP160K1 ? SIZES[suite] : null;
}

export var T_HELLO = 1;
export var T_HELLO_VERIFY = 2;
export var T_REQUEST = 3;
export var T_RESPONSE = 4;
export var T_FINISHED = 5;
export var T_CONFIG = 6;
export var T_ACK = 7;
export var T_CRL = 8;
export var T_P_HELLO = 9;
export var T_P_RESP = 10;
export var T_P_FIN = 11;
export var T_APP = 12;
export var TYPE_NAMES = ['?', 'HELLO', 'HELLO_VERIFY', 'REQUEST', 'RESPONSE', 'FINISHED', 'CONFIG', 'ACK', 'CRL', 'P_HELLO', 'P_RESP', 'P_FIN', 'APP'];

export var HDR_LEN = 8;
export var NONCE_LEN = 16;
export var COOKIE_LEN = 16;
/** Truncated HMAC-SHA256 tags (REQUEST, RESPONSE, FINISHED, P_RESP, P_FIN). */
export var TAG_LEN = 16;
/** AES-CCM tag length (CONFIG, ACK, APP). */
export var AEAD_TAG_LEN = 8;

export var HELLO_LEN = HDR_LEN + ID_LEN + NONCE_LEN + 4 + 1; // 37
export var HVR_LEN = HDR_LEN + ID_LEN + NONCE_LEN + COOKIE_LEN; // 48
export var FIN_LEN = HDR_LEN + TAG_LEN; // 24
export var CONFIG_HDR_LEN = HDR_LEN + 2; // 10
export var FRAG_MAX = MAX_FRAME - CONFIG_HDR_LEN - AEAD_TAG_LEN; // 232
export var MAX_FRAGS = 8;
export var CONFIG_MIN_LEN = CONFIG_HDR_LEN + 1 + AEAD_TAG_LEN;
export var ACK_PT_LEN = 5;
export var ACK_LEN = HDR_LEN + ACK_PT_LEN + AEAD_TAG_LEN; // 21
/** Revoked ids one CRL frame carries at most (one signed frame; README §5). */
export var CRL_MAX = 20;
export var P_FIN_LEN = HDR_LEN + TAG_LEN; // 24
/** APP: header ‖ counter u32 ‖ AES-CCM(message) ‖ tag. */
export var APP_HDR_LEN = HDR_LEN + 4; // 12
export var APP_MAX_TEXT = MAX_FRAME - APP_HDR_LEN - AEAD_TAG_LEN; // 230

export function requestLen(z: SuiteSizes): number {
  return HDR_LEN + ID_LEN + NONCE_LEN + 4 + COOKIE_LEN + z.pt + TAG_LEN;
}
export function responseLen(z: SuiteSizes): number {
  return HDR_LEN + NONCE_LEN + z.cert + z.sc + TAG_LEN;
}
export function crlLen(z: SuiteSizes, count: number): number {
  return HDR_LEN + CA_ID_LEN + 4 + 1 + ID_LEN * count + z.sig;
}
export function pHelloLen(z: SuiteSizes): number {
  return HDR_LEN + ID_LEN + NONCE_LEN + 4 + z.cert;
}
export function pRespLen(z: SuiteSizes): number {
  return HDR_LEN + NONCE_LEN + 4 + z.cert + TAG_LEN;
}

/** A decoded frame: header fields, and the body fields of its type. */
export interface EcqvFrame {
  type: number;
  suite: number;
  sid: number;
  /** HELLO, HELLO_VERIFY, REQUEST: the enrollee's id; P_HELLO: the target */
  U?: Uint8Array;
  /** HELLO .. REQUEST: N_U; RESPONSE: N_CA; P_HELLO: N_I; P_RESP: N_R */
  nonce?: Uint8Array;
  /** HELLO, REQUEST: configuration version held */
  held?: number;
  caps?: number;
  cookie?: Uint8Array;
  /** REQUEST: R_U */
  RU?: Uint8Array;
  /** RESPONSE, P_HELLO, P_RESP */
  cert?: Uint8Array;
  /** RESPONSE: the private-key contribution s */
  s?: Uint8Array;
  /** REQUEST, RESPONSE, FINISHED, P_RESP, P_FIN */
  tag?: Uint8Array;
  /** CONFIG */
  idx?: number;
  count?: number;
  /** CONFIG, ACK, APP: ciphertext ‖ CCM tag */
  sealed?: Uint8Array;
  /** CRL */
  caId?: Uint8Array;
  version?: number;
  ids?: Uint8Array[];
  sig?: Uint8Array;
  /** P_HELLO, P_RESP: the sender's CRL version (gossip) */
  crl?: number;
  /** APP */
  ctr?: number;
}

export interface DecodeResult {
  code: number;
  frame: EcqvFrame | null;
}

function need(a: Uint8Array, n: number, name: string): void {
  if (!(a instanceof Uint8Array) || a.length !== n) throw new Error('E_FIELD: ' + name + ' must be ' + n + ' bytes');
}

function sizes(suite: number): SuiteSizes {
  var z = sizesOf(suite);
  if (!z) throw new Error('E_FIELD: unknown suite ' + suite);
  return z;
}

/** A frame of `len` bytes with its header filled in. */
export function header(len: number, type: number, suite: number, sid: number): Uint8Array {
  var b = new Uint8Array(len);
  b[0] = PROTO_ECQV;
  b[1] = ECQV_VERSION;
  b[2] = type;
  b[3] = suite;
  writeU32(b, 4, sid);
  return b;
}

/** Write parts one after the other from `off`; returns the end offset. */
function put(b: Uint8Array, off: number, parts: Uint8Array[]): number {
  for (var i = 0; i < parts.length; i++) {
    b.set(parts[i], off);
    off += parts[i].length;
  }
  return off;
}

export function encodeHello(suite: number, U: Uint8Array, nu: Uint8Array, held: number, caps: number): Uint8Array {
  need(U, ID_LEN, 'U');
  need(nu, NONCE_LEN, 'nonce');
  var b = header(HELLO_LEN, T_HELLO, suite, 0);
  var o = put(b, HDR_LEN, [U, nu]);
  writeU32(b, o, held);
  b[o + 4] = caps & 255;
  return b;
}

export function encodeHelloVerify(suite: number, U: Uint8Array, nu: Uint8Array, cookie: Uint8Array): Uint8Array {
  need(U, ID_LEN, 'U');
  need(nu, NONCE_LEN, 'nonce');
  need(cookie, COOKIE_LEN, 'cookie');
  var b = header(HVR_LEN, T_HELLO_VERIFY, suite, 0);
  put(b, HDR_LEN, [U, nu, cookie]);
  return b;
}

/** REQUEST without its tag: the bytes the request MAC covers (§4.1). */
export function encodeRequestBody(suite: number, U: Uint8Array, nu: Uint8Array, held: number, cookie: Uint8Array, RU: Uint8Array): Uint8Array {
  var z = sizes(suite);
  need(U, ID_LEN, 'U');
  need(nu, NONCE_LEN, 'nonce');
  need(cookie, COOKIE_LEN, 'cookie');
  need(RU, z.pt, 'R_U');
  var b = header(requestLen(z) - TAG_LEN, T_REQUEST, suite, 0);
  var o = put(b, HDR_LEN, [U, nu]);
  writeU32(b, o, held);
  put(b, o + 4, [cookie, RU]);
  return b;
}

/** RESPONSE without its tag. */
export function encodeResponseBody(suite: number, sid: number, nca: Uint8Array, cert: Uint8Array, s: Uint8Array): Uint8Array {
  var z = sizes(suite);
  need(nca, NONCE_LEN, 'nonce');
  need(cert, z.cert, 'cert');
  need(s, z.sc, 's');
  var b = header(responseLen(z) - TAG_LEN, T_RESPONSE, suite, sid);
  put(b, HDR_LEN, [nca, cert, s]);
  return b;
}

/** A body (frame without its tag) with its tag appended. */
export function withTag(body: Uint8Array, tag: Uint8Array): Uint8Array {
  need(tag, TAG_LEN, 'tag');
  var b = new Uint8Array(body.length + TAG_LEN);
  b.set(body, 0);
  b.set(tag, body.length);
  return b;
}

export function encodeFinished(type: number, suite: number, sid: number, tag: Uint8Array): Uint8Array {
  need(tag, TAG_LEN, 'tag');
  var b = header(FIN_LEN, type, suite, sid);
  b.set(tag, HDR_LEN);
  return b;
}

/** The 10 bytes before a CONFIG fragment's ciphertext; also its AAD prefix. */
export function configHeader(suite: number, sid: number, idx: number, count: number): Uint8Array {
  var b = header(CONFIG_HDR_LEN, T_CONFIG, suite, sid);
  b[HDR_LEN] = idx;
  b[HDR_LEN + 1] = count;
  return b;
}

/** A header of `hdrLen` bytes followed by sealed bytes (CONFIG, ACK, APP). */
export function withSealed(hdr: Uint8Array, sealed: Uint8Array): Uint8Array {
  if (hdr.length + sealed.length > MAX_FRAME) throw new Error('E_FIELD: frame over ' + MAX_FRAME + ' bytes');
  var b = new Uint8Array(hdr.length + sealed.length);
  b.set(hdr, 0);
  b.set(sealed, hdr.length);
  return b;
}

export function ackHeader(suite: number, sid: number): Uint8Array {
  return header(HDR_LEN, T_ACK, suite, sid);
}

/** CRL without its signature: the bytes the CA signs (§5). */
export function encodeCrlBody(suite: number, caId: Uint8Array, version: number, ids: Uint8Array[]): Uint8Array {
  var z = sizes(suite);
  need(caId, CA_ID_LEN, 'CA id');
  if (ids.length > CRL_MAX) throw new Error('E_FIELD: at most ' + CRL_MAX + ' revoked ids per CRL');
  var b = header(crlLen(z, ids.length) - z.sig, T_CRL, suite, 0);
  var o = put(b, HDR_LEN, [caId]);
  writeU32(b, o, version);
  b[o + 4] = ids.length;
  o += 5;
  for (var i = 0; i < ids.length; i++) {
    need(ids[i], ID_LEN, 'revoked id');
    o = put(b, o, [ids[i]]);
  }
  return b;
}

export function withSig(body: Uint8Array, sig: Uint8Array): Uint8Array {
  var b = new Uint8Array(body.length + sig.length);
  b.set(body, 0);
  b.set(sig, body.length);
  return b;
}

export function encodePHello(suite: number, target: Uint8Array, ni: Uint8Array, crl: number, cert: Uint8Array): Uint8Array {
  var z = sizes(suite);
  need(target, ID_LEN, 'target');
  need(ni, NONCE_LEN, 'nonce');
  need(cert, z.cert, 'cert');
  var b = header(pHelloLen(z), T_P_HELLO, suite, 0);
  var o = put(b, HDR_LEN, [target, ni]);
  writeU32(b, o, crl);
  put(b, o + 4, [cert]);
  return b;
}

/** P_RESP without its tag. */
export function encodePRespBody(suite: number, sid: number, nr: Uint8Array, crl: number, cert: Uint8Array): Uint8Array {
  var z = sizes(suite);
  need(nr, NONCE_LEN, 'nonce');
  need(cert, z.cert, 'cert');
  var b = header(pRespLen(z) - TAG_LEN, T_P_RESP, suite, sid);
  var o = put(b, HDR_LEN, [nr]);
  writeU32(b, o, crl);
  put(b, o + 4, [cert]);
  return b;
}

export function appHeader(suite: number, sid: number, ctr: number): Uint8Array {
  var b = header(APP_HDR_LEN, T_APP, suite, sid);
  writeU32(b, HDR_LEN, ctr);
  return b;
}

function fail(code: number): DecodeResult {
  return { code: code, frame: null };
}

/** Exact length of a fixed-size type for suite sizes z; 0 for the variable ones. */
function fixedLen(type: number, z: SuiteSizes): number {
  if (type === T_HELLO) return HELLO_LEN;
  if (type === T_HELLO_VERIFY) return HVR_LEN;
  if (type === T_REQUEST) return requestLen(z);
  if (type === T_RESPONSE) return responseLen(z);
  if (type === T_FINISHED || type === T_P_FIN) return FIN_LEN;
  if (type === T_ACK) return ACK_LEN;
  if (type === T_P_HELLO) return pHelloLen(z);
  if (type === T_P_RESP) return pRespLen(z);
  return 0;
}

/** Frames whose session id must be 0 (sent before any session exists). */
function sidZero(type: number): boolean {
  return type === T_HELLO || type === T_HELLO_VERIFY || type === T_REQUEST || type === T_CRL || type === T_P_HELLO;
}

/**
 * Decode one frame. Checks, in order: protocol id, version, type, suite, ≤ 250
 * bytes, the length for the type (exact for fixed types; minimum, count and
 * fragment fields for CONFIG, CRL and APP), then the session-id rule (0 before
 * a session, never 0 after). Never throws, whatever the input.
 */
export function decodeFrame(b: Uint8Array): DecodeResult {
  if (!(b instanceof Uint8Array) || b.length < 1) return fail(E_SHORT);
  if (b[0] !== PROTO_ECQV) return fail(E_PROTOCOL);
  if (b.length < 2) return fail(E_SHORT);
  if (b[1] !== ECQV_VERSION) return fail(E_VERSION);
  if (b.length < 3) return fail(E_SHORT);
  var type = b[2];
  if (type < T_HELLO || type > T_APP) return fail(E_TYPE);
  if (b.length < 4) return fail(E_SHORT);
  var suite = b[3];
  var z = sizesOf(suite);
  if (!z) return fail(E_SUITE);
  if (b.length < HDR_LEN) return fail(E_SHORT);
  var n = b.length;
  if (n > MAX_FRAME) return fail(E_LONG);
  var sid = readU32(b, 4);
  var f: EcqvFrame = { type: type, suite: suite, sid: sid };
  var want = fixedLen(type, z);
  if (want) {
    if (n < want) return fail(E_SHORT);
    if (n > want) return fail(E_LONG);
  } else if (type === T_CONFIG) {
    if (n < CONFIG_MIN_LEN) return fail(E_SHORT);
  } else if (type === T_CRL) {
    if (n < crlLen(z, 0)) return fail(E_SHORT);
  } else if (n < APP_HDR_LEN + AEAD_TAG_LEN) return fail(E_SHORT); // T_APP
  if (sidZero(type) ? sid !== 0 : sid === 0) return fail(E_FIELD);
  var o = HDR_LEN;
  if (type === T_HELLO || type === T_HELLO_VERIFY || type === T_REQUEST) {
    f.U = copyBytes(b, o, o + ID_LEN);
    f.nonce = copyBytes(b, o + ID_LEN, o + ID_LEN + NONCE_LEN);
    o += ID_LEN + NONCE_LEN;
    if (type === T_HELLO) {
      f.held = readU32(b, o);
      f.caps = b[o + 4];
    } else if (type === T_HELLO_VERIFY) {
      f.cookie = copyBytes(b, o, o + COOKIE_LEN);
    } else {
      f.held = readU32(b, o);
      f.cookie = copyBytes(b, o + 4, o + 4 + COOKIE_LEN);
      f.RU = copyBytes(b, o + 4 + COOKIE_LEN, o + 4 + COOKIE_LEN + z.pt);
      f.tag = copyBytes(b, n - TAG_LEN, n);
    }
  } else if (type === T_RESPONSE) {
    f.nonce = copyBytes(b, o, o + NONCE_LEN);
    f.cert = copyBytes(b, o + NONCE_LEN, o + NONCE_LEN + z.cert);
    f.s = copyBytes(b, o + NONCE_LEN + z.cert, n - TAG_LEN);
    f.tag = copyBytes(b, n - TAG_LEN, n);
  } else if (type === T_FINISHED || type === T_P_FIN) {
    f.tag = copyBytes(b, o, n);
  } else if (type === T_CONFIG) {
    var idx = b[o];
    var count = b[o + 1];
    if (count < 1 || count > MAX_FRAGS || idx >= count) return fail(E_FIELD);
    f.idx = idx;
    f.count = count;
    f.sealed = copyBytes(b, CONFIG_HDR_LEN, n);
  } else if (type === T_ACK) {
    f.sealed = copyBytes(b, o, n);
  } else if (type === T_CRL) {
    f.caId = copyBytes(b, o, o + CA_ID_LEN);
    f.version = readU32(b, o + CA_ID_LEN);
    var cnt = b[o + CA_ID_LEN + 4];
    if (cnt > CRL_MAX) return fail(E_FIELD);
    var clen = crlLen(z, cnt);
    if (n < clen) return fail(E_SHORT);
    if (n > clen) return fail(E_LONG);
    o += CA_ID_LEN + 5;
    f.ids = [];
    for (var i = 0; i < cnt; i++) f.ids.push(copyBytes(b, o + i * ID_LEN, o + (i + 1) * ID_LEN));
    f.sig = copyBytes(b, n - z.sig, n);
  } else if (type === T_P_HELLO) {
    f.U = copyBytes(b, o, o + ID_LEN);
    f.nonce = copyBytes(b, o + ID_LEN, o + ID_LEN + NONCE_LEN);
    f.crl = readU32(b, o + ID_LEN + NONCE_LEN);
    f.cert = copyBytes(b, o + ID_LEN + NONCE_LEN + 4, n);
  } else if (type === T_P_RESP) {
    f.nonce = copyBytes(b, o, o + NONCE_LEN);
    f.crl = readU32(b, o + NONCE_LEN);
    f.cert = copyBytes(b, o + NONCE_LEN + 4, n - TAG_LEN);
    f.tag = copyBytes(b, n - TAG_LEN, n);
  } else {
    f.ctr = readU32(b, o);
    f.sealed = copyBytes(b, APP_HDR_LEN, n);
  }
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
  var s = TYPE_NAMES[f.type] + ' suite ' + f.suite + (f.sid ? ' sid ' + f.sid : '');
  if (f.U) s += ' U ' + toHex(f.U);
  if (f.nonce) s += ' N ' + short(f.nonce);
  if (f.cert) s += ' cert ' + short(f.cert);
  if (f.type === T_CONFIG) s += ' fragment ' + ((f.idx as number) + 1) + '/' + f.count;
  if (f.type === T_CRL) s += ' version ' + f.version + ' revoked ' + (f.ids as Uint8Array[]).length;
  return s + ' (' + b.length + ' bytes)';
}
