/**
 * Key schedule, transcripts and cookies of the ECQV protocol (README.md §4).
 * Shared by every role so the sides cannot drift apart.
 *
 * Issuance (enrollee U, CA):
 *   K_U   = HMAC(master, "nowboard ecqv2 request key" ‖ U)      per-device request key
 *   TH0   = SHA-256("nowboard ecqv2 issue" ‖ Q_CA ‖ REQUEST without tag)
 *   tag_q = HMAC(K_U, 01 ‖ TH0)[0..16)
 *   TH1   = SHA-256(TH0 ‖ tag_q ‖ RESPONSE without tag)
 *   tag_r = HMAC(K_U, 02 ‖ TH1)[0..16)                          TH2 = SHA-256(TH1 ‖ tag_r)
 *   Z     = x(d_U·Q_CA) = x(d_CA·Q_U)
 *   K     = HKDF(ikm = Z ‖ K_U, salt = TH2, info = INFO_ISSUE, 64) = kFin 32 ‖ kCe 16 ‖ kUe 16
 *   tag_f = HMAC(kFin, TH2)[0..16)                              TH3 = SHA-256(TH2 ‖ tag_f)
 *   CONFIG i: CCM(kCe, nonce(1, sid, i), aad = CONFIG header ‖ TH3); ACK: CCM(kUe, nonce(2, sid, 0), aad = header ‖ TH3)
 *
 * Pairwise (initiator I, responder R):
 *   Z     = x(d_I·Q_R) = x(d_R·Q_I)                             static per pair of certificates
 *   TH1   = SHA-256("nowboard ecqv2 pair" ‖ P_HELLO ‖ P_RESP without tag)
 *   K     = HKDF(ikm = Z, salt = TH1, info = INFO_PAIR, 96) = kRf 32 ‖ kIf 32 ‖ kI2R 16 ‖ kR2I 16
 *   tag_R = HMAC(kRf, TH1)[0..16)  (R's Finished)               TH2 = SHA-256(TH1 ‖ tag_R)
 *   tag_I = HMAC(kIf, TH2)[0..16)  (I's Finished)               TH3 = SHA-256(TH2 ‖ tag_I)
 *   APP: CCM(k_dir, nonce(3 or 4, sid, counter), aad = APP header ‖ TH3)
 *
 * Both nonces and both certificates are in TH1, so the static Z gives fresh
 * session keys every exchange: a replayed exchange derives keys nobody holds.
 */
import { utf8Encode, concatBytes, copyBytes, writeU32 } from '../../bytes/bytes.ts';
import { EcqvSuite } from './suite.ts';
import { TAG_LEN, COOKIE_LEN } from './frames.ts';
import { CA_ID_LEN } from './cert.ts';

export var LABEL_REQUEST_KEY = utf8Encode('nowboard ecqv2 request key');
export var LABEL_COOKIE = utf8Encode('nowboard ecqv2 cookie');
export var LABEL_ISSUE = utf8Encode('nowboard ecqv2 issue');
export var LABEL_PAIR = utf8Encode('nowboard ecqv2 pair');
export var LABEL_RAND = utf8Encode('nowboard ecqv2 rand');
export var INFO_ISSUE = utf8Encode('nowboard ecqv2 issue keys: u-fin c2u-enc u2c-enc');
export var INFO_PAIR = utf8Encode('nowboard ecqv2 pair keys: r-fin i-fin i2r-enc r2i-enc');

/** CCM nonce directions: CONFIG, ACK, APP initiator→responder, APP responder→initiator. */
export var DIR_C2U = 1;
export var DIR_U2C = 2;
export var DIR_I2R = 3;
export var DIR_R2I = 4;

/** Key modes of a CA (README §2): per-device request keys, or the paper's one shared key. */
export var KEYMODE_PER_DEVICE = 1;
export var KEYMODE_SHARED = 2;

/** The request key of device U: derived by the CA from its master secret (per-device mode). */
export function requestKey(s: EcqvSuite, master: Uint8Array, U: Uint8Array, mode: number): Uint8Array {
  if (mode === KEYMODE_SHARED) return copyBytes(master);
  return s.hmac(master, concatBytes([LABEL_REQUEST_KEY, U]));
}

/** CA id: the first 4 bytes of SHA-256 of the compressed CA key. */
export function caIdOf(s: EcqvSuite, caPub: Uint8Array): Uint8Array {
  return copyBytes(s.sha256(caPub), 0, CA_ID_LEN);
}

/**
 * The stateless cookie (HelloVerifyRequest, RFC 6347 §4.2.1 style): a MAC of
 * what the enrollee said and where from, under a key the CA drew at boot, and
 * the cookie epoch. Recomputing it costs one HMAC and no state.
 */
export function cookieOf(s: EcqvSuite, key: Uint8Array, mac: Uint8Array, U: Uint8Array, nonce: Uint8Array, held: number, epoch: number): Uint8Array {
  var w = new Uint8Array(8);
  writeU32(w, 0, held);
  writeU32(w, 4, epoch);
  return copyBytes(s.hmac(key, concatBytes([LABEL_COOKIE, mac, U, nonce, w])), 0, COOKIE_LEN);
}

function tagOf(s: EcqvSuite, key: Uint8Array, parts: Uint8Array[]): Uint8Array {
  return copyBytes(s.hmac(key, concatBytes(parts)), 0, TAG_LEN);
}

export function issueTh0(s: EcqvSuite, caPub: Uint8Array, reqBody: Uint8Array): Uint8Array {
  return s.sha256(concatBytes([LABEL_ISSUE, caPub, reqBody]));
}

export function requestTag(s: EcqvSuite, kU: Uint8Array, th0: Uint8Array): Uint8Array {
  return tagOf(s, kU, [new Uint8Array([1]), th0]);
}

export function issueTh1(s: EcqvSuite, th0: Uint8Array, tagQ: Uint8Array, respBody: Uint8Array): Uint8Array {
  return s.sha256(concatBytes([th0, tagQ, respBody]));
}

export function responseTag(s: EcqvSuite, kU: Uint8Array, th1: Uint8Array): Uint8Array {
  return tagOf(s, kU, [new Uint8Array([2]), th1]);
}

/** SHA-256(h ‖ tag): the next transcript hash after a tag. */
export function chain(s: EcqvSuite, h: Uint8Array, tag: Uint8Array): Uint8Array {
  return s.sha256(concatBytes([h, tag]));
}

export interface IssueKeys {
  fin: Uint8Array;
  ce: Uint8Array;
  ue: Uint8Array;
}

export function issueKeys(s: EcqvSuite, Z: Uint8Array, kU: Uint8Array, th2: Uint8Array): IssueKeys {
  var k = s.hkdf(concatBytes([Z, kU]), th2, INFO_ISSUE, 64);
  return { fin: copyBytes(k, 0, 32), ce: copyBytes(k, 32, 48), ue: copyBytes(k, 48, 64) };
}

export function finTag(s: EcqvSuite, key: Uint8Array, th: Uint8Array): Uint8Array {
  return tagOf(s, key, [th]);
}

export function pairTh1(s: EcqvSuite, pHello: Uint8Array, pRespBody: Uint8Array): Uint8Array {
  return s.sha256(concatBytes([LABEL_PAIR, pHello, pRespBody]));
}

export interface PairKeys {
  rfin: Uint8Array;
  ifin: Uint8Array;
  i2r: Uint8Array;
  r2i: Uint8Array;
}

export function pairKeys(s: EcqvSuite, Z: Uint8Array, th1: Uint8Array): PairKeys {
  var k = s.hkdf(Z, th1, INFO_PAIR, 96);
  return { rfin: copyBytes(k, 0, 32), ifin: copyBytes(k, 32, 64), i2r: copyBytes(k, 64, 80), r2i: copyBytes(k, 80, 96) };
}

/** 13-byte CCM nonce: direction u8 ‖ session id u32 ‖ 4 zero bytes ‖ counter u32. */
export function ccmNonce(dir: number, sid: number, ctr: number): Uint8Array {
  var n = new Uint8Array(13);
  n[0] = dir;
  writeU32(n, 1, sid);
  writeU32(n, 9, ctr);
  return n;
}

/**
 * Random bytes for key generation, expanded from an event's `rand` (the core
 * draws none of its own): SHA-256(LABEL_RAND ‖ seed ‖ counter) blocks. Key
 * generation may reject candidates (secp160k1 rejects about half), so it needs
 * more than the event carries; the stream never runs out.
 */
export function randStream(s: EcqvSuite, seed: Uint8Array): (n: number) => Uint8Array {
  var ctr = 0;
  var buf: Uint8Array = new Uint8Array(0);
  var pos = 0;
  return function (n: number): Uint8Array {
    var out = new Uint8Array(n);
    for (var i = 0; i < n; i++) {
      if (pos >= buf.length) {
        var c = new Uint8Array(4);
        writeU32(c, 0, ctr++);
        buf = s.sha256(concatBytes([LABEL_RAND, seed, c]));
        pos = 0;
      }
      out[i] = buf[pos++];
    }
    return out;
  };
}
