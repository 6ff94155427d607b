/**
 * A minimal Authentication Cloud in memory, on the contract of
 * firmware/protocols/cloud/ac-api.ts: the border-router tests' counterpart,
 * and the simulator's AC when no other is given. It makes the same decisions
 * as paper 000 §III-B steps 3–5 (TS window, replay, trust list, signature, MAC)
 * behind the same signed envelopes, with plain objects for tables. The real
 * service (configurator/cloud/, SQL on PGlite or PostgreSQL) is what users run;
 * this stub has no persistence, no audit and one process.
 *
 * Host code: @noble/curves for the signatures (never on a board).
 */
import { p256 } from '@noble/curves/nist.js';
import { weierstrass, ecdsa } from '@noble/curves/abstract/weierstrass.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { SECP160K1_PARAMS } from '../../firmware/crypto/curve-params.ts';
import { toHex, fromHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import {
  AC_API_VERSION, AC_JOIN_PATH, AC_CHECK_PATH, CURVE_NAMES, BrRequest, AcResponse, JoinVerdict, NodeJoin,
  brRequestSignedText, acResponseSignedText, joinStatementBytes, grantKeyInfo, grantMessage, GRANT_KEY_LEN, GRANT_LEN,
} from '../../firmware/protocols/cloud/ac-api.ts';
import { encodeJoin } from '../../firmware/protocols/cloud/frames.ts';
import { CLOUD_CODES } from '../../firmware/protocols/cloud/codes.ts';

/** One request to the AC: what the HTTP service receives (path, body) and answers (status, body). */
export interface AcAnswer {
  status: number;
  json: string;
}
/** How the simulator and the BR's host uplink call an AC: in-process, asynchronous like the real one. */
export type AcEndpoint = (path: string, json: string) => Promise<AcAnswer>;

function big(h: string): bigint {
  return BigInt('0x' + h);
}

var k160 = ecdsa(
  weierstrass({
    p: big(SECP160K1_PARAMS.p), n: big(SECP160K1_PARAMS.n), h: BigInt(1),
    a: big(SECP160K1_PARAMS.a), b: big(SECP160K1_PARAMS.b), Gx: big(SECP160K1_PARAMS.gx), Gy: big(SECP160K1_PARAMS.gy),
  }),
  sha256,
);

/** ECDSA over SHA-256 of msg, r ‖ s, on a node's curve (by name). */
export function nodeVerify(curve: string, sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  try {
    if (curve === 'p256') return p256.verify(sig, msg, pub);
    if (curve === 'secp160k1') return k160.verify(sig, msg, pub);
  } catch (e) {
    return false;
  }
  return false;
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

export interface AcStub {
  handle(path: string, json: string): AcAnswer;
  endpoint: AcEndpoint;
  addBr(id: string, pub: Uint8Array): void;
  revokeBr(id: string): void;
  addNode(n: StubNode): void;
  revoke(sn: string): void;
  /** decisions in order: path, sn, code name ('OK' on acceptance) */
  log: { path: string; br: string; sn: string; code: string }[];
}

function codeNum(name: string): number {
  for (var k in CLOUD_CODES.rows) if (CLOUD_CODES.rows[k][0] === name) return Number(k);
  return 0;
}

export function makeAcStub(o: AcStubOptions): AcStub {
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
    r.sig = toHex(p256.sign(utf8Encode(acResponseSignedText(r)), o.acPriv));
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
      var kan = hkdf(sha256, p256.getSharedSecret(o.acPriv, F, true).subarray(1), new Uint8Array(0), grantKeyInfo(n.sn, F), GRANT_KEY_LEN);
      var rh = sha256(encodeJoin(j.curve === 'p256' ? 1 : 2, j.sn, fromHex(j.mac), j.ts, fromHex(j.nonce), fromHex(j.sig)));
      v.gts = Math.floor(o.now() / 1000);
      v.grant = toHex(hmac(sha256, kan, grantMessage(rh, br, fromHex(j.eph), v.gts)).subarray(0, GRANT_LEN));
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
    if (!r || typeof r !== 'object' || r.v !== AC_API_VERSION || typeof r.br !== 'string' || typeof r.rid !== 'string' || !/^[0-9a-f]{32}$/.test(r.rid) ||
      typeof r.ts !== 'number' || r.path !== path || typeof r.body !== 'string' || typeof r.sig !== 'string') {
      return refuse('', path, '', '', 'E_AC_BAD_REQUEST', 400);
    }
    var br = brs[r.br];
    if (!br) return refuse(r.rid, path, r.br, '', 'E_AC_UNKNOWN_BR', 403);
    if (br.revoked) return refuse(r.rid, path, r.br, '', 'E_AC_BR_REVOKED', 403);
    var sig: Uint8Array;
    try {
      sig = fromHex(r.sig);
    } catch (e) {
      return refuse(r.rid, path, r.br, '', 'E_AC_BR_SIG', 403);
    }
    if (sig.length !== 64 || !p256.verify(sig, utf8Encode(brRequestSignedText(r)), br.pub)) return refuse(r.rid, path, r.br, '', 'E_AC_BR_SIG', 403);
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
      var cn = Object.prototype.hasOwnProperty.call(nodes, b.sn) ? nodes[b.sn] : null;
      if (!cn) return refuse(r.rid, path, r.br, b.sn, 'E_AC_UNKNOWN_SN', 404);
      if (cn.revoked) return refuse(r.rid, path, r.br, b.sn, 'E_AC_SN_REVOKED', 403);
      return accept(r.rid, path, r.br, cn);
    }
    if (path !== AC_JOIN_PATH) return refuse(r.rid, path, r.br, '', 'E_AC_BAD_REQUEST', 404);
    var j: NodeJoin = b;
    if (!j || typeof j.sn !== 'string' || typeof j.mac !== 'string' || !/^[0-9a-f]{12}$/.test(j.mac) || typeof j.ts !== 'number' ||
      typeof j.nonce !== 'string' || !/^[0-9a-f]{16}$/.test(j.nonce) || typeof j.sig !== 'string' || (j.curve !== 'p256' && j.curve !== 'secp160k1') ||
      typeof j.eph !== 'string' || !/^04([0-9a-f]{2})+$/.test(j.eph)) {
      return refuse(r.rid, path, r.br, '', 'E_AC_BAD_REQUEST', 400);
    }
    // Paper 000 §III-B step 3: time; then the replay (serial number, nonce); step 4: trust list, signature, MAC.
    if (Math.abs(j.ts - Math.floor(now / 1000)) > tsWindowS) return refuse(r.rid, path, r.br, j.sn, 'E_AC_TS_WINDOW', 403);
    if (nonces[j.sn + ' ' + j.nonce]) return refuse(r.rid, path, r.br, j.sn, 'E_AC_REPLAY', 409);
    var n = Object.prototype.hasOwnProperty.call(nodes, j.sn) ? nodes[j.sn] : null;
    if (!n) return refuse(r.rid, path, r.br, j.sn, 'E_AC_UNKNOWN_SN', 404);
    if (n.revoked) return refuse(r.rid, path, r.br, j.sn, 'E_AC_SN_REVOKED', 403);
    var curveId = j.curve === 'p256' ? 1 : 2;
    var ok = false;
    try {
      var stmt = joinStatementBytes(j.sn, fromHex(j.mac), j.ts, fromHex(j.nonce), curveId);
      ok = j.curve === n.curve && nodeVerify(n.curve, fromHex(j.sig), stmt, fromHex(n.pub));
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
    endpoint: function (path: string, json: string) {
      return Promise.resolve(handle(path, json));
    },
    addBr: function (id, pub) {
      brs[id] = { pub: pub, revoked: false };
    },
    revokeBr: function (id) {
      if (brs[id]) brs[id].revoked = true;
    },
    addNode: function (n) {
      nodes[n.sn] = { sn: n.sn, mac: n.mac, pub: n.pub, curve: n.curve, gpub: n.gpub, revoked: n.revoked };
    },
    revoke: function (sn) {
      if (nodes[sn]) nodes[sn].revoked = true;
    },
    log: log,
  };
}

/** The curve name of a curve id (ac-api.ts CURVE_NAMES). */
export function curveName(id: number): string {
  return CURVE_NAMES[id];
}
