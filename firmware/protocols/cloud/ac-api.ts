/**
 * The contract between a border router (BR) and the Authentication Cloud (AC),
 * paper 000 §III-B messages 1–5: what the node signs, what the BR sends the AC,
 * what the AC answers. Shared by the BR core (board or host) and the AC service
 * (configurator/cloud/), so both build the signed bytes from one definition.
 *
 * Transport: HTTP POST of JSON. Every request is a `BrRequest` envelope signed
 * by the BR's own P-256 key (registered in the AC); every answer an
 * `AcResponse` envelope signed by the AC's key (pinned by every BR). The
 * payload travels as a JSON *string* inside the envelope (`body`), so the
 * signature covers exact bytes and neither side canonicalises JSON.
 *
 * Signatures: ECDSA P-256 with SHA-256 over the UTF-8 bytes of the
 * `*SignedText` below, encoded r ‖ s (64 bytes) in lowercase hex.
 *
 * ES5 (a BR bundle may carry it): no template strings needed at run time,
 * plain functions over strings and bytes.
 */
import { utf8Encode, writeU32 } from '../../bytes/bytes.ts';
import { PROTO_CLOUD } from '../../codec/protocol-ids.ts';

export var AC_API_VERSION = 1;
/** message 2 → 5: a node's join, forwarded; answer: its public key */
export var AC_JOIN_PATH = '/v1/join';
/** a BR re-asks about a node it already trusts (revocation; body {sn}) */
export var AC_CHECK_PATH = '/v1/check';

/** Curves a node may sign with (P-256 by default; secp160k1 reproduces the paper). */
export var CURVE_P256 = 1;
export var CURVE_SECP160K1 = 2;
export var CURVE_NAMES: { [id: number]: string } = { 1: 'p256', 2: 'secp160k1' };

/** Serial numbers: 1 … 32 printable ASCII characters (0x21 … 0x7e). */
export var SN_MAX = 32;
export var NONCE_BYTES = 8;
export var MAC_BYTES = 6;

/**
 * Message 1, what the node signs: SN ‖ MAC ‖ TS as the paper has it, plus a
 * domain tag, the curve and an 8-byte node nonce (the request id the AC's
 * database makes unique: the paper's TS alone lets two requests in one second
 * collide and lets a replay inside the window through).
 *
 *   0x03 'J' curve(1) snLen(1) sn(snLen) mac(6) ts(u32 BE, seconds) nonce(8)
 *
 * The node signs SHA-256 of these bytes (ECDSA; on secp160k1 the hash is
 * truncated to the group order's length, SEC 1 §4.1.3).
 */
export function joinStatementBytes(sn: string, mac: Uint8Array, ts: number, nonce: Uint8Array, curve: number): Uint8Array {
  var snb = utf8Encode(sn);
  var out = new Uint8Array(4 + snb.length + MAC_BYTES + 4 + NONCE_BYTES);
  out[0] = PROTO_CLOUD;
  out[1] = 0x4a; // 'J'
  out[2] = curve;
  out[3] = snb.length;
  out.set(snb, 4);
  var o = 4 + snb.length;
  out.set(mac.subarray(0, MAC_BYTES), o);
  o += MAC_BYTES;
  writeU32(out, o, ts);
  o += 4;
  out.set(nonce.subarray(0, NONCE_BYTES), o);
  return out;
}

/** Body of AC_JOIN_PATH: the node's message 1 as the BR received it (hex fields). */
export interface NodeJoin {
  sn: string;
  /** 12 hex digits */
  mac: string;
  /** node time, seconds (u32) */
  ts: number;
  /** 16 hex digits */
  nonce: string;
  /** CURVE_NAMES value */
  curve: string;
  /** r ‖ s, hex */
  sig: string;
  /**
   * The BR's ECIES ephemeral public key R for this request (SEC 1 uncompressed,
   * hex, on the node's curve), drawn before the BR asks: the AC's grant binds it,
   * so only the holder of its private key can use the grant (README §4.4).
   */
  eph: string;
}

/** Answer body of AC_JOIN_PATH and AC_CHECK_PATH. */
export interface JoinVerdict {
  ok: boolean;
  sn: string;
  /** node's public key (SEC 1 uncompressed, hex), on ok */
  pub?: string;
  curve?: string;
  /** seconds the BR may trust this answer before asking again (AC_CHECK_PATH) */
  trustFor?: number;
  /** on refusal: a code name of CLOUD_CODES (e.g. E_AC_UNKNOWN_SN) and its number */
  code?: string;
  codeNum?: number;
  error?: string;
  /**
   * AC_JOIN_PATH on ok: the grant for this very request, hex (GRANT_LEN bytes),
   * HMAC-SHA256(K_an, grantMessage(rh, BR id, R, gts)) cut to GRANT_LEN; the BR
   * forwards it in KEY and the node checks it before any ECDH (README §4.4).
   */
  grant?: string;
  /** AC_JOIN_PATH on ok: the AC's time (u32 seconds) the grant binds; the node adopts it */
  gts?: number;
}

/** Message 2: the envelope a BR posts. */
export interface BrRequest {
  v: number;
  /** BR id as registered in the AC */
  br: string;
  /** 32 hex digits, random per request: the AC stores it (unique) so a replayed envelope is refused */
  rid: string;
  /** BR time, ms since the epoch */
  ts: number;
  path: string;
  /** the payload, JSON text */
  body: string;
  /** ECDSA P-256 over brRequestSignedText, r ‖ s hex */
  sig: string;
}

/** Message 5: the envelope the AC answers with (also for refusals, so a BR can trust a "no"). */
export interface AcResponse {
  v: number;
  /** AC id (its key's name; BRs pin the key) */
  ac: string;
  /** the request's rid, echoed: binds the answer to its request */
  rid: string;
  ts: number;
  /** HTTP status the AC chose (200 accepted; 4xx refused; 503 database down) */
  status: number;
  body: string;
  sig: string;
}

/**
 * True if `s` is a string of lowercase hex digits encoding exactly `bytes`
 * bytes (any positive whole number of bytes when `bytes` < 0). A loop, not a
 * RegExp: Espruino's RegExp has no `{n}` quantifier (/^[0-9a-f]{4}$/ never
 * matches there), so a pattern would refuse every valid field on a board.
 */
export function isLowerHex(s: any, bytes: number): boolean {
  if (typeof s !== 'string' || s.length % 2 !== 0 || s.length === 0) return false;
  if (bytes >= 0 && s.length !== 2 * bytes) return false;
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

export function brRequestSignedText(r: BrRequest): string {
  return 'nowboard-ac/1 request\n' + r.br + '\n' + r.rid + '\n' + r.ts + '\n' + r.path + '\n' + r.body;
}

export function acResponseSignedText(r: AcResponse): string {
  return 'nowboard-ac/1 response\n' + r.ac + '\n' + r.rid + '\n' + r.ts + '\n' + r.status + '\n' + r.body;
}

/*
 * The AC's grant (README §4.4): the node's proof that the AC accepted this very
 * request for this BR and this ephemeral key. Per node a 32-byte grant key K_an
 * that the node's identity file and the AC share:
 *
 *   keygen: f random, F = f·G on P-256 (F goes into the trust list, f is dropped),
 *           K_an = HKDF-SHA256(ikm = x(f·Q_AC), salt = empty, info = grantKeyInfo(SN, F), 32)
 *   AC:     K_an = HKDF-SHA256(ikm = x(d_AC·F), …) — the same, from its private key and F
 *   grant = HMAC-SHA256(K_an, grantMessage(rh, BR id, R, gts))[0..GRANT_LEN)
 */
export var GRANT_LEN = 16;
export var GRANT_KEY_LEN = 32;
export var GRANT_KEY_INFO = 'nowboard-cloud/1 grant key';
export var GRANT_TAG = 'nowboard-cloud/1 grant';

function lenPrefixed(b: Uint8Array): Uint8Array {
  var out = new Uint8Array(1 + b.length);
  out[0] = b.length;
  out.set(b, 1);
  return out;
}

function cat(parts: Uint8Array[]): Uint8Array {
  var n = 0;
  for (var i = 0; i < parts.length; i++) n += parts[i].length;
  var out = new Uint8Array(n);
  var o = 0;
  for (var j = 0; j < parts.length; j++) {
    out.set(parts[j], o);
    o += parts[j].length;
  }
  return out;
}

/** HKDF info of a node's grant key: tag ‖ snLen ‖ SN ‖ F (binds the key to the trust-list row). */
export function grantKeyInfo(sn: string, gpub: Uint8Array): Uint8Array {
  return cat([utf8Encode(GRANT_KEY_INFO), lenPrefixed(utf8Encode(sn)), gpub]);
}

/**
 * What the grant authenticates: tag ‖ rh(32) ‖ idLen ‖ BR id ‖ RLen ‖ R ‖ gts u32.
 * rh is SHA-256 of the node's JOIN frame (the AC rebuilds it from the fields it
 * verified), so a grant is good for one request, one BR, one ephemeral key, one time.
 */
export function grantMessage(rh: Uint8Array, brId: string, R: Uint8Array, gts: number): Uint8Array {
  var t = new Uint8Array(4);
  writeU32(t, 0, gts);
  return cat([utf8Encode(GRANT_TAG), rh, lenPrefixed(utf8Encode(brId)), lenPrefixed(R), t]);
}
