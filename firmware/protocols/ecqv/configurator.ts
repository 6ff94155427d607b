/**
 * CA / configurator role of the ECQV protocol (README.md §2, §7.2; paper 002
 * §4.3, its figure 1): a stateless cookie against floods, certificate requests
 * authenticated with per-device request keys, ECQV issuance (SEC 4 §2.4), then
 * the enrollee's configuration under keys bound to its new certificate, with an
 * authenticated ACK it audits, and a signed revocation list.
 *
 * Pure core: `next(state, event) → { state, effects, tr, code }`; never mutates
 * its input state, never throws. The order of checks on a REQUEST is the flood
 * defence (THREATS #9): cookie (one HMAC, no state), device list, request MAC,
 * replay, up to date, busy, cooldown, pending cap and token bucket — only then
 * any scalar multiplication. HELLO never changes the state (the cookie is the
 * only memory of it, and it lives in the enrollee).
 */
import { equalBytes, ctEqual, concatBytes, copyBytes, readU32, toHex, macToString, wipe } from '../../bytes/bytes.ts';
import {
  decodeFrame, encodeHelloVerify, encodeResponseBody, withTag, configHeader, withSealed, encodeCrlBody, withSig,
  T_HELLO, T_REQUEST, T_FINISHED, T_ACK, TYPE_NAMES, HDR_LEN, AEAD_TAG_LEN, FRAG_MAX, TAG_LEN, CRL_MAX, EcqvFrame,
} from './frames.ts';
import {
  OK, E_STATE, E_NO_SESSION, E_PEER, E_BAD_POINT, E_AUTH_ACK, E_RATE, E_NO_RAND, E_REVOKED, E_UP_TO_DATE, E_BUSY, E_TIMEOUT,
  E_CRYPTO, E_NO_CONFIG, E_COOLDOWN, E_EVENT, E_STALE_TIMER, E_SUITE, E_FIELD, E_COMMAND, I_SESSION, I_CONFIRMED, I_NOT_PROVISIONED,
} from '../../codec/codes.ts';
import { E_COOKIE, E_AUTH_REQUEST, E_AUTH_FINISHED, E_REPLAY, E_UNKNOWN_DEVICE, I_CERTIFIED, W_SHARED_KEY, I_DEVICES, I_CRL, codeName } from './codes.ts';
import { EcqvSuite } from './suite.ts';
import {
  requestKey, caIdOf, cookieOf, issueTh0, requestTag, issueTh1, responseTag, chain, issueKeys, finTag, ccmNonce, randStream,
  IssueKeys, DIR_C2U, DIR_U2C, KEYMODE_SHARED,
} from './keys.ts';
import { encodeCertMeta, ID_LEN } from './cert.ts';
import { CaIdentity, DeviceEntry, encodeDevices } from './records.ts';
import { DeviceConfig, encodeConfig } from '../../codec/config-record.ts';
import { EcqvEvent, EcqvEffect, EcqvStep, EcqvCommand, clone, has, report, randOf, isMac, nowOf, BROADCAST_MAC, ecCode } from './common.ts';
import { FrameEvent, TimerEvent, CommandEvent, Role } from '../../runtime/events.ts';
import { PROTO_ECQV } from '../../codec/protocol-ids.ts';

export var CA_OFF = 0;
export var CA_RUN = 1;
export var CA_STATE_NAMES = ['OFF', 'RUN'];

/** Per-session states. */
export var CS_WAIT_FIN = 1;
export var CS_WAIT_ACK = 2;
export var CS_STATE_NAMES = ['-', 'WAIT_FIN', 'WAIT_ACK'];

/** Random bytes on every event: boot (cookie key 32), a session (N_CA 16, sid 4, seed of k 32). */
export var CA_RAND = 64;
/** Storage file the core rewrites after every device-list change. */
export var DEVICES_FILE = 'nb.devices';
/** Session timer ids are SESSION_TIMER + hex(U); the CRL broadcast timer is CRL_TIMER. */
export var SESSION_TIMER = 's:';
export var CRL_TIMER = 'crl';

export interface CaOptions {
  /** cookie epoch; a cookie is good in its epoch and the next (so for 1–2 epochs) */
  cookieMs: number;
  /** wait for FINISHED after RESPONSE, per try (the enrollee's reconstruction takes long on a board) */
  finMs: number;
  /** wait for ACK after the CONFIG fragments, per try; ackMs × ackTries must exceed the enrollee's joinMs */
  ackMs: number;
  maxTries: number;
  ackTries: number;
  cooldownMs: number;
  /** token bucket for issuances (each costs two scalar multiplications) */
  bucketSize: number;
  bucketMs: number;
  /** sessions waiting for FINISHED at once */
  maxPending: number;
  /** CRL broadcast period (0: only after issuance and on revoke) */
  crlMs: number;
  /** request nonces remembered per device (replay) */
  nonceKeep: number;
}

export var CA_DEFAULTS: CaOptions = {
  cookieMs: 30000,
  finMs: 3000,
  ackMs: 4000,
  maxTries: 4,
  ackTries: 8,
  cooldownMs: 10000,
  bucketSize: 4,
  bucketMs: 500,
  maxPending: 2,
  crlMs: 60000,
  nonceKeep: 8,
};

export interface CaSession {
  st: number;
  sid: number;
  peer: Uint8Array;
  hx: string;
  /** hex of the request nonce (a duplicate REQUEST re-sends RESPONSE) */
  nu: string;
  resp: Uint8Array;
  th2: Uint8Array;
  th3: Uint8Array | null;
  k: IssueKeys;
  /** FINISHED as accepted (a duplicate re-sends the CONFIG fragments) */
  fin: Uint8Array | null;
  target: DeviceConfig;
  frames: Uint8Array[];
  tries: number;
}

export interface CaDevice {
  U: Uint8Array;
  group: string;
  revoked: boolean;
  /** last configuration version the enrollee confirmed */
  prov: number;
  retryAt: number;
  /** hex of request nonces already used (replay) */
  used: string[];
}

export interface CaState {
  ph: number;
  id: CaIdentity;
  caId: Uint8Array;
  /** d_CA·Q_CA, computed at boot: the CA's own pairwise cache (README §4.2) */
  dQca: Uint8Array | null;
  /** cookie key, drawn at boot */
  ck: Uint8Array | null;
  devs: { [hx: string]: CaDevice };
  dev: { [hx: string]: DeviceConfig };
  grp: { [g: string]: DeviceConfig };
  sess: { [hx: string]: CaSession };
  sids: { [sid: string]: string };
  tok: number;
  tokAt: number;
  /** revocation list: version and the signed frame (null before boot or at version 0) */
  crl: { version: number; frame: Uint8Array | null };
  opt: CaOptions;
}

export function caInitial(id: CaIdentity, entries: DeviceEntry[], crlVersion: number, opt?: CaOptions): CaState {
  var o = opt || CA_DEFAULTS;
  var devs: { [hx: string]: CaDevice } = {};
  var anyRevoked = false;
  for (var i = 0; i < entries.length; i++) {
    var en = entries[i];
    devs[toHex(en.U)] = { U: en.U, group: en.group, revoked: en.revoked, prov: 0, retryAt: 0, used: [] };
    if (en.revoked) anyRevoked = true;
  }
  // A list with revocations but version 0 (hand-made) still gets a CRL: version 1.
  var v = crlVersion > 0 ? crlVersion : anyRevoked ? 1 : 0;
  return {
    ph: CA_OFF, id: id, caId: new Uint8Array(4), dQca: null, ck: null, devs: devs, dev: {}, grp: {}, sess: {}, sids: {},
    tok: o.bucketSize, tokAt: 0, crl: { version: v, frame: null }, opt: o,
  };
}

/** The device list as file entries, sorted by id. */
export function deviceEntries(st: CaState): DeviceEntry[] {
  var keys: string[] = [];
  for (var k in st.devs) if (has(st.devs, k)) keys.push(k);
  keys.sort();
  var out: DeviceEntry[] = [];
  for (var i = 0; i < keys.length; i++) out.push({ U: st.devs[keys[i]].U, group: st.devs[keys[i]].group, revoked: st.devs[keys[i]].revoked });
  return out;
}

/** The configuration a device should hold: its own, else its group's, else the default group's. */
export function caConfigFor(st: CaState, hx: string): DeviceConfig | null {
  if (has(st.dev, hx)) return st.dev[hx];
  var d = st.devs[hx];
  if (d && has(st.grp, d.group)) return st.grp[d.group];
  if (has(st.grp, '')) return st.grp[''];
  return null;
}

export type CaCore = Role<CaState, EcqvCommand>;

export function makeCa(suite: EcqvSuite): CaCore {
  function step(st: CaState, effects: EcqvEffect[], tr: string, code: number): EcqvStep<CaState> {
    return { state: st, effects: effects, tr: tr, code: code };
  }

  function reject(st: CaState, code: number, what: string, quiet?: boolean): EcqvStep<CaState> {
    return step(st, quiet ? [] : [report(code, what + ': ' + codeName(code))], what + ' -x', code);
  }

  function audit(hx: string, peer: Uint8Array, code: number, version: number, now: number): EcqvEffect {
    return { t: 'audit', device: hx, mac: macToString(peer), code: code, version: version, now: now };
  }

  /** The signed CRL frame for this version and the revoked devices (README §5). */
  function signCrl(st: CaState, version: number): Uint8Array {
    var ids: Uint8Array[] = [];
    var es = deviceEntries(st);
    for (var i = 0; i < es.length; i++) if (es[i].revoked) ids.push(es[i].U);
    var body = encodeCrlBody(suite.id, st.caId, version, ids);
    return withSig(body, suite.sign(st.id.dCA, body));
  }

  function revokedCount(st: CaState): number {
    var n = 0;
    for (var k in st.devs) if (has(st.devs, k) && st.devs[k].revoked) n++;
    return n;
  }

  function endSession(st0: CaState, hx: string, failedAt: number, effects: EcqvEffect[]): CaState {
    var st = clone(st0);
    var s = st.sess[hx];
    st.sess = clone(st.sess);
    delete st.sess[hx];
    if (s) {
      st.sids = clone(st.sids);
      delete st.sids[String(s.sid)];
    }
    if (failedAt >= 0 && has(st.devs, hx)) {
      st.devs = clone(st.devs);
      var d = clone(st.devs[hx]);
      d.retryAt = failedAt + st.opt.cooldownMs;
      st.devs[hx] = d;
    }
    effects.push({ t: 'cancel', id: SESSION_TIMER + hx });
    return st;
  }

  function putSession(st0: CaState, s: CaSession): CaState {
    var st = clone(st0);
    st.sess = clone(st.sess);
    st.sess[s.hx] = s;
    st.sids = clone(st.sids);
    st.sids[String(s.sid)] = s.hx;
    return st;
  }

  function setDevice(st0: CaState, hx: string, d: CaDevice): CaState {
    var st = clone(st0);
    st.devs = clone(st.devs);
    st.devs[hx] = d;
    return st;
  }

  function epoch(st: CaState, now: number): number {
    return Math.floor(now / st.opt.cookieMs);
  }

  /** HELLO (ClientHello): answer with a cookie, keep nothing (the stateless half of the flood defence). */
  function onHello(st: CaState, f: EcqvFrame, from: Uint8Array, ev: FrameEvent): EcqvStep<CaState> {
    var U = f.U as Uint8Array;
    var hx = toHex(U);
    if (!has(st.devs, hx)) return reject(st, E_UNKNOWN_DEVICE, 'HELLO', true);
    var d = st.devs[hx];
    if (d.revoked) return reject(st, E_REVOKED, 'HELLO', true);
    var now = nowOf(ev);
    var target = caConfigFor(st, hx);
    if (!target) return reject(st, E_NO_CONFIG, 'HELLO');
    var held = f.held as number;
    if (held >= target.version) {
      // Up to date. HELLO is unauthenticated: this only updates the log; a
      // session waiting for a lost ACK ends here.
      var effects: EcqvEffect[] = [];
      var nst = st;
      if (d.prov < held && held === target.version) {
        var nd = clone(d);
        nd.prov = held;
        nst = setDevice(nst, hx, nd);
        effects.push(audit(hx, from, I_CONFIRMED, held, now));
      }
      if (has(nst.sess, hx) && nst.sess[hx].st === CS_WAIT_ACK && held === nst.sess[hx].target.version) nst = endSession(nst, hx, -1, effects);
      return step(nst, effects, 'HELLO up to date', E_UP_TO_DATE);
    }
    if (now < d.retryAt) return reject(st, E_COOLDOWN, 'HELLO', true);
    var cookie = cookieOf(suite, st.ck as Uint8Array, from, U, f.nonce as Uint8Array, held, epoch(st, now));
    return step(st, [{ t: 'send', to: copyBytes(from), bytes: encodeHelloVerify(suite.id, U, f.nonce as Uint8Array, cookie) }], 'HELLO -cookie->', 0);
  }

  function cookieOk(st: CaState, f: EcqvFrame, from: Uint8Array, now: number): boolean {
    var e = epoch(st, now);
    var got = f.cookie as Uint8Array;
    for (var k = 0; k < 2; k++) {
      if (e - k < 0) break;
      if (ctEqual(cookieOf(suite, st.ck as Uint8Array, from, f.U as Uint8Array, f.nonce as Uint8Array, f.held as number, e - k), got)) return true;
    }
    return false;
  }

  function onRequest(st: CaState, f: EcqvFrame, from: Uint8Array, bytes: Uint8Array, ev: FrameEvent): EcqvStep<CaState> {
    var now = nowOf(ev);
    if (!cookieOk(st, f, from, now)) return reject(st, E_COOKIE, 'REQUEST', true);
    var U = f.U as Uint8Array;
    var hx = toHex(U);
    if (!has(st.devs, hx)) return reject(st, E_UNKNOWN_DEVICE, 'REQUEST', true);
    var d = st.devs[hx];
    if (d.revoked) return reject(st, E_REVOKED, 'REQUEST', true);
    var kU = requestKey(suite, st.id.master, U, st.id.mode);
    var body = copyBytes(bytes, 0, bytes.length - TAG_LEN);
    var th0 = issueTh0(suite, st.id.caPub, body);
    var tagQ = requestTag(suite, kU, th0);
    if (!ctEqual(tagQ, f.tag as Uint8Array)) return reject(st, E_AUTH_REQUEST, 'REQUEST');
    var nu = toHex(f.nonce as Uint8Array);
    var s = has(st.sess, hx) ? st.sess[hx] : null;
    if (s && s.nu === nu) {
      // Our RESPONSE was lost (or is on its way): the same REQUEST gets the same answer, no EC work.
      if (s.st === CS_WAIT_FIN && equalBytes(s.peer, from)) {
        return step(st, [{ t: 'send', to: s.peer, bytes: s.resp }], 'WAIT_FIN -request again-> WAIT_FIN', 0);
      }
      return reject(st, E_BUSY, 'REQUEST');
    }
    for (var i = 0; i < d.used.length; i++) if (d.used[i] === nu) return reject(st, E_REPLAY, 'REQUEST');
    var target = caConfigFor(st, hx);
    if (!target) return reject(st, E_NO_CONFIG, 'REQUEST');
    if ((f.held as number) >= target.version) return reject(st, E_UP_TO_DATE, 'REQUEST', true);
    if (now < d.retryAt) return reject(st, E_COOLDOWN, 'REQUEST', true);
    var pending = 0;
    for (var ph in st.sess) if (has(st.sess, ph) && ph !== hx && st.sess[ph].st === CS_WAIT_FIN) pending++;
    if (pending >= (st.opt.maxPending || 1)) return reject(st, E_RATE, 'REQUEST');
    var gained = now > st.tokAt ? Math.floor((now - st.tokAt) / st.opt.bucketMs) : 0;
    var tok = st.tok + gained;
    var tokAt = st.tokAt + gained * st.opt.bucketMs;
    if (tok >= st.opt.bucketSize) {
      tok = st.opt.bucketSize;
      tokAt = now;
    }
    if (tok < 1) return reject(st, E_RATE, 'REQUEST');
    var rand = randOf(ev, CA_RAND);
    if (!rand) return reject(st, E_NO_RAND, 'REQUEST');

    // EC work starts here: SEC 4 §2.4 issuance, then Z = x(d_CA·Q_U) for the configuration keys.
    var T = st.id.clockBase + Math.floor(now / 1000);
    var meta = encodeCertMeta(suite.id, U, T, st.id.hours, st.caId);
    var iss: { cert: Uint8Array; s: Uint8Array };
    var Z: Uint8Array;
    try {
      iss = suite.issue(st.id.dCA, f.RU as Uint8Array, meta, randStream(suite, copyBytes(rand, 20, 52)));
      Z = suite.agree(st.id.dCA, st.dQca as Uint8Array, iss.cert);
    } catch (e) {
      return reject(st, ecCode(e, E_BAD_POINT, E_BAD_POINT, E_CRYPTO), 'REQUEST');
    }
    var sid = readU32(rand, 16);
    while (sid === 0 || has(st.sids, String(sid))) sid = (sid + 1) >>> 0;
    var respBody = encodeResponseBody(suite.id, sid, copyBytes(rand, 0, 16), iss.cert, iss.s);
    var th1 = issueTh1(suite, th0, tagQ, respBody);
    var tagR = responseTag(suite, kU, th1);
    var th2 = chain(suite, th1, tagR);
    var k = issueKeys(suite, Z, kU, th2);
    wipe(Z);
    var resp = withTag(respBody, tagR);
    var sess: CaSession = {
      st: CS_WAIT_FIN, sid: sid, peer: copyBytes(from), hx: hx, nu: nu, resp: resp, th2: th2, th3: null, k: k, fin: null,
      target: target, frames: [], tries: 1,
    };
    var nd = clone(d);
    nd.used = d.used.slice(d.used.length >= st.opt.nonceKeep ? 1 : 0);
    nd.used.push(nu);
    var effects: EcqvEffect[] = [];
    // An authentic, fresh REQUEST while an older session waits: the device gave up on
    // that one (its RESPONSE came too late), so the old session ends here, unaudited.
    var nst = s ? endSession(st, hx, -1, effects) : st;
    nst = setDevice(nst, hx, nd);
    nst.tok = tok - 1;
    nst.tokAt = tokAt;
    nst = putSession(nst, sess);
    effects.push({ t: 'send', to: sess.peer, bytes: resp });
    effects.push({ t: 'arm', id: SESSION_TIMER + hx, ms: st.opt.finMs });
    return step(nst, effects, (s ? CS_STATE_NAMES[s.st] + ' -newer request-> ' : 'REQUEST -issued-> ') + 'WAIT_FIN', 0);
  }

  function sessionFor(st: CaState, f: EcqvFrame): CaSession | null {
    var key = String(f.sid);
    if (!has(st.sids, key)) return null;
    return st.sess[st.sids[key]] || null;
  }

  function onFinished(st: CaState, f: EcqvFrame, from: Uint8Array, bytes: Uint8Array): EcqvStep<CaState> {
    var s = sessionFor(st, f);
    if (!s) return reject(st, E_NO_SESSION, 'FINISHED');
    if (!equalBytes(from, s.peer)) return reject(st, E_PEER, 'FINISHED');
    if (s.st === CS_WAIT_ACK && s.fin && equalBytes(bytes, s.fin)) {
      // The enrollee saw a RESPONSE again and repeated its FINISHED: our CONFIG may be lost; repeat it.
      var again: EcqvEffect[] = [];
      for (var j = 0; j < s.frames.length; j++) again.push({ t: 'send', to: s.peer, bytes: s.frames[j] });
      return step(st, again, 'WAIT_ACK -finished again-> WAIT_ACK', 0);
    }
    if (s.st !== CS_WAIT_FIN) return reject(st, E_STATE, 'FINISHED');
    var tag = f.tag as Uint8Array;
    if (!ctEqual(finTag(suite, s.k.fin, s.th2), tag)) return reject(st, E_AUTH_FINISHED, 'FINISHED');
    var th3 = chain(suite, s.th2, tag);
    var pt = encodeConfig(s.target);
    var count = Math.ceil(pt.length / FRAG_MAX);
    var frames: Uint8Array[] = [];
    for (var i = 0; i < count; i++) {
      var hdr = configHeader(suite.id, s.sid, i, count);
      var chunk = copyBytes(pt, i * FRAG_MAX, Math.min(pt.length, (i + 1) * FRAG_MAX));
      frames.push(withSealed(hdr, suite.seal(s.k.ce, ccmNonce(DIR_C2U, s.sid, i), chunk, concatBytes([hdr, th3]), AEAD_TAG_LEN)));
    }
    var ns = clone(s);
    ns.st = CS_WAIT_ACK;
    ns.th3 = th3;
    ns.fin = copyBytes(bytes);
    ns.frames = frames;
    ns.tries = 1;
    var effects: EcqvEffect[] = [];
    for (var k = 0; k < frames.length; k++) effects.push({ t: 'send', to: s.peer, bytes: frames[k] });
    effects.push({ t: 'arm', id: SESSION_TIMER + s.hx, ms: st.opt.ackMs });
    effects.push(report(I_CERTIFIED, 'device ' + s.hx + ' holds the key of its new certificate'));
    return step(putSession(st, ns), effects, 'WAIT_FIN -finished-> WAIT_ACK', 0);
  }

  function onAck(st: CaState, f: EcqvFrame, from: Uint8Array, bytes: Uint8Array, ev: FrameEvent): EcqvStep<CaState> {
    var s = sessionFor(st, f);
    if (!s) return reject(st, E_NO_SESSION, 'ACK');
    if (s.st !== CS_WAIT_ACK || !s.th3) return reject(st, E_STATE, 'ACK');
    if (!equalBytes(from, s.peer)) return reject(st, E_PEER, 'ACK');
    var aad = concatBytes([copyBytes(bytes, 0, HDR_LEN), s.th3]);
    var pt = suite.open(s.k.ue, ccmNonce(DIR_U2C, s.sid, 0), f.sealed as Uint8Array, aad, AEAD_TAG_LEN);
    if (!pt) return reject(st, E_AUTH_ACK, 'ACK');
    var result = pt[0];
    var version = readU32(pt, 1);
    if (version !== s.target.version && result === OK) return reject(st, E_FIELD, 'ACK');
    var now = nowOf(ev);
    var effects: EcqvEffect[] = [audit(s.hx, s.peer, result, version, now)];
    if (result === OK) {
      var d = clone(st.devs[s.hx]);
      d.prov = version;
      var nst = endSession(setDevice(st, s.hx, d), s.hx, -1, effects);
      effects.push(report(I_CONFIRMED, 'version ' + version));
      // A new member learns the current revocations at once (README §5).
      if (st.crl.frame) effects.push({ t: 'send', to: s.peer, bytes: st.crl.frame });
      return step(nst, effects, 'WAIT_ACK -ack ok-> done', 0);
    }
    effects.push(report(I_NOT_PROVISIONED, codeName(result)));
    return step(endSession(st, s.hx, now, effects), effects, 'WAIT_ACK -ack ' + codeName(result) + '-> done', result);
  }

  function onTimer(st: CaState, ev: TimerEvent): EcqvStep<CaState> {
    var id = String(ev.id);
    if (id === CRL_TIMER) {
      if (!st.crl.frame || !(st.opt.crlMs > 0)) return reject(st, E_STALE_TIMER, 'timer', true);
      return step(st, [{ t: 'send', to: BROADCAST_MAC, bytes: st.crl.frame }, { t: 'arm', id: CRL_TIMER, ms: st.opt.crlMs }], 'CRL broadcast', 0);
    }
    if (id.substring(0, SESSION_TIMER.length) !== SESSION_TIMER) return reject(st, E_STALE_TIMER, 'timer', true);
    var hx = id.substring(SESSION_TIMER.length);
    if (!has(st.sess, hx)) return reject(st, E_STALE_TIMER, 'timer', true);
    var s = st.sess[hx];
    var now = nowOf(ev);
    if (s.tries >= (s.st === CS_WAIT_FIN ? st.opt.maxTries : st.opt.ackTries)) {
      var effects: EcqvEffect[] = [audit(hx, s.peer, E_TIMEOUT, s.target.version, now)];
      effects.push(report(E_TIMEOUT, CS_STATE_NAMES[s.st]));
      return step(endSession(st, hx, now, effects), effects, CS_STATE_NAMES[s.st] + ' -timeout-> failed', E_TIMEOUT);
    }
    var ns = clone(s);
    ns.tries = s.tries + 1;
    var out: EcqvEffect[] = [];
    if (s.st === CS_WAIT_FIN) out.push({ t: 'send', to: s.peer, bytes: s.resp });
    else for (var i = 0; i < s.frames.length; i++) out.push({ t: 'send', to: s.peer, bytes: s.frames[i] });
    out.push({ t: 'arm', id: SESSION_TIMER + hx, ms: s.st === CS_WAIT_FIN ? st.opt.finMs : st.opt.ackMs });
    return step(putSession(st, ns), out, CS_STATE_NAMES[s.st] + ' -retransmit-> ' + CS_STATE_NAMES[s.st], 0);
  }

  function idOf(ev: CommandEvent<EcqvCommand>): Uint8Array | null {
    var h = ev.id !== undefined ? ev.id : ev.hash;
    return h instanceof Uint8Array && h.length === ID_LEN ? h : null;
  }

  function onCommand(st: CaState, ev: CommandEvent<EcqvCommand>): EcqvStep<CaState> {
    var op = ev.op;
    if (op === 'list') {
      var lines: string[] = [];
      var es = deviceEntries(st);
      for (var i = 0; i < es.length; i++) {
        var hx = toHex(es[i].U);
        var d = st.devs[hx];
        lines.push(hx + ' group=' + d.group + ' ' + (d.revoked ? 'revoked' : 'allowed') + ' confirmed=' + d.prov +
          (has(st.sess, hx) ? ' session=' + CS_STATE_NAMES[st.sess[hx].st] : ''));
      }
      lines.push('crl version ' + st.crl.version);
      return step(st, [report(I_DEVICES, lines.join('\n'))], 'command list', 0);
    }
    if (op === 'add' || op === 'revoke') {
      var U = idOf(ev);
      if (!U) return reject(st, E_COMMAND, op);
      var key = toHex(U);
      var effects: EcqvEffect[] = [];
      var nst: CaState;
      if (op === 'add') {
        var old = has(st.devs, key) ? st.devs[key] : null;
        if (old && old.revoked) return reject(st, E_COMMAND, op); // a revoked id stays revoked (its certificates are on the CRL)
        nst = setDevice(st, key, {
          U: copyBytes(U), group: typeof ev.group === 'string' ? ev.group : '', revoked: false, prov: old ? old.prov : 0, retryAt: 0, used: old ? old.used : [],
        });
      } else {
        if (!has(st.devs, key)) return reject(st, E_COMMAND, op);
        if (st.devs[key].revoked) return step(st, [], 'command revoke (already)', 0);
        if (revokedCount(st) >= CRL_MAX) return reject(st, E_COMMAND, op + ' (CRL full: ' + CRL_MAX + ' ids; re-key the batch)');
        var r = clone(st.devs[key]);
        r.revoked = true;
        nst = setDevice(st, key, r);
        if (has(nst.sess, key)) nst = endSession(nst, key, -1, effects);
        if (st.ph === CA_RUN) {
          var v = st.crl.version + 1;
          nst.crl = { version: v, frame: signCrl(nst, v) };
          effects.push({ t: 'send', to: BROADCAST_MAC, bytes: nst.crl.frame as Uint8Array });
          if (st.opt.crlMs > 0) effects.push({ t: 'arm', id: CRL_TIMER, ms: st.opt.crlMs });
          effects.push(report(I_CRL, 'version ' + v));
        } else nst.crl = { version: st.crl.version + 1, frame: null };
      }
      effects.push({ t: 'store', file: DEVICES_FILE, bytes: encodeDevices(nst.crl.version, deviceEntries(nst)) });
      return step(nst, effects, 'command ' + op, 0);
    }
    if (op === 'config') {
      var c = ev.config;
      try {
        encodeConfig(c as DeviceConfig);
      } catch (e) {
        return reject(st, E_COMMAND, op);
      }
      var cc = clone(st);
      var hasId = ev.id !== undefined || ev.hash !== undefined;
      var dev = idOf(ev);
      if (dev) {
        cc.dev = clone(st.dev);
        cc.dev[toHex(dev)] = c as DeviceConfig;
      } else if (!hasId) {
        cc.grp = clone(st.grp);
        cc.grp[typeof ev.group === 'string' ? ev.group : ''] = c as DeviceConfig;
      } else return reject(st, E_COMMAND, op);
      return step(cc, [], 'command config', 0);
    }
    return reject(st, E_COMMAND, String(op));
  }

  function onFrame(st: CaState, ev: FrameEvent): EcqvStep<CaState> {
    if (!isMac(ev.from) || !(ev.bytes instanceof Uint8Array)) return reject(st, E_EVENT, 'frame');
    var d = decodeFrame(ev.bytes);
    if (!d.frame) return reject(st, d.code, 'frame');
    var f = d.frame;
    var from = ev.from as Uint8Array;
    if (f.type !== T_HELLO && f.type !== T_REQUEST && f.type !== T_FINISHED && f.type !== T_ACK) {
      // Frames only a CA sends (our own echoed back, threat 2) and boards' pairing traffic.
      return reject(st, E_STATE, TYPE_NAMES[f.type], true);
    }
    if (f.suite !== suite.id) return reject(st, E_SUITE, TYPE_NAMES[f.type]);
    if (f.type === T_HELLO) return onHello(st, f, from, ev);
    if (f.type === T_REQUEST) return onRequest(st, f, from, ev.bytes, ev);
    if (f.type === T_FINISHED) return onFinished(st, f, from, ev.bytes);
    return onAck(st, f, from, ev.bytes, ev);
  }

  function onBoot(st: CaState, ev: EcqvEvent): EcqvStep<CaState> {
    var rand = randOf(ev, 32);
    if (!rand) return reject(st, E_NO_RAND, 'boot');
    var b = clone(st);
    b.ph = CA_RUN;
    b.tokAt = nowOf(ev);
    b.ck = copyBytes(rand, 0, 32);
    b.caId = caIdOf(suite, st.id.caPub);
    var effects: EcqvEffect[] = [];
    try {
      b.dQca = suite.cacheCa(st.id.dCA, st.id.caPub);
      b.crl = { version: st.crl.version, frame: st.crl.version > 0 ? signCrl(b, st.crl.version) : null };
    } catch (e) {
      return reject(st, E_CRYPTO, 'boot: CA key');
    }
    if (st.id.mode === KEYMODE_SHARED) effects.push(report(W_SHARED_KEY, 'every device shares one request key (paper 002 §4.3); prefer per-device keys'));
    if (b.crl.frame && st.opt.crlMs > 0) {
      effects.push({ t: 'send', to: BROADCAST_MAC, bytes: b.crl.frame });
      effects.push({ t: 'arm', id: CRL_TIMER, ms: st.opt.crlMs });
    }
    return step(b, effects, CA_STATE_NAMES[st.ph] + ' -boot-> RUN', 0);
  }

  function next(st: CaState, ev: EcqvEvent): EcqvStep<CaState> {
    try {
      if (!ev || typeof ev.t !== 'string') return reject(st, E_EVENT, 'event');
      if (ev.t === 'boot') return onBoot(st, ev);
      if (ev.t === 'command') return onCommand(st, ev);
      if (st.ph !== CA_RUN) return reject(st, E_STATE, ev.t);
      if (ev.t === 'frame') return onFrame(st, ev);
      if (ev.t === 'timer') return onTimer(st, ev);
      return reject(st, E_EVENT, ev.t);
    } catch (e) {
      return reject(st, E_CRYPTO, 'exception ' + String(e && (e as Error).message));
    }
  }

  return { proto: PROTO_ECQV, name: 'ecqv/ca', randBytes: CA_RAND, next: next };
}
