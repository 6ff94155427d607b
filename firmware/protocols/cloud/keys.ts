/**
 * Key schedule of the cloud protocol (README §4): ECIES from the border router
 * to the node, bound to the node's request.
 *
 *   rh  = SHA-256(JOIN frame)                        the request, signature included
 *   z   = x(e · Q_node) = x(d_node · E)              ephemeral-static ECDH on the node's curve
 *   okm = HKDF-SHA256(ikm = z, salt = rh,
 *                     info = "nowboard/cloud/1 ecies" ‖ KEY header(8) ‖ E ‖ Q_node, 48)
 *   k_wrap = okm[0..16)   seals the network key in KEY
 *   k_down = okm[16..32)  border router → node: CONFIG
 *   k_up   = okm[32..48)  node → border router: KEYACK, ACK
 *
 * AES-128-CCM, 8-byte tags, 13-byte nonces type ‖ sid ‖ idx ‖ 0⁷ (each key is
 * fresh per KEY, so (type, idx) never repeats under one key); the AAD of every
 * sealed frame is its header ‖ rh, so nothing opens under another request.
 */
import { concatBytes, utf8Encode, writeU32, copyBytes } from '../../bytes/bytes.ts';
import { GRANT_LEN, GRANT_KEY_LEN, grantKeyInfo, grantMessage } from './ac-api.ts';
import { CloudSuite } from './suite.ts';

export var ECIES_INFO = 'nowboard/cloud/1 ecies';
export var KEY_LEN = 16;
export var CCM_NONCE_LEN = 13;

export interface SessionKeys {
  wrap: Uint8Array;
  down: Uint8Array;
  up: Uint8Array;
}

export function requestHash(s: CloudSuite, joinFrame: Uint8Array): Uint8Array {
  return s.sha256(joinFrame);
}

export function eciesKeys(s: CloudSuite, z: Uint8Array, rh: Uint8Array, keyHdr: Uint8Array, E: Uint8Array, nodePub: Uint8Array): SessionKeys {
  var info = concatBytes([utf8Encode(ECIES_INFO), keyHdr, E, nodePub]);
  var okm = s.hkdf(z, rh, info, 3 * KEY_LEN);
  return { wrap: copyBytes(okm, 0, 16), down: copyBytes(okm, 16, 32), up: copyBytes(okm, 32, 48) };
}

export function ccmNonce(type: number, sid: number, idx: number): Uint8Array {
  var n = new Uint8Array(CCM_NONCE_LEN);
  n[0] = type;
  writeU32(n, 1, sid);
  n[5] = idx;
  return n;
}

/**
 * A byte source from a seed (SHA-256 in counter mode): the border router's
 * ephemeral key is drawn from the random bytes of its event, and SEC 1 key
 * generation may need more than one draw (on secp160k1 about half the draws of
 * 21 bytes fall above n), so the core expands the event's bytes purely.
 */
export function drbg(s: CloudSuite, seed: Uint8Array): (n: number) => Uint8Array {
  var ctr = 0;
  return function (n: number) {
    var out = new Uint8Array(n);
    var o = 0;
    while (o < n) {
      var c = new Uint8Array(4);
      writeU32(c, 0, ctr++);
      var blk = s.sha256(concatBytes([seed, c]));
      for (var i = 0; i < blk.length && o < n; i++) out[o++] = blk[i];
    }
    return out;
  };
}

/**
 * The AC's grant over one KEY (README §4.4, ac-api.ts grantMessage): what the AC
 * computes on its yes and the node checks before its ECDH — one HMAC, no
 * scalar multiplication.
 */
export function grantTag(s: CloudSuite, grantKey: Uint8Array, rh: Uint8Array, brId: string, R: Uint8Array, gts: number): Uint8Array {
  return copyBytes(s.hmac(grantKey, grantMessage(rh, brId, R, gts)), 0, GRANT_LEN);
}

/** K_an from the shared x-coordinate (x(f·Q_AC) at keygen = x(d_AC·F) at the AC). */
export function grantKeyOf(s: CloudSuite, z: Uint8Array, sn: string, gpub: Uint8Array): Uint8Array {
  return s.hkdf(z, new Uint8Array(0), grantKeyInfo(sn, gpub), GRANT_KEY_LEN);
}

/**
 * Keygen (host): a node's grant key and the point F the AC derives it from.
 * `p256` must be the P-256 suite (the AC's curve, whatever the node's); f is
 * dropped here, so only the node's identity file and the AC's key give K_an.
 */
export function issueGrantKey(p256: CloudSuite, acPub: Uint8Array, sn: string, rand: (n: number) => Uint8Array): { gpub: Uint8Array; key: Uint8Array } {
  var f = p256.keyPair(rand);
  var z = p256.dh(f.priv, acPub);
  for (var i = 0; i < f.priv.length; i++) f.priv[i] = 0;
  return { gpub: f.pub, key: grantKeyOf(p256, z, sn, f.pub) };
}
