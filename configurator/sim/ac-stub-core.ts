/**
 * The decisions of the in-memory Authentication Cloud (paper 000 §III-B steps
 * 3–5, firmware/protocols/cloud/README.md §3.2 order of checks, the grant of
 * §4.4) on the contract of firmware/protocols/cloud/ac-api.ts, with the crypto
 * passed in. Two ACs are this one procedure: the simulator's stub (ac-stub.ts,
 * @noble/curves on the host) and the engine suite's
 * (host-tests/engines/cloud-engine-ac.ts, the firmware's BigInt-free
 * primitives, run inside Duktape, Espruino and JerryScript). With RFC 6979
 * signatures on both, the two answer a request byte for byte alike.
 *
 * ES5-safe, as it runs in the engines: no RegExp counted quantifiers
 * (Espruino's RegExp has no `{n}`: isLowerHex), no Map/Set/Promise; answers are
 * synchronous. Own-property lookups only, so an id like `constructor` is
 * unknown rather than a crash.
 */
import { toHex, fromHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import {
  AC_API_VERSION, AC_JOIN_PATH, AC_CHECK_PATH, BrRequest, AcResponse, JoinVerdict, NodeJoin,
  brRequestSignedText, acResponseSignedText, joinStatementBytes, grantKeyInfo, grantMessage, isLowerHex, GRANT_KEY_LEN, GRANT_LEN,
} from '../../firmware/protocols/cloud/ac-api.ts';
import { encodeJoin } from '../../firmware/protocols/cloud/frames.ts';
import { CLOUD_CODES } from '../../firmware/protocols/cloud/codes.ts';

/** One request to the AC: what the HTTP service receives (path, body) and answers (status, body). */
export interface AcAnswer {
  status: number;
  json: string;
}
export interface StubNode {
  sn: string;
  mac: string;
  pub: string;
  curve: string;
  /** the grant point F (P-256, hex; README §4.4) */
  gpub: string;
  revoked: boolean;
}

export interface AcStubOptions {
  acId: string;
  acPriv: Uint8Array;
  /** the AC's clock, ms since the epoch */
  now: () => number;
  trustFor: number;
  /** node TS window, seconds; BR envelope window, ms */
  tsWindowS?: number;
  brWindowMs?: number;
  maxBody?: number;
}

/** The AC's operations, answers synchronous. */
export interface AcDecisions {
  handle(path: string, json: string): AcAnswer;
  addBr(id: string, pub: Uint8Array): void;
  revokeBr(id: string): void;
  addNode(n: StubNode): void;
  revoke(sn: string): void;
  /** decisions in order: path, BR, sn, code name ('OK' on acceptance) */
  log: { path: string; br: string; sn: string; code: string }[];
}

/** The primitives an AC decides with; ECDSA is over SHA-256 of `msg`, r ‖ s, RFC 6979 nonces, low S. */
export interface AcStubCrypto {
  signP256(msg: Uint8Array, priv: Uint8Array): Uint8Array;
  verifyP256(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean;
  /** on a node's curve by name ('p256', 'secp160k1'); false for any other */
  verifyNode(curve: string, sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean;
  /** x(priv · F) on P-256 */
  ecdhP256(priv: Uint8Array, F: Uint8Array): Uint8Array;
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, len: number): Uint8Array;
  hmacSha256(key: Uint8Array, msg: Uint8Array): Uint8Array;
  sha256(msg: Uint8Array): Uint8Array;
}

function codeNum(name: string): number {
  for (var k in CLOUD_CODES.rows) if (CLOUD_CODES.rows[k][0] === name) return Number(k);
  return 0;
}

function has(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** The eph field: an uncompressed SEC 1 point in lowercase hex ('04' and at least one more byte). */
function isEph(s: any): boolean {
  return isLowerHex(s, -1) && s.length >= 4 && s.charAt(0) === '0' && s.charAt(1) === '4';
}

export function makeAcDecisions(o: AcStubOptions, c: AcStubCrypto): AcDecisions {
  var brs: { [id: string]: { pub: Uint8Array; revoked: boolean } } = {};
  var nodes: { [sn: string]: StubNode } = {};
  var rids: { [k: string]: boolean } = {};
  var nonces: { [k: string]: boolean } = {};
  var log: { path: string; br: string; sn: string; code: string }[] = [];
  var tsWindowS = o.tsWindowS || 300;
  var brWindowMs = o.brWindowMs || 300000;
  var maxBody = o.maxBody || 4096;

  function answer(rid: string, status: number, v: JoinVerdict): AcAnswer {
    var r: AcResponse = { v: AC_API_VERSION, ac: o.acId, rid: rid, ts: o.now(), status: status, body: JSON.stringify(v), sig: '' };
    r.sig = toHex(c.signP256(utf8Encode(acResponseSignedText(r)), o.acPriv));
    return { status: status, json: JSON.stringify(r) };
  }

  function refuse(rid: string, path: string, br: string, sn: string, name: string, status: number): AcAnswer {
    log.push({ path: path, br: br, sn: sn, code: name });
    return answer(rid, status, { ok: false, sn: sn, code: name, codeNum: codeNum(name), error: name });
  }

  function accept(rid: string, path: string, br: string, n: StubNode, j?: NodeJoin): AcAnswer {
    log.push({ path: path, br: br, sn: n.sn, code: 'OK' });
    var v: JoinVerdict = { ok: true, sn: n.sn, pub: n.pub, curve: n.curve, trustFor: o.trustFor };
    if (j) {
      // README §4.4: K_an = HKDF(x(d_AC·F)); grant = HMAC(K_an, rh ‖ BR id ‖ R ‖ gts), rh rebuilt from the verified fields.
      var F = fromHex(n.gpub);
      var kan = c.hkdfSha256(c.ecdhP256(o.acPriv, F), new Uint8Array(0), grantKeyInfo(n.sn, F), GRANT_KEY_LEN);
      var rh = c.sha256(encodeJoin(j.curve === 'p256' ? 1 : 2, j.sn, fromHex(j.mac), j.ts, fromHex(j.nonce), fromHex(j.sig)));
      v.gts = Math.floor(o.now() / 1000);
      v.grant = toHex(c.hmacSha256(kan, grantMessage(rh, br, fromHex(j.eph), v.gts)).subarray(0, GRANT_LEN));
    }
    return answer(rid, 200, v);
  }

  function handle(path: string, json: string): AcAnswer {
    if (typeof json !== 'string' || json.length > maxBody) return refuse('', path, '', '', 'E_AC_TOO_LARGE', 413);
    var r: BrRequest;
    try {
      r = JSON.parse(json);
    } catch (e) {
      return refuse('', path, '', '', 'E_AC_BAD_REQUEST', 400);
    }
    if (!r || typeof r !== 'object' || r.v !== AC_API_VERSION || typeof r.br !== 'string' || !isLowerHex(r.rid, 16) ||
      typeof r.ts !== 'number' || r.path !== path || typeof r.body !== 'string' || typeof r.sig !== 'string') {
      return refuse('', path, '', '', 'E_AC_BAD_REQUEST', 400);
    }
    var br = has(brs, r.br) ? brs[r.br] : null;
    if (!br) return refuse(r.rid, path, r.br, '', 'E_AC_UNKNOWN_BR', 403);
    if (br.revoked) return refuse(r.rid, path, r.br, '', 'E_AC_BR_REVOKED', 403);
    var sig: Uint8Array;
    try {
      sig = fromHex(r.sig);
    } catch (e) {
      return refuse(r.rid, path, r.br, '', 'E_AC_BR_SIG', 403);
    }
    if (sig.length !== 64 || !c.verifyP256(sig, utf8Encode(brRequestSignedText(r)), br.pub)) {
      return refuse(r.rid, path, r.br, '', 'E_AC_BR_SIG', 403);
    }
    var now = o.now();
    if (Math.abs(r.ts - now) > brWindowMs || rids[r.br + ' ' + r.rid]) return refuse(r.rid, path, r.br, '', 'E_AC_BR_REPLAY', 409);
    rids[r.br + ' ' + r.rid] = true;
    var b: any;
    try {
      b = JSON.parse(r.body);
    } catch (e) {
      return refuse(r.rid, path, r.br, '', 'E_AC_BAD_REQUEST', 400);
    }
    if (path === AC_CHECK_PATH) {
      if (!b || typeof b.sn !== 'string') return refuse(r.rid, path, r.br, '', 'E_AC_BAD_REQUEST', 400);
      var cn = has(nodes, b.sn) ? nodes[b.sn] : null;
      if (!cn) return refuse(r.rid, path, r.br, b.sn, 'E_AC_UNKNOWN_SN', 404);
      if (cn.revoked) return refuse(r.rid, path, r.br, b.sn, 'E_AC_SN_REVOKED', 403);
      return accept(r.rid, path, r.br, cn);
    }
    if (path !== AC_JOIN_PATH) return refuse(r.rid, path, r.br, '', 'E_AC_BAD_REQUEST', 404);
    var j: NodeJoin = b;
    if (!j || typeof j.sn !== 'string' || !isLowerHex(j.mac, 6) || typeof j.ts !== 'number' || !isLowerHex(j.nonce, 8) ||
      typeof j.sig !== 'string' || (j.curve !== 'p256' && j.curve !== 'secp160k1') || !isEph(j.eph)) {
      return refuse(r.rid, path, r.br, '', 'E_AC_BAD_REQUEST', 400);
    }
    // Paper 000 §III-B step 3: time; then the replay (serial number, nonce); step 4: trust list, signature, MAC.
    if (Math.abs(j.ts - Math.floor(now / 1000)) > tsWindowS) return refuse(r.rid, path, r.br, j.sn, 'E_AC_TS_WINDOW', 403);
    if (nonces[j.sn + ' ' + j.nonce]) return refuse(r.rid, path, r.br, j.sn, 'E_AC_REPLAY', 409);
    var n = has(nodes, j.sn) ? nodes[j.sn] : null;
    if (!n) return refuse(r.rid, path, r.br, j.sn, 'E_AC_UNKNOWN_SN', 404);
    if (n.revoked) return refuse(r.rid, path, r.br, j.sn, 'E_AC_SN_REVOKED', 403);
    var ok = false;
    try {
      var stmt = joinStatementBytes(j.sn, fromHex(j.mac), j.ts, fromHex(j.nonce), j.curve === 'p256' ? 1 : 2);
      ok = j.curve === n.curve && c.verifyNode(n.curve, fromHex(j.sig), stmt, fromHex(n.pub));
    } catch (e) {
      ok = false;
    }
    if (!ok) return refuse(r.rid, path, r.br, j.sn, 'E_AC_NODE_SIG', 403);
    if (j.mac !== n.mac) return refuse(r.rid, path, r.br, j.sn, 'E_AC_MAC', 403);
    if (!n.gpub) return refuse(r.rid, path, r.br, j.sn, 'E_AC_NO_GRANT_KEY', 403);
    nonces[j.sn + ' ' + j.nonce] = true;
    return accept(r.rid, path, r.br, n, j);
  }

  return {
    handle: handle,
    addBr: function (id, pub) {
      brs[id] = { pub: pub, revoked: false };
    },
    revokeBr: function (id) {
      if (has(brs, id)) brs[id].revoked = true;
    },
    addNode: function (n) {
      nodes[n.sn] = { sn: n.sn, mac: n.mac, pub: n.pub, curve: n.curve, gpub: n.gpub, revoked: n.revoked };
    },
    revoke: function (sn) {
      if (has(nodes, sn)) nodes[sn].revoked = true;
    },
    log: log,
  };
}
